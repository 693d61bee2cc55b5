/*
 * End to end: waiting until it is back (issue 10).  The real bulkrun
 * against bulkrun-sim's read APIs and resource state machines, judged
 * from the report and from the simulator's request log: every verdict of
 * the five operations, the stale first read, a throttled poll, a rolling
 * run that keeps -j resources in progress, a canary that fails its
 * verification, SIGINT while verifying then --resume, polls inside
 * --rate, status and --precheck.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness.h"

#define HDR	"op,project_id,instance_id,task_id,job_name,cluster_id,task_name\n"

/* One row of op on the resource named id (its key id, prefixes and all). */
static void
add_row(char *buf, size_t sz, const char *op, const char *id)
{
	size_t n = strlen(buf);

	if (strncmp(op, "kafka.modify", 12) == 0)
		snprintf(buf + n, sz - n, "%s,p1,i1,%s,,,renamed-%s\n", op, id,
		    id);
	else if (strncmp(op, "kafka", 5) == 0 || strncmp(op, "roma", 4) == 0)
		snprintf(buf + n, sz - n, "%s,p1,i1,%s,,,\n", op, id);
	else if (strncmp(op, "dataarts", 8) == 0)
		snprintf(buf + n, sz - n, "%s,p1,7,,%s,,\n", op, id);
	else
		snprintf(buf + n, sz - n, "%s,p1,,,,%s,\n", op, id);
}

/* Each operation's resource of its own (Kafka's two share the task):
 * the id with "-<operation's index>" after it. */
static const char *
id_of(const char *id, size_t op)
{
	static char buf[8][64];
	static int n;
	char *b = buf[n++ % 8];

	snprintf(b, sizeof(buf[0]), "%s-%zu", id, op);
	return b;
}

static const char *const ops[] = {
	"kafka.restart_connector_task", "kafka.modify_connector_task",
	"dataarts.restart_job_instance", "roma.reset_multi_task",
	"css.restart_cluster"
};
#define NOPS	(sizeof(ops) / sizeof(ops[0]))

/* The report row of the resource whose key column holds value. */
static size_t
row_of(const struct table *t, const char *op, const char *id)
{
	const char *col = strncmp(op, "css", 3) == 0 ? "cluster_id" :
	    strncmp(op, "dataarts", 8) == 0 ? "job_name" : "task_id";
	size_t r;

	for (r = 1; r <= t->nrows; r++)
		if (strcmp(table_get(t, r, "op"), op) == 0 &&
		    strcmp(table_get(t, r, col), id) == 0)
			return r;
	cr_assert_fail("no report row for %s %s", op, id);
	return 0;
}

static void
expect_row(const struct table *t, const char *op, const char *id,
    const char *outcome, const char *code)
{
	size_t r = row_of(t, op, id);

	cr_expect_str_eq(table_get(t, r, "outcome"), outcome, "%s %s: %s %s",
	    op, id, table_get(t, r, "error_code"),
	    table_get(t, r, "error_msg"));
	cr_expect_str_eq(table_get(t, r, "error_code"), code, "%s %s: %s", op,
	    id, table_get(t, r, "error_msg"));
}

/* Requests in the log of that method whose path holds s. */
static int
count_reqs(const cJSON *log, const char *method, const char *s)
{
	const cJSON *e;
	int n = 0;

	cJSON_ArrayForEach(e, log) {
		const cJSON *m = cJSON_GetObjectItem(e, "method");
		const cJSON *p = cJSON_GetObjectItem(e, "path");
		const cJSON *q = cJSON_GetObjectItem(e, "query");

		if ((strcmp(m->valuestring, method) == 0 ||
		    (strcmp(method, "WRITE") == 0 &&
		    strcmp(m->valuestring, "GET") != 0)) &&
		    (strstr(p->valuestring, s) != NULL ||
		    (q != NULL && strstr(q->valuestring, s) != NULL)))
			n++;
	}
	return n;
}

/* Every operation: healthy, failed (its own failure), gone, a throttled
 * poll (retried, not a verdict), with a timeout long enough for a loaded
 * machine under the sanitizers; then the timeout, in a run of its own. */
