/*
 * encoding.h - what a manifest file is written in, and turning it into
 * UTF-8: the whole-file UTF-8 check (one message, with the line and
 * column of the first bad byte and how to save the file as UTF-8), and
 * the conversion of a Windows-1252, Latin-1 or UTF-16 file (glibc's
 * iconv), from one FILE to another in pieces: memory does not grow with
 * the file.
 *
 * Messages read "NAME:LINE: ..." with NAME the name given (the manifest
 * as the user named it); the line and column are those of the file as
 * the user sees it in an editor (a line break is a line break in every
 * encoding).
 */
#ifndef BR_ENCODING_H
#define BR_ENCODING_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum br_enc {
	BR_ENC_UTF8 = 0,	/* the default: checked, never converted */
	BR_ENC_CP1252,		/* Windows-1252, Excel's "CSV" on Windows */
	BR_ENC_LATIN1,		/* ISO-8859-1 */
	BR_ENC_UTF16LE,		/* with a byte-order mark: Excel's "Unicode */
	BR_ENC_UTF16BE		/* Text"; never given by name */
};

/* The encoding a --encoding name gives, case-insensitively: "cp1252",
 * "windows-1252", "latin1", "iso-8859-1" (and "utf-8", the default);
 * -1 for any other name. */
int	br_enc_parse(const char *name);

/* How an encoding is called in messages: "Windows-1252", "UTF-16LE", ... */
const char	*br_enc_name(int enc);

/* The encoding the byte-order mark at the start of b[0..n) says:
 * BR_ENC_UTF8 (EF BB BF), BR_ENC_UTF16LE (FF FE), BR_ENC_UTF16BE
 * (FE FF); -1 when there is none. */
int	br_enc_bom(const unsigned char *b, size_t n);

/*
 * Reads f from where it is to its end and checks that it is UTF-8.
 * 0; BR_EINPUT with one message that names the first bad byte, its line
 * and column and the text before it, says what it would be in
 * Windows-1252, and how to save the file as UTF-8 in Excel and
 * LibreOffice (or to give --encoding); BR_EIO, BR_ENOMEM.
 */
int	br_enc_check(FILE *f, const char *name, struct br_err *err);

/*
 * Converts f (from where it is; a UTF-16 file from its byte-order mark)
 * from enc to UTF-8 into out, which starts with a UTF-8 byte-order mark
 * (so that a spreadsheet opens the report, written in the manifest's
 * dialect, as UTF-8).  0 (out flushed); BR_EINPUT when a byte is no
 * character of enc (its line and column), when a UTF-16 file ends inside
 * a character, for Windows-1252 and Latin-1 when the file is UTF-8
 * already (it has non-ASCII text and all of it is UTF-8: converting it
 * would garble every accent), and for Latin-1 when it has a byte
 * 0x80-0x9F (an invisible control character there: the file is
 * Windows-1252, and '€' would be lost); BR_EIO, BR_ENOMEM.
 */
int	br_enc_convert(FILE *f, FILE *out, int enc, const char *name,
	    struct br_err *err);

#endif
