/*
 * manifest_json.c - JSON and JSON Lines manifests, by a small streaming
 * parser of our own over the line-counting reader (cJSON would need the
 * whole text and would reformat numbers).
 *
 * Rows are parsed one at a time, flattened into json.jf/json.jb (nested
 * objects give dotted names), then copied into the row.  A {"defaults",
 * "operations"} object is checked whole at open (without keeping anything
 * but the defaults), so that defaults written after the operations are
 * known before the first row; rows are then read from the offset of the
 * operations array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_int.h"
#include "utf8.h"

#define MAX_DEPTH	256

#define J_EOF		BR_READER_EOF
#define J_ERR		BR_READER_ERR

enum jmode {
	J_SKIP,			/* check only */
	J_RAW,			/* copy as written (compact) */
	J_TEXT			/* unescape */
};

/* The next byte, not consumed; J_EOF, or J_ERR (err set). */
static inline int
jpeek(struct br_manifest *m, struct br_err *err)
{
	return br_reader_peek(&m->rd, err);
}

/* Consumes the byte jpeek() returned. */
static inline void
jadv(struct br_manifest *m)
{
	br_reader_adv(&m->rd);
}

static void
jws(struct br_manifest *m, struct br_err *err)
{
	int c;

	while ((c = jpeek(m, err)) == ' ' || c == '\t' || c == '\n' ||
	    c == '\r')
		jadv(m);
}

static int	jfound(struct br_manifest *, struct br_err *, int,
		    const char *);

/*
 * After a member of an object: ',' (and then another member must follow)
 * or the closing '}'.  1: another member, 0: the object ended, < 0: an
 * error (err set).
 */
static int
jobject_next(struct br_manifest *m, struct br_err *err)
{
	int c;

	jws(m, err);
	c = jpeek(m, err);
	if (c == ',') {
		jadv(m);
		jws(m, err);
		if (jpeek(m, err) == '}')
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "trailing comma before '}'");
		return 1;
	}
	if (c == '}') {
		jadv(m);
		return 0;
	}
	return jfound(m, err, c, "',' or '}'");
}

static int
jfound(struct br_manifest *m, struct br_err *err, int c,
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
static int
jafter(struct br_manifest *m, struct br_err *err, int c, const char *what)
{
	if (c == J_ERR)
		return BR_EIO;
	if (c == 0)
		return jfound(m, err, c, NULL);
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
static int
jput(struct br_manifest *m, struct br_err *err, struct br_strbuf *b,
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
	int i, c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = jpeek(m, err);
		if (c >= '0' && c <= '9')
			*v = *v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + (unsigned)(c - 'A' + 10);
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
	if ((rv = jput(m, err, out, r->buf + r->pos, n)) != 0)
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
		return jput(m, err, out, mode == J_RAW ? raw : &esc,
		    mode == J_RAW ? 2 : 1);
	}
	if ((rv = jescape_u(m, err, &cp, raw, &n)) != 0)
		return rv;
	if (mode == J_RAW)
		return jput(m, err, out, raw, n);
	n = br_utf8_put(u, cp);
	return jput(m, err, out, u, n);
}

/* The string at the reader ('"'), to out per mode. */
static int
jstring(struct br_manifest *m, struct br_err *err, struct br_strbuf *out,
    enum jmode mode)
{
	long line0 = m->rd.line;
	int c, rv;

	if (mode == J_SKIP)
		out = NULL;
	jadv(m);
	if (mode == J_RAW && (rv = jput(m, err, out, "\"", 1)) != 0)
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
			return mode == J_RAW ? jput(m, err, out, "\"", 1) : 0;
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

	if ((rv = jput(m, err, out, &ch, 1)) != 0)
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
static int
jnumber(struct br_manifest *m, struct br_err *err, struct br_strbuf *out)
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
static int
jliteral(struct br_manifest *m, struct br_err *err, struct br_strbuf *out,
    int raw, int *kind)
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
		return raw ? jput(m, err, out, w, n) : 0;
	} else
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "invalid value '%s%s'", w, more ? "..." : "");
	return jput(m, err, out, w, n);
}

