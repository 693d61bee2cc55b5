/*
 * main.c - bulkrun-sim: a local simulator of the five cloud APIs bulkrun
 * drives, with faults to rehearse against.  See src/sim/README.md.
 *
 * libmicrohttpd runs a pool of --threads server threads.  A request is
 * decided once its body is in: route, credentials, global faults, --state
 * override, id convention, then the operation itself; the log line is
 * written, and the answer is queued at once or, when it must wait
 * (slowMS-, --latency), the connection is suspended and a timer thread
 * resumes it at the deadline, so waiting holds no server thread.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "api.h"
#include "datetime.h"
#include "iam.h"
#include "reqlog.h"
#include "sign.h"
#include "state.h"
#include "strbuf.h"
#include "text.h"
#include "version.h"

#define DEFAULT_MAX_BODY	(1024 * 1024)
#define DEFAULT_SKEW		900
#define CONN_MEMORY		(256 * 1024)
#define CONN_TIMEOUT		120
#define DRAIN_MS		3000	/* answers in flight at a stop */
#define DEFAULT_IAM_TTL		3600
#define MAX_PEM			(1024 * 1024)	/* --tls files */

enum { PH_NEW, PH_BODY, PH_DELAYED };

struct conf {
	unsigned	 port;
	const char	*log;
	const char	*state;
	uint64_t	 seed;
	unsigned	 threads;
	double		 fail_rate;
	double		 drop_rate;
	double		 garbage_rate;
	double		 throttle_rate;	/* requests/s; 0: off */
	char		 retry_after[24];
	long		 latency_ms;
	long		 jitter_ms;
	const char	*token;
	char		*ak;		/* --aksk AK:SK: a copy of AK */
	const char	*sk;		/* and SK, in argv */
	long		 max_skew;
	size_t		 max_body;
	char		*iam_user;	/* --iam-user NAME:PASSWORD: NAME */
	const char	*iam_password;	/* and PASSWORD, in argv */
	long		 iam_ttl;	/* seconds */
	long		 expire_after;	/* API requests per token; 0: any */
	int		 iam_opts;	/* an IAM option without --iam-user */
	const char	*tls_cert;	/* --tls CERT KEY */
	const char	*tls_key;
};

/* One request: made by the URI callback, freed when MHD is done with it. */
struct rq {
	struct rq		*next;		/* timer list */
	struct MHD_Connection	*conn;
	int64_t			 deadline;	/* monotonic ms */
	int			 phase;
	double			 time_ms;	/* arrival, epoch ms */
	char			*uri;		/* raw, as received */
	struct br_strbuf		 body;
	int			 too_big;
	struct sim_answer	 ans;
	char			 rid[33];
	const char		*sent_rid;	/* the X-Request-Id answered */
	char			 subject_token[SIM_IAM_TOKEN_LEN + 1];
};

struct sim {
	struct conf		 conf;
	struct sim_state	 st;
	struct sim_log		 log;
	struct sim_iam		 iam;
	int			 iam_on;	/* --iam-user given */

	pthread_mutex_t		 mu;		/* seq, bucket, active */
	unsigned long long	 seq;
	long			 active;	/* requests not done yet */
	double			 tokens;
	double			 burst;
	int64_t			 last_ms;

	pthread_mutex_t		 tmu;		/* the timer */
	pthread_cond_t		 tcv;
	struct rq		*thead;		/* by deadline */
	int			 stopping;
	pthread_t		 tthread;
};

