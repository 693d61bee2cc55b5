/*
 * bind.c - checking a manifest row against its operation: one value
 * (type, limits, control characters), then the whole row (its operation,
 * region and endpoint columns, --set values, every problem); see bind.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bind.h"
#include "datetime.h"
#include "plausible.h"
#include "text.h"
#include "utf8.h"

/* ---- checking one value ---- */

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

	r = br_text_int64(s, len, &v);
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

	r = br_text_int64(s, len, &v);
	if (r == -2)
		return range_problem(p, INT64_MIN, INT64_MAX, 1, 1, q, pr);
	if (r == -1) {
		if ((tmp = br_text_ndup(s, len)) == NULL)
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
	if ((tmp = br_text_ndup(s, len)) == NULL)
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
		br_text_quotez(item, sizeof(item), p->enums[i]);
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
	return (*out = br_text_ndup(s, len)) == NULL ? BR_ENOMEM : CHECK_OK;
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

int
br_bind_check_value(const struct br_param *p, const char *v, size_t len,
    enum br_vkind kind, const struct br_bind_opts *o, char **out,
    struct br_problem *pr)
{
	char q[BR_QUOTE_BUF];
	const char *s;
	size_t i, n;

	*out = NULL;
	br_text_quote(q, sizeof(q), v, len);
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
	s = br_text_trim(v, &n);
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

	memset(&pr, 0, sizeof(pr));
	snprintf(pr.reason, sizeof(pr.reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(pr.msg, sizeof(pr.msg), fmt, ap);
	va_end(ap);
	return prob_add(ps, &pr);
}

/* Marks the last problem of ps as one about field f of row, and how much
 * of its message names the subject (subj, when the message starts so). */
static void
prob_at(struct br_problems *ps, const struct br_row *row,
    const struct br_field *f, const char *subj)
{
	struct br_problem *pr = &ps->v[ps->n - 1];
	size_t n = strlen(subj);

	pr->field = (size_t)(f - row->fields) + 1;
	pr->subj = strncmp(pr->msg, subj, n) == 0 ? n : 0;
}

static int
given(const struct br_field *f)
{
	if (f->value == NULL || f->kind == BR_V_NULL)
		return 0;
	if (f->kind == BR_V_STRING && br_text_blank(f->value, f->len))
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
		    br_text_eqi(row->fields[i].name, name) &&
		    given(&row->fields[i]))
			found = &row->fields[i];
	return found;
}

/* Bytes a row column may hold: no control characters. */
static int
is_text(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

/* Bytes of a region: letters, digits, '-', '_' and '.'. */
static int
is_region(unsigned char c)
{
	return br_text_namechar(c);
}

/* Bytes of an endpoint URL: no blanks. */
static int
is_visible(unsigned char c)
{
	return c > 0x20;
}

/* How many bytes at the start of s[0..n) pass ok. */
static size_t
span(const char *s, size_t n, int (*ok)(unsigned char))
{
	size_t i;

	for (i = 0; i < n && ok((unsigned char)s[i]); i++)
		;
	return i;
}

/* An http:// or https:// URL without blanks. */
static int
good_endpoint(const char *s, size_t n)
{
	if (span(s, n, is_visible) < n)
		return 0;
	return (n > 8 && strncasecmp(s, "https://", 8) == 0) ||
	    (n > 7 && strncasecmp(s, "http://", 7) == 0);
}

/* Copies the trimmed row column name ("region", "endpoint") into *out:
 * 0 (also when not given), 1 when a problem was added, BR_ENOMEM. */
static int
bind_column(const struct br_row *row, const char *name, char **out,
    struct br_problems *ps)
{
	const struct br_field *f;
	char q[BR_QUOTE_BUF], subj[32];
	const char *s;
	size_t n;
	int r;

	if ((f = field(row, name)) == NULL)
		return 0;
	snprintf(subj, sizeof(subj), "column '%s' ", name);
	n = f->len;
	s = br_text_trim(f->value, &n);
	br_text_quote(q, sizeof(q), s, n);
	if (f->kind == BR_V_JSON)
		r = br_problems_addf(ps, "TYPE", "column '%s' must be text, "
		    "got a JSON array: '%s'", name, q);
	else if (span(s, n, is_text) < n)
		r = br_problems_addf(ps, "CONTROL", "column '%s' contains a "
		    "control character: '%s'", name, q);
	else if (strcmp(name, "region") == 0 && span(s, n, is_region) < n)
		r = br_problems_addf(ps, "FORMAT", "column 'region' must hold "
		    "letters, digits, '-', '_' and '.' only, got '%s'", q);
	else if (strcmp(name, "region") != 0 && !good_endpoint(s, n))
		r = br_problems_addf(ps, "FORMAT", "column 'endpoint' must be "
		    "an http:// or https:// URL, got '%s'", q);
	else
		return (*out = br_text_ndup(s, n)) == NULL ? BR_ENOMEM : 0;
	if (r != 0)
		return BR_ENOMEM;
	prob_at(ps, row, f, subj);
	return 1;
}

/* The operation name the row asks for: its "op" column, else --op,
 * trimmed, into *name (nl bytes; caller frees) or NULL when neither is
 * given.  0 or BR_ENOMEM. */
static int
bind_op_name(const struct br_row *row, const struct br_bind_opts *opts,
    char **name, size_t *nl)
{
	const struct br_field *f;
	const char *s;
	size_t n;

	*name = NULL;
	if ((f = field(row, "op")) != NULL) {
		n = f->len;
		s = br_text_trim(f->value, &n);
	} else if (opts->default_op != NULL &&
	    !br_text_blank(opts->default_op, strlen(opts->default_op))) {
		n = strlen(opts->default_op);
		s = br_text_trim(opts->default_op, &n);
	} else {
		return 0;
	}
	if ((*name = br_text_ndup(s, n)) == NULL)
		return BR_ENOMEM;
	*nl = n;
	return 0;
}

/* The operation named name (nl bytes; NULL: none given) into *op, or a
 * problem NO_OP or UNKNOWN_OP.  0, BR_EINPUT or BR_ENOMEM. */
static int
bind_op(const struct br_catalog *c, const char *name, size_t nl,
    const struct br_op **op, struct br_problems *probs)
{
	const struct br_op *found;
	const char *sug;
	char q[BR_QUOTE_BUF];
	int r;

	if (name == NULL) {
		if (br_problems_addf(probs, "NO_OP", "no operation: the row "
		    "has no 'op' and no --op was given") != 0)
			return BR_ENOMEM;
		return BR_EINPUT;
	}
	if (memchr(name, '\0', nl) == NULL &&
	    (found = br_catalog_find(c, name)) != NULL) {
		*op = found;
		return 0;
	}
	br_text_quote(q, sizeof(q), name, nl);
	sug = br_catalog_suggest(c, name);
	r = sug != NULL ?
	    br_problems_addf(probs, "UNKNOWN_OP", "unknown operation '%s'; "
	    "did you mean '%s'?", q, sug) :
	    br_problems_addf(probs, "UNKNOWN_OP", "unknown operation '%s'",
	    q);
	return r != 0 ? BR_ENOMEM : BR_EINPUT;
}

/* The value given for p: the row's (its field in *fp), else the last --set
 * for it that is not blank (*fp NULL); NULL when neither. */
static const char *
param_value(const struct br_row *row, const struct br_bind_opts *opts,
    const struct br_param *p, size_t *len, enum br_vkind *kind,
    const struct br_field **fp)
{
	const struct br_field *f;
	const struct br_set *s;
	size_t j;

	*len = 0;
	*kind = BR_V_STRING;
	if ((*fp = f = field(row, p->name)) != NULL) {
		*len = f->len;
		*kind = f->kind;
		return f->value;
	}
	for (j = opts->nsets; j > 0; j--) {
		s = &opts->sets[j - 1];
		if (s->name != NULL && s->value != NULL &&
		    br_text_eqi(s->name, p->name) &&
		    !br_text_blank(s->value, strlen(s->value))) {
			*len = strlen(s->value);
			return s->value;
		}
	}
	return NULL;
}

/* A string sent as it is, in the URL or a header. */
static int
sent_as_is(const struct br_param *p)
{
	return p->type == BR_T_STRING && p->in != BR_IN_BODY;
}

/* The accidents of a spreadsheet in the value v (len bytes, of kind kind)
 * of p, before its type is checked: blanks around a string that is sent
 * as it is.  CHECK_OK, or CHECK_BAD with *pr set. */
static int
check_blanks(const struct br_param *p, const char *v, size_t len,
    enum br_vkind kind, struct br_problem *pr)
{
	char why[BR_PLAUS_MSG];

	if (!sent_as_is(p) || kind != BR_V_STRING ||
	    !br_plaus_blanks(v, len, why, sizeof(why)))
		return CHECK_OK;
	problem_set(pr, "BLANK", "'%s' %s", p->name, why);
	return CHECK_BAD;
}

/* The accidents of a spreadsheet in a value that passed its type check
 * (norm, normalised from v[0..len)): a date before 1973, an id rounded to
 * 15 digits.  CHECK_OK, or CHECK_BAD with *pr set. */
static int
check_plausible(const struct br_param *p, const char *v, size_t len,
    const char *norm, const struct br_bind_opts *o, struct br_problem *pr)
{
	char why[BR_PLAUS_MSG];
	const char *s;
	int64_t ms, w;
	size_t n = len;

	if (p->type == BR_T_EPOCH_MS && !o->allow_old_dates &&
	    br_text_int64(norm, strlen(norm), &ms) == 0) {
		s = br_text_trim(v, &n);
		if (br_plaus_epoch_ms(ms, br_text_int64(s, n, &w) == 0, why,
		    sizeof(why))) {
			problem_set(pr, "OLD_DATE", "'%s' %s", p->name, why);
			return CHECK_BAD;
		}
	}
	if ((p->type == BR_T_LONG || p->type == BR_T_INTEGER ||
	    sent_as_is(p)) && br_plaus_rounded_id(norm, strlen(norm), why,
	    sizeof(why))) {
		problem_set(pr, "ROUNDED", "'%s' %s", p->name, why);
		return CHECK_BAD;
	}
	return CHECK_OK;
}

/* A date field that did not parse: say so when it is a spreadsheet's
 * date-time serial (46347.5). */
static void
serial_text(const struct br_param *p, const char *v, size_t len,
    struct br_problem *pr)
{
	char why[BR_PLAUS_MSG];
	const char *s;
	size_t n = len;

	s = br_text_trim(v, &n);
	if (strcmp(pr->reason, "FORMAT") == 0 &&
	    br_plaus_serial_text(s, n, why, sizeof(why)))
		problem_set(pr, "FORMAT", "'%s' %s", p->name, why);
}

/* Checks parameter p of the row: its value goes to b->args, or its
 * problem (MISSING, TYPE, ...) to probs.  0 or BR_ENOMEM. */
static int
bind_param(const struct br_row *row, const struct br_bind_opts *opts,
    const struct br_param *p, struct br_bound *b, struct br_problems *probs)
{
	const struct br_field *f;
	struct br_problem pr;
	enum br_vkind kind;
	const char *v;
	char *norm = NULL, subj[128];
	size_t len;
	int r;

	if ((v = param_value(row, opts, p, &len, &kind, &f)) == NULL) {
		if (p->required && br_problems_addf(probs, "MISSING",
		    "missing required parameter '%s'", p->name) != 0)
			return BR_ENOMEM;
		return 0;
	}
	memset(&pr, 0, sizeof(pr));
	r = check_blanks(p, v, len, kind, &pr);
	if (r == CHECK_OK)
		r = br_bind_check_value(p, v, len, kind, opts, &norm, &pr);
	if (r == BR_ENOMEM)
		return BR_ENOMEM;
	if (r == CHECK_BAD && p->type == BR_T_EPOCH_MS)
		serial_text(p, v, len, &pr);
	if (r == CHECK_OK && check_plausible(p, v, len, norm, opts, &pr) !=
	    CHECK_OK) {
		free(norm);
		r = CHECK_BAD;
	}
	if (r == CHECK_BAD) {
		if (prob_add(probs, &pr) != 0)
			return BR_ENOMEM;
		if (f != NULL) {
			snprintf(subj, sizeof(subj), "'%s' ", p->name);
			prob_at(probs, row, f, subj);
		}
		return 0;
	}
	b->args[b->nargs].param = p;
	b->args[b->nargs].value = norm;
	b->args[b->nargs].written = v;
	b->nargs++;
	return 0;
}

int
br_catalog_bind(const struct br_catalog *c, const struct br_row *row,
    const struct br_bind_opts *opts, struct br_bound *b,
    struct br_problems *probs)
{
	static const struct br_bind_opts noopts;
	const struct br_field *opf;
	size_t start = probs->n, i, nl = 0;
	char *name;
	int r;

	memset(b, 0, sizeof(*b));
	if (opts == NULL)
		opts = &noopts;
	if (bind_column(row, "region", &b->region, probs) < 0 ||
	    bind_column(row, "endpoint", &b->endpoint, probs) < 0)
		return BR_ENOMEM;
	if ((r = bind_op_name(row, opts, &name, &nl)) != 0)
		return r;
	r = bind_op(c, name, nl, &b->op, probs);
	free(name);
	if (r == BR_EINPUT && (opf = field(row, "op")) != NULL)
		prob_at(probs, row, opf, "");
	if (r != 0)
		return r;
	if (b->op->nparams > 0 && (b->args = calloc(b->op->nparams,
	    sizeof(*b->args))) == NULL)
		return BR_ENOMEM;
	for (i = 0; i < b->op->nparams; i++)
		if (bind_param(row, opts, &b->op->params[i], b, probs) != 0)
			return BR_ENOMEM;
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
		if (br_text_eqi(b->args[i].param->name, name))
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
