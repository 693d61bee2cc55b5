#!/bin/bash
# scripts/chaos.sh - nothing lost, nothing sent behind the report's back.
#
# Runs N css.restart_cluster rows (default 10,000) through bulkrun against
# bulkrun-sim with faults drawn by seed (10 % answered 503, 5 % of the
# connections dropped without an answer, 2 % answered 200 with a cut JSON
# body), at --rate unlimited -j 32, and checks the report against the
# simulator's request log (JSON Lines, one line per request received):
#
#  A  --retries 0 --retry-on none: every manifest row is in the report
#     exactly once; every succeeded row had a 2xx answer (its request id) in
#     the log; each row's attempts equal the requests the simulator logged
#     for its cluster id; no row reached the server more than once.
#  B  the default retries: the same checks; no row over retries + 1.
#  C  the default retries, bulkrun killed with SIGKILL at a random moment
#     (one in five while it starts, the others while it sends; a run that
#     finishes first does not count) until it was killed five times, each
#     time followed by a run with --resume; then runs with --resume and no
#     kill until no row is left failed (at most 8).  Each
#     run writes a new report.  Per run: no row twice in its report; the
#     rows it ran and reported have attempts equal to what the simulator
#     logged for them during that run, and their successes a 2xx in the log;
#     after a kill, at most -j rows were sent without being reported (the
#     ones in flight or waiting for a retry when it died).  At the end the
#     last report has every row once, the union of the succeeded rows of all
#     reports covers every row, and nothing is lost.
#     bulkrun has no `merge` yet, so the --resume input of each run is made
#     here: the succeeded lines of every report so far (the last one for a
#     row), in a CSV with the reports' header.  A kill while a run was still
#     copying the carried rows into its new report then loses nothing.
#
# Figures: rows, requests, lost rows, over-sent requests (logged by the
# simulator beyond the attempts reported), requests re-sent after each
# kill.  The last line is "N passed, M failed" (checks); the exit status is
# 1 when a check failed, 2 when the chaos could not run.
#
# Usage: scripts/chaos.sh [ROWS]
# Environment (defaults in brackets):
#   CHAOS_ROWS [10000]   rows, when no argument gives them
#   CHAOS_JOBS [32]      bulkrun -j
#   CHAOS_SEED [1]       the simulator's fault seed (phase B uses +1, C +2)
#                        and the kill moments
#   CHAOS_KEEP=1         keep the temporary directory (reports, logs)
#   BULKRUN [build/bulkrun], BULKRUN_SIM [build/bulkrun-sim]
#                        built with make when missing
# Needs python3 (standard library only).  Everything stays on 127.0.0.1.
set -u
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 2

ROWS=${1:-${CHAOS_ROWS:-10000}}
case $ROWS in
'' | *[!0-9]* | 0) echo "chaos: ROWS must be a positive integer" >&2; exit 2 ;;
esac
BULKRUN=${BULKRUN:-build/bulkrun}
BULKRUN_SIM=${BULKRUN_SIM:-build/bulkrun-sim}
for b in "$BULKRUN" "$BULKRUN_SIM"; do
	if [ ! -x "$b" ]; then
		# build/X/bulkrun is made with BUILD=build/X
		make -s BUILD="$(dirname "$b")" "$b" >/dev/null ||
		    { echo "chaos: make $b failed" >&2; exit 2; }
	fi
done
command -v python3 >/dev/null 2>&1 || { echo "chaos: python3 is missing" >&2; exit 2; }
export CHAOS_N=$ROWS BULKRUN BULKRUN_SIM

exec python3 - <<'PY'
import csv
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

N = int(os.environ["CHAOS_N"])
JOBS = int(os.environ.get("CHAOS_JOBS", "32"))
SEED = int(os.environ.get("CHAOS_SEED", "1"))
BULKRUN = os.environ["BULKRUN"]
SIM = os.environ["BULKRUN_SIM"]
KEEP = os.environ.get("CHAOS_KEEP", "0") == "1"
KILLS = 5
MAX_FINISH_RUNS = 8
RETRIES = 3                      # bulkrun's default --retries
RUN_TIMEOUT = 600                # s, for one bulkrun run
FAULTS = ["--fail-rate", "10%", "--drop-rate", "5%", "--garbage-rate", "2%"]
PROJECT = "6204a5bd270343b5885144cf9c8c158d"
ID_RE = re.compile(r"/clusters/([^/?]+)/restart")

