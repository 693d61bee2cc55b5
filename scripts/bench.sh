#!/bin/bash
# scripts/bench.sh - bulkrun's performance benchmark.
#
# Builds bulkrun, starts nginx on 127.0.0.1 with its own configuration in a
# temporary directory (one server answering every request at once with 200
# '{}', one answering after 20 ms through the echo module), and measures:
#
#  (a) N css.restart_cluster rows against the fast server, run by bulkrun
#      (--rate unlimited, -j 8 and -j 64), by curl --parallel --parallel-max 64
#      -K with the same requests, by xargs -P 64 with one curl per row, and
#      by the ceiling: scripts/barepool.c, a bare libcurl pool (64 threads,
#      one kept-alive handle each, the same requests, no report), against
#      which bulkrun -j 64's wall time is printed as a ratio; and
#      barepool -t 2, the same 64 handles driven by two threads through
#      libcurl multi handles as bulkrun drives its own (on a machine with
#      few cores the tighter ceiling: 64 blocking threads pay a context
#      switch a request);
#  (b) SLOW_N rows at -j 64 against the 20 ms server, against the ideal
#      SLOW_N * 20 ms / 64;
#  (c) peak RSS of bulkrun on a MEM_SMALL- and a MEM_BIG-row manifest, and
#      bulkrun merge of the MEM_BIG-row report cut into three shuffled shards;
#  (d) rate precision: RATE_N rows at --rate 200/s (burst 1, -j 16), 3 x
#      RATE_N at 1000/s, and RATE_N / 2 at --rate unlimited --rate
#      css=100/s, against bulkrun-sim's request log: the span from the first
#      request to the last against the ideal (rows - 1) / rate, and the
#      busiest one-second window against rate + burst.  The end-to-end
#      tests only check these loosely (a busy machine moves them); the
#      limiter's exact schedule is proven in tests/test_ratelimit.c;
#  (e) mixed services against bulkrun-sim's request log: MIX_CSS rows at
#      css=4/s, then MIX_KAFKA at kafka=1000/s, then MIX_ROMA at roma=200/s
#      (grouped by service, as a sheet sorted by operation; --rate unlimited
#      otherwise, -j 16): the makespan, first request to last, against the
#      ideal max over services of rows / rate, and when each service's last
#      request came against its own rows / rate.
#
# Each command is measured with /usr/bin/time (wall, user+sys CPU, peak RSS).
# The targets are printed next to the figures, not enforced: exit 0 unless
# the benchmark itself could not run.
#
# Environment (defaults in brackets):
#   N [20000]         rows of (a)
#   XARGS_N [2000]    rows of the xargs+curl run of (a) (about 300 rows/s)
#   SLOW_N [5000]     rows of (b)
#   MEM_SMALL [10000], MEM_BIG [1000000]   rows of (c)
#   RATE_N [1000]     rows of (d) at 200/s
#   MIX_CSS [20], MIX_KAFKA [2000], MIX_ROMA [600]   rows of (e)
#   REPEAT [3]        runs of each command in (a) and (b); the median (by
#                     wall time) is printed
#   BENCH_QUICK=1     N=2000 XARGS_N=500 MEM_BIG=100000 REPEAT=1
#   BENCH_SLOW=sim    use bulkrun-sim --latency 20 as the 20 ms server
#   BULKRUN, BULKRUN_SIM   binaries to measure (default: build them)
#   BAREPOOL          the ceiling of (a) (default: make bench-tools)
#   BENCH_KEEP=1      keep the temporary directory
set -u
export LC_ALL=C	# '.' decimal point in EPOCHREALTIME and printf
cd "$(dirname "$0")/.." || exit 1

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${N:=2000}" "${XARGS_N:=500}" "${MEM_BIG:=100000}" "${REPEAT:=1}"
	: "${RATE_N:=400}"
