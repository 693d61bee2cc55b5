/*
 * fuzz_common.h - helpers shared by the libFuzzer targets in fuzz/.
 *
 * The readers under test take a path, so each target keeps one temporary
 * file per process (made once with mkstemps, under $TMPDIR, removed at
 * exit) and rewrites it for every input.
 */
#ifndef BR_FUZZ_COMMON_H
#define BR_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_TMP	4

struct fz_tmp {
	char	 path[4096];
	int	 fd;
};

static struct fz_tmp	fz_tmps[FZ_MAX_TMP];
static int		fz_ntmps;

static inline void
fz_cleanup(void)
{
	int i;

	for (i = 0; i < fz_ntmps; i++)
		unlink(fz_tmps[i].path);
}

/* A temporary file whose name ends in suffix ("" for none), made on the
 * first call for that slot. */
static inline struct fz_tmp *
fz_tmp(int slot, const char *suffix)
{
	struct fz_tmp *t;
	const char *dir;

	if (slot < 0 || slot >= FZ_MAX_TMP)
		abort();
	t = &fz_tmps[slot];
	if (t->path[0] != '\0')
		return t;
	if ((dir = getenv("TMPDIR")) == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(t->path, sizeof(t->path), "%s/bulkrun-fuzz-XXXXXX%s", dir,
	    suffix);
	if ((t->fd = mkstemps(t->path, (int)strlen(suffix))) < 0) {
		perror(t->path);
		abort();
	}
	if (fz_ntmps == 0)
		atexit(fz_cleanup);
	if (slot >= fz_ntmps)
		fz_ntmps = slot + 1;
	return t;
}

/* Replaces the file's contents with data[0..size); returns its path. */
static inline const char *
fz_write(int slot, const char *suffix, const uint8_t *data, size_t size)
{
	struct fz_tmp *t = fz_tmp(slot, suffix);
	size_t off = 0;
	ssize_t n;

	if (ftruncate(t->fd, 0) != 0)
		abort();
	while (off < size) {
		n = pwrite(t->fd, data + off, size - off, (off_t)off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	return t->path;
}

/* A NUL-terminated copy of data[0..size) (free it). */
static inline char *
fz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
