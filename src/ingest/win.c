/*
 * win.c: the sliding window behind the splitters (see win.h).
 *
 * Reading ahead.  The thread of win_ahead() is given a region of the
 * buffer, the free space after the bytes the caller has, and fills it a
 * chunk at a time, publishing each chunk by advancing `filled' (an atomic
 * store after the bytes are written); win_more() takes what is filled
 * without a system call or a lock.  Only when the region is used up, and
 * the thread is idle, is the buffer moved (dropping what the caller no
 * longer keeps) or grown, and a new region handed over.  With a window of
 * many chunks that happens once in many chunks, and the bytes moved are
 * few, as the caller has used nearly all.  Either side sleeps on a
 * condition variable only when it has nothing to do: the caller when it
 * has caught up with the thread (it says so in `waiting', which the
 * thread checks after each chunk), the thread when its region is full.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "win.h"

#define WIN_READ	(256u * 1024)

enum ahead_state { AHEAD_IDLE, AHEAD_RUN, AHEAD_END, AHEAD_ERROR };

struct win_ahead {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 wake;		/* a region to fill, or quit */
	pthread_cond_t	 news;		/* bytes, or a new state */
	struct input	*in;		/* borrowed from the window */
	char		*buf;		/* the window's, while RUN */
	size_t		 end;		/* the region is [filled, end) */
	_Atomic size_t	 filled;	/* bytes of buf ready for the caller */
	_Atomic int	 state;		/* enum ahead_state */
	_Atomic int	 waiting;	/* the caller sleeps on news */
	int		 quit;
	struct err	 err;		/* the thread's until AHEAD_ERROR */
};

/* Sets the state and wakes the caller; with mu held. */
static void
ahead_state(struct win_ahead *a, enum ahead_state st)
{
	atomic_store(&a->state, st);
	pthread_cond_signal(&a->news);
}

static void *
ahead_main(void *arg)
{
	struct win_ahead	*a = arg;
	size_t			 at, n;
	ssize_t			 got;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (atomic_load(&a->state) != AHEAD_RUN && !a->quit)
			pthread_cond_wait(&a->wake, &a->mu);
		if (a->quit)
			break;
		pthread_mutex_unlock(&a->mu);
		/* buf and end do not change while RUN. */
		at = atomic_load(&a->filled);
		n = a->end - at > WIN_READ ? WIN_READ : a->end - at;
		got = input_read(a->in, a->buf + at, n, &a->err);
		if (got > 0) {
			atomic_store(&a->filled, at + (size_t)got);
			/* Seen unless the caller, which stores waiting
			 * before it loads filled, sees the new filled. */
			if (atomic_load(&a->waiting)) {
				pthread_mutex_lock(&a->mu);
				pthread_cond_signal(&a->news);
				pthread_mutex_unlock(&a->mu);
			}
		}
		pthread_mutex_lock(&a->mu);
		if (got == -1)
			ahead_state(a, AHEAD_ERROR);
		else if (got == 0)
			ahead_state(a, AHEAD_END);
		else if (at + (size_t)got == a->end)
			ahead_state(a, AHEAD_IDLE);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/*
 * Waits until the thread has filled more than len bytes or stopped.
 * Returns the bytes filled.
 */
static size_t
ahead_wait(struct win_ahead *a, size_t len)
{
	size_t	f;

	if ((f = atomic_load(&a->filled)) > len ||
	    atomic_load(&a->state) != AHEAD_RUN)
		return f;
	pthread_mutex_lock(&a->mu);
	atomic_store(&a->waiting, 1);
	while ((f = atomic_load(&a->filled)) == len &&
	    atomic_load(&a->state) == AHEAD_RUN)
		pthread_cond_wait(&a->news, &a->mu);
	atomic_store(&a->waiting, 0);
	pthread_mutex_unlock(&a->mu);
	return f;
}

/* Hands the thread the free space after the window's bytes. */
static void
ahead_give(struct win *w)
{
	struct win_ahead	*a = w->ahead;

	pthread_mutex_lock(&a->mu);
	a->buf = w->buf;
	a->end = w->cap;
	atomic_store(&a->filled, w->len);
	ahead_state(a, AHEAD_RUN);
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->mu);
}

/*
 * The window's share of what the thread did: 1 with new bytes, 0 when
 * the region is used up (the thread is idle), -1 at the end of input or
 * after an error (w->eof set, or err filled in).
 */
static int
ahead_take(struct win *w, struct err *err)
{
	struct win_ahead	*a = w->ahead;
	size_t			 f = ahead_wait(a, w->len);

	if (f > w->len) {
		w->read_total += f - w->len;
		w->len = f;
		return 1;
	}
	switch (atomic_load(&a->state)) {
	case AHEAD_IDLE:
		return 0;
	case AHEAD_END:
		w->eof = 1;
		return -1;
	default:
		if (err != NULL)
			*err = a->err;
		return -1;
	}
}

void
win_init(struct win *w, struct input *in, size_t cap, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->in = in;
	w->cap = cap;
	w->max = max < cap ? cap : max;
	w->buf = xmalloc(cap);
}

int
win_ahead(struct win *w, size_t cap)
{
	struct win_ahead	*a = xcalloc(1, sizeof(*a));

	a->in = w->in;
	atomic_init(&a->filled, 0);
	atomic_init(&a->state, AHEAD_IDLE);
	atomic_init(&a->waiting, 0);
	if (pthread_mutex_init(&a->mu, NULL) != 0) {
		free(a);
		return -1;
	}
	if (pthread_cond_init(&a->wake, NULL) != 0)
		goto no_wake;
	if (pthread_cond_init(&a->news, NULL) != 0)
		goto no_news;
	if (pthread_create(&a->th, NULL, ahead_main, a) != 0)
		goto no_thread;
	w->ahead = a;
	if (cap > w->cap) {
		if (cap > w->max)
			w->max = cap;
		w->buf = xreallocarray(w->buf, cap, 1);
		w->cap = cap;
	}
	return 0;
no_thread:
	pthread_cond_destroy(&a->news);
no_news:
	pthread_cond_destroy(&a->wake);
no_wake:
	pthread_mutex_destroy(&a->mu);
	free(a);
	return -1;
}

void
win_free(struct win *w)
{
	struct win_ahead	*a = w->ahead;

	if (a != NULL) {
		/* The thread sees quit after the read under way. */
		pthread_mutex_lock(&a->mu);
		a->quit = 1;
		pthread_cond_signal(&a->wake);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
		pthread_cond_destroy(&a->news);
		pthread_cond_destroy(&a->wake);
		pthread_mutex_destroy(&a->mu);
		free(a);
		w->ahead = NULL;
	}
	free(w->buf);
	w->buf = NULL;
}

int
win_more(struct win *w, uint64_t keep, struct err *err)
{
	size_t	drop;
	ssize_t	n;
	char	*nb;
	int	r;

	if (w->eof)
		return 0;
	if (w->given) {
		if ((r = ahead_take(w, err)) != 0)
			return r == 1 ? 1 : w->eof ? 0 : -1;
		w->given = 0;		/* the thread is idle */
	}
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
	if (w->ahead != NULL) {
		ahead_give(w);
		w->given = 1;
		if ((r = ahead_take(w, err)) == 1)
			return 1;
		/* Idle after filling nothing cannot be: the region is not
		 * empty, and a read of 0 bytes is the end. */
		return w->eof || r == 0 ? 0 : -1;
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
