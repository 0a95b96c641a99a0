/*
 * pipe.c: the splitter's messages to the callback on another thread
 * (see pipe.h).
 *
 * A ring of PIPE_BATCHES batches: the splitter fills one, marks it full
 * and goes on with the next once the thread has emptied it; the thread
 * takes full batches in order.  A batch holds up to PIPE_MSGS messages
 * (the first ones fewer), or PIPE_BYTES of header blocks and line lists (one message alone may
 * take more: a block is at most SOURCE_HDR_MAX).  The two sides meet once
 * a batch, not once a message.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "pipe.h"

#define PIPE_BATCHES	4
#define PIPE_MSGS	256
#define PIPE_BYTES	(512u * 1024)
#define PIPE_FIRST	16	/* the first batch: the thread starts soon */

struct pipe_rec {
	uint64_t	 pos;
	size_t		 hoff, hlen;	/* the block, in data */
	size_t		 loff, nlines;	/* the line starts, in data */
	unsigned	 flags;
	int		 has_lines;
};

struct pipe_batch {
	char		*data;		/* owned */
	size_t		 len, cap;
	struct pipe_rec	 recs[PIPE_MSGS];
	size_t		 n;
	int		 full;		/* the thread's until emptied */
};

struct source_pipe {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 filled;	/* a batch is full, or the end */
	pthread_cond_t	 emptied;	/* a batch is free again */
	struct pipe_batch b[PIPE_BATCHES];
	size_t		 put;		/* the batch being filled */
	size_t		 limit;		/* messages a batch takes, for now */
	int		 end;		/* nothing more comes */
	int		 failed;	/* the callback stopped the scan */
	struct err	 err;		/* its error */
	const char	*path;		/* borrowed */
	source_cb	 cb;
	void		*arg;
	struct source_stats *st;
};

/* Calls the callback for each message of b; -1 when it stopped. */
static int
pipe_run(struct source_pipe *p, struct pipe_batch *b)
{
	struct source_msg	m;

	for (size_t i = 0; i < b->n; i++) {
		const struct pipe_rec	*r = &b->recs[i];

		m.hdr = str_make(b->data + r->hoff, r->hlen);
		m.path = p->path;
		m.pos = r->pos;
		m.flags = r->flags;
		m.lines = r->has_lines ? (const uint32_t *)(const void *)
		    (b->data + r->loff) : NULL;
		m.nlines = r->nlines;
		p->st->messages++;
		if (p->cb(p->arg, &m, &p->err) == -1)
			return -1;
	}
	return 0;
}

static void *
pipe_main(void *arg)
{
	struct source_pipe	*p = arg;
	size_t			 take = 0;
	struct pipe_batch	*b;
	int			 failed;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		b = &p->b[take];
		while (!b->full && !p->end)
			pthread_cond_wait(&p->filled, &p->mu);
		if (!b->full)
			break;		/* the end, and all taken */
		failed = p->failed;
		pthread_mutex_unlock(&p->mu);
		if (!failed && pipe_run(p, b) == -1)
			failed = 1;
		pthread_mutex_lock(&p->mu);
		p->failed = failed;
		b->full = 0;
		b->n = 0;
		b->len = 0;
		pthread_cond_signal(&p->emptied);
		take = (take + 1) % PIPE_BATCHES;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct source_pipe *
pipe_start(const char *path, source_cb cb, void *arg,
    struct source_stats *st)
{
	struct source_pipe	*p = xcalloc(1, sizeof(*p));

	p->path = path;
	p->limit = PIPE_FIRST;
	p->cb = cb;
	p->arg = arg;
	p->st = st;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		goto no_mu;
	if (pthread_cond_init(&p->filled, NULL) != 0)
		goto no_filled;
	if (pthread_cond_init(&p->emptied, NULL) != 0)
		goto no_emptied;
	for (size_t i = 0; i < PIPE_BATCHES; i++) {
		p->b[i].cap = PIPE_BYTES;
		p->b[i].data = xmalloc(PIPE_BYTES);
	}
	if (pthread_create(&p->th, NULL, pipe_main, p) != 0)
		goto no_thread;
	return p;
no_thread:
	for (size_t i = 0; i < PIPE_BATCHES; i++)
		free(p->b[i].data);
	pthread_cond_destroy(&p->emptied);
no_emptied:
	pthread_cond_destroy(&p->filled);
no_filled:
	pthread_mutex_destroy(&p->mu);
no_mu:
	free(p);
	return NULL;
}

/* Hands the batch being filled to the thread and waits for the next
 * one to be free.  Returns -1 when the callback has stopped the scan. */
static int
pipe_hand(struct source_pipe *p)
{
	struct pipe_batch	*next;
	int			 failed;

	pthread_mutex_lock(&p->mu);
	p->b[p->put].full = 1;
	pthread_cond_signal(&p->filled);
	p->put = (p->put + 1) % PIPE_BATCHES;
	next = &p->b[p->put];
	while (next->full)
		pthread_cond_wait(&p->emptied, &p->mu);
	failed = p->failed;
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

int
pipe_put(struct source_pipe *p, const struct source_msg *m)
{
	struct pipe_batch	*b = &p->b[p->put];
	struct pipe_rec		*r;
	size_t			 lbytes = m->lines != NULL ?
				    m->nlines * sizeof(*m->lines) : 0;
	size_t			 need = m->hdr.len + 3 + lbytes;

	if (b->n == p->limit || (b->n > 0 && b->len + need > b->cap)) {
		/* Batches grow to PIPE_MSGS: the thread has work early, and
		 * later hand-overs are few. */
		if (p->limit < PIPE_MSGS)
			p->limit *= 2;
		if (pipe_hand(p) == -1)
			return -1;
		b = &p->b[p->put];
	}
	if (b->len + need > b->cap) {
		b->cap = b->len + need;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
	r = &b->recs[b->n++];
	r->pos = m->pos;
	r->flags = m->flags;
	r->hoff = b->len;
	r->hlen = m->hdr.len;
	memcpy(b->data + b->len, m->hdr.p, m->hdr.len);
	b->len += m->hdr.len;
	/* The lines are uint32_t: aligned to 4. */
	b->len = (b->len + 3) & ~(size_t)3;
	r->has_lines = m->lines != NULL;
	r->loff = b->len;
	r->nlines = m->nlines;
	if (lbytes > 0)
		memcpy(b->data + b->len, m->lines, lbytes);
	b->len += lbytes;
	return 0;
}

int
pipe_finish(struct source_pipe *p, struct err *err)
{
	int	failed;

	pthread_mutex_lock(&p->mu);
	if (p->b[p->put].n > 0) {
		p->b[p->put].full = 1;
		pthread_cond_signal(&p->filled);
	}
	p->end = 1;
	pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	failed = p->failed;
	if (failed && err != NULL)
		*err = p->err;
	for (size_t i = 0; i < PIPE_BATCHES; i++)
		free(p->b[i].data);
	pthread_cond_destroy(&p->emptied);
	pthread_cond_destroy(&p->filled);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return failed ? -1 : 0;
}
