/*
 * test_manifest.c - the streaming manifest reader: CSV dialects, JSON,
 * JSON Lines, line numbers, errors, rewind, stdin, bounded memory.
 *
 * Most cases write a small manifest to a temporary directory and compare
 * a dump of every row ("NUM@LINE name=value|name=value") with the
 * expected text.  In the dump, NULL is "~", numbers start with '#',
 * booleans with '?', JSON text with '@'; CR, LF and TAB are shown as
 * \r, \n, \t.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "manifest.h"

static char	 tdir[64];
static char	*tfiles[64];
static int	 ntfiles;

static void
suite_init(void)
{
	strcpy(tdir, "/tmp/br-manifest-XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
	ntfiles = 0;
}

static void
suite_fini(void)
{
	int i;

	for (i = 0; i < ntfiles; i++) {
		unlink(tfiles[i]);
		free(tfiles[i]);
	}
	rmdir(tdir);
}

TestSuite(manifest, .init = suite_init, .fini = suite_fini);

static const char *
data(const char *name)
{
	static char path[4][512];
	static int k;
	const char *d = getenv("BULKRUN_TESTDATA");

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/manifest/%s",
	    d != NULL ? d : "tests/data", name);
	return path[k];
}

/* A file in the temporary directory; the path lives until the test ends. */
static const char *
tpath(const char *name)
{
	size_t n = strlen(tdir) + strlen(name) + 2;
	char *p = malloc(n);

	cr_assert_not_null(p);
	cr_assert_lt(ntfiles, 64);
	snprintf(p, n, "%s/%s", tdir, name);
	tfiles[ntfiles++] = p;
	return p;
}

static const char *
write_file(const char *name, const void *text, size_t n)
{
	const char *path = tpath(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	return path;
}

static const char *
write_str(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

static void
put_esc(char **p, char *end, const char *s, size_t n)
{
	size_t i;
	const char *e;
	char one[2];

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\r':
			e = "\\r";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\t':
			e = "\\t";
			break;
		default:
			one[0] = s[i];
			one[1] = '\0';
			e = one;
		}
		while (*e != '\0' && *p < end - 1)
			*(*p)++ = *e++;
	}
	**p = '\0';
}

static void
dump_row(const struct br_row *r, char **p, char *end)
{
	const struct br_field *f;
	char head[64];
	size_t i;

	snprintf(head, sizeof(head), "%ld@%ld ", r->num, r->line);
	put_esc(p, end, head, strlen(head));
	for (i = 0; i < r->nfields; i++) {
		f = &r->fields[i];
		if (i > 0)
			put_esc(p, end, "|", 1);
		put_esc(p, end, f->name, strlen(f->name));
		put_esc(p, end, "=", 1);
		if (f->value == NULL) {
			cr_assert(f->kind == BR_V_STRING ||
			    f->kind == BR_V_NULL);
			put_esc(p, end, "~", 1);
			continue;
		}
		cr_assert_eq(f->value[f->len], '\0');
		if (f->kind == BR_V_NUMBER)
			put_esc(p, end, "#", 1);
		else if (f->kind == BR_V_BOOL)
			put_esc(p, end, "?", 1);
		else if (f->kind == BR_V_JSON)
			put_esc(p, end, "@", 1);
		else
			cr_assert_eq(f->kind, BR_V_STRING);
		put_esc(p, end, f->value, f->len);
	}
	if (r->problem[0] != '\0') {		/* " !problem" */
		put_esc(p, end, " !", 2);
		put_esc(p, end, r->problem, strlen(r->problem));
	}
	if (*p < end - 1) {
		*(*p)++ = '\n';
		**p = '\0';
	}
}

struct res {
	int	 open_rv;
	int	 next_rv;
	int	 delim;
	int	 bom;
	int	 fmt;
	char	 cols[512];
	char	 out[8192];
	char	 err[1024];
};

static void
read_all(const char *path, const struct br_manifest_opts *o, struct res *r)
{
	struct br_manifest *m = NULL;
	struct br_err e;
	struct br_row row;
	char *p = r->out, *end = r->out + sizeof(r->out);
	char *cp = r->cols, *cend = r->cols + sizeof(r->cols);
	size_t i;

	memset(r, 0, sizeof(*r));
	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	r->open_rv = br_manifest_open(&m, path, o, &e);
	if (r->open_rv != 0) {
		cr_assert_null(m);
		cr_assert_eq(e.code, r->open_rv);
		snprintf(r->err, sizeof(r->err), "%s", e.msg);
		return;
	}
	r->delim = br_manifest_delimiter(m);
	r->bom = br_manifest_had_bom(m);
	r->fmt = br_manifest_format(m);
	for (i = 0; i < br_manifest_ncolumns(m); i++) {
		if (i > 0)
			put_esc(&cp, cend, "|", 1);
		put_esc(&cp, cend, br_manifest_column(m, i),
		    strlen(br_manifest_column(m, i)));
	}
	while ((r->next_rv = br_manifest_next(m, &row, &e)) == 1)
		dump_row(&row, &p, end);
	if (r->next_rv < 0) {
		cr_assert_eq(e.code, r->next_rv);
		snprintf(r->err, sizeof(r->err), "%s", e.msg);
	}
	br_row_release(&row);
	br_manifest_close(m);
}

static void
read_text(const char *name, const char *text, int delim, struct res *r)
{
	struct br_manifest_opts o = { .delimiter = delim };

	read_all(write_file(name, text, strlen(text)), &o, r);
}

/* Expects every row read without error. */
static void
expect_rows(const char *name, const char *text, const char *want)
{
	struct res r;

	read_text(name, text, 0, &r);
	cr_assert_eq(r.open_rv, 0, "%s: open: %s", name, r.err);
	cr_assert_eq(r.next_rv, 0, "%s: next: %s", name, r.err);
	cr_assert_str_eq(r.out, want, "%s", name);
}

/* Expects rows, then an error (at open if want is NULL). */
static void
expect_error(const char *name, const char *text, const char *want,
    const char *msg)
{
	struct res r;
	char full[1200];

	read_text(name, text, 0, &r);
	snprintf(full, sizeof(full), "%s/%s", tdir, msg);
	if (want == NULL) {
		cr_assert_lt(r.open_rv, 0, "%s: opened", name);
	} else {
		cr_assert_eq(r.open_rv, 0, "%s: open: %s", name, r.err);
		cr_assert_lt(r.next_rv, 0, "%s: no error", name);
		cr_assert_str_eq(r.out, want, "%s", name);
	}
	cr_assert_str_eq(r.err, full, "%s", name);
}

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	cr_assert_gt(v, 0);
	return v;
}

/* ---- CSV ---- */

