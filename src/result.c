/*
 * result.c - what became of a row, and how an HTTP answer maps to it.
 *
 * Every text taken from an answer is cleaned before it is kept: invalid
 * UTF-8 becomes '?', control characters become blanks, runs of blanks
 * collapse to one, and the length is capped.  The response column keeps
 * the catalog's fields as compact JSON copied from the body's own text
 * (so a 64-bit number is never rounded through a double).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jsontext.h"
#include "catalog.h"
#include "err.h"
#include "result.h"
#include "strbuf.h"
#include "utf8.h"

#define CODE_MAX	128	/* bytes kept of an error code */
#define MSG_MAX		1024	/* of an error message */
#define EXCERPT_MAX	200	/* of a body quoted as the message */
#define RID_MAX		256	/* of a request id */

const char *
br_outcome_name(enum br_outcome o)
{
	switch (o) {
	case BR_OUT_SUCCEEDED:
		return "succeeded";
	case BR_OUT_FAILED:
		return "failed";
	case BR_OUT_INVALID:
		return "invalid";
	case BR_OUT_SKIPPED:
		return "skipped";
	case BR_OUT_CANCELLED:
		return "cancelled";
	}
	return "unknown";
}

/*
 * A printable copy of s (n bytes): invalid UTF-8 bytes become '?',
 * control characters (C0, DEL, C1) and blanks collapse into single
 * spaces, the ends are trimmed.  At most max bytes are kept, never
 * cutting a character; "..." marks a cut.  NULL when out of memory.
 */
static char *
clean_text(const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int cp;
	size_t i = 0, o = 0, len;
	int blank = 0;
	char *out;

	if ((out = malloc(max + 4)) == NULL)
		return NULL;
	while (i < n) {
		len = br_utf8_seq(s + i, n - i, &cp);
		if (len != 0 && (cp <= 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f))) {
			blank = o > 0;
			i += len;
			continue;
		}
		if (o + (size_t)blank + (len ? len : 1) > max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (blank)
			out[o++] = ' ';
		blank = 0;
		if (len == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, u + i, len);
			o += len;
			i += len;
		}
	}
	out[o] = '\0';
	return out;
}

/* clean_text, NULL for an empty result; *oom set when out of memory. */
static char *
clean_or_null(const char *s, size_t n, size_t max, int *oom)
{
	char *t;

	if ((t = clean_text(s, n, max)) == NULL) {
		*oom = 1;
		return NULL;
	}
	if (t[0] == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

/* The text of a code or message value: a string, or a number's decimal
 * text.  NULL (not oom) for other kinds and empty strings. */
static char *
value_text(const cJSON *v, size_t max, int *oom)
{
	char num[64];
	double d;

	if (cJSON_IsString(v) && v->valuestring != NULL)
		return clean_or_null(v->valuestring, strlen(v->valuestring),
		    max, oom);
	if (!cJSON_IsNumber(v))
		return NULL;
	d = v->valuedouble;
	if (d != d || d > 1e300 || d < -1e300)
		return NULL;
	if (d >= -9e15 && d <= 9e15 && d == (double)(long long)d)
		snprintf(num, sizeof(num), "%lld", (long long)d);
	else
		snprintf(num, sizeof(num), "%.17g", d);
	return clean_or_null(num, strlen(num), max, oom);
}

/* Looks for the first of keys at the top of obj, then one level down. */
static char *
find_text(const cJSON *obj, const char *const *keys, size_t nkeys,
    size_t max, int *oom)
{
	const cJSON *m;
	char *t;
	size_t k;

	for (k = 0; k < nkeys; k++) {
		t = value_text(cJSON_GetObjectItemCaseSensitive(obj, keys[k]),
		    max, oom);
		if (t != NULL || *oom)
			return t;
	}
	for (k = 0; k < nkeys; k++) {
		cJSON_ArrayForEach(m, obj) {
			if (!cJSON_IsObject(m))
				continue;
			t = value_text(cJSON_GetObjectItemCaseSensitive(m,
			    keys[k]), max, oom);
			if (t != NULL || *oom)
				return t;
		}
	}
	return NULL;
}

int
br_result_parse_error(const char *body, size_t len, char **code, char **msg)
{
	static const char *const ckeys[] = { "error_code", "errorCode",
	    "code" };
	static const char *const mkeys[] = { "error_msg", "errorMsg",
	    "message", "error_description" };
	cJSON *root;
	int oom = 0;

	*code = NULL;
	*msg = NULL;
	if (body == NULL || len == 0)
		return 0;
	if ((root = cJSON_ParseWithLength(body, len)) == NULL)
		return 0;
	if (cJSON_IsObject(root)) {
		*code = find_text(root, ckeys, 3, CODE_MAX, &oom);
		if (!oom)
			*msg = find_text(root, mkeys, 4, MSG_MAX, &oom);
	}
	cJSON_Delete(root);
	if (oom) {
		free(*code);
		*code = NULL;
		return BR_ENOMEM;
	}
	return 0;
}

/*
 * An error body cut at the cap ({"error_code":"X","detail":"xxxx... ):
 * the members that came whole still tell the code.  The body up to the
 * last comma between top-level members, closed with '}', is parsed.
 */
static int
parse_cut_error(const char *b, size_t n, char **code, char **msg)
{
	size_t i, cut = 0;
	int depth = 0, instr = 0, esc = 0;
	char *whole;
	int rc;

	for (i = 0; b != NULL && i < n; i++) {
		if (instr) {
			if (esc)
				esc = 0;
			else if (b[i] == '\\')
				esc = 1;
			else if (b[i] == '"')
				instr = 0;
		} else if (b[i] == '"')
			instr = 1;
		else if (b[i] == '{' || b[i] == '[')
			depth++;
		else if (b[i] == '}' || b[i] == ']')
			depth--;
		else if (b[i] == ',' && depth == 1)
			cut = i;
	}
	if (cut == 0)
		return 0;
	if ((whole = malloc(cut + 2)) == NULL)
		return BR_ENOMEM;
	memcpy(whole, b, cut);
	whole[cut] = '}';
	whole[cut + 1] = '\0';
	free(*code);
	free(*msg);
	rc = br_result_parse_error(whole, cut + 1, code, msg);
	free(whole);
	return rc;
}

/* ---- the response column ---- */

/* cJSON takes every byte up to 0x20 for white space; so does this. */
#define IS_WS(c)	((unsigned char)(c) <= 0x20)

static size_t
skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && IS_WS(s[i]))
		i++;
	return i;
}

