/*
 * test_request.c - rows bound to the five operations become the right
 * method, URL, headers and body; values cannot leave their place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "request.h"

#define P(n, where, t)	{ .name = n, .wire = n, .in = where, .type = t, \
			  .min_length = -1, .max_length = -1 }
#define N(a)		(sizeof(a) / sizeof((a)[0]))

/* ---- the five operations, as the catalog describes them (abridged) ---- */

static struct br_param kafka_restart_p[] = {
	P("project_id", BR_IN_PATH, BR_T_STRING),
	P("instance_id", BR_IN_PATH, BR_T_STRING),
	P("task_id", BR_IN_PATH, BR_T_STRING),
};
static struct br_op kafka_restart = {
	.name = "kafka.restart_connector_task", .service = "kafka",
	.method = "PUT",
	.path = "/v2/{project_id}/kafka/instances/{instance_id}/connector/"
	    "tasks/{task_id}/restart",
	.params = kafka_restart_p, .nparams = N(kafka_restart_p),
};

static struct br_param kafka_modify_p[] = {
	P("project_id", BR_IN_PATH, BR_T_STRING),
	P("instance_id", BR_IN_PATH, BR_T_STRING),
	P("task_id", BR_IN_PATH, BR_T_STRING),
	P("task_name", BR_IN_BODY, BR_T_STRING),
	P("topics", BR_IN_BODY, BR_T_STRING),
	P("source_task.instance_id", BR_IN_BODY, BR_T_STRING),
	P("source_task.sync_consumer_offsets_enabled", BR_IN_BODY,
	    BR_T_BOOLEAN),
	P("source_task.task_num", BR_IN_BODY, BR_T_INTEGER),
	P("source_task.compression_type", BR_IN_BODY, BR_T_STRING),
	P("sink_type", BR_IN_BODY, BR_T_STRING),
	P("create_time", BR_IN_BODY, BR_T_LONG),
};
static struct br_op kafka_modify = {
	.name = "kafka.modify_connector_task", .service = "kafka",
	.method = "PUT",
	.path = "/v2/{project_id}/instances/{instance_id}/connector/tasks/"
	    "{task_id}",
	.params = kafka_modify_p, .nparams = N(kafka_modify_p),
};

static struct br_param dataarts_p[] = {
	P("project_id", BR_IN_PATH, BR_T_STRING),
	P("job_name", BR_IN_PATH, BR_T_STRING),
	P("instance_id", BR_IN_PATH, BR_T_LONG),
	P("workspace", BR_IN_HEADER, BR_T_STRING),
};
static struct br_op dataarts = {
	.name = "dataarts.restart_job_instance", .service = "dataarts",
	.method = "POST",
	.path = "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}/"
	    "restart",
	.params = dataarts_p, .nparams = N(dataarts_p),
};

static struct br_param roma_p[] = {
	P("project_id", BR_IN_PATH, BR_T_STRING),
	P("instance_id", BR_IN_PATH, BR_T_STRING),
	P("task_id", BR_IN_PATH, BR_T_STRING),
	P("date_from", BR_IN_BODY, BR_T_EPOCH_MS),
};
static struct br_op roma = {
	.name = "roma.reset_multi_task", .service = "roma", .method = "POST",
	.path = "/v2/{project_id}/fdi/instances/{instance_id}/multi-tasks/"
	    "{task_id}/reset",
	.params = roma_p, .nparams = N(roma_p),
};

static struct br_param css_p[] = {
	P("project_id", BR_IN_PATH, BR_T_STRING),
	P("cluster_id", BR_IN_PATH, BR_T_STRING),
};
static struct br_op css = {
	.name = "css.restart_cluster", .service = "css", .method = "POST",
	.path = "/v1.0/{project_id}/clusters/{cluster_id}/restart",
	.params = css_p, .nparams = N(css_p),
};

