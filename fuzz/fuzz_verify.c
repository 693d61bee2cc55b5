/*
 * fuzz_verify - the judge of answers to verification reads
 * (br_verify_judge, br_verify_classify) over arbitrary bodies, for each
 * built-in operation's verify block.
 *
 * Input: byte 0: the operation (modulo the built-in ones); bytes 1-2: the
 * HTTP status (big-endian, modulo 600); byte 3: low 2 bits, how many
 * polls of the same answer (1 to 4), bit 2 a tracker that already saw a
 * progress state, bit 3 a call time after every timestamp.  The rest is
 * the answer's body; after its first NUL byte, the body the write sent
 * (what Kafka modify compares).
 */
#include "fuzz_common.h"
#include "catalog.h"
#include "verify.h"

#define CALL_MS	1700000000000LL

static struct br_catalog cat;
static int loaded;

static void
check_read(const struct br_vread *rd)
{
	if (memchr(rd->text, '\0', sizeof(rd->text)) == NULL ||
	    memchr(rd->code, '\0', sizeof(rd->code)) == NULL ||
	    memchr(rd->msg, '\0', sizeof(rd->msg)) == NULL)
		__builtin_trap();
	if (rd->state < BR_VS_UNKNOWN || rd->state > BR_VS_GONE)
		__builtin_trap();
	(void)br_vstate_name(rd->state);
}

/* The verdict agrees with the state read. */
static void
check_verdict(enum br_vverdict v, const struct br_vread *rd)
{
	switch (v) {
	case BR_VV_RETRY:
		if (rd->state != BR_VS_UNKNOWN)
			__builtin_trap();
		break;
	case BR_VV_GONE:
		if (rd->state != BR_VS_GONE)
			__builtin_trap();
		break;
	case BR_VV_HEALTHY:
		if (rd->state != BR_VS_HEALTHY)
			__builtin_trap();
		break;
	case BR_VV_FAILED:
		if (rd->state != BR_VS_FAILED || rd->msg[0] == '\0')
			__builtin_trap();
		break;
	case BR_VV_AGAIN:
		if (rd->state == BR_VS_UNKNOWN || rd->state == BR_VS_GONE)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct br_err err = { 0 };
	struct br_request sent;
	struct br_vtrack t;
	struct br_vread rd, once;
	enum br_vverdict v;
	enum br_vstate st;
	const struct br_op *op;
	const uint8_t *nul;
	char *body;
	size_t blen;
	long status;
	int i, n;

	if (!loaded) {
		if (br_catalog_load_builtin(&cat, &err) != 0)
			abort();
		loaded = 1;
	}
	if (size < 4 || cat.nops == 0)
		return 0;
	op = &cat.ops[data[0] % cat.nops];
	status = (long)(((unsigned)data[1] << 8 | data[2]) % 600);
	n = (data[3] & 3) + 1;
	memset(&t, 0, sizeof(t));
	t.call_ms = (data[3] & 8) ? INT64_MAX : CALL_MS;
	t.saw_progress = (data[3] & 4) != 0;
	memset(&sent, 0, sizeof(sent));
	nul = memchr(data + 4, 0, size - 4);
	blen = nul != NULL ? (size_t)(nul - data - 4) : size - 4;
	body = fz_strndup(data + 4, blen);
	if (nul != NULL) {
		sent.body = fz_strndup(nul + 1, size - 4 - blen - 1);
		sent.bodylen = size - 4 - blen - 1;
	}

	st = br_verify_classify(op, &sent, status, body, blen, &once);
	check_read(&once);
	if (st != once.state)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		v = br_verify_judge(op, &sent, status, body, blen, &t,
		    CALL_MS + 1000 * i, &rd);
		check_read(&rd);
		check_verdict(v, &rd);
		if (rd.state != st || t.polls != i + 1)
			__builtin_trap();	/* same answer, same state */
	}
	free(body);
	free(sent.body);
	return 0;
}
