/*
 * xlsxin: the pure pieces (date formats, serials, cell references, id
 * columns) and the conversion of the fixtures of tests/data/xlsx (made
 * by make.py with openpyxl) to CSV, line for line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "xlsxin.h"

static const char *
fixture(const char *name)
{
	static char path[1024];
	const char *dir = getenv("BULKRUN_TESTDATA");

	snprintf(path, sizeof(path), "%s/xlsx/%s",
	    dir != NULL ? dir : "tests/data", name);
	return path;
}

/* The CSV of sheet (NULL: the first) of fixture name; rv its answer. */
static char *
convert(const char *name, const char *sheet, struct br_xlsx *x, int *rv,
    struct br_err *err)
{
	FILE *t = tmpfile();
	char *s;
	long n;

	cr_assert_not_null(t);
	*rv = br_xlsx_to_csv(fixture(name), name, sheet, t, x, err);
	n = ftell(t);
	cr_assert_not_null(s = calloc(1, (size_t)n + 1));
	rewind(t);
	cr_assert_eq(fread(s, 1, (size_t)n, t), (size_t)n);
	fclose(t);
	return s;
}

Test(xlsxin, date_formats)
{
	cr_expect(br_xlsx_is_date_fmt(14, NULL));
	cr_expect(br_xlsx_is_date_fmt(22, NULL));
	cr_expect(br_xlsx_is_date_fmt(47, NULL));
	cr_expect(!br_xlsx_is_date_fmt(0, NULL), "General");
	cr_expect(!br_xlsx_is_date_fmt(49, NULL), "@, text");
	cr_expect(br_xlsx_is_date_fmt(164, "yyyy-mm-dd"));
	cr_expect(br_xlsx_is_date_fmt(164, "[$-409]d/m/yy h:mm AM/PM"));
	cr_expect(!br_xlsx_is_date_fmt(164, "0.00E+00"));
	cr_expect(!br_xlsx_is_date_fmt(164, "General"));
	cr_expect(!br_xlsx_is_date_fmt(164, "\"days\" 0"), "quoted");
	cr_expect(!br_xlsx_is_date_fmt(164, "[Red]0.00"), "bracketed");
	cr_expect(!br_xlsx_is_date_fmt(164, "0\\d"), "escaped");
	cr_expect(!br_xlsx_is_date_fmt(164, "0;[Red]-0;\"d\""));
}

Test(xlsxin, serials_as_iso_text)
{
	char b[32];

	cr_assert_eq(br_xlsx_serial_iso(46347, 0, b, sizeof(b)), 0);
	cr_expect_str_eq(b, "2026-11-21");
	cr_assert_eq(br_xlsx_serial_iso(46347.354166666664, 0, b,
	    sizeof(b)), 0);
	cr_expect_str_eq(b, "2026-11-21T08:30:00");
	cr_assert_eq(br_xlsx_serial_iso(1, 0, b, sizeof(b)), 0);
	cr_expect_str_eq(b, "1900-01-01");
	cr_assert_eq(br_xlsx_serial_iso(61, 0, b, sizeof(b)), 0);
	cr_expect_str_eq(b, "1900-03-01", "after the 1900-02-29 Excel has");
	cr_assert_eq(br_xlsx_serial_iso(25569, 0, b, sizeof(b)), 0);
	cr_expect_str_eq(b, "1970-01-01");
	cr_assert_eq(br_xlsx_serial_iso(46347 - 1462, 1, b, sizeof(b)), 0);
	cr_expect_str_eq(b, "2026-11-21", "1904 date system");
	cr_expect_eq(br_xlsx_serial_iso(-1, 0, b, sizeof(b)), -1);
	cr_expect_eq(br_xlsx_serial_iso(3e6, 0, b, sizeof(b)), -1);
}

Test(xlsxin, references_and_id_columns)
{
	cr_expect_eq(br_xlsx_ref_col("A1"), 0);
	cr_expect_eq(br_xlsx_ref_col("C13"), 2);
	cr_expect_eq(br_xlsx_ref_col("AB12"), 27);
	cr_expect_eq(br_xlsx_ref_col("XFD1"), 16383);
	cr_expect_eq(br_xlsx_ref_col("XFE1"), -1, "beyond the last column");
	cr_expect_eq(br_xlsx_ref_col("12"), -1);
	cr_expect(br_xlsx_id_column("id"));
	cr_expect(br_xlsx_id_column("ID"));
	cr_expect(br_xlsx_id_column("instance_id"));
	cr_expect(br_xlsx_id_column("Instance ID "));
	cr_expect(br_xlsx_id_column("instanceId"));
	cr_expect(!br_xlsx_id_column("paid"));
	cr_expect(!br_xlsx_id_column("PAID"));
	cr_expect(!br_xlsx_id_column("void"));
	cr_expect(!br_xlsx_id_column("d"));
}

