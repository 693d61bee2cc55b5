/*
 * err.c - the first-cause error record; see err.h.
 */
#include <stdarg.h>
#include <stdio.h>

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
