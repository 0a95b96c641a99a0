/*
 * test_store.c: the store and its SQLite driver.
 *
 * Every case works in a fresh temporary directory.  Where a case must see
 * the database as it really is (tenant isolation, migrations), it reads
 * the file through a second, raw SQLite connection rather than through
 * the store under test, so a bug in a scan cannot hide a bug in a write.
 *
 * RT_STORE_BENCH_ROWS sets the size of the timing case (default 1M).
 */
#include <dirent.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/str.h"
#include "base/xmalloc.h"
#include "store/schema.h"
#include "store/store.h"
#include "t.h"

#define NTABLES	7

static char	tmpdir[64];

static const char *const raw_tables[NTABLES] = {
	"tenants", "settings", "mailboxes", "sources", "messages",
	"addresses", "log",
};

/* A fresh temporary directory; the returned path is static. */
static const char *
dir_new(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return tmpdir;
}

static void
dir_free(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[512];

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

static char *
path_in(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static struct store *
open_new(const char *name, char **path_out)
{
	struct store	*st = NULL;
	struct err	 err;
	char		*path = path_in(name);

	if (store_open(path, &st, &err) == -1) {
		fprintf(stderr, "# store_open: %s\n", err.msg);
		exit(1);
	}
	if (path_out != NULL)
		*path_out = path;
	else
		free(path);
	return st;
}

static void
bi_make(unsigned char bi[STORE_BI_LEN], int n)
{
	memset(bi, 0, STORE_BI_LEN);
	for (int i = 0; i < STORE_BI_LEN; i++)
		bi[i] = (unsigned char)(n * 31 + i);
}

static int64_t
tenant_new(struct store *st, const char *name)
{
	struct err	err;
	int64_t		id = 0;

	if (store_tenant_create(st, name, "wrapped", 7, 1000, &id,
	    &err) == -1)
		fprintf(stderr, "# tenant_create: %s\n", err.msg);
	return id;
}

/* ---- a raw view of the file, for checks the store cannot fake ---- */

struct raw_view {
	int64_t		count[NTABLES];
	uint64_t	hash;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

/* Counts and a digest of every row of tenant tid, read without the store. */
static struct raw_view
raw_view(const char *path, int64_t tid)
{
	struct raw_view	 v;
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*sql;

	memset(&v, 0, sizeof(v));
	v.hash = 0xcbf29ce484222325ULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "# raw open failed\n");
		exit(1);
	}
	for (int t = 0; t < NTABLES; t++) {
		sql = xasprintf("SELECT * FROM %s WHERE %s = ?1 ORDER BY 1, 2",
		    raw_tables[t], t == 0 ? "id" : "tenant_id");
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
			fprintf(stderr, "# raw: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		free(sql);
		sqlite3_bind_int64(s, 1, tid);
		while (sqlite3_step(s) == SQLITE_ROW) {
			v.count[t]++;
			for (int c = 0; c < sqlite3_column_count(s); c++) {
				int	type = sqlite3_column_type(s, c);
				int	n = sqlite3_column_bytes(s, c);

				v.hash = fnv(v.hash, &type, sizeof(type));
				if (type == SQLITE_BLOB && n > 0)
					v.hash = fnv(v.hash,
					    sqlite3_column_blob(s, c), n);
				else if (type != SQLITE_NULL)
					v.hash = fnv(v.hash,
					    sqlite3_column_text(s, c), n);
			}
		}
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

static int
view_eq(const struct raw_view *a, const struct raw_view *b)
{
	return memcmp(a->count, b->count, sizeof(a->count)) == 0 &&
	    a->hash == b->hash;
}

static int64_t
raw_count(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		fprintf(stderr, "# raw: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "# raw exec: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* ---- filling a tenant with rows in every table ---- */

struct filled {
	int64_t		mailbox[2];
	int64_t		source[2];
};

/*
 * Puts rows for tid in every table.  The blind indexes are the same for
 * every tenant on purpose: uniqueness must be per tenant.  The blobs
 * carry tag, so a row read back shows whose it is.
 */
static void
fill(struct store *st, int64_t tid, char tag, struct filled *f)
{
	struct err		err;
	struct store_msg	m;
	unsigned char		bi[STORE_BI_LEN];
	char			blob[64], dk[32];
	int			ok = 1;

	memset(blob, tag, sizeof(blob));
	memset(dk, tag, sizeof(dk));
	ok &= store_settings_put(st, tid, blob, 10, 2000, &err) == 0;
	for (int i = 0; i < 2; i++) {
		bi_make(bi, 100 + i);
		ok &= store_mailbox_put(st, tid, bi, blob, 20, i ? "imap" :
		    "file", 2000, &f->mailbox[i], &err) == 0;
		bi_make(bi, 200 + i);
		ok &= store_source_put(st, tid, bi, i ? f->mailbox[0] : 0,
		    4000 * (i + 1), blob, 8, 2000, &f->source[i], &err) == 0;
	}
	for (int i = 0; i < 5; i++) {
		memset(&m, 0, sizeof(m));
		m.tid = tid;
		m.mailbox_id = i % 2 ? f->mailbox[1] : 0;
		m.source_id = f->source[i % 2];
		m.pos = 100 * i;
		m.date = i == 3 ? STORE_NO_TIME : 1700000000 + i;
		m.received = 1700000100 + i;
		m.flags = (uint32_t)i;
		m.keys = blob;
		m.keys_len = 48;
		m.sealed = blob;
		m.sealed_len = 60;
		ok &= store_msg_put(st, &m, NULL, &err) == 0;
	}
	for (int i = 0; i < 3; i++) {
		bi_make(bi, 300 + i);
		ok &= store_addr_put(st, tid, bi, dk, 32, blob, 30, &err) == 0;
	}
	ok &= store_log_add(st, tid, 3000, "import", "5 messages", &err) == 0;
	ok &= store_log_add(st, tid, 5000, "export", "csv", &err) == 0;
	ok &= store_log_add(st, tid, 7000, "import", "0 messages", &err) == 0;
	t_ok(ok, "fill tenant %" PRId64 ": %s", tid, ok ? "" : err.msg);
}

/* ---- scan callbacks that check what they are given ---- */

struct seen {
	int64_t		 tid;		/* every row must carry it */
	char		 tag;		/* and its blobs this byte */
	int64_t		 n;
	int64_t		 bad;
	int64_t		 last_seq;
	int64_t		 stop_at;	/* > 0: return stop_rc at row n */
	int		 stop_rc;
	struct store	*st;		/* set: try to call back in */
	int		 reentry_refused;
};

static void
seen_blob(struct seen *s, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const char *)p)[i] != s->tag)
			s->bad++;
}

static int
seen_row(struct seen *s, int64_t tid, struct err *err)
{
	s->n++;
	if (tid != s->tid)
		s->bad++;
	if (s->st != NULL) {
		int64_t	n;

		if (store_msg_count(s->st, s->tid, &n, err) == -1 &&
		    err->code == ERR_USAGE)
			s->reentry_refused = 1;
	}
	if (s->stop_at > 0 && s->n == s->stop_at) {
		if (s->stop_rc < 0)
			err_set(err, ERR_USAGE, "test stop");
		return s->stop_rc;
	}
	return 0;
}

static int
seen_msg(void *arg, const struct store_msg *m, struct err *err)
{
	struct seen	*s = arg;

	if (m->seq <= s->last_seq)
		s->bad++;
	s->last_seq = m->seq;
	if (s->tag != 0) {
		seen_blob(s, m->keys, m->keys_len);
		seen_blob(s, m->sealed, m->sealed_len);
	}
	return seen_row(s, m->tid, err);
}

static int
seen_addr(void *arg, const struct store_addr *a, struct err *err)
{
	struct seen	*s = arg;

	seen_blob(s, a->domain_keys, a->domain_keys_len);
	seen_blob(s, a->sealed, a->sealed_len);
	return seen_row(s, a->tid, err);
}

static int
seen_mailbox(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct seen	*s = arg;

	seen_blob(s, mb->sealed, mb->sealed_len);
	return seen_row(s, mb->tid, err);
}

static int
seen_log(void *arg, const struct store_log_entry *e, struct err *err)
{
	return seen_row(arg, e->tid, err);
}

/* Export rows: the tenant column (tenant_id, or id of tenants). */
static int
seen_export(void *arg, size_t ncols, const char *const *names,
    const struct store_value *vals, struct err *err)
{
	struct seen	*s = arg;
	int64_t		 tid = -1;

	for (size_t i = 0; i < ncols; i++)
		if (strcmp(names[i], "tenant_id") == 0 ||
		    (tid == -1 && strcmp(names[i], "id") == 0))
			tid = vals[i].type == STORE_INT ? vals[i].i : -2;
	return seen_row(s, tid, err);
}

/* ---- cases ---- */

static void
test_schema_render(void)
{
	for (size_t i = 0; i < schema_nsteps; i++) {
		char	*pg = schema_sql_render(schema_steps[i].sql,
		    SCHEMA_POSTGRES);
		char	*lite = schema_sql_render(schema_steps[i].sql,
		    SCHEMA_SQLITE);

		t_ok(strstr(pg, "BLOB") == NULL, "step %zu: no BLOB", i);
		t_ok(strstr(pg, "AUTOINCREMENT") == NULL &&
		    strstr(pg, "INTEGER") == NULL, "step %zu: no rowid id", i);
		t_ok(strstr(pg, "BYTEA") != NULL ||
		    strstr(lite, "BLOB") == NULL, "step %zu: BYTEA", i);
		t_ok(strcmp(lite, schema_steps[i].sql) == 0,
		    "step %zu: SQLite text unchanged", i);
		t_eq_i64(schema_steps[i].version, (int64_t)i + 1,
		    "step %zu: version", i);
		free(pg);
		free(lite);
	}
	t_eq_i64(store_version_current(), SCHEMA_VERSION, "current");
	t_eq_i64(schema_steps[schema_nsteps - 1].version, SCHEMA_VERSION,
	    "the last step");
	t_ok(schema_table_find("messages") != NULL, "whitelisted");
	t_ok(schema_table_find("sqlite_master") == NULL, "not whitelisted");
	for (const char *const *n = store_table_names(); *n != NULL; n++)
		t_ok(schema_table_find(*n) != NULL, "%s exportable", *n);
}

static void
test_open_create(void)
{
	struct store	*st;
	struct stat	 sb;
	struct err	 err;
	char		*path, *v = NULL;

	dir_new();
	st = open_new("rt.db", &path);
	t_eq_i64(store_version(st), SCHEMA_VERSION, "version");
	t_eq_i64(store_meta_get(st, "created_at", &v, &err), 0, "created_at");
	t_ok(v != NULL && strtoll(v, NULL, 10) > 1600000000, "a time");
	free(v);
	t_ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode 0600");
	t_eq_i64(raw_count(path, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'wal'"), 1, "WAL");
	store_close(st);
	/* Reopening an up-to-date database changes nothing. */
	st = open_new("rt.db", NULL);
	t_eq_i64(store_version(st), SCHEMA_VERSION, "reopen");
	store_close(st);
	store_close(NULL);
	free(path);
	dir_free();
}

static void
test_open_errors(void)
{
	struct store	*st = NULL;
	struct stat	 sb;
	struct err	 err;
	char		*path;
	FILE		*fp;

	dir_new();
	path = path_in("missing/rt.db");
	t_eq_i64(store_open(path, &st, &err), -1, "missing directory");
	t_eq_i64(err.code, ERR_IO, "io");
	t_ok(strstr(err.msg, path) != NULL && strstr(err.msg,
	    "No such file or directory") != NULL, "names it: %s", err.msg);
	t_ok(st == NULL, "no store");
	free(path);

	path = path_in("junk.db");
	fp = fopen(path, "w");
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database at all\n", fp);
	fclose(fp);
	t_eq_i64(store_open(path, &st, &err), -1, "not a database");
	t_ok(strstr(err.msg, path) != NULL &&
	    strstr(err.msg, "not a database") != NULL, "says so: %s", err.msg);
	t_ok(stat(path, &sb) == 0 && sb.st_size == 200 * 38, "left as it was");
	free(path);

	t_eq_i64(store_open(tmpdir, &st, &err), -1, "a directory");
	t_ok(strstr(err.msg, "is a directory") != NULL, "%s", err.msg);

	path = path_in("other.db");
	raw_exec(path, "CREATE TABLE t (x)");
	t_eq_i64(store_open(path, &st, &err), -1, "another program's db");
	t_ok(strstr(err.msg, "not a replytime database") != NULL, "%s",
	    err.msg);
	free(path);

	path = path_in("rt.db");
	t_eq_i64(store_open_at_version(path, 0, &st, &err), -1, "version 0");
	t_eq_i64(store_open_at_version(path, SCHEMA_VERSION + 1, &st, &err),
	    -1, "version past current");
	t_eq_i64(access(path, F_OK), -1, "nothing created");
	free(path);
	dir_free();
}

static void
test_future_version(void)
{
	struct store	*st;
	struct err	 err;
	char		*path, *sql;

	dir_new();
	st = open_new("rt.db", &path);
	tenant_new(st, "acme");
	store_close(st);

	/* A database of this version is newer than a version-1 program. */
	t_eq_i64(store_open_at_version(path, 1, &st, &err), -1,
	    "v2 refused by v1");
	t_eq_i64(err.code, ERR_UNSUPPORTED, "unsupported");

	sql = xasprintf("UPDATE meta SET value = '%d' WHERE key = "
	    "'schema_version'", SCHEMA_VERSION + 1);
	raw_exec(path, sql);
	free(sql);
	t_eq_i64(store_open(path, &st, &err), -1, "future refused");
	t_eq_i64(err.code, ERR_UNSUPPORTED, "unsupported");
	t_ok(strstr(err.msg, "newer replytime") != NULL && strstr(err.msg,
	    path) != NULL, "%s", err.msg);
	t_eq_i64(raw_count(path, "SELECT count(*) FROM tenants"), 1,
	    "left untouched");

	raw_exec(path, "UPDATE meta SET value = 'x' WHERE key = "
	    "'schema_version'");
	t_eq_i64(store_open(path, &st, &err), -1, "bad version refused");
	t_ok(strstr(err.msg, "bad schema version") != NULL, "%s", err.msg);
	free(path);
	dir_free();
}

static int
count_msg(void *arg, const struct store_msg *m, struct err *err)
{
	struct seen	*s = arg;

	(void)err;
	s->n++;
	if (m->keys_len != 48 || m->sealed_len != 60 || m->pos != 100 *
	    (s->n - 1) || (m->date == STORE_NO_TIME) != (s->n == 4))
		s->bad++;
	return 0;
}

static void
test_migrate_v1(void)
{
	struct store		*st;
	struct store_source	 src;
	struct store_msg	 m;
	struct store_tenant	 t;
	struct filled		 f;
	struct seen		 seen;
	struct err		 err;
	unsigned char		 bi[STORE_BI_LEN];
	char			*path = NULL, blob[64];
	int64_t			 tid, n, sid;

	dir_new();
	path = path_in("old.db");
	t_eq_i64(store_open_at_version(path, 1, &st, &err), 0, "create v1");
	t_eq_i64(store_version(st), 1, "at v1");
	tid = tenant_new(st, "acme");
	memset(blob, 'A', sizeof(blob));
	bi_make(bi, 100);
	t_eq_i64(store_settings_put(st, tid, blob, 10, 2000, &err), 0, "set");
	t_eq_i64(store_mailbox_put(st, tid, bi, blob, 20, "file", 2000,
	    &f.mailbox[0], &err), 0, "mailbox");
	store_close(st);
	/* Version 1 sources had no ident: write them as v1 did. */
	raw_exec(path, "INSERT INTO sources (tenant_id, mailbox_id, source_bi,"
	    " pos, updated_at) VALUES (1, 1, x'c8c9cacbcccdcecfd0d1d2d3d4d5d6d7',"
	    " 4242, 2000)");
	t_eq_i64(raw_count(path, "SELECT count(*) FROM sqlite_master WHERE"
	    " name = 'log'"), 0, "no log table at v1");
	t_eq_i64(store_open_at_version(path, 1, &st, &err), 0, "reopen v1");
	for (int i = 0; i < 5; i++) {
		memset(&m, 0, sizeof(m));
		m.tid = tid;
		m.source_id = 1;
		m.pos = 100 * i;
		m.date = i == 3 ? STORE_NO_TIME : 1700000000 + i;
		m.received = STORE_NO_TIME;
		m.keys = blob;
		m.keys_len = 48;
		m.sealed = blob;
		m.sealed_len = 60;
		t_eq_i64(store_msg_put(st, &m, NULL, &err), 0, "v1 msg %d", i);
	}
	bi_make(bi, 300);
	t_eq_i64(store_addr_put(st, tid, bi, blob, 16, blob, 30, &err), 0,
	    "v1 addr");
	store_close(st);

	/* The current program upgrades it in place. */
	t_eq_i64(store_open(path, &st, &err), 0, "open with current code");
	t_eq_i64(store_version(st), SCHEMA_VERSION, "migrated");
	t_eq_i64(store_tenant_get(st, "acme", &t, &err), 0, "tenant kept");
	t_eq_i64(t.id, tid, "same id");
	t_eq_mem(t.wrapped_key, t.wrapped_len, "wrapped", "same key");
	store_tenant_clear(&t);
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count");
	t_eq_i64(n, 5, "messages kept");
	{
		void	*sb = NULL;
		size_t	 sl = 0;

		t_eq_i64(store_settings_get(st, tid, &sb, &sl, &err), 0,
		    "settings kept");
		t_eq_mem(sb, sl, "AAAAAAAAAA", "settings intact");
		free(sb);
	}
	memset(&seen, 0, sizeof(seen));
	seen.tid = tid;
	seen.tag = 'A';
	t_eq_i64(store_addr_scan(st, tid, seen_addr, &seen, &err), 0,
	    "addresses");
	t_ok(seen.n == 1 && seen.bad == 0, "address intact");
	memset(&seen, 0, sizeof(seen));
	t_eq_i64(store_msg_scan(st, tid, count_msg, &seen, &err), 0, "scan");
	t_eq_i64(seen.n, 5, "scanned");
	t_eq_i64(seen.bad, 0, "intact");
	for (int i = 0; i < STORE_BI_LEN; i++)
		bi[i] = (unsigned char)(0xc8 + i);
	t_eq_i64(store_source_get(st, tid, bi, &src, &err), 0, "source kept");
	t_eq_i64(src.pos, 4242, "checkpoint kept");
	t_ok(src.ident == NULL, "no ident yet");
	store_source_clear(&src);
	t_eq_i64(store_source_put(st, tid, bi, 1, 5000, "id", 2, 3000, &sid,
	    &err), 0, "v2 source put");
	t_eq_i64(sid, 1, "same source");
	t_eq_i64(store_log_add(st, tid, 3000, "upgrade", "", &err), 0, "log");
	store_close(st);
	t_eq_i64(raw_count(path, "SELECT value FROM meta WHERE key ="
	    " 'schema_version'"), SCHEMA_VERSION, "version recorded");
	t_eq_i64(raw_count(path, "SELECT value FROM meta WHERE key ="
	    " 'record_version'"), 3, "record version 3 recorded");
	t_eq_i64(raw_count(path, "SELECT value FROM meta WHERE key ="
	    " 'seal_version'"), 2, "seal version 2 recorded");
	free(path);
	dir_free();
}

static void
test_meta(void)
{
	struct store	*st;
	struct err	 err;
	char		*v = NULL;

	dir_new();
	st = open_new("rt.db", NULL);
	t_eq_i64(store_meta_get(st, "master_key_fingerprint", &v, &err), 1,
	    "absent");
	t_ok(v == NULL, "no value");
	t_eq_i64(store_meta_put(st, "master_key_fingerprint", "ab:cd", &err),
	    0, "put");
	t_eq_i64(store_meta_put(st, "master_key_fingerprint", "ef:01", &err),
	    0, "replace");
	t_eq_i64(store_meta_get(st, "master_key_fingerprint", &v, &err), 0,
	    "get");
	t_ok(v != NULL && strcmp(v, "ef:01") == 0, "value");
	free(v);
	t_eq_i64(store_meta_put(st, "schema_version", "9", &err), -1,
	    "reserved");
	t_ok(strstr(err.msg, "belongs to the store") != NULL, "%s", err.msg);
	t_eq_i64(store_meta_put(st, "k", "\xff\xfe", &err), -1, "bad UTF-8");
	t_ok(strstr(err.msg, "invalid UTF-8") != NULL, "%s", err.msg);
	t_eq_i64(store_meta_put(st, "", "x", &err), -1, "empty key");
	t_eq_i64(store_meta_put(st, "k", "\xc0\xaf", &err), -1, "overlong");
	t_eq_i64(store_meta_put(st, "k", "\xed\xa0\x80", &err), -1,
	    "surrogate");
	t_eq_i64(store_meta_put(st, "k", "\xe2\x82", &err), -1, "truncated");
	t_eq_i64(store_meta_put(st, "k", "caf\xc3\xa9 \xf0\x9f\x93\xab",
	    &err), 0, "UTF-8 accepted");
	store_close(st);
	dir_free();
}

struct collect {
	int64_t	ids[8];
	int	n;
};

static int
collect_tenant(void *arg, const struct store_tenant *t, struct err *err)
{
	struct collect	*c = arg;

	(void)err;
	if (c->n < 8)
		c->ids[c->n++] = t->id;
	return 0;
}

static void
test_tenants(void)
{
	struct store		*st;
	struct store_tenant	 t;
	struct collect		 c;
	struct err		 err;
	char			 longname[STORE_NAME_MAX + 2];
	int64_t			 a, b, id;

	dir_new();
	st = open_new("rt.db", NULL);
	a = tenant_new(st, "acme");
	b = tenant_new(st, "Bäckerei Müller GmbH");
	t_ok(a > 0 && b > a, "ids");
	t_eq_i64(store_tenant_create(st, "acme", "k", 1, 1, &id, &err), -1,
	    "duplicate");
	t_ok(strcmp(err.msg, "store: tenant acme exists") == 0, "%s", err.msg);
	t_eq_i64(store_tenant_get(st, "nobody", &t, &err), 1, "not found");
	t_eq_i64(store_tenant_get(st, "acme", &t, &err), 0, "found");
	t_eq_i64(t.id, a, "id");
	t_ok(strcmp(t.name, "acme") == 0, "name");
	t_eq_i64(t.state, STORE_TENANT_ACTIVE, "active");
	t_eq_i64(t.terminated_at, STORE_NO_TIME, "not terminated");
	t_eq_i64(t.key_version, 1, "key version 1");
	t_eq_i64(t.created_at, 1000, "created");
	store_tenant_clear(&t);

	t_eq_i64(store_tenant_set_key(st, a, "rewrapped", 9, &err), 0, "key");
	t_eq_i64(store_tenant_get(st, "acme", &t, &err), 0, "found");
	t_eq_i64(t.key_version, 2, "key version 2");
	t_eq_mem(t.wrapped_key, t.wrapped_len, "rewrapped", "new key");
	store_tenant_clear(&t);
	t_eq_i64(store_tenant_set_key(st, 999, "k", 1, &err), -1, "no tenant");
	t_ok(strstr(err.msg, "999: no such tenant") != NULL, "%s", err.msg);

	t_eq_i64(store_tenant_terminate(st, a, 5000, &err), 0, "terminate");
	t_eq_i64(store_tenant_terminate(st, a, 9000, &err), 0, "again");
	t_eq_i64(store_tenant_get(st, "acme", &t, &err), 0, "found");
	t_eq_i64(t.state, STORE_TENANT_TERMINATED, "terminated");
	t_eq_i64(t.terminated_at, 5000, "first time kept");
	store_tenant_clear(&t);
	t_eq_i64(store_tenant_terminate(st, 999, 1, &err), -1, "no tenant");

	memset(&c, 0, sizeof(c));
	t_eq_i64(store_tenant_terminated_before(st, 5000, collect_tenant, &c,
	    &err), 0, "purge list");
	t_eq_i64(c.n, 0, "not before its time");
	t_eq_i64(store_tenant_terminated_before(st, 5001, collect_tenant, &c,
	    &err), 0, "purge list");
	t_eq_i64(c.n, 1, "one");
	t_eq_i64(c.ids[0], a, "acme");
	memset(&c, 0, sizeof(c));
	t_eq_i64(store_tenant_list(st, collect_tenant, &c, &err), 0, "list");
	t_eq_i64(c.n, 2, "two");
	t_ok(c.ids[0] == a && c.ids[1] == b, "by id");

	t_eq_i64(store_tenant_create(st, "", "k", 1, 1, &id, &err), -1,
	    "empty name");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	t_eq_i64(store_tenant_create(st, longname, "k", 1, 1, &id, &err), -1,
	    "long name");
	t_eq_i64(err.code, ERR_LIMIT, "limit");
	t_eq_i64(store_tenant_create(st, "a\nb", "k", 1, 1, &id, &err), -1,
	    "control character");
	t_eq_i64(store_tenant_create(st, "a\xc2\x85" "b", "k", 1, 1, &id,
	    &err), -1, "C1 control");
	t_eq_i64(store_tenant_create(st, "ok", "", 0, 1, &id, &err), -1,
	    "empty key");

	/* Ids are never reused, even after an erase. */
	t_eq_i64(store_tenant_erase(st, b, &err), 0, "erase");
	id = tenant_new(st, "new");
	t_ok(id > b, "id not reused");
	t_eq_i64(store_tenant_erase(st, b, &err), -1, "erase twice");
	store_close(st);
	dir_free();
}

static void
test_msg_idempotent(void)
{
	struct store		*st;
	struct store_msg	 m;
	struct filled		 f;
	struct seen		 seen;
	struct err		 err;
	int64_t			 tid, n;
	int			 ins = -1;

	dir_new();
	st = open_new("rt.db", NULL);
	tid = tenant_new(st, "acme");
	fill(st, tid, 'A', &f);
	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.source_id = f.source[0];
	m.pos = 123456;
	m.date = m.received = STORE_NO_TIME;
	m.keys = m.sealed = "AAAA";
	m.keys_len = m.sealed_len = 4;
	t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "put");
	t_eq_i64(ins, 1, "inserted");
	m.keys = m.sealed = "BBBB";
	t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "again");
	t_eq_i64(ins, 0, "ignored");
	t_eq_i64(store_msg_put(st, &m, NULL, &err), 0, "inserted_out NULL");
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count");
	t_eq_i64(n, 6, "one row more");
	memset(&seen, 0, sizeof(seen));
	seen.tid = tid;
	seen.tag = 'A';
	t_eq_i64(store_msg_scan(st, tid, seen_msg, &seen, &err), 0, "scan");
	t_eq_i64(seen.bad, 0, "the first content stays");
	/* Same position in another source is another message. */
	m.source_id = f.source[1];
	t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "other source");
	t_eq_i64(ins, 1, "inserted");
	store_close(st);
	dir_free();
}

struct order {
	int64_t	pos[16];
	int64_t	date[16];
	int	n;
};

static int
order_msg(void *arg, const struct store_msg *m, struct err *err)
{
	struct order	*o = arg;

	(void)err;
	if (o->n < 16) {
		o->pos[o->n] = m->pos;
		o->date[o->n++] = m->date;
	}
	return 0;
}

static void
test_msg_order(void)
{
	struct store		*st;
	struct store_msg	 m;
	struct filled		 f;
	struct order		 o;
	struct seen		 seen;
	struct err		 err;
	int64_t			 tid;
	static const int64_t	 pos[] = { 900, 5, 700, 1, 300 };

	dir_new();
	st = open_new("rt.db", NULL);
	tid = tenant_new(st, "acme");
	fill(st, tid, 'A', &f);
	t_eq_i64(store_tenant_erase(st, tid, &err), 0, "start empty");
	tid = tenant_new(st, "acme");
	fill(st, tid, 'A', &f);
	/* Rows in a scan come in insert order, not by position or date. */
	for (size_t i = 0; i < nitems(pos); i++) {
		memset(&m, 0, sizeof(m));
		m.tid = tid;
		m.source_id = f.source[0];
		m.pos = 100000 + pos[i];
		m.date = i == 2 ? STORE_NO_TIME : 1000 - (int64_t)i;
		m.received = INT64_MAX;
		m.keys = m.sealed = "AA";
		m.keys_len = m.sealed_len = 2;
		t_eq_i64(store_msg_put(st, &m, NULL, &err), 0, "put %zu", i);
	}
	memset(&o, 0, sizeof(o));
	t_eq_i64(store_msg_scan(st, tid, order_msg, &o, &err), 0, "scan");
	t_eq_i64(o.n, 10, "all");
	for (size_t i = 0; i < nitems(pos); i++)
		t_eq_i64(o.pos[5 + i], 100000 + pos[i], "order %zu", i);
	t_eq_i64(o.date[7], STORE_NO_TIME, "no date round-trips as none");
	t_eq_i64(o.date[8], 997, "date");

	memset(&seen, 0, sizeof(seen));
	seen.tid = tid;
	seen.stop_at = 3;
	seen.stop_rc = 1;
	t_eq_i64(store_msg_scan(st, tid, seen_msg, &seen, &err), 0,
	    "stop quietly");
	t_eq_i64(seen.n, 3, "stopped at 3");
	memset(&seen, 0, sizeof(seen));
	seen.tid = tid;
	seen.stop_at = 2;
	seen.stop_rc = -1;
	t_eq_i64(store_msg_scan(st, tid, seen_msg, &seen, &err), -1,
	    "stop with error");
	t_eq_i64(seen.n, 2, "stopped at 2");
	t_ok(strcmp(err.msg, "test stop") == 0, "callback's err: %s", err.msg);
	memset(&seen, 0, sizeof(seen));
	seen.tid = tid;
	seen.st = st;
	t_eq_i64(store_msg_scan(st, tid, seen_msg, &seen, &err), 0, "reentry");
	t_ok(seen.reentry_refused, "store call from a callback refused");
	t_eq_i64(store_begin(st, &err), 0, "store usable after the scan");
	t_eq_i64(store_rollback(st, &err), 0, "rollback");
	store_close(st);
	dir_free();
}

static void
test_transactions(void)
{
	struct store		*st;
	struct store_source	 src;
	struct store_msg	 m;
	struct filled		 f;
	struct err		 err;
	unsigned char		 bi[STORE_BI_LEN];
	int64_t			 tid, n, sid;
	char			*path;

	dir_new();
	st = open_new("rt.db", &path);
	tid = tenant_new(st, "acme");
	fill(st, tid, 'A', &f);

	/* An import that fails half-way leaves nothing: rows nor checkpoint. */
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(store_begin(st, &err), -1, "nested begin refused");
	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.source_id = f.source[0];
	m.date = m.received = STORE_NO_TIME;
	m.keys = m.sealed = "AA";
	m.keys_len = m.sealed_len = 2;
	for (int i = 0; i < 100; i++) {
		m.pos = 10000 + i;
		store_msg_put(st, &m, NULL, &err);
	}
	bi_make(bi, 200);
	t_eq_i64(store_source_put(st, tid, bi, 0, 999999, NULL, 0, 9, &sid,
	    &err), 0, "checkpoint");
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count inside");
	t_eq_i64(n, 105, "visible inside");
	t_eq_i64(raw_count(path, "SELECT count(*) FROM messages"), 5,
	    "invisible outside");
	t_eq_i64(store_rollback(st, &err), 0, "rollback");
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count");
	t_eq_i64(n, 5, "rolled back");
	t_eq_i64(store_source_get(st, tid, bi, &src, &err), 0, "source");
	t_eq_i64(src.pos, 4000, "checkpoint rolled back with its messages");
	store_source_clear(&src);
	t_eq_i64(store_rollback(st, &err), 0, "rollback without begin: no-op");
	t_eq_i64(store_commit(st, &err), -1, "commit without begin");

	t_eq_i64(store_begin(st, &err), 0, "begin");
	for (int i = 0; i < 100; i++) {
		m.pos = 10000 + i;
		store_msg_put(st, &m, NULL, &err);
	}
	t_eq_i64(store_source_put(st, tid, bi, 0, 999999, NULL, 0, 9, &sid,
	    &err), 0, "checkpoint");
	t_eq_i64(store_commit(st, &err), 0, "commit");
	t_eq_i64(raw_count(path, "SELECT count(*) FROM messages"), 105,
	    "committed");
	t_eq_i64(raw_count(path, "SELECT pos FROM sources WHERE pos > 4000"),
	    999999, "checkpoint committed");

	/* An erase inside the caller's transaction rolls back with it. */
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(store_tenant_erase(st, tid, &err), 0, "erase inside");
	t_eq_i64(store_tenant_erase(st, 999, &err), -1, "failed erase");
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "transaction usable");
	t_eq_i64(n, 0, "erased inside");
	t_eq_i64(store_rollback(st, &err), 0, "rollback");
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count");
	t_eq_i64(n, 105, "erase undone");

	/* Close with a transaction open: rolled back. */
	t_eq_i64(store_begin(st, &err), 0, "begin");
	m.pos = 777777;
	store_msg_put(st, &m, NULL, &err);
	store_close(st);
	t_eq_i64(raw_count(path, "SELECT count(*) FROM messages"), 105,
	    "close rolls back");
	free(path);
	dir_free();
}

static void
test_limits(void)
{
	struct store		*st;
	struct store_msg	 m;
	struct filled		 f;
	struct err		 err;
	unsigned char		 bi[STORE_BI_LEN];
	char			*big;
	int64_t			 tid, id;
	int			 ins;

	dir_new();
	st = open_new("rt.db", NULL);
	tid = tenant_new(st, "acme");
	fill(st, tid, 'A', &f);
	big = xcalloc(1, STORE_BLOB_MAX + 1);
	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.source_id = f.source[0];
	m.pos = 1;
	m.date = m.received = STORE_NO_TIME;
	m.keys = big;
	m.keys_len = STORE_BLOB_MAX;
	m.sealed = big;
	m.sealed_len = STORE_BLOB_MAX;
	t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "1 MiB accepted");
	t_eq_i64(ins, 1, "inserted");
	m.pos = 2;
	m.sealed_len = STORE_BLOB_MAX + 1;
	t_eq_i64(store_msg_put(st, &m, &ins, &err), -1, "1 MiB + 1 refused");
	t_eq_i64(err.code, ERR_LIMIT, "limit");
	t_ok(strcmp(err.msg, "store: sealed message: 1048577 bytes is over "
	    "the limit of 1048576") == 0, "%s", err.msg);
	t_eq_i64(store_settings_put(st, tid, big, STORE_BLOB_MAX + 1, 1, &err),
	    -1, "settings");
	t_eq_i64(store_tenant_set_key(st, tid, big, STORE_BLOB_MAX + 1, &err),
	    -1, "wrapped key");
	bi_make(bi, 1);
	t_eq_i64(store_addr_put(st, tid, bi, big, STORE_BLOB_MAX + 1, "x", 1,
	    &err), -1, "domain keys");
	t_eq_i64(store_source_put(st, tid, bi, 0, 0, big, STORE_BLOB_MAX + 1,
	    1, &id, &err), -1, "ident");
	t_eq_i64(store_mailbox_set_sync(st, tid, f.mailbox[0], big,
	    STORE_BLOB_MAX + 1, &err), -1, "sync");
	free(big);

	m.keys = m.sealed = "x";
	m.keys_len = m.sealed_len = 1;
	m.tid = 0;
	t_eq_i64(store_msg_put(st, &m, NULL, &err), -1, "tenant 0");
	t_ok(strcmp(err.msg, "store: 0 is not a tenant id") == 0, "%s",
	    err.msg);
	m.tid = tid;
	m.pos = -1;
	t_eq_i64(store_msg_put(st, &m, NULL, &err), -1, "negative pos");
	m.pos = 3;
	m.source_id = 0;
	t_eq_i64(store_msg_put(st, &m, NULL, &err), -1, "no source");
	m.source_id = 99999;
	t_eq_i64(store_msg_put(st, &m, NULL, &err), -1, "unknown source");
	t_ok(strstr(err.msg, "does not exist or belongs to another tenant") !=
	    NULL, "%s", err.msg);
	t_eq_i64(store_mailbox_put(st, tid, bi, "x", 1, "a kind that is far "
	    "too long to be a kind", 1, &id, &err), -1, "long kind");
	t_eq_i64(store_log_add(st, tid, 1, "import", "tab\tand\nnewline",
	    &err), 0, "detail may hold tab and newline");
	t_eq_i64(store_log_add(st, tid, 1, "import", "bell\a", &err), -1,
	    "not other controls");
	t_eq_i64(store_export_scan(st, tid, "messages; DROP TABLE tenants",
	    seen_export, NULL, &err), -1, "only whitelisted tables");
	t_eq_i64(store_export_scan(st, tid, "sqlite_master", seen_export, NULL,
	    &err), -1, "no system tables");
	store_close(st);
	dir_free();
}

