/*
 * archive.h: a tenant's mail in the store, with its keys.
 *
 * An archive context ties together the three parts that never meet
 * elsewhere: the store (opaque rows), the master key (a file outside the
 * database) and the tenant's data key (kept in the store, wrapped by the
 * master key).  Commands open a context, then import into it or load it
 * into the engine; nothing outside this module sees a key.
 *
 * Ownership: every pointer in struct archive is owned by it and freed by
 * archive_close().
 */
#ifndef RT_ARCHIVE_H
#define RT_ARCHIVE_H

#include <stdint.h>

#include "../base/err.h"
#include "../metric/config.h"
#include "../metric/engine.h"
#include "../vault/vault.h"
#include "keyed.h"
#include "keyring.h"
#include "record.h"
#include "store.h"

struct archive {
	struct store		*st;
	struct vault_master	*master;
	struct vault_tkey	*key;
	int64_t			 tid;
	char			*tenant;
	char			*key_path;
	char			*keyring;	/* keyring.h folder */
};

enum archive_open {
	ARCHIVE_EXISTING,	/* the tenant must exist */
	ARCHIVE_CREATE,		/* the tenant must not exist: create it */
};

/*
 * Opens db, loads the master key (key_file, else REPLYTIME_KEY_FILE, else
 * the default path: vault_key_path) and the tenant's data key.  Checks
 * that the key file is the one that wrapped this database's data keys:
 * a wrong key is an error, never a new key.  Returns 0 or -1 (err).
 */
int	archive_open(const char *db, const char *key_file, const char *tenant,
	    enum archive_open how, struct archive *a, struct err *err);
void	archive_close(struct archive *a);

/*
 * The keyring folder of the database open in st (keyring.h), for a
 * master key at key_path; the database gets its random id the first
 * time.  Caller frees *dir_out.
 */
int	archive_keyring_dir(struct store *st, const char *key_path,
	    char **dir_out, struct err *err);

/* The blind index callback of record.h, with a as its argument. */
void	archive_blind(void *a, enum record_kind kind, struct str s,
	    unsigned char out[RECORD_KEY_BYTES]);

/* Seals plain into out (appended) with associated data naming the tenant,
 * the table and the row. */
void	archive_seal(const struct archive *a, const char *table,
	    int64_t row_a, int64_t row_b, const void *plain, size_t n,
	    struct buf *out);
int	archive_open_sealed(const struct archive *a, const char *table,
	    int64_t row_a, int64_t row_b, const void *sealed, size_t n,
	    struct buf *out, struct err *err);

/* The tenant's stored configuration (INI text), or 1 if none is stored. */
int	archive_settings_get(struct archive *a, struct config **cfg_out,
	    struct buf *ini_out, struct err *err);
/* Validates ini (a configuration that does not load is refused) and
 * stores it sealed. */
int	archive_settings_put(struct archive *a, const char *ini, size_t len,
	    const char *filename, struct err *err);

/* Import statistics. */
struct archive_import {
	uint64_t	 read;		/* messages read from the sources */
	uint64_t	 added;		/* new rows */
	uint64_t	 known;		/* skipped: already stored */
	uint64_t	 malformed;
	int		 progress;	/* print progress to stderr */
};

/*
 * Imports every message of path for the tenant: idempotent (a message
 * already stored for its source and position is skipped) and resumable:
 * the checkpoint of each source file is committed in the same
 * transaction as its messages, so a crash loses or duplicates nothing.
 */
int	archive_import(struct archive *a, const char *path, int64_t mailbox_id,
	    struct archive_import *st, struct err *err);

/*
 * Loads every stored message of the tenant into a new engine, in import
 * order, with a classifier for cfg (blind-indexed agents and domains).
 * *kc_out must be freed (keyed_free) after the engine's last run.
 */
int	archive_load(struct archive *a, const struct config *cfg,
	    struct engine **e_out, struct keyed **kc_out, struct err *err);

#endif
