/*
 * catalog_verify.c - an operation's "verify" block, read and checked:
 * the read request, where the state is, which values are healthy, in
 * progress and failed, what proves freshness, what means gone, and the
 * times; see catalog.h for the format.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "catalog_int.h"
#include "hdrname.h"
#include "jpath.h"
#include "text.h"

#define MAX_SECONDS	(7.0 * 86400)	/* a week: longer is a typo */
#define MAX_REPEAT	100

/* What one block's messages need. */
struct vctx {
	struct loader		*ld;
	const struct br_op	*op;
	long			 line;	/* of "verify" */
	char			 ctx[400];
};

static void
test_free(struct br_vtest *t)
{
	size_t i;

	free(t->path);
	for (i = 0; i < t->nvalues; i++)
		free(t->values[i]);
	free(t->values);
	memset(t, 0, sizeof(*t));
}

static void
cond_free(struct br_vcond *c)
{
	size_t i;

	for (i = 0; i < c->ntests; i++)
		test_free(&c->tests[i]);
	free(c->tests);
	memset(c, 0, sizeof(*c));
}

static void
pairs_free(struct br_vpair *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

void
br_catalog_verify_free(struct br_verify *v)
{
	size_t i, k;

	if (v == NULL)
		return;
	free(v->method);
	free(v->path);
	pairs_free(v->query, v->nquery);
	pairs_free(v->headers, v->nheaders);
	free(v->state);
	free(v->code);
	cond_free(&v->healthy);
	cond_free(&v->progress);
	cond_free(&v->failed);
	free(v->fresh_time);
	for (i = 0; i < v->ngone; i++) {
		for (k = 0; k < v->gone[i].ncodes; k++)
			free(v->gone[i].codes[k]);
		free(v->gone[i].codes);
		test_free(&v->gone[i].test);
	}
	free(v->gone);
	free(v);
}

/* Every {name} of a template names a parameter of the operation. */
static int
check_template(struct vctx *vc, const char *t, const char *what)
{
	const char *e;
	char q[BR_QUOTE_BUF];
	size_t i, n;

	for (; *t != '\0'; t++) {
		if (*t == '}')
			return br_loader_err(vc->ld, vc->line, vc->ctx, "%s "
			    "has a '}' without '{'", what);
		if (*t != '{')
			continue;
		if ((e = strchr(t + 1, '}')) == NULL ||
		    e == t + 1 ||
		    memchr(t + 1, '{', (size_t)(e - t - 1)) != NULL)
			return br_loader_err(vc->ld, vc->line, vc->ctx, "%s "
			    "has a bad placeholder", what);
		n = (size_t)(e - t - 1);
		for (i = 0; i < vc->op->nparams; i++)
			if (strlen(vc->op->params[i].name) == n &&
			    memcmp(vc->op->params[i].name, t + 1, n) == 0)
				break;
		if (i == vc->op->nparams) {
			br_text_quote(q, sizeof(q), t + 1, n);
			return br_loader_err(vc->ld, vc->line, vc->ctx, "%s "
			    "has {%s} but the operation has no parameter "
			    "'%s'", what, q, q);
		}
		t = e;
	}
	return 0;
}

/* "method" (GET by default, or POST) and "path". */
static int
read_request(struct vctx *vc, const cJSON *jv, struct br_verify *v)
{
	const char *s;
	int r;

	if ((r = br_loader_get_str(vc->ld, jv, "method", 0, &v->method,
	    vc->line, vc->ctx)) != 0)
		return r;
	if (v->method == NULL && (v->method = strdup("GET")) == NULL)
		return br_loader_nomem(vc->ld);
	if (br_text_eqi(v->method, "GET") || br_text_eqi(v->method, "POST"))
		strcpy(v->method, v->method[0] == 'g' || v->method[0] == 'G' ?
		    "GET" : "POST");	/* same length, canonical case */
	else
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'method' "
		    "must be GET or POST");
	if ((r = br_loader_get_str(vc->ld, jv, "path", 1, &v->path,
	    vc->line, vc->ctx)) != 0)
		return r;
	if (v->path[0] != '/')
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'path' must "
		    "start with '/'");
	for (s = v->path; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '?' ||
		    *s == '#')
			return br_loader_err(vc->ld, vc->line, vc->ctx,
			    "'path' contains a blank, a control character, "
			    "'?' or '#' (give the query with \"query\")");
	return check_template(vc, v->path, "'path'");
}

