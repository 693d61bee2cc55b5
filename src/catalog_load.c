/*
 * catalog_load.c - loading the JSON catalog (built in, --catalog): the
 * text and its line numbers, operations, services, and the merge into a
 * catalog; parameters are read by catalog_param.c.  See catalog.h.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "catalog.h"
#include "catalog_int.h"
#include "text.h"

/* Generated from src/catalog.json by scripts/embed.sh. */
extern const char		br_catalog_json[];
extern const unsigned long	br_catalog_json_len;

#define BUILTIN_NAME	"<built-in catalog>"
#define MAX_CATALOG	(16L * 1024 * 1024)	/* bytes in a --catalog */

/* Names seen so far, compared as br_text_eqi() does, to find one given twice in
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
		h ^= (uint64_t)br_text_lower((unsigned char)*c);
		h *= 0x100000001b3ULL;
	}
	for (i = (size_t)h & ns->mask; ns->v[i] != NULL;
	    i = (i + 1) & ns->mask)
		if (br_text_eqi(ns->v[i], name))
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
size_t
br_loader_find_pair(const struct loader *ld, size_t from, const char *key,
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

long
br_loader_line_of(struct loader *ld, size_t off)
{
	return off == (size_t)-1 ? 0 : line_at(ld, off);
}

int
br_loader_err(struct loader *ld, long line, const char *ctx,
    const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return br_errf(ld->err, BR_EINPUT, ld->name, line, "%s%s", ctx, buf);
}

int
br_loader_nomem(struct loader *ld)
{
	return br_errf(ld->err, BR_ENOMEM, ld->name, 0, "out of memory");
}

/* The line of the first `"key": "value"` at or after from, 0 when not
 * found. */
static long
key_line(struct loader *ld, size_t from, const char *key, const char *value)
{
	return br_loader_line_of(ld, br_loader_find_pair(ld, from, key,
	    value));
}

int
br_loader_check_keys(struct loader *ld, const cJSON *obj,
    const char *const *allowed, long line, const char *ctx)
{
	const cJSON *k, *k2;
	char q[BR_QUOTE_BUF];
	size_t i;

	for (k = obj->child; k != NULL; k = k->next) {
		for (k2 = obj->child; k2 != k; k2 = k2->next) {
			if (strcmp(k2->string, k->string) == 0) {
				br_text_quotez(q, sizeof(q), k->string);
				return br_loader_err(ld, line, ctx,
				    "key '%s' given twice", q);
			}
		}
		if (k->string[0] == '_' || strcmp(k->string, "comment") == 0)
			continue;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k->string) == 0)
				break;
		if (allowed[i] == NULL) {
			br_text_quotez(q, sizeof(q), k->string);
			return br_loader_err(ld, line, ctx, "unknown key '%s'",
			    q);
		}
	}
	return 0;
}

int
br_loader_get_str(struct loader *ld, const cJSON *obj, const char *key,
    int required, char **out, long line, const char *ctx)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			return br_loader_err(ld, line, ctx, "missing '%s'",
			    key);
		return 0;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return br_loader_err(ld, line, ctx, "'%s' must be a string",
		    key);
	if ((*out = strdup(v->valuestring)) == NULL)
		return br_loader_nomem(ld);
	return 0;
}

static int
good_op_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!br_text_namechar((unsigned char)*s))
			return 0;
	return 1;
}

