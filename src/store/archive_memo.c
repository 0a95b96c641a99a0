/*
 * archive_memo.c: an import's blind indexes, remembered by plaintext
 * (archive_memo.h).
 *
 * One string table (src/base/strtab.h) per kind of value gives each
 * distinct text a dense id; the blind indexes and the "queued" marks are
 * arrays by that id, so a hit costs one table lookup and a copy.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/strtab.h"
#include "../base/xmalloc.h"
#include "archive_memo.h"

#define MEMO_MAX	(1u << 20)	/* entries before the memo is cleared */
#define MEMO_KINDS	3		/* enum record_kind */

struct memo_kind {
	struct strtab	 t;
	unsigned char	(*key)[RECORD_KEY_BYTES];	/* by id */
	unsigned char	*queued;			/* by id */
	uint32_t	 cap;
};

struct memo {
	struct archive		*a;
	struct memo_kind	 k[MEMO_KINDS];
	uint32_t		 n;		/* entries of all kinds */
};

_Static_assert(RECORD_MSGID + 1 == MEMO_KINDS, "one table per kind");

struct memo *
memo_new(struct archive *a)
{
	struct memo	*m = xcalloc(1, sizeof(*m));

	m->a = a;
	for (int i = 0; i < MEMO_KINDS; i++)
		strtab_init(&m->k[i].t);
	return m;
}

void
memo_free(struct memo *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < MEMO_KINDS; i++) {
		strtab_fini(&m->k[i].t);
		free(m->k[i].key);
		free(m->k[i].queued);
	}
	free(m);
}

void
memo_blind(struct memo *m, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES], int *queued)
{
	struct memo_kind	*k = &m->k[kind];
	uint32_t		 id;
	int			 added;

	if (m->n >= MEMO_MAX) {		/* full: start again */
		for (int i = 0; i < MEMO_KINDS; i++)
			strtab_clear(&m->k[i].t);
		m->n = 0;
	}
	id = strtab_put(&k->t, s, &added);
	if (added) {
		if (id == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 1024;
			k->key = xreallocarray(k->key, k->cap,
			    sizeof(*k->key));
			k->queued = xreallocarray(k->queued, k->cap, 1);
		}
		archive_blind(m->a, kind, s, k->key[id]);
		k->queued[id] = 0;
		m->n++;
	}
	memcpy(out, k->key[id], RECORD_KEY_BYTES);
	if (queued != NULL) {
		*queued = k->queued[id];
		k->queued[id] = 1;
	}
}

void
memo_blind_fn(void *m, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	memo_blind(m, kind, s, out, NULL);
}