struct hdrs {
	struct sim_hdr	*v;
	size_t		 n;
	size_t		 cap;
	int		 oom;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bulkrun-sim [--port N] [--log FILE] [--state FILE] [--seed N]\n"
"                   [--threads N] [--fail-rate P] [--drop-rate P]\n"
"                   [--garbage-rate P] [--throttle-rate R] [--retry-after S]\n"
"                   [--latency MS[:JITTER]] [--token T] [--aksk AK:SK]\n"
"                   [--max-skew S] [--iam-user NAME:PASSWORD]\n"
"                   [--iam-token-ttl S] [--expire-tokens-after N]\n"
"                   [--tls CERT KEY] [--max-body BYTES] [--help] [--version]\n"
"\n"
"Serves the five bulkrun operations on 127.0.0.1 and prints\n"
"\"bulkrun-sim listening on http://127.0.0.1:PORT\" (https with --tls)\n"
"once listening.\n"
"\n"
"  --port N           port to listen on; 0 picks a free one (default 0)\n"
"  --log FILE         append one JSON line per request (\"-\": stderr)\n"
"  --state FILE       JSON object: key id -> {status, body, headers, times,\n"
"                     delay_ms}; overrides the id conventions\n"
"  --seed N           seed of the fault draws and request ids\n"
"  --threads N        server threads (default 4)\n"
"  --fail-rate P      fraction of requests answered 503 (0..1 or N%%)\n"
"  --drop-rate P      fraction of connections closed without an answer\n"
"  --garbage-rate P   fraction answered 200 with a truncated JSON body\n"
"  --throttle-rate R  requests/s above which it answers 429 APIG.0308\n"
"  --retry-after S    Retry-After seconds sent with 429 (default 1)\n"
"  --latency MS[:J]   answer after MS ms plus 0..J ms\n"
"  --token T          require X-Auth-Token: T (else 401 APIG.0307)\n"
"  --aksk AK:SK       accept SDK-HMAC-SHA256 signatures by AK/SK\n"
"  --max-skew S       X-Sdk-Date tolerance in seconds (default 900; 0: any)\n"
"  --iam-user NAME:PASSWORD\n"
"                     serve POST /v3/auth/tokens (Keystone v3 password\n"
"                     auth) for this user; the API then needs a token it\n"
"                     issued (or --token T, or a signature with --aksk)\n"
"  --iam-token-ttl S  lifetime of an issued token in seconds (default 3600)\n"
"  --expire-tokens-after N\n"
"                     an issued token is good for N API requests, then 401\n"
"                     APIG.0307 (default: no limit)\n"
"  --tls CERT KEY     serve HTTPS with these PEM files (certificate chain,\n"
"                     unencrypted private key)\n"
"  --max-body BYTES   larger request bodies get 413 (default 1048576)\n"
"\n"
"Id conventions (missing-, flaky2-, slow500-, ...): see README.md.\n");
}

static int usage_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* Says what is wrong, then the usage; returns the exit status 2. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bulkrun-sim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return 2;
}

/* --- numbers ------------------------------------------------------------ */

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* 0..1, or 0%..100% */
static int
parse_fraction(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0' || *s == ' ')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end != '\0' || !(v >= 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

static double
epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* splitmix64 finaliser: a bijection of 64-bit values. */
static uint64_t
mix64(uint64_t x)
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
	return mix64(s->conf.seed ^ mix64((uint64_t)seq * 8 + k));
}

static double
uniform(const struct sim *s, unsigned long long seq, unsigned k)
{
	return (double)(draw(s, seq, k) >> 11) * 0x1p-53;
}

/* --- the timer ---------------------------------------------------------- */

static void *
timer_main(void *vp)
{
	struct sim *s = vp;
	struct rq *due, *r;
	struct timespec ts;
	int64_t now;

	pthread_mutex_lock(&s->tmu);
	for (;;) {
		now = br_mono_ms();
		due = NULL;
		while (s->thead != NULL && (s->stopping ||
		    s->thead->deadline <= now)) {
			r = s->thead;
			s->thead = r->next;
			r->next = due;
			due = r;
		}
		if (due != NULL) {
			/* resumed outside the lock: MHD takes its own */
			pthread_mutex_unlock(&s->tmu);
			for (; due != NULL; due = r) {
				r = due->next;
				due->next = NULL;
				MHD_resume_connection(due->conn);
			}
			pthread_mutex_lock(&s->tmu);
			continue;
		}
		if (s->stopping)
			break;
		if (s->thead == NULL) {
			pthread_cond_wait(&s->tcv, &s->tmu);
			continue;
		}
		ts.tv_sec = (time_t)(s->thead->deadline / 1000);
		ts.tv_nsec = (long)(s->thead->deadline % 1000) * 1000000;
		pthread_cond_timedwait(&s->tcv, &s->tmu, &ts);
	}
	pthread_mutex_unlock(&s->tmu);
	return NULL;
}

/* Suspends the connection until rq's deadline; 0 if it was not suspended
 * (the simulator is stopping: answer now). */
