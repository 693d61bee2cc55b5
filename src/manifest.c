/*
 * manifest.c - streams the rows of a CSV, JSON or JSON Lines manifest.
 *
 * All formats read the file through one 64 KiB buffer (struct reader) that
 * counts lines: LF, CRLF and a lone CR each end one line.
 *
 * CSV goes through libcsv, which reports fields and records but not where
 * they are.  To know the line where each record starts, the buffer is fed
 * to libcsv in pieces that end at a CR or LF (or at the end of the
 * buffer), so that a piece holds at most one line break, at its end, and
 * at most one record can end in a piece.  A record starts at the first
 * byte that is not a line break fed while no record is open; comment lines
 * are recognised there and never reach libcsv.  At the end of the file a
 * "\n" is fed: if the record is still open, a quoted field never ended.
 *
 * JSON is read by a small parser of our own over the same buffer (cJSON
 * would need the whole text and would reformat numbers).  Rows are parsed
 * one at a time, flattened into m->jf/m->jb, then copied into the row.  A
 * {"defaults", "operations"} object is checked whole at open (without
 * keeping anything but the defaults), so that defaults written after the
 * operations are known before the first row; rows are then read from the
 * offset of the operations array.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "manifest.h"

#define RD_BUFSZ	(64 * 1024)
#define MAX_ROW		((size_t)BR_MANIFEST_MAX_ROW)
#define MAX_FIELDS	((size_t)BR_MANIFEST_MAX_FIELDS)
#define MAX_DEPTH	256

#define J_EOF		(-1)
#define J_ERR		(-2)

#define NUL_MSG		"NUL byte (is this a UTF-16 or binary file?)"

enum jmode {
	J_SKIP,			/* check only */
	J_RAW,			/* copy as written (compact) */
	J_TEXT			/* unescape */
};

enum jstate {
	JA_FIRST,		/* after '[' */
	JA_NEXT,		/* after a row */
	JA_DONE
};

struct buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

struct reader {
	FILE		*f;
	unsigned char	*buf;
	size_t		 pos;
	size_t		 len;
	off_t		 base;		/* file offset of buf[0] */
	int		 eof;
	long		 line;		/* line of buf[pos] */
	int		 prev_cr;
};

struct cell {
	size_t		 off;
	size_t		 len;
};

/* A field of a JSON row (or marker of a nested object), in m->jb. */
struct jfield {
	size_t		 noff;
	size_t		 nlen;
	size_t		 voff;
	size_t		 vlen;
	long		 line;
	int		 kind;
	int		 isobj;		/* marker for duplicate checks */
	int		 used;
};

/* What br_row gets built from. */
struct fsrc {
	const char	*name;
	size_t		 nlen;
	const char	*val;		/* NULL: not given */
	size_t		 vlen;
	int		 kind;
};

/* Case-insensitive set of names: slots hold index + 1, 0 is empty. */
struct nset {
	size_t		*slot;
	size_t		 cap;
};

typedef const char *(*name_fn)(const void *, size_t, size_t *);

struct br_manifest {
	char		*name;
	char		*snap_path;	/* as opened, for br_manifest_changed */
	struct stat	 snap_st;	/* when the snapshot was taken */
	int		 snap;
	int		 hash_is_data, cut_ok, cut;
	enum br_mformat	 fmt;
	int		 delim;
	int		 bom;
	off_t		 start;		/* after the BOM */
	struct reader	 rd;
	struct br_err	 fail;		/* sticky error of next() */
	long		 num;

	/* CSV */
	struct csv_parser csv;
	int		 csv_live;
	char		**cols;
	size_t		 ncols;
	size_t		 hdr_cells;	/* header cells, unnamed trailing too */
	struct buf	 rec;		/* the record's cells, NUL-terminated */
	struct cell	*cells;
	size_t		 ncells;	/* stored */
	size_t		 cells_cap;
	size_t		 cell_limit;	/* cells stored at most */
	size_t		 cells_total;	/* cells seen */
	size_t		 last_full;	/* 1 + index of last non-blank */
	int		 rec_open;
	int		 rec_done;
	int		 in_comment;
	long		 rec_line;
	int		 cb_err;

	/* JSON */
	struct buf	 jb;		/* names and values of the row */
	struct buf	 path;		/* dotted name being built */
	struct jfield	*jf;
	size_t		 njf;
	size_t		 jf_cap;
	enum jstate	 jstate;
	int		 wrapper;
	off_t		 ops_off;	/* offset of the '[' of the rows */
	long		 ops_line;
	struct buf	 db;		/* defaults: names and values */
	struct jfield	*df;
	size_t		 ndf;
	long		*dover;		/* per default: row field that wins */
	struct nset	 dset;

	/* both */
	struct nset	 set;
	struct fsrc	*src;
	size_t		 src_cap;
};

/* ---- small helpers ---- */

static int
buf_reserve(struct buf *b, size_t n)
{
	size_t ncap;
	char *np;

	if (n <= b->cap - b->len)
		return 0;
	if (n > SIZE_MAX / 4 - b->len)
		return BR_ENOMEM;
	ncap = b->cap != 0 ? b->cap : 256;
	while (ncap - b->len < n)
		ncap *= 2;
	if ((np = realloc(b->p, ncap)) == NULL)
		return BR_ENOMEM;
	b->p = np;
	b->cap = ncap;
	return 0;
}

static int
buf_put(struct buf *b, const void *s, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return BR_ENOMEM;
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int
grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void *np;
	size_t ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap != 0 ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		return BR_ENOMEM;
	if ((np = realloc(*(void **)pp, ncap * size)) == NULL)
		return BR_ENOMEM;
	*(void **)pp = np;
	*cap = ncap;
	return 0;
}

static int
nomem(struct br_err *err)
{
	return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
}