Test(manifest, csv_lf_and_crlf_give_the_same_rows)
{
	static const char *const texts[] = {
		"op,id\nx,1\ny,2\n",
		"op,id\r\nx,1\r\ny,2\r\n",
		"op,id\rx,1\ry,2\r",
		"op,id\nx,1\ny,2",		/* no final line break */
		"op,id\r\nx,1\r\ny,2",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		expect_rows("le.csv", texts[i],
		    "1@2 op=x|id=1\n2@3 op=y|id=2\n");
}

Test(manifest, csv_utf8_bom_is_skipped_and_remembered)
{
	struct res r;

	read_text("bom.csv", "\xef\xbb\xbfop,id\r\nx,1\r\n", 0, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.cols, "op|id");
	cr_assert_eq(r.bom, 1);
	cr_assert_str_eq(r.out, "1@2 op=x|id=1\n");
	read_text("nobom.csv", "op,id\r\nx,1\r\n", 0, &r);
	cr_assert_eq(r.bom, 0);
}

Test(manifest, csv_delimiter_detected_from_header)
{
	static const struct {
		const char	*text;
		int		 delim;
		const char	*cols;
	} t[] = {
		{ "a,b,c\n1,2,3\n", ',', "a|b|c" },
		{ "a;b;c\n1;2;3\n", ';', "a|b|c" },
		{ "a\tb\tc\n1\t2\t3\n", '\t', "a|b|c" },
		{ "a;b,c;d\n", ';', "a|b,c|d" },	/* most frequent */
		{ "a;b,c\n", ',', "a;b|c" },		/* tie: comma */
		{ "alone\n", ',', "alone" },		/* none: comma */
		{ "\"a,b,c\";d;e\n", ';', "a,b,c|d|e" },	/* quoted */
		{ "# a,b,c,d,e\n\n;;\nx;y\n", ';', "x|y" },	/* skipped */
		{ "\"multi\nline,x,y\";z\n", ';', "multi\\nline,x,y|z" },
	};
	struct res r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		read_text("d.csv", t[i].text, 0, &r);
		cr_assert_eq(r.open_rv, 0, "%zu: %s", i, r.err);
		cr_assert_eq(r.delim, t[i].delim, "%zu: %d", i, r.delim);
		cr_assert_str_eq(r.cols, t[i].cols, "%zu", i);
	}
}

Test(manifest, csv_tsv_extension_defaults_to_tab_when_undecided)
{
	struct res r;

	read_text("one.tsv", "op\nx y\n", 0, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.delim, '\t');
	read_text("one.csv", "op\nx y\n", 0, &r);
	cr_assert_eq(r.delim, ',');
}

Test(manifest, csv_delimiter_option_overrides_detection)
{
	struct res r;

	read_text("o.csv", "a;b,c\n1;2,3\n", ';', &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.delim, ';');
	cr_assert_str_eq(r.out, "1@2 a=1|b,c=2,3\n");
	read_text("o.csv", "a;b,c\n1;2,3\n", '|', &r);
	cr_assert_eq(r.delim, '|');
	cr_assert_str_eq(r.cols, "a;b,c");
	read_text("o.csv", "a\n", '"', &r);
	cr_assert_eq(r.open_rv, BR_EINPUT);
}

Test(manifest, csv_quoting)
{
	static const struct {
		const char	*text;
		const char	*want;
	} t[] = {
		/* quoted delimiter */
		{ "a,b\n\"1,5\",2\n", "1@2 a=1,5|b=2\n" },
		/* doubled quotes */
		{ "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n",
		  "1@2 a=say \"hi\"|b=\"\n" },
		/* a stray quote inside an unquoted cell is text */
		{ "a,b\n5\" pipe,x\"y\"\n", "1@2 a=5\" pipe|b=x\"y\"\n" },
		/* blanks are kept, quoted or not */
		{ "a,b\n x , \" y \"\n", "1@2 a= x |b= \" y \"\n" },
		{ "a,b\n\" y \",\n", "1@2 a= y |b=~\n" },
		/* quoted empty is empty */
		{ "a,b\n\"\",1\n", "1@2 a=~|b=1\n" },
		/* a quoted # at the start of a line is data */
		{ "a,b\n\"#x\",1\n", "1@2 a=#x|b=1\n" },
		/* other bytes kept as they are */
		{ "a\n\xc3\xa9t\xc3\xa9\n", "1@2 a=\xc3\xa9t\xc3\xa9\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_rows("q.csv", t[i].text, t[i].want);
}

Test(manifest, csv_line_breaks_in_quotes_kept_byte_for_byte)
{
	struct res r;

	read_all(data("crlf_in_quotes.csv"), NULL, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.out,
	    "1@2 id=1|text=a\\r\\nb\n"
	    "2@4 id=2|text=c\\nd\n"
	    "3@6 id=3|text=x\n");
}

Test(manifest, csv_line_numbers_across_multiline_fields_blanks_comments)
{
	expect_rows("ln.csv",
	    "# comment line 1\r\n"
	    "\r\n"
	    "op,note\r\n"			/* 3: header */
	    "a,\"one\r\ntwo\r\nthree\"\r\n"	/* 4-6 */
	    "\r\n"				/* 7 */
	    "# 8 \"unbalanced quote\r\n"	/* 8 */
	    "b,\"x\ny\"\n"			/* 9-10, LF inside CRLF file */
	    ",\r\n"				/* 11: empty row */
	    "c,\"#not a comment\n#nor this\"\r\n"	/* 12-13 */
	    "d,\"\"\"\r\n\"\"\"\r\n"		/* 14-15 */
	    "e,last",				/* 16 */
	    "1@4 op=a|note=one\\r\\ntwo\\r\\nthree\n"
	    "2@9 op=b|note=x\\ny\n"
	    "3@12 op=c|note=#not a comment\\n#nor this\n"
	    "4@14 op=d|note=\"\\r\\n\"\n"
	    "5@16 op=e|note=last\n");
}

Test(manifest, csv_lone_cr_line_ends_counted)
{
	expect_rows("cr.csv", "op,n\r\ra,\"1\r2\"\rb,3\r",
	    "1@3 op=a|n=1\\r2\n2@5 op=b|n=3\n");
}

Test(manifest, csv_skips_blank_comment_and_empty_rows)
{
	expect_rows("skip.csv",
	    "\n\n# c1\n#c2,with,commas\nop,a,b\n\n,,\n;;\n  ,\t,\n"
	    "x,1,2\n# c3\n\"\",\"\",\n y,,\n",
	    "1@8 op=;;|a=~|b=~\n"		/* ';' is no delimiter here */
	    "2@10 op=x|a=1|b=2\n"
	    "3@13 op= y|a=~|b=~\n");
}

Test(manifest, csv_header_names_trimmed_case_kept)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	struct br_field *f;

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, write_str("h.csv",
	    " Op ,\tProject_ID\t, task id \nx,P,T\n"), NULL, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(br_manifest_ncolumns(m), 3);
	cr_assert_str_eq(br_manifest_column(m, 0), "Op");
	cr_assert_str_eq(br_manifest_column(m, 1), "Project_ID");
	cr_assert_str_eq(br_manifest_column(m, 2), "task id");
	cr_assert_null(br_manifest_column(m, 3));
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	f = br_row_find(&row, "project_id");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->name, "Project_ID");
	cr_assert_str_eq(f->value, "P");
	cr_assert_eq(f->len, 1);
	cr_assert_eq(f->kind, BR_V_STRING);
	cr_assert_not_null(br_row_find(&row, "OP"));
	cr_assert_not_null(br_row_find(&row, "TASK ID"));
	cr_assert_null(br_row_find(&row, "task"));
	cr_assert_eq(br_manifest_next(m, &row, &e), 0);
	br_row_release(&row);
	cr_assert_null(row.fields);
	br_manifest_close(m);
}

