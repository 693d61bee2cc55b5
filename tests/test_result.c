/*
 * test_result.c - every answer the API pages document, and the ones a
 * real network sends anyway, map to the right outcome, code and message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "catalog.h"
#include "result.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static int s200[] = { 200 }, s204[] = { 204 };
static char *css_fields[] = { "jobId" };
static char *roma_fields[] = { "message" };
static char *modify_fields[] = { "id", "task_name", "status" };

static struct br_op kafka_restart = {
	.name = "kafka.restart_connector_task", .service = "kafka",
	.success = s204, .nsuccess = 1,
};
static struct br_op kafka_modify = {
	.name = "kafka.modify_connector_task", .service = "kafka",
	.success = s200, .nsuccess = 1,
	.response = modify_fields, .nresponse = N(modify_fields),
};
static struct br_op dataarts = {
	.name = "dataarts.restart_job_instance", .service = "dataarts",
	.success = s204, .nsuccess = 1,
};
static struct br_op roma = {
	.name = "roma.reset_multi_task", .service = "roma",
	.success = s200, .nsuccess = 1,
	.response = roma_fields, .nresponse = N(roma_fields),
};
static struct br_op css = {
	.name = "css.restart_cluster", .service = "css",
	.success = s200, .nsuccess = 1,
	.response = css_fields, .nresponse = N(css_fields),
};

/* An answer with a body (copied, NUL-terminated as http.c gives it). */
static struct br_response
answer(long status, const char *body, size_t len, const char *rid)
{
	struct br_response r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.net = BR_NET_OK;
	if (body != NULL) {
		r.body = malloc(len + 1);
		cr_assert_not_null(r.body);
		memcpy(r.body, body, len);
		r.body[len] = '\0';
		r.len = len;
	}
	r.request_id = rid != NULL ? strdup(rid) : NULL;
	return r;
}

static void
answer_free(struct br_response *r)
{
	free(r->body);
	free(r->request_id);
}

/* Maps one answer; checks every field the mapping fills. */
static void
check(const struct br_op *op, long status, const char *body,
    enum br_outcome outcome, const char *code, const char *msg,
    const char *response)
{
	struct br_response resp = answer(status, body,
	    body != NULL ? strlen(body) : 0, "req-77");
	struct br_result r;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(br_result_from_response(op, &resp, &r), 0);
	cr_assert_eq(r.outcome, outcome, "status %ld: outcome %s", status,
	    br_outcome_name(r.outcome));
	cr_assert_eq(r.http_status, status);
	if (code == NULL)
		cr_assert_null(r.error_code, "got code %s", r.error_code);
	else
		cr_assert_str_eq(r.error_code, code);
	if (msg == NULL)
		cr_assert_null(r.error_msg, "got msg %s", r.error_msg);
	else
		cr_assert_str_eq(r.error_msg, msg);
	if (response == NULL)
		cr_assert_null(r.response, "got response %s", r.response);
	else
		cr_assert_str_eq(r.response, response);
	cr_assert_str_eq(r.request_id, "req-77");
	br_result_release(&r);
	cr_assert_null(r.error_code);
	answer_free(&resp);
}

/* ---- the documented answers ---- */

Test(result, kafka_restart_204)
{
	check(&kafka_restart, 204, NULL, BR_OUT_SUCCEEDED, NULL, NULL, NULL);
	check(&kafka_restart, 204, "", BR_OUT_SUCCEEDED, NULL, NULL, NULL);
}

