/*
 * sign.c - SDK-HMAC-SHA256 signing of a request, as the official SDKs do
 * (the signing guide: ../shared/signing/ relative to the repository).
 * Pure: the clock is passed in; no I/O.
 *
 * Signing follows the official SDKs (the Node SDK's output is the test
 * oracle, tests/data/signing/vectors.json):
 *
 *   CanonicalRequest = METHOD \n URI \n QUERY \n HEADERS \n SIGNED \n
 *                      hex(sha256(body))
 *   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n
 *                      hex(sha256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(SK, StringToSign))
 *
 * The request is signed as libcurl will send it: the path with dot
 * segments removed, Host as host[:port] with the port only when it is not
 * the scheme's default, and only headers curl passes on unchanged.
 *
 * The SK and the security token are zeroed before their memory goes and
 * never reach a message.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hdrname.h"
#include "sign.h"
#include "strbuf.h"
#include "text.h"

#define ALGORITHM	"SDK-HMAC-SHA256"
#define SIGN_ERR	"cannot sign the request: "

/* ---- small helpers ---- */

static void
wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

/* hex(sha256(d)) into out[65]; 0 or -1. */
static int
sha256_hex(const void *d, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(d != NULL ? d : "", n, md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != 32)
		return -1;
	br_text_hex(out, md, mdlen);
	return 0;
}

/* Decodes %XX escapes of s[0..n) into a new buffer (*out, *outlen; may
 * hold NUL bytes), and '+' as a blank when plus_space.  0, BR_EINPUT (a
 * '%' not followed by two hex digits) or BR_ENOMEM. */
static int
pct_decode(const char *s, size_t n, int plus_space, char **out,
    size_t *outlen)
{
	size_t i, o = 0;
	char *d;
	int hi, lo;

	*out = NULL;
	if ((d = malloc(n + 1)) == NULL)
		return BR_ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			d[o++] = plus_space && s[i] == '+' ? ' ' : s[i];
			continue;
		}
		if (i + 2 >= n) {
			free(d);
			return BR_EINPUT;
		}
		if ((hi = br_text_hexval((unsigned char)s[i + 1])) < 0 ||
		    (lo = br_text_hexval((unsigned char)s[i + 2])) < 0) {
			free(d);
			return BR_EINPUT;
		}
		d[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	d[o] = '\0';
	*out = d;
	*outlen = o;
	return 0;
}

/* ---- the URL as curl sends it ---- */

struct url {
	char		*host;	/* host[:port] as in curl's Host header */
	char		*path;	/* raw, dot segments removed, >= "/" */
	const char	*query;	/* raw, points into the URL */
	size_t		 qlen;
};

/*
 * RFC 3986 5.2.4 remove_dot_segments on an absolute path p[0..n), as
 * curl does before sending ("/a/./b/../c" goes as "/a/c").  New string.
 */
