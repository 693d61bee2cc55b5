/*
 * encoding.c - the UTF-8 check of a whole manifest and the conversion of
 * one in another encoding, in pieces; see encoding.h.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encoding.h"
#include "utf8.h"

#define INSZ	(64 * 1024)		/* bytes read at once */
#define OUTSZ	(4 * INSZ)		/* UTF-8 of a piece, mostly */
#define SHOWN	32			/* bytes shown before a bad one */

#define SAVE_HOW	"save it as UTF-8: in Excel, File > Save As > \"CSV " \
	"UTF-8 (Comma delimited)\"; in LibreOffice, File > Save As, \"Text " \
	"CSV\", character set \"Unicode (UTF-8)\""

static const struct {
	const char	*name;
	int		 enc;
} names[] = {
	{ "utf-8", BR_ENC_UTF8 },
	{ "utf8", BR_ENC_UTF8 },
	{ "cp1252", BR_ENC_CP1252 },
	{ "windows-1252", BR_ENC_CP1252 },
	{ "latin1", BR_ENC_LATIN1 },
	{ "latin-1", BR_ENC_LATIN1 },
	{ "iso-8859-1", BR_ENC_LATIN1 },
};

/* iconv's name, ours in messages, the option that gives it. */
static const struct {
	const char	*iconv;
	const char	*shown;
	const char	*opt;
} encs[] = {
	[BR_ENC_UTF8] = { "UTF-8", "UTF-8", "utf-8" },
	[BR_ENC_CP1252] = { "CP1252", "Windows-1252", "cp1252" },
	[BR_ENC_LATIN1] = { "ISO-8859-1", "Latin-1", "latin1" },
	[BR_ENC_UTF16LE] = { "UTF-16LE", "UTF-16LE", NULL },
	[BR_ENC_UTF16BE] = { "UTF-16BE", "UTF-16BE", NULL },
};

int
br_enc_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].enc;
	return -1;
}

const char *
br_enc_name(int enc)
{
	if (enc < 0 || (size_t)enc >= sizeof(encs) / sizeof(encs[0]))
		return "?";
	return encs[enc].shown;
}

int
br_enc_bom(const unsigned char *b, size_t n)
{
	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
		return BR_ENC_UTF8;
	if (n >= 2 && b[0] == 0xff && b[1] == 0xfe)
		return BR_ENC_UTF16LE;
	if (n >= 2 && b[0] == 0xfe && b[1] == 0xff)
		return BR_ENC_UTF16BE;
	return -1;
}

static int
nomem(struct br_err *err)
{
	return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
}

static int
io_err(const char *name, const char *what, struct br_err *err)
{
	char eb[128];
	int e = errno;

	if (strerror_r(e, eb, sizeof(eb)) != 0)
		snprintf(eb, sizeof(eb), "error %d", e);
	return br_errf(err, BR_EIO, name, 0, "%s: %s", what, eb);
}

/* The text of the line before where sc is, printable, into out. */
static const char *
before(const struct br_utf8_scan *sc, char out[SHOWN + 1])
{
	size_t i;

	br_utf8_scan_before(sc, out, SHOWN + 1);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	return out;
}

/* in[0..n) converted from enc into out (UTF-8, NUL-terminated, at most
 * outsz - 1 bytes); 0 when it is no text of enc. */
static int
decode(int enc, const char *in, size_t n, char *out, size_t outsz)
{
	iconv_t cd;
	char *ip = (char *)in, *op = out;
	size_t il = n, ol = outsz - 1, r;

	if ((cd = iconv_open("UTF-8", encs[enc].iconv)) == (iconv_t)-1)
		return 0;
	r = iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	if (r == (size_t)-1 || il != 0)
		return 0;
	*op = '\0';
	return 1;
}

/* The message for the first byte that is not UTF-8, where sc stopped. */
static int
not_utf8(const struct br_utf8_scan *sc, const char *name,
    struct br_err *err)
{
	char shown[SHOWN + 1], where[SHOWN + 32], as[64] = "", c[8];

	if (sc->col > 1)
		snprintf(where, sizeof(where), "after '%s'", before(sc, shown));
	else
		snprintf(where, sizeof(where), "at the start of the line");
	if (decode(BR_ENC_CP1252, (const char *)&sc->bad, 1, c, sizeof(c)))
		snprintf(as, sizeof(as), " (in Windows-1252, 0x%02X is '%s')",
		    sc->bad, c);
	return br_errf(err, BR_EINPUT, name, sc->line, "the file is not "
	    "UTF-8: byte 0x%02X in column %ld, %s%s; %s; or read it as it "
	    "is with --encoding cp1252 (Windows) or --encoding latin1",
	    sc->bad, sc->col, where, as, SAVE_HOW);
}

