/*
 * verify.c - the read request of a row and the judging of its answers;
 * see verify.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jpath.h"
#include "request.h"
#include "result.h"
#include "retry.h"
#include "strbuf.h"
#include "text.h"
#include "verify.h"

#define SENT_DEPTH	8	/* nesting of a sent body compared */

const char *
br_vstate_name(enum br_vstate s)
{
	switch (s) {
	case BR_VS_HEALTHY:
		return "healthy";
	case BR_VS_PROGRESS:
		return "in_progress";
	case BR_VS_FAILED:
		return "failed";
	case BR_VS_GONE:
		return "gone";
	default:
		return "unknown";
	}
}

/* ---- the read request ---- */

/* The template tmpl with the row's values into val (emptied first): 1
 * when the row gives them all, else 0 (the pair is left out). */
static int
given(const struct br_bound *b, const char *tmpl, struct br_strbuf *val,
    struct br_err *err)
{
	br_strbuf_setlen(val, 0);
	return br_request_expand(b, tmpl, 0, val, err) == 0 && val->p != NULL;
}

/* "?name=value&..." for the query pairs whose values the row gives. */
static void
add_query(const struct br_verify *v, const struct br_bound *b,
    struct br_strbuf *url, struct br_err *err)
{
	struct br_strbuf val = BR_STRBUF_INIT;
	size_t i;
	int first = 1;

	for (i = 0; i < v->nquery; i++) {
		if (!given(b, v->query[i].value, &val, err))
			continue;
		br_strbuf_addc(url, first ? '?' : '&');
		first = 0;
		br_strbuf_addpct(url, v->query[i].name,
		    strlen(v->query[i].name), 0);
		br_strbuf_addc(url, '=');
		br_strbuf_addpct(url, val.p, val.len, 0);
		url->oom |= val.oom;
	}
	br_strbuf_release(&val);
}

static int
add_headers(const struct br_verify *v, const struct br_bound *b,
    struct br_request *req, struct br_err *err)
{
	struct br_strbuf val = BR_STRBUF_INIT;
	size_t i;
	int rc;

	rc = br_request_add_header(req, "Accept", "application/json", 0);
	for (i = 0; rc == 0 && i < v->nheaders; i++) {
		if (given(b, v->headers[i].value, &val, err))
			rc = val.oom ? BR_ENOMEM : br_request_add_header(req,
			    v->headers[i].name, val.p, 0);
		if (rc == BR_EINPUT)
			rc = br_errf(err, BR_EINPUT, NULL, 0, "verify header "
			    "'%s': the value holds a line break",
			    v->headers[i].name);
	}
	br_strbuf_release(&val);
	if (rc == BR_ENOMEM)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	return rc;
}

int
br_verify_request(const struct br_op *op, const struct br_bound *b,
    const char *base_url, struct br_request *req, struct br_err *err)
{
	struct br_strbuf url = BR_STRBUF_INIT;
	const struct br_verify *v;
	int rc;

	if (op == NULL || (v = op->verify) == NULL || b == NULL ||
	    base_url == NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, "operation '%s' has "
		    "no verify block", op != NULL ? op->name : "?");
	snprintf(req->method, sizeof(req->method), "%s", v->method);
	rc = br_request_url(b, base_url, v->path, &url, err);
	if (rc == 0)
		add_query(v, b, &url, err);
	if (rc == 0 && url.oom)
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (rc == 0) {
		req->url = br_strbuf_detach(&url);
		rc = add_headers(v, b, req, err);
	}
	br_strbuf_release(&url);
	if (rc != 0)
		br_request_release(req);
	return rc;
}

/* ---- reading an answer ---- */

