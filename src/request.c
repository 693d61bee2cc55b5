/*
 * request.c - a bound row becomes a plain HTTP request.
 *
 * Encoding rules, in one place:
 * - Path parameters: the whole value is percent-encoded (only A-Z a-z 0-9
 *   - . _ ~ stay), so "/", "?", "#" and "%" cannot leave the segment.  A
 *   value that is exactly "." or ".." is sent as %2E or %2E%2E: RFC 3986
 *   dot-segment removal (done by curl, proxies and servers alike) would
 *   otherwise turn ".../jobs/../instances" into a different resource.
 *   Servers decode %2E back to "." after routing, so the value arrives.
 *   An empty or missing path value is an error (it would give "//").
 * - Query parameters: "?k=v&k=v" in catalog order, key and value encoded
 *   the same way (dot segments mean nothing in a query).
 * - Body parameters: one JSON object, nested on dots, typed by the
 *   catalog; 64-bit numbers are written from their decimal text, never
 *   through a double.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "hdrname.h"
#include "jsontext.h"
#include <openssl/evp.h>

#include "region.h"
#include "request.h"
#include "strbuf.h"
#include "text.h"
#include "utf8.h"

/* Printable ASCII and short: safe to quote in a message. */
static int
showable(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] >= 0x7f ||
		    n > 200)
			return 0;
	return 1;
}

char *
br_pct_encode(const char *s, size_t len)
{
	struct br_strbuf sb = BR_STRBUF_INIT;

	if (s == NULL)
		len = 0;
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	br_strbuf_add(&sb, "", 0);
	if (len > 0)
		br_strbuf_addpct(&sb, s, len, 0);
	return br_strbuf_detach(&sb);
}

/* ---- base URL ---- */

/*
 * Checks a URL meant as a base: http(s)://host[:port][/prefix], no
 * blanks or control bytes, no user:password@, no query or fragment.
 * Messages quote the URL only when that cannot leak or garble anything.
 */
static int
check_base(const char *url, struct br_err *err)
{
	const char *p, *auth, *end;
	size_t i;

	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= 0x20 ||
		    (unsigned char)url[i] == 0x7f)
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "invalid endpoint: it contains a blank or a "
			    "control character");
	auth = (p = strstr(url, "://")) != NULL ? p + 3 : url;
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, "invalid endpoint: a "
		    "user name or password in the URL is not supported");
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		return br_errf(err, BR_EINPUT, NULL, 0, "invalid endpoint "
		    "'%s': must start with http:// or https://",
		    showable(url) ? url : "?");
	if (end == auth || *auth == ':')
		return br_errf(err, BR_EINPUT, NULL, 0, "invalid endpoint "
		    "'%s': no host", showable(url) ? url : "?");
	if (strpbrk(url, "?#") != NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, "invalid endpoint "
		    "'%s': must not contain '?' or '#'",
		    showable(url) ? url : "?");
	return 0;
}

/* The endpoint pattern of service svc (named exactly: any case is
 * enough for --endpoint SERVICE=URL, not here) in region (or NULL) on
 * cloud (or NULL: the region's) into *pat, NULL when there is none;
 * BR_EINPUT with err when region.h refuses the region. */
static int
svc_pattern(const struct br_catalog *c, const char *svc, const char *region,
    const char *cloud, const char **pat, struct br_err *err)
{
	const struct br_service *s = br_catalog_service(c, svc);

	*pat = NULL;
	if (s == NULL || strcmp(s->name, svc) != 0)
		return 0;
	if (region == NULL || s->nhosts == 0) {
		*pat = s->endpoint;
		return 0;
	}
	return br_region_endpoint(c, s, region, cloud, pat, err);
}

static int
check_region(const char *r, struct br_err *err)
{
	size_t i;

	for (i = 0; r[i] != '\0'; i++)
		if (!br_text_namechar((unsigned char)r[i]))
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "invalid region '%s': only letters, digits, '-', "
			    "'_' and '.' are allowed", showable(r) ? r : "?");
	return 0;
}

