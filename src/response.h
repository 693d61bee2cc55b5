/*
 * response.h - what came back for a request: an HTTP answer, or why none
 * came (the NET.* classes, named in one table).  Pure: no curl.
 */
#ifndef BR_RESPONSE_H
#define BR_RESPONSE_H

#include <stddef.h>

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

/* "NET.CONNECT", ...; "" for BR_NET_OK.  *sentence (may be NULL) gets
 * a plain sentence for a report without curl's reason. */
const char *br_net_code(enum br_net n, const char **sentence);
void	br_response_release(struct br_response *resp);

#endif
