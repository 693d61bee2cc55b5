/*
 * cli.c - the command line into struct br_opts: commands, options and
 * their values (durations, rates, shards), usage text.  Prints usage
 * errors; exits nowhere.
 */
#include <ctype.h>
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

enum {
	O_RATE = 256, O_BURST, O_RETRIES, O_RETRY_ON, O_BACKOFF, O_MAX_BACKOFF,
	O_TIMEOUT, O_CONNECT_TIMEOUT, O_MAX_FAILURES, O_CANARY, O_NOT_BEFORE,
	O_NOT_AFTER, O_WINDOW, O_RESUME, O_SHARD, O_DRY_RUN, O_PROGRESS,
	O_OP, O_SET, O_DELIMITER, O_SKIP_INVALID, O_CATALOG, O_ENDPOINT,
	O_REGION, O_TZ, O_TOKEN_FILE, O_CACERT, O_INSECURE, O_SEED, O_HELP,
	O_VERSION
};

static const struct option longopts[] = {
	{ "jobs",		required_argument, NULL, 'j' },
	{ "rate",		required_argument, NULL, O_RATE },
	{ "burst",		required_argument, NULL, O_BURST },
	{ "retries",		required_argument, NULL, O_RETRIES },
	{ "retry-on",		required_argument, NULL, O_RETRY_ON },
	{ "backoff",		required_argument, NULL, O_BACKOFF },
	{ "max-backoff",	required_argument, NULL, O_MAX_BACKOFF },
	{ "timeout",		required_argument, NULL, O_TIMEOUT },
	{ "connect-timeout",	required_argument, NULL, O_CONNECT_TIMEOUT },
	{ "max-failures",	required_argument, NULL, O_MAX_FAILURES },
	{ "canary",		required_argument, NULL, O_CANARY },
	{ "not-before",		required_argument, NULL, O_NOT_BEFORE },
	{ "not-after",		required_argument, NULL, O_NOT_AFTER },
	{ "window",		required_argument, NULL, O_WINDOW },
	{ "resume",		required_argument, NULL, O_RESUME },
	{ "shard",		required_argument, NULL, O_SHARD },
	{ "dry-run",		no_argument,	   NULL, O_DRY_RUN },
	{ "report",		required_argument, NULL, 'o' },
	{ "progress",		required_argument, NULL, O_PROGRESS },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "op",			required_argument, NULL, O_OP },
	{ "set",		required_argument, NULL, O_SET },
	{ "delimiter",		required_argument, NULL, O_DELIMITER },
	{ "skip-invalid",	no_argument,	   NULL, O_SKIP_INVALID },
	{ "catalog",		required_argument, NULL, O_CATALOG },
	{ "endpoint",		required_argument, NULL, O_ENDPOINT },
	{ "region",		required_argument, NULL, O_REGION },
	{ "tz",			required_argument, NULL, O_TZ },
	{ "token-file",		required_argument, NULL, O_TOKEN_FILE },
	{ "cacert",		required_argument, NULL, O_CACERT },
	{ "insecure",		no_argument,	   NULL, O_INSECURE },
	{ "seed",		required_argument, NULL, O_SEED },
	{ "help",		no_argument,	   NULL, O_HELP },
	{ "version",		no_argument,	   NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* The long name of option c ("timeout"), for messages. */
static const char *
long_name(int c)
{
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == c)
			return longopts[i].name;
	return "?";
}

