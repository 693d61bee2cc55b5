/*
 * barepool.c - the ceiling of scripts/bench.sh: a bare libcurl pool.
 *
 *	barepool [-j HANDLES] [-t THREADS] [-n ROWS] BASE_URL PROJECT_ID
 *
 * HANDLES threads (default 64), one easy handle each, kept alive for the
 * whole run, send ROWS (default 20000) requests of css.restart_cluster,
 * exactly as bulkrun sends them for bench.sh's manifest (cluster ids
 * c00000001, c00000002, ...): POST BASE_URL/v1.0/PROJECT_ID/clusters/ID/
 * restart, an empty body, "Accept: application/json" and bulkrun's
 * User-Agent.  Each thread takes the next row from a shared counter.  No
 * manifest is read, no report is written, answers are thrown away: only
 * the count of 2xx answers is kept.  Prints one line on stderr; exit 0
 * when every answer was 2xx, 1 otherwise, 2 on a usage error.
 *
 * With -t THREADS, the HANDLES easy handles are shared out among THREADS
 * threads instead, each driving its share through a libcurl multi handle
 * (bulkrun's own way: two threads, multi handles): on a machine with few
 * cores, 64 threads blocking in curl_easy_perform pay a context switch a
 * request, and this is the tighter ceiling.
 *
 * Not part of `make all`: `make bench-tools` builds build/barepool.
 */
#include <pthread.h>
#include <stdint.h>
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

/* The next row's URL into buf; 0 when every row has been taken. */
static int
next_url(char *buf, size_t len)
{
	long i = atomic_fetch_add(&next_row, 1) + 1;

	if (i > rows)
		return 0;
	snprintf(buf, len, "%s/v1.0/%s/clusters/c%08ld/restart", base,
	    project, i);
	return 1;
}

static void
count(CURL *c, CURLcode rc)
{
	long code = 0;

	if (rc != CURLE_OK) {
		atomic_fetch_add(&failed, 1);
		return;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		atomic_fetch_add(&ok, 1);
	else
		atomic_fetch_add(&bad, 1);
}

static size_t
discard(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static CURL *
handle(struct curl_slist *h)
{
	CURL *c;

	if ((c = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "bulkrun/" BR_VERSION);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	return c;
}

static struct curl_slist	*hdrs;

/* One handle, one thread, blocking. */
static void *
worker(void *arg)
{
	char url[1024];
	CURL *c;

	(void)arg;
	if ((c = handle(hdrs)) == NULL)
		return NULL;
	while (next_url(url, sizeof(url))) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		count(c, curl_easy_perform(c));
	}
	curl_easy_cleanup(c);
	return NULL;
}

/* -t: nh handles (passed as the argument) through one multi handle. */
static void *
multi_worker(void *arg)
{
	long nh = (long)(intptr_t)arg, k, busy = 0;
	char url[1024];
	CURLM *m;
	CURL **hs;
	CURLMsg *msg;
	int running, left;

	if ((m = curl_multi_init()) == NULL ||
	    (hs = calloc((size_t)nh, sizeof(*hs))) == NULL)
		return NULL;
	for (k = 0; k < nh; k++) {
		if ((hs[k] = handle(hdrs)) == NULL || !next_url(url,
		    sizeof(url)))
			break;
		curl_easy_setopt(hs[k], CURLOPT_URL, url);
		curl_multi_add_handle(m, hs[k]);
		busy++;
	}
	while (busy > 0) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			count(msg->easy_handle, msg->data.result);
			curl_multi_remove_handle(m, msg->easy_handle);
			busy--;
			if (next_url(url, sizeof(url))) {
				curl_easy_setopt(msg->easy_handle,
				    CURLOPT_URL, url);
				curl_multi_add_handle(m, msg->easy_handle);
				busy++;
			}
		}
		if (busy > 0)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	for (k = 0; k < nh; k++)
		if (hs[k] != NULL)
			curl_easy_cleanup(hs[k]);
	free(hs);
	curl_multi_cleanup(m);
	return NULL;
}

static int
usage(void)
{
	fprintf(stderr, "usage: barepool [-j HANDLES] [-t THREADS] [-n ROWS] "
	    "BASE_URL PROJECT_ID\n");
	return 2;
}

int
main(int argc, char **argv)
{
	pthread_t *t;
	long jobs = 64, threads = 0, nt, k, started = 0;
	char *end;
	int ch;

	while ((ch = getopt(argc, argv, "j:n:t:")) != -1) {
		switch (ch) {
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end != '\0' || jobs < 1 || jobs > 4096)
				return usage();
			break;
		case 't':
			threads = strtol(optarg, &end, 10);
			if (*end != '\0' || threads < 1 || threads > 4096)
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
	if (threads > jobs)
		threads = jobs;
	nt = threads > 0 ? threads : jobs;
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	/* libcurl's default for a POST; bulkrun sends none */
	hdrs = curl_slist_append(hdrs, "Content-Type:");
	if (hdrs == NULL || (t = calloc((size_t)nt, sizeof(*t))) == NULL) {
		fprintf(stderr, "barepool: out of memory\n");
		return 1;
	}
	for (k = 0; k < nt; k++) {
		/* -t: thread k drives its share of the handles */
		long share = jobs / nt + (k < jobs % nt);

		if (pthread_create(&t[k], NULL, threads > 0 ? multi_worker :
		    worker, (void *)(intptr_t)share) != 0)
			break;
		started++;
	}
	for (k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	free(t);
	curl_slist_free_all(hdrs);
	curl_global_cleanup();
	fprintf(stderr, "barepool: %ld handles, %ld threads%s, %ld rows: %ld "
	    "answered 2xx, %ld other, %ld failed\n", jobs, started,
	    threads > 0 ? " (multi)" : "", rows, (long)ok, (long)bad,
	    (long)failed);
	return started == 0 || ok != rows ? 1 : 0;
}
