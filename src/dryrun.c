/*
 * dryrun.c - --dry-run: print each request as it would go (secrets
 * masked, a password-flow token not fetched), the reads of --precheck,
 * --wait and status too; send nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plausible.h"
#include "run.h"
#include "sched.h"

/* A comment per date field: the epoch milliseconds sent, and what time
 * they are. */
static void
print_dates(const struct br_bound *b)
{
	char shown[64];
	size_t i;

	for (i = 0; i < b->nargs; i++)
		if (b->args[i].param->type == BR_T_EPOCH_MS) {
			br_plaus_ms_show(strtoll(b->args[i].value, NULL, 10),
			    shown, sizeof(shown));
			printf("# %s: %s\n", b->args[i].param->name, shown);
		}
}

/* Credentials as a real run would put them (a password-flow token is
 * not fetched). */
static int
dry_creds(struct run *r, const struct br_bound *b, struct br_request *req,
    struct br_err *err)
{
	if (r->creds.kind == BR_CREDS_PASSWORD)
		return br_request_add_header(req, "X-Auth-Token",
		    "(fetched at run time)", 1);
	return br_run_apply_creds(r, b, req, err);
}

/* The read of b's resource (--wait, --precheck, status), after a line
 * saying when it goes. */
static int
print_read(struct run *r, const struct br_bound *b, const char *when,
    struct br_err *err)
{
	struct br_request req = { 0 };
	char *base;
	int rc;

	if ((base = br_request_base_url(r->cat, b, &r->ep, err)) == NULL)
		return BR_EINPUT;
	rc = br_verify_request(b->op, b, base, &req, err);
	free(base);
	if (rc == 0 && (rc = dry_creds(r, b, &req, err)) == 0) {
		printf("# %s:\n", when);
		br_request_print(&req, stdout);
	}
	br_request_release(&req);
	return rc;
}

/* What a row would send, in order. */
static int
print_row(struct run *r, const struct br_bound *b, struct br_err *err)
{
	struct br_request req = { 0 };
	int rc = 0;

	if (r->status)
		return print_read(r, b, "read once", err);
	if (r->o->precheck)
		rc = print_read(r, b, "read first (--precheck)", err);
	if (rc == 0 && (rc = br_run_build_request(r, b, &req, err)) == 0 &&
	    (rc = dry_creds(r, b, &req, err)) == 0)
		br_request_print(&req, stdout);
	br_request_release(&req);
	if (rc == 0 && r->o->wait)
		rc = print_read(r, b, "then polled until healthy (--wait)",
		    err);
	return rc;
}

int
br_run_dry(struct run *r, struct br_err *fail)
{
	struct br_row row = { 0 };
	struct br_bound b;
	struct br_err err = { 0 };
	int rc = 0, bad = 0;

	while (!ferror(stdout) &&
	    (rc = br_manifest_next(r->m, &row, fail)) == 1) {
		if (!br_run_in_shard(r->o, row.num))
			continue;
		if (row.hidden) {
			printf("# row %ld (line %ld): hidden in the sheet, not "
			    "run\n\n", row.num, row.line);
			continue;
		}
		if (br_resume_row(r->resume, row.num, NULL) ==
		    BR_RS_CARRIED) {
			printf("# row %ld (line %ld): succeeded in the earlier "
			    "report, not sent again\n\n", row.num, row.line);
			continue;
		}
		if (!r->o->resume_send && br_resume_row(r->resume, row.num,
		    NULL) == BR_RS_MISMATCH) {
			printf("# row %ld (line %ld): succeeded in the earlier "
			    "report and differs from it now: not sent "
			    "(--resume-mismatch send)\n\n", row.num, row.line);
			continue;
		}
		memset(&b, 0, sizeof(b));
		printf("# row %ld (line %ld)\n", row.num, row.line);
		if (br_run_bind(r, &row, &b, 1, NULL) != 0) {
			printf("# invalid: not sent\n\n");
			bad = 1;
		} else {
			print_dates(&b);
			if (print_row(r, &b, &err) != 0) {
				printf("# %s\n\n", err.msg);
				br_err_clear(&err);
				bad = 1;
			}
		}
		br_bound_release(&b);
	}
	br_row_release(&row);
	if (fflush(stdout) != 0 || ferror(stdout))
		/* `--dry-run | head`: what was asked for was not all shown */
		return br_errf(fail, BR_EOUTPUT, "bulkrun", 0, "cannot write "
		    "the dry run to standard output: %s",
		    strerror(errno ? errno : EIO));
	if (rc < 0)
		return rc;	/* the reader's FILE:LINE message */
	return bad;
}
