/*
 * End to end: authentication (IAM token, password-to-token with refresh,
 * AK/SK signatures), TLS, and secrets kept out of every output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "harness.h"

#define QUICK "--rate", "unlimited", "--backoff", "10ms"

/* Fails when secret appears in any output of the run. */
static void
expect_secret_nowhere(const struct out *o, const char *report,
    const char *secret)
{
	char *rep = t_read(report);

	cr_expect_null(strstr(o->out ? o->out : "", secret),
	    "secret on stdout");
	cr_expect_null(strstr(o->err ? o->err : "", secret),
	    "secret on stderr");
	if (rep != NULL)
		cr_expect_null(strstr(rep, secret), "secret in the report");
	free(rep);
}

Test(security, token_from_environment_is_sent_and_hidden, .timeout = 60)
{
	struct sim s;
	struct out o;
	cJSON *log;
	const char *m = t_css_manifest("t.csv", 2, "c-%d");

	sim_start(&s, "--token", "env-token-4242", NULL);
	setenv("BULKRUN_AUTH_TOKEN", "env-token-4242", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), QUICK, NULL);
	unsetenv("BULKRUN_AUTH_TOKEN");
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	log = sim_log(&s);
	cr_expect_str_eq(log_header(cJSON_GetArrayItem(log, 0), "X-Auth-Token"),
	    "env-token-4242");
	expect_secret_nowhere(&o, t_path("r.csv"), "env-token-4242");
	cJSON_Delete(log);
	out_release(&o);
	sim_stop(&s);
}

Test(security, token_file_readable_by_others_is_warned_about,
    .timeout = 60)
{
	struct sim s;
	struct out o;
	const char *m = t_css_manifest("w.csv", 1, "c-%d");
	const char *tok = t_write("tok", "file-token-77\n");

	cr_assert_eq(chmod(tok, 0644), 0);
	sim_start(&s, "--token", "file-token-77", NULL);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "--token-file", tok, QUICK, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "readable by others") != NULL, "%s", o.err);
	expect_secret_nowhere(&o, t_path("r.csv"), "file-token-77");
	out_release(&o);
	cr_assert_eq(chmod(tok, 0600), 0);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "--token-file", tok, QUICK, NULL);
	cr_expect_null(strstr(o.err, "readable by others"), "%s", o.err);
	out_release(&o);
	sim_stop(&s);
}

Test(security, aksk_signs_every_request_and_retry, .timeout = 60)
{
	struct sim s;
	struct out o;
	struct table t;
	cJSON *log;
	const cJSON *e;
	const char *m = t_write("ak.csv", "op,project_id,job_name,instance_id,"
	    "workspace\n"
	    "dataarts.restart_job_instance,p1,job_a,1,ws-1\n"
	    "dataarts.restart_job_instance,p1,flaky1-job_b,2,\n");

	sim_start(&s, "--aksk", "AKTESTAKTEST:SKsecretSKsecret", NULL);
	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "SKsecretSKsecret", 1);
	setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sts-token-secret-5", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), QUICK, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	cr_expect_eq(table_count(&t, "succeeded", NULL), 2);
	log = sim_log(&s);
	cr_expect_eq(cJSON_GetArraySize(log), 3, "the flaky row twice");
	cJSON_ArrayForEach(e, log) {
		cr_expect(strncmp(log_header(e, "Authorization"),
		    "SDK-HMAC-SHA256 Access=AKTESTAKTEST, SignedHeaders=",
		    50) == 0, "%s", log_header(e, "Authorization"));
		cr_expect_not_null(log_header(e, "X-Sdk-Date"));
		cr_expect_str_eq(log_header(e, "X-Project-Id"), "p1");
		cr_expect_str_eq(log_header(e, "X-Security-Token"),
		    "sts-token-secret-5");
		cr_expect(strstr(log_header(e, "Authorization"),
		    "x-security-token") != NULL, "the token is signed");
	}
	expect_secret_nowhere(&o, t_path("r.csv"), "SKsecretSKsecret");
	expect_secret_nowhere(&o, t_path("r.csv"), "sts-token-secret-5");
	table_release(&t);
	cJSON_Delete(log);
	out_release(&o);
	sim_stop(&s);
}

