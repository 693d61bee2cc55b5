/*
 * datetime.c - date expressions and timestamps; see datetime.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "datetime.h"
#include "text.h"

#define MS_PER_S	1000LL
#define MS_PER_DAY	(86400LL * MS_PER_S)

/* A broken-down date and time as written, before any zone is applied. */
struct dt {
	int	 year, mon, day;
	int	 hour, min, sec, ms;
	int	 has_zone;	/* Z or an offset was given */
	int	 off_min;	/* the offset, minutes east of UTC */
};

/* Writes "'<s>': <why>" into msg, s quoted as br_text_quotez() does. */
static int
fail(char *msg, size_t msgsz, const char *s, const char *why)
{
	char q[BR_QUOTE_BUF];

	if (msg == NULL || msgsz == 0)
		return -1;
	br_text_quotez(q, sizeof(q), s);
	snprintf(msg, msgsz, "'%s': %s", q, why);
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly n digits at *pp into *v. */
static int
digits(const char **pp, int n, int *v)
{
	const char *p = *pp;
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		x = x * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*v = x;
	return 0;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && is_leap(y))
		return 29;
	return dm[m - 1];
}

/*
 * Parses "YYYY-MM-DD", optionally followed by 'T' or ' ' and
 * "HH:MM[:SS[.fraction]]" and an optional zone "Z", "+HH:MM", "+HHMM"
 * or "+HH".  *why gets a reason on failure.
 */
static int
parse_iso(const char *p, struct dt *d, const char **why)
{
	int sign, oh, om = 0, ndig;

	memset(d, 0, sizeof(*d));
	*why = "not a date or time (use 2026-11-21, 2026-11-21T00:00:00Z, "
	    "2026-11-21 00:00, now-24h, today, yesterday or epoch ms)";
	if (digits(&p, 4, &d->year) != 0 || *p++ != '-' ||
	    digits(&p, 2, &d->mon) != 0 || *p++ != '-' ||
	    digits(&p, 2, &d->day) != 0)
		return -1;
	if (d->mon < 1 || d->mon > 12) {
		*why = "month out of range";
		return -1;
	}
	if (d->day < 1 || d->day > days_in_month(d->year, d->mon)) {
		*why = "day out of range";
		return -1;
	}
	if (*p == '\0')
		return 0;		/* midnight */
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	/* a spreadsheet's date "as shown" may have a one-digit hour:
	 * 2026-11-21 0:00:00 (LibreOffice), after a space only */
	if (*p++ == ' ' && is_digit(p[0]) && p[1] == ':') {
		if (digits(&p, 1, &d->hour) != 0)
			return -1;
	} else if (digits(&p, 2, &d->hour) != 0)
		return -1;
	if (*p++ != ':' || digits(&p, 2, &d->min) != 0)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &d->sec) != 0)
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			for (ndig = 0; is_digit(*p); ndig++, p++) {
				if (ndig < 3)
					d->ms = d->ms * 10 + (*p - '0');
				else if (ndig >= 9)
					return -1;
			}
			if (ndig == 0)
				return -1;
			for (; ndig < 3; ndig++)
				d->ms *= 10;
		}
	}
	if (d->hour > 23) {
		*why = "hour out of range";
		return -1;
	}
	if (d->min > 59) {
		*why = "minute out of range";
		return -1;
	}
	if (d->sec > 60) {
		*why = "second out of range";
		return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		d->has_zone = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = (*p == '-') ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh) != 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &om) != 0)
				return -1;
		} else if (is_digit(*p)) {
			if (digits(&p, 2, &om) != 0)
				return -1;
		}
		if (oh > 23 || om > 59) {
			*why = "time zone offset out of range";
			return -1;
		}
		d->has_zone = 1;
		d->off_min = sign * (oh * 60 + om);
	}
	if (*p != '\0')
		return -1;
	return 0;
}

/*
 * Runs with TZ set to tz (NULL: as it is).  "UTC" needs no change.  The
 * previous value is restored by tz_leave().
 */
