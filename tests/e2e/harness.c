#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <csv.h>

#include "harness.h"

static char tdir[256];
static pid_t live_sim;		/* killed at exit, even after a failure */

static void
kill_sim(void)
{
	if (live_sim > 0)
		kill(live_sim, SIGKILL);
}

static void
rm_tdir(void)
{
	char cmd[300];

	if (tdir[0] != '\0' && getenv("BULKRUN_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tdir);
	}
}

const char *
t_dir(void)
{
	if (tdir[0] == '\0') {
		snprintf(tdir, sizeof(tdir), "/tmp/bulkrun-e2e-XXXXXX");
		cr_assert_not_null(mkdtemp(tdir));
		atexit(rm_tdir);
	}
	return tdir;
}

const char *
t_path(const char *name)
{
	static char bufs[64][512];
	static int n;
	char *b = bufs[n++ % 64];

	snprintf(b, 512, "%s/%s", t_dir(), name);
	return b;
}

const char *
t_write(const char *name, const char *text)
{
	const char *p = t_path(name);
	FILE *f = fopen(p, "wb");

	cr_assert_not_null(f, "cannot write %s", p);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	return p;
}

char *
t_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static const char *
bin(const char *env, const char *dflt)
{
	const char *v = getenv(env);

	return v != NULL ? v : dflt;
}

static void
sim_startv(struct sim *s, va_list ap)
{
	const char *argv[64];
	char line[256] = "";
	int fds[2], argc = 0, n = 0;
	struct pollfd pfd;
	const char *a;
	ssize_t r;

	memset(s, 0, sizeof(*s));
	static int nsims;

	snprintf(s->log, sizeof(s->log), "%s/sim-%d-%d.jsonl", t_dir(),
	    (int)getpid(), ++nsims);
	argv[argc++] = bin("BULKRUN_SIM", "build/bulkrun-sim");
	argv[argc++] = "--port";
	argv[argc++] = "0";
	argv[argc++] = "--log";
	argv[argc++] = s->log;
	while ((a = va_arg(ap, const char *)) != NULL && argc < 62)
		argv[argc++] = a;
	argv[argc] = NULL;
	cr_assert_eq(pipe(fds), 0);
	s->pid = fork();
	cr_assert_neq(s->pid, -1);
	if (s->pid == 0) {
		/* stderr to a file: a stray simulator must not hold the
		 * test runner's pipes open */
		int efd = open(t_path("sim-stderr"), O_WRONLY | O_CREAT |
		    O_APPEND, 0600);

		if (efd >= 0)
			dup2(efd, 2);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (live_sim == 0)
		atexit(kill_sim);
	live_sim = s->pid;
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	while (n < (int)sizeof(line) - 1 && strchr(line, '\n') == NULL) {
		cr_assert_gt(poll(&pfd, 1, 10000), 0,
		    "bulkrun-sim did not say its port within 10 s");
		r = read(fds[0], line + n, sizeof(line) - 1 - (size_t)n);
		cr_assert_gt(r, 0, "bulkrun-sim exited before listening");
		n += (int)r;
		line[n] = '\0';
	}
	close(fds[0]);
	a = strstr(line, "://127.0.0.1:");
	cr_assert_not_null(a, "unexpected first line from sim: %s", line);
	s->port = atoi(a + strlen("://127.0.0.1:"));
	cr_assert_gt(s->port, 0);
	snprintf(s->url, sizeof(s->url), "%s127.0.0.1:%d",
	    strstr(line, "https://") ? "https://" : "http://", s->port);
}

void
sim_start(struct sim *s, ...)
{
	va_list ap;

	va_start(ap, s);
	sim_startv(s, ap);
	va_end(ap);
}

void
sim_stop(struct sim *s)
{
	int st;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &st, 0);
		if (live_sim == s->pid)
			live_sim = -1;
		s->pid = 0;
	}
}

cJSON *
sim_log(const struct sim *s)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	char *text = t_read(s->log), *line, *save = NULL;

	cr_assert_not_null(arr);
	if (text == NULL)
		return arr;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		o = cJSON_Parse(line);
		cr_assert_not_null(o, "bad sim log line: %s", line);
		cJSON_AddItemToArray(arr, o);
	}
	free(text);
	return arr;
}

int
sim_count(const struct sim *s)
{
	cJSON *l = sim_log(s);
	int n = cJSON_GetArraySize(l);

	cJSON_Delete(l);
	return n;
}