static char *
remove_dots(const char *p, size_t n)
{
	const char *s, *e, *end = p + n;
	size_t o = 0, len;
	char *out;
	int last;

	if ((out = malloc(n + 2)) == NULL)
		return NULL;
	s = p + 1;			/* p[0] is '/' */
	for (;;) {
		e = memchr(s, '/', (size_t)(end - s));
		if (e == NULL)
			e = end;
		len = (size_t)(e - s);
		last = e == end;
		if (len == 1 && s[0] == '.') {
			if (last)
				out[o++] = '/';
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;	/* the segment's own '/' */
			if (last)
				out[o++] = '/';
		} else {
			out[o++] = '/';
			memcpy(out + o, s, len);
			o += len;
		}
		if (last)
			break;
		s = e + 1;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static void
url_release(struct url *u)
{
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

static int
parse_url(const char *url, struct url *u, struct br_err *err)
{
	const char *p, *auth, *aend, *hend, *q;
	long port = 0, def;
	size_t i, plen;
	int nd = 0;

	memset(u, 0, sizeof(*u));
	if (url == NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR "no URL");
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= 0x20 ||
		    (unsigned char)url[i] >= 0x7f)
			return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
			    "the URL holds a blank, control or non-ASCII "
			    "byte");
	if (strncasecmp(url, "https://", 8) == 0) {
		auth = url + 8;
		def = 443;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		auth = url + 7;
		def = 80;
	} else
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the URL must start with http:// or https://");
	aend = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(aend - auth)) != NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the URL holds user:password@");
	if (*auth == '[') {
		hend = memchr(auth, ']', (size_t)(aend - auth));
		if (hend == NULL)
			return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
			    "the URL has an unclosed '[' in its host");
		hend++;
	} else {
		hend = memchr(auth, ':', (size_t)(aend - auth));
		if (hend == NULL)
			hend = aend;
	}
	if (hend == auth || (*auth == '[' && hend - auth == 2))
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the URL has no host");
	if (hend < aend) {
		if (*hend != ':')
			return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
			    "the URL has a bad host");
		for (p = hend + 1; p < aend; p++, nd++) {
			if (!isdigit((unsigned char)*p) || port > 65535)
				return br_errf(err, BR_EINPUT, NULL, 0,
				    SIGN_ERR "the URL has a bad port");
			port = port * 10 + (*p - '0');
		}
		if (nd > 0 && (port < 1 || port > 65535))
			return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
			    "the URL has a bad port");
	}
	if (nd == 0)
		port = def;

	/* path and query as curl sends them; no fragment */
	p = aend;
	plen = strcspn(p, "?#");
	q = p + plen;
	if (*q == '?') {
		u->query = q + 1;
		u->qlen = strcspn(q + 1, "#");
	} else {
		u->query = "";
		u->qlen = 0;
	}
	u->path = plen == 0 ? strdup("/") : remove_dots(p, plen);
	i = (size_t)(hend - auth);
	if ((u->host = malloc(i + 24)) != NULL) {
		memcpy(u->host, auth, i);
		if (port != def)
			snprintf(u->host + i, 24, ":%ld", port);
		else
			u->host[i] = '\0';
	}
	if (u->path == NULL || u->host == NULL) {
		url_release(u);
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	}
	return 0;
}

/* ---- canonical request ---- */

struct qpair {
	char	*name, *value;
	size_t	 nlen, vlen;
};

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
qpair_cmp(const void *va, const void *vb)
{
	const struct qpair *a = va, *b = vb;
	int c;

	if ((c = bytes_cmp(a->name, a->nlen, b->name, b->nlen)) != 0)
		return c;
	return bytes_cmp(a->value, a->vlen, b->value, b->vlen);
}

static int
canonical_uri(struct br_strbuf *sb, const char *path, struct br_err *err)
{
	size_t n;
	char *d;
	int rc;

	if ((rc = pct_decode(path, strlen(path), 0, &d, &n)) != 0)
		return rc == BR_ENOMEM ?
		    br_errf(err, rc, NULL, 0, "out of memory") :
		    br_errf(err, rc, NULL, 0, SIGN_ERR
		    "the URL path holds a bad %%-escape");
	/* '/' decoded from %2F splits too, as the Node SDK does */
	br_strbuf_addpct(sb, d, n, 1);
	if (n == 0 || d[n - 1] != '/')
		br_strbuf_addc(sb, '/');
	free(d);
	return 0;
}

static int
canonical_query(struct br_strbuf *sb, const char *q, size_t qlen,
    struct br_err *err)
{
	struct qpair *pairs = NULL;
	const char *s, *e, *eq, *end = q + qlen;
	size_t i, np = 0, max = 1;
	int rc = 0;

