/*
 * fifo.h - an intrusive first-in first-out list.  The caller embeds a
 * struct br_fifo_link as the first member of its items (so that a link
 * converts back to its item) and keeps the list's ends in a struct
 * br_fifo, zeroed when empty.  Never allocates; no lock inside: the
 * caller guards a list shared between threads.
 */
#ifndef BR_FIFO_H
#define BR_FIFO_H

struct br_fifo_link {
	struct br_fifo_link	*next;
};

struct br_fifo {
	struct br_fifo_link	*head, *tail;
};

/* Appends l at the tail. */
void	br_fifo_push(struct br_fifo *q, struct br_fifo_link *l);
/* Takes the head off, or returns NULL when q is empty. */
struct br_fifo_link *br_fifo_pop(struct br_fifo *q);
/* Appends all of from, in order, to to; from is left empty. */
void	br_fifo_move(struct br_fifo *to, struct br_fifo *from);

#endif
