/*
 * vault_blind.c: blind indexes, keyed BLAKE2b-128 (RFC 7693).
 *
 * An index is crypto_generichash_blake2b_salt_personal(out, 16, p, n,
 * k->bi, 32, NULL, personal of its kind): test_vault pins the indexes and
 * compares this code with libsodium's for every length up to a few
 * blocks, and the indexes in existing databases must never change.
 *
 * Why not libsodium's function itself: keyed BLAKE2b hashes the key,
 * padded to a 128-byte block, before the value, so a short value costs
 * two compressions, and libsodium's streaming state keeps that first
 * block unhashed until the end (a copied keyed state saves nothing).
 * Here the chaining value after the key block is computed once per key
 * and kind (vault_blind_prepare), and a value of up to 128 bytes, as
 * addresses and message ids are, costs one compression.  An import
 * computes one index per new message id and address.
 *
 * The chaining values are secret (they stand for the key): they live in
 * the key object, which vault_tkey_free wipes; each call wipes its
 * working copies.
 */
#include <string.h>

#include <sodium.h>

#include "../base/err.h"
#include "vault_priv.h"

#define BLOCK	128

static const uint64_t iv[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
	0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
	0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
	0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const unsigned char sigma[12][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
	{ 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
	{ 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
	{ 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
	{ 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
	{ 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
	{ 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
	{ 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
	{ 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
};

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

_Static_assert(sizeof(vault_bi_personal) / sizeof(vault_bi_personal[0]) ==
    VAULT_BI_KINDS, "a personalisation per kind");

static uint64_t
load64(const unsigned char *p)
{
	uint64_t	v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
rotr(uint64_t x, unsigned n)
{
	return x >> n | x << (64 - n);
}

#define G(r, i, a, b, c, d) do {					\
	a = a + b + m[sigma[r][2 * (i)]];				\
	d = rotr(d ^ a, 32);						\
	c = c + d;							\
	b = rotr(b ^ c, 24);						\
	a = a + b + m[sigma[r][2 * (i) + 1]];				\
	d = rotr(d ^ a, 16);						\
	c = c + d;							\
	b = rotr(b ^ c, 63);						\
} while (0)

/* One compression of block into h; t is the byte count so far, last
 * whether this is the final block. */
static void
compress(uint64_t h[8], const unsigned char block[BLOCK], uint64_t t,
    int last)
{
	uint64_t	m[16], v[16];

	for (int i = 0; i < 16; i++)
		m[i] = load64(block + 8 * i);
	for (int i = 0; i < 8; i++) {
		v[i] = h[i];
		v[i + 8] = iv[i];
	}
	v[12] ^= t;		/* the high word of the count stays 0 */
	if (last)
		v[14] = ~v[14];
	for (int r = 0; r < 12; r++) {
		G(r, 0, v[0], v[4], v[8], v[12]);
		G(r, 1, v[1], v[5], v[9], v[13]);
		G(r, 2, v[2], v[6], v[10], v[14]);
		G(r, 3, v[3], v[7], v[11], v[15]);
		G(r, 4, v[0], v[5], v[10], v[15]);
		G(r, 5, v[1], v[6], v[11], v[12]);
		G(r, 6, v[2], v[7], v[8], v[13]);
		G(r, 7, v[3], v[4], v[9], v[14]);
	}
	for (int i = 0; i < 8; i++)
		h[i] ^= v[i] ^ v[i + 8];
	sodium_memzero(m, sizeof(m));
	sodium_memzero(v, sizeof(v));
}

void
vault_blind_prepare(struct vault_tkey *k)
{
	unsigned char	block[BLOCK];

	_Static_assert(sizeof(k->bi) <= BLOCK, "key in one block");
	memset(block, 0, sizeof(block));
	memcpy(block, k->bi, sizeof(k->bi));
	for (int i = 0; i < VAULT_BI_KINDS; i++) {
		uint64_t	*h0 = k->bi_h0[i], *h = k->bi_h[i];

		/* The parameter block: digest and key lengths, fanout and
		 * depth 1, no salt, the kind's personalisation. */
		for (int j = 0; j < 8; j++)
			h0[j] = iv[j];
		h0[0] ^= 0x01010000ULL ^ (uint64_t)sizeof(k->bi) << 8 ^
		    VAULT_BI_BYTES;
		h0[6] ^= load64(vault_bi_personal[i]);
		h0[7] ^= load64(vault_bi_personal[i] + 8);
		memcpy(h, h0, 8 * sizeof(*h));
		compress(h, block, BLOCK, 0);
	}
	sodium_memzero(block, sizeof(block));
}

void
vault_blind(const struct vault_tkey *k, enum vault_bi_kind kind,
    const void *p, size_t n, unsigned char out[VAULT_BI_BYTES])
{
	const unsigned char	*s = p;
	unsigned char		 block[BLOCK];
	uint64_t		 h[8], t = BLOCK;

	if ((unsigned)kind >= VAULT_BI_KINDS)
		rt_fatal("vault_blind: unknown kind %d", (int)kind);
	if (n == 0) {
		/* The key block is the last one. */
		memcpy(h, k->bi_h0[kind], sizeof(h));
		memset(block, 0, sizeof(block));
		memcpy(block, k->bi, sizeof(k->bi));
		compress(h, block, BLOCK, 1);
	} else {
		memcpy(h, k->bi_h[kind], sizeof(h));
		for (; n > BLOCK; s += BLOCK, n -= BLOCK) {
			t += BLOCK;
			compress(h, s, t, 0);
		}
		memset(block, 0, sizeof(block));
		memcpy(block, s, n);
		compress(h, block, t + n, 1);
	}
	for (int i = 0; i < VAULT_BI_BYTES; i++)
		out[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(block, sizeof(block));
}
