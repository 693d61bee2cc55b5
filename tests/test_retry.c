#include <string.h>

#include <criterion/criterion.h>

#include "retry.h"

Test(retry, default_policy_retries_net_429_and_5xx_only)
{
	struct br_retry_policy p;
	static const long yes[] = { 429, 500, 502, 503, 504 };
	static const long no[] = { 400, 401, 403, 404, 409, 501 };
	size_t i;

	br_retry_defaults(&p);
	cr_assert_eq(p.retries, 3);
	cr_assert_eq(p.base_ms, 500);
	cr_assert_eq(p.max_ms, 30000);
	cr_assert(br_retry_wanted(&p, 1, 0, 0, NULL));
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(br_retry_wanted(&p, 0, 0, yes[i], NULL), "%ld", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect(!br_retry_wanted(&p, 0, 0, no[i], "X.1"), "%ld", no[i]);
}

Test(retry, throttling_codes_count_as_429_whatever_the_status)
{
	struct br_retry_policy p;

	br_retry_defaults(&p);
	cr_assert(br_retry_wanted(&p, 0, 0, 404, "DMS.10240407"));
	cr_assert(br_retry_wanted(&p, 0, 0, 400, "APIG.0308"));
	cr_assert(!br_retry_wanted(&p, 0, 0, 404, "DMS.00404022"));
	cr_assert(br_retry_is_throttle("APIG.0308"));
	cr_assert(!br_retry_is_throttle("APIG.0301"));
	cr_assert(!br_retry_is_throttle(NULL));
}

Test(retry, retry_on_takes_statuses_codes_and_net)
{
	struct br_retry_policy p;
	char msg[128];

	br_retry_defaults(&p);
	cr_assert_eq(br_retry_parse_on(&p, "409, FDI.3150", msg, sizeof(msg)),
	    0);
	cr_assert(!p.on_net);
	cr_assert(br_retry_wanted(&p, 0, 0, 409, NULL));
	cr_assert(br_retry_wanted(&p, 0, 0, 400, "FDI.3150"));
	cr_assert(!br_retry_wanted(&p, 0, 0, 503, NULL));
	cr_assert(!br_retry_wanted(&p, 1, 0, 0, NULL));
	cr_assert_eq(br_retry_parse_on(&p, "none", msg, sizeof(msg)), 0);
	cr_assert(!br_retry_wanted(&p, 0, 0, 429, NULL));
	cr_assert_eq(br_retry_parse_on(&p, "net,700", msg, sizeof(msg)), -1);
	cr_assert(strstr(msg, "700") != NULL);
}

Test(retry, backoff_is_full_jitter_under_an_exponential_cap)
{
	struct br_retry_policy p;
	uint64_t rng = 42;
	int64_t d, seen_max[6] = { 0 };
	int n, i;

	br_retry_defaults(&p);
	p.base_ms = 100;
	p.max_ms = 1000;
	for (i = 0; i < 2000; i++)
		for (n = 1; n <= 5; n++) {
			d = br_retry_backoff(&p, n, &rng);
			cr_assert_geq(d, 0);
			cr_assert_leq(d, n == 5 ? 1000 : 100 << (n - 1));
			if (d > seen_max[n])
				seen_max[n] = d;
		}
	/* the whole range is used, not a fixed delay */
	cr_expect_gt(seen_max[1], 90);
	cr_expect_gt(seen_max[4], 700);
	cr_expect_gt(seen_max[5], 900);
}

Test(retry, retry_after_in_both_forms)
{
	/* Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
	int64_t now = 784111777000LL - 5000;

	cr_assert_eq(br_retry_after_ms("3", now), 3000);
	cr_assert_eq(br_retry_after_ms(" 0 ", now), 0);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", now),
	    5000);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT",
	    now + 10000), 0);
	cr_assert_eq(br_retry_after_ms(NULL, now), -1);
	cr_assert_eq(br_retry_after_ms("soon", now), -1);
	cr_assert_eq(br_retry_after_ms("-1", now), -1);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Foo 1994 08:49:37 GMT", now),
	    -1);
}

/* Found by fuzz/fuzz_result: a huge year overflowed y - 1900 and
 * t * 1000 (signed overflow, undefined behaviour). */
Test(retry, retry_after_date_with_a_year_out_of_range_is_unreadable)
{
	int64_t now = 784111777000LL;

	cr_assert_eq(br_retry_after_ms("Sun,06 Nov65282147483647 08:9:37 GMT",
	    now), -1);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov 2147483647 08:49:37 GMT",
	    now), -1);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov -2147483648 08:49:37 GMT",
	    now), -1);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov 10000 08:49:37 GMT", now),
	    -1);
	cr_assert_eq(br_retry_after_ms("Wed, 31 Dec 1969 23:59:59 GMT", now),
	    -1);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov 1994 -8:49:37 GMT", now),
	    -1);
	cr_assert_eq(br_retry_after_ms("Sun, 06 Nov 1994 08:-1:37 GMT", now),
	    -1);
	/* the edges still read */
	cr_assert_eq(br_retry_after_ms("Thu, 01 Jan 1970 00:00:00 GMT", now),
	    0);
	cr_assert_eq(br_retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT", now),
	    253402300799000LL - now);
}

Test(retry, a_request_that_may_have_arrived_needs_net_unsafe)
{
	struct br_retry_policy p;
	char msg[128];

	br_retry_defaults(&p);
	/* nothing sent, or idempotent: plain "net" */
	cr_assert(br_retry_wanted(&p, 1, 0, 0, NULL));
	/* sent, no answer, not idempotent: not by default */
	cr_assert(!br_retry_wanted(&p, 1, 1, 0, NULL));
	cr_assert_eq(br_retry_parse_on(&p, "net-unsafe", msg, sizeof(msg)), 0);
	cr_assert(p.on_net && p.on_net_unsafe);
	cr_assert(br_retry_wanted(&p, 1, 1, 0, NULL));
	cr_assert(br_retry_wanted(&p, 1, 0, 0, NULL));
	cr_assert_eq(br_retry_parse_on(&p, "net", msg, sizeof(msg)), 0);
	cr_assert(!p.on_net_unsafe);
}

/* The wait before a retry: the backoff, or Retry-After up to max when
 * it is longer. */
Test(retry, the_delay_is_the_backoff_or_retry_after_up_to_max)
{
	struct br_retry_policy p = { .base_ms = 100, .max_ms = 2000 };
	uint64_t rng = 42;
	int64_t d;

	d = br_retry_delay(&p, 1, &rng, NULL, 0);
	cr_assert(d >= 0 && d <= 100, "%lld", (long long)d);
	cr_assert_eq(br_retry_delay(&p, 1, &rng, "1", 0), 1000);
	cr_assert_eq(br_retry_delay(&p, 1, &rng, "30", 0), 2000, "capped");
}
