#include <criterion/criterion.h>

#include "adaptive.h"

Test(adaptive, sets_no_limit_until_throttled)
{
	struct br_adapt a;
	int64_t t;

	br_adapt_init(&a, 0, 0);
	for (t = 0; t < 5000; t += 2) {
		br_adapt_sent(&a, t);
		cr_assert_eq(br_adapt_answer(&a, 0, t), 0);
	}
	cr_assert_float_eq(br_adapt_rate(&a), 0, 1e-9);
}

Test(adaptive, cuts_at_once_to_what_the_service_accepts)
{
	struct br_adapt a;
	int64_t t;
	int i;

	/* 1000/s sent, of which the service takes 100/s */
	br_adapt_init(&a, 0, 0);
	for (t = 0; t < 1000; t++) {
		br_adapt_sent(&a, t);
		if (t % 10 == 0)
			br_adapt_answer(&a, 0, t);
	}
	cr_assert_eq(br_adapt_answer(&a, 1, 1000), 1);
	cr_assert_leq(br_adapt_rate(&a), 95.5);
	cr_assert_geq(br_adapt_rate(&a), 85);
	/* the other 429s of that second change nothing */
	for (i = 0; i < 50; i++)
		cr_assert_eq(br_adapt_answer(&a, 1, 1000 + i), 0);
	cr_assert_leq(br_adapt_rate(&a), 95.5);
}

Test(adaptive, climbs_back_additively_never_above_the_ceiling)
{
	struct br_adapt a;
	double r0, r1;
	int64_t t;

	br_adapt_init(&a, 50, 0);
	for (t = 0; t < 1000; t += 10) {
		br_adapt_sent(&a, t);
		br_adapt_answer(&a, 0, t);
	}
	br_adapt_answer(&a, 1, 1000);
	r0 = br_adapt_rate(&a);
	cr_assert_leq(r0, 42.51);		/* 0.85 of the ceiling */
	/* within the cooldown nothing climbs */
	br_adapt_answer(&a, 0, 1500);
	cr_assert_float_eq(br_adapt_rate(&a), r0, 1e-9);
	br_adapt_answer(&a, 0, 3000);		/* 2 s after the cut */
	r1 = br_adapt_rate(&a);
	cr_assert_float_eq(r1 - r0, 2 * 50.0 / 20.0, 1e-6, "2.5/s a second");
	for (t = 3000; t < 200000; t += 100)
		br_adapt_answer(&a, 0, t);
	cr_assert_float_eq(br_adapt_rate(&a), 50, 1e-9);
}

Test(adaptive, a_second_throttle_after_the_cooldown_cuts_again)
{
	struct br_adapt a;
	double r0;

	br_adapt_init(&a, 100, 0);
	br_adapt_answer(&a, 1, 0);
	r0 = br_adapt_rate(&a);
	cr_assert_gt(r0, 0);
	cr_assert_eq(br_adapt_answer(&a, 1, 1500), 1);
	cr_assert_lt(br_adapt_rate(&a), r0);
	cr_assert_eq(a.cuts, 2);
	cr_assert_geq(br_adapt_rate(&a), 0.5);
}
