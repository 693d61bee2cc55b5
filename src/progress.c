/*
 * progress.c - the progress line on stderr.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"

void
br_progress_init(struct br_progress *p, int opt, int quiet, FILE *f,
    int is_tty, int64_t now_ms)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->last_ms = now_ms;
	if (quiet || opt < 0)
		p->mode = 0;
	else if (is_tty)
		p->mode = 1;
	else
		p->mode = opt > 0 ? 2 : 0;
}

/* ", 8 in flight, 2 verifying, waiting: 2 retry, 40 token" (verifying
 * with --wait, the waiting part only when a row waits). */
static void
format_now(const struct br_stats *s, char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, ", %ld in flight", s->inflight);

	if (n > 0 && (size_t)n < bufsz && s->verifying > 0)
		n += snprintf(buf + n, bufsz - (size_t)n, ", %ld verifying",
		    s->verifying);

	if (n > 0 && (size_t)n < bufsz &&
	    s->waiting_retry + s->waiting_token > 0)
		snprintf(buf + n, bufsz - (size_t)n, ", waiting: %ld retry, "
		    "%ld token", s->waiting_retry, s->waiting_token);
}

void
br_progress_format(const struct br_progress *p, const struct br_stats *s,
    char *buf, size_t bufsz)
{
	long done = br_stats_done(s), left;
	char eta[32] = "--:--", now[96];
	double secs;
	int pct = 0;

	format_now(s, now, sizeof(now));
	if (s->total > 0) {
		pct = (int)(done * 100 / s->total);
		left = s->total - done;
		if (p->rate > 0.01 && left > 0) {
			secs = (double)left / p->rate;
			if (secs < 360000)
				snprintf(eta, sizeof(eta), "%d:%02d:%02d",
				    (int)secs / 3600, (int)secs / 60 % 60,
				    (int)secs % 60);
		} else if (left == 0)
			snprintf(eta, sizeof(eta), "0:00:00");
		snprintf(buf, bufsz, "%ld/%ld rows (%d%%), %ld succeeded, "
		    "%ld failed%s, %.1f/s, ETA %s", done, s->total, pct,
		    s->outcomes[BR_OUT_SUCCEEDED], s->outcomes[BR_OUT_FAILED],
		    now, p->rate, eta);
	} else
		snprintf(buf, bufsz, "%ld rows, %ld succeeded, %ld failed%s, "
		    "%.1f/s", done, s->outcomes[BR_OUT_SUCCEEDED],
		    s->outcomes[BR_OUT_FAILED], now, p->rate);
}

void
br_progress_tick(struct br_progress *p, const struct br_stats *s,
    int64_t now_ms)
{
	int64_t every = p->mode == 1 ? 250 : 10000;
	long done;
	double inst;
	char line[256];

	if (p->mode == 0 || now_ms - p->last_ms < every)
		return;
	done = br_stats_done(s);
	inst = (double)(done - p->last_done) * 1000.0 /
	    (double)(now_ms - p->last_ms);
	p->rate = p->rate <= 0 ? inst : 0.7 * p->rate + 0.3 * inst;
	p->last_ms = now_ms;
	p->last_done = done;
	br_progress_format(p, s, line, sizeof(line));
	if (p->mode == 1) {
		fprintf(p->f, "\r%s\033[K", line);
		p->drawn = 1;
	} else
		fprintf(p->f, "bulkrun: %s\n", line);
	fflush(p->f);
}

void
br_progress_end(struct br_progress *p)
{
	if (p->mode == 1 && p->drawn) {
		fputs("\r\033[K", p->f);
		fflush(p->f);
		p->drawn = 0;
	}
}
