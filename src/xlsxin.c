/*
 * xlsxin.c - a workbook's sheet as CSV (see xlsxin.h): the zip and its
 * parts (minizip, xmlTextReader), the workbook, its relationships, the
 * styles and the shared strings.  The sheet itself is xlsxsheet.c.
 */
#include <sys/types.h>

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "text.h"
#include "xlsxin_int.h"

#define NS_REL	"http://schemas.openxmlformats.org/officeDocument/2006/" \
		"relationships"
#define NS_REL_STRICT	"http://purl.oclc.org/ooxml/officeDocument/" \
		"relationships"

/* ---- pure pieces ---- */

int
br_xlsx_is_zip(const unsigned char *b, size_t n)
{
	return n >= 4 && memcmp(b, "PK\3\4", 4) == 0;
}

int
br_xlsx_is_date_fmt(int id, const char *code)
{
	const char *p;
	int c;

	if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47))
		return 1;
	if (code == NULL)
		return 0;
	for (p = code; *p != '\0' && *p != ';'; p++) {
		c = (unsigned char)*p;
		if (c == '"' || c == '[') {
			c = c == '"' ? '"' : ']';
			while (p[1] != '\0' && p[1] != c)
				p++;
			if (p[1] != '\0')
				p++;
			continue;
		}
		if (c == '\\' || c == '_' || c == '*') {
			if (p[1] != '\0')
				p++;
			continue;
		}
		c = tolower(c);
		if (c == 'd' || c == 'm' || c == 'y' || c == 'h')
			return 1;
	}
	return 0;
}

