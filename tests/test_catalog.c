#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bind.h"
#include "catalog.h"
#include "err.h"
#include "manifest.h"
#include "builtin.h"

#define NOW	1795257000000LL		/* 2026-11-21T10:30:00Z */

static char datadir[512];

static const char *
data(const char *file)
{
	static char path[1024];
	const char *d = getenv("BULKRUN_TESTDATA");

	snprintf(datadir, sizeof(datadir), "%s/catalog",
	    d != NULL ? d : "tests/data");
	snprintf(path, sizeof(path), "%s/%s", datadir, file);
	return path;
}

static void
load_both(void)
{
	struct br_err err = { 0 };

	load_builtin();
	cr_assert_eq(br_catalog_load_file(&cat, data("add_op.json"), &err), 0,
	    "%s", err.msg);
}

/* ---- rows built by hand ---- */

struct f {
	const char	*name;
	const char	*value;
	enum br_vkind	 kind;		/* 0: STRING */
	size_t		 len;		/* 0: strlen(value) */
};

#define MAXF 64
static struct br_field fbuf[MAXF];

static void
mkrow(struct br_row *row, const struct f *f, size_t n)
{
	size_t i;

	cr_assert_leq(n, MAXF);
	memset(row, 0, sizeof(*row));
	for (i = 0; i < n; i++) {
		fbuf[i].name = (char *)f[i].name;
		fbuf[i].value = (char *)f[i].value;
		fbuf[i].kind = f[i].kind != 0 ? f[i].kind : BR_V_STRING;
		fbuf[i].len = f[i].len != 0 ? f[i].len :
		    f[i].value != NULL ? strlen(f[i].value) : 0;
	}
	row->num = 1;
	row->line = 2;
	row->nfields = n;
	row->fields = fbuf;
}

static int
bind(const struct f *f, size_t n, const struct br_bind_opts *o,
    struct br_bound *b, struct br_problems *p)
{
	struct br_row row;
	struct br_bind_opts def;

