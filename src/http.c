/*
 * http.c - sends requests with libcurl, many at once on one thread (the
 * worker's): one multi handle, one reused easy handle per transfer slot,
 * connections kept alive.  Each request goes out at most once per
 * br_http_start: libcurl's own re-send on a dead kept-alive connection is
 * stopped in the pre-request callback.  The only file that includes
 * <curl/curl.h>.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "fifo.h"
#include "http.h"
#include "version.h"

#define ABORT_CHECK_MS	100	/* how soon a transfer sees br_http_abort */
#define IDLE_WAIT_MS	60000	/* longest wait with nothing in flight */

static atomic_int br_http_abort;

void
br_http_abort_all(int on)
{
	atomic_store_explicit(&br_http_abort, on, memory_order_relaxed);
}

static int
aborted(void)
{
	return atomic_load_explicit(&br_http_abort, memory_order_relaxed);
}

/* One transfer slot: its easy handle is set up once and reused. */
struct xfer {
	struct br_fifo_link	 link;	/* first: on the done list */
	CURL			*easy;
	struct br_response	*resp;	/* NULL: free */
	void			*user;
	size_t			 cap;	/* bytes allocated at resp->body */
	struct curl_slist	*hl;	/* our own nodes, into hbuf */
	size_t			 hlcap;
	char			*hbuf;
	size_t			 hbufcap;
	int			 had_body;
	int			 sends;	/* times libcurl was about to send */
	int			 added;	/* to the multi handle */
	int			 oom;
	struct xfer		*next;	/* on the free list */
	char			 errbuf[CURL_ERROR_SIZE];
};

struct br_http {
	CURLM			*multi;
	struct br_http_opts	 opts;
	struct xfer		*x;	/* n slots */
	int			 n;
	int			 running;	/* added to multi */
	int			 kick;		/* added, not yet performed */
	struct xfer		*free;
	struct br_fifo		 done;
};

int
br_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK ? 0 : -1;
}

void
br_http_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t
on_body(char *ptr, size_t size, size_t n, void *vp)
{
	struct xfer *x = vp;
	struct br_response *r = x->resp;
	size_t len = size * n, want;
	char *nb;

	if (r->len + len > BR_HTTP_BODY_CAP) {
		r->truncated = 1;
		len = BR_HTTP_BODY_CAP - r->len;
	}
	if (r->len + len + 1 > x->cap) {
		want = x->cap ? x->cap : 1024;
		while (want < r->len + len + 1)
			want *= 2;
		if (want > BR_HTTP_BODY_CAP + 1)
			want = BR_HTTP_BODY_CAP + 1;
		if ((nb = realloc(r->body, want)) == NULL)
			return 0;		/* aborts the transfer */
		r->body = nb;
		x->cap = want;
	}
	memcpy(r->body + r->len, ptr, len);
	r->len += len;
	r->body[r->len] = '\0';
	return r->truncated ? 0 : size * n;	/* stop reading past the cap */
}

/* A copy of the header's value with blanks and CRLF trimmed. */
static char *
header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name), s, e;
	char *v;

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	for (s = nl + 1; s < len && (line[s] == ' ' || line[s] == '\t'); s++)
		;
	for (e = len; e > s && (line[e - 1] == '\r' || line[e - 1] == '\n' ||
	    line[e - 1] == ' ' || line[e - 1] == '\t'); e--)
		;
	if ((v = malloc(e - s + 1)) == NULL)
		return NULL;
	memcpy(v, line + s, e - s);
	v[e - s] = '\0';
	return v;
}

/* Zeroes and frees *sp, a header value that is a secret. */
static void
drop_secret(char **sp)
{
	if (*sp != NULL)
		explicit_bzero(*sp, strlen(*sp));
	free(*sp);
	*sp = NULL;
}

