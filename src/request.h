/*
 * request.h - a bound row becomes a plain HTTP request: method, URL,
 * headers, body.  Knows the catalog, knows nothing of curl.
 */
#ifndef BR_REQUEST_H
#define BR_REQUEST_H

#include <stddef.h>

#include "bind.h"
#include "err.h"
#include "httpreq.h"

/* Where requests go: --endpoint URL, --endpoint SERVICE=URL, --region. */
struct br_endpoint_map {
	const char	*all;		/* --endpoint URL, or NULL */
	const char *const *svc_names;	/* --endpoint SERVICE=URL pairs */
	const char *const *svc_urls;
	size_t		 nsvc;
	const char	*region;	/* --region, or NULL */
	const char	*cloud;		/* --cloud, or NULL */
};

/* The base URL (scheme://host[:port][/prefix], no trailing slash) for op
 * of b: the row's endpoint column, else --endpoint SERVICE=URL, else
 * --endpoint URL, else the service's host in the row's region or
 * --region, on --cloud or the region's cloud (region.h).  Returns a new
 * string, or NULL with err set ("no endpoint for service 'css': give
 * --endpoint or --region", or region.h's "unknown region 'x': ...",
 * "service 'roma' is not offered on ...").  The URL, given or
 * from the pattern, must be http:// or https:// with a host and no
 * user:password@, '?' or '#' ("invalid endpoint 'x': must start with
 * http:// or https://"); a region may hold only letters, digits, '-',
 * '_' and '.' (as br_catalog_bind checks). */
char	*br_request_base_url(const struct br_catalog *c,
	    const struct br_bound *b, const struct br_endpoint_map *map,
	    struct br_err *err);

/*
 * Builds the request for b against base_url into req (zeroed by caller).
 * Path parameters are percent-encoded per segment (only A-Z a-z 0-9 - . _ ~
 * stay), so "/", "?", "#", "%" and ".." cannot leave the segment; a value
 * that is exactly "." or ".." goes as %2E / %2E%2E so that no client or
 * server removes it as a dot segment; an empty path value is an error.  Query
 * parameters are encoded the same way.  Body parameters become a JSON
 * object built with cJSON, nested on dots, typed as the catalog says;
 * when there is a body, "Content-Type: application/json" is added.
 * Header parameters are added as given (their values were checked for
 * control characters by br_catalog_bind).  0 or BR_E*.
 */
int	br_request_build(const struct br_bound *b, const char *base_url,
	    struct br_request *req, struct br_err *err);

struct br_strbuf;

/*
 * For other requests about the same row (verify.h's read): appends
 * base_url (trailing slashes cut) and the path template tmpl to sb, each
 * {name} the value of b's argument name (whatever its "in"), encoded as
 * br_request_build() encodes path values.  A name without a value is
 * BR_EINPUT ("operation 'x': no value for parameter 'y'").  0 or BR_E*;
 * memory failures show in sb->oom.
 */
int	br_request_url(const struct br_bound *b, const char *base_url,
	    const char *tmpl, struct br_strbuf *sb, struct br_err *err);
/* Appends tmpl to sb, each {name} the value of b's argument name
 * (whatever its "in"), percent-encoded like a path value when pct, else
 * as it is.  Returns 0, or 1 when a name has no value (sb may hold a
 * part; err untouched). */
int	br_request_expand(const struct br_bound *b, const char *tmpl,
	    int pct, struct br_strbuf *sb, struct br_err *err);

/* Percent-encodes s (len bytes) keeping only A-Z a-z 0-9 - . _ ~; returns
 * a new string or NULL. */
char	*br_pct_encode(const char *s, size_t len);

/*
 * The fingerprint of what a row asks for, as 32 hex digits into out: the
 * operation, the base URL it goes to (endpoint or region resolved) and
 * every bound parameter (after --set), so that --resume sends a row again
 * when its target or values changed.  Dates (epoch_ms parameters) count
 * as written ("yesterday", "now-24h"), not as resolved, so that a resumed
 * run does not re-send a row only because time has passed (the bound
 * arguments' written values: call it while the row is still read).
 */
void	br_request_fp(const struct br_bound *b, const char *base_url,
	    char out[33]);

#endif
