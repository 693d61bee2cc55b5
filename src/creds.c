/*
 * creds.c - who bulkrun is: a token (--token-file, BULKRUN_AUTH_TOKEN),
 * an AK/SK pair (HUAWEICLOUD_SDK_*) or the IAM password flow's settings
 * (OS_*), read from the environment; and putting them on a request.
 *
 * Secrets (SK, tokens, password) are zeroed before their memory goes and
 * never reach a message.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "creds.h"
#include "sign.h"

#define TOKEN_CAP	(64 * 1024)	/* bytes of a token, file or env */

/* ---- small helpers ---- */

static void
wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

void
br_creds_free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* ---- credentials ---- */

static char *
dup_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		return NULL;
	return strdup(v);
}

static int
is_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0';
}

/*
 * Trims whitespace around the token s in place and checks it: one line,
 * no control byte, not empty.  what names its source in messages.
 */
static int
check_token(char *s, const char *what, struct br_err *err)
{
	size_t n = strlen(s), b = 0, i;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (b < n && isspace((unsigned char)s[b]))
		b++;
	if (b > 0) {
		memmove(s, s + b, n - b + 1);
		wipe(s + n - b + 1, b);
		n -= b;
	}
	if (n == 0)
		return br_errf(err, BR_EINPUT, NULL, 0, "%s is empty", what);
	if (n > TOKEN_CAP)
		return br_errf(err, BR_EINPUT, NULL, 0, "%s is too large",
		    what);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r')
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "%s holds more than one line", what);
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "%s holds a control character", what);
	}
	return 0;
}

/* The warning for a token file that group or others may access: a new
 * string, or NULL when out of memory. */
static char *
others_may_read(const char *path)
{
	static const char fmt[] = "token file '%s' is readable by others "
	    "(chmod 600 %s)";
	size_t n = sizeof(fmt) + 2 * strlen(path);
	char *w;

	if ((w = malloc(n)) != NULL)
		snprintf(w, n, fmt, path, path);
	return w;
}

static int
read_token_file(const char *path, char **out, char **warning,
    struct br_err *err)
{
	struct stat st;
	char eb[128], what[PATH_MAX + 32];
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd, rc;