Test(manifest, csv_header_errors)
{
	static const struct {
		const char	*text;
		const char	*msg;	/* after "FILE" */
	} t[] = {
		{ "op,cluster_id,a,b,Cluster_ID\n",
		  ":1: duplicate column 'Cluster_ID' (columns B and E)" },
		{ "# c\n\nop, x ,X\n",
		  ":3: duplicate column 'X' (columns B and C)" },
		{ "op,a,,b\n", ":1: row 1, column C has no name" },
		{ "op,a,\" \",b\n", ":1: row 1, column C has no name" },
		{ "op,a,\"\xc2\xa0\",b\n", ":1: row 1, column C has no name" },
		{ "\n\nop,a,\"\",b\n", ":3: row 3, column C has no name" },
		{ "\"a\nb\",,c\n", ":1: row 1, column B has no name" },
		{ "", ": no rows: the file has no header row" },
		{ "\xef\xbb\xbf", ": no rows: the file has no header row" },
		{ "# only\n# comments\n\n", ": no rows: the file has no header row" },
		{ ",,,\n,,\n \t\n", ": no rows: the file has no header row" },
	};
	char want[1200];
	size_t i;
	struct res r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		read_text("hdr.csv", t[i].text, 0, &r);
		cr_assert_eq(r.open_rv, BR_EINPUT, "%zu", i);
		snprintf(want, sizeof(want), "%s/hdr.csv%s", tdir, t[i].msg);
		cr_assert_str_eq(r.err, want, "%zu", i);
	}
}

Test(manifest, csv_trailing_unnamed_header_columns)
{
	/* a sheet that saved empty columns: allowed while they are empty */
	expect_rows("tr.csv", "op,a,,\nx,1,,\ny,2\n",
	    "1@2 op=x|a=1\n2@3 op=y|a=2\n");
	/* a value there: that row's problem, the others read on */
	expect_rows("tr.csv", "op,a,,\nx,1,,\ny,2,,z\nw,3\n", "1@2 op=x|a=1\n"
	    "2@3 op=y|a=2 !column D has a value but no name in the header: "
	    "name the column in the header row or delete the value\n"
	    "3@4 op=w|a=3\n");
}

Test(manifest, csv_short_and_long_records)
{
	expect_rows("s.csv", "op,a,b,c\nx\ny,1\nz,1,2,3,,,\n",
	    "1@2 op=x|a=~|b=~|c=~\n"
	    "2@3 op=y|a=1|b=~|c=~\n"
	    "3@4 op=z|a=1|b=2|c=3\n");
	expect_rows("l.csv", "op,a,b,c,d\nx,1,2,3,4\ny,1,2,3,4,5,6\n",
	    "1@2 op=x|a=1|b=2|c=3|d=4\n"
	    "2@3 op=y|a=1|b=2|c=3|d=4 !the row has 7 cells, the header 5: a "
	    "value in column F or beyond has no column (delete it, or name "
	    "the column)\n");
	expect_rows("l2.csv", "op,a\nx,\"1\n2\",,, z\n",
	    "1@2 op=x|a=1\\n2 !the row has 5 cells, the header 2: a value in "
	    "column C or beyond has no column (delete it, or name the "
	    "column)\n");
}

Test(manifest, csv_unterminated_quote_reports_record_start)
{
	expect_error("u.csv", "op,a\nx,1\ny,\"open\nmore\n\nstill\n",
	    "1@2 op=x|a=1\n",
	    "u.csv:3: unterminated quoted field");
	expect_error("u2.csv", "op,a\r\nx,\"ab\"\"\r\n", "",
	    "u2.csv:2: unterminated quoted field");
	expect_error("u3.csv", "\"op,a\n", NULL,
	    "u3.csv:1: unterminated quoted field");
}

Test(manifest, csv_utf16_read_and_nul_detected)
{
	static const char le[] = "\xff\xfeo\0p\0\n\0x\0\n\0";
	static const char be[] = "\xfe\xff\0o\0p\0\n\0x\0\n";
	static const char nobom[] = "o\0p\0\n\0";
	static const char late[] = "op,a\nx,1\ny,\"2\n\0\"\n";
	struct br_manifest_opts o = { .format = 0 };
	struct res r;
	char want[1200];

	/* a UTF-16 byte-order mark: Excel's "Unicode Text", converted
	 * (test_encoding.c has the details) */
	read_all(write_file("16.csv", le, sizeof(le) - 1), &o, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "1@2 op=x\n");
	read_all(write_file("16.csv", be, sizeof(be) - 1), &o, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "1@2 op=x\n");

	read_all(write_file("nul.csv", nobom, sizeof(nobom) - 1), &o, &r);
	snprintf(want, sizeof(want), "%s/nul.csv:1: NUL byte (is this a "
	    "UTF-16 or binary file?)", tdir);
	cr_assert_eq(r.open_rv, BR_EINPUT);
	cr_assert_str_eq(r.err, want);
	read_all(write_file("late.csv", late, sizeof(late) - 1), &o, &r);
	snprintf(want, sizeof(want), "%s/late.csv:4: NUL byte (is this a "
	    "UTF-16 or binary file?)", tdir);
	cr_assert_eq(r.open_rv, 0);
	cr_assert_str_eq(r.out, "1@2 op=x|a=1\n");
	cr_assert_str_eq(r.err, want);
	read_all(write_file("nul.json", "[{\"a\":\0}]", 9), &o, &r);
	snprintf(want, sizeof(want), "%s/nul.json:1: NUL byte (is this a "
	    "UTF-16 or binary file?)", tdir);
	cr_assert_str_eq(r.err, want);
}

