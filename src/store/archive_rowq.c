/*
 * archive_rowq.c: an import's rows, handed to a writer thread in batches
 * (archive_rowq.h).
 *
 * ROWQ_NBATCH batches circulate: the caller fills one while the writer
 * writes the oldest of the others.  A ring of batch indexes holds the
 * full ones in order; one mutex guards the ring, the counts, the error
 * and the flags, and two condition variables wake the writer (work) and
 * the caller (a batch came back).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "archive_rowq.h"

#define ROWQ_NBATCH	4
#define ROWQ_MSGS	256		/* messages that make a batch full */
#define ROWQ_BYTES	(512u * 1024)	/* or bytes of blobs */

struct rowq {
	rowq_write_fn		 write;
	void			*arg;
	struct rowq_batch	 b[ROWQ_NBATCH];
	int			 cur;		/* batch being filled */
	/* Guarded by mu: */
	pthread_mutex_t		 mu;
	pthread_cond_t		 work, back;
	int			 ring[ROWQ_NBATCH];	/* full batches, in order */
	int			 head, nfull;
	int			 busy;		/* writer holds ring[head] */
	int			 stop;
	int			 failed;
	struct err		 err;		/* the writer's, if failed */
	uint64_t		 added, known;
	int			 free_b[ROWQ_NBATCH];
	int			 nfree;
	/* The caller's: */
	pthread_t		 thread;
	int			 started;
};

static void
batch_reset(struct rowq_batch *b)
{
	b->n = 0;
	b->msgs = 0;
	b->added = b->known = 0;
	buf_reset(&b->data);
}

struct rowq *
rowq_new(rowq_write_fn write, void *arg)
{
	struct rowq	*q = xcalloc(1, sizeof(*q));

	q->write = write;
	q->arg = arg;
	for (int i = 0; i < ROWQ_NBATCH; i++)
		buf_init(&q->b[i].data, 0);
	q->cur = 0;
	for (int i = 1; i < ROWQ_NBATCH; i++)
		q->free_b[q->nfree++] = i;
	if (pthread_mutex_init(&q->mu, NULL) != 0 ||
	    pthread_cond_init(&q->work, NULL) != 0 ||
	    pthread_cond_init(&q->back, NULL) != 0)
		rt_fatal("rowq: cannot create a mutex");
	return q;
}

struct rowq_batch *
rowq_current(struct rowq *q)
{
	return &q->b[q->cur];
}

struct rowq_row *
rowq_add(struct rowq_batch *b, enum rowq_kind kind, const void *a,
    size_t a_len, const void *b_data, size_t b_len)
{
	struct rowq_row	*r;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 512;
		b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	r = &b->v[b->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->off = b->data.len;
	r->a_len = a_len;
	r->b_len = b_len;
	buf_add(&b->data, a, a_len);
	buf_add(&b->data, b_data, b_len);
	if (kind == ROWQ_MSG)
		b->msgs++;
	return r;
}

/* Writes b unless the queue failed; records the outcome.  Holds mu. */
static void
write_locked(struct rowq *q, struct rowq_batch *b)
{
	struct err	err;
	int		rc = 0;

	err_clear(&err);
	if (!q->failed) {
		pthread_mutex_unlock(&q->mu);
		rc = q->write(q->arg, b, &err);
		pthread_mutex_lock(&q->mu);
	}
	q->added += b->added;
	q->known += b->known;
	if (rc == -1 && !q->failed) {
		q->failed = 1;
		q->err = err;
	}
	batch_reset(b);
}

static void *
writer(void *arg)
{
	struct rowq	*q = arg;
	int		 i;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->nfull == 0 && !q->stop)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->nfull == 0)
			break;
		i = q->ring[q->head];
		q->busy = 1;
		write_locked(q, &q->b[i]);
		q->head = (q->head + 1) % ROWQ_NBATCH;
		q->nfull--;
		q->busy = 0;
		q->free_b[q->nfree++] = i;
		pthread_cond_signal(&q->back);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The writer's error, if it failed.  Holds mu. */
static int
failed_locked(struct rowq *q, struct err *err)
{
	if (!q->failed)
		return 0;
	if (err != NULL)
		*err = q->err;
	return -1;
}

int
rowq_push(struct rowq *q, struct err *err)
{
	struct rowq_batch	*b = &q->b[q->cur];
	int			 rc;

	if (b->msgs < ROWQ_MSGS && b->data.len < ROWQ_BYTES)
		return 0;
	if (!q->started) {
		if (pthread_create(&q->thread, NULL, writer, q) != 0)
			return rowq_sync(q, err);	/* write it here */
		q->started = 1;
	}
	pthread_mutex_lock(&q->mu);
	q->ring[(q->head + q->nfull) % ROWQ_NBATCH] = q->cur;
	q->nfull++;
	pthread_cond_signal(&q->work);
	while (q->nfree == 0)
		pthread_cond_wait(&q->back, &q->mu);
	q->cur = q->free_b[--q->nfree];
	rc = failed_locked(q, err);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int
rowq_sync(struct rowq *q, struct err *err)
{
	int	rc;

	pthread_mutex_lock(&q->mu);
	while (q->nfull > 0 || q->busy)
		pthread_cond_wait(&q->back, &q->mu);
	/* The writer is idle and will stay so: the partial batch here. */
	if (q->b[q->cur].n > 0)
		write_locked(q, &q->b[q->cur]);
	rc = failed_locked(q, err);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void
rowq_counts(struct rowq *q, uint64_t *added, uint64_t *known)
{
	pthread_mutex_lock(&q->mu);
	*added = q->added;
	*known = q->known;
	pthread_mutex_unlock(&q->mu);
}

void
rowq_free(struct rowq *q)
{
	if (q == NULL)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->failed = 1;		/* drop what is still queued */
		q->stop = 1;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->back);
	for (int i = 0; i < ROWQ_NBATCH; i++) {
		free(q->b[i].v);
		buf_free(&q->b[i].data);
	}
	free(q);
}
