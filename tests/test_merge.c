/*
 * test_merge.c - bulkrun merge: the external sort (many runs, more than
 * one merge pass, equal keys in order), and the merge of hand-written
 * reports: shards in finishing order, missing rows, a --resume
 * continuation, overlapping and foreign reports refused, JSON Lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "extsort.h"
#include "merge.h"
#include "tmpdir.h"

#define HDR "cluster_id,row,line,op,outcome,http_status,error_code," \
	"error_msg,attempts,elapsed_ms,started_at,finished_at,request_id," \
	"response,request_fp\r\n"
#define T1 "2026-11-21T00:00:01.000Z"
#define T2 "2026-11-21T00:00:02.000Z"
#define T3 "2026-11-21T00:00:03.000Z"
/* a row of css.restart_cluster: cluster c<n>, row n, line n + 1 */
#define OK(n, t, rid) "c" #n "," #n "," #n "1,css.restart_cluster," \
	"succeeded,200,,,1,5," t "," t "," rid ",,fp" #n "\r\n"
#define KO(n, t, rid) "c" #n "," #n "," #n "1,css.restart_cluster," \
	"failed,503,HTTP.503,busy,1,5," t "," t "," rid ",,fp" #n "\r\n"

static void
setup(void)
{
	tmp_make("merge");
}

/* tmp_put's path, kept in one of 16 buffers (tmp_put's last for four
 * calls). */
static const char *
put(const char *name, const char *text)
{
	static char p[16][128];
	static int k;

	k = (k + 1) % 16;
	snprintf(p[k], sizeof(p[k]), "%s", tmp_put(name, text));
	return p[k];
}

TestSuite(merge, .init = setup, .fini = tmp_remove);
TestSuite(extsort, .init = setup, .fini = tmp_remove);

/* ---- the sort ---- */

static void
sort_check(size_t mem, long n, size_t min_runs)
{
	struct br_extsort *s;
	struct br_err err = { 0 };
	const void *p;
	char rec[64];
	uint64_t key, prev = 0;
	size_t len;
	long i, got = 0, k;

	cr_assert_eq(br_extsort_new(&s, tmp_dir, mem, &err), 0, "%s", err.msg);
	for (i = 0; i < n; i++) {
		k = (i * 7919) % (n / 2 + 1);	/* every key twice or so */
		snprintf(rec, sizeof(rec), "%ld:%ld", k, i);
		cr_assert_eq(br_extsort_add(s, (uint64_t)k, rec,
		    strlen(rec) + 1, &err), 0, "%s", err.msg);
	}
	cr_assert_eq(br_extsort_finish(s, &err), 0, "%s", err.msg);
	cr_assert_geq(br_extsort_nruns(s), min_runs);
	while (br_extsort_next(s, &key, &p, &len, &err) == 1) {
		cr_assert_geq(key, prev);
		cr_assert_eq(strtoul(p, NULL, 10), key);
		prev = key;
		got++;
	}
	cr_assert_eq(err.code, 0, "%s", err.msg);
	cr_assert_eq(got, n);
	br_extsort_free(s);
}

Test(extsort, in_memory_when_it_fits)
{
	sort_check(1 << 20, 1000, 0);
}

Test(extsort, spilled_runs_merge_in_key_order)
{
	sort_check(4096, 20000, 2);
}

Test(extsort, more_runs_than_the_fan_take_more_than_one_pass)
{
	sort_check(4096, 200000, BR_EXTSORT_FAN + 2);
}

Test(extsort, equal_keys_keep_the_order_they_came_in)
{
	struct br_extsort *s;
	struct br_err err = { 0 };
	const void *p;
	uint64_t key;
	size_t len;
	int i, last[3] = { -1, -1, -1 }, v;
	char rec[16];

	cr_assert_eq(br_extsort_new(&s, tmp_dir, 4096, &err), 0);
	for (i = 0; i < 3000; i++) {
		snprintf(rec, sizeof(rec), "%d", i);
		cr_assert_eq(br_extsort_add(s, (uint64_t)(i % 3), rec,
		    strlen(rec) + 1, &err), 0);
	}
	cr_assert_eq(br_extsort_finish(s, &err), 0);
	while (br_extsort_next(s, &key, &p, &len, &err) == 1) {
		v = atoi(p);
		cr_assert_gt(v, last[key]);
		last[key] = v;
	}
	br_extsort_free(s);
}

