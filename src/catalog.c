/*
 * catalog.c - operations as data (built in, --catalog), and the checking
 * of manifest rows against them; see catalog.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "catalog.h"
#include "datetime.h"
#include "utf8.h"

/* Generated from src/catalog.json by scripts/embed.sh. */
extern const char		br_catalog_json[];
extern const unsigned long	br_catalog_json_len;

#define BUILTIN_NAME	"<built-in catalog>"
#define MAX_CATALOG	(16L * 1024 * 1024)	/* bytes in a --catalog */
#define QUOTE_MAX	60		/* bytes of a value in messages */
#define SUGGEST_MAX	256		/* longest name compared */

/* ---- small helpers ---- */

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* Length of the blank at s[i] (ASCII blank, or UTF-8 NO-BREAK SPACE as
 * spreadsheets write it), 0 when none. */
static size_t
blank_at(const char *s, size_t len, size_t i)
{
	if (i < len && is_blank((unsigned char)s[i]))
		return 1;
	if (i + 1 < len && (unsigned char)s[i] == 0xc2 &&
	    (unsigned char)s[i + 1] == 0xa0)
		return 2;
	return 0;
}

/* Blank at the end of s[0..len), 0 when none. */
static size_t
blank_before(const char *s, size_t len)
{
	if (len >= 1 && is_blank((unsigned char)s[len - 1]))
		return 1;
	if (len >= 2 && (unsigned char)s[len - 2] == 0xc2 &&
	    (unsigned char)s[len - 1] == 0xa0)
		return 2;
	return 0;
}

/* Trims blanks around s[0..*len): returns the start, shortens *len. */
static const char *
trim(const char *s, size_t *len)
{
	size_t n, b = 0, e = *len;

	while ((n = blank_at(s, e, b)) > 0)
		b += n;
	while (e > b && (n = blank_before(s + b, e - b)) > 0)
		e -= n;
	*len = e - b;
	return s + b;
}

static int
all_blank(const char *s, size_t len)
{
	(void)trim(s, &len);
	return len == 0;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int
eqi(const char *a, const char *b)
{
	for (; *a != '\0' && lower((unsigned char)*a) ==
	    lower((unsigned char)*b); a++, b++)
		;
	return *a == '\0' && *b == '\0';
}

/* Names seen so far, compared as eqi() does, to find one given twice in
 * linear time (a pairwise check is quadratic: seconds for a big
 * --catalog).  The names are not copied. */
struct nameset {
	const char	**v;
	size_t		 mask;
};

static int
nameset_init(struct nameset *ns, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n && cap < ((size_t)-1) / 4)
		cap *= 2;
	ns->mask = cap - 1;
	ns->v = calloc(cap, sizeof(*ns->v));
	return ns->v != NULL ? 0 : -1;
}

/* 1 when name (or another spelling of it) is there already, else adds
 * it and returns 0.  At most the n names of nameset_init. */
static int
nameset_add(struct nameset *ns, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *c;
	size_t i;

	for (c = name; *c != '\0'; c++) {
		h ^= (uint64_t)lower((unsigned char)*c);
		h *= 0x100000001b3ULL;
	}
	for (i = (size_t)h & ns->mask; ns->v[i] != NULL;
	    i = (i + 1) & ns->mask)
		if (eqi(ns->v[i], name))
			return 1;
	ns->v[i] = name;
	return 0;
}

static void
nameset_free(struct nameset *ns)
{
	free(ns->v);
	ns->v = NULL;
}

/*
 * Quotes s[0..len) for a message: at most QUOTE_MAX bytes, control bytes
 * and bytes of invalid UTF-8 as \xNN, "..." when cut.
 */