Test(manifest, csv_as_excel_saves_it)
{
	struct res r;

	/* CSV UTF-8 in a ';' locale: BOM, CRLF, Alt+Enter as LF in quotes,
	 * empty rows as ";;;;;" */
	read_all(data("excel.csv"), NULL, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_eq(r.bom, 1);
	cr_assert_eq(r.delim, ';');
	cr_assert_str_eq(r.cols,
	    "op|project_id|instance_id|task_id|date_from|note");
	cr_assert_str_eq(r.out,
	    "1@2 op=roma.reset_multi_task|project_id=0f1e2d3c|"
	    "instance_id=inst-01|task_id=task-01|date_from=2026-11-21|"
	    "note=first line\\nsecond line\n"
	    "2@4 op=roma.reset_multi_task|project_id=0f1e2d3c|"
	    "instance_id=inst-01|task_id=task-02|date_from=1630052714000|"
	    "note=says \"hi\"; twice\n"
	    "3@6 op=css.restart_cluster|project_id=0f1e2d3c|instance_id=~|"
	    "task_id=~|date_from=~|note=~\n");
}

Test(manifest, csv_as_libreoffice_saves_it)
{
	struct res r;

	read_all(data("libreoffice.csv"), NULL, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_eq(r.bom, 0);
	cr_assert_eq(r.delim, ',');
	cr_assert_str_eq(r.out,
	    "1@2 op=kafka.restart_connector_task|project_id=p-1|"
	    "instance_id=i-1|task_id=t-1|note=multi\\nline, with comma\n"
	    "2@4 op=kafka.restart_connector_task|project_id=p-1|"
	    "instance_id=i-1|task_id=t-2|note=plain\n"
	    "3@6 op=kafka.restart_connector_task|project_id=p-1|"
	    "instance_id=i-1|task_id=t-3|note=quote \" inside\n");
}

Test(manifest, csv_records_across_read_buffer_boundaries)
{
	/* rows whose bytes straddle the 64 KiB reads, with CRLF split */
	size_t n = 300000, len = 0, i;
	char *text = malloc(n + 64);
	char *big;
	const char *path;
	long rows = 0, expect_line = 2;
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;

	cr_assert_not_null(text);
	len += (size_t)sprintf(text, "op,v\r\n");
	for (i = 0; len < n; i++)
		len += (size_t)sprintf(text + len, i % 3 == 0 ?
		    "%zu,\"a\r\nb\"\r\n" : "%zu,x%zu\r\n", i, i * 7);
	path = write_file("bnd.csv", text, len);
	br_err_clear(&e);
	memset(&row, 0, sizeof(row));
	cr_assert_eq(br_manifest_open(&m, path, NULL, &e), 0, "%s", e.msg);
	while (br_manifest_next(m, &row, &e) == 1) {
		cr_assert_eq(row.num, rows + 1);
		cr_assert_eq(row.line, expect_line, "row %ld", row.num);
		cr_assert_eq(strtol(row.fields[0].value, NULL, 10), rows);
		if (rows % 3 == 0)
			cr_assert_str_eq(row.fields[1].value, "a\r\nb");
		expect_line += rows % 3 == 0 ? 2 : 1;
		rows++;
	}
	cr_assert_eq(e.code, 0, "%s", e.msg);
	cr_assert_eq((size_t)rows, i);
	br_row_release(&row);
	br_manifest_close(m);
	free(text);

	/* and one cell of 200 KiB, with line breaks */
	big = malloc(300000);
	cr_assert_not_null(big);
	strcpy(big, "a,b,c\n1,\"");
	len = strlen(big);
	for (i = 0; i < 200000; i++)
		big[len + i] = i % 1000 == 999 ? '\n' : 'x';
	strcpy(big + len + 200000, "\",2\n3,4\n");
	path = write_file("bigcell.csv", big, strlen(big));
	cr_assert_eq(br_manifest_open(&m, path, NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_eq(row.fields[1].len, 200000);
	cr_assert_eq(memcmp(row.fields[1].value, big + len, 200000), 0);
	cr_assert_str_eq(row.fields[2].value, "2");
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_eq(row.line, 2 + 200 + 1);
	cr_assert_str_eq(row.fields[0].value, "3");
	cr_assert_eq(br_manifest_next(m, &row, &e), 0);
	br_row_release(&row);
	br_manifest_close(m);
	free(big);
}

Test(manifest, csv_crlf_split_across_64k_reads)
{
	/* the CR is the last byte of the first 64 KiB read, the LF the
	 * first of the next: once inside quotes, once ending a record */
	size_t k = 65536, len, i;
	char *text = malloc(k + 64);
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	int inq;

	cr_assert_not_null(text);
	for (inq = 0; inq < 2; inq++) {
		strcpy(text, inq ? "a,b\r\n1,\"" : "a,b\r\n1,");
		len = strlen(text);
		for (i = len; i < k - 1; i++)
			text[i] = 'p';
		strcpy(text + k - 1, inq ? "\r\nx\"\r\n2,y\r\n" :
		    "\r\n2,y\r\n");
		br_err_clear(&e);
		memset(&row, 0, sizeof(row));
		cr_assert_eq(br_manifest_open(&m, write_str("split.csv", text),
		    NULL, &e), 0, "%s", e.msg);
		cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s", e.msg);
		cr_assert_eq(row.line, 2);
		cr_assert_eq(row.fields[1].len, k - 1 - len + (inq ? 3 : 0));
		if (inq)
			cr_assert_str_eq(row.fields[1].value +
			    row.fields[1].len - 3, "\r\nx");
		cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s", e.msg);
		cr_assert_eq(row.line, inq ? 4 : 3);
		cr_assert_str_eq(row.fields[1].value, "y");
		cr_assert_eq(br_manifest_next(m, &row, &e), 0);
		br_row_release(&row);
		br_manifest_close(m);
	}
	free(text);
}

Test(manifest, csv_oversized_cell_is_an_error)
{
	size_t n = BR_MANIFEST_MAX_ROW + 100000;
	char *text = malloc(n + 32);
	struct res r;
	char want[1200];

	cr_assert_not_null(text);
	strcpy(text, "a,b\n1,\"");
	memset(text + 7, 'y', n);
	strcpy(text + 7 + n, "\"\n");
	read_all(write_file("huge.csv", text, strlen(text)), NULL, &r);
	snprintf(want, sizeof(want), "%s/huge.csv:2: cell is larger than "
	    "16 MiB", tdir);
	cr_assert_eq(r.next_rv, BR_EINPUT);
	cr_assert_str_eq(r.err, want);
	free(text);
}

/* ---- JSON ---- */

Test(manifest, json_array_of_objects)
{
	struct res r;

	read_text("a.json",
	    "[\n"
	    "  {\"op\": \"css.restart_cluster\", \"cluster_id\": \"c-1\",\n"
	    "   \"ok\": true, \"no\": false, \"nil\": null},\n"
	    "  {\"op\": \"x\"}, {}\n"
	    "]\n", 0, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_eq(r.fmt, BR_MF_JSON);
	cr_assert_eq(r.delim, ',');
	cr_assert_eq(r.bom, 0);
	cr_assert_str_eq(r.cols, "");
	cr_assert_str_eq(r.out,
	    "1@2 op=css.restart_cluster|cluster_id=c-1|ok=?true|no=?false|"
	    "nil=~\n"
	    "2@4 op=x\n"
	    "3@4 \n");
}

Test(manifest, json_empty_array_has_no_rows)
{
	expect_rows("e.json", " [ ] \n", "");
	expect_rows("e2.json", "{\"operations\": []}", "");
	expect_rows("e3.json", "\xef\xbb\xbf[]", "");
}

Test(manifest, json_defaults_before_or_after_operations)
{
	static const char want[] =
	    "1@7 project_id=0f1e2d3c|source_task.task_num=#1|"
	    "source_task.topics_regex=a.*|op=kafka.modify_connector_task|"
	    "instance_id=i-1|task_id=t-1\n"
	    "2@9 Project_ID=override|source_task.task_num=#4|"
	    "source_task.topics_regex=a.*|op=kafka.modify_connector_task|"
	    "instance_id=i-1|task_id=t-2\n";
	static const char want_after[] =
	    "1@3 project_id=0f1e2d3c|source_task.task_num=#1|"
	    "source_task.topics_regex=a.*|op=kafka.modify_connector_task|"
	    "instance_id=i-1|task_id=t-1\n"
	    "2@5 Project_ID=override|source_task.task_num=#4|"
	    "source_task.topics_regex=a.*|op=kafka.modify_connector_task|"
	    "instance_id=i-1|task_id=t-2\n";
	struct res r;

	read_all(data("defaults_before.json"), NULL, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.out, want);
	read_all(data("defaults_after.json"), NULL, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.out, want_after);
}

Test(manifest, json_nested_objects_flattened_arrays_kept_as_json)
{
	expect_rows("n.json",
	    "[{\"op\": \"kafka.modify_connector_task\",\n"
	    "  \"source_task\": {\"task_num\": 3, \"deep\": {\"er\": \"x\"},"
	    " \"none\": {}},\n"
	    "  \"topics\": [ \"a\" , {\"b\" : [1, 2.50, \"c\\\"d\"]}, [] ,"
	    " null, true ],\n"
	    "  \"flat.name\": 1}]",
	    "1@1 op=kafka.modify_connector_task|source_task.task_num=#3|"
	    "source_task.deep.er=x|source_task.none=@{}|"
	    "topics=@[\"a\",{\"b\":[1,2.50,\"c\\\"d\"]},[],null,true]|"
	    "flat.name=#1\n");
}

Test(manifest, json_numbers_kept_as_written)
{
	expect_rows("num.json",
	    "[{\"a\": 1630052714000, \"b\": -0, \"c\": 1.50, \"d\": 1e5,"
	    " \"e\": 2.0E-3, \"f\": 12345678901234567890123,"
	    " \"g\": -7.25e+10, \"h\": 0}]",
	    "1@1 a=#1630052714000|b=#-0|c=#1.50|d=#1e5|e=#2.0E-3|"
	    "f=#12345678901234567890123|g=#-7.25e+10|h=#0\n");
}

Test(manifest, json_strings_unescaped)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	static const char text[] =
	    "[{\"s\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20ac "
	    "\\ud83d\\ude00 \xc3\xa9\", \"e\": \"\"}]";
	static const char want[] =
	    "q\" b\\ s/ \b\f\n\r\t \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
	    "\xc3\xa9";

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, write_file("s.json", text,
	    sizeof(text) - 1), NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s", e.msg);
	cr_assert_eq(row.nfields, 2);
	cr_assert_eq(row.fields[0].kind, BR_V_STRING);
	cr_assert_str_eq(row.fields[0].value, want);
	cr_assert_eq(row.fields[0].len, sizeof(want) - 1);
	cr_assert_str_eq(row.fields[1].value, "");	/* given, empty */
	cr_assert_eq(row.fields[1].kind, BR_V_STRING);
	br_row_release(&row);
	br_manifest_close(m);
}

Test(manifest, json_errors_with_lines)
{
	static const struct {
		const char	*text;
		const char	*rows;		/* NULL: fails at open */
		const char	*msg;
	} t[] = {
		{ "[{\"a\":1},\n 2]", "1@1 a=#1\n",
		  "2: row 2 is not an object" },
		{ "[\n\"x\"]", "", "2: row 1 is not an object" },
		{ "[[1]]", "", "1: row 1 is not an object" },
		{ "[{\"a\":1},\n\n {\"a\": tru}]", "1@1 a=#1\n",
		  "3: invalid value 'tru'" },
		{ "[{\"a\":True}]", "", "1: invalid value 'True'" },
		{ "[{\"a\":1}\n {\"a\":2}]", "1@1 a=#1\n",
		  "2: expected ',' or ']' after a row, found '{'" },
		{ "[{\"a\":1},]", "1@1 a=#1\n",
		  "1: trailing comma before ']'" },
		{ "[{\"a\":1,}]", "", "1: trailing comma before '}'" },
		{ "[{\"a\":[1,]}]", "", "1: trailing comma before ']'" },
		{ "[{\"a\":1}]\n\nx", "1@1 a=#1\n",
		  "3: unexpected 'x' after the JSON array" },
		{ "[{\"a\":1}] []", "1@1 a=#1\n",
		  "1: unexpected '[' after the JSON array" },
		{ "[{\"a\":1}", "1@1 a=#1\n",
		  "1: expected ',' or ']' after a row, found end of file" },
		{ "[{\"a\":\"x\n\"}]", "", "1: line break inside a string "
		  "(write it as \\n)" },
		{ "[{\"a\":\n\"open}]", "", "2: unterminated string" },
		{ "[{\"a\":\n\"open}]\n", "", "2: line break inside a string "
		  "(write it as \\n)" },
		{ "[{\"a\":\"\\u0000\"}]", "", "1: NUL character in string" },
		{ "[{\"a\":[\"\\u0000\"]}]", "", "1: NUL character in string" },
		{ "[{\"a\":\"\\ud800x\"}]", "",
		  "1: invalid \\u escape (unpaired surrogate)" },
		{ "[{\"a\":\"\\udc00\"}]", "",
		  "1: invalid \\u escape (unpaired surrogate)" },
		{ "[{\"a\":\"\\u12g4\"}]", "",
		  "1: invalid \\u escape in a string" },
		{ "[{\"a\":\"\\x\"}]", "",
		  "1: invalid escape '\\x' in a string" },
		{ "[{\"a\":01}]", "", "1: invalid number (leading zero)" },
		{ "[{\"a\":1.}]", "", "1: invalid number" },
		{ "[{\"a\":-}]", "", "1: invalid number" },
		{ "[{\"a\":1e}]", "", "1: invalid number" },
		{ "[{\"a\":+1}]", "", "1: expected a value, found '+'" },
		{ "[{a:1}]", "",
		  "1: expected a key in double quotes, found 'a'" },
		{ "[{\"a\" 1}]", "",
		  "1: expected ':' after the key, found '1'" },
		{ "[{\"a\":1 \"b\":2}]", "",
		  "1: expected ',' or '}', found '\"'" },
		{ "[{\"\":1}]", "", "1: empty key" },
		{ "[{\"a\":1,\n\"A\":2}]", "", "2: duplicate key 'A'" },
		{ "[{\"a\":{\"b\":1},\n\"a.b\":2}]", "",
		  "2: duplicate key 'a.b'" },
		{ "[{\"a\":{\"b\":1},\n\"a\":{\"c\":2}}]", "",
		  "2: duplicate key 'a'" },
		{ "x", NULL, "1: expected a JSON array or object, found 'x'" },
		{ "\n\n  ", NULL, " no rows: the file is empty" },
		{ "{\"rows\":[]}", NULL,
		  "1: unknown key 'rows' in the top-level "
		  "object (expected an array of rows, or an object with "
		  "'defaults' and 'operations')" },
		{ "{}", NULL,
		  "1: no 'operations' array in the top-level object" },
		{ "{\"defaults\":{}}", NULL,
		  "1: no 'operations' array in the top-level object" },
		{ "{\"operations\":{}}", NULL,
		  "1: 'operations' is not an array" },
		{ "{\"defaults\":[],\"operations\":[]}", NULL,
		  "1: 'defaults' is not an object" },
		{ "{\"operations\":[],\n\"operations\":[]}", NULL,
		  "2: duplicate key 'operations'" },
		{ "{\"operations\":[{\"a\":1}]}\n,", NULL,
		  "2: unexpected ',' after the top-level object" },
		{ "{\"operations\":[{\"a\":1},\n\n{\"a\"}]}", NULL,
		  "3: expected ':' after the key, found '}'" },
		{ "{\"operations\":[{\"a\":1}],\"defaults\":{\"p\":1,\"P\":2}}",
		  NULL, "1: duplicate key 'P'" },
	};
	struct res r;
	char want[1200];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		read_text("bad.json", t[i].text, 0, &r);
		snprintf(want, sizeof(want), "%s/bad.json:%s", tdir, t[i].msg);
		if (t[i].rows == NULL) {
			cr_assert_eq(r.open_rv, BR_EINPUT, "%zu: %s", i,
			    r.err);
		} else {
			cr_assert_eq(r.open_rv, 0, "%zu: %s", i, r.err);
			cr_assert_eq(r.next_rv, BR_EINPUT, "%zu", i);
			cr_assert_str_eq(r.out, t[i].rows, "%zu", i);
		}
		cr_assert_str_eq(r.err, want, "%zu", i);
	}
}

Test(manifest, json_deep_nesting_is_an_error_not_a_crash)
{
	size_t n = 100000, i;
	char *text = malloc(6 * n + 32);
	struct res r;
	char want[1200];

	cr_assert_not_null(text);
	strcpy(text, "[{\"a\":");
	for (i = 0; i < n; i++)
		text[6 + i] = '[';
	text[6 + n] = '\0';
	read_text("deep.json", text, 0, &r);
	snprintf(want, sizeof(want), "%s/deep.json:1: nested deeper than "
	    "256 levels", tdir);
	cr_assert_str_eq(r.err, want);
	strcpy(text, "{\"operations\":");
	for (i = 0; i < n; i++)
		text[14 + i] = '[';
	text[14 + n] = '\0';
	read_text("deep2.json", text, 0, &r);
	snprintf(want, sizeof(want), "%s/deep2.json:1: nested deeper than "
	    "256 levels", tdir);
	cr_assert_eq(r.open_rv, BR_EINPUT);
	cr_assert_str_eq(r.err, want);
	text[0] = '[';
	for (i = 0; i < n; i++)
		memcpy(text + 1 + 6 * i, "{\"a\": ", 6);
	text[1 + 6 * n] = '\0';
	read_text("deep3.json", text, 0, &r);
	snprintf(want, sizeof(want), "%s/deep3.json:1: nested deeper than "
	    "256 levels", tdir);
	cr_assert_str_eq(r.err, want);
	free(text);
}

Test(manifest, json_oversized_row_is_an_error)
{
	size_t n = BR_MANIFEST_MAX_ROW + 10;
	char *text = malloc(n + 32);
	struct res r;
	char want[1200];

	cr_assert_not_null(text);
	strcpy(text, "[{\"a\":\"");
	memset(text + 7, 'z', n);
	strcpy(text + 7 + n, "\"}]");
	read_text("huge.json", text, 0, &r);
	snprintf(want, sizeof(want), "%s/huge.json:1: row is larger than "
	    "16 MiB", tdir);
	cr_assert_eq(r.open_rv, 0);
	cr_assert_eq(r.next_rv, BR_EINPUT);
	cr_assert_str_eq(r.err, want);
	free(text);
}

Test(manifest, jsonl_one_object_per_line)
{
	struct res r;

	read_all(data("rows.jsonl"), NULL, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_eq(r.next_rv, 0, "%s", r.err);
	cr_assert_eq(r.fmt, BR_MF_JSONL);
	cr_assert_str_eq(r.out,
	    "1@1 op=css.restart_cluster|project_id=p|cluster_id=c-1\n"
	    "2@3 op=css.restart_cluster|project_id=p|cluster_id=c-2|n=#1e3\n"
	    "3@4 op=dataarts.restart_job_instance|workspace=w|job_name=j|"
	    "instance_id=#42\n");
	expect_rows("crlf.ndjson", "{\"a\":1}\r\n\r\n  {\"a\":2}  \r\n",
	    "1@1 a=#1\n2@3 a=#2\n");
}

Test(manifest, jsonl_errors)
{
	expect_error("c.jsonl", "{\"a\":1}\n# no\n", "1@1 a=#1\n",
	    "c.jsonl:2: unexpected '#' (JSON Lines has no comments)");
	expect_error("n.jsonl", "{\"a\":1}\n\n[1]\n", "1@1 a=#1\n",
	    "n.jsonl:3: row 2 is not an object");
	expect_error("t.jsonl", "{\"a\":1} {\"a\":2}\n", "",
	    "t.jsonl:1: expected the end of the line after the object (JSON "
	    "Lines has one object per line), found '{'");
	expect_error("b.jsonl", "{\"a\":1}\n{\"a\":\n", "1@1 a=#1\n",
	    "b.jsonl:3: expected a value, found end of file");
	expect_error("e.jsonl", "\n\n", NULL,
	    "e.jsonl: no rows: the file is empty");
}

Test(manifest, format_from_extension_or_sniffed)
{
	static const struct {
		const char	*name;
		const char	*text;
		int		 fmt;
	} t[] = {
		{ "a.CSV", "[x,y\n1,2\n", BR_MF_CSV },
		{ "a.txt", "{x,y\n1,2\n", BR_MF_CSV },
		{ "a.JSON", "[]", BR_MF_JSON },
		{ "a.jsonl", "{\"a\":1}\n", BR_MF_JSONL },
		{ "a.ndjson", "{\"a\":1}\n", BR_MF_JSONL },
		{ "a.dat", "op,a\nx,1\n", BR_MF_CSV },
		{ "noext", "  \n [{\"a\":1}]", BR_MF_JSON },
		{ "a.dat", "{\"a\":1}\n{\"a\":2}\n", BR_MF_JSONL },
		{ "a.dat", "\xef\xbb\xbf{\"a\":1}", BR_MF_JSONL },
		{ "a.dat", "{\n\"operations\": []}", BR_MF_JSON },
		{ "a.dat", "{\"operations\": []}\n", BR_MF_JSON },
		{ "a.dat", "{\"defaults\": {\"a\":1}, \"operations\": []}",
		  BR_MF_JSON },
		{ ".json", "a\n1\n", BR_MF_CSV },	/* no extension */
	};
	struct res r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		read_text(t[i].name, t[i].text, 0, &r);
		cr_assert_eq(r.open_rv, 0, "%zu: %s", i, r.err);
		cr_assert_eq(r.fmt, t[i].fmt, "%zu: %d", i, r.fmt);
	}
}

Test(manifest, format_option_wins)
{
	struct br_manifest_opts o = { .format = BR_MF_CSV };
	struct res r;

	read_all(write_str("x.json", "op\nx\n"), &o, &r);
	cr_assert_eq(r.open_rv, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "1@2 op=x\n");
	o.format = BR_MF_JSONL;
	read_all(write_str("x.csv", "{\"a\":1}\n"), &o, &r);
	cr_assert_eq(r.fmt, BR_MF_JSONL);
	cr_assert_str_eq(r.out, "1@1 a=#1\n");
}

Test(manifest, missing_file_and_directory)
{
	struct res r;
	char want[1200];

	read_all(tpath("none.csv"), NULL, &r);
	cr_assert_eq(r.open_rv, BR_EIO);
	snprintf(want, sizeof(want), "%s/none.csv: cannot open: No such "
	    "file or directory", tdir);
	cr_assert_str_eq(r.err, want);
	read_all(tdir, NULL, &r);
	cr_assert_eq(r.open_rv, BR_EIO);
	snprintf(want, sizeof(want), "%s: is a directory", tdir);
	cr_assert_str_eq(r.err, want);
}

/* ---- rewind, errors that stick, stdin ---- */

static void
check_rewind(const char *path)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	char a[8192], b[8192], *p;
	int pass;

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, path, NULL, &e), 0, "%s", e.msg);
	for (pass = 0; pass < 3; pass++) {
		p = pass == 0 ? a : b;
		*p = '\0';
		while (br_manifest_next(m, &row, &e) == 1)
			dump_row(&row, &p, (pass == 0 ? a : b) + sizeof(a));
		cr_assert_eq(e.code, 0, "%s", e.msg);
		if (pass > 0)
			cr_assert_str_eq(b, a, "%s pass %d", path, pass);
		cr_assert_eq(br_manifest_rewind(m, &e), 0, "%s", e.msg);
	}
	cr_assert_gt(strlen(a), 20);
	/* part way, then rewind */
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_eq(br_manifest_rewind(m, &e), 0);
	p = b;
	while (br_manifest_next(m, &row, &e) == 1)
		dump_row(&row, &p, b + sizeof(b));
	cr_assert_str_eq(b, a);
	br_row_release(&row);
	br_manifest_close(m);
}

