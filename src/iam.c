/*
 * iam.c - the IAM password flow: a token for OS_USERNAME / OS_PASSWORD
 * from OS_AUTH_URL, sent as X-Auth-Token afterwards.
 *
 * The password and the token are zeroed before their memory goes and
 * never reach a message.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "iam.h"
#include "sign.h"
#include "strbuf.h"

#define ANSWER_CAP	(64 * 1024)	/* bytes of an IAM answer kept */
#define FETCH_ERR	"cannot get a token from OS_AUTH_URL: "

/* ---- the IAM password flow ---- */

char *
br_creds_token_url(const char *auth_url)
{
	static const char tail[] = "/auth/tokens";
	size_t n;
	char *u;

	if (auth_url == NULL)
		return NULL;
	n = strlen(auth_url);
	while (n > 0 && auth_url[n - 1] == '/')
		n--;
	if ((u = malloc(n + sizeof("/v3/auth/tokens"))) == NULL)
		return NULL;
	memcpy(u, auth_url, n);
	u[n] = '\0';
	if (n >= sizeof(tail) - 1 &&
	    strcasecmp(u + n - (sizeof(tail) - 1), tail) == 0)
		return u;
	if (n >= 3 && strcasecmp(u + n - 3, "/v3") == 0)
		memcpy(u + n, tail, sizeof(tail));
	else
		memcpy(u + n, "/v3/auth/tokens", sizeof("/v3/auth/tokens"));
	return u;
}

/* Zeroes and frees a cJSON tree (its strings may hold the password). */
static void
json_wipe(cJSON *j)
{
	cJSON *k;

	for (k = j; k != NULL; k = k->next) {
		if (k->child != NULL)
			json_wipe(k->child);
		if (k->valuestring != NULL)
			explicit_bzero(k->valuestring, strlen(k->valuestring));
	}
}

char *
br_creds_token_body(const struct br_creds *c)
{
	cJSON *root = NULL, *o, *id, *pw, *user, *scope, *proj, *dom;
	char *s = NULL, *out = NULL;

	if (c == NULL || c->kind != BR_CREDS_PASSWORD || c->username == NULL ||
	    c->password == NULL || c->user_domain == NULL ||
	    (c->project_id == NULL && c->project_name == NULL))
		return NULL;
	if ((root = cJSON_CreateObject()) == NULL ||
	    (o = cJSON_AddObjectToObject(root, "auth")) == NULL ||
	    (id = cJSON_AddObjectToObject(o, "identity")) == NULL ||
	    (pw = cJSON_AddArrayToObject(id, "methods")) == NULL ||
	    !cJSON_AddItemToArray(pw, cJSON_CreateString("password")) ||
	    (pw = cJSON_AddObjectToObject(id, "password")) == NULL ||
	    (user = cJSON_AddObjectToObject(pw, "user")) == NULL ||
	    cJSON_AddStringToObject(user, "name", c->username) == NULL ||
	    cJSON_AddStringToObject(user, "password", c->password) == NULL ||
	    (dom = cJSON_AddObjectToObject(user, "domain")) == NULL ||
	    cJSON_AddStringToObject(dom, "name", c->user_domain) == NULL ||
	    (scope = cJSON_AddObjectToObject(o, "scope")) == NULL ||
	    (proj = cJSON_AddObjectToObject(scope, "project")) == NULL)
		goto done;
	if (c->project_id != NULL) {
		if (cJSON_AddStringToObject(proj, "id", c->project_id) == NULL)
			goto done;
	} else if (cJSON_AddStringToObject(proj, "name",
	    c->project_name) == NULL ||
	    (dom = cJSON_AddObjectToObject(proj, "domain")) == NULL ||
	    cJSON_AddStringToObject(dom, "name", c->user_domain) == NULL)
		goto done;
	if ((s = cJSON_PrintUnformatted(root)) != NULL) {
		out = strdup(s);
		explicit_bzero(s, strlen(s));
		cJSON_free(s);
	}
done:
	if (root != NULL) {
		json_wipe(root);
		cJSON_Delete(root);
	}
	return out;
}

struct answer {
	char	*body;
	size_t	 len;
	char	*subject;	/* X-Subject-Token */
	int	 oom;
};

static size_t
on_answer_header(char *b, size_t sz, size_t nm, void *ud)
{
	static const char name[] = "X-Subject-Token:";
	struct answer *a = ud;
	size_t n = sz * nm, k = sizeof(name) - 1;
	const char *v;

	if (n >= 5 && strncmp(b, "HTTP/", 5) == 0) {
		br_creds_free_secret(a->subject);	/* a new answer begins */
		a->subject = NULL;
		return n;
	}
	if (n <= k || strncasecmp(b, name, k) != 0)
		return n;
	v = b + k;
	n -= k;
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	br_creds_free_secret(a->subject);
	if ((a->subject = strndup(v, n)) == NULL)
		a->oom = 1;
	return sz * nm;
}

static size_t
on_answer_body(char *b, size_t sz, size_t nm, void *ud)
{
	struct answer *a = ud;
	size_t n = sz * nm, room;
	char *p;

	if (a->len >= ANSWER_CAP)
		return n;		/* keep reading, drop the rest */
	room = ANSWER_CAP - a->len;
	if (n < room)
		room = n;
	if ((p = realloc(a->body, a->len + room + 1)) == NULL) {
		a->oom = 1;
		return n;
	}
	a->body = p;
	memcpy(a->body + a->len, b, room);
	a->len += room;
	a->body[a->len] = '\0';
	return n;
}

