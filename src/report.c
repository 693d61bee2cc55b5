/*
 * report.c - one result line per manifest row, flushed as each row
 * finishes.
 *
 * CSV choices:
 * - Lines end in CRLF, as RFC 4180 says and as spreadsheets expect,
 *   whatever the manifest used.
 * - The manifest's own cells are written byte for byte, without the
 *   formula guard: they came from the user's own sheet, and changing
 *   them would break --resume's comparison and the round trip back into
 *   that sheet.  Only text that came from the network is guarded.
 *
 * JSON Lines choices:
 * - JSON text must be UTF-8: bytes of a manifest value that are not
 *   valid UTF-8 (a sheet saved as Latin-1), and NUL bytes, become U+FFFD.
 * - Input values keep their JSON kind (number, boolean, array); CSV
 *   cells are strings.  A name that would clash when nested ("a" and
 *   "a.b" in one row) is kept flat under its full name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "jsontext.h"
#include "report.h"
#include "strbuf.h"
#include "utf8.h"

static const char *const added[] = {
	"row", "line", "op", "outcome", "http_status", "error_code",
	"error_msg", "attempts", "elapsed_ms", "started_at", "finished_at",
	"request_id", "response", "request_fp"
};
#define NADDED	(sizeof(added) / sizeof(added[0]))

struct br_report {
	FILE		*f;
	char		*path;
	int		 is_stdout;
	char		*staged;	/* the file written until published */
	int		 failed;	/* a write failed: its errno */
	struct br_report_opts opts;
	size_t		 ncols;		/* manifest columns written */
	char		**cols;		/* their manifest names */
	size_t		*pos;		/* their manifest positions */
};

static const char *
errstr(int e, char *buf, size_t n)
{
	if (strerror_r(e, buf, n) != 0)
		snprintf(buf, n, "error %d", e);
	return buf;
}

/* "2026-11-21T00:00:00.000Z" */
static void
iso_ms(int64_t ms, char *buf, size_t n)
{
	int64_t sec = ms / 1000, frac = ms % 1000;
	struct tm tm;
	time_t t;

	if (frac < 0) {
		frac += 1000;
		sec--;
	}
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, n, "%lld", (long long)ms);
		return;
	}
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)frac);
}

static const struct br_field *
row_find(const struct br_row *row, const char *name)
{
	size_t i;

	for (i = 0; row != NULL && i < row->nfields; i++)
		if (row->fields[i].name != NULL &&
		    strcasecmp(row->fields[i].name, name) == 0)
			return &row->fields[i];
	return NULL;
}

/* The row's fields sorted by name (case-insensitively), for lookups
 * when a row's fields are not in the report's column order: keeps wide
 * rows from costing columns x fields comparisons. */
struct findex {
	const struct br_field	**v;
	size_t			  n;
};

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

int
br_report_is_added_column(const char *name)
{
	size_t i;

	for (i = 0; i < NADDED; i++)
		if (strcasecmp(name, added[i]) == 0)
			return 1;
	return 0;
}

enum br_rformat
br_report_format_for(const char *path)
{
	const char *dot;

	if (path == NULL || (dot = strrchr(path, '.')) == NULL ||
	    strchr(dot, '/') != NULL)
		return BR_RF_CSV;
	if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 ||
	    strcasecmp(dot, ".json") == 0)
		return BR_RF_JSONL;
	return BR_RF_CSV;
}