	memset(&def, 0, sizeof(def));
	def.now_ms = NOW;
	def.tz = "UTC";
	mkrow(&row, f, n);
	return br_catalog_bind(&cat, &row, o != NULL ? o : &def, b, p);
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Binds one value of param of op, with every other required parameter
 * taken from its catalog example.  Returns the normalised value (static)
 * or NULL, with reason and msg of the one problem.
 */
struct one {
	const char	*value;		/* normalised, or NULL */
	char		 reason[16];
	char		 msg[512];
};

static void
try_value(const char *opname, const char *param, const char *value,
    size_t len, enum br_vkind kind, struct one *res)
{
	static char keep[1024];
	const struct br_op *op = br_catalog_find(&cat, opname);
	struct f f[MAXF];
	struct br_bound b;
	struct br_problems p = { 0 };
	size_t i, n = 0;
	int r;

	cr_assert_not_null(op, "no op %s", opname);
	memset(res, 0, sizeof(*res));
	f[n++] = (struct f){ "op", opname, 0, 0 };
	for (i = 0; i < op->nparams; i++)
		if (op->params[i].required &&
		    strcmp(op->params[i].name, param) != 0)
			f[n++] = (struct f){ op->params[i].name,
			    op->params[i].example, 0, 0 };
	f[n++] = (struct f){ param, value, kind, len };
	r = bind(f, n, NULL, &b, &p);
	if (r == 0) {
		cr_assert_eq(p.n, 0);
		snprintf(keep, sizeof(keep), "%s", br_bound_get(&b, param) ?
		    br_bound_get(&b, param) : "(not bound)");
		res->value = keep;
	} else {
		cr_assert_eq(r, BR_EINPUT);
		cr_assert_eq(p.n, 1, "%s=%s: %zu problems, first %s", param,
		    value, p.n, p.n ? p.v[0].msg : "");
		snprintf(res->reason, sizeof(res->reason), "%s",
		    p.v[0].reason);
		snprintf(res->msg, sizeof(res->msg), "%s", p.v[0].msg);
	}
	br_bound_release(&b);
	br_problems_release(&p);
}

struct vcase {
	const char	*op;
	const char	*param;
	const char	*value;
	enum br_vkind	 kind;
	size_t		 len;
	const char	*want;		/* normalised value when good */
	const char	*reason;	/* when bad */
	const char	*msg;		/* when bad (NULL: any) */
};

static void
run_cases(const struct vcase *c, size_t n)
{
	struct one res;
	size_t i;

	for (i = 0; i < n; i++) {
		try_value(c[i].op, c[i].param, c[i].value, c[i].len,
		    c[i].kind != 0 ? c[i].kind : BR_V_STRING, &res);
		if (c[i].reason == NULL) {
			cr_assert_not_null(res.value, "#%zu %s='%s': %s: %s",
			    i, c[i].param, c[i].value, res.reason, res.msg);
			cr_assert_str_eq(res.value, c[i].want,
			    "#%zu %s='%s'", i, c[i].param, c[i].value);
		} else {
			cr_assert_null(res.value, "#%zu %s='%s' accepted as "
			    "'%s'", i, c[i].param, c[i].value,
			    res.value ? res.value : "");
			cr_assert_str_eq(res.reason, c[i].reason,
			    "#%zu %s='%s': %s", i, c[i].param, c[i].value,
			    res.msg);
			if (c[i].msg != NULL)
				cr_assert_str_eq(res.msg, c[i].msg, "#%zu", i);
		}
	}
}

#define DEMO	"demo.update_thing"
#define CSS	"css.restart_cluster"
#define ROMA	"roma.reset_multi_task"
#define DLF	"dataarts.restart_job_instance"
#define KMOD	"kafka.modify_connector_task"

/* ---- the built-in catalog ---- */

Test(catalog, builtin_has_the_five_operations_of_the_spec, .init =
    load_builtin, .fini = release)
{
	static const struct {
		const char	*name, *service, *method, *path;
		int		 success;
		const char	*response;	/* comma-joined */
		const char	*endpoint;
	} want[] = {
		{ "kafka.restart_connector_task", "kafka", "PUT",
		  "/v2/{project_id}/kafka/instances/{instance_id}/connector/"
		  "tasks/{task_id}/restart", 204, "",
		  "https://dms.{region}.myhuaweicloud.com" },
		{ "kafka.modify_connector_task", "kafka", "PUT",
		  "/v2/{project_id}/instances/{instance_id}/connector/tasks/"
		  "{task_id}", 200, "id,task_name,status",
		  "https://dms.{region}.myhuaweicloud.com" },
		{ "dataarts.restart_job_instance", "dataarts", "POST",
		  "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}/"
		  "restart", 204, "",
		  "https://dayu-dlf.{region}.myhuaweicloud.com" },
		{ "roma.reset_multi_task", "roma", "POST",
		  "/v2/{project_id}/fdi/instances/{instance_id}/multi-tasks/"
		  "{task_id}/reset", 200, "message",
		  "https://roma.{region}.myhuaweicloud.com" },
		{ "css.restart_cluster", "css", "POST",
		  "/v1.0/{project_id}/clusters/{cluster_id}/restart", 200,
		  "jobId", "https://css.{region}.myhuaweicloud.com" },
	};
	const struct br_service *svc;
	const struct br_op *op;
	char resp[256];
	size_t i, j;

	cr_assert_eq(cat.nops, N(want));
	cr_assert_eq(cat.nservices, 5);		/* and iam */
	cr_assert_eq(cat.nclouds, 2);
	for (i = 0; i < N(want); i++) {
		op = br_catalog_find(&cat, want[i].name);
		cr_assert_not_null(op, "%s", want[i].name);
		cr_assert_str_eq(op->name, want[i].name);
		cr_assert_str_eq(op->service, want[i].service);
		cr_assert_str_eq(op->method, want[i].method);
		cr_assert_str_eq(op->path, want[i].path);
		cr_assert_eq(op->nsuccess, 1);
		cr_assert_eq(op->success[0], want[i].success, "%s",
		    op->name);
		resp[0] = '\0';
		for (j = 0; j < op->nresponse; j++) {
			if (j > 0)
				strcat(resp, ",");
			strcat(resp, op->response[j]);
		}
		cr_assert_str_eq(resp, want[i].response, "%s", op->name);
		cr_assert_not_null(op->summary);
		cr_assert_gt(strlen(op->summary), 0);
		svc = br_catalog_service(&cat, op->service);
		cr_assert_not_null(svc, "%s", op->service);
		/* a host per cloud, Huawei Cloud's first */
		cr_assert_null(svc->endpoint);
		cr_assert_eq(svc->nhosts, 2, "%s", op->service);
		cr_assert_str_eq(svc->hosts[0].cloud, "huaweicloud");
		cr_assert_str_eq(svc->hosts[0].endpoint, want[i].endpoint);
		cr_assert_str_eq(svc->hosts[1].cloud, "otc");
		for (j = 0; j < op->nparams; j++) {
			cr_assert_not_null(op->params[j].description, "%s %s",
			    op->name, op->params[j].name);
			cr_assert_not_null(op->params[j].example, "%s %s",
			    op->name, op->params[j].name);
		}
	}
}

static const struct br_param *
param(const struct br_op *op, const char *name)
{
	size_t i;

	for (i = 0; i < op->nparams; i++)
		if (strcmp(op->params[i].name, name) == 0)
			return &op->params[i];
	return NULL;
}

Test(catalog, builtin_parameters_follow_the_api_pages, .init = load_builtin,
    .fini = release)
{
	static const struct {
		const char	*op, *name;
		enum br_ploc	 in;
		enum br_ptype	 type;
		int		 required;
		long		 min_length, max_length;
	} want[] = {
		{ "kafka.restart_connector_task", "project_id", BR_IN_PATH,
		  BR_T_STRING, 1, 1, -1 },
		{ "kafka.restart_connector_task", "instance_id", BR_IN_PATH,
		  BR_T_STRING, 1, 1, -1 },
		{ "kafka.restart_connector_task", "task_id", BR_IN_PATH,
		  BR_T_STRING, 1, 1, -1 },
		{ KMOD, "project_id", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
		{ KMOD, "instance_id", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
		{ KMOD, "task_id", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
		{ DLF, "project_id", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
		{ DLF, "job_name", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
		{ DLF, "instance_id", BR_IN_PATH, BR_T_LONG, 1, -1, -1 },
		{ DLF, "workspace", BR_IN_HEADER, BR_T_STRING, 0, -1, -1 },
		{ ROMA, "project_id", BR_IN_PATH, BR_T_STRING, 1, 1, 64 },
		{ ROMA, "instance_id", BR_IN_PATH, BR_T_STRING, 1, 1, 64 },
		{ ROMA, "task_id", BR_IN_PATH, BR_T_STRING, 1, 1, 64 },
		{ ROMA, "date_from", BR_IN_BODY, BR_T_EPOCH_MS, 0, -1, -1 },
		{ CSS, "project_id", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
		{ CSS, "cluster_id", BR_IN_PATH, BR_T_STRING, 1, 1, -1 },
	};
	const struct br_op *op;
	const struct br_param *p;
	size_t i, n[5] = { 0 };

	for (i = 0; i < N(want); i++) {
		op = br_catalog_find(&cat, want[i].op);
		cr_assert_not_null(op);
		p = param(op, want[i].name);
		cr_assert_not_null(p, "%s %s", want[i].op, want[i].name);
		cr_assert_eq(p->in, want[i].in, "%s %s", op->name, p->name);
		cr_assert_eq(p->type, want[i].type, "%s %s", op->name,
		    p->name);
		cr_assert_eq(p->required, want[i].required, "%s %s",
		    op->name, p->name);
		cr_assert_eq(p->min_length, want[i].min_length, "%s %s",
		    op->name, p->name);
		cr_assert_eq(p->max_length, want[i].max_length, "%s %s",
		    op->name, p->name);
		cr_assert_str_eq(p->wire, p->name);
	}
	p = param(br_catalog_find(&cat, ROMA), "date_from");
	cr_assert(p->has_min && p->min == 1 && !p->has_max);
	p = param(br_catalog_find(&cat, DLF), "instance_id");
	cr_assert(!p->has_min && !p->has_max);

	/* nothing beyond the pages: counts per operation */
	n[0] = br_catalog_find(&cat, "kafka.restart_connector_task")->nparams;
	n[1] = br_catalog_find(&cat, DLF)->nparams;
	n[2] = br_catalog_find(&cat, ROMA)->nparams;
	n[3] = br_catalog_find(&cat, CSS)->nparams;
	n[4] = br_catalog_find(&cat, KMOD)->nparams;
	cr_assert_eq(n[0], 3);
	cr_assert_eq(n[1], 4);
	cr_assert_eq(n[2], 4);
	cr_assert_eq(n[3], 2);
	cr_assert_eq(n[4], 3 + 40);
}

Test(catalog, builtin_kafka_modify_has_every_body_field, .init =
    load_builtin, .fini = release)
{
	static const struct {
		const char	*name;
		enum br_ptype	 type;
	} want[] = {
		{ "task_name", BR_T_STRING },
		{ "topics", BR_T_STRING },
		{ "topics_regex", BR_T_STRING },
		{ "source_type", BR_T_STRING },
		{ "source_task.current_cluster_name", BR_T_STRING },
		{ "source_task.cluster_name", BR_T_STRING },
		{ "source_task.user_name", BR_T_STRING },
		{ "source_task.sasl_mechanism", BR_T_STRING },
		{ "source_task.instance_id", BR_T_STRING },
		{ "source_task.bootstrap_servers", BR_T_STRING },
		{ "source_task.security_protocol", BR_T_STRING },
		{ "source_task.direction", BR_T_STRING },
		{ "source_task.sync_consumer_offsets_enabled", BR_T_BOOLEAN },
		{ "source_task.replication_factor", BR_T_INTEGER },
		{ "source_task.task_num", BR_T_INTEGER },
		{ "source_task.rename_topic_enabled", BR_T_BOOLEAN },
		{ "source_task.provenance_header_enabled", BR_T_BOOLEAN },
		{ "source_task.consumer_strategy", BR_T_STRING },
		{ "source_task.compression_type", BR_T_STRING },
		{ "source_task.topics_mapping", BR_T_STRING },
		{ "sink_type", BR_T_STRING },
		{ "sink_task.consumer_strategy", BR_T_STRING },
		{ "sink_task.destination_file_type", BR_T_ENUM },
		{ "sink_task.deliver_time_interval", BR_T_INTEGER },
		{ "sink_task.obs_bucket_name", BR_T_STRING },
		{ "sink_task.obs_path", BR_T_STRING },
		{ "sink_task.partition_format", BR_T_STRING },
		{ "sink_task.record_delimiter", BR_T_STRING },
		{ "sink_task.store_keys", BR_T_BOOLEAN },
		{ "sink_task.obs_part_size", BR_T_INTEGER },
		{ "sink_task.flush_size", BR_T_INTEGER },
		{ "sink_task.timezone", BR_T_STRING },
		{ "sink_task.schema_generator_class", BR_T_STRING },
		{ "sink_task.partitioner_class", BR_T_STRING },
		{ "sink_task.value_converter", BR_T_STRING },
		{ "sink_task.key_converter", BR_T_STRING },
		{ "sink_task.kv_delimiter", BR_T_STRING },
		{ "id", BR_T_STRING },
		{ "status", BR_T_STRING },
		{ "create_time", BR_T_LONG },
	};
	const struct br_op *op = br_catalog_find(&cat, KMOD);
	const struct br_param *p;
	size_t i, nbody = 0;

	cr_assert_not_null(op);
	for (i = 0; i < N(want); i++) {
		p = param(op, want[i].name);
		cr_assert_not_null(p, "missing %s", want[i].name);
		cr_assert_eq(p->in, BR_IN_BODY, "%s", p->name);
		cr_assert_eq(p->type, want[i].type, "%s", p->name);
		cr_assert_eq(p->required, 0, "%s", p->name);
	}
	for (i = 0; i < op->nparams; i++)
		if (op->params[i].in == BR_IN_BODY)
			nbody++;
	cr_assert_eq(nbody, N(want));
	p = param(op, "sink_task.destination_file_type");
	cr_assert_eq(p->nenums, 1);
	cr_assert_str_eq(p->enums[0], "TEXT");
}

/* Every operation's own example row (from "bulkrun ops NAME") binds. */
Test(catalog, builtin_example_rows_bind_cleanly, .init = load_builtin,
    .fini = release)
{
	struct f f[MAXF];
	struct br_bound b;
	struct br_problems p = { 0 };
	size_t i, j, n;
	int r;

	for (i = 0; i < cat.nops; i++) {
		const struct br_op *op = &cat.ops[i];

		n = 0;
		f[n++] = (struct f){ "op", op->name, 0, 0 };
		for (j = 0; j < op->nparams; j++)
			f[n++] = (struct f){ op->params[j].name,
			    op->params[j].example, 0, 0 };
		r = bind(f, n, NULL, &b, &p);
		cr_assert_eq(r, 0, "%s: %s", op->name, p.n ? p.v[0].msg : "");
		cr_assert_eq(b.op, op);
		cr_assert_eq(b.nargs, op->nparams);
		br_bound_release(&b);
	}
	br_problems_release(&p);
}

/* ---- find and suggest ---- */

Test(catalog, find_exact_then_case_insensitive, .init = load_builtin,
    .fini = release)
{
	cr_assert_str_eq(br_catalog_find(&cat, CSS)->name, CSS);
	cr_assert_str_eq(br_catalog_find(&cat, "CSS.Restart_Cluster")->name,
	    CSS);
	cr_assert_null(br_catalog_find(&cat, "css.restart"));
	cr_assert_null(br_catalog_find(&cat, ""));
	cr_assert_null(br_catalog_find(&cat, NULL));
	cr_assert_str_eq(br_catalog_service(&cat, "CSS")->name, "css");
	cr_assert_null(br_catalog_service(&cat, "ecs"));
}

Test(catalog, suggest_nearest_name, .init = load_builtin, .fini = release)
{
	static const struct {
		const char *in, *want;
	} c[] = {
		{ "css.restart", CSS },			/* prefix */
		{ "css.restrat_cluster", CSS },		/* swap */
		{ "CSS.RESTART_CLUSTR", CSS },			/* case */
		{ "restart_cluster", CSS },		/* no service */
		{ "elastic.restart_cluster", CSS },		/* tail */
		{ "roma.reset_multitask", ROMA },
		{ "dataarts.restart_job_instanse", DLF },
		{ "kafka.modify_conector_task", KMOD },
		{ "kafka.restart_connector_tsak",
		  "kafka.restart_connector_task" },
		{ "frobnicate", NULL },
		{ "css.delete_cluster", CSS },		/* within len/3 */
		{ "css.create_snapshot", NULL },
		{ "obs.list_buckets", NULL },
		{ "x", NULL },
		{ "", NULL },
	};
	const char *s;
	size_t i;

	for (i = 0; i < N(c); i++) {
		s = br_catalog_suggest(&cat, c[i].in);
		if (c[i].want == NULL)
			cr_assert_null(s, "%s -> %s", c[i].in, s);
		else {
			cr_assert_not_null(s, "%s", c[i].in);
			cr_assert_str_eq(s, c[i].want, "%s", c[i].in);
		}
	}
	cr_assert_null(br_catalog_suggest(&cat, NULL));
}

/* ---- binding: operation ---- */

Test(catalog, bind_no_op, .init = load_builtin, .fini = release)
{
	struct f f[] = { { "cluster_id", "c1", 0, 0 }, { "op", "  ", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(f, N(f), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0].reason, "NO_OP");
	cr_assert_str_eq(p.v[0].msg, "no operation: the row has no 'op' and "
	    "no --op was given");
	cr_assert_null(b.op);
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, bind_unknown_op_suggests, .init = load_builtin,
    .fini = release)
{
	struct f f1[] = { { "op", "css.restart", 0, 0 } };
	struct f f2[] = { { "op", "frobnicate\n", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(f1, 1, NULL, &b, &p), BR_EINPUT);
	cr_assert_str_eq(p.v[0].reason, "UNKNOWN_OP");
	cr_assert_str_eq(p.v[0].msg, "unknown operation 'css.restart'; did "
	    "you mean 'css.restart_cluster'?");
	br_bound_release(&b);
	cr_assert_eq(bind(f2, 1, NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 2);
	cr_assert_str_eq(p.v[1].reason, "UNKNOWN_OP");
	cr_assert_str_eq(p.v[1].msg, "unknown operation 'frobnicate'");
	br_bound_release(&b);
	/* a NUL inside the name does not cut it short */
	f2[0].value = "css.restart_cluster\0x";
	f2[0].len = 21;
	cr_assert_eq(bind(f2, 1, NULL, &b, &p), BR_EINPUT);
	cr_assert_str_eq(p.v[2].msg, "unknown operation "
	    "'css.restart_cluster\\x00x'; did you mean 'css.restart_cluster'?");
	cr_assert_null(b.op);
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, bind_op_from_row_or_default, .init = load_builtin,
    .fini = release)
{
	struct f nocol[] = { { "project_id", "p", 0, 0 },
	    { "cluster_id", "c", 0, 0 } };
	struct f blank[] = { { "OP", "", 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "c", 0, 0 } };
	struct f own[] = { { "Op", " CSS.RESTART_CLUSTER ", 0, 0 },
	    { "project_id", "p", 0, 0 }, { "cluster_id", "c", 0, 0 } };
	struct br_bind_opts o = { .default_op = CSS, .now_ms = NOW };
	struct br_bind_opts bad = { .default_op = "css.restart" };
	struct br_bind_opts roma = { .default_op = ROMA };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(nocol, N(nocol), &o, &b, &p), 0);
	cr_assert_str_eq(b.op->name, CSS);
	br_bound_release(&b);
	cr_assert_eq(bind(blank, N(blank), &o, &b, &p), 0);
	cr_assert_str_eq(b.op->name, CSS);
	br_bound_release(&b);
	/* the row's own op wins over --op, matched case-insensitively */
	cr_assert_eq(bind(own, N(own), &roma, &b, &p), 0);
	cr_assert_str_eq(b.op->name, CSS);
	br_bound_release(&b);
	cr_assert_eq(bind(nocol, N(nocol), &bad, &b, &p), BR_EINPUT);
	cr_assert_str_eq(p.v[0].reason, "UNKNOWN_OP");
	br_bound_release(&b);
	br_problems_release(&p);
}

/* ---- binding: parameters ---- */

Test(catalog, bind_missing_and_all_problems_collected, .init = load_both,
    .fini = release)
{
	struct f f[] = {
		{ "op", DEMO, 0, 0 },
		{ "limit", "0", 0, 0 },
		{ "mode", "quick", 0, 0 },
		{ "enabled", "maybe", 0, 0 },
		{ "region", "a/b", 0, 0 },
	};
	struct br_bound b;
	struct br_problems p = { 0 };
	size_t i;
	static const char *const want[][2] = {
		{ "FORMAT", "column 'region' must hold letters, digits, '-', "
		  "'_' and '.' only, got 'a/b'" },
		{ "MISSING", "missing required parameter 'project_id'" },
		{ "MISSING", "missing required parameter 'thing_id'" },
		{ "RANGE", "'limit' must be between 1 and 100, got '0'" },
		{ "ENUM", "'mode' must be one of 'fast', 'Slow', 'SAFE', got "
		  "'quick'" },
		{ "TYPE", "'enabled' must be true or false (or yes/no, 1/0), "
		  "got 'maybe'" },
		{ "MISSING", "missing required parameter 'title'" },
	};

	cr_assert_eq(bind(f, N(f), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, N(want));
	for (i = 0; i < N(want); i++) {
		cr_assert_str_eq(p.v[i].reason, want[i][0], "#%zu", i);
		cr_assert_str_eq(p.v[i].msg, want[i][1], "#%zu", i);
	}
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, bind_names_case_insensitive_args_in_catalog_order,
    .init = load_both, .fini = release)
{
	struct f f[] = {
		{ "TITLE", "héllo", 0, 0 },
		{ "Mode", "SAFE", 0, 0 },
		{ "unused", "kept elsewhere", 0, 0 },
		{ "Thing_ID", "42", 0, 0 },
		{ "PROJECT_ID", "p1", 0, 0 },
		{ "Op", DEMO, 0, 0 },
		{ "Spec.Count", "3", 0, 0 },
	};
	static const char *const order[] = {
		"project_id", "thing_id", "mode", "title", "spec.count"
	};
	struct br_bound b;
	struct br_problems p = { 0 };
	size_t i;

	cr_assert_eq(bind(f, N(f), NULL, &b, &p), 0);
	cr_assert_eq(b.nargs, N(order));
	for (i = 0; i < N(order); i++)
		cr_assert_str_eq(b.args[i].param->name, order[i]);
	cr_assert_str_eq(br_bound_get(&b, "TITLE"), "héllo");
	cr_assert_str_eq(br_bound_get(&b, "spec.count"), "3");
	cr_assert_null(br_bound_get(&b, "limit"));	/* not given */
	cr_assert_null(br_bound_get(&b, "unused"));
	cr_assert_null(b.region);
	cr_assert_null(b.endpoint);
	br_bound_release(&b);
	br_problems_release(&p);
}

/* JSON defaults come first, the row's own keys after: the last field
 * that holds a value wins, whatever the case of its name. */
Test(catalog, bind_last_given_duplicate_wins, .init = load_builtin,
    .fini = release)
{
	struct f f[] = { { "op", DLF, 0, 0 }, { "Workspace", "defaults", 0, 0 },
	    { "project_id", "p", 0, 0 }, { "job_name", "j", 0, 0 },
	    { "instance_id", "1", 0, 0 }, { "workspace", "row", 0, 0 },
	    { "WORKSPACE", NULL, BR_V_NULL, 0 }, { "workspace", " ", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(f, N(f), NULL, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "workspace"), "row");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, bind_set_fills_only_empty, .init = load_builtin,
    .fini = release)
{
	struct br_set sets[] = {
		{ "PROJECT_ID", "from-set-1" },
		{ "cluster_id", "from-set" },
		{ "project_id", "from-set-2" },	/* last one wins */
		{ "workspace", "ignored" },		/* not a css param */
	};
	struct br_bind_opts o = { .sets = sets, .nsets = N(sets) };
	struct f given[] = { { "op", CSS, 0, 0 },
	    { "cluster_id", "from-row", 0, 0 },
	    { "project_id", " \t ", 0, 0 } };
	struct f absent[] = { { "op", CSS, 0, 0 } };
	struct f nullv[] = { { "op", CSS, 0, 0 },
	    { "cluster_id", NULL, BR_V_NULL, 0 } };
	struct br_set blank[] = { { "cluster_id", "  " },
	    { "project_id", "p" } };
	struct br_bind_opts ob = { .sets = blank, .nsets = N(blank) };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(given, N(given), &o, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "cluster_id"), "from-row");
	cr_assert_str_eq(br_bound_get(&b, "project_id"), "from-set-2");
	br_bound_release(&b);
	cr_assert_eq(bind(absent, N(absent), &o, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "cluster_id"), "from-set");
	br_bound_release(&b);
	cr_assert_eq(bind(nullv, N(nullv), &o, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "cluster_id"), "from-set");
	br_bound_release(&b);
	/* a blank --set value gives nothing */
	cr_assert_eq(bind(absent, N(absent), &ob, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0].msg, "missing required parameter "
	    "'cluster_id'");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, integers, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ DEMO, "spec.count", "2147483647", 0, 0, "2147483647", NULL,
		  NULL },
		{ DEMO, "spec.count", "-2147483648", 0, 0, "-2147483648", NULL,
		  NULL },
		{ DEMO, "spec.count", "2147483648", 0, 0, NULL, "RANGE",
		  "'spec.count' must be between -2147483648 and 2147483647, "
		  "got '2147483648'" },
		{ DEMO, "spec.count", "-2147483649", 0, 0, NULL, "RANGE",
		  NULL },
		{ DEMO, "spec.count", "99999999999999999999", 0, 0, NULL,
		  "RANGE", NULL },
		{ DEMO, "spec.count", " 42 ", 0, 0, "42", NULL, NULL },
		{ DEMO, "spec.count", "\t42", 0, 0, "42", NULL, NULL },
		{ DEMO, "spec.count", "\xc2\xa0" "12\xc2\xa0", 0, 0, "12", NULL,
		  NULL },
		{ DEMO, "spec.count", "+7", 0, 0, "7", NULL, NULL },
		{ DEMO, "spec.count", "007", 0, 0, "7", NULL, NULL },
		{ DEMO, "spec.count", "-0", 0, 0, "0", NULL, NULL },
		{ DEMO, "spec.count", "3.0", 0, 0, NULL, "TYPE",
		  "'spec.count' must be an integer, got '3.0'" },
		{ DEMO, "spec.count", "4 2", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "spec.count", "1e3", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "spec.count", "0x10", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "spec.count", "three", 0, 0, NULL, "TYPE",
		  "'spec.count' must be an integer, got 'three'" },
		{ DEMO, "spec.count", "--1", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "spec.count", "+", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "spec.count", "3", BR_V_NUMBER, 0, "3", NULL, NULL },
		{ DEMO, "spec.count", "3.0", BR_V_NUMBER, 0, NULL, "TYPE",
		  NULL },
		{ DEMO, "spec.count", "3e0", BR_V_NUMBER, 0, NULL, "TYPE",
		  NULL },
		{ DEMO, "spec.count", "true", BR_V_BOOL, 0, NULL, "TYPE",
		  NULL },
		{ DEMO, "spec.count", "[1]", BR_V_JSON, 0, NULL, "TYPE",
		  "'spec.count' must be an integer, got a JSON array: '[1]'" },
		{ DEMO, "limit", "1", 0, 0, "1", NULL, NULL },
		{ DEMO, "limit", "100", 0, 0, "100", NULL, NULL },
		{ DEMO, "limit", "101", 0, 0, NULL, "RANGE",
		  "'limit' must be between 1 and 100, got '101'" },
		{ KMOD, "source_task.task_num", "3", 0, 0, "3", NULL, NULL },
		{ KMOD, "source_task.task_num", "three", 0, 0, NULL, "TYPE",
		  "'source_task.task_num' must be an integer, got 'three'" },
	};

	run_cases(c, N(c));
}

Test(catalog, longs, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ DEMO, "thing_id", "9223372036854775807", 0, 0,
		  "9223372036854775807", NULL, NULL },
		{ DEMO, "thing_id", "-9223372036854775808", 0, 0,
		  "-9223372036854775808", NULL, NULL },
		{ DEMO, "thing_id", "9223372036854775808", 0, 0, NULL,
		  "RANGE", "'thing_id' must be between -9223372036854775808 "
		  "and 9223372036854775807, got '9223372036854775808'" },
		{ DEMO, "thing_id", "-9223372036854775809", 0, 0, NULL,
		  "RANGE", NULL },
		{ DEMO, "thing_id", "18446744073709551616", 0, 0, NULL,
		  "RANGE", NULL },
		{ DEMO, "thing_id", "12x", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "spec.size", "9000000000000000001", 0, 0,
		  "9000000000000000001", NULL, NULL },
		{ DEMO, "spec.size", "9000000000000000002", 0, 0, NULL,
		  "RANGE", "'spec.size' must be at most 9000000000000000001, "
		  "got '9000000000000000002'" },
		{ DLF, "instance_id", " 34765 ", 0, 0, "34765", NULL, NULL },
		{ DLF, "instance_id", "34765.0", 0, 0, NULL, "TYPE",
		  "'instance_id' must be an integer, got '34765.0'" },
		{ KMOD, "create_time", "1764301161335", BR_V_NUMBER, 0,
		  "1764301161335", NULL, NULL },
	};

	run_cases(c, N(c));
}

Test(catalog, booleans, .init = load_both, .fini = release)
{
	static const char *const yes[] = {
		"true", "TRUE", "True", "yes", "YES", "Yes", "1", " 1 ", "tRuE"
	};
	static const char *const no[] = {
		"false", "FALSE", "False", "no", "NO", "0", " false\t"
	};
	static const struct vcase c[] = {
		{ DEMO, "enabled", "y", 0, 0, NULL, "TYPE",
		  "'enabled' must be true or false (or yes/no, 1/0), got 'y'" },
		{ DEMO, "enabled", "2", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "enabled", "truee", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "enabled", "on", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "enabled", "t rue", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "enabled", "false", BR_V_BOOL, 0, "false", NULL, NULL },
		{ DEMO, "enabled", "1", BR_V_NUMBER, 0, "true", NULL, NULL },
		{ KMOD, "sink_task.store_keys", "No", 0, 0, "false", NULL,
		  NULL },
	};
	struct vcase v = { DEMO, "enabled", NULL, 0, 0, NULL, NULL, NULL };
	size_t i;

	for (i = 0; i < N(yes); i++) {
		v.value = yes[i];
		v.want = "true";
		run_cases(&v, 1);
	}
	for (i = 0; i < N(no); i++) {
		v.value = no[i];
		v.want = "false";
		run_cases(&v, 1);
	}
	run_cases(c, N(c));
}

Test(catalog, enums_normalise_to_catalog_spelling, .init = load_both,
    .fini = release)
{
	static const struct vcase c[] = {
		{ DEMO, "mode", "fast", 0, 0, "fast", NULL, NULL },
		{ DEMO, "mode", "FAST", 0, 0, "fast", NULL, NULL },
		{ DEMO, "mode", "slow", 0, 0, "Slow", NULL, NULL },
		{ DEMO, "mode", "Slow", 0, 0, "Slow", NULL, NULL },
		{ DEMO, "mode", " safe ", 0, 0, "SAFE", NULL, NULL },
		{ DEMO, "mode", "quick", 0, 0, NULL, "ENUM",
		  "'mode' must be one of 'fast', 'Slow', 'SAFE', got 'quick'" },
		{ DEMO, "mode", "fa st", 0, 0, NULL, "ENUM", NULL },
		{ KMOD, "sink_task.destination_file_type", "text", 0, 0,
		  "TEXT", NULL, NULL },
		{ KMOD, "sink_task.destination_file_type", "csv", 0, 0, NULL,
		  "ENUM", "'sink_task.destination_file_type' must be one of "
		  "'TEXT', got 'csv'" },
	};

	run_cases(c, N(c));
}

Test(catalog, numbers, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ DEMO, "ratio", "0.5", 0, 0, "0.5", NULL, NULL },
		{ DEMO, "ratio", "1e-1", 0, 0, "0.1", NULL, NULL },
		{ DEMO, "ratio", ".25", 0, 0, "0.25", NULL, NULL },
		{ DEMO, "ratio", " 1 ", 0, 0, "1", NULL, NULL },
		{ DEMO, "ratio", "-0", 0, 0, "0", NULL, NULL },
		{ DEMO, "ratio", "0.1", BR_V_NUMBER, 0, "0.1", NULL, NULL },
		{ DEMO, "ratio", "1.5", 0, 0, NULL, "RANGE",
		  "'ratio' must be between 0 and 1, got '1.5'" },
		{ DEMO, "ratio", "-0.1", 0, 0, NULL, "RANGE", NULL },
		{ DEMO, "ratio", "1e999", 0, 0, NULL, "RANGE",
		  "'ratio' is too large a number, got '1e999'" },
		{ DEMO, "ratio", "inf", 0, 0, NULL, "TYPE",
		  "'ratio' must be a number, got 'inf'" },
		{ DEMO, "ratio", "nan", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "ratio", "0x1", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "ratio", "1e", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "ratio", ".", 0, 0, NULL, "TYPE", NULL },
		{ DEMO, "ratio", "0,5", 0, 0, NULL, "TYPE", NULL },
	};

	run_cases(c, N(c));
}

Test(catalog, epoch_ms_takes_dates, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ ROMA, "date_from", "1630052714000", 0, 0, "1630052714000",
		  NULL, NULL },
		{ ROMA, "date_from", "1630052714000", BR_V_NUMBER, 0,
		  "1630052714000", NULL, NULL },
		{ ROMA, "date_from", "1", 0, 0, NULL, "OLD_DATE",
		  "'date_from' looks like a spreadsheet date serial (1 = "
		  "1900-01-01); format the column as YYYY-MM-DD" },
		{ ROMA, "date_from", "2026-11-21", 0, 0, "1795219200000", NULL,
		  NULL },
		{ ROMA, "date_from", "2026-11-21T00:00:00Z", 0, 0,
		  "1795219200000", NULL, NULL },
		{ ROMA, "date_from", "2026-11-21 00:00", 0, 0,
		  "1795219200000", NULL, NULL },
		{ ROMA, "date_from", "now-24h", 0, 0, "1795170600000", NULL,
		  NULL },
		{ ROMA, "date_from", "today", 0, 0, "1795219200000", NULL,
		  NULL },
		{ ROMA, "date_from", "yesterday", 0, 0, "1795132800000", NULL,
		  NULL },
		{ ROMA, "date_from", " now ", 0, 0, "1795257000000", NULL,
		  NULL },
		{ ROMA, "date_from", "0", 0, 0, NULL, "RANGE",
		  "'date_from' must be at least 1, got '0'" },
		{ ROMA, "date_from", "-5", 0, 0, NULL, "RANGE", NULL },
		{ ROMA, "date_from", "1969-12-31T00:00:00Z", 0, 0, NULL,
		  "RANGE", "'date_from' must be at least 1, got "
		  "'1969-12-31T00:00:00Z'" },
		{ ROMA, "date_from", "99999999999999999999", 0, 0, NULL,
		  "RANGE", NULL },
		{ ROMA, "date_from", "2026-13-01", 0, 0, NULL, "FORMAT",
		  "'date_from' must be epoch milliseconds or a date: "
		  "'2026-13-01': month out of range" },
		{ ROMA, "date_from", "tomorrow", 0, 0, NULL, "FORMAT", NULL },
		/* no min, but before 1973 (see old_dates_are_refused) */
		{ DEMO, "when", "-5", 0, 0, NULL, "OLD_DATE",
		  "'when' is before 1973-03-03 (1969-12-31T23:59:59.995Z): "
		  "too early to be meant; give --allow-old-dates if it is" },
	};

	run_cases(c, N(c));
}

Test(catalog, epoch_ms_uses_tz, .init = load_builtin, .fini = release)
{
	struct f f[] = { { "op", ROMA, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "instance_id", "i", 0, 0 }, { "task_id", "t", 0, 0 },
	    { "date_from", "2026-11-21", 0, 0 } };
	struct br_bind_opts o = { .now_ms = NOW, .tz = "Europe/Berlin" };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(f, N(f), &o, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "date_from"), "1795215600000");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, string_lengths_count_code_points, .init = load_both,
    .fini = release)
{
	static char a64[65], a65[66], e64[129], e65[131], q[200];
	struct vcase c[] = {
		{ DEMO, "title", "ab", 0, 0, "ab", NULL, NULL },
		{ DEMO, "title", "a", 0, 0, NULL, "LENGTH",
		  "'title' must be 2 to 5 characters long, got 1: 'a'" },
		{ DEMO, "title", "héllo", 0, 0, "héllo", NULL, NULL },
		{ DEMO, "title", "héllo!", 0, 0, NULL, "LENGTH",
		  "'title' must be 2 to 5 characters long, got 6: 'héllo!'" },
		{ DEMO, "title", "€€€€€", 0, 0, "€€€€€", NULL, NULL },
		{ DEMO, "title", "😀😀😀😀😀", 0, 0, "😀😀😀😀😀", NULL, NULL },
		{ DEMO, "title", "😀😀😀😀😀😀", 0, 0, NULL, "LENGTH", NULL },
		{ DEMO, "title", " ab ", 0, 0, " ab ", NULL,
		  NULL },	/* not trimmed */
		{ DEMO, "title", "12", BR_V_NUMBER, 0, "12", NULL, NULL },
		{ DEMO, "code", "ab", 0, 0, NULL, "LENGTH",
		  "'code' must be at least 3 characters long, got 2: 'ab'" },
		{ DEMO, "note", "abcd", 0, 0, NULL, "LENGTH",
		  "'note' must be at most 3 characters long, got 4: 'abcd'" },
		{ ROMA, "project_id", a64, 0, 0, a64, NULL, NULL },
		{ ROMA, "project_id", a65, 0, 0, NULL, "LENGTH", q },
		{ ROMA, "project_id", e64, 0, 0, e64, NULL, NULL },
		{ ROMA, "project_id", e65, 0, 0, NULL, "LENGTH", NULL },
		{ CSS, "cluster_id", a65, 0, 0, a65, NULL,
		  NULL },	/* no documented max */
	};
	int i;

	memset(a64, 'a', 64);
	memset(a65, 'a', 65);
	for (i = 0; i < 64; i++)
		memcpy(e64 + 2 * i, "é", 2);
	for (i = 0; i < 65; i++)
		memcpy(e65 + 2 * i, "é", 2);
	snprintf(q, sizeof(q), "'project_id' must be 1 to 64 characters "
	    "long, got 65: '%.60s...'", a65);
	run_cases(c, N(c));
}

Test(catalog, invalid_utf8_is_format, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ DEMO, "title", "\xff\xfe", 0, 0, NULL, "FORMAT",
		  "'title' is not valid UTF-8: '\\xFF\\xFE'" },
		{ DEMO, "title", "a\xc0\xaf", 0, 0, NULL, "FORMAT",
		  "'title' is not valid UTF-8: 'a\\xC0\\xAF'" },
		{ DEMO, "title", "\xed\xa0\x80x", 0, 0, NULL, "FORMAT", NULL },
		{ DEMO, "title", "ab\xe2\x82", 0, 0, NULL, "FORMAT", NULL },
		{ DEMO, "title", "\xf4\x90\x80\x80", 0, 0, NULL, "FORMAT",
		  NULL },
		{ DEMO, "title", "\xf0\x9f\x98\x80\xc3", 0, 0, NULL, "FORMAT",
		  "'title' is not valid UTF-8: '😀\\xC3'" },
		{ KMOD, "task_name", "caf\xe9", 0, 0, NULL, "FORMAT", NULL },
		{ CSS, "cluster_id", "\x80", 0, 0, NULL, "FORMAT", NULL },
	};

	run_cases(c, N(c));
}