static struct br_service services[] = {
	{ .name = "kafka",
	  .endpoint = "https://dms.{region}.myhuaweicloud.com" },
	{ .name = "dataarts",
	  .endpoint = "https://dayu.{region}.myhuaweicloud.com" },
	{ .name = "roma",
	  .endpoint = "https://roma.{region}.myhuaweicloud.com" },
	{ .name = "css", .endpoint = "https://css.{region}.myhuaweicloud.com" },
	{ .name = "fixed", .endpoint = "https://fixed.example.com/api/" },
};
static struct br_catalog cat = {
	.services = services, .nservices = N(services),
};

#define BASE	"http://127.0.0.1:8080"

static struct br_bound
bound(const struct br_op *op, struct br_arg *args, size_t n)
{
	struct br_bound b = { .op = op, .args = args, .nargs = n };

	return b;
}

static void
build_ok(const struct br_bound *b, struct br_request *req)
{
	struct br_err err = { 0 };
	int rc;

	memset(req, 0, sizeof(*req));
	rc = br_request_build(b, BASE, req, &err);
	cr_assert_eq(rc, 0, "build failed: %s", err.msg);
}

static char *
printed(const struct br_request *req)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	br_request_print(req, f);
	fclose(f);
	return buf;
}

/* ---- the five operations ---- */

Test(request, kafka_restart_is_put_without_body)
{
	struct br_arg a[] = {
		{ &kafka_restart_p[0], "0605767c3b00d4d72f8fc01a9b9ed6b7", NULL },
		{ &kafka_restart_p[1], "59d02e58-6e2b-4f7a-9c3d-2b8e1a7f4c60", NULL },
		{ &kafka_restart_p[2], "5cf658a2-9157-4b35-b4e6-13ee7a23154b", NULL },
	};
	struct br_bound b = bound(&kafka_restart, a, N(a));
	struct br_request req;

	build_ok(&b, &req);
	cr_assert_str_eq(req.method, "PUT");
	cr_assert_str_eq(req.url, BASE "/v2/0605767c3b00d4d72f8fc01a9b9ed6b7/"
	    "kafka/instances/59d02e58-6e2b-4f7a-9c3d-2b8e1a7f4c60/connector/"
	    "tasks/5cf658a2-9157-4b35-b4e6-13ee7a23154b/restart");
	cr_assert_null(req.body);
	cr_assert_eq(req.bodylen, 0);
	cr_assert_eq(req.nheaders, 1);
	cr_assert_str_eq(br_request_header(&req, "Accept"), "application/json");
	cr_assert_null(br_request_header(&req, "Content-Type"));
	br_request_release(&req);
	cr_assert_null(req.url);
}

Test(request, kafka_modify_body_nests_in_catalog_order)
{
	/* args in another order than the catalog's: the body follows the
	 * catalog */
	struct br_arg a[] = {
		{ &kafka_modify_p[8], "gzip", NULL },
		{ &kafka_modify_p[0], "p", NULL },
		{ &kafka_modify_p[7], "3", NULL },
		{ &kafka_modify_p[1], "i", NULL },
		{ &kafka_modify_p[2], "t", NULL },
		{ &kafka_modify_p[4], "t", NULL },
	};
	struct br_bound b = bound(&kafka_modify, a, N(a));
	struct br_request req;
	const char *want =
	    "{\"topics\":\"t\",\"source_task\":{\"task_num\":3,"
	    "\"compression_type\":\"gzip\"}}";

	build_ok(&b, &req);
	cr_assert_str_eq(req.method, "PUT");
	cr_assert_str_eq(req.url,
	    BASE "/v2/p/instances/i/connector/tasks/t");
	cr_assert_str_eq(req.body, want);
	cr_assert_eq(req.bodylen, strlen(want));
	cr_assert_str_eq(br_request_header(&req, "Content-Type"),
	    "application/json");
	cr_assert_str_eq(br_request_header(&req, "Accept"), "application/json");
	cr_assert_null(br_request_header(&req, "Host"));
	cr_assert_null(br_request_header(&req, "Content-Length"));
	br_request_release(&req);
}

