/*
 * xlsxin.h - a workbook (.xlsx) given as the manifest: one sheet turned
 * into UTF-8 CSV, streaming, for the CSV reader (manifest.c).
 *
 * The zip is read with minizip, each part with libxml2's xmlTextReader:
 * xl/workbook.xml and its relationships find the sheet; xl/styles.xml
 * says which cell formats are dates; xl/sharedStrings.xml is written once
 * to an unlinked temporary file with an index of 8 bytes a string (on
 * disk, not in memory), read back with pread() per cell.  Memory is the
 * row being converted, the cell formats (4 bytes each) and, when a row
 * is hidden, a bitmap of the sheet's rows (128 KiB); nothing grows with
 * the number of rows or strings.
 *
 * The CSV has one line per sheet row, blank rows as empty lines, so that
 * its records keep the sheet's row numbers.  Cells: a shared, inline or
 * formula string as its text (escapes such as _x000D_ undone); a number as written in the file; a number
 * in a date format as ISO text (2026-11-21, or 2026-11-21T08:30:00 with
 * a time of day; local time, as the sheet shows it); a boolean as true
 * or false; an error as its text (#N/A).  A number in an id column (a
 * header "id", "..._id", "... id", "...Id") above 2^53 is refused: the
 * workbook stored it as a number and its digits are lost.
 */
#ifndef BR_XLSXIN_H
#define BR_XLSXIN_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

#define BR_XLSX_MAX_ROWS	1048576L	/* a sheet's rows at most */

struct br_xlsx {
	char		*sheet;		/* the sheet's name (malloc'd) */
	unsigned char	*hidden;	/* bit per row (1-based), or NULL */
};

/* Whether the first bytes b[0..n) are a zip's ("PK\3\4"). */
int	br_xlsx_is_zip(const unsigned char *b, size_t n);

/* Converts the sheet named sheet (NULL: the first) of the workbook at
 * path into out (at its end) as CSV, as above.  name is the file's name
 * for messages ("FILE:ROW: sheet 'S', row R, column C 'name': ...").
 * Fills x (free with br_xlsx_release, also after an error).  0 or BR_E*
 * (err set): not a workbook, no such sheet, a part that is no XML, an
 * id stored as a number. */
int	br_xlsx_to_csv(const char *path, const char *name, const char *sheet,
	    FILE *out, struct br_xlsx *x, struct br_err *err);

/* Whether row (1-based) of the sheet converted is hidden. */
int	br_xlsx_row_hidden(const struct br_xlsx *x, long row);

void	br_xlsx_release(struct br_xlsx *x);

/* Pure pieces, for tests. */
/* Whether number format id (with its code, NULL for a built-in one) is
 * a date or time format: built-in 14-22 and 45-47, or a code with d, m,
 * y or h outside quotes, brackets and escapes. */
int	br_xlsx_is_date_fmt(int id, const char *code);
/* A date serial as ISO text into buf (bufsz 32): "YYYY-MM-DD" when it is
 * a whole day, else "YYYY-MM-DDTHH:MM:SS" (to the second); date1904: the
 * workbook counts from 1904.  -1 when out of range (before 1900, after
 * 9999). */
int	br_xlsx_serial_iso(double serial, int date1904, char *buf,
	    size_t bufsz);
/* The 0-based column of a cell reference ("AB12" gives 27), -1 if none. */
long	br_xlsx_ref_col(const char *ref);
/* Undoes the escapes of text in a workbook, in place: _xHHHH_ is the
 * character U+HHHH (Excel writes a carriage return as _x000D_, and a
 * "_x" of the text as _x005F_x); U+0000 and surrogates stay as written.
 * Returns the new length (never longer). */
size_t	br_xlsx_unescape(char *s, size_t len);
/* Whether a header name names an id column (see above). */
int	br_xlsx_id_column(const char *name);

#endif
