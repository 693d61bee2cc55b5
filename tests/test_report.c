/*
 * test_report.c - the report, byte for byte: CSV in each dialect, JSON
 * Lines, quoting, the formula guard, renamed columns.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "report.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define T0	1795219200000LL		/* 2026-11-21T00:00:00.000Z */

static char tmpdir[64];

static void
mk_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/br-report-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
rm_tmp(void)
{
	char cmd[128];

	/* the directory is this test's alone (mkdtemp) */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* Every test gets a fresh directory, removed even when the test fails. */
TestSuite(report, .init = mk_tmp, .fini = rm_tmp);

static char *
slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	long n;
	FILE *f;

	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
same_as_golden(const char *path, const char *golden)
{
	const char *dir = getenv("BULKRUN_TESTDATA");
	char gpath[512];
	char *got, *want;
	size_t glen, wlen, i;

	snprintf(gpath, sizeof(gpath), "%s/report/%s",
	    dir != NULL ? dir : "tests/data", golden);
	got = slurp(path, &glen);
	want = slurp(gpath, &wlen);
	for (i = 0; i < glen && i < wlen && got[i] == want[i]; i++)
		;
	cr_assert(glen == wlen && i == glen, "%s differs from %s at byte %zu:"
	    "\n--- got\n%s\n--- want\n%s", path, gpath, i, got, want);
	free(got);
	free(want);
}

/* ---- the fixture: five rows of a CSV manifest ---- */

static const char *const columns[] = { "op", "project_id", "task_id",
    "note" };

struct fx {
	struct br_field		 f[4];
	struct br_row		 row;
	const char		*op;
	struct br_result	 res;
};

static void
field(struct br_field *f, const char *name, const char *value)
{
	f->name = (char *)name;
	f->value = (char *)value;
	f->len = value != NULL ? strlen(value) : 0;
	f->kind = BR_V_STRING;
}

static void
fixture(struct fx *fx)
{
	static const struct {
		long		 num, line;
		const char	*v[4];
		const char	*op;
		enum br_outcome	 outcome;
		long		 http;
		const char	*code, *msg;
		int		 att;
		int64_t		 el, st, fi;
		const char	*rid, *resp;
	} t[5] = {
		{ 1, 2, { "roma.reset_multi_task", "p1", "t1", "plain" },
		  "roma.reset_multi_task", BR_OUT_SUCCEEDED, 200, NULL, NULL,
		  1, 35, T0, T0 + 35, "req-1",
		  "{\"message\":\"Reset Success\"}" },
		{ 2, 3, { "roma.reset_multi_task", "p1", "t2",
		  "has, comma; and \"quote\"" }, "roma.reset_multi_task",
		  BR_OUT_FAILED, 400, "FDI.3150", "The task list is empty.",
		  1, 12, 1795300205000LL, 1795300205012LL, "req-2", NULL },
		{ 3, 4, { "css.restart_cluster", "p1", NULL, "two\r\nlines" },
		  "css.restart_cluster", BR_OUT_INVALID, 0, "INPUT.MISSING",
		  "'cluster_id' is required", 0, 0, 0, 0, NULL, NULL },
		{ 4, 6, { "css.restart_cluster", "p1", "c\tx", " padded " },
		  "css.restart_cluster", BR_OUT_FAILED, 502, "HTTP.502",
		  "=HYPERLINK(\"http://x\")", 4, 61000, T0 + 1000, T0 + 62000,
		  "-rid", NULL },
		/* no operation given to the writer: the row's op column */
		{ 5, 7, { "css.restart_cluster", "p1", "t5", "@home" }, NULL,
		  BR_OUT_SKIPPED, 0, "SKIPPED.AUTH",
		  "not started: credentials were refused", 0, 0, 0, 0, NULL,
		  NULL },
	};
	size_t i, k;

	for (i = 0; i < 5; i++) {
		memset(&fx[i], 0, sizeof(fx[i]));
		for (k = 0; k < 4; k++)
			field(&fx[i].f[k], columns[k], t[i].v[k]);
		fx[i].row.num = t[i].num;
		fx[i].row.line = t[i].line;
		fx[i].row.fields = fx[i].f;
		fx[i].row.nfields = 4;
		fx[i].op = t[i].op;
		fx[i].res.outcome = t[i].outcome;
		fx[i].res.http_status = t[i].http;
		fx[i].res.error_code = (char *)t[i].code;
		fx[i].res.error_msg = (char *)t[i].msg;
		fx[i].res.attempts = t[i].att;
		fx[i].res.elapsed_ms = t[i].el;
		fx[i].res.started_ms = t[i].st;
		fx[i].res.finished_ms = t[i].fi;
		fx[i].res.request_id = (char *)t[i].rid;
		fx[i].res.response = (char *)t[i].resp;
	}
}

static void
write_fixture(const char *name, enum br_rformat fmt, int delim, int bom)
{
	struct br_report_opts o = { .format = fmt, .delimiter = delim,
	    .bom = bom };
	struct br_report *rp;
	struct br_err err = { 0 };
	struct fx fx[5];
	char path[128];
	size_t i;

	fixture(fx);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	cr_assert_eq(br_report_open(&rp, path, &o, columns, N(columns), &err),
	    0, "%s", err.msg);
	cr_assert_str_eq(br_report_path(rp), path);
	for (i = 0; i < 5; i++)
		cr_assert_eq(br_report_write(rp, &fx[i].row, fx[i].op,
		    &fx[i].res, &err), 0, "%s", err.msg);
	cr_assert_eq(br_report_close(rp, &err), 0, "%s", err.msg);
	same_as_golden(path, name);
}

Test(report, csv_comma_golden)
{
	write_fixture("comma.csv", BR_RF_CSV, ',', 0);
}

Test(report, csv_semicolon_golden)
{
	write_fixture("semicolon.csv", BR_RF_CSV, ';', 0);
}

Test(report, csv_tab_golden)
{
	write_fixture("tab.csv", BR_RF_CSV, '\t', 0);
}

Test(report, csv_bom_golden)
{
	write_fixture("bom_semicolon.csv", BR_RF_CSV, ';', 1);
}

Test(report, jsonl_golden)
{
	/* a BOM asked of a JSON Lines report is ignored */
	write_fixture("report.jsonl", BR_RF_JSONL, ',', 1);
}

/* ---- a JSON manifest: kinds, nesting, lookup by name ---- */

static void
json_row(struct br_row *row, struct br_field *f)
{
	/* the row's own order differs from the report's column order */
	static const struct {
		const char	*name, *value;
		enum br_vkind	 kind;
	} t[] = {
		{ "op", "kafka.modify_connector_task", BR_V_STRING },
		{ "project_id", "p", BR_V_STRING },
		{ "source_task.task_num", "3", BR_V_NUMBER },
		{ "topics", "t", BR_V_STRING },
		{ "source_task.compression_type", "gzip", BR_V_STRING },
		{ "flag", "true", BR_V_BOOL },
		{ "list", "[1,2,{\"a\":null}]", BR_V_JSON },
		{ "nul", NULL, BR_V_NULL },
		{ "big", "12345678901234567890", BR_V_NUMBER },
		{ "a", "x", BR_V_STRING },
		{ "a.b", "y", BR_V_STRING },
		{ "bad", "caf\xe9", BR_V_STRING },
	};
	size_t i;

	memset(row, 0, sizeof(*row));
	for (i = 0; i < N(t); i++) {
		field(&f[i], t[i].name, t[i].value);
		f[i].kind = t[i].kind;
	}
	row->num = 1;
	row->line = 3;
	row->fields = f;
	row->nfields = N(t);
}

static void
json_manifest(const char *name, enum br_rformat fmt)
{
	static const char *const cols[] = { "op", "project_id",
	    "source_task.task_num", "source_task.compression_type", "topics",
	    "flag", "list", "nul", "big", "a", "a.b", "bad" };
	struct br_report_opts o = { .format = fmt, .delimiter = ',' };
	struct br_result res = {
		.outcome = BR_OUT_SUCCEEDED, .http_status = 200, .attempts = 2,
		.elapsed_ms = 1500, .started_ms = T0, .finished_ms = T0 + 1500,
		.request_id = "r-9",
		.response = "{\"id\":12345678901234567890,"
		    "\"status\":\"RUNNING\"}",
	};
	struct br_report *rp;
	struct br_err err = { 0 };
	struct br_field f[12];
	struct br_row row;
	char path[128];

	json_row(&row, f);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	cr_assert_eq(br_report_open(&rp, path, &o, cols, N(cols), &err), 0,
	    "%s", err.msg);
	cr_assert_eq(br_report_write(rp, &row, "kafka.modify_connector_task",
	    &res, &err), 0, "%s", err.msg);
	cr_assert_eq(br_report_close(rp, &err), 0, "%s", err.msg);
	same_as_golden(path, name);
}

Test(report, json_manifest_jsonl_nests_input)
{
	json_manifest("json_manifest.jsonl", BR_RF_JSONL);
}

Test(report, json_manifest_csv_finds_values_by_name)
{
	json_manifest("json_manifest.csv", BR_RF_CSV);
}

/* ---- cells ---- */

Test(report, csv_cell_quoting_and_formula_guard)
{
	static const struct {
		const char	*in;
		int		 delim, network;
		const char	*out;
	} t[] = {
		{ "plain", ',', 0, "plain" },
		{ "", ',', 1, "" },
		{ "a,b", ',', 0, "\"a,b\"" },
		{ "a,b", ';', 0, "a,b" },
		{ "a;b", ';', 0, "\"a;b\"" },
		{ "a\tb", '\t', 0, "\"a\tb\"" },
		{ "a\tb", ',', 0, "a\tb" },
		{ "say \"hi\"", ',', 0, "\"say \"\"hi\"\"\"" },
		{ "\"", ',', 0, "\"\"\"\"" },
		{ "two\r\nlines", ',', 0, "\"two\r\nlines\"" },
		{ "lf\nonly", ',', 0, "\"lf\nonly\"" },
		{ "cr\ronly", ',', 0, "\"cr\ronly\"" },
		{ " lead", ',', 0, "\" lead\"" },
		{ "trail ", ',', 0, "\"trail \"" },
		{ "trail\t", ',', 0, "\"trail\t\"" },
		{ "mid dle", ',', 0, "mid dle" },
		/* the guard, for each trigger, only on network text */
		{ "=1+2", ',', 1, "'=1+2" },
		{ "+1", ',', 1, "'+1" },
		{ "-1", ',', 1, "'-1" },
		{ "@SUM(A1)", ',', 1, "'@SUM(A1)" },
		{ "\tx", ',', 1, "'\tx" },
		{ "\rx", ',', 1, "\"'\rx\"" },
		{ "=A1,B1", ',', 1, "\"'=A1,B1\"" },
		{ "=\"x\"", ',', 1, "\"'=\"\"x\"\"\"" },
		{ "\tx", '\t', 1, "\"'\tx\"" },
		{ "=1+2", ',', 0, "=1+2" },
		{ "-1", ',', 0, "-1" },
		{ "@home", ',', 0, "@home" },
		{ "a=1", ',', 1, "a=1" },
		{ "'quoted", ',', 1, "'quoted" },
		{ "\xc3\xa9t\xc3\xa9", ',', 1, "\xc3\xa9t\xc3\xa9" },
	};
	char *c;
	size_t i;

	for (i = 0; i < N(t); i++) {
		c = br_csv_cell(t[i].in, strlen(t[i].in), t[i].delim,
		    t[i].network);
		cr_assert_not_null(c);
		cr_assert_str_eq(c, t[i].out, "case %zu", i);
		free(c);
	}
	/* bytes past a NUL are cells' bytes too */
	c = br_csv_cell("a\0\"", 3, ',', 0);
	cr_assert_not_null(c);
	cr_assert_eq(memcmp(c, "\"a\0\"\"\"", 7), 0);
	free(c);
}

/* ---- columns ---- */

static char *
write_one(const char *const *cols, size_t ncols, struct br_row *row,
    const char *op, enum br_rformat fmt)
{
	struct br_report_opts o = { .format = fmt, .delimiter = ',' };
	struct br_result res = { .outcome = BR_OUT_SUCCEEDED,
	    .http_status = 204, .attempts = 1, .elapsed_ms = 5 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/r", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, cols, ncols, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(br_report_write(rp, row, op, &res, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(br_report_close(rp, &err), 0, "%s", err.msg);
	text = slurp(path, &len);
	return text;
}

Test(report, clashing_columns_are_renamed_and_op_is_not_repeated)
{
	static const char *const cols[] = { "Outcome", "x", "OP", "response",
	    "error code", "Row" };
	struct br_field f[6];
	struct br_row row = { .num = 9, .line = 10, .fields = f,
	    .nfields = 6 };
	char *text;

	field(&f[0], "Outcome", "mine");
	field(&f[1], "x", "1");
	field(&f[2], "OP", "css.restart_cluster");
	field(&f[3], "response", "{\"mine\":1}");
	field(&f[4], "error code", "E");
	field(&f[5], "Row", "r");
	text = write_one(cols, N(cols), &row, "dataarts.restart_job_instance",
	    BR_RF_CSV);
	cr_assert_str_eq(text,
	    "input.Outcome,x,input.response,error code,input.Row,"
	    "row,line,op,outcome,http_status,error_code,error_msg,attempts,"
	    "elapsed_ms,started_at,finished_at,request_id,response,request_fp\r\n"
	    "mine,1,\"{\"\"mine\"\":1}\",E,r,"
	    "9,10,dataarts.restart_job_instance,succeeded,204,,,1,5,,,,,\r\n");
	free(text);
}

Test(report, values_found_by_name_when_out_of_place)
{
	static const char *const cols[] = { "a", "b", "c" };
	struct br_field f[3];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = 2 };
	char *text;

	/* fields in another order, in another case, one missing */
	field(&f[0], "C", "cv");
	field(&f[1], "a", "av");
	text = write_one(cols, N(cols), &row, NULL, BR_RF_CSV);
	cr_assert_str_eq(text,
	    "a,b,c,row,line,op,outcome,http_status,error_code,error_msg,"
	    "attempts,elapsed_ms,started_at,finished_at,request_id,response,request_fp\r\n"
	    "av,,cv,1,2,,succeeded,204,,,1,5,,,,,\r\n");
	free(text);
}

Test(report, manifest_cells_are_written_byte_for_byte)
{
	static const char *const cols[] = { "v" };
	struct br_field f[1];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = 1 };
	char *text;

	/* the user's own formula and a Latin-1 byte stay as they were */
	field(&f[0], "v", "=SUM(A1:A3) caf\xe9");
	text = write_one(cols, N(cols), &row, "x.y", BR_RF_CSV);
	cr_assert_not_null(strstr(text, "\r\n=SUM(A1:A3) caf\xe9,1,2,x.y,"));
	free(text);
}