Test(verify, every_verdict_of_the_five_operations, .timeout = 60)
{
	static const char *const ids[] = { "ok1", "failverify-f1", "gone-g1",
	    "throttle1-t1" };
	static const char *const want[][2] = {
		{ "succeeded", "" }, { "failed", "VERIFY.FAILED" },
		{ "failed", "VERIFY.GONE" }, { "succeeded", "" }
	};
	static char buf[8192];
	struct fx f;
	cJSON *log;
	size_t i, k, r;

	strcpy(buf, HDR);
	for (i = 0; i < NOPS; i++)
		for (k = 0; k < 4; k++)
			add_row(buf, sizeof(buf), ops[i], id_of(ids[k], i));
	fx_start(&f, "--restart-ms", "300", NULL);
	fx_run(&f, t_write("m.csv", buf), "r.csv", ',', "--rate", "unlimited",
	    "-j", "32", "--wait", "--poll-interval", "100ms",
	    "--wait-timeout", "30s", "--backoff", "50ms", "--max-backoff",
	    "300ms", "-q", NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.o.status, 1, "%s", f.o.err);
	for (i = 0; i < NOPS; i++)
		for (k = 0; k < 4; k++)
			expect_row(&f.t, ops[i], id_of(ids[k], i), want[k][0],
			    want[k][1]);
	r = row_of(&f.t, "css.restart_cluster", id_of("failverify-f1", 4));
	cr_expect(strstr(table_get(&f.t, r, "error_msg"), "CSS.6002") != NULL,
	    "%s", table_get(&f.t, r, "error_msg"));
	r = row_of(&f.t, "kafka.restart_connector_task",
	    id_of("failverify-f1", 0));
	cr_expect_str_eq(table_get(&f.t, r, "state"), "PAUSED");
	r = row_of(&f.t, "dataarts.restart_job_instance",
	    id_of("failverify-f1", 2));
	cr_expect_str_eq(table_get(&f.t, r, "state"), "fail");
	r = row_of(&f.t, "css.restart_cluster", id_of("ok1", 4));
	cr_expect_str_eq(table_get(&f.t, r, "state"), "200");
	cr_expect_geq(atol(table_get(&f.t, r, "verify_ms")), 100,
	    "the first poll waits --poll-interval");
	cr_expect_geq(atol(table_get(&f.t, r, "polls")), 2);
	log = sim_log(&f.s);
	/* each resource was called once: a throttled poll is retried, the
	 * call is not made again (the simulator throttles the first write
	 * and the first read of each throttle1- resource) */
	cr_expect_eq(count_reqs(log, "WRITE", "throttle1-t1"), 2 * (int)NOPS,
	    "each write throttled once, then accepted, never again");
	cr_expect_geq(count_reqs(log, "GET", "throttle1-t1"), 2 * (int)NOPS,
	    "each throttled read was read again");
	cr_expect_eq(count_reqs(log, "POST", "clusters/ok1-4/"), 1);
	cJSON_Delete(log);
	/* a resource that never comes back: VERIFY.TIMEOUT after the timeout */
	strcpy(buf, HDR);
	for (i = 0; i < NOPS; i++)
		add_row(buf, sizeof(buf), ops[i], id_of("stuck-s1", i));
	fx_run(&f, t_write("s.csv", buf), "s.csv.report.csv", ',', "--rate",
	    "unlimited", "--wait", "--poll-interval", "100ms",
	    "--wait-timeout", "1500ms", "-q", NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	for (i = 0; i < NOPS; i++) {
		expect_row(&f.t, ops[i], id_of("stuck-s1", i), "failed",
		    "VERIFY.TIMEOUT");
		r = row_of(&f.t, ops[i], id_of("stuck-s1", i));
		cr_expect_geq(atol(table_get(&f.t, r, "verify_ms")), 1500);
	}
	fx_end(&f);
}

/* A stale first read (the old healthy state, right after the call) is
 * not taken for the resource being back. */
Test(verify, a_stale_first_read_is_not_healthy, .timeout = 60)
{
	static char buf[4096];
	struct fx f;
	size_t i, r;

	strcpy(buf, HDR);
	for (i = 0; i < NOPS; i++)
		add_row(buf, sizeof(buf), ops[i], "restart800-st1");
	fx_start(&f, "--stale-ms", "150", NULL);
	fx_run(&f, t_write("m.csv", buf), "r.csv", ',', "--rate", "unlimited",
	    "--wait", "--poll-interval", "100ms", "-q", NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.o.status, 0, "%s", f.o.err);
	for (i = 0; i < NOPS; i++) {
		r = row_of(&f.t, ops[i], "restart800-st1");
		cr_expect_str_eq(table_get(&f.t, r, "outcome"), "succeeded",
		    "%s: %s", ops[i], table_get(&f.t, r, "error_msg"));
		cr_expect_geq(atol(table_get(&f.t, r, "verify_ms")), 700,
		    "%s: healthy at %s ms, before the resource was back",
		    ops[i], table_get(&f.t, r, "verify_ms"));
	}
	fx_end(&f);
}

/* The writes' times from the log, in order. */
static int
write_times(const cJSON *log, double *t, int max)
{
	const cJSON *e;
	int n = 0;

	cJSON_ArrayForEach(e, log)
		if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring,
		    "POST") == 0 && n < max)
			t[n++] = cJSON_GetObjectItem(e, "time_ms")->valuedouble;
	return n;
}