static void
quote(char *buf, size_t bufsz, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, n, lim = len < QUOTE_MAX ? len : QUOTE_MAX;

	if (bufsz == 0)
		return;
	while (i < lim && o + 8 < bufsz) {
		n = br_utf8_seq(s + i, len - i, NULL);
		if (n == 1 && u[i] >= 0x20 && u[i] != 0x7f) {
			buf[o++] = (char)u[i++];
		} else if (n > 1 && i + n <= lim && o + n + 4 < bufsz) {
			memcpy(buf + o, u + i, n);
			o += n;
			i += n;
		} else if (n > 1 && i + n > lim) {
			break;
		} else {
			snprintf(buf + o, bufsz - o, "\\x%02X", u[i]);
			o += 4;
			i++;
		}
	}
	if (i < len && o + 4 <= bufsz) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

static void
quotez(char *buf, size_t bufsz, const char *s)
{
	quote(buf, bufsz, s, strlen(s));
}

/* ---- names and lookups ---- */

static const char *const type_names[] = {
	NULL, "string", "integer", "long", "boolean", "enum", "epoch_ms",
	"number"
};
static const char *const loc_names[] = {
	NULL, "path", "header", "query", "body"
};

const char *
br_ptype_name(enum br_ptype t)
{
	if ((int)t >= BR_T_STRING && (int)t <= BR_T_NUMBER)
		return type_names[t];
	return "?";
}

const char *
br_ploc_name(enum br_ploc l)
{
	if ((int)l >= BR_IN_PATH && (int)l <= BR_IN_BODY)
		return loc_names[l];
	return "?";
}

const struct br_op *
br_catalog_find(const struct br_catalog *c, const char *name)
{
	size_t i;

	if (c == NULL || name == NULL)
		return NULL;
	for (i = 0; i < c->nops; i++)
		if (strcmp(c->ops[i].name, name) == 0)
			return &c->ops[i];
	for (i = 0; i < c->nops; i++)
		if (eqi(c->ops[i].name, name))
			return &c->ops[i];
	return NULL;
}

const struct br_service *
br_catalog_service(const struct br_catalog *c, const char *name)
{
	size_t i;

	if (c == NULL || name == NULL)
		return NULL;
	for (i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	for (i = 0; i < c->nservices; i++)
		if (eqi(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions) of two lowercased strings of at most SUGGEST_MAX. */
static size_t
osa(const char *a, size_t la, const char *b, size_t lb)
{
	size_t r0[SUGGEST_MAX + 1], r1[SUGGEST_MAX + 1], r2[SUGGEST_MAX + 1];
	size_t *pp = r0, *p = r1, *cur = r2, *t, i, j, d;

	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			d = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb];
}

static void
lowcopy(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (char)lower((unsigned char)src[i]);
	dst[n] = '\0';
}

/* Distance when within max(2, len/3) of the longer string, else -1. */
static long
near(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d, lim;

	lim = (la > lb ? la : lb) / 3;
	if (lim < 2)
		lim = 2;
	d = osa(a, la, b, lb);
	return d > lim ? -1 : (long)d;
}

const char *
br_catalog_suggest(const struct br_catalog *c, const char *name)
{
	char q[SUGGEST_MAX + 1], n[SUGGEST_MAX + 1];
	const char *qt, *nt, *best = NULL;
	size_t i, ql, nl;
	long d, e, bestd = LONG_MAX;

	if (c == NULL || name == NULL || (ql = strlen(name)) == 0 ||
	    ql > SUGGEST_MAX)
		return NULL;
	lowcopy(q, name, ql);
	qt = strchr(q, '.') != NULL ? strchr(q, '.') + 1 : NULL;
	for (i = 0; i < c->nops; i++) {
		if ((nl = strlen(c->ops[i].name)) > SUGGEST_MAX)
			continue;
		lowcopy(n, c->ops[i].name, nl);
		nt = strchr(n, '.') != NULL ? strchr(n, '.') + 1 : n;
		d = near(q, n);
		/* "restart_cluster" for "css.restart_cluster" */
		if ((e = near(q, nt)) >= 0 && (d < 0 || e < d))
			d = e;
		/* "elastic.restart_cluster" */
		if (qt != NULL && *qt != '\0' && (e = near(qt, nt)) >= 0 &&
		    (d < 0 || e < d))
			d = e;
		/* a prefix: "css.restart", "restart_con" */
		if (d < 0 && ql >= 4 && (strncmp(n, q, ql) == 0 ||
		    strncmp(nt, q, ql) == 0))
			d = 1000 + (long)(nl - ql);
		if (d >= 0 && d < bestd) {
			bestd = d;
			best = c->ops[i].name;
		}
	}
	return best;
}

/* ---- freeing ---- */

static void
param_free(struct br_param *p)
{
	size_t i;

	free(p->name);
	if (p->wire != p->name)
		free(p->wire);
	for (i = 0; i < p->nenums; i++)
		free(p->enums[i]);
	free(p->enums);
	free(p->description);
	free(p->example);
	memset(p, 0, sizeof(*p));
}

static void
op_free(struct br_op *op)
{
	size_t i;

	free(op->name);
	free(op->service);
	free(op->summary);
	free(op->method);
	free(op->path);
	for (i = 0; i < op->nparams; i++)
		param_free(&op->params[i]);
	free(op->params);
	free(op->success);
	for (i = 0; i < op->nresponse; i++)
		free(op->response[i]);
	free(op->response);
	memset(op, 0, sizeof(*op));
}

static void
service_free(struct br_service *s)
{
	free(s->name);
	free(s->endpoint);
	memset(s, 0, sizeof(*s));
}

void
br_catalog_release(struct br_catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nops; i++)
		op_free(&c->ops[i]);
	free(c->ops);
	for (i = 0; i < c->nservices; i++)
		service_free(&c->services[i]);
	free(c->services);
	memset(c, 0, sizeof(*c));
}

/* ---- checking one value (shared by bind and the catalog's examples) ---- */

enum { CHECK_OK = 0, CHECK_BAD = 1 };

static void
problem_set(struct br_problem *pr, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem_set(struct br_problem *pr, const char *reason, const char *fmt, ...)
{
	va_list ap;

	snprintf(pr->reason, sizeof(pr->reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(pr->msg, sizeof(pr->msg), fmt, ap);
	va_end(ap);
}

/* Parses an optionally signed decimal integer: 0, -1 (not one), -2
 * (beyond 64 bits). */
static int
parse_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;

	if (len > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = (s[0] == '-');
		i = 1;
	}
	if (i == len)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10) {
			/* keep checking the syntax */
			for (i++; i < len; i++)
				if (s[i] < '0' || s[i] > '9')
					return -1;
			return -2;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

/* [+-] digits [. digits] [e [+-] digits], at least one digit before or
 * after the point: the decimal forms, no hex, inf or nan. */
static int
number_syntax(const char *s, size_t len)
{
	size_t i = 0, nd = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		nd++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			nd++;
	if (nd == 0)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == len || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == len ? 0 : -1;
}

static int
range_problem(const struct br_param *p, int64_t lo, int64_t hi,
    int has_lo, int has_hi, const char *q, struct br_problem *pr)
{
	if (has_lo && has_hi)
		problem_set(pr, "RANGE", "'%s' must be between %" PRId64
		    " and %" PRId64 ", got '%s'", p->name, lo, hi, q);
	else if (has_lo)
		problem_set(pr, "RANGE", "'%s' must be at least %" PRId64
		    ", got '%s'", p->name, lo, q);
	else
		problem_set(pr, "RANGE", "'%s' must be at most %" PRId64
		    ", got '%s'", p->name, hi, q);
	return CHECK_BAD;
}

/* Checks v against the limits of p; CHECK_OK or CHECK_BAD. */
static int
check_bounds(const struct br_param *p, int64_t v, const char *q,
    struct br_problem *pr)
{
	if ((p->has_min && v < p->min) || (p->has_max && v > p->max))
		return range_problem(p, p->min, p->max, p->has_min,
		    p->has_max, q, pr);
	return CHECK_OK;
}

static int
out_int(int64_t v, char **out)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return (*out = strdup(buf)) == NULL ? BR_ENOMEM : CHECK_OK;
}

static int
check_integer(const struct br_param *p, const char *s, size_t len,
    const char *q, char **out, struct br_problem *pr)
{
	int64_t v;
	int r;

	r = parse_int64(s, len, &v);
	if (r == -1) {
		problem_set(pr, "TYPE", "'%s' must be an integer, got '%s'",
		    p->name, q);
		return CHECK_BAD;
	}
	if (p->type == BR_T_INTEGER && (r == -2 || v < INT32_MIN ||
	    v > INT32_MAX))
		return range_problem(p, INT32_MIN, INT32_MAX, 1, 1, q, pr);
	if (r == -2)
		return range_problem(p, INT64_MIN, INT64_MAX, 1, 1, q, pr);
	if (check_bounds(p, v, q, pr) != CHECK_OK)
		return CHECK_BAD;
	return out_int(v, out);
}

static int
check_epoch(const struct br_param *p, const char *s, size_t len,
    const char *q, const struct br_bind_opts *o, char **out,
    struct br_problem *pr)
{
	char why[256], *tmp;
	int64_t v;
	int r;

	r = parse_int64(s, len, &v);
	if (r == -2)
		return range_problem(p, INT64_MIN, INT64_MAX, 1, 1, q, pr);
	if (r == -1) {
		if ((tmp = xstrndup(s, len)) == NULL)
			return BR_ENOMEM;
		r = br_datetime_parse(tmp, o->now_ms, o->tz, &v, why,
		    sizeof(why));
		free(tmp);
		if (r != 0) {
			problem_set(pr, "FORMAT", "'%s' must be epoch "
			    "milliseconds or a date: %s", p->name, why);
			return CHECK_BAD;
		}
	}
	if (check_bounds(p, v, q, pr) != CHECK_OK)
		return CHECK_BAD;
	return out_int(v, out);
}

static int
check_number(const struct br_param *p, const char *s, size_t len,
    const char *q, char **out, struct br_problem *pr)
{
	char buf[64], *tmp, *end;
	double v;

	if (number_syntax(s, len) != 0) {
		problem_set(pr, "TYPE", "'%s' must be a number, got '%s'",
		    p->name, q);
		return CHECK_BAD;
	}
	if ((tmp = xstrndup(s, len)) == NULL)
		return BR_ENOMEM;
	errno = 0;
	v = strtod(tmp, &end);
	free(tmp);
	if (!isfinite(v)) {
		problem_set(pr, "RANGE", "'%s' is too large a number, got "
		    "'%s'", p->name, q);
		return CHECK_BAD;
	}
	if ((p->has_min && v < (double)p->min) ||
	    (p->has_max && v > (double)p->max))
		return range_problem(p, p->min, p->max, p->has_min,
		    p->has_max, q, pr);
	if (v == 0)
		v = 0;			/* no "-0" */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	return (*out = strdup(buf)) == NULL ? BR_ENOMEM : CHECK_OK;
}

static int
check_boolean(const struct br_param *p, const char *s, size_t len,
    const char *q, char **out, struct br_problem *pr)
{
	static const char *const yes[] = { "true", "yes", "1" };
	static const char *const no[] = { "false", "no", "0" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strlen(yes[i]) == len && strncasecmp(s, yes[i], len) == 0)
			return (*out = strdup("true")) == NULL ? BR_ENOMEM :
			    CHECK_OK;
		if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0)
			return (*out = strdup("false")) == NULL ? BR_ENOMEM :
			    CHECK_OK;
	}
	problem_set(pr, "TYPE", "'%s' must be true or false (or yes/no, 1/0), "
	    "got '%s'", p->name, q);
	return CHECK_BAD;
}

static int
check_enum(const struct br_param *p, const char *s, size_t len,
    const char *q, char **out, struct br_problem *pr)
{
	char list[320], item[80];
	size_t i, o = 0;
	int n;

	for (i = 0; i < p->nenums; i++)
		if (strlen(p->enums[i]) == len &&
		    memcmp(p->enums[i], s, len) == 0)
			goto found;
	for (i = 0; i < p->nenums; i++)
		if (strlen(p->enums[i]) == len &&
		    strncasecmp(p->enums[i], s, len) == 0)
			goto found;
	list[0] = '\0';
	for (i = 0; i < p->nenums && o < sizeof(list); i++) {
		quotez(item, sizeof(item), p->enums[i]);
		n = snprintf(list + o, sizeof(list) - o, "%s'%s'",
		    i > 0 ? ", " : "", item);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	problem_set(pr, "ENUM", "'%s' must be one of %s, got '%s'", p->name,
	    list, q);
	return CHECK_BAD;
found:
	return (*out = strdup(p->enums[i])) == NULL ? BR_ENOMEM : CHECK_OK;
}

static int
check_string(const struct br_param *p, const char *s, size_t len,
    const char *q, char **out, struct br_problem *pr)
{
	long n;

	if ((n = br_utf8_count(s, len)) < 0) {
		problem_set(pr, "FORMAT", "'%s' is not valid UTF-8: '%s'",
		    p->name, q);
		return CHECK_BAD;
	}
	if ((p->min_length >= 0 && n < p->min_length) ||
	    (p->max_length >= 0 && n > p->max_length)) {
		if (p->min_length >= 0 && p->max_length >= 0)
			problem_set(pr, "LENGTH", "'%s' must be %ld to %ld "
			    "characters long, got %ld: '%s'", p->name,
			    p->min_length, p->max_length, n, q);
		else if (p->min_length >= 0)
			problem_set(pr, "LENGTH", "'%s' must be at least %ld "
			    "characters long, got %ld: '%s'", p->name,
			    p->min_length, n, q);
		else
			problem_set(pr, "LENGTH", "'%s' must be at most %ld "
			    "characters long, got %ld: '%s'", p->name,
			    p->max_length, n, q);
		return CHECK_BAD;
	}
	return (*out = xstrndup(s, len)) == NULL ? BR_ENOMEM : CHECK_OK;
}

static const char *
where(const struct br_param *p)
{
	switch (p->in) {
	case BR_IN_PATH:	return "path parameter";
	case BR_IN_HEADER:	return "header";
	case BR_IN_QUERY:	return "query parameter";
	default:		return "parameter";
	}
}

/*
 * Checks the given value v (len bytes, kind) of p.  Returns CHECK_OK with
 * the normalised value in *out (caller frees), CHECK_BAD with pr filled,
 * or BR_ENOMEM.
 */
static int
check_value(const struct br_param *p, const char *v, size_t len,
    enum br_vkind kind, const struct br_bind_opts *o, char **out,
    struct br_problem *pr)
{
	char q[QUOTE_MAX * 4 + 8];
	const char *s;
	size_t i, n;

	*out = NULL;
	quote(q, sizeof(q), v, len);
	if (kind == BR_V_JSON) {
		problem_set(pr, "TYPE", "'%s' must be %s %s, got a JSON "
		    "array: '%s'", p->name, strchr("aeiou",
		    br_ptype_name(p->type)[0]) != NULL ? "an" : "a",
		    br_ptype_name(p->type), q);
		return CHECK_BAD;
	}
	if (memchr(v, '\0', len) != NULL) {
		problem_set(pr, "CONTROL", "%s '%s' contains a NUL byte: '%s'",
		    where(p), p->name, q);
		return CHECK_BAD;
	}
	if (p->in != BR_IN_BODY) {
		for (i = 0; i < len; i++) {
			if ((unsigned char)v[i] < 0x20 ||
			    (unsigned char)v[i] == 0x7f) {
				problem_set(pr, "CONTROL", "%s '%s' contains "
				    "a control character: '%s'", where(p),
				    p->name, q);
				return CHECK_BAD;
			}
		}
	}
	if (p->type == BR_T_STRING) {
		if (p->in == BR_IN_PATH && ((len == 1 && v[0] == '.') ||
		    (len == 2 && v[0] == '.' && v[1] == '.'))) {
			problem_set(pr, "FORMAT", "path parameter '%s' cannot "
			    "be '%s'", p->name, q);
			return CHECK_BAD;
		}
		return check_string(p, v, len, q, out, pr);
	}
	n = len;
	s = trim(v, &n);
	switch (p->type) {
	case BR_T_INTEGER:
	case BR_T_LONG:
		return check_integer(p, s, n, q, out, pr);
	case BR_T_EPOCH_MS:
		return check_epoch(p, s, n, q, o, out, pr);
	case BR_T_NUMBER:
		return check_number(p, s, n, q, out, pr);
	case BR_T_BOOLEAN:
		return check_boolean(p, s, n, q, out, pr);
	case BR_T_ENUM:
		return check_enum(p, s, n, q, out, pr);
	default:
		problem_set(pr, "TYPE", "'%s' has an unknown type", p->name);
		return CHECK_BAD;
	}
}

/* ---- loading ---- */

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

/* The line of offset off (1-based). */
static long
line_at(struct loader *ld, size_t off)
{
	size_t i = ld->lc_off;
	long line = ld->lc_line;

	if (off > ld->len)
		off = ld->len;
	if (line <= 0) {
		i = 0;
		line = 1;
	}
	for (; i < off; i++)
		if (ld->text[i] == '\n')
			line++;
	for (; i > off; i--)
		if (ld->text[i - 1] == '\n')
			line--;
	ld->lc_off = off;
	ld->lc_line = line;
	return line;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Where `"key": "value"` (value NULL: `"key":`) first occurs at or after
 * from, as an offset; (size_t)-1 when it does not (for example when the
 * text spells the value with escapes).  Cheap and good enough for line
 * numbers in messages.
 */
static size_t
find_pair(const struct loader *ld, size_t from, const char *key,
    const char *value)
{
	const char *t = ld->text, *want = value != NULL ? value : key;
	size_t wl = strlen(want), kl = strlen(key), i, j;

	for (i = from; i + wl + 2 <= ld->len; i++) {
		if (t[i] != '"' || memcmp(t + i + 1, want, wl) != 0 ||
		    t[i + 1 + wl] != '"')
			continue;
		if (value == NULL) {
			for (j = i + wl + 2; j < ld->len && is_ws(t[j]); j++)
				;
			if (j < ld->len && t[j] == ':')
				return i;
			continue;
		}
		j = i;
		while (j > 0 && is_ws(t[j - 1]))
			j--;
		if (j == 0 || t[j - 1] != ':')
			continue;
		j--;
		while (j > 0 && is_ws(t[j - 1]))
			j--;
		if (j >= kl + 2 && t[j - 1] == '"' && t[j - kl - 2] == '"' &&
		    memcmp(t + j - kl - 1, key, kl) == 0)
			return i;
	}
	return (size_t)-1;
}

static long
line_of(struct loader *ld, size_t off)
{
	return off == (size_t)-1 ? 0 : line_at(ld, off);
}

static int
lerr(struct loader *ld, long line, const char *ctx, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
lerr(struct loader *ld, long line, const char *ctx, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return br_errf(ld->err, BR_EINPUT, ld->name, line, "%s%s", ctx, buf);
}

static int
nomem(struct loader *ld)
{
	return br_errf(ld->err, BR_ENOMEM, ld->name, 0, "out of memory");
}

/* Rejects keys outside allowed (NULL-terminated) and keys given twice;
 * keys starting with '_' and "comment" are free-form comments. */
static int
check_keys(struct loader *ld, const cJSON *obj, const char *const *allowed,
    long line, const char *ctx)
{
	const cJSON *k, *k2;
	char q[QUOTE_MAX * 4 + 8];
	size_t i;

	for (k = obj->child; k != NULL; k = k->next) {
		for (k2 = obj->child; k2 != k; k2 = k2->next) {
			if (strcmp(k2->string, k->string) == 0) {
				quotez(q, sizeof(q), k->string);
				return lerr(ld, line, ctx,
				    "key '%s' given twice", q);
			}
		}
		if (k->string[0] == '_' || strcmp(k->string, "comment") == 0)
			continue;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k->string) == 0)
				break;
		if (allowed[i] == NULL) {
			quotez(q, sizeof(q), k->string);
			return lerr(ld, line, ctx, "unknown key '%s'", q);
		}
	}
	return 0;
}

/*
 * Copies the string member key of obj into *out.  Absent: *out stays NULL
 * (an error when required).  Not a string: an error.
 */
static int
get_str(struct loader *ld, const cJSON *obj, const char *key, int required,
    char **out, long line, const char *ctx)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			return lerr(ld, line, ctx, "missing '%s'", key);
		return 0;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return lerr(ld, line, ctx, "'%s' must be a string", key);
	if ((*out = strdup(v->valuestring)) == NULL)
		return nomem(ld);
	return 0;
}

/* A name: no blanks, control characters, quotes or braces. */
static int
good_name(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u == '\0')
		return 0;
	for (; *u != '\0'; u++)
		if (*u <= 0x20 || *u == 0x7f || *u == '{' || *u == '}' ||
		    *u == '"' || *u == '\'' || *u == ',' || *u == '=')
			return 0;
	return br_utf8_count(s, strlen(s)) >= 0;
}

static int
good_op_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-'))
			return 0;
	return 1;
}

