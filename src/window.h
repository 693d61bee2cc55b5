/*
 * window.h - when rows may start: --not-before T, --not-after T and the
 * daily --window HH:MM-HH:MM.  Pure: the clock is passed in; local time
 * follows TZ (main sets it from --tz before anything runs).
 */
#ifndef BR_WINDOW_H
#define BR_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct br_window {
	int64_t	 open_ms;	/* rows start at or after this; 0: now */
	int64_t	 close_ms;	/* no row starts at or after this; -1: never */
};

/* A time argument: ISO 8601 (2026-11-22T22:00:00Z, 2026-11-22T23:00+01:00,
 * ... as datetime.h reads them) or HH:MM, the next such local time after
 * now.  0, or -1 with the reason in msg. */
int	br_time_arg(const char *s, int64_t now_ms, int64_t *out_ms, char *msg,
	    size_t msgsz);

/*
 * Works out the one stretch of time this run may start rows in, from
 * --not-before (or NULL), --not-after (or NULL) and --window (or NULL):
 * a daily window that is open now runs until it closes; one that is shut
 * opens next at its start.  A window of "22:00-02:00" spans midnight.
 * 0, or BR_EINPUT with the reason in err (also when the stretch is
 * empty: the window closes before it opens).
 */
int	br_window_init(struct br_window *w, const char *not_before,
	    const char *not_after, const char *daily, int64_t now_ms,
	    struct br_err *err);

/* 0 when a row may start at now; > 0: ms to wait for the opening; -1:
 * closed for good. */
int64_t	br_window_check(const struct br_window *w, int64_t now_ms);

#endif