int
br_enc_check(FILE *f, const char *name, struct br_err *err)
{
	struct br_utf8_scan sc;
	char *buf;
	size_t n;
	int bad = 0, rv = 0;

	if ((buf = malloc(INSZ)) == NULL)
		return nomem(err);
	br_utf8_scan_init(&sc);
	while (!bad && (n = fread(buf, 1, INSZ, f)) > 0)
		bad = br_utf8_scan_feed(&sc, buf, n) != 0;
	if (!bad && ferror(f))
		rv = io_err(name, "read error", err);
	else if (bad || br_utf8_scan_end(&sc) != 0)
		rv = not_utf8(&sc, name, err);
	free(buf);
	return rv;
}

/* ---- conversion ---- */

struct conv {
	iconv_t		 cd;
	int		 enc;
	FILE		*out;
	const char	*name;
	char		*ib, *ob;
	struct br_utf8_scan in;		/* is the input UTF-8 already? */
	int		 in_utf8;
	struct br_utf8_scan at;		/* where the output is */
	long		 c1_line, c1_col;	/* Latin-1: the first byte */
	unsigned char	 c1;		/* 0x80-0x9F, or 0 */
};

static int
emit(struct conv *c, const char *s, size_t n, struct br_err *err)
{
	if (n > 0 && fwrite(s, 1, n, c->out) != n)
		return io_err(c->name, "cannot write a temporary file", err);
	(void)br_utf8_scan_feed(&c->at, s, n);	/* iconv's: well-formed */
	return 0;
}

/* A byte (or two, four in UTF-16) at b[0..n) that is no character of
 * the input's encoding, at the output's position. */
static int
bad_char(const struct conv *c, const unsigned char *b, size_t n,
    struct br_err *err)
{
	char shown[SHOWN + 1];

	if (c->enc == BR_ENC_UTF16LE || c->enc == BR_ENC_UTF16BE)
		return br_errf(err, BR_EINPUT, c->name, c->at.line, "the "
		    "UTF-16 file (Excel's \"Unicode Text\") has a broken "
		    "character in column %ld (bytes 0x%02X 0x%02X), after "
		    "'%s': save it again, or %s", c->at.col, b[0],
		    n > 1 ? b[1] : 0, before(&c->at, shown), SAVE_HOW);
	return br_errf(err, BR_EINPUT, c->name, c->at.line, "byte 0x%02X in "
	    "column %ld, after '%s', is no %s character: the file is in "
	    "another encoding; %s", b[0], c->at.col, before(&c->at, shown),
	    encs[c->enc].shown, SAVE_HOW);
}

/* Converts c->ib[0..*have); what is left (the start of a character cut
 * by the piece's end) moves to the front, *have its length. */
static int
conv_piece(struct conv *c, size_t *have, struct br_err *err)
{
	char *in = c->ib, *o;
	size_t inleft = *have, outleft, r;
	int e;

	for (;;) {
		o = c->ob;
		outleft = OUTSZ;
		errno = 0;
		r = iconv(c->cd, &in, &inleft, &o, &outleft);
		e = errno;
		if (emit(c, c->ob, (size_t)(o - c->ob), err) != 0)
			return BR_EIO;
		if (r != (size_t)-1 || e == EINVAL)
			break;
		if (e == EILSEQ)
			return bad_char(c, (unsigned char *)in, inleft, err);
		if (e != E2BIG) {
			errno = e;
			return io_err(c->name, "cannot convert", err);
		}
	}
	memmove(c->ib, in, inleft);
	*have = inleft;
	return 0;
}

/* At the end: a cut UTF-16 character, or a "Windows" file that is UTF-8
 * already. */
static int
conv_end(struct conv *c, size_t have, struct br_err *err)
{
	char was[8], garbled[24], would[96] = "";

	if (have > 0)
		return br_errf(err, BR_EINPUT, c->name, c->at.line, "the "
		    "UTF-16 file ends inside a character (was it cut "
		    "short?): save it again");
	if (!c->in_utf8 || br_utf8_scan_end(&c->in) != 0 ||
	    c->in.nonascii_line == 0)
		return 0;
	memcpy(was, c->in.nonascii, sizeof(c->in.nonascii));
	if (decode(c->enc, was, strlen(was), garbled, sizeof(garbled)))
		snprintf(would, sizeof(would), " (read as %s, its '%s' would "
		    "become '%s')", encs[c->enc].shown, was, garbled);
	return br_errf(err, BR_EINPUT, c->name, c->in.nonascii_line, "the "
	    "file is UTF-8 already%s: leave out --encoding %s", would,
	    encs[c->enc].opt);
}

