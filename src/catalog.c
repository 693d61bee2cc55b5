/*
 * catalog.c - operations as data: looking them up, suggesting a name,
 * freeing; see catalog.h.  Loading is in catalog_load.c and
 * catalog_param.c, "bulkrun ops" in catalog_print.c, checking rows in
 * bind.c.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "catalog_int.h"
#include "text.h"

#define SUGGEST_MAX	256		/* longest name compared */

/* ---- names and lookups ---- */

const char *const br_catalog_type_names[] = {
	NULL, "string", "integer", "long", "boolean", "enum", "epoch_ms",
	"number"
};
const char *const br_catalog_loc_names[] = {
	NULL, "path", "header", "query", "body"
};

const char *
br_ptype_name(enum br_ptype t)
{
	if ((int)t >= BR_T_STRING && (int)t <= BR_T_NUMBER)
		return br_catalog_type_names[t];
	return "?";
}

const char *
br_ploc_name(enum br_ploc l)
{
	if ((int)l >= BR_IN_PATH && (int)l <= BR_IN_BODY)
		return br_catalog_loc_names[l];
	return "?";
}

/* The element of v[0..n) (each size bytes, a name first) named name:
 * the exact name first, else one equal ignoring ASCII case; NULL when
 * none is, or name is NULL. */
static const void *
find_named(const void *v, size_t n, size_t size, const char *name)
{
	const char *e, *en;
	size_t i, pass;

	for (pass = 0; name != NULL && pass < 2; pass++)
		for (i = 0; i < n; i++) {
			e = (const char *)v + i * size;
			memcpy(&en, e, sizeof(en));	/* its name */
			if (pass == 0 ? strcmp(en, name) == 0 :
			    br_text_eqi(en, name))
				return e;
		}
	return NULL;
}

const struct br_op *
br_catalog_find(const struct br_catalog *c, const char *name)
{
	return c != NULL ? find_named(c->ops, c->nops, sizeof(c->ops[0]),
	    name) : NULL;
}

const struct br_service *
br_catalog_service(const struct br_catalog *c, const char *name)
{
	return c != NULL ? find_named(c->services, c->nservices,
	    sizeof(c->services[0]), name) : NULL;
}

const struct br_cloud *
br_catalog_cloud(const struct br_catalog *c, const char *name)
{
	return c != NULL ? find_named(c->clouds, c->nclouds,
	    sizeof(c->clouds[0]), name) : NULL;
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
		dst[i] = (char)br_text_lower((unsigned char)src[i]);
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
	free(p->name);
	if (p->wire != p->name)
		free(p->wire);
	br_text_free_all(p->enums, p->nenums);
	free(p->enums);
	free(p->description);
	free(p->example);
	memset(p, 0, sizeof(*p));
}

void
br_catalog_op_free(struct br_op *op)
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
	br_text_free_all(op->response, op->nresponse);
	free(op->response);
	br_catalog_verify_free(op->verify);
	memset(op, 0, sizeof(*op));
}

void
br_catalog_service_free(struct br_service *s)
{
	size_t i, j;

	free(s->name);
	free(s->endpoint);
	for (i = 0; i < s->nhosts; i++) {
		free(s->hosts[i].cloud);
		free(s->hosts[i].endpoint);
		for (j = 0; j < s->hosts[i].nregions; j++) {
			free(s->hosts[i].regions[j].region);
			free(s->hosts[i].regions[j].endpoint);
		}
		free(s->hosts[i].regions);
	}
	free(s->hosts);
	memset(s, 0, sizeof(*s));
}

void
br_catalog_cloud_free(struct br_cloud *cl)
{
	free(cl->name);
	free(cl->title);
	br_text_free_all(cl->regions, cl->nregions);
	free(cl->regions);
	memset(cl, 0, sizeof(*cl));
}

void
br_catalog_release(struct br_catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nops; i++)
		br_catalog_op_free(&c->ops[i]);
	free(c->ops);
	for (i = 0; i < c->nservices; i++)
		br_catalog_service_free(&c->services[i]);
	free(c->services);
	for (i = 0; i < c->nclouds; i++)
		br_catalog_cloud_free(&c->clouds[i]);
	free(c->clouds);
	memset(c, 0, sizeof(*c));
}
