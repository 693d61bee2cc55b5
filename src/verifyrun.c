/*
 * verifyrun.c - reading a row's resource back, on the main thread: the
 * polls of --wait after a call succeeded, the one read of --precheck
 * before the call, the one read of `bulkrun status`.  Reads go through
 * the same rate limits, credentials and retries as calls (a read that is
 * no reading - throttled, 5xx, no answer - is retried, never a verdict);
 * what an answer means is verify.h's.
 *
 * With --wait a row keeps its --jobs slot from its call to its verdict:
 * between two polls it waits in r->waiting, then in its service's queue
 * of reads, which may go while every slot is held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "retry.h"
#include "run.h"
#include "strbuf.h"

#define CLOCK_ALLOWANCE_MS	1000

int
br_run_reads(const struct run *r)
{
	return r->status || r->o->wait || r->o->precheck ||
	    (r->resume != NULL && br_resume_nverify(r->resume) > 0);
}

/* ms with up to 10 % added, so that rows called together do not poll
 * together for ever. */
static int64_t
jitter(struct run *r, int64_t ms)
{
	if (ms < 10)
		return ms;
	return ms + (int64_t)(br_retry_rand(&r->rng) % (uint64_t)(ms / 10 + 1));
}

static int
build_read(struct run *r, struct job *j, struct br_err *err)
{
	char *base;
	int rc;

	if ((base = br_request_base_url(r->cat, &j->b, &r->ep, err)) == NULL)
		return BR_EINPUT;
	br_request_release(&j->vreq);
	memset(&j->vreq, 0, sizeof(j->vreq));
	rc = br_verify_request(j->b.op, &j->b, base, &j->vreq, err);
	free(base);
	return rc;
}

static void
read_at(struct run *r, struct job *j, int64_t due)
{
	j->rq.read = 1;
	br_sched_wait_until(r, j, due);
}

/* The row ends with this outcome; the call's status and request id
 * stay. */
static void
end_row(struct run *r, struct job *j, enum br_outcome out, const char *code,
    const char *msg, int64_t now)
{
	if (br_result_set(&j->res, out, code, msg) != 0)
		(void)br_result_set(&j->res, out, code, NULL);
	br_sched_finish(r, j, now);
}

static void
keep_state(struct job *j, const char *text)
{
	free(j->res.state);
	j->res.state = text != NULL && text[0] != '\0' ? strdup(text) : NULL;
}

int
br_vrun_read_first(struct run *r, struct job *j, int64_t now)
{
	struct br_err err = { 0 };

	if (build_read(r, j, &err) != 0) {
		end_row(r, j, BR_OUT_INVALID, "INPUT.VERIFY", err.msg, now);
		return -1;
	}
	j->phase = r->status ? BR_PH_STATUS : BR_PH_PRECHECK;
	j->vt.call_ms = br_now_ms();
	read_at(r, j, now);
	return 0;
}

/* The row is verified from now on: its first poll after the first
 * delay.  0, or -1 when its read cannot be built (res says why). */
static int
begin_verify(struct run *r, struct job *j, int64_t now)
{
	const struct br_verify *v = j->b.op->verify;
	struct br_err err = { 0 };
	int64_t first, timeout;

	if (build_read(r, j, &err) != 0) {
		(void)br_result_set(&j->res, BR_OUT_FAILED, "INPUT.VERIFY",
		    err.msg);
		return -1;
	}
	first = r->o->poll_interval_ms > 0 ? r->o->poll_interval_ms :
	    v->first_delay_ms;
	timeout = r->o->wait_timeout_ms > 0 ? r->o->wait_timeout_ms :
	    v->timeout_ms;
	j->phase = BR_PH_VERIFY;
	r->verifying++;
	memset(&j->vt, 0, sizeof(j->vt));
	/* a timestamp that proves freshness (DataArts' startTime) may be
	 * the server's, to the millisecond, and the same millisecond as
	 * the call: a second's allowance for the two clocks */
	j->vt.call_ms = j->sent_ms - CLOCK_ALLOWANCE_MS;
	j->answered = now;
	j->deadline = now + timeout;
	j->read_fails = 0;
	read_at(r, j, now + (first < timeout ? jitter(r, first) : timeout));
	return 0;
}

int
br_vrun_after_call(struct run *r, struct job *j, int64_t now)
{
	if (!r->o->wait || j->b.op->verify == NULL)
		return 0;
	return begin_verify(r, j, now) == 0;
}