/* Checks op->path against the path parameters. */
static int
check_path(struct loader *ld, const struct br_op *op, long line,
    const char *ctx)
{
	const char *s = op->path, *e;
	char name[256], q[BR_QUOTE_BUF];
	size_t i, n, seen;
	const struct br_param *p;

	if (s[0] != '/')
		return br_loader_err(ld, line, ctx, "'path' must start with "
		    "'/'");
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return br_loader_err(ld, line, ctx, "'path' contains "
			    "a blank or control character");
		if (*s == '?' || *s == '#')
			return br_loader_err(ld, line, ctx, "'path' contains "
			    "'%c' (give query parameters with \"in\": "
			    "\"query\")", *s);
		if (*s == '}')
			return br_loader_err(ld, line, ctx, "'path' has a '}' "
			    "without '{'");
		if (*s != '{')
			continue;
		if ((e = strchr(s + 1, '}')) == NULL)
			return br_loader_err(ld, line, ctx, "'path' has a '{' "
			    "without '}'");
		n = (size_t)(e - s - 1);
		if (n == 0 || memchr(s + 1, '{', n) != NULL ||
		    n >= sizeof(name))
			return br_loader_err(ld, line, ctx, "'path' has a bad "
			    "placeholder");
		memcpy(name, s + 1, n);
		name[n] = '\0';
		br_text_quotez(q, sizeof(q), name);
		for (p = NULL, i = 0; i < op->nparams; i++)
			if (strcmp(op->params[i].name, name) == 0)
				p = &op->params[i];
		if (p == NULL)
			return br_loader_err(ld, line, ctx, "'path' has {%s} "
			    "but there is no path parameter '%s'", q, q);
		if (p->in != BR_IN_PATH)
			return br_loader_err(ld, line, ctx, "'path' has {%s} "
			    "but parameter '%s' is in the %s", q, q,
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
		br_text_quotez(q, sizeof(q), p->name);
		if (seen == 0)
			return br_loader_err(ld, line, ctx, "path parameter "
			    "'%s' has no {%s} in 'path'", q, q);
		if (seen > 1)
			return br_loader_err(ld, line, ctx, "{%s} appears %zu "
			    "times in 'path'", q, seen);
	}
	return 0;
}

/* "method": one of methods, any case, stored upper-case. */
static int
op_method(struct loader *ld, const cJSON *jo, struct br_op *op, long line,
    const char *ctx)
{
	static const char *const methods[] = {
		"GET", "PUT", "POST", "PATCH", "DELETE", NULL
	};
	char q[BR_QUOTE_BUF];
	size_t i;
	int r;

	if ((r = br_loader_get_str(ld, jo, "method", 1, &op->method, line,
	    ctx)) != 0)
		return r;
	for (i = 0; methods[i] != NULL; i++)
		if (br_text_eqi(op->method, methods[i]))
			break;
	if (methods[i] == NULL) {
		br_text_quotez(q, sizeof(q), op->method);
		return br_loader_err(ld, line, ctx, "unknown method '%s' (GET, "
		    "PUT, POST, PATCH or DELETE)", q);
	}
	strcpy(op->method, methods[i]);	/* same length, canonical case */
	return 0;
}

/* "service", by default the part of the name before the first dot; and
 * "summary", by default empty. */
static int
op_service(struct loader *ld, const cJSON *jo, struct br_op *op, long line,
    const char *ctx)
{
	char *dot;
	int r;

	if ((r = br_loader_get_str(ld, jo, "service", 0, &op->service, line,
	    ctx)) != 0)
		return r;
	if (op->service == NULL) {
		if ((dot = strchr(op->name, '.')) == NULL)
			return br_loader_err(ld, line, ctx, "missing "
			    "'service'");
		if ((op->service = br_text_ndup(op->name,
		    (size_t)(dot - op->name))) == NULL)
			return br_loader_nomem(ld);
	}
	if (!good_op_name(op->service))
		return br_loader_err(ld, line, ctx, "bad service name");
	if ((r = br_loader_get_str(ld, jo, "summary", 0, &op->summary, line,
	    ctx)) != 0)
		return r;
	if (op->summary == NULL && (op->summary = strdup("")) == NULL)
		return br_loader_nomem(ld);
	return 0;
}

/*
 * The member key of jo into *v: absent (NULL) or an array; anything else
 * is an error ("'key' must be an array<what>").  Returns room for its
 * items, or for least items if more, each size bytes and zeroed (the
 * caller frees it); NULL with *r 0 when there is nothing to hold, NULL
 * with *r set on an error.
 */
static void *
get_array(struct loader *ld, const cJSON *jo, const char *key,
    const char *what, size_t size, size_t least, const cJSON **v, int *r,
    long line, const char *ctx)
{
	void *mem = NULL;
	size_t n = 0;

	*r = 0;
	*v = cJSON_GetObjectItemCaseSensitive(jo, key);
	if (*v != NULL && !cJSON_IsArray(*v))
		*r = br_loader_err(ld, line, ctx, "'%s' must be an array%s",
		    key, what);
	else if (*v != NULL)
		n = (size_t)cJSON_GetArraySize(*v);
	if (n < least)
		n = least;
	if (*r == 0 && n > 0 && (mem = calloc(n, size)) == NULL)
		*r = br_loader_nomem(ld);
	return mem;
}

