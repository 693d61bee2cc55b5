#include <stdlib.h>

#include <criterion/criterion.h>

#include "delayq.h"

Test(delayq, items_come_out_in_due_order_only_when_due)
{
	struct br_delayq q;
	struct br_delayq_item it[5] = { { 300 }, { 100 }, { 500 }, { 200 },
	    { 100 } };
	int i;

	cr_assert_eq(br_delayq_init(&q, 5), 0);
	for (i = 0; i < 5; i++)
		cr_assert_eq(br_delayq_push(&q, &it[i]), 0);
	cr_assert_eq(br_delayq_push(&q, &it[0]), -1, "full at capacity");
	cr_assert_eq(br_delayq_wait(&q, 0), 100);
	cr_assert_null(br_delayq_pop_due(&q, 99));
	cr_assert_eq(br_delayq_pop_due(&q, 100)->due, 100);
	cr_assert_eq(br_delayq_pop_due(&q, 100)->due, 100);
	cr_assert_null(br_delayq_pop_due(&q, 150));
	cr_assert_eq(br_delayq_wait(&q, 150), 50);
	cr_assert_eq(br_delayq_pop_due(&q, 1000)->due, 200);
	cr_assert_eq(br_delayq_pop_due(&q, 1000)->due, 300);
	cr_assert_eq(br_delayq_pop_due(&q, 1000)->due, 500);
	cr_assert_null(br_delayq_pop_due(&q, 1000));
	cr_assert_eq(br_delayq_wait(&q, 0), -1);
	br_delayq_release(&q);
}

Test(delayq, heap_order_holds_for_random_times)
{
	enum { N = 2000 };
	static struct br_delayq_item it[N];
	struct br_delayq q;
	struct br_delayq_item *x;
	int64_t last = -1;
	unsigned seed = 7;
	int i;

	cr_assert_eq(br_delayq_init(&q, N), 0);
	for (i = 0; i < N; i++) {
		it[i].due = rand_r(&seed) % 100000;
		cr_assert_eq(br_delayq_push(&q, &it[i]), 0);
	}
	for (i = 0; i < N; i++) {
		x = br_delayq_pop(&q);
		cr_assert_not_null(x);
		cr_assert_geq(x->due, last);
		last = x->due;
	}
	cr_assert_null(br_delayq_pop(&q));
	br_delayq_release(&q);
}
