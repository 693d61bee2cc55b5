/*
 * merge.h - bulkrun merge REPORT... -o FILE: puts the reports of one
 * manifest's shards (--shard K/N), or a report and its --resume
 * continuation, back together in manifest row order, one line per row.
 *
 * The output's format follows its name (br_report_format_for): each
 * report's lines as they are when it is the reports' format (CSV cells
 * byte for byte), else written again as the report writer would have
 * (JSON Lines into CSV: a first pass collects the input names for the
 * header).
 *
 * Refused (BR_EINPUT, "FILE:LINE: ...", nothing written): reports of
 * different formats, CSV reports with other columns or another
 * delimiter, a row that asks something else in two reports (another
 * operation, request_fp, manifest values or manifest line), rows out of
 * manifest line order, and a row that was sent twice: succeeded in two
 * reports with different results, or sent again after it succeeded.
 *
 * A row in several reports: identical results (same outcome, code,
 * times, request id) are one row; otherwise a row that was sent beats
 * one that was not (skipped, invalid, cancelled before sending), and of
 * two sent ones the one that finished later wins, which is what a
 * --resume continuation is: it sends again only what did not succeed.
 *
 * Streaming: the lines are sorted by row through extsort.h (a bounded
 * buffer spilled to temporary files), so memory does not grow with the
 * reports' length.  The output is staged beside FILE and renamed into
 * place only when the merge is not refused.
 */
#ifndef BR_MERGE_H
#define BR_MERGE_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "stats.h"

struct br_merge_opts {
	const char *const *inputs;
	size_t		 ninputs;
	const char	*out;		/* the merged report; "-" stdout */
	const char	*tmpdir;	/* NULL: $TMPDIR, else FILE's directory */
	size_t		 mem;		/* sort buffer; 0: 32 MiB */
	FILE		*notes;		/* missing rows, replaced duplicates */
};

struct br_merge_counts {
	long		 rows;		/* written */
	long		 missing;	/* row numbers in no report, up to the
					   largest seen */
	long		 replaced;	/* rows in two reports, results
					   differing, one kept */
	long		 same;		/* identical duplicates dropped */
};

/* Merges; counts and st (br_stats_init'ed by the caller) say what was
 * written.  0, BR_EINPUT (refused), BR_EIO/BR_ENOMEM. */
int	br_merge(const struct br_merge_opts *o, struct br_merge_counts *c,
	    struct br_stats *st, struct br_err *err);

/* The command: merges, prints the summary (unless quiet) and returns the
 * exit status: 0 every row succeeded and none is missing, 1 a row did
 * not succeed or is missing, 2 refused, 4 the report could not be
 * written. */
int	br_merge_main(const char *const *inputs, size_t n, const char *out,
	    int quiet);

#endif
