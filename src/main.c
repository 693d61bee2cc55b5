/*
 * bulkrun - runs many cloud API operations from a manifest.
 * main: commands, signals, exit status.  Only main exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exitcode.h"
#include "catalog.h"
#include "cli.h"
#include "datetime.h"
#include "http.h"
#include "lock.h"
#include "merge.h"
#include "region.h"
#include "sched.h"
#include "template.h"
#include "version.h"

static volatile sig_atomic_t got_signal;	/* before the run: --lock-wait */

static void
on_signal(int sig)
{
	got_signal = sig;
	br_sched_interrupt(sig);
}

/* --lock: held until the process ends; 0, or the exit status (75 when
 * another run holds it). */
static int
take_lock(struct br_lock *l, const struct br_opts *o)
{
	struct br_err err = { 0 };
	int rc;

	if (o->lock == NULL)
		return 0;
	if ((rc = br_lock_take(l, o->lock, o->lock_wait_ms, &got_signal,
	    &err)) == 0)
		return 0;
	if (rc != BR_EINTERNAL)
		return br_exit_error(&err, stderr);
	fprintf(stderr, "%s\n", err.msg);	/* a signal while waiting */
	return BR_EXIT_SIGNAL + got_signal;
}

static int
load_catalog(struct br_catalog *cat, const struct br_opts *o)
{
	struct br_err err = { 0 };
	size_t i;

	if (br_catalog_load_builtin(cat, &err) != 0) {
		fprintf(stderr, "bulkrun: built-in catalog: %s\n", err.msg);
		return BR_EXIT_USAGE;
	}
	for (i = 0; i < o->ncatalogs; i++)
		if (br_catalog_load_file(cat, o->catalogs[i], &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return BR_EXIT_USAGE;
		}
	if (br_region_check_cloud(cat, o->cloud, &err) != 0) {
		fprintf(stderr, "bulkrun: %s\n", err.msg);
		return BR_EXIT_USAGE;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct br_catalog cat = { 0 };
	struct br_lock lock = BR_LOCK_INIT;
	struct br_opts o;
	struct br_err err = { 0 };
	struct sigaction sa;
	int rc;

	if ((rc = br_cli_parse(&o, argc, argv)) != 0) {
		br_cli_release(&o);
		return rc;
	}
	switch (o.cmd) {
	case BR_CMD_HELP:
		br_cli_usage(o.manifest, stdout);
		br_cli_release(&o);
		return 0;
	case BR_CMD_VERSION:
		printf("bulkrun %s\n", BR_VERSION);
		br_cli_release(&o);
		return 0;
	default:
		break;
	}
	if ((rc = load_catalog(&cat, &o)) != 0)
		goto out;
	if (o.tz != NULL) {
		/* once, before any thread: curl reads the environment too */
		if (br_datetime_tz_check(o.tz) != 0) {
			fprintf(stderr, "bulkrun: --tz: '%s' is not a known "
			    "time zone\n", o.tz);
			rc = BR_EXIT_USAGE;
			goto out;
		}
		setenv("TZ", o.tz, 1);
		tzset();
	}

	switch (o.cmd) {
	case BR_CMD_OPS:
		if (o.manifest != NULL && o.template_path != NULL) {
			if (br_catalog_write_template(&cat, o.manifest,
			    o.template_path, &err) != 0)
				rc = br_exit_error(&err, stderr);
		} else if (o.manifest == NULL)
			br_catalog_print_list(&cat, stdout);
		else if (br_catalog_print_op(&cat, o.manifest, stdout,
		    &err) != 0) {
			fprintf(stderr, "bulkrun: %s\n", err.msg);
			rc = BR_EXIT_USAGE;
		}
		break;
	case BR_CMD_VALIDATE:
		rc = br_sched_validate(&o, &cat);
		break;
	case BR_CMD_MERGE:
		rc = br_merge_main((const char *const *)o.inputs, o.ninputs,
		    o.report, o.quiet);
		break;
	case BR_CMD_RUN:
	case BR_CMD_STATUS:
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);	/* one handler at a time */
		sigaddset(&sa.sa_mask, SIGINT);
		sigaddset(&sa.sa_mask, SIGTERM);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		if ((rc = take_lock(&lock, &o)) != 0)
			break;
		if (br_http_global_init() != 0) {
			fprintf(stderr, "bulkrun: cannot initialise libcurl\n");
			rc = BR_EXIT_USAGE;
			break;
		}
		rc = br_sched_run(&o, &cat);
		br_http_global_cleanup();
		break;
	default:
		rc = BR_EXIT_USAGE;
		break;
	}
out:
	br_lock_release(&lock);
	br_catalog_release(&cat);
	br_cli_release(&o);
	return rc;
}