/* "2026-12-03T15:12:01.123Z" in epoch ms. */
static double
iso_ms(const char *s)
{
	struct tm tm = { 0 };
	int ms = 0;

	cr_assert(sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) == 7, "%s",
	    s);
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (double)timegm(&tm) * 1000.0 + ms;
}

/* Rows whose verdict (finished_at) came less than ms after their restart
 * reached the simulator (the same clock: this machine's). */
static int
verdicts_before_back(const struct table *t, const cJSON *log, double ms)
{
	const cJSON *w;
	char key[96];
	size_t r;
	int bad = 0;

	for (r = 1; r <= t->nrows; r++) {
		snprintf(key, sizeof(key), "/clusters/%s/restart",
		    table_get(t, r, "cluster_id"));
		cJSON_ArrayForEach(w, log)
			if (strstr(cJSON_GetStringValue(cJSON_GetObjectItem(w,
			    "path")), key) != NULL &&
			    iso_ms(table_get(t, r, "finished_at")) -
			    cJSON_GetObjectItem(w, "time_ms")->valuedouble < ms)
				bad++;
	}
	return bad;
}

/* -j 2 --wait: never more than two clusters restarting at once (the third
 * restart waits until one of the two before it is back); a canary that
 * fails its verification stops the run before any other row is called. */
Test(verify, a_rolling_restart_two_at_a_time, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	double t[16], t0;
	int n, i;
	size_t r;

	fx_start(&f, "--restart-ms", "1000", NULL);
	fx_run(&f, t_css_manifest("m.csv", 10, "c%d"), "r.csv", ',', "--rate",
	    "unlimited", "-j", "2", "--wait", "--poll-interval", "100ms",
	    "-q", NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.o.status, 0, "%s", f.o.err);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 10);
	/* about 1 s each: bulkrun's clock starts when it takes in the
	 * call's answer, a little after the simulator's (a loaded machine
	 * under TSan: tens of ms); the log below says it exactly */
	for (r = 1; r <= 10; r++)
		cr_expect_geq(atol(table_get(&f.t, r, "verify_ms")), 800);
	log = sim_log(&f.s);
	cr_expect_eq(verdicts_before_back(&f.t, log, 1000.0), 0, "a "
	    "cluster was judged healthy before it was back");
	n = write_times(log, t, 16);
	cr_assert_eq(n, 10, "each cluster restarted once");
	t0 = t[0];
	for (i = 2; i < n; i++)
		cr_expect_geq(t[i] - t[i - 2], 1000.0, "restart %d went %.0f "
		    "ms after restart %d: three clusters down at once", i + 1,
		    t[i] - t[i - 2], i - 1);
	fprintf(stderr, "verify: rolling: 10 clusters, 1 s each, -j 2: last "
	    "restart at +%.2f s\n", (t[n - 1] - t0) / 1000.0);
	cJSON_Delete(log);
	fx_run(&f, t_write("c.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,restart300-failverify-k1\n"
	    "css.restart_cluster,p1,k2\ncss.restart_cluster,p1,k3\n"),
	    "canary-report.csv", ',', "--rate", "unlimited", "--canary", "1",
	    "--wait", "--poll-interval", "100ms", "-q", NULL);
	cr_expect_eq(f.o.status, 3, "%s", f.o.err);
	log = sim_log(&f.s);
	cr_expect_eq(count_reqs(log, "POST", "clusters/k"), 0,
	    "nothing called after the canary failed its verification");
	cJSON_Delete(log);
	cr_expect_eq(table_count(&f.t, "skipped", "SKIPPED.CANARY"), 2);
	fx_end(&f);
}

/* SIGINT while rows are being verified: they are cancelled unverified
 * (their call went out); --resume verifies them without calling again. */
