#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cli.h"

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

Test(cli, defaults_follow_the_spec)
{
	struct br_opts o;
	const char *a[] = { "run", "m.csv", NULL };

	cr_assert_eq(parse(&o, a), 0);
	cr_assert_eq(o.cmd, BR_CMD_RUN);
	cr_assert_str_eq(o.manifest, "m.csv");
	cr_assert_eq(o.jobs, 8);
	cr_assert_float_eq(o.rate, 10, 1e-9);
	cr_assert_float_eq(o.burst, 1, 1e-9);
	cr_assert_eq(o.retry.retries, 3);
	cr_assert_eq(o.retry.base_ms, 500);
	cr_assert_eq(o.retry.max_ms, 30000);
	cr_assert_eq(o.timeout_ms, 30000);
	cr_assert_eq(o.connect_timeout_ms, 10000);
	cr_assert_eq(o.max_failures, -1);
	br_cli_release(&o);
}

Test(cli, reads_every_running_option)
{
	struct br_opts o;
	const char *a[] = { "run", "-", "-j", "64", "--rate", "600/m",
	    "--rate", "css=5/s", "--burst", "4", "--retries", "0",
	    "--backoff", "250ms", "--max-backoff", "2m", "--timeout", "1.5s",
	    "--connect-timeout", "3", "--max-failures", "5%", "--canary", "2",
	    "--shard", "2/3", "--set", "project_id=p=1", "--op", "css.x",
	    "--endpoint", "css=http://127.0.0.1:1", "--endpoint",
	    "http://127.0.0.1:2", "--delimiter", "tab", "-o", "r.jsonl", "-q",
	    NULL };

	cr_assert_eq(parse(&o, a), 0);
	cr_assert_str_eq(o.manifest, "-");
	cr_assert_eq(o.jobs, 64);
	cr_assert_float_eq(o.rate, 10, 1e-9);
	cr_assert_eq(o.nsvc_rates, 1);
	cr_assert_str_eq(o.svc_rates[0].service, "css");
	cr_assert_float_eq(o.svc_rates[0].rate, 5, 1e-9);
	cr_assert_float_eq(o.burst, 4, 1e-9);
	cr_assert_eq(o.retry.retries, 0);
	cr_assert_eq(o.retry.base_ms, 250);
	cr_assert_eq(o.retry.max_ms, 120000);
	cr_assert_eq(o.timeout_ms, 1500);
	cr_assert_eq(o.connect_timeout_ms, 3000);
	cr_assert_float_eq(o.max_failures_pct, 5, 1e-9);
	cr_assert_eq(o.canary, 2);
	cr_assert_eq(o.shard_k, 2);
	cr_assert_eq(o.shard_n, 3);
	cr_assert_eq(o.nsets, 1);
	cr_assert_str_eq(o.sets[0].name, "project_id");
	cr_assert_str_eq(o.sets[0].value, "p=1");
	cr_assert_str_eq(o.op, "css.x");
	cr_assert_eq(o.neps, 1);
	cr_assert_str_eq(o.ep_names[0], "css");
	cr_assert_str_eq(o.ep_urls[0], "http://127.0.0.1:1");
	cr_assert_str_eq(o.endpoint_all, "http://127.0.0.1:2");
	cr_assert_eq(o.delimiter, '\t');
	cr_assert_str_eq(o.report, "r.jsonl");
	cr_assert(o.quiet);
	br_cli_release(&o);
}

/* Parses args with stderr (fd 2) sent to a temporary file; puts what was
 * printed in err. */
static int
parse_err(struct br_opts *o, const char *const *args, char *err,
    size_t errsz)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	cr_assert_not_null(tmp);
	fflush(stderr);
	saved = dup(2);
	cr_assert_geq(saved, 0);
	cr_assert_geq(dup2(fileno(tmp), 2), 0);
	rc = parse(o, args);
	fflush(stderr);
	cr_assert_geq(dup2(saved, 2), 0);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, errsz - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return rc;
}

