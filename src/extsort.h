/*
 * extsort.h - sorts records too many to hold in memory: records are
 * gathered in a buffer of a fixed size, each full buffer is sorted and
 * spilled to an unlinked temporary file (a run), and the runs are merged
 * k ways (in more than one pass when there are more than
 * BR_EXTSORT_FAN of them).  Records are byte strings with a 64-bit key;
 * equal keys keep the order in which they were added.
 *
 * Memory: the buffer (mem bytes, plus 32 bytes an entry for the index)
 * while adding; while merging, BR_EXTSORT_FAN readers, each a stdio
 * buffer and the largest record.  Nothing grows with the record count.
 */
#ifndef BR_EXTSORT_H
#define BR_EXTSORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define BR_EXTSORT_FAN	64	/* runs merged at once */

struct br_extsort;

/* A sorter spilling into tmpdir (NULL: /tmp), with a buffer of mem bytes
 * (at least 4096).  0 or BR_ENOMEM. */
int	br_extsort_new(struct br_extsort **sp, const char *tmpdir,
	    size_t mem, struct br_err *err);
/* Adds a record (copied).  0, BR_ENOMEM or BR_EIO (a temporary file
 * could not be written). */
int	br_extsort_add(struct br_extsort *s, uint64_t key, const void *p,
	    size_t n, struct br_err *err);
/* Ends the adding; the next br_extsort_next gives the first record.
 * 0 or BR_E*. */
int	br_extsort_finish(struct br_extsort *s, struct br_err *err);
/* The next record in key order: 1 (*p, *n set; valid until the next
 * call), 0 at the end, or BR_E*. */
int	br_extsort_next(struct br_extsort *s, uint64_t *key, const void **p,
	    size_t *n, struct br_err *err);
/* Runs written so far, merge passes' included (for tests). */
size_t	br_extsort_nruns(const struct br_extsort *s);
void	br_extsort_free(struct br_extsort *s);

#endif