	*out = NULL;
	snprintf(what, sizeof(what), "token file '%s'", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		strerror_r(errno, eb, sizeof(eb));
		if (fd >= 0)
			close(fd);
		return br_errf(err, BR_EIO, NULL, 0, "cannot read token file "
		    "'%s': %s", path, eb);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return br_errf(err, BR_EIO, NULL, 0, "cannot read token file "
		    "'%s': it is a directory", path);
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0 &&
	    (*warning = others_may_read(path)) == NULL) {
		close(fd);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	if ((buf = malloc(TOKEN_CAP + 2)) == NULL) {
		close(fd);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	while (n < TOKEN_CAP + 1) {
		r = read(fd, buf + n, TOKEN_CAP + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			strerror_r(errno, eb, sizeof(eb));
			close(fd);
			wipe(buf, n);
			free(buf);
			return br_errf(err, BR_EIO, NULL, 0, "cannot read "
			    "token file '%s': %s", path, eb);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (n > TOKEN_CAP) {
		/* trailing blanks could still bring it under the cap */
		rc = br_errf(err, BR_EINPUT, NULL, 0, "%s is too large",
		    what);
		goto fail;
	}
	if (memchr(buf, '\0', n) != NULL) {
		rc = br_errf(err, BR_EINPUT, NULL, 0,
		    "%s holds a control character", what);
		goto fail;
	}
	if ((rc = check_token(buf, what, err)) != 0)
		goto fail;
	*out = buf;
	return 0;
fail:
	wipe(buf, TOKEN_CAP + 2);
	free(buf);
	return rc;
}

/* The password flow, from OS_AUTH_URL or (unset) from auth_url, the
 * default for the region. */
static int
load_password(struct br_creds *c, const char *auth_url, struct br_err *err)
{
	static const char *const need[] = { "OS_USERNAME", "OS_PASSWORD" };
	const char *why = is_set("OS_AUTH_URL") ? "OS_AUTH_URL is set" :
	    "OS_USERNAME is set (OS_AUTH_URL defaults to the region's IAM)";
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!is_set(need[i]))
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "%s but %s is not", why, need[i]);
	if (!is_set("OS_USER_DOMAIN_NAME") && !is_set("OS_DOMAIN_NAME"))
		return br_errf(err, BR_EINPUT, NULL, 0, "%s but "
		    "OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME) is not", why);
	if (!is_set("OS_PROJECT_ID") && !is_set("OS_PROJECT_NAME"))
		return br_errf(err, BR_EINPUT, NULL, 0, "%s but "
		    "OS_PROJECT_ID (or OS_PROJECT_NAME) is not", why);
	c->kind = BR_CREDS_PASSWORD;
	c->auth_url = is_set("OS_AUTH_URL") ? dup_env("OS_AUTH_URL") :
	    strdup(auth_url);
	c->username = dup_env("OS_USERNAME");
	c->password = dup_env("OS_PASSWORD");
	c->user_domain = dup_env(is_set("OS_USER_DOMAIN_NAME") ?
	    "OS_USER_DOMAIN_NAME" : "OS_DOMAIN_NAME");
	if (is_set("OS_PROJECT_ID"))
		c->project_id = dup_env("OS_PROJECT_ID");
	else
		c->project_name = dup_env("OS_PROJECT_NAME");
	if (c->auth_url == NULL || c->username == NULL ||
	    c->password == NULL || c->user_domain == NULL ||
	    (c->project_id == NULL && c->project_name == NULL))
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (strncasecmp(c->auth_url, "https://", 8) != 0 &&
	    strncasecmp(c->auth_url, "http://", 7) != 0)
		return br_errf(err, BR_EINPUT, NULL, 0,
		    "OS_AUTH_URL must start with http:// or https://");
	if (!br_auth_valid_value(c->auth_url) ||
	    strchr(c->auth_url, ' ') != NULL)
		return br_errf(err, BR_EINPUT, NULL, 0,
		    "OS_AUTH_URL holds a blank or a control character");
	return 0;
}

static int
load_aksk(struct br_creds *c, struct br_err *err)
{
	c->kind = BR_CREDS_AKSK;
	c->ak = dup_env("HUAWEICLOUD_SDK_AK");
	c->sk = dup_env("HUAWEICLOUD_SDK_SK");
	if (c->ak == NULL || c->sk == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	if (!br_auth_valid_ak(c->ak))
		return br_errf(err, BR_EINPUT, NULL, 0, "HUAWEICLOUD_SDK_AK "
		    "holds a blank, ',' or a non-ASCII byte");
	if (is_set("HUAWEICLOUD_SDK_SECURITY_TOKEN")) {
		c->security_token = dup_env("HUAWEICLOUD_SDK_SECURITY_TOKEN");
		if (c->security_token == NULL)
			return br_errf(err, BR_ENOMEM, NULL, 0,
			    "out of memory");
		return check_token(c->security_token,
		    "HUAWEICLOUD_SDK_SECURITY_TOKEN", err);
	}
	return 0;
}

int
br_creds_read(struct br_creds *c, const char *token_file, struct br_err *err)
{
	return br_creds_read_at(c, token_file, NULL, err);
}

int
br_creds_read_at(struct br_creds *c, const char *token_file,
    const char *auth_url, struct br_err *err)
{
	char *warning;
	int rc, ak, sk;

	memset(c, 0, sizeof(*c));
	ak = is_set("HUAWEICLOUD_SDK_AK");
	sk = is_set("HUAWEICLOUD_SDK_SK");
	if (token_file != NULL) {
		c->kind = BR_CREDS_TOKEN;
		rc = read_token_file(token_file, &c->token, &c->warning,
		    err);
	} else if (is_set("BULKRUN_AUTH_TOKEN")) {
		c->kind = BR_CREDS_TOKEN;
		if ((c->token = dup_env("BULKRUN_AUTH_TOKEN")) == NULL)
			rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		else
			rc = check_token(c->token, "BULKRUN_AUTH_TOKEN", err);
	} else if (ak || sk) {
		if (!sk)
			rc = br_errf(err, BR_EINPUT, NULL, 0, "HUAWEICLOUD_SDK_AK "
			    "is set but HUAWEICLOUD_SDK_SK is not");
		else if (!ak)
			rc = br_errf(err, BR_EINPUT, NULL, 0, "HUAWEICLOUD_SDK_SK "
			    "is set but HUAWEICLOUD_SDK_AK is not");
		else
			rc = load_aksk(c, err);
	} else if (is_set("HUAWEICLOUD_SDK_SECURITY_TOKEN")) {
		rc = br_errf(err, BR_EINPUT, NULL, 0,
		    "HUAWEICLOUD_SDK_SECURITY_TOKEN is set but "
		    "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not");
	} else if (is_set("OS_AUTH_URL") || (auth_url != NULL &&
	    is_set("OS_USERNAME"))) {
		rc = load_password(c, auth_url, err);
	} else
		rc = 0;			/* BR_CREDS_NONE */
	if (rc != 0) {
		warning = c->warning;	/* said even when the file is bad */
		c->warning = NULL;
		br_creds_release(c);
		c->warning = warning;
	}
	return rc;
}

int
br_creds_load(struct br_creds *c, const char *token_file, struct br_err *err)
{
	return br_creds_load_at(c, token_file, NULL, err);
}

int
br_creds_load_at(struct br_creds *c, const char *token_file,
    const char *auth_url, struct br_err *err)
{
	int rc;

	rc = br_creds_read_at(c, token_file, auth_url, err);
	if (c->warning != NULL) {
		fprintf(stderr, "bulkrun: warning: %s\n", c->warning);
		fflush(stderr);
	}
	if (rc != 0)
		br_creds_release(c);
	return rc;
}

/* Zeroes and frees every string of c (c not NULL). */
static void
free_strings(struct br_creds *c)
{
	char *const secrets[] = { c->token, c->ak, c->sk, c->security_token,
	    c->auth_url, c->username, c->password, c->user_domain,
	    c->project_id, c->project_name };
	size_t i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		br_creds_free_secret(secrets[i]);
	free(c->warning);
}

void
br_creds_release(struct br_creds *c)
{
	if (c == NULL)
		return;
	free_strings(c);
	explicit_bzero(c, sizeof(*c));
}

int
br_creds_apply(const struct br_creds *c, struct br_request *req,
    int64_t now_s, const char *project_id, struct br_err *err)
{
	int rc;

	switch (c->kind) {
	case BR_CREDS_NONE:
		return 0;
	case BR_CREDS_TOKEN:
	case BR_CREDS_PASSWORD:
		if (c->token == NULL)
			return br_errf(err, BR_EINPUT, NULL, 0,
			    "no token yet: the password flow has not run");
		br_request_remove_header(req, "X-Auth-Token");
		if ((rc = br_request_add_header(req, "X-Auth-Token", c->token,
		    1)) != 0)
			return br_errf(err, rc, NULL, 0, rc == BR_ENOMEM ?
			    "out of memory" : "the token cannot go in a header");
		return 0;
	case BR_CREDS_AKSK:
		if (project_id != NULL) {
			br_request_remove_header(req, "X-Project-Id");
			if ((rc = br_request_add_header(req, "X-Project-Id",
			    project_id, 0)) != 0)
				return br_errf(err, rc, NULL, 0,
				    rc == BR_ENOMEM ? "out of memory" :
				    "the project id cannot go in a header");
		}
		return br_auth_sign(req, c->ak, c->sk, c->security_token,
		    now_s, err);
	default:
		return br_errf(err, BR_EINTERNAL, NULL, 0,
		    "unknown kind of credentials");
	}
}

