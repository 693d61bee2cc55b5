/*
 * svclimit.h - the rate limits a request passes: the global --rate, the
 * fixed --rate SERVICE=R of its service, and its service's adaptive rate
 * (AIMD on throttling answers, never above the fixed ones).  Pure: the
 * clock is passed in.  Services are made on first use.
 */
#ifndef BR_SVCLIMIT_H
#define BR_SVCLIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "adaptive.h"
#include "ratelimit.h"

struct br_svc_rate;

struct br_svclimit_svc {
	const char		*name;		/* the caller's string */
	int			 has_fixed;
	struct br_ratelimit	 fixed;		/* --rate SERVICE=R */
	struct br_adapt		 adapt;
	struct br_ratelimit	 adapt_rl;	/* follows adapt's rate */
};

struct br_svclimit {
	struct br_ratelimit		 global;
	double				 rate, burst;
	const struct br_svc_rate	*fixed;	/* --rate SERVICE=R */
	size_t				 nfixed;
	struct br_svclimit_svc		*svcs;
	size_t				 nsvcs;
};

/* rate 0: unlimited.  fixed[] must outlive l. */
void	br_svclimit_init(struct br_svclimit *l, double rate, double burst,
	    const struct br_svc_rate *fixed, size_t nfixed, int64_t now);
/* The index of service (compared case-insensitively, kept by pointer),
 * made on first use; -1 when out of memory (then only the global limit
 * applies). */
int	br_svclimit_index(struct br_svclimit *l, const char *service,
	    int64_t now);
/* Takes the tokens of one request of service svc (-1: none): 0, or the
 * ms to wait, having taken nothing. */
int64_t	br_svclimit_take(struct br_svclimit *l, int svc, int64_t now);
/* An answer of service svc came (throttled or not): the adaptive rate
 * follows. */
void	br_svclimit_answer(struct br_svclimit *l, int svc, int throttled,
	    int64_t now);
void	br_svclimit_release(struct br_svclimit *l);

#endif