fi
N=${N:-20000}
XARGS_N=${XARGS_N:-2000}
SLOW_N=${SLOW_N:-5000}
MEM_SMALL=${MEM_SMALL:-10000}
MEM_BIG=${MEM_BIG:-1000000}
REPEAT=${REPEAT:-3}
RATE_N=${RATE_N:-1000}
MIX_CSS=${MIX_CSS:-20}
MIX_KAFKA=${MIX_KAFKA:-2000}
MIX_ROMA=${MIX_ROMA:-600}
SLOW_MS=20
SLOW_S=$(awk -v ms="$SLOW_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
JOBS_SLOW=64
for v in N XARGS_N SLOW_N MEM_SMALL MEM_BIG REPEAT RATE_N MIX_CSS MIX_KAFKA \
    MIX_ROMA; do
	case ${!v} in
	'' | *[!0-9]* | 0) echo "bench: $v must be a positive integer" >&2; exit 2 ;;
	esac
done
[ "$XARGS_N" -gt "$N" ] && XARGS_N=$N
PROJECT=6204a5bd270343b5885144cf9c8c158d

note() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- tools -------------------------------------------------------------

apt_install() {
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
		    >/dev/null 2>&1 ||
		    { apt-get update -q >/dev/null 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    "$@" >/dev/null 2>&1; }
	elif command -v sudo >/dev/null 2>&1; then
		sudo -n apt-get install -y -q "$@" >/dev/null 2>&1
	else
		return 1
	fi
}

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
	note "note: installing nginx-light"
	apt_install nginx-light || die "nginx is missing and could not be installed"
fi
[ -x /usr/bin/time ] || { note "note: installing time"; apt_install time; } ||
    die "/usr/bin/time is missing and could not be installed"
command -v curl >/dev/null 2>&1 || { note "note: installing curl"; apt_install curl; } ||
    die "curl is missing and could not be installed"
ECHO_SO=/usr/lib/nginx/modules/ngx_http_echo_module.so
if [ "${BENCH_SLOW:-}" != sim ] && [ ! -f "$ECHO_SO" ]; then
	note "note: installing libnginx-mod-http-echo"
	apt_install libnginx-mod-http-echo || true
fi

if [ -z "${BULKRUN:-}" ]; then
	make -s build/bulkrun >/dev/null || die "make build/bulkrun failed"
	BULKRUN=build/bulkrun
fi
SLOW_KIND=nginx
if [ "${BENCH_SLOW:-}" = sim ] || [ ! -f "$ECHO_SO" ]; then
	SLOW_KIND=sim
fi
if [ -z "${BULKRUN_SIM:-}" ]; then	# (d) reads its request log
	make -s build/bulkrun-sim >/dev/null ||
	    die "make build/bulkrun-sim failed"
	BULKRUN_SIM=build/bulkrun-sim
fi
if [ -z "${BAREPOOL:-}" ]; then	# the ceiling of (a)
	make -s bench-tools >/dev/null || die "make bench-tools failed"
	BAREPOOL=build/barepool
fi

# --- temporary directory, cleanup ----------------------------------------

T=$(mktemp -d /tmp/bulkrun-bench.XXXXXX) || die "mktemp failed"
NGINX_PID=
SIM_PID=
RSIM_PID=
# shellcheck disable=SC2317	# called from the EXIT trap
cleanup() {
	if [ -n "$NGINX_PID" ]; then
		kill -TERM "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
	fi
	if [ -n "$SIM_PID" ]; then
		kill -TERM "$SIM_PID" 2>/dev/null
		wait "$SIM_PID" 2>/dev/null
	fi
	if [ -n "$RSIM_PID" ]; then
		kill -TERM "$RSIM_PID" 2>/dev/null
		wait "$RSIM_PID" 2>/dev/null
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: interrupted" >&2; exit 143' TERM

# --- nginx ---------------------------------------------------------------

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		port_busy "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# nginx.conf for ports $1 (fast) and $2 (slow, or 0 for none)
nginx_conf() {
	local d=$T/nginx
	if [ "$2" != 0 ]; then echo "load_module $ECHO_SO;"; fi
	cat <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	keepalive_requests 100000;
	keepalive_timeout 60s;
	default_type application/json;
	server {
		listen 127.0.0.1:$1;
		location / { return 200 '{}'; }
	}
EOF
	if [ "$2" != 0 ]; then
		cat <<EOF
	server {
		listen 127.0.0.1:$2;
		location / { echo_sleep $SLOW_S; echo -n '{}'; }
	}
EOF
	fi
	echo "}"
}

http_ok() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --max-time 2 \
	    "$1/v1.0/$PROJECT/clusters/probe/restart")" = 200 ]
}

