/*
 * sched.c - pass two of a run, the main loop, on the main thread.
 *
 * A row's states: read into the lookahead and queued by its service
 * (r->ready) -> in flight in the pool (at most --jobs) -> answered; then
 * either finished (written to the report) or waiting for its retry in
 * r->waiting and, when due, queued again.  A row waiting for a token, a
 * slot or its retry holds no --jobs slot; the dispatcher (dispatch.h)
 * sends from whichever service's queue has a token, so no row waits
 * behind another that cannot go yet.  Rows are read only when a slot is
 * free and no queued row may go, up to r->njobs rows read and not yet
 * written (the lookahead: memory does not grow with the manifest).  A row
 * is never started after a halt (--max-failures, --canary, credentials,
 * the window) or a signal: it is written skipped or cancelled.  Each turn
 * of the loop starts what may start, then waits for answers or for the
 * next due time.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "datetime.h"
#include "retry.h"
#include "run.h"
#include "sched.h"
#include "strbuf.h"
#include "xferdrv.h"

volatile sig_atomic_t br_sched_signal;
volatile sig_atomic_t br_sched_signals;

void
br_sched_interrupt(int sig)
{
	br_sched_signal = sig;
	if (++br_sched_signals >= 2)
		br_http_abort_all(1);	/* abandon what is in flight */
}

#define TICK_MS		200	/* longest wait before looking at signals */
#define LOOKAHEAD_MIN	2048	/* rows read ahead: this, or 4 x --jobs */

/* ---- small helpers ---- */

/* ---- pass two ---- */

static void
job_reset(struct job *j)
{
	br_bound_release(&j->b);
	br_request_release(&j->req);
	br_request_release(&j->vreq);
	br_response_release(&j->resp);
	br_result_release(&j->res);
	memset(&j->b, 0, sizeof(j->b));
	memset(&j->req, 0, sizeof(j->req));
	memset(&j->vreq, 0, sizeof(j->vreq));
	memset(&j->res, 0, sizeof(j->res));
	memset(&j->vt, 0, sizeof(j->vt));
	memset(&j->vr, 0, sizeof(j->vr));
	j->attempts = 0;
	j->canary = 0;
	j->phase = BR_PH_CALL;
	j->read_fails = 0;
	j->started_ms = 0;
	j->rq.svc = -1;
	j->rq.read = 0;
}

/* A row holds a --jobs slot from its call until its end (with --wait,
 * until its verdict); waiting to retry its call, it holds none. */
static void
slot_release(struct run *r, struct job *j)
{
	if (j->holds) {
		j->holds = 0;
		r->busy--;
	}
}

static void
job_free(struct run *r, struct job *j)
{
	r->open--;
	slot_release(r, j);
	job_reset(j);
	j->next_free = r->free;
	r->free = j;
}

/* The manifest changed after it was checked (rows appended during a
 * --not-before wait, an edit): the run goes on with the rows as they were
 * checked, and says so once. */
static void
say_if_changed(struct run *r)
{
	if (r->said_changed || !br_manifest_changed(r->m))
		return;
	r->said_changed = 1;
	fprintf(stderr, "bulkrun: warning: %s changed after it was checked; "
	    "running the rows as they were checked (a copy taken at the "
	    "start): changes and added rows are not sent\n",
	    br_manifest_name(r->m));
}

/*
 * Reads rows until one is to be sent (returned, counted open) or the
 * manifest ends (NULL).  Rows of other shards are passed over; invalid
 * rows (with --skip-invalid) and rows after a halt are written at once.
 */
