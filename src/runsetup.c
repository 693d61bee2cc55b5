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
#include "encoding.h"
#include "report_xlsx.h"
#include "version.h"

int
br_run_open_manifest(struct run *r, int snapshot, struct br_err *err)
{
	/* run reads a private copy: what is sent is what was checked */
	struct br_manifest_opts mo = { .delimiter = r->o->delimiter,
	    .snapshot = snapshot, .utf8_only = 1, .sheet = r->o->sheet };

	if (r->o->encoding != NULL &&
	    (mo.encoding = br_enc_parse(r->o->encoding)) < 0)
		return br_errf(err, BR_EINPUT, "bulkrun", 0, "--encoding: "
		    "'%s' is not cp1252 (windows-1252) or latin1 (iso-8859-1); "
		    "a file in UTF-16 with a byte-order mark is read as it is",
		    r->o->encoding);
	return br_manifest_open(&r->m, r->o->manifest, &mo, err);
}

int
br_run_load_resume(struct run *r, struct br_err *err)
{
	char a[4096], b[4096], *journal;
	int rc;

	if (r->o->resume == NULL)
		return 0;
	if (r->o->report != NULL && realpath(r->o->resume, a) != NULL &&
	    realpath(r->o->report, b) != NULL && strcmp(a, b) == 0)
		return br_errf(err, BR_EINPUT, "bulkrun", 0, "--resume and "
		    "--report name the same file: write the new report to "
		    "another one");
	if (br_report_format_for(r->o->resume) == BR_RF_XLSX) {
		/* a workbook resumes from its journal */
		if ((journal = br_report_xlsx_journal(r->o->resume)) == NULL)
			return br_errf(err, BR_ENOMEM, "bulkrun", 0, "out of "
			    "memory");
		rc = br_resume_load(&r->resume, journal, err);
		free(journal);
	} else
		rc = br_resume_load(&r->resume, r->o->resume, err);
	if (rc != 0)
		br_err_prefix(err, "bulkrun");
	return rc;
}

/* A staged report takes its name: the one chosen, or for a name of our
 * own the next free one. */
int
br_run_publish_report(struct run *r, struct br_err *err)
{
	int64_t now = br_now_ms();
	char *path;
	int n, rc;

	if ((rc = br_report_publish(r->rep, r->report_path, err)) != BR_EEXIST ||
	    r->o->report != NULL)
		return rc;
	for (n = 2; n < 1000; n++) {
		if ((path = br_report_default_path(r->o->manifest,
		    r->ro.delimiter, now, n)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		br_err_clear(err);
		if ((rc = br_report_publish(r->rep, path, err)) != BR_EEXIST) {
			free(r->report_path);
			r->report_path = path;
			return rc;
		}
		free(path);
	}
	return rc;
}

/*
 * Opens the report: -o as given (replacing the file: the user named it),
 * or a name of our own, unique to the millisecond and never replacing a
 * file (two runs started together get two reports; a --resume never
 * overwrites the report it resumes).
 */
static int
open_report_file(struct run *r, struct br_err *err)
{
	int64_t now = br_now_ms();
	char *path;
	int n, rc;

	/* resuming: the carried rows go in before the report appears, so
	 * that a crash meanwhile leaves the newest report whole */
	r->ro.staged = r->resume != NULL;
	if (r->o->report != NULL) {
		if ((rc = br_report_format_check(r->o->report, &r->ro.format,
		    err)) != 0)
			return rc;
		if (r->ro.format == BR_RF_XLSX) {
			/* the rows go to a CSV journal; the workbook is made
			 * from it at the end */
			r->ro.format = BR_RF_CSV;
			if ((r->xlsx_path = strdup(r->o->report)) == NULL ||
			    (r->report_path = br_report_xlsx_journal(
			    r->o->report)) == NULL)
				return br_errf(err, BR_ENOMEM, NULL, 0, "out of "
				    "memory");
		} else if ((r->report_path = strdup(r->o->report)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		return br_report_open(&r->rep, r->report_path, &r->ro, r->cols,
		    r->ncols, err);
	}
	r->ro.exclusive = 1;
	r->ro.format = BR_RF_CSV;
	for (n = 1; n < 1000; n++) {
		if ((path = br_report_default_path(r->o->manifest,
		    r->ro.delimiter, now, n)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		br_err_clear(err);
		rc = br_report_open(&r->rep, path, &r->ro, r->cols, r->ncols,
		    err);
		if (rc != BR_EEXIST) {
			r->report_path = path;
			return rc;
		}
		free(path);
	}
	return rc;
}

int
br_run_open_report(struct run *r, const struct br_survey *s,
    struct br_err *err)
{
	size_t i;
	int rc;

	if (br_manifest_format(r->m) == BR_MF_CSV) {
		r->ncols = br_manifest_ncolumns(r->m);
		if ((r->cols = calloc(r->ncols + 1, sizeof(*r->cols))) == NULL)
			return br_errf(err, BR_ENOMEM, "bulkrun", 0,
			    "out of memory");
		r->cols_owned = 1;
		for (i = 0; i < r->ncols; i++)
			r->cols[i] = br_manifest_column(r->m, i);
	} else {
		r->cols = (const char **)s->columns;
		r->ncols = s->ncolumns;
	}
	r->ro.delimiter = br_manifest_delimiter(r->m);
	r->ro.bom = br_manifest_had_bom(r->m);
	r->ro.verify = br_run_reads(r);
	if ((rc = open_report_file(r, err)) != 0)
		br_err_prefix(err, "bulkrun");
	return rc;
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
	r->started_ms = r->bo.now_ms;
	r->bo.tz = o->tz;
	r->bo.allow_old_dates = o->allow_old_dates;
	r->ep.all = o->endpoint_all;
	r->ep.svc_names = o->ep_names;
	r->ep.svc_urls = o->ep_urls;
	r->ep.nsvc = o->neps;
	r->ep.region = o->region;
	r->ep.cloud = o->cloud;
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
	if (r->cols_owned)
		free(r->cols);
	free(r->report_path);
	free(r->xlsx_path);
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

int
br_run_write_workbook(struct run *r, struct br_err *err)
{
	const struct br_opts *o = r->o;
	char jobs[16], rate[32], started[40];
	struct br_xlsx_setting set[] = {
		{ "manifest", o->manifest },
		{ "journal (what --resume reads)", r->report_path },
		{ "started", started },
		{ "jobs", jobs },
		{ "rate", rate },
		{ "wait", o->wait ? "yes" : "no" },
		{ "bulkrun", BR_VERSION },
	};

	snprintf(jobs, sizeof(jobs), "%d", o->jobs);
	if (o->rate > 0)
		snprintf(rate, sizeof(rate), "%g/s", o->rate);
	else
		snprintf(rate, sizeof(rate), "unlimited");
	br_datetime_iso(br_now_ms() - (r->stats.end_mono -
	    r->stats.start_mono), started, sizeof(started));
	return br_report_xlsx_write(r->report_path, r->ro.delimiter,
	    r->xlsx_path, &r->stats, set, sizeof(set) / sizeof(set[0]), err);
}
