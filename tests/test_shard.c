#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cli.h"
#include "shard.h"

/* VAR/N splits into a variable's name and a shard count; anything else
 * is refused with the shape it should have. */
Test(shard, the_spec_is_var_slash_n)
{
	static const struct {
		const char *spec, *var;
		long n;
	} ok[] = {
		{ "JOB_COMPLETION_INDEX/3", "JOB_COMPLETION_INDEX", 3 },
		{ "SLURM_ARRAY_TASK_ID/1", "SLURM_ARRAY_TASK_ID", 1 },
		{ "i/1000000", "i", 1000000 },
	};
	static const char *bad[] = { "JOB_COMPLETION_INDEX", "/3", "X/0",
	    "X/-1", "X/+2", "X/3x", "X/ 3", "1X/3", "A-B/3", "X/1000001",
	    "X/", "" };
	char var[64], msg[256];
	size_t i;
	long n;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(br_shard_env_spec(ok[i].spec, var, sizeof(var),
		    &n, msg, sizeof(msg)), 0, "%s: %s", ok[i].spec, msg);
		cr_assert_str_eq(var, ok[i].var);
		cr_assert_eq(n, ok[i].n);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(br_shard_env_spec(bad[i], var, sizeof(var), &n,
		    msg, sizeof(msg)), -1, "'%s' accepted", bad[i]);
		cr_assert_not_null(strstr(msg, "is not VAR/N"), "%s", msg);
	}
}

/* The variable holds the 0-based index: K = index + 1; unset, not a
 * plain number, or out of range is refused, naming the variable. */
Test(shard, the_index_is_zero_based_and_checked)
{
	static const char *bad[] = { "3", "-1", "1.0", " 1", "1 ", "", "x",
	    "99999999999999999999" };
	char msg[512];
	size_t i;
	long k = 0;

	cr_assert_eq(br_shard_env_index("V", "0", 3, &k, msg, sizeof(msg)), 0);
	cr_assert_eq(k, 1);
	cr_assert_eq(br_shard_env_index("V", "2", 3, &k, msg, sizeof(msg)), 0);
	cr_assert_eq(k, 3);
	cr_assert_eq(br_shard_env_index("V", NULL, 3, &k, msg, sizeof(msg)),
	    -1);
	cr_assert_not_null(strstr(msg, "V is not set"), "%s", msg);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(br_shard_env_index("V", bad[i], 3, &k, msg,
		    sizeof(msg)), -1, "'%s' accepted", bad[i]);
		cr_assert_not_null(strstr(msg, "from 0 to 2"), "%s", msg);
	}
}

static int
parse(struct br_opts *o, const char *const *args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = "bulkrun";
	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return br_cli_parse(o, argc, argv);
}

/* The options of unattended runs on the command line. */
Test(shard, cli_reads_shard_env_lock_and_metrics)
{
	const char *a[] = { "run", "m.csv", "--shard-env",
	    "BR_TEST_INDEX/3", "--lock", "/run/b.lock", "--lock-wait", "2m",
	    "--metrics", "m.prom", "--summary-json", "s.json", NULL };
	const char *both[] = { "run", "m.csv", "--shard", "1/3",
	    "--shard-env", "BR_TEST_INDEX/3", NULL };
	const char *both2[] = { "run", "m.csv", "--shard-env",
	    "BR_TEST_INDEX/3", "--shard", "1/3", NULL };
	const char *unset[] = { "run", "m.csv", "--shard-env",
	    "BR_TEST_UNSET_INDEX/3", NULL };
	const char *range[] = { "run", "m.csv", "--shard-env",
	    "BR_TEST_INDEX/2", NULL };
	const char *nolock[] = { "run", "m.csv", "--lock-wait", "1m", NULL };
	struct br_opts o;

	cr_assert_eq(setenv("BR_TEST_INDEX", "2", 1), 0);
	unsetenv("BR_TEST_UNSET_INDEX");
	cr_assert_eq(parse(&o, a), 0);
	cr_assert_eq(o.shard_k, 3);
	cr_assert_eq(o.shard_n, 3);
	cr_assert_str_eq(o.shard_env, "BR_TEST_INDEX/3");
	cr_assert_str_eq(o.lock, "/run/b.lock");
	cr_assert_eq(o.lock_wait_ms, 120000);
	cr_assert_str_eq(o.metrics, "m.prom");
	cr_assert_str_eq(o.summary_json, "s.json");
	br_cli_release(&o);
	cr_assert_eq(parse(&o, both), 2, "--shard and --shard-env");
	br_cli_release(&o);
	cr_assert_eq(parse(&o, both2), 2);
	br_cli_release(&o);
	cr_assert_eq(parse(&o, unset), 2, "unset");
	br_cli_release(&o);
	cr_assert_eq(parse(&o, range), 2, "index 2 of 2 shards");
	br_cli_release(&o);
	cr_assert_eq(parse(&o, nolock), 2, "--lock-wait without --lock");
	br_cli_release(&o);
}
