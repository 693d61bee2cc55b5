/*
 * api.c - routes and id conventions of the five operations and their read
 * APIs, and the answers of the writes.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <openssl/evp.h>

#include "api.h"
#include "jsontext.h"
#include "strbuf.h"
#include "text.h"

#define HUGE_LEN	(3 * 1024 * 1024)
#define ROMA_MAX_ID	64

/* A service: the ids of its key id (the first present; see sim_op_keys),
 * its "not found" (of a missing resource; resource.c decides when a read
 * gets it, and CSS's reads answer theirs in another shape) and its 400. */
struct service {
	const char	*keys[3];
	int		 nf_status;
	const char	*nf_code;
	const char	*nf_msg;
	const char	*bad_code;
	const char	*bad_msg;
};

struct opdef {
	const char		*name;
	const char		*method;
	const char *const	*tmpl;
	const struct service	*svc;
	const char		*query;	/* a key id given in the query */
};

static const struct service kafka = {
	{ "task_id", NULL },
	404, "DMS.00404022", "The task does not exist.",
	"DMS.00400002", "Invalid request parameter."
};
static const struct service dlf = {
	{ "instance_id", "job_name", NULL },
	400, "DLF.0137", "Job instance does not exist.",
	"DLF.0002", "The request parameter is invalid."
};
static const struct service roma = {
	{ "task_id", NULL },
	404, "FDI.3083", "One or more scheduled tasks are not configured "
	    "with scheduled plans.",
	"FDI.3001", "Invalid request parameter."
};
static const struct service css = {
	{ "cluster_id", NULL },
	404, "CSS.0015", "The cluster does not exist.",
	"CSS.0001", "The parameter is incorrect."
};

/* The paths: a write's resource and its read share a path, or its
 * read's path is the write's without the last segment. */
static const char *const kafka_restart_path[] = { "v2", "{project_id}",
    "kafka", "instances", "{instance_id}", "connector", "tasks",
    "{task_id}", "restart", NULL };
static const char *const kafka_task_path[] = { "v2", "{project_id}",
    "instances", "{instance_id}", "connector", "tasks", "{task_id}",
    NULL };
static const char *const dlf_restart_path[] = { "v1", "{project_id}",
    "jobs", "{job_name}", "instances", "{instance_id}", "restart", NULL };
static const char *const dlf_instance_path[] = { "v1", "{project_id}",
    "jobs", "{job_name}", "instances", "{instance_id}", NULL };
static const char *const roma_reset_path[] = { "v2", "{project_id}",
    "fdi", "instances", "{instance_id}", "multi-tasks", "{task_id}",
    "reset", NULL };
static const char *const roma_tasks_path[] = { "v2", "{project_id}",
    "fdi", "instances", "{instance_id}", "tasks", NULL };
static const char *const css_restart_path[] = { "v1.0", "{project_id}",
    "clusters", "{cluster_id}", "restart", NULL };
static const char *const css_cluster_path[] = { "v1.0", "{project_id}",
    "clusters", "{cluster_id}", NULL };

static const struct opdef ops[SIM_OP_COUNT] = {
	[SIM_OP_KAFKA_RESTART] = { "kafka.restart_connector_task", "PUT",
	    kafka_restart_path, &kafka, NULL },
	[SIM_OP_KAFKA_MODIFY] = { "kafka.modify_connector_task", "PUT",
	    kafka_task_path, &kafka, NULL },
	[SIM_OP_DLF_RESTART] = { "dataarts.restart_job_instance", "POST",
	    dlf_restart_path, &dlf, NULL },
	[SIM_OP_ROMA_RESET] = { "roma.reset_multi_task", "POST",
	    roma_reset_path, &roma, NULL },
	[SIM_OP_CSS_RESTART] = { "css.restart_cluster", "POST",
	    css_restart_path, &css, NULL },
	[SIM_OP_KAFKA_SHOW] = { "kafka.show_connector_task", "GET",
	    kafka_task_path, &kafka, NULL },
	[SIM_OP_DLF_SHOW] = { "dataarts.show_job_instance", "GET",
	    dlf_instance_path, &dlf, NULL },
	[SIM_OP_ROMA_LIST] = { "roma.list_tasks", "GET",
	    roma_tasks_path, &roma, "task_id" },
	[SIM_OP_CSS_SHOW] = { "css.show_cluster", "GET",
	    css_cluster_path, &css, NULL },
};

