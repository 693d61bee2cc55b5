/*
 * test_oom.c - out of memory, on purpose: the unit-test binary is linked
 * with --wrap for malloc, calloc, realloc, reallocarray, strdup and
 * strndup (Makefile), so that the Nth allocation made by bulkrun's own
 * code can fail.  Each test fails the 1st, 2nd, ... allocation of one
 * call in turn and checks that the call says so (and, under ASan, that
 * nothing leaks or is touched after a failure).  Allocations inside
 * libraries (cJSON, libcsv, libc) are not counted.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "bind.h"
#include "catalog.h"
#include "dispatch.h"
#include "encoding.h"
#include "manifest.h"
#include "merge.h"
#include "report.h"
#include "result.h"
#include "resume.h"
#include "verify.h"
#include "tmpdir.h"

/* ---- the counting allocator ---- */

static atomic_long fail_at;	/* 0: off; else allocations left + 1 */

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__real_reallocarray(void *, size_t, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);
void	*__wrap_reallocarray(void *, size_t, size_t);
char	*__wrap_strdup(const char *);
char	*__wrap_strndup(const char *, size_t);

/* Whether this allocation is the one that fails. */
static int
failing(void)
{
	long v = atomic_load(&fail_at);

	if (v <= 0)
		return 0;
	if (v == 1) {
		atomic_store(&fail_at, 0);
		return 1;
	}
	atomic_store(&fail_at, v - 1);
	return 0;
}

void *
__wrap_malloc(size_t n)
{
	return failing() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t a, size_t b)
{
	return failing() ? NULL : __real_calloc(a, b);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return failing() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t a, size_t b)
{
	return failing() ? NULL : __real_reallocarray(p, a, b);
}

char *
__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_malloc(n);

	return d != NULL ? memcpy(d, s, n) : NULL;
}

char *
__wrap_strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d = __wrap_malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* The nth allocation from now fails (0: none). */
static void
fail_nth(long n)
{
	atomic_store(&fail_at, n);
}

/* Whether the failure armed by fail_nth() was reached. */
static int
failed(void)
{
	return atomic_load(&fail_at) == 0;
}

#define TRIES	400	/* more than any call below allocates */

static void
setup(void)
{
	tmp_make("oom");
}

static void
teardown(void)
{
	fail_nth(0);
	tmp_remove();
}

TestSuite(oom, .init = setup, .fini = teardown, .timeout = 60);

/* Reads every row (as run does: checked to be UTF-8; w.csv converted
 * from Windows-1252); 0 at the end, else the error. */
static int
read_all(const char *path)
{
	struct br_manifest_opts mo = { .snapshot = 1, .utf8_only = 1 };
	struct br_manifest *m;
	struct br_row row = { 0 };
	struct br_err err = { 0 };
	int rc;

	if (strstr(path, "/w.csv") != NULL)
		mo.encoding = BR_ENC_CP1252;
	if ((rc = br_manifest_open(&m, path, &mo, &err)) != 0)
		return rc;
	while ((rc = br_manifest_next(m, &row, &err)) == 1)
		;
	if (rc == 0)
		rc = br_manifest_rewind(m, &err);
	br_row_release(&row);
	br_manifest_close(m);
	return rc;
}

Test(oom, the_manifest_readers_say_out_of_memory)
{
	static const char *const files[][2] = {
		{ "m.csv", "op,project_id,cluster_id,note\n"
		  "css.restart_cluster,p,c1,\"a, b\"\n"
		  "css.restart_cluster,p,c2,x\n" },
		{ "m.json", "{\"defaults\":{\"project_id\":\"p\"},\"operations\":"
		  "[{\"op\":\"css.restart_cluster\",\"cluster_id\":\"c1\","
		  "\"a\":{\"b\":[1,2]}}]}" },
		{ "m.jsonl", "{\"op\":\"css.restart_cluster\",\"x\":1.50}\n"
		  "{\"op\":\"css.restart_cluster\",\"y\":\"\\u00e4\"}\n" },
		{ "w.csv", "op;note\r\ncss.restart_cluster;Auftr\xe4ge \x80\r\n" },
	};
	size_t f;
	long n;
	int rc, hit;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		const char *p = tmp_put(files[f][0], files[f][1]);

		cr_assert_eq(read_all(p), 0, "%s", files[f][0]);
		for (n = 1, hit = 1; hit && n < TRIES; n++) {
			fail_nth(n);
			rc = read_all(p);
			hit = failed();
			fail_nth(0);
			cr_assert(rc == 0 || rc == BR_ENOMEM || rc == BR_EIO,
			    "%s, allocation %ld: %d", files[f][0], n, rc);
			if (hit)
				cr_assert_neq(rc, 0, "%s, allocation %ld failed "
				    "unnoticed", files[f][0], n);
		}
		cr_assert_lt(n, TRIES);
		cr_assert_gt(n, 3, "%s: no allocation failed: is malloc "
		    "wrapped?", files[f][0]);
	}
}

