/*
 * End to end: the real bulkrun against bulkrun-sim on 127.0.0.1, checking
 * the report and what the simulator really received.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

#define RUN_OPTS "--rate", "unlimited", "--backoff", "10ms", "-q"

static const cJSON *
entry(const cJSON *log, int i)
{
	const cJSON *e = cJSON_GetArrayItem(log, i);

	cr_assert_not_null(e, "no request %d in the simulator's log", i);
	return e;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The log entry whose raw path is path, or NULL. */
static const cJSON *
by_path(const cJSON *log, const char *path)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, log)
		if (str(e, "path") && strcmp(str(e, "path"), path) == 0)
			return e;
	return NULL;
}

static void
expect_row(const struct table *t, const char *keycol, const char *key,
    const char *outcome, const char *status, const char *code)
{
	size_t r = table_find(t, keycol, key);

	cr_assert_neq(r, 0, "no report row with %s=%s", keycol, key);
	cr_expect_str_eq(table_get(t, r, "outcome"), outcome, "%s outcome",
	    key);
	cr_expect_str_eq(table_get(t, r, "http_status"), status, "%s status",
	    key);
	cr_expect_str_eq(table_get(t, r, "error_code"), code, "%s code", key);
}

Test(e2e, css_restart_succeeds_and_not_found_fails, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const cJSON *e;
	const char *m = t_write("css.csv",
	    "op,project_id,cluster_id,note\n"
	    "css.restart_cluster,p1,c-ok-1,first\n"
	    "css.restart_cluster,p1,missing-c2,second\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 1, "exit %d, stderr: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_assert_eq(f.t.nrows, 3);
	expect_row(&f.t, "cluster_id", "c-ok-1", "succeeded", "200", "");
	expect_row(&f.t, "cluster_id", "missing-c2", "failed", "404",
	    "CSS.0015");
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "cluster_id", "c-ok-1"),
	    "note"), "first");
	cr_expect(strstr(table_get(&f.t, table_find(&f.t, "cluster_id", "c-ok-1"),
	    "response"), "{\"jobId\":[\"") != NULL, "response has the jobId");
	cr_expect_eq(strlen(table_get(&f.t, 1, "request_id")), 32);
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "cluster_id", "c-ok-1"),
	    "attempts"), "1");
	log = sim_log(&f.s);
	cr_assert_eq(cJSON_GetArraySize(log), 2);
	e = by_path(log, "/v1.0/p1/clusters/c-ok-1/restart");
	cr_assert_not_null(e);
	cr_expect_str_eq(str(e, "method"), "POST");
	cr_expect_str_eq(str(e, "body"), "");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, kafka_restart_is_put_without_body, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const cJSON *e;
	const char *m = t_write("k.csv",
	    "project_id,instance_id,task_id\n"
	    "p1,i-1,t-1\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', "--op", "kafka.restart_connector_task",
	    RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d, stderr: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	expect_row(&f.t, "task_id", "t-1", "succeeded", "204", "");
	cr_expect_str_eq(table_get(&f.t, 1, "op"),
	    "kafka.restart_connector_task");
	log = sim_log(&f.s);
	e = entry(log, 0);
	cr_expect_str_eq(str(e, "method"), "PUT");
	cr_expect_str_eq(str(e, "path"),
	    "/v2/p1/kafka/instances/i-1/connector/tasks/t-1/restart");
	cr_expect_str_eq(str(e, "body"), "");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, kafka_modify_sends_typed_nested_body, .timeout = 60)
{
	struct fx f;
	cJSON *log, *body;
	const cJSON *e, *st;
	const char *m = t_write("km.csv",
	    "op;project_id;instance_id;task_id;topics;source_task.task_num;"
	    "source_task.rename_topic_enabled;source_task.compression_type\r\n"
	    "kafka.modify_connector_task;p1;i-1;t-9;topic-a;3;yes;gzip\r\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ';', RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d, stderr: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	expect_row(&f.t, "task_id", "t-9", "succeeded", "200", "");
	cr_expect(strstr(table_get(&f.t, 1, "response"), "\"status\":") != NULL);
	log = sim_log(&f.s);
	e = entry(log, 0);
	cr_expect_str_eq(str(e, "method"), "PUT");
	cr_expect_str_eq(str(e, "path"),
	    "/v2/p1/instances/i-1/connector/tasks/t-9");
	cr_expect_str_eq(log_header(e, "Content-Type"), "application/json");
	body = cJSON_Parse(str(e, "body"));
	cr_assert_not_null(body, "body is JSON: %s", str(e, "body"));
	cr_expect_str_eq(cJSON_GetObjectItem(body, "topics")->valuestring,
	    "topic-a");
	st = cJSON_GetObjectItem(body, "source_task");
	cr_assert(cJSON_IsObject(st));
	cr_expect(cJSON_IsNumber(cJSON_GetObjectItem(st, "task_num")));
	cr_expect_eq(cJSON_GetObjectItem(st, "task_num")->valueint, 3);
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(st,
	    "rename_topic_enabled")));
	cr_expect_str_eq(cJSON_GetObjectItem(st,
	    "compression_type")->valuestring, "gzip");
	cr_expect_null(cJSON_GetObjectItem(body, "project_id"),
	    "path parameters stay out of the body");
	cJSON_Delete(body);
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, dataarts_sends_workspace_header_and_maps_dlf0137, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const cJSON *e;
	const char *m = t_write("d.csv",
	    "op,project_id,job_name,instance_id,workspace\n"
	    "dataarts.restart_job_instance,p1,job_batch,34765,ws-1\n"
	    "dataarts.restart_job_instance,p1,missing-job,34766,\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', "-j", "1", RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 1, "exit %d, stderr: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	expect_row(&f.t, "instance_id", "34765", "succeeded", "204", "");
	expect_row(&f.t, "instance_id", "34766", "failed", "400", "DLF.0137");
	cr_expect_str_eq(table_get(&f.t, 2, "error_msg"),
	    "Job instance does not exist.");
	cr_expect_str_eq(table_get(&f.t, 2, "attempts"), "1",
	    "a 400 is not retried");
	log = sim_log(&f.s);
	cr_assert_eq(cJSON_GetArraySize(log), 2);
	e = entry(log, 0);
	cr_expect_str_eq(str(e, "method"), "POST");
	cr_expect_str_eq(str(e, "path"),
	    "/v1/p1/jobs/job_batch/instances/34765/restart");
	cr_expect_str_eq(log_header(e, "workspace"), "ws-1");
	cr_expect_null(log_header(entry(log, 1), "workspace"),
	    "an empty cell sends no header");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, roma_reset_converts_dates_and_maps_fdi_codes, .timeout = 60)
{
	struct fx f;
	cJSON *log, *body;
	const cJSON *e;
	const char *m = t_write("roma.json",
	    "{\"defaults\": {\"op\": \"roma.reset_multi_task\", "
	    "\"project_id\": \"p1\", \"instance_id\": \"ins-1\"},\n"
	    " \"operations\": [\n"
	    "  {\"task_id\": \"t-ok\", \"date_from\": \"2026-11-21T00:00:00Z\"},\n"
	    "  {\"task_id\": \"empty-t\"},\n"
	    "  {\"task_id\": \"missing-t\", \"date_from\": 1630052714000}\n"
	    " ]}\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 1, "exit %d, stderr: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_assert_eq(f.t.nrows, 4);
	expect_row(&f.t, "task_id", "t-ok", "succeeded", "200", "");
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "task_id", "t-ok"),
	    "response"), "{\"message\":\"Reset Success\"}");
	expect_row(&f.t, "task_id", "empty-t", "failed", "400", "FDI.3150");
	expect_row(&f.t, "task_id", "missing-t", "failed", "404", "FDI.3083");
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "task_id", "t-ok"),
	    "line"), "3");
	log = sim_log(&f.s);
	e = by_path(log, "/v2/p1/fdi/instances/ins-1/multi-tasks/t-ok/reset");
	cr_assert_not_null(e);
	cr_expect_str_eq(str(e, "method"), "POST");
	body = cJSON_Parse(str(e, "body"));
	cr_assert_not_null(body);
	cr_expect_eq((long long)cJSON_GetObjectItem(body,
	    "date_from")->valuedouble, 1795219200000LL);
	cJSON_Delete(body);
	e = by_path(log,
	    "/v2/p1/fdi/instances/ins-1/multi-tasks/missing-t/reset");
	cr_assert_not_null(e);
	cr_expect_str_eq(str(e, "body"), "{\"date_from\":1630052714000}");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, invalid_manifest_sends_nothing, .timeout = 60)
{
	struct fx f;
	struct out o;
	const char *m = t_write("bad.csv",
	    "op,project_id,cluster_id,instance_id\n"
	    "css.restart_cluster,p1,c1,\n"
	    "css.restart_clustr,p1,c2,\n"
	    "dataarts.restart_job_instance,p1,,abc\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", 0, RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d", f.o.status);
	cr_expect(strstr(f.o.err, "bad.csv:3: ") != NULL, "stderr: %s",
	    f.o.err);
	cr_expect(strstr(f.o.err, "css.restart_cluster") != NULL,
	    "suggests the nearest name: %s", f.o.err);
	cr_expect(strstr(f.o.err, "bad.csv:4: ") != NULL, "stderr: %s",
	    f.o.err);
	cr_expect_eq(sim_count(&f.s), 0, "nothing was sent");
	cr_expect_null(t_read(f.report), "no report either");

	run_bulkrun(&o, NULL, "validate", m, NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "bad.csv:3: ") != NULL, "stderr: %s", o.err);
	out_release(&o);
	fx_end(&f);
}

