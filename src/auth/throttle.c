/*
 * throttle.c: login throttling with exponential backoff (auth.h).
 *
 * Each key ("account" or "address" of a login attempt) has a count of
 * failures and the time of the last one.  After free failures, each
 * further one doubles the wait before the next attempt: 1 s, 2 s, 4 s,
 * ... up to THROTTLE_MAX_DELAY; THROTTLE_FORGET quiet seconds start the
 * count over, and a success clears it.  Keys are kept as 16-byte hashes
 * in a fixed table (open addressing, a short probe): a flood of keys
 * pushes out the oldest entries, never grows memory.  The table lives in
 * the server's memory: a restart forgets it (docs/security.md).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../base/xmalloc.h"
#include "auth.h"

#define PROBE	16

struct slot {
	unsigned char	key[16];
	int64_t		fails;
	int64_t		last;		/* 0: empty */
};

struct throttle {
	pthread_mutex_t	 lock;
	struct slot	*v;		/* owned */
	size_t		 cap;
};

struct throttle *
throttle_new(size_t cap)
{
	struct throttle	*t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	t->cap = cap < PROBE ? PROBE : cap;
	t->v = xcalloc(t->cap, sizeof(*t->v));
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->v);
	free(t);
}

int64_t
throttle_delay(int64_t fails, int free)
{
	int64_t	over = fails - free;

	if (over < 0)
		return 0;
	if (over >= 10)
		return THROTTLE_MAX_DELAY;
	return (int64_t)1 << over < THROTTLE_MAX_DELAY ?
	    (int64_t)1 << over : THROTTLE_MAX_DELAY;
}

/* The slot of key, or with create the free (or oldest) slot for it.
 * Called with the lock held. */
static struct slot *
find(struct throttle *t, const unsigned char key[16], int create)
{
	uint64_t	 h;
	struct slot	*s, *victim = NULL;

	memcpy(&h, key, sizeof(h));
	for (size_t i = 0; i < PROBE; i++) {
		s = &t->v[(h + i) % t->cap];
		if (s->last != 0 && memcmp(s->key, key, 16) == 0)
			return s;
		if (victim == NULL || s->last < victim->last)
			victim = s;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->key, key, 16);
	return victim;
}

static void
hash_key(const char *key, unsigned char out[16])
{
	crypto_generichash(out, 16, (const unsigned char *)key, strlen(key),
	    NULL, 0);
}

int64_t
throttle_wait(struct throttle *t, const char *key, int free, int64_t now)
{
	unsigned char	 k[16];
	struct slot	*s;
	int64_t		 wait = 0;

	hash_key(key, k);
	pthread_mutex_lock(&t->lock);
	if ((s = find(t, k, 0)) != NULL) {
		if (now - s->last >= THROTTLE_FORGET)
			memset(s, 0, sizeof(*s));
		else {
			wait = s->last + throttle_delay(s->fails, free) - now;
			if (wait < 0)
				wait = 0;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void
throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	unsigned char	 k[16];
	struct slot	*s;

	hash_key(key, k);
	pthread_mutex_lock(&t->lock);
	s = find(t, k, 1);
	if (s->last != 0 && now - s->last >= THROTTLE_FORGET)
		s->fails = 0;
	s->fails++;
	s->last = now > 0 ? now : 1;
	pthread_mutex_unlock(&t->lock);
}

void
throttle_clear(struct throttle *t, const char *key)
{
	unsigned char	 k[16];
	struct slot	*s;

	hash_key(key, k);
	pthread_mutex_lock(&t->lock);
	if ((s = find(t, k, 0)) != NULL)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&t->lock);
}
