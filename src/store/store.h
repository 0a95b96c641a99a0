/*
 * store.h: the system of record, behind drivers.
 *
 * The store keeps, per tenant (an organization), its mailboxes, the
 * sources imported into them with a checkpoint each, the messages read
 * from them, one row per distinct address, its settings and a processing
 * log.  It is the only part of replytime that talks to a database.
 *
 * What it stores is opaque to it.  The store never sees a key or a byte
 * of plaintext header data: it is given 16-byte blind indexes (keyed
 * hashes, for lookups and uniqueness) and sealed blobs (AEAD output of the
 * vault), and gives them back unchanged.  Tenant names, kinds, times and
 * counters are the only readable values, and none of them is header data.
 *
 * Tenants.  Every row of tenant data carries its tenant id, and every
 * function that reads or writes tenant data takes the tenant id (tid)
 * explicitly: there is no "current tenant".  Each statement restricts
 * itself with tenant_id = ?, and the schema makes a row unable to point
 * at a mailbox or source of another tenant.  Tenant ids are never
 * reused, even after an erase.  The id STORE_SYSTEM (0) is never a
 * tenant: the log accepts it for entries about the installation itself.
 *
 * Drivers.  struct store is a front that checks arguments and limits and
 * dispatches to a struct store_ops table; store_sqlite_ops is the
 * embedded driver, and a PostgreSQL driver fits the same table.
 *
 * Ownership.  Pointers passed in are borrowed for the duration of the
 * call.  Structs handed to callbacks, and every pointer in them, are
 * borrowed for the duration of that callback only.  Functions that return
 * memory say who frees it.
 *
 * Returns.  0 on success; -1 with err filled (a code and a message that
 * names the place and the problem, never the content of a row); lookups
 * return 1 when nothing matches.  Error codes: ERR_USAGE for a call that
 * cannot be honoured (unknown tenant, duplicate name, a row of another
 * tenant, a call from inside a scan), ERR_LIMIT for a value over a limit
 * below, ERR_UNSUPPORTED for a database made by a newer replytime, ERR_IO
 * for everything the database or the file system refused.
 *
 * Callbacks.  A scan callback returns 0 to go on, 1 to stop quietly (the
 * scan returns 0), or -1 to stop with an error (the scan returns -1 with
 * the err the callback filled).  A scan callback must not call the store:
 * such calls fail with ERR_USAGE.  store_tenant_list() and
 * store_tenant_terminated_before() are the exception: they read every
 * row before the first callback, so a purge may erase from its callback.
 *
 * Transactions.  Outside store_begin()/store_commit() every call is its
 * own transaction.  Imports batch many rows between store_begin() and
 * store_commit(); if any call inside fails, the caller calls
 * store_rollback().  Transactions are immediate: they take the write lock
 * at store_begin(), waiting up to STORE_BUSY_MS for another writer.
 * store_commit() first bumps the data generation (store_data_gen) of each
 * tenant whose messages the transaction inserted or deleted; if that
 * fails, the transaction is still open and the caller rolls it back.
 *
 * Threads.  A struct store is used by one thread at a time.  Several
 * processes may open the same database.
 */
#ifndef RT_STORE_H
#define RT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

#define STORE_BI_LEN		16		/* a blind index, bytes */
#define STORE_BLOB_MAX		(1024 * 1024)	/* any blob, bytes */
#define STORE_NAME_MAX		128		/* tenant name, bytes */
#define STORE_KIND_MAX		32		/* mailbox or log kind */
#define STORE_META_KEY_MAX	64
#define STORE_TEXT_MAX		4096		/* meta value, log detail */
#define STORE_BUSY_MS		5000		/* wait for another writer */

#define STORE_SYSTEM		0		/* log entries of the installation */
#define STORE_NO_TIME		INT64_MIN	/* a time that is not known (NULL) */

struct store;					/* opaque */
struct store_acct_ops;
struct store_drv;				/* a driver's own state */

enum store_tenant_state {
	STORE_TENANT_ACTIVE,
	STORE_TENANT_TERMINATED,
};

struct store_tenant {
	int64_t			 id;
	char			*name;		/* see store_tenant_get() */
	enum store_tenant_state	 state;
	int64_t			 terminated_at;	/* STORE_NO_TIME if active */
	int64_t			 created_at;
	void			*wrapped_key;	/* see store_tenant_get() */
	size_t			 wrapped_len;
	int64_t			 key_version;	/* 1, +1 per set_key */
};