Test(e2e, skip_invalid_runs_the_valid_rows, .timeout = 60)
{
	struct fx f;
	const char *m = t_write("mixed.csv",
	    "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\n"
	    "css.restart_cluster,p1,\n"
	    "css.restart_cluster,p1,c3\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', "--skip-invalid", RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_assert_eq(f.t.nrows, 4);
	expect_row(&f.t, "row", "2", "invalid", "", "INPUT.MISSING");
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "row", "2"), "attempts"),
	    "0");
	expect_row(&f.t, "row", "3", "succeeded", "200", "");
	cr_expect_eq(sim_count(&f.s), 2);
	fx_end(&f);
}

Test(e2e, path_parameter_cannot_leave_its_segment, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const char *m = t_write("evil.csv",
	    "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,../../x?y#z\n"
	    "css.restart_cluster,p1,..\n"
	    "css.restart_cluster,p1,a/b%2Fc d\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',',
	    "-j", "1", "--skip-invalid", RUN_OPTS, NULL);
	log = sim_log(&f.s);
	cr_assert_eq(cJSON_GetArraySize(log), 2, "stderr: %s", f.o.err);
	cr_expect_str_eq(str(entry(log, 0), "path"),
	    "/v1.0/p1/clusters/..%2F..%2Fx%3Fy%23z/restart");
	cr_expect_str_eq(str(entry(log, 0), "query"), "");
	cr_expect_str_eq(str(entry(log, 1), "path"),
	    "/v1.0/p1/clusters/a%2Fb%252Fc%20d/restart");
	/* a bare ".." is refused before anything is sent */
	cr_assert_eq(f.loaded, 0);
	expect_row(&f.t, "row", "2", "invalid", "", "INPUT.FORMAT");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, retries_flaky_rows_until_they_succeed, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const char *m = t_write("flaky.jsonl",
	    "{\"op\":\"css.restart_cluster\",\"project_id\":\"p\","
	    "\"cluster_id\":\"flaky2-a\"}\n"
	    "{\"op\":\"css.restart_cluster\",\"project_id\":\"p\","
	    "\"cluster_id\":\"flaky9-b\"}\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', "--retries", "3", RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	expect_row(&f.t, "cluster_id", "flaky2-a", "succeeded", "200", "");
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "cluster_id",
	    "flaky2-a"), "attempts"), "3");
	expect_row(&f.t, "cluster_id", "flaky9-b", "failed", "503", "SYS.503");
	cr_expect_str_eq(table_get(&f.t, table_find(&f.t, "cluster_id",
	    "flaky9-b"), "attempts"), "4");
	log = sim_log(&f.s);
	cr_expect_eq(cJSON_GetArraySize(log), 3 + 4);
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, dry_run_prints_requests_masks_token_sends_nothing, .timeout = 60)
{
	struct fx f;
	const char *m = t_write("dry.csv",
	    "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\n");
	const char *tok = t_write("token", "s3cr3t-token-value\n");

	fx_start(&f, NULL);
	fx_run(&f, m, NULL, 0, "--dry-run", "--token-file", tok, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.out, "POST http://127.0.0.1:") != NULL, "%s",
	    f.o.out);
	cr_expect(strstr(f.o.out, "/v1.0/p1/clusters/c1/restart") != NULL);
	cr_expect(strstr(f.o.out, "X-Auth-Token: ***") != NULL, "%s",
	    f.o.out);
	cr_expect_null(strstr(f.o.out, "s3cr3t"), "the token is masked");
	cr_expect_null(strstr(f.o.err, "s3cr3t"));
	cr_expect_eq(sim_count(&f.s), 0);
	fx_end(&f);
}

