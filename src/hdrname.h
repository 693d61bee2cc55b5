/*
 * hdrname.h - what bulkrun knows about HTTP header names, in one place:
 * the token characters of a name (RFC 9110), and the tables of names
 * that carry credentials, that bulkrun sets itself, and that are never
 * signed.  Names compare case-insensitively.
 */
#ifndef BR_HDRNAME_H
#define BR_HDRNAME_H

/* Whether name is a non-empty token: A-Z a-z 0-9 !#$%&'*+-.^_`|~ */
int	br_hdr_is_token(const char *name);
/* Credentials (Authorization, X-Auth-Token, X-Security-Token, cookies,
 * ...): masked wherever printed. */
int	br_hdr_is_sensitive(const char *name);
/* Set by bulkrun itself (credentials, framing): no catalog may set them. */
int	br_hdr_is_reserved(const char *name);
/* Added, dropped or rewritten by curl or a proxy: never signed. */
int	br_hdr_is_unsigned(const char *name);

#endif
