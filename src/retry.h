/*
 * retry.h - what is retried, and how long to wait.  Pure: the random
 * state and the clock are passed in.
 */
#ifndef BR_RETRY_H
#define BR_RETRY_H

#include <stddef.h>
#include <stdint.h>

#define BR_RETRY_MAX_ITEMS	32

struct br_retry_policy {
	int	 retries;		/* after the first attempt */
	int64_t	 base_ms;		/* --backoff */
	int64_t	 max_ms;		/* --max-backoff */
	int	 on_net;		/* retry network failures */
	int	 on_net_unsafe;		/* ... also a request that was sent,
					   got no answer and is not
					   idempotent ("net-unsafe") */
	int	 statuses[BR_RETRY_MAX_ITEMS];
	size_t	 nstatuses;
	char	 codes[BR_RETRY_MAX_ITEMS][40];	/* error codes */
	size_t	 ncodes;
};

/* Defaults: 3 retries, 500 ms, 30 s, net,429,500,502,503,504. */
void	br_retry_defaults(struct br_retry_policy *p);
/* Parses --retry-on: comma-separated "net", "net-unsafe" (implies net),
 * HTTP statuses (100-599), error codes (anything else, e.g. "FDI.3150"),
 * or "none".  0, or -1 with the reason in msg. */
int	br_retry_parse_on(struct br_retry_policy *p, const char *list,
	    char *msg, size_t msgsz);
/* Whether the error code names throttling (APIG.0308, DMS.10240407). */
int	br_retry_is_throttle(const char *code);
/* Whether a failed attempt may be retried: net != 0 for a network
 * failure (maybe_applied: the request went out, got no answer, and its
 * operation is not idempotent: retried only with net-unsafe), else status
 * and the body's code.  Throttling codes count as status 429.  Attempts
 * are not counted here. */
int	br_retry_wanted(const struct br_retry_policy *p, int net,
	    int maybe_applied, long status, const char *code);
/* Full-jitter backoff before retry number n (1 = first retry): uniform in
 * [0, min(max, base * 2^(n-1))].  *rng is xorshift state (non-zero). */
int64_t	br_retry_backoff(const struct br_retry_policy *p, int n,
	    uint64_t *rng);
/* The next number of the xorshift state *rng (non-zero; the run's one
 * generator, for backoff and poll jitter alike). */
uint64_t br_retry_rand(uint64_t *rng);
/* Parses a Retry-After value (delta seconds or an HTTP date) into ms from
 * now_ms (epoch); -1 when absent or unreadable. */
int64_t	br_retry_after_ms(const char *value, int64_t now_ms);
/* The wait before retry number n: the backoff, or the answer's
 * Retry-After (up to the policy's max) when longer. */
int64_t	br_retry_delay(const struct br_retry_policy *p, int n, uint64_t *rng,
	    const char *retry_after, int64_t now_ms);

#endif
