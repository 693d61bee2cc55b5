/*
 * dispatch.c - per-service ready queues and the round robin over them;
 * see dispatch.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"

static int grow(struct br_dispatch *d, size_t nq);

int
br_dispatch_init(struct br_dispatch *d, struct br_svclimit *lim)
{
	memset(d, 0, sizeof(*d));
	d->lim = lim;
	return grow(d, 2);
}

void
br_dispatch_release(struct br_dispatch *d)
{
	free(d->q);
	d->q = NULL;
	d->nq = 0;
	d->n = 0;
}

static int
grow(struct br_dispatch *d, size_t nq)
{
	struct br_readyq *nv;

	if (nq <= d->nq)
		return 0;
	if ((nv = realloc(d->q, nq * sizeof(*nv))) == NULL)
		return -1;
	memset(nv + d->nq, 0, (nq - d->nq) * sizeof(*nv));
	d->q = nv;
	d->nq = nq;
	return 0;
}

int
br_dispatch_add(struct br_dispatch *d, struct br_ready *it)
{
	struct br_readyq *q;
	struct br_ready **pp;
	size_t i = (size_t)(it->svc + 1) * 2 + (it->read != 0);
	int fell_back = 0;

	if (grow(d, i + 1) != 0) {	/* out of memory: the global limit */
		it->svc = -1;
		i = it->read != 0;	/* made at init */
		fell_back = 1;
	}
	q = &d->q[i];
	if (q->tail == NULL || q->tail->num < it->num) {
		it->next = NULL;		/* a new row: at the tail */
		if (q->tail != NULL)
			q->tail->next = it;
		else
			q->head = it;
		q->tail = it;
	} else {
		for (pp = &q->head; (*pp)->num < it->num; pp = &(*pp)->next)
			;
		it->next = *pp;
		*pp = it;
	}
	d->n++;
	return fell_back;
}

static struct br_ready *
pop_head(struct br_dispatch *d, struct br_readyq *q)
{
	struct br_ready *it = q->head;

	if ((q->head = it->next) == NULL)
		q->tail = NULL;
	it->next = NULL;
	d->n--;
	return it;
}

struct br_ready *
br_dispatch_next(struct br_dispatch *d, int64_t now, int64_t *wait,
    int *global, int calls_ok)
{
	struct br_readyq *q;
	int64_t w;
	size_t k, i;

	*global = 0;
	if (d->n == 0)
		return NULL;
	if ((w = br_ratelimit_peek(&d->lim->global, now)) > 0) {
		*global = 1;
		if (w < *wait)
			*wait = w;
		return NULL;
	}
	for (k = 0; k < d->nq; k++) {
		i = (d->cursor + k) % d->nq;
		q = &d->q[i];
		if (q->head == NULL || (!calls_ok && i % 2 == 0))
			continue;
		if ((w = br_svclimit_take(d->lim, q->head->svc, now)) == 0) {
			d->cursor = (i + 1) % d->nq;
			return pop_head(d, q);
		}
		if (w < *wait)
			*wait = w;
	}
	return NULL;
}

void
br_dispatch_remove_if(struct br_dispatch *d,
    int (*fn)(const struct br_ready *, void *),
    void (*done)(struct br_ready *, void *), void *arg)
{
	struct br_ready **pp, *it;
	size_t i;

	for (i = 0; i < d->nq; i++) {
		d->q[i].tail = NULL;
		for (pp = &d->q[i].head; (it = *pp) != NULL; ) {
			if (!fn(it, arg)) {
				d->q[i].tail = it;
				pp = &it->next;
				continue;
			}
			*pp = it->next;
			it->next = NULL;
			d->n--;
			done(it, arg);
		}
	}
}