/* End of the string starting at the quote s[i]: the index after the
 * closing quote. */
static size_t
string_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

/* End of the (valid) JSON value starting at s[i]. */
static size_t
value_end(const char *s, size_t n, size_t i)
{
	size_t depth = 0;

	while (i < n) {
		if (s[i] == '"') {
			i = string_end(s, n, i);
			if (depth == 0)
				return i;
			continue;
		}
		if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (s[i] == ',' || IS_WS(s[i]))) {
			return i;
		}
		i++;
	}
	return n;
}

/*
 * Appends the valid JSON text s[0..n) without insignificant blanks.
 * Inside strings, invalid UTF-8 and bad escapes become '?' and raw
 * control bytes are escaped; a number that cJSON accepted but JSON does
 * not ("01", "1.") is rewritten from its value.
 */
static void
minify(struct br_strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char tmp[64], num[64];
	size_t i = 0, len, j;

	while (i < n) {
		if (IS_WS(s[i])) {
			i++;
		} else if (s[i] == '"') {
			br_strbuf_addc(sb, '"');
			for (i++; i < n && s[i] != '"'; ) {
				if (s[i] == '\\') {
					if ((len = br_jsontext_escape_len(s,
					    n, i)) != 0) {
						br_strbuf_add(sb, s + i, len);
						i += len;
					} else {
						br_strbuf_addc(sb, '?');
						i += 2;
					}
				} else if (u[i] < 0x20) {
					br_strbuf_addf(sb, "\\u%04x", u[i]);
					i++;
				} else if ((len = br_utf8_seq(s + i, n - i,
				    NULL)) == 0) {
					br_strbuf_addc(sb, '?');
					i++;
				} else {
					br_strbuf_add(sb, s + i, len);
					i += len;
				}
			}
			br_strbuf_addc(sb, '"');
			i++;
		} else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '+' || s[i] == '.') {
			for (j = i; j < n && s[j] != '\0' &&
			    strchr("0123456789+-.eE", s[j]) != NULL; j++)
				;
			if (br_jsontext_is_number(s + i, j - i)) {
				br_strbuf_add(sb, s + i, j - i);
			} else {
				snprintf(tmp, sizeof(tmp), "%.*s",
				    (int)(j - i < 60 ? j - i : 60), s + i);
				snprintf(num, sizeof(num), "%.15g",
				    strtod(tmp, NULL));
				br_strbuf_addstr(sb, br_jsontext_is_number(num,
				    strlen(num)) ? num : "null");
			}
			i = j;
		} else {
			br_strbuf_addc(sb, s[i]);
			i++;
		}
	}
}