Test(catalog, control_characters, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ DLF, "workspace", "a\nb", 0, 0, NULL, "CONTROL",
		  "header 'workspace' contains a control character: "
		  "'a\\x0Ab'" },
		{ DLF, "workspace", "ab\x7f", 0, 0, NULL, "CONTROL",
		  "header 'workspace' contains a control character: "
		  "'ab\\x7F'" },
		{ DLF, "workspace", "\tws", 0, 0, NULL, "BLANK",
		  "'workspace' starts with a tab (U+0009): remove it from the "
		  "value" },
		{ DLF, "workspace", "w\r", 0, 0, NULL, "BLANK",
		  "'workspace' ends with a carriage return (U+000D): remove it "
		  "from the value" },
		{ DLF, "workspace", "w\tx", 0, 0, NULL, "CONTROL", NULL },
		{ DLF, "workspace", "a\0b", 0, 3, NULL, "CONTROL",
		  "header 'workspace' contains a NUL byte: 'a\\x00b'" },
		{ DLF, "workspace", "ws 1", 0, 0, "ws 1", NULL, NULL },
		{ CSS, "cluster_id", "x\ry", 0, 0, NULL, "CONTROL",
		  "path parameter 'cluster_id' contains a control character: "
		  "'x\\x0Dy'" },
		{ DLF, "instance_id", "12\n", 0, 0, NULL, "CONTROL", NULL },
		{ DEMO, "limit", "1\x1b", 0, 0, NULL, "CONTROL",
		  "query parameter 'limit' contains a control character: "
		  "'1\\x1B'" },
		{ DEMO, "trace", "t\x01", 0, 0, NULL, "CONTROL",
		  "header 'trace' contains a control character: 't\\x01'" },
		/* body strings may hold line breaks (JSON escapes them) */
		{ KMOD, "task_name", "a\r\nb", 0, 0, "a\r\nb", NULL, NULL },
		{ KMOD, "task_name", "a\0b", 0, 3, NULL, "CONTROL",
		  "parameter 'task_name' contains a NUL byte: 'a\\x00b'" },
	};

	run_cases(c, N(c));
}

