/*
 * End to end: where requests go.  --region picks the cloud from the
 * region's name (eu-de, eu-nl: Open Telekom Cloud; cn-*, ...: Huawei
 * Cloud), --cloud says it outright, a row's region column follows the same
 * rules; what cannot go anywhere is refused before anything is sent.
 * The dry runs print the resolved URLs and send nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

#define KAFKA	"kafka.restart_connector_task"
#define CSS	"css.restart_cluster"
#define ROMA	"roma.reset_multi_task"
#define DLF	"dataarts.restart_job_instance"

/* One Kafka, one CSS and one DataArts row, no region column. */
static const char *
three_services(void)
{
	return t_write("three.csv",
	    "op,project_id,instance_id,task_id,cluster_id,job_name\n"
	    KAFKA ",p1,i1,t1,,\n"
	    CSS ",p1,,,c1,\n"
	    DLF ",p1,7,,,j1\n");
}

static void
expect_line(const struct out *o, const char *line)
{
	cr_expect(strstr(o->out, line) != NULL, "no '%s' in:\n%s\n%s", line,
	    o->out, o->err);
}

Test(e2e_region, open_telekom_cloud_regions_go_to_otc_t_systems_com,
    .timeout = 60)
{
	static const char *const regions[] = { "eu-de", "eu-nl" };
	const char *m = three_services();
	char want[256];
	struct out o;
	size_t i;

	for (i = 0; i < 2; i++) {
		run_bulkrun(&o, NULL, "run", m, "--region", regions[i],
		    "--dry-run", NULL);
		cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
		snprintf(want, sizeof(want), "PUT https://dms.%s.otc.t-systems."
		    "com/v2/p1/kafka/instances/i1/connector/tasks/t1/restart\n",
		    regions[i]);
		expect_line(&o, want);
		snprintf(want, sizeof(want), "POST https://css.%s.otc.t-systems"
		    ".com/v1.0/p1/clusters/c1/restart\n", regions[i]);
		expect_line(&o, want);
		snprintf(want, sizeof(want), "POST https://dayu-dlf.%s.otc."
		    "t-systems.com/v1/p1/jobs/j1/instances/7/restart\n",
		    regions[i]);
		expect_line(&o, want);
		cr_expect(strstr(o.out, "myhuaweicloud") == NULL, "%s", o.out);
		out_release(&o);
	}
}

Test(e2e_region, huawei_cloud_regions_go_to_myhuaweicloud, .timeout = 60)
{
	const char *m = three_services();
	struct out o;

	run_bulkrun(&o, NULL, "run", m, "--region", "cn-north-4", "--dry-run",
	    NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "PUT https://dms.cn-north-4.myhuaweicloud.com/v2/p1/"
	    "kafka/instances/i1/connector/tasks/t1/restart\n");
	expect_line(&o, "POST https://css.cn-north-4.myhuaweicloud.com/v1.0/"
	    "p1/clusters/c1/restart\n");
	expect_line(&o, "POST https://dayu-dlf.cn-north-4.myhuaweicloud.com/"
	    "v1/p1/jobs/j1/instances/7/restart\n");
	out_release(&o);

	/* the region with a domain of its own: DMS in eu-west-101 */
	run_bulkrun(&o, NULL, "run", m, "--region", "eu-west-101",
	    "--dry-run", NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "PUT https://dms.eu-west-101.myhuaweicloud.eu/v2/p1/"
	    "kafka/instances/i1/connector/tasks/t1/restart\n");
	out_release(&o);
}

