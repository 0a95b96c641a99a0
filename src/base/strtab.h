/*
 * strtab.h: byte strings to dense integer ids, in an open-addressing hash
 * table.
 *
 * Ids are handed out in first-seen order (0, 1, 2, ...), so callers keep
 * what they know about a string in plain arrays indexed by its id (the
 * engine's interned addresses and message ids, an import's remembered
 * blind indexes).  Strings are copied into the table's own storage and
 * may hold any byte.
 *
 * The struct is public so that a caller can embed it (no extra pointer
 * on a hot path); its fields belong to strtab.c.
 *
 * Ownership: strtab_str() returns memory owned by the table, valid until
 * the next strtab_put(), strtab_clear() or strtab_fini().  Not
 * thread-safe.
 */
#ifndef RT_STRTAB_H
#define RT_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define STRTAB_NONE	UINT32_MAX

struct strtab_slot {
	uint32_t	 hash;		/* low bits of the 64-bit hash */
	uint32_t	 id;		/* STRTAB_NONE: empty */
};

struct strtab_ent {
	uint64_t	 off;		/* of the string in bytes */
	uint32_t	 len;
};

struct strtab {
	struct strtab_slot	*slots;
	size_t			 mask;		/* slots - 1 */
	struct strtab_ent	*ents;		/* by id */
	uint32_t		 n, cap;
	char			*bytes;		/* the strings, back to back */
	uint64_t		 blen, bcap;
};

/* An empty table; strtab_fini() frees what it holds. */
void		 strtab_init(struct strtab *t);
void		 strtab_fini(struct strtab *t);
/* Forgets every string (ids start again at 0), keeping the memory. */
void		 strtab_clear(struct strtab *t);
/* The id of s, adding it if new (*added_out, if not NULL, says so). */
uint32_t	 strtab_put(struct strtab *t, struct str s, int *added_out);
/* The id of s, or STRTAB_NONE if it was never added. */
uint32_t	 strtab_get(const struct strtab *t, struct str s);
/* The string of an id that strtab_put() returned. */
struct str	 strtab_str(const struct strtab *t, uint32_t id);
uint32_t	 strtab_count(const struct strtab *t);
/* Bytes held (slots, entries and strings), for memory reports. */
size_t		 strtab_bytes(const struct strtab *t);

#endif
