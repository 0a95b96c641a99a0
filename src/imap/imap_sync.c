/*
 * imap_sync.c: a pass over one IMAP mailbox, folder by folder, and IDLE
 * (see imap_sync.h for the model).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "../base/xmalloc.h"
#include "imap_session.h"

#define VANISHED_MAX	100000		/* UID ranges held per folder */
#define IDENT_LEN	16		/* UIDVALIDITY, HIGHESTMODSEQ */
#define PENDING_MAX	(32u << 20)	/* header bytes held before a write */

struct range {
	uint64_t	lo, hi;
};

/* The state of one folder's sync. */
struct fsync {
	struct imap_session	*s;
	struct imap_sync_stats	*st;
	const char		*folder;
	unsigned char		 bi[STORE_BI_LEN];
	int64_t			 source_id;
	uint64_t		 validity, uidnext, modseq, exists;
	uint64_t		 pos;		/* the last UID committed */
	uint64_t		 max_uid;	/* the highest UID stored */
	struct range		*van;		/* expunged UIDs to delete */
	size_t			 nvan, capvan;
	int			 reset;		/* UIDVALIDITY changed */
	struct buf		 pend;		/* fetched: u64 uid, u32 n, hdr */
};

/* ---- settings ---- */

struct find_mb {
	int64_t		 id;
	int		 found;
	char		 kind[STORE_KIND_MAX + 1];
	void		*sync;
	size_t		 sync_len;
};

static int
on_mailbox(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct find_mb	*f = arg;

	if (mb->id != f->id)
		return 0;
	f->found = 1;
	snprintf(f->kind, sizeof(f->kind), "%s", mb->kind);
	if (mb->sync != NULL && mb->sync_len > 0) {
		f->sync = xmalloc(mb->sync_len);
		memcpy(f->sync, mb->sync, mb->sync_len);
		f->sync_len = mb->sync_len;
	}
	return 1;
}

int
imap_mailbox_account(struct archive *a, int64_t mbid,
    struct imap_account *acc, struct err *err)
{
	struct find_mb	f = { .id = mbid };
	struct buf	plain;
	int		rc;

	memset(acc, 0, sizeof(*acc));
	if (store_mailbox_list(a->st, a->tid, on_mailbox, &f, err) == -1)
		return -1;
	if (!f.found || strcmp(f.kind, "imap") != 0 || f.sync == NULL) {
		free(f.sync);
		return 1;
	}
	buf_init(&plain, 0);
	rc = archive_open_sealed(a, "mailboxes", mbid, 1, f.sync, f.sync_len,
	    &plain, err);
	if (rc == 0)
		rc = imap_account_decode(plain.data, plain.len, acc, err);
	OPENSSL_cleanse(plain.data, plain.len);
	buf_free(&plain);
	free(f.sync);
	return rc;
}

int
imap_mailbox_set_account(struct archive *a, int64_t mbid,
    const struct imap_account *acc, struct err *err)
{
	struct buf	plain, sealed;
	int		rc;

	if (imap_account_check(acc, err) == -1)
		return -1;
	buf_init(&plain, 0);
	buf_init(&sealed, 0);
	imap_account_encode(acc, &plain);
	archive_seal(a, "mailboxes", mbid, 1, plain.data, plain.len, &sealed);
	rc = buf_check(&sealed, err) == -1 ? -1 : store_mailbox_set_sync(
	    a->st, a->tid, mbid, sealed.data, sealed.len, err);
	OPENSSL_cleanse(plain.data, plain.len);
	buf_free(&plain);
	buf_free(&sealed);
	return rc;
}

/* ---- sessions ---- */

int
imap_session_open(struct imap_session *s, struct archive *a, int64_t mbid,
    const atomic_int *stop, struct err *err)
{
	int	r;

	memset(s, 0, sizeof(*s));
	s->a = a;
	s->mbid = mbid;
	s->stop = stop;
	if ((r = imap_mailbox_account(a, mbid, &s->acc, err)) != 0) {
		if (r == 1)
			err_set(err, ERR_USAGE, "mailbox %" PRId64 " is not an "
			    "IMAP mailbox", mbid);
		return -1;
	}
	if (imap_client_login(&s->acc, stop, &s->cl, err) == -1 ||
	    imap_folders_pick(s, err) == -1) {
		imap_session_close(s, 0);
		return -1;
	}
	s->w = imap_writer_new(a, mbid);
	return 0;
}