# Starts nginx (as nobody when run as root); sets FAST_URL, SLOW_URL.
start_nginx() {
	local fp sp slow_port
	mkdir -p "$T/nginx" || return 1
	if [ "$(id -u)" = 0 ]; then
		chmod 711 "$T"
		chown nobody "$T/nginx" || return 1
	fi
	for _ in 1 2 3 4 5; do
		fp=$(free_port) || return 1
		slow_port=0
		if [ "$SLOW_KIND" = nginx ]; then
			sp=$(free_port) || return 1
			[ "$sp" = "$fp" ] && continue
			slow_port=$sp
		fi
		nginx_conf "$fp" "$slow_port" >"$T/nginx/nginx.conf"
		chmod 644 "$T/nginx/nginx.conf"
		if [ "$(id -u)" = 0 ]; then
			setpriv --reuid=nobody --regid="$(id -g nobody)" \
			    --clear-groups "$NGINX" -e "$T/nginx/error.log" \
			    -p "$T/nginx" -c "$T/nginx/nginx.conf" \
			    >>"$T/nginx/out.log" 2>&1 &
		else
			"$NGINX" -e "$T/nginx/error.log" -p "$T/nginx" \
			    -c "$T/nginx/nginx.conf" >>"$T/nginx/out.log" 2>&1 &
		fi
		NGINX_PID=$!
		for _ in $(seq 1 100); do
			kill -0 "$NGINX_PID" 2>/dev/null || break
			if http_ok "http://127.0.0.1:$fp" && { [ "$slow_port" = 0 ] ||
			    http_ok "http://127.0.0.1:$slow_port"; }; then
				FAST_URL=http://127.0.0.1:$fp
				SLOW_URL=http://127.0.0.1:$slow_port
				return 0
			fi
			sleep 0.05
		done
		kill -TERM "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=
	done
	sed 's/^/  nginx: /' "$T/nginx/error.log" "$T/nginx/out.log" >&2 2>/dev/null
	return 1
}

start_sim() {
	"$BULKRUN_SIM" --port 0 --threads 64 --latency "$SLOW_MS" \
	    >"$T/sim.out" 2>"$T/sim.err" &
	SIM_PID=$!
	for _ in $(seq 1 100); do
		SLOW_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' \
		    "$T/sim.out")
		[ -n "$SLOW_URL" ] && return 0
		kill -0 "$SIM_PID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

start_nginx || die "nginx did not start"
if [ "$SLOW_KIND" = sim ]; then
	start_sim || die "bulkrun-sim did not start"
fi

# --- manifests and request lists -----------------------------------------

manifest() {	# rows file
	awk -v n="$1" -v p="$PROJECT" 'BEGIN {
		print "op,project_id,cluster_id"
		for (i = 1; i <= n; i++)
			printf "css.restart_cluster,%s,c%08d\n", p, i
	}' >"$2"
}

# curl -K config: one url and output per row; -X POST and the Accept header
# bulkrun sends are given once on the command line, for every URL.
curl_config() {	# manifest url out
	awk -F, -v u="$2" 'NR > 1 {
		printf "url = \"%s/v1.0/%s/clusters/%s/restart\"\n", u, $2, $3
		print "output = \"/dev/null\""
	}' "$1" >"$3"
}

url_list() {	# manifest url rows out
	awk -F, -v u="$2" -v n="$3" 'NR > 1 && NR <= n + 1 {
		printf "%s/v1.0/%s/clusters/%s/restart\n", u, $2, $3
	}' "$1" >"$4"
}

