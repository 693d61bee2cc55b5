/*
 * manifest_int.h - what manifest.c (the common front), manifest_csv.c and
 * manifest_json.c share: struct br_manifest and a few helpers.  Private to
 * those three files; the API is manifest.h.
 */
#ifndef BR_MANIFEST_INT_H
#define BR_MANIFEST_INT_H

#include <sys/stat.h>
#include <sys/types.h>

#include <csv.h>

#include "manifest.h"
#include "reader.h"
#include "strbuf.h"
#include "xlsxin.h"

#define MAX_ROW		((size_t)BR_MANIFEST_MAX_ROW)
#define MAX_FIELDS	((size_t)BR_MANIFEST_MAX_FIELDS)

#define NUL_MSG		"NUL byte (is this a UTF-16 or binary file?)"

/* A cell of the CSV record, in csv.rec. */
struct cell {
	size_t		 off;
	size_t		 len;
};

/* A field of a JSON row (or marker of a nested object), in json.jb. */
struct jfield {
	size_t		 noff;
	size_t		 nlen;
	size_t		 voff;
	size_t		 vlen;
	long		 line;
	int		 kind;
	int		 isobj;		/* marker for duplicate checks */
	int		 used;
};

/* A set of names that ignores ASCII case (manifest.c).  It keeps only
 * indexes: get() gives the name of entry i.  Zero it to start. */
typedef const char *(*name_fn)(const void *ctx, size_t i, size_t *len);

struct nset {
	size_t		*slot;		/* index + 1; 0 is empty */
	size_t		 cap;
};

/* What br_row gets built from. */
struct fsrc {
	const char	*name;
	size_t		 nlen;
	const char	*val;		/* NULL: not given */
	size_t		 vlen;
	int		 kind;
};

enum jstate {
	JA_FIRST,		/* after '[' */
	JA_NEXT,		/* after a row */
	JA_DONE
};

struct csv_state {
	struct csv_parser parser;
	int		 live;		/* parser initialised */
	int		 delim;
	char		**cols;
	size_t		 ncols;
	size_t		 hdr_cells;	/* header cells, unnamed trailing too */
	struct br_strbuf rec;		/* the record's cells, NUL-terminated */
	struct cell	*cells;
	size_t		 ncells;	/* stored */
	size_t		 cells_cap;
	size_t		 cell_limit;	/* cells stored at most */
	size_t		 cells_total;	/* cells seen */
	size_t		 last_full;	/* 1 + index of last non-blank */
	int		 rec_open;
	int		 rec_done;
	int		 in_comment;
	long		 rec_line;
	long		 folded;	/* line breaks inside quoted cells
					   of the records before */
	long		 rec_row;	/* sheet row of the record */
	int		 cb_err;
};

struct json_state {
	struct br_strbuf jb;		/* names and values of the row */
	struct br_strbuf path;		/* dotted name being built */
	struct jfield	*jf;
	size_t		 njf;
	size_t		 jf_cap;
	enum jstate	 state;
	int		 wrapper;
	off_t		 ops_off;	/* offset of the '[' of the rows */
	long		 ops_line;
	struct br_strbuf db;		/* defaults: names and values */
	struct jfield	*df;
	size_t		 ndf;
	long		*dover;		/* per default: row field that wins */
	struct nset	 dset;
};

struct br_manifest {
	char		*name;
	char		*snap_path;	/* as opened, for br_manifest_changed */
	struct stat	 snap_st;	/* when the snapshot was taken */
	int		 snap;
	int		 hash_is_data, cut_ok, cut;
	enum br_mformat	 fmt;
	int		 bom;
	int		 enc;		/* BR_ENC_* converted from, or 0 */
	int		 is_xlsx;	/* a workbook, converted to CSV */
	struct br_xlsx	 xlsx;
	const char	*want_sheet;	/* at open: opts->sheet */
	off_t		 start;		/* after the BOM */
	struct reader	 rd;
	struct br_err	 fail;		/* sticky error of next() */
	long		 num;

	struct csv_state csv;
	struct json_state json;

	/* both */
	struct nset	 set;		/* names of the row or header */
	struct fsrc	*src;
	size_t		 src_cap;
};

/* manifest.c */
/* Sets err to "out of memory"; returns BR_ENOMEM. */
int	br_mf_nomem(struct br_err *err);
/* Grows the array *pp of *cap elements of size bytes to hold need;
 * 0 or BR_ENOMEM (*pp as it was). */
