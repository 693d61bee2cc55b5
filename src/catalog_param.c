/*
 * catalog_param.c - one parameter of a catalog operation, read and
 * checked: its name, "in", type, wire name, limits, enum values and
 * example; see catalog.h for the format.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hdrname.h"
#include "bind.h"
#include "catalog_int.h"
#include "datetime.h"
#include "text.h"
#include "utf8.h"

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
		return br_text_int64(v->valuestring, strlen(v->valuestring),
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
	char q[BR_QUOTE_BUF];
	size_t n, i;

	if (!cJSON_IsArray(e))
		return br_loader_err(ld, line, ctx, "'enum' must be an array "
		    "of strings");
	n = (size_t)cJSON_GetArraySize(e);
	if (n == 0)
		return br_loader_err(ld, line, ctx, "'enum' is empty");
	if ((p->enums = calloc(n, sizeof(*p->enums))) == NULL)
		return br_loader_nomem(ld);
	cJSON_ArrayForEach(it, e) {
		if (!cJSON_IsString(it) || it->valuestring == NULL ||
		    it->valuestring[0] == '\0' ||
		    br_utf8_count(it->valuestring, strlen(it->valuestring)) < 0)
			return br_loader_err(ld, line, ctx, "'enum' values "
			    "must be non-empty strings");
		for (i = 0; i < p->nenums; i++) {
			if (br_text_eqi(p->enums[i], it->valuestring)) {
				br_text_quotez(q, sizeof(q), it->valuestring);
				return br_loader_err(ld, line, ctx, "enum "
				    "value '%s' given twice", q);
			}
		}
		if ((p->enums[p->nenums] = strdup(it->valuestring)) == NULL)
			return br_loader_nomem(ld);
		p->nenums++;
	}
	return 0;
}

/* The name itself: no blanks, no empty part between dots, not a
 * manifest column. */
static int
param_name(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	(void)jp;
	if (!good_name(p->name))
		return br_loader_err(ld, line, ctx, "bad name (no blanks, "
		    "control characters, quotes, commas, '=' or braces)");
	if (strchr(p->name, '.') != NULL && (p->name[0] == '.' ||
	    p->name[strlen(p->name) - 1] == '.' ||
	    strstr(p->name, "..") != NULL))
		return br_loader_err(ld, line, ctx, "empty part between dots");
	if (br_text_eqi(p->name, "op") || br_text_eqi(p->name, "region") ||
	    br_text_eqi(p->name, "endpoint"))
		return br_loader_err(ld, line, ctx, "the name is reserved for "
		    "the manifest column of that name");
	return 0;
}

/* A string member whose value is one of a list of names. */
struct choice {
	const char		*key;
	int			 required;
	const char *const	*names;		/* [1..n]; [0] unused */
	int			 n;
	const char		*label;		/* "unknown LABEL 'x'" */
	const char		*choices;	/* the names, for messages */
};

static const struct choice in_choice = {
	"in", 1, br_catalog_loc_names, BR_IN_BODY, "'in'",
	"path, header, query or body"
};
static const struct choice type_choice = {
	"type", 0, br_catalog_type_names, BR_T_NUMBER, "type",
	"string, integer, long, boolean, enum, epoch_ms or number"
};

/* The number of ch's name given in jp into *out, 0 when absent (and not
 * required); an unknown name is an error. */
static int
get_choice(struct loader *ld, const cJSON *jp, const struct choice *ch,
    int *out, long line, const char *ctx)
{
	char q[BR_QUOTE_BUF], *s = NULL;
	int r, i;

	*out = 0;
	if ((r = br_loader_get_str(ld, jp, ch->key, ch->required, &s, line,
	    ctx)) != 0 || s == NULL)
		return r;
	for (i = 1; i <= ch->n; i++)
		if (strcmp(s, ch->names[i]) == 0)
			*out = i;
	if (*out == 0) {
		br_text_quotez(q, sizeof(q), s);
		r = br_loader_err(ld, line, ctx, "unknown %s '%s' (%s)",
		    ch->label, q, ch->choices);
	}
	free(s);
	return r;
}