static int
jis_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Any value, copied compactly to out (NULL: only checked). */
static int
jcapture(struct br_manifest *m, struct br_err *err, struct br_strbuf *out,
    int depth)
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
		if ((rv = jput(m, err, out, &ch, 1)) != 0)
			return rv;
		jadv(m);
		jws(m, err);
		ch = (char)close;
		if (jpeek(m, err) == close) {
			jadv(m);
			return jput(m, err, out, &ch, 1);
		}
		for (;;) {
			if (close == '}') {
				if ((c = jpeek(m, err)) != '"')
					return jfound(m, err, c,
					    "a key in double quotes");
				if ((rv = jstring(m, err, out,
				    out != NULL ? J_RAW : J_SKIP)) != 0)
					return rv;
				jws(m, err);
				if ((c = jpeek(m, err)) != ':')
					return jfound(m, err, c,
					    "':' after the key");
				jadv(m);
				if ((rv = jput(m, err, out, ":", 1)) != 0)
					return rv;
				jws(m, err);
			}
			if ((rv = jcapture(m, err, out, depth + 1)) != 0)
				return rv;
			jws(m, err);
			c = jpeek(m, err);
			if (c == ',') {
				jadv(m);
				if ((rv = jput(m, err, out, ",", 1)) != 0)
					return rv;
				jws(m, err);
				if (jpeek(m, err) == close)
					return br_errf(err, BR_EINPUT, m->name,
					    m->rd.line, "trailing comma "
					    "before '%c'", close);
				continue;
			}
			if (c == close) {
				jadv(m);
				return jput(m, err, out, &ch, 1);
			}
			return jfound(m, err, c, close == '}' ?
			    "',' or '}'" : "',' or ']'");
		}
	}
	if (c == '"')
		return jstring(m, err, out, out != NULL ? J_RAW : J_SKIP);
	if (c == '-' || (c >= '0' && c <= '9'))
		return jnumber(m, err, out);
	if (jis_alpha(c))
		return jliteral(m, err, out, 1, &kind);
	return jfound(m, err, c, "a value");
}

static int
jf_new(struct br_manifest *m, struct br_err *err, long line, int isobj,
    size_t *idx)
{
	struct json_state *js = &m->json;
	struct jfield *f;
	int rv;

	if (js->njf >= MAX_FIELDS)
		return br_errf(err, BR_EINPUT, m->name, line,
		    "row has more than %zu fields", MAX_FIELDS);
	if (br_mf_grow(&js->jf, &js->jf_cap, js->njf + 1,
	    sizeof(*js->jf)) != 0)
		return br_mf_nomem(err);
	f = &js->jf[js->njf];
	memset(f, 0, sizeof(*f));
	f->line = line;
	f->isobj = isobj;
	f->noff = js->jb.len;
	f->nlen = js->path.len;
	if ((rv = jput(m, err, &js->jb, js->path.p, js->path.len)) != 0 ||
	    (rv = jput(m, err, &js->jb, "", 1)) != 0)
		return rv;
	f->voff = js->jb.len;
	f->kind = BR_V_NULL;
	*idx = js->njf++;
	return 0;
}

static int
jf_setval(struct br_manifest *m, struct br_err *err, size_t idx,
    const char *s, size_t n, int kind)
{
	int rv;

	m->json.jf[idx].isobj = 0;
	m->json.jf[idx].kind = kind;
	m->json.jf[idx].voff = m->json.jb.len;
	if ((rv = jput(m, err, &m->json.jb, s, n)) != 0 ||
	    (rv = jput(m, err, &m->json.jb, "", 1)) != 0)
		return rv;
	m->json.jf[idx].vlen = n;
	return 0;
}