MAX_ROWS=$N
[ "$SLOW_N" -gt "$MAX_ROWS" ] && MAX_ROWS=$SLOW_N
[ "$MEM_SMALL" -gt "$MAX_ROWS" ] && MAX_ROWS=$MEM_SMALL
manifest "$MAX_ROWS" "$T/all.csv"
head -n $((N + 1)) "$T/all.csv" >"$T/m-fast.csv"
head -n $((SLOW_N + 1)) "$T/all.csv" >"$T/m-slow.csv"
head -n $((MEM_SMALL + 1)) "$T/all.csv" >"$T/m-small.csv"
rm -f "$T/all.csv"
curl_config "$T/m-fast.csv" "$FAST_URL" "$T/curl-fast.cfg"
curl_config "$T/m-slow.csv" "$SLOW_URL" "$T/curl-slow.cfg"
url_list "$T/m-fast.csv" "$FAST_URL" "$XARGS_N" "$T/xargs-urls.txt"

# --- measuring -------------------------------------------------------------

# measure NAME CMD...: appends "wall cpu rss_kib rc" to $T/NAME.runs.
# CPU (user + sys, children included) and peak RSS come from /usr/bin/time;
# the wall time too, but to the millisecond, from bash's EPOCHREALTIME
# around it (time's %e has 10 ms steps, too coarse for a 0.5 s run).
measure() {
	local name=$1 rc t0 t1
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -o "$T/time.out" -f '%e %U %S %M' "$@"
	rc=$?
	t1=$EPOCHREALTIME
	tail -n 1 "$T/time.out" | awk -v rc="$rc" -v t0="$t0" -v t1="$t1" '{
		w = t1 - t0
		if (w <= 0) w = $1
		printf "%.3f %.2f %d %d\n", w, $2 + $3, $4, rc }' \
	    >>"$T/$name.runs"
	# Interrupted (^C reaches the whole process group): bash does not run
	# its INT trap when the child exits 130 itself, so stop here.
	case $rc in
	129 | 130 | 131 | 143) echo "bench: interrupted" >&2; exit "$rc" ;;
	esac
	return "$rc"
}

# median NAME: the run with the median wall time, "wall cpu rss rc"
median() {
	sort -n -k1,1 "$T/$1.runs" | awk '{ l[NR] = $0 }
	    END { print l[int((NR + 1) / 2)] }'
}

# check_report NAME ROWS: the last report has ROWS rows, all succeeded
check_report() {
	local got ok
	got=$(($(wc -l <"$T/report.csv") - 1))
	ok=$(grep -c ',succeeded,' "$T/report.csv")
	if [ "$got" -ne "$2" ] || [ "$ok" -ne "$2" ]; then
		note "WARNING: $1: report has $got rows, $ok succeeded; expected $2"
	fi
	mv -f "$T/report.csv" "$T/last-report.csv"	# (c) merges the last
}

# check_codes NAME ROWS: curl wrote ROWS status lines, all 200
check_codes() {
	local got ok
	got=$(wc -l <"$T/codes.txt")
	ok=$(grep -c '^200$' "$T/codes.txt")
	if [ "$got" -ne "$2" ] || [ "$ok" -ne "$2" ]; then
		note "WARNING: $1: $got answers, $ok with status 200; expected $2"
	fi
	rm -f "$T/codes.txt"
}

run_bulkrun() {	# NAME MANIFEST URL JOBS ROWS
	local rc
	measure "$1" "$BULKRUN" run "$2" --endpoint "$3" --rate unlimited \
	    -j "$4" -q -o "$T/report.csv" --retries 0 2>"$T/bulkrun.err"
	rc=$?
	[ "$rc" -ne 0 ] && note "WARNING: $1: bulkrun exited $rc:" \
	    "$(head -c 300 "$T/bulkrun.err")"
	check_report "$1" "$5"
}

run_curl() {	# NAME CONFIG ROWS
	measure "$1" curl --parallel --parallel-max 64 --no-progress-meter \
	    -X POST -H 'Accept: application/json' -w '%{http_code}\n' \
	    -K "$2" >"$T/codes.txt" 2>"$T/curl.err" ||
	    note "WARNING: $1: curl failed: $(head -c 300 "$T/curl.err")"
	check_codes "$1" "$3"
}

