#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "progress.h"

static void
add(struct br_stats *s, enum br_outcome o, const char *code, int attempts,
    int64_t ms)
{
	struct br_result r = { 0 };

	r.outcome = o;
	r.error_code = (char *)code;
	r.attempts = attempts;
	r.elapsed_ms = ms;
	br_stats_add(s, &r);
}

Test(progress, percentiles_within_the_bucket_error)
{
	struct br_stats s;
	int i;

	br_stats_init(&s, 1000, 0);
	for (i = 1; i <= 1000; i++)
		add(&s, BR_OUT_SUCCEEDED, NULL, 1, i);
	cr_assert_eq(br_stats_percentile(&s, 100), 1000);
	cr_assert_geq(br_stats_percentile(&s, 50), 500);
	cr_assert_leq(br_stats_percentile(&s, 50), 500 * 1.07);
	cr_assert_geq(br_stats_percentile(&s, 99), 990);
	cr_assert_leq(br_stats_percentile(&s, 99), 1000);
	cr_assert_eq(s.outcomes[BR_OUT_SUCCEEDED], 1000);
}

Test(progress, counts_outcomes_codes_and_retries)
{
	struct br_stats s;
	char buf[2048] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	br_stats_init(&s, 5, 0);
	add(&s, BR_OUT_SUCCEEDED, NULL, 3, 10);
	add(&s, BR_OUT_FAILED, "FDI.3150", 1, 10);
	add(&s, BR_OUT_FAILED, "FDI.3150", 1, 10);
	add(&s, BR_OUT_FAILED, "DLF.0137", 1, 10);
	add(&s, BR_OUT_SKIPPED, "SKIPPED.HALTED", 0, 0);
	cr_assert_eq(s.retries, 2);
	cr_assert_eq(s.nlat, 4, "rows never sent are not timed");
	s.end_mono = 2000;
	br_stats_print(&s, "reports/x.csv", f);
	fclose(f);
	cr_assert(strstr(buf, "5 rows: 1 succeeded, 3 failed, 1 skipped") !=
	    NULL, "%s", buf);
	cr_assert(strstr(buf, "top errors: FDI.3150 x2,") != NULL, "%s", buf);
	cr_assert(strstr(buf, "DLF.0137 x1") != NULL, "%s", buf);
	cr_assert(strstr(buf, "report: reports/x.csv") != NULL, "%s", buf);
}

Test(progress, modes_follow_terminal_and_options)
{
	struct br_progress p;

	br_progress_init(&p, 0, 0, stderr, 1, 0);
	cr_assert_eq(p.mode, 1, "auto on a terminal: bar");
	br_progress_init(&p, 0, 0, stderr, 0, 0);
	cr_assert_eq(p.mode, 0, "auto off a terminal: nothing");
	br_progress_init(&p, 1, 0, stderr, 0, 0);
	cr_assert_eq(p.mode, 2, "always off a terminal: plain lines");
	br_progress_init(&p, 1, 1, stderr, 1, 0);
	cr_assert_eq(p.mode, 0, "-q: nothing");
	br_progress_init(&p, -1, 0, stderr, 1, 0);
	cr_assert_eq(p.mode, 0, "never: nothing");
}

Test(progress, plain_lines_every_ten_seconds_with_rate_and_eta)
{
	struct br_progress p;
	struct br_stats s;
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	int i;

	br_stats_init(&s, 300, 0);
	br_progress_init(&p, 1, 0, f, 0, 0);
	for (i = 0; i < 100; i++)
		add(&s, BR_OUT_SUCCEEDED, NULL, 1, 5);
	br_progress_tick(&p, &s, 5000);		/* too early */
	fflush(f);
	cr_assert_eq(strlen(buf), 0);
	br_progress_tick(&p, &s, 10000);
	fclose(f);
	cr_assert(strstr(buf, "100/300 rows (33%), 100 succeeded, 0 failed, "
	    "0 in flight, 10.0/s, ETA 0:00:20\n") != NULL, "%s", buf);
}

/* The line shows the rows in flight, and the rows waiting for a retry or
 * a token when there are any. */
Test(progress, the_line_shows_rows_in_flight_and_waiting)
{
	struct br_progress p = { 0 };
	struct br_stats s;
	char buf[256];

	br_stats_init(&s, 50, 0);
	s.inflight = 8;
	br_progress_format(&p, &s, buf, sizeof(buf));
	cr_assert(strstr(buf, ", 0 failed, 8 in flight, 0.0/s") != NULL, "%s",
	    buf);
	s.waiting_retry = 2;
	s.waiting_token = 40;
	br_progress_format(&p, &s, buf, sizeof(buf));
	cr_assert(strstr(buf, ", 8 in flight, waiting: 2 retry, 40 token, "
	    "0.0/s") != NULL, "%s", buf);
	s.verifying = 3;
	br_progress_format(&p, &s, buf, sizeof(buf));
	cr_assert(strstr(buf, ", 8 in flight, 3 verifying, waiting: ") != NULL,
	    "%s", buf);
}
