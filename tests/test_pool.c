/*
 * The pool with a fake driver (no network): each worker's context holds
 * the jobs started and finishes them when step() is called, as told.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "pool.h"

#define MAXJ	1024	/* jobs a fake context can hold */
#define MAXCTX	16

struct tjob {
	struct br_pool_job	 pj;
	int			 in, out;
	atomic_int		 finished;	/* times */
	void			*ctx;
};

enum mode {
	ALL,		/* step() finishes every job started */
	ONE,		/* step() finishes the oldest one */
	HOLD		/* step() finishes them all once cap are started */
};

struct fake {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	enum mode		 mode;
	int			 cap;
	int			 woken;
	int			 waiting;	/* in step(), nothing to do */
	struct br_pool_job	*run[MAXJ];	/* started, oldest first */
	int			 nrun;
	struct br_pool_job	*fin[MAXJ];	/* finished, for next() */
	int			 nfin, ifin;
	int			 held;		/* started, not handed back */
	int			 most;		/* the most held at once */
	int			 overflow;	/* more started than cap */
};

/* What the contexts saw, kept after they are freed. */
static struct {
	atomic_int	 made, live, fail_at;
	atomic_int	 timed;		/* a step() was given a time limit */
	enum mode	 mode;
	struct fake	*ctx[MAXCTX];
	int		 cap[MAXCTX];
	int		 most[MAXCTX];
	int		 overflow[MAXCTX];
} seen;

static void
seen_reset(enum mode mode, int fail_at)
{
	memset(&seen, 0, sizeof(seen));
	seen.mode = mode;
	atomic_store(&seen.fail_at, fail_at);
}

