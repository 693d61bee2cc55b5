/*
 * report_xlsx.h - the report as a real workbook (-o report.xlsx), made
 * with libxlsxwriter from the run's CSV journal.
 *
 * A run asked for FILE.xlsx writes its report as usual, as CSV, to the
 * journal FILE.xlsx.journal.csv (one line flushed per row as it ends: what
 * a crash leaves, and what --resume reads); when the run ends the journal
 * becomes the workbook.  The journal stays beside it.
 *
 * The workbook: a sheet "Report" with the rows in manifest order (the
 * journal has them in the order they ended), every manifest value and id
 * as a text cell (nothing reinterpreted: 00123 and 1234567890123456789
 * stay as typed), the report's own counts as numbers, the outcome
 * coloured, the header frozen and an autofilter; a sheet "Summary" with
 * the counts per outcome and per error code, the run's settings and a
 * chart of the outcomes.  Memory: 16 bytes per row for the order, the
 * sheets written in libxlsxwriter's constant-memory mode.
 */
#ifndef BR_REPORT_XLSX_H
#define BR_REPORT_XLSX_H

#include "err.h"
#include "stats.h"

/* The journal of an .xlsx report: path + ".journal.csv" (malloc'd). */
char	*br_report_xlsx_journal(const char *path);

/* One line of the summary's settings. */
struct br_xlsx_setting {
	const char	*name;
	const char	*value;
};

/*
 * Writes the workbook path from the CSV journal (delimiter, maybe a BOM)
 * and the run's statistics.  0, or BR_EIO / BR_ENOMEM / BR_EINPUT (a
 * journal that is no report) with err set.
 */
int	br_report_xlsx_write(const char *journal, int delimiter,
	    const char *path, const struct br_stats *st,
	    const struct br_xlsx_setting *set, size_t nset,
	    struct br_err *err);

#endif
