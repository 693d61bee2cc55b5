/*
 * sheetref.c - rows and column letters of a sheet; see sheetref.h.
 */
#include <stdio.h>
#include <string.h>

#include "sheetref.h"
#include "text.h"

void
br_sheetref_col(char *buf, size_t bufsz, size_t col)
{
	char rev[16];
	size_t n = 0, i;

	if (bufsz == 0)
		return;
	do {				/* bijective base 26 */
		rev[n++] = (char)('A' + col % 26);
		col = col / 26;
	} while (col-- > 0 && n < sizeof(rev));
	for (i = 0; i < n && i + 1 < bufsz; i++)
		buf[i] = rev[n - 1 - i];
	buf[i] = '\0';
}

void
br_sheetref_where(char *buf, size_t bufsz, long row, size_t col1,
    const char *name)
{
	char col[16], q[BR_QUOTE_BUF];

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	if (row <= 0)
		return;
	if (col1 == 0) {
		snprintf(buf, bufsz, "row %ld", row);
		return;
	}
	br_sheetref_col(col, sizeof(col), col1 - 1);
	if (name == NULL) {
		snprintf(buf, bufsz, "row %ld, column %s", row, col);
		return;
	}
	br_text_quotez(q, sizeof(q), name);
	snprintf(buf, bufsz, "row %ld, column %s '%s'", row, col, q);
}