/* "in" (path, header, query or body) and "type" (string when absent). */
static int
param_in_type(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	int r, i;

	if ((r = get_choice(ld, jp, &in_choice, &i, line, ctx)) != 0)
		return r;
	p->in = (enum br_ploc)i;
	if ((r = get_choice(ld, jp, &type_choice, &i, line, ctx)) != 0)
		return r;
	p->type = i != 0 ? (enum br_ptype)i : BR_T_STRING;
	return 0;
}

/* "required"; a path parameter always is. */
static int
param_required(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	const cJSON *v;

	if ((v = cJSON_GetObjectItemCaseSensitive(jp, "required")) != NULL) {
		if (!cJSON_IsBool(v))
			return br_loader_err(ld, line, ctx, "'required' must "
			    "be true or false");
		p->required = cJSON_IsTrue(v);
	}
	if (p->in == BR_IN_PATH)
		p->required = 1;	/* no URL without it */
	return 0;
}

/* "wire", the header or query name; a header bulkrun sets is refused. */
static int
param_wire(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	int r;

	if ((r = br_loader_get_str(ld, jp, "wire", 0, &p->wire, line,
	    ctx)) != 0)
		return r;
	if (p->wire != NULL && p->in != BR_IN_HEADER &&
	    p->in != BR_IN_QUERY)
		return br_loader_err(ld, line, ctx, "'wire' is for header and "
		    "query parameters only");
	if (p->wire == NULL)
		p->wire = p->name;
	if (p->in == BR_IN_HEADER && !br_hdr_is_token(p->wire))
		return br_loader_err(ld, line, ctx, "not a valid header name");
	if (p->in == BR_IN_HEADER && br_hdr_is_reserved(p->wire))
		return br_loader_err(ld, line, ctx, "header '%s' is set by "
		    "bulkrun itself", p->wire);
	if (p->in == BR_IN_QUERY && !good_name(p->wire))
		return br_loader_err(ld, line, ctx, "bad query name");
	return 0;
}

/* "min" and "max", for numbers. */
static int
param_limits(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	int r, isnum;

	isnum = p->type == BR_T_INTEGER || p->type == BR_T_LONG ||
	    p->type == BR_T_EPOCH_MS || p->type == BR_T_NUMBER;
	if ((r = get_limit(jp, "min", &p->min)) < 0)
		return br_loader_err(ld, line, ctx, "'min' must be an integer");
	p->has_min = r;
	if ((r = get_limit(jp, "max", &p->max)) < 0)
		return br_loader_err(ld, line, ctx, "'max' must be an integer");
	p->has_max = r;
	if ((p->has_min || p->has_max) && !isnum)
		return br_loader_err(ld, line, ctx, "'min'/'max' apply to "
		    "numbers; for strings use 'min_length'/'max_length'");
	if (p->has_min && p->has_max && p->min > p->max)
		return br_loader_err(ld, line, ctx, "'min' is greater than "
		    "'max'");
	return 0;
}

/* "min_length" and "max_length", for strings. */
static int
param_lengths(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	int64_t lo = -1, hi = -1;
	int rl, rh;

	if ((rl = get_limit(jp, "min_length", &lo)) < 0 ||
	    (rl > 0 && (lo < 0 || lo > LONG_MAX)))
		return br_loader_err(ld, line, ctx, "'min_length' must be a "
		    "non-negative integer");
	if ((rh = get_limit(jp, "max_length", &hi)) < 0 ||
	    (rh > 0 && (hi < 0 || hi > LONG_MAX)))
		return br_loader_err(ld, line, ctx, "'max_length' must be a "
		    "non-negative integer");
	if ((rl > 0 || rh > 0) && p->type != BR_T_STRING)
		return br_loader_err(ld, line, ctx, "'min_length'/'max_length' "
		    "apply to strings");
	if (rl > 0 && rh > 0 && lo > hi)
		return br_loader_err(ld, line, ctx, "'min_length' is greater "
		    "than 'max_length'");
	p->min_length = rl > 0 ? (long)lo : -1;
	p->max_length = rh > 0 ? (long)hi : -1;
	return 0;
}

