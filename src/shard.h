/*
 * shard.h - --shard-env VAR/N: the shard of this process from the index
 * a job engine gives each of its tasks in an environment variable
 * (Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX; Slurm job arrays:
 * SLURM_ARRAY_TASK_ID), 0-based.  Pure: the caller reads the variable.
 */
#ifndef BR_SHARD_H
#define BR_SHARD_H

#include <stddef.h>

/* Splits spec "VAR/N" into the variable's name (copied into var, of
 * varsz bytes) and *n (1 to 1,000,000).  0, or -1 with the problem in
 * msg. */
int	br_shard_env_spec(const char *spec, char *var, size_t varsz, long *n,
	    char *msg, size_t msgsz);
/* The shard K/N (1-based, as --shard) from the variable's value (NULL:
 * unset): a decimal index from 0 to n-1.  0, or -1 with the problem in
 * msg. */
int	br_shard_env_index(const char *var, const char *value, long n,
	    long *k, char *msg, size_t msgsz);

#endif
