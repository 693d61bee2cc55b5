/*
 * fuzz_catalog - the loader of --catalog FILE (br_catalog_load_file), and
 * what is done with an operation that loaded: bulkrun ops (list, one
 * operation), look-ups, suggestions, binding a row made of each
 * parameter's example (or "1"), and that row's verify read request.
 *
 * One input length in four is loaded on top of a small catalog (so that
 * it may replace its operations and services), one in 64 on top of the
 * built-in one (slow: it is parsed every time), the others into an empty
 * one.
 * A catalog that loaded must load a second time (its operations replace
 * themselves), and a failed load must leave the catalog as it was.
 */
#include "fuzz_common.h"
#include "bind.h"
#include "catalog.h"
#include "region.h"
#include "verify.h"

static FILE *devnull;

static const char base[] =
    "{\"clouds\": {\"otc\": {\"title\": \"O\", \"regions\": [\"eu-de\","
    " \"zz-*\"]}},"
    " \"services\": {\"iam\": {\"hosts\": {\"otc\": {\"endpoint\":"
    " \"https://iam.{region}.x\", \"regions\": {\"zz-1\": \"https://i\"}},"
    " \"hw\": {\"offered\": false}}},"
    " \"css\": {\"endpoint\": \"https://css.{region}.x\"},"
    " \"demo\": {\"endpoint\": \"https://demo.{region}.x\"}},"
    " \"operations\": ["
    "{\"name\": \"css.restart_cluster\", \"method\": \"POST\","
    " \"path\": \"/v1.0/{project_id}/clusters/{cluster_id}/restart\","
    " \"response\": [\"jobId\"], \"params\": ["
    "{\"name\": \"project_id\", \"in\": \"path\"},"
    "{\"name\": \"cluster_id\", \"in\": \"path\", \"max_length\": 64}]},"
    "{\"name\": \"demo.update\", \"method\": \"patch\","
    " \"path\": \"/v3/{id}\", \"success\": [200, 204], \"params\": ["
    "{\"name\": \"id\", \"in\": \"path\", \"type\": \"long\","
    " \"example\": \"42\"},"
    "{\"name\": \"when\", \"in\": \"body\", \"type\": \"epoch_ms\"},"
    "{\"name\": \"mode\", \"in\": \"query\", \"type\": \"enum\","
    " \"enum\": [\"fast\", \"SAFE\"]},"
    "{\"name\": \"spec.n\", \"in\": \"body\", \"type\": \"integer\","
    " \"min\": 1, \"max\": \"9000000000000000001\"}],"
    " \"verify\": {\"path\": \"/v3/{id}\", \"query\": {\"m\": \"{mode}\"},"
    " \"state\": \"a[0].s | b\", \"healthy\": {\"all\": [{\"path\": \"s\","
    " \"in\": [\"ok\"]}, {\"path\": \"x[]\", \"empty\": true}]},"
    " \"failed\": [\"bad\"], \"fresh\": {\"time\": \"t\", \"repeat\": 3},"
    " \"match_sent\": true, \"gone\": [{\"status\": 200, \"path\": \"a\","
    " \"has\": [\"0\"]}, {\"codes\": [\"X.1\"]}], \"timeout\": 0.5}}]}";

