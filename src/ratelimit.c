#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ratelimit.h"

/*
 * The bucket holds burst tokens plus what 1 ms earns (at most half a
 * token): a caller that wakes up a millisecond late - a whole tick of the
 * ms clock - keeps its pace instead of losing that time at every token.
 * A one-second window still holds at most rate + burst takes.
 */
static double
cap(const struct br_ratelimit *rl)
{
	double slack = rl->rate / 1000.0;

	return rl->burst + (slack > 0.5 ? 0.5 : slack);
}

static void
refill(struct br_ratelimit *rl, int64_t now_ms)
{
	if (now_ms > rl->last_ms) {
		rl->tokens += (double)(now_ms - rl->last_ms) * rl->rate / 1000.0;
		if (rl->tokens > cap(rl))
			rl->tokens = cap(rl);
		rl->last_ms = now_ms;
	}
}

void
br_ratelimit_init(struct br_ratelimit *rl, double rate, double burst,
    int64_t now_ms)
{
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	rl->tokens = rl->burst;
	rl->last_ms = now_ms;
}

int64_t
br_ratelimit_peek(struct br_ratelimit *rl, int64_t now_ms)
{
	double ms;

	if (rl->rate <= 0)
		return 0;
	refill(rl, now_ms);
	if (rl->tokens >= 1.0 - 1e-9)
		return 0;
	ms = ceil((1.0 - rl->tokens) * 1000.0 / rl->rate - 1e-6);
	return ms < 1 ? 1 : (int64_t)ms;
}

int64_t
br_ratelimit_take(struct br_ratelimit *rl, int64_t now_ms)
{
	int64_t wait;

	if ((wait = br_ratelimit_peek(rl, now_ms)) != 0)
		return wait;
	if (rl->rate > 0)
		rl->tokens -= 1.0;
	return 0;
}

void
br_ratelimit_set_rate(struct br_ratelimit *rl, double rate, int64_t now_ms)
{
	if (rl->rate > 0)
		refill(rl, now_ms);
	else
		rl->tokens = rl->burst, rl->last_ms = now_ms;
	rl->rate = rate;
}

int
br_rate_parse(const char *s, double *per_sec)
{
	char *end;
	double v, unit = 1.0;

	if (strcasecmp(s, "unlimited") == 0 || strcasecmp(s, "inf") == 0) {
		*per_sec = 0;
		return 0;
	}
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v <= 0)
		return -1;
	if (*end == '/') {
		end++;
		if (strcmp(end, "s") == 0 || strcmp(end, "sec") == 0)
			unit = 1.0;
		else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
			unit = 60.0;
		else if (strcmp(end, "h") == 0)
			unit = 3600.0;
		else
			return -1;
	} else if (*end != '\0')
		return -1;
	*per_sec = v / unit;
	return 0;
}
