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
 */
#ifndef BR_MANIFEST_H
#define BR_MANIFEST_H

#include <stddef.h>

#include "err.h"

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
 * starts (a quoted CSV cell may span lines).  For CSV, fields are in
 * header order, one per header column, always nfields == ncolumns.  For
 * JSON, defaults come first, then the row's own keys; a key present in
 * both keeps the row's value (in the defaults' position).
 * The row owns its memory; br_row_release() frees it, and
 * br_manifest_next() may reuse it.
 */
struct br_row {
	long		 num;
	long		 line;
	size_t		 nfields;
	struct br_field	*fields;
	size_t		 _cap;
};

struct br_manifest_opts {
	int		 delimiter;	/* 0: detect from the header */
	int		 format;	/* 0: from the file name, else sniffed */
};

struct br_manifest;

/* Opens path ("-" = standard input).  Reads the CSV header (or the JSON
 * defaults), so header problems are reported here: a header with an
 * empty or duplicate name (duplicates compared case-insensitively),
 * unreadable file, empty file.  0 or BR_E*. */
int	br_manifest_open(struct br_manifest **mp, const char *path,
	    const struct br_manifest_opts *opts, struct br_err *err);

/* Fills row with the next data row.  Returns 1 (row filled), 0 (end of
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
/* CSV only: the header names (trimmed, case kept).  0 columns for JSON. */
size_t		 br_manifest_ncolumns(const struct br_manifest *m);
const char	*br_manifest_column(const struct br_manifest *m, size_t i);

void	br_manifest_close(struct br_manifest *m);

/* Looks a field up by name, case-insensitively; NULL when absent. */
struct br_field	*br_row_find(const struct br_row *row, const char *name);
void		 br_row_release(struct br_row *row);

#endif
