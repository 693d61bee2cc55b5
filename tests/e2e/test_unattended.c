/*
 * End to end: unattended runs (issue 11).  --lock between two real runs;
 * --metrics checked by promtool and read back through a real
 * node_exporter's textfile collector after a successful, a failed, a
 * halted and an interrupted run; --summary-json; --shard-env over three
 * "pods" of an Indexed Job.  The monitoring test skips when Debian's
 * prometheus or prometheus-node-exporter is not installed (scripts/deps.sh
 * installs them).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define RUN_OPTS "--rate", "unlimited", "--backoff", "10ms", "-q"

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Starts bulkrun with args (NULL-terminated) in the background, output
 * to t_dir()/NAME.out; returns its pid. */
static pid_t
spawn(const char *name, const char *const *args)
{
	const char *argv[32];
	int n = 0;
	pid_t pid;

	argv[n++] = getenv("BULKRUN") ? getenv("BULKRUN") : "build/bulkrun";
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		if (freopen(t_path(name), "w", stderr) == NULL ||
		    freopen("/dev/null", "r", stdin) == NULL)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int
reap(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Two runs with one --lock: the second exits 75 at once, names the first,
 * and sends nothing; with --lock-wait it runs once the first is done. */
Test(unattended, a_second_run_on_the_lock_exits_75, .timeout = 60)
{
	struct fx f;
	const char *m = t_css_manifest("slow.csv", 4, "slow300-c%d");
	const char *lock = t_path("nightly.lock");
	const char *first[] = { "run", m, "--endpoint", NULL, "-j", "1",
	    "-o", t_path("first.csv"), "--lock", lock, RUN_OPTS, NULL };
	char pidtext[64];
	int64_t t0;
	pid_t pid;

	fx_start(&f, NULL);
	first[3] = f.s.url;
	pid = spawn("first.err", first);
	t0 = mono_ms();
	while (sim_count(&f.s) == 0 && mono_ms() - t0 < 20000)
		sleep_ms(20);	/* the first run holds the lock */
	cr_assert_gt(sim_count(&f.s), 0);
	t0 = mono_ms();
	fx_run(&f, t_css_manifest("other.csv", 3, "other-c%d"), "second.csv",
	    0, "--lock", lock, RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 75, "exit %d: %s", f.o.status, f.o.err);
	/* under a sanitizer (BULKRUN_E2E_TIMING=0) a start takes longer */
	cr_assert_lt(mono_ms() - t0, getenv("BULKRUN_E2E_TIMING") != NULL &&
	    strcmp(getenv("BULKRUN_E2E_TIMING"), "0") == 0 ? 5000 : 1000,
	    "at once");
	snprintf(pidtext, sizeof(pidtext), "held by another run (pid %ld on ",
	    (long)pid);
	cr_assert_not_null(strstr(f.o.err, pidtext), "%s", f.o.err);
	cr_assert_not_null(strstr(f.o.err, "nothing was sent"));
	/* waiting: it runs once the first lets go */
	fx_run(&f, t_css_manifest("other.csv", 3, "other-c%d"), "second.csv",
	    ',', "--lock", lock, "--lock-wait", "30s", RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 0, "%s", f.o.err);
	cr_assert_eq(reap(pid), 0, "the first run");
	cr_assert_eq(sim_count(&f.s), 4 + 3, "nothing sent by the refused run");
	fx_end(&f);
}

/* A free port on 127.0.0.1 (closed again: node_exporter takes it). */
static int
free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* GET http://127.0.0.1:port/metrics; the body (malloc'd) or NULL. */
static char *
scrape(int port)
{
	struct sockaddr_in a = { 0 };
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1"
	    "\r\n\r\n";
	char *buf = NULL, *body;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		close(fd);
		return NULL;
	}
	do {
		if (len + 4097 > cap) {
			cap = (cap + 4097) * 2;
			cr_assert_not_null(buf = realloc(buf, cap));
		}
		n = read(fd, buf + len, 4096);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0);
	close(fd);
	buf[len] = '\0';
	if ((body = strstr(buf, "\r\n\r\n")) == NULL ||
	    strncmp(buf, "HTTP/1.", 7) != 0 || strstr(buf, " 200 ") == NULL) {
		free(buf);
		return NULL;
	}
	memmove(buf, body + 4, strlen(body + 4) + 1);
	return buf;
}

struct exporter {
	pid_t	 pid;
	int	 port;
};

static pid_t live_exporter;	/* killed at exit, even after a failure */

static void
kill_exporter(void)
{
	if (live_exporter > 0)
		kill(live_exporter, SIGKILL);
}

static int
have(const char *cmd)
{
	char sh[256];

	snprintf(sh, sizeof(sh), "command -v %s >/dev/null 2>&1", cmd);
	return system(sh) == 0;
}

/* node_exporter with only the textfile collector, over dir. */
static void
exporter_start(struct exporter *x, const char *dir)
{
	char listen[64], textdir[600];
	char *body = NULL;
	int64_t t0;

	x->port = free_port();
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d",
	    x->port);
	snprintf(textdir, sizeof(textdir),
	    "--collector.textfile.directory=%s", dir);
	x->pid = fork();
	cr_assert_neq(x->pid, -1);
	if (x->pid == 0) {
		if (freopen(t_path("node_exporter.log"), "w", stderr) == NULL)
			_exit(126);
		execlp("prometheus-node-exporter", "prometheus-node-exporter",
		    "--collector.disable-defaults", "--collector.textfile",
		    textdir, listen, (char *)NULL);
		_exit(127);
	}
	live_exporter = x->pid;
	atexit(kill_exporter);
	t0 = mono_ms();
	while ((body = scrape(x->port)) == NULL && mono_ms() - t0 < 10000)
		sleep_ms(50);
	cr_assert_not_null(body, "node_exporter did not answer on port %d",
	    x->port);
	free(body);
}

