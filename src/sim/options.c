/*
 * options.c - bulkrun-sim's command line: the usage text and the option
 * parser.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "version.h"

#define STR_(x)		#x
#define STR(x)		STR_(x)	/* a macro's value as a string */

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: bulkrun-sim [--port N] [--log FILE] [--state FILE] [--seed N]\n"
"                   [--threads N] [--fail-rate P] [--drop-rate P]\n"
"                   [--garbage-rate P] [--throttle-rate R] [--retry-after S]\n"
"                   [--latency MS[:JITTER]] [--restart-ms MS[:JITTER]]\n"
"                   [--stale-ms MS] [--token T] [--aksk AK:SK]\n"
"                   [--max-skew S] [--iam-user NAME:PASSWORD]\n"
"                   [--iam-token-ttl S] [--expire-tokens-after N]\n"
"                   [--tls CERT KEY] [--max-body BYTES] [--help] [--version]\n"
"\n"
"Serves the five bulkrun operations and their read APIs on 127.0.0.1 and\n"
"prints \"bulkrun-sim listening on http://127.0.0.1:PORT\" (https with\n"
"--tls) once listening.\n"
"\n"
"  --port N           port to listen on; 0 picks a free one (default 0)\n"
"  --log FILE         append one JSON line per request (\"-\": stderr)\n"
"  --state FILE       JSON object: key id -> {status, body, headers, times,\n"
"                     delay_ms, on}; overrides the id conventions\n"
"  --seed N           seed of the fault draws and request ids\n"
"  --threads N        server threads (default 4)\n"
"  --fail-rate P      fraction of requests answered 503 (0..1 or N%%)\n"
"  --drop-rate P      fraction of connections closed without an answer\n"
"  --garbage-rate P   fraction answered 200 with a truncated JSON body\n"
"  --throttle-rate R  requests/s above which it answers 429 APIG.0308\n"
"  --retry-after S    Retry-After seconds sent with 429 (default 1)\n"
"  --latency MS[:J]   answer after MS ms plus 0..J ms\n"
"  --restart-ms MS[:J]\n"
"                     a resource reads in progress for MS ms plus 0..J ms\n"
"                     after a write (default 1000)\n"
"  --stale-ms MS      for MS ms after a write its reads still show the\n"
"                     state from before the write (default 0)\n"
"  --token T          require X-Auth-Token: T (else 401 APIG.0307)\n"
"  --aksk AK:SK       accept SDK-HMAC-SHA256 signatures by AK/SK\n"
"  --max-skew S       X-Sdk-Date tolerance in seconds (default 900; 0: any)\n"
"  --iam-user NAME:PASSWORD\n"
"                     serve POST /v3/auth/tokens (Keystone v3 password\n"
"                     auth) for this user; the API then needs a token it\n"
"                     issued (or --token T, or a signature with --aksk)\n"
"  --iam-token-ttl S  lifetime of an issued token in seconds (default 3600)\n"
"  --expire-tokens-after N\n"
"                     an issued token is good for N API requests, then 401\n"
"                     APIG.0307 (default: no limit)\n"
"  --tls CERT KEY     serve HTTPS with these PEM files (certificate chain,\n"
"                     unencrypted private key)\n"
"  --max-body BYTES   larger request bodies get 413 (default 1048576)\n"
"\n"
"Id conventions (missing-, flaky2-, slow500-, failverify-, stuck-,\n"
"gone-, restart2000-, ...) and the read routes: see README.md.\n");
}

static int usage_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* Says what is wrong, then the usage; returns the exit status 2. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bulkrun-sim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return 2;
}

