/*
 * err.h - error values and the first-cause error record.
 *
 * Functions return 0 or a negative BR_E* code; the human text goes into the
 * caller's struct br_err.  The first error recorded wins: later calls to
 * br_errf() on an already set record change nothing.  Messages read
 * "FILE:LINE: what is wrong" (lowercase, no full stop).
 */
#ifndef BR_ERR_H
#define BR_ERR_H

#include <stddef.h>

enum {
	BR_EOK = 0,
	BR_EINPUT = -1,		/* bad manifest, bad value, bad usage */
	BR_ENOMEM = -2,
	BR_EIO = -3,		/* cannot read or write a file */
	BR_EINTERNAL = -4,
	BR_EEXIST = -5,		/* a file that must be new exists */
	BR_EOUTPUT = -6,	/* the report or standard output cannot be
				   written */
	BR_EBUSY = -7		/* --lock is held by another run */
};

struct br_err {
	int	 code;		/* 0 while nothing went wrong */
	char	 msg[1024];
};

/* Sets e to "FILE:LINE: <fmt>"; line <= 0 gives "FILE: <fmt>", file NULL
 * gives just "<fmt>".  Returns code, so callers can `return br_errf(...)`. */
int	br_errf(struct br_err *e, int code, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	br_err_clear(struct br_err *e);
/* Puts "prefix: " before a recorded message (e.g. "bulkrun" for one that
 * names no file); nothing when none is recorded. */
void	br_err_prefix(struct br_err *e, const char *prefix);

#endif
