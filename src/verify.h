/*
 * verify.h - did the operation take effect?  The read request of a row
 * (from its operation's "verify" block, catalog.h) and the judging of
 * each answer to it.  Pure: no I/O, no clock reading (times are passed
 * in), no lock; the caller sends, signs, retries and keeps the time.
 *
 * A row being verified:
 *
 *	struct br_vtrack t = { .call_ms = when the write was sent };
 *	wait op->verify->first_delay_ms (or --poll-interval);
 *	loop:
 *		br_verify_request(op, b, base, &req, &err); sign; send;
 *		switch (br_verify_judge(op, &write, status, body, len, &t,
 *		    now, &rd)) {
 *		case BR_VV_AGAIN:   wait interval_ms, unless past the timeout
 *		                    (VERIFY.TIMEOUT, state rd.text);
 *		case BR_VV_RETRY:   as a failed request: retry.c decides;
 *		case BR_VV_HEALTHY: succeeded;
 *		case BR_VV_FAILED:  VERIFY.FAILED, rd.code and rd.msg;
 *		case BR_VV_GONE:    VERIFY.GONE;
 *		}
 *
 * The order of the checks on an answer: no answer (status 0), 5xx, 429
 * and the throttling codes (APIG.0308, DMS.10240407, whatever the status)
 * are not readings (RETRY); then the "gone" rules; then any other non-2xx
 * is not a reading (RETRY: retry.c decides, a 401 stops the run); a 2xx
 * that shows no state but a top-level error code (CSS's 202 CSS.0011)
 * is not a reading either; then failed, healthy, progress, and anything
 * else (an unknown value, no state at all) is in progress.
 */
#ifndef BR_VERIFY_H
#define BR_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "bind.h"
#include "catalog.h"
#include "err.h"
#include "httpreq.h"

enum br_vstate {
	BR_VS_UNKNOWN = 0,	/* not a reading (throttled, 5xx, ...) */
	BR_VS_HEALTHY,
	BR_VS_PROGRESS,		/* also: an unknown state value */
	BR_VS_FAILED,
	BR_VS_GONE
};

enum br_vverdict {
	BR_VV_AGAIN = 0,	/* poll again later */
	BR_VV_RETRY,		/* not a reading (throttled 429/APIG.0308/
				   DMS.10240407, 5xx, network, another
				   error, a 2xx with an error like CSS 202
				   CSS.0011): retry like a failed request */
	BR_VV_HEALTHY,		/* healthy, and shown to be fresh */
	BR_VV_FAILED,		/* failed, and shown to be fresh */
	BR_VV_GONE		/* the resource does not exist */
};

/* Per-row memory between polls; zero it and set call_ms before the
 * first. */
struct br_vtrack {
	int64_t	call_ms;	/* epoch ms when the write was sent */
	int	saw_progress;	/* a "progress" state was read since */
	int	healthy_run;	/* healthy reads in a row, the last ones */
	int	failed_run;	/* failed reads in a row, the last ones */
	long	polls;		/* answers judged (readings or not) */
	int64_t	last_ms;	/* now_ms of the last answer judged */
};

/* What one answer said.  Text fields are NUL-terminated, cut to fit,
 * "" when there is nothing. */
struct br_vread {
	enum br_vstate	state;
	char		text[64];	/* the state as read, for the report's
					   state column: "RUNNING", "303",
					   "fail" */
	char		code[64];	/* the service's own code: of a failed
					   state (CSS.6002), of an answer that
					   is no reading (APIG.0308) */
	char		msg[256];	/* a short sentence for error_msg */
};

/*
 * The read request for bound row b of op (which must have a verify
 * block) on base_url, the base URL of its write (request.h), into req
 * (zeroed by the caller, released with br_request_release).  {name}s are
 * the row's own values; query pairs and headers whose values the row
 * leaves empty are left out; no credentials (the caller signs).  0, or
 * BR_EINPUT (no verify block, a path value missing) / BR_ENOMEM with
 * err set.
 */
int	br_verify_request(const struct br_op *op, const struct br_bound *b,
	    const char *base_url, struct br_request *req,
	    struct br_err *err);

/*
 * Judges an answer to a poll of op (http_status 0: none came; body may
 * be NULL) for the row tracked by t, which it updates; sent is the write
 * as it was sent (its JSON body is what "match_sent" compares; may be
 * NULL).  out gets the reading.  HEALTHY and FAILED come only from a
 * fresh read: a "progress" state read since the call, a "fresh.time"
 * timestamp later than t->call_ms, or the same state on "fresh.repeat"
 * polls in a row, as the catalog allows; until then AGAIN (out->msg
 * says so, out->state is what was read).  now_ms is when the answer came
 * (kept in t->last_ms); the timeout is the caller's, who knows
 * --wait-timeout.  An operation without a verify block gives RETRY with
 * a message (the caller's mistake).
 */
enum br_vverdict br_verify_judge(const struct br_op *op,
	    const struct br_request *sent, long http_status, const char *body,
	    size_t len, struct br_vtrack *t, int64_t now_ms,
	    struct br_vread *out);

/*
 * One answer, judged without freshness (bulkrun status, --precheck):
 * the state, also in out->state; BR_VS_UNKNOWN when the answer is not a
 * reading (retry it).  sent may be NULL (nothing to compare).
 */
enum br_vstate	br_verify_classify(const struct br_op *op,
	    const struct br_request *sent, long http_status, const char *body,
	    size_t len, struct br_vread *out);

/* "healthy", "in_progress", "failed", "gone"; "unknown" for
 * BR_VS_UNKNOWN. */
const char	*br_vstate_name(enum br_vstate s);

#endif
