/*
 * sign.h - checks an SDK-HMAC-SHA256 (AK/SK) signature the way the API
 * gateway does; see ../shared/signing/README.md (relative to the
 * repository).  Pure: the clock is passed in.
 */
#ifndef SIM_SIGN_H
#define SIM_SIGN_H

#include <stddef.h>

#include "api.h"

struct sim_sigcheck {
	struct sim_reqview	 req;
	const char		*ak;
	const char		*sk;
	long long		 now;		/* epoch seconds */
	long			 max_skew;	/* seconds; 0: not checked */
};

/* 0 if the request carries a valid signature by ak/sk; -1 with a static
 * reason in *why otherwise (also when out of memory). */
int	sim_sign_check(const struct sim_sigcheck *, const char **why);
/* The value of the first header called name (any case), or NULL. */
const char *sim_hdr_get(const struct sim_hdr *, size_t, const char *name);

#endif
