/*
 * metrics.c - --metrics and --summary-json; see metrics.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "datetime.h"
#include "metrics.h"
#include "version.h"

static const char *const outcome_names[] = { "", "succeeded", "failed",
    "invalid", "skipped", "cancelled" };

/* A label value: backslash, double quote and newline escaped. */
static void
label_value(struct br_strbuf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			br_strbuf_addc(b, '\\');
		if (*v == '\n')
			br_strbuf_addstr(b, "\\n");
		else
			br_strbuf_addc(b, *v);
	}
}

static const char *
base_name(const char *path)
{
	const char *slash;

	if (path == NULL || strcmp(path, "-") == 0)
		return "stdin";
	slash = strrchr(path, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* The labels every series carries: {manifest="m.csv",shard="1/3"
 * (open: more may follow after a comma). */
static void
common(struct br_strbuf *b, const struct br_summary *s)
{
	br_strbuf_addstr(b, "{manifest=\"");
	label_value(b, base_name(s->manifest));
	br_strbuf_addc(b, '"');
	if (s->shard_n > 0)
		br_strbuf_addf(b, ",shard=\"%ld/%ld\"", s->shard_k, s->shard_n);
}

static void
head(struct br_strbuf *b, const char *name, const char *help)
{
	br_strbuf_addf(b, "# HELP bulkrun_%s %s\n# TYPE bulkrun_%s gauge\n",
	    name, help, name);
}

/* One series: bulkrun_NAME{common[,extra]} value. */
static void
series(struct br_strbuf *b, const struct br_summary *s, const char *name,
    const char *extra, double v)
{
	br_strbuf_addf(b, "bulkrun_%s", name);
	common(b, s);
	if (extra != NULL) {
		br_strbuf_addc(b, ',');
		br_strbuf_addstr(b, extra);
	}
	br_strbuf_addf(b, "} %.15g\n", v);
}

static int
by_count(const void *a, const void *b)
{
	const struct br_code_count *x = a, *y = b;

	if (x->n != y->n)
		return (x->n < y->n) - (x->n > y->n);
	return strcmp(x->code, y->code);
}

/* The error codes, most frequent first, into c (sorted copy); returns
 * how many are named; *other: the rows of the rest. */
static size_t
top_codes(const struct br_stats *st, struct br_code_count *c, long *other)
{
	size_t i, n = st->ncodes;

	memcpy(c, st->codes, n * sizeof(c[0]));
	qsort(c, n, sizeof(c[0]), by_count);
	*other = st->other_codes;
	for (i = BR_METRICS_CODES; i < n; i++)
		*other += c[i].n;
	return n < BR_METRICS_CODES ? n : BR_METRICS_CODES;
}

static void
prom_rows(const struct br_summary *s, struct br_strbuf *b)
{
	const struct br_stats *st = s->stats;
	struct br_strbuf l = BR_STRBUF_INIT;
	size_t i;
	int o;

	head(b, "last_run_rows", "Rows of the last run by outcome.");
	for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++) {
		br_strbuf_reset(&l);
		br_strbuf_addf(&l, "outcome=\"%s\"", outcome_names[o]);
		series(b, s, "last_run_rows", l.p, (double)st->outcomes[o]);
	}
	head(b, "last_run_operation_rows", "Rows the last run ended, by "
	    "operation and outcome (not those carried over by --resume).");
	for (i = 0; i <= st->nops; i++) {
		const long *n = i < st->nops ? st->ops[i].outcomes :
		    st->other_ops;

		if (i == st->nops && n[BR_OUT_SUCCEEDED] + n[BR_OUT_FAILED] +
		    n[BR_OUT_INVALID] + n[BR_OUT_SKIPPED] +
		    n[BR_OUT_CANCELLED] == 0)
			break;
		for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++) {
			br_strbuf_reset(&l);
			br_strbuf_addstr(&l, "operation=\"");
			label_value(&l, i < st->nops ? st->ops[i].op : "other");
			br_strbuf_addf(&l, "\",outcome=\"%s\"",
			    outcome_names[o]);
			series(b, s, "last_run_operation_rows", l.p,
			    (double)n[o]);
		}
	}
	br_strbuf_release(&l);
}

static void
prom_codes(const struct br_summary *s, struct br_strbuf *b)
{
	struct br_code_count c[BR_STATS_CODES];
	struct br_strbuf l = BR_STRBUF_INIT;
	size_t i, n;
	long other;

	n = top_codes(s->stats, c, &other);
	head(b, "last_run_error_rows", "Rows of the last run by error code "
	    "(the most frequent codes; the rest as code=\"other\").");
	for (i = 0; i < n; i++) {
		br_strbuf_reset(&l);
		br_strbuf_addstr(&l, "code=\"");
		label_value(&l, c[i].code);
		br_strbuf_addc(&l, '"');
		series(b, s, "last_run_error_rows", l.p, (double)c[i].n);
	}
	series(b, s, "last_run_error_rows", "code=\"other\"", (double)other);
	br_strbuf_release(&l);
}

void
br_metrics_prom(const struct br_summary *s, struct br_strbuf *b)
{
	const struct br_stats *st = s->stats;
	static const double q[] = { 50, 95, 99 };
	char l[64];
	size_t i;

	head(b, "last_run_start_timestamp_seconds", "When the last run "
	    "started (Unix time).");
	series(b, s, "last_run_start_timestamp_seconds", NULL,
	    (double)s->start_ms / 1000.0);
	head(b, "last_run_end_timestamp_seconds", "When the last run ended "
	    "(Unix time).");
	series(b, s, "last_run_end_timestamp_seconds", NULL,
	    (double)s->end_ms / 1000.0);
	head(b, "last_run_duration_seconds", "How long the last run took.");
	series(b, s, "last_run_duration_seconds", NULL,
	    (double)(s->end_ms - s->start_ms) / 1000.0);
	head(b, "last_run_exit_status", "The last run's exit status (0 all "
	    "succeeded, 1 failed rows, 2 usage, 3 halted, 4 report, "
	    "130/143 interrupted).");
	series(b, s, "last_run_exit_status", NULL, s->exit_status);
	head(b, "last_run_success", "1 when the last run's every row "
	    "succeeded, else 0.");
	series(b, s, "last_run_success", NULL, s->exit_status == 0);
	head(b, "last_run_planned_rows", "Rows the last run had to account "
	    "for (its shard).");
	series(b, s, "last_run_planned_rows", NULL, (double)s->rows);
	prom_rows(s, b);
	prom_codes(s, b);
	head(b, "last_run_retries", "Attempts beyond the first in the last "
	    "run.");
	series(b, s, "last_run_retries", NULL, (double)st->retries);
	head(b, "last_run_throttled", "Throttling answers (429, APIG.0308, "
	    "...) in the last run.");
	series(b, s, "last_run_throttled", NULL, (double)st->throttled);
	head(b, "last_run_latency_seconds", "Row latency of the last run, "
	    "first attempt to final answer: percentiles 50, 95, 99, 100.");
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		snprintf(l, sizeof(l), "percentile=\"%g\"", q[i]);
		series(b, s, "last_run_latency_seconds", l,
		    (double)br_stats_percentile(st, q[i]) / 1000.0);
	}
	series(b, s, "last_run_latency_seconds", "percentile=\"100\"",
	    (double)st->lat_max / 1000.0);
}