Test(report, jsonl_input_names_that_clash_stay_flat)
{
	struct br_field f[6];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = 6 };
	char *text;

	field(&f[0], "a.b", "1");
	field(&f[1], "a", "2");
	field(&f[2], "c..d", "3");
	field(&f[3], "e.f.g", "4");
	field(&f[4], "e.h", "5");
	field(&f[5], "op", "x.y");
	text = write_one(NULL, 0, &row, NULL, BR_RF_JSONL);
	cr_assert_str_eq(text, "{\"row\":1,\"line\":2,\"op\":\"x.y\","
	    "\"outcome\":\"succeeded\",\"http_status\":204,\"error_code\":null,"
	    "\"error_msg\":null,\"attempts\":1,\"elapsed_ms\":5,"
	    "\"started_at\":null,\"finished_at\":null,\"request_id\":null,"
	    "\"response\":null,\"request_fp\":null,\"input\":{\"a.b\":\"1\",\"a\":\"2\","
	    "\"c..d\":\"3\",\"e\":{\"f\":{\"g\":\"4\"},\"h\":\"5\"}}}\n");
	free(text);
}

Test(report, jsonl_response_that_is_not_json_is_a_string)
{
	struct br_report_opts o = { .format = BR_RF_JSONL };
	struct br_result res = { .outcome = BR_OUT_SUCCEEDED,
	    .response = "not {json" };
	struct br_row row = { .num = 1, .line = 1 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/r.jsonl", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0);
	cr_assert_eq(br_report_write(rp, &row, NULL, &res, &err), 0);
	/* a response with a raw line break must not break the line */
	res.response = "{\"m\":\"a\nb\"}";
	cr_assert_eq(br_report_write(rp, &row, NULL, &res, &err), 0);
	cr_assert_eq(br_report_close(rp, &err), 0);
	text = slurp(path, &len);
	cr_assert_not_null(strstr(text, "\"op\":null,"));
	cr_assert_not_null(strstr(text, "\"response\":\"not {json\","));
	cr_assert_not_null(strstr(text, "\"response\":{\"m\":\"a\\nb\"},"),
	    "%s", text);
	/* two lines: the second line break is the last byte */
	cr_assert_eq(strchr(strchr(text, '\n') + 1, '\n'), text + len - 1);
	free(text);
}

Test(report, jsonl_is_valid_utf8_whatever_the_input)
{
	struct br_field f[3];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = 3 };
	char *text;

	field(&f[0], "v", "[\"caf\xe9\",\"\\u00zz\",12345678901234567890]");
	f[0].kind = BR_V_JSON;
	field(&f[1], "s\xff", "nul\0byte");
	f[1].len = 8;
	field(&f[2], "n", "01");		/* not a JSON number */
	f[2].kind = BR_V_NUMBER;
	text = write_one(NULL, 0, &row, "x.y", BR_RF_JSONL);
	cr_assert_not_null(strstr(text, "\"input\":{\"v\":[\"caf\xef\xbf\xbd\","
	    "\"\",1.2345678901234567e+19],\"s\xef\xbf\xbd\":\"nul\xef\xbf\xbd"
	    "byte\",\"n\":\"01\"}}\n"), "%s", text);
	free(text);
}

