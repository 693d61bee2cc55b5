/*
 * catalog_int.h - private to catalog.c, catalog_load.c and
 * catalog_param.c: the loader's state and the helpers they share.
 */
#ifndef BR_CATALOG_INT_H
#define BR_CATALOG_INT_H

#include <stddef.h>

#include <cJSON.h>

#include "catalog.h"
#include "err.h"

/* The names of the types and of "in" by number (br_ptype, br_ploc);
 * [0] is NULL. */
extern const char *const	br_catalog_type_names[];
extern const char *const	br_catalog_loc_names[];

/* An operation and a service start with their name: catalog.c looks
 * either up, and catalog_load.c merges either, by it. */
_Static_assert(offsetof(struct br_op, name) == 0, "name first");
_Static_assert(offsetof(struct br_service, name) == 0, "name first");
_Static_assert(offsetof(struct br_cloud, name) == 0, "name first");

/* Frees what op (or s) holds and zeroes it. */
void	br_catalog_op_free(struct br_op *op);
void	br_catalog_service_free(struct br_service *s);
void	br_catalog_cloud_free(struct br_cloud *cl);

/* One catalog text being loaded. */
struct loader {
	const char	*name;		/* for messages */
	const char	*text;
	size_t		 len;
	struct br_err	*err;
	/* Lines are counted from the offset asked for last, and the names of
	 * operations and services searched for from the last one found (they
	 * come in the text's order), so that loading stays linear in the
	 * size of the text (it was quadratic: a 1 MB catalog took seconds). */
	size_t		 lc_off;	/* line_at(): counted up to here */
	long		 lc_line;	/* the line at lc_off; 0: none yet */
	size_t		 op_from;	/* the last operation's "name" */
	size_t		 svc_from;	/* the last service's key */
};

/*
 * Where `"key": "value"` (value NULL: `"key":`) first occurs at or after
 * from, as an offset; (size_t)-1 when it does not (for example when the
 * text spells the value with escapes).  Cheap and good enough for line
 * numbers in messages.
 */
size_t	br_loader_find_pair(const struct loader *ld, size_t from,
	    const char *key, const char *value);
/* The line (1-based) of an offset from br_loader_find_pair(); 0 for
 * (size_t)-1. */
long	br_loader_line_of(struct loader *ld, size_t off);
/* Sets the first error, "NAME:LINE: <ctx><message>"; returns BR_EINPUT. */
int	br_loader_err(struct loader *ld, long line, const char *ctx,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Sets the first error, out of memory; returns BR_ENOMEM. */
int	br_loader_nomem(struct loader *ld);
/* Rejects keys outside allowed (NULL-terminated) and keys given twice;
 * keys starting with '_' and "comment" are free-form comments. */
int	br_loader_check_keys(struct loader *ld, const cJSON *obj,
	    const char *const *allowed, long line, const char *ctx);
/* Copies the string member key of obj into *out (caller frees).  Absent:
 * *out stays NULL (an error when required).  Not a string: an error. */
int	br_loader_get_str(struct loader *ld, const cJSON *obj,
	    const char *key, int required, char **out, long line,
	    const char *ctx);

/* Parameter #idx of an operation (context opctx, its "name" at offset
 * opoff, on line opline) from jp into p, checked.  p holds what was read
 * even on failure (free it with the operation). */
int	br_catalog_parse_param(struct loader *ld, const cJSON *jp,
	    size_t idx, const char *opctx, size_t opoff, long opline,
	    struct br_param *p);

/* The operation's "verify" block (jo's member), when there is one, read
 * and checked against op's parameters into op->verify (which holds what
 * was read even on failure, freed with op).  off: the offset of the
 * operation's "name" (errors name the line of "verify" after it); ctx
 * as for the operation. */
int	br_catalog_parse_verify(struct loader *ld, const cJSON *jo,
	    struct br_op *op, size_t off, const char *ctx);
/* Frees v and all it holds; NULL is fine. */
void	br_catalog_verify_free(struct br_verify *v);

/* catalog_endpoint.c: where services are (see catalog.h). */

/* An endpoint (what names it: "'endpoint'") starts with https:// or
 * http:// and holds no blank or control character; else an error. */
int	br_loader_check_endpoint(struct loader *ld, const char *url,
	    const char *what, long line, const char *ctx);
/* The service's "endpoint" and "hosts" (members of js, the service's
 * object on line; ctx "service 'x': ") into s: at least one of them.
 * s holds what was read even on failure (freed with it). */
int	br_catalog_parse_hosts(struct loader *ld, const cJSON *js,
	    struct br_service *s, long line, const char *ctx);
/* The top-level "clouds" object into t->clouds. */
int	br_catalog_parse_clouds(struct loader *ld, const cJSON *jc,
	    struct br_catalog *t);
/* Makes room in c for the clouds of t: 0 or BR_ENOMEM (c unchanged
 * but for its capacity).  Then br_catalog_merge_clouds() moves them in,
 * one of the same name (any case) replacing c's, and frees t's array. */
int	br_catalog_reserve_clouds(struct br_catalog *c,
	    const struct br_catalog *t);
void	br_catalog_merge_clouds(struct br_catalog *c, struct br_catalog *t);

#endif
