/*
 * sign.c - SDK-HMAC-SHA256 signature check, written from the algorithm in
 * ../shared/signing/README.md, relative to the repository (independently
 * of bulkrun's signer).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sign.h"
#include "strbuf.h"
#include "text.h"

#define ALGO		"SDK-HMAC-SHA256"
#define MAX_PAIRS	256

struct pair {
	char	*name;
	size_t	 nlen;
	char	*value;
	size_t	 vlen;
};

const char *
sim_hdr_get(const struct sim_hdr *h, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(h[i].name, name) == 0)
			return h[i].value;
	}
	return NULL;
}

/* RFC 3986 unreserved characters stay, the rest is %XX (upper case). */
static void
encode(struct br_strbuf *b, const char *s, size_t n, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char e[3];
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~' || (keep_slash && c == '/')) {
			br_strbuf_add(b, s + i, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 0x0f];
		br_strbuf_add(b, e, 3);
	}
}

static int
bytecmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

static int
paircmp(const void *va, const void *vb)
{
	const struct pair *a = va, *b = vb;
	int c = bytecmp(a->name, a->nlen, b->name, b->nlen);

	return c != 0 ? c : bytecmp(a->value, a->vlen, b->value, b->vlen);
}

/* Sorted, decoded and re-encoded query; -1 if out of memory or too long. */
static int
canonical_query(struct br_strbuf *b, const char *q, size_t n)
{
	struct pair *v;
	size_t i, start, np = 0, eq, k;
	int rc = -1;

	if ((v = calloc(MAX_PAIRS, sizeof(*v))) == NULL)
		return -1;
	for (start = 0, i = 0; i <= n; i++) {
		if (i < n && q[i] != '&')
			continue;
		if (i > start) {
			if (np == MAX_PAIRS)
				goto out;
			for (eq = start; eq < i && q[eq] != '='; eq++)
				;
			v[np].name = malloc(eq - start + 1);
			k = eq < i ? i - eq - 1 : 0;
			v[np].value = malloc(k + 1);
			if (v[np].name == NULL || v[np].value == NULL) {
				np++;
				goto out;
			}
			v[np].nlen = br_text_pct_decode(v[np].name, q + start,
			    eq - start, 1);
			v[np].vlen = br_text_pct_decode(v[np].value,
			    eq < i ? q + eq + 1 : "", k, 1);
			np++;
		}
		start = i + 1;
	}
	qsort(v, np, sizeof(*v), paircmp);
	for (i = 0; i < np; i++) {
		if (i > 0)
			br_strbuf_add(b, "&", 1);
		encode(b, v[i].name, v[i].nlen, 0);
		br_strbuf_add(b, "=", 1);
		encode(b, v[i].value, v[i].vlen, 0);
	}
	rc = 0;
out:
	for (i = 0; i < np; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
	return rc;
}

static int
sha256_hex(const void *s, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return -1;
	br_text_hex(out, md, 32);
	return 0;
}

/* Finds "key=" in the comma-separated parameters of the Authorization
 * header; copies the value (trimmed) into out. */
static int
auth_param(const char *s, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key), vl;
	const char *e;

	while (*s != '\0') {
		while (*s == ' ' || *s == ',' || *s == '\t')
			s++;
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if ((size_t)(e - s) > kl && strncmp(s, key, kl) == 0 &&
		    s[kl] == '=') {
			s += kl + 1;
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			vl = (size_t)(e - s);
			if (vl >= outlen)
				return -1;
			memcpy(out, s, vl);
			out[vl] = '\0';
			return 0;
		}
		s = e;
	}
	return -1;
}

