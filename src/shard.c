/*
 * shard.c - --shard-env VAR/N; see shard.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"

#define MAX_SHARDS	1000000L

/* A plain decimal number (digits only, no sign or blanks) up to max. */
static int
decimal(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int
br_shard_env_spec(const char *spec, char *var, size_t varsz, long *n,
    char *msg, size_t msgsz)
{
	const char *slash = strrchr(spec, '/');
	size_t len, i;

	len = slash != NULL ? (size_t)(slash - spec) : 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)spec[i]) && spec[i] != '_')
			break;
	if (slash == NULL || len == 0 || i < len || len >= varsz ||
	    isdigit((unsigned char)spec[0]) ||
	    decimal(slash + 1, MAX_SHARDS, n) != 0 || *n < 1) {
		snprintf(msg, msgsz, "--shard-env: '%s' is not VAR/N (an "
		    "environment variable's name and the number of shards, "
		    "e.g. JOB_COMPLETION_INDEX/3)", spec);
		return -1;
	}
	memcpy(var, spec, len);
	var[len] = '\0';
	return 0;
}

int
br_shard_env_index(const char *var, const char *value, long n, long *k,
    char *msg, size_t msgsz)
{
	long idx;

	if (value == NULL) {
		snprintf(msg, msgsz, "--shard-env: %s is not set: it must hold "
		    "this process's 0-based shard index (a Kubernetes Indexed "
		    "Job sets JOB_COMPLETION_INDEX, a Slurm job array "
		    "SLURM_ARRAY_TASK_ID)", var);
		return -1;
	}
	if (decimal(value, MAX_SHARDS, &idx) != 0 || idx >= n) {
		snprintf(msg, msgsz, "--shard-env: %s='%.40s' is not a "
		    "0-based shard index from 0 to %ld", var, value, n - 1);
		return -1;
	}
	*k = idx + 1;
	return 0;
}
