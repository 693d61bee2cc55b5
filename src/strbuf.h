/*
 * strbuf.h - a growing, NUL-terminated byte buffer that remembers running
 * out of memory: a run of appends is checked once, at the end, through
 * the oom flag (as git's strbuf and curl's dynbuf are used).
 *
 * Zero it to start (struct br_strbuf sb = BR_STRBUF_INIT); the caller owns
 * sb.p and frees it with br_strbuf_release, or takes it with
 * br_strbuf_detach.  Not thread-safe; no lock inside.
 */
#ifndef BR_STRBUF_H
#define BR_STRBUF_H

#include <stddef.h>

struct br_strbuf {
	char	*p;		/* NULL until the first append; NUL-ended */
	size_t	 len;		/* bytes in p, the NUL not counted */
	size_t	 cap;		/* bytes allocated at p */
	int	 oom;		/* an append failed; later ones do nothing */
};

#define BR_STRBUF_INIT	{ NULL, 0, 0, 0 }

/* No buffer grows past this: a longer one is what a hostile input would
 * make (every input is capped well below), and counts as out of memory. */
#define BR_STRBUF_MAX	((size_t)1 << 30)	/* 1 GiB */

/* Appends n bytes of s (they may hold NUL bytes).  Appending 0 bytes to
 * an empty buffer still allocates it, so that p becomes "".  When memory
 * runs out or p would pass BR_STRBUF_MAX, sets oom and leaves p as it was; once oom is set,
 * appends do nothing. */
void	br_strbuf_add(struct br_strbuf *sb, const void *s, size_t n);
/* Appends like br_strbuf_add, for a caller that reports each failure
 * itself: returns 0, or -1 when memory (or size_t) runs out, and then
 * leaves sb as it was, the oom flag clear.  -1 too, appending nothing,
 * when oom was already set. */
int	br_strbuf_try_add(struct br_strbuf *sb, const void *s, size_t n);
/* Appends the string s. */
void	br_strbuf_addstr(struct br_strbuf *sb, const char *s);
/* Appends the byte c. */
void	br_strbuf_addc(struct br_strbuf *sb, int c);
/* Appends printf-formatted text (nothing, and oom set, when vsnprintf
 * fails). */
void	br_strbuf_addf(struct br_strbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends n bytes of s percent-encoded: A-Z a-z 0-9 - . _ ~ stay (and
 * '/' when keep_slash), every other byte, NUL included, becomes %XX with
 * upper-case hex.  The rule of br_pct_encode (request.h) and of the
 * canonical request of signing (auth.h). */
void	br_strbuf_addpct(struct br_strbuf *sb, const char *s, size_t n,
	    int keep_slash);
/* Cuts sb to its first len bytes, keeping its memory (a len beyond
 * sb->len changes nothing). */
void	br_strbuf_setlen(struct br_strbuf *sb, size_t len);
/* Empties sb, keeping its memory and its oom flag. */
void	br_strbuf_reset(struct br_strbuf *sb);
/* Hands over p (the caller frees it) and leaves sb zeroed.  p is NULL when
 * nothing was ever appended, and when oom is set (p is then freed). */
char	*br_strbuf_detach(struct br_strbuf *sb);
/* Like br_strbuf_detach, but p is "" (allocated) rather than NULL when
 * nothing was appended, and *lenp, when lenp is not NULL, gets its length
 * (0 with NULL).  NULL only when out of memory. */
char	*br_strbuf_take(struct br_strbuf *sb, size_t *lenp);
/* Frees p and zeroes sb (the oom flag too). */
void	br_strbuf_release(struct br_strbuf *sb);

#endif
