/*
 * store_sqlite_msg.c: mailboxes, sources, messages and addresses, in the
 * SQLite driver.
 *
 * This is the import path.  A message insert is one kept statement:
 * bind, step, reset; "ON CONFLICT DO NOTHING" on (tenant, source, pos)
 * makes a re-import a no-op row by row, and the composite foreign keys
 * make a message that names another tenant's source or mailbox fail.
 * Scans step a kept statement and hand each row to the callback with
 * its blobs borrowed straight from SQLite (valid until the next step).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

/* The tenant's mailbox with address bi: 0 found, 1 none, -1 error. */
static int
mailbox_find(struct store_drv *d, int64_t tid, const unsigned char *bi,
    int64_t *id_out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_MAILBOX_FIND, "SELECT id FROM mailboxes"
	    " WHERE tenant_id = ?1 AND address_bi = ?2", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, bi, STORE_BI_LEN);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id_out = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "mailboxes: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

static int
mailbox_get_or_create(struct store_drv *d, int64_t tid,
    const unsigned char *bi, const void *sealed, size_t len,
    const char *kind, int64_t at, int64_t *id_out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((rc = mailbox_find(d, tid, bi, id_out, err)) != 1)
		return rc;
	if ((s = sq_prep(d, SQ_MAILBOX_INSERT,
	    "INSERT INTO mailboxes (tenant_id, address_bi, sealed_address,"
	    " kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, bi, STORE_BI_LEN);
	sq_bind_blob(s, 3, sealed, len);
	sq_bind_text(s, 4, kind);
	sq_bind_i64(s, 5, at);
	if (sqlite3_step(s) != SQLITE_ROW)
		return sq_fail_reset(d, s, "mailboxes: insert", err);
	*id_out = sqlite3_column_int64(s, 0);
	return sq_done(d, s, "mailboxes: insert", err);
}

int
sq_mailbox_put(struct store_drv *d, int64_t tid, const unsigned char *bi,
    const void *sealed, size_t len, const char *kind, int64_t at,
    int64_t *id_out, struct err *err)
{
	int	own;

	*id_out = 0;
	/* Find, then insert: atomic, so two importers agree on one id. */
	if (sq_tx_enter(d, &own, err) == -1)
		return -1;
	return sq_tx_leave(d, own, mailbox_get_or_create(d, tid, bi, sealed,
	    len, kind, at, id_out, err) == 0, err);
}

int
sq_mailbox_set_sync(struct store_drv *d, int64_t tid, int64_t id,
    const void *sync, size_t len, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_MAILBOX_SYNC, "UPDATE mailboxes SET"
	    " sync_state = ?3 WHERE tenant_id = ?1 AND id = ?2", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, id);
	sq_bind_blob(s, 3, sync, len);
	if (sq_done(d, s, "mailboxes: set sync state", err) == -1)
		return -1;
	if (sqlite3_changes(d->db) == 0)
		return err_set(err, ERR_USAGE, "store: mailbox %" PRId64
		    " of tenant %" PRId64 ": no such mailbox", id, tid);
	return 0;
}

int
sq_mailbox_list(struct store_drv *d, int64_t tid, store_mailbox_cb cb,
    void *arg, struct err *err)
{
	sqlite3_stmt		*s;
	struct store_mailbox	 mb;
	int			 rc = SQLITE_DONE, r = 0;

	if ((s = sq_prep(d, SQ_MAILBOX_LIST, "SELECT id, address_bi,"
	    " sealed_address, kind, sync_state, created_at FROM mailboxes"
	    " WHERE tenant_id = ?1 ORDER BY id", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&mb, 0, sizeof(mb));
		mb.id = sqlite3_column_int64(s, 0);
		mb.tid = tid;
		sq_col_bi(s, 1, mb.bi);
		mb.sealed = sqlite3_column_blob(s, 2);
		mb.sealed_len = (size_t)sqlite3_column_bytes(s, 2);
		mb.kind = (const char *)sqlite3_column_text(s, 3);
		mb.sync = sqlite3_column_blob(s, 4);
		mb.sync_len = (size_t)sqlite3_column_bytes(s, 4);
		mb.created_at = sqlite3_column_int64(s, 5);
		r = sq_cb_result(cb(arg, &mb, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "mailboxes: read", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}

int
sq_source_get(struct store_drv *d, int64_t tid, const unsigned char *bi,
    struct store_source *out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_SOURCE_GET, "SELECT id, mailbox_id, pos,"
	    " ident, updated_at FROM sources"
	    " WHERE tenant_id = ?1 AND source_bi = ?2", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, bi, STORE_BI_LEN);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		out->tid = tid;
		memcpy(out->bi, bi, STORE_BI_LEN);
		out->mailbox_id = sqlite3_column_int64(s, 1); /* NULL: 0 */
		out->pos = sqlite3_column_int64(s, 2);
		out->ident = sq_col_dup(s, 3, &out->ident_len);
		out->updated_at = sqlite3_column_int64(s, 4);
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "sources: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

int
sq_source_put(struct store_drv *d, int64_t tid, const unsigned char *bi,
    int64_t mailbox_id, int64_t pos, const void *ident, size_t ident_len,
    int64_t at, int64_t *id_out, struct err *err)
{
	sqlite3_stmt	*s;

	*id_out = 0;
	if ((s = sq_prep(d, SQ_SOURCE_PUT, "INSERT INTO sources (tenant_id,"
	    " source_bi, mailbox_id, pos, ident, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (tenant_id, source_bi) DO UPDATE SET"
	    " mailbox_id = excluded.mailbox_id, pos = excluded.pos,"
	    " ident = excluded.ident, updated_at = excluded.updated_at"
	    " RETURNING id", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, bi, STORE_BI_LEN);
	sq_bind_id(s, 3, mailbox_id);
	sq_bind_i64(s, 4, pos);
	sq_bind_blob_or_null(s, 5, ident, ident_len);
	sq_bind_i64(s, 6, at);
	if (sqlite3_step(s) != SQLITE_ROW)
		return sq_fail_reset(d, s, "sources: write", err);
	*id_out = sqlite3_column_int64(s, 0);
	return sq_done(d, s, "sources: write", err);
}

int
sq_msg_put(struct store_drv *d, const struct store_msg *m, int *inserted_out,
    struct err *err)
{
	sqlite3_stmt	*s;

	if (inserted_out != NULL)
		*inserted_out = 0;
	if ((s = sq_prep(d, SQ_MSG_PUT, "INSERT INTO messages (tenant_id,"
	    " mailbox_id, source_id, pos, date, received, flags, keys, sealed)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT (tenant_id, source_id, pos) DO NOTHING",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, m->tid);
	sq_bind_id(s, 2, m->mailbox_id);
	sq_bind_i64(s, 3, m->source_id);
	sq_bind_i64(s, 4, m->pos);
	sq_bind_time(s, 5, m->date);
	sq_bind_time(s, 6, m->received);
	sq_bind_i64(s, 7, (int64_t)m->flags);
	sq_bind_blob(s, 8, m->keys, m->keys_len);
	sq_bind_blob(s, 9, m->sealed, m->sealed_len);
	if (sq_done(d, s, "messages: insert", err) == -1)
		return -1;
	if (inserted_out != NULL)
		*inserted_out = sqlite3_changes(d->db) > 0;
	return 0;
}

int
sq_msg_scan(struct store_drv *d, int64_t tid, store_msg_cb cb, void *arg,
    struct err *err)
{
	sqlite3_stmt		*s;
	struct store_msg	 m;
	int			 rc = SQLITE_DONE, r = 0;

	if ((s = sq_prep(d, SQ_MSG_SCAN, "SELECT seq, mailbox_id, source_id,"
	    " pos, date, received, flags, keys, sealed FROM messages"
	    " WHERE tenant_id = ?1 ORDER BY seq", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		m.seq = sqlite3_column_int64(s, 0);
		m.tid = tid;
		m.mailbox_id = sqlite3_column_int64(s, 1);
		m.source_id = sqlite3_column_int64(s, 2);
		m.pos = sqlite3_column_int64(s, 3);
		m.date = sq_col_time(s, 4);
		m.received = sq_col_time(s, 5);
		m.flags = (uint32_t)sqlite3_column_int64(s, 6);
		m.keys = sqlite3_column_blob(s, 7);
		m.keys_len = (size_t)sqlite3_column_bytes(s, 7);
		m.sealed = sqlite3_column_blob(s, 8);
		m.sealed_len = (size_t)sqlite3_column_bytes(s, 8);
		r = sq_cb_result(cb(arg, &m, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "messages: read", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}

int
sq_msg_count(struct store_drv *d, int64_t tid, int64_t *n_out,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_MSG_COUNT, "SELECT count(*) FROM messages"
	    " WHERE tenant_id = ?1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	if (sqlite3_step(s) != SQLITE_ROW)
		return sq_fail_reset(d, s, "messages: count", err);
	*n_out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return 0;
}

int
sq_addr_put(struct store_drv *d, int64_t tid, const unsigned char *bi,
    const void *domain_keys, size_t dk_len, const void *sealed,
    size_t sealed_len, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_ADDR_PUT, "INSERT INTO addresses (tenant_id,"
	    " address_bi, domain_keys, sealed) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (tenant_id, address_bi) DO NOTHING", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, bi, STORE_BI_LEN);
	sq_bind_blob(s, 3, domain_keys, dk_len);
	sq_bind_blob(s, 4, sealed, sealed_len);
	return sq_done(d, s, "addresses: insert", err);
}

int
sq_addr_scan(struct store_drv *d, int64_t tid, store_addr_cb cb, void *arg,
    struct err *err)
{
	sqlite3_stmt		*s;
	struct store_addr	 a;
	int			 rc = SQLITE_DONE, r = 0;

	if ((s = sq_prep(d, SQ_ADDR_SCAN, "SELECT address_bi, domain_keys,"
	    " sealed FROM addresses WHERE tenant_id = ?1 ORDER BY address_bi",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		a.tid = tid;
		sq_col_bi(s, 0, a.bi);
		a.domain_keys = sqlite3_column_blob(s, 1);
		a.domain_keys_len = (size_t)sqlite3_column_bytes(s, 1);
		a.sealed = sqlite3_column_blob(s, 2);
		a.sealed_len = (size_t)sqlite3_column_bytes(s, 2);
		r = sq_cb_result(cb(arg, &a, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "addresses: read", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}
