/*
 * resume.c - --resume REPORT: reads the succeeded rows of an earlier
 * report (CSV through the manifest reader, or JSON Lines), keeps a small
 * table of them (row number, request fingerprint, value fingerprint),
 * marks the rows of this run that ask the same, and writes those into the
 * new report as they were.  Rows that were called and never verified
 * (CANCELLED.UNVERIFIED, VERIFY.TIMEOUT) are kept too: this run verifies
 * them without calling again.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "jsontext.h"
#include "resume.h"
#include "text.h"

#define MISMATCH_SHOWN	20	/* rows whose difference is spelled out */

/* A row of this manifest that differs from its succeeded earlier row. */
struct mism {
	long		 num, line;
	char		*op;
	struct br_row	 row;		/* a copy of its values */
};

struct slot {
	long		 num;		/* 0: empty */
	uint64_t	 fp;		/* of the manifest values */
	uint64_t	 rfp[2];	/* request_fp, when has_rfp */
	int		 has_rfp;
	int		 carried;
	int		 unverified;	/* called, never verified */
	int		 verify;	/* matched: verify, do not call */
	int		 mismatch;	/* succeeded, and differs now */
	int64_t		 call_ms;	/* when it was called (epoch) */
};

struct br_resume {
	char		*path;
	int		 jsonl;
	struct slot	*v;		/* open addressing, power of two */
	size_t		 cap, n;
	long		 ncarried;
	long		 nverify;
	long		 nmismatch;
	struct mism	 shown[MISMATCH_SHOWN];	/* the first few, explained */
	size_t		 nshown;
	char		 resaved[64];	/* a started_at not as written */
	const char	*manifest_name;	/* for br_resume_explain */
};

/* ---- fingerprints ---- */

static uint64_t
fnv(uint64_t h, const char *s, size_t n, int lower)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)(lower ? tolower((unsigned char)s[i]) :
		    s[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* One name=value pair; pairs are summed, so order does not matter. */
static uint64_t
pair(const char *name, const char *value, size_t vlen)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (strncasecmp(name, "input.", 6) == 0)
		name += 6;
	h = fnv(h, name, strlen(name), 1);
	h = fnv(h, "=", 1, 0);
	h = fnv(h, value, vlen, 0);
	return h * 0x9e3779b97f4a7c15ULL;
}

static uint64_t
start_fp(const char *op)
{
	return fnv(0x84222325cbf29ce4ULL, op ? op : "", op ? strlen(op) : 0,
	    0);
}

uint64_t
br_resume_fingerprint(const struct br_row *row, const char *op)
{
	uint64_t h = start_fp(op);
	size_t i;

	for (i = 0; i < row->nfields; i++) {
		const struct br_field *f = &row->fields[i];

		if (f->value == NULL || f->len == 0 ||
		    strcasecmp(f->name, "op") == 0)
			continue;
		h += pair(f->name, f->value, f->len);
	}
	return h;
}

/* ---- the table of succeeded rows ---- */

static struct slot *
find(const struct br_resume *r, long num)
{
	size_t i;

	if (r->cap == 0)
		return NULL;
	for (i = (size_t)num * 2654435761u & (r->cap - 1); r->v[i].num != 0;
	    i = (i + 1) & (r->cap - 1))
		if (r->v[i].num == num)
			return &r->v[i];
	return NULL;
}

static int
put(struct br_resume *r, const struct slot *in)
{
	struct slot *nv, *old = r->v, *s;
	size_t i, ocap = r->cap;
	long num = in->num;

	if ((s = find(r, num)) != NULL) {	/* a later line wins */
		*s = *in;
		return 0;
	}
	if ((r->n + 1) * 2 > r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		if ((nv = calloc(r->cap, sizeof(*nv))) == NULL)
			return BR_ENOMEM;
		r->v = nv;
		r->n = 0;
		for (i = 0; i < ocap; i++)
			if (old[i].num != 0)
				(void)put(r, &old[i]);
		free(old);
	}
	for (i = (size_t)num * 2654435761u & (r->cap - 1); r->v[i].num != 0;
	    i = (i + 1) & (r->cap - 1))
		;
	r->v[i] = *in;
	r->n++;
	return 0;
}

/* 32 hex digits into two words; 0 when s is not that. */
static int
parse_rfp(const char *s, uint64_t w[2])
{
	int i, d;

	if (s == NULL || strlen(s) != 32)
		return 0;
	w[0] = w[1] = 0;
	for (i = 0; i < 32; i++) {
		if ((d = br_text_hexval((unsigned char)s[i])) < 0)
			return 0;
		w[i / 16] = w[i / 16] << 4 | (uint64_t)d;
	}
	return 1;
}

/* ---- reading an earlier report, one row at a time ---- */

/* One earlier row: its manifest values and its result. */
struct earlier {
	long			 num, line;
	char			*op;
	int			 succeeded;
	int			 unverified;	/* CANCELLED.UNVERIFIED or
						   VERIFY.TIMEOUT */
	int			 cut;		/* the report's cut last row */
	struct br_row		 row;		/* names/values owned here */
	struct br_result	 res;
	const char		*rfp;		/* request_fp, or NULL; valid
						   until the next row */
	const char		*started;	/* started_at as written (CSV),
						   or NULL; the same */
	char			 rfpbuf[33];
};

static void
earlier_clear(struct earlier *e)
{
	br_report_fields_release(&e->row);
	free(e->op);
	br_result_release(&e->res);
	memset(e, 0, sizeof(*e));
}

/* A count as the report wrote it; 0 when it is not one in [0, max]. */
static int64_t
num_of(const char *s, int64_t max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 0 || v > max)
		return 0;
	return (int64_t)v;
}