static struct job *
read_next(struct run *r)
{
	struct br_err err = { 0 };
	struct job *j = r->free;
	enum br_resume_row earlier;
	enum br_halt why;
	int rc;

	while (j != NULL && !r->eof) {
		rc = br_manifest_next(r->m, &j->row, &err);
		if (rc == 0) {
			r->eof = 1;
			break;
		}
		if (rc < 0) {
			fprintf(stderr, "%s\n", err.msg);
			r->eof = 1;
			r->io_error = 1;
			break;
		}
		if (!br_run_in_shard(r->o, j->row.num))
			continue;	/* not ours */
		earlier = br_resume_row(r->resume, j->row.num, NULL);
		if (earlier == BR_RS_CARRIED)
			continue;	/* done in an earlier run */
		if (j->row.hidden) {
			br_run_write_row_unsent(r, &j->row, BR_OUT_SKIPPED,
			    "SKIPPED.HIDDEN", "not run: the row is hidden in "
			    "the sheet");
			continue;
		}
		if (!r->o->resume_send && earlier == BR_RS_MISMATCH) {
			br_run_write_row_unsent(r, &j->row, BR_OUT_SKIPPED,
			    "SKIPPED.MISMATCH", "not sent: it succeeded in the "
			    "resumed report and differs from it now "
			    "(--resume-mismatch send sends it)");
			continue;
		}
		why = br_run_halted(r);
		job_reset(j);
		rc = br_run_bind(r, &j->row, &j->b, 1, j->rfp);
		if (rc == BR_ENOMEM) {
			r->io_error = 1;
			break;
		}
		if (rc != 0) {
			br_run_write_invalid(r, &j->row);
			continue;
		}
		if (why != BR_HALT_NONE) {
			br_run_write_halted(r, j, why);
			continue;
		}
		if (br_run_build_request(r, &j->b, &j->req, &err) != 0) {
			br_run_write_unsent(r, &j->row, j->b.op->name, BR_OUT_INVALID,
			    "INPUT.REQUEST", err.msg, j->rfp);
			br_err_clear(&err);
			continue;
		}
		if (r->admitted == 0)
			say_if_changed(r);
		r->free = j->next_free;
		j->canary = r->admitted < r->o->canary;
		r->admitted++;
		r->open++;
		return j;
	}
	return NULL;
}

static struct job *
job_of(struct br_delayq_item *it)
{
	return it == NULL ? NULL :
	    (struct job *)(void *)((char *)it - offsetof(struct job, dq));
}

static struct job *
job_of_ready(struct br_ready *it)
{
	return it == NULL ? NULL :
	    (struct job *)(void *)((char *)it - offsetof(struct job, rq));
}

#define finish br_sched_finish

void
br_sched_wait_until(struct run *r, struct job *j, int64_t due)
{
	j->dq.due = due;
	(void)br_delayq_push(&r->waiting, &j->dq);	/* <= njobs */
}

/* Sends j (again): credentials are applied afresh for every attempt, so
 * a retry has a new signature and the newest token. */
static void
submit(struct run *r, struct job *j, int64_t now)
{
	struct br_err err = { 0 };

	if (j->started_ms == 0) {	/* its first request, call or read */
		j->first_mono = now;
		j->started_ms = br_now_ms();
	}
	if (j->phase == BR_PH_CALL)
		j->sent_ms = br_now_ms();
	br_response_release(&j->resp);
	j->pj.in = j->phase == BR_PH_CALL ? &j->req : &j->vreq;
	if (br_run_apply_creds(r, &j->b, (struct br_request *)j->pj.in,
	    &err) != 0) {
		br_result_release(&j->res);
		memset(&j->res, 0, sizeof(j->res));
		(void)br_result_set(&j->res, BR_OUT_FAILED, "INPUT.AUTH",
		    err.msg);
		finish(r, j, now);
		return;
	}
	j->token_gen = r->token_gen;
	if (j->phase == BR_PH_CALL) {
		j->attempts++;
		if (!j->holds) {
			j->holds = 1;
			r->busy++;
		}
	}
	r->inflight++;
	br_pool_submit(r->pool, &j->pj);
}