static void
test_cross_tenant_refs(void)
{
	struct store		*st;
	struct store_msg	 m;
	struct filled		 fa, fb;
	struct raw_view		 va, vb;
	struct err		 err;
	unsigned char		 bi[STORE_BI_LEN];
	int64_t			 a, b, id;
	char			*path;

	dir_new();
	st = open_new("rt.db", &path);
	a = tenant_new(st, "a");
	b = tenant_new(st, "b");
	fill(st, a, 'A', &fa);
	fill(st, b, 'B', &fb);
	va = raw_view(path, a);
	vb = raw_view(path, b);
	memset(&m, 0, sizeof(m));
	m.tid = a;
	m.source_id = fb.source[0];
	m.pos = 1;
	m.date = m.received = STORE_NO_TIME;
	m.keys = m.sealed = "A";
	m.keys_len = m.sealed_len = 1;
	t_eq_i64(store_msg_put(st, &m, NULL, &err), -1, "B's source from A");
	t_eq_i64(err.code, ERR_USAGE, "usage");
	m.source_id = fa.source[0];
	m.mailbox_id = fb.mailbox[0];
	t_eq_i64(store_msg_put(st, &m, NULL, &err), -1, "B's mailbox from A");
	bi_make(bi, 999);
	t_eq_i64(store_source_put(st, a, bi, fb.mailbox[0], 0, NULL, 0, 1, &id,
	    &err), -1, "A's source in B's mailbox");
	t_eq_i64(store_mailbox_set_sync(st, a, fb.mailbox[0], "s", 1, &err),
	    -1, "B's mailbox through A");
	t_ok(strstr(err.msg, "no such mailbox") != NULL, "%s", err.msg);
	t_eq_i64(store_log_add(st, 999, 1, "import", "", &err), -1,
	    "log of no tenant");
	{
		struct raw_view	na = raw_view(path, a), nb = raw_view(path, b);

		t_ok(view_eq(&va, &na), "A unchanged");
		t_ok(view_eq(&vb, &nb), "B unchanged");
	}
	store_close(st);
	free(path);
	dir_free();
}

