/*
 * resource.c - the state machine of each resource and the answers of the
 * four read routes (Kafka task, DataArts job instance, ROMA task list, CSS
 * cluster), in the shapes of ../shared/api/verify.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "jsontext.h"
#include "resource.h"
#include "strbuf.h"

#define ROMA_MAX_ID	64
#define RUN_MS		60000	/* how long a run "took" before any write */

enum { SVC_KAFKA, SVC_DLF, SVC_ROMA, SVC_CSS };
enum phase { PH_HEALTHY, PH_PROGRESS, PH_FAILED };

struct sim_res {
	struct sim_keyent head;		/* first */
	int64_t		 t_write;	/* monotonic ms of the last write */
	int64_t		 w_wall;	/* and its epoch ms */
	long		 restart_ms;
	long		 stale_ms;
	int		 old_phase;	/* shown during the stale spell */
	int64_t		 old_wall;	/* when that old state began */
	char		*body;		/* Kafka: the task last PUT, or NULL */
	char		*old_body;	/* the one before (old_same: body) */
	int		 old_same;
	char		*workspace;	/* DataArts: the last write's */
};

/* A resource as one read sees it; the strings are the reader's copies. */
struct view {
	int		 phase;
	int		 written;	/* a write took effect already */
	int64_t		 start;		/* epoch ms: the state began */
	int64_t		 end;		/* epoch ms: it ended, or 0 */
	char		*body;		/* Kafka: the task, or NULL */
	int		 other_ws;	/* DataArts: written in another one */
};

static const char *const svc_ids[][4] = {
	[SVC_KAFKA] = { "project_id", "instance_id", "task_id", NULL },
	[SVC_DLF] = { "project_id", "job_name", "instance_id", NULL },
	[SVC_ROMA] = { "project_id", "instance_id", "task_id", NULL },
	[SVC_CSS] = { "project_id", "cluster_id", NULL, NULL },
};

/* The status each service shows in each phase (healthy, in progress,
 * failed). */
static const char *const svc_status[][3] = {
	[SVC_KAFKA] = { "RUNNING", "RESTARTING", "PAUSED" },
	[SVC_DLF] = { "success", "running", "fail" },
	[SVC_ROMA] = { "RUNNING", "WAITING", "ERROR" },
	[SVC_CSS] = { "200", "100", "303" },
};

static int
service(int op)
{
	switch (sim_op_write_of(op)) {
	case SIM_OP_KAFKA_RESTART:
	case SIM_OP_KAFKA_MODIFY:
		return SVC_KAFKA;
	case SIM_OP_DLF_RESTART:
		return SVC_DLF;
	case SIM_OP_ROMA_RESET:
		return SVC_ROMA;
	default:
		return SVC_CSS;
	}
}

int
sim_res_init(struct sim_res_table *t)
{
	memset(t, 0, sizeof(*t));
	return sim_keytab_init(&t->keys, SIM_MAX_RESOURCES);
}

static void
res_free(struct sim_keyent *k)
{
	struct sim_res *e = (struct sim_res *)k;

	free(e->body);
	free(e->old_body);
	free(e->workspace);
}

void
sim_res_release(struct sim_res_table *t)
{
	sim_keytab_release(&t->keys, res_free);
	memset(t, 0, sizeof(*t));
}

/* --- the state machine -------------------------------------------------- */

/* "svc" then "len:value" of each id of the resource; NULL when out of
 * memory or an id is missing. */
static char *
res_key(const struct sim_route *r, size_t *lenp)
{
	struct br_strbuf b = BR_STRBUF_INIT;
	const char *const *id;
	const char *v;
	int svc = service(r->op);

	br_strbuf_addf(&b, "%d", svc);
	for (id = svc_ids[svc]; *id != NULL; id++) {
		if ((v = sim_route_param(r, *id)) == NULL) {
			br_strbuf_release(&b);
			return NULL;
		}
		br_strbuf_addf(&b, "|%zu:", strlen(v));
		br_strbuf_addstr(&b, v);
	}
	return br_strbuf_take(&b, lenp);
}

/* When the state before any write began: a fixed moment of 2023-2025. */
static int64_t
base_wall(const char *key, size_t len)
{
	return 1700000000000LL + (int64_t)(sim_keytab_hash(key, len) %
	    50000000000ULL);
}

static struct sim_res *
find(struct sim_res_table *t, const char *key, size_t len)
{
	return (struct sim_res *)sim_keytab_find(&t->keys, key, len);
}