Test(catalog, path_values, .init = load_builtin, .fini = release)
{
	static const struct vcase c[] = {
		{ CSS, "cluster_id", ".", 0, 0, NULL, "FORMAT",
		  "path parameter 'cluster_id' cannot be '.'" },
		{ CSS, "cluster_id", "..", 0, 0, NULL, "FORMAT", NULL },
		{ CSS, "cluster_id", "...", 0, 0, "...", NULL, NULL },
		{ CSS, "cluster_id", "a/../b?c#d%2F", 0, 0, "a/../b?c#d%2F",
		  NULL, NULL },
		{ CSS, "cluster_id", "c 1", 0, 0, "c 1", NULL, NULL },
		{ CSS, "cluster_id", " c1 ", 0, 0, NULL, "BLANK",
		  "'cluster_id' starts with a space (U+0020) and ends with a "
		  "space (U+0020): remove them from the value" },
	};
	struct f f[] = { { "op", CSS, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	run_cases(c, N(c));
	/* an empty path value is missing */
	cr_assert_eq(bind(f, N(f), NULL, &b, &p), BR_EINPUT);
	cr_assert_str_eq(p.v[0].reason, "MISSING");
	cr_assert_str_eq(p.v[0].msg, "missing required parameter "
	    "'cluster_id'");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, json_kinds, .init = load_both, .fini = release)
{
	static const struct vcase c[] = {
		{ DEMO, "title", "[1,2]", BR_V_JSON, 0, NULL, "TYPE",
		  "'title' must be a string, got a JSON array: '[1,2]'" },
		{ DEMO, "mode", "[\"fast\"]", BR_V_JSON, 0, NULL, "TYPE",
		  "'mode' must be an enum, got a JSON array: '[\"fast\"]'" },
		{ ROMA, "date_from", "[]", BR_V_JSON, 0, NULL, "TYPE",
		  "'date_from' must be an epoch_ms, got a JSON array: '[]'" },
		{ DEMO, "enabled", "true", BR_V_BOOL, 0, "true", NULL, NULL },
		{ DEMO, "title", "true", BR_V_BOOL, 0, "true", NULL, NULL },
	};
	struct f f[] = { { "op", DEMO, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "thing_id", "1", 0, 0 }, { "title", NULL, BR_V_NULL, 0 },
	    { "limit", NULL, BR_V_NULL, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	run_cases(c, N(c));
	cr_assert_eq(bind(f, N(f), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0].msg, "missing required parameter 'title'");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, message_quotes_are_cut_and_escaped, .init = load_builtin,
    .fini = release)
{
	char v[301], want[512];
	struct one res;

	memset(v, 'w', 300);
	v[300] = '\0';
	v[100] = '\n';
	try_value(DLF, "workspace", v, 0, BR_V_STRING, &res);
	cr_assert_str_eq(res.reason, "CONTROL");
	snprintf(want, sizeof(want), "header 'workspace' contains a control "
	    "character: '%.60s...'", v);
	cr_assert_str_eq(res.msg, want);
	/* a long unknown op name is cut too */
	v[100] = 'w';
	{
		struct f f[] = { { "op", v, 0, 0 } };
		struct br_bound b;
		struct br_problems p = { 0 };

		cr_assert_eq(bind(f, 1, NULL, &b, &p), BR_EINPUT);
		snprintf(want, sizeof(want), "unknown operation '%.60s...'",
		    v);
		cr_assert_str_eq(p.v[0].msg, want);
		br_bound_release(&b);
		br_problems_release(&p);
	}
}

Test(catalog, region_and_endpoint_columns, .init = load_builtin,
    .fini = release)
{
	struct f good[] = { { "op", CSS, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "c", 0, 0 }, { "Region", " eu-west-101 ", 0, 0 },
	    { "ENDPOINT", "http://127.0.0.1:8080", 0, 0 } };
	struct f bad[] = { { "op", CSS, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "c", 0, 0 }, { "region", "x.com/", 0, 0 },
	    { "endpoint", "ftp://h", 0, 0 } };
	struct f bad2[] = { { "op", CSS, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "c", 0, 0 }, { "region", "a\nb", 0, 0 },
	    { "endpoint", "https://a b", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(good, N(good), NULL, &b, &p), 0);
	cr_assert_str_eq(b.region, "eu-west-101");
	cr_assert_str_eq(b.endpoint, "http://127.0.0.1:8080");
	cr_assert_eq(b.nargs, 2);	/* not parameters */
	br_bound_release(&b);

	cr_assert_eq(bind(bad, N(bad), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 2);
	cr_assert_str_eq(p.v[0].reason, "FORMAT");
	cr_assert_str_eq(p.v[1].reason, "FORMAT");
	cr_assert_str_eq(p.v[1].msg, "column 'endpoint' must be an http:// "
	    "or https:// URL, got 'ftp://h'");
	br_bound_release(&b);
	br_problems_clear(&p);
	cr_assert_eq(p.n, 0);

	cr_assert_eq(bind(bad2, N(bad2), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 2);
	cr_assert_str_eq(p.v[0].reason, "CONTROL");
	cr_assert_str_eq(p.v[0].msg, "column 'region' contains a control "
	    "character: 'a\\x0Ab'");
	cr_assert_str_eq(p.v[1].reason, "FORMAT");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, problems_are_appended, .init = load_builtin, .fini = release)
{
	struct f badrow[] = { { "op", CSS, 0, 0 } };
	struct f goodrow[] = { { "op", CSS, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "c", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };
	int i;

	/* many rows: capacity grows, earlier entries stay */
	for (i = 0; i < 20; i++) {
		cr_assert_eq(bind(badrow, 1, NULL, &b, &p), BR_EINPUT);
		br_bound_release(&b);
	}
	cr_assert_eq(p.n, 40);
	cr_assert_str_eq(p.v[0].msg, "missing required parameter "
	    "'project_id'");
	cr_assert_str_eq(p.v[39].msg, "missing required parameter "
	    "'cluster_id'");
	/* a good row adds nothing and returns 0 despite earlier entries */
	cr_assert_eq(bind(goodrow, N(goodrow), NULL, &b, &p), 0);
	cr_assert_eq(p.n, 40);
	br_bound_release(&b);
	br_bound_release(&b);		/* twice is harmless */
	br_problems_release(&p);
	cr_assert_eq(p.n, 0);
	cr_assert_null(p.v);
}

/* ---- loading user catalogs ---- */

Test(catalog, user_catalog_adds_an_operation, .init = load_both,
    .fini = release)
{
	const struct br_op *op = br_catalog_find(&cat, DEMO);
	const struct br_param *p;

	cr_assert_eq(cat.nops, 6);
	cr_assert_eq(cat.nservices, 6);
	cr_assert_not_null(op);
	cr_assert_str_eq(op->method, "PATCH");	/* canonical case */
	cr_assert_str_eq(op->service, "demo");	/* from the name */
	cr_assert_eq(op->nsuccess, 1);			/* [] -> [200] */
	cr_assert_eq(op->success[0], 200);
	cr_assert_str_eq(br_catalog_service(&cat, "demo")->endpoint,
	    "https://demo.{region}.example.com");
	p = param(op, "project_id");
	cr_assert_eq(p->required, 1);		/* path: always required */
	cr_assert_eq(p->type, BR_T_STRING);	/* default type */
	p = param(op, "trace");
	cr_assert_str_eq(p->wire, "X-Trace-Id");
	cr_assert_eq(p->in, BR_IN_HEADER);
	p = param(op, "spec.size");
	cr_assert(p->has_max && p->max == 9000000000000000001LL);
	/* the built-in ones are still there */
	cr_assert_not_null(br_catalog_find(&cat, CSS));
}

Test(catalog, user_catalog_replaces_an_operation, .init = load_builtin,
    .fini = release)
{
	struct br_err err = { 0 };
	const struct br_op *op;
	struct f f[] = { { "op", CSS, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "cluster_id", "0123456789012345678901234567890123456", 0, 0 },
	    { "force", "yes", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(br_catalog_load_file(&cat, data("replace_op.json"),
	    &err), 0, "%s", err.msg);
	cr_assert_eq(cat.nops, 5);
	cr_assert_eq(cat.nservices, 5);
	op = br_catalog_find(&cat, CSS);
	cr_assert_not_null(op);
	cr_assert_eq(op, &cat.ops[4]);		/* same place */
	cr_assert_str_eq(op->path,
	    "/v2.0/{project_id}/clusters/{cluster_id}/restart");
	cr_assert_eq(op->nsuccess, 2);
	cr_assert_eq(op->success[1], 202);
	cr_assert_eq(op->nparams, 3);
	cr_assert_str_eq(br_catalog_service(&cat, "css")->endpoint,
	    "https://css-intl.{region}.example.net");
	cr_assert_eq(bind(f, N(f), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0].msg, "'cluster_id' must be at most 36 "
	    "characters long, got 37: '0123456789012345678901234567890123456'");
	cr_assert_str_eq(br_bound_get(&b, "force"), "true");
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, load_errors_name_file_and_line, .init = load_builtin,
    .fini = release)
{
	struct br_err err = { 0 };
	char want[2048];

	cr_assert_eq(br_catalog_load_file(&cat, data("bad_type.json"), &err),
	    BR_EINPUT);
	snprintf(want, sizeof(want), "%s:10: operation 'demo.broken': "
	    "parameter 'count': unknown type 'int' (string, integer, long, "
	    "boolean, enum, epoch_ms or number)", data("bad_type.json"));
	cr_assert_str_eq(err.msg, want);

	br_err_clear(&err);
	cr_assert_eq(br_catalog_load_file(&cat, data("bad_syntax.json"),
	    &err), BR_EINPUT);
	snprintf(want, sizeof(want), "%s:6: not valid JSON",
	    data("bad_syntax.json"));
	cr_assert_str_eq(err.msg, want);

	br_err_clear(&err);
	cr_assert_eq(br_catalog_load_file(&cat, data("no-such-file.json"),
	    &err), BR_EIO);
	snprintf(want, sizeof(want), "%s: cannot open: ",
	    data("no-such-file.json"));
	cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);

	br_err_clear(&err);
	cr_assert_eq(br_catalog_load_file(&cat, datadir, &err), BR_EIO);
	snprintf(want, sizeof(want), "%s: cannot read: ", datadir);
	cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);

	/* a failed load leaves the catalog as it was */
	cr_assert_eq(cat.nops, 5);
	cr_assert_null(br_catalog_find(&cat, "demo.broken"));
}

struct badcat {
	const char	*json;
	const char	*msg;
};

#define OP(rest)	"{\"operations\":[{\"name\":\"x.y\",\"method\":" \
			"\"GET\"," rest "}]}"

Test(catalog, malformed_catalogs, .init = load_builtin, .fini = release)
{
	static const struct badcat c[] = {
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"p\",\"in\":"
		  "\"cookie\"}]"), "t.json:1: operation 'x.y': parameter 'p': "
		  "unknown 'in' 'cookie' (path, header, query or body)" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"p\",\"in\":"
		  "\"body\",\"type\":\"int\"}]"), "t.json:1: operation 'x.y': "
		  "parameter 'p': unknown type 'int' (string, integer, long, "
		  "boolean, enum, epoch_ms or number)" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"p\"}]"),
		  "t.json:1: operation 'x.y': parameter 'p': missing 'in'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"in\":\"body\"}]"),
		  "t.json:1: operation 'x.y': parameter #1: missing 'name'" },
		{ "{\"operations\":[{\"method\":\"GET\",\"path\":\"/a\"}]}",
		  "t.json: operation #1: missing 'name'" },
		{ "{\"operations\":[{\"name\":\"x.y\",\"path\":\"/a\"}]}",
		  "t.json:1: operation 'x.y': missing 'method'" },
		{ OP("\"service\":\"x\""),
		  "t.json:1: operation 'x.y': missing 'path'" },
		{ "{\"operations\":[{\"name\":\"x.y\",\"method\":\"FETCH\","
		  "\"path\":\"/a\"}]}", "t.json:1: operation 'x.y': unknown "
		  "method 'FETCH' (GET, PUT, POST, PATCH or DELETE)" },
		{ OP("\"path\":\"/a/{id}\""), "t.json:1: operation 'x.y': "
		  "'path' has {id} but there is no path parameter 'id'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"id\",\"in\":"
		  "\"path\"}]"), "t.json:1: operation 'x.y': path parameter "
		  "'id' has no {id} in 'path'" },
		{ OP("\"path\":\"/a/{id}\",\"params\":[{\"name\":\"id\","
		  "\"in\":\"body\"}]"), "t.json:1: operation 'x.y': 'path' "
		  "has {id} but parameter 'id' is in the body" },
		{ OP("\"path\":\"/a/{id}/{id}\",\"params\":[{\"name\":\"id\","
		  "\"in\":\"path\"}]"), "t.json:1: operation 'x.y': {id} "
		  "appears 2 times in 'path'" },
		{ OP("\"path\":\"/a/{id\",\"params\":[{\"name\":\"id\","
		  "\"in\":\"path\"}]"), "t.json:1: operation 'x.y': 'path' "
		  "has a '{' without '}'" },
		{ OP("\"path\":\"a\""), "t.json:1: operation 'x.y': 'path' "
		  "must start with '/'" },
		{ OP("\"path\":\"/a?b=1\""), "t.json:1: operation 'x.y': "
		  "'path' contains '?' (give query parameters with \"in\": "
		  "\"query\")" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"id\",\"in\":"
		  "\"body\"},{\"name\":\"ID\",\"in\":\"query\"}]"),
		  "t.json:1: operation 'x.y': parameter 'ID' given twice" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"a\",\"in\":"
		  "\"body\"},{\"name\":\"a.b\",\"in\":\"body\"}]"),
		  "t.json:1: operation 'x.y': body field 'a.b' is inside "
		  "body field 'a'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"a..b\",\"in\":"
		  "\"body\"}]"), "t.json:1: operation 'x.y': parameter "
		  "'a..b': empty part between dots" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"m\",\"in\":"
		  "\"body\",\"type\":\"enum\"}]"), "t.json:1: operation 'x.y': "
		  "parameter 'm': type 'enum' without 'enum' values" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"m\",\"in\":"
		  "\"body\",\"type\":\"enum\",\"enum\":[]}]"), "t.json:1: "
		  "operation 'x.y': parameter 'm': 'enum' is empty" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"m\",\"in\":"
		  "\"body\",\"type\":\"enum\",\"enum\":[\"A\",\"a\"]}]"),
		  "t.json:1: operation 'x.y': parameter 'm': enum value 'a' "
		  "given twice" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"m\",\"in\":"
		  "\"body\",\"enum\":[\"A\"]}]"), "t.json:1: operation 'x.y': "
		  "parameter 'm': 'enum' given but the type is 'string'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"s\",\"in\":"
		  "\"body\",\"min\":1}]"), "t.json:1: operation 'x.y': "
		  "parameter 's': 'min'/'max' apply to numbers; for strings "
		  "use 'min_length'/'max_length'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"n\",\"in\":"
		  "\"body\",\"type\":\"integer\",\"min_length\":1}]"),
		  "t.json:1: operation 'x.y': parameter 'n': 'min_length'/"
		  "'max_length' apply to strings" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"n\",\"in\":"
		  "\"body\",\"type\":\"integer\",\"min\":5,\"max\":1}]"),
		  "t.json:1: operation 'x.y': parameter 'n': 'min' is greater "
		  "than 'max'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"s\",\"in\":"
		  "\"body\",\"min_length\":-1}]"), "t.json:1: operation 'x.y': "
		  "parameter 's': 'min_length' must be a non-negative "
		  "integer" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"p\",\"in\":"
		  "\"body\",\"requird\":true}]"), "t.json:1: operation 'x.y': "
		  "parameter 'p': unknown key 'requird'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"p\",\"in\":"
		  "\"body\",\"required\":\"yes\"}]"), "t.json:1: operation "
		  "'x.y': parameter 'p': 'required' must be true or false" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"n\",\"in\":"
		  "\"body\",\"type\":\"integer\",\"example\":\"three\"}]"),
		  "t.json:1: operation 'x.y': parameter 'n': bad example: "
		  "'n' must be an integer, got 'three'" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"t\",\"in\":"
		  "\"header\",\"wire\":\"X-Auth-Token\"}]"), "t.json:1: "
		  "operation 'x.y': parameter 't': header 'X-Auth-Token' is "
		  "set by bulkrun itself" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"t\",\"in\":"
		  "\"body\",\"wire\":\"T\"}]"), "t.json:1: operation 'x.y': "
		  "parameter 't': 'wire' is for header and query parameters "
		  "only" },
		{ OP("\"path\":\"/a\",\"params\":[{\"name\":\"region\",\"in\":"
		  "\"body\"}]"), "t.json:1: operation 'x.y': parameter "
		  "'region': the name is reserved for the manifest column of "
		  "that name" },
		{ OP("\"path\":\"/a\",\"success\":[99]"), "t.json:1: "
		  "operation 'x.y': 'success' must hold HTTP status codes "
		  "(100 to 599)" },
		{ OP("\"path\":\"/a\",\"response\":\"jobId\""), "t.json:1: "
		  "operation 'x.y': 'response' must be an array of field "
		  "names" },
		{ OP("\"path\":\"/a\",\"params\":{}"), "t.json:1: operation "
		  "'x.y': 'params' must be an array" },
		{ OP("\"path\":\"/a\",\"name\":\"x.z\""), "t.json:1: "
		  "operation 'x.y': key 'name' given twice" },
		{ "{\"operations\":[{\"name\":\"xy\",\"method\":\"GET\","
		  "\"path\":\"/a\"}]}", "t.json:1: operation 'xy': missing "
		  "'service'" },
		{ "{\"operations\":[{\"name\":\"x y\",\"method\":\"GET\","
		  "\"path\":\"/a\"}]}", "t.json:1: operation 'x y': bad name "
		  "(letters, digits, '.', '_' and '-' only)" },
		{ "{\"operations\":[{\"name\":\"x.y\",\"method\":\"GET\","
		  "\"path\":\"/a\"},\n{\"name\":\"X.Y\",\"method\":\"GET\","
		  "\"path\":\"/b\"}]}",
		  "t.json:2: operation 'X.Y' given twice" },
		{ "{\"services\":{\"demo\":{}}}", "t.json:1: service 'demo': "
		  "missing 'endpoint' or 'hosts'" },
		{ "{\"services\":{\"demo\":{\"endpoint\":\"demo.com\"}}}",
		  "t.json:1: service 'demo': 'endpoint' must start with "
		  "https:// or http://" },
		{ "{\"services\":[]}", "t.json:1: 'services' must be an "
		  "object" },
		{ "{\"operations\":{}}", "t.json:1: 'operations' must be an "
		  "array" },
		{ "{\"operations\":[42]}", "t.json: operation #1: not an "
		  "object" },
		{ "{\"operation\":[]}", "t.json: unknown key 'operation'" },
		{ "[]", "t.json:1: must be a JSON object with \"operations\" "
		  "and \"services\"" },
		{ "{}", "t.json: no \"operations\" and no \"services\"" },
		{ "{\"services\":{}} x", "t.json:1: text after the JSON "
		  "value" },
		{ "", "t.json: empty file" },
		{ "\n\n{\"services\":", "t.json:3: not valid JSON" },
	};
	struct br_err err;
	size_t i;

	for (i = 0; i < N(c); i++) {
		br_err_clear(&err);
		cr_assert_eq(br_catalog_load_string(&cat, c[i].json,
		    strlen(c[i].json), "t.json", &err), BR_EINPUT, "#%zu %s",
		    i, c[i].json);
		cr_assert_str_eq(err.msg, c[i].msg, "#%zu %s", i, c[i].json);
		cr_assert_eq(cat.nops, 5, "#%zu changed the catalog", i);
		cr_assert_eq(cat.nservices, 5);
		cr_assert_eq(cat.nclouds, 2);
	}
}