Test(request, kafka_modify_body_types)
{
	/* the body's instance_id is not the path's instance_id */
	struct br_arg a[] = {
		{ &kafka_modify_p[0], "p", NULL },
		{ &kafka_modify_p[1], "path-inst", NULL },
		{ &kafka_modify_p[2], "t", NULL },
		{ &kafka_modify_p[3], "say \"hi\"\n\\", NULL },
		{ &kafka_modify_p[5], "body-inst", NULL },
		{ &kafka_modify_p[6], "false", NULL },
		{ &kafka_modify_p[9], "NONE", NULL },
		{ &kafka_modify_p[10], "9223372036854775807", NULL },
	};
	struct br_bound b = bound(&kafka_modify, a, N(a));
	struct br_request req;

	build_ok(&b, &req);
	cr_assert_str_eq(req.url,
	    BASE "/v2/p/instances/path-inst/connector/tasks/t");
	cr_assert_str_eq(req.body,
	    "{\"task_name\":\"say \\\"hi\\\"\\n\\\\\",\"source_task\":"
	    "{\"instance_id\":\"body-inst\","
	    "\"sync_consumer_offsets_enabled\":false},\"sink_type\":\"NONE\","
	    "\"create_time\":9223372036854775807}");
	br_request_release(&req);
}

Test(request, dataarts_long_path_value_and_workspace_header)
{
	struct br_arg a[] = {
		{ &dataarts_p[0], "b384b9e9ab9b4ee8994c8633aabc9505", NULL },
		{ &dataarts_p[1], "job batch/1", NULL },
		{ &dataarts_p[2], "9223372036854775807", NULL },
		{ &dataarts_p[3], "ws-7f3a", NULL },
	};
	struct br_bound b = bound(&dataarts, a, N(a));
	struct br_request req;

	build_ok(&b, &req);
	cr_assert_str_eq(req.method, "POST");
	cr_assert_str_eq(req.url, BASE "/v1/b384b9e9ab9b4ee8994c8633aabc9505/"
	    "jobs/job%20batch%2F1/instances/9223372036854775807/restart");
	cr_assert_null(req.body);
	cr_assert_str_eq(br_request_header(&req, "workspace"), "ws-7f3a");
	cr_assert_eq(req.nheaders, 2);
	br_request_release(&req);
}

Test(request, dataarts_without_workspace_has_no_header)
{
	struct br_arg a[] = {
		{ &dataarts_p[0], "p", NULL },
		{ &dataarts_p[1], "job_batch", NULL },
		{ &dataarts_p[2], "34765", NULL },
	};
	struct br_bound b = bound(&dataarts, a, N(a));
	struct br_request req;

	build_ok(&b, &req);
	cr_assert_str_eq(req.url, BASE "/v1/p/jobs/job_batch/instances/34765/"
	    "restart");
	cr_assert_null(br_request_header(&req, "workspace"));
	br_request_release(&req);
}

Test(request, roma_date_from_is_an_exact_number)
{
	static const char *const v[] = {
		"1630052714000", "1", "9223372036854775807",
		"-9223372036854775808",
	};
	struct br_arg a[] = {
		{ &roma_p[0], "p", NULL }, { &roma_p[1], "i", NULL },
		{ &roma_p[2], "t", NULL },
		{ &roma_p[3], NULL, NULL },
	};
	struct br_bound b = bound(&roma, a, N(a));
	struct br_request req;
	char want[128];
	size_t i;

	for (i = 0; i < N(v); i++) {
		a[3].value = (char *)v[i];
		build_ok(&b, &req);
		snprintf(want, sizeof(want), "{\"date_from\":%s}", v[i]);
		cr_assert_str_eq(req.body, want);
		cr_assert_str_eq(req.url,
		    BASE "/v2/p/fdi/instances/i/multi-tasks/t/reset");
		cr_assert_str_eq(br_request_header(&req, "Content-Type"),
		    "application/json");
		br_request_release(&req);
	}
}