static int
is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* A name made safe to print: no control bytes, at most 64 bytes. */
static const char *
shown(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t i, j;

	for (i = j = 0; i < n && j + 4 < dstsz && i < 64; i++)
		dst[j++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
		    '?' : s[i];
	if (i < n && j + 4 < dstsz) {
		memcpy(dst + j, "...", 3);
		j += 3;
	}
	dst[j] = '\0';
	return dst;
}

static int
name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

static size_t
name_hash(const char *s, size_t n)
{
	size_t h = 2166136261u, i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static int
nset_reset(struct nset *s, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	if (cap > s->cap) {
		free(s->slot);
		s->cap = 0;
		if ((s->slot = calloc(cap, sizeof(*s->slot))) == NULL)
			return BR_ENOMEM;
		s->cap = cap;
	} else
		memset(s->slot, 0, s->cap * sizeof(*s->slot));
	return 0;
}

/* Index + 1 of the entry named like name, or 0. */
static size_t
nset_find(const struct nset *s, name_fn get, const void *ctx,
    const char *name, size_t len)
{
	size_t h, k, n;
	const char *e;

	if (s->cap == 0)
		return 0;
	for (h = name_hash(name, len) & (s->cap - 1); s->slot[h] != 0;
	    h = (h + 1) & (s->cap - 1)) {
		k = s->slot[h] - 1;
		e = get(ctx, k, &n);
		if (name_eq(name, len, e, n))
			return k + 1;
	}
	return 0;
}

/* Adds entry i; returns 0, or index + 1 of an entry with the same name. */
static size_t
nset_add(struct nset *s, name_fn get, const void *ctx, size_t i)
{
	size_t h, k, n, len;
	const char *e, *name;

	name = get(ctx, i, &len);
	for (h = name_hash(name, len) & (s->cap - 1); s->slot[h] != 0;
	    h = (h + 1) & (s->cap - 1)) {
		k = s->slot[h] - 1;
		e = get(ctx, k, &n);
		if (name_eq(name, len, e, n))
			return k + 1;
	}
	s->slot[h] = i + 1;
	return 0;
}

/* ---- reader ---- */

static int
io_err(struct br_manifest *m, struct br_err *err, const char *what)
{
	char eb[128];
	int e = errno;

	if (strerror_r(e, eb, sizeof(eb)) != 0)
		snprintf(eb, sizeof(eb), "error %d", e);
	return br_errf(err, BR_EIO, m->name, 0, "%s: %s", what, eb);
}

/* 1: bytes are buffered, 0: end of file, BR_EIO. */
static int
rd_fill(struct br_manifest *m, struct br_err *err)
{
	struct reader *r = &m->rd;
	size_t n;

	if (r->pos < r->len)
		return 1;
	if (r->eof)
		return 0;
	r->base += (off_t)r->len;
	r->pos = r->len = 0;
	errno = 0;
	n = fread(r->buf, 1, RD_BUFSZ, r->f);
	if (n == 0) {
		if (ferror(r->f))
			return io_err(m, err, "read error");
		r->eof = 1;
		return 0;
	}
	r->len = n;
	return 1;
}

static int
rd_seek(struct br_manifest *m, off_t off, long line, struct br_err *err)
{
	struct reader *r = &m->rd;

	clearerr(r->f);
	if (fseeko(r->f, off, SEEK_SET) != 0)
		return io_err(m, err, "cannot seek");
	r->base = off;
	r->pos = r->len = 0;
	r->eof = 0;
	r->line = line;
	r->prev_cr = 0;
	return 0;
}

static void
rd_count(struct reader *r, int c)
{
	if (c == '\n') {
		if (!r->prev_cr)
			r->line++;
		r->prev_cr = 0;
	} else if (c == '\r') {
		r->line++;
		r->prev_cr = 1;
	} else
		r->prev_cr = 0;
}

static off_t
rd_offset(const struct reader *r)
{
	return r->base + (off_t)r->pos;
}

static int
jpeek(struct br_manifest *m, struct br_err *err)
{
	int r;

	if (m->rd.pos < m->rd.len)
		return m->rd.buf[m->rd.pos];
	if ((r = rd_fill(m, err)) < 0)
		return J_ERR;
	if (r == 0)
		return J_EOF;
	return m->rd.buf[m->rd.pos];
}

/* Consumes the byte jpeek() returned. */
static void
jadv(struct br_manifest *m)
{
	rd_count(&m->rd, m->rd.buf[m->rd.pos++]);
}

/* ---- CSV ---- */

static int
csv_nospace(unsigned char c)
{
	(void)c;
	return 0;
}

static void
csv_on_field(void *s, size_t len, void *data)
{
	struct br_manifest *m = data;
	size_t i;

	if (m->cb_err != 0)
		return;
	i = m->cells_total++;
	if (!is_blank(s, len))
		m->last_full = i + 1;
	if (i >= m->cell_limit)
		return;
	if (grow(&m->cells, &m->cells_cap, i + 1, sizeof(*m->cells)) != 0 ||
	    buf_reserve(&m->rec, len + 1) != 0) {
		m->cb_err = BR_ENOMEM;
		return;
	}
	m->cells[i].off = m->rec.len;
	m->cells[i].len = len;
	if (len > 0)
		memcpy(m->rec.p + m->rec.len, s, len);
	m->rec.p[m->rec.len + len] = '\0';
	m->rec.len += len + 1;
	m->ncells = i + 1;
}

static void
csv_on_record(int c, void *data)
{
	struct br_manifest *m = data;

	(void)c;
	m->rec_done = 1;
}

static int
csv_setup(struct br_manifest *m, struct br_err *err)
{
	if (m->csv_live)
		csv_free(&m->csv);
	m->csv_live = 0;
	if (csv_init(&m->csv, CSV_APPEND_NULL) != 0)
		return nomem(err);
	m->csv_live = 1;
	csv_set_delim(&m->csv, (unsigned char)m->delim);
	csv_set_space_func(&m->csv, csv_nospace);
	csv_set_blk_size(&m->csv, RD_BUFSZ);
	m->rec_open = m->rec_done = m->in_comment = 0;
	m->cb_err = 0;
	return 0;
}

static void
csv_rec_reset(struct br_manifest *m)
{
	m->rec.len = 0;
	m->ncells = 0;
	m->cells_total = 0;
	m->last_full = 0;
}

static int
csv_feed(struct br_manifest *m, const unsigned char *p, size_t n,
    struct br_err *err)
{
	if (csv_parse(&m->csv, p, n, csv_on_field, csv_on_record, m) != n)
		return csv_error(&m->csv) == CSV_ENOMEM ? nomem(err) :
		    br_errf(err, BR_EINPUT, m->name, m->rec_line, "%s",
		    csv_strerror(csv_error(&m->csv)));
	if (m->cb_err != 0)
		return nomem(err);
	if (m->csv.entry_pos > MAX_ROW)
		return br_errf(err, BR_EINPUT, m->name, m->rec_line,
		    "cell is larger than %u MiB", BR_MANIFEST_MAX_ROW >> 20);
	if (m->rec.len + m->csv.entry_pos > MAX_ROW)
		return br_errf(err, BR_EINPUT, m->name, m->rec_line,
		    "row is larger than %u MiB", BR_MANIFEST_MAX_ROW >> 20);
	return 0;
}

/*
 * Reads the next record that is not skipped into m->cells.  1: a record,
 * 0: end of file, else BR_E*.
 */
static int
csv_record(struct br_manifest *m, struct br_err *err)
{
	struct reader *r = &m->rd;
	const unsigned char *p;
	size_t n, i;
	int rv, c;

	for (;;) {
		if (r->pos == r->len) {
			if ((rv = rd_fill(m, err)) < 0)
				return rv;
			if (rv == 0) {
				m->in_comment = 0;
				if (!m->rec_open)
					return 0;
				if ((rv = csv_feed(m,
				    (const unsigned char *)"\n", 1, err)) != 0)
					return rv;
				if (!m->rec_done && m->cut_ok) {
					/* close the cut quoted cell */
					m->cut = 1;
					if ((rv = csv_feed(m,
					    (const unsigned char *)"\"\n", 2,
					    err)) != 0)
						return rv;
				}
				if (!m->rec_done)
					return br_errf(err, BR_EINPUT, m->name,
					    m->rec_line,
					    "unterminated quoted field");
				goto done;
			}
		}
		p = r->buf + r->pos;
		n = r->len - r->pos;
		if (m->in_comment) {
			for (i = 0; i < n && p[i] != '\n' && p[i] != '\r'; i++)
				if (p[i] == '\0')
					return br_errf(err, BR_EINPUT,
					    m->name, r->line, NUL_MSG);
			if (i > 0)
				r->prev_cr = 0;
			if (i < n)
				m->in_comment = 0;
			r->pos += i;
			continue;
		}
		if (!m->rec_open) {
			c = p[0];
			if (c == '\n' || c == '\r') {
				rd_count(r, c);
				r->pos++;
				continue;
			}
			if (c == '#' && !m->hash_is_data) {
				m->in_comment = 1;
				continue;
			}
			m->rec_open = 1;
			m->rec_line = r->line;
			csv_rec_reset(m);
		}
		for (i = 0; i < n && p[i] != '\n' && p[i] != '\r'; i++)
			if (p[i] == '\0')
				return br_errf(err, BR_EINPUT, m->name, r->line,
				    NUL_MSG);
		if (i > 0)
			r->prev_cr = 0;
		if ((rv = csv_feed(m, p, i < n ? i + 1 : n, err)) != 0)
			return rv;
		if (i < n) {
			rd_count(r, p[i]);
			r->pos += i + 1;
		} else
			r->pos += n;
		if (!m->rec_done)
			continue;
done:
		m->rec_open = m->rec_done = 0;
		if (m->last_full == 0)
			continue;		/* empty row */
		return 1;
	}
}

/* Picks the delimiter from the header line: the most frequent of , ; TAB
 * outside quotes; ties or none give dflt. */
static int
csv_detect(struct br_manifest *m, int dflt, int *delim, struct br_err *err)
{
	static const char cand[3] = { ',', ';', '\t' };
	size_t cnt[3] = { 0, 0, 0 }, seen = 0, best;
	int c, inq = 0, fstart = 1, content = 0, comment = 0, bol = 1;
	int i, ties;

	for (;;) {
		c = jpeek(m, err);
		if (c == J_ERR)
			return BR_EIO;
		if (c == J_EOF || ++seen > MAX_ROW)
			break;
		jadv(m);
		if (inq) {
			if (c == '"') {
				if (jpeek(m, err) == '"')
					jadv(m);
				else
					inq = 0;
			}
			continue;
		}
		if (bol && c == '#')
			comment = 1;
		bol = 0;
		if (c == '\n' || c == '\r') {
			if (content && !comment)
				break;
			cnt[0] = cnt[1] = cnt[2] = 0;
			bol = fstart = 1;
			comment = 0;
			continue;
		}
		if (comment)
			continue;
		if (c == '"' && fstart) {
			inq = 1;
			content = 1;
			fstart = 0;
			continue;
		}
		fstart = 0;
		for (i = 0; i < 3; i++)
			if (c == cand[i]) {
				cnt[i]++;
				fstart = 1;
			}
		if (!fstart && c != ' ')
			content = 1;
	}
	best = 0;
	ties = 0;
	*delim = dflt;
	for (i = 0; i < 3; i++) {
		if (cnt[i] > best) {
			best = cnt[i];
			*delim = cand[i];
			ties = 0;
		} else if (cnt[i] == best && best > 0)
			ties = 1;
	}
	if (ties || !content)
		*delim = dflt;
	return 0;
}

static const char *
col_name(const void *ctx, size_t i, size_t *len)
{
	const struct br_manifest *m = ctx;

	*len = strlen(m->cols[i]);
	return m->cols[i];
}

static void
csv_free_cols(struct br_manifest *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++)
		free(m->cols[i]);
	free(m->cols);
	m->cols = NULL;
	m->ncols = 0;
}

/* Reads and checks the header (again, after a rewind). */
static int
csv_header(struct br_manifest *m, struct br_err *err)
{
	const char *s;
	char nb[80];
	size_t i, n, k;
	int rv;

	csv_free_cols(m);
	m->cell_limit = MAX_FIELDS;
	if ((rv = csv_record(m, err)) < 0)
		return rv;
	if (rv == 0)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file has no header row");
	if (m->last_full > MAX_FIELDS)
		return br_errf(err, BR_EINPUT, m->name, m->rec_line,
		    "header has more than %zu columns", MAX_FIELDS);
	n = m->last_full;
	if ((m->cols = calloc(n, sizeof(*m->cols))) == NULL)
		return nomem(err);
	for (i = 0; i < n; i++) {
		s = m->rec.p + m->cells[i].off;
		k = m->cells[i].len;
		while (k > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			k--;
		}
		while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k == 0)
			return br_errf(err, BR_EINPUT, m->name, m->rec_line,
			    "column %zu has no name", i + 1);
		if ((m->cols[i] = strndup(s, k)) == NULL)
			return nomem(err);
		m->ncols = i + 1;
	}
	m->hdr_cells = m->cells_total;
	if (nset_reset(&m->set, n) != 0)
		return nomem(err);
	for (i = 0; i < n; i++)
		if ((k = nset_add(&m->set, col_name, m, i)) != 0)
			return br_errf(err, BR_EINPUT, m->name, m->rec_line,
			    "duplicate column '%s' (columns %zu and %zu)",
			    shown(nb, sizeof(nb), m->cols[i],
			    strlen(m->cols[i])), k, i + 1);
	m->cell_limit = m->ncols;
	return 0;
}

