/*
 * schema.c: the versioned steps of the store's schema (see schema.h and
 * docs/storage.md).
 *
 * The model, in every dialect:
 *  - every row of tenant data carries tenant_id; tenants and meta are the
 *    only installation-wide tables;
 *  - ids are 64-bit identities that are never reused (AUTOINCREMENT in
 *    SQLite, an identity column in PostgreSQL), so an erased tenant's id
 *    can never name another tenant (message seq: see below);
 *  - a message, source or mailbox can point only at a row of its own
 *    tenant: the foreign keys are (tenant_id, id) pairs;
 *  - blind indexes are 16-byte blobs, checked by the schema; everything
 *    sealed is an opaque blob; times are BIGINT seconds since the epoch.
 *
 * The SQL uses a portable subset in the SQLite spelling: BIGINT, TEXT,
 * BLOB, CHECK, UNIQUE, composite foreign keys, CREATE INDEX, ALTER TABLE
 * ADD COLUMN, ON CONFLICT upserts.  Three rules translate it for
 * PostgreSQL, word for word:
 *	INTEGER PRIMARY KEY AUTOINCREMENT  ->  BIGINT GENERATED ALWAYS AS
 *					       IDENTITY PRIMARY KEY
 *	INTEGER PRIMARY KEY		   ->  the same
 *	BLOB				   ->  BYTEA
 * Nothing in the model depends on rowid, type affinity or any other
 * SQLite-only behaviour: no query names rowid, every key is declared.
 *
 * Message seq is the one id without AUTOINCREMENT, for speed (AUTOINCREMENT
 * writes its counter row on every insert: 15% of an import).  SQLite then
 * assigns one more than the largest seq present, which is all seq
 * promises: increasing in insert order.  The numbers of the newest
 * messages can come back after those messages are erased; PostgreSQL
 * never reuses them; nothing depends on either.
 *
 * Indexes are the ones the store's queries use, and one per foreign key
 * on the parent side (so an erase never scans another tenant's rows):
 * every child table's indexes start with tenant_id.
 */
#include <string.h>

#include "../base/buf.h"
#include "../base/xmalloc.h"
#include "schema.h"

/*
 * Version 1: tenants, settings, mailboxes, sources with a checkpoint,
 * messages, addresses.
 */
