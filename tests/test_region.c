/*
 * region: the table of where requests go (src/catalog.json's "clouds" and
 * the services' "hosts"), as region.h and request.h resolve it, and the
 * default of OS_AUTH_URL taken from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bind.h"
#include "catalog.h"
#include "creds.h"
#include "region.h"
#include "request.h"
#include "builtin.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))


TestSuite(region, .init = load_builtin, .fini = release);

/* svc in region (cloud: --cloud or NULL) as a URL, or the error. */
static char *
resolve(const char *svc, const char *region, const char *cloud,
    struct br_err *err)
{
	const struct br_service *s = br_catalog_service(&cat, svc);
	const char *pat;

	cr_assert_not_null(s, "%s", svc);
	if (br_region_endpoint(&cat, s, region, cloud, &pat, err) != 0)
		return NULL;
	cr_assert_not_null(pat);
	return br_region_fill(pat, region);
}

Test(region, the_table_of_hosts)
{
	static const struct {
		const char	*svc, *region, *cloud, *want;
	} t[] = {
		/* Open Telekom Cloud's regions: *.otc.t-systems.com */
		{ "kafka", "eu-de", NULL, "https://dms.eu-de.otc.t-systems.com" },
		{ "kafka", "eu-nl", NULL, "https://dms.eu-nl.otc.t-systems.com" },
		{ "css", "eu-de", NULL, "https://css.eu-de.otc.t-systems.com" },
		{ "css", "eu-nl", NULL, "https://css.eu-nl.otc.t-systems.com" },
		{ "dataarts", "eu-de", NULL,
		  "https://dayu-dlf.eu-de.otc.t-systems.com" },
		{ "iam", "eu-nl", NULL, "https://iam.eu-nl.otc.t-systems.com" },
		{ "kafka", "EU-DE", NULL, "https://dms.EU-DE.otc.t-systems.com" },
		/* Huawei Cloud: *.myhuaweicloud.com, and the exceptions */
		{ "kafka", "cn-north-4", NULL,
		  "https://dms.cn-north-4.myhuaweicloud.com" },
		{ "css", "cn-north-4", NULL,
		  "https://css.cn-north-4.myhuaweicloud.com" },
		{ "roma", "cn-north-4", NULL,
		  "https://roma.cn-north-4.myhuaweicloud.com" },
		{ "dataarts", "ap-southeast-1", NULL,
		  "https://dayu-dlf.ap-southeast-1.myhuaweicloud.com" },
		{ "kafka", "eu-west-101", NULL,
		  "https://dms.eu-west-101.myhuaweicloud.eu" },
		{ "iam", "eu-west-101", NULL,
		  "https://iam.eu-west-101.myhuaweicloud.eu" },
		{ "dataarts", "eu-west-101", NULL,
		  "https://dayu-dlf.eu-west-101.myhuaweicloud.eu" },
		{ "css", "eu-west-101", NULL,
		  "https://css.eu-west-101.myhuaweicloud.com" },
		{ "css", "cn-north-1", NULL,
		  "https://es.cn-north-1.myhuaweicloud.com" },
		{ "css", "cn-east-2", NULL,
		  "https://es.cn-east-2.myhuaweicloud.com" },
		{ "dataarts", "cn-east-4", NULL,
		  "https://dayu.cn-east-4.myhuaweicloud.com" },
		{ "kafka", "af-south-1", NULL,
		  "https://dms.af-south-1.myhuaweicloud.com" },
		{ "kafka", "la-south-2", NULL,
		  "https://dms.la-south-2.myhuaweicloud.com" },
		{ "kafka", "tr-west-1", NULL,
		  "https://dms.tr-west-1.myhuaweicloud.com" },
		{ "kafka", "me-east-1", NULL,
		  "https://dms.me-east-1.myhuaweicloud.com" },
		{ "kafka", "ru-northwest-2", NULL,
		  "https://dms.ru-northwest-2.myhuaweicloud.com" },
		/* --cloud says it outright: a region bulkrun does not know,
		 * or one it would have put elsewhere */
		{ "kafka", "xx-new-1", "otc",
		  "https://dms.xx-new-1.otc.t-systems.com" },
		{ "css", "xx-new-1", "HuaweiCloud",
		  "https://css.xx-new-1.myhuaweicloud.com" },
		{ "kafka", "eu-de", "huaweicloud",
		  "https://dms.eu-de.myhuaweicloud.com" },
	};
	struct br_err err;
	char *url;
	size_t i;

	for (i = 0; i < N(t); i++) {
		br_err_clear(&err);
		url = resolve(t[i].svc, t[i].region, t[i].cloud, &err);
		cr_assert_not_null(url, "case %zu: %s", i, err.msg);
		cr_expect_str_eq(url, t[i].want, "case %zu", i);
		free(url);
	}
}

