#!/usr/bin/env bash
# smoke.sh - checks bulkrun-sim from the outside with curl.
#
#   tests/sim/smoke.sh build/bulkrun-sim
#
# Starts the simulator on port 0 (several times, with different options),
# checks every route, id convention, global fault, the read APIs and their
# state machine (in progress, healthy, failed, stuck, gone, stale reads),
# the credentials checks (fixed token, AK/SK, the IAM token endpoint), TLS
# and the request log,
# and prints "N passed, N failed" as its last line.  Exit status 0 only
# when nothing failed.  Needs bash, curl, grep, sed, openssl.
set -u

BIN=${1:?usage: smoke.sh PATH/TO/bulkrun-sim}
[ -x "$BIN" ] || { echo "smoke.sh: $BIN is not executable"; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bulkrun-sim-smoke.XXXXXX") || exit 2
PASS=0
FAIL=0
SIMPID=
B=

cleanup() {
	[ -n "$SIMPID" ] && kill -TERM "$SIMPID" 2>/dev/null && wait "$SIMPID"
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); }
die() { echo "$PASS passed, $FAIL failed"; exit 1; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

# start NAME [options...]: runs the simulator, sets SIMPID, B and LOG
start() {
	local name=$1 i
	shift
	LOG=$TMP/$name.jsonl
	"$BIN" --port 0 --log "$LOG" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	SIMPID=$!
	for i in $(seq 100); do
		grep -q '^bulkrun-sim listening on https\{0,1\}://127.0.0.1:[0-9]*$' \
		    "$TMP/$name.out" 2>/dev/null && break
		kill -0 "$SIMPID" 2>/dev/null || break
		sleep 0.05
	done
	B=$(sed -n 's|^bulkrun-sim listening on \(https\{0,1\}://127.0.0.1:[0-9]*\)$|\1|p' \
	    "$TMP/$name.out")
	if [ -z "$B" ]; then
		ko "$name: no listening line"
		cat "$TMP/$name.err"
		kill -TERM "$SIMPID" 2>/dev/null
		wait "$SIMPID"
		SIMPID=
		return 1
	fi
}

# stop: SIGTERM, expect exit status 0
stop() {
	local rc
	kill -TERM "$SIMPID"
	wait "$SIMPID"
	rc=$?
	SIMPID=
	[ "$rc" -eq 0 ] && ok || ko "exit status $rc after SIGTERM"
}

# req ARGS...: curl with headers in $TMP/h, body in $TMP/b, status in ST
req() {
	ST=$(timeout 20 curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@")
}

# check NAME STATUS BODY-SUBSTRING CURL-ARGS...: status, X-Request-Id and
# body (BODY-SUBSTRING "" checks nothing; "-" wants an empty body)
check() {
	local name=$1 want=$2 text=$3
	shift 3
	: >"$TMP/h"
	: >"$TMP/b"
	req "$@"
	if [ "$ST" != "$want" ]; then
		ko "$name: status $ST, want $want: $(head -c 300 "$TMP/b")"
		return
	fi
	if [ "$want" != 000 ] &&
	    ! grep -qiE '^X-Request-Id: [0-9a-f]{32}'$'\r''?$' "$TMP/h"; then
		ko "$name: no X-Request-Id"
		return
	fi
	if [ "$text" = - ]; then
		[ -s "$TMP/b" ] && { ko "$name: body not empty"; return; }
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$TMP/b"; then
		ko "$name: body lacks '$text': $(head -c 300 "$TMP/b")"
		return
	fi
	ok
}

# header NAME REGEX: the last answer carries a header matching it
header() {
	grep -qiE "^$2"$'\r''?$' "$TMP/h" && ok || ko "$1: no header /$2/"
}

# logged NAME FIXED-TEXT: some line of the request log contains it
logged() {
	grep -qF -- "$2" "$LOG" && ok || ko "$1: log lacks $2"
}

K=/v2/p1/kafka/instances/i1/connector/tasks
M=/v2/p1/instances/i1/connector/tasks
D=/v1/p1/jobs
R=/v2/p1/fdi/instances/i1/multi-tasks
C=/v1.0/p1/clusters
J=(-H 'Content-Type: application/json')

# --- bad usage --------------------------------------------------------------
timeout 5 "$BIN" --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "unknown option: exit status not 2"
timeout 5 "$BIN" --fail-rate 2 >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "bad --fail-rate: exit status not 2"
timeout 5 "$BIN" --version | grep -q '^bulkrun-sim ' && ok || ko "--version"

# --- routes, conventions, state ---------------------------------------------
cat >"$TMP/state.json" <<'EOF'
{
  "st-409": {"status": 409, "body": {"error_code": "CSS.0011",
             "error_msg": "busy"}, "headers": {"X-Extra": "yes"}, "times": 2},
  "st-html": {"status": 502, "body": "<b>down</b>",
              "headers": {"Content-Type": "text/html"}}
}
EOF
start main --seed 1 --threads 2 --state "$TMP/state.json" || die

check "kafka restart" 204 - -X PUT $B$K/t1/restart
check "kafka modify" 200 '"status":"RUNNING"' -X PUT "${J[@]}" \
    -d '{"topics":"topic-1","source_type":"KAFKA_REPLICATOR_SOURCE","source_task":{"task_num":3}}' \
    $B$M/t1
grep -qF '"id":"t1"' "$TMP/b" && grep -qF '"task_num":3' "$TMP/b" &&
    grep -qF '"topics":"topic-1"' "$TMP/b" && ok || ko "modify: task not echoed"
header "kafka modify" 'Content-Type: application/json'
check "kafka modify, no json type" 400 DMS.10240009 -X PUT -d '{}' $B$M/t1
check "kafka modify, broken json" 400 DMS.10240009 -X PUT "${J[@]}" \
    -d '{"topics":' $B$M/t1
check "kafka modify, array" 400 DMS.10240009 -X PUT "${J[@]}" -d '[]' $B$M/t1
check "dataarts restart" 204 - -X POST -H 'workspace: w1' $B$D/job1/instances/34765/restart
check "dataarts non-numeric id" 400 DLF.0002 -X POST $B$D/job1/instances/12a/restart
check "roma reset" 200 '{"message":"Reset Success"}' -X POST "${J[@]}" \
    -d '{"date_from":1630052714000}' $B$R/t1/reset
check "roma reset, no body" 200 'Reset Success' -X POST $B$R/t1/reset
check "roma reset, string date" 400 FDI.3001 -X POST "${J[@]}" \
    -d '{"date_from":"2026-11-21"}' $B$R/t1/reset
check "roma reset, fraction" 400 FDI.3001 -X POST "${J[@]}" \
    -d '{"date_from":1.5}' $B$R/t1/reset
check "css restart" 200 '{"jobId":["' -X POST $B$C/c1/restart
grep -qE '^\{"jobId":\["[0-9a-f]{32}"\]\}$' "$TMP/b" && ok || ko "css: jobId shape"
cp "$TMP/b" "$TMP/job1"
check "css restart again" 200 '{"jobId":["' -X POST $B$C/c1/restart
cmp -s "$TMP/b" "$TMP/job1" && ok || ko "css: jobId not derived from the id"
check "unknown path" 404 APIG.0101 $B/v3/nothing
check "wrong method" 405 APIG.0101 -X GET $B$C/c1/restart
header "wrong method" 'Allow: POST'
check "trailing slash" 404 APIG.0101 -X POST $B$C/c1/restart/
check "dot-dot segment" 404 APIG.0101 --path-as-is -X POST $B$C/../restart

check "kafka missing" 404 DMS.00404022 -X PUT $B$K/missing-1/restart
check "kafka modify missing" 404 DMS.00404022 -X PUT "${J[@]}" -d '{}' $B$M/missing-1
check "dataarts missing instance" 400 DLF.0137 -X POST $B$D/j/instances/missing-7/restart
check "dataarts missing job" 400 DLF.0137 -X POST $B$D/missing-j/instances/7/restart
check "roma missing" 404 FDI.3083 -X POST $B$R/missing-1/reset
check "roma empty" 400 FDI.3150 -X POST $B$R/empty-1/reset
check "css missing" 404 CSS.0015 -X POST $B$C/missing-1/restart
check "css bad" 400 CSS.0001 -X POST $B$C/bad-1/restart
check "kafka bad" 400 DMS.00400002 -X PUT $B$K/bad-1/restart
check "e500" 500 SYS.500 -X POST $B$C/e500-1/restart
check "e503" 503 '' -X POST $B$C/e503-1/restart
check "e503 again" 503 '' -X POST $B$C/e503-1/restart
check "flaky2 #1" 503 '' -X POST $B$C/flaky2-x/restart
check "flaky2 #2" 503 '' -X POST $B$C/flaky2-x/restart
check "flaky2 #3" 200 jobId -X POST $B$C/flaky2-x/restart
check "flaky2 other id" 503 '' -X POST $B$C/flaky2-y/restart
check "throttle1 #1" 429 APIG.0308 -X POST $B$R/throttle1-x/reset
header "throttle1" 'Retry-After: 1'
check "throttle1 #2" 200 'Reset Success' -X POST $B$R/throttle1-x/reset
check "dmsthrottle1 #1" 404 DMS.10240407 -X PUT $B$K/dmsthrottle1-x/restart
check "dmsthrottle1 #2" 204 - -X PUT $B$K/dmsthrottle1-x/restart
t0=$(date +%s%N)
check "slow400" 200 jobId -X POST $B$C/slow400-x/restart
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -ge 390 ] && ok || ko "slow400 answered after ${ms}ms"
check "slow + missing" 404 CSS.0015 -X POST $B$C/slow50-missing-x/restart
check "drop" 000 '' -X POST $B$C/drop-x/restart
check "garbage" 200 '{"jobId": [' -X POST $B$C/garbage-x/restart
header "garbage" 'Content-Type: application/json'
check "html" 502 '<html>' -X POST $B$C/html-x/restart
header "html" 'Content-Type: text/html'
check "huge" 500 SYS.500 -X POST $B$C/huge-x/restart
[ "$(wc -c <"$TMP/b")" -eq 3145728 ] && ok || ko "huge: not 3 MiB"
check "state #1" 409 CSS.0011 -X POST $B$C/st-409/restart
header "state headers" 'X-Extra: yes'
check "state #2" 409 CSS.0011 -X POST $B$C/st-409/restart
check "state spent" 200 jobId -X POST $B$C/st-409/restart
check "state text" 502 '<b>down</b>' -X POST $B$C/st-html/restart
header "state text" 'Content-Type: text/html'
head -c 1100000 /dev/zero | tr '\0' a >"$TMP/big"
check "body too large" 413 SYS.413 -X PUT "${J[@]}" --data-binary @"$TMP/big" $B$M/t1

# one segment with an encoded slash and dots: routed, and logged raw
check "encoded slash" 200 jobId --path-as-is -X POST "$B$C/a%2Fb..c/restart?x=1%202"
logged "raw path" '"path":"/v1.0/p1/clusters/a%2Fb..c/restart","query":"x=1%202"'
check "missing- with %2F" 404 CSS.0015 -X POST "$B$C/missing-a%2Fb/restart"
check "encoded dots" 200 jobId --path-as-is -X POST "$B$C/%2E%2E/restart"
logged "encoded dots" '"path":"/v1.0/p1/clusters/%2E%2E/restart"'
logged "dot-dot kept" '"path":"/v1.0/p1/clusters/../restart"'
logged "headers" '"workspace":"w1"'
logged "body" '"body":"{\"date_from\":1630052714000}"'
logged "dropped" '"status":0,'
logged "op" '"op":"roma.reset_multi_task"'
grep -c '"seq":' "$LOG" | grep -qx "$(grep -c '' "$LOG")" && ok ||
    ko "log: a line without seq"

# keep-alive: the second transfer reuses the connection
n=$(timeout 20 curl -s -o /dev/null -o /dev/null -w '%{num_connects} ' \
    -X POST $B$C/k1/restart $B$C/k2/restart)
[ "$n" = "1 0 " ] && ok || ko "keep-alive: connects '$n'"

# waits hold no thread: 6 x 1 s on 2 threads take about 1 s
t0=$(date +%s%N)
pids=
for i in 1 2 3 4 5 6; do
	timeout 20 curl -s -o /dev/null -X POST $B$C/slow1000-p$i/restart &
	pids="$pids $!"
done
wait $pids
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 2500 ] && ok || ko "6 parallel slow1000 took ${ms}ms"

