/*
 * store_sqlite_user.c: the accounts of the web dashboard in the SQLite
 * driver: users, sessions, one-time tokens, API tokens, the audit chain
 * and the settings generation (schema version 4; see store.h).
 *
 * Rows found by the hash of a secret (sessions, tokens) are looked up
 * without a tenant id and return theirs; everything else binds the
 * tenant id in its WHERE clause, so another tenant's id finds nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "store_sqlite.h"

static const char *const once_kinds[] = { "setup", "invite", "reset" };

#define USER_COLS \
	"id, tenant_id, email_bi, sealed_email, role, pwhash, must_change," \
	" disabled, created_at"

/* Fills u from the row of s (USER_COLS); its pointers borrow s. */
static void
user_row(sqlite3_stmt *s, struct store_user *u)
{
	const char	*t;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	u->tid = sqlite3_column_int64(s, 1);
	sq_col_bi(s, 2, u->email_bi);
	u->sealed_email = sqlite3_column_blob(s, 3);
	u->sealed_len = (size_t)sqlite3_column_bytes(s, 3);
	if ((t = (const char *)sqlite3_column_text(s, 4)) != NULL)
		snprintf(u->role, sizeof(u->role), "%s", t);
	if ((t = (const char *)sqlite3_column_text(s, 5)) != NULL)
		snprintf(u->pwhash, sizeof(u->pwhash), "%s", t);
	u->must_change = sqlite3_column_int64(s, 6) != 0;
	u->disabled = sqlite3_column_int64(s, 7) != 0;
	u->created_at = sqlite3_column_int64(s, 8);
}

static int
sq_user_add(struct store_drv *d, const struct store_user *u, int64_t *id_out,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_USER_ADD, "INSERT INTO users (tenant_id,"
	    " email_bi, sealed_email, role, pwhash, must_change, disabled,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, u->tid);
	sq_bind_blob(s, 2, u->email_bi, STORE_BI_LEN);
	sq_bind_blob(s, 3, u->sealed_email, u->sealed_len);
	sq_bind_text(s, 4, u->role);
	sq_bind_text(s, 5, u->pwhash);
	sq_bind_i64(s, 6, u->must_change);
	sq_bind_i64(s, 7, u->disabled);
	sq_bind_i64(s, 8, u->created_at);
	if (sqlite3_step(s) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(d->db) ==
		    SQLITE_CONSTRAINT_UNIQUE) {
			sqlite3_reset(s);
			return err_set(err, ERR_USAGE, "store: user: a user "
			    "with that email exists");
		}
		return sq_fail_reset(d, s, "user: insert", err);
	}
	sqlite3_reset(s);
	*id_out = sqlite3_last_insert_rowid(d->db);
	return 0;
}

/* By id (bi NULL) or by email index. */
static int
sq_user_get(struct store_drv *d, int64_t tid, int64_t id,
    const unsigned char *bi, struct store_user *out, struct err *err)
{
	sqlite3_stmt	*s;
	size_t		 n;
	int		 rc;

	s = bi == NULL ? sq_prep(d, SQ_USER_GET, "SELECT " USER_COLS
	    " FROM users WHERE tenant_id = ?1 AND id = ?2", err) :
	    sq_prep(d, SQ_USER_FIND, "SELECT " USER_COLS
	    " FROM users WHERE tenant_id = ?1 AND email_bi = ?2", err);
	if (s == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	if (bi == NULL)
		sq_bind_i64(s, 2, id);
	else
		sq_bind_blob(s, 2, bi, STORE_BI_LEN);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		user_row(s, out);
		out->owned = sq_col_dup(s, 3, &n);
		out->sealed_email = out->owned;
		out->sealed_len = n;
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "user: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

static int
sq_user_set(struct store_drv *d, const struct store_user *u, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_USER_SET, "UPDATE users SET role = ?3,"
	    " pwhash = ?4, must_change = ?5, disabled = ?6"
	    " WHERE tenant_id = ?1 AND id = ?2", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, u->tid);
	sq_bind_i64(s, 2, u->id);
	sq_bind_text(s, 3, u->role);
	sq_bind_text(s, 4, u->pwhash);
	sq_bind_i64(s, 5, u->must_change);
	sq_bind_i64(s, 6, u->disabled);
	if (sq_done(d, s, "user: update", err) == -1)
		return -1;
	return sqlite3_changes(d->db) == 0 ? 1 : 0;
}

static int
sq_user_list(struct store_drv *d, int64_t tid, store_user_cb cb, void *arg,
    struct err *err)
{
	sqlite3_stmt		*s;
	struct store_user	 u;
	int			 rc = SQLITE_DONE, r = 0;

	if ((s = sq_prep(d, SQ_USER_LIST, "SELECT " USER_COLS " FROM users"
	    " WHERE tenant_id = ?1 ORDER BY id", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		user_row(s, &u);
		r = sq_cb_result(cb(arg, &u, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "user: list", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}

static int
sq_session_add(struct store_drv *d, const unsigned char *h,
    const struct store_session *ss, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_SESSION_ADD, "INSERT INTO sessions (id_hash,"
	    " tenant_id, user_id, created_at, seen_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)", err)) == NULL)
		return -1;
	sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	sq_bind_i64(s, 2, ss->tid);
	sq_bind_i64(s, 3, ss->uid);
	sq_bind_i64(s, 4, ss->created_at);
	sq_bind_i64(s, 5, ss->seen_at);
	return sq_done(d, s, "session: insert", err);
}

static int
sq_session_get(struct store_drv *d, const unsigned char *h,
    struct store_session *out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_SESSION_GET, "SELECT tenant_id, user_id,"
	    " created_at, seen_at FROM sessions WHERE id_hash = ?1",
	    err)) == NULL)
		return -1;
	sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->tid = sqlite3_column_int64(s, 0);
		out->uid = sqlite3_column_int64(s, 1);
		out->created_at = sqlite3_column_int64(s, 2);
		out->seen_at = sqlite3_column_int64(s, 3);
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "session: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

static int
sq_session_touch(struct store_drv *d, const unsigned char *h, int64_t at,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_SESSION_TOUCH, "UPDATE sessions SET"
	    " seen_at = ?2 WHERE id_hash = ?1", err)) == NULL)
		return -1;
	sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	sq_bind_i64(s, 2, at);
	return sq_done(d, s, "session: update", err);
}