/*
 * Runs op on tenant A and checks B before and after, through the file.
 * The macro keeps the line of each call in failure messages.
 */
#define WITH_B_UNCHANGED(what, op) do {					\
	struct raw_view	bb_ = raw_view(path, b), ba_;			\
	t_ok((op) == 0, "%s: %s", what, err.msg);			\
	ba_ = raw_view(path, b);					\
	t_ok(view_eq(&bb_, &ba_), "%s: B unchanged", what);		\
} while (0)

static void
isolation_scans(struct store *st, const char *path, int64_t a, int64_t b)
{
	struct raw_view	 va = raw_view(path, a);
	struct seen	 s;
	struct err	 err;
	int64_t		 n;
	void		*blob;
	size_t		 len;

	memset(&s, 0, sizeof(s));
	s.tid = a;
	s.tag = 'A';
	WITH_B_UNCHANGED("msg_scan", store_msg_scan(st, a, seen_msg, &s,
	    &err));
	t_eq_i64(s.n, va.count[4], "msg_scan: A's rows, all of them");
	t_eq_i64(s.bad, 0, "msg_scan: only A's");
	WITH_B_UNCHANGED("msg_count", store_msg_count(st, a, &n, &err));
	t_eq_i64(n, va.count[4], "msg_count: A's");

	memset(&s, 0, sizeof(s));
	s.tid = a;
	s.tag = 'A';
	WITH_B_UNCHANGED("addr_scan", store_addr_scan(st, a, seen_addr, &s,
	    &err));
	t_eq_i64(s.n, va.count[5], "addr_scan: A's rows");
	t_eq_i64(s.bad, 0, "addr_scan: only A's");

	memset(&s, 0, sizeof(s));
	s.tid = a;
	s.tag = 'A';
	WITH_B_UNCHANGED("mailbox_list", store_mailbox_list(st, a,
	    seen_mailbox, &s, &err));
	t_eq_i64(s.n, va.count[2], "mailbox_list: A's rows");
	t_eq_i64(s.bad, 0, "mailbox_list: only A's");

	memset(&s, 0, sizeof(s));
	s.tid = a;
	WITH_B_UNCHANGED("log_scan", store_log_scan(st, a, seen_log, &s,
	    &err));
	t_eq_i64(s.n, va.count[6], "log_scan: A's rows");
	t_eq_i64(s.bad, 0, "log_scan: only A's");

	for (int t = 0; t < NTABLES; t++) {
		memset(&s, 0, sizeof(s));
		s.tid = a;
		WITH_B_UNCHANGED("export", store_export_scan(st, a,
		    raw_tables[t], seen_export, &s, &err));
		t_eq_i64(s.n, va.count[t], "export %s: A's rows",
		    raw_tables[t]);
		t_eq_i64(s.bad, 0, "export %s: only A's", raw_tables[t]);
	}

	WITH_B_UNCHANGED("settings_get", store_settings_get(st, a, &blob,
	    &len, &err));
	t_ok(len == 11 && memcmp(blob, "AAAAAAAAAAA", 11) == 0,
	    "settings_get: A's");
	free(blob);
}

