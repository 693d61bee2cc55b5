/*
 * report_csv.c - a report line as CSV in the manifest's dialect: manifest
 * cells byte for byte, network text guarded against formulas, cells
 * quoted when they must be (see report.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_int.h"
#include "strbuf.h"

/* The row's fields sorted by name (case-insensitively), for lookups
 * when a row's fields are not in the report's column order: keeps wide
 * rows from costing columns x fields comparisons. */
struct findex {
	const struct br_field	**v;
	size_t			  n;
};

const struct br_field *
br_report_row_find(const struct br_row *row, const char *name)
{
	size_t i;

	for (i = 0; row != NULL && i < row->nfields; i++)
		if (row->fields[i].name != NULL &&
		    strcasecmp(row->fields[i].name, name) == 0)
			return &row->fields[i];
	return NULL;
}

static int
field_cmp(const void *a, const void *b)
{
	const struct br_field *const *fa = a, *const *fb = b;

	return strcasecmp((*fa)->name, (*fb)->name);
}

static int
findex_build(struct findex *ix, const struct br_row *row)
{
	size_t i;

	ix->n = 0;
	if ((ix->v = calloc(row->nfields + 1, sizeof(*ix->v))) == NULL)
		return -1;
	for (i = 0; i < row->nfields; i++)
		if (row->fields[i].name != NULL)
			ix->v[ix->n++] = &row->fields[i];
	qsort(ix->v, ix->n, sizeof(*ix->v), field_cmp);
	return 0;
}

static const struct br_field *
findex_find(const struct findex *ix, const char *name)
{
	size_t lo = 0, hi = ix->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcasecmp(name, ix->v[mid]->name)) == 0)
			return ix->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

