/*
 * archive_import.c: mail files into a tenant's archive (archive.h).
 *
 * Each message becomes a row of blind-indexed keys and a sealed blob of
 * its fields; each distinct address a row with its domain keys.  Rows
 * are written in transactions of IMPORT_BATCH messages, and each commit
 * carries the checkpoint of its source (the position after the last
 * message written), so after a crash at any instant a re-run starts where
 * the last commit ended and the unique (tenant, source, position) key
 * makes any overlap a no-op: nothing lost, nothing twice.
 *
 * The rows are sealed and written by a writer thread (archive_rowq.h)
 * while this thread reads, parses and blinds the next messages.  The
 * writer commits, with the checkpoint of the last message it wrote; this
 * thread touches the store (sources, the last commit) only after
 * rowq_sync().  Commits are small enough that the last one, which nothing
 * overlaps, is short.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../base/xmalloc.h"
#include "../ingest/source.h"
#include "archive.h"
#include "archive_memo.h"
#include "archive_rowq.h"

/* Messages per commit: each commit rewrites the pages it shares with the
 * last one (the right edges of the indexes, the addresses) and waits for
 * an fsync, so fewer, larger commits write less; a crash redoes at most
 * one batch. */
#define IMPORT_BATCH	8000

struct imp {
	struct archive		*a;
	int64_t			 mailbox_id;
	struct archive_import	*st;
	struct meta_parser	*mp;
	struct rowq		*q;
	char			*path;		/* current source file */
	int64_t			 source_id;
	int64_t			 next_pos;	/* checkpoint: first new pos */
	unsigned char		 source_bi[STORE_BI_LEN];
	/* The writer's, between rowq_push() and rowq_sync(): */
	int64_t			 last_pos;	/* last pos written, or -1 */
	uint64_t		 in_tx;
	struct memo		*memo;		/* blind indexes by plaintext */
	struct buf		 keys, plain, dom;
	struct buf		 sealed;	/* the writer's */
	struct timespec		 t0, shown;
	struct timespec		 file_t0;	/* when this file began */
	uint64_t		 file_size;	/* 0: unknown (a pipe) */
	uint64_t		 file_from;	/* first position read */
	uint64_t		 at;		/* position of the last message */
};

/* Commits what is written, with the current source's checkpoint (in the
 * writer, or after rowq_sync()). */
static int
flush(struct imp *im, struct err *err)
{
	if (im->path != NULL && im->last_pos >= 0 &&
	    store_source_put(im->a->st, im->a->tid, im->source_bi,
	    im->mailbox_id, im->last_pos + 1, NULL, 0, time(NULL),
	    &im->source_id, err) == -1)
		return -1;
	if (store_commit(im->a->st, err) == -1 ||
	    store_begin(im->a->st, err) == -1)
		return -1;
	im->in_tx = 0;
	return 0;
}

/* A source is known by its real path, blinded. */
static void
source_key(const struct imp *im, const char *path,
    unsigned char bi[STORE_BI_LEN])
{
	char	*real = realpath(path, NULL);

	vault_blind(im->a->key, VAULT_BI_SOURCE, real ? real : path,
	    strlen(real ? real : path), bi);
	free(real);
}

static int
switch_source(struct imp *im, const char *path, struct err *err)
{
	struct store_source	src;
	int			 r;

	if (rowq_sync(im->q, err) == -1 || flush(im, err) == -1)
		return -1;
	free(im->path);
	im->path = xstrdup(path);
	{
		struct stat sb;

		im->file_size = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ?
		    (uint64_t)sb.st_size : 0;
		im->file_from = UINT64_MAX;
		clock_gettime(CLOCK_MONOTONIC, &im->file_t0);
	}
	source_key(im, path, im->source_bi);
	memset(&src, 0, sizeof(src));
	if ((r = store_source_get(im->a->st, im->a->tid, im->source_bi, &src,
	    err)) == -1)
		return -1;
	if (r == 0) {
		im->source_id = src.id;
		im->next_pos = src.pos;
		store_source_clear(&src);
	} else {
		if (store_source_put(im->a->st, im->a->tid, im->source_bi,
		    im->mailbox_id, 0, NULL, 0, time(NULL), &im->source_id,
		    err) == -1)
			return -1;
		im->next_pos = 0;
	}
	im->last_pos = -1;
	return 0;
}

/* The blind index of an address, queuing its row the first time: its
 * key, its domain keys, itself (sealed by the writer). */
