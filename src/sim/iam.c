/*
 * iam.c - POST /v3/auth/tokens (Keystone v3 password authentication) and
 * the issued tokens.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "datetime.h"
#include "iam.h"
#include "jsontext.h"
#include "strbuf.h"
#include "text.h"

static const char masked[] = "***";

int
sim_iam_init(struct sim_iam *m, const char *user, const char *password,
    long ttl, long max_uses)
{
	memset(m, 0, sizeof(*m));
	m->ttl = ttl;
	m->max_uses = max_uses;
	if ((m->user = strdup(user)) == NULL ||
	    (m->password = strdup(password)) == NULL ||
	    (m->tab = calloc(SIM_IAM_MAX_TOKENS, sizeof(*m->tab))) == NULL) {
		sim_iam_release(m);
		return -1;
	}
	if (pthread_mutex_init(&m->mu, NULL) != 0) {
		free(m->tab);
		m->tab = NULL;
		sim_iam_release(m);
		return -1;
	}
	return 0;
}

void
sim_iam_release(struct sim_iam *m)
{
	if (m->password != NULL)
		OPENSSL_cleanse(m->password, strlen(m->password));
	free(m->password);
	free(m->user);
	if (m->tab != NULL) {
		free(m->tab);
		pthread_mutex_destroy(&m->mu);
	}
	memset(m, 0, sizeof(*m));
}

/* --- answers ------------------------------------------------------------ */

/* Keystone's error form: {"error": {"code", "title", "message"}}. */
static void
keystone_error(struct sim_answer *a, int status, const char *title,
    const char *msg)
{
	char head[64];

	snprintf(head, sizeof(head), "{\"error\":{\"code\":%d,\"title\":",
	    status);
	sim_answer_json2(a, status, head, title, ",\"message\":", msg, "}}");
}

static void
bad_body(struct sim_answer *a, const char *why)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "The request body is invalid: %s.", why);
	keystone_error(a, 400, "Bad Request", msg);
}

/* A member that is a string of 1 or more bytes, or NULL. */
static const char *
nonempty(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
		return NULL;
	return it->valuestring;
}

static const cJSON *
object(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsObject(it) ? it : NULL;
}

/* ISO 8601 in UTC with microseconds, as Keystone writes it. */
static void
iso_time(char out[40], time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 40, "%Y-%m-%dT%H:%M:%S.000000Z", &tm) == 0)
		snprintf(out, 40, "1970-01-01T00:00:00.000000Z");
}

/* {"name": ..., "id": ...} of a domain given by name or by id */
static cJSON *
domain_json(const char *dname, const char *did)
{
	char id[33];
	cJSON *d;

	if ((d = cJSON_CreateObject()) == NULL)
		return NULL;
	if (dname != NULL) {
		sim_derived_id("domain:", dname, id);
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddStringToObject(d, "name", dname);
	} else
		cJSON_AddStringToObject(d, "id", did);
	return d;
}

struct pwauth {
	const char	*user;
	const char	*password;
	const char	*dname;		/* the user's domain by name */
	const char	*did;		/* or by id */
	const char	*pid;		/* scope: project by id */
	const char	*pname;		/* or by name */
	const char	*sdname;	/* or a domain by name */
	const char	*sdid;		/* or by id */
};

/* Reads a password authentication request; NULL, or why it is not one. */
static const char *
read_auth(const cJSON *in, struct pwauth *pw)
{
	const cJSON *auth, *ident, *methods, *m, *pass, *user, *dom, *scope,
	    *proj, *pdom;
	int found = 0;

	memset(pw, 0, sizeof(*pw));
	if ((auth = object(in, "auth")) == NULL)
		return "'auth' must be an object";
	if ((ident = object(auth, "identity")) == NULL)
		return "'auth.identity' must be an object";
	methods = cJSON_GetObjectItemCaseSensitive(ident, "methods");
	if (!cJSON_IsArray(methods))
		return "'auth.identity.methods' must be an array";
	cJSON_ArrayForEach(m, methods) {
		if (!cJSON_IsString(m))
			return "'auth.identity.methods' must hold strings";
		if (strcmp(m->valuestring, "password") == 0)
			found = 1;
	}
	if (!found)
		return "'auth.identity.methods' must include 'password'";
	if ((pass = object(ident, "password")) == NULL)
		return "'auth.identity.password' must be an object";
	if ((user = object(pass, "user")) == NULL)
		return "'auth.identity.password.user' must be an object";
	if ((pw->user = nonempty(user, "name")) == NULL)
		return "'user.name' must be a non-empty string";
	m = cJSON_GetObjectItemCaseSensitive(user, "password");
	if (!cJSON_IsString(m))
		return "'user.password' must be a string";
	pw->password = m->valuestring;
	if ((dom = object(user, "domain")) == NULL)
		return "'user.domain' must be an object";
	pw->dname = nonempty(dom, "name");
	pw->did = nonempty(dom, "id");
	if (pw->dname == NULL && pw->did == NULL)
		return "'user.domain' needs a 'name' or an 'id'";
	if ((scope = object(auth, "scope")) == NULL)
		return "'auth.scope' must be an object";
	if ((proj = object(scope, "project")) != NULL) {
		pw->pid = nonempty(proj, "id");
		pw->pname = nonempty(proj, "name");
		if (pw->pid == NULL && pw->pname == NULL)
			return "'scope.project' needs an 'id' or a 'name'";
		pdom = cJSON_GetObjectItemCaseSensitive(proj, "domain");
		if (pdom != NULL && (!cJSON_IsObject(pdom) ||
		    (nonempty(pdom, "name") == NULL &&
		    nonempty(pdom, "id") == NULL)))
			return "'scope.project.domain' needs a 'name' or an "
			    "'id'";
	} else if ((dom = object(scope, "domain")) != NULL) {
		pw->sdname = nonempty(dom, "name");
		pw->sdid = nonempty(dom, "id");
		if (pw->sdname == NULL && pw->sdid == NULL)
			return "'scope.domain' needs a 'name' or an 'id'";
	} else
		return "'auth.scope' needs a 'project' or a 'domain'";
	return NULL;
}

