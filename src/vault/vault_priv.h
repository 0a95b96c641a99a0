/*
 * vault_priv.h: what the files of src/vault share and nobody else sees.
 *
 * The key objects hold only derived subkeys: the raw master key and the
 * raw data keys are wiped as soon as the subkeys are derived from them.
 * Derivation is crypto_kdf (BLAKE2b), one context per key family and one
 * id per job, so no key is ever used for two jobs.  A new format version
 * takes a new id, never an old one.
 */
#ifndef RT_VAULT_PRIV_H
#define RT_VAULT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sodium.h>

#include "vault.h"

#define VAULT_KEY_BYTES		32	/* every key and subkey */
#define VAULT_NONCE_BYTES	24	/* XChaCha20 */
#define VAULT_GCM_NONCE_BYTES	12	/* AES-256-GCM */
#define VAULT_TAG_BYTES		16	/* Poly1305, GCM */
#define VAULT_ID_BYTES		8	/* master key id, binary */

/* crypto_kdf contexts (exactly 8 bytes) and subkey ids. */
#define VAULT_KDF_MASTER	"rtmaster"
#define VAULT_KDF_MASTER_WRAP1	1	/* wraps data keys, format v1 */
#define VAULT_KDF_MASTER_BACKUP1 2	/* backups, format v1 */
#define VAULT_KDF_MASTER_ID	3	/* the public fingerprint */
#define VAULT_KDF_TENANT	"rttenant"
#define VAULT_KDF_TENANT_SEAL1	1	/* seals fields, format v1 */
#define VAULT_KDF_TENANT_BI1	2	/* blind indexes, version 1 */
#define VAULT_KDF_TENANT_SEAL2	3	/* seals fields, format v2 */

struct vault_master {
	unsigned char	wrap[VAULT_KEY_BYTES];		/* secret */
	unsigned char	backup[VAULT_KEY_BYTES];	/* secret */
	unsigned char	id[VAULT_ID_BYTES];		/* public */
	char		id_hex[VAULT_MASTER_ID_LEN + 1];/* public */
};

#define VAULT_BI_KINDS		4	/* enum vault_bi_kind */

/*
 * bi_h[kind] is BLAKE2b's chaining value after the key block, keyed with
 * bi and personalised for kind (vault_blind_prepare): an index of up to
 * 128 bytes then costs one compression (vault_blind.c).  bi_h0[kind] is
 * the value before the key block, for the empty value, whose last block
 * is the key's.
 */
struct vault_tkey {
	unsigned char	seal[VAULT_KEY_BYTES];		/* secret */
	unsigned char	seal2[VAULT_KEY_BYTES];		/* secret */
	unsigned char	bi[VAULT_KEY_BYTES];		/* secret */
	uint64_t	bi_h[VAULT_BI_KINDS][8];		/* secret */
	uint64_t	bi_h0[VAULT_BI_KINDS][8];		/* secret */
	/* seal2 expanded for libsodium's AES-256-GCM, if has_gcm (the CPU
	 * has AES-NI and CLMUL); malloc's 16-byte alignment is enough. */
	crypto_aead_aes256gcm_state	gcm;		/* secret */
	int		has_gcm;
};

/* Fills k->bi_h and k->bi_h0 from k->bi (vault_blind.c). */
void	vault_blind_prepare(struct vault_tkey *k);

/* Fills k->gcm from k->seal2 where the CPU allows (vault_seal.c). */
void	vault_seal_prepare(struct vault_tkey *k);

/*
 * The seal version vault_seal writes in this process: VAULT_SEAL_AESGCM
 * where libsodium has AES-256-GCM in hardware (vault_init decides, and
 * vault_seal_portable can turn it off), else VAULT_SEAL_XCHACHA.
 */
extern int	vault_seal_default;

/*
 * Builds the objects from raw keys; the caller wipes key.  The master
 * lives in sodium_malloc memory, read-only once built.
 */
struct vault_master	*vault_master_from_key(
			    const unsigned char key[VAULT_KEY_BYTES]);
struct vault_tkey	*vault_tkey_from_key(
			    const unsigned char key[VAULT_KEY_BYTES]);

/*
 * A fresh random nonce for vault_seal, from a per-thread pool that a fork
 * discards (vault_nonce.c).  vault_nonce_init registers the fork handler;
 * vault_init calls it.
 */
void	vault_nonce_init(void);
void	vault_nonce(unsigned char *out, size_t n);	/* n <= VAULT_NONCE_BYTES */

/*
 * Reads until n bytes or end of file; returns the count (< n only at end
 * of file), or -1 with errno set.  Retries on EINTR.
 */
ssize_t	vault_read_full(int fd, void *p, size_t n);
/* Writes all n bytes; returns 0, or -1 with errno set.  Retries on EINTR. */
int	vault_write_all(int fd, const void *p, size_t n);

#endif
