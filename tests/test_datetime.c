#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "datetime.h"

#define NOW	1795257000000LL		/* 2026-11-21T10:30:00Z */
/* 2026-07-15T23:30Z, already 07-16 01:30 in Berlin */
#define NOW_DST	1784158200000LL
/* 2026-03-30T10:00Z, the day after the change to summer time */
#define NOW_MAR	1774864800000LL

struct ok_case {
	const char	*in;
	int64_t		 now;
	const char	*tz;
	int64_t		 want;
};

static void
need_zone(const char *tz)
{
	char path[256];

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	if (access(path, R_OK) != 0)
		cr_skip_test("tzdata has no %s", tz);
}

static void
run_ok(const struct ok_case *c, size_t n)
{
	char msg[256];
	int64_t got;
	size_t i;

	for (i = 0; i < n; i++) {
		got = -42;
		msg[0] = '\0';
		cr_assert_eq(br_datetime_parse(c[i].in, c[i].now, c[i].tz, &got,
		    msg, sizeof(msg)), 0, "'%s' (tz %s) rejected: %s", c[i].in,
		    c[i].tz ? c[i].tz : "local", msg);
		cr_assert_eq(got, c[i].want, "'%s' (tz %s): got %lld, "
		    "want %lld", c[i].in, c[i].tz ? c[i].tz : "local",
		    (long long)got, (long long)c[i].want);
	}
}

Test(datetime, utc_forms)
{
	static const struct ok_case c[] = {
		{ "1630052714000", NOW, "UTC", 1630052714000LL },
		{ "0", NOW, "UTC", 0 },
		{ "2026-11-21", NOW, "UTC", 1795219200000LL },
		{ "2026-11-21T00:00:00Z", NOW, "UTC", 1795219200000LL },
		{ "2026-11-21t00:00:00z", NOW, "UTC", 1795219200000LL },
		{ "2026-11-21T00:00:00.123Z", NOW, "UTC", 1795219200123LL },
		{ "2026-11-21T00:00:00.1Z", NOW, "UTC", 1795219200100LL },
		{ "2026-11-21T00:00:00.123456789Z", NOW, "UTC",
		    1795219200123LL },
		{ "2026-11-21T10:30Z", NOW, "UTC", NOW },
		{ "2026-11-21 10:30", NOW, "UTC", NOW },
		{ "2026-11-21 10:30:00", NOW, "UTC", NOW },
		/* a spreadsheet's "as shown": a one-digit hour after a space */
		{ "2026-11-21 0:00:00", NOW, "UTC", 1795219200000LL },
		{ "2026-11-21 9:30", NOW, "UTC", 1795253400000LL },
		{ "2026-11-21T10:30", NOW, "UTC", NOW },
		{ "2026-11-21T22:00+01:00", NOW, "UTC", 1795294800000LL },
		{ "2026-11-21T22:00+0100", NOW, "UTC", 1795294800000LL },
		{ "2026-11-21T22:00+01", NOW, "UTC", 1795294800000LL },
		{ "2026-11-21T05:30-05:30", NOW, "UTC", 1795258800000LL },
		{ "2026-11-21T05:30-0530", NOW, "UTC", 1795258800000LL },
		{ "2024-02-29", NOW, "UTC", 1709164800000LL },
		{ "2026-11-21T23:59:60Z", NOW, "UTC", 1795305600000LL },
		{ "now", NOW, "UTC", NOW },
		{ "NOW", NOW, "UTC", NOW },
		{ "now-24h", NOW, "UTC", NOW - 86400000LL },
		{ "now+30m", NOW, "UTC", NOW + 1800000LL },
		{ "now-7d", NOW, "UTC", NOW - 7 * 86400000LL },
		{ "now-90s", NOW, "UTC", NOW - 90000LL },
		{ "Now-2H", NOW, "UTC", NOW - 7200000LL },
		{ "today", NOW, "UTC", 1795219200000LL },
		{ "yesterday", NOW, "UTC", 1795219200000LL - 86400000LL },
		{ "Today", NOW, "UTC", 1795219200000LL },
		{ "  2026-11-21  ", NOW, "UTC", 1795219200000LL },
		{ "today", NOW_DST, "UTC", 1784073600000LL },	/* 07-15 */
	};

	run_ok(c, sizeof(c) / sizeof(c[0]));
}