char *
br_request_base_url(const struct br_catalog *c, const struct br_bound *b,
    const struct br_endpoint_map *map, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	const char *url = NULL, *pat, *region;
	char *host;
	const char *svc;
	size_t i, n;

	if (b == NULL || b->op == NULL) {
		br_errf(err, BR_EINTERNAL, NULL, 0, "no operation bound");
		return NULL;
	}
	svc = b->op->service != NULL ? b->op->service : "";
	if (b->endpoint != NULL && b->endpoint[0] != '\0')
		url = b->endpoint;
	for (i = 0; url == NULL && map != NULL && i < map->nsvc; i++)
		if (map->svc_names[i] != NULL && map->svc_urls[i] != NULL &&
		    strcasecmp(map->svc_names[i], svc) == 0)
			url = map->svc_urls[i];
	if (url == NULL && map != NULL && map->all != NULL &&
	    map->all[0] != '\0')
		url = map->all;
	if (url != NULL) {
		br_strbuf_addstr(&sb, url);
	} else {
		region = b->region != NULL && b->region[0] != '\0' ?
		    b->region : map != NULL ? map->region : NULL;
		if (region != NULL && region[0] == '\0')
			region = NULL;
		if ((region != NULL && check_region(region, err) != 0) ||
		    svc_pattern(c, svc, region, map != NULL ? map->cloud :
		    NULL, &pat, err) != 0)
			return NULL;
		if (pat == NULL || pat[0] == '\0' ||
		    (strstr(pat, "{region}") != NULL && region == NULL)) {
			br_errf(err, BR_EINPUT, NULL, 0, "no endpoint for "
			    "service '%s': give --endpoint or --region", svc);
			return NULL;
		}
		if ((host = br_region_fill(pat, region != NULL ? region :
		    "")) == NULL)
			sb.oom = 1;
		else
			br_strbuf_addstr(&sb, host);
		free(host);
	}
	if (sb.oom) {
		br_strbuf_release(&sb);
		br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		return NULL;
	}
	if (check_base(sb.p, err) != 0) {
		br_strbuf_release(&sb);
		return NULL;
	}
	/* strip trailing '/', but never into the "://" */
	n = sb.len;
	while (n > 0 && sb.p[n - 1] == '/' && !(n >= 3 &&
	    strncmp(sb.p + n - 3, "://", 3) == 0))
		n--;
	sb.p[n] = '\0';
	return br_strbuf_detach(&sb);
}

/* ---- building ---- */

/* The given argument of param p, or NULL. */
static const struct br_arg *
arg_of(const struct br_bound *b, const struct br_param *p)
{
	size_t i;

	for (i = 0; i < b->nargs; i++) {
		if (b->args[i].param == NULL || b->args[i].value == NULL)
			continue;
		if (b->args[i].param == p ||
		    (b->args[i].param->in == p->in &&
		    strcmp(b->args[i].param->name, p->name) == 0))
			return &b->args[i];
	}
	return NULL;
}

/* From op->params[*i] on, the next parameter in location in that has an
 * argument: returns the argument, with the parameter in *pp and *i past
 * it; NULL when none is left. */
static const struct br_arg *
next_arg(const struct br_bound *b, enum br_ploc in, size_t *i,
    const struct br_param **pp)
{
	const struct br_arg *a;

	while (*i < b->op->nparams) {
		*pp = &b->op->params[(*i)++];
		if ((*pp)->in == in && (a = arg_of(b, *pp)) != NULL)
			return a;
	}
	return NULL;
}

/* The given argument for the placeholder name (n bytes): a path
 * argument by name or wire name, or (any_in) any argument by name. */
static const struct br_arg *
placeholder_arg(const struct br_bound *b, const char *name, size_t n,
    int any_in)
{
	const struct br_param *p;
	size_t i;

	for (i = 0; i < b->nargs; i++) {
		p = b->args[i].param;
		if (p == NULL || (!any_in && p->in != BR_IN_PATH) ||
		    b->args[i].value == NULL)
			continue;
		if ((strlen(p->name) == n && memcmp(p->name, name, n) == 0) ||
		    (!any_in && p->wire != NULL && strlen(p->wire) == n &&
		    memcmp(p->wire, name, n) == 0))
			return &b->args[i];
	}
	return NULL;
}

