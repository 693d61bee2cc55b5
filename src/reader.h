/*
 * reader.h - a buffered reader over a FILE that counts lines as it goes:
 * LF, CRLF and a lone CR each end one line.  The manifest readers (CSV,
 * JSON, JSON Lines) all read through it, one 64 KiB buffer at a time.
 *
 * The caller owns struct reader: br_reader_init allocates the buffer,
 * br_reader_release frees it and closes f.  name is borrowed, for
 * messages ("NAME: read error: ...").  Not thread-safe.
 */
#ifndef BR_READER_H
#define BR_READER_H

#include <sys/types.h>

#include <stdio.h>

#include "err.h"

#define BR_READER_BUFSZ	(64 * 1024)

#define BR_READER_EOF	(-1)	/* br_reader_peek: end of file */
#define BR_READER_ERR	(-2)	/* br_reader_peek: read error, err set */

struct reader {
	FILE		*f;		/* owned; NULL until opened */
	const char	*name;		/* borrowed, for messages */
	unsigned char	*buf;		/* BR_READER_BUFSZ bytes */
	size_t		 pos;
	size_t		 len;
	off_t		 base;		/* file offset of buf[0] */
	int		 eof;
	long		 line;		/* line of buf[pos] */
	int		 prev_cr;
};

/* Zeroes r and allocates its buffer; 0 or BR_ENOMEM (err not set). */
int	br_reader_init(struct reader *r, const char *name);
/* Closes r->f (if any) and frees the buffer. */
void	br_reader_release(struct reader *r);

/* 1: bytes are buffered, 0: end of file, BR_EIO (err set). */
int	br_reader_fill(struct reader *r, struct br_err *err);
/* Moves to file offset off, which is on line line; 0 or BR_EIO. */
int	br_reader_seek(struct reader *r, off_t off, long line,
	    struct br_err *err);
/* Sets err to "NAME: what: strerror(errno)" and returns BR_EIO. */
int	br_reader_io_err(const struct reader *r, struct br_err *err,
	    const char *what);
/* Copies in to a new temporary file (*outp, the caller closes it), using
 * r's buffer; 0 or BR_EIO (err set, *outp NULL). */
int	br_reader_spool(struct reader *r, FILE *in, FILE **outp,
	    struct br_err *err);

/* Counts the line break c, just consumed. */
static inline void
br_reader_count(struct reader *r, int c)
{
	if (c == '\n') {
		if (!r->prev_cr)
			r->line++;
		r->prev_cr = 0;
	} else if (c == '\r') {
		r->line++;
		r->prev_cr = 1;
	} else
		r->prev_cr = 0;
}

/* The file offset of the next byte. */
static inline off_t
br_reader_offset(const struct reader *r)
{
	return r->base + (off_t)r->pos;
}

/* The next byte, not consumed; BR_READER_EOF, or BR_READER_ERR (err
 * set). */
static inline int
br_reader_peek(struct reader *r, struct br_err *err)
{
	int rv;

	if (r->pos < r->len)
		return r->buf[r->pos];
	if ((rv = br_reader_fill(r, err)) < 0)
		return BR_READER_ERR;
	if (rv == 0)
		return BR_READER_EOF;
	return r->buf[r->pos];
}

/* Consumes the byte br_reader_peek() returned. */
static inline void
br_reader_adv(struct reader *r)
{
	br_reader_count(r, r->buf[r->pos++]);
}

#endif
