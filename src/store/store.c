/*
 * store.c: the front of the store (see store.h).
 *
 * Every public function lands here first.  The front checks what does
 * not depend on the database -- tenant ids, lengths against the limits,
 * text that a PostgreSQL TEXT column would refuse (invalid UTF-8, NUL)
 * or that would be unsafe in an error message (control characters) --
 * and then calls the driver.  Drivers can therefore trust their
 * arguments and stay small, and every driver enforces the same limits.
 *
 * The front also keeps the state every driver needs the same way:
 * whether a scan callback is running, so that a callback that calls back
 * into the store gets an error instead of disturbing the statement that
 * is calling it; and which tenants' messages the open transaction
 * changed, whose data generation it bumps just before the commit (a
 * change outside store_begin() gets a transaction of its own).
 *
 * NULL where the contract wants a pointer is a bug: it aborts (RT_ASSERT
 * where the front does not touch the pointer itself, a crash where it
 * does).  Values that can come from input or from the database are
 * returned as errors.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/str.h"
#include "../base/xmalloc.h"
#include "schema.h"
#include "store.h"

struct store {
	const struct store_ops	*ops;
	struct store_drv	*drv;		/* owned */
	int			 in_scan;	/* a scan callback is running */
	int			 in_tx;		/* store_begin() .. its end */
	int64_t			*changed;	/* owned: tenants whose messages
						   the open transaction changed */
	size_t			 nchanged, capchanged;
};

/* Keys of the meta table that only the store writes. */
static const char *const meta_reserved[] = { "schema_version", "created_at" };

static const char *const table_names[] = {
	"tenants", "settings", "mailboxes", "sources", "messages",
	"addresses", "log", NULL
};

/*
 * Decodes the UTF-8 sequence at p (n bytes left) into *cp_out; returns its
 * length, or 0 if it is invalid (overlong, a surrogate, past U+10FFFF,
 * truncated).
 */
static size_t
utf8_next(const unsigned char *p, size_t n, uint32_t *cp_out)
{
	size_t		len;
	uint32_t	cp;

	if (p[0] < 0x80) {
		*cp_out = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return len;
}

/*
 * Checks that s is min..max bytes of UTF-8 (what a PostgreSQL TEXT column
 * accepts) without control characters, C0 or C1 (but tab and newline if
 * free_text), so it is also safe to print.  what names the argument in
 * the error; s itself is never quoted.
 */
static int
check_text(const char *s, size_t min, size_t max, int free_text,
    const char *what, struct err *err)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len, i, n;
	uint32_t		 cp;

	len = strnlen(s, max + 1);
	if (len < min)
		return err_set(err, ERR_USAGE, "store: %s is empty", what);
	if (len > max)
		return err_set(err, ERR_LIMIT,
		    "store: %s is longer than %zu bytes", what, max);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_next(p + i, len - i, &cp)) == 0)
			return err_set(err, ERR_USAGE,
			    "store: %s: invalid UTF-8 at byte %zu", what, i);
		if (free_text && (cp == '\t' || cp == '\n'))
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return err_set(err, ERR_USAGE, "store: %s: "
			    "control character at byte %zu", what, i);
	}
	return 0;
}

static int
check_blob(const void *p, size_t len, const char *what, struct err *err)
{
	RT_ASSERT(p != NULL || len == 0);
	if (len > STORE_BLOB_MAX)
		return err_set(err, ERR_LIMIT, "store: %s: %zu bytes is over "
		    "the limit of %d", what, len, STORE_BLOB_MAX);
	return 0;
}

static int
check_tid(int64_t tid, struct err *err)
{
	if (tid <= 0)
		return err_set(err, ERR_USAGE,
		    "store: %" PRId64 " is not a tenant id", tid);
	return 0;
}

/* Every entry point starts here. */
static int
check_store(struct store *st, struct err *err)
{
	if (st->in_scan)
		return err_set(err, ERR_USAGE,
		    "store: called from inside a scan callback");
	return 0;
}