static void
isolation_writes(struct store *st, const char *path, int64_t a, int64_t b,
    const struct filled *fa)
{
	struct store_source	 src;
	struct store_msg	 m;
	struct raw_view		 va;
	struct err		 err;
	unsigned char		 bi[STORE_BI_LEN];
	int64_t			 id;
	int			 ins;

	WITH_B_UNCHANGED("settings_put", store_settings_put(st, a,
	    "AAAAAAAAAAA", 11, 9000, &err));
	bi_make(bi, 100);	/* B has a mailbox with this index too */
	WITH_B_UNCHANGED("mailbox_put existing", store_mailbox_put(st, a, bi,
	    "AAAA", 4, "file", 9000, &id, &err));
	t_eq_i64(id, fa->mailbox[0], "A's own mailbox");
	bi_make(bi, 150);
	WITH_B_UNCHANGED("mailbox_put new", store_mailbox_put(st, a, bi,
	    "AAAA", 4, "imap", 9000, &id, &err));
	WITH_B_UNCHANGED("mailbox_set_sync", store_mailbox_set_sync(st, a,
	    fa->mailbox[1], "AA", 2, &err));
	bi_make(bi, 200);	/* and a source with this one */
	WITH_B_UNCHANGED("source_put", store_source_put(st, a, bi, 0, 8888,
	    "AA", 2, 9000, &id, &err));
	t_eq_i64(id, fa->source[0], "A's own source");
	WITH_B_UNCHANGED("source_get", store_source_get(st, a, bi, &src,
	    &err));
	t_ok(src.id == fa->source[0] && src.pos == 8888 && src.tid == a,
	    "source_get: A's");
	store_source_clear(&src);

	memset(&m, 0, sizeof(m));
	m.tid = a;
	m.source_id = fa->source[0];
	m.pos = 0;		/* B has a message at pos 0 too */
	m.date = m.received = STORE_NO_TIME;
	m.keys = m.sealed = "AAAA";
	m.keys_len = m.sealed_len = 4;
	WITH_B_UNCHANGED("msg_put existing", store_msg_put(st, &m, &ins,
	    &err));
	t_eq_i64(ins, 0, "A's own duplicate");
	m.pos = 55555;
	WITH_B_UNCHANGED("msg_put new", store_msg_put(st, &m, &ins, &err));
	t_eq_i64(ins, 1, "inserted");
	bi_make(bi, 300);	/* B has this address */
	WITH_B_UNCHANGED("addr_put existing", store_addr_put(st, a, bi, "AA",
	    2, "AA", 2, &err));
	bi_make(bi, 350);
	WITH_B_UNCHANGED("addr_put new", store_addr_put(st, a, bi, "AA", 2,
	    "AA", 2, &err));
	WITH_B_UNCHANGED("log_add", store_log_add(st, a, 8000, "import",
	    "1 message", &err));
	WITH_B_UNCHANGED("set_key", store_tenant_set_key(st, a, "AAAAAAA", 7,
	    &err));
	va = raw_view(path, a);
	t_eq_i64(va.count[2], 3, "A: 3 mailboxes");
	t_eq_i64(va.count[4], 6, "A: 6 messages");
	t_eq_i64(va.count[5], 4, "A: 4 addresses");
	t_eq_i64(va.count[6], 4, "A: 4 log entries");
}

