#define _GNU_SOURCE	/* strcasestr */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "adaptive.h"
#include "auth.h"
#include "bind.h"
#include "datetime.h"
#include "delayq.h"
#include "http.h"
#include "manifest.h"
#include "pool.h"
#include "progress.h"
#include "ratelimit.h"
#include "report.h"
#include "request.h"
#include "result.h"
#include "retry.h"
#include "resume.h"
#include "sched.h"
#include "window.h"

volatile sig_atomic_t br_sched_signal;
volatile sig_atomic_t br_sched_signals;

#define MAX_COLUMNS	4096	/* distinct keys of a JSON manifest */
#define TICK_MS		200	/* longest wait before looking at signals */

/* One row on its way; there are --jobs of them, reused. */
struct job {
	struct br_pool_job	 pj;		/* the pool's link */
	struct br_row		 row;
	struct br_bound		 b;
	struct br_request	 req;
	struct br_response	 resp;		/* written by a worker */
	struct br_result	 res;
	int			 svc;		/* index in r->svcs, -1: none */
	int			 attempts;
	int			 canary;	/* one of the first N rows */
	int			 token_gen;	/* the token it was sent with */
	char			 rfp[33];	/* br_request_fp of the row */
	int64_t			 first_mono;	/* first attempt */
	int64_t			 started_ms;	/* epoch, first attempt */
	struct br_delayq_item	 dq;		/* retry time (mono) */
	struct job		*next_free;
};

/* A service's own limits: --rate SERVICE=R, and the adaptive one. */
struct svc {
	const char		*name;		/* the catalog's string */
	int			 has_fixed;
	struct br_ratelimit	 fixed;
	struct br_adapt		 adapt;
	struct br_ratelimit	 adapt_rl;	/* follows adapt's rate */
};

/* Pass one's findings. */
struct survey {
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
	struct br_bind_opts	 bo;
	struct br_endpoint_map	 ep;
	struct br_problems	 probs;
	struct br_http_opts	 hopts;
	struct br_creds		 creds;
	int			 token_gen;	/* bumped by each fetch */
	int			 token_ok;	/* the current token worked */
	int			 refreshes;

	struct job		*jobs;
	struct job		*free;		/* free list */
	struct br_delayq	 waiting;	/* rows waiting to retry */
	struct job		*pending;	/* read, not yet sent */
	int			 inflight;	/* in the pool */
	int			 eof;

	struct br_ratelimit	 global;
	struct svc		*svcs;		/* every service met so far */
	size_t			 nsvcs;
	struct br_progress	 progress;

	struct br_stats		 stats;
	uint64_t		 rng;
	long			 started;	/* rows sent at least once */
	long			 canary_done;
	long			 fail_limit;	/* -1: none */
	const char		*halt;		/* SKIPPED.<why>, or NULL */
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
	struct br_report_opts	 ro;
};

/* ---- small helpers ---- */

static void
print_problems(const char *file, const struct br_row *row,
    const struct br_problems *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		fprintf(stderr, "%s:%ld: %s\n", file, row->line, p->v[i].msg);
}

/*
 * Checks a row.  With check_ep, also that its operation has somewhere to
 * go: a row's own bad region or endpoint is a problem of that row; no
 * endpoint configured at all is a problem of the command line, kept in
 * r->ep_err and reported once.
 */
static int
bind_row(struct run *r, struct br_row *row, struct br_bound *b, int check_ep,
    char rfp[33])
{
	char *base;
	struct br_err err = { 0 };

	if (rfp != NULL)
		rfp[0] = '\0';
	br_problems_clear(&r->probs);
	if (br_catalog_bind(r->cat, row, &r->bo, b, &r->probs) != 0)
		return BR_EINPUT;
	if (!check_ep)
		return 0;
	if ((base = br_request_base_url(r->cat, b, &r->ep, &err)) != NULL) {
		if (rfp != NULL)
			br_request_fp(b, base, row, &r->bo, rfp);
		free(base);
		return 0;
	}
	if (b->region == NULL && b->endpoint == NULL) {
		if (r->ep_err.code == 0)
			r->ep_err = err;
		return BR_EINPUT;
	}
	if (br_problems_addf(&r->probs, "ENDPOINT", "%.500s", err.msg) != 0)
		return BR_ENOMEM;
	return BR_EINPUT;
}

static int
in_shard(const struct br_opts *o, long num)
{
	return o->shard_n == 0 || (num - 1) % o->shard_n == o->shard_k - 1;
}

static int
add_column(struct survey *s, const char *name)
{
	char **nc, *d;
	size_t i;

	for (i = 0; i < s->ncolumns; i++)
		if (strcasecmp(s->columns[i], name) == 0)
			return 0;
	if (s->ncolumns == MAX_COLUMNS)
		return 0;	/* carried in JSONL input, not as a column */
	if ((d = strdup(name)) == NULL ||
	    (nc = realloc(s->columns, (s->ncolumns + 1) * sizeof(*nc))) ==
	    NULL) {
		free(d);
		return BR_ENOMEM;
	}
	s->columns = nc;
	s->columns[s->ncolumns++] = d;
	return 0;
}

static void
survey_release(struct survey *s)
{
	size_t i;

	for (i = 0; i < s->ncolumns; i++)
		free(s->columns[i]);
	free(s->columns);
	memset(s, 0, sizeof(*s));
}