/* ... and every one that takes a tenant id, here. */
static int
check_call(struct store *st, int64_t tid, struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	return check_tid(tid, err);
}

/* The log takes STORE_SYSTEM as well as a tenant: the id to check. */
#define LOG_TID(tid)	((tid) == STORE_SYSTEM ? 1 : (tid))

/*
 * A scan: check_call(), then marks the store as inside a callback until
 * scan_leave(), which is given the driver's result and returns it:
 *	if (scan_enter(st, tid, cb != NULL, err) == -1)
 *		return -1;
 *	return scan_leave(st, st->ops->xxx_scan(st->drv, tid, cb, arg, err));
 */
static int
scan_enter(struct store *st, int64_t tid, int has_cb, struct err *err)
{
	if (check_call(st, tid, err) == -1)
		return -1;
	RT_ASSERT(has_cb);
	if (err != NULL)
		err_clear(err);
	st->in_scan = 1;
	return 0;
}

static int
scan_leave(struct store *st, int rc)
{
	st->in_scan = 0;
	return rc;
}

int
store_open_at_version(const char *path, int max_version, struct store **out,
    struct err *err)
{
	struct store	*st;
	struct store_drv *drv;

	*out = NULL;
	if (max_version < 1 || max_version > SCHEMA_VERSION)
		return err_set(err, ERR_USAGE, "store: schema version %d: "
		    "this program knows 1 to %d", max_version, SCHEMA_VERSION);
	if (path[0] == '\0')
		return err_set(err, ERR_USAGE, "store: empty database path");
	if (store_sqlite_ops.open(path, max_version, (int64_t)time(NULL), &drv,
	    err) == -1)
		return -1;
	st = xcalloc(1, sizeof(*st));
	st->ops = &store_sqlite_ops;
	st->drv = drv;
	*out = st;
	return 0;
}

int
store_open(const char *path, struct store **out, struct err *err)
{
	return store_open_at_version(path, SCHEMA_VERSION, out, err);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	st->ops->close(st->drv);
	free(st->changed);
	free(st);
}

int
store_version(struct store *st)
{
	return st->ops->version(st->drv);
}

int
store_version_current(void)
{
	return SCHEMA_VERSION;
}

int
store_begin(struct store *st, struct err *err)
{
	if (check_store(st, err) == -1 || st->ops->begin(st->drv, err) == -1)
		return -1;
	st->in_tx = 1;
	st->nchanged = 0;
	return 0;
}

/* Bumps the data generation of each tenant the transaction changed. */
static int
bump_changed(struct store *st, struct err *err)
{
	int64_t	g;

	for (size_t i = 0; i < st->nchanged; i++)
		if (st->ops->data_gen(st->drv, st->changed[i], 1, &g,
		    err) == -1)
			return -1;
	return 0;
}

int
store_commit(struct store *st, struct err *err)
{
	int	rc;

	if (check_store(st, err) == -1)
		return -1;
	/* A failed bump leaves the transaction open: the caller rolls back. */
	if (st->in_tx && bump_changed(st, err) == -1)
		return -1;
	/* The driver never leaves a failed commit open. */
	rc = st->ops->commit(st->drv, err);
	st->in_tx = 0;
	st->nchanged = 0;
	return rc;
}

int
store_rollback(struct store *st, struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	st->in_tx = 0;
	st->nchanged = 0;
	return st->ops->rollback(st->drv, err);
}

/* Notes that the open transaction changed tenant tid's messages. */
static void
data_changed(struct store *st, int64_t tid)
{
	if (st->ops->version(st->drv) < SCHEMA_DATA_GEN)
		return;
	for (size_t i = 0; i < st->nchanged; i++)
		if (st->changed[i] == tid)
			return;
	if (st->nchanged == st->capchanged) {
		st->capchanged = st->capchanged ? 2 * st->capchanged : 4;
		st->changed = xreallocarray(st->changed, st->capchanged,
		    sizeof(*st->changed));
	}
	st->changed[st->nchanged++] = tid;
}

