/*
 * vault.h: encryption at rest, with the keys kept apart from the data.
 *
 * The model, in three layers of keys:
 *
 *  - The master key (32 random bytes) lives in a key file outside the
 *    database's folder, mode 0600.  It never enters the database.  It
 *    encrypts nothing but tenant data keys and backups, each through a
 *    subkey derived for that one job (crypto_kdf, context "rtmaster").
 *  - Each tenant has a data key (32 random bytes).  The database stores it
 *    only wrapped: XChaCha20-Poly1305 under the master key's wrap subkey,
 *    with "replytime data key v1" || tenant id as associated data, so a
 *    wrapped key copied to another tenant's row does not open.
 *  - From a data key three subkeys are derived: two seal row fields (one
 *    per seal version: XChaCha20-Poly1305, AES-256-GCM), one computes
 *    blind indexes (keyed BLAKE2b), so an index never reveals anything
 *    about the encryption keys.
 *
 * The master key's id is a short public fingerprint (16 hex digits) that
 * the database records, so that opening it with another key file gives a
 * "wrong key" error instead of garbage.  Rotating the master key re-wraps
 * the data keys (vault_tkey_rewrap); rows and blind indexes stay as they
 * are.
 *
 * Every function that can fail for a reason outside the program returns -1
 * and fills err (base/err.h); messages name the place and the problem and
 * never contain key material or plaintext.  Callers add the place they know
 * (tenant, table, row) with err_prefix().  Out of memory aborts.
 *
 * Unless a comment says otherwise, pointers passed in are borrowed for the
 * call.  Secrets live only inside struct vault_master and struct
 * vault_tkey, which are wiped (sodium_memzero) when freed; the master key
 * additionally sits in locked, guarded, read-only memory (sodium_malloc).
 * The key objects are immutable after construction, so one object may be
 * used from many threads at once.
 */
#ifndef RT_VAULT_H
#define RT_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/*
 * Starts libsodium.  Idempotent and safe to call from several threads;
 * every constructor below calls it, so callers need not.  Fails only if
 * the system has no usable random source.
 */
int	vault_init(struct err *err);

/* ---- The master key ---------------------------------------------------- */

struct vault_master;		/* opaque; holds the key's subkeys */

/* The name under the configuration folder when no path is given. */
#define VAULT_KEY_DEFAULT_DIR	"replytime"
#define VAULT_KEY_DEFAULT_NAME	"master.key"

/*
 * Decides which key file to use: opt_path (from --key-file) if not NULL,
 * else $REPLYTIME_KEY_FILE if set and not empty, else
 * $XDG_CONFIG_HOME/replytime/master.key if XDG_CONFIG_HOME is an absolute
 * path, else $HOME/.config/replytime/master.key.  An empty opt_path, or no
 * HOME when a default is needed, is an error.
 *
 * db_path is the database file, or NULL when there is none (a server
 * database, or a command that opens none).  A key file whose folder is the
 * database's folder or lies below it is refused, so that copying the
 * database's folder never copies the key.  Folders are compared after
 * resolving symbolic links; a part of a path that does not exist yet is
 * taken as written.  The key file itself need not exist.
 *
 * On success *path_out is a string the caller frees with free().
 */
int	vault_key_path(const char *opt_path, const char *db_path,
	    char **path_out, struct err *err);

/*
 * Reads the key file at path.  Fails with a message that says what to do
 * if the file does not exist, is not a regular file (a directory, a FIFO),
 * can be read or written by group or others (any of mode 077), or is not
 * a key file of a version this program knows.  A symbolic link is followed
 * and the file it points to is checked, so that secrets mounted through
 * links (container orchestrators do this) work; see docs/security.md.
 * On success *out is owned by the caller (vault_master_free).
 */
int	vault_master_load(const char *path, struct vault_master **out,
	    struct err *err);

/*
 * Parses the content of a key file, with no I/O: exactly the line
 * "replytime-master-key v1", LF, 64 hex digits (either case), and an
 * optional final LF.  A key of all zero bytes is refused as damaged.
 * vault_master_load uses it; it is exposed for the fuzzer and for callers
 * that receive the key by other means.  *out as for vault_master_load.
 */
int	vault_master_parse(const void *data, size_t len,
	    struct vault_master **out, struct err *err);

/* The first line of a key file, with its LF. */
#define VAULT_KEY_MAGIC		"replytime-master-key v1\n"
/* The length of a key file as written: magic, 64 hex digits, LF. */
#define VAULT_KEY_FILE_LEN	(sizeof(VAULT_KEY_MAGIC) - 1 + 64 + 1)

