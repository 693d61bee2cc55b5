/*
 * report_xlsx.c - the CSV journal of a run into a workbook; see
 * report_xlsx.h.  Two passes over the journal: one finds where each
 * record starts and its row number (the records may hold line breaks
 * inside quotes), the second reads them in row order and writes them.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include <csv.h>
#include <xlsxwriter.h>

#include "report_xlsx.h"
#include "result.h"
#include "strbuf.h"

#define MAX_CELL	32767	/* a cell's limit in a workbook */

char *
br_report_xlsx_journal(const char *path)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	br_strbuf_addf(&sb, "%s.journal.csv", path);
	return sb.oom ? NULL : br_strbuf_detach(&sb);
}

/* ---- one CSV record into fields ---- */

struct fields {
	char	**v;
	size_t	  n, cap;
	int	  oom;
};

static void
on_field(void *s, size_t len, void *arg)
{
	struct fields *f = arg;
	char **nv;

	if (f->oom)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		if ((nv = realloc(f->v, f->cap * sizeof(*nv))) == NULL) {
			f->oom = 1;
			return;
		}
		f->v = nv;
	}
	if ((f->v[f->n] = strndup(s != NULL ? s : "", len)) == NULL)
		f->oom = 1;
	else
		f->n++;
}

static void
on_record(int c, void *arg)
{
	(void)c;
	(void)arg;
}

static void
fields_clear(struct fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	f->n = 0;
}

static int
split(const char *buf, size_t len, int delim, struct fields *f)
{
	struct csv_parser p;

	fields_clear(f);
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return BR_ENOMEM;
	csv_set_delim(&p, (unsigned char)delim);
	(void)csv_parse(&p, buf, len, on_field, on_record, f);
	(void)csv_fini(&p, on_field, on_record, f);
	csv_free(&p);
	return f->oom ? BR_ENOMEM : 0;
}

/* ---- pass one: where each record is ---- */

struct rec {
	long	 num;
	off_t	 off;
	size_t	 len;
};

struct journal {
	FILE		*f;
	int		 delim;
	struct fields	 head;		/* the header's names */
	size_t		 rowcol;	/* index of "row" */
	struct rec	*v;
	size_t		 n, cap;
};

static int
add_rec(struct journal *j, long num, off_t off, size_t len)
{
	struct rec *nv;

	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 1024;
		if ((nv = realloc(j->v, j->cap * sizeof(*nv))) == NULL)
			return BR_ENOMEM;
		j->v = nv;
	}
	j->v[j->n].num = num;
	j->v[j->n].off = off;
	j->v[j->n++].len = len;
	return 0;
}

