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

#include "datetime.h"
#include "jsontext.h"
#include "report_int.h"
#include "strbuf.h"
#include "text.h"
#include "utf8.h"

/* The verification columns come after response, only in reports of
 * runs that verify (opts.verify). */
const char *const br_report_added[] = {
	"row", "line", "op", "outcome", "http_status", "error_code",
	"error_msg", "attempts", "elapsed_ms", "started_at", "finished_at",
	"request_id", "response", "state", "verify_ms", "polls", "request_fp"
};
const size_t br_report_nadded = sizeof(br_report_added) /
    sizeof(br_report_added[0]);

int
br_report_column_on(const struct br_report_opts *o, size_t i)
{
	return o->verify || i < BR_REPORT_STATE_COL ||
	    i >= BR_REPORT_STATE_COL + 3;
}


static const char *
errstr(int e, char *buf, size_t n)
{
	if (strerror_r(e, buf, n) != 0)
		snprintf(buf, n, "error %d", e);
	return buf;
}

/* "2026-11-21T00:00:00.000Z" */
void
br_report_iso_ms(int64_t ms, char *buf, size_t n)
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

int64_t
br_report_parse_time(const char *s)
{
	char msg[128];
	int64_t ms;

	if (s == NULL || *s == '\0' ||
	    br_datetime_parse(s, 0, "UTC", &ms, msg, sizeof(msg)) != 0)
		return 0;
	return ms;
}

int
br_report_is_added_column(const struct br_report_opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < br_report_nadded; i++)
		if (br_report_column_on(o, i) &&
		    strcasecmp(name, br_report_added[i]) == 0)
			return 1;
	return 0;
}

enum br_rformat
br_report_format_for(const char *path)
{
	enum br_rformat f;

	return br_report_format_check(path, &f, NULL) == 0 ? f : BR_RF_CSV;
}

int
br_report_format_check(const char *path, enum br_rformat *fmt,
    struct br_err *err)
{
	static const struct {
		const char	*ext;
		enum br_rformat	 fmt;
	} known[] = {
		{ ".csv", BR_RF_CSV }, { ".tsv", BR_RF_CSV }, { ".txt", BR_RF_CSV },
		{ ".jsonl", BR_RF_JSONL }, { ".ndjson", BR_RF_JSONL },
		{ ".json", BR_RF_JSONL }, { ".xlsx", BR_RF_XLSX }
	};
	const char *dot;
	size_t i;

	*fmt = BR_RF_CSV;
	if (path == NULL || (dot = strrchr(path, '.')) == NULL ||
	    strchr(dot, '/') != NULL)
		return 0;		/* no extension: CSV */
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcasecmp(dot, known[i].ext) == 0) {
			*fmt = known[i].fmt;
			return 0;
		}
	return br_errf(err, BR_EINPUT, path, 0, "'%s' is no report type "
	    "bulkrun writes: .csv, .tsv, .txt, .jsonl, .ndjson, .json or .xlsx",
	    dot);
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
	br_report_iso_ms(now_ms, stamp, sizeof(stamp));	/* 2026-11-21T00:00:00.000Z */
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

int
br_report_put_line(struct br_report *rp, const char *s, size_t n,
    struct br_err *err)
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

	if (rp == NULL)
		return;
	br_text_free_all(rp->cols, rp->ncols);
	free(rp->cols);
	free(rp->pos);
	free(rp->path);
	free(rp->staged);
	free(rp);
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
	if (r->opts.format == BR_RF_CSV && !r->opts.no_header &&
	    (rc = br_report_csv_header(r, err)) != 0) {
		if (!r->is_stdout)
			fclose(r->f);
		report_free(r);
		return rc;
	}
	*rp = r;
	return 0;
}

/* ---- CSV lines ---- */

const char *
br_report_op_of(const struct br_row *row, const char *op)
{
	const struct br_field *f;

	if (op != NULL)
		return op;
	if ((f = br_report_row_find(row, "op")) != NULL && f->value != NULL &&
	    f->value[0] != '\0')
		return f->value;
	return NULL;
}

/* ---- JSON lines ---- */

int
br_report_write(struct br_report *rp, const struct br_row *row,
    const char *op, const struct br_result *res, struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	int rc;

	if (rp == NULL || res == NULL)
		return br_errf(err, BR_EINTERNAL, NULL, 0, "no report");
	if (rp->opts.format == BR_RF_JSONL) {
		if (br_report_jsonl_line(&sb, row, op, res,
		    rp->opts.verify) != 0)
			sb.oom = 1;
	} else {
		br_report_csv_line(rp, &sb, row, op, res);
	}
	if (sb.oom) {
		br_strbuf_release(&sb);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	rc = br_report_put_line(rp, sb.p, sb.len, err);
	br_strbuf_release(&sb);
	return rc;
}

int
br_report_write_raw(struct br_report *rp, const char *s, size_t n,
    struct br_err *err)
{
	return br_report_put_line(rp, s, n, err);
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
