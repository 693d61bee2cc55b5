/*
 * dispatch: which queued row goes next, with the clock passed in (no
 * sleeping): a blocked service is passed over, queues take turns, rows of
 * a queue keep manifest order, the global rate holds every queue.
 */
#include <criterion/criterion.h>

#include "cli.h"
#include "dispatch.h"

#define N	16

struct fixture {
	struct br_svclimit	 l;
	struct br_dispatch	 d;
	struct br_ready		 row[N];
};

static void
setup(struct fixture *f, double rate, const struct br_svc_rate *fixed,
    size_t nfixed)
{
	memset(f, 0, sizeof(*f));
	br_svclimit_init(&f->l, rate, 1, fixed, nfixed, 0);
	cr_assert_eq(br_dispatch_init(&f->d, &f->l), 0);
}

static void
add(struct fixture *f, int i, const char *svc)
{
	f->row[i].num = i;
	f->row[i].svc = br_svclimit_index(&f->l, svc, 0);
	cr_assert_eq(br_dispatch_add(&f->d, &f->row[i]), 0);
}

/* The number of the row sent at now, or -1 (with *wait, *global). */
static int
next(struct fixture *f, int64_t now, int64_t *wait, int *global)
{
	struct br_ready *it;

	*wait = 1000000;
	it = br_dispatch_next(&f->d, now, wait, global, 1);
	return it == NULL ? -1 : (int)it->num;
}

static void
teardown(struct fixture *f)
{
	br_dispatch_release(&f->d);
	br_svclimit_release(&f->l);
}

/* css=4/s: the Kafka rows behind a waiting CSS row go at once. */
Test(dispatch, a_blocked_service_is_passed_over)
{
	struct br_svc_rate fixed[] = { { "css", 4 } };
	struct fixture f;
	int64_t wait;
	int global, i, got[N], n = 0, r;

	setup(&f, 0, fixed, 1);
	add(&f, 1, "css");
	add(&f, 2, "css");
	for (i = 3; i < 8; i++)
		add(&f, i, "kafka");
	while ((r = next(&f, 0, &wait, &global)) >= 0)
		got[n++] = r;
	cr_assert_eq(n, 6, "one CSS row and the five Kafka rows");
	cr_assert_eq(got[0], 1);
	for (i = 1; i < 6; i++)
		cr_assert_eq(got[i], i + 2, "Kafka in manifest order");
	cr_assert_eq(global, 0);
	cr_assert_eq(wait, 250, "the next CSS token, in ms: %lld",
	    (long long)wait);
	cr_assert_eq(f.d.n, 1);
	cr_assert_eq(next(&f, 249, &wait, &global), -1);
	cr_assert_eq(wait, 1);
	cr_assert_eq(next(&f, 250, &wait, &global), 2, "its token came");
	teardown(&f);
}

/* Two services with rows ready take turns (round robin), each in order. */
Test(dispatch, ready_queues_take_turns)
{
	struct fixture f;
	int64_t wait;
	int global, i, want[] = { 0, 1, 2, 3, 4, 5 };

	setup(&f, 0, NULL, 0);
	add(&f, 0, "a");
	add(&f, 2, "a");
	add(&f, 4, "a");
	add(&f, 1, "b");
	add(&f, 3, "b");
	add(&f, 5, "b");
	for (i = 0; i < 6; i++)
		cr_assert_eq(next(&f, 0, &wait, &global), want[i], "turn %d",
		    i);
	cr_assert_eq(next(&f, 0, &wait, &global), -1);
	cr_assert_eq(wait, 1000000, "nothing queued: no wait asked");
	teardown(&f);
}

/* A retry goes back among the rows read after it, not behind them. */
Test(dispatch, a_retry_keeps_its_place_in_manifest_order)
{
	struct fixture f;
	int64_t wait;
	int global;

	setup(&f, 0, NULL, 0);
	add(&f, 5, "a");
	add(&f, 7, "a");
	add(&f, 3, "a");	/* came back for its retry */
	add(&f, 6, "a");
	cr_assert_eq(next(&f, 0, &wait, &global), 3);
	cr_assert_eq(next(&f, 0, &wait, &global), 5);
	cr_assert_eq(next(&f, 0, &wait, &global), 6);
	cr_assert_eq(next(&f, 0, &wait, &global), 7);
	teardown(&f);
}

