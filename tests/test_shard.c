#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

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
