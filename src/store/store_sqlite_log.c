/*
 * store_sqlite_log.c: the processing log and the export scan, in the
 * SQLite driver.
 *
 * The log records what was done to a tenant's data (imports, exports,
 * deletions, purges) with counts and times, never header data.  Its
 * tenant id is checked on insert rather than by a foreign key, so that
 * STORE_SYSTEM (0) entries about the installation can sit beside them.
 * The retention purge is the one write that spans tenants: it removes
 * entries by age alone.
 *
 * The export scan reads one whitelisted table (schema.c) with every
 * column: its SQL is assembled from the whitelist's constant strings
 * only, never from the caller's text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "schema.h"
#include "store_sqlite.h"

/* Columns in one exported row; the widest table has 10. */
#define EXPORT_COLS_MAX	16

int
sq_log_add(struct store_drv *d, int64_t tid, int64_t at, const char *kind,
    const char *detail, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_LOG_ADD, "INSERT INTO log (tenant_id, at,"
	    " kind, detail) SELECT ?1, ?2, ?3, ?4 WHERE ?1 = 0 OR"
	    " EXISTS (SELECT 1 FROM tenants WHERE id = ?1)", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, at);
	sq_bind_text(s, 3, kind);
	sq_bind_text(s, 4, detail);
	if (sq_done(d, s, "log: insert", err) == -1)
		return -1;
	if (sqlite3_changes(d->db) == 0)
		return err_set(err, ERR_USAGE, "store: log: tenant %" PRId64
		    ": no such tenant", tid);
	return 0;
}

int
sq_log_purge(struct store_drv *d, int64_t before, int64_t *n_out,
    struct err *err)
{
	sqlite3_stmt	*s;

	/* Every tenant's entries, by age alone: the retention. */
	if ((s = sq_prep(d, SQ_LOG_PURGE, "DELETE FROM log WHERE at < ?1",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, before);
	if (sq_done(d, s, "log: purge", err) == -1)
		return -1;
	*n_out = sqlite3_changes64(d->db);
	return 0;
}

int
sq_log_scan(struct store_drv *d, int64_t tid, store_log_cb cb, void *arg,
    struct err *err)
{
	sqlite3_stmt		*s;
	struct store_log_entry	 e;
	int			 rc = SQLITE_DONE, r = 0;

	if ((s = sq_prep(d, SQ_LOG_SCAN, "SELECT id, at, kind, detail"
	    " FROM log WHERE tenant_id = ?1 ORDER BY id", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(s, 0);
		e.tid = tid;
		e.at = sqlite3_column_int64(s, 1);
		e.kind = (const char *)sqlite3_column_text(s, 2);
		e.detail = (const char *)sqlite3_column_text(s, 3);
		r = sq_cb_result(cb(arg, &e, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "log: read", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}

static void
export_value(sqlite3_stmt *s, int i, struct store_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		v->type = STORE_NULL;
		break;
	case SQLITE_TEXT:
		v->type = STORE_TEXT;
		v->p = sqlite3_column_text(s, i);
		v->len = (size_t)sqlite3_column_bytes(s, i);
		break;
	case SQLITE_BLOB:
		v->type = STORE_BLOB;
		v->p = sqlite3_column_blob(s, i);
		v->len = (size_t)sqlite3_column_bytes(s, i);
		break;
	default:
		/* The schema has no REAL column: integers only. */
		v->type = STORE_INT;
		v->i = sqlite3_column_int64(s, i);
		break;
	}
}

static int
export_rows(struct store_drv *d, sqlite3_stmt *s, store_export_cb cb,
    void *arg, struct err *err)
{
	const char		*names[EXPORT_COLS_MAX];
	struct store_value	 vals[EXPORT_COLS_MAX];
	int			 ncols = sqlite3_column_count(s);
	int			 rc = SQLITE_DONE, r = 0;

	RT_ASSERT(ncols > 0 && ncols <= EXPORT_COLS_MAX);
	for (int i = 0; i < ncols; i++)
		names[i] = sqlite3_column_name(s, i);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			export_value(s, i, &vals[i]);
		r = sq_cb_result(cb(arg, (size_t)ncols, names, vals, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail(d, "export: read", err);
	return r < 0 ? -1 : 0;
}

int
sq_export_scan(struct store_drv *d, int64_t tid, const char *table,
    store_export_cb cb, void *arg, struct err *err)
{
	const struct schema_table	*t;
	struct buf			 sql;
	sqlite3_stmt			*s;
	int				 rc;

	if ((t = schema_table_find(table)) == NULL)
		return err_set(err, ERR_USAGE, "store: export: no table of "
		    "that name");
	if (t->since > d->version)
		return err_set(err, ERR_USAGE, "store: export: table %s needs "
		    "schema version %d", t->name, t->since);
	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT ");
	buf_puts(&sql, t->cols);
	buf_puts(&sql, " FROM ");
	buf_puts(&sql, t->name);
	buf_puts(&sql, " WHERE ");
	buf_puts(&sql, t->tenant_col);
	buf_puts(&sql, " = ?1 ORDER BY ");
	buf_puts(&sql, t->order);
	rc = sqlite3_prepare_v2(d->db, sql.data, -1, &s, NULL);
	buf_free(&sql);
	if (rc != SQLITE_OK)
		return sq_fail(d, "export: prepare", err);
	sq_bind_i64(s, 1, tid);
	rc = export_rows(d, s, cb, arg, err);
	sqlite3_finalize(s);
	return rc;
}