static void
test_isolation(void)
{
	struct store		*st;
	struct filled		 fa, fb;
	struct raw_view		 va, vb;
	struct collect		 c;
	struct err		 err;
	int64_t			 a, b, n;
	char			*path, *sql;

	dir_new();
	st = open_new("rt.db", &path);
	a = tenant_new(st, "a");
	b = tenant_new(st, "b");
	fill(st, a, 'A', &fa);
	fill(st, b, 'B', &fb);
	va = raw_view(path, a);
	vb = raw_view(path, b);
	t_ok(memcmp(va.count, vb.count, sizeof(va.count)) == 0 &&
	    va.count[4] == 5 && va.count[6] == 3, "filled alike");
	for (int t = 0; t < NTABLES; t++)
		t_ok(va.count[t] > 0, "A has rows in %s", raw_tables[t]);

	isolation_writes(st, path, a, b, &fa);
	isolation_scans(st, path, a, b);

	WITH_B_UNCHANGED("terminate", store_tenant_terminate(st, a, 9000,
	    &err));
	memset(&c, 0, sizeof(c));
	WITH_B_UNCHANGED("terminated_before", store_tenant_terminated_before(
	    st, 10000, collect_tenant, &c, &err));
	t_ok(c.n == 1 && c.ids[0] == a, "only A is terminated");

	/* The log purge goes by time alone, for every tenant. */
	t_eq_i64(store_log_add(st, STORE_SYSTEM, 1000, "purge", "", &err), 0,
	    "system entry");
	t_eq_i64(store_log_purge(st, 5000, &n, &err), 0, "purge");
	t_eq_i64(n, 3, "A's, B's and the system's entry before 5000");
	sql = xasprintf("SELECT count(*) FROM log WHERE tenant_id = %" PRId64
	    " AND at >= 5000", b);
	t_eq_i64(raw_count(path, sql), 2, "B's newer entries kept");
	free(sql);
	t_eq_i64(raw_count(path, "SELECT count(*) FROM log WHERE at < 5000"),
	    0, "none older left");
	vb = raw_view(path, b);

	/* Erase: A has nothing left anywhere, B is untouched. */
	WITH_B_UNCHANGED("erase", store_tenant_erase(st, a, &err));
	va = raw_view(path, a);
	for (int t = 0; t < NTABLES; t++)
		t_eq_i64(va.count[t], 0, "A: no row left in %s",
		    raw_tables[t]);
	t_eq_i64(vb.count[4], 5, "B keeps its messages");
	t_eq_i64(store_msg_count(st, b, &n, &err), 0, "count B");
	t_eq_i64(n, 5, "B: 5");
	t_eq_i64(store_msg_count(st, a, &n, &err), 0, "count A");
	t_eq_i64(n, 0, "A: 0");
	store_close(st);
	free(path);
	dir_free();
}

