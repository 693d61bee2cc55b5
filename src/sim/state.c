/*
 * state.c - per key id request counters and the --state overrides.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "state.h"
#include "strbuf.h"

#define STATE_MAX	(16 * 1024 * 1024)	/* bytes of a --state file */

struct counter {
	struct sim_keyent head;		/* first */
	long		 n;
};

int
sim_state_init(struct sim_state *st)
{
	memset(st, 0, sizeof(*st));
	return sim_keytab_init(&st->counters, SIM_MAX_COUNTERS);
}

static void
override_free(struct sim_override *o)
{
	size_t i;

	free(o->key);
	free(o->body);
	free(o->ctype);
	for (i = 0; i < o->nhdrs; i++) {
		free(o->hname[i]);
		free(o->hvalue[i]);
	}
}

void
sim_state_release(struct sim_state *st)
{
	size_t i;

	sim_keytab_release(&st->counters, NULL);
	for (i = 0; i < st->nover; i++)
		override_free(&st->over[i]);
	free(st->over);
	memset(st, 0, sizeof(*st));
}

long
sim_state_hit(struct sim_state *st, const char *key)
{
	struct sim_keytab *t = &st->counters;
	struct counter *c;
	size_t kl = strlen(key);
	long n = -1;

	pthread_mutex_lock(&t->mu);
	if ((c = (struct counter *)sim_keytab_find(t, key, kl)) == NULL)
		c = (struct counter *)sim_keytab_insert(t, key, kl,
		    sizeof(*c));
	if (c == NULL && !st->full_warned) {
		st->full_warned = 1;
		fprintf(stderr, "bulkrun-sim: too many key ids to count; "
		    "new ones are answered as if their count ran out\n");
	}
	if (c != NULL) {
		n = c->n;
		if (c->n < 2000000000L)
			c->n++;
	}
	pthread_mutex_unlock(&t->mu);
	return n;
}

const struct sim_override *
sim_state_find(const struct sim_state *st, const char *key)
{
	size_t i;

	if (key == NULL)
		return NULL;
	for (i = 0; i < st->nover; i++) {
		if (strcmp(st->over[i].key, key) == 0)
			return &st->over[i];
	}
	return NULL;
}

void
sim_state_answer(const struct sim_override *o, struct sim_answer *a)
{
	size_t i;

	sim_answer_static(a, o->status, o->body == NULL ? NULL :
	    o->ctype != NULL ? o->ctype : "application/json",
	    o->body, o->len);
	for (i = 0; i < o->nhdrs; i++)
		sim_answer_header(a, o->hname[i], o->hvalue[i]);
	a->delay_ms += o->delay_ms;
}

/* --- loading ------------------------------------------------------------ */

static char *
slurp(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct br_strbuf b = BR_STRBUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > STATE_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes", path,
			    STATE_MAX);
			fclose(fp);
			br_strbuf_release(&b);
			return NULL;
		}
		br_strbuf_add(&b, chunk, n);
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		br_strbuf_release(&b);
		return NULL;
	}
	fclose(fp);
	if (b.oom) {
		snprintf(err, errlen, "%s: out of memory", path);
		br_strbuf_release(&b);
		return NULL;
	}
	return br_strbuf_take(&b, lenp);
}

static int
int_in(const cJSON *j, double lo, double hi, long *out)
{
	if (!cJSON_IsNumber(j) || j->valuedouble != floor(j->valuedouble) ||
	    j->valuedouble < lo || j->valuedouble > hi)
		return 0;
	*out = (long)j->valuedouble;
	return 1;
}

