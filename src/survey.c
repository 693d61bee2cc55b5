/*
 * survey.c - pass one of a run: read every row of the shard, check it
 * against the catalog (and that it has somewhere to go), print its
 * problems as FILE:LINE: message, collect a JSON manifest's keys for the
 * report, mark the rows --resume carries; and `bulkrun validate`.
 */
#define MAX_COLUMNS	4096	/* distinct keys of a JSON manifest */
#define WHERE_BUF	(BR_SHEETREF_BUF + 96)	/* and a sheet's name */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "plausible.h"
#include "region.h"
#include "run.h"
#include "sched.h"
#include "sheetref.h"
#include "text.h"

/* "row 13, column C 'name'" for field (1-based; 0: the row) of a CSV
 * row, "" for a JSON one. */
static void
row_where(char *buf, size_t bufsz, const struct br_row *row, size_t field)
{
	char w[BR_SHEETREF_BUF];

	if (field > row->nfields)
		field = 0;
	br_sheetref_where(w, sizeof(w), row->sheet_row, field,
	    field > 0 ? row->fields[field - 1].name : NULL);
	if (row->sheet != NULL && w[0] != '\0')
		snprintf(buf, bufsz, "sheet '%.64s', %s", row->sheet, w);
	else
		snprintf(buf, bufsz, "%s", w);
}

/* FILE:LINE: message, and for a CSV manifest the sheet's row and column
 * too: FILE:LINE: row 13, column C 'instance_id': message. */
static void
print_problems(const char *file, const struct br_row *row,
    const struct br_problems *p)
{
	const struct br_problem *pr;
	char where[WHERE_BUF];
	size_t i;

	for (i = 0; i < p->n; i++) {
		pr = &p->v[i];
		row_where(where, sizeof(where), row, pr->field);
		if (where[0] == '\0')
			fprintf(stderr, "%s:%ld: %s\n", file, row->line,
			    pr->msg);
		else
			fprintf(stderr, "%s:%ld: %s: %s\n", file, row->line,
			    where, pr->msg + (pr->field > 0 ? pr->subj : 0));
	}
}

/* validate: each date field of a row that was checked, as the epoch
 * milliseconds it is sent as and the UTC time they mean. */
static void
print_dates(const char *file, const struct br_row *row,
    const struct br_bound *b)
{
	char where[WHERE_BUF], shown[64];
	const struct br_arg *a;
	size_t i, k;

	for (i = 0; i < b->nargs; i++) {
		a = &b->args[i];
		if (a->param->type != BR_T_EPOCH_MS)
			continue;
		for (k = 0; k < row->nfields; k++)
			if (row->fields[k].value == a->written)
				break;
		row_where(where, sizeof(where), row, k < row->nfields ?
		    k + 1 : 0);
		br_plaus_ms_show(strtoll(a->value, NULL, 10), shown,
		    sizeof(shown));
		if (where[0] == '\0' || k == row->nfields)
			printf("%s:%ld: %s%s'%s': %s\n", file, row->line, where,
			    where[0] != '\0' ? ": " : "", a->param->name,
			    shown);
		else
			printf("%s:%ld: %s: %s\n", file, row->line, where,
			    shown);
		fflush(stdout);	/* in order with the problems on stderr */
	}
}

/*
 * Checks a row.  With check_ep, also that its operation has somewhere to
 * go: a row's own bad region or endpoint is a problem of that row; no
 * endpoint configured at all is a problem of the command line, kept in
 * r->ep_err and reported once.
 */
int
br_run_bind(struct run *r, struct br_row *row, struct br_bound *b, int check_ep,
    char rfp[33])
{
	char *base;
	struct br_err err = { 0 };

	if (rfp != NULL)
		rfp[0] = '\0';
	br_problems_clear(&r->probs);
	if (row->problem[0] != '\0')	/* as read: cells without a column */
		return br_problems_addf(&r->probs, "CELLS", "%s",
		    row->problem) != 0 ? BR_ENOMEM : BR_EINPUT;
	if (br_catalog_bind(r->cat, row, &r->bo, b, &r->probs) != 0)
		return BR_EINPUT;
	if (br_run_reads(r) && b->op->verify == NULL)
		return br_problems_addf(&r->probs, "VERIFY", "operation '%s' "
		    "has no verify block: it cannot be read back (--wait, "
		    "--precheck, status)", b->op->name) != 0 ? BR_ENOMEM :
		    BR_EINPUT;
	if (!check_ep)
		return 0;
	if ((base = br_request_base_url(r->cat, b, &r->ep, &err)) != NULL) {
		if (rfp != NULL)
			br_request_fp(b, base, rfp);
		free(base);
		return 0;
	}
	/* not the row's own region or endpoint, nor an operation the
	 * region's cloud does not offer: the command line's (validate
	 * checks where rows go only when a region says it) */
	if (b->region == NULL && b->endpoint == NULL &&
	    br_region_offered(r->cat, b->op->service, r->ep.region,
	    r->ep.cloud)) {
		if (check_ep == BR_CHECK_EP_REGION && r->ep.region == NULL)
			return 0;
		if (r->ep_err.code == 0)
			r->ep_err = err;
		return BR_EINPUT;
	}
	if (br_problems_addf(&r->probs, "ENDPOINT", "%.500s", err.msg) != 0)
		return BR_ENOMEM;
	return BR_EINPUT;
}

