/*
 * store_sqlite.h: private to the SQLite driver (store_sqlite*.c).
 *
 * The driver keeps one connection and a table of prepared statements,
 * prepared on first use and kept until close, so the hot path (a message
 * insert) is bind, step, reset.  A statement is always reset right after
 * use: a statement left mid-way would hold a read transaction open and
 * its bound blobs borrowed.
 *
 * The SQL of each statement sits next to the code that binds it, and every
 * statement that touches tenant data binds the tenant id in its WHERE
 * clause or inserts it.
 */
#ifndef RT_STORE_SQLITE_H
#define RT_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

enum sq_stmt {
	SQ_META_GET,
	SQ_META_PUT,
	SQ_TENANT_CREATE,
	SQ_TENANT_GET,
	SQ_TENANT_LIST,
	SQ_TENANT_TERMINATED,
	SQ_TENANT_SET_KEY,
	SQ_TENANT_TERMINATE,
	SQ_TENANT_EXISTS,
	SQ_SETTINGS_PUT,
	SQ_SETTINGS_GET,
	SQ_MAILBOX_FIND,
	SQ_MAILBOX_INSERT,
	SQ_MAILBOX_SYNC,
	SQ_MAILBOX_LIST,
	SQ_SOURCE_GET,
	SQ_SOURCE_PUT,
	SQ_MSG_PUT,
	SQ_MSG_SCAN,
	SQ_MSG_COUNT,
	SQ_ADDR_PUT,
	SQ_ADDR_SCAN,
	SQ_LOG_ADD,
	SQ_LOG_PURGE,
	SQ_LOG_SCAN,
	/* store_sqlite_user.c */
	SQ_USER_ADD,
	SQ_USER_GET,
	SQ_USER_FIND,
	SQ_USER_SET,
	SQ_USER_LIST,
	SQ_SESSION_ADD,
	SQ_SESSION_GET,
	SQ_SESSION_TOUCH,
	SQ_SESSION_DEL,
	SQ_SESSION_DEL_USER,
	SQ_ONCE_CLEAR,
	SQ_ONCE_ADD,
	SQ_ONCE_GET,
	SQ_ONCE_DEL,
	SQ_API_ADD,
	SQ_API_GET,
	SQ_API_LIST,
	SQ_API_REVOKE,
	SQ_API_TOUCH,
	SQ_AUDIT_ADD,
	SQ_AUDIT_HEAD,
	SQ_AUDIT_ASC,
	SQ_AUDIT_DESC,
	SQ_GEN_GET,
	SQ_GEN_BUMP,
	SQ_MAILBOX_STATUS_SET,
	SQ_MAILBOX_STATUS_GET,
	SQ_MSG_DELETE_RANGE,
	/* store_sqlite_gen.c */
	SQ_DATA_GEN_GET,
	SQ_DATA_GEN_BUMP,
	/* store_sqlite_mbx.c */
	SQ_MBX_COUNT,
	SQ_NSTMT
};

struct store_drv {
	sqlite3		*db;
	char		*path;			/* owned; for open errors */
	int		 version;		/* schema version */
	sqlite3_stmt	*stmt[SQ_NSTMT];	/* owned; NULL until used */
};

/* store_sqlite_util.c: helpers shared by the driver's files. */
sqlite3_stmt	*sq_prep(struct store_drv *d, enum sq_stmt which,
		    const char *sql, struct err *err);
int		 sq_fail(struct store_drv *d, const char *what,
		    struct err *err);
int		 sq_fail_reset(struct store_drv *d, sqlite3_stmt *s,
		    const char *what, struct err *err);
int		 sq_done(struct store_drv *d, sqlite3_stmt *s,
		    const char *what, struct err *err);
int		 sq_exec(struct store_drv *d, const char *sql,
		    const char *what, struct err *err);
void		 sq_bind_i64(sqlite3_stmt *s, int i, int64_t v);
void		 sq_bind_id(sqlite3_stmt *s, int i, int64_t id);
void		 sq_bind_time(sqlite3_stmt *s, int i, int64_t t);
void		 sq_bind_text(sqlite3_stmt *s, int i, const char *v);
void		 sq_bind_blob(sqlite3_stmt *s, int i, const void *p,
		    size_t len);
void		 sq_bind_blob_or_null(sqlite3_stmt *s, int i, const void *p,
		    size_t len);