char *
br_report_default_path(const char *manifest, int delimiter, int64_t now_ms,
    int counter)
{
	const char *base = strrchr(manifest, '/'), *dot;
	char stamp[48], num[16] = "";
	struct br_strbuf sb = BR_STRBUF_INIT;
	size_t n;

	base = base != NULL ? base + 1 : manifest;
	if (strcmp(manifest, "-") == 0)
		base = "stdin";
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	iso_ms(now_ms, stamp, sizeof(stamp));	/* 2026-11-21T00:00:00.000Z */
	if (counter > 1)
		snprintf(num, sizeof(num), "-%d", counter);
	br_strbuf_addstr(&sb, "reports/");
	br_strbuf_add(&sb, base, n);
	/* compact: 20261121T000000.000Z */
	br_strbuf_addf(&sb, "-%.4s%.2s%.2sT%.2s%.2s%.2s%.5s%s.%s", stamp,
	    stamp + 5, stamp + 8, stamp + 11, stamp + 14, stamp + 17,
	    stamp + 19, num, delimiter == '\t' ? "tsv" : "csv");
	return br_strbuf_detach(&sb);
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

static int
put_line(struct br_report *rp, const char *s, size_t n, struct br_err *err)
{
	char eb[128];
	int e;

	errno = 0;
	if (rp->failed || fwrite(s, 1, n, rp->f) != n || fflush(rp->f) != 0) {
		e = rp->failed ? rp->failed : errno != 0 ? errno : EIO;
		rp->failed = e;
		return br_errf(err, BR_EIO, NULL, 0, "cannot write report "
		    "'%s': %s", rp->path, errstr(e, eb, sizeof(eb)));
	}
	return 0;
}

/* Creates the directory of path when it is missing (one level). */
static mode_t
current_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

static int
make_dir(const char *path, struct br_err *err)
{
	struct stat st;
	const char *slash;
	char *dir, eb[128];
	int rc = 0;

	if ((slash = strrchr(path, '/')) == NULL || slash == path)
		return 0;
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (stat(dir, &st) != 0 && errno == ENOENT && mkdir(dir, 0777) != 0 &&
	    errno != EEXIST)
		rc = br_errf(err, BR_EIO, NULL, 0, "cannot create directory "
		    "'%s': %s", dir, errstr(errno, eb, sizeof(eb)));
	free(dir);
	return rc;
}

/* A hidden file beside path, to write until br_report_publish(). */
static int
open_staged(struct br_report *r, const char *path)
{
	const char *slash = strrchr(path, '/');
	int n = slash != NULL ? (int)(slash - path) + 1 : 0, fd;
	size_t len = strlen(path) + 32;

	if ((r->staged = malloc(len)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(r->staged, len, "%.*s.bulkrun-partial-XXXXXX", n, path);
	if ((fd = mkstemp(r->staged)) < 0) {
		free(r->staged);
		r->staged = NULL;
		return -1;
	}
	(void)fchmod(fd, 0666 & ~current_umask());
	return fd;
}

static void
report_free(struct br_report *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->ncols; i++)
		free(rp->cols[i]);
	free(rp->cols);
	free(rp->pos);
	free(rp->path);
	free(rp->staged);
	free(rp);
}

static int
write_header(struct br_report *rp, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT, name = BR_STRBUF_INIT;
	size_t i;
	int rc;
	char dl[2] = { (char)rp->opts.delimiter, '\0' };

	if (rp->opts.bom)
		br_strbuf_add(&sb, "\xef\xbb\xbf", 3);
	for (i = 0; i < rp->ncols; i++) {
		br_strbuf_reset(&name);
		if (br_report_is_added_column(rp->cols[i]))
			br_strbuf_addstr(&name, "input.");
		br_strbuf_addstr(&name, rp->cols[i]);
		if (!name.oom)
			add_cell(&sb, name.p, name.len, dl[0], 0);
		br_strbuf_addstr(&sb, dl);
	}
	for (i = 0; i < NADDED; i++) {
		br_strbuf_addstr(&sb, added[i]);
		br_strbuf_addstr(&sb, i + 1 < NADDED ? dl : "\r\n");
	}
	if (sb.oom || name.oom)
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	else
		rc = put_line(rp, sb.p, sb.len, err);
	br_strbuf_release(&name);
	br_strbuf_release(&sb);
	return rc;
}

int
br_report_open(struct br_report **rp, const char *path,
    const struct br_report_opts *opts, const char *const *columns,
    size_t ncolumns, struct br_err *err)
{
	struct br_report *r;
	char eb[128];
	size_t i;
	int rc, fd = -1, e;

	*rp = NULL;
	if (path == NULL || path[0] == '\0')
		return br_errf(err, BR_EINPUT, NULL, 0, "no report path");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (opts != NULL)
		r->opts = *opts;
	if (r->opts.format != BR_RF_JSONL)
		r->opts.format = BR_RF_CSV;
	if (r->opts.delimiter == 0)
		r->opts.delimiter = ',';
	if (r->opts.delimiter < 1 || r->opts.delimiter > 0x7e ||
	    r->opts.delimiter == '"' || r->opts.delimiter == '\r' ||
	    r->opts.delimiter == '\n' || r->opts.delimiter == ' ' ||
	    r->opts.delimiter == '\'') {
		report_free(r);
		return br_errf(err, BR_EINPUT, NULL, 0,
		    "invalid report delimiter");
	}
	if (columns == NULL)
		ncolumns = 0;
	if ((r->path = strdup(path)) == NULL ||
	    (ncolumns > 0 && ((r->cols = calloc(ncolumns,
	    sizeof(*r->cols))) == NULL || (r->pos = calloc(ncolumns,
	    sizeof(*r->pos))) == NULL))) {
		report_free(r);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	for (i = 0; i < ncolumns; i++) {
		if (columns[i] == NULL || strcasecmp(columns[i], "op") == 0)
			continue;
		if ((r->cols[r->ncols] = strdup(columns[i])) == NULL) {
			report_free(r);
			return br_errf(err, BR_ENOMEM, NULL, 0,
			    "out of memory");
		}
		r->pos[r->ncols++] = i;
	}
	if (r->opts.stream != NULL) {
		r->f = r->opts.stream;
		r->is_stdout = 1;	/* not ours to close */
	} else if (strcmp(path, "-") == 0) {
		r->f = stdout;
		r->is_stdout = 1;
	} else {
		if ((rc = make_dir(path, err)) != 0) {
			report_free(r);
			return rc;
		}
		if (r->opts.staged)
			fd = open_staged(r, path);
		else	/* a name of our own making never replaces a file */
			fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
			    (r->opts.exclusive ? O_EXCL : O_TRUNC), 0666);
		if (fd < 0 || (r->f = fdopen(fd, "w")) == NULL) {
			e = errno;
			if (fd >= 0)
				close(fd);
			rc = br_errf(err, e == EEXIST ? BR_EEXIST : BR_EIO,
			    NULL, 0, "cannot create report '%s': %s", path,
			    errstr(e, eb, sizeof(eb)));
			report_free(r);
			return rc;
		}
	}
	if (r->opts.format == BR_RF_CSV && (rc = write_header(r, err)) != 0) {
		if (!r->is_stdout)
			fclose(r->f);
		report_free(r);
		return rc;
	}
	*rp = r;
	return 0;
}

/* ---- CSV lines ---- */

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
	iso_ms(ms, buf, sizeof(buf));
	br_strbuf_addstr(sb, buf);
}

static const char *
op_of(const struct br_row *row, const char *op)
{
	const struct br_field *f;

	if (op != NULL)
		return op;
	if ((f = row_find(row, "op")) != NULL && f->value != NULL &&
	    f->value[0] != '\0')
		return f->value;
	return NULL;
}

static void
csv_line(struct br_report *rp, struct br_strbuf *sb,
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
	if ((s = op_of(row, op)) != NULL)
		add_cell(sb, s, strlen(s), d, 0);
	br_strbuf_addc(sb, d);
	br_strbuf_addstr(sb, br_outcome_name(res->outcome));
	br_strbuf_addc(sb, d);
	if (res->http_status != 0)
		add_num(sb, res->http_status);
	br_strbuf_addc(sb, d);
	if (res->error_code != NULL)
		add_cell(sb, res->error_code, strlen(res->error_code), d, 1);
	br_strbuf_addc(sb, d);
	if (res->error_msg != NULL)
		add_cell(sb, res->error_msg, strlen(res->error_msg), d, 1);
	br_strbuf_addc(sb, d);
	add_num(sb, res->attempts);
	br_strbuf_addc(sb, d);
	add_num(sb, res->elapsed_ms);
	br_strbuf_addc(sb, d);
	add_time(sb, res->started_ms);
	br_strbuf_addc(sb, d);
	add_time(sb, res->finished_ms);
	br_strbuf_addc(sb, d);
	if (res->request_id != NULL)
		add_cell(sb, res->request_id, strlen(res->request_id), d, 1);
	br_strbuf_addc(sb, d);
	if (res->response != NULL)
		add_cell(sb, res->response, strlen(res->response), d, 1);
	br_strbuf_addc(sb, d);
	br_strbuf_addstr(sb, res->request_fp);
	br_strbuf_addstr(sb, "\r\n");
}

/* ---- JSON lines ---- */

/* s[0..n) with NUL and invalid UTF-8 bytes as U+FFFD. */
static char *
utf8_clean(const char *s, size_t n)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	size_t i = 0, len;

	br_strbuf_add(&sb, "", 0);
	while (i < n) {
		len = s[i] != '\0' ? br_utf8_seq(s + i, n - i, NULL) : 0;
		if (len == 0) {
			br_strbuf_addstr(&sb, "\xef\xbf\xbd");
			i++;
		} else {
			br_strbuf_add(&sb, s + i, len);
			i += len;
		}
	}
	return br_strbuf_detach(&sb);
}