/* A whole record (its text in sb, from off): the header, or a row. */
static int
take_record(struct journal *j, struct br_strbuf *sb, off_t off,
    struct fields *tmp, struct br_err *err)
{
	if (j->head.n == 0) {
		if (split(sb->p, sb->len, j->delim, &j->head) != 0)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		for (j->rowcol = 0; j->rowcol < j->head.n &&
		    strcmp(j->head.v[j->rowcol], "row") != 0; j->rowcol++)
			;
		if (j->rowcol == j->head.n)
			return br_errf(err, BR_EINPUT, NULL, 0, "the journal is "
			    "no bulkrun report (no 'row' column)");
		return 0;
	}
	if (split(sb->p, sb->len, j->delim, tmp) != 0)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (tmp->n <= j->rowcol)
		return 0;		/* a line cut by a crash */
	if (add_rec(j, strtol(tmp->v[j->rowcol], NULL, 10), off, sb->len) != 0)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

static int
index_journal(struct journal *j, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	struct fields tmp = { 0 };
	off_t off = 0, start = 0;
	int c, inq = 0, rc = 0;

	while (rc == 0 && (c = getc(j->f)) != EOF) {
		if (off == 0 && c == 0xef) {	/* a BOM: not part of a name */
			(void)getc(j->f);
			(void)getc(j->f);
			off = start = 3;
			continue;
		}
		off++;
		br_strbuf_addc(&sb, (char)c);
		if (c == '"')
			inq = !inq;
		else if (c == '\n' && !inq) {
			rc = sb.oom ? br_errf(err, BR_ENOMEM, NULL, 0, "out of "
			    "memory") : take_record(j, &sb, start, &tmp, err);
			br_strbuf_reset(&sb);
			start = off;
		}
	}
	fields_clear(&tmp);
	free(tmp.v);
	br_strbuf_release(&sb);
	return rc;
}

static int
by_row(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* ---- pass two: the sheets ---- */

struct book {
	lxw_workbook	*wb;
	lxw_format	*head, *outcome[BR_OUT_CANCELLED + 1];
};

static int
numeric_column(const char *name)
{
	static const char *const nums[] = { "row", "line", "http_status",
	    "attempts", "elapsed_ms", "verify_ms", "polls" };
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (strcmp(name, nums[i]) == 0)
			return 1;
	return 0;
}

/* Text from the network the CSV guarded ('=...): a workbook's text cell
 * is never a formula, so it goes in as it came. */
static const char *
unguarded(const char *s)
{
	if (s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r", s[1]) != NULL)
		return s + 1;
	return s;
}

static lxw_format *
outcome_format(const struct book *bk, const char *s)
{
	int o;

	for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++)
		if (strcmp(s, br_outcome_name((enum br_outcome)o)) == 0)
			return bk->outcome[o];
	return NULL;
}

static void
write_cell(const struct book *bk, lxw_worksheet *ws, lxw_row_t r,
    lxw_col_t c, const char *name, const char *v, size_t nmanifest)
{
	char *end;
	double d;

	if (v[0] == '\0')
		return;
	if (c >= nmanifest && numeric_column(name)) {
		d = strtod(v, &end);
		if (*end == '\0') {
			worksheet_write_number(ws, r, c, d, NULL);
			return;
		}
	}
	if (c >= nmanifest && strcmp(name, "outcome") == 0) {
		worksheet_write_string(ws, r, c, v, outcome_format(bk, v));
		return;
	}
	if (c >= nmanifest)
		v = unguarded(v);
	if (strlen(v) > MAX_CELL) {
		char *cut = strndup(v, MAX_CELL);

		worksheet_write_string(ws, r, c, cut != NULL ? cut : "", NULL);
		free(cut);
		return;
	}
	worksheet_write_string(ws, r, c, v, NULL);
}

static int
write_rows(struct journal *j, const struct book *bk, lxw_worksheet *ws,
    struct br_err *err)
{
	struct fields f = { 0 };
	char *buf = NULL, *nb;
	size_t i, c, cap = 0, nman = j->rowcol;
	int rc = 0;

	for (c = 0; c < j->head.n; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, j->head.v[c],
		    bk->head);
	for (i = 0; rc == 0 && i < j->n; i++) {
		if (j->v[i].len + 1 > cap) {
			cap = j->v[i].len + 1;
			if ((nb = realloc(buf, cap)) == NULL) {
				rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of "
				    "memory");
				break;
			}
			buf = nb;
		}
		if (fseeko(j->f, j->v[i].off, SEEK_SET) != 0 ||
		    fread(buf, 1, j->v[i].len, j->f) != j->v[i].len) {
			rc = br_errf(err, BR_EIO, NULL, 0, "cannot read the "
			    "journal again: %s", strerror(errno));
			break;
		}
		if (split(buf, j->v[i].len, j->delim, &f) != 0)
			rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		for (c = 0; rc == 0 && c < f.n && c < j->head.n; c++)
			write_cell(bk, ws, (lxw_row_t)(i + 1), (lxw_col_t)c,
			    j->head.v[c], f.v[c], nman);
	}
	fields_clear(&f);
	free(f.v);
	free(buf);
	if (rc == 0 && j->head.n > 0) {
		worksheet_freeze_panes(ws, 1, 0);
		worksheet_autofilter(ws, 0, 0, (lxw_row_t)j->n,
		    (lxw_col_t)(j->head.n - 1));
	}
	return rc;
}

static void
write_summary(const struct book *bk, lxw_worksheet *ws,
    const struct br_stats *st, const struct br_xlsx_setting *set,
    size_t nset)
{
	lxw_chart *ch;
	lxw_chart_series *se;
	lxw_row_t r = 0;
	size_t i;
	int o;

	worksheet_write_string(ws, r, 0, "Outcome", bk->head);
	worksheet_write_string(ws, r++, 1, "Rows", bk->head);
	for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++, r++) {
		worksheet_write_string(ws, r, 0,
		    br_outcome_name((enum br_outcome)o), bk->outcome[o]);
		worksheet_write_number(ws, r, 1, (double)st->outcomes[o], NULL);
	}
	r++;
	worksheet_write_string(ws, r, 0, "Error code", bk->head);
	worksheet_write_string(ws, r++, 1, "Rows", bk->head);
	for (i = 0; i < st->ncodes; i++, r++) {
		worksheet_write_string(ws, r, 0, st->codes[i].code, NULL);
		worksheet_write_number(ws, r, 1, (double)st->codes[i].n, NULL);
	}
	if (st->other_codes > 0) {
		worksheet_write_string(ws, r, 0, "(other codes)", NULL);
		worksheet_write_number(ws, r++, 1, (double)st->other_codes,
		    NULL);
	}
	r++;
	worksheet_write_string(ws, r, 0, "Setting", bk->head);
	worksheet_write_string(ws, r++, 1, "Value", bk->head);
	for (i = 0; i < nset; i++, r++) {
		worksheet_write_string(ws, r, 0, set[i].name, NULL);
		worksheet_write_string(ws, r, 1, set[i].value, NULL);
	}
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 40, NULL);
	if ((ch = workbook_add_chart(bk->wb, LXW_CHART_COLUMN)) == NULL)
		return;
	chart_title_set_name(ch, "Rows by outcome");
	chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	se = chart_add_series(ch, "=Summary!$A$2:$A$6", "=Summary!$B$2:$B$6");
	if (se != NULL)
		chart_series_set_name(se, "Rows");
	worksheet_insert_chart(ws, 0, 3, ch);
}

