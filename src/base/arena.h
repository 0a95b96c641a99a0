/*
 * arena.h: a bump allocator for one unit of work.
 *
 * Everything parsed from one header block lives in one arena and dies with
 * arena_reset() or arena_free().  Nothing allocated here may be kept in a
 * longer-lived object without copying it out first.
 *
 * The arena has a hard limit: arena_alloc() returns NULL once the total
 * would pass it, so a hostile message cannot make the parser allocate
 * without bound.  Memory exhaustion below the limit aborts (xmalloc.h).
 */
#ifndef RT_ARENA_H
#define RT_ARENA_H

#include <stddef.h>

#include "str.h"

struct arena;

struct arena	*arena_new(size_t limit);
/* Aligned to 16 bytes; NULL once the arena's limit would be exceeded. */
void		*arena_alloc(struct arena *a, size_t n);
/* Copies s and adds a NUL; NULL past the limit. */
char		*arena_strndup(struct arena *a, struct str s);
/* Grows the most recent allocation p from old to n bytes, moving it if
 * needed; NULL past the limit (p stays valid). */
void		*arena_grow(struct arena *a, void *p, size_t old, size_t n);
/* Bytes handed out since the last reset. */
size_t		 arena_used(const struct arena *a);
void		 arena_reset(struct arena *a);
void		 arena_free(struct arena *a);

#endif
