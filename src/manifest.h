/*
 * manifest.h - streams the rows of a manifest (CSV, JSON array,
 * {"defaults","operations"} JSON, JSON Lines), one row at a time.
 *
 * Memory does not grow with the number of rows: the reader keeps only the
 * row being read (and, for JSON, the defaults object).  Standard input
 * ("-") is spooled to an unlinked temporary file so that the manifest can
 * be read twice (validate everything, then run).
 *
 * Every error is "FILE:LINE: message" in the caller's struct br_err.
 *
 * Format: opts->format if set; else .json is JSON, .jsonl and .ndjson are
 * JSON Lines, .csv, .tsv and .txt are CSV; "-", other files and other
 * extensions are sniffed from the first non-blank byte: '[' is JSON, '{'
 * is JSON Lines when a complete object stands alone on the first line
 * (and has no "operations" key), else JSON; anything else is CSV.  A
 * UTF-8 byte-order mark is skipped in every format; a NUL byte anywhere
 * is an error.  Standard input and other files that are not regular
 * files (pipes, process substitution) are spooled.
 *
 * Encodings (encoding.h): a file that starts with a UTF-16 byte-order
 * mark (Excel's "Unicode Text"), and with opts->encoding a Windows-1252
 * or Latin-1 file, is converted to UTF-8 into a temporary file at open,
 * in pieces, and read from there (that copy is the snapshot); the copy
 * starts with a UTF-8 byte-order mark, so br_manifest_had_bom() is 1 and
 * a report in the manifest's dialect opens as UTF-8.  Line numbers are
 * the file's own.  With opts->utf8_only a file that is not UTF-8 is
 * refused at open with one message (the first bad byte's line and
 * column, how to save the file as UTF-8), before any row is read.
 *
 * CSV details:
 * - Skipped (not rows, but counted as lines): empty lines, lines whose
 *   first byte is '#' (column 0, outside any quoted cell), and records
 *   whose cells are all empty or blank (spaces, tabs): a line of only
 *   delimiters is what spreadsheets write for an empty row.
 * - The header is the first record that is not skipped.  Trailing header
 *   cells without a name (a sheet that saved empty columns) are dropped;
 *   a data row with a value in such a column is an error, as is any other
 *   nameless column and a name used twice (case-insensitively).
 * - A record with fewer cells than the header gets NULL for the missing
 *   ones; more cells are allowed only when the extra ones are blank.
 * - Values are kept byte for byte: no blanks are trimmed from data cells
 *   (a cell of only blanks is given as it is), a CRLF inside quotes stays
 *   CRLF, and a stray '"' inside an unquoted cell is text.  Line breaks
 *   are LF, CRLF or a lone CR; each counts as one line.
 *
 * JSON details: a nested object is flattened with dots; an empty nested
 * object becomes a BR_V_JSON field with value "{}".  Duplicate keys in
 * one object (compared case-insensitively, also across the dotted and
 * the nested spelling of a name), empty keys, "\u0000", raw control
 * characters in strings and anything after the top-level value are
 * errors.  JSON Lines: one object per line; blank lines are skipped.
 *
 * Limits: a row (or a CSV cell) holding more than BR_MANIFEST_MAX_ROW
 * bytes, more than BR_MANIFEST_MAX_FIELDS fields or columns, or JSON nested
 * deeper than 256 levels, is an error.
 */
#ifndef BR_MANIFEST_H
#define BR_MANIFEST_H

#include <stddef.h>

#include "err.h"

#define BR_MANIFEST_MAX_ROW	(16u * 1024 * 1024)	/* bytes */
#define BR_MANIFEST_MAX_FIELDS	16384

enum br_mformat {
	BR_MF_CSV = 1,
	BR_MF_JSON,		/* array, or {"defaults", "operations"} */
	BR_MF_JSONL
};

/* What kind of value a field holds.  CSV cells are always STRING. */
enum br_vkind {
	BR_V_STRING = 1,	/* text as given (JSON string unescaped) */
	BR_V_NUMBER,		/* JSON number; value is its text as written */
	BR_V_BOOL,		/* JSON true/false; value "true" or "false" */
	BR_V_NULL,		/* JSON null; value NULL */
	BR_V_JSON		/* JSON array; value is compact JSON text */
};

/*
 * One named value of a row.  For CSV, the name is the header cell (blanks
 * around it removed, case kept) and an empty cell has value NULL ("not
 * given").  For JSON, nested objects are flattened with dots:
 * {"source_task": {"task_num": 3}} gives name "source_task.task_num",
 * kind NUMBER, value "3".  Values are NUL-terminated; len excludes the NUL
 * and counts embedded NULs, if any.
 */
