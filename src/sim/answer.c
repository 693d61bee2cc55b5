/*
 * answer.c - building the answers: JSON error bodies, fixed and owned
 * bodies, extra headers, and the canned bodies shared by the faults.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api.h"
#include "jsontext.h"
#include "strbuf.h"

static const char garbage_body[] = "{\"jobId\": [";
static const char fallback_body[] =
    "{\"error_code\":\"SYS.500\",\"error_msg\":\"Internal Server Error\"}";
static const char json_type[] = "application/json";

void
sim_answer_release(struct sim_answer *a)
{
	if (a->owned)
		free(a->body);
	memset(a, 0, sizeof(*a));
}

static void
answer_reset(struct sim_answer *a)
{
	long delay = a->delay_ms;

	sim_answer_release(a);
	a->delay_ms = delay;
}

void
sim_answer_static(struct sim_answer *a, int status, const char *ctype,
    const char *body, size_t len)
{
	answer_reset(a);
	a->status = status;
	a->ctype = ctype;
	a->body = (char *)(uintptr_t)body;	/* never written or freed */
	a->len = len;
}

/* Takes a malloc'd body, or answers 500 when it is NULL. */
void
sim_answer_owned(struct sim_answer *a, int status, char *body, size_t len)
{
	answer_reset(a);
	if (body == NULL) {
		sim_answer_static(a, 500, json_type, fallback_body,
		    sizeof(fallback_body) - 1);
		return;
	}
	a->status = status;
	a->ctype = json_type;
	a->body = body;
	a->len = len;
	a->owned = 1;
}

void
sim_answer_error(struct sim_answer *a, int status, const char *code,
    const char *msg)
{
	sim_answer_json2(a, status, "{\"error_code\":", code,
	    ",\"error_msg\":", msg, "}");
}

void
sim_answer_json2(struct sim_answer *a, int status, const char *head,
    const char *s1, const char *mid, const char *s2, const char *tail)
{
	struct br_strbuf b = BR_STRBUF_INIT;
	char *body;
	size_t len = 0;

	br_strbuf_addstr(&b, head);
	br_jsontext_add_string(&b, s1, strlen(s1));
	br_strbuf_addstr(&b, mid);
	br_jsontext_add_string(&b, s2, strlen(s2));
	br_strbuf_addstr(&b, tail);
	body = br_strbuf_take(&b, &len);
	sim_answer_owned(a, status, body, len);
}

int
sim_answer_header(struct sim_answer *a, const char *name, const char *value)
{
	if (a->nhdrs >= SIM_MAX_AHDRS)
		return -1;
	a->hdrs[a->nhdrs].name = name;
	a->hdrs[a->nhdrs].value = value;
	a->nhdrs++;
	return 0;
}

void
sim_answer_throttled(struct sim_answer *a, const char *retry_after)
{
	sim_answer_error(a, 429, "APIG.0308", "The request is throttled.");
	sim_answer_header(a, "Retry-After", retry_after);
}

void
sim_answer_unavailable(struct sim_answer *a)
{
	sim_answer_error(a, 503, "SYS.503", "Service Unavailable");
}

void
sim_answer_garbage(struct sim_answer *a)
{
	sim_answer_static(a, 200, json_type, garbage_body,
	    sizeof(garbage_body) - 1);
}

void
sim_answer_json(struct sim_answer *a, int status, const cJSON *j)
{
	char *s;

	s = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
	sim_answer_owned(a, status, s, s != NULL ? strlen(s) : 0);
}