/*
 * Creates a new random master key at path and writes it in the format
 * above: missing parent folders are created with mode 0700, the file with
 * mode 0600 (O_CREAT | O_EXCL | O_NOFOLLOW), then it and its folder are
 * fsynced.  Never replaces anything: an existing file, link or other entry
 * at path is an error.  If writing fails the partial file is removed.
 * out may be NULL; otherwise *out receives the new key, owned by the
 * caller.
 */
int	vault_master_create(const char *path, struct vault_master **out,
	    struct err *err);

/* Wipes and frees; NULL is a no-op. */
void	vault_master_free(struct vault_master *m);

/*
 * A public fingerprint of the key: 16 lowercase hex digits, derived from
 * the key with its own context, revealing nothing about it.  Record it
 * next to wrapped data keys to tell "wrong key file" from "damaged data".
 * Borrowed from m.
 */
const char *vault_master_id(const struct vault_master *m);
#define VAULT_MASTER_ID_LEN	16

/* ---- Tenant data keys -------------------------------------------------- */

struct vault_tkey;		/* opaque; the two subkeys of one data key */

/*
 * A wrapped data key: version (1) || nonce (24) || ciphertext (32) ||
 * tag (16).  Version 1 is XChaCha20-Poly1305 IETF; bump the version byte
 * if the AEAD ever changes.
 */
#define VAULT_WRAP_VERSION	1
#define VAULT_WRAPPED_BYTES	73

/*
 * Makes a random data key for tenant_id and wraps it with m.  On success
 * *wrapped_out (VAULT_WRAPPED_BYTES long, length in *wrapped_len_out) is
 * the caller's to store and free(); *out, if out is not NULL, is the
 * unwrapped key, owned by the caller (vault_tkey_free).
 */
int	vault_tkey_new(const struct vault_master *m, uint64_t tenant_id,
	    unsigned char **wrapped_out, size_t *wrapped_len_out,
	    struct vault_tkey **out, struct err *err);

/*
 * Unwraps tenant_id's data key.  A blob wrapped by another master key or
 * for another tenant fails with "the master key (id ...) does not open
 * tenant N's data key: wrong key file?"; a blob of the wrong length or an
 * unknown version fails as damaged.  *out is owned by the caller.
 */
int	vault_tkey_unwrap(const struct vault_master *m, uint64_t tenant_id,
	    const unsigned char *wrapped, size_t len, struct vault_tkey **out,
	    struct err *err);

/*
 * Key rotation: unwraps with old_m and wraps the same data key with new_m
 * (fresh nonce).  Rows sealed with the data key stay valid.  On success
 * *wrapped_out (length *len_out) is the caller's to free().
 */
int	vault_tkey_rewrap(const struct vault_master *old_m,
	    const struct vault_master *new_m, uint64_t tenant_id,
	    const unsigned char *wrapped, size_t len,
	    unsigned char **wrapped_out, size_t *len_out, struct err *err);

/* Wipes and frees; NULL is a no-op. */
void	vault_tkey_free(struct vault_tkey *k);

/* ---- Sealing row fields ------------------------------------------------ */

/*
 * A sealed field: version (1) || random nonce || ciphertext (n) || tag (16).
 *
 *  - Version 1 (VAULT_SEAL_XCHACHA): XChaCha20-Poly1305 IETF with the data
 *    key's version-1 seal subkey, 24-byte nonce: 41 bytes of overhead.
 *    Random 192-bit nonces stay unique for any number of fields.
 *  - Version 2 (VAULT_SEAL_AESGCM): AES-256-GCM with the version-2 seal
 *    subkey, 12-byte nonce: 29 bytes.  Random 96-bit nonces are safe for
 *    2^32 fields under one key (NIST SP 800-38D), a chance of a repeat
 *    below 2^-33 over that many; one tenant's key seals about one field
 *    per message and address at each import (docs/security.md: what
 *    the bound counts).
 *
 * vault_seal writes version 2 where the CPU runs AES-256-GCM in hardware,
 * else version 1; vault_open reads both everywhere.  A new AEAD takes a
 * new version byte.  Each version has its own subkey, so a version byte
 * changed by an attacker makes the tag fail: the byte is authenticated by
 * key separation.
 */
#define VAULT_SEAL_XCHACHA	1
#define VAULT_SEAL_AESGCM	2
#define VAULT_SEAL_OVERHEAD	(1 + 24 + 16)	/* version 1, the larger */
#define VAULT_SEAL2_OVERHEAD	(1 + 12 + 16)	/* version 2, the smaller */

/* plain_len + the overhead of the version vault_seal writes here; aborts
 * on overflow (a bug).  vault_sealed_len_as: of the given version. */
size_t	vault_sealed_len(size_t plain_len);
size_t	vault_sealed_len_as(int version, size_t plain_len);

/* The version vault_seal writes in this process (after vault_init). */
int	vault_seal_version(void);

