#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "strbuf.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* Puts sb into the oom state without allocating: an append that cannot
 * fit in a size_t. */
static void
force_oom(struct br_strbuf *sb)
{
	static const char one[1] = { 'x' };

	br_strbuf_add(sb, one, SIZE_MAX);
	cr_assert(sb->oom);
}

Test(strbuf, appends_bytes_strings_chars_and_formats)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	br_strbuf_add(&sb, "ab", 2);
	br_strbuf_addstr(&sb, "cd");
	br_strbuf_addc(&sb, 'e');
	br_strbuf_addf(&sb, "-%d-%s-%05.1f", 42, "x", 2.5);
	br_strbuf_add(&sb, "z\0y", 3);
	cr_assert_not(sb.oom);
	cr_assert_eq(sb.len, 19);
	cr_assert(memcmp(sb.p, "abcde-42-x-002.5z\0y", 19) == 0);
	cr_assert_eq(sb.p[sb.len], '\0', "always NUL-ended");
	cr_assert_geq(sb.cap, sb.len + 1);
	br_strbuf_release(&sb);
	cr_assert_null(sb.p);
	cr_assert_eq(sb.len, 0);
	cr_assert_eq(sb.cap, 0);
}

Test(strbuf, grows_byte_by_byte_and_in_bulk)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *big;
	size_t i;

	for (i = 0; i < 5000; i++) {
		br_strbuf_addc(&sb, 'a' + (int)(i % 26));
		cr_assert_eq(sb.len, i + 1);
		cr_assert_eq(sb.p[sb.len], '\0');
	}
	for (i = 0; i < 5000; i++)
		cr_assert_eq(sb.p[i], 'a' + (int)(i % 26), "byte %zu", i);
	cr_assert_not_null(big = malloc(100000));
	memset(big, 'q', 100000);
	br_strbuf_add(&sb, big, 100000);
	cr_assert_not(sb.oom);
	cr_assert_eq(sb.len, 105000);
	cr_assert_eq(sb.p[4999], 'a' + 4999 % 26);
	cr_assert_eq(sb.p[5000], 'q');
	cr_assert_eq(sb.p[104999], 'q');
	cr_assert_eq(sb.p[105000], '\0');
	free(big);
	br_strbuf_release(&sb);
}

Test(strbuf, nothing_appended_is_null_but_an_empty_append_is_empty)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *s;

	cr_assert_null(br_strbuf_detach(&sb));
	br_strbuf_add(&sb, "", 0);
	cr_assert_not_null(sb.p);
	cr_assert_eq(sb.len, 0);
	cr_assert_not_null(s = br_strbuf_detach(&sb));
	cr_assert_str_eq(s, "");
	cr_assert_null(sb.p, "detach leaves it empty");
	cr_assert_eq(sb.len, 0);
	cr_assert_eq(sb.cap, 0);
	free(s);

	br_strbuf_addf(&sb, "%s", "");
	cr_assert_not_null(sb.p);
	cr_assert_str_eq(sb.p, "");
	br_strbuf_release(&sb);
}

/* The formatted text crosses every point where the first try of
 * vsnprintf stops fitting. */
Test(strbuf, addf_output_of_any_length_at_any_offset)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	static char arg[1200], want[2600];
	size_t pre, alen;

	memset(arg, 'x', sizeof(arg) - 1);
	for (pre = 0; pre < 600; pre += 37) {
		for (alen = 0; alen < sizeof(arg); alen += 29) {
			br_strbuf_reset(&sb);
			memset(want, 'p', pre);
			br_strbuf_add(&sb, want, pre);
			br_strbuf_addf(&sb, "<%.*s|%zu>", (int)alen, arg, alen);
			snprintf(want + pre, sizeof(want) - pre, "<%.*s|%zu>",
			    (int)alen, arg, alen);
			cr_assert_not(sb.oom);
			cr_assert_eq(sb.len, strlen(want), "pre %zu len %zu",
			    pre, alen);
			cr_assert_str_eq(sb.p, want);
		}
	}
	br_strbuf_release(&sb);
}