Test(result, kafka_modify_200_keeps_id_name_status)
{
	/* the example answer of the API page */
	const char *body =
	    "{\n"
	    "\"task_name\" : \"smart-connect-1460978305\",\n"
	    "\"topics\" : \"topic-1643449744\",\n"
	    "\"source_task\" : {\n"
	    "\"current_cluster_name\" : \"A\",\n"
	    "\"cluster_name\" : \"B\",\n"
	    "\"direction\" : \"pull\",\n"
	    "\"bootstrap_servers\" : \"192.168.111.91:9092192.168.111.139:9092"
	    "192.168.111.193:9092\",\n"
	    "\"instance_id\" : \"59d02e58-****-****-****-********\",\n"
	    "\"consumer_strategy\" : \"earliest\",\n"
	    "\"sync_consumer_offsets_enabled\" : false,\n"
	    "\"rename_topic_enabled\" : true,\n"
	    "\"provenance_header_enabled\" : true,\n"
	    "\"security_protocol\" : \"PLAINTEXT\",\n"
	    "\"sasl_mechanism\" : \"PLAIN\",\n"
	    "\"user_name\" : \"\",\n"
	    "\"topics_mapping\" : null,\n"
	    "\"compression_type\" : \"gzip\",\n"
	    "\"task_num\" : 3,\n"
	    "\"replication_factor\" : 3\n"
	    "},\n"
	    "\"source_type\" : \"KAFKA_REPLICATOR_SOURCE\",\n"
	    "\"sink_task\" : null,\n"
	    "\"sink_type\" : \"NONE\",\n"
	    "\"id\" : \"5cf658a2-9157-4b35-b4e6-13ee7a23154b\",\n"
	    "\"status\" : \"RUNNING\",\n"
	    "\"create_time\" : 1764301161335\n"
	    "}";

	check(&kafka_modify, 200, body, BR_OUT_SUCCEEDED, NULL, NULL,
	    "{\"id\":\"5cf658a2-9157-4b35-b4e6-13ee7a23154b\","
	    "\"task_name\":\"smart-connect-1460978305\","
	    "\"status\":\"RUNNING\"}");
}

Test(result, dataarts_204_and_dlf_0137)
{
	check(&dataarts, 204, NULL, BR_OUT_SUCCEEDED, NULL, NULL, NULL);
	check(&dataarts, 400,
	    "{\n    \"error_code\":\"DLF.0137\",\n"
	    "    \"error_msg\":\"Job instance does not exist.\"\n}",
	    BR_OUT_FAILED, "DLF.0137", "Job instance does not exist.", NULL);
}

Test(result, roma_answers)
{
	check(&roma, 200, "{\n  \"message\" : \"Reset Success\"\n}",
	    BR_OUT_SUCCEEDED, NULL, NULL, "{\"message\":\"Reset Success\"}");
	check(&roma, 400, "{\n  \"error_code\" : \"FDI.3150\",\n"
	    "  \"error_msg\" : \"The task list is empty.\"\n}",
	    BR_OUT_FAILED, "FDI.3150", "The task list is empty.", NULL);
	check(&roma, 404, "{\n  \"error_code\" : \"FDI.3083\",\n"
	    "  \"error_msg\" : \"One or more scheduled tasks are not "
	    "configured with scheduled plans.\"\n}",
	    BR_OUT_FAILED, "FDI.3083", "One or more scheduled tasks are not "
	    "configured with scheduled plans.", NULL);
	check(&roma, 500, "{\"error_code\":\"FDI.3000\","
	    "\"error_msg\":\"Internal server error.\"}",
	    BR_OUT_FAILED, "FDI.3000", "Internal server error.", NULL);
	check(&roma, 500, "", BR_OUT_FAILED, "HTTP.500",
	    "Internal Server Error", NULL);
}

Test(result, css_answers)
{
	/* the example answer of the API page, spacing and all */
	check(&css, 200, "{ \n \"jobId\": [  \n"
	    "\"ff8080815fa0fa5e015fa365b6300007\" \n ]\n }",
	    BR_OUT_SUCCEEDED, NULL, NULL,
	    "{\"jobId\":[\"ff8080815fa0fa5e015fa365b6300007\"]}");
	/* 400 BadRequest / 404 NotFound, no error code in the body */
	check(&css, 400, NULL, BR_OUT_FAILED, "HTTP.400", "Bad Request", NULL);
	check(&css, 404, "{\"error_msg\":\"Cluster does not exist.\"}",
	    BR_OUT_FAILED, "HTTP.404", "Cluster does not exist.", NULL);
	check(&css, 404, "Not Found", BR_OUT_FAILED, "HTTP.404", "Not Found",
	    NULL);
}

