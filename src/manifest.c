/*
 * manifest.c - streams the rows of a CSV, JSON or JSON Lines manifest:
 * the common front (open, next, rewind, the format from the name or the
 * first bytes, accessors) and the helpers the formats share.
 *
 * All formats read the file through one 64 KiB line-counting buffer
 * (reader.c).  CSV is manifest_csv.c (on libcsv), JSON and JSON Lines are
 * manifest_json.c (a streaming parser of our own).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encoding.h"
#include "manifest_int.h"
#include "text.h"

/* ---- helpers shared by the formats ---- */

int
br_mf_grow(void *pp, size_t *cap, size_t need, size_t size)
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

int
br_mf_nomem(struct br_err *err)
{
	return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
}


/* A name made safe to print: no control bytes, at most 64 bytes. */
const char *
br_mf_shown(char *dst, size_t dstsz, const char *s, size_t n)
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
		c = (unsigned char)br_text_lower((unsigned char)s[i]);
		h = (h ^ c) * 16777619u;
	}
	return h;
}

int
br_mf_nset_reset(struct nset *s, size_t n)
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

/* Index + 1 of the entry named like name, or 0 and *slot the empty slot
 * where it would go (s->cap > 0). */
static size_t
nset_probe(const struct nset *s, name_fn get, const void *ctx,
    const char *name, size_t len, size_t *slot)
{
	size_t h, k, n;
	const char *e;

	for (h = name_hash(name, len) & (s->cap - 1); s->slot[h] != 0;
	    h = (h + 1) & (s->cap - 1)) {
		k = s->slot[h] - 1;
		e = get(ctx, k, &n);
		if (name_eq(name, len, e, n))
			return k + 1;
	}
	*slot = h;
	return 0;
}

size_t
br_mf_nset_find(const struct nset *s, name_fn get, const void *ctx,
    const char *name, size_t len)
{
	size_t h;

	if (s->cap == 0)
		return 0;
	return nset_probe(s, get, ctx, name, len, &h);
}

size_t
br_mf_nset_add(struct nset *s, name_fn get, const void *ctx, size_t i)
{
	size_t h, k, len;
	const char *name;

	name = get(ctx, i, &len);
	if ((k = nset_probe(s, get, ctx, name, len, &h)) != 0)
		return k;
	s->slot[h] = i + 1;
	return 0;
}

int
br_mf_row_build(struct br_row *row, const struct fsrc *src, size_t n,
    struct br_err *err)
{
	size_t need, i;
	char *p;
	struct br_field *f;

	row->problem[0] = '\0';
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
			return br_mf_nomem(err);
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


/* ---- opening ---- */

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
	int c, rv;

	*fmt = BR_MF_CSV;
	if ((rv = br_reader_seek(&m->rd, m->start, 1, err)) != 0)
		return rv;
	c = br_mf_json_first(m, err);
	if (c == BR_READER_ERR)
		return BR_EIO;
	if (c == '[')
		*fmt = BR_MF_JSON;
	else if (c == '{')
		*fmt = br_mf_json_line_alone(m) ? BR_MF_JSONL : BR_MF_JSON;
	return br_reader_seek(&m->rd, m->start, 1, err);
}

/* The format the file name says (0: none); *dflt gets TAB for .tsv. */
static int
format_from_name(const char *path, int *dflt)
{
	if (ext_is(path, ".json"))
		return BR_MF_JSON;
	if (ext_is(path, ".jsonl") || ext_is(path, ".ndjson"))
		return BR_MF_JSONL;
	if (ext_is(path, ".csv") || ext_is(path, ".txt"))
		return BR_MF_CSV;
	if (ext_is(path, ".tsv")) {
		*dflt = '\t';
		return BR_MF_CSV;
	}
	return 0;
}

/* Sets *from to the encoding the file f (seekable) is to be converted
 * from (BR_ENC_UTF8: none): a UTF-16 byte-order mark says UTF-16, else
 * the one given.  A mark that contradicts the one given is an error.
 * Leaves f at its start. */
static int
source_encoding(struct br_manifest *m, FILE *f, int given, int *from,
    struct br_err *err)
{
	unsigned char b[4];
	size_t n;
	int bom;

	if (fseeko(f, 0, SEEK_SET) != 0)
		return br_reader_io_err(&m->rd, err, "cannot seek");
	n = fread(b, 1, sizeof(b), f);
	if (ferror(f))
		return br_reader_io_err(&m->rd, err, "read error");
	if (fseeko(f, 0, SEEK_SET) != 0)
		return br_reader_io_err(&m->rd, err, "cannot seek");
	bom = br_enc_bom(b, n);
	*from = given;
	if (bom == BR_ENC_UTF16LE || bom == BR_ENC_UTF16BE) {
		*from = bom;
		if (given != BR_ENC_UTF8)
			return br_errf(err, BR_EINPUT, m->name, 0, "the file "
			    "starts with a UTF-16 byte-order mark (Excel's "
			    "\"Unicode Text\"), which bulkrun reads as it "
			    "is: leave out --encoding");
	} else if (bom == BR_ENC_UTF8 && given != BR_ENC_UTF8)
		return br_errf(err, BR_EINPUT, m->name, 0, "the file starts "
		    "with a UTF-8 byte-order mark: it is UTF-8 already; leave "
		    "out --encoding");
	return 0;
}

