/*
 * exitcode.c - how a run ends; see exitcode.h.
 */
#include "exitcode.h"

int
br_exit_status(const struct br_ending *e)
{
	if (e->signal != 0)
		return BR_EXIT_SIGNAL + e->signal;
	if (e->report_failed)
		return BR_EXIT_REPORT;
	if (e->io_error)
		return BR_EXIT_FAILED;
	if (e->halted)
		return BR_EXIT_HALTED;
	if (e->failed > 0 || e->invalid > 0)
		return BR_EXIT_FAILED;
	return BR_EXIT_OK;
}

int
br_exit_error(const struct br_err *e, FILE *f)
{
	if (e->code == 0)
		return BR_EXIT_OK;
	fprintf(f, "%s\n", e->msg);
	if (e->code == BR_EBUSY)
		return BR_EXIT_LOCKED;
	return e->code == BR_EOUTPUT ? BR_EXIT_REPORT : BR_EXIT_USAGE;
}