# SIGTERM while an answer waits: it still goes out, exit 0
timeout 20 curl -s -o "$TMP/late" -w '%{http_code}' -X POST \
    $B$C/slow3000-late/restart >"$TMP/late.st" &
cpid=$!
sleep 0.5
stop
wait $cpid
[ "$(cat "$TMP/late.st")" = 200 ] && ok || ko "answer in flight lost at stop"

# --- global faults ----------------------------------------------------------
start fail --fail-rate 1 || die
check "fail-rate 1" 503 '' -X POST $B$C/c1/restart
stop
start drop --drop-rate 100% || die
check "drop-rate 1" 000 '' -X POST $B$C/c1/restart
stop
start garb --garbage-rate 1 || die
check "garbage-rate 1" 200 '{"jobId": [' -X PUT $B$K/t/restart
stop
start thr --throttle-rate 1 --retry-after 7 || die
check "throttle-rate, first" 200 jobId -X POST $B$C/c1/restart
check "throttle-rate, second" 429 APIG.0308 -X POST $B$C/c1/restart
header "throttle-rate" 'Retry-After: 7'
stop
start lat --latency 300:50 || die
t0=$(date +%s%N)
check "latency" 204 - -X PUT $B$K/t/restart
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -ge 290 ] && ok || ko "latency 300: answered after ${ms}ms"
stop
codes() {
	local i
	for i in $(seq 20); do
		timeout 10 curl -s -o /dev/null -w '%{http_code} ' -X POST \
		    $B$C/c$i/restart
	done
}
start seed1 --seed 99 --fail-rate 0.5 || die
a=$(codes)
stop
start seed2 --seed 99 --fail-rate 0.5 || die
b=$(codes)
stop
[ "$a" = "$b" ] && ok || ko "same seed, other faults: '$a' / '$b'"
case "$a" in *200*503*|*503*200*) ok ;; *) ko "fail-rate 0.5 gave '$a'" ;; esac