static const char html_body[] =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
static const char json_type[] = "application/json";

static char *huge_body;
/* cJSON_Parse writes a global error position: one parser at a time. */
static pthread_mutex_t parse_mu = PTHREAD_MUTEX_INITIALIZER;

int
sim_api_init(void)
{
	static const char head[] = "{\"error_code\":\"SYS.500\","
	    "\"error_msg\":\"Internal Server Error\",\"detail\":\"";
	size_t hl = sizeof(head) - 1;

	if ((huge_body = malloc(HUGE_LEN)) == NULL)
		return -1;
	memcpy(huge_body, head, hl);
	memset(huge_body + hl, 'x', HUGE_LEN - hl - 2);
	memcpy(huge_body + HUGE_LEN - 2, "\"}", 2);
	return 0;
}

void
sim_api_release(void)
{
	free(huge_body);
	huge_body = NULL;
}

const char *
sim_op_name(int op)
{
	return op >= 0 && op < SIM_OP_COUNT ? ops[op].name : NULL;
}

int
sim_op_is_read(int op)
{
	return op >= SIM_OP_KAFKA_SHOW && op < SIM_OP_COUNT;
}

int
sim_op_write_of(int op)
{
	switch (op) {
	case SIM_OP_KAFKA_SHOW:
		return SIM_OP_KAFKA_RESTART;	/* modify: the same task */
	case SIM_OP_DLF_SHOW:
		return SIM_OP_DLF_RESTART;
	case SIM_OP_ROMA_LIST:
		return SIM_OP_ROMA_RESET;
	case SIM_OP_CSS_SHOW:
		return SIM_OP_CSS_RESTART;
	default:
		return op;
	}
}

const char *const *
sim_op_keys(int op)
{
	return ops[op].svc->keys;
}

/* --- routing ------------------------------------------------------------ */

void
sim_route_release(struct sim_route *r)
{
	br_text_free_all(r->seg, (size_t)r->nseg);
	free(r->qval);
	memset(r, 0, sizeof(*r));
	r->op = -1;
}

static int
match_op(const struct opdef *d, struct sim_route *r)
{
	int i;

	for (i = 0; i < r->nseg; i++) {
		if (d->tmpl[i] == NULL || r->seg[i][0] == '\0')
			return 0;
		if (d->tmpl[i][0] == '{')
			r->param[i] = d->tmpl[i];
		else if (strcmp(d->tmpl[i], r->seg[i]) != 0)
			return 0;
	}
	return d->tmpl[r->nseg] == NULL;
}

int
sim_route_match(struct sim_route *r, const char *method, const char *path,
    size_t len)
{
	size_t i, start, n;
	int op, bad = 0;
	char *s;

	memset(r, 0, sizeof(*r));
	r->op = -1;
	r->status = 404;
	if (len == 0 || path[0] != '/')
		return 0;
	for (start = 1, i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		n = i - start;
		if (r->nseg == SIM_MAX_SEGS)
			return 0;
		/* an unencoded dot segment would be resolved away by any
		 * proxy on the way: such a path reaches no operation */
		if ((n == 1 && path[start] == '.') ||
		    (n == 2 && path[start] == '.' && path[start + 1] == '.'))
			bad = 1;
		if ((s = malloc(n + 1)) == NULL)
			return -1;
		if (br_text_pct_decode(s, path + start, n, 0) != strlen(s))
			bad = 1;		/* %00 inside */
		r->seg[r->nseg++] = s;
		start = i + 1;
	}
	if (bad)
		return 0;
	for (op = 0; op < SIM_OP_COUNT; op++) {
		memset(r->param, 0, sizeof(r->param));
		if (!match_op(&ops[op], r))
			continue;
		if (strcmp(method, ops[op].method) == 0) {
			r->op = op;
			r->status = 0;
			r->allow = NULL;
			return 0;
		}
		/* the one path with two methods: a Kafka task's */
		r->allow = r->status == 405 && strcmp(r->allow,
		    ops[op].method) != 0 ? "GET, PUT" : ops[op].method;
		r->status = 405;
	}
	memset(r->param, 0, sizeof(r->param));
	return 0;
}