void
br_sched_finish(struct run *r, struct job *j, int64_t now)
{
	if (j->phase == BR_PH_VERIFY)
		r->verifying--;
	j->res.attempts = j->attempts;
	memcpy(j->res.request_fp, j->rfp, sizeof(j->rfp));
	j->res.elapsed_ms = now - j->first_mono;
	j->res.started_ms = j->started_ms;
	j->res.finished_ms = br_now_ms();
	br_run_write_row(r, &j->row, j->b.op->name, &j->res);
	if (j->canary) {
		r->canary_done++;
		if (j->res.outcome != BR_OUT_SUCCEEDED &&
		    r->halt == BR_HALT_NONE)
			r->halt = BR_HALT_CANARY;
	}
	if (r->fail_limit >= 0 && r->stats.outcomes[BR_OUT_FAILED] > r->fail_limit &&
	    r->halt == BR_HALT_NONE)
		r->halt = BR_HALT_FAILURES;
	job_free(r, j);
}

/* A job came back from a worker. */
static void
collected(struct run *r, struct job *j, int64_t now)
{
	int64_t delay;
	int throttled;

	r->inflight--;
	if (j->phase != BR_PH_CALL) {
		br_vrun_answered(r, j, now);
		return;
	}
	br_result_release(&j->res);
	memset(&j->res, 0, sizeof(j->res));
	if (br_result_from_response(j->b.op, &j->resp, &j->res) != 0)
		(void)br_result_set(&j->res, BR_OUT_FAILED, "NET.OTHER",
		    "out of memory");
	throttled = j->res.http_status == 429 ||
	    br_retry_is_throttle(j->res.error_code);
	if (throttled)
		r->stats.throttled++;
	if (j->resp.net == BR_NET_OK)
		br_svclimit_answer(&r->limits, j->rq.svc, throttled, now);
	if (br_sched_signals >= 2) {
		/* abandoned in flight by a second signal */
		br_result_release(&j->res);
		memset(&j->res, 0, sizeof(j->res));
		(void)br_result_set(&j->res, BR_OUT_CANCELLED, "CANCELLED",
		    "abandoned in flight: interrupted twice");
		finish(r, j, now);
		return;
	}
	if (j->res.outcome == BR_OUT_SUCCEEDED && j->token_gen == r->token_gen)
		r->token_ok = 1;
	if (j->res.outcome == BR_OUT_FAILED && br_run_is_auth_failure(&j->res)) {
		if (br_run_token_refreshed(r, j)) {
			slot_release(r, j);
			br_sched_wait_until(r, j, now);	/* the new token */
			return;
		}
		br_run_auth_refused(r, &j->res);
	} else if (j->res.outcome == BR_OUT_FAILED &&
	    j->attempts <= r->o->retry.retries && !br_sched_signal &&
	    r->halt != BR_HALT_AUTH &&
	    br_retry_wanted(&r->o->retry, j->resp.net != BR_NET_OK,
	    j->resp.sent && !j->b.op->idempotent, j->res.http_status,
	    j->res.error_code)) {
		delay = br_retry_delay(&r->o->retry, j->attempts, &r->rng,
		    j->resp.retry_after, br_now_ms());
		slot_release(r, j);
		br_sched_wait_until(r, j, now + delay);
		return;
	}
	if (j->res.outcome == BR_OUT_SUCCEEDED && br_vrun_after_call(r, j, now))
		return;		/* verified from now on, in its slot */
	finish(r, j, now);
}

/*
 * Whether a new row may be read to be sent (rows waiting for a retry
 * always may go): the canary rows one at a time, each once the one before
 * has ended, and the other rows only once every canary row has ended.
 */
static int
may_admit(const struct run *r)
{
	if (r->admitted < r->o->canary)
		return r->open == 0;
	return r->canary_done >= r->o->canary;
}

static int
never_started(const struct br_ready *it, void *arg)
{
	const struct job *j = (const struct job *)(const void *)
	    ((const char *)it - offsetof(struct job, rq));

	(void)arg;
	return j->attempts == 0 && j->phase != BR_PH_VERIFY;
}

static int
any_row(const struct br_ready *it, void *arg)
{
	(void)it;
	(void)arg;
	return 1;
}

/* A queued row that will not be sent: never started, it is reported
 * skipped or cancelled; waiting to go again, as cancel_waiting says. */