static int
row_build(struct br_row *row, const struct fsrc *src, size_t n,
    struct br_err *err)
{
	size_t need, i;
	char *p;
	struct br_field *f;

	if (n == 0) {
		row->nfields = 0;
		return 0;
	}
	need = n * sizeof(struct br_field);
	for (i = 0; i < n; i++) {
		need += src[i].nlen + 1;
		if (src[i].val != NULL)
			need += src[i].vlen + 1;
	}
	if (need > row->_cap) {
		free(row->fields);
		row->fields = NULL;
		row->_cap = 0;
		row->nfields = 0;
		if ((row->fields = malloc(need)) == NULL)
			return nomem(err);
		row->_cap = need;
	}
	f = row->fields;
	p = (char *)(f + n);
	for (i = 0; i < n; i++) {
		f[i].name = p;
		memcpy(p, src[i].name, src[i].nlen);
		p[src[i].nlen] = '\0';
		p += src[i].nlen + 1;
		f[i].kind = (enum br_vkind)src[i].kind;
		if (src[i].val == NULL) {
			f[i].value = NULL;
			f[i].len = 0;
			continue;
		}
		f[i].value = p;
		f[i].len = src[i].vlen;
		if (src[i].vlen > 0)
			memcpy(p, src[i].val, src[i].vlen);
		p[src[i].vlen] = '\0';
		p += src[i].vlen + 1;
	}
	row->nfields = n;
	return 0;
}

