/*
 * catalog_endpoint.c - loading where the services are: a service's
 * "endpoint" and "hosts" (a pattern per cloud, exceptions per region, or
 * not offered), and the catalog's "clouds" (which regions are on which
 * cloud).  The format is in catalog.h; region.h resolves it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "catalog.h"
#include "catalog_int.h"
#include "text.h"

int
br_loader_check_endpoint(struct loader *ld, const char *url,
    const char *what, long line, const char *ctx)
{
	size_t n;

	if (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0)
		return br_loader_err(ld, line, ctx, "%s must start with "
		    "https:// or http://", what);
	for (n = 0; url[n] != '\0'; n++)
		if ((unsigned char)url[n] <= 0x20 || url[n] == 0x7f)
			return br_loader_err(ld, line, ctx, "%s contains a "
			    "blank or control character", what);
	return 0;
}

/* A key that is a comment ("_note", "comment"), not a name. */
static int
comment_key(const char *k)
{
	return k[0] == '_' || strcmp(k, "comment") == 0;
}

/* A region name as the catalog gives it: letters, digits, '-', '_', '.';
 * with star, a trailing '*' too (a prefix). */
static int
good_region(const char *r, int star)
{
	size_t n;

	for (n = 0; r[n] != '\0'; n++)
		if (!br_text_namechar((unsigned char)r[n]) &&
		    !(star && r[n] == '*' && r[n + 1] == '\0' && n > 0))
			return 0;
	return n > 0;
}

/* A host's "regions": { "eu-west-101": "https://..." }. */
static int
parse_exceptions(struct loader *ld, const cJSON *jr, struct br_svc_host *h,
    long line, const char *ctx)
{
	const cJSON *it;
	struct br_svc_region *r;
	char what[BR_QUOTE_BUF + 64], q[BR_QUOTE_BUF];
	size_t n;
	int rc;

	if (!cJSON_IsObject(jr))
		return br_loader_err(ld, line, ctx, "hosts: '%s': 'regions' "
		    "must be an object of region names and URLs", h->cloud);
	n = (size_t)cJSON_GetArraySize(jr);
	if (n > 0 && (h->regions = calloc(n, sizeof(*h->regions))) == NULL)
		return br_loader_nomem(ld);
	cJSON_ArrayForEach(it, jr) {
		if (comment_key(it->string))
			continue;
		br_text_quotez(q, sizeof(q), it->string);
		if (!good_region(it->string, 0))
			return br_loader_err(ld, line, ctx, "hosts: '%s': bad "
			    "region name '%s'", h->cloud, q);
		if (!cJSON_IsString(it))
			return br_loader_err(ld, line, ctx, "hosts: '%s': "
			    "region '%s' must be a URL", h->cloud, q);
		for (n = 0; n < h->nregions; n++)
			if (br_text_eqi(h->regions[n].region, it->string))
				return br_loader_err(ld, line, ctx, "hosts: "
				    "'%s': region '%s' given twice", h->cloud,
				    q);
		r = &h->regions[h->nregions++];
		if ((r->region = strdup(it->string)) == NULL ||
		    (r->endpoint = strdup(it->valuestring)) == NULL)
			return br_loader_nomem(ld);
		snprintf(what, sizeof(what), "hosts: '%s': region '%s'",
		    h->cloud, q);
		if ((rc = br_loader_check_endpoint(ld, r->endpoint, what, line,
		    ctx)) != 0)
			return rc;
	}
	return 0;
}

/* One member of "hosts": the cloud's pattern, or "offered": false. */
static int
parse_host(struct loader *ld, const cJSON *jh, struct br_svc_host *h,
    long line, const char *ctx)
{
	static const char *const keys[] = { "endpoint", "regions", "offered",
	    NULL };
	const cJSON *off, *jr;
	char sub[400];
	int rc;

	snprintf(sub, sizeof(sub), "%shosts: '%s': ", ctx, h->cloud);
	if (!cJSON_IsObject(jh))
		return br_loader_err(ld, line, sub, "not an object");
	if ((rc = br_loader_check_keys(ld, jh, keys, line, sub)) != 0)
		return rc;
	off = cJSON_GetObjectItemCaseSensitive(jh, "offered");
	if (off != NULL && !cJSON_IsBool(off))
		return br_loader_err(ld, line, sub, "'offered' must be true "
		    "or false");
	if (off != NULL && cJSON_IsFalse(off)) {
		if (cJSON_HasObjectItem(jh, "endpoint") ||
		    cJSON_HasObjectItem(jh, "regions"))
			return br_loader_err(ld, line, sub, "a cloud that does "
			    "not offer the service has no 'endpoint' or "
			    "'regions'");
		return 0;
	}
	if ((rc = br_loader_get_str(ld, jh, "endpoint", 1, &h->endpoint,
	    line, sub)) != 0)
		return rc;
	if ((rc = br_loader_check_endpoint(ld, h->endpoint, "'endpoint'",
	    line, sub)) != 0)
		return rc;
	jr = cJSON_GetObjectItemCaseSensitive(jh, "regions");
	return jr != NULL ? parse_exceptions(ld, jr, h, line, ctx) : 0;
}

int
br_catalog_parse_hosts(struct loader *ld, const cJSON *js,
    struct br_service *s, long line, const char *ctx)
{
	const cJSON *jh, *it;
	size_t n;
	int rc;