static void *
fake_new(void *arg, int cap)
{
	struct fake *f;
	int i;

	(void)arg;
	i = atomic_fetch_add(&seen.made, 1);
	if (i + 1 == atomic_load(&seen.fail_at) || i >= MAXCTX ||
	    (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->mode = seen.mode;
	f->cap = cap;
	seen.ctx[i] = f;
	seen.cap[i] = cap;
	atomic_fetch_add(&seen.live, 1);
	return f;
}

static void
fake_free(void *vp)
{
	struct fake *f = vp;
	int i;

	for (i = 0; i < MAXCTX; i++)
		if (seen.ctx[i] == f) {
			seen.most[i] = f->most;
			seen.overflow[i] = f->overflow;
			seen.ctx[i] = NULL;
		}
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
	atomic_fetch_sub(&seen.live, 1);
}

static void
fake_start(void *vp, struct br_pool_job *job)
{
	struct fake *f = vp;

	pthread_mutex_lock(&f->mu);
	if (++f->held > f->cap || f->nrun >= MAXJ)
		f->overflow = 1;
	else
		f->run[f->nrun++] = job;
	if (f->held > f->most)
		f->most = f->held;
	pthread_mutex_unlock(&f->mu);
}

static void
finish_one(struct fake *f, struct br_pool_job *job)
{
	struct tjob *t = (struct tjob *)job;
	int v = *(const int *)job->in;

	*(int *)job->out = v * v;
	t->ctx = f;
	atomic_fetch_add(&t->finished, 1);
	f->fin[f->nfin++] = job;
}

static void
fake_step(void *vp, int64_t timeout_ms)
{
	struct fake *f = vp;
	int i, ready;

	if (timeout_ms >= 0)	/* the pool has no reason to time out */
		atomic_store(&seen.timed, 1);
	pthread_mutex_lock(&f->mu);
	for (;;) {
		ready = f->nrun > 0 && (f->mode != HOLD || f->nrun == f->cap);
		if (ready || f->woken || f->ifin < f->nfin)
			break;
		f->waiting = 1;
		pthread_cond_broadcast(&f->cv);
		pthread_cond_wait(&f->cv, &f->mu);
	}
	f->waiting = 0;
	f->woken = 0;
	if (ready && f->mode == ONE) {
		finish_one(f, f->run[0]);
		memmove(f->run, f->run + 1, (size_t)--f->nrun *
		    sizeof(*f->run));
	} else if (ready) {
		for (i = 0; i < f->nrun; i++)
			finish_one(f, f->run[i]);
		f->nrun = 0;
	}
	pthread_mutex_unlock(&f->mu);
}

static struct br_pool_job *
fake_next(void *vp)
{
	struct fake *f = vp;
	struct br_pool_job *job = NULL;

	pthread_mutex_lock(&f->mu);
	if (f->ifin < f->nfin) {
		job = f->fin[f->ifin++];
		f->held--;
	} else
		f->nfin = f->ifin = 0;
	pthread_mutex_unlock(&f->mu);
	return job;
}

static void
fake_wake(void *vp)
{
	struct fake *f = vp;

	pthread_mutex_lock(&f->mu);
	f->woken = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static const struct br_pool_driver fake = {
	fake_new, fake_free, fake_start, fake_step, fake_next, fake_wake
};

static struct tjob *
tjobs(int n)
{
	struct tjob *t = calloc((size_t)n, sizeof(*t));
	int i;

	cr_assert_not_null(t);
	for (i = 0; i < n; i++) {
		t[i].in = i;
		t[i].pj.in = &t[i].in;
		t[i].pj.out = &t[i].out;
	}
	return t;
}

/* Waits until the first context is blocked in step() with nothing to do. */
static void
wait_idle(void)
{
	struct fake *f = seen.ctx[0];

	pthread_mutex_lock(&f->mu);
	while (!f->waiting)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

Test(pool, every_job_comes_back_done_once, .timeout = 30)
{
	enum { N = 1000, W = 2, JOBS = 8 };
	struct tjob *t = tjobs(N), *j;
	struct br_pool *p;
	int i, got = 0, next = 0, inpool = 0;

	seen_reset(ALL, 0);
	p = br_pool_new(W, JOBS, &fake, NULL);
	cr_assert_not_null(p);
	cr_assert_eq(atomic_load(&seen.made), W, "one context per worker");
	while (got < N) {
		while (inpool < JOBS && next < N) {	/* the caller's bound */
			br_pool_submit(p, &t[next++].pj);
			inpool++;
		}
		j = (struct tjob *)br_pool_collect(p, 5000);
		cr_assert_not_null(j, "a job did not come back");
		cr_assert_not_null(j->ctx, "ran in a worker's context");
		cr_assert_eq(j->out, j->in * j->in);
		inpool--;
		got++;
	}
	cr_assert_null(br_pool_collect(p, 0), "no job comes back twice");
	for (i = 0; i < N; i++)
		cr_assert_eq(atomic_load(&t[i].finished), 1, "job %d", i);
	br_pool_free(p);
	cr_assert_eq(atomic_load(&seen.live), 0, "every context was freed");
	cr_assert_eq(atomic_load(&seen.timed), 0);
	free(t);
}

Test(pool, workers_never_run_more_than_their_share, .timeout = 30)
{
	static const struct { int workers, jobs; } tab[] = {
		{ 1, 1 }, { 1, 16 }, { 2, 5 }, { 3, 3 }, { 2, 64 }, { 4, 2 },
	};
	enum { N = 300 };
	struct tjob *t;
	struct br_pool *p;
	size_t k;
	int i, nw, sum, full;

	for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++) {
		t = tjobs(N);
		seen_reset(ONE, 0);
		p = br_pool_new(tab[k].workers, tab[k].jobs, &fake, NULL);
		cr_assert_not_null(p);
		for (i = 0; i < N; i++)	/* more than jobs: they wait */
			br_pool_submit(p, &t[i].pj);
		for (i = 0; i < N; i++)
			cr_assert_not_null(br_pool_collect(p, 5000));
		br_pool_free(p);
		nw = atomic_load(&seen.made);
		cr_assert_eq(nw, tab[k].workers < tab[k].jobs ?
		    tab[k].workers : tab[k].jobs, "no more workers than jobs");
		for (i = sum = full = 0; i < nw; i++) {
			cr_assert_eq(seen.overflow[i], 0, "case %zu: worker %d "
			    "ran more than its share", k, i);
			cr_assert_leq(seen.most[i], seen.cap[i]);
			cr_assert_geq(seen.cap[i], tab[k].jobs / nw);
			cr_assert_leq(seen.cap[i], tab[k].jobs / nw + 1);
			sum += seen.cap[i];
			full += seen.most[i] == seen.cap[i];
		}
		cr_assert_eq(sum, tab[k].jobs, "case %zu: shares add up", k);
		cr_assert_gt(full, 0, "case %zu: some worker ran its whole "
		    "share at once", k);
		for (i = 0; i < N; i++)
			cr_assert_eq(atomic_load(&t[i].finished), 1);
		free(t);
	}
}

Test(pool, one_job_at_a_time_keeps_the_order, .timeout = 30)
{
	enum { N = 200 };
	struct tjob *t = tjobs(N), *j;
	struct br_pool *p;
	int i;

	seen_reset(ALL, 0);
	p = br_pool_new(0, 1, &fake, NULL);	/* -j 1 */
	cr_assert_not_null(p);
	cr_assert_eq(atomic_load(&seen.made), 1);
	for (i = 0; i < N; i++)
		br_pool_submit(p, &t[i].pj);
	for (i = 0; i < N; i++) {
		j = (struct tjob *)br_pool_collect(p, 5000);
		cr_assert_not_null(j);
		cr_assert_eq(j->in, i, "row %d came back as %d", i, j->in);
	}
	br_pool_free(p);
	cr_assert_eq(seen.most[0], 1);
	free(t);
}

Test(pool, a_batch_comes_back_whole_and_in_order, .timeout = 30)
{
	enum { JOBS = 16 };
	struct tjob *t = tjobs(JOBS), *j;
	struct br_pool *p;
	int i, seen_in[JOBS] = { 0 };

	/* step() finishes nothing until all 16 are started: the worker
	 * must be woken for the jobs submitted while it waits */
	seen_reset(HOLD, 0);
	p = br_pool_new(1, JOBS, &fake, NULL);
	cr_assert_not_null(p);
	wait_idle();
	for (i = 0; i < JOBS; i++)
		br_pool_submit(p, &t[i].pj);
	j = (struct tjob *)br_pool_collect(p, 5000);
	cr_assert_not_null(j, "the batch did not come back");
	seen_in[j->in]++;
	for (i = 1; i < JOBS; i++) {
		/* the rest of the batch is there already: no waiting */
		j = (struct tjob *)br_pool_collect(p, 0);
		cr_assert_not_null(j, "job %d of the batch is missing", i);
		cr_assert_eq(j->in, i, "the batch keeps the finishing order");
		seen_in[j->in]++;
	}
	cr_assert_null(br_pool_collect(p, 0));
	for (i = 0; i < JOBS; i++)
		cr_assert_eq(seen_in[i], 1);
	br_pool_free(p);
	free(t);
}

Test(pool, a_waiting_worker_is_woken_for_a_job, .timeout = 30)
{
	struct tjob *t = tjobs(2), *j;
	struct br_pool *p;

	seen_reset(ALL, 0);
	p = br_pool_new(1, 4, &fake, NULL);
	cr_assert_not_null(p);
	wait_idle();		/* blocked in step(), only wake() moves it */
	br_pool_submit(p, &t[0].pj);
	j = (struct tjob *)br_pool_collect(p, 5000);
	cr_assert_eq(j, &t[0], "the job was not seen: no wake-up");
	wait_idle();
	br_pool_submit(p, &t[1].pj);
	cr_assert_eq(br_pool_collect(p, 5000), &t[1].pj);
	br_pool_free(p);
	free(t);
}

Test(pool, free_runs_what_was_submitted_and_joins, .timeout = 30)
{
	enum { N = 50 };
	struct tjob *t = tjobs(N);
	struct br_pool *p;
	int i;

	seen_reset(ONE, 0);
	p = br_pool_new(2, 4, &fake, NULL);
	cr_assert_not_null(p);
	for (i = 0; i < N; i++)
		br_pool_submit(p, &t[i].pj);
	br_pool_free(p);		/* nothing collected */
	for (i = 0; i < N; i++)
		cr_assert_eq(atomic_load(&t[i].finished), 1, "job %d", i);
	cr_assert_eq(atomic_load(&seen.live), 0, "contexts freed");

	seen_reset(ALL, 0);
	p = br_pool_new(3, 3, &fake, NULL);
	cr_assert_not_null(p);
	wait_idle();
	br_pool_free(p);		/* idle workers are woken to quit */
	cr_assert_eq(atomic_load(&seen.live), 0);
	free(t);
}

Test(pool, new_fails_cleanly, .timeout = 30)
{
	seen_reset(ALL, 2);	/* the second context cannot be made */
	cr_assert_null(br_pool_new(3, 6, &fake, NULL));
	cr_assert_eq(atomic_load(&seen.live), 0, "the first one was freed");
	seen_reset(ALL, 0);
	cr_assert_null(br_pool_new(1, 0, &fake, NULL), "no jobs");
	cr_assert_null(br_pool_new(-1, 4, &fake, NULL));
	cr_assert_eq(atomic_load(&seen.made), 0);
}

Test(pool, default_workers_fit_jobs_and_processors, .timeout = 30)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int j, n;

	for (j = 1; j <= 1024; j *= 2) {
		n = br_pool_default_workers(j);
		cr_assert_geq(n, 1);
		cr_assert_leq(n, j);
		if (cpus >= 1)
			cr_assert_leq(n, cpus);
	}
	cr_assert_eq(br_pool_default_workers(1), 1, "-j 1: one worker");
}

Test(pool, collect_times_out_and_can_be_interrupted, .timeout = 30)
{
	struct br_pool *p;

	seen_reset(ALL, 0);
	p = br_pool_new(1, 1, &fake, NULL);
	cr_assert_not_null(p);
	cr_assert_null(br_pool_collect(p, 20));
	br_pool_interrupt(p);
	cr_assert_null(br_pool_collect(p, -1));	/* returns at once */
	br_pool_free(p);
}
