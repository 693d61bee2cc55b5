/*
 * xferdrv.c - the pool's driver over HTTP; see xferdrv.h.
 */
#include "http.h"
#include "xferdrv.h"

static void *
worker_new(void *arg, int capacity)
{
	const struct br_http_opts *opts = arg;

	return br_http_new_n(opts, capacity);
}

static void
worker_free(void *wctx)
{
	br_http_free(wctx);
}

static void
worker_run(void *wctx, struct br_pool_job *pj)
{
	(void)br_http_start(wctx, pj->in, pj->out, pj);	/* has room */
}

static void
worker_step(void *wctx, int64_t timeout_ms)
{
	br_http_wait(wctx, (long)timeout_ms);
}

static struct br_pool_job *
worker_next(void *wctx)
{
	return br_http_done(wctx);
}

static void
worker_wake(void *wctx)
{
	br_http_wake(wctx);
}

const struct br_pool_driver br_http_driver = {
	worker_new, worker_free, worker_run, worker_step, worker_next,
	worker_wake
};
