/*
 * tmpdir.h - a temporary directory for a unit test that writes files:
 * made in the suite's init, removed in its fini.  Header-only, for the
 * test files that need it.
 */
#ifndef BR_TEST_TMPDIR_H
#define BR_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include <criterion/criterion.h>

static char tmp_dir[64];

static inline void
tmp_make(const char *tag)
{
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/br-%s-XXXXXX", tag);
	cr_assert_not_null(mkdtemp(tmp_dir));
}

static inline void
tmp_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp_dir);
	(void)system(cmd);
}

/* tmp_dir/name, in one of four buffers used in turn. */
static inline const char *
tmp_path(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmp_dir, name);
	return p[k];
}

/* Writes text to tmp_dir/name; its path (as tmp_path). */
static inline const char *
tmp_put(const char *name, const char *text)
{
	const char *p = tmp_path(name);
	FILE *f = fopen(p, "w");

	cr_assert_not_null(f, "%s", p);
	fputs(text, f);
	fclose(f);
	return p;
}

#endif