Test(report, a_row_as_wide_as_a_sheet)
{
	enum { W = 16384 };	/* a spreadsheet's column limit */
	static char names[W][16], values[W][16];
	static const char *cols[W];
	static struct br_field f[W];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = W };
	char *text, want[64];
	size_t i;

	for (i = 0; i < W; i++) {
		snprintf(names[i], sizeof(names[i]), "c%zu", i);
		snprintf(values[i], sizeof(values[i]), "v%zu", i);
		cols[i] = names[i];
		/* the row holds its fields in the opposite order */
		field(&f[W - 1 - i], names[i], values[i]);
	}
	text = write_one(cols, W, &row, "x.y", BR_RF_CSV);
	cr_assert_not_null(strstr(text, "\r\nv0,v1,v2,"));
	snprintf(want, sizeof(want), ",v%d,1,2,x.y,succeeded,", W - 1);
	cr_assert_not_null(strstr(text, want));
	free(text);
	text = write_one(NULL, 0, &row, "x.y", BR_RF_JSONL);
	snprintf(want, sizeof(want), "\"input\":{\"c%d\":\"v%d\",", W - 1,
	    W - 1);
	cr_assert_not_null(strstr(text, want));
	cr_assert_not_null(strstr(text, ",\"c0\":\"v0\"}}\n"));
	free(text);
}

