/*
 * pool.c - worker threads and their queues.  The main thread submits jobs
 * and collects them; each worker drives its share through the driver
 * (xferdrv.c for HTTP).  One mutex guards the queues; nothing else is
 * shared.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "datetime.h"
#include "pool.h"

/*
 * Measured with scripts/bench.sh on 2 cores shared with nginx, -j 64: one
 * worker (about 15 us of CPU per request) is the bottleneck at ~58k
 * rows/s; two reach ~70k, where the main thread and the server use the
 * rest.  More than two is unmeasured.
 */
#define MAX_DEFAULT_WORKERS	2

struct worker {
	struct br_pool		*pool;
	pthread_t		 thread;
	void			*ctx;
	int			 cap;		/* jobs at once */
	int			 running;	/* the worker's own */
	/* guarded by pool->mu */
	struct br_fifo		 todo;
	int			 load;		/* queued + running */
	int			 asleep;	/* in step(): wake for jobs */
};

struct br_pool {
	pthread_mutex_t		 mu;	/* guards what is marked so */
	pthread_cond_t		 cv_done;
	/* guarded by mu */
	struct br_fifo		 done;
	int			 closing;
	int			 poke;
	int			 collecting;	/* the main thread waits */
	/* the main thread's own */
	struct br_fifo		 ready;		/* taken from done */
	/* set once */
	struct br_pool_driver	 d;
	struct worker		*w;
	int			 nw;
	int			 nthreads;	/* started */
};

static void
queue_push(struct br_fifo *q, struct br_pool_job *j)
{
	br_fifo_push(q, &j->_link);
}

/* A job's link is its first member. */
static struct br_pool_job *
queue_pop(struct br_fifo *q)
{
	return (struct br_pool_job *)(void *)br_fifo_pop(q);
}

/*
 * One lock per round: hand back what the last step finished, take what
 * fits of the queued jobs, then start them and step unlocked.
 */
static void *
worker_main(void *vp)
{
	struct worker *w = vp;
	struct br_pool *p = w->pool;
	struct br_fifo got = { NULL, NULL }, fin = { NULL, NULL };
	struct br_pool_job *job;
	int nfin = 0, quit;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (nfin > 0) {
			br_fifo_move(&p->done, &fin);
			w->load -= nfin;
			if (p->collecting)
				pthread_cond_signal(&p->cv_done);
		}
		while (w->running < w->cap &&
		    (job = queue_pop(&w->todo)) != NULL) {
			queue_push(&got, job);
			w->running++;
		}
		quit = p->closing && w->running == 0;
		w->asleep = !quit;
		pthread_mutex_unlock(&p->mu);
		if (quit)
			break;
		while ((job = queue_pop(&got)) != NULL)
			p->d.start(w->ctx, job);	/* the work, unlocked */
		p->d.step(w->ctx, -1);
		for (nfin = 0; (job = p->d.next(w->ctx)) != NULL; nfin++)
			queue_push(&fin, job);
		w->running -= nfin;
	}
	return NULL;
}

int
br_pool_default_workers(int jobs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = MAX_DEFAULT_WORKERS;

	if (cpus >= 1 && cpus < n)
		n = (int)cpus;
	if (jobs < n)
		n = jobs;
	return n < 1 ? 1 : n;
}

static void
stop_workers(struct br_pool *p)
{
	int i;

	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		p->d.wake(p->w[i].ctx);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->w[i].thread, NULL);
	p->nthreads = 0;
}

static void
pool_destroy(struct br_pool *p)
{
	int i;

	stop_workers(p);
	for (i = 0; i < p->nw; i++)
		if (p->w[i].ctx != NULL && p->d.ctx_free != NULL)
			p->d.ctx_free(p->w[i].ctx);
	pthread_cond_destroy(&p->cv_done);
	pthread_mutex_destroy(&p->mu);
	free(p->w);
	free(p);
}

struct br_pool *
br_pool_new(int workers, int jobs, const struct br_pool_driver *d,
    void *arg)
{
	pthread_condattr_t ca;
	struct br_pool *p;
	int i;

	if (jobs < 1 || workers < 0 || d == NULL || d->ctx_new == NULL ||
	    d->start == NULL || d->step == NULL || d->next == NULL ||
	    d->wake == NULL)
		return NULL;
	if (workers == 0)
		workers = br_pool_default_workers(jobs);
	if (workers > jobs)
		workers = jobs;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->w = calloc((size_t)workers, sizeof(*p->w))) == NULL) {
		free(p);
		return NULL;
	}
	p->d = *d;
	p->nw = workers;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv_done, &ca);
	pthread_condattr_destroy(&ca);
	for (i = 0; i < workers; i++) {
		p->w[i].pool = p;
		p->w[i].cap = jobs / workers + (i < jobs % workers);
		if ((p->w[i].ctx = d->ctx_new(arg, p->w[i].cap)) == NULL) {
			pool_destroy(p);
			return NULL;
		}
	}
	for (i = 0; i < workers; i++) {
		if (pthread_create(&p->w[i].thread, NULL, worker_main,
		    &p->w[i]) != 0) {
			pool_destroy(p);
			return NULL;
		}
		p->nthreads++;
	}
	return p;
}

void
br_pool_submit(struct br_pool *p, struct br_pool_job *job)
{
	struct worker *w = &p->w[0];
	int i, wake;

	pthread_mutex_lock(&p->mu);
	for (i = 1; i < p->nw; i++)
		if (p->w[i].cap - p->w[i].load > w->cap - w->load)
			w = &p->w[i];
	queue_push(&w->todo, job);
	w->load++;
	/* one wake-up for a burst of jobs: the worker takes them all */
	wake = w->asleep && w->load <= w->cap;
	if (wake)
		w->asleep = 0;
	pthread_mutex_unlock(&p->mu);
	if (wake)
		p->d.wake(w->ctx);
}

struct br_pool_job *
br_pool_collect(struct br_pool *p, int64_t timeout_ms)
{
	struct br_pool_job *job;
	struct timespec ts;

	if ((job = queue_pop(&p->ready)) != NULL)
		return job;		/* the rest of the last batch */
	if (timeout_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		br_timespec_add_ms(&ts, timeout_ms);
	}
	pthread_mutex_lock(&p->mu);
	while (p->done.head == NULL && !p->poke && timeout_ms != 0) {
		p->collecting = 1;
		if (timeout_ms < 0)
			pthread_cond_wait(&p->cv_done, &p->mu);
		else if (pthread_cond_timedwait(&p->cv_done, &p->mu, &ts) ==
		    ETIMEDOUT)
			timeout_ms = 0;
		p->collecting = 0;
	}
	p->poke = 0;
	br_fifo_move(&p->ready, &p->done);
	pthread_mutex_unlock(&p->mu);
	return queue_pop(&p->ready);
}

void
br_pool_interrupt(struct br_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->poke = 1;
	pthread_cond_signal(&p->cv_done);
	pthread_mutex_unlock(&p->mu);
}

void
br_pool_free(struct br_pool *p)
{
	if (p != NULL)
		pool_destroy(p);
}
