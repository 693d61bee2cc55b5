/*
 * test_verify.c - reading back: the catalog's verify blocks (loading,
 * errors), the read request of a row, and the judge over the example
 * bodies and traps of ../shared/api/verify.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <criterion/criterion.h>

#include "bind.h"
#include "catalog.h"
#include "err.h"
#include "jpath.h"
#include "manifest.h"
#include "verify.h"
#include "builtin.h"

#define CALL	1700000000000LL		/* when the write was sent */
#define NOW	(CALL + 30000)

#define KAFKA	"kafka.restart_connector_task"
#define MODIFY	"kafka.modify_connector_task"
#define DLF	"dataarts.restart_job_instance"
#define ROMA	"roma.reset_multi_task"
#define CSS	"css.restart_cluster"


static const struct br_op *
op(const char *name)
{
	const struct br_op *o = br_catalog_find(&cat, name);

	cr_assert_not_null(o, "%s", name);
	cr_assert_not_null(o->verify, "%s has no verify block", name);
	return o;
}

/* One poll of the row tracked by t. */
static enum br_vverdict
poll(const char *name, long status, const char *body, struct br_vtrack *t,
    struct br_vread *rd)
{
	return br_verify_judge(op(name), NULL, status, body,
	    body != NULL ? strlen(body) : 0, t, NOW, rd);
}

static struct br_vtrack
track(void)
{
	struct br_vtrack t;

	memset(&t, 0, sizeof(t));
	t.call_ms = CALL;
	return t;
}

/* ---- the read request ---- */

struct kv {
	const char	*name;
	const char	*value;
};

static void
read_request(const char *name, const struct kv *kv, size_t n,
    struct br_request *req)
{
	struct br_field f[8];
	struct br_row row;
	struct br_bind_opts bo;
	struct br_bound b;
	struct br_problems probs = { 0 };
	struct br_err err = { 0 };
	size_t i;

	cr_assert_leq(n + 1, 8);
	memset(&row, 0, sizeof(row));
	memset(&bo, 0, sizeof(bo));
	memset(f, 0, sizeof(f));
	f[0].name = (char *)"op";
	f[0].value = (char *)name;
	f[0].len = strlen(name);
	f[0].kind = BR_V_STRING;
	for (i = 0; i < n; i++) {
		f[i + 1].name = (char *)kv[i].name;
		f[i + 1].value = (char *)kv[i].value;
		f[i + 1].len = strlen(kv[i].value);
		f[i + 1].kind = BR_V_STRING;
	}
	row.num = 1;
	row.line = 2;
	row.nfields = n + 1;
	row.fields = f;
	bo.now_ms = NOW;
	bo.tz = "UTC";
	cr_assert_eq(br_catalog_bind(&cat, &row, &bo, &b, &probs), 0);
	memset(req, 0, sizeof(*req));
	cr_assert_eq(br_verify_request(b.op, &b, "https://h.example/", req,
	    &err), 0, "%s", err.msg);
	br_bound_release(&b);
	br_problems_release(&probs);
}

Test(verify, read_requests_of_the_five_operations, .init = load_builtin,
    .fini = release)
{
	static const struct kv kafka[] = { { "project_id", "p 1" },
	    { "instance_id", "i1" }, { "task_id", "t/1" } };
	static const struct kv dlf[] = { { "project_id", "p1" },
	    { "job_name", "job_batch" }, { "instance_id", "34765" },
	    { "workspace", "ws1" } };
	static const struct kv roma[] = { { "project_id", "p1" },
	    { "instance_id", "i1" }, { "task_id", "t 1" },
	    { "date_from", "1630052714000" } };
	static const struct kv css[] = { { "project_id", "p1" },
	    { "cluster_id", "c1" } };
	struct br_request req;

	read_request(KAFKA, kafka, 3, &req);
	cr_assert_str_eq(req.method, "GET");
	cr_assert_str_eq(req.url, "https://h.example/v2/p%201/instances/i1/"
	    "connector/tasks/t%2F1");
	cr_assert_null(req.body);
	cr_assert_str_eq(br_request_header(&req, "Accept"), "application/json");
	cr_assert_null(br_request_header(&req, "Authorization"));
	br_request_release(&req);

	read_request(DLF, dlf, 4, &req);
	cr_assert_str_eq(req.url, "https://h.example/v1/p1/jobs/job_batch/"
	    "instances/34765");
	cr_assert_str_eq(br_request_header(&req, "workspace"), "ws1");
	br_request_release(&req);

	/* no workspace in the row: no header (the default workspace) */
	read_request(DLF, dlf, 3, &req);
	cr_assert_null(br_request_header(&req, "workspace"));
	br_request_release(&req);

	read_request(ROMA, roma, 4, &req);
	cr_assert_str_eq(req.url, "https://h.example/v2/p1/fdi/instances/i1/"
	    "tasks?task_id=t%201");
	br_request_release(&req);

	read_request(CSS, css, 2, &req);
	cr_assert_str_eq(req.url, "https://h.example/v1.0/p1/clusters/c1");
	br_request_release(&req);
}

