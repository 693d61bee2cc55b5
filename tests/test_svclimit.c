#include <criterion/criterion.h>

#include "cli.h"
#include "svclimit.h"

/* A service's fixed rate holds that service back, not the others. */
Test(svclimit, a_service_rate_limits_only_that_service)
{
	struct br_svc_rate fixed[] = { { "css", 10 } };
	struct br_svclimit l;
	int css, kafka, i;

	br_svclimit_init(&l, 0, 1, fixed, 1, 1000);
	css = br_svclimit_index(&l, "css", 1000);
	kafka = br_svclimit_index(&l, "kafka", 1000);
	cr_assert_eq(br_svclimit_index(&l, "CSS", 1000), css);
	cr_assert_neq(css, kafka);
	cr_assert_eq(br_svclimit_take(&l, css, 1000), 0);
	cr_assert_gt(br_svclimit_take(&l, css, 1000), 0, "10/s: wait");
	cr_assert_leq(br_svclimit_take(&l, css, 1000), 100);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(br_svclimit_take(&l, kafka, 1000), 0);
	cr_assert_eq(br_svclimit_take(&l, css, 1100), 0, "next token");
	br_svclimit_release(&l);
}

/* The global rate applies to every service together. */
Test(svclimit, the_global_rate_applies_to_all)
{
	struct br_svclimit l;
	int a, b;

	br_svclimit_init(&l, 100, 1, NULL, 0, 0);
	a = br_svclimit_index(&l, "a", 0);
	b = br_svclimit_index(&l, "b", 0);
	cr_assert_eq(br_svclimit_take(&l, a, 0), 0);
	cr_assert_gt(br_svclimit_take(&l, b, 0), 0);
	cr_assert_eq(br_svclimit_take(&l, b, 10), 0);
	br_svclimit_release(&l);
}

/* Throttling answers slow the service down; the other keeps its pace. */
Test(svclimit, throttling_slows_that_service_down)
{
	struct br_svclimit l;
	int a, b, i, waited = 0;
	int64_t now = 0;

	br_svclimit_init(&l, 0, 1, NULL, 0, now);
	a = br_svclimit_index(&l, "a", now);
	b = br_svclimit_index(&l, "b", now);
	for (i = 0; i < 200; i++, now += 5) {
		if (br_svclimit_take(&l, a, now) > 0) {
			waited++;
			continue;
		}
		br_svclimit_answer(&l, a, i >= 100, now);
	}
	cr_assert_gt(waited, 0, "a is held back after throttling");
	for (i = 0; i < 100; i++)
		cr_assert_eq(br_svclimit_take(&l, b, now), 0);
	br_svclimit_release(&l);
}