struct store_mailbox {
	int64_t			 id;
	int64_t			 tid;
	unsigned char		 bi[STORE_BI_LEN];
	const void		*sealed;	/* borrowed */
	size_t			 sealed_len;
	const char		*kind;		/* borrowed */
	const void		*sync;		/* borrowed; NULL if never set */
	size_t			 sync_len;
	int64_t			 created_at;
};

/* The sync state of a mailbox (schema version 3). */
#define STORE_STATE_MAX		16
#define STORE_ERROR_MAX		512
struct store_mailbox_status {
	char			 state[STORE_STATE_MAX];  /* new, ok, error */
	char			 error[STORE_ERROR_MAX + 1]; /* "" if none */
	int64_t			 last_sync;	/* STORE_NO_TIME if never */
};

struct store_source {
	int64_t			 id;
	int64_t			 tid;
	unsigned char		 bi[STORE_BI_LEN];
	int64_t			 mailbox_id;	/* 0: none */
	int64_t			 pos;		/* the checkpoint */
	void			*ident;		/* owned; NULL if none */
	size_t			 ident_len;
	int64_t			 updated_at;
};

struct store_msg {
	int64_t			 seq;		/* set by the store; scan only */
	int64_t			 tid;
	int64_t			 mailbox_id;	/* 0: none */
	int64_t			 source_id;
	int64_t			 pos;		/* position in the source, >= 0 */
	int64_t			 date;		/* STORE_NO_TIME if none */
	int64_t			 received;	/* STORE_NO_TIME if none */
	uint32_t		 flags;		/* opaque to the store */
	const void		*keys;		/* opaque; borrowed */
	size_t			 keys_len;
	const void		*sealed;	/* opaque; borrowed */
	size_t			 sealed_len;
};

struct store_addr {
	int64_t			 tid;
	unsigned char		 bi[STORE_BI_LEN];
	const void		*domain_keys;	/* borrowed */
	size_t			 domain_keys_len;
	const void		*sealed;	/* borrowed */
	size_t			 sealed_len;
};

struct store_log_entry {
	int64_t			 id;
	int64_t			 tid;		/* STORE_SYSTEM or a tenant */
	int64_t			 at;
	const char		*kind;		/* borrowed */
	const char		*detail;	/* borrowed */
};

enum store_type {
	STORE_NULL,
	STORE_INT,
	STORE_TEXT,
	STORE_BLOB,
};

/* One column of an exported row. */
struct store_value {
	enum store_type		 type;
	int64_t			 i;		/* STORE_INT */
	const void		*p;		/* TEXT (NUL-terminated), BLOB */
	size_t			 len;		/* bytes of p, without the NUL */
};

typedef int	(*store_tenant_cb)(void *arg, const struct store_tenant *t,
		    struct err *err);
typedef int	(*store_mailbox_cb)(void *arg, const struct store_mailbox *mb,
		    struct err *err);
typedef int	(*store_msg_cb)(void *arg, const struct store_msg *m,
		    struct err *err);
typedef int	(*store_addr_cb)(void *arg, const struct store_addr *a,
		    struct err *err);
typedef int	(*store_log_cb)(void *arg, const struct store_log_entry *e,
		    struct err *err);
typedef int	(*store_export_cb)(void *arg, size_t ncols,
		    const char *const *colnames, const struct store_value *vals,
		    struct err *err);

/*
 * A driver.  The front (store.c) has checked every argument against the
 * contracts below before calling an entry, and never calls one from
 * inside a scan callback.  backup_to may be NULL (ERR_UNSUPPORTED).
 * Drivers report errors with the same codes and the same rule: no row
 * data in a message (a PostgreSQL driver must drop the DETAIL of its
 * errors, which quotes key values).
 */
struct store_ops {
	const char	*name;
	int	(*open)(const char *path, int max_version, int64_t now,
		    struct store_drv **out, struct err *err);
	void	(*close)(struct store_drv *d);
	int	(*version)(struct store_drv *d);
	int	(*begin)(struct store_drv *d, struct err *err);
	int	(*commit)(struct store_drv *d, struct err *err);
	int	(*rollback)(struct store_drv *d, struct err *err);
	int	(*backup_to)(struct store_drv *d, const char *path,
		    struct err *err);

	int	(*meta_get)(struct store_drv *d, const char *key,
		    char **value_out, struct err *err);
	int	(*meta_put)(struct store_drv *d, const char *key,
		    const char *value, struct err *err);