	if ((rc = br_loader_get_str(ld, js, "endpoint", 0, &s->endpoint,
	    line, ctx)) != 0)
		return rc;
	if (s->endpoint != NULL && (rc = br_loader_check_endpoint(ld,
	    s->endpoint, "'endpoint'", line, ctx)) != 0)
		return rc;
	jh = cJSON_GetObjectItemCaseSensitive(js, "hosts");
	if (jh == NULL)
		return s->endpoint != NULL ? 0 : br_loader_err(ld, line, ctx,
		    "missing 'endpoint' or 'hosts'");
	if (!cJSON_IsObject(jh))
		return br_loader_err(ld, line, ctx, "'hosts' must be an "
		    "object with an entry per cloud");
	n = (size_t)cJSON_GetArraySize(jh);
	if (n > 0 && (s->hosts = calloc(n, sizeof(*s->hosts))) == NULL)
		return br_loader_nomem(ld);
	cJSON_ArrayForEach(it, jh) {
		if (comment_key(it->string))
			continue;
		if (!good_region(it->string, 0))
			return br_loader_err(ld, line, ctx, "hosts: bad cloud "
			    "name");
		for (n = 0; n < s->nhosts; n++)
			if (br_text_eqi(s->hosts[n].cloud, it->string))
				return br_loader_err(ld, line, ctx, "hosts: "
				    "'%s' given twice", s->hosts[n].cloud);
		if ((s->hosts[s->nhosts].cloud = strdup(it->string)) == NULL)
			return br_loader_nomem(ld);
		if ((rc = parse_host(ld, it, &s->hosts[s->nhosts++], line,
		    ctx)) != 0)
			return rc;
	}
	if (s->nhosts == 0 && s->endpoint == NULL)
		return br_loader_err(ld, line, ctx, "'hosts' names no cloud");
	return 0;
}

/* One member of "clouds" into cl (its name already set). */
static int
parse_cloud(struct loader *ld, const cJSON *it, struct br_cloud *cl,
    long line, const char *ctx)
{
	static const char *const keys[] = { "title", "regions", NULL };
	const cJSON *jr, *r;
	size_t n;
	int rc;

	if (!cJSON_IsObject(it))
		return br_loader_err(ld, line, ctx, "not an object");
	if ((rc = br_loader_check_keys(ld, it, keys, line, ctx)) != 0 ||
	    (rc = br_loader_get_str(ld, it, "title", 1, &cl->title, line,
	    ctx)) != 0)
		return rc;
	jr = cJSON_GetObjectItemCaseSensitive(it, "regions");
	if (!cJSON_IsArray(jr) || (n = (size_t)cJSON_GetArraySize(jr)) == 0)
		return br_loader_err(ld, line, ctx, "'regions' must be a "
		    "non-empty array of region names (\"eu-de\") and "
		    "prefixes (\"cn-*\")");
	if ((cl->regions = calloc(n, sizeof(*cl->regions))) == NULL)
		return br_loader_nomem(ld);
	cJSON_ArrayForEach(r, jr) {
		if (!cJSON_IsString(r) || !good_region(r->valuestring, 1))
			return br_loader_err(ld, line, ctx, "'regions': each "
			    "is a region name (\"eu-de\") or a prefix "
			    "(\"cn-*\")");
		if ((cl->regions[cl->nregions++] = strdup(r->valuestring)) ==
		    NULL)
			return br_loader_nomem(ld);
	}
	return 0;
}

int
br_catalog_parse_clouds(struct loader *ld, const cJSON *jc,
    struct br_catalog *t)
{
	const cJSON *it, *o;
	char ctx[320], q[BR_QUOTE_BUF];
	size_t n, off;
	long line;
	int rc;

	if (!cJSON_IsObject(jc))
		return br_loader_err(ld, br_loader_line_of(ld,
		    br_loader_find_pair(ld, 0, "clouds", NULL)), "",
		    "'clouds' must be an object");
	n = (size_t)cJSON_GetArraySize(jc);
	if (n > 0 && (t->clouds = calloc(n, sizeof(*t->clouds))) == NULL)
		return br_loader_nomem(ld);
	cJSON_ArrayForEach(it, jc) {
		if (comment_key(it->string))
			continue;
		br_text_quotez(q, sizeof(q), it->string);
		snprintf(ctx, sizeof(ctx), "cloud '%s': ", q);
		off = br_loader_find_pair(ld, 0, it->string, NULL);
		line = br_loader_line_of(ld, off);
		if (!good_region(it->string, 0))
			return br_loader_err(ld, line, ctx, "bad cloud name "
			    "(letters, digits, '.', '_' and '-' only)");
		for (o = jc->child; o != it; o = o->next)
			if (o->string != NULL &&
			    br_text_eqi(o->string, it->string))
				return br_loader_err(ld, line, ctx,
				    "given twice");
		if ((t->clouds[t->nclouds].name = strdup(it->string)) == NULL)
			return br_loader_nomem(ld);
		if ((rc = parse_cloud(ld, it, &t->clouds[t->nclouds++], line,
		    ctx)) != 0)
			return rc;
	}
	return 0;
}

int
br_catalog_reserve_clouds(struct br_catalog *c, const struct br_catalog *t)
{
	struct br_cloud *v;

	if (t->nclouds == 0)
		return 0;
	v = realloc(c->clouds, (c->nclouds + t->nclouds) * sizeof(*v));
	if (v == NULL)
		return BR_ENOMEM;
	c->clouds = v;
	return 0;
}

void
br_catalog_merge_clouds(struct br_catalog *c, struct br_catalog *t)
{
	size_t i, j, nold = c->nclouds;

	for (i = 0; i < t->nclouds; i++) {
		for (j = 0; j < nold; j++)
			if (br_text_eqi(c->clouds[j].name, t->clouds[i].name))
				break;
		if (j < nold)
			br_catalog_cloud_free(&c->clouds[j]);
		else
			j = c->nclouds++;
		c->clouds[j] = t->clouds[i];
	}
	free(t->clouds);
	t->clouds = NULL;
	t->nclouds = 0;
}
