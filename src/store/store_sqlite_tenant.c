/*
 * store_sqlite_tenant.c: tenants and their settings, in the SQLite driver.
 *
 * A tenant's row holds its data key wrapped by the master key; the rest
 * of its data hangs off its id.  Terminating a tenant only marks it, so
 * an operator can still export; erasing deletes every row that carries
 * its id, children before parents (the foreign keys would refuse the
 * other order), in one transaction.  With the wrapped key gone, any copy
 * of its sealed blobs left elsewhere (a backup) can no longer be opened
 * once the backups of the key are gone too.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "store_sqlite.h"

/* The tenant's data, children first: the order of an erase. */
static const char *const erase_sql[] = {
	"DELETE FROM messages WHERE tenant_id = ?1",
	"DELETE FROM addresses WHERE tenant_id = ?1",
	"DELETE FROM sources WHERE tenant_id = ?1",
	"DELETE FROM mailboxes WHERE tenant_id = ?1",
	"DELETE FROM settings WHERE tenant_id = ?1",
	"DELETE FROM log WHERE tenant_id = ?1",
	"DELETE FROM sessions WHERE tenant_id = ?1",
	"DELETE FROM once_tokens WHERE tenant_id = ?1",
	"DELETE FROM api_tokens WHERE tenant_id = ?1",
	"DELETE FROM audit WHERE tenant_id = ?1",
	"DELETE FROM users WHERE tenant_id = ?1",
	"DELETE FROM settings_gen WHERE tenant_id = ?1",
	"DELETE FROM data_gen WHERE tenant_id = ?1",
	"DELETE FROM tenants WHERE id = ?1",
};

#define TENANT_COLS \
	"id, name, state, terminated_at, created_at, wrapped_key, key_version"

int
sq_tenant_create(struct store_drv *d, const char *name, const void *wrapped,
    size_t len, int64_t at, int64_t *id_out, struct err *err)
{
	sqlite3_stmt	*s;

	*id_out = 0;
	if ((s = sq_prep(d, SQ_TENANT_CREATE,
	    "INSERT INTO tenants (name, state, created_at, wrapped_key, "
	    "key_version) VALUES (?1, 'active', ?2, ?3, 1) RETURNING id",
	    err)) == NULL)
		return -1;
	sq_bind_text(s, 1, name);
	sq_bind_i64(s, 2, at);
	sq_bind_blob(s, 3, wrapped, len);
	if (sqlite3_step(s) != SQLITE_ROW) {
		/* Names are not header data: they may be quoted. */
		if (sqlite3_extended_errcode(d->db) ==
		    SQLITE_CONSTRAINT_UNIQUE) {
			sqlite3_reset(s);
			return err_set(err, ERR_USAGE, "store: tenant %s "
			    "exists", name);
		}
		return sq_fail_reset(d, s, "tenants: insert", err);
	}
	*id_out = sqlite3_column_int64(s, 0);
	return sq_done(d, s, "tenants: insert", err);
}

static void
tenant_row(sqlite3_stmt *s, struct store_tenant *t)
{
	const char	*state = (const char *)sqlite3_column_text(s, 2);

	t->id = sqlite3_column_int64(s, 0);
	t->name = xstrdup((const char *)sqlite3_column_text(s, 1));
	t->state = state != NULL && strcmp(state, "terminated") == 0 ?
	    STORE_TENANT_TERMINATED : STORE_TENANT_ACTIVE;
	t->terminated_at = sq_col_time(s, 3);
	t->created_at = sqlite3_column_int64(s, 4);
	t->wrapped_key = sq_col_dup(s, 5, &t->wrapped_len);
	t->key_version = sqlite3_column_int64(s, 6);
}

int
sq_tenant_get(struct store_drv *d, const char *name, struct store_tenant *out,
    struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_TENANT_GET, "SELECT " TENANT_COLS
	    " FROM tenants WHERE name = ?1", err)) == NULL)
		return -1;
	sq_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		tenant_row(s, out);
	else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "tenants: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

/*
 * Reads every matching tenant first, then calls cb: the tenant table is
 * small, and a callback may then use the store freely (a purge erases).
 */
