/*
 * merge_int.h - shared by merge.c (sorting, deciding, writing) and
 * mergein.c (reading one report into records).
 */
#ifndef BR_MERGE_INT_H
#define BR_MERGE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "strbuf.h"

/* The strings of a record: what it asks (op, request_fp), what became of
 * it, and its line as the output writes it (without the line end). */
enum { MS_OP, MS_CODE, MS_RFP, MS_STARTED, MS_FINISHED, MS_RID, MS_TEXT,
	MS_N };

/* One report line.  Decoded, the strings point into the encoded bytes. */
struct br_mrec {
	long		 row, mline;	/* manifest row and line */
	long		 at;		/* line in its report */
	unsigned	 input;		/* which report (argument order) */
	int		 outcome;	/* enum br_outcome */
	int		 attempts;
	int64_t		 elapsed;
	uint64_t	 vfp;		/* the manifest values' fingerprint */
	size_t		 len[MS_N];
	const char	*s[MS_N];	/* NUL-terminated */
};

void	br_mrec_encode(const struct br_mrec *r, struct br_strbuf *sb);
void	br_mrec_decode(struct br_mrec *r, const void *p, size_t n);

/* What every report of one merge shares, set by the first one opened. */
struct br_mshape {
	int		 out_jsonl;	/* the caller's: the merged report is
					   JSON Lines (CSV reports converted) */
	int		 set;
	int		 jsonl;
	int		 delimiter, bom;	/* CSV */
	char		**cols;			/* CSV: the header; JSON
						   Lines into CSV: the input
						   names */
	size_t		 ncols;
	int		 verify;		/* JSON Lines: has "state" */
};

struct br_min;

/* Opens report number index.  The first one sets shape; the others must
 * match it (format, and for CSV the delimiter and the columns): else
 * BR_EINPUT, "FILE:LINE: ...". */
int	br_min_open(struct br_min **ip, const char *path, unsigned index,
	    struct br_mshape *shape, struct br_err *err);
/* The next line as an encoded record in sb (reset here), its row in
 * *row.  1, 0 at the end, or BR_E*.  A line cut short (a crash) or
 * damaged is passed over with a note on notes. */
int	br_min_next(struct br_min *in, long *row, struct br_strbuf *sb,
	    FILE *notes, struct br_err *err);
void	br_min_close(struct br_min *in);

struct br_report;
/* JSON Lines reports into CSV: the names in the reports' "input"
 * objects, in order of first appearance, into sh->cols (a first pass
 * over the files), and whether they verify.  0 or BR_E*. */
int	br_min_jsonl_columns(const char *const *paths, size_t n,
	    struct br_mshape *sh, struct br_err *err);
/* Writes the JSON line as rp's CSV line.  0 or BR_E*. */
int	br_min_write_as_csv(struct br_report *rp, const char *line, size_t n,
	    struct br_err *err);
void	br_mshape_release(struct br_mshape *shape);

#endif