Test(region, the_cloud_of_a_region)
{
	static const struct {
		const char	*region, *cloud;
	} t[] = {
		{ "eu-de", "otc" }, { "eu-nl", "otc" },
		{ "cn-north-4", "huaweicloud" }, { "ap-southeast-3", "huaweicloud" },
		{ "eu-west-0", "huaweicloud" }, { "eu-west-101", "huaweicloud" },
		{ "sa-brazil-1", "huaweicloud" }, { "na-mexico-1", "huaweicloud" },
		{ "ae-ad-1", "huaweicloud" }, { "my-kualalumpur-1", "huaweicloud" },
		/* not known: a prefix needs more than itself, eu-de is exact */
		{ "cn-", NULL }, { "eu-west-", NULL }, { "eu-de-1", NULL },
		{ "eu-ch2", NULL }, { "us-east-1", NULL }, { "", NULL },
	};
	const struct br_cloud *cl;
	size_t i;

	for (i = 0; i < N(t); i++) {
		cl = br_region_cloud(&cat, t[i].region, NULL);
		if (t[i].cloud == NULL)
			cr_expect_null(cl, "%s", t[i].region);
		else {
			cr_assert_not_null(cl, "%s", t[i].region);
			cr_expect_str_eq(cl->name, t[i].cloud, "%s",
			    t[i].region);
		}
	}
	cr_assert_str_eq(br_region_cloud(&cat, "eu-de", "huaweicloud")->name,
	    "huaweicloud");
	cr_assert_null(br_region_cloud(&cat, "eu-de", "aws"));
}

Test(region, refusals_say_why)
{
	struct br_err err = { 0 };

	/* a region bulkrun does not know, without --cloud */
	cr_assert_null(resolve("kafka", "xx-new-1", NULL, &err));
	cr_assert_eq(err.code, BR_EINPUT);
	cr_assert_str_eq(err.msg, "unknown region 'xx-new-1': bulkrun knows "
	    "cn-*, ap-*, af-*, la-*, ru-*, tr-*, me-*, eu-west-*, sa-*, na-*, "
	    "ae-*, my-* (Huawei Cloud); eu-de, eu-nl (Open Telekom Cloud); "
	    "for another region say which cloud it is on: --cloud "
	    "huaweicloud|otc");
	/* ROMA Connect is not on Open Telekom Cloud */
	br_err_clear(&err);
	cr_assert_null(resolve("roma", "eu-de", NULL, &err));
	cr_assert_str_eq(err.msg, "service 'roma' is not offered on Open "
	    "Telekom Cloud (region 'eu-de')");
	br_err_clear(&err);
	cr_assert_null(resolve("roma", "xx-1", "otc", &err));
	cr_assert_str_eq(err.msg, "service 'roma' is not offered on Open "
	    "Telekom Cloud (region 'xx-1')");
	/* a cloud bulkrun does not know */
	br_err_clear(&err);
	cr_assert_null(resolve("css", "eu-de", "aws", &err));
	cr_assert_str_eq(err.msg, "unknown cloud 'aws' (--cloud "
	    "huaweicloud|otc)");
	br_err_clear(&err);
	cr_assert_eq(br_region_check_cloud(&cat, "aws", &err), BR_EINPUT);
	cr_assert_eq(br_region_check_cloud(&cat, "otc", &err), 0);
	cr_assert_eq(br_region_check_cloud(&cat, NULL, &err), 0);
	/* offered or not, for survey.c to tell the row's problem from the
	 * command line's */
	cr_assert_eq(br_region_offered(&cat, "roma", "eu-de", NULL), 0);
	cr_assert_eq(br_region_offered(&cat, "roma", "cn-north-4", NULL), 1);
	cr_assert_eq(br_region_offered(&cat, "roma", "xx-1", NULL), 1);
	cr_assert_eq(br_region_offered(&cat, "roma", "xx-1", "otc"), 0);
	cr_assert_eq(br_region_offered(&cat, "kafka", "eu-de", NULL), 1);
	cr_assert_eq(br_region_offered(&cat, "nosuch", "eu-de", NULL), 1);
	cr_assert_eq(br_region_offered(&cat, "roma", NULL, NULL), 1);
}

