/*
 * manifest_jscan.c - the values of JSON manifests, scanned from the
 * line-counting reader one byte at a time: strings (unescaped, or copied
 * as written), numbers as written, literals, and any value copied
 * compactly or only checked.  Errors say FILE:LINE.  manifest_json.c
 * builds rows from them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_int.h"
#include "text.h"
#include "utf8.h"

void
br_jscan_ws(struct br_manifest *m, struct br_err *err)
{
	int c;

	while ((c = jpeek(m, err)) == ' ' || c == '\t' || c == '\n' ||
	    c == '\r')
		jadv(m);
}

/*
 * After a member of an object: ',' (and then another member must follow)
 * or the closing '}'.  1: another member, 0: the object ended, < 0: an
 * error (err set).
 */
int
br_jscan_member_next(struct br_manifest *m, struct br_err *err)
{
	int c;

	br_jscan_ws(m, err);
	c = jpeek(m, err);
	if (c == ',') {
		jadv(m);
		br_jscan_ws(m, err);
		if (jpeek(m, err) == '}')
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "trailing comma before '}'");
		return 1;
	}
	if (c == '}') {
		jadv(m);
		return 0;
	}
	return br_jscan_found(m, err, c, "',' or '}'");
}

int
br_jscan_found(struct br_manifest *m, struct br_err *err, int c,
    const char *expected)
{
	char what[32];

	if (c == J_ERR)
		return BR_EIO;
	if (c == 0)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line, NUL_MSG);
	if (c == J_EOF)
		snprintf(what, sizeof(what), "end of file");
	else if (c > 0x20 && c < 0x7f)
		snprintf(what, sizeof(what), "'%c'", c);
	else
		snprintf(what, sizeof(what), "byte 0x%02x", (unsigned)c);
	if (expected == NULL)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "unexpected %s", what);
	return br_errf(err, BR_EINPUT, m->name, m->rd.line,
	    "expected %s, found %s", expected, what);
}

/* Something (c) after the top-level value. */
int
br_jscan_after(struct br_manifest *m, struct br_err *err, int c,
    const char *what)
{
	if (c == J_ERR)
		return BR_EIO;
	if (c == 0)
		return br_jscan_found(m, err, c, NULL);
	if (c > 0x20 && c < 0x7f)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "unexpected '%c' after the %s", c, what);
	return br_errf(err, BR_EINPUT, m->name, m->rd.line,
	    "unexpected byte 0x%02x after the %s", (unsigned)c, what);
}

static int
jtoobig(struct br_manifest *m, struct br_err *err)
{
	return br_errf(err, BR_EINPUT, m->name, m->rd.line,
	    "row is larger than %u MiB", BR_MANIFEST_MAX_ROW >> 20);
}

/* Appends to b (NULL: nothing), within the row limit. */
int
br_jscan_put(struct br_manifest *m, struct br_err *err, struct br_strbuf *b,
    const void *s, size_t n)
{
	if (b == NULL)
		return 0;
	if (b->len + n > MAX_ROW)
		return jtoobig(m, err);
	if (n > 0 && n < b->cap - b->len) {
		/* it fits: the hot path, without a call to strbuf.c */
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
		return 0;
	}
	if (br_strbuf_try_add(b, s, n) != 0)
		return br_mf_nomem(err);
	return 0;
}

static int
jhex4(struct br_manifest *m, struct br_err *err, unsigned *v, char raw[4])
{
	int i, c, h;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = jpeek(m, err);
		if ((h = br_text_hexval(c)) >= 0)
			*v = *v * 16 + (unsigned)h;
		else if (c == J_ERR)
			return BR_EIO;
		else
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "invalid \\u escape in a string");
		raw[i] = (char)c;
		jadv(m);
	}
	return 0;
}

/* The escape after a backslash: *esc gets the byte of a one-letter
 * escape, or 0 for \u (not consumed); *c the letter. */
static int
jescape(struct br_manifest *m, struct br_err *err, int *c, char *esc)
{
	*c = jpeek(m, err);
	*esc = 0;
	switch (*c) {
	case '"':
	case '\\':
	case '/':
		*esc = (char)*c;
		break;
	case 'b':
		*esc = '\b';
		break;
	case 'f':
		*esc = '\f';
		break;
	case 'n':
		*esc = '\n';
		break;
	case 'r':
		*esc = '\r';
		break;
	case 't':
		*esc = '\t';
		break;
	case 'u':
		break;
	case J_ERR:
		return BR_EIO;
	default:
		if (*c > 0x20 && *c < 0x7f)
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "invalid escape '\\%c' in a string", *c);
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "invalid escape in a string");
	}
	jadv(m);
	return 0;
}

static int
junpaired(struct br_manifest *m, struct br_err *err)
{
	return br_errf(err, BR_EINPUT, m->name, m->rd.line,
	    "invalid \\u escape (unpaired surrogate)");
}

