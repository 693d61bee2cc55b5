/*
 * mergein.c - reads one report for bulkrun merge, line by line, into
 * records (merge_int.h): CSV through the manifest reader (it knows the
 * dialect, quoted line breaks and a cut last line), JSON Lines line by
 * line.  A CSV line is written again cell by cell with the writer's own
 * quoting, which gives back the bytes bulkrun wrote; a JSON line is kept
 * as it is.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "jsontext.h"
#include "manifest.h"
#include "merge_int.h"
#include "report.h"
#include "result.h"
#include "resume.h"
#include "text.h"

/* The report columns a merge reads. */
enum { C_ROW, C_LINE, C_OP, C_OUTCOME, C_CODE, C_ATTEMPTS, C_ELAPSED,
	C_STARTED, C_FINISHED, C_RID, C_RFP,
	C_STATUS, C_MSG, C_RESPONSE, C_STATE, C_VMS, C_POLLS, C_N };
static const char *const cname[C_N] = { "row", "line", "op", "outcome",
	"error_code", "attempts", "elapsed_ms", "started_at", "finished_at",
	"request_id", "request_fp",
	/* only to write a CSV line as a JSON line */
	"http_status", "error_msg", "response", "state", "verify_ms",
	"polls" };
/* Any column a report may add, verification's too. */
static const struct br_report_opts all_columns = { .verify = 1 };

struct br_min {
	const char		*path;
	unsigned		 index;
	const struct br_mshape	*sh;
	struct br_manifest	*m;		/* CSV */
	struct br_row		 raw;
	size_t			 ix[C_N];	/* CSV: column, or SIZE_MAX */
	int			 delimiter;
	int			 verify;	/* CSV: has state, verify_ms,
						   polls */
	FILE			*f;		/* JSON Lines */
	char			*line;
	size_t			 cap;
	long			 lineno;
	struct br_strbuf	 text;		/* the line to write */
};

/* ---- records ---- */

/* The record itself (its pointers mean nothing once stored), then its
 * strings, each NUL-terminated. */
void
br_mrec_encode(const struct br_mrec *r, struct br_strbuf *sb)
{
	int k;

	br_strbuf_add(sb, r, sizeof(*r));
	for (k = 0; k < MS_N; k++) {
		br_strbuf_add(sb, r->s[k], r->len[k]);
		br_strbuf_addc(sb, '\0');
	}
}

void
br_mrec_decode(struct br_mrec *r, const void *p, size_t n)
{
	const char *s = (const char *)p + sizeof(*r);
	int k;

	(void)n;
	memcpy(r, p, sizeof(*r));
	for (k = 0; k < MS_N; k++) {
		r->s[k] = s;
		s += r->len[k] + 1;
	}
}

/* ---- one line's cells into a record ---- */

static int
outcome_of(const char *s)
{
	int o;

	for (o = BR_OUT_SUCCEEDED; s != NULL && o <= BR_OUT_CANCELLED; o++)
		if (strcmp(s, br_outcome_name((enum br_outcome)o)) == 0)
			return o;
	return 0;
}

static int64_t
count_of(const char *s)
{
	int64_t v;

	if (s == NULL || br_text_int64(s, strlen(s), &v) != 0 || v < 0)
		return 0;
	return v;
}