Test(result, success_without_wanted_fields_or_json)
{
	check(&css, 200, "{\"other\":1}", BR_OUT_SUCCEEDED, NULL, NULL, NULL);
	check(&css, 200, "[\"jobId\"]", BR_OUT_SUCCEEDED, NULL, NULL, NULL);
	check(&css, 200, "<html>ok</html>", BR_OUT_SUCCEEDED, NULL, NULL,
	    NULL);
	check(&roma, 200, "{\"message\":\"Reset Success\"", BR_OUT_SUCCEEDED,
	    NULL, NULL, NULL);
}

Test(result, response_fields_are_copied_exactly)
{
	static char *f[] = { "big", "neg", "esc", "nested", "dup", "u" };
	struct br_op op = { .name = "x.y", .success = s200, .nsuccess = 1,
	    .response = f, .nresponse = N(f) };

	/* catalog order, 64-bit numbers untouched, escapes kept, the
	 * first of duplicate keys, an escaped key found */
	check(&op, 200, "\xef\xbb\xbf { \"dup\" : 1, \"nested\": {\"a\" : [1, "
	    "{\"b\": \"x y\"}], \"c\":null},\"big\":12345678901234567890,"
	    "\"esc\":\"q\\\"\\n\\u00e9\",\"neg\" : -0.5e-3, \"dup\": 2,"
	    "\"\\u0075\":true }",
	    BR_OUT_SUCCEEDED, NULL, NULL,
	    "{\"big\":12345678901234567890,\"neg\":-0.5e-3,"
	    "\"esc\":\"q\\\"\\n\\u00e9\",\"nested\":{\"a\":[1,{\"b\":\"x y\"}],"
	    "\"c\":null},\"dup\":1,\"\\u0075\":true}");
}

Test(result, response_text_is_cleaned)
{
	/* invalid UTF-8 and raw control bytes inside a kept string */
	check(&roma, 200,
	    "{\"message\":\"Reset \xff\xc3 Su\x01" "ccess \xc3\xa9\"}",
	    BR_OUT_SUCCEEDED, NULL, NULL,
	    "{\"message\":\"Reset ?? Su\\u0001ccess \xc3\xa9\"}");
	/* cJSON lets a bad \u escape through; the copy must be JSON */
	check(&roma, 200, "{\"message\":\"a\\u00zz b\\u00e9\\ud83d\\ude00\"}",
	    BR_OUT_SUCCEEDED, NULL, NULL,
	    "{\"message\":\"a?00zz b\\u00e9\\ud83d\\ude00\"}");
}

/* ---- error bodies in other shapes ---- */