Test(e2e, token_is_sent_but_never_reported, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	char *rep;
	const char *m = t_write("tok.csv",
	    "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\n");
	const char *tok = t_write("token", "s3cr3t-token-value\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", 0, "--token-file", tok, RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	log = sim_log(&f.s);
	cr_expect_str_eq(log_header(entry(log, 0), "X-Auth-Token"),
	    "s3cr3t-token-value");
	rep = t_read(f.report);
	cr_assert_not_null(rep);
	cr_expect_null(strstr(rep, "s3cr3t"));
	cr_expect_null(strstr(f.o.err, "s3cr3t"));
	free(rep);
	cJSON_Delete(log);
	fx_end(&f);
}

Test(e2e, stdin_manifest_and_jsonl_report, .timeout = 60)
{
	struct fx f;
	char *rep;
	cJSON *line, *log;

	fx_start(&f, NULL);
	f.in = "cluster_id\nc-in-1\n";
	fx_run(&f, "-", "r.jsonl", 0, "--op", "css.restart_cluster", "--set",
	    "project_id=p7", RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	rep = t_read(f.report);
	cr_assert_not_null(rep);
	line = cJSON_Parse(rep);
	cr_assert_not_null(line, "one JSON object per line: %s", rep);
	cr_expect_str_eq(cJSON_GetObjectItem(line, "outcome")->valuestring,
	    "succeeded");
	cr_expect(cJSON_IsObject(cJSON_GetObjectItem(line, "response")));
	cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(line,
	    "input"), "cluster_id")->valuestring, "c-in-1");
	log = sim_log(&f.s);
	cr_expect_str_eq(str(entry(log, 0), "path"),
	    "/v1.0/p7/clusters/c-in-1/restart");
	cJSON_Delete(log);
	cJSON_Delete(line);
	free(rep);
	fx_end(&f);
}