static int
set_result(struct earlier *e, const char *status, const char *attempts,
    const char *elapsed, const char *started, const char *finished,
    const char *rid, const char *response)
{
	struct br_result *r = &e->res;

	r->outcome = BR_OUT_SUCCEEDED;
	r->http_status = status ? num_of(status, 999) : 0;
	r->attempts = attempts ? (int)num_of(attempts, INT_MAX) : 0;
	r->elapsed_ms = elapsed ? num_of(elapsed, INT64_MAX / 2) : 0;
	r->started_ms = br_report_parse_time(started);
	r->finished_ms = br_report_parse_time(finished);
	rid = br_report_unguard(rid);
	response = e->cut ? NULL : br_report_unguard(response);	/* maybe partial */
	if ((rid != NULL && *rid && (r->request_id = strdup(rid)) == NULL) ||
	    (response != NULL && *response &&
	    (r->response = strdup(response)) == NULL))
		return BR_ENOMEM;
	return 0;
}

static const char *
get(const struct br_row *row, const char *name)
{
	struct br_field *f = br_row_find(row, name);

	return f != NULL ? f->value : NULL;
}

/* CSV: the next row through the manifest reader (it knows the dialect). */
/* Any column a report may add, verification's too. */
static const struct br_report_opts all_columns = { .verify = 1 };

/* A row whose call went out and was never verified: its call is not
 * made again. */
static int
unverified(const char *outcome, const char *code)
{
	return outcome != NULL && code != NULL &&
	    (strcmp(outcome, "cancelled") == 0 ||
	    strcmp(outcome, "failed") == 0) &&
	    (strcmp(code, "CANCELLED.UNVERIFIED") == 0 ||
	    strcmp(code, "VERIFY.TIMEOUT") == 0);
}

static int
next_csv(struct br_manifest *m, struct br_row *raw, struct earlier *e,
    struct br_err *err)
{
	const char *num, *outcome, *op;
	size_t i;
	int rc;

