/*
 * End to end: the accidents of a spreadsheet (issue 12) are refused before
 * anything is sent, each message naming FILE:LINE, the sheet's row and the
 * column letter; --allow-old-dates lets an old date through; validate and
 * --dry-run show what a date field means.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

#define RUN_OPTS "--rate", "unlimited", "--backoff", "10ms", "-q", \
	"--tz", "UTC"

/* The fixture in tests/data: a sheet saved as "CSV UTF-8" (BOM, CRLF),
 * with a header cell "OP" + no-break space and a note over two lines. */
static const char *
fixture(void)
{
	static char path[1024];
	const char *dir = getenv("BULKRUN_TESTDATA");

	snprintf(path, sizeof(path), "%s/manifest/sheet_accidents.csv",
	    dir != NULL ? dir : "tests/data");
	return path;
}

static const char *const accidents[] = {
	"sheet_accidents.csv:2: row 2, column E 'date_from': looks like a "
	"spreadsheet date serial (46347 = 2026-11-21); format the column as "
	"YYYY-MM-DD\n",
	"sheet_accidents.csv:3: row 3, column E 'date_from': looks like epoch "
	"seconds (1795219200 = 2026-11-21T00:00:00Z), the field takes "
	"milliseconds\n",
	"sheet_accidents.csv:4: row 4, column C 'instance_id': "
	"'1234567890123460000' is rounded by a spreadsheet (it keeps 15 "
	"digits): format the column as Text and paste the ids again\n",
	"sheet_accidents.csv:5: row 5, column C 'instance_id': ends with a "
	"no-break space (U+00A0): remove it from the value\n",
	/* the note of row 5 holds a line break: line 7 is row 6 */
	"sheet_accidents.csv:7: row 6, column C 'instance_id': starts with a "
	"space (U+0020): remove it from the value\n",
};

static void
expect_accidents(const char *err)
{
	size_t i;

	for (i = 0; i < sizeof(accidents) / sizeof(accidents[0]); i++)
		cr_expect(strstr(err, accidents[i]) != NULL, "missing: %s"
		    "in:\n%s", accidents[i], err);
}

Test(sheet, each_accident_is_refused_before_anything_is_sent,
    .timeout = 60)
{
	struct fx f;
	struct out o;

	fx_start(&f, NULL);
	fx_run(&f, fixture(), "r.csv", 0, RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	expect_accidents(f.o.err);
	cr_expect_null(strstr(f.o.err, "no 'op' column"), "OP + no-break "
	    "space is the op column: %s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 0, "nothing was sent");
	cr_expect_null(t_read(f.report), "no report either");

	run_bulkrun(&o, NULL, "validate", fixture(), "--tz", "UTC", NULL);
	cr_expect_eq(o.status, 2);
	expect_accidents(o.err);
	cr_expect(strstr(o.err, "6 rows, 5 invalid") != NULL, "%s", o.err);
	out_release(&o);

	run_bulkrun(&o, NULL, "run", fixture(), "--tz", "UTC", "--dry-run",
	    "--endpoint", f.s.url, NULL);
	cr_expect_eq(o.status, 2);
	expect_accidents(o.err);
	out_release(&o);
	cr_expect_eq(sim_count(&f.s), 0, "nothing was sent");
	fx_end(&f);
}

/* --skip-invalid: the row that is right goes, the accidents are reported
 * invalid with their codes. */
Test(sheet, skip_invalid_reports_each_accident, .timeout = 60)
{
	struct fx f;
	cJSON *log;

	fx_start(&f, NULL);
	fx_run(&f, fixture(), "r.csv", ',', RUN_OPTS, "--skip-invalid", NULL);
	cr_expect_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "invalid", "INPUT.OLD_DATE"), 2);
	cr_expect_eq(table_count(&f.t, "invalid", "INPUT.ROUNDED"), 1);
	cr_expect_eq(table_count(&f.t, "invalid", "INPUT.BLANK"), 2);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 1);
	cr_expect_str_eq(table_get(&f.t, 1, "error_msg"), "'date_from' looks "
	    "like a spreadsheet date serial (46347 = 2026-11-21); format the "
	    "column as YYYY-MM-DD");
	log = sim_log(&f.s);
	cr_assert_eq(cJSON_GetArraySize(log), 1);
	cr_expect(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0),
	    "path")->valuestring, "/multi-tasks/t5/reset") != NULL);
	cJSON_Delete(log);
	fx_end(&f);
}

Test(sheet, allow_old_dates_lets_an_old_date_through, .timeout = 60)
{
	struct fx f;
	cJSON *log, *e;
	const char *m = t_write("old.csv",
	    "op,project_id,instance_id,task_id,date_from\n"
	    "roma.reset_multi_task,p,i,t1,46347\n"
	    "roma.reset_multi_task,p,i,t2,1972-12-31\n");
	const char *body;
	int i, n46347 = 0, n1972 = 0;

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "old.csv:3: row 3, column E 'date_from': "
	    "is before 1973-03-03 (1972-12-31T00:00:00Z): too early to be "
	    "meant; give --allow-old-dates if it is\n") != NULL, "%s",
	    f.o.err);
	cr_expect_eq(sim_count(&f.s), 0);

	fx_run(&f, m, "r.csv", ',', RUN_OPTS, "--allow-old-dates", "-j", "1",
	    NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	log = sim_log(&f.s);
	cr_assert_eq(cJSON_GetArraySize(log), 2);
	for (i = 0; i < 2; i++) {
		e = cJSON_GetArrayItem(log, i);
		body = cJSON_GetObjectItem(e, "body")->valuestring;
		n46347 += strcmp(body, "{\"date_from\":46347}") == 0;
		n1972 += strcmp(body, "{\"date_from\":94608000000}") == 0;
	}
	cr_expect_eq(n46347, 1, "the serial went as it was");
	cr_expect_eq(n1972, 1, "1972-12-31 went as its milliseconds");
	cJSON_Delete(log);
	fx_end(&f);
}

