/*
 * test_sched.c - the run's main loop with a fake pool driver: no network,
 * the answers chosen by the cluster id in the URL, every send counted.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "catalog.h"
#include "cli.h"
#include "http.h"
#include "pool.h"
#include "request.h"
#include "sched.h"
#include "tmpdir.h"

/* ---- the fake driver ---- */

#define MAXJ	64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int sends[100];		/* per cluster c<N> */
static int order[400], norder;	/* the clusters in the order sent */
/* --wait: a restarted cluster reads "100" (restarting) on its first
 * reads after the call, then "200"; restarting[] counts the clusters
 * called and not yet read healthy, most[] the most at once. */
static int reads[100], restarting, most;
static int called[100], healthy_read[100];

struct fake {
	struct br_pool_job	*done[MAXJ];
	int			 n;
};

static void *
f_new(void *arg, int capacity)
{
	(void)arg;
	cr_assert_leq(capacity, MAXJ);
	return calloc(1, sizeof(struct fake));
}

static void
f_free(void *w)
{
	free(w);
}

static void
answer(struct br_response *r, long status, const char *body)
{
	r->status = status;
	r->body = strdup(body);
	r->len = strlen(body);
}

/*
 * A read of cluster n: w-c<N> is restarting for two reads after its call,
 * then healthy; wf-c<N> fails ("303", CSS.6002); wgone-c<N> is gone (403
 * CSS.0015); anything else is healthy.  Before its call it is healthy
 * (a stale read right after the call is what freshness guards against).
 */
static void
read_answer(struct fake *f, struct br_pool_job *pj, const char *id, int n)
{
	struct br_response *r = pj->out;
	int k;

	pthread_mutex_lock(&mu);
	k = n >= 0 && n < 100 ? ++reads[n] : 0;
	pthread_mutex_unlock(&mu);
	if (strncmp(id, "wgone-", 6) == 0)
		answer(r, 403, "{\"errCode\":\"CSS.0015\",\"externalMessage\":"
		    "\"no such cluster\"}");
	else if (strncmp(id, "wf-", 3) == 0 && k >= 2)
		answer(r, 200, "{\"status\":\"303\",\"actions\":[],"
		    "\"failedReason\":{\"errorCode\":\"CSS.6002\","
		    "\"errorMsg\":\"restart failed\"}}");
	else if ((strncmp(id, "w-", 2) == 0 || strncmp(id, "wf-", 3) == 0) &&
	    called[n] && k <= 2)
		answer(r, 200, "{\"status\":\"100\",\"actions\":[\"REBOOTING\"],"
		    "\"instances\":[{\"status\":\"100\"}]}");
	else {
		answer(r, 200, "{\"status\":\"200\",\"actions\":[],"
		    "\"instances\":[{\"status\":\"200\"}]}");
		pthread_mutex_lock(&mu);
		if (n >= 0 && n < 100 && called[n] && !healthy_read[n]) {
			healthy_read[n] = 1;
			restarting--;
		}
		pthread_mutex_unlock(&mu);
	}
	f->done[f->n++] = pj;
}

/* c<N>: 200; e503-c<N>: 503 every time; ra-c<N>: 503 with Retry-After:
 * 1 the first time, then 200; drop-c<N>: sent, no answer. */
static void
f_start(void *w, struct br_pool_job *pj)
{
	struct fake *f = w;
	const struct br_request *req = pj->in;
	struct br_response *r = pj->out;
	const char *c = strstr(req->url, "/clusters/");
	const char *id = c + 10;
	int n;

	cr_assert_not_null(c);
	while (*id != '\0' && *id != '/')
		id++;
	while (id[-1] >= '0' && id[-1] <= '9')	/* the number at its end */
		id--;
	n = atoi(id);
	if (strcmp(req->method, "GET") == 0) {
		read_answer(f, pj, c + 10, n);
		return;
	}
	pthread_mutex_lock(&mu);
	if (n >= 0 && n < 100) {
		called[n] = 1;
		if (++restarting > most)
			most = restarting;
	}
	if (n >= 0 && n < 100)
		sends[n]++;
	if (norder < 400)
		order[norder++] = n;
	pthread_mutex_unlock(&mu);
	if (strncmp(c + 10, "e503-", 5) == 0 ||
	    (strncmp(c + 10, "ra-", 3) == 0 && sends[n] == 1)) {
		answer(r, 503, "{\"error_code\":\"SYS.503\"}");
		if (c[10] == 'r')
			r->retry_after = strdup("1");
	}
	else if (strncmp(c + 10, "drop-", 5) == 0) {
		r->net = BR_NET_NO_ANSWER;
		r->sent = 1;
	} else
		answer(r, 200, "{\"jobId\":[\"j\"]}");
	f->done[f->n++] = pj;
}