	int	(*tenant_create)(struct store_drv *d, const char *name,
		    const void *wrapped, size_t len, int64_t at,
		    int64_t *id_out, struct err *err);
	int	(*tenant_get)(struct store_drv *d, const char *name,
		    struct store_tenant *out, struct err *err);
	int	(*tenant_list)(struct store_drv *d, int only_terminated,
		    int64_t before, store_tenant_cb cb, void *arg,
		    struct err *err);
	int	(*tenant_set_key)(struct store_drv *d, int64_t tid,
		    const void *wrapped, size_t len, struct err *err);
	int	(*tenant_terminate)(struct store_drv *d, int64_t tid,
		    int64_t at, struct err *err);
	int	(*tenant_erase)(struct store_drv *d, int64_t tid,
		    struct err *err);

	int	(*settings_put)(struct store_drv *d, int64_t tid,
		    const void *sealed, size_t len, int64_t at,
		    struct err *err);
	int	(*settings_get)(struct store_drv *d, int64_t tid,
		    void **sealed_out, size_t *len_out, struct err *err);

	int	(*mailbox_put)(struct store_drv *d, int64_t tid,
		    const unsigned char *bi, const void *sealed, size_t len,
		    const char *kind, int64_t at, int64_t *id_out,
		    struct err *err);
	int	(*mailbox_set_sync)(struct store_drv *d, int64_t tid,
		    int64_t id, const void *sync, size_t len,
		    struct err *err);
	int	(*mailbox_list)(struct store_drv *d, int64_t tid,
		    store_mailbox_cb cb, void *arg, struct err *err);

	int	(*source_get)(struct store_drv *d, int64_t tid,
		    const unsigned char *bi, struct store_source *out,
		    struct err *err);
	int	(*source_put)(struct store_drv *d, int64_t tid,
		    const unsigned char *bi, int64_t mailbox_id, int64_t pos,
		    const void *ident, size_t ident_len, int64_t at,
		    int64_t *id_out, struct err *err);

	int	(*msg_put)(struct store_drv *d, const struct store_msg *m,
		    int *inserted_out, struct err *err);
	int	(*msg_scan)(struct store_drv *d, int64_t tid, store_msg_cb cb,
		    void *arg, struct err *err);
	int	(*msg_count)(struct store_drv *d, int64_t tid, int64_t *n_out,
		    struct err *err);

	int	(*addr_put)(struct store_drv *d, int64_t tid,
		    const unsigned char *bi, const void *domain_keys,
		    size_t dk_len, const void *sealed, size_t sealed_len,
		    struct err *err);
	int	(*addr_scan)(struct store_drv *d, int64_t tid,
		    store_addr_cb cb, void *arg, struct err *err);

	int	(*log_add)(struct store_drv *d, int64_t tid, int64_t at,
		    const char *kind, const char *detail, struct err *err);
	int	(*log_purge)(struct store_drv *d, int64_t before,
		    int64_t *n_out, struct err *err);
	int	(*log_scan)(struct store_drv *d, int64_t tid, store_log_cb cb,
		    void *arg, struct err *err);

	int	(*export_scan)(struct store_drv *d, int64_t tid,
		    const char *table, store_export_cb cb, void *arg,
		    struct err *err);
	const struct store_acct_ops *acct;	/* accounts, below */

	/* Schema version 3: mailbox sync states, message deletion. */
	int	(*mailbox_set_status)(struct store_drv *d, int64_t tid,
		    int64_t id, const char *state, const char *error,
		    int64_t synced_at, struct err *err);
	int	(*mailbox_get_status)(struct store_drv *d, int64_t tid,
		    int64_t id, struct store_mailbox_status *out,
		    struct err *err);
	int	(*msg_delete_range)(struct store_drv *d, int64_t tid,
		    int64_t source_id, int64_t lo, int64_t hi, int64_t *n_out,
		    struct err *err);

	/* Schema version 5: the generation of a tenant's messages in
	 * *gen_out, after adding 1 if bump. */
	int	(*data_gen)(struct store_drv *d, int64_t tid, int bump,
		    int64_t *gen_out, struct err *err);
	const struct store_mbx_ops *mbx;	/* mailbox admin, at the end */
};

extern const struct store_ops store_sqlite_ops;

