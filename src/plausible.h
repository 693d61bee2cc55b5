/*
 * plausible.h - values that are valid for their type and still wrong:
 * the accidents of a spreadsheet.  A date column formatted General gives
 * its serial number (46347) for epoch milliseconds; epoch seconds get typed
 * for milliseconds; a long id typed as a number keeps 15 significant
 * digits (1234567890123460000); a pasted id brings a no-break space along.
 * Pure: each check takes a value and says what it looks like, in a message
 * without a subject ("looks like epoch seconds (...)"), for the caller to
 * put after the parameter's name.
 */
#ifndef BR_PLAUSIBLE_H
#define BR_PLAUSIBLE_H

#include <stddef.h>
#include <stdint.h>

/* 10^11 ms, 1973-03-03T09:46:40Z: epoch milliseconds below it are taken
 * for an accident (unless --allow-old-dates). */
#define BR_PLAUS_OLD_MS		INT64_C(100000000000)

/* Digits a spreadsheet keeps of a number. */
#define BR_PLAUS_DIGITS		15

#define BR_PLAUS_MSG		256	/* room for any message below */

/*
 * An epoch-millisecond value ms.  Returns 0 when it is at least
 * BR_PLAUS_OLD_MS, else 1 with msg set to what it looks like.  number is 1
 * when the value was written as a plain integer (not a date): then 1 to
 * 99999 is "looks like a spreadsheet date serial (46347 = 2026-11-21);
 * format the column as YYYY-MM-DD" and 10^8 to 10^11 - 1 "looks like epoch
 * seconds (1795219200 = 2026-11-21T00:00:00Z), the field takes
 * milliseconds"; anything else old is "is before 1973-03-03
 * (1970-01-01T00:00:00Z): too early to be meant; give --allow-old-dates if
 * it is".
 */
int	br_plaus_epoch_ms(int64_t ms, int number, char *msg, size_t msgsz);

/*
 * A value of a date field that is neither a date nor a whole number:
 * returns 1 when s[0..len) is a spreadsheet date-time serial (1 to 5
 * digits, a decimal point or comma, digits: "46347.5", "46347,5"), msg
 * "looks like a spreadsheet date-time serial (46347.5 = 2026-11-21
 * 12:00:00); format the column as YYYY-MM-DD HH:MM", else 0.
 */
int	br_plaus_serial_text(const char *s, size_t len, char *msg,
	    size_t msgsz);

/* The day of spreadsheet date serial n (1900 date system, 1 is
 * 1900-01-01, 25569 is 1970-01-01) as YYYY-MM-DD into buf (>= 16). */
void	br_plaus_serial_date(long n, char *buf, size_t bufsz);

/* ms as "1795219200000 (2026-11-21T00:00:00Z)", with .mmm when the
 * milliseconds are not 0, into buf (>= 64): how validate and --dry-run
 * show a date field. */
void	br_plaus_ms_show(int64_t ms, char *buf, size_t bufsz);

/*
 * A decimal id s[0..len): an optional sign, digits only.  Returns 1 when
 * it has more than BR_PLAUS_DIGITS significant digits and all those after
 * the 15th are zeros (msg: "'1234567890123460000' is rounded by a
 * spreadsheet (it keeps 15 digits): format the column as Text and paste
 * the ids again"), else 0 (also for anything that is not digits).
 */
int	br_plaus_rounded_id(const char *s, size_t len, char *msg,
	    size_t msgsz);

/*
 * A value s[0..len) that goes into a path or a header as it is.  Returns 1
 * when it starts or ends with an invisible character (br_text_space():
 * space, tab, line break, no-break space, ...), msg naming it: "ends with
 * a no-break space (U+00A0): remove it from the value", "starts with a
 * space (U+0020) and ends with a tab (U+0009): ..."; else 0.  A value of
 * blanks only is not given at all (the caller's business).
 */
int	br_plaus_blanks(const char *s, size_t len, char *msg, size_t msgsz);

#endif