Test(e2e, report_keeps_the_manifest_dialect, .timeout = 60)
{
	static const char header[] = "project_id;cluster_id;comment;row;"
	    "line;op;outcome;http_status;error_code;error_msg;attempts;"
	    "elapsed_ms;started_at;finished_at;request_id;response;request_fp\r\n";
	struct fx f;
	char *rep;
	const char *m = t_write("excel.csv",
	    "\xEF\xBB\xBFop;project_id;cluster_id;comment\r\n"
	    "css.restart_cluster;p1;c1;\"two\r\nlines; and a \"\"quote\"\"\"\r\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", 0, RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	rep = t_read(f.report);
	cr_assert_not_null(rep);
	cr_expect(strncmp(rep, "\xEF\xBB\xBF", 3) == 0, "BOM kept");
	cr_expect(strncmp(rep + 3, header, strlen(header)) == 0,
	    "';' kept, manifest columns first: %s", rep);
	cr_expect(strstr(rep, "\"two\r\nlines; and a \"\"quote\"\"\"") != NULL,
	    "the cell survives byte for byte: %s", rep);
	free(rep);
	fx_end(&f);
}

Test(e2e, unreadable_manifests_exit_2, .timeout = 60)
{
	struct out o;
	const char *q = t_write("q.csv",
	    "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,\"c1\n");
	const char *j = t_write("b.json", "[{\"op\": \"css.restart_cluster\",\n"
	    "  \"project_id\": }]\n");
	const char *n = t_write("noop.csv", "project_id,cluster_id\np1,c1\n");
	const char *d = t_write("dup.csv", "op,Cluster_ID,cluster_id\n");

	run_bulkrun(&o, NULL, "run", q, "--endpoint", "http://127.0.0.1:9",
	    NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "q.csv:2: ") != NULL, "%s", o.err);
	out_release(&o);
	run_bulkrun(&o, NULL, "run", j, "--endpoint", "http://127.0.0.1:9",
	    NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "b.json:2: ") != NULL, "%s", o.err);
	out_release(&o);
	run_bulkrun(&o, NULL, "run", n, "--endpoint", "http://127.0.0.1:9",
	    NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "noop.csv:1: ") != NULL, "%s", o.err);
	out_release(&o);
	run_bulkrun(&o, NULL, "run", d, "--endpoint", "http://127.0.0.1:9",
	    NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "dup.csv:1: ") != NULL, "%s", o.err);
	out_release(&o);
	run_bulkrun(&o, NULL, "run", q, "--jobs", "zero", NULL);
	cr_expect_eq(o.status, 2);
	cr_expect(strstr(o.err, "--jobs") != NULL, "%s", o.err);
	out_release(&o);
}