static void
f_step(void *w, int64_t timeout_ms)
{
	struct fake *f = w;

	if (f->n == 0 && timeout_ms > 0)
		usleep(1000);
}

static struct br_pool_job *
f_next(void *w)
{
	struct fake *f = w;

	return f->n > 0 ? f->done[--f->n] : NULL;
}

static void
f_wake(void *w)
{
	(void)w;
}

static const struct br_pool_driver fake = {
	f_new, f_free, f_start, f_step, f_next, f_wake
};

/* ---- helpers ---- */

static struct br_catalog cat;

static void
setup(void)
{
	struct br_err err = { 0 };

	tmp_make("sched");
	memset(&cat, 0, sizeof(cat));
	cr_assert_eq(br_catalog_load_builtin(&cat, &err), 0, "%s", err.msg);
	memset(sends, 0, sizeof(sends));
	memset(reads, 0, sizeof(reads));
	memset(called, 0, sizeof(called));
	memset(healthy_read, 0, sizeof(healthy_read));
	norder = restarting = most = 0;
}

static void
teardown(void)
{
	br_catalog_release(&cat);
	tmp_remove();
}

TestSuite(sched, .init = setup, .fini = teardown, .timeout = 30);

/* Writes a css manifest, ids[i] for row i+1. */
static const char *
manifest(const char *const *ids)
{
	const char *m = tmp_path("m.csv");
	FILE *f = fopen(m, "w");

	cr_assert_not_null(f);
	fputs("op,project_id,cluster_id\n", f);
	for (; *ids != NULL; ids++)
		fprintf(f, "css.restart_cluster,p,%s\n", *ids);
	fclose(f);
	return m;
}

static int
run(const char *const *args)
{
	struct br_opts o;
	char *argv[64];
	int argc = 0, rc;

	argv[argc++] = "bulkrun";
	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	cr_assert_eq(br_cli_parse(&o, argc, argv), 0);
	rc = br_sched_run_with(&o, &cat, &fake, NULL);
	br_cli_release(&o);
	return rc;
}

/* The report's line of the row with that cluster id. */
static char *
line_of(const char *report, const char *id)
{
	static char line[2048];
	char want[64];
	FILE *f = fopen(report, "r");

	cr_assert_not_null(f);
	snprintf(want, sizeof(want), ",%s,", id);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, want) != NULL) {
			fclose(f);
			return line;
		}
	fclose(f);
	cr_assert_fail("%s has no line for %s", report, id);
	return NULL;
}

static int
lines(const char *report)
{
	char buf[2048];
	FILE *f = fopen(report, "r");
	int n = 0;

	cr_assert_not_null(f);
	while (fgets(buf, sizeof(buf), f) != NULL)
		n++;
	fclose(f);
	return n;
}

/* ---- tests ---- */

Test(sched, every_row_once_and_every_send_counted)
{
	const char *ids[] = { "c1", "e503-c2", "drop-c3", "c4", NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "unlimited", "--backoff", "1ms",
	    "--retries", "2", "-q", NULL };
	char *l;

	cr_assert_eq(run(a), 1);
	cr_assert_eq(lines(tmp_path("r.csv")), 5, "header and one line a row");
	cr_assert_eq(sends[1], 1);
	cr_assert_eq(sends[2], 3, "503 is retried: 1 + 2");
	cr_assert_eq(sends[3], 1, "a restart that may have arrived is not");
	cr_assert_eq(sends[4], 1);
	l = line_of(tmp_path("r.csv"), "e503-c2");
	cr_assert(strstr(l, ",failed,503,SYS.503,") != NULL, "%s", l);
	cr_assert(strstr(l, ",3,") != NULL, "attempts: %s", l);
	l = line_of(tmp_path("r.csv"), "drop-c3");
	cr_assert(strstr(l, "NET.NO_ANSWER") != NULL, "%s", l);
	cr_assert(strstr(l, "may have been applied") != NULL, "%s", l);
	l = line_of(tmp_path("r.csv"), "c4");
	cr_assert(strstr(l, ",succeeded,200,") != NULL, "%s", l);
}

Test(sched, max_failures_halts_and_skips_the_rest)
{
	const char *ids[] = { "e503-c1", "c2", "c3", "c4", NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "unlimited", "--retries", "0",
	    "--max-failures", "0", "-j", "1", "-q", NULL };
	char *l;

	cr_assert_eq(run(a), 3);
	cr_assert_eq(lines(tmp_path("r.csv")), 5);
	cr_assert_eq(sends[1], 1);
	cr_assert_eq(sends[2] + sends[3] + sends[4], 0, "sent after the halt");
	l = line_of(tmp_path("r.csv"), "c3");
	cr_assert(strstr(l, ",skipped,,SKIPPED.HALTED,") != NULL, "%s", l);
}

