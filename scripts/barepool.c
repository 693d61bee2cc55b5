/*
 * barepool.c - the ceiling of scripts/bench.sh: a bare libcurl pool.
 *
 *	barepool [-j THREADS] [-n ROWS] BASE_URL PROJECT_ID
 *
 * THREADS threads (default 64), one easy handle each, kept alive for the
 * whole run, send ROWS (default 20000) requests of css.restart_cluster,
 * exactly as bulkrun sends them for bench.sh's manifest (cluster ids
 * c00000001, c00000002, ...): POST BASE_URL/v1.0/PROJECT_ID/clusters/ID/
 * restart, an empty body, "Accept: application/json" and bulkrun's
 * User-Agent.  Each thread takes the next row from a shared counter.  No
 * manifest is read, no report is written, answers are thrown away: only
 * the count of 2xx answers is kept.  Prints one line on stderr; exit 0
 * when every answer was 2xx, 1 otherwise, 2 on a usage error.
 *
 * Not part of `make all`: `make bench-tools` builds build/barepool.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "version.h"

static const char	*base, *project;
static long		 rows = 20000;
static atomic_long	 next_row, ok, bad, failed;

static size_t
discard(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static void *
worker(void *arg)
{
	struct curl_slist *h = NULL;
	char url[1024];
	CURL *c;
	long i, code;

	(void)arg;
	if ((c = curl_easy_init()) == NULL)
		return NULL;
	h = curl_slist_append(h, "Accept: application/json");
	/* libcurl's default for a POST; bulkrun sends none */
	h = curl_slist_append(h, "Content-Type:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "bulkrun/" BR_VERSION);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	while ((i = atomic_fetch_add(&next_row, 1) + 1) <= rows) {
		snprintf(url, sizeof(url), "%s/v1.0/%s/clusters/c%08ld/restart",
		    base, project, i);
		curl_easy_setopt(c, CURLOPT_URL, url);
		if (curl_easy_perform(c) != CURLE_OK) {
			atomic_fetch_add(&failed, 1);
			continue;
		}
		code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200 && code < 300)
			atomic_fetch_add(&ok, 1);
		else
			atomic_fetch_add(&bad, 1);
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return NULL;
}

static int
usage(void)
{
	fprintf(stderr, "usage: barepool [-j THREADS] [-n ROWS] BASE_URL "
	    "PROJECT_ID\n");
	return 2;
}

int
main(int argc, char **argv)
{
	pthread_t *t;
	long jobs = 64, k, started = 0;
	char *end;
	int ch;

	while ((ch = getopt(argc, argv, "j:n:")) != -1) {
		switch (ch) {
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end != '\0' || jobs < 1 || jobs > 4096)
				return usage();
			break;
		case 'n':
			rows = strtol(optarg, &end, 10);
			if (*end != '\0' || rows < 1 || rows > 100000000)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 2)
		return usage();
	base = argv[optind];
	project = argv[optind + 1];
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
		fprintf(stderr, "barepool: curl_global_init failed\n");
		return 1;
	}
	if ((t = calloc((size_t)jobs, sizeof(*t))) == NULL) {
		fprintf(stderr, "barepool: out of memory\n");
		return 1;
	}
	for (k = 0; k < jobs; k++) {
		if (pthread_create(&t[k], NULL, worker, NULL) != 0)
			break;
		started++;
	}
	for (k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	free(t);
	curl_global_cleanup();
	fprintf(stderr, "barepool: %ld threads, %ld rows: %ld answered 2xx, "
	    "%ld other, %ld failed\n", started, rows, (long)ok, (long)bad,
	    (long)failed);
	return started == 0 || ok != rows ? 1 : 0;
}