/* "query" or "headers": an object of template strings. */
static int
read_pairs(struct vctx *vc, const cJSON *jv, const char *key,
    struct br_vpair **out, size_t *nout)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(jv, key), *it;
	char what[320], q[BR_QUOTE_BUF];
	struct br_vpair *p;
	int r;

	if (o == NULL)
		return 0;
	if (!cJSON_IsObject(o))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'%s' must be "
		    "an object of strings", key);
	if ((*out = calloc((size_t)cJSON_GetArraySize(o) + 1,
	    sizeof(**out))) == NULL)
		return br_loader_nomem(vc->ld);
	cJSON_ArrayForEach(it, o) {
		br_text_quotez(q, sizeof(q), it->string);
		if (!cJSON_IsString(it) || it->valuestring == NULL)
			return br_loader_err(vc->ld, vc->line, vc->ctx, "'%s': "
			    "'%s' must be a string", key, q);
		if (strcmp(key, "headers") == 0 &&
		    (!br_hdr_is_token(it->string) ||
		    br_hdr_is_reserved(it->string)))
			return br_loader_err(vc->ld, vc->line, vc->ctx, "bad "
			    "or reserved header name '%s'", q);
		if (it->string[0] == '\0')
			return br_loader_err(vc->ld, vc->line, vc->ctx, "'%s' "
			    "has an empty name", key);
		p = &(*out)[*nout];
		if ((p->name = strdup(it->string)) == NULL ||
		    (p->value = strdup(it->valuestring)) == NULL)
			return br_loader_nomem(vc->ld);
		(*nout)++;
		snprintf(what, sizeof(what), "'%s' value '%s'", key, q);
		if ((r = check_template(vc, p->value, what)) != 0)
			return r;
	}
	return 0;
}

/* A path into the answer, checked, copied into *out. */
static int
read_path(struct vctx *vc, const cJSON *obj, const char *key, int required,
    char **out, const char *what)
{
	char why[128];
	int r;

	if ((r = br_loader_get_str(vc->ld, obj, key, required, out, vc->line,
	    vc->ctx)) != 0 || *out == NULL)
		return r;
	if (br_jpath_check(*out, why, sizeof(why)) != 0)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%s'%s': %s",
		    what, key, why);
	return 0;
}

/* A non-empty array of non-empty strings. */
static int
read_strings(struct vctx *vc, const cJSON *a, const char *what,
    char ***out, size_t *nout)
{
	const cJSON *it;
	size_t n;

	n = cJSON_IsArray(a) ? (size_t)cJSON_GetArraySize(a) : 0;
	if (n == 0)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%s must be a "
		    "non-empty array of strings", what);
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return br_loader_nomem(vc->ld);
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || it->valuestring == NULL ||
		    it->valuestring[0] == '\0')
			return br_loader_err(vc->ld, vc->line, vc->ctx, "%s "
			    "must be a non-empty array of strings", what);
		if (((*out)[*nout] = strdup(it->valuestring)) == NULL)
			return br_loader_nomem(vc->ld);
		(*nout)++;
	}
	return 0;
}

/* The "in" / "has" / "empty" of a test (exactly one); what names it. */
static int
read_test_kind(struct vctx *vc, const cJSON *jt, struct br_vtest *t,
    const char *what)
{
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(jt, "in");
	const cJSON *has = cJSON_GetObjectItemCaseSensitive(jt, "has");
	const cJSON *empty = cJSON_GetObjectItemCaseSensitive(jt, "empty");
	char w[320];

	if ((in != NULL) + (has != NULL) + (empty != NULL) != 1)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%sneeds one "
		    "of 'in', 'has' or 'empty'", what);
	if (empty != NULL) {
		if (!cJSON_IsBool(empty))
			return br_loader_err(vc->ld, vc->line, vc->ctx,
			    "%s'empty' must be true or false", what);
		t->kind = cJSON_IsTrue(empty) ? BR_VT_EMPTY :
		    BR_VT_NOT_EMPTY;
		return 0;
	}
	t->kind = in != NULL ? BR_VT_IN : BR_VT_HAS;
	snprintf(w, sizeof(w), "%s'%s'", what, in != NULL ? "in" : "has");
	return read_strings(vc, in != NULL ? in : has, w, &t->values,
	    &t->nvalues);
}

static int
read_test(struct vctx *vc, const cJSON *jt, struct br_vtest *t,
    const char *what)
{
	static const char *const keys[] = { "path", "in", "has", "empty",
	    NULL };
	int r;

	if (!cJSON_IsObject(jt))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%smust be an "
		    "object {\"path\", \"in\"|\"has\"|\"empty\"}", what);
	if ((r = br_loader_check_keys(vc->ld, jt, keys, vc->line,
	    vc->ctx)) != 0 ||
	    (r = read_path(vc, jt, "path", 1, &t->path, what)) != 0)
		return r;
	return read_test_kind(vc, jt, t, what);
}

/* "healthy", "progress" or "failed": values of "state", or {"all"} /
 * {"any"} of tests. */