static int
good_header_name(const char *s)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~";

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(tchar, *s) != NULL))
			return 0;
	return 1;
}

/* Headers bulkrun itself sets (auth, framing): no catalog may set them. */
static int
reserved_header(const char *s)
{
	static const char *const h[] = {
		"authorization", "x-auth-token", "x-sdk-date",
		"x-security-token", "host", "content-type", "content-length",
		"transfer-encoding", "connection", "expect", NULL
	};
	size_t i;

	for (i = 0; h[i] != NULL; i++)
		if (eqi(s, h[i]))
			return 1;
	return 0;
}

/* Reads an int64 limit: an integral JSON number, or a string of digits
 * for values beyond double precision.  0 absent, 1 read, -1 bad. */
static int
get_limit(const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	if (v == NULL)
		return 0;
	if (cJSON_IsString(v) && v->valuestring != NULL)
		return parse_int64(v->valuestring, strlen(v->valuestring),
		    out) == 0 ? 1 : -1;
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 ||
	    d > 9007199254740992.0)
		return -1;
	*out = (int64_t)d;
	return 1;
}

static int
parse_enums(struct loader *ld, const cJSON *e, struct br_param *p,
    long line, const char *ctx)
{
	const cJSON *it;
	char q[QUOTE_MAX * 4 + 8];
	size_t n, i;

	if (!cJSON_IsArray(e))
		return lerr(ld, line, ctx, "'enum' must be an array of "
		    "strings");
	n = (size_t)cJSON_GetArraySize(e);
	if (n == 0)
		return lerr(ld, line, ctx, "'enum' is empty");
	if ((p->enums = calloc(n, sizeof(*p->enums))) == NULL)
		return nomem(ld);
	cJSON_ArrayForEach(it, e) {
		if (!cJSON_IsString(it) || it->valuestring == NULL ||
		    it->valuestring[0] == '\0' ||
		    br_utf8_count(it->valuestring, strlen(it->valuestring)) < 0)
			return lerr(ld, line, ctx, "'enum' values must be "
			    "non-empty strings");
		for (i = 0; i < p->nenums; i++) {
			if (eqi(p->enums[i], it->valuestring)) {
				quotez(q, sizeof(q), it->valuestring);
				return lerr(ld, line, ctx, "enum value '%s' "
				    "given twice", q);
			}
		}
		if ((p->enums[p->nenums] = strdup(it->valuestring)) == NULL)
			return nomem(ld);
		p->nenums++;
	}
	return 0;
}