static cJSON *
json_outcomes(const long *n)
{
	cJSON *o = cJSON_CreateObject();
	int i;

	for (i = BR_OUT_SUCCEEDED; o != NULL && i <= BR_OUT_CANCELLED; i++)
		cJSON_AddNumberToObject(o, outcome_names[i], (double)n[i]);
	return o;
}

static void
json_counts(cJSON *root, const struct br_stats *st)
{
	struct br_code_count c[BR_STATS_CODES];
	cJSON *ops, *codes, *e, *lat;
	size_t i;
	long other;

	cJSON_AddItemToObject(root, "rows", json_outcomes(st->outcomes));
	ops = cJSON_AddObjectToObject(root, "operations");
	for (i = 0; ops != NULL && i < st->nops; i++)
		cJSON_AddItemToObject(ops, st->ops[i].op,
		    json_outcomes(st->ops[i].outcomes));
	if (ops != NULL && br_stats_done(st) > 0 &&
	    st->other_ops[BR_OUT_SUCCEEDED] + st->other_ops[BR_OUT_FAILED] +
	    st->other_ops[BR_OUT_INVALID] + st->other_ops[BR_OUT_SKIPPED] +
	    st->other_ops[BR_OUT_CANCELLED] > 0)
		cJSON_AddItemToObject(ops, "other",
		    json_outcomes(st->other_ops));
	(void)top_codes(st, c, &other);
	codes = cJSON_AddArrayToObject(root, "error_codes");
	for (i = 0; codes != NULL && i < st->ncodes; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "code", c[i].code);
		cJSON_AddNumberToObject(e, "rows", (double)c[i].n);
		cJSON_AddItemToArray(codes, e);
	}
	cJSON_AddNumberToObject(root, "error_codes_not_listed",
	    (double)st->other_codes);
	cJSON_AddNumberToObject(root, "retries", (double)st->retries);
	cJSON_AddNumberToObject(root, "throttled", (double)st->throttled);
	lat = cJSON_AddObjectToObject(root, "latency_ms");
	if (lat != NULL) {
		cJSON_AddNumberToObject(lat, "p50",
		    (double)br_stats_percentile(st, 50));
		cJSON_AddNumberToObject(lat, "p95",
		    (double)br_stats_percentile(st, 95));
		cJSON_AddNumberToObject(lat, "p99",
		    (double)br_stats_percentile(st, 99));
		cJSON_AddNumberToObject(lat, "max", (double)st->lat_max);
	}
}