Test(manifest, rewind_gives_identical_rows)
{
	check_rewind(data("excel.csv"));
	check_rewind(data("libreoffice.csv"));
	check_rewind(data("defaults_before.json"));
	check_rewind(data("defaults_after.json"));
	check_rewind(data("rows.jsonl"));
	check_rewind(write_str("arr.json", "[{\"a\":1},{\"a\":[2]},{}]"));
}

Test(manifest, errors_stick_and_rewind_reads_again)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	char want[1200];

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, write_str("st.csv",
	    "a\n1\n\"x\n"), NULL, &e), 0);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_eq(br_manifest_next(m, &row, &e), BR_EINPUT);
	snprintf(want, sizeof(want), "%s/st.csv:3: unterminated quoted field",
	    tdir);
	cr_assert_str_eq(e.msg, want);
	cr_assert_eq(row.nfields, 0);
	br_err_clear(&e);
	cr_assert_eq(br_manifest_next(m, &row, &e), BR_EINPUT);
	cr_assert_str_eq(e.msg, want);
	br_err_clear(&e);
	cr_assert_eq(br_manifest_rewind(m, &e), 0);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_str_eq(row.fields[0].value, "1");
	cr_assert_eq(br_manifest_next(m, &row, &e), BR_EINPUT);
	br_row_release(&row);
	br_manifest_close(m);
}