/*
 * Opening.
 *
 * store_open() opens the SQLite database at path, creating it (mode 0600)
 * if it is missing, in WAL mode with foreign keys enforced and a busy
 * timeout of STORE_BUSY_MS, and brings its schema up to the version of
 * this program in one transaction.  A database whose schema is newer than
 * the program's is refused (ERR_UNSUPPORTED), and so is an SQLite file
 * that is not a replytime database.  On success *out is owned by the
 * caller, who frees it with store_close().
 *
 * store_open_at_version() is the same with the schema stopped at
 * max_version (1 .. current): for tests of the upgrade path.
 */
int	store_open(const char *path, struct store **out, struct err *err);
int	store_open_at_version(const char *path, int max_version,
	    struct store **out, struct err *err);
/* Rolls back an open transaction.  store_close(NULL) is a no-op. */
void	store_close(struct store *st);
/* The schema version of the open database. */
int	store_version(struct store *st);
/* The current schema version of this program. */
int	store_version_current(void);

int	store_begin(struct store *st, struct err *err);
int	store_commit(struct store *st, struct err *err);
int	store_rollback(struct store *st, struct err *err);

/*
 * Writes a consistent copy of the whole database, as of one moment, to a
 * new plain file at path (mode 0600; an existing path is refused; a
 * failed copy is removed).  Other connections may go on writing.  Refused
 * inside a transaction.  The copy is unencrypted at the file level: the
 * caller encrypts it.
 */
int	store_backup_to(struct store *st, const char *path, struct err *err);

/*
 * Installation-wide small text values (e.g. "master_key_fingerprint").
 * Keys are 1..STORE_META_KEY_MAX bytes; the keys "schema_version" and
 * "created_at" belong to the store and cannot be put.  get returns 1 if
 * the key is absent; else *value_out is the caller's to free.
 */
int	store_meta_get(struct store *st, const char *key, char **value_out,
	    struct err *err);
int	store_meta_put(struct store *st, const char *key, const char *value,
	    struct err *err);

/*
 * Tenants.
 *
 * Names are 1..STORE_NAME_MAX bytes of UTF-8 without control characters,
 * unique ("tenant NAME exists").  The wrapped data key is opaque (wrapped
 * by the vault's master key).
 */
int	store_tenant_create(struct store *st, const char *name,
	    const void *wrapped_key, size_t len, int64_t at, int64_t *id_out,
	    struct err *err);
/*
 * Returns 0 and fills *out, 1 if there is no such tenant, -1 on error.
 * out->name and out->wrapped_key are copies owned by the caller, freed
 * with store_tenant_clear().
 */
int	store_tenant_get(struct store *st, const char *name,
	    struct store_tenant *out, struct err *err);
void	store_tenant_clear(struct store_tenant *t);
/* Every tenant, by id; see Callbacks above. */
int	store_tenant_list(struct store *st, store_tenant_cb cb, void *arg,
	    struct err *err);
/* Replaces the wrapped data key (a master key rotation) and adds 1 to
 * its key version. */
int	store_tenant_set_key(struct store *st, int64_t tid,
	    const void *wrapped_key, size_t len, struct err *err);
/* Marks the tenant terminated at time at; a second call keeps the first
 * time.  Its data stays until store_tenant_erase(). */
int	store_tenant_terminate(struct store *st, int64_t tid, int64_t at,
	    struct err *err);
/*
 * Deletes every row of the tenant in every table, its wrapped key and
 * its log included, atomically (inside the caller's transaction if one
 * is open).  Deleted content is overwritten in the database file.
 */
int	store_tenant_erase(struct store *st, int64_t tid, struct err *err);
/* Terminated tenants with terminated_at < t, by id: the purge's list. */
int	store_tenant_terminated_before(struct store *st, int64_t t,
	    store_tenant_cb cb, void *arg, struct err *err);

/* Settings: one sealed blob per tenant.  get returns 1 if none; else
 * *sealed_out is the caller's to free. */
int	store_settings_put(struct store *st, int64_t tid, const void *sealed,
	    size_t len, int64_t at, struct err *err);
int	store_settings_get(struct store *st, int64_t tid, void **sealed_out,
	    size_t *len_out, struct err *err);

/*
 * Mailboxes, by the blind index of their address.  put returns the id of
 * the tenant's mailbox with that index, creating it (with sealed, kind
 * and created_at = at) if there is none; an existing row is left as it is.
 * kind is 1..STORE_KIND_MAX bytes ("file", "imap", ...).
 */
int	store_mailbox_put(struct store *st, int64_t tid,
	    const unsigned char bi[STORE_BI_LEN], const void *sealed, size_t len,
	    const char *kind, int64_t at, int64_t *id_out, struct err *err);