static size_t
on_header(char *line, size_t size, size_t n, void *vp)
{
	struct xfer *x = vp;
	struct br_response *r = x->resp;
	size_t len = size * n;
	char *v;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue): forget the last */
		free(r->request_id);
		free(r->retry_after);
		r->request_id = r->retry_after = NULL;
		drop_secret(&r->subject_token);
	} else if ((v = header_value(line, len, "X-Request-Id")) != NULL) {
		free(r->request_id);
		r->request_id = v;
	} else if ((v = header_value(line, len, "Retry-After")) != NULL) {
		free(r->retry_after);
		r->retry_after = v;
	} else if ((v = header_value(line, len, "X-Subject-Token")) !=
	    NULL) {
		drop_secret(&r->subject_token);
		r->subject_token = v;
	}
	return len;
}

static int
on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	(void)p, (void)dt, (void)dn, (void)ut, (void)un;
	return aborted();	/* non-zero aborts the transfer */
}

/*
 * Called by libcurl right before it sends the request on a connection.
 * The second call for one transfer is libcurl re-sending on its own (a
 * reused connection died: "Connection died, retrying a fresh connect"):
 * the first request may have reached the server, so it is stopped here
 * and the caller decides, counting it, whether to send again.
 */
static int
on_prereq(void *vp, char *conn_ip, char *local_ip, int conn_port,
    int local_port)
{
	struct xfer *x = vp;

	(void)conn_ip, (void)local_ip, (void)conn_port, (void)local_port;
	if (x->sends++ > 0)
		return CURL_PREREQFUNC_ABORT;
	return CURL_PREREQFUNC_OK;
}

static enum br_net
net_class(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return BR_NET_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return BR_NET_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return BR_NET_DNS;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return BR_NET_NO_ANSWER;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return BR_NET_TLS;
	default:
		return BR_NET_OTHER;
	}
}

/*
 * Why a transfer that ended with rc got no answer, knowing how often
 * libcurl was about to send it: nothing sent is CONNECT (a connect
 * timeout too), sent and then nothing is NO_ANSWER (a timeout stays
 * TIMEOUT), a re-send stopped by on_prereq is NO_ANSWER.
 */
static enum br_net
classify(CURLcode rc, int sends)
{
	enum br_net n = net_class(rc);

	if (rc == CURLE_ABORTED_BY_CALLBACK && sends > 1)
		return BR_NET_NO_ANSWER;
	if (sends == 0 && (n == BR_NET_TIMEOUT || n == BR_NET_NO_ANSWER))
		return BR_NET_CONNECT;
	if (sends > 0 && n == BR_NET_CONNECT)
		return BR_NET_NO_ANSWER;
	return n;
}

/* The options every request of the slot shares, set once. */
static int
xfer_init(struct xfer *x, const struct br_http_opts *o)
{
	CURL *c;

	if ((c = x->easy = curl_easy_init()) == NULL)
		return -1;
	if (curl_easy_setopt(c, CURLOPT_PRIVATE, x) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, "bulkrun/" BR_VERSION) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    o->connect_timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, x) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, x) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PREREQDATA, x) != CURLE_OK)
		return -1;
	if (o->cacert != NULL) {
		/* added to the system's CAs, which stay trusted by path */
		if (curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert) !=
		    CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs") !=
		    CURLE_OK)
			return -1;
	}
	if (o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return 0;
}

struct br_http *
br_http_new_n(const struct br_http_opts *opts, int n)
{
	struct br_http *h;
	int i;

	if (n < 1 || (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->opts = *opts;
	h->n = n;
	if ((h->x = calloc((size_t)n, sizeof(*h->x))) == NULL ||
	    (h->multi = curl_multi_init()) == NULL)
		goto fail;
	/* -j N means N requests at once, each on its own connection */
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)n);
	for (i = n - 1; i >= 0; i--) {
		if (xfer_init(&h->x[i], &h->opts) != 0)
			goto fail;
		h->x[i].next = h->free;
		h->free = &h->x[i];
	}
	return h;
fail:
	br_http_free(h);
	return NULL;
}

struct br_http *
br_http_new(const struct br_http_opts *opts)
{
	return br_http_new_n(opts, 1);
}

void
br_http_free(struct br_http *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; h->x != NULL && i < h->n; i++) {
		if (h->x[i].added)
			curl_multi_remove_handle(h->multi, h->x[i].easy);
		if (h->x[i].easy != NULL)
			curl_easy_cleanup(h->x[i].easy);
		free(h->x[i].hl);
		free(h->x[i].hbuf);
	}
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	free(h->x);
	free(h);
}

