#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "datetime.h"
#include "lock.h"
#include "tmpdir.h"

static void mk_tmp(void) { tmp_make("lock"); }
static void rm_tmp(void) { tmp_remove(); }

TestSuite(lock, .init = mk_tmp, .fini = rm_tmp);

static const char *
lock_path(void)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/run.lock", tmp_dir);
	return p;
}

static void
read_file(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got;

	cr_assert_not_null(f);
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
}

/* The holder names itself in the file; a second taker (another open file
 * description, as another process has) is refused at once with the
 * holder's pid, and gets it once the first lets go. */
Test(lock, a_second_run_is_told_who_holds_it)
{
	struct br_lock a = BR_LOCK_INIT, b = BR_LOCK_INIT;
	struct br_err err = { 0 };
	char buf[512], pid[32];
	int64_t t0;

	cr_assert_eq(br_lock_take(&a, lock_path(), 0, NULL, &err), 0, "%s",
	    err.msg);
	read_file(lock_path(), buf, sizeof(buf));
	snprintf(pid, sizeof(pid), "pid=%ld ", (long)getpid());
	cr_assert_not_null(strstr(buf, pid), "%s", buf);
	cr_assert_not_null(strstr(buf, " started=20"), "%s", buf);
	t0 = br_mono_ms();
	cr_assert_eq(br_lock_take(&b, lock_path(), 0, NULL, &err), BR_EBUSY);
	cr_assert_lt(br_mono_ms() - t0, 50, "at once");
	cr_assert_eq(b.fd, -1);
	snprintf(pid, sizeof(pid), "pid %ld on ", (long)getpid());
	cr_assert_not_null(strstr(err.msg, pid), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "nothing was sent"), "%s", err.msg);
	br_lock_release(&a);
	read_file(lock_path(), buf, sizeof(buf));
	cr_assert_str_eq(buf, "", "emptied when let go");
	br_err_clear(&err);
	cr_assert_eq(br_lock_take(&b, lock_path(), 0, NULL, &err), 0);
	br_lock_release(&b);
	br_lock_release(&b);	/* twice: nothing */
}

/* --lock-wait: tries again until the time is up, then says so. */
Test(lock, waits_up_to_the_wait_then_gives_up)
{
	struct br_lock a = BR_LOCK_INIT, b = BR_LOCK_INIT;
	struct br_err err = { 0 };
	int64_t t0;

	cr_assert_eq(br_lock_take(&a, lock_path(), 0, NULL, &err), 0);
	t0 = br_mono_ms();
	cr_assert_eq(br_lock_take(&b, lock_path(), 300, NULL, &err), BR_EBUSY);
	cr_assert_geq(br_mono_ms() - t0, 280);
	cr_assert_not_null(strstr(err.msg, "--lock-wait"), "%s", err.msg);
	br_lock_release(&a);
}

/* A signal while waiting ends the wait (the caller exits 128+sig). */
Test(lock, a_stop_ends_the_wait)
{
	struct br_lock a = BR_LOCK_INIT, b = BR_LOCK_INIT;
	struct br_err err = { 0 };
	volatile sig_atomic_t stop = 1;

	cr_assert_eq(br_lock_take(&a, lock_path(), 0, NULL, &err), 0);
	cr_assert_eq(br_lock_take(&b, lock_path(), 60000, &stop, &err),
	    BR_EINTERNAL);
	cr_assert_not_null(strstr(err.msg, "interrupted"), "%s", err.msg);
	br_lock_release(&a);
}

/* A holder that dies leaves no stale lock: the kernel lets it go. */
Test(lock, a_dead_holder_leaves_no_lock)
{
	struct br_lock b = BR_LOCK_INIT;
	struct br_err err = { 0 };
	int fds[2];
	char c;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		struct br_lock a = BR_LOCK_INIT;
		struct br_err e2 = { 0 };

		if (br_lock_take(&a, lock_path(), 0, NULL, &e2) == 0)
			(void)write(fds[1], "x", 1);
		pause();	/* killed while holding it */
		_exit(0);
	}
	cr_assert_eq(read(fds[0], &c, 1), 1);
	cr_assert_eq(br_lock_take(&b, lock_path(), 0, NULL, &err), BR_EBUSY);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	br_err_clear(&err);
	cr_assert_eq(br_lock_take(&b, lock_path(), 0, NULL, &err), 0, "%s",
	    err.msg);
	br_lock_release(&b);
	close(fds[0]);
	close(fds[1]);
}

/* A lock file that cannot be made is an I/O error that names it. */
Test(lock, a_file_that_cannot_be_opened)
{
	struct br_lock a = BR_LOCK_INIT;
	struct br_err err = { 0 };

	cr_assert_eq(br_lock_take(&a, "/nonexistent-dir/x.lock", 0, NULL,
	    &err), BR_EIO);
	cr_assert_not_null(strstr(err.msg, "/nonexistent-dir/x.lock"));
}
