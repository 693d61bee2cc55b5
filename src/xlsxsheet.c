/*
 * xlsxsheet.c - the rows of a workbook's sheet as CSV lines (see
 * xlsxin.h): cells by their reference, gaps filled with empty cells,
 * blank and missing rows as empty lines, hidden rows marked.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheetref.h"
#include "text.h"
#include "xlsxin_int.h"

#define TWO_53	9007199254740992.0

static int
nomem(struct conv *c)
{
	return br_errf(c->err, BR_ENOMEM, NULL, 0, "out of memory");
}

/* The header name of column col, or NULL. */
static const char *
hdr_name(const struct conv *c, long col)
{
	if (col < 0 || (size_t)col >= c->nhoff || c->hoff[col] == 0)
		return NULL;
	return c->hdr.p + c->hoff[col] - 1;
}

/* Keeps the header row's cell at col (the first row with a cell). */
static int
hdr_keep(struct conv *c, long col, const char *v, size_t n)
{
	size_t *np, need = (size_t)col + 1, i;

	if (need > c->nhoff) {
		if ((np = realloc(c->hoff, need * sizeof(*np))) == NULL)
			return nomem(c);
		for (i = c->nhoff; i < need; i++)
			np[i] = 0;
		c->hoff = np;
		c->nhoff = need;
	}
	c->hoff[col] = c->hdr.len + 1;
	if (br_strbuf_try_add(&c->hdr, v, n) != 0 ||
	    br_strbuf_try_add(&c->hdr, "", 1) != 0)
		return nomem(c);
	return 0;
}

/* Whether v must be quoted in CSV: a delimiter, quote or line break,
 * blanks at an end, or a '#' that would start a comment. */