/* Found by fuzz/fuzz_manifest_csv: with cut_ok, the cut flag of the last
 * row stuck, so after a rewind the first row (whole) was said to be cut. */
Test(manifest, cut_flag_is_about_the_row_just_read)
{
	struct br_manifest_opts o = { .format = BR_MF_CSV, .cut_ok = 1 };
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	int pass;

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, write_str("cut.csv",
	    "a\n1\n\"x"), &o, &e), 0, "%s", e.msg);
	for (pass = 0; pass < 2; pass++) {
		cr_assert_eq(br_manifest_cut(m), 0);
		cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s", e.msg);
		cr_assert_str_eq(row.fields[0].value, "1");
		cr_assert_eq(br_manifest_cut(m), 0, "pass %d", pass + 1);
		cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s", e.msg);
		cr_assert_eq(row.fields[0].value[0], 'x');	/* cut */
		cr_assert_eq(br_manifest_cut(m), 1);
		cr_assert_eq(br_manifest_next(m, &row, &e), 0, "%s", e.msg);
		cr_assert_eq(br_manifest_rewind(m, &e), 0, "%s", e.msg);
	}
	br_row_release(&row);
	br_manifest_close(m);
}

static void
stdin_from(const char *path, const char *want_out, int fmt)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	char a[4096], *p;
	int pass;

	cr_assert_not_null(freopen(path, "rb", stdin));
	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, "-", NULL, &e), 0, "%s", e.msg);
	cr_assert_str_eq(br_manifest_name(m), "<stdin>");
	cr_assert_eq(br_manifest_format(m), fmt);
	for (pass = 0; pass < 2; pass++) {
		p = a;
		*p = '\0';
		while (br_manifest_next(m, &row, &e) == 1)
			dump_row(&row, &p, a + sizeof(a));
		cr_assert_eq(e.code, 0, "%s", e.msg);
		cr_assert_str_eq(a, want_out);
		cr_assert_eq(br_manifest_rewind(m, &e), 0);
	}
	br_row_release(&row);
	br_manifest_close(m);
}