static int
read_cond(struct vctx *vc, const cJSON *jv, const char *key, int required,
    const char *state, struct br_vcond *c)
{
	const cJSON *jc = cJSON_GetObjectItemCaseSensitive(jv, key), *list, *it;
	char what[64];
	size_t n;
	int r;

	if (jc == NULL) {
		if (required)
			return br_loader_err(vc->ld, vc->line, vc->ctx,
			    "missing '%s'", key);
		return 0;
	}
	snprintf(what, sizeof(what), "'%s'", key);
	if (cJSON_IsArray(jc)) {
		c->all = 1;
		if ((c->tests = calloc(1, sizeof(*c->tests))) == NULL)
			return br_loader_nomem(vc->ld);
		c->ntests = 1;
		c->tests[0].kind = BR_VT_IN;
		if ((c->tests[0].path = strdup(state)) == NULL)
			return br_loader_nomem(vc->ld);
		return read_strings(vc, jc, what, &c->tests[0].values,
		    &c->tests[0].nvalues);
	}
	list = cJSON_GetObjectItemCaseSensitive(jc, "all");
	c->all = list != NULL;
	if (list == NULL)
		list = cJSON_GetObjectItemCaseSensitive(jc, "any");
	if (!cJSON_IsObject(jc) || cJSON_GetArraySize(jc) != 1 ||
	    !cJSON_IsArray(list) || (n = (size_t)cJSON_GetArraySize(list)) == 0)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'%s' must be "
		    "an array of state values, or {\"all\": [tests]} or "
		    "{\"any\": [tests]}", key);
	if ((c->tests = calloc(n, sizeof(*c->tests))) == NULL)
		return br_loader_nomem(vc->ld);
	cJSON_ArrayForEach(it, list) {
		snprintf(what, sizeof(what), "'%s' test #%zu: ", key,
		    c->ntests + 1);
		r = read_test(vc, it, &c->tests[c->ntests++], what);
		if (r != 0)
			return r;
	}
	return 0;
}

/* "fresh": {"progress", "repeat", "time"}; default progress, repeat 2. */
static int
read_fresh(struct vctx *vc, const cJSON *jv, struct br_verify *v)
{
	static const char *const keys[] = { "progress", "repeat", "time",
	    NULL };
	const cJSON *jf = cJSON_GetObjectItemCaseSensitive(jv, "fresh"), *it;
	int r;

	v->fresh_progress = 1;
	v->fresh_repeat = 2;
	if (jf == NULL)
		return 0;
	if (!cJSON_IsObject(jf))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'fresh' must "
		    "be an object");
	if ((r = br_loader_check_keys(vc->ld, jf, keys, vc->line,
	    vc->ctx)) != 0 ||
	    (r = read_path(vc, jf, "time", 0, &v->fresh_time,
	    "'fresh': ")) != 0)
		return r;
	it = cJSON_GetObjectItemCaseSensitive(jf, "progress");
	if (it != NULL && !cJSON_IsBool(it))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'fresh': "
		    "'progress' must be true or false");
	v->fresh_progress = cJSON_IsTrue(it);
	it = cJSON_GetObjectItemCaseSensitive(jf, "repeat");
	if (it != NULL && (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
	    it->valuedouble > MAX_REPEAT ||
	    it->valuedouble != floor(it->valuedouble)))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'fresh': "
		    "'repeat' must be a whole number of polls (0 to %d)",
		    MAX_REPEAT);
	v->fresh_repeat = it != NULL ? (int)it->valuedouble : 0;
	if (!v->fresh_progress && v->fresh_repeat == 0 &&
	    v->fresh_time == NULL)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'fresh' "
		    "gives no proof (\"progress\", \"repeat\" or \"time\"): "
		    "a stale read would count");
	return 0;
}

/* One "gone" rule. */
static int
read_gone(struct vctx *vc, const cJSON *jg, struct br_vgone *g, size_t idx)
{
	static const char *const keys[] = { "status", "codes", "path", "in",
	    "has", "empty", NULL };
	const cJSON *it;
	char what[64];
	int r;

	snprintf(what, sizeof(what), "'gone' #%zu: ", idx + 1);
	if (!cJSON_IsObject(jg))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%smust be an "
		    "object", what);
	if ((r = br_loader_check_keys(vc->ld, jg, keys, vc->line,
	    vc->ctx)) != 0)
		return r;
	it = cJSON_GetObjectItemCaseSensitive(jg, "status");
	if (it != NULL && (!cJSON_IsNumber(it) || it->valuedouble < 100 ||
	    it->valuedouble > 599 || it->valuedouble != floor(it->valuedouble)))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%s'status' "
		    "must be an HTTP status (100 to 599)", what);
	g->status = it != NULL ? (long)it->valuedouble : 0;
	if ((it = cJSON_GetObjectItemCaseSensitive(jg, "codes")) != NULL &&
	    (r = read_strings(vc, it, "'gone': 'codes'", &g->codes,
	    &g->ncodes)) != 0)
		return r;
	if ((r = read_path(vc, jg, "path", 0, &g->test.path, what)) != 0)
		return r;
	if (g->test.path != NULL)
		return read_test_kind(vc, jg, &g->test, what);
	if (cJSON_GetObjectItemCaseSensitive(jg, "in") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(jg, "has") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(jg, "empty") != NULL)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%s'in', "
		    "'has' and 'empty' need a 'path'", what);
	if (g->status == 0 && g->ncodes == 0)
		return br_loader_err(vc->ld, vc->line, vc->ctx, "%sneeds a "
		    "'status', 'codes' or a 'path'", what);
	return 0;
}

