/*
 * lock.h - --lock FILE: an advisory lock (flock) held for the whole run,
 * so that two scheduled runs never overlap.  The lock dies with the
 * process that holds it (a crash leaves no stale lock); the file stays,
 * naming the run that holds it.
 */
#ifndef BR_LOCK_H
#define BR_LOCK_H

#include <signal.h>
#include <stdint.h>

#include "err.h"

struct br_lock {
	int	 fd;		/* -1: not held */
};

#define BR_LOCK_INIT	{ -1 }

/*
 * Takes the lock on path (created 0644 if missing), trying again every
 * 100 ms for up to wait_ms (0: once) while *stop is 0 (stop may be NULL).
 * Held, the file is rewritten to name this run: "pid=N host=H
 * started=ISO".  0; BR_EBUSY when another run still holds it (err names
 * that run from the file, as far as it says); BR_EINTERNAL when *stop
 * became non-zero while waiting; BR_EIO when the file cannot be opened.
 */
int	br_lock_take(struct br_lock *l, const char *path, int64_t wait_ms,
	    const volatile sig_atomic_t *stop, struct br_err *err);
/* Empties the file and lets the lock go; nothing when not held. */
void	br_lock_release(struct br_lock *l);

#endif