static void cancel_waiting(struct run *r, struct job *j, int64_t now);

void
br_sched_stop_row(struct run *r, struct job *j, int64_t now)
{
	if (j->attempts > 0 || j->phase == BR_PH_VERIFY) {
		cancel_waiting(r, j, now);
		return;
	}
	if (!r->report_failed)	/* else: one of the rows never started */
		br_run_write_halted(r, j, br_run_halted(r));
	job_free(r, j);
}

static void
drop_queued(struct br_ready *it, void *arg)
{
	br_sched_stop_row(arg, job_of_ready(it), br_mono_ms());
}

/*
 * A row waiting for its retry when the run stops (a signal, a report
 * that cannot be written, a credentials failure): it is not sent again.
 * Interrupted, it is cancelled, its last answer kept in the message; after
 * a credentials failure its last answer stands.
 */
static void
cancel_waiting(struct run *r, struct job *j, int64_t now)
{
	struct br_strbuf msg = BR_STRBUF_INIT;
	long status = j->res.http_status;

	if (j->phase == BR_PH_VERIFY) {
		br_vrun_cancel(r, j, now);
		return;
	}
	if (!br_sched_signal && !r->report_failed) {
		finish(r, j, now);
		return;
	}
	br_strbuf_addf(&msg, "%s while waiting to retry (last answer: %s%s%s)",
	    br_sched_signal ? "interrupted" :
	    "stopped: the report could not be written",
	    j->res.error_code ? j->res.error_code : "none",
	    j->res.error_msg ? ": " : "",
	    j->res.error_msg ? j->res.error_msg : "");
	br_result_release(&j->res);
	memset(&j->res, 0, sizeof(j->res));
	(void)br_result_set(&j->res, BR_OUT_CANCELLED, "CANCELLED",
	    !msg.oom ? msg.p : "interrupted while waiting to retry");
	j->res.http_status = status;
	br_strbuf_release(&msg);
	finish(r, j, now);
}

/* 0 when a new row may start; > 0: ms until the window opens; -1: the
 * window has closed (the run halts). */
static int64_t
window_gate(struct run *r)
{
	int64_t w = br_window_check(&r->win, br_now_ms());
	char when[40];

	if (w < 0) {
		if (r->halt == BR_HALT_NONE && !r->o->quiet)
			fprintf(stderr, "bulkrun: the window has closed: no "
			    "new row starts\n");
		r->halt = BR_HALT_WINDOW;
	} else if (w > 0 && !r->said_waiting) {
		r->said_waiting = 1;
		br_datetime_iso(r->win.open_ms, when, sizeof(when));
		if (!r->o->quiet)
			fprintf(stderr, "bulkrun: waiting until %s for the "
			    "window to open\n", when);
	}
	return w;
}

static int64_t
sooner(int64_t wait, int64_t w)
{
	return w >= 0 && w < wait ? w : wait;	/* w < 0: nothing waits */
}

/* The lookahead's jobs, the queues, the limiters and the pool. -1 when
 * out of memory or the workers cannot start. */
static int
execute_init(struct run *r)
{
	int64_t now = br_mono_ms();
	int i;

	r->njobs = r->o->jobs * 4 > LOOKAHEAD_MIN ? r->o->jobs * 4 :
	    LOOKAHEAD_MIN;
	br_svclimit_init(&r->limits, r->o->rate, r->o->burst, r->o->svc_rates,
	    r->o->nsvc_rates, now);
	r->jobs = calloc((size_t)r->njobs, sizeof(*r->jobs));
	if (br_dispatch_init(&r->ready, &r->limits) != 0 || r->jobs == NULL ||
	    br_delayq_init(&r->waiting, (size_t)r->njobs) != 0)
		return -1;
	for (i = r->njobs - 1; i >= 0; i--) {
		r->jobs[i].rq.svc = -1;
		r->jobs[i].pj.in = &r->jobs[i].req;
		r->jobs[i].pj.out = &r->jobs[i].resp;
		r->jobs[i].next_free = r->free;
		r->free = &r->jobs[i];
	}
	r->rng = r->o->seed ? r->o->seed : (uint64_t)br_now_ms() ^
	    0x9e3779b97f4a7c15ULL;
	if (r->drv == NULL) {
		r->drv = &br_http_driver;
		r->drv_arg = &r->hopts;
	}
	r->pool = br_pool_new(0, r->o->jobs, r->drv, r->drv_arg);
	return r->pool != NULL ? 0 : -1;
}

