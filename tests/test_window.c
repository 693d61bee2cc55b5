#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "window.h"

/* 2026-11-22T20:30:00Z */
#define NOW	1795379400000LL
#define MIN	60000LL
#define HOUR	3600000LL

static void
utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

Test(window, nothing_given_is_always_open, .init = utc)
{
	struct br_window w;
	struct br_err err = { 0 };

	cr_assert_eq(br_window_init(&w, NULL, NULL, NULL, NOW, &err), 0);
	cr_assert_eq(br_window_check(&w, NOW), 0);
	cr_assert_eq(br_window_check(&w, NOW + 1000 * HOUR), 0);
}

Test(window, not_before_and_not_after_in_both_forms, .init = utc)
{
	struct br_window w;
	struct br_err err = { 0 };

	cr_assert_eq(br_window_init(&w, "2026-11-22T22:00:00Z",
	    "2026-11-23T00:00+01:00", NULL, NOW, &err), 0);
	cr_assert_eq(br_window_check(&w, NOW), 90 * MIN, "waits 1h30");
	cr_assert_eq(br_window_check(&w, NOW + 90 * MIN), 0);
	cr_assert_eq(br_window_check(&w, NOW + 90 * MIN + 59 * MIN), 0);
	cr_assert_eq(br_window_check(&w, NOW + 150 * MIN), -1,
	    "00:00+01:00 is 23:00Z: closed");
}

Test(window, hhmm_is_the_next_such_time, .init = utc)
{
	int64_t t;
	char msg[128];

	cr_assert_eq(br_time_arg("22:00", NOW, &t, msg, sizeof(msg)), 0);
	cr_assert_eq(t, NOW + 90 * MIN);
	cr_assert_eq(br_time_arg("20:00", NOW, &t, msg, sizeof(msg)), 0);
	cr_assert_eq(t, NOW + 23 * HOUR + 30 * MIN, "tomorrow");
	cr_assert_eq(br_time_arg("24:00", NOW, &t, msg, sizeof(msg)), -1);
	cr_assert_eq(br_time_arg("7:00", NOW, &t, msg, sizeof(msg)), -1);
}

Test(window, daily_window_shut_now_opens_at_its_start, .init = utc)
{
	struct br_window w;
	struct br_err err = { 0 };

	cr_assert_eq(br_window_init(&w, NULL, NULL, "22:00-02:00", NOW, &err),
	    0);
	cr_assert_eq(br_window_check(&w, NOW), 90 * MIN);
	cr_assert_eq(br_window_check(&w, NOW + 90 * MIN), 0);
	cr_assert_eq(br_window_check(&w, NOW + 5 * HOUR + 29 * MIN), 0);
	cr_assert_eq(br_window_check(&w, NOW + 5 * HOUR + 30 * MIN), -1,
	    "closed at 02:00 the next day");
}

Test(window, daily_window_open_now_runs_until_it_closes, .init = utc)
{
	struct br_window w;
	struct br_err err = { 0 };

	cr_assert_eq(br_window_init(&w, NULL, NULL, "20:00-21:00", NOW, &err),
	    0);
	cr_assert_eq(br_window_check(&w, NOW), 0);
	cr_assert_eq(br_window_check(&w, NOW + 29 * MIN), 0);
	cr_assert_eq(br_window_check(&w, NOW + 30 * MIN), -1);
	/* across midnight, entered after midnight */
	cr_assert_eq(br_window_init(&w, NULL, NULL, "19:00-21:00", NOW, &err),
	    0);
	cr_assert_eq(br_window_check(&w, NOW), 0);
}

Test(window, bad_arguments_are_refused, .init = utc)
{
	struct br_window w;
	struct br_err err = { 0 };

	cr_assert_eq(br_window_init(&w, NULL, NULL, "22:00", NOW, &err),
	    BR_EINPUT);
	cr_assert(strstr(err.msg, "HH:MM-HH:MM") != NULL);
	br_err_clear(&err);
	cr_assert_eq(br_window_init(&w, NULL, NULL, "22:00-22:00", NOW, &err),
	    BR_EINPUT);
	br_err_clear(&err);
	cr_assert_eq(br_window_init(&w, "tomorrowish", NULL, NULL, NOW, &err),
	    BR_EINPUT);
	cr_assert(strstr(err.msg, "tomorrowish") != NULL, "%s", err.msg);
	br_err_clear(&err);
	cr_assert_eq(br_window_init(&w, "2026-11-23T10:00:00Z",
	    "2026-11-23T09:00:00Z", NULL, NOW, &err), BR_EINPUT);
	cr_assert(strstr(err.msg, "closes before it opens") != NULL);
}