/*
 * A call that may change messages: outside store_begin() it opens a
 * transaction of its own (*own set), which own_end() commits if rc is 0
 * (bumping the generation with it) or rolls back, and returns rc.
 */
static int
own_begin(struct store *st, int *own, struct err *err)
{
	*own = !st->in_tx && st->ops->version(st->drv) >= SCHEMA_DATA_GEN;
	return *own ? store_begin(st, err) : 0;
}

static int
own_end(struct store *st, int own, int rc, struct err *err)
{
	struct err	ignored;

	if (!own)
		return rc;
	if (rc == 0)
		return store_commit(st, err);
	(void)store_rollback(st, &ignored);
	return rc;
}

int
store_backup_to(struct store *st, const char *path, struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	if (path[0] == '\0')
		return err_set(err, ERR_USAGE, "store: empty backup path");
	if (st->ops->backup_to == NULL)
		return err_set(err, ERR_UNSUPPORTED, "store: the %s driver "
		    "cannot make backups", st->ops->name);
	return st->ops->backup_to(st->drv, path, err);
}

int
store_meta_get(struct store *st, const char *key, char **value_out,
    struct err *err)
{
	if (check_store(st, err) == -1 || check_text(key, 1,
	    STORE_META_KEY_MAX, 0, "meta key", err) == -1)
		return -1;
	RT_ASSERT(value_out != NULL);
	return st->ops->meta_get(st->drv, key, value_out, err);
}

int
store_meta_put(struct store *st, const char *key, const char *value,
    struct err *err)
{
	if (check_store(st, err) == -1 || check_text(key, 1,
	    STORE_META_KEY_MAX, 0, "meta key", err) == -1 ||
	    check_text(value, 0, STORE_TEXT_MAX, 1, "meta value", err) == -1)
		return -1;
	for (size_t i = 0; i < nitems(meta_reserved); i++)
		if (strcmp(key, meta_reserved[i]) == 0)
			return err_set(err, ERR_USAGE, "store: meta key %s "
			    "belongs to the store", meta_reserved[i]);
	return st->ops->meta_put(st->drv, key, value, err);
}

int
store_tenant_create(struct store *st, const char *name,
    const void *wrapped_key, size_t len, int64_t at, int64_t *id_out,
    struct err *err)
{
	if (check_store(st, err) == -1 || check_text(name, 1,
	    STORE_NAME_MAX, 0, "tenant name", err) == -1 ||
	    check_blob(wrapped_key, len, "wrapped key", err) == -1)
		return -1;
	RT_ASSERT(id_out != NULL);
	if (len == 0)
		return err_set(err, ERR_USAGE, "store: empty wrapped key");
	return st->ops->tenant_create(st->drv, name, wrapped_key, len, at,
	    id_out, err);
}

int
store_tenant_get(struct store *st, const char *name, struct store_tenant *out,
    struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_store(st, err) == -1 || check_text(name, 1,
	    STORE_NAME_MAX, 0, "tenant name", err) == -1)
		return -1;
	return st->ops->tenant_get(st->drv, name, out, err);
}

void
store_tenant_clear(struct store_tenant *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->wrapped_key);
	memset(t, 0, sizeof(*t));
}

int
store_tenant_list(struct store *st, store_tenant_cb cb, void *arg,
    struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	RT_ASSERT(cb != NULL);
	if (err != NULL)
		err_clear(err);
	/* Not marked in_scan: the driver reads every row first. */
	return st->ops->tenant_list(st->drv, 0, 0, cb, arg, err);
}

