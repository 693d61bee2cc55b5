#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include <cJSON.h>
#include <criterion/criterion.h>

#include "metrics.h"
#include "tmpdir.h"

static void mk_tmp(void) { tmp_make("metrics"); }
static void rm_tmp(void) { tmp_remove(); }

TestSuite(metrics, .init = mk_tmp, .fini = rm_tmp);

static void
add(struct br_stats *st, const char *op, enum br_outcome out,
    const char *code, int attempts, int64_t ms)
{
	struct br_result r = { 0 };

	r.outcome = out;
	r.error_code = (char *)code;
	r.attempts = attempts;
	r.elapsed_ms = ms;
	br_stats_add(st, &r);
	br_stats_add_op(st, op, out);
}

/* Two operations, three codes, a halt: the summary of a small run. */
static void
sample(struct br_stats *st, struct br_summary *s)
{
	br_stats_init(st, 5, 0);
	add(st, "css.restart_cluster", BR_OUT_SUCCEEDED, NULL, 1, 20);
	add(st, "css.restart_cluster", BR_OUT_FAILED, "CSS.0015", 3, 40);
	add(st, "roma.reset_multi_task", BR_OUT_FAILED, "FDI.3150", 1, 10);
	add(st, "roma.reset_multi_task", BR_OUT_SKIPPED, "SKIPPED.HALTED", 0,
	    0);
	add(st, "kafka.\"odd\\name\n", BR_OUT_SUCCEEDED, NULL, 1, 5);
	st->throttled = 2;
	memset(s, 0, sizeof(*s));
	s->stats = st;
	s->manifest = "/srv/nightly/restarts.csv";
	s->report = "/var/lib/bulkrun/r.csv";
	s->shard_k = 2;
	s->shard_n = 3;
	s->rows = 5;
	s->start_ms = 1796306144658LL;
	s->end_ms = 1796306145059LL;
	s->exit_status = 3;
	s->halted = "max-failures";
}

static int
has(const char *text, const char *line)
{
	return strstr(text, line) != NULL;
}

Test(metrics, prometheus_text_names_every_figure)
{
	struct br_stats st;
	struct br_summary s;
	struct br_strbuf b = BR_STRBUF_INIT;

	sample(&st, &s);
	br_metrics_prom(&s, &b);
	cr_assert_not_null(b.p);
#define L "{manifest=\"restarts.csv\",shard=\"2/3\""
	cr_assert(has(b.p, "# TYPE bulkrun_last_run_exit_status gauge\n"));
	cr_assert(has(b.p, "bulkrun_last_run_exit_status" L "} 3\n"), "%s",
	    b.p);
	cr_assert(has(b.p, "bulkrun_last_run_success" L "} 0\n"));
	cr_assert(has(b.p, "bulkrun_last_run_start_timestamp_seconds" L
	    "} 1796306144.658\n"), "%s", b.p);
	cr_assert(has(b.p, "bulkrun_last_run_end_timestamp_seconds" L
	    "} 1796306145.059\n"));
	cr_assert(has(b.p, "bulkrun_last_run_duration_seconds" L "} 0.401\n"));
	cr_assert(has(b.p, "bulkrun_last_run_rows" L
	    ",outcome=\"failed\"} 2\n"));
	cr_assert(has(b.p, "bulkrun_last_run_rows" L
	    ",outcome=\"cancelled\"} 0\n"), "every outcome, zero too");
	cr_assert(has(b.p, "bulkrun_last_run_operation_rows" L
	    ",operation=\"roma.reset_multi_task\",outcome=\"skipped\"} 1\n"));
	cr_assert(has(b.p, ",operation=\"kafka.\\\"odd\\\\name\\n\","),
	    "label values escaped: %s", b.p);
	cr_assert(has(b.p, "bulkrun_last_run_error_rows" L
	    ",code=\"CSS.0015\"} 1\n"));
	cr_assert(has(b.p, "bulkrun_last_run_error_rows" L
	    ",code=\"other\"} 0\n"));
	cr_assert(has(b.p, "bulkrun_last_run_retries" L "} 2\n"));
	cr_assert(has(b.p, "bulkrun_last_run_throttled" L "} 2\n"));
	cr_assert(has(b.p, "bulkrun_last_run_latency_seconds" L
	    ",percentile=\"100\"} 0.04\n"));
	cr_assert(!has(b.p, "/srv/nightly"), "the base name only");
#undef L
	br_strbuf_release(&b);
}

