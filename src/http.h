/*
 * http.h - sends plain requests with libcurl, many at once on one thread.
 * One struct br_http per worker thread: a multi handle with one reused
 * easy handle per transfer slot; it keeps its connections alive between
 * requests.  Knows nothing of manifests, the catalog or the pool.
 */
#ifndef BR_HTTP_H
#define BR_HTTP_H

#include <stdatomic.h>
#include <stddef.h>

#include "request.h"

#define BR_HTTP_BODY_CAP	(1024 * 1024)	/* bytes of a body kept */

/*
 * Why no answer came.  CONNECT, DNS and TLS: nothing was sent.  TIMEOUT
 * and NO_ANSWER: the request was sent (resp->sent) and may have been
 * applied.  A timeout before the request went out is CONNECT.
 */
enum br_net {
	BR_NET_OK = 0,		/* an HTTP answer arrived */
	BR_NET_CONNECT,
	BR_NET_TIMEOUT,
	BR_NET_NO_ANSWER,	/* sent; connection dropped, empty reply */
	BR_NET_DNS,
	BR_NET_TLS,
	BR_NET_OTHER
};

struct br_response {
	long		 status;	/* 0 when no answer */
	char		*body;		/* NUL-terminated, at most the cap */
	size_t		 len;
	int		 truncated;	/* the body was longer than the cap */
	char		*request_id;	/* X-Request-Id, or NULL */
	char		*retry_after;	/* Retry-After as sent, or NULL */
	char		*subject_token;	/* X-Subject-Token (IAM's answer), or
					   NULL; a secret: zeroed on release */
	enum br_net	 net;
	int		 sent;		/* the request went out (once: a
					   second send is never made) */
	char		 net_msg[256];	/* curl's reason when net != OK */
};

struct br_http_opts {
	long		 timeout_ms;		/* whole attempt */
	long		 connect_timeout_ms;
	const char	*cacert;		/* extra CA bundle, or NULL */
	int		 insecure;		/* skip TLS verification */
};

/* Set (from a signal handler) to abandon every transfer in flight: they
 * end at once with BR_NET_OTHER, "abandoned".  A lock-free atomic, not a
 * volatile sig_atomic_t: the workers read it in other threads. */
extern atomic_int br_http_abort;

/* Call once, before any thread starts. */
int	br_http_global_init(void);
void	br_http_global_cleanup(void);

/* One transfer at a time: br_http_new_n(opts, 1). */
struct br_http	*br_http_new(const struct br_http_opts *opts);
/* Sends req and fills resp (zeroed by the caller, released with
 * br_response_release), blocking until the answer is in.  Always returns
 * 0 unless out of memory or transfers started with br_http_start are
 * still running on h: network failures are reported in resp->net. */
int	br_http_send(struct br_http *h, const struct br_request *req,
	    struct br_response *resp);
void	br_http_free(struct br_http *h);
void	br_response_release(struct br_response *resp);
const char *br_net_code(enum br_net n);	/* "NET.CONNECT", ... */

/*
 * Each request is sent at most once per br_http_start: libcurl's own
 * re-send on a kept-alive connection that died is stopped before it goes
 * out (the transfer then ends with BR_NET_NO_ANSWER), so that every
 * request the server receives is one the caller counted.
 *
 * Many transfers at once, driven from one thread (the one that owns h):
 * at most n in flight, over at most n connections (kept alive and
 * reused).  NULL when out of memory.
 */
struct br_http	*br_http_new_n(const struct br_http_opts *opts, int n);
/*
 * Begins sending req (which must stay as it is until the transfer ends)
 * into resp (zeroed by the caller); never blocks.  When the transfer
 * ends, br_http_done() hands back user.  A transfer that cannot begin
 * (out of memory) ends at once with BR_NET_OTHER.  0, or -1 when n
 * transfers are already begun and not yet handed back.
 */
int	br_http_start(struct br_http *h, const struct br_request *req,
	    struct br_response *resp, void *user);
/* Moves the transfers on, waiting at most timeout_ms (< 0: no limit) for
 * something to happen; returns at once when a transfer has ended and not
 * been handed back, and soon after br_http_wake(). */
void	br_http_wait(struct br_http *h, long timeout_ms);
/* The user pointer of an ended transfer, each once, oldest first; NULL
 * when none.  Its resp is filled in. */
void	*br_http_done(struct br_http *h);
/* Makes a br_http_wait() that waits, or the next one, return soon.  The
 * one function safe to call from another thread. */
void	br_http_wake(struct br_http *h);

#endif