/* Lines in a file so far (0 if it is absent). */
static int
count_lines(const char *path)
{
	char buf[8192];
	size_t r, i;
	int n = 0;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < r; i++)
			n += buf[i] == '\n';
	fclose(f);
	return n;
}

/* With times > 0, sig goes to bulkrun 500 ms after s has logged nreq
 * requests, and then times - 1 more 300 ms apart. */
static void
run_argv(struct out *o, const char *in, const char **argv, int sig,
    int times, const struct sim *s, int nreq)
{
	char outp[512], errp[512], inp[512];
	int st, fd, waited = 0, sent = 0, first = -1, seen = -1;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	snprintf(outp, sizeof(outp), "%s/stdout", t_dir());
	snprintf(errp, sizeof(errp), "%s/stderr", t_dir());
	snprintf(inp, sizeof(inp), "%s/stdin", t_dir());
	if (in != NULL)
		t_write("stdin", in);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		fd = open(in != NULL ? inp : "/dev/null", O_RDONLY);
		dup2(fd, 0);
		fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		struct timespec ts = { 0, 10000000L };

		if (s != NULL && seen < 0 && count_lines(s->log) >= nreq)
			seen = waited;
		if (sent == 0 && times > 0 && seen >= 0 &&
		    (waited - seen) * 10 >= 500) {
			kill(pid, sig);
			sent++;
			first = waited;
		} else if (sent > 0 && sent < times &&
		    (waited - first) * 10 >= sent * 300) {
			kill(pid, sig);
			sent++;
		}
		if (s != NULL && seen < 0 && times > 0 && waited >= 3000) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			cr_assert_fail("the simulator logged fewer than %d "
			    "requests in 30 s", nreq);
		}
		if (++waited > 6000) {	/* 60 s */
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			cr_assert_fail("bulkrun ran for more than 60 s");
		}
		nanosleep(&ts, NULL);
	}
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	o->out = t_read(outp);
	o->err = t_read(errp);
}

/* Sets argv[0] to bulkrun and, after the argv[1..argc-1] the caller set,
 * appends the NULL-terminated arguments in ap (62 in all at most) and the
 * NULL. */
static void
argv_add(const char **argv, int argc, va_list ap)
{
	const char *a;

	argv[0] = bin("BULKRUN", "build/bulkrun");
	while ((a = va_arg(ap, const char *)) != NULL && argc < 62)
		argv[argc++] = a;
	argv[argc] = NULL;
}

void
run_bulkrun(struct out *o, const char *in, ...)
{
	const char *argv[64];
	va_list ap;

	va_start(ap, in);
	argv_add(argv, 1, ap);
	va_end(ap);
	run_argv(o, in, argv, 0, 0, NULL, 0);
}

void
out_release(struct out *o)
{
	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
}

struct tload {
	struct table	*t;
	char		**row;
	size_t		 n;
};

static void
on_field(void *s, size_t len, void *vp)
{
	struct tload *l = vp;
	char *c = malloc(len + 1);

	cr_assert_not_null(c);
	memcpy(c, s, len);
	c[len] = '\0';
	l->row = realloc(l->row, (l->n + 1) * sizeof(*l->row));
	l->row[l->n++] = c;
}

static void
on_record(int ch, void *vp)
{
	struct tload *l = vp;
	struct table *t = l->t;

	(void)ch;
	t->cell = realloc(t->cell, (t->nrows + 1) * sizeof(*t->cell));
	cr_assert_not_null(t->cell);
	/* pad to the header's width */
	if (t->nrows == 0)
		t->ncols = l->n;
	cr_assert_leq(l->n, t->ncols, "report row %zu has %zu cells, the "
	    "header %zu", t->nrows, l->n, t->ncols);
	l->row = realloc(l->row, (t->ncols > l->n ? t->ncols : l->n) *
	    sizeof(*l->row) + sizeof(*l->row));
	while (l->n < t->ncols)
		l->row[l->n++] = strdup("");
	t->cell[t->nrows++] = l->row;
	l->row = NULL;
	l->n = 0;
}

int
table_load(struct table *t, const char *path, int delim)
{
	struct csv_parser p;
	struct tload l = { t, NULL, 0 };
	char *text = t_read(path), *s;

	memset(t, 0, sizeof(*t));
	if (text == NULL)
		return -1;
	s = text;
	if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF)
		s += 3;
	csv_init(&p, CSV_APPEND_NULL);
	csv_set_delim(&p, (unsigned char)delim);
	csv_parse(&p, s, strlen(s), on_field, on_record, &l);
	csv_fini(&p, on_field, on_record, &l);
	csv_free(&p);
	free(text);
	return 0;
}