int
sq_tenant_list(struct store_drv *d, int only_terminated, int64_t before,
    store_tenant_cb cb, void *arg, struct err *err)
{
	sqlite3_stmt		*s;
	struct store_tenant	*v = NULL;
	size_t			 n = 0, cap = 0, i;
	int			 rc, r = 0;

	if (only_terminated)
		s = sq_prep(d, SQ_TENANT_TERMINATED, "SELECT " TENANT_COLS
		    " FROM tenants WHERE state = 'terminated' AND "
		    "terminated_at < ?1 ORDER BY id", err);
	else
		s = sq_prep(d, SQ_TENANT_LIST, "SELECT " TENANT_COLS
		    " FROM tenants ORDER BY id", err);
	if (s == NULL)
		return -1;
	if (only_terminated)
		sq_bind_i64(s, 1, before);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		tenant_row(s, &v[n++]);
	}
	if (rc != SQLITE_DONE)
		r = sq_fail(d, "tenants: read", err);
	sqlite3_reset(s);
	for (i = 0; i < n && r == 0; i++)
		r = sq_cb_result(cb(arg, &v[i], err), err);
	for (i = 0; i < n; i++)
		store_tenant_clear(&v[i]);
	free(v);
	return r < 0 ? -1 : 0;
}

static int
no_tenant(int64_t tid, struct err *err)
{
	return err_set(err, ERR_USAGE, "store: tenant %" PRId64 ": no such "
	    "tenant", tid);
}

/* 0 if tenant tid exists, 1 if not, -1 on error. */
static int
tenant_exists(struct store_drv *d, int64_t tid, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_TENANT_EXISTS,
	    "SELECT 1 FROM tenants WHERE id = ?1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "tenants: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

int
sq_tenant_set_key(struct store_drv *d, int64_t tid, const void *wrapped,
    size_t len, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_TENANT_SET_KEY,
	    "UPDATE tenants SET wrapped_key = ?2, key_version = key_version + 1"
	    " WHERE id = ?1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, wrapped, len);
	if (sq_done(d, s, "tenants: set key", err) == -1)
		return -1;
	if (sqlite3_changes(d->db) == 0)
		return no_tenant(tid, err);
	return 0;
}

int
sq_tenant_terminate(struct store_drv *d, int64_t tid, int64_t at,
    struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_TENANT_TERMINATE,
	    "UPDATE tenants SET state = 'terminated', terminated_at = ?2"
	    " WHERE id = ?1 AND state = 'active'", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, at);
	if (sq_done(d, s, "tenants: terminate", err) == -1)
		return -1;
	if (sqlite3_changes(d->db) == 1)
		return 0;
	/* Nothing changed: already terminated (kept), or no such tenant. */
	if ((rc = tenant_exists(d, tid, err)) == 1)
		return no_tenant(tid, err);
	return rc;
}

static int
erase_rows(struct store_drv *d, int64_t tid, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((rc = tenant_exists(d, tid, err)) != 0)
		return rc == 1 ? no_tenant(tid, err) : -1;
	/* Rare and long: prepared each time rather than kept. */
	for (size_t i = 0; i < sizeof(erase_sql) / sizeof(erase_sql[0]); i++) {
		if (sqlite3_prepare_v2(d->db, erase_sql[i], -1, &s, NULL) !=
		    SQLITE_OK)
			return sq_fail(d, "erase", err);
		sq_bind_i64(s, 1, tid);
		rc = sqlite3_step(s);
		if (rc != SQLITE_DONE)
			sq_fail(d, "erase", err);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

int
sq_tenant_erase(struct store_drv *d, int64_t tid, struct err *err)
{
	int	own;

	if (sq_tx_enter(d, &own, err) == -1)
		return -1;
	if (sq_tx_leave(d, own, erase_rows(d, tid, err) == 0, err) == -1)
		return -1;
	/*
	 * The old pages of the erased rows may still sit in the WAL: fold it
	 * into the database and empty it.  Best effort: a reader may hold it.
	 */
	if (own)
		sqlite3_wal_checkpoint_v2(d->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
		    NULL, NULL);
	return 0;
}

int
sq_settings_put(struct store_drv *d, int64_t tid, const void *sealed,
    size_t len, int64_t at, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_SETTINGS_PUT,
	    "INSERT INTO settings (tenant_id, sealed, updated_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (tenant_id) DO UPDATE SET"
	    " sealed = excluded.sealed, updated_at = excluded.updated_at",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_blob(s, 2, sealed, len);
	sq_bind_i64(s, 3, at);
	return sq_done(d, s, "settings: write", err);
}

int
sq_settings_get(struct store_drv *d, int64_t tid, void **sealed_out,
    size_t *len_out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_SETTINGS_GET,
	    "SELECT sealed FROM settings WHERE tenant_id = ?1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*sealed_out = sq_col_dup(s, 0, len_out);
		/* An empty blob is a value, not "none". */
		if (*sealed_out == NULL)
			*sealed_out = xmalloc(1);
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "settings: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}
