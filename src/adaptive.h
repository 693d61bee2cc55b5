/*
 * adaptive.h - adaptive throttling (AIMD) for one service.  Pure: the
 * clock is passed in; the main thread owns it.
 *
 * Until the cloud throttles, it sets no limit.  On a throttling answer
 * (429, APIG.0308, DMS.10240407) the rate drops at once to what the
 * service has been accepting - the rate of good answers over the last
 * second - less 5 %, and never above 0.85 times what was being sent;
 * further throttling answers within a second (sent before the cut) change
 * nothing.  While answers are good it climbs back by a fixed step a
 * second (1/20 of the rate it was cut from), never above the ceiling
 * (--rate).
 */
#ifndef BR_ADAPTIVE_H
#define BR_ADAPTIVE_H

#include <stdint.h>

#define BR_ADAPT_SLOTS	10	/* 100 ms slots: a one-second window */

struct br_adapt {
	double	 ceiling;	/* --rate; 0: none */
	double	 rate;		/* effective rate; 0: not engaged */
	double	 step;		/* additive increase, per second */
	int64_t	 last_cut_ms;
	int64_t	 last_step_ms;
	int64_t	 start_ms;
	int64_t	 slot_ms;	/* start of the current slot */
	int	 slot;
	long	 sent[BR_ADAPT_SLOTS];
	long	 good[BR_ADAPT_SLOTS];
	long	 cuts;		/* how often it cut the rate */
};

void	br_adapt_init(struct br_adapt *a, double ceiling, int64_t now_ms);
/* A request went out. */
void	br_adapt_sent(struct br_adapt *a, int64_t now_ms);
/* An answer came: throttled or not.  Returns 1 when the rate changed. */
int	br_adapt_answer(struct br_adapt *a, int throttled, int64_t now_ms);
/* The rate to apply now: 0 means no limit from adaptation. */
double	br_adapt_rate(const struct br_adapt *a);

#endif
