#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "utf8.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define NONE	0xdeadbeefU

Test(utf8, seq_table)
{
	static const struct {
		const char	*s;
		size_t		 n;
		size_t		 len;	/* 0: not a sequence */
		unsigned int	 cp;
	} t[] = {
		{ "A", 1, 1, 0x41 },
		{ "", 1, 1, 0 },		/* NUL is a sequence of 1 */
		{ "\x7f", 1, 1, 0x7f },
		{ "\xc2\x80", 2, 2, 0x80 },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "\xe4\xb8\xad", 3, 3, 0x4e2d },
		{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 3, 0xe000 },
		{ "\xef\xbf\xbd", 3, 3, 0xfffd },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xc3\xa9zz", 4, 2, 0xe9 },	/* stops at its end */
		/* not sequences */
		{ "A", 0, 0, NONE },		/* nothing to read */
		{ "\x80", 1, 0, NONE },		/* stray continuation */
		{ "\xbf", 1, 0, NONE },
		{ "\xc0\x80", 2, 0, NONE },	/* overlong NUL */
		{ "\xc1\xbf", 2, 0, NONE },
		{ "\xe0\x80\x80", 3, 0, NONE },
		{ "\xe0\x9f\xbf", 3, 0, NONE },
		{ "\xed\xa0\x80", 3, 0, NONE },	/* U+D800 */
		{ "\xed\xbf\xbf", 3, 0, NONE },	/* U+DFFF */
		{ "\xf0\x8f\xbf\xbf", 4, 0, NONE },
		{ "\xf4\x90\x80\x80", 4, 0, NONE },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0, NONE },
		{ "\xff", 1, 0, NONE },
		{ "\xc3\x41", 2, 0, NONE },	/* bad continuation */
		{ "\xe4\xb8\x41", 3, 0, NONE },
		{ "\xf0\x9f\x98\x41", 4, 0, NONE },
		{ "\xc3\xa9", 1, 0, NONE },	/* cut by n */
		{ "\xe4\xb8\xad", 2, 0, NONE },
		{ "\xf0\x9f\x98\x80", 3, 0, NONE },
	};
	unsigned int cp;
	size_t i;

	for (i = 0; i < N(t); i++) {
		cp = NONE;
		cr_assert_eq(br_utf8_seq(t[i].s, t[i].n, &cp), t[i].len,
		    "case %zu", i);
		cr_assert_eq(cp, t[i].cp, "case %zu: cp %#x", i, cp);
		cr_assert_eq(br_utf8_seq(t[i].s, t[i].n, NULL), t[i].len,
		    "case %zu without cp", i);
	}
}

Test(utf8, put_table)
{
	static const struct {
		unsigned int	 cp;
		const char	*bytes;
	} t[] = {
		{ 0x00, "" },		/* NUL: one zero byte */
		{ 0x41, "A" },
		{ 0x7f, "\x7f" },
		{ 0x80, "\xc2\x80" },
		{ 0xe9, "\xc3\xa9" },
		{ 0x7ff, "\xdf\xbf" },
		{ 0x800, "\xe0\xa0\x80" },
		{ 0x20ac, "\xe2\x82\xac" },
		{ 0xfffd, "\xef\xbf\xbd" },
		{ 0xffff, "\xef\xbf\xbf" },
		{ 0x10000, "\xf0\x90\x80\x80" },
		{ 0x1f600, "\xf0\x9f\x98\x80" },
		{ 0x10ffff, "\xf4\x8f\xbf\xbf" },
	};
	char u[4];
	size_t i, n, want;

	for (i = 0; i < N(t); i++) {
		want = t[i].cp == 0 ? 1 : strlen(t[i].bytes);
		n = br_utf8_put(u, t[i].cp);
		cr_assert_eq(n, want, "U+%04X: length %zu", t[i].cp, n);
		cr_assert(memcmp(u, t[i].cp == 0 ? "\0" : t[i].bytes, n) == 0,
		    "U+%04X: bytes", t[i].cp);
	}
}

/* br_utf8_put and br_utf8_seq undo each other on every code point. */
Test(utf8, every_code_point_round_trips_and_surrogates_do_not)
{
	unsigned int c, cp;
	size_t len, got;
	char u[4];

	for (c = 0; c <= 0x10ffff; c++) {
		len = br_utf8_put(u, c);
		cp = NONE;
		got = br_utf8_seq(u, len, &cp);
		if (c >= 0xd800 && c <= 0xdfff) {
			cr_assert_eq(got, 0, "surrogate U+%04X", c);
			continue;
		}
		if (got != len || cp != c)
			cr_assert_fail("U+%04X: length %zu cp %#x", c, got, cp);
		if (len > 1 && br_utf8_seq(u, len - 1, NULL) != 0)
			cr_assert_fail("U+%04X cut short is accepted", c);
	}
}

/* Every lead byte alone: only ASCII is a sequence of 1. */
Test(utf8, lone_bytes)
{
	unsigned int b;
	char s[1];

	for (b = 0; b < 256; b++) {
		s[0] = (char)b;
		cr_assert_eq(br_utf8_seq(s, 1, NULL), b < 0x80 ? 1u : 0u,
		    "byte 0x%02x", b);
	}
}