/* Two connections to one file: a reader never waits for a writer. */
static void
test_two_connections(void)
{
	struct store		*w, *r;
	struct store_msg	 m;
	struct filled		 f;
	struct err		 err;
	char			*path;
	int64_t			 tid, n;

	dir_new();
	w = open_new("rt.db", &path);
	t_eq_i64(store_open(path, &r, &err), 0, "second connection");
	tid = tenant_new(w, "a");
	fill(w, tid, 'A', &f);
	t_eq_i64(store_begin(w, &err), 0, "writer begins");
	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.source_id = f.source[0];
	m.pos = 424242;
	m.date = m.received = STORE_NO_TIME;
	m.keys = m.sealed = "A";
	m.keys_len = m.sealed_len = 1;
	t_eq_i64(store_msg_put(w, &m, NULL, &err), 0, "writer inserts");
	t_eq_i64(store_msg_count(r, tid, &n, &err), 0, "reader reads");
	t_eq_i64(n, 5, "the last committed state");
	t_eq_i64(store_commit(w, &err), 0, "writer commits");
	t_eq_i64(store_msg_count(r, tid, &n, &err), 0, "reader reads");
	t_eq_i64(n, 6, "now the new row");
	store_close(r);
	store_close(w);
	free(path);
	dir_free();
}

