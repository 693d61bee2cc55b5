/*
 * sign.h - SDK-HMAC-SHA256 signing of a plain request, as the official
 * SDKs sign for the API gateway.  Pure: the clock is passed in.  The
 * secret key never goes into a struct br_err.
 */
#ifndef BR_SIGN_H
#define BR_SIGN_H

#include <stdint.h>

#include "err.h"
#include "request.h"

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

/* An access key the gateway takes: not empty, printable ASCII, no blank
 * or ','.  1 or 0. */
int	br_auth_valid_ak(const char *ak);
/* 1 when s holds no control byte (CR, LF, ...): safe as a header value. */
int	br_auth_valid_value(const char *s);

#endif