/* An operation of service svc bound with no arguments. */
static struct br_bound
bound(const char *op, const char *row_region)
{
	struct br_bound b;

	memset(&b, 0, sizeof(b));
	b.op = br_catalog_find(&cat, op);
	cr_assert_not_null(b.op, "%s", op);
	b.region = (char *)row_region;
	return b;
}

Test(region, the_base_url_follows_the_table_for_rows_and_region)
{
	static const struct {
		const char	*op, *row_region, *region, *cloud, *want;
	} t[] = {
		{ "kafka.restart_connector_task", NULL, "eu-de", NULL,
		  "https://dms.eu-de.otc.t-systems.com" },
		{ "css.restart_cluster", NULL, "eu-nl", NULL,
		  "https://css.eu-nl.otc.t-systems.com" },
		/* a row's region column follows the same rules */
		{ "css.restart_cluster", "cn-north-4", "eu-de", NULL,
		  "https://css.cn-north-4.myhuaweicloud.com" },
		{ "kafka.restart_connector_task", "eu-west-101", NULL, NULL,
		  "https://dms.eu-west-101.myhuaweicloud.eu" },
		{ "kafka.restart_connector_task", "yy-9", NULL, "otc",
		  "https://dms.yy-9.otc.t-systems.com" },
		{ "dataarts.restart_job_instance", NULL, "eu-de", NULL,
		  "https://dayu-dlf.eu-de.otc.t-systems.com" },
	};
	struct br_endpoint_map map;
	struct br_bound b;
	struct br_err err;
	char *url;
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(&map, 0, sizeof(map));
		map.region = t[i].region;
		map.cloud = t[i].cloud;
		b = bound(t[i].op, t[i].row_region);
		br_err_clear(&err);
		url = br_request_base_url(&cat, &b, &map, &err);
		cr_assert_not_null(url, "case %zu: %s", i, err.msg);
		cr_expect_str_eq(url, t[i].want, "case %zu", i);
		free(url);
	}
	/* refused: a row's unknown region, ROMA in eu-de, and no region */
	memset(&map, 0, sizeof(map));
	b = bound("css.restart_cluster", "zz-1");
	cr_assert_null(br_request_base_url(&cat, &b, &map, &err));
	cr_assert(strncmp(err.msg, "unknown region 'zz-1': ", 23) == 0, "%s",
	    err.msg);
	br_err_clear(&err);
	map.region = "eu-de";
	b = bound("roma.reset_multi_task", NULL);
	cr_assert_null(br_request_base_url(&cat, &b, &map, &err));
	cr_assert_str_eq(err.msg, "service 'roma' is not offered on Open "
	    "Telekom Cloud (region 'eu-de')");
	br_err_clear(&err);
	map.region = NULL;
	cr_assert_null(br_request_base_url(&cat, &b, &map, &err));
	cr_assert_str_eq(err.msg, "no endpoint for service 'roma': give "
	    "--endpoint or --region");
	/* --endpoint SERVICE=URL still wins over the table */
	{
		static const char *const names[] = { "roma" };
		static const char *const urls[] = { "http://127.0.0.1:9" };

		map.region = "eu-de";
		map.svc_names = names;
		map.svc_urls = urls;
		map.nsvc = 1;
		url = br_request_base_url(&cat, &b, &map, &err);
		cr_assert_not_null(url);
		cr_assert_str_eq(url, "http://127.0.0.1:9");
		free(url);
	}
}

