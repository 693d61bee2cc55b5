/*
 * result.h - what became of a row, and how an HTTP answer maps to it.
 * Pure: no I/O, no curl.
 */
#ifndef BR_RESULT_H
#define BR_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "response.h"

struct br_op;

enum br_outcome {
	BR_OUT_SUCCEEDED = 1,
	BR_OUT_FAILED,
	BR_OUT_INVALID,
	BR_OUT_SKIPPED,
	BR_OUT_CANCELLED
};

/* Every string is owned by the result and freed by br_result_release. */
struct br_result {
	enum br_outcome	 outcome;
	long		 http_status;	/* 0: none */
	char		*error_code;	/* NULL on success */
	char		*error_msg;
	int		 attempts;
	int64_t		 elapsed_ms;
	int64_t		 started_ms;	/* epoch ms; 0: never started */
	int64_t		 finished_ms;
	char		*request_id;
	char		*response;	/* compact JSON, or NULL */
	char		 request_fp[33];	/* what was asked: see
						   br_request_fp(); "" if
						   the row was never bound */
	/* verification (--wait, --precheck, status) */
	char		*state;		/* the last state read, or NULL */
	int64_t		 verify_ms;	/* call's answer to verdict; -1:
					   no verdict */
	long		 polls;		/* reads made */
};

const char	*br_outcome_name(enum br_outcome o);

/*
 * Fills the outcome, http_status, error_code, error_msg, request_id and
 * response of r from an answer to op (attempts and times are the
 * caller's).  Success: status in op->success; response is the compact
 * JSON object of op->response fields present in the body (NULL if none).
 * Failure: error_code is the body's error_code / errorCode / code, looked
 * for at the top level, then one level down ({"error": {"code": ...}});
 * error_msg likewise from error_msg / errorMsg / message; without one,
 * HTTP.<status> and a short excerpt of the body (printable, at most 200
 * bytes).  Network failures give NET.* and curl's reason.  A body over
 * the cap on a success is still a success; on a failure the message says
 * it was cut.  0 or BR_ENOMEM.
 */
int	br_result_from_response(const struct br_op *op,
	    const struct br_response *resp, struct br_result *r);

/* Extracts (newly allocated) the error code and message of a JSON error
 * body; either may come back NULL.  0 or BR_ENOMEM. */
int	br_result_parse_error(const char *body, size_t len, char **code,
	    char **msg);

/* Sets outcome, code and message (copied); for invalid/skipped/cancelled
 * rows. 0 or BR_ENOMEM. */
int	br_result_set(struct br_result *r, enum br_outcome o,
	    const char *code, const char *msg);
void	br_result_release(struct br_result *r);

#endif
