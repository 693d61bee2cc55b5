/*
 * tlsfiles.c - the --tls files: read them, and check that they are a PEM
 * certificate and its unencrypted private key before libmicrohttpd gets
 * them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sim.h"

char *
sim_tls_slurp(const char *path, size_t *lenp, char *err, size_t errlen)
{
	FILE *fp;
	char *p;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((p = malloc(SIM_MAX_PEM + 1)) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(p, 1, SIM_MAX_PEM + 1, fp);
	if (ferror(fp) || n > SIM_MAX_PEM || n == 0) {
		snprintf(err, errlen, "%s: %s", path, ferror(fp) ?
		    "cannot read it" : n == 0 ? "empty" : "larger than 1 MiB");
		fclose(fp);
		OPENSSL_cleanse(p, SIM_MAX_PEM + 1);
		free(p);
		return NULL;
	}
	fclose(fp);
	p[n] = '\0';
	*lenp = n;
	return p;
}

/* Never asks for a passphrase: an encrypted key is refused. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int
sim_tls_check(const struct sim_conf *cf, const char *cert, size_t clen,
    const char *key, size_t klen, char *err, size_t errlen)
{
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	BIO *bio;
	int rc = -1;

	if ((bio = BIO_new_mem_buf(cert, (int)clen)) != NULL)
		x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (x == NULL) {
		snprintf(err, errlen, "%s: no PEM certificate in it",
		    cf->tls_cert);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(key, (int)klen)) != NULL)
		pk = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (pk == NULL) {
		snprintf(err, errlen, "%s: no PEM private key in it (an "
		    "encrypted key is not supported)", cf->tls_key);
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		snprintf(err, errlen, "%s: not the key of the certificate in "
		    "%s", cf->tls_key, cf->tls_cert);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	X509_free(x);
	ERR_clear_error();
	return rc;
}