	for (i = 0; i < qlen; i++)
		if (q[i] == '&')
			max++;
	if (qlen == 0)
		return 0;
	if ((pairs = calloc(max, sizeof(*pairs))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	for (s = q; s <= end; s = e + 1) {
		e = memchr(s, '&', (size_t)(end - s));
		if (e == NULL)
			e = end;
		if (e == s) {
			if (e == end)
				break;
			continue;		/* "&&" */
		}
		eq = memchr(s, '=', (size_t)(e - s));
		if ((rc = pct_decode(s, (size_t)((eq ? eq : e) - s), 1,
		    &pairs[np].name, &pairs[np].nlen)) != 0)
			goto fail;
		if (eq != NULL)
			rc = pct_decode(eq + 1, (size_t)(e - eq - 1), 1,
			    &pairs[np].value, &pairs[np].vlen);
		else
			rc = pct_decode("", 0, 1, &pairs[np].value,
			    &pairs[np].vlen);
		if (rc != 0) {
			free(pairs[np].name);
			goto fail;
		}
		np++;
		if (e == end)
			break;
	}
	qsort(pairs, np, sizeof(*pairs), qpair_cmp);
	for (i = 0; i < np; i++) {
		if (i > 0)
			br_strbuf_addc(sb, '&');
		br_strbuf_addpct(sb, pairs[i].name, pairs[i].nlen, 0);
		br_strbuf_addc(sb, '=');
		br_strbuf_addpct(sb, pairs[i].value, pairs[i].vlen, 0);
	}
fail:
	for (i = 0; i < np; i++) {
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
	if (rc == BR_ENOMEM)
		return br_errf(err, rc, NULL, 0, "out of memory");
	if (rc != 0)
		return br_errf(err, rc, NULL, 0, SIGN_ERR
		    "the URL query holds a bad %%-escape");
	return 0;
}

struct shdr {
	char		*lname;
	const char	*value;		/* trimmed, vlen bytes */
	size_t		 vlen;
};

static int
shdr_cmp(const void *va, const void *vb)
{
	const struct shdr *a = va, *b = vb;

	return strcmp(a->lname, b->lname);
}

static char *
lower_dup(const char *s)
{
	char *d;
	size_t i;

	if ((d = strdup(s)) == NULL)
		return NULL;
	for (i = 0; d[i] != '\0'; i++)
		d[i] = (char)br_text_lower((unsigned char)d[i]);
	return d;
}

/* Frees the n names of hs, then hs. */
static void
shdrs_free(struct shdr *hs, size_t n)
{
	size_t i;

	if (hs == NULL)
		return;
	for (i = 0; i < n; i++)
		free(hs[i].lname);
	free(hs);
}

/* Checks a header name: no '_', only token characters.  0 or BR_EINPUT. */
static int
check_header_name(const char *name, struct br_err *err)
{
	if (strchr(name, '_') != NULL)
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR "header "
		    "name '%s' holds '_', which the gateway does not take",
		    name);
	if (!br_hdr_is_token(name))
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "bad header name");
	return 0;
}

/*
 * The headers of req that are signed, lower-cased, sorted by name, with
 * host (as curl sends it: host) added when with_host and req has none;
 * *nout of them into a new array (*out, freed with shdrs_free).  Values
 * point into req and host.  0, BR_EINPUT or BR_ENOMEM.
 */
static int
collect_signed_headers(const struct br_request *req, int with_host,
    const char *host, struct shdr **out, size_t *nout, struct br_err *err)
{
	struct shdr *hs;
	size_t i, nh = 0;
	int have_host = 0, keep, rc;

	*out = NULL;
	*nout = 0;
	if ((hs = calloc(req->nheaders + 1, sizeof(*hs))) == NULL)
		return br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
	for (i = 0; i < req->nheaders; i++) {
		if ((rc = check_header_name(req->headers[i].name, err)) != 0)
			goto fail;
		if ((hs[nh].lname = lower_dup(req->headers[i].name)) == NULL)
			goto oom;
		hs[nh].vlen = strlen(req->headers[i].value);
		hs[nh].value = br_text_trim_sp(req->headers[i].value,
		    &hs[nh].vlen);
		/* curl drops blank ones */
		keep = !br_hdr_is_unsigned(hs[nh].lname) && hs[nh].vlen > 0;
		if (keep && strcmp(hs[nh].lname, "host") == 0) {
			have_host = 1;	/* curl sends this one instead */
			keep = with_host;
		}
		if (!keep) {
			free(hs[nh].lname);
			hs[nh].lname = NULL;
			continue;
		}
		nh++;
	}
	if (with_host && !have_host) {
		if ((hs[nh].lname = strdup("host")) == NULL)
			goto oom;
		hs[nh].value = host;
		hs[nh].vlen = strlen(host);
		nh++;
	}
	qsort(hs, nh, sizeof(*hs), shdr_cmp);
	for (i = 1; i < nh; i++)
		if (strcmp(hs[i - 1].lname, hs[i].lname) == 0) {
			rc = br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
			    "header '%s' is given twice", hs[i].lname);
			goto fail;
		}
	*out = hs;
	*nout = nh;
	return 0;
oom:
	rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
fail:
	shdrs_free(hs, nh);
	return rc;
}