char *
br_csv_cell(const char *s, size_t len, int delimiter, int network)
{
	char *out, *o;
	size_t i;
	int guard, quote;

	if (s == NULL)
		len = 0;
	if (len > (SIZE_MAX - 4) / 2)
		return NULL;
	guard = network && len > 0 && s[0] != '\0' &&
	    strchr("=+-@\t\r", s[0]) != NULL;
	/* '#' first would make a line read back as a comment */
	quote = len > 0 && !guard && (s[0] == ' ' || s[0] == '\t' ||
	    s[0] == '#');
	if (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		quote = 1;
	for (i = 0; i < len && !quote; i++)
		if (s[i] == delimiter || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n')
			quote = 1;
	if ((out = malloc(len * 2 + 4)) == NULL)
		return NULL;
	o = out;
	if (quote)
		*o++ = '"';
	if (guard)
		*o++ = '\'';
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			*o++ = '"';
		*o++ = s[i];
	}
	if (quote)
		*o++ = '"';
	*o = '\0';
	return out;
}

const char *
br_report_unguard(const char *s)
{
	if (s != NULL && s[0] == '\'' && s[1] != '\0' &&
	    strchr("=+-@\t\r", s[1]) != NULL)
		return s + 1;
	return s;
}

static void
add_cell(struct br_strbuf *sb, const char *s, size_t len, int delim,
    int network)
{
	char *c;

	if (s == NULL || len == 0)
		return;
	if ((c = br_csv_cell(s, len, delim, network)) == NULL) {
		sb->oom = 1;
		return;
	}
	br_strbuf_addstr(sb, c);
	free(c);
}

/* A cell of network text s (none when NULL), then the delimiter. */
static void
add_net(struct br_strbuf *sb, const char *s, int delim)
{
	if (s != NULL)
		add_cell(sb, s, strlen(s), delim, 1);
	br_strbuf_addc(sb, delim);
}

static void
add_num(struct br_strbuf *sb, long long v)
{
	br_strbuf_addf(sb, "%lld", v);
}

static void
add_time(struct br_strbuf *sb, int64_t ms)
{
	char buf[64];

	if (ms == 0)
		return;
	br_report_iso_ms(ms, buf, sizeof(buf));
	br_strbuf_addstr(sb, buf);
}

void
br_report_csv_line(struct br_report *rp, struct br_strbuf *sb,
    const struct br_row *row, const char *op, const struct br_result *res)
{
	struct findex ix = { NULL, 0 };
	const struct br_field *f;
	const char *s;
	size_t i;
	int d = rp->opts.delimiter;

	for (i = 0; row != NULL && i < rp->ncols; i++) {
		/* fast path: the row's field in the column's own place */
		f = rp->pos[i] < row->nfields ? &row->fields[rp->pos[i]] :
		    NULL;
		if (f == NULL || f->name == NULL ||
		    strcasecmp(f->name, rp->cols[i]) != 0) {
			if (ix.v == NULL && findex_build(&ix, row) != 0) {
				sb->oom = 1;
				return;
			}
			f = findex_find(&ix, rp->cols[i]);
		}
		if (f != NULL && f->value != NULL)
			add_cell(sb, f->value, f->len, d, 0);
		br_strbuf_addc(sb, d);
	}
	for (; i < rp->ncols; i++)
		br_strbuf_addc(sb, d);
	free(ix.v);
	add_num(sb, row != NULL ? row->num : 0);
	br_strbuf_addc(sb, d);
	add_num(sb, row != NULL ? row->line : 0);
	br_strbuf_addc(sb, d);
	if ((s = br_report_op_of(row, op)) != NULL)
		add_cell(sb, s, strlen(s), d, 0);
	br_strbuf_addc(sb, d);
	br_strbuf_addstr(sb, br_outcome_name(res->outcome));
	br_strbuf_addc(sb, d);
	if (res->http_status != 0)
		add_num(sb, res->http_status);
	br_strbuf_addc(sb, d);
	add_net(sb, res->error_code, d);
	add_net(sb, res->error_msg, d);
	add_num(sb, res->attempts);
	br_strbuf_addc(sb, d);
	add_num(sb, res->elapsed_ms);
	br_strbuf_addc(sb, d);
	add_time(sb, res->started_ms);
	br_strbuf_addc(sb, d);
	add_time(sb, res->finished_ms);
	br_strbuf_addc(sb, d);
	add_net(sb, res->request_id, d);
	add_net(sb, res->response, d);
	if (rp->opts.verify) {
		add_net(sb, res->state, d);
		if (res->verify_ms >= 0 && res->polls > 0)
			add_num(sb, res->verify_ms);
		br_strbuf_addc(sb, d);
		add_num(sb, res->polls);
		br_strbuf_addc(sb, d);
	}
	br_strbuf_addstr(sb, res->request_fp);
	br_strbuf_addstr(sb, "\r\n");
}

int
br_report_csv_header(struct br_report *rp, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT, name = BR_STRBUF_INIT;
	size_t i;
	int rc;
	char dl[2] = { (char)rp->opts.delimiter, '\0' };

	if (rp->opts.bom)
		br_strbuf_add(&sb, "\xef\xbb\xbf", 3);
	for (i = 0; i < rp->ncols; i++) {
		br_strbuf_reset(&name);
		if (br_report_is_added_column(&rp->opts, rp->cols[i]))
			br_strbuf_addstr(&name, "input.");
		br_strbuf_addstr(&name, rp->cols[i]);
		if (!name.oom)
			add_cell(&sb, name.p, name.len, dl[0], 0);
		br_strbuf_addstr(&sb, dl);
	}
	for (i = 0; i < br_report_nadded; i++)
		if (br_report_column_on(&rp->opts, i)) {
			br_strbuf_addstr(&sb, br_report_added[i]);
			br_strbuf_addstr(&sb, i + 1 < br_report_nadded ? dl :
			    "\r\n");
		}
	if (sb.oom || name.oom)
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	else
		rc = br_report_put_line(rp, sb.p, sb.len, err);
	br_strbuf_release(&name);
	br_strbuf_release(&sb);
	return rc;
}