/* --- numbers ------------------------------------------------------------ */

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* 0..1, or 0%..100% */
static int
parse_fraction(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0' || *s == ' ')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end != '\0' || !(v >= 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

/* Option name's MS or MS:JITTER, each 0 to SIM_MAX_DELAY: -1 to go on, or
 * the exit status 2 after a usage message that ends with "(hint)". */
static int
ms_jitter_option(const char *name, const char *arg, const char *hint,
    long *ms, long *jitter)
{
	char num[32], *colon;

	if (strlen(arg) < sizeof(num)) {
		snprintf(num, sizeof(num), "%s", arg);
		if ((colon = strchr(num, ':')) != NULL)
			*colon++ = '\0';
		if (parse_long(num, 0, SIM_MAX_DELAY, ms) == 0 &&
		    (colon == NULL || parse_long(colon, 0, SIM_MAX_DELAY,
		    jitter) == 0))
			return -1;
	}
	return usage_error("bad %s '%s' (%s)", name, arg, hint);
}

/* Splits NAME:SECRET at the first ':' (both parts not empty): *name gets
 * a copy of NAME (its old value freed), *secret points into arg.  0, -1
 * when arg is not of that form, -2 when out of memory. */
static int
split_pair(const char *arg, char **name, const char **secret)
{
	const char *colon = strchr(arg, ':');

	if (colon == NULL || colon == arg || colon[1] == '\0')
		return -1;
	free(*name);
	if ((*name = strndup(arg, (size_t)(colon - arg))) == NULL)
		return -2;
	*secret = colon + 1;
	return 0;
}

int
sim_options_parse(int argc, char **argv, struct sim_conf *cf)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "state", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "threads", required_argument, NULL, 't' },
		{ "fail-rate", required_argument, NULL, 'f' },
		{ "drop-rate", required_argument, NULL, 'd' },
		{ "garbage-rate", required_argument, NULL, 'g' },
		{ "throttle-rate", required_argument, NULL, 'r' },
		{ "retry-after", required_argument, NULL, 'R' },
		{ "latency", required_argument, NULL, 'L' },
		{ "restart-ms", required_argument, NULL, 'm' },
		{ "stale-ms", required_argument, NULL, 'a' },
		{ "token", required_argument, NULL, 'T' },
		{ "aksk", required_argument, NULL, 'A' },
		{ "max-skew", required_argument, NULL, 'k' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "iam-user", required_argument, NULL, 'U' },
		{ "iam-token-ttl", required_argument, NULL, 'E' },
		{ "expire-tokens-after", required_argument, NULL, 'N' },
		{ "tls", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long u;
	char *end;
	long v;
	int ch, rc;

	opterr = 0;
	/* "+": no permutation, so --tls may take the word after its value */
	while ((ch = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (parse_long(optarg, 0, 65535, &v) == -1)
				return usage_error("bad --port '%s'", optarg);
			cf->port = (unsigned)v;
			break;
		case 'l':
			cf->log = optarg;
			break;
		case 's':
			cf->state = optarg;
			break;
		case 'S':
			errno = 0;
			u = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0)
				return usage_error("bad --seed '%s'", optarg);
			cf->seed = (uint64_t)u;
			break;
		case 't':
			if (parse_long(optarg, 1, 256, &v) == -1)
				return usage_error("bad --threads '%s' "
				    "(1 to 256)", optarg);
			cf->threads = (unsigned)v;
			break;
		case 'f':
		case 'd':
		case 'g':
			if (parse_fraction(optarg, ch == 'f' ? &cf->fail_rate :
			    ch == 'd' ? &cf->drop_rate : &cf->garbage_rate) ==
			    -1)
				return usage_error("bad rate '%s' (0..1 or "
				    "N%%)", optarg);
			break;
		case 'r':
			errno = 0;
			cf->throttle_rate = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    !(cf->throttle_rate > 0 &&
			    cf->throttle_rate <= 1e9))
				return usage_error("bad --throttle-rate '%s'",
				    optarg);
			break;
		case 'R':
			if (parse_long(optarg, 0, 86400, &v) == -1)
				return usage_error("bad --retry-after '%s' "
				    "(0 to 86400)", optarg);
			snprintf(cf->retry_after, sizeof(cf->retry_after),
			    "%ld", v);
			break;
		case 'L':
			if ((rc = ms_jitter_option("--latency", optarg,
			    "MS[:JITTER]", &cf->latency_ms, &cf->jitter_ms)) !=
			    -1)
				return rc;
			break;
		case 'm':
			if ((rc = ms_jitter_option("--restart-ms", optarg,
			    "MS[:JITTER], at most " STR(SIM_MAX_DELAY) " each",
			    &cf->restart_ms, &cf->restart_jitter_ms)) != -1)
				return rc;
			break;
		case 'a':
			if (parse_long(optarg, 0, SIM_MAX_DELAY,
			    &cf->stale_ms) == -1)
				return usage_error("bad --stale-ms '%s' (0 to "
				    "%d)", optarg, SIM_MAX_DELAY);
			break;
		case 'T':
			if (*optarg == '\0')
				return usage_error("empty --token");
			cf->token = optarg;
			break;
		case 'A':
			if ((rc = split_pair(optarg, &cf->ak, &cf->sk)) != 0)
				return rc == -1 ? usage_error("bad --aksk "
				    "(AK:SK)") : usage_error("out of memory");
			break;
		case 'k':
			if (parse_long(optarg, 0, LONG_MAX / 2, &v) == -1)
				return usage_error("bad --max-skew '%s'",
				    optarg);
			cf->max_skew = v;
			break;
		case 'b':
			if (parse_long(optarg, 0, 64L * 1024 * 1024, &v) == -1)
				return usage_error("bad --max-body '%s' "
				    "(0 to 67108864)", optarg);
			cf->max_body = (size_t)v;
			break;
		case 'U':
			if ((rc = split_pair(optarg, &cf->iam_user,
			    &cf->iam_password)) != 0)
				return rc == -1 ? usage_error("bad --iam-user "
				    "(NAME:PASSWORD)") :
				    usage_error("out of memory");
			break;
		case 'E':		/* a token's life: seconds, requests */
		case 'N':
			if (parse_long(optarg, 1, ch == 'E' ? 366L * 86400 :
			    LONG_MAX, &v) == -1)
				return usage_error(ch == 'E' ? "bad "
				    "--iam-token-ttl '%s' (1 to 31622400 "
				    "seconds)" : "bad --expire-tokens-after "
				    "'%s' (1 or more)", optarg);
			*(ch == 'E' ? &cf->iam_ttl : &cf->expire_after) = v;
			cf->iam_opts = 1;
			break;
		case 'C':
			if (optind >= argc || *optarg == '\0' ||
			    *argv[optind] == '\0')
				return usage_error("--tls needs CERT and KEY");
			cf->tls_cert = optarg;
			cf->tls_key = argv[optind++];
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("bulkrun-sim %s\n", BR_VERSION);
			return 0;
		case ':':
			return usage_error("option '%s' needs a value",
			    argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (cf->iam_opts && cf->iam_user == NULL)
		return usage_error("--iam-token-ttl and --expire-tokens-after "
		    "need --iam-user");
	return -1;
}
