/*
 * test_encoding.c - what a manifest is written in: the whole-file UTF-8
 * check and its message, the conversion of Windows-1252, Latin-1 and
 * UTF-16 (with a byte-order mark) through iconv, in pieces, and the
 * manifest reader on top of both.
 *
 * Inputs are written byte by byte here: cp1252 and Latin-1 bytes are
 * the code page's own (0xE4 'ä', 0x80 '€'), and UTF-16 is made from
 * UTF-8 text by utf16() below, an encoder of its own (surrogate pairs
 * included), so the conversion under test is checked against something
 * other than itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "encoding.h"
#include "manifest.h"
#include "utf8.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define BOM8	"\xef\xbb\xbf"
#define SAVE	"save it as UTF-8: in Excel, File > Save As > \"CSV UTF-8 " \
	"(Comma delimited)\"; in LibreOffice, File > Save As, \"Text CSV\", " \
	"character set \"Unicode (UTF-8)\""

static char	 tdir[64];

static void
suite_init(void)
{
	strcpy(tdir, "/tmp/br-encoding-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
suite_fini(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	(void)system(cmd);
}

TestSuite(encoding, .init = suite_init, .fini = suite_fini);

static const char *
write_bytes(const char *name, const void *s, size_t n)
{
	static char path[4][256];
	static int k;
	FILE *f;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tdir, name);
	cr_assert_not_null(f = fopen(path[k], "wb"));
	cr_assert_eq(fwrite(s, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	return path[k];
}

/* A growing byte buffer. */
struct buf {
	char	*s;
	size_t	 n, cap;
};