int	br_mf_grow(void *pp, size_t *cap, size_t need, size_t size);
/* A name made safe to print: no control bytes, at most 64 bytes. */
const char *br_mf_shown(char *dst, size_t dstsz, const char *s, size_t n);
/* Empties s, with room for n entries; 0 or BR_ENOMEM. */
int	br_mf_nset_reset(struct nset *s, size_t n);
/* Index + 1 of the entry named like name[0..len), or 0. */
size_t	br_mf_nset_find(const struct nset *s, name_fn get, const void *ctx,
	    const char *name, size_t len);
/* Adds entry i; returns 0, or index + 1 of an entry with the same name. */
size_t	br_mf_nset_add(struct nset *s, name_fn get, const void *ctx,
	    size_t i);
/* Builds row from src[0..n) (in one allocation, reused); 0 or BR_ENOMEM. */
int	br_mf_row_build(struct br_row *row, const struct fsrc *src, size_t n,
	    struct br_err *err);

/* manifest_csv.c: open (delim 0: detect, dflt if unsure), read the header
 * again after a rewind, next row, free. */
int	br_mf_csv_open(struct br_manifest *m, int delim, int dflt,
	    struct br_err *err);
int	br_mf_csv_start(struct br_manifest *m, struct br_err *err);
int	br_mf_csv_next(struct br_manifest *m, struct br_row *row,
	    struct br_err *err);
void	br_mf_csv_release(struct br_manifest *m);

/* manifest_jscan.c: JSON values at the reader.  Each returns 0 or BR_E*
 * (err set, FILE:LINE); out NULL: checked only. */
#define MAX_DEPTH	256		/* JSON nesting */

#define J_EOF		BR_READER_EOF
#define J_ERR		BR_READER_ERR

enum jmode {
	J_SKIP,			/* check only */
	J_RAW,			/* copy as written (compact) */
	J_TEXT			/* unescape */
};

/* The next byte, not consumed; J_EOF, or J_ERR (err set). */
static inline int
jpeek(struct br_manifest *m, struct br_err *err)
{
	return br_reader_peek(&m->rd, err);
}

/* Consumes the byte jpeek() returned. */
static inline void
jadv(struct br_manifest *m)
{
	br_reader_adv(&m->rd);
}


static inline int
jis_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skips blanks and line breaks. */
void	br_jscan_ws(struct br_manifest *m, struct br_err *err);
/* After a member of an object: 1 another member follows (after ','), 0
 * the object ended ('}'), else BR_E*. */
int	br_jscan_member_next(struct br_manifest *m, struct br_err *err);
/* The byte c (or J_EOF, J_ERR) where expected (NULL: anything) was due. */
int	br_jscan_found(struct br_manifest *m, struct br_err *err, int c,
	    const char *expected);
/* The byte c after the top-level value, what. */
int	br_jscan_after(struct br_manifest *m, struct br_err *err, int c,
	    const char *what);
/* Appends s[0..n) to b (NULL: nothing), within the row limit. */
int	br_jscan_put(struct br_manifest *m, struct br_err *err,
	    struct br_strbuf *b, const void *s, size_t n);
/* The string at the reader ('"') to out, per mode. */
int	br_jscan_string(struct br_manifest *m, struct br_err *err,
	    struct br_strbuf *out, enum jmode mode);
/* The number at the reader, as written. */
int	br_jscan_number(struct br_manifest *m, struct br_err *err,
	    struct br_strbuf *out);
/* true, false or null (*kind BR_V_BOOL, BR_V_NULL); writes "true" or
 * "false", and "null" only if raw. */
int	br_jscan_literal(struct br_manifest *m, struct br_err *err,
	    struct br_strbuf *out, int raw, int *kind);
/* Any value, copied compactly to out; depth: of the nesting so far. */
int	br_jscan_capture(struct br_manifest *m, struct br_err *err,
	    struct br_strbuf *out, int depth);

/* manifest_json.c: JSON (an array of rows, or {"defaults",
 * "operations"}) and JSON Lines. */
int	br_mf_json_open(struct br_manifest *m, struct br_err *err);
int	br_mf_json_start(struct br_manifest *m, struct br_err *err);
int	br_mf_json_next(struct br_manifest *m, struct br_row *row,
	    struct br_err *err);
int	br_mf_jsonl_open(struct br_manifest *m, struct br_err *err);
int	br_mf_jsonl_next(struct br_manifest *m, struct br_row *row,
	    struct br_err *err);
/* Skips blanks and returns the next byte (BR_READER_EOF, BR_READER_ERR),
 * not consumed. */
int	br_mf_json_first(struct br_manifest *m, struct br_err *err);
/* The reader is at '{': 1 when a whole object stands alone on its line,
 * as a first row of JSON Lines does (and not a {"defaults",
 * "operations"} object), else 0.  Moves the reader. */
int	br_mf_json_line_alone(struct br_manifest *m);
void	br_mf_json_release(struct br_manifest *m);

#endif
