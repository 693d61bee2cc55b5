/*
 * decide.c - what a request gets, in the order of README.md's "Order of
 * decisions": size, IAM, routing, credentials, --throttle-rate, global
 * faults, --state override, id convention, the operation; then the delays,
 * the request id and the log line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "datetime.h"
#include "sign.h"
#include "sim.h"
#include "text.h"

struct hdrs {
	struct sim_hdr	*v;
	size_t		 n;
	size_t		 cap;
	int		 oom;
};

/* One request being decided: what the steps of sim_decide() share. */
struct decision {
	const char		*method;
	const char		*path;		/* raw, without the query */
	size_t			 pathlen;
	const char		*query;		/* raw, without '?' */
	struct hdrs		 h;
	struct sim_route	 r;
	struct sim_conv		 cv;
	unsigned long long	 seq;
	int			 routed;	/* through routing and 401 */
	int			 iam;		/* the IAM endpoint's answer */
	int			 throttled;	/* by --throttle-rate */
	int			 wrote;		/* a write that took effect */
	long			 restart_ms;	/* its duration, for the log */
	const char		*shown;		/* the state a read showed */
};

uint64_t
sim_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The k-th draw of request seq: the same seed gives the same faults. */
static uint64_t
draw(const struct sim *s, unsigned long long seq, unsigned k)
{
	return sim_mix64(s->conf.seed ^ sim_mix64((uint64_t)seq * 8 + k));
}

double
sim_uniform(const struct sim *s, unsigned long long seq, unsigned k)
{
	return (double)(draw(s, seq, k) >> 11) * 0x1p-53;
}

/* --- deciding ----------------------------------------------------------- */

static enum MHD_Result
collect(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hdrs *h = cls;
	struct sim_hdr *nv;
	size_t cap;

	(void)kind;
	if (key == NULL)
		return MHD_YES;
	if (h->n == h->cap) {
		cap = h->cap == 0 ? 32 : h->cap * 2;
		if ((nv = realloc(h->v, cap * sizeof(*nv))) == NULL) {
			h->oom = 1;
			return MHD_NO;
		}
		h->v = nv;
		h->cap = cap;
	}
	h->v[h->n].name = key;
	h->v[h->n].value = value != NULL ? value : "";
	h->n++;
	return MHD_YES;
}

/* The request as it came, for the signature check and the log. */
static void
view(const struct decision *d, const struct sim_rq *rq,
    struct sim_reqview *v)
{
	v->method = d->method;
	v->path = d->path;
	v->pathlen = d->pathlen;
	v->query = d->query;
	v->querylen = strlen(d->query);
	v->hdrs = d->h.v;
	v->nhdrs = d->h.n;
	v->body = rq->body.p;
	v->len = rq->body.len;
}

/* 1 if the request may pass; else fills a with the 401. */
static int
authorized(struct sim *s, const struct decision *d, const struct sim_rq *rq,
    struct sim_answer *a)
{
	struct sim_sigcheck sc;
	const char *authz, *tok, *why = NULL;
	char msg[256];

	if (s->conf.token == NULL && s->conf.ak == NULL && !s->iam_on)
		return 1;
	authz = sim_hdr_get(d->h.v, d->h.n, "Authorization");
	tok = sim_hdr_get(d->h.v, d->h.n, "X-Auth-Token");
	if (s->conf.ak != NULL && authz != NULL &&
	    strncmp(authz, "SDK-HMAC-SHA256", 15) == 0) {
		memset(&sc, 0, sizeof(sc));
		view(d, rq, &sc.req);
		sc.ak = s->conf.ak;
		sc.sk = s->conf.sk;
		sc.now = (long long)time(NULL);
		sc.max_skew = s->conf.max_skew;
		if (sim_sign_check(&sc, &why) == 0)
			return 1;
		snprintf(msg, sizeof(msg), "Incorrect IAM authentication "
		    "information: %s", why);
		sim_answer_error(a, 401, "APIG.0301", msg);
		return 0;
	}
	if (s->conf.token != NULL && tok != NULL &&
	    strcmp(tok, s->conf.token) == 0)
		return 1;
	if (s->iam_on && tok != NULL && sim_iam_accept(&s->iam, tok) ==
	    SIM_IAM_OK)
		return 1;
	if (s->conf.token != NULL || s->iam_on)
		sim_answer_error(a, 401, "APIG.0307",
		    "The token must be updated.");
	else
		sim_answer_error(a, 401, "APIG.0301", "Incorrect IAM "
		    "authentication information: no signature");
	return 0;
}

/* Takes a token from the --throttle-rate bucket; 0 if there was none. */
static int
bucket_take(struct sim *s, int64_t now)
{
	if (now > s->last_ms) {
		s->tokens += (double)(now - s->last_ms) *
		    s->conf.throttle_rate / 1000.0;
		if (s->tokens > s->burst)
			s->tokens = s->burst;
		s->last_ms = now;
	}
	if (s->tokens < 1)
		return 0;
	s->tokens -= 1;
	return 1;
}