static int
count_log(void *arg, const struct store_log_entry *e, struct err *err)
{
	int64_t	*n = arg;

	(void)err;
	if (e->tid == STORE_SYSTEM && strcmp(e->kind, "purge") == 0)
		(*n)++;
	return 0;
}

static void
test_log(void)
{
	struct store	*st;
	struct err	 err;
	int64_t		 a, n = 0;

	dir_new();
	st = open_new("rt.db", NULL);
	a = tenant_new(st, "a");
	t_eq_i64(store_log_add(st, a, 10, "import", "3 messages", &err), 0,
	    "tenant entry");
	t_eq_i64(store_log_add(st, STORE_SYSTEM, 20, "purge",
	    "tenant 7 erased", &err), 0, "system entry");
	t_eq_i64(store_log_scan(st, STORE_SYSTEM, count_log, &n, &err), 0,
	    "scan system");
	t_eq_i64(n, 1, "one system entry");
	t_eq_i64(store_log_add(st, a, 10, "", "x", &err), -1, "empty kind");
	t_eq_i64(store_log_purge(st, 15, NULL, &err), 0, "purge, n NULL");
	n = 0;
	t_eq_i64(store_log_scan(st, STORE_SYSTEM, count_log, &n, &err), 0,
	    "scan");
	t_eq_i64(n, 1, "newer kept");
	store_close(st);
	dir_free();
}

static void
test_backup(void)
{
	struct store	*st, *copy;
	struct filled	 f;
	struct stat	 sb;
	struct err	 err;
	char		*path, *bpath, *side;
	int64_t		 a, n;

	dir_new();
	st = open_new("rt.db", &path);
	a = tenant_new(st, "a");
	fill(st, a, 'A', &f);
	t_eq_i64(store_meta_put(st, "master_key_fingerprint", "ff", &err), 0,
	    "meta");
	bpath = path_in("backup.db");
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(store_backup_to(st, bpath, &err), -1, "not in a transaction");
	t_eq_i64(store_rollback(st, &err), 0, "rollback");
	t_eq_i64(store_backup_to(st, bpath, &err), 0, "backup: %s", err.msg);
	t_ok(stat(bpath, &sb) == 0 && (sb.st_mode & 0777) == 0600, "0600");
	side = xasprintf("%s-wal", bpath);
	t_eq_i64(access(side, F_OK), -1, "one file, no WAL beside it");
	free(side);
	t_eq_i64(raw_count(bpath, "SELECT count(*) FROM pragma_journal_mode"
	    " WHERE journal_mode = 'delete'"), 1, "rollback-journal mode");
	t_eq_i64(raw_count(bpath, "SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check = 'ok'"), 1, "integrity");
	t_eq_i64(store_backup_to(st, bpath, &err), -1, "never overwrites");
	t_ok(strstr(err.msg, bpath) != NULL && strstr(err.msg, "exists") !=
	    NULL, "%s", err.msg);
	{
		struct raw_view	v1 = raw_view(path, a), v2 = raw_view(bpath, a);

		t_ok(view_eq(&v1, &v2), "same rows");
	}
	t_eq_i64(store_open(bpath, &copy, &err), 0, "the copy opens");
	t_eq_i64(store_msg_count(copy, a, &n, &err), 0, "count");
	t_eq_i64(n, 5, "messages in the copy");
	store_close(copy);
	free(bpath);
	bpath = path_in("nodir/backup.db");
	t_eq_i64(store_backup_to(st, bpath, &err), -1, "missing directory");
	free(bpath);
	store_close(st);
	free(path);
	dir_free();
}

static double
now_secs(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
bench_scan(void *arg, const struct store_msg *m, struct err *err)
{
	uint64_t	*sum = arg;

	(void)err;
	*sum += m->keys_len + m->sealed_len;
	return 0;
}

/* Timing only: prints rows/s, asserts nothing about speed. */
static void
test_bench(void)
{
	struct store		*st;
	struct store_msg	 m;
	struct filled		 f;
	struct err		 err;
	unsigned char		 keys[120], sealed[300];
	const char		*env = getenv("RT_STORE_BENCH_ROWS");
	int64_t			 rows = env != NULL ? strtoll(env, NULL, 10) :
				    1000000, tid, n, bad = 0;
	uint64_t		 x = 88172645463325252ULL, sum = 0;
	double			 t0, tc, t1, t2;

	dir_new();
	st = open_new("bench.db", NULL);
	tid = tenant_new(st, "bench");
	fill(st, tid, 'A', &f);
	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.mailbox_id = f.mailbox[0];
	m.source_id = f.source[0];
	m.keys = keys;
	m.keys_len = sizeof(keys);
	m.sealed = sealed;
	m.sealed_len = sizeof(sealed);
	t0 = now_secs();
	t_eq_i64(store_begin(st, &err), 0, "begin");
	for (int64_t i = 0; i < rows; i++) {
		/* Sealed data is random-looking: xorshift fills the blobs. */
		for (size_t k = 0; k < sizeof(sealed); k += 8) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			memcpy(sealed + k, &x, sizeof(sealed) - k < 8 ?
			    sizeof(sealed) - k : 8);
		}
		memcpy(keys, sealed + 100, sizeof(keys));
		m.pos = 1000000 + i * 4096;
		m.date = 1700000000 + i * 60;
		m.received = m.date + 5;
		m.flags = (uint32_t)(i & 7);
		if (store_msg_put(st, &m, NULL, &err) == -1 && bad++ == 0)
			fprintf(stderr, "# %s\n", err.msg);
	}
	tc = now_secs();
	t_eq_i64(store_commit(st, &err), 0, "commit");
	t1 = now_secs();
	t_eq_i64(bad, 0, "every insert succeeded");
	t_eq_i64(store_msg_scan(st, tid, bench_scan, &sum, &err), 0, "scan");
	t2 = now_secs();
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count");
	t_eq_i64(n, rows + 5, "all rows");
	printf("# store_msg_put: %" PRId64 " rows (keys 120 B, sealed 300 B) "
	    "in one transaction: %.2f s, %.0f rows/s (inserts %.2f s, "
	    "commit with fsync and WAL checkpoint %.2f s)\n", rows, t1 - t0,
	    rows / (t1 - t0), tc - t0, t1 - tc);
	printf("# store_msg_scan: %" PRId64 " rows: %.2f s, %.0f rows/s\n",
	    n, t2 - t1, n / (t2 - t1));
	store_close(st);
	dir_free();
}