	earlier_clear(e);
	if ((rc = br_manifest_next(m, raw, err)) != 1)
		return rc;
	e->cut = br_manifest_cut(m);
	e->started = get(raw, "started_at");
	num = get(raw, "row");
	outcome = get(raw, "outcome");
	op = get(raw, "op");
	e->num = num ? (long)num_of(num, LONG_MAX) : 0;
	e->line = get(raw, "line") ? (long)num_of(get(raw, "line"),
	    LONG_MAX) : 0;
	e->rfp = e->cut ? NULL : get(raw, "request_fp");
	e->succeeded = outcome != NULL && strcmp(outcome, "succeeded") == 0 &&
	    e->num > 0 && op != NULL;
	e->unverified = unverified(outcome, get(raw, "error_code")) &&
	    e->num > 0 && op != NULL;
	if (!e->succeeded && !e->unverified)
		return 1;
	if ((e->op = strdup(op)) == NULL)
		return BR_ENOMEM;
	for (i = 0; i < raw->nfields; i++)
		if (!br_report_is_added_column(&all_columns,
		    raw->fields[i].name) &&
		    raw->fields[i].value != NULL &&
		    br_report_field_add(&e->row, raw->fields[i].name,
		    raw->fields[i].value) != 0)
			return BR_ENOMEM;
	return set_result(e, get(raw, "http_status"), get(raw, "attempts"),
	    get(raw, "elapsed_ms"), get(raw, "started_at"),
	    get(raw, "finished_at"), get(raw, "request_id"),
	    get(raw, "response")) == 0 ? 1 : BR_ENOMEM;
}

/* JSON Lines: one object a line.  A line that does not parse (a cut last
 * line, a damaged one) is passed over: its row is not carried. */
static int
next_jsonl(FILE *f, char **line, size_t *cap, struct earlier *e, int first)
{
	cJSON *o = NULL, *resp;
	char b1[32], b2[32], b3[32], b4[32], *rtext = NULL;
	const char *outcome, *op, *num, *ln;
	ssize_t n;
	int rc = 1;

	earlier_clear(e);
	do {
		do {
			if ((n = getline(line, cap, f)) < 0)
				return 0;
		} while (n <= 1);
	} while ((o = cJSON_Parse(*line)) == NULL && !first);
	if (o == NULL || !cJSON_IsObject(o) ||
	    cJSON_GetObjectItemCaseSensitive(o, "outcome") == NULL ||
	    cJSON_GetObjectItemCaseSensitive(o, "row") == NULL) {
		cJSON_Delete(o);
		return first ? BR_EINPUT : 1;
	}
	outcome = br_jsontext_member(o, "outcome", NULL, 0);
	op = br_jsontext_member(o, "op", NULL, 0);
	num = br_jsontext_member(o, "row", b3, sizeof(b3));
	ln = br_jsontext_member(o, "line", b4, sizeof(b4));
	e->num = num != NULL ? (long)num_of(num, LONG_MAX) : 0;
	e->line = ln != NULL ? (long)num_of(ln, LONG_MAX) : 0;
	e->succeeded = outcome != NULL && strcmp(outcome, "succeeded") == 0 &&
	    e->num > 0 && op != NULL;
	e->unverified = unverified(outcome, br_jsontext_member(o, "error_code", NULL, 0)) &&
	    e->num > 0 && op != NULL;
	if (e->succeeded || e->unverified) {
		if ((e->rfp = br_jsontext_member(o, "request_fp", NULL, 0)) != NULL) {
			snprintf(e->rfpbuf, sizeof(e->rfpbuf), "%s", e->rfp);
			e->rfp = e->rfpbuf;
		}
		resp = cJSON_GetObjectItemCaseSensitive(o, "response");
		if (resp != NULL && !cJSON_IsNull(resp))
			rtext = cJSON_IsString(resp) ? strdup(resp->valuestring)
			    : cJSON_PrintUnformatted(resp);
		if ((e->op = strdup(op)) == NULL ||
		    br_report_input_fields(&e->row,
		    cJSON_GetObjectItemCaseSensitive(o, "input")) != 0 ||
		    set_result(e, br_jsontext_member(o, "http_status", b1, sizeof(b1)),
		    br_jsontext_member(o, "attempts", b2, sizeof(b2)),
		    br_jsontext_member(o, "elapsed_ms", b3, sizeof(b3)),
		    br_jsontext_member(o, "started_at", NULL, 0),
		    br_jsontext_member(o, "finished_at", NULL, 0),
		    br_jsontext_member(o, "request_id", NULL, 0), rtext) != 0)
			rc = BR_ENOMEM;
		free(rtext);
	}
	cJSON_Delete(o);
	return rc;
}