/* Whether the key at s[i..e) (quotes included) names want. */
static int
key_is(const char *s, size_t i, size_t e, const char *want)
{
	cJSON *k;
	int same;

	if (memchr(s + i, '\\', e - i) == NULL)
		return e - i - 2 == strlen(want) &&
		    memcmp(s + i + 1, want, e - i - 2) == 0;
	/* NULL: out of memory, most likely; a miss is the safe answer */
	if ((k = cJSON_ParseWithLength(s + i, e - i)) == NULL)
		return 0;
	same = cJSON_IsString(k) && strcmp(k->valuestring, want) == 0;
	cJSON_Delete(k);
	return same;
}

/*
 * The compact JSON object of op's response fields in body (known to be a
 * valid JSON object), in the catalog's order, each value copied from the
 * body's text.  *out NULL when none is present.  0 or BR_ENOMEM.
 */
static int
pick_fields(const struct br_op *op, const char *body, size_t n, char **out)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	size_t f, i, ks, ke, vs, ve;
	int found;

	*out = NULL;
	for (f = 0; f < op->nresponse; f++) {
		i = 0;
		if (n >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
			i = 3;
		i = skip_ws(body, n, i);
		if (i >= n || body[i] != '{')
			break;
		for (found = 0, i++; !found; ) {
			i = skip_ws(body, n, i);
			if (i >= n || body[i] != '"')
				break;
			ks = i;
			ke = string_end(body, n, i);
			i = skip_ws(body, n, ke);
			if (i >= n || body[i] != ':')
				break;
			vs = skip_ws(body, n, i + 1);
			ve = value_end(body, n, vs);
			i = skip_ws(body, n, ve);
			if (i < n && body[i] == ',')
				i++;
			if (!key_is(body, ks, ke, op->response[f]))
				continue;
			found = 1;
			br_strbuf_addc(&sb, sb.len == 0 ? '{' : ',');
			minify(&sb, body + ks, ke - ks);
			br_strbuf_addc(&sb, ':');
			minify(&sb, body + vs, ve - vs);
		}
	}
	if (sb.len > 0)
		br_strbuf_addc(&sb, '}');
	if (sb.oom) {
		br_strbuf_release(&sb);
		return BR_ENOMEM;
	}
	*out = br_strbuf_detach(&sb);
	return 0;
}

/* ---- mapping an answer ---- */

static const char *
reason_phrase(long status)
{
	static const struct {
		long		 status;
		const char	*text;
	} t[] = {
		{ 300, "Multiple Choices" }, { 301, "Moved Permanently" },
		{ 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 402, "Payment Required" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 406, "Not Acceptable" }, { 407, "Proxy Authentication "
		"Required" }, { 408, "Request Timeout" }, { 409, "Conflict" },
		{ 410, "Gone" }, { 411, "Length Required" },
		{ 412, "Precondition Failed" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 416, "Range Not Satisfiable" },
		{ 417, "Expectation Failed" }, { 421, "Misdirected Request" },
		{ 422, "Unprocessable Content" }, { 423, "Locked" },
		{ 424, "Failed Dependency" }, { 425, "Too Early" },
		{ 426, "Upgrade Required" }, { 428, "Precondition Required" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 451, "Unavailable For Legal Reasons" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
		{ 507, "Insufficient Storage" }, { 508, "Loop Detected" },
		{ 511, "Network Authentication Required" }
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].status == status)
			return t[i].text;
	return NULL;
}

/* Appends tail to the malloc'd string *s (NULL: ""); 0, or -1 when out
 * of memory (then *s is as it was). */
static int
append_text(char **s, const char *tail)
{
	size_t a = *s != NULL ? strlen(*s) : 0, b = strlen(tail);
	char *n;

	if ((n = realloc(*s, a + b + 1)) == NULL)
		return -1;
	memcpy(n + a, tail, b + 1);
	*s = n;
	return 0;
}

static int
is_success(const struct br_op *op, long status)
{
	size_t i;

	if (op == NULL || op->nsuccess == 0)
		return status >= 200 && status <= 299;
	for (i = 0; i < op->nsuccess; i++)
		if (op->success[i] == status)
			return 1;
	return 0;
}

static void
clear_texts(struct br_result *r)
{
	free(r->error_code);
	free(r->error_msg);
	free(r->request_id);
	free(r->response);
	r->error_code = r->error_msg = r->request_id = r->response = NULL;
}

