/*
 * keyring.h: tenants' wrapped data keys, kept beside the master key.
 *
 * A tenant's data key (wrapped by the master key) is not in the database:
 * it is a file of its own in a keyring folder next to the master key
 * file, one folder per database.  So a database backup holds no data key,
 * and deleting a tenant's key file makes every copy of its rows -- in the
 * database, its WAL, or any old backup -- unreadable (crypto-shredding).
 * The keyring must be backed up with the master key, not with the data.
 */
#ifndef RT_KEYRING_H
#define RT_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

#define KEYRING_MAX	4096	/* bytes of one wrapped key file */

/* The keyring folder of database db_id for the master key at key_path
 * (caller frees *dir_out). */
char	*keyring_dir(const char *key_path, const char *db_id);
/* Writes (or replaces, atomically) tenant tid's wrapped key. */
int	keyring_put(const char *dir, int64_t tid, const void *wrapped,
	    size_t n, struct err *err);
/* Reads it into *out (caller frees); 1 if there is none. */
int	keyring_get(const char *dir, int64_t tid, unsigned char **out,
	    size_t *n_out, struct err *err);
/* Overwrites, syncs and removes it; 0 also when there was none. */
int	keyring_destroy(const char *dir, int64_t tid, struct err *err);

#endif
