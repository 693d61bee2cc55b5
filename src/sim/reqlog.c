/*
 * reqlog.c - the JSON Lines request log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "jsontext.h"
#include "reqlog.h"
#include "strbuf.h"
#include "utf8.h"

int
sim_log_open(struct sim_log *l, const char *path, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	if (pthread_mutex_init(&l->mu, NULL) != 0) {
		snprintf(err, errlen, "cannot create a mutex");
		return -1;
	}
	if (path == NULL)
		return 0;
	if (strcmp(path, "-") == 0) {
		l->fp = stderr;
		return 0;
	}
	if ((l->fp = fopen(path, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		pthread_mutex_destroy(&l->mu);
		return -1;
	}
	l->own = 1;
	return 0;
}

/* Headers by name as first received; repeated names joined with ", ". */
static void
add_headers(struct br_strbuf *b, const struct sim_hdr *h, size_t n)
{
	struct br_strbuf v = BR_STRBUF_INIT;
	size_t i, j;
	int first = 1, more;

	br_strbuf_add(b, "{", 1);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcasecmp(h[j].name, h[i].name) == 0)
				break;
		}
		if (j < i)
			continue;	/* written with its first occurrence */
		if (!first)
			br_strbuf_add(b, ",", 1);
		first = 0;
		br_jsontext_add_string(b, h[i].name, strlen(h[i].name));
		br_strbuf_add(b, ":", 1);
		for (more = 0, j = i + 1; j < n; j++) {
			if (strcasecmp(h[j].name, h[i].name) == 0)
				more = 1;
		}
		if (!more) {
			br_jsontext_add_string(b, h[i].value, strlen(h[i].value));
			continue;
		}
		for (j = i; j < n; j++) {
			if (strcasecmp(h[j].name, h[i].name) != 0)
				continue;
			if (v.len > 0)
				br_strbuf_add(&v, ", ", 2);
			br_strbuf_addstr(&v, h[j].value);
		}
		br_jsontext_add_string(b, v.p != NULL ? v.p : "", v.len);
		if (v.oom)
			b->oom = 1;
		br_strbuf_release(&v);
	}
	br_strbuf_add(b, "}", 1);
}

static void
add_base64(struct br_strbuf *b, const char *s, size_t n)
{
	unsigned char *out;
	size_t cap = 4 * ((n + 2) / 3) + 1;
	int k;

	if ((out = malloc(cap)) == NULL) {
		b->oom = 1;
		return;
	}
	k = EVP_EncodeBlock(out, (const unsigned char *)s, (int)n);
	br_strbuf_add(b, "\"", 1);
	if (k > 0)
		br_strbuf_add(b, out, (size_t)k);
	br_strbuf_add(b, "\"", 1);
	free(out);
}

void
sim_log_write(struct sim_log *l, const struct sim_logrec *r)
{
	struct br_strbuf b = BR_STRBUF_INIT;
	const char *body = r->req.body != NULL ? r->req.body : "";
	int bad = 0;

	if (l->fp == NULL)
		return;
	br_strbuf_addf(&b, "{\"seq\":%llu,\"time_ms\":%.3f,\"method\":", r->seq,
	    r->time_ms);
	br_jsontext_add_string(&b, r->req.method, strlen(r->req.method));
	br_strbuf_addstr(&b, ",\"path\":");
	br_jsontext_add_string(&b, r->req.path, r->req.pathlen);
	br_strbuf_addstr(&b, ",\"query\":");
	br_jsontext_add_string(&b, r->req.query, r->req.querylen);
	br_strbuf_addstr(&b, ",\"headers\":");
	add_headers(&b, r->req.hdrs, r->req.nhdrs);
	br_strbuf_addstr(&b, ",\"body\":");
	br_jsontext_add_string(&b, body, r->req.len);
	/* the exact bytes when "body" could not hold them */
	if (memchr(body, '\0', r->req.len) != NULL ||
	    br_utf8_count(body, r->req.len) < 0) {
		br_strbuf_addstr(&b, ",\"body_base64\":");
		add_base64(&b, body, r->req.len);
	}
	br_strbuf_addf(&b, ",\"status\":%d,\"request_id\":", r->status);
	br_jsontext_add_string(&b, r->request_id, strlen(r->request_id));
	br_strbuf_addstr(&b, ",\"op\":");
	if (r->op != NULL)
		br_jsontext_add_string(&b, r->op, strlen(r->op));
	else
		br_strbuf_addstr(&b, "null");
	if (r->subject_token != NULL) {
		br_strbuf_addstr(&b, ",\"subject_token\":");
		br_jsontext_add_string(&b, r->subject_token,
		    strlen(r->subject_token));
	}
	if (r->state != NULL)
		br_strbuf_addf(&b, ",\"state\":\"%s\"", r->state);
	if (r->restart_ms >= 0)
		br_strbuf_addf(&b, ",\"restart_ms\":%ld", r->restart_ms);
	br_strbuf_addstr(&b, "}\n");

	pthread_mutex_lock(&l->mu);
	if (b.oom)
		bad = fputs("{\"error\":\"out of memory\"}\n", l->fp) == EOF;
	else
		bad = fwrite(b.p, 1, b.len, l->fp) != b.len;
	if (fflush(l->fp) == EOF)
		bad = 1;
	if (bad && !l->failed) {
		l->failed = 1;
		fprintf(stderr, "bulkrun-sim: cannot write the request log\n");
	}
	pthread_mutex_unlock(&l->mu);
	br_strbuf_release(&b);
}

int
sim_log_close(struct sim_log *l)
{
	int rc = l->failed ? -1 : 0;

	if (l->fp != NULL) {
		if (fflush(l->fp) == EOF || ferror(l->fp))
			rc = -1;
		if (l->own && fclose(l->fp) == EOF)
			rc = -1;
	}
	pthread_mutex_destroy(&l->mu);
	memset(l, 0, sizeof(*l));
	return rc;
}
