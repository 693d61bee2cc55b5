#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "jsontext.h"
#include "strbuf.h"

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

/* The JSON string of s[0..n), as br_jsontext_add_string appends it. */
static char *
added(const char *s, size_t n)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	br_strbuf_addstr(&sb, "x=");
	br_jsontext_add_string(&sb, s, n);
	cr_assert(!sb.oom);
	return br_strbuf_detach(&sb);
}

Test(jsontext, add_string_escapes_and_keeps_utf8)
{
	static const struct { const char *in; size_t n; const char *out; } t[] = {
		{ "", 0, "x=\"\"" },
		{ "abc", 3, "x=\"abc\"" },
		{ "a\"b\\c", 5, "x=\"a\\\"b\\\\c\"" },
		{ "\n\r\t", 3, "x=\"\\n\\r\\t\"" },
		{ "a\0b\x01\x1f", 5, "x=\"a\\u0000b\\u0001\\u001f\"" },
		{ "\x7f", 1, "x=\"\x7f\"" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
		  "x=\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		{ "a\xff" "b", 3, "x=\"a\\ufffdb\"" },
		{ "\xe2\x82", 2, "x=\"\\ufffd\\ufffd\"" },
		{ "\xc0\xaf", 2, "x=\"\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", 3, "x=\"\\ufffd\\ufffd\\ufffd\"" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = added(t[i].in, t[i].n);
		cr_expect_str_eq(got, t[i].out, "case %zu", i);
		free(got);
	}
}

Test(jsontext, add_string_does_nothing_after_oom)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	sb.oom = 1;
	br_jsontext_add_string(&sb, "abc", 3);
	cr_assert_null(sb.p);
	cr_assert_eq(sb.len, 0);
}