static void
use_op(const struct br_catalog *c, const struct br_op *op)
{
	struct br_bind_opts bo = { 0 };
	struct br_problems probs = { 0 };
	struct br_bound b;
	struct br_row row = { 0 };
	struct br_field *f;
	struct br_err err = { 0 };
	size_t i, n = 0;
	char cut[64];

	if (op->name == NULL || op->method == NULL || op->path == NULL ||
	    op->service == NULL || op->nsuccess == 0)
		__builtin_trap();
	if (br_catalog_find(c, op->name) == NULL)
		__builtin_trap();
	if (br_catalog_print_op(c, op->name, devnull, &err) != 0)
		__builtin_trap();
	(void)br_catalog_suggest(c, op->name);
	snprintf(cut, sizeof(cut), "%.*s", (int)(strlen(op->name) * 2 / 3),
	    op->name);
	(void)br_catalog_suggest(c, cut);
	(void)br_catalog_service(c, op->service);

	if ((f = calloc(op->nparams + 1, sizeof(*f))) == NULL)
		abort();
	f[n].name = (char *)"op";
	f[n].value = op->name;
	f[n].len = strlen(op->name);
	f[n++].kind = BR_V_STRING;
	for (i = 0; i < op->nparams; i++) {
		const struct br_param *p = &op->params[i];

		if (p->name == NULL || p->wire == NULL)
			__builtin_trap();
		(void)br_ptype_name(p->type);
		(void)br_ploc_name(p->in);
		f[n].name = p->name;
		f[n].value = p->example != NULL ? p->example : (char *)"1";
		f[n].len = strlen(f[n].value);
		f[n++].kind = BR_V_STRING;
	}
	row.num = 1;
	row.line = 2;
	row.nfields = n;
	row.fields = f;
	bo.now_ms = 1795298400000LL;
	bo.tz = "UTC";
	if (br_catalog_bind(c, &row, &bo, &b, &probs) == 0 &&
	    op->verify != NULL) {
		struct br_request req = { 0 };

		if (br_verify_request(op, &b, "https://h.example/x/", &req,
		    &err) == 0 && (req.url == NULL || req.method[0] == '\0'))
			__builtin_trap();
		br_request_release(&req);
	}
	if (b.op != NULL)
		for (i = 0; i < op->nparams; i++)
			(void)br_bound_get(&b, op->params[i].name);
	br_bound_release(&b);
	br_problems_release(&probs);
	free(f);
}

/* Where each service is, in a few regions, on the region's cloud and
 * on each cloud said outright. */
static void
use_hosts(const struct br_catalog *c)
{
	static const char *const regions[] = { "eu-de", "cn-north-4", "zz-1",
	    "EU-WEST-101" };
	struct br_err err = { 0 };
	const char *pat;
	char *url;
	size_t i, j, k;

	for (i = 0; i < c->nservices; i++)
		for (j = 0; j < sizeof(regions) / sizeof(regions[0]); j++)
			for (k = 0; k <= c->nclouds; k++) {
				const char *cl = k < c->nclouds ?
				    c->clouds[k].name : NULL;

				if (br_region_endpoint(c, &c->services[i],
				    regions[j], cl, &pat, &err) == 0 &&
				    pat != NULL) {
					free(br_region_fill(pat, regions[j]));
				} else if (err.code == 0 && pat == NULL &&
				    c->services[i].nhosts > 0)
					__builtin_trap();
				br_err_clear(&err);
				(void)br_region_offered(c,
				    c->services[i].name, regions[j], cl);
				(void)br_region_cloud(c, regions[j], cl);
			}
	url = br_region_auth_url(c, "eu-de", NULL, &err);
	free(url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct br_catalog c;
	struct br_err err = { 0 };
	const char *path;
	struct br_op *ops;
	size_t i, nops, nsvc, nclouds;

	memset(&c, 0, sizeof(c));
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size % 64 == 63) {
		if (br_catalog_load_builtin(&c, &err) != 0)
			__builtin_trap();
	} else if (size % 4 == 3 && br_catalog_load_string(&c, base,
	    sizeof(base) - 1, "<base>", &err) != 0)
		__builtin_trap();
	path = fz_write(0, ".json", data, size);
	ops = c.ops;
	nops = c.nops;
	nsvc = c.nservices;
	nclouds = c.nclouds;
	if (br_catalog_load_file(&c, path, &err) != 0) {
		if (err.code == 0 || c.ops != ops || c.nops != nops ||
		    c.nservices != nsvc || c.nclouds != nclouds)
			__builtin_trap();
		br_catalog_release(&c);
		return 0;
	}
	br_catalog_print_list(&c, devnull);
	for (i = 0; i < c.nops; i++)
		use_op(&c, &c.ops[i]);
	use_hosts(&c);
	nops = c.nops;
	if (br_catalog_load_file(&c, path, &err) != 0 || c.nops != nops)
		__builtin_trap();
	(void)br_catalog_suggest(&c, "css.restart");
	br_catalog_release(&c);
	return 0;
}
