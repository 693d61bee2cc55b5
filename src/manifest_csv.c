/*
 * manifest_csv.c - the CSV manifest, on libcsv.
 *
 * libcsv reports fields and records but not where they are.  To know the
 * line where each record starts, the reader's buffer is fed to libcsv in
 * pieces that end at a CR or LF (or at the end of the buffer), so that a
 * piece holds at most one line break, at its end, and at most one record
 * can end in a piece.  A record starts at the first byte that is not a
 * line break fed while no record is open; comment lines are recognised
 * there and never reach libcsv.  At the end of the file a "\n" is fed: if
 * the record is still open, a quoted field never ended.
 */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "manifest_int.h"
#include "sheetref.h"
#include "text.h"

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
	struct csv_state *cs = &m->csv;
	size_t i, off, n = len;

	if (cs->cb_err != 0)
		return;
	i = cs->cells_total++;
	if (n > 0)		/* s may be NULL when empty */
		(void)br_text_trim_sp(s, &n);
	if (n > 0)		/* not only spaces and tabs */
		cs->last_full = i + 1;
	if (i >= cs->cell_limit)
		return;
	off = cs->rec.len;
	if (br_mf_grow(&cs->cells, &cs->cells_cap, i + 1,
	    sizeof(*cs->cells)) != 0 ||
	    br_strbuf_try_add(&cs->rec, s, len) != 0 ||
	    br_strbuf_try_add(&cs->rec, "", 1) != 0) {
		cs->cb_err = BR_ENOMEM;
		return;
	}
	cs->cells[i].off = off;
	cs->cells[i].len = len;
	cs->ncells = i + 1;
}

static void
csv_on_record(int c, void *data)
{
	struct br_manifest *m = data;

	(void)c;
	m->csv.rec_done = 1;
}

static int
csv_setup(struct br_manifest *m, struct br_err *err)
{
	if (m->csv.live)
		csv_free(&m->csv.parser);
	m->csv.live = 0;
	if (csv_init(&m->csv.parser, CSV_APPEND_NULL) != 0)
		return br_mf_nomem(err);
	m->csv.live = 1;
	csv_set_delim(&m->csv.parser, (unsigned char)m->csv.delim);
	csv_set_space_func(&m->csv.parser, csv_nospace);
	csv_set_blk_size(&m->csv.parser, BR_READER_BUFSZ);
	m->csv.rec_open = m->csv.rec_done = m->csv.in_comment = 0;
	m->csv.cb_err = 0;
	m->csv.folded = 0;
	return 0;
}

static void
csv_rec_reset(struct br_manifest *m)
{
	br_strbuf_reset(&m->csv.rec);
	m->csv.ncells = 0;
	m->csv.cells_total = 0;
	m->csv.last_full = 0;
}

static int
csv_feed(struct br_manifest *m, const unsigned char *p, size_t n,
    struct br_err *err)
{
	struct csv_state *cs = &m->csv;

	if (csv_parse(&cs->parser, p, n, csv_on_field, csv_on_record, m) != n)
		return csv_error(&cs->parser) == CSV_ENOMEM ? br_mf_nomem(err) :
		    br_errf(err, BR_EINPUT, m->name, cs->rec_line, "%s",
		    csv_strerror(csv_error(&cs->parser)));
	if (cs->cb_err != 0)
		return br_mf_nomem(err);
	if (cs->parser.entry_pos > MAX_ROW)
		return br_errf(err, BR_EINPUT, m->name, cs->rec_line,
		    "cell is larger than %u MiB", BR_MANIFEST_MAX_ROW >> 20);
	if (cs->rec.len + cs->parser.entry_pos > MAX_ROW)
		return br_errf(err, BR_EINPUT, m->name, cs->rec_line,
		    "row is larger than %u MiB", BR_MANIFEST_MAX_ROW >> 20);
	return 0;
}

/* Ends the record open at the end of the file: 0, or BR_E* when a quoted
 * field never ended (unless a cut row may be closed). */
static int
csv_feed_eof(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = csv_feed(m, (const unsigned char *)"\n", 1, err)) != 0)
		return rv;
	if (!m->csv.rec_done && m->cut_ok) {
		/* close the cut quoted cell */
		m->cut = 1;
		if ((rv = csv_feed(m, (const unsigned char *)"\"\n", 2,
		    err)) != 0)
			return rv;
	}
	if (!m->csv.rec_done)
		return br_errf(err, BR_EINPUT, m->name, m->csv.rec_line,
		    "unterminated quoted field");
	return 0;
}