/* The global --rate holds every queue, and says so. */
Test(dispatch, the_global_rate_holds_every_queue)
{
	struct fixture f;
	int64_t wait;
	int global;

	setup(&f, 10, NULL, 0);
	add(&f, 0, "a");
	add(&f, 1, "b");
	cr_assert_eq(next(&f, 0, &wait, &global), 0);
	cr_assert_eq(next(&f, 0, &wait, &global), -1);
	cr_assert_eq(global, 1);
	cr_assert_eq(wait, 100);
	cr_assert_eq(next(&f, 100, &wait, &global), 1);
	teardown(&f);
}

/* A throttled service (adaptive rate) waits; the other does not. */
Test(dispatch, a_throttled_service_does_not_slow_the_others)
{
	struct fixture f;
	int64_t wait, now = 0;
	int global, i, a;

	setup(&f, 0, NULL, 0);
	a = br_svclimit_index(&f.l, "a", 0);
	for (i = 0; i < 50; i++, now += 10) {	/* throttled from row 40 */
		(void)br_svclimit_take(&f.l, a, now);
		br_svclimit_answer(&f.l, a, i >= 40, now);
	}
	while (br_svclimit_take(&f.l, a, now) == 0)
		;			/* a's tokens are spent */
	add(&f, 0, "a");
	add(&f, 1, "a");
	for (i = 2; i < N; i++)
		add(&f, i, "b");
	for (i = 2; i < N; i++)
		cr_assert_eq(next(&f, now, &wait, &global), i);
	cr_assert_eq(next(&f, now, &wait, &global), -1);
	cr_assert_eq(global, 0);
	cr_assert_eq(f.d.n, 2, "a's rows wait for a's tokens");
	cr_assert_gt(wait, 0);
	cr_assert_eq(next(&f, now + wait, &wait, &global), 0, "a's turn");
	teardown(&f);
}

static int
odd_or_four(const struct br_ready *it, void *arg)
{
	(void)arg;
	return it->num % 2 == 1 || it->num == 4;
}

static void
count(struct br_ready *it, void *arg)
{
	cr_assert_null(it->next, "taken out of its queue");
	(*(int *)arg)++;
}

/* Rows taken out (a halt) leave the queues consistent. */
Test(dispatch, rows_taken_out_leave_the_queues_whole)
{
	struct fixture f;
	int64_t wait;
	int global, i, out = 0;

	setup(&f, 0, NULL, 0);
	for (i = 0; i < 8; i++)
		add(&f, i, i % 2 ? "a" : "b");
	br_dispatch_remove_if(&f.d, odd_or_four, count, &out);
	cr_assert_eq(out, 5);
	cr_assert_eq(f.d.n, 3);
	cr_assert_eq(next(&f, 0, &wait, &global), 0);
	cr_assert_eq(next(&f, 0, &wait, &global), 2);
	cr_assert_eq(next(&f, 0, &wait, &global), 6);
	add(&f, 9, "b");
	cr_assert_eq(next(&f, 0, &wait, &global), 9, "the tail was kept");
	teardown(&f);
}

/* With every slot held, calls wait and reads go; in their turn. */
Test(dispatch, reads_go_when_calls_may_not)
{
	struct fixture f;
	struct br_ready *it;
	int64_t wait = 1000;
	int global;

	setup(&f, 0, NULL, 0);
	add(&f, 0, "a");
	add(&f, 1, "a");
	f.row[2].num = 2;
	f.row[2].svc = f.row[0].svc;
	f.row[2].read = 1;
	cr_assert_eq(br_dispatch_add(&f.d, &f.row[2]), 0);
	it = br_dispatch_next(&f.d, 0, &wait, &global, 0);
	cr_assert_eq(it, &f.row[2], "the read goes; the calls wait");
	cr_assert_null(br_dispatch_next(&f.d, 0, &wait, &global, 0));
	cr_assert_eq(wait, 1000, "no token is waited for: a slot is");
	cr_assert_eq(next(&f, 0, &wait, &global), 0);
	cr_assert_eq(next(&f, 0, &wait, &global), 1);
	teardown(&f);
}
