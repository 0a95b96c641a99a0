/*
 * store_sqlite_util.c: the helpers every file of the SQLite driver uses
 * (store_sqlite.h): kept statements, errors, binding and reading
 * columns, the callback rule of scans, and atomic operations inside or
 * outside the caller's transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "store_sqlite.h"

sqlite3_stmt *
sq_prep(struct store_drv *d, enum sq_stmt which, const char *sql,
    struct err *err)
{
	if (d->stmt[which] != NULL)
		return d->stmt[which];
	if (sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &d->stmt[which], NULL) != SQLITE_OK) {
		d->stmt[which] = NULL;
		sq_fail(d, "prepare", err);
		return NULL;
	}
	return d->stmt[which];
}

/*
 * Fills err from the connection's last error.  SQLite's messages name
 * tables, columns and constraints, never the values of a row.
 */
int
sq_fail(struct store_drv *d, const char *what, struct err *err)
{
	int	rc = sqlite3_extended_errcode(d->db);

	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(err, ERR_USAGE, "store: %s: refers to a "
		    "tenant, mailbox or source that does not exist or belongs "
		    "to another tenant", what);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return err_set(err, ERR_USAGE, "store: %s: %s", what,
		    sqlite3_errmsg(d->db));
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return err_set(err, ERR_IO, "store: %s: the database is "
		    "locked by another writer", what);
	return err_set(err, ERR_IO, "store: %s: %s", what,
	    sqlite3_errmsg(d->db));
}

int
sq_fail_reset(struct store_drv *d, sqlite3_stmt *s, const char *what,
    struct err *err)
{
	sq_fail(d, what, err);
	sqlite3_reset(s);
	return -1;
}

/* Steps s, which must return no row, and resets it. */
int
sq_done(struct store_drv *d, sqlite3_stmt *s, const char *what,
    struct err *err)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		return sq_fail_reset(d, s, what, err);
	sqlite3_reset(s);
	return 0;
}

int
sq_exec(struct store_drv *d, const char *sql, const char *what,
    struct err *err)
{
	if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(d, what, err);
	return 0;
}

/* Binding fails only for a bad index or size: a bug here. */
void
sq_bind_i64(sqlite3_stmt *s, int i, int64_t v)
{
	if (sqlite3_bind_int64(s, i, v) != SQLITE_OK)
		rt_fatal("store: bind %d", i);
}

/* An optional reference: 0 is NULL. */
void
sq_bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if ((id == 0 ? sqlite3_bind_null(s, i) :
	    sqlite3_bind_int64(s, i, id)) != SQLITE_OK)
		rt_fatal("store: bind %d", i);
}

/* A time that may be unknown: STORE_NO_TIME is NULL. */
void
sq_bind_time(sqlite3_stmt *s, int i, int64_t t)
{
	if ((t == STORE_NO_TIME ? sqlite3_bind_null(s, i) :
	    sqlite3_bind_int64(s, i, t)) != SQLITE_OK)
		rt_fatal("store: bind %d", i);
}

void
sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) != SQLITE_OK)
		rt_fatal("store: bind %d", i);
}

/* A NOT NULL blob: an empty one is bound as an empty blob, not NULL. */
void
sq_bind_blob(sqlite3_stmt *s, int i, const void *p, size_t len)
{
	if (sqlite3_bind_blob64(s, i, p != NULL ? p : "", len,
	    SQLITE_STATIC) != SQLITE_OK)
		rt_fatal("store: bind %d", i);
}

void
sq_bind_blob_or_null(sqlite3_stmt *s, int i, const void *p, size_t len)
{
	if (p == NULL) {
		if (sqlite3_bind_null(s, i) != SQLITE_OK)
			rt_fatal("store: bind %d", i);
		return;
	}
	sq_bind_blob(s, i, p, len);
}

int64_t
sq_col_time(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return STORE_NO_TIME;
	return sqlite3_column_int64(s, i);
}

/* The schema checks a blind index is 16 bytes; a short one reads as 0s. */
void
sq_col_bi(sqlite3_stmt *s, int i, unsigned char *out)
{
	const void	*p = sqlite3_column_blob(s, i);
	int		 n = sqlite3_column_bytes(s, i);

	memset(out, 0, STORE_BI_LEN);
	if (p != NULL)
		memcpy(out, p, n < STORE_BI_LEN ? (size_t)n : STORE_BI_LEN);
}

/* A copy of a blob column (NULL for SQL NULL); the caller frees it. */
void *
sq_col_dup(sqlite3_stmt *s, int i, size_t *len_out)
{
	const void	*p;
	size_t		 n;
	void		*q;

	*len_out = 0;
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	p = sqlite3_column_blob(s, i);
	n = (size_t)sqlite3_column_bytes(s, i);
	q = xmalloc(n);
	if (n > 0)
		memcpy(q, p, n);
	*len_out = n;
	return q;
}

/* What a scan does after its callback returned r: 0 on, 1 stop, -1 fail. */
int
sq_cb_result(int r, struct err *err)
{
	if (r < 0) {
		if (err != NULL && err->code == ERR_NONE)
			err_set(err, ERR_USAGE,
			    "store: scan stopped by its callback");
		return -1;
	}
	return r > 0;
}

/*
 * Runs what follows atomically: in a transaction of its own, or, inside
 * the caller's, in a savepoint, so a failure undoes only this operation
 * and leaves the caller's transaction usable.
 */
int
sq_tx_enter(struct store_drv *d, int *own_out, struct err *err)
{
	*own_out = sqlite3_get_autocommit(d->db) != 0;
	return sq_exec(d, *own_out ? "BEGIN IMMEDIATE" : "SAVEPOINT sq_op",
	    "begin", err);
}

/* Commits if ok and returns 0; else undoes and returns -1 (err is the
 * caller's, or the commit's). */
int
sq_tx_leave(struct store_drv *d, int own, int ok, struct err *err)
{
	struct err	ignored;

	if (ok) {
		if (sq_exec(d, own ? "COMMIT" : "RELEASE sq_op", "commit",
		    err) == 0)
			return 0;
	}
	if (own) {
		if (!sqlite3_get_autocommit(d->db))
			sq_exec(d, "ROLLBACK", "rollback", &ignored);
	} else
		sq_exec(d, "ROLLBACK TO sq_op; RELEASE sq_op", "rollback",
		    &ignored);
	return -1;
}
