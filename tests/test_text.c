#include <string.h>

#include <criterion/criterion.h>

#include "text.h"

Test(text, hexval)
{
	cr_assert_eq(br_text_hexval('0'), 0);
	cr_assert_eq(br_text_hexval('9'), 9);
	cr_assert_eq(br_text_hexval('a'), 10);
	cr_assert_eq(br_text_hexval('F'), 15);
	cr_assert_eq(br_text_hexval('g'), -1);
	cr_assert_eq(br_text_hexval('\0'), -1);
	cr_assert_eq(br_text_hexval(0xe9), -1);
	cr_assert_eq(br_text_hexval(-1), -1);
}

Test(text, hex)
{
	static const unsigned char b[] = { 0x00, 0x01, 0xab, 0xff, 0x10 };
	char out[2 * sizeof(b) + 1];

	memset(out, 'x', sizeof(out));
	br_text_hex(out, b, sizeof(b));
	cr_assert_str_eq(out, "0001abff10");
	br_text_hex(out, b, 0);
	cr_assert_str_eq(out, "");
}

Test(text, pct_decode)
{
	static const struct {
		const char *in; int plus; const char *out; size_t len;
	} t[] = {
		{ "", 0, "", 0 },
		{ "a%2Fb", 0, "a/b", 3 },
		{ "%2e%2E", 0, "..", 2 },
		{ "a+b", 0, "a+b", 3 },
		{ "a+b", 1, "a b", 3 },
		{ "%2B", 1, "+", 1 },
		{ "100%", 0, "100%", 4 },
		{ "%4", 0, "%4", 2 },
		{ "%zz%41", 0, "%zzA", 4 },
		{ "%41", 0, "A", 1 },
		{ "x%00y", 0, "x\0y", 3 },
		{ "%%41", 0, "%A", 2 },
	};
	char out[16];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = br_text_pct_decode(out, t[i].in, strlen(t[i].in),
		    t[i].plus);
		cr_expect_eq(n, t[i].len, "case %zu: length %zu", i, n);
		cr_expect(memcmp(out, t[i].out, t[i].len) == 0, "case %zu", i);
		cr_expect_eq(out[n], '\0', "case %zu", i);
	}
}

Test(text, pct_decode_reads_exactly_n_bytes)
{
	char out[8];

	/* "%41" cut after "%4": the escape is not complete */
	cr_assert_eq(br_text_pct_decode(out, "%41", 2, 0), 2);
	cr_assert_str_eq(out, "%4");
}

Test(text, free_all_frees_each_string_not_the_array)
{
	char *v[3];

	v[0] = br_text_ndup("a", 1);
	v[1] = NULL;
	v[2] = br_text_ndup("bc", 2);
	cr_assert(v[0] != NULL && v[2] != NULL);
	br_text_free_all(v, 3);	/* v is on the stack: not freed */
	br_text_free_all(NULL, 0);
}

Test(text, trim_sp_trims_spaces_and_tabs_only)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "", "" },
		{ " \t ", "" },
		{ "a", "a" },
		{ " \ta b\t ", "a b" },
		{ "\ra\n", "\ra\n" },		/* CR, LF stay */
		{ "\xc2\xa0" "a", "\xc2\xa0" "a" },	/* so does NBSP */
	};
	const char *p;
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i].in);
		p = br_text_trim_sp(t[i].in, &n);
		cr_assert_eq(n, strlen(t[i].want), "%zu", i);
		cr_assert(memcmp(p, t[i].want, n) == 0, "%zu", i);
	}
}

Test(text, namechar_is_ascii_alnum_dash_underscore_dot)
{
	const char *yes = "azAZ09-_.", *no = " /:@[`{~\x7f";
	int c, n = 0;

	for (; *yes != '\0'; yes++)
		cr_assert_eq(br_text_namechar((unsigned char)*yes), 1, "%c", *yes);
	for (; *no != '\0'; no++)
		cr_assert_eq(br_text_namechar((unsigned char)*no), 0, "%c", *no);
	for (c = 0; c < 256; c++)
		n += br_text_namechar(c);
	cr_assert_eq(n, 26 + 26 + 10 + 3);	/* none above 0x7f */
}

Test(text, space_names_the_invisible_character)
{
	static const struct {
		const char *s; int at_end; size_t n; const char *name;
	} t[] = {
		{ " a", 0, 1, "a space (U+0020)" },
		{ "a\xc2\xa0", 1, 2, "a no-break space (U+00A0)" },
		{ "\xe2\x80\xaf" "a", 0, 3, "a narrow no-break space (U+202F)" },
		{ "a\xe3\x80\x80", 1, 3, "an ideographic space (U+3000)" },
		{ "a ", 0, 0, NULL },
		{ "", 1, 0, NULL },
		{ "\xc2", 0, 0, NULL },
	};
	const char *name;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		name = NULL;
		cr_assert_eq(br_text_space(t[i].s, strlen(t[i].s), t[i].at_end,
		    &name), t[i].n, "#%zu", i);
		if (t[i].name != NULL)
			cr_assert_str_eq(name, t[i].name, "#%zu", i);
	}
}

Test(text, trim_space_trims_every_invisible_blank)
{
	const char *s = " \xc2\xa0\tOP\xc2\xa0\xe2\x80\x87 ";
	size_t n = strlen(s);

	s = br_text_trim_space(s, &n);
	cr_assert_eq(n, 2);
	cr_assert_eq(strncmp(s, "OP", 2), 0);
	s = "\xc2\xa0\xe3\x80\x80";
	n = strlen(s);
	(void)br_text_trim_space(s, &n);
	cr_assert_eq(n, 0);
}
