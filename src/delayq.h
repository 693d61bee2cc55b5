/*
 * delayq.h - rows waiting for their retry, ordered by due time (a binary
 * min-heap of pointers).  Pure: times are whatever clock the caller uses.
 * The caller owns the items; capacity is fixed at init (a row of the
 * lookahead waits at most once at a time, so it never grows).
 */
#ifndef BR_DELAYQ_H
#define BR_DELAYQ_H

#include <stddef.h>
#include <stdint.h>

struct br_delayq {
	struct br_delayq_item	**v;
	size_t			  n, cap;
};

/* Embed in the caller's struct. */
struct br_delayq_item {
	int64_t	 due;
};

int	br_delayq_init(struct br_delayq *q, size_t cap);	/* 0 or -1 */
void	br_delayq_release(struct br_delayq *q);
/* Adds it; -1 when full. */
int	br_delayq_push(struct br_delayq *q, struct br_delayq_item *it);
/* Removes and returns the earliest item if it is due at now, else NULL. */
struct br_delayq_item *br_delayq_pop_due(struct br_delayq *q, int64_t now);
/* Removes and returns the earliest item, due or not; NULL when empty. */
struct br_delayq_item *br_delayq_pop(struct br_delayq *q);
/* ms until the earliest item is due (0 if due), or -1 when empty. */
int64_t	br_delayq_wait(const struct br_delayq *q, int64_t now);

#endif