static cJSON *
clean_string(const char *s, size_t n)
{
	cJSON *j;
	char *c;

	if ((c = utf8_clean(s, n)) == NULL)
		return NULL;
	j = cJSON_CreateString(c);
	free(c);
	return j;
}

/*
 * Whether s (cJSON parses it) can go into a line as it is: no control
 * bytes (so no line break), valid UTF-8, valid escapes, and only strict
 * numbers, so that big integers are not rounded by a round trip through
 * a double.
 */
static int
raw_ok(const char *s)
{
	size_t i = 0, j, n = strlen(s);
	char *c;
	int ok;

	if ((c = utf8_clean(s, n)) == NULL)
		return 0;
	ok = strcmp(c, s) == 0;
	free(c);
	for (i = 0; ok && i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			ok = 0;
	i = 0;
	while (ok && i < n) {
		if (s[i] == '"') {
			for (i++; ok && i < n && s[i] != '"'; )
				if (s[i] != '\\')
					i++;
				else if ((j = br_jsontext_escape_len(s, n,
				    i)) != 0)
					i += j;
				else
					ok = 0;
			i++;
		} else if (strchr("-0123456789", s[i]) != NULL) {
			for (j = i; j < n && strchr("+-.eE0123456789", s[j]) !=
			    NULL; j++)
				;
			ok = br_jsontext_is_number(s + i, j - i);
			i = j;
		} else {
			i++;
		}
	}
	return ok;
}

/*
 * Makes every key and string of a parsed tree valid UTF-8 (cJSON keeps
 * bytes as they came, and decodes bad escapes into bad bytes).  The
 * depth is bounded by cJSON's nesting limit.  0 or -1 (out of memory).
 */
static int
clean_tree(cJSON *j)
{
	char *c;

	for (; j != NULL; j = j->next) {
		if (j->string != NULL && !(j->type & cJSON_StringIsConst)) {
			if ((c = utf8_clean(j->string, strlen(j->string))) ==
			    NULL)
				return -1;
			if (strcmp(c, j->string) != 0) {
				cJSON_free(j->string);
				j->string = c;	/* cJSON free()s it */
			} else {
				free(c);
			}
		}
		if (cJSON_IsString(j) && j->valuestring != NULL) {
			if ((c = utf8_clean(j->valuestring,
			    strlen(j->valuestring))) == NULL)
				return -1;
			if (strcmp(c, j->valuestring) != 0 &&
			    cJSON_SetValuestring(j, c) == NULL) {
				free(c);
				return -1;
			}
			free(c);
		}
		if (j->child != NULL && clean_tree(j->child) != 0)
			return -1;
	}
	return 0;
}

/* A JSON text as an item: raw when safe, else parsed and cleaned, else
 * a string. */
static cJSON *
json_item(const char *s, size_t n)
{
	cJSON *j;

	if (memchr(s, '\0', n) == NULL &&
	    (j = cJSON_ParseWithOpts(s, NULL, 1)) != NULL) {
		if (raw_ok(s)) {
			cJSON_Delete(j);
			return cJSON_CreateRaw(s);
		}
		if (clean_tree(j) != 0) {
			cJSON_Delete(j);
			return NULL;
		}
		return j;
	}
	return clean_string(s, n);
}

static cJSON *
input_value(const struct br_field *f)
{
	switch (f->kind) {
	case BR_V_NUMBER:
		if (br_jsontext_is_number(f->value, f->len))
			return cJSON_CreateRaw(f->value);
		break;
	case BR_V_BOOL:
		if (strcmp(f->value, "true") == 0)
			return cJSON_CreateTrue();
		if (strcmp(f->value, "false") == 0)
			return cJSON_CreateFalse();
		break;
	case BR_V_JSON:
		return json_item(f->value, f->len);
	default:
		break;
	}
	return clean_string(f->value, f->len);
}

static int
wanted(const struct br_field *f)
{
	return f->name != NULL && f->value != NULL && f->kind != BR_V_NULL &&
	    strcasecmp(f->name, "op") != 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Compares the NUL-terminated s with key[0..klen), as strcmp would. */
static int
keycmp(const char *s, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < klen && s[i] != '\0'; i++)
		if (s[i] != key[i])
			return (unsigned char)s[i] < (unsigned char)key[i] ?
			    -1 : 1;
	if (i < klen)
		return -1;
	return s[i] == '\0' ? 0 : 1;
}

/* First index of sorted names[] not below key[0..klen). */
static size_t
lower_bound(const char *const *names, size_t n, const char *key,
    size_t klen)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keycmp(names[mid], key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Whether name must stay flat in "input": it has an empty part, another
 * name nests under it ("a" when "a.b" is there) or it nests under
 * another ("a.b" when "a" is there).  names is sorted; O(log n) per
 * part.  buf holds at least strlen(name) + 1 bytes.
 */
static int
flat_name(const char *const *names, size_t n, const char *name, char *buf)
{
	const char *dot;
	size_t len = strlen(name), i;

	if (len == 0 || name[0] == '.' || name[len - 1] == '.' ||
	    strstr(name, "..") != NULL)
		return 1;
	for (dot = name; (dot = strchr(dot, '.')) != NULL; dot++) {
		i = lower_bound(names, n, name, (size_t)(dot - name));
		if (i < n && keycmp(names[i], name, (size_t)(dot - name)) == 0)
			return 1;
	}
	/* a name under name: the first one not below name + "." */
	memcpy(buf, name, len);
	buf[len] = '.';
	i = lower_bound(names, n, buf, len + 1);
	return i < n && strncmp(names[i], buf, len + 1) == 0;
}

/* Puts v under the dotted name (flat: under the whole name).  Takes v.
 * 0 or -1 (out of memory). */
static int
input_put(cJSON *input, const char *name, int flat, cJSON *v)
{
	cJSON *obj = input, *child;
	const char *s = name, *dot;
	char *part;

	while (!flat && (dot = strchr(s, '.')) != NULL) {
		if ((part = utf8_clean(s, (size_t)(dot - s))) == NULL)
			goto oom;
		if ((child = cJSON_GetObjectItemCaseSensitive(obj, part)) ==
		    NULL)
			child = cJSON_AddObjectToObject(obj, part);
		free(part);
		if (child == NULL)
			goto oom;
		if (!cJSON_IsObject(child)) {	/* cannot happen: flat_name */
			obj = input;
			s = name;
			break;
		}
		obj = child;
		s = dot + 1;
	}
	if ((part = utf8_clean(s, strlen(s))) == NULL)
		goto oom;
	if (!cJSON_AddItemToObject(obj, part, v)) {
		free(part);
		goto oom;
	}
	free(part);
	return 0;
oom:
	cJSON_Delete(v);
	return -1;
}

/* The row's input as an object, nested on dots. */
static cJSON *
input_object(const struct br_row *row)
{
	const char **names = NULL;
	cJSON *input, *v;
	char *buf = NULL;
	size_t i, n = 0, max = 0;
	int ok = 1;

	if ((input = cJSON_CreateObject()) == NULL)
		return NULL;
	if (row == NULL || row->nfields == 0)
		return input;
	if ((names = calloc(row->nfields, sizeof(*names))) == NULL) {
		cJSON_Delete(input);
		return NULL;
	}
	for (i = 0; i < row->nfields; i++) {
		if (!wanted(&row->fields[i]))
			continue;
		names[n++] = row->fields[i].name;
		if (strlen(row->fields[i].name) > max)
			max = strlen(row->fields[i].name);
	}
	qsort(names, n, sizeof(*names), name_cmp);
	if ((buf = malloc(max + 2)) == NULL)
		ok = 0;
	for (i = 0; ok && i < row->nfields; i++) {
		if (!wanted(&row->fields[i]))
			continue;
		ok = (v = input_value(&row->fields[i])) != NULL &&
		    input_put(input, row->fields[i].name, flat_name(names, n,
		    row->fields[i].name, buf), v) == 0;
	}
	free(buf);
	free(names);
	if (!ok) {
		cJSON_Delete(input);
		return NULL;
	}
	return input;
}

static int
add_str(cJSON *o, const char *name, const char *v)
{
	cJSON *j;

	j = v != NULL ? clean_string(v, strlen(v)) : cJSON_CreateNull();
	return j != NULL && cJSON_AddItemToObject(o, name, j);
}

static int
add_int(cJSON *o, const char *name, long long v, int null_if_zero)
{
	char buf[32];
	cJSON *j;

	snprintf(buf, sizeof(buf), "%lld", v);
	j = null_if_zero && v == 0 ? cJSON_CreateNull() : cJSON_CreateRaw(buf);
	return j != NULL && cJSON_AddItemToObject(o, name, j);
}

static int
add_iso(cJSON *o, const char *name, int64_t ms)
{
	char buf[64];

	if (ms == 0)
		return cJSON_AddNullToObject(o, name) != NULL;
	iso_ms(ms, buf, sizeof(buf));
	return cJSON_AddStringToObject(o, name, buf) != NULL;
}

static int
jsonl_line(struct br_strbuf *sb, const struct br_row *row, const char *op,
    const struct br_result *res)
{
	cJSON *o, *input, *v;
	char *text = NULL;
	int ok;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	ok = add_int(o, "row", row != NULL ? row->num : 0, 0) &&
	    add_int(o, "line", row != NULL ? row->line : 0, 0) &&
	    add_str(o, "op", op_of(row, op)) &&
	    add_str(o, "outcome", br_outcome_name(res->outcome)) &&
	    add_int(o, "http_status", res->http_status, 1) &&
	    add_str(o, "error_code", res->error_code) &&
	    add_str(o, "error_msg", res->error_msg) &&
	    add_int(o, "attempts", res->attempts, 0) &&
	    add_int(o, "elapsed_ms", res->elapsed_ms, 0) &&
	    add_iso(o, "started_at", res->started_ms) &&
	    add_iso(o, "finished_at", res->finished_ms) &&
	    add_str(o, "request_id", res->request_id);
	if (ok) {
		v = res->response != NULL ? json_item(res->response,
		    strlen(res->response)) : cJSON_CreateNull();
		ok = v != NULL && cJSON_AddItemToObject(o, "response", v);
	}
	if (ok)
		ok = add_str(o, "request_fp", res->request_fp[0] != '\0' ?
		    res->request_fp : NULL);
	if (ok) {
		input = input_object(row);
		ok = input != NULL && cJSON_AddItemToObject(o, "input", input);
		if (!ok)
			cJSON_Delete(input);
	}
	if (ok && (text = cJSON_PrintUnformatted(o)) != NULL) {
		br_strbuf_addstr(sb, text);
		br_strbuf_addc(sb, '\n');
	}
	ok = ok && text != NULL;
	cJSON_free(text);
	cJSON_Delete(o);
	return ok ? 0 : -1;
}

int
br_report_write(struct br_report *rp, const struct br_row *row,
    const char *op, const struct br_result *res, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	int rc;

	if (rp == NULL || res == NULL)
		return br_errf(err, BR_EINTERNAL, NULL, 0, "no report");
	if (rp->opts.format == BR_RF_JSONL) {
		if (jsonl_line(&sb, row, op, res) != 0)
			sb.oom = 1;
	} else {
		csv_line(rp, &sb, row, op, res);
	}
	if (sb.oom) {
		br_strbuf_release(&sb);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	rc = put_line(rp, sb.p, sb.len, err);
	br_strbuf_release(&sb);
	return rc;
}

int
br_report_publish(struct br_report *rp, const char *path, struct br_err *err)
{
	char eb[128], *np;
	int e;

	if (rp->staged == NULL)
		return 0;
	if (fflush(rp->f) != 0 || ferror(rp->f) || rp->failed) {
		e = rp->failed ? rp->failed : errno != 0 ? errno : EIO;
		rp->failed = e;
		return br_errf(err, BR_EIO, NULL, 0, "cannot write report "
		    "'%s': %s", path, errstr(e, eb, sizeof(eb)));
	}
	if ((np = strdup(path)) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	/* link() fails on an existing name: never replaces a file */
	if (rp->opts.exclusive ? link(rp->staged, path) != 0 :
	    rename(rp->staged, path) != 0) {
		e = errno;
		free(np);
		return br_errf(err, e == EEXIST ? BR_EEXIST : BR_EIO, NULL, 0,
		    "cannot create report '%s': %s", path,
		    errstr(e, eb, sizeof(eb)));
	}
	if (rp->opts.exclusive)
		(void)unlink(rp->staged);
	free(rp->staged);
	rp->staged = NULL;
	free(rp->path);
	rp->path = np;
	return 0;
}

int
br_report_close(struct br_report *rp, struct br_err *err)
{
	char eb[128];
	int rc = 0, e = 0;

	if (rp == NULL)
		return 0;
	if (rp->staged != NULL)		/* never published: not a report */
		(void)unlink(rp->staged);
	errno = 0;
	if (fflush(rp->f) != 0 || ferror(rp->f))
		e = errno != 0 ? errno : EIO;
	if (!rp->is_stdout && fclose(rp->f) != 0 && e == 0)
		e = errno != 0 ? errno : EIO;
	if (rp->failed)		/* the first cause */
		e = rp->failed;
	if (e != 0)
		rc = br_errf(err, BR_EIO, NULL, 0, "cannot write report "
		    "'%s': %s", rp->path, errstr(e, eb, sizeof(eb)));
	report_free(rp);
	return rc;
}

const char *
br_report_path(const struct br_report *rp)
{
	return rp != NULL ? rp->path : NULL;
}