static int
write_report(const char *path)
{
	static const char *const cols[] = { "cluster_id", "note" };
	struct br_report_opts o = { .format = BR_RF_CSV, .delimiter = ',' };
	struct br_field fl[2] = {
		{ "cluster_id", "c1", 2, BR_V_STRING },
		{ "note", "=x, y", 5, BR_V_STRING },
	};
	struct br_row row = { .num = 1, .line = 2, .nfields = 2, .fields = fl };
	struct br_result res = { .outcome = BR_OUT_FAILED, .http_status = 503,
	    .error_code = "SYS.503", .error_msg = "busy", .attempts = 2 };
	struct br_report *rp;
	struct br_err err = { 0 };
	int rc, rc2;

	if ((rc = br_report_open(&rp, path, &o, cols, 2, &err)) != 0)
		return rc;
	rc = br_report_write(rp, &row, "css.restart_cluster", &res, &err);
	rc2 = br_report_close(rp, &err);
	return rc != 0 ? rc : rc2;
}

Test(oom, the_report_writer_says_out_of_memory)
{
	char path[128];
	long n;
	int rc, hit;

	snprintf(path, sizeof(path), "%s", tmp_path("r.csv"));
	cr_assert_eq(write_report(path), 0);
	for (n = 1, hit = 1; hit && n < TRIES; n++) {
		fail_nth(n);
		rc = write_report(path);
		hit = failed();
		fail_nth(0);
		if (hit)
			cr_assert_eq(rc, BR_ENOMEM, "allocation %ld: %d", n, rc);
		else
			cr_assert_eq(rc, 0);
	}	cr_assert_gt(n, 3, "no allocation failed: is malloc wrapped?");
}

static int
load_resume(const char *path)
{
	struct br_resume *r;
	struct br_err err = { 0 };
	int rc;

	if ((rc = br_resume_load(&r, path, &err)) == 0)
		br_resume_free(r);
	return rc;
}

Test(oom, the_resume_reader_says_out_of_memory)
{
	const char *p = tmp_put("r.csv", "cluster_id,row,line,op,outcome,"
	    "http_status,request_fp\r\n"
	    "c1,1,2,css.restart_cluster,succeeded,200,"
	    "0123456789abcdef0123456789abcdef\r\n"
	    "c2,2,3,css.restart_cluster,failed,503,\r\n");
	long n;
	int rc, hit;

	cr_assert_eq(load_resume(p), 0);
	for (n = 1, hit = 1; hit && n < TRIES; n++) {
		fail_nth(n);
		rc = load_resume(p);
		hit = failed();
		fail_nth(0);
		if (hit)
			cr_assert_neq(rc, 0, "allocation %ld failed unnoticed",
			    n);
	}	cr_assert_gt(n, 3, "no allocation failed: is malloc wrapped?");
}

/* Merges a CSV shard and a JSON Lines pair (a row in both, another
 * missing), through a sort buffer small enough to spill. */
static int
merge_all(const char *const *in, const char *out)
{
	struct br_merge_opts o = { in, 2, out, tmp_dir, 4096, NULL };
	struct br_merge_counts c;
	struct br_stats st;
	struct br_err err = { 0 };
	int rc;

	o.notes = fopen("/dev/null", "w");
	br_stats_init(&st, -1, 0);
	rc = br_merge(&o, &c, &st, &err);
	fclose(o.notes);
	return rc;
}