static const char schema_v1[] =
	"CREATE TABLE meta (\n"
	"	key		TEXT PRIMARY KEY,\n"
	"	value		TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE tenants (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	name		TEXT NOT NULL UNIQUE,\n"
	"	state		TEXT NOT NULL DEFAULT 'active'\n"
	"			CHECK (state IN ('active', 'terminated')),\n"
	"	terminated_at	BIGINT,\n"
	"	created_at	BIGINT NOT NULL,\n"
	"	wrapped_key	BLOB NOT NULL,\n"
	"	key_version	BIGINT NOT NULL DEFAULT 1\n"
	");\n"
	"CREATE INDEX tenants_terminated ON tenants (state, terminated_at);\n"
	"CREATE TABLE settings (\n"
	"	tenant_id	BIGINT PRIMARY KEY REFERENCES tenants (id),\n"
	"	sealed		BLOB NOT NULL,\n"
	"	updated_at	BIGINT NOT NULL\n"
	");\n"
	"CREATE TABLE mailboxes (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	tenant_id	BIGINT NOT NULL REFERENCES tenants (id),\n"
	"	address_bi	BLOB NOT NULL CHECK (length(address_bi) = 16),\n"
	"	sealed_address	BLOB NOT NULL,\n"
	"	kind		TEXT NOT NULL,\n"
	"	sync_state	BLOB,\n"
	"	created_at	BIGINT NOT NULL,\n"
	"	UNIQUE (tenant_id, address_bi),\n"
	"	UNIQUE (tenant_id, id)\n"
	");\n"
	"CREATE TABLE sources (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	tenant_id	BIGINT NOT NULL REFERENCES tenants (id),\n"
	"	mailbox_id	BIGINT,\n"
	"	source_bi	BLOB NOT NULL CHECK (length(source_bi) = 16),\n"
	"	pos		BIGINT NOT NULL,\n"
	"	updated_at	BIGINT NOT NULL,\n"
	"	UNIQUE (tenant_id, source_bi),\n"
	"	UNIQUE (tenant_id, id),\n"
	"	FOREIGN KEY (tenant_id, mailbox_id)\n"
	"	    REFERENCES mailboxes (tenant_id, id)\n"
	");\n"
	"CREATE INDEX sources_mailbox ON sources (tenant_id, mailbox_id);\n"
	"CREATE TABLE messages (\n"
	"	seq		INTEGER PRIMARY KEY,\n"
	"	tenant_id	BIGINT NOT NULL REFERENCES tenants (id),\n"
	"	mailbox_id	BIGINT,\n"
	"	source_id	BIGINT NOT NULL,\n"
	"	pos		BIGINT NOT NULL,\n"
	"	date		BIGINT,\n"
	"	received	BIGINT,\n"
	"	flags		BIGINT NOT NULL,\n"
	"	keys		BLOB NOT NULL,\n"
	"	sealed		BLOB NOT NULL,\n"
	"	UNIQUE (tenant_id, source_id, pos),\n"
	"	FOREIGN KEY (tenant_id, mailbox_id)\n"
	"	    REFERENCES mailboxes (tenant_id, id),\n"
	"	FOREIGN KEY (tenant_id, source_id)\n"
	"	    REFERENCES sources (tenant_id, id)\n"
	");\n"
	"CREATE INDEX messages_seq ON messages (tenant_id, seq);\n"
	"CREATE TABLE addresses (\n"
	"	tenant_id	BIGINT NOT NULL REFERENCES tenants (id),\n"
	"	address_bi	BLOB NOT NULL CHECK (length(address_bi) = 16),\n"
	"	domain_keys	BLOB NOT NULL,\n"
	"	sealed		BLOB NOT NULL,\n"
	"	PRIMARY KEY (tenant_id, address_bi)\n"
	");\n";

/*
 * Version 2: the processing log, and the identity of a source's file so
 * an import notices a file that was replaced rather than appended to.
 * log.tenant_id has no foreign key: STORE_SYSTEM (0) entries are about
 * the installation, and the store checks the id on insert.
 */
static const char schema_v2[] =
	"ALTER TABLE sources ADD COLUMN ident BLOB;\n"
	"CREATE TABLE log (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	tenant_id	BIGINT NOT NULL,\n"
	"	at		BIGINT NOT NULL,\n"
	"	kind		TEXT NOT NULL,\n"
	"	detail		TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX log_tenant ON log (tenant_id, id);\n"
	"CREATE INDEX log_at ON log (at);\n";

/*
 * Version 3: the state of a mailbox that replytime syncs itself (IMAP):
 * "new" until its first sync, then "ok" or "error" with the reason (the
 * kind of failure and the server's words, never a secret or header
 * data), and when it last synced.
 */
static const char schema_v3[] =
	"ALTER TABLE mailboxes ADD COLUMN state TEXT NOT NULL DEFAULT 'new'\n"
	"	CHECK (state IN ('new', 'ok', 'error'));\n"
	"ALTER TABLE mailboxes ADD COLUMN last_error TEXT;\n"
	"ALTER TABLE mailboxes ADD COLUMN last_sync BIGINT;\n";

/*
 * Version 4: accounts of the web dashboard (see docs/security.md).  Users
 * are per tenant; an email is kept sealed with a blind index for lookup.
 * Sessions, one-time tokens and API tokens are found by the BLAKE2b-256
 * hash of their secret (STORE_HASH_LEN bytes): the secrets themselves are
 * never stored.  The audit log is a hash chain per tenant: seq runs 1, 2,
 * ... without gaps and each hash covers the previous one.  settings_gen
 * counts the changes of a tenant's settings, for caches to watch.
 */
