/*
 * store_sqlite.c: the SQLite driver of the store: the connection, the
 * schema migrations, transactions, backups, the meta table and the ops
 * table (the other store_sqlite_*.c files hold the rest).
 *
 * The database is one file in WAL mode, so readers (a report) never wait
 * for a writer (an import) and a crash loses at most the transaction in
 * progress.  synchronous=FULL makes every commit durable: imports commit
 * in large batches, so the one fsync per commit costs little.
 * secure_delete=ON overwrites deleted content, so an erased tenant's
 * blobs do not linger in free pages of the file.
 *
 * Opening brings the schema up to date inside one immediate transaction:
 * two programs opening a new database at once serialise on the write
 * lock, and the second finds the work done.  The version lives in the
 * meta table; a database newer than the program is refused untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/xmalloc.h"
#include "schema.h"
#include "store_sqlite.h"

static int	sq_meta_get(struct store_drv *d, const char *key,
		    char **value_out, struct err *err);
static int	sq_meta_put(struct store_drv *d, const char *key,
		    const char *value, struct err *err);

/*
 * Page cache per connection, KiB: room for the pages an import keeps
 * coming back to (the right edges of the message indexes, the addresses,
 * a transaction's dirty pages).  Written message pages are not read
 * again; a larger cache only grows the process by fresh pages that the
 * kernel must fault in and zero: 32 MiB cost an import of 20 MB about a
 * tenth of its system time.
 */
#define SQ_CACHE_KIB	4096

/*
 * Page size of a new database (an existing one keeps its own).  Rows are
 * about 1 KB; 16 KiB pages write the same bytes in a quarter of the
 * pages, and the WAL and checkpoint cost is mostly per page: an import
 * runs about 15% faster than with the default 4 KiB.
 */
#define SQ_PAGE_SIZE	16384

/* Reads one integer from sql (a single row, single column query). */
static int
sq_query_i64(struct store_drv *d, const char *sql, int64_t *v_out,
    struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
		return sq_fail(d, "read", err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*v_out = sqlite3_column_int64(s, 0);
	else
		sq_fail(d, "read", err);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The schema version of the open database: 0 if it is empty. */
static int
sq_read_version(struct store_drv *d, int *version_out, struct err *err)
{
	int64_t	 n = 0;
	char	*v = NULL, *end;
	long long x;

	*version_out = 0;
	if (sq_query_i64(d, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name = 'meta'", &n, err) == -1)
		return err_prefix(err, "%s: ", d->path);
	if (n == 0) {
		if (sq_query_i64(d, "SELECT count(*) FROM sqlite_master",
		    &n, err) == -1)
			return err_prefix(err, "%s: ", d->path);
		if (n != 0)
			return err_set(err, ERR_USAGE, "%s: not a replytime "
			    "database (it holds other tables)", d->path);
		return 0;
	}
	switch (sq_meta_get(d, "schema_version", &v, err)) {
	case -1:
		return err_prefix(err, "%s: ", d->path);
	case 1:
		return err_set(err, ERR_USAGE, "%s: not a replytime database "
		    "(no schema version)", d->path);
	}
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || x < 1 || x > 1000000) {
		free(v);
		return err_set(err, ERR_USAGE, "%s: not a replytime database "
		    "(bad schema version)", d->path);
	}
	free(v);
	*version_out = (int)x;
	return 0;
}

static int
sq_migrate_steps(struct store_drv *d, int max_version, int64_t now,
    struct err *err)
{
	char	 v[32];
	int	 from;

	if (sq_read_version(d, &from, err) == -1)
		return -1;
	if (from > max_version)
		return err_set(err, ERR_UNSUPPORTED, "%s: schema version %d "
		    "was made by a newer replytime (this one knows up to %d)",
		    d->path, from, max_version);
	d->version = from;
	if (from == max_version)
		return 0;
	for (size_t i = 0; i < schema_nsteps; i++) {
		if (schema_steps[i].version <= from ||
		    schema_steps[i].version > max_version)
			continue;
		if (sq_exec(d, schema_steps[i].sql, "schema", err) == -1)
			return err_prefix(err, "%s: schema step %d (%s): ",
			    d->path, schema_steps[i].version,
			    schema_steps[i].what);
		d->version = schema_steps[i].version;
	}
	snprintf(v, sizeof(v), "%d", d->version);
	if (sq_meta_put(d, "schema_version", v, err) == -1)
		return err_prefix(err, "%s: ", d->path);
	if (from == 0) {
		snprintf(v, sizeof(v), "%" PRId64, now);
		if (sq_meta_put(d, "created_at", v, err) == -1)
			return err_prefix(err, "%s: ", d->path);
	}
	return 0;
}

static int
sq_migrate(struct store_drv *d, int max_version, int64_t now,
    struct err *err)
{
	struct err	ignored;

	if (sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		sq_fail(d, "begin", err);
		return err_prefix(err, "%s: ", d->path);
	}
	if (sq_migrate_steps(d, max_version, now, err) == -1) {
		sq_exec(d, "ROLLBACK", "rollback", &ignored);
		return -1;
	}
	if (sq_exec(d, "COMMIT", "commit", err) == -1) {
		sq_exec(d, "ROLLBACK", "rollback", &ignored);
		return err_prefix(err, "%s: ", d->path);
	}
	return 0;
}

/* Runs one pragma, checking the value it returns if want is not NULL. */
static int
sq_pragma(struct store_drv *d, const char *sql, const char *want,
    struct err *err)
{
	sqlite3_stmt	*s;
	const char	*got;
	int		 rc, ok;

	if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
		return err_set(err, ERR_IO, "cannot open the database: %s",
		    sqlite3_errmsg(d->db));
	rc = sqlite3_step(s);
	got = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) :
	    NULL;
	ok = want == NULL || (got != NULL && strcmp(got, want) == 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err_set(err, ERR_IO, "cannot open the database: %s",
		    sqlite3_errmsg(d->db));
	else if (!ok)
		err_set(err, ERR_IO, "cannot open the database: %s did not "
		    "take", sql);
	sqlite3_finalize(s);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) && ok ? 0 : -1;
}

static void
sq_close(struct store_drv *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < SQ_NSTMT; i++)
		sqlite3_finalize(d->stmt[i]);
	if (d->db != NULL) {
		if (!sqlite3_get_autocommit(d->db))
			sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(d->db);
	}
	free(d->path);
	free(d);
}

/* Creates path (mode 0600) if it is missing; *created_out says if so. */
static int
sq_create_file(const char *path, int *created_out, struct err *err)
{
	struct stat	sb;
	int		fd;

	*created_out = 0;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return err_set(err, ERR_IO, "%s: is a directory", path);
		return 0;
	}
	if (errno != ENOENT)
		return err_set_errno(err, ERR_IO, "%s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		return err_set_errno(err, ERR_IO,
		    "%s: cannot create the database", path);
	}
	close(fd);
	*created_out = 1;
	return 0;
}

