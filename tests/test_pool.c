#include <stdatomic.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "pool.h"

struct tjob {
	struct br_pool_job	 pj;
	int			 in, out;
	void			*ctx;
};

static atomic_int nctx;

static void *
ctx_new(void *arg)
{
	(void)arg;
	atomic_fetch_add(&nctx, 1);
	return malloc(1);
}

static void
ctx_free(void *c)
{
	atomic_fetch_sub(&nctx, 1);
	free(c);
}

static void
square(struct br_pool_job *pj, void *ctx, void *arg)
{
	struct tjob *j = (struct tjob *)pj;

	(void)arg;
	j->out = j->in * j->in;
	j->ctx = ctx;
}

Test(pool, every_job_comes_back_done_once)
{
	enum { N = 1000, W = 4 };
	static struct tjob jobs[N];
	struct br_pool *p;
	struct tjob *j;
	long sum = 0, want = 0;
	int i, got = 0;

	p = br_pool_new(W, square, ctx_new, ctx_free, NULL);
	cr_assert_not_null(p);
	for (i = 0; i < N; i++) {
		jobs[i].in = i;
		want += (long)i * i;
		br_pool_submit(p, &jobs[i].pj);
	}
	while (got < N) {
		j = (struct tjob *)br_pool_collect(p, 5000);
		cr_assert_not_null(j, "a job did not come back");
		cr_assert_not_null(j->ctx, "ran with its worker's context");
		sum += j->out;
		got++;
	}
	cr_assert_null(br_pool_collect(p, 0), "no job comes back twice");
	cr_assert_eq(sum, want);
	br_pool_free(p);
	cr_assert_eq(atomic_load(&nctx), 0, "every worker freed its context");
}

Test(pool, collect_times_out_and_can_be_interrupted)
{
	struct br_pool *p = br_pool_new(1, square, NULL, NULL, NULL);

	cr_assert_not_null(p);
	cr_assert_null(br_pool_collect(p, 20));
	br_pool_interrupt(p);
	cr_assert_null(br_pool_collect(p, -1));	/* returns at once */
	br_pool_free(p);
}
