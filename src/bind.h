/*
 * bind.h - checking a manifest row against its operation: each value
 * checked and normalised for the wire, every problem of the row listed.
 * The one module that knows both rows (manifest.h) and operations
 * (catalog.h).
 */
#ifndef BR_BIND_H
#define BR_BIND_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "err.h"
#include "manifest.h"
#include "nameval.h"

/* A checked value, normalised for the wire: integers in decimal, booleans
 * "true"/"false", epoch_ms in decimal milliseconds, strings as given. */
struct br_arg {
	const struct br_param	*param;
	char			*value;
	const char		*written;	/* as the row or --set wrote it;
						   not owned: valid while the
						   row and the options are */
};

/* A row bound to its operation.  region and endpoint come from the row's
 * own "region"/"endpoint" columns (NULL when not given). */
struct br_bound {
	const struct br_op	*op;
	struct br_arg		*args;
	size_t			 nargs;
	char			*region;
	char			*endpoint;
};

/* One thing wrong with a row.  reason is the suffix of the report's
 * INPUT.<reason> code: NO_OP, UNKNOWN_OP, MISSING, TYPE, RANGE, LENGTH,
 * ENUM, CONTROL, FORMAT, and the accidents of a spreadsheet (plausible.h):
 * OLD_DATE, ROUNDED, BLANK.  msg has no location ("'task_num' must be an
 * integer, got 'three'").  field is 1 + the index in the row's fields of
 * the value at fault (0: none, such as a --set value or a missing one);
 * the first subj bytes of msg name it ("'task_num' "), to be left out
 * after a location that names the column (sheetref.h). */
struct br_problem {
	char	reason[16];
	char	msg[512];
	size_t	field;
	size_t	subj;
};

struct br_problems {
	struct br_problem	*v;
	size_t			 n, _cap;
};

struct br_bind_opts {
	const char		*default_op;	/* --op, or NULL */
	const struct br_set	*sets;
	size_t			 nsets;
	int64_t			 now_ms;	/* for now, today, ... */
	const char		*tz;		/* --tz (IANA name) or NULL: local */
	int			 allow_old_dates;	/* --allow-old-dates */
};

/* Checks row against its operation (column "op", else opts->default_op)
 * and fills b.  Names match case-insensitively.  --set values fill
 * parameters the row leaves empty.  Columns that are no parameter of the
 * operation (and are not op/region/endpoint) are ignored here.  Every
 * problem of the row is appended to probs (none are dropped).  Returns 0
 * when the row is good, BR_EINPUT when probs got at least one entry,
 * BR_ENOMEM.  b must be released with br_bound_release() either way.
 *
 * Details: b is overwritten (zeroed first).  A field is "not given" when
 * its value is NULL, its kind BR_V_NULL, or (STRING) only blanks; when
 * several fields match a name, the last given one wins (JSON defaults come
 * first).  Blanks around numbers, booleans, enums, op, region and endpoint
 * are ignored; strings are kept byte for byte.  Path, header and query
 * values must have no control characters (CONTROL); no value may hold a
 * NUL byte; path values "." and ".." are FORMAT.  The region column may
 * hold letters, digits, '-', '_' and '.'; the endpoint column must be an
 * http:// or https:// URL without blanks (FORMAT otherwise).  With
 * opts->tz, epoch_ms dates are parsed as br_datetime_parse() does (which
 * is not thread-safe, see datetime.h).  b->op is set whenever the
 * operation was found, even when parameters have problems.
 *
 * Beyond the types, the accidents of a spreadsheet (plausible.h): an
 * epoch_ms value before 1973-03-03 (OLD_DATE, unless
 * opts->allow_old_dates); a long id, or a path, header or query string of
 * digits, rounded to 15 digits (ROUNDED); a path, header or query string
 * that starts or ends with an invisible blank (BLANK). */
int	br_catalog_bind(const struct br_catalog *c, const struct br_row *row,
	    const struct br_bind_opts *opts, struct br_bound *b,
	    struct br_problems *probs);
void	br_bound_release(struct br_bound *b);
const char	*br_bound_get(const struct br_bound *b, const char *name);
/* Appends a problem: INPUT.<reason>, and a message without location.
 * 0 or BR_ENOMEM. */
int	br_problems_addf(struct br_problems *p, const char *reason,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	br_problems_clear(struct br_problems *p);
void	br_problems_release(struct br_problems *p);


/*
 * Checks one value v (len bytes, of kind kind) of parameter p, as
 * br_catalog_bind() does for each value of a row (the catalog loader
 * checks "example" values with it).  Returns 0 with the normalised value
 * in *out (caller frees), 1 with *pr filled (*out NULL), or BR_ENOMEM.
 */
int	br_bind_check_value(const struct br_param *p, const char *v,
	    size_t len, enum br_vkind kind, const struct br_bind_opts *o,
	    char **out, struct br_problem *pr);

#endif