/* br_request_expand(), any_in 0 for the operation's own path: *missing
 * gets the placeholder without a value. */
static int
expand(const struct br_bound *b, const char *tmpl, int any_in, int pct,
    struct br_strbuf *sb, const char **missing, struct br_err *err)
{
	const struct br_arg *a;
	const char *t = tmpl, *end;
	size_t n;

	while (*t != '\0') {
		n = strcspn(t, "{");
		br_strbuf_add(sb, t, n);
		t += n;
		if (*t == '\0')
			break;
		if ((end = strchr(t, '}')) == NULL)
			return br_errf(err, BR_EINTERNAL, NULL, 0, "operation "
			    "'%s': unterminated '{' in path", b->op->name);
		n = (size_t)(end - t - 1);
		if ((a = placeholder_arg(b, t + 1, n, any_in)) == NULL ||
		    a->value[0] == '\0') {
			*missing = t + 1;
			return 1;
		}
		if (!pct)
			br_strbuf_addstr(sb, a->value);
		else if (strcmp(a->value, ".") == 0)
			br_strbuf_addstr(sb, "%2E");
		else if (strcmp(a->value, "..") == 0)
			br_strbuf_addstr(sb, "%2E%2E");
		else
			br_strbuf_addpct(sb, a->value, strlen(a->value), 0);
		t = end + 1;
	}
	return 0;
}

int
br_request_expand(const struct br_bound *b, const char *tmpl, int pct,
    struct br_strbuf *sb, struct br_err *err)
{
	const char *missing = NULL;

	return expand(b, tmpl, 1, pct, sb, &missing, err);
}

/* base (its trailing slashes cut) and the path template tmpl. */
static int
add_url(const struct br_bound *b, const char *base, const char *tmpl,
    int any_in, struct br_strbuf *sb, struct br_err *err)
{
	const char *missing = NULL;
	size_t n;
	int rc;

	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	br_strbuf_add(sb, base, n);
	if (*tmpl != '/')
		br_strbuf_addc(sb, '/');
	if ((rc = expand(b, tmpl, any_in, 1, sb, &missing, err)) != 1)
		return rc;
	n = strcspn(missing, "}");
	return br_errf(err, BR_EINPUT, NULL, 0, "operation '%s': no value "
	    "for %sparameter '%.*s'", b->op->name, any_in ? "" : "path ",
	    (int)(n > 64 ? 64 : n), missing);
}

int
br_request_url(const struct br_bound *b, const char *base_url,
    const char *tmpl, struct br_strbuf *sb, struct br_err *err)
{
	return add_url(b, base_url, tmpl, 1, sb, err);
}

static int
build_url(const struct br_bound *b, const char *base, struct br_strbuf *sb,
    struct br_err *err)
{
	const struct br_op *op = b->op;
	const struct br_arg *a;
	const struct br_param *p;
	const char *t;
	size_t i;
	int first, rc;

	if ((rc = add_url(b, base, op->path != NULL ? op->path : "", 0, sb,
	    err)) != 0)
		return rc;
	first = sb->p == NULL || strchr(sb->p, '?') == NULL;
	for (i = 0; (a = next_arg(b, BR_IN_QUERY, &i, &p)) != NULL;) {
		br_strbuf_addc(sb, first ? '?' : '&');
		first = 0;
		t = p->wire != NULL ? p->wire : p->name;
		br_strbuf_addpct(sb, t, strlen(t), 0);
		br_strbuf_addc(sb, '=');
		br_strbuf_addpct(sb, a->value, strlen(a->value), 0);
	}
	return 0;
}