Test(result, error_code_and_message_variants)
{
	static const struct {
		const char	*body;
		const char	*code;	/* NULL: none in the body */
		const char	*msg;
	} t[] = {
		{ "{\"errorCode\":\"DMS.10240407\",\"errorMsg\":\"busy\"}",
		  "DMS.10240407", "busy" },
		{ "{\"code\":\"APIG.0308\",\"message\":\"throttled\"}",
		  "APIG.0308", "throttled" },
		{ "{\"error\":{\"code\":\"APIG.0301\",\"message\":\"Incorrect "
		  "IAM authentication information\"}}", "APIG.0301",
		  "Incorrect IAM authentication information" },
		{ "{\"error\":{\"error_code\":\"X.1\",\"error_msg\":\"m1\"}}",
		  "X.1", "m1" },
		{ "{\"code\":400,\"message\":\"numeric\"}", "400", "numeric" },
		{ "{\"code\":-12,\"message\":\"negative\"}", "-12",
		  "negative" },
		{ "{\"code\":1.5,\"message\":\"fraction\"}", "1.5",
		  "fraction" },
		/* key order: error_code before errorCode before code */
		{ "{\"code\":\"C\",\"errorCode\":\"B\",\"error_code\":\"A\","
		  "\"message\":\"M3\",\"errorMsg\":\"M2\","
		  "\"error_msg\":\"M1\"}",
		  "A", "M1" },
		{ "{\"code\":\"C\",\"errorCode\":\"B\"}", "B", NULL },
		/* the top level before one level down */
		{ "{\"error\":{\"error_code\":\"DOWN\",\"error_msg\":\"down\"},"
		  "\"code\":\"TOP\",\"message\":\"top\"}", "TOP", "top" },
		/* code at the top, message one level down */
		{ "{\"error_code\":\"E.1\",\"detail\":{\"message\":\"deep\"}}",
		  "E.1", "deep" },
		/* two levels down is not looked at */
		{ "{\"a\":{\"b\":{\"error_code\":\"DEEP\"}}}", NULL, NULL },
		/* empty, null and boolean codes do not count */
		{ "{\"error_code\":\"\",\"code\":\"REAL\"}", "REAL", NULL },
		{ "{\"error_code\":null,\"code\":true,\"error_msg\":\"x\"}",
		  NULL, "x" },
		{ "{\"error_description\":\"token expired\"}", NULL,
		  "token expired" },
		/* control characters and blank runs in a message */
		{ "{\"error_code\":\"E\\t1\",\"error_msg\":\"  line1\\r\\n\\t"
		  "line2  \"}", "E 1", "line1 line2" },
		{ "[{\"error_code\":\"IN.ARRAY\"}]", NULL, NULL },
		{ "\"just a string\"", NULL, NULL },
	};
	char *code, *msg;
	size_t i;

	for (i = 0; i < N(t); i++) {
		cr_assert_eq(br_result_parse_error(t[i].body,
		    strlen(t[i].body), &code, &msg), 0);
		if (t[i].code == NULL)
			cr_assert_null(code, "case %zu: %s", i, code);
		else
			cr_assert_str_eq(code, t[i].code, "case %zu", i);
		if (t[i].msg == NULL)
			cr_assert_null(msg, "case %zu: %s", i, msg);
		else
			cr_assert_str_eq(msg, t[i].msg, "case %zu", i);
		free(code);
		free(msg);
	}
}

Test(result, failure_without_code_uses_http_status)
{
	check(&roma, 429, "{\"message\":\"slow down\"}", BR_OUT_FAILED,
	    "HTTP.429", "slow down", NULL);
	check(&roma, 503, "", BR_OUT_FAILED, "HTTP.503", "Service Unavailable",
	    NULL);
	check(&roma, 503, " \r\n ", BR_OUT_FAILED, "HTTP.503",
	    "Service Unavailable", NULL);
	check(&roma, 599, NULL, BR_OUT_FAILED, "HTTP.599", "HTTP status 599",
	    NULL);
	check(&roma, 302, "", BR_OUT_FAILED, "HTTP.302", "Found", NULL);
	check(&roma, 401, "{\"error_code\":\"APIG.0301\",\"error_msg\":"
	    "\"Incorrect IAM authentication information\"}", BR_OUT_FAILED,
	    "APIG.0301", "Incorrect IAM authentication information", NULL);
}

Test(result, html_502_gives_a_short_excerpt)
{
	const char *html =
	    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
	    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
	    "</body>\r\n</html>\r\n";

	check(&css, 502, html, BR_OUT_FAILED, "HTTP.502",
	    "<html> <head><title>502 Bad Gateway</title></head> <body> "
	    "<center><h1>502 Bad Gateway</h1></center> </body> </html>", NULL);
}

Test(result, excerpt_is_capped_at_200_bytes)
{
	char body[1001], want[204];
	struct br_response resp;
	struct br_result r;

	memset(body, 'a', 1000);
	body[1000] = '\0';
	memset(want, 'a', 200);
	memcpy(want + 200, "...", 4);
	check(&css, 500, body, BR_OUT_FAILED, "HTTP.500", want, NULL);

	/* a two-byte character that would straddle the cap is left out */
	memset(body, 'b', 199);
	memcpy(body + 199, "\xc3\xa9zzz", 6);
	memset(want, 'b', 199);
	memcpy(want + 199, "...", 4);
	resp = answer(500, body, strlen(body), NULL);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(br_result_from_response(&css, &resp, &r), 0);
	cr_assert_str_eq(r.error_msg, want);
	cr_assert_null(r.request_id);
	br_result_release(&r);
	answer_free(&resp);
}

