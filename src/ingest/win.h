/*
 * win.h: a sliding window over an input stream, by absolute offsets.
 *
 * The splitters address bytes by their offset in the (decompressed)
 * stream.  win_need() makes sure bytes [keep, off + n) are in memory,
 * dropping everything before keep; the window never grows past its max,
 * which bounds memory whatever the size of the mailbox.
 */
#ifndef RT_WIN_H
#define RT_WIN_H

#include <stdint.h>
#include <stddef.h>

#include "../base/err.h"
#include "input.h"

struct win_ahead;

struct win {
	struct input	*in;		/* borrowed */
	struct win_ahead *ahead;	/* owned: the reading thread, or NULL */
	int		 given;		/* ahead owns the space after len */
	char		*buf;		/* owned */
	size_t		 cap;
	size_t		 max;		/* ceiling for cap */
	size_t		 len;		/* valid bytes in buf */
	uint64_t	 base;		/* stream offset of buf[0] */
	int		 eof;
	uint64_t	 read_total;	/* bytes read from the input */
};

void	win_init(struct win *w, struct input *in, size_t cap, size_t max);
/*
 * Reads ahead on a thread of its own: while the caller works on the
 * window, the next chunk is read (and decompressed) into the free space
 * after it, so a scan of a long file spends its time parsing, not waiting
 * for read(2) or the decoder.  Only the thread touches the input from
 * then on.  The window grows to cap bytes at least (room for a few
 * chunks).  Returns 0, or -1 when no thread can be started: the window
 * then reads in the caller's thread, as before.  Call before the first
 * read, with base already set.
 */
int	win_ahead(struct win *w, size_t cap);
/* Stops the thread (after the read under way), then frees the buffer. */
void	win_free(struct win *w);

/* Stream offset one past the last byte in memory. */
static inline uint64_t
win_end(const struct win *w)
{
	return w->base + w->len;
}

/* Pointer to the byte at stream offset off (must be in memory). */
static inline const char *
win_ptr(const struct win *w, uint64_t off)
{
	return w->buf + (off - w->base);
}

/* win_need() when it has to read: not inline. */
int64_t	win_fill(struct win *w, uint64_t keep, uint64_t off, size_t n,
	    struct err *err);

/*
 * Reads more so that at least n bytes from off are in memory, or the
 * input ends first; bytes before keep (<= off) may be dropped.  Returns
 * the number of bytes now available from off (less than n only at the
 * end of input or when the window is full), or -1 with err set.  Inline
 * for the usual case, bytes in memory already.
 */
static inline int64_t
win_need(struct win *w, uint64_t keep, uint64_t off, size_t n,
    struct err *err)
{
	if (win_end(w) >= off + n)
		return (int64_t)(win_end(w) - off);
	return win_fill(w, keep, off, n, err);
}

/* Reads one more chunk, keeping bytes from keep on.  Returns 1 if bytes
 * were added, 0 at the end of input or with a full window, -1 on error. */
int	win_more(struct win *w, uint64_t keep, struct err *err);

#endif
