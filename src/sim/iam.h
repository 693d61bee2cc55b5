/*
 * iam.h - the IAM token endpoint of bulkrun-sim: POST /v3/auth/tokens with
 * Keystone v3 password authentication, as Huawei Cloud IAM offers it, and
 * the table of the tokens it issued.  The table is shared by the server
 * threads and locked inside.
 */
#ifndef SIM_IAM_H
#define SIM_IAM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"

#define SIM_IAM_PATH		"/v3/auth/tokens"
#define SIM_IAM_OP		"iam.create_token"	/* op in the log */
#define SIM_IAM_MAX_TOKENS	1024	/* then the oldest is forgotten */
#define SIM_IAM_TOKEN_LEN	67	/* "MII" and 64 hex digits */

struct sim_iam_tok {
	char	 tok[SIM_IAM_TOKEN_LEN + 1];	/* "": free slot */
	int64_t	 expires;	/* monotonic ms */
	long	 uses;		/* API requests it was accepted for */
};

struct sim_iam {
	pthread_mutex_t		 mu;		/* guards tab, next */
	char			*user;
	char			*password;
	long			 ttl;		/* seconds */
	long			 max_uses;	/* 0: no limit */
	struct sim_iam_tok	*tab;		/* SIM_IAM_MAX_TOKENS, a ring */
	size_t			 next;		/* the slot to fill next */
};

enum {
	SIM_IAM_OK,		/* accepted, and counted */
	SIM_IAM_UNKNOWN,	/* never issued, or forgotten */
	SIM_IAM_EXPIRED,	/* older than --iam-token-ttl */
	SIM_IAM_USED_UP		/* --expire-tokens-after reached */
};

/* Copies user and password.  ttl in seconds; max_uses 0 for no limit.
 * -1 when out of memory. */
int	sim_iam_init(struct sim_iam *, const char *user,
	    const char *password, long ttl, long max_uses);
/* Wipes the password and forgets every token. */
void	sim_iam_release(struct sim_iam *);
/* Answers a POST to SIM_IAM_PATH: 201 with X-Subject-Token and the token
 * body, 400 for a body that is not a password authentication request,
 * 401 for a wrong user or password (Keystone's error form).  On 201 the
 * token is copied to tok (room for SIM_IAM_TOKEN_LEN + 1), which a keeps
 * a pointer to for the header; otherwise tok is "". */
void	sim_iam_issue(struct sim_iam *, const struct sim_req *q,
	    struct sim_answer *a, char *tok);
/* Checks an X-Auth-Token against the issued tokens and counts one use
 * when it is accepted.  Returns SIM_IAM_OK or the reason it is not. */
int	sim_iam_accept(struct sim_iam *, const char *tok);
/* The body as it may be logged: when it is a JSON object, a copy where
 * the value of every member called "password" (in any case) that is not
 * an object reads "***", byte for byte the same elsewhere; otherwise
 * "***" alone.  The caller frees the copy; NULL when out of memory. */
char	*sim_iam_mask(const char *body, size_t len, size_t *outlen);

#endif