/* Replaces the opaque sync state of mailbox id of tenant tid. */
int	store_mailbox_set_sync(struct store *st, int64_t tid, int64_t id,
	    const void *sync, size_t len, struct err *err);
/* The tenant's mailboxes, by id. */
int	store_mailbox_list(struct store *st, int64_t tid, store_mailbox_cb cb,
	    void *arg, struct err *err);

/*
 * Sync states of mailboxes that replytime syncs (IMAP).  set_status sets
 * the state ("new", "ok" or "error"), the last error (NULL or "" for
 * none; 0..STORE_ERROR_MAX bytes of text, never a secret or header data)
 * and, unless synced_at is STORE_NO_TIME, the time of the last complete
 * sync.  get_status returns 0 and fills *out, or 1 if the tenant has no
 * such mailbox.
 */
int	store_mailbox_set_status(struct store *st, int64_t tid, int64_t id,
	    const char *state, const char *error, int64_t synced_at,
	    struct err *err);
int	store_mailbox_get_status(struct store *st, int64_t tid, int64_t id,
	    struct store_mailbox_status *out, struct err *err);

/*
 * Sources and their checkpoints, by the blind index of the source.
 *
 * get returns 0 and fills *out (out->ident is a copy the caller frees
 * with store_source_clear()), or 1 if the tenant has no such source.
 *
 * put creates or updates the source: mailbox (0: none), checkpoint pos
 * (opaque; for an mbox, the byte offset just past the last committed
 * message) and file identity (opaque; NULL for none).
 *
 * Crash safety rests on one rule: the caller writes the checkpoint in
 * the same transaction as the messages it covers:
 *	store_begin; store_msg_put ...; store_source_put(pos); store_commit
 * so after a crash the checkpoint and the messages agree, and the next
 * import resumes from the checkpoint (re-inserting is harmless anyway:
 * store_msg_put ignores a (source, pos) it already has).
 */
int	store_source_get(struct store *st, int64_t tid,
	    const unsigned char bi[STORE_BI_LEN], struct store_source *out,
	    struct err *err);
void	store_source_clear(struct store_source *s);
int	store_source_put(struct store *st, int64_t tid,
	    const unsigned char bi[STORE_BI_LEN], int64_t mailbox_id, int64_t pos,
	    const void *ident, size_t ident_len, int64_t at, int64_t *id_out,
	    struct err *err);

/*
 * Messages.  put inserts m (m->seq is ignored) unless the tenant already
 * has a message at (m->source_id, m->pos); *inserted_out (may be NULL)
 * says which.  The mailbox and source must be the tenant's (ERR_USAGE).
 * scan calls cb for each of the tenant's messages in seq order, which is
 * insert order: the source order of reports.
 */
int	store_msg_put(struct store *st, const struct store_msg *m,
	    int *inserted_out, struct err *err);
int	store_msg_scan(struct store *st, int64_t tid, store_msg_cb cb,
	    void *arg, struct err *err);
int	store_msg_count(struct store *st, int64_t tid, int64_t *n_out,
	    struct err *err);
/*
 * The generation of the tenant's messages (schema version 6): 0 at
 * first, and 1 more after every transaction that inserted or deleted any
 * of them (store_msg_put, store_msg_delete_range; a call outside
 * store_begin() is its own transaction).  The bump is written in that
 * transaction, so a reader in any process or thread sees the new value
 * exactly when it can see the changed messages.  One indexed lookup: for
 * caches of what is computed from the messages (store_msg_count is a
 * scan).  Below version 6 it is always 0.
 */
int	store_data_gen(struct store *st, int64_t tid, int64_t *gen_out,
	    struct err *err);
/*
 * Deletes the tenant's messages of source source_id whose position is in
 * lo..hi (a mail server expunged them, or renumbered the folder), and
 * returns how many in *n_out (may be NULL).  Deleted content is
 * overwritten in the database file.
 */
int	store_msg_delete_range(struct store *st, int64_t tid,
	    int64_t source_id, int64_t lo, int64_t hi, int64_t *n_out,
	    struct err *err);

/* Addresses: one row per distinct address bi of a tenant; put ignores a
 * bi the tenant already has.  scan goes in bi order. */
int	store_addr_put(struct store *st, int64_t tid,
	    const unsigned char bi[STORE_BI_LEN], const void *domain_keys,
	    size_t dk_len, const void *sealed, size_t sealed_len,
	    struct err *err);
