/*
 * builtin.h - the built-in catalog for the unit tests that bind rows or
 * read the catalog: `cat`, loaded by load_builtin() (a suite's or a
 * test's .init) and freed by release() (.fini).  Header-only.
 */
#ifndef BR_TEST_BUILTIN_H
#define BR_TEST_BUILTIN_H

#include <string.h>

#include <criterion/criterion.h>

#include "catalog.h"

static struct br_catalog cat;

static inline void
load_builtin(void)
{
	struct br_err err = { 0 };

	memset(&cat, 0, sizeof(cat));
	cr_assert_eq(br_catalog_load_builtin(&cat, &err), 0, "%s", err.msg);
}

static inline void
release(void)
{
	br_catalog_release(&cat);
}

#endif
