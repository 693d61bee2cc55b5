/*
 * retry.c - what is retried, backoff, Retry-After; see retry.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "retry.h"

void
br_retry_defaults(struct br_retry_policy *p)
{
	char msg[128];

	memset(p, 0, sizeof(*p));
	p->retries = 3;
	p->base_ms = 500;
	p->max_ms = 30000;
	(void)br_retry_parse_on(p, "net,429,500,502,503,504", msg, sizeof(msg));
}

int
br_retry_parse_on(struct br_retry_policy *p, const char *list, char *msg,
    size_t msgsz)
{
	char buf[1024], *tok, *save = NULL, *end;
	long v;

	p->on_net = 0;
	p->on_net_unsafe = 0;
	p->nstatuses = 0;
	p->ncodes = 0;
	if (strlen(list) >= sizeof(buf)) {
		snprintf(msg, msgsz, "--retry-on list is too long");
		return -1;
	}
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		if (strcasecmp(tok, "none") == 0)
			continue;
		if (strcasecmp(tok, "net") == 0) {
			p->on_net = 1;
			continue;
		}
		if (strcasecmp(tok, "net-unsafe") == 0) {
			p->on_net = p->on_net_unsafe = 1;
			continue;
		}
		v = strtol(tok, &end, 10);
		if (*end == '\0') {
			if (v < 100 || v > 599) {
				snprintf(msg, msgsz, "--retry-on: '%s' is not "
				    "an HTTP status", tok);
				return -1;
			}
			if (p->nstatuses == BR_RETRY_MAX_ITEMS)
				goto toomany;
			p->statuses[p->nstatuses++] = (int)v;
			continue;
		}
		if (strlen(tok) >= sizeof(p->codes[0])) {
			snprintf(msg, msgsz, "--retry-on: '%.40s...' is too long "
			    "for an error code", tok);
			return -1;
		}
		if (p->ncodes == BR_RETRY_MAX_ITEMS)
			goto toomany;
		strcpy(p->codes[p->ncodes++], tok);
	}
	return 0;
toomany:
	snprintf(msg, msgsz, "--retry-on: more than %d items",
	    BR_RETRY_MAX_ITEMS);
	return -1;
}

int
br_retry_is_throttle(const char *code)
{
	return code != NULL && (strcmp(code, "APIG.0308") == 0 ||
	    strcmp(code, "DMS.10240407") == 0);
}

int
br_retry_wanted(const struct br_retry_policy *p, int net, int maybe_applied,
    long status, const char *code)
{
	size_t i;

	if (net)
		return maybe_applied ? p->on_net_unsafe : p->on_net;
	if (code != NULL)
		for (i = 0; i < p->ncodes; i++)
			if (strcmp(p->codes[i], code) == 0)
				return 1;
	if (br_retry_is_throttle(code))
		status = 429;
	for (i = 0; i < p->nstatuses; i++)
		if (p->statuses[i] == status)
			return 1;
	return 0;
}

uint64_t
br_retry_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

int64_t
br_retry_backoff(const struct br_retry_policy *p, int n, uint64_t *rng)
{
	int64_t cap = p->base_ms;
	int i;

	for (i = 1; i < n && cap < p->max_ms; i++)
		cap *= 2;
	if (cap > p->max_ms)
		cap = p->max_ms;
	if (cap <= 0)
		return 0;
	return (int64_t)(br_retry_rand(rng) % (uint64_t)(cap + 1));
}

int64_t
br_retry_after_ms(const char *v, int64_t now_ms)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char *end, wd[4], ms[4], tz[4];
	struct tm tm;
	long secs;
	int d, y, H, M, S, i, n = 0;
	time_t t;

	if (v == NULL)
		return -1;
	while (isspace((unsigned char)*v))
		v++;
	if (isdigit((unsigned char)*v)) {
		secs = strtol(v, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (*end != '\0' || secs < 0 || secs > 86400 * 7)
			return -1;
		return (int64_t)secs * 1000;
	}
	/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
	if (sscanf(v, "%3s, %d %3s %d %d:%d:%d %3s%n", wd, &d, ms, &y, &H, &M,
	    &S, tz, &n) != 8 || v[n] != '\0' || strcmp(tz, "GMT") != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	for (i = 0; i < 12 && strcmp(ms, mon[i]) != 0; i++)
		;
	/* a year beyond 1970..9999 (or a negative field) is no date a server
	 * means: y - 1900 and t * 1000 below would overflow */
	if (i == 12 || d < 1 || d > 31 || y < 1970 || y > 9999 || H < 0 ||
	    H > 23 || M < 0 || M > 59 || S < 0 || S > 60)
		return -1;
	tm.tm_mday = d;
	tm.tm_mon = i;
	tm.tm_year = y - 1900;
	tm.tm_hour = H;
	tm.tm_min = M;
	tm.tm_sec = S;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	if ((int64_t)t * 1000 <= now_ms)
		return 0;
	return (int64_t)t * 1000 - now_ms;
}

int64_t
br_retry_delay(const struct br_retry_policy *p, int n, uint64_t *rng,
    const char *retry_after, int64_t now_ms)
{
	int64_t delay = br_retry_backoff(p, n, rng);
	int64_t ra = br_retry_after_ms(retry_after, now_ms);

	if (ra > p->max_ms)
		ra = p->max_ms;
	return ra > delay ? ra : delay;
}