/* The message of a failed answer without one of its own. */
static char *
fallback_msg(const struct br_response *resp, int *oom)
{
	char buf[64];
	const char *rp;
	char *t;

	t = clean_or_null(resp->body, resp->body != NULL ? resp->len : 0,
	    EXCERPT_MAX, oom);
	if (t != NULL || *oom)
		return t;
	if ((rp = reason_phrase(resp->status)) == NULL) {
		snprintf(buf, sizeof(buf), "HTTP status %ld", resp->status);
		rp = buf;
	}
	if ((t = strdup(rp)) == NULL)
		*oom = 1;
	return t;
}

static int
fail_http(const struct br_op *op, const struct br_response *resp,
    struct br_result *r)
{
	char buf[160], *code = NULL, *msg = NULL;
	int oom = 0;

	if (resp->status >= 200 && resp->status <= 299) {
		/* a 2xx the catalog does not call success */
		snprintf(buf, sizeof(buf), "unexpected success status %ld "
		    "for %.100s", resp->status, op != NULL && op->name != NULL ?
		    op->name : "this operation");
		if ((msg = strdup(buf)) == NULL)
			oom = 1;
	} else {
		if (br_result_parse_error(resp->body, resp->body != NULL ?
		    resp->len : 0, &code, &msg) != 0)
			oom = 1;
		if (!oom && code == NULL && resp->truncated &&
		    parse_cut_error(resp->body, resp->len, &code, &msg) != 0)
			oom = 1;
		if (!oom && msg == NULL)
			msg = fallback_msg(resp, &oom);
	}
	if (!oom && code == NULL) {
		snprintf(buf, sizeof(buf), "HTTP.%ld", resp->status);
		if ((code = strdup(buf)) == NULL)
			oom = 1;
	}
	if (!oom && resp->truncated &&
	    append_text(&msg, " (answer cut at 1 MiB)") != 0)
		oom = 1;
	if (oom) {
		free(code);
		free(msg);
		return BR_ENOMEM;
	}
	r->outcome = BR_OUT_FAILED;
	r->error_code = code;
	r->error_msg = msg;
	return 0;
}

int
br_result_from_response(const struct br_op *op,
    const struct br_response *resp, struct br_result *r)
{
	const char *code, *sentence;
	cJSON *root;
	int oom = 0, isobj;

	clear_texts(r);
	r->http_status = resp->status;
	if (resp->request_id != NULL) {
		r->request_id = clean_or_null(resp->request_id,
		    strlen(resp->request_id), RID_MAX, &oom);
		if (oom)
			return BR_ENOMEM;
	}
	if (resp->net != BR_NET_OK) {
		code = br_net_code(resp->net, &sentence);
		r->outcome = BR_OUT_FAILED;
		r->error_code = strdup(code);
		r->error_msg = clean_or_null(resp->net_msg,
		    strnlen(resp->net_msg, sizeof(resp->net_msg)), MSG_MAX,
		    &oom);
		if (!oom && r->error_msg == NULL)
			r->error_msg = strdup(sentence);
		/* out of memory, the message goes without its tail */
		if (r->error_msg != NULL && resp->sent &&
		    (resp->net == BR_NET_NO_ANSWER ||
		    resp->net == BR_NET_TIMEOUT))
			(void)append_text(&r->error_msg, "; the request was "
			    "sent and may have been applied");
		if (r->error_code == NULL || r->error_msg == NULL) {
			clear_texts(r);
			return BR_ENOMEM;
		}
		return 0;
	}
	if (!is_success(op, resp->status))
		return fail_http(op, resp, r) == 0 ? 0 :
		    (clear_texts(r), BR_ENOMEM);
	r->outcome = BR_OUT_SUCCEEDED;
	if (op == NULL || op->nresponse == 0 || resp->body == NULL ||
	    resp->len == 0)
		return 0;
	if ((root = cJSON_ParseWithLength(resp->body, resp->len)) == NULL)
		return 0;	/* not JSON (or cut): still a success */
	isobj = cJSON_IsObject(root);
	cJSON_Delete(root);
	if (isobj && pick_fields(op, resp->body, resp->len,
	    &r->response) != 0) {
		clear_texts(r);
		return BR_ENOMEM;
	}
	return 0;
}

int
br_result_set(struct br_result *r, enum br_outcome o, const char *code,
    const char *msg)
{
	char *c = NULL, *m = NULL;

	if ((code != NULL && (c = strdup(code)) == NULL) ||
	    (msg != NULL && (m = strdup(msg)) == NULL)) {
		free(c);
		return BR_ENOMEM;
	}
	free(r->error_code);
	free(r->error_msg);
	r->outcome = o;
	r->error_code = c;
	r->error_msg = m;
	return 0;
}

void
br_result_release(struct br_result *r)
{
	if (r == NULL)
		return;
	clear_texts(r);
	free(r->state);
	memset(r, 0, sizeof(*r));
}