/* After a signal, a report that cannot be written or a credentials
 * failure: nothing more is sent; the rows read or waiting are written. */
static int
stopping(struct run *r, int64_t now)
{
	struct job *j;

	if (!br_sched_signal && !r->io_error && r->halt != BR_HALT_AUTH)
		return 0;
	br_dispatch_remove_if(&r->ready, any_row, drop_queued, r);
	while ((j = job_of(br_delayq_pop(&r->waiting))) != NULL)
		br_sched_stop_row(r, j, now);
	return 1;
}

/*
 * Reads the next row to be sent into its service's queue: 1, or 0 when
 * none may be read now (the lookahead is full, a canary row is out, the
 * window is not open, a halt, the end), with *wait lowered to when the
 * window opens.
 */
static int
admit(struct run *r, int64_t now, int64_t *wait)
{
	struct job *j;
	int64_t w, call_ms;

	if (r->halt != BR_HALT_NONE || r->eof || r->free == NULL ||
	    !may_admit(r))
		return 0;
	if ((w = window_gate(r)) != 0) {
		*wait = sooner(*wait, w);	/* no new row before it opens */
		return 0;
	}
	if ((j = read_next(r)) == NULL)
		return 0;
	j->rq.num = j->row.num;
	j->rq.svc = br_svclimit_index(&r->limits, j->b.op->service, now);
	if (br_resume_row(r->resume, j->row.num, &call_ms) == BR_RS_VERIFY) {
		br_vrun_verify_only(r, j, call_ms, now);   /* no call again */
		return 1;
	}
	if (r->status || r->o->precheck) {
		(void)br_vrun_read_first(r, j, now);	/* its read first */
		return 1;
	}
	(void)br_dispatch_add(&r->ready, &j->rq);
	return 1;
}

/*
 * Sends what may go now, up to --jobs in flight: the retries that are due
 * join their queues; the dispatcher picks among the queues; a row is read
 * only when a slot is free and no queued row may go.
 */
static void
start_rows(struct run *r, int64_t now, int64_t *wait)
{
	struct br_delayq_item *it;
	struct br_ready *rq;
	int global;

	while ((it = br_delayq_pop_due(&r->waiting, now)) != NULL) {
		job_of(it)->rq.read = job_of(it)->phase != BR_PH_CALL;
		(void)br_dispatch_add(&r->ready, &job_of(it)->rq);
	}
	if (r->halt != BR_HALT_NONE)
		br_dispatch_remove_if(&r->ready, never_started, drop_queued, r);
	while (r->inflight < r->o->jobs) {
		if ((rq = br_dispatch_next(&r->ready, now, wait, &global,
		    r->busy < r->o->jobs)) != NULL)
			submit(r, job_of_ready(rq), now);
		else if (global || r->busy >= r->o->jobs || !admit(r, now, wait))
			break;
	}
	*wait = sooner(*wait, br_delayq_wait(&r->waiting, now));
}

/* Waits up to wait ms for answers and takes them all. */
static void
take_answers(struct run *r, int64_t wait)
{
	struct br_pool_job *pj;
	struct timespec ts = { (time_t)(wait / 1000),
	    (long)(wait % 1000) * 1000000L };

	if (r->inflight == 0) {
		if (wait > 0)
			nanosleep(&ts, NULL);
		return;
	}
	if ((pj = br_pool_collect(r->pool, wait)) == NULL)
		return;
	do {
		collected(r, (struct job *)pj, br_mono_ms());
	} while ((pj = br_pool_collect(r->pool, 0)) != NULL);
}

