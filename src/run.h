/*
 * run.h - the state of one run, shared by the files of the scheduler and
 * private to them:
 *   survey.c    pass one: check every row (and `bulkrun validate`)
 *   runsetup.c  what a run opens and closes: manifest, --resume, requests
 *   runcreds.c  the credentials policy: tokens, signing, refusals
 *   dryrun.c    --dry-run
 *   sched.c     pass two: the main loop
 *   runwrite.c  a row into the report; the report that cannot be written
 *   verifyrun.c reading a resource back: --wait, --precheck, status
 *   runsummary.c --metrics, --summary-json at the end
 * Everything here runs on the main thread.
 */
#ifndef BR_RUN_H
#define BR_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "bind.h"
#include "catalog.h"
#include "cli.h"
#include "delayq.h"
#include "dispatch.h"
#include "http.h"
#include "manifest.h"
#include "pool.h"
#include "progress.h"
#include "report.h"
#include "request.h"
#include "result.h"
#include "resume.h"
#include "svclimit.h"
#include "verify.h"
#include "window.h"

/* Set by br_sched_interrupt(): the signal's number, and how many came. */
extern volatile sig_atomic_t br_sched_signal;
extern volatile sig_atomic_t br_sched_signals;

/* Why no new row starts; each has one report code and message (sched.c). */
enum br_halt {
	BR_HALT_NONE = 0,
	BR_HALT_FAILURES,	/* --max-failures exceeded */
	BR_HALT_CANARY,		/* a canary row failed */
	BR_HALT_AUTH,		/* the credentials were refused */
	BR_HALT_WINDOW,		/* the window closed */
	BR_HALT_CANCELLED	/* a signal (not kept in struct run) */
};

/* What a row's next request is. */
enum br_phase {
	BR_PH_CALL = 0,		/* the operation */
	BR_PH_PRECHECK,		/* --precheck: one read before the call */
	BR_PH_VERIFY,		/* --wait: polls after the call's answer */
	BR_PH_STATUS		/* bulkrun status: one read, no call */
};

/* One row on its way, from the moment it is read until it is written to
 * the report; there are r->njobs of them (the lookahead), reused. */
struct job {
	struct br_pool_job	 pj;		/* the pool's link */
	struct br_ready		 rq;		/* its service's ready queue */
	struct br_row		 row;
	struct br_bound		 b;
	struct br_request	 req;
	struct br_response	 resp;		/* written by a worker */
	struct br_result	 res;
	int			 attempts;
	int			 canary;	/* one of the first N rows */
	enum br_phase		 phase;
	int			 holds;		/* holds a --jobs slot */
	struct br_request	 vreq;		/* its read, when it reads */
	struct br_vtrack	 vt;
	struct br_vread		 vr;		/* the last reading */
	int64_t			 answered;	/* mono: the call's answer */
	int64_t			 deadline;	/* mono: verification ends */
	int			 read_fails;	/* answers in a row that
						   were no reading */
	int64_t			 sent_ms;	/* epoch: the call's last
						   attempt went */
	int			 token_gen;	/* the token it was sent with */
	char			 rfp[33];	/* br_request_fp of the row */
	int64_t			 first_mono;	/* first attempt */
	int64_t			 started_ms;	/* epoch, first attempt */
	struct br_delayq_item	 dq;		/* retry time (mono) */
	struct job		*next_free;
};


/* Pass one's findings. */
struct br_survey {
	long		 all_rows;	/* rows of the manifest */
	long		 rows;		/* rows of this shard */
	long		 invalid;
	char		**columns;	/* JSON: every key seen */
	size_t		 ncolumns;
};