static void
put_address(struct imp *im, struct str addr,
    unsigned char key[RECORD_KEY_BYTES])
{
	int		 queued;
	struct rowq_row	*r;

	memo_blind(im->memo, RECORD_ADDRESS, addr, key, &queued);
	if (queued)
		return;
	buf_reset(&im->dom);
	record_domain_keys(addr, memo_blind_fn, im->memo, &im->dom);
	r = rowq_add(rowq_current(im->q), ROWQ_ADDR, im->dom.data,
	    im->dom.len, addr.p, addr.len);
	memcpy(r->key, key, RECORD_KEY_BYTES);
}

/* The blind callback of a message's keys (record.h): each address the
 * keys name is looked up once, and queued on the way. */
static void
msg_blind(void *arg, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	struct imp	*im = arg;

	if (kind == RECORD_ADDRESS)
		put_address(im, s, out);
	else
		memo_blind(im->memo, kind, s, out, NULL);
}

/*
 * Writes a batch of rows (the writer thread, or rowq_sync()), sealing
 * their fields: the sealing is a good part of the work, and this thread
 * has time to spare.
 */
static int
write_rows(void *arg, struct rowq_batch *b, struct err *err)
{
	struct imp		*im = arg;
	struct store_msg	 m;
	int			 inserted;
	int64_t			 row;

	for (size_t i = 0; i < b->n; i++) {
		const struct rowq_row	*r = &b->v[i];
		const unsigned char	*a = (const unsigned char *)b->data.data +
					    r->off;

		buf_reset(&im->sealed);
		if (r->kind == ROWQ_ADDR) {
			memcpy(&row, r->key, sizeof(row));
			archive_seal(im->a, "addresses", row, 0, a + r->a_len,
			    r->b_len, &im->sealed);
			if (buf_check(&im->sealed, err) == -1 ||
			    store_addr_put(im->a->st, im->a->tid, r->key, a,
			    r->a_len, im->sealed.data, im->sealed.len,
			    err) == -1)
				return -1;
			continue;
		}
		archive_seal(im->a, "messages", im->source_id, r->pos,
		    a + r->a_len, r->b_len, &im->sealed);
		if (buf_check(&im->sealed, err) == -1)
			return -1;
		memset(&m, 0, sizeof(m));
		m.tid = im->a->tid;
		m.mailbox_id = im->mailbox_id;
		m.source_id = im->source_id;
		m.pos = r->pos;
		m.date = r->date;
		m.received = r->received;
		m.flags = r->flags;
		m.keys = a;
		m.keys_len = r->a_len;
		m.sealed = im->sealed.data;
		m.sealed_len = im->sealed.len;
		if (store_msg_put(im->a->st, &m, &inserted, err) == -1)
			return -1;
		if (inserted)
			b->added++;
		else
			b->known++;
		im->last_pos = r->pos;
		if (++im->in_tx >= IMPORT_BATCH && flush(im, err) == -1)
			return -1;
	}
	return 0;
}

/* Where to start reading a file: its checkpoint (source.h). */
static int64_t
start_at(void *arg, const char *path)
{
	struct imp		*im = arg;
	struct store_source	 src;
	unsigned char		 bi[STORE_BI_LEN];
	int64_t			 pos = 0;

	/* Every row of the previous file is written: the store is ours. */
	if (rowq_sync(im->q, NULL) == -1)
		return -1;	/* skipped: the import ends with the error */
	source_key(im, path, bi);
	memset(&src, 0, sizeof(src));
	if (store_source_get(im->a->st, im->a->tid, bi, &src, NULL) == 0) {
		pos = src.pos;
		store_source_clear(&src);
	}
	/*
	 * The checkpoint is one past the start of the last message stored:
	 * an mbox is read again from that start, where its envelope line
	 * is (the message itself counts as known).  A single-message file
	 * (checkpoint 1) stays done.
	 */
	return pos > 1 ? pos - 1 : pos;
}

static void
progress(struct imp *im)
{
	struct timespec	now;
	double		secs;
	uint64_t	added, known;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == im->shown.tv_sec)
		return;
	im->shown = now;
	rowq_counts(im->q, &added, &known);
	secs = (double)(now.tv_sec - im->t0.tv_sec) +
	    (double)(now.tv_nsec - im->t0.tv_nsec) / 1e9;
	fprintf(stderr, "\rimport: %llu messages read, %llu new, %.0f/s",
	    (unsigned long long)im->st->read,
	    (unsigned long long)(im->st->added + added),
	    secs > 0 ? (double)im->st->read / secs : 0.0);
	/* ETA of the current file, from how far into it we are (plain
	 * mboxes; compressed and piped input have no known size). */
	if (im->file_size > 0 && im->file_from != UINT64_MAX &&
	    im->at > im->file_from && im->at <= im->file_size) {
		double	fs = (double)(now.tv_sec - im->file_t0.tv_sec) +
			    (double)(now.tv_nsec - im->file_t0.tv_nsec) / 1e9;
		double	done = (double)(im->at - im->file_from);

		fprintf(stderr, ", about %.0f s left",
		    fs * (double)(im->file_size - im->at) / done);
	}
	fputs("   ", stderr);
}

