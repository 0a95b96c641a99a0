/*
 * intern.c: an open-addressing hash table of strings (see intern.h).
 *
 * Strings live back to back in one growing byte array; the table holds
 * (hash, id) pairs and ids index an array of (offset, length).  Linear
 * probing, power-of-two size, load factor at most 1/2.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../base/xmalloc.h"
#include "intern.h"

struct slot {
	uint32_t	 hash;		/* low bits of the 64-bit hash */
	uint32_t	 id;		/* INTERN_NONE: empty */
};

struct entry {
	uint64_t	 off;
	uint32_t	 len;
};

struct intern {
	struct slot	*slots;
	size_t		 mask;		/* slots - 1 */
	struct entry	*ents;
	uint32_t	 n, cap;
	char		*bytes;
	uint64_t	 blen, bcap;
};

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

struct intern *
intern_new(void)
{
	struct intern	*in = xcalloc(1, sizeof(*in));

	in->mask = 1023;
	in->slots = xreallocarray(NULL, in->mask + 1, sizeof(*in->slots));
	memset(in->slots, 0xff, (in->mask + 1) * sizeof(*in->slots));
	return in;
}

void
intern_free(struct intern *in)
{
	if (in == NULL)
		return;
	free(in->slots);
	free(in->ents);
	free(in->bytes);
	free(in);
}

static int
slot_match(const struct intern *in, const struct slot *sl, uint32_t h,
    struct str s)
{
	const struct entry	*e;

	if (sl->hash != h)
		return 0;
	e = &in->ents[sl->id];
	return e->len == s.len && memcmp(in->bytes + e->off, s.p, s.len) == 0;
}

static void
grow(struct intern *in)
{
	size_t		 nmask = in->mask * 2 + 1;
	struct slot	*ns = xreallocarray(NULL, nmask + 1, sizeof(*ns));

	memset(ns, 0xff, (nmask + 1) * sizeof(*ns));
	for (size_t i = 0; i <= in->mask; i++) {
		struct slot	*sl = &in->slots[i];
		size_t		 j;

		if (sl->id == INTERN_NONE)
			continue;
		/* Rehash from the stored string: the slot keeps 32 bits. */
		j = (size_t)hash_str(intern_str(in, sl->id)) & nmask;
		while (ns[j].id != INTERN_NONE)
			j = (j + 1) & nmask;
		ns[j] = *sl;
	}
	free(in->slots);
	in->slots = ns;
	in->mask = nmask;
}

uint32_t
intern_get(const struct intern *in, struct str s)
{
	uint64_t	h = hash_str(s);
	size_t		j = (size_t)h & in->mask;

	for (;; j = (j + 1) & in->mask) {
		const struct slot *sl = &in->slots[j];

		if (sl->id == INTERN_NONE)
			return INTERN_NONE;
		if (slot_match(in, sl, (uint32_t)h, s))
			return sl->id;
	}
}

uint32_t
intern_put(struct intern *in, struct str s, int *added_out)
{
	uint64_t	 h = hash_str(s);
	size_t		 j = (size_t)h & in->mask;
	struct slot	*sl;
	struct entry	*e;

	if (added_out != NULL)
		*added_out = 0;
	for (;; j = (j + 1) & in->mask) {
		sl = &in->slots[j];
		if (sl->id == INTERN_NONE)
			break;
		if (slot_match(in, sl, (uint32_t)h, s))
			return sl->id;
	}
	if (in->n == INTERN_NONE - 1)
		rt_fatal("intern: more than %u strings", in->n);
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 1024;
		in->ents = xreallocarray(in->ents, in->cap, sizeof(*in->ents));
	}
	if (in->blen + s.len > in->bcap) {
		while (in->blen + s.len > in->bcap)
			in->bcap = in->bcap ? in->bcap * 2 : 65536;
		in->bytes = xreallocarray(in->bytes, in->bcap, 1);
	}
	if (s.len > 0)
		memcpy(in->bytes + in->blen, s.p, s.len);
	e = &in->ents[in->n];
	e->off = in->blen;
	e->len = (uint32_t)s.len;
	in->blen += s.len;
	sl->hash = (uint32_t)h;
	sl->id = in->n++;
	if (added_out != NULL)
		*added_out = 1;
	if ((size_t)in->n * 2 > in->mask)
		grow(in);
	return in->n - 1;
}

struct str
intern_str(const struct intern *in, uint32_t id)
{
	return str_make(in->bytes + in->ents[id].off, in->ents[id].len);
}

uint32_t
intern_count(const struct intern *in)
{
	return in->n;
}

size_t
intern_bytes(const struct intern *in)
{
	return (in->mask + 1) * sizeof(struct slot) +
	    (size_t)in->cap * sizeof(struct entry) + (size_t)in->bcap;
}
