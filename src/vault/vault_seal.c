/*
 * vault_seal.c: sealing row fields and computing blind indexes.
 *
 * These run on the import path, about ten times per message, so they
 * allocate nothing and copy no data: the AEAD reads the caller's
 * associated data in place (detached tag, written after the ciphertext),
 * and the blind index passes its kind as BLAKE2b's personalisation rather
 * than as a prefix that would need a buffer, starting from the keyed state
 * of its kind that vault_blind_prepare computed once per key (a short
 * value then costs one BLAKE2b compression, not two).
 *
 * A sealed field is version || nonce || ciphertext || tag (vault.h).  The
 * nonce is 24 random bytes, which XChaCha20 makes safe to pick at random
 * for any number of messages under one key; they come from a per-thread
 * pool (vault_nonce.c) because a system call per field would double the
 * cost of sealing.  Bump the version byte if the
 * AEAD ever changes; the new version takes a new seal subkey (vault_priv.h),
 * which is what authenticates the version byte.
 */
#include <inttypes.h>
#include <string.h>

#include <sodium.h>

#include "../base/err.h"
#include "vault_priv.h"

#define SEAL_HDR	(1 + VAULT_NONCE_BYTES)

_Static_assert(VAULT_SEAL_OVERHEAD == SEAL_HDR + VAULT_TAG_BYTES,
    "sealed layout");
_Static_assert(VAULT_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
    "tag size");
_Static_assert(VAULT_NONCE_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");

/*
 * BLAKE2b personalisation per kind: the domain of each index.  "bi1" is
 * the index version; a change to how indexes are computed takes "bi2" and
 * a new subkey, and means recomputing the stored indexes.
 */
static const unsigned char vault_bi_personal[][16] = {
	[VAULT_BI_ADDRESS] =	"rt.bi1.address",
	[VAULT_BI_DOMAIN] =	"rt.bi1.domain",
	[VAULT_BI_MSGID] =	"rt.bi1.msgid",
	[VAULT_BI_SOURCE] =	"rt.bi1.source",
};

_Static_assert(crypto_generichash_blake2b_PERSONALBYTES ==
    sizeof(vault_bi_personal[0]), "personalisation size");
_Static_assert(sizeof(vault_bi_personal) / sizeof(vault_bi_personal[0]) ==
    VAULT_BI_KINDS, "a personalisation per kind");

size_t
vault_sealed_len(size_t plain_len)
{
	if (plain_len > SIZE_MAX - VAULT_SEAL_OVERHEAD ||
	    plain_len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		rt_fatal("vault_sealed_len: %zu bytes is too large", plain_len);
	return plain_len + VAULT_SEAL_OVERHEAD;
}

void
vault_seal(const struct vault_tkey *k, const void *ad, size_t ad_len,
    const void *plain, size_t n, unsigned char *out)
{
	static const unsigned char	 none[1];
	unsigned char			*c = out + SEAL_HDR;

	(void)vault_sealed_len(n);	/* aborts on overflow */
	if (plain == NULL)
		plain = none;		/* n is 0 */
	if (ad == NULL)
		ad = none;		/* ad_len is 0 */
	out[0] = VAULT_SEAL_VERSION;
	vault_nonce(out + 1);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, c + n, NULL,
	    plain, n, ad, ad_len, NULL, out + 1, k->seal);
}

int
vault_open(const struct vault_tkey *k, const void *ad, size_t ad_len,
    const unsigned char *sealed, size_t n, unsigned char *plain_out,
    size_t *plain_len_out, struct err *err)
{
	static const unsigned char	 none[1];
	unsigned char			 scratch[1];
	size_t				 mlen;

	if (n < VAULT_SEAL_OVERHEAD)
		return err_set(err, ERR_PARSE, "sealed data is too short (%zu "
		    "bytes, at least %d)", n, VAULT_SEAL_OVERHEAD);
	if (sealed[0] != VAULT_SEAL_VERSION)
		return err_set(err, ERR_UNSUPPORTED, "sealed data has format "
		    "version %u, which this replytime does not read",
		    (unsigned)sealed[0]);
	mlen = n - VAULT_SEAL_OVERHEAD;
	if (plain_out == NULL)
		plain_out = scratch;	/* mlen is 0 */
	if (ad == NULL)
		ad = none;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(plain_out,
	    NULL, sealed + SEAL_HDR, mlen, sealed + SEAL_HDR + mlen, ad, ad_len,
	    sealed + 1, k->seal) != 0) {
		sodium_memzero(plain_out, mlen);
		return err_set(err, ERR_PARSE, "sealed data does not "
		    "authenticate: wrong key, moved to another place, or "
		    "altered");
	}
	*plain_len_out = mlen;
	return 0;
}

void
vault_blind_prepare(struct vault_tkey *k)
{
	crypto_generichash_blake2b_state	st;

	for (int i = 0; i < VAULT_BI_KINDS; i++) {
		if (crypto_generichash_blake2b_init_salt_personal(&st, k->bi,
		    sizeof(k->bi), VAULT_BI_BYTES, NULL,
		    vault_bi_personal[i]) != 0)
			rt_fatal("crypto_generichash_blake2b_init failed");
		memcpy(k->bi_state[i], &st, sizeof(st));
	}
	sodium_memzero(&st, sizeof(st));
}

/*
 * The same as crypto_generichash_blake2b_salt_personal(out, 16, p, n,
 * k->bi, 32, NULL, personal): the keyed, personalised start is computed
 * once per key (vault_blind_prepare), and test_vault pins the indexes.
 */
void
vault_blind(const struct vault_tkey *k, enum vault_bi_kind kind,
    const void *p, size_t n, unsigned char out[VAULT_BI_BYTES])
{
	static const unsigned char		none[1];
	crypto_generichash_blake2b_state	st;

	if ((unsigned)kind >= VAULT_BI_KINDS)
		rt_fatal("vault_blind: unknown kind %d", (int)kind);
	if (p == NULL)
		p = none;		/* n is 0 */
	memcpy(&st, k->bi_state[kind], sizeof(st));
	if (crypto_generichash_blake2b_update(&st, p, n) != 0 ||
	    crypto_generichash_blake2b_final(&st, out, VAULT_BI_BYTES) != 0)
		rt_fatal("crypto_generichash_blake2b failed");
	sodium_memzero(&st, sizeof(st));
}
