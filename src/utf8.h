/*
 * utf8.h - checking UTF-8 byte by byte, as RFC 3629 says: no overlong
 * forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF; and the
 * same over a stream, with the line and column of the first bad byte.
 * Pure.
 */
#ifndef BR_UTF8_H
#define BR_UTF8_H

#include <stddef.h>

/*
 * Length (1 to 4) of the well-formed UTF-8 sequence that starts s[0..n),
 * or 0 when the bytes there are none (a stray continuation byte, C0, C1
 * or F5-FF, a short or overlong sequence, a surrogate, above U+10FFFF, or
 * n too small; n == 0 gives 0).  An ASCII byte, NUL included, is a
 * sequence of 1.  When cp is not NULL, *cp gets the code point of a
 * sequence (and is left alone for 0).
 */
size_t	br_utf8_seq(const char *s, size_t n, unsigned int *cp);

/* The number of code points in s[0..n), or -1 when s[0..n) is not valid
 * UTF-8 (NUL bytes are valid). */
long	br_utf8_count(const char *s, size_t n);

/* Writes the UTF-8 form of the code point cp (at most U+10FFFF) to out
 * and returns its length, 1 to 4.  A surrogate gets the three bytes that
 * br_utf8_seq refuses. */
size_t	br_utf8_put(char out[4], unsigned int cp);

/*
 * A UTF-8 check over a stream given in pieces of any size (a sequence
 * may be cut between two pieces), that knows where it is: the line (LF,
 * CRLF and a lone CR each end one, as the manifest reader counts them)
 * and the column, in characters, of the next byte.  Zero-initialise it
 * with br_utf8_scan_init.  Pure: no allocation.
 */
#define BR_UTF8_CTX	64	/* bytes of the line kept (a power of 2) */

struct br_utf8_scan {
	long		 line;		/* of the next byte, from 1 */
	long		 col;		/* from 1, in characters */
	long		 nonascii_line;	/* of the first non-ASCII char, or 0 */
	char		 nonascii[5];	/* that character, NUL-terminated */
	unsigned char	 bad;		/* after a failure: the first byte that
					   is not UTF-8 (line, col are its) */
	int		 _prev_cr;
	unsigned char	 _pend[4];	/* a sequence cut by a piece's end */
	size_t		 _npend;
	unsigned char	 _ring[BR_UTF8_CTX];	/* the line's last bytes */
	size_t		 _nline;	/* bytes of the line so far */
};

void	br_utf8_scan_init(struct br_utf8_scan *sc);
/* Checks s[0..n); 0, or -1 at the first byte that is not UTF-8 (or that
 * starts a sequence that is not): sc->bad, line and col say which and
 * where.  Not to be called again after -1. */
int	br_utf8_scan_feed(struct br_utf8_scan *sc, const char *s, size_t n);
/* The end of the stream: 0, or -1 when it ends inside a sequence. */
int	br_utf8_scan_end(struct br_utf8_scan *sc);
/* The text of the line before the next byte (at most max - 1 bytes, its
 * last whole characters) into out, NUL-terminated; returns out. */
char	*br_utf8_scan_before(const struct br_utf8_scan *sc, char *out,
	    size_t max);

#endif