/* The leaf value at the reader, named m->json.path, into a new field. */
static int
jleaf(struct br_manifest *m, struct br_err *err, long line, int depth)
{
	size_t idx, voff;
	int c, rv, kind;

	if ((rv = jf_new(m, err, line, 0, &idx)) != 0)
		return rv;
	voff = m->json.jb.len;
	c = jpeek(m, err);
	if (c == '"') {
		kind = BR_V_STRING;
		rv = jstring(m, err, &m->json.jb, J_TEXT);
	} else if (c == '[') {
		kind = BR_V_JSON;
		rv = jcapture(m, err, &m->json.jb, depth + 1);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		kind = BR_V_NUMBER;
		rv = jnumber(m, err, &m->json.jb);
	} else if (jis_alpha(c))
		rv = jliteral(m, err, &m->json.jb, 0, &kind);
	else
		return jfound(m, err, c, "a value");
	if (rv != 0)
		return rv;
	m->json.jf[idx].kind = kind;
	m->json.jf[idx].voff = voff;
	m->json.jf[idx].vlen = m->json.jb.len - voff;
	return jput(m, err, &m->json.jb, "", 1);
}

/* The object at the reader, flattened under m->json.path.  *empty: it had no
 * keys. */
static int
jobject(struct br_manifest *m, struct br_err *err, int depth, int *empty)
{
	size_t plen = m->json.path.len, idx;
	long kline;
	int c, rv, sub;

	*empty = 0;
	jadv(m);
	jws(m, err);
	if (jpeek(m, err) == '}') {
		jadv(m);
		*empty = 1;
		return 0;
	}
	for (;;) {
		if ((c = jpeek(m, err)) != '"')
			return jfound(m, err, c, "a key in double quotes");
		kline = m->rd.line;
		if (plen > 0 && (rv = jput(m, err, &m->json.path, ".", 1)) != 0)
			return rv;
		idx = m->json.path.len;
		if ((rv = jstring(m, err, &m->json.path, J_TEXT)) != 0)
			return rv;
		if (m->json.path.len == idx)
			return br_errf(err, BR_EINPUT, m->name, kline,
			    "empty key");
		jws(m, err);
		if ((c = jpeek(m, err)) != ':')
			return jfound(m, err, c, "':' after the key");
		jadv(m);
		jws(m, err);
		if (jpeek(m, err) == '{') {
			if (depth + 1 >= MAX_DEPTH)
				return br_errf(err, BR_EINPUT, m->name,
				    m->rd.line, "nested deeper than %d levels",
				    MAX_DEPTH);
			if ((rv = jf_new(m, err, kline, 1, &idx)) != 0 ||
			    (rv = jobject(m, err, depth + 1, &sub)) != 0)
				return rv;
			if (sub && (rv = jf_setval(m, err, idx, "{}", 2,
			    BR_V_JSON)) != 0)
				return rv;
		} else if ((rv = jleaf(m, err, kline, depth)) != 0)
			return rv;
		br_strbuf_setlen(&m->json.path, plen);
		if ((rv = jobject_next(m, err)) <= 0)
			return rv;	/* the object ended, or an error */
	}
}

static const char *
jf_name(const void *ctx, size_t i, size_t *len)
{
	const struct br_manifest *m = ctx;

	*len = m->json.jf[i].nlen;
	return m->json.jb.p + m->json.jf[i].noff;
}

static const char *
df_name(const void *ctx, size_t i, size_t *len)
{
	const struct br_manifest *m = ctx;

	*len = m->json.df[i].nlen;
	return m->json.db.p + m->json.df[i].noff;
}

/* Parses one object (the reader is at '{') into m->json.jf, m->json.jb. */
static int
jrow(struct br_manifest *m, struct br_err *err)
{
	struct json_state *js = &m->json;
	char nb[80];
	size_t i, k;
	int rv, empty;

	br_strbuf_reset(&js->jb);
	br_strbuf_reset(&js->path);
	js->njf = 0;
	if ((rv = jobject(m, err, 0, &empty)) != 0)
		return rv;
	if (br_mf_nset_reset(&m->set, js->njf) != 0)
		return br_mf_nomem(err);
	for (i = 0; i < js->njf; i++)
		if ((k = br_mf_nset_add(&m->set, jf_name, m, i)) != 0)
			return br_errf(err, BR_EINPUT, m->name, js->jf[i].line,
			    "duplicate key '%s'", br_mf_shown(nb, sizeof(nb),
			    js->jb.p + js->jf[i].noff, js->jf[i].nlen));
	return 0;
}

