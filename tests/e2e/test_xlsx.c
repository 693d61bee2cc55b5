/*
 * End to end: -o report.xlsx writes a real workbook (issue 12), read back
 * by openpyxl (tests/e2e/xlsx_check.py): text cells for every id, rows in
 * manifest order, outcomes, a summary sheet; --resume reads its journal;
 * an unknown report extension is refused before anything is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "harness.h"

/* The checker's verdict: 0, or its complaints in out. */
static int
check(const char *xlsx, int rows, int ok, int failed, const char *idcol,
    char *out, size_t outsz)
{
	char cmd[1024];
	FILE *p;
	size_t n = 0;
	int st;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/e2e/xlsx_check.py "
	    "'%s' %d %d %d %s 2>&1", xlsx, rows, ok, failed, idcol);
	cr_assert_not_null(p = popen(cmd, "r"));
	while (n + 1 < outsz && fgets(out + n, (int)(outsz - n), p) != NULL)
		n += strlen(out + n);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(xlsx, a_workbook_report_reads_back_in_a_spreadsheet, .timeout = 60)
{
	struct fx f;
	char out[4096];
	const char *m = t_write("m.csv", "op,project_id,cluster_id,note\n"
	    "css.restart_cluster,p1,00123,=SUM(A1)\n"
	    "css.restart_cluster,p1,missing-c2,x\n"
	    "css.restart_cluster,p1,1234567890123456789,y\n"
	    "css.restart_cluster,p1,slow200-c4,z\n");

	fx_start(&f, NULL);
	fx_run(&f, m, "r.xlsx", 0, "--rate", "unlimited", "-q", NULL);
	cr_expect_eq(f.o.status, 1, "%s", f.o.err);
	cr_expect_eq(check(t_path("r.xlsx"), 4, 3, 1, "cluster_id", out,
	    sizeof(out)), 0, "%s", out);
	cr_assert_not_null(t_read(t_path("r.xlsx.journal.csv")),
	    "the journal stays beside it");
	/* --resume with the workbook: its journal; only the failed row */
	fx_run(&f, m, "r2.xlsx", 0, "--rate", "unlimited", "-q", "--resume",
	    t_path("r.xlsx"), NULL);
	cr_expect_eq(f.o.status, 1, "%s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 5, "one row sent again");
	cr_expect_eq(check(t_path("r2.xlsx"), 4, 3, 1, "cluster_id", out,
	    sizeof(out)), 0, "%s", out);
	fx_end(&f);
}

Test(xlsx, an_unknown_report_type_is_refused, .timeout = 60)
{
	struct fx f;

	fx_start(&f, NULL);
	fx_run(&f, t_css_manifest("m.csv", 2, "c%d"), "r.xls", 0, "-q", NULL);
	cr_expect_eq(f.o.status, 2, "%s", f.o.err);
	cr_expect(strstr(f.o.err, "'.xls' is no report type bulkrun writes") !=
	    NULL, "%s", f.o.err);
	cr_expect_eq(sim_count(&f.s), 0, "nothing sent");
	fx_end(&f);
}
