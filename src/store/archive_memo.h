/*
 * archive_memo.h: an import's blind indexes, remembered by plaintext.
 *
 * A thread's message ids and its people's addresses come back in message
 * after message, and a keyed hash costs far more than a table lookup.
 * The memo maps (kind, text) to the blind index computed for it, and
 * remembers whether an address's row was already queued, in one lookup.
 * It lives in the importing process's memory only and is cleared when it
 * holds MEMO_MAX entries.
 *
 * Ownership: the memo copies the texts; it borrows the archive.  Not
 * thread-safe.
 */
#ifndef RT_ARCHIVE_MEMO_H
#define RT_ARCHIVE_MEMO_H

#include "archive.h"

struct memo;

struct memo	*memo_new(struct archive *a);
void		 memo_free(struct memo *m);
/*
 * Writes the blind index of (kind, s) to out.  If queued is not NULL it
 * is set to the entry's mark (0 the first time) and the entry is marked:
 * "this address's row is already queued".  A cleared memo forgets marks,
 * which costs an extra (harmless) row write, never a wrong index.
 */
void		 memo_blind(struct memo *m, enum record_kind kind, struct str s,
		    unsigned char out[RECORD_KEY_BYTES], int *queued);
/* memo_blind() as a record_blind_fn, with the memo as its argument. */
void		 memo_blind_fn(void *m, enum record_kind kind, struct str s,
		    unsigned char out[RECORD_KEY_BYTES]);

#endif
