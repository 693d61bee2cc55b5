/*
 * httpreq.c - a plain HTTP request: its headers (credentials marked
 * secret, masked wherever printed), printing for --dry-run, release.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdrname.h"
#include "err.h"
#include "httpreq.h"

int
br_request_add_header(struct br_request *req, const char *name,
    const char *value, int secret)
{
	struct br_header *nh, *h;

	if (name == NULL || value == NULL || strpbrk(name, "\r\n:") != NULL ||
	    name[0] == '\0' || strpbrk(value, "\r\n") != NULL)
		return BR_EINPUT;
	if (req->nheaders >= SIZE_MAX / sizeof(*nh) - 1)
		return BR_ENOMEM;
	nh = realloc(req->headers, (req->nheaders + 1) * sizeof(*nh));
	if (nh == NULL)
		return BR_ENOMEM;
	req->headers = nh;
	h = &nh[req->nheaders];
	h->name = strdup(name);
	h->value = strdup(value);
	if (h->name == NULL || h->value == NULL) {
		free(h->name);
		free(h->value);
		return BR_ENOMEM;
	}
	h->secret = secret || br_hdr_is_sensitive(name);
	req->nheaders++;
	return 0;
}

const char *
br_request_header(const struct br_request *req, const char *name)
{
	size_t i;

	for (i = 0; req != NULL && i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

void
br_request_release(struct br_request *req)
{
	size_t i;

	if (req == NULL)
		return;
	for (i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->headers);
	free(req->url);
	free(req->body);
	memset(req, 0, sizeof(*req));
}

void
br_request_print(const struct br_request *req, FILE *fp)
{
	size_t i;

	fprintf(fp, "%s %s\n", req->method, req->url != NULL ? req->url : "");
	for (i = 0; i < req->nheaders; i++)
		fprintf(fp, "%s: %s\n", req->headers[i].name,
		    req->headers[i].secret ? "***" : req->headers[i].value);
	if (req->body != NULL) {
		fwrite(req->body, 1, req->bodylen, fp);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

int
br_request_remove_header(struct br_request *req, const char *name)
{
	struct br_header *h;
	size_t i, j;
	int n = 0;

	for (i = j = 0; i < req->nheaders; i++) {
		h = &req->headers[i];
		if (strcasecmp(h->name, name) != 0) {
			req->headers[j++] = *h;
			continue;
		}
		if (h->secret) {
			volatile char *v = h->value;

			while (*v != '\0')
				*v++ = '\0';
		}
		free(h->name);
		free(h->value);
		n++;
	}
	req->nheaders = j;
	return n;
}