/* "name:value\n" for each of hs into sb, and "n1;n2;..." into sg. */
static void
add_headers(struct br_strbuf *sb, struct br_strbuf *sg,
    const struct shdr *hs, size_t nh)
{
	size_t i;

	for (i = 0; i < nh; i++) {
		br_strbuf_addstr(sb, hs[i].lname);
		br_strbuf_addc(sb, ':');
		br_strbuf_add(sb, hs[i].value, hs[i].vlen);
		br_strbuf_addc(sb, '\n');
		if (i > 0)
			br_strbuf_addc(sg, ';');
		br_strbuf_addstr(sg, hs[i].lname);
	}
	if (nh == 0)
		br_strbuf_add(sg, "", 0);
}

static char *
canonical(const struct br_request *req, int with_host, char **signed_out,
    struct br_err *err)
{
	struct br_strbuf sb = BR_STRBUF_INIT, sg = BR_STRBUF_INIT;
	struct shdr *hs = NULL;
	struct url u;
	char hash[65];
	size_t nh = 0;

	*signed_out = NULL;
	if (parse_url(req->url, &u, err) != 0)
		return NULL;
	if (collect_signed_headers(req, with_host, u.host, &hs, &nh, err) !=
	    0)
		goto fail;
	br_strbuf_addstr(&sb, req->method);
	br_strbuf_addc(&sb, '\n');
	if (canonical_uri(&sb, u.path, err) != 0)
		goto fail;
	br_strbuf_addc(&sb, '\n');
	if (canonical_query(&sb, u.query, u.qlen, err) != 0)
		goto fail;
	br_strbuf_addc(&sb, '\n');
	add_headers(&sb, &sg, hs, nh);
	br_strbuf_addc(&sb, '\n');
	br_strbuf_add(&sb, sg.p != NULL ? sg.p : "", sg.len);
	br_strbuf_addc(&sb, '\n');
	if (sha256_hex(req->body, req->body != NULL ? req->bodylen : 0,
	    hash) != 0) {
		br_errf(err, BR_EINTERNAL, NULL, 0, SIGN_ERR
		    "sha256 failed");
		goto fail;
	}
	br_strbuf_add(&sb, hash, 64);
	if (sb.oom || sg.oom || sg.p == NULL) {
		br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	shdrs_free(hs, nh);
	url_release(&u);
	*signed_out = br_strbuf_detach(&sg);
	return br_strbuf_detach(&sb);
fail:
	shdrs_free(hs, nh);
	url_release(&u);
	if (sb.p != NULL)
		explicit_bzero(sb.p, sb.len);	/* may hold a security token */
	br_strbuf_release(&sb);
	br_strbuf_release(&sg);
	return NULL;
}

char *
br_auth_canonical_request(const struct br_request *req,
    char **signed_headers)
{
	struct br_err err = { 0 };

	return canonical(req, 1, signed_headers, &err);
}

char *
br_auth_canonical_request_nohost(const struct br_request *req,
    char **signed_headers)
{
	struct br_err err = { 0 };

	return canonical(req, 0, signed_headers, &err);
}

char *
br_auth_authorization(const char *ak, const char *sk, const char *date,
    const char *canonical_req, const char *signed_headers)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	struct br_strbuf sts = BR_STRBUF_INIT, out = BR_STRBUF_INIT;
	char hash[65], sig[2 * EVP_MAX_MD_SIZE + 1];
	size_t sklen;