Test(manifest, stdin_is_spooled_and_can_be_read_twice)
{
	stdin_from(data("crlf_in_quotes.csv"),
	    "1@2 id=1|text=a\\r\\nb\n2@4 id=2|text=c\\nd\n3@6 id=3|text=x\n",
	    BR_MF_CSV);
	stdin_from(write_str("in.json", "[{\"a\":1}]"), "1@1 a=#1\n",
	    BR_MF_JSON);
	stdin_from(write_str("in.jsonl", "{\"a\":1}\n{\"a\":2}\n"),
	    "1@1 a=#1\n2@2 a=#2\n", BR_MF_JSONL);
}

Test(manifest, stdin_errors_name_stdin)
{
	struct br_manifest *m;
	struct br_err e;

	cr_assert_not_null(freopen(write_str("e.csv", "a,a\n"), "rb",
	    stdin));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, "-", NULL, &e), BR_EINPUT);
	cr_assert_str_eq(e.msg,
	    "<stdin>:1: duplicate column 'a' (columns A and B)");
}

Test(manifest, pipe_is_spooled)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	const char *fifo = tpath("fifo.csv");
	pid_t pid;
	FILE *w;

	cr_assert_eq(mkfifo(fifo, 0600), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		w = fopen(fifo, "w");
		fputs("op\nx\ny\n", w);
		fclose(w);
		_exit(0);
	}
	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, fifo, NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_str_eq(row.fields[0].value, "y");
	cr_assert_eq(br_manifest_rewind(m, &e), 0, "%s", e.msg);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1);
	cr_assert_str_eq(row.fields[0].value, "x");
	br_row_release(&row);
	br_manifest_close(m);
}