static int
initial_phase(const struct sim_conv *c)
{
	if (c->kind == SIM_CONV_BUSY)
		return PH_PROGRESS;
	return c->kind == SIM_CONV_FAILEDBEFORE ? PH_FAILED : PH_HEALTHY;
}

/* The state of e (NULL: never written) at monotonic ms now; v->body
 * borrows from e. */
static void
state_at(const struct sim_res *e, const struct sim_conv *c, int64_t base,
    int64_t now, struct view *v)
{
	memset(v, 0, sizeof(*v));
	if (e == NULL) {
		v->phase = initial_phase(c);
		v->start = base;
		v->end = v->phase == PH_PROGRESS ? 0 : base + RUN_MS;
		return;
	}
	v->written = 1;
	v->body = e->body;
	if (now < e->t_write + e->stale_ms) {
		v->phase = e->old_phase;
		v->start = e->old_wall;
		v->end = v->phase == PH_PROGRESS ? 0 : e->old_wall + RUN_MS;
		v->body = e->old_same ? e->body : e->old_body;
		v->written = 0;		/* as it read before the write */
		return;
	}
	v->start = e->w_wall;
	if (now < e->t_write + e->restart_ms || c->kind == SIM_CONV_STUCK) {
		v->phase = PH_PROGRESS;
		return;
	}
	v->phase = c->kind == SIM_CONV_FAILVERIFY ? PH_FAILED : PH_HEALTHY;
	v->end = e->w_wall + e->restart_ms;
}

/* A new entry for key, or NULL when the table is full (said once). */
static struct sim_res *
insert(struct sim_res_table *t, const char *key, size_t len)
{
	if (t->keys.n >= t->keys.max) {
		if (!t->full_warned)
			fprintf(stderr, "bulkrun-sim: too many resources; "
			    "writes of new ones are not remembered\n");
		t->full_warned = 1;
		return NULL;
	}
	return (struct sim_res *)sim_keytab_insert(&t->keys, key, len,
	    sizeof(struct sim_res));
}

/* Keeps a copy of a Kafka task answered by a modify, within the caps. */
static void
keep_body(struct sim_res_table *t, struct sim_res *e,
    const struct sim_res_write *w)
{
	char *copy = NULL;

	e->old_same = w->body == NULL;
	if (e->old_same)
		return;			/* a restart: the fields stay */
	if (w->len <= SIM_RES_MAX_BODY && t->body_bytes + w->len <=
	    SIM_RES_MAX_BYTES && (copy = strndup(w->body, w->len)) != NULL)
		t->body_bytes += strlen(copy);
	if (e->old_body != NULL)
		t->body_bytes -= strlen(e->old_body);
	free(e->old_body);
	e->old_body = e->body;
	e->body = copy;			/* NULL: the default fields */
}

void
sim_res_written(struct sim_res_table *t, const struct sim_route *r,
    const struct sim_conv *c, const struct sim_res_write *w)
{
	struct sim_res *e;
	struct view v;
	char *key, *ws = NULL;
	size_t len = 0;

	if ((key = res_key(r, &len)) == NULL)
		return;
	if (w->workspace != NULL)
		ws = strdup(w->workspace);
	pthread_mutex_lock(&t->keys.mu);
	if ((e = find(t, key, len)) == NULL)
		e = insert(t, key, len);
	if (e != NULL) {
		state_at(e->t_write != 0 ? e : NULL, c, base_wall(key, len),
		    w->now_ms, &v);
		e->old_phase = v.phase;
		e->old_wall = v.start;
		keep_body(t, e, w);
		e->t_write = w->now_ms;
		e->w_wall = w->wall_ms;
		e->restart_ms = w->restart_ms;
		e->stale_ms = w->stale_ms;
		free(e->workspace);
		e->workspace = ws;
		ws = NULL;
	}
	pthread_mutex_unlock(&t->keys.mu);
	free(ws);
	free(key);
}

/* Fills v with the state of r's resource at now; v->body is v's own. */
static void
look(struct sim_res_table *t, const struct sim_route *r,
    const struct sim_conv *c, const struct sim_req *q, int64_t now,
    struct view *v)
{
	struct sim_res *e;
	char *key;
	size_t len = 0;

	memset(v, 0, sizeof(*v));
	if ((key = res_key(r, &len)) == NULL)
		return;
	pthread_mutex_lock(&t->keys.mu);
	e = find(t, key, len);
	state_at(e, c, base_wall(key, len), now, v);
	v->body = v->body != NULL ? strdup(v->body) : NULL;
	if (e != NULL && service(r->op) == SVC_DLF)
		v->other_ws = strcmp(e->workspace != NULL ? e->workspace : "",
		    q->workspace != NULL ? q->workspace : "") != 0;
	pthread_mutex_unlock(&t->keys.mu);
	free(key);
}

