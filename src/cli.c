/*
 * cli.c - the command line into struct br_opts: commands, options and
 * their values (durations, rates, shards), usage text.  Prints usage
 * errors; exits nowhere.
 */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "ratelimit.h"
#include "shard.h"
#include "text.h"

enum {
	O_ENCODING = 256, O_SHEET, O_RATE, O_BURST, O_RETRIES, O_RETRY_ON,
	O_BACKOFF, O_MAX_BACKOFF,
	O_TIMEOUT, O_CONNECT_TIMEOUT, O_MAX_FAILURES, O_CANARY, O_NOT_BEFORE,
	O_NOT_AFTER, O_WINDOW, O_RESUME, O_SHARD, O_DRY_RUN, O_PROGRESS,
	O_OP, O_SET, O_DELIMITER, O_SKIP_INVALID, O_CATALOG, O_ENDPOINT,
	O_REGION, O_TZ, O_TOKEN_FILE, O_CACERT, O_INSECURE, O_SEED, O_HELP,
	O_VERSION, O_WAIT, O_WAIT_TIMEOUT, O_POLL_INTERVAL, O_PRECHECK,
	O_RESUME_MISMATCH, O_ALLOW_OLD_DATES, O_TEMPLATE,
	O_SHARD_ENV, O_LOCK, O_LOCK_WAIT, O_METRICS, O_SUMMARY_JSON,
	O_CLOUD
};

/*
 * Every option, once: its name, whether it takes a value, and for the
 * plainest shapes where it goes in struct br_opts: the value kept as
 * given (P_STR), 1 for being there (P_FLAG), a whole number from lo to hi
 * into an int (P_INT) or a double (P_DBL), or a duration into an int64_t
 * (P_DUR; lo 1: a timeout, above 0).  P_OWN options have a case of their
 * own in br_cli_parse().
 */
enum { P_OWN, P_STR, P_FLAG, P_INT, P_DBL, P_DUR };