/* The request body as the operations see it. */
static void
request_of(const struct decision *d, const struct sim_rq *rq,
    struct sim_req *q)
{
	q->ctype = sim_hdr_get(d->h.v, d->h.n, "Content-Type");
	q->body = rq->body.p != NULL ? rq->body.p : "";
	q->len = rq->body.len;
	q->workspace = sim_hdr_get(d->h.v, d->h.n, "workspace");
}

/* Counts a request of key: reads and writes are counted apart, so that
 * throttle1- throttles a write and then a read of the same resource. */
static long
count_hit(struct sim *s, const struct decision *d, const char *key)
{
	char *k;
	long n;

	if (!sim_op_is_read(d->r.op))
		return sim_state_hit(&s->st, key);
	if ((k = malloc(strlen(key) + 7)) == NULL)
		return -1;
	memcpy(k, "\001read\001", 6);
	strcpy(k + 6, key);
	n = sim_state_hit(&s->st, k);
	free(k);
	return n;
}

/* The override of the first key id the --state file names for this kind
 * of request (a write or a read). */
static const struct sim_override *
find_override(const struct sim *s, const struct sim_route *r)
{
	const struct sim_override *o;
	const char *const *k;
	int on = sim_op_is_read(r->op) ? SIM_ON_READ : SIM_ON_WRITE;

	for (k = sim_op_keys(r->op); *k != NULL; k++) {
		o = sim_state_find(&s->st, sim_route_param(r, *k));
		if (o != NULL && (o->on & on) != 0)
			return o;
	}
	return NULL;
}

/* Steps 5 and 6: --throttle-rate, then the drawn faults; 1 if answered. */
static int
global_fault(struct sim *s, const struct decision *d, struct sim_answer *a)
{
	if (d->throttled) {
		sim_answer_throttled(a, s->conf.retry_after);
		return 1;
	}
	if (sim_uniform(s, d->seq, 0) < s->conf.drop_rate) {
		a->status = 0;
		return 1;
	}
	if (sim_uniform(s, d->seq, 1) < s->conf.fail_rate) {
		sim_answer_unavailable(a);
		return 1;
	}
	if (sim_uniform(s, d->seq, 2) < s->conf.garbage_rate) {
		sim_answer_garbage(a);
		return 1;
	}
	return 0;
}

/* What the routed, authorised request gets (steps 5 to 9). */
static void
answer_routed(struct sim *s, struct sim_rq *rq, struct decision *d)
{
	const struct sim_override *o;
	struct sim_answer *a = &rq->ans;
	struct sim_conv *cv = &d->cv;
	struct sim_req q;
	long count = -1;

	sim_conv_parse(&d->r, cv);
	a->delay_ms += cv->slow_ms;
	if (global_fault(s, d, a))
		return;
	if ((o = find_override(s, &d->r)) != NULL) {
		if (o->times >= 0)
			count = count_hit(s, d, o->key);
		if (o->times < 0 || (count >= 0 && count < o->times)) {
			sim_state_answer(o, a);
			return;
		}
		if (strcmp(o->key, cv->key) != 0)
			count = -1;	/* another key: count it below */
	}
	if (sim_conv_counted(cv) && count == -1)
		count = count_hit(s, d, cv->key);
	request_of(d, rq, &q);
	if (!sim_op_is_read(d->r.op)) {
		sim_api_answer(&d->r, cv, count, &q, s->conf.retry_after, a);
		d->wrote = a->status >= 200 && a->status < 300 &&
		    cv->kind != SIM_CONV_GARBAGE;
	} else if (!sim_api_fault(&d->r, cv, count, s->conf.retry_after, a))
		d->shown = sim_res_answer(&s->res, &d->r, cv, count, &q,
		    br_mono_ms() + a->delay_ms, a);
}

/* Steps 1 to 4: size, IAM, routing, credentials; sets d->routed. */
static void
answer_unrouted(struct sim *s, struct sim_rq *rq, struct decision *d)
{
	struct sim_answer *a = &rq->ans;
	struct sim_req q;

	if (d->h.oom || rq->body.oom)
		sim_answer_error(a, 500, "SYS.500", "Internal Server Error");
	else if (rq->too_big)
		sim_answer_error(a, 413, "SYS.413",
		    "Request Entity Too Large");
	else if (s->iam_on && d->pathlen == strlen(SIM_IAM_PATH) &&
	    memcmp(d->path, SIM_IAM_PATH, d->pathlen) == 0) {
		if (strcmp(d->method, "POST") == 0) {
			d->iam = 1;
			request_of(d, rq, &q);
			sim_iam_issue(&s->iam, &q, a, rq->subject_token);
		} else {
			sim_answer_error(a, 405, "APIG.0101", "The API does "
			    "not exist or has not been published in the "
			    "environment.");
			sim_answer_header(a, "Allow", "POST");
		}
	} else if (sim_route_match(&d->r, d->method, d->path, d->pathlen) ==
	    -1 || sim_route_query(&d->r, d->query, strlen(d->query)) == -1)
		sim_answer_error(a, 500, "SYS.500", "Internal Server Error");
	else if (d->r.status != 0) {
		sim_answer_error(a, d->r.status, "APIG.0101", "The API does "
		    "not exist or has not been published in the "
		    "environment.");
		if (d->r.status == 405)
			sim_answer_header(a, "Allow", d->r.allow);
	} else if (authorized(s, d, rq, a))
		d->routed = 1;
}