csv.field_size_limit(1 << 30)
rng = random.Random(SEED)
tmp = tempfile.mkdtemp(prefix="bulkrun-chaos.")
procs = []                       # simulators and bulkruns still running
passed = failed = 0


def say(*a):
    print(*a, flush=True)


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        say("  ok    " + what)
    else:
        failed += 1
        say("  FAIL  " + what + (": " + detail if detail else ""))
    return ok


def sample(rows, k=5):
    rows = sorted(rows)
    s = ", ".join(str(r) for r in rows[:k])
    return s + (" ..." if len(rows) > k else "")


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    if KEEP:
        print("chaos: kept " + tmp, file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def on_signal(sig, _frame):
    cleanup()
    sys.exit(128 + sig)


signal.signal(signal.SIGINT, on_signal)
signal.signal(signal.SIGTERM, on_signal)


def die(msg):
    print("chaos: " + msg, file=sys.stderr)
    cleanup()
    sys.exit(2)


# --- the simulator ----------------------------------------------------------

class Sim:
    def __init__(self, name, seed):
        self.log = os.path.join(tmp, name + "-sim.jsonl")
        self.err = open(os.path.join(tmp, name + "-sim.err"), "wb")
        self.p = subprocess.Popen(
            [SIM, "--port", "0", "--log", self.log, "--seed", str(seed),
             "--threads", "8"] + FAULTS,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.err)
        procs.append(self.p)
        line = b""
        deadline = time.time() + 10
        while b"\n" not in line and time.time() < deadline:
            r, _, _ = select.select([self.p.stdout], [], [], 0.2)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 256)
                if not chunk:
                    break
                line += chunk
        m = re.search(rb"(http://127\.0\.0\.1:\d+)", line)
        if not m:
            die("bulkrun-sim did not start: %r" % line)
        self.url = m.group(1).decode()

    def size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def read(self, start=0, end=None):
        """Per cluster id: the requests logged between byte offsets."""
        reqs = defaultdict(list)        # id -> [(status, request_id)]
        total = 0
        try:
            with open(self.log, "rb") as f:
                f.seek(start)
                data = f.read() if end is None else f.read(end - start)
        except OSError:
            data = b""
        for line in data.splitlines():
            if not line.strip():
                continue
            e = json.loads(line)
            m = ID_RE.search(e.get("path", ""))
            if not m:
                continue
            total += 1
            reqs[m.group(1)].append((int(e.get("status", 0)),
                                     e.get("request_id", "")))
        return reqs, total

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.p.stdout.close()
        self.err.close()


# --- bulkrun ------------------------------------------------------------------