void
imap_session_close(struct imap_session *s, int logout)
{
	imap_client_free(s->cl, logout);
	s->cl = NULL;
	imap_writer_free(s->w);
	s->w = NULL;
	for (size_t i = 0; i < s->nfolders; i++)
		free(s->folders[i]);
	s->nfolders = 0;
	imap_account_clear(&s->acc);
}

/* ---- one folder ---- */

static void
put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t	v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Parses a UID set ("1:5,7,9:12") into f->van. */
static int
add_vanished(struct fsync *f, struct str set, struct err *err)
{
	size_t		i = 0, start;
	uint64_t	a, b;

	while (i < set.len) {
		start = i;
		while (i < set.len && set.p[i] != ':' && set.p[i] != ',')
			i++;
		if (imap_num(str_make(set.p + start, i - start), &a) == -1)
			return err_set(err, ERR_PARSE, "IMAP VANISHED: bad UID "
			    "set");
		b = a;
		if (i < set.len && set.p[i] == ':') {
			start = ++i;
			while (i < set.len && set.p[i] != ',')
				i++;
			if (imap_num(str_make(set.p + start, i - start),
			    &b) == -1)
				return err_set(err, ERR_PARSE, "IMAP VANISHED: "
				    "bad UID set");
		}
		if (i < set.len)
			i++;		/* ',' */
		if (f->nvan == VANISHED_MAX)
			return err_set(err, ERR_LIMIT, "IMAP VANISHED: more "
			    "than %d ranges", VANISHED_MAX);
		if (f->nvan == f->capvan) {
			f->capvan = f->capvan ? f->capvan * 2 : 64;
			f->van = xreallocarray(f->van, f->capvan,
			    sizeof(*f->van));
		}
		f->van[f->nvan].lo = a < b ? a : b;
		f->van[f->nvan++].hi = a < b ? b : a;
	}
	return 0;
}

static int	checkpoint(struct fsync *, uint64_t, struct err *);

/* A FETCH response: UID and the header block; anything else ignored. */
static int
on_fetch(struct fsync *f, const struct imap_resp *r, struct err *err)
{
	const struct imap_item	*it = r->items;
	size_t			 i = r->first, j;
	uint64_t		 uid = 0;
	struct str		 hdr = STR_NULL;
	int			 have_uid = 0, have_hdr = 0;

	if (i >= r->nitems || it[i].type != IMAP_LIST)
		return err_set(err, ERR_PARSE, "IMAP FETCH: no item list");
	for (j = i + 1; j < it[i].end; j = it[j].end) {
		if (it[j].type != IMAP_ATOM || it[j].end >= it[i].end)
			break;
		if (str_eq_ci(it[j].s, STR("UID"))) {
			if (imap_num(it[it[j].end].s, &uid) == -1 ||
			    it[it[j].end].type != IMAP_ATOM)
				return err_set(err, ERR_PARSE, "IMAP FETCH: bad "
				    "UID");
			have_uid = 1;
		} else if (str_has_prefix_ci(it[j].s, STR("BODY["))) {
			if (it[it[j].end].type == IMAP_STRING) {
				hdr = it[it[j].end].s;
				have_hdr = 1;
			} else if (it[it[j].end].type == IMAP_NIL) {
				hdr = STR("");
				have_hdr = 1;
			}
		}
		j = it[j].end;		/* to the value; the loop skips it */
	}
	/* Flag updates (CONDSTORE) and the "n:*" quirk are not new mail. */
	if (!have_hdr || !have_uid || uid <= f->pos)
		return 0;
	if (uid > INT64_MAX)
		return err_set(err, ERR_PARSE, "IMAP FETCH: UID out of range");
	f->st->fetched++;
	{
		uint32_t	n32 = (uint32_t)hdr.len;

		buf_add(&f->pend, &uid, sizeof(uid));
		buf_add(&f->pend, &n32, sizeof(n32));
		buf_add(&f->pend, hdr.p, hdr.len);
	}
	if (uid > f->max_uid)
		f->max_uid = uid;
	/* Memory stays bounded: store what is held, checkpoint unmoved
	 * (a resume fetches it again, and the store ignores repeats). */
	if (f->pend.len > PENDING_MAX)
		return checkpoint(f, f->pos, err);
	return 0;
}