int
store_tenant_terminated_before(struct store *st, int64_t t,
    store_tenant_cb cb, void *arg, struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	RT_ASSERT(cb != NULL);
	if (err != NULL)
		err_clear(err);
	return st->ops->tenant_list(st->drv, 1, t, cb, arg, err);
}

int
store_tenant_set_key(struct store *st, int64_t tid, const void *wrapped_key,
    size_t len, struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_blob(wrapped_key, len, "wrapped key", err) == -1)
		return -1;
	if (len == 0)
		return err_set(err, ERR_USAGE, "store: empty wrapped key");
	return st->ops->tenant_set_key(st->drv, tid, wrapped_key, len, err);
}

int
store_tenant_terminate(struct store *st, int64_t tid, int64_t at,
    struct err *err)
{
	if (check_call(st, tid, err) == -1)
		return -1;
	if (at == STORE_NO_TIME)
		return err_set(err, ERR_USAGE, "store: terminate: no time");
	return st->ops->tenant_terminate(st->drv, tid, at, err);
}

int
store_tenant_erase(struct store *st, int64_t tid, struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    st->ops->tenant_erase(st->drv, tid, err) == -1)
		return -1;
	/* Its generation went with it: nothing to bump at the commit. */
	for (size_t i = 0; i < st->nchanged; i++)
		if (st->changed[i] == tid)
			st->changed[i--] = st->changed[--st->nchanged];
	return 0;
}

int
store_settings_put(struct store *st, int64_t tid, const void *sealed,
    size_t len, int64_t at, struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_blob(sealed, len, "settings", err) == -1)
		return -1;
	return st->ops->settings_put(st->drv, tid, sealed, len, at, err);
}

int
store_settings_get(struct store *st, int64_t tid, void **sealed_out,
    size_t *len_out, struct err *err)
{
	*sealed_out = NULL;
	*len_out = 0;
	if (check_call(st, tid, err) == -1)
		return -1;
	return st->ops->settings_get(st->drv, tid, sealed_out, len_out, err);
}

int
store_mailbox_put(struct store *st, int64_t tid,
    const unsigned char bi[STORE_BI_LEN], const void *sealed, size_t len,
    const char *kind, int64_t at, int64_t *id_out, struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_blob(sealed, len, "sealed address", err) == -1 ||
	    check_text(kind, 1, STORE_KIND_MAX, 0, "mailbox kind", err) == -1)
		return -1;
	RT_ASSERT(bi != NULL && id_out != NULL);
	return st->ops->mailbox_put(st->drv, tid, bi, sealed, len, kind, at,
	    id_out, err);
}

int
store_mailbox_set_sync(struct store *st, int64_t tid, int64_t id,
    const void *sync, size_t len, struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_blob(sync, len, "sync state", err) == -1)
		return -1;
	return st->ops->mailbox_set_sync(st->drv, tid, id, sync, len, err);
}

int
store_mailbox_list(struct store *st, int64_t tid, store_mailbox_cb cb,
    void *arg, struct err *err)
{
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, st->ops->mailbox_list(st->drv, tid, cb, arg,
	    err));
}

int
store_mailbox_set_status(struct store *st, int64_t tid, int64_t id,
    const char *state, const char *error, int64_t synced_at,
    struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_text(state, 1, STORE_STATE_MAX - 1, 0, "mailbox state",
	    err) == -1 || (error != NULL && check_text(error, 0,
	    STORE_ERROR_MAX, 1, "mailbox error", err) == -1))
		return -1;
	if (strcmp(state, "new") != 0 && strcmp(state, "ok") != 0 &&
	    strcmp(state, "error") != 0)
		return err_set(err, ERR_USAGE, "store: unknown mailbox state");
	return st->ops->mailbox_set_status(st->drv, tid, id, state,
	    error != NULL && *error != '\0' ? error : NULL, synced_at, err);
}

int
store_mailbox_get_status(struct store *st, int64_t tid, int64_t id,
    struct store_mailbox_status *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_call(st, tid, err) == -1)
		return -1;
	return st->ops->mailbox_get_status(st->drv, tid, id, out, err);
}

