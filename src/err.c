/*
 * err.c - the first-cause error record; see err.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
br_errf(struct br_err *e, int code, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (e == NULL || e->code != 0)	/* keep the first cause */
		return code;
	if (file != NULL && line > 0)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%ld: ", file, line);
	else if (file != NULL)
		n = snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	else
		e->msg[0] = '\0';
	if (n >= 0 && (size_t)n < sizeof(e->msg)) {
		va_start(ap, fmt);
		vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	e->code = code;
	return code;
}

void
br_err_clear(struct br_err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

void
br_err_prefix(struct br_err *e, const char *prefix)
{
	size_t p = strlen(prefix) + 2, n = strlen(e->msg);

	if (e->code == 0 || p >= sizeof(e->msg))
		return;
	if (n > sizeof(e->msg) - 1 - p)
		n = sizeof(e->msg) - 1 - p;	/* the tail gives way */
	memmove(e->msg + p, e->msg, n);
	e->msg[p + n] = '\0';
	memcpy(e->msg, prefix, p - 2);
	memcpy(e->msg + p - 2, ": ", 2);
}
