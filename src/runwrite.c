/*
 * runwrite.c - how a row ends up in the report: written as it ends, or
 * not sent at all (invalid, skipped after a halt, cancelled), and what
 * happens when the report cannot be written (the rows go to standard
 * error in report format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "sched.h"

static const char *
problems_code(const struct br_problems *p, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "INPUT.%s", p->n > 0 ? p->v[0].reason : "BAD");
	return buf;
}

static char *
problems_text(const struct br_problems *p)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < p->n; i++)
		len += strlen(p->v[i].msg) + 2;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < p->n; i++) {
		if (i > 0)
			strcat(s, "; ");
		strcat(s, p->v[i].msg);
	}
	return s;
}

/*
 * The report cannot be written (disk full, closed pipe): say so once,
 * start no new row, and write the rows that still end to standard error
 * in report format, so that none goes unrecorded.
 */
void
br_run_report_failed(struct run *r, const struct br_err *why)
{
	struct br_report_opts ro = r->ro;
	struct br_err err = { 0 };

	r->report_failed = 1;
	r->io_error = 1;
	fprintf(stderr, "bulkrun: %s\nbulkrun: no new row starts; the rows "
	    "that end from now on are written below in report format\n",
	    why->msg);
	ro.stream = stderr;
	ro.bom = 0;
	if (br_report_open(&r->rep_err, "<stderr>", &ro, r->cols, r->ncols,
	    &err) != 0)
		r->rep_err = NULL;
}

void
br_run_write_row(struct run *r, const struct br_row *row, const char *op,
    struct br_result *res)
{
	struct br_err err = { 0 };

	br_stats_add(&r->stats, res);
	br_stats_add_op(&r->stats, op, res->outcome);
	if (r->rep != NULL && !r->report_failed &&
	    br_report_write(r->rep, row, op, res, &err) != 0)
		br_run_report_failed(r, &err);
	if (r->report_failed && r->rep_err != NULL) {
		br_err_clear(&err);
		(void)br_report_write(r->rep_err, row, op, res, &err);
	}
}

static const char *
op_name_of(const struct br_row *row, const struct br_opts *o)
{
	struct br_field *f = br_row_find(row, "op");

	return f != NULL && f->value != NULL && f->value[0] != '\0' ?
	    f->value : o->op;
}

/* Writes a row that is not sent: invalid, skipped or cancelled. */
void
br_run_write_unsent(struct run *r, const struct br_row *row, const char *opname,
    enum br_outcome out, const char *code, const char *msg, const char *rfp)
{
	struct br_result res = { 0 };

	if (rfp != NULL)
		snprintf(res.request_fp, sizeof(res.request_fp), "%s", rfp);
	if (br_result_set(&res, out, code, msg) == 0)
		br_run_write_row(r, row, opname, &res);
	br_result_release(&res);
}

/* Why rows are not started, as the report says it. */
static const struct {
	enum br_outcome	 outcome;
	const char	*code, *msg;
} halts[] = {
	[BR_HALT_FAILURES] = { BR_OUT_SKIPPED, "SKIPPED.HALTED",
	    "not started: --max-failures was exceeded" },
	[BR_HALT_CANARY] = { BR_OUT_SKIPPED, "SKIPPED.CANARY",
	    "not started: a canary row failed" },
	[BR_HALT_AUTH] = { BR_OUT_SKIPPED, "SKIPPED.AUTH",
	    "not started: the credentials were refused" },
	[BR_HALT_WINDOW] = { BR_OUT_SKIPPED, "SKIPPED.WINDOW",
	    "not started: the window had closed" },
	[BR_HALT_CANCELLED] = { BR_OUT_CANCELLED, "CANCELLED",
	    "not started: interrupted" },
};

/* Why a row is not started now: a signal, a halt, or none. */
enum br_halt
br_run_halted(const struct run *r)
{
	return br_sched_signal ? BR_HALT_CANCELLED : r->halt;
}

void
br_run_write_halted(struct run *r, struct job *j, enum br_halt why)
{
	if (why == BR_HALT_NONE)
		why = BR_HALT_FAILURES;
	br_run_write_unsent(r, &j->row, j->b.op->name, halts[why].outcome,
	    halts[why].code, halts[why].msg, j->rfp);
}


void
br_run_write_row_unsent(struct run *r, const struct br_row *row,
    enum br_outcome out, const char *code, const char *msg)
{
	br_run_write_unsent(r, row, op_name_of(row, r->o), out, code, msg,
	    NULL);
}

void
br_run_write_invalid(struct run *r, const struct br_row *row)
{
	char code[32], *msg = problems_text(&r->probs);

	br_run_write_row_unsent(r, row, BR_OUT_INVALID, problems_code(&r->probs,
	    code, sizeof(code)), msg ? msg : "invalid row");
	free(msg);
}