static void
put(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		cr_assert_not_null(b->s = realloc(b->s, b->cap));
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
put16(struct buf *out, unsigned int u, int be)
{
	unsigned char b[2];

	b[be ? 0 : 1] = (unsigned char)(u >> 8);
	b[be ? 1 : 0] = (unsigned char)(u & 0xff);
	put(out, b, 2);
}

/* The UTF-16 (little or big endian, with a byte-order mark) of the UTF-8
 * text s[0..n). */
static void
utf16(struct buf *out, const char *s, size_t n, int be)
{
	unsigned int cp;
	size_t i, len;

	put16(out, 0xfeff, be);
	for (i = 0; i < n; i += len) {
		cr_assert_neq(len = br_utf8_seq(s + i, n - i, &cp), 0);
		if (cp < 0x10000) {
			put16(out, cp, be);
			continue;
		}
		put16(out, 0xd800 + ((cp - 0x10000) >> 10), be);
		put16(out, 0xdc00 + ((cp - 0x10000) & 0x3ff), be);
	}
}

/* br_enc_convert of in[0..n) from enc: its return value; out gets what
 * was written, msg the message. */
static int
convert(int enc, const void *in, size_t n, struct buf *out, char *msg)
{
	struct br_err e = { 0 };
	FILE *fi, *fo;
	char chunk[4096];
	size_t k;
	int rv;

	cr_assert_not_null(fi = tmpfile());
	cr_assert_not_null(fo = tmpfile());
	cr_assert_eq(fwrite(in, 1, n, fi), n);
	rewind(fi);
	rv = br_enc_convert(fi, fo, enc, "f.csv", &e);
	cr_assert_eq(rv, e.code);
	strcpy(msg, e.msg);
	rewind(fo);
	memset(out, 0, sizeof(*out));
	put(out, "", 0);
	while ((k = fread(chunk, 1, sizeof(chunk), fo)) > 0)
		put(out, chunk, k);
	fclose(fi);
	fclose(fo);
	return rv;
}

Test(encoding, names_as_windows_and_linux_spell_them)
{
	static const struct {
		const char	*name;
		int		 enc;
	} t[] = {
		{ "cp1252", BR_ENC_CP1252 }, { "CP1252", BR_ENC_CP1252 },
		{ "windows-1252", BR_ENC_CP1252 },
		{ "Windows-1252", BR_ENC_CP1252 },
		{ "latin1", BR_ENC_LATIN1 }, { "ISO-8859-1", BR_ENC_LATIN1 },
		{ "iso-8859-1", BR_ENC_LATIN1 }, { "utf-8", BR_ENC_UTF8 },
		{ "UTF8", BR_ENC_UTF8 }, { "latin9", -1 }, { "utf-16", -1 },
		{ "", -1 }, { "cp1252 ", -1 },
	};
	size_t i;

	for (i = 0; i < N(t); i++)
		cr_expect_eq(br_enc_parse(t[i].name), t[i].enc, "'%s'",
		    t[i].name);
	cr_expect_str_eq(br_enc_name(BR_ENC_CP1252), "Windows-1252");
}

Test(encoding, byte_order_marks)
{
	cr_expect_eq(br_enc_bom((const unsigned char *)BOM8 "a", 4),
	    BR_ENC_UTF8);
	cr_expect_eq(br_enc_bom((const unsigned char *)"\xff\xfe", 2),
	    BR_ENC_UTF16LE);
	cr_expect_eq(br_enc_bom((const unsigned char *)"\xfe\xff", 2),
	    BR_ENC_UTF16BE);
	cr_expect_eq(br_enc_bom((const unsigned char *)"\xef\xbb", 2), -1);
	cr_expect_eq(br_enc_bom((const unsigned char *)"op", 2), -1);
	cr_expect_eq(br_enc_bom((const unsigned char *)"", 0), -1);
}

Test(encoding, cp1252_bytes_become_utf8_after_a_bom)
{
	static const char in[] = "op,note\r\nx,Auftr\xe4ge \x80" "5 "
	    "\x8a\x9f\xa0\xff\n";
	struct buf out;
	char msg[1024];

	cr_assert_eq(convert(BR_ENC_CP1252, in, sizeof(in) - 1, &out, msg),
	    0, "%s", msg);
	cr_expect_str_eq(out.s, BOM8 "op,note\r\nx,Auftr\xc3\xa4ge \xe2\x82"
	    "\xac" "5 \xc5\xa0\xc5\xb8\xc2\xa0\xc3\xbf\n");
	free(out.s);
	/* ASCII is ASCII: only the mark is added */
	cr_assert_eq(convert(BR_ENC_CP1252, "op\nx\n", 5, &out, msg), 0);
	cr_expect_str_eq(out.s, BOM8 "op\nx\n");
	free(out.s);
}

/* Latin-1 is the first 256 code points (but for the C1 controls, see
 * below); Windows-1252 differs from it only in 0x80-0x9F. */
Test(encoding, latin1_is_every_byte_and_cp1252_agrees_above_0x9f)
{
	struct buf want = { 0 }, out, out2;
	char in[255], u[4], msg[1024];
	unsigned int b;
	size_t n = 0;

	put(&want, BOM8, 3);
	for (b = 1; b < 256; b++) {
		if (b >= 0x80 && b <= 0x9f)
			continue;
		in[n++] = (char)b;
		put(&want, u, br_utf8_put(u, b));
	}
	cr_assert_eq(convert(BR_ENC_LATIN1, in, n, &out, msg), 0, "%s", msg);
	cr_assert_eq(out.n, want.n);
	cr_assert_eq(memcmp(out.s, want.s, want.n), 0);
	cr_assert_eq(convert(BR_ENC_CP1252, in + 0x7f, n - 0x7f, &out2, msg),
	    0, "%s", msg);
	cr_assert_str_eq(out2.s + 3, strstr(want.s, "\xc2\xa0"));
	free(want.s);
	free(out.s);
	free(out2.s);
}

/* 0x80-0x9F are invisible controls in Latin-1: a sheet that has them is
 * Windows-1252 (its '€'), even past the first piece. */
Test(encoding, latin1_with_a_c1_control_is_windows_1252_most_likely)
{
	struct buf in = { 0 }, out;
	char msg[1024];
	int i;

	for (i = 0; i < 10000; i++)
		put(&in, "caf\xe9 ok\n", 8);
	put(&in, "5 \x80\n", 4);
	cr_assert_eq(convert(BR_ENC_LATIN1, in.s, in.n, &out, msg), BR_EINPUT);
	cr_expect_str_eq(msg, "f.csv:10001: byte 0x80 in column 3 is an "
	    "invisible control character in Latin-1 (in Windows-1252, "
	    "'\xe2\x82\xac'): the file is Windows-1252, most likely; give "
	    "--encoding cp1252");
	free(out.s);
	cr_assert_eq(convert(BR_ENC_CP1252, in.s, in.n, &out, msg), 0, "%s",
	    msg);
	free(out.s);
	free(in.s);
}

Test(encoding, a_byte_cp1252_does_not_have_says_where)
{
	struct buf out;
	char msg[1024];

	cr_assert_eq(convert(BR_ENC_CP1252, "op\nab\r\nx\xe4\x81y\n", 12,
	    &out, msg), BR_EINPUT);
	cr_expect_str_eq(msg, "f.csv:3: byte 0x81 in column 3, after "
	    "'x\xc3\xa4', is no Windows-1252 character: the file is in "
	    "another encoding; " SAVE);
	free(out.s);
}

Test(encoding, a_utf8_file_given_as_cp1252_is_refused)
{
	struct buf out;
	char msg[1024];

	cr_assert_eq(convert(BR_ENC_CP1252, "op\n\nx,Auftr\xc3\xa4ge\n", 17,
	    &out, msg), BR_EINPUT);
	cr_expect_str_eq(msg, "f.csv:3: the file is UTF-8 already (read as "
	    "Windows-1252, its '\xc3\xa4' would become '\xc3\x83\xc2\xa4'): "
	    "leave out --encoding cp1252");
	free(out.s);
	cr_assert_eq(convert(BR_ENC_LATIN1, "\xe2\x82\xac", 3, &out, msg),
	    BR_EINPUT);
	cr_expect(strstr(msg, "leave out --encoding latin1") != NULL, "%s",
	    msg);
	free(out.s);
}

/* Files bigger than the pieces they are read in: the same result. */
Test(encoding, big_files_convert_in_pieces)
{
	struct buf in = { 0 }, want = { 0 }, in16 = { 0 }, out;
	char msg[1024];
	int i;

	put(&want, BOM8, 3);
	for (i = 0; i < 30000; i++) {
		put(&in, "Auftr\xe4ge \x80\n", 11);
		put(&want, "Auftr\xc3\xa4ge \xe2\x82\xac\n", 14);
	}
	cr_assert_eq(convert(BR_ENC_CP1252, in.s, in.n, &out, msg), 0, "%s",
	    msg);
	cr_assert_eq(out.n, want.n);
	cr_assert_eq(memcmp(out.s, want.s, want.n), 0);
	free(out.s);
	/* 10 bytes of UTF-16 a time: some pieces end inside a pair */
	want.n = 3;
	for (i = 0; i < 30000; i++)
		put(&want, "\xf0\x9f\x98\x80\xc3\xa4\nb", 8);
	utf16(&in16, want.s + 3, want.n - 3, 0);
	cr_assert_eq(in16.n, 2 + 30000 * 10);
	cr_assert_eq(convert(BR_ENC_UTF16LE, in16.s, in16.n, &out, msg), 0,
	    "%s", msg);
	cr_assert_eq(out.n, want.n);
	cr_assert_eq(memcmp(out.s, want.s, want.n), 0);
	free(out.s);
	free(in.s);
	free(in16.s);
	free(want.s);
}

Test(encoding, utf16_le_and_be_with_a_bom)
{
	static const char text[] = "op\tnote\r\nx\tAuftr\xc3\xa4ge \xe2\x82"
	    "\xac \xf0\x9f\x98\x80\r\n";
	struct buf in = { 0 }, out;
	char msg[1024];
	int be;

	for (be = 0; be < 2; be++) {
		in.n = 0;
		utf16(&in, text, sizeof(text) - 1, be);
		cr_assert_eq(br_enc_bom((unsigned char *)in.s, in.n),
		    be ? BR_ENC_UTF16BE : BR_ENC_UTF16LE);
		cr_assert_eq(convert(be ? BR_ENC_UTF16BE : BR_ENC_UTF16LE,
		    in.s, in.n, &out, msg), 0, "%s", msg);
		cr_expect_str_eq(out.s, BOM8 "op\tnote\r\nx\tAuftr\xc3\xa4ge "
		    "\xe2\x82\xac \xf0\x9f\x98\x80\r\n");
		free(out.s);
	}
	free(in.s);
}

Test(encoding, broken_utf16_says_where)
{
	/* "op\nab" then a low surrogate alone; then a file cut in half a
	 * character */
	static const char lone[] = "\xff\xfeo\0p\0\n\0a\0b\0\x00\xdc" "c\0";
	static const char cut[] = "\xff\xfeo\0p\0\n\0a";
	struct buf out;
	char msg[1024];

	cr_assert_eq(convert(BR_ENC_UTF16LE, lone, sizeof(lone) - 1, &out,
	    msg), BR_EINPUT);
	cr_expect_str_eq(msg, "f.csv:2: the UTF-16 file (Excel's \"Unicode "
	    "Text\") has a broken character in column 3 (bytes 0x00 0xDC), "
	    "after 'ab': save it again, or " SAVE);
	free(out.s);
	cr_assert_eq(convert(BR_ENC_UTF16LE, cut, sizeof(cut) - 1, &out,
	    msg), BR_EINPUT);
	cr_expect_str_eq(msg, "f.csv:2: the UTF-16 file ends inside a "
	    "character (was it cut short?): save it again");
	free(out.s);
}

/* The whole file is checked: one message, the first bad byte. */
Test(encoding, check_names_the_first_bad_byte_and_how_to_save)
{
	struct buf in = { 0 };
	struct br_err e = { 0 };
	FILE *f;
	int i;

	put(&in, "op,note\r\n", 9);
	for (i = 0; i < 20000; i++)		/* past the first pieces */
		put(&in, "x,\xc3\xa4 ok\r\n", 9);
	put(&in, "x,Auftr\xe4ge\r\ny,\xff\n", 16);
	cr_assert_not_null(f = fopen(write_bytes("c.csv", in.s, in.n), "rb"));
	cr_assert_eq(br_enc_check(f, "c.csv", &e), BR_EINPUT);
	cr_expect_str_eq(e.msg, "c.csv:20002: the file is not UTF-8: byte "
	    "0xE4 in column 8, after 'x,Auftr' (in Windows-1252, 0xE4 is "
	    "'\xc3\xa4'); " SAVE "; or read it as it is with --encoding "
	    "cp1252 (Windows) or --encoding latin1");
	fclose(f);
	/* at the start of a line; a byte Windows-1252 has not */
	br_err_clear(&e);
	cr_assert_not_null(f = fopen(write_bytes("d.csv", "op\n\x81x\n", 6),
	    "rb"));
	cr_assert_eq(br_enc_check(f, "d.csv", &e), BR_EINPUT);
	cr_expect_str_eq(e.msg, "d.csv:2: the file is not UTF-8: byte 0x81 "
	    "in column 1, at the start of the line; " SAVE "; or read it as "
	    "it is with --encoding cp1252 (Windows) or --encoding latin1");
	fclose(f);
	br_err_clear(&e);
	cr_assert_not_null(f = fopen(write_bytes("e.csv", in.s, 9), "rb"));
	cr_assert_eq(br_enc_check(f, "e.csv", &e), 0, "%s", e.msg);
	fclose(f);
	free(in.s);
}

/* ---- the manifest reader ---- */

/* Opens path with o and gives "LINE:name=value|..." of every row (NULL
 * as ~), or the error. */
static int
rows(const char *path, const struct br_manifest_opts *o, char *out,
    size_t outsz, struct br_manifest **keep)
{
	struct br_manifest *m = NULL;
	struct br_row row = { 0 };
	struct br_err e = { 0 };
	size_t i, n = 0;
	int rv;

	out[0] = '\0';
	if ((rv = br_manifest_open(&m, path, o, &e)) != 0) {
		snprintf(out, outsz, "%s", e.msg);
		return rv;
	}
	while ((rv = br_manifest_next(m, &row, &e)) == 1) {
		n += (size_t)snprintf(out + n, outsz - n, "%ld:", row.line);
		for (i = 0; i < row.nfields; i++)
			n += (size_t)snprintf(out + n, outsz - n, "%s%s=%s",
			    i > 0 ? "|" : "", row.fields[i].name,
			    row.fields[i].value != NULL ?
			    row.fields[i].value : "~");
		n += (size_t)snprintf(out + n, outsz - n, "\n");
	}
	br_row_release(&row);
	if (keep != NULL)
		*keep = m;
	else
		br_manifest_close(m);
	return rv;
}

Test(encoding, a_manifest_not_utf8_is_refused_before_any_row)
{
	static const char csv[] = "op,note\nx,ok\ny,\"two\nlines\"\n"
	    "z,Auftr\xe4ge\n";
	static const char json[] = "[{\"op\":\"x\",\n\"note\":\"\xe4\"}]";
	struct br_manifest_opts o = { .utf8_only = 1 };
	char out[2048];

	cr_assert_eq(rows(write_bytes("m.csv", csv, sizeof(csv) - 1), &o,
	    out, sizeof(out), NULL), BR_EINPUT);
	cr_expect(strstr(out, "/m.csv:5: the file is not UTF-8: byte 0xE4 "
	    "in column 8, after 'z,Auftr'") != NULL, "%s", out);
	cr_assert_eq(rows(write_bytes("m.json", json, sizeof(json) - 1), &o,
	    out, sizeof(out), NULL), BR_EINPUT);
	cr_expect(strstr(out, "/m.json:2: the file is not UTF-8: byte 0xE4 "
	    "in column 9, after '\"note\":\"'") != NULL, "%s", out);
	/* without utf8_only, the bytes are read as they are (reports) */
	o.utf8_only = 0;
	cr_assert_eq(rows(write_bytes("m.csv", csv, sizeof(csv) - 1), &o,
	    out, sizeof(out), NULL), 0, "%s", out);
}

Test(encoding, a_cp1252_manifest_is_read_as_utf8_with_its_own_lines)
{
	static const char csv[] = "op;note\r\nx;\"Auftr\xe4ge\r\n\x80\"\r\n"
	    "y;caf\xe9\r\n";
	struct br_manifest_opts o = { .utf8_only = 1, .snapshot = 1,
	    .encoding = BR_ENC_CP1252 };
	struct br_manifest *m;
	char out[2048];

	cr_assert_eq(rows(write_bytes("w.csv", csv, sizeof(csv) - 1), &o,
	    out, sizeof(out), &m), 0, "%s", out);
	cr_expect_str_eq(out, "2:op=x|note=Auftr\xc3\xa4ge\r\n\xe2\x82\xac\n"
	    "4:op=y|note=caf\xc3\xa9\n");
	cr_expect_eq(br_manifest_encoding(m), BR_ENC_CP1252);
	cr_expect_eq(br_manifest_had_bom(m), 1);	/* the report's mark */
	cr_expect_eq(br_manifest_delimiter(m), ';');
	cr_expect_eq(br_manifest_changed(m), 0);
	br_manifest_close(m);
	/* the same without a snapshot (validate) */
	o.snapshot = 0;
	cr_assert_eq(rows(write_bytes("w.csv", csv, sizeof(csv) - 1), &o,
	    out, sizeof(out), NULL), 0, "%s", out);
	cr_expect_str_eq(out, "2:op=x|note=Auftr\xc3\xa4ge\r\n\xe2\x82\xac\n"
	    "4:op=y|note=caf\xc3\xa9\n");
}

/* Excel's "Unicode Text": UTF-16LE with a mark, tab-separated. */
Test(encoding, unicode_text_is_read_whatever_the_name)
{
	static const char text[] = "op\tnote\r\nx\tAuftr\xc3\xa4ge\r\n";
	static const char *const names[] = { "unicode.txt", "u.csv", "u" };
	struct br_manifest_opts o = { .utf8_only = 1, .snapshot = 1 };
	struct buf in = { 0 };
	struct br_manifest *m;
	char out[2048];
	size_t i;

	utf16(&in, text, sizeof(text) - 1, 0);
	for (i = 0; i < N(names); i++) {
		cr_assert_eq(rows(write_bytes(names[i], in.s, in.n), &o, out,
		    sizeof(out), &m), 0, "%s: %s", names[i], out);
		cr_expect_str_eq(out, "2:op=x|note=Auftr\xc3\xa4ge\n");
		cr_expect_eq(br_manifest_delimiter(m), '\t');
		cr_expect_eq(br_manifest_encoding(m), BR_ENC_UTF16LE);
		br_manifest_close(m);
	}
	free(in.s);
}

Test(encoding, a_bom_that_contradicts_the_encoding_given_is_refused)
{
	struct br_manifest_opts o = { .utf8_only = 1,
	    .encoding = BR_ENC_CP1252 };
	char out[2048];

	cr_assert_eq(rows(write_bytes("b.csv", "\xff\xfeo\0p\0\n\0", 8), &o,
	    out, sizeof(out), NULL), BR_EINPUT);
	cr_expect(strstr(out, "/b.csv: the file starts with a UTF-16 "
	    "byte-order mark (Excel's \"Unicode Text\"), which bulkrun reads "
	    "as it is: leave out --encoding") != NULL, "%s", out);
	o.encoding = BR_ENC_LATIN1;
	cr_assert_eq(rows(write_bytes("b.csv", BOM8 "op\nx\n", 8), &o, out,
	    sizeof(out), NULL), BR_EINPUT);
	cr_expect(strstr(out, "/b.csv: the file starts with a UTF-8 "
	    "byte-order mark: it is UTF-8 already; leave out --encoding") !=
	    NULL, "%s", out);
}