Test(extsort, a_record_larger_than_the_buffer_is_a_run_of_its_own)
{
	struct br_extsort *s;
	struct br_err err = { 0 };
	static char big[10000];
	const void *p;
	uint64_t key;
	size_t len;
	int i;

	memset(big, 'x', sizeof(big));
	cr_assert_eq(br_extsort_new(&s, tmp_dir, 4096, &err), 0);
	cr_assert_eq(br_extsort_add(s, 2, "two", 4, &err), 0);
	cr_assert_eq(br_extsort_add(s, 1, big, sizeof(big), &err), 0);
	cr_assert_eq(br_extsort_add(s, 3, "three", 6, &err), 0);
	cr_assert_eq(br_extsort_finish(s, &err), 0, "%s", err.msg);
	for (i = 1; br_extsort_next(s, &key, &p, &len, &err) == 1; i++) {
		cr_assert_eq(key, (uint64_t)i);
		cr_assert_eq(len, i == 1 ? sizeof(big) : i == 2 ? 4u : 6u);
	}
	cr_assert_eq(i, 4);
	br_extsort_free(s);
}

/* ---- merging ---- */

static int
merge(const char *out, long *missing, long *replaced, char *msg,
    const char *a, const char *b, const char *c)
{
	const char *in[3] = { a, b, c };
	struct br_merge_opts o = { in, c ? 3 : b ? 2 : 1, out, tmp_dir,
	    4096, NULL };
	struct br_merge_counts n;
	struct br_stats st;
	struct br_err err = { 0 };
	int rc;

	cr_assert_not_null(o.notes = fopen("/dev/null", "w"));
	br_stats_init(&st, -1, 0);
	rc = br_merge(&o, &n, &st, &err);
	fclose(o.notes);
	if (msg != NULL)
		snprintf(msg, 1024, "%s", err.msg);
	if (missing != NULL)
		*missing = n.missing;
	if (replaced != NULL)
		*replaced = n.replaced;
	return rc;
}

static void
assert_file(const char *path, const char *want)
{
	char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	cr_assert_str_eq(buf, want);
}

Test(merge, shards_in_finishing_order_come_back_in_row_order)
{
	const char *a = put("a.csv", HDR OK(4, T1, "r4") OK(1, T2, "r1"));
	const char *b = put("b.csv", HDR OK(5, T1, "r5") OK(2, T1, "r2"));
	const char *c = put("c.csv", HDR OK(3, T1, "r3"));
	long missing;

	cr_assert_eq(merge(tmp_path("m.csv"), &missing, NULL, NULL, a, b, c),
	    0);
	cr_assert_eq(missing, 0);
	assert_file(tmp_path("m.csv"), HDR OK(1, T2, "r1") OK(2, T1, "r2")
	    OK(3, T1, "r3") OK(4, T1, "r4") OK(5, T1, "r5"));
}

Test(merge, cells_come_back_byte_for_byte)
{
	const char *line = "\"a,b\"\"c\",1,2,css.restart_cluster,failed,400,"
	    "'=X.1,\"two\r\nlines\",1,5," T1 "," T1 ",r1,\" {} \",fp\r\n";
	char want[1024];
	const char *a;

	snprintf(want, sizeof(want), "%s%s", HDR, line);
	a = put("a.csv", want);
	cr_assert_eq(merge(tmp_path("m.csv"), NULL, NULL, NULL, a, NULL,
	    NULL), 0);
	assert_file(tmp_path("m.csv"), want);
}

Test(merge, rows_in_no_report_are_counted_missing)
{
	const char *a = put("a.csv", HDR OK(1, T1, "r1") OK(5, T1, "r5"));
	const char *b = put("b.csv", HDR OK(3, T1, "r3"));
	long missing;

	cr_assert_eq(merge(tmp_path("m.csv"), &missing, NULL, NULL, a, b,
	    NULL), 0);
	cr_assert_eq(missing, 2);
}