Test(sched, a_failed_canary_stops_the_run)
{
	const char *ids[] = { "c1", "e503-c2", "c3", "c4", NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "unlimited", "--retries", "0",
	    "--canary", "2", "-q", NULL };
	char *l;

	cr_assert_eq(run(a), 3);
	cr_assert_eq(sends[1] + sends[2], 2);
	cr_assert_eq(sends[3] + sends[4], 0);
	l = line_of(tmp_path("r.csv"), "c4");
	cr_assert(strstr(l, ",skipped,,SKIPPED.CANARY,") != NULL, "%s", l);
}

Test(sched, resume_carries_what_succeeded)
{
	const char *ids[] = { "c1", "e503-c2", "c3", NULL };
	const char *m = manifest(ids);
	const char *a[] = { "run", m, "--endpoint", "http://x", "-o",
	    tmp_path("r1.csv"), "--rate", "unlimited", "--retries", "0", "-q",
	    NULL };
	const char *b[] = { "run", m, "--endpoint", "http://x", "-o",
	    tmp_path("r2.csv"), "--rate", "unlimited", "--retries", "0", "-q",
	    "--resume", tmp_path("r1.csv"), NULL };

	cr_assert_eq(run(a), 1);
	cr_assert_eq(run(b), 1);
	cr_assert_eq(sends[1], 1, "c1 succeeded: not sent again");
	cr_assert_eq(sends[2], 2, "the failed row goes again");
	cr_assert_eq(sends[3], 1);
	cr_assert_eq(lines(tmp_path("r2.csv")), 4);
}

/* A row waiting for its retry holds no --jobs slot: with one slot, the
 * rows behind two that wait (Retry-After) all go before either goes
 * again. */
Test(sched, a_row_waiting_to_retry_holds_no_slot)
{
	const char *ids[] = { "ra-c1", "ra-c2", "c3", "c4", "c5", "c6", "c7",
	    "c8", "c9", "c10", NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "unlimited", "-j", "1",
	    "--retries", "1", "--max-backoff", "200ms", "-q", NULL };
	int i;

	cr_assert_eq(run(a), 0);
	cr_assert_eq(norder, 12);
	cr_assert_eq(order[0], 1);
	cr_assert_eq(order[1], 2);
	for (i = 2; i < 10; i++)
		cr_assert_eq(order[i], i + 1, "send %d was c%d", i, order[i]);
	cr_assert(order[10] + order[11] == 3, "then the retries: %d %d",
	    order[10], order[11]);
	cr_assert(strstr(line_of(tmp_path("r.csv"), "ra-c1"), ",succeeded,200,"
	    ) != NULL);
}

/* After a halt, the rows read ahead but never started are skipped, and
 * a row waiting for its retry still goes. */
Test(sched, rows_read_ahead_are_skipped_at_a_halt)
{
	const char *ids[] = { "ra-c1", "e503-c2", "c3", "c4", "c5", NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "1/s", "--burst", "2",
	    "--retries", "1", "--max-backoff", "100ms", "--backoff", "1ms",
	    "--max-failures", "0", "-q", NULL };
	char *l;

	cr_assert_eq(run(a), 3);
	cr_assert_eq(lines(tmp_path("r.csv")), 6);
	cr_assert_eq(sends[3] + sends[4] + sends[5], 0);
	cr_assert_eq(sends[1], 2, "c1's retry went");
	l = line_of(tmp_path("r.csv"), "ra-c1");
	cr_assert(strstr(l, ",succeeded,200,") != NULL, "%s", l);
	l = line_of(tmp_path("r.csv"), "c4");
	cr_assert(strstr(l, ",skipped,,SKIPPED.HALTED,") != NULL, "%s", l);
}

/* --wait -j 2: never more than two clusters restarting at once; each row
 * succeeds only once read healthy after being seen restarting. */
Test(sched, a_rolling_run_keeps_jobs_operations_in_progress)
{
	const char *ids[] = { "w-c1", "w-c2", "w-c3", "w-c4", "w-c5", "w-c6",
	    NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "unlimited", "-j", "2",
	    "--wait", "--poll-interval", "20ms", "-q", NULL };
	char *l;
	int i;

	cr_assert_eq(run(a), 0);
	cr_assert_eq(most, 2, "at most -j clusters restarting: %d", most);
	for (i = 1; i <= 6; i++) {
		cr_assert_eq(sends[i], 1, "c%d called once", i);
		cr_assert_geq(reads[i], 3, "c%d read until healthy", i);
	}
	l = line_of(tmp_path("r.csv"), "w-c3");
	cr_assert(strstr(l, ",succeeded,200,,,1,") != NULL, "%s", l);
	cr_assert(strstr(l, ",200,") != NULL, "state: %s", l);
	cr_assert_eq(lines(tmp_path("r.csv")), 7);
}

