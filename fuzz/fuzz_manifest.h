/*
 * fuzz_manifest.h - the body of the three manifest targets: reads every
 * row, rewinds, reads again, and traps when the second pass differs from
 * the first (rows, numbers, lines, every field's name, kind, value and
 * length, whether it was cut; also where and how the reading stopped).
 */
#ifndef BR_FUZZ_MANIFEST_H
#define BR_FUZZ_MANIFEST_H

#include "fuzz_common.h"
#include "manifest.h"

/* Rows kept from the first pass, flattened. */
struct fz_field {
	char		*name;
	char		*value;		/* NULL: not given */
	size_t		 len;
	enum br_vkind	 kind;
};

struct fz_row {
	long		 num, line;
	int		 cut;		/* br_manifest_cut() */
	size_t		 nfields;
	struct fz_field	*fields;
};

struct fz_pass {
	struct fz_row	*rows;
	size_t		 n, cap;
	int		 rc;		/* last br_manifest_next() result */
	struct br_err	 err;
};

static inline void *
fz_memdup(const void *p, size_t n)
{
	char *q = malloc(n + 1);

	if (q == NULL)
		abort();
	memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

static inline void
fz_keep(struct fz_pass *p, const struct br_row *row, int cut)
{
	struct fz_row *r;
	size_t i;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->rows = realloc(p->rows, p->cap * sizeof(*p->rows));
		if (p->rows == NULL)
			abort();
	}
	r = &p->rows[p->n++];
	r->num = row->num;
	r->line = row->line;
	r->cut = cut;
	r->nfields = row->nfields;
	r->fields = calloc(row->nfields + 1, sizeof(*r->fields));
	if (r->fields == NULL)
		abort();
	for (i = 0; i < row->nfields; i++) {
		const struct br_field *f = &row->fields[i];

		if (f->name == NULL)
			__builtin_trap();	/* every field has a name */
		r->fields[i].name = fz_memdup(f->name, strlen(f->name));
		r->fields[i].value = f->value == NULL ? NULL :
		    fz_memdup(f->value, f->len);
		r->fields[i].len = f->len;
		r->fields[i].kind = f->kind;
		/* len counts the value's bytes; the value is NUL-terminated */
		if (f->value != NULL && f->value[f->len] != '\0')
			__builtin_trap();
		if (f->value == NULL && f->len != 0)
			__builtin_trap();
	}
}

static inline void
fz_pass_free(struct fz_pass *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->rows[i].nfields; j++) {
			free(p->rows[i].fields[j].name);
			free(p->rows[i].fields[j].value);
		}
		free(p->rows[i].fields);
	}
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

/* Reads every row of m into p (stops at the end or the first error). */
static inline void
fz_read_all(struct br_manifest *m, struct br_row *row, struct fz_pass *p)
{
	int csv = br_manifest_format(m) == BR_MF_CSV;
	long last = 0;

	for (;;) {
		p->rc = br_manifest_next(m, row, &p->err);
		if (p->rc != 1)
			break;
		/* rows are numbered 1, 2, 3, ... */
		if (row->num != last + 1)
			__builtin_trap();
		last = row->num;
		if (row->line < 1)
			__builtin_trap();
		/* CSV: one field per header column */
		if (csv && row->nfields != br_manifest_ncolumns(m))
			__builtin_trap();
		(void)br_row_find(row, "op");
		fz_keep(p, row, br_manifest_cut(m));
	}
	if (p->rc > 1)
		__builtin_trap();
	if (p->rc < 0 && p->err.code == 0)
		__builtin_trap();	/* an error without a message */
}

static inline void
fz_same(const struct fz_pass *a, const struct fz_pass *b)
{
	size_t i, j;

	if (a->n != b->n || a->rc != b->rc)
		__builtin_trap();
	if (a->rc < 0 && (a->err.code != b->err.code ||
	    strcmp(a->err.msg, b->err.msg) != 0))
		__builtin_trap();
	for (i = 0; i < a->n; i++) {
		const struct fz_row *x = &a->rows[i], *y = &b->rows[i];

		if (x->num != y->num || x->line != y->line ||
		    x->cut != y->cut || x->nfields != y->nfields)
			__builtin_trap();
		for (j = 0; j < x->nfields; j++) {
			const struct fz_field *f = &x->fields[j];
			const struct fz_field *g = &y->fields[j];

			if (strcmp(f->name, g->name) != 0 ||
			    f->kind != g->kind || f->len != g->len ||
			    (f->value == NULL) != (g->value == NULL) ||
			    (f->value != NULL &&
			    memcmp(f->value, g->value, f->len) != 0))
				__builtin_trap();
		}
	}
}

static inline int
fz_manifest_run(const uint8_t *data, size_t size,
    const struct br_manifest_opts *o)
{
	struct br_manifest *m = NULL;
	struct br_row row = { 0 };
	struct fz_pass p1 = { 0 }, p2 = { 0 };
	struct br_err err = { 0 };
	const char *path;
	size_t i;

	path = fz_write(0, "", data, size);
	if (br_manifest_open(&m, path, o, &err) != 0) {
		if (m != NULL || err.code == 0)
			__builtin_trap();
		return 0;
	}
	/* the query functions must answer for any manifest */
	(void)br_manifest_name(m);
	(void)br_manifest_format(m);
	(void)br_manifest_delimiter(m);
	(void)br_manifest_had_bom(m);
	for (i = 0; i < br_manifest_ncolumns(m); i++)
		if (br_manifest_column(m, i) == NULL)
			__builtin_trap();

	fz_read_all(m, &row, &p1);
	/* the header was read once already: starting again must work */
	if (br_manifest_rewind(m, &err) != 0)
		__builtin_trap();
	fz_read_all(m, &row, &p2);
	fz_same(&p1, &p2);
	if (br_manifest_changed(m))
		__builtin_trap();	/* nobody touched the file */
	br_row_release(&row);
	br_manifest_close(m);
	fz_pass_free(&p1);
	fz_pass_free(&p2);
	return 0;
}

#endif