Test(e2e, user_catalog_adds_an_operation, .timeout = 60)
{
	struct fx f;
	struct out o;
	cJSON *log;
	const char *cat = t_write("extra.json",
	    "{\"operations\": [{\"name\": \"my.restart\", \"service\": \"css\","
	    " \"method\": \"POST\","
	    " \"path\": \"/v1.0/{project_id}/clusters/{cluster_id}/restart\","
	    " \"success\": [200], \"response\": [\"jobId\"],"
	    " \"params\": ["
	    "  {\"name\": \"project_id\", \"in\": \"path\", \"type\": \"string\","
	    "   \"required\": true},"
	    "  {\"name\": \"cluster_id\", \"in\": \"path\", \"type\": \"string\","
	    "   \"required\": true}]}]}\n");
	const char *m = t_write("mine.csv", "op,project_id,cluster_id\n"
	    "my.restart,p1,c-user\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ',', "--catalog", cat, RUN_OPTS, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	expect_row(&f.t, "cluster_id", "c-user", "succeeded", "200", "");
	log = sim_log(&f.s);
	cr_expect_str_eq(str(entry(log, 0), "path"),
	    "/v1.0/p1/clusters/c-user/restart");
	cJSON_Delete(log);
	run_bulkrun(&o, NULL, "ops", "my.restart", "--catalog", cat, NULL);
	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, "cluster_id") != NULL, "%s", o.out);
	out_release(&o);
	fx_end(&f);
}

Test(e2e, connection_refused_is_net_connect, .timeout = 60)
{
	struct out o;
	struct table t;
	const char *m = t_write("down.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\n");

	/* port 9 (discard) on loopback: nothing listens there */
	run_bulkrun(&o, NULL, "run", m, "--endpoint", "http://127.0.0.1:9",
	    "-o", t_path("r.csv"), "--retries", "1", RUN_OPTS, NULL);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	expect_row(&t, "cluster_id", "c1", "failed", "", "NET.CONNECT");
	cr_expect_str_eq(table_get(&t, 1, "attempts"), "2");
	table_release(&t);
	out_release(&o);
}

/* Rows in an example manifest, counted without bulkrun; *delim is the
 * CSV delimiter its report keeps (',' for JSON and JSON Lines). */
static size_t
manifest_rows(const char *path, int *delim)
{
	char *text = t_read(path), *p, *nl;
	struct table mt;
	cJSON *j, *ops;
	size_t n = 0;
	const char *ext = strrchr(path, '.');

	cr_assert_not_null(text, "cannot read %s", path);
	cr_assert_not_null(ext, "%s has no extension", path);
	*delim = ',';
	if (strcmp(ext, ".csv") == 0) {
		nl = strchr(text, '\n');
		if (nl != NULL)
			*nl = '\0';
		*delim = strchr(text, ';') ? ';' : strchr(text, '\t') ? '\t' :
		    ',';
		cr_assert_eq(table_load(&mt, path, *delim), 0);
		cr_assert_gt(mt.nrows, 1, "%s has no rows", path);
		n = mt.nrows - 1;
		table_release(&mt);
	} else if (strcmp(ext, ".jsonl") == 0) {
		for (p = text; *p != '\0'; p += strcspn(p, "\n")) {
			p += strspn(p, "\n");
			if (*p != '\0' && strspn(p, " \t\r") < strcspn(p, "\n"))
				n++;
		}
	} else if (strcmp(ext, ".json") == 0) {
		j = cJSON_Parse(text);
		cr_assert_not_null(j, "%s is not JSON", path);
		ops = cJSON_IsArray(j) ? j :
		    cJSON_GetObjectItemCaseSensitive(j, "operations");
		cr_assert(cJSON_IsArray(ops), "%s: no operations", path);
		n = (size_t)cJSON_GetArraySize(ops);
		cJSON_Delete(j);
	} else
		cr_assert_fail("%s: not .csv, .json or .jsonl", path);
	free(text);
	return n;
}