/* The verdicts other than healthy, and a canary that fails its
 * verification stops the run before any other row is called. */
Test(sched, verification_verdicts_and_a_failed_canary)
{
	const char *ids[] = { "wf-c1", "c2", "c3", NULL };
	const char *a[] = { "run", manifest(ids), "--endpoint", "http://x",
	    "-o", tmp_path("r.csv"), "--rate", "unlimited", "--canary", "1",
	    "--wait", "--poll-interval", "20ms", "-q", NULL };
	const char *ids2[] = { "wgone-c4", "wf-c5", NULL };
	const char *b[] = { "run", NULL, "--endpoint", "http://x",
	    "-o", tmp_path("r2.csv"), "--rate", "unlimited", "--wait",
	    "--poll-interval", "20ms", "-q", NULL };
	char *l;

	cr_assert_eq(run(a), 3);
	cr_assert_eq(sends[2] + sends[3], 0, "nothing after the canary");
	l = line_of(tmp_path("r.csv"), "wf-c1");
	cr_assert(strstr(l, ",failed,200,VERIFY.FAILED,") != NULL, "%s", l);
	cr_assert(strstr(l, "CSS.6002") != NULL, "%s", l);
	l = line_of(tmp_path("r.csv"), "c2");
	cr_assert(strstr(l, ",skipped,,SKIPPED.CANARY,") != NULL, "%s", l);
	b[1] = manifest(ids2);	/* the same file, rewritten */
	cr_assert_eq(run(b), 1);
	l = line_of(tmp_path("r2.csv"), "wgone-c4");
	cr_assert(strstr(l, ",failed,200,VERIFY.GONE,") != NULL, "%s", l);
}

/* A verification that never ends is VERIFY.TIMEOUT; --resume verifies
 * it again without calling. */
Test(sched, a_timeout_is_verified_again_on_resume_without_a_call)
{
	const char *ids[] = { "w-c7", NULL };
	const char *m = manifest(ids);
	const char *a[] = { "run", m, "--endpoint", "http://x", "-o",
	    tmp_path("r1.csv"), "--rate", "unlimited", "--wait",
	    "--poll-interval", "20ms", "--wait-timeout", "30ms", "-q", NULL };
	const char *b[] = { "run", m, "--endpoint", "http://x", "-o",
	    tmp_path("r2.csv"), "--rate", "unlimited", "--wait",
	    "--poll-interval", "20ms", "-q", "--resume", tmp_path("r1.csv"),
	    NULL };
	char *l;

	cr_assert_eq(run(a), 1);
	l = line_of(tmp_path("r1.csv"), "w-c7");
	cr_assert(strstr(l, ",failed,200,VERIFY.TIMEOUT,") != NULL, "%s", l);
	cr_assert_eq(run(b), 0);
	cr_assert_eq(sends[7], 1, "called once, in the first run only");
	l = line_of(tmp_path("r2.csv"), "w-c7");
	cr_assert(strstr(l, ",succeeded,") != NULL, "%s", l);
}

/* bulkrun status reads once and calls nothing; --precheck skips a row
 * whose resource is not healthy and calls the others. */
Test(sched, status_and_precheck_read_first)
{
	const char *ids[] = { "c1", "wgone-c2", NULL };
	const char *m = manifest(ids);
	const char *a[] = { "status", m, "--endpoint", "http://x", "-o",
	    tmp_path("s.csv"), "--rate", "unlimited", "-q", NULL };
	const char *b[] = { "run", m, "--endpoint", "http://x", "-o",
	    tmp_path("p.csv"), "--rate", "unlimited", "--precheck", "-q",
	    NULL };
	char *l;

	cr_assert_eq(run(a), 1, "a row is not healthy");
	cr_assert_eq(sends[1] + sends[2], 0, "status calls nothing");
	l = line_of(tmp_path("s.csv"), "c1");
	cr_assert(strstr(l, ",succeeded,200,") != NULL, "%s", l);
	cr_assert(strstr(l, ",healthy,") != NULL, "%s", l);
	l = line_of(tmp_path("s.csv"), "wgone-c2");
	cr_assert(strstr(l, ",failed,403,VERIFY.GONE,") != NULL, "%s", l);
	cr_assert(strstr(l, ",gone,") != NULL, "%s", l);
	cr_assert_eq(run(b), 0);
	cr_assert_eq(sends[1], 1);
	cr_assert_eq(sends[2], 0, "the gone cluster is not restarted");
	l = line_of(tmp_path("p.csv"), "wgone-c2");
	cr_assert(strstr(l, ",skipped,,SKIPPED.PRECHECK,") != NULL, "%s", l);
}
