/*
 * jpath.c - the path language of verify blocks; see jpath.h.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "jpath.h"

#define MAX_INDEX	1000000L

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name_byte(char c)
{
	return c != '\0' && c != '.' && c != '[' && c != ']' && c != '|' &&
	    !is_blank(c);
}

/* Checks one alternative s[0..n): name ('.' name | '[' digits? ']')*. */
static int
check_alt(const char *s, size_t n, char *why, size_t whysz)
{
	size_t i = 0, d;

	if (n == 0) {
		snprintf(why, whysz, "empty alternative");
		return -1;
	}
	for (;;) {
		for (d = i; i < n && is_name_byte(s[i]); i++)
			;
		if (i == d) {
			snprintf(why, whysz, "a member name is missing");
			return -1;
		}
		while (i < n && s[i] == '[') {
			for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
			if (i >= n || s[i] != ']' || i - d > 6) {
				snprintf(why, whysz, "'[' must be followed by "
				    "an index or nothing, then ']'");
				return -1;
			}
			i++;
		}
		if (i == n)
			return 0;
		if (s[i] != '.') {
			snprintf(why, whysz, "unexpected '%c'", s[i]);
			return -1;
		}
		i++;
	}
}

/* The alternative at *rest, blanks trimmed, and its length in *n; *rest
 * moves past the next '|', or becomes NULL after the last one. */
static const char *
next_alt(const char **rest, size_t *n)
{
	const char *s = *rest, *bar;

	while (is_blank(*s))
		s++;
	bar = strchr(s, '|');
	*n = bar != NULL ? (size_t)(bar - s) : strlen(s);
	while (*n > 0 && is_blank(s[*n - 1]))
		(*n)--;
	*rest = bar != NULL ? bar + 1 : NULL;
	return s;
}

int
br_jpath_check(const char *path, char *why, size_t whysz)
{
	const char *rest = path, *s;
	size_t n;

	if (path == NULL) {
		snprintf(why, whysz, "no path");
		return -1;
	}
	while (rest != NULL) {
		s = next_alt(&rest, &n);
		if (check_alt(s, n, why, whysz) != 0)
			return -1;
	}
	return 0;
}

static void
walk(const cJSON *node, const char *p, const char *end, const cJSON **out,
    size_t *n, size_t max)
{
	const cJSON *it;
	const char *s;
	long idx;

	if (*n >= max || node == NULL || cJSON_IsNull(node))
		return;
	if (p >= end) {
		out[(*n)++] = node;
		return;
	}
	if (*p == '.')
		p++;
	if (*p == '[') {
		if (!cJSON_IsArray(node))
			return;
		if (*++p == ']') {
			cJSON_ArrayForEach(it, node)
				walk(it, p + 1, end, out, n, max);
			return;
		}
		for (idx = 0; p < end && *p >= '0' && *p <= '9'; p++)
			if (idx < MAX_INDEX)
				idx = idx * 10 + (*p - '0');
		if (p < end && *p == ']' && idx < MAX_INDEX)
			walk(cJSON_GetArrayItem(node, (int)idx), p + 1, end,
			    out, n, max);
		return;
	}
	for (s = p; p < end && *p != '.' && *p != '['; p++)
		;
	if (!cJSON_IsObject(node) || p == s)
		return;
	cJSON_ArrayForEach(it, node) {
		if (it->string != NULL &&
		    strlen(it->string) == (size_t)(p - s) &&
		    memcmp(it->string, s, (size_t)(p - s)) == 0) {
			walk(it, p, end, out, n, max);
			return;
		}
	}
}

size_t
br_jpath_eval(const cJSON *root, const char *path, const cJSON **out,
    size_t max)
{
	char why[8];
	const char *rest = path, *s;
	size_t n = 0, len;

	if (root == NULL || max == 0 || br_jpath_check(path, why,
	    sizeof(why)) != 0)
		return 0;
	while (rest != NULL && n == 0) {
		s = next_alt(&rest, &len);
		walk(root, s, s + len, out, &n, max);
	}
	return n;
}

int
br_jpath_text(const cJSON *v, char *buf, size_t bufsz)
{
	double d;

	if (bufsz > 0)
		buf[0] = '\0';
	if (v == NULL || bufsz == 0)
		return -1;
	if (cJSON_IsString(v) && v->valuestring != NULL)
		snprintf(buf, bufsz, "%s", v->valuestring);
	else if (cJSON_IsTrue(v))
		snprintf(buf, bufsz, "true");
	else if (cJSON_IsFalse(v))
		snprintf(buf, bufsz, "false");
	else if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
		if (d >= -9e15 && d <= 9e15 && d == (double)(long long)d)
			snprintf(buf, bufsz, "%lld", (long long)d);
		else
			snprintf(buf, bufsz, "%.17g", d);
	} else
		return -1;
	return 0;
}
