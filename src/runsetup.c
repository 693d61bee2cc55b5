/*
 * runsetup.c - what a run opens and closes: its state from the options,
 * the manifest (a private copy for run), the report to resume, and the
 * request of a bound row.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "run.h"
#include "sched.h"
#include "datetime.h"

int
br_run_open_manifest(struct run *r, int snapshot)
{
	/* run reads a private copy: what is sent is what was checked */
	struct br_manifest_opts mo = { .delimiter = r->o->delimiter,
	    .snapshot = snapshot };
	struct br_err err = { 0 };

	if (br_manifest_open(&r->m, r->o->manifest, &mo, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return BR_EXIT_USAGE;
	}
	return 0;
}

int
br_run_load_resume(struct run *r)
{
	struct br_err err = { 0 };
	char a[4096], b[4096];

	if (r->o->resume == NULL)
		return 0;
	if (r->o->report != NULL && realpath(r->o->resume, a) != NULL &&
	    realpath(r->o->report, b) != NULL && strcmp(a, b) == 0) {
		fprintf(stderr, "bulkrun: --resume and --report name the same "
		    "file: write the new report to another one\n");
		return BR_EXIT_USAGE;
	}
	if (br_resume_load(&r->resume, r->o->resume, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		return BR_EXIT_USAGE;
	}
	return 0;
}

void
br_run_setup(struct run *r, const struct br_opts *o, const struct br_catalog *c)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->cat = c;
	r->bo.default_op = o->op;
	r->bo.sets = o->sets;
	r->bo.nsets = o->nsets;
	r->bo.now_ms = br_now_ms();
	r->bo.tz = o->tz;
	r->ep.all = o->endpoint_all;
	r->ep.svc_names = o->ep_names;
	r->ep.svc_urls = o->ep_urls;
	r->ep.nsvc = o->neps;
	r->ep.region = o->region;
	r->fail_limit = -1;
	r->hopts.timeout_ms = o->timeout_ms;
	r->hopts.connect_timeout_ms = o->connect_timeout_ms;
	r->hopts.cacert = o->cacert;
	r->hopts.insecure = o->insecure;
}

void
br_run_teardown(struct run *r)
{
	if (r->m != NULL)
		br_manifest_close(r->m);
	br_problems_release(&r->probs);
	br_creds_release(&r->creds);
	br_resume_free(r->resume);
}

/* The request for b, without credentials. */
int
br_run_build_request(struct run *r, const struct br_bound *b,
    struct br_request *req, struct br_err *err)
{
	char *base;
	int rc;

	if ((base = br_request_base_url(r->cat, b, &r->ep, err)) == NULL)
		return BR_EINPUT;
	rc = br_request_build(b, base, req, err);
	free(base);
	return rc;
}

/* A row carried over from the earlier report counts as it ended then. */
void
br_run_count_carried(const struct br_result *res, void *arg)
{
	struct run *r = arg;

	br_stats_add(&r->stats, res);
}
