/*
 * xlsxin_int.h - what xlsxin.c (the zip, workbook, styles, strings) and
 * xlsxsheet.c (the sheet's rows) share.  Private to them; the API is
 * xlsxin.h.
 */
#ifndef BR_XLSXIN_INT_H
#define BR_XLSXIN_INT_H

#include <stdio.h>

#include <libxml/xmlreader.h>
#include <minizip/unzip.h>

#include "manifest.h"
#include "strbuf.h"
#include "xlsxin.h"

/* A conversion under way. */
struct conv {
	const char	*name;		/* the file, for messages */
	struct br_err	*err;
	struct br_xlsx	*x;
	FILE		*out;
	unzFile		 z;
	const char	*part;		/* the part being read */
	int		 date1904;
	char		*rid;		/* the sheet's relationship id */
	char		*sheet_part, *styles_part, *sst_part;
	struct br_strbuf names;		/* the sheets, for a message */
	int		*fmt_date;	/* custom number formats: dates */
	size_t		 nfmt, fmt_cap;
	int		*xf_date;	/* per cell format: a date */
	size_t		 nxf, xf_cap;
	FILE		*sdata;		/* shared strings, one after another */
	FILE		*sidx;		/* their offsets, 8 bytes each */
	size_t		 nstr;

	/* the sheet (xlsxsheet.c) */
	struct br_strbuf line;		/* the CSV line of the row */
	struct br_strbuf raw;		/* the cell's text as in the file */
	struct br_strbuf val;		/* the cell's value */
	struct br_strbuf hdr;		/* header names, NUL after each */
	size_t		*hoff;		/* per column: offset in hdr + 1 */
	size_t		 nhoff;
	int		 have_hdr;
	long		 next_row;	/* the row expected next */
	long		 row;		/* the row being read */
	long		 pos;		/* cells in line */
	long		 col;		/* the cell's column */
	char		 ctype[16];	/* the cell's t="..." */
	long		 cstyle;	/* its s="..." */
	int		 in_v, in_t, in_rph;
};

/* xlsxin.c */
int	br_xc_open(struct conv *c, const char *entry, int optional,
	    xmlTextReaderPtr *rd);
void	br_xc_close(struct conv *c, xmlTextReaderPtr rd);
int	br_xc_read(struct conv *c, xmlTextReaderPtr rd);
int	br_xc_is(xmlTextReaderPtr rd, const char *name, int end);
char	*br_xc_attr(xmlTextReaderPtr rd, const char *name);
int	br_xc_xf_date(const struct conv *c, long s);
/* Shared string idx (its decimal text) into out; row for messages. */
int	br_xc_shared(struct conv *c, const char *idx, struct br_strbuf *out,
	    long row);

/* xlsxsheet.c: the sheet's rows as CSV lines into c->out. */
int	br_xc_sheet(struct conv *c);
void	br_xc_sheet_release(struct conv *c);

#endif
