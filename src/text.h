/*
 * text.h - small text helpers for the catalog and the checking of rows:
 * blanks, copies, ASCII case, quoting a value for a message, decimal
 * integers, hex digits, percent-decoding.  Pure; no allocation but
 * br_text_ndup() (and freeing but br_text_free_all()).  bulkrun-sim links
 * it too.
 */
#ifndef BR_TEXT_H
#define BR_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define BR_QUOTE_MAX	60			/* bytes of a value shown */
#define BR_QUOTE_BUF	(BR_QUOTE_MAX * 4 + 8)	/* room for a quoted one */

/* Trims blanks (ASCII blanks, and U+00A0 NO-BREAK SPACE as spreadsheets
 * write it) around s[0..*len): returns the start, shortens *len. */
const char	*br_text_trim(const char *s, size_t *len);
/* Trims spaces and tabs, only those, around s[0..*len): returns the
 * start, shortens *len (header values, dates, CSV cells' emptiness). */
const char	*br_text_trim_sp(const char *s, size_t *len);
/* The invisible character that starts s[0..len) (or, with at_end, ends
 * it) of those a spreadsheet cell may hold around a value: space, tab,
 * line feed, carriage return, and in UTF-8 the no-break space U+00A0,
 * figure space U+2007, thin space U+2009, zero-width space U+200B, narrow
 * no-break space U+202F, ideographic space U+3000 and zero-width no-break
 * space U+FEFF.  Returns its length in bytes with *name set ("a no-break
 * space (U+00A0)"; name may be NULL), or 0 when there is none. */
size_t		 br_text_space(const char *s, size_t len, int at_end,
		    const char **name);
/* Trims all of those around s[0..*len): returns the start, shortens *len
 * (header names). */
const char	*br_text_trim_space(const char *s, size_t *len);
/* 1 when s[0..len) is empty or only blanks (as br_text_trim()). */
int		 br_text_blank(const char *s, size_t len);
/* A NUL-terminated copy of s[0..n), or NULL when out of memory.  The
 * caller frees it. */
char		*br_text_ndup(const char *s, size_t n);
/* Frees the n strings of v (NULL ones too), not v itself. */
void		 br_text_free_all(char **v, size_t n);
/* ASCII lower case of c; other bytes unchanged. */
int		 br_text_lower(int c);
/* 1 when c is an ASCII letter or digit, '-', '_' or '.' (the bytes of
 * a region, of an operation's or a service's name), else 0. */
int		 br_text_namechar(int c);
/* 1 when a and b are equal ignoring ASCII case, else 0. */
int		 br_text_eqi(const char *a, const char *b);
/* Quotes s[0..len) for a message into buf: at most BR_QUOTE_MAX bytes of
 * it, control bytes and bytes of invalid UTF-8 as \xNN, "..." when cut.
 * bufsz BR_QUOTE_BUF holds any value. */
void		 br_text_quote(char *buf, size_t bufsz, const char *s,
		    size_t len);
/* Same for a NUL-terminated s. */
void		 br_text_quotez(char *buf, size_t bufsz, const char *s);
/* Parses an optionally signed decimal integer, the whole of s[0..len)
 * (no blanks): 0 with *out set, -1 when it is not one, -2 when it is one
 * beyond 64 bits. */
int		 br_text_int64(const char *s, size_t len, int64_t *out);

/* The value (0-15) of the hex digit c, either case; -1 for any other
 * byte. */
int		 br_text_hexval(int c);
/* Lower-case hex of s[0..n) into dst, which has room for 2n + 1 bytes;
 * dst is NUL-terminated. */
void		 br_text_hex(char *dst, const unsigned char *s, size_t n);
/* Percent-decodes src[0..n) into dst, which has room for n + 1 bytes:
 * %XX (either case) becomes its byte, which may be NUL; a '%' not followed
 * by two hex digits stays as it is; with plus_space a '+' becomes ' ' (a
 * query string).  Returns the decoded length; dst is NUL-terminated. */
size_t		 br_text_pct_decode(char *dst, const char *src, size_t n,
		    int plus_space);

#endif
