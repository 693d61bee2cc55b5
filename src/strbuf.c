/*
 * strbuf.c - a growing, NUL-terminated byte buffer with a sticky oom flag.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define FIRST_CAP	256

/* Makes room for n more bytes and the NUL; 0 or -1 (oom set). */
static int
grow(struct br_strbuf *sb, size_t n)
{
	size_t need, ncap;
	char *np;

	if (sb->oom)
		return -1;
	if (n >= BR_STRBUF_MAX || sb->len + n >= BR_STRBUF_MAX) {
		sb->oom = 1;
		return -1;
	}
	need = sb->len + n + 1;
	if (need <= sb->cap)
		return 0;
	ncap = sb->cap != 0 ? sb->cap : FIRST_CAP;
	while (ncap < need)
		ncap *= 2;
	if (ncap > BR_STRBUF_MAX)
		ncap = BR_STRBUF_MAX;
	if ((np = realloc(sb->p, ncap)) == NULL) {
		sb->oom = 1;
		return -1;
	}
	sb->p = np;
	sb->cap = ncap;
	return 0;
}

void
br_strbuf_add(struct br_strbuf *sb, const void *s, size_t n)
{
	if (grow(sb, n) != 0)
		return;
	if (n > 0)
		memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

int
br_strbuf_try_add(struct br_strbuf *sb, const void *s, size_t n)
{
	if (sb->oom)
		return -1;
	br_strbuf_add(sb, s, n);
	if (sb->oom) {
		sb->oom = 0;
		return -1;
	}
	return 0;
}

void
br_strbuf_addstr(struct br_strbuf *sb, const char *s)
{
	br_strbuf_add(sb, s, strlen(s));
}

void
br_strbuf_addc(struct br_strbuf *sb, int c)
{
	char ch = (char)c;

	br_strbuf_add(sb, &ch, 1);
}

void
br_strbuf_addf(struct br_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (grow(sb, 0) != 0)
		return;
	room = sb->cap - sb->len;
	va_start(ap, fmt);
	n = vsnprintf(sb->p + sb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->p[sb->len] = '\0';
		sb->oom = 1;
		return;
	}
	if ((size_t)n >= room) {
		if (grow(sb, (size_t)n) != 0) {
			sb->p[sb->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		n = vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->p[sb->len] = '\0';
			sb->oom = 1;
			return;
		}
	}
	sb->len += (size_t)n;
}

void
br_strbuf_addpct(struct br_strbuf *sb, const char *s, size_t n,
    int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char e[3];
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (keep_slash && c == '/')) {
			br_strbuf_addc(sb, c);
		} else {
			e[0] = '%';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			br_strbuf_add(sb, e, 3);
		}
	}
}

void
br_strbuf_setlen(struct br_strbuf *sb, size_t len)
{
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	if (sb->p != NULL)
		sb->p[len] = '\0';
}

void
br_strbuf_reset(struct br_strbuf *sb)
{
	sb->len = 0;
	if (sb->p != NULL)
		sb->p[0] = '\0';
}

char *
br_strbuf_detach(struct br_strbuf *sb)
{
	char *p = sb->p;

	if (sb->oom) {
		free(p);
		p = NULL;
	}
	memset(sb, 0, sizeof(*sb));
	return p;
}

char *
br_strbuf_take(struct br_strbuf *sb, size_t *lenp)
{
	size_t len;
	char *p;

	br_strbuf_add(sb, "", 0);
	len = sb->len;
	if ((p = br_strbuf_detach(sb)) == NULL)
		len = 0;
	if (lenp != NULL)
		*lenp = len;
	return p;
}

void
br_strbuf_release(struct br_strbuf *sb)
{
	free(sb->p);
	memset(sb, 0, sizeof(*sb));
}
