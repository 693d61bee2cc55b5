/*
 * manifest_json.c - JSON and JSON Lines manifests, by a small streaming
 * parser of our own over the line-counting reader (cJSON would need the
 * whole text and would reformat numbers); the values are scanned by
 * manifest_jscan.c.
 *
 * Rows are parsed one at a time, flattened into json.jf/json.jb (nested
 * objects give dotted names), then copied into the row.  A {"defaults",
 * "operations"} object is checked whole at open (without keeping anything
 * but the defaults), so that defaults written after the operations are
 * known before the first row; rows are then read from the offset of the
 * operations array.
 */
#include <stdlib.h>
#include <string.h>

#include "manifest_int.h"

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
	if ((rv = br_jscan_put(m, err, &js->jb, js->path.p,
	    js->path.len)) != 0 ||
	    (rv = br_jscan_put(m, err, &js->jb, "", 1)) != 0)
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
	if ((rv = br_jscan_put(m, err, &m->json.jb, s, n)) != 0 ||
	    (rv = br_jscan_put(m, err, &m->json.jb, "", 1)) != 0)
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
		rv = br_jscan_string(m, err, &m->json.jb, J_TEXT);
	} else if (c == '[') {
		kind = BR_V_JSON;
		rv = br_jscan_capture(m, err, &m->json.jb, depth + 1);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		kind = BR_V_NUMBER;
		rv = br_jscan_number(m, err, &m->json.jb);
	} else if (jis_alpha(c))
		rv = br_jscan_literal(m, err, &m->json.jb, 0, &kind);
	else
		return br_jscan_found(m, err, c, "a value");
	if (rv != 0)
		return rv;
	m->json.jf[idx].kind = kind;
	m->json.jf[idx].voff = voff;
	m->json.jf[idx].vlen = m->json.jb.len - voff;
	return br_jscan_put(m, err, &m->json.jb, "", 1);
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
	br_jscan_ws(m, err);
	if (jpeek(m, err) == '}') {
		jadv(m);
		*empty = 1;
		return 0;
	}
	for (;;) {
		if ((c = jpeek(m, err)) != '"')
			return br_jscan_found(m, err, c,
			    "a key in double quotes");
		kline = m->rd.line;
		if (plen > 0 && (rv = br_jscan_put(m, err, &m->json.path,
		    ".", 1)) != 0)
			return rv;
		idx = m->json.path.len;
		if ((rv = br_jscan_string(m, err, &m->json.path, J_TEXT)) != 0)
			return rv;
		if (m->json.path.len == idx)
			return br_errf(err, BR_EINPUT, m->name, kline,
			    "empty key");
		br_jscan_ws(m, err);
		if ((c = jpeek(m, err)) != ':')
			return br_jscan_found(m, err, c, "':' after the key");
		jadv(m);
		br_jscan_ws(m, err);
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
		if ((rv = br_jscan_member_next(m, err)) <= 0)
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
		return br_jscan_found(m, err, c, "a row (an object)");
	}
	if ((rv = jrow(m, err)) != 0 || (rv = jrow_build(m, row, err)) != 0)
		return rv;
	row->num = m->num;
	row->line = line;
	row->sheet_row = 0;
	return 1;
}

int
br_mf_json_next(struct br_manifest *m, struct br_row *row,
    struct br_err *err)
{
	int c;

	br_jscan_ws(m, err);
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
			return br_jscan_found(m, err, c,
			    "',' or ']' after a row");
		jadv(m);
		br_jscan_ws(m, err);
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
	br_jscan_ws(m, err);
	if ((c = jpeek(m, err)) != J_EOF)
		return br_jscan_after(m, err, c, "JSON array");
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
	br_jscan_ws(m, err);
	if (jpeek(m, err) == '}') {
		jadv(m);
		goto end;
	}
	for (;;) {
		if ((c = jpeek(m, err)) != '"')
			return br_jscan_found(m, err, c,
			    "a key in double quotes");
		kline = m->rd.line;
		br_strbuf_reset(&m->json.path);
		if ((rv = br_jscan_string(m, err, &m->json.path, J_TEXT)) != 0)
			return rv;
		br_jscan_ws(m, err);
		if ((c = jpeek(m, err)) != ':')
			return br_jscan_found(m, err, c, "':' after the key");
		jadv(m);
		br_jscan_ws(m, err);
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
			if ((rv = br_jscan_capture(m, err, NULL, 0)) != 0)
				return rv;
		} else
			return br_errf(err, BR_EINPUT, m->name, kline,
			    "unknown key '%s' in the top-level object "
			    "(expected an array of rows, or an object with "
			    "'defaults' and 'operations')",
			    br_mf_shown(nb, sizeof(nb), m->json.path.p,
			    m->json.path.len));
		if ((rv = br_jscan_member_next(m, err)) < 0)
			return rv;
		if (rv == 0)
			break;
	}
end:
	br_jscan_ws(m, err);
	if ((c = jpeek(m, err)) != J_EOF)
		return br_jscan_after(m, err, c, "top-level object");
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
	br_jscan_ws(m, err);
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
		return br_jscan_found(m, err, c, "a JSON array or object");
	return br_mf_json_start(m, err);
}

int
br_mf_jsonl_next(struct br_manifest *m, struct br_row *row,
    struct br_err *err)
{
	int c, rv;

	br_jscan_ws(m, err);
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
		return br_jscan_found(m, err, c, "the end of the line after "
		    "the object (JSON Lines has one object per line)");
	return 1;
}

int
br_mf_jsonl_open(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = br_reader_seek(&m->rd, m->start, 1, err)) != 0)
		return rv;
	br_jscan_ws(m, err);
	if (jpeek(m, err) == J_EOF)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file is empty");
	m->num = 0;
	return br_reader_seek(&m->rd, m->start, 1, err);
}

int
br_mf_json_first(struct br_manifest *m, struct br_err *err)
{
	br_jscan_ws(m, err);
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