int
store_msg_delete_range(struct store *st, int64_t tid, int64_t source_id,
    int64_t lo, int64_t hi, int64_t *n_out, struct err *err)
{
	int64_t	n = 0;
	int	own, rc;

	if (n_out != NULL)
		*n_out = 0;
	if (check_call(st, tid, err) == -1)
		return -1;
	if (source_id <= 0 || lo < 0 || hi < lo)
		return err_set(err, ERR_USAGE, "store: message deletion: bad "
		    "source or range");
	if (own_begin(st, &own, err) == -1)
		return -1;
	rc = st->ops->msg_delete_range(st->drv, tid, source_id, lo, hi, &n,
	    err);
	if (rc == 0 && n > 0)
		data_changed(st, tid);
	if ((rc = own_end(st, own, rc, err)) == 0 && n_out != NULL)
		*n_out = n;
	return rc;
}

int
store_source_get(struct store *st, int64_t tid,
    const unsigned char bi[STORE_BI_LEN], struct store_source *out,
    struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_call(st, tid, err) == -1)
		return -1;
	return st->ops->source_get(st->drv, tid, bi, out, err);
}

void
store_source_clear(struct store_source *s)
{
	if (s == NULL)
		return;
	free(s->ident);
	memset(s, 0, sizeof(*s));
}

int
store_source_put(struct store *st, int64_t tid,
    const unsigned char bi[STORE_BI_LEN], int64_t mailbox_id, int64_t pos,
    const void *ident, size_t ident_len, int64_t at, int64_t *id_out,
    struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_blob(ident, ident_len, "source identity", err) == -1)
		return -1;
	RT_ASSERT(bi != NULL && id_out != NULL);
	if (mailbox_id < 0 || pos < 0)
		return err_set(err, ERR_USAGE, "store: source: negative %s",
		    pos < 0 ? "checkpoint" : "mailbox id");
	return st->ops->source_put(st->drv, tid, bi, mailbox_id, pos, ident,
	    ident_len, at, id_out, err);
}

int
store_msg_put(struct store *st, const struct store_msg *m, int *inserted_out,
    struct err *err)
{
	int	own, rc, ins = 0;

	if (inserted_out != NULL)
		*inserted_out = 0;
	if (check_call(st, m->tid, err) == -1 ||
	    check_blob(m->keys, m->keys_len, "message keys", err) == -1 ||
	    check_blob(m->sealed, m->sealed_len, "sealed message", err) == -1)
		return -1;
	if (m->source_id <= 0 || m->mailbox_id < 0 || m->pos < 0)
		return err_set(err, ERR_USAGE, "store: message: %s",
		    m->pos < 0 ? "negative position" : m->mailbox_id < 0 ?
		    "negative mailbox id" : "no source");
	if (own_begin(st, &own, err) == -1)
		return -1;
	rc = st->ops->msg_put(st->drv, m, &ins, err);
	if (rc == 0 && ins)
		data_changed(st, m->tid);
	if ((rc = own_end(st, own, rc, err)) == 0 && inserted_out != NULL)
		*inserted_out = ins;
	return rc;
}

int
store_msg_scan(struct store *st, int64_t tid, store_msg_cb cb, void *arg,
    struct err *err)
{
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, st->ops->msg_scan(st->drv, tid, cb, arg, err));
}

int
store_msg_count(struct store *st, int64_t tid, int64_t *n_out,
    struct err *err)
{
	*n_out = 0;
	if (check_call(st, tid, err) == -1)
		return -1;
	return st->ops->msg_count(st->drv, tid, n_out, err);
}

int
store_data_gen(struct store *st, int64_t tid, int64_t *gen_out,
    struct err *err)
{
	*gen_out = 0;
	if (check_call(st, tid, err) == -1)
		return -1;
	if (st->ops->version(st->drv) < SCHEMA_DATA_GEN)
		return 0;
	return st->ops->data_gen(st->drv, tid, 0, gen_out, err);
}