struct run {
	const struct br_opts	*o;
	const struct br_catalog	*cat;
	struct br_manifest	*m;
	struct br_report	*rep;
	struct br_pool		*pool;
	const struct br_pool_driver *drv;	/* NULL: HTTP (xferdrv.h) */
	void			*drv_arg;
	struct br_bind_opts	 bo;
	struct br_endpoint_map	 ep;
	struct br_problems	 probs;
	struct br_http_opts	 hopts;
	struct br_creds		 creds;
	int			 token_gen;	/* bumped by each fetch */
	int			 token_ok;	/* the current token worked */
	int			 refreshes;

	struct job		*jobs;		/* the lookahead */
	int			 njobs;
	struct job		*free;		/* free list */
	struct br_dispatch	 ready;		/* read, waiting for a token
						   or a slot */
	struct br_delayq	 waiting;	/* rows waiting to retry */
	int			 inflight;	/* in the pool: <= --jobs */
	int			 busy;		/* rows holding a slot: calls in
						   flight, rows being verified */
	int			 status;	/* bulkrun status: read only */
	long			 verifying;	/* rows being verified */
	long			 open;		/* read and not yet written */
	int			 eof;

	struct br_svclimit	 limits;
	struct br_progress	 progress;

	struct br_stats		 stats;
	uint64_t		 rng;
	long			 admitted;	/* rows read to be sent */
	long			 canary_done;
	long			 fail_limit;	/* -1: none */
	enum br_halt		 halt;		/* why no new row starts */
	struct br_err		 ep_err;	/* no endpoint configured */
	struct br_window	 win;
	int			 said_waiting;
	int			 said_changed;
	struct br_resume	*resume;	/* --resume, or NULL */
	int			 io_error;	/* cannot read the manifest or
						   write the report: stop */
	int			 report_failed;	/* the report cannot be written */
	struct br_report	*rep_err;	/* then: rows go to stderr */
	const char		**cols;		/* the report's columns */
	size_t			 ncols;
	int			 cols_owned;
	char			*report_path;	/* the report's name (the
						   journal of an .xlsx) */
	char			*xlsx_path;	/* -o FILE.xlsx, or NULL */
	struct br_report_opts	 ro;
	int64_t			 started_ms;	/* epoch: the run began */
};


/* survey.c */
/* check_ep: 0, 1 (every row must have somewhere to go), or this: where a
 * row goes is checked when a region says it (its own, or --region), so
 * that `validate` without --region checks values only, and with one
 * refuses an unknown region or an operation its cloud does not offer. */
#define BR_CHECK_EP_REGION	2
/* Checks a row (and, with check_ep, that it has somewhere to go); fills
 * rfp (may be NULL) with br_request_fp.  0, BR_EINPUT with the problems
 * in r->probs (none: only no endpoint configured, in r->ep_err),
 * BR_ENOMEM. */
int	br_run_bind(struct run *r, struct br_row *row, struct br_bound *b,
	    int check_ep, char rfp[33]);
int	br_run_in_shard(const struct br_opts *o, long num);
/* Pass one: reads every row of the shard, checks it, prints its problems
 * (print), rewinds.  0, or BR_E* with err set (the manifest cannot be
 * read, has no rows, no endpoint is configured). */
int	br_survey_run(struct run *r, struct br_survey *s, int print,
	    int check_ep, struct br_err *err);
void	br_survey_release(struct br_survey *s);

/* runsetup.c */
void	br_run_setup(struct run *r, const struct br_opts *o,
	    const struct br_catalog *c);
void	br_run_teardown(struct run *r);
/* These return 0 or BR_E* with the message in err (br_exit_error
 * prints it and gives the exit status). */
int	br_run_open_manifest(struct run *r, int snapshot, struct br_err *err);
int	br_run_load_resume(struct run *r, struct br_err *err);
/* Opens the report (r->report_path) with the manifest's columns (a JSON
 * manifest's: the keys s saw), in its dialect. */
int	br_run_open_report(struct run *r, const struct br_survey *s,
	    struct br_err *err);