run_barepool() {	# NAME URL ROWS [-t THREADS]
	local name=$1 url=$2 rows=$3
	shift 3
	measure "$name" "$BAREPOOL" -j 64 -n "$rows" "$@" "$url" "$PROJECT" \
	    2>"$T/barepool.err" ||
	    note "WARNING: $name: $(head -c 300 "$T/barepool.err")"
}

run_xargs() {	# NAME URLS ROWS
	: >"$T/codes.txt"
	measure "$1" xargs -P 64 -n 1 curl -s -o /dev/null -X POST \
	    -H 'Accept: application/json' -w '%{http_code}\n' \
	    <"$2" >>"$T/codes.txt" ||
	    note "WARNING: $1: xargs or a curl failed"
	check_codes "$1" "$3"
}

row() {	# NAME ROWS
	median "$1" | awk -v name="$1" -v rows="$2" '{
		printf "%-22s %9d %8.3f %7.2f %10.1f %9.0f\n", name, rows,
		    $1, $2, $3 / 1024, ($1 > 0 ? rows / $1 : 0) }'
}

rate() {	# NAME ROWS -> rows/s of the median run
	median "$1" | awk -v rows="$2" '{ printf "%.1f", ($1 > 0 ? rows / $1 : 0) }'
}

header() {
	printf '%-22s %9s %8s %7s %10s %9s\n' name rows "wall s" "CPU s" \
	    "RSS MiB" "rows/s"
}

# --- report ---------------------------------------------------------------

note "bulkrun benchmark: $("$BULKRUN" --version 2>/dev/null | head -n 1)," \
    "$(nproc) cores, $("$NGINX" -v 2>&1 | sed 's/.*version: //')," \
    "$(curl --version | head -n 1 | cut -d' ' -f1-2)"
note "fast server: nginx $FAST_URL (return 200 '{}', 1 worker, same cores)"
if [ "$SLOW_KIND" = nginx ]; then
	note "slow server: nginx $SLOW_URL (echo_sleep $SLOW_S)"
else
	why="nginx echo module not available"
	[ "${BENCH_SLOW:-}" = sim ] && why="BENCH_SLOW=sim"
	note "slow server: bulkrun-sim --latency $SLOW_MS at $SLOW_URL ($why)"
fi
note "figures: median of $REPEAT run(s) by wall time; CPU = user + sys"
note ""

# (a)
note "(a) $N fast rows, --rate unlimited --retries 0, report written"
for _ in $(seq 1 "$REPEAT"); do
	run_bulkrun bulkrun-j8 "$T/m-fast.csv" "$FAST_URL" 8 "$N"
	run_bulkrun bulkrun-j64 "$T/m-fast.csv" "$FAST_URL" 64 "$N"
	run_curl curl-parallel "$T/curl-fast.cfg" "$N"
	run_barepool barepool-j64 "$FAST_URL" "$N"
	run_barepool barepool-multi "$FAST_URL" "$N" -t 2
done
run_xargs xargs-curl "$T/xargs-urls.txt" "$XARGS_N"
header
row bulkrun-j8 "$N"
row bulkrun-j64 "$N"
row curl-parallel "$N"
row barepool-j64 "$N"
row barepool-multi "$N"
row xargs-curl "$XARGS_N"
[ "$XARGS_N" -lt "$N" ] &&
    note "note: xargs+curl ran $XARGS_N rows only (one curl process per row)"
awk -v b="$(rate bulkrun-j64 "$N")" -v b8="$(rate bulkrun-j8 "$N")" \
    -v c="$(rate curl-parallel "$N")" 'BEGIN {
	printf "ratio bulkrun(-j64)/curl throughput: %.2f (target >= 1.5)" \
	    "; -j8: %.2f\n", (c > 0 ? b / c : 0), (c > 0 ? b8 / c : 0) }'