/* A message of tenant tid at source sid, position pos; 1 if inserted. */
static int
put_one(struct store *st, int64_t tid, int64_t sid, int64_t pos)
{
	struct store_msg	m;
	struct err		err;
	int			ins = -1;

	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.source_id = sid;
	m.pos = pos;
	m.date = m.received = STORE_NO_TIME;
	m.keys = m.sealed = "G";
	m.keys_len = m.sealed_len = 1;
	t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "put %" PRId64, pos);
	return ins;
}

static int64_t
gen_of(struct store *st, int64_t tid)
{
	struct err	err;
	int64_t		g = -1;

	t_eq_i64(store_data_gen(st, tid, &g, &err), 0, "data gen");
	return g;
}

/*
 * The data generation moves with every transaction that inserts or
 * deletes messages, in that transaction, and with nothing else.
 */
static void
test_data_gen(void)
{
	struct store	*st, *r;
	struct filled	 fa, fb;
	struct err	 err;
	char		*path;
	int64_t		 a, b, g, n;

	dir_new();
	st = open_new("rt.db", &path);
	t_eq_i64(store_open(path, &r, &err), 0, "second connection");
	a = tenant_new(st, "a");
	b = tenant_new(st, "b");
	t_eq_i64(gen_of(st, a), 0, "0 at first");
	fill(st, a, 'A', &fa);
	g = gen_of(st, a);
	t_eq_i64(g, 5, "five puts outside a transaction: five bumps");
	t_eq_i64(gen_of(r, a), g, "another connection sees it");
	t_eq_i64(gen_of(st, b), 0, "another tenant's stays");
	fill(st, b, 'B', &fb);
	t_eq_i64(gen_of(st, a), g, "... and the other way round");

	/* A put that inserts nothing changes nothing. */
	t_eq_i64(put_one(st, a, fa.source[0], 0), 0, "known position");
	t_eq_i64(gen_of(st, a), g, "no bump");

	/* One transaction, many inserts: one bump, seen at the commit. */
	t_eq_i64(store_begin(st, &err), 0, "begin");
	for (int i = 0; i < 10; i++)
		t_eq_i64(put_one(st, a, fa.source[0], 1000 + i), 1, "new");
	t_eq_i64(gen_of(r, a), g, "not before the commit");
	t_eq_i64(store_commit(st, &err), 0, "commit");
	t_eq_i64(gen_of(r, a), g + 1, "one bump at the commit");
	g++;

	/* A rolled back transaction leaves it. */
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(put_one(st, a, fa.source[0], 2000), 1, "new");
	t_eq_i64(store_rollback(st, &err), 0, "rollback");
	t_eq_i64(gen_of(st, a), g, "rolled back");
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(store_commit(st, &err), 0, "empty commit");
	t_eq_i64(gen_of(st, a), g, "nothing changed");

	/* Deletions: an empty range changes nothing, a real one bumps. */
	t_eq_i64(store_msg_delete_range(st, a, fa.source[0], 5000, 6000, &n,
	    &err), 0, "delete nothing");
	t_eq_i64(n, 0, "none");
	t_eq_i64(gen_of(st, a), g, "no bump");
	t_eq_i64(store_msg_delete_range(st, a, fa.source[0], 1000, 1004, &n,
	    &err), 0, "delete");
	t_eq_i64(n, 5, "five");
	t_eq_i64(gen_of(r, a), g + 1, "bumped");
	g++;
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(store_msg_delete_range(st, a, fa.source[0], 1005, 1009, &n,
	    &err), 0, "delete inside");
	t_eq_i64(put_one(st, a, fa.source[0], 1005), 1, "and insert");
	t_eq_i64(store_commit(st, &err), 0, "commit");
	t_eq_i64(gen_of(r, a), g + 1, "one bump");
	t_eq_i64(gen_of(st, b), 5, "the other tenant's unchanged");

	/* An erase takes the generation with it, inside a transaction too. */
	t_eq_i64(store_begin(st, &err), 0, "begin");
	t_eq_i64(put_one(st, b, fb.source[0], 9000), 1, "insert");
	t_eq_i64(store_tenant_erase(st, b, &err), 0, "erase");
	t_eq_i64(store_commit(st, &err), 0, "commit after the erase");
	t_eq_i64(raw_count(path, "SELECT count(*) FROM data_gen WHERE"
	    " tenant_id = 2"), 0, "no row left");
	t_eq_i64(store_data_gen(st, -1, &g, &err), -1, "bad tenant id");
	store_close(r);
	store_close(st);
	free(path);
	dir_free();
}

/* Version 4 databases gain data_gen at 0 and bump it from then on. */
static void
test_migrate_v4(void)
{
	struct store	*st;
	struct filled	 f;
	struct err	 err;
	char		*path;
	int64_t		 tid, n;

	dir_new();
	path = path_in("v4.db");
	t_eq_i64(store_open_at_version(path, 4, &st, &err), 0, "create v4");
	tid = tenant_new(st, "acme");
	fill(st, tid, 'A', &f);
	t_eq_i64(gen_of(st, tid), 0, "no generation at v4");
	store_close(st);
	t_eq_i64(raw_count(path, "SELECT count(*) FROM sqlite_master WHERE"
	    " name = 'data_gen'"), 0, "no data_gen table at v4");
	t_eq_i64(store_open(path, &st, &err), 0, "upgrade");
	t_eq_i64(store_version(st), SCHEMA_VERSION, "migrated");
	t_eq_i64(store_msg_count(st, tid, &n, &err), 0, "count");
	t_eq_i64(n, 5, "messages kept");
	t_eq_i64(gen_of(st, tid), 0, "0 after the upgrade");
	t_eq_i64(put_one(st, tid, f.source[0], 777), 1, "insert");
	t_eq_i64(gen_of(st, tid), 1, "bumped");
	store_close(st);
	free(path);
	dir_free();
}

static const struct t_case cases[] = {
	{ "schema_render", test_schema_render },
	{ "open_create", test_open_create },
	{ "open_errors", test_open_errors },
	{ "future_version", test_future_version },
	{ "migrate_v1", test_migrate_v1 },
	{ "meta", test_meta },
	{ "tenants", test_tenants },
	{ "msg_idempotent", test_msg_idempotent },
	{ "msg_order", test_msg_order },
	{ "transactions", test_transactions },
	{ "limits", test_limits },
	{ "cross_tenant_refs", test_cross_tenant_refs },
	{ "isolation", test_isolation },
	{ "two_connections", test_two_connections },
	{ "data_gen", test_data_gen },
	{ "migrate_v4", test_migrate_v4 },
	{ "log", test_log },
	{ "backup", test_backup },
	{ "bench", test_bench },
};
T_MAIN(cases)