static int
sq_setup(struct store_drv *d, struct err *err)
{
	char	sql[64];

	sqlite3_extended_result_codes(d->db, 1);
	sqlite3_busy_timeout(d->db, STORE_BUSY_MS);
	/* journal_mode is the first read of the file: it finds non-databases;
	 * the page size must come before it (WAL fixes the page size). */
	snprintf(sql, sizeof(sql), "PRAGMA page_size = %d", SQ_PAGE_SIZE);
	if (sq_pragma(d, sql, NULL, err) == -1)
		return err_prefix(err, "%s: ", d->path);
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", SQ_CACHE_KIB);
	if (sq_pragma(d, "PRAGMA journal_mode = WAL", "wal", err) == -1 ||
	    sq_pragma(d, "PRAGMA foreign_keys = ON", NULL, err) == -1 ||
	    sq_pragma(d, "PRAGMA foreign_keys", "1", err) == -1 ||
	    sq_pragma(d, "PRAGMA synchronous = FULL", NULL, err) == -1 ||
	    sq_pragma(d, "PRAGMA secure_delete = ON", NULL, err) == -1 ||
	    sq_pragma(d, sql, NULL, err) == -1)
		return err_prefix(err, "%s: ", d->path);
	return 0;
}

/*
 * Before SQLite's first use in the process: no memory statistics, which
 * take a global mutex on every allocation and page (a few percent of an
 * import).  If SQLite was already started elsewhere this is refused,
 * harmlessly.
 */
static void
sq_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int
sq_open(const char *path, int max_version, int64_t now,
    struct store_drv **out, struct err *err)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;
	struct store_drv	*d;
	int			 created, rc;

	*out = NULL;
	(void)pthread_once(&once, sq_configure);
	if (sq_create_file(path, &created, err) == -1)
		return -1;
	d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ERR_IO, "%s: cannot open the database: %s", path,
		    d->db != NULL ? sqlite3_errmsg(d->db) : "out of memory");
		goto fail;
	}
	if (sq_setup(d, err) == -1 || sq_migrate(d, max_version, now,
	    err) == -1)
		goto fail;
	*out = d;
	return 0;

fail:
	sq_close(d);
	if (created) {
		/* Leave nothing behind when a new database did not start. */
		char	*side = xasprintf("%s-wal", path);

		unlink(side);
		free(side);
		side = xasprintf("%s-shm", path);
		unlink(side);
		free(side);
		unlink(path);
	}
	return -1;
}

static int
sq_version(struct store_drv *d)
{
	return d->version;
}

