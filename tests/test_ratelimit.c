#include <criterion/criterion.h>

#include "ratelimit.h"

Test(ratelimit, refills_at_rate_and_caps_at_burst)
{
	struct br_ratelimit rl;

	br_ratelimit_init(&rl, 10, 2, 0);
	cr_assert_eq(br_ratelimit_take(&rl, 0), 0);
	cr_assert_eq(br_ratelimit_take(&rl, 0), 0);
	cr_assert_eq(br_ratelimit_take(&rl, 0), 100);	/* empty */
	cr_assert_eq(br_ratelimit_take(&rl, 5000), 0);	/* refilled */
	cr_assert_eq(br_ratelimit_take(&rl, 5000), 0);
	/* capped at 2 tokens and 1 ms's worth: 99 ms to the next */
	cr_assert_eq(br_ratelimit_take(&rl, 5000), 99);
}

Test(ratelimit, waits_only_for_the_missing_fraction)
{
	struct br_ratelimit rl;

	br_ratelimit_init(&rl, 200, 1, 1000);
	cr_assert_eq(br_ratelimit_take(&rl, 1000), 0);
	cr_assert_eq(br_ratelimit_take(&rl, 1002), 3);	/* 5 ms apart */
	cr_assert_eq(br_ratelimit_take(&rl, 1005), 0);
	cr_assert_eq(br_ratelimit_take(&rl, 1005), 5);
}

Test(ratelimit, keeps_pace_over_many_tokens)
{
	struct br_ratelimit rl;
	int64_t now = 0, w;
	int sent = 0;

	/* 1001 tokens at 200/s: 5 s, without drift */
	br_ratelimit_init(&rl, 200, 1, 0);
	while (sent < 1001) {
		if ((w = br_ratelimit_take(&rl, now)) == 0)
			sent++;
		else
			now += w;
	}
	cr_assert_geq(now, 4995);
	cr_assert_leq(now, 5000);
}

Test(ratelimit, a_late_wakeup_of_one_ms_loses_no_pace)
{
	struct br_ratelimit rl;
	int64_t now = 0, w, due;
	int sent = 0;

	/* the caller always wakes 1 ms after it was told to */
	br_ratelimit_init(&rl, 200, 1, 0);
	while (sent < 1001) {
		if ((w = br_ratelimit_take(&rl, now)) == 0)
			sent++;
		else {
			due = now + w;
			now = due + 1;
		}
	}
	cr_assert_leq(now, 5000 + 10, "%lld ms for 1000 intervals",
	    (long long)now);
}

Test(ratelimit, no_window_holds_more_than_rate_plus_burst)
{
	struct br_ratelimit rl;
	int64_t t[2000], now = 0, w;
	int n = 0, i, k = 0, most = 0;

	br_ratelimit_init(&rl, 200, 1, 0);
	while (n < 2000) {
		if ((w = br_ratelimit_take(&rl, now)) == 0)
			t[n++] = now;
		else
			now += 1;	/* poll every ms: the worst case */
	}
	for (i = 0; i < n; i++) {
		while (t[i] - t[k] > 1000)
			k++;
		if (i - k + 1 > most)
			most = i - k + 1;
	}
	cr_assert_leq(most, 201);
}

Test(ratelimit, unlimited_never_waits)
{
	struct br_ratelimit rl;
	int i;

	br_ratelimit_init(&rl, 0, 1, 0);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(br_ratelimit_take(&rl, 0), 0);
}

Test(ratelimit, peek_takes_nothing)
{
	struct br_ratelimit rl;

	br_ratelimit_init(&rl, 1, 1, 0);
	cr_assert_eq(br_ratelimit_peek(&rl, 0), 0);
	cr_assert_eq(br_ratelimit_peek(&rl, 0), 0);
	cr_assert_eq(br_ratelimit_take(&rl, 0), 0);
	cr_assert_eq(br_ratelimit_peek(&rl, 0), 1000);
}

Test(ratelimit, set_rate_changes_the_pace)
{
	struct br_ratelimit rl;

	br_ratelimit_init(&rl, 10, 1, 0);
	cr_assert_eq(br_ratelimit_take(&rl, 0), 0);
	br_ratelimit_set_rate(&rl, 100, 0);
	cr_assert_eq(br_ratelimit_take(&rl, 0), 10);
}

Test(ratelimit, parses_rates)
{
	static const struct { const char *s; double v; int ok; } t[] = {
		{ "20", 20, 0 }, { "20/s", 20, 0 }, { "600/m", 10, 0 },
		{ "3600/h", 1, 0 }, { "unlimited", 0, 0 }, { "0.5", 0.5, 0 },
		{ "0", 0, -1 }, { "-3", 0, -1 }, { "ten", 0, -1 },
		{ "20/d", 0, -1 }, { "20 /s", 0, -1 }, { "", 0, -1 },
	};
	size_t i;
	double v;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = -1;
		cr_expect_eq(br_rate_parse(t[i].s, &v), t[i].ok, "'%s'",
		    t[i].s);
		if (t[i].ok == 0)
			cr_expect_float_eq(v, t[i].v, 1e-9, "'%s'", t[i].s);
	}
}
