/*
 * auth.h - who bulkrun is: an IAM token (given, or fetched with a
 * password from OS_AUTH_URL) sent as X-Auth-Token, or an AK/SK pair that
 * signs every request with SDK-HMAC-SHA256 as the official SDKs do.
 * Signing is pure: the clock is passed in.  Secrets never go into a
 * struct br_err or onto stderr.
 */
#ifndef BR_AUTH_H
#define BR_AUTH_H

#include <stdint.h>

#include "err.h"
#include "http.h"
#include "request.h"

/* ---- AK/SK signing ---- */

/*
 * Signs req in place for the API gateway.  Parses req->url
 * (http(s)://host[:port]/path?query), then replaces any X-Sdk-Date,
 * Authorization and (when security_token is not NULL) X-Security-Token
 * header from an earlier signing, so that each retry is signed afresh:
 * adds "X-Sdk-Date: YYYYMMDDTHHMMSSZ" for now_epoch_s (UTC), the
 * X-Security-Token when given, and "Authorization: SDK-HMAC-SHA256
 * Access=AK, SignedHeaders=..., Signature=...".  No Host header is added:
 * libcurl sends it, and the signature covers host[:port] as curl sends it
 * (the port only when it is not the scheme's default).
 *
 * Signed: host, x-sdk-date and every header of req except those libcurl
 * or a proxy may rewrite (Accept, User-Agent, Content-Length, Connection,
 * Expect, Transfer-Encoding, Authorization) and those with a blank value
 * (curl does not send them).  A header name holding '_' (or any byte that
 * is not a token character), a header given twice, an URL that is not
 * plain http(s) with a host, holds user:password@, a blank, a control or
 * non-ASCII byte or a bad %-escape, and a time outside years 1970-9999
 * are errors (BR_EINPUT).  Returns 0, BR_EINPUT or BR_ENOMEM with err set
 * ("cannot sign the request: ..."); on error req may have lost its old
 * X-Sdk-Date/Authorization but carries no half-made signature.
 * Thread-safe (touches only req).
 */
int	br_auth_sign(struct br_request *req, const char *ak, const char *sk,
	    const char *security_token, int64_t now_epoch_s,
	    struct br_err *err);

/*
 * The canonical request of req as br_auth_sign builds it (req must
 * already carry its X-Sdk-Date to have it signed):
 *   METHOD \n URI \n QUERY \n "name:value\n"... \n SIGNED \n hex(sha256(body))
 * URI: the path as curl sends it (dot segments removed), %-decoded as a
 * whole, then every byte but '/' encoded (only A-Z a-z 0-9 - . _ ~ stay,
 * upper-case hex), ending in '/' (so an encoded %2F becomes '/', as the
 * Node SDK does).  QUERY: pairs split on '&' and the first '=', decoded,
 * sorted by name then value (bytewise), re-encoded the same way, "k=" for
 * an empty or absent value; in the query '+' means a blank (as servers
 * decode forms; bulkrun's own URLs send %2B), in the path a plus.
 * Returns a new string and sets *signed_headers to a new "h1;h2;..."
 * string (both freed by the caller), or NULL (bad request as above, or out
 * of memory) with *signed_headers NULL.
 */
char	*br_auth_canonical_request(const struct br_request *req,
	    char **signed_headers);
/* The same, but host is not signed (the Go SDK's choice; the signing
 * guide's vectors 1 and 2).  For tests. */
char	*br_auth_canonical_request_nohost(const struct br_request *req,
	    char **signed_headers);
/* The Authorization value for a canonical request:
 * "SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<signed_headers>,
 * Signature=hex(HMAC-SHA256(sk, "SDK-HMAC-SHA256\n" date "\n"
 * hex(sha256(canonical))))".  A new string, or NULL when out of memory
 * or the crypto library fails. */
char	*br_auth_authorization(const char *ak, const char *sk,
	    const char *date, const char *canonical,
	    const char *signed_headers);

/* ---- credentials ---- */

enum {
	BR_CREDS_NONE = 0,	/* nothing given: requests go unauthenticated */
	BR_CREDS_TOKEN,		/* --token-file or BULKRUN_AUTH_TOKEN */
	BR_CREDS_AKSK,		/* HUAWEICLOUD_SDK_AK / _SK (/ _SECURITY_TOKEN) */
	BR_CREDS_PASSWORD	/* OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ... */
};

struct br_creds {
	int	 kind;			/* BR_CREDS_* */
	char	*token;			/* TOKEN; PASSWORD once fetched */
	char	*ak, *sk, *security_token;	/* AKSK; security_token or NULL */
	/* password flow: */
	char	*auth_url, *username, *password, *user_domain;
	char	*project_id, *project_name;	/* one of them, other NULL */
	int	 token_fetched;
};

/*
 * Fills c (its old contents are ignored: release it first) from, in this
 * order: token_file (when not NULL), BULKRUN_AUTH_TOKEN,
 * HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN),
 * OS_AUTH_URL + OS_USERNAME + OS_PASSWORD + OS_USER_DOMAIN_NAME (or
 * OS_DOMAIN_NAME) + OS_PROJECT_ID (or OS_PROJECT_NAME).  A variable set
 * to the empty string counts as unset.  Nothing found: kind BR_CREDS_NONE,
 * returns 0.  A token (file or variable) has surrounding whitespace
 * trimmed; empty, more than one line, a control byte or more than 64 KiB
 * is an error.  A token file that group or others may access gets one
 * warning on stderr per process.  AK without SK (or the other way round),
 * a security token without both, OS_AUTH_URL without one of the others or
 * not http(s):// are errors naming the variable.  Returns 0, BR_EINPUT,
 * BR_EIO (unreadable file) or BR_ENOMEM; c is left released on error.
 */
int	br_creds_load(struct br_creds *c, const char *token_file,
	    struct br_err *err);

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

/*
 * Authenticates req: TOKEN and PASSWORD (once fetched) add or replace
 * X-Auth-Token; AKSK adds or replaces X-Project-Id when project_id is not
 * NULL, then br_auth_sign with now_s; NONE does nothing.  Call it again
 * before each attempt.  0, BR_EINPUT (PASSWORD without a token yet, or a
 * signing error) or BR_ENOMEM.  Reads c only: may run on several threads
 * at once as long as no br_creds_fetch_token runs.
 */
int	br_creds_apply(const struct br_creds *c, struct br_request *req,
	    int64_t now_s, const char *project_id, struct br_err *err);

/* Zeroes every secret, frees everything, leaves c all zero (kind NONE). */
void	br_creds_release(struct br_creds *c);

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
