/*
 * merge.c - bulkrun merge: every line of every report into an external
 * sort by row number (mergein.c reads them), then one pass in row order
 * that checks that the reports are of one manifest, decides between the
 * lines of a row found twice, tells the rows missing, and writes the
 * kept line as it was read.  See merge.h for the rules.
 */
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "exitcode.h"
#include "extsort.h"
#include "merge.h"
#include "merge_int.h"
#include "report.h"
#include "result.h"

#define MEM_DEFAULT	(32u * 1024 * 1024)
#define NGAPS		12	/* missing ranges named */
#define NTOLD		10	/* replaced rows named */
#define OUTBUF		65536	/* lines written at once */

struct merge {
	const struct br_merge_opts *o;
	struct br_merge_counts	*c;
	struct br_stats		*st;
	struct br_report	*rp;
	struct br_mshape	 sh;
	struct br_strbuf	 kbuf;		/* the kept line's record */
	struct br_strbuf	 out;		/* lines not yet written */
	struct br_mrec		 k;		/* ... decoded */
	int			 have;
	long			 prev_row, prev_line;	/* last written */
	long			 gap_lo[NGAPS], gap_hi[NGAPS];
	int			 ngaps;
};

/* ---- reading every report into the sort ---- */

static int
gather(struct merge *m, struct br_extsort *s, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	struct br_min *in = NULL;
	size_t i;
	long row;
	int rc = 0;

	for (i = 0; rc == 0 && i < m->o->ninputs; i++) {
		if ((rc = br_min_open(&in, m->o->inputs[i], (unsigned)i,
		    &m->sh, err)) != 0)
			break;
		while ((rc = br_min_next(in, &row, &sb, m->o->notes,
		    err)) == 1)
			if ((rc = br_extsort_add(s, (uint64_t)row, sb.p, sb.len,
			    err)) != 0)
				break;
		br_min_close(in);
	}
	br_strbuf_release(&sb);
	return rc;
}

/* ---- deciding between two lines of one row ---- */

static const char *
where(const struct merge *m, const struct br_mrec *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%ld", m->o->inputs[r->input], r->at);
	return buf;
}

static int
eq(const struct br_mrec *a, const struct br_mrec *b, int k)
{
	return a->len[k] == b->len[k] && memcmp(a->s[k], b->s[k],
	    a->len[k]) == 0;
}

static int
sent(const struct br_mrec *r)
{
	return r->attempts > 0 || r->len[MS_STARTED] > 0;
}

/* Whether a and b ask the same: else BR_EINPUT naming b's line. */
static int
same_ask(const struct merge *m, const struct br_mrec *a,
    const struct br_mrec *b, struct br_err *err)
{
	const char *what = NULL;
	char wa[512];

	if (!eq(a, b, MS_OP))
		what = "another operation";
	else if (a->mline != b->mline)
		what = "another manifest line";
	else if (a->len[MS_RFP] > 0 && b->len[MS_RFP] > 0 ? !eq(a, b, MS_RFP) :
	    a->vfp != b->vfp)
		what = a->len[MS_RFP] > 0 && b->len[MS_RFP] > 0 ?
		    "another request (request_fp)" : "other values";
	if (what == NULL)
		return 0;
	return br_errf(err, BR_EINPUT, m->o->inputs[b->input], b->at,
	    "row %ld has %s than in %s: reports of different manifests",
	    b->row, what, where(m, a, wa, sizeof(wa)));
}

static int
same_result(const struct br_mrec *a, const struct br_mrec *b)
{
	return a->outcome == b->outcome && eq(a, b, MS_CODE) &&
	    eq(a, b, MS_STARTED) && eq(a, b, MS_FINISHED) &&
	    eq(a, b, MS_RID);
}

static int
later(const struct br_mrec *a, const struct br_mrec *b)
{
	return strcmp(a->s[MS_FINISHED], b->s[MS_FINISHED]) > 0;
}