Test(merge, a_resume_continuation_keeps_the_later_send)
{
	const char *a = put("a.csv", HDR OK(1, T1, "r1") KO(2, T1, "r2")
	    KO(3, T1, "r3"));
	/* the continuation carries row 1, sends 2 and 3 again */
	const char *b = put("b.csv", HDR OK(1, T1, "r1") OK(2, T2, "s2")
	    KO(3, T2, "s3"));
	long replaced;

	cr_assert_eq(merge(tmp_path("m.csv"), NULL, &replaced, NULL, a, b,
	    NULL), 0);
	cr_assert_eq(replaced, 2);
	assert_file(tmp_path("m.csv"), HDR OK(1, T1, "r1") OK(2, T2, "s2")
	    KO(3, T2, "s3"));
}

/* Two reports that do not merge, and what the refusal says. */
static const struct {
	const char	*a, *b, *says;
} refusals[] = {
	{ HDR OK(1, T1, "r1") OK(2, T1, "r2"), HDR OK(2, T2, "s2"),
	    "b.csv:2: row 2 succeeded here and in %s/a.csv:3, sent twice" },
	{ HDR OK(2, T1, "r2"), HDR KO(2, T3, "s2"),
	    "b.csv:2: row 2 was sent again after it succeeded in %s/a.csv:2" },
	{ HDR OK(1, T1, "r1"), "name," HDR,
	    "b.csv:1: other columns than the first report ('name' where it "
	    "has 'cluster_id'): reports of different manifests" },
	{ HDR OK(1, T1, "r1"), HDR "c1,1,11,css.restart_cluster,failed,503,,,"
	    "1,5," T2 "," T2 ",x,,other\r\n",
	    "b.csv:2: row 1 has another request (request_fp) than in "
	    "%s/a.csv:2: reports of different manifests" },
	{ HDR OK(1, T1, "r1"), HDR "c1,1,11,kafka.restart_connector_task,"
	    "skipped,,,,0,0,,,,,fp1\r\n", "b.csv:2: row 1 has another "
	    "operation" },
	{ HDR OK(1, T1, "r1"), HDR "c1,1,12,css.restart_cluster,skipped,,,,0,"
	    "0,,,,,fp1\r\n", "b.csv:2: row 1 has another manifest line" },
	{ HDR OK(2, T1, "r1"), HDR "c1,3,2,css.restart_cluster,skipped,,,,0,"
	    "0,,,,,fp3\r\n", "b.csv:2: row 3 starts at manifest line 2, "
	    "before row 2 (line 21)" },
};

Test(merge, reports_that_do_not_belong_together_are_refused)
{
	char msg[1024], want[512];
	const char *a, *b;
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		a = put("a.csv", refusals[i].a);
		b = put("b.csv", refusals[i].b);
		cr_assert_eq(merge(tmp_path("m.csv"), NULL, NULL, msg, a, b,
		    NULL), BR_EINPUT, "case %zu", i);
		snprintf(want, sizeof(want), refusals[i].says, tmp_dir);
		cr_expect(strstr(msg, want) != NULL, "case %zu: %s", i, msg);
		cr_expect(access(tmp_path("m.csv"), F_OK) != 0, "case %zu: "
		    "nothing written", i);
	}
}

Test(merge, a_row_never_sent_gives_way_to_one_sent)
{
	const char *a = put("a.csv", HDR OK(1, T1, "r1"));
	const char *b = put("b.csv", HDR "c1,1,11,css.restart_cluster,"
	    "skipped,,SKIPPED.WINDOW,closed,0,0,,,,,fp1\r\n");

	cr_assert_eq(merge(tmp_path("m.csv"), NULL, NULL, NULL, b, a, NULL),
	    0);
	assert_file(tmp_path("m.csv"), HDR OK(1, T1, "r1"));
}

Test(merge, a_cut_last_line_is_passed_over)
{
	const char *a = put("a.csv", HDR OK(1, T1, "r1")
	    "c2,2,21,css.restart_cluster,failed,400,,\"cut");
	long missing;

	cr_assert_eq(merge(tmp_path("m.csv"), &missing, NULL, NULL, a, NULL,
	    NULL), 0);
	assert_file(tmp_path("m.csv"), HDR OK(1, T1, "r1"));
}

#define J(n, t) "{\"row\":" #n ",\"line\":" #n "1,\"op\":\"css.restart_" \
	"cluster\",\"outcome\":\"succeeded\",\"attempts\":1,\"finished_at\":" \
	"\"" t "\",\"request_fp\":\"fp" #n "\",\"input\":{\"cluster_id\":" \
	"\"c" #n "\"}}\n"

