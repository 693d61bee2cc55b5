/*
 * reqlog.h - the JSON Lines request log of bulkrun-sim (--log FILE).
 *
 * One object per request, written and flushed before the answer is queued:
 * {"seq", "time_ms", "method", "path", "query", "headers", "body",
 * "status", "request_id", "op"}, "subject_token" when an IAM token was
 * issued, "state" on a read that showed its resource's state, and
 * "restart_ms" on a write that changed its resource.  Writers are serialised by a mutex.
 */
#ifndef SIM_REQLOG_H
#define SIM_REQLOG_H

#include <pthread.h>
#include <stdio.h>

#include "api.h"

struct sim_log {
	pthread_mutex_t	 mu;
	FILE		*fp;		/* NULL: no log */
	int		 own;		/* fp is ours to close */
	int		 failed;	/* a write failed (said once) */
};

struct sim_logrec {
	unsigned long long	 seq;
	double			 time_ms;	/* epoch ms of arrival */
	struct sim_reqview	 req;		/* the body: see below */
	int			 status;	/* 0: dropped */
	const char		*request_id;
	const char		*op;		/* operation name or NULL */
	const char		*subject_token;	/* X-Subject-Token sent, or
						   NULL: not written */
	const char		*state;		/* a read's resource state,
						   or NULL: not written */
	long			 restart_ms;	/* a write's duration, or -1:
						   not written */
};

/* path NULL: no log; "-": standard error.  -1 with a message in err. */
int	sim_log_open(struct sim_log *, const char *path, char *err,
	    size_t errlen);
void	sim_log_write(struct sim_log *, const struct sim_logrec *);
/* Flushes and closes; -1 if anything written was lost. */
int	sim_log_close(struct sim_log *);

#endif
