/*
 * reqlog.c - the JSON Lines request log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "buf.h"
#include "reqlog.h"

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
add_headers(struct sim_buf *b, const struct sim_hdr *h, size_t n)
{
	struct sim_buf v;
	size_t i, j;
	int first = 1, more;

	sim_buf_add(b, "{", 1);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcasecmp(h[j].name, h[i].name) == 0)
				break;
		}
		if (j < i)
			continue;	/* written with its first occurrence */
		if (!first)
			sim_buf_add(b, ",", 1);
		first = 0;
		sim_buf_addjson(b, h[i].name, strlen(h[i].name));
		sim_buf_add(b, ":", 1);
		for (more = 0, j = i + 1; j < n; j++) {
			if (strcasecmp(h[j].name, h[i].name) == 0)
				more = 1;
		}
		if (!more) {
			sim_buf_addjson(b, h[i].value, strlen(h[i].value));
			continue;
		}
		sim_buf_init(&v);
		for (j = i; j < n; j++) {
			if (strcasecmp(h[j].name, h[i].name) != 0)
				continue;
			if (v.len > 0)
				sim_buf_add(&v, ", ", 2);
			sim_buf_adds(&v, h[j].value);
		}
		sim_buf_addjson(b, v.p != NULL ? v.p : "", v.len);
		if (sim_buf_failed(&v))
			b->oom = 1;
		sim_buf_release(&v);
	}
	sim_buf_add(b, "}", 1);
}

static void
add_base64(struct sim_buf *b, const char *s, size_t n)
{
	unsigned char *out;
	size_t cap = 4 * ((n + 2) / 3) + 1;
	int k;

	if ((out = malloc(cap)) == NULL) {
		b->oom = 1;
		return;
	}
	k = EVP_EncodeBlock(out, (const unsigned char *)s, (int)n);
	sim_buf_add(b, "\"", 1);
	if (k > 0)
		sim_buf_add(b, out, (size_t)k);
	sim_buf_add(b, "\"", 1);
	free(out);
}

void
sim_log_write(struct sim_log *l, const struct sim_logrec *r)
{
	struct sim_buf b;
	const char *body = r->body != NULL ? r->body : "";
	int bad = 0;

	if (l->fp == NULL)
		return;
	sim_buf_init(&b);
	sim_buf_addf(&b, "{\"seq\":%llu,\"time_ms\":%.3f,\"method\":", r->seq,
	    r->time_ms);
	sim_buf_addjson(&b, r->method, strlen(r->method));
	sim_buf_adds(&b, ",\"path\":");
	sim_buf_addjson(&b, r->path, r->pathlen);
	sim_buf_adds(&b, ",\"query\":");
	sim_buf_addjson(&b, r->query, r->querylen);
	sim_buf_adds(&b, ",\"headers\":");
	add_headers(&b, r->hdrs, r->nhdrs);
	sim_buf_adds(&b, ",\"body\":");
	sim_buf_addjson(&b, body, r->len);
	/* the exact bytes when "body" could not hold them */
	if (!sim_utf8_clean(body, r->len)) {
		sim_buf_adds(&b, ",\"body_base64\":");
		add_base64(&b, body, r->len);
	}
	sim_buf_addf(&b, ",\"status\":%d,\"request_id\":", r->status);
	sim_buf_addjson(&b, r->request_id, strlen(r->request_id));
	sim_buf_adds(&b, ",\"op\":");
	if (r->op != NULL)
		sim_buf_addjson(&b, r->op, strlen(r->op));
	else
		sim_buf_adds(&b, "null");
	if (r->subject_token != NULL) {
		sim_buf_adds(&b, ",\"subject_token\":");
		sim_buf_addjson(&b, r->subject_token,
		    strlen(r->subject_token));
	}
	sim_buf_adds(&b, "}\n");

	pthread_mutex_lock(&l->mu);
	if (sim_buf_failed(&b))
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
	sim_buf_release(&b);
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