Test(region, os_auth_url_defaults_to_the_regions_iam)
{
	static const struct {
		const char	*region, *cloud, *want;
	} t[] = {
		{ "eu-de", NULL, "https://iam.eu-de.otc.t-systems.com/v3" },
		{ "eu-nl", NULL, "https://iam.eu-nl.otc.t-systems.com/v3" },
		{ "cn-north-4", NULL,
		  "https://iam.cn-north-4.myhuaweicloud.com/v3" },
		{ "eu-west-101", NULL,
		  "https://iam.eu-west-101.myhuaweicloud.eu/v3" },
		{ "xx-1", "otc", "https://iam.xx-1.otc.t-systems.com/v3" },
	};
	struct br_err err = { 0 };
	char *url;
	size_t i;

	for (i = 0; i < N(t); i++) {
		url = br_region_auth_url(&cat, t[i].region, t[i].cloud, &err);
		cr_assert_not_null(url, "%s: %s", t[i].region, err.msg);
		cr_expect_str_eq(url, t[i].want);
		free(url);
	}
	cr_assert_null(br_region_auth_url(&cat, "xx-1", NULL, &err));
	cr_assert(strncmp(err.msg, "unknown region 'xx-1'", 21) == 0);
}

static const char *const os_vars[] = {
	"BULKRUN_AUTH_TOKEN", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK",
	"HUAWEICLOUD_SDK_SECURITY_TOKEN", "OS_AUTH_URL", "OS_USERNAME",
	"OS_PASSWORD", "OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME",
	"OS_PROJECT_ID", "OS_PROJECT_NAME",
};