int
sim_route_query(struct sim_route *r, const char *query, size_t len)
{
	const char *name, *p, *end = query + len, *amp;
	size_t nl, vl;

	if (r->op < 0 || (name = ops[r->op].query) == NULL)
		return 0;
	r->qname = name;
	nl = strlen(name);
	for (p = query; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((size_t)(amp - p) <= nl || strncmp(p, name, nl) != 0 ||
		    p[nl] != '=')
			continue;
		vl = (size_t)(amp - p) - nl - 1;
		free(r->qval);
		if ((r->qval = malloc(vl + 1)) == NULL)
			return -1;
		if (br_text_pct_decode(r->qval, p + nl + 1, vl, 1) !=
		    strlen(r->qval)) {
			free(r->qval);	/* %00 inside: no such task */
			r->qval = NULL;
		}
		break;			/* the first one counts */
	}
	return 0;
}

const char *
sim_route_param(const struct sim_route *r, const char *name)
{
	size_t n = strlen(name);
	int i;

	if (r->qname != NULL && strcmp(r->qname, name) == 0)
		return r->qval;

	for (i = 0; i < r->nseg; i++) {
		if (r->param[i] != NULL && strlen(r->param[i]) == n + 2 &&
		    strncmp(r->param[i] + 1, name, n) == 0)
			return r->seg[i];
	}
	return NULL;
}

/* --- conventions -------------------------------------------------------- */

/* word, optional digits, '-': advances *sp, stores the number (-1 when
 * there are no digits). */
static int
prefix(const char **sp, const char *word, long *num)
{
	const char *s = *sp;
	size_t wl = strlen(word);
	long v = -1;

	if (strncmp(s, word, wl) != 0)
		return 0;
	s += wl;
	if (num != NULL) {
		for (v = 0; *s >= '0' && *s <= '9'; s++) {
			/* at most 10^9, which is "for ever" here */
			v = v < 100000000L ? v * 10 + (*s - '0') : 1000000000L;
		}
		if (s == *sp + wl)
			return 0;	/* digits required */
	}
	if (*s != '-')
		return 0;
	*sp = s + 1;
	if (num != NULL)
		*num = v;
	return 1;
}

static void
conv_one(int op, const char *key, struct sim_conv *c)
{
	static const char *const words[] = {	/* by enum sim_conv_kind */
		NULL, "missing", "empty", "bad", "e500", "e503", "flaky",
		"throttle", "dmsthrottle", "drop", "garbage", "html", "huge",
		"gone", "failverify", "stuck", "busy", "failedbefore",
		"cssbusy"
	};
	const char *s = key;
	int kind;
	long ms;

	memset(c, 0, sizeof(*c));
	c->key = key;
	c->restart_ms = -1;
	for (;;) {
		if (prefix(&s, "slow", &ms)) {
			c->slow_ms += ms;
			if (c->slow_ms > SIM_MAX_DELAY)
				c->slow_ms = SIM_MAX_DELAY;
		} else if (prefix(&s, "restart", &ms))
			c->restart_ms = ms < SIM_MAX_DELAY ? ms : SIM_MAX_DELAY;
		else
			break;
	}
	for (kind = SIM_CONV_MISSING; kind <= SIM_CONV_CSSBUSY; kind++) {
		if (kind == SIM_CONV_EMPTY && op != SIM_OP_ROMA_RESET)
			continue;
		c->kind = kind;		/* the counted kinds take an N */
		if (prefix(&s, words[kind], sim_conv_counted(c) ? &c->n :
		    NULL))
			return;
	}
	c->kind = SIM_CONV_NONE;
}