static const char schema_v4[] =
	"CREATE TABLE users (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	tenant_id	BIGINT NOT NULL REFERENCES tenants (id),\n"
	"	email_bi	BLOB NOT NULL CHECK (length(email_bi) = 16),\n"
	"	sealed_email	BLOB NOT NULL,\n"
	"	role		TEXT NOT NULL CHECK (role IN ('owner', 'admin',\n"
	"			    'manager', 'agent', 'viewer')),\n"
	"	pwhash		TEXT NOT NULL,\n"
	"	must_change	BIGINT NOT NULL,\n"
	"	disabled	BIGINT NOT NULL,\n"
	"	created_at	BIGINT NOT NULL,\n"
	"	UNIQUE (tenant_id, email_bi),\n"
	"	UNIQUE (tenant_id, id)\n"
	");\n"
	"CREATE TABLE sessions (\n"
	"	id_hash		BLOB PRIMARY KEY CHECK (length(id_hash) = 32),\n"
	"	tenant_id	BIGINT NOT NULL,\n"
	"	user_id		BIGINT NOT NULL,\n"
	"	created_at	BIGINT NOT NULL,\n"
	"	seen_at		BIGINT NOT NULL,\n"
	"	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)\n"
	");\n"
	"CREATE INDEX sessions_user ON sessions (tenant_id, user_id);\n"
	"CREATE TABLE once_tokens (\n"
	"	hash		BLOB PRIMARY KEY CHECK (length(hash) = 32),\n"
	"	tenant_id	BIGINT NOT NULL,\n"
	"	user_id		BIGINT NOT NULL,\n"
	"	kind		TEXT NOT NULL CHECK (kind IN ('setup', 'invite',\n"
	"			    'reset')),\n"
	"	expires_at	BIGINT NOT NULL,\n"
	"	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)\n"
	");\n"
	"CREATE INDEX once_tokens_user ON once_tokens (tenant_id, user_id);\n"
	"CREATE TABLE api_tokens (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	hash		BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),\n"
	"	tenant_id	BIGINT NOT NULL,\n"
	"	user_id		BIGINT NOT NULL,\n"
	"	name		TEXT NOT NULL,\n"
	"	scope		TEXT NOT NULL CHECK (scope IN ('read', 'write')),\n"
	"	created_at	BIGINT NOT NULL,\n"
	"	last_used_at	BIGINT,\n"
	"	revoked_at	BIGINT,\n"
	"	UNIQUE (tenant_id, id),\n"
	"	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)\n"
	");\n"
	"CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id);\n"
	"CREATE TABLE audit (\n"
	"	id		INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"	tenant_id	BIGINT NOT NULL REFERENCES tenants (id),\n"
	"	seq		BIGINT NOT NULL,\n"
	"	at		BIGINT NOT NULL,\n"
	"	actor		BIGINT NOT NULL,\n"
	"	op		TEXT NOT NULL,\n"
	"	object		TEXT NOT NULL,\n"
	"	ip		TEXT NOT NULL,\n"
	"	prev		BLOB NOT NULL CHECK (length(prev) = 32),\n"
	"	hash		BLOB NOT NULL CHECK (length(hash) = 32),\n"
	"	UNIQUE (tenant_id, seq)\n"
	");\n"
	"CREATE TABLE settings_gen (\n"
	"	tenant_id	BIGINT PRIMARY KEY REFERENCES tenants (id),\n"
	"	gen		BIGINT NOT NULL\n"
	");\n";

/*
 * Version 5: data_gen counts the transactions that changed a tenant's
 * messages (inserted or deleted any), for caches to watch without
 * counting the messages.  A tenant without a row is at 0.
 */
static const char schema_v5[] =
	"CREATE TABLE data_gen (\n"
	"	tenant_id	BIGINT PRIMARY KEY REFERENCES tenants (id),\n"
	"	gen		BIGINT NOT NULL\n"
	");\n";

/*
 * Version 6: the stored form of messages changed (record.h: keys and
 * sealed fields of version 2, smaller; version 1 rows stay as they are
 * and are still read).  No table changes: the step records the record
 * version, and the schema version keeps an older replytime, which cannot
 * read the new rows, from opening the database at all.
 */
static const char schema_v6[] =
	"INSERT INTO meta (key, value) VALUES ('record_version', '2');\n";

