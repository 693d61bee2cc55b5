/*
 * resource.h - the resources behind the read APIs: one state machine per
 * resource (a Kafka task, a DataArts job instance, a ROMA task, a CSS
 * cluster), keyed by the ids in its paths, and the answers of the reads.
 *
 * Before any write a resource reads healthy, or what its id convention
 * says (busy-, failedbefore-, gone-, missing-).  A write that succeeded
 * puts it in progress for restart_ms, then healthy (failverify-: failed,
 * stuck-: in progress for ever); during the first stale_ms after the
 * write the reads still show the state from before it.  The table is
 * shared by the server threads and locked inside; the clock is passed in.
 */
#ifndef SIM_RESOURCE_H
#define SIM_RESOURCE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "keytab.h"

#define SIM_MAX_RESOURCES	65536		/* distinct resources kept */
#define SIM_RES_MAX_BODY	(16 * 1024)	/* a Kafka task kept */
#define SIM_RES_MAX_BYTES	(64L * 1024 * 1024)	/* all of them */

struct sim_res_table {
	struct sim_keytab keys;		/* its mu guards all of this */
	size_t		 body_bytes;	/* Kafka tasks kept */
	int		 full_warned;
};

/* A write that succeeded, as the state machine needs it. */
struct sim_res_write {
	int64_t		 now_ms;	/* monotonic ms its answer goes out */
	int64_t		 wall_ms;	/* the same moment, epoch ms */
	long		 restart_ms;	/* then in progress this long */
	long		 stale_ms;	/* and the old state shown this long */
	const char	*body;		/* Kafka modify: the task answered */
	size_t		 len;
	const char	*workspace;	/* DataArts: the header, or NULL */
};

int	sim_res_init(struct sim_res_table *);
void	sim_res_release(struct sim_res_table *);
/* Records a successful write of route r (a write operation; c its
 * convention).  Past SIM_MAX_RESOURCES a new resource is not kept: its
 * reads go on showing the state before any write (a warning goes to
 * stderr once). */
void	sim_res_written(struct sim_res_table *, const struct sim_route *r,
	    const struct sim_conv *c, const struct sim_res_write *w);
/* The answer of read route r at now_ms (monotonic): count is the read's
 * per-key count (cssbusyN-) or -1.  Returns the state it showed, for the
 * log: "healthy", "in_progress", "failed" or "gone"; NULL when the answer
 * showed none (a 400, 202 CSS.0011). */
const char *sim_res_answer(struct sim_res_table *, const struct sim_route *r,
	    const struct sim_conv *c, long count, const struct sim_req *q,
	    int64_t now_ms, struct sim_answer *a);

#endif