/* v: the cells by C_*; text in in->text.  Encodes the record into sb. */
static int
fill(struct br_min *in, const char *const *v, long at, uint64_t vfp,
    long *row, struct br_strbuf *sb, struct br_err *err)
{
	static const int str[MS_TEXT] = { C_OP, C_CODE, C_RFP, C_STARTED,
	    C_FINISHED, C_RID };
	struct br_mrec r;
	int64_t num;
	int k;

	memset(&r, 0, sizeof(r));
	if (v[C_ROW] == NULL || br_text_int64(v[C_ROW], strlen(v[C_ROW]),
	    &num) != 0 || num <= 0 || num > LONG_MAX / 2)
		return br_errf(err, BR_EINPUT, in->path, at, "'row' is '%s', "
		    "not a row number: not a bulkrun report line",
		    v[C_ROW] ? v[C_ROW] : "");
	if ((r.outcome = outcome_of(v[C_OUTCOME])) == 0)
		return br_errf(err, BR_EINPUT, in->path, at, "'outcome' is "
		    "'%s': not a bulkrun report line",
		    v[C_OUTCOME] ? v[C_OUTCOME] : "");
	*row = r.row = (long)num;
	r.mline = (long)count_of(v[C_LINE]);
	r.at = at;
	r.input = in->index;
	r.attempts = (int)(count_of(v[C_ATTEMPTS]) & 0x7fffffff);
	r.elapsed = count_of(v[C_ELAPSED]);
	r.vfp = vfp;
	for (k = 0; k < MS_TEXT; k++) {
		r.s[k] = v[str[k]] != NULL ? v[str[k]] : "";
		r.len[k] = strlen(r.s[k]);
	}
	r.s[MS_TEXT] = in->text.p != NULL ? in->text.p : "";
	r.len[MS_TEXT] = in->text.len;
	br_strbuf_reset(sb);
	br_mrec_encode(&r, sb);
	return sb->oom || in->text.oom ? br_errf(err, BR_ENOMEM, NULL, 0,
	    "out of memory") : 1;
}

/* ---- CSV ---- */

