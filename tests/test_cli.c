#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

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

Test(cli, bad_values_are_usage_errors, .init = cr_redirect_stderr)
{
	static const char *bad[][4] = {
		{ "run", "m.csv", "-j", "0" },
		{ "run", "m.csv", "-j", "x" },
		{ "run", "m.csv", "--rate", "fast" },
		{ "run", "m.csv", "--timeout", "0" },
		{ "run", "m.csv", "--backoff", "5 parsecs" },
		{ "run", "m.csv", "--shard", "4/3" },
		{ "run", "m.csv", "--set", "novalue" },
		{ "run", "m.csv", "--delimiter", "|" },
		{ "run", "m.csv", "--progress", "sometimes" },
		{ "run", "m.csv", "--max-failures", "lots" },
		{ "run", "m.csv", "--bogus", NULL },
		{ "frobnicate", NULL, NULL, NULL },
		{ "run", NULL, NULL, NULL },
		{ "run", "a.csv", "b.csv", NULL },
	};
	struct br_opts o;
	const char *a[6];
	size_t i, k;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < 4 && bad[i][k] != NULL; k++)
			a[k] = bad[i][k];
		a[k] = NULL;
		cr_expect_eq(parse(&o, a), 2, "case %zu", i);
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
