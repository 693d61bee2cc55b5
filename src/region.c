/*
 * region.c - the cloud of a region and a service's host there; see
 * region.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "region.h"
#include "strbuf.h"
#include "text.h"

#define IAM_SERVICE	"iam"

/* Whether region matches p: the same name (any case), or p is a prefix
 * ending in '*' that region starts with. */
static int
region_matches(const char *p, const char *region)
{
	size_t n = strlen(p);

	if (n > 1 && p[n - 1] == '*')
		return strlen(region) >= n && strncasecmp(region, p, n - 1) == 0;
	return strcasecmp(region, p) == 0;
}

const struct br_cloud *
br_region_cloud(const struct br_catalog *c, const char *region,
    const char *cloud)
{
	size_t i, j;

	if (cloud != NULL)
		return br_catalog_cloud(c, cloud);
	for (i = 0; region != NULL && i < c->nclouds; i++)
		for (j = 0; j < c->clouds[i].nregions; j++)
			if (region_matches(c->clouds[i].regions[j], region))
				return &c->clouds[i];
	return NULL;
}

/* "huaweicloud|otc" into sb. */
static void
cloud_names(const struct br_catalog *c, struct br_strbuf *sb)
{
	size_t i;

	for (i = 0; i < c->nclouds; i++) {
		if (i > 0)
			br_strbuf_addstr(sb, "|");
		br_strbuf_addstr(sb, c->clouds[i].name);
	}
}

/* "eu-de, eu-nl (Open Telekom Cloud); cn-*, ... (Huawei Cloud)" into sb. */
static void
known_regions(const struct br_catalog *c, struct br_strbuf *sb)
{
	size_t i, j;

	for (i = 0; i < c->nclouds; i++) {
		if (i > 0)
			br_strbuf_addstr(sb, "; ");
		for (j = 0; j < c->clouds[i].nregions; j++) {
			if (j > 0)
				br_strbuf_addstr(sb, ", ");
			br_strbuf_addstr(sb, c->clouds[i].regions[j]);
		}
		br_strbuf_addstr(sb, " (");
		br_strbuf_addstr(sb, c->clouds[i].title);
		br_strbuf_addstr(sb, ")");
	}
}

int
br_region_check_cloud(const struct br_catalog *c, const char *cloud,
    struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char q[BR_QUOTE_BUF];

	if (cloud == NULL || br_catalog_cloud(c, cloud) != NULL)
		return 0;
	cloud_names(c, &sb);
	br_text_quotez(q, sizeof(q), cloud);
	br_errf(err, BR_EINPUT, NULL, 0, "unknown cloud '%s' (--cloud %s)", q,
	    sb.p != NULL ? sb.p : "");
	br_strbuf_release(&sb);
	return BR_EINPUT;
}

static int
unknown_region(const struct br_catalog *c, const char *region,
    struct br_err *err)
{
	struct br_strbuf known = BR_STRBUF_INIT, names = BR_STRBUF_INIT;
	char q[BR_QUOTE_BUF];

	known_regions(c, &known);
	cloud_names(c, &names);
	br_text_quotez(q, sizeof(q), region);
	br_errf(err, BR_EINPUT, NULL, 0, "unknown region '%s': bulkrun knows "
	    "%s; for another region say which cloud it is on: --cloud %s", q,
	    known.p != NULL ? known.p : "none", names.p != NULL ? names.p :
	    "NAME");
	br_strbuf_release(&known);
	br_strbuf_release(&names);
	return BR_EINPUT;
}

/* The hosts of s on cloud cl, or NULL. */
static const struct br_svc_host *
host_on(const struct br_service *s, const struct br_cloud *cl)
{
	size_t i;

	for (i = 0; i < s->nhosts; i++)
		if (br_text_eqi(s->hosts[i].cloud, cl->name))
			return &s->hosts[i];
	return NULL;
}

int
br_region_endpoint(const struct br_catalog *c, const struct br_service *s,
    const char *region, const char *cloud, const char **out,
    struct br_err *err)
{
	const struct br_cloud *cl;
	const struct br_svc_host *h;
	char q[BR_QUOTE_BUF];
	size_t i;

	*out = NULL;
	if (s->nhosts == 0) {
		*out = s->endpoint;
		return 0;
	}
	if ((cl = br_region_cloud(c, region, cloud)) == NULL)
		return cloud != NULL ? br_region_check_cloud(c, cloud, err) :
		    unknown_region(c, region, err);
	br_text_quotez(q, sizeof(q), region);
	if ((h = host_on(s, cl)) == NULL) {
		if ((*out = s->endpoint) != NULL)
			return 0;
		return br_errf(err, BR_EINPUT, NULL, 0, "service '%s' has no "
		    "host on %s in the catalog: give --endpoint %s=URL",
		    s->name, cl->title, s->name);
	}
	if (h->endpoint == NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, "service '%s' is not "
		    "offered on %s (region '%s')", s->name, cl->title, q);
	for (i = 0; i < h->nregions; i++)
		if (strcasecmp(h->regions[i].region, region) == 0) {
			*out = h->regions[i].endpoint;
			return 0;
		}
	*out = h->endpoint;
	return 0;
}

int
br_region_offered(const struct br_catalog *c, const char *svc,
    const char *region, const char *cloud)
{
	const struct br_service *s = br_catalog_service(c, svc);
	const struct br_cloud *cl;
	const struct br_svc_host *h;

	if (s == NULL || region == NULL ||
	    (cl = br_region_cloud(c, region, cloud)) == NULL ||
	    (h = host_on(s, cl)) == NULL)
		return 1;
	return h->endpoint != NULL;
}

char *
br_region_fill(const char *pat, const char *region)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	const char *p, *q;

	for (p = pat; (q = strstr(p, "{region}")) != NULL; p = q + 8) {
		br_strbuf_add(&sb, p, (size_t)(q - p));
		br_strbuf_addstr(&sb, region);
	}
	br_strbuf_addstr(&sb, p);
	if (sb.oom) {
		br_strbuf_release(&sb);
		return NULL;
	}
	return br_strbuf_detach(&sb);
}

char *
br_region_auth_url(const struct br_catalog *c, const char *region,
    const char *cloud, struct br_err *err)
{
	const struct br_service *s = br_catalog_service(c, IAM_SERVICE);
	const char *pat;
	char *base, *url;
	size_t n;

	if (s == NULL) {
		br_errf(err, BR_EINPUT, NULL, 0, "no IAM host in the catalog "
		    "(service '" IAM_SERVICE "'): set OS_AUTH_URL");
		return NULL;
	}
	if (br_region_endpoint(c, s, region, cloud, &pat, err) != 0)
		return NULL;
	if (pat == NULL || (base = br_region_fill(pat, region)) == NULL) {
		br_errf(err, pat == NULL ? BR_EINPUT : BR_ENOMEM, NULL, 0,
		    pat == NULL ? "no IAM host in the catalog: set "
		    "OS_AUTH_URL" : "out of memory");
		return NULL;
	}
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if ((url = malloc(n + 4)) == NULL) {
		free(base);
		br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		return NULL;
	}
	memcpy(url, base, n);
	memcpy(url + n, "/v3", 4);
	free(base);
	return url;
}