static const struct spec {
	const char	*name;
	int		 has_arg;
	int		 val;
	int		 shape;
	size_t		 off;
	long		 lo, hi;
} specs[] = {
#define ARG	required_argument
#define NOARG	no_argument
#define F(field) offsetof(struct br_opts, field)
	{ "jobs",	ARG,	'j',		P_INT,	F(jobs), 1, 1024 },
	{ "rate",	ARG,	O_RATE,		P_OWN,	0, 0, 0 },
	{ "burst",	ARG,	O_BURST,	P_DBL,	F(burst), 1, 100000 },
	{ "retries",	ARG,	O_RETRIES,	P_INT,	F(retry.retries), 0, 100 },
	{ "retry-on",	ARG,	O_RETRY_ON,	P_OWN,	0, 0, 0 },
	{ "backoff",	ARG,	O_BACKOFF,	P_DUR,	F(retry.base_ms), 0, 0 },
	{ "max-backoff", ARG,	O_MAX_BACKOFF,	P_DUR,	F(retry.max_ms), 0, 0 },
	{ "timeout",	ARG,	O_TIMEOUT,	P_DUR,	F(timeout_ms), 1, 0 },
	{ "connect-timeout", ARG, O_CONNECT_TIMEOUT, P_DUR,
	    F(connect_timeout_ms), 1, 0 },
	{ "max-failures", ARG,	O_MAX_FAILURES,	P_OWN,	0, 0, 0 },
	{ "canary",	ARG,	O_CANARY,	P_OWN,	0, 0, 0 },
	{ "not-before",	ARG,	O_NOT_BEFORE,	P_STR,	F(not_before), 0, 0 },
	{ "not-after",	ARG,	O_NOT_AFTER,	P_STR,	F(not_after), 0, 0 },
	{ "window",	ARG,	O_WINDOW,	P_STR,	F(window), 0, 0 },
	{ "resume",	ARG,	O_RESUME,	P_STR,	F(resume), 0, 0 },
	{ "resume-mismatch", ARG, O_RESUME_MISMATCH, P_OWN, 0, 0, 0 },
	{ "template",	ARG,	O_TEMPLATE,	P_STR,	F(template_path), 0, 0 },
	{ "shard",	ARG,	O_SHARD,	P_OWN,	0, 0, 0 },
	{ "shard-env",	ARG,	O_SHARD_ENV,	P_OWN,	0, 0, 0 },
	{ "lock",	ARG,	O_LOCK,		P_STR,	F(lock), 0, 0 },
	{ "lock-wait",	ARG,	O_LOCK_WAIT,	P_DUR,	F(lock_wait_ms), 0, 0 },
	{ "metrics",	ARG,	O_METRICS,	P_STR,	F(metrics), 0, 0 },
	{ "summary-json", ARG,	O_SUMMARY_JSON,	P_STR,	F(summary_json), 0, 0 },
	{ "dry-run",	NOARG,	O_DRY_RUN,	P_FLAG,	F(dry_run), 0, 0 },
	{ "wait",	NOARG,	O_WAIT,		P_FLAG,	F(wait), 0, 0 },
	{ "wait-timeout", ARG,	O_WAIT_TIMEOUT,	P_DUR,	F(wait_timeout_ms), 1, 0 },
	{ "poll-interval", ARG,	O_POLL_INTERVAL, P_DUR,	F(poll_interval_ms), 1,
	    0 },
	{ "precheck",	NOARG,	O_PRECHECK,	P_FLAG,	F(precheck), 0, 0 },
	{ "report",	ARG,	'o',		P_STR,	F(report), 0, 0 },
	{ "progress",	ARG,	O_PROGRESS,	P_OWN,	0, 0, 0 },
	{ "quiet",	NOARG,	'q',		P_FLAG,	F(quiet), 0, 0 },
	{ "op",		ARG,	O_OP,		P_STR,	F(op), 0, 0 },
	{ "set",	ARG,	O_SET,		P_OWN,	0, 0, 0 },
	{ "delimiter",	ARG,	O_DELIMITER,	P_OWN,	0, 0, 0 },
	{ "encoding",	ARG,	O_ENCODING,	P_STR,	F(encoding), 0, 0 },
	{ "sheet",	ARG,	O_SHEET,	P_STR,	F(sheet), 0, 0 },
	{ "skip-invalid", NOARG, O_SKIP_INVALID, P_FLAG, F(skip_invalid), 0, 0 },
	{ "allow-old-dates", NOARG, O_ALLOW_OLD_DATES, P_FLAG,
	    F(allow_old_dates), 0, 0 },
	{ "catalog",	ARG,	O_CATALOG,	P_OWN,	0, 0, 0 },
	{ "endpoint",	ARG,	O_ENDPOINT,	P_OWN,	0, 0, 0 },
	{ "region",	ARG,	O_REGION,	P_STR,	F(region), 0, 0 },
	{ "cloud",	ARG,	O_CLOUD,	P_STR,	F(cloud), 0, 0 },
	{ "tz",		ARG,	O_TZ,		P_STR,	F(tz), 0, 0 },
	{ "token-file",	ARG,	O_TOKEN_FILE,	P_STR,	F(token_file), 0, 0 },
	{ "cacert",	ARG,	O_CACERT,	P_STR,	F(cacert), 0, 0 },
	{ "insecure",	NOARG,	O_INSECURE,	P_FLAG,	F(insecure), 0, 0 },
	{ "seed",	ARG,	O_SEED,		P_OWN,	0, 0, 0 },
	{ "help",	NOARG,	O_HELP,		P_OWN,	0, 0, 0 },
	{ "version",	NOARG,	O_VERSION,	P_OWN,	0, 0, 0 },
#undef ARG
#undef NOARG
#undef F
};
#define NSPECS	(sizeof(specs) / sizeof(specs[0]))

/* The spec of option c, or NULL. */
static const struct spec *
spec_of(int c)
{
	size_t i;

	for (i = 0; i < NSPECS; i++)
		if (specs[i].val == c)
			return &specs[i];
	return NULL;
}