struct br_field {
	char		*name;
	char		*value;		/* NULL: not given */
	size_t		 len;
	enum br_vkind	 kind;
};

/*
 * A row.  num is the 1-based data row number (header, blank and '#'
 * lines not counted); line is the 1-based manifest line where the row
 * starts (a quoted CSV cell may span lines).  sheet_row is, for CSV, the
 * row a spreadsheet shows it in: every record counts (the header, blank
 * and '#' lines too), a line break inside a quoted cell does not; 0 for
 * JSON.  For CSV, fields are in
 * header order, one per header column, always nfields == ncolumns.  For
 * JSON, defaults come first, then the row's own keys; a key present in
 * both keeps the row's value (in the defaults' position).
 * The row owns its memory; br_row_release() frees it, and
 * br_manifest_next() may reuse it.
 */
struct br_row {
	long		 num;
	long		 line;
	long		 sheet_row;
	int		 hidden;	/* a workbook's hidden row: not run */
	const char	*sheet;		/* a workbook's sheet (the manifest's
					   memory), or NULL */
	size_t		 nfields;
	struct br_field	*fields;
	size_t		 _cap;
	/* a problem of the row as read, "" when none (a cell beyond the
	 * header): the row is invalid, the others are read on */
	char		 problem[160];
};

struct br_manifest_opts {
	int		 delimiter;	/* 0: detect from the header */
	int		 format;	/* 0: from the file name, else sniffed */
	int		 snapshot;	/* read a private copy taken at open,
					   so that every pass reads the same
					   bytes whatever happens to the file */
	int		 hash_is_data;	/* CSV: a line starting with '#' is a
					   row, not a comment (reports) */
	int		 cut_ok;	/* CSV: a file that ends inside a
					   quoted cell gives its last record,
					   cut (br_manifest_cut() says so) */
	int		 encoding;	/* BR_ENC_* to convert from (a
					   --encoding); 0: UTF-8 */
	int		 utf8_only;	/* refuse a file that is not UTF-8
					   (after a conversion) at open */
	const char	*sheet;		/* a workbook: the sheet to read
					   (NULL: the first) */
};

struct br_manifest;

/* Opens path ("-" = standard input).  Reads the CSV header (or the JSON
 * defaults), so header problems are reported here: a header with an
 * empty or duplicate name (duplicates compared case-insensitively),
 * unreadable file, empty file; and a file not in its encoding (see
 * above), or with a byte-order mark that contradicts opts->encoding.
 * 0 or BR_E*. */
int	br_manifest_open(struct br_manifest **mp, const char *path,
	    const struct br_manifest_opts *opts, struct br_err *err);

/* Fills row with the next data row (row must start zeroed, or be one
 * filled before: its memory is reused, and grows only with the largest
 * row; names and values point into one block that br_row_release()
 * frees, never free them one by one).  Returns 1 (row filled), 0 (end of
 * manifest) or a negative BR_E* (err set; the manifest cannot be read
 * further: unterminated quote, broken JSON, a JSON row that is not an
 * object, a CSV record with more cells than the header has names). */
int	br_manifest_next(struct br_manifest *m, struct br_row *row,
	    struct br_err *err);

/* Starts again at the first data row.  0 or BR_E*. */
int	br_manifest_rewind(struct br_manifest *m, struct br_err *err);

/* The name used in messages: the path, or "<stdin>". */
const char	*br_manifest_name(const struct br_manifest *m);
enum br_mformat	 br_manifest_format(const struct br_manifest *m);
/* CSV only: the delimiter in use, and whether a UTF-8 BOM was skipped.
 * For JSON: ',' and 0. */
int		 br_manifest_delimiter(const struct br_manifest *m);
int		 br_manifest_had_bom(const struct br_manifest *m);
/* The encoding the file was converted from (BR_ENC_*, encoding.h), or
 * 0 (BR_ENC_UTF8) when it was read as it is. */
int		 br_manifest_encoding(const struct br_manifest *m);
/* CSV only: the header names (trimmed, case kept).  0 columns for JSON. */
size_t		 br_manifest_ncolumns(const struct br_manifest *m);
const char	*br_manifest_column(const struct br_manifest *m, size_t i);

/* With opts->cut_ok: whether the last row returned was cut short. */
int	br_manifest_cut(const struct br_manifest *m);

/* With opts->snapshot: whether the file at the path opened has changed
 * since its copy was taken (other size, time, inode, or gone).  0 for
 * standard input and without a snapshot. */
int	br_manifest_changed(const struct br_manifest *m);

void	br_manifest_close(struct br_manifest *m);

/* Looks a field up by name, case-insensitively; NULL when absent. */
struct br_field	*br_row_find(const struct br_row *row, const char *name);
void		 br_row_release(struct br_row *row);

#endif
