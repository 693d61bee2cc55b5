/*
 * sched.h - the run: check every row first, then send them through the
 * pool under the rate limits, retry what may be retried, apply the stop
 * rules, and write the report.  Runs on the main thread; owns the
 * manifest, limiters, retry queue, report and stats.
 */
#ifndef BR_SCHED_H
#define BR_SCHED_H

#include "catalog.h"
#include "cli.h"

/* From a signal handler (async-signal-safe): the first SIGINT or SIGTERM
 * starts no new row; the second abandons the requests in flight. */
void	br_sched_interrupt(int sig);

/* bulkrun validate: prints every problem as FILE:LINE: message; returns
 * the exit status (0 or 2). */
int	br_sched_validate(const struct br_opts *o, const struct br_catalog *c);
/* bulkrun run (and --dry-run), or bulkrun status (o->cmd: every row's
 * resource read once, nothing changed; 0 when every one is healthy);
 * returns the exit status. */
int	br_sched_run(const struct br_opts *o, const struct br_catalog *c);
/* The same with another pool driver (tests: no network); drv NULL is
 * HTTP. */
struct br_pool_driver;
int	br_sched_run_with(const struct br_opts *o, const struct br_catalog *c,
	    const struct br_pool_driver *drv, void *drv_arg);


#endif
