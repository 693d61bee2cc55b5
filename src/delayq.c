/*
 * delayq.c - rows waiting for their retry; see delayq.h.
 */
#include <stdlib.h>

#include "delayq.h"

int
br_delayq_init(struct br_delayq *q, size_t cap)
{
	q->n = 0;
	q->cap = cap;
	q->v = calloc(cap ? cap : 1, sizeof(*q->v));
	return q->v == NULL ? -1 : 0;
}

void
br_delayq_release(struct br_delayq *q)
{
	free(q->v);
	q->v = NULL;
	q->n = q->cap = 0;
}

int
br_delayq_push(struct br_delayq *q, struct br_delayq_item *it)
{
	size_t i, p;

	if (q->n == q->cap)
		return -1;
	i = q->n++;
	q->v[i] = it;
	while (i > 0) {
		p = (i - 1) / 2;
		if (q->v[p]->due <= q->v[i]->due)
			break;
		q->v[i] = q->v[p];
		q->v[p] = it;
		i = p;
	}
	return 0;
}

struct br_delayq_item *
br_delayq_pop(struct br_delayq *q)
{
	struct br_delayq_item *top, *t;
	size_t i = 0, c;

	if (q->n == 0)
		return NULL;
	top = q->v[0];
	q->v[0] = q->v[--q->n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= q->n)
			break;
		if (c + 1 < q->n && q->v[c + 1]->due < q->v[c]->due)
			c++;
		if (q->v[i]->due <= q->v[c]->due)
			break;
		t = q->v[i];
		q->v[i] = q->v[c];
		q->v[c] = t;
		i = c;
	}
	return top;
}

struct br_delayq_item *
br_delayq_pop_due(struct br_delayq *q, int64_t now)
{
	if (q->n == 0 || q->v[0]->due > now)
		return NULL;
	return br_delayq_pop(q);
}

int64_t
br_delayq_wait(const struct br_delayq *q, int64_t now)
{
	if (q->n == 0)
		return -1;
	return q->v[0]->due > now ? q->v[0]->due - now : 0;
}