/* Whether a time reads as bulkrun writes it: 2026-11-21T00:00:00.000Z.
 * A spreadsheet that saved the report again writes its own way. */
static int
as_written(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t i;

	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != pat[i])
			return 0;
	return s[i] == '\0';
}

/*
 * Calls fn for every succeeded row of the earlier report.  Reading stops
 * quietly at a cut last line.
 */
static int
each(struct br_resume *r, int (*fn)(struct br_resume *, struct earlier *,
    void *), void *arg, struct br_err *err)
{
	static const char *const need[] = { "row", "op", "outcome" };
	struct br_manifest_opts mo = { .format = BR_MF_CSV, .hash_is_data = 1,
	    .cut_ok = 1 };
	struct br_manifest *m = NULL;
	struct br_row raw = { 0 };
	struct earlier e;
	struct br_err rerr = { 0 };
	char *line = NULL, eb[128];
	size_t cap = 0, i, k;
	FILE *f = NULL;
	int rc = 0, first = 1;

	memset(&e, 0, sizeof(e));
	if (r->jsonl) {
		if ((f = fopen(r->path, "r")) == NULL) {
			strerror_r(errno, eb, sizeof(eb));
			return br_errf(err, BR_EIO, r->path, 0, "cannot read "
			    "the report to resume: %s", eb);
		}
	} else if (br_manifest_open(&m, r->path, &mo, &rerr) != 0)
		return br_errf(err, BR_EINPUT, NULL, 0, "report to resume: %s",
		    rerr.msg);
	for (k = 0; m != NULL && k < sizeof(need) / sizeof(need[0]); k++) {
		for (i = 0; i < br_manifest_ncolumns(m) &&
		    strcmp(br_manifest_column(m, i), need[k]) != 0; i++)
			;
		if (i == br_manifest_ncolumns(m)) {
			rc = br_errf(err, BR_EINPUT, r->path, 1, "not a bulkrun "
			    "report (no '%s' column): --resume takes the "
			    "report of an earlier run", need[k]);
			goto out;
		}
	}
	for (;;) {
		rc = r->jsonl ? next_jsonl(f, &line, &cap, &e, first) :
		    next_csv(m, &raw, &e, &rerr);
		if (rc == BR_EINPUT && r->jsonl && first) {
			rc = br_errf(err, BR_EINPUT, r->path, 1, "not a bulkrun "
			    "report (the first line is no report row): "
			    "--resume takes the report of an earlier run");
			goto out;
		}
		first = 0;
		if (rc != 1)
			break;		/* the end, or an error */
		if (r->resaved[0] == '\0' && e.started != NULL &&
		    e.started[0] != '\0' && !as_written(e.started))
			snprintf(r->resaved, sizeof(r->resaved), "%.40s",
			    e.started);
		if ((e.succeeded || e.unverified) &&
		    (rc = fn(r, &e, arg)) != 0)
			break;
		rc = 0;
	}
	/* a report damaged in the middle: what came before it stands, and
	 * the rows after it are sent again (never fewer) */
	if (rc == BR_EINPUT) {
		fprintf(stderr, "bulkrun: warning: %s; the rows after it in "
		    "the report to resume are not carried over\n", rerr.msg);
		rc = 0;
	}
	if (rc == BR_ENOMEM)
		br_errf(err, rc, NULL, 0, "out of memory");
	else if (rc < 0)
		br_errf(err, rc, NULL, 0, "cannot write the resumed rows");
out:
	earlier_clear(&e);
	br_row_release(&raw);
	if (m != NULL)
		br_manifest_close(m);
	if (f != NULL)
		fclose(f);
	free(line);
	return rc < 0 ? rc : 0;
}

