/*
 * archive_memo.c: an import's blind indexes, remembered by plaintext
 * (archive_memo.h).
 *
 * Open addressing with linear probing over 32-bit entry numbers; an
 * entry holds the full 64-bit hash, the blind index and where its text
 * lies in one growing byte array, so a hit touches a slot, an entry and
 * the text (compared in full: a hash match alone never gives an index).
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "archive_memo.h"

#define MEMO_MAX	(1u << 20)	/* entries before the memo is cleared */

struct ment {
	uint64_t	 hash;
	uint64_t	 off;		/* of the text in bytes */
	uint32_t	 len;
	unsigned char	 kind;
	unsigned char	 queued;
	unsigned char	 key[RECORD_KEY_BYTES];
};

struct memo {
	struct archive	*a;
	uint32_t	*slots;		/* entry number + 1; 0: empty */
	size_t		 mask;
	struct ment	*v;
	uint32_t	 n, cap;
	char		*bytes;
	uint64_t	 blen, bcap;
};

/* FNV-1a over 8-byte words with the kind as seed, then a final mix. */
static uint64_t
memo_hash(enum record_kind kind, struct str s)
{
	uint64_t	h = (0xcbf29ce484222325ULL ^ s.len) +
			    (uint64_t)kind * 0x9e3779b97f4a7c15ULL;
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

static void
memo_slots(struct memo *m, size_t nslots)
{
	free(m->slots);
	m->slots = xcalloc(nslots, sizeof(*m->slots));
	m->mask = nslots - 1;
	for (uint32_t i = 0; i < m->n; i++) {
		size_t	j = (size_t)m->v[i].hash & m->mask;

		while (m->slots[j] != 0)
			j = (j + 1) & m->mask;
		m->slots[j] = i + 1;
	}
}

struct memo *
memo_new(struct archive *a)
{
	struct memo	*m = xcalloc(1, sizeof(*m));

	m->a = a;
	memo_slots(m, 4096);
	return m;
}

void
memo_free(struct memo *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m->v);
	free(m->bytes);
	free(m);
}

void
memo_blind(struct memo *m, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES], int *queued)
{
	uint64_t	 h = memo_hash(kind, s);
	size_t		 j;
	struct ment	*e;

	for (j = (size_t)h & m->mask; m->slots[j] != 0; j = (j + 1) & m->mask) {
		e = &m->v[m->slots[j] - 1];
		if (e->hash == h && e->kind == (unsigned char)kind &&
		    e->len == s.len && memcmp(m->bytes + e->off, s.p,
		    s.len) == 0)
			goto found;
	}
	if (m->n >= MEMO_MAX) {		/* full: start again */
		m->n = 0;
		m->blen = 0;
		memo_slots(m, m->mask + 1);
		j = (size_t)h & m->mask;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 4096;
		m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
	}
	if (m->blen + s.len > m->bcap) {
		while (m->blen + s.len > m->bcap)
			m->bcap = m->bcap ? m->bcap * 2 : 65536;
		m->bytes = xreallocarray(m->bytes, m->bcap, 1);
	}
	e = &m->v[m->n];
	e->hash = h;
	e->off = m->blen;
	e->len = (uint32_t)s.len;
	e->kind = (unsigned char)kind;
	e->queued = 0;
	if (s.len > 0)
		memcpy(m->bytes + m->blen, s.p, s.len);
	m->blen += s.len;
	archive_blind(m->a, kind, s, e->key);
	m->slots[j] = ++m->n;
	if ((size_t)m->n * 2 > m->mask) {
		memo_slots(m, (m->mask + 1) * 2);
		e = &m->v[m->n - 1];
	}
found:
	memcpy(out, e->key, RECORD_KEY_BYTES);
	if (queued != NULL) {
		*queued = e->queued;
		e->queued = 1;
	}
}

void
memo_blind_fn(void *m, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	memo_blind(m, kind, s, out, NULL);
}
