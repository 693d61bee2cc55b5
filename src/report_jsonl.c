/*
 * report_jsonl.c - a report line as JSON Lines: the added fields, then the
 * row's input nested on dots (a name that would clash when nested stays
 * flat), every text valid UTF-8.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "jsontext.h"
#include "report_int.h"
#include "strbuf.h"

static cJSON *
input_value(const struct br_field *f)
{
	switch (f->kind) {
	case BR_V_NUMBER:
		if (br_jsontext_is_number(f->value, f->len))
			return cJSON_CreateRaw(f->value);
		break;
	case BR_V_BOOL:
		if (strcmp(f->value, "true") == 0)
			return cJSON_CreateTrue();
		if (strcmp(f->value, "false") == 0)
			return cJSON_CreateFalse();
		break;
	case BR_V_JSON:
		return br_jsontext_item(f->value, f->len);
	default:
		break;
	}
	return br_jsontext_string(f->value, f->len);
}

static int
wanted(const struct br_field *f)
{
	return f->name != NULL && f->value != NULL && f->kind != BR_V_NULL &&
	    strcasecmp(f->name, "op") != 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Compares the NUL-terminated s with key[0..klen), as strcmp would. */
static int
keycmp(const char *s, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < klen && s[i] != '\0'; i++)
		if (s[i] != key[i])
			return (unsigned char)s[i] < (unsigned char)key[i] ?
			    -1 : 1;
	if (i < klen)
		return -1;
	return s[i] == '\0' ? 0 : 1;
}