const char *
table_get(const struct table *t, size_t r, const char *col)
{
	size_t c;

	if (t->nrows == 0 || r >= t->nrows)
		return NULL;
	for (c = 0; c < t->ncols; c++)
		if (strcmp(t->cell[0][c], col) == 0)
			return t->cell[r][c];
	return NULL;
}

size_t
table_find(const struct table *t, const char *col, const char *value)
{
	size_t r;
	const char *v;

	for (r = 1; r < t->nrows; r++)
		if ((v = table_get(t, r, col)) != NULL && strcmp(v, value) == 0)
			return r;
	return 0;
}

void
table_release(struct table *t)
{
	size_t r, c, n;

	for (r = 0; r < t->nrows; r++) {
		n = t->ncols;
		for (c = 0; c < n; c++)
			free(t->cell[r][c]);
		free(t->cell[r]);
	}
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

size_t
table_count(const struct table *t, const char *outcome, const char *code)
{
	size_t r, n = 0;

	for (r = 1; r < t->nrows; r++)
		if (strcmp(table_get(t, r, "outcome"), outcome) == 0 &&
		    (code == NULL ||
		    strcmp(table_get(t, r, "error_code"), code) == 0))
			n++;
	return n;
}

const char *
log_header(const cJSON *e, const char *name)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(e, "headers"), *v;

	cJSON_ArrayForEach(v, h)
		if (strcasecmp(v->string, name) == 0)
			return v->valuestring;
	return NULL;
}

const char *
t_css_manifest(const char *name, int n, const char *fmt)
{
	const char *path = t_path(name);
	char id[128];
	FILE *f;
	int i;

	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("op,project_id,cluster_id\n", f);
	for (i = 1; i <= n; i++) {
		snprintf(id, sizeof(id), fmt, i);
		fprintf(f, "css.restart_cluster,p1,%s\n", id);
	}
	cr_assert_eq(fclose(f), 0);
	return path;
}

void
fx_start(struct fx *f, ...)
{
	va_list ap;

	memset(f, 0, sizeof(*f));
	f->loaded = -1;
	va_start(ap, f);
	sim_startv(&f->s, ap);
	va_end(ap);
}

void
fx_signal(struct fx *f, int nreq, int sig, int times)
{
	f->sig_nreq = nreq;
	f->sig = sig;
	f->sig_times = times;
}

void
fx_run(struct fx *f, const char *manifest, const char *report, int delim,
    ...)
{
	const char *argv[64];
	int argc = 1;
	va_list ap;

	out_release(&f->o);
	table_release(&f->t);
	f->report = report != NULL ? t_path(report) : NULL;
	f->loaded = -1;
	argv[argc++] = "run";
	argv[argc++] = manifest;
	argv[argc++] = "--endpoint";
	argv[argc++] = f->s.url;
	if (report != NULL) {
		argv[argc++] = "-o";
		argv[argc++] = f->report;
	}
	va_start(ap, delim);
	argv_add(argv, argc, ap);
	va_end(ap);
	run_argv(&f->o, f->in, argv, f->sig, f->sig_times,
	    f->sig != 0 ? &f->s : NULL, f->sig_nreq);
	if (delim != 0 && f->report != NULL)
		f->loaded = table_load(&f->t, f->report, delim);
}

void
fx_end(struct fx *f)
{
	table_release(&f->t);
	out_release(&f->o);
	sim_stop(&f->s);
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double *
log_times(const cJSON *log, int *n)
{
	const cJSON *e;
	double *t;
	int i = 0;

	*n = cJSON_GetArraySize(log);
	t = calloc((size_t)*n + 1, sizeof(*t));
	cr_assert_not_null(t);
	cJSON_ArrayForEach(e, log)
		t[i++] = cJSON_GetObjectItem(e, "time_ms")->valuedouble;
	qsort(t, (size_t)*n, sizeof(*t), cmp_d);
	return t;
}

int
window_max(const double *t, int n, double len)
{
	int i, k = 0, most = 0;

	for (i = 0; i < n; i++) {
		while (t[i] - t[k] >= len)
			k++;
		if (i - k + 1 > most)
			most = i - k + 1;
	}
	return most;
}
