/*
 * creds.h - who bulkrun is: an IAM token (given, or fetched with a
 * password from OS_AUTH_URL: iam.h) sent as X-Auth-Token, or an AK/SK
 * pair that signs every request (sign.h).  Secrets never go into a
 * struct br_err or onto stderr.
 */
#ifndef BR_CREDS_H
#define BR_CREDS_H

#include <stdint.h>

#include "err.h"
#include "request.h"

enum {
	BR_CREDS_NONE = 0,	/* nothing given: requests go unauthenticated */
	BR_CREDS_TOKEN,		/* --token-file or BULKRUN_AUTH_TOKEN */
	BR_CREDS_AKSK,		/* HUAWEICLOUD_SDK_AK / _SK (/ _SECURITY_TOKEN) */
	BR_CREDS_PASSWORD	/* OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ... */
};

struct br_creds {
	int	 kind;			/* BR_CREDS_* */
	char	*token;			/* TOKEN; PASSWORD once fetched */
	char	*ak, *sk, *security_token;	/* AKSK; security_token or NULL */
	/* password flow: */
	char	*auth_url, *username, *password, *user_domain;
	char	*project_id, *project_name;	/* one of them, other NULL */
	int	 token_fetched;
	char	*warning;	/* for the user, or NULL: "token file 'f' is
				   readable by others (chmod 600 f)" */
};

/*
 * Fills c (its old contents are ignored: release it first) from, in this
 * order: token_file (when not NULL), BULKRUN_AUTH_TOKEN,
 * HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN),
 * OS_AUTH_URL + OS_USERNAME + OS_PASSWORD + OS_USER_DOMAIN_NAME (or
 * OS_DOMAIN_NAME) + OS_PROJECT_ID (or OS_PROJECT_NAME).  A variable set
 * to the empty string counts as unset.  Nothing found: kind BR_CREDS_NONE,
 * returns 0.  A token (file or variable) has surrounding whitespace
 * trimmed; empty, more than one line, a control byte or more than 64 KiB
 * is an error.  A token file that group or others may access sets
 * c->warning (and is still used).  AK without SK (or the other way
 * round), a security token without both, OS_AUTH_URL without one of the
 * others or not http(s):// are errors naming the variable.  Prints
 * nothing.  Returns 0, BR_EINPUT, BR_EIO (unreadable file) or BR_ENOMEM;
 * on error c is left released but for c->warning, which may still be set
 * (br_creds_release frees it).
 */
int	br_creds_read(struct br_creds *c, const char *token_file,
	    struct br_err *err);
/*
 * br_creds_read, with auth_url (not NULL) the default of OS_AUTH_URL: when
 * OS_AUTH_URL is unset and OS_USERNAME is set (and nothing before it in
 * the order above is), the password flow uses auth_url (the region's
 * IAM, region.h's br_region_auth_url).  The errors name OS_USERNAME then.
 */
int	br_creds_read_at(struct br_creds *c, const char *token_file,
	    const char *auth_url, struct br_err *err);

/*
 * br_creds_read, then c->warning on stderr ("bulkrun: warning: ..."),
 * whether or not the read failed (a run loads its credentials once).  On
 * error c is left wholly released.
 */
int	br_creds_load(struct br_creds *c, const char *token_file,
	    struct br_err *err);
/* br_creds_load with br_creds_read_at's auth_url. */
int	br_creds_load_at(struct br_creds *c, const char *token_file,
	    const char *auth_url, struct br_err *err);

/*
 * Authenticates req: TOKEN and PASSWORD (once fetched) add or replace
 * X-Auth-Token; AKSK adds or replaces X-Project-Id when project_id is not
 * NULL, then br_auth_sign with now_s; NONE does nothing.  Call it again
 * before each attempt.  0, BR_EINPUT (PASSWORD without a token yet, or a
 * signing error) or BR_ENOMEM.  Reads c only: may run on several threads
 * at once as long as no br_creds_fetch_token runs.
 */
int	br_creds_apply(const struct br_creds *c, struct br_request *req,
	    int64_t now_s, const char *project_id, struct br_err *err);

/* Zeroes every secret, frees everything, leaves c all zero (kind NONE). */
void	br_creds_release(struct br_creds *c);

/* Zeroes the string s, then frees it; NULL is fine. */
void	br_creds_free_secret(char *s);

#endif
