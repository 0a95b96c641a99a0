/*
 * store_sqlite_mbx.c: the SQLite driver's part of the mailbox calls of
 * the dashboard (store.h): counting a mailbox's messages, removing a
 * mailbox with everything read from it (bumping the data generation).
 */
#include <inttypes.h>
#include <string.h>

#include "store_sqlite.h"

static int
mbx_count(struct store_drv *d, int64_t tid, int64_t id, int64_t *n_out,
    struct err *err)
{
	sqlite3_stmt	*s;

	/* By source: the (tenant_id, source_id, pos) index covers it. */
	if ((s = sq_prep(d, SQ_MBX_COUNT, "SELECT count(*) FROM messages"
	    " WHERE tenant_id = ?1 AND source_id IN (SELECT id FROM sources"
	    " WHERE tenant_id = ?1 AND mailbox_id = ?2)", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, id);
	if (sqlite3_step(s) != SQLITE_ROW)
		return sq_fail_reset(d, s, "messages: count of a mailbox", err);
	*n_out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return 0;
}

/* One statement of the removal, prepared for this call only (rare). */
static int
run1(struct store_drv *d, const char *sql, int64_t tid, int64_t id,
    int *changed, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sq_fail(d, "mailboxes: remove", err);
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sq_fail(d, "mailboxes: remove", err);
	if (changed != NULL)
		*changed = sqlite3_changes(d->db) > 0;
	return 0;
}

static int
mbx_remove(struct store_drv *d, int64_t tid, int64_t id, struct err *err)
{
	static const char *const steps[] = {
		"DELETE FROM messages WHERE tenant_id = ?1 AND source_id IN"
		" (SELECT id FROM sources WHERE tenant_id = ?1"
		" AND mailbox_id = ?2)",
		"DELETE FROM messages WHERE tenant_id = ?1 AND mailbox_id = ?2",
		"DELETE FROM sources WHERE tenant_id = ?1 AND mailbox_id = ?2",
	};
	int64_t	gen;
	int	own, ok = 1, found = 0;

	if (sq_tx_enter(d, &own, err) == -1)
		return -1;
	for (size_t i = 0; ok && i < sizeof(steps) / sizeof(steps[0]); i++)
		ok = run1(d, steps[i], tid, id, NULL, err) == 0;
	if (ok)
		ok = run1(d, "DELETE FROM mailboxes WHERE tenant_id = ?1"
		    " AND id = ?2", tid, id, &found, err) == 0;
	/* The tenant's messages changed: caches of views must see it. */
	if (ok && found)
		ok = sq_data_gen(d, tid, 1, &gen, err) == 0;
	if (sq_tx_leave(d, own, ok, err) == -1)
		return -1;
	return found ? 0 : 1;
}

const struct store_mbx_ops store_sqlite_mbx_ops = {
	.msg_count = mbx_count,
	.remove = mbx_remove,
};
