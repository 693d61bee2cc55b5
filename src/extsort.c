/*
 * extsort.c - external sort: a buffer sorted and spilled as runs to
 * unlinked temporary files, then a k-way merge of the runs over a binary
 * heap (see extsort.h).  A run is a sequence of records, each
 * key, seq, len (three uint64_t in this machine's order) and len bytes:
 * the files live only as long as the process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extsort.h"

#define RUNBUF	65536		/* stdio buffer of a run */

struct ent {
	uint64_t	 key, seq;
	size_t		 off, len;
};

/* One run being read: its current record. */
struct reader {
	FILE		*f;
	uint64_t	 key, seq;
	char		*buf;
	size_t		 cap, len;
};

struct br_extsort {
	char		*tmpdir;
	char		*arena;		/* the records of the buffer */
	size_t		 mem, used;
	struct ent	*ents;
	size_t		 nents, maxents;
	FILE		**runs;
	size_t		 nruns, runcap;
	uint64_t	 seq;
	size_t		 spilled;	/* runs ever written */
	int		 finished;
	size_t		 pos;		/* in memory: the next entry */
	struct reader	*rd;		/* merging: one per run */
	struct reader	**heap;
	size_t		 nheap;
	struct reader	*last;		/* returned last: advance it next */
};

static int
ioerr(struct br_err *err, const char *what)
{
	char eb[128];

	if (strerror_r(errno != 0 ? errno : EIO, eb, sizeof(eb)) != 0)
		snprintf(eb, sizeof(eb), "error %d", errno);
	return br_errf(err, BR_EIO, NULL, 0, "temporary file: cannot %s: %s",
	    what, eb);
}

int
br_extsort_new(struct br_extsort **sp, const char *tmpdir, size_t mem,
    struct br_err *err)
{
	struct br_extsort *s;

	*sp = NULL;
	if (mem < 4096)
		mem = 4096;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->tmpdir = strdup(tmpdir != NULL ? tmpdir : "/tmp")) == NULL ||
	    (s->arena = malloc(mem)) == NULL) {
		br_extsort_free(s);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	s->mem = mem;
	s->maxents = mem / 64 + 16;	/* the index: a quarter more */
	if ((s->ents = calloc(s->maxents, sizeof(*s->ents))) == NULL) {
		br_extsort_free(s);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	*sp = s;
	return 0;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* A new, empty, unlinked temporary file, kept in s->runs. */
static FILE *
new_run(struct br_extsort *s, struct br_err *err)
{
	size_t len = strlen(s->tmpdir) + 32;
	FILE **nr, *f = NULL;
	char *path;
	int fd;

	if (s->nruns == s->runcap) {
		s->runcap = s->runcap ? s->runcap * 2 : 16;
		if ((nr = realloc(s->runs, s->runcap * sizeof(*nr))) == NULL) {
			br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
			return NULL;
		}
		s->runs = nr;
	}
	if ((path = malloc(len)) == NULL) {
		br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		return NULL;
	}
	snprintf(path, len, "%s/.bulkrun-merge-XXXXXX", s->tmpdir);
	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w+")) == NULL) {
		ioerr(err, "create one");
		if (fd >= 0)
			close(fd);
	} else {
		(void)unlink(path);
		(void)setvbuf(f, NULL, _IOFBF, RUNBUF);
	}
	free(path);
	if (f != NULL) {
		s->runs[s->nruns++] = f;
		s->spilled++;
	}
	return f;
}

static int
put_rec(FILE *f, uint64_t key, uint64_t seq, const void *p, size_t n)
{
	uint64_t h[3] = { key, seq, n };

	return fwrite(h, sizeof(h), 1, f) == 1 &&
	    (n == 0 || fwrite(p, 1, n, f) == n) ? 0 : -1;
}

/* Sorts the buffer and writes it as a run. */
static int
spill(struct br_extsort *s, struct br_err *err)
{
	FILE *f;
	size_t i;

	if (s->nents == 0)
		return 0;
	qsort(s->ents, s->nents, sizeof(*s->ents), ent_cmp);
	if ((f = new_run(s, err)) == NULL)
		return err->code;
	errno = 0;
	for (i = 0; i < s->nents; i++)
		if (put_rec(f, s->ents[i].key, s->ents[i].seq,
		    s->arena + s->ents[i].off, s->ents[i].len) != 0)
			return ioerr(err, "write");
	if (fflush(f) != 0 || fseeko(f, 0, SEEK_SET) != 0)
		return ioerr(err, "write");
	s->nents = 0;
	s->used = 0;
	return 0;
}

int
br_extsort_add(struct br_extsort *s, uint64_t key, const void *p, size_t n,
    struct br_err *err)
{
	FILE *f;
	int rc;

	if (s->finished)
		return br_errf(err, BR_EINTERNAL, NULL, 0, "sort finished");
	if ((n > s->mem - s->used || s->nents == s->maxents) &&
	    (rc = spill(s, err)) != 0)
		return rc;
	if (n > s->mem) {		/* a run of its own */
		if ((f = new_run(s, err)) == NULL)
			return err->code;
		errno = 0;
		if (put_rec(f, key, s->seq++, p, n) != 0 || fflush(f) != 0 ||
		    fseeko(f, 0, SEEK_SET) != 0)
			return ioerr(err, "write");
		return 0;
	}
	memcpy(s->arena + s->used, p, n);
	s->ents[s->nents].key = key;
	s->ents[s->nents].seq = s->seq++;
	s->ents[s->nents].off = s->used;
	s->ents[s->nents++].len = n;
	s->used += n;
	return 0;
}

/* ---- merging ---- */

/* The reader's next record: 1, 0 at the end of its run, or BR_E*. */
static int
reader_next(struct reader *r, struct br_err *err)
{
	uint64_t h[3];
	char *nb;

	errno = 0;
	if (fread(h, sizeof(h), 1, r->f) != 1)
		return ferror(r->f) ? ioerr(err, "read") : 0;
	if (h[2] > r->cap) {
		if ((nb = realloc(r->buf, h[2])) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0,
			    "out of memory");
		r->buf = nb;
		r->cap = h[2];
	}
	if (h[2] > 0 && fread(r->buf, 1, h[2], r->f) != h[2])
		return ferror(r->f) ? ioerr(err, "read") :
		    br_errf(err, BR_EIO, NULL, 0, "temporary file: cut short");
	r->key = h[0];
	r->seq = h[1];
	r->len = h[2];
	return 1;
}

static int
before(const struct reader *a, const struct reader *b)
{
	return a->key != b->key ? a->key < b->key : a->seq < b->seq;
}

static void
sift_down(struct reader **h, size_t n, size_t i)
{
	struct reader *t;
	size_t c;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && before(h[c + 1], h[c]))
			c++;
		if (!before(h[c], h[i]))
			break;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
	}
}

