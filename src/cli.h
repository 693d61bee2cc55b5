/*
 * cli.h - the command line becomes a struct br_opts.  Nothing here runs
 * anything; main.c acts on the result.
 */
#ifndef BR_CLI_H
#define BR_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nameval.h"
#include "retry.h"

enum br_cmd { BR_CMD_NONE = 0, BR_CMD_RUN, BR_CMD_VALIDATE, BR_CMD_OPS,
	BR_CMD_HELP, BR_CMD_VERSION, BR_CMD_STATUS, BR_CMD_MERGE };

#define BR_MAX_LIST	64	/* --set, --endpoint, --catalog, --rate S=R */

struct br_svc_rate {
	const char	*service;
	double		 rate;		/* per second, 0: unlimited */
};

struct br_opts {
	enum br_cmd	 cmd;
	const char	*manifest;	/* run/validate; ops: NAME or NULL */
	char *const	*inputs;	/* merge: the reports */
	size_t		 ninputs;
	int		 jobs;
	double		 rate;		/* per second; 0: unlimited */
	struct br_svc_rate svc_rates[BR_MAX_LIST];
	size_t		 nsvc_rates;
	double		 burst;
	struct br_retry_policy retry;
	int64_t		 timeout_ms, connect_timeout_ms;
	long		 max_failures;	/* -1: none */
	double		 max_failures_pct;	/* -1: none */
	long		 canary;
	long		 shard_k, shard_n;	/* 0/0: no sharding */
	const char	*shard_env;	/* --shard-env VAR/N as given */
	const char	*lock;		/* --lock FILE, or NULL */
	int64_t		 lock_wait_ms;	/* --lock-wait; 0: none */
	const char	*metrics;	/* --metrics FILE (Prometheus) */
	const char	*summary_json;	/* --summary-json FILE */
	const char	*not_before, *not_after;	/* as given, or NULL */
	const char	*window;	/* HH:MM-HH:MM, or NULL */
	const char	*resume;	/* earlier report, or NULL */
	int		 dry_run;
	int		 wait;		/* --wait: verify each row */
	int64_t		 wait_timeout_ms;	/* 0: the catalog's */
	int64_t		 poll_interval_ms;	/* 0: the catalog's */
	int		 precheck;
	int		 resume_send;	/* --resume-mismatch send */
	const char	*template_path;	/* ops NAME --template FILE.xlsx */
	int		 skip_invalid;
	int		 allow_old_dates;	/* dates before 1973 */
	const char	*report;
	int		 progress;	/* 0 auto, 1 always, -1 never */
	int		 quiet;
	const char	*op;
	struct br_set	 sets[BR_MAX_LIST];
	size_t		 nsets;
	int		 delimiter;	/* 0: detect */
	const char	*encoding;	/* --encoding as given, or NULL */
	const char	*sheet;		/* --sheet, or NULL: the first */
	const char	*catalogs[BR_MAX_LIST];
	size_t		 ncatalogs;
	const char	*endpoint_all;
	const char	*ep_names[BR_MAX_LIST];
	const char	*ep_urls[BR_MAX_LIST];
	size_t		 neps;
	const char	*region;
	const char	*cloud;		/* --cloud huaweicloud|otc, or NULL */
	const char	*tz;
	const char	*token_file;
	const char	*cacert;
	int		 insecure;
	uint64_t	 seed;		/* jitter; 0: from the clock */
	char		*_owned[BR_MAX_LIST * 3];	/* split copies */
	size_t		 _nowned;
};

/* Parses argv (argv[0] is the program).  Returns 0, or 2 after printing
 * "bulkrun: <problem>" and a hint to stderr. */
int	br_cli_parse(struct br_opts *o, int argc, char **argv);
void	br_cli_release(struct br_opts *o);
void	br_cli_usage(const char *cmd, FILE *f);

/* "500ms", "30s", "2m", "1h", "1.5s", bare seconds.  0 or -1. */
int	br_duration_parse(const char *s, int64_t *ms);

#endif