/* A string or a number of j, as text into buf; NULL when neither. */
static const char *
json_text(const cJSON *j, char *buf, size_t cap)
{
	if (cJSON_IsString(j) && j->valuestring != NULL)
		return j->valuestring;
	if (cJSON_IsNumber(j) && buf != NULL) {
		snprintf(buf, cap, "%.0f", j->valuedouble);
		return buf;
	}
	return NULL;
}

/* Appends s to sb as safe text: no control bytes, at most max bytes, not
 * cut inside a UTF-8 character. */
static void
sb_safe(struct br_strbuf *sb, const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			br_strbuf_addc(sb, ' ');
		else
			br_strbuf_addc(sb, s[i]);
}

/* " CODE: message" from an IAM error answer (Huawei's error_code and
 * error_msg, or Keystone's {"error": {"code", "message"}}; a code that
 * only repeats the status is left out), or "" (a new string). */
static char *
answer_reason(const struct answer *a, long status, const char *password)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	const cJSON *root, *e, *from;
	const char *code = NULL, *msg = NULL;
	char nb[64], sb_status[24];

	br_strbuf_add(&sb, "", 0);
	if (a->body == NULL ||
	    (root = cJSON_ParseWithLength(a->body, a->len)) == NULL)
		return br_strbuf_detach(&sb);
	from = root;
	e = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsObject(e))
		from = e;
	if ((code = json_text(cJSON_GetObjectItemCaseSensitive(root,
	    "error_code"), nb, sizeof(nb))) == NULL)
		code = json_text(cJSON_GetObjectItemCaseSensitive(from,
		    "code"), nb, sizeof(nb));
	if ((msg = json_text(cJSON_GetObjectItemCaseSensitive(root,
	    "error_msg"), NULL, 0)) == NULL)
		msg = json_text(cJSON_GetObjectItemCaseSensitive(from,
		    "message"), NULL, 0);
	if (msg != NULL && password != NULL && *password != '\0' &&
	    strstr(msg, password) != NULL)
		msg = "(message withheld: it holds the password)";
	snprintf(sb_status, sizeof(sb_status), "%ld", status);
	if (code != NULL && strcmp(code, sb_status) == 0)
		code = NULL;
	if (code != NULL && *code != '\0') {
		br_strbuf_addc(&sb, ' ');
		sb_safe(&sb, code, 64);
		if (msg != NULL && *msg != '\0')
			br_strbuf_addc(&sb, ':');
	}
	if (msg != NULL && *msg != '\0') {
		br_strbuf_addc(&sb, ' ');
		sb_safe(&sb, msg, 300);
	}
	cJSON_Delete((cJSON *)root);
	return br_strbuf_detach(&sb);
}

int
br_creds_fetch_token(struct br_creds *c, const struct br_http_opts *hopts,
    struct br_err *err)
{
	struct answer a = { 0 };
	struct curl_slist *hl = NULL, *t;
	char errbuf[CURL_ERROR_SIZE], *url = NULL, *body = NULL, *why;
	CURL *h = NULL;
	CURLcode cc;
	long status = 0;
	int rc;

	if (c->kind != BR_CREDS_PASSWORD)
		return br_errf(err, BR_EINTERNAL, NULL, 0,
		    "no password credentials to get a token with");
	if ((url = br_creds_token_url(c->auth_url)) == NULL ||
	    (body = br_creds_token_body(c)) == NULL ||
	    (h = curl_easy_init()) == NULL) {
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		goto done;
	}
	if ((t = curl_slist_append(hl, "Content-Type: application/json;"
	    "charset=utf8")) == NULL || (hl = t,
	    (t = curl_slist_append(hl, "Accept: application/json")) == NULL) ||
	    (hl = t, (t = curl_slist_append(hl, "Expect:")) == NULL)) {
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		goto done;
	}
	hl = t;
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(body));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "bulkrun");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
	    hopts != NULL && hopts->timeout_ms > 0 ? hopts->timeout_ms :
	    30000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    hopts != NULL && hopts->connect_timeout_ms > 0 ?
	    hopts->connect_timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_answer_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_answer_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &a);
	if (hopts != NULL && hopts->cacert != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, hopts->cacert);
	if (hopts != NULL && hopts->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (a.oom) {
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		goto done;
	}
	if (cc != CURLE_OK) {
		rc = br_errf(err, BR_EINPUT, NULL, 0, FETCH_ERR "%s",
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
		goto done;
	}
	if (status != 200 && status != 201) {
		why = answer_reason(&a, status, c->password);
		rc = br_errf(err, BR_EINPUT, NULL, 0, FETCH_ERR "HTTP %ld%s",
		    status, why != NULL ? why : "");
		free(why);
		goto done;
	}
	if (a.subject == NULL || *a.subject == '\0' ||
	    !br_auth_valid_value(a.subject)) {
		rc = br_errf(err, BR_EINPUT, NULL, 0, FETCH_ERR "HTTP %ld "
		    "without a usable X-Subject-Token header", status);
		goto done;
	}
	br_creds_free_secret(c->token);
	c->token = a.subject;
	a.subject = NULL;
	c->token_fetched = 1;
	rc = 0;
done:
	if (h != NULL)
		curl_easy_cleanup(h);
	curl_slist_free_all(hl);
	free(url);
	br_creds_free_secret(body);
	br_creds_free_secret(a.subject);
	if (a.body != NULL)
		explicit_bzero(a.body, a.len);
	free(a.body);
	return rc;
}