Test(strbuf, out_of_memory_is_sticky_and_keeps_the_text)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *before;

	br_strbuf_addstr(&sb, "abc");
	before = sb.p;
	force_oom(&sb);
	cr_assert_eq(sb.p, before);
	cr_assert_eq(sb.len, 3);
	cr_assert_str_eq(sb.p, "abc", "a failed append changes nothing");
	br_strbuf_addstr(&sb, "d");
	br_strbuf_addc(&sb, 'e');
	br_strbuf_add(&sb, "f", 1);
	br_strbuf_addf(&sb, "%d", 7);
	br_strbuf_addpct(&sb, "g h", 3, 0);
	cr_assert_eq(sb.len, 3, "appends after oom do nothing");
	cr_assert_str_eq(sb.p, "abc");
	cr_assert(sb.oom);
	cr_assert_null(br_strbuf_detach(&sb), "detach gives NULL on oom");
	cr_assert_null(sb.p);
	cr_assert_not(sb.oom, "and leaves sb zeroed");

	force_oom(&sb);			/* on an empty buffer too */
	cr_assert_null(sb.p);
	br_strbuf_release(&sb);
	cr_assert_not(sb.oom);
}

Test(strbuf, try_add_reports_each_failure_and_leaves_no_oom)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	static const char one[1] = { 'x' };
	char *before;

	cr_assert_eq(br_strbuf_try_add(&sb, "", 0), 0);
	cr_assert_str_eq(sb.p, "", "an empty append allocates, as add does");
	cr_assert_eq(br_strbuf_try_add(&sb, "ab\0c", 4), 0);
	cr_assert_eq(sb.len, 4);
	cr_assert(memcmp(sb.p, "ab\0c", 5) == 0, "NUL-ended");
	before = sb.p;
	cr_assert_eq(br_strbuf_try_add(&sb, one, SIZE_MAX), -1);
	cr_assert_not(sb.oom, "the failure is reported, not kept");
	cr_assert_eq(sb.p, before);
	cr_assert_eq(sb.len, 4, "a failed append changes nothing");
	cr_assert_eq(br_strbuf_try_add(&sb, "d", 1), 0, "the next one works");
	cr_assert(memcmp(sb.p, "ab\0cd", 6) == 0);
	br_strbuf_release(&sb);

	force_oom(&sb);			/* a sticky failure from add */
	cr_assert_eq(br_strbuf_try_add(&sb, "e", 1), -1);
	cr_assert(sb.oom, "is left as it was");
	cr_assert_null(sb.p);
	br_strbuf_release(&sb);
}

Test(strbuf, setlen_cuts_and_keeps_memory)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *p;
	size_t cap;

	br_strbuf_setlen(&sb, 0);	/* fine on an empty one */
	cr_assert_null(sb.p);
	cr_assert_eq(sb.len, 0);
	br_strbuf_addstr(&sb, "a.b.c");
	p = sb.p;
	cap = sb.cap;
	br_strbuf_setlen(&sb, 3);
	cr_assert_eq(sb.len, 3);
	cr_assert_str_eq(sb.p, "a.b");
	cr_assert_eq(sb.p, p);
	cr_assert_eq(sb.cap, cap);
	br_strbuf_setlen(&sb, 9);	/* longer than the text: no change */
	cr_assert_eq(sb.len, 3);
	cr_assert_str_eq(sb.p, "a.b");
	br_strbuf_addstr(&sb, ".d");
	cr_assert_str_eq(sb.p, "a.b.d");
	br_strbuf_setlen(&sb, 0);
	cr_assert_str_eq(sb.p, "");
	br_strbuf_release(&sb);
}

Test(strbuf, reset_keeps_memory_and_the_oom_flag)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *p;
	size_t cap;

	br_strbuf_reset(&sb);		/* fine on an empty one */
	cr_assert_null(sb.p);
	br_strbuf_addstr(&sb, "hello, world");
	p = sb.p;
	cap = sb.cap;
	br_strbuf_reset(&sb);
	cr_assert_eq(sb.len, 0);
	cr_assert_eq(sb.p, p);
	cr_assert_eq(sb.cap, cap);
	cr_assert_str_eq(sb.p, "");
	br_strbuf_addstr(&sb, "again");
	cr_assert_str_eq(sb.p, "again");
	force_oom(&sb);
	br_strbuf_reset(&sb);
	cr_assert(sb.oom, "a reset does not hide a failure");
	br_strbuf_addstr(&sb, "x");
	cr_assert_eq(sb.len, 0);
	br_strbuf_release(&sb);
}