# CPU time moves less than wall time when the machine is shared
awk -v b="$(median bulkrun-j64)" -v p="$(median barepool-j64)" \
    -v m="$(median barepool-multi)" 'BEGIN {
	split(b, B, " "); split(p, P, " "); split(m, M, " ")
	printf "ratio bulkrun(-j64)/barepool wall time: %.2f (target <= 1.10;" \
	    " barepool: 64 threads, one kept-alive libcurl handle each, the" \
	    " same requests, no report), CPU %.2f; /barepool-multi (64" \
	    " handles, 2 threads, multi handles): wall %.2f, CPU %.2f\n",
	    (P[1] > 0 ? B[1] / P[1] : 0), (P[2] > 0 ? B[2] / P[2] : 0),
	    (M[1] > 0 ? B[1] / M[1] : 0), (M[2] > 0 ? B[2] / M[2] : 0) }'
note ""

# (b)
note "(b) $SLOW_N rows at -j $JOBS_SLOW against a server answering in $SLOW_MS ms"
lat=
for _ in $(seq 1 "$REPEAT"); do
	measure bulkrun-slow "$BULKRUN" run "$T/m-slow.csv" --endpoint \
	    "$SLOW_URL" --rate unlimited -j "$JOBS_SLOW" -q \
	    -o "$T/report.csv" --retries 0 2>"$T/bulkrun.err" ||
	    note "WARNING: bulkrun-slow: bulkrun exited $?"
	# the server's latency as bulkrun saw it: mean elapsed_ms of the rows
	lat="$lat $(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    $c["outcome"] == "succeeded" { s += $c["elapsed_ms"]; n++ }
	    END { printf "%.2f", (n ? s / n : 0) }' "$T/report.csv")"
	check_report bulkrun-slow "$SLOW_N"
	run_curl curl-parallel-slow "$T/curl-slow.cfg" "$SLOW_N"
done
header
row bulkrun-slow "$SLOW_N"
row curl-parallel-slow "$SLOW_N"
median bulkrun-slow | awk -v n="$SLOW_N" -v ms="$SLOW_MS" -v j="$JOBS_SLOW" \
    -v lat="$lat" -v c="$(median curl-parallel-slow | cut -d' ' -f1)" '{
	ideal = n * ms / 1000 / j
	k = split(lat, l, " "); m = 0
	for (i = 1; i <= k; i++) m += l[i]
	m = (k ? m / k : 0)
	printf "wall %.3f s, ideal %d x %d ms / %d = %.4f s: ratio %.3f" \
	    " (target <= 1.05)\n", $1, n, ms, j, ideal, $1 / ideal
	printf "note: the server answered in %.2f ms on average (bulkrun'"'"'s" \
	    " elapsed_ms); ideal at that latency %.3f s, ratio %.3f;" \
	    " curl --parallel: %.3f s\n", m, n * m / 1000 / j,
	    (m > 0 ? $1 / (n * m / 1000 / j) : 0), c }'
note ""

# (c)
note "(c) peak RSS, -j 64 against the fast server"
manifest "$MEM_BIG" "$T/m-big.csv"
run_bulkrun mem-small "$T/m-small.csv" "$FAST_URL" 64 "$MEM_SMALL"
run_bulkrun mem-big "$T/m-big.csv" "$FAST_URL" 64 "$MEM_BIG"
rm -f "$T/m-big.csv"
header
row mem-small "$MEM_SMALL"
row mem-big "$MEM_BIG"
awk -v s="$(median mem-small | cut -d' ' -f3)" \
    -v b="$(median mem-big | cut -d' ' -f3)" -v ns="$MEM_SMALL" \
    -v nb="$MEM_BIG" 'BEGIN {
	printf "peak RSS %d rows %.1f MiB, %d rows %.1f MiB: ratio %.2f" \
	    " (target <= 1.5, and < 64 MiB)\n", ns, s / 1024, nb, b / 1024,
	    (s > 0 ? b / s : 0) }'
note ""

