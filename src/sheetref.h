/*
 * sheetref.h - where a value is, in the words of a spreadsheet: the row
 * number the sheet shows and the column letter (A..Z, AA..), for the
 * messages about a CSV manifest (FILE:LINE: row 13, column C 'name': ...).
 * Pure.
 */
#ifndef BR_SHEETREF_H
#define BR_SHEETREF_H

#include <stddef.h>

#define BR_SHEETREF_BUF	320	/* room for any br_sheetref_where() */

/* The letters of column col (0-based: 0 is A, 25 Z, 26 AA, 701 ZZ, 702
 * AAA) into buf, NUL-terminated (bufsz 16 holds any). */
void	br_sheetref_col(char *buf, size_t bufsz, size_t col);

/* "row 13, column C 'instance_id'" into buf: the sheet's row, and when
 * col1 > 0 the column col1 - 1 and its header name (quoted as messages
 * quote values; name may be NULL).  row 0 or less gives "" (a manifest
 * that is no sheet). */
void	br_sheetref_where(char *buf, size_t bufsz, long row, size_t col1,
	    const char *name);

#endif