static int
sq_session_del(struct store_drv *d, const unsigned char *h, int64_t tid,
    int64_t uid, struct err *err)
{
	sqlite3_stmt	*s;

	if (h != NULL) {
		if ((s = sq_prep(d, SQ_SESSION_DEL, "DELETE FROM sessions"
		    " WHERE id_hash = ?1", err)) == NULL)
			return -1;
		sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	} else {
		if ((s = sq_prep(d, SQ_SESSION_DEL_USER, "DELETE FROM sessions"
		    " WHERE tenant_id = ?1 AND user_id = ?2", err)) == NULL)
			return -1;
		sq_bind_i64(s, 1, tid);
		sq_bind_i64(s, 2, uid);
	}
	return sq_done(d, s, "session: delete", err);
}

static int
sq_once_add(struct store_drv *d, const unsigned char *h, int64_t tid,
    int64_t uid, enum store_once_kind kind, int64_t expires, struct err *err)
{
	sqlite3_stmt	*s;
	int		 own;
	int		 ok;

	if (sq_tx_enter(d, &own, err) == -1)
		return -1;
	ok = (s = sq_prep(d, SQ_ONCE_CLEAR, "DELETE FROM once_tokens WHERE"
	    " tenant_id = ?1 AND user_id = ?2 AND kind = ?3", err)) != NULL;
	if (ok) {
		sq_bind_i64(s, 1, tid);
		sq_bind_i64(s, 2, uid);
		sq_bind_text(s, 3, once_kinds[kind]);
		ok = sq_done(d, s, "token: delete", err) == 0;
	}
	if (ok)
		ok = (s = sq_prep(d, SQ_ONCE_ADD, "INSERT INTO once_tokens"
		    " (hash, tenant_id, user_id, kind, expires_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5)", err)) != NULL;
	if (ok) {
		sq_bind_blob(s, 1, h, STORE_HASH_LEN);
		sq_bind_i64(s, 2, tid);
		sq_bind_i64(s, 3, uid);
		sq_bind_text(s, 4, once_kinds[kind]);
		sq_bind_i64(s, 5, expires);
		ok = sq_done(d, s, "token: insert", err) == 0;
	}
	return sq_tx_leave(d, own, ok, err);
}

/* Reads the token; 0 if it is of kind and live, else 1. */
static int
once_read(struct store_drv *d, const unsigned char *h,
    enum store_once_kind kind, int64_t now, int64_t *tid_out,
    int64_t *uid_out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc, live = 0;

	if ((s = sq_prep(d, SQ_ONCE_GET, "SELECT tenant_id, user_id, kind,"
	    " expires_at FROM once_tokens WHERE hash = ?1", err)) == NULL)
		return -1;
	sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 2);

		*tid_out = sqlite3_column_int64(s, 0);
		*uid_out = sqlite3_column_int64(s, 1);
		live = k != NULL && strcmp(k, once_kinds[kind]) == 0 &&
		    sqlite3_column_int64(s, 3) > now;
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "token: read", err);
	sqlite3_reset(s);
	return live ? 0 : 1;
}

