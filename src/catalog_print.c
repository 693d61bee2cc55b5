/*
 * catalog_print.c - "bulkrun ops": the list of operations, and one
 * operation in detail; see catalog.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "text.h"

static void
csv_cell(FILE *f, const char *s)
{
	const char *p;

	if (s[strcspn(s, ",\"\r\n")] == '\0' && s[0] != ' ' &&
	    (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void
br_catalog_print_list(const struct br_catalog *c, FILE *f)
{
	size_t i, w = 0, rw = 0, n;

	for (i = 0; i < c->nops; i++) {
		if ((n = strlen(c->ops[i].name)) > w)
			w = n;
		if ((n = strlen(c->ops[i].method) + 1 +
		    strlen(c->ops[i].path)) > rw)
			rw = n;
	}
	for (i = 0; i < c->nops; i++) {
		const struct br_op *op = &c->ops[i];

		n = strlen(op->method) + 1 + strlen(op->path);
		fprintf(f, "%-*s  %s %s%*s  %s\n", (int)w, op->name,
		    op->method, op->path, (int)(rw - n), "",
		    op->summary != NULL ? op->summary : "");
	}
}

void
br_param_limits_text(const struct br_param *p, char *buf, size_t sz)
{
	size_t i, o = 0;
	int n;

	buf[0] = '\0';
	if (p->type == BR_T_ENUM) {
		for (i = 0; i < p->nenums && o < sz; i++) {
			n = snprintf(buf + o, sz - o, "%s%s", i > 0 ? "|" :
			    "", p->enums[i]);
			if (n < 0)
				break;
			o += (size_t)n;
		}
	} else if (p->min_length >= 0 && p->max_length >= 0)
		snprintf(buf, sz, "%ld..%ld chars", p->min_length,
		    p->max_length);
	else if (p->min_length >= 0)
		snprintf(buf, sz, ">= %ld chars", p->min_length);
	else if (p->max_length >= 0)
		snprintf(buf, sz, "<= %ld chars", p->max_length);
	else if (p->has_min && p->has_max)
		snprintf(buf, sz, "%" PRId64 "..%" PRId64, p->min, p->max);
	else if (p->has_min)
		snprintf(buf, sz, ">= %" PRId64, p->min);
	else if (p->has_max)
		snprintf(buf, sz, "<= %" PRId64, p->max);
	else if (p->type == BR_T_INTEGER)
		snprintf(buf, sz, "32-bit");
	else if (p->type == BR_T_LONG)
		snprintf(buf, sz, "64-bit");
}

static void
print_values(FILE *f, char *const *v, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i > 0 ? sep : "", v[i]);
}

static void
print_test(FILE *f, const struct br_vtest *t)
{
	fprintf(f, "%s ", t->path);
	if (t->kind == BR_VT_EMPTY || t->kind == BR_VT_NOT_EMPTY) {
		fputs(t->kind == BR_VT_EMPTY ? "empty" : "not empty", f);
		return;
	}
	fputs(t->kind == BR_VT_IN ? "in " : "has ", f);
	print_values(f, t->values, t->nvalues, "|");
}

static void
print_cond(FILE *f, const char *label, const struct br_vcond *c)
{
	size_t i;

	fprintf(f, "  %-10s ", label);
	if (c->ntests == 0)
		fputs("(none)", f);
	else if (c->ntests > 1)
		fputs(c->all ? "all of: " : "any of: ", f);
	for (i = 0; i < c->ntests; i++) {
		if (i > 0)
			fputs("; ", f);
		print_test(f, &c->tests[i]);
	}
	fputc('\n', f);
}

static void
print_fresh(FILE *f, const struct br_verify *v)
{
	const char *sep = "";

	fprintf(f, "  %-10s ", "fresh:");
	if (v->fresh_progress) {
		fputs("an in-progress state read after the call", f);
		sep = ", or ";
	}
	if (v->fresh_time != NULL) {
		fprintf(f, "%s%s later than the call (epoch ms)", sep,
		    v->fresh_time);
		sep = ", or ";
	}
	if (v->fresh_repeat > 0)
		fprintf(f, "%sthe same state on %d polls in a row", sep,
		    v->fresh_repeat);
	fputc('\n', f);
}

static void
print_gone(FILE *f, const struct br_verify *v)
{
	const struct br_vgone *g;
	size_t i;

	fprintf(f, "  %-10s ", "gone:");
	if (v->ngone == 0)
		fputs("(none)", f);
	for (i = 0; i < v->ngone; i++) {
		g = &v->gone[i];
		fputs(i > 0 ? "; " : "", f);
		if (g->status != 0)
			fprintf(f, "HTTP %ld%s", g->status,
			    g->ncodes > 0 || g->test.path != NULL ? " " : "");
		print_values(f, g->codes, g->ncodes, "|");
		if (g->test.path != NULL) {
			fputs(g->ncodes > 0 ? " " : "", f);
			print_test(f, &g->test);
		}
	}
	fputc('\n', f);
}

/* Where the service is, per cloud: the pattern, the regions with a host
 * of their own, or that the cloud does not offer it. */
static void
print_hosts(FILE *f, const struct br_service *svc)
{
	const struct br_svc_host *h;
	size_t i, j, w = 0, n;

	for (i = 0; i < svc->nhosts; i++)
		if ((n = strlen(svc->hosts[i].cloud)) > w)
			w = n;
	for (i = 0; i < svc->nhosts; i++) {
		h = &svc->hosts[i];
		fprintf(f, "  %-10s %-*s  %s\n", i == 0 ? "hosts:" : "",
		    (int)w, h->cloud, h->endpoint != NULL ? h->endpoint :
		    "not offered");
		for (j = 0; j < h->nregions; j++)
			fprintf(f, "  %-10s %-*s    %s: %s\n", "", (int)w, "",
			    h->regions[j].region, h->regions[j].endpoint);
	}
}