static int
parse_param(struct loader *ld, const cJSON *jp, size_t idx,
    const char *opctx, size_t opoff, long opline, struct br_param *p)
{
	static const char *const keys[] = {
		"name", "wire", "in", "type", "required", "min", "max",
		"min_length", "max_length", "enum", "description", "example",
		NULL
	};
	static const char *const ins[] = {
		NULL, "path", "header", "query", "body"
	};
	char ctx[768], q[QUOTE_MAX * 4 + 8], *s = NULL;
	const cJSON *v;
	struct br_problem pr;
	struct br_bind_opts bo;
	char *norm;
	int64_t lo = -1, hi = -1;
	long line = opline;
	int r, rl, rh, i, isnum;

	memset(p, 0, sizeof(*p));
	p->min_length = p->max_length = -1;
	snprintf(ctx, sizeof(ctx), "%sparameter #%zu: ", opctx, idx + 1);
	if (!cJSON_IsObject(jp))
		return lerr(ld, line, ctx, "not an object");
	if ((r = get_str(ld, jp, "name", 1, &p->name, line, ctx)) != 0)
		return r;
	quotez(q, sizeof(q), p->name);
	snprintf(ctx, sizeof(ctx), "%sparameter '%s': ", opctx, q);
	line = line_of(ld, find_pair(ld, opoff, "name", p->name));
	if (line == 0)
		line = opline;
	if ((r = check_keys(ld, jp, keys, line, ctx)) != 0)
		return r;
	if (!good_name(p->name))
		return lerr(ld, line, ctx, "bad name (no blanks, control "
		    "characters, quotes, commas, '=' or braces)");
	if (strchr(p->name, '.') != NULL && (p->name[0] == '.' ||
	    p->name[strlen(p->name) - 1] == '.' ||
	    strstr(p->name, "..") != NULL))
		return lerr(ld, line, ctx, "empty part between dots");
	if (eqi(p->name, "op") || eqi(p->name, "region") ||
	    eqi(p->name, "endpoint"))
		return lerr(ld, line, ctx, "the name is reserved for the "
		    "manifest column of that name");

	if ((r = get_str(ld, jp, "in", 1, &s, line, ctx)) != 0)
		return r;
	for (i = BR_IN_PATH; i <= BR_IN_BODY; i++)
		if (strcmp(s, ins[i]) == 0)
			p->in = (enum br_ploc)i;
	if (p->in == 0) {
		quotez(q, sizeof(q), s);
		free(s);
		return lerr(ld, line, ctx, "unknown 'in' '%s' (path, header, "
		    "query or body)", q);
	}
	free(s);
	s = NULL;

	if ((r = get_str(ld, jp, "type", 0, &s, line, ctx)) != 0)
		return r;
	if (s == NULL)
		p->type = BR_T_STRING;
	for (i = BR_T_STRING; s != NULL && i <= BR_T_NUMBER; i++)
		if (strcmp(s, type_names[i]) == 0)
			p->type = (enum br_ptype)i;
	if (p->type == 0) {
		quotez(q, sizeof(q), s);
		free(s);
		return lerr(ld, line, ctx, "unknown type '%s' (string, "
		    "integer, long, boolean, enum, epoch_ms or number)", q);
	}
	free(s);
	s = NULL;

	if ((v = cJSON_GetObjectItemCaseSensitive(jp, "required")) != NULL) {
		if (!cJSON_IsBool(v))
			return lerr(ld, line, ctx, "'required' must be true "
			    "or false");
		p->required = cJSON_IsTrue(v);
	}
	if (p->in == BR_IN_PATH)
		p->required = 1;	/* no URL without it */

	if ((r = get_str(ld, jp, "wire", 0, &p->wire, line, ctx)) != 0)
		return r;
	if (p->wire != NULL && p->in != BR_IN_HEADER &&
	    p->in != BR_IN_QUERY)
		return lerr(ld, line, ctx, "'wire' is for header and query "
		    "parameters only");
	if (p->wire == NULL)
		p->wire = p->name;
	if (p->in == BR_IN_HEADER && !good_header_name(p->wire))
		return lerr(ld, line, ctx, "not a valid header name");
	if (p->in == BR_IN_HEADER && reserved_header(p->wire))
		return lerr(ld, line, ctx, "header '%s' is set by bulkrun "
		    "itself", p->wire);
	if (p->in == BR_IN_QUERY && !good_name(p->wire))
		return lerr(ld, line, ctx, "bad query name");

	isnum = p->type == BR_T_INTEGER || p->type == BR_T_LONG ||
	    p->type == BR_T_EPOCH_MS || p->type == BR_T_NUMBER;
	if ((r = get_limit(jp, "min", &p->min)) < 0)
		return lerr(ld, line, ctx, "'min' must be an integer");
	p->has_min = r;
	if ((r = get_limit(jp, "max", &p->max)) < 0)
		return lerr(ld, line, ctx, "'max' must be an integer");
	p->has_max = r;
	if ((p->has_min || p->has_max) && !isnum)
		return lerr(ld, line, ctx, "'min'/'max' apply to numbers; "
		    "for strings use 'min_length'/'max_length'");
	if (p->has_min && p->has_max && p->min > p->max)
		return lerr(ld, line, ctx, "'min' is greater than 'max'");

	if ((rl = get_limit(jp, "min_length", &lo)) < 0 ||
	    (rl > 0 && (lo < 0 || lo > LONG_MAX)))
		return lerr(ld, line, ctx, "'min_length' must be a "
		    "non-negative integer");
	if ((rh = get_limit(jp, "max_length", &hi)) < 0 ||
	    (rh > 0 && (hi < 0 || hi > LONG_MAX)))
		return lerr(ld, line, ctx, "'max_length' must be a "
		    "non-negative integer");
	if ((rl > 0 || rh > 0) && p->type != BR_T_STRING)
		return lerr(ld, line, ctx, "'min_length'/'max_length' apply "
		    "to strings");
	if (rl > 0 && rh > 0 && lo > hi)
		return lerr(ld, line, ctx, "'min_length' is greater than "
		    "'max_length'");
	p->min_length = rl > 0 ? (long)lo : -1;
	p->max_length = rh > 0 ? (long)hi : -1;

	v = cJSON_GetObjectItemCaseSensitive(jp, "enum");
	if (v != NULL && p->type != BR_T_ENUM)
		return lerr(ld, line, ctx, "'enum' given but the type is "
		    "'%s'", br_ptype_name(p->type));
	if (p->type == BR_T_ENUM && v == NULL)
		return lerr(ld, line, ctx, "type 'enum' without 'enum' "
		    "values");
	if (v != NULL && (r = parse_enums(ld, v, p, line, ctx)) != 0)
		return r;

	if ((r = get_str(ld, jp, "description", 0, &p->description, line,
	    ctx)) != 0)
		return r;
	if ((r = get_str(ld, jp, "example", 0, &p->example, line, ctx)) != 0)
		return r;
	if (p->example != NULL) {
		memset(&bo, 0, sizeof(bo));
		bo.now_ms = br_now_ms();
		r = check_value(p, p->example, strlen(p->example),
		    BR_V_STRING, &bo, &norm, &pr);
		if (r == BR_ENOMEM)
			return nomem(ld);
		free(norm);
		if (r != CHECK_OK)
			return lerr(ld, line, ctx, "bad example: %s", pr.msg);
	}
	return 0;
}

