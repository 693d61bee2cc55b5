/*
 * runcreds.c - the credentials policy of a run: load them, fetch a token
 * for the password flow (again once when it expires), sign or stamp every
 * attempt afresh, and stop the run at a refusal, so that the gateway does
 * not lock the keys.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "region.h"
#include "run.h"
#include "sched.h"
#include <time.h>

/* OS_AUTH_URL's default, IAM's host for --region (and --cloud): only
 * when the password flow would need it (OS_USERNAME set, OS_AUTH_URL
 * not) and --region has one; *url NULL otherwise (a region bulkrun does
 * not know is said once the rows are checked).  0 or BR_ENOMEM. */
static int
default_auth_url(struct run *r, char **url, struct br_err *err)
{
	struct br_err e = { 0 };
	const char *v;

	*url = NULL;
	if (((v = getenv("OS_AUTH_URL")) != NULL && v[0] != '\0') ||
	    (v = getenv("OS_USERNAME")) == NULL || v[0] == '\0' ||
	    r->o->region == NULL || r->o->region[0] == '\0')
		return 0;
	*url = br_region_auth_url(r->cat, r->o->region, r->o->cloud, &e);
	if (*url == NULL && e.code == BR_ENOMEM)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

int
br_run_load_creds(struct run *r, struct br_err *err)
{
	char *auth_url;
	int rc;

	if ((rc = default_auth_url(r, &auth_url, err)) == 0)
		rc = br_creds_load_at(&r->creds, r->o->token_file, auth_url,
		    err);
	if (rc != 0)
		br_err_prefix(err, "bulkrun");
	else if (auth_url != NULL && r->creds.kind == BR_CREDS_PASSWORD &&
	    strcmp(r->creds.auth_url, auth_url) == 0 && !r->o->quiet)
		/* where the password goes is said, not guessed at */
		fprintf(stderr, "bulkrun: OS_AUTH_URL is not set: the token "
		    "comes from %s, IAM of region '%s'\n", auth_url,
		    r->o->region);
	free(auth_url);
	return rc;
}

/* Gets a token for the password flow (first time, or after a 401).
 * 0, or -1 after saying why. */
int
br_run_fetch_token(struct run *r)
{
	struct br_err err = { 0 };

	if (br_creds_fetch_token(&r->creds, &r->hopts, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		return -1;
	}
	r->token_gen++;
	r->token_ok = 0;
	return 0;
}

/* The credentials of one attempt: the token, or a fresh signature. */
int
br_run_apply_creds(struct run *r, const struct br_bound *b, struct br_request *req,
    struct br_err *err)
{
	if (r->creds.kind == BR_CREDS_NONE)
		return 0;
	return br_creds_apply(&r->creds, req, (int64_t)time(NULL),
	    br_bound_get(b, "project_id"), err);
}

int
br_run_is_auth_failure(const struct br_result *res)
{
	const char *c = res->error_code;

	if (res->http_status == 401)
		return 1;
	/* the gateway's authentication codes: APIG.0301 to APIG.0307 */
	return c != NULL && strncmp(c, "APIG.030", 8) == 0 && c[8] >= '1' &&
	    c[8] <= '7' && c[9] == '\0';
}

/*
 * After a 401 in the password flow: whether the row may go again with a
 * fresh token.  A token that expired during the run is fetched again; a
 * 401 with a token that never worked, after a refresh, is a credentials
 * failure.  Rows sent with an older token just go again.
 */
int
br_run_token_refreshed(struct run *r, const struct job *j)
{
	if (r->creds.kind != BR_CREDS_PASSWORD || br_sched_signal ||
	    r->halt != BR_HALT_NONE)
		return 0;
	if (j->token_gen < r->token_gen)
		return 1;
	if (!r->token_ok && r->refreshes > 0)
		return 0;
	r->refreshes++;
	if (!r->o->quiet)
		fprintf(stderr, "bulkrun: the token was refused (%s); "
		    "getting a new one\n", j->res.error_code ?
		    j->res.error_code : "HTTP 401");
	return br_run_fetch_token(r) == 0;
}

/* Stops the run after a credentials failure, saying why once. */
void
br_run_auth_refused(struct run *r, const struct br_result *res)
{
	const char *m = res->error_msg != NULL ? res->error_msg : "";

	if (r->halt == BR_HALT_AUTH)
		return;
	fprintf(stderr, "bulkrun: credentials refused (%s): stopping the run "
	    "so that the gateway does not lock them\n", res->error_code ?
	    res->error_code : "HTTP 401");
	if (strcasestr(m, "date") != NULL || strcasestr(m, "expired") != NULL)
		fprintf(stderr, "bulkrun: the gateway says the request's date is "
		    "off: this machine's clock may be skewed (it must be within "
		    "15 minutes of the real time)\n");
	r->halt = BR_HALT_AUTH;
}