/* The "verify" block: how --wait, status and --precheck read back. */
static void
print_verify(FILE *f, const struct br_verify *v)
{
	size_t i;

	if (v == NULL) {
		fprintf(f, "\nverify: (none: --wait, status and --precheck "
		    "cannot read this operation back)\n");
		return;
	}
	fprintf(f, "\nverify (run --wait, status, --precheck):\n");
	fprintf(f, "  %-10s %s %s", "read:", v->method, v->path);
	for (i = 0; i < v->nquery; i++)
		fprintf(f, "%c%s=%s", i == 0 ? '?' : '&', v->query[i].name,
		    v->query[i].value);
	fputc('\n', f);
	for (i = 0; i < v->nheaders; i++)
		fprintf(f, "  %-10s %s: %s\n", i == 0 ? "headers:" : "",
		    v->headers[i].name, v->headers[i].value);
	fprintf(f, "  %-10s %s\n", "state:", v->state);
	if (v->code != NULL)
		fprintf(f, "  %-10s %s\n", "code:", v->code);
	print_cond(f, "healthy:", &v->healthy);
	print_cond(f, "progress:", &v->progress);
	print_cond(f, "failed:", &v->failed);
	if (v->match_sent)
		fprintf(f, "  %-10s every body field sent reads back equal\n",
		    "and:");
	fprintf(f, "  %-10s anything else: in progress\n", "unknown:");
	print_fresh(f, v);
	print_gone(f, v);
	fprintf(f, "  %-10s first poll after %.3gs, then every %.3gs, "
	    "timeout %.6gs\n", "timing:", (double)v->first_delay_ms / 1000,
	    (double)v->interval_ms / 1000, (double)v->timeout_ms / 1000);
}

int
br_catalog_print_op(const struct br_catalog *c, const char *name, FILE *f,
    struct br_err *err)
{
	const struct br_op *op;
	const struct br_service *svc;
	const struct br_param *p;
	const char *sug;
	char lim[256], q[BR_QUOTE_BUF];
	size_t i, wn = 4, wi = 2, wt = 4, wl = 6, n;

	if ((op = br_catalog_find(c, name)) == NULL) {
		br_text_quotez(q, sizeof(q), name != NULL ? name : "");
		if ((sug = br_catalog_suggest(c, name)) != NULL)
			return br_errf(err, BR_EINPUT, NULL, 0, "unknown "
			    "operation '%s'; did you mean '%s'?", q, sug);
		return br_errf(err, BR_EINPUT, NULL, 0, "unknown operation "
		    "'%s' (bulkrun ops lists them)", q);
	}
	svc = br_catalog_service(c, op->service);
	fprintf(f, "%s: %s\n\n", op->name, op->summary);
	fprintf(f, "  request:   %s %s\n", op->method, op->path);
	fprintf(f, "  service:   %s", op->service);
	if (svc != NULL && svc->endpoint != NULL)
		fprintf(f, " (%s)", svc->endpoint);
	fputc('\n', f);
	if (svc != NULL)
		print_hosts(f, svc);
	fprintf(f, "  success:   ");
	for (i = 0; i < op->nsuccess; i++)
		fprintf(f, "%s%d", i > 0 ? ", " : "", op->success[i]);
	fprintf(f, "\n  idempotent: %s", op->idempotent ? "yes (a call that "
	    "got no answer is retried)" : "no (a call that got no answer is "
	    "retried only with --retry-on net-unsafe)");
	fprintf(f, "\n\nparameters:\n");
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if ((n = strlen(p->name)) > wn)
			wn = n;
		if ((n = strlen(br_ploc_name(p->in))) > wi)
			wi = n;
		if ((n = strlen(br_ptype_name(p->type))) > wt)
			wt = n;
		br_param_limits_text(p, lim, sizeof(lim));
		if ((n = strlen(lim)) > wl)
			wl = n;
	}
	if (op->nparams == 0)
		fprintf(f, "  (none)\n");
	else
		fprintf(f, "  %-*s  %-*s  %-*s  %-8s  %-*s  %s\n", (int)wn,
		    "NAME", (int)wi, "IN", (int)wt, "TYPE", "REQUIRED",
		    (int)wl, "LIMITS", "DESCRIPTION");
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		br_param_limits_text(p, lim, sizeof(lim));
		fprintf(f, "  %-*s  %-*s  %-*s  %-8s  %-*s  %s\n", (int)wn,
		    p->name, (int)wi, br_ploc_name(p->in), (int)wt,
		    br_ptype_name(p->type), p->required ? "yes" : "no",
		    (int)wl, lim, p->description != NULL ?
		    p->description : "");
	}
	fprintf(f, "\nresponse fields: ");
	for (i = 0; i < op->nresponse; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "", op->response[i]);
	if (op->nresponse == 0)
		fprintf(f, "(none)");
	fprintf(f, "\n\nexample CSV:\nop");
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if (p->required || p->example != NULL) {
			fputc(',', f);
			csv_cell(f, p->name);
		}
	}
	fputc('\n', f);
	csv_cell(f, op->name);
	for (i = 0; i < op->nparams; i++) {
		p = &op->params[i];
		if (p->required || p->example != NULL) {
			fputc(',', f);
			csv_cell(f, p->example != NULL ? p->example : "");
		}
	}
	fputc('\n', f);
	print_verify(f, op->verify);
	return 0;
}
