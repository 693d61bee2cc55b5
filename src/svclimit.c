/*
 * svclimit.c - global, per-service and adaptive rate limits; see
 * svclimit.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "svclimit.h"

void
br_svclimit_init(struct br_svclimit *l, double rate, double burst,
    const struct br_svc_rate *fixed, size_t nfixed, int64_t now)
{
	memset(l, 0, sizeof(*l));
	l->rate = rate;
	l->burst = burst;
	l->fixed = fixed;
	l->nfixed = nfixed;
	br_ratelimit_init(&l->global, rate, burst, now);
}

int
br_svclimit_index(struct br_svclimit *l, const char *service, int64_t now)
{
	struct br_svclimit_svc *ns, *v;
	double ceiling = l->rate;
	size_t i;

	for (i = 0; i < l->nsvcs; i++)
		if (strcasecmp(l->svcs[i].name, service) == 0)
			return (int)i;
	if ((ns = realloc(l->svcs, (l->nsvcs + 1) * sizeof(*ns))) == NULL)
		return -1;
	l->svcs = ns;
	v = &ns[l->nsvcs];
	memset(v, 0, sizeof(*v));
	v->name = service;
	for (i = 0; i < l->nfixed; i++)
		if (strcasecmp(l->fixed[i].service, service) == 0) {
			v->has_fixed = 1;
			br_ratelimit_init(&v->fixed, l->fixed[i].rate, l->burst,
			    now);
			if (l->fixed[i].rate > 0 && (ceiling <= 0 ||
			    l->fixed[i].rate < ceiling))
				ceiling = l->fixed[i].rate;
		}
	br_adapt_init(&v->adapt, ceiling, now);
	br_ratelimit_init(&v->adapt_rl, 0, 1, now);
	return (int)l->nsvcs++;
}

int64_t
br_svclimit_take(struct br_svclimit *l, int svc, int64_t now)
{
	struct br_svclimit_svc *v = svc >= 0 ? &l->svcs[svc] : NULL;
	int64_t w, most;

	most = br_ratelimit_peek(&l->global, now);
	if (v != NULL && v->has_fixed &&
	    (w = br_ratelimit_peek(&v->fixed, now)) > most)
		most = w;
	if (v != NULL && (w = br_ratelimit_peek(&v->adapt_rl, now)) > most)
		most = w;
	if (most > 0)
		return most;
	(void)br_ratelimit_take(&l->global, now);
	if (v != NULL) {
		if (v->has_fixed)
			(void)br_ratelimit_take(&v->fixed, now);
		(void)br_ratelimit_take(&v->adapt_rl, now);
		br_adapt_sent(&v->adapt, now);
	}
	return 0;
}

void
br_svclimit_answer(struct br_svclimit *l, int svc, int throttled,
    int64_t now)
{
	struct br_svclimit_svc *v;

	if (svc < 0)
		return;
	v = &l->svcs[svc];
	if (br_adapt_answer(&v->adapt, throttled, now))
		br_ratelimit_set_rate(&v->adapt_rl, br_adapt_rate(&v->adapt),
		    now);
}

void
br_svclimit_release(struct br_svclimit *l)
{
	free(l->svcs);
	l->svcs = NULL;
	l->nsvcs = 0;
}
