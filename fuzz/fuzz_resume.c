/*
 * fuzz_resume - the reader of --resume REPORT (br_resume_load).
 *
 * The first input byte picks the report's kind, as its file name would:
 * 'j' gives a .jsonl file, anything else a .csv one; the rest is the
 * report.  (The seed corpus is assembled with that byte in front.)
 */
#include "fuzz_common.h"
#include "resume.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct br_resume *r = NULL;
	struct br_err err = { 0 };
	const char *path;
	long num;
	int jsonl;

	if (size < 1)
		return 0;
	jsonl = data[0] == 'j';
	path = jsonl ? fz_write(1, ".jsonl", data + 1, size - 1) :
	    fz_write(0, ".csv", data + 1, size - 1);
	if (br_resume_load(&r, path, &err) != 0) {
		if (r != NULL || err.code == 0)
			__builtin_trap();
		return 0;
	}
	if (r == NULL)
		__builtin_trap();
	/* look-ups in the table of succeeded rows */
	for (num = -1; num <= 64; num++)
		(void)br_resume_row(r, num, NULL);
	if (br_resume_ncarried(r) < 0)
		__builtin_trap();
	br_resume_free(r);
	return 0;
}
