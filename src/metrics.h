/*
 * metrics.h - the run's figures for monitoring: --metrics (the Prometheus
 * text format, for node_exporter's textfile collector) and
 * --summary-json (the same summary as one JSON document).  Knows the
 * counts (stats.h) and nothing of the run; no secrets pass through it:
 * only counts, error codes, times, the manifest's base name and the
 * report's path.
 */
#ifndef BR_METRICS_H
#define BR_METRICS_H

#include <stdint.h>

#include "err.h"
#include "stats.h"
#include "strbuf.h"

#define BR_METRICS_CODES	10	/* error codes named; the rest "other" */

struct br_summary {
	const struct br_stats	*stats;
	const char	*manifest;	/* as given ("-": standard input) */
	const char	*report;	/* its path, or NULL */
	long		 shard_k, shard_n;	/* 0/0: not sharded */
	long		 rows;		/* rows of this run (its shard) */
	int64_t		 start_ms, end_ms;	/* epoch */
	int		 exit_status;
	const char	*halted;	/* why no new row started, or NULL */
	int		 signal;	/* that interrupted it, or 0 */
};

/* Appends the Prometheus text exposition of s to out: every series
 * labelled manifest="BASE" (and shard="K/N"); the error codes are the
 * BR_METRICS_CODES most frequent, the rest summed as code="other". */
void	br_metrics_prom(const struct br_summary *s, struct br_strbuf *out);
/* The summary as one JSON document (malloc'd, ends with a newline), or
 * NULL when out of memory. */
char	*br_metrics_json(const struct br_summary *s);
/* Writes text to path atomically: a temporary file in the same directory
 * (".NAME.XXXXXX", mode 0644), then rename().  0 or BR_EIO with err
 * set ("--what 'path': reason"). */
int	br_metrics_write(const char *what, const char *path, const char *text,
	    struct br_err *err);

#endif