Test(security, wrong_sk_fails_first_row_skips_the_rest, .timeout = 60)
{
	struct sim s;
	struct out o;
	struct table t;
	const char *m = t_css_manifest("bad-sk.csv", 5, "c-%d");

	sim_start(&s, "--aksk", "AKTESTAKTEST:SKsecretSKsecret", NULL);
	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "wrong-secret-key-999", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "-j", "1", QUICK, NULL);
	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.err);
	cr_expect_eq(sim_count(&s), 1, "one bad signature, no retry");
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	cr_expect_eq(table_count(&t, "failed", "APIG.0301"), 1);
	cr_expect_eq(table_count(&t, "skipped", "SKIPPED.AUTH"), 4);
	expect_secret_nowhere(&o, t_path("r.csv"), "wrong-secret-key-999");
	table_release(&t);
	out_release(&o);
	sim_stop(&s);
}

Test(security, dry_run_masks_the_signature_and_token, .timeout = 60)
{
	struct out o;
	const char *m = t_css_manifest("dry.csv", 1, "c-%d");

	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "SKsecretSKsecret", 1);
	setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sts-token-secret-5", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", "http://127.0.0.1:9",
	    "--dry-run", NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, "Authorization: ***") != NULL, "%s", o.out);
	cr_expect(strstr(o.out, "X-Security-Token: ***") != NULL, "%s",
	    o.out);
	expect_secret_nowhere(&o, "/nonexistent", "SKsecretSKsecret");
	expect_secret_nowhere(&o, "/nonexistent", "sts-token-secret-5");
	out_release(&o);
}

Test(security, password_flow_gets_and_refreshes_the_token, .timeout = 60)
{
	struct sim s;
	struct out o;
	struct table t;
	cJSON *log;
	const cJSON *e;
	int ntok = 0, napi = 0;
	const char *m = t_css_manifest("pw.csv", 6, "c-%d");

	/* each token is good for 3 API requests, then answers 401 */
	sim_start(&s, "--iam-user", "alice:Pa55word-xyz",
	    "--expire-tokens-after", "3", NULL);
	setenv("OS_AUTH_URL", s.url, 1);
	setenv("OS_USERNAME", "alice", 1);
	setenv("OS_PASSWORD", "Pa55word-xyz", 1);
	setenv("OS_USER_DOMAIN_NAME", "alice-domain", 1);
	setenv("OS_PROJECT_ID", "p1", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "-j", "1", QUICK, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	cr_expect_eq(table_count(&t, "succeeded", NULL), 6);
	log = sim_log(&s);
	cJSON_ArrayForEach(e, log) {
		if (strstr(cJSON_GetObjectItem(e, "path")->valuestring,
		    "/v3/auth/tokens") != NULL)
			ntok++;
		else
			napi++;
	}
	cr_expect_eq(ntok, 2, "fetched once, refreshed once");
	cr_expect_eq(napi, 7, "6 rows, one retried after the refresh");
	expect_secret_nowhere(&o, t_path("r.csv"), "Pa55word-xyz");
	table_release(&t);
	cJSON_Delete(log);
	out_release(&o);
	sim_stop(&s);
}

Test(security, password_flow_wrong_password_sends_no_api_call,
    .timeout = 60)
{
	struct sim s;
	struct out o;
	struct table t;
	const char *m = t_css_manifest("pw2.csv", 3, "c-%d");

	sim_start(&s, "--iam-user", "alice:Pa55word-xyz", NULL);
	setenv("OS_AUTH_URL", s.url, 1);
	setenv("OS_USERNAME", "alice", 1);
	setenv("OS_PASSWORD", "not-the-password", 1);
	setenv("OS_USER_DOMAIN_NAME", "alice-domain", 1);
	setenv("OS_PROJECT_ID", "p1", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), QUICK, NULL);
	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.err);
	cr_expect_eq(sim_count(&s), 1, "only the token request");
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	cr_expect_eq(table_count(&t, "skipped", "SKIPPED.AUTH"), 3,
	    "every row accounted for");
	table_release(&t);
	cr_expect(strstr(o.err, "401") != NULL, "%s", o.err);
	expect_secret_nowhere(&o, t_path("r.csv"), "not-the-password");
	out_release(&o);
	sim_stop(&s);
}