/* ---- files ---- */

Test(report, format_for_path)
{
	static const struct {
		const char	*path;
		enum br_rformat	 fmt;
	} t[] = {
		{ "reports/a.csv", BR_RF_CSV }, { "a.jsonl", BR_RF_JSONL },
		{ "A.NDJSON", BR_RF_JSONL }, { "x.json", BR_RF_JSONL },
		{ "x.txt", BR_RF_CSV }, { "noext", BR_RF_CSV },
		{ "dir.jsonl/file", BR_RF_CSV }, { "-", BR_RF_CSV },
		{ "r.XLSX", BR_RF_XLSX }, { "r.tsv", BR_RF_CSV },
	};
	static const char *const refused[] = { "r.xls", "r.ods", "out.pdf",
	    "a.csv.bak" };
	struct br_err err = { 0 };
	enum br_rformat f;
	size_t i;

	for (i = 0; i < N(t); i++) {
		cr_assert_eq(br_report_format_for(t[i].path), t[i].fmt,
		    "%s", t[i].path);
		cr_assert_eq(br_report_format_check(t[i].path, &f, &err), 0);
		cr_assert_eq(f, t[i].fmt, "%s", t[i].path);
	}
	for (i = 0; i < N(refused); i++) {
		br_err_clear(&err);
		cr_assert_eq(br_report_format_check(refused[i], &f, &err),
		    BR_EINPUT, "%s", refused[i]);
		cr_assert(strstr(err.msg, "is no report type bulkrun writes: "
		    ".csv, .tsv, .txt, .jsonl, .ndjson, .json or .xlsx") != NULL,
		    "%s", err.msg);
	}
}