static void
exporter_stop(struct exporter *x)
{
	if (x->pid > 0) {
		kill(x->pid, SIGTERM);
		waitpid(x->pid, NULL, 0);
		x->pid = 0;
		live_exporter = 0;
	}
}

/* The metrics file passes promtool, and node_exporter serves its figures
 * without a textfile error. */
static void
read_back(const struct exporter *x, const char *prom, int status,
    const char *rows)
{
	char cmd[1200], want[256], *body;

	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' > '%s' "
	    "2>&1", prom, t_path("promtool.out"));
	cr_assert_eq(system(cmd), 0, "promtool: %s",
	    t_read(t_path("promtool.out")));
	body = scrape(x->port);
	cr_assert_not_null(body);
	cr_assert_not_null(strstr(body, "node_textfile_scrape_error 0"),
	    "%s", body);
	snprintf(want, sizeof(want), "\nbulkrun_last_run_exit_status"
	    "{manifest=\"mon.csv\"} %d\n", status);
	cr_assert_not_null(strstr(body, want), "no '%s' in:\n%s", want + 1,
	    body);
	cr_assert_not_null(strstr(body, rows), "no '%s' in:\n%s", rows, body);
	cr_assert_not_null(strstr(body, "\nbulkrun_last_run_end_timestamp_"
	    "seconds{manifest=\"mon.csv\"} 1."), "%s", body);
	free(body);
}

