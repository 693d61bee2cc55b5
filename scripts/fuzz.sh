#!/bin/sh
# fuzz.sh BUILD SECONDS TARGET...: runs each libFuzzer target built in
# BUILD for SECONDS, FUZZ_JOBS (default 2) at a time, on the corpus kept
# in BUILD/corpus/TARGET plus a seed corpus assembled here from tests/data,
# manifests/ and fuzz/seeds/.  A finding is written to
# BUILD/artifacts/TARGET-crash-... (or leak-, timeout-, oom-) and makes
# the script exit 1, after showing the end of that target's log.
set -eu
b=$1 secs=$2; shift 2
jobs=${FUZZ_JOBS:-2}

# ---- the seed corpora (rebuilt every time: nothing generated is kept) ----
s=$b/seeds
rm -rf "$s"
mkdir -p "$s" "$b/corpus" "$b/artifacts" "$b/logs"
# The targets rewrite a temporary file for every input: on a disk file
# system that costs a flush each time (ext4 flushes a file truncated to
# zero when it is closed), so /dev/shm is used when there is one.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	tmp=$(mktemp -d /dev/shm/bulkrun-fuzz.XXXXXX)
else
	mkdir -p "$b/tmp"
	tmp=$(mktemp -d "$b/tmp/run.XXXXXX")
fi
trap 'rm -rf "$tmp"' EXIT
seed() {	# seed TARGET FILE... (missing files are skipped)
	t=$1; shift
	mkdir -p "$s/$t"
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "$s/$t/$(echo "$f" | tr / _)"
	done
	return 0
}
seed fuzz_manifest_csv tests/data/manifest/*.csv manifests/*.csv \
    manifests/examples/*.csv tests/data/report/*.csv tests/data/encoding/*.csv \
    tests/data/encoding/*.txt
seed fuzz_manifest_json tests/data/manifest/*.json manifests/examples/*.json
seed fuzz_manifest_jsonl tests/data/manifest/*.jsonl \
    manifests/examples/*.jsonl tests/data/report/*.jsonl
seed fuzz_catalog tests/data/catalog/*.json src/catalog.json
# fuzz_resume: the first byte picks the kind ('j': JSON Lines, else CSV)
mkdir -p "$s/fuzz_resume"
for f in tests/data/report/*; do
	[ -f "$f" ] || continue
	case $f in *.jsonl) k=j ;; *) k=c ;; esac
	{ printf %s "$k"; cat "$f"; } > "$s/fuzz_resume/$(basename "$f")"
done
for d in fuzz/seeds/*/; do
	[ -d "$d" ] || continue
	t=$(basename "$d")
	mkdir -p "$s/$t"
	cp "$d"* "$s/$t/" 2>/dev/null || :
done

# ---- the runs ----
run() {		# run TARGET: 0, or 1 on a finding
	t=$1
	mkdir -p "$b/corpus/$t" "$s/$t"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	# shellcheck disable=SC2086
	if TMPDIR=$tmp \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$b/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$b/artifacts/$t-" $dict \
	    "$b/corpus/$t" "$s/$t" > "$b/logs/$t.log" 2>&1; then
		printf 'fuzz: %-22s ok   %s\n' "$t" "$(stats "$t")"
		return 0
	fi
	printf 'fuzz: %-22s FAILED (log: %s)\n' "$t" "$b/logs/$t.log"
	tail -n 60 "$b/logs/$t.log" | sed 's/^/    /'
	return 1
}
stats() {	# "N execs, M/s, corpus C" from a finished run's log
	awk '/stat::number_of_executed_units/ { n = $2 }
	     /stat::average_exec_per_sec/ { r = $2 }
	     /DONE/ { c = $0; sub(/.*cov: /, "cov: ", c); sub(/ lim:.*/, "", c) }
	     END { printf "%s execs, %s/s, %s", n, r, c }' "$b/logs/$1.log"
}

fail=0
pids=""
for t in "$@"; do
	run "$t" &
	pids="$pids $!"
	set -- $pids
	if [ $# -ge "$jobs" ]; then
		wait "$1" || fail=1
		shift
		pids="$*"
	fi
done
for p in $pids; do
	wait "$p" || fail=1
done
exit $fail