/* A row sent twice, one of them a success: refused. */
static int
sent_twice(const struct merge *m, const struct br_mrec *a,
    const struct br_mrec *b, struct br_err *err)
{
	const struct br_mrec *s = a->outcome == BR_OUT_SUCCEEDED ? a : b;
	const struct br_mrec *f = s == a ? b : a;
	char ws[512];

	if (f->outcome == BR_OUT_SUCCEEDED)
		return br_errf(err, BR_EINPUT, m->o->inputs[b->input], b->at,
		    "row %ld succeeded here and in %s, sent twice: "
		    "overlapping runs (merge takes shards, or a report and "
		    "its --resume continuation)", b->row, where(m, a, ws,
		    sizeof(ws)));
	if (sent(f) && later(f, s))
		return br_errf(err, BR_EINPUT, m->o->inputs[f->input], f->at,
		    "row %ld was sent again after it succeeded in %s: "
		    "overlapping runs (merge takes shards, or a report and "
		    "its --resume continuation)", b->row, where(m, s, ws,
		    sizeof(ws)));
	return 0;
}

static int
keep(struct merge *m, const void *p, size_t n)
{
	br_strbuf_reset(&m->kbuf);
	br_strbuf_add(&m->kbuf, p, n);
	if (m->kbuf.oom)
		return BR_ENOMEM;
	br_mrec_decode(&m->k, m->kbuf.p, n);
	m->have = 1;
	return 0;
}

/* Line b (bytes p, n) of the row kept in m->k: which of them stays. */
static int
resolve(struct merge *m, const struct br_mrec *b, const void *p, size_t n,
    struct br_err *err)
{
	const struct br_mrec *a = &m->k;
	char wa[512], wb[512];
	int rc, take;

	if ((rc = same_ask(m, a, b, err)) != 0)
		return rc;
	if (same_result(a, b)) {
		m->c->same++;
		return 0;
	}
	if ((rc = sent_twice(m, a, b, err)) != 0)
		return rc;
	if (sent(a) != sent(b))
		take = sent(b);
	else
		take = !sent(a) || !later(a, b);
	if (m->c->replaced++ < NTOLD)
		fprintf(m->o->notes, "bulkrun: row %ld: '%s' in %s and '%s' "
		    "in %s: kept '%s' (%s)\n", b->row,
		    br_outcome_name((enum br_outcome)a->outcome),
		    where(m, a, wa, sizeof(wa)),
		    br_outcome_name((enum br_outcome)b->outcome),
		    where(m, b, wb, sizeof(wb)),
		    br_outcome_name((enum br_outcome)(take ? b : a)->outcome),
		    sent(a) != sent(b) ? "the one sent" : "the later");
	return take ? keep(m, p, n) : 0;
}

/* ---- writing ---- */

static void
gap(struct merge *m, long lo, long hi)
{
	m->c->missing += hi - lo + 1;
	if (m->ngaps < NGAPS) {
		m->gap_lo[m->ngaps] = lo;
		m->gap_hi[m->ngaps++] = hi;
	}
}

/* Writes the lines gathered (a report flushes each write: not each
 * line here). */
static int
flush(struct merge *m, struct br_err *err)
{
	int rc = 0;

	if (m->out.oom)
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	else if (m->out.len > 0 && br_report_write_raw(m->rp, m->out.p,
	    m->out.len, err) != 0)
		rc = err->code = BR_EOUTPUT;
	br_strbuf_reset(&m->out);
	return rc;
}