Test(unattended, metrics_read_back_through_node_exporter, .timeout = 120)
{
	struct exporter x = { 0 };
	struct fx f;
	const char *dir, *prom;
	char *json;

	if (!have("promtool") || !have("prometheus-node-exporter"))
		cr_skip_test("promtool or prometheus-node-exporter missing "
		    "(scripts/deps.sh installs them)");
	dir = t_path("textfile");
	cr_assert_eq(mkdir(dir, 0755), 0);
	prom = t_path("textfile/bulkrun.prom");
	exporter_start(&x, dir);
	fx_start(&f, NULL);
	/* succeeded */
	fx_run(&f, t_css_manifest("mon.csv", 3, "c%d"), "r.csv", 0, "--metrics",
	    prom, "--summary-json", t_path("s.json"), RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 0, "%s", f.o.err);
	read_back(&x, prom, 0, "bulkrun_last_run_rows{manifest=\"mon.csv\","
	    "outcome=\"succeeded\"} 3\n");
	json = t_read(t_path("s.json"));
	cr_assert_not_null(strstr(json, "\"exit_status\":\t0"), "%s", json);
	free(json);
	/* failed */
	fx_run(&f, t_css_manifest("mon.csv", 3, "missing-c%d"), "r.csv", 0,
	    "--metrics", prom, RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 1, "%s", f.o.err);
	/* node_exporter serves the labels sorted by name */
	read_back(&x, prom, 1, "bulkrun_last_run_error_rows{code=\"CSS.0015\","
	    "manifest=\"mon.csv\"} 3\n");
	/* halted by --max-failures */
	fx_run(&f, t_css_manifest("mon.csv", 4, "missing-c%d"), "r.csv", 0,
	    "--metrics", prom, "--max-failures", "0", "-j", "1", RUN_OPTS,
	    NULL);
	cr_assert_eq(f.o.status, 3, "%s", f.o.err);
	read_back(&x, prom, 3, "bulkrun_last_run_rows{manifest=\"mon.csv\","
	    "outcome=\"skipped\"} 3\n");
	/* interrupted (SIGINT) */
	fx_signal(&f, 1, SIGINT, 1);
	fx_run(&f, t_css_manifest("mon.csv", 6, "slow2000-c%d"), "r.csv", 0,
	    "--metrics", prom, "-j", "1", RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 130, "%s", f.o.err);
	read_back(&x, prom, 130, "bulkrun_last_run_rows{manifest=\"mon.csv\","
	    "outcome=\"cancelled\"} 5\n");
	exporter_stop(&x);
	fx_end(&f);
}

/* Three pods of an Indexed Job: each row sent exactly once in all, each
 * shard's report holding its rows. */
Test(unattended, three_shards_send_every_row_once, .timeout = 60)
{
	const char *m = t_css_manifest("all.csv", 10, "c%02d");
	char idx[16], report[32], *seen[10] = { 0 };
	const cJSON *e;
	cJSON *log;
	struct fx f;
	int k, n = 0, i;

	fx_start(&f, NULL);
	for (k = 0; k < 3; k++) {
		snprintf(idx, sizeof(idx), "%d", k);
		snprintf(report, sizeof(report), "shard-%d.csv", k);
		setenv("JOB_COMPLETION_INDEX", idx, 1);
		fx_run(&f, m, report, ',', "--shard-env",
		    "JOB_COMPLETION_INDEX/3", RUN_OPTS, NULL);
		cr_assert_eq(f.o.status, 0, "%s", f.o.err);
		cr_assert_eq(f.t.nrows - 1, k == 0 ? 4 : 3, "shard %d", k);
		for (i = 1; i < (int)f.t.nrows; i++)
			cr_assert_eq((atoi(table_get(&f.t, i, "row")) - 1) % 3,
			    k, "row %s in shard %d",
			    table_get(&f.t, i, "row"), k);
	}
	log = sim_log(&f.s);
	cJSON_ArrayForEach(e, log) {
		const char *path = cJSON_GetObjectItem(e, "path")->valuestring;
		const char *c = strstr(path, "/clusters/c");

		cr_assert_not_null(c, "%s", path);
		i = atoi(c + strlen("/clusters/c")) - 1;
		cr_assert(i >= 0 && i < 10 && seen[i] == NULL, "%s twice",
		    path);
		seen[i] = "sent";
		n++;
	}
	cr_assert_eq(n, 10, "every row once");
	cJSON_Delete(log);
	/* unset, or out of range: a usage error, nothing sent */
	unsetenv("JOB_COMPLETION_INDEX");
	fx_run(&f, m, "x.csv", 0, "--shard-env", "JOB_COMPLETION_INDEX/3",
	    RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 2);
	cr_assert_not_null(strstr(f.o.err, "JOB_COMPLETION_INDEX is not set"),
	    "%s", f.o.err);
	setenv("JOB_COMPLETION_INDEX", "3", 1);
	fx_run(&f, m, "x.csv", 0, "--shard-env", "JOB_COMPLETION_INDEX/3",
	    RUN_OPTS, NULL);
	cr_assert_eq(f.o.status, 2);
	cr_assert_not_null(strstr(f.o.err, "from 0 to 2"), "%s", f.o.err);
	cr_assert_eq(sim_count(&f.s), 10);
	fx_end(&f);
}
