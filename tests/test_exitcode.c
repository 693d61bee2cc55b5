#include <criterion/criterion.h>

#include "exitcode.h"

/* SPEC's exit statuses, decided in one place, in SPEC's order. */
Test(exitcode, a_run_ends_as_spec_says)
{
	struct br_ending e = { 0 };

	cr_assert_eq(br_exit_status(&e), 0);
	e.failed = 1;
	cr_assert_eq(br_exit_status(&e), 1);
	e.failed = 0;
	e.invalid = 2;
	cr_assert_eq(br_exit_status(&e), 1);
	e.halted = 1;
	cr_assert_eq(br_exit_status(&e), 3, "a halt outranks failed rows");
	e.io_error = 1;
	cr_assert_eq(br_exit_status(&e), 1, "the manifest broke mid-run");
	e.report_failed = 1;
	cr_assert_eq(br_exit_status(&e), 4, "the report could not be written");
	e.signal = 15;
	cr_assert_eq(br_exit_status(&e), 143, "a signal outranks all");
	e.signal = 2;
	cr_assert_eq(br_exit_status(&e), 130);
}
