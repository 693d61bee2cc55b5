/*
 * dispatch.h - the rows that may go, queued by the service they need, and
 * which of them goes next.  Pure: the clock is passed in; the main thread
 * owns it; no lock, no allocation per row.
 *
 * One queue per service (br_svclimit's index), and one for rows whose
 * service could not be made (out of memory: only the global limit holds
 * them), each in manifest order.  br_dispatch_next() looks at the queues
 * in turn, starting after the one that sent last (round robin), and sends
 * the head of the first one whose limits - the global --rate, the
 * service's --rate SERVICE=R and its adaptive rate - have a token now.  A queue whose
 * service is blocked is passed over, never waited for: one slow,
 * throttled or limited service does not hold back the others.
 *
 * Reads (the polls of rows being verified, prechecks) have queues of
 * their own beside each service's calls: a read's row already holds its
 * --jobs slot (or needs none), so reads go when the calls may not.
 */
#ifndef BR_DISPATCH_H
#define BR_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "svclimit.h"

/* Embed in the caller's row. */
struct br_ready {
	struct br_ready	*next;
	long		 num;		/* manifest row: order in a queue */
	int		 svc;		/* br_svclimit index; -1: none */
	int		 read;		/* a read, not a call */
};

struct br_readyq {
	struct br_ready	*head, *tail;
};

struct br_dispatch {
	struct br_svclimit	*lim;
	struct br_readyq	*q;	/* [2 (svc + 1) + read] */
	size_t			 nq;
	size_t			 cursor;	/* the queue to look at first */
	size_t			 n;		/* rows queued */
};

/* Makes the queues of rows of no service (so that adding to them never
 * fails).  0, or -1 when out of memory. */
int	br_dispatch_init(struct br_dispatch *d, struct br_svclimit *lim);
void	br_dispatch_release(struct br_dispatch *d);

/* Queues it by it->svc, after the rows before it in the manifest (a new
 * row at the tail; a retry among the rows read before it).  Never fails:
 * 0, or 1 when there was no memory for a new service's queue and it went
 * to the queue of rows of no service (it->svc -1: the global limit
 * only). */
int	br_dispatch_add(struct br_dispatch *d, struct br_ready *it);

/*
 * The row to send now, its tokens taken, or NULL when none may go now:
 * then *wait (ms) is lowered to when a token for a queued row may be
 * there, and *global says whether the global --rate is what holds every
 * row (reading more rows would not help).  NULL with *wait untouched when
 * nothing is queued.  Calls are passed over unless calls_ok (every
 * --jobs slot is held); reads always may go.
 */
struct br_ready *br_dispatch_next(struct br_dispatch *d, int64_t now,
	    int64_t *wait, int *global, int calls_ok);

/* Takes every queued row for which fn(it, arg) is true out of its queue
 * and passes it to done(it, arg) (which may reuse it). */
void	br_dispatch_remove_if(struct br_dispatch *d,
	    int (*fn)(const struct br_ready *, void *),
	    void (*done)(struct br_ready *, void *), void *arg);

#endif