Test(report, each_line_is_flushed_as_written)
{
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = ',' };
	struct br_result res = { .outcome = BR_OUT_FAILED,
	    .error_code = "NET.TIMEOUT", .error_msg = "timed out",
	    .attempts = 4 };
	struct br_row row = { .num = 1, .line = 2 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/r.csv", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0);
	text = slurp(path, &len);
	cr_assert_str_eq(text, "row,line,op,outcome,http_status,error_code,"
	    "error_msg,attempts,elapsed_ms,started_at,finished_at,request_id,"
	    "response,request_fp\r\n");
	free(text);
	cr_assert_eq(br_report_write(rp, &row, NULL, &res, &err), 0);
	text = slurp(path, &len);	/* not closed yet */
	cr_assert_not_null(strstr(text,
	    "\r\n1,2,,failed,,NET.TIMEOUT,timed out,4,0,,,,,\r\n"));
	free(text);
	cr_assert_eq(br_report_close(rp, &err), 0);
}

Test(report, creates_a_missing_directory)
{
	struct br_report_opts o = { .format = BR_RF_CSV };
	struct br_report *rp;
	struct br_err err = { 0 };
	struct stat st;
	char path[128];

	snprintf(path, sizeof(path), "%s/reports/run.csv", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(br_report_close(rp, &err), 0);
	cr_assert_eq(stat(path, &st), 0);

	/* only one level */
	snprintf(path, sizeof(path), "%s/no/such/run.csv", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), BR_EIO);
	cr_assert_null(rp);
	cr_assert(strstr(err.msg, "cannot create directory '") == err.msg,
	    "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "/no/such': No such file or "
	    "directory"), "%s", err.msg);
}