void
sim_conv_parse(const struct sim_route *r, struct sim_conv *c)
{
	const char *const *k;
	const char *v, *first = NULL;

	memset(c, 0, sizeof(*c));
	c->restart_ms = -1;
	for (k = ops[r->op].svc->keys; *k != NULL; k++) {
		if ((v = sim_route_param(r, *k)) == NULL)
			continue;
		if (first == NULL)
			first = v;
		conv_one(r->op, v, c);
		if (c->kind != SIM_CONV_NONE || c->slow_ms > 0 ||
		    c->restart_ms >= 0)
			return;
	}
	memset(c, 0, sizeof(*c));
	c->key = first;
	c->restart_ms = -1;
}

int
sim_conv_counted(const struct sim_conv *c)
{
	return c->kind == SIM_CONV_FLAKY || c->kind == SIM_CONV_THROTTLE ||
	    c->kind == SIM_CONV_DMSTHROTTLE || c->kind == SIM_CONV_CSSBUSY;
}

/* --- the operations ----------------------------------------------------- */

void
sim_derived_id(const char *tag, const char *s, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;

	memset(md, 0, sizeof(md));
	if ((ctx = EVP_MD_CTX_new()) != NULL) {
		if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
		    EVP_DigestUpdate(ctx, tag, strlen(tag)) != 1 ||
		    EVP_DigestUpdate(ctx, s, strlen(s)) != 1 ||
		    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
			memset(md, 0, sizeof(md));
		EVP_MD_CTX_free(ctx);
	}
	br_text_hex(out, md, 16);
}

int
sim_is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	return *ct == '\0' || *ct == ';' || *ct == ' ' || *ct == '\t';
}

cJSON *
sim_json_object(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *j;

	if (body == NULL || len == 0)
		return NULL;
	pthread_mutex_lock(&parse_mu);
	j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	pthread_mutex_unlock(&parse_mu);
	if (j == NULL)
		return NULL;
	while (end != NULL && end < body + len &&
	    (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (!cJSON_IsObject(j) || end != body + len) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	}
	return 1;
}

void
sim_api_bad_request(struct sim_answer *a, int op, const char *why)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s %s", ops[op].svc->bad_msg, why);
	sim_answer_error(a, 400, ops[op].svc->bad_code, msg);
}

void
sim_api_not_found(struct sim_answer *a, int op)
{
	const struct service *v = ops[op].svc;

	sim_answer_error(a, v->nf_status, v->nf_code, v->nf_msg);
}

/* The first of names that in has with a value neither null nor what is()
 * accepts; NULL when there is none. */
static const char *
wrong_member(const cJSON *in, const char *const *names,
    cJSON_bool (*is)(const cJSON *))
{
	const cJSON *it;
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		it = cJSON_GetObjectItemCaseSensitive(in, names[i]);
		if (it != NULL && !is(it) && !cJSON_IsNull(it))
			return names[i];
	}
	return NULL;
}

double
sim_kafka_task_defaults(const char *task_id, char name[64])
{
	char hex[33];

	sim_derived_id("kafka-task:", task_id, hex);
	snprintf(name, 64, "smart-connect-%.10s", hex);
	/* a fixed creation time in 2023-2026, from the task id */
	return 1700000000000.0 +
	    (double)(strtoull(hex + 16, NULL, 16) % 100000000000ULL);
}

static void
kafka_modify(const struct sim_route *r, const struct sim_req *q,
    struct sim_answer *a)
{
	static const char *strs[] = { "task_name", "topics", "topics_regex",
	    "source_type", "sink_type", "id", "status", NULL };
	static const char *objs[] = { "source_task", "sink_task", NULL };
	const char *task = sim_route_param(r, "task_id");
	cJSON *in, *out = NULL;
	char name[64], why[128];
	double created;
	const char *bad, *kind = "";

