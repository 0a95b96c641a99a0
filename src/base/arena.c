/*
 * arena.c: bump allocation in chained blocks (see arena.h).
 *
 * Blocks are kept across resets so a steady workload (one header block
 * after another) allocates nothing after warming up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xmalloc.h"

#define ARENA_BLOCK	(64 * 1024)
#define ARENA_ALIGN	16

struct block {
	struct block	*next;
	size_t		 size;		/* usable bytes after the header */
	size_t		 used;
	_Alignas(ARENA_ALIGN) unsigned char data[];	/* malloc aligns 16 */
};

struct arena {
	struct block	*head;		/* block being filled */
	struct block	*spare;		/* emptied blocks, reused first */
	size_t		 limit;
	size_t		 total;		/* handed out since reset */
	void		*last;		/* most recent allocation */
};

struct arena *
arena_new(size_t limit)
{
	struct arena	*a = xcalloc(1, sizeof(*a));

	a->limit = limit;
	return a;
}

/* Out of line: the common allocation fits in the current block. */
static __attribute__((noinline)) struct block *
block_get(struct arena *a, size_t n)
{
	struct block	**bp, *b;
	size_t		  size;

	for (bp = &a->spare; (b = *bp) != NULL; bp = &b->next) {
		if (b->size >= n) {
			*bp = b->next;
			b->used = 0;
			return b;
		}
	}
	size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
	b = xmalloc(sizeof(*b) + size);
	b->size = size;
	b->used = 0;
	return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct block	*b = a->head;
	size_t		 off;
	void		*p;

	n += n == 0;
	/* total never passes limit, so this is n + total > limit. */
	if (n > a->limit - a->total)
		return NULL;
	off = b ? (b->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1) : 0;
	if (b == NULL || off > b->size || b->size - off < n) {
		b = block_get(a, n);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	p = b->data + off;
	b->used = off + n;
	a->total += n;
	a->last = p;
	return p;
}

void *
arena_grow(struct arena *a, void *p, size_t old, size_t n)
{
	struct block	*b = a->head;
	void		*np;

	if (n <= old)
		return p;
	if (p != NULL && p == a->last && b != NULL &&
	    (unsigned char *)p + n <= b->data + b->size &&
	    n - old <= a->limit && a->total <= a->limit - (n - old)) {
		b->used += n - old;
		a->total += n - old;
		return p;
	}
	if ((np = arena_alloc(a, n)) == NULL)
		return NULL;
	if (old > 0)
		memcpy(np, p, old);
	return np;
}

char *
arena_strndup(struct arena *a, struct str s)
{
	char	*p;

	if ((p = arena_alloc(a, s.len + 1)) == NULL)
		return NULL;
	if (s.len > 0)
		memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

void
arena_reset(struct arena *a)
{
	struct block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		b->next = a->spare;
		a->spare = b;
	}
	a->head = NULL;
	a->total = 0;
	a->last = NULL;
}

void
arena_free(struct arena *a)
{
	struct block	*b, *next;

	if (a == NULL)
		return;
	arena_reset(a);
	for (b = a->spare; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}