/* Pass two: the main loop. */
static int
execute(struct run *r)
{
	int64_t now, wait;
	int stop;

	if (execute_init(r) != 0)
		return -1;
	for (;;) {
		now = br_mono_ms();
		br_progress_tick(&r->progress, &r->stats, now);
		wait = TICK_MS;
		if (!(stop = stopping(r, now)))
			start_rows(r, now, &wait);
		if (r->halt != BR_HALT_NONE && !r->eof && r->free != NULL &&
		    !br_sched_signal && !r->io_error) {
			/* halted: account for the rows never started */
			while (read_next(r) != NULL)
				;
		}
		if (r->open == 0 && (r->eof || stop))
			break;
		r->stats.inflight = r->inflight;
		r->stats.waiting_retry = (long)r->waiting.n;
		r->stats.waiting_token = (long)r->ready.n;
		r->stats.verifying = r->verifying;
		take_answers(r, wait);
	}
	/* signal: account for the rows not read yet */
	while (!r->io_error && !r->eof && read_next(r) != NULL)
		;
	return 0;
}
int
br_sched_run(const struct br_opts *o, const struct br_catalog *c)
{
	return br_sched_run_with(o, c, NULL, NULL);
}

/* Everything before a row is sent: credentials, the manifest and its
 * survey, --resume; the window.  0 or BR_E* with err set. */
static int
prepare(struct run *r, struct br_survey *s, struct br_err *err)
{
	const struct br_opts *o = r->o;
	int rc;

	if ((rc = br_run_load_creds(r, err)) != 0 ||
	    (rc = br_run_open_manifest(r, 1, err)) != 0 ||
	    (rc = br_run_load_resume(r, err)) != 0 ||
	    (rc = br_survey_run(r, s, 1, 1, err)) != 0)
		return rc;
	if (r->resume != NULL)
		br_resume_explain(r->resume, br_manifest_name(r->m),
		    o->resume_send, stderr);
	if (s->invalid > 0 && !o->skip_invalid)
		return br_errf(err, BR_EINPUT, "bulkrun", 0, "%ld of %ld rows "
		    "are invalid; nothing was sent (fix them, or run the "
		    "others with --skip-invalid)", s->invalid, s->rows);
	if (o->dry_run)
		return 0;
	if ((rc = br_window_init(&r->win, o->not_before, o->not_after,
	    o->window, br_now_ms(), err)) != 0)
		br_err_prefix(err, "bulkrun");
	return rc;
}

/* The rows an earlier report carries go into the new one first. */
static void
carry_over(struct run *r)
{
	struct br_err err = { 0 };

	if (br_resume_write(r->resume, r->rep, br_run_count_carried, r,
	    &err) != 0 || br_run_publish_report(r, &err) != 0) {
		if (err.code == BR_EIO)
			br_run_report_failed(r, &err);
		else {
			fprintf(stderr, "bulkrun: %s\n", err.msg);
			r->io_error = 1;
		}
	} else if (!r->o->quiet) {
		fprintf(stderr, "bulkrun: %ld rows succeeded in '%s': carried "
		    "over, not sent again\n", br_resume_ncarried(r->resume),
		    r->o->resume);
		if (br_resume_nverify(r->resume) > 0)
			fprintf(stderr, "bulkrun: %ld rows were called and not "
			    "verified: verified now, not called again\n",
			    br_resume_nverify(r->resume));
	}
}