/* The token body of a successful authentication, or NULL. */
static cJSON *
token_json(const struct pwauth *pw, time_t now, long ttl)
{
	cJSON *out, *t, *u, *p, *methods;
	char iso[40], id[33];

	if ((out = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((t = cJSON_AddObjectToObject(out, "token")) == NULL)
		goto fail;
	iso_time(iso, now + ttl);
	cJSON_AddStringToObject(t, "expires_at", iso);
	iso_time(iso, now);
	cJSON_AddStringToObject(t, "issued_at", iso);
	if ((methods = cJSON_AddArrayToObject(t, "methods")) == NULL)
		goto fail;
	cJSON_AddItemToArray(methods, cJSON_CreateString("password"));
	if (pw->pid != NULL || pw->pname != NULL) {
		if ((p = cJSON_AddObjectToObject(t, "project")) == NULL)
			goto fail;
		if (pw->pid == NULL)
			sim_derived_id("project:", pw->pname, id);
		cJSON_AddStringToObject(p, "id", pw->pid != NULL ? pw->pid :
		    id);
		if (pw->pname != NULL)
			cJSON_AddStringToObject(p, "name", pw->pname);
		cJSON_AddItemToObject(p, "domain", domain_json(pw->dname,
		    pw->did));
	} else
		cJSON_AddItemToObject(t, "domain", domain_json(pw->sdname,
		    pw->sdid));
	if ((u = cJSON_AddObjectToObject(t, "user")) == NULL)
		goto fail;
	sim_derived_id("user:", pw->user, id);
	cJSON_AddStringToObject(u, "id", id);
	cJSON_AddStringToObject(u, "name", pw->user);
	cJSON_AddItemToObject(u, "domain", domain_json(pw->dname, pw->did));
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

/* 1 if a and b are the same string; the time does not depend on where
 * they differ. */
static int
same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

void
sim_iam_issue(struct sim_iam *m, const struct sim_req *q,
    struct sim_answer *a, char *tok)
{
	unsigned char rnd[32];
	struct sim_iam_tok *slot;
	struct pwauth pw;
	const char *why;
	cJSON *in = NULL, *out = NULL;
	time_t now;

	tok[0] = '\0';
	if (!sim_is_json_type(q->ctype)) {
		bad_body(a, "the Content-Type must be application/json");
		return;
	}
	if ((in = sim_json_object(q->body, q->len)) == NULL) {
		bad_body(a, "it is not a JSON object");
		return;
	}
	if ((why = read_auth(in, &pw)) != NULL) {
		bad_body(a, why);
		goto out;
	}
	if (strcmp(pw.user, m->user) != 0 ||
	    !same_secret(pw.password, m->password)) {
		keystone_error(a, 401, "Unauthorized", "The request you have "
		    "made requires authentication.");
		goto out;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		sim_answer_owned(a, 500, NULL, 0);
		goto out;
	}
	now = time(NULL);
	if ((out = token_json(&pw, now, m->ttl)) == NULL) {
		sim_answer_owned(a, 500, NULL, 0);
		goto out;
	}
	memcpy(tok, "MII", 3);
	br_text_hex(tok + 3, rnd, sizeof(rnd));
	sim_answer_json(a, 201, out);
	if (a->status != 201 ||
	    sim_answer_header(a, "X-Subject-Token", tok) == -1) {
		sim_answer_owned(a, 500, NULL, 0);
		tok[0] = '\0';
		goto out;
	}

	pthread_mutex_lock(&m->mu);
	slot = &m->tab[m->next];	/* the oldest, once the ring is full */
	m->next = (m->next + 1) % SIM_IAM_MAX_TOKENS;
	memcpy(slot->tok, tok, SIM_IAM_TOKEN_LEN + 1);
	slot->expires = br_mono_ms() + (int64_t)m->ttl * 1000;
	slot->uses = 0;
	pthread_mutex_unlock(&m->mu);
out:
	cJSON_Delete(out);
	cJSON_Delete(in);
}

int
sim_iam_accept(struct sim_iam *m, const char *tok)
{
	struct sim_iam_tok *t;
	int64_t now = br_mono_ms();
	size_t i;
	int rc = SIM_IAM_UNKNOWN;

	if (strlen(tok) != SIM_IAM_TOKEN_LEN)
		return SIM_IAM_UNKNOWN;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < SIM_IAM_MAX_TOKENS; i++) {
		t = &m->tab[i];
		if (t->tok[0] == '\0' || strcmp(t->tok, tok) != 0)
			continue;
		if (now >= t->expires)
			rc = SIM_IAM_EXPIRED;
		else if (m->max_uses > 0 && t->uses >= m->max_uses)
			rc = SIM_IAM_USED_UP;
		else {
			t->uses++;
			rc = SIM_IAM_OK;
		}
		break;
	}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

/* --- the log ------------------------------------------------------------ */

static int
json_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Length of the string token at s[0] == '"', closing quote included (or
 * up to n when it is not closed). */
static size_t
str_token(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 1 if the string token s[0..n) decodes to "password" in any case. */
static int
password_key(const char *s, size_t n)
{
	static const char want[] = "password";
	size_t i, k = 0, end;
	int c, d, j;

	if (n < 2 || s[n - 1] != '"')
		return 0;
	end = n - 1;
	for (i = 1; i < end; ) {
		if (s[i] != '\\') {
			c = (unsigned char)s[i++];
		} else if (i + 1 < end && s[i + 1] == 'u') {
			if (i + 6 > end)
				return 0;
			for (c = 0, j = 2; j < 6; j++) {
				if ((d = hexdigit((unsigned char)s[i + j])) < 0)
					return 0;
				c = c * 16 + d;
			}
			i += 6;
		} else
			return 0;	/* \" \\ \/ \n ...: none in want */
		if (k >= sizeof(want) - 1 || c > 0x7f || tolower(c) != want[k])
			return 0;
		k++;
	}
	return k == sizeof(want) - 1;
}

/* Length of the array at s[0] == '[', strings skipped (or n). */
static size_t
array_token(const char *s, size_t n)
{
	size_t i, depth = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			i += str_token(s + i, n - i) - 1;
		else if (s[i] == '[' || s[i] == '{')
			depth++;
		else if ((s[i] == ']' || s[i] == '}') && --depth == 0)
			return i + 1;
	}
	return n;
}

char *
sim_iam_mask(const char *s, size_t n, size_t *outlen)
{
	struct br_strbuf b = BR_STRBUF_INIT;
	cJSON *j;
	size_t i, k, t;
	int mask = 0, c;

	if (n == 0)
		return br_strbuf_take(&b, outlen);
	if ((j = sim_json_object(s, n)) == NULL) {
		/* not JSON: there is no telling where a password is */
		br_strbuf_addstr(&b, masked);
		return br_strbuf_take(&b, outlen);
	}
	cJSON_Delete(j);
	for (i = 0; i < n; i += t) {
		c = (unsigned char)s[i];
		t = 1;
		if (c == '"') {
			t = str_token(s + i, n - i);
			for (k = i + t; k < n && json_space(s[k]); k++)
				;
			if (k < n && s[k] == ':') {	/* a member name */
				mask = password_key(s + i, t);
				br_strbuf_add(&b, s + i, t);
				continue;
			}
		} else if (json_space(c) || c == ':') {
			br_strbuf_add(&b, s + i, 1);
			continue;
		} else if (c == ',' || c == '{' || c == '}' || c == ']') {
			br_strbuf_add(&b, s + i, 1);
			mask = 0;	/* an object value is looked into */
			continue;
		} else if (c == '[') {
			if (!mask) {
				br_strbuf_add(&b, s + i, 1);
				continue;
			}
			t = array_token(s + i, n - i);
		} else {
			/* a number or a literal */
			while (i + t < n && !json_space(s[i + t]) &&
			    strchr(",:{}[]\"", s[i + t]) == NULL)
				t++;
		}
		if (mask)
			br_strbuf_addf(&b, "\"%s\"", masked);
		else
			br_strbuf_add(&b, s + i, t);
		mask = 0;
	}
	return br_strbuf_take(&b, outlen);
}