Test(catalog, comments_and_minimal_operations_load, .init = load_builtin,
    .fini = release)
{
	static const char json[] =
	    "{\"_about\":\"x\",\"comment\":\"y\",\"operations\":[{\"name\":"
	    "\"ecs.reboot\",\"_note\":1,\"method\":\"post\",\"path\":"
	    "\"/v1/{project_id}/reboot\",\"params\":[{\"name\":"
	    "\"project_id\",\"in\":\"path\",\"comment\":\"z\"}]}]}";
	struct br_err err = { 0 };
	const struct br_op *op;

	cr_assert_eq(br_catalog_load_string(&cat, json, strlen(json), "m",
	    &err), 0, "%s", err.msg);
	op = br_catalog_find(&cat, "ecs.reboot");
	cr_assert_not_null(op);
	cr_assert_str_eq(op->service, "ecs");
	cr_assert_str_eq(op->method, "POST");
	cr_assert_str_eq(op->summary, "");
	cr_assert_eq(op->nresponse, 0);
	cr_assert_eq(op->success[0], 200);
}

/* ---- printing ---- */

static char *
capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	fn(f, arg);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

static void
do_list(FILE *f, void *arg)
{
	(void)arg;
	br_catalog_print_list(&cat, f);
}

static int print_rc;
static struct br_err print_err;

