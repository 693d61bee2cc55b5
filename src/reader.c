/*
 * reader.c - the line-counting buffered reader of the manifests; see
 * reader.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

int
br_reader_init(struct reader *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	if ((r->buf = malloc(BR_READER_BUFSZ)) == NULL)
		return BR_ENOMEM;
	return 0;
}

void
br_reader_release(struct reader *r)
{
	if (r->f != NULL)
		fclose(r->f);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int
br_reader_io_err(const struct reader *r, struct br_err *err,
    const char *what)
{
	char eb[128];
	int e = errno;

	if (strerror_r(e, eb, sizeof(eb)) != 0)
		snprintf(eb, sizeof(eb), "error %d", e);
	return br_errf(err, BR_EIO, r->name, 0, "%s: %s", what, eb);
}

int
br_reader_fill(struct reader *r, struct br_err *err)
{
	size_t n;

	if (r->pos < r->len)
		return 1;
	if (r->eof)
		return 0;
	r->base += (off_t)r->len;
	r->pos = r->len = 0;
	errno = 0;
	n = fread(r->buf, 1, BR_READER_BUFSZ, r->f);
	if (n == 0) {
		if (ferror(r->f))
			return br_reader_io_err(r, err, "read error");
		r->eof = 1;
		return 0;
	}
	r->len = n;
	return 1;
}

int
br_reader_seek(struct reader *r, off_t off, long line, struct br_err *err)
{
	clearerr(r->f);
	if (fseeko(r->f, off, SEEK_SET) != 0)
		return br_reader_io_err(r, err, "cannot seek");
	r->base = off;
	r->pos = r->len = 0;
	r->eof = 0;
	r->line = line;
	r->prev_cr = 0;
	return 0;
}

int
br_reader_spool(struct reader *r, FILE *in, FILE **outp, struct br_err *err)
{
	FILE *t;
	size_t n;

	*outp = NULL;
	if ((t = tmpfile()) == NULL)
		return br_reader_io_err(r, err,
		    "cannot create a temporary file");
	while ((n = fread(r->buf, 1, BR_READER_BUFSZ, in)) > 0)
		if (fwrite(r->buf, 1, n, t) != n) {
			br_reader_io_err(r, err,
			    "cannot write a temporary file");
			fclose(t);
			return BR_EIO;
		}
	if (ferror(in)) {
		br_reader_io_err(r, err, "read error");
		fclose(t);
		return BR_EIO;
	}
	if (fflush(t) != 0) {
		br_reader_io_err(r, err, "cannot write a temporary file");
		fclose(t);
		return BR_EIO;
	}
	*outp = t;
	return 0;
}