Test(region, the_password_flow_uses_the_default_when_os_auth_url_is_unset)
{
	struct br_creds c;
	struct br_err err = { 0 };
	char *def;
	size_t i;

	for (i = 0; i < N(os_vars); i++)
		unsetenv(os_vars[i]);
	setenv("OS_USERNAME", "ops", 1);
	setenv("OS_PASSWORD", "Hunter2-secret", 1);
	setenv("OS_USER_DOMAIN_NAME", "dom", 1);
	setenv("OS_PROJECT_ID", "p123", 1);
	def = br_region_auth_url(&cat, "eu-de", NULL, &err);
	cr_assert_not_null(def);
	cr_assert_eq(br_creds_read_at(&c, NULL, def, &err), 0, "%s", err.msg);
	cr_assert_eq(c.kind, BR_CREDS_PASSWORD);
	cr_assert_str_eq(c.auth_url, "https://iam.eu-de.otc.t-systems.com/v3");
	br_creds_release(&c);
	/* OS_AUTH_URL, when set, wins */
	setenv("OS_AUTH_URL", "https://iam.example.com/v3", 1);
	cr_assert_eq(br_creds_read_at(&c, NULL, def, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.auth_url, "https://iam.example.com/v3");
	br_creds_release(&c);
	unsetenv("OS_AUTH_URL");
	/* no default (no --region): no password flow, as before */
	cr_assert_eq(br_creds_read_at(&c, NULL, NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(c.kind, BR_CREDS_NONE);
	br_creds_release(&c);
	/* incomplete: the message says where OS_AUTH_URL came from */
	unsetenv("OS_PASSWORD");
	cr_assert_eq(br_creds_read_at(&c, NULL, def, &err), BR_EINPUT);
	cr_assert_str_eq(err.msg, "OS_USERNAME is set (OS_AUTH_URL defaults "
	    "to the region's IAM) but OS_PASSWORD is not");
	cr_assert_eq(c.kind, BR_CREDS_NONE);
	free(def);
	for (i = 0; i < N(os_vars); i++)
		unsetenv(os_vars[i]);
}

Test(region, hosts_and_clouds_in_a_user_catalog)
{
	static const char json[] =
	    "{\"clouds\":{\"otc\":{\"title\":\"OTC\",\"regions\":[\"eu-de\","
	    "\"eu-nl\",\"eu-ch2\"],\"_note\":\"x\"}},"
	    "\"services\":{\"demo\":{\"hosts\":{\"_note\":\"y\","
	    "\"otc\":{\"endpoint\":\"https://demo.{region}.example.com\","
	    "\"regions\":{\"eu-ch2\":\"https://demo.eu-ch2.sc.example.com\"}},"
	    "\"huaweicloud\":{\"offered\":false}}}}}";
	struct br_err err = { 0 };
	char *url;

	cr_assert_eq(br_catalog_load_string(&cat, json, strlen(json), "u.json",
	    &err), 0, "%s", err.msg);
	cr_assert_eq(cat.nclouds, 2);		/* otc replaced, by name */
	cr_assert_str_eq(br_catalog_cloud(&cat, "OTC")->title, "OTC");
	cr_assert_eq(br_catalog_cloud(&cat, "otc")->nregions, 3);
	url = resolve("demo", "eu-ch2", NULL, &err);
	cr_assert_not_null(url, "%s", err.msg);
	cr_assert_str_eq(url, "https://demo.eu-ch2.sc.example.com");
	free(url);
	cr_assert_null(resolve("demo", "cn-north-4", NULL, &err));
	cr_assert_str_eq(err.msg, "service 'demo' is not offered on Huawei "
	    "Cloud (region 'cn-north-4')");
}

Test(region, malformed_hosts_and_clouds_are_refused)
{
	static const struct {
		const char	*json, *msg;
	} t[] = {
		{ "{\"services\":{\"d\":{\"hosts\":[]}}}", "t.json:1: service "
		  "'d': 'hosts' must be an object with an entry per cloud" },
		{ "{\"services\":{\"d\":{\"hosts\":{}}}}", "t.json:1: service "
		  "'d': 'hosts' names no cloud" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{}}}}}", "t.json:1: "
		  "service 'd': hosts: 'otc': missing 'endpoint'" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{\"endpoint\":"
		  "\"d.com\"}}}}}", "t.json:1: service 'd': hosts: 'otc': "
		  "'endpoint' must start with https:// or http://" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{\"offered\":false,"
		  "\"endpoint\":\"https://d\"}}}}}", "t.json:1: service 'd': "
		  "hosts: 'otc': a cloud that does not offer the service has "
		  "no 'endpoint' or 'regions'" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{\"offered\":0}}}}}",
		  "t.json:1: service 'd': hosts: 'otc': 'offered' must be true "
		  "or false" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{\"endpoint\":"
		  "\"https://d\",\"regions\":{\"a b\":\"https://x\"}}}}}}",
		  "t.json:1: service 'd': hosts: 'otc': bad region name "
		  "'a b'" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{\"endpoint\":"
		  "\"https://d\",\"regions\":{\"r\":\"ftp://x\"}}}}}}",
		  "t.json:1: service 'd': hosts: 'otc': region 'r' must start "
		  "with https:// or http://" },
		{ "{\"services\":{\"d\":{\"hosts\":{\"otc\":{\"endpoint\":"
		  "\"https://d\",\"zone\":1}}}}}", "t.json:1: service 'd': "
		  "hosts: 'otc': unknown key 'zone'" },
		{ "{\"clouds\":[]}", "t.json:1: 'clouds' must be an object" },
		{ "{\"clouds\":{\"c\":{\"title\":\"C\"}}}", "t.json:1: cloud "
		  "'c': 'regions' must be a non-empty array of region names "
		  "(\"eu-de\") and prefixes (\"cn-*\")" },
		{ "{\"clouds\":{\"c\":{\"regions\":[\"x\"]}}}", "t.json:1: "
		  "cloud 'c': missing 'title'" },
		{ "{\"clouds\":{\"c\":{\"title\":\"C\",\"regions\":[\"*\"]}}}",
		  "t.json:1: cloud 'c': 'regions': each is a region name "
		  "(\"eu-de\") or a prefix (\"cn-*\")" },
		{ "{\"clouds\":{\"c\":{\"title\":\"C\",\"regions\":[\"a*b\"]}}}",
		  "t.json:1: cloud 'c': 'regions': each is a region name "
		  "(\"eu-de\") or a prefix (\"cn-*\")" },
	};
	struct br_err err;
	size_t i;

	for (i = 0; i < N(t); i++) {
		br_err_clear(&err);
		cr_assert_eq(br_catalog_load_string(&cat, t[i].json,
		    strlen(t[i].json), "t.json", &err), BR_EINPUT, "#%zu", i);
		cr_expect_str_eq(err.msg, t[i].msg, "#%zu", i);
		cr_assert_eq(cat.nclouds, 2, "#%zu changed the catalog", i);
		cr_assert_eq(cat.nservices, 5, "#%zu", i);
	}
}
