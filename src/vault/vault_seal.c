/*
 * vault_seal.c: sealing row fields (the blind indexes are in
 * vault_blind.c).
 *
 * This runs on the import path, once per message and per new address, so
 * it allocates nothing and copies no data: the AEAD reads the caller's
 * associated data in place (detached tag, written after the ciphertext).
 *
 * A sealed field is version || nonce || ciphertext || tag (vault.h), in
 * one of two versions, each with its own subkey of the data key:
 *
 *  1. XChaCha20-Poly1305 IETF, 24-byte nonce;
 *  2. AES-256-GCM, 12-byte nonce: under half the time of version 1 for a
 *     message's fields (about 0.35 against 0.8 us for 520 bytes), and 12
 *     bytes shorter.  Written where libsodium runs it in hardware (AES-NI
 *     and CLMUL: constant time, key expanded once per key by
 *     vault_seal_prepare); elsewhere version 1 is written, and version 2
 *     is opened with OpenSSL's implementation.
 *
 * Both are read everywhere.  Nonces are random, from a per-thread pool
 * (vault_nonce.c) because a system call per field would double the cost
 * of sealing.  A new AEAD takes a new version byte and a new subkey
 * (vault_priv.h), which is what authenticates the version byte.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "../base/err.h"
#include "vault_priv.h"

#define SEAL1_HDR	(1 + VAULT_NONCE_BYTES)
#define SEAL2_HDR	(1 + VAULT_GCM_NONCE_BYTES)

_Static_assert(VAULT_SEAL_OVERHEAD == SEAL1_HDR + VAULT_TAG_BYTES,
    "sealed layout, version 1");
_Static_assert(VAULT_SEAL2_OVERHEAD == SEAL2_HDR + VAULT_TAG_BYTES,
    "sealed layout, version 2");
_Static_assert(VAULT_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
    "tag size");
_Static_assert(VAULT_TAG_BYTES == crypto_aead_aes256gcm_ABYTES, "tag size");
_Static_assert(VAULT_NONCE_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(VAULT_GCM_NONCE_BYTES == crypto_aead_aes256gcm_NPUBBYTES,
    "nonce size");

int	vault_seal_default = VAULT_SEAL_XCHACHA;	/* set by vault_init */

static size_t
overhead(int version)
{
	switch (version) {
	case VAULT_SEAL_XCHACHA:
		return VAULT_SEAL_OVERHEAD;
	case VAULT_SEAL_AESGCM:
		return VAULT_SEAL2_OVERHEAD;
	}
	rt_fatal("vault: unknown seal version %d", version);
}

size_t
vault_sealed_len_as(int version, size_t plain_len)
{
	size_t	o = overhead(version);

	/* Both AEADs take far more than STORE_BLOB_MAX. */
	if (plain_len > SIZE_MAX - o ||
	    plain_len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    plain_len > crypto_aead_aes256gcm_MESSAGEBYTES_MAX ||
	    plain_len > INT_MAX)
		rt_fatal("vault_sealed_len: %zu bytes is too large", plain_len);
	return plain_len + o;
}

size_t
vault_sealed_len(size_t plain_len)
{
	return vault_sealed_len_as(vault_seal_default, plain_len);
}

int
vault_seal_version(void)
{
	return vault_seal_default;
}

void
vault_seal_portable(int on)
{
	vault_seal_default = !on && crypto_aead_aes256gcm_is_available() ?
	    VAULT_SEAL_AESGCM : VAULT_SEAL_XCHACHA;
}

void
vault_seal_prepare(struct vault_tkey *k)
{
	k->has_gcm = vault_seal_default == VAULT_SEAL_AESGCM &&
	    crypto_aead_aes256gcm_beforenm(&k->gcm, k->seal2) == 0;
}

void
vault_seal_as(const struct vault_tkey *k, int version, const void *ad,
    size_t ad_len, const void *plain, size_t n, unsigned char *out)
{
	static const unsigned char	 none[1];
	unsigned char			*c;

	(void)vault_sealed_len_as(version, n);	/* aborts on overflow */
	if (plain == NULL)
		plain = none;		/* n is 0 */
	if (ad == NULL)
		ad = none;		/* ad_len is 0 */
	out[0] = (unsigned char)version;
	if (version == VAULT_SEAL_AESGCM) {
		if (!k->has_gcm)
			rt_fatal("vault_seal: no AES-256-GCM in hardware");
		c = out + SEAL2_HDR;
		vault_nonce(out + 1, VAULT_GCM_NONCE_BYTES);
		crypto_aead_aes256gcm_encrypt_detached_afternm(c, c + n, NULL,
		    plain, n, ad, ad_len, NULL, out + 1, &k->gcm);
		return;
	}
	c = out + SEAL1_HDR;
	vault_nonce(out + 1, VAULT_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, c + n, NULL,
	    plain, n, ad, ad_len, NULL, out + 1, k->seal);
}

