/*
 * http.h - sends one plain request with libcurl.  One struct br_http per
 * worker thread; it keeps its connection alive between requests.  Knows
 * nothing of manifests or the catalog.
 */
#ifndef BR_HTTP_H
#define BR_HTTP_H

#include <signal.h>
#include <stddef.h>

#include "request.h"

#define BR_HTTP_BODY_CAP	(1024 * 1024)	/* bytes of a body kept */

enum br_net {
	BR_NET_OK = 0,		/* an HTTP answer arrived */
	BR_NET_CONNECT,
	BR_NET_TIMEOUT,
	BR_NET_RESET,		/* connection dropped, empty reply */
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
	enum br_net	 net;
	char		 net_msg[256];	/* curl's reason when net != OK */
};

struct br_http_opts {
	long		 timeout_ms;		/* whole attempt */
	long		 connect_timeout_ms;
	const char	*cacert;		/* extra CA bundle, or NULL */
	int		 insecure;		/* skip TLS verification */
};

/* Set (from a signal handler) to abandon every transfer in flight: they
 * end at once with BR_NET_OTHER, "abandoned". */
extern volatile sig_atomic_t br_http_abort;

/* Call once, before any thread starts. */
int	br_http_global_init(void);
void	br_http_global_cleanup(void);

struct br_http	*br_http_new(const struct br_http_opts *opts);
/* Sends req and fills resp (zeroed by the caller, released with
 * br_response_release).  Always returns 0 unless out of memory: network
 * failures are reported in resp->net. */
int	br_http_send(struct br_http *h, const struct br_request *req,
	    struct br_response *resp);
void	br_http_free(struct br_http *h);
void	br_response_release(struct br_response *resp);
const char *br_net_code(enum br_net n);	/* "NET.CONNECT", ... */

#endif