Test(datetime, berlin_forms)
{
	static const struct ok_case c[] = {
		/* winter, CET = UTC+1 */
		{ "2026-11-21", NOW, "Europe/Berlin", 1795215600000LL },
		{ "2026-11-21 10:30", NOW, "Europe/Berlin", 1795253400000LL },
		{ "2026-11-21T10:30:00", NOW, "Europe/Berlin",
		    1795253400000LL },
		{ "today", NOW, "Europe/Berlin", 1795215600000LL },
		{ "yesterday", NOW, "Europe/Berlin",
		    1795215600000LL - 86400000LL },
		/* summer, CEST = UTC+2 */
		{ "2026-07-01", NOW, "Europe/Berlin", 1782856800000LL },
		{ "2026-07-01 12:34:56", NOW, "Europe/Berlin",
		    1782902096000LL },
		/* the Berlin day is already the 16th */
		{ "today", NOW_DST, "Europe/Berlin", 1784152800000LL },
		{ "yesterday", NOW_DST, "Europe/Berlin", 1784066400000LL },
		/* the DST day itself: 01:30 CET, 03:30 CEST */
		{ "2026-03-29 01:30", NOW, "Europe/Berlin", 1774744200000LL },
		{ "2026-03-29 03:30", NOW, "Europe/Berlin", 1774747800000LL },
		/* yesterday across the change is only 23 hours long */
		{ "today", NOW_MAR, "Europe/Berlin", 1774821600000LL },
		{ "yesterday", NOW_MAR, "Europe/Berlin", 1774738800000LL },
		/* explicit zones and epoch ms ignore tz */
		{ "2026-11-21T00:00:00Z", NOW, "Europe/Berlin",
		    1795219200000LL },
		{ "2026-11-21T22:00+01:00", NOW, "Europe/Berlin",
		    1795294800000LL },
		{ "1630052714000", NOW, "Europe/Berlin", 1630052714000LL },
		{ "now-24h", NOW, "Europe/Berlin", NOW - 86400000LL },
	};

	need_zone("Europe/Berlin");
	run_ok(c, sizeof(c) / sizeof(c[0]));
}

Test(datetime, local_time_follows_TZ)
{
	static const struct ok_case c[] = {
		{ "2026-11-21", NOW, NULL, 1795237200000LL },	/* EST */
		{ "2026-11-21T00:00:00Z", NOW, NULL, 1795219200000LL },
	};

	need_zone("America/New_York");
	setenv("TZ", "America/New_York", 1);
	run_ok(c, sizeof(c) / sizeof(c[0]));
}

Test(datetime, tz_is_restored)
{
	int64_t v;

	need_zone("Europe/Berlin");
	setenv("TZ", "Asia/Tokyo", 1);
	cr_assert_eq(br_datetime_parse("2026-11-21", NOW, "Europe/Berlin", &v,
	    NULL, 0), 0);
	cr_assert_eq(v, 1795215600000LL);
	cr_assert_str_eq(getenv("TZ"), "Asia/Tokyo");
	/* local again: Tokyo, UTC+9 */
	cr_assert_eq(br_datetime_parse("2026-11-21", NOW, NULL, &v, NULL, 0),
	    0);
	cr_assert_eq(v, 1795219200000LL - 9 * 3600000LL);

	unsetenv("TZ");
	cr_assert_eq(br_datetime_parse("2026-11-21", NOW, "Europe/Berlin", &v,
	    NULL, 0), 0);
	cr_assert_null(getenv("TZ"));
}

