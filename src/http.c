#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "http.h"
#include "version.h"

volatile sig_atomic_t br_http_abort;

struct br_http {
	CURL			*curl;
	struct br_http_opts	 opts;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct sink {
	struct br_response	*resp;
	size_t			 cap;	/* allocated */
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

struct br_http *
br_http_new(const struct br_http_opts *opts)
{
	struct br_http *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->curl = curl_easy_init()) == NULL) {
		free(h);
		return NULL;
	}
	h->opts = *opts;
	return h;
}

void
br_http_free(struct br_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

static size_t
on_body(char *ptr, size_t size, size_t n, void *vp)
{
	struct sink *s = vp;
	struct br_response *r = s->resp;
	size_t len = size * n, want;
	char *nb;

	if (r->len + len > BR_HTTP_BODY_CAP) {
		r->truncated = 1;
		len = BR_HTTP_BODY_CAP - r->len;
	}
	if (r->len + len + 1 > s->cap) {
		want = s->cap ? s->cap : 1024;
		while (want < r->len + len + 1)
			want *= 2;
		if (want > BR_HTTP_BODY_CAP + 1)
			want = BR_HTTP_BODY_CAP + 1;
		if ((nb = realloc(r->body, want)) == NULL)
			return 0;		/* aborts the transfer */
		r->body = nb;
		s->cap = want;
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

static size_t
on_header(char *line, size_t size, size_t n, void *vp)
{
	struct br_response *r = vp;
	size_t len = size * n;
	char *v;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue): forget the last */
		free(r->request_id);
		free(r->retry_after);
		r->request_id = r->retry_after = NULL;
	} else if ((v = header_value(line, len, "X-Request-Id")) != NULL) {
		free(r->request_id);
		r->request_id = v;
	} else if ((v = header_value(line, len, "Retry-After")) != NULL) {
		free(r->retry_after);
		r->retry_after = v;
	}
	return len;
}

static int
on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	(void)p, (void)dt, (void)dn, (void)ut, (void)un;
	return br_http_abort ? 1 : 0;	/* non-zero aborts the transfer */
}

static enum br_net
classify(CURLcode rc)
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
		return BR_NET_RESET;
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

const char *
br_net_code(enum br_net n)
{
	switch (n) {
	case BR_NET_OK:		return "";
	case BR_NET_CONNECT:	return "NET.CONNECT";
	case BR_NET_TIMEOUT:	return "NET.TIMEOUT";
	case BR_NET_RESET:	return "NET.RESET";
	case BR_NET_DNS:	return "NET.DNS";
	case BR_NET_TLS:	return "NET.TLS";
	default:		return "NET.OTHER";
	}
}

int
br_http_send(struct br_http *h, const struct br_request *req,
    struct br_response *resp)
{
	struct curl_slist *hl = NULL, *t;
	struct sink sink = { resp, 0 };
	char line[8192];
	CURL *c = h->curl;
	CURLcode rc;
	size_t i;
	int has_ct = 0;

	for (i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, "Content-Type") == 0)
			has_ct = 1;
		snprintf(line, sizeof(line), "%s: %s", req->headers[i].name,
		    req->headers[i].value);
		if ((t = curl_slist_append(hl, line)) == NULL)
			goto nomem;
		hl = t;
	}
	/* no 100-continue round trip; no form content type curl makes up */
	if ((t = curl_slist_append(hl, "Expect:")) == NULL)
		goto nomem;
	hl = t;
	if (!has_ct) {
		if ((t = curl_slist_append(hl, "Content-Type:")) == NULL)
			goto nomem;
		hl = t;
	}

	curl_easy_reset(c);	/* keeps the connection cache */
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body != NULL || strcmp(req->method, "POST") == 0 ||
	    strcmp(req->method, "PUT") == 0 ||
	    strcmp(req->method, "PATCH") == 0) {
		/* send Content-Length: 0 rather than no length at all */
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		    req->body != NULL ? req->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body != NULL ? req->bodylen : 0));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "bulkrun/" BR_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    h->opts.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	if (h->opts.cacert != NULL) {
		/* added to the system's CAs, which stay trusted by path */
		curl_easy_setopt(c, CURLOPT_CAINFO, h->opts.cacert);
		curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	if (h->opts.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	h->errbuf[0] = '\0';

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hl);
	if (rc == CURLE_WRITE_ERROR && resp->truncated && resp->status > 0)
		rc = CURLE_OK;		/* we stopped reading at the cap */
	if (rc != CURLE_OK) {
		resp->net = classify(rc);
		resp->status = 0;
		snprintf(resp->net_msg, sizeof(resp->net_msg), "%s",
		    h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
	}
	return 0;
nomem:
	curl_slist_free_all(hl);
	return -1;
}

void
br_response_release(struct br_response *r)
{
	free(r->body);
	free(r->request_id);
	free(r->retry_after);
	memset(r, 0, sizeof(*r));
}