int
store_addr_put(struct store *st, int64_t tid,
    const unsigned char bi[STORE_BI_LEN], const void *domain_keys,
    size_t dk_len, const void *sealed, size_t sealed_len, struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_blob(domain_keys, dk_len, "domain keys", err) == -1 ||
	    check_blob(sealed, sealed_len, "sealed address", err) == -1)
		return -1;
	RT_ASSERT(bi != NULL);
	return st->ops->addr_put(st->drv, tid, bi, domain_keys, dk_len,
	    sealed, sealed_len, err);
}

int
store_addr_scan(struct store *st, int64_t tid, store_addr_cb cb, void *arg,
    struct err *err)
{
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, st->ops->addr_scan(st->drv, tid, cb, arg, err));
}

int
store_log_add(struct store *st, int64_t tid, int64_t at, const char *kind,
    const char *detail, struct err *err)
{
	if (check_call(st, LOG_TID(tid),
	    err) == -1 || check_text(kind, 1, STORE_KIND_MAX, 0, "log kind",
	    err) == -1 || check_text(detail, 0, STORE_TEXT_MAX, 1,
	    "log detail", err) == -1)
		return -1;
	return st->ops->log_add(st->drv, tid, at, kind, detail, err);
}

int
store_log_purge(struct store *st, int64_t before, int64_t *n_out,
    struct err *err)
{
	int64_t	n = 0;

	if (n_out != NULL)
		*n_out = 0;
	if (check_store(st, err) == -1)
		return -1;
	if (st->ops->log_purge(st->drv, before, &n, err) == -1)
		return -1;
	if (n_out != NULL)
		*n_out = n;
	return 0;
}

int
store_log_scan(struct store *st, int64_t tid, store_log_cb cb, void *arg,
    struct err *err)
{
	if (scan_enter(st, LOG_TID(tid), cb != NULL,
	    err) == -1)
		return -1;
	return scan_leave(st, st->ops->log_scan(st->drv, tid, cb, arg, err));
}

const char *const *
store_table_names(void)
{
	return table_names;
}

int
store_export_scan(struct store *st, int64_t tid, const char *table,
    store_export_cb cb, void *arg, struct err *err)
{
	if (check_call(st, tid, err) == -1)
		return -1;
	/* The name is checked here and again by the driver's lookup. */
	if (schema_table_find(table) == NULL)
		return err_set(err, ERR_USAGE, "store: export: no table of "
		    "that name");
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, st->ops->export_scan(st->drv, tid, table, cb,
	    arg, err));
}

/* ---- Accounts (store.h): argument checks, then the driver ---- */

#define ACCT(st)	((st)->ops->acct)

static const char *const roles[] = {
	"owner", "admin", "manager", "agent", "viewer",
};

static int
check_user(const struct store_user *u, struct err *err)
{
	size_t	i;

	if (check_tid(u->tid, err) == -1 || check_blob(u->sealed_email,
	    u->sealed_len, "sealed email", err) == -1)
		return -1;
	for (i = 0; i < nitems(roles); i++)
		if (strcmp(u->role, roles[i]) == 0)
			break;
	if (i == nitems(roles))
		return err_set(err, ERR_USAGE, "store: user: unknown role");
	if (strnlen(u->pwhash, STORE_PWHASH_MAX) == STORE_PWHASH_MAX)
		return err_set(err, ERR_LIMIT, "store: user: password hash "
		    "too long");
	return check_text(u->pwhash, 0, STORE_PWHASH_MAX - 1, 0,
	    "password hash", err);
}