/* Copies s into dst (n bytes), control bytes as '?'. */
static void
put_text(char *dst, size_t n, const char *s)
{
	size_t i;

	snprintf(dst, n, "%s", s != NULL ? s : "");
	for (i = 0; dst[i] != '\0'; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

/* The text of the first scalar path selects; "" and -1 when none. */
static int
first_text(const cJSON *root, const char *path, char *buf, size_t n)
{
	const cJSON *nodes[BR_JPATH_MAX];
	size_t k, i;

	buf[0] = '\0';
	if (path == NULL)
		return -1;
	k = br_jpath_eval(root, path, nodes, BR_JPATH_MAX);
	for (i = 0; i < k; i++)
		if (br_jpath_text(nodes[i], buf, n) == 0)
			return 0;
	return -1;
}

static int
is_void(const cJSON *v)
{
	return cJSON_IsNull(v) || ((cJSON_IsArray(v) || cJSON_IsObject(v)) &&
	    v->child == NULL) || (cJSON_IsString(v) && v->valuestring != NULL &&
	    v->valuestring[0] == '\0');
}

static int
listed(const struct br_vtest *t, const cJSON *node)
{
	char buf[256];
	size_t i;

	if (br_jpath_text(node, buf, sizeof(buf)) != 0)
		return 0;
	for (i = 0; i < t->nvalues; i++)
		if (strcmp(t->values[i], buf) == 0)
			return 1;
	return 0;
}

/* Whether test t holds on root (a parsed answer; NULL: never). */
static int
test_holds(const cJSON *root, const struct br_vtest *t)
{
	const cJSON *nodes[BR_JPATH_MAX];
	size_t k, i, hits = 0, voids = 0;

	if (!cJSON_IsObject(root) && !cJSON_IsArray(root))
		return 0;
	k = br_jpath_eval(root, t->path, nodes, BR_JPATH_MAX);
	for (i = 0; i < k; i++) {
		hits += (size_t)listed(t, nodes[i]);
		voids += (size_t)is_void(nodes[i]);
	}
	switch (t->kind) {
	case BR_VT_IN:
		return k > 0 && hits == k;
	case BR_VT_HAS:
		return hits > 0;
	case BR_VT_EMPTY:
		return voids == k;
	default:
		return voids < k;
	}
}

static int
cond_holds(const cJSON *root, const struct br_vcond *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->ntests; i++)
		n += (size_t)test_holds(root, &c->tests[i]);
	return c->ntests > 0 && (c->all ? n == c->ntests : n > 0);
}

/*
 * The first body field the write sent (s, at path) that reads back
 * different in r: 1 with out->msg said, else 0.  Fields the answer does
 * not show are not compared.
 */
static int
sent_differs(const cJSON *s, const cJSON *r, struct br_strbuf *path,
    int depth, struct br_vread *out)
{
	char a[128], b[128];
	const cJSON *it, *m;
	size_t keep;

	if (r == NULL || cJSON_IsNull(r) || depth > SENT_DEPTH)
		return 0;
	if (cJSON_IsObject(s)) {
		keep = path->len;
		cJSON_ArrayForEach(it, s) {
			m = cJSON_IsObject(r) ?
			    cJSON_GetObjectItemCaseSensitive(r, it->string) :
			    NULL;
			if (keep > 0)
				br_strbuf_addc(path, '.');
			br_strbuf_addstr(path, it->string);
			if (sent_differs(it, m, path, depth + 1, out))
				return 1;
			br_strbuf_setlen(path, keep);
		}
		return 0;
	}
	if (br_jpath_text(s, a, sizeof(a)) == 0 ?
	    br_jpath_text(r, b, sizeof(b)) == 0 && strcmp(a, b) == 0 :
	    cJSON_Compare(s, r, 1))
		return 0;
	if (br_jpath_text(r, b, sizeof(b)) != 0)
		snprintf(b, sizeof(b), "something else");
	snprintf(out->msg, sizeof(out->msg), "'%.60s' reads '%.60s', not "
	    "'%.60s' as sent", path->p != NULL ? path->p : "", b, a);
	return 1;
}

/* 1 when a field sent reads back different (out->msg says which), 0
 * when none does, -1 when what was sent cannot be read. */
static int
sent_mismatch(const struct br_request *sent, const cJSON *root,
    struct br_vread *out)
{
	struct br_strbuf path = BR_STRBUF_INIT;
	cJSON *s;
	int r = 0;

	if (sent == NULL || sent->body == NULL)
		return 0;
	if ((s = cJSON_ParseWithLength(sent->body, sent->bodylen)) == NULL)
		return -1;	/* built by cJSON: out of memory */
	if (cJSON_IsObject(s))
		r = sent_differs(s, root, &path, 0, out);
	cJSON_Delete(s);
	br_strbuf_release(&path);
	return r;
}

/* Whether the "fresh.time" timestamp (epoch ms) is later than call_ms. */
static int
time_is_fresh(const struct br_verify *v, const cJSON *root, int64_t call_ms)
{
	char buf[64];
	int64_t ms;

	if (v->fresh_time == NULL || first_text(root, v->fresh_time, buf,
	    sizeof(buf)) != 0 || br_text_int64(buf, strlen(buf), &ms) != 0)
		return 0;
	return ms > call_ms;
}

/* The error code of an answer: top level only for a 2xx (whose members
 * may hold codes of their own: CSS's failedReason.errorCode). */
static void
answer_code(long status, const char *body, size_t len, const cJSON *root,
    struct br_vread *out)
{
	char *code = NULL, *msg = NULL;

	if (status >= 200 && status < 300) {
		first_text(root, "error_code | errorCode | errCode", out->code,
		    sizeof(out->code));
		return;
	}
	if (br_result_parse_error(body, len, &code, &msg) == 0) {
		put_text(out->code, sizeof(out->code), code);
		put_text(out->msg, sizeof(out->msg), msg);
	}
	free(code);
	free(msg);
	if (out->code[0] == '\0')
		first_text(root, "errCode", out->code, sizeof(out->code));
}

static int
gone_matches(const struct br_vgone *g, long status, const cJSON *root,
    const char *code)
{
	size_t i;

	if (g->status != 0 && g->status != status)
		return 0;
	if (g->test.path != NULL && !test_holds(root, &g->test))
		return 0;
	if (g->ncodes == 0)
		return 1;
	for (i = 0; i < g->ncodes; i++)
		if (strcmp(g->codes[i], code) == 0)
			return 1;
	return 0;
}

/* Not a reading: out->state UNKNOWN with a code and a message. */
static enum br_vstate
not_reading(long status, struct br_vread *out, const char *why)
{
	if (out->code[0] == '\0' && status > 0)
		snprintf(out->code, sizeof(out->code), "HTTP.%ld", status);
	if (out->msg[0] == '\0' || (status >= 200 && status < 300))
		put_text(out->msg, sizeof(out->msg), why);
	return out->state = BR_VS_UNKNOWN;
}

/* Which known state root (a 2xx answer) is in; *declared: a "progress"
 * state as the catalog lists it (not an unknown one). */
static enum br_vstate
state_of(const struct br_verify *v, const struct br_request *sent,
    const cJSON *root, struct br_vread *out, int *declared)
{
	int r;

	if (cond_holds(root, &v->failed)) {
		if (v->code != NULL)
			first_text(root, v->code, out->code,
			    sizeof(out->code));
		snprintf(out->msg, sizeof(out->msg), "state '%s'%s%s",
		    out->text, out->code[0] != '\0' ? ", " : "", out->code);
		return BR_VS_FAILED;
	}
	if (cond_holds(root, &v->healthy)) {
		r = v->match_sent ? sent_mismatch(sent, root, out) : 0;
		if (r < 0)
			return not_reading(0, out, "what was sent cannot be "
			    "read back to compare");
		return r > 0 ? BR_VS_FAILED : BR_VS_HEALTHY;
	}
	*declared = cond_holds(root, &v->progress);
	if (!*declared && out->text[0] != '\0')
		snprintf(out->msg, sizeof(out->msg), "state '%s' is not "
		    "known: taken as in progress", out->text);
	else if (!*declared)
		snprintf(out->msg, sizeof(out->msg), "no state in the "
		    "answer: taken as in progress");
	return BR_VS_PROGRESS;
}

/* One answer read; *fresh_time and *declared as for the judge. */
static enum br_vstate
read_answer(const struct br_verify *v, const struct br_request *sent,
    long status, const char *body, size_t len, int64_t call_ms,
    struct br_vread *out, int *fresh_time, int *declared)
{
	cJSON *root = NULL;
	enum br_vstate st;
	size_t i;

	memset(out, 0, sizeof(*out));
	*fresh_time = *declared = 0;
	if (status <= 0)
		return not_reading(0, out, "no answer");
	if (body != NULL && len > 0)
		root = cJSON_ParseWithLength(body, len);
	answer_code(status, body, len, root, out);
	if (status >= 500 || status == 429 || br_retry_is_throttle(out->code))
		st = not_reading(status, out, "throttled or a server error");
	else {
		for (i = 0; i < v->ngone; i++)
			if (gone_matches(&v->gone[i], status, root, out->code))
				break;
		if (i < v->ngone) {
			if (out->msg[0] == '\0')
				snprintf(out->msg, sizeof(out->msg), "the "
				    "resource does not exist (HTTP %ld)",
				    status);
			st = out->state = BR_VS_GONE;
		} else if (status < 200 || status >= 300)
			st = not_reading(status, out, "an error answer");
		else if (!cJSON_IsObject(root) && !cJSON_IsArray(root))
			st = not_reading(status, out, "the answer is not JSON");
		else if (first_text(root, v->state, out->text,
		    sizeof(out->text)) != 0 && out->code[0] != '\0')
			st = not_reading(status, out, "an error in a 2xx "
			    "answer");
		else {
			out->code[0] = '\0';
			*fresh_time = time_is_fresh(v, root, call_ms);
			st = out->state = state_of(v, sent, root, out,
			    declared);
		}
	}
	cJSON_Delete(root);
	return st;
}

enum br_vstate
br_verify_classify(const struct br_op *op, const struct br_request *sent,
    long http_status, const char *body, size_t len, struct br_vread *out)
{
	int fresh_time, declared;

	if (op == NULL || op->verify == NULL) {
		memset(out, 0, sizeof(*out));
		return not_reading(0, out, "the operation has no verify block");
	}
	return read_answer(op->verify, sent, http_status, body, len, 0, out,
	    &fresh_time, &declared);
}

enum br_vverdict
br_verify_judge(const struct br_op *op, const struct br_request *sent,
    long http_status, const char *body, size_t len, struct br_vtrack *t,
    int64_t now_ms, struct br_vread *out)
{
	const struct br_verify *v;
	enum br_vstate st;
	int fresh_time, declared, run;

	if (op == NULL || (v = op->verify) == NULL || t == NULL) {
		memset(out, 0, sizeof(*out));
		not_reading(0, out, "the operation has no verify block");
		return BR_VV_RETRY;
	}
	t->polls++;
	t->last_ms = now_ms;
	st = read_answer(v, sent, http_status, body, len, t->call_ms, out,
	    &fresh_time, &declared);
	if (st == BR_VS_UNKNOWN)
		return BR_VV_RETRY;
	if (st == BR_VS_GONE)
		return BR_VV_GONE;
	if (st == BR_VS_PROGRESS) {
		t->saw_progress |= declared && v->fresh_progress;
		t->healthy_run = t->failed_run = 0;
		return BR_VV_AGAIN;
	}
	if (st == BR_VS_HEALTHY) {
		run = ++t->healthy_run;
		t->failed_run = 0;
	} else {
		run = ++t->failed_run;
		t->healthy_run = 0;
	}
	if (fresh_time || (v->fresh_progress && t->saw_progress) ||
	    (v->fresh_repeat > 0 && run >= v->fresh_repeat))
		return st == BR_VS_HEALTHY ? BR_VV_HEALTHY : BR_VV_FAILED;
	snprintf(out->msg, sizeof(out->msg), "state '%s' not yet shown to be "
	    "newer than the call", out->text);
	return BR_VV_AGAIN;
}