static int
csv_next(struct br_manifest *m, struct br_row *row, struct br_err *err)
{
	size_t i;
	int rv;

	if ((rv = csv_record(m, err)) <= 0)
		return rv;
	if (m->last_full > m->ncols) {
		if (m->last_full <= m->hdr_cells)
			return br_errf(err, BR_EINPUT, m->name, m->rec_line,
			    "column %zu has a value but no name in the header",
			    m->last_full);
		return br_errf(err, BR_EINPUT, m->name, m->rec_line,
		    "row has %zu cells, the header has %zu", m->last_full,
		    m->ncols);
	}
	if (grow(&m->src, &m->src_cap, m->ncols, sizeof(*m->src)) != 0)
		return nomem(err);
	for (i = 0; i < m->ncols; i++) {
		m->src[i].name = m->cols[i];
		m->src[i].nlen = strlen(m->cols[i]);
		m->src[i].kind = BR_V_STRING;
		m->src[i].val = NULL;
		m->src[i].vlen = 0;
		if (i < m->ncells && m->cells[i].len > 0) {
			m->src[i].val = m->rec.p + m->cells[i].off;
			m->src[i].vlen = m->cells[i].len;
		}
	}
	if ((rv = row_build(row, m->src, m->ncols, err)) != 0)
		return rv;
	row->num = ++m->num;
	row->line = m->rec_line;
	return 1;
}

static int
csv_start(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = rd_seek(m, m->start, 1, err)) != 0 ||
	    (rv = csv_setup(m, err)) != 0)
		return rv;
	m->num = 0;
	return csv_header(m, err);
}

static int
csv_open(struct br_manifest *m, int delim, int dflt, struct br_err *err)
{
	int rv;

	if (delim == 0) {
		if ((rv = rd_seek(m, m->start, 1, err)) != 0 ||
		    (rv = csv_detect(m, dflt, &delim, err)) != 0)
			return rv;
	} else if (delim < 1 || delim > 255 || delim == '"' ||
	    delim == '\n' || delim == '\r')
		return br_errf(err, BR_EINPUT, NULL, 0,
		    "invalid delimiter (byte %d)", delim);
	m->delim = delim;
	return csv_start(m, err);
}

/* ---- JSON ---- */

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
jput(struct br_manifest *m, struct br_err *err, struct buf *b,
    const void *s, size_t n)
{
	if (b == NULL)
		return 0;
	if (b->len + n > MAX_ROW)
		return jtoobig(m, err);
	if (buf_put(b, s, n) != 0)
		return nomem(err);
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

/* The string at the reader ('"'), to out per mode. */
static int
jstring(struct br_manifest *m, struct br_err *err, struct buf *out,
    enum jmode mode)
{
	struct reader *r = &m->rd;
	long line0 = r->line;
	unsigned cp, lo;
	char u[4], raw[12], esc;
	size_t i, n;
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
		if (c < 0x20) {
			if (c == 0)
				return br_errf(err, BR_EINPUT, m->name,
				    r->line, NUL_MSG);
			if (c == '\n' || c == '\r')
				return br_errf(err, BR_EINPUT, m->name,
				    line0, "line break inside a string "
				    "(write it as \\n)");
			return br_errf(err, BR_EINPUT, m->name, r->line,
			    "control character 0x%02x inside a string", c);
		}
		if (c != '\\') {
			/* plain bytes: copy the run at once */
			for (i = r->pos, n = 0; i < r->len; i++, n++) {
				c = r->buf[i];
				if (c == '"' || c == '\\' || c < 0x20)
					break;
			}
			if ((rv = jput(m, err, out, r->buf + r->pos, n)) != 0)
				return rv;
			r->pos += n;
			r->prev_cr = 0;
			continue;
		}
		jadv(m);
		c = jpeek(m, err);
		esc = 0;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			esc = (char)c;
			break;
		case 'b':
			esc = '\b';
			break;
		case 'f':
			esc = '\f';
			break;
		case 'n':
			esc = '\n';
			break;
		case 'r':
			esc = '\r';
			break;
		case 't':
			esc = '\t';
			break;
		case 'u':
			break;
		case J_ERR:
			return BR_EIO;
		default:
			if (c > 0x20 && c < 0x7f)
				return br_errf(err, BR_EINPUT, m->name,
				    r->line, "invalid escape '\\%c' in a "
				    "string", c);
			return br_errf(err, BR_EINPUT, m->name, r->line,
			    "invalid escape in a string");
		}
		jadv(m);
		if (esc != 0) {
			raw[0] = '\\';
			raw[1] = (char)c;
			if ((rv = jput(m, err, out, mode == J_RAW ? raw : &esc,
			    mode == J_RAW ? 2 : 1)) != 0)
				return rv;
			continue;
		}
		if ((rv = jhex4(m, err, &cp, u)) != 0)
			return rv;
		memcpy(raw, "\\u", 2);
		memcpy(raw + 2, u, 4);
		n = 6;
		if (cp == 0)
			return br_errf(err, BR_EINPUT, m->name, r->line,
			    "NUL character in string");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return br_errf(err, BR_EINPUT, m->name, r->line,
			    "invalid \\u escape (unpaired surrogate)");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (jpeek(m, err) != '\\')
				return br_errf(err, BR_EINPUT, m->name,
				    r->line, "invalid \\u escape (unpaired "
				    "surrogate)");
			jadv(m);
			if (jpeek(m, err) != 'u')
				return br_errf(err, BR_EINPUT, m->name,
				    r->line, "invalid \\u escape (unpaired "
				    "surrogate)");
			jadv(m);
			if ((rv = jhex4(m, err, &lo, u)) != 0)
				return rv;
			if (lo < 0xdc00 || lo > 0xdfff)
				return br_errf(err, BR_EINPUT, m->name,
				    r->line, "invalid \\u escape (unpaired "
				    "surrogate)");
			memcpy(raw + 6, "\\u", 2);
			memcpy(raw + 8, u, 4);
			n = 12;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (mode == J_RAW) {
			if ((rv = jput(m, err, out, raw, n)) != 0)
				return rv;
			continue;
		}
		if (cp < 0x80) {
			u[0] = (char)cp;
			n = 1;
		} else if (cp < 0x800) {
			u[0] = (char)(0xc0 | (cp >> 6));
			u[1] = (char)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			u[0] = (char)(0xe0 | (cp >> 12));
			u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
			u[2] = (char)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			u[0] = (char)(0xf0 | (cp >> 18));
			u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
			u[3] = (char)(0x80 | (cp & 0x3f));
			n = 4;
		}
		if ((rv = jput(m, err, out, u, n)) != 0)
			return rv;
	}
}

