/*
 * pool.h - a fixed set of worker threads and their two queues.
 *
 * The main thread submits jobs; each worker takes one, runs the pool's
 * function on it (unlocked), and puts it on the done queue, where the main
 * thread collects it.  The pool's mutex guards only the two queues: no
 * work runs under it.  The pool knows nothing of HTTP.
 *
 * The caller bounds the number of jobs in the pool (submitted and not
 * yet collected); the queues are intrusive lists and never allocate.
 */
#ifndef BR_POOL_H
#define BR_POOL_H

#include <stdint.h>

/* Embed as a member of the caller's job struct. */
struct br_pool_job {
	struct br_pool_job	*_next;
};

/* Runs job on a worker; wctx is that worker's own context. */
typedef void	(*br_pool_run_fn)(struct br_pool_job *job, void *wctx,
		    void *arg);
/* Makes (in the worker thread, before its first job) and frees a
 * worker's context; both may be NULL. */
typedef void	*(*br_pool_ctx_new_fn)(void *arg);
typedef void	 (*br_pool_ctx_free_fn)(void *wctx);

struct br_pool;

/* Starts n workers.  NULL when out of memory or threads. */
struct br_pool	*br_pool_new(int n, br_pool_run_fn run,
		    br_pool_ctx_new_fn ctx_new, br_pool_ctx_free_fn ctx_free,
		    void *arg);
void		 br_pool_submit(struct br_pool *p, struct br_pool_job *job);
/* The next finished job, waiting at most timeout_ms (< 0: forever);
 * NULL on timeout or when br_pool_interrupt() was called meanwhile. */
struct br_pool_job *br_pool_collect(struct br_pool *p, int64_t timeout_ms);
/* Wakes a br_pool_collect() that is waiting (async-signal-unsafe: call
 * from a thread, not a signal handler). */
void		 br_pool_interrupt(struct br_pool *p);
/* Stops taking jobs once the queue is drained, joins the workers and
 * frees the pool.  Jobs still queued or done are not touched. */
void		 br_pool_free(struct br_pool *p);

#endif