# --- read APIs and the state machine per resource ---------------------------
RT=/v2/p1/fdi/instances/i1/tasks
W=(-H 'workspace: w1')
# field NAME: the value of "NAME": in the last body (a number or a string)
field() {
	sed -n 's/.*"'"$1"'":"\{0,1\}\([^",}]*\).*/\1/p' "$TMP/b" | head -1
}
timeout 5 "$BIN" --restart-ms 5x >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "bad --restart-ms: exit status not 2"
timeout 5 "$BIN" --stale-ms -1 >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "bad --stale-ms: exit status not 2"
cat >"$TMP/rstate.json" <<'EOF2'
{"st-read": {"status": 202, "body": {"errCode": "CSS.0011"}, "on": "read", "times": 1}}
EOF2
# durations with wide margins: the machine may be busy
start reads --seed 5 --restart-ms 2000 --state "$TMP/rstate.json" || die
# healthy before any write
check "read kafka before" 200 '"status":"RUNNING"' $B$M/v1
grep -qF '"id":"v1"' "$TMP/b" && grep -qF '"create_time":' "$TMP/b" && ok ||
    ko "read kafka: task shape $(cat "$TMP/b")"
check "read dataarts before" 200 '"status":"success"' "${W[@]}" $B$D/j1/instances/11
grep -qF '"instanceId":11,' "$TMP/b" && ok || ko "read dataarts: instanceId"
old_start=$(field startTime)
check "read roma before" 200 '"execute_status":"RUNNING"' "$B$RT?task_id=v1&limit=10"
grep -qF '"total":1,' "$TMP/b" && grep -qF '"status":1,' "$TMP/b" && ok ||
    ko "read roma: shape $(cat "$TMP/b")"
