/*
 * vault_tkey.c: tenant data keys, wrapped by the master key.
 *
 * A data key is 32 random bytes made once per tenant.  The database keeps
 * it only wrapped (vault.h has the layout), with
 *
 *	"replytime data key v1" || tenant id (8 bytes, big-endian)
 *
 * as associated data: the text binds the format version, the id binds the
 * tenant, so a wrapped key pasted into another tenant's row, or a blob of
 * another format, fails to authenticate instead of opening.  Bump the
 * version byte if the AEAD ever changes; the text changes with it.
 *
 * Unwrapping derives the subkeys the tenant's rows use (a seal subkey per
 * seal version, the blind index) and wipes the data key itself; nothing else ever needs it, and
 * rewrapping works from the blob.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../base/err.h"
#include "../base/xmalloc.h"
#include "vault_priv.h"

#define WRAP_AD_TEXT	"replytime data key v1"
#define WRAP_AD_LEN	(sizeof(WRAP_AD_TEXT) - 1 + 8)

_Static_assert(VAULT_WRAPPED_BYTES == 1 + VAULT_NONCE_BYTES +
    VAULT_KEY_BYTES + VAULT_TAG_BYTES, "wrapped key layout");

static void
vault_wrap_ad(unsigned char ad[WRAP_AD_LEN], uint64_t tenant_id)
{
	size_t	off = sizeof(WRAP_AD_TEXT) - 1;

	memcpy(ad, WRAP_AD_TEXT, off);
	for (int i = 7; i >= 0; i--) {
		ad[off + (size_t)i] = (unsigned char)(tenant_id & 0xff);
		tenant_id >>= 8;
	}
}

struct vault_tkey *
vault_tkey_from_key(const unsigned char key[VAULT_KEY_BYTES])
{
	struct vault_tkey	*k = xmalloc(sizeof(*k));

	if (crypto_kdf_derive_from_key(k->seal, sizeof(k->seal),
	    VAULT_KDF_TENANT_SEAL1, VAULT_KDF_TENANT, key) != 0 ||
	    crypto_kdf_derive_from_key(k->seal2, sizeof(k->seal2),
	    VAULT_KDF_TENANT_SEAL2, VAULT_KDF_TENANT, key) != 0 ||
	    crypto_kdf_derive_from_key(k->bi, sizeof(k->bi),
	    VAULT_KDF_TENANT_BI1, VAULT_KDF_TENANT, key) != 0)
		rt_fatal("crypto_kdf_derive_from_key failed");
	vault_blind_prepare(k);
	vault_seal_prepare(k);
	return k;
}

void
vault_tkey_free(struct vault_tkey *k)
{
	if (k == NULL)
		return;
	sodium_memzero(k, sizeof(*k));
	free(k);
}

/* Wraps the data key dk for tenant_id into out (VAULT_WRAPPED_BYTES). */
static void
vault_wrap(const struct vault_master *m, uint64_t tenant_id,
    const unsigned char dk[VAULT_KEY_BYTES], unsigned char *out)
{
	unsigned char	ad[WRAP_AD_LEN];

	vault_wrap_ad(ad, tenant_id);
	out[0] = VAULT_WRAP_VERSION;
	randombytes_buf(out + 1, VAULT_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + VAULT_NONCE_BYTES,
	    NULL, dk, VAULT_KEY_BYTES, ad, sizeof(ad), NULL, out + 1, m->wrap);
}

/* Unwraps into dk; on failure dk holds zeros. */
static int
vault_unwrap_raw(const struct vault_master *m, uint64_t tenant_id,
    const unsigned char *wrapped, size_t len,
    unsigned char dk[VAULT_KEY_BYTES], struct err *err)
{
	unsigned char	ad[WRAP_AD_LEN];

	sodium_memzero(dk, VAULT_KEY_BYTES);
	if (len != VAULT_WRAPPED_BYTES)
		return err_set(err, ERR_PARSE, "tenant %" PRIu64 "'s wrapped "
		    "data key is damaged: %zu bytes, %d expected", tenant_id,
		    len, VAULT_WRAPPED_BYTES);
	if (wrapped[0] != VAULT_WRAP_VERSION)
		return err_set(err, ERR_UNSUPPORTED, "tenant %" PRIu64 "'s "
		    "wrapped data key has format version %u, which this "
		    "replytime does not read", tenant_id,
		    (unsigned)wrapped[0]);
	vault_wrap_ad(ad, tenant_id);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(dk, NULL, NULL,
	    wrapped + 1 + VAULT_NONCE_BYTES, VAULT_KEY_BYTES + VAULT_TAG_BYTES,
	    ad, sizeof(ad), wrapped + 1, m->wrap) != 0) {
		sodium_memzero(dk, VAULT_KEY_BYTES);
		return err_set(err, ERR_CONFIG, "the master key (id %s) does "
		    "not open tenant %" PRIu64 "'s data key: wrong key file?",
		    m->id_hex, tenant_id);
	}
	return 0;
}

int
vault_tkey_new(const struct vault_master *m, uint64_t tenant_id,
    unsigned char **wrapped_out, size_t *wrapped_len_out,
    struct vault_tkey **out, struct err *err)
{
	unsigned char	dk[VAULT_KEY_BYTES];
	unsigned char	*wrapped;

	if (vault_init(err) == -1)
		return -1;
	randombytes_buf(dk, sizeof(dk));
	wrapped = xmalloc(VAULT_WRAPPED_BYTES);
	vault_wrap(m, tenant_id, dk, wrapped);
	if (out != NULL)
		*out = vault_tkey_from_key(dk);
	sodium_memzero(dk, sizeof(dk));
	*wrapped_out = wrapped;
	*wrapped_len_out = VAULT_WRAPPED_BYTES;
	return 0;
}

int
vault_tkey_unwrap(const struct vault_master *m, uint64_t tenant_id,
    const unsigned char *wrapped, size_t len, struct vault_tkey **out,
    struct err *err)
{
	unsigned char	dk[VAULT_KEY_BYTES];

	if (vault_init(err) == -1)
		return -1;
	if (vault_unwrap_raw(m, tenant_id, wrapped, len, dk, err) == -1)
		return -1;
	*out = vault_tkey_from_key(dk);
	sodium_memzero(dk, sizeof(dk));
	return 0;
}

int
vault_tkey_rewrap(const struct vault_master *old_m,
    const struct vault_master *new_m, uint64_t tenant_id,
    const unsigned char *wrapped, size_t len, unsigned char **wrapped_out,
    size_t *len_out, struct err *err)
{
	unsigned char	dk[VAULT_KEY_BYTES];
	unsigned char	*nw;

	if (vault_init(err) == -1)
		return -1;
	if (vault_unwrap_raw(old_m, tenant_id, wrapped, len, dk, err) == -1)
		return -1;
	nw = xmalloc(VAULT_WRAPPED_BYTES);
	vault_wrap(new_m, tenant_id, dk, nw);
	sodium_memzero(dk, sizeof(dk));
	*wrapped_out = nw;
	*len_out = VAULT_WRAPPED_BYTES;
	return 0;
}
