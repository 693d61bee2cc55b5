/*
 * creds: br_creds_read hands the token file's warning back in
 * c->warning and prints nothing (br_creds_load's printing is in
 * test_auth.c).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "creds.h"

static char tmpdir[64];

static void
setup(void)
{
	unsetenv("BULKRUN_AUTH_TOKEN");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/br-creds-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	cr_redirect_stderr();
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", tmpdir);
}

/* tmpdir/name holding s, with mode; the path into path. */
static void
token_file(char *path, size_t cap, const char *name, const char *s,
    mode_t mode)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", tmpdir, name);
	cr_assert_not_null(f = fopen(path, "wb"));
	cr_assert_eq(fputs(s, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

TestSuite(creds, .init = setup, .fini = teardown);

Test(creds, read_returns_the_warning_and_prints_nothing)
{
	static const struct {
		const char	*content;
		mode_t		 mode;
		int		 rc, warns;
	} t[] = {
		{ "tok\n", 0644, 0, 1 },
		{ "tok\n", 0640, 0, 1 },
		{ "tok\n", 0600, 0, 0 },
		{ "tok\n", 0400, 0, 0 },
		{ " \n", 0644, BR_EINPUT, 1 },	/* bad, and still said */
	};
	struct br_creds c;
	struct br_err err = { 0 };
	char path[128], want[512];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		br_err_clear(&err);
		token_file(path, sizeof(path), "tok", t[i].content,
		    t[i].mode);
		cr_expect_eq(br_creds_read(&c, path, &err), t[i].rc,
		    "%zu: %s", i, err.msg);
		snprintf(want, sizeof(want), "token file '%s' is readable by "
		    "others (chmod 600 %s)", path, path);
		if (t[i].warns)
			cr_expect_str_eq(c.warning, want, "%zu", i);
		else
			cr_expect_null(c.warning, "%zu", i);
		if (t[i].rc != 0)
			cr_expect_null(c.token, "%zu", i);
		br_creds_release(&c);
		cr_expect_null(c.warning);
	}
	fflush(stderr);
	cr_assert_stderr_eq_str("");
}