static int
on_untagged(void *arg, const struct imap_resp *r, struct err *err)
{
	struct fsync	*f = arg;
	uint64_t	 v;

	if (r->code.p != NULL && r->status == IMAP_OK) {
		if (imap_num(r->code_arg, &v) == 0) {
			if (str_eq_ci(r->code, STR("UIDVALIDITY")))
				f->validity = v;
			else if (str_eq_ci(r->code, STR("UIDNEXT")))
				f->uidnext = v;
			else if (str_eq_ci(r->code, STR("HIGHESTMODSEQ")))
				f->modseq = v;
		}
		if (str_eq_ci(r->code, STR("NOMODSEQ")))
			f->modseq = 0;
		return 0;
	}
	if (r->status != IMAP_NONE)
		return 0;
	if (r->has_num && str_eq_ci(r->name, STR("EXISTS")))
		f->exists = r->num;
	else if (r->has_num && str_eq_ci(r->name, STR("FETCH")))
		return on_fetch(f, r, err);
	else if (str_eq_ci(r->name, STR("VANISHED"))) {
		size_t	i = r->first;

		if (i < r->nitems && r->items[i].type == IMAP_LIST)
			i = r->items[i].end;	/* (EARLIER) */
		if (i >= r->nitems || r->items[i].type != IMAP_ATOM)
			return err_set(err, ERR_PARSE, "IMAP VANISHED: no UID "
			    "set");
		return add_vanished(f, r->items[i].s, err);
	}
	return 0;
}

/* Stores the held messages, deletes what vanished and moves the
 * checkpoint to pos, in one transaction: the write lock is held only
 * for this, never while waiting on the network. */
static int
write_batch(struct fsync *f, uint64_t pos, struct err *err)
{
	struct archive	*a = f->s->a;
	unsigned char	 ident[IDENT_LEN];
	int64_t		 n;
	size_t		 at = 0;
	uint64_t	 uid;
	uint32_t	 len;
	int		 inserted;

	if (f->reset) {
		/* The folder was renumbered: every stored UID is void. */
		if (store_msg_delete_range(a->st, a->tid, f->source_id, 0,
		    INT64_MAX, &n, err) == -1)
			return -1;
		f->st->deleted += (uint64_t)n;
		f->st->resyncs++;
	}
	while (at < f->pend.len) {
		memcpy(&uid, f->pend.data + at, sizeof(uid));
		memcpy(&len, f->pend.data + at + sizeof(uid), sizeof(len));
		at += sizeof(uid) + sizeof(len);
		if (imap_writer_put(f->s->w, f->source_id, (int64_t)uid,
		    str_make(f->pend.data + at, len), &inserted, err) == -1)
			return -1;
		if (inserted)
			f->st->added++;
		at += len;
	}
	for (size_t i = 0; i < f->nvan; i++) {
		if (f->van[i].lo > INT64_MAX)
			continue;
		if (store_msg_delete_range(a->st, a->tid, f->source_id,
		    (int64_t)f->van[i].lo, f->van[i].hi > INT64_MAX ?
		    INT64_MAX : (int64_t)f->van[i].hi, &n, err) == -1)
			return -1;
		f->st->deleted += (uint64_t)n;
	}
	f->nvan = 0;
	put_be64(ident, f->validity);
	put_be64(ident + 8, f->modseq);
	return store_source_put(a->st, a->tid, f->bi, f->s->mbid,
	    (int64_t)pos, ident, sizeof(ident), time(NULL), &f->source_id,
	    err);
}

static int
checkpoint(struct fsync *f, uint64_t pos, struct err *err)
{
	struct archive	*a = f->s->a;

	if (store_begin(a->st, err) == -1)
		return -1;
	if (write_batch(f, pos, err) == -1 || store_commit(a->st, err) == -1) {
		(void)store_rollback(a->st, NULL);
		return -1;
	}
	f->reset = 0;
	f->nvan = 0;
	buf_reset(&f->pend);
	f->pos = pos;
	return 0;
}

/* The UID FETCH of lo:hi (hi 0: "*"). */
static unsigned
send_fetch(struct fsync *f, uint64_t lo, uint64_t hi, struct err *err)
{
	char	range[48];

	if (hi == 0)
		snprintf(range, sizeof(range), "%" PRIu64 ":*", lo);
	else
		snprintf(range, sizeof(range), "%" PRIu64 ":%" PRIu64, lo, hi);
	return imap_send(f->s->cl, err, "UID FETCH %s (UID BODY.PEEK"
	    "[HEADER.FIELDS (%s)])", range, imap_header_fields());
}