int
store_user_add(struct store *st, const struct store_user *u, int64_t *id_out,
    struct err *err)
{
	*id_out = 0;
	if (check_store(st, err) == -1 || check_user(u, err) == -1)
		return -1;
	if (u->sealed_len == 0)
		return err_set(err, ERR_USAGE, "store: user: no email");
	return ACCT(st)->user_add(st->drv, u, id_out, err);
}

int
store_user_get(struct store *st, int64_t tid, int64_t id,
    struct store_user *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_call(st, tid, err) == -1)
		return -1;
	return ACCT(st)->user_get(st->drv, tid, id, NULL, out, err);
}

int
store_user_find(struct store *st, int64_t tid,
    const unsigned char bi[STORE_BI_LEN], struct store_user *out,
    struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_call(st, tid, err) == -1)
		return -1;
	RT_ASSERT(bi != NULL);
	return ACCT(st)->user_get(st->drv, tid, 0, bi, out, err);
}

void
store_user_clear(struct store_user *u)
{
	if (u == NULL)
		return;
	free(u->owned);
	memset(u, 0, sizeof(*u));
}

int
store_user_set(struct store *st, const struct store_user *u, struct err *err)
{
	if (check_store(st, err) == -1 || check_user(u, err) == -1)
		return -1;
	return ACCT(st)->user_set(st->drv, u, err);
}

int
store_user_list(struct store *st, int64_t tid, store_user_cb cb, void *arg,
    struct err *err)
{
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, ACCT(st)->user_list(st->drv, tid, cb, arg,
	    err));
}

int
store_session_add(struct store *st, const unsigned char h[STORE_HASH_LEN],
    const struct store_session *s, struct err *err)
{
	if (check_call(st, s->tid, err) == -1)
		return -1;
	return ACCT(st)->session_add(st->drv, h, s, err);
}

int
store_session_get(struct store *st, const unsigned char h[STORE_HASH_LEN],
    struct store_session *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_store(st, err) == -1)
		return -1;
	return ACCT(st)->session_get(st->drv, h, out, err);
}

int
store_session_touch(struct store *st, const unsigned char h[STORE_HASH_LEN],
    int64_t at, struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	return ACCT(st)->session_touch(st->drv, h, at, err);
}

int
store_session_del(struct store *st, const unsigned char *h, int64_t tid,
    int64_t uid, struct err *err)
{
	if (check_store(st, err) == -1 || (h == NULL &&
	    check_tid(tid, err) == -1))
		return -1;
	return ACCT(st)->session_del(st->drv, h, tid, uid, err);
}

static int
check_once(enum store_once_kind kind, struct err *err)
{
	if (kind != STORE_ONCE_SETUP && kind != STORE_ONCE_INVITE &&
	    kind != STORE_ONCE_RESET)
		return err_set(err, ERR_USAGE, "store: unknown token kind");
	return 0;
}

int
store_once_add(struct store *st, const unsigned char h[STORE_HASH_LEN],
    int64_t tid, int64_t uid, enum store_once_kind kind, int64_t expires,
    struct err *err)
{
	if (check_call(st, tid, err) == -1 ||
	    check_once(kind, err) == -1)
		return -1;
	return ACCT(st)->once_add(st->drv, h, tid, uid, kind, expires, err);
}

int
store_once_take(struct store *st, const unsigned char h[STORE_HASH_LEN],
    enum store_once_kind kind, int64_t now, int64_t *tid_out,
    int64_t *uid_out, struct err *err)
{
	*tid_out = *uid_out = 0;
	if (check_store(st, err) == -1 || check_once(kind, err) == -1)
		return -1;
	return ACCT(st)->once_take(st->drv, h, kind, now, tid_out, uid_out,
	    err);
}

int
store_once_peek(struct store *st, const unsigned char h[STORE_HASH_LEN],
    enum store_once_kind kind, int64_t now, int64_t *tid_out,
    int64_t *uid_out, struct err *err)
{
	*tid_out = *uid_out = 0;
	if (check_store(st, err) == -1 || check_once(kind, err) == -1)
		return -1;
	return ACCT(st)->once_peek(st->drv, h, kind, now, tid_out, uid_out,
	    err);
}

