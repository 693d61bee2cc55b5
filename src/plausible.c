/*
 * plausible.c - the accidents of a spreadsheet: serial dates and epoch
 * seconds for milliseconds, ids rounded to 15 digits, invisible blanks
 * around ids; see plausible.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plausible.h"
#include "text.h"

#define SERIAL_MAX	99999		/* 2173-10-13 */
#define SECONDS_MIN	INT64_C(100000000)	/* 1973-03-03, in seconds */
#define DAY_S		86400

/* Seconds since the epoch (floor of ms / 1000) as UTC broken down. */
static int
utc(int64_t s, struct tm *tm)
{
	time_t t = (time_t)s;

	return gmtime_r(&t, tm) == NULL ? -1 : 0;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "2026-11-21T00:00:00Z", with ".mmm" when ms % 1000 is not 0. */
static void
iso(int64_t ms, char *buf, size_t bufsz)
{
	struct tm tm;
	int64_t s = floor_div(ms, 1000);
	int frac = (int)(ms - s * 1000);

	if (utc(s, &tm) != 0) {
		snprintf(buf, bufsz, "?");
		return;
	}
	if (frac != 0)
		snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, frac);
	else
		snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
}

void
br_plaus_serial_date(long n, char *buf, size_t bufsz)
{
	struct tm tm;
	long days;

	if (n == 60) {			/* Lotus 1-2-3's leap day, kept */
		snprintf(buf, bufsz, "1900-02-29");
		return;
	}
	days = n < 60 ? n - 25568 : n - 25569;
	if (utc((int64_t)days * DAY_S, &tm) != 0) {
		snprintf(buf, bufsz, "?");
		return;
	}
	snprintf(buf, bufsz, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

void
br_plaus_ms_show(int64_t ms, char *buf, size_t bufsz)
{
	char d[48];

	iso(ms, d, sizeof(d));
	snprintf(buf, bufsz, "%" PRId64 " (%s)", ms, d);
}

int
br_plaus_epoch_ms(int64_t ms, int number, char *msg, size_t msgsz)
{
	char d[48];

	if (ms >= BR_PLAUS_OLD_MS)
		return 0;
	if (number && ms >= 1 && ms <= SERIAL_MAX) {
		br_plaus_serial_date((long)ms, d, sizeof(d));
		snprintf(msg, msgsz, "looks like a spreadsheet date serial "
		    "(%" PRId64 " = %s); format the column as YYYY-MM-DD", ms,
		    d);
	} else if (number && ms >= SECONDS_MIN) {
		iso(ms * 1000, d, sizeof(d));
		snprintf(msg, msgsz, "looks like epoch seconds (%" PRId64
		    " = %s), the field takes milliseconds", ms, d);
	} else {
		iso(ms, d, sizeof(d));
		snprintf(msg, msgsz, "is before 1973-03-03 (%s): too early "
		    "to be meant; give --allow-old-dates if it is", d);
	}
	return 1;
}

int
br_plaus_serial_text(const char *s, size_t len, char *msg, size_t msgsz)
{
	char d[16], q[BR_QUOTE_BUF];
	size_t i, nd;
	long day = 0, secs;
	double frac = 0, scale = 0.1;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		day = day * 10 + (s[i] - '0');
	if (i == 0 || i > 5 || i == len || (s[i] != '.' && s[i] != ',') ||
	    day < 1)
		return 0;
	for (i++, nd = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
		frac += (s[i] - '0') * scale;
		scale /= 10;
	}
	if (nd == 0 || i != len)
		return 0;
	secs = (long)(frac * DAY_S + 0.5);
	if (secs >= DAY_S) {		/* 46347.99999999 */
		secs -= DAY_S;
		day++;
	}
	br_plaus_serial_date(day, d, sizeof(d));
	br_text_quote(q, sizeof(q), s, len);
	snprintf(msg, msgsz, "looks like a spreadsheet date-time serial (%s "
	    "= %s %02ld:%02ld:%02ld); format the column as YYYY-MM-DD HH:MM",
	    q, d, secs / 3600, secs / 60 % 60, secs % 60);
	return 1;
}

int
br_plaus_rounded_id(const char *s, size_t len, char *msg, size_t msgsz)
{
	char q[BR_QUOTE_BUF];
	size_t i = 0, sig = 0;
	int nonzero_tail = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == len)
		return 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (sig == 0 && s[i] == '0')
			continue;	/* leading zeros are not significant */
		if (++sig > BR_PLAUS_DIGITS && s[i] != '0')
			nonzero_tail = 1;
	}
	if (sig <= BR_PLAUS_DIGITS || nonzero_tail)
		return 0;
	br_text_quote(q, sizeof(q), s, len);
	snprintf(msg, msgsz, "'%s' is rounded by a spreadsheet (it keeps %d "
	    "digits): format the column as Text and paste the ids again", q,
	    BR_PLAUS_DIGITS);
	return 1;
}

int
br_plaus_blanks(const char *s, size_t len, char *msg, size_t msgsz)
{
	const char *lead = NULL, *trail = NULL;

	if (len == 0)
		return 0;
	(void)br_text_space(s, len, 0, &lead);
	(void)br_text_space(s, len, 1, &trail);
	if (lead != NULL && trail != NULL)
		snprintf(msg, msgsz, "starts with %s and ends with %s: remove "
		    "them from the value", lead, trail);
	else if (lead != NULL)
		snprintf(msg, msgsz, "starts with %s: remove it from the "
		    "value", lead);
	else if (trail != NULL)
		snprintf(msg, msgsz, "ends with %s: remove it from the value",
		    trail);
	else
		return 0;
	return 1;
}