# (c) merge: that report cut into three shards in shuffled order (shards
# finish out of row order), put back together by bulkrun merge
note "(c) bulkrun merge of the $MEM_BIG-row report, as three shuffled shards"
for k in 0 1 2; do
	{ head -n 1 "$T/last-report.csv"
	  tail -n +2 "$T/last-report.csv" | awk -v k=$k 'NR % 3 == k' | shuf
	} >"$T/shard$k.csv"
done
measure merge "$BULKRUN" merge "$T/shard0.csv" "$T/shard1.csv" \
    "$T/shard2.csv" -o "$T/merged.csv" -q ||
    note "WARNING: merge exited $?"
[ "$(wc -l <"$T/merged.csv")" -eq "$(wc -l <"$T/last-report.csv")" ] ||
    note "WARNING: the merged report has another number of lines"
header
row merge "$MEM_BIG"
rm -f "$T"/shard?.csv "$T/merged.csv" "$T/last-report.csv"
note ""

# (d)
# A simulator of its own for each run, logging every request it receives
# (time_ms: when the request line arrived, in epoch ms with a fraction).
start_rate_sim() {	# log
	: >"$T/rsim.out"
	"$BULKRUN_SIM" --port 0 --log "$1" >"$T/rsim.out" 2>"$T/rsim.err" &
	RSIM_PID=$!
	for _ in $(seq 1 100); do
		RSIM_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' \
		    "$T/rsim.out")
		[ -n "$RSIM_URL" ] && return 0
		kill -0 "$RSIM_PID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

stop_rate_sim() {
	kill -TERM "$RSIM_PID" 2>/dev/null
	wait "$RSIM_PID" 2>/dev/null
	RSIM_PID=
}

# rate_run NAME ROWS RATE BURST ARGS...: RATE (per second) is the limit that
# binds, BURST its bucket; prints one line of figures.
rate_run() {
	local name=$1 n=$2 r=$3 b=$4 rc
	shift 4
	manifest "$n" "$T/m-rate.csv"
	start_rate_sim "$T/rsim.jsonl" || die "bulkrun-sim did not start"
	"$BULKRUN" run "$T/m-rate.csv" --endpoint "$RSIM_URL" -q \
	    -o "$T/report.csv" --retries 0 "$@" 2>"$T/bulkrun.err"
	rc=$?
	stop_rate_sim
	[ "$rc" -ne 0 ] && note "WARNING: $name: bulkrun exited $rc:" \
	    "$(head -c 300 "$T/bulkrun.err")"
	check_report "$name" "$n"
	sed -n 's/.*"time_ms":\([0-9.]*\).*/\1/p' "$T/rsim.jsonl" |
	    sort -n | awk -v name="$name" -v n="$n" -v r="$r" -v b="$b" '
	{ t[NR] = $1 }
	END {
		if (NR != n) printf "WARNING: %s: the simulator logged %d " \
		    "requests, expected %d\n", name, NR, n
		if (NR < 2) exit
		span = (t[NR] - t[1]) / 1000
		ideal = (NR - 1) / r
		k = 1; most = 0
		for (i = 1; i <= NR; i++) {
			while (t[i] - t[k] >= 1000) k++
			if (i - k + 1 > most) most = i - k + 1
		}
		printf "%-22s %6d %8.3f %8.3f %7.4f %9.1f %5d %5d\n", name,
		    NR, span, ideal, span / ideal,
		    (span > 0 ? (NR - 1) / span : 0), most, r + b }'
	rm -f "$T/rsim.jsonl" "$T/m-rate.csv"
}

note "(d) rate precision against bulkrun-sim's request log (burst 1, -j 16)"
printf '%-22s %6s %8s %8s %7s %9s %5s %5s\n' name rows "span s" \
    "ideal s" ratio "rows/s" "1s max" limit
rate_run rate-200/s "$RATE_N" 200 1 --rate 200/s -j 16
rate_run rate-1000/s $((RATE_N * 3)) 1000 1 --rate 1000/s -j 16
rate_run css=100/s $((RATE_N / 2)) 100 1 --rate unlimited \
    --rate css=100/s -j 16
note "ideal = (rows - 1) / rate: the first request goes at once, then one" \
    "every 1/rate s; \"1s max\" is the most requests the simulator logged" \
    "in any one-second window, against rate + burst"
note ""

# (e)
# A manifest grouped by service, as a sheet sorted by operation: the CSS
# rows, then the Kafka rows, then the ROMA rows.
mixed_manifest() {	# out
	awk -v p="$PROJECT" -v nc="$MIX_CSS" -v nk="$MIX_KAFKA" \
	    -v nr="$MIX_ROMA" 'BEGIN {
		print "op,project_id,instance_id,task_id,cluster_id"
		for (i = 1; i <= nc; i++)
			printf "css.restart_cluster,%s,,,c%08d\n", p, i
		for (i = 1; i <= nk; i++)
			printf "kafka.restart_connector_task,%s,i1,k%08d,\n",
			    p, i
		for (i = 1; i <= nr; i++)
			printf "roma.reset_multi_task,%s,i1,r%08d,\n", p, i
	}' >"$1"
}