/* validate and --dry-run say what each date field means. */
Test(sheet, dates_are_shown_with_their_utc_time, .timeout = 60)
{
	struct out o;
	const char *m = t_write("d.csv",
	    "op,project_id,instance_id,task_id,date_from\n"
	    "roma.reset_multi_task,p,i,t1,2026-11-21\n"
	    "roma.reset_multi_task,p,i,t2,1795219200123\n");
	const char *j = t_write("d.jsonl",
	    "{\"op\":\"roma.reset_multi_task\",\"project_id\":\"p\","
	    "\"instance_id\":\"i\",\"task_id\":\"t\","
	    "\"date_from\":\"2026-11-21T00:00:00Z\"}\n");

	run_bulkrun(&o, NULL, "validate", m, "--tz", "UTC", NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "d.csv:2: row 2, column E 'date_from': "
	    "1795219200000 (2026-11-21T00:00:00Z)\n") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "d.csv:3: row 3, column E 'date_from': "
	    "1795219200123 (2026-11-21T00:00:00.123Z)\n") != NULL, "%s",
	    o.out);
	out_release(&o);

	run_bulkrun(&o, NULL, "validate", j, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "d.jsonl:1: 'date_from': 1795219200000 "
	    "(2026-11-21T00:00:00Z)\n") != NULL, "%s", o.out);
	out_release(&o);

	run_bulkrun(&o, NULL, "run", m, "--tz", "UTC", "--dry-run",
	    "--endpoint", "http://127.0.0.1:9", NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "# row 1 (line 2)\n"
	    "# date_from: 1795219200000 (2026-11-21T00:00:00Z)\n"
	    "POST http://127.0.0.1:9/v2/p/fdi/instances/i/multi-tasks/t1/"
	    "reset") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "{\"date_from\":1795219200000}") != NULL,
	    "the request itself as before: %s", o.out);
	out_release(&o);
}

/* A JSON manifest has no sheet: FILE:LINE as before. */
Test(sheet, json_messages_keep_file_and_line, .timeout = 60)
{
	struct out o;
	const char *j = t_write("a.json",
	    "[\n"
	    "  {\"op\": \"dataarts.restart_job_instance\", \"project_id\": "
	    "\"p\",\n"
	    "   \"job_name\": \"j\", \"instance_id\": 1234567890123460000},\n"
	    "  {\"op\": \"roma.reset_multi_task\", \"project_id\": \"p\", "
	    "\"instance_id\": \"i\\u00a0\", \"task_id\": \"t\", "
	    "\"date_from\": 46347}\n"
	    "]\n");

	run_bulkrun(&o, NULL, "validate", j, NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "a.json:2: 'instance_id' '1234567890123460000' "
	    "is rounded by a spreadsheet") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "a.json:4: 'instance_id' ends with a no-break "
	    "space (U+00A0): remove it from the value\n") != NULL, "%s",
	    o.err);
	cr_expect(strstr(o.err, "a.json:4: 'date_from' looks like a "
	    "spreadsheet date serial (46347 = 2026-11-21)") != NULL, "%s",
	    o.err);
	out_release(&o);
}

/* The messages of the other checks name row and column too. */
Test(sheet, other_problems_name_row_and_column, .timeout = 60)
{
	struct out o;
	const char *m = t_write("x.csv",
	    "op,project_id,cluster_id,note,,,\n"
	    "css.restart_clustr,p,c,\"two\nlines\"\n"
	    "css.restart_cluster,p,,x\n"
	    "css.restart_cluster,p,c,x,,,y\n");

	run_bulkrun(&o, NULL, "validate", m, NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "x.csv:2: row 2, column A 'op': unknown "
	    "operation 'css.restart_clustr'; did you mean "
	    "'css.restart_cluster'?\n") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "x.csv:4: row 3: missing required parameter "
	    "'cluster_id'\n") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "x.csv:5: row 4: column G has a value but no "
	    "name in the header: name the column in the header row or delete "
	    "the value\n") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "3 rows, 3 invalid") != NULL, "every row "
	    "read, the stray cell is its row's problem: %s", o.err);
	out_release(&o);
}

/* A stray cell is its row's problem: with --skip-invalid the others run
 * (issue 12: it used to stop the whole file). */
Test(sheet, a_stray_cell_makes_only_its_row_invalid, .timeout = 60)
{
	struct fx f;
	const char *m = t_write("s.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p,c1\n"
	    "css.restart_cluster,p,c2,stray\n"
	    "css.restart_cluster,p,c3\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', "--skip-invalid", "--rate", "unlimited",
	    "-q", NULL);
	cr_expect_eq(f.o.status, 1, "%s", f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(sim_count(&f.s), 2, "the other rows were sent");
	cr_expect_eq(table_count(&f.t, "invalid", "INPUT.CELLS"), 1);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 2);
	fx_end(&f);
}