/* -?(0|[1-9][0-9]*) */
static int
is_json_int(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		return s[1] == '\0';
	if (*s < '1' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

static cJSON *
body_value(const struct br_param *p, const char *v, struct br_err *err)
{
	cJSON *j = NULL;

	switch (p->type) {
	case BR_T_INTEGER:
	case BR_T_LONG:
	case BR_T_EPOCH_MS:
		if (!is_json_int(v)) {
			br_errf(err, BR_EINPUT, NULL, 0, "parameter '%s': '%s' "
			    "is not an integer", p->name,
			    showable(v) ? v : "?");
			return NULL;
		}
		j = cJSON_CreateRaw(v);
		break;
	case BR_T_NUMBER:
		if (!br_jsontext_is_number(v, strlen(v))) {
			br_errf(err, BR_EINPUT, NULL, 0, "parameter '%s': '%s' "
			    "is not a number", p->name, showable(v) ? v : "?");
			return NULL;
		}
		j = cJSON_CreateRaw(v);
		break;
	case BR_T_BOOLEAN:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
			br_errf(err, BR_EINPUT, NULL, 0, "parameter '%s': '%s' "
			    "is not true or false", p->name,
			    showable(v) ? v : "?");
			return NULL;
		}
		j = cJSON_CreateBool(v[0] == 't');
		break;
	default:
		if (br_utf8_count(v, strlen(v)) < 0) {
			br_errf(err, BR_EINPUT, NULL, 0, "parameter '%s': not "
			    "valid UTF-8", p->name);
			return NULL;
		}
		j = cJSON_CreateString(v);
		break;
	}
	if (j == NULL)
		br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	return j;
}

/* Puts leaf at the dotted name in root; takes leaf in every case. */
static int
body_put(cJSON *root, const char *name, cJSON *leaf, struct br_err *err)
{
	cJSON *obj = root, *child;
	const char *s = name, *dot;
	char *part = NULL;
	size_t n;

	for (;;) {
		dot = strchr(s, '.');
		n = dot != NULL ? (size_t)(dot - s) : strlen(s);
		free(part);
		if (n == 0) {
			cJSON_Delete(leaf);
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "body parameter '%s': empty name part", name);
		}
		if ((part = strndup(s, n)) == NULL)
			goto oom;
		child = cJSON_GetObjectItemCaseSensitive(obj, part);
		if (dot == NULL)
			break;
		if (child == NULL) {
			if ((child = cJSON_CreateObject()) == NULL)
				goto oom;
			if (!cJSON_AddItemToObject(obj, part, child)) {
				cJSON_Delete(child);
				goto oom;
			}
		} else if (!cJSON_IsObject(child)) {
			goto clash;
		}
		obj = child;
		s = dot + 1;
	}
	if (child != NULL)
		goto clash;
	if (!cJSON_AddItemToObject(obj, part, leaf))
		goto oom;
	free(part);
	return 0;
clash:
	free(part);
	cJSON_Delete(leaf);
	return br_errf(err, BR_EINPUT, NULL, 0, "body parameter '%s' clashes "
	    "with another one", name);
oom:
	free(part);
	cJSON_Delete(leaf);
	return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
}

static int
build_body(const struct br_bound *b, struct br_request *req,
    struct br_err *err)
{
	const struct br_param *p;
	const struct br_arg *a;
	cJSON *root = NULL, *leaf;
	char *text = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; (a = next_arg(b, BR_IN_BODY, &i, &p)) != NULL;) {
		if (root == NULL && (root = cJSON_CreateObject()) == NULL)
			goto oom;
		if ((leaf = body_value(p, a->value, err)) == NULL) {
			rc = err->code != 0 ? err->code : BR_ENOMEM;
			goto out;
		}
		if ((rc = body_put(root, p->name, leaf, err)) != 0)
			goto out;
	}
	if (root == NULL)
		return 0;
	if ((text = cJSON_PrintUnformatted(root)) == NULL)
		goto oom;
	if ((req->body = strdup(text)) == NULL)
		goto oom;
	req->bodylen = strlen(req->body);
	goto out;
oom:
	rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
out:
	cJSON_free(text);
	cJSON_Delete(root);
	return rc;
}

