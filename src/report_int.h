/*
 * report_int.h - shared by report.c (opening, writing, publishing,
 * closing) and its two line formats, report_csv.c and report_jsonl.c.
 */
#ifndef BR_REPORT_INT_H
#define BR_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "strbuf.h"

/* The columns a report adds after the manifest's, in order; the three
 * from BR_REPORT_STATE_COL (state, verify_ms, polls) only when it
 * verifies: br_report_column_on(). */
extern const char *const br_report_added[];
extern const size_t br_report_nadded;
#define BR_REPORT_STATE_COL	13
int	br_report_column_on(const struct br_report_opts *o, size_t i);

struct br_report {
	FILE		*f;
	char		*path;
	int		 is_stdout;
	char		*staged;	/* the file written until published */
	int		 failed;	/* a write failed: its errno */
	struct br_report_opts opts;
	size_t		 ncols;		/* manifest columns written */
	char		**cols;		/* their manifest names */
	size_t		*pos;		/* their manifest positions */
};

/* "2026-11-21T00:00:00.000Z" */
void	br_report_iso_ms(int64_t ms, char *buf, size_t n);
/* The operation of a row: op, else its own "op" field; NULL if none. */
const char *br_report_op_of(const struct br_row *row, const char *op);
const struct br_field *br_report_row_find(const struct br_row *row,
	    const char *name);

/* Writes a whole line and flushes it; a failure sticks.  0 or BR_EIO. */
int	br_report_put_line(struct br_report *rp, const char *s, size_t n,
	    struct br_err *err);

/* report_csv.c */
int	br_report_csv_header(struct br_report *rp, struct br_err *err);
void	br_report_csv_line(struct br_report *rp, struct br_strbuf *sb,
	    const struct br_row *row, const char *op,
	    const struct br_result *res);
/* report_jsonl.c: br_report_jsonl_line (report.h) */

#endif