static int
delay_start(struct sim *s, struct MHD_Connection *c, struct rq *rq)
{
	struct rq **pp;

	pthread_mutex_lock(&s->tmu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->tmu);
		return 0;
	}
	rq->conn = c;
	rq->deadline = br_mono_ms() + rq->ans.delay_ms;
	rq->phase = PH_DELAYED;
	MHD_suspend_connection(c);
	for (pp = &s->thead; *pp != NULL && (*pp)->deadline <= rq->deadline;
	    pp = &(*pp)->next)
		;
	rq->next = *pp;
	*pp = rq;
	pthread_cond_signal(&s->tcv);
	pthread_mutex_unlock(&s->tmu);
	return 1;
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

/* 1 if the request may pass; else fills a with the 401. */
static int
authorized(struct sim *s, const char *method, const char *path,
    size_t pathlen, const char *query, const struct hdrs *h,
    const struct rq *rq, struct sim_answer *a)
{
	struct sim_sigcheck sc;
	const char *authz, *tok, *why = NULL;
	char msg[256];

	if (s->conf.token == NULL && s->conf.ak == NULL && !s->iam_on)
		return 1;
	authz = sim_hdr_get(h->v, h->n, "Authorization");
	tok = sim_hdr_get(h->v, h->n, "X-Auth-Token");
	if (s->conf.ak != NULL && authz != NULL &&
	    strncmp(authz, "SDK-HMAC-SHA256", 15) == 0) {
		memset(&sc, 0, sizeof(sc));
		sc.method = method;
		sc.path = path;
		sc.pathlen = pathlen;
		sc.query = query;
		sc.querylen = strlen(query);
		sc.hdrs = h->v;
		sc.nhdrs = h->n;
		sc.body = rq->body.p;
		sc.len = rq->body.len;
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

/* The override of the first key id the --state file names. */
static const struct sim_override *
find_override(const struct sim *s, const struct sim_route *r)
{
	const struct sim_override *o;
	const char *const *k;

	for (k = sim_op_keys(r->op); *k != NULL; k++) {
		o = sim_state_find(&s->st, sim_route_param(r, *k));
		if (o != NULL)
			return o;
	}
	return NULL;
}

/* What the routed, authorised request gets. */
static void
answer_routed(struct sim *s, struct rq *rq, const struct sim_route *r,
    unsigned long long seq, int throttled, const struct hdrs *h)
{
	const struct sim_override *o;
	struct sim_answer *a = &rq->ans;
	struct sim_conv cv;
	struct sim_req q;
	long count = -1;

	sim_conv_parse(r, &cv);
	a->delay_ms += cv.slow_ms;
	if (throttled) {
		sim_answer_throttled(a, s->conf.retry_after);
		return;
	}
	if (uniform(s, seq, 0) < s->conf.drop_rate) {
		a->status = 0;
		return;
	}
	if (uniform(s, seq, 1) < s->conf.fail_rate) {
		sim_answer_unavailable(a);
		return;
	}
	if (uniform(s, seq, 2) < s->conf.garbage_rate) {
		sim_answer_garbage(a);
		return;
	}
	if ((o = find_override(s, r)) != NULL) {
		if (o->times >= 0)
			count = sim_state_hit(&s->st, o->key);
		if (o->times < 0 || (count >= 0 && count < o->times)) {
			sim_state_answer(o, a);
			return;
		}
		if (strcmp(o->key, cv.key) != 0)
			count = -1;	/* another key: count it below */
	}
	if (sim_conv_counted(&cv) && count == -1)
		count = sim_state_hit(&s->st, cv.key);
	q.ctype = sim_hdr_get(h->v, h->n, "Content-Type");
	q.body = rq->body.p != NULL ? rq->body.p : "";
	q.len = rq->body.len;
	sim_api_answer(r, &cv, count, &q, s->conf.retry_after, a);
}

static void
decide(struct sim *s, struct MHD_Connection *c, struct rq *rq,
    const char *method)
{
	struct sim_answer *a = &rq->ans;
	struct sim_logrec lr;
	struct sim_route r;
	struct sim_req q;
	struct hdrs h;
	const char *path = rq->uri, *query;
	size_t pathlen = strcspn(rq->uri, "?");
	unsigned long long seq;
	int routed = 0, throttled = 0, iam = 0;
	char *logbody = NULL;
	size_t loglen = 0;
	unsigned char id[16];
	uint64_t x;
	int i;

	memset(&h, 0, sizeof(h));
	memset(a, 0, sizeof(*a));
	memset(&r, 0, sizeof(r));
	r.op = -1;
	query = path[pathlen] == '?' ? path + pathlen + 1 : "";
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &h);

	if (h.oom || rq->body.oom)
		sim_answer_error(a, 500, "SYS.500", "Internal Server Error");
	else if (rq->too_big)
		sim_answer_error(a, 413, "SYS.413",
		    "Request Entity Too Large");
	else if (s->iam_on && pathlen == strlen(SIM_IAM_PATH) &&
	    memcmp(path, SIM_IAM_PATH, pathlen) == 0) {
		if (strcmp(method, "POST") == 0) {
			iam = 1;
			q.ctype = sim_hdr_get(h.v, h.n, "Content-Type");
			q.body = rq->body.p != NULL ? rq->body.p : "";
			q.len = rq->body.len;
			sim_iam_issue(&s->iam, &q, a, rq->subject_token);
		} else {
			sim_answer_error(a, 405, "APIG.0101", "The API does "
			    "not exist or has not been published in the "
			    "environment.");
			sim_answer_header(a, "Allow", "POST");
		}
	} else if (sim_route_match(&r, method, path, pathlen) == -1)
		sim_answer_error(a, 500, "SYS.500", "Internal Server Error");
	else if (r.status != 0) {
		sim_answer_error(a, r.status, "APIG.0101", "The API does not "
		    "exist or has not been published in the environment.");
		if (r.status == 405)
			sim_answer_header(a, "Allow", r.allow);
	} else if (authorized(s, method, path, pathlen, query, &h, rq, a))
		routed = 1;

	pthread_mutex_lock(&s->mu);
	seq = ++s->seq;
	if (routed && s->conf.throttle_rate > 0)
		throttled = !bucket_take(s, br_mono_ms());
	pthread_mutex_unlock(&s->mu);

	if (routed)
		answer_routed(s, rq, &r, seq, throttled, &h);
	if (s->conf.latency_ms > 0 || s->conf.jitter_ms > 0)
		a->delay_ms += s->conf.latency_ms + (long)(uniform(s, seq, 3) *
		    (double)(s->conf.jitter_ms + 1));
	if (a->delay_ms > SIM_MAX_DELAY)
		a->delay_ms = SIM_MAX_DELAY;

	for (i = 0; i < 2; i++) {
		x = draw(s, seq, 4 + (unsigned)i);
		memcpy(id + 8 * i, &x, 8);
	}
	br_text_hex(rq->rid, id, sizeof(id));
	rq->sent_rid = rq->rid;
	for (i = 0; i < (int)a->nhdrs; i++) {
		if (strcasecmp(a->hdrs[i].name, "X-Request-Id") == 0)
			rq->sent_rid = a->hdrs[i].value;  /* from --state */
	}

	memset(&lr, 0, sizeof(lr));
	lr.seq = seq;
	lr.time_ms = rq->time_ms;
	lr.method = method;
	lr.path = path;
	lr.pathlen = pathlen;
	lr.query = query;
	lr.querylen = strlen(query);
	lr.hdrs = h.v;
	lr.nhdrs = h.n;
	lr.body = rq->body.p;
	lr.len = rq->body.len;
	lr.status = a->status;
	lr.request_id = a->status != 0 ? rq->sent_rid : "";
	lr.op = routed ? sim_op_name(r.op) : NULL;
	if (iam) {
		/* the log is test evidence: it holds no password */
		if (s->log.fp != NULL && (logbody = sim_iam_mask(rq->body.p,
		    rq->body.len, &loglen)) == NULL)
			loglen = 0;
		lr.body = logbody != NULL ? logbody : "***";
		lr.len = logbody != NULL ? loglen : 3;
		lr.op = SIM_IAM_OP;
		if (rq->subject_token[0] != '\0')
			lr.subject_token = rq->subject_token;
	}
	sim_log_write(&s->log, &lr);

	sim_route_release(&r);
	free(logbody);
	free(h.v);
}

/* --- MHD callbacks ------------------------------------------------------ */

static enum MHD_Result
send_answer(struct rq *rq, struct MHD_Connection *c)
{
	struct sim_answer *a = &rq->ans;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t i;

	if (a->status == 0)
		return MHD_NO;			/* drop the connection */
	if (a->owned) {
		resp = MHD_create_response_from_buffer_with_free_callback(
		    a->len, a->body, free);
		if (resp != NULL) {
			a->owned = 0;		/* MHD frees it now */
			a->body = NULL;
		}
	} else
		resp = MHD_create_response_from_buffer(a->len,
		    a->body != NULL ? a->body : (char *)(uintptr_t)"",
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	if (rq->sent_rid[0] != '\0')
		MHD_add_response_header(resp, "X-Request-Id", rq->sent_rid);
	if (a->ctype != NULL)
		MHD_add_response_header(resp, "Content-Type", a->ctype);
	for (i = 0; i < a->nhdrs; i++) {
		if (strcasecmp(a->hdrs[i].name, "X-Request-Id") != 0)
			MHD_add_response_header(resp, a->hdrs[i].name,
			    a->hdrs[i].value);
	}
	ret = MHD_queue_response(c, (unsigned)a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct sim *s = cls;
	struct rq *rq = *con_cls;

	(void)url;			/* decoded: we route on the raw URI */
	(void)version;
	if (rq == NULL)
		return MHD_NO;
	switch (rq->phase) {
	case PH_NEW:
		rq->phase = PH_BODY;
		return MHD_YES;
	case PH_BODY:
		if (*upload_size > 0) {
			if (!rq->too_big && rq->body.len + *upload_size >
			    s->conf.max_body) {
				rq->too_big = 1;
				br_strbuf_release(&rq->body);
			}
			if (!rq->too_big)
				br_strbuf_add(&rq->body, upload, *upload_size);
			*upload_size = 0;
			return MHD_YES;
		}
		decide(s, c, rq, method);
		if (rq->ans.delay_ms > 0 && delay_start(s, c, rq))
			return MHD_YES;
		return send_answer(rq, c);
	default:
		return send_answer(rq, c);	/* resumed after the wait */
	}
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct sim *s = cls;
	struct rq *rq;

	(void)c;
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return NULL;
	if ((rq->uri = strdup(uri)) == NULL) {
		free(rq);
		return NULL;
	}
	rq->time_ms = epoch_ms();
	pthread_mutex_lock(&s->mu);
	s->active++;
	pthread_mutex_unlock(&s->mu);
	return rq;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sim *s = cls;
	struct rq *rq = *con_cls;

	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->active--;
	pthread_mutex_unlock(&s->mu);
	sim_answer_release(&rq->ans);
	br_strbuf_release(&rq->body);
	free(rq->uri);
	free(rq);
	*con_cls = NULL;
}

/* --- start and stop ----------------------------------------------------- */

/* Lets the answers in flight go out before the daemon stops. */
static void
drain(struct sim *s)
{
	struct timespec pause = { 0, 10 * 1000000L };
	long active;
	int i;

	for (i = 0; i < DRAIN_MS / 10; i++) {
		pthread_mutex_lock(&s->mu);
		active = s->active;
		pthread_mutex_unlock(&s->mu);
		if (active <= 0)
			return;
		nanosleep(&pause, NULL);
	}
}

/* --- TLS --------------------------------------------------------------- */

/* The whole of a file of at most MAX_PEM bytes, NUL-terminated; NULL with
 * a message in err. */
static char *
slurp(const char *path, size_t *lenp, char *err, size_t errlen)
{
	FILE *fp;
	char *p;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((p = malloc(MAX_PEM + 1)) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(p, 1, MAX_PEM + 1, fp);
	if (ferror(fp) || n > MAX_PEM || n == 0) {
		snprintf(err, errlen, "%s: %s", path, ferror(fp) ?
		    "cannot read it" : n == 0 ? "empty" : "larger than 1 MiB");
		fclose(fp);
		OPENSSL_cleanse(p, MAX_PEM + 1);
		free(p);
		return NULL;
	}
	fclose(fp);
	p[n] = '\0';
	*lenp = n;
	return p;
}

/* Never asks for a passphrase: an encrypted key is refused. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* 0 if cert holds a PEM certificate and key the PEM private key that
 * belongs to it; -1 with a message in err. */
static int
tls_check(const struct conf *cf, const char *cert, size_t clen,
    const char *key, size_t klen, char *err, size_t errlen)
{
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	BIO *bio;
	int rc = -1;

	if ((bio = BIO_new_mem_buf(cert, (int)clen)) != NULL)
		x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (x == NULL) {
		snprintf(err, errlen, "%s: no PEM certificate in it",
		    cf->tls_cert);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(key, (int)klen)) != NULL)
		pk = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (pk == NULL) {
		snprintf(err, errlen, "%s: no PEM private key in it (an "
		    "encrypted key is not supported)", cf->tls_key);
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		snprintf(err, errlen, "%s: not the key of the certificate in "
		    "%s", cf->tls_key, cf->tls_cert);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	X509_free(x);
	ERR_clear_error();
	return rc;
}

/* Splits NAME:SECRET at the first ':' (both parts not empty): *name gets
 * a copy of NAME (its old value freed), *secret points into arg.  0, -1
 * when arg is not of that form, -2 when out of memory. */
static int
split_pair(const char *arg, char **name, const char **secret)
{
	const char *colon = strchr(arg, ':');

	if (colon == NULL || colon == arg || colon[1] == '\0')
		return -1;
	free(*name);
	if ((*name = strndup(arg, (size_t)(colon - arg))) == NULL)
		return -2;
	*secret = colon + 1;
	return 0;
}

/* -1 to go on, or the exit status (0 after --help or --version). */
static int
parse_args(int argc, char **argv, struct conf *cf)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "state", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "threads", required_argument, NULL, 't' },
		{ "fail-rate", required_argument, NULL, 'f' },
		{ "drop-rate", required_argument, NULL, 'd' },
		{ "garbage-rate", required_argument, NULL, 'g' },
		{ "throttle-rate", required_argument, NULL, 'r' },
		{ "retry-after", required_argument, NULL, 'R' },
		{ "latency", required_argument, NULL, 'L' },
		{ "token", required_argument, NULL, 'T' },
		{ "aksk", required_argument, NULL, 'A' },
		{ "max-skew", required_argument, NULL, 'k' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "iam-user", required_argument, NULL, 'U' },
		{ "iam-token-ttl", required_argument, NULL, 'E' },
		{ "expire-tokens-after", required_argument, NULL, 'N' },
		{ "tls", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long u;
	char *end, *colon, num[32];
	long v;
	int ch, rc;

	opterr = 0;
	/* "+": no permutation, so --tls may take the word after its value */
	while ((ch = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (parse_long(optarg, 0, 65535, &v) == -1)
				return usage_error("bad --port '%s'", optarg);
			cf->port = (unsigned)v;
			break;
		case 'l':
			cf->log = optarg;
			break;
		case 's':
			cf->state = optarg;
			break;
		case 'S':
			errno = 0;
			u = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0)
				return usage_error("bad --seed '%s'", optarg);
			cf->seed = (uint64_t)u;
			break;
		case 't':
			if (parse_long(optarg, 1, 256, &v) == -1)
				return usage_error("bad --threads '%s' "
				    "(1 to 256)", optarg);
			cf->threads = (unsigned)v;
			break;
		case 'f':
		case 'd':
		case 'g':
			if (parse_fraction(optarg, ch == 'f' ? &cf->fail_rate :
			    ch == 'd' ? &cf->drop_rate : &cf->garbage_rate) ==
			    -1)
				return usage_error("bad rate '%s' (0..1 or "
				    "N%%)", optarg);
			break;
		case 'r':
			errno = 0;
			cf->throttle_rate = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    !(cf->throttle_rate > 0 &&
			    cf->throttle_rate <= 1e9))
				return usage_error("bad --throttle-rate '%s'",
				    optarg);
			break;
		case 'R':
			if (parse_long(optarg, 0, 86400, &v) == -1)
				return usage_error("bad --retry-after '%s' "
				    "(0 to 86400)", optarg);
			snprintf(cf->retry_after, sizeof(cf->retry_after),
			    "%ld", v);
			break;
		case 'L':
			snprintf(num, sizeof(num), "%s", optarg);
			if ((colon = strchr(num, ':')) != NULL)
				*colon++ = '\0';
			if (strlen(optarg) >= sizeof(num) ||
			    parse_long(num, 0, SIM_MAX_DELAY,
			    &cf->latency_ms) == -1 || (colon != NULL &&
			    parse_long(colon, 0, SIM_MAX_DELAY,
			    &cf->jitter_ms) == -1))
				return usage_error("bad --latency '%s' "
				    "(MS[:JITTER])", optarg);
			break;
		case 'T':
			if (*optarg == '\0')
				return usage_error("empty --token");
			cf->token = optarg;
			break;
		case 'A':
			if ((rc = split_pair(optarg, &cf->ak, &cf->sk)) != 0)
				return rc == -1 ? usage_error("bad --aksk "
				    "(AK:SK)") : usage_error("out of memory");
			break;
		case 'k':
			if (parse_long(optarg, 0, LONG_MAX / 2, &v) == -1)
				return usage_error("bad --max-skew '%s'",
				    optarg);
			cf->max_skew = v;
			break;
		case 'b':
			if (parse_long(optarg, 0, 64L * 1024 * 1024, &v) == -1)
				return usage_error("bad --max-body '%s' "
				    "(0 to 67108864)", optarg);
			cf->max_body = (size_t)v;
			break;
		case 'U':
			if ((rc = split_pair(optarg, &cf->iam_user,
			    &cf->iam_password)) != 0)
				return rc == -1 ? usage_error("bad --iam-user "
				    "(NAME:PASSWORD)") :
				    usage_error("out of memory");
			break;
		case 'E':		/* a token's life: seconds, requests */
		case 'N':
			if (parse_long(optarg, 1, ch == 'E' ? 366L * 86400 :
			    LONG_MAX, &v) == -1)
				return usage_error(ch == 'E' ? "bad "
				    "--iam-token-ttl '%s' (1 to 31622400 "
				    "seconds)" : "bad --expire-tokens-after "
				    "'%s' (1 or more)", optarg);
			*(ch == 'E' ? &cf->iam_ttl : &cf->expire_after) = v;
			cf->iam_opts = 1;
			break;
		case 'C':
			if (optind >= argc || *optarg == '\0' ||
			    *argv[optind] == '\0')
				return usage_error("--tls needs CERT and KEY");
			cf->tls_cert = optarg;
			cf->tls_key = argv[optind++];
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("bulkrun-sim %s\n", BR_VERSION);
			return 0;
		case ':':
			return usage_error("option '%s' needs a value",
			    argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (cf->iam_opts && cf->iam_user == NULL)
		return usage_error("--iam-token-ttl and --expire-tokens-after "
		    "need --iam-user");
	return -1;
}

int
main(int argc, char **argv)
{
	static struct sim sim;	/* large; and the callbacks keep a pointer */
	struct sim *s = &sim;
	struct MHD_Daemon *d = NULL;
	struct MHD_OptionItem tlsopt[3];
	char *cert = NULL, *key = NULL;
	size_t clen = 0, klen = 0;
	unsigned flags;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sin;
	pthread_condattr_t ca;
	sigset_t sigs;
	char err[512];
	struct timespec ts;
	MHD_socket lsock = MHD_INVALID_SOCKET;
	int rc, sig, timer = 0;

	s->conf.threads = 4;
	s->conf.max_skew = DEFAULT_SKEW;
	s->conf.max_body = DEFAULT_MAX_BODY;
	s->conf.iam_ttl = DEFAULT_IAM_TTL;
	snprintf(s->conf.retry_after, sizeof(s->conf.retry_after), "1");
	clock_gettime(CLOCK_REALTIME, &ts);
	s->conf.seed = mix64((uint64_t)ts.tv_sec * 1000000000ULL +
	    (uint64_t)ts.tv_nsec) ^ (uint64_t)getpid();
	if ((rc = parse_args(argc, argv, &s->conf)) >= 0)
		return rc;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* every thread started from here on inherits the mask */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	rc = 1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->tmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->tcv, &ca);
	pthread_condattr_destroy(&ca);
	s->burst = s->conf.throttle_rate / 10 > 1 ? s->conf.throttle_rate / 10
	    : 1;
	s->tokens = s->burst;
	s->last_ms = br_mono_ms();
	if (sim_api_init() == -1 || sim_state_init(&s->st) == -1) {
		fprintf(stderr, "bulkrun-sim: out of memory\n");
		goto out;
	}
	if (s->conf.state != NULL &&
	    sim_state_load(&s->st, s->conf.state, err, sizeof(err)) == -1) {
		fprintf(stderr, "bulkrun-sim: %s\n", err);
		rc = 2;
		goto out;
	}
	memset(tlsopt, 0, sizeof(tlsopt));
	tlsopt[0].option = MHD_OPTION_END;
	if (s->conf.tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr, "bulkrun-sim: --tls: this "
			    "libmicrohttpd was built without TLS\n");
			rc = 2;
			goto out;
		}
		if ((cert = slurp(s->conf.tls_cert, &clen, err,
		    sizeof(err))) == NULL || (key = slurp(s->conf.tls_key,
		    &klen, err, sizeof(err))) == NULL ||
		    tls_check(&s->conf, cert, clen, key, klen, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "bulkrun-sim: --tls: %s\n", err);
			rc = 2;
			goto out;
		}
		tlsopt[0].option = MHD_OPTION_HTTPS_MEM_CERT;
		tlsopt[0].ptr_value = cert;
		tlsopt[1].option = MHD_OPTION_HTTPS_MEM_KEY;
		tlsopt[1].ptr_value = key;
		tlsopt[2].option = MHD_OPTION_END;
	}
	if (s->conf.iam_user != NULL) {
		if (sim_iam_init(&s->iam, s->conf.iam_user,
		    s->conf.iam_password, s->conf.iam_ttl,
		    s->conf.expire_after) == -1) {
			fprintf(stderr, "bulkrun-sim: out of memory\n");
			goto out;
		}
		s->iam_on = 1;
	}
	if (sim_log_open(&s->log, s->conf.log, err, sizeof(err)) == -1) {
		fprintf(stderr, "bulkrun-sim: %s\n", err);
		goto out;
	}
	if (pthread_create(&s->tthread, NULL, timer_main, s) != 0) {
		fprintf(stderr, "bulkrun-sim: cannot start a thread\n");
		goto out_log;
	}
	timer = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->conf.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ITC;
	if (cert != NULL)
		flags |= MHD_USE_TLS;
	d = MHD_start_daemon(flags, (uint16_t)s->conf.port,
	    NULL, NULL, on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
	    MHD_OPTION_THREAD_POOL_SIZE, s->conf.threads,
	    MHD_OPTION_ARRAY, tlsopt,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bulkrun-sim: cannot listen on "
		    "127.0.0.1:%u%s\n", s->conf.port, cert != NULL ?
		    " with TLS" : "");
		goto out_timer;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		fprintf(stderr, "bulkrun-sim: cannot tell the port\n");
		goto out_timer;
	}
	printf("bulkrun-sim listening on %s://127.0.0.1:%u\n",
	    cert != NULL ? "https" : "http", (unsigned)info->port);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "bulkrun-sim: cannot write to stdout\n");
		goto out_timer;
	}

	do {
		if (sigwait(&sigs, &sig) != 0)
			sig = 0;
	} while (sig != SIGINT && sig != SIGTERM);
	rc = 0;

out_timer:
	if (d != NULL)
		lsock = MHD_quiesce_daemon(d);	/* no new connections */
	/* no connection may stay suspended when the daemon stops */
	if (timer) {
		pthread_mutex_lock(&s->tmu);
		s->stopping = 1;
		pthread_cond_signal(&s->tcv);
		pthread_mutex_unlock(&s->tmu);
		pthread_join(s->tthread, NULL);
	}
	if (d != NULL) {
		drain(s);
		MHD_stop_daemon(d);
		if (lsock != MHD_INVALID_SOCKET)
			close(lsock);
	}
out_log:
	if (sim_log_close(&s->log) == -1) {
		fprintf(stderr, "bulkrun-sim: the request log is incomplete\n");
		if (rc == 0)
			rc = 1;
	}
out:
	sim_state_release(&s->st);
	sim_api_release();
	if (s->iam_on)
		sim_iam_release(&s->iam);
	if (key != NULL)
		OPENSSL_cleanse(key, klen);
	free(key);
	free(cert);
	free(s->conf.ak);
	free(s->conf.iam_user);
	pthread_cond_destroy(&s->tcv);
	pthread_mutex_destroy(&s->tmu);
	pthread_mutex_destroy(&s->mu);
	return rc;
}