static int
jdigits(struct br_manifest *m, struct br_err *err, struct buf *out)
{
	int c, rv, n = 0;
	char ch;

	while ((c = jpeek(m, err)) >= '0' && c <= '9') {
		ch = (char)c;
		if ((rv = jput(m, err, out, &ch, 1)) != 0)
			return rv;
		jadv(m);
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
jnumber(struct br_manifest *m, struct br_err *err, struct buf *out)
{
	int c, rv;
	char ch;

	c = jpeek(m, err);
	if (c == '-') {
		if ((rv = jput(m, err, out, "-", 1)) != 0)
			return rv;
		jadv(m);
		c = jpeek(m, err);
	}
	if (c == '0') {
		if ((rv = jput(m, err, out, "0", 1)) != 0)
			return rv;
		jadv(m);
		c = jpeek(m, err);
		if (c >= '0' && c <= '9')
			return br_errf(err, BR_EINPUT, m->name, m->rd.line,
			    "invalid number (leading zero)");
	} else if ((rv = jdigits(m, err, out)) != 0)
		return rv;
	c = jpeek(m, err);
	if (c == '.') {
		if ((rv = jput(m, err, out, ".", 1)) != 0)
			return rv;
		jadv(m);
		if ((rv = jdigits(m, err, out)) != 0)
			return rv;
		c = jpeek(m, err);
	}
	if (c == 'e' || c == 'E') {
		ch = (char)c;
		if ((rv = jput(m, err, out, &ch, 1)) != 0)
			return rv;
		jadv(m);
		c = jpeek(m, err);
		if (c == '+' || c == '-') {
			ch = (char)c;
			if ((rv = jput(m, err, out, &ch, 1)) != 0)
				return rv;
			jadv(m);
		}
		if ((rv = jdigits(m, err, out)) != 0)
			return rv;
	}
	return 0;
}

/* true, false or null; writes "true"/"false" (or "null" if raw). */
static int
jliteral(struct br_manifest *m, struct br_err *err, struct buf *out,
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
jcapture(struct br_manifest *m, struct br_err *err, struct buf *out,
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
	struct jfield *f;
	int rv;

	if (m->njf >= MAX_FIELDS)
		return br_errf(err, BR_EINPUT, m->name, line,
		    "row has more than %zu fields", MAX_FIELDS);
	if (grow(&m->jf, &m->jf_cap, m->njf + 1, sizeof(*m->jf)) != 0)
		return nomem(err);
	f = &m->jf[m->njf];
	memset(f, 0, sizeof(*f));
	f->line = line;
	f->isobj = isobj;
	f->noff = m->jb.len;
	f->nlen = m->path.len;
	if ((rv = jput(m, err, &m->jb, m->path.p, m->path.len)) != 0 ||
	    (rv = jput(m, err, &m->jb, "", 1)) != 0)
		return rv;
	f->voff = m->jb.len;
	f->kind = BR_V_NULL;
	*idx = m->njf++;
	return 0;
}

static int
jf_setval(struct br_manifest *m, struct br_err *err, size_t idx,
    const char *s, size_t n, int kind)
{
	int rv;

	m->jf[idx].isobj = 0;
	m->jf[idx].kind = kind;
	m->jf[idx].voff = m->jb.len;
	if ((rv = jput(m, err, &m->jb, s, n)) != 0 ||
	    (rv = jput(m, err, &m->jb, "", 1)) != 0)
		return rv;
	m->jf[idx].vlen = n;
	return 0;
}

/* The leaf value at the reader, named m->path, into a new field. */
static int
jleaf(struct br_manifest *m, struct br_err *err, long line, int depth)
{
	size_t idx, voff;
	int c, rv, kind;

	if ((rv = jf_new(m, err, line, 0, &idx)) != 0)
		return rv;
	voff = m->jb.len;
	c = jpeek(m, err);
	if (c == '"') {
		kind = BR_V_STRING;
		rv = jstring(m, err, &m->jb, J_TEXT);
	} else if (c == '[') {
		kind = BR_V_JSON;
		rv = jcapture(m, err, &m->jb, depth + 1);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		kind = BR_V_NUMBER;
		rv = jnumber(m, err, &m->jb);
	} else if (jis_alpha(c))
		rv = jliteral(m, err, &m->jb, 0, &kind);
	else
		return jfound(m, err, c, "a value");
	if (rv != 0)
		return rv;
	m->jf[idx].kind = kind;
	m->jf[idx].voff = voff;
	m->jf[idx].vlen = m->jb.len - voff;
	return jput(m, err, &m->jb, "", 1);
}

/* The object at the reader, flattened under m->path.  *empty: it had no
 * keys. */
static int
jobject(struct br_manifest *m, struct br_err *err, int depth, int *empty)
{
	size_t plen = m->path.len, idx;
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
		if (plen > 0 && (rv = jput(m, err, &m->path, ".", 1)) != 0)
			return rv;
		idx = m->path.len;
		if ((rv = jstring(m, err, &m->path, J_TEXT)) != 0)
			return rv;
		if (m->path.len == idx)
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
		m->path.len = plen;
		if ((rv = jobject_next(m, err)) <= 0)
			return rv;	/* the object ended, or an error */
	}
}

static const char *
jf_name(const void *ctx, size_t i, size_t *len)
{
	const struct br_manifest *m = ctx;

	*len = m->jf[i].nlen;
	return m->jb.p + m->jf[i].noff;
}

static const char *
df_name(const void *ctx, size_t i, size_t *len)
{
	const struct br_manifest *m = ctx;

	*len = m->df[i].nlen;
	return m->db.p + m->df[i].noff;
}

/* Parses one object (the reader is at '{') into m->jf, m->jb. */
static int
jrow(struct br_manifest *m, struct br_err *err)
{
	char nb[80];
	size_t i, k;
	int rv, empty;

	m->jb.len = 0;
	m->path.len = 0;
	m->njf = 0;
	if ((rv = jobject(m, err, 0, &empty)) != 0)
		return rv;
	if (nset_reset(&m->set, m->njf) != 0)
		return nomem(err);
	for (i = 0; i < m->njf; i++)
		if ((k = nset_add(&m->set, jf_name, m, i)) != 0)
			return br_errf(err, BR_EINPUT, m->name, m->jf[i].line,
			    "duplicate key '%s'", shown(nb, sizeof(nb),
			    m->jb.p + m->jf[i].noff, m->jf[i].nlen));
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

/* m->jf merged with the defaults into row. */
static int
jrow_build(struct br_manifest *m, struct br_row *row, struct br_err *err)
{
	size_t i, j, n = 0;
	const char *name;
	size_t len;

	if (grow(&m->src, &m->src_cap, m->ndf + m->njf + 1,
	    sizeof(*m->src)) != 0)
		return nomem(err);
	for (j = 0; j < m->ndf; j++)
		m->dover[j] = -1;
	for (i = 0; i < m->njf; i++) {
		m->jf[i].used = 0;
		if (m->jf[i].isobj || m->ndf == 0)
			continue;
		name = jf_name(m, i, &len);
		if ((j = nset_find(&m->dset, df_name, m, name, len)) != 0) {
			m->dover[j - 1] = (long)i;
			m->jf[i].used = 1;
		}
	}
	for (j = 0; j < m->ndf; j++) {
		if (m->dover[j] >= 0)
			src_set(&m->src[n++], m->jb.p, &m->jf[m->dover[j]]);
		else
			src_set(&m->src[n++], m->db.p, &m->df[j]);
	}
	for (i = 0; i < m->njf; i++)
		if (!m->jf[i].isobj && !m->jf[i].used)
			src_set(&m->src[n++], m->jb.p, &m->jf[i]);
	return row_build(row, m->src, n, err);
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

static int
json_next(struct br_manifest *m, struct br_row *row, struct br_err *err)
{
	int c;

	jws(m, err);
	c = jpeek(m, err);
	switch (m->jstate) {
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
	m->jstate = JA_NEXT;
	return jelement(m, row, err);
end:
	m->jstate = JA_DONE;
	if (m->wrapper)
		return 0;	/* the rest was checked at open */
	jws(m, err);
	if ((c = jpeek(m, err)) != J_EOF)
		return jafter(m, err, c, "JSON array");
	return 0;
}

static int
json_start(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = rd_seek(m, m->ops_off, m->ops_line, err)) != 0)
		return rv;
	if (jpeek(m, err) != '[')
		return br_errf(err, BR_EIO, m->name, 0,
		    "file changed while being read");
	jadv(m);
	m->jstate = JA_FIRST;
	m->num = 0;
	return 0;
}

/* Keeps m->jf/m->jb, just parsed, as the defaults. */
static int
json_keep_defaults(struct br_manifest *m, struct br_err *err)
{
	size_t i, n = 0;

	for (i = 0; i < m->njf; i++)
		if (!m->jf[i].isobj)
			n++;
	m->ndf = 0;
	buf_free(&m->db);
	if (buf_put(&m->db, m->jb.p, m->jb.len) != 0)
		return nomem(err);
	free(m->df);
	free(m->dover);
	m->df = calloc(n + 1, sizeof(*m->df));
	m->dover = calloc(n + 1, sizeof(*m->dover));
	if (m->df == NULL || m->dover == NULL)
		return nomem(err);
	for (i = 0; i < m->njf; i++)
		if (!m->jf[i].isobj)
			m->df[m->ndf++] = m->jf[i];
	if (nset_reset(&m->dset, m->ndf) != 0)
		return nomem(err);
	for (i = 0; i < m->ndf; i++)
		(void)nset_add(&m->dset, df_name, m, i);
	return 0;
}

static int
key_is(const struct buf *b, const char *s)
{
	return b->len == strlen(s) && memcmp(b->p, s, b->len) == 0;
}

/* The {"defaults", "operations"} object at the reader, checked whole. */
static int
json_wrapper(struct br_manifest *m, struct br_err *err)
{
	long line0 = m->rd.line, kline;
	char nb[80];
	int c, rv, have_ops = 0, have_defs = 0;

	m->wrapper = 1;
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
		m->path.len = 0;
		if ((rv = jstring(m, err, &m->path, J_TEXT)) != 0)
			return rv;
		jws(m, err);
		if ((c = jpeek(m, err)) != ':')
			return jfound(m, err, c, "':' after the key");
		jadv(m);
		jws(m, err);
		c = jpeek(m, err);
		if (key_is(&m->path, "defaults")) {
			if (have_defs++)
				return br_errf(err, BR_EINPUT, m->name, kline,
				    "duplicate key 'defaults'");
			if (c != '{')
				return br_errf(err, BR_EINPUT, m->name,
				    m->rd.line, "'defaults' is not an object");
			if ((rv = jrow(m, err)) != 0 ||
			    (rv = json_keep_defaults(m, err)) != 0)
				return rv;
		} else if (key_is(&m->path, "operations")) {
			if (have_ops++)
				return br_errf(err, BR_EINPUT, m->name, kline,
				    "duplicate key 'operations'");
			if (c != '[')
				return br_errf(err, BR_EINPUT, m->name,
				    m->rd.line, "'operations' is not an array");
			m->ops_off = rd_offset(&m->rd);
			m->ops_line = m->rd.line;
			if ((rv = jcapture(m, err, NULL, 0)) != 0)
				return rv;
		} else
			return br_errf(err, BR_EINPUT, m->name, kline,
			    "unknown key '%s' in the top-level object "
			    "(expected an array of rows, or an object with "
			    "'defaults' and 'operations')",
			    shown(nb, sizeof(nb), m->path.p, m->path.len));
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

static int
json_open(struct br_manifest *m, struct br_err *err)
{
	int c, rv;

	if ((rv = rd_seek(m, m->start, 1, err)) != 0)
		return rv;
	jws(m, err);
	c = jpeek(m, err);
	if (c == J_EOF)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file is empty");
	if (c == '[') {
		m->ops_off = rd_offset(&m->rd);
		m->ops_line = m->rd.line;
	} else if (c == '{') {
		if ((rv = json_wrapper(m, err)) != 0)
			return rv;
	} else
		return jfound(m, err, c, "a JSON array or object");
	return json_start(m, err);
}

static int
jsonl_next(struct br_manifest *m, struct br_row *row, struct br_err *err)
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

static int
jsonl_open(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = rd_seek(m, m->start, 1, err)) != 0)
		return rv;
	jws(m, err);
	if (jpeek(m, err) == J_EOF)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file is empty");
	m->num = 0;
	return rd_seek(m, m->start, 1, err);
}

/* ---- opening ---- */

static int
spool(struct br_manifest *m, FILE *in, FILE **outp, struct br_err *err)
{
	FILE *t;
	size_t n;

	*outp = NULL;
	if ((t = tmpfile()) == NULL)
		return io_err(m, err, "cannot create a temporary file");
	while ((n = fread(m->rd.buf, 1, RD_BUFSZ, in)) > 0)
		if (fwrite(m->rd.buf, 1, n, t) != n) {
			io_err(m, err, "cannot write a temporary file");
			fclose(t);
			return BR_EIO;
		}
	if (ferror(in)) {
		io_err(m, err, "read error");
		fclose(t);
		return BR_EIO;
	}
	if (fflush(t) != 0) {
		io_err(m, err, "cannot write a temporary file");
		fclose(t);
		return BR_EIO;
	}
	*outp = t;
	return 0;
}

static int
ext_is(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);
	const char *slash = strrchr(path, '/');

	if (n <= k || strcasecmp(path + n - k, ext) != 0)
		return 0;
	/* not just ".csv" as a whole file name */
	return (slash == NULL ? path : slash + 1) < path + n - k;
}

/* Guesses the format from the first byte that is not blank. */
static int
sniff(struct br_manifest *m, int *fmt, struct br_err *err)
{
	struct br_err scratch;
	size_t i;
	long line0;
	int c, rv, empty, alone = 0;

	*fmt = BR_MF_CSV;
	if ((rv = rd_seek(m, m->start, 1, err)) != 0)
		return rv;
	jws(m, err);
	c = jpeek(m, err);
	if (c == J_ERR)
		return BR_EIO;
	if (c == '[')
		*fmt = BR_MF_JSON;
	else if (c == '{') {
		*fmt = BR_MF_JSON;
		br_err_clear(&scratch);
		line0 = m->rd.line;
		m->jb.len = m->path.len = m->njf = 0;
		if (jobject(m, &scratch, 0, &empty) == 0 &&
		    m->rd.line == line0) {
			while ((c = jpeek(m, &scratch)) == ' ' || c == '\t')
				jadv(m);
			alone = c == '\n' || c == '\r' || c == J_EOF;
			for (i = 0; alone && i < m->njf; i++)
				if ((m->jf[i].nlen == 10 && memcmp(m->jb.p +
				    m->jf[i].noff, "operations", 10) == 0) ||
				    (m->jf[i].nlen >= 8 && memcmp(m->jb.p +
				    m->jf[i].noff, "defaults", 8) == 0 &&
				    (m->jf[i].nlen == 8 ||
				    m->jb.p[m->jf[i].noff + 8] == '.')))
					alone = 0;
		}
		if (alone)
			*fmt = BR_MF_JSONL;
	}
	return rd_seek(m, m->start, 1, err);
}

int
br_manifest_open(struct br_manifest **mp, const char *path,
    const struct br_manifest_opts *opts, struct br_err *err)
{
	struct br_manifest *m;
	struct stat st;
	FILE *f = NULL, *t;
	const unsigned char *b;
	int rv, fmt, stdin_ = strcmp(path, "-") == 0, dflt = ',';

	*mp = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return nomem(err);
	m->name = strdup(stdin_ ? "<stdin>" : path);
	m->rd.buf = malloc(RD_BUFSZ);
	m->delim = ',';
	if (m->name == NULL || m->rd.buf == NULL) {
		rv = nomem(err);
		goto fail;
	}
	if (stdin_) {
		if ((rv = spool(m, stdin, &m->rd.f, err)) != 0)
			goto fail;
	} else {
		if ((f = fopen(path, "rb")) == NULL) {
			rv = io_err(m, err, "cannot open");
			goto fail;
		}
		if (fstat(fileno(f), &st) != 0) {
			rv = io_err(m, err, "cannot stat");
			fclose(f);
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			fclose(f);
			rv = br_errf(err, BR_EIO, m->name, 0,
			    "is a directory");
			goto fail;
		}
		if (S_ISREG(st.st_mode) && !(opts != NULL && opts->snapshot))
			m->rd.f = f;
		else {
			if (opts != NULL && opts->snapshot &&
			    S_ISREG(st.st_mode)) {
				m->snap = 1;
				m->snap_st = st;
				if ((m->snap_path = strdup(path)) == NULL) {
					fclose(f);
					rv = nomem(err);
					goto fail;
				}
			}
			rv = spool(m, f, &t, err);
			fclose(f);
			if (rv != 0)
				goto fail;
			m->rd.f = t;
		}
	}
	if ((rv = rd_seek(m, 0, 1, err)) != 0 ||
	    (rv = rd_fill(m, err)) < 0)
		goto fail;
	b = m->rd.buf;
	if (m->rd.len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
	    (b[0] == 0xfe && b[1] == 0xff))) {
		rv = br_errf(err, BR_EINPUT, m->name, 0, "the file is UTF-16: "
		    "save it as UTF-8 (in Excel: \"CSV UTF-8\")");
		goto fail;
	}
	if (m->rd.len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		m->start = 3;
		m->bom = 1;
	}

	if (opts != NULL) {
		m->hash_is_data = opts->hash_is_data;
		m->cut_ok = opts->cut_ok;
	}
	fmt = opts != NULL ? opts->format : 0;
	if (fmt == 0 && !stdin_) {
		if (ext_is(path, ".json"))
			fmt = BR_MF_JSON;
		else if (ext_is(path, ".jsonl") || ext_is(path, ".ndjson"))
			fmt = BR_MF_JSONL;
		else if (ext_is(path, ".csv") || ext_is(path, ".txt"))
			fmt = BR_MF_CSV;
		else if (ext_is(path, ".tsv")) {
			fmt = BR_MF_CSV;
			dflt = '\t';
		}
	}
	if (fmt == 0 && (rv = sniff(m, &fmt, err)) != 0)
		goto fail;
	m->fmt = (enum br_mformat)fmt;
	switch (fmt) {
	case BR_MF_CSV:
		rv = csv_open(m, opts != NULL ? opts->delimiter : 0, dflt, err);
		break;
	case BR_MF_JSON:
		m->bom = 0;
		rv = json_open(m, err);
		break;
	case BR_MF_JSONL:
		m->bom = 0;
		rv = jsonl_open(m, err);
		break;
	default:
		rv = br_errf(err, BR_EINTERNAL, NULL, 0,
		    "unknown manifest format %d", fmt);
		break;
	}
	if (rv != 0)
		goto fail;
	*mp = m;
	return 0;
fail:
	br_manifest_close(m);
	return rv;
}

