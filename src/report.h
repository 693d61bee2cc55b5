/*
 * report.h - writes one result line per manifest row, flushed as each row
 * finishes.  CSV (in the manifest's dialect) or JSON Lines.  Knows no curl.
 *
 * CSV columns: the manifest's own columns in their order (a column whose
 * name, compared case-insensitively, clashes with an added column is
 * renamed "input.NAME"; a manifest column "op" is the report's op column
 * and is not repeated), then: row, line, op, outcome, http_status,
 * error_code, error_msg, attempts, elapsed_ms, started_at, finished_at,
 * request_id, response, request_fp.  Text that came from the network
 * (error_code, error_msg, request_id, response) and starts with = + - @
 * TAB or CR gets a leading '.  Cells are quoted when they hold the
 * delimiter, a quote, CR or LF, begin or end with a blank, or begin with
 * '#' (a line must never read back as a comment).
 *
 * JSON Lines: {"row":..,"line":..,"op":..,"outcome":..,"http_status":..,
 * "error_code":..,"error_msg":..,"attempts":..,"elapsed_ms":..,
 * "started_at":..,"finished_at":..,"request_id":..,"response":{..},
 * "request_fp":..,"input":{..}} with null for empty fields and input nested on dots.
 */
#ifndef BR_REPORT_H
#define BR_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"
#include "result.h"

enum br_rformat { BR_RF_CSV = 1, BR_RF_JSONL, BR_RF_XLSX };

struct br_report_opts {
	enum br_rformat	 format;
	int		 delimiter;	/* CSV: ',' ';' or '\t' */
	int		 bom;		/* CSV: start with a UTF-8 BOM */
	int		 exclusive;	/* fail (BR_EEXIST) rather than replace
					   an existing file */
	void		*stream;	/* a FILE * to write to instead of
					   path (not closed); path names it */
	int		 staged;	/* write a hidden file beside path
					   until br_report_publish() */
	int		 verify;	/* add state, verify_ms, polls */
	int		 no_header;	/* CSV: write no header (merge writes
					   its own with br_report_write_raw) */
};

struct br_report;

/* The format a path asks for: .jsonl/.ndjson/.json -> JSONL, .xlsx ->
 * XLSX, else CSV. */
enum br_rformat	br_report_format_for(const char *path);
/* The format -o asks for: .csv, .tsv, .txt (CSV), .jsonl, .ndjson, .json
 * (JSON Lines), .xlsx (a workbook: report_xlsx.h), no extension or "-"
 * (CSV); any other extension is refused (BR_EINPUT, err says which are
 * known). */
int	br_report_format_check(const char *path, enum br_rformat *fmt,
	    struct br_err *err);

/* A report path of our own making, unique to the millisecond:
 * reports/BASE-YYYYMMDDTHHMMSS.mmmZ[-N].EXT, BASE the manifest's name
 * without extension ("stdin" for "-"), N = counter when > 1, EXT csv or,
 * for a tab-separated manifest, tsv.  Open it with opts->exclusive and
 * count up on BR_EEXIST.  NULL when out of memory. */
char	*br_report_default_path(const char *manifest, int delimiter,
	    int64_t now_ms, int counter);

/* Creates path (and its directory reports/ when missing) and writes the
 * CSV header.  columns are the manifest's column names (for JSON
 * manifests, every key seen in any row, in order of first appearance).
 * "-" writes to standard output. */
int	br_report_open(struct br_report **rp, const char *path,
	    const struct br_report_opts *opts, const char *const *columns,
	    size_t ncolumns, struct br_err *err);
/* Writes the line of row (values matched to columns by name) and flushes.
 * op may be NULL (no operation known). 0 or BR_EIO. */
int	br_report_write(struct br_report *rp, const struct br_row *row,
	    const char *op, const struct br_result *res, struct br_err *err);
/* Writes s[0..n), lines already in the report's format (merge), and
 * flushes.  0 or BR_EIO. */
int	br_report_write_raw(struct br_report *rp, const char *s, size_t n,
	    struct br_err *err);
/* A staged report becomes path (the one opened, or another in the same
 * directory): renamed over it, or with opts->exclusive linked (BR_EEXIST
 * when path exists: try another).  What is written later goes there too.
 * Until then a crash leaves no half report under path.  0 when not
 * staged. */
int	br_report_publish(struct br_report *rp, const char *path,
	    struct br_err *err);
/* Flushes, checks ferror and fclose. 0 or BR_EIO. Frees rp.  A staged
 * report never published is removed. */
int	br_report_close(struct br_report *rp, struct br_err *err);
const char *br_report_path(const struct br_report *rp);

/* Whether name (any case) is one of the columns a report adds. */
int	br_report_is_added_column(const struct br_report_opts *o,
	    const char *name);

/* A network text cell as a CSV report guarded it ("'=...") back as it
 * came; s itself otherwise (NULL for NULL). */
const char *br_report_unguard(const char *s);
/* A started_at / finished_at cell back in epoch ms; 0 when empty or not
 * a time. */
int64_t	br_report_parse_time(const char *s);

struct br_strbuf;
/* Appends row's JSON line (with its newline) to sb, as a JSON Lines
 * report writes it; verify: with "state", "verify_ms" and "polls".  0 or
 * -1 (out of memory). */
int	br_report_jsonl_line(struct br_strbuf *sb, const struct br_row *row,
	    const char *op, const struct br_result *res, int verify);

/* Reading a report back (resume, merge): appends name = value to row
 * as a string field, both copied, an "input." prefix dropped; such
 * fields are freed by br_report_fields_release, not br_row_release.
 * 0 or BR_ENOMEM. */
int	br_report_field_add(struct br_row *row, const char *name,
	    const char *value);
struct cJSON;
/* Appends the values of a JSON Lines report's "input" object, nested
 * objects flattened on dots, numbers as written (integers in decimal),
 * booleans as true/false, arrays as compact JSON, nulls left out.  0 or
 * BR_ENOMEM. */
int	br_report_input_fields(struct br_row *row, const struct cJSON *input);
void	br_report_fields_release(struct br_row *row);

/* Escapes one CSV cell into a new string (quoting as above; network
 * != 0 applies the formula guard). */
char	*br_csv_cell(const char *s, size_t len, int delimiter, int network);

#endif
