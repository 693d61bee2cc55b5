/*
 * jsontext.h - checks on pieces of JSON text as written, for code that
 * copies JSON byte for byte instead of through cJSON (which rounds big
 * numbers through a double and lets bad escapes through).  Pure.
 */
#ifndef BR_JSONTEXT_H
#define BR_JSONTEXT_H

#include <stddef.h>

/* Whether s[0..n) is exactly one JSON number (RFC 8259):
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?  So "01", "1.", ".5",
 * "+1", "0x10", "NaN" and "" are not. */
int	br_jsontext_is_number(const char *s, size_t n);

/*
 * Length of the JSON string escape at s[i] (a '\\') within s[0..n): 2 for
 * \" \\ \/ \b \f \n \r \t, 6 for \uXXXX (either case of hex) that is not
 * a surrogate, 12 for a high surrogate \uD800-\uDBFF followed by a low
 * one \uDC00-\uDFFF; 0 when it is none of these (another letter, bad hex,
 * a lone surrogate, or cut short by n).
 */
size_t	br_jsontext_escape_len(const char *s, size_t n, size_t i);

struct cJSON;
struct br_strbuf;

/* Appends s[0..n) to sb as a quoted JSON string: '"', '\\', newline,
 * return, tab and the other control bytes (NUL included, as \u00XX) are
 * escaped; valid UTF-8 and DEL are kept as they are; each byte of an
 * invalid sequence becomes \ufffd.  Memory failures set sb->oom
 * (strbuf.h). */
void	br_jsontext_add_string(struct br_strbuf *sb, const char *s, size_t n);

/* s[0..n) with NUL and invalid UTF-8 bytes as U+FFFD; NULL when out of
 * memory. */
char	*br_jsontext_utf8_clean(const char *s, size_t n);
/* A cJSON string of s[0..n) made valid UTF-8; NULL when out of memory. */
struct cJSON *br_jsontext_string(const char *s, size_t n);
/* A JSON text as an item: raw when it can go into a line as it is (valid
 * UTF-8, no control bytes, strict numbers, so big integers keep their
 * digits), else parsed with every string made valid UTF-8, else a string.
 * NULL when out of memory. */
struct cJSON *br_jsontext_item(const char *s, size_t n);
/* Member k of object o as text: a string as it is, a number as a report
 * writes it (an integer in decimal) in buf (none when buf is NULL);
 * NULL for anything else or when absent. */
const char *br_jsontext_member(const struct cJSON *o, const char *k,
	    char *buf, size_t bufsz);

#endif
