#include <stdio.h>
#include <string.h>
#include <time.h>

#include "datetime.h"
#include "window.h"

static int
parse_hhmm(const char *s, int *minutes)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 ||
	    s[0] < '0' || s[0] > '9' || h > 23 || m > 59 || h < 0 || m < 0)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* The first local time of day `minutes` strictly after now (or at now
 * when at_now), DST-safe through mktime. */
static int64_t
next_time_of_day(int minutes, int64_t now_ms, int at_now)
{
	time_t now = (time_t)(now_ms / 1000), t;
	struct tm tm;
	int i;

	localtime_r(&now, &tm);
	for (i = 0; i < 3; i++) {
		struct tm d = tm;

		d.tm_mday += i;
		d.tm_hour = minutes / 60;
		d.tm_min = minutes % 60;
		d.tm_sec = 0;
		d.tm_isdst = -1;
		t = mktime(&d);
		if ((int64_t)t * 1000 > now_ms ||
		    (at_now && (int64_t)t * 1000 == now_ms))
			return (int64_t)t * 1000;
	}
	return now_ms;	/* not reached */
}

int
br_time_arg(const char *s, int64_t now_ms, int64_t *out_ms, char *msg,
    size_t msgsz)
{
	int minutes;

	if (strlen(s) == 5 && parse_hhmm(s, &minutes) == 0) {
		*out_ms = next_time_of_day(minutes, now_ms, 0);
		return 0;
	}
	return br_datetime_parse(s, now_ms, NULL, out_ms, msg, msgsz);
}

int
br_window_init(struct br_window *w, const char *not_before,
    const char *not_after, const char *daily, int64_t now_ms,
    struct br_err *err)
{
	char msg[256];
	int64_t t, start, end;
	int a, b;

	w->open_ms = 0;
	w->close_ms = -1;
	if (daily != NULL) {
		if (strlen(daily) != 11 || daily[5] != '-' ||
		    parse_hhmm(daily, &a) != 0 ||
		    parse_hhmm(daily + 6, &b) != 0 || a == b) {
			return br_errf(err, BR_EINPUT, NULL, 0, "--window: "
			    "'%s' is not HH:MM-HH:MM", daily);
		}
		/* open now if today's (or yesterday's) window holds now */
		end = next_time_of_day(b, now_ms, 0);
		start = next_time_of_day(a, now_ms, 1);
		if (start > end) {
			/* the window closes before it opens again: open now */
			w->open_ms = 0;
			w->close_ms = end;
		} else {
			w->open_ms = start;
			w->close_ms = next_time_of_day(b, start, 0);
		}
	}
	if (not_before != NULL) {
		if (br_time_arg(not_before, now_ms, &t, msg, sizeof(msg)) != 0)
			return br_errf(err, BR_EINPUT, NULL, 0, "%s", msg);
		if (t > w->open_ms)
			w->open_ms = t;
	}
	if (not_after != NULL) {
		if (br_time_arg(not_after, now_ms, &t, msg, sizeof(msg)) != 0)
			return br_errf(err, BR_EINPUT, NULL, 0, "%s", msg);
		if (w->close_ms < 0 || t < w->close_ms)
			w->close_ms = t;
	}
	if (w->close_ms >= 0 && w->open_ms >= w->close_ms &&
	    w->open_ms > now_ms) {
		return br_errf(err, BR_EINPUT, NULL, 0, "the window closes "
		    "before it opens");
	}
	return 0;
}

int64_t
br_window_check(const struct br_window *w, int64_t now_ms)
{
	if (w->close_ms >= 0 && now_ms >= w->close_ms)
		return -1;
	if (now_ms < w->open_ms)
		return w->open_ms - now_ms;
	return 0;
}