Test(result, invalid_utf8_and_controls_in_a_body)
{
	check(&css, 502, "\xff\xfe error\x01\x02here \xc3", BR_OUT_FAILED,
	    "HTTP.502", "?? error here ?", NULL);
	check(&css, 400, "{\"error_code\":\"E\xff\",\"error_msg\":\"bad "
	    "\xe2\x82 byte \xe2\x82\xac\"}", BR_OUT_FAILED, "E?",
	    "bad ?? byte \xe2\x82\xac", NULL);
	/* overlong encoding and a surrogate are not valid UTF-8 */
	check(&css, 400, "\xc0\xaf/\xed\xa0\x80", BR_OUT_FAILED, "HTTP.400",
	    "?\?/?\?\?", NULL);
	/* embedded NUL inside the body */
	{
		struct br_response resp = answer(400, "ab\0cd", 5, NULL);
		struct br_result r;

		memset(&r, 0, sizeof(r));
		cr_assert_eq(br_result_from_response(&css, &resp, &r), 0);
		cr_assert_str_eq(r.error_code, "HTTP.400");
		cr_assert_str_eq(r.error_msg, "ab cd");
		br_result_release(&r);
		answer_free(&resp);
	}
}

Test(result, deep_nesting_does_not_crash)
{
	static const size_t depth[] = { 10, 900, 1001, 10000, 100000 };
	struct br_response resp;
	struct br_result r;
	char *body, *code, *msg;
	size_t i, k, n;

	for (i = 0; i < N(depth); i++) {
		n = depth[i];
		body = malloc(2 * n + 32);
		cr_assert_not_null(body);
		/* {"jobId":[[[...]]]} and a bare [[[... */
		strcpy(body, "{\"jobId\":");
		for (k = 0; k < n; k++)
			body[9 + k] = '[';
		for (k = 0; k < n; k++)
			body[9 + n + k] = ']';
		strcpy(body + 9 + 2 * n, "}");
		resp = answer(200, body, strlen(body), NULL);
		memset(&r, 0, sizeof(r));
		cr_assert_eq(br_result_from_response(&css, &resp, &r), 0);
		cr_assert_eq(r.outcome, BR_OUT_SUCCEEDED);
		if (n < 1000) {	/* within cJSON's nesting limit */
			cr_assert_not_null(r.response);
			cr_assert_eq(strlen(r.response), 2 * n + 10);
		} else {
			cr_assert_null(r.response);
		}
		br_result_release(&r);
		answer_free(&resp);

		memset(body, '[', n);
		body[n] = '\0';
		resp = answer(400, body, n, NULL);
		memset(&r, 0, sizeof(r));
		cr_assert_eq(br_result_from_response(&css, &resp, &r), 0);
		cr_assert_eq(r.outcome, BR_OUT_FAILED);
		cr_assert_str_eq(r.error_code, "HTTP.400");
		cr_assert_eq(strncmp(r.error_msg, "[[[[", 4), 0);
		cr_assert_leq(strlen(r.error_msg), 203);
		br_result_release(&r);
		answer_free(&resp);
		cr_assert_eq(br_result_parse_error(body, n, &code, &msg), 0);
		cr_assert_null(code);
		cr_assert_null(msg);
		free(body);
	}
}