/*
 * The hex digits of a \u escape (the "\u" consumed) and, after a high
 * surrogate, the low one's \uXXXX: *cp gets the code point, raw[0..*n)
 * the escape as written (6 or 12 bytes).
 */
static int
jescape_u(struct br_manifest *m, struct br_err *err, unsigned *cp,
    char raw[12], size_t *n)
{
	unsigned lo;
	char u[4];
	int rv;

	if ((rv = jhex4(m, err, cp, u)) != 0)
		return rv;
	memcpy(raw, "\\u", 2);
	memcpy(raw + 2, u, 4);
	*n = 6;
	if (*cp == 0)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "NUL character in string");
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return junpaired(m, err);
	if (*cp >= 0xd800 && *cp <= 0xdbff) {
		if (jpeek(m, err) != '\\')
			return junpaired(m, err);
		jadv(m);
		if (jpeek(m, err) != 'u')
			return junpaired(m, err);
		jadv(m);
		if ((rv = jhex4(m, err, &lo, u)) != 0)
			return rv;
		if (lo < 0xdc00 || lo > 0xdfff)
			return junpaired(m, err);
		memcpy(raw + 6, "\\u", 2);
		memcpy(raw + 8, u, 4);
		*n = 12;
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return 0;
}

/* A control byte c inside the string that began on line0. */
static int
jcontrol(struct br_manifest *m, struct br_err *err, int c, long line0)
{
	if (c == 0)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line, NUL_MSG);
	if (c == '\n' || c == '\r')
		return br_errf(err, BR_EINPUT, m->name, line0,
		    "line break inside a string (write it as \\n)");
	return br_errf(err, BR_EINPUT, m->name, m->rd.line,
	    "control character 0x%02x inside a string", c);
}

/* Copies the run of plain bytes at the reader to out at once. */
static int
jplain(struct br_manifest *m, struct br_err *err, struct br_strbuf *out)
{
	struct reader *r = &m->rd;
	size_t i, n;
	int c, rv;

	for (i = r->pos, n = 0; i < r->len; i++, n++) {
		c = r->buf[i];
		if (c == '"' || c == '\\' || c < 0x20)
			break;
	}
	if ((rv = br_jscan_put(m, err, out, r->buf + r->pos, n)) != 0)
		return rv;
	r->pos += n;
	r->prev_cr = 0;
	return 0;
}

/* The escape at the reader ('\\'), to out per mode. */
static int
jstring_escape(struct br_manifest *m, struct br_err *err,
    struct br_strbuf *out, enum jmode mode)
{
	unsigned cp;
	char raw[12], u[4], esc;
	size_t n;
	int c, rv;

	jadv(m);
	if ((rv = jescape(m, err, &c, &esc)) != 0)
		return rv;
	if (esc != 0) {
		raw[0] = '\\';
		raw[1] = (char)c;
		return br_jscan_put(m, err, out, mode == J_RAW ? raw : &esc,
		    mode == J_RAW ? 2 : 1);
	}
	if ((rv = jescape_u(m, err, &cp, raw, &n)) != 0)
		return rv;
	if (mode == J_RAW)
		return br_jscan_put(m, err, out, raw, n);
	n = br_utf8_put(u, cp);
	return br_jscan_put(m, err, out, u, n);
}

/* The string at the reader ('"'), to out per mode. */
int
br_jscan_string(struct br_manifest *m, struct br_err *err,
    struct br_strbuf *out, enum jmode mode)
{
	long line0 = m->rd.line;
	int c, rv;

	if (mode == J_SKIP)
		out = NULL;
	jadv(m);
	if (mode == J_RAW && (rv = br_jscan_put(m, err, out, "\"", 1)) != 0)
		return rv;
	for (;;) {
		c = jpeek(m, err);
		if (c == J_ERR)
			return BR_EIO;
		if (c == J_EOF)
			return br_errf(err, BR_EINPUT, m->name, line0,
			    "unterminated string");
		if (c == '"') {
			jadv(m);
			return mode == J_RAW ?
			    br_jscan_put(m, err, out, "\"", 1) : 0;
		}
		if (c < 0x20)
			return jcontrol(m, err, c, line0);
		if (c != '\\')
			rv = jplain(m, err, out);
		else
			rv = jstring_escape(m, err, out, mode);
		if (rv != 0)
			return rv;
	}
}

/* Appends the byte c, just peeked, to out and consumes it. */
static int
jtake(struct br_manifest *m, struct br_err *err, struct br_strbuf *out,
    int c)
{
	char ch = (char)c;
	int rv;

	if ((rv = br_jscan_put(m, err, out, &ch, 1)) != 0)
		return rv;
	jadv(m);
	return 0;
}

static int
jdigits(struct br_manifest *m, struct br_err *err, struct br_strbuf *out)
{
	int c, rv, n = 0;

	while ((c = jpeek(m, err)) >= '0' && c <= '9') {
		if ((rv = jtake(m, err, out, c)) != 0)
			return rv;
		n++;
	}
	if (c == J_ERR)
		return BR_EIO;
	if (n == 0)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "invalid number");
	return 0;
}