int	store_addr_scan(struct store *st, int64_t tid, store_addr_cb cb,
	    void *arg, struct err *err);

/*
 * The processing log (imports, exports, deletions, purges).  tid is a
 * tenant or STORE_SYSTEM.  kind is 1..STORE_KIND_MAX bytes, detail
 * 0..STORE_TEXT_MAX bytes of UTF-8 (tab and newline allowed): counts,
 * ids and times, never header data.  purge deletes the entries of every
 * tenant older than before (at < before), the retention, and returns
 * their number in *n_out (may be NULL).  scan goes in id order.
 */
int	store_log_add(struct store *st, int64_t tid, int64_t at,
	    const char *kind, const char *detail, struct err *err);
int	store_log_purge(struct store *st, int64_t before, int64_t *n_out,
	    struct err *err);
int	store_log_scan(struct store *st, int64_t tid, store_log_cb cb,
	    void *arg, struct err *err);

/*
 * Export: the table names store_export_scan() accepts, a NULL-terminated
 * static list ("tenants", "settings", "mailboxes", "sources", "messages",
 * "addresses", "log"), and a scan of the tenant's rows of one of them
 * (for "tenants", the tenant's own row) with every column, in a stable
 * order.  Any other name is refused: no SQL text comes from outside.
 */
const char *const *store_table_names(void);
int	store_export_scan(struct store *st, int64_t tid, const char *table,
	    store_export_cb cb, void *arg, struct err *err);

/*
 * Accounts of the web dashboard (schema version 4; docs/security.md).
 *
 * Users belong to one tenant.  Their email is given sealed, with its
 * blind index for lookups: the store never sees it.  pwhash is an
 * argon2id string (crypto_pwhash_str), "" while no password is set.
 * Secrets of sessions, one-time tokens and API tokens are never given to
 * the store: only their STORE_HASH_LEN-byte hashes, by which the rows are
 * found.  A secret's hash is unique across tenants, so those lookups take
 * no tenant id and return the tenant the row belongs to; every other
 * call takes the tenant id and touches only that tenant's rows (another
 * tenant's id reads as "none", 1).
 */
#define STORE_HASH_LEN		32		/* hash of a secret */
#define STORE_PWHASH_MAX	256		/* argon2id string, bytes */
#define STORE_ROLE_MAX		16
#define STORE_AUDIT_TEXT_MAX	256		/* op, object, ip */

struct store_user {
	int64_t			 id;
	int64_t			 tid;
	unsigned char		 email_bi[STORE_BI_LEN];
	const void		*sealed_email;	/* borrowed, see below */
	size_t			 sealed_len;
	char			 role[STORE_ROLE_MAX];
	char			 pwhash[STORE_PWHASH_MAX];
	int			 must_change;	/* change at next login */
	int			 disabled;
	int64_t			 created_at;
	void			*owned;		/* store_user_clear() frees */
};

struct store_session {
	int64_t			 tid;
	int64_t			 uid;
	int64_t			 created_at;
	int64_t			 seen_at;
};

enum store_once_kind {
	STORE_ONCE_SETUP,	/* the first owner's password */
	STORE_ONCE_INVITE,	/* a new user's password */
	STORE_ONCE_RESET,	/* a forgotten password */
};

struct store_apitoken {
	int64_t			 id;
	int64_t			 tid;
	int64_t			 uid;
	const char		*name;		/* borrowed */
	int			 write;		/* scope: 0 read, 1 read-write */
	int64_t			 created_at;
	int64_t			 last_used_at;	/* STORE_NO_TIME: never */
	int64_t			 revoked_at;	/* STORE_NO_TIME: live */
};

struct store_audit {
	int64_t			 tid;
	int64_t			 seq;		/* 1, 2, ... per tenant */
	int64_t			 at;
	int64_t			 actor;		/* user id; 0: command line */
	const char		*op;		/* borrowed */
	const char		*object;	/* borrowed */
	const char		*ip;		/* borrowed; "" if none */
	unsigned char		 prev[STORE_HASH_LEN];
	unsigned char		 hash[STORE_HASH_LEN];
};

typedef int	(*store_user_cb)(void *arg, const struct store_user *u,
		    struct err *err);
typedef int	(*store_apitoken_cb)(void *arg,
		    const struct store_apitoken *t, struct err *err);
typedef int	(*store_audit_cb)(void *arg, const struct store_audit *e,
		    struct err *err);