/*
 * on: seal and open as on a CPU without AES in hardware (version 1; version
 * 2 opened with OpenSSL); off: the CPU's choice.  For tests: it applies to
 * keys made after the call.  Not thread-safe.
 */
void	vault_seal_portable(int on);

/*
 * Seals n bytes of plain (n may be 0) into out, which must have room for
 * vault_sealed_len(n) bytes and must not overlap plain.  ad (ad_len bytes,
 * may be NULL if 0) is authenticated, not stored: the same bytes must be
 * given to vault_open.  It binds the value to its place: the caller puts
 * in it the tenant id, the row's key and the table (and column, if a row
 * holds several sealed values), each of fixed length or length-prefixed
 * so that two places never give the same bytes.  A value moved to another
 * place then fails to open.  Cannot fail.  vault_seal_as writes the given
 * version (vault_sealed_len_as(version, n) bytes); version 2 needs a key
 * made where vault_seal_version() is 2.
 */
void	vault_seal(const struct vault_tkey *k, const void *ad, size_t ad_len,
	    const void *plain, size_t n, unsigned char *out);
void	vault_seal_as(const struct vault_tkey *k, int version, const void *ad,
	    size_t ad_len, const void *plain, size_t n, unsigned char *out);

/*
 * Opens what vault_seal wrote, of either version.  plain_out must have
 * room for n - VAULT_SEAL2_OVERHEAD bytes (at most n) and must not overlap
 * sealed;
 * *plain_len_out receives the length.  Fails on input shorter than the
 * overhead, an unknown version, or data that does not authenticate (wrong
 * key, wrong associated data, or altered bytes).  On failure
 * *plain_len_out is unchanged and plain_out holds nothing of the input
 * (zeros where authentication was attempted).
 */
int	vault_open(const struct vault_tkey *k, const void *ad, size_t ad_len,
	    const unsigned char *sealed, size_t n, unsigned char *plain_out,
	    size_t *plain_len_out, struct err *err);

/* ---- Blind indexes ----------------------------------------------------- */

#define VAULT_BI_BYTES		16

/* What a blind index is of; each kind hashes in its own domain. */
enum vault_bi_kind {
	VAULT_BI_ADDRESS,	/* an address */
	VAULT_BI_DOMAIN,	/* the domain of an address */
	VAULT_BI_MSGID,		/* a message id */
	VAULT_BI_SOURCE,	/* a source's own key for a message */
};

/*
 * A keyed hash of n bytes of p for equality lookups and grouping without
 * plaintext: BLAKE2b-128 keyed with the tenant's blind-index subkey, the
 * kind in BLAKE2b's personalisation.  Equal bytes give equal indexes, so
 * canonicalise first (e.g. lower-case the domain).  The same text of two
 * kinds, or of two tenants, gives unrelated indexes.  Cannot fail; an
 * unknown kind is a bug and aborts.
 */
void	vault_blind(const struct vault_tkey *k, enum vault_bi_kind kind,
	    const void *p, size_t n, unsigned char out[VAULT_BI_BYTES]);

/* ---- Backups ----------------------------------------------------------- */

/*
 * A backup file: "RTBACKUP" (8) || version (1) || master key id (8 bytes,
 * the binary form of vault_master_id) || secretstream header (24), then
 * the input in chunks of 64 KiB, each sealed with
 * crypto_secretstream_xchacha20poly1305 under a key derived from the
 * master key for backups and written as a 4-byte big-endian length and
 * that many bytes (input + 17).  The first 17 bytes of the file are the
 * first chunk's associated data; the last chunk, shorter than 64 KiB of
 * input and possibly empty, carries the FINAL tag.  Bump the version byte
 * if the AEAD ever changes.
 */
#define VAULT_BACKUP_MAGIC	"RTBACKUP"
#define VAULT_BACKUP_VERSION	1
#define VAULT_BACKUP_CHUNK	65536

/*
 * Reads in_fd to its end and writes the encrypted backup to out_fd.  The
 * descriptors may be pipes; neither is closed or synced (that is the
 * caller's, who knows what they are).
 */
int	vault_backup_encrypt(const struct vault_master *m, int in_fd,
	    int out_fd, struct err *err);

/*
 * Reads a backup from in_fd and writes the original bytes to out_fd.
 * Fails with a message naming the problem if in_fd is not a backup, is of
 * an unknown version, was made with another master key (both ids are
 * given), is altered (the chunk and byte offset are given), is truncated,
 * or goes on after its final chunk.  Chunks are written as they are
 * verified, so on failure out_fd holds an authentic but incomplete prefix:
 * the caller must discard it.
 */
int	vault_backup_decrypt(const struct vault_master *m, int in_fd,
	    int out_fd, struct err *err);

#endif
