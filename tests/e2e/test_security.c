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
	struct fx f;
	cJSON *log;
	const char *m = t_css_manifest("t.csv", 2, "c-%d");

	fx_start(&f, "--token", "env-token-4242", NULL);
	setenv("BULKRUN_AUTH_TOKEN", "env-token-4242", 1);
	fx_run(&f, m, "r.csv", 0, QUICK, NULL);
	unsetenv("BULKRUN_AUTH_TOKEN");
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	log = sim_log(&f.s);
	cr_expect_str_eq(log_header(cJSON_GetArrayItem(log, 0), "X-Auth-Token"),
	    "env-token-4242");
	expect_secret_nowhere(&f.o, f.report, "env-token-4242");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(security, token_file_readable_by_others_is_warned_about,
    .timeout = 60)
{
	struct fx f;
	const char *m = t_css_manifest("w.csv", 1, "c-%d");
	const char *tok = t_write("tok", "file-token-77\n");

	cr_assert_eq(chmod(tok, 0644), 0);
	fx_start(&f, "--token", "file-token-77", NULL);
	fx_run(&f, m, "r.csv", 0, "--token-file", tok, QUICK, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "readable by others") != NULL, "%s",
	    f.o.err);
	expect_secret_nowhere(&f.o, f.report, "file-token-77");
	cr_assert_eq(chmod(tok, 0600), 0);
	fx_run(&f, m, "r.csv", 0, "--token-file", tok, QUICK, NULL);
	cr_expect_null(strstr(f.o.err, "readable by others"), "%s", f.o.err);
	fx_end(&f);
}

Test(security, aksk_signs_every_request_and_retry, .timeout = 60)
{
	struct fx f;
	cJSON *log;
	const cJSON *e;
	const char *m = t_write("ak.csv", "op,project_id,job_name,instance_id,"
	    "workspace\n"
	    "dataarts.restart_job_instance,p1,job_a,1,ws-1\n"
	    "dataarts.restart_job_instance,p1,flaky1-job_b,2,\n");

	fx_start(&f, "--aksk", "AKTESTAKTEST:SKsecretSKsecret", NULL);
	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "SKsecretSKsecret", 1);
	setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sts-token-secret-5", 1);
	fx_run(&f, m, "r.csv", ',', QUICK, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 2);
	log = sim_log(&f.s);
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
	expect_secret_nowhere(&f.o, f.report, "SKsecretSKsecret");
	expect_secret_nowhere(&f.o, f.report, "sts-token-secret-5");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(security, wrong_sk_fails_first_row_skips_the_rest, .timeout = 60)
{
	struct fx f;
	const char *m = t_css_manifest("bad-sk.csv", 5, "c-%d");

	fx_start(&f, "--aksk", "AKTESTAKTEST:SKsecretSKsecret", NULL);
	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "wrong-secret-key-999", 1);
	fx_run(&f, m, "r.csv", ',', "-j", "1", QUICK, NULL);
	cr_expect_eq(f.o.status, 3, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 1, "one bad signature, no retry");
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "failed", "APIG.0301"), 1);
	cr_expect_eq(table_count(&f.t, "skipped", "SKIPPED.AUTH"), 4);
	expect_secret_nowhere(&f.o, f.report, "wrong-secret-key-999");
	fx_end(&f);
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
	struct fx f;
	cJSON *log;
	const cJSON *e;
	int ntok = 0, napi = 0;
	const char *m = t_css_manifest("pw.csv", 6, "c-%d");

	/* each token is good for 3 API requests, then answers 401 */
	fx_start(&f, "--iam-user", "alice:Pa55word-xyz",
	    "--expire-tokens-after", "3", NULL);
	setenv("OS_AUTH_URL", f.s.url, 1);
	setenv("OS_USERNAME", "alice", 1);
	setenv("OS_PASSWORD", "Pa55word-xyz", 1);
	setenv("OS_USER_DOMAIN_NAME", "alice-domain", 1);
	setenv("OS_PROJECT_ID", "p1", 1);
	fx_run(&f, m, "r.csv", ',', "-j", "1", QUICK, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 6);
	log = sim_log(&f.s);
	cJSON_ArrayForEach(e, log) {
		if (strstr(cJSON_GetObjectItem(e, "path")->valuestring,
		    "/v3/auth/tokens") != NULL)
			ntok++;
		else
			napi++;
	}
	cr_expect_eq(ntok, 2, "fetched once, refreshed once");
	cr_expect_eq(napi, 7, "6 rows, one retried after the refresh");
	expect_secret_nowhere(&f.o, f.report, "Pa55word-xyz");
	cJSON_Delete(log);
	fx_end(&f);
}