/* A throw-away CA and a certificate for 127.0.0.1, made with openssl. */
static void
make_certs(void)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
	    "-subj /CN=bulkrun-test-ca -keyout ca.key -out ca.pem "
	    ">/dev/null 2>&1 && "
	    "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
	    "-keyout srv.key -out srv.csr >/dev/null 2>&1 && "
	    "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext && "
	    "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key "
	    "-CAcreateserial -days 2 -extfile ext -out srv.pem "
	    ">/dev/null 2>&1", t_dir());
	cr_assert_eq(system(cmd), 0, "openssl could not make certificates");
}

Test(security, tls_verified_by_default_cacert_and_insecure, .timeout = 90)
{
	struct sim s;
	struct out o;
	struct table t;
	const char *m = t_css_manifest("tls.csv", 1, "c-%d");

	make_certs();
	sim_start(&s, "--tls", t_path("srv.pem"), t_path("srv.key"), NULL);
	cr_assert(strncmp(s.url, "https://", 8) == 0, "%s", s.url);
	/* unknown CA: NET.TLS with the reason, not retried forever */
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "--retries", "0", QUICK, NULL);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	cr_expect_str_eq(table_get(&t, 1, "error_code"), "NET.TLS");
	cr_expect_neq(strlen(table_get(&t, 1, "error_msg")), 0);
	table_release(&t);
	out_release(&o);
	/* --cacert adds the CA */
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "--cacert", t_path("ca.pem"), QUICK, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	out_release(&o);
	/* --insecure works, and says it is dangerous */
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "--insecure", QUICK, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "warning") != NULL, "%s", o.err);
	out_release(&o);
	sim_stop(&s);
}

Test(security, date_refusal_says_the_clock_is_skewed, .timeout = 60)
{
	struct sim s;
	struct out o;
	const char *st = t_write("state.json", "{\"c-1\": {\"status\": 401, "
	    "\"body\": {\"error_code\": \"APIG.0301\", \"error_msg\": "
	    "\"Incorrect IAM authentication information: x-sdk-date expired "
	    "or invalid\"}}}");
	const char *m = t_css_manifest("skew.csv", 3, "c-%d");

	sim_start(&s, "--state", st, NULL);
	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "SKsecretSKsecret", 1);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), "-j", "1", QUICK, NULL);
	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "clock") != NULL, "%s", o.err);
	cr_expect_eq(sim_count(&s), 1);
	out_release(&o);
	sim_stop(&s);
}

Test(security, control_characters_in_a_header_value_send_nothing,
    .timeout = 60)
{
	struct sim s;
	struct out o;
	const char *m = t_write("hdr.csv", "op,project_id,job_name,instance_id,"
	    "workspace\n"
	    "dataarts.restart_job_instance,p1,j1,1,ws-1\n"
	    "dataarts.restart_job_instance,p1,j2,2,\"ws\r\nX-Evil: 1\"\n");

	sim_start(&s, NULL);
	run_bulkrun(&o, NULL, "run", m, "--endpoint", s.url, "-o",
	    t_path("r.csv"), QUICK, NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "hdr.csv:3: ") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "control character") != NULL, "%s", o.err);
	cr_expect_eq(sim_count(&s), 0);
	out_release(&o);
	sim_stop(&s);
}