Test(oom, merge_says_out_of_memory)
{
	char a[128], b[128], ja[128], jb[128];
	const char *csv[2] = { a, b }, *jsonl[2] = { ja, jb }, *const *in;
	const char *out;
	long n;
	int rc, hit, k;

#define H "cluster_id,row,line,op,outcome,attempts,finished_at,request_fp\r\n"
	snprintf(a, sizeof(a), "%s", tmp_put("a.csv", H "c3,3,4,css.x,"
	    "failed,1,2026-11-21T00:00:01.000Z,fp3\r\nc1,1,2,css.x,"
	    "succeeded,1,,fp1\r\n"));
	snprintf(b, sizeof(b), "%s", tmp_put("b.csv", H "c3,3,4,css.x,"
	    "succeeded,1,2026-11-21T00:00:02.000Z,fp3\r\n"));
#undef H
	snprintf(ja, sizeof(ja), "%s", tmp_put("a.jsonl", "{\"row\":2,"
	    "\"line\":3,\"op\":\"x\",\"outcome\":\"failed\",\"attempts\":1,"
	    "\"input\":{\"a\":{\"b\":1}}}\n"));
	snprintf(jb, sizeof(jb), "%s", tmp_put("b.jsonl", "{\"row\":2,"
	    "\"line\":3,\"op\":\"x\",\"outcome\":\"skipped\","
	    "\"input\":{\"a\":{\"b\":1}}}\n"));
	for (k = 0; k < 4; k++) {	/* each into each format */
		in = k % 2 == 0 ? csv : jsonl;
		out = tmp_path(k < 2 ? "m.csv" : "m.jsonl");
		cr_assert_eq(merge_all(in, out), 0);
		for (n = 1, hit = 1; hit && n < TRIES; n++) {
			fail_nth(n);
			rc = merge_all(in, out);
			hit = failed();
			fail_nth(0);
			if (hit)
				cr_assert_neq(rc, 0, "allocation %ld failed "
				    "unnoticed", n);
		}
		cr_assert_gt(n, 3, "no allocation failed");
	}
}

/* A verify block using every part of the format. */
#define VERIFY	"\"verify\":{\"path\":\"/v1/{project_id}/servers/{id}\"," \
	"\"query\":{\"t\":\"{type}\"},\"headers\":{\"X-Id\":\"{id}\"}," \
	"\"state\":\"server.status\",\"code\":\"fault.code | f.c\"," \
	"\"healthy\":{\"all\":[{\"path\":\"server.status\",\"in\":" \
	"[\"ACTIVE\"]},{\"path\":\"server.task\",\"empty\":true}]}," \
	"\"progress\":[\"REBOOT\"],\"failed\":[\"ERROR\"],\"fresh\":" \
	"{\"time\":\"server.updated\",\"repeat\":2},\"match_sent\":true," \
	"\"gone\":[{\"status\":404,\"codes\":[\"E.1\"]},{\"status\":200," \
	"\"path\":\"server\",\"empty\":true}]}"

Test(oom, the_catalog_loader_says_out_of_memory)
{
	static const char json[] =
	    "{\"clouds\":{\"c\":{\"title\":\"C\",\"regions\":[\"r-*\"]}},"
	    "\"services\":{\"ecs\":{\"endpoint\":\"https://ecs.{region}.x\","
	    "\"hosts\":{\"c\":{\"endpoint\":\"https://e.{region}.c\","
	    "\"regions\":{\"r-1\":\"https://e1\"}},\"d\":{\"offered\":"
	    "false}}}},"
	    "\"operations\":[{\"name\":\"ecs.reboot\",\"method\":\"POST\","
	    "\"path\":\"/v1/{project_id}/servers/{id}/reboot\","
	    "\"success\":[202],\"response\":[\"job_id\"],\"params\":["
	    "{\"name\":\"project_id\",\"in\":\"path\"},"
	    "{\"name\":\"id\",\"in\":\"path\",\"example\":\"s1\"},"
	    "{\"name\":\"type\",\"in\":\"body\",\"type\":\"enum\","
	    "\"enum\":[\"SOFT\",\"HARD\"]}]," VERIFY "}]}";
	struct br_catalog c;
	struct br_err err;
	long n;
	int rc, hit;

	for (n = 1, hit = 1; hit && n < TRIES; n++) {
		memset(&c, 0, sizeof(c));
		br_err_clear(&err);
		fail_nth(n);
		rc = br_catalog_load_string(&c, json, strlen(json), "m", &err);
		hit = failed();
		fail_nth(0);
		if (hit)
			cr_assert_neq(rc, 0, "allocation %ld failed unnoticed",
			    n);
		else
			cr_assert_eq(rc, 0, "%s", err.msg);
		br_catalog_release(&c);
	}	cr_assert_gt(n, 3, "no allocation failed: is malloc wrapped?");
}

Test(oom, the_answer_mapping_says_out_of_memory)
{
	static const char body[] = "{\"error_code\":\"FDI.3150\","
	    "\"error_msg\":\"The task list is empty.\"}";
	struct br_op op = { .name = "x.y" };
	struct br_response resp = { .status = 400, .len = sizeof(body) - 1,
	    .request_id = "r-1" };
	struct br_result r;
	long n;
	int rc, hit;

	resp.body = (char *)body;
	for (n = 1, hit = 1; hit && n < TRIES; n++) {
		memset(&r, 0, sizeof(r));
		fail_nth(n);
		rc = br_result_from_response(&op, &resp, &r);
		hit = failed();
		fail_nth(0);
		if (hit)
			cr_assert_eq(rc, BR_ENOMEM, "allocation %ld", n);
		else
			cr_assert_str_eq(r.error_code, "FDI.3150");
		br_result_release(&r);
	}	cr_assert_gt(n, 3, "no allocation failed: is malloc wrapped?");
}