static void
do_op(FILE *f, void *arg)
{
	br_err_clear(&print_err);
	print_rc = br_catalog_print_op(&cat, arg, f, &print_err);
}

Test(catalog, print_list, .init = load_builtin, .fini = release)
{
	char *out = capture(do_list, NULL), *line;
	size_t i, n = 0;

	for (line = out; *line != '\0'; line = strchr(line, '\n') + 1)
		n++;
	cr_assert_eq(n, cat.nops);
	for (i = 0; i < cat.nops; i++) {
		char want[256];

		snprintf(want, sizeof(want), "%s %s", cat.ops[i].method,
		    cat.ops[i].path);
		cr_assert_not_null(strstr(out, cat.ops[i].name));
		cr_assert_not_null(strstr(out, want), "%s", want);
		cr_assert_not_null(strstr(out, cat.ops[i].summary));
	}
	free(out);
}

Test(catalog, print_op_shows_table_and_example_csv, .init = load_both,
    .fini = release)
{
	char *out;

	out = capture(do_op, (void *)"CSS.restart_cluster");
	cr_assert_eq(print_rc, 0);
	cr_assert_not_null(strstr(out, "POST /v1.0/{project_id}/clusters/"
	    "{cluster_id}/restart"));
	cr_assert_not_null(strstr(out, "https://css.{region}.myhuaweicloud."
	    "com"));
	cr_assert_not_null(strstr(out, "success:   200\n"));
	cr_assert_not_null(strstr(out, "\nresponse fields: jobId\n"));
	cr_assert_not_null(strstr(out, "NAME"));
	cr_assert_not_null(strstr(out, "cluster_id  path  string  yes"));
	cr_assert_not_null(strstr(out, "jobId\n\nexample CSV:\nop,project_id,"
	    "cluster_id\ncss.restart_cluster,6204a5bd270343b5885144cf9c8c158d,"
	    "47e49a5e-8ced-4d0d-ae15-2af62ac468e3\n"), "%s", out);
	free(out);

	out = capture(do_op, (void *)ROMA);
	cr_assert_not_null(strstr(out, "1..64 chars"));
	cr_assert_not_null(strstr(out, "date_from    body  epoch_ms  no  "
	    "      >= 1"), "%s", out);
	free(out);

	/* the enum lists its values; the example holds the required
	 * parameters and those with an example, in catalog order */
	out = capture(do_op, (void *)DEMO);
	cr_assert_not_null(strstr(out, "fast|Slow|SAFE"));
	cr_assert_not_null(strstr(out, "\nop,project_id,thing_id,limit,mode,"
	    "title,spec.count\ndemo.update_thing,p1,42,10,fast,héllo,3\n"),
	    "%s", out);
	cr_assert_not_null(strstr(out, "  trace "));	/* in the table */
	free(out);

	out = capture(do_op, (void *)"css.restart");
	cr_assert_eq(print_rc, BR_EINPUT);
	cr_assert_str_eq(print_err.msg, "unknown operation 'css.restart'; "
	    "did you mean 'css.restart_cluster'?");
	cr_assert_str_eq(out, "");
	free(out);
}