check "read css before" 200 '"status":"200","actions":[]' $B$C/v1
grep -qF '"instances":[{' "$TMP/b" && ok || ko "read css: no instances"
# a write each, then in progress at once (no --stale-ms)
t0=$(date +%s%N)
check "write kafka" 204 - -X PUT $B$K/v1/restart
check "write dataarts" 204 - -X POST "${W[@]}" $B$D/j1/instances/11/restart
check "write roma" 200 Reset -X POST $B$R/v1/reset
check "write css" 200 jobId -X POST $B$C/v1/restart
check "read kafka after" 200 '"status":"RESTARTING"' $B$M/v1
check "read dataarts after" 200 '"status":"running"' "${W[@]}" $B$D/j1/instances/11
new_start=$(field startTime)
[ -n "$old_start" ] && [ "${new_start:-0}" -gt "$old_start" ] && ok ||
    ko "read dataarts: startTime $old_start -> $new_start"
check "read dataarts, other workspace" 400 DLF.0100 $B$D/j1/instances/11
check "read roma after" 200 '"execute_status":"WAITING"' "$B$RT?task_id=v1"
check "read css after" 200 '"status":"100","actions":["REBOOTING"]' $B$C/v1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 2000 ] || ko "reads took ${ms}ms: the in-progress checks prove nothing"
sleep 2.1
check "read kafka later" 200 '"status":"RUNNING"' $B$M/v1
check "read dataarts later" 200 '"status":"success"' "${W[@]}" $B$D/j1/instances/11
[ "$(field startTime)" = "$new_start" ] && ok || ko "read dataarts: startTime moved"
check "read roma later" 200 '"execute_status":"RUNNING"' "$B$RT?task_id=v1"
check "read css later" 200 '"status":"200","actions":[]' $B$C/v1
# kafka modify: the GET shows the fields last PUT
check "modify for read" 200 '"topics":"t-9"' -X PUT "${J[@]}" \
    -d '{"topics":"t-9","source_task":{"task_num":2}}' $B$M/v2
check "read modified" 200 '"topics":"t-9"' $B$M/v2
grep -qF '"task_num":2' "$TMP/b" && grep -qF '"status":"RESTARTING"' "$TMP/b" &&
    ok || ko "read modified: $(cat "$TMP/b")"
# each service's own failure, and a resource that never comes back
check "fail kafka" 204 - -X PUT $B$K/restart100-failverify-1/restart
check "fail dataarts" 204 - -X POST $B$D/restart100-failverify-j/instances/12/restart
check "fail roma" 200 Reset -X POST $B$R/restart100-failverify-1/reset
check "fail css" 200 jobId -X POST $B$C/restart100-failverify-1/restart
check "stuck css" 200 jobId -X POST $B$C/restart100-stuck-1/restart
check "fast css" 200 jobId -X POST $B$C/restart100-1/restart
check "slow css" 200 jobId -X POST $B$C/restart30000-1/restart
check "restart30000- in progress" 200 '"status":"100"' $B$C/restart30000-1
sleep 0.3
check "restart100- back" 200 '"status":"200"' $B$C/restart100-1
check "failed kafka" 200 '"status":"PAUSED"' $B$M/restart100-failverify-1
check "failed dataarts" 200 '"status":"fail"' $B$D/restart100-failverify-j/instances/12
check "failed roma" 200 '"status":0,"execute_status":"ERROR"' \
    "$B$RT?task_id=restart100-failverify-1"
check "failed css" 200 '"status":"303"' $B$C/restart100-failverify-1
grep -qF '"failedReason":{"errorCode":"CSS.6002"' "$TMP/b" && ok ||
    ko "failed css: no CSS.6002: $(cat "$TMP/b")"
check "stuck css later" 200 '"status":"100","actions":["REBOOTING"]' \
    $B$C/restart100-stuck-1