Test(request, roma_without_date_from_has_no_body)
{
	struct br_arg a[] = {
		{ &roma_p[0], "p", NULL }, { &roma_p[1], "i", NULL },
		{ &roma_p[2], "t", NULL },
		{ &roma_p[3], NULL, NULL },	/* not given */
	};
	struct br_bound b = bound(&roma, a, N(a));
	struct br_request req;

	build_ok(&b, &req);
	cr_assert_null(req.body);
	cr_assert_null(br_request_header(&req, "Content-Type"));
	br_request_release(&req);
}

Test(request, css_restart)
{
	struct br_arg a[] = {
		{ &css_p[0], "6204a5bd270343b5885144cf9c8c158d", NULL },
		{ &css_p[1], "47e49a5e-8ced-4d0d-ae15-2af62ac468e3", NULL },
	};
	struct br_bound b = bound(&css, a, N(a));
	struct br_request req;
	struct br_err err = { 0 };

	memset(&req, 0, sizeof(req));
	/* a trailing slash on the base does not double the slash */
	cr_assert_eq(br_request_build(&b, "https://css.example.com/", &req,
	    &err), 0);
	cr_assert_str_eq(req.method, "POST");
	cr_assert_str_eq(req.url, "https://css.example.com/v1.0/"
	    "6204a5bd270343b5885144cf9c8c158d/clusters/"
	    "47e49a5e-8ced-4d0d-ae15-2af62ac468e3/restart");
	cr_assert_null(req.body);
	br_request_release(&req);
}

/* ---- values cannot leave their place ---- */

Test(request, pct_encode_table)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} t[] = {
		{ "../../x?y#z", 11, "..%2F..%2Fx%3Fy%23z" },
		{ "100%", 4, "100%25" },
		{ "a b", 3, "a%20b" },
		{ "A-Z_a.z~09", 10, "A-Z_a.z~09" },
		{ "\xc3\xa9t\xc3\xa9", 5, "%C3%A9t%C3%A9" },
		{ "\xe4\xb8\xad", 3, "%E4%B8%AD" },
		{ "a+b&c=d;e,f", 11, "a%2Bb%26c%3Dd%3Be%2Cf" },
		{ "\r\n\t", 3, "%0D%0A%09" },
		{ "a\0b", 3, "a%00b" },
		{ "\xff", 1, "%FF" },
		{ "", 0, "" },
	};
	size_t i;
	char *e;

	for (i = 0; i < N(t); i++) {
		e = br_pct_encode(t[i].in, t[i].len);
		cr_assert_not_null(e);
		cr_assert_str_eq(e, t[i].out, "case %zu", i);
		free(e);
	}
}

Test(request, path_values_stay_in_their_segment)
{
	static const struct {
		const char	*value;
		const char	*segment;
	} t[] = {
		{ "../../x?y#z", "..%2F..%2Fx%3Fy%23z" },
		{ "..", "%2E%2E" },
		{ ".", "%2E" },
		{ "...", "..." },
		{ "a/../b", "a%2F..%2Fb" },
		{ "%2E%2E", "%252E%252E" },
		{ "x y", "x%20y" },
		{ "\xc3\xa9", "%C3%A9" },
	};
	struct br_arg a[] = {
		{ &css_p[0], "p", NULL }, { &css_p[1], NULL, NULL },
	};
	struct br_bound b = bound(&css, a, N(a));
	struct br_request req;
	char want[256];
	size_t i;

	for (i = 0; i < N(t); i++) {
		a[1].value = (char *)t[i].value;
		build_ok(&b, &req);
		snprintf(want, sizeof(want), BASE "/v1.0/p/clusters/%s/restart",
		    t[i].segment);
		cr_assert_str_eq(req.url, want, "case %zu", i);
		br_request_release(&req);
	}
}

