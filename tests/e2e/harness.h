/*
 * harness.h - end-to-end helpers: start bulkrun-sim on 127.0.0.1, run the
 * real bulkrun binary, read its report and the simulator's request log.
 * Binaries come from $BULKRUN and $BULKRUN_SIM (the Makefile sets them).
 */
#ifndef BR_HARNESS_H
#define BR_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include <cJSON.h>

struct sim {
	pid_t	 pid;
	int	 port;
	char	 url[64];	/* http://127.0.0.1:PORT */
	char	 log[512];
};

struct out {
	int	 status;	/* exit status, or 128+signal */
	char	*out;		/* stdout */
	char	*err;		/* stderr */
};

/* A fresh temporary directory for this test (removed at exit). */
const char	*t_dir(void);
/* Writes text to t_dir()/name; returns the full path (a static buffer,
 * one of 64 used in turn: good for the length of a test). */
const char	*t_write(const char *name, const char *text);
const char	*t_path(const char *name);
char		*t_read(const char *path);	/* malloc'd, NULL if absent */

/* Starts the simulator with extra arguments (NULL-terminated list). */
void	sim_start(struct sim *s, ...);
void	sim_stop(struct sim *s);
/* The request log as a cJSON array of objects (caller deletes). */
cJSON	*sim_log(const struct sim *s);
int	 sim_count(const struct sim *s);

/* Runs bulkrun with args (NULL-terminated), stdin from in (or
 * /dev/null), and waits at most 60 s. */
void	run_bulkrun(struct out *o, const char *in, ...);
void	out_release(struct out *o);

/* A CSV report: rows[r][c] with the header as row 0. */
struct table {
	size_t	  nrows, ncols;
	char	***cell;
};
int	 table_load(struct table *t, const char *path, int delim);
/* Cell of data row r (1-based) in the named column, or NULL. */
const char *table_get(const struct table *t, size_t r, const char *col);
/* The data row whose column col equals value (1-based), or 0. */
size_t	 table_find(const struct table *t, const char *col,
	    const char *value);
/* Data rows with that outcome (and error code, unless code is NULL). */
size_t	 table_count(const struct table *t, const char *outcome,
	    const char *code);
void	 table_release(struct table *t);

/* The times (time_ms) of every request in the log, sorted (malloc'd;
 * *n of them). */
double	*log_times(const cJSON *log, int *n);
/* The most times in t[0..n) (sorted, ms) within any [x, x + len). */
int	 window_max(const double *t, int n, double len);
/* A request header as the simulator logged it (name case-insensitive). */
const char *log_header(const cJSON *entry, const char *name);
/* Writes a css.restart_cluster manifest of n rows, cluster ids from fmt
 * (with one %d for the row); returns its path. */
const char *t_css_manifest(const char *name, int n, const char *fmt);

/* The common ritual: a simulator, one bulkrun run against it into a CSV
 * report in t_dir(), and that report as a table.
 *
 *	struct fx f;
 *
 *	fx_start(&f, NULL);			(simulator arguments)
 *	fx_run(&f, m, "r.csv", ',', "-j", "1", NULL);
 *	cr_assert_eq(f.o.status, 1, ...);
 *	cr_assert_eq(f.loaded, 0);		(f.t holds the report)
 *	...
 *	fx_end(&f);
 *
 * fx_run may follow as often as the test needs (a --resume run, say); each
 * run releases what the one before left in f.o and f.t.
 */
struct fx {
	struct sim	 s;
	struct out	 o;
	struct table	 t;
	const char	*report;	/* t_path() of the last report, or NULL */
	int		 loaded;	/* table_load's answer: 0 or -1 */
	const char	*in;		/* stdin of the runs (NULL: /dev/null) */
	int		 sig, sig_times, sig_nreq;	/* see fx_signal */
};

void	fx_start(struct fx *f, ...);
/* Releases the last run's output and table, runs "bulkrun run MANIFEST
 * --endpoint SIM -o t_dir()/REPORT ARGS..." (NULL-terminated; no -o when
 * REPORT is NULL), stdin from f->in, then loads the report with delim (0:
 * does not load it). */
void	fx_run(struct fx *f, const char *manifest, const char *report,
	    int delim, ...);
/* The runs that follow get sig `times` times: the first 500 ms after the
 * simulator has logged nreq requests (waiting at most 30 s for them), so a
 * slow start on a busy machine cannot make it early, and bulkrun has taken
 * in the answers that came at once; the others follow 300 ms apart. */
void	fx_signal(struct fx *f, int nreq, int sig, int times);
/* Releases the table and output and stops the simulator. */
void	fx_end(struct fx *f);

#endif
