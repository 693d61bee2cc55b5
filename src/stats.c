/*
 * stats.c - a run's counts, latency histogram and end-of-run summary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Bucket i holds latencies up to upper(i) ms: 1 ms steps to 64 ms, then
 * growing by 1/16 each step (a few per cent of error). */
static int64_t
upper(int i)
{
	double v;

	if (i < 64)
		return i + 1;
	v = 64.0 * pow(1.0625, i - 63);
	return (int64_t)ceil(v);
}

static int
bucket(int64_t ms)
{
	int lo = 0, hi = BR_STATS_BUCKETS - 1, mid;

	if (ms <= 0)
		return 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (upper(mid) >= ms)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void
br_stats_init(struct br_stats *s, long total, int64_t now_mono)
{
	memset(s, 0, sizeof(*s));
	s->total = total;
	s->start_mono = s->end_mono = now_mono;
}

void
br_stats_add(struct br_stats *s, const struct br_result *r)
{
	size_t i;

	if (r->outcome >= BR_OUT_SUCCEEDED && r->outcome <= BR_OUT_CANCELLED)
		s->outcomes[r->outcome]++;
	if (r->attempts > 1)
		s->retries += r->attempts - 1;
	if (r->attempts > 0) {
		s->lat[bucket(r->elapsed_ms)]++;
		s->nlat++;
		if (r->elapsed_ms > s->lat_max)
			s->lat_max = r->elapsed_ms;
	}
	if (r->error_code == NULL || r->error_code[0] == '\0')
		return;
	for (i = 0; i < s->ncodes; i++)
		if (strcmp(s->codes[i].code, r->error_code) == 0) {
			s->codes[i].n++;
			return;
		}
	if (s->ncodes < BR_STATS_CODES &&
	    strlen(r->error_code) < sizeof(s->codes[0].code)) {
		strcpy(s->codes[s->ncodes].code, r->error_code);
		s->codes[s->ncodes++].n = 1;
	} else
		s->other_codes++;
}

void
br_stats_add_op(struct br_stats *s, const char *op, enum br_outcome outcome)
{
	size_t i;

	if (outcome < BR_OUT_SUCCEEDED || outcome > BR_OUT_CANCELLED)
		return;
	if (op == NULL)
		op = "";
	for (i = 0; i < s->nops; i++)
		if (strcmp(s->ops[i].op, op) == 0) {
			s->ops[i].outcomes[outcome]++;
			return;
		}
	if (s->nops < BR_STATS_OPS && strlen(op) < sizeof(s->ops[0].op)) {
		strcpy(s->ops[s->nops].op, op);
		s->ops[s->nops++].outcomes[outcome] = 1;
	} else
		s->other_ops[outcome]++;
}

int64_t
br_stats_percentile(const struct br_stats *s, double pct)
{
	uint64_t want, seen = 0;
	int i;

	if (s->nlat == 0)
		return 0;
	want = (uint64_t)ceil((double)s->nlat * pct / 100.0);
	if (want == 0)
		want = 1;
	for (i = 0; i < BR_STATS_BUCKETS; i++) {
		seen += s->lat[i];
		if (seen >= want) {
			int64_t u = upper(i);
			return u > s->lat_max ? s->lat_max : u;
		}
	}
	return s->lat_max;
}

static int
by_count(const void *a, const void *b)
{
	const struct br_code_count *x = a, *y = b;

	return (x->n < y->n) - (x->n > y->n);
}

void
br_stats_print(const struct br_stats *s, const char *report_path, FILE *f)
{
	static const char *names[] = { "", "succeeded", "failed", "invalid",
	    "skipped", "cancelled" };
	struct br_stats c = *s;
	double secs;
	long rows = 0;
	size_t i;
	int o;

	for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++)
		rows += s->outcomes[o];
	secs = (double)(s->end_mono - s->start_mono) / 1000.0;
	fprintf(f, "bulkrun: %ld rows:", rows);
	for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++)
		if (s->outcomes[o] > 0 || o <= BR_OUT_FAILED)
			fprintf(f, " %ld %s,", s->outcomes[o], names[o]);
	fprintf(f, " in %.1fs", secs);
	if (secs > 0 && s->nlat > 0)
		fprintf(f, " (%.1f rows/s)", (double)s->nlat / secs);
	fputc('\n', f);
	if (s->nlat > 0)
		fprintf(f, "  latency ms: p50 %lld, p95 %lld, p99 %lld, "
		    "max %lld; retries %ld, throttled %ld\n",
		    (long long)br_stats_percentile(s, 50),
		    (long long)br_stats_percentile(s, 95),
		    (long long)br_stats_percentile(s, 99),
		    (long long)s->lat_max, s->retries, s->throttled);
	if (c.ncodes > 0) {
		qsort(c.codes, c.ncodes, sizeof(c.codes[0]), by_count);
		fputs("  top errors:", f);
		for (i = 0; i < c.ncodes && i < 5; i++)
			fprintf(f, "%s %s x%ld", i ? "," : "", c.codes[i].code,
			    c.codes[i].n);
		if (c.ncodes > 5 || c.other_codes > 0)
			fputs(", ...", f);
		fputc('\n', f);
	}
	if (report_path != NULL)
		fprintf(f, "  report: %s\n", report_path);
}

long
br_stats_done(const struct br_stats *s)
{
	long n = 0;
	int o;

	for (o = BR_OUT_SUCCEEDED; o <= BR_OUT_CANCELLED; o++)
		n += s->outcomes[o];
	return n;
}
