/*
 * fuzz_manifest_jsonl - the JSON Lines manifest reader: every row, then a
 * second pass after br_manifest_rewind() that must give the same rows.
 */
#include "fuzz_manifest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct br_manifest_opts o;

	memset(&o, 0, sizeof(o));
	o.format = BR_MF_JSONL;
	o.snapshot = size % 2;		/* a private copy, or the file */
	return fz_manifest_run(data, size, &o);
}
