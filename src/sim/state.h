/*
 * state.h - per key id request counters and the --state overrides.
 *
 * The counters are shared by the server threads and locked inside; the
 * overrides are read-only once loaded.
 */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include <pthread.h>
#include <stddef.h>

#include "api.h"
#include "keytab.h"

#define SIM_MAX_COUNTERS	65536	/* distinct key ids counted */
#define SIM_ON_WRITE		1	/* an override answers the writes */
#define SIM_ON_READ		2	/* the read APIs */

/* One entry of the --state file. */
struct sim_override {
	char		*key;
	int		 status;	/* 0: close without answering */
	char		*body;		/* NULL: no body */
	size_t		 len;
	char		*ctype;		/* NULL: application/json */
	char		*hname[SIM_MAX_AHDRS - 2];
	char		*hvalue[SIM_MAX_AHDRS - 2];
	size_t		 nhdrs;
	long		 times;		/* -1: every request */
	long		 delay_ms;
	int		 on;		/* SIM_ON_WRITE and/or SIM_ON_READ */
};

struct sim_state {
	struct sim_keytab	 counters;	/* its mu guards them and
						   full_warned */
	int			 full_warned;
	struct sim_override	*over;
	size_t			 nover;
};

int	sim_state_init(struct sim_state *);
void	sim_state_release(struct sim_state *);
/* Loads a --state file: a JSON object mapping key ids to
 * {"status", "body", "headers", "times", "delay_ms", "on"}.  On error returns -1
 * with "FILE: message" in err. */
int	sim_state_load(struct sim_state *, const char *path, char *err,
	    size_t errlen);
const struct sim_override *sim_state_find(const struct sim_state *,
	    const char *key);
/* Counts one more request for key; returns how many came before it, or -1
 * when the table is full and key was never seen (then it is not counted). */
long	sim_state_hit(struct sim_state *, const char *key);
/* Fills a with the override (a keeps pointers into o). */
void	sim_state_answer(const struct sim_override *o, struct sim_answer *a);

#endif
