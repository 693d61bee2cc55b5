#include <string.h>

#include <criterion/criterion.h>

#include "sheetref.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

Test(sheetref, column_letters)
{
	static const struct { size_t col; const char *want; } t[] = {
		{ 0, "A" }, { 2, "C" }, { 19, "T" }, { 25, "Z" }, { 26, "AA" },
		{ 27, "AB" }, { 51, "AZ" }, { 52, "BA" }, { 701, "ZZ" },
		{ 702, "AAA" }, { 16383, "XFD" },	/* the last in Excel */
	};
	char buf[16];
	size_t i;

	for (i = 0; i < N(t); i++) {
		br_sheetref_col(buf, sizeof(buf), t[i].col);
		cr_assert_str_eq(buf, t[i].want, "%zu", t[i].col);
	}
	br_sheetref_col(buf, 2, 27);	/* cut, still terminated */
	cr_assert_str_eq(buf, "A");
}

Test(sheetref, where_names_row_column_and_header)
{
	char buf[BR_SHEETREF_BUF];

	br_sheetref_where(buf, sizeof(buf), 13, 3, "instance_id");
	cr_assert_str_eq(buf, "row 13, column C 'instance_id'");
	br_sheetref_where(buf, sizeof(buf), 13, 0, "instance_id");
	cr_assert_str_eq(buf, "row 13");
	br_sheetref_where(buf, sizeof(buf), 2, 28, NULL);
	cr_assert_str_eq(buf, "row 2, column AB");
	br_sheetref_where(buf, sizeof(buf), 2, 1, "a\tb");
	cr_assert_str_eq(buf, "row 2, column A 'a\\x09b'");
	br_sheetref_where(buf, sizeof(buf), 0, 3, "instance_id");
	cr_assert_str_eq(buf, "", "no sheet: JSON");
}