int
store_apitoken_add(struct store *st, const unsigned char h[STORE_HASH_LEN],
    const struct store_apitoken *t, int64_t *id_out, struct err *err)
{
	*id_out = 0;
	if (check_call(st, t->tid, err) == -1 ||
	    check_text(t->name, 1, STORE_NAME_MAX, 0, "token name", err) == -1)
		return -1;
	return ACCT(st)->apitoken_add(st->drv, h, t, id_out, err);
}

int
store_apitoken_get(struct store *st, const unsigned char h[STORE_HASH_LEN],
    struct store_apitoken *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (check_store(st, err) == -1)
		return -1;
	return ACCT(st)->apitoken_get(st->drv, h, out, err);
}

int
store_apitoken_list(struct store *st, int64_t tid, store_apitoken_cb cb,
    void *arg, struct err *err)
{
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, ACCT(st)->apitoken_list(st->drv, tid, cb, arg,
	    err));
}

int
store_apitoken_revoke(struct store *st, int64_t tid, int64_t id, int64_t uid,
    int64_t at, struct err *err)
{
	if (check_call(st, tid, err) == -1)
		return -1;
	return ACCT(st)->apitoken_revoke(st->drv, tid, id, uid, at, err);
}

int
store_apitoken_touch(struct store *st, int64_t id, int64_t at,
    struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	return ACCT(st)->apitoken_touch(st->drv, id, at, err);
}

int
store_audit_add(struct store *st, const struct store_audit *e,
    struct err *err)
{
	if (check_call(st, e->tid, err) == -1 ||
	    check_text(e->op, 1, STORE_AUDIT_TEXT_MAX, 0, "audit op",
	    err) == -1 || check_text(e->object, 0, STORE_AUDIT_TEXT_MAX, 0,
	    "audit object", err) == -1 || check_text(e->ip, 0,
	    STORE_AUDIT_TEXT_MAX, 0, "audit ip", err) == -1)
		return -1;
	if (e->seq < 1)
		return err_set(err, ERR_USAGE, "store: audit: bad seq");
	return ACCT(st)->audit_add(st->drv, e, err);
}

int
store_audit_head(struct store *st, int64_t tid, int64_t *seq_out,
    unsigned char hash_out[STORE_HASH_LEN], struct err *err)
{
	*seq_out = 0;
	memset(hash_out, 0, STORE_HASH_LEN);
	if (check_call(st, tid, err) == -1)
		return -1;
	return ACCT(st)->audit_head(st->drv, tid, seq_out, hash_out, err);
}

int
store_audit_scan(struct store *st, int64_t tid, int64_t from, int64_t limit,
    int desc, store_audit_cb cb, void *arg, struct err *err)
{
	if (scan_enter(st, tid, cb != NULL, err) == -1)
		return -1;
	return scan_leave(st, ACCT(st)->audit_scan(st->drv, tid, from,
	    limit, desc, cb, arg, err));
}

int
store_settings_gen(struct store *st, int64_t tid, int64_t *gen_out,
    struct err *err)
{
	*gen_out = 0;
	if (check_call(st, tid, err) == -1)
		return -1;
	return ACCT(st)->settings_gen(st->drv, tid, 0, gen_out, err);
}

int
store_settings_bump(struct store *st, int64_t tid, int64_t *gen_out,
    struct err *err)
{
	*gen_out = 0;
	if (check_call(st, tid, err) == -1)
		return -1;
	return ACCT(st)->settings_gen(st->drv, tid, 1, gen_out, err);
}

int
store_front(struct store *st, const struct store_ops **ops,
    struct store_drv **drv, struct err *err)
{
	if (check_store(st, err) == -1)
		return -1;
	*ops = st->ops;
	*drv = st->drv;
	return 0;
}