/* ---- memory does not grow with the number of rows ---- */

static void
read_big(const char *path, long nrows, long first_line, long step)
{
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	long n = 0, rss0 = 0, rss1;
	size_t cap0 = 0;

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, path, NULL, &e), 0, "%s", e.msg);
	while (br_manifest_next(m, &row, &e) == 1) {
		n++;
		if (n == 2000) {
			rss0 = rss_kib();
			cap0 = row._cap;
		}
		if (row.line != first_line + (n - 1) * step)
			cr_assert_fail("row %ld at line %ld", n, row.line);
	}
	cr_assert_eq(e.code, 0, "%s", e.msg);
	cr_assert_eq(n, nrows);
	rss1 = rss_kib();
	cr_assert_eq(row._cap, cap0, "row buffer grew: %zu -> %zu", cap0,
	    row._cap);
	cr_assert_lt(rss1 - rss0, 1024, "rss grew by %ld KiB", rss1 - rss0);
	br_row_release(&row);
	br_manifest_close(m);
}

Test(manifest, memory_flat_over_200k_rows, .timeout = 120)
{
	const char *csv = tpath("big.csv"), *json = tpath("big.json");
	FILE *f;
	long i, n = 200000;

	cr_assert_not_null(f = fopen(csv, "w"));
	fprintf(f, "op,project_id,instance_id,task_id,note\r\n");
	for (i = 0; i < n; i++)
		fprintf(f, "kafka.restart_connector_task,p%06ld,i%06ld,"
		    "t%06ld,\"n\r\n%06ld\"\r\n", i % 7, i, i, i);
	cr_assert_eq(fclose(f), 0);
	read_big(csv, n, 2, 2);

	cr_assert_not_null(f = fopen(json, "w"));
	fprintf(f, "{\"defaults\": {\"project_id\": \"p\"}, "
	    "\"operations\": [\n");
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"op\": \"kafka.modify_connector_task\", "
		    "\"instance_id\": \"i%06ld\", \"source_task\": "
		    "{\"task_num\": %ld}, \"topics\": [\"t%06ld\"]}\n",
		    i > 0 ? "," : "", i, i % 10, i);
	fprintf(f, "]}\n");
	cr_assert_eq(fclose(f), 0);
	read_big(json, n, 2, 1);
}

/* A header cell pasted with a no-break space (or another invisible one)
 * still names its column. */
Test(manifest, csv_header_names_trimmed_of_unicode_spaces)
{
	struct br_manifest *m;
	struct br_err e;

	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, write_str("nb.csv",
	    "OP\xc2\xa0,\xe2\x80\xaf" "cluster_id\xe3\x80\x80,project_id\n"
	    "x,c,p\n"), NULL, &e), 0, "%s", e.msg);
	cr_assert_str_eq(br_manifest_column(m, 0), "OP");
	cr_assert_str_eq(br_manifest_column(m, 1), "cluster_id");
	br_manifest_close(m);
}

/* The row a spreadsheet shows a record in: every record counts (header,
 * blank and comment lines too); a line break inside a quoted cell, which
 * FILE:LINE counts, does not.  The same again after a rewind; 0 for
 * JSON. */
Test(manifest, csv_sheet_rows)
{
	static const long want[][3] = {	/* num, line, sheet row */
		{ 1, 2, 2 }, { 2, 3, 3 }, { 3, 6, 4 }, { 4, 8, 6 },
		{ 5, 11, 8 }, { 6, 12, 9 },
	};
	struct br_manifest *m;
	struct br_err e;
	struct br_row row;
	size_t i;
	int pass;

	memset(&row, 0, sizeof(row));
	br_err_clear(&e);
	cr_assert_eq(br_manifest_open(&m, write_str("rows.csv",
	    "op,note\r\n"
	    "a,1\r\n"
	    "b,\"two\r\nlines\r\nthree\"\r\n"	/* lines 3-5, row 3 */
	    "c,x\r\n"				/* line 6, row 4 */
	    "\r\n"				/* row 5: empty */
	    "d,\"x\ny\"\n"			/* lines 8-9, row 6 */
	    "# a comment\n"			/* row 7 */
	    "e,\"\"\n"
	    "f,last"), NULL, &e), 0, "%s", e.msg);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s",
			    e.msg);
			cr_assert_eq(row.num, want[i][0]);
			cr_assert_eq(row.line, want[i][1], "row %ld", row.num);
			cr_assert_eq(row.sheet_row, want[i][2], "row %ld",
			    row.num);
		}
		cr_assert_eq(br_manifest_next(m, &row, &e), 0);
		cr_assert_eq(br_manifest_rewind(m, &e), 0, "%s", e.msg);
	}
	br_manifest_close(m);
	cr_assert_eq(br_manifest_open(&m, write_str("rows.jsonl",
	    "{\"op\":\"a\"}\n"), NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(br_manifest_next(m, &row, &e), 1, "%s", e.msg);
	cr_assert_eq(row.sheet_row, 0);
	br_row_release(&row);
	br_manifest_close(m);
}