/* Converts f (at its start) from enc into a temporary file, m->rd.f. */
static int
convert(struct br_manifest *m, FILE *f, int enc, struct br_err *err)
{
	FILE *t;
	int rv;

	if ((t = tmpfile()) == NULL)
		return br_reader_io_err(&m->rd, err,
		    "cannot create a temporary file");
	if ((rv = br_enc_convert(f, t, enc, m->name, err)) != 0) {
		fclose(t);
		return rv;
	}
	m->rd.f = t;
	m->enc = enc;
	return 0;
}

/* Whether f (seekable) starts as a zip does; leaves f at its start. */
static int
is_zip(FILE *f)
{
	unsigned char b[4];
	size_t n;

	if (fseeko(f, 0, SEEK_SET) != 0)
		return 0;
	n = fread(b, 1, sizeof(b), f);
	clearerr(f);
	if (fseeko(f, 0, SEEK_SET) != 0)
		return 0;
	return br_xlsx_is_zip(b, n);
}

/* The workbook at path (or the open copy f, when path is NULL): its
 * sheet converted to CSV into a temporary file, m->rd.f (xlsxin.h). */
static int
open_workbook(struct br_manifest *m, const char *path, FILE *f, int enc,
    struct br_err *err)
{
	char fdpath[64];
	FILE *t;
	int rv;

	if (enc != BR_ENC_UTF8)
		return br_errf(err, BR_EINPUT, m->name, 0, "is a workbook "
		    "(.xlsx), read as it is: leave out --encoding");
	if (path == NULL) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d",
		    fileno(f));
		path = fdpath;
	}
	if ((t = tmpfile()) == NULL)
		return br_reader_io_err(&m->rd, err,
		    "cannot create a temporary file");
	rv = br_xlsx_to_csv(path, m->name, m->want_sheet, t, &m->xlsx, err);
	if (rv == 0 && fseeko(t, 0, SEEK_SET) != 0)
		rv = br_reader_io_err(&m->rd, err, "cannot seek");
	if (rv != 0) {
		fclose(t);
		return rv;
	}
	m->rd.f = t;
	m->is_xlsx = 1;
	return 0;
}

/* Takes the temporary copy t as m->rd.f, converted first if need be. */
static int
take_copy(struct br_manifest *m, FILE *t, int enc, struct br_err *err)
{
	int from, rv;

	if (is_zip(t)) {
		rv = open_workbook(m, NULL, t, enc, err);
		fclose(t);
		return rv;
	}
	if ((rv = source_encoding(m, t, enc, &from, err)) == 0 &&
	    from == BR_ENC_UTF8) {
		m->rd.f = t;
		return 0;
	}
	if (rv == 0)
		rv = convert(m, t, from, err);
	fclose(t);
	return rv;
}

/*
 * Opens path into m->rd.f: a regular file as it is, anything else (and
 * a regular file when snapshot) copied to a temporary file first; a file
 * in another encoding is converted into a temporary file (which is then
 * the snapshot: what is checked is what is run).
 */
static int
open_file(struct br_manifest *m, const char *path, int snapshot, int enc,
    struct br_err *err)
{
	struct stat st;
	FILE *f, *t;
	int rv, from;

	if ((f = fopen(path, "rb")) == NULL)
		return br_reader_io_err(&m->rd, err, "cannot open");
	if (fstat(fileno(f), &st) != 0) {
		rv = br_reader_io_err(&m->rd, err, "cannot stat");
		fclose(f);
		return rv;
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		return br_errf(err, BR_EIO, m->name, 0, "is a directory");
	}
	if (snapshot && S_ISREG(st.st_mode)) {
		m->snap = 1;
		m->snap_st = st;
		if ((m->snap_path = strdup(path)) == NULL) {
			fclose(f);
			return br_mf_nomem(err);
		}
	}
	if (S_ISREG(st.st_mode) && (is_zip(f) || ext_is(path, ".xlsx"))) {
		rv = open_workbook(m, path, NULL, enc, err);
		fclose(f);
		return rv;
	}
	if (!S_ISREG(st.st_mode)) {	/* a pipe: copied, then looked at */
		rv = br_reader_spool(&m->rd, f, &t, err);
		fclose(f);
		return rv != 0 ? rv : take_copy(m, t, enc, err);
	}
	if ((rv = source_encoding(m, f, enc, &from, err)) == 0) {
		if (from != BR_ENC_UTF8)
			rv = convert(m, f, from, err);
		else if (!snapshot) {
			m->rd.f = f;
			return 0;
		} else
			rv = br_reader_spool(&m->rd, f, &m->rd.f, err);
	}
	fclose(f);
	return rv;
}