Test(request, empty_or_missing_path_value_is_an_error)
{
	struct br_arg a[] = {
		{ &css_p[0], "p", NULL }, { &css_p[1], "", NULL },
	};
	struct br_bound b = bound(&css, a, N(a));
	struct br_request req;
	struct br_err err = { 0 };

	memset(&req, 0, sizeof(req));
	cr_assert_eq(br_request_build(&b, BASE, &req, &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "operation 'css.restart_cluster': no value "
	    "for path parameter 'cluster_id'");
	cr_assert_null(req.url);
	cr_assert_eq(req.nheaders, 0);

	b.nargs = 1;
	br_err_clear(&err);
	cr_assert_eq(br_request_build(&b, BASE, &req, &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "operation 'css.restart_cluster': no value "
	    "for path parameter 'cluster_id'");
}

Test(request, query_params_in_catalog_order_and_encoded)
{
	static struct br_param qp[] = {
		P("id", BR_IN_PATH, BR_T_STRING),
		P("limit", BR_IN_QUERY, BR_T_INTEGER),
		P("name", BR_IN_QUERY, BR_T_STRING),
		P("unused", BR_IN_QUERY, BR_T_STRING),
	};
	struct br_op op = {
		.name = "x.list", .service = "x", .method = "GET",
		.path = "/v1/things/{id}", .params = qp, .nparams = N(qp),
	};
	struct br_arg a[] = {
		{ &qp[2], "a&b=c d/..", NULL }, { &qp[0], "7", NULL }, { &qp[1], "10", NULL },
	};
	struct br_bound b = bound(&op, a, N(a));
	struct br_request req;

	qp[2].wire = "the name";
	build_ok(&b, &req);
	cr_assert_str_eq(req.method, "GET");
	cr_assert_str_eq(req.url, BASE "/v1/things/7?limit=10&"
	    "the%20name=a%26b%3Dc%20d%2F..");
	cr_assert_null(req.body);

	/* a template that has a query already goes on with & */
	br_request_release(&req);
	op.path = "/v1/things/{id}?action=list";
	build_ok(&b, &req);
	cr_assert_str_eq(req.url, BASE "/v1/things/7?action=list&limit=10&"
	    "the%20name=a%26b%3Dc%20d%2F..");
	br_request_release(&req);
}

Test(request, body_values_are_checked_for_their_type)
{
	static const struct {
		size_t		 param;
		const char	*value;
		const char	*msg;
	} t[] = {
		{ 7, "3.5", "parameter 'source_task.task_num': '3.5' is not an "
		  "integer" },
		{ 7, "007", "parameter 'source_task.task_num': '007' is not an "
		  "integer" },
		{ 7, "1,\"x\":2", "parameter 'source_task.task_num': "
		  "'1,\"x\":2' is not an integer" },
		{ 10, "", "parameter 'create_time': '' is not an integer" },
		{ 6, "yes", "parameter 'source_task.sync_consumer_offsets_"
		  "enabled': 'yes' is not true or false" },
		{ 3, "caf\xe9", "parameter 'task_name': not valid UTF-8" },
	};
	struct br_arg a[] = {
		{ &kafka_modify_p[0], "p", NULL }, { &kafka_modify_p[1], "i", NULL },
		{ &kafka_modify_p[2], "t", NULL }, { NULL, NULL, NULL },
	};
	struct br_bound b = bound(&kafka_modify, a, N(a));
	struct br_request req;
	struct br_err err;
	size_t i;

	for (i = 0; i < N(t); i++) {
		a[3].param = &kafka_modify_p[t[i].param];
		a[3].value = (char *)t[i].value;
		memset(&req, 0, sizeof(req));
		br_err_clear(&err);
		cr_assert_eq(br_request_build(&b, BASE, &req, &err),
		    BR_EINPUT, "case %zu", i);
		cr_assert_str_eq(err.msg, t[i].msg);
		cr_assert_null(req.url);
		cr_assert_null(req.body);
	}
}

Test(request, number_and_clashing_body_names)
{
	static struct br_param bp[] = {
		P("ratio", BR_IN_BODY, BR_T_NUMBER),
		P("a", BR_IN_BODY, BR_T_STRING),
		P("a.b", BR_IN_BODY, BR_T_STRING),
		P("kind", BR_IN_BODY, BR_T_ENUM),
	};
	struct br_op op = {
		.name = "x.put", .service = "x", .method = "PUT", .path = "/x",
		.params = bp, .nparams = N(bp),
	};
	struct br_arg a[] = {
		{ &bp[0], "-1.25e-3", NULL }, { &bp[3], "PLAIN", NULL },
	};
	struct br_arg clash[] = { { &bp[1], "s", NULL }, { &bp[2], "t", NULL } };
	struct br_bound b = bound(&op, a, N(a));
	struct br_request req;
	struct br_err err = { 0 };

	build_ok(&b, &req);
	cr_assert_str_eq(req.url, BASE "/x");
	cr_assert_str_eq(req.body, "{\"ratio\":-1.25e-3,\"kind\":\"PLAIN\"}");
	br_request_release(&req);

	a[0].value = "1e";
	cr_assert_eq(br_request_build(&b, BASE, &req, &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "parameter 'ratio': '1e' is not a number");

	b = bound(&op, clash, N(clash));
	br_err_clear(&err);
	cr_assert_eq(br_request_build(&b, BASE, &req, &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "body parameter 'a.b' clashes with another "
	    "one");
	cr_assert_null(req.body);
}

Test(request, header_values_with_control_characters_are_refused)
{
	struct br_arg a[] = {
		{ &dataarts_p[0], "p", NULL }, { &dataarts_p[1], "j", NULL },
		{ &dataarts_p[2], "1", NULL }, { &dataarts_p[3], "ws\r\nX-Evil: 1", NULL },
	};
	struct br_bound b = bound(&dataarts, a, N(a));
	struct br_request req;
	struct br_err err = { 0 };

	memset(&req, 0, sizeof(req));
	cr_assert_eq(br_request_build(&b, BASE, &req, &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "header parameter 'workspace' contains a "
	    "control character");
	cr_assert_eq(req.nheaders, 0);
	cr_assert_eq(br_request_add_header(&req, "X-A", "a\nb", 0), BR_EINPUT);
	cr_assert_eq(br_request_add_header(&req, "X-A\r\nB", "v", 0),
	    BR_EINPUT);
	cr_assert_eq(br_request_add_header(&req, "", "v", 0), BR_EINPUT);
	cr_assert_eq(req.nheaders, 0);
}

/* ---- where requests go ---- */

Test(request, base_url_resolution_order)
{
	static const char *const names[] = { "CSS", "kafka" };
	static const char *const urls[] = { "http://css-only:1/",
	    "http://kafka-only" };
	static const struct {
		const char	*row_endpoint;
		const char	*row_region;
		int		 svc;	/* use --endpoint SERVICE=URL */
		const char	*all;
		const char	*region;
		const char	*want;
	} t[] = {
		/* the row's endpoint beats everything */
		{ "https://row.example//", "r1", 1, "http://all", "eu-de",
		  "https://row.example" },
		/* then --endpoint SERVICE=URL, service matched in any case */
		{ NULL, "r1", 1, "http://all", "eu-de", "http://css-only:1" },
		/* then --endpoint URL */
		{ NULL, "r1", 0, "http://all/prefix/", "eu-de",
		  "http://all/prefix" },
		/* then the pattern with the row's region */
		{ NULL, "ap-southeast-1", 0, NULL, "eu-de",
		  "https://css.ap-southeast-1.myhuaweicloud.com" },
		/* then the pattern with --region */
		{ NULL, NULL, 0, NULL, "eu-de",
		  "https://css.eu-de.myhuaweicloud.com" },
		{ "", "", 0, "", "cn-north-4",
		  "https://css.cn-north-4.myhuaweicloud.com" },
		{ "HTTPS://UPPER.example", NULL, 0, NULL, NULL,
		  "HTTPS://UPPER.example" },
	};
	struct br_arg a[] = { { &css_p[0], "p", NULL }, { &css_p[1], "c", NULL } };
	struct br_bound b = bound(&css, a, N(a));
	struct br_endpoint_map map;
	struct br_err err;
	char *url;
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(&map, 0, sizeof(map));
		map.svc_names = names;
		map.svc_urls = urls;
		map.nsvc = t[i].svc ? N(names) : 0;
		map.all = t[i].all;
		map.region = t[i].region;
		b.endpoint = (char *)t[i].row_endpoint;
		b.region = (char *)t[i].row_region;
		br_err_clear(&err);
		url = br_request_base_url(&cat, &b, &map, &err);
		cr_assert_not_null(url, "case %zu: %s", i, err.msg);
		cr_assert_str_eq(url, t[i].want, "case %zu", i);
		free(url);
	}
}

Test(request, base_url_errors)
{
	static const struct {
		const struct br_op	*op;
		const char		*row_endpoint;
		const char		*row_region;
		const char		*all;
		const char		*region;
		const char		*msg;
	} t[] = {
		{ &css, NULL, NULL, NULL, NULL, "no endpoint for service "
		  "'css': give --endpoint or --region" },
		{ &css, NULL, NULL, "ftp://x", NULL, "invalid endpoint "
		  "'ftp://x': must start with http:// or https://" },
		{ &css, "css.example.com", NULL, NULL, NULL, "invalid endpoint "
		  "'css.example.com': must start with http:// or https://" },
		{ &css, NULL, NULL, "http://", NULL,
		  "invalid endpoint 'http://': no host" },
		{ &css, NULL, NULL, "http:///x", NULL,
		  "invalid endpoint 'http:///x': no host" },
		{ &css, NULL, NULL, "http://h/?a=b", NULL, "invalid endpoint "
		  "'http://h/?a=b': must not contain '?' or '#'" },
		{ &css, NULL, NULL, "https://user:s3cret@h", NULL,
		  "invalid endpoint: a user name or password in the URL is "
		  "not supported" },
		{ &css, "http://h x", NULL, NULL, NULL, "invalid endpoint: it "
		  "contains a blank or a control character" },
		{ &css, "http://h\r\nX: y", NULL, NULL, NULL, "invalid "
		  "endpoint: it contains a blank or a control character" },
		{ &css, NULL, "evil.com/x", NULL, "eu-de", "invalid region "
		  "'evil.com/x': only letters, digits, '-', '_' and '.' are "
		  "allowed" },
		{ &css, NULL, NULL, NULL, "eu-de#", "invalid region 'eu-de#': "
		  "only letters, digits, '-', '_' and '.' are allowed" },
		{ &css, NULL, NULL, NULL, "x@y", "invalid region 'x@y': "
		  "only letters, digits, '-', '_' and '.' are allowed" },
	};
	struct br_arg a[] = { { &css_p[0], "p", NULL }, { &css_p[1], "c", NULL } };
	struct br_bound b = bound(&css, a, N(a));
	struct br_endpoint_map map;
	struct br_err err;
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(&map, 0, sizeof(map));
		map.all = t[i].all;
		map.region = t[i].region;
		b.op = t[i].op;
		b.endpoint = (char *)t[i].row_endpoint;
		b.region = (char *)t[i].row_region;
		br_err_clear(&err);
		cr_assert_null(br_request_base_url(&cat, &b, &map, &err),
		    "case %zu", i);
		cr_assert_str_eq(err.msg, t[i].msg, "case %zu", i);
		cr_assert_neq(err.code, 0);
		cr_assert_null(strstr(err.msg, "s3cret"));
	}
}

Test(request, base_url_of_a_pattern_without_region)
{
	struct br_op op = { .name = "fixed.op", .service = "fixed",
	    .method = "GET", .path = "/x" };
	struct br_op unknown = { .name = "nowhere.op", .service = "nowhere",
	    .method = "GET", .path = "/x" };
	struct br_bound b = bound(&op, NULL, 0);
	struct br_err err = { 0 };
	char *url;

	url = br_request_base_url(&cat, &b, NULL, &err);
	cr_assert_not_null(url, "%s", err.msg);
	cr_assert_str_eq(url, "https://fixed.example.com/api");
	free(url);
	b.op = &unknown;
	cr_assert_null(br_request_base_url(&cat, &b, NULL, &err));
	cr_assert_str_eq(err.msg, "no endpoint for service 'nowhere': give "
	    "--endpoint or --region");
}

/* ---- dry-run output ---- */

Test(request, print_masks_secret_headers)
{
	struct br_arg a[] = {
		{ &roma_p[0], "p", NULL }, { &roma_p[1], "i", NULL },
		{ &roma_p[2], "t", NULL },
		{ &roma_p[3], "1630052714000", NULL },
	};
	struct br_bound b = bound(&roma, a, N(a));
	struct br_request req;
	char *out;

	build_ok(&b, &req);
	cr_assert_eq(br_request_add_header(&req, "X-Auth-Token",
	    "MIIZ-very-secret", 1), 0);
	/* masked by name even when the caller forgets */
	cr_assert_eq(br_request_add_header(&req, "Authorization",
	    "SDK-HMAC-SHA256 Access=AK, Signature=abc", 0), 0);
	cr_assert_eq(br_request_add_header(&req, "X-Sdk-Date",
	    "20261121T000000Z", 0), 0);
	out = printed(&req);
	cr_assert_str_eq(out,
	    "POST " BASE "/v2/p/fdi/instances/i/multi-tasks/t/reset\n"
	    "Accept: application/json\n"
	    "Content-Type: application/json\n"
	    "X-Auth-Token: ***\n"
	    "Authorization: ***\n"
	    "X-Sdk-Date: 20261121T000000Z\n"
	    "{\"date_from\":1630052714000}\n"
	    "\n");
	cr_assert_null(strstr(out, "secret"));
	cr_assert_null(strstr(out, "Signature"));
	free(out);
	br_request_release(&req);
}

Test(request, print_without_body)
{
	struct br_arg a[] = { { &css_p[0], "p", NULL }, { &css_p[1], "c", NULL } };
	struct br_bound b = bound(&css, a, N(a));
	struct br_request req;
	char *out;

	build_ok(&b, &req);
	out = printed(&req);
	cr_assert_str_eq(out, "POST " BASE "/v1.0/p/clusters/c/restart\n"
	    "Accept: application/json\n"
	    "\n");
	free(out);
	br_request_release(&req);
}

/*
 * What --resume compares: the request as bound (target, every value),
 * with dates as written, so that "yesterday" resolved a day later is the
 * same row and another project or endpoint is not.
 */
Test(request, the_fingerprint_follows_the_target_and_dates_as_written)
{
	struct br_arg a[] = {
		{ &roma_p[0], "p", NULL }, { &roma_p[1], "i", NULL },
		{ &roma_p[2], "t", NULL },
		{ &roma_p[3], "1795219200000", "yesterday" },
	};
	struct br_bound b = bound(&roma, a, N(a));
	char fp[33], again[33], other[33];

	br_request_fp(&b, BASE, fp);
	cr_assert_eq(strlen(fp), 32);
	a[3].value = "1795305600000";		/* the next day */
	br_request_fp(&b, BASE, again);
	cr_assert_str_eq(again, fp, "the same date as written");
	a[3].written = "today";
	br_request_fp(&b, BASE, other);
	cr_assert_str_neq(other, fp, "another date as written");
	a[3].written = "yesterday";
	a[0].value = "q";
	br_request_fp(&b, BASE, other);
	cr_assert_str_neq(other, fp, "another project");
	a[0].value = "p";
	br_request_fp(&b, "http://127.0.0.1:9090", other);
	cr_assert_str_neq(other, fp, "another endpoint");
	a[2].written = "T";		/* not a date: the bound value counts */
	br_request_fp(&b, BASE, other);
	cr_assert_str_eq(other, fp);
}
