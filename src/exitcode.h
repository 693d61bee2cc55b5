/*
 * exitcode.h - bulkrun's exit statuses (SPEC "Exit status"), named once,
 * and the one function that decides how a run ends.
 */
#ifndef BR_EXITCODE_H
#define BR_EXITCODE_H

#include <stdio.h>

#include "err.h"

enum br_exit {
	BR_EXIT_OK = 0,		/* every row succeeded (or had before) */
	BR_EXIT_FAILED = 1,	/* the run finished; a row failed or was
				   invalid */
	BR_EXIT_USAGE = 2,	/* usage or manifest error: nothing sent */
	BR_EXIT_HALTED = 3,	/* --max-failures, --canary, credentials,
				   a closed window */
	BR_EXIT_REPORT = 4,	/* the report could not be written */
	BR_EXIT_LOCKED = 75,	/* --lock held by another run (EX_TEMPFAIL):
				   nothing sent */
	BR_EXIT_SIGNAL = 128	/* + the signal's number */
};

/* How a run ended, as far as its exit status cares. */
struct br_ending {
	int	 signal;	/* the signal that stopped it, or 0 */
	int	 report_failed;	/* the report could not be written */
	int	 io_error;	/* the manifest could not be read further */
	int	 halted;	/* a stop rule started no more rows */
	long	 failed, invalid;	/* rows */
};

/* The exit status: a signal first, then a report that could not be
 * written, then an unreadable manifest (FAILED), a halt, failed or
 * invalid rows. */
int	br_exit_status(const struct br_ending *e);

/* The one printer of an error that ends a command before or instead of a
 * run: writes e's message as a line on f and returns its exit status
 * (0 when none is recorded; BR_EOUTPUT: 4; BR_EBUSY: 75; any other: 2,
 * nothing was sent). */
int	br_exit_error(const struct br_err *e, FILE *f);

#endif