/* "success": HTTP statuses, [200] when absent or empty. */
static int
op_success(struct loader *ld, const cJSON *jo, struct br_op *op, long line,
    const char *ctx)
{
	const cJSON *v, *it;
	int r;

	op->success = get_array(ld, jo, "success", " of HTTP status codes",
	    sizeof(int), 1, &v, &r, line, ctx);
	if (r != 0)
		return r;
	if (cJSON_GetArraySize(v) == 0) {
		op->success[0] = 200;
		op->nsuccess = 1;
	}
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsNumber(it) || it->valuedouble < 100 ||
		    it->valuedouble > 599 ||
		    it->valuedouble != floor(it->valuedouble))
			return br_loader_err(ld, line, ctx, "'success' must "
			    "hold HTTP status codes (100 to 599)");
		op->success[op->nsuccess++] = (int)it->valuedouble;
	}
	return 0;
}

/* "idempotent": unless the catalog says so, only a read is safe to send
 * twice. */
static int
op_idempotent(struct loader *ld, const cJSON *jo, struct br_op *op,
    long line, const char *ctx)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(jo, "idempotent");

	if (v != NULL && !cJSON_IsBool(v))
		return br_loader_err(ld, line, ctx, "'idempotent' must be "
		    "true or false");
	op->idempotent = v != NULL ? cJSON_IsTrue(v) :
	    strcmp(op->method, "GET") == 0;
	return 0;
}

/* "response": the fields of a successful answer kept for the report. */
static int
op_response(struct loader *ld, const cJSON *jo, struct br_op *op,
    long line, const char *ctx)
{
	const cJSON *v, *it;
	int r;

	op->response = get_array(ld, jo, "response", " of field names",
	    sizeof(char *), 0, &v, &r, line, ctx);
	if (r != 0)
		return r;
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || it->valuestring == NULL ||
		    it->valuestring[0] == '\0')
			return br_loader_err(ld, line, ctx, "'response' must "
			    "hold non-empty field names");
		if ((op->response[op->nresponse] =
		    strdup(it->valuestring)) == NULL)
			return br_loader_nomem(ld);
		op->nresponse++;
	}
	return 0;
}

/* "params", each read by br_catalog_parse_param(); the operation's
 * "name" is at offset off. */
static int
op_params(struct loader *ld, const cJSON *jo, struct br_op *op,
    size_t off, long line, const char *ctx)
{
	const cJSON *v, *it;
	int r;

	op->params = get_array(ld, jo, "params", "", sizeof(*op->params), 0,
	    &v, &r, line, ctx);
	if (r != 0)
		return r;
	cJSON_ArrayForEach(it, v) {
		r = br_catalog_parse_param(ld, it, op->nparams, ctx, off,
		    line, &op->params[op->nparams]);
		op->nparams++;	/* freed with op if partial */
		if (r != 0)
			return r;
	}
	return 0;
}

/* 1 when body field inner is inside outer ("a.b" in "a"), any case. */
static int
nests_in(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	return strlen(inner) > n && strncasecmp(inner, outer, n) == 0 &&
	    inner[n] == '.';
}

/* No parameter name given twice (any case), no body field inside
 * another ("a" and "a.b"). */
static int
check_param_clash(struct loader *ld, const struct br_op *op, long line,
    const char *ctx)
{
	char q[BR_QUOTE_BUF];
	const char *a, *b;
	size_t i, j;

	for (i = 0; i < op->nparams; i++) {
		for (j = 0; j < i; j++) {
			a = op->params[j].name;
			b = op->params[i].name;
			br_text_quotez(q, sizeof(q), b);
			if (br_text_eqi(a, b))
				return br_loader_err(ld, line, ctx,
				    "parameter '%s' given twice", q);
			if (op->params[i].in != BR_IN_BODY ||
			    op->params[j].in != BR_IN_BODY)
				continue;
			if (nests_in(b, a))
				return br_loader_err(ld, line, ctx, "body "
				    "field '%s' is inside body field '%s'",
				    q, a);
			if (nests_in(a, b))
				return br_loader_err(ld, line, ctx, "body "
				    "field '%s' has fields of its own ('%s')",
				    q, a);
		}
	}
	return 0;
}

/* The offset of the operation's `"name": "NAME"` in the text, searched
 * from the last one found; (size_t)-1 when not found. */
static size_t
op_offset(struct loader *ld, const char *name)
{
	size_t off;

	off = br_loader_find_pair(ld, ld->op_from, "name", name);
	if (off == (size_t)-1 && ld->op_from > 0)
		off = br_loader_find_pair(ld, 0, "name", name);
	if (off != (size_t)-1)
		ld->op_from = off;
	return off;
}