Test(result, truncated_answers)
{
	static const char cut[] = "{\"error_code\":\"X.1\",\"error_msg\":\"aaa";
	static const char whole[] = "{\"error_code\":\"X.1\",\"error_msg\":"
	    "\"boom\"}";
	struct br_response resp;
	struct br_result r;

	resp = answer(500, cut, strlen(cut), NULL);
	resp.truncated = 1;
	memset(&r, 0, sizeof(r));
	cr_assert_eq(br_result_from_response(&roma, &resp, &r), 0);
	cr_assert_eq(r.outcome, BR_OUT_FAILED);
	/* the code came whole before the cut: it is kept */
	cr_assert_str_eq(r.error_code, "X.1");
	cr_assert_str_eq(r.error_msg, "{\"error_code\":\"X.1\",\"error_msg\":"
	    "\"aaa (answer cut at 1 MiB)");
	br_result_release(&r);
	answer_free(&resp);

	/* a code that parsed is kept; the message still says it was cut */
	resp = answer(500, whole, strlen(whole), NULL);
	resp.truncated = 1;
	cr_assert_eq(br_result_from_response(&roma, &resp, &r), 0);
	cr_assert_str_eq(r.error_code, "X.1");
	cr_assert_str_eq(r.error_msg, "boom (answer cut at 1 MiB)");
	br_result_release(&r);
	answer_free(&resp);

	/* a cut success is still a success */
	resp = answer(200, "{\"message\":\"Reset", 17, NULL);
	resp.truncated = 1;
	cr_assert_eq(br_result_from_response(&roma, &resp, &r), 0);
	cr_assert_eq(r.outcome, BR_OUT_SUCCEEDED);
	cr_assert_null(r.error_code);
	cr_assert_null(r.error_msg);
	cr_assert_null(r.response);
	br_result_release(&r);
	answer_free(&resp);
}

Test(result, network_failures)
{
	static const struct {
		enum br_net	 net;
		const char	*net_msg;
		const char	*code;
		const char	*msg;
	} t[] = {
		{ BR_NET_CONNECT, "Failed to connect to 127.0.0.1 port 9: "
		  "Connection refused", "NET.CONNECT", "Failed to connect to "
		  "127.0.0.1 port 9: Connection refused" },
		{ BR_NET_TIMEOUT, "Operation timed out after 30000 "
		  "milliseconds", "NET.TIMEOUT", "Operation timed out after "
		  "30000 milliseconds" },
		{ BR_NET_NO_ANSWER, "Empty reply from server",
		  "NET.NO_ANSWER", "Empty reply from server" },
		{ BR_NET_DNS, "Could not resolve host: css.x\n", "NET.DNS",
		  "Could not resolve host: css.x" },
		{ BR_NET_TLS, "", "NET.TLS",
		  "TLS handshake or certificate check failed" },
		{ BR_NET_OTHER, "", "NET.OTHER", "network error" },
		{ BR_NET_CONNECT, "", "NET.CONNECT", "could not connect" },
	};
	struct br_response resp;
	struct br_result r;
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(&resp, 0, sizeof(resp));
		resp.net = t[i].net;
		snprintf(resp.net_msg, sizeof(resp.net_msg), "%s",
		    t[i].net_msg);
		memset(&r, 0, sizeof(r));
		cr_assert_eq(br_result_from_response(&css, &resp, &r), 0);
		cr_assert_eq(r.outcome, BR_OUT_FAILED);
		cr_assert_eq(r.http_status, 0);
		cr_assert_str_eq(r.error_code, t[i].code, "case %zu", i);
		cr_assert_str_eq(r.error_msg, t[i].msg, "case %zu", i);
		cr_assert_null(r.response);
		br_result_release(&r);
	}
}

Test(result, success_codes_decide)
{
	struct br_op any = { .name = "x.any" };

	/* a 2xx the operation does not document is not a success */
	check(&kafka_restart, 200, "{\"id\":1}", BR_OUT_FAILED, "HTTP.200",
	    "unexpected success status 200 for kafka.restart_connector_task",
	    NULL);
	check(&css, 202, "{\"error_code\":\"NOT.THIS\"}", BR_OUT_FAILED,
	    "HTTP.202", "unexpected success status 202 for "
	    "css.restart_cluster", NULL);
	/* no success list: any 2xx */
	check(&any, 200, "{}", BR_OUT_SUCCEEDED, NULL, NULL, NULL);
	check(&any, 299, NULL, BR_OUT_SUCCEEDED, NULL, NULL, NULL);
	check(&any, 300, NULL, BR_OUT_FAILED, "HTTP.300", "Multiple Choices",
	    NULL);
	check(&any, 199, NULL, BR_OUT_FAILED, "HTTP.199", "HTTP status 199",
	    NULL);
}

