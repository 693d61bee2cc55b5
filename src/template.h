/*
 * template.h - a workbook to start a manifest from (bulkrun ops NAME
 * --template FILE.xlsx); see template.c.
 */
#ifndef BR_TEMPLATE_H
#define BR_TEMPLATE_H

#include "catalog.h"
#include "err.h"

/* 0, or BR_EINPUT (no such operation) / BR_EIO with err set. */
int	br_catalog_write_template(const struct br_catalog *c,
	    const char *opname, const char *path, struct br_err *err);

#endif
