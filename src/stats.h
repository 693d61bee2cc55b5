/*
 * stats.h - counts, latency histogram and the end-of-run summary.
 * Owned by the main thread; no lock.  Memory is fixed: latencies go into
 * log-spaced buckets, error codes into a small table (the rest counted
 * as "other").
 */
#ifndef BR_STATS_H
#define BR_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

#define BR_STATS_BUCKETS	256
#define BR_STATS_CODES		64
#define BR_STATS_OPS		32

/* Rows of one operation by outcome (--metrics, --summary-json). */
struct br_op_count {
	char	 op[64];
	long	 outcomes[BR_OUT_CANCELLED + 1];
};

struct br_code_count {
	char	 code[40];
	long	 n;
};

struct br_stats {
	long	 outcomes[BR_OUT_CANCELLED + 1];
	long	 total;			/* rows known to the run, or -1 */
	long	 retries;		/* attempts beyond the first */
	long	 throttled;		/* 429 / throttling answers seen */
	uint64_t lat[BR_STATS_BUCKETS];	/* final-answer latencies */
	long	 nlat;
	int64_t	 lat_max;
	struct br_code_count codes[BR_STATS_CODES];
	size_t	 ncodes;
	long	 other_codes;
	struct br_op_count ops[BR_STATS_OPS];	/* rows of this run */
	size_t	 nops;
	long	 other_ops[BR_OUT_CANCELLED + 1];	/* past the table */
	int64_t	 start_mono, end_mono;
	/* now, for the progress line (set by the scheduler) */
	long	 inflight;		/* requests in flight */
	long	 waiting_retry;		/* rows waiting for their retry */
	long	 waiting_token;		/* rows queued for a token or slot */
	long	 verifying;		/* rows called, not yet verified */
};

void	br_stats_init(struct br_stats *s, long total, int64_t now_mono);
/* Counts a finished row: outcome, error code, and (when it was sent) its
 * elapsed time. */
void	br_stats_add(struct br_stats *s, const struct br_result *r);
/* Counts a row of this run under its operation (op NULL or "": none). */
void	br_stats_add_op(struct br_stats *s, const char *op,
	    enum br_outcome outcome);
/* Latency percentile (0..100) in ms, from the histogram (upper bound of
 * the bucket); 0 when nothing was timed. */
int64_t	br_stats_percentile(const struct br_stats *s, double pct);
/* Writes the summary to f. */
void	br_stats_print(const struct br_stats *s, const char *report_path,
	    FILE *f);
/* Rows that ended, whatever their outcome. */
long	br_stats_done(const struct br_stats *s);

#endif
