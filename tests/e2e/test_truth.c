/*
 * test_truth.c - the report is the truth: nothing sent twice unasked,
 * nothing sent that was not validated, nothing lost on --resume, and a
 * report that cannot be written stops the run with exit 4.  Each test
 * reads both the report and the simulator's request log.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define FAST	"--rate", "unlimited", "-q"

/* ---- local helpers ---- */

/* Requests in the log whose path contains s. */
static int
log_hits(const cJSON *log, const char *s)
{
	const cJSON *e;
	const cJSON *p;
	int n = 0;

	cJSON_ArrayForEach(e, log) {
		p = cJSON_GetObjectItemCaseSensitive(e, "path");
		if (cJSON_IsString(p) && strstr(p->valuestring, s) != NULL)
			n++;
	}
	return n;
}

static void
ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* bulkrun's absolute path, so that it can run in another directory. */
static const char *
bulkrun_path(void)
{
	static char path[PATH_MAX];
	const char *b = getenv("BULKRUN");

	if (realpath(b != NULL ? b : "build/bulkrun", path) == NULL)
		cr_assert_fail("no bulkrun binary");
	return path;
}

/*
 * Starts bulkrun with the arguments that follow (NULL-terminated) in
 * directory cwd (NULL: this one), its stdout to out_fd (-1: a file), its
 * stderr to a file named err_name in t_dir().  Returns the pid.
 */
static pid_t
spawn(const char *cwd, int out_fd, const char *err_name, ...)
{
	const char *argv[32];
	char outp[512], errp[512];
	va_list ap;
	pid_t pid;
	int fd, argc = 0;

	argv[argc++] = bulkrun_path();
	va_start(ap, err_name);
	while ((argv[argc] = va_arg(ap, const char *)) != NULL && argc < 30)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	snprintf(outp, sizeof(outp), "%s/%s.out", t_dir(), err_name);
	snprintf(errp, sizeof(errp), "%s/%s", t_dir(), err_name);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		if (cwd != NULL && chdir(cwd) != 0)
			_exit(126);
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		if (out_fd < 0)
			out_fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out_fd, 1);
		fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Waits at most 60 s; the exit status, or 128 + signal. */