/* The driver's entries for the calls below (store_acct_ops in
 * store_sqlite_user.c); the front checks the arguments first. */
struct store_acct_ops {
	int	(*user_add)(struct store_drv *d, const struct store_user *u,
		    int64_t *id_out, struct err *err);
	int	(*user_get)(struct store_drv *d, int64_t tid, int64_t id,
		    const unsigned char *bi, struct store_user *out,
		    struct err *err);
	int	(*user_set)(struct store_drv *d, const struct store_user *u,
		    struct err *err);
	int	(*user_list)(struct store_drv *d, int64_t tid,
		    store_user_cb cb, void *arg, struct err *err);
	int	(*session_add)(struct store_drv *d, const unsigned char *h,
		    const struct store_session *s, struct err *err);
	int	(*session_get)(struct store_drv *d, const unsigned char *h,
		    struct store_session *out, struct err *err);
	int	(*session_touch)(struct store_drv *d, const unsigned char *h,
		    int64_t at, struct err *err);
	int	(*session_del)(struct store_drv *d, const unsigned char *h,
		    int64_t tid, int64_t uid, struct err *err);
	int	(*once_add)(struct store_drv *d, const unsigned char *h,
		    int64_t tid, int64_t uid, enum store_once_kind kind,
		    int64_t expires, struct err *err);
	int	(*once_take)(struct store_drv *d, const unsigned char *h,
		    enum store_once_kind kind, int64_t now, int64_t *tid_out,
		    int64_t *uid_out, struct err *err);
	int	(*once_peek)(struct store_drv *d, const unsigned char *h,
		    enum store_once_kind kind, int64_t now, int64_t *tid_out,
		    int64_t *uid_out, struct err *err);
	int	(*apitoken_add)(struct store_drv *d, const unsigned char *h,
		    const struct store_apitoken *t, int64_t *id_out,
		    struct err *err);
	int	(*apitoken_get)(struct store_drv *d, const unsigned char *h,
		    struct store_apitoken *out, struct err *err);
	int	(*apitoken_list)(struct store_drv *d, int64_t tid,
		    store_apitoken_cb cb, void *arg, struct err *err);
	int	(*apitoken_revoke)(struct store_drv *d, int64_t tid,
		    int64_t id, int64_t uid, int64_t at, struct err *err);
	int	(*apitoken_touch)(struct store_drv *d, int64_t id, int64_t at,
		    struct err *err);
	int	(*audit_add)(struct store_drv *d, const struct store_audit *e,
		    struct err *err);
	int	(*audit_head)(struct store_drv *d, int64_t tid,
		    int64_t *seq_out, unsigned char *hash_out,
		    struct err *err);
	int	(*audit_scan)(struct store_drv *d, int64_t tid, int64_t from,
		    int64_t limit, int desc, store_audit_cb cb, void *arg,
		    struct err *err);
	int	(*settings_gen)(struct store_drv *d, int64_t tid, int bump,
		    int64_t *gen_out, struct err *err);
};

extern const struct store_acct_ops store_sqlite_acct_ops;

/*
 * Users.  add inserts u (u->id ignored; role one of owner, admin,
 * manager, agent, viewer) and fails with ERR_USAGE "exists" if the tenant
 * has a user with that email index.  get finds by id, find by email
 * index: 0 and *out filled (its pointers owned by out: free with
 * store_user_clear()), or 1 if the tenant has no such user.  set writes
 * role, pwhash, must_change and disabled of user u->id of tenant u->tid
 * (1 if none).  list goes in id order.
 */
int	store_user_add(struct store *st, const struct store_user *u,
	    int64_t *id_out, struct err *err);
int	store_user_get(struct store *st, int64_t tid, int64_t id,
	    struct store_user *out, struct err *err);
int	store_user_find(struct store *st, int64_t tid,
	    const unsigned char bi[STORE_BI_LEN], struct store_user *out,
	    struct err *err);
void	store_user_clear(struct store_user *u);
int	store_user_set(struct store *st, const struct store_user *u,
	    struct err *err);
int	store_user_list(struct store *st, int64_t tid, store_user_cb cb,
	    void *arg, struct err *err);

/*
 * Sessions, by the hash of their id.  get returns 1 if none.  del with a
 * hash deletes that session; with h NULL, every session of user uid of
 * tenant tid (logout everywhere).
 */
int	store_session_add(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], const struct store_session *s,
	    struct err *err);
