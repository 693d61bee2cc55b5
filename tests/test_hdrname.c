#include <criterion/criterion.h>

#include "hdrname.h"

Test(hdrname, tokens_and_tables)
{
	cr_assert(br_hdr_is_token("X-Request-Id"));
	cr_assert(br_hdr_is_token("a_b!#$%&'*+-.^`|~9"));
	cr_assert(!br_hdr_is_token(""));
	cr_assert(!br_hdr_is_token("a b"));
	cr_assert(!br_hdr_is_token("a:b"));
	cr_assert(!br_hdr_is_token("caf\xc3\xa9"));
	cr_assert(br_hdr_is_sensitive("AUTHORIZATION"));
	cr_assert(br_hdr_is_sensitive("x-security-token"));
	cr_assert(!br_hdr_is_sensitive("workspace"));
	cr_assert(br_hdr_is_reserved("Content-Length"));
	cr_assert(br_hdr_is_reserved("X-Sdk-Date"));
	cr_assert(br_hdr_is_reserved("accept"));
	cr_assert(!br_hdr_is_reserved("workspace"));
	cr_assert(br_hdr_is_unsigned("user-agent"));
	cr_assert(!br_hdr_is_unsigned("x-sdk-date"), "the date is signed");
	cr_assert(!br_hdr_is_unsigned("host"), "the host is signed");
}