# before any write: busy-, failedbefore-
check "busy css" 200 '"status":"100"' $B$C/busy-1
check "busy dataarts" 200 '"status":"running"' $B$D/busy-j/instances/13
check "failedbefore kafka" 200 '"status":"PAUSED"' $B$M/failedbefore-1
check "failedbefore css" 200 '"status":"303"' $B$C/failedbefore-1
# gone, each service its own way
check "gone kafka" 404 DMS.00404022 $B$M/gone-1
check "gone dataarts" 400 DLF.0137 $B$D/gone-j/instances/14
check "gone roma" 200 '{"total":0,"size":0,"entities":[]}' "$B$RT?task_id=gone-1"
check "gone css" 403 '{"errCode":"CSS.0015",' $B$C/gone-1
check "gone css, write" 200 jobId -X POST $B$C/gone-1/restart
check "missing css" 403 '"errCode":"CSS.0015"' $B$C/missing-1
check "missing dataarts instance" 400 DLF.0137 $B$D/j/instances/missing-7
# a 2xx that carries an error; throttled reads, counted apart from writes
check "cssbusy1 #1" 202 '"errCode":"CSS.0011"' $B$C/cssbusy1-c
check "cssbusy1 #2" 200 '"status":"200"' $B$C/cssbusy1-c
check "throttle1 write" 429 APIG.0308 -X POST $B$C/throttle1-r/restart
check "throttle1 write again" 200 jobId -X POST $B$C/throttle1-r/restart
check "throttle1 read" 429 APIG.0308 $B$C/throttle1-r
check "throttle1 read again" 200 '"status":' $B$C/throttle1-r
check "dmsthrottle1 read" 404 DMS.10240407 $B$M/dmsthrottle1-r
check "dmsthrottle1 read again" 200 '"status":"RUNNING"' $B$M/dmsthrottle1-r
check "state on read" 202 CSS.0011 $B$C/st-read
check "state on read, spent" 200 '"status":"200"' $B$C/st-read
check "state on read, write" 200 jobId -X POST $B$C/st-read/restart
# routing of the reads
check "roma list without task_id" 400 FDI.3001 $B$RT
check "dataarts read, not a Long" 400 DLF.0002 $B$D/j1/instances/1x
check "kafka task, DELETE" 405 APIG.0101 -X DELETE $B$M/v1
header "kafka task, DELETE" 'Allow: GET, PUT'
check "css cluster, POST" 405 APIG.0101 -X POST $B$C/v1
header "css cluster, POST" 'Allow: GET'
logged "read op kafka" '"op":"kafka.show_connector_task"'
logged "read op dataarts" '"op":"dataarts.show_job_instance"'
logged "read op roma" '"query":"task_id=v1&limit=10"'
logged "read op roma" '"op":"roma.list_tasks"'
logged "read op css" '"op":"css.show_cluster"'
logged "read state" '"op":"css.show_cluster","state":"in_progress"'
logged "read state gone" '"status":403,"request_id":'
grep -qE '"status":403,"request_id":"[0-9a-f]{32}","op":"css.show_cluster","state":"gone"' "$LOG" &&
    ok || ko "read state gone: not logged"
logged "write restart_ms" '"op":"css.restart_cluster","restart_ms":2000'
logged "write restartMS-" '"restart_ms":100}'
grep -q '"status":429,.*"restart_ms"' "$LOG" && ko "a throttled write has restart_ms" || ok
stop

# the stale spell: right after a write the reads still show the old state
start stale --restart-ms 4000 --stale-ms 1500 || die
check "stale: kafka fields" 200 '"topics":"a"' -X PUT "${J[@]}" -d '{"topics":"a"}' $B$M/s1
check "stale: dataarts before" 200 '"status":"success"' $B$D/js/instances/21
old_start=$(field startTime)
check "stale: css write" 200 jobId -X POST $B$C/s1/restart
check "stale: kafka write" 200 '"topics":"b"' -X PUT "${J[@]}" -d '{"topics":"b"}' $B$M/s1
check "stale: dataarts write" 204 - -X POST $B$D/js/instances/21/restart
check "stale: css old" 200 '"status":"200","actions":[]' $B$C/s1
check "stale: kafka old fields" 200 '"topics":"a"' $B$M/s1
check "stale: dataarts old" 200 '"status":"success"' $B$D/js/instances/21
[ "$(field startTime)" = "$old_start" ] && ok || ko "stale: dataarts startTime moved"
sleep 1.6
check "stale over: css" 200 '"status":"100"' $B$C/s1
check "stale over: kafka" 200 '"topics":"b"' $B$M/s1
check "stale over: dataarts" 200 '"status":"running"' $B$D/js/instances/21
[ "$(field startTime)" -gt "$old_start" ] && ok || ko "stale over: startTime"
stop