static int
sq_once_peek(struct store_drv *d, const unsigned char *h,
    enum store_once_kind kind, int64_t now, int64_t *tid_out,
    int64_t *uid_out, struct err *err)
{
	return once_read(d, h, kind, now, tid_out, uid_out, err);
}

static int
sq_once_take(struct store_drv *d, const unsigned char *h,
    enum store_once_kind kind, int64_t now, int64_t *tid_out,
    int64_t *uid_out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 own, r;

	if (sq_tx_enter(d, &own, err) == -1)
		return -1;
	r = once_read(d, h, kind, now, tid_out, uid_out, err);
	if (r != -1) {
		/* Used or not, live or not: it never works again. */
		if ((s = sq_prep(d, SQ_ONCE_DEL, "DELETE FROM once_tokens"
		    " WHERE hash = ?1", err)) == NULL)
			r = -1;
		else {
			sq_bind_blob(s, 1, h, STORE_HASH_LEN);
			if (sq_done(d, s, "token: delete", err) == -1)
				r = -1;
		}
	}
	if (sq_tx_leave(d, own, r != -1, err) == -1)
		return -1;
	return r;
}

static int
sq_apitoken_add(struct store_drv *d, const unsigned char *h,
    const struct store_apitoken *t, int64_t *id_out, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_API_ADD, "INSERT INTO api_tokens (hash,"
	    " tenant_id, user_id, name, scope, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err)) == NULL)
		return -1;
	sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	sq_bind_i64(s, 2, t->tid);
	sq_bind_i64(s, 3, t->uid);
	sq_bind_text(s, 4, t->name);
	sq_bind_text(s, 5, t->write ? "write" : "read");
	sq_bind_i64(s, 6, t->created_at);
	if (sq_done(d, s, "api token: insert", err) == -1)
		return -1;
	*id_out = sqlite3_last_insert_rowid(d->db);
	return 0;
}

#define API_COLS \
	"id, tenant_id, user_id, name, scope, created_at, last_used_at," \
	" revoked_at"

static void
api_row(sqlite3_stmt *s, struct store_apitoken *t)
{
	const char	*scope;

	t->id = sqlite3_column_int64(s, 0);
	t->tid = sqlite3_column_int64(s, 1);
	t->uid = sqlite3_column_int64(s, 2);
	t->name = (const char *)sqlite3_column_text(s, 3);
	scope = (const char *)sqlite3_column_text(s, 4);
	t->write = scope != NULL && strcmp(scope, "write") == 0;
	t->created_at = sqlite3_column_int64(s, 5);
	t->last_used_at = sq_col_time(s, 6);
	t->revoked_at = sq_col_time(s, 7);
}

static int
sq_apitoken_get(struct store_drv *d, const unsigned char *h,
    struct store_apitoken *out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_API_GET, "SELECT " API_COLS " FROM api_tokens"
	    " WHERE hash = ?1", err)) == NULL)
		return -1;
	sq_bind_blob(s, 1, h, STORE_HASH_LEN);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		api_row(s, out);
		out->name = NULL;
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "api token: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

