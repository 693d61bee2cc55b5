/*
 * fuzz_result - the mapping of an HTTP answer to a result
 * (br_result_from_response, br_result_parse_error), and the reading of a
 * Retry-After value (br_retry_after_ms).
 *
 * Input: byte 0: bit 7 set gives a network failure (low bits: which),
 * bit 6 a body over the cap, bit 5 a request that was sent; bytes 1-2:
 * the HTTP status (big-endian, modulo 600); byte 3: the operation (one
 * of the built-in ones, a made-up one, or none; bit 7: the body's text
 * is also the request id).  The rest is the body, also used as curl's
 * message and as the Retry-After header.  br_retry_after_ms also gets
 * the whole input.
 */
#include "fuzz_common.h"
#include "catalog.h"
#include "http.h"
#include "result.h"
#include "retry.h"

#define NOW_MS	1795298400000LL		/* 2026-11-21T22:00:00Z */

static struct br_catalog cat;
static int loaded;

static int ok_statuses[] = { 200, 201, 202, 204 };
static char *fields[] = { "jobId", "job_id", "data", "id", "a.b" };
static struct br_op made_up = {
	.name = "fuzz.op", .service = "fuzz", .summary = "made up",
	.method = "POST", .path = "/v1/x",
	.success = ok_statuses, .nsuccess = 4,
	.response = fields, .nresponse = 5
};

static void
check_result(const struct br_result *r, int net)
{
	if (r->outcome < BR_OUT_SUCCEEDED || r->outcome > BR_OUT_CANCELLED)
		__builtin_trap();
	if (r->outcome != BR_OUT_SUCCEEDED &&
	    (r->error_code == NULL || r->error_code[0] == '\0'))
		__builtin_trap();	/* a failure has a code */
	if (net && r->outcome == BR_OUT_SUCCEEDED)
		__builtin_trap();
	(void)br_outcome_name(r->outcome);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct br_response resp;
	struct br_result res;
	struct br_err err = { 0 };
	const struct br_op *op;
	char *whole, *body, *code = NULL, *msg = NULL;
	size_t blen, nops, k;
	int64_t ms;

	if (!loaded) {
		if (br_catalog_load_builtin(&cat, &err) != 0)
			abort();
		loaded = 1;
	}
	whole = fz_strndup(data, size);
	ms = br_retry_after_ms(whole, NOW_MS);
	if (ms < -1)
		__builtin_trap();
	free(whole);
	if (size < 4)
		return 0;

	blen = size - 4;
	body = fz_strndup(data + 4, blen);
	memset(&resp, 0, sizeof(resp));
	memset(&res, 0, sizeof(res));
	resp.net = (data[0] & 0x80) ?
	    (enum br_net)((data[0] & 7) % (BR_NET_OTHER + 1)) : BR_NET_OK;
	resp.truncated = (data[0] & 0x40) != 0;
	resp.sent = (data[0] & 0x20) != 0;
	resp.status = resp.net != BR_NET_OK ? 0 :
	    (long)(((unsigned)data[1] << 8 | data[2]) % 600);
	nops = cat.nops + 2;
	k = (data[3] & 0x7f) % nops;
	op = k < cat.nops ? &cat.ops[k] : k == cat.nops ? &made_up : NULL;
	resp.body = body;
	resp.len = blen;
	resp.request_id = (data[3] & 0x80) ? body : NULL;
	resp.retry_after = body;
	snprintf(resp.net_msg, sizeof(resp.net_msg), "%s", body);

	if (br_result_from_response(op, &resp, &res) == 0)
		check_result(&res, resp.net != BR_NET_OK);
	br_result_release(&res);

	if (br_result_parse_error(body, blen, &code, &msg) == 0) {
		free(code);
		free(msg);
	}
	ms = br_retry_after_ms(body, NOW_MS);
	if (ms < -1)
		__builtin_trap();
	free(body);
	return 0;
}