struct tzsave {
	int	 changed;
	int	 had;
	char	*old;
};

static int
tz_known(const char *tz)
{
	const char *dir;
	char path[1024];
	struct stat st;
	int n;

	if (tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	if ((dir = getenv("TZDIR")) == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	n = snprintf(path, sizeof(path), "%s/%s", dir, tz);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
tz_enter(struct tzsave *sv, const char *tz)
{
	const char *cur;

	memset(sv, 0, sizeof(*sv));
	cur = getenv("TZ");
	if (tz == NULL || (cur != NULL && strcmp(cur, tz) == 0)) {
		tzset();		/* in force already: change nothing */
		return 0;
	}
	if (cur != NULL) {
		if ((sv->old = strdup(cur)) == NULL)
			return -1;
		sv->had = 1;
	}
	if (setenv("TZ", tz, 1) != 0) {
		free(sv->old);
		sv->old = NULL;
		return -1;
	}
	sv->changed = 1;
	tzset();
	return 0;
}

static void
tz_leave(struct tzsave *sv)
{
	if (!sv->changed)
		return;
	if (sv->had)
		setenv("TZ", sv->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(sv->old);
	sv->old = NULL;
	sv->changed = 0;
}

static int
is_utc(const char *tz)
{
	return tz != NULL && (strcmp(tz, "UTC") == 0 ||
	    strcmp(tz, "Etc/UTC") == 0);
}

/* Wall-clock fields in tz (TZ already in force unless UTC) to seconds. */
static int
wall_to_time(struct tm *tm, int utc, time_t *t)
{
	tm->tm_isdst = -1;
	errno = 0;
	*t = utc ? timegm(tm) : mktime(tm);
	if (*t == (time_t)-1 && errno != 0)
		return -1;
	return 0;
}

/* Midnight of the day of now_ms, minus back days, in tz. */
static int
midnight(int64_t now_ms, int back, int utc, int64_t *out)
{
	struct tm tm;
	time_t t;

	t = (time_t)(now_ms >= 0 ? now_ms / MS_PER_S :
	    -((-now_ms + MS_PER_S - 1) / MS_PER_S));
	if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL)
		return -1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday -= back;
	if (wall_to_time(&tm, utc, &t) != 0)
		return -1;
	*out = (int64_t)t * MS_PER_S;
	return 0;
}

/* "now", "now-24h", "now+30m": 0 parsed, -1 bad, 1 not this form. */
static int
parse_now(const char *p, int64_t now_ms, int64_t *out, const char **why)
{
	int64_t n = 0, unit;
	int sign;

	if (strncasecmp(p, "now", 3) != 0)
		return 1;
	p += 3;
	if (*p == '\0') {
		*out = now_ms;
		return 0;
	}
	*why = "expected now, now-24h, now+30m, now-7d or now-90s";
	if (*p != '+' && *p != '-')
		return -1;
	sign = (*p == '-') ? -1 : 1;
	p++;
	if (!is_digit(*p))
		return -1;
	for (; is_digit(*p); p++) {
		if (n > (INT64_MAX - 9) / 10) {
			*why = "offset too large";
			return -1;
		}
		n = n * 10 + (*p - '0');
	}
	switch (*p) {
	case 's': case 'S': unit = MS_PER_S; break;
	case 'm': case 'M': unit = 60 * MS_PER_S; break;
	case 'h': case 'H': unit = 3600 * MS_PER_S; break;
	case 'd': case 'D': unit = MS_PER_DAY; break;
	default:
		*why = "unit must be s, m, h or d";
		return -1;
	}
	if (p[1] != '\0')
		return -1;
	if (n > INT64_MAX / unit) {
		*why = "offset too large";
		return -1;
	}
	n *= unit;
	if ((sign > 0 && now_ms > INT64_MAX - n) ||
	    (sign < 0 && now_ms < INT64_MIN + n)) {
		*why = "offset too large";
		return -1;
	}
	*out = now_ms + sign * n;
	return 0;
}

static int
parse_trimmed(const char *s, const char *p, int64_t now_ms, const char *tz,
    int64_t *out_ms, char *msg, size_t msgsz)
{
	struct tzsave sv;
	struct dt d;
	struct tm tm;
	const char *why = NULL;
	int64_t v;
	time_t t;
	int r, utc, back = -1;

	memset(&d, 0, sizeof(d));
	if (*p == '\0')
		return fail(msg, msgsz, s, "empty date");
	if (is_digit(*p) && p[strspn(p, "0123456789")] == '\0') {
		for (v = 0; *p != '\0'; p++) {
			if (v > (INT64_MAX - (*p - '0')) / 10)
				return fail(msg, msgsz, s,
				    "epoch milliseconds out of range");
			v = v * 10 + (*p - '0');
		}
		*out_ms = v;
		return 0;
	}
	if ((r = parse_now(p, now_ms, out_ms, &why)) <= 0)
		return r == 0 ? 0 : fail(msg, msgsz, s, why);
	if (strcasecmp(p, "today") == 0)
		back = 0;
	else if (strcasecmp(p, "yesterday") == 0)
		back = 1;
	else if (parse_iso(p, &d, &why) != 0)
		return fail(msg, msgsz, s, why);

	utc = is_utc(tz);
	if (back < 0 && d.has_zone)
		utc = 1;		/* the offset is applied below */
	if (!utc && tz != NULL && !tz_known(tz))
		return fail(msg, msgsz, tz, "unknown time zone");
	if (!utc && tz_enter(&sv, tz) != 0)
		return fail(msg, msgsz, s, "cannot set the time zone");

	if (back >= 0) {
		r = midnight(now_ms, back, utc, out_ms);
	} else {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = d.year - 1900;
		tm.tm_mon = d.mon - 1;
		tm.tm_mday = d.day;
		tm.tm_hour = d.hour;
		tm.tm_min = d.min;
		tm.tm_sec = d.sec;
		r = wall_to_time(&tm, utc, &t);
		if (r == 0)
			*out_ms = ((int64_t)t - (int64_t)d.off_min * 60) *
			    MS_PER_S + d.ms;
	}
	if (!utc)
		tz_leave(&sv);
	if (r != 0)
		return fail(msg, msgsz, s, "time out of range");
	return 0;
}

int
br_datetime_parse(const char *s, int64_t now_ms, const char *tz,
    int64_t *out_ms, char *msg, size_t msgsz)
{
	char buf[128];
	const char *p;
	size_t n;

	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if (s == NULL)
		return fail(msg, msgsz, "", "empty date");
	n = strlen(s);
	p = br_text_trim_sp(s, &n);
	if (n >= sizeof(buf))
		return fail(msg, msgsz, s, "too long for a date");
	memcpy(buf, p, n);
	buf[n] = '\0';
	return parse_trimmed(s, buf, now_ms, tz, out_ms, msg, msgsz);
}

int
br_datetime_tz_check(const char *tz)
{
	if (tz == NULL || is_utc(tz))
		return 0;
	return tz_known(tz) ? 0 : -1;
}

void
br_datetime_iso(int64_t ms, char *buf, size_t bufsz)
{
	struct tm tm;
	time_t t;
	int64_t s, r;

	if (buf == NULL || bufsz == 0)
		return;
	s = ms / MS_PER_S;
	r = ms % MS_PER_S;
	if (r < 0) {
		r += MS_PER_S;
		s--;
	}
	t = (time_t)s;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, bufsz, "%s", "");
		return;
	}
	snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)r);
}

int64_t
br_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * MS_PER_S + ts.tv_nsec / 1000000;
}

int64_t
br_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * MS_PER_S + ts.tv_nsec / 1000000;
}

void
br_timespec_add_ms(struct timespec *ts, int64_t ms)
{
	ts->tv_sec += (time_t)(ms / MS_PER_S);
	ts->tv_nsec += (long)(ms % MS_PER_S) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}
