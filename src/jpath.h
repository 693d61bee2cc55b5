/*
 * jpath.h - a small path language into a parsed JSON answer, for the
 * catalog's verify blocks (catalog.h) and their judge (verify.h).  Pure.
 *
 *   status                    a member of the top-level object
 *   failedReason.errorCode    members nest with '.'
 *   entities[0].status        an array element by index
 *   instances[].status        every element of an array
 *   failedReason.errorCode | failed_reasons.error_code
 *                             alternatives: the first that selects
 *                             anything wins
 *
 * A member name is any run of bytes other than '.', '[', ']', '|' and
 * blanks.  A step that meets the wrong kind of value (a member of an
 * array, an index of a string) or a JSON null selects nothing.
 */
#ifndef BR_JPATH_H
#define BR_JPATH_H

#include <stddef.h>

struct cJSON;

#define BR_JPATH_MAX	256	/* nodes one path selects, at most */

/* 0 when path is well formed; else -1 with the reason (lowercase, no
 * location) in why. */
int	br_jpath_check(const char *path, char *why, size_t whysz);

/* The nodes path selects in root, at most max of them into out, in
 * document order; returns how many.  A malformed path selects
 * nothing. */
size_t	br_jpath_eval(const struct cJSON *root, const char *path,
	    const struct cJSON **out, size_t max);

/* The text of a scalar node into buf (NUL-terminated, cut to fit): a
 * string as it is, a number in decimal ("1", "2.5"), true / false.
 * Returns 0, or -1 (buf "") for an object, an array, null or NULL. */
int	br_jpath_text(const struct cJSON *v, char *buf, size_t bufsz);

#endif
