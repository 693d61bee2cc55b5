/*
 * End to end: bulkrun merge of real reports.  Three shards of one
 * manifest against the simulator (each row sent once) merge into what
 * one unsharded run reports, timing columns and request ids aside;
 * overlapping and foreign reports are refused; a report and its --resume
 * continuation merge; JSON Lines shards merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define NROWS	30
#define OPTS	"--rate", "unlimited", "--retries", "0", "-q"

/* A css manifest of NROWS rows: every seventh cluster is missing (the
 * simulator answers 404), so the outcomes differ. */
static const char *
manifest(const char *name)
{
	char text[4096];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text, sizeof(text), "op,project_id,cluster_id,"
	    "note\n");
	for (i = 1; i <= NROWS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "css.restart_cluster,p1,%s%d,\"n, %d\"\n",
		    i % 7 == 0 ? "missing-" : "c-", i, i);
	return t_write(name, text);
}

/* Three shards as an engine runs them: a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX=0,1,2 and --shard-env (issue 11's acceptance). */
static void
shards(struct fx *f, const char *m, const char *ext)
{
	char name[32], k[32];
	int i;

	for (i = 1; i <= 3; i++) {
		snprintf(name, sizeof(name), "s%d.%s", i, ext);
		snprintf(k, sizeof(k), "%d", i - 1);
		cr_assert_eq(setenv("JOB_COMPLETION_INDEX", k, 1), 0);
		fx_run(f, m, name, 0, "--shard-env", "JOB_COMPLETION_INDEX/3",
		    "-j", "4", OPTS, NULL);
		cr_assert_eq(f->o.status, 1, "shard %d: exit %d: %s", i,
		    f->o.status, f->o.err);
	}
	unsetenv("JOB_COMPLETION_INDEX");
}

static int
timing(const char *col)
{
	return strcmp(col, "elapsed_ms") == 0 ||
	    strcmp(col, "started_at") == 0 ||
	    strcmp(col, "finished_at") == 0 ||
	    strcmp(col, "request_id") == 0;
}

/* The CSV report at path holds one's rows in row order, cell for cell
 * but the timing columns and request ids. */
static void
same_rows(const char *path, const struct table *one)
{
	struct table merged;
	char num[32];
	size_t r, c;

	cr_assert_eq(table_load(&merged, path, ','), 0);
	cr_assert_eq(merged.nrows, one->nrows);
	cr_assert_eq(merged.ncols, one->ncols);
	for (c = 0; c < merged.ncols; c++)
		cr_assert_str_eq(merged.cell[0][c], one->cell[0][c]);
	for (r = 1; r <= NROWS; r++) {
		snprintf(num, sizeof(num), "%zu", r);
		cr_assert_str_eq(table_get(&merged, r, "row"), num,
		    "row order");
		for (c = 0; c < merged.ncols; c++)
			if (!timing(merged.cell[0][c]))
				cr_expect_str_eq(merged.cell[r][c],
				    one->cell[table_find(one, "row", num)][c],
				    "row %zu, %s", r, merged.cell[0][c]);
	}
	table_release(&merged);
}

Test(merge, three_shards_merge_into_the_unsharded_report, .timeout = 60)
{
	struct fx f;
	struct out o;
	const char *m = manifest("m.csv");
	const cJSON *e;
	cJSON *log;
	char path[64];
	int i, n;

	fx_start(&f, NULL);
	shards(&f, m, "csv");
	log = sim_log(&f.s);
	cr_assert_eq(cJSON_GetArraySize(log), NROWS, "each row sent once");
	for (i = 1; i <= NROWS; i++) {	/* ... and every row */
		snprintf(path, sizeof(path), "/v1.0/p1/clusters/%s%d/restart",
		    i % 7 == 0 ? "missing-" : "c-", i);
		n = 0;
		cJSON_ArrayForEach(e, log)
			n += strcmp(cJSON_GetObjectItem(e, "path")->valuestring,
			    path) == 0;
		cr_expect_eq(n, 1, "%s sent %d times", path, n);
	}
	cJSON_Delete(log);
	run_bulkrun(&o, NULL, "merge", t_path("s3.csv"), t_path("s1.csv"),
	    t_path("s2.csv"), "-o", t_path("all.csv"), NULL);
	cr_assert_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "30 rows: 26 succeeded, 4 failed") != NULL,
	    "%s", o.err);
	out_release(&o);

	/* the same simulator: request_fp covers the endpoint */
	fx_run(&f, m, "one.csv", ',', "-j", "4", OPTS, NULL);
	cr_assert_eq(f.loaded, 0);
	same_rows(t_path("all.csv"), &f.t);
	fx_end(&f);
}