	if (!sim_is_json_type(q->ctype) ||
	    (in = sim_json_object(q->body, q->len)) == NULL) {
		sim_answer_error(a, 400, "DMS.10240009", "The message body is "
		    "not in JSON format or contains invalid characters.");
		return;
	}
	if ((bad = wrong_member(in, strs, cJSON_IsString)) != NULL)
		kind = "a string";
	else if ((bad = wrong_member(in, objs, cJSON_IsObject)) != NULL)
		kind = "an object";
	if (bad != NULL) {
		snprintf(why, sizeof(why), "'%s' must be %s.", bad, kind);
		sim_api_bad_request(a, r->op, why);
		goto out;
	}
	if ((out = cJSON_Duplicate(in, 1)) == NULL)
		goto out;
	created = sim_kafka_task_defaults(task, name);
	if (!cJSON_HasObjectItem(out, "task_name"))
		cJSON_AddStringToObject(out, "task_name", name);
	if (!cJSON_HasObjectItem(out, "topics"))
		cJSON_AddStringToObject(out, "topics", "");
	if (!cJSON_HasObjectItem(out, "source_task"))
		cJSON_AddNullToObject(out, "source_task");
	if (!cJSON_HasObjectItem(out, "source_type"))
		cJSON_AddStringToObject(out, "source_type", "NONE");
	if (!cJSON_HasObjectItem(out, "sink_task"))
		cJSON_AddNullToObject(out, "sink_task");
	if (!cJSON_HasObjectItem(out, "sink_type"))
		cJSON_AddStringToObject(out, "sink_type", "NONE");
	cJSON_DeleteItemFromObjectCaseSensitive(out, "id");
	cJSON_DeleteItemFromObjectCaseSensitive(out, "status");
	cJSON_DeleteItemFromObjectCaseSensitive(out, "create_time");
	cJSON_AddStringToObject(out, "id", task);
	cJSON_AddStringToObject(out, "status", "RUNNING");
	cJSON_AddNumberToObject(out, "create_time", created);
	sim_answer_json(a, 200, out);
out:
	if (a->status == 0)	/* out of memory on the way */
		sim_answer_owned(a, 500, NULL, 0);
	cJSON_Delete(out);
	cJSON_Delete(in);
}

int
sim_is_long(const char *id)
{
	const char *s;

	for (s = id; *s >= '0' && *s <= '9'; s++)
		;
	/* 1 to 19 digits, at most 9223372036854775807 */
	return !(*s != '\0' || s == id || s - id > 19 || (s - id == 19 &&
	    strcmp(id, "9223372036854775807") > 0));
}

static void
dlf_restart(const struct sim_route *r, struct sim_answer *a)
{
	if (!sim_is_long(sim_route_param(r, "instance_id"))) {
		sim_api_bad_request(a, r->op, "'instance_id' must be a Long.");
		return;
	}
	sim_answer_static(a, 204, NULL, "", 0);
}

static void
roma_reset(const struct sim_route *r, const struct sim_req *q,
    struct sim_answer *a)
{
	static const char *ids[] = { "project_id", "instance_id", "task_id",
	    NULL };
	static const char ok[] = "{\"message\":\"Reset Success\"}";
	const char *v;
	char why[128];
	cJSON *in, *d;
	size_t i;
	double x;

	for (i = 0; ids[i] != NULL; i++) {
		v = sim_route_param(r, ids[i]);
		if (v == NULL || strlen(v) > ROMA_MAX_ID) {
			snprintf(why, sizeof(why), "'%s' must be 1 to %d "
			    "characters.", ids[i], ROMA_MAX_ID);
			sim_api_bad_request(a, r->op, why);
			return;
		}
	}
	if (q->len > 0 && !blank(q->body, q->len)) {
		if (!sim_is_json_type(q->ctype)) {
			sim_api_bad_request(a, r->op, "The body must be "
			    "application/json.");
			return;
		}
		if ((in = sim_json_object(q->body, q->len)) == NULL) {
			sim_api_bad_request(a, r->op, "The body is not a JSON object.");
			return;
		}
		d = cJSON_GetObjectItemCaseSensitive(in, "date_from");
		if (d != NULL && !cJSON_IsNull(d)) {
			x = cJSON_IsNumber(d) ? d->valuedouble : 0;
			if (x != floor(x) || x < 1 ||
			    x > 9999999999999999999.0) {
				cJSON_Delete(in);
				sim_api_bad_request(a, r->op, "'date_from' must be an "
				    "integer from 1 to 9999999999999999999.");
				return;
			}
		}
		cJSON_Delete(in);
	}
	sim_answer_static(a, 200, json_type, ok, sizeof(ok) - 1);
}

