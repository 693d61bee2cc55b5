/*
 * utf8.c - checking UTF-8; see utf8.h.
 */
#include <string.h>

#include "utf8.h"

size_t
br_utf8_seq(const char *s, size_t n, unsigned int *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	c = u[0];
	if (c < 0x80) {
		if (cp != NULL)
			*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = c;
	return len;
}

long
br_utf8_count(const char *s, size_t n)
{
	size_t i, len;
	long count = 0;

	for (i = 0; i < n; i += len, count++)
		if ((len = br_utf8_seq(s + i, n - i, NULL)) == 0)
			return -1;
	return count;
}

size_t
br_utf8_put(char out[4], unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* ---- over a stream ---- */

void
br_utf8_scan_init(struct br_utf8_scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->line = 1;
	sc->col = 1;
}

/* The length of a sequence that starts with c; 0 when none does. */
static size_t
lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Takes in the well-formed character s[0..n). */
static void
scan_take(struct br_utf8_scan *sc, const unsigned char *s, size_t n)
{
	size_t i;

	if (s[0] == '\n' || s[0] == '\r') {
		if (s[0] == '\r' || !sc->_prev_cr)
			sc->line++;
		sc->_prev_cr = s[0] == '\r';
		sc->col = 1;
		sc->_nline = 0;
		return;
	}
	sc->_prev_cr = 0;
	sc->col++;
	if (n > 1 && sc->nonascii_line == 0) {
		sc->nonascii_line = sc->line;
		memcpy(sc->nonascii, s, n);
		sc->nonascii[n] = '\0';
	}
	for (i = 0; i < n; i++)
		sc->_ring[sc->_nline++ & (BR_UTF8_CTX - 1)] = s[i];
}

/* Takes in the ASCII that starts u[0..n) up to a line break or a byte
 * above 0x7F (the bulk of a manifest, so a byte at a time is too slow);
 * returns its length. */
static size_t
scan_ascii(struct br_utf8_scan *sc, const unsigned char *u, size_t n)
{
	size_t k, m, i;

	for (k = 0; k < n && u[k] < 0x80 && u[k] != '\n' && u[k] != '\r'; k++)
		;
	m = k < BR_UTF8_CTX ? k : BR_UTF8_CTX;	/* the last m bytes */
	for (i = k - m; i < k; i++)
		sc->_ring[(sc->_nline + i) & (BR_UTF8_CTX - 1)] = u[i];
	sc->_nline += k;
	sc->col += (long)k;
	sc->_prev_cr = 0;
	return k;
}

/* Completes the sequence cut by the last piece from u[0..n); returns the
 * bytes used, or (size_t)-1 when it is not UTF-8. */
static size_t
scan_pending(struct br_utf8_scan *sc, const unsigned char *u, size_t n)
{
	size_t len = lead_len(sc->_pend[0]), k = len - sc->_npend;

	if (k > n)
		k = n;
	memcpy(sc->_pend + sc->_npend, u, k);
	sc->_npend += k;
	if (sc->_npend < len)
		return k;
	sc->_npend = 0;
	if (br_utf8_seq((const char *)sc->_pend, len, NULL) != len) {
		sc->bad = sc->_pend[0];
		return (size_t)-1;
	}
	scan_take(sc, sc->_pend, len);
	return k;
}

int
br_utf8_scan_feed(struct br_utf8_scan *sc, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	if (sc->_npend > 0 && (i = scan_pending(sc, u, n)) == (size_t)-1)
		return -1;
	while (i < n) {
		if (u[i] == '\n' || u[i] == '\r') {
			scan_take(sc, u + i++, 1);
			continue;
		}
		if (u[i] < 0x80) {
			i += scan_ascii(sc, u + i, n - i);
			continue;
		}
		if ((len = lead_len(u[i])) == 0)
			break;
		if (len > n - i) {		/* cut: the next piece has
						   the rest */
			memcpy(sc->_pend, u + i, n - i);
			sc->_npend = n - i;
			return 0;
		}
		if (br_utf8_seq(s + i, len, NULL) != len)
			break;
		scan_take(sc, u + i, len);
		i += len;
	}
	if (i == n)
		return 0;
	sc->bad = u[i];
	return -1;
}

int
br_utf8_scan_end(struct br_utf8_scan *sc)
{
	if (sc->_npend == 0)
		return 0;
	sc->bad = sc->_pend[0];
	return -1;
}

char *
br_utf8_scan_before(const struct br_utf8_scan *sc, char *out, size_t max)
{
	size_t k, i, start;

	if (max == 0)
		return out;
	k = sc->_nline < BR_UTF8_CTX ? sc->_nline : BR_UTF8_CTX;
	if (k > max - 1)
		k = max - 1;
	start = sc->_nline - k;
	/* from the start of a character */
	while (k > 0 &&
	    (sc->_ring[start & (BR_UTF8_CTX - 1)] & 0xc0) == 0x80) {
		start++;
		k--;
	}
	for (i = 0; i < k; i++)
		out[i] = (char)sc->_ring[(start + i) & (BR_UTF8_CTX - 1)];
	out[k] = '\0';
	return out;
}