/* Skips a UTF-8 byte order mark. */
static int
check_bom(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = br_reader_seek(&m->rd, 0, 1, err)) != 0 ||
	    (rv = br_reader_fill(&m->rd, err)) < 0)
		return rv;
	if (br_enc_bom(m->rd.buf, m->rd.len) == BR_ENC_UTF8) {
		m->start = 3;
		m->bom = 1;
	}
	return 0;
}

/* Opens the file (or standard input), converted if need be, checked to
 * be UTF-8 if asked, at its first byte after a UTF-8 byte order mark. */
static int
open_input(struct br_manifest *m, const char *path,
    const struct br_manifest_opts *opts, struct br_err *err)
{
	struct br_manifest_opts none = { 0 };
	FILE *t;
	int rv;

	if (opts == NULL)
		opts = &none;
	m->want_sheet = opts->sheet;
	if (strcmp(path, "-") != 0)
		rv = open_file(m, path, opts->snapshot, opts->encoding, err);
	else if ((rv = br_reader_spool(&m->rd, stdin, &t, err)) == 0)
		rv = take_copy(m, t, opts->encoding, err);
	if (rv == 0 && opts->utf8_only && m->enc == BR_ENC_UTF8 &&
	    (rv = br_reader_seek(&m->rd, 0, 1, err)) == 0)
		rv = br_enc_check(m->rd.f, m->name, err);
	if (rv != 0)
		return rv;
	return check_bom(m, err);
}

int
br_manifest_open(struct br_manifest **mp, const char *path,
    const struct br_manifest_opts *opts, struct br_err *err)
{
	struct br_manifest *m;
	int rv, fmt, stdin_ = strcmp(path, "-") == 0, dflt = ',';

	*mp = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return br_mf_nomem(err);
	m->name = strdup(stdin_ ? "<stdin>" : path);
	rv = br_reader_init(&m->rd, m->name);
	m->csv.delim = ',';
	if (m->name == NULL || rv != 0) {
		rv = br_mf_nomem(err);
		goto fail;
	}
	if ((rv = open_input(m, path, opts, err)) != 0)
		goto fail;
	if (opts != NULL && opts->sheet != NULL && !m->is_xlsx) {
		rv = br_errf(err, BR_EINPUT, m->name, 0, "--sheet: not a "
		    "workbook (.xlsx)");
		goto fail;
	}
	if (opts != NULL) {
		m->hash_is_data = opts->hash_is_data;
		m->cut_ok = opts->cut_ok;
	}
	fmt = opts != NULL ? opts->format : 0;
	if (fmt == 0 && !stdin_)
		fmt = format_from_name(path, &dflt);
	if (m->is_xlsx)
		fmt = BR_MF_CSV;
	if (m->enc == BR_ENC_UTF16LE || m->enc == BR_ENC_UTF16BE)
		dflt = '\t';		/* Excel's "Unicode Text" */
	if (fmt == 0 && (rv = sniff(m, &fmt, err)) != 0)
		goto fail;
	m->fmt = (enum br_mformat)fmt;
	switch (fmt) {
	case BR_MF_CSV:
		rv = br_mf_csv_open(m, m->is_xlsx ? ',' : opts != NULL ?
		    opts->delimiter : 0, dflt, err);
		break;
	case BR_MF_JSON:
		m->bom = 0;
		rv = br_mf_json_open(m, err);
		break;
	case BR_MF_JSONL:
		m->bom = 0;
		rv = br_mf_jsonl_open(m, err);
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
		rv = br_mf_csv_next(m, row, &m->fail);
		break;
	case BR_MF_JSON:
		rv = br_mf_json_next(m, row, &m->fail);
		break;
	case BR_MF_JSONL:
		rv = br_mf_jsonl_next(m, row, &m->fail);
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
		rv = br_mf_csv_start(m, &m->fail);
		break;
	case BR_MF_JSON:
		rv = br_mf_json_start(m, &m->fail);
		break;
	case BR_MF_JSONL:
		rv = br_reader_seek(&m->rd, m->start, 1, &m->fail);
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
	return m->fmt == BR_MF_CSV ? m->csv.delim : ',';
}

int
br_manifest_encoding(const struct br_manifest *m)
{
	return m->enc;
}

int
br_manifest_had_bom(const struct br_manifest *m)
{
	return m->fmt == BR_MF_CSV ? m->bom : 0;
}

size_t
br_manifest_ncolumns(const struct br_manifest *m)
{
	return m->fmt == BR_MF_CSV ? m->csv.ncols : 0;
}

const char *
br_manifest_column(const struct br_manifest *m, size_t i)
{
	if (m->fmt != BR_MF_CSV || i >= m->csv.ncols)
		return NULL;
	return m->csv.cols[i];
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
	br_reader_release(&m->rd);
	br_mf_csv_release(m);
	br_mf_json_release(m);
	br_xlsx_release(&m->xlsx);
	free(m->name);
	free(m->snap_path);
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
