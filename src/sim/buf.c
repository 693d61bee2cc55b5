/*
 * buf.c - growable byte buffer and text helpers of bulkrun-sim.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BUF_MAX		((size_t)1 << 30)	/* no buffer grows past 1 GiB */

void
sim_buf_init(struct sim_buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
}

void
sim_buf_release(struct sim_buf *b)
{
	free(b->p);
	sim_buf_init(b);
}

static int
grow(struct sim_buf *b, size_t more)
{
	size_t want, cap;
	char *np;

	if (b->oom)
		return -1;
	if (more > BUF_MAX || b->len > BUF_MAX - more - 1) {
		b->oom = 1;
		return -1;
	}
	want = b->len + more + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < want)
		cap *= 2;
	if ((np = realloc(b->p, cap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

int
sim_buf_add(struct sim_buf *b, const void *s, size_t n)
{
	if (grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
sim_buf_adds(struct sim_buf *b, const char *s)
{
	return sim_buf_add(b, s, strlen(s));
}

int
sim_buf_addf(struct sim_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) == -1) {
		b->oom = 1;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int
sim_buf_addjson(struct sim_buf *b, const void *vs, size_t n)
{
	const unsigned char *s = vs;
	size_t i, run, k;
	char esc[8];

	sim_buf_add(b, "\"", 1);
	for (i = 0; i < n; ) {
		for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x80 &&
		    s[run] != '"' && s[run] != '\\'; run++)
			;
		sim_buf_add(b, s + i, run - i);
		if ((i = run) >= n)
			break;
		switch (s[i]) {
		case '"':
			sim_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			sim_buf_add(b, "\\\\", 2);
			break;
		case '\n':
			sim_buf_add(b, "\\n", 2);
			break;
		case '\r':
			sim_buf_add(b, "\\r", 2);
			break;
		case '\t':
			sim_buf_add(b, "\\t", 2);
			break;
		default:
			if (s[i] < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
				sim_buf_add(b, esc, 6);
				break;
			}
			if ((k = utf8_seq(s + i, n - i)) == 0) {
				sim_buf_add(b, "\\ufffd", 6);
				k = 1;
			} else
				sim_buf_add(b, s + i, k);
			i += k;
			continue;
		}
		i++;
	}
	sim_buf_add(b, "\"", 1);
	return b->oom ? -1 : 0;
}

int
sim_buf_failed(const struct sim_buf *b)
{
	return b->oom;
}

char *
sim_buf_take(struct sim_buf *b, size_t *lenp)
{
	char *p;

	if (b->oom) {
		sim_buf_release(b);
		return NULL;
	}
	if (b->p == NULL && sim_buf_add(b, "", 0) == -1)
		return NULL;
	p = b->p;
	if (lenp != NULL)
		*lenp = b->len;
	sim_buf_init(b);
	return p;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
sim_pct_decode(char *dst, const char *src, size_t n, int plus_space)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (src[i] == '%' && i + 2 < n &&
		    (hi = hexval((unsigned char)src[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)src[i + 2])) >= 0) {
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus_space && src[i] == '+')
			dst[o++] = ' ';
		else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
	return o;
}

void
sim_hex(char *dst, const unsigned char *s, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = digits[s[i] >> 4];
		dst[2 * i + 1] = digits[s[i] & 0x0f];
	}
	dst[2 * n] = '\0';
}

int
sim_utf8_clean(const void *vs, size_t n)
{
	const unsigned char *s = vs;
	size_t i, k;

	for (i = 0; i < n; i += k) {
		if (s[i] == '\0' || (k = utf8_seq(s + i, n - i)) == 0)
			return 0;
	}
	return 1;
}

uint64_t
sim_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}