MIX_TOTAL=$((MIX_CSS + MIX_KAFKA + MIX_ROMA))
note "(e) mixed services against bulkrun-sim's request log: $MIX_CSS css" \
    "rows at css=4/s, then $MIX_KAFKA kafka at kafka=1000/s, then" \
    "$MIX_ROMA roma at roma=200/s (grouped by service; -j 16, burst 1)"
mixed_manifest "$T/m-mix.csv"
start_rate_sim "$T/rsim.jsonl" || die "bulkrun-sim did not start"
t0=$EPOCHREALTIME
"$BULKRUN" run "$T/m-mix.csv" --endpoint "$RSIM_URL" -q \
    -o "$T/report.csv" --retries 0 -j 16 --rate unlimited --rate css=4/s \
    --rate kafka=1000/s --rate roma=200/s 2>"$T/bulkrun.err"
rc=$?
t1=$EPOCHREALTIME
stop_rate_sim
[ "$rc" -ne 0 ] && note "WARNING: mixed: bulkrun exited $rc:" \
    "$(head -c 300 "$T/bulkrun.err")"
check_report mixed "$MIX_TOTAL"
printf '%-22s %6s %8s %8s %8s %7s\n' service rows rate "ideal s" "last s" \
    ratio
sed -n 's/.*"time_ms":\([0-9.]*\).*"op":"\([a-z_.]*\)".*/\1 \2/p' \
    "$T/rsim.jsonl" | sort -n | awk -v n="$MIX_TOTAL" \
    -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" '
BEGIN {
	rate["css.restart_cluster"] = 4
	rate["kafka.restart_connector_task"] = 1000
	rate["roma.reset_multi_task"] = 200
	name["css.restart_cluster"] = "css"
	name["kafka.restart_connector_task"] = "kafka"
	name["roma.reset_multi_task"] = "roma"
	order[1] = "css.restart_cluster"
	order[2] = "kafka.restart_connector_task"
	order[3] = "roma.reset_multi_task"
}
NR == 1 { t0 = $1 }
{ rows[$2]++; last[$2] = $1; t1 = $1 }
END {
	if (NR != n) printf "WARNING: mixed: the simulator logged %d " \
	    "requests, expected %d\n", NR, n
	ideal = 0
	for (k = 1; k <= 3; k++) {
		o = order[k]
		if (!rows[o]) continue
		i = rows[o] / rate[o]
		if (i > ideal) ideal = i
		printf "%-22s %6d %6d/s %8.3f %8.3f %7.3f\n", name[o],
		    rows[o], rate[o], i, (last[o] - t0) / 1000,
		    (last[o] - t0) / 1000 / i
	}
	span = (t1 - t0) / 1000
	printf "makespan %.3f s (first request to last; bulkrun wall %.3f s)" \
	    ", ideal max over services of rows / rate = %.3f s: ratio %.3f" \
	    "\n", span, wall, ideal, (ideal > 0 ? span / ideal : 0)
}'
rm -f "$T/rsim.jsonl" "$T/m-mix.csv"
note "\"last s\": when the service's last request came, from the run's" \
    "first request; each service alone needs its rows / rate"
exit 0
