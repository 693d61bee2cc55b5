/*
 * keytab.h - a hash table of entries keyed by a string, with a cap on how
 * many it keeps and the lock of its owner.  The per key id counters
 * (state.c) and the resources of the read APIs (resource.c) are each one.
 * Nothing is removed before the table is released.
 */
#ifndef SIM_KEYTAB_H
#define SIM_KEYTAB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* The head of an entry: the first member of the owner's entry struct. */
struct sim_keyent {
	struct sim_keyent	*next;
	char			*key;		/* kept after the entry */
};

struct sim_keytab {
	pthread_mutex_t		 mu;		/* no call takes it: the
						   owner locks around them */
	struct sim_keyent	**tab;
	size_t			 ntab;
	size_t			 n;		/* entries */
	size_t			 max;		/* at most */
};

/* 64-bit FNV-1a of the n bytes at s. */
uint64_t sim_keytab_hash(const char *s, size_t n);
/* An empty table of at most max entries; -1 if out of memory. */
int	 sim_keytab_init(struct sim_keytab *, size_t max);
/* Frees every entry (given to free_ent first, for what it owns; may be
 * NULL), the table and the lock.  A table never initialised or released
 * already (all zero) is left alone. */
void	 sim_keytab_release(struct sim_keytab *,
	    void (*free_ent)(struct sim_keyent *));
/* The entry of key (len bytes, no NUL among them), or NULL. */
struct sim_keyent *sim_keytab_find(const struct sim_keytab *,
	    const char *key, size_t len);
/* Enters key (not in the table yet) with a new entry of size bytes whose
 * head comes first and whose rest is zero.  NULL when the table holds max
 * entries already or when out of memory. */
struct sim_keyent *sim_keytab_insert(struct sim_keytab *, const char *key,
	    size_t len, size_t size);

#endif
