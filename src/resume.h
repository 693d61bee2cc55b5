/*
 * resume.h - --resume REPORT: rows that succeeded in an earlier report
 * (same row number, same operation, same manifest values) are not sent
 * again; the new report carries them as succeeded with their earlier
 * fields.
 *
 * Memory: 24 bytes for each succeeded row of the earlier report (row
 * number and a 64-bit fingerprint of its operation and values); the
 * earlier report is read twice, streamed.  A report whose last line was
 * cut (a crash) is read up to the cut.
 */
#ifndef BR_RESUME_H
#define BR_RESUME_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "manifest.h"
#include "report.h"
#include "result.h"

struct br_resume;

/* Reads the succeeded rows of the CSV or JSON Lines report at path (the
 * format by br_report_format_for, as the report was written).  A file
 * that is not a bulkrun report (no row, op and outcome columns) is
 * BR_EINPUT with a message that says so. */
int	br_resume_load(struct br_resume **rp, const char *path,
	    struct br_err *err);
/* Pass one: whether row (whose operation is op, whose request has the
 * fingerprint rfp of br_request_fp) succeeded in the earlier report asking
 * the same: the same request_fp when the report has that column, else the
 * same manifest values.  If so it is marked to be carried. */
int	br_resume_match(struct br_resume *r, const struct br_row *row,
	    const char *op, const char *rfp);
/* Pass two: what the earlier report says of row num (r NULL: nothing). */
enum br_resume_row {
	BR_RS_NEW = 0,		/* send it */
	BR_RS_CARRIED,		/* succeeded asking the same: carried */
	BR_RS_VERIFY,		/* called, never verified (CANCELLED.UNVERIFIED,
				   VERIFY.TIMEOUT): verified without calling
				   again; *call_ms (may be NULL): when called */
	BR_RS_MISMATCH		/* succeeded, and asks for something else now
				   (a value, the op, the request): not sent
				   unless --resume-mismatch send */
};
enum br_resume_row br_resume_row(const struct br_resume *r, long num,
	    int64_t *call_ms);
long	br_resume_nverify(const struct br_resume *r);
long	br_resume_nmismatch(const struct br_resume *r);
/* Says on f which rows differ and how (the first few, read again from the
 * earlier report), and warns when the report looks re-saved by a
 * spreadsheet. */
void	br_resume_explain(struct br_resume *r, const char *manifest_name,
	    int send, FILE *f);
long	br_resume_ncarried(const struct br_resume *r);
/* Writes every marked row to rep, as the earlier report had it, calling
 * counted(result, arg) for each.  0 or BR_E*. */
int	br_resume_write(struct br_resume *r, struct br_report *rep,
	    void (*counted)(const struct br_result *, void *), void *arg,
	    struct br_err *err);
void	br_resume_free(struct br_resume *r);

/* The fingerprint of a row's operation and non-empty values, independent
 * of their order ("op", "region", "endpoint" included as values but the
 * op named by op). */
uint64_t br_resume_fingerprint(const struct br_row *row, const char *op);

#endif
