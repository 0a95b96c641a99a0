/*
 * archive_rowq.h: an import's rows, handed to a writer thread in batches.
 *
 * An import does two kinds of work per message: reading, parsing,
 * blinding and sealing it (the caller's thread), and writing its rows to
 * the database (the writer).  The queue lets the two overlap on two
 * cores.  The caller fills the current batch and pushes it; a full batch
 * goes to a writer thread (started on the first full batch), which calls
 * the write function on each batch in order.  rowq_sync() waits until
 * every batch is written, writing a partial batch in the calling thread
 * rather than waking the writer: an import of many small files (a
 * Maildir, one source per file) never starts the thread at all.
 *
 * The store is used by one thread at a time: the writer between a push
 * and the sync that follows it, the caller outside (store.h, Threads).
 * So the caller may use the store only after rowq_sync() returned 0.
 * What the write function reads of the caller's state must not change
 * between a push and the next sync.
 *
 * Ownership: the queue owns its batches; a batch handed to the write
 * function is borrowed for the call.  Not itself thread-safe: one caller.
 */
#ifndef RT_ARCHIVE_ROWQ_H
#define RT_ARCHIVE_ROWQ_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "record.h"

enum rowq_kind {
	ROWQ_MSG,		/* a = keys, b = fields (record_plain_encode) */
	ROWQ_ADDR,		/* a = domain keys, b = the address */
};

struct rowq_row {
	enum rowq_kind	 kind;
	int64_t		 pos, date, received;	/* messages */
	uint32_t	 flags;
	unsigned char	 key[RECORD_KEY_BYTES];	/* addresses */
	size_t		 off;			/* of a in data; b follows */
	size_t		 a_len, b_len;
};

struct rowq_batch {
	struct rowq_row	*v;
	size_t		 n, cap;
	size_t		 msgs;		/* rows of kind ROWQ_MSG */
	struct buf	 data;		/* the rows' blobs, back to back */
	uint64_t	 added, known;	/* set by the write function */
};

/* Writes a batch's rows in order: 0, or -1 with err set. */
typedef int	(*rowq_write_fn)(void *arg, struct rowq_batch *b,
		    struct err *err);

struct rowq;

struct rowq	*rowq_new(rowq_write_fn write, void *arg);
/* The batch to add rows to (rowq_add). */
struct rowq_batch *rowq_current(struct rowq *q);
/* Appends a row with its two blobs; returns the row to fill in. */
struct rowq_row	*rowq_add(struct rowq_batch *b, enum rowq_kind kind,
		    const void *a, size_t a_len, const void *b_data,
		    size_t b_len);
/* Hands the current batch to the writer if it is full enough.  -1 if
 * the writer failed (err is its error): stop adding. */
int		 rowq_push(struct rowq *q, struct err *err);
/* Waits until everything added is written (see above). */
int		 rowq_sync(struct rowq *q, struct err *err);
/* Rows written so far: new and already stored. */
void		 rowq_counts(struct rowq *q, uint64_t *added, uint64_t *known);
/* Stops the writer (what is queued is dropped) and frees the queue. */
void		 rowq_free(struct rowq *q);

#endif