/* Which calls may be sent again after no answer: a configuration change
 * (said in the catalog) and a read; a restart or reset is not. */
Test(catalog, idempotent_is_data_with_a_safe_default, .init = load_builtin,
    .fini = release)
{
	static const char json[] =
	    "{\"operations\":[{\"name\":\"ecs.get\",\"method\":\"GET\","
	    "\"path\":\"/v1/x\"},{\"name\":\"ecs.put\",\"method\":\"PUT\","
	    "\"path\":\"/v1/y\"},{\"name\":\"ecs.set\",\"method\":\"PUT\","
	    "\"path\":\"/v1/z\",\"idempotent\":true}]}";
	static const char bad[] =
	    "{\"operations\":[{\"name\":\"ecs.x\",\"method\":\"PUT\","
	    "\"path\":\"/v1/y\",\"idempotent\":\"yes\"}]}";
	struct br_err err = { 0 };

	cr_assert(br_catalog_find(&cat, KMOD)->idempotent);
	cr_assert(!br_catalog_find(&cat, CSS)->idempotent);
	cr_assert(!br_catalog_find(&cat, ROMA)->idempotent);
	cr_assert(!br_catalog_find(&cat, DLF)->idempotent);
	cr_assert(!br_catalog_find(&cat,
	    "kafka.restart_connector_task")->idempotent);
	cr_assert_eq(br_catalog_load_string(&cat, json, strlen(json), "m",
	    &err), 0, "%s", err.msg);
	cr_assert(br_catalog_find(&cat, "ecs.get")->idempotent);
	cr_assert(!br_catalog_find(&cat, "ecs.put")->idempotent);
	cr_assert(br_catalog_find(&cat, "ecs.set")->idempotent);
	cr_assert_neq(br_catalog_load_string(&cat, bad, strlen(bad), "m",
	    &err), 0);
	cr_assert(strstr(err.msg, "idempotent") != NULL, "%s", err.msg);
}

/* A big --catalog loads in linear time: line numbers were counted from the
 * start of the text, and every operation's name searched for from there,
 * for every operation (found while fuzzing: 1.2 MB took 10 s, the 16 MB
 * allowed would take hours).  The line numbers stay right. */
static char *
big_catalog(size_t nsvc, size_t nops, const char *last_type, size_t *lenp)
{
	size_t cap = 256 + nsvc * 64 + nops * 160, len = 0, i;
	char *s = malloc(cap);

	cr_assert_not_null(s);
	len += (size_t)snprintf(s + len, cap - len, "{\"services\": {\n");
	for (i = 0; i < nsvc; i++)
		len += (size_t)snprintf(s + len, cap - len, "\"s%zu\": "
		    "{\"endpoint\": \"https://s%zu.{region}.x\"}%s\n", i, i,
		    i + 1 < nsvc ? "," : "");
	len += (size_t)snprintf(s + len, cap - len, "},\n\"operations\": [\n");
	for (i = 0; i < nops; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "{\"name\": \"s%zu.op%zu\",\n \"method\": \"POST\",\n"
		    " \"path\": \"/v1/{id}\",\n"
		    " \"params\": [{\"name\": \"id\", \"in\": \"path\"%s%s%s}]}"
		    "%s\n", i % nsvc, i, i + 1 == nops && last_type ?
		    ", \"type\": \"" : "", i + 1 == nops && last_type ?
		    last_type : "", i + 1 == nops && last_type ? "\"" : "",
		    i + 1 < nops ? "," : "");
	len += (size_t)snprintf(s + len, cap - len, "]}\n");
	cr_assert_lt(len, cap);
	*lenp = len;
	return s;
}