/* Checks op->path against the path parameters. */
static int
check_path(struct loader *ld, const struct br_op *op, long line,
    const char *ctx)
{
	const char *s = op->path, *e;
	char name[256], q[QUOTE_MAX * 4 + 8];
	size_t i, n, seen;
	const struct br_param *p;

	if (s[0] != '/')
		return lerr(ld, line, ctx, "'path' must start with '/'");
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return lerr(ld, line, ctx, "'path' contains a blank "
			    "or control character");
		if (*s == '?' || *s == '#')
			return lerr(ld, line, ctx, "'path' contains '%c' "
			    "(give query parameters with \"in\": \"query\")",
			    *s);
		if (*s == '}')
			return lerr(ld, line, ctx, "'path' has a '}' without "
			    "'{'");
		if (*s != '{')
			continue;
		if ((e = strchr(s + 1, '}')) == NULL)
			return lerr(ld, line, ctx, "'path' has a '{' without "
			    "'}'");
		n = (size_t)(e - s - 1);
		if (n == 0 || memchr(s + 1, '{', n) != NULL ||
		    n >= sizeof(name))
			return lerr(ld, line, ctx, "'path' has a bad "
			    "placeholder");
		memcpy(name, s + 1, n);
		name[n] = '\0';
		quotez(q, sizeof(q), name);
		for (p = NULL, i = 0; i < op->nparams; i++)
			if (strcmp(op->params[i].name, name) == 0)
				p = &op->params[i];
		if (p == NULL)
			return lerr(ld, line, ctx, "'path' has {%s} but there "
			    "is no path parameter '%s'", q, q);
		if (p->in != BR_IN_PATH)
			return lerr(ld, line, ctx, "'path' has {%s} but "
			    "parameter '%s' is in the %s", q, q,
			    br_ploc_name(p->in));
		s = e;
	}
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if (p->in != BR_IN_PATH)
			continue;
		n = strlen(p->name);
		seen = 0;
		for (s = op->path; (s = strchr(s, '{')) != NULL; s++)
			if (strncmp(s + 1, p->name, n) == 0 && s[n + 1] == '}')
				seen++;
		quotez(q, sizeof(q), p->name);
		if (seen == 0)
			return lerr(ld, line, ctx, "path parameter '%s' has "
			    "no {%s} in 'path'", q, q);
		if (seen > 1)
			return lerr(ld, line, ctx, "{%s} appears %zu times in "
			    "'path'", q, seen);
	}
	return 0;
}

static int
parse_op(struct loader *ld, const cJSON *jo, size_t idx, struct br_op *op,
    size_t *offp)
{
	static const char *const keys[] = {
		"name", "service", "summary", "method", "path", "success",
		"response", "params", "idempotent", NULL
	};
	static const char *const methods[] = {
		"GET", "PUT", "POST", "PATCH", "DELETE", NULL
	};
	char ctx[384], q[QUOTE_MAX * 4 + 8], *dot;
	const cJSON *v, *it;
	size_t off, i, j, n, la;
	long line = 0;
	int r;

	memset(op, 0, sizeof(*op));
	*offp = 0;
	snprintf(ctx, sizeof(ctx), "operation #%zu: ", idx + 1);
	if (!cJSON_IsObject(jo))
		return lerr(ld, 0, ctx, "not an object");
	if ((r = get_str(ld, jo, "name", 1, &op->name, 0, ctx)) != 0)
		return r;
	quotez(q, sizeof(q), op->name);
	snprintf(ctx, sizeof(ctx), "operation '%s': ", q);
	off = find_pair(ld, ld->op_from, "name", op->name);
	if (off == (size_t)-1 && ld->op_from > 0)
		off = find_pair(ld, 0, "name", op->name);
	if (off != (size_t)-1)
		ld->op_from = off;
	line = line_of(ld, off);
	*offp = off == (size_t)-1 ? 0 : off;
	if ((r = check_keys(ld, jo, keys, line, ctx)) != 0)
		return r;
	if (!good_op_name(op->name))
		return lerr(ld, line, ctx, "bad name (letters, digits, '.', "
		    "'_' and '-' only)");

	if ((r = get_str(ld, jo, "method", 1, &op->method, line, ctx)) != 0)
		return r;
	for (i = 0; methods[i] != NULL; i++)
		if (eqi(op->method, methods[i]))
			break;
	if (methods[i] == NULL) {
		quotez(q, sizeof(q), op->method);
		return lerr(ld, line, ctx, "unknown method '%s' (GET, PUT, "
		    "POST, PATCH or DELETE)", q);
	}
	strcpy(op->method, methods[i]);	/* same length, canonical case */

	if ((r = get_str(ld, jo, "path", 1, &op->path, line, ctx)) != 0)
		return r;
	if ((r = get_str(ld, jo, "service", 0, &op->service, line, ctx)) != 0)
		return r;
	if (op->service == NULL) {
		if ((dot = strchr(op->name, '.')) == NULL)
			return lerr(ld, line, ctx, "missing 'service'");
		if ((op->service = xstrndup(op->name,
		    (size_t)(dot - op->name))) == NULL)
			return nomem(ld);
	}
	if (!good_op_name(op->service))
		return lerr(ld, line, ctx, "bad service name");
	if ((r = get_str(ld, jo, "summary", 0, &op->summary, line, ctx)) != 0)
		return r;
	if (op->summary == NULL && (op->summary = strdup("")) == NULL)
		return nomem(ld);

	v = cJSON_GetObjectItemCaseSensitive(jo, "success");
	if (v != NULL && !cJSON_IsArray(v))
		return lerr(ld, line, ctx, "'success' must be an array of "
		    "HTTP status codes");
	n = v != NULL ? (size_t)cJSON_GetArraySize(v) : 0;
	if ((op->success = calloc(n > 0 ? n : 1, sizeof(int))) == NULL)
		return nomem(ld);
	if (n == 0) {
		op->success[0] = 200;
		op->nsuccess = 1;
	}
	if (v != NULL) {
		cJSON_ArrayForEach(it, v) {
			if (!cJSON_IsNumber(it) || it->valuedouble < 100 ||
			    it->valuedouble > 599 ||
			    it->valuedouble != floor(it->valuedouble))
				return lerr(ld, line, ctx, "'success' must "
				    "hold HTTP status codes (100 to 599)");
			op->success[op->nsuccess++] = (int)it->valuedouble;
		}
	}

	/* unless the catalog says so, only a read is safe to send twice */
	v = cJSON_GetObjectItemCaseSensitive(jo, "idempotent");
	if (v != NULL && !cJSON_IsBool(v))
		return lerr(ld, line, ctx, "'idempotent' must be true or "
		    "false");
	op->idempotent = v != NULL ? cJSON_IsTrue(v) :
	    strcmp(op->method, "GET") == 0;

	v = cJSON_GetObjectItemCaseSensitive(jo, "response");
	if (v != NULL && !cJSON_IsArray(v))
		return lerr(ld, line, ctx, "'response' must be an array of "
		    "field names");
	n = v != NULL ? (size_t)cJSON_GetArraySize(v) : 0;
	if (n > 0 && (op->response = calloc(n, sizeof(char *))) == NULL)
		return nomem(ld);
	if (v != NULL) {
		cJSON_ArrayForEach(it, v) {
			if (!cJSON_IsString(it) || it->valuestring == NULL ||
			    it->valuestring[0] == '\0')
				return lerr(ld, line, ctx, "'response' must "
				    "hold non-empty field names");
			if ((op->response[op->nresponse] =
			    strdup(it->valuestring)) == NULL)
				return nomem(ld);
			op->nresponse++;
		}
	}

	v = cJSON_GetObjectItemCaseSensitive(jo, "params");
	if (v != NULL && !cJSON_IsArray(v))
		return lerr(ld, line, ctx, "'params' must be an array");
	n = v != NULL ? (size_t)cJSON_GetArraySize(v) : 0;
	if (n > 0 && (op->params = calloc(n, sizeof(*op->params))) == NULL)
		return nomem(ld);
	if (v != NULL) {
		cJSON_ArrayForEach(it, v) {
			r = parse_param(ld, it, op->nparams, ctx, *offp, line,
			    &op->params[op->nparams]);
			op->nparams++;	/* freed with op if partial */
			if (r != 0)
				return r;
		}
	}
	for (i = 0; i < op->nparams; i++) {
		for (j = 0; j < i; j++) {
			const char *a = op->params[j].name;
			const char *b = op->params[i].name;

			quotez(q, sizeof(q), b);
			if (eqi(a, b))
				return lerr(ld, line, ctx, "parameter '%s' "
				    "given twice", q);
			if (op->params[i].in != BR_IN_BODY ||
			    op->params[j].in != BR_IN_BODY)
				continue;
			la = strlen(a);
			if (strlen(b) > la && strncasecmp(a, b, la) == 0 &&
			    b[la] == '.')
				return lerr(ld, line, ctx, "body field '%s' "
				    "is inside body field '%s'", q, a);
			la = strlen(b);
			if (strlen(a) > la && strncasecmp(a, b, la) == 0 &&
			    a[la] == '.')
				return lerr(ld, line, ctx, "body field '%s' "
				    "has fields of its own ('%s')", q, a);
		}
	}
	return check_path(ld, op, line, ctx);
}

