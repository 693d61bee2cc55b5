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
