/*
 * test_encoding.c - a sheet saved in another encoding than UTF-8: refused
 * as a whole before anything is sent, with one message that says where
 * and how to save it; read with --encoding cp1252; Excel's "Unicode
 * Text" (UTF-16 with a byte-order mark, tab-separated) read as it is.
 * Each report is UTF-8 throughout.
 *
 * The files in tests/data/encoding/ are written by make.py there, with
 * Python's codecs, as Excel saves them.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define FAST	"--rate", "unlimited", "-q", "-j", "1"	/* rows in order */
#define AUFTRAEGE	"Auftr\xc3\xa4ge"		/* UTF-8 */
#define GROESSE		"Gr\xc3\xb6\xc3\x9f" "e 5 \xe2\x82\xac"

/* A file of tests/data/encoding/. */
static const char *
fixture(const char *name)
{
	static char path[2][PATH_MAX];
	static int k;
	const char *d = getenv("BULKRUN_TESTDATA");

	k = (k + 1) % 2;
	snprintf(path[k], sizeof(path[k]), "%s/encoding/%s",
	    d != NULL ? d : "tests/data", name);
	return path[k];
}

/* Whether the file holds UTF-8 only (glibc's iconv checks it). */
static int
is_utf8(const char *path)
{
	char *text = t_read(path), *in, *out, buf[4096];
	size_t il, ol, r = 0;
	iconv_t cd;

	cr_assert_not_null(text, "no %s", path);
	cd = iconv_open("UTF-8", "UTF-8");
	cr_assert_neq(cd, (iconv_t)-1);
	in = text;
	il = strlen(text);
	while (il > 0 && r != (size_t)-1) {
		out = buf;
		ol = sizeof(buf);
		r = iconv(cd, &in, &il, &out, &ol);
		if (r == (size_t)-1 && ol < sizeof(buf))
			r = 0;		/* E2BIG: the buffer was full */
	}
	iconv_close(cd);
	free(text);
	return r != (size_t)-1;
}

/* The cp1252 manifest as Excel on Windows saves it, in t_dir(). */
static const char *
windows_csv(void)
{
	char *text = t_read(fixture("windows.csv"));
	const char *p;

	cr_assert_not_null(text, "no fixture windows.csv: run make.py");
	p = t_write("windows.csv", text);
	free(text);
	return p;
}

Test(encoding, a_windows_csv_is_refused_before_anything_is_sent,
    .timeout = 60)
{
	struct fx f;
	struct out o;
	const char *m = windows_csv();
	char want[512];

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", 0, FAST, NULL);
	cr_expect_eq(f.o.status, 2, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 0, "something was sent");
	cr_expect_null(t_read(t_path("r.csv")), "a report was written");
	snprintf(want, sizeof(want), "%s:2: the file is not UTF-8: byte 0xE4 "
	    "in column 32, after 'css.restart_cluster;p1;c1;Auftr' (in "
	    "Windows-1252, 0xE4 is '\xc3\xa4'); save it as UTF-8: in Excel, "
	    "File > Save As > \"CSV UTF-8 (Comma delimited)\"; in "
	    "LibreOffice, File > Save As, \"Text CSV\", character set "
	    "\"Unicode (UTF-8)\"; or read it as it is with --encoding cp1252 "
	    "(Windows) or --encoding latin1\n", m);
	cr_expect_str_eq(f.o.err, want);
	/* validate says the same, once */
	run_bulkrun(&o, NULL, "validate", m, NULL);
	cr_expect_eq(o.status, 2);
	cr_expect_str_eq(o.err, want);
	out_release(&o);
	fx_end(&f);
}