/* -o FILE.xlsx: the workbook from the run's journal. */
int	br_run_write_workbook(struct run *r, struct br_err *err);
/* A staged report (resuming) takes its name. */
int	br_run_publish_report(struct run *r, struct br_err *err);
/* The request for b, without credentials. */
int	br_run_build_request(struct run *r, const struct br_bound *b,
	    struct br_request *req, struct br_err *err);
/* br_resume_write's callback: a carried row counts as it ended then. */
void	br_run_count_carried(const struct br_result *res, void *arg);

/* runcreds.c */
int	br_run_load_creds(struct run *r, struct br_err *err);
int	br_run_fetch_token(struct run *r);
int	br_run_apply_creds(struct run *r, const struct br_bound *b,
	    struct br_request *req, struct br_err *err);
int	br_run_is_auth_failure(const struct br_result *res);
int	br_run_token_refreshed(struct run *r, const struct job *j);
void	br_run_auth_refused(struct run *r, const struct br_result *res);

/* runwrite.c: a row into the report. */
/* The report cannot be written: said once; no new row starts; the rows
 * that end from now on go to standard error in report format. */
void	br_run_report_failed(struct run *r, const struct br_err *why);
void	br_run_write_row(struct run *r, const struct br_row *row,
	    const char *op, struct br_result *res);
/* A row not sent: invalid, skipped or cancelled. */
void	br_run_write_unsent(struct run *r, const struct br_row *row,
	    const char *opname, enum br_outcome out, const char *code,
	    const char *msg, const char *rfp);
/* The same for a row not bound: its op from its 'op' cell or --op. */
void	br_run_write_row_unsent(struct run *r, const struct br_row *row,
	    enum br_outcome out, const char *code, const char *msg);
/* An invalid row, with the problems in r->probs. */
void	br_run_write_invalid(struct run *r, const struct br_row *row);
/* Why a row is not started now: a signal, a halt, or none. */
enum br_halt br_run_halted(const struct run *r);
/* A row not started for why (NONE: --max-failures). */
void	br_run_write_halted(struct run *r, struct job *j, enum br_halt why);

/* verifyrun.c: reading resources back (--wait, --precheck, status). */
/* Whether the run reads: the report then has state, verify_ms, polls. */
int	br_run_reads(const struct run *r);
/* The row goes to its read (precheck or status) first; 0 or -1 (written
 * invalid: its read cannot be built). */
int	br_vrun_read_first(struct run *r, struct job *j, int64_t now);
/* The call succeeded: whether the row is verified now (it keeps its
 * slot; its first poll is queued). */
int	br_vrun_after_call(struct run *r, struct job *j, int64_t now);
/* A read came back: the next poll, the call, or the row's end. */
void	br_vrun_answered(struct run *r, struct job *j, int64_t now);
/* --resume: a row called in the earlier run and never verified is only
 * verified (call_ms: when it was called). */
void	br_vrun_verify_only(struct run *r, struct job *j, int64_t call_ms,
	    int64_t now);
/* Stops verifying (a signal, a stop): CANCELLED.UNVERIFIED. */
void	br_vrun_cancel(struct run *r, struct job *j, int64_t now);
/* sched.c, for verifyrun.c: the row ends (written, its job freed); the
 * row waits until due (ms, mono) and then queues for its turn. */
void	br_sched_finish(struct run *r, struct job *j, int64_t now);
void	br_sched_wait_until(struct run *r, struct job *j, int64_t due);
/* The run stops: the row is not sent again (not started: skipped or
 * cancelled; waiting to retry or being verified: cancelled). */
void	br_sched_stop_row(struct run *r, struct job *j, int64_t now);

/* runsummary.c: the figures of the run that ended with status, into
 * --metrics and --summary-json (when given; not for --dry-run).  A file
 * that cannot be written is a warning. */
void	br_run_summarize(struct run *r, const struct br_survey *s,
	    int status);

/* dryrun.c: prints each request.  0, 1 when a row could not be shown
 * (invalid), or BR_E* with err set. */
int	br_run_dry(struct run *r, struct br_err *err);

#endif