int
br_manifest_next(struct br_manifest *m, struct br_row *row,
    struct br_err *err)
{
	int rv;

	if (m->fail.code != 0) {
		if (err != NULL && err->code == 0)
			*err = m->fail;
		row->nfields = 0;
		return m->fail.code;
	}
	m->cut = 0;		/* br_manifest_cut() is about this row */
	switch (m->fmt) {
	case BR_MF_CSV:
		rv = csv_next(m, row, &m->fail);
		break;
	case BR_MF_JSON:
		rv = json_next(m, row, &m->fail);
		break;
	case BR_MF_JSONL:
		rv = jsonl_next(m, row, &m->fail);
		break;
	default:
		rv = br_errf(&m->fail, BR_EINTERNAL, NULL, 0, "bad format");
		break;
	}
	if (rv < 0) {
		if (m->fail.code == 0)
			br_errf(&m->fail, rv, m->name, 0, "cannot read");
		rv = m->fail.code;
		if (err != NULL && err->code == 0)
			*err = m->fail;
	}
	if (rv <= 0)
		row->nfields = 0;
	return rv;
}

int
br_manifest_rewind(struct br_manifest *m, struct br_err *err)
{
	int rv;

	br_err_clear(&m->fail);
	m->num = 0;
	m->cut = 0;
	switch (m->fmt) {
	case BR_MF_CSV:
		rv = csv_start(m, &m->fail);
		break;
	case BR_MF_JSON:
		rv = json_start(m, &m->fail);
		break;
	case BR_MF_JSONL:
		rv = rd_seek(m, m->start, 1, &m->fail);
		break;
	default:
		rv = br_errf(&m->fail, BR_EINTERNAL, NULL, 0, "bad format");
		break;
	}
	if (rv != 0 && err != NULL && err->code == 0)
		*err = m->fail;
	return rv;
}