/* One member of "services", checked and added to t (whose services
 * array has room for it); seen holds the names before it. */
static int
parse_service(struct loader *ld, const cJSON *it, struct br_catalog *t,
    struct nameset *seen)
{
	static const char *const keys[] = { "endpoint", NULL };
	struct br_service *s;
	char ctx[320], q[QUOTE_MAX * 4 + 8];
	size_t n, off;
	long line;
	int r;

	quotez(q, sizeof(q), it->string);
	snprintf(ctx, sizeof(ctx), "service '%s': ", q);
	off = find_pair(ld, ld->svc_from, it->string, NULL);
	if (off == (size_t)-1 && ld->svc_from > 0)
		off = find_pair(ld, 0, it->string, NULL);
	if (off != (size_t)-1)
		ld->svc_from = off;
	line = line_of(ld, off);
	if (!good_op_name(it->string))
		return lerr(ld, line, ctx, "bad service name");
	if (nameset_add(seen, it->string))
		return lerr(ld, line, ctx, "given twice");
	if (!cJSON_IsObject(it))
		return lerr(ld, line, ctx, "not an object");
	if ((r = check_keys(ld, it, keys, line, ctx)) != 0)
		return r;
	s = &t->services[t->nservices];
	if ((s->name = strdup(it->string)) == NULL)
		return nomem(ld);
	t->nservices++;
	if ((r = get_str(ld, it, "endpoint", 1, &s->endpoint, line,
	    ctx)) != 0)
		return r;
	if (strncasecmp(s->endpoint, "https://", 8) != 0 &&
	    strncasecmp(s->endpoint, "http://", 7) != 0)
		return lerr(ld, line, ctx, "'endpoint' must start "
		    "with https:// or http://");
	for (n = 0; s->endpoint[n] != '\0'; n++)
		if ((unsigned char)s->endpoint[n] <= 0x20 ||
		    s->endpoint[n] == 0x7f)
			return lerr(ld, line, ctx, "'endpoint' "
			    "contains a blank or control character");
	return 0;
}

static int
parse_services(struct loader *ld, const cJSON *js, struct br_catalog *t)
{
	const cJSON *it;
	struct nameset seen;
	size_t n;
	int r = 0;

	if (!cJSON_IsObject(js))
		return lerr(ld, line_of(ld, find_pair(ld, 0, "services",
		    NULL)), "", "'services' must be an object");
	n = (size_t)cJSON_GetArraySize(js);
	if (n > 0 && (t->services = calloc(n, sizeof(*t->services))) == NULL)
		return nomem(ld);
	if (nameset_init(&seen, n) != 0)
		return nomem(ld);
	cJSON_ArrayForEach(it, js) {
		if ((r = parse_service(ld, it, t, &seen)) != 0)
			break;
	}
	nameset_free(&seen);
	return r;
}

static int
parse_catalog(struct loader *ld, struct br_catalog *t)
{
	static const char *const keys[] = { "services", "operations", NULL };
	const char *end = NULL;
	cJSON *root;
	const cJSON *js, *jo, *it;
	struct nameset seen = { NULL, 0 };
	size_t n, i, off;
	long line;
	int r;

	root = cJSON_ParseWithLengthOpts(ld->text, ld->len, &end, 0);
	if (root == NULL) {
		if (end == NULL)
			end = cJSON_GetErrorPtr();
		line = (end != NULL && end >= ld->text &&
		    end <= ld->text + ld->len) ?
		    line_at(ld, (size_t)(end - ld->text)) : 0;
		if (all_blank(ld->text, ld->len))
			return lerr(ld, 0, "", "empty file");
		return lerr(ld, line, "", "not valid JSON");
	}
	/* nothing but blanks may follow the value */
	if (end != NULL && end >= ld->text &&
	    !all_blank(end, ld->len - (size_t)(end - ld->text))) {
		r = lerr(ld, line_at(ld, (size_t)(end - ld->text)), "",
		    "text after the JSON value");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		r = lerr(ld, 1, "", "must be a JSON object with "
		    "\"operations\" and \"services\"");
		goto out;
	}
	if ((r = check_keys(ld, root, keys, 0, "")) != 0)
		goto out;
	js = cJSON_GetObjectItemCaseSensitive(root, "services");
	jo = cJSON_GetObjectItemCaseSensitive(root, "operations");
	if (js == NULL && jo == NULL) {
		r = lerr(ld, 0, "", "no \"operations\" and no \"services\"");
		goto out;
	}
	if (js != NULL && (r = parse_services(ld, js, t)) != 0)
		goto out;
	if (jo != NULL && !cJSON_IsArray(jo)) {
		r = lerr(ld, line_of(ld, find_pair(ld, 0, "operations",
		    NULL)), "", "'operations' must be an array");
		goto out;
	}
	n = jo != NULL ? (size_t)cJSON_GetArraySize(jo) : 0;
	if ((n > 0 && (t->ops = calloc(n, sizeof(*t->ops))) == NULL) ||
	    nameset_init(&seen, n) != 0) {
		r = nomem(ld);
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(it, jo) {
		r = parse_op(ld, it, i++, &t->ops[t->nops], &off);
		t->nops++;
		if (r != 0)
			goto out;
		if (nameset_add(&seen, t->ops[t->nops - 1].name)) {
			const char *nm = t->ops[t->nops - 1].name;
			char q[QUOTE_MAX * 4 + 8];

			quotez(q, sizeof(q), nm);
			r = lerr(ld, line_of(ld, find_pair(ld, off, "name",
			    nm)), "", "operation '%s' given twice", q);
			goto out;
		}
	}
	r = 0;
out:
	nameset_free(&seen);
	cJSON_Delete(root);
	return r;
}

/* Moves the operations and services of t into c, replacing same names. */
static int
merge(struct br_catalog *c, struct br_catalog *t, struct loader *ld)
{
	struct br_op *ops;
	struct br_service *svcs;
	size_t i, j, nold = c->nops, sold = c->nservices;

	ops = realloc(c->ops, (c->nops + t->nops + 1) * sizeof(*ops));
	if (ops == NULL)
		return nomem(ld);
	c->ops = ops;
	svcs = realloc(c->services, (c->nservices + t->nservices + 1) *
	    sizeof(*svcs));
	if (svcs == NULL)
		return nomem(ld);
	c->services = svcs;
	/* the names in t differ from each other (parse_catalog checked):
	 * each is looked for among c's own only */
	for (i = 0; i < t->nops; i++) {
		for (j = 0; j < nold; j++)
			if (eqi(c->ops[j].name, t->ops[i].name))
				break;
		if (j < nold)
			op_free(&c->ops[j]);
		else
			j = c->nops++;
		c->ops[j] = t->ops[i];
	}
	for (i = 0; i < t->nservices; i++) {
		for (j = 0; j < sold; j++)
			if (eqi(c->services[j].name, t->services[i].name))
				break;
		if (j < sold)
			service_free(&c->services[j]);
		else
			j = c->nservices++;
		c->services[j] = t->services[i];
	}
	free(t->ops);
	free(t->services);
	memset(t, 0, sizeof(*t));
	return 0;
}

int
br_catalog_load_string(struct br_catalog *c, const char *text, size_t len,
    const char *name, struct br_err *err)
{
	struct br_catalog t;
	struct loader ld;
	int r;

	memset(&t, 0, sizeof(t));
	memset(&ld, 0, sizeof(ld));
	ld.name = name != NULL ? name : "<catalog>";
	ld.text = text != NULL ? text : "";
	ld.len = text != NULL ? len : 0;
	ld.err = err;
	if ((r = parse_catalog(&ld, &t)) == 0)
		r = merge(c, &t, &ld);
	br_catalog_release(&t);
	return r;
}

int
br_catalog_load_builtin(struct br_catalog *c, struct br_err *err)
{
	return br_catalog_load_string(c, br_catalog_json,
	    (size_t)br_catalog_json_len, BUILTIN_NAME, err);
}

int
br_catalog_load_file(struct br_catalog *c, const char *path,
    struct br_err *err)
{
	FILE *f;
	char *buf = NULL, ebuf[128], *nb;
	size_t len = 0, cap = 0, n;
	int r, e;

	if ((f = fopen(path, "rb")) == NULL) {
		e = errno;
		if (strerror_r(e, ebuf, sizeof(ebuf)) != 0)
			snprintf(ebuf, sizeof(ebuf), "error %d", e);
		return br_errf(err, BR_EIO, path, 0, "cannot open: %s", ebuf);
	}
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= (size_t)MAX_CATALOG) {
				r = br_errf(err, BR_EINPUT, path, 0,
				    "larger than %ld bytes", MAX_CATALOG);
				goto out;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				r = br_errf(err, BR_ENOMEM, path, 0,
				    "out of memory");
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		e = errno;
		if (strerror_r(e, ebuf, sizeof(ebuf)) != 0)
			snprintf(ebuf, sizeof(ebuf), "error %d", e);
		r = br_errf(err, BR_EIO, path, 0, "cannot read: %s", ebuf);
		goto out;
	}
	buf[len] = '\0';
	r = br_catalog_load_string(c, buf, len, path, err);
out:
	fclose(f);
	free(buf);
	return r;
}