# --- credentials ------------------------------------------------------------
start tok --token s3cret || die
check "token missing" 401 APIG.0307 -X POST $B$C/c1/restart
check "token wrong" 401 APIG.0307 -H 'X-Auth-Token: nope' -X POST $B$C/c1/restart
check "token right" 200 jobId -H 'X-Auth-Token: s3cret' -X POST $B$C/c1/restart
stop
# the first case of ../shared/signing/vectors.json (official Node SDK)
AK=QTWAOYTTINDUT2QVKYUC
SK=MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc
SIG=(-H 'Content-Type: application/json' -H 'X-Sdk-Date: 20191115T033655Z'
    -H 'Host: kafka.cn-north-4.myhuaweicloud.com'
    -H "Authorization: SDK-HMAC-SHA256 Access=$AK, SignedHeaders=content-type;host;x-sdk-date, Signature=7e8009ad3aefb91b0b3dbc8fbdbfb9889bc984b15a12424604f67f56c36cb280")
VP=/v2/0b1ad84b5a80d3412fe5c0109e2a5c3b/kafka/instances/9e4d5f6b-1c2a-4c77-9a0b-2b1f6e8a4c21/connector/tasks/a1b2c3d4-0000-4e11-8b22-33c4d5e6f708/restart
start sig --aksk "$AK:$SK" --max-skew 0 || die
check "signature ok" 204 - -X PUT "${SIG[@]}" $B$VP
check "signature, other body" 401 APIG.0301 -X PUT "${SIG[@]}" -d x $B$VP
check "signature, other path" 401 APIG.0301 -X PUT "${SIG[@]}" $B${VP/a1b2/a1b3}
check "no signature" 401 APIG.0301 -X PUT $B$VP
# vectors.json cases 2-4: a body, a workspace header, an X-Project-Id
P=0b1ad84b5a80d3412fe5c0109e2a5c3b
I=9e4d5f6b-1c2a-4c77-9a0b-2b1f6e8a4c21
T=a1b2c3d4-0000-4e11-8b22-33c4d5e6f708
A="SDK-HMAC-SHA256 Access=$AK, SignedHeaders"
check "signed modify" 200 '"task_name":"t1"' -X PUT \
    -H 'content-type: application/json' -H "X-Project-Id: $P" \
    -H 'X-Sdk-Date: 20261121T000000Z' \
    -H 'host: kafka.cn-north-4.myhuaweicloud.com' \
    -H "Authorization: $A=content-type;host;x-project-id;x-sdk-date, Signature=d236bd46d517a8d7b32d8be4b868ff0a0237af9cc0d181a1e38b8237822931f7" \
    --data-binary '{"task_name":"t1","topics":"a,b","source_task":{"task_num":3}}' \
    $B/v2/$P/instances/$I/connector/tasks/$T
check "signed dataarts" 204 - -X POST \
    -H 'Content-Type: application/json' \
    -H 'workspace: d1b1a4b5c6d7e8f90a1b2c3d4e5f6a7b' \
    -H 'X-Sdk-Date: 20261121T235959Z' \
    -H 'host: dayu-dlf.cn-north-4.myhuaweicloud.com' \
    -H "Authorization: $A=content-type;host;workspace;x-sdk-date, Signature=87ca50c08fe41f68b7c8d86d5f8952115555b17b0dcc236d9727e780fd36d8cc" \
    $B/v1/$P/jobs/job_daily-01/instances/1234567/restart
check "signed roma" 200 'Reset Success' -X POST \
    -H 'Content-Type: application/json' -H 'X-Sdk-Date: 20191115T033655Z' \
    -H 'host: roma.cn-north-4.myhuaweicloud.com' \
    -H "Authorization: $A=content-type;host;x-sdk-date, Signature=0f2146ea3f0aaff3f896f45272f5479045b16c4ce45e46086f5efe3e34b363bc" \
    --data-binary '{"date_from":1763683200000}' \
    $B/v2/$P/fdi/instances/$I/multi-tasks/$T/reset
check "signed roma, other date_from" 401 APIG.0301 -X POST \
    -H 'Content-Type: application/json' -H 'X-Sdk-Date: 20191115T033655Z' \
    -H 'host: roma.cn-north-4.myhuaweicloud.com' \
    -H "Authorization: $A=content-type;host;x-sdk-date, Signature=0f2146ea3f0aaff3f896f45272f5479045b16c4ce45e46086f5efe3e34b363bc" \
    --data-binary '{"date_from":1763683200001}' \
    $B/v2/$P/fdi/instances/$I/multi-tasks/$T/reset
stop
start skew --aksk "$AK:$SK" || die
check "signature too old" 401 'server clock' -X PUT "${SIG[@]}" $B$VP
grep -qF '"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information: x-sdk-date expired or invalid' "$TMP/b" &&
    ok || ko "signature too old: wording: $(cat "$TMP/b")"
stop
start badsig --aksk "$AK:$SK" --max-skew 0 || die
check "signature wrong" 401 '' -X PUT "${SIG[@]/Signature=7e80/Signature=7e81}" $B$VP
[ "$(cat "$TMP/b")" = '{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}' ] &&
    ok || ko "signature wrong: body $(cat "$TMP/b")"
stop