void
br_vrun_verify_only(struct run *r, struct job *j, int64_t call_ms,
    int64_t now)
{
	j->sent_ms = call_ms;
	j->holds = 1;		/* in progress: it holds a slot */
	r->busy++;
	(void)br_result_set(&j->res, BR_OUT_SUCCEEDED, NULL, NULL);
	if (j->b.op->verify == NULL || begin_verify(r, j, now) != 0) {
		if (j->res.error_code == NULL)
			(void)br_result_set(&j->res, BR_OUT_FAILED,
			    "INPUT.VERIFY", "no verify block: it cannot be "
			    "read back");
		br_sched_finish(r, j, now);
	}
}

/* What a read showed: the judge's sentence (the state and the service's
 * code), else "state 303, CSS.6002". */
static void
reading_text(const struct br_vread *rd, struct br_strbuf *sb)
{
	if (rd->msg[0] != '\0') {
		br_strbuf_addstr(sb, rd->msg);
		return;
	}
	br_strbuf_addf(sb, "state %s", rd->text[0] != '\0' ? rd->text :
	    br_vstate_name(rd->state));
	if (rd->code[0] != '\0')
		br_strbuf_addf(sb, ", %s", rd->code);
}

static void
verdict(struct run *r, struct job *j, const char *code, const char *why,
    int64_t now)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	j->res.verify_ms = now - j->answered;
	keep_state(j, j->vr.text[0] != '\0' ? j->vr.text :
	    br_vstate_name(j->vr.state));
	if (code == NULL) {
		br_sched_finish(r, j, now);	/* healthy: succeeded */
		return;
	}
	if (why != NULL)
		br_strbuf_addf(&sb, "%s; last read: ", why);
	reading_text(&j->vr, &sb);
	end_row(r, j, BR_OUT_FAILED, code, sb.oom ? why : sb.p, now);
	br_strbuf_release(&sb);
}

/* After one read: the row's verdict, or its next poll. */
static void
verify_step(struct run *r, struct job *j, enum br_vverdict v, int64_t now)
{
	const struct br_verify *spec = j->b.op->verify;
	int64_t iv = r->o->poll_interval_ms > 0 ? r->o->poll_interval_ms :
	    spec->interval_ms;

	switch (v) {
	case BR_VV_HEALTHY:
		verdict(r, j, NULL, NULL, now);
		return;
	case BR_VV_FAILED:
		verdict(r, j, "VERIFY.FAILED", NULL, now);
		return;
	case BR_VV_GONE:
		verdict(r, j, "VERIFY.GONE", "the resource is gone", now);
		return;
	default:
		break;
	}
	if (now >= j->deadline) {
		verdict(r, j, "VERIFY.TIMEOUT", "not healthy before the "
		    "timeout", now);
		return;
	}
	iv = jitter(r, iv);
	read_at(r, j, now + iv < j->deadline ? now + iv : j->deadline);
}

/* One read of precheck or status came back as a reading. */
static void
read_once(struct run *r, struct job *j, enum br_vstate st, int64_t now)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	static const char *const codes[] = {
		[BR_VS_PROGRESS] = "VERIFY.IN_PROGRESS",
		[BR_VS_FAILED] = "VERIFY.FAILED",
		[BR_VS_GONE] = "VERIFY.GONE"
	};

	if (j->phase == BR_PH_PRECHECK && st == BR_VS_HEALTHY) {
		j->phase = BR_PH_CALL;		/* now the call */
		j->rq.read = 0;
		br_sched_wait_until(r, j, now);
		return;
	}
	reading_text(&j->vr, &sb);
	if (j->phase == BR_PH_STATUS) {
		keep_state(j, br_vstate_name(st));
		j->res.http_status = j->resp.status;
		free(j->res.request_id);
		j->res.request_id = j->resp.request_id != NULL ?
		    strdup(j->resp.request_id) : NULL;
		if (st == BR_VS_HEALTHY)
			end_row(r, j, BR_OUT_SUCCEEDED, NULL, NULL, now);
		else
			end_row(r, j, BR_OUT_FAILED, codes[st], sb.p, now);
	} else {
		keep_state(j, br_vstate_name(st));
		end_row(r, j, BR_OUT_SKIPPED, "SKIPPED.PRECHECK", sb.p, now);
	}
	br_strbuf_release(&sb);
}

/* The read was no reading: again after a backoff (Retry-After honoured);
 * a read before the call gives up after --retries. */
