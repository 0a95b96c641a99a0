/*
 * strtab.c: an open-addressing hash table of byte strings (strtab.h).
 *
 * Strings live back to back in one growing byte array; the slots hold
 * (hash, id) pairs, so a probe that does not match rarely leaves the slot
 * array, and ids index an array of (offset, length).  Linear probing,
 * power-of-two size, load factor at most 1/2.  A match compares the
 * whole string: equal hashes alone never give an id.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "strtab.h"
#include "xmalloc.h"

#define STRTAB_SLOTS0	1024

/* FNV-1a over 8-byte words, then a final mix: quick on short keys. */
static uint64_t
hash_str(struct str s)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ s.len;
	size_t		i = 0;
	uint64_t	w;

	for (; i + 8 <= s.len; i += 8) {
		memcpy(&w, s.p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < s.len; i++)
		h = (h ^ (unsigned char)s.p[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static struct strtab_slot *
new_slots(size_t n)
{
	struct strtab_slot	*s = xreallocarray(NULL, n, sizeof(*s));

	memset(s, 0xff, n * sizeof(*s));	/* id STRTAB_NONE */
	return s;
}

void
strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = STRTAB_SLOTS0 - 1;
	t->slots = new_slots(STRTAB_SLOTS0);
}

void
strtab_fini(struct strtab *t)
{
	free(t->slots);
	free(t->ents);
	free(t->bytes);
	memset(t, 0, sizeof(*t));
}

void
strtab_clear(struct strtab *t)
{
	memset(t->slots, 0xff, (t->mask + 1) * sizeof(*t->slots));
	t->n = 0;
	t->blen = 0;
}

static int
slot_match(const struct strtab *t, const struct strtab_slot *sl, uint32_t h,
    struct str s)
{
	const struct strtab_ent	*e;

	if (sl->hash != h)
		return 0;
	e = &t->ents[sl->id];
	return e->len == s.len && (s.len == 0 ||
	    memcmp(t->bytes + e->off, s.p, s.len) == 0);
}

static void
grow(struct strtab *t)
{
	size_t			 nmask = t->mask * 2 + 1;
	struct strtab_slot	*ns = new_slots(nmask + 1);

	for (size_t i = 0; i <= t->mask; i++) {
		struct strtab_slot	*sl = &t->slots[i];
		size_t			 j;

		if (sl->id == STRTAB_NONE)
			continue;
		/* Rehash from the stored string: the slot keeps 32 bits. */
		j = (size_t)hash_str(strtab_str(t, sl->id)) & nmask;
		while (ns[j].id != STRTAB_NONE)
			j = (j + 1) & nmask;
		ns[j] = *sl;
	}
	free(t->slots);
	t->slots = ns;
	t->mask = nmask;
}

uint32_t
strtab_get(const struct strtab *t, struct str s)
{
	uint64_t	h = hash_str(s);
	size_t		j = (size_t)h & t->mask;

	for (;; j = (j + 1) & t->mask) {
		const struct strtab_slot *sl = &t->slots[j];

		if (sl->id == STRTAB_NONE)
			return STRTAB_NONE;
		if (slot_match(t, sl, (uint32_t)h, s))
			return sl->id;
	}
}

uint32_t
strtab_put(struct strtab *t, struct str s, int *added_out)
{
	uint64_t		 h = hash_str(s);
	size_t			 j = (size_t)h & t->mask;
	struct strtab_slot	*sl;
	struct strtab_ent	*e;

	if (added_out != NULL)
		*added_out = 0;
	for (;; j = (j + 1) & t->mask) {
		sl = &t->slots[j];
		if (sl->id == STRTAB_NONE)
			break;
		if (slot_match(t, sl, (uint32_t)h, s))
			return sl->id;
	}
	if (t->n == STRTAB_NONE - 1 || s.len > UINT32_MAX)
		rt_fatal("strtab: more than %u strings, or one too long",
		    t->n);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->ents = xreallocarray(t->ents, t->cap, sizeof(*t->ents));
	}
	if (t->blen + s.len > t->bcap) {
		while (t->blen + s.len > t->bcap)
			t->bcap = t->bcap ? t->bcap * 2 : 65536;
		t->bytes = xreallocarray(t->bytes, t->bcap, 1);
	}
	if (s.len > 0)
		memcpy(t->bytes + t->blen, s.p, s.len);
	e = &t->ents[t->n];
	e->off = t->blen;
	e->len = (uint32_t)s.len;
	t->blen += s.len;
	sl->hash = (uint32_t)h;
	sl->id = t->n++;
	if (added_out != NULL)
		*added_out = 1;
	if ((size_t)t->n * 2 > t->mask)
		grow(t);
	return t->n - 1;
}

struct str
strtab_str(const struct strtab *t, uint32_t id)
{
	if (t->ents[id].len == 0)
		return str_make("", 0);
	return str_make(t->bytes + t->ents[id].off, t->ents[id].len);
}

uint32_t
strtab_count(const struct strtab *t)
{
	return t->n;
}

size_t
strtab_bytes(const struct strtab *t)
{
	return (t->mask + 1) * sizeof(struct strtab_slot) +
	    (size_t)t->cap * sizeof(struct strtab_ent) + (size_t)t->bcap;
}