static void
readers_free(struct br_extsort *s)
{
	size_t i;

	free(s->heap);
	s->heap = NULL;
	s->nheap = 0;
	s->last = NULL;
	if (s->rd == NULL)
		return;
	for (i = 0; i < BR_EXTSORT_FAN; i++) {
		if (s->rd[i].f != NULL)
			fclose(s->rd[i].f);
		free(s->rd[i].buf);
	}
	free(s->rd);
	s->rd = NULL;
}

/* Opens readers on the first n runs (taken out of s->runs) and heaps
 * them by their first record. */
static int
readers_open(struct br_extsort *s, size_t n, struct br_err *err)
{
	size_t i;
	int rc;

	if ((s->rd = calloc(BR_EXTSORT_FAN, sizeof(*s->rd))) == NULL ||
	    (s->heap = calloc(BR_EXTSORT_FAN, sizeof(*s->heap))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	for (i = 0; i < n; i++) {
		s->rd[i].f = s->runs[i];
		s->runs[i] = NULL;
	}
	memmove(s->runs, s->runs + n, (s->nruns - n) * sizeof(*s->runs));
	s->nruns -= n;
	for (i = 0; i < n; i++) {
		if ((rc = reader_next(&s->rd[i], err)) < 0)
			return rc;
		if (rc == 1)
			s->heap[s->nheap++] = &s->rd[i];
	}
	for (i = s->nheap / 2; i-- > 0;)
		sift_down(s->heap, s->nheap, i);
	return 0;
}

/* The smallest record of the heap: 1 (in *r), 0 when all are done. */
static int
heap_next(struct br_extsort *s, struct reader **r, struct br_err *err)
{
	int rc;

	if (s->last != NULL) {		/* advance what was returned */
		if ((rc = reader_next(s->last, err)) < 0)
			return rc;
		if (rc == 0)
			s->heap[0] = s->heap[--s->nheap];
		sift_down(s->heap, s->nheap, 0);
		s->last = NULL;
	}
	if (s->nheap == 0)
		return 0;
	*r = s->last = s->heap[0];
	return 1;
}

/* Merges the first BR_EXTSORT_FAN runs into one, put last. */
static int
merge_pass(struct br_extsort *s, struct br_err *err)
{
	struct reader *r;
	FILE *out;
	int rc;

	if ((rc = readers_open(s, BR_EXTSORT_FAN, err)) != 0)
		return rc;
	if ((out = new_run(s, err)) == NULL)
		return err->code;
	while ((rc = heap_next(s, &r, err)) == 1)
		if (put_rec(out, r->key, r->seq, r->buf, r->len) != 0)
			return ioerr(err, "write");
	if (rc == 0 && (fflush(out) != 0 || fseeko(out, 0, SEEK_SET) != 0))
		rc = ioerr(err, "write");
	readers_free(s);
	return rc;
}

int
br_extsort_finish(struct br_extsort *s, struct br_err *err)
{
	int rc;

	s->finished = 1;
	if (s->nruns == 0) {		/* all in memory */
		qsort(s->ents, s->nents, sizeof(*s->ents), ent_cmp);
		return 0;
	}
	if ((rc = spill(s, err)) != 0)
		return rc;
	free(s->arena);			/* the merge needs none of it */
	free(s->ents);
	s->arena = NULL;
	s->ents = NULL;
	while (s->nruns > BR_EXTSORT_FAN)
		if ((rc = merge_pass(s, err)) != 0)
			return rc;
	return readers_open(s, s->nruns, err);
}

int
br_extsort_next(struct br_extsort *s, uint64_t *key, const void **p,
    size_t *n, struct br_err *err)
{
	struct reader *r;
	int rc;

	if (!s->finished)
		return br_errf(err, BR_EINTERNAL, NULL, 0, "sort not finished");
	if (s->ents != NULL) {
		if (s->pos == s->nents)
			return 0;
		*key = s->ents[s->pos].key;
		*p = s->arena + s->ents[s->pos].off;
		*n = s->ents[s->pos++].len;
		return 1;
	}
	if ((rc = heap_next(s, &r, err)) != 1)
		return rc;
	*key = r->key;
	*p = r->buf;
	*n = r->len;
	return 1;
}

size_t
br_extsort_nruns(const struct br_extsort *s)
{
	return s->spilled;
}

void
br_extsort_free(struct br_extsort *s)
{
	size_t i;

	if (s == NULL)
		return;
	readers_free(s);
	for (i = 0; i < s->nruns; i++)
		if (s->runs[i] != NULL)
			fclose(s->runs[i]);
	free(s->runs);
	free(s->ents);
	free(s->arena);
	free(s->tmpdir);
	free(s);
}
