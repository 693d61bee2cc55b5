/*
 * datetime.h - date expressions and timestamps.  Pure: the clock is passed
 * in.  tz is an IANA zone name ("Europe/Berlin") or NULL for local time.
 */
#ifndef BR_DATETIME_H
#define BR_DATETIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Parses a date expression into epoch milliseconds:
 *   1630052714000                epoch ms, as is (digits only)
 *   2026-11-21                   midnight, local (or tz)
 *   2026-11-21T00:00:00Z         UTC; also +01:00 / +0100 offsets,
 *   2026-11-21T22:00+01:00       optional seconds and .fraction
 *   2026-11-21 00:00[:00]        local (or tz); 'T' also accepted
 *   now, now-24h, now+30m, now-7d, now-90s   (units s m h d)
 *   today, yesterday             local (or tz) midnight
 * Keywords (now, today, yesterday, units) are case-insensitive; blanks
 * around s are ignored.  A local time that falls into a DST gap or
 * overlap is resolved as mktime() does (tm_isdst = -1).
 * Returns 0, or -1 with a reason in msg ("'2026-13-01': month out of
 * range"; "'Europe/Berln': unknown time zone").
 *
 * Not thread-safe when tz is given (other than "UTC"): the zone is put
 * in force by setting the TZ environment variable and calling tzset(),
 * and the old value is restored afterwards.  Call it from the main
 * thread only.  Nothing is changed when TZ already equals tz, so a
 * program that parses while other threads run (which may read the
 * environment) should setenv("TZ", tz) once before starting them.
 */
int	br_datetime_parse(const char *s, int64_t now_ms, const char *tz,
	    int64_t *out_ms, char *msg, size_t msgsz);

/* 0 when tz is NULL, "UTC" or a zone found under $TZDIR (default
 * /usr/share/zoneinfo); -1 otherwise.  For checking --tz early. */
int	br_datetime_tz_check(const char *tz);

/* Formats epoch ms as "2026-11-21T00:00:00.000Z" (UTC) into buf (>= 32). */
void	br_datetime_iso(int64_t ms, char *buf, size_t bufsz);

/* Wall clock, epoch ms. */
int64_t	br_now_ms(void);
/* Monotonic clock, ms. */
int64_t	br_mono_ms(void);
/* Adds ms (>= 0) to *ts, carrying into tv_sec: the deadline of a
 * pthread_cond_timedwait() on a CLOCK_MONOTONIC condition variable (from
 * clock_gettime(), or from a zero timespec for a br_mono_ms() moment). */
void	br_timespec_add_ms(struct timespec *ts, int64_t ms);

#endif
