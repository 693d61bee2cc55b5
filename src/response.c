/*
 * response.c - the NET.* table and releasing an answer; see response.h.
 */
#include <stdlib.h>
#include <string.h>

#include "response.h"

static const struct {
	const char	*code, *sentence;
} nets[] = {
	[BR_NET_OK] =		{ "", "" },
	[BR_NET_CONNECT] =	{ "NET.CONNECT", "could not connect" },
	[BR_NET_TIMEOUT] =	{ "NET.TIMEOUT", "timed out" },
	[BR_NET_NO_ANSWER] =	{ "NET.NO_ANSWER",
				  "the connection closed with no answer" },
	[BR_NET_DNS] =		{ "NET.DNS", "could not resolve host" },
	[BR_NET_TLS] =		{ "NET.TLS", "TLS handshake or certificate "
				  "check failed" },
	[BR_NET_OTHER] =	{ "NET.OTHER", "network error" },
};

const char *
br_net_code(enum br_net n, const char **sentence)
{
	if ((unsigned)n >= sizeof(nets) / sizeof(nets[0]))
		n = BR_NET_OTHER;
	if (sentence != NULL)
		*sentence = nets[n].sentence;
	return nets[n].code;
}

void
br_response_release(struct br_response *r)
{
	free(r->body);
	free(r->request_id);
	free(r->retry_after);
	if (r->subject_token != NULL)	/* a secret */
		explicit_bzero(r->subject_token, strlen(r->subject_token));
	free(r->subject_token);
	memset(r, 0, sizeof(*r));
}