Test(utf8, count_table)
{
	static const struct {
		const char	*s;
		size_t		 n;
		long		 count;
	} t[] = {
		{ "", 0, 0 },
		{ "abc", 3, 3 },
		{ "a\0b", 3, 3 },
		{ "h\xc3\xa9llo", 6, 5 },
		{ "\xe4\xb8\xad\xe6\x96\x87", 6, 2 },
		{ "\xf0\x9f\x98\x80!", 5, 2 },
		{ "ab\xff" "cd", 5, -1 },
		{ "abc\xc3", 4, -1 },		/* cut at the end */
		{ "abc\xc3\xa9", 4, -1 },	/* n cuts it */
		{ "\xed\xa0\x80", 3, -1 },
		{ "caf\xe9", 4, -1 },		/* Latin-1 */
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		cr_assert_eq(br_utf8_count(t[i].s, t[i].n), t[i].count,
		    "case %zu", i);
}

/* ---- br_utf8_scan: a stream in pieces ---- */

struct scanned {
	int	 rv;		/* 0, or -1 at a bad byte */
	long	 line, col;
	int	 bad;
	char	 before[BR_UTF8_CTX + 1];
};

/* Scans s[0..n) in pieces of k bytes. */
static void
scan_in_pieces(const char *s, size_t n, size_t k, struct scanned *out)
{
	struct br_utf8_scan sc;
	size_t i, m;

	br_utf8_scan_init(&sc);
	out->rv = 0;
	for (i = 0; i < n && out->rv == 0; i += m) {
		m = n - i < k ? n - i : k;
		out->rv = br_utf8_scan_feed(&sc, s + i, m);
	}
	if (out->rv == 0)
		out->rv = br_utf8_scan_end(&sc);
	out->line = sc.line;
	out->col = sc.col;
	out->bad = out->rv != 0 ? sc.bad : -1;
	br_utf8_scan_before(&sc, out->before, sizeof(out->before));
}

/* Whatever the pieces, the same answer: the first bad byte, its line
 * (LF, CRLF, CR) and column (in characters), and the text before it. */
Test(utf8, scan_finds_the_first_bad_byte_in_pieces_of_any_size)
{
	static const struct {
		const char	*s;
		int		 rv;
		long		 line, col;
		int		 bad;
		const char	*before;
	} t[] = {
		{ "op,note\nx,Auftr\xe4ge\n", -1, 2, 8, 0xe4, "x,Auftr" },
		{ "a\r\nb\rc\n\xc3\xa4\xe2\x82\xac\x80", -1, 4, 3, 0x80,
		  "\xc3\xa4\xe2\x82\xac" },
		{ "\xe4", -1, 1, 1, 0xe4, "" },
		{ "ok \xe2\x82", -1, 1, 4, 0xe2, "ok " },	/* cut at end */
		{ "\xe2\x82x", -1, 1, 1, 0xe2, "" },
		{ "\xc0\xaf", -1, 1, 1, 0xc0, "" },		/* overlong */
		{ "\xed\xa0\x80", -1, 1, 1, 0xed, "" },		/* surrogate */
		{ "\xf0\x9f\x98\x80!\n", 0, 2, 1, -1, "" },
		{ "caf\xc3\xa9\r\n\r\n", 0, 3, 1, -1, "" },
	};
	struct scanned want, got;
	size_t i, k, n;

	for (i = 0; i < N(t); i++) {
		n = strlen(t[i].s);
		scan_in_pieces(t[i].s, n, n + 1, &want);
		cr_assert_eq(want.rv, t[i].rv, "case %zu", i);
		cr_assert_eq(want.line, t[i].line, "case %zu: line %ld", i,
		    want.line);
		cr_assert_eq(want.col, t[i].col, "case %zu: column %ld", i,
		    want.col);
		cr_assert_eq(want.bad, t[i].bad, "case %zu", i);
		cr_assert_str_eq(want.before, t[i].before, "case %zu", i);
		for (k = 1; k <= n; k++) {
			scan_in_pieces(t[i].s, n, k, &got);
			cr_assert(got.rv == want.rv && got.line == want.line &&
			    got.col == want.col && got.bad == want.bad &&
			    strcmp(got.before, want.before) == 0,
			    "case %zu in pieces of %zu", i, k);
		}
	}
}

/* The text before a bad byte is the line's last characters, never half
 * of one, and the first non-ASCII character is kept with its line. */
Test(utf8, scan_keeps_the_end_of_the_line_and_the_first_non_ascii)
{
	struct br_utf8_scan sc;
	char line[300], out[BR_UTF8_CTX + 1];
	size_t i;

	for (i = 0; i + 2 < 200; i += 2)
		memcpy(line + i, "\xc3\xa4", 2);		/* ä */
	line[i] = '\xff';
	br_utf8_scan_init(&sc);
	cr_assert_eq(br_utf8_scan_feed(&sc, "ascii\n", 6), 0);
	cr_assert_eq(br_utf8_scan_feed(&sc, line, i + 1), -1);
	cr_assert_eq(sc.line, 2);
	cr_assert_eq(sc.col, (long)i / 2 + 1);
	br_utf8_scan_before(&sc, out, sizeof(out));
	cr_assert_eq(strlen(out), BR_UTF8_CTX);
	cr_assert_eq(br_utf8_count(out, strlen(out)), BR_UTF8_CTX / 2);
	br_utf8_scan_before(&sc, out, 6);			/* odd room */
	cr_assert_str_eq(out, "\xc3\xa4\xc3\xa4");
	cr_assert_eq(sc.nonascii_line, 2);
	cr_assert_str_eq(sc.nonascii, "\xc3\xa4");
}