Test(verify, no_verify_block_is_an_error)
{
	struct br_op o;
	struct br_bound b;
	struct br_request req;
	struct br_err err = { 0 };
	struct br_vtrack t = track();
	struct br_vread rd;

	memset(&o, 0, sizeof(o));
	memset(&b, 0, sizeof(b));
	memset(&req, 0, sizeof(req));
	o.name = (char *)"x.y";
	b.op = &o;
	cr_assert_eq(br_verify_request(&o, &b, "https://h", &req, &err),
	    BR_EINPUT);
	cr_assert_str_eq(err.msg, "operation 'x.y' has no verify block");
	cr_assert_eq(br_verify_judge(&o, NULL, 200, "{}", 2, &t, NOW, &rd),
	    BR_VV_RETRY);
	cr_assert_eq(br_verify_classify(&o, NULL, 200, "{}", 2, &rd),
	    BR_VS_UNKNOWN);
}

/* ---- Kafka ---- */

#define TASK(st)	"{\"id\": \"194917d0\", \"task_name\": " \
	"\"smart-connect-121248117\", \"status\": \"" st "\", \"topics\": " \
	"\"topic-1643449744\", \"source_type\": \"KAFKA_REPLICATOR_SOURCE\"," \
	" \"source_task\": {\"task_num\": 2, \"replication_factor\": 3, " \
	"\"compression_type\": \"none\"}, \"sink_type\": \"NONE\", " \
	"\"sink_task\": null, \"create_time\": 1708427753133}"

