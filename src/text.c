/*
 * text.c - small text helpers; see text.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* Length of the blank at s[i] (ASCII blank, or UTF-8 NO-BREAK SPACE as
 * spreadsheets write it), 0 when none. */
static size_t
blank_at(const char *s, size_t len, size_t i)
{
	if (i < len && is_blank((unsigned char)s[i]))
		return 1;
	if (i + 1 < len && (unsigned char)s[i] == 0xc2 &&
	    (unsigned char)s[i + 1] == 0xa0)
		return 2;
	return 0;
}

/* Blank at the end of s[0..len), 0 when none. */
static size_t
blank_before(const char *s, size_t len)
{
	if (len >= 1 && is_blank((unsigned char)s[len - 1]))
		return 1;
	if (len >= 2 && (unsigned char)s[len - 2] == 0xc2 &&
	    (unsigned char)s[len - 1] == 0xa0)
		return 2;
	return 0;
}

/* Trims blanks around s[0..*len): returns the start, shortens *len. */
const char *
br_text_trim(const char *s, size_t *len)
{
	size_t n, b = 0, e = *len;

	while ((n = blank_at(s, e, b)) > 0)
		b += n;
	while (e > b && (n = blank_before(s + b, e - b)) > 0)
		e -= n;
	*len = e - b;
	return s + b;
}

const char *
br_text_trim_sp(const char *s, size_t *len)
{
	size_t b = 0, e = *len;

	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	*len = e - b;
	return s + b;
}

static const struct space {
	const char	*utf8;
	const char	*name;
} spaces[] = {
	{ " ",		"a space (U+0020)" },
	{ "\t",		"a tab (U+0009)" },
	{ "\n",		"a line break (U+000A)" },
	{ "\r",		"a carriage return (U+000D)" },
	{ "\xc2\xa0",	"a no-break space (U+00A0)" },
	{ "\xe2\x80\x87", "a figure space (U+2007)" },
	{ "\xe2\x80\x89", "a thin space (U+2009)" },
	{ "\xe2\x80\x8b", "a zero-width space (U+200B)" },
	{ "\xe2\x80\xaf", "a narrow no-break space (U+202F)" },
	{ "\xe3\x80\x80", "an ideographic space (U+3000)" },
	{ "\xef\xbb\xbf", "a zero-width no-break space (U+FEFF)" },
};

size_t
br_text_space(const char *s, size_t len, int at_end, const char **name)
{
	size_t i, n;

	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		n = strlen(spaces[i].utf8);
		if (n > len || memcmp(at_end ? s + len - n : s,
		    spaces[i].utf8, n) != 0)
			continue;
		if (name != NULL)
			*name = spaces[i].name;
		return n;
	}
	return 0;
}

const char *
br_text_trim_space(const char *s, size_t *len)
{
	size_t n;

	while ((n = br_text_space(s, *len, 0, NULL)) > 0) {
		s += n;
		*len -= n;
	}
	while ((n = br_text_space(s, *len, 1, NULL)) > 0)
		*len -= n;
	return s;
}

int
br_text_blank(const char *s, size_t len)
{
	(void)br_text_trim(s, &len);
	return len == 0;
}

char *
br_text_ndup(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
br_text_free_all(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
}

int
br_text_namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int
br_text_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int
br_text_eqi(const char *a, const char *b)
{
	for (; *a != '\0' && br_text_lower((unsigned char)*a) ==
	    br_text_lower((unsigned char)*b); a++, b++)
		;
	return *a == '\0' && *b == '\0';
}

/*
 * Quotes s[0..len) for a message: at most BR_QUOTE_MAX bytes, control bytes
 * and bytes of invalid UTF-8 as \xNN, "..." when cut.
 */
void
br_text_quote(char *buf, size_t bufsz, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, n, lim = len < BR_QUOTE_MAX ? len : BR_QUOTE_MAX;

	if (bufsz == 0)
		return;
	while (i < lim && o + 8 < bufsz) {
		n = br_utf8_seq(s + i, len - i, NULL);
		if (n == 1 && u[i] >= 0x20 && u[i] != 0x7f) {
			buf[o++] = (char)u[i++];
		} else if (n > 1 && i + n <= lim && o + n + 4 < bufsz) {
			memcpy(buf + o, u + i, n);
			o += n;
			i += n;
		} else if (n > 1 && i + n > lim) {
			break;
		} else {
			snprintf(buf + o, bufsz - o, "\\x%02X", u[i]);
			o += 4;
			i++;
		}
	}
	if (i < len && o + 4 <= bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

void
br_text_quotez(char *buf, size_t bufsz, const char *s)
{
	br_text_quote(buf, bufsz, s, strlen(s));
}

/* Parses an optionally signed decimal integer: 0, -1 (not one), -2
 * (beyond 64 bits). */
int
br_text_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;

	if (len > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = (s[0] == '-');
		i = 1;
	}
	if (i == len)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10) {
			/* keep checking the syntax */
			for (i++; i < len; i++)
				if (s[i] < '0' || s[i] > '9')
					return -1;
			return -2;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

int
br_text_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
br_text_hex(char *dst, const unsigned char *s, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = digits[s[i] >> 4];
		dst[2 * i + 1] = digits[s[i] & 0x0f];
	}
	dst[2 * n] = '\0';
}

size_t
br_text_pct_decode(char *dst, const char *src, size_t n, int plus_space)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (src[i] == '%' && i + 2 < n &&
		    (hi = br_text_hexval((unsigned char)src[i + 1])) >= 0 &&
		    (lo = br_text_hexval((unsigned char)src[i + 2])) >= 0) {
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