Test(catalog, a_big_catalog_loads_in_linear_time, .timeout = 30)
{
	struct br_catalog c;
	struct br_err err = { 0 };
	char want[512], *s;
	size_t len, nsvc = 100, nops = 12000;

	memset(&c, 0, sizeof(c));
	s = big_catalog(nsvc, nops, NULL, &len);
	cr_assert_eq(br_catalog_load_string(&c, s, len, "big.json", &err), 0,
	    "%s", err.msg);
	cr_assert_eq(c.nops, nops);
	cr_assert_eq(c.nservices, nsvc);
	br_catalog_release(&c);
	free(s);

	/* the last operation's parameter is on line 1 + nsvc + 2 + 4 * nops */
	memset(&c, 0, sizeof(c));
	s = big_catalog(nsvc, nops, "int", &len);
	cr_assert_eq(br_catalog_load_string(&c, s, len, "big.json", &err),
	    BR_EINPUT);
	snprintf(want, sizeof(want), "big.json:%zu: operation 's%zu.op%zu': "
	    "parameter 'id': unknown type 'int' (string, integer, long, "
	    "boolean, enum, epoch_ms or number)", 1 + nsvc + 2 + 4 * nops,
	    (nops - 1) % nsvc, nops - 1);
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(c.nops, 0);
	free(s);
}

/* Each bound argument remembers its value as written (the row's, or the
 * --set one), beside the value normalised for the wire. */
Test(catalog, bind_keeps_the_value_as_written, .init = load_builtin,
    .fini = release)
{
	struct f f[] = { { "op", ROMA, 0, 0 }, { "instance_id", "i", 0, 0 },
	    { "task_id", "t", 0, 0 }, { "date_from", " yesterday", 0, 0 } };
	struct br_set sets[] = { { "project_id", "p-set" } };
	struct br_bind_opts o = { .sets = sets, .nsets = N(sets),
	    .now_ms = NOW, .tz = "UTC" };
	struct br_bound b;
	struct br_problems p = { 0 };
	size_t i;

	cr_assert_eq(bind(f, N(f), &o, &b, &p), 0);
	for (i = 0; i < b.nargs; i++) {
		if (strcmp(b.args[i].param->name, "date_from") == 0) {
			cr_assert_str_eq(b.args[i].written, " yesterday");
			cr_assert_str_neq(b.args[i].value, " yesterday",
			    "normalised to epoch ms");
		} else if (strcmp(b.args[i].param->name, "project_id") == 0)
			cr_assert_eq(b.args[i].written, sets[0].value);
	}
	br_bound_release(&b);
	br_problems_release(&p);
}

/* ---- the accidents of a spreadsheet (plausible.h) ---- */

Test(catalog, old_dates_are_refused_unless_allowed, .init = load_builtin,
    .fini = release)
{
	struct f f[] = { { "op", ROMA, 0, 0 }, { "project_id", "p", 0, 0 },
	    { "instance_id", "i", 0, 0 }, { "task_id", "t", 0, 0 },
	    { "date_from", "46347", 0, 0 } };
	struct br_set sets[] = { { "date_from", "1795219200" } };
	struct br_bind_opts o = { .now_ms = NOW, .tz = "UTC" };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(f, N(f), &o, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0].reason, "OLD_DATE");
	cr_assert_str_eq(p.v[0].msg, "'date_from' looks like a spreadsheet "
	    "date serial (46347 = 2026-11-21); format the column as "
	    "YYYY-MM-DD");
	cr_assert_eq(p.v[0].field, 5, "the row's fifth field");
	cr_assert_str_eq(p.v[0].msg + p.v[0].subj, "looks like a spreadsheet "
	    "date serial (46347 = 2026-11-21); format the column as "
	    "YYYY-MM-DD");
	br_bound_release(&b);
	br_problems_clear(&p);

	/* epoch seconds given with --set: no field of the row */
	f[4].value = "";
	o.sets = sets;
	o.nsets = N(sets);
	cr_assert_eq(bind(f, N(f), &o, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.v[0].msg, "'date_from' looks like epoch seconds "
	    "(1795219200 = 2026-11-21T00:00:00Z), the field takes "
	    "milliseconds");
	cr_assert_eq(p.v[0].field, 0);
	br_bound_release(&b);
	br_problems_clear(&p);

	/* --allow-old-dates */
	o.allow_old_dates = 1;
	cr_assert_eq(bind(f, N(f), &o, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "date_from"), "1795219200");
	br_bound_release(&b);
	o.nsets = 0;
	f[4].value = "46347";
	cr_assert_eq(bind(f, N(f), &o, &b, &p), 0);
	cr_assert_str_eq(br_bound_get(&b, "date_from"), "46347");
	br_bound_release(&b);

	/* a date-time serial is no date at all, whatever the options */
	f[4].value = "46347.5";
	cr_assert_eq(bind(f, N(f), &o, &b, &p), BR_EINPUT);
	cr_assert_str_eq(p.v[0].reason, "FORMAT");
	cr_assert_str_eq(p.v[0].msg, "'date_from' looks like a spreadsheet "
	    "date-time serial (46347.5 = 2026-11-21 12:00:00); format the "
	    "column as YYYY-MM-DD HH:MM");
	br_bound_release(&b);
	br_problems_clear(&p);

	/* a date written as one is refused when old, as what it is */
	o.allow_old_dates = 0;
	f[4].value = "1972-12-31";
	cr_assert_eq(bind(f, N(f), &o, &b, &p), BR_EINPUT);
	cr_assert_str_eq(p.v[0].msg, "'date_from' is before 1973-03-03 "
	    "(1972-12-31T00:00:00Z): too early to be meant; give "
	    "--allow-old-dates if it is");
	br_bound_release(&b);
	br_problems_clear(&p);
	f[4].value = "1973-03-04";
	cr_assert_eq(bind(f, N(f), &o, &b, &p), 0);
	br_bound_release(&b);
	br_problems_release(&p);
}

Test(catalog, ids_rounded_by_a_spreadsheet_are_refused, .init = load_both,
    .fini = release)
{
	static const struct vcase c[] = {
		{ DLF, "instance_id", "1234567890123460000", 0, 0, NULL,
		  "ROUNDED", "'instance_id' '1234567890123460000' is rounded "
		  "by a spreadsheet (it keeps 15 digits): format the column "
		  "as Text and paste the ids again" },
		{ DLF, "instance_id", " 1234567890123460000", 0, 0, NULL,
		  "ROUNDED", NULL },
		{ DLF, "instance_id", "1234567890123456789", 0, 0,
		  "1234567890123456789", NULL, NULL },
		{ DLF, "instance_id", "34760", 0, 0, "34760", NULL, NULL },
		{ DLF, "instance_id", "1234567890123460000", BR_V_NUMBER, 0,
		  NULL, "ROUNDED", NULL },
		{ DLF, "instance_id", "1.23457E+18", 0, 0, NULL, "TYPE", NULL },
		/* a string id of digits in the path, or a header */
		{ CSS, "cluster_id", "1234567890123450", 0, 0, NULL, "ROUNDED",
		  NULL },
		{ DLF, "workspace", "9876543210987650000", 0, 0, NULL,
		  "ROUNDED", NULL },
		{ CSS, "cluster_id", "123456789012345", 0, 0,
		  "123456789012345", NULL, NULL },
		/* body text is no id */
		{ KMOD, "task_name", "1234567890123450000", 0, 0,
		  "1234567890123450000", NULL, NULL },
	};

	run_cases(c, N(c));
}

/* The blanks a paste brings along, in a value that goes into the URL or a
 * header as it is: refused, the character named.  Numbers and body text
 * keep their old rules (trimmed; kept). */
Test(catalog, blanks_around_ids_are_refused, .init = load_both,
    .fini = release)
{
	static const struct vcase c[] = {
		{ CSS, "cluster_id", "c1\xc2\xa0", 0, 0, NULL, "BLANK",
		  "'cluster_id' ends with a no-break space (U+00A0): remove "
		  "it from the value" },
		{ CSS, "cluster_id", " c1", 0, 0, NULL, "BLANK",
		  "'cluster_id' starts with a space (U+0020): remove it from "
		  "the value" },
		{ CSS, "project_id", "p\xe3\x80\x80", 0, 0, NULL, "BLANK", NULL },
		{ DLF, "workspace", "ws\xe2\x80\xaf", 0, 0, NULL, "BLANK",
		  "'workspace' ends with a narrow no-break space (U+202F): "
		  "remove it from the value" },
		{ CSS, "cluster_id", "c\xc2\xa0" "1", 0, 0, "c\xc2\xa0" "1",
		  NULL, NULL },
		{ DLF, "instance_id", " 34765\xc2\xa0", 0, 0, "34765", NULL,
		  NULL },
		{ KMOD, "task_name", " name ", 0, 0, " name ", NULL, NULL },
	};

	run_cases(c, N(c));
}

/* Each problem says which field of the row it is about, and how much of
 * its message names it, for FILE:LINE: row R, column C 'name': ... */
Test(catalog, problems_name_their_field, .init = load_builtin,
    .fini = release)
{
	struct f f[] = { { "note", "x", 0, 0 }, { "op", ROMA, 0, 0 },
	    { "project_id", "p", 0, 0 }, { "instance_id", "i ", 0, 0 },
	    { "region", "eu west", 0, 0 } };
	struct f g[] = { { "op", "roma.rest", 0, 0 } };
	struct br_bound b;
	struct br_problems p = { 0 };

	cr_assert_eq(bind(f, N(f), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.n, 3, "region, instance_id, task_id");
	cr_assert_eq(p.v[0].field, 5);
	cr_assert_str_eq(p.v[0].msg + p.v[0].subj, "must hold letters, "
	    "digits, '-', '_' and '.' only, got 'eu west'");
	cr_assert_eq(p.v[1].field, 4);
	cr_assert_str_eq(p.v[1].reason, "BLANK");
	cr_assert_str_eq(p.v[2].reason, "MISSING");
	cr_assert_eq(p.v[2].field, 0);
	br_bound_release(&b);
	br_problems_clear(&p);
	cr_assert_eq(bind(g, N(g), NULL, &b, &p), BR_EINPUT);
	cr_assert_eq(p.v[0].field, 1);
	cr_assert_eq(p.v[0].subj, 0);
	br_bound_release(&b);
	br_problems_release(&p);
}