/* Every UID past the checkpoint, IMAP_WINDOW commands in flight. */
static int
fetch_new(struct fsync *f, struct err *err)
{
	unsigned	tags[IMAP_WINDOW];
	uint64_t	ends[IMAP_WINDOW], lo = f->pos + 1, end;
	size_t		head = 0, n = 0;

	if (f->uidnext == 0) {
		/* No UIDNEXT: one command to the end, one commit. */
		if (imap_wait(f->s->cl, send_fetch(f, lo, 0, err), "UID FETCH",
		    on_untagged, f, err) == -1)
			return -1;
		return checkpoint(f, f->max_uid > f->pos ? f->max_uid : f->pos,
		    err);
	}
	end = f->uidnext - 1;
	while (lo <= end || n > 0) {
		while (n < IMAP_WINDOW && lo <= end) {
			uint64_t hi = end - lo >= IMAP_BATCH ?
			    lo + IMAP_BATCH - 1 : end;
			size_t	 k = (head + n) % IMAP_WINDOW;

			if ((tags[k] = send_fetch(f, lo, hi, err)) == 0)
				return -1;
			ends[k] = hi;
			n++;
			lo = hi + 1;
		}
		if (imap_wait(f->s->cl, tags[head], "UID FETCH", on_untagged,
		    f, err) == -1 || checkpoint(f, ends[head], err) == -1)
			return -1;
		head = (head + 1) % IMAP_WINDOW;
		n--;
	}
	return 0;
}

static int
sync_folder(struct imap_session *s, const char *folder,
    struct imap_sync_stats *st, struct err *err)
{
	struct archive		*a = s->a;
	struct fsync		 f;
	struct store_source	 src;
	struct buf		 key;
	uint64_t		 old_validity = 0, old_modseq = 0;
	char			*q = imap_quote(folder);
	unsigned		 tag;
	int			 r, rc = -1;
	char			 what[64];

	memset(&f, 0, sizeof(f));
	buf_init(&f.pend, 0);
	f.s = s;
	f.st = st;
	f.folder = folder;
	buf_init(&key, 0);
	buf_addf(&key, "imap\n%" PRId64 "\n%s", s->mbid, folder);
	vault_blind(a->key, VAULT_BI_SOURCE, key.data, key.len, f.bi);
	buf_free(&key);
	memset(&src, 0, sizeof(src));
	if ((r = store_source_get(a->st, a->tid, f.bi, &src, err)) == -1)
		goto out;
	if (r == 0) {
		f.source_id = src.id;
		f.pos = src.pos > 0 ? (uint64_t)src.pos : 0;
		if (src.ident != NULL && src.ident_len == IDENT_LEN) {
			old_validity = get_be64(src.ident);
			old_modseq = get_be64((unsigned char *)src.ident + 8);
		}
		store_source_clear(&src);
	} else if (store_source_put(a->st, a->tid, f.bi, s->mbid, 0, NULL, 0,
	    time(NULL), &f.source_id, err) == -1)
		goto out;
	snprintf(what, sizeof(what), "EXAMINE of folder %u", st->folders + 1);
	if (s->cl->qresync && old_validity > 0 && old_modseq > 0)
		tag = imap_send(s->cl, err, "EXAMINE %s (QRESYNC (%" PRIu64
		    " %" PRIu64 "))", q, old_validity, old_modseq);
	else if (s->cl->caps & IMAP_CAP_CONDSTORE && !s->cl->qresync)
		tag = imap_send(s->cl, err, "EXAMINE %s (CONDSTORE)", q);
	else
		tag = imap_send(s->cl, err, "EXAMINE %s", q);
	if (imap_wait(s->cl, tag, what, on_untagged, &f, err) == -1)
		goto out;
	if (f.validity == 0) {
		err_set(err, ERR_PARSE, "IMAP: no UIDVALIDITY for folder %u",
		    st->folders + 1);
		goto out;
	}
	if (old_validity != 0 && old_validity != f.validity) {
		f.nvan = 0;
		f.reset = 1;
		f.pos = 0;
	}
	if (checkpoint(&f, f.pos, err) == -1 || fetch_new(&f, err) == -1)
		goto out;
	st->folders++;
	rc = 0;
out:
	buf_free(&f.pend);
	free(f.van);
	free(q);
	return rc;
}

int
imap_session_pass(struct imap_session *s, struct imap_sync_stats *st,
    struct err *err)
{
	for (size_t i = 0; i < s->nfolders; i++)
		if (sync_folder(s, s->folders[i], st, err) == -1) {
			/* The writer may remember addresses of a rolled-back
			 * batch: start it again. */
			imap_writer_free(s->w);
			s->w = imap_writer_new(s->a, s->mbid);
			return -1;
		}
	return 0;
}