/* First index of sorted names[] not below key[0..klen). */
static size_t
lower_bound(const char *const *names, size_t n, const char *key,
    size_t klen)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keycmp(names[mid], key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Whether name must stay flat in "input": it has an empty part, another
 * name nests under it ("a" when "a.b" is there) or it nests under
 * another ("a.b" when "a" is there).  names is sorted; O(log n) per
 * part.  buf holds at least strlen(name) + 1 bytes.
 */
static int
flat_name(const char *const *names, size_t n, const char *name, char *buf)
{
	const char *dot;
	size_t len = strlen(name), i;

	if (len == 0 || name[0] == '.' || name[len - 1] == '.' ||
	    strstr(name, "..") != NULL)
		return 1;
	for (dot = name; (dot = strchr(dot, '.')) != NULL; dot++) {
		i = lower_bound(names, n, name, (size_t)(dot - name));
		if (i < n && keycmp(names[i], name, (size_t)(dot - name)) == 0)
			return 1;
	}
	/* a name under name: the first one not below name + "." */
	memcpy(buf, name, len);
	buf[len] = '.';
	i = lower_bound(names, n, buf, len + 1);
	return i < n && strncmp(names[i], buf, len + 1) == 0;
}

/* Puts v under the dotted name (flat: under the whole name).  Takes v.
 * 0 or -1 (out of memory). */
static int
input_put(cJSON *input, const char *name, int flat, cJSON *v)
{
	cJSON *obj = input, *child;
	const char *s = name, *dot;
	char *part;

	while (!flat && (dot = strchr(s, '.')) != NULL) {
		if ((part = br_jsontext_utf8_clean(s, (size_t)(dot - s))) == NULL)
			goto oom;
		if ((child = cJSON_GetObjectItemCaseSensitive(obj, part)) ==
		    NULL)
			child = cJSON_AddObjectToObject(obj, part);
		free(part);
		if (child == NULL)
			goto oom;
		if (!cJSON_IsObject(child)) {	/* cannot happen: flat_name */
			obj = input;
			s = name;
			break;
		}
		obj = child;
		s = dot + 1;
	}
	if ((part = br_jsontext_utf8_clean(s, strlen(s))) == NULL)
		goto oom;
	if (!cJSON_AddItemToObject(obj, part, v)) {
		free(part);
		goto oom;
	}
	free(part);
	return 0;
oom:
	cJSON_Delete(v);
	return -1;
}

/* The row's input as an object, nested on dots. */
static cJSON *
input_object(const struct br_row *row)
{
	const char **names = NULL;
	cJSON *input, *v;
	char *buf = NULL;
	size_t i, n = 0, max = 0;
	int ok = 1;

	if ((input = cJSON_CreateObject()) == NULL)
		return NULL;
	if (row == NULL || row->nfields == 0)
		return input;
	if ((names = calloc(row->nfields, sizeof(*names))) == NULL) {
		cJSON_Delete(input);
		return NULL;
	}
	for (i = 0; i < row->nfields; i++) {
		if (!wanted(&row->fields[i]))
			continue;
		names[n++] = row->fields[i].name;
		if (strlen(row->fields[i].name) > max)
			max = strlen(row->fields[i].name);
	}
	qsort(names, n, sizeof(*names), name_cmp);
	if ((buf = malloc(max + 2)) == NULL)
		ok = 0;
	for (i = 0; ok && i < row->nfields; i++) {
		if (!wanted(&row->fields[i]))
			continue;
		ok = (v = input_value(&row->fields[i])) != NULL &&
		    input_put(input, row->fields[i].name, flat_name(names, n,
		    row->fields[i].name, buf), v) == 0;
	}
	free(buf);
	free(names);
	if (!ok) {
		cJSON_Delete(input);
		return NULL;
	}
	return input;
}

static int
add_str(cJSON *o, const char *name, const char *v)
{
	cJSON *j;

	j = v != NULL ? br_jsontext_string(v, strlen(v)) : cJSON_CreateNull();
	return j != NULL && cJSON_AddItemToObject(o, name, j);
}

static int
add_int(cJSON *o, const char *name, long long v, int null_if_zero)
{
	char buf[32];
	cJSON *j;

	snprintf(buf, sizeof(buf), "%lld", v);
	j = null_if_zero && v == 0 ? cJSON_CreateNull() : cJSON_CreateRaw(buf);
	return j != NULL && cJSON_AddItemToObject(o, name, j);
}

static int
add_iso(cJSON *o, const char *name, int64_t ms)
{
	char buf[64];

	if (ms == 0)
		return cJSON_AddNullToObject(o, name) != NULL;
	br_report_iso_ms(ms, buf, sizeof(buf));
	return cJSON_AddStringToObject(o, name, buf) != NULL;
}

int
br_report_jsonl_line(struct br_strbuf *sb, const struct br_row *row, const char *op,
    const struct br_result *res, int verify)
{
	cJSON *o, *input, *v;
	char *text = NULL;
	int ok;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	ok = add_int(o, "row", row != NULL ? row->num : 0, 0) &&
	    add_int(o, "line", row != NULL ? row->line : 0, 0) &&
	    add_str(o, "op", br_report_op_of(row, op)) &&
	    add_str(o, "outcome", br_outcome_name(res->outcome)) &&
	    add_int(o, "http_status", res->http_status, 1) &&
	    add_str(o, "error_code", res->error_code) &&
	    add_str(o, "error_msg", res->error_msg) &&
	    add_int(o, "attempts", res->attempts, 0) &&
	    add_int(o, "elapsed_ms", res->elapsed_ms, 0) &&
	    add_iso(o, "started_at", res->started_ms) &&
	    add_iso(o, "finished_at", res->finished_ms) &&
	    add_str(o, "request_id", res->request_id);
	if (ok) {
		v = res->response != NULL ? br_jsontext_item(res->response,
		    strlen(res->response)) : cJSON_CreateNull();
		ok = v != NULL && cJSON_AddItemToObject(o, "response", v);
	}
	if (ok && verify)
		ok = add_str(o, "state", res->state) &&
		    (res->verify_ms >= 0 && res->polls > 0 ?
		    add_int(o, "verify_ms", res->verify_ms, 0) :
		    cJSON_AddNullToObject(o, "verify_ms") != NULL) &&
		    add_int(o, "polls", res->polls, 0);
	if (ok)
		ok = add_str(o, "request_fp", res->request_fp[0] != '\0' ?
		    res->request_fp : NULL);
	if (ok) {
		input = input_object(row);
		ok = input != NULL && cJSON_AddItemToObject(o, "input", input);
		if (!ok)
			cJSON_Delete(input);
	}
	if (ok && (text = cJSON_PrintUnformatted(o)) != NULL) {
		br_strbuf_addstr(sb, text);
		br_strbuf_addc(sb, '\n');
	}
	ok = ok && text != NULL;
	cJSON_free(text);
	cJSON_Delete(o);
	return ok ? 0 : -1;
}

/* ---- reading an "input" object back ---- */

int
br_report_field_add(struct br_row *row, const char *name,
    const char *value)
{
	struct br_field *nf, *f;

	if (strncmp(name, "input.", 6) == 0)
		name += 6;
	if ((nf = realloc(row->fields, (row->nfields + 1) *
	    sizeof(*nf))) == NULL)
		return BR_ENOMEM;
	row->fields = nf;
	f = &nf[row->nfields];
	memset(f, 0, sizeof(*f));
	f->kind = BR_V_STRING;
	if ((f->name = strdup(name)) == NULL ||
	    (f->value = strdup(value)) == NULL) {
		free(f->name);
		return BR_ENOMEM;
	}
	f->len = strlen(value);
	row->nfields++;
	return 0;
}

void
br_report_fields_release(struct br_row *row)
{
	size_t i;

	for (i = 0; i < row->nfields; i++) {
		free(row->fields[i].name);
		free(row->fields[i].value);
	}
	free(row->fields);
	row->fields = NULL;
	row->nfields = 0;
}

static int
flatten(struct br_row *row, const cJSON *o, const char *prefix)
{
	const cJSON *v;
	char name[1024], num[64], *text;
	int rc = 0;

	if (!cJSON_IsObject(o))		/* "input": [...] is no input */
		return 0;
	cJSON_ArrayForEach(v, o) {
		snprintf(name, sizeof(name), "%s%s%s", prefix,
		    *prefix ? "." : "", v->string);
		if (cJSON_IsObject(v) && v->child != NULL)
			rc = flatten(row, v, name);
		else if (cJSON_IsString(v))
			rc = br_report_field_add(row, name, v->valuestring);
		else if (cJSON_IsNumber(v)) {
			/* range first: the cast of a double out of range is
			 * undefined */
			if (v->valuedouble < 9007199254740992.0 &&
			    v->valuedouble > -9007199254740992.0 &&
			    v->valuedouble == floor(v->valuedouble))
				snprintf(num, sizeof(num), "%lld",
				    (long long)v->valuedouble);
			else
				snprintf(num, sizeof(num), "%.17g",
				    v->valuedouble);
			rc = br_report_field_add(row, name, num);
		} else if (cJSON_IsBool(v))
			rc = br_report_field_add(row, name, cJSON_IsTrue(v) ? "true" :
			    "false");
		else if (!cJSON_IsNull(v)) {
			if ((text = cJSON_PrintUnformatted(v)) == NULL)
				return BR_ENOMEM;
			rc = br_report_field_add(row, name, text);
			cJSON_free(text);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
br_report_input_fields(struct br_row *row, const struct cJSON *input)
{
	return flatten(row, input, "");
}
