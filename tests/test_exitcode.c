#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

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

/* An error that ends a command is printed once, as one line, and maps to
 * its status: the output that cannot be written is 4, the rest 2. */
Test(exitcode, an_error_prints_one_line_and_maps_to_its_status)
{
	struct br_err e = { 0 };
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	cr_assert_not_null(f);
	cr_assert_eq(br_exit_error(&e, f), 0, "no error, no line");
	br_errf(&e, BR_EINPUT, "m.csv", 3, "bad %s", "value");
	cr_assert_eq(br_exit_error(&e, f), 2);
	br_err_clear(&e);
	br_errf(&e, BR_EOUTPUT, NULL, 0, "cannot write");
	br_err_prefix(&e, "bulkrun");
	cr_assert_eq(br_exit_error(&e, f), 4);
	fclose(f);
	cr_assert_str_eq(buf, "m.csv:3: bad value\nbulkrun: cannot write\n");
}

/* A prefix on a full message keeps the prefix and cuts the tail. */
Test(exitcode, a_prefix_on_a_full_message_cuts_the_tail)
{
	struct br_err e = { 0 };
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	br_errf(&e, BR_EINPUT, NULL, 0, "%s", big);
	br_err_prefix(&e, "bulkrun");
	cr_assert_eq(strlen(e.msg), sizeof(e.msg) - 1);
	cr_assert_eq(strncmp(e.msg, "bulkrun: xxx", 12), 0);
	br_err_clear(&e);
	br_err_prefix(&e, "bulkrun");
	cr_assert_str_eq(e.msg, "", "nothing recorded, nothing added");
}