void
br_cli_usage(const char *cmd, FILE *f)
{

	if (cmd == NULL || strcmp(cmd, "run") != 0) {
		fputs(
"usage: bulkrun run MANIFEST [options]       run every row; write the report\n"
"       bulkrun validate MANIFEST [options]  check every row, send nothing\n"
"       bulkrun ops [NAME]                   list operations, or show one\n"
"       bulkrun --help | --version\n"
"\n"
"MANIFEST is a .csv, .json or .jsonl file, or - for standard input.\n"
"'bulkrun run --help' lists the options.\n", f);
		return;
	}
	fputs(
"usage: bulkrun run MANIFEST [options]\n"
"\n"
"Input\n"
"  --op NAME               operation for rows without an 'op' column\n"
"  --set NAME=VALUE        fill a parameter the row leaves empty (repeatable)\n"
"  --delimiter C           CSV delimiter: ',' ';' or 'tab' (default: detect)\n"
"  --catalog FILE          add operations from FILE (repeatable)\n"
"  --skip-invalid          run the valid rows, report the others 'invalid'\n"
"  --tz ZONE               time zone for local dates (default: local)\n"
"  --shard K/N             only rows with (row-1) mod N = K-1\n"
"  --resume REPORT         do not send again what succeeded in REPORT\n"
"Where and as whom\n"
"  --endpoint URL          send every service to URL\n"
"  --endpoint SERVICE=URL  send one service to URL (repeatable)\n"
"  --region REGION         fill the catalog's host pattern\n"
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
"Report\n"
"  -o, --report PATH       .csv or .jsonl (reports/NAME-UTCSTAMP.csv)\n"
"  --progress auto|always|never, -q/--quiet\n"
"\n"
"Exit: 0 all succeeded, 1 some failed or invalid, 2 usage or manifest error\n"
"(nothing sent), 3 halted, 4 the report could not be written, 130/143\n"
"interrupted.\n", f);
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
	const char *cmd, *name, *value;
	char msg[256], *end;
	int64_t d;
	double r;
	long v;
	int c;

	defaults(o);
	if (argc < 2)
		return bad("%s", "missing command: run, validate or ops");
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
	else
		return bad("unknown command '%s': run, validate or ops", cmd);

	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j:o:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (parse_long(optarg, 1, 1024, &v) != 0)
				return bad("--jobs: '%s' is not a number from "
				    "1 to 1024", optarg);
			o->jobs = (int)v;
			break;
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
		case O_BURST:
			if (parse_long(optarg, 1, 100000, &v) != 0)
				return bad("--burst: '%s' is not a number from "
				    "1 to 100000", optarg);
			o->burst = (double)v;
			break;
		case O_RETRIES:
			if (parse_long(optarg, 0, 100, &v) != 0)
				return bad("--retries: '%s' is not a number "
				    "from 0 to 100", optarg);
			o->retry.retries = (int)v;
			break;
		case O_RETRY_ON:
			if (br_retry_parse_on(&o->retry, optarg, msg,
			    sizeof(msg)) != 0)
				return bad("%s", msg);
			break;
		case O_BACKOFF:
		case O_MAX_BACKOFF:
		case O_TIMEOUT:
		case O_CONNECT_TIMEOUT:
			if (br_duration_parse(optarg, &d) != 0)
				return bad("--%s: cannot read the duration '%s' "
				    "(try 500ms, 30s, 2m)", long_name(c),
				    optarg);
			if (c == O_BACKOFF)
				o->retry.base_ms = d;
			else if (c == O_MAX_BACKOFF)
				o->retry.max_ms = d;
			else if (d == 0)
				return bad("--%s: a timeout must be above 0",
				    long_name(c));
			else if (c == O_TIMEOUT)
				o->timeout_ms = d;
			else
				o->connect_timeout_ms = d;
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
		case O_NOT_BEFORE:
			o->not_before = optarg;
			break;
		case O_NOT_AFTER:
			o->not_after = optarg;
			break;
		case O_WINDOW:
			o->window = optarg;
			break;
		case O_RESUME:
			o->resume = optarg;
			break;
		case O_SHARD:
			if (sscanf(optarg, "%ld/%ld%n", &o->shard_k,
			    &o->shard_n, &c) != 2 || optarg[c] != '\0' ||
			    o->shard_n < 1 || o->shard_k < 1 ||
			    o->shard_k > o->shard_n)
				return bad("--shard: '%s' is not K/N with "
				    "1 <= K <= N", optarg);
			break;
		case O_DRY_RUN:
			o->dry_run = 1;
			break;
		case 'o':
			o->report = optarg;
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
		case 'q':
			o->quiet = 1;
			break;
		case O_OP:
			o->op = optarg;
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
		case O_SKIP_INVALID:
			o->skip_invalid = 1;
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
		case O_REGION:
			o->region = optarg;
			break;
		case O_TZ:
			o->tz = optarg;
			break;
		case O_TOKEN_FILE:
			o->token_file = optarg;
			break;
		case O_CACERT:
			o->cacert = optarg;
			break;
		case O_INSECURE:
			o->insecure = 1;
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
	if (o->cmd == BR_CMD_OPS) {
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
	if (o->retry.max_ms < o->retry.base_ms)
		o->retry.max_ms = o->retry.base_ms;
	return 0;
}

void
br_cli_release(struct br_opts *o)
{
	size_t i;

	for (i = 0; i < o->_nowned; i++)
		free(o->_owned[i]);
	o->_nowned = 0;
}