Test(encoding, with_encoding_cp1252_it_runs_and_the_report_is_utf8,
    .timeout = 60)
{
	struct fx f;
	const char *m = windows_csv();
	char *text;

	fx_start(&f, NULL);
	fx_run(&f, m, "r.csv", ';', "--encoding", "cp1252", FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect_eq(sim_count(&f.s), 2);
	cr_assert_eq(f.loaded, 0);
	cr_expect_str_eq(table_get(&f.t, 1, "note"), AUFTRAEGE);
	cr_expect_str_eq(table_get(&f.t, 2, "note"), GROESSE);
	cr_expect_str_eq(table_get(&f.t, 2, "outcome"), "succeeded");
	cr_expect(is_utf8(f.report), "the report is not UTF-8");
	text = t_read(f.report);
	cr_expect_eq(strncmp(text, "\xef\xbb\xbf", 3), 0,
	    "no UTF-8 mark for the spreadsheet: %.20s", text);
	free(text);
	/* the Windows spellings, and a JSON Lines report */
	fx_run(&f, m, "r.jsonl", 0, "--encoding", "Windows-1252", FAST, NULL);
	cr_assert_eq(f.o.status, 0, "exit %d: %s", f.o.status, f.o.err);
	cr_expect(is_utf8(f.report), "the report is not UTF-8");
	text = t_read(f.report);
	cr_expect(strstr(text, "\"note\":\"" AUFTRAEGE "\"") != NULL, "%s",
	    text);
	free(text);
	fx_run(&f, m, "r2.csv", 0, "--encoding", "utf-16", FAST, NULL);
	cr_expect_eq(f.o.status, 2);
	cr_expect(strstr(f.o.err, "--encoding: 'utf-16' is not cp1252") !=
	    NULL, "%s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 4);
	fx_end(&f);
}

/*
 * Runs "bulkrun run MANIFEST --endpoint URL FAST" in directory dir (no
 * -o: the report takes its default name under dir/reports/); returns
 * the exit status.
 */
static int
run_in(const char *dir, const char *manifest, const char *url)
{
	char bin[PATH_MAX];
	const char *b = getenv("BULKRUN");
	pid_t pid;
	int st, fd;

	cr_assert_not_null(realpath(b != NULL ? b : "build/bulkrun", bin));
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		execl(bin, bin, "run", manifest, "--endpoint", url, FAST,
		    (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The one report under dir/reports/ (its path), or NULL. */
static const char *
only_report(const char *dir)
{
	static char path[PATH_MAX + 512];
	char d[PATH_MAX + 16];
	struct dirent *de;
	DIR *dp;
	int n = 0;

	snprintf(d, sizeof(d), "%s/reports", dir);
	if ((dp = opendir(d)) == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.' && n++ == 0)
			snprintf(path, sizeof(path), "%s/%s", d, de->d_name);
	closedir(dp);
	return n == 1 ? path : NULL;
}

/* bulkrun run unicode.txt: Excel's "Unicode Text" runs; the report is
 * tab-separated UTF-8, named .tsv. */
Test(encoding, unicode_text_runs_as_it_is, .timeout = 60)
{
	static const char *const names[] = { "unicode.txt", "unicode-be.txt" };
	struct fx f;
	struct table t;
	const char *rep;
	char *text, dir[PATH_MAX], abs[PATH_MAX];
	size_t i;
	int st;

	fx_start(&f, NULL);
	for (i = 0; i < 2; i++) {
		snprintf(dir, sizeof(dir), "%s/u%zu", t_dir(), i);
		cr_assert_eq(mkdir(dir, 0700), 0);
		text = t_read(fixture(names[i]));
		cr_assert_not_null(text, "no fixture %s", names[i]);
		free(text);
		cr_assert_not_null(realpath(fixture(names[i]), abs));
		st = run_in(dir, abs, f.s.url);
		cr_assert_eq(st, 0, "%s: exit %d", names[i], st);
		rep = only_report(dir);
		cr_assert_not_null(rep, "%s: no single report", names[i]);
		cr_expect_eq(strcmp(rep + strlen(rep) - 4, ".tsv"), 0, "%s",
		    rep);
		cr_expect(is_utf8(rep), "the report is not UTF-8");
		cr_assert_eq(table_load(&t, rep, '\t'), 0);
		cr_expect_str_eq(table_get(&t, 1, "note"), AUFTRAEGE);
		cr_expect_str_eq(table_get(&t, 2, "note"), GROESSE);
		cr_expect_str_eq(table_get(&t, 2, "outcome"), "succeeded");
		cr_expect_str_eq(table_get(&t, 2, "line"), "3");
		table_release(&t);
	}
	cr_expect_eq(sim_count(&f.s), 4);
	fx_end(&f);
}