struct bad_case {
	const char	*in;
	const char	*tz;
	const char	*msg;
};

Test(datetime, rejected_forms)
{
	static const struct bad_case c[] = {
		{ "2026-13-01", "UTC", "'2026-13-01': month out of range" },
		{ "2026-00-01", "UTC", "'2026-00-01': month out of range" },
		{ "2026-02-29", "UTC", "'2026-02-29': day out of range" },
		{ "2100-02-29", "UTC", "'2100-02-29': day out of range" },
		{ "2026-04-31", "UTC", "'2026-04-31': day out of range" },
		{ "2026-11-00", "UTC", "'2026-11-00': day out of range" },
		{ "2026-11-21T24:00", "UTC",
		    "'2026-11-21T24:00': hour out of range" },
		{ "2026-11-21T9:30", "UTC", "'2026-11-21T9:30': not a date or "
		    "time (use 2026-11-21, 2026-11-21T00:00:00Z, 2026-11-21 "
		    "00:00, now-24h, today, yesterday or epoch ms)" },
		{ "2026-11-21 23:60", "UTC",
		    "'2026-11-21 23:60': minute out of range" },
		{ "2026-11-21T23:59:61Z", "UTC",
		    "'2026-11-21T23:59:61Z': second out of range" },
		{ "2026-11-21T10:00+24:00", "UTC",
		    "'2026-11-21T10:00+24:00': time zone offset out of range" },
		{ "now-24", "UTC", "'now-24': unit must be s, m, h or d" },
		{ "now-24x", "UTC", "'now-24x': unit must be s, m, h or d" },
		{ "now-999999999999999999d", "UTC",
		    "'now-999999999999999999d': offset too large" },
		{ "99999999999999999999", "UTC",
		    "'99999999999999999999': epoch milliseconds out of range" },
		{ "", "UTC", "'': empty date" },
		{ "   ", "UTC", "'   ': empty date" },
		{ "2026-11-21", "Europe/Berln",
		    "'Europe/Berln': unknown time zone" },
		{ "2026-11-21", "../../etc/passwd",
		    "'../../etc/passwd': unknown time zone" },
	};
	static const char *const shapes[] = {
		"now+", "now-h", "now 24h", "now-24hh", "tomorrow", "2026-1-21",
		"21.11.2026", "2026/11/21", "2026-11-21Z", "2026-11-21T10",
		"2026-11-21T10:00:", "2026-11-21T10:00:00.",
		"2026-11-21T10:00+1",
		"2026-11-21T10:00:00.1234567890Z", "2026-11-21 10:00 UTC",
		"-1630052714000", "1630052714000ms", "2026-11-21\n", "+5",
		"2026-11-21T10:00:00ZZ", "20261121",
	};
	char msg[256];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		msg[0] = '\0';
		cr_assert_eq(br_datetime_parse(c[i].in, NOW, c[i].tz, &v, msg,
		    sizeof(msg)), -1, "'%s' accepted", c[i].in);
		cr_assert_str_eq(msg, c[i].msg);
	}
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		msg[0] = '\0';
		if (strcmp(shapes[i], "20261121") == 0) {
			/* digits only: epoch ms, as documented */
			cr_assert_eq(br_datetime_parse(shapes[i], NOW, "UTC",
			    &v, msg, sizeof(msg)), 0);
			cr_assert_eq(v, 20261121);
			continue;
		}
		cr_assert_eq(br_datetime_parse(shapes[i], NOW, "UTC", &v, msg,
		    sizeof(msg)), -1, "'%s' accepted", shapes[i]);
		cr_assert(strlen(msg) > 0, "no reason for '%s'", shapes[i]);
	}
}

