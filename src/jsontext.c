/*
 * jsontext.c - checks on pieces of JSON text; see jsontext.h.
 */
#include <string.h>

#include "jsontext.h"

int
br_jsontext_is_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* The value of the 4 hex digits at s[0..n), or -1. */
static int
hex4(const char *s, size_t n)
{
	int v = 0, i, c;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

size_t
br_jsontext_escape_len(const char *s, size_t n, size_t i)
{
	int hi, lo;

	if (i + 1 >= n)
		return 0;
	if (s[i + 1] != '\0' && strchr("\"\\/bfnrt", s[i + 1]) != NULL)
		return 2;
	if (s[i + 1] != 'u' || (hi = hex4(s + i + 2, n - i - 2)) < 0 ||
	    (hi >= 0xdc00 && hi <= 0xdfff))
		return 0;
	if (hi < 0xd800 || hi > 0xdbff)
		return 6;
	if (i + 7 < n && s[i + 6] == '\\' && s[i + 7] == 'u' &&
	    (lo = hex4(s + i + 8, n - i - 8)) >= 0xdc00 && lo <= 0xdfff)
		return 12;
	return 0;
}