static int
load_one(struct br_resume *r, struct earlier *e, void *arg)
{
	struct slot s = { 0 };

	(void)arg;
	s.num = e->num;
	s.unverified = e->unverified;
	s.call_ms = e->res.started_ms;
	s.fp = br_resume_fingerprint(&e->row, e->op);
	s.has_rfp = parse_rfp(e->rfp, s.rfp);
	return put(r, &s);
}

int
br_resume_load(struct br_resume **rp, const char *path, struct br_err *err)
{
	struct br_resume *r;
	int rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	/* the writer's own rule, so that every report it writes resumes */
	r->jsonl = br_report_format_for(path) == BR_RF_JSONL;
	if ((rc = each(r, load_one, NULL, err)) != 0) {
		br_resume_free(r);
		return rc;
	}
	*rp = r;
	return 0;
}

/* Whether the earlier row in s is the row asking the same again: the
 * request's fingerprint when the report has one, else the values. */
static int
same(const struct slot *s, const struct br_row *row, const char *op,
    const char *rfp)
{
	uint64_t w[2];

	if (s->has_rfp)
		return parse_rfp(rfp, w) && w[0] == s->rfp[0] &&
		    w[1] == s->rfp[1];
	return s->fp == br_resume_fingerprint(row, op);
}

/* A copy of the row, to say later what differs. */
static int
keep_mismatch(struct br_resume *r, const struct br_row *row, const char *op)
{
	struct mism *m = &r->shown[r->nshown++];
	size_t i;

	memset(m, 0, sizeof(*m));	/* freed with r, whatever comes */
	m->num = row->num;
	m->line = row->line;
	if ((m->op = strdup(op)) == NULL)
		return BR_ENOMEM;
	for (i = 0; i < row->nfields; i++)
		if (br_report_field_add(&m->row, row->fields[i].name,
		    row->fields[i].value != NULL ? row->fields[i].value : "") !=
		    0)
			return BR_ENOMEM;
	return 0;
}

int
br_resume_match(struct br_resume *r, const struct br_row *row,
    const char *op, const char *rfp)
{
	struct slot *s = find(r, row->num);

	if (s == NULL || op == NULL)
		return 0;
	if (!same(s, row, op, rfp)) {	/* succeeded, asked otherwise */
		if (!s->unverified && !s->mismatch) {
			s->mismatch = 1;
			if (r->nmismatch++ < MISMATCH_SHOWN &&
			    keep_mismatch(r, row, op) != 0)
				return BR_ENOMEM;
		}
		return 0;
	}
	if (s->unverified) {		/* called before: verify it only */
		if (!s->verify)
			r->nverify++;
		s->verify = 1;
		return 0;
	}
	if (!s->carried) {
		s->carried = 1;
		r->ncarried++;
	}
	return 1;
}


enum br_resume_row
br_resume_row(const struct br_resume *r, long num, int64_t *call_ms)
{
	struct slot *s = r != NULL ? find(r, num) : NULL;

	if (s == NULL)
		return BR_RS_NEW;
	if (s->carried)
		return BR_RS_CARRIED;
	if (s->verify) {
		if (call_ms != NULL)
			*call_ms = s->call_ms;
		return BR_RS_VERIFY;
	}
	return s->mismatch ? BR_RS_MISMATCH : BR_RS_NEW;
}

long
br_resume_ncarried(const struct br_resume *r)
{
	return r->ncarried;
}


long
br_resume_nverify(const struct br_resume *r)
{
	return r->nverify;
}

struct writing {
	struct br_report	*rep;
	void			(*counted)(const struct br_result *, void *);
	void			*arg;
	struct br_err		*err;
};

static int
write_one(struct br_resume *r, struct earlier *e, void *arg)
{
	struct writing *w = arg;
	struct slot *s = find(r, e->num);

	if (s == NULL || s->carried != 1 ||
	    s->fp != br_resume_fingerprint(&e->row, e->op))
		return 0;	/* not this line: a later one won */
	s->carried = 2;		/* written: a duplicate line is not */
	e->row.num = e->num;
	e->row.line = e->line;
	if (e->rfp != NULL)
		snprintf(e->res.request_fp, sizeof(e->res.request_fp), "%s",
		    e->rfp);
	if (br_report_write(w->rep, &e->row, e->op, &e->res, w->err) != 0)
		return BR_EIO;
	w->counted(&e->res, w->arg);
	return 0;
}