Test(datetime, message_escapes_and_cuts_the_input)
{
	char in[200], msg[256];
	int64_t v;

	cr_assert_eq(br_datetime_parse("2026-11-21\n", NOW, "UTC", &v, msg,
	    sizeof(msg)), -1);
	cr_assert(strncmp(msg, "'2026-11-21\\x0A': ", 18) == 0, "%s", msg);

	memset(in, 'x', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	cr_assert_eq(br_datetime_parse(in, NOW, "UTC", &v, msg, sizeof(msg)),
	    -1);
	cr_assert(strstr(msg, "...':") != NULL, "%s", msg);
	cr_assert(strlen(msg) < 120, "%s", msg);

	/* a small buffer is cut, not overrun */
	cr_assert_eq(br_datetime_parse("2026-13-01", NOW, "UTC", &v, msg, 8),
	    -1);
	cr_assert_str_eq(msg, "'2026-1");
}

Test(datetime, tz_check)
{
	need_zone("Europe/Berlin");
	cr_assert_eq(br_datetime_tz_check(NULL), 0);
	cr_assert_eq(br_datetime_tz_check("UTC"), 0);
	cr_assert_eq(br_datetime_tz_check("Europe/Berlin"), 0);
	cr_assert_eq(br_datetime_tz_check("Europe/Berln"), -1);
	cr_assert_eq(br_datetime_tz_check("Europe"), -1);	/* a dir */
	cr_assert_eq(br_datetime_tz_check(""), -1);
	cr_assert_eq(br_datetime_tz_check("/etc/passwd"), -1);
}

Test(datetime, iso_format)
{
	static const struct {
		int64_t		 ms;
		const char	*want;
	} c[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ 1764301161335LL, "2025-11-28T03:39:21.335Z" },
		{ 1795219200123LL, "2026-11-21T00:00:00.123Z" },
		{ 1709164800000LL, "2024-02-29T00:00:00.000Z" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		br_datetime_iso(c[i].ms, buf, sizeof(buf));
		cr_assert_str_eq(buf, c[i].want);
	}
	br_datetime_iso(0, buf, 5);
	cr_assert_str_eq(buf, "1970");
}

Test(datetime, iso_round_trips_through_parse)
{
	int64_t ms[] = { 0, 1, 999, 1630052714000LL, 1795219200123LL };
	char buf[32];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		br_datetime_iso(ms[i], buf, sizeof(buf));
		cr_assert_eq(br_datetime_parse(buf, NOW, NULL, &v, NULL, 0), 0,
		    "%s", buf);
		cr_assert_eq(v, ms[i], "%s", buf);
	}
}

Test(datetime, timespec_add_ms_carries)
{
	static const struct {
		time_t	 sec;
		long	 nsec;
		int64_t	 ms;
		time_t	 want_sec;
		long	 want_nsec;
	} t[] = {
		{ 0, 0, 0, 0, 0 },
		{ 0, 0, 1234567, 1234, 567000000 },	/* a br_mono_ms() */
		{ 10, 999999999, 0, 10, 999999999 },
		{ 10, 999999999, 1, 11, 999999 },	/* carries */
		{ 10, 500000000, 500, 11, 0 },
		{ 10, 400000000, 2599, 12, 999000000 },
		{ 7, 123, 86400000, 86407, 123 },
	};
	struct timespec ts;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ts.tv_sec = t[i].sec;
		ts.tv_nsec = t[i].nsec;
		br_timespec_add_ms(&ts, t[i].ms);
		cr_assert_eq(ts.tv_sec, t[i].want_sec, "row %zu", i);
		cr_assert_eq(ts.tv_nsec, t[i].want_nsec, "row %zu", i);
	}
}

Test(datetime, clocks)
{
	int64_t a, b, w;

	w = br_now_ms();
	cr_assert_gt(w, 1700000000000LL);	/* after 2023 */
	cr_assert_lt(w, 4102444800000LL);	/* before 2100 */
	a = br_mono_ms();
	b = br_mono_ms();
	cr_assert_geq(b, a);
	cr_assert_geq(a, 0);
}