/* ---- printing ---- */

static void
csv_cell(FILE *f, const char *s)
{
	const char *p;

	if (s[strcspn(s, ",\"\r\n")] == '\0' && s[0] != ' ' &&
	    (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void
br_catalog_print_list(const struct br_catalog *c, void *fp)
{
	FILE *f = fp;
	size_t i, w = 0, rw = 0, n;

	for (i = 0; i < c->nops; i++) {
		if ((n = strlen(c->ops[i].name)) > w)
			w = n;
		if ((n = strlen(c->ops[i].method) + 1 +
		    strlen(c->ops[i].path)) > rw)
			rw = n;
	}
	for (i = 0; i < c->nops; i++) {
		const struct br_op *op = &c->ops[i];

		n = strlen(op->method) + 1 + strlen(op->path);
		fprintf(f, "%-*s  %s %s%*s  %s\n", (int)w, op->name,
		    op->method, op->path, (int)(rw - n), "",
		    op->summary != NULL ? op->summary : "");
	}
}

static void
limits_text(const struct br_param *p, char *buf, size_t sz)
{
	size_t i, o = 0;
	int n;

	buf[0] = '\0';
	if (p->type == BR_T_ENUM) {
		for (i = 0; i < p->nenums && o < sz; i++) {
			n = snprintf(buf + o, sz - o, "%s%s", i > 0 ? "|" :
			    "", p->enums[i]);
			if (n < 0)
				break;
			o += (size_t)n;
		}
	} else if (p->min_length >= 0 && p->max_length >= 0)
		snprintf(buf, sz, "%ld..%ld chars", p->min_length,
		    p->max_length);
	else if (p->min_length >= 0)
		snprintf(buf, sz, ">= %ld chars", p->min_length);
	else if (p->max_length >= 0)
		snprintf(buf, sz, "<= %ld chars", p->max_length);
	else if (p->has_min && p->has_max)
		snprintf(buf, sz, "%" PRId64 "..%" PRId64, p->min, p->max);
	else if (p->has_min)
		snprintf(buf, sz, ">= %" PRId64, p->min);
	else if (p->has_max)
		snprintf(buf, sz, "<= %" PRId64, p->max);
	else if (p->type == BR_T_INTEGER)
		snprintf(buf, sz, "32-bit");
	else if (p->type == BR_T_LONG)
		snprintf(buf, sz, "64-bit");
}

int
br_catalog_print_op(const struct br_catalog *c, const char *name, void *fp,
    struct br_err *err)
{
	FILE *f = fp;
	const struct br_op *op;
	const struct br_service *svc;
	const struct br_param *p;
	const char *sug;
	char lim[256], q[QUOTE_MAX * 4 + 8];
	size_t i, wn = 4, wi = 2, wt = 4, wl = 6, n;

	if ((op = br_catalog_find(c, name)) == NULL) {
		quotez(q, sizeof(q), name != NULL ? name : "");
		if ((sug = br_catalog_suggest(c, name)) != NULL)
			return br_errf(err, BR_EINPUT, NULL, 0, "unknown "
			    "operation '%s'; did you mean '%s'?", q, sug);
		return br_errf(err, BR_EINPUT, NULL, 0, "unknown operation "
		    "'%s' (bulkrun ops lists them)", q);
	}
	svc = br_catalog_service(c, op->service);
	fprintf(f, "%s: %s\n\n", op->name, op->summary);
	fprintf(f, "  request:   %s %s\n", op->method, op->path);
	fprintf(f, "  service:   %s", op->service);
	if (svc != NULL)
		fprintf(f, " (%s)", svc->endpoint);
	fprintf(f, "\n  success:   ");
	for (i = 0; i < op->nsuccess; i++)
		fprintf(f, "%s%d", i > 0 ? ", " : "", op->success[i]);
	fprintf(f, "\n  idempotent: %s", op->idempotent ? "yes (a call that "
	    "got no answer is retried)" : "no (a call that got no answer is "
	    "retried only with --retry-on net-unsafe)");
	fprintf(f, "\n\nparameters:\n");
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if ((n = strlen(p->name)) > wn)
			wn = n;
		if ((n = strlen(br_ploc_name(p->in))) > wi)
			wi = n;
		if ((n = strlen(br_ptype_name(p->type))) > wt)
			wt = n;
		limits_text(p, lim, sizeof(lim));
		if ((n = strlen(lim)) > wl)
			wl = n;
	}
	if (op->nparams == 0)
		fprintf(f, "  (none)\n");
	else
		fprintf(f, "  %-*s  %-*s  %-*s  %-8s  %-*s  %s\n", (int)wn,
		    "NAME", (int)wi, "IN", (int)wt, "TYPE", "REQUIRED",
		    (int)wl, "LIMITS", "DESCRIPTION");
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		limits_text(p, lim, sizeof(lim));
		fprintf(f, "  %-*s  %-*s  %-*s  %-8s  %-*s  %s\n", (int)wn,
		    p->name, (int)wi, br_ploc_name(p->in), (int)wt,
		    br_ptype_name(p->type), p->required ? "yes" : "no",
		    (int)wl, lim, p->description != NULL ?
		    p->description : "");
	}
	fprintf(f, "\nresponse fields: ");
	for (i = 0; i < op->nresponse; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "", op->response[i]);
	if (op->nresponse == 0)
		fprintf(f, "(none)");
	fprintf(f, "\n\nexample CSV:\nop");
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if (p->required || p->example != NULL) {
			fputc(',', f);
			csv_cell(f, p->name);
		}
	}
	fputc('\n', f);
	csv_cell(f, op->name);
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if (p->required || p->example != NULL) {
			fputc(',', f);
			csv_cell(f, p->example != NULL ? p->example : "");
		}
	}
	fputc('\n', f);
	return 0;
}