static int
build_headers(const struct br_bound *b, struct br_request *req,
    struct br_err *err)
{
	const struct br_op *op = b->op;
	const struct br_param *p;
	const struct br_arg *a;
	const char *name;
	size_t i, k;

	if (br_request_add_header(req, "Accept", "application/json", 0) != 0)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (req->body != NULL && br_request_add_header(req, "Content-Type",
	    "application/json", 0) != 0)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	for (i = 0; (a = next_arg(b, BR_IN_HEADER, &i, &p)) != NULL;) {
		name = p->wire != NULL ? p->wire : p->name;
		if (!br_hdr_is_token(name))
			return br_errf(err, BR_EINTERNAL, NULL, 0, "operation "
			    "'%s': invalid header name '%s'", op->name,
			    showable(name) ? name : "?");
		if (br_hdr_is_reserved(name))
			return br_errf(err, BR_EINTERNAL, NULL, 0, "operation "
			    "'%s': header '%s' is set by bulkrun", op->name,
			    name);
		for (k = 0; a->value[k] != '\0'; k++)
			if (((unsigned char)a->value[k] < 0x20 &&
			    a->value[k] != '\t') || a->value[k] == 0x7f)
				return br_errf(err, BR_EINPUT, NULL, 0,
				    "header parameter '%s' contains a control "
				    "character", p->name);
		if (br_request_add_header(req, name, a->value, 0) != 0)
			return br_errf(err, BR_ENOMEM, NULL, 0,
			    "out of memory");
	}
	return 0;
}

int
br_request_build(const struct br_bound *b, const char *base_url,
    struct br_request *req, struct br_err *err)
{
	struct br_strbuf url = BR_STRBUF_INIT;
	const char *m;
	size_t i;
	int rc;

	if (b == NULL || b->op == NULL || base_url == NULL)
		return br_errf(err, BR_EINTERNAL, NULL, 0,
		    "no operation bound");
	m = b->op->method != NULL ? b->op->method : "";
	for (i = 0; m[i] >= 'A' && m[i] <= 'Z'; i++)
		;
	if (i == 0 || m[i] != '\0' || i >= sizeof(req->method))
		return br_errf(err, BR_EINTERNAL, NULL, 0, "operation '%s': "
		    "invalid method '%s'", b->op->name, showable(m) ? m : "?");
	memcpy(req->method, m, i + 1);
	if ((rc = build_url(b, base_url, &url, err)) != 0)
		goto fail;
	if (url.oom) {
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	req->url = br_strbuf_detach(&url);
	if ((rc = build_body(b, req, err)) != 0 ||
	    (rc = build_headers(b, req, err)) != 0)
		goto fail;
	return 0;
fail:
	br_strbuf_release(&url);
	br_request_release(req);
	return rc;
}

/* ---- fingerprint ---- */

static void
fp_add(EVP_MD_CTX *c, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	unsigned char len[8];
	int i;

	for (i = 0; i < 8; i++)		/* length first: no ambiguity */
		len[i] = (unsigned char)(n >> (8 * i));
	EVP_DigestUpdate(c, len, sizeof(len));
	if (n > 0)
		EVP_DigestUpdate(c, s, n);
}

void
br_request_fp(const struct br_bound *b, const char *base_url, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const struct br_arg *a;
	const char *v;
	EVP_MD_CTX *c;
	size_t k;

	out[0] = '\0';
	if (b == NULL || b->op == NULL || (c = EVP_MD_CTX_new()) == NULL)
		return;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return;
	}
	fp_add(c, "bulkrun-request-1");
	fp_add(c, b->op->name);
	fp_add(c, b->op->method);
	fp_add(c, b->op->path);
	fp_add(c, base_url);
	for (k = 0; k < b->nargs; k++) {
		a = &b->args[k];
		v = a->param->type == BR_T_EPOCH_MS && a->written != NULL ?
		    a->written : a->value;
		fp_add(c, a->param->name);
		fp_add(c, v);
	}
	if (EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen >= 16)
		br_text_hex(out, md, 16);
	EVP_MD_CTX_free(c);
}