Test(cli, bad_values_are_usage_errors)
{
	/* args, then two pieces the message must hold: what was refused
	 * (the option, or the argument) and what is wrong with it */
	static const struct {
		const char	*args[4];
		const char	*what, *why;
	} bad[] = {
		{ { "run", "m.csv", "-j", "0" }, "--jobs: '0'",
		    "is not a number from 1 to 1024" },
		{ { "run", "m.csv", "-j", "x" }, "--jobs: 'x'",
		    "is not a number from 1 to 1024" },
		{ { "run", "m.csv", "--rate", "fast" }, "--rate: ",
		    "cannot read 'fast'" },
		{ { "run", "m.csv", "--timeout", "0" }, "--timeout: ",
		    "must be above 0" },
		{ { "run", "m.csv", "--backoff", "5 parsecs" },
		    "--backoff: cannot read the duration '5 parsecs'",
		    "try 500ms" },
		{ { "run", "m.csv", "--shard", "4/3" }, "--shard: '4/3'",
		    "is not K/N with 1 <= K <= N" },
		{ { "run", "m.csv", "--set", "novalue" }, "--set: 'novalue'",
		    "is not NAME=VALUE" },
		{ { "run", "m.csv", "--delimiter", "|" }, "--delimiter: '|'",
		    "is not ',', ';' or tab" },
		{ { "run", "m.csv", "--progress", "sometimes" },
		    "--progress: 'sometimes'", "is not auto, always or never" },
		{ { "run", "m.csv", "--max-failures", "lots" },
		    "--max-failures: 'lots'",
		    "is not a count or a percentage" },
		{ { "run", "m.csv", "--bogus", NULL }, "'--bogus'",
		    "unknown option" },
		{ { "frobnicate", NULL, NULL, NULL }, "'frobnicate'",
		    "unknown command" },
		{ { "run", NULL, NULL, NULL }, "run: ", "missing MANIFEST" },
		{ { "run", "a.csv", "b.csv", NULL }, "'b.csv'",
		    "unexpected argument" },
	};
	struct br_opts o;
	const char *a[6];
	char err[1024];
	size_t i, k;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < 4 && bad[i].args[k] != NULL; k++)
			a[k] = bad[i].args[k];
		a[k] = NULL;
		cr_expect_eq(parse_err(&o, a, err, sizeof(err)), 2, "case %zu",
		    i);
		cr_expect(strncmp(err, "bulkrun: ", 9) == 0, "case %zu: %s", i,
		    err);
		cr_expect(strstr(err, bad[i].what) != NULL,
		    "case %zu names '%s': %s", i, bad[i].what, err);
		cr_expect(strstr(err, bad[i].why) != NULL,
		    "case %zu says '%s': %s", i, bad[i].why, err);
		cr_expect(strstr(err, "Try 'bulkrun --help'.") != NULL,
		    "case %zu: %s", i, err);
		br_cli_release(&o);
	}
}

Test(cli, durations)
{
	int64_t ms;

	cr_assert_eq(br_duration_parse("500ms", &ms), 0);
	cr_assert_eq(ms, 500);
	cr_assert_eq(br_duration_parse("30s", &ms), 0);
	cr_assert_eq(ms, 30000);
	cr_assert_eq(br_duration_parse("2m", &ms), 0);
	cr_assert_eq(ms, 120000);
	cr_assert_eq(br_duration_parse("1h", &ms), 0);
	cr_assert_eq(ms, 3600000);
	cr_assert_eq(br_duration_parse("7", &ms), 0);
	cr_assert_eq(ms, 7000);
	cr_assert_eq(br_duration_parse("-1s", &ms), -1);
	cr_assert_eq(br_duration_parse("1d", &ms), -1);
	cr_assert_eq(br_duration_parse("", &ms), -1);
}

Test(cli, help_and_version)
{
	struct br_opts o;
	const char *h[] = { "run", "--help", NULL };
	const char *v[] = { "--version", NULL };

	cr_assert_eq(parse(&o, h), 0);
	cr_assert_eq(o.cmd, BR_CMD_HELP);
	cr_assert_str_eq(o.manifest, "run");
	br_cli_release(&o);
	cr_assert_eq(parse(&o, v), 0);
	cr_assert_eq(o.cmd, BR_CMD_VERSION);
	br_cli_release(&o);
}

Test(cli, allow_old_dates)
{
	static const char *const off[] = { "validate", "m.csv", NULL };
	static const char *const on[] = { "validate", "m.csv",
	    "--allow-old-dates", NULL };
	struct br_opts o;

	cr_assert_eq(parse(&o, off), 0);
	cr_assert_eq(o.allow_old_dates, 0);
	br_cli_release(&o);
	cr_assert_eq(parse(&o, on), 0);
	cr_assert_eq(o.allow_old_dates, 1);
	br_cli_release(&o);
}

/* The options of unattended runs on the command line. */
Test(cli, reads_shard_env_lock_and_metrics)
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