char *
br_metrics_json(const struct br_summary *s)
{
	cJSON *root = cJSON_CreateObject();
	char when[40], shard[48], *text, *out = NULL;
	size_t n;

	if (root == NULL)
		return NULL;
	cJSON_AddStringToObject(root, "bulkrun", BR_VERSION);
	cJSON_AddStringToObject(root, "manifest", s->manifest != NULL ?
	    s->manifest : "");
	if (s->report != NULL)
		cJSON_AddStringToObject(root, "report", s->report);
	else
		cJSON_AddNullToObject(root, "report");
	snprintf(shard, sizeof(shard), "%ld/%ld", s->shard_k, s->shard_n);
	if (s->shard_n > 0)
		cJSON_AddStringToObject(root, "shard", shard);
	br_datetime_iso(s->start_ms, when, sizeof(when));
	cJSON_AddStringToObject(root, "started_at", when);
	br_datetime_iso(s->end_ms, when, sizeof(when));
	cJSON_AddStringToObject(root, "finished_at", when);
	cJSON_AddNumberToObject(root, "duration_s",
	    (double)(s->end_ms - s->start_ms) / 1000.0);
	cJSON_AddNumberToObject(root, "exit_status", s->exit_status);
	if (s->halted != NULL)
		cJSON_AddStringToObject(root, "halted", s->halted);
	else
		cJSON_AddNullToObject(root, "halted");
	if (s->signal != 0)
		cJSON_AddNumberToObject(root, "signal", s->signal);
	else
		cJSON_AddNullToObject(root, "signal");
	cJSON_AddNumberToObject(root, "planned_rows", (double)s->rows);
	json_counts(root, s->stats);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (text != NULL && (out = malloc((n = strlen(text)) + 2)) != NULL) {
		memcpy(out, text, n);
		memcpy(out + n, "\n", 2);
	}
	cJSON_free(text);
	return out;
}

int
br_metrics_write(const char *what, const char *path, const char *text,
    struct br_err *err)
{
	const char *slash = strrchr(path, '/');
	char tmp[4096], e[128];
	size_t len = strlen(text), dirlen = slash ? (size_t)(slash - path) + 1 :
	    0;
	ssize_t w;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", (int)dirlen, path,
	    path + dirlen);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return br_errf(err, BR_EIO, NULL, 0, "--%s '%s': the name is "
		    "too long", what, path);
	if ((fd = mkstemp(tmp)) < 0)
		goto fail;
	if (fchmod(fd, 0644) != 0)	/* node_exporter reads it */
		goto fail_fd;
	while (len > 0) {
		if ((w = write(fd, text, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		text += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail_tmp;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto fail_tmp;
	}
	return 0;
fail_fd:
	n = errno;
	close(fd);
	errno = n;
fail_tmp:
	n = errno;
	unlink(tmp);
	errno = n;
fail:
	strerror_r(errno, e, sizeof(e));
	return br_errf(err, BR_EIO, NULL, 0, "--%s '%s': %s", what, path, e);
}
