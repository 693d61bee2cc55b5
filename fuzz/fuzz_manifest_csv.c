/*
 * fuzz_manifest_csv - the CSV manifest reader: every row, then a second
 * pass after br_manifest_rewind() that must give the same rows.
 *
 * The options follow the input's length (so that seed files stay plain
 * CSV): size % 5 picks the delimiter (mostly detected, sometimes forced to
 * ';' or TAB; one class in five leaves the format to the sniffer), and the
 * bits of size / 5 turn on hash_is_data, cut_ok (as --resume reads a
 * report), snapshot, the whole-file UTF-8 check (utf8_only) and the
 * conversion from Windows-1252 or Latin-1 (encoding); a UTF-16 mark
 * converts whatever the bits say.
 */
#include "encoding.h"
#include "fuzz_manifest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[5] = { 0, 0, 0, ';', '\t' };
	struct br_manifest_opts o;
	size_t v = size / 5;

	memset(&o, 0, sizeof(o));
	o.format = size % 5 == 2 ? 0 : BR_MF_CSV;
	o.delimiter = delims[size % 5];
	o.hash_is_data = (v & 1) != 0;
	o.cut_ok = (v & 2) != 0;
	o.snapshot = (v & 4) != 0;
	o.utf8_only = (v & 8) != 0;
	o.encoding = (v & 16) != 0 ? BR_ENC_CP1252 :
	    (v & 32) != 0 ? BR_ENC_LATIN1 : BR_ENC_UTF8;
	return fz_manifest_run(data, size, &o);
}