	sklen = strlen(sk);
	if (sklen > INT_MAX ||
	    sha256_hex(canonical_req, strlen(canonical_req), hash) != 0)
		return NULL;
	br_strbuf_addstr(&sts, ALGORITHM "\n");
	br_strbuf_addstr(&sts, date);
	br_strbuf_addc(&sts, '\n');
	br_strbuf_add(&sts, hash, 64);
	if (sts.oom) {
		br_strbuf_release(&sts);
		return NULL;
	}
	if (HMAC(EVP_sha256(), sk, (int)sklen, (const unsigned char *)sts.p,
	    sts.len, mac, &maclen) == NULL || maclen != 32) {
		br_strbuf_release(&sts);
		return NULL;
	}
	br_strbuf_release(&sts);
	br_text_hex(sig, mac, maclen);
	wipe(mac, sizeof(mac));
	br_strbuf_addstr(&out, ALGORITHM " Access=");
	br_strbuf_addstr(&out, ak);
	br_strbuf_addstr(&out, ", SignedHeaders=");
	br_strbuf_addstr(&out, signed_headers);
	br_strbuf_addstr(&out, ", Signature=");
	br_strbuf_addstr(&out, sig);
	return br_strbuf_detach(&out);
}

/* "YYYYMMDDTHHMMSSZ" for t; 0 or -1 (outside 1970-9999). */
static int
sdk_date(int64_t t, char out[17])
{
	struct tm tm;
	time_t tt;

	if (t < 0 || t > INT64_C(253402300799))	/* 9999-12-31T23:59:59Z */
		return -1;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		return -1;
	return strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 16 ? 0 : -1;
}

int
br_auth_valid_ak(const char *ak)
{
	size_t i;

	for (i = 0; ak[i] != '\0'; i++)
		if ((unsigned char)ak[i] <= 0x20 ||
		    (unsigned char)ak[i] >= 0x7f || ak[i] == ',')
			return 0;
	return i > 0;
}

int
br_auth_valid_value(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

int
br_auth_sign(struct br_request *req, const char *ak, const char *sk,
    const char *security_token, int64_t now_epoch_s, struct br_err *err)
{
	char date[17], *canon = NULL, *signed_h = NULL, *authz = NULL;
	int rc;

	if (ak == NULL || !br_auth_valid_ak(ak))
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the access key is empty or holds a blank, ',' or a "
		    "non-ASCII byte");
	if (sk == NULL || *sk == '\0')
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the secret key is empty");
	if (security_token != NULL && (*security_token == '\0' ||
	    !br_auth_valid_value(security_token)))
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the security token is empty or holds a control byte");
	if (sdk_date(now_epoch_s, date) != 0)
		return br_errf(err, BR_EINPUT, NULL, 0, SIGN_ERR
		    "the clock is outside years 1970-9999");

	br_request_remove_header(req, "X-Sdk-Date");
	br_request_remove_header(req, "Authorization");
	if (security_token != NULL)
		br_request_remove_header(req, "X-Security-Token");
	if ((rc = br_request_add_header(req, "X-Sdk-Date", date, 0)) != 0 ||
	    (security_token != NULL && (rc = br_request_add_header(req,
	    "X-Security-Token", security_token, 1)) != 0)) {
		br_errf(err, rc, NULL, 0, rc == BR_ENOMEM ? "out of memory" :
		    SIGN_ERR "cannot add a header");
		goto fail;
	}
	if ((canon = canonical(req, 1, &signed_h, err)) == NULL) {
		rc = err->code != 0 ? err->code : BR_ENOMEM;
		goto fail;
	}
	if ((authz = br_auth_authorization(ak, sk, date, canon,
	    signed_h)) == NULL) {
		rc = br_errf(err, BR_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	if ((rc = br_request_add_header(req, "Authorization", authz, 1)) !=
	    0) {
		br_errf(err, rc, NULL, 0, "out of memory");
		goto fail;
	}
	rc = 0;
fail:
	if (rc != 0)
		br_request_remove_header(req, "X-Sdk-Date");
	if (canon != NULL)
		wipe(canon, strlen(canon));
	free(canon);
	free(signed_h);
	if (authz != NULL)
		wipe(authz, strlen(authz));
	free(authz);
	return rc;
}