static int
sq_begin(struct store_drv *d, struct err *err)
{
	if (!sqlite3_get_autocommit(d->db))
		return err_set(err, ERR_USAGE,
		    "store: begin: a transaction is already open");
	return sq_exec(d, "BEGIN IMMEDIATE", "begin", err);
}

static int
sq_commit(struct store_drv *d, struct err *err)
{
	struct err	ignored;

	if (sqlite3_get_autocommit(d->db))
		return err_set(err, ERR_USAGE,
		    "store: commit: no transaction is open");
	if (sq_exec(d, "COMMIT", "commit", err) == -1) {
		/* Never leave a half-failed transaction open. */
		if (!sqlite3_get_autocommit(d->db))
			sq_exec(d, "ROLLBACK", "rollback", &ignored);
		return -1;
	}
	return 0;
}

/* A rollback with no transaction open is a no-op, for error paths. */
static int
sq_rollback(struct store_drv *d, struct err *err)
{
	if (sqlite3_get_autocommit(d->db))
		return 0;
	return sq_exec(d, "ROLLBACK", "rollback", err);
}

static int
sq_backup_copy(struct store_drv *d, sqlite3 *dst, struct err *err)
{
	sqlite3_backup	*b;
	int		 rc, waited = 0;

	if ((b = sqlite3_backup_init(dst, "main", d->db, "main")) == NULL)
		return err_set(err, ERR_IO, "store: backup: %s",
		    sqlite3_errmsg(dst));
	/* One step of all pages: the copy is one snapshot of the source. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		if (waited >= STORE_BUSY_MS)
			break;
		sqlite3_sleep(50);
		waited += 50;
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return err_set(err, ERR_IO, "store: backup: %s",
		    sqlite3_errstr(rc));
	/* A rollback-journal file stands alone, even on read-only media. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK)
		return err_set(err, ERR_IO, "store: backup: %s",
		    sqlite3_errmsg(dst));
	return 0;
}

static int
sq_backup_to(struct store_drv *d, const char *path, struct err *err)
{
	sqlite3	*dst = NULL;
	int	 fd, rc;

	if (!sqlite3_get_autocommit(d->db))
		return err_set(err, ERR_USAGE,
		    "store: backup: a transaction is open");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return err_set_errno(err, ERR_IO,
		    "%s: cannot create the backup", path);
	close(fd);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK)
		err_set(err, ERR_IO, "store: backup: %s", dst != NULL ?
		    sqlite3_errmsg(dst) : "out of memory");
	else if (sq_backup_copy(d, dst, err) == -1)
		rc = SQLITE_ERROR;
	if (sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_OK) {
		err_set(err, ERR_IO, "store: backup: cannot close the copy");
		rc = SQLITE_ERROR;
	}
	if (rc != SQLITE_OK) {
		unlink(path);
		return err_prefix(err, "%s: ", path);
	}
	return 0;
}

static int
sq_meta_get(struct store_drv *d, const char *key, char **value_out,
    struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	*value_out = NULL;
	if ((s = sq_prep(d, SQ_META_GET,
	    "SELECT value FROM meta WHERE key = ?1", err)) == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value_out = xstrdup((const char *)sqlite3_column_text(s, 0));
	else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "meta: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

static int
sq_meta_put(struct store_drv *d, const char *key, const char *value,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_META_PUT,
	    "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    err)) == NULL)
		return -1;
	sq_bind_text(s, 1, key);
	sq_bind_text(s, 2, value);
	return sq_done(d, s, "meta: write", err);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.version = sq_version,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.backup_to = sq_backup_to,
	.meta_get = sq_meta_get,
	.meta_put = sq_meta_put,
	.tenant_create = sq_tenant_create,
	.tenant_get = sq_tenant_get,
	.tenant_list = sq_tenant_list,
	.tenant_set_key = sq_tenant_set_key,
	.tenant_terminate = sq_tenant_terminate,
	.tenant_erase = sq_tenant_erase,
	.settings_put = sq_settings_put,
	.settings_get = sq_settings_get,
	.mailbox_put = sq_mailbox_put,
	.mailbox_set_sync = sq_mailbox_set_sync,
	.mailbox_list = sq_mailbox_list,
	.source_get = sq_source_get,
	.source_put = sq_source_put,
	.msg_put = sq_msg_put,
	.msg_scan = sq_msg_scan,
	.msg_count = sq_msg_count,
	.addr_put = sq_addr_put,
	.addr_scan = sq_addr_scan,
	.log_add = sq_log_add,
	.log_purge = sq_log_purge,
	.log_scan = sq_log_scan,
	.export_scan = sq_export_scan,
	.acct = &store_sqlite_acct_ops,
	.mailbox_set_status = sq_mailbox_set_status,
	.mailbox_get_status = sq_mailbox_get_status,
	.msg_delete_range = sq_msg_delete_range,
	.data_gen = sq_data_gen,
	.mbx = &store_sqlite_mbx_ops,
};