static void
src_set(struct fsrc *s, const char *base, const struct jfield *f)
{
	s->name = base + f->noff;
	s->nlen = f->nlen;
	s->kind = f->kind;
	s->val = f->kind == BR_V_NULL ? NULL : base + f->voff;
	s->vlen = f->kind == BR_V_NULL ? 0 : f->vlen;
}

/* m->json.jf merged with the defaults into row. */
static int
jrow_build(struct br_manifest *m, struct br_row *row, struct br_err *err)
{
	struct json_state *js = &m->json;
	size_t i, j, n = 0;
	const char *name;
	size_t len;

	if (br_mf_grow(&m->src, &m->src_cap, js->ndf + js->njf + 1,
	    sizeof(*m->src)) != 0)
		return br_mf_nomem(err);
	for (j = 0; j < js->ndf; j++)
		js->dover[j] = -1;
	for (i = 0; i < js->njf; i++) {
		js->jf[i].used = 0;
		if (js->jf[i].isobj || js->ndf == 0)
			continue;
		name = jf_name(m, i, &len);
		if ((j = br_mf_nset_find(&js->dset, df_name, m, name,
		    len)) != 0) {
			js->dover[j - 1] = (long)i;
			js->jf[i].used = 1;
		}
	}
	for (j = 0; j < js->ndf; j++) {
		if (js->dover[j] >= 0)
			src_set(&m->src[n++], js->jb.p, &js->jf[js->dover[j]]);
		else
			src_set(&m->src[n++], js->db.p, &js->df[j]);
	}
	for (i = 0; i < js->njf; i++)
		if (!js->jf[i].isobj && !js->jf[i].used)
			src_set(&m->src[n++], js->jb.p, &js->jf[i]);
	return br_mf_row_build(row, m->src, n, err);
}

/* The row at the reader: must be an object. */
static int
jelement(struct br_manifest *m, struct br_row *row, struct br_err *err)
{
	long line = m->rd.line;
	int c, rv;

	m->num++;
	c = jpeek(m, err);
	if (c != '{') {
		if (c == '[' || c == '"' || c == '-' ||
		    (c >= '0' && c <= '9') || jis_alpha(c))
			return br_errf(err, BR_EINPUT, m->name, line,
			    "row %ld is not an object", m->num);
		return jfound(m, err, c, "a row (an object)");
	}
	if ((rv = jrow(m, err)) != 0 || (rv = jrow_build(m, row, err)) != 0)
		return rv;
	row->num = m->num;
	row->line = line;
	return 1;
}

int
br_mf_json_next(struct br_manifest *m, struct br_row *row,
    struct br_err *err)
{
	int c;

	jws(m, err);
	c = jpeek(m, err);
	switch (m->json.state) {
	case JA_FIRST:
		if (c == ']') {
			jadv(m);
			goto end;
		}
		break;
	case JA_NEXT:
		if (c == ']') {
			jadv(m);
			goto end;
		}
		if (c != ',')
			return jfound(m, err, c, "',' or ']' after a row");
		jadv(m);
		jws(m, err);
		if (jpeek(m, err) == ']')
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "trailing comma before ']'");
		break;
	case JA_DONE:
		return 0;
	}
	m->json.state = JA_NEXT;
	return jelement(m, row, err);
end:
	m->json.state = JA_DONE;
	if (m->json.wrapper)
		return 0;	/* the rest was checked at open */
	jws(m, err);
	if ((c = jpeek(m, err)) != J_EOF)
		return jafter(m, err, c, "JSON array");
	return 0;
}