Test(security, password_flow_wrong_password_sends_no_api_call,
    .timeout = 60)
{
	struct fx f;
	const char *m = t_css_manifest("pw2.csv", 3, "c-%d");

	fx_start(&f, "--iam-user", "alice:Pa55word-xyz", NULL);
	setenv("OS_AUTH_URL", f.s.url, 1);
	setenv("OS_USERNAME", "alice", 1);
	setenv("OS_PASSWORD", "not-the-password", 1);
	setenv("OS_USER_DOMAIN_NAME", "alice-domain", 1);
	setenv("OS_PROJECT_ID", "p1", 1);
	fx_run(&f, m, "r.csv", ',', QUICK, NULL);
	cr_expect_eq(f.o.status, 3, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 1, "only the token request");
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "skipped", "SKIPPED.AUTH"), 3,
	    "every row accounted for");
	cr_expect(strstr(f.o.err, "401") != NULL, "%s", f.o.err);
	expect_secret_nowhere(&f.o, f.report, "not-the-password");
	fx_end(&f);
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
	struct fx f;
	const char *m = t_css_manifest("tls.csv", 1, "c-%d");

	make_certs();
	fx_start(&f, "--tls", t_path("srv.pem"), t_path("srv.key"), NULL);
	cr_assert(strncmp(f.s.url, "https://", 8) == 0, "%s", f.s.url);
	/* unknown CA: NET.TLS with the reason, not retried forever */
	fx_run(&f, m, "r.csv", ',', "--retries", "0", QUICK, NULL);
	cr_expect_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_str_eq(table_get(&f.t, 1, "error_code"), "NET.TLS");
	cr_expect_neq(strlen(table_get(&f.t, 1, "error_msg")), 0);
	/* --cacert adds the CA */
	fx_run(&f, m, "r.csv", 0, "--cacert", t_path("ca.pem"), QUICK, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	/* --insecure works, and says it is dangerous */
	fx_run(&f, m, "r.csv", 0, "--insecure", QUICK, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "warning") != NULL, "%s", f.o.err);
	fx_end(&f);
}

Test(security, date_refusal_says_the_clock_is_skewed, .timeout = 60)
{
	struct fx f;
	const char *st = t_write("state.json", "{\"c-1\": {\"status\": 401, "
	    "\"body\": {\"error_code\": \"APIG.0301\", \"error_msg\": "
	    "\"Incorrect IAM authentication information: x-sdk-date expired "
	    "or invalid\"}}}");
	const char *m = t_css_manifest("skew.csv", 3, "c-%d");

	fx_start(&f, "--state", st, NULL);
	setenv("HUAWEICLOUD_SDK_AK", "AKTESTAKTEST", 1);
	setenv("HUAWEICLOUD_SDK_SK", "SKsecretSKsecret", 1);
	fx_run(&f, m, "r.csv", 0, "-j", "1", QUICK, NULL);
	cr_expect_eq(f.o.status, 3, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "clock") != NULL, "%s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 1);
	fx_end(&f);
}

Test(security, control_characters_in_a_header_value_send_nothing,
    .timeout = 60)
{
	struct fx f;
	const char *m = t_write("hdr.csv", "op,project_id,job_name,instance_id,"
	    "workspace\n"
	    "dataarts.restart_job_instance,p1,j1,1,ws-1\n"
	    "dataarts.restart_job_instance,p1,j2,2,\"ws\r\nX-Evil: 1\"\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", 0, QUICK, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "hdr.csv:3: ") != NULL, "%s", f.o.err);
	cr_expect(strstr(f.o.err, "control character") != NULL, "%s",
	    f.o.err);
	cr_expect_eq(sim_count(&f.s), 0);
	fx_end(&f);
}