Test(verify, interrupted_while_verifying_then_resumed, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const char *m = t_css_manifest("m.csv", 6, "restart1500-c%d");
	int i;
	char key[32];

	fx_start(&f, NULL);
	fx_signal(&f, 8, SIGINT, 1);	/* 6 calls and a read or two */
	fx_run(&f, m, "r1.csv", ',', "--rate", "unlimited", "-j", "8",
	    "--wait", "--poll-interval", "100ms", "-q", NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.o.status, 130, "%s", f.o.err);
	cr_expect_eq(table_count(&f.t, "cancelled", "CANCELLED.UNVERIFIED"),
	    6, "%s", f.o.err);
	fx_signal(&f, 0, 0, 0);
	fx_run(&f, m, "r2.csv", ',', "--rate", "unlimited", "-j", "8",
	    "--wait", "--poll-interval", "100ms", "-q", "--resume",
	    t_path("r1.csv"), NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.o.status, 0, "%s", f.o.err);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 6);
	log = sim_log(&f.s);
	for (i = 1; i <= 6; i++) {
		snprintf(key, sizeof(key), "restart1500-c%d/", i);
		cr_expect_eq(count_reqs(log, "POST", key), 1, "%s called %d "
		    "times", key, count_reqs(log, "POST", key));
	}
	cJSON_Delete(log);
	fx_end(&f);
}

/* Writes and polls together stay inside --rate: no one-second window
 * holds more than rate + burst requests. */
Test(verify, polls_stay_inside_the_rate, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	double *t;
	int n, most;

	fx_start(&f, "--restart-ms", "500", NULL);
	fx_run(&f, t_css_manifest("m.csv", 12, "c%d"), "r.csv", ',', "--rate",
	    "20/s", "-j", "12", "--wait", "--poll-interval", "50ms", "-q",
	    NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(f.o.status, 0, "%s", f.o.err);
	log = sim_log(&f.s);
	t = log_times(log, &n);
	most = window_max(t, n, 1000.0);
	cr_expect_gt(n, 24, "the polls went out too: %d requests", n);
	cr_expect_leq(most, 21, "a second held %d requests (limit 21)", most);
	free(t);
	cJSON_Delete(log);
	fx_end(&f);
}

#define OP	"css.restart_cluster"

/* bulkrun status reads once and changes nothing; --precheck calls only
 * the rows whose resource is healthy. */
Test(verify, status_and_precheck, .timeout = 60)
{
	struct fx f;
	struct out o;
	struct table t;
	cJSON *log;
	const char *m = t_write("m.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\ncss.restart_cluster,p1,busy-c2\n"
	    "css.restart_cluster,p1,failedbefore-c3\n"
	    "css.restart_cluster,p1,gone-c4\n");

	fx_start(&f, NULL);
	run_bulkrun(&o, NULL, "status", m, "--endpoint", f.s.url, "-o",
	    t_path("s.csv"), "--rate", "unlimited", "-q", NULL);
	cr_expect_eq(o.status, 1, "not every resource is healthy: %s", o.err);
	cr_assert_eq(table_load(&t, t_path("s.csv"), ','), 0);
	cr_expect_str_eq(table_get(&t, row_of(&t, OP, "c1"), "state"),
	    "healthy");
	cr_expect_str_eq(table_get(&t, row_of(&t, OP, "busy-c2"), "state"),
	    "in_progress");
	cr_expect_str_eq(table_get(&t, row_of(&t, OP, "failedbefore-c3"),
	    "state"), "failed");
	cr_expect_str_eq(table_get(&t, row_of(&t, OP, "gone-c4"), "state"),
	    "gone");
	expect_row(&t, OP, "c1", "succeeded", "");
	expect_row(&t, OP, "gone-c4", "failed", "VERIFY.GONE");
	table_release(&t);
	out_release(&o);
	log = sim_log(&f.s);
	cr_expect_eq(count_reqs(log, "POST", "/clusters/"), 0,
	    "status changes nothing");
	cJSON_Delete(log);
	fx_run(&f, m, "p.csv", ',', "--rate", "unlimited", "--precheck", "-q",
	    NULL);
	cr_assert_eq(f.loaded, 0, "exit %d: %s", f.o.status, f.o.err);
	expect_row(&f.t, "css.restart_cluster", "c1", "succeeded", "");
	expect_row(&f.t, "css.restart_cluster", "busy-c2", "skipped",
	    "SKIPPED.PRECHECK");
	expect_row(&f.t, "css.restart_cluster", "gone-c4", "skipped",
	    "SKIPPED.PRECHECK");
	log = sim_log(&f.s);
	cr_expect_eq(count_reqs(log, "POST", "/clusters/"), 1,
	    "only the healthy cluster was restarted");
	cJSON_Delete(log);
	fx_end(&f);
}
