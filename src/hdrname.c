/*
 * hdrname.c - header names; see hdrname.h.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "hdrname.h"

static int
in(const char *name, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(name, names[i]) == 0)
			return 1;
	return 0;
}

int
br_hdr_is_token(const char *s)
{
	static const char other[] = "!#$%&'*+-.^_`|~";

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(other, *s) != NULL))
			return 0;
	return 1;
}

int
br_hdr_is_sensitive(const char *name)
{
	static const char *const names[] = {
		"authorization", "proxy-authorization", "x-auth-token",
		"x-subject-token", "x-security-token", "cookie", NULL
	};

	return in(name, names);
}

int
br_hdr_is_reserved(const char *name)
{
	static const char *const names[] = {
		"authorization", "x-auth-token", "x-sdk-date",
		"x-security-token", "host", "content-type", "content-length",
		"transfer-encoding", "connection", "expect", "accept", NULL
	};

	return in(name, names);
}

int
br_hdr_is_unsigned(const char *name)
{
	static const char *const names[] = {
		"accept", "user-agent", "content-length", "connection",
		"expect", "transfer-encoding", "authorization", NULL
	};

	return in(name, names);
}
