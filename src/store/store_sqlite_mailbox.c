/*
 * store_sqlite_mailbox.c: the sync states of mailboxes and the deletion
 * of expunged messages, in the SQLite driver (schema version 3).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

int
sq_mailbox_set_status(struct store_drv *d, int64_t tid, int64_t id,
    const char *state, const char *error, int64_t synced_at,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_MAILBOX_STATUS_SET, "UPDATE mailboxes SET"
	    " state = ?3, last_error = ?4,"
	    " last_sync = coalesce(?5, last_sync)"
	    " WHERE tenant_id = ?1 AND id = ?2", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, id);
	sq_bind_text(s, 3, state);
	if (error != NULL)
		sq_bind_text(s, 4, error);
	else
		sqlite3_bind_null(s, 4);
	sq_bind_time(s, 5, synced_at);
	if (sq_done(d, s, "mailboxes: set state", err) == -1)
		return -1;
	if (sqlite3_changes(d->db) == 0)
		return err_set(err, ERR_USAGE, "store: mailbox %" PRId64
		    " of tenant %" PRId64 ": no such mailbox", id, tid);
	return 0;
}

int
sq_mailbox_get_status(struct store_drv *d, int64_t tid, int64_t id,
    struct store_mailbox_status *out, struct err *err)
{
	sqlite3_stmt	*s;
	const char	*t;
	int		 rc;

	if ((s = sq_prep(d, SQ_MAILBOX_STATUS_GET, "SELECT state, last_error,"
	    " last_sync FROM mailboxes WHERE tenant_id = ?1 AND id = ?2",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(s, 0);
		snprintf(out->state, sizeof(out->state), "%s", t ? t : "new");
		t = (const char *)sqlite3_column_text(s, 1);
		snprintf(out->error, sizeof(out->error), "%s", t ? t : "");
		out->last_sync = sq_col_time(s, 2);
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "mailboxes: read state", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

int
sq_msg_delete_range(struct store_drv *d, int64_t tid, int64_t source_id,
    int64_t lo, int64_t hi, int64_t *n_out, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_MSG_DELETE_RANGE, "DELETE FROM messages"
	    " WHERE tenant_id = ?1 AND source_id = ?2 AND pos BETWEEN ?3"
	    " AND ?4", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, source_id);
	sq_bind_i64(s, 3, lo);
	sq_bind_i64(s, 4, hi);
	if (sq_done(d, s, "messages: delete", err) == -1)
		return -1;
	if (n_out != NULL)
		*n_out = sqlite3_changes(d->db);
	return 0;
}
