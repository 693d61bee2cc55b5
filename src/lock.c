/*
 * lock.c - --lock FILE with flock(2); see lock.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "datetime.h"
#include "lock.h"

#define RETRY_MS	100

/* Writes "pid=N host=H started=ISO" into the held file. */
static void
name_holder(int fd)
{
	char line[512], host[256] = "", when[40];
	int n;

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "?");
	host[sizeof(host) - 1] = '\0';
	br_datetime_iso(br_now_ms(), when, sizeof(when));
	n = snprintf(line, sizeof(line), "pid=%ld host=%s started=%s\n",
	    (long)getpid(), host, when);
	if (n < 0 || (size_t)n >= sizeof(line) || ftruncate(fd, 0) != 0)
		return;
	/* best effort: the lock itself is what counts */
	if (pwrite(fd, line, (size_t)n, 0) != n)
		(void)ftruncate(fd, 0);
}

/* Who holds it, as the file says: "pid 12 on h, started T", or a
 * sentence saying the file does not tell. */
static void
holder(int fd, char *buf, size_t bufsz)
{
	char line[512], host[256], when[64];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	long pid;

	line[n > 0 ? n : 0] = '\0';
	if (sscanf(line, "pid=%ld host=%255s started=%63s", &pid, host,
	    when) == 3)
		snprintf(buf, bufsz, "pid %ld on %s, started %s", pid, host,
		    when);
	else
		snprintf(buf, bufsz, "a run that has not named itself yet");
}

int
br_lock_take(struct br_lock *l, const char *path, int64_t wait_ms,
    const volatile sig_atomic_t *stop, struct br_err *err)
{
	struct timespec ts = { 0, RETRY_MS * 1000000L };
	char who[600], e[128];
	int64_t waited = 0;
	int fd;

	l->fd = -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		strerror_r(errno, e, sizeof(e));
		return br_errf(err, BR_EIO, "bulkrun", 0, "--lock '%s': %s",
		    path, e);
	}
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			strerror_r(errno, e, sizeof(e));
			close(fd);
			return br_errf(err, BR_EIO, "bulkrun", 0,
			    "--lock '%s': %s", path, e);
		}
		if (stop != NULL && *stop) {
			close(fd);
			return br_errf(err, BR_EINTERNAL, "bulkrun", 0,
			    "interrupted while waiting for --lock '%s'; "
			    "nothing was sent", path);
		}
		if (waited >= wait_ms) {
			holder(fd, who, sizeof(who));
			close(fd);
			return br_errf(err, BR_EBUSY, "bulkrun", 0, "--lock "
			    "'%s' is held by another run (%s)%s; nothing was "
			    "sent", path, who, wait_ms > 0 ?
			    ", still after --lock-wait" : "");
		}
		nanosleep(&ts, NULL);
		waited += RETRY_MS;
	}
	name_holder(fd);
	l->fd = fd;
	return 0;
}

void
br_lock_release(struct br_lock *l)
{
	if (l->fd < 0)
		return;
	(void)ftruncate(l->fd, 0);	/* before the lock goes: ours */
	close(l->fd);			/* and with it the lock */
	l->fd = -1;
}