static int
needs_quotes(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	if (v[0] == '#' || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
	    v[n - 1] == '\t' || br_text_space(v, n, 0, NULL) != 0 ||
	    br_text_space(v, n, 1, NULL) != 0)
		return 1;
	for (i = 0; i < n; i++)
		if (v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r')
			return 1;
	return 0;
}

/* Appends the value v of column col to the row's line. */
static int
line_put(struct conv *c, long col, const char *v, size_t n)
{
	size_t i;
	int rv = 0, q = needs_quotes(v, n);

	if (col < c->pos)
		return br_errf(c->err, BR_EINPUT, c->name, c->row, "sheet "
		    "'%s', row %ld: two cells in one column, or cells out of "
		    "order (a damaged workbook?)", c->x->sheet, c->row);
	if (c->pos > 0)
		rv |= br_strbuf_try_add(&c->line, ",", 1);
	for (i = (size_t)c->pos; i < (size_t)col; i++)
		rv |= br_strbuf_try_add(&c->line, ",", 1);
	if (q)
		rv |= br_strbuf_try_add(&c->line, "\"", 1);
	for (i = 0; i < n; i++) {
		if (v[i] == '"')
			rv |= br_strbuf_try_add(&c->line, "\"", 1);
		rv |= br_strbuf_try_add(&c->line, v + i, 1);
	}
	if (q)
		rv |= br_strbuf_try_add(&c->line, "\"", 1);
	if (rv != 0)
		return nomem(c);
	if (c->line.len > BR_MANIFEST_MAX_ROW)
		return br_errf(c->err, BR_EINPUT, c->name, c->row, "sheet "
		    "'%s', row %ld: more than %u bytes", c->x->sheet, c->row,
		    BR_MANIFEST_MAX_ROW);
	c->pos = col + 1;
	return 0;
}

/* A number cell: a date as ISO text, an id above 2^53 refused, else as
 * written. */
static int
number_value(struct conv *c, struct br_strbuf *out)
{
	char *end, iso[32], where[BR_SHEETREF_BUF];
	const char *name;
	double d = strtod(c->raw.p, &end);

	if (end == c->raw.p || *end != '\0')	/* no number: as is */
		return br_strbuf_try_add(out, c->raw.p, c->raw.len) ?
		    nomem(c) : 0;
	if (br_xc_xf_date(c, c->cstyle) &&
	    br_xlsx_serial_iso(d, c->date1904, iso, sizeof(iso)) == 0)
		return br_strbuf_try_add(out, iso, strlen(iso)) ? nomem(c) : 0;
	name = hdr_name(c, c->col);
	if (c->have_hdr && name != NULL && br_xlsx_id_column(name) &&
	    fabs(d) > TWO_53) {
		br_sheetref_where(where, sizeof(where), c->row,
		    (size_t)c->col + 1, name);
		return br_errf(c->err, BR_EINPUT, c->name, c->row, "sheet "
		    "'%s', %s: %s is stored as a number, digits lost (a "
		    "spreadsheet keeps 15 digits): format the column as Text "
		    "and type the ids again", c->x->sheet, where, c->raw.p);
	}
	return br_strbuf_try_add(out, c->raw.p, c->raw.len) ? nomem(c) : 0;
}

/* The cell ended: its value, by its type, to the line. */
static int
cell_end(struct conv *c)
{
	struct br_strbuf *v = &c->val;
	const char *t = c->ctype;
	int rv = 0;

	br_strbuf_reset(v);
	if (br_strbuf_try_add(&c->raw, "", 0) != 0 ||
	    br_strbuf_try_add(v, "", 0) != 0)
		return nomem(c);
	if (strcmp(t, "s") == 0)
		rv = br_xc_shared(c, c->raw.p, v, c->row);
	else if (t[0] == '\0' || strcmp(t, "n") == 0)
		rv = c->raw.len > 0 ? number_value(c, v) : 0;
	else if (strcmp(t, "b") == 0)
		rv = br_strbuf_try_add(v, strcmp(c->raw.p, "1") == 0 ?
		    "true" : "false", strcmp(c->raw.p, "1") == 0 ? 4 : 5) != 0 ?
		    nomem(c) : 0;
	else if (br_strbuf_try_add(v, c->raw.p, c->raw.len) != 0)
		rv = nomem(c);		/* str, inlineStr, e, d: the text */
	if (rv != 0)
		return rv;
	if (strcmp(t, "s") == 0 || strcmp(t, "str") == 0 ||
	    strcmp(t, "inlineStr") == 0)
		br_strbuf_setlen(v, br_xlsx_unescape(v->p, v->len));
	if (!c->have_hdr && (rv = hdr_keep(c, c->col, v->p, v->len)) != 0)
		return rv;
	return v->len > 0 ? line_put(c, c->col, v->p, v->len) : 0;
}

/* <c r="B2" t="s" s="3">. */
static int
cell_start(struct conv *c, xmlTextReaderPtr rd)
{
	char *r = br_xc_attr(rd, "r"), *t = br_xc_attr(rd, "t");
	char *s = br_xc_attr(rd, "s");

	c->col = r != NULL ? br_xlsx_ref_col(r) : c->col + 1;
	snprintf(c->ctype, sizeof(c->ctype), "%s", t != NULL ? t : "");
	c->cstyle = s != NULL ? atol(s) : 0;
	free(r);
	free(t);
	free(s);
	br_strbuf_reset(&c->raw);
	c->in_v = c->in_t = c->in_rph = 0;
	if (c->col < 0)
		return br_errf(c->err, BR_EINPUT, c->name, c->row, "sheet "
		    "'%s', row %ld: a cell beyond column XFD", c->x->sheet,
		    c->row);
	return xmlTextReaderIsEmptyElement(rd) ? cell_end(c) : 0;
}

/* The row ended: its line. */
static int
row_end(struct conv *c)
{
	if (c->pos > 0)
		c->have_hdr = 1;
	if (br_strbuf_try_add(&c->line, "\n", 1) != 0)
		return nomem(c);
	if (fwrite(c->line.p, 1, c->line.len, c->out) != c->line.len)
		return br_errf(c->err, BR_EIO, c->name, 0, "cannot write a "
		    "temporary file");
	c->next_row = c->row + 1;
	return 0;
}

/* <row r="5" hidden="1">: the empty lines of the rows before it. */
static int
row_start(struct conv *c, xmlTextReaderPtr rd)
{
	char *r = br_xc_attr(rd, "r"), *h = br_xc_attr(rd, "hidden");
	int hidden = h != NULL && (strcmp(h, "1") == 0 ||
	    strcmp(h, "true") == 0);

	c->row = r != NULL ? atol(r) : c->next_row;
	free(r);
	free(h);
	if (c->row < c->next_row || c->row > BR_XLSX_MAX_ROWS)
		return br_errf(c->err, BR_EINPUT, c->name, c->next_row,
		    "sheet '%s': row %ld out of order or beyond the last "
		    "(a damaged workbook?)", c->x->sheet, c->row);
	for (; c->next_row < c->row; c->next_row++)
		if (fputc('\n', c->out) == EOF)
			return br_errf(c->err, BR_EIO, c->name, 0, "cannot "
			    "write a temporary file");
	if (hidden) {
		if (c->x->hidden == NULL &&
		    (c->x->hidden = calloc(BR_XLSX_MAX_ROWS / 8 + 1, 1)) ==
		    NULL)
			return nomem(c);
		c->x->hidden[c->row / 8] |= (unsigned char)(1u << (c->row % 8));
	}
	br_strbuf_reset(&c->line);
	c->pos = 0;
	c->col = -1;
	return xmlTextReaderIsEmptyElement(rd) ? row_end(c) : 0;
}

/* Text inside <v>, or inside <is><t> and not a phonetic <rPh>. */
static int
cell_text(struct conv *c, xmlTextReaderPtr rd)
{
	const xmlChar *v;
	int t = xmlTextReaderNodeType(rd);

	if (!(c->in_v || (c->in_t && !c->in_rph)))
		return 0;
	if (t != XML_READER_TYPE_TEXT && t != XML_READER_TYPE_CDATA &&
	    t != XML_READER_TYPE_WHITESPACE &&
	    t != XML_READER_TYPE_SIGNIFICANT_WHITESPACE)
		return 0;
	if ((v = xmlTextReaderConstValue(rd)) == NULL)
		return 0;
	if (br_strbuf_try_add(&c->raw, v, strlen((const char *)v)) != 0)
		return nomem(c);
	if (c->raw.len > BR_MANIFEST_MAX_ROW)
		return br_errf(c->err, BR_EINPUT, c->name, c->row, "sheet "
		    "'%s', row %ld: a cell of more than %u bytes",
		    c->x->sheet, c->row, BR_MANIFEST_MAX_ROW);
	return 0;
}

static int
sheet_node(struct conv *c, xmlTextReaderPtr rd)
{
	int empty = xmlTextReaderIsEmptyElement(rd);

	if (br_xc_is(rd, "row", 0))
		return row_start(c, rd);
	if (br_xc_is(rd, "row", 1))
		return row_end(c);
	if (br_xc_is(rd, "c", 0))
		return cell_start(c, rd);
	if (br_xc_is(rd, "c", 1))
		return cell_end(c);
	if (br_xc_is(rd, "v", 0))
		c->in_v = !empty;
	else if (br_xc_is(rd, "v", 1))
		c->in_v = 0;
	else if (br_xc_is(rd, "t", 0))
		c->in_t = !empty;
	else if (br_xc_is(rd, "t", 1))
		c->in_t = 0;
	else if (br_xc_is(rd, "rPh", 0))
		c->in_rph = !empty;
	else if (br_xc_is(rd, "rPh", 1))
		c->in_rph = 0;
	else
		return cell_text(c, rd);
	return 0;
}

int
br_xc_sheet(struct conv *c)
{
	xmlTextReaderPtr rd;
	int rv;

	c->next_row = 1;
	if ((rv = br_xc_open(c, c->sheet_part, 0, &rd)) != 0)
		return rv;
	while ((rv = br_xc_read(c, rd)) == 1)
		if ((rv = sheet_node(c, rd)) != 0)
			break;
	br_xc_close(c, rd);
	if (rv == 0 && (fflush(c->out) != 0 || ferror(c->out)))
		rv = br_errf(c->err, BR_EIO, c->name, 0, "cannot write a "
		    "temporary file");
	return rv;
}

void
br_xc_sheet_release(struct conv *c)
{
	br_strbuf_release(&c->line);
	br_strbuf_release(&c->raw);
	br_strbuf_release(&c->val);
	br_strbuf_release(&c->hdr);
	free(c->hoff);
}