const char *
br_manifest_name(const struct br_manifest *m)
{
	return m->name;
}

enum br_mformat
br_manifest_format(const struct br_manifest *m)
{
	return m->fmt;
}

int
br_manifest_delimiter(const struct br_manifest *m)
{
	return m->fmt == BR_MF_CSV ? m->delim : ',';
}

int
br_manifest_had_bom(const struct br_manifest *m)
{
	return m->fmt == BR_MF_CSV ? m->bom : 0;
}

size_t
br_manifest_ncolumns(const struct br_manifest *m)
{
	return m->fmt == BR_MF_CSV ? m->ncols : 0;
}

const char *
br_manifest_column(const struct br_manifest *m, size_t i)
{
	if (m->fmt != BR_MF_CSV || i >= m->ncols)
		return NULL;
	return m->cols[i];
}

int
br_manifest_cut(const struct br_manifest *m)
{
	return m->cut;
}

int
br_manifest_changed(const struct br_manifest *m)
{
	struct stat st;

	if (!m->snap)
		return 0;
	if (stat(m->snap_path, &st) != 0)
		return 1;
	return st.st_dev != m->snap_st.st_dev ||
	    st.st_ino != m->snap_st.st_ino ||
	    st.st_size != m->snap_st.st_size ||
	    st.st_mtim.tv_sec != m->snap_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != m->snap_st.st_mtim.tv_nsec;
}

void
br_manifest_close(struct br_manifest *m)
{
	if (m == NULL)
		return;
	if (m->rd.f != NULL)
		fclose(m->rd.f);
	if (m->csv_live)
		csv_free(&m->csv);
	csv_free_cols(m);
	free(m->rd.buf);
	free(m->name);
	free(m->snap_path);
	buf_free(&m->rec);
	free(m->cells);
	buf_free(&m->jb);
	buf_free(&m->path);
	free(m->jf);
	buf_free(&m->db);
	free(m->df);
	free(m->dover);
	free(m->dset.slot);
	free(m->set.slot);
	free(m->src);
	free(m);
}

struct br_field *
br_row_find(const struct br_row *row, const char *name)
{
	size_t i;

	for (i = 0; i < row->nfields; i++)
		if (strcasecmp(row->fields[i].name, name) == 0)
			return &row->fields[i];
	return NULL;
}

void
br_row_release(struct br_row *row)
{
	free(row->fields);
	memset(row, 0, sizeof(*row));
}