Test(verify, kafka_restart_healthy_after_restarting, .init = load_builtin,
    .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	cr_assert_eq(poll(KAFKA, 200, TASK("RESTARTING"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_PROGRESS);
	cr_assert_str_eq(rd.text, "RESTARTING");
	cr_assert_eq(poll(KAFKA, 200, TASK("RUNNING"), &t, &rd),
	    BR_VV_HEALTHY);
	cr_assert_str_eq(rd.text, "RUNNING");
	cr_assert_eq(t.polls, 2);
	cr_assert_eq(t.last_ms, NOW);
}

Test(verify, stale_first_read_is_not_healthy,
    .init = load_builtin, .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	/* restarted from RUNNING, still reads RUNNING: not yet */
	cr_assert_eq(poll(KAFKA, 200, TASK("RUNNING"), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_HEALTHY);
	cr_assert(strstr(rd.msg, "not yet shown") != NULL, "%s", rd.msg);
	/* the same on the next poll: fresh by repetition */
	cr_assert_eq(poll(KAFKA, 200, TASK("RUNNING"), &t, &rd),
	    BR_VV_HEALTHY);

	/* CSS: "200" and no actions right after the call */
	t = track();
	cr_assert_eq(poll(CSS, 200, "{\"status\": \"200\", \"actions\": [], "
	    "\"instances\": [{\"status\": \"200\"}]}", &t, &rd), BR_VV_AGAIN);
}

Test(verify, kafka_paused_is_failed_once_fresh, .init = load_builtin,
    .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	/* a paused task restarted: the first PAUSED may be the old one */
	cr_assert_eq(poll(KAFKA, 200, TASK("PAUSED"), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_FAILED);
	cr_assert_eq(poll(KAFKA, 200, TASK("WAITING"), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(poll(KAFKA, 200, TASK("PAUSED"), &t, &rd), BR_VV_FAILED);
	cr_assert_str_eq(rd.text, "PAUSED");
	cr_assert_str_eq(rd.msg, "state 'PAUSED'");
}

Test(verify, kafka_gone_and_throttled, .init = load_builtin, .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	cr_assert_eq(poll(KAFKA, 404, "{\"error_code\": \"DMS.00404022\", "
	    "\"error_msg\": \"instance does not exist\"}", &t, &rd),
	    BR_VV_GONE);
	cr_assert_eq(rd.state, BR_VS_GONE);
	cr_assert_str_eq(rd.code, "DMS.00404022");
	cr_assert_eq(poll(KAFKA, 404, "", &t, &rd), BR_VV_GONE);
	/* DMS's flow control answers 404: throttled, not gone */
	cr_assert_eq(poll(KAFKA, 404, "{\"error_code\": \"DMS.10240407\", "
	    "\"error_msg\": \"flow control\"}", &t, &rd), BR_VV_RETRY);
	cr_assert_eq(rd.state, BR_VS_UNKNOWN);
	cr_assert_str_eq(rd.code, "DMS.10240407");
}

Test(verify, unknown_values_are_in_progress,
    .init = load_builtin, .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;
	int i;

	for (i = 0; i < 5; i++) {
		cr_assert_eq(poll(KAFKA, 200, TASK("CREATING"), &t, &rd),
		    BR_VV_AGAIN);
		cr_assert_eq(rd.state, BR_VS_PROGRESS);
		cr_assert_str_eq(rd.text, "CREATING");
		cr_assert_str_eq(rd.msg, "state 'CREATING' is not known: "
		    "taken as in progress");
	}
	/* an unknown value proves nothing about freshness */
	cr_assert_eq(t.saw_progress, 0);
	cr_assert_eq(poll(KAFKA, 200, TASK("RUNNING"), &t, &rd), BR_VV_AGAIN);
	/* no state at all */
	cr_assert_eq(poll(KAFKA, 200, "{\"id\": \"x\"}", &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_str_eq(rd.text, "");
}

Test(verify, throttled_and_broken_answers_are_retried, .init = load_builtin,
    .fini = release)
{
	static const struct {
		long		 status;
		const char	*body;
		const char	*code;
	} c[] = {
		{ 429, "{\"error_code\": \"APIG.0308\", \"error_msg\": \"The "
		  "throttling threshold has been reached\"}", "APIG.0308" },
		{ 400, "{\"error_code\": \"APIG.0308\"}", "APIG.0308" },
		{ 429, "", "HTTP.429" },
		{ 503, "<html>busy</html>", "HTTP.503" },
		{ 500, "{\"error_code\": \"DLF.0137\"}", "DLF.0137" },
		{ 0, NULL, "" },
		{ 401, "{\"error_code\": \"APIG.0301\"}", "APIG.0301" },
		{ 200, "not json", "HTTP.200" },
	};
	const char *ops[] = { KAFKA, DLF, ROMA, CSS };
	struct br_vtrack t = track();
	struct br_vread rd;
	size_t i, k;

	for (k = 0; k < 4; k++) {
		for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			cr_assert_eq(poll(ops[k], c[i].status, c[i].body, &t,
			    &rd), BR_VV_RETRY, "%s #%zu", ops[k], i);
			cr_assert_eq(rd.state, BR_VS_UNKNOWN);
			cr_assert_str_eq(rd.code, c[i].code, "%s #%zu",
			    ops[k], i);
			cr_assert_neq(rd.msg[0], '\0');
		}
	}
}

/* ---- Kafka modify: what was sent reads back ---- */

static enum br_vverdict
modify_poll(const char *sent_body, const char *body, struct br_vtrack *t,
    struct br_vread *rd)
{
	struct br_request sent;

	memset(&sent, 0, sizeof(sent));
	sent.body = (char *)sent_body;
	sent.bodylen = strlen(sent_body);
	return br_verify_judge(op(MODIFY), &sent, 200, body, strlen(body), t,
	    NOW, rd);
}

#define SENT	"{\"topics\": \"topic-1643449744\", \"source_task\": " \
	"{\"task_num\": 2, \"sasl_mechanism\": \"PLAIN\"}}"

Test(verify, kafka_modify_compares_what_was_sent, .init = load_builtin,
    .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	cr_assert_eq(modify_poll(SENT, TASK("RESTARTING"), &t, &rd),
	    BR_VV_AGAIN);
	/* equal, and a field the answer does not show is not compared */
	cr_assert_eq(modify_poll(SENT, TASK("RUNNING"), &t, &rd),
	    BR_VV_HEALTHY);

	/* a field that differs: failed */
	t = track();
	cr_assert_eq(modify_poll("{\"topics\": \"topic-1643449744\", "
	    "\"source_task\": {\"task_num\": 3}}", TASK("RESTARTING"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(modify_poll("{\"topics\": \"topic-1643449744\", "
	    "\"source_task\": {\"task_num\": 3}}", TASK("RUNNING"), &t, &rd),
	    BR_VV_FAILED);
	cr_assert_eq(rd.state, BR_VS_FAILED);
	cr_assert_str_eq(rd.text, "RUNNING");
	cr_assert_str_eq(rd.msg, "'source_task.task_num' reads '2', not '3' "
	    "as sent");

	/* the restart operation compares nothing */
	t = track();
	t.saw_progress = 1;
	cr_assert_eq(br_verify_judge(op(KAFKA), NULL, 200, TASK("RUNNING"),
	    strlen(TASK("RUNNING")), &t, NOW, &rd), BR_VV_HEALTHY);
}

/* ---- DataArts ---- */

#define INST(st, start)	"{\"jobName\": \"job_batch\", \"instanceId\": " \
	"34765, \"status\": \"" st "\", \"planTime\": 1551425326540, " \
	"\"startTime\": " start ", \"endTime\": 1551425387000, " \
	"\"forceSuccess\": false, \"ignoreSuccess\": false, \"total\": 2, " \
	"\"nodes\": [{\"nodeName\": \"error\", \"status\": \"success\"}]}"
#define OLD	"1551425327000"
#define NEW	"1700000005000"

Test(verify, dataarts_rerun_with_old_start_time_is_not_healthy,
    .init = load_builtin, .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;
	int i;

	/* the instance keeps its id: its old success is not the rerun's */
	for (i = 0; i < 5; i++) {
		cr_assert_eq(poll(DLF, 200, INST("success", OLD), &t, &rd),
		    BR_VV_AGAIN);
		cr_assert_eq(rd.state, BR_VS_HEALTHY);
	}
	cr_assert_eq(poll(DLF, 200, INST("fail", OLD), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_FAILED);
	cr_assert_eq(poll(DLF, 200, INST("running", NEW), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(poll(DLF, 200, INST("success", NEW), &t, &rd),
	    BR_VV_HEALTHY);
	cr_assert_str_eq(rd.text, "success");
}

/* The first poll of a new row; the body is fmt with arg for its %s. */
static enum br_vverdict
first_poll(const char *name, long status, const char *fmt, const char *arg,
    struct br_vread *rd)
{
	struct br_vtrack t = track();
	char body[1024];

	snprintf(body, sizeof(body), fmt, arg);
	return poll(name, status, body, &t, rd);
}

Test(verify, dataarts_failed_and_gone, .init = load_builtin, .fini = release)
{
	static const char *const fails[] = { "fail", "running-exception",
	    "manual-stop" };
	static const char *const gone[] = { "DLF.0137", "DLF.0100",
	    "DLF.0819" };
	struct br_vtrack t = track();
	struct br_vread rd;
	size_t i;

	/* a start time after the call: fresh at once */
	for (i = 0; i < 3; i++) {
		cr_assert_eq(first_poll(DLF, 200, INST("%s", NEW), fails[i],
		    &rd), BR_VV_FAILED);
		cr_assert_str_eq(rd.text, fails[i]);
	}
	for (i = 0; i < 3; i++) {
		cr_assert_eq(first_poll(DLF, 400, "{\"error_code\": \"%s\", "
		    "\"error_msg\": \"not found\"}", gone[i], &rd), BR_VV_GONE);
		cr_assert_str_eq(rd.code, gone[i]);
		cr_assert_str_eq(rd.msg, "not found");
	}
	/* another 400 is no reading */
	cr_assert_eq(poll(DLF, 400, "{\"error_code\": \"DLF.0001\"}", &t,
	    &rd), BR_VV_RETRY);
	/* pause waits for a person: never healthy */
	t = track();
	cr_assert_eq(poll(DLF, 200, INST("pause", NEW), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_PROGRESS);
	cr_assert_str_eq(rd.text, "pause");
}

/* ---- ROMA ---- */

#define TASKS(st, ex)	"{\"total\": 1, \"size\": 1, \"entities\": " \
	"[{\"task_id\": \"t1\", \"task_name\": \"n\", \"status\": " st ", " \
	"\"execute_status\": \"" ex "\", \"ext_type\": \"CDC\", " \
	"\"last_modified_time\": 1708427753133}]}"

Test(verify, roma_status_as_integer_or_string, .init = load_builtin,
    .fini = release)
{
	static const char *const running[] = { "1", "\"1\"", "\"running\"" };
	struct br_vtrack t;
	struct br_vread rd;
	char body[1024];
	size_t i;

	for (i = 0; i < 3; i++) {
		t = track();
		snprintf(body, sizeof(body), TASKS("%s", "WAITING"),
		    running[i]);
		cr_assert_eq(poll(ROMA, 200, body, &t, &rd), BR_VV_AGAIN);
		cr_assert_eq(rd.state, BR_VS_PROGRESS);
		snprintf(body, sizeof(body), TASKS("%s", "SUCCESS"),
		    running[i]);
		cr_assert_eq(poll(ROMA, 200, body, &t, &rd), BR_VV_HEALTHY,
		    "%s", running[i]);
		cr_assert_str_eq(rd.text, "SUCCESS");
	}
	/* stopped (0 / "stop") is not healthy */
	t = track();
	t.saw_progress = 1;
	cr_assert_eq(poll(ROMA, 200, TASKS("0", "RUNNING"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(poll(ROMA, 200, TASKS("\"stop\"", "RUNNING"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_PROGRESS);
}

Test(verify, roma_failed_and_gone, .init = load_builtin, .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	cr_assert_eq(poll(ROMA, 200, TASKS("1", "UNSTARTED"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(poll(ROMA, 200, TASKS("1", "ERROR"), &t, &rd),
	    BR_VV_FAILED);
	cr_assert_str_eq(rd.text, "ERROR");
	t = track();
	cr_assert_eq(poll(ROMA, 200, "{\"total\": 0, \"size\": 0, "
	    "\"entities\": []}", &t, &rd), BR_VV_GONE);
	cr_assert_eq(poll(ROMA, 200, "{\"total\": 0}", &t, &rd), BR_VV_GONE);
	cr_assert_eq(poll(ROMA, 400, "{\"error_code\": \"FDI.3021\", "
	    "\"error_msg\": \"tasks do not exist\"}", &t, &rd), BR_VV_GONE);
	/* a 200 that is not JSON is no reading, not an empty list */
	cr_assert_eq(poll(ROMA, 200, "", &t, &rd), BR_VV_RETRY);
}

/* ---- CSS ---- */

#define CLUSTER(st, actions, inst) "{\"id\": \"c1\", \"name\": " \
	"\"css-8bc5\", \"status\": \"" st "\", \"actions\": " actions ", " \
	"\"actionProgress\": {}, \"updated\": \"2023-10-09T02:07:13\", " \
	"\"instances\": [{\"id\": \"i1\", \"name\": \"css-8bc5-ess-esn-1-1\"," \
	" \"status\": \"200\", \"type\": \"ess\"}, {\"id\": \"i2\", " \
	"\"status\": \"" inst "\", \"type\": \"ess\"}]}"

Test(verify, css_actions_as_strings_or_objects, .init = load_builtin,
    .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	cr_assert_eq(poll(CSS, 200, CLUSTER("200", "[\"REBOOTING\"]", "200"),
	    &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_PROGRESS);
	cr_assert_eq(t.saw_progress, 1);
	cr_assert_eq(poll(CSS, 200, CLUSTER("200", "[]", "200"), &t, &rd),
	    BR_VV_HEALTHY);
	cr_assert_str_eq(rd.text, "200");

	t = track();
	cr_assert_eq(poll(CSS, 200, CLUSTER("200", "[{\"action\": "
	    "\"REBOOTING\"}]", "200"), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(t.saw_progress, 1);
	cr_assert_eq(poll(CSS, 200, CLUSTER("200", "[{\"action\": "
	    "\"REBOOTING\"}]", "200"), &t, &rd), BR_VV_AGAIN);
	cr_assert_eq(poll(CSS, 200, CLUSTER("100", "[]", "200"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_PROGRESS);
	/* healthy needs every instance "200" */
	cr_assert_eq(poll(CSS, 200, CLUSTER("200", "[]", "100"), &t, &rd),
	    BR_VV_AGAIN);
	cr_assert_eq(rd.state, BR_VS_PROGRESS);
	cr_assert_eq(poll(CSS, 200, CLUSTER("200", "null", "200"), &t, &rd),
	    BR_VV_HEALTHY);
}

Test(verify, css_failed_with_either_spelling_of_the_reason,
    .init = load_builtin,
    .fini = release)
{
	static const struct {
		const char	*body;
		const char	*code;
		const char	*msg;
	} c[] = {
		{ "{\"status\": \"303\", \"actions\": [], \"failedReason\": "
		  "{\"errorCode\": \"CSS.6002\", \"errorMsg\": \"restart "
		  "failed\"}}", "CSS.6002", "state '303', CSS.6002" },
		{ "{\"status\": \"303\", \"failed_reasons\": {\"error_code\": "
		  "\"CSS.6002\", \"error_msg\": \"x\"}}", "CSS.6002",
		  "state '303', CSS.6002" },
		{ "{\"status\": \"303\"}", "", "state '303'" },
	};
	struct br_vtrack t;
	struct br_vread rd;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		t = track();
		t.saw_progress = 1;
		cr_assert_eq(poll(CSS, 200, c[i].body, &t, &rd), BR_VV_FAILED);
		cr_assert_eq(rd.state, BR_VS_FAILED);
		cr_assert_str_eq(rd.text, "303");
		cr_assert_str_eq(rd.code, c[i].code);
		cr_assert_str_eq(rd.msg, c[i].msg);
	}
}

Test(verify, css_gone_is_a_403_errcode_or_a_404, .init = load_builtin,
    .fini = release)
{
	struct br_vtrack t = track();
	struct br_vread rd;

	cr_assert_eq(poll(CSS, 403, "{\"errCode\": \"CSS.0015\", "
	    "\"externalMessage\": \"No resources are found\"}", &t, &rd),
	    BR_VV_GONE);
	cr_assert_str_eq(rd.code, "CSS.0015");
	cr_assert_eq(poll(CSS, 404, "{\"error_code\": \"CSS.0002\"}", &t, &rd),
	    BR_VV_GONE);
	/* another 403 (a policy) is no reading */
	cr_assert_eq(poll(CSS, 403, "{\"errCode\": \"CSS.0003\"}", &t, &rd),
	    BR_VV_RETRY);
	cr_assert_str_eq(rd.code, "CSS.0003");
	/* a 202 carrying an error */
	cr_assert_eq(poll(CSS, 202, "{\"errCode\": \"CSS.0011\", "
	    "\"externalMessage\": \"another operation is being performed\"}",
	    &t, &rd), BR_VV_RETRY);
	cr_assert_str_eq(rd.code, "CSS.0011");
	cr_assert_eq(rd.state, BR_VS_UNKNOWN);
}

/* ---- one read, no freshness ---- */

Test(verify, classify_reads_once, .init = load_builtin, .fini = release)
{
	struct br_vread rd;

	cr_assert_eq(br_verify_classify(op(KAFKA), NULL, 200, TASK("RUNNING"),
	    strlen(TASK("RUNNING")), &rd), BR_VS_HEALTHY);
	cr_assert_eq(br_verify_classify(op(DLF), NULL, 200,
	    INST("running", OLD), strlen(INST("running", OLD)), &rd),
	    BR_VS_PROGRESS);
	cr_assert_eq(br_verify_classify(op(DLF), NULL, 200,
	    INST("success", OLD), strlen(INST("success", OLD)), &rd),
	    BR_VS_HEALTHY);
	cr_assert_eq(br_verify_classify(op(CSS), NULL, 200,
	    "{\"status\": \"303\"}", 17, &rd), BR_VS_FAILED);
	cr_assert_eq(br_verify_classify(op(CSS), NULL, 403,
	    "{\"errCode\": \"CSS.0015\"}", 23, &rd), BR_VS_GONE);
	cr_assert_eq(br_verify_classify(op(CSS), NULL, 429, "", 0, &rd),
	    BR_VS_UNKNOWN);
	cr_assert_str_eq(br_vstate_name(BR_VS_HEALTHY), "healthy");
	cr_assert_str_eq(br_vstate_name(BR_VS_PROGRESS), "in_progress");
	cr_assert_str_eq(br_vstate_name(BR_VS_FAILED), "failed");
	cr_assert_str_eq(br_vstate_name(BR_VS_GONE), "gone");
	cr_assert_str_eq(br_vstate_name(BR_VS_UNKNOWN), "unknown");
}

/* ---- the path language ---- */

Test(verify, jpath_selects_and_checks)
{
	cJSON *root = cJSON_Parse("{\"a\": {\"b\": [1, {\"c\": \"x\"}, "
	    "{\"c\": true}]}, \"d\": null, \"e\": 2.5}");
	const cJSON *n[8];
	char buf[32], why[128];

	cr_assert_not_null(root);
	cr_assert_eq(br_jpath_eval(root, "a.b[]", n, 8), 3);
	cr_assert_eq(br_jpath_eval(root, "a.b[].c", n, 8), 2);
	cr_assert_eq(br_jpath_text(n[1], buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "true");
	cr_assert_eq(br_jpath_eval(root, "a.b[0]", n, 8), 1);
	cr_assert_eq(br_jpath_text(n[0], buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1");
	cr_assert_eq(br_jpath_eval(root, "d | e", n, 8), 1);
	cr_assert_eq(br_jpath_text(n[0], buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "2.5");
	cr_assert_eq(br_jpath_eval(root, "a.b[7] | a.x | d", n, 8), 0);
	cr_assert_eq(br_jpath_eval(root, "a", n, 8), 1);
	cr_assert_eq(br_jpath_text(n[0], buf, sizeof(buf)), -1);
	cr_assert_eq(br_jpath_check("a..b", why, sizeof(why)), -1);
	cr_assert_eq(br_jpath_check("a[x]", why, sizeof(why)), -1);
	cr_assert_eq(br_jpath_check("a |", why, sizeof(why)), -1);
	cr_assert_eq(br_jpath_check("a b", why, sizeof(why)), -1);
	cr_assert_eq(br_jpath_check(" a[0][].b | c ", why, sizeof(why)), 0);
	cJSON_Delete(root);
}

/* ---- loading ---- */

#define VOP(verify)	"{\"operations\": [{\"name\": \"x.y\", \"method\": " \
	"\"POST\", \"path\": \"/v1/{id}/go\", \"params\": [{\"name\": " \
	"\"id\", \"in\": \"path\"}, {\"name\": \"ws\", \"in\": " \
	"\"header\"}],\n\"verify\": " verify "}]}"

Test(verify, bad_verify_blocks_are_refused_with_file_and_line,
    .init = load_builtin, .fini = release)
{
	static const struct {
		const char	*json;
		const char	*msg;
	} c[] = {
		{ VOP("[]"), "must be an object" },
		{ VOP("{\"path\": \"/a/{id}\"}"), "missing 'state'" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\"}"),
		  "missing 'healthy'" },
		{ VOP("{\"state\": \"s\", \"healthy\": [\"ok\"]}"),
		  "missing 'path'" },
		{ VOP("{\"path\": \"/a/{nope}\", \"state\": \"s\", "
		  "\"healthy\": [\"ok\"]}"), "'path' has {nope} but the "
		  "operation has no parameter 'nope'" },
		{ VOP("{\"path\": \"/a?x=1\", \"state\": \"s\", "
		  "\"healthy\": [\"ok\"]}"), "'path' contains a blank, a "
		  "control character, '?' or '#' (give the query with "
		  "\"query\")" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s..t\", "
		  "\"healthy\": [\"ok\"]}"), "'state': a member name is "
		  "missing" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "{\"all\": [{\"path\": \"s\"}]}}"), "'healthy' test #1: "
		  "needs one of 'in', 'has' or 'empty'" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "{\"most\": []}}"), "'healthy' must be an array of state "
		  "values, or {\"all\": [tests]} or {\"any\": [tests]}" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": []}"),
		  "'healthy' must be a non-empty array of strings" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"fresh\": {\"repeat\": 0}}"), "'fresh' gives no "
		  "proof (\"progress\", \"repeat\" or \"time\"): a stale read "
		  "would count" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"gone\": [{\"status\": 99}]}"), "'gone' #1: "
		  "'status' must be an HTTP status (100 to 599)" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"gone\": [{\"empty\": true}]}"), "'gone' #1: "
		  "'in', 'has' and 'empty' need a 'path'" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"timeout\": \"20m\"}"), "'timeout' must be a "
		  "number of seconds (above 0 to 604800)" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"headers\": {\"X-Auth-Token\": \"{ws}\"}}"),
		  "bad or reserved header name 'X-Auth-Token'" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"query\": {\"w\": \"{wz}\"}}"), "'query' value "
		  "'w' has {wz} but the operation has no parameter 'wz'" },
		{ VOP("{\"path\": \"/a\", \"method\": \"PUT\", \"state\": "
		  "\"s\", \"healthy\": [\"ok\"]}"), "'method' must be GET or "
		  "POST" },
		{ VOP("{\"path\": \"/a\", \"state\": \"s\", \"healthy\": "
		  "[\"ok\"], \"wait\": 1}"), "unknown key 'wait'" },
	};
	struct br_err err = { 0 };
	char want[1024];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		br_err_clear(&err);
		cr_assert_eq(br_catalog_load_string(&cat, c[i].json,
		    strlen(c[i].json), "t.json", &err), BR_EINPUT, "#%zu", i);
		snprintf(want, sizeof(want), "t.json:2: operation 'x.y': "
		    "verify: %s", c[i].msg);
		cr_assert_str_eq(err.msg, want, "#%zu", i);
	}
	cr_assert_null(br_catalog_find(&cat, "x.y"));
}

Test(verify, a_user_verify_block_loads_with_defaults, .init = load_builtin,
    .fini = release)
{
	static const char json[] = VOP("{\"path\": \"/a/{id}\", \"state\": "
	    "\"s\", \"query\": {\"w\": \"{ws}\"}, \"healthy\": [\"ok\"]}");
	struct br_err err = { 0 };
	const struct br_op *o;

	cr_assert_eq(br_catalog_load_string(&cat, json, strlen(json), "t.json",
	    &err), 0, "%s", err.msg);
	o = op("x.y");
	cr_assert_str_eq(o->verify->method, "GET");
	cr_assert_eq(o->verify->fresh_progress, 1);
	cr_assert_eq(o->verify->fresh_repeat, 2);
	cr_assert_eq(o->verify->first_delay_ms, 10000);
	cr_assert_eq(o->verify->interval_ms, 10000);
	cr_assert_eq(o->verify->timeout_ms, 1200000);
	cr_assert_eq(o->verify->nquery, 1);
	/* the built-in ones carry verify.md's Terraform timings */
	cr_assert_eq(op(CSS)->verify->timeout_ms, 3600000);
	cr_assert_eq(op(KAFKA)->verify->first_delay_ms, 5000);
	cr_assert_eq(op(DLF)->verify->interval_ms, 20000);
	cr_assert_eq(op(MODIFY)->verify->match_sent, 1);
}

Test(verify, ops_name_shows_the_verify_block, .init = load_builtin,
    .fini = release)
{
	struct br_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(br_catalog_print_op(&cat, CSS, f, &err), 0);
	fclose(f);
	cr_assert_not_null(strstr(buf, "\nverify (run --wait, status, "
	    "--precheck):\n  read:      GET /v1.0/{project_id}/clusters/"
	    "{cluster_id}\n"), "%s", buf);
	cr_assert_not_null(strstr(buf, "  healthy:   all of: status in 200; "
	    "actions empty; instances[].status in 200\n"), "%s", buf);
	cr_assert_not_null(strstr(buf, "  gone:      HTTP 403 CSS.0015; "
	    "HTTP 404\n"), "%s", buf);
	free(buf);
}

Test(verify, a_read_needs_its_path_values,
    .init = load_builtin, .fini = release)
{
	static const char json[] = VOP("{\"path\": \"/a/{id}/{ws}\", "
	    "\"state\": \"s\", \"healthy\": [\"ok\"]}");
	struct br_err err = { 0 };
	struct br_arg arg;
	struct br_bound b;
	struct br_request req;
	const struct br_op *o;

	cr_assert_eq(br_catalog_load_string(&cat, json, strlen(json), "t.json",
	    &err), 0, "%s", err.msg);
	o = op("x.y");
	memset(&b, 0, sizeof(b));
	memset(&req, 0, sizeof(req));
	arg.param = &o->params[0];
	arg.value = (char *)"7";
	arg.written = "7";
	b.op = o;
	b.args = &arg;
	b.nargs = 1;
	/* the header parameter ws is not given: no path */
	cr_assert_eq(br_verify_request(o, &b, "https://h", &req, &err),
	    BR_EINPUT);
	cr_assert_str_eq(err.msg, "operation 'x.y': no value for parameter "
	    "'ws'");
	cr_assert_null(req.url);
}

Test(verify, ops_name_says_when_there_is_no_verify_block, .init = load_builtin,
    .fini = release)
{
	static const char json[] = "{\"operations\": [{\"name\": \"x.y\", "
	    "\"method\": \"POST\", \"path\": \"/v1/go\"}]}";
	struct br_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(br_catalog_load_string(&cat, json, strlen(json), "t.json",
	    &err), 0, "%s", err.msg);
	cr_assert_null(br_catalog_find(&cat, "x.y")->verify);
	cr_assert_not_null(f = open_memstream(&buf, &len));
	cr_assert_eq(br_catalog_print_op(&cat, "x.y", f, &err), 0);
	fclose(f);
	cr_assert_not_null(strstr(buf, "\nverify: (none: --wait, status and "
	    "--precheck cannot read this operation back)\n"), "%s", buf);
	free(buf);
}
