#!/bin/sh
# check.sh - checks the files of contrib/ and how bulkrun runs under them.
#
#   tests/contrib/check.sh build        (make contrib-check)
#
#   units     systemd-analyze verify on contrib/systemd/ (ExecStart pointed
#             at the built binary): no error, no warning; and the
#             service's exposure by systemd-analyze security at most 2.0
#   harden    bulkrun under the service's main restrictions, emulated:
#             a read-only root (ProtectSystem=strict), a private /tmp
#             (PrivateTmp), an unprivileged user with no_new_privs and no
#             capabilities (User=, NoNewPrivileges, CapabilityBoundingSet=);
#             writable only the state directory and the textfile
#             directory (StateDirectory, ReadWritePaths): the run
#             succeeds and writes its report, lock, metrics and summary
#   syscalls  every system call of a run (strace -f) is in the service's
#             SystemCallFilter, none in the groups it denies
#   k8s       contrib/kubernetes/ parsed with python3-yaml and its pieces
#             checked against each other (tests/contrib/k8s_check.py)
#
# A check whose tool is missing (systemd-analyze, unshare, strace,
# python3-yaml)
# is skipped and said so.  Last line: "N passed, N failed, N skipped".
set -u

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/$BUILD/bulkrun
SIM=$ROOT/$BUILD/bulkrun-sim
PASS=0 FAIL=0 SKIP=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bulkrun-contrib.XXXXXX") || exit 2
SIMPID=
W=

cleanup() {
	[ -n "$SIMPID" ] && kill "$SIMPID" 2>/dev/null
	rm -rf "$TMP"
	[ -n "$W" ] && rm -rf "$W"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok: $1"; }
no() { FAIL=$((FAIL + 1)); echo "FAIL: $1"; }
skip() { SKIP=$((SKIP + 1)); echo "skip: $1"; }

check_units() {
	if ! command -v systemd-analyze >/dev/null 2>&1; then
		skip "units: no systemd-analyze (Debian package systemd)"
		return
	fi
	mkdir -p "$TMP/units"
	sed "s|/usr/local/bin/bulkrun|$BIN|" \
	    "$ROOT/contrib/systemd/bulkrun-nightly.service" \
	    >"$TMP/units/bulkrun-nightly.service"
	cp "$ROOT/contrib/systemd/bulkrun-nightly.timer" "$TMP/units/"
	if out=$(cd "$TMP/units" && systemd-analyze verify \
	    ./bulkrun-nightly.service ./bulkrun-nightly.timer 2>&1) &&
	    [ -z "$out" ]; then
		ok "units: systemd-analyze verify"
	else
		no "units: systemd-analyze verify: $out"
	fi
	if ! out=$(cd "$TMP/units" && systemd-analyze security --offline=true \
	    ./bulkrun-nightly.service 2>&1); then
		skip "units: systemd-analyze security --offline (too old)"
		return
	fi
	level=$(printf '%s\n' "$out" | sed -n 's/.*exposure level for .*: \([0-9.]*\) .*/\1/p')
	if [ -n "$level" ] && awk "BEGIN { exit !($level <= 2.0) }"; then
		ok "units: exposure $level"
	else
		no "units: exposure '$level' (want at most 2.0)"
	fi
}

# The simulator on a free port (once); sets URL.
start_sim() {
	[ -n "$SIMPID" ] && return 0
	"$SIM" --port 0 --log "$TMP/sim.jsonl" >"$TMP/sim.out" 2>&1 &
	SIMPID=$!
	i=0
	while ! grep -q '127.0.0.1:' "$TMP/sim.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
	URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$TMP/sim.out" | head -1)
}

check_harden() {
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 ||
	    ! command -v setpriv >/dev/null 2>&1 ||
	    ! unshare -m true 2>/dev/null; then
		skip "harden: needs root, unshare -m and setpriv"
		return
	fi
	start_sim || { no "harden: the simulator did not start"; return; }
	# outside /tmp, which becomes private; the parent traversable
	W=$(mktemp -d /var/tmp/bulkrun-harden.XXXXXX) && chmod 755 "$W"
	mkdir "$W/state" "$W/textfile" "$W/etc"
	# the binary too: the checkout may be under /tmp (private below) or
	# under a home nobody cannot enter
	cp "$BIN" "$W/bulkrun" && chmod 755 "$W/bulkrun"
	chown nobody "$W/state" "$W/textfile"
	chmod 750 "$W/state"
	printf 'op,project_id,cluster_id\ncss.restart_cluster,p1,c1\ncss.restart_cluster,p1,c2\n' \
	    >"$W/etc/nightly.csv"
	chmod 644 "$W/etc/nightly.csv"
	unshare -m --propagation private sh -c '
		set -e
		mount --bind / / && mount -o remount,bind,ro /
		for d in "$1/state" "$1/textfile"; do
			mount --bind "$d" "$d" && mount -o remount,bind,rw "$d"
		done
		mount -t tmpfs -o mode=1777 tmpfs /tmp
		if touch /etc/bulkrun-harden-probe 2>/dev/null; then
			echo "the root is still writable"; exit 99
		fi
		cd "$1/state"
		exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
		    --no-new-privs --inh-caps=-all --bounding-set=-all \
		    env BULKRUN_AUTH_TOKEN=t "$2" run "$1/etc/nightly.csv" \
		    --endpoint "$3" -q --progress never \
		    --lock "$1/state/nightly.lock" \
		    --metrics "$1/textfile/bulkrun-nightly.prom" \
		    --summary-json "$1/state/last-summary.json"
	' sh "$W" "$W/bulkrun" "$URL" >"$TMP/harden.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ls "$W"/state/reports/nightly-*.csv >/dev/null 2>&1 &&
	    [ -f "$W/state/nightly.lock" ] && [ -f "$W/state/last-summary.json" ] &&
	    grep -q '^bulkrun_last_run_success{manifest="nightly.csv"} 1$' \
	    "$W/textfile/bulkrun-nightly.prom" &&
	    [ "$(grep -c '"method"' "$TMP/sim.jsonl")" -eq 2 ]; then
		ok "harden: read-only root, private /tmp, nobody, no_new_privs"
	else
		no "harden: exit $rc: $(cat "$TMP/harden.out")"
	fi
}

# The system calls of group G, its nested groups expanded.
syscalls_of() {
	systemd-analyze syscall-filter "$1" |
	    awk 'NR > 1 && /^    [@a-z_0-9]/ { print $1 }' |
	    while read -r x; do
		case $x in @*) syscalls_of "$x" ;; *) echo "$x" ;; esac
	    done
}