Test(merge, json_lines_reports_merge_as_they_are)
{
	const char *a = put("a.jsonl", J(3, T1) J(1, T1));
	const char *b = put("b.jsonl", J(2, T1) "{\"row\":4,\"li");
	const char *c = put("c.csv", HDR OK(5, T1, "r5"));
	char msg[1024];

	cr_assert_eq(merge(tmp_path("m.jsonl"), NULL, NULL, NULL, a, b,
	    NULL), 0);
	assert_file(tmp_path("m.jsonl"), J(1, T1) J(2, T1) J(3, T1));
	cr_assert_eq(merge(tmp_path("m.jsonl"), NULL, NULL, msg, a, c,
	    NULL), BR_EINPUT);
	cr_assert(strstr(msg, "c.csv: a CSV report among JSON Lines") !=
	    NULL, "%s", msg);
	/* into CSV: the report writer's header, from the input names */
	cr_assert_eq(merge(tmp_path("m.csv"), NULL, NULL, NULL, a, b, NULL),
	    0);
	assert_file(tmp_path("m.csv"), HDR
	    "c1,1,11,css.restart_cluster,succeeded,,,,1,0,," T1 ",,,fp1\r\n"
	    "c2,2,21,css.restart_cluster,succeeded,,,,1,0,," T1 ",,,fp2\r\n"
	    "c3,3,31,css.restart_cluster,succeeded,,,,1,0,," T1 ",,,fp3\r\n");
}

Test(merge, csv_reports_merge_into_json_lines)
{
	const char *a = put("a.csv", HDR OK(2, T1, "r2") KO(1, T2, "'=r1"));
	const char *b = put("b.csv", "input.row,x.y," HDR "7,,c3,3,31,"
	    "css.restart_cluster,succeeded,200,,,1,5," T1 "," T1 ",r3,"
	    "\"{\"\"jobId\"\":[1]}\",fp3\r\n");

	cr_assert_eq(merge(tmp_path("m.jsonl"), NULL, NULL, NULL, a, NULL,
	    NULL), 0);
	assert_file(tmp_path("m.jsonl"),
	    "{\"row\":1,\"line\":11,\"op\":\"css.restart_cluster\","
	    "\"outcome\":\"failed\",\"http_status\":503,\"error_code\":"
	    "\"HTTP.503\",\"error_msg\":\"busy\",\"attempts\":1,"
	    "\"elapsed_ms\":5,\"started_at\":\"" T2 "\",\"finished_at\":\""
	    T2 "\",\"request_id\":\"=r1\",\"response\":null,\"request_fp\":"
	    "\"fp1\",\"input\":{\"cluster_id\":\"c1\"}}\n"
	    "{\"row\":2,\"line\":21,\"op\":\"css.restart_cluster\","
	    "\"outcome\":\"succeeded\",\"http_status\":200,\"error_code\":"
	    "null,\"error_msg\":null,\"attempts\":1,\"elapsed_ms\":5,"
	    "\"started_at\":\"" T1 "\",\"finished_at\":\"" T1 "\","
	    "\"request_id\":\"r2\",\"response\":null,\"request_fp\":\"fp2\","
	    "\"input\":{\"cluster_id\":\"c2\"}}\n");
	/* a manifest column renamed in CSV has its own name again */
	cr_assert_eq(merge(tmp_path("n.jsonl"), NULL, NULL, NULL, b, NULL,
	    NULL), 0);
	assert_file(tmp_path("n.jsonl"),
	    "{\"row\":3,\"line\":31,\"op\":\"css.restart_cluster\","
	    "\"outcome\":\"succeeded\",\"http_status\":200,\"error_code\":"
	    "null,\"error_msg\":null,\"attempts\":1,\"elapsed_ms\":5,"
	    "\"started_at\":\"" T1 "\",\"finished_at\":\"" T1 "\","
	    "\"request_id\":\"r3\",\"response\":{\"jobId\":[1]},"
	    "\"request_fp\":\"fp3\",\"input\":{\"row\":\"7\","
	    "\"cluster_id\":\"c3\"}}\n");
}