static int
reap(pid_t pid)
{
	int st, i;

	for (i = 0; i < 6000; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
		ms_sleep(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert_fail("bulkrun ran for more than 60 s");
	return -1;
}

/* "2026-11-22T22:00:05Z", secs from now. */
static const char *
utc_in(int secs)
{
	static char buf[32];
	time_t t = time(NULL) + secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void
append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* ---- 1. nothing is sent twice behind the report's back ---- */

/*
 * A server that drops half its connections after reading the request:
 * libcurl used to send the request again on a fresh connection by
 * itself.  With --retries 0 every row reaches the server at most once,
 * and each row's attempts equals what the server saw.
 */
Test(truth, a_dead_connection_is_not_sent_again, .timeout = 90)
{
	struct fx f;
	cJSON *log;
	char id[32], path[64];
	size_t r, n = 200, no_answer = 0;
	int seen, att;
	const char *m = t_css_manifest("drop.csv", (int)n, "c%d-x");

	fx_start(&f, "--drop-rate", "0.5", "--seed", "7", NULL);
	fx_run(&f, m, "r.csv", ',', "--retries", "0", "--retry-on", "none",
	    "-j", "4", FAST, NULL);
	cr_expect_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_assert_eq(f.t.nrows - 1, n);
	log = sim_log(&f.s);
	cr_assert_eq((size_t)cJSON_GetArraySize(log), n,
	    "the server saw %d requests for %zu rows sent once",
	    cJSON_GetArraySize(log), n);
	for (r = 1; r <= n; r++) {
		snprintf(id, sizeof(id), "c%zu-x", r);
		snprintf(path, sizeof(path), "/clusters/%s/", id);
		seen = log_hits(log, path);
		att = atoi(table_get(&f.t, table_find(&f.t, "cluster_id", id),
		    "attempts"));
		cr_expect_eq(seen, 1, "%s reached the server %d times", id,
		    seen);
		cr_expect_eq(att, seen, "%s: attempts %d, server saw %d", id,
		    att, seen);
	}
	no_answer = table_count(&f.t, "failed", "NET.NO_ANSWER");
	cr_expect_gt(no_answer, 40, "half the connections drop: %zu",
	    no_answer);
	r = table_find(&f.t, "error_code", "NET.NO_ANSWER");
	cr_expect(strstr(table_get(&f.t, r, "error_msg"), "may have been "
	    "applied") != NULL, "%s", table_get(&f.t, r, "error_msg"));
	cJSON_Delete(log);
	fx_end(&f);
}

/* A restart that may have arrived is not retried unless asked; a
 * configuration change (idempotent) is; each send is one attempt. */
Test(truth, only_idempotent_calls_are_retried_after_no_answer, .timeout = 90)
{
	struct fx f;
	cJSON *log;
	size_t r;
	const char *st = t_write("state.json",
	    "{\"t-mod\": {\"status\": 0, \"times\": 1},"
	    " \"c-rst\": {\"status\": 0, \"times\": 1},"
	    " \"c-unsafe\": {\"status\": 0, \"times\": 1}}");
	const char *m = t_write("m.csv",
	    "op,project_id,instance_id,task_id,cluster_id,task_name\n"
	    "kafka.modify_connector_task,p,i,t-mod,,n1\n"
	    "css.restart_cluster,p,,,c-rst,\n");
	const char *m2 = t_write("m2.csv",
	    "op,project_id,cluster_id\n"
	    "css.restart_cluster,p,c-unsafe\n");

	fx_start(&f, "--state", st, NULL);
	fx_run(&f, m, "r.csv", ',', "--backoff", "10ms", FAST, NULL);
	cr_expect_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	r = table_find(&f.t, "task_id", "t-mod");
	cr_expect_str_eq(table_get(&f.t, r, "outcome"), "succeeded");
	cr_expect_str_eq(table_get(&f.t, r, "attempts"), "2");
	r = table_find(&f.t, "cluster_id", "c-rst");
	cr_expect_str_eq(table_get(&f.t, r, "outcome"), "failed");
	cr_expect_str_eq(table_get(&f.t, r, "error_code"), "NET.NO_ANSWER");
	cr_expect_str_eq(table_get(&f.t, r, "attempts"), "1");

	/* --retry-on net-unsafe: the restart goes again, counted */
	fx_run(&f, m2, "r2.csv", ',', "--backoff", "10ms", "--retry-on",
	    "net-unsafe,503", FAST, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_str_eq(table_get(&f.t, 1, "attempts"), "2");
	log = sim_log(&f.s);
	cr_expect_eq(log_hits(log, "/t-mod"), 2);
	cr_expect_eq(log_hits(log, "/c-rst/"), 1);
	cr_expect_eq(log_hits(log, "/c-unsafe/"), 2);
	cJSON_Delete(log);
	fx_end(&f);
}

/* ---- 2. what is sent is what was validated ---- */

/* Rows appended (one of them invalid) while the run waits for
 * --not-before are not sent; the run says the file changed. */
Test(truth, rows_added_during_the_wait_are_not_sent, .timeout = 60)
{
	struct sim s;
	struct table t;
	cJSON *log;
	char *err;
	pid_t pid;
	int st;
	const char *m = t_write("grow.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\ncss.restart_cluster,p1,c2\n");

	sim_start(&s, NULL);
	pid = spawn(NULL, -1, "grow.err",
	    "run", m, "--endpoint", s.url, "-o", t_path("r.csv"),
	    "--not-before", utc_in(2), "--rate", "unlimited", NULL);
	ms_sleep(500);
	append(m, "css.restart_cluster,p1,c3-added\n"
	    "css.restart_clustr,p1,c4-invalid\n");
	st = reap(pid);
	err = t_read(t_path("grow.err"));
	cr_expect_eq(st, 0, "exit %d: %s", st, err);
	cr_expect(strstr(err, "changed after it was checked") != NULL, "%s",
	    err);
	log = sim_log(&s);
	cr_expect_eq(cJSON_GetArraySize(log), 2);
	cr_expect_eq(log_hits(log, "/c3-added/"), 0);
	cr_expect_eq(log_hits(log, "c4-invalid"), 0);
	cr_assert_eq(table_load(&t, t_path("r.csv"), ','), 0);
	cr_expect_eq(t.nrows - 1, 2);
	free(err);
	cJSON_Delete(log);
	table_release(&t);
	sim_stop(&s);
}

/* A rewrite in place during the wait (bigger than any read buffer):
 * only the checked values go out. */
Test(truth, a_rewrite_during_the_wait_sends_the_checked_rows, .timeout = 60)
{
	struct sim s;
	cJSON *log;
	char *err, *text, line[64];
	size_t len = 0, cap = 1 << 16;
	pid_t pid;
	int st, i;
	FILE *f;
	const char *m;

	cr_assert_not_null(text = malloc(cap));
	len = (size_t)snprintf(text, cap, "op,project_id,cluster_id\n");
	for (i = 1; i <= 600; i++) {
		snprintf(line, sizeof(line), "css.restart_cluster,proj-1,c%d\n",
		    i);
		memcpy(text + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	m = t_write("edit.csv", text);
	free(text);
	sim_start(&s, NULL);
	pid = spawn(NULL, -1, "edit.err",
	    "run", m, "--endpoint", s.url, "-o", t_path("r.csv"),
	    "--not-before", utc_in(2), "--rate", "unlimited", NULL);
	ms_sleep(500);
	cr_assert_not_null(f = fopen(m, "r+"));	/* in place, no truncate */
	for (i = 0; i < 700; i++)
		fputs("css.restart_cluster,roj-9999,cC\n", f);
	fclose(f);
	st = reap(pid);
	err = t_read(t_path("edit.err"));
	cr_expect_eq(st, 0, "exit %d: %s", st, err);
	log = sim_log(&s);
	cr_expect_eq(cJSON_GetArraySize(log), 600);
	cr_expect_eq(log_hits(log, "/v1.0/proj-1/clusters/c"), 600);
	cr_expect_eq(log_hits(log, "roj-9999"), 0);
	free(err);
	cJSON_Delete(log);
	sim_stop(&s);
}

/* ---- 3. --resume and row numbers ---- */

/* A row inserted at the top while a --resume run waits: the rows that
 * succeeded are not sent again, the new row is not sent unchecked. */
Test(truth, resume_is_not_fooled_by_an_inserted_row, .timeout = 60)
{
	struct fx f;
	struct table t;
	cJSON *log;
	char *err;
	pid_t pid;
	int st;
	FILE *fp;
	const char *m = t_write("ins.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p1,c1\ncss.restart_cluster,p1,c2\n"
	    "css.restart_cluster,p1,e500-c3\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r1.csv", 0, "--retries", "0", FAST, NULL);
	cr_assert_eq(f.o.status, 1, "exit %d: %s", f.o.status, f.o.err);
	/* the second run in the background: the manifest changes under it */
	pid = spawn(NULL, -1, "ins.err",
	    "run", m, "--endpoint", f.s.url, "-o", t_path("r2.csv"),
	    "--not-before", utc_in(2), "--resume", t_path("r1.csv"),
	    "--retries", "0", NULL);
	ms_sleep(500);
	cr_assert_not_null(fp = fopen(m, "w"));
	fputs("op,project_id,cluster_id\ncss.restart_cluster,p1,c0-new\n"
	    "css.restart_cluster,p1,c1\ncss.restart_cluster,p1,c2\n"
	    "css.restart_cluster,p1,e500-c3\n", fp);
	fclose(fp);
	st = reap(pid);
	err = t_read(t_path("ins.err"));
	cr_expect_eq(st, 1, "exit %d: %s", st, err);
	log = sim_log(&f.s);
	cr_expect_eq(log_hits(log, "/c1/"), 1, "c1 restarted again");
	cr_expect_eq(log_hits(log, "/c2/"), 1, "c2 restarted again");
	cr_expect_eq(log_hits(log, "/e500-c3/"), 2, "the failed row goes again");
	cr_expect_eq(log_hits(log, "c0-new"), 0, "an unchecked row was sent");
	cr_assert_eq(table_load(&t, t_path("r2.csv"), ','), 0);
	cr_expect_eq(t.nrows - 1, 3, "every checked row reported once");
	cr_expect_str_eq(table_get(&t, table_find(&t, "cluster_id", "c2"),
	    "outcome"), "succeeded");
	free(err);
	cJSON_Delete(log);
	table_release(&t);
	fx_end(&f);
}

/* ---- 4. default report names ---- */

/* Two runs started together in one directory get two reports; a
 * --resume started at once never replaces the report it resumes. */
Test(truth, default_report_names_never_collide, .timeout = 60)
{
	struct sim s;
	char dir[512], name[256], cmd[1024], rpath[1024], *first, *again;
	pid_t a, b;
	int sa, sb, n;
	FILE *p;
	const char *m = t_css_manifest("same.csv", 5, "c%d");

	sim_start(&s, NULL);
	snprintf(dir, sizeof(dir), "%s/cwd", t_dir());
	cr_assert_eq(mkdir(dir, 0700), 0);
	a = spawn(dir, -1, "a.err",
	    "run", m, "--endpoint", s.url, "--rate", "unlimited", "-q", NULL);
	b = spawn(dir, -1, "b.err",
	    "run", m, "--endpoint", s.url, "--rate", "unlimited", "-q", NULL);
	sa = reap(a);
	sb = reap(b);
	cr_expect_eq(sa, 0);
	cr_expect_eq(sb, 0);
	snprintf(cmd, sizeof(cmd), "ls %s/reports | wc -l", dir);
	cr_assert_not_null(p = popen(cmd, "r"));
	cr_assert_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	cr_expect_eq(n, 2, "two runs, %d reports", n);

	/* resume one at once, with a default name again */
	snprintf(cmd, sizeof(cmd), "ls %s/reports | head -1", dir);
	cr_assert_not_null(p = popen(cmd, "r"));
	cr_assert_not_null(fgets(name, sizeof(name), p));
	pclose(p);
	name[strcspn(name, "\n")] = '\0';
	snprintf(rpath, sizeof(rpath), "%s/reports/%s", dir, name);
	first = t_read(rpath);
	cr_assert_not_null(first);
	a = spawn(dir, -1, "c.err", "run", m, "--endpoint", s.url, "--rate",
	    "unlimited", "-q", "--resume", rpath, NULL);
	cr_expect_eq(reap(a), 0);
	again = t_read(rpath);
	cr_expect_str_eq(again, first, "the resumed report was changed");
	cr_expect_eq(sim_count(&s), 10, "the resume sent nothing");
	free(first);
	free(again);
	sim_stop(&s);
}

/* ---- 5. --resume carries what succeeded, as the report wrote it ---- */

/* A first cell that starts with '#' must not read back as a comment. */
Test(truth, resume_reads_a_row_whose_first_cell_starts_with_hash,
    .timeout = 60)
{
	struct fx f;
	const char *m = t_write("hash.csv", "tag,op,project_id,cluster_id\n"
	    "\"#1\",css.restart_cluster,p1,c1\n"
	    "\"#2\",css.restart_cluster,p1,c2\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r1.csv", 0, FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	fx_run(&f, m, "r2.csv", 0, "--resume", t_path("r1.csv"), FAST, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 2, "rows that succeeded were sent again");
	fx_end(&f);
}

/* A JSON Lines report of a JSON manifest with numbers written oddly and
 * text that is not UTF-8: every succeeded row is carried. */
Test(truth, resume_from_jsonl_keeps_numbers_and_text_as_written,
    .timeout = 60)
{
	struct fx f;
	const char *m = t_write("odd.json", "[\n"
	    "{\"op\":\"css.restart_cluster\",\"project_id\":\"p1\","
	    "\"cluster_id\":\"c1\",\"weight\":0.1,\"ratio\":1.0},\n"
	    "{\"op\":\"css.restart_cluster\",\"project_id\":\"p1\","
	    "\"cluster_id\":\"c2\",\"big\":123456789012345678901234}\n]\n");
	const char *c = t_write("latin1.csv", "op,project_id,cluster_id,note\n"
	    "css.restart_cluster,p1,c3,Auftr\xe4ge\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r1.jsonl", 0, FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	fx_run(&f, m, "r2.jsonl", 0, "--resume", t_path("r1.jsonl"), FAST,
	    NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 2, "rows that succeeded were sent again");
	fx_run(&f, c, "r3.jsonl", 0, FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	fx_run(&f, c, "r4.jsonl", 0, "--resume", t_path("r3.jsonl"), FAST,
	    NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 3, "a row with Latin-1 text was sent "
	    "again");
	fx_end(&f);
}

/* ---- 6. a changed target is sent ---- */

Test(truth, resume_sends_again_when_the_target_changed, .timeout = 60)
{
	struct fx f, f2;	/* two simulators: two endpoints */
	cJSON *log;
	const char *m = t_write("set.csv", "op,cluster_id\n"
	    "css.restart_cluster,c1\ncss.restart_cluster,c2\n");

	fx_start(&f, NULL);
	fx_start(&f2, NULL);
	fx_run(&f, m, "r1.csv", 0, "--set", "project_id=old-proj", FAST,
	    NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	/* another project: not sent unless asked (issue 12: a row that
	 * succeeded and differs now is skipped and named) */
	fx_run(&f, m, "r2.csv", ',', "--set", "project_id=new-proj", "--resume",
	    t_path("r1.csv"), FAST, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "set.csv:2: row 1 asks for something else")
	    != NULL, "%s", f.o.err);
	cr_expect(strstr(f.o.err, "2 rows succeeded in") != NULL, "%s",
	    f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "skipped", "SKIPPED.MISMATCH"), 2);
	log = sim_log(&f.s);
	cr_expect_eq(log_hits(log, "/new-proj/"), 0, "sent unasked");
	cJSON_Delete(log);
	/* asked: sent again */
	fx_run(&f, m, "r2.csv", 0, "--set", "project_id=new-proj", "--resume",
	    t_path("r1.csv"), "--resume-mismatch", "send", FAST, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	log = sim_log(&f.s);
	cr_expect_eq(log_hits(log, "/new-proj/"), 2, "nothing went to the "
	    "new project");
	cJSON_Delete(log);
	/* the same project on another endpoint: sent again, there */
	fx_run(&f2, m, "r3.csv", 0, "--set", "project_id=new-proj",
	    "--resume", t_path("r2.csv"), "--resume-mismatch", "send", FAST,
	    NULL);
	cr_expect_eq(f2.o.status, 0, "exit %d: %s", f2.o.status, f2.o.err);
	cr_expect_eq(sim_count(&f2.s), 2, "nothing went to the new endpoint");
	/* nothing changed: nothing sent */
	fx_run(&f2, m, "r4.csv", ',', "--set", "project_id=new-proj",
	    "--resume", t_path("r3.csv"), FAST, NULL);
	cr_expect_eq(f2.o.status, 0, "exit %d: %s", f2.o.status, f2.o.err);
	cr_expect_eq(sim_count(&f2.s), 2);
	cr_assert_eq(f2.loaded, 0);
	cr_expect_eq(table_count(&f2.t, "succeeded", NULL), 2);
	cr_expect_neq(strlen(table_get(&f2.t, 1, "request_fp")), 0);
	fx_end(&f2);
	fx_end(&f);
}

/* ---- 7. a report that cannot be written ---- */

/*
 * The report goes to a pipe whose reader leaves after two rows: no new
 * row starts, the rows that end after it go to stderr in report format
 * (so every request the server saw is recorded somewhere), the summary
 * counts the rows never started, the message comes once, exit 4.
 */
Test(truth, a_report_that_cannot_be_written_halts_with_exit_4,
    .timeout = 60)
{
	struct sim s;
	cJSON *log;
	const cJSON *e, *p;
	char buf[65536], *err, *rec, id[64];
	const char *c;
	int fd[2], lines = 0, st;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	const char *m = t_css_manifest("pipe.csv", 200, "slow300-c%d");

	sim_start(&s, NULL);
	cr_assert_eq(pipe2(fd, O_CLOEXEC), 0);
	pid = spawn(NULL, fd[1], "pipe.err",
	    "run", m, "--endpoint", s.url, "-o", "-", "--rate", "unlimited",
	    "-j", "4", NULL);
	close(fd[1]);
	while (lines < 3 && got < sizeof(buf) - 1 &&
	    (n = read(fd[0], buf + got, 1)) == 1)
		lines += buf[got++] == '\n';
	/* take what the rows answered together wrote too (the next ones
	 * come 300 ms later), then leave: a line left in the pipe would be
	 * lost by us, not by bulkrun */
	ms_sleep(50);
	(void)fcntl(fd[0], F_SETFL, O_NONBLOCK);
	while (got < sizeof(buf) - 1 &&
	    (n = read(fd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd[0]);		/* the reader is gone */
	st = reap(pid);
	err = t_read(t_path("pipe.err"));
	cr_expect_eq(st, 4, "exit %d: %s", st, err);
	cr_expect(strstr(err, "never started") != NULL, "%s", err);
	rec = strstr(err, "cannot write report");
	cr_expect(rec != NULL && strstr(rec + 1, "cannot write report") ==
	    NULL, "the message once: %s", err);
	log = sim_log(&s);
	cr_expect_lt(cJSON_GetArraySize(log), 200, "rows kept starting");
	/* every row the server saw is in the part read or on stderr */
	cJSON_ArrayForEach(e, log) {
		p = cJSON_GetObjectItemCaseSensitive(e, "path");
		c = strstr(p->valuestring, "/clusters/");
		cr_assert_not_null(c);
		snprintf(id, sizeof(id), "%.*s,", (int)strcspn(c + 10, "/"),
		    c + 10);
		cr_expect(strstr(buf, id) != NULL || strstr(err, id) != NULL,
		    "%s was sent and recorded nowhere", id);
	}
	free(err);
	cJSON_Delete(log);
	sim_stop(&s);
}

/* --dry-run into a pipe that closes: not all was shown, not exit 0. */
Test(truth, a_dry_run_into_a_closed_pipe_is_not_exit_0, .timeout = 60)
{
	char c;
	int fd[2], st;
	pid_t pid;
	const char *m = t_css_manifest("dry.csv", 3000, "c%d");

	cr_assert_eq(pipe2(fd, O_CLOEXEC), 0);
	pid = spawn(NULL, fd[1], "dry.err",
	    "run", m, "--endpoint", "http://127.0.0.1:9", "--dry-run", NULL);
	close(fd[1]);
	while (read(fd[0], &c, 1) == 1 && c != '\n')
		;
	close(fd[0]);
	st = reap(pid);
	cr_expect_eq(st, 4, "exit %d", st);
}

/* ---- 8. no undefined behaviour driven by a server ---- */

/* A Retry-After date in a far year: the row waits at most --max-backoff
 * and the run ends normally (under UBSan this used to abort). */
Test(truth, a_retry_after_in_a_far_year_is_harmless, .timeout = 60)
{
	struct fx f;
	const char *st = t_write("ra.json",
	    "{\"c-far\": {\"status\": 503, \"times\": 1, \"body\": "
	    "{\"error_code\":\"SYS.503\"}, \"headers\": {\"Retry-After\": "
	    "\"Sun, 06 Nov 2147483647 08:49:37 GMT\"}},"
	    " \"c-neg\": {\"status\": 503, \"times\": 1, \"body\": "
	    "{\"error_code\":\"SYS.503\"}, \"headers\": {\"Retry-After\": "
	    "\"Sun, 06 Nov -2147483647 08:49:37 GMT\"}}}");
	const char *m = t_write("far.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p,c-far\ncss.restart_cluster,p,c-neg\n");

	fx_start(&f, "--state", st, NULL);
	fx_run(&f, m, "r.csv", ',', "--backoff", "10ms", "--max-backoff",
	    "200ms", FAST, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	cr_expect_eq(table_count(&f.t, "succeeded", NULL), 2);
	cr_expect_eq(sim_count(&f.s), 4);
	fx_end(&f);
}

/* ---- 9. the smaller ones ---- */

/* Every way of having no rows is one message and exit 2, nothing sent. */
Test(truth, manifests_without_rows_are_one_case, .timeout = 60)
{
	static const struct {
		const char *name, *text;
	} t[] = {
		{ "empty.csv", "" },
		{ "header.csv", "op,project_id,cluster_id\n" },
		{ "comments.csv", "op,project_id,cluster_id\n# nothing\n\n" },
		{ "empty.json", "[]" },
		{ "ops.json", "{\"defaults\":{\"project_id\":\"p\"},"
		  "\"operations\":[]}" },
		{ "blank.jsonl", "\n\n" },
	};
	struct fx f;
	struct out o;
	size_t i;

	fx_start(&f, NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fx_run(&f, t_write(t[i].name, t[i].text), "r.csv", 0, FAST,
		    NULL);
		cr_expect_eq(f.o.status, 2, "%s: exit %d: %s", t[i].name,
		    f.o.status, f.o.err);
		cr_expect(strstr(f.o.err, "no rows") != NULL, "%s: %s",
		    t[i].name, f.o.err);
		run_bulkrun(&o, NULL, "validate", t_path(t[i].name), NULL);
		cr_expect_eq(o.status, 2, "validate %s: exit %d: %s",
		    t[i].name, o.status, o.err);
		out_release(&o);
	}
	cr_expect_eq(sim_count(&f.s), 0);
	fx_end(&f);
}

/* Interrupted while a row waits for its retry: that row is cancelled. */
Test(truth, a_row_waiting_to_retry_is_cancelled_on_sigint, .timeout = 60)
{
	struct fx f;
	size_t r;
	const char *m = t_write("int.csv", "op,project_id,cluster_id\n"
	    "css.restart_cluster,p,e503-c1\n");
	/* e503- with Retry-After: 20, so the retry waits exactly 20 s (a
	 * backoff of 20 s with full jitter may be a few ms, and the retry
	 * would go before the signal) */
	const char *st = t_write("int-state.json", "{\"e503-c1\": "
	    "{\"status\": 503, \"body\": {\"error_code\": \"SYS.503\", "
	    "\"error_msg\": \"Service Unavailable\"}, \"headers\": "
	    "{\"Retry-After\": \"20\"}}}");

	fx_start(&f, "--state", st, NULL);
	fx_signal(&f, 1, SIGINT, 1);
	fx_run(&f, m, "r.csv", ',', "--backoff", "20s", "--max-backoff",
	    "20s", "--retries", "3", FAST, NULL);
	cr_expect_eq(f.o.status, 130, "exit %d: %s", f.o.status, f.o.err);
	cr_assert_eq(f.loaded, 0);
	r = table_find(&f.t, "cluster_id", "e503-c1");
	cr_expect_str_eq(table_get(&f.t, r, "outcome"), "cancelled");
	cr_expect_str_eq(table_get(&f.t, r, "error_code"), "CANCELLED");
	cr_expect(strstr(table_get(&f.t, r, "error_msg"), "SYS.503") != NULL,
	    "the last answer is kept: %s", table_get(&f.t, r, "error_msg"));
	cr_expect_str_eq(table_get(&f.t, r, "attempts"), "1");
	fx_end(&f);
}

/* --resume with a file that is no report: exit 2, nothing sent. */
Test(truth, resume_refuses_a_file_that_is_no_report, .timeout = 60)
{
	struct fx f;
	const char *m = t_css_manifest("m.csv", 3, "c%d");
	const char *j = t_write("not.jsonl", "{\"a\":1}\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", 0, "--resume", m, FAST, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "not a bulkrun report") != NULL, "%s",
	    f.o.err);
	fx_run(&f, m, "r.csv", 0, "--resume", j, FAST, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(strstr(f.o.err, "not a bulkrun report") != NULL, "%s",
	    f.o.err);
	cr_expect_eq(sim_count(&f.s), 0);
	fx_end(&f);
}

/* A report cut inside a quoted cell (power loss while writing the last
 * row's response): that row, which had succeeded, is carried. */
Test(truth, a_report_cut_inside_a_quoted_cell_keeps_its_rows,
    .timeout = 60)
{
	struct fx f;
	char *rep, *cut;
	FILE *fp;
	const char *m = t_write("cut.csv", "op,project_id,instance_id,task_id,"
	    "date_from\n"
	    "roma.reset_multi_task,p,i,t1,2026-11-21\n"
	    "roma.reset_multi_task,p,i,t2,2026-11-21\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r1.csv", 0, "-j", "1", FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	rep = t_read(t_path("r1.csv"));
	/* cut in the last row's response cell: "{""message"":""Res */
	cut = strrchr(rep, '{');
	cr_assert_not_null(cut);
	cut[6] = '\0';
	cr_assert_not_null(fp = fopen(t_path("r1.csv"), "w"));
	fputs(rep, fp);
	fclose(fp);
	fx_run(&f, m, "r2.csv", 0, "--resume", t_path("r1.csv"), FAST, NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 2, "a row that succeeded went again");
	free(rep);
	fx_end(&f);
}

/* The writer and the --resume reader decide the format by one rule: a
 * report named .json is JSON Lines both ways. */
Test(truth, a_report_named_json_resumes, .timeout = 60)
{
	struct fx f;
	const char *m = t_css_manifest("j.csv", 3, "c%d");

	fx_start(&f, NULL);
	fx_run(&f, m, "out.json", 0, FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	fx_run(&f, m, "again.json", 0, "--resume", t_path("out.json"), FAST,
	    NULL);
	cr_expect_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 3, "rows that succeeded were sent again");
	fx_end(&f);
}