# SystemCallFilter=@system-service ~@privileged @resources: every system
# call a run makes (strace -f) is allowed, none denied (a denied one
# kills the service with SIGSYS).
check_syscalls() {
	if ! command -v strace >/dev/null 2>&1 ||
	    ! command -v systemd-analyze >/dev/null 2>&1; then
		skip "syscalls: needs strace and systemd-analyze"
		return
	fi
	start_sim || { no "syscalls: the simulator did not start"; return; }
	printf 'op,project_id,cluster_id\ncss.restart_cluster,p1,c1\ncss.restart_cluster,p1,flaky1-c2\n' \
	    >"$TMP/s.csv"
	if ! (cd "$TMP" && BULKRUN_AUTH_TOKEN=t strace -f -qq -c -o strace.txt \
	    "$BIN" run s.csv --endpoint "$URL" -q --backoff 10ms \
	    --lock s.lock --metrics s.prom --summary-json s.json -o s.out.csv \
	    >/dev/null 2>&1); then
		no "syscalls: the run under strace failed"
		return
	fi
	awk 'NR > 2 && $NF ~ /^[a-z_0-9]+$/ && $NF != "total" { print $NF }' \
	    "$TMP/strace.txt" | sort -u >"$TMP/used"
	syscalls_of @system-service | sort -u >"$TMP/allowed"
	{ syscalls_of @privileged; syscalls_of @resources; } | sort -u \
	    >"$TMP/denied"
	bad=$(comm -23 "$TMP/used" "$TMP/allowed"; comm -12 "$TMP/used" \
	    "$TMP/denied")
	if [ -s "$TMP/used" ] && [ -z "$bad" ]; then
		ok "syscalls: $(wc -l <"$TMP/used") used, all in the filter"
	else
		no "syscalls: outside SystemCallFilter: $bad"
	fi
}

check_k8s() {
	if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
		skip "k8s: no /usr/bin/python3 with yaml (Debian python3-yaml)"
		return
	fi
	if out=$(/usr/bin/python3 "$ROOT/tests/contrib/k8s_check.py" \
	    "$ROOT/contrib/kubernetes/bulkrun-cronjob.yaml" 2>&1); then
		ok "k8s: bulkrun-cronjob.yaml"
	else
		no "k8s: $out"
	fi
}

check_units
check_harden
check_syscalls
check_k8s
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ $FAIL -eq 0 ]