int	store_session_get(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], struct store_session *out,
	    struct err *err);
int	store_session_touch(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], int64_t at, struct err *err);
int	store_session_del(struct store *st, const unsigned char *h,
	    int64_t tid, int64_t uid, struct err *err);

/*
 * One-time tokens (setup, invitation, reset), by hash.  add first deletes
 * the user's older tokens of the same kind.  take deletes the token and
 * returns 0 with its tenant and user if it was of that kind and
 * expires > now, else 1: a token works once, and an expired one is gone.
 * peek is take without the delete (to show a form before it is used).
 */
int	store_once_add(struct store *st, const unsigned char h[STORE_HASH_LEN],
	    int64_t tid, int64_t uid, enum store_once_kind kind,
	    int64_t expires, struct err *err);
int	store_once_take(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], enum store_once_kind kind,
	    int64_t now, int64_t *tid_out, int64_t *uid_out, struct err *err);
int	store_once_peek(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], enum store_once_kind kind,
	    int64_t now, int64_t *tid_out, int64_t *uid_out, struct err *err);

/*
 * API tokens, by hash.  name is 1..STORE_NAME_MAX bytes.  get returns 1
 * if none (a revoked token is returned, revoked_at set: the caller
 * refuses it); out->name is NULL.  revoke marks token id of tenant tid
 * revoked (and only if it is user uid's, unless uid is 0); 1 if none.
 */
int	store_apitoken_add(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], const struct store_apitoken *t,
	    int64_t *id_out, struct err *err);
int	store_apitoken_get(struct store *st,
	    const unsigned char h[STORE_HASH_LEN], struct store_apitoken *out,
	    struct err *err);
int	store_apitoken_list(struct store *st, int64_t tid,
	    store_apitoken_cb cb, void *arg, struct err *err);
int	store_apitoken_revoke(struct store *st, int64_t tid, int64_t id,
	    int64_t uid, int64_t at, struct err *err);
int	store_apitoken_touch(struct store *st, int64_t id, int64_t at,
	    struct err *err);

/*
 * The audit log: entries come with seq, prev and hash computed by the
 * caller (auth/audit.c); the store refuses a seq the tenant has (so two
 * writers cannot fork the chain).  head returns the last entry's seq and
 * hash, or 1 if the tenant has none.  scan goes by seq, ascending from
 * seq >= from, or descending from seq <= from if desc (from 0: the
 * newest), at most limit entries (0: all).
 */
int	store_audit_add(struct store *st, const struct store_audit *e,
	    struct err *err);
int	store_audit_head(struct store *st, int64_t tid, int64_t *seq_out,
	    unsigned char hash_out[STORE_HASH_LEN], struct err *err);
int	store_audit_scan(struct store *st, int64_t tid, int64_t from,
	    int64_t limit, int desc, store_audit_cb cb, void *arg,
	    struct err *err);

/* The generation of a tenant's settings (0 at first); bump adds 1 and
 * returns the new value.  Caches of computed reports compare it. */
int	store_settings_gen(struct store *st, int64_t tid, int64_t *gen_out,
	    struct err *err);
int	store_settings_bump(struct store *st, int64_t tid, int64_t *gen_out,
	    struct err *err);

/*
 * Mailboxes managed from the dashboard (store_mailbox_ext.c, the SQLite
 * driver's part in store_sqlite_mbx.c; no schema change).
 *
 * msg_count: the number of the tenant's messages read from mailbox id's
 * sources.  remove: deletes mailbox id of tenant tid with its sources
 * and their messages (overwritten in the file), atomically; 1 if the
 * tenant has no such mailbox; a removal bumps the tenant's data
 * generation (store_data_gen()) in the same transaction.
 */
struct store_mbx_ops {
	int	(*msg_count)(struct store_drv *d, int64_t tid, int64_t id,
		    int64_t *n_out, struct err *err);
	int	(*remove)(struct store_drv *d, int64_t tid, int64_t id,
		    struct err *err);
};

extern const struct store_mbx_ops store_sqlite_mbx_ops;

int	store_mailbox_msg_count(struct store *st, int64_t tid, int64_t id,
	    int64_t *n_out, struct err *err);
int	store_mailbox_remove(struct store *st, int64_t tid, int64_t id,
	    struct err *err);
/* For fronts kept in their own files: the checks every call makes, then
 * the driver and its table. */
int	store_front(struct store *st, const struct store_ops **ops,
	    struct store_drv **drv, struct err *err);

#endif
