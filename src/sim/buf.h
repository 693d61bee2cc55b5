/*
 * buf.h - growable byte buffer and the text helpers of bulkrun-sim.
 *
 * A struct sim_buf owns its bytes; they are always NUL-terminated so they
 * can be passed as a C string, but may hold NULs themselves.  An allocation
 * failure is sticky: later appends do nothing and sim_buf_failed() says so,
 * so callers check once at the end.
 */
#ifndef SIM_BUF_H
#define SIM_BUF_H

#include <stddef.h>
#include <stdint.h>

struct sim_buf {
	char	*p;		/* NULL until the first append */
	size_t	 len;
	size_t	 cap;
	int	 oom;		/* an allocation failed */
};

void	sim_buf_init(struct sim_buf *);
void	sim_buf_release(struct sim_buf *);
int	sim_buf_add(struct sim_buf *, const void *, size_t);
int	sim_buf_adds(struct sim_buf *, const char *);
int	sim_buf_addf(struct sim_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s[0..n) as a quoted JSON string.  Valid UTF-8 is kept, control
 * characters are escaped and each byte of an invalid sequence becomes
 * U+FFFD (sim_utf8_clean() tells whether that happens). */
int	sim_buf_addjson(struct sim_buf *, const void *, size_t);
int	sim_buf_failed(const struct sim_buf *);
/* Hands the bytes (NUL-terminated, never NULL unless out of memory) to the
 * caller, who frees them; the buffer is empty again. */
char	*sim_buf_take(struct sim_buf *, size_t *);

/* Percent-decodes src[0..n) into dst (room for n + 1 bytes); a '%' not
 * followed by two hex digits is kept as it is; plus_space turns '+' into
 * ' ' (query strings).  Returns the decoded length; dst is NUL-terminated. */
size_t	sim_pct_decode(char *, const char *, size_t, int plus_space);
/* Lower-case hex of n bytes into dst (room for 2n + 1). */
void	sim_hex(char *, const unsigned char *, size_t);
/* 1 if s[0..n) is valid UTF-8 without NUL bytes. */
int	sim_utf8_clean(const void *, size_t);
/* splitmix64 finaliser: a bijection of 64-bit values. */
uint64_t sim_mix64(uint64_t);

#endif