Test(e2e, every_example_manifest_runs_clean, .timeout = 120)
{
	struct fx f;
	struct out o;
	glob_t g;
	char name[64], num[32];
	const char *path, *st;
	size_t i, n, r, k;
	int before, after, delim;

	cr_assert_eq(glob("manifests/examples/*", 0, NULL, &g), 0,
	    "no manifests/examples/* (run from the top of the tree)");
	cr_assert_gt(g.gl_pathc, 0);
	fx_start(&f, NULL);
	for (i = 0; i < g.gl_pathc; i++) {
		path = g.gl_pathv[i];
		n = manifest_rows(path, &delim);
		run_bulkrun(&o, NULL, "validate", path, NULL);
		cr_expect_eq(o.status, 0, "%s: %s", path, o.err);
		out_release(&o);
		before = sim_count(&f.s);
		snprintf(name, sizeof(name), "ex-%zu.csv", i);
		fx_run(&f, path, name, delim, RUN_OPTS, NULL);
		cr_expect_eq(f.o.status, 0, "%s: %s", path, f.o.err);
		after = sim_count(&f.s);
		cr_expect_eq((size_t)(after - before), n,
		    "%s: %zu rows, %d requests", path, n, after - before);
		cr_assert_eq(f.loaded, 0, "%s: no report", path);
		cr_expect_eq(f.t.nrows, n + 1, "%s: %zu rows, %zu in the "
		    "report", path, n, f.t.nrows - 1);
		for (r = 1; r <= n; r++) {
			snprintf(num, sizeof(num), "%zu", r);
			k = table_find(&f.t, "row", num);
			cr_assert_neq(k, 0, "%s: no report row %zu", path, r);
			cr_expect_str_eq(table_get(&f.t, k, "outcome"),
			    "succeeded", "%s row %zu", path, r);
			cr_expect_str_eq(table_get(&f.t, k, "error_code"), "",
			    "%s row %zu", path, r);
			st = table_get(&f.t, k, "http_status");
			cr_expect(strcmp(st, "200") == 0 ||
			    strcmp(st, "204") == 0, "%s row %zu: status %s",
			    path, r, st);
		}
		cr_expect_eq(table_count(&f.t, "succeeded", NULL), n, "%s",
		    path);
	}
	fx_end(&f);
	globfree(&g);
}

Test(e2e, row_endpoint_column_overrides_the_command_line, .timeout = 60)
{
	struct sim s;
	struct out o;
	struct table t;
	char text[512];

	sim_start(&s, NULL);
	snprintf(text, sizeof(text), "op,project_id,cluster_id,endpoint\n"
	    "css.restart_cluster,p1,c-here,%s\n"
	    "css.restart_cluster,p1,c-dead,\n", s.url);
	t_write("ep.csv", text);
	/* the command line points at a port where nothing listens */
	run_bulkrun(&o, NULL, "run", t_path("ep.csv"), "--endpoint",
	    "css=http://127.0.0.1:9", "--retries", "0", "-o", t_path("r.csv"),
	    RUN_OPTS, NULL);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	expect_row(&t, "cluster_id", "c-here", "succeeded", "200", "");
	expect_row(&t, "cluster_id", "c-dead", "failed", "", "NET.CONNECT");
	cr_expect_eq(sim_count(&s), 1);
	table_release(&t);
	out_release(&o);
	sim_stop(&s);
}

Test(e2e, region_fills_the_host_pattern, .timeout = 60)
{
	struct out o;
	const char *m = t_write("reg.csv", "op,project_id,cluster_id,region\n"
	    "css.restart_cluster,p1,c1,\n"
	    "css.restart_cluster,p1,c2,ap-southeast-1\n");

	run_bulkrun(&o, NULL, "run", m, "--region", "eu-de", "--dry-run",
	    NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "POST https://css.eu-de.otc.t-systems.com"
	    "/v1.0/p1/clusters/c1/restart") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "POST https://css.ap-southeast-1."
	    "myhuaweicloud.com/v1.0/p1/clusters/c2/restart") != NULL, "%s",
	    o.out);
	out_release(&o);
}