int
br_resume_write(struct br_resume *r, struct br_report *rep,
    void (*counted)(const struct br_result *, void *), void *arg,
    struct br_err *err)
{
	struct writing w = { rep, counted, arg, err };

	return each(r, write_one, &w, err);
}

void
br_resume_free(struct br_resume *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nshown; i++) {
		free(r->shown[i].op);
		br_report_fields_release(&r->shown[i].row);
	}
	free(r->v);
	free(r->path);
	free(r);
}


long
br_resume_nmismatch(const struct br_resume *r)
{
	return r->nmismatch;
}

/* The value of name in row (any case), or "". */
static const char *
value_of(const struct br_row *row, const char *name)
{
	size_t i;

	for (i = 0; i < row->nfields; i++)
		if (strcasecmp(row->fields[i].name, name) == 0)
			return row->fields[i].value != NULL ?
			    row->fields[i].value : "";
	return "";
}

/* One earlier row that a shown mismatch names: what differs. */
static int
explain_one(struct br_resume *r, struct earlier *e, void *arg)
{
	FILE *f = arg;
	const struct mism *m;
	const char *was, *now;
	size_t i, k;

	for (k = 0; k < r->nshown && r->shown[k].num != e->num; k++)
		;
	if (k == r->nshown || e->unverified)
		return 0;
	m = &r->shown[k];
	fprintf(f, "%s:%ld: row %ld ", r->manifest_name, m->line, m->num);
	if (strcmp(m->op, e->op) != 0) {
		fprintf(f, "is '%.60s' now, '%.60s' in %s, where it "
		    "succeeded\n", m->op, e->op, r->path);
		return 0;
	}
	for (i = 0; i < m->row.nfields; i++) {
		if (br_report_is_added_column(&all_columns,
		    m->row.fields[i].name))
			continue;	/* op: compared above */
		now = m->row.fields[i].value != NULL ?
		    m->row.fields[i].value : "";
		was = value_of(&e->row, m->row.fields[i].name);
		if (strcmp(now, was) != 0) {
			fprintf(f, "'%.60s' is '%.80s' now, '%.80s' in %s, "
			    "where it succeeded\n", m->row.fields[i].name, now,
			    was, r->path);
			return 0;
		}
	}
	fprintf(f, "asks for something else than in %s, where it succeeded "
	    "(the endpoint, a --set value or a date that reads differently "
	    "now)\n", r->path);
	return 0;
}

void
br_resume_explain(struct br_resume *r, const char *manifest_name, int send,
    FILE *f)
{
	struct br_err err = { 0 };

	if (r->resaved[0] != '\0')
		fprintf(f, "bulkrun: warning: %s looks re-saved by a spreadsheet "
		    "(started_at '%s' is not as bulkrun writes it): a "
		    "spreadsheet changes values (dates, long ids), and rows "
		    "whose values changed count as different\n", r->path,
		    r->resaved);
	if (r->nmismatch == 0)
		return;
	r->manifest_name = manifest_name;
	(void)each(r, explain_one, f, &err);
	if (r->nmismatch > (long)r->nshown)
		fprintf(f, "bulkrun: and %ld more rows\n",
		    r->nmismatch - (long)r->nshown);
	fprintf(f, "bulkrun: %ld row%s succeeded in %s but differ%s from the "
	    "manifest now: %s\n", r->nmismatch, r->nmismatch == 1 ? "" : "s",
	    r->path, r->nmismatch == 1 ? "s" : "", send ? "sent again "
	    "(--resume-mismatch send)" : "not sent, reported skipped "
	    "(SKIPPED.MISMATCH); --resume-mismatch send sends them");
}
