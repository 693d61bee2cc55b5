/*
 * ratelimit.h - token bucket.  Pure: the caller passes the clock and owns
 * the struct; there is no lock inside (the main thread owns limiters).
 */
#ifndef BR_RATELIMIT_H
#define BR_RATELIMIT_H

#include <stdint.h>

struct br_ratelimit {
	double	 rate;		/* tokens per second; <= 0: unlimited */
	double	 burst;		/* bucket size, >= 1 */
	double	 tokens;
	int64_t	 last_ms;
};

/* The bucket starts full (burst tokens). */
void	br_ratelimit_init(struct br_ratelimit *rl, double rate, double burst,
	    int64_t now_ms);
/* Takes a token and returns 0, or returns the ms to wait (>= 1). */
int64_t	br_ratelimit_take(struct br_ratelimit *rl, int64_t now_ms);
/* The ms until a token is there (0: now), taking nothing. */
int64_t	br_ratelimit_peek(struct br_ratelimit *rl, int64_t now_ms);
/* Changes the rate (for adaptive throttling), keeping the tokens. */
void	br_ratelimit_set_rate(struct br_ratelimit *rl, double rate,
	    int64_t now_ms);

/* Parses "20", "20/s", "600/m", "3600/h", "unlimited" into per second
 * (0 = unlimited).  0 or -1. */
int	br_rate_parse(const char *s, double *per_sec);

#endif
