/*
 * utf8.h - checking UTF-8 byte by byte, as RFC 3629 says: no overlong
 * forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF.  Pure.
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

#endif