# --- IAM tokens (POST /v3/auth/tokens) --------------------------------------
timeout 5 "$BIN" --expire-tokens-after 2 >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "--expire-tokens-after without --iam-user: not 2"
timeout 5 "$BIN" --iam-user nopassword >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "--iam-user without a password: not 2"
timeout 5 "$BIN" --iam-user a:b --iam-token-ttl 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "--iam-token-ttl 0: not 2"

PW='pa:ss "w0rd'		# a colon and a quote in the password
PWJ='pa:ss \"w0rd'		# the same as a JSON string
IT=/v3/auth/tokens
# auth USER PASSWORD-AS-JSON SCOPE-JSON: a Keystone v3 password request body
auth() {
	printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","password":"%s","domain":{"name":"dom1"}}}},"scope":%s}}' \
	    "$1" "$2" "$3"
}
# subject: the X-Subject-Token of the last answer
subject() {
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/Ip' "$TMP/h"
}
start iam --iam-user "alice:$PW" --expire-tokens-after 3 --token fixed1 || die
check "iam: no token" 401 APIG.0307 -X POST $B$C/c1/restart
check "iam: issue" 201 '"methods":["password"]' -X POST "${J[@]}" \
    -d "$(auth alice "$PWJ" '{"project":{"id":"p1"}}')" $B$IT
header "iam: issue" 'X-Subject-Token: MII[0-9a-f]{64}'
T1=$(subject)
grep -qE '"expires_at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"' "$TMP/b" &&
    grep -qF '"project":{"id":"p1"' "$TMP/b" &&
    grep -qF '"name":"alice"' "$TMP/b" && ok || ko "iam: token body $(cat "$TMP/b")"
check "iam: issue by project name" 201 '"name":"cn-north-4"' -X POST \
    "${J[@]}" -d "$(auth alice "$PWJ" '{"project":{"name":"cn-north-4","domain":{"name":"dom1"}}}')" \
    "$B$IT?nocatalog=true"
T2=$(subject)
[ -n "$T1" ] && [ -n "$T2" ] && [ "$T1" != "$T2" ] && ok ||
    ko "iam: tokens not new: '$T1' '$T2'"
check "iam: wrong password" 401 '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}' \
    -X POST "${J[@]}" -d "$(auth alice 'pa:ss' '{"project":{"id":"p1"}}')" $B$IT
header "iam: wrong password" 'Content-Type: application/json'
grep -qi '^X-Subject-Token' "$TMP/h" && ko "iam: wrong password got a token" || ok
check "iam: wrong user" 401 '"code":401' -X POST "${J[@]}" \
    -d "$(auth bob "$PWJ" '{"project":{"id":"p1"}}')" $B$IT
check "iam: broken json" 400 '"code":400' -X POST "${J[@]}" \
    -d '{"auth":{"identity":' $B$IT
check "iam: no scope" 400 'scope' -X POST "${J[@]}" \
    -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice","password":"x","domain":{"name":"d"}}}}}}' $B$IT
check "iam: token method" 400 'methods' -X POST "${J[@]}" \
    -d '{"auth":{"identity":{"methods":["token"],"token":{"id":"x"}},"scope":{"project":{"id":"p1"}}}}' $B$IT
check "iam: not json type" 400 'Content-Type' -X POST \
    -d "$(auth alice "$PWJ" '{"project":{"id":"p1"}}')" $B$IT
check "iam: GET" 405 APIG.0101 $B$IT
header "iam: GET" 'Allow: POST'
# each issued token is good for 3 API requests, then APIG.0307
check "iam: token use 1" 200 jobId -H "X-Auth-Token: $T1" -X POST $B$C/c1/restart
check "iam: token use 2" 204 - -H "X-Auth-Token: $T1" -X PUT $B$K/t1/restart
check "iam: token use 3" 200 Reset -H "X-Auth-Token: $T1" -X POST $B$R/t1/reset
check "iam: token used up" 401 '{"error_code":"APIG.0307","error_msg":"The token must be updated."}' \
    -H "X-Auth-Token: $T1" -X POST $B$C/c1/restart
check "iam: still used up" 401 APIG.0307 -H "X-Auth-Token: $T1" -X POST $B$C/c1/restart
check "iam: other token" 200 jobId -H "X-Auth-Token: $T2" -X POST $B$C/c1/restart
check "iam: unknown token" 401 APIG.0307 -H "X-Auth-Token: ${T2%?}z" -X POST $B$C/c1/restart
check "iam: --token too" 200 jobId -H 'X-Auth-Token: fixed1' -X POST $B$C/c1/restart
check "iam: --token has no limit" 200 jobId -H 'X-Auth-Token: fixed1' -X POST $B$C/c1/restart
# 12 requests at once with a fresh token: exactly 3 get through
check "iam: issue for the race" 201 expires_at -X POST "${J[@]}" \
    -d "$(auth alice "$PWJ" '{"project":{"id":"p1"}}')" $B$IT
T5=$(subject)
pids=
for i in $(seq 12); do
	timeout 20 curl -s -o /dev/null -w '%{http_code}\n' -H "X-Auth-Token: $T5" \
	    -X POST $B$C/race$i/restart >"$TMP/race.$i" &
	pids="$pids $!"