static int
on_message(void *arg, const struct source_msg *sm, struct err *err)
{
	struct imp	*im = arg;
	struct msg_meta	 m;
	struct rowq_row	*r;
	unsigned char	 key[RECORD_KEY_BYTES];

	if (im->path == NULL || strcmp(im->path, sm->path) != 0)
		if (switch_source(im, sm->path, err) == -1)
			return -1;
	im->st->read++;
	if (im->file_from == UINT64_MAX)
		im->file_from = sm->pos;
	im->at = sm->pos;
	if (im->st->progress && (im->st->read & 1023) == 0)
		progress(im);
	if ((int64_t)sm->pos < im->next_pos) {
		im->st->known++;	/* committed by an earlier run */
		return 0;
	}
	meta_parse_lines(im->mp, sm->hdr, sm->lines, sm->nlines, &m);
	if (m.bad_flags || (sm->flags & (SOURCE_TRUNCATED |
	    SOURCE_NO_BODY_SEP)))
		im->st->malformed++;
	/* The address rows this queues go before their message's row, in
	 * the same batch (a batch is handed over only after a message). */
	buf_reset(&im->keys);
	record_keys_encode(&m, msg_blind, im, &im->keys);
	if (buf_check(&im->keys, err) == -1)
		return -1;
	buf_reset(&im->plain);
	record_plain_encode_v3(&m, im->keys.data, im->keys.len, &im->plain);
	r = rowq_add(rowq_current(im->q), ROWQ_MSG, im->keys.data,
	    im->keys.len, im->plain.data, im->plain.len);
	r->pos = (int64_t)sm->pos;
	r->date = m.has_date ? m.date : STORE_NO_TIME;
	r->received = m.has_received ? m.received : STORE_NO_TIME;
	r->flags = m.auto_flags & 0xffff;
	/* The keys name the first From and the first RECORD_KEYS_MAX To
	 * and Cc addresses; the others get their rows here. */
	for (size_t i = 1; i < m.from.n; i++)
		put_address(im, m.from.v[i].addr, key);
	for (size_t i = RECORD_KEYS_MAX; i < m.to.n; i++)
		put_address(im, m.to.v[i].addr, key);
	for (size_t i = RECORD_KEYS_MAX; i < m.cc.n; i++)
		put_address(im, m.cc.v[i].addr, key);
	return rowq_push(im->q, err);
}

int
archive_import(struct archive *a, const char *path, int64_t mailbox_id,
    struct archive_import *st, struct err *err)
{
	struct imp	im = { .a = a, .mailbox_id = mailbox_id, .st = st,
			    .last_pos = -1 };
	int		rc;
	uint64_t	added, known;

	im.mp = meta_parser_new();
	im.q = rowq_new(write_rows, &im);
	im.memo = memo_new(a);
	buf_init(&im.keys, STORE_BLOB_MAX);
	buf_init(&im.plain, 0);
	buf_init(&im.sealed, STORE_BLOB_MAX);
	buf_init(&im.dom, 0);
	clock_gettime(CLOCK_MONOTONIC, &im.t0);
	rc = store_begin(a->st, err);
	if (rc == 0)
		rc = source_scan_from(path, start_at, &im, on_message, &im,
		    NULL, err);
	if (rc == 0)
		rc = rowq_sync(im.q, err);
	if (rc == 0)
		rc = flush(&im, err);
	/* The writer stops first: the store is this thread's again. */
	rowq_counts(im.q, &added, &known);
	rowq_free(im.q);
	st->added += added;
	st->known += known;
	/* What was committed stays; the open transaction goes. */
	(void)store_rollback(a->st, NULL);
	if (st->progress)
		fputc('\n', stderr);
	buf_free(&im.keys);
	buf_free(&im.plain);
	buf_free(&im.sealed);
	buf_free(&im.dom);
	memo_free(im.memo);
	meta_parser_free(im.mp);
	free(im.path);
	return rc;
}