Test(xlsxin, escapes_are_undone)
{
	static const struct { const char *in, *want; } t[] = {
		{ "a_x000D_b", "a\rb" },
		{ "_x005F_x0041_", "_x0041_", },	/* a "_x" of the text */
		{ "_x00E4_", "\xc3\xa4" },
		{ "_x20AC_", "\xe2\x82\xac" },
		{ "_x0000_", "_x0000_" },		/* NUL: as written */
		{ "_xD800_", "_xD800_" },		/* a surrogate too */
		{ "_x00G1_", "_x00G1_" },
		{ "_x0041", "_x0041" },
		{ "plain", "plain" },
	};
	char buf[64];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", t[i].in);
		n = br_xlsx_unescape(buf, strlen(buf));
		cr_expect_eq(n, strlen(t[i].want), "%s", t[i].in);
		cr_expect_str_eq(buf, t[i].want, "%s", t[i].in);
	}
}

Test(xlsxin, a_sheet_becomes_one_csv_line_a_row)
{
	struct br_xlsx x;
	struct br_err err = { 0 };
	char *s;
	int rv;

	s = convert("plain.xlsx", NULL, &x, &rv, &err);
	cr_assert_eq(rv, 0, "%s", err.msg);
	cr_expect_str_eq(x.sheet, "Orders");
	cr_expect_str_eq(s, "op,project_id,instance_id,task_id,date_from\n"
	    "roma.reset_multi_task,p1,ins-1,t-ok,2026-11-21\n"
	    "roma.reset_multi_task,p1,ins-1,t-time,2026-11-21T08:30:00\n"
	    "roma.reset_multi_task,p1,ins-1,t-hidden,2026-11-21\n"
	    "\n"
	    "roma.reset_multi_task,p1,00123,t-text\n");
	cr_expect(!br_xlsx_row_hidden(&x, 3));
	cr_expect(br_xlsx_row_hidden(&x, 4));
	cr_expect(!br_xlsx_row_hidden(&x, 5));
	free(s);
	br_xlsx_release(&x);

	s = convert("plain.xlsx", "Later", &x, &rv, &err);
	cr_assert_eq(rv, 0, "%s", err.msg);
	cr_expect_str_eq(s, "op,project_id,instance_id,task_id\n"
	    "roma.reset_multi_task,p1,ins-2,t-later\n");
	cr_expect_null(x.hidden, "no hidden row, no bitmap");
	free(s);
	br_xlsx_release(&x);
}

Test(xlsxin, shared_strings_read_as_inline_ones)
{
	struct br_xlsx x, y;
	struct br_err err = { 0 };
	char *a, *b;
	int rv;

	a = convert("plain.xlsx", NULL, &x, &rv, &err);
	cr_assert_eq(rv, 0, "%s", err.msg);
	/* the same sheet, its text in xl/sharedStrings.xml; the op as rich
	 * text with a phonetic run (not part of the text) */
	b = convert("shared.xlsx", NULL, &y, &rv, &err);
	cr_assert_eq(rv, 0, "%s", err.msg);
	cr_expect_str_eq(b, a);
	cr_expect(br_xlsx_row_hidden(&y, 4));
	free(a);
	free(b);
	br_xlsx_release(&x);
	br_xlsx_release(&y);
}

Test(xlsxin, cells_are_quoted_gaps_filled_and_1904_dates_read)
{
	struct br_xlsx x;
	struct br_err err = { 0 };
	char *s;
	int rv;

	s = convert("cells.xlsx", NULL, &x, &rv, &err);
	cr_assert_eq(rv, 0, "%s", err.msg);
	cr_expect_str_eq(s, "a,b,c,d,e\n"
	    "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"#not a comment\","
	    "true\n"
	    "\" lead\",,,3.5,false\n"
	    "\n"
	    ",,c5\n");
	free(s);
	br_xlsx_release(&x);

	s = convert("mac1904.xlsx", NULL, &x, &rv, &err);
	cr_assert_eq(rv, 0, "%s", err.msg);
	cr_expect_str_eq(s, "date_from\n2026-11-21\n");
	free(s);
	br_xlsx_release(&x);
}

Test(xlsxin, refusals_say_where)
{
	struct br_xlsx x;
	struct br_err err = { 0 };
	char *s;
	int rv;

	s = convert("plain.xlsx", "Nope", &x, &rv, &err);
	cr_expect_eq(rv, BR_EINPUT);
	cr_expect_str_eq(err.msg, "plain.xlsx: no sheet 'Nope' in the "
	    "workbook (its sheets: 'Orders', 'Later')");
	free(s);
	br_xlsx_release(&x);
	br_err_clear(&err);
	s = convert("bignum.xlsx", NULL, &x, &rv, &err);
	cr_expect_eq(rv, BR_EINPUT);
	cr_expect(strstr(err.msg, "bignum.xlsx:3: sheet 'Orders', row 3, "
	    "column D 'task_id': 1.234567890123457e+18 is stored as a "
	    "number, digits lost") != NULL, "%s", err.msg);
	free(s);
	br_xlsx_release(&x);
	br_err_clear(&err);
	s = convert("make.py", NULL, &x, &rv, &err);
	cr_expect_eq(rv, BR_EINPUT, "not a zip");
	free(s);
	br_xlsx_release(&x);
}
