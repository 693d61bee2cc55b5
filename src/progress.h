/*
 * progress.h - the progress line.  Owned by the main thread; no lock.
 */
#ifndef BR_PROGRESS_H
#define BR_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

/*
 * The progress line on stderr.  On a terminal (--progress auto or always)
 * one line redrawn at most four times a second: done/total, succeeded,
 * failed, the current rate and the time left.  --progress always off a
 * terminal: a plain line every 10 s.  -q or --progress never: nothing.
 */
struct br_progress {
	int	 mode;		/* 0 none, 1 bar, 2 plain lines */
	FILE	*f;
	int64_t	 last_ms;	/* last drawn */
	long	 last_done;
	double	 rate;		/* rows/s, smoothed */
	int	 drawn;		/* a bar is on the screen */
};

/* opt: 0 auto, 1 always, -1 never (as in struct br_opts). */
void	br_progress_init(struct br_progress *p, int opt, int quiet, FILE *f,
	    int is_tty, int64_t now_ms);
void	br_progress_tick(struct br_progress *p, const struct br_stats *s,
	    int64_t now_ms);
/* Clears the bar before the summary is printed. */
void	br_progress_end(struct br_progress *p);
/* Formats the line itself (for tests). */
void	br_progress_format(const struct br_progress *p,
	    const struct br_stats *s, char *buf, size_t bufsz);

#endif