Test(e2e_region, an_unknown_region_needs_cloud, .timeout = 60)
{
	const char *m = three_services();
	struct out o;

	run_bulkrun(&o, NULL, "run", m, "--region", "xx-east-9", "--dry-run",
	    NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "bulkrun: unknown region 'xx-east-9': bulkrun "
	    "knows cn-*, ap-*, af-*, la-*, ru-*, tr-*, me-*, eu-west-*, "
	    "sa-*, na-*, ae-*, my-* (Huawei Cloud); eu-de, eu-nl (Open "
	    "Telekom Cloud); for another region say which cloud it is on: "
	    "--cloud huaweicloud|otc\n") != NULL, "%s", o.err);
	cr_expect(strstr(o.out, "https://") == NULL, "%s", o.out);
	out_release(&o);

	/* said outright, it goes */
	run_bulkrun(&o, NULL, "run", m, "--region", "xx-east-9", "--cloud",
	    "otc", "--dry-run", NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "PUT https://dms.xx-east-9.otc.t-systems.com/v2/");
	out_release(&o);
	run_bulkrun(&o, NULL, "run", m, "--region", "xx-east-9", "--cloud",
	    "huaweicloud", "--dry-run", NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "POST https://css.xx-east-9.myhuaweicloud.com/v1.0/");
	out_release(&o);

	/* a cloud it does not know is a usage error too */
	run_bulkrun(&o, NULL, "run", m, "--region", "eu-de", "--cloud", "aws",
	    "--dry-run", NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "bulkrun: unknown cloud 'aws' (--cloud "
	    "huaweicloud|otc)") != NULL, "%s", o.err);
	out_release(&o);
}

Test(e2e_region, a_roma_row_in_eu_de_is_refused_before_anything_is_sent,
    .timeout = 60)
{
	const char *m = t_write("mixed.csv",
	    "op,project_id,instance_id,task_id,date_from\n"
	    KAFKA ",p1,i1,t1,\n"
	    ROMA ",p1,i2,t2,2026-11-21\n"
	    KAFKA ",p1,i3,t3,\n");
	char kafka[128];
	struct sim s;
	struct out o;

	sim_start(&s, NULL);
	snprintf(kafka, sizeof(kafka), "kafka=%s", s.url);
	/* everything else goes to the simulator; ROMA would go to eu-de */
	run_bulkrun(&o, NULL, "run", m, "--region", "eu-de", "--endpoint",
	    kafka, "-o", t_path("r.csv"), "--rate", "unlimited", "-q", NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "mixed.csv:3: row 3: service 'roma' is not offered "
	    "on Open Telekom Cloud (region 'eu-de')\n") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "1 of 3 rows are invalid; nothing was sent")
	    != NULL, "%s", o.err);
	cr_expect_eq(sim_count(&s), 0);
	cr_expect_null(t_read(t_path("r.csv")));
	out_release(&o);

	/* validate says the same */
	run_bulkrun(&o, NULL, "validate", m, "--region", "eu-de", NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "mixed.csv:3: row 3: service 'roma' is not offered "
	    "on Open Telekom Cloud") != NULL, "%s", o.err);
	out_release(&o);

	/* --skip-invalid: the Kafka rows go, the ROMA row is reported */
	run_bulkrun(&o, NULL, "run", m, "--region", "eu-de", "--endpoint",
	    kafka, "-o", t_path("r.csv"), "--rate", "unlimited", "-q",
	    "--skip-invalid", NULL);
	cr_expect_eq(o.status, 1, "exit %d: %s", o.status, o.err);
	cr_expect_eq(sim_count(&s), 2);
	{
		struct table t;
		size_t r;

		cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
		cr_expect_eq(table_count(&t, "invalid", NULL), 1);
		cr_expect_eq(table_count(&t, "succeeded", NULL), 2);
		cr_assert_neq(r = table_find(&t, "instance_id", "i2"), 0);
		cr_expect_str_eq(table_get(&t, r, "outcome"), "invalid");
		cr_expect(strstr(table_get(&t, r, "error_msg"), "not offered "
		    "on Open Telekom Cloud") != NULL, "%s",
		    table_get(&t, r, "error_msg"));
		table_release(&t);
	}
	out_release(&o);
	sim_stop(&s);
}