static int
parse_op(struct loader *ld, const cJSON *jo, size_t idx, struct br_op *op,
    size_t *offp)
{
	static const char *const keys[] = {
		"name", "service", "summary", "method", "path", "success",
		"response", "params", "idempotent", "verify", NULL
	};
	char ctx[384], q[BR_QUOTE_BUF];
	size_t off;
	long line = 0;
	int r;

	memset(op, 0, sizeof(*op));
	*offp = 0;
	snprintf(ctx, sizeof(ctx), "operation #%zu: ", idx + 1);
	if (!cJSON_IsObject(jo))
		return br_loader_err(ld, 0, ctx, "not an object");
	if ((r = br_loader_get_str(ld, jo, "name", 1, &op->name, 0,
	    ctx)) != 0)
		return r;
	br_text_quotez(q, sizeof(q), op->name);
	snprintf(ctx, sizeof(ctx), "operation '%s': ", q);
	off = op_offset(ld, op->name);
	line = br_loader_line_of(ld, off);
	*offp = off == (size_t)-1 ? 0 : off;
	if ((r = br_loader_check_keys(ld, jo, keys, line, ctx)) != 0)
		return r;
	if (!good_op_name(op->name))
		return br_loader_err(ld, line, ctx, "bad name (letters, "
		    "digits, '.', '_' and '-' only)");
	if ((r = op_method(ld, jo, op, line, ctx)) != 0 ||
	    (r = br_loader_get_str(ld, jo, "path", 1, &op->path, line,
	    ctx)) != 0 ||
	    (r = op_service(ld, jo, op, line, ctx)) != 0 ||
	    (r = op_success(ld, jo, op, line, ctx)) != 0 ||
	    (r = op_idempotent(ld, jo, op, line, ctx)) != 0 ||
	    (r = op_response(ld, jo, op, line, ctx)) != 0 ||
	    (r = op_params(ld, jo, op, *offp, line, ctx)) != 0 ||
	    (r = check_param_clash(ld, op, line, ctx)) != 0)
		return r;
	if ((r = check_path(ld, op, line, ctx)) != 0)
		return r;
	return br_catalog_parse_verify(ld, jo, op, *offp, ctx);
}

/* One member of "services", checked and added to t (whose services
 * array has room for it); seen holds the names before it. */
static int
parse_service(struct loader *ld, const cJSON *it, struct br_catalog *t,
    struct nameset *seen)
{
	static const char *const keys[] = { "endpoint", "hosts", NULL };
	struct br_service *s;
	char ctx[320], q[BR_QUOTE_BUF];
	size_t off;
	long line;
	int r;

	br_text_quotez(q, sizeof(q), it->string);
	snprintf(ctx, sizeof(ctx), "service '%s': ", q);
	off = br_loader_find_pair(ld, ld->svc_from, it->string, NULL);
	if (off == (size_t)-1 && ld->svc_from > 0)
		off = br_loader_find_pair(ld, 0, it->string, NULL);
	if (off != (size_t)-1)
		ld->svc_from = off;
	line = br_loader_line_of(ld, off);
	if (!good_op_name(it->string))
		return br_loader_err(ld, line, ctx, "bad service name");
	if (nameset_add(seen, it->string))
		return br_loader_err(ld, line, ctx, "given twice");
	if (!cJSON_IsObject(it))
		return br_loader_err(ld, line, ctx, "not an object");
	if ((r = br_loader_check_keys(ld, it, keys, line, ctx)) != 0)
		return r;
	s = &t->services[t->nservices];
	if ((s->name = strdup(it->string)) == NULL)
		return br_loader_nomem(ld);
	t->nservices++;
	return br_catalog_parse_hosts(ld, it, s, line, ctx);
}

