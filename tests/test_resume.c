/*
 * test_resume.c - reading an earlier report for --resume: which rows are
 * carried, by request fingerprint or by values; reports that are cut,
 * odd or no report at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "resume.h"
#include "tmpdir.h"

#define FP1	"0123456789abcdef0123456789abcdef"
#define FP2	"fedcba9876543210fedcba9876543210"
#define HDR	"cluster_id,row,line,op,outcome,http_status,error_code," \
		"error_msg,attempts,elapsed_ms,started_at,finished_at," \
		"request_id,response,request_fp\r\n"

static void
setup(void)
{
	tmp_make("resume");
}

TestSuite(resume, .init = setup, .fini = tmp_remove);

/* A manifest row: num and cluster_id (a field of its own each time). */
static struct br_row
row(long num, const char *cluster)
{
	static struct br_field fs[8][1];
	static int k;
	struct br_field *f = fs[k++ % 8];
	struct br_row r = { 0 };

	f[0].name = "cluster_id";
	f[0].value = (char *)cluster;
	f[0].len = strlen(cluster);
	f[0].kind = BR_V_STRING;
	r.num = num;
	r.line = num + 1;
	r.nfields = 1;
	r.fields = f;
	return r;
}

static struct br_resume *
load(const char *path)
{
	struct br_resume *r;
	struct br_err err = { 0 };

	cr_assert_eq(br_resume_load(&r, path, &err), 0, "%s", err.msg);
	return r;
}

Test(resume, succeeded_rows_are_carried_when_the_request_is_the_same)
{
	struct br_resume *r = load(tmp_put("r.csv", HDR
	    "c1,1,2,css.restart_cluster,succeeded,200,,,1,5,,,id1,," FP1 "\r\n"
	    "c2,2,3,css.restart_cluster,failed,503,SYS.503,x,1,5,,,id2,," FP2
	    "\r\n"
	    "c3,3,4,css.restart_cluster,succeeded,200,,,1,5,,,id3,," FP1
	    "\r\n"));
	struct br_row a = row(1, "c1"), b = row(2, "c2"), c = row(3, "c3");

	cr_assert(br_resume_match(r, &a, "css.restart_cluster", FP1));
	cr_assert(!br_resume_match(r, &b, "css.restart_cluster", FP2),
	    "it failed");
	cr_assert(!br_resume_match(r, &c, "css.restart_cluster", FP2),
	    "another request");
	cr_assert_eq(br_resume_row(r, 1, NULL), BR_RS_CARRIED);
	cr_assert_eq(br_resume_row(r, 3, NULL), BR_RS_MISMATCH,
	    "it succeeded asking something else: not sent unasked");
	cr_assert_eq(br_resume_row(r, 2, NULL), BR_RS_NEW, "it failed");
	cr_assert_eq(br_resume_nmismatch(r), 1);
	cr_assert_eq(br_resume_ncarried(r), 1);
	br_resume_free(r);
}

/* Reports of older versions have no request_fp: the values decide. */
Test(resume, without_a_fingerprint_the_values_decide)
{
	struct br_resume *r = load(tmp_put("old.csv",
	    "cluster_id,row,line,op,outcome\r\n"
	    "c1,1,2,css.restart_cluster,succeeded\r\n"
	    "c2,2,3,css.restart_cluster,succeeded\r\n"));
	struct br_row a = row(1, "c1"), b = row(2, "cX");

	cr_assert(br_resume_match(r, &a, "css.restart_cluster", FP1));
	cr_assert(!br_resume_match(r, &b, "css.restart_cluster", FP1));
	br_resume_free(r);
}

Test(resume, a_hash_cell_and_a_cut_quoted_cell_are_read)
{
	struct br_resume *r = load(tmp_put("cut.csv", HDR
	    "\"#1\",1,2,css.restart_cluster,succeeded,200,,,1,5,,,id1,,"
	    FP1 "\r\n"
	    "c2,2,3,css.restart_cluster,succeeded,200,,,1,5,,,id2,"
	    "\"{\"\"jobId\"\":[\"\"ab"));
	struct br_row a = row(1, "#1"), b = row(2, "c2");

	cr_assert(br_resume_match(r, &a, "css.restart_cluster", FP1),
	    "a '#' cell is no comment");
	/* cut in the response: no fingerprint, the values decide */
	cr_assert(br_resume_match(r, &b, "css.restart_cluster", FP2));
	br_resume_free(r);
}

Test(resume, json_lines_reports_match_by_fingerprint)
{
	struct br_resume *r = load(tmp_put("r.jsonl",
	    "{\"row\":1,\"line\":2,\"op\":\"css.restart_cluster\","
	    "\"outcome\":\"succeeded\",\"request_fp\":\"" FP1 "\","
	    "\"input\":{\"cluster_id\":\"c1\",\"w\":0.1,\"big\":"
	    "123456789012345678901234}}\n"
	    "{\"row\":1e300,\"outcome\":\"succeeded\",\"op\":\"x\"}\n"
	    "{\"row\":5,\"line\":6,\"op\":\"x\",\"outcome\":\"succeeded\","
	    "\"input\":[\"a\"]}\n"
	    "not json at all\n"));
	struct br_row a = row(1, "c1");

	cr_assert(br_resume_match(r, &a, "css.restart_cluster", FP1));
	br_resume_free(r);
}

Test(resume, a_file_that_is_no_report_is_refused)
{
	struct br_resume *r;
	struct br_err err = { 0 };

	cr_assert_eq(br_resume_load(&r, tmp_put("m.csv", "op,cluster_id\n"
	    "css.restart_cluster,c1\n"), &err), BR_EINPUT);
	cr_assert(strstr(err.msg, "not a bulkrun report") != NULL, "%s",
	    err.msg);
	br_err_clear(&err);
	cr_assert_eq(br_resume_load(&r, tmp_put("m.jsonl", "{\"a\":1}\n"), &err),
	    BR_EINPUT);
	cr_assert(strstr(err.msg, "not a bulkrun report") != NULL, "%s",
	    err.msg);
}