/* The number at the reader, as written. */
int
br_jscan_number(struct br_manifest *m, struct br_err *err,
    struct br_strbuf *out)
{
	int c, rv;

	c = jpeek(m, err);
	if (c == '-') {
		if ((rv = jtake(m, err, out, c)) != 0)
			return rv;
		c = jpeek(m, err);
	}
	if (c == '0') {
		if ((rv = jtake(m, err, out, c)) != 0)
			return rv;
		c = jpeek(m, err);
		if (c >= '0' && c <= '9')
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "invalid number (leading zero)");
	} else if ((rv = jdigits(m, err, out)) != 0)
		return rv;
	c = jpeek(m, err);
	if (c == '.') {
		if ((rv = jtake(m, err, out, c)) != 0 ||
		    (rv = jdigits(m, err, out)) != 0)
			return rv;
		c = jpeek(m, err);
	}
	if (c == 'e' || c == 'E') {
		if ((rv = jtake(m, err, out, c)) != 0)
			return rv;
		c = jpeek(m, err);
		if ((c == '+' || c == '-') &&
		    (rv = jtake(m, err, out, c)) != 0)
			return rv;
		if ((rv = jdigits(m, err, out)) != 0)
			return rv;
	}
	return 0;
}

/* true, false or null; writes "true"/"false" (or "null" if raw). */
int
br_jscan_literal(struct br_manifest *m, struct br_err *err,
    struct br_strbuf *out, int raw, int *kind)
{
	char w[24];
	size_t n = 0;
	int c, more = 0;

	while (((c = jpeek(m, err)) >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
		if (n < 16)
			w[n++] = (char)c;
		else
			more = 1;
		jadv(m);
	}
	w[n] = '\0';
	if (!more && strcmp(w, "true") == 0)
		*kind = BR_V_BOOL;
	else if (!more && strcmp(w, "false") == 0)
		*kind = BR_V_BOOL;
	else if (!more && strcmp(w, "null") == 0) {
		*kind = BR_V_NULL;
		return raw ? br_jscan_put(m, err, out, w, n) : 0;
	} else
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "invalid value '%s%s'", w, more ? "..." : "");
	return br_jscan_put(m, err, out, w, n);
}

/* Any value, copied compactly to out (NULL: only checked). */
int
br_jscan_capture(struct br_manifest *m, struct br_err *err,
    struct br_strbuf *out, int depth)
{
	int c, close, rv, kind;
	char ch;

	c = jpeek(m, err);
	if (c == '{' || c == '[') {
		if (depth >= MAX_DEPTH)
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "nested deeper than %d levels", MAX_DEPTH);
		close = c == '{' ? '}' : ']';
		ch = (char)c;
		if ((rv = br_jscan_put(m, err, out, &ch, 1)) != 0)
			return rv;
		jadv(m);
		br_jscan_ws(m, err);
		ch = (char)close;
		if (jpeek(m, err) == close) {
			jadv(m);
			return br_jscan_put(m, err, out, &ch, 1);
		}
		for (;;) {
			if (close == '}') {
				if ((c = jpeek(m, err)) != '"')
					return br_jscan_found(m, err, c,
					    "a key in double quotes");
				if ((rv = br_jscan_string(m, err, out,
				    out != NULL ? J_RAW : J_SKIP)) != 0)
					return rv;
				br_jscan_ws(m, err);
				if ((c = jpeek(m, err)) != ':')
					return br_jscan_found(m, err, c,
					    "':' after the key");
				jadv(m);
				if ((rv = br_jscan_put(m, err, out, ":",
				    1)) != 0)
					return rv;
				br_jscan_ws(m, err);
			}
			if ((rv = br_jscan_capture(m, err, out,
			    depth + 1)) != 0)
				return rv;
			br_jscan_ws(m, err);
			c = jpeek(m, err);
			if (c == ',') {
				jadv(m);
				if ((rv = br_jscan_put(m, err, out, ",",
				    1)) != 0)
					return rv;
				br_jscan_ws(m, err);
				if (jpeek(m, err) == close)
					return br_errf(err, BR_EINPUT, m->name,
					    m->rd.line, "trailing comma "
					    "before '%c'", close);
				continue;
			}
			if (c == close) {
				jadv(m);
				return br_jscan_put(m, err, out, &ch, 1);
			}
			return br_jscan_found(m, err, c, close == '}' ?
			    "',' or '}'" : "',' or ']'");
		}
	}
	if (c == '"')
		return br_jscan_string(m, err, out,
		    out != NULL ? J_RAW : J_SKIP);
	if (c == '-' || (c >= '0' && c <= '9'))
		return br_jscan_number(m, err, out);
	if (jis_alpha(c))
		return br_jscan_literal(m, err, out, 1, &kind);
	return br_jscan_found(m, err, c, "a value");
}