static int
parse_services(struct loader *ld, const cJSON *js, struct br_catalog *t)
{
	const cJSON *it;
	struct nameset seen;
	size_t n;
	int r = 0;

	if (!cJSON_IsObject(js))
		return br_loader_err(ld, key_line(ld, 0, "services", NULL),
		    "", "'services' must be an object");
	n = (size_t)cJSON_GetArraySize(js);
	if (n > 0 && (t->services = calloc(n, sizeof(*t->services))) == NULL)
		return br_loader_nomem(ld);
	if (nameset_init(&seen, n) != 0)
		return br_loader_nomem(ld);
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
	static const char *const keys[] = { "services", "operations",
	    "clouds", NULL };
	const char *end = NULL;
	cJSON *root;
	const cJSON *js, *jo, *it, *jc;
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
		if (br_text_blank(ld->text, ld->len))
			return br_loader_err(ld, 0, "", "empty file");
		return br_loader_err(ld, line, "", "not valid JSON");
	}
	/* nothing but blanks may follow the value */
	if (end != NULL && end >= ld->text &&
	    !br_text_blank(end, ld->len - (size_t)(end - ld->text))) {
		r = br_loader_err(ld, line_at(ld, (size_t)(end - ld->text)), "",
		    "text after the JSON value");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		r = br_loader_err(ld, 1, "", "must be a JSON object with "
		    "\"operations\" and \"services\"");
		goto out;
	}
	if ((r = br_loader_check_keys(ld, root, keys, 0, "")) != 0)
		goto out;
	js = cJSON_GetObjectItemCaseSensitive(root, "services");
	jo = cJSON_GetObjectItemCaseSensitive(root, "operations");
	jc = cJSON_GetObjectItemCaseSensitive(root, "clouds");
	if (jc != NULL && (r = br_catalog_parse_clouds(ld, jc, t)) != 0)
		goto out;
	if (js == NULL && jo == NULL && jc == NULL) {
		r = br_loader_err(ld, 0, "", "no \"operations\" and no "
		    "\"services\"");
		goto out;
	}
	if (js != NULL && (r = parse_services(ld, js, t)) != 0)
		goto out;
	if (jo != NULL && !cJSON_IsArray(jo)) {
		r = br_loader_err(ld, key_line(ld, 0, "operations", NULL), "",
		    "'operations' must be an array");
		goto out;
	}
	n = jo != NULL ? (size_t)cJSON_GetArraySize(jo) : 0;
	if ((n > 0 && (t->ops = calloc(n, sizeof(*t->ops))) == NULL) ||
	    nameset_init(&seen, n) != 0) {
		r = br_loader_nomem(ld);
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
			char q[BR_QUOTE_BUF];

			br_text_quotez(q, sizeof(q), nm);
			r = br_loader_err(ld, key_line(ld, off, "name", nm),
			    "", "operation '%s' given twice", q);
			goto out;
		}
	}
	r = 0;
out:
	nameset_free(&seen);
	cJSON_Delete(root);
	return r;
}

static void
free_op(void *op)
{
	br_catalog_op_free(op);
}

static void
free_service(void *s)
{
	br_catalog_service_free(s);
}

/*
 * Moves the n elements of from (each size bytes, a name first) into the
 * array v of *nv elements, which has room for them: one named as one of
 * the first nold of v (any case) replaces it, freed with free_one; the
 * others go at the end.
 */
static void
merge_named(void *v, size_t *nv, size_t nold, const void *from, size_t n,
    size_t size, void (*free_one)(void *))
{
	const char *src, *name, *old;
	char *dst;
	size_t i, j;

	for (i = 0; i < n; i++) {
		src = (const char *)from + i * size;
		memcpy(&name, src, sizeof(name));
		for (j = 0; j < nold; j++) {
			memcpy(&old, (char *)v + j * size, sizeof(old));
			if (br_text_eqi(old, name))
				break;
		}
		dst = (char *)v + (j < nold ? j : (*nv)++) * size;
		if (j < nold)
			free_one(dst);
		memcpy(dst, src, size);
	}
}

/* Moves the operations and services of t into c, replacing same names. */
static int
merge(struct br_catalog *c, struct br_catalog *t, struct loader *ld)
{
	struct br_op *ops;
	struct br_service *svcs;
	size_t nold = c->nops, sold = c->nservices;

	ops = realloc(c->ops, (c->nops + t->nops + 1) * sizeof(*ops));
	if (ops == NULL)
		return br_loader_nomem(ld);
	c->ops = ops;
	svcs = realloc(c->services, (c->nservices + t->nservices + 1) *
	    sizeof(*svcs));
	if (svcs == NULL)
		return br_loader_nomem(ld);
	c->services = svcs;
	if (br_catalog_reserve_clouds(c, t) != 0)
		return br_loader_nomem(ld);
	/* the names in t differ from each other (parse_catalog checked):
	 * each is looked for among c's own only */
	merge_named(c->ops, &c->nops, nold, t->ops, t->nops, sizeof(*ops),
	    free_op);
	merge_named(c->services, &c->nservices, sold, t->services,
	    t->nservices, sizeof(*svcs), free_service);
	br_catalog_merge_clouds(c, t);
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
