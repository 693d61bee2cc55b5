/*
 * End to end: a workbook (.xlsx) as the manifest (issue 12, "Workbooks
 * in"), the fixtures of tests/data/xlsx (made by make.py with openpyxl):
 * the first sheet or --sheet, a date cell sent as the epoch ms of its
 * day, a text id as typed, a hidden row reported SKIPPED.HIDDEN and not
 * sent, an id stored as a number refused with its sheet, row and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

#define RUN_OPTS "--rate", "unlimited", "--backoff", "10ms", "-q", \
	"--tz", "UTC", "-j", "1"
#define RESET	"/v2/p1/fdi/instances/%s/multi-tasks/%s/reset"

static const char *
fixture(const char *name)
{
	static char path[1024];
	const char *dir = getenv("BULKRUN_TESTDATA");

	snprintf(path, sizeof(path), "%s/xlsx/%s",
	    dir != NULL ? dir : "tests/data", name);
	return path;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The body of the request for instance ins, task task; NULL if none. */
static char *
sent(const cJSON *log, const char *ins, const char *task)
{
	char path[256];
	const cJSON *e;

	snprintf(path, sizeof(path), RESET, ins, task);
	cJSON_ArrayForEach(e, log)
		if (str(e, "path") != NULL && strcmp(str(e, "path"), path) == 0)
			return strdup(str(e, "body") != NULL ? str(e, "body") :
			    "");
	return NULL;
}

static void
expect_body(const cJSON *log, const char *ins, const char *task,
    const char *body)
{
	char *b = sent(log, ins, task);

	cr_expect_not_null(b, "%s/%s not sent", ins, task);
	if (b != NULL)
		cr_expect_str_eq(b, body, "%s/%s", ins, task);
	free(b);
}

Test(xlsxin, the_first_sheet_runs_typed_and_hidden_rows_are_skipped,
    .timeout = 60)
{
	struct fx f;
	cJSON *log;
	size_t r;
	char *b;

	fx_start(&f, NULL);
	fx_run(&f, fixture("plain.xlsx"), "r.csv", ',', RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(f.t.nrows, 5, "the header and the 4 rows of the first sheet");
	log = sim_log(&f.s);
	cr_expect_eq(sim_count(&f.s), 3, "the hidden row is not sent");
	/* a date cell: its day (UTC with --tz UTC), as epoch ms */
	expect_body(log, "ins-1", "t-ok", "{\"date_from\":1795219200000}");
	expect_body(log, "ins-1", "t-time", "{\"date_from\":1795249800000}");
	/* a text id as typed, leading zeros kept; an empty cell not sent */
	expect_body(log, "00123", "t-text", "");
	cr_expect_null(b = sent(log, "ins-1", "t-hidden"));
	free(b);
	cJSON_Delete(log);
	r = table_find(&f.t, "task_id", "t-hidden");
	cr_assert_neq(r, 0);
	cr_expect_str_eq(table_get(&f.t, r, "outcome"), "skipped");
	cr_expect_str_eq(table_get(&f.t, r, "error_code"), "SKIPPED.HIDDEN");
	cr_expect_str_eq(table_get(&f.t, r, "line"), "4", "the sheet's row");
	r = table_find(&f.t, "task_id", "t-text");
	cr_assert_neq(r, 0);
	cr_expect_str_eq(table_get(&f.t, r, "line"), "6",
	    "the blank row 5 keeps its number");
	fx_end(&f);
}

Test(xlsxin, sheet_picks_another_sheet_and_an_unknown_one_is_named,
    .timeout = 60)
{
	struct fx f;
	cJSON *log;

	fx_start(&f, NULL);
	fx_run(&f, fixture("plain.xlsx"), "r.csv", ',', RUN_OPTS, "--sheet",
	    "Later", NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.t.nrows, 2, "the header and one row");
	log = sim_log(&f.s);
	expect_body(log, "ins-2", "t-later", "");
	cJSON_Delete(log);
	fx_run(&f, fixture("plain.xlsx"), "r2.csv", 0, RUN_OPTS, "--sheet",
	    "Nope", NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "plain.xlsx: no sheet 'Nope' in the "
	    "workbook (its sheets: 'Orders', 'Later')") != NULL, "%s",
	    f.o.err);
	cr_expect_eq(sim_count(&f.s), 1, "nothing more sent");
	fx_end(&f);
}

Test(xlsxin, an_id_stored_as_a_number_is_refused_before_anything_is_sent,
    .timeout = 60)
{
	struct fx f;

	fx_start(&f, NULL);
	fx_run(&f, fixture("bignum.xlsx"), "r.csv", 0, RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "bignum.xlsx:3: sheet 'Orders', row 3, "
	    "column D 'task_id': 1.234567890123457e+18 is stored as a number, "
	    "digits lost (a spreadsheet keeps 15 digits): format the column "
	    "as Text and type the ids again") != NULL, "%s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 0, "nothing sent");
	fx_end(&f);
}
