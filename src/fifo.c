/*
 * fifo.c - an intrusive first-in first-out list; see fifo.h.
 */
#include <stddef.h>

#include "fifo.h"

void
br_fifo_push(struct br_fifo *q, struct br_fifo_link *l)
{
	l->next = NULL;
	if (q->tail != NULL)
		q->tail->next = l;
	else
		q->head = l;
	q->tail = l;
}

struct br_fifo_link *
br_fifo_pop(struct br_fifo *q)
{
	struct br_fifo_link *l = q->head;

	if (l != NULL) {
		q->head = l->next;
		if (q->head == NULL)
			q->tail = NULL;
		l->next = NULL;
	}
	return l;
}

void
br_fifo_move(struct br_fifo *to, struct br_fifo *from)
{
	if (from->head == NULL)
		return;
	if (to->tail != NULL)
		to->tail->next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	from->head = from->tail = NULL;
}
