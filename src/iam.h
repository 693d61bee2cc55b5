/*
 * iam.h - the IAM password flow: gets a token for the OS_* credentials
 * (creds.h) from the IAM token URL, through http.h.
 */
#ifndef BR_IAM_H
#define BR_IAM_H

#include "creds.h"
#include "err.h"
#include "http.h"

/*
 * Password flow: POSTs the password to the IAM token URL of c->auth_url
 * with its own short-lived curl handle (TLS options and timeouts from
 * hopts; no redirects; br_http_global_init() must have run) and on 201 or
 * 200 sets c->token from X-Subject-Token (replacing an earlier one) and
 * c->token_fetched = 1.  Otherwise BR_EINPUT with err "cannot get a token
 * from OS_AUTH_URL: HTTP 401 <code>: <message>" (from the answer, never
 * echoing the password) or the network error.  Not thread-safe: call it
 * from the main thread while no br_creds_apply of c runs.
 */
int	br_creds_fetch_token(struct br_creds *c,
	    const struct br_http_opts *hopts, struct br_err *err);

/* For tests of the password flow.  The token URL for auth_url:
 * ".../v3/auth/tokens" whether auth_url ends in "/v3", "/v3/",
 * "/v3/auth/tokens" or just the host ("/" or not).  New string, or NULL
 * (NULL input or out of memory). */
char	*br_creds_token_url(const char *auth_url);
/* The JSON body of the token request (password method, project scope by
 * id, else by name within user_domain).  New string holding the password
 * (zero it before free), or NULL (not a password kind, out of memory). */
char	*br_creds_token_body(const struct br_creds *c);

#endif