done
wait $pids
n200=$(cat "$TMP"/race.* | grep -c '^200$')
n401=$(cat "$TMP"/race.* | grep -c '^401$')
[ "$n200" -eq 3 ] && [ "$n401" -eq 9 ] && ok ||
    ko "iam: 12 at once with a 3-use token: $n200 x 200, $n401 x 401"
stop
# the log holds the tokens as they were, and never the password
grep -qF 'w0rd' "$LOG" && ko "iam: the password is in the log" || ok
grep -qF 'pa:ss' "$LOG" && ko "iam: the wrong password is in the log" || ok
logged "iam: password masked" '\"password\":\"***\"'
logged "iam: op" '"op":"iam.create_token"'
logged "iam: issued token" "\"status\":201,\"request_id\":"
logged "iam: subject_token" "\"subject_token\":\"$T1\""
logged "iam: X-Auth-Token" "\"X-Auth-Token\":\"$T1\""
[ "$(grep -c '"subject_token"' "$LOG")" -eq 3 ] && ok ||
    ko "iam: subject_token not on exactly the 3 issuing lines"
logged "iam: methods kept" '\"methods\":[\"password\"]'

start iamttl --iam-user "alice:$PW" --iam-token-ttl 1 || die
check "iam ttl: issue" 201 expires_at -X POST "${J[@]}" \
    -d "$(auth alice "$PWJ" '{"project":{"id":"p1"}}')" $B$IT
T3=$(subject)
check "iam ttl: fresh" 200 jobId -H "X-Auth-Token: $T3" -X POST $B$C/c1/restart
sleep 1.2
check "iam ttl: expired" 401 APIG.0307 -H "X-Auth-Token: $T3" -X POST $B$C/c1/restart
stop

# --- TLS --------------------------------------------------------------------
PKI=$TMP/pki
mkdir -p "$PKI"
# a throw-away CA, and a certificate it signs for 127.0.0.1 and localhost
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.pem" -days 2 \
    -subj '/CN=bulkrun-sim smoke CA' >"$PKI/log" 2>&1 &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$PKI/srv.key" -out "$PKI/srv.csr" -subj '/CN=127.0.0.1' \
    >>"$PKI/log" 2>&1 &&
    printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
    'basicConstraints=critical,CA:FALSE' 'extendedKeyUsage=serverAuth' \
    >"$PKI/ext.cnf" &&
    openssl x509 -req -in "$PKI/srv.csr" -CA "$PKI/ca.pem" \
    -CAkey "$PKI/ca.key" -CAcreateserial -days 2 -extfile "$PKI/ext.cnf" \
    -out "$PKI/srv.pem" >>"$PKI/log" 2>&1; then
	ok
else
	ko "tls: openssl could not make the certificates"
	cat "$PKI/log"
fi
timeout 5 "$BIN" --tls "$PKI/srv.pem" >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "--tls without KEY: not 2"
timeout 5 "$BIN" --tls "$PKI/srv.pem" "$PKI/none.key" >/dev/null 2>&1
[ $? -eq 2 ] && ok || ko "--tls with a missing key file: not 2"
timeout 5 "$BIN" --tls "$PKI/srv.pem" "$PKI/ca.key" >/dev/null 2>"$TMP/tls.err"
[ $? -eq 2 ] && grep -q 'not the key' "$TMP/tls.err" && ok ||
    ko "--tls with the wrong key: $(cat "$TMP/tls.err")"
start tls --tls "$PKI/srv.pem" "$PKI/srv.key" --iam-user "alice:$PW" || die
case "$B" in https://127.0.0.1:*) ok ;; *) ko "tls: listening on '$B'" ;; esac
check "tls: no token" 401 APIG.0307 --cacert "$PKI/ca.pem" -X POST $B$C/c1/restart
check "tls: issue" 201 expires_at --cacert "$PKI/ca.pem" -X POST "${J[@]}" \
    -d "$(auth alice "$PWJ" '{"project":{"id":"p1"}}')" $B$IT
T4=$(subject)
check "tls: with the token" 200 jobId --cacert "$PKI/ca.pem" \
    -H "X-Auth-Token: $T4" -X POST $B$C/c1/restart
check "tls: localhost" 200 jobId --cacert "$PKI/ca.pem" \
    -H "X-Auth-Token: $T4" -X POST "https://localhost:${B##*:}$C/c2/restart"
check "tls: slow answer" 200 jobId --cacert "$PKI/ca.pem" \
    -H "X-Auth-Token: $T4" -X POST $B$C/slow200-c/restart
timeout 20 curl -s -o /dev/null -X POST $B$C/c1/restart
rc=$?
[ "$rc" -eq 60 ] && ok || ko "tls: curl without --cacert: exit $rc, want 60"
timeout 20 curl -s -o /dev/null -X POST "http://127.0.0.1:${B##*:}$C/c1/restart"
rc=$?
[ "$rc" -ne 0 ] && ok || ko "tls: plain HTTP was answered"
stop
logged "tls: log" '"op":"css.restart_cluster"'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