int64_t		 sq_col_time(sqlite3_stmt *s, int i);
void		 sq_col_bi(sqlite3_stmt *s, int i, unsigned char *out);
void		*sq_col_dup(sqlite3_stmt *s, int i, size_t *len_out);
int		 sq_cb_result(int r, struct err *err);
int		 sq_tx_enter(struct store_drv *d, int *own_out,
		    struct err *err);
int		 sq_tx_leave(struct store_drv *d, int own, int ok,
		    struct err *err);

/* store_sqlite_tenant.c */
int	sq_tenant_create(struct store_drv *d, const char *name,
	    const void *wrapped, size_t len, int64_t at, int64_t *id_out,
	    struct err *err);
int	sq_tenant_get(struct store_drv *d, const char *name,
	    struct store_tenant *out, struct err *err);
int	sq_tenant_list(struct store_drv *d, int only_terminated,
	    int64_t before, store_tenant_cb cb, void *arg, struct err *err);
int	sq_tenant_set_key(struct store_drv *d, int64_t tid,
	    const void *wrapped, size_t len, struct err *err);
int	sq_tenant_terminate(struct store_drv *d, int64_t tid, int64_t at,
	    struct err *err);
int	sq_tenant_erase(struct store_drv *d, int64_t tid, struct err *err);
int	sq_settings_put(struct store_drv *d, int64_t tid, const void *sealed,
	    size_t len, int64_t at, struct err *err);
int	sq_settings_get(struct store_drv *d, int64_t tid, void **sealed_out,
	    size_t *len_out, struct err *err);

/* store_sqlite_log.c */
int	sq_log_add(struct store_drv *d, int64_t tid, int64_t at,
	    const char *kind, const char *detail, struct err *err);
int	sq_log_purge(struct store_drv *d, int64_t before, int64_t *n_out,
	    struct err *err);
int	sq_log_scan(struct store_drv *d, int64_t tid, store_log_cb cb,
	    void *arg, struct err *err);
int	sq_export_scan(struct store_drv *d, int64_t tid, const char *table,
	    store_export_cb cb, void *arg, struct err *err);

/* store_sqlite_msg.c */
int	sq_mailbox_put(struct store_drv *d, int64_t tid,
	    const unsigned char *bi, const void *sealed, size_t len,
	    const char *kind, int64_t at, int64_t *id_out, struct err *err);
int	sq_mailbox_set_sync(struct store_drv *d, int64_t tid, int64_t id,
	    const void *sync, size_t len, struct err *err);
int	sq_mailbox_list(struct store_drv *d, int64_t tid, store_mailbox_cb cb,
	    void *arg, struct err *err);
int	sq_source_get(struct store_drv *d, int64_t tid,
	    const unsigned char *bi, struct store_source *out,
	    struct err *err);
int	sq_source_put(struct store_drv *d, int64_t tid,
	    const unsigned char *bi, int64_t mailbox_id, int64_t pos,
	    const void *ident, size_t ident_len, int64_t at, int64_t *id_out,
	    struct err *err);
int	sq_msg_put(struct store_drv *d, const struct store_msg *m,
	    int *inserted_out, struct err *err);
int	sq_msg_scan(struct store_drv *d, int64_t tid, store_msg_cb cb,
	    void *arg, struct err *err);
int	sq_msg_count(struct store_drv *d, int64_t tid, int64_t *n_out,
	    struct err *err);
int	sq_addr_put(struct store_drv *d, int64_t tid, const unsigned char *bi,
	    const void *domain_keys, size_t dk_len, const void *sealed,
	    size_t sealed_len, struct err *err);
int	sq_addr_scan(struct store_drv *d, int64_t tid, store_addr_cb cb,
	    void *arg, struct err *err);

/* store_sqlite_mailbox.c */
int	sq_mailbox_set_status(struct store_drv *d, int64_t tid, int64_t id,
	    const char *state, const char *error, int64_t synced_at,
	    struct err *err);
int	sq_mailbox_get_status(struct store_drv *d, int64_t tid, int64_t id,
	    struct store_mailbox_status *out, struct err *err);
int	sq_msg_delete_range(struct store_drv *d, int64_t tid,
	    int64_t source_id, int64_t lo, int64_t hi, int64_t *n_out,
	    struct err *err);

/* store_sqlite_gen.c: the generation counters; bump adds 1 first. */
enum sq_gen {
	SQ_GEN_SETTINGS,
	SQ_GEN_DATA,
};
int	sq_gen(struct store_drv *d, enum sq_gen which, int64_t tid, int bump,
	    int64_t *gen_out, struct err *err);
int	sq_data_gen(struct store_drv *d, int64_t tid, int bump,
	    int64_t *gen_out, struct err *err);

#endif