Test(e2e_region, a_row_region_follows_the_same_rules, .timeout = 60)
{
	const char *m = t_write("rows.csv",
	    "op,project_id,cluster_id,region\n"
	    CSS ",p1,c1,\n"
	    CSS ",p1,c2,eu-nl\n"
	    CSS ",p1,c3,cn-north-4\n"
	    CSS ",p1,c4,cn-north-1\n");
	const char *bad = t_write("bad.csv",
	    "op,project_id,cluster_id,instance_id,task_id,region\n"
	    CSS ",p1,c1,,,qq-west-7\n"
	    ROMA ",p1,,i1,t1,eu-nl\n"
	    ROMA ",p1,,i1,t1,ap-southeast-1\n");
	struct out o;

	run_bulkrun(&o, NULL, "run", m, "--region", "eu-de", "--dry-run",
	    NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "POST https://css.eu-de.otc.t-systems.com/v1.0/p1/"
	    "clusters/c1/restart\n");
	expect_line(&o, "POST https://css.eu-nl.otc.t-systems.com/v1.0/p1/"
	    "clusters/c2/restart\n");
	expect_line(&o, "POST https://css.cn-north-4.myhuaweicloud.com/v1.0/"
	    "p1/clusters/c3/restart\n");
	expect_line(&o, "POST https://es.cn-north-1.myhuaweicloud.com/v1.0/"
	    "p1/clusters/c4/restart\n");
	out_release(&o);

	/* a row's unknown region and ROMA in an OTC region are the rows'
	 * problems, each named; --cloud would apply to the rows too */
	run_bulkrun(&o, NULL, "run", bad, "--dry-run", NULL);
	cr_expect_eq(o.status, 2, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "bad.csv:2: row 2: unknown region 'qq-west-7': ")
	    != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "bad.csv:3: row 3: service 'roma' is not offered on "
	    "Open Telekom Cloud (region 'eu-nl')\n") != NULL, "%s", o.err);
	cr_expect(strstr(o.err, "bad.csv:4:") == NULL, "%s", o.err);
	cr_expect(strstr(o.err, "2 of 3 rows are invalid") != NULL, "%s",
	    o.err);
	out_release(&o);
}

Test(e2e_region, ops_shows_the_hosts_per_cloud, .timeout = 60)
{
	struct out o;

	run_bulkrun(&o, NULL, "ops", KAFKA, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "  hosts:     huaweicloud  https://dms.{region}."
	    "myhuaweicloud.com\n"
	    "                            eu-west-101: https://dms.eu-west-101."
	    "myhuaweicloud.eu\n"
	    "             otc          https://dms.{region}.otc.t-systems.com"
	    "\n");
	out_release(&o);
	run_bulkrun(&o, NULL, "ops", ROMA, NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	expect_line(&o, "             otc          not offered\n");
	out_release(&o);
}

Test(e2e_region, os_auth_url_defaults_to_the_iam_of_the_region, .timeout = 60)
{
	const char *m = three_services();
	struct out o;

	setenv("OS_USERNAME", "alice", 1);
	setenv("OS_PASSWORD", "Pa55word-xyz", 1);
	setenv("OS_USER_DOMAIN_NAME", "alice-domain", 1);
	setenv("OS_PROJECT_ID", "p1", 1);
	unsetenv("OS_AUTH_URL");
	/* a dry run fetches no token: nothing goes to IAM */
	run_bulkrun(&o, NULL, "run", m, "--region", "eu-nl", "--dry-run",
	    NULL);
	cr_expect_eq(o.status, 0, "exit %d: %s", o.status, o.err);
	cr_expect(strstr(o.err, "bulkrun: OS_AUTH_URL is not set: the token "
	    "comes from https://iam.eu-nl.otc.t-systems.com/v3, IAM of region "
	    "'eu-nl'\n") != NULL, "%s", o.err);
	expect_line(&o, "X-Auth-Token: ***\n");
	cr_expect(strstr(o.out, "Pa55word") == NULL);
	cr_expect(strstr(o.err, "Pa55word") == NULL);
	out_release(&o);
	run_bulkrun(&o, NULL, "run", m, "--region", "cn-north-4", "--dry-run",
	    NULL);
	cr_expect(strstr(o.err, "https://iam.cn-north-4.myhuaweicloud.com/v3")
	    != NULL, "%s", o.err);
	out_release(&o);
}