int
br_run_in_shard(const struct br_opts *o, long num)
{
	return o->shard_n == 0 || (num - 1) % o->shard_n == o->shard_k - 1;
}

static int
add_column(struct br_survey *s, const char *name)
{
	char **nc, *d;
	size_t i;

	for (i = 0; i < s->ncolumns; i++)
		if (strcasecmp(s->columns[i], name) == 0)
			return 0;
	if (s->ncolumns == MAX_COLUMNS)
		return 0;	/* carried in JSONL input, not as a column */
	if ((d = strdup(name)) == NULL ||
	    (nc = realloc(s->columns, (s->ncolumns + 1) * sizeof(*nc))) ==
	    NULL) {
		free(d);
		return BR_ENOMEM;
	}
	s->columns = nc;
	s->columns[s->ncolumns++] = d;
	return 0;
}

void
br_survey_release(struct br_survey *s)
{
	br_text_free_all(s->columns, s->ncolumns);
	free(s->columns);
	memset(s, 0, sizeof(*s));
}

static int
has_op_column(const struct br_manifest *m)
{
	size_t i;

	for (i = 0; i < br_manifest_ncolumns(m); i++)
		if (strcasecmp(br_manifest_column(m, i), "op") == 0)
			return 1;
	return 0;
}

/*
 * Pass one: reads every row of the shard, checks it, prints its problems.
 * 0, or BR_E* with err set when the run cannot go on.
 */
int
br_survey_run(struct run *r, struct br_survey *s, int print, int check_ep,
    struct br_err *err)
{
	struct br_row row = { 0 };
	struct br_bound b;
	const char *name = br_manifest_name(r->m);
	char rfp[33];
	size_t i;
	int rc, json = br_manifest_format(r->m) != BR_MF_CSV;

	if (!json && r->o->op == NULL && !has_op_column(r->m))
		return br_errf(err, BR_EINPUT, name, 1, "no 'op' column, and "
		    "no --op given: name the operation of each row");
	while ((rc = br_manifest_next(r->m, &row, err)) == 1) {
		s->all_rows++;
		if (!br_run_in_shard(r->o, row.num))
			continue;
		s->rows++;
		if (row.hidden)
			continue;	/* not run: reported SKIPPED.HIDDEN */
		memset(&b, 0, sizeof(b));
		rc = br_run_bind(r, &row, &b, check_ep, r->resume != NULL ? rfp :
		    NULL);
		if (rc == 0 && r->resume != NULL &&
		    br_resume_match(r->resume, &row, b.op->name, rfp) ==
		    BR_ENOMEM)
			rc = BR_ENOMEM;
		if (print && r->o->cmd == BR_CMD_VALIDATE)
			print_dates(name, &row, &b);
		br_bound_release(&b);
		if (rc == BR_ENOMEM)
			break;
		if (rc != 0 && r->probs.n == 0) {
			rc = 0;		/* only the endpoint: said once below */
		} else if (rc != 0) {
			s->invalid++;
			if (print)
				print_problems(name, &row, &r->probs);
		}
		for (i = 0; json && i < row.nfields; i++)
			if (add_column(s, row.fields[i].name) != 0) {
				rc = BR_ENOMEM;
				break;
			}
		if (rc == BR_ENOMEM)
			break;
	}
	br_row_release(&row);
	if (rc == BR_ENOMEM)
		return br_errf(err, BR_ENOMEM, "bulkrun", 0, "out of memory");
	if (rc < 0)
		return rc;	/* the reader's FILE:LINE message */
	if (r->ep_err.code != 0) {
		*err = r->ep_err;
		br_err_prefix(err, "bulkrun");
		return err->code;
	}
	if (s->all_rows == 0)
		/* an export that went wrong, most likely: say so, the same
		 * way for every format and command */
		return br_errf(err, BR_EINPUT, name, 0, "no rows: the manifest "
		    "has %s", br_manifest_format(r->m) == BR_MF_CSV ? "a header "
		    "and no data rows" : "no operations");
	return br_manifest_rewind(r->m, err);
}

int
br_sched_validate(const struct br_opts *o, const struct br_catalog *c)
{
	struct run r;
	struct br_survey s = { 0 };
	struct br_err err = { 0 };
	int rc;

	br_run_setup(&r, o, c);
	if (br_run_open_manifest(&r, 0, &err) == 0 &&
	    br_survey_run(&r, &s, 1, BR_CHECK_EP_REGION, &err) == 0) {
		fprintf(stderr, "%s: %ld rows, %ld invalid\n",
		    br_manifest_name(r.m), s.rows, s.invalid);
		rc = s.invalid > 0 ? BR_EXIT_USAGE : BR_EXIT_OK;
	} else
		rc = br_exit_error(&err, stderr);
	br_survey_release(&s);
	br_run_teardown(&r);
	return rc;
}