static void
css_restart(const struct sim_route *r, struct sim_answer *a)
{
	char hex[33], body[64];

	sim_derived_id("css-job:", sim_route_param(r, "cluster_id"), hex);
	snprintf(body, sizeof(body), "{\"jobId\":[\"%s\"]}", hex);
	sim_answer_owned(a, 200, strdup(body), strlen(body));
}

static void
success(const struct sim_route *r, const struct sim_req *q,
    struct sim_answer *a)
{
	switch (r->op) {
	case SIM_OP_KAFKA_RESTART:
		sim_answer_static(a, 204, NULL, "", 0);
		break;
	case SIM_OP_KAFKA_MODIFY:
		kafka_modify(r, q, a);
		break;
	case SIM_OP_DLF_RESTART:
		dlf_restart(r, a);
		break;
	case SIM_OP_ROMA_RESET:
		roma_reset(r, q, a);
		break;
	default:
		css_restart(r, a);
		break;
	}
}

int
sim_api_fault(const struct sim_route *r, const struct sim_conv *c,
    long count, const char *retry_after, struct sim_answer *a)
{
	const struct opdef *d = &ops[r->op];
	int first_n = count >= 0 && count < c->n;

	switch (c->kind) {
	case SIM_CONV_MISSING:
		if (sim_op_is_read(r->op))
			return 0;	/* gone, the service's way */
		sim_api_not_found(a, r->op);
		return 1;
	case SIM_CONV_EMPTY:
		sim_answer_error(a, 400, "FDI.3150", "The task list is empty.");
		return 1;
	case SIM_CONV_BAD:
		sim_answer_error(a, 400, d->svc->bad_code, d->svc->bad_msg);
		return 1;
	case SIM_CONV_E500:
		sim_answer_error(a, 500, "SYS.500", "Internal Server Error");
		return 1;
	case SIM_CONV_E503:
		sim_answer_unavailable(a);
		return 1;
	case SIM_CONV_FLAKY:
		if (first_n)
			sim_answer_unavailable(a);
		return first_n;
	case SIM_CONV_THROTTLE:
		if (first_n)
			sim_answer_throttled(a, retry_after);
		return first_n;
	case SIM_CONV_DMSTHROTTLE:
		if (first_n)
			sim_answer_error(a, 404, "DMS.10240407",
			    "Too many requests. Try again later.");
		return first_n;
	case SIM_CONV_DROP:
		sim_answer_static(a, 0, NULL, "", 0);	/* drop it */
		return 1;
	case SIM_CONV_GARBAGE:
		sim_answer_garbage(a);
		return 1;
	case SIM_CONV_HTML:
		sim_answer_static(a, 502, "text/html", html_body,
		    sizeof(html_body) - 1);
		return 1;
	case SIM_CONV_HUGE:
		if (huge_body != NULL)
			sim_answer_static(a, 500, json_type, huge_body,
			    HUGE_LEN);
		else
			sim_answer_owned(a, 500, NULL, 0);
		return 1;
	default:
		return 0;
	}
}

void
sim_api_answer(const struct sim_route *r, const struct sim_conv *c,
    long count, const struct sim_req *q, const char *retry_after,
    struct sim_answer *a)
{
	if (!sim_api_fault(r, c, count, retry_after, a))
		success(r, q, a);
}
