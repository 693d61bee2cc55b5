#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "datetime.h"
#include "resume.h"

struct slot {
	long		 num;		/* 0: empty */
	uint64_t	 fp;
	int		 carried;
};

struct br_resume {
	char		*path;
	int		 jsonl;
	struct slot	*v;		/* open addressing, power of two */
	size_t		 cap, n;
	long		 ncarried;
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
put(struct br_resume *r, long num, uint64_t fp)
{
	struct slot *nv, *old = r->v, *s;
	size_t i, ocap = r->cap;

	if ((s = find(r, num)) != NULL) {	/* a later line wins */
		s->fp = fp;
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
				(void)put(r, old[i].num, old[i].fp);
		free(old);
	}
	for (i = (size_t)num * 2654435761u & (r->cap - 1); r->v[i].num != 0;
	    i = (i + 1) & (r->cap - 1))
		;
	r->v[i].num = num;
	r->v[i].fp = fp;
	r->n++;
	return 0;
}

/* ---- reading an earlier report, one row at a time ---- */

/* One earlier row: its manifest values and its result. */
struct earlier {
	long			 num, line;
	char			*op;
	int			 succeeded;
	struct br_row		 row;		/* names/values owned here */
	struct br_result	 res;
};

static void
earlier_clear(struct earlier *e)
{
	size_t i;

	for (i = 0; i < e->row.nfields; i++) {
		free(e->row.fields[i].name);
		free(e->row.fields[i].value);
	}
	free(e->row.fields);
	free(e->op);
	br_result_release(&e->res);
	memset(e, 0, sizeof(*e));
}

static int
add_value(struct earlier *e, const char *name, const char *value)
{
	struct br_field *nf, *f;

	if (strncmp(name, "input.", 6) == 0)
		name += 6;
	if ((nf = realloc(e->row.fields, (e->row.nfields + 1) *
	    sizeof(*nf))) == NULL)
		return BR_ENOMEM;
	e->row.fields = nf;
	f = &nf[e->row.nfields];
	memset(f, 0, sizeof(*f));
	f->kind = BR_V_STRING;
	if ((f->name = strdup(name)) == NULL ||
	    (f->value = strdup(value)) == NULL) {
		free(f->name);
		return BR_ENOMEM;
	}
	f->len = strlen(value);
	e->row.nfields++;
	return 0;
}

/* A network text cell as the report guarded it ('=...) back as sent. */
static const char *
unguard(const char *s)
{
	if (s != NULL && s[0] == '\'' && s[1] != '\0' &&
	    strchr("=+-@\t\r", s[1]) != NULL)
		return s + 1;
	return s;
}

static int64_t
iso_ms(const char *s)
{
	char msg[128];
	int64_t ms;

	if (s == NULL || *s == '\0' ||
	    br_datetime_parse(s, 0, "UTC", &ms, msg, sizeof(msg)) != 0)
		return 0;
	return ms;
}

static int
set_result(struct earlier *e, const char *status, const char *attempts,
    const char *elapsed, const char *started, const char *finished,
    const char *rid, const char *response)
{
	struct br_result *r = &e->res;

	r->outcome = BR_OUT_SUCCEEDED;
	r->http_status = status ? atol(status) : 0;
	r->attempts = attempts ? atoi(attempts) : 0;
	r->elapsed_ms = elapsed ? atoll(elapsed) : 0;
	r->started_ms = iso_ms(started);
	r->finished_ms = iso_ms(finished);
	rid = unguard(rid);
	response = unguard(response);
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
	num = get(raw, "row");
	outcome = get(raw, "outcome");
	op = get(raw, "op");
	e->num = num ? atol(num) : 0;
	e->line = get(raw, "line") ? atol(get(raw, "line")) : 0;
	e->succeeded = outcome != NULL && strcmp(outcome, "succeeded") == 0 &&
	    e->num > 0 && op != NULL;
	if (!e->succeeded)
		return 1;
	if ((e->op = strdup(op)) == NULL)
		return BR_ENOMEM;
	for (i = 0; i < raw->nfields; i++)
		if (!br_report_is_added_column(raw->fields[i].name) &&
		    raw->fields[i].value != NULL &&
		    add_value(e, raw->fields[i].name,
		    raw->fields[i].value) != 0)
			return BR_ENOMEM;
	return set_result(e, get(raw, "http_status"), get(raw, "attempts"),
	    get(raw, "elapsed_ms"), get(raw, "started_at"),
	    get(raw, "finished_at"), get(raw, "request_id"),
	    get(raw, "response")) == 0 ? 1 : BR_ENOMEM;
}

static int
flatten(struct earlier *e, const cJSON *o, const char *prefix)
{
	const cJSON *v;
	char name[1024], num[64], *text;
	int rc = 0;

	cJSON_ArrayForEach(v, o) {
		snprintf(name, sizeof(name), "%s%s%s", prefix,
		    *prefix ? "." : "", v->string);
		if (cJSON_IsObject(v) && v->child != NULL)
			rc = flatten(e, v, name);
		else if (cJSON_IsString(v))
			rc = add_value(e, name, v->valuestring);
		else if (cJSON_IsNumber(v)) {
			if (v->valuedouble == (double)(long long)v->valuedouble &&
			    v->valuedouble < 9007199254740992.0 &&
			    v->valuedouble > -9007199254740992.0)
				snprintf(num, sizeof(num), "%lld",
				    (long long)v->valuedouble);
			else
				snprintf(num, sizeof(num), "%.17g",
				    v->valuedouble);
			rc = add_value(e, name, num);
		} else if (cJSON_IsBool(v))
			rc = add_value(e, name, cJSON_IsTrue(v) ? "true" :
			    "false");
		else if (!cJSON_IsNull(v)) {
			if ((text = cJSON_PrintUnformatted(v)) == NULL)
				return BR_ENOMEM;
			rc = add_value(e, name, text);
			cJSON_free(text);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

static const char *
jstr(const cJSON *o, const char *k, char *buf, size_t bufsz)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v) && buf != NULL) {
		snprintf(buf, bufsz, "%.0f", v->valuedouble);
		return buf;
	}
	return NULL;
}

/* JSON Lines: one object a line; a line that does not parse (a cut last
 * line) ends the reading. */
static int
next_jsonl(FILE *f, char **line, size_t *cap, struct earlier *e)
{
	cJSON *o = NULL, *resp;
	char b1[32], b2[32], b3[32], b4[32], *rtext = NULL;
	const char *outcome, *op;
	ssize_t n;
	int rc = 1;

	earlier_clear(e);
	do {
		if ((n = getline(line, cap, f)) < 0)
			return 0;
	} while (n <= 1);
	if ((o = cJSON_Parse(*line)) == NULL)
		return 0;
	outcome = jstr(o, "outcome", b1, sizeof(b1));
	op = jstr(o, "op", b2, sizeof(b2));
	e->num = jstr(o, "row", b3, sizeof(b3)) ? atol(b3) : 0;
	e->line = jstr(o, "line", b4, sizeof(b4)) ? atol(b4) : 0;
	e->succeeded = outcome != NULL && strcmp(outcome, "succeeded") == 0 &&
	    e->num > 0 && op != NULL;
	if (e->succeeded) {
		resp = cJSON_GetObjectItemCaseSensitive(o, "response");
		if (resp != NULL && !cJSON_IsNull(resp))
			rtext = cJSON_IsString(resp) ? strdup(resp->valuestring)
			    : cJSON_PrintUnformatted(resp);
		if ((e->op = strdup(op)) == NULL ||
		    flatten(e, cJSON_GetObjectItemCaseSensitive(o, "input"),
		    "") != 0 ||
		    set_result(e, jstr(o, "http_status", b1, sizeof(b1)),
		    jstr(o, "attempts", b2, sizeof(b2)),
		    jstr(o, "elapsed_ms", b3, sizeof(b3)),
		    jstr(o, "started_at", NULL, 0),
		    jstr(o, "finished_at", NULL, 0),
		    jstr(o, "request_id", NULL, 0), rtext) != 0)
			rc = BR_ENOMEM;
		free(rtext);
	}
	cJSON_Delete(o);
	return rc;
}

/*
 * Calls fn for every succeeded row of the earlier report.  Reading stops
 * quietly at a cut last line.
 */
static int
each(struct br_resume *r, int (*fn)(struct br_resume *, struct earlier *,
    void *), void *arg, struct br_err *err)
{
	struct br_manifest_opts mo = { 0, BR_MF_CSV };
	struct br_manifest *m = NULL;
	struct br_row raw = { 0 };
	struct earlier e;
	struct br_err rerr = { 0 };
	char *line = NULL, eb[128];
	size_t cap = 0;
	FILE *f = NULL;
	int rc;

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
	for (;;) {
		rc = r->jsonl ? next_jsonl(f, &line, &cap, &e) :
		    next_csv(m, &raw, &e, &rerr);
		if (rc != 1)
			break;		/* the end, or an error */
		if (e.succeeded && (rc = fn(r, &e, arg)) != 0)
			break;
		rc = 0;
	}
	/* a report cut inside a quoted cell ends in a parse error: what came
	 * before it stands */
	if (rc == BR_EINPUT)
		rc = 0;
	if (rc == BR_ENOMEM)
		br_errf(err, rc, NULL, 0, "out of memory");
	else if (rc < 0)
		br_errf(err, rc, NULL, 0, "cannot write the resumed rows");
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
	(void)arg;
	return put(r, e->num, br_resume_fingerprint(&e->row, e->op));
}

int
br_resume_load(struct br_resume **rp, const char *path, struct br_err *err)
{
	struct br_resume *r;
	size_t n = strlen(path);
	int rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	r->jsonl = (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
	    (n > 7 && strcmp(path + n - 7, ".ndjson") == 0);
	if ((rc = each(r, load_one, NULL, err)) != 0) {
		br_resume_free(r);
		return rc;
	}
	*rp = r;
	return 0;
}

int
br_resume_match(struct br_resume *r, const struct br_row *row,
    const char *op)
{
	struct slot *s = find(r, row->num);

	if (s == NULL || op == NULL ||
	    s->fp != br_resume_fingerprint(row, op))
		return 0;
	if (!s->carried) {
		s->carried = 1;
		r->ncarried++;
	}
	return 1;
}

int
br_resume_carried(const struct br_resume *r, long num)
{
	struct slot *s = find(r, num);

	return s != NULL && s->carried;
}

long
br_resume_ncarried(const struct br_resume *r)
{
	return r->ncarried;
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

	if (s == NULL || !s->carried || s->fp !=
	    br_resume_fingerprint(&e->row, e->op))
		return 0;
	s->carried = 2;		/* written: a duplicate line is not */
	e->row.num = e->num;
	e->row.line = e->line;
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
	if (r == NULL)
		return;
	free(r->v);
	free(r->path);
	free(r);
}