/* ---- binding a row ---- */

static int
prob_add(struct br_problems *ps, const struct br_problem *pr)
{
	struct br_problem *v;
	size_t cap;

	if (ps->n == ps->_cap) {
		cap = ps->_cap == 0 ? 8 : ps->_cap * 2;
		if ((v = realloc(ps->v, cap * sizeof(*v))) == NULL)
			return BR_ENOMEM;
		ps->v = v;
		ps->_cap = cap;
	}
	ps->v[ps->n++] = *pr;
	return 0;
}

int
br_problems_addf(struct br_problems *ps, const char *reason,
    const char *fmt, ...)
{
	struct br_problem pr;
	va_list ap;

	snprintf(pr.reason, sizeof(pr.reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(pr.msg, sizeof(pr.msg), fmt, ap);
	va_end(ap);
	return prob_add(ps, &pr);
}

static int
given(const struct br_field *f)
{
	if (f->value == NULL || f->kind == BR_V_NULL)
		return 0;
	if (f->kind == BR_V_STRING && all_blank(f->value, f->len))
		return 0;
	return 1;
}

/* The last field named name (case-insensitively) that holds a value. */
static const struct br_field *
field(const struct br_row *row, const char *name)
{
	const struct br_field *found = NULL;
	size_t i;

	for (i = 0; i < row->nfields; i++)
		if (row->fields[i].name != NULL &&
		    eqi(row->fields[i].name, name) && given(&row->fields[i]))
			found = &row->fields[i];
	return found;
}

/* Copies the trimmed row column name ("region", "endpoint") into *out. */
static int
bind_column(const struct br_row *row, const char *name, char **out,
    struct br_problems *ps)
{
	const struct br_field *f;
	char q[QUOTE_MAX * 4 + 8];
	const char *s;
	size_t n, i;
	int bad = 0;

	if ((f = field(row, name)) == NULL)
		return 0;
	n = f->len;
	s = trim(f->value, &n);
	quote(q, sizeof(q), s, n);
	if (f->kind == BR_V_JSON)
		return br_problems_addf(ps, "TYPE", "column '%s' must be text, got a "
		    "JSON array: '%s'", name, q) == 0 ? 1 : BR_ENOMEM;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return br_problems_addf(ps, "CONTROL", "column '%s' contains a "
			    "control character: '%s'", name, q) == 0 ? 1 :
			    BR_ENOMEM;
	if (strcmp(name, "region") == 0) {
		for (i = 0; i < n; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			    s[i] == '_' || s[i] == '.'))
				bad = 1;
		if (bad)
			return br_problems_addf(ps, "FORMAT", "column 'region' must "
			    "hold letters, digits, '-', '_' and '.' only, "
			    "got '%s'", q) == 0 ? 1 : BR_ENOMEM;
	} else {
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] <= 0x20)
				bad = 1;
		if (bad || (!(n > 8 && strncasecmp(s, "https://", 8) == 0) &&
		    !(n > 7 && strncasecmp(s, "http://", 7) == 0)))
			return br_problems_addf(ps, "FORMAT", "column 'endpoint' must "
			    "be an http:// or https:// URL, got '%s'", q) ==
			    0 ? 1 : BR_ENOMEM;
	}
	if ((*out = xstrndup(s, n)) == NULL)
		return BR_ENOMEM;
	return 0;
}

int
br_catalog_bind(const struct br_catalog *c, const struct br_row *row,
    const struct br_bind_opts *opts, struct br_bound *b,
    struct br_problems *probs)
{
	static const struct br_bind_opts noopts;
	const struct br_field *f;
	const struct br_param *p;
	const struct br_op *op;
	const char *name = NULL, *sug, *v;
	char q[QUOTE_MAX * 4 + 8];
	struct br_problem pr;
	size_t start = probs->n, i, j, len, nl;
	enum br_vkind kind;
	char *norm, *tmp = NULL;
	int r;

	memset(b, 0, sizeof(*b));
	if (opts == NULL)
		opts = &noopts;

	if ((r = bind_column(row, "region", &b->region, probs)) < 0 ||
	    (r = bind_column(row, "endpoint", &b->endpoint, probs)) < 0)
		return BR_ENOMEM;

	if ((f = field(row, "op")) != NULL) {
		nl = f->len;
		name = trim(f->value, &nl);
		if ((tmp = xstrndup(name, nl)) == NULL)
			return BR_ENOMEM;
		name = tmp;
	} else if (opts->default_op != NULL &&
	    !all_blank(opts->default_op, strlen(opts->default_op))) {
		nl = strlen(opts->default_op);
		name = trim(opts->default_op, &nl);
		if ((tmp = xstrndup(name, nl)) == NULL)
			return BR_ENOMEM;
		name = tmp;
	}
	if (name == NULL) {
		if (br_problems_addf(probs, "NO_OP", "no operation: the row has no 'op' "
		    "and no --op was given") != 0)
			return BR_ENOMEM;
		return BR_EINPUT;
	}
	if (memchr(name, '\0', nl) != NULL ||
	    (op = br_catalog_find(c, name)) == NULL) {
		quote(q, sizeof(q), name, nl);
		sug = br_catalog_suggest(c, name);
		r = sug != NULL ?
		    br_problems_addf(probs, "UNKNOWN_OP", "unknown operation '%s'; did "
		    "you mean '%s'?", q, sug) :
		    br_problems_addf(probs, "UNKNOWN_OP", "unknown operation '%s'", q);
		free(tmp);
		return r != 0 ? BR_ENOMEM : BR_EINPUT;
	}
	free(tmp);
	b->op = op;

	if (op->nparams > 0 &&
	    (b->args = calloc(op->nparams, sizeof(*b->args))) == NULL)
		return BR_ENOMEM;
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		v = NULL;
		len = 0;
		kind = BR_V_STRING;
		if ((f = field(row, p->name)) != NULL) {
			v = f->value;
			len = f->len;
			kind = f->kind;
		} else {
			for (j = opts->nsets; j > 0; j--) {
				const struct br_set *s = &opts->sets[j - 1];

				if (s->name != NULL && s->value != NULL &&
				    eqi(s->name, p->name) &&
				    !all_blank(s->value, strlen(s->value))) {
					v = s->value;
					len = strlen(v);
					break;
				}
			}
		}
		if (v == NULL) {
			if (p->required && br_problems_addf(probs, "MISSING", "missing "
			    "required parameter '%s'", p->name) != 0)
				return BR_ENOMEM;
			continue;
		}
		r = check_value(p, v, len, kind, opts, &norm, &pr);
		if (r == BR_ENOMEM)
			return BR_ENOMEM;
		if (r == CHECK_BAD) {
			if (prob_add(probs, &pr) != 0)
				return BR_ENOMEM;
			continue;
		}
		b->args[b->nargs].param = p;
		b->args[b->nargs].value = norm;
		b->nargs++;
	}
	return probs->n > start ? BR_EINPUT : 0;
}

void
br_bound_release(struct br_bound *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nargs; i++)
		free(b->args[i].value);
	free(b->args);
	free(b->region);
	free(b->endpoint);
	memset(b, 0, sizeof(*b));
}

const char *
br_bound_get(const struct br_bound *b, const char *name)
{
	size_t i;

	if (b == NULL || name == NULL)
		return NULL;
	for (i = 0; i < b->nargs; i++)
		if (strcmp(b->args[i].param->name, name) == 0)
			return b->args[i].value;
	for (i = 0; i < b->nargs; i++)
		if (eqi(b->args[i].param->name, name))
			return b->args[i].value;
	return NULL;
}

void
br_problems_clear(struct br_problems *p)
{
	if (p != NULL)
		p->n = 0;
}

void
br_problems_release(struct br_problems *p)
{
	if (p == NULL)
		return;
	free(p->v);
	memset(p, 0, sizeof(*p));
}
