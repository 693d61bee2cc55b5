#include <string.h>

#include "adaptive.h"

#define SLOT_MS		100
#define COOLDOWN_MS	1000
#define MIN_RATE	0.5

void
br_adapt_init(struct br_adapt *a, double ceiling, int64_t now_ms)
{
	memset(a, 0, sizeof(*a));
	a->ceiling = ceiling;
	a->start_ms = a->slot_ms = now_ms;
}

/* Moves the window so that the current slot holds now. */
static void
advance(struct br_adapt *a, int64_t now_ms)
{
	int n = 0;

	while (now_ms - a->slot_ms >= SLOT_MS && n < BR_ADAPT_SLOTS) {
		a->slot = (a->slot + 1) % BR_ADAPT_SLOTS;
		a->sent[a->slot] = a->good[a->slot] = 0;
		a->slot_ms += SLOT_MS;
		n++;
	}
	if (now_ms - a->slot_ms >= SLOT_MS)	/* a long quiet spell */
		a->slot_ms = now_ms;
}

/* Per second, over the last second (or since the start, if shorter). */
static double
per_sec(const struct br_adapt *a, const long *v, int64_t now_ms)
{
	int64_t span = now_ms - a->start_ms;
	long sum = 0;
	int i;

	for (i = 0; i < BR_ADAPT_SLOTS; i++)
		sum += v[i];
	if (span > SLOT_MS * BR_ADAPT_SLOTS)
		span = SLOT_MS * BR_ADAPT_SLOTS;
	if (span < SLOT_MS)
		span = SLOT_MS;
	return (double)sum * 1000.0 / (double)span;
}

void
br_adapt_sent(struct br_adapt *a, int64_t now_ms)
{
	advance(a, now_ms);
	a->sent[a->slot]++;
}

int
br_adapt_answer(struct br_adapt *a, int throttled, int64_t now_ms)
{
	double was, good, sent, secs;

	advance(a, now_ms);
	if (!throttled) {
		a->good[a->slot]++;
		if (a->rate <= 0 || now_ms - a->last_cut_ms < COOLDOWN_MS)
			return 0;
		secs = (double)(now_ms - a->last_step_ms) / 1000.0;
		if (secs < 0.1)
			return 0;
		a->last_step_ms = now_ms;
		a->rate += a->step * secs;
		if (a->ceiling > 0 && a->rate > a->ceiling)
			a->rate = a->ceiling;
		return 1;
	}
	if (a->rate > 0 && now_ms - a->last_cut_ms < COOLDOWN_MS)
		return 0;	/* sent before the last cut */
	sent = per_sec(a, a->sent, now_ms);
	good = per_sec(a, a->good, now_ms);
	was = a->rate > 0 ? a->rate : sent;
	if (a->ceiling > 0 && (was <= 0 || was > a->ceiling))
		was = a->ceiling;
	a->rate = 0.85 * was;
	if (good > 0 && good * 0.95 < a->rate)
		a->rate = good * 0.95;
	if (a->rate < MIN_RATE)
		a->rate = MIN_RATE;
	a->step = was / 20.0;
	if (a->step < 0.1)
		a->step = 0.1;
	a->last_cut_ms = a->last_step_ms = now_ms;
	a->cuts++;
	return 1;
}

double
br_adapt_rate(const struct br_adapt *a)
{
	return a->rate;
}