static void
read_again(struct run *r, struct job *j, int64_t now)
{
	int64_t delay;

	j->read_fails++;
	if (j->phase != BR_PH_VERIFY && j->read_fails > r->o->retry.retries) {
		struct br_strbuf sb = BR_STRBUF_INIT;

		br_strbuf_addf(&sb, "could not read the resource (%s%s%s)",
		    j->vr.code[0] != '\0' ? j->vr.code : "no answer",
		    j->vr.msg[0] != '\0' ? ": " : "", j->vr.msg);
		end_row(r, j, j->phase == BR_PH_STATUS ? BR_OUT_FAILED :
		    BR_OUT_SKIPPED, j->phase == BR_PH_STATUS ? "VERIFY.UNREAD" :
		    "SKIPPED.PRECHECK", sb.oom ? NULL : sb.p, now);
		br_strbuf_release(&sb);
		return;
	}
	delay = br_retry_delay(&r->o->retry, j->read_fails, &r->rng,
	    j->resp.retry_after, br_now_ms());
	if (j->phase == BR_PH_VERIFY && now >= j->deadline) {
		verdict(r, j, "VERIFY.TIMEOUT", "not healthy before the "
		    "timeout", now);
		return;
	}
	if (j->phase == BR_PH_VERIFY && now + delay > j->deadline)
		delay = j->deadline - now;
	read_at(r, j, now + delay);
}

/* A read refused for its credentials: a fresh token, or the run stops. */
static int
read_refused(struct run *r, struct job *j, long status, int64_t now)
{
	struct br_result res = { .outcome = BR_OUT_FAILED,
	    .http_status = status };

	res.error_code = j->vr.code[0] != '\0' ? j->vr.code : NULL;
	if (!br_run_is_auth_failure(&res))
		return 0;
	if (br_run_token_refreshed(r, j)) {
		read_at(r, j, now);
		return 1;
	}
	res.error_msg = j->vr.msg;
	br_run_auth_refused(r, &res);
	return 0;
}

void
br_vrun_answered(struct run *r, struct job *j, int64_t now)
{
	const struct br_op *op = j->b.op;
	long status = j->resp.net == BR_NET_OK ? j->resp.status : 0;
	enum br_vverdict v;
	enum br_vstate st = BR_VS_UNKNOWN;
	int throttled;

	j->res.polls++;
	memset(&j->vr, 0, sizeof(j->vr));
	if (j->phase == BR_PH_VERIFY)
		v = br_verify_judge(op, &j->req, status, j->resp.body,
		    j->resp.len, &j->vt, br_now_ms(), &j->vr);
	else
		v = (st = br_verify_classify(op, NULL, status, j->resp.body,
		    j->resp.len, &j->vr)) == BR_VS_UNKNOWN ? BR_VV_RETRY :
		    BR_VV_AGAIN;
	throttled = status == 429 || br_retry_is_throttle(j->vr.code);
	if (throttled)
		r->stats.throttled++;
	if (j->resp.net == BR_NET_OK)
		br_svclimit_answer(&r->limits, j->rq.svc, throttled, now);
	if (v == BR_VV_RETRY && read_refused(r, j, status, now))
		return;
	if (br_sched_signal || r->halt == BR_HALT_AUTH || r->io_error) {
		br_sched_stop_row(r, j, now);
		return;
	}
	if (v == BR_VV_RETRY) {
		read_again(r, j, now);
		return;
	}
	j->read_fails = 0;
	if (j->phase == BR_PH_VERIFY)
		verify_step(r, j, v, now);
	else
		read_once(r, j, st, now);
}

void
br_vrun_cancel(struct run *r, struct job *j, int64_t now)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	br_strbuf_addf(&sb, "%s while verifying: the call went out "
	    "(--resume verifies it without calling again)", br_sched_signal ?
	    "interrupted" : "stopped");
	if (j->res.polls > 0 && (j->vr.text[0] != '\0' ||
	    j->vr.state != BR_VS_UNKNOWN)) {
		br_strbuf_addstr(&sb, "; last read: ");
		reading_text(&j->vr, &sb);
	}
	keep_state(j, j->vr.text);
	j->res.verify_ms = now - j->answered;
	end_row(r, j, BR_OUT_CANCELLED, "CANCELLED.UNVERIFIED",
	    sb.oom ? NULL : sb.p, now);
	br_strbuf_release(&sb);
}