void
br_cli_usage(const char *cmd, FILE *f)
{

	if (cmd == NULL || strcmp(cmd, "run") != 0) {
		fputs(
"usage: bulkrun run MANIFEST [options]       run every row; write the report\n"
"       bulkrun validate MANIFEST [options]  check every row, send nothing\n"
"       bulkrun status MANIFEST [options]    read every row's resource once\n"
"       bulkrun merge REPORT... -o FILE      put shard reports (or a report and\n"
"                                            its --resume continuation) together\n"
"       bulkrun ops [NAME]                   list operations, or show one\n"
"       bulkrun ops NAME --template FILE.xlsx  a workbook to start from\n"
"       bulkrun --help | --version\n"
"\n"
"MANIFEST is a .csv, .json or .jsonl file, or - for standard input.\n"
"'bulkrun run --help' lists the options; 'man bulkrun' tells it all.\n", f);
		return;
	}
	fputs(
"usage: bulkrun run MANIFEST [options]\n"
"\n"
"Input\n"
"  --op NAME               operation for rows without an 'op' column\n"
"  --set NAME=VALUE        fill a parameter the row leaves empty (repeatable)\n"
"  --delimiter C           CSV delimiter: ',' ';' or 'tab' (default: detect)\n"
"  --encoding E            the manifest is cp1252 or latin1, not UTF-8\n"
"  --sheet NAME            a workbook (.xlsx): the sheet to read (the first)\n"
"  --catalog FILE          add operations from FILE (repeatable)\n"
"  --skip-invalid          run the valid rows, report the others 'invalid'\n"
"  --tz ZONE               time zone for local dates (default: local)\n"
"  --allow-old-dates       take dates before 1973-03-03 (else refused as\n"
"                          date serials or epoch seconds)\n"
"  --shard K/N             only rows with (row-1) mod N = K-1\n"
"  --shard-env VAR/N       the same, K-1 from env VAR (JOB_COMPLETION_INDEX,\n"
"                          SLURM_ARRAY_TASK_ID)\n"
"  --resume REPORT         do not send again what succeeded in REPORT\n"
"  --resume-mismatch skip|send  a row that succeeded there and differs now:\n"
"                          reported skipped (skip), or sent again\n"
"Where and as whom\n"
"  --endpoint URL          send every service to URL\n"
"  --endpoint SERVICE=URL  send one service to URL (repeatable)\n"
"  --region REGION         the hosts of REGION (eu-de, cn-north-4, ...)\n"
"  --cloud huaweicloud|otc the cloud of a region bulkrun does not know\n"
"  --token-file FILE       IAM token (else env BULKRUN_AUTH_TOKEN)\n"
"  --cacert FILE           trust this CA bundle too\n"
"  --insecure              do not verify TLS certificates (dangerous)\n"
"Running\n"
"  -j, --jobs N            requests in flight at once (8)\n"
"  --rate R                20, 20/s, 600/m, unlimited; SERVICE=R (10/s)\n"
"  --burst N               requests at once after an idle spell (1)\n"
"  --retries N             retries after the first attempt (3)\n"
"  --retry-on LIST         net, net-unsafe, statuses, error codes\n"
"                          (net,429,500,502,503,504)\n"
"  --backoff D             first backoff, full jitter (500ms)\n"
"  --max-backoff D         longest backoff and Retry-After (30s)\n"
"  --timeout D             per attempt (30s)\n"
"  --connect-timeout D     per attempt (10s)\n"
"  --max-failures N|P%     stop starting rows once failures exceed it\n"
"  --canary N              first N rows one at a time; a failure stops all\n"
"  --not-before T          start no row before T (ISO 8601, or HH:MM)\n"
"  --not-after T           start no row after T\n"
"  --window HH:MM-HH:MM    wait for the daily window; stop when it closes\n"
"  --dry-run               print each request, send nothing\n"
"Waiting for the result\n"
"  --wait                  poll until each row's resource is healthy again;\n"
"                          -j then bounds the operations in progress\n"
"  --wait-timeout D        give up verifying a row after D (the catalog's)\n"
"  --poll-interval D       first poll D after the answer, then every D\n"
"  --precheck              read each resource first; skip rows not healthy\n"
"Report\n"
"  -o, --report PATH       .csv, .tsv, .jsonl or .xlsx (reports/NAME-UTCSTAMP.csv)\n"
"  --progress auto|always|never, -q/--quiet\n"
"Unattended runs\n"
"  --lock FILE             hold an advisory lock on FILE for the whole run;\n"
"                          held by another run: exit 75, nothing sent\n"
"  --lock-wait D           wait up to D for the lock first (0)\n"
"  --metrics FILE          write the run's figures for node_exporter's\n"
"                          textfile collector (Prometheus text format)\n"
"  --summary-json FILE     write the summary as one JSON document\n"
"\n"
"Exit: 0 all succeeded, 1 some failed or invalid, 2 usage or manifest error\n"
"(nothing sent), 3 halted, 4 the report could not be written, 75 --lock is\n"
"held by another run (nothing sent), 130/143 interrupted.\n", f);
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
bad(const char *fmt, ...)
{
	va_list ap;

	fputs("bulkrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'bulkrun --help'.\n", stderr);
	return 2;
}

int
br_duration_parse(const char *s, int64_t *ms)
{
	char *end;
	double v, mul = 1000.0;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		mul = 1.0;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		mul = 1000.0;
	else if (strcmp(end, "m") == 0)
		mul = 60000.0;
	else if (strcmp(end, "h") == 0)
		mul = 3600000.0;
	else
		return -1;
	if (v * mul > 1e12)
		return -1;
	*ms = (int64_t)llround(v * mul);
	return 0;
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Sets what a plain option c (not P_OWN) sets from arg: 0 done, 1 when c
 * is not a plain option, else 2 after the usage message. */
static int
set_plain(struct br_opts *o, int c, const char *arg)
{
	const struct spec *sp = spec_of(c);
	char *f;
	int64_t d;
	long v;

	if (sp == NULL || sp->shape == P_OWN)
		return 1;
	f = (char *)o + sp->off;
	if (sp->shape == P_STR) {
		*(const char **)(void *)f = arg;
	} else if (sp->shape == P_FLAG) {
		*(int *)(void *)f = 1;
	} else if (sp->shape == P_DUR) {
		if (br_duration_parse(arg, &d) != 0)
			return bad("--%s: cannot read the duration '%s' "
			    "(try 500ms, 30s, 2m)", sp->name, arg);
		if (d < sp->lo)
			return bad("--%s: a timeout must be above 0",
			    sp->name);
		*(int64_t *)(void *)f = d;
	} else if (parse_long(arg, sp->lo, sp->hi, &v) != 0) {
		return bad("--%s: '%s' is not a number from %ld to %ld",
		    sp->name, arg, sp->lo, sp->hi);
	} else if (sp->shape == P_INT) {
		*(int *)(void *)f = (int)v;
	} else {
		*(double *)(void *)f = (double)v;
	}
	return 0;
}

/* Splits "NAME=VALUE" into two strings owned by o. */
static int
split_eq(struct br_opts *o, const char *arg, const char **name,
    const char **value)
{
	const char *eq = strchr(arg, '=');
	char *n;

	if (eq == NULL || eq == arg || o->_nowned + 1 >= sizeof(o->_owned) /
	    sizeof(o->_owned[0]))
		return -1;
	if ((n = strndup(arg, (size_t)(eq - arg))) == NULL)
		return -1;
	o->_owned[o->_nowned++] = n;
	*name = n;
	*value = eq + 1;
	return 0;
}

/* --shard-env VAR/N: K from the environment, now (a usage error if it
 * is unset or out of range). */
static int
shard_env(struct br_opts *o, const char *arg)
{
	char var[128], msg[512];

	if (o->shard_n != 0 && o->shard_env == NULL)
		return bad("%s", "--shard and --shard-env: give one of them");
	if (br_shard_env_spec(arg, var, sizeof(var), &o->shard_n, msg,
	    sizeof(msg)) != 0 || br_shard_env_index(var, getenv(var),
	    o->shard_n, &o->shard_k, msg, sizeof(msg)) != 0)
		return bad("%s", msg);
	o->shard_env = arg;
	return 0;
}

static void
defaults(struct br_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = 8;
	o->rate = 10;
	o->burst = 1;
	br_retry_defaults(&o->retry);
	o->timeout_ms = 30000;
	o->connect_timeout_ms = 10000;
	o->max_failures = -1;
	o->max_failures_pct = -1;
}

int
br_cli_parse(struct br_opts *o, int argc, char **argv)
{
	struct option longopts[NSPECS + 1];
	const char *cmd, *name, *value;
	char msg[256], *end;
	size_t i;
	double r;
	long v;
	int c, rc;

	defaults(o);
	if (argc < 2)
		return bad("%s", "missing command: run, validate, status, merge or ops");
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		o->cmd = BR_CMD_HELP;
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		o->cmd = BR_CMD_VERSION;
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		o->cmd = BR_CMD_RUN;
	else if (strcmp(cmd, "validate") == 0)
		o->cmd = BR_CMD_VALIDATE;
	else if (strcmp(cmd, "ops") == 0)
		o->cmd = BR_CMD_OPS;
	else if (strcmp(cmd, "status") == 0)
		o->cmd = BR_CMD_STATUS;
	else if (strcmp(cmd, "merge") == 0)
		o->cmd = BR_CMD_MERGE;
	else
		return bad("unknown command '%s': run, validate, status, merge or ops",
		    cmd);

	for (i = 0; i < NSPECS; i++) {
		longopts[i].name = specs[i].name;
		longopts[i].has_arg = specs[i].has_arg;
		longopts[i].flag = NULL;
		longopts[i].val = specs[i].val;
	}
	memset(&longopts[NSPECS], 0, sizeof(longopts[0]));
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j:o:q", longopts, NULL)) != -1) {
		if ((rc = set_plain(o, c, optarg)) != 1) {
			if (rc != 0)
				return rc;
			continue;
		}
		switch (c) {
		case O_RATE:
			if (strchr(optarg, '=') != NULL) {
				if (o->nsvc_rates == BR_MAX_LIST ||
				    split_eq(o, optarg, &name, &value) != 0 ||
				    br_rate_parse(value, &r) != 0)
					return bad("--rate: cannot read '%s'",
					    optarg);
				o->svc_rates[o->nsvc_rates].service = name;
				o->svc_rates[o->nsvc_rates++].rate = r;
			} else if (br_rate_parse(optarg, &o->rate) != 0)
				return bad("--rate: cannot read '%s' (try 20, "
				    "20/s, 600/m or unlimited)", optarg);
			break;
		case O_RETRY_ON:
			if (br_retry_parse_on(&o->retry, optarg, msg,
			    sizeof(msg)) != 0)
				return bad("%s", msg);
			break;
		case O_MAX_FAILURES:
			r = strtod(optarg, &end);
			if (end != optarg && strcmp(end, "%") == 0 && r >= 0 &&
			    r <= 100)
				o->max_failures_pct = r;
			else if (parse_long(optarg, 0, 1000000000L, &v) == 0)
				o->max_failures = v;
			else
				return bad("--max-failures: '%s' is not a "
				    "count or a percentage", optarg);
			break;
		case O_CANARY:
			if (parse_long(optarg, 0, 1000000, &v) != 0)
				return bad("--canary: '%s' is not a count",
				    optarg);
			o->canary = v;
			break;
		case O_SHARD_ENV:
			if ((rc = shard_env(o, optarg)) != 0)
				return rc;
			break;
		case O_SHARD:
			if (o->shard_env != NULL)
				return bad("%s", "--shard and --shard-env: "
				    "give one of them");
			if (sscanf(optarg, "%ld/%ld%n", &o->shard_k,
			    &o->shard_n, &c) != 2 || optarg[c] != '\0' ||
			    o->shard_n < 1 || o->shard_k < 1 ||
			    o->shard_k > o->shard_n)
				return bad("--shard: '%s' is not K/N with "
				    "1 <= K <= N", optarg);
			break;
		case O_PROGRESS:
			if (strcmp(optarg, "auto") == 0)
				o->progress = 0;
			else if (strcmp(optarg, "always") == 0)
				o->progress = 1;
			else if (strcmp(optarg, "never") == 0)
				o->progress = -1;
			else
				return bad("--progress: '%s' is not auto, "
				    "always or never", optarg);
			break;
		case O_RESUME_MISMATCH:
			if (strcmp(optarg, "skip") != 0 &&
			    strcmp(optarg, "send") != 0)
				return bad("--resume-mismatch: '%s' is not skip "
				    "or send", optarg);
			o->resume_send = optarg[1] == 'e';
			break;
		case O_SET:
			if (o->nsets == BR_MAX_LIST ||
			    split_eq(o, optarg, &name, &value) != 0)
				return bad("--set: '%s' is not NAME=VALUE",
				    optarg);
			o->sets[o->nsets].name = name;
			o->sets[o->nsets++].value = value;
			break;
		case O_DELIMITER:
			if (strcmp(optarg, ",") == 0 ||
			    strcmp(optarg, "comma") == 0)
				o->delimiter = ',';
			else if (strcmp(optarg, ";") == 0 ||
			    strcmp(optarg, "semicolon") == 0)
				o->delimiter = ';';
			else if (strcmp(optarg, "\t") == 0 ||
			    strcmp(optarg, "tab") == 0 ||
			    strcmp(optarg, "\\t") == 0)
				o->delimiter = '\t';
			else
				return bad("--delimiter: '%s' is not ',', ';' "
				    "or tab", optarg);
			break;
		case O_CATALOG:
			if (o->ncatalogs == BR_MAX_LIST)
				return bad("%s", "too many --catalog");
			o->catalogs[o->ncatalogs++] = optarg;
			break;
		case O_ENDPOINT:
			if (strncmp(optarg, "http://", 7) == 0 ||
			    strncmp(optarg, "https://", 8) == 0) {
				o->endpoint_all = optarg;
				break;
			}
			if (o->neps == BR_MAX_LIST ||
			    split_eq(o, optarg, &name, &value) != 0)
				return bad("--endpoint: '%s' is neither a URL "
				    "nor SERVICE=URL", optarg);
			o->ep_names[o->neps] = name;
			o->ep_urls[o->neps++] = value;
			break;
		case O_SEED:
			o->seed = strtoull(optarg, NULL, 10);
			break;
		case O_HELP:
			o->cmd = BR_CMD_HELP;
			o->manifest = cmd;	/* which command's help */
			return 0;
		case O_VERSION:
			o->cmd = BR_CMD_VERSION;
			return 0;
		case ':':
			return bad("option '%s' needs a value",
			    argv[optind - 1]);
		default:
			return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->cmd == BR_CMD_MERGE) {
		if (optind >= argc || o->report == NULL)
			return bad("%s", "merge: usage: bulkrun merge "
			    "REPORT... -o FILE");
		o->inputs = argv + optind;
		o->ninputs = (size_t)(argc - optind);
		optind = argc;
	} else if (o->cmd == BR_CMD_OPS) {
		if (optind < argc)
			o->manifest = argv[optind++];
	} else {
		if (optind >= argc)
			return bad("%s: missing MANIFEST (a file, or - for "
			    "standard input)", cmd);
		o->manifest = argv[optind++];
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (o->template_path != NULL && (o->cmd != BR_CMD_OPS ||
	    o->manifest == NULL))
		return bad("%s", "--template goes with 'bulkrun ops NAME'");
	if (o->lock_wait_ms > 0 && o->lock == NULL)
		return bad("%s", "--lock-wait: waits for --lock FILE, which "
		    "is not given");
	if (o->retry.max_ms < o->retry.base_ms)
		o->retry.max_ms = o->retry.base_ms;
	return 0;
}

void
br_cli_release(struct br_opts *o)
{

	br_text_free_all(o->_owned, o->_nowned);
	o->_nowned = 0;
}
