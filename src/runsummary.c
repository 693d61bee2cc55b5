/*
 * runsummary.c - at the end of a run (finished, failed, halted,
 * interrupted, or stopped before sending: a manifest error), its figures
 * into --metrics and --summary-json (metrics.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "datetime.h"
#include "metrics.h"
#include "run.h"

static const char *
halt_name(enum br_halt h)
{
	switch (h) {
	case BR_HALT_FAILURES:
		return "max-failures";
	case BR_HALT_CANARY:
		return "canary";
	case BR_HALT_AUTH:
		return "credentials";
	case BR_HALT_WINDOW:
		return "window";
	default:
		return NULL;
	}
}

/* Writes one file; a failure is said, and changes no exit status. */
static void
put(const char *what, const char *path, const char *text)
{
	struct br_err err = { 0 };

	if (text == NULL)
		br_errf(&err, BR_ENOMEM, NULL, 0, "--%s '%s': out of memory",
		    what, path);
	else
		(void)br_metrics_write(what, path, text, &err);
	if (err.code != 0)
		fprintf(stderr, "bulkrun: warning: %s\n", err.msg);
}

void
br_run_summarize(struct run *r, const struct br_survey *sv, int status)
{
	const struct br_opts *o = r->o;
	struct br_strbuf prom = BR_STRBUF_INIT;
	struct br_summary s = { 0 };
	char *json;

	if (o->dry_run || (o->metrics == NULL && o->summary_json == NULL))
		return;
	s.stats = &r->stats;
	s.manifest = o->manifest;
	s.report = r->report_path;
	s.shard_k = o->shard_k;
	s.shard_n = o->shard_n;
	s.rows = sv->rows;
	s.start_ms = r->started_ms;
	s.end_ms = br_now_ms();
	s.exit_status = status;
	s.halted = halt_name(r->halt);
	s.signal = br_sched_signal;
	if (o->metrics != NULL) {
		br_metrics_prom(&s, &prom);
		put("metrics", o->metrics, prom.oom ? NULL : prom.p);
		br_strbuf_release(&prom);
	}
	if (o->summary_json != NULL) {
		json = br_metrics_json(&s);
		put("summary-json", o->summary_json, json);
		free(json);
	}
}