/* --- the answers -------------------------------------------------------- */

static void
add_str(struct br_strbuf *b, const char *s)
{
	br_jsontext_add_string(b, s, strlen(s));
}

static void
answer_buf(struct sim_answer *a, int status, struct br_strbuf *b)
{
	char *body;
	size_t len = 0;

	body = br_strbuf_take(b, &len);
	sim_answer_owned(a, status, body, len);
}

static void
kafka_task(const struct sim_route *r, const struct view *v,
    const char *status, struct sim_answer *a)
{
	const char *task = sim_route_param(r, "task_id");
	struct br_strbuf b = BR_STRBUF_INIT;
	char name[64];
	double created;
	cJSON *j;

	if (v->phase == PH_PROGRESS && !v->written)
		status = "WAITING";	/* busy- before any write */
	if (v->body != NULL &&
	    (j = sim_json_object(v->body, strlen(v->body))) != NULL) {
		cJSON_DeleteItemFromObjectCaseSensitive(j, "status");
		cJSON_AddStringToObject(j, "status", status);
		sim_answer_json(a, 200, j);
		cJSON_Delete(j);
		return;
	}
	created = sim_kafka_task_defaults(task, name);
	br_strbuf_addstr(&b, "{\"id\":");
	add_str(&b, task);
	br_strbuf_addstr(&b, ",\"task_name\":");
	add_str(&b, name);
	br_strbuf_addstr(&b, ",\"status\":");
	add_str(&b, status);
	br_strbuf_addf(&b, ",\"topics\":\"\",\"source_type\":\"NONE\","
	    "\"source_task\":null,\"sink_type\":\"NONE\",\"sink_task\":null,"
	    "\"create_time\":%.0f}", created);
	answer_buf(a, 200, &b);
}

static void
dlf_instance(const struct sim_route *r, const struct view *v,
    const char *status, struct sim_answer *a)
{
	const char *id = sim_route_param(r, "instance_id");
	struct br_strbuf b = BR_STRBUF_INIT;

	if (!sim_is_long(id)) {
		sim_api_bad_request(a, r->op, "'instance_id' must be a Long.");
		return;
	}
	if (v->other_ws) {
		sim_answer_error(a, 400, "DLF.0100", "The job does not exist.");
		return;
	}
	br_strbuf_addstr(&b, "{\"jobName\":");
	add_str(&b, sim_route_param(r, "job_name"));
	/* the digits as they came: a Long, beyond a double's precision */
	br_strbuf_addf(&b, ",\"instanceId\":%s,\"status\":\"%s\","
	    "\"planTime\":%lld,\"startTime\":%lld,\"endTime\":%lld,"
	    "\"forceSuccess\":false,\"ignoreSuccess\":false,\"total\":1,"
	    "\"nodes\":[{\"nodeName\":\"node_1\",\"status\":\"%s\"}]}", id,
	    status, (long long)v->start - 1000, (long long)v->start,
	    (long long)v->end, status);
	answer_buf(a, 200, &b);
}

static void
roma_tasks(const struct sim_route *r, const struct view *v, int gone,
    const char *status, struct sim_answer *a)
{
	static const char *const ids[] = { "project_id", "instance_id",
	    "task_id", NULL };
	static const char none[] = "{\"total\":0,\"size\":0,\"entities\":[]}";
	struct br_strbuf b = BR_STRBUF_INIT;
	const char *task = sim_route_param(r, "task_id"), *s;
	char hex[33], why[128];
	size_t i;

	for (i = 0; ids[i] != NULL; i++) {
		s = sim_route_param(r, ids[i]);
		if (s == NULL || *s == '\0' || strlen(s) > ROMA_MAX_ID) {
			snprintf(why, sizeof(why), "'%s' must be 1 to %d "
			    "characters.", ids[i], ROMA_MAX_ID);
			sim_api_bad_request(a, r->op, why);
			return;
		}
	}
	if (gone) {
		sim_answer_static(a, 200, "application/json", none,
		    sizeof(none) - 1);
		return;
	}
	sim_derived_id("roma-task:", task, hex);
	br_strbuf_addstr(&b, "{\"total\":1,\"size\":1,\"entities\":"
	    "[{\"task_id\":");
	add_str(&b, task);
	br_strbuf_addf(&b, ",\"task_name\":\"task-%.8s\",\"status\":%d,"
	    "\"execute_status\":\"%s\",\"ext_type\":\"CDC\","
	    "\"last_modified_time\":%lld}]}", hex, v->phase != PH_FAILED,
	    status, (long long)v->start);
	answer_buf(a, 200, &b);
}

