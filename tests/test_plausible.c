#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "plausible.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

Test(plausible, serial_dates_are_days_of_the_1900_system)
{
	static const struct { long n; const char *want; } t[] = {
		{ 46347, "2026-11-21" }, { 25569, "1970-01-01" },
		{ 1, "1900-01-01" }, { 59, "1900-02-28" },
		{ 60, "1900-02-29" },	/* the leap day that never was */
		{ 61, "1900-03-01" }, { 45658, "2025-01-01" },
		{ 99999, "2173-10-13" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < N(t); i++) {
		br_plaus_serial_date(t[i].n, buf, sizeof(buf));
		cr_assert_str_eq(buf, t[i].want, "%ld", t[i].n);
	}
}

Test(plausible, old_epoch_ms_say_what_they_look_like)
{
	static const struct {
		int64_t ms; int number; const char *msg;
	} t[] = {
		{ 46347, 1, "looks like a spreadsheet date serial (46347 = "
		  "2026-11-21); format the column as YYYY-MM-DD" },
		{ 1, 1, "looks like a spreadsheet date serial (1 = "
		  "1900-01-01); format the column as YYYY-MM-DD" },
		{ 1795219200, 1, "looks like epoch seconds (1795219200 = "
		  "2026-11-21T00:00:00Z), the field takes milliseconds" },
		{ 100000000, 1, "looks like epoch seconds (100000000 = "
		  "1973-03-03T09:46:40Z), the field takes milliseconds" },
		{ 99999999999, 1, "looks like epoch seconds (99999999999 = "
		  "5138-11-16T09:46:39Z), the field takes milliseconds" },
		/* neither: between the serials and the seconds */
		{ 1234567, 1, "is before 1973-03-03 "
		  "(1970-01-01T00:20:34.567Z): too early to be meant; give "
		  "--allow-old-dates if it is" },
		{ 0, 1, "is before 1973-03-03 (1970-01-01T00:00:00Z): too "
		  "early to be meant; give --allow-old-dates if it is" },
		{ -86400000, 1, "is before 1973-03-03 "
		  "(1969-12-31T00:00:00Z): too early to be meant; give "
		  "--allow-old-dates if it is" },
		/* written as a date, not a number */
		{ 46347, 0, "is before 1973-03-03 (1970-01-01T00:00:46.347Z): "
		  "too early to be meant; give --allow-old-dates if it is" },
	};
	char msg[BR_PLAUS_MSG];
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(msg, 0, sizeof(msg));
		cr_assert_eq(br_plaus_epoch_ms(t[i].ms, t[i].number, msg,
		    sizeof(msg)), 1, "#%zu", i);
		cr_assert_str_eq(msg, t[i].msg, "#%zu", i);
	}
}

Test(plausible, epoch_ms_from_1973_03_03_are_plausible)
{
	char msg[BR_PLAUS_MSG] = "";

	cr_assert_eq(br_plaus_epoch_ms(BR_PLAUS_OLD_MS - 1, 1, msg,
	    sizeof(msg)), 1);
	msg[0] = '\0';
	cr_assert_eq(br_plaus_epoch_ms(BR_PLAUS_OLD_MS, 1, msg, sizeof(msg)),
	    0);
	cr_assert_eq(br_plaus_epoch_ms(1795219200000LL, 1, msg, sizeof(msg)),
	    0);
	cr_assert_eq(br_plaus_epoch_ms(INT64_MAX, 0, msg, sizeof(msg)), 0);
	cr_assert_str_eq(msg, "", "no message when plausible");
}