static int
on_idle(void *arg, const struct imap_resp *r, struct err *err)
{
	int	*changed = arg;

	if (r->status == IMAP_NONE && (str_eq_ci(r->name, STR("EXISTS")) ||
	    str_eq_ci(r->name, STR("EXPUNGE")) ||
	    str_eq_ci(r->name, STR("VANISHED"))))
		*changed = 1;
	return 0;
}

int
imap_session_idle(struct imap_session *s, int idle_s, int poll_s,
    struct err *err)
{
	struct imap_client	*cl = s->cl;
	struct timespec		 t0, now;
	unsigned		 tag;
	int			 changed = 0, r;
	char			*q;

	if (!(cl->caps & IMAP_CAP_IDLE) || s->nfolders == 0) {
		/* Poll: wait, stop-aware, then NOOP to keep the session. */
		for (int i = 0; i < poll_s * 4; i++) {
			if (s->stop != NULL && atomic_load(s->stop))
				return err_set(err, ERR_IO, "IMAP: stopped");
			if (s->wake != NULL && atomic_load(s->wake))
				return 0;
			nanosleep(&(struct timespec){ 0, 250000000 }, NULL);
		}
		return imap_wait(cl, imap_send(cl, err, "NOOP"), "NOOP", NULL,
		    NULL, err);
	}
	q = imap_quote(s->folders[0]);
	tag = imap_send(cl, err, "EXAMINE %s", q);
	free(q);
	if (imap_wait(cl, tag, "EXAMINE", NULL, NULL, err) == -1)
		return -1;
	if ((tag = imap_send(cl, err, "IDLE")) == 0)
		return -1;
	for (;;) {		/* until "+ idling" */
		if (imap_conn_read(cl->conn, cl->ps, -1, &cl->r, err) != 0)
			return -1;
		if (cl->r.kind == IMAP_CONTINUE)
			break;
		if (cl->r.kind == IMAP_TAGGED)
			return err_set(err, ERR_PARSE, "IMAP: IDLE refused");
		(void)on_idle(&changed, &cl->r, err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!changed) {
		r = imap_conn_read(cl->conn, cl->ps, 1000, &cl->r, err);
		if (r == -1)
			return -1;
		if (r == 0) {
			if (cl->r.kind != IMAP_UNTAGGED)
				return err_set(err, ERR_PARSE, "IMAP: unexpected "
				    "response during IDLE");
			if (cl->r.status == IMAP_BYE)
				return err_set(err, ERR_IO, "IMAP: the server "
				    "closed the session during IDLE");
			(void)on_idle(&changed, &cl->r, err);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= idle_s ||
		    (s->wake != NULL && atomic_load(s->wake)))
			break;
	}
	if (imap_conn_write(cl->conn, "DONE\r\n", 6, err) == -1)
		return -1;
	return imap_wait(cl, tag, "IDLE", NULL, NULL, err);
}

void
imap_session_status(struct archive *a, int64_t mbid, int rc,
    const struct err *e)
{
	struct err	err;
	char		reason[STORE_ERROR_MAX];
	const char	*kind;

	if (rc == 0) {
		(void)store_mailbox_set_status(a->st, a->tid, mbid, "ok", NULL,
		    time(NULL), &err);
		return;
	}
	if (strcmp(e->msg, "IMAP: stopped") == 0)
		return;
	switch (e->code) {
	case ERR_IO:
		kind = "network";
		break;
	case ERR_PARSE:
	case ERR_LIMIT:
		kind = "protocol";
		break;
	default:
		kind = "configuration";
		break;
	}
	snprintf(reason, sizeof(reason), "%s: %.480s", kind, e->msg);
	(void)store_mailbox_set_status(a->st, a->tid, mbid, "error", reason,
	    STORE_NO_TIME, &err);
}

int
imap_sync_mailbox(struct archive *a, int64_t mbid, const atomic_int *stop,
    struct imap_sync_stats *st, struct err *err)
{
	struct imap_session	s;
	int			rc;

	rc = imap_session_open(&s, a, mbid, stop, err);
	if (rc == 0) {
		rc = imap_session_pass(&s, st, err);
		imap_session_close(&s, rc == 0);
	}
	imap_session_status(a, mbid, rc, err);
	return rc;
}