int
br_mf_json_start(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = br_reader_seek(&m->rd, m->json.ops_off, m->json.ops_line,
	    err)) != 0)
		return rv;
	if (jpeek(m, err) != '[')
		return br_errf(err, BR_EIO, m->name, 0,
		    "file changed while being read");
	jadv(m);
	m->json.state = JA_FIRST;
	m->num = 0;
	return 0;
}

/* Keeps m->json.jf/m->json.jb, just parsed, as the defaults. */
static int
json_keep_defaults(struct br_manifest *m, struct br_err *err)
{
	struct json_state *js = &m->json;
	size_t i, n = 0;

	for (i = 0; i < js->njf; i++)
		if (!js->jf[i].isobj)
			n++;
	js->ndf = 0;
	br_strbuf_release(&js->db);
	if (br_strbuf_try_add(&js->db, js->jb.p, js->jb.len) != 0)
		return br_mf_nomem(err);
	free(js->df);
	free(js->dover);
	js->df = calloc(n + 1, sizeof(*js->df));
	js->dover = calloc(n + 1, sizeof(*js->dover));
	if (js->df == NULL || js->dover == NULL)
		return br_mf_nomem(err);
	for (i = 0; i < js->njf; i++)
		if (!js->jf[i].isobj)
			js->df[js->ndf++] = js->jf[i];
	if (br_mf_nset_reset(&js->dset, js->ndf) != 0)
		return br_mf_nomem(err);
	for (i = 0; i < js->ndf; i++)
		(void)br_mf_nset_add(&js->dset, df_name, m, i);
	return 0;
}

static int
key_is(const struct br_strbuf *b, const char *s)
{
	return b->len == strlen(s) && memcmp(b->p, s, b->len) == 0;
}

/* The key of the top-level object, seen once before (*seen), must come
 * once and have a value of the right type (ok), what it is. */
static int
json_wrapper_key(struct br_manifest *m, struct br_err *err, long kline,
    const char *key, int *seen, int ok, const char *what)
{
	if ((*seen)++)
		return br_errf(err, BR_EINPUT, m->name, kline,
		    "duplicate key '%s'", key);
	if (!ok)
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "'%s' is not %s", key, what);
	return 0;
}

/* The {"defaults", "operations"} object at the reader, checked whole. */
static int
json_wrapper(struct br_manifest *m, struct br_err *err)
{
	long line0 = m->rd.line, kline;
	char nb[80];
	int c, rv, have_ops = 0, have_defs = 0;

	m->json.wrapper = 1;
	jadv(m);
	jws(m, err);
	if (jpeek(m, err) == '}') {
		jadv(m);
		goto end;
	}
	for (;;) {
		if ((c = jpeek(m, err)) != '"')
			return jfound(m, err, c, "a key in double quotes");
		kline = m->rd.line;
		br_strbuf_reset(&m->json.path);
		if ((rv = jstring(m, err, &m->json.path, J_TEXT)) != 0)
			return rv;
		jws(m, err);
		if ((c = jpeek(m, err)) != ':')
			return jfound(m, err, c, "':' after the key");
		jadv(m);
		jws(m, err);
		c = jpeek(m, err);
		if (key_is(&m->json.path, "defaults")) {
			if ((rv = json_wrapper_key(m, err, kline, "defaults",
			    &have_defs, c == '{', "an object")) != 0 ||
			    (rv = jrow(m, err)) != 0 ||
			    (rv = json_keep_defaults(m, err)) != 0)
				return rv;
		} else if (key_is(&m->json.path, "operations")) {
			if ((rv = json_wrapper_key(m, err, kline, "operations",
			    &have_ops, c == '[', "an array")) != 0)
				return rv;
			m->json.ops_off = br_reader_offset(&m->rd);
			m->json.ops_line = m->rd.line;
			if ((rv = jcapture(m, err, NULL, 0)) != 0)
				return rv;
		} else
			return br_errf(err, BR_EINPUT, m->name, kline,
			    "unknown key '%s' in the top-level object "
			    "(expected an array of rows, or an object with "
			    "'defaults' and 'operations')",
			    br_mf_shown(nb, sizeof(nb), m->json.path.p,
			    m->json.path.len));
		if ((rv = jobject_next(m, err)) < 0)
			return rv;
		if (rv == 0)
			break;
	}
end:
	jws(m, err);
	if ((c = jpeek(m, err)) != J_EOF)
		return jafter(m, err, c, "top-level object");
	if (!have_ops)
		return br_errf(err, BR_EINPUT, m->name, line0,
		    "no 'operations' array in the top-level object");
	return 0;
}