/*
 * Reads the next record that is not skipped into m->csv.cells.  1: a record,
 * 0: end of file, else BR_E*.
 */
static int
csv_record(struct br_manifest *m, struct br_err *err)
{
	struct reader *r = &m->rd;
	const unsigned char *p;
	size_t n, i;
	long last;
	int rv, c;

	for (;;) {
		if (r->pos == r->len) {
			if ((rv = br_reader_fill(&m->rd, err)) < 0)
				return rv;
			if (rv == 0) {
				m->csv.in_comment = 0;
				if (!m->csv.rec_open)
					return 0;
				if ((rv = csv_feed_eof(m, err)) != 0)
					return rv;
				last = r->line;	/* no line break after it */
				goto done;
			}
		}
		p = r->buf + r->pos;
		n = r->len - r->pos;
		if (m->csv.in_comment) {
			for (i = 0; i < n && p[i] != '\n' && p[i] != '\r'; i++)
				if (p[i] == '\0')
					return br_errf(err, BR_EINPUT,
					    m->name, r->line, NUL_MSG);
			if (i > 0)
				r->prev_cr = 0;
			if (i < n)
				m->csv.in_comment = 0;
			r->pos += i;
			continue;
		}
		if (!m->csv.rec_open) {
			c = p[0];
			if (c == '\n' || c == '\r') {
				br_reader_count(r, c);
				r->pos++;
				continue;
			}
			if (c == '#' && !m->hash_is_data) {
				m->csv.in_comment = 1;
				continue;
			}
			m->csv.rec_open = 1;
			m->csv.rec_line = r->line;
			m->csv.rec_row = r->line - m->csv.folded;
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
			br_reader_count(r, p[i]);
			r->pos += i + 1;
		} else
			r->pos += n;
		if (!m->csv.rec_done)
			continue;
		last = r->line - 1;	/* the line of its line break */
done:
		m->csv.folded += last - m->csv.rec_line;
		m->csv.rec_open = m->csv.rec_done = 0;
		if (m->csv.last_full == 0)
			continue;		/* empty row */
		return 1;
	}
}

/* Picks the delimiter from the header line: the most frequent of , ; TAB
 * outside quotes; ties or none give dflt. */
static int
csv_detect(struct br_manifest *m, int dflt, int *delim,
    struct br_err *err)
{
	static const char cand[3] = { ',', ';', '\t' };
	size_t cnt[3] = { 0, 0, 0 }, seen = 0, best;
	int c, inq = 0, fstart = 1, content = 0, comment = 0, bol = 1;
	int i, ties;

