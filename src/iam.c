/*
 * iam.c - the IAM password flow: a token for OS_USERNAME / OS_PASSWORD
 * from OS_AUTH_URL, sent as X-Auth-Token afterwards.
 *
 * The password and the token are zeroed before their memory goes and
 * never reach a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "iam.h"
#include "result.h"
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

/* The token request for c into req (zeroed by the caller): a POST of the
 * password body to the token URL.  0 or BR_ENOMEM. */
static int
token_request(const struct br_creds *c, struct br_request *req)
{
	snprintf(req->method, sizeof(req->method), "POST");
	if ((req->url = br_creds_token_url(c->auth_url)) == NULL ||
	    (req->body = br_creds_token_body(c)) == NULL)
		return BR_ENOMEM;
	req->bodylen = strlen(req->body);
	if (br_request_add_header(req, "Content-Type",
	    "application/json;charset=utf8", 0) != 0 ||
	    br_request_add_header(req, "Accept", "application/json", 0) != 0)
		return BR_ENOMEM;
	return 0;
}

/* Zeroes the password in the body of req, then releases req. */
static void
token_request_release(struct br_request *req)
{
	if (req->body != NULL)
		explicit_bzero(req->body, req->bodylen);
	br_request_release(req);
}

/* Appends the first max bytes of s to sb, not cut inside a UTF-8
 * character. */
static void
add_cut(struct br_strbuf *sb, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	br_strbuf_add(sb, s, n);
}

/* " CODE: message" from an IAM error answer (Huawei's error_code and
 * error_msg, or Keystone's {"error": {"code", "message"}}, as
 * br_result_parse_error finds them; a code that only repeats the status
 * is left out), or "" (a new string; NULL when out of memory). */
static char *
answer_reason(const struct br_response *r, const char *password)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *code = NULL, *msg = NULL, status[24];
	const char *shown;

	br_strbuf_add(&sb, "", 0);
	if (br_result_parse_error(r->body, r->len < ANSWER_CAP ? r->len :
	    ANSWER_CAP, &code, &msg) != 0) {
		br_strbuf_release(&sb);
		return NULL;
	}
	shown = msg;
	/* the body too: the message came cleaned (blanks collapsed) */
	if (msg != NULL && password != NULL && *password != '\0' &&
	    (strstr(msg, password) != NULL || strstr(r->body, password) !=
	    NULL))
		shown = "(message withheld: it holds the password)";
	snprintf(status, sizeof(status), "%ld", r->status);
	if (code != NULL && strcmp(code, status) != 0) {
		br_strbuf_addc(&sb, ' ');
		add_cut(&sb, code, 64);
		if (shown != NULL)
			br_strbuf_addc(&sb, ':');
	}
	if (shown != NULL) {
		br_strbuf_addc(&sb, ' ');
		add_cut(&sb, shown, 300);
	}
	if (msg != NULL)
		explicit_bzero(msg, strlen(msg));
	free(msg);
	free(code);
	return br_strbuf_detach(&sb);
}

/* What the answer r to the token request means: the token (moved into
 * c), or why there is none.  0, BR_EINPUT or BR_ENOMEM. */
static int
take_answer(struct br_creds *c, struct br_response *r, struct br_err *err)
{
	char *why;
	int rc;

	if (r->net != BR_NET_OK)
		return br_errf(err, BR_EINPUT, NULL, 0, FETCH_ERR "%s",
		    r->net_msg);
	if (r->status != 200 && r->status != 201) {
		if ((why = answer_reason(r, c->password)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0,
			    "out of memory");
		rc = br_errf(err, BR_EINPUT, NULL, 0, FETCH_ERR "HTTP %ld%s",
		    r->status, why);
		free(why);
		return rc;
	}
	if (r->subject_token == NULL || *r->subject_token == '\0' ||
	    !br_auth_valid_value(r->subject_token))
		return br_errf(err, BR_EINPUT, NULL, 0, FETCH_ERR "HTTP %ld "
		    "without a usable X-Subject-Token header", r->status);
	br_creds_free_secret(c->token);
	c->token = r->subject_token;
	r->subject_token = NULL;
	c->token_fetched = 1;
	return 0;
}

int
br_creds_fetch_token(struct br_creds *c, const struct br_http_opts *hopts,
    struct br_err *err)
{
	struct br_http_opts o = { 30000, 10000, NULL, 0 };
	struct br_request req;
	struct br_response resp;
	struct br_http *h = NULL;
	int rc;

	if (c->kind != BR_CREDS_PASSWORD)
		return br_errf(err, BR_EINTERNAL, NULL, 0,
		    "no password credentials to get a token with");
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (hopts != NULL) {
		o.cacert = hopts->cacert;
		o.insecure = hopts->insecure;
		if (hopts->timeout_ms > 0)
			o.timeout_ms = hopts->timeout_ms;
		if (hopts->connect_timeout_ms > 0)
			o.connect_timeout_ms = hopts->connect_timeout_ms;
	}
	if (token_request(c, &req) != 0 || (h = br_http_new(&o)) == NULL ||
	    br_http_send(h, &req, &resp) != 0)
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	else
		rc = take_answer(c, &resp, err);
	br_http_free(h);
	token_request_release(&req);
	if (resp.body != NULL)
		explicit_bzero(resp.body, resp.len);
	br_response_release(&resp);
	return rc;
}