int
br_mf_json_open(struct br_manifest *m, struct br_err *err)
{
	int c, rv;

	if ((rv = br_reader_seek(&m->rd, m->start, 1, err)) != 0)
		return rv;
	jws(m, err);
	c = jpeek(m, err);
	if (c == J_EOF)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file is empty");
	if (c == '[') {
		m->json.ops_off = br_reader_offset(&m->rd);
		m->json.ops_line = m->rd.line;
	} else if (c == '{') {
		if ((rv = json_wrapper(m, err)) != 0)
			return rv;
	} else
		return jfound(m, err, c, "a JSON array or object");
	return br_mf_json_start(m, err);
}

int
br_mf_jsonl_next(struct br_manifest *m, struct br_row *row,
    struct br_err *err)
{
	int c, rv;

	jws(m, err);
	c = jpeek(m, err);
	if (c == J_EOF)
		return 0;
	if (c == '#')
		return br_errf(err, BR_EINPUT, m->name, m->rd.line,
		    "unexpected '#' (JSON Lines has no comments)");
	if ((rv = jelement(m, row, err)) != 1)
		return rv;
	while ((c = jpeek(m, err)) == ' ' || c == '\t')
		jadv(m);
	if (c != '\n' && c != '\r' && c != J_EOF)
		return jfound(m, err, c, "the end of the line after the "
		    "object (JSON Lines has one object per line)");
	return 1;
}

int
br_mf_jsonl_open(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = br_reader_seek(&m->rd, m->start, 1, err)) != 0)
		return rv;
	jws(m, err);
	if (jpeek(m, err) == J_EOF)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file is empty");
	m->num = 0;
	return br_reader_seek(&m->rd, m->start, 1, err);
}

int
br_mf_json_first(struct br_manifest *m, struct br_err *err)
{
	jws(m, err);
	return jpeek(m, err);
}

int
br_mf_json_line_alone(struct br_manifest *m)
{
	struct br_err scratch;
	struct json_state *js = &m->json;
	const char *name;
	size_t i, n;
	long line0 = m->rd.line;
	int c, empty, alone;

	br_err_clear(&scratch);
	br_strbuf_reset(&js->jb);
	br_strbuf_reset(&js->path);
	js->njf = 0;
	if (jobject(m, &scratch, 0, &empty) != 0 || m->rd.line != line0)
		return 0;
	while ((c = jpeek(m, &scratch)) == ' ' || c == '\t')
		jadv(m);
	alone = c == '\n' || c == '\r' || c == J_EOF;
	for (i = 0; alone && i < js->njf; i++) {
		name = js->jb.p + js->jf[i].noff;
		n = js->jf[i].nlen;
		if ((n == 10 && memcmp(name, "operations", 10) == 0) ||
		    (n >= 8 && memcmp(name, "defaults", 8) == 0 &&
		    (n == 8 || name[8] == '.')))
			alone = 0;
	}
	return alone;
}

void
br_mf_json_release(struct br_manifest *m)
{
	struct json_state *js = &m->json;

	br_strbuf_release(&js->jb);
	br_strbuf_release(&js->path);
	free(js->jf);
	br_strbuf_release(&js->db);
	free(js->df);
	free(js->dover);
	free(js->dset.slot);
	memset(js, 0, sizeof(*js));
}