Test(plausible, ms_show_gives_the_utc_time_beside)
{
	static const struct { int64_t ms; const char *want; } t[] = {
		{ 1795219200000LL, "1795219200000 (2026-11-21T00:00:00Z)" },
		{ 1795219200123LL, "1795219200123 (2026-11-21T00:00:00.123Z)" },
		{ 0, "0 (1970-01-01T00:00:00Z)" },
		{ -1, "-1 (1969-12-31T23:59:59.999Z)" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < N(t); i++) {
		br_plaus_ms_show(t[i].ms, buf, sizeof(buf));
		cr_assert_str_eq(buf, t[i].want);
	}
}

Test(plausible, ids_rounded_to_15_digits)
{
	static const struct { const char *s; int rounded; } t[] = {
		{ "1234567890123460000", 1 },	/* Excel's "as shown" */
		{ "1234567890123450", 1 },	/* 16 digits, last one 0 */
		{ "+1234567890123450000", 1 },
		{ "-1234567890123450000", 1 },
		{ "0001234567890123450", 1 },	/* leading zeros do not count */
		{ "1000000000000000000", 1 },
		{ "1234567890123456789", 0 },	/* all there */
		{ "1234567890123460001", 0 },
		{ "123456789012345", 0 },	/* 15 digits: kept whole */
		{ "123456789012340", 0 },
		{ "000000000000000000", 0 },
		{ "34765", 0 },
		{ "1.23457E+18", 0 },		/* not digits: the type's */
		{ "12345678901234a0000", 0 },
		{ "", 0 }, { "-", 0 },
		{ "59d02e58-6e2b-4f7a", 0 },
	};
	char msg[BR_PLAUS_MSG];
	size_t i;

	for (i = 0; i < N(t); i++)
		cr_assert_eq(br_plaus_rounded_id(t[i].s, strlen(t[i].s), msg,
		    sizeof(msg)), t[i].rounded, "'%s'", t[i].s);
	cr_assert_eq(br_plaus_rounded_id(t[0].s, strlen(t[0].s), msg,
	    sizeof(msg)), 1);
	cr_assert_str_eq(msg, "'1234567890123460000' is rounded by a "
	    "spreadsheet (it keeps 15 digits): format the column as Text and "
	    "paste the ids again");
}

Test(plausible, blanks_around_a_value_are_named)
{
	static const struct { const char *s; const char *msg; } t[] = {
		{ "abc\xc2\xa0", "ends with a no-break space (U+00A0): "
		  "remove it from the value" },
		{ " abc", "starts with a space (U+0020): remove it from the "
		  "value" },
		{ "abc\t", "ends with a tab (U+0009): remove it from the value" },
		{ "abc\n", "ends with a line break (U+000A): remove it from "
		  "the value" },
		{ "\xe2\x80\x87" "123", "starts with a figure space (U+2007): "
		  "remove it from the value" },
		{ "123\xe2\x80\xaf", "ends with a narrow no-break space "
		  "(U+202F): remove it from the value" },
		{ "\xe3\x80\x80id", "starts with an ideographic space "
		  "(U+3000): remove it from the value" },
		{ "id\xe2\x80\x8b", "ends with a zero-width space (U+200B): "
		  "remove it from the value" },
		{ "\xef\xbb\xbfid", "starts with a zero-width no-break space "
		  "(U+FEFF): remove it from the value" },
		{ "\xc2\xa0" "abc ", "starts with a no-break space (U+00A0) "
		  "and ends with a space (U+0020): remove them from the value" },
	};
	static const char *const fine[] = {
		"abc", "a b", "a\xc2\xa0" "b", "", "\xc3\xa9t\xc3\xa9",
		"\xc2", "a\xc2",
	};
	char msg[BR_PLAUS_MSG];
	size_t i;

	for (i = 0; i < N(t); i++) {
		cr_assert_eq(br_plaus_blanks(t[i].s, strlen(t[i].s), msg,
		    sizeof(msg)), 1, "#%zu", i);
		cr_assert_str_eq(msg, t[i].msg, "#%zu", i);
	}
	for (i = 0; i < N(fine); i++)
		cr_assert_eq(br_plaus_blanks(fine[i], strlen(fine[i]), msg,
		    sizeof(msg)), 0, "'%s'", fine[i]);
}

Test(plausible, date_time_serials_as_text)
{
	static const struct { const char *s; const char *msg; } t[] = {
		{ "46347.5", "looks like a spreadsheet date-time serial "
		  "(46347.5 = 2026-11-21 12:00:00); format the column as "
		  "YYYY-MM-DD HH:MM" },
		{ "46347,25", "looks like a spreadsheet date-time serial "
		  "(46347,25 = 2026-11-21 06:00:00); format the column as "
		  "YYYY-MM-DD HH:MM" },
		{ "46347.999999999", "looks like a spreadsheet date-time "
		  "serial (46347.999999999 = 2026-11-22 00:00:00); format the "
		  "column as YYYY-MM-DD HH:MM" },
	};
	static const char *const not[] = {
		"46347", "46347.", ".5", "123456.5", "0.5", "46347.5x",
		"2026-11-21", "4634 7.5", "",
	};
	char msg[BR_PLAUS_MSG];
	size_t i;

	for (i = 0; i < N(t); i++) {
		cr_assert_eq(br_plaus_serial_text(t[i].s, strlen(t[i].s), msg,
		    sizeof(msg)), 1, "%s", t[i].s);
		cr_assert_str_eq(msg, t[i].msg);
	}
	for (i = 0; i < N(not); i++)
		cr_assert_eq(br_plaus_serial_text(not[i], strlen(not[i]), msg,
		    sizeof(msg)), 0, "%s", not[i]);
}