void
vault_seal(const struct vault_tkey *k, const void *ad, size_t ad_len,
    const void *plain, size_t n, unsigned char *out)
{
	/* out has room for vault_sealed_len(n): this version exactly (a key
	 * made under vault_seal_portable(1) cannot write version 2). */
	vault_seal_as(k, vault_seal_default, ad, ad_len, plain, n, out);
}

/* Version 2 without AES-NI: OpenSSL's AES-256-GCM (its bit-sliced and
 * vector-permute AES take no table lookups by key; without carry-less
 * multiplication its GHASH uses 4-bit tables of the hash key). */
static int
open_gcm_portable(const struct vault_tkey *k, const unsigned char *ad,
    size_t ad_len, const unsigned char *nonce, const unsigned char *c,
    size_t mlen, const unsigned char *tag, unsigned char *plain)
{
	EVP_CIPHER_CTX	*ctx;
	int		 len, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		rt_fatal("vault_open: out of memory");
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL,
	    NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
	    VAULT_GCM_NONCE_BYTES, NULL) == 1 &&
	    EVP_DecryptInit_ex(ctx, NULL, NULL, k->seal2, nonce) == 1 &&
	    (ad_len == 0 || EVP_DecryptUpdate(ctx, NULL, &len, ad,
	    (int)ad_len) == 1) &&
	    (mlen == 0 || EVP_DecryptUpdate(ctx, plain, &len, c,
	    (int)mlen) == 1) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, VAULT_TAG_BYTES,
	    (void *)(uintptr_t)tag) == 1 &&
	    EVP_DecryptFinal_ex(ctx, plain + mlen, &len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
vault_open(const struct vault_tkey *k, const void *ad, size_t ad_len,
    const unsigned char *sealed, size_t n, unsigned char *plain_out,
    size_t *plain_len_out, struct err *err)
{
	static const unsigned char	 none[1];
	unsigned char			 scratch[1];
	size_t				 mlen, hdr;
	int				 rc;

	if (n < 1 || (sealed[0] != VAULT_SEAL_XCHACHA &&
	    sealed[0] != VAULT_SEAL_AESGCM)) {
		if (n < VAULT_SEAL2_OVERHEAD)
			return err_set(err, ERR_PARSE, "sealed data is too "
			    "short (%zu bytes, at least %d)", n,
			    VAULT_SEAL2_OVERHEAD);
		return err_set(err, ERR_UNSUPPORTED, "sealed data has format "
		    "version %u, which this replytime does not read",
		    (unsigned)sealed[0]);
	}
	if (n < overhead(sealed[0]) || n - overhead(sealed[0]) > INT_MAX)
		return err_set(err, ERR_PARSE, "sealed data is too short (%zu "
		    "bytes, at least %zu)", n, overhead(sealed[0]));
	mlen = n - overhead(sealed[0]);
	if (plain_out == NULL)
		plain_out = scratch;	/* mlen is 0 */
	if (ad == NULL)
		ad = none;
	if (sealed[0] == VAULT_SEAL_AESGCM) {
		hdr = SEAL2_HDR;
		if (k->has_gcm)
			rc = crypto_aead_aes256gcm_decrypt_detached_afternm(
			    plain_out, NULL, sealed + hdr, mlen,
			    sealed + hdr + mlen, ad, ad_len, sealed + 1,
			    &k->gcm);
		else
			rc = open_gcm_portable(k, ad, ad_len, sealed + 1,
			    sealed + hdr, mlen, sealed + hdr + mlen,
			    plain_out);
	} else {
		hdr = SEAL1_HDR;
		rc = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
		    plain_out, NULL, sealed + hdr, mlen, sealed + hdr + mlen,
		    ad, ad_len, sealed + 1, k->seal);
	}
	if (rc != 0) {
		sodium_memzero(plain_out, mlen);
		return err_set(err, ERR_PARSE, "sealed data does not "
		    "authenticate: wrong key, moved to another place, or "
		    "altered");
	}
	*plain_len_out = mlen;
	return 0;
}