/* "2023-10-09T02:07:13", UTC */
static void
css_time(char out[32], int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 32,
	    "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00");
}

static void
css_cluster(const struct sim_route *r, const struct view *v,
    const char *status, struct sim_answer *a)
{
	const char *id = sim_route_param(r, "cluster_id");
	struct br_strbuf b = BR_STRBUF_INIT;
	char hex[33], updated[32];
	int i;

	sim_derived_id("css-cluster:", id, hex);
	css_time(updated, v->end != 0 ? v->end : v->start);
	br_strbuf_addstr(&b, "{\"id\":");
	add_str(&b, id);
	br_strbuf_addf(&b, ",\"name\":\"css-%.4s\",\"status\":\"%s\","
	    "\"actions\":%s,\"actionProgress\":{},\"updated\":\"%s\"", hex,
	    status, v->phase == PH_PROGRESS ? "[\"REBOOTING\"]" : "[]",
	    updated);
	if (v->phase == PH_FAILED)
		br_strbuf_addstr(&b, ",\"failedReason\":{\"errorCode\":"
		    "\"CSS.6002\",\"errorMsg\":\"Failed to restart the "
		    "cluster.\"}");
	br_strbuf_addstr(&b, ",\"instances\":[");
	for (i = 1; i <= 2; i++) {
		/* restarting: one node after the other */
		br_strbuf_addf(&b, "%s{\"id\":\"%.31s%d\",\"name\":\"css-%.4s-"
		    "ess-esn-%d-1\",\"status\":\"%s\",\"type\":\"ess\"}",
		    i > 1 ? "," : "", hex, i, hex, i, v->phase == PH_PROGRESS &&
		    i == 2 ? svc_status[SVC_CSS][PH_HEALTHY] : status);
	}
	br_strbuf_addstr(&b, "]}");
	answer_buf(a, 200, &b);
}

/* CSS's errors of its cluster API: {"errCode", "externalMessage"}. */
static void
css_error(struct sim_answer *a, int status, const char *code,
    const char *msg)
{
	sim_answer_json2(a, status, "{\"errCode\":", code,
	    ",\"externalMessage\":", msg, "}");
}

/* The gone answer of each service; 0 for ROMA (its list is empty). */
static int
answer_gone(const struct sim_route *r, struct sim_answer *a)
{
	switch (service(r->op)) {
	case SVC_KAFKA:
	case SVC_DLF:
		sim_api_not_found(a, r->op);
		return 1;
	case SVC_CSS:
		css_error(a, 403, "CSS.0015", "The cluster does not exist.");
		return 1;
	default:
		return 0;
	}
}

const char *
sim_res_answer(struct sim_res_table *t, const struct sim_route *r,
    const struct sim_conv *c, long count, const struct sim_req *q,
    int64_t now_ms, struct sim_answer *a)
{
	static const char *const shown[] = { "healthy", "in_progress",
	    "failed" };
	int gone = c->kind == SIM_CONV_MISSING || c->kind == SIM_CONV_GONE;
	const char *status;
	struct view v;

	if (service(r->op) == SVC_ROMA && sim_route_param(r, "task_id") ==
	    NULL) {
		sim_api_bad_request(a, r->op, "'task_id' is required.");
		return NULL;
	}
	if (gone && answer_gone(r, a))
		return "gone";
	if (service(r->op) == SVC_CSS && c->kind == SIM_CONV_CSSBUSY &&
	    count >= 0 && count < c->n) {
		css_error(a, 202, "CSS.0011", "Another operation is being "
		    "performed on the instance or the instance is faulty. "
		    "Try again later.");
		return NULL;
	}
	look(t, r, c, q, now_ms, &v);
	status = svc_status[service(r->op)][v.phase];
	switch (service(r->op)) {
	case SVC_KAFKA:
		kafka_task(r, &v, status, a);
		break;
	case SVC_DLF:
		dlf_instance(r, &v, status, a);
		break;
	case SVC_ROMA:
		roma_tasks(r, &v, gone, status, a);
		break;
	default:
		css_cluster(r, &v, status, a);
		break;
	}
	free(v.body);
	if (a->status != 200)
		return NULL;		/* a 400 of the read's own checks */
	return gone ? "gone" : shown[v.phase];
}