/*
 * The request's headers as a curl_slist made of the slot's own nodes and
 * buffer, reused from one request to the next.  "Expect:" stops the
 * 100-continue round trip, "Content-Type:" the form type curl would make
 * up for a POST.
 */
static int
set_headers(struct xfer *x, const struct br_request *req)
{
	static const char expect[] = "Expect:", ctype[] = "Content-Type:";
	size_t i, k = 0, need = sizeof(expect) + sizeof(ctype), off = 0;
	size_t nn = req->nheaders + 2, ln, lv;
	int has_ct = 0;
	void *p;

	for (i = 0; i < req->nheaders; i++)
		need += strlen(req->headers[i].name) + 2 +
		    strlen(req->headers[i].value) + 1;
	if (need > x->hbufcap) {
		if ((p = realloc(x->hbuf, need)) == NULL)
			return -1;
		x->hbuf = p;
		x->hbufcap = need;
	}
	if (nn > x->hlcap) {
		if ((p = reallocarray(x->hl, nn, sizeof(*x->hl))) == NULL)
			return -1;
		x->hl = p;
		x->hlcap = nn;
	}
	for (i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, "Content-Type") == 0)
			has_ct = 1;
		ln = strlen(req->headers[i].name);
		lv = strlen(req->headers[i].value);
		x->hl[k++].data = x->hbuf + off;
		memcpy(x->hbuf + off, req->headers[i].name, ln);
		memcpy(x->hbuf + off + ln, ": ", 2);
		memcpy(x->hbuf + off + ln + 2, req->headers[i].value, lv + 1);
		off += ln + 2 + lv + 1;
	}
	x->hl[k++].data = memcpy(x->hbuf + off, expect, sizeof(expect));
	off += sizeof(expect);
	if (!has_ct)
		x->hl[k++].data = memcpy(x->hbuf + off, ctype, sizeof(ctype));
	for (i = 0; i < k; i++)
		x->hl[i].next = i + 1 < k ? &x->hl[i + 1] : NULL;
	return 0;
}

/* Per request: only the URL, method, body and headers change. */
static int
set_request(struct xfer *x, const struct br_request *req)
{
	CURL *c = x->easy;
	int body;

	if (set_headers(x, req) != 0)
		return -1;
	body = req->body != NULL || strcmp(req->method, "POST") == 0 ||
	    strcmp(req->method, "PUT") == 0 ||
	    strcmp(req->method, "PATCH") == 0;
	if (curl_easy_setopt(c, CURLOPT_URL, req->url) != CURLE_OK)
		return -1;
	if (body) {
		/* send Content-Length: 0 rather than no length at all */
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		    req->body != NULL ? req->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body != NULL ? req->bodylen : 0));
	} else {
		if (x->had_body)	/* no pointer left to the last body */
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	x->had_body = body;
	if (curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method) !=
	    CURLE_OK)
		return -1;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hl);
	return 0;
}

int
br_http_start(struct br_http *h, const struct br_request *req,
    struct br_response *resp, void *user)
{
	struct xfer *x;

	if ((x = h->free) == NULL)
		return -1;
	h->free = x->next;
	x->next = NULL;
	x->resp = resp;
	x->user = user;
	x->cap = 0;
	x->oom = 0;
	x->sends = 0;
	x->errbuf[0] = '\0';
	if (set_request(x, req) != 0 ||
	    curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		x->oom = 1;
		resp->net = BR_NET_OTHER;
		resp->status = 0;
		snprintf(resp->net_msg, sizeof(resp->net_msg),
		    "out of memory");
		br_fifo_push(&h->done, &x->link);
		return 0;
	}
	x->added = 1;
	h->running++;
	h->kick = 1;
	return 0;
}

/* A transfer ended with rc: its answer, or why there is none (why: the
 * reason when it is not the transfer's own). */