Test(report, open_failure_names_the_path)
{
	struct br_report_opts o = { .format = BR_RF_CSV };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128];

	/* a directory where the file should be */
	snprintf(path, sizeof(path), "%s", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), BR_EIO);
	cr_assert_null(rp);
	snprintf(path, sizeof(path), "cannot create report '%s': Is a "
	    "directory", tmpdir);
	cr_assert_str_eq(err.msg, path);
}

Test(report, write_errors_are_reported)
{
	struct br_report_opts o = { .format = BR_RF_JSONL };
	struct br_result res = { .outcome = BR_OUT_SUCCEEDED };
	struct br_row row = { .num = 1, .line = 2 };
	struct br_report *rp;
	struct br_err err = { 0 };

	if (access("/dev/full", W_OK) != 0)
		cr_skip_test("no /dev/full");
	cr_assert_eq(br_report_open(&rp, "/dev/full", &o, NULL, 0, &err), 0);
	cr_assert_eq(br_report_write(rp, &row, NULL, &res, &err), BR_EIO);
	cr_assert_str_eq(err.msg, "cannot write report '/dev/full': No space "
	    "left on device");
	br_err_clear(&err);
	cr_assert_eq(br_report_close(rp, &err), BR_EIO);
	cr_assert_str_eq(err.msg, "cannot write report '/dev/full': No space "
	    "left on device");

	/* the CSV header is written at open */
	o.format = BR_RF_CSV;
	br_err_clear(&err);
	cr_assert_eq(br_report_open(&rp, "/dev/full", &o, NULL, 0, &err),
	    BR_EIO);
	cr_assert_null(rp);
}