static int
has_op_column(const struct br_manifest *m)
{
	size_t i;

	for (i = 0; i < br_manifest_ncolumns(m); i++)
		if (strcasecmp(br_manifest_column(m, i), "op") == 0)
			return 1;
	return 0;
}

/*
 * Pass one: reads every row of the shard, checks it, prints its problems.
 * Returns 0, or 2 when the manifest cannot be read.
 */
static int
survey(struct run *r, struct survey *s, int print, int check_ep)
{
	struct br_row row = { 0 };
	struct br_bound b;
	struct br_err err = { 0 };
	const char *name = br_manifest_name(r->m);
	char rfp[33];
	size_t i;
	int rc, json = br_manifest_format(r->m) != BR_MF_CSV;

	if (!json && r->o->op == NULL && !has_op_column(r->m)) {
		fprintf(stderr, "%s:1: no 'op' column, and no --op given: "
		    "name the operation of each row\n", name);
		return 2;
	}
	while ((rc = br_manifest_next(r->m, &row, &err)) == 1) {
		s->all_rows++;
		if (!in_shard(r->o, row.num))
			continue;
		s->rows++;
		memset(&b, 0, sizeof(b));
		rc = bind_row(r, &row, &b, check_ep, r->resume != NULL ? rfp :
		    NULL);
		if (rc == 0 && r->resume != NULL)
			(void)br_resume_match(r->resume, &row, b.op->name, rfp);
		br_bound_release(&b);
		if (rc == BR_ENOMEM)
			break;
		if (rc != 0 && r->probs.n == 0) {
			rc = 0;		/* only the endpoint: said once below */
		} else if (rc != 0) {
			s->invalid++;
			if (print)
				print_problems(name, &row, &r->probs);
		}
		for (i = 0; json && i < row.nfields; i++)
			if (add_column(s, row.fields[i].name) != 0) {
				rc = BR_ENOMEM;
				break;
			}
		if (rc == BR_ENOMEM)
			break;
	}
	br_row_release(&row);
	if (rc == BR_ENOMEM) {
		fprintf(stderr, "bulkrun: out of memory\n");
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	if (r->ep_err.code != 0) {
		fprintf(stderr, "bulkrun: %s\n", r->ep_err.msg);
		return 2;
	}
	if (s->all_rows == 0) {
		/* an export that went wrong, most likely: say so, the same
		 * way for every format and command */
		fprintf(stderr, "%s: no rows: the manifest has %s\n", name,
		    br_manifest_format(r->m) == BR_MF_CSV ? "a header and no "
		    "data rows" : "no operations");
		return 2;
	}
	if (br_manifest_rewind(r->m, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	return 0;
}

static int
load_creds(struct run *r)
{
	struct br_err err = { 0 };

	if (br_creds_load(&r->creds, r->o->token_file, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		return 2;
	}
	return 0;
}

/* Gets a token for the password flow (first time, or after a 401).
 * 0, or -1 after saying why. */
static int
fetch_token(struct run *r)
{
	struct br_err err = { 0 };

	if (br_creds_fetch_token(&r->creds, &r->hopts, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		return -1;
	}
	r->token_gen++;
	r->token_ok = 0;
	return 0;
}

static int
load_resume(struct run *r)
{
	struct br_err err = { 0 };
	char a[4096], b[4096];

	if (r->o->resume == NULL)
		return 0;
	if (r->o->report != NULL && realpath(r->o->resume, a) != NULL &&
	    realpath(r->o->report, b) != NULL && strcmp(a, b) == 0) {
		fprintf(stderr, "bulkrun: --resume and --report name the same "
		    "file: write the new report to another one\n");
		return 2;
	}
	if (br_resume_load(&r->resume, r->o->resume, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		return 2;
	}
	return 0;
}

/* A row carried over from the earlier report counts as it ended then. */
static void
count_carried(const struct br_result *res, void *arg)
{
	struct run *r = arg;

	br_stats_add(&r->stats, res);
}

static int
open_manifest(struct run *r, int snapshot)
{
	/* run reads a private copy: what is sent is what was checked */
	struct br_manifest_opts mo = { .delimiter = r->o->delimiter,
	    .snapshot = snapshot };
	struct br_err err = { 0 };

	if (br_manifest_open(&r->m, r->o->manifest, &mo, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	return 0;
}

static void
setup(struct run *r, const struct br_opts *o, const struct br_catalog *c)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->cat = c;
	r->bo.default_op = o->op;
	r->bo.sets = o->sets;
	r->bo.nsets = o->nsets;
	r->bo.now_ms = br_now_ms();
	r->bo.tz = o->tz;
	r->ep.all = o->endpoint_all;
	r->ep.svc_names = o->ep_names;
	r->ep.svc_urls = o->ep_urls;
	r->ep.nsvc = o->neps;
	r->ep.region = o->region;
	r->fail_limit = -1;
	r->hopts.timeout_ms = o->timeout_ms;
	r->hopts.connect_timeout_ms = o->connect_timeout_ms;
	r->hopts.cacert = o->cacert;
	r->hopts.insecure = o->insecure;
}

static void
teardown(struct run *r)
{
	if (r->m != NULL)
		br_manifest_close(r->m);
	br_problems_release(&r->probs);
	br_creds_release(&r->creds);
	br_resume_free(r->resume);
}

int
br_sched_validate(const struct br_opts *o, const struct br_catalog *c)
{
	struct run r;
	struct survey s = { 0 };
	int rc;

	setup(&r, o, c);
	if ((rc = open_manifest(&r, 0)) == 0 &&
	    (rc = survey(&r, &s, 1, 0)) == 0) {
		fprintf(stderr, "%s: %ld rows, %ld invalid\n",
		    br_manifest_name(r.m), s.rows, s.invalid);
		rc = s.invalid > 0 ? 2 : 0;
	}
	survey_release(&s);
	teardown(&r);
	return rc;
}

/* ---- pass two ---- */

/* The request for b, without credentials. */
static int
build_request(struct run *r, const struct br_bound *b,
    struct br_request *req, struct br_err *err)
{
	char *base;
	int rc;

	if ((base = br_request_base_url(r->cat, b, &r->ep, err)) == NULL)
		return BR_EINPUT;
	rc = br_request_build(b, base, req, err);
	free(base);
	return rc;
}

/* The credentials of one attempt: the token, or a fresh signature. */
static int
apply_creds(struct run *r, const struct br_bound *b, struct br_request *req,
    struct br_err *err)
{
	if (r->creds.kind == BR_CREDS_NONE)
		return 0;
	return br_creds_apply(&r->creds, req, (int64_t)time(NULL),
	    br_bound_get(b, "project_id"), err);
}

static const char *
problems_code(const struct br_problems *p, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "INPUT.%s", p->n > 0 ? p->v[0].reason : "BAD");
	return buf;
}

static char *
problems_text(const struct br_problems *p)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < p->n; i++)
		len += strlen(p->v[i].msg) + 2;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < p->n; i++) {
		if (i > 0)
			strcat(s, "; ");
		strcat(s, p->v[i].msg);
	}
	return s;
}

/*
 * The report cannot be written (disk full, closed pipe): say so once,
 * start no new row, and write the rows that still end to standard error
 * in report format, so that none goes unrecorded.
 */
static void
report_failed(struct run *r, const struct br_err *why)
{
	struct br_report_opts ro = r->ro;
	struct br_err err = { 0 };

	r->report_failed = 1;
	r->io_error = 1;
	fprintf(stderr, "bulkrun: %s\nbulkrun: no new row starts; the rows "
	    "that end from now on are written below in report format\n",
	    why->msg);
	ro.stream = stderr;
	ro.bom = 0;
	if (br_report_open(&r->rep_err, "<stderr>", &ro, r->cols, r->ncols,
	    &err) != 0)
		r->rep_err = NULL;
}

static void
write_row(struct run *r, const struct br_row *row, const char *op,
    struct br_result *res)
{
	struct br_err err = { 0 };

	br_stats_add(&r->stats, res);
	if (r->rep != NULL && !r->report_failed &&
	    br_report_write(r->rep, row, op, res, &err) != 0)
		report_failed(r, &err);
	if (r->report_failed && r->rep_err != NULL) {
		br_err_clear(&err);
		(void)br_report_write(r->rep_err, row, op, res, &err);
	}
}

static const char *
op_name_of(const struct br_row *row, const struct br_opts *o)
{
	struct br_field *f = br_row_find(row, "op");

	return f != NULL && f->value != NULL && f->value[0] != '\0' ?
	    f->value : o->op;
}

/* Writes a row that is not sent: invalid, skipped or cancelled. */
static void
write_unsent(struct run *r, const struct br_row *row, const char *opname,
    enum br_outcome out, const char *code, const char *msg, const char *rfp)
{
	struct br_result res = { 0 };

	if (rfp != NULL)
		snprintf(res.request_fp, sizeof(res.request_fp), "%s", rfp);
	if (br_result_set(&res, out, code, msg) == 0)
		write_row(r, row, opname, &res);
	br_result_release(&res);
}

static void
job_reset(struct job *j)
{
	br_bound_release(&j->b);
	br_request_release(&j->req);
	br_response_release(&j->resp);
	br_result_release(&j->res);
	memset(&j->b, 0, sizeof(j->b));
	memset(&j->req, 0, sizeof(j->req));
	memset(&j->res, 0, sizeof(j->res));
	j->attempts = 0;
	j->canary = 0;
	j->svc = -1;
}

static void
job_free(struct run *r, struct job *j)
{
	job_reset(j);
	j->next_free = r->free;
	r->free = j;
}

static const char *
skip_message(const char *why)
{
	if (strcmp(why, "SKIPPED.CANARY") == 0)
		return "not started: a canary row failed";
	if (strcmp(why, "SKIPPED.AUTH") == 0)
		return "not started: the credentials were refused";
	if (strcmp(why, "CANCELLED") == 0)
		return "not started: interrupted";
	if (strcmp(why, "SKIPPED.WINDOW") == 0)
		return "not started: the window had closed";
	return "not started: --max-failures was exceeded";
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
 * Reads rows until one is to be sent (it goes to r->pending) or the
 * manifest ends.  Rows of other shards are passed over; invalid rows (with
 * --skip-invalid) and rows after a halt are written at once.
 */
static int
read_next(struct run *r)
{
	struct br_err err = { 0 };
	struct job *j = r->free;
	char code[32], *msg;
	const char *why;
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
		if (!in_shard(r->o, j->row.num) || (r->resume != NULL &&
		    br_resume_carried(r->resume, j->row.num)))
			continue;	/* not ours, or done in an earlier run */
		why = br_sched_signal ? "CANCELLED" : r->halt;
		job_reset(j);
		rc = bind_row(r, &j->row, &j->b, 1, j->rfp);
		if (rc == BR_ENOMEM) {
			r->io_error = 1;
			break;
		}
		if (rc != 0) {
			msg = problems_text(&r->probs);
			write_unsent(r, &j->row, op_name_of(&j->row, r->o),
			    BR_OUT_INVALID, problems_code(&r->probs, code,
			    sizeof(code)), msg ? msg : "invalid row", NULL);
			free(msg);
			continue;
		}
		if (why != NULL) {
			write_unsent(r, &j->row, j->b.op->name,
			    strcmp(why, "CANCELLED") == 0 ? BR_OUT_CANCELLED :
			    BR_OUT_SKIPPED, why, skip_message(why), j->rfp);
			continue;
		}
		if (build_request(r, &j->b, &j->req, &err) != 0) {
			write_unsent(r, &j->row, j->b.op->name, BR_OUT_INVALID,
			    "INPUT.REQUEST", err.msg, j->rfp);
			br_err_clear(&err);
			continue;
		}
		if (r->started == 0)
			say_if_changed(r);
		r->free = j->next_free;
		j->canary = r->started < r->o->canary;
		r->started++;
		r->pending = j;
		return 1;
	}
	return 0;
}

/* The index of service's state in r->svcs, made on first use; -1 when
 * out of memory (the row then goes with the global limit only). */
static int
svc_index(struct run *r, const char *service)
{
	struct svc *ns, *v;
	double ceiling = r->o->rate;
	size_t i;
	int64_t now;

	for (i = 0; i < r->nsvcs; i++)
		if (strcasecmp(r->svcs[i].name, service) == 0)
			return (int)i;
	now = br_mono_ms();
	if ((ns = realloc(r->svcs, (r->nsvcs + 1) * sizeof(*ns))) == NULL)
		return -1;
	r->svcs = ns;
	v = &ns[r->nsvcs];
	memset(v, 0, sizeof(*v));
	v->name = service;
	for (i = 0; i < r->o->nsvc_rates; i++)
		if (strcasecmp(r->o->svc_rates[i].service, service) == 0) {
			v->has_fixed = 1;
			br_ratelimit_init(&v->fixed, r->o->svc_rates[i].rate,
			    r->o->burst, now);
			if (r->o->svc_rates[i].rate > 0 && (ceiling <= 0 ||
			    r->o->svc_rates[i].rate < ceiling))
				ceiling = r->o->svc_rates[i].rate;
		}
	br_adapt_init(&v->adapt, ceiling, now);
	br_ratelimit_init(&v->adapt_rl, 0, 1, now);
	return (int)r->nsvcs++;
}

/* Takes the tokens j needs (global, its service's, the adaptive one);
 * 0, or the ms to wait. */
static int64_t
take_tokens(struct run *r, struct job *j, int64_t now)
{
	struct svc *v = j->svc >= 0 ? &r->svcs[j->svc] : NULL;
	int64_t w, most;

	most = br_ratelimit_peek(&r->global, now);
	if (v != NULL && v->has_fixed &&
	    (w = br_ratelimit_peek(&v->fixed, now)) > most)
		most = w;
	if (v != NULL && (w = br_ratelimit_peek(&v->adapt_rl, now)) > most)
		most = w;
	if (most > 0)
		return most;
	(void)br_ratelimit_take(&r->global, now);
	if (v != NULL) {
		if (v->has_fixed)
			(void)br_ratelimit_take(&v->fixed, now);
		(void)br_ratelimit_take(&v->adapt_rl, now);
		br_adapt_sent(&v->adapt, now);
	}
	return 0;
}

static struct job *
job_of(struct br_delayq_item *it)
{
	return it == NULL ? NULL :
	    (struct job *)(void *)((char *)it - offsetof(struct job, dq));
}

static void finish(struct run *r, struct job *j, int64_t now);

/* Sends j (again): credentials are applied afresh for every attempt, so
 * a retry has a new signature and the newest token. */
static void
submit(struct run *r, struct job *j, int64_t now)
{
	struct br_err err = { 0 };

	if (j->attempts == 0) {
		j->first_mono = now;
		j->started_ms = br_now_ms();
	}
	br_response_release(&j->resp);
	if (apply_creds(r, &j->b, &j->req, &err) != 0) {
		br_result_release(&j->res);
		memset(&j->res, 0, sizeof(j->res));
		(void)br_result_set(&j->res, BR_OUT_FAILED, "INPUT.AUTH",
		    err.msg);
		finish(r, j, now);
		return;
	}
	j->token_gen = r->token_gen;
	j->attempts++;
	r->inflight++;
	br_pool_submit(r->pool, &j->pj);
}

static int
is_auth_failure(const struct br_result *res)
{
	const char *c = res->error_code;

	if (res->http_status == 401)
		return 1;
	/* the gateway's authentication codes: APIG.0301 to APIG.0307 */
	return c != NULL && strncmp(c, "APIG.030", 8) == 0 && c[8] >= '1' &&
	    c[8] <= '7' && c[9] == '\0';
}

static void
finish(struct run *r, struct job *j, int64_t now)
{
	j->res.attempts = j->attempts;
	memcpy(j->res.request_fp, j->rfp, sizeof(j->rfp));
	j->res.elapsed_ms = now - j->first_mono;
	j->res.started_ms = j->started_ms;
	j->res.finished_ms = br_now_ms();
	write_row(r, &j->row, j->b.op->name, &j->res);
	if (j->canary) {
		r->canary_done++;
		if (j->res.outcome != BR_OUT_SUCCEEDED && r->halt == NULL)
			r->halt = "SKIPPED.CANARY";
	}
	if (r->fail_limit >= 0 && r->stats.outcomes[BR_OUT_FAILED] > r->fail_limit &&
	    r->halt == NULL)
		r->halt = "SKIPPED.HALTED";
	job_free(r, j);
}

/*
 * After a 401 in the password flow: whether the row may go again with a
 * fresh token.  A token that expired during the run is fetched again; a
 * 401 with a token that never worked, after a refresh, is a credentials
 * failure.  Rows sent with an older token just go again.
 */
static int
token_refreshed(struct run *r, const struct job *j)
{
	if (r->creds.kind != BR_CREDS_PASSWORD || br_sched_signal ||
	    r->halt != NULL)
		return 0;
	if (j->token_gen < r->token_gen)
		return 1;
	if (!r->token_ok && r->refreshes > 0)
		return 0;
	r->refreshes++;
	if (!r->o->quiet)
		fprintf(stderr, "bulkrun: the token was refused (%s); "
		    "getting a new one\n", j->res.error_code ?
		    j->res.error_code : "HTTP 401");
	return fetch_token(r) == 0;
}

/* Stops the run after a credentials failure, saying why once. */
static void
auth_refused(struct run *r, const struct br_result *res)
{
	const char *m = res->error_msg != NULL ? res->error_msg : "";

	if (r->halt != NULL && strcmp(r->halt, "SKIPPED.AUTH") == 0)
		return;
	fprintf(stderr, "bulkrun: credentials refused (%s): stopping the run "
	    "so that the gateway does not lock them\n", res->error_code ?
	    res->error_code : "HTTP 401");
	if (strcasestr(m, "date") != NULL || strcasestr(m, "expired") != NULL)
		fprintf(stderr, "bulkrun: the gateway says the request's date is "
		    "off: this machine's clock may be skewed (it must be within "
		    "15 minutes of the real time)\n");
	r->halt = "SKIPPED.AUTH";
}

/* A job came back from a worker. */
static void
collected(struct run *r, struct job *j, int64_t now)
{
	struct svc *v;
	int64_t delay, ra;
	int throttled;

	r->inflight--;
	br_result_release(&j->res);
	memset(&j->res, 0, sizeof(j->res));
	if (br_result_from_response(j->b.op, &j->resp, &j->res) != 0)
		(void)br_result_set(&j->res, BR_OUT_FAILED, "NET.OTHER",
		    "out of memory");
	throttled = j->res.http_status == 429 ||
	    br_retry_is_throttle(j->res.error_code);
	if (throttled)
		r->stats.throttled++;
	if (j->svc >= 0 && j->resp.net == BR_NET_OK) {
		v = &r->svcs[j->svc];
		if (br_adapt_answer(&v->adapt, throttled, now))
			br_ratelimit_set_rate(&v->adapt_rl,
			    br_adapt_rate(&v->adapt), now);
	}
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
	if (j->res.outcome == BR_OUT_FAILED && is_auth_failure(&j->res)) {
		if (token_refreshed(r, j)) {
			j->dq.due = now;	/* again, with the new token */
			(void)br_delayq_push(&r->waiting, &j->dq);
			return;
		}
		auth_refused(r, &j->res);
	} else if (j->res.outcome == BR_OUT_FAILED &&
	    j->attempts <= r->o->retry.retries && !br_sched_signal &&
	    (r->halt == NULL || strcmp(r->halt, "SKIPPED.AUTH") != 0) &&
	    br_retry_wanted(&r->o->retry, j->resp.net != BR_NET_OK,
	    j->resp.sent && !j->b.op->idempotent, j->res.http_status,
	    j->res.error_code)) {
		delay = br_retry_backoff(&r->o->retry, j->attempts, &r->rng);
		ra = br_retry_after_ms(j->resp.retry_after, br_now_ms());
		if (ra > r->o->retry.max_ms)
			ra = r->o->retry.max_ms;
		if (ra > delay)
			delay = ra;
		j->dq.due = now + delay;
		(void)br_delayq_push(&r->waiting, &j->dq);	/* <= jobs */
		return;
	}
	finish(r, j, now);
}

/* The pool's driver: a worker's jobs are HTTP transfers, many at once. */
static void *
worker_new(void *arg, int capacity)
{
	struct run *r = arg;

	return br_http_new_n(&r->hopts, capacity);
}

static void
worker_free(void *wctx)
{
	br_http_free(wctx);
}

static void
worker_run(void *wctx, struct br_pool_job *pj)
{
	(void)br_http_start(wctx, pj->in, pj->out, pj);	/* has room */
}

static void
worker_step(void *wctx, int64_t timeout_ms)
{
	br_http_wait(wctx, (long)timeout_ms);
}

static struct br_pool_job *
worker_next(void *wctx)
{
	return br_http_done(wctx);
}

static void
worker_wake(void *wctx)
{
	br_http_wake(wctx);
}

static const struct br_pool_driver worker_driver = {
	worker_new, worker_free, worker_run, worker_step, worker_next,
	worker_wake
};

/*
 * Whether a new row may start (rows waiting for a retry always may): the
 * canary rows go one at a time, each once the one before has ended, and
 * the other rows only once every canary row has ended.
 */
static int
may_start_new(const struct run *r)
{
	if (r->started < r->o->canary)
		return r->inflight == 0 && r->waiting.n == 0;
	return r->canary_done >= r->o->canary ||
	    r->started > r->o->canary;
}

/* The row read but not sent (if any) will not be: report it skipped or
 * cancelled. */
static void
drop_pending(struct run *r)
{
	struct job *j = r->pending;
	const char *why = br_sched_signal ? "CANCELLED" :
	    r->halt != NULL ? r->halt : "SKIPPED.HALTED";

	if (j == NULL)
		return;
	r->pending = NULL;
	r->started--;
	if (!r->report_failed)	/* else: one of the rows never started */
		write_unsent(r, &j->row, j->b.op->name, br_sched_signal ?
		    BR_OUT_CANCELLED : BR_OUT_SKIPPED, why, skip_message(why),
		    j->rfp);
	job_free(r, j);
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
	char *msg;
	size_t n;
	long status;

	if (!br_sched_signal && !r->report_failed) {
		finish(r, j, now);
		return;
	}
	n = 128 + (j->res.error_code ? strlen(j->res.error_code) : 0) +
	    (j->res.error_msg ? strlen(j->res.error_msg) : 0);
	if ((msg = malloc(n)) != NULL)
		snprintf(msg, n, "%s while waiting to retry (last answer: "
		    "%s%s%s)", br_sched_signal ? "interrupted" :
		    "stopped: the report could not be written",
		    j->res.error_code ? j->res.error_code : "none",
		    j->res.error_msg ? ": " : "",
		    j->res.error_msg ? j->res.error_msg : "");
	status = j->res.http_status;
	br_result_release(&j->res);
	memset(&j->res, 0, sizeof(j->res));
	(void)br_result_set(&j->res, BR_OUT_CANCELLED, "CANCELLED",
	    msg != NULL ? msg : "interrupted while waiting to retry");
	j->res.http_status = status;
	free(msg);
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
		if (r->halt == NULL && !r->o->quiet)
			fprintf(stderr, "bulkrun: the window has closed: no "
			    "new row starts\n");
		r->halt = "SKIPPED.WINDOW";
	} else if (w > 0 && !r->said_waiting) {
		r->said_waiting = 1;
		br_datetime_iso(r->win.open_ms, when, sizeof(when));
		if (!r->o->quiet)
			fprintf(stderr, "bulkrun: waiting until %s for the "
			    "window to open\n", when);
	}
	return w;
}

static int
execute(struct run *r)
{
	struct br_pool_job *pj;
	struct job *j;
	int64_t now, wait, w;
	int i, stopping;

	r->jobs = calloc((size_t)r->o->jobs, sizeof(*r->jobs));
	if (r->jobs == NULL ||
	    br_delayq_init(&r->waiting, (size_t)r->o->jobs) != 0)
		return -1;
	for (i = r->o->jobs - 1; i >= 0; i--) {
		r->jobs[i].svc = -1;
		r->jobs[i].pj.in = &r->jobs[i].req;
		r->jobs[i].pj.out = &r->jobs[i].resp;
		r->jobs[i].next_free = r->free;
		r->free = &r->jobs[i];
	}
	now = br_mono_ms();
	br_ratelimit_init(&r->global, r->o->rate, r->o->burst, now);
	r->rng = r->o->seed ? r->o->seed : (uint64_t)br_now_ms() ^
	    0x9e3779b97f4a7c15ULL;
	if ((r->pool = br_pool_new(0, r->o->jobs, &worker_driver, r)) ==
	    NULL)
		return -1;

	for (;;) {
		now = br_mono_ms();
		br_progress_tick(&r->progress, &r->stats, now);
		wait = TICK_MS;
		stopping = br_sched_signal || r->io_error ||
		    (r->halt != NULL && strcmp(r->halt, "SKIPPED.AUTH") == 0);
		if (stopping)
			drop_pending(r);
		while (stopping && (j = job_of(br_delayq_pop(&r->waiting))) !=
		    NULL)
			cancel_waiting(r, j, now);
		while (!stopping && r->inflight < r->o->jobs) {
			if (br_delayq_wait(&r->waiting, now) == 0)
				j = job_of(br_delayq_peek(&r->waiting));
			else if (r->halt == NULL &&
			    (w = window_gate(r)) != 0) {
				/* no new row before the window opens */
				if (w > 0 && w < wait)
					wait = w;
				w = br_delayq_wait(&r->waiting, now);
				if (w > 0 && w < wait)
					wait = w;
				break;
			} else if (r->halt == NULL && (r->pending != NULL ||
			    (may_start_new(r) && read_next(r))))
				j = r->pending;
			else {
				if (r->halt != NULL)
					drop_pending(r);
				w = br_delayq_wait(&r->waiting, now);
				if (w > 0 && w < wait)
					wait = w;
				break;
			}
			if (j->svc < 0 && j->attempts == 0)
				j->svc = svc_index(r, j->b.op->service);
			if ((w = take_tokens(r, j, now)) > 0) {
				if (w < wait)
					wait = w;
				break;
			}
			if (j == r->pending)
				r->pending = NULL;
			else
				(void)br_delayq_pop(&r->waiting);
			submit(r, j, now);
		}
		if (r->halt != NULL && r->pending == NULL && !r->eof &&
		    r->free != NULL && !br_sched_signal && !r->io_error) {
			/* halted: account for the rows never started */
			while (read_next(r))
				;
		}
		if (r->inflight == 0 && r->waiting.n == 0 && r->pending == NULL &&
		    (r->eof || stopping))
			break;
		if (r->inflight == 0 && wait > 0) {
			struct timespec ts = { (time_t)(wait / 1000),
			    (long)(wait % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			continue;
		}
		if ((pj = br_pool_collect(r->pool, wait)) == NULL)
			continue;
		do {
			collected(r, (struct job *)pj, br_mono_ms());
		} while ((pj = br_pool_collect(r->pool, 0)) != NULL);
	}
	/* signal or I/O error: account for the rows not read yet */
	while (!r->io_error && !r->eof && read_next(r))
		;
	return 0;
}

/* A staged report takes its name: the one chosen, or for a name of our
 * own the next free one. */
static int
publish_report(struct run *r, char **pathp, struct br_err *err)
{
	int64_t now = br_now_ms();
	char *path;
	int n, rc;

	if ((rc = br_report_publish(r->rep, *pathp, err)) != BR_EEXIST ||
	    r->o->report != NULL)
		return rc;
	for (n = 2; n < 1000; n++) {
		if ((path = br_report_default_path(r->o->manifest,
		    r->ro.delimiter, now, n)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		br_err_clear(err);
		if ((rc = br_report_publish(r->rep, path, err)) != BR_EEXIST) {
			free(*pathp);
			*pathp = path;
			return rc;
		}
		free(path);
	}
	return rc;
}

/*
 * Opens the report: -o as given (replacing the file: the user named it),
 * or a name of our own, unique to the millisecond and never replacing a
 * file (two runs started together get two reports; a --resume never
 * overwrites the report it resumes).
 */
static int
open_report(struct run *r, char **pathp, struct br_err *err)
{
	int64_t now = br_now_ms();
	char *path;
	int n, rc;

	/* resuming: the carried rows go in before the report appears, so
	 * that a crash meanwhile leaves the newest report whole */
	r->ro.staged = r->resume != NULL;
	if (r->o->report != NULL) {
		if ((*pathp = strdup(r->o->report)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		r->ro.format = br_report_format_for(*pathp);
		return br_report_open(&r->rep, *pathp, &r->ro, r->cols,
		    r->ncols, err);
	}
	r->ro.exclusive = 1;
	r->ro.format = BR_RF_CSV;
	for (n = 1; n < 1000; n++) {
		if ((path = br_report_default_path(r->o->manifest,
		    r->ro.delimiter, now, n)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		br_err_clear(err);
		rc = br_report_open(&r->rep, path, &r->ro, r->cols, r->ncols,
		    err);
		if (rc != BR_EEXIST) {
			*pathp = path;
			return rc;
		}
		free(path);
	}
	return rc;
}

static int
dry_run(struct run *r)
{
	struct br_row row = { 0 };
	struct br_bound b;
	struct br_request req;
	struct br_err err = { 0 };
	int rc = 0, bad = 0;

	while (!ferror(stdout) &&
	    (rc = br_manifest_next(r->m, &row, &err)) == 1) {
		if (!in_shard(r->o, row.num))
			continue;
		if (r->resume != NULL && br_resume_carried(r->resume,
		    row.num)) {
			printf("# row %ld (line %ld): succeeded in the earlier "
			    "report, not sent again\n\n", row.num, row.line);
			continue;
		}
		memset(&b, 0, sizeof(b));
		memset(&req, 0, sizeof(req));
		printf("# row %ld (line %ld)\n", row.num, row.line);
		if (bind_row(r, &row, &b, 1, NULL) != 0) {
			printf("# invalid: not sent\n\n");
			bad = 1;
		} else {
			rc = build_request(r, &b, &req, &err);
			if (rc == 0 && r->creds.kind == BR_CREDS_PASSWORD)
				/* the token is fetched only by a real run */
				rc = br_request_add_header(&req,
				    "X-Auth-Token", "(fetched at run time)", 1);
			else if (rc == 0)
				rc = apply_creds(r, &b, &req, &err);
			if (rc == 0)
				br_request_print(&req, stdout);
			else {
				printf("# %s\n\n", err.msg);
				br_err_clear(&err);
				bad = 1;
			}
		}
		br_request_release(&req);
		br_bound_release(&b);
	}
	br_row_release(&row);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* `--dry-run | head`: what was asked for was not all shown */
		fprintf(stderr, "bulkrun: cannot write the dry run to standard "
		    "output: %s\n", strerror(errno ? errno : EIO));
		return 4;
	}
	if (rc < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	return bad ? 1 : 0;
}

int
br_sched_run(const struct br_opts *o, const struct br_catalog *c)
{
	struct run r;
	struct survey s = { 0 };
	struct br_err err = { 0 };
	const char **cols = NULL;
	char *path = NULL, msg[256];
	size_t ncols = 0, i;
	long unstarted;
	int rc, ec, cols_owned = 0;

	setup(&r, o, c);
	if ((rc = load_creds(&r)) != 0 || (rc = open_manifest(&r, 1)) != 0 ||
	    (rc = load_resume(&r)) != 0 || (rc = survey(&r, &s, 1, 1)) != 0)
		goto out;
	if (s.invalid > 0 && !o->skip_invalid) {
		fprintf(stderr, "bulkrun: %ld of %ld rows are invalid; nothing "
		    "was sent (fix them, or run the others with "
		    "--skip-invalid)\n", s.invalid, s.rows);
		rc = 2;
		goto out;
	}
	if (o->dry_run) {
		rc = dry_run(&r);
		goto out;
	}
	if (br_window_init(&r.win, o->not_before, o->not_after, o->window,
	    br_now_ms(), msg, sizeof(msg)) != 0) {
		fprintf(stderr, "bulkrun: %s\n", msg);
		rc = 2;
		goto out;
	}

	/* the report: the manifest's columns, in its dialect */
	if (br_manifest_format(r.m) == BR_MF_CSV) {
		ncols = br_manifest_ncolumns(r.m);
		if ((cols = calloc(ncols + 1, sizeof(*cols))) == NULL)
			goto nomem;
		cols_owned = 1;
		for (i = 0; i < ncols; i++)
			cols[i] = br_manifest_column(r.m, i);
	} else {
		cols = (const char **)s.columns;
		ncols = s.ncolumns;
	}
	r.cols = cols;
	r.ncols = ncols;
	r.ro.delimiter = br_manifest_delimiter(r.m);
	r.ro.bom = br_manifest_had_bom(r.m);
	if (open_report(&r, &path, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		rc = 2;
		goto out;
	}
	br_stats_init(&r.stats, s.rows, br_mono_ms());
	if (r.resume != NULL) {
		if (br_resume_write(r.resume, r.rep, count_carried, &r,
		    &err) != 0 || publish_report(&r, &path, &err) != 0) {
			if (err.code == BR_EIO)
				report_failed(&r, &err);
			else {
				fprintf(stderr, "bulkrun: %s\n", err.msg);
				r.io_error = 1;
			}
		} else if (!o->quiet)
			fprintf(stderr, "bulkrun: %ld rows succeeded in '%s': "
			    "carried over, not sent again\n",
			    br_resume_ncarried(r.resume), o->resume);
	}
	if (o->max_failures >= 0)
		r.fail_limit = o->max_failures;
	else if (o->max_failures_pct >= 0)
		r.fail_limit = (long)((double)s.rows * o->max_failures_pct /
		    100.0);
	if (o->insecure)
		fprintf(stderr, "bulkrun: warning: --insecure: TLS certificates "
		    "are not verified; anyone on the way can read the "
		    "credentials and the answers\n");
	if (r.creds.kind == BR_CREDS_PASSWORD && fetch_token(&r) != 0)
		r.halt = "SKIPPED.AUTH";	/* every row reported skipped */
	br_progress_init(&r.progress, o->progress, o->quiet, stderr,
	    isatty(2), br_mono_ms());
	if (execute(&r) != 0) {
		fprintf(stderr, "bulkrun: cannot start the workers\n");
		r.io_error = 1;
	}
	if (r.pool != NULL)
		br_pool_free(r.pool);
	r.stats.end_mono = br_mono_ms();
	br_err_clear(&err);
	ec = br_report_close(r.rep, &err);
	r.rep = NULL;
	if (ec != 0 && !r.report_failed) {	/* said once */
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		r.report_failed = 1;
	}
	if (r.rep_err != NULL)
		(void)br_report_close(r.rep_err, &err);
	r.rep_err = NULL;
	br_progress_end(&r.progress);
	if (!o->quiet)
		br_stats_print(&r.stats, strcmp(path, "-") ? path : NULL,
		    stderr);
	unstarted = s.rows - (r.stats.outcomes[BR_OUT_SUCCEEDED] +
	    r.stats.outcomes[BR_OUT_FAILED] + r.stats.outcomes[BR_OUT_INVALID] +
	    r.stats.outcomes[BR_OUT_SKIPPED] +
	    r.stats.outcomes[BR_OUT_CANCELLED]);
	if (r.report_failed)
		fprintf(stderr, "bulkrun: the report '%s' could not be written: "
		    "%ld row%s never started; once there is room, add the "
		    "report lines printed above to it and run again with "
		    "--resume '%s' to continue\n", path, unstarted,
		    unstarted == 1 ? "" : "s", path);
	if (br_sched_signal)
		rc = 128 + br_sched_signal;
	else if (r.report_failed)
		rc = 4;
	else if (r.io_error)
		rc = 1;
	else if (r.halt != NULL)
		rc = 3;
	else if (r.stats.outcomes[BR_OUT_FAILED] > 0 ||
	    r.stats.outcomes[BR_OUT_INVALID] > 0)
		rc = 1;
	else
		rc = 0;
	goto out;
nomem:
	fprintf(stderr, "bulkrun: out of memory\n");
	rc = 2;
out:
	if (r.jobs != NULL) {
		for (i = 0; i < (size_t)o->jobs; i++) {
			job_reset(&r.jobs[i]);
			br_row_release(&r.jobs[i].row);
		}
		free(r.jobs);
	}
	br_delayq_release(&r.waiting);
	free(r.svcs);
	if (cols_owned)
		free(cols);
	free(path);
	survey_release(&s);
	teardown(&r);
	return rc;
}