/* The rows, from the first token to the last answer. */
static void
send_rows(struct run *r, const struct br_survey *s)
{
	const struct br_opts *o = r->o;

	if (o->max_failures >= 0)
		r->fail_limit = o->max_failures;
	else if (o->max_failures_pct >= 0)
		r->fail_limit = (long)((double)s->rows * o->max_failures_pct /
		    100.0);
	if (o->insecure)
		fprintf(stderr, "bulkrun: warning: --insecure: TLS certificates "
		    "are not verified; anyone on the way can read the "
		    "credentials and the answers\n");
	if (r->creds.kind == BR_CREDS_PASSWORD && br_run_fetch_token(r) != 0)
		r->halt = BR_HALT_AUTH;	/* every row reported skipped */
	br_progress_init(&r->progress, o->progress, o->quiet, stderr,
	    isatty(2), br_mono_ms());
	if (execute(r) != 0) {
		fprintf(stderr, "bulkrun: cannot start the workers\n");
		r->io_error = 1;
	}
	if (r->pool != NULL)
		br_pool_free(r->pool);
	r->pool = NULL;
	r->stats.end_mono = br_mono_ms();
}

/* Closes the report, prints the summary; the exit status. */
static int
conclude(struct run *r, const struct br_survey *s)
{
	struct br_err err = { 0 };
	struct br_ending end = { 0 };
	const char *path = r->report_path;
	long unstarted;

	if (br_report_close(r->rep, &err) != 0 && !r->report_failed) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);	/* said once */
		r->report_failed = 1;
	}
	r->rep = NULL;
	if (r->rep_err != NULL)
		(void)br_report_close(r->rep_err, &err);
	r->rep_err = NULL;
	br_progress_end(&r->progress);
	if (r->xlsx_path != NULL && !r->report_failed &&
	    br_run_write_workbook(r, &err) != 0) {
		fprintf(stderr, "bulkrun: %s (the rows are in its journal, %s)"
		    "\n", err.msg, path);
		r->report_failed = 1;
	} else if (r->xlsx_path != NULL)
		path = r->xlsx_path;
	if (!r->o->quiet)
		br_stats_print(&r->stats, strcmp(path, "-") ? path : NULL,
		    stderr);
	unstarted = s->rows - br_stats_done(&r->stats);
	if (r->report_failed)
		fprintf(stderr, "bulkrun: the report '%s' could not be written: "
		    "%ld row%s never started; once there is room, add the "
		    "report lines printed above to it and run again with "
		    "--resume '%s' to continue\n", path, unstarted,
		    unstarted == 1 ? "" : "s", path);
	end.signal = br_sched_signal;
	end.report_failed = r->report_failed;
	end.io_error = r->io_error;
	end.halted = r->halt != BR_HALT_NONE;
	end.failed = r->stats.outcomes[BR_OUT_FAILED];
	end.invalid = r->stats.outcomes[BR_OUT_INVALID];
	return br_exit_status(&end);
}

int
br_sched_run_with(const struct br_opts *o, const struct br_catalog *c,
    const struct br_pool_driver *drv, void *drv_arg)
{
	struct run r;
	struct br_survey s = { 0 };
	struct br_err err = { 0 };
	size_t i;
	int rc;

	br_run_setup(&r, o, c);
	r.drv = drv;
	r.drv_arg = drv_arg;
	r.status = o->cmd == BR_CMD_STATUS;
	if ((rc = prepare(&r, &s, &err)) == 0 && o->dry_run) {
		rc = br_run_dry(&r, &err);
		rc = rc < 0 ? br_exit_error(&err, stderr) :
		    rc ? BR_EXIT_FAILED : BR_EXIT_OK;
	} else if (rc == 0 && (rc = br_run_open_report(&r, &s, &err)) == 0) {
		br_stats_init(&r.stats, s.rows, br_mono_ms());
		if (r.resume != NULL)
			carry_over(&r);
		send_rows(&r, &s);
		rc = conclude(&r, &s);
	} else
		rc = br_exit_error(&err, stderr);
	br_run_summarize(&r, &s, rc);	/* --metrics, --summary-json */
	if (r.jobs != NULL) {
		for (i = 0; i < (size_t)r.njobs; i++) {
			job_reset(&r.jobs[i]);
			br_row_release(&r.jobs[i].row);
		}
		free(r.jobs);
	}
	br_delayq_release(&r.waiting);
	br_dispatch_release(&r.ready);
	br_svclimit_release(&r.limits);
	br_survey_release(&s);
	br_run_teardown(&r);
	return rc;
}