def run_bulkrun(manifest, url, report, extra, kill_after=None):
    """Runs bulkrun; kill_after: seconds after which it gets SIGKILL.
    Returns (exit status or None when killed, seconds, killed)."""
    args = [BULKRUN, "run", manifest, "--endpoint", url, "-o", report,
            "-j", str(JOBS), "--rate", "unlimited", "-q"] + extra
    err = open(report + ".stderr", "wb")
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=err)
    procs.append(p)
    killed = False
    try:
        p.wait(kill_after if kill_after is not None else RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        killed = True
    secs = time.monotonic() - t0
    procs.remove(p)
    err.close()
    if killed and kill_after is None:
        die("bulkrun ran for more than %d s" % RUN_TIMEOUT)
    return (None if killed else p.returncode), secs, killed


# --- reports ------------------------------------------------------------------

class Report:
    """A CSV report, read as far as it is whole (a kill may cut it)."""

    def __init__(self, path):
        self.path = path
        self.header = None
        self.recs = []                  # dicts, in file order
        self.cut = False
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError:
            return
        text = raw.decode("utf-8", "replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        whole = text.endswith("\n")
        rows = list(csv.reader(text.splitlines(keepends=True)))
        if not rows:
            return
        self.header = rows[0]
        body = rows[1:]
        if not whole and body:
            body = body[:-1]            # the last line was cut
            self.cut = True
        for r in body:
            if len(r) != len(self.header):
                self.cut = True
                continue
            d = dict(zip(self.header, r))
            try:
                d["_row"] = int(d["row"])
            except (KeyError, ValueError):
                self.cut = True
                continue
            d["_raw"] = r
            self.recs.append(d)

    def by_row(self):
        m = {}
        for d in self.recs:
            m.setdefault(d["_row"], d)
        return m

    def dup_rows(self):
        c = Counter(d["_row"] for d in self.recs)
        return [r for r, k in c.items() if k > 1]


def attempts(d):
    try:
        return int(d.get("attempts") or 0)
    except ValueError:
        return -1


def same_record(a, b):
    keys = ("outcome", "attempts", "started_at", "finished_at", "request_id")
    return all(a.get(k) == b.get(k) for k in keys)


def write_union(path, reports):
    """The succeeded lines of every report (the last for each row)."""
    header = None
    best = {}
    for rep in reports:
        if rep.header is None:
            continue
        if header is None:
            header = rep.header
        elif rep.header != header:
            die("reports with different headers: %s" % rep.path)
        for d in rep.recs:
            if d.get("outcome") == "succeeded":
                best[d["_row"]] = d
    if header is None:
        return None, {}
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in sorted(best):
            w.writerow(best[r]["_raw"])
    return path, best


# --- the manifest -------------------------------------------------------------

manifest = os.path.join(tmp, "chaos.csv")
ids = {}                                  # row -> cluster id
with open(manifest, "w") as f:
    f.write("op,project_id,cluster_id\n")
    for i in range(1, N + 1):
        ids[i] = "chaos-%07d" % i
        f.write("css.restart_cluster,%s,%s\n" % (PROJECT, ids[i]))
ALL = set(ids)


def check_run(name, rep, reqs, ran, max_attempts=None, at_most_once=False,
              whole=True):
    """The checks on one run: rep its report, reqs what the simulator
    logged during it, ran the report's rows sent by this run (not
    carried).  Returns (over-sent requests, rows sent but not reported)."""
    recs = rep.by_row()
    if whole:
        missing = ALL - set(recs)
        extra = set(recs) - ALL
        dups = rep.dup_rows()
        check(not missing and not extra and not dups and not rep.cut,
              "%s: every manifest row in the report exactly once" % name,
              "%d missing (rows %s), %d unknown, %d twice%s" % (
                  len(missing), sample(missing), len(extra), len(dups),
                  ", report cut" if rep.cut else ""))
    else:
        dups = rep.dup_rows()
        check(not dups, "%s: no row twice in the report" % name,
              "%d rows twice (%s)" % (len(dups), sample(dups)))
    bad_ok = []
    for r in ran:
        d = recs[r]
        if d.get("outcome") != "succeeded":
            continue
        got = reqs.get(ids[r], [])
        rid = d.get("request_id", "")
        if not any(200 <= st < 300 and (not rid or rid == lrid)
                   for st, lrid in got):
            bad_ok.append(r)
    check(not bad_ok, "%s: every succeeded row had a 2xx answer in the "
          "simulator's log (same request id)" % name,
          "%d rows without one (rows %s)" % (len(bad_ok), sample(bad_ok)))
    mism = []
    over = under = 0
    for r in ran:
        a = attempts(recs[r])
        s = len(reqs.get(ids[r], []))
        if a != s:
            mism.append(r)
            over += max(0, s - a)
            under += max(0, a - s)
    detail = ""
    if mism:
        r = min(mism)
        detail = ("%d rows differ: %d requests the report does not count, "
                  "%d attempts the simulator never saw; e.g. row %d: "
                  "attempts %s, simulator %d (%s)" % (
                      len(mism), over, under, r, recs[r].get("attempts"),
                      len(reqs.get(ids[r], [])),
                      ", ".join(str(st) for st, _ in reqs.get(ids[r], []))))
    check(not mism, "%s: attempts equal the requests the simulator logged "
          "for the row's cluster id" % name, detail)
    if max_attempts is not None:
        big = [r for r in ran if attempts(recs[r]) > max_attempts]
        check(not big, "%s: no row with more than %d attempt%s" % (
                  name, max_attempts, "s" if max_attempts > 1 else ""),
              "%d rows (%s)" % (len(big), sample(big)))
    if at_most_once:
        twice = [r for r in ALL if len(reqs.get(ids[r], [])) > 1]
        check(not twice, "%s: no row reached the server more than once"
              % name, "%d rows did, %d requests in all (rows %s)" % (
                  len(twice), sum(len(reqs[ids[r]]) for r in twice),
                  sample(twice)))
    # sent during this run, and not in its report (or carried there)
    unreported = [r for r in ALL if r not in ran and reqs.get(ids[r])]
    return over, unreported


def outcome_counts(rep):
    c = Counter(d.get("outcome") for d in rep.recs)
    codes = Counter(d.get("error_code") for d in rep.recs
                    if d.get("outcome") == "failed")
    top = ", ".join("%s %d" % kv for kv in codes.most_common(4))
    return ("%d succeeded, %d failed%s" % (
        c.get("succeeded", 0), c.get("failed", 0),
        " (" + top + ")" if top else ""))


def simple_phase(tag, title, seed, extra, max_attempts, at_most_once):
    say("")
    say("%s  %s" % (tag, title))
    sim = Sim(tag, seed)
    report = os.path.join(tmp, tag + "-report.csv")
    rc, secs, _ = run_bulkrun(manifest, sim.url, report, extra)
    time.sleep(0.3)
    sim.stop()
    reqs, total = sim.read()
    rep = Report(report)
    lost = len(ALL - set(rep.by_row()))
    say("  %d rows in %.2f s, exit %s: %s" % (N, secs, rc,
                                             outcome_counts(rep)))
    check(rc in (0, 1), "%s: bulkrun exited 0 or 1" % tag,
          "exit %s: %s" % (rc, open(report + ".stderr", "rb").read()[:300]))
    over, unrep = check_run(tag, rep, reqs, set(rep.by_row()) & ALL,
                            max_attempts, at_most_once)
    say("  figures: rows %d, requests %d, lost %d, over-sent %d" % (
        N, total, lost, over))
    return secs


# --- A, B ---------------------------------------------------------------------

say("chaos: %d css.restart_cluster rows, -j %d, --rate unlimited; simulator "
    "%s, seed %d" % (N, JOBS, " ".join(FAULTS), SEED))
say("chaos: %s, %s" % (BULKRUN, SIM))

simple_phase("A", "--retries 0 --retry-on none: every row at most once",
             SEED, ["--retries", "0", "--retry-on", "none"], 1, True)
t_full = simple_phase("B", "default retries (3; net,429,500,502,503,504)",
                      SEED + 1, [], RETRIES + 1, False)

# --- C --------------------------------------------------------------------------

say("")
say("C  default retries; %d kills (SIGKILL at a random moment), each "
    "followed by --resume; then --resume until nothing is failed" % KILLS)
t0 = time.monotonic()
subprocess.run([BULKRUN, "validate", manifest], stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t_start = max(0.1, 3 * (time.monotonic() - t0))
sim = Sim("C", SEED + 2)
reports = []
succeeded = {}                 # row -> the report name it succeeded in
offset = 0
resent_total = over_total = 0
kills = []                     # per kill: {"rows", "ok", "resent", "req", "dup"}
run_no = 0
early = None
finish_runs = 0
final = None
while True:
    run_no += 1
    todo = N - len(succeeded)
    # kill until KILLS runs were really killed (a run may finish before
    # its moment), at most 4 * KILLS tries
    kill = len(kills) < KILLS and run_no <= 4 * KILLS
    union, carried_in = write_union(
        os.path.join(tmp, "C-resume-%d.csv" % run_no), reports)
    extra = ["--resume", union] if union else []
    report = os.path.join(tmp, "C-report-%d.csv" % run_no)
    delay = None
    if kill:
        # a random moment: one kill in five while it starts (reads the
        # manifest twice and the --resume input, copies the carried rows
        # into its report), the others while rows are being sent, before
        # 60 % of phase B's time for what is left
        if early is not None:
            # the last run finished before its moment: within its time
            delay = rng.uniform(0.005, max(0.006, 0.9 * early))
        elif rng.random() < 0.2:
            delay = rng.uniform(0.02, t_start)
        else:
            delay = t_start + rng.uniform(0.05, 0.6) * t_full * todo / N
    rc, secs, killed = run_bulkrun(manifest, sim.url, report, extra, delay)
    early = secs if kill and not killed else None
    time.sleep(0.3)            # let what was on the wire reach the log
    end = sim.size()
    reqs, total = sim.read(offset, end)
    offset = end
    rep = Report(report)
    recs = rep.by_row()
    carried = {r for r, d in recs.items() if r in carried_in and
               d.get("outcome") == "succeeded" and
               same_record(d, carried_in[r])}
    ran = (set(recs) & ALL) - carried
    name = "C%d" % run_no
    how = ("killed at %.2f s" % secs if killed else
           "exit %s after %.2f s" % (rc, secs))
    say("  run %d: %s; report %d rows%s: %d of %d earlier successes "
        "carried, %d run, %s" % (
            run_no, how, len(recs), " (last line cut)" if rep.cut else "",
            len(carried), len(carried_in), len(ran), outcome_counts(rep)))
    if not killed:
        check(rc in (0, 1), "%s: bulkrun exited 0 or 1" % name,
              "exit %s: %s" % (rc, open(report + ".stderr",
                                        "rb").read()[:300]))
    over, unrep = check_run(name, rep, reqs, ran, RETRIES + 1, False,
                            whole=not killed)
    for k in kills:              # rows of an earlier kill sent again
        again = [r for r in k["pending"] if reqs.get(ids[r])]
        k["pending"] -= set(again)
        k["resent"] += len(again)
        k["req"] += sum(len(reqs[ids[r]]) for r in again)
        k["dup"] += sum(1 for r in again if r in k["ok"])
        resent_total += sum(len(reqs[ids[r]]) for r in again)
    say("  run %d figures: requests %d, over-sent %d, sent and not "
        "reported %d rows" % (run_no, total, over, len(unrep)))
    if killed:
        kills.append({"run": run_no, "rows": len(unrep),
                      "pending": set(unrep), "resent": 0, "req": 0,
                      "dup": 0,
                      "ok": {r for r in unrep if any(
                          200 <= st < 300 for st, _ in reqs[ids[r]])}})
    if killed:
        check(len(unrep) <= JOBS, "%s: at most -j (%d) rows sent and not "
              "reported at the kill" % (name, JOBS),
              "%d rows (%s)" % (len(unrep), sample(unrep)))
    else:
        check(not unrep, "%s: every row sent is in the report" % name,
              "%d rows (%s)" % (len(unrep), sample(unrep)))
    over_total += over
    reports.append(rep)
    for r, d in recs.items():
        if d.get("outcome") == "succeeded" and r in ALL:
            succeeded.setdefault(r, name)
    if not kill:
        nfailed = sum(1 for d in rep.recs if d.get("outcome") == "failed")
        final = rep
        finish_runs += 1
        if nfailed == 0 or finish_runs >= MAX_FINISH_RUNS:
            break
sim.stop()

say("  after %d runs:" % run_no)
recs = final.by_row()
missing = ALL - set(recs)
check(not missing and not final.dup_rows(),
      "C: the last report has every manifest row exactly once",
      "%d missing (%s)" % (len(missing), sample(missing)))
failed_last = {r for r, d in recs.items() if d.get("outcome") == "failed"}
lost = sorted(ALL - set(succeeded) - failed_last)
check(not lost, "C: nothing lost: every row succeeded in a report or "
      "failed in the last", "%d rows (%s)" % (len(lost), sample(lost)))
uncovered = ALL - set(succeeded)
check(not uncovered, "C: the union of the succeeded rows covers every row",
      "%d rows never succeeded (%s)" % (len(uncovered), sample(uncovered)))
reqs_all, total_all = sim.read()
check(len(kills) == KILLS, "C: bulkrun was killed %d times" % KILLS,
      "only %d runs were still going at their kill moment" % len(kills))
for i, k in enumerate(kills, 1):
    say("  kill %d (run %d): %d rows in flight; %d of them re-sent later "
        "(%d requests), %d of those had been answered 2xx before the kill"
        % (i, k["run"], k["rows"], k["resent"], k["req"], k["dup"]))
say("  figures: rows %d, requests %d, lost %d, over-sent %d, re-sent after "
    "the kills %d requests (%s rows per kill)" % (
        N, total_all, len(lost), over_total, resent_total,
        "/".join(str(k["resent"]) for k in kills) or "-"))

cleanup()
say("")
say("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