	for (;;) {
		c = br_reader_peek(&m->rd, err);
		if (c == BR_READER_ERR)
			return BR_EIO;
		if (c == BR_READER_EOF || ++seen > MAX_ROW)
			break;
		br_reader_adv(&m->rd);
		if (inq) {
			if (c == '"') {
				if (br_reader_peek(&m->rd, err) == '"')
					br_reader_adv(&m->rd);
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

	*len = strlen(m->csv.cols[i]);
	return m->csv.cols[i];
}

static void
csv_free_cols(struct br_manifest *m)
{

	br_text_free_all(m->csv.cols, m->csv.ncols);
	free(m->csv.cols);
	m->csv.cols = NULL;
	m->csv.ncols = 0;
}

/* Reads and checks the header (again, after a rewind). */
static int
csv_header(struct br_manifest *m, struct br_err *err)
{
	const char *s;
	char nb[80], c1[16], c2[16];
	size_t i, n, k;
	int rv;

	csv_free_cols(m);
	m->csv.cell_limit = MAX_FIELDS;
	if ((rv = csv_record(m, err)) < 0)
		return rv;
	if (rv == 0)
		return br_errf(err, BR_EINPUT, m->name, 0,
		    "no rows: the file has no header row");
	if (m->csv.last_full > MAX_FIELDS)
		return br_errf(err, BR_EINPUT, m->name, m->csv.rec_line,
		    "header has more than %zu columns", MAX_FIELDS);
	n = m->csv.last_full;
	if ((m->csv.cols = calloc(n, sizeof(*m->csv.cols))) == NULL)
		return br_mf_nomem(err);
	for (i = 0; i < n; i++) {
		k = m->csv.cells[i].len;
		s = br_text_trim_space(m->csv.rec.p + m->csv.cells[i].off,
		    &k);
		br_sheetref_col(c1, sizeof(c1), i);
		if (k == 0)
			return br_errf(err, BR_EINPUT, m->name, m->csv.rec_line,
			    "row %ld, column %s has no name", m->csv.rec_row,
			    c1);
		if ((m->csv.cols[i] = strndup(s, k)) == NULL)
			return br_mf_nomem(err);
		m->csv.ncols = i + 1;
	}
	m->csv.hdr_cells = m->csv.cells_total;
	if (br_mf_nset_reset(&m->set, n) != 0)
		return br_mf_nomem(err);
	for (i = 0; i < n; i++)
		if ((k = br_mf_nset_add(&m->set, col_name, m, i)) != 0) {
			br_sheetref_col(c1, sizeof(c1), k - 1);
			br_sheetref_col(c2, sizeof(c2), i);
			return br_errf(err, BR_EINPUT, m->name, m->csv.rec_line,
			    "duplicate column '%s' (columns %s and %s)",
			    br_mf_shown(nb, sizeof(nb), m->csv.cols[i],
			    strlen(m->csv.cols[i])), c1, c2);
		}
	m->csv.cell_limit = m->csv.ncols;
	return 0;
}

int
br_mf_csv_next(struct br_manifest *m, struct br_row *row,
    struct br_err *err)
{
	char col[16], hdr[16], problem[sizeof(row->problem)] = "";
	size_t i;
	int rv;

	if ((rv = csv_record(m, err)) <= 0)
		return rv;
	if (m->csv.last_full > m->csv.ncols) {
		/* a row's own problem: with --skip-invalid the others run */
		br_sheetref_col(col, sizeof(col), m->csv.last_full - 1);
		br_sheetref_col(hdr, sizeof(hdr), m->csv.ncols);
		if (m->csv.last_full <= m->csv.hdr_cells)
			snprintf(problem, sizeof(problem), "column %s has a "
			    "value but no name in the header: name the column "
			    "in the header row or delete the value", col);
		else
			snprintf(problem, sizeof(problem), "the row has %zu "
			    "cells, the header %zu: a value in column %s or "
			    "beyond has no column (delete it, or name the "
			    "column)", m->csv.last_full, m->csv.ncols, hdr);
	}
	if (br_mf_grow(&m->src, &m->src_cap, m->csv.ncols,
	    sizeof(*m->src)) != 0)
		return br_mf_nomem(err);
	for (i = 0; i < m->csv.ncols; i++) {
		m->src[i].name = m->csv.cols[i];
		m->src[i].nlen = strlen(m->csv.cols[i]);
		m->src[i].kind = BR_V_STRING;
		m->src[i].val = NULL;
		m->src[i].vlen = 0;
		if (i < m->csv.ncells && m->csv.cells[i].len > 0) {
			m->src[i].val = m->csv.rec.p + m->csv.cells[i].off;
			m->src[i].vlen = m->csv.cells[i].len;
		}
	}
	if ((rv = br_mf_row_build(row, m->src, m->csv.ncols, err)) != 0)
		return rv;
	memcpy(row->problem, problem, sizeof(problem));
	row->num = ++m->num;
	row->line = m->csv.rec_line;
	row->sheet_row = m->csv.rec_row;
	if (m->is_xlsx) {	/* one line a sheet row: FILE:ROW */
		row->line = row->sheet_row;
		row->sheet = m->xlsx.sheet;
		row->hidden = br_xlsx_row_hidden(&m->xlsx, row->sheet_row);
	}
	return 1;
}

int
br_mf_csv_start(struct br_manifest *m, struct br_err *err)
{
	int rv;

	if ((rv = br_reader_seek(&m->rd, m->start, 1, err)) != 0 ||
	    (rv = csv_setup(m, err)) != 0)
		return rv;
	m->num = 0;
	return csv_header(m, err);
}

int
br_mf_csv_open(struct br_manifest *m, int delim, int dflt,
    struct br_err *err)
{
	int rv;

	if (delim == 0) {
		if ((rv = br_reader_seek(&m->rd, m->start, 1, err)) != 0 ||
		    (rv = csv_detect(m, dflt, &delim, err)) != 0)
			return rv;
	} else if (delim < 1 || delim > 255 || delim == '"' ||
	    delim == '\n' || delim == '\r')
		return br_errf(err, BR_EINPUT, NULL, 0,
		    "invalid delimiter (byte %d)", delim);
	m->csv.delim = delim;
	return br_mf_csv_start(m, err);
}
void
br_mf_csv_release(struct br_manifest *m)
{
	if (m->csv.live)
		csv_free(&m->csv.parser);
	m->csv.live = 0;
	csv_free_cols(m);
	br_strbuf_release(&m->csv.rec);
	free(m->csv.cells);
	m->csv.cells = NULL;
	m->csv.cells_cap = 0;
}
