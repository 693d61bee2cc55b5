#include <string.h>

#include <criterion/criterion.h>

#include "jsontext.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

Test(jsontext, is_number_table)
{
	static const struct {
		const char	*s;
		int		 ok;
	} t[] = {
		{ "0", 1 }, { "-0", 1 }, { "7", 1 }, { "-1", 1 }, { "10", 1 },
		{ "123456789012345678901234567890", 1 },
		{ "9223372036854775808", 1 }, { "0.5", 1 }, { "-0.5", 1 },
		{ "1.25", 1 }, { "1e5", 1 }, { "1E5", 1 }, { "1e+5", 1 },
		{ "1e-5", 1 }, { "1.5e10", 1 }, { "0e0", 1 }, { "-0.0E-00", 1 },
		{ "", 0 }, { "-", 0 }, { "01", 0 }, { "-01", 0 }, { "00", 0 },
		{ "1.", 0 }, { ".5", 0 }, { "-.5", 0 }, { "+1", 0 },
		{ "1e", 0 }, { "1e+", 0 }, { "1E-", 0 }, { "1.e5", 0 },
		{ "0x10", 0 }, { "NaN", 0 }, { "Infinity", 0 },
		{ "-Infinity", 0 },
		{ " 1", 0 }, { "1 ", 0 }, { "1.2.3", 0 }, { "--1", 0 },
		{ "1e5e5", 0 }, { "1-", 0 }, { "1,5", 0 }, { "true", 0 },
		{ "\"1\"", 0 }, { "1e5.5", 0 },
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		cr_assert_eq(br_jsontext_is_number(t[i].s, strlen(t[i].s)),
		    t[i].ok, "'%s'", t[i].s);
}

Test(jsontext, is_number_reads_exactly_n_bytes)
{
	cr_assert(br_jsontext_is_number("12abc", 2));
	cr_assert(br_jsontext_is_number("1.", 1));
	cr_assert_not(br_jsontext_is_number("1.5", 2));
	cr_assert_not(br_jsontext_is_number("1e5", 2));
	cr_assert(br_jsontext_is_number("1e5", 3));
	cr_assert_not(br_jsontext_is_number("-5", 1));
	cr_assert_not(br_jsontext_is_number("5\0" "5", 3));
	cr_assert_not(br_jsontext_is_number("5", 0));
}

Test(jsontext, escape_len_table)
{
	static const struct {
		const char	*s;
		size_t		 i;
		size_t		 len;
	} t[] = {
		{ "\\\"", 0, 2 }, { "\\\\", 0, 2 }, { "\\/", 0, 2 },
		{ "\\b", 0, 2 }, { "\\f", 0, 2 }, { "\\n", 0, 2 },
		{ "\\r", 0, 2 }, { "\\t", 0, 2 },
		{ "ab\\tc", 2, 2 },
		{ "\\u0041", 0, 6 }, { "\\u00e9", 0, 6 }, { "\\u00E9", 0, 6 },
		{ "\\uFFFF", 0, 6 }, { "\\ud7ff", 0, 6 }, { "\\ue000", 0, 6 },
		{ "\\u0041\\u0042", 0, 6 },
		{ "x\\ud83d\\ude00y", 1, 12 }, { "\\uD83D\\uDE00", 0, 12 },
		{ "\\udbff\\udfff", 0, 12 },
		/* not escapes */
		{ "\\", 0, 0 }, { "\\x", 0, 0 }, { "\\a", 0, 0 },
		{ "\\N", 0, 0 }, { "\\U0041", 0, 0 }, { "\\'", 0, 0 },
		{ "\\u00G9", 0, 0 }, { "\\u004", 0, 0 }, { "\\u", 0, 0 },
		{ "\\u 041", 0, 0 }, { "\\u-041", 0, 0 },
		{ "\\ud83d", 0, 0 }, { "\\ud83dx", 0, 0 },
		{ "\\ud83d\\u0041", 0, 0 }, { "\\ud83d\\ud83d", 0, 0 },
		{ "\\ude00", 0, 0 }, { "\\udfff\\ud83d", 0, 0 },
		{ "\\ud83d\\ude0", 0, 0 }, { "\\ud83d\\n", 0, 0 },
		{ "\\ud83d\\Ude00", 0, 0 },
		{ "\\ud83d\\ue000", 0, 0 }, { "\\ud83d\\udbff", 0, 0 },
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		cr_assert_eq(br_jsontext_escape_len(t[i].s, strlen(t[i].s),
		    t[i].i), t[i].len, "'%s' at %zu", t[i].s, t[i].i);
}

Test(jsontext, escape_len_stops_at_n)
{
	static const char s[] = "\\u0041\\ud83d\\ude00";

	cr_assert_eq(br_jsontext_escape_len(s, 6, 0), 6);
	cr_assert_eq(br_jsontext_escape_len(s, 5, 0), 0);
	cr_assert_eq(br_jsontext_escape_len(s, 1, 0), 0);
	cr_assert_eq(br_jsontext_escape_len(s, sizeof(s) - 1, 6), 12);
	cr_assert_eq(br_jsontext_escape_len(s, sizeof(s) - 2, 6), 0);
	cr_assert_eq(br_jsontext_escape_len(s, 12, 6), 0);
	cr_assert_eq(br_jsontext_escape_len("\\\0n", 3, 0), 0, "NUL");
	cr_assert_eq(br_jsontext_escape_len("\\n", 1, 0), 0);
}