static int
header_ok(const char *name, const char *value)
{
	static const char *refused[] = { "content-length",
	    "transfer-encoding", "connection", NULL };
	const char *s;
	size_t i;

	if (*name == '\0')
		return 0;
	for (s = name; *s != '\0'; s++) {
		if (strchr("!#$%&'*+-.^_`|~", *s) == NULL &&
		    !((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z')))
			return 0;
	}
	for (i = 0; refused[i] != NULL; i++) {
		if (strcasecmp(name, refused[i]) == 0)
			return 0;
	}
	for (s = value; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return 0;
	}
	return 1;
}

/* "write", "read", "any": the requests an override answers; 0 if none. */
static int
on_value(const cJSON *j)
{
	if (!cJSON_IsString(j))
		return 0;
	if (strcmp(j->valuestring, "write") == 0)
		return SIM_ON_WRITE;
	if (strcmp(j->valuestring, "read") == 0)
		return SIM_ON_READ;
	return strcmp(j->valuestring, "any") == 0 ? SIM_ON_WRITE |
	    SIM_ON_READ : 0;
}

static int
load_one(const cJSON *e, struct sim_override *o, char *why, size_t wl)
{
	const cJSON *f, *h;
	char *s;
	long v;

	o->times = -1;
	o->status = 200;
	o->on = SIM_ON_WRITE;
	cJSON_ArrayForEach(f, e) {
		if (strcmp(f->string, "status") == 0) {
			if (!int_in(f, 0, 599, &v) || (v > 0 && v < 200)) {
				snprintf(why, wl, "'status' must be 0 (drop) "
				    "or 200 to 599");
				return -1;
			}
			o->status = (int)v;
		} else if (strcmp(f->string, "times") == 0) {
			if (!int_in(f, 0, 1e9, &o->times)) {
				snprintf(why, wl, "'times' must be an integer "
				    "from 0");
				return -1;
			}
		} else if (strcmp(f->string, "delay_ms") == 0) {
			if (!int_in(f, 0, SIM_MAX_DELAY, &o->delay_ms)) {
				snprintf(why, wl, "'delay_ms' must be 0 to %d",
				    SIM_MAX_DELAY);
				return -1;
			}
		} else if (strcmp(f->string, "on") == 0) {
			if ((o->on = on_value(f)) == 0) {
				snprintf(why, wl, "'on' must be \"write\", "
				    "\"read\" or \"any\"");
				return -1;
			}
		} else if (strcmp(f->string, "body") == 0) {
			if (cJSON_IsNull(f))
				continue;
			s = cJSON_IsString(f) ? strdup(f->valuestring) :
			    cJSON_PrintUnformatted(f);
			if (s == NULL) {
				snprintf(why, wl, "out of memory");
				return -1;
			}
			free(o->body);
			o->body = s;
			o->len = strlen(s);
		} else if (strcmp(f->string, "headers") == 0) {
			if (!cJSON_IsObject(f)) {
				snprintf(why, wl, "'headers' must be an "
				    "object");
				return -1;
			}
			cJSON_ArrayForEach(h, f) {
				if (!cJSON_IsString(h) ||
				    !header_ok(h->string, h->valuestring)) {
					snprintf(why, wl, "header '%s' is not "
					    "allowed or its value is not a "
					    "string without line breaks",
					    h->string);
					return -1;
				}
				if (strcasecmp(h->string, "content-type") ==
				    0) {
					free(o->ctype);
					if ((o->ctype = strdup(h->valuestring))
					    == NULL)
						goto oom;
					continue;
				}
				if (o->nhdrs == SIM_MAX_AHDRS - 2) {
					snprintf(why, wl, "more than %d "
					    "headers", SIM_MAX_AHDRS - 2);
					return -1;
				}
				o->hname[o->nhdrs] = strdup(h->string);
				o->hvalue[o->nhdrs] = strdup(h->valuestring);
				o->nhdrs++;
				if (o->hname[o->nhdrs - 1] == NULL ||
				    o->hvalue[o->nhdrs - 1] == NULL)
					goto oom;
			}
		} else {
			snprintf(why, wl, "unknown field '%s' (status, body, "
			    "headers, times, delay_ms, on)", f->string);
			return -1;
		}
	}
	return 0;
oom:
	snprintf(why, wl, "out of memory");
	return -1;
}

int
sim_state_load(struct sim_state *st, const char *path, char *err,
    size_t errlen)
{
	struct sim_override *o;
	const cJSON *e;
	cJSON *root = NULL;
	char *text, why[256];
	size_t len = 0, n;
	int rc = -1;

	if ((text = slurp(path, &len, err, errlen)) == NULL)
		return -1;
	root = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "%s: not a JSON object of key ids",
		    path);
		goto out;
	}
	n = (size_t)cJSON_GetArraySize(root);
	if (n > 0 && (st->over = calloc(n, sizeof(*st->over))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	cJSON_ArrayForEach(e, root) {
		if (sim_state_find(st, e->string) != NULL) {
			snprintf(err, errlen, "%s: key id '%s' given twice",
			    path, e->string);
			goto out;
		}
		o = &st->over[st->nover++];
		if ((o->key = strdup(e->string)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
		if (!cJSON_IsObject(e)) {
			snprintf(err, errlen, "%s: key id '%s': not an "
			    "object", path, e->string);
			goto out;
		}
		if (load_one(e, o, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: key id '%s': %s", path,
			    e->string, why);
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(root);
	free(text);
	return rc;
}