static int
parse_date(const char *s, long long *t)
{
	struct tm tm;
	int i;

	if (s == NULL || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	for (i = 0; i < 15; i++) {
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
	tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	*t = (long long)timegm(&tm);
	return 0;
}

/* Appends the canonical header lines for the signed header list. */
static int
canonical_headers(struct br_strbuf *b, const struct sim_sigcheck *c,
    const char *signed_hdrs, int *has_date)
{
	const char *s = signed_hdrs, *e, *v, *ve;
	char name[128];
	size_t n, i;

	*has_date = 0;
	while (*s != '\0') {
		e = strchr(s, ';');
		if (e == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n == 0 || n >= sizeof(name))
			return -1;
		for (i = 0; i < n; i++)
			name[i] = (char)tolower((unsigned char)s[i]);
		name[n] = '\0';
		if (strcmp(name, "x-sdk-date") == 0)
			*has_date = 1;
		if ((v = sim_hdr_get(c->req.hdrs, c->req.nhdrs, name)) == NULL)
			return -1;
		while (*v == ' ' || *v == '\t')
			v++;
		for (ve = v + strlen(v); ve > v && (ve[-1] == ' ' ||
		    ve[-1] == '\t'); ve--)
			;
		br_strbuf_addstr(b, name);
		br_strbuf_add(b, ":", 1);
		br_strbuf_add(b, v, (size_t)(ve - v));
		br_strbuf_add(b, "\n", 1);
		s = *e == ';' ? e + 1 : e;
	}
	return 0;
}

/* The parts of the Authorization header that the check needs. */
struct authz {
	char		 access[256];
	char		 signed_hdrs[1024];
	char		 sig[128];
	const char	*date;		/* X-Sdk-Date */
};

/* Reads the Authorization and X-Sdk-Date headers and checks the access
 * key and the clock: 0, or -1 with the reason in *why. */
static int
read_authz(const struct sim_sigcheck *c, struct authz *az, const char **why)
{
	const char *auth;
	long long t;

	auth = sim_hdr_get(c->req.hdrs, c->req.nhdrs, "Authorization");
	if (auth == NULL || strncmp(auth, ALGO " ", sizeof(ALGO)) != 0) {
		*why = "no SDK-HMAC-SHA256 Authorization header";
		return -1;
	}
	auth += sizeof(ALGO);
	if (auth_param(auth, "Access", az->access, sizeof(az->access)) == -1 ||
	    auth_param(auth, "SignedHeaders", az->signed_hdrs,
	    sizeof(az->signed_hdrs)) == -1 ||
	    auth_param(auth, "Signature", az->sig, sizeof(az->sig)) == -1) {
		*why = "malformed Authorization header";
		return -1;
	}
	if (strcmp(az->access, c->ak) != 0) {
		*why = "unknown access key";
		return -1;
	}
	az->date = sim_hdr_get(c->req.hdrs, c->req.nhdrs, "X-Sdk-Date");
	if (parse_date(az->date, &t) == -1) {
		*why = "x-sdk-date is missing or malformed";
		return -1;
	}
	if (c->max_skew > 0 && (t > c->now + c->max_skew ||
	    t < c->now - c->max_skew)) {
		*why = "x-sdk-date expired or invalid: "
		    "too far from the server clock";
		return -1;
	}
	return 0;
}

/* The canonical URI: the path fully decoded, re-encoded, '/' at the end. */
static int
canonical_uri(struct br_strbuf *b, const struct sim_sigcheck *c)
{
	char *path;
	size_t plen;

	if ((path = malloc(c->req.pathlen + 1)) == NULL)
		return -1;
	plen = br_text_pct_decode(path, c->req.path, c->req.pathlen, 0);
	encode(b, path, plen, 1);
	if (plen == 0 || path[plen - 1] != '/')
		br_strbuf_add(b, "/", 1);
	free(path);
	return 0;
}

/* The hex SHA-256 of the canonical request into hash: 0, or -1 with the
 * reason in *why. */
static int
canonical_hash(const struct sim_sigcheck *c, const struct authz *az,
    char hash[65], const char **why)
{
	struct br_strbuf b = BR_STRBUF_INIT;
	const char *payload;
	int has_date, rc = -1;

	br_strbuf_addstr(&b, c->req.method);
	br_strbuf_add(&b, "\n", 1);
	if (canonical_uri(&b, c) == -1) {
		*why = "out of memory";
		goto out;
	}
	br_strbuf_add(&b, "\n", 1);
	if (canonical_query(&b, c->req.query, c->req.querylen) == -1) {
		*why = "query string too long";
		goto out;
	}
	br_strbuf_add(&b, "\n", 1);
	if (canonical_headers(&b, c, az->signed_hdrs, &has_date) == -1) {
		*why = "a signed header is missing or malformed";
		goto out;
	}
	if (!has_date) {
		*why = "x-sdk-date is not signed";
		goto out;
	}
	br_strbuf_add(&b, "\n", 1);
	br_strbuf_addstr(&b, az->signed_hdrs);
	br_strbuf_add(&b, "\n", 1);
	payload = sim_hdr_get(c->req.hdrs, c->req.nhdrs,
	    "X-Sdk-Content-Sha256");
	if (payload != NULL && strcmp(payload, "UNSIGNED-PAYLOAD") == 0)
		br_strbuf_addstr(&b, payload);
	else {
		if (sha256_hex(c->req.body != NULL ? c->req.body : "",
		    c->req.len, hash) == -1) {
			*why = "sha256 failed";
			goto out;
		}
		br_strbuf_addstr(&b, hash);
	}
	if (b.oom || sha256_hex(b.p, b.len, hash) == -1) {
		*why = "out of memory";
		goto out;
	}
	rc = 0;
out:
	br_strbuf_release(&b);
	return rc;
}

/* The signature the string to sign calls for, compared with the one sent:
 * 0, or -1 with the reason in *why. */
static int
signature_matches(const struct sim_sigcheck *c, const struct authz *az,
    const char *hash, const char **why)
{
	struct br_strbuf sts = BR_STRBUF_INIT;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char want[65];
	int rc = -1;

	br_strbuf_addstr(&sts, ALGO "\n");
	br_strbuf_addstr(&sts, az->date);
	br_strbuf_add(&sts, "\n", 1);
	br_strbuf_addstr(&sts, hash);
	if (sts.oom || HMAC(EVP_sha256(), c->sk,
	    (int)strlen(c->sk), (const unsigned char *)sts.p, sts.len, mac,
	    &maclen) == NULL || maclen != 32) {
		*why = "hmac failed";
		goto out;
	}
	br_text_hex(want, mac, 32);
	if (strlen(az->sig) != 64 || CRYPTO_memcmp(az->sig, want, 64) != 0) {
		*why = "verify aksk signature fail";
		goto out;
	}
	rc = 0;
out:
	br_strbuf_release(&sts);
	return rc;
}

int
sim_sign_check(const struct sim_sigcheck *c, const char **why)
{
	struct authz az;
	char hash[65];

	memset(&az, 0, sizeof(az));
	if (read_authz(c, &az, why) == -1 ||
	    canonical_hash(c, &az, hash, why) == -1 ||
	    signature_matches(c, &az, hash, why) == -1)
		return -1;
	return 0;
}