Test(merge, overlapping_or_foreign_reports_are_refused, .timeout = 60)
{
	struct fx f;
	struct out o;
	const char *m = manifest("m.csv");
	const char *other = t_css_manifest("other.csv", 5, "c-%d");

	fx_start(&f, NULL);
	shards(&f, m, "csv");
	fx_run(&f, m, "full.csv", 0, OPTS, NULL);
	run_bulkrun(&o, NULL, "merge", t_path("s1.csv"), t_path("full.csv"),
	    "-o", t_path("x.csv"), NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "full.csv:") != NULL && strstr(o.err,
	    ": row 1 succeeded here and in ") != NULL && strstr(o.err,
	    "s1.csv:") != NULL && strstr(o.err, "sent twice") != NULL, "%s",
	    o.err);
	cr_expect(access(t_path("x.csv"), F_OK) != 0, "nothing written");
	out_release(&o);

	fx_run(&f, other, "other.csv", 0, "--shard", "2/3", OPTS, NULL);
	run_bulkrun(&o, NULL, "merge", t_path("s1.csv"), t_path("other.csv"),
	    t_path("s3.csv"), "-o", t_path("x.csv"), NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "other.csv:1: other columns than the first "
	    "report") != NULL, "%s", o.err);
	cr_expect(access(t_path("x.csv"), F_OK) != 0, "nothing written");
	out_release(&o);

	run_bulkrun(&o, NULL, "merge", t_path("s1.csv"), t_path("s3.csv"),
	    "-o", t_path("x.csv"), NULL);
	cr_expect_eq(o.status, 1, "a shard missing: exit %d", o.status);
	cr_expect(strstr(o.err, "10 rows in none of the reports: 2, 5, 8")
	    != NULL, "%s", o.err);
	out_release(&o);
	fx_end(&f);
}

Test(merge, a_report_and_its_resume_continuation_merge, .timeout = 60)
{
	struct fx f;
	struct out o;
	struct table t;
	const char *m = t_write("m.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c-1\n"
	    "css.restart_cluster,p1,flaky1-2\n"
	    "css.restart_cluster,p1,c-3\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "first.csv", ',', "-j", "1", OPTS, NULL);
	cr_assert_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	fx_run(&f, m, "second.csv", ',', "-j", "1", "--resume",
	    t_path("first.csv"), OPTS, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(sim_count(&f.s), 4, "row 2 sent again, no other");
	run_bulkrun(&o, NULL, "merge", t_path("first.csv"),
	    t_path("second.csv"), "-o", t_path("all.csv"), NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "row 2: 'failed' in ") != NULL &&
	    strstr(o.err, "kept 'succeeded' (the later)") != NULL, "%s",
	    o.err);
	cr_assert_eq(table_load(&t, t_path("all.csv"), ','), 0);
	cr_expect_eq(t.nrows, 4);
	cr_expect_eq(table_count(&t, "succeeded", NULL), 3);
	table_release(&t);
	out_release(&o);
	fx_end(&f);
}

Test(merge, json_lines_shards_merge, .timeout = 60)
{
	struct fx f;
	struct out o;
	const char *m = manifest("m.csv");
	char *text, *line, *save = NULL, want[32];
	int n = 0;

	fx_start(&f, NULL);
	shards(&f, m, "jsonl");
	run_bulkrun(&o, NULL, "merge", t_path("s2.jsonl"), t_path("s1.jsonl"),
	    t_path("s3.jsonl"), "-o", t_path("all.jsonl"), NULL);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_assert_not_null(text = t_read(t_path("all.jsonl")));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		snprintf(want, sizeof(want), "{\"row\":%d,", ++n);
		cr_expect(strncmp(line, want, strlen(want)) == 0, "%s", line);
	}
	cr_expect_eq(n, NROWS);
	free(text);
	out_release(&o);

	/* into CSV: the report a CSV run writes, timing aside */
	run_bulkrun(&o, NULL, "merge", t_path("s2.jsonl"), t_path("s1.jsonl"),
	    t_path("s3.jsonl"), "-o", t_path("all.csv"), NULL);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	out_release(&o);
	fx_run(&f, m, "one.csv", ',', "-j", "4", OPTS, NULL);
	same_rows(t_path("all.csv"), &f.t);
	fx_end(&f);
}

/* The JSON lines of path, without the timing fields and request ids,
 * by row: v[row - 1]. */
static void
lines_by_row(const char *path, cJSON **v, int n)
{
	static const char *const drop[] = { "elapsed_ms", "started_at",
	    "finished_at", "request_id" };
	char *text, *line, *save = NULL;
	cJSON *o;
	size_t k;
	int row;

	cr_assert_not_null(text = t_read(path), "%s", path);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		cr_assert_not_null(o = cJSON_Parse(line), "%s", line);
		row = cJSON_GetObjectItem(o, "row")->valueint;
		cr_assert(row >= 1 && row <= n && v[row - 1] == NULL);
		for (k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
			cJSON_DeleteItemFromObject(o, drop[k]);
		v[row - 1] = o;
	}
	free(text);
}

Test(merge, csv_shards_merge_into_the_unsharded_json_lines_report,
    .timeout = 60)
{
	struct fx f;
	struct out o;
	const char *m = manifest("m.csv");
	cJSON *merged[NROWS] = { 0 }, *one[NROWS] = { 0 };
	int i;

	fx_start(&f, NULL);
	shards(&f, m, "csv");
	run_bulkrun(&o, NULL, "merge", t_path("s1.csv"), t_path("s2.csv"),
	    t_path("s3.csv"), "-o", t_path("all.jsonl"), NULL);
	cr_assert_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	out_release(&o);
	fx_run(&f, m, "one.jsonl", 0, "-j", "4", OPTS, NULL);
	lines_by_row(t_path("all.jsonl"), merged, NROWS);
	lines_by_row(t_path("one.jsonl"), one, NROWS);
	for (i = 0; i < NROWS; i++) {
		cr_assert_not_null(merged[i], "row %d", i + 1);
		cr_expect(cJSON_Compare(merged[i], one[i], 1), "row %d: %s",
		    i + 1, cJSON_PrintUnformatted(merged[i]));
		cJSON_Delete(merged[i]);
		cJSON_Delete(one[i]);
	}
	fx_end(&f);
}
