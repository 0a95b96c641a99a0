/*
 * win.c: the sliding window behind the splitters (see win.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "win.h"

#define WIN_READ	(256u * 1024)

void
win_init(struct win *w, struct input *in, size_t cap, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->in = in;
	w->cap = cap;
	w->max = max < cap ? cap : max;
	w->buf = xmalloc(cap);
}

void
win_free(struct win *w)
{
	free(w->buf);
	w->buf = NULL;
}

int
win_more(struct win *w, uint64_t keep, struct err *err)
{
	size_t	drop;
	ssize_t	n;
	char	*nb;

	if (w->eof)
		return 0;
	if (keep > w->base) {
		drop = keep - w->base > w->len ? w->len : keep - w->base;
		/* Move only when it frees a useful share of the buffer. */
		if (drop > 0 && (w->len == w->cap || drop >= w->cap / 4)) {
			memmove(w->buf, w->buf + drop, w->len - drop);
			w->len -= drop;
			w->base += drop;
		}
	}
	if (w->len == w->cap) {
		if (w->cap >= w->max)
			return 0;
		nb = xreallocarray(w->buf, w->cap * 2 > w->max ? w->max :
		    w->cap * 2, 1);
		w->buf = nb;
		w->cap = w->cap * 2 > w->max ? w->max : w->cap * 2;
	}
	/* Modest reads keep the fresh bytes in cache for the scanners. */
	n = input_read(w->in, w->buf + w->len, w->cap - w->len > WIN_READ ?
	    WIN_READ : w->cap - w->len, err);
	if (n == -1)
		return -1;
	if (n == 0) {
		w->eof = 1;
		return 0;
	}
	w->len += (size_t)n;
	w->read_total += (uint64_t)n;
	return 1;
}

int64_t
win_fill(struct win *w, uint64_t keep, uint64_t off, size_t n,
    struct err *err)
{
	int	r;

	while (win_end(w) < off + n) {
		if ((r = win_more(w, keep, err)) == -1)
			return -1;
		if (r == 0)
			break;
	}
	return win_end(w) > off ? (int64_t)(win_end(w) - off) : 0;
}
