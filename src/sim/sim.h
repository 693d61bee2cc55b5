/*
 * sim.h - the simulator's shared pieces: its configuration (options.c),
 * one request in flight and the server as a whole (serve.c, decide.c),
 * and the steps main.c starts and stops them with.  See README.md.
 *
 * libmicrohttpd runs a pool of --threads server threads.  A request is
 * decided once its body is in (decide.c): route, credentials, global
 * faults, --state override, id convention, then the operation itself; the
 * log line is written, and the answer is queued at once or, when it must
 * wait (slowMS-, --latency), the connection is suspended and a timer
 * thread resumes it at the deadline (serve.c), so waiting holds no server
 * thread.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

#include "api.h"
#include "iam.h"
#include "reqlog.h"
#include "resource.h"
#include "state.h"
#include "strbuf.h"

#define SIM_DEFAULT_MAX_BODY	(1024 * 1024)
#define SIM_DEFAULT_SKEW	900
#define SIM_DEFAULT_IAM_TTL	3600
#define SIM_DEFAULT_RESTART_MS	1000
#define SIM_CONN_MEMORY		(256 * 1024)
#define SIM_CONN_TIMEOUT	120
#define SIM_DRAIN_MS		3000	/* answers in flight at a stop */
#define SIM_MAX_PEM		(1024 * 1024)	/* --tls files */

enum { SIM_PH_NEW, SIM_PH_BODY, SIM_PH_DELAYED };

struct sim_conf {
	unsigned	 port;
	const char	*log;
	const char	*state;
	uint64_t	 seed;
	unsigned	 threads;
	double		 fail_rate;
	double		 drop_rate;
	double		 garbage_rate;
	double		 throttle_rate;	/* requests/s; 0: off */
	char		 retry_after[24];
	long		 latency_ms;
	long		 jitter_ms;
	long		 restart_ms;	/* --restart-ms MS[:J] */
	long		 restart_jitter_ms;
	long		 stale_ms;	/* --stale-ms MS */
	const char	*token;
	char		*ak;		/* --aksk AK:SK: a copy of AK */
	const char	*sk;		/* and SK, in argv */
	long		 max_skew;
	size_t		 max_body;
	char		*iam_user;	/* --iam-user NAME:PASSWORD: NAME */
	const char	*iam_password;	/* and PASSWORD, in argv */
	long		 iam_ttl;	/* seconds */
	long		 expire_after;	/* API requests per token; 0: any */
	int		 iam_opts;	/* an IAM option without --iam-user */
	const char	*tls_cert;	/* --tls CERT KEY */
	const char	*tls_key;
};

/* One request: made by the URI callback, freed when MHD is done with it. */
struct sim_rq {
	struct sim_rq		*next;		/* timer list */
	struct MHD_Connection	*conn;
	int64_t			 deadline;	/* monotonic ms */
	int			 phase;
	double			 time_ms;	/* arrival, epoch ms */
	char			*uri;		/* raw, as received */
	struct br_strbuf	 body;
	int			 too_big;
	struct sim_answer	 ans;
	char			 rid[33];
	const char		*sent_rid;	/* the X-Request-Id answered */
	char			 subject_token[SIM_IAM_TOKEN_LEN + 1];
};

struct sim {
	struct sim_conf		 conf;
	struct sim_state	 st;
	struct sim_res_table	 res;		/* the read APIs' resources */
	struct sim_log		 log;
	struct sim_iam		 iam;
	int			 iam_on;	/* --iam-user given */

	pthread_mutex_t		 mu;		/* seq, bucket, active */
	unsigned long long	 seq;
	long			 active;	/* requests not done yet */
	double			 tokens;
	double			 burst;
	int64_t			 last_ms;

	pthread_mutex_t		 tmu;		/* the timer */
	pthread_cond_t		 tcv;
	struct sim_rq		*thead;		/* by deadline */
	int			 stopping;
	pthread_t		 tthread;
};

/* options.c */
/* Fills cf from argv (cf holds its defaults already): -1 to go on, or the
 * exit status (0 after --help or --version, 2 after a usage message). */
int	 sim_options_parse(int argc, char **argv, struct sim_conf *cf);

/* tlsfiles.c */
/* The whole of a file of at most SIM_MAX_PEM bytes, NUL-terminated; NULL
 * with a message in err. */
char	*sim_tls_slurp(const char *path, size_t *lenp, char *err,
	    size_t errlen);
/* 0 if cert holds a PEM certificate and key the PEM private key that
 * belongs to it; -1 with a message in err. */
int	 sim_tls_check(const struct sim_conf *cf, const char *cert,
	    size_t clen, const char *key, size_t klen, char *err,
	    size_t errlen);

/* decide.c */
/* A bijection of 64-bit values (splitmix64's finaliser). */
uint64_t sim_mix64(uint64_t x);
/* The k-th uniform draw in [0, 1) of request seq: the same seed gives the
 * same faults. */
double	 sim_uniform(const struct sim *s, unsigned long long seq, unsigned k);
/* Decides the answer of a request whose body is in: fills rq->ans,
 * rq->rid and rq->sent_rid, writes the log line. */
void	 sim_decide(struct sim *s, struct MHD_Connection *c,
	    struct sim_rq *rq, const char *method);

/* serve.c: libmicrohttpd's callbacks (cls is the struct sim), the timer
 * thread of the waiting answers and the drain at a stop. */
void	*sim_timer_main(void *s);
enum MHD_Result sim_on_request(void *cls, struct MHD_Connection *c,
	    const char *url, const char *method, const char *version,
	    const char *upload, size_t *upload_size, void **con_cls);
void	*sim_on_uri(void *cls, const char *uri, struct MHD_Connection *c);
void	 sim_on_done(void *cls, struct MHD_Connection *c, void **con_cls,
	    enum MHD_RequestTerminationCode toe);
/* Wakes the timer so that it resumes every waiting connection at once and
 * ends; joins it. */
void	 sim_timer_stop(struct sim *s);
/* Lets the answers in flight go out (up to SIM_DRAIN_MS). */
void	 sim_drain(struct sim *s);

#endif