/* Latin-1: notes where the first byte 0x80-0x9F is (a C1 control
 * character, which in a sheet is a Windows-1252 one), converting the
 * piece up to it first. */
static int
note_c1(struct conv *c, size_t *have, struct br_err *err)
{
	const unsigned char *u = (const unsigned char *)c->ib;
	size_t k, rest;
	int rv;

	if (c->enc != BR_ENC_LATIN1 || c->c1 != 0)
		return 0;
	for (k = 0; k < *have && (u[k] < 0x80 || u[k] > 0x9f); k++)
		;
	if (k == *have)
		return 0;
	rest = *have - k;
	c->c1 = u[k];
	if ((rv = conv_piece(c, &k, err)) != 0)	/* no rest: single bytes */
		return rv;
	c->c1_line = c->at.line;
	c->c1_col = c->at.col;
	memmove(c->ib, c->ib + (*have - rest), rest);
	*have = rest;
	return 0;
}

/* Latin-1 with a C1 control character: Windows-1252 read wrong. */
static int
c1_err(const struct conv *c, struct br_err *err)
{
	char as[64] = "", ch[8];

	if (decode(BR_ENC_CP1252, (const char *)&c->c1, 1, ch, sizeof(ch)))
		snprintf(as, sizeof(as), " (in Windows-1252, '%s')", ch);
	return br_errf(err, BR_EINPUT, c->name, c->c1_line, "byte 0x%02X in "
	    "column %ld is an invisible control character in Latin-1%s: the "
	    "file is Windows-1252, most likely; give --encoding cp1252",
	    c->c1, c->c1_col, as);
}

static int
conv_run(struct conv *c, FILE *f, struct br_err *err)
{
	size_t have = 0, n;
	int first = 1, rv;

	if (fwrite("\xef\xbb\xbf", 1, 3, c->out) != 3)
		return io_err(c->name, "cannot write a temporary file", err);
	while ((n = fread(c->ib + have, 1, INSZ - have, f)) > 0) {
		if (c->in_utf8 && br_utf8_scan_feed(&c->in, c->ib + have, n))
			c->in_utf8 = 0;
		have += n;
		if (first && br_enc_bom((unsigned char *)c->ib, have) ==
		    c->enc) {		/* UTF-16: the mark is ours to write */
			memmove(c->ib, c->ib + 2, have - 2);
			have -= 2;
		}
		first = 0;
		if ((rv = note_c1(c, &have, err)) != 0 ||
		    (rv = conv_piece(c, &have, err)) != 0)
			return rv;
	}
	if (ferror(f))
		return io_err(c->name, "read error", err);
	if ((rv = conv_end(c, have, err)) != 0)
		return rv;
	if (c->c1 != 0)
		return c1_err(c, err);
	if (fflush(c->out) != 0)
		return io_err(c->name, "cannot write a temporary file", err);
	return 0;
}

int
br_enc_convert(FILE *f, FILE *out, int enc, const char *name,
    struct br_err *err)
{
	struct conv c;
	int rv;

	if (enc <= BR_ENC_UTF8 || (size_t)enc >= sizeof(encs) / sizeof(encs[0]))
		return br_errf(err, BR_EINTERNAL, NULL, 0, "no encoding %d",
		    enc);
	memset(&c, 0, sizeof(c));
	c.enc = enc;
	c.out = out;
	c.name = name;
	c.in_utf8 = enc == BR_ENC_CP1252 || enc == BR_ENC_LATIN1;
	br_utf8_scan_init(&c.in);
	br_utf8_scan_init(&c.at);
	if ((c.cd = iconv_open("UTF-8", encs[enc].iconv)) == (iconv_t)-1)
		return io_err(name, "cannot convert from this encoding", err);
	c.ib = malloc(INSZ);
	c.ob = malloc(OUTSZ);
	if (c.ib == NULL || c.ob == NULL)
		rv = nomem(err);
	else
		rv = conv_run(&c, f, err);
	free(c.ib);
	free(c.ob);
	iconv_close(c.cd);
	return rv;
}