Test(report, stdout_report, .init = cr_redirect_stdout)
{
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = ';' };
	struct br_result res = { .outcome = BR_OUT_CANCELLED,
	    .error_code = "CANCELLED", .attempts = 0 };
	struct br_row row = { .num = 3, .line = 4 };
	struct br_report *rp;
	struct br_err err = { 0 };

	cr_assert_eq(br_report_open(&rp, "-", &o, NULL, 0, &err), 0);
	cr_assert_eq(br_report_write(rp, &row, "css.restart_cluster", &res,
	    &err), 0);
	cr_assert_eq(br_report_close(rp, &err), 0);
	fflush(stdout);
	cr_assert_stdout_eq_str("row;line;op;outcome;http_status;error_code;"
	    "error_msg;attempts;elapsed_ms;started_at;finished_at;request_id;"
	    "response;request_fp\r\n3;4;css.restart_cluster;cancelled;;CANCELLED;;0;0;;;;;"
	    "\r\n");
}

Test(report, bad_delimiter_is_refused)
{
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = '"' };
	struct br_report *rp;
	struct br_err err = { 0 };

	cr_assert_eq(br_report_open(&rp, "/nonexistent/x.csv", &o, NULL, 0,
	    &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "invalid report delimiter");
	cr_assert_null(rp);
}

/* A line whose first cell starts with '#' would read back as a comment
 * (and --resume would send that row again): such a cell is quoted. */
Test(report, a_cell_starting_with_hash_is_quoted)
{
	char *c = br_csv_cell("#42", 3, ',', 0);

	cr_assert_str_eq(c, "\"#42\"");
	free(c);
	c = br_csv_cell("a#b", 3, ',', 0);
	cr_assert_str_eq(c, "a#b");
	free(c);
}

Test(report, a_name_of_our_own_never_replaces_a_file)
{
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = ',',
	    .exclusive = 1 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], *text;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/taken.csv", tmpdir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("precious\n", f);
	fclose(f);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), BR_EEXIST);
	text = slurp(path, &len);
	cr_assert_str_eq(text, "precious\n", "left as it was");
	free(text);
	/* -o names it: replaced */
	o.exclusive = 0;
	br_err_clear(&err);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0);
	cr_assert_eq(br_report_close(rp, &err), 0);
	text = slurp(path, &len);
	cr_assert(strncmp(text, "row,", 4) == 0);
	free(text);
}

Test(report, default_names_are_unique_to_the_millisecond)
{
	/* 2026-11-22T22:00:00.123Z */
	char *a = br_report_default_path("dir/restarts.csv", ',',
	    1795384800123LL, 1);
	char *b = br_report_default_path("-", '\t', 1795384800123LL, 2);

	cr_assert_str_eq(a, "reports/restarts-20261122T220000.123Z.csv");
	cr_assert_str_eq(b, "reports/stdin-20261122T220000.123Z-2.tsv");
	free(a);
	free(b);
}

/* Resuming, the new report appears only once the carried rows are in it:
 * a crash before leaves no half report that looks like the newest. */