/* Days since 1970-01-01 to y-m-d (H. Hinnant's civil_from_days). */
static void
civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
br_xlsx_serial_iso(double serial, int date1904, char *buf, size_t bufsz)
{
	long long secs;
	long days, sod;
	int y, m, d;

	if (!(serial >= 0) || serial > 2958466.0)
		return -1;
	secs = llround(serial * 86400.0);
	days = (long)(secs / 86400);
	sod = (long)(secs % 86400);
	if (date1904)
		days -= 24107;		/* 1904-01-01 .. 1970-01-01 */
	else {
		if (days < 60)	/* before Excel's 1900-02-29 */
			days += 1;
		days -= 25569;		/* 1899-12-30 .. 1970-01-01 */
	}
	civil(days, &y, &m, &d);
	if (y < 1900 || y > 9999)
		return -1;
	if (sod == 0)
		snprintf(buf, bufsz, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(buf, bufsz, "%04d-%02d-%02dT%02ld:%02ld:%02ld", y, m,
		    d, sod / 3600, sod / 60 % 60, sod % 60);
	return 0;
}

long
br_xlsx_ref_col(const char *ref)
{
	long col = 0;
	const char *p;

	for (p = ref; *p >= 'A' && *p <= 'Z'; p++) {
		col = col * 26 + (*p - 'A' + 1);
		if (col > 16384)
			return -1;
	}
	return col - 1;
}

/* The value of the 4 hex digits at s, or -1. */
static long
hex4(const char *s)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		d = br_text_hexval((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

size_t
br_xlsx_unescape(char *s, size_t len)
{
	size_t i, j;
	long u;

	for (i = j = 0; i < len; ) {
		if (i + 7 <= len && s[i] == '_' && s[i + 1] == 'x' &&
		    s[i + 6] == '_' && (u = hex4(s + i + 2)) > 0 &&
		    (u < 0xd800 || u > 0xdfff)) {
			if (u < 0x80)
				s[j++] = (char)u;
			else if (u < 0x800) {
				s[j++] = (char)(0xc0 | u >> 6);
				s[j++] = (char)(0x80 | (u & 0x3f));
			} else {
				s[j++] = (char)(0xe0 | u >> 12);
				s[j++] = (char)(0x80 | ((u >> 6) & 0x3f));
				s[j++] = (char)(0x80 | (u & 0x3f));
			}
			i += 7;
		} else
			s[j++] = s[i++];
	}
	if (j < len)
		s[j] = '\0';
	return j;
}

int
br_xlsx_id_column(const char *name)
{
	size_t n = strlen(name);
	char a, b, p;

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	if (n < 2)
		return 0;
	a = name[n - 2];
	b = name[n - 1];
	if ((a != 'i' && a != 'I') || (b != 'd' && b != 'D'))
		return 0;
	if (n == 2)
		return 1;
	p = name[n - 3];
	if (p == '_' || p == ' ' || p == '-' || p == '.')
		return 1;
	return a == 'I' && p >= 'a' && p <= 'z';	/* instanceId */
}

int
br_xlsx_row_hidden(const struct br_xlsx *x, long row)
{
	if (x == NULL || x->hidden == NULL || row < 1 ||
	    row > BR_XLSX_MAX_ROWS)
		return 0;
	return (x->hidden[row / 8] >> (row % 8)) & 1;
}

void
br_xlsx_release(struct br_xlsx *x)
{
	free(x->sheet);
	free(x->hidden);
	x->sheet = NULL;
	x->hidden = NULL;
}

/* ---- parts ---- */

static int
zread(void *ctx, char *buf, int len)
{
	int n = unzReadCurrentFile(ctx, buf, (unsigned)len);

	return n < 0 ? -1 : n;
}

static int
zclose(void *ctx)
{
	(void)ctx;
	return 0;
}

int
br_xc_open(struct conv *c, const char *entry, int optional,
    xmlTextReaderPtr *rd)
{
	*rd = NULL;
	if (unzLocateFile(c->z, entry, 2) != UNZ_OK) {
		if (optional)
			return 0;
		return br_errf(c->err, BR_EINPUT, c->name, 0, "no part '%s' "
		    "in the zip: not a workbook (.xlsx)", entry);
	}
	if (unzOpenCurrentFile(c->z) != UNZ_OK)
		return br_errf(c->err, BR_EINPUT, c->name, 0, "cannot unzip "
		    "'%s' (a damaged or encrypted workbook?)", entry);
	*rd = xmlReaderForIO(zread, zclose, c->z, entry, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (*rd == NULL) {
		unzCloseCurrentFile(c->z);
		return br_errf(c->err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	c->part = entry;
	return 0;
}

void
br_xc_close(struct conv *c, xmlTextReaderPtr rd)
{
	if (rd == NULL)
		return;
	xmlFreeTextReader(rd);
	unzCloseCurrentFile(c->z);
}

/* The next node: 1, 0 at the end, or BR_EINPUT (not XML). */
int
br_xc_read(struct conv *c, xmlTextReaderPtr rd)
{
	int rv = xmlTextReaderRead(rd);

	if (rv >= 0)
		return rv;
	return br_errf(c->err, BR_EINPUT, c->name, 0, "'%s' in the workbook "
	    "is not well-formed XML (a damaged workbook?)", c->part);
}

/* Whether the node is the start (end: 0) or end (end: 1) of element
 * name; an empty element is a start only. */
int
br_xc_is(xmlTextReaderPtr rd, const char *name, int end)
{
	const xmlChar *n;
	int t = xmlTextReaderNodeType(rd);

	if (t != (end ? XML_READER_TYPE_END_ELEMENT : XML_READER_TYPE_ELEMENT))
		return 0;
	n = xmlTextReaderConstLocalName(rd);
	return n != NULL && strcmp((const char *)n, name) == 0;
}

/* An attribute's value (malloc'd, free()), or NULL. */
char *
br_xc_attr(xmlTextReaderPtr rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static char *
rel_id(xmlTextReaderPtr rd)
{
	xmlChar *v;
	char *s;

	v = xmlTextReaderGetAttributeNs(rd, (const xmlChar *)"id",
	    (const xmlChar *)NS_REL);
	if (v == NULL)
		v = xmlTextReaderGetAttributeNs(rd, (const xmlChar *)"id",
		    (const xmlChar *)NS_REL_STRICT);
	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static int
is_true(const char *v)
{
	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* Adds 'name' to the list of sheets for a message, within its room. */
static void
list_sheet(struct conv *c, const char *name)
{
	if (c->names.len > 200)
		return;
	if (c->names.len > 0)
		br_strbuf_addstr(&c->names, ", ");
	br_strbuf_addf(&c->names, "'%s'", name);
}

/* One <sheet>: the one wanted, or the first. */
static int
wb_sheet(struct conv *c, xmlTextReaderPtr rd, const char *want)
{
	char *name = br_xc_attr(rd, "name");

	if (name == NULL)
		return 0;
	list_sheet(c, name);
	if (c->x->sheet == NULL && (want == NULL || strcmp(want, name) == 0)) {
		c->x->sheet = name;
		if ((c->rid = rel_id(rd)) == NULL)
			return br_errf(c->err, BR_EINPUT, c->name, 0, "sheet "
			    "'%s' names no part in xl/workbook.xml", name);
		return 0;
	}
	free(name);
	return 0;
}

/* xl/workbook.xml: the sheet and its relationship id, the date system. */
static int
read_workbook(struct conv *c, const char *want)
{
	xmlTextReaderPtr rd;
	char *v;
	int rv;

	if ((rv = br_xc_open(c, "xl/workbook.xml", 0, &rd)) != 0)
		return rv;
	while ((rv = br_xc_read(c, rd)) == 1) {
		if (br_xc_is(rd, "workbookPr", 0)) {
			v = br_xc_attr(rd, "date1904");
			c->date1904 = is_true(v);
			free(v);
		} else if (br_xc_is(rd, "sheet", 0) &&
		    (rv = wb_sheet(c, rd, want)) != 0)
			break;
	}
	br_xc_close(c, rd);
	if (rv < 0)
		return rv;
	if (c->x->sheet != NULL)
		return 0;
	br_strbuf_addc(&c->names, '\0');
	if (want != NULL)
		return br_errf(c->err, BR_EINPUT, c->name, 0, "no sheet '%s' "
		    "in the workbook (its sheets: %s)", want,
		    c->names.p != NULL ? c->names.p : "none");
	return br_errf(c->err, BR_EINPUT, c->name, 0, "the workbook has no "
	    "sheet");
}

/* "worksheets/sheet1.xml" (from xl/) or "/xl/..." as a zip entry. */
static char *
part_path(const char *target)
{
	char *s;

	if (target[0] == '/')
		return strdup(target + 1);
	if ((s = malloc(strlen(target) + 4)) == NULL)
		return NULL;
	memcpy(s, "xl/", 3);
	strcpy(s + 3, target);
	return s;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* One <Relationship>. */
static void
wb_rel(struct conv *c, xmlTextReaderPtr rd)
{
	char *id = br_xc_attr(rd, "Id"), *type = br_xc_attr(rd, "Type");
	char *target = br_xc_attr(rd, "Target"), **to = NULL;

	if (id != NULL && target != NULL && strcmp(id, c->rid) == 0)
		to = &c->sheet_part;
	else if (type != NULL && target != NULL && ends_with(type, "/styles"))
		to = &c->styles_part;
	else if (type != NULL && target != NULL &&
	    ends_with(type, "/sharedStrings"))
		to = &c->sst_part;
	if (to != NULL && *to == NULL)
		*to = part_path(target);
	free(id);
	free(type);
	free(target);
}

/* xl/_rels/workbook.xml.rels: the parts of the sheet, styles, strings. */
static int
read_rels(struct conv *c)
{
	xmlTextReaderPtr rd;
	int rv;

	if ((rv = br_xc_open(c, "xl/_rels/workbook.xml.rels", 0, &rd)) != 0)
		return rv;
	while ((rv = br_xc_read(c, rd)) == 1)
		if (br_xc_is(rd, "Relationship", 0))
			wb_rel(c, rd);
	br_xc_close(c, rd);
	if (rv < 0)
		return rv;
	if (c->sheet_part == NULL)
		return br_errf(c->err, BR_EINPUT, c->name, 0, "sheet '%s' "
		    "has no part in the workbook", c->x->sheet);
	return 0;
}

/* Grows the int array *pp to hold need; 0 or -1. */
static int
grow_int(int **pp, size_t *cap, size_t need)
{
	int *np;
	size_t ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap != 0 ? *cap * 2 : 64;
	if (ncap > 1000000 || (np = realloc(*pp, ncap * sizeof(int))) == NULL)
		return -1;
	*pp = np;
	*cap = ncap;
	return 0;
}

/* A number format id as a date or not, from <numFmt>s seen. */
static int
fmt_is_date(const struct conv *c, int id)
{
	size_t i;

	for (i = 0; i < c->nfmt; i++)
		if (c->fmt_date[i] == id)
			return 1;
	return br_xlsx_is_date_fmt(id, NULL);
}

/* <numFmt> (custom date formats kept) or an <xf> of <cellXfs>. */
static int
style_node(struct conv *c, xmlTextReaderPtr rd, int in_xfs)
{
	char *id = br_xc_attr(rd, "numFmtId"), *code;
	int n = id != NULL ? atoi(id) : 0, rv = 0;

	free(id);
	if (br_xc_is(rd, "numFmt", 0)) {
		code = br_xc_attr(rd, "formatCode");
		if (code != NULL && br_xlsx_is_date_fmt(n, code) &&
		    (rv = grow_int(&c->fmt_date, &c->fmt_cap,
		    c->nfmt + 1)) == 0)
			c->fmt_date[c->nfmt++] = n;
		free(code);
	} else if (in_xfs && br_xc_is(rd, "xf", 0) &&
	    (rv = grow_int(&c->xf_date, &c->xf_cap, c->nxf + 1)) == 0)
		c->xf_date[c->nxf++] = fmt_is_date(c, n);
	if (rv != 0)
		return br_errf(c->err, BR_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

/* xl/styles.xml: which cell formats (s="N") are dates. */
static int
read_styles(struct conv *c)
{
	xmlTextReaderPtr rd;
	int rv, in_xfs = 0;

	rv = br_xc_open(c, c->styles_part != NULL ? c->styles_part :
	    "xl/styles.xml", 1, &rd);
	if (rv != 0 || rd == NULL)
		return rv;
	while ((rv = br_xc_read(c, rd)) == 1) {
		if (br_xc_is(rd, "cellXfs", 0))
			in_xfs = !xmlTextReaderIsEmptyElement(rd);
		else if (br_xc_is(rd, "cellXfs", 1))
			in_xfs = 0;
		else if ((rv = style_node(c, rd, in_xfs)) != 0)
			break;
	}
	br_xc_close(c, rd);
	return rv < 0 ? rv : 0;
}

/* Whether the cell format s is a date format. */
int
br_xc_xf_date(const struct conv *c, long s)
{
	return s >= 0 && (size_t)s < c->nxf && c->xf_date[s];
}

static int
sst_offset(struct conv *c)
{
	uint64_t off = (uint64_t)ftello(c->sdata);

	if (fwrite(&off, sizeof(off), 1, c->sidx) != 1)
		return br_errf(c->err, BR_EIO, c->name, 0, "cannot write a "
		    "temporary file");
	return 0;
}

/* One node of xl/sharedStrings.xml: <si> starts a string, the text of
 * its <t>s (not those of phonetic <rPh>) is its text. */
static int
sst_node(struct conv *c, xmlTextReaderPtr rd, int *in_t, int *in_rph)
{
	const xmlChar *v;
	int t = xmlTextReaderNodeType(rd);

	if (br_xc_is(rd, "si", 0)) {
		c->nstr++;
		return sst_offset(c);
	}
	if (br_xc_is(rd, "t", 0))
		*in_t = !xmlTextReaderIsEmptyElement(rd);
	else if (br_xc_is(rd, "t", 1))
		*in_t = 0;
	else if (br_xc_is(rd, "rPh", 0))
		*in_rph = !xmlTextReaderIsEmptyElement(rd);
	else if (br_xc_is(rd, "rPh", 1))
		*in_rph = 0;
	else if (*in_t && !*in_rph && (t == XML_READER_TYPE_TEXT ||
	    t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_WHITESPACE ||
	    t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
	    (v = xmlTextReaderConstValue(rd)) != NULL)
		fputs((const char *)v, c->sdata);
	return 0;
}

/* xl/sharedStrings.xml into two temporary files: the strings one after
 * the other, and their offsets (8 bytes each, one more at the end). */
static int
read_sst(struct conv *c)
{
	xmlTextReaderPtr rd;
	int rv, in_t = 0, in_rph = 0;

	rv = br_xc_open(c, c->sst_part != NULL ? c->sst_part :
	    "xl/sharedStrings.xml", 1, &rd);
	if (rv != 0 || rd == NULL)
		return rv;
	if ((c->sdata = tmpfile()) == NULL || (c->sidx = tmpfile()) == NULL)
		rv = br_errf(c->err, BR_EIO, c->name, 0, "cannot create a "
		    "temporary file");
	while (rv == 0 && (rv = br_xc_read(c, rd)) == 1)
		rv = sst_node(c, rd, &in_t, &in_rph);
	br_xc_close(c, rd);
	if (rv == 0)
		rv = sst_offset(c);
	if (rv == 0 && (fflush(c->sdata) != 0 || fflush(c->sidx) != 0 ||
	    ferror(c->sdata) || ferror(c->sidx)))
		rv = br_errf(c->err, BR_EIO, c->name, 0, "cannot write a "
		    "temporary file");
	return rv;
}

int
br_xc_shared(struct conv *c, const char *idx, struct br_strbuf *out,
    long row)
{
	uint64_t off[2];
	char *end, chunk[4096];
	unsigned long i = strtoul(idx, &end, 10);
	size_t len, n;

	if (end == idx || *end != '\0' || i >= c->nstr || c->sidx == NULL)
		return br_errf(c->err, BR_EINPUT, c->name, row, "sheet '%s', "
		    "row %ld: shared string '%s' not in the workbook",
		    c->x->sheet, row, idx);
	if (pread(fileno(c->sidx), off, sizeof(off), (off_t)(i * 8)) !=
	    (ssize_t)sizeof(off))
		return br_errf(c->err, BR_EIO, c->name, 0, "cannot read a "
		    "temporary file");
	len = (size_t)(off[1] - off[0]);
	if (len > BR_MANIFEST_MAX_ROW)
		return br_errf(c->err, BR_EINPUT, c->name, row, "sheet '%s', "
		    "row %ld: a cell of more than %u bytes", c->x->sheet, row,
		    BR_MANIFEST_MAX_ROW);
	br_strbuf_reset(out);
	if (br_strbuf_try_add(out, "", 0) != 0)
		return br_errf(c->err, BR_ENOMEM, NULL, 0, "out of memory");
	while (len > 0) {
		n = len < sizeof(chunk) ? len : sizeof(chunk);
		if (pread(fileno(c->sdata), chunk, n, (off_t)off[0]) !=
		    (ssize_t)n)
			return br_errf(c->err, BR_EIO, c->name, 0, "cannot "
			    "read a temporary file");
		if (br_strbuf_try_add(out, chunk, n) != 0)
			return br_errf(c->err, BR_ENOMEM, NULL, 0,
			    "out of memory");
		off[0] += n;
		len -= n;
	}
	return 0;
}

static void
conv_release(struct conv *c)
{
	if (c->z != NULL)
		unzClose(c->z);
	if (c->sdata != NULL)
		fclose(c->sdata);
	if (c->sidx != NULL)
		fclose(c->sidx);
	free(c->rid);
	free(c->sheet_part);
	free(c->styles_part);
	free(c->sst_part);
	free(c->fmt_date);
	free(c->xf_date);
	br_strbuf_release(&c->names);
	br_xc_sheet_release(c);
}

int
br_xlsx_to_csv(const char *path, const char *name, const char *sheet,
    FILE *out, struct br_xlsx *x, struct br_err *err)
{
	struct conv c;
	int rv;

	memset(&c, 0, sizeof(c));
	memset(x, 0, sizeof(*x));
	c.name = name;
	c.err = err;
	c.x = x;
	c.out = out;
	if ((c.z = unzOpen64(path)) == NULL)
		return br_errf(err, BR_EINPUT, name, 0, "cannot read it as a "
		    "zip: not a workbook (.xlsx), or damaged");
	if ((rv = read_workbook(&c, sheet)) == 0 &&
	    (rv = read_rels(&c)) == 0 && (rv = read_styles(&c)) == 0 &&
	    (rv = read_sst(&c)) == 0)
		rv = br_xc_sheet(&c);
	conv_release(&c);
	return rv;
}