static void
finish(struct br_http *h, struct xfer *x, CURLcode rc, const char *why)
{
	struct br_response *r = x->resp;
	long status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(h->multi, x->easy);	/* conn kept */
	x->added = 0;
	h->running--;
	r->status = status;
	r->sent = x->sends > 0;
	if (rc == CURLE_WRITE_ERROR && r->truncated && status > 0)
		rc = CURLE_OK;		/* we stopped reading at the cap */
	if (rc != CURLE_OK) {
		r->net = classify(rc, x->sends);
		r->status = 0;
		if (rc == CURLE_ABORTED_BY_CALLBACK && aborted())
			snprintf(r->net_msg, sizeof(r->net_msg), "abandoned");
		else if (rc == CURLE_ABORTED_BY_CALLBACK && x->sends > 1)
			snprintf(r->net_msg, sizeof(r->net_msg), "the "
			    "connection closed after the request was sent, "
			    "with no answer");
		else if (why != NULL)
			snprintf(r->net_msg, sizeof(r->net_msg), "%s", why);
		else
			snprintf(r->net_msg, sizeof(r->net_msg), "%s",
			    x->errbuf[0] ? x->errbuf :
			    curl_easy_strerror(rc));
	}
	br_fifo_push(&h->done, &x->link);
}

static void
read_messages(struct br_http *h)
{
	struct xfer *x;
	CURLMsg *m;
	CURLcode rc;
	char *priv;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		rc = m->data.result;	/* m goes with the handle */
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		x = (struct xfer *)(void *)priv;
		if (x != NULL && x->added)
			finish(h, x, rc, NULL);
	}
}

/* Ends every transfer in flight: after a second signal, or when the
 * multi handle itself fails (rather than wait for ever). */
static void
end_all(struct br_http *h, CURLcode rc, const char *why)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (h->x[i].added)
			finish(h, &h->x[i], rc, why);
}

static void
perform(struct br_http *h)
{
	CURLMcode mc;
	int still;

	h->kick = 0;
	if ((mc = curl_multi_perform(h->multi, &still)) != CURLM_OK) {
		read_messages(h);
		end_all(h, CURLE_OUT_OF_MEMORY, curl_multi_strerror(mc));
		return;
	}
	read_messages(h);
}

void
br_http_wait(struct br_http *h, long timeout_ms)
{
	CURLMcode mc;

	if (h->done.head != NULL)
		return;
	if (aborted()) {
		end_all(h, CURLE_ABORTED_BY_CALLBACK, NULL);
		return;
	}
	if (h->kick) {		/* begin what was just added */
		perform(h);
		if (h->done.head != NULL)
			return;
	}
	if (h->running > 0 && (timeout_ms < 0 || timeout_ms > ABORT_CHECK_MS))
		timeout_ms = ABORT_CHECK_MS;
	else if (timeout_ms < 0 || timeout_ms > IDLE_WAIT_MS)
		timeout_ms = IDLE_WAIT_MS;
	mc = curl_multi_poll(h->multi, NULL, 0, (int)timeout_ms, NULL);
	if (aborted())
		end_all(h, CURLE_ABORTED_BY_CALLBACK, NULL);
	else if (mc != CURLM_OK)
		end_all(h, CURLE_OUT_OF_MEMORY, curl_multi_strerror(mc));
	else if (h->running > 0)
		perform(h);
}

static struct xfer *
pop_done(struct br_http *h)
{
	struct xfer *x = (struct xfer *)(void *)br_fifo_pop(&h->done);

	if (x == NULL)
		return NULL;
	x->resp = NULL;
	x->next = h->free;
	h->free = x;
	return x;
}

void *
br_http_done(struct br_http *h)
{
	struct xfer *x = pop_done(h);

	return x != NULL ? x->user : NULL;
}

void
br_http_wake(struct br_http *h)
{
	curl_multi_wakeup(h->multi);
}

int
br_http_send(struct br_http *h, const struct br_request *req,
    struct br_response *resp)
{
	struct xfer *x;

	if (h->running > 0 || h->done.head != NULL ||
	    br_http_start(h, req, resp, NULL) != 0)
		return -1;
	while (h->done.head == NULL)
		br_http_wait(h, -1);
	x = pop_done(h);
	return x->oom ? -1 : 0;
}