/* The request's seq, and for a routed one a token of --throttle-rate. */
static void
take_seq(struct sim *s, struct decision *d)
{
	pthread_mutex_lock(&s->mu);
	d->seq = ++s->seq;
	if (d->routed && s->conf.throttle_rate > 0)
		d->throttled = !bucket_take(s, br_mono_ms());
	pthread_mutex_unlock(&s->mu);
}

static void
add_latency(struct sim *s, struct sim_rq *rq, const struct decision *d)
{
	struct sim_answer *a = &rq->ans;

	if (s->conf.latency_ms > 0 || s->conf.jitter_ms > 0)
		a->delay_ms += s->conf.latency_ms + (long)(sim_uniform(s,
		    d->seq, 3) * (double)(s->conf.jitter_ms + 1));
	if (a->delay_ms > SIM_MAX_DELAY)
		a->delay_ms = SIM_MAX_DELAY;
}

/* A write that took effect starts its resource's state machine when its
 * answer goes out (after its delays). */
static void
remember_write(struct sim *s, const struct sim_rq *rq, struct decision *d)
{
	struct sim_res_write w;
	long jitter = s->conf.restart_jitter_ms;

	if (!d->wrote)
		return;
	memset(&w, 0, sizeof(w));
	w.now_ms = br_mono_ms() + rq->ans.delay_ms;
	w.wall_ms = br_now_ms() + rq->ans.delay_ms;
	w.restart_ms = d->cv.restart_ms >= 0 ? d->cv.restart_ms :
	    s->conf.restart_ms + (long)(sim_uniform(s, d->seq, 6) *
	    (double)(jitter + 1));
	w.stale_ms = s->conf.stale_ms;
	if (d->r.op == SIM_OP_KAFKA_MODIFY) {
		w.body = rq->ans.body;
		w.len = rq->ans.len;
	}
	w.workspace = sim_hdr_get(d->h.v, d->h.n, "workspace");
	sim_res_written(&s->res, &d->r, &d->cv, &w);
	d->restart_ms = w.restart_ms;
}

/* The X-Request-Id: drawn from seq, or the --state override's. */
static void
set_request_id(struct sim *s, struct sim_rq *rq, unsigned long long seq)
{
	const struct sim_answer *a = &rq->ans;
	unsigned char id[16];
	uint64_t x;
	size_t i;

	for (i = 0; i < 2; i++) {
		x = draw(s, seq, 4 + (unsigned)i);
		memcpy(id + 8 * i, &x, 8);
	}
	br_text_hex(rq->rid, id, sizeof(id));
	rq->sent_rid = rq->rid;
	for (i = 0; i < a->nhdrs; i++) {
		if (strcasecmp(a->hdrs[i].name, "X-Request-Id") == 0)
			rq->sent_rid = a->hdrs[i].value;  /* from --state */
	}
}

static void
log_request(struct sim *s, const struct sim_rq *rq, const struct decision *d)
{
	const struct sim_answer *a = &rq->ans;
	struct sim_logrec lr;
	char *logbody = NULL;
	size_t loglen = 0;

	memset(&lr, 0, sizeof(lr));
	lr.seq = d->seq;
	lr.time_ms = rq->time_ms;
	view(d, rq, &lr.req);
	lr.status = a->status;
	lr.request_id = a->status != 0 ? rq->sent_rid : "";
	lr.op = d->routed ? sim_op_name(d->r.op) : NULL;
	lr.state = d->shown;
	lr.restart_ms = d->restart_ms;
	if (d->iam) {
		/* the log is test evidence: it holds no password */
		if (s->log.fp != NULL && (logbody = sim_iam_mask(rq->body.p,
		    rq->body.len, &loglen)) == NULL)
			loglen = 0;
		lr.req.body = logbody != NULL ? logbody : "***";
		lr.req.len = logbody != NULL ? loglen : 3;
		lr.op = SIM_IAM_OP;
		if (rq->subject_token[0] != '\0')
			lr.subject_token = rq->subject_token;
	}
	sim_log_write(&s->log, &lr);
	free(logbody);
}

void
sim_decide(struct sim *s, struct MHD_Connection *c, struct sim_rq *rq,
    const char *method)
{
	struct decision d;

	memset(&d, 0, sizeof(d));
	memset(&rq->ans, 0, sizeof(rq->ans));
	d.r.op = -1;
	d.restart_ms = -1;
	d.method = method;
	d.path = rq->uri;
	d.pathlen = strcspn(rq->uri, "?");
	d.query = d.path[d.pathlen] == '?' ? d.path + d.pathlen + 1 : "";
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &d.h);

	answer_unrouted(s, rq, &d);
	take_seq(s, &d);
	if (d.routed)
		answer_routed(s, rq, &d);
	add_latency(s, rq, &d);
	remember_write(s, rq, &d);
	set_request_id(s, rq, d.seq);
	log_request(s, rq, &d);

	sim_route_release(&d.r);
	free(d.h.v);
}