/* Writes the kept line. */
static int
emit(struct merge *m, struct br_err *err)
{
	const struct br_mrec *k = &m->k;
	struct br_result r;
	int rc;

	if (k->mline < m->prev_line)
		return br_errf(err, BR_EINPUT, m->o->inputs[k->input], k->at,
		    "row %ld starts at manifest line %ld, before row %ld "
		    "(line %ld): reports of different manifests", k->row,
		    k->mline, m->prev_row, m->prev_line);
	if (k->row > m->prev_row + 1)
		gap(m, m->prev_row + 1, k->row - 1);
	m->prev_row = k->row;
	m->prev_line = k->mline;
	if (m->sh.jsonl && !m->sh.out_jsonl) {	/* written as CSV */
		if ((rc = br_min_write_as_csv(m->rp, k->s[MS_TEXT],
		    k->len[MS_TEXT], err)) != 0)
			return rc == BR_EIO ? (err->code = BR_EOUTPUT) : rc;
	} else {
		br_strbuf_add(&m->out, k->s[MS_TEXT], k->len[MS_TEXT]);
		br_strbuf_addstr(&m->out, m->sh.out_jsonl ? "\n" : "\r\n");
	}
	if (m->out.len >= OUTBUF && (rc = flush(m, err)) != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.outcome = (enum br_outcome)k->outcome;
	r.attempts = k->attempts;
	r.elapsed_ms = k->elapsed;
	r.error_code = k->len[MS_CODE] > 0 ? (char *)k->s[MS_CODE] : NULL;
	br_stats_add(m->st, &r);
	m->c->rows++;
	m->have = 0;
	return 0;
}

static int
header(struct merge *m, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	char *cell;
	size_t i;
	int rc;

	if (m->sh.out_jsonl)
		return 0;
	if (m->sh.bom)
		br_strbuf_add(&sb, "\xef\xbb\xbf", 3);
	for (i = 0; i < m->sh.ncols; i++) {
		if (i > 0)
			br_strbuf_addc(&sb, m->sh.delimiter);
		if ((cell = br_csv_cell(m->sh.cols[i], strlen(m->sh.cols[i]),
		    m->sh.delimiter, 0)) == NULL)
			sb.oom = 1;
		else
			br_strbuf_addstr(&sb, cell);
		free(cell);
	}
	br_strbuf_addstr(&sb, "\r\n");
	rc = sb.oom ? br_errf(err, BR_ENOMEM, NULL, 0, "out of memory") :
	    br_report_write_raw(m->rp, sb.p, sb.len, err);
	br_strbuf_release(&sb);
	if (rc == BR_EIO)
		err->code = rc = BR_EOUTPUT;
	return rc;
}

static int
open_out(struct merge *m, struct br_err *err)
{
	struct br_report_opts ro = { .format = m->sh.out_jsonl ?
	    BR_RF_JSONL : BR_RF_CSV, .delimiter = m->sh.delimiter,
	    .staged = 1, .no_header = 1 };
	int rc, convert = m->sh.jsonl && !m->sh.out_jsonl;

	if (convert) {		/* the report writer's header */
		if ((rc = br_min_jsonl_columns(m->o->inputs, m->o->ninputs,
		    &m->sh, err)) != 0)
			return rc;
		ro.no_header = 0;
		ro.verify = m->sh.verify;
	}
	if ((rc = br_report_open(&m->rp, m->o->out, &ro, convert ?
	    (const char *const *)m->sh.cols : NULL, convert ? m->sh.ncols : 0,
	    err)) != 0) {
		if (rc == BR_EIO)
			err->code = rc = BR_EOUTPUT;
		return rc;
	}
	return convert ? 0 : header(m, err);
}

/* The sorted lines, row by row. */
static int
write_all(struct merge *m, struct br_extsort *s, struct br_err *err)
{
	struct br_mrec b;
	const void *p;
	uint64_t key;
	size_t n;
	int rc;

	while ((rc = br_extsort_next(s, &key, &p, &n, err)) == 1) {
		br_mrec_decode(&b, p, n);
		if (m->have && b.row == m->k.row)
			rc = resolve(m, &b, p, n, err);
		else if (!m->have || (rc = emit(m, err)) == 0)
			rc = keep(m, p, n);
		if (rc != 0)
			return rc == BR_ENOMEM ? br_errf(err, rc, NULL, 0,
			    "out of memory") : rc;
	}
	if (rc == 0 && m->have)
		rc = emit(m, err);
	return rc == 0 ? flush(m, err) : rc;
}

static char *
tmpdir_for(const char *out)
{
	const char *t = getenv("TMPDIR"), *slash;

	if (t != NULL && *t != '\0')
		return strdup(t);
	if (out == NULL || strcmp(out, "-") == 0 ||
	    (slash = strrchr(out, '/')) == NULL)
		return strdup(".");
	if (slash == out)
		return strdup("/");
	return strndup(out, (size_t)(slash - out));
}

static void
tell_missing(const struct merge *m)
{
	int i;

	fprintf(m->o->notes, "bulkrun: %ld row%s in none of the reports:",
	    m->c->missing, m->c->missing == 1 ? "" : "s");
	for (i = 0; i < m->ngaps; i++)
		if (m->gap_lo[i] == m->gap_hi[i])
			fprintf(m->o->notes, "%s %ld", i ? "," : "",
			    m->gap_lo[i]);
		else
			fprintf(m->o->notes, "%s %ld-%ld", i ? "," : "",
			    m->gap_lo[i], m->gap_hi[i]);
	fprintf(m->o->notes, "%s\n", m->c->missing > 0 && m->ngaps == NGAPS ?
	    ", ..." : "");
}

int
br_merge(const struct br_merge_opts *o, struct br_merge_counts *c,
    struct br_stats *st, struct br_err *err)
{
	struct merge m;
	struct br_extsort *s = NULL;
	char *tmp = NULL;
	int rc;

	memset(&m, 0, sizeof(m));
	memset(c, 0, sizeof(*c));
	m.o = o;
	m.c = c;
	m.st = st;
	m.sh.out_jsonl = br_report_format_for(o->out) == BR_RF_JSONL;
	if (o->ninputs == 0)
		return br_errf(err, BR_EINPUT, NULL, 0, "bulkrun: merge: no "
		    "report to merge");
	if ((tmp = o->tmpdir != NULL ? strdup(o->tmpdir) :
	    tmpdir_for(o->out)) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if ((rc = br_extsort_new(&s, tmp, o->mem ? o->mem : MEM_DEFAULT,
	    err)) == 0 && (rc = gather(&m, s, err)) == 0 &&
	    (rc = br_extsort_finish(s, err)) == 0 &&
	    (rc = open_out(&m, err)) == 0 &&
	    (rc = write_all(&m, s, err)) == 0)
		rc = br_report_publish(m.rp, o->out, err);
	if (br_report_close(m.rp, err) != 0 && rc == 0)
		rc = err->code = BR_EOUTPUT;
	br_extsort_free(s);
	br_mshape_release(&m.sh);
	br_strbuf_release(&m.kbuf);
	br_strbuf_release(&m.out);
	free(tmp);
	if (rc == 0 && m.ngaps > 0)
		tell_missing(&m);
	return rc;
}

int
br_merge_main(const char *const *inputs, size_t n, const char *out,
    int quiet)
{
	struct br_merge_opts o = { inputs, n, out, NULL, 0, stderr };
	struct br_merge_counts c;
	struct br_stats st;
	struct br_err err = { 0 };
	long bad;

	br_stats_init(&st, -1, br_mono_ms());
	if (br_merge(&o, &c, &st, &err) != 0)
		return br_exit_error(&err, stderr);
	st.end_mono = br_mono_ms();
	if (!quiet) {
		br_stats_print(&st, strcmp(out, "-") == 0 ? NULL : out, stderr);
		fprintf(stderr, "  merged %zu report%s: %ld rows, %ld missing, "
		    "%ld in two reports with different results (one kept), "
		    "%ld identical twice\n", n, n == 1 ? "" : "s", c.rows,
		    c.missing, c.replaced, c.same);
	}
	bad = c.missing + c.rows - st.outcomes[BR_OUT_SUCCEEDED];
	return bad > 0 ? BR_EXIT_FAILED : BR_EXIT_OK;
}