static int
sq_apitoken_list(struct store_drv *d, int64_t tid, store_apitoken_cb cb,
    void *arg, struct err *err)
{
	sqlite3_stmt		*s;
	struct store_apitoken	 t;
	int			 rc = SQLITE_DONE, r = 0;

	if ((s = sq_prep(d, SQ_API_LIST, "SELECT " API_COLS " FROM api_tokens"
	    " WHERE tenant_id = ?1 ORDER BY id", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		api_row(s, &t);
		r = sq_cb_result(cb(arg, &t, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "api token: list", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}

static int
sq_apitoken_revoke(struct store_drv *d, int64_t tid, int64_t id, int64_t uid,
    int64_t at, struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_API_REVOKE, "UPDATE api_tokens SET"
	    " revoked_at = coalesce(revoked_at, ?4) WHERE tenant_id = ?1"
	    " AND id = ?2 AND (?3 = 0 OR user_id = ?3)", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, id);
	sq_bind_i64(s, 3, uid);
	sq_bind_i64(s, 4, at);
	if (sq_done(d, s, "api token: revoke", err) == -1)
		return -1;
	return sqlite3_changes(d->db) == 0 ? 1 : 0;
}

static int
sq_apitoken_touch(struct store_drv *d, int64_t id, int64_t at,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_API_TOUCH, "UPDATE api_tokens SET"
	    " last_used_at = ?2 WHERE id = ?1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, id);
	sq_bind_i64(s, 2, at);
	return sq_done(d, s, "api token: update", err);
}

static int
sq_audit_add(struct store_drv *d, const struct store_audit *e,
    struct err *err)
{
	sqlite3_stmt	*s;

	if ((s = sq_prep(d, SQ_AUDIT_ADD, "INSERT INTO audit (tenant_id,"
	    " seq, at, actor, op, object, ip, prev, hash)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, e->tid);
	sq_bind_i64(s, 2, e->seq);
	sq_bind_i64(s, 3, e->at);
	sq_bind_i64(s, 4, e->actor);
	sq_bind_text(s, 5, e->op);
	sq_bind_text(s, 6, e->object);
	sq_bind_text(s, 7, e->ip);
	sq_bind_blob(s, 8, e->prev, STORE_HASH_LEN);
	sq_bind_blob(s, 9, e->hash, STORE_HASH_LEN);
	return sq_done(d, s, "audit: insert", err);
}

/* A hash column; a damaged one (wrong length) reads as zeros. */
static void
col_hash(sqlite3_stmt *s, int i, unsigned char *out)
{
	const void	*p = sqlite3_column_blob(s, i);

	memset(out, 0, STORE_HASH_LEN);
	if (p != NULL && sqlite3_column_bytes(s, i) == STORE_HASH_LEN)
		memcpy(out, p, STORE_HASH_LEN);
}

static int
sq_audit_head(struct store_drv *d, int64_t tid, int64_t *seq_out,
    unsigned char *hash_out, struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = sq_prep(d, SQ_AUDIT_HEAD, "SELECT seq, hash FROM audit"
	    " WHERE tenant_id = ?1 ORDER BY seq DESC LIMIT 1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*seq_out = sqlite3_column_int64(s, 0);
		col_hash(s, 1, hash_out);
	} else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "audit: read", err);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : 1;
}

static int
sq_audit_scan(struct store_drv *d, int64_t tid, int64_t from, int64_t limit,
    int desc, store_audit_cb cb, void *arg, struct err *err)
{
	sqlite3_stmt		*s;
	struct store_audit	 e;
	int			 rc = SQLITE_DONE, r = 0;

	s = desc ? sq_prep(d, SQ_AUDIT_DESC, "SELECT seq, at, actor, op,"
	    " object, ip, prev, hash FROM audit WHERE tenant_id = ?1 AND"
	    " (?2 = 0 OR seq <= ?2) ORDER BY seq DESC LIMIT ?3", err) :
	    sq_prep(d, SQ_AUDIT_ASC, "SELECT seq, at, actor, op, object, ip,"
	    " prev, hash FROM audit WHERE tenant_id = ?1 AND seq >= ?2"
	    " ORDER BY seq LIMIT ?3", err);
	if (s == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	sq_bind_i64(s, 2, from);
	sq_bind_i64(s, 3, limit > 0 ? limit : -1);
	while (r == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.tid = tid;
		e.seq = sqlite3_column_int64(s, 0);
		e.at = sqlite3_column_int64(s, 1);
		e.actor = sqlite3_column_int64(s, 2);
		e.op = (const char *)sqlite3_column_text(s, 3);
		e.object = (const char *)sqlite3_column_text(s, 4);
		e.ip = (const char *)sqlite3_column_text(s, 5);
		if (e.op == NULL || e.object == NULL || e.ip == NULL) {
			/* Changed by hand to NULL: give "" and let the
			 * chain check report it. */
			e.op = e.op ? e.op : "";
			e.object = e.object ? e.object : "";
			e.ip = e.ip ? e.ip : "";
		}
		col_hash(s, 6, e.prev);
		col_hash(s, 7, e.hash);
		r = sq_cb_result(cb(arg, &e, err), err);
	}
	if (r == 0 && rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "audit: read", err);
	sqlite3_reset(s);
	return r < 0 ? -1 : 0;
}

static int
sq_settings_gen(struct store_drv *d, int64_t tid, int bump, int64_t *gen_out,
    struct err *err)
{
	return sq_gen(d, SQ_GEN_SETTINGS, tid, bump, gen_out, err);
}

const struct store_acct_ops store_sqlite_acct_ops = {
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.user_set = sq_user_set,
	.user_list = sq_user_list,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_del = sq_session_del,
	.once_add = sq_once_add,
	.once_take = sq_once_take,
	.once_peek = sq_once_peek,
	.apitoken_add = sq_apitoken_add,
	.apitoken_get = sq_apitoken_get,
	.apitoken_list = sq_apitoken_list,
	.apitoken_revoke = sq_apitoken_revoke,
	.apitoken_touch = sq_apitoken_touch,
	.audit_add = sq_audit_add,
	.audit_head = sq_audit_head,
	.audit_scan = sq_audit_scan,
	.settings_gen = sq_settings_gen,
};