Test(strbuf, addpct_table)
{
	static const struct {
		const char	*in;
		size_t		 len;
		int		 keep_slash;
		const char	*out;
	} t[] = {
		{ "", 0, 0, "" },
		{ "A-Z_a.z~09", 10, 0, "A-Z_a.z~09" },
		{ "a b", 3, 0, "a%20b" },
		{ "/a/b c/", 7, 0, "%2Fa%2Fb%20c%2F" },
		{ "/a/b c/", 7, 1, "/a/b%20c/" },
		{ "100%", 4, 1, "100%25" },
		{ "a+b&c=d;e,f", 11, 0, "a%2Bb%26c%3Dd%3Be%2Cf" },
		{ "a\0b", 3, 0, "a%00b" },
		{ "\xc3\xa9\xff", 3, 1, "%C3%A9%FF" },
		{ "?#[]@!$'()*", 11, 1, "%3F%23%5B%5D%40%21%24%27%28%29%2A" },
	};
	struct br_strbuf sb = BR_STRBUF_INIT;
	size_t i;

	for (i = 0; i < N(t); i++) {
		br_strbuf_reset(&sb);
		br_strbuf_addstr(&sb, "=");
		br_strbuf_addpct(&sb, t[i].in, t[i].len, t[i].keep_slash);
		cr_assert_not(sb.oom);
		cr_assert_str_eq(sb.p + 1, t[i].out, "case %zu", i);
	}
	br_strbuf_release(&sb);
}

/* Every byte: itself when unreserved (RFC 3986), else %XX upper-case. */
Test(strbuf, addpct_every_byte)
{
	static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~";
	struct br_strbuf sb = BR_STRBUF_INIT;
	char in, want[4];
	int c, keep;

	for (keep = 0; keep <= 1; keep++) {
		for (c = 0; c < 256; c++) {
			in = (char)c;
			if (c != 0 && (strchr(unreserved, c) != NULL ||
			    (keep && c == '/')))
				snprintf(want, sizeof(want), "%c", c);
			else
				snprintf(want, sizeof(want), "%%%02X", c);
			br_strbuf_reset(&sb);
			br_strbuf_addpct(&sb, &in, 1, keep);
			cr_assert_str_eq(sb.p, want, "byte 0x%02x keep %d", c,
			    keep);
		}
	}
	br_strbuf_release(&sb);
}

/* A buffer never grows past BR_STRBUF_MAX: it says out of memory. */
Test(strbuf, growth_stops_at_the_cap)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	br_strbuf_addstr(&sb, "abc");
	br_strbuf_add(&sb, "x", BR_STRBUF_MAX);	/* never read: too long */
	cr_assert(sb.oom);
	cr_assert_eq(sb.len, 3);
	cr_assert_str_eq(sb.p, "abc");
	br_strbuf_release(&sb);
	cr_assert_eq(br_strbuf_try_add(&sb, "x", SIZE_MAX - 1), -1);
	cr_assert(!sb.oom);
	br_strbuf_release(&sb);
}

Test(strbuf, take_gives_empty_string_length_and_null_on_oom)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	size_t len = 99;
	char *s;

	cr_assert_not_null(s = br_strbuf_take(&sb, &len));
	cr_assert_str_eq(s, "");
	cr_assert_eq(len, 0);
	cr_assert_null(sb.p, "take leaves it empty");
	free(s);

	br_strbuf_add(&sb, "a\0b", 3);
	cr_assert_not_null(s = br_strbuf_take(&sb, &len));
	cr_assert_eq(len, 3);
	cr_assert(memcmp(s, "a\0b", 4) == 0);
	free(s);

	br_strbuf_addstr(&sb, "xy");
	cr_assert_not_null(s = br_strbuf_take(&sb, NULL));
	cr_assert_str_eq(s, "xy");
	free(s);

	br_strbuf_addstr(&sb, "xy");
	force_oom(&sb);
	len = 99;
	cr_assert_null(br_strbuf_take(&sb, &len), "NULL on oom");
	cr_assert_eq(len, 0);
	cr_assert_null(sb.p);
	cr_assert_eq(sb.oom, 0, "take leaves it zeroed");
}
