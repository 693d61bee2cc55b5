/*
 * fuzz_datetime - date expressions (br_datetime_parse, as date_from
 * values and --not-before/--not-after read them), the time arguments and
 * the daily window (br_time_arg, br_window_init, br_window_check).
 *
 * Input: byte 0 picks the zone (low 4 bits) and the clock (high 4 bits);
 * the rest is the text.  For the window the text is split at '|' into
 * --not-before, --not-after and --window (an empty part: not given).
 */
#include <time.h>

#include "fuzz_common.h"
#include "datetime.h"
#include "window.h"

static const char *const zones[16] = {
	NULL, "UTC", "Europe/Berlin", "America/New_York",
	"Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia",
	"America/St_Johns", "Etc/UTC", "Europe/Berln", "", "../etc/passwd",
	"Pacific/Chatham", "Africa/Casablanca", "Antarctica/Troll",
	"Europe/London"
};

static const int64_t clocks[16] = {
	1779400000000LL,	/* 2026-05-21 */
	1795298400000LL,	/* 2026-11-21T22:00Z */
	0,
	1,
	1711846799999LL,	/* just before the EU change to summer time */
	1711846800000LL,
	1729990800000LL,	/* the EU change back */
	1730613600000LL,	/* the US change back */
	1325246400000LL,	/* Samoa skipped 2011-12-30 */
	951782400000LL,		/* 2000-02-29 */
	4102444799999LL,	/* 2099-12-31T23:59:59.999Z */
	253402300799999LL,	/* 9999-12-31T23:59:59.999Z */
	86399999LL,
	1779443999000LL,
	1779487199000LL,
	2147483647000LL		/* 2038-01-19 */
};

/* Local time is a zone with summer time, as --tz would make it. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return 0;
}

static char *
part(char **p)
{
	char *s = *p, *bar;

	if (s == NULL)
		return NULL;
	if ((bar = strchr(s, '|')) != NULL) {
		*bar = '\0';
		*p = bar + 1;
	} else
		*p = NULL;
	return *s != '\0' ? s : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tz;
	char *s, *rest, *nb, *na, *daily, msg[256], iso[40];
	struct br_window w;
	struct br_err err = { 0 };
	int64_t now, out;

	if (size < 1)
		return 0;
	tz = zones[data[0] & 15];
	now = clocks[data[0] >> 4];
	s = fz_strndup(data + 1, size - 1);

	if (br_datetime_parse(s, now, tz, &out, msg, sizeof(msg)) == 0)
		br_datetime_iso(out, iso, sizeof(iso));
	else if (msg[0] == '\0')
		__builtin_trap();		/* a failure says why */
	(void)br_datetime_tz_check(tz);
	if (strlen(s) < 64 && br_datetime_tz_check(s) == 0)
		(void)br_datetime_parse("2026-03-29 02:30", now, s, &out,
		    msg, sizeof(msg));
	if (br_time_arg(s, now, &out, msg, sizeof(msg)) == 0)
		br_datetime_iso(out, iso, sizeof(iso));

	rest = s;
	nb = part(&rest);
	na = part(&rest);
	daily = part(&rest);
	if (br_window_init(&w, nb, na, daily, now, &err) == 0) {
		(void)br_window_check(&w, now);
		(void)br_window_check(&w, now + 3600000);
	}
	br_datetime_iso(now, iso, sizeof(iso));
	free(s);
	return 0;
}
