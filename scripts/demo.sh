#!/bin/sh
# make demo: start bulkrun-sim on 127.0.0.1, run manifests/demo.csv against
# it, print the summary, stop the simulator, and check that every row ended
# as its 'expect' column predicts.  Exit 0 when it did.
set -eu
cd "$(dirname "$0")/.."
BULKRUN=${BULKRUN:-build/bulkrun}
SIM=${BULKRUN_SIM:-build/bulkrun-sim}
MANIFEST=${1:-manifests/demo.csv}

mkdir -p reports
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report=reports/demo-$stamp.csv
simlog=reports/demo-$stamp-sim.jsonl
portfile=$(mktemp)
trap 'kill "$simpid" 2>/dev/null || true; rm -f "$portfile"' EXIT INT TERM

"$SIM" --port 0 --log "$simlog" >"$portfile" &
simpid=$!
i=0
until grep -q 'listening on' "$portfile" 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then echo "demo: bulkrun-sim did not start" >&2; exit 1; fi
	sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$portfile")
echo "demo: simulator at $url, request log $simlog"

set +e
"$BULKRUN" run "$MANIFEST" --endpoint "$url" --rate 50/s -j 4 \
    --backoff 100ms -o "$report"
rc=$?
set -e
kill "$simpid" 2>/dev/null || true
wait "$simpid" 2>/dev/null || true

# Report columns: the manifest's (op excepted, so 'expect' is last of them),
# then row, line, op, outcome, http_status, error_code, ...
# The run must have ended as the manifest predicts: exit 1 (some rows fail
# on purpose), as many rows in the report as in the manifest, and each
# expected error code as often as the manifest's expect column names it.
status=0
if [ "$rc" -ne 1 ]; then echo "demo: bulkrun exited $rc, expected 1" >&2; status=1; fi
want_rows=$(grep -v '^#' "$MANIFEST" | grep -c ',[A-Za-z0-9.]*$' || true)
want_rows=$((want_rows - 1))
got_rows=$(($(wc -l <"$report") - 1))
if [ "$got_rows" -ne "$want_rows" ]; then
	echo "demo: report has $got_rows rows, manifest $want_rows" >&2; status=1
fi
for expect in $(grep -v '^#' "$MANIFEST" | sed 1d | awk -F, '{print $NF}' | sort -u); do
	want=$(grep -v '^#' "$MANIFEST" | sed 1d | grep -c ",$expect\$" || true)
	if [ "$expect" = succeeded ]; then
		got=$(grep -c ",succeeded,[0-9]*,[0-9]*,[a-z._]*,succeeded," \
		    "$report" || true)
	else
		got=$(grep -c ",$expect,[0-9]*,[0-9]*,[a-z._]*,failed,[0-9]*,$expect," \
		    "$report" || true)
	fi
	if [ "$got" -ne "$want" ]; then
		echo "demo: $want rows should end '$expect', $got did" >&2; status=1
	fi
done
if [ "$status" -eq 0 ]; then
	echo "demo: every row ended as manifests/demo.csv predicts; report: $report"
fi
exit "$status"
