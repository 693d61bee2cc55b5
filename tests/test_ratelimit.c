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

/*
 * Exact pacing, with the clock injected: the e2e tests cannot check this
 * to the millisecond (the simulator's timestamps jitter on busy cores), so
 * the schedule itself is proven here.
 */

/* The most takes in any closed window [t[k], t[k] + len] (t sorted). */
static int
window_max(const int64_t *t, int n, int64_t len)
{
	int i, k = 0, most = 0;

	for (i = 0; i < n; i++) {
		while (t[i] - t[k] > len)
			k++;
		if (i - k + 1 > most)
			most = i - k + 1;
	}
	return most;
}

/* A caller that sleeps exactly what it is told; records n take times. */
static void
drive_exact(struct br_ratelimit *rl, int64_t *t, int n)
{
	int64_t now = rl->last_ms, w;
	int i = 0;

	while (i < n) {
		if ((w = br_ratelimit_take(rl, now)) == 0)
			t[i++] = now;
		else
			now += w;
	}
}

Test(ratelimit, exact_schedule_of_1000_takes_at_200_per_s)
{
	static int64_t t[1000];
	struct br_ratelimit rl;
	int i;

	br_ratelimit_init(&rl, 200, 1, 0);
	drive_exact(&rl, t, 1000);
	/* one every 5 ms, from the first at 0: no drift, no early token */
	for (i = 0; i < 1000; i++)
		cr_assert_eq(t[i], 5 * (int64_t)i, "take %d at %lld ms", i,
		    (long long)t[i]);
	cr_assert_eq(t[999] - t[0], 4995, "999 intervals of 5 ms");
	/* a closed one-second window holds rate + burst = 201 (both ends
	 * are takes), a half-open one 200 */
	cr_assert_eq(window_max(t, 1000, 1000), 201);
	cr_assert_eq(window_max(t, 1000, 999), 200);
	/* and shorter windows their share: 1 + 200 * L */
	cr_assert_eq(window_max(t, 1000, 100), 21);
	cr_assert_eq(window_max(t, 1000, 4), 1);
}

Test(ratelimit, exact_schedule_keeps_its_pace_from_any_start)
{
	static int64_t t[1000];
	struct br_ratelimit rl;
	int i;

	/* a monotonic clock that does not start at 0, and a rate that is
	 * not a whole number of ms per token: 300/s is 3.33 ms */
	br_ratelimit_init(&rl, 300, 1, 123456789);
	drive_exact(&rl, t, 1000);
	for (i = 1; i < 1000; i++) {
		cr_assert_geq(t[i] - t[i - 1], 3, "take %d", i);
		cr_assert_leq(t[i] - t[i - 1], 4, "take %d", i);
	}
	/* 999 tokens at 300/s: 3330 ms, to the ms */
	cr_assert_geq(t[999] - t[0], 3330 - 1);
	cr_assert_leq(t[999] - t[0], 3330 + 1);
	cr_assert_leq(window_max(t, 1000, 1000), 301);
}

/*
 * However late the caller wakes (a busy machine), the limiter never lets
 * more than burst + rate * L through in a window of L, so 1000 takes at
 * 200/s span at least 4.994 s; being late only costs time.
 */
Test(ratelimit, late_wakeups_never_exceed_rate_plus_burst)
{
	static int64_t t[1000];
	static const int lateness[] = { 0, 1, 2, 3, 7, 20 };
	struct br_ratelimit rl;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int64_t now, w;
	size_t m;
	int i;

	for (m = 0; m < sizeof(lateness) / sizeof(lateness[0]); m++) {
		br_ratelimit_init(&rl, 200, 1, 0);
		now = 0;
		i = 0;
		while (i < 1000) {
			if ((w = br_ratelimit_take(&rl, now)) == 0) {
				t[i++] = now;
				continue;
			}
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* woken between 0 and lateness[m] ms late */
			now += w + (int64_t)(x % (uint64_t)(lateness[m] + 1));
		}
		cr_assert_leq(window_max(t, 1000, 1000), 201,
		    "late by up to %d ms", lateness[m]);
		cr_assert_leq(window_max(t, 1000, 100), 21,
		    "late by up to %d ms", lateness[m]);
		cr_assert_geq(t[999] - t[0], 4994,
		    "late by up to %d ms: %lld ms", lateness[m],
		    (long long)(t[999] - t[0]));
		/* up to 1 ms late is absorbed (the bucket keeps 1 ms's
		 * worth); later than that costs at most the lateness */
		if (lateness[m] <= 1)
			cr_assert_leq(t[999] - t[0], 4995 + 5,
			    "%lld ms", (long long)(t[999] - t[0]));
		else
			cr_assert_leq(t[999] - t[0],
			    999 * (5 + lateness[m]), "late by up to %d ms",
			    lateness[m]);
	}
}

Test(ratelimit, burst_goes_at_once_then_the_pace_resumes)
{
	static int64_t t[1000];
	struct br_ratelimit rl;
	int i;

	br_ratelimit_init(&rl, 200, 10, 0);
	drive_exact(&rl, t, 1000);
	for (i = 0; i < 10; i++)
		cr_assert_eq(t[i], 0, "take %d of the burst", i);
	for (i = 10; i < 1000; i++)
		cr_assert_eq(t[i], 5 * (int64_t)(i - 9), "take %d", i);
	cr_assert_eq(window_max(t, 1000, 1000), 210);	/* rate + burst */
}

/*
 * --rate 200/s with --rate css=50/s: a row takes a token from the global
 * bucket and its service's, and waits for the later of the two (peek
 * first, take only when both have one, as take_tokens() in sched.c does).
 * Rows alternate css and kafka (which has no limit of its own).
 */
Test(ratelimit, global_and_service_limits_apply_together)
{
	static int64_t all[1000], css[1000], kafka[1000];
	struct br_ratelimit global, svc;
	int64_t now = 0, w, w2;
	int n = 0, nc = 0, nk = 0, next_is_css = 1;

	br_ratelimit_init(&global, 200, 1, 0);
	br_ratelimit_init(&svc, 50, 1, 0);
	while (n < 1000) {
		w = br_ratelimit_peek(&global, now);
		if (next_is_css && (w2 = br_ratelimit_peek(&svc, now)) > w)
			w = w2;
		if (w > 0) {
			now += w;
			continue;
		}
		cr_assert_eq(br_ratelimit_take(&global, now), 0);
		if (next_is_css) {
			cr_assert_eq(br_ratelimit_take(&svc, now), 0);
			css[nc++] = now;
		} else
			kafka[nk++] = now;
		all[n++] = now;
		next_is_css = !next_is_css;
	}
	/*
	 * css every 20 ms exactly; each kafka row waits for the global
	 * bucket only: 5 ms after the css row before it, or 4 once the
	 * global bucket has kept its 1 ms of slack through the css wait
	 */
	for (n = 0; n < nc; n++)
		cr_assert_eq(css[n], 20 * (int64_t)n, "css row %d", n);
	for (n = 0; n < nk; n++) {
		cr_assert_geq(kafka[n] - css[n], n == 0 ? 5 : 4,
		    "kafka row %d at %lld", n, (long long)kafka[n]);
		cr_assert_leq(kafka[n] - css[n], 5, "kafka row %d", n);
	}
	cr_assert_eq(nc, 500);
	cr_assert_leq(window_max(css, nc, 1000), 51);
	cr_assert_leq(window_max(all, 1000, 1000), 201);
	/* the service limit binds: 500 css rows take 9.98 s */
	cr_assert_eq(css[nc - 1] - css[0], 9980);
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