Test(result, reuse_replaces_the_earlier_answer)
{
	struct br_response a = answer(503, "", 0, "rid-1");
	struct br_response b = answer(200, "{\"message\":\"Reset Success\"}",
	    27, "rid-2");
	struct br_result r;

	memset(&r, 0, sizeof(r));
	r.attempts = 2;
	cr_assert_eq(br_result_from_response(&roma, &a, &r), 0);
	cr_assert_str_eq(r.error_code, "HTTP.503");
	cr_assert_eq(br_result_from_response(&roma, &b, &r), 0);
	cr_assert_eq(r.outcome, BR_OUT_SUCCEEDED);
	cr_assert_null(r.error_code);
	cr_assert_null(r.error_msg);
	cr_assert_str_eq(r.request_id, "rid-2");
	cr_assert_str_eq(r.response, "{\"message\":\"Reset Success\"}");
	cr_assert_eq(r.attempts, 2);	/* the caller's */
	br_result_release(&r);
	answer_free(&a);
	answer_free(&b);
}

Test(result, request_id_is_cleaned_and_capped)
{
	char long_id[600];
	struct br_response resp;
	struct br_result r;

	memset(long_id, 'r', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	resp = answer(204, NULL, 0, long_id);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(br_result_from_response(&dataarts, &resp, &r), 0);
	cr_assert_eq(strlen(r.request_id), 256 + 3);
	br_result_release(&r);
	answer_free(&resp);

	resp = answer(204, NULL, 0, "  id\x01with\tcontrol ");
	cr_assert_eq(br_result_from_response(&dataarts, &resp, &r), 0);
	cr_assert_str_eq(r.request_id, "id with control");
	br_result_release(&r);
	answer_free(&resp);
}

Test(result, outcome_names)
{
	static const struct {
		enum br_outcome	 o;
		const char	*name;
	} t[] = {
		{ BR_OUT_SUCCEEDED, "succeeded" }, { BR_OUT_FAILED, "failed" },
		{ BR_OUT_INVALID, "invalid" }, { BR_OUT_SKIPPED, "skipped" },
		{ BR_OUT_CANCELLED, "cancelled" }, { (enum br_outcome)0,
		  "unknown" },
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		cr_assert_str_eq(br_outcome_name(t[i].o), t[i].name);
}

Test(result, set_copies_and_replaces)
{
	struct br_result r;
	char code[] = "INPUT.MISSING", msg[] = "'task_id' is required";

	memset(&r, 0, sizeof(r));
	cr_assert_eq(br_result_set(&r, BR_OUT_INVALID, code, msg), 0);
	code[0] = 'X';
	msg[0] = 'X';
	cr_assert_eq(r.outcome, BR_OUT_INVALID);
	cr_assert_str_eq(r.error_code, "INPUT.MISSING");
	cr_assert_str_eq(r.error_msg, "'task_id' is required");
	cr_assert_eq(br_result_set(&r, BR_OUT_SKIPPED, "SKIPPED.AUTH", NULL),
	    0);
	cr_assert_eq(r.outcome, BR_OUT_SKIPPED);
	cr_assert_str_eq(r.error_code, "SKIPPED.AUTH");
	cr_assert_null(r.error_msg);
	br_result_release(&r);
	cr_assert_null(r.error_code);
	cr_assert_eq(r.outcome, 0);
}

/* An error answer over the cap: its code is read from what came whole. */
Test(result, a_cut_error_body_keeps_its_code)
{
	static const char head[] = "{\"error_code\":\"SYS.500\","
	    "\"error_msg\":\"Internal Server Error\",\"detail\":\"xxxxxxxx";
	struct br_response resp;
	struct br_result r;

	memset(&resp, 0, sizeof(resp));
	resp.status = 500;
	resp.body = strdup(head);
	resp.len = strlen(head);
	resp.truncated = 1;
	memset(&r, 0, sizeof(r));
	cr_assert_eq(br_result_from_response(&css, &resp, &r), 0);
	cr_assert_str_eq(r.error_code, "SYS.500");
	cr_assert(strstr(r.error_msg, "Internal Server Error") != NULL, "%s",
	    r.error_msg);
	cr_assert(strstr(r.error_msg, "cut at 1 MiB") != NULL, "%s",
	    r.error_msg);
	br_result_release(&r);
	free(resp.body);
}