/* Cardinality is bounded: ten codes by name, the rest as "other". */
Test(metrics, error_codes_are_bounded)
{
	struct br_stats st;
	struct br_summary s;
	struct br_strbuf b = BR_STRBUF_INIT;
	char code[32];
	const char *p;
	int i, j, n = 0;

	sample(&st, &s);
	br_stats_init(&st, 0, 0);
	for (i = 0; i < 100; i++) {	/* 64 kept by stats, 36 past it */
		snprintf(code, sizeof(code), "E.%03d", i);
		for (j = 0; j <= i % 7; j++)
			add(&st, "op", BR_OUT_FAILED, code, 1, 1);
	}
	br_metrics_prom(&s, &b);
	for (p = b.p; (p = strstr(p, "\nbulkrun_last_run_error_rows{")) != NULL;
	    p++)
		n++;
	cr_assert_eq(n, BR_METRICS_CODES + 1, "%d series", n);
	cr_assert(has(b.p, ",code=\"E.006\"} 7\n"), "the most frequent");
	br_strbuf_release(&b);
}

Test(metrics, json_holds_the_same_summary)
{
	struct br_stats st;
	struct br_summary s;
	cJSON *j, *x;
	char *text;

	sample(&st, &s);
	text = br_metrics_json(&s);
	cr_assert_not_null(text);
	cr_assert_eq(text[strlen(text) - 1], '\n');
	j = cJSON_Parse(text);
	cr_assert_not_null(j, "%s", text);
	cr_assert_eq(cJSON_GetObjectItem(j, "exit_status")->valueint, 3);
	cr_assert_str_eq(cJSON_GetObjectItem(j, "halted")->valuestring,
	    "max-failures");
	cr_assert_str_eq(cJSON_GetObjectItem(j, "shard")->valuestring, "2/3");
	cr_assert_str_eq(cJSON_GetObjectItem(j, "started_at")->valuestring,
	    "2026-12-03T13:55:44.658Z");
	x = cJSON_GetObjectItem(j, "rows");
	cr_assert_eq(cJSON_GetObjectItem(x, "failed")->valueint, 2);
	x = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "operations"),
	    "css.restart_cluster");
	cr_assert_eq(cJSON_GetObjectItem(x, "succeeded")->valueint, 1);
	x = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "error_codes"), 0);
	cr_assert_not_null(x);
	cr_assert_eq(cJSON_GetObjectItem(x, "rows")->valueint, 1);
	cr_assert_eq(cJSON_GetObjectItem(j, "retries")->valueint, 2);
	cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
	    "latency_ms"), "max")->valueint, 40);
	cJSON_Delete(j);
	free(text);
}

/* The file appears whole under its name (0644, for node_exporter), no
 * temporary file stays, and a failure names the file. */
Test(metrics, written_atomically)
{
	struct br_err err = { 0 };
	struct stat sb;
	struct dirent *d;
	char path[128], buf[64] = "";
	DIR *dir;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/bulkrun.prom", tmp_dir);
	cr_assert_eq(br_metrics_write("metrics", path, "old\n", &err), 0);
	cr_assert_eq(br_metrics_write("metrics", path, "new\n", &err), 0,
	    "%s", err.msg);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0644);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_assert_str_eq(buf, "new\n");
	dir = opendir(tmp_dir);
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.' || strlen(d->d_name) > 2;
	closedir(dir);
	cr_assert_eq(n, 1, "no temporary file left");
	cr_assert_eq(br_metrics_write("metrics", "/nonexistent-dir/m.prom",
	    "x", &err), BR_EIO);
	cr_assert_not_null(strstr(err.msg, "--metrics '/nonexistent-dir/"
	    "m.prom'"), "%s", err.msg);
}
