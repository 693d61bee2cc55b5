/*
 * pool.h - a few worker threads, each running many jobs at once through a
 * driver, and the queues between them and the main thread.
 *
 * The main thread submits jobs; the pool gives each to the worker with
 * the most room.  A worker hands its jobs to its driver, which begins
 * them without blocking (start) and waits for any of them to make
 * progress (step); the jobs the driver has finished go back to the main
 * thread in batches, one lock and at most one wake-up per batch.  The
 * pool's mutex guards only the queues: no work runs under it.  The pool
 * knows nothing of what a job does (HTTP, for bulkrun).
 *
 * Every worker runs at most its share of `jobs` at once: with one job
 * and one worker, jobs run one at a time in the order submitted.  The
 * queues are intrusive lists and never allocate.
 */
#ifndef BR_POOL_H
#define BR_POOL_H

#include <stdint.h>

#include "fifo.h"

/* Embed as a member of the caller's job struct. */
struct br_pool_job {
	struct br_fifo_link	 _link;		/* first: see pool.c */
	const void		*in;	/* what to do, for the driver */
	void			*out;	/* where the driver puts the result */
};

/*
 * What the workers run.  Every function but wake() is called from the
 * worker that owns wctx, never two at once.
 */
struct br_pool_driver {
	/* Makes a worker's context for up to capacity jobs at once (called
	 * by br_pool_new, in the caller's thread); NULL makes br_pool_new
	 * fail. */
	void	*(*ctx_new)(void *arg, int capacity);
	void	 (*ctx_free)(void *wctx);
	/* Begins job without blocking; never more than capacity jobs are
	 * started and not yet handed back by next().  A job that cannot
	 * start is finished with its error and handed back by next(). */
	void	 (*start)(void *wctx, struct br_pool_job *job);
	/* Waits at most timeout_ms (< 0: no limit) for the jobs started to
	 * make progress, less when a job is finished already or wake() is
	 * called. */
	void	 (*step)(void *wctx, int64_t timeout_ms);
	/* A finished job, each once, or NULL. */
	struct br_pool_job *(*next)(void *wctx);
	/* Makes a step() that waits, or the next one, return soon.  Called
	 * from any thread; must be safe while step() runs. */
	void	 (*wake)(void *wctx);
};

struct br_pool;

/* The number of workers br_pool_new picks for jobs, when given 0: never
 * more than jobs or the processors online. */
int		 br_pool_default_workers(int jobs);

/*
 * Starts `workers` workers (0: br_pool_default_workers(jobs); never more
 * than jobs) sharing `jobs` jobs at once, each with its driver context
 * made by d->ctx_new(arg, its share).  NULL when out of memory or
 * threads, or when a context cannot be made.
 */
struct br_pool	*br_pool_new(int workers, int jobs,
		    const struct br_pool_driver *d, void *arg);
/* Queues job on the worker with the most room, waking it if it waits;
 * never blocks.  The caller keeps at most `jobs` jobs in the pool
 * (submitted and not yet collected); more just wait their turn. */
void		 br_pool_submit(struct br_pool *p, struct br_pool_job *job);
/* The next finished job, waiting at most timeout_ms (< 0: forever);
 * NULL on timeout or when br_pool_interrupt() was called meanwhile.
 * Jobs finished in the same batch come back without locking again. */
struct br_pool_job *br_pool_collect(struct br_pool *p, int64_t timeout_ms);
/* Wakes a br_pool_collect() that is waiting (async-signal-unsafe: call
 * from a thread, not a signal handler). */
void		 br_pool_interrupt(struct br_pool *p);
/* Runs every job submitted to its end, joins the workers, frees their
 * contexts and the pool.  Jobs finished and not collected are not
 * touched. */
void		 br_pool_free(struct br_pool *p);

#endif
