/*
 * keytab.c - a hash table of entries keyed by a string, with a cap.
 */
#include <stdlib.h>
#include <string.h>

#include "keytab.h"

#define NTAB	4096

uint64_t
sim_keytab_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

int
sim_keytab_init(struct sim_keytab *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	if ((t->tab = calloc(NTAB, sizeof(*t->tab))) == NULL)
		return -1;
	t->ntab = NTAB;
	t->max = max;
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t->tab);
		t->tab = NULL;
		return -1;
	}
	return 0;
}

void
sim_keytab_release(struct sim_keytab *t,
    void (*free_ent)(struct sim_keyent *))
{
	struct sim_keyent *e, *next;
	size_t i;

	if (t->tab == NULL)
		return;
	for (i = 0; i < t->ntab; i++) {
		for (e = t->tab[i]; e != NULL; e = next) {
			next = e->next;
			if (free_ent != NULL)
				free_ent(e);
			free(e);
		}
	}
	free(t->tab);
	pthread_mutex_destroy(&t->mu);
	memset(t, 0, sizeof(*t));
}

struct sim_keyent *
sim_keytab_find(const struct sim_keytab *t, const char *key, size_t len)
{
	struct sim_keyent *e;

	for (e = t->tab[sim_keytab_hash(key, len) % t->ntab]; e != NULL;
	    e = e->next) {
		if (strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

struct sim_keyent *
sim_keytab_insert(struct sim_keytab *t, const char *key, size_t len,
    size_t size)
{
	struct sim_keyent *e;
	size_t h = sim_keytab_hash(key, len) % t->ntab;

	if (t->n >= t->max || (e = calloc(1, size + len + 1)) == NULL)
		return NULL;
	e->key = (char *)e + size;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->next = t->tab[h];
	t->tab[h] = e;
	t->n++;
	return e;
}