/*
 * Version 7: sealed values may be in seal version 2 (AES-256-GCM, vault.h),
 * written wherever the CPU has AES in hardware, and messages in record
 * version 3 (record.h: the addresses the keys name are left to the
 * address rows).  Older values and rows stay as they are and are still
 * read.  No table changes: the step records both versions, and the
 * schema version keeps an older replytime, which cannot read the new
 * ones, from opening the database at all.
 */
static const char schema_v7[] =
	"INSERT INTO meta (key, value) VALUES ('seal_version', '2');\n"
	"UPDATE meta SET value = '3' WHERE key = 'record_version';\n";

const struct schema_step schema_steps[] = {
	{ .version = 1, .what = "create the tables", .sql = schema_v1 },
	{ .version = 2, .what = "add the log and source identities",
	  .sql = schema_v2 },
	{ .version = 3, .what = "add mailbox sync states", .sql = schema_v3 },
	{ .version = 4, .what = "add the accounts of the web dashboard",
	  .sql = schema_v4 },
	{ .version = 5, .what = "add the generation of messages",
	  .sql = schema_v5 },
	{ .version = 6, .what = "store messages in record version 2",
	  .sql = schema_v6 },
	{ .version = 7, .what = "seal in AES-256-GCM, record version 3",
	  .sql = schema_v7 },
};
const size_t schema_nsteps = sizeof(schema_steps) / sizeof(schema_steps[0]);

const struct schema_table schema_tables[] = {
	{ .name = "tenants", .tenant_col = "id", .order = "id", .since = 1,
	  .cols = "id, name, state, terminated_at, created_at, wrapped_key, "
	    "key_version" },
	{ .name = "settings", .tenant_col = "tenant_id", .order = "tenant_id",
	  .since = 1, .cols = "tenant_id, sealed, updated_at" },
	{ .name = "mailboxes", .tenant_col = "tenant_id", .order = "id",
	  .since = 1, .cols = "id, tenant_id, address_bi, sealed_address, "
	    "kind, sync_state, created_at" },
	{ .name = "sources", .tenant_col = "tenant_id", .order = "id",
	  .since = 2, .cols = "id, tenant_id, mailbox_id, source_bi, pos, "
	    "ident, updated_at" },
	{ .name = "messages", .tenant_col = "tenant_id", .order = "seq",
	  .since = 1, .cols = "seq, tenant_id, mailbox_id, source_id, pos, "
	    "date, received, flags, keys, sealed" },
	{ .name = "addresses", .tenant_col = "tenant_id", .order = "address_bi",
	  .since = 1, .cols = "tenant_id, address_bi, domain_keys, sealed" },
	{ .name = "log", .tenant_col = "tenant_id", .order = "id", .since = 2,
	  .cols = "id, tenant_id, at, kind, detail" },
};
const size_t schema_ntables = sizeof(schema_tables) / sizeof(schema_tables[0]);

const struct schema_table *
schema_table_find(const char *name)
{
	for (size_t i = 0; i < schema_ntables; i++)
		if (strcmp(schema_tables[i].name, name) == 0)
			return &schema_tables[i];
	return NULL;
}

static const struct {
	const char	*from;
	const char	*to;
} pg_rules[] = {
	{ "INTEGER PRIMARY KEY AUTOINCREMENT",
	  "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" },
	{ "INTEGER PRIMARY KEY",
	  "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" },
	{ "BLOB", "BYTEA" },
};

static int
is_word(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

char *
schema_sql_render(const char *sql, enum schema_dialect d)
{
	struct buf	 b;
	const char	*p = sql;
	size_t		 i, n;

	if (d == SCHEMA_SQLITE)
		return xstrdup(sql);
	buf_init(&b, 0);
	while (*p != '\0') {
		for (i = 0; i < sizeof(pg_rules) / sizeof(pg_rules[0]); i++) {
			n = strlen(pg_rules[i].from);
			if (strncmp(p, pg_rules[i].from, n) == 0 &&
			    (p == sql || !is_word(p[-1])) && !is_word(p[n]))
				break;
		}
		if (i < sizeof(pg_rules) / sizeof(pg_rules[0])) {
			buf_puts(&b, pg_rules[i].to);
			p += n;
		} else
			buf_addc(&b, *p++);
	}
	return buf_take(&b, NULL);
}
