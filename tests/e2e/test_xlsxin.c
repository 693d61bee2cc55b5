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
#include <sys/wait.h>

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

/* A sheet's usual accidents in a workbook openpyxl wrote (a date typed
 * into a General column, epoch seconds for milliseconds, a trailing
 * no-break space in an id, 'OP' + no-break space as the header): refused
 * before anything is sent, each named by sheet, row and column; with
 * --skip-invalid only the good row goes. */
Test(xlsxin, a_sheets_accidents_are_refused_before_anything_is_sent,
    .timeout = 60)
{
	struct fx f;
	cJSON *log;

	fx_start(&f, NULL);
	fx_run(&f, fixture("accidents.xlsx"), "r.csv", 0, "--rate",
	    "unlimited", "-q", NULL);
	cr_expect_eq(f.o.status, 2, "%s", f.o.err);
	cr_expect(strstr(f.o.err, "accidents.xlsx:2: sheet 'Resets', row 2, "
	    "column E 'date_from': looks like a spreadsheet date serial "
	    "(46347 = 2026-11-21); format the column as YYYY-MM-DD\n") != NULL,
	    "%s", f.o.err);
	cr_expect(strstr(f.o.err, "accidents.xlsx:3: sheet 'Resets', row 3, "
	    "column E 'date_from': looks like epoch seconds (1795219200 = "
	    "2026-11-21T00:00:00Z), the field takes milliseconds\n") != NULL,
	    "%s", f.o.err);
	cr_expect(strstr(f.o.err, "accidents.xlsx:4: sheet 'Resets', row 4, "
	    "column D 'task_id': ends with a no-break space (U+00A0)") != NULL,
	    "%s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 0, "nothing sent");
	fx_run(&f, fixture("accidents.xlsx"), "r.csv", ',', "--rate",
	    "unlimited", "-q", "--skip-invalid", NULL);
	cr_expect_eq(f.o.status, 1, "%s", f.o.err);
	log = sim_log(&f.s);
	cr_expect_eq(cJSON_GetArraySize(log), 1, "only the good row went");
	expect_body(log, "ins-1", "t-good", "{\"date_from\":1795219200000}");
	cJSON_Delete(log);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "invalid", "INPUT.OLD_DATE"), 2);
	cr_expect_eq(table_count(&f.t, "invalid", "INPUT.BLANK"), 1);
	fx_end(&f);
}

/* In and out: a workbook openpyxl wrote runs into an .xlsx report that
 * openpyxl reads back with text cells for every id, the rows in manifest
 * order (the hidden one skipped) and a summary sheet. */
Test(xlsxin, a_workbook_in_gives_a_workbook_out, .timeout = 60)
{
	struct fx f;
	char cmd[1024];
	int st;

	fx_start(&f, NULL);
	fx_run(&f, fixture("plain.xlsx"), "r.xlsx", 0, "--rate", "unlimited",
	    "-q", NULL);
	cr_expect_eq(f.o.status, 0, "%s", f.o.err);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/e2e/xlsx_check.py "
	    "'%s' 4 3 0 task_id >&2", t_path("r.xlsx"));
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xlsx_check: %d", st);
	fx_end(&f);
}