/* The read request says out of memory; the judge, which has no error to
 * give, calls an answer it could not parse no reading (RETRY). */
Test(oom, verification_says_out_of_memory_or_retries)
{
	static const char json[] = "{\"operations\":[{\"name\":\"e.r\","
	    "\"method\":\"POST\",\"path\":\"/v1/{project_id}/s/{id}\","
	    "\"params\":[{\"name\":\"project_id\",\"in\":\"path\"},"
	    "{\"name\":\"id\",\"in\":\"path\"},{\"name\":\"type\","
	    "\"in\":\"body\"}]," VERIFY "}]}";
	static const char body[] = "{\"server\":{\"status\":\"ACTIVE\","
	    "\"updated\":1700000005000},\"type\":\"HARD\"}";
	struct br_catalog c;
	struct br_err err = { 0 };
	struct br_arg args[3];
	struct br_bound b;
	struct br_request req, sent = { .body = "{\"type\":\"SOFT\"}",
	    .bodylen = 15 };
	struct br_vtrack t;
	struct br_vread rd;
	enum br_vverdict v;
	long n;
	int rc, hit;

	memset(&c, 0, sizeof(c));
	cr_assert_eq(br_catalog_load_string(&c, json, strlen(json), "m",
	    &err), 0, "%s", err.msg);
	memset(&b, 0, sizeof(b));
	b.op = &c.ops[0];
	b.args = args;
	b.nargs = 3;
	args[0] = (struct br_arg){ &c.ops[0].params[0], "p1", "p1" };
	args[1] = (struct br_arg){ &c.ops[0].params[1], "s1", "s1" };
	args[2] = (struct br_arg){ &c.ops[0].params[2], "SOFT", "SOFT" };
	for (n = 1, hit = 1; hit && n < TRIES; n++) {
		memset(&req, 0, sizeof(req));
		memset(&t, 0, sizeof(t));
		t.call_ms = 1700000000000LL;
		br_err_clear(&err);
		fail_nth(n);
		rc = br_verify_request(b.op, &b, "https://h", &req, &err);
		v = br_verify_judge(b.op, &sent, 200, body, strlen(body), &t,
		    0, &rd);
		hit = failed();
		fail_nth(0);
		cr_assert(rc == 0 || rc == BR_ENOMEM, "allocation %ld: %s", n,
		    err.msg);
		cr_assert(v == BR_VV_FAILED || v == BR_VV_RETRY,
		    "allocation %ld: verdict %d, %s", n, (int)v, rd.msg);
		if (!hit) {
			cr_assert_eq(rc, 0, "%s", err.msg);
			cr_assert_str_eq(req.url, "https://h/v1/p1/servers/s1"
			    "?t=SOFT");
			cr_assert_str_eq(rd.msg, "'type' reads 'HARD', not "
			    "'SOFT' as sent");
		}
		br_request_release(&req);
	}	cr_assert_gt(n, 3, "no allocation failed: is malloc wrapped?");
	br_catalog_release(&c);
}

/* A row whose service gets no queue for want of memory still queues, in
 * the queue of rows of no service (the global limit only), and goes. */
Test(oom, the_dispatcher_never_loses_a_row)
{
	struct br_svclimit l;
	struct br_dispatch d;
	struct br_ready a = { .num = 1 }, b = { .num = 2 };
	struct br_ready *got;
	int64_t wait = 1000;
	int global;

	br_svclimit_init(&l, 0, 1, NULL, 0, 0);
	cr_assert_eq(br_dispatch_init(&d, &l), 0);
	a.svc = br_svclimit_index(&l, "a", 0);
	b.svc = br_svclimit_index(&l, "b", 0);
	cr_assert_eq(b.svc, 1);
	fail_nth(1);			/* the queue of service b */
	cr_assert_eq(br_dispatch_add(&d, &b), 1, "fell back");
	cr_assert(failed());
	cr_assert_eq(b.svc, -1);
	cr_assert_eq(br_dispatch_add(&d, &a), 0);
	cr_assert_eq(d.n, 2);
	got = br_dispatch_next(&d, 0, &wait, &global, 1);
	cr_assert(got == &a || got == &b);
	cr_assert_not_null(br_dispatch_next(&d, 0, &wait, &global, 1));
	cr_assert_eq(d.n, 0, "both went");
	br_dispatch_release(&d);
	br_svclimit_release(&l);
}
