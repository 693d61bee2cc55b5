/*
 * httpreq.h - a plain HTTP request as the HTTP layer sends it: method,
 * URL, headers, body.  Knows no catalog, no manifest and no curl.
 */
#ifndef BR_HTTPREQ_H
#define BR_HTTPREQ_H

#include <stddef.h>
#include <stdio.h>

struct br_header {
	char	*name;
	char	*value;
	int	 secret;	/* masked as *** wherever it is printed */
};

struct br_request {
	char		 method[8];
	char		*url;		/* scheme://host[:port]/path?query */
	struct br_header *headers;
	size_t		 nheaders;
	char		*body;		/* NULL: no body */
	size_t		 bodylen;
};

/* Adds a header (copies name and value).  Names that carry credentials
 * (Authorization, X-Auth-Token, X-Security-Token, ...) are marked secret
 * whatever secret says.  0, BR_ENOMEM, or BR_EINPUT for an empty name or
 * a name or value holding CR or LF (header injection). */
int	br_request_add_header(struct br_request *req, const char *name,
	    const char *value, int secret);
/* Writes the request for --dry-run: "METHOD URL", one "Name: value" line
 * per header (secret ones as ***), then the body line when there is one,
 * then a blank line. */
void	br_request_print(const struct br_request *req, FILE *f);
void	br_request_release(struct br_request *req);

/* The value of the first header named name (any case), or NULL. */
const char *br_request_header(const struct br_request *req,
	    const char *name);

/* Removes every header named name (any case), zeroing secret values
 * first; returns how many went. */
int	br_request_remove_header(struct br_request *req, const char *name);

#endif