/* "enum": given exactly when the type is enum. */
static int
param_enum(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(jp, "enum");

	if (v != NULL && p->type != BR_T_ENUM)
		return br_loader_err(ld, line, ctx, "'enum' given but the type "
		    "is '%s'", br_ptype_name(p->type));
	if (p->type == BR_T_ENUM && v == NULL)
		return br_loader_err(ld, line, ctx, "type 'enum' without "
		    "'enum' values");
	if (v != NULL)
		return parse_enums(ld, v, p, line, ctx);
	return 0;
}

/* "example", which must pass the parameter's own check. */
static int
param_example(struct loader *ld, const cJSON *jp, struct br_param *p,
    long line, const char *ctx)
{
	struct br_problem pr;
	struct br_bind_opts bo;
	char *norm;
	int r;

	if ((r = br_loader_get_str(ld, jp, "example", 0, &p->example, line,
	    ctx)) != 0)
		return r;
	if (p->example == NULL)
		return 0;
	memset(&bo, 0, sizeof(bo));
	bo.now_ms = br_now_ms();
	r = br_bind_check_value(p, p->example, strlen(p->example),
	    BR_V_STRING, &bo, &norm, &pr);
	if (r == BR_ENOMEM)
		return br_loader_nomem(ld);
	free(norm);
	if (r != 0)
		return br_loader_err(ld, line, ctx, "bad example: %s", pr.msg);
	return 0;
}

int
br_catalog_parse_param(struct loader *ld, const cJSON *jp, size_t idx,
    const char *opctx, size_t opoff, long opline, struct br_param *p)
{
	static const char *const keys[] = {
		"name", "wire", "in", "type", "required", "min", "max",
		"min_length", "max_length", "enum", "description", "example",
		NULL
	};
	char ctx[768], q[BR_QUOTE_BUF];
	long line = opline;
	int r;

	memset(p, 0, sizeof(*p));
	p->min_length = p->max_length = -1;
	snprintf(ctx, sizeof(ctx), "%sparameter #%zu: ", opctx, idx + 1);
	if (!cJSON_IsObject(jp))
		return br_loader_err(ld, line, ctx, "not an object");
	if ((r = br_loader_get_str(ld, jp, "name", 1, &p->name, line,
	    ctx)) != 0)
		return r;
	br_text_quotez(q, sizeof(q), p->name);
	snprintf(ctx, sizeof(ctx), "%sparameter '%s': ", opctx, q);
	line = br_loader_line_of(ld, br_loader_find_pair(ld, opoff, "name",
	    p->name));
	if (line == 0)
		line = opline;
	if ((r = br_loader_check_keys(ld, jp, keys, line, ctx)) != 0 ||
	    (r = param_name(ld, jp, p, line, ctx)) != 0 ||
	    (r = param_in_type(ld, jp, p, line, ctx)) != 0 ||
	    (r = param_required(ld, jp, p, line, ctx)) != 0 ||
	    (r = param_wire(ld, jp, p, line, ctx)) != 0 ||
	    (r = param_limits(ld, jp, p, line, ctx)) != 0 ||
	    (r = param_lengths(ld, jp, p, line, ctx)) != 0 ||
	    (r = param_enum(ld, jp, p, line, ctx)) != 0 ||
	    (r = br_loader_get_str(ld, jp, "description", 0,
	    &p->description, line, ctx)) != 0 ||
	    (r = param_example(ld, jp, p, line, ctx)) != 0)
		return r;
	return 0;
}