static int
make_formats(struct book *bk)
{
	static const struct {
		int		 o;
		lxw_color_t	 bg, fg;
	} col[] = {
		{ BR_OUT_SUCCEEDED, 0xC6EFCE, 0x006100 },
		{ BR_OUT_FAILED, 0xFFC7CE, 0x9C0006 },
		{ BR_OUT_INVALID, 0xFFEB9C, 0x9C5700 },
		{ BR_OUT_SKIPPED, 0xD9D9D9, 0x404040 },
		{ BR_OUT_CANCELLED, 0xFCE4D6, 0x833C0B },
	};
	size_t i;

	if ((bk->head = workbook_add_format(bk->wb)) == NULL)
		return -1;
	format_set_bold(bk->head);
	for (i = 0; i < sizeof(col) / sizeof(col[0]); i++) {
		if ((bk->outcome[col[i].o] = workbook_add_format(bk->wb)) ==
		    NULL)
			return -1;
		format_set_bg_color(bk->outcome[col[i].o], col[i].bg);
		format_set_font_color(bk->outcome[col[i].o], col[i].fg);
	}
	return 0;
}

int
br_report_xlsx_write(const char *journal, int delimiter, const char *path,
    const struct br_stats *st, const struct br_xlsx_setting *set,
    size_t nset, struct br_err *err)
{
	lxw_workbook_options lo = { .constant_memory = LXW_TRUE };
	struct journal j = { 0 };
	struct book bk = { 0 };
	lxw_worksheet *rep, *sum;
	lxw_error le;
	int rc;

	j.delim = delimiter;
	if ((j.f = fopen(journal, "rb")) == NULL)
		return br_errf(err, BR_EIO, journal, 0, "cannot read: %s",
		    strerror(errno));
	if ((rc = index_journal(&j, err)) == 0) {
		qsort(j.v, j.n, sizeof(*j.v), by_row);
		if ((bk.wb = workbook_new_opt(path, &lo)) == NULL ||
		    make_formats(&bk) != 0 ||
		    (rep = workbook_add_worksheet(bk.wb, "Report")) == NULL ||
		    (sum = workbook_add_worksheet(bk.wb, "Summary")) == NULL)
			rc = br_errf(err, BR_EIO, path, 0, "cannot make the "
			    "workbook");
		else if ((rc = write_rows(&j, &bk, rep, err)) == 0)
			write_summary(&bk, sum, st, set, nset);
	}
	if (bk.wb != NULL && (le = workbook_close(bk.wb)) != LXW_NO_ERROR &&
	    rc == 0)
		rc = br_errf(err, BR_EIO, path, 0, "cannot write the workbook: "
		    "%s", lxw_strerror(le));
	fclose(j.f);
	fields_clear(&j.head);
	free(j.head.v);
	free(j.v);
	return rc;
}