Test(report, a_staged_report_appears_when_published)
{
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = ',',
	    .exclusive = 1, .staged = 1 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], other[128], *text;
	size_t len;
	FILE *f;
	DIR *d;
	struct dirent *de;
	int n;

	snprintf(path, sizeof(path), "%s/staged.csv", tmpdir);
	snprintf(other, sizeof(other), "%s/staged-2.csv", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0);
	cr_assert_eq(access(path, F_OK), -1, "not there before publish");
	/* someone took the name meanwhile: not replaced, another is used */
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("theirs\n", f);
	fclose(f);
	cr_assert_eq(br_report_publish(rp, path, &err), BR_EEXIST);
	br_err_clear(&err);
	cr_assert_eq(br_report_publish(rp, other, &err), 0, "%s", err.msg);
	cr_assert_str_eq(br_report_path(rp), other);
	cr_assert_eq(br_report_close(rp, &err), 0);
	text = slurp(path, &len);
	cr_assert_str_eq(text, "theirs\n");
	free(text);
	text = slurp(other, &len);
	cr_assert(strncmp(text, "row,", 4) == 0);
	free(text);

	/* never published: nothing left behind */
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0);
	cr_assert_eq(br_report_close(rp, &err), 0);
	cr_assert_not_null(d = opendir(tmpdir));
	for (n = 0; (de = readdir(d)) != NULL; )
		n += strncmp(de->d_name, ".bulkrun-partial-", 17) == 0;
	closedir(d);
	cr_assert_eq(n, 0, "a staged file was left");
}

/* A run that verifies adds state, verify_ms and polls after response (a
 * manifest column "state" becomes input.state); one that does not, none. */
Test(report, verification_columns_only_when_verifying)
{
	static const char *const cols[] = { "state", "cluster_id" };
	struct br_field f[2];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = 2 };
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = ',',
	    .verify = 1 };
	struct br_result res = { .outcome = BR_OUT_SUCCEEDED,
	    .http_status = 200, .attempts = 1, .elapsed_ms = 5,
	    .verify_ms = 1042, .polls = 3 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], *text, *line;
	size_t len;

	field(&f[0], "state", "old");
	field(&f[1], "cluster_id", "c1");
	res.state = strdup("200");
	snprintf(path, sizeof(path), "%s/v.csv", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, cols, 2, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(br_report_write(rp, &row, "css.restart_cluster", &res,
	    &err), 0, "%s", err.msg);
	cr_assert_eq(br_report_close(rp, &err), 0, "%s", err.msg);
	text = slurp(path, &len);
	cr_assert(strncmp(text, "input.state,cluster_id,row,", 27) == 0, "%s",
	    text);
	cr_assert(strstr(text, ",response,state,verify_ms,polls,request_fp\r\n")
	    != NULL, "%s", text);
	line = strstr(text, "\r\n") + 2;
	cr_assert(strstr(line, ",,200,1042,3,\r\n") != NULL, "%s", line);
	free(text);
	br_result_release(&res);
	text = write_one(cols, 2, &row, "css.restart_cluster", BR_RF_CSV);
	cr_assert(strncmp(text, "state,cluster_id,row,", 21) == 0, "%s", text);
	cr_assert_null(strstr(text, "verify_ms"), "%s", text);
	free(text);
}

/* The same in JSON Lines: "state", "verify_ms" and "polls". */
Test(report, verification_fields_in_jsonl)
{
	struct br_field f[1];
	struct br_row row = { .num = 1, .line = 2, .fields = f, .nfields = 1 };
	struct br_report_opts o = { .format = BR_RF_JSONL, .verify = 1 };
	struct br_result res = { .outcome = BR_OUT_FAILED,
	    .http_status = 200, .attempts = 1, .verify_ms = 30000,
	    .polls = 7 };
	struct br_report *rp;
	struct br_err err = { 0 };
	char path[128], *text;
	size_t len;

	field(&f[0], "cluster_id", "c1");
	res.state = strdup("100");
	res.error_code = strdup("VERIFY.TIMEOUT");
	snprintf(path, sizeof(path), "%s/v.jsonl", tmpdir);
	cr_assert_eq(br_report_open(&rp, path, &o, NULL, 0, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(br_report_write(rp, &row, "css.restart_cluster", &res,
	    &err), 0, "%s", err.msg);
	cr_assert_eq(br_report_close(rp, &err), 0, "%s", err.msg);
	text = slurp(path, &len);
	cr_assert(strstr(text, "\"state\":\"100\",\"verify_ms\":30000,"
	    "\"polls\":7,") != NULL, "%s", text);
	free(text);
	br_result_release(&res);
}