static int
read_gones(struct vctx *vc, const cJSON *jv, struct br_verify *v)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(jv, "gone"), *it;
	int r;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'gone' must "
		    "be an array of rules");
	if ((v->gone = calloc((size_t)cJSON_GetArraySize(a) + 1,
	    sizeof(*v->gone))) == NULL)
		return br_loader_nomem(vc->ld);
	cJSON_ArrayForEach(it, a) {
		r = read_gone(vc, it, &v->gone[v->ngone], v->ngone);
		v->ngone++;
		if (r != 0)
			return r;
	}
	return 0;
}

/* A duration in seconds (a number, fractions allowed) into *ms. */
static int
read_seconds(struct vctx *vc, const cJSON *jv, const char *key, double dflt,
    int positive, int64_t *ms)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(jv, key);
	double d = dflt;

	if (it != NULL) {
		d = cJSON_IsNumber(it) ? it->valuedouble : -1;
		if (!isfinite(d) || d < 0 || d > MAX_SECONDS ||
		    (positive && d == 0))
			return br_loader_err(vc->ld, vc->line, vc->ctx, "'%s' "
			    "must be a number of seconds (%s to %.0f)", key,
			    positive ? "above 0" : "0", MAX_SECONDS);
	}
	*ms = (int64_t)llround(d * 1000.0);
	return 0;
}

static int
read_flags(struct vctx *vc, const cJSON *jv, struct br_verify *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(jv, "match_sent");
	int r;

	if (it != NULL && !cJSON_IsBool(it))
		return br_loader_err(vc->ld, vc->line, vc->ctx, "'match_sent' "
		    "must be true or false");
	v->match_sent = cJSON_IsTrue(it);
	if ((r = read_seconds(vc, jv, "first_delay", 10, 0,
	    &v->first_delay_ms)) != 0 ||
	    (r = read_seconds(vc, jv, "interval", 10, 1,
	    &v->interval_ms)) != 0)
		return r;
	return read_seconds(vc, jv, "timeout", 1200, 1, &v->timeout_ms);
}

int
br_catalog_parse_verify(struct loader *ld, const cJSON *jo,
    struct br_op *op, size_t off, const char *ctx)
{
	static const char *const keys[] = { "method", "path", "query",
	    "headers", "state", "code", "healthy", "progress", "failed",
	    "fresh", "match_sent", "gone", "first_delay", "interval",
	    "timeout", NULL };
	const cJSON *jv = cJSON_GetObjectItemCaseSensitive(jo, "verify");
	struct br_verify *v;
	struct vctx vc;
	int r;

	if (jv == NULL || cJSON_IsNull(jv))
		return 0;
	vc.ld = ld;
	vc.op = op;
	vc.line = br_loader_line_of(ld, br_loader_find_pair(ld, off,
	    "verify", NULL));
	snprintf(vc.ctx, sizeof(vc.ctx), "%sverify: ", ctx);
	if (!cJSON_IsObject(jv))
		return br_loader_err(ld, vc.line, vc.ctx, "must be an object");
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return br_loader_nomem(ld);
	op->verify = v;
	if ((r = br_loader_check_keys(ld, jv, keys, vc.line, vc.ctx)) != 0 ||
	    (r = read_request(&vc, jv, v)) != 0 ||
	    (r = read_pairs(&vc, jv, "query", &v->query, &v->nquery)) != 0 ||
	    (r = read_pairs(&vc, jv, "headers", &v->headers,
	    &v->nheaders)) != 0 ||
	    (r = read_path(&vc, jv, "state", 1, &v->state, "")) != 0 ||
	    (r = read_path(&vc, jv, "code", 0, &v->code, "")) != 0 ||
	    (r = read_cond(&vc, jv, "healthy", 1, v->state,
	    &v->healthy)) != 0 ||
	    (r = read_cond(&vc, jv, "progress", 0, v->state,
	    &v->progress)) != 0 ||
	    (r = read_cond(&vc, jv, "failed", 0, v->state, &v->failed)) != 0 ||
	    (r = read_fresh(&vc, jv, v)) != 0 ||
	    (r = read_gones(&vc, jv, v)) != 0)
		return r;
	return read_flags(&vc, jv, v);
}