static int
csv_columns(struct br_min *in, struct br_mshape *sh, struct br_err *err)
{
	size_t i, n = br_manifest_ncolumns(in->m);
	int k;

	for (k = 0; k < C_N; k++) {
		for (i = 0; i < n && strcmp(br_manifest_column(in->m, i),
		    cname[k]) != 0; i++)
			;
		in->ix[k] = i < n ? i : SIZE_MAX;
		if (i == n && k <= C_OUTCOME)
			return br_errf(err, BR_EINPUT, in->path, 1, "not a "
			    "bulkrun report (no '%s' column)", cname[k]);
	}
	if (!sh->set) {
		if ((sh->cols = calloc(n, sizeof(*sh->cols))) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		for (sh->ncols = 0; sh->ncols < n; sh->ncols++)
			if ((sh->cols[sh->ncols] = strdup(br_manifest_column(
			    in->m, sh->ncols))) == NULL)
				return br_errf(err, BR_ENOMEM, NULL, 0,
				    "out of memory");
		return 0;
	}
	for (i = 0; i < n && i < sh->ncols; i++)
		if (strcmp(sh->cols[i], br_manifest_column(in->m, i)) != 0)
			break;
	if (i < n || n != sh->ncols)
		return br_errf(err, BR_EINPUT, in->path, 1, "other columns "
		    "than the first report ('%s' where it has '%s'): reports "
		    "of different manifests", i < n ?
		    br_manifest_column(in->m, i) : "", i < sh->ncols ?
		    sh->cols[i] : "");
	return 0;
}

static int
csv_open(struct br_min *in, struct br_mshape *sh, struct br_err *err)
{
	struct br_manifest_opts mo = { .format = BR_MF_CSV, .hash_is_data = 1,
	    .cut_ok = 1 };
	int rc;

	if ((rc = br_manifest_open(&in->m, in->path, &mo, err)) != 0)
		return rc;
	in->delimiter = br_manifest_delimiter(in->m);
	in->sh = sh;
	if (sh->set && in->delimiter != sh->delimiter)
		return br_errf(err, BR_EINPUT, in->path, 1, "delimiter '%c' "
		    "where the first report has '%c': reports of different "
		    "manifests", in->delimiter, sh->delimiter);
	if ((rc = csv_columns(in, sh, err)) != 0)
		return rc;
	in->verify = in->ix[C_STATE] != SIZE_MAX;
	sh->delimiter = in->delimiter;
	if (!sh->set)
		sh->bom = br_manifest_had_bom(in->m);
	return 0;
}

/* The CSV line again into in->text, cell by cell with the writer's own
 * quoting: the bytes bulkrun wrote. */
static int
csv_text(struct br_min *in, struct br_err *err)
{
	char *cell;
	size_t i;

	br_strbuf_reset(&in->text);
	for (i = 0; i < in->raw.nfields; i++) {
		if (i > 0)
			br_strbuf_addc(&in->text, in->delimiter);
		if (in->raw.fields[i].value == NULL)
			continue;
		if ((cell = br_csv_cell(in->raw.fields[i].value,
		    in->raw.fields[i].len, in->delimiter, 0)) == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		br_strbuf_addstr(&in->text, cell);
		free(cell);
	}
	return 0;
}

/* The CSV line's result, as the writer had it before it wrote it. */
static void
csv_result(const char *const *v, int outcome, struct br_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = (enum br_outcome)outcome;
	r->http_status = (long)count_of(v[C_STATUS]);
	r->error_code = (char *)br_report_unguard(v[C_CODE]);
	r->error_msg = (char *)br_report_unguard(v[C_MSG]);
	r->attempts = (int)(count_of(v[C_ATTEMPTS]) & 0x7fffffff);
	r->elapsed_ms = count_of(v[C_ELAPSED]);
	r->started_ms = br_report_parse_time(v[C_STARTED]);
	r->finished_ms = br_report_parse_time(v[C_FINISHED]);
	r->request_id = (char *)br_report_unguard(v[C_RID]);
	r->response = (char *)br_report_unguard(v[C_RESPONSE]);
	snprintf(r->request_fp, sizeof(r->request_fp), "%s",
	    v[C_RFP] != NULL ? v[C_RFP] : "");
	r->state = (char *)br_report_unguard(v[C_STATE]);
	r->verify_ms = v[C_VMS] != NULL ? count_of(v[C_VMS]) : -1;
	r->polls = (long)count_of(v[C_POLLS]);
}

/* A CSV line written as a JSON line into in->text (-o FILE.jsonl):
 * the manifest's columns under their own names ("input.row" was the
 * manifest's "row"), the rest as the result. */
static int
csv_as_jsonl(struct br_min *in, const char *const *v, struct br_err *err)
{
	struct br_result res;
	struct br_field *f;
	struct br_row view;
	size_t i, n = in->ix[C_ROW];
	int64_t num = 0;
	int rc = 0;

	if ((f = calloc(n + 1, sizeof(*f))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	for (i = 0; i < n; i++) {
		f[i] = in->raw.fields[i];
		if (strncmp(f[i].name, "input.", 6) == 0 &&
		    br_report_is_added_column(&all_columns, f[i].name + 6))
			f[i].name += 6;
	}
	memset(&view, 0, sizeof(view));
	view.fields = f;
	view.nfields = n;
	if (v[C_ROW] != NULL)
		(void)br_text_int64(v[C_ROW], strlen(v[C_ROW]), &num);
	view.num = (long)num;
	view.line = (long)count_of(v[C_LINE]);
	csv_result(v, outcome_of(v[C_OUTCOME]), &res);
	br_strbuf_reset(&in->text);
	if (br_report_jsonl_line(&in->text, &view, v[C_OP] != NULL &&
	    *v[C_OP] != '\0' ? v[C_OP] : NULL, &res, in->verify) != 0)
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	else if (in->text.len > 0)		/* the newline: ours to add */
		br_strbuf_setlen(&in->text, in->text.len - 1);
	free(f);
	return rc;
}

static int
csv_next(struct br_min *in, long *row, struct br_strbuf *sb, FILE *notes,
    struct br_err *err)
{
	const char *v[C_N];
	struct br_row view;
	int k, rc;

	while ((rc = br_manifest_next(in->m, &in->raw, err)) == 1 &&
	    br_manifest_cut(in->m))
		fprintf(notes, "bulkrun: %s:%ld: the last line is cut short "
		    "(a crash?): passed over\n", in->path, in->raw.line);
	if (rc != 1)
		return rc;
	for (k = 0; k < C_N; k++)
		v[k] = in->ix[k] != SIZE_MAX ?
		    in->raw.fields[in->ix[k]].value : NULL;
	if (in->sh->out_jsonl) {
		if ((rc = csv_as_jsonl(in, v, err)) != 0)
			return rc;
	} else if ((rc = csv_text(in, err)) != 0)
		return rc;
	view = in->raw;
	view.nfields = in->ix[C_ROW];	/* the manifest's columns */
	return fill(in, v, in->raw.line, br_resume_fingerprint(&view,
	    v[C_OP]), row, sb, err);
}

/* ---- JSON Lines ---- */

/* The members a merge reads, as text (numbers in b). */
static void
members(const cJSON *o, const char **v, char (*b)[32])
{
	int k;

	for (k = 0; k < C_N; k++)
		v[k] = br_jsontext_member(o, cname[k], b[k], sizeof(b[k]));
}

static int
jsonl_fill(struct br_min *in, cJSON *o, long *row, struct br_strbuf *sb,
    struct br_err *err)
{
	char b[C_N][32], *input;
	const char *v[C_N];
	struct br_field f = { "input", NULL, 0, BR_V_STRING };
	struct br_row view = { .nfields = 1, .fields = &f };
	int rc;

	members(o, v, b);
	if ((input = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
	    o, "input"))) == NULL && cJSON_GetObjectItemCaseSensitive(o,
	    "input") != NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	f.value = input != NULL ? input : "";
	f.len = strlen(f.value);
	rc = fill(in, v, in->lineno, br_resume_fingerprint(&view, v[C_OP]),
	    row, sb, err);
	cJSON_free(input);
	return rc;
}

static int
jsonl_next(struct br_min *in, long *row, struct br_strbuf *sb, FILE *notes,
    struct br_err *err)
{
	cJSON *o;
	ssize_t n;
	int rc;

	for (;;) {
		errno = 0;
		if ((n = getline(&in->line, &in->cap, in->f)) < 0)
			return ferror(in->f) ? br_errf(err, BR_EIO, in->path,
			    in->lineno, "cannot read") : 0;
		in->lineno++;
		while (n > 0 && (in->line[n - 1] == '\n' ||
		    in->line[n - 1] == '\r'))
			in->line[--n] = '\0';
		if (n == 0)
			continue;
		if ((o = cJSON_ParseWithLength(in->line, (size_t)n)) != NULL &&
		    cJSON_IsObject(o))
			break;
		cJSON_Delete(o);
		if (in->lineno == 1)
			return br_errf(err, BR_EINPUT, in->path, 1, "not a "
			    "bulkrun report (the first line is no JSON "
			    "object)");
		fprintf(notes, "bulkrun: %s:%ld: not a whole report line (cut "
		    "by a crash?): passed over\n", in->path, in->lineno);
	}
	br_strbuf_reset(&in->text);
	br_strbuf_add(&in->text, in->line, (size_t)n);
	rc = jsonl_fill(in, o, row, sb, err);
	cJSON_Delete(o);
	return rc;
}

/* ---- one report ---- */

int
br_min_open(struct br_min **ip, const char *path, unsigned index,
    struct br_mshape *sh, struct br_err *err)
{
	struct br_min *in;
	int jsonl = br_report_format_for(path) == BR_RF_JSONL, rc = 0;
	char eb[128];

	*ip = NULL;
	if (sh->set && jsonl != sh->jsonl)
		return br_errf(err, BR_EINPUT, path, 0, "a %s report among %s "
		    "ones: merge reports of one format", jsonl ? "JSON Lines"
		    : "CSV", jsonl ? "CSV" : "JSON Lines");
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	in->path = path;
	in->sh = sh;
	in->index = index;
	if (!jsonl)
		rc = csv_open(in, sh, err);
	else if ((in->f = fopen(path, "r")) == NULL) {
		strerror_r(errno, eb, sizeof(eb));
		rc = br_errf(err, BR_EIO, path, 0, "cannot read: %s", eb);
	}
	if (rc != 0) {
		br_min_close(in);
		return rc;
	}
	sh->jsonl = jsonl;
	sh->set = 1;
	*ip = in;
	return 0;
}

int
br_min_next(struct br_min *in, long *row, struct br_strbuf *sb, FILE *notes,
    struct br_err *err)
{
	return in->f != NULL ? jsonl_next(in, row, sb, notes, err) :
	    csv_next(in, row, sb, notes, err);
}

void
br_min_close(struct br_min *in)
{
	if (in == NULL)
		return;
	if (in->m != NULL)
		br_manifest_close(in->m);
	br_row_release(&in->raw);
	if (in->f != NULL)
		fclose(in->f);
	free(in->line);
	br_strbuf_release(&in->text);
	free(in);
}

void
br_mshape_release(struct br_mshape *sh)
{
	br_text_free_all(sh->cols, sh->ncols);
	free(sh->cols);
	memset(sh, 0, sizeof(*sh));
}

/* ---- JSON Lines reports written as CSV ---- */

/* Adds the names of row's fields that cols lacks, in order; sorted is
 * the same names sorted, for the lookup. */
static int
add_names(struct br_mshape *sh, char ***sorted, const struct br_row *row)
{
	char **ns, **nc, *name;
	size_t i, lo, hi, mid;
	int c;

	for (i = 0; i < row->nfields; i++) {
		for (lo = 0, hi = sh->ncols, c = 1; lo < hi && c != 0;) {
			mid = lo + (hi - lo) / 2;
			if ((c = strcmp(row->fields[i].name,
			    (*sorted)[mid])) < 0)
				hi = mid;
			else if (c > 0)
				lo = mid + 1;
		}
		if (c == 0 && sh->ncols > 0)
			continue;
		if ((name = strdup(row->fields[i].name)) == NULL ||
		    (nc = realloc(sh->cols, (sh->ncols + 1) *
		    sizeof(*nc))) == NULL) {
			free(name);
			return BR_ENOMEM;
		}
		sh->cols = nc;
		if ((ns = realloc(*sorted, (sh->ncols + 1) *
		    sizeof(*ns))) == NULL) {
			free(name);
			return BR_ENOMEM;
		}
		*sorted = ns;
		memmove(ns + lo + 1, ns + lo, (sh->ncols - lo) * sizeof(*ns));
		ns[lo] = name;
		sh->cols[sh->ncols++] = name;
	}
	return 0;
}

int
br_min_jsonl_columns(const char *const *paths, size_t n,
    struct br_mshape *sh, struct br_err *err)
{
	struct br_row row = { 0 };
	char **sorted = NULL, *line = NULL;
	size_t i, cap = 0;
	ssize_t len;
	cJSON *o;
	FILE *f;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		if ((f = fopen(paths[i], "r")) == NULL)
			return br_errf(err, BR_EIO, paths[i], 0, "cannot read");
		while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
			if ((o = cJSON_ParseWithLength(line, (size_t)len)) ==
			    NULL)
				continue;	/* told in the main pass */
			if (cJSON_GetObjectItemCaseSensitive(o, "state"))
				sh->verify = 1;
			rc = br_report_input_fields(&row,
			    cJSON_GetObjectItemCaseSensitive(o, "input"));
			if (rc == 0)
				rc = add_names(sh, &sorted, &row);
			br_report_fields_release(&row);
			cJSON_Delete(o);
		}
		fclose(f);
	}
	free(sorted);		/* the names are sh->cols' */
	free(line);
	return rc != 0 ? br_errf(err, rc, NULL, 0, "out of memory") : 0;
}

int
br_min_write_as_csv(struct br_report *rp, const char *line, size_t n,
    struct br_err *err)
{
	struct br_row row = { 0 };
	struct br_result res;
	const cJSON *resp;
	char b[C_N][32], *rtext = NULL;
	const char *v[C_N];
	cJSON *o;
	int rc = BR_ENOMEM;

	if ((o = cJSON_ParseWithLength(line, n)) == NULL)	/* read once */
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	members(o, v, b);
	csv_result(v, outcome_of(v[C_OUTCOME]), &res);
	resp = cJSON_GetObjectItemCaseSensitive(o, "response");
	if (cJSON_IsObject(resp) || cJSON_IsArray(resp))
		res.response = rtext = cJSON_PrintUnformatted(resp);
	row.num = (long)count_of(v[C_ROW]);
	row.line = (long)count_of(v[C_LINE]);
	if ((res.response != NULL || !cJSON_IsObject(resp)) &&
	    br_report_input_fields(&row, cJSON_GetObjectItemCaseSensitive(o,
	    "input")) == 0)
		rc = br_report_write(rp, &row, v[C_OP] != NULL &&
		    *v[C_OP] != '\0' ? v[C_OP] : NULL, &res, err);
	if (rc == BR_ENOMEM)
		br_errf(err, rc, NULL, 0, "out of memory");
	br_report_fields_release(&row);
	cJSON_free(rtext);
	cJSON_Delete(o);
	return rc;
}
