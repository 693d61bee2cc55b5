/*
 * jsontext.c - checks on pieces of JSON text; see jsontext.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "jsontext.h"
#include "strbuf.h"
#include "utf8.h"

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

/* ---- JSON text for a report line ---- */

void
br_jsontext_add_string(struct br_strbuf *sb, const char *s, size_t n)
{
	static const char from[] = "\"\\\n\r\t", to[] = "\"\\nrt";
	const unsigned char *u = (const unsigned char *)s;
	const char *e;
	size_t i, run, k;

	br_strbuf_addc(sb, '"');
	for (i = 0; i < n; ) {
		for (run = i; run < n && u[run] >= 0x20 && u[run] < 0x80 &&
		    u[run] != '"' && u[run] != '\\'; run++)
			;
		br_strbuf_add(sb, s + i, run - i);
		if ((i = run) >= n)
			break;
		k = 1;
		if ((e = memchr(from, u[i], sizeof(from) - 1)) != NULL) {
			br_strbuf_addc(sb, '\\');
			br_strbuf_addc(sb, to[e - from]);
		} else if (u[i] < 0x20)
			br_strbuf_addf(sb, "\\u%04x", u[i]);
		else if ((k = br_utf8_seq(s + i, n - i, NULL)) == 0) {
			br_strbuf_add(sb, "\\ufffd", 6);
			k = 1;
		} else
			br_strbuf_add(sb, s + i, k);
		i += k;
	}
	br_strbuf_addc(sb, '"');
}

/* s[0..n) with NUL and invalid UTF-8 bytes as U+FFFD. */
char *
br_jsontext_utf8_clean(const char *s, size_t n)
{
	struct br_strbuf sb = BR_STRBUF_INIT;
	size_t i = 0, len;

	br_strbuf_add(&sb, "", 0);
	while (i < n) {
		len = s[i] != '\0' ? br_utf8_seq(s + i, n - i, NULL) : 0;
		if (len == 0) {
			br_strbuf_addstr(&sb, "\xef\xbf\xbd");
			i++;
		} else {
			br_strbuf_add(&sb, s + i, len);
			i += len;
		}
	}
	return br_strbuf_detach(&sb);
}

cJSON *
br_jsontext_string(const char *s, size_t n)
{
	cJSON *j;
	char *c;

	if ((c = br_jsontext_utf8_clean(s, n)) == NULL)
		return NULL;
	j = cJSON_CreateString(c);
	free(c);
	return j;
}

/*
 * Whether s (cJSON parses it) can go into a line as it is: no control
 * bytes (so no line break), valid UTF-8, valid escapes, and only strict
 * numbers, so that big integers are not rounded by a round trip through
 * a double.
 */
static int
raw_ok(const char *s)
{
	size_t i = 0, j, n = strlen(s);
	char *c;
	int ok;

	if ((c = br_jsontext_utf8_clean(s, n)) == NULL)
		return 0;
	ok = strcmp(c, s) == 0;
	free(c);
	for (i = 0; ok && i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			ok = 0;
	i = 0;
	while (ok && i < n) {
		if (s[i] == '"') {
			for (i++; ok && i < n && s[i] != '"'; )
				if (s[i] != '\\')
					i++;
				else if ((j = br_jsontext_escape_len(s, n,
				    i)) != 0)
					i += j;
				else
					ok = 0;
			i++;
		} else if (strchr("-0123456789", s[i]) != NULL) {
			for (j = i; j < n && strchr("+-.eE0123456789", s[j]) !=
			    NULL; j++)
				;
			ok = br_jsontext_is_number(s + i, j - i);
			i = j;
		} else {
			i++;
		}
	}
	return ok;
}

/*
 * Makes every key and string of a parsed tree valid UTF-8 (cJSON keeps
 * bytes as they came, and decodes bad escapes into bad bytes).  The
 * depth is bounded by cJSON's nesting limit.  0 or -1 (out of memory).
 */
static int
clean_tree(cJSON *j)
{
	char *c;

	for (; j != NULL; j = j->next) {
		if (j->string != NULL && !(j->type & cJSON_StringIsConst)) {
			if ((c = br_jsontext_utf8_clean(j->string, strlen(j->string))) ==
			    NULL)
				return -1;
			if (strcmp(c, j->string) != 0) {
				cJSON_free(j->string);
				j->string = c;	/* cJSON free()s it */
			} else {
				free(c);
			}
		}
		if (cJSON_IsString(j) && j->valuestring != NULL) {
			if ((c = br_jsontext_utf8_clean(j->valuestring,
			    strlen(j->valuestring))) == NULL)
				return -1;
			if (strcmp(c, j->valuestring) != 0 &&
			    cJSON_SetValuestring(j, c) == NULL) {
				free(c);
				return -1;
			}
			free(c);
		}
		if (j->child != NULL && clean_tree(j->child) != 0)
			return -1;
	}
	return 0;
}

/* A JSON text as an item: raw when safe, else parsed and cleaned, else
 * a string. */
cJSON *
br_jsontext_item(const char *s, size_t n)
{
	cJSON *j;

	if (memchr(s, '\0', n) == NULL &&
	    (j = cJSON_ParseWithOpts(s, NULL, 1)) != NULL) {
		if (raw_ok(s)) {
			cJSON_Delete(j);
			return cJSON_CreateRaw(s);
		}
		if (clean_tree(j) != 0) {
			cJSON_Delete(j);
			return NULL;
		}
		return j;
	}
	return br_jsontext_string(s, n);
}

const char *
br_jsontext_member(const struct cJSON *o, const char *k, char *buf,
    size_t bufsz)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v) && buf != NULL) {
		if (v->valuedouble >= 0 && v->valuedouble < 9.0e15 &&
		    v->valuedouble == floor(v->valuedouble))
			snprintf(buf, bufsz, "%.0f", v->valuedouble);
		else
			snprintf(buf, bufsz, "%.17g", v->valuedouble);
		return buf;
	}
	return NULL;
}
