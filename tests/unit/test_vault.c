/*
 * test_vault.c: encryption at rest (src/vault).
 *
 * Round trips and, above all, refusals: every altered byte, wrong key,
 * wrong place, wrong tenant, unsafe key file and damaged backup must fail
 * with a message that says what is wrong and shows no secret.  Files go in
 * a fresh folder under /tmp, removed at the end.  Pinned vectors fix the
 * formats: if one changes, stored data stops opening, so a change there
 * needs a new version byte, not a new expected value.  The speed case
 * prints figures and asserts nothing about them.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/str.h"
#include "base/xmalloc.h"
#include "t.h"
#include "vault/vault.h"
#include "vault/vault_priv.h"

#define KEY_HEX "00112233445566778899aabbccddeeff" \
		"0123456789abcdeffedcba9876543210"
#define KEY_TEXT "replytime-master-key v1\n" KEY_HEX "\n"
#define KEY2_TEXT "replytime-master-key v1\n" \
		"f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed\n"

/*
 * Pinned: made once with vault_tkey_new under KEY_TEXT for tenant 42, and
 * checked against an independent implementation (Python hashlib BLAKE2b,
 * HChaCha20 by hand and ChaCha20-Poly1305 from the cryptography package)
 * following docs/security.md.
 */
#define PIN_WRAPPED \
		"014107af6231cdb9fc9bbb94ad2f39dbb1a316b6105bd5a50aa2af9e" \
		"f7f0b45965dfca3d1ecc621eb1dae6f5e491893212e62b4570b48be8" \
		"8f3da348f8bf1bd8f220c1b55e51f35fea"
/* Pinned: vault_seal of "hello" with place_ad(42, 7, "message.subject"). */
#define PIN_SEALED \
		"0118668347201a2d0a7ed83c8dad3371256c1f2d72307d50e40ea70a" \
		"702c5981c7ee992665e29819e6aad6f6f22a"
/* Pinned: the same in seal version 2 (AES-256-GCM), checked against
 * Python's hashlib (the KDF) and cryptography (AESGCM). */
#define PIN_SEALED2 \
		"02234776671e6218b9d2ccb38c443a562e684190d7166e66b75c4cc8" \
		"657f30ac572a"
#define PIN_MASTER_ID	"82696a74e34b185b"
#define PIN_BI_ADDRESS	"8adbf40924f6c256ee81b1ff19a4f64b"

/*
 * Pinned: vault_blind of the first n bytes of "abc...zabc..." under the
 * PIN_WRAPPED key, each kind, around BLAKE2b's 128-byte block (computed
 * by the one-shot keyed BLAKE2b before the keyed start was precomputed).
 */
static const struct {
	int		 kind;
	size_t		 n;
	const char	*hex;
} pin_bi[] = {
	{ 0,   0, "a38c2e2398082e3c20f3caeb43261642" },
	{ 0, 127, "26f1b4c7947adac8c4d2e978b71c4eb4" },
	{ 0, 128, "674810061d9d2277dc524b044c947c42" },
	{ 0, 129, "2f2f7cd9880fbe80825cd2f7ceaf938f" },
	{ 0, 300, "c289901757bf72c4e460318f62089a8d" },
	{ 1,   0, "5be8acd05fadccf42dfaa0b80ad93841" },
	{ 1, 127, "c5f3ae844118413936f17c0b9d5638d0" },
	{ 1, 128, "0cde69cadc9dd86919db2b03dda2bda5" },
	{ 1, 129, "03d577b1fee262a5b08e0e1195cb0893" },
	{ 1, 300, "9469a4cee81023b0e382348d3346f571" },
	{ 2,   0, "82d68af567e1276b67d6994af5eb4bd7" },
	{ 2, 127, "7447e7389e1b54dc8176e74a047b97e8" },
	{ 2, 128, "89624170de4765d573f7df1612b79bb9" },
	{ 2, 129, "6271819fdc428f07007bfa48153b9d2a" },
	{ 2, 300, "b4ed46eb58a1462a1fc8563ae275b913" },
	{ 3,   0, "3578859e7dd5e1a4813f484192aed0d7" },
	{ 3, 127, "2b66eaa91b2f8fcd3989f04121e76265" },
	{ 3, 128, "d4a713c24e0cf67f585da313e85a117e" },
	{ 3, 129, "8a446a2321b3098b5d130c2c36890642" },
	{ 3, 300, "b0944d1abf43c88bca15a4fc7cfb051b" },
};

static char	tmpdir[64];

static int	rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw);

static void
teardown(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh folder for this run, made on first use, removed at exit. */
static const char *
tmp_root(void)
{
	if (tmpdir[0] != '\0')
		return tmpdir;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt-vault-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		rt_fatal("mkdtemp: %s", strerror(errno));
	atexit(teardown);
	umask(022);
	return tmpdir;
}

/*
 * The associated data of the pinned vectors: tenant (8) || row (8) ||
 * length of field (1) || field, big-endian, as a store might bind a value
 * to its place.
 */
#define PLACE_AD_MAX	(8 + 8 + 1 + 64)

static size_t
place_ad(unsigned char out[PLACE_AD_MAX], uint64_t tenant, uint64_t row,
    const char *field)
{
	size_t	n = strlen(field);

	if (n == 0 || n > 64)
		abort();
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(tenant >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(row >> (56 - 8 * i));
	}
	out[16] = (unsigned char)n;
	memcpy(out + 17, field, n);
	return 17 + n;
}

static struct vault_master *
master_text(const char *text)
{
	struct vault_master	*m = NULL;
	struct err		 err;

	if (vault_master_parse(text, strlen(text), &m, &err) == -1)
		rt_fatal("test master key: %s", err.msg);
	return m;
}

static struct vault_tkey *
tkey_make(const struct vault_master *m, uint64_t tenant)
{
	struct vault_tkey	*k = NULL;
	unsigned char		*w = NULL;
	size_t			 wlen = 0;
	struct err		 err;

	if (vault_tkey_new(m, tenant, &w, &wlen, &k, &err) == -1)
		rt_fatal("vault_tkey_new: %s", err.msg);
	free(w);
	return k;
}

static size_t
unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t	n = strlen(hex) / 2;

	RT_ASSERT(n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned	v;

		RT_ASSERT(sscanf(hex + 2 * i, "%2x", &v) == 1);
		out[i] = (unsigned char)v;
	}
	return n;
}

static void
tohex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmp_root(), name);
}

static void
write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	FILE	*f;

	unlink(path);		/* it may be a read-only file */
	f = fopen(path, "wb");
	RT_ASSERT(f != NULL);
	RT_ASSERT(fwrite(p, 1, n, f) == n);
	RT_ASSERT(fclose(f) == 0);
	RT_ASSERT(chmod(path, mode) == 0);
}

/* Returns the whole file; caller frees. */
static unsigned char *
read_file(const char *path, size_t *len_out)
{
	FILE		*f = fopen(path, "rb");
	unsigned char	*p;
	long		 n;

	RT_ASSERT(f != NULL);
	RT_ASSERT(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	RT_ASSERT(n >= 0 && fseek(f, 0, SEEK_SET) == 0);
	p = xmalloc((size_t)n + 1);
	RT_ASSERT(fread(p, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len_out = (size_t)n;
	return p;
}

/* Fills p with a fixed pseudo-random pattern (xorshift). */
static void
fill(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t	x = seed * 0x9e3779b97f4a7c15ULL + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
}

/* The seal versions this CPU writes: 1, and 2 with AES in hardware. */
static int
versions(int out[2])
{
	int	n = 0;

	out[n++] = VAULT_SEAL_XCHACHA;
	if (vault_seal_version() == VAULT_SEAL_AESGCM)
		out[n++] = VAULT_SEAL_AESGCM;
	return n;
}

static size_t
nonce_len(int version)
{
	return version == VAULT_SEAL_AESGCM ? 12 : 24;
}

static void
seal_roundtrip(struct vault_tkey *k, int v)
{
	static const size_t	 sizes[] = { 0, 1, 2, 63, 64, 1000, 1 << 20 };
	unsigned char		 ad[PLACE_AD_MAX];
	size_t			 adlen = place_ad(ad, 1, 99, "message.subject");
	struct err		 err;

	for (size_t i = 0; i < nitems(sizes); i++) {
		size_t		 n = sizes[i], slen = vault_sealed_len_as(v, n);
		unsigned char	*plain = xmalloc(n + 1);
		unsigned char	*s1 = xmalloc(slen), *s2 = xmalloc(slen);
		unsigned char	*back = xmalloc(n + 1);
		size_t		 got = SIZE_MAX;

		fill(plain, n, i);
		vault_seal_as(k, v, ad, adlen, plain, n, s1);
		vault_seal_as(k, v, ad, adlen, plain, n, s2);
		t_eq_i64(s1[0], v, "v%d size %zu: version", v, n);
		t_ok(memcmp(s1 + 1, s2 + 1, nonce_len(v)) != 0,
		    "v%d size %zu: fresh nonce", v, n);
		t_eq_i64(vault_open(k, ad, adlen, s1, slen, back, &got, &err),
		    0, "v%d size %zu: opens", v, n);
		t_eq_i64(got, n, "v%d size %zu: length", v, n);
		t_ok(n == 0 || memcmp(back, plain, n) == 0,
		    "v%d size %zu: same", v, n);
		if (n > 0 && n <= 64)
			t_ok(memmem(s1, slen, plain, n) == NULL || n < 4,
			    "v%d size %zu: no plaintext in the sealed bytes",
			    v, n);
		free(plain);
		free(s1);
		free(s2);
		free(back);
	}
	/* NULL pointers with zero lengths. */
	{
		unsigned char	s[VAULT_SEAL_OVERHEAD];
		size_t		got = 5;

		vault_seal_as(k, v, NULL, 0, NULL, 0, s);
		t_eq_i64(vault_open(k, NULL, 0, s, vault_sealed_len_as(v, 0),
		    NULL, &got, &err), 0, "v%d empty, no AD, NULL out", v);
		t_eq_i64(got, 0, "v%d empty length", v);
	}
}

static void
test_seal_roundtrip(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 1);
	int			 v[2], nv = versions(v);

	t_eq_i64(VAULT_SEAL_OVERHEAD, 41, "version 1 overhead is 41");
	t_eq_i64(VAULT_SEAL2_OVERHEAD, 29, "version 2 overhead is 29");
	t_eq_i64(vault_sealed_len_as(VAULT_SEAL_XCHACHA, 7), 48, "v1 length");
	t_eq_i64(vault_sealed_len_as(VAULT_SEAL_AESGCM, 7), 36, "v2 length");
	t_eq_i64(vault_sealed_len(0), vault_seal_version() ==
	    VAULT_SEAL_AESGCM ? 29 : 41, "default overhead");
	/* libsodium's AES-256-GCM needs AES-NI and CLMUL. */
	t_eq_i64(vault_seal_version(), crypto_aead_aes256gcm_is_available() ?
	    VAULT_SEAL_AESGCM : VAULT_SEAL_XCHACHA,
	    "version 2 exactly where the CPU has AES-256-GCM");
	for (int i = 0; i < nv; i++)
		seal_roundtrip(k, v[i]);
	vault_tkey_free(k);
	vault_master_free(m);
}

/*
 * Version 2 is read on a CPU without AES in hardware (OpenSSL), and
 * version 1 where version 2 is written: one data key, opened both ways.
 */
static void
test_seal_portable(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*hw = NULL, *pt = NULL;
	unsigned char		*w = NULL, ad[PLACE_AD_MAX], s[200], t[200];
	unsigned char		 out[200];
	static const char	 plain[] = "Re: the quarterly numbers";
	size_t			 n = sizeof(plain) - 1, slen, got = 0, wlen = 0;
	size_t			 adlen = place_ad(ad, 3, 8, "messages");
	struct err		 err;
	int			 all = 1;

	if (vault_seal_version() != VAULT_SEAL_AESGCM) {
		printf("# no AES-256-GCM in hardware here: nothing to check\n");
		vault_master_free(m);
		return;
	}
	RT_ASSERT(vault_tkey_new(m, 3, &w, &wlen, &hw, &err) == 0);
	vault_seal_portable(1);
	t_eq_i64(vault_seal_version(), VAULT_SEAL_XCHACHA, "portable: v1");
	RT_ASSERT(vault_tkey_unwrap(m, 3, w, wlen, &pt, &err) == 0);
	vault_seal_portable(0);
	t_eq_i64(vault_seal_version(), VAULT_SEAL_AESGCM, "back to v2");

	slen = vault_sealed_len_as(VAULT_SEAL_AESGCM, n);
	vault_seal(hw, ad, adlen, plain, n, s);
	t_eq_i64(s[0], VAULT_SEAL_AESGCM, "hardware key seals v2");
	t_eq_i64(vault_open(pt, ad, adlen, s, slen, out, &got, &err), 0,
	    "v2 opens without AES-NI: %s", err.msg);
	t_eq_mem((char *)out, got, plain, "same text");
	for (size_t i = 1; i < slen; i++) {
		memcpy(t, s, slen);
		t[i] ^= 0x10;
		if (vault_open(pt, ad, adlen, t, slen, out, &got, &err) != -1 ||
		    strstr(err.msg, "does not authenticate") == NULL)
			all = 0;
	}
	t_ok(all, "portable open refuses every altered byte");
	t_eq_i64(vault_open(pt, ad, adlen - 1, s, slen, out, &got, &err), -1,
	    "portable open refuses another place");

	vault_seal_portable(1);
	vault_seal(pt, ad, adlen, plain, n, t);
	vault_seal_portable(0);
	t_eq_i64(t[0], VAULT_SEAL_XCHACHA, "portable key seals v1");
	t_eq_i64(vault_open(hw, ad, adlen, t, vault_sealed_len_as(
	    VAULT_SEAL_XCHACHA, n), out, &got, &err), 0, "v1 opens: %s",
	    err.msg);
	t_eq_mem((char *)out, got, plain, "same text from v1");
	free(w);
	vault_tkey_free(hw);
	vault_tkey_free(pt);
	vault_master_free(m);
}

static void
seal_tamper(struct vault_tkey *k, int v)
{
	static const char	 plain[] = "Quarterly invoice for ACME";
	const size_t		 n = sizeof(plain) - 1;
	unsigned char		 ad[PLACE_AD_MAX], s[128], t[128];
	unsigned char		 out[128];
	size_t			 adlen = place_ad(ad, 1, 5, "message.subject");
	size_t			 slen = vault_sealed_len_as(v, n), got;
	size_t			 min = vault_sealed_len_as(v, 0);
	struct err		 err;
	int			 all = 1, clean = 1, zeroed = 1;

	vault_seal_as(k, v, ad, adlen, plain, n, s);
	for (size_t i = 0; i < slen; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			memcpy(t, s, slen);
			t[i] ^= (unsigned char)(1U << bit);
			memset(out, 0xaa, sizeof(out));
			got = 12345;
			if (vault_open(k, ad, adlen, t, slen, out, &got,
			    &err) != -1 || got != 12345)
				all = 0;
			if (strstr(err.msg, "ACME") != NULL)
				clean = 0;
			if (i > 0) {
				for (size_t j = 0; j < n; j++)
					if (out[j] != 0)
						zeroed = 0;
				if (strstr(err.msg, "does not authenticate") ==
				    NULL)
					clean = 0;
			}
		}
	}
	t_ok(all, "v%d: every flipped bit is refused", v);
	t_ok(clean, "v%d: messages say 'does not authenticate', show no text",
	    v);
	t_ok(zeroed, "v%d: refused output is zeros", v);
	for (size_t len = 0; len < slen; len++)
		if (vault_open(k, ad, adlen, s, len, out, &got, &err) != -1)
			all = 0;
	t_ok(all, "v%d: every truncation is refused", v);
	t_eq_i64(vault_open(k, ad, adlen, s, min - 1, out, &got, &err), -1,
	    "v%d: short", v);
	{
		char	want[64];

		snprintf(want, sizeof(want), "too short (%zu bytes, at least "
		    "%zu)", min - 1, min);
		t_ok(strstr(err.msg, want) != NULL, "v%d: short message: %s",
		    v, err.msg);
	}
	memcpy(t, s, slen);
	t[0] = 3;
	t_eq_i64(vault_open(k, ad, adlen, t, slen, out, &got, &err), -1,
	    "v%d: version 3", v);
	t_eq_i64(err.code, ERR_UNSUPPORTED, "v%d: unknown version code", v);
	t_ok(strstr(err.msg, "format version 3") != NULL,
	    "v%d: version message: %s", v, err.msg);
	t[0] = 0;
	t_eq_i64(vault_open(k, ad, adlen, t, slen, out, &got, &err), -1,
	    "v%d: version 0", v);
	/* The other version's byte: another subkey and layout, refused. */
	t[0] = (unsigned char)(v == 1 ? 2 : 1);
	t_eq_i64(vault_open(k, ad, adlen, t, slen, out, &got, &err), -1,
	    "v%d: read as the other version", v);
	t_ok(strstr(err.msg, "ACME") == NULL, "v%d: other version: no text",
	    v);
	/* One more byte at the end moves the tag: refused. */
	memcpy(t, s, slen);
	t[slen] = 0;
	t_eq_i64(vault_open(k, ad, adlen, t, slen + 1, out, &got, &err), -1,
	    "v%d: extended", v);
}

static void
test_seal_tamper(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 1);
	int			 v[2], nv = versions(v);

	for (int i = 0; i < nv; i++)
		seal_tamper(k, v[i]);
	vault_tkey_free(k);
	vault_master_free(m);
}

/*
 * Nonces come from a per-thread pool; a forked child must not reuse the
 * parent's unused part of it.
 */
static void
test_seal_fork(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 1);
	unsigned char		 s[VAULT_SEAL_OVERHEAD], c[VAULT_SEAL_OVERHEAD];
	int			 fds[2], status;
	pid_t			 pid;

	vault_seal(k, NULL, 0, NULL, 0, s);	/* the pool is filled */
	RT_ASSERT(pipe(fds) == 0);
	if ((pid = fork()) == 0) {
		vault_seal(k, NULL, 0, NULL, 0, c);
		_exit(write(fds[1], c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 :
		    1);
	}
	RT_ASSERT(pid > 0);
	vault_seal(k, NULL, 0, NULL, 0, s);
	t_eq_i64(read(fds[0], c, sizeof(c)), sizeof(c), "child's seal");
	RT_ASSERT(waitpid(pid, &status, 0) == pid);
	t_ok(memcmp(s + 1, c + 1, nonce_len(vault_seal_version())) != 0,
	    "child and parent nonces differ");
	close(fds[0]);
	close(fds[1]);
	vault_tkey_free(k);
	vault_master_free(m);
}

static void
test_seal_wrong_place(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 1);
	struct vault_tkey	*k2 = tkey_make(m, 1);
	unsigned char		 ad[PLACE_AD_MAX], ad2[PLACE_AD_MAX];
	unsigned char		 s[64], out[64];
	size_t			 adlen, ad2len, got, slen = vault_sealed_len(5);
	struct err		 err;

	adlen = place_ad(ad, 1, 5, "message.subject");
	vault_seal(k, ad, adlen, "hello", 5, s);
	t_eq_i64(vault_open(k, ad, adlen, s, slen, out, &got, &err), 0,
	    "right place");
	ad2len = place_ad(ad2, 2, 5, "message.subject");
	t_eq_i64(vault_open(k, ad2, ad2len, s, slen, out, &got, &err), -1,
	    "other tenant in AD");
	ad2len = place_ad(ad2, 1, 6, "message.subject");
	t_eq_i64(vault_open(k, ad2, ad2len, s, slen, out, &got, &err), -1,
	    "other row");
	ad2len = place_ad(ad2, 1, 5, "message.from_name");
	t_eq_i64(vault_open(k, ad2, ad2len, s, slen, out, &got, &err), -1,
	    "other column");
	t_eq_i64(vault_open(k, NULL, 0, s, slen, out, &got, &err), -1,
	    "no AD");
	t_eq_i64(vault_open(k, ad, adlen - 1, s, slen, out, &got, &err), -1,
	    "shorter AD");
	t_eq_i64(vault_open(k2, ad, adlen, s, slen, out, &got, &err), -1,
	    "another data key");
	t_ok(strstr(err.msg, "does not authenticate") != NULL, "wrong key: %s",
	    err.msg);
	vault_tkey_free(k);
	vault_tkey_free(k2);
	vault_master_free(m);
}

static void
test_tkey(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_master	*m2 = master_text(KEY2_TEXT);
	struct vault_tkey	*k = NULL, *ku = NULL, *kr = NULL;
	unsigned char		*w = NULL, *w2 = NULL, *w3 = NULL;
	unsigned char		 s[64], out[64], bad[VAULT_WRAPPED_BYTES];
	size_t			 wlen = 0, w2len = 0, w3len = 0, got;
	struct err		 err;
	char			*want;

	t_eq_i64(vault_tkey_new(m, 7, &w, &wlen, &k, &err), 0, "new");
	t_eq_i64(wlen, VAULT_WRAPPED_BYTES, "wrapped length");
	t_eq_i64(w[0], VAULT_WRAP_VERSION, "wrapped version");
	vault_seal(k, "ad", 2, "hello", 5, s);
	t_eq_i64(vault_tkey_unwrap(m, 7, w, wlen, &ku, &err), 0, "unwrap");
	t_eq_i64(vault_open(ku, "ad", 2, s, vault_sealed_len(5), out, &got,
	    &err), 0, "unwrapped key opens");

	t_eq_i64(vault_tkey_unwrap(m2, 7, w, wlen, &kr, &err), -1,
	    "another master");
	want = xasprintf("the master key (id %s) does not open tenant 7's "
	    "data key: wrong key file?", vault_master_id(m2));
	t_eq_mem(err.msg, strlen(err.msg), want, "wrong master message");
	free(want);
	t_eq_i64(err.code, ERR_CONFIG, "wrong master code");
	t_eq_i64(vault_tkey_unwrap(m, 8, w, wlen, &kr, &err), -1,
	    "another tenant");
	t_ok(strstr(err.msg, "tenant 8's data key") != NULL, "tenant: %s",
	    err.msg);
	t_eq_i64(vault_tkey_unwrap(m, 7, w, wlen - 1, &kr, &err), -1,
	    "short blob");
	t_ok(strstr(err.msg, "72 bytes, 73 expected") != NULL, "len: %s",
	    err.msg);
	memcpy(bad, w, sizeof(bad));
	bad[0] = 9;
	t_eq_i64(vault_tkey_unwrap(m, 7, bad, sizeof(bad), &kr, &err), -1,
	    "version 9");
	t_ok(strstr(err.msg, "format version 9") != NULL, "ver: %s", err.msg);
	for (size_t i = 1; i < sizeof(bad); i++) {
		memcpy(bad, w, sizeof(bad));
		bad[i] ^= 0x40;
		if (vault_tkey_unwrap(m, 7, bad, sizeof(bad), &kr, &err) != -1)
			t_ok(0, "flipped byte %zu unwraps", i);
	}
	t_ok(kr == NULL, "no key out of a failure");

	/* Rotation: rewrap under m2; rows sealed before still open. */
	t_eq_i64(vault_tkey_rewrap(m, m2, 7, w, wlen, &w2, &w2len, &err), 0,
	    "rewrap");
	t_eq_i64(w2len, VAULT_WRAPPED_BYTES, "rewrapped length");
	t_ok(memcmp(w, w2, wlen) != 0, "rewrapped blob differs");
	t_eq_i64(vault_tkey_unwrap(m, 7, w2, w2len, &kr, &err), -1,
	    "old master no longer opens it");
	t_eq_i64(vault_tkey_unwrap(m2, 7, w2, w2len, &kr, &err), 0,
	    "new master opens it");
	t_eq_i64(vault_open(kr, "ad", 2, s, vault_sealed_len(5), out, &got,
	    &err), 0, "same data key after rotation");
	t_eq_i64(vault_tkey_rewrap(m, m2, 7, w2, w2len, &w3, &w3len, &err), -1,
	    "rewrap with the wrong old key");
	t_ok(w3 == NULL, "nothing out of a failed rewrap");
	t_eq_i64(vault_tkey_new(m, 9, &w3, &w3len, NULL, &err), 0,
	    "new without the key object");
	free(w);
	free(w2);
	free(w3);
	vault_tkey_free(k);
	vault_tkey_free(ku);
	vault_tkey_free(kr);
	vault_tkey_free(NULL);
	vault_master_free(m);
	vault_master_free(m2);
	vault_master_free(NULL);
}

static void
test_blind(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 1), *k2 = tkey_make(m, 2);
	struct vault_tkey	*ku = NULL;
	unsigned char		*w = NULL;
	size_t			 wlen = 0;
	unsigned char		 a[VAULT_BI_BYTES + 8], b[VAULT_BI_BYTES];
	unsigned char		 kinds[4][VAULT_BI_BYTES];
	static const char	 text[] = "support@example.com";
	struct err		 err;

	memset(a, 0x5c, sizeof(a));
	vault_blind(k, VAULT_BI_ADDRESS, text, strlen(text), a);
	t_ok(a[VAULT_BI_BYTES] == 0x5c && a[sizeof(a) - 1] == 0x5c,
	    "writes exactly 16 bytes");
	vault_blind(k, VAULT_BI_ADDRESS, text, strlen(text), b);
	t_ok(memcmp(a, b, VAULT_BI_BYTES) == 0, "deterministic");
	vault_blind(k, VAULT_BI_ADDRESS, "Support@example.com", strlen(text),
	    b);
	t_ok(memcmp(a, b, VAULT_BI_BYTES) != 0, "bytes, not case-folded");
	for (int i = 0; i < 4; i++)
		vault_blind(k, (enum vault_bi_kind)i, text, strlen(text),
		    kinds[i]);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			t_ok(memcmp(kinds[i], kinds[j], VAULT_BI_BYTES) != 0,
			    "kinds %d and %d differ", i, j);
	vault_blind(k2, VAULT_BI_ADDRESS, text, strlen(text), b);
	t_ok(memcmp(a, b, VAULT_BI_BYTES) != 0, "tenants differ");
	vault_blind(k, VAULT_BI_ADDRESS, NULL, 0, b);
	t_ok(memcmp(a, b, VAULT_BI_BYTES) != 0, "empty input works");
	/* Stable across unwrap: the index survives a restart. */
	t_eq_i64(vault_tkey_new(m, 3, &w, &wlen, &ku, &err), 0, "new");
	vault_blind(ku, VAULT_BI_MSGID, text, strlen(text), a);
	vault_tkey_free(ku);
	ku = NULL;
	t_eq_i64(vault_tkey_unwrap(m, 3, w, wlen, &ku, &err), 0, "unwrap");
	vault_blind(ku, VAULT_BI_MSGID, text, strlen(text), b);
	t_ok(memcmp(a, b, VAULT_BI_BYTES) == 0, "same after unwrap");
	free(w);
	vault_tkey_free(ku);
	vault_tkey_free(k);
	vault_tkey_free(k2);
	vault_master_free(m);
}

/*
 * The stored formats, pinned: a wrapped key and a sealed field written by
 * an earlier build must still open, and the id and an index must come out
 * the same, or every database in the field breaks.
 */
/*
 * vault_blind is libsodium's keyed, personalised BLAKE2b-128 computed with
 * the key block hashed ahead (vault_blind.c): the same bytes for every
 * kind and every length around the block boundaries.
 */
static void
test_blind_same_as_libsodium(void)
{
	static const char	*personal[VAULT_BI_KINDS] = { "rt.bi1.address",
				    "rt.bi1.domain", "rt.bi1.msgid",
				    "rt.bi1.source" };
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 5);
	unsigned char		 text[600], a[VAULT_BI_BYTES], b[VAULT_BI_BYTES];
	unsigned char		 pers[16];
	int			 same = 1, diff = 1;

	fill(text, sizeof(text), 77);
	for (int kind = 0; kind < VAULT_BI_KINDS; kind++) {
		memset(pers, 0, sizeof(pers));
		memcpy(pers, personal[kind], strlen(personal[kind]));
		for (size_t n = 0; n <= sizeof(text); n++) {
			vault_blind(k, (enum vault_bi_kind)kind, text, n, a);
			RT_ASSERT(crypto_generichash_blake2b_salt_personal(b,
			    sizeof(b), text, n, k->bi, sizeof(k->bi), NULL,
			    pers) == 0);
			if (memcmp(a, b, sizeof(a)) != 0) {
				same = 0;
				printf("# kind %d, %zu bytes differ\n", kind,
				    n);
			}
		}
		vault_blind(k, (enum vault_bi_kind)kind, NULL, 0, a);
		RT_ASSERT(crypto_generichash_blake2b_salt_personal(b,
		    sizeof(b), NULL, 0, k->bi, sizeof(k->bi), NULL,
		    pers) == 0);
		same &= memcmp(a, b, sizeof(a)) == 0;
	}
	t_ok(same, "every kind and length 0 to 600: libsodium's bytes");
	/* And the index depends on every byte of the value. */
	for (size_t i = 0; i < 300; i++) {
		vault_blind(k, VAULT_BI_MSGID, text, 300, a);
		text[i] ^= 1;
		vault_blind(k, VAULT_BI_MSGID, text, 300, b);
		text[i] ^= 1;
		diff &= memcmp(a, b, sizeof(a)) != 0;
	}
	t_ok(diff, "a changed byte changes the index");
	vault_tkey_free(k);
	vault_master_free(m);
}

static void
test_pinned(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = NULL;
	unsigned char		 w[VAULT_WRAPPED_BYTES], s[64], out[64];
	unsigned char		 ad[PLACE_AD_MAX], bi[VAULT_BI_BYTES];
	char			 hex[2 * VAULT_BI_BYTES + 1];
	size_t			 wlen, slen, adlen, got = 0;
	struct err		 err;

	t_eq_mem(vault_master_id(m), strlen(vault_master_id(m)),
	    PIN_MASTER_ID, "master id");
	wlen = unhex(PIN_WRAPPED, w, sizeof(w));
	t_eq_i64(vault_tkey_unwrap(m, 42, w, wlen, &k, &err), 0,
	    "pinned wrapped key opens: %s", err.msg);
	if (k == NULL)
		goto out;
	slen = unhex(PIN_SEALED, s, sizeof(s));
	adlen = place_ad(ad, 42, 7, "message.subject");
	t_eq_i64(vault_open(k, ad, adlen, s, slen, out, &got, &err), 0,
	    "pinned sealed field opens: %s", err.msg);
	t_eq_mem((char *)out, got, "hello", "pinned plaintext");
	slen = unhex(PIN_SEALED2, s, sizeof(s));
	got = 0;
	t_eq_i64(vault_open(k, ad, adlen, s, slen, out, &got, &err), 0,
	    "pinned version 2 field opens: %s", err.msg);
	t_eq_mem((char *)out, got, "hello", "pinned version 2 plaintext");
	if (vault_seal_version() == VAULT_SEAL_AESGCM) {
		struct vault_tkey	*pk = NULL;

		/* And without AES-NI (OpenSSL). */
		vault_seal_portable(1);
		RT_ASSERT(vault_tkey_unwrap(m, 42, w, wlen, &pk, &err) == 0);
		vault_seal_portable(0);
		got = 0;
		t_eq_i64(vault_open(pk, ad, adlen, s, slen, out, &got, &err),
		    0, "pinned version 2 opens portably: %s", err.msg);
		t_eq_mem((char *)out, got, "hello", "portable plaintext");
		vault_tkey_free(pk);
	}
	vault_blind(k, VAULT_BI_ADDRESS, "a@example.com", 13, bi);
	tohex(bi, sizeof(bi), hex);
	t_eq_mem(hex, strlen(hex), PIN_BI_ADDRESS, "pinned blind index");
	for (size_t i = 0; i < sizeof(pin_bi) / sizeof(pin_bi[0]); i++) {
		unsigned char	text[300];

		for (size_t j = 0; j < sizeof(text); j++)
			text[j] = (unsigned char)('a' + j % 26);
		vault_blind(k, (enum vault_bi_kind)pin_bi[i].kind, text,
		    pin_bi[i].n, bi);
		tohex(bi, sizeof(bi), hex);
		t_eq_mem(hex, strlen(hex), pin_bi[i].hex,
		    "pinned blind index, kind %d, %zu bytes", pin_bi[i].kind,
		    pin_bi[i].n);
	}
out:
	vault_tkey_free(k);
	vault_master_free(m);
}

static const struct {
	const char	*text;
	const char	*want;	/* NULL: must parse; else part of the error */
} parse_cases[] = {
	{ KEY_TEXT,							NULL },
	{ "replytime-master-key v1\n" KEY_HEX,				NULL },
	{ "replytime-master-key v1\n"
	  "00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210\n",
									NULL },
	{ "",				"not a replytime master key" },
	{ "replytime-master-key v1",	"the key is missing" },
	{ "replytime-master-key v12\n" KEY_HEX "\n", "format version 12;" },
	{ "replytime-master-key v1x\n" KEY_HEX "\n", "not a replytime master" },
	{ "replytime-master-key v1\n",	"truncated: 0 of 64" },
	{ "replytime-master-key v1\n0011",	"truncated: 4 of 64" },
	{ "replytime-master-key v1\n0011\n",	"truncated: 4 of 64" },
	{ "replytime-master-key v2\n" KEY_HEX "\n",	"format version 2; this "
	    "replytime reads v1" },
	{ "replytime-master-key V1\n" KEY_HEX "\n", "not a replytime master" },
	{ "replytime-master-key v1\r\n" KEY_HEX "\n", "CR LF line ends" },
	{ "REPLYTIME-MASTER-KEY v1\n" KEY_HEX "\n", "not a replytime master" },
	{ "replytime-master-key v1\n" KEY_HEX "\n\n",	"after the key" },
	{ "replytime-master-key v1\n" KEY_HEX "\r\n",	"after the key" },
	{ "replytime-master-key v1\n" KEY_HEX " \n",	"after the key" },
	{ "replytime-master-key v1\n" KEY_HEX "0\n",	"longer than 64" },
	{ "replytime-master-key v1\n" KEY_HEX "00\n",	"longer than 64" },
	{ "replytime-master-key v1\n"
	  "00112233445566778899aabbccddeeff0123456789abcdeffedcba987654321g\n",
	    "not a hex digit, at byte 87" },
	{ "replytime-master-key v1\n"
	  "0000000000000000000000000000000000000000000000000000000000000000\n",
	    "all zeros" },
	{ " replytime-master-key v1\n" KEY_HEX "\n", "not a replytime" },
};

static void
test_master_parse(void)
{
	struct err	err;

	for (size_t i = 0; i < nitems(parse_cases); i++) {
		struct vault_master	*m = NULL;
		const char		*text = parse_cases[i].text;
		int			 rc;

		err_clear(&err);
		rc = vault_master_parse(text, strlen(text), &m, &err);
		if (parse_cases[i].want == NULL) {
			t_eq_i64(rc, 0, "case %zu parses: %s", i, err.msg);
			if (m != NULL)
				t_eq_mem(vault_master_id(m),
				    strlen(vault_master_id(m)), PIN_MASTER_ID,
				    "case %zu: same key", i);
		} else {
			t_eq_i64(rc, -1, "case %zu refused", i);
			t_ok(strstr(err.msg, parse_cases[i].want) != NULL,
			    "case %zu: %s", i, err.msg);
			t_ok(strstr(err.msg, "0011223344") == NULL &&
			    strstr(err.msg, "cdeffedcba") == NULL,
			    "case %zu: no key in the message", i);
			t_ok(m == NULL, "case %zu: no key out", i);
		}
		vault_master_free(m);
	}
}

static void
test_master_file(void)
{
	char			*dir = tmp_path("a/b");
	char			*path = tmp_path("a/b/master.key");
	char			*link = tmp_path("link.key");
	char			*other = tmp_path("other.key");
	char			*fifo = tmp_path("fifo.key");
	struct vault_master	*m = NULL, *m2 = NULL;
	unsigned char		*before, *after;
	size_t			 blen, alen;
	struct stat		 st;
	struct err		 err;
	char			*id;

	t_eq_i64(vault_master_create(path, &m, &err), 0, "create: %s",
	    err.msg);
	if (m == NULL)
		goto out;
	t_eq_i64(stat(path, &st), 0, "created");
	t_eq_i64(st.st_mode & 07777, 0600, "mode 0600");
	t_ok(S_ISREG(st.st_mode), "regular");
	t_eq_i64(stat(dir, &st), 0, "folder created");
	t_eq_i64(st.st_mode & 0777, 0700, "folder mode 0700");
	before = read_file(path, &blen);
	t_eq_i64(blen, VAULT_KEY_FILE_LEN, "file length");
	t_ok(memcmp(before, VAULT_KEY_MAGIC, strlen(VAULT_KEY_MAGIC)) == 0,
	    "magic line");
	t_eq_i64(vault_master_load(path, &m2, &err), 0, "load: %s", err.msg);
	t_eq_mem(vault_master_id(m2), strlen(vault_master_id(m2)),
	    vault_master_id(m), "loaded key is the created key");
	t_eq_i64(strlen(vault_master_id(m)), VAULT_MASTER_ID_LEN, "id length");
	vault_master_free(m2);
	m2 = NULL;

	t_eq_i64(vault_master_create(path, NULL, &err), -1, "no overwrite");
	t_ok(strstr(err.msg, "already exists") != NULL, "exists: %s",
	    err.msg);
	after = read_file(path, &alen);
	t_ok(alen == blen && memcmp(before, after, blen) == 0, "untouched");
	free(before);
	free(after);

	/* A link planted where the key should go is not written through. */
	t_eq_i64(symlink(other, link), 0, "symlink");
	t_eq_i64(vault_master_create(link, NULL, &err), -1, "create via link");
	t_ok(access(other, F_OK) == -1, "target not created");
	t_eq_i64(vault_master_load(link, &m2, &err), -1, "dangling link");
	t_ok(strstr(err.msg, "does not exist: give --key-file or "
	    "REPLYTIME_KEY_FILE, or create one with 'replytime key init'") !=
	    NULL, "missing: %s", err.msg);
	/* A link to a good key file is followed; the target is checked. */
	write_file(other, KEY_TEXT, strlen(KEY_TEXT), 0600);
	t_eq_i64(vault_master_load(link, &m2, &err), 0, "load via link: %s",
	    err.msg);
	vault_master_free(m2);
	m2 = NULL;
	t_eq_i64(chmod(other, 0644), 0, "chmod");
	t_eq_i64(vault_master_load(link, &m2, &err), -1, "link to 0644");
	id = xasprintf("key file %s is readable by others (mode 0644): "
	    "chmod 600 %s", link, link);
	t_eq_mem(err.msg, strlen(err.msg), id, "0644 message");
	free(id);
	t_eq_i64(chmod(other, 0640), 0, "chmod");
	t_eq_i64(vault_master_load(other, &m2, &err), -1, "0640");
	t_ok(strstr(err.msg, "(mode 0640)") != NULL, "0640: %s", err.msg);
	t_eq_i64(chmod(other, 0602), 0, "chmod");
	t_eq_i64(vault_master_load(other, &m2, &err), -1, "0602");
	t_ok(strstr(err.msg, "open to others (mode 0602)") != NULL, "0602: %s",
	    err.msg);
	t_eq_i64(chmod(other, 0400), 0, "chmod");
	t_eq_i64(vault_master_load(other, &m2, &err), 0, "0400 is fine");
	vault_master_free(m2);
	m2 = NULL;

	t_eq_i64(vault_master_load(dir, &m2, &err), -1, "a folder");
	t_ok(strstr(err.msg, "is a folder") != NULL, "folder: %s", err.msg);
	t_eq_i64(mkfifo(fifo, 0600), 0, "mkfifo");
	t_eq_i64(vault_master_load(fifo, &m2, &err), -1, "a FIFO, no hang");
	t_ok(strstr(err.msg, "not a regular file") != NULL, "fifo: %s",
	    err.msg);

	write_file(other, KEY_TEXT, 40, 0600);
	t_eq_i64(vault_master_load(other, &m2, &err), -1, "truncated file");
	t_ok(strstr(err.msg, "truncated: 16 of 64 hex digits") != NULL &&
	    strstr(err.msg, other) != NULL, "truncated: %s", err.msg);
	write_file(other, "-----BEGIN PRIVATE KEY-----\n", 28, 0600);
	t_eq_i64(vault_master_load(other, &m2, &err), -1, "bad magic");
	t_ok(strstr(err.msg, "not a replytime master key") != NULL,
	    "magic: %s", err.msg);
	write_file(other, "", 0, 0600);
	t_eq_i64(vault_master_load(other, &m2, &err), -1, "empty file");
	{
		char	big[2000];

		memset(big, 'a', sizeof(big));
		write_file(other, big, sizeof(big), 0600);
		t_eq_i64(vault_master_load(other, &m2, &err), -1, "big file");
		t_ok(strstr(err.msg, "too large") != NULL, "big: %s", err.msg);
	}
	t_ok(m2 == NULL, "no key out of failures");
out:
	vault_master_free(m);
	free(dir);
	free(path);
	free(link);
	free(other);
	free(fifo);
}

/* Sets or (value NULL) unsets an environment variable. */
static void
env(const char *name, const char *value)
{
	if (value == NULL)
		RT_ASSERT(unsetenv(name) == 0);
	else
		RT_ASSERT(setenv(name, value, 1) == 0);
}

/* vault_key_path's result, or NULL on error (message in err). */
static char *
key_path(const char *opt, const char *db, struct err *err)
{
	char	*p = NULL;

	err_clear(err);
	if (vault_key_path(opt, db, &p, err) == -1)
		return NULL;
	return p;
}

static void
test_key_path(void)
{
	char		*home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	char		*db = tmp_path("data/replytime.db");
	char		*dbdir = tmp_path("data");
	char		*ln = tmp_path("datalink");
	char		*want, *p, *k;
	struct err	 err;

	RT_ASSERT(mkdir(dbdir, 0700) == 0);
	env("REPLYTIME_KEY_FILE", NULL);
	env("XDG_CONFIG_HOME", NULL);
	env("HOME", "/home/u");
	p = key_path(NULL, NULL, &err);
	t_eq_mem(p, p ? strlen(p) : 0, "/home/u/.config/replytime/master.key",
	    "HOME default");
	free(p);
	env("XDG_CONFIG_HOME", "relative/cfg");
	p = key_path(NULL, NULL, &err);
	t_eq_mem(p, p ? strlen(p) : 0, "/home/u/.config/replytime/master.key",
	    "relative XDG_CONFIG_HOME ignored");
	free(p);
	env("XDG_CONFIG_HOME", "/cfg");
	p = key_path(NULL, NULL, &err);
	t_eq_mem(p, p ? strlen(p) : 0, "/cfg/replytime/master.key", "XDG");
	free(p);
	env("REPLYTIME_KEY_FILE", "");
	p = key_path(NULL, NULL, &err);
	t_eq_mem(p, p ? strlen(p) : 0, "/cfg/replytime/master.key",
	    "empty REPLYTIME_KEY_FILE ignored");
	free(p);
	env("REPLYTIME_KEY_FILE", "/etc/rt/env.key");
	p = key_path(NULL, NULL, &err);
	t_eq_mem(p, p ? strlen(p) : 0, "/etc/rt/env.key", "env beats XDG");
	free(p);
	p = key_path("/opt/k.key", NULL, &err);
	t_eq_mem(p, p ? strlen(p) : 0, "/opt/k.key", "option beats env");
	free(p);
	p = key_path("", NULL, &err);
	t_ok(p == NULL && strstr(err.msg, "--key-file is empty") != NULL,
	    "empty option: %s", err.msg);
	env("REPLYTIME_KEY_FILE", NULL);
	env("XDG_CONFIG_HOME", NULL);
	env("HOME", NULL);
	p = key_path(NULL, NULL, &err);
	t_ok(p == NULL && strstr(err.msg, "HOME is not set") != NULL,
	    "no HOME: %s", err.msg);
	env("HOME", "/home/u");

	/* Apart from the database. */
	want = xasprintf("in the database's folder %s", dbdir);
	k = tmp_path("data/master.key");
	p = key_path(k, db, &err);
	t_ok(p == NULL && strstr(err.msg, want) != NULL, "same folder: %s",
	    err.msg);
	t_eq_i64(err.code, ERR_CONFIG, "config error");
	free(k);
	k = tmp_path("data/keys/not/yet/master.key");
	p = key_path(k, db, &err);
	t_ok(p == NULL, "folder below, not yet made");
	free(k);
	k = tmp_path("other/../data/./master.key");
	p = key_path(k, db, &err);
	t_ok(p == NULL, "dots resolved");
	free(k);
	RT_ASSERT(symlink(dbdir, ln) == 0);
	k = tmp_path("datalink/master.key");
	p = key_path(k, db, &err);
	t_ok(p == NULL && strstr(err.msg, want) != NULL,
	    "link to the folder: %s", err.msg);
	free(k);
	{
		char	*kk = tmp_path("data/master.key");
		char	*ldb = tmp_path("datalink/replytime.db");

		p = key_path(kk, ldb, &err);
		t_ok(p == NULL, "database named through a link");
		free(kk);
		free(ldb);
	}
	k = tmp_path("data/master.key");
	env("REPLYTIME_KEY_FILE", k);
	p = key_path(NULL, db, &err);
	t_ok(p == NULL, "env path checked too");
	env("REPLYTIME_KEY_FILE", NULL);
	free(k);
	k = tmp_path("data2/master.key");	/* "data2" is not "data" */
	p = key_path(k, db, &err);
	t_ok(p != NULL, "sibling folder with a common prefix: %s", err.msg);
	free(p);
	free(k);
	k = tmp_path("master.key");		/* the parent of the db's */
	p = key_path(k, db, &err);
	t_ok(p != NULL, "folder above the database: %s", err.msg);
	free(p);
	free(k);
	p = key_path("master.key", "replytime.db", &err);
	t_ok(p == NULL, "both relative in the working folder");
	p = key_path("master.key", NULL, &err);
	t_ok(p != NULL, "no database, no check");
	free(p);
	free(want);
	env("HOME", home);
	free(home);
	free(db);
	free(dbdir);
	free(ln);
}

/* Writes n pattern bytes to a new file; returns its path (caller frees). */
static char *
make_input(const char *name, size_t n, uint64_t seed)
{
	char		*path = tmp_path(name);
	unsigned char	*p = xmalloc(n + 1);

	fill(p, n, seed);
	write_file(path, p, n, 0600);
	free(p);
	return path;
}

/* Runs encrypt or decrypt from file to file; returns the result. */
static int
backup_run(int decrypt, const struct vault_master *m, const char *in,
    const char *out, struct err *err)
{
	int	ifd = open(in, O_RDONLY), ofd, rc;

	RT_ASSERT(ifd != -1);
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	RT_ASSERT(ofd != -1);
	err_clear(err);
	rc = decrypt ? vault_backup_decrypt(m, ifd, ofd, err) :
	    vault_backup_encrypt(m, ifd, ofd, err);
	close(ifd);
	close(ofd);
	return rc;
}

static int
same_files(const char *a, const char *b)
{
	size_t		 alen, blen;
	unsigned char	*pa = read_file(a, &alen), *pb = read_file(b, &blen);
	int		 same = alen == blen && memcmp(pa, pb, alen) == 0;

	free(pa);
	free(pb);
	return same;
}

static void
test_backup_roundtrip(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	static const size_t	 sizes[] = { 0, 1, 65535, 65536, 65537,
				    3 * 65536, 3000000 };
	char			*enc = tmp_path("b.enc"), *dec = tmp_path("b.out");
	struct err		 err;

	for (size_t i = 0; i < nitems(sizes); i++) {
		char		*in = make_input("b.in", sizes[i], i);
		struct stat	 st;
		size_t		 chunks = sizes[i] / 65536 + 1;

		t_eq_i64(backup_run(0, m, in, enc, &err), 0, "encrypt %zu: %s",
		    sizes[i], err.msg);
		RT_ASSERT(stat(enc, &st) == 0);
		t_eq_i64(st.st_size, 41 + sizes[i] + 21 * chunks,
		    "size %zu: header + chunks", sizes[i]);
		t_eq_i64(backup_run(1, m, enc, dec, &err), 0, "decrypt %zu: %s",
		    sizes[i], err.msg);
		t_ok(same_files(in, dec), "size %zu: same bytes", sizes[i]);
		free(in);
	}
	free(enc);
	free(dec);
	vault_master_free(m);
}

/* Encrypts n pattern bytes written by a child process into a pipe. */
static void
test_backup_pipe(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	const size_t		 n = 2500000;
	unsigned char		*p = xmalloc(n), *back;
	char			*enc = tmp_path("p.enc"), *dec = tmp_path("p.out");
	int			 fds[2], ofd, status;
	size_t			 got;
	pid_t			 pid;
	struct err		 err;

	fill(p, n, 77);
	RT_ASSERT(pipe(fds) == 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		/* Odd-sized writes, so reads come back short. */
		for (size_t off = 0; off < n; off += 7777) {
			size_t	w = n - off < 7777 ? n - off : 7777;

			if (write(fds[1], p + off, w) != (ssize_t)w)
				_exit(1);
		}
		_exit(0);
	}
	RT_ASSERT(pid > 0);
	close(fds[1]);
	ofd = open(enc, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	t_eq_i64(vault_backup_encrypt(m, fds[0], ofd, &err), 0, "from pipe");
	close(ofd);
	close(fds[0]);
	RT_ASSERT(waitpid(pid, &status, 0) == pid);
	t_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer");
	t_eq_i64(backup_run(1, m, enc, dec, &err), 0, "decrypt: %s", err.msg);
	back = read_file(dec, &got);
	t_ok(got == n && memcmp(back, p, n) == 0, "same bytes through a pipe");
	free(back);
	free(p);
	free(enc);
	free(dec);
	vault_master_free(m);
}

/* Writes a variant of the backup and checks decrypt refuses it. */
static void
refuse(const struct vault_master *m, const unsigned char *p, size_t n,
    const char *want, const char *what)
{
	char		*bad = tmp_path("bad.enc"), *dec = tmp_path("bad.out");
	struct err	 err;

	write_file(bad, p, n, 0600);
	t_eq_i64(backup_run(1, m, bad, dec, &err), -1, "%s refused", what);
	t_ok(strstr(err.msg, want) != NULL, "%s: %s", what, err.msg);
	free(bad);
	free(dec);
}

static void
test_backup_damage(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_master	*m2 = master_text(KEY2_TEXT);
	char			*in = make_input("d.in", 200000, 5);
	char			*enc = tmp_path("d.enc"), *dec = tmp_path("d.out");
	const size_t		 cc = 4 + 65536 + 17;
	const size_t		 flips[] = { 0, 7, 8, 9, 16, 17, 40, 41, 43,
				    44, 45, 100, 41 + cc - 1, 41 + cc,
				    41 + cc + 4, 41 + 3 * cc + 2 };
	unsigned char		*p, *q;
	size_t			 n;
	struct err		 err;
	char			*want, what[64];

	RT_ASSERT(backup_run(0, m, in, enc, &err) == 0);
	p = read_file(enc, &n);
	q = xmalloc(n + 1);
	/* Cut short at every interesting place. */
	refuse(m, p, 0, "truncated: 0 bytes", "empty");
	refuse(m, p, 5, "truncated: 5 bytes", "5 bytes");
	refuse(m, p, 40, "truncated", "40 bytes");
	refuse(m, p, 41, "ends at byte 41, before its final chunk", "header");
	refuse(m, p, 43, "ends inside chunk 0, which starts at byte 41",
	    "half a length");
	refuse(m, p, 46, "ends inside chunk 0, which starts at byte 41",
	    "1 byte of a chunk");
	refuse(m, p, 41 + cc, "ends at byte 65598, before its final chunk",
	    "one chunk");
	refuse(m, p, 41 + 3 * cc, "ends at byte 196712, before its final "
	    "chunk", "three chunks");
	refuse(m, p, n - 1, "ends inside chunk 3, which starts at byte 196712",
	    "last byte");
	/* Flipped bits anywhere. */
	for (size_t i = 0; i < nitems(flips) + 1; i++) {
		size_t	at = i < nitems(flips) ? flips[i] : n - 1;

		memcpy(q, p, n);
		q[at] ^= 0x10;
		snprintf(what, sizeof(what), "flip at %zu", at);
		refuse(m, q, n, at < 8 ? "not a replytime backup" :
		    at == 8 ? "format version 17" : at < 17 ?
		    "another master key" : at < 41 + cc ? "chunk 0 at byte 41" :
		    at < 41 + 2 * cc ? "chunk 1 at byte 65598" :
		    "chunk 3", what);
	}
	/* Chunks swapped. */
	memcpy(q, p, n);
	memcpy(q + 41, p + 41 + cc, cc);
	memcpy(q + 41 + cc, p + 41, cc);
	refuse(m, q, n, "damaged or altered: chunk 0 at byte 41 does not "
	    "authenticate", "swap");
	/* A chunk dropped from the middle. */
	memcpy(q, p, 41 + cc);
	memcpy(q + 41 + cc, p + 41 + 2 * cc, n - 41 - 2 * cc);
	refuse(m, q, n - cc, "chunk 1 at byte 65598 does not authenticate",
	    "dropped chunk");
	/* Bytes after the end. */
	memcpy(q, p, n);
	q[n] = 0;
	want = xasprintf("goes on after its final chunk, at byte %zu", n);
	refuse(m, q, n + 1, want, "appended");
	free(want);
	free(q);
	/* Another master key. */
	want = xasprintf("the backup was made with another master key (id %s; "
	    "this key is %s)", vault_master_id(m), vault_master_id(m2));
	refuse(m2, p, n, want, "other master");
	free(want);
	/* Not a backup at all. */
	refuse(m, (const unsigned char *)KEY_TEXT, strlen(KEY_TEXT),
	    "not a replytime backup", "key file as backup");
	free(p);
	free(in);
	free(enc);
	free(dec);
	vault_master_free(m);
	vault_master_free(m2);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Speed: printed as TAP comments, never asserted (machines differ). */
static void
test_speed(void)
{
	struct vault_master	*m = master_text(KEY_TEXT);
	struct vault_tkey	*k = tkey_make(m, 1);
	const int		 iters = getenv("RT_SANITIZED") ? 20000 : 400000;
	const size_t		 big = 1 << 20;
	unsigned char		 ad[PLACE_AD_MAX], s[128], out[128];
	unsigned char		 bi[VAULT_BI_BYTES], *bp, *bs, *bo;
	size_t			 adlen = place_ad(ad, 1, 12345, "msg.subject");
	size_t			 got;
	double			 t0, seal_ns, open_ns, bi_ns, seal_mb, open_mb;
	static const char	 addr[] = "jane.doe@customer.example.com";
	static const char	 subj[] = "Re: Invoice 2024-118 is overdue";
	struct err		 err;
	int			 ok = 1;

	t0 = now_s();
	for (int i = 0; i < iters; i++)
		vault_seal(k, ad, adlen, subj, sizeof(subj) - 1, s);
	seal_ns = (now_s() - t0) * 1e9 / iters;
	t0 = now_s();
	for (int i = 0; i < iters; i++)
		ok &= vault_open(k, ad, adlen, s, vault_sealed_len(
		    sizeof(subj) - 1), out, &got, &err) == 0;
	open_ns = (now_s() - t0) * 1e9 / iters;
	t0 = now_s();
	for (int i = 0; i < iters; i++) {
		vault_blind(k, VAULT_BI_ADDRESS, addr, sizeof(addr) - 1, bi);
		ad[0] ^= bi[0];		/* keep the loop honest */
	}
	bi_ns = (now_s() - t0) * 1e9 / iters;

	bp = xmalloc(big);
	bs = xmalloc(vault_sealed_len(big));
	bo = xmalloc(big);
	fill(bp, big, 3);
	t0 = now_s();
	for (int i = 0; i < 64; i++)
		vault_seal(k, NULL, 0, bp, big, bs);
	seal_mb = 64.0 / (now_s() - t0);
	t0 = now_s();
	for (int i = 0; i < 64; i++)
		ok &= vault_open(k, NULL, 0, bs, vault_sealed_len(big), bo,
		    &got, &err) == 0;
	open_mb = 64.0 / (now_s() - t0);
	t_ok(ok, "all opened");
	printf("# seal %zu B: %.0f ns/call; open: %.0f ns/call\n",
	    sizeof(subj) - 1, seal_ns, open_ns);
	printf("# blind %zu B: %.0f ns/call\n", sizeof(addr) - 1, bi_ns);
	printf("# seal 1 MiB: %.0f MiB/s; open 1 MiB: %.0f MiB/s\n", seal_mb,
	    open_mb);
	/* A message: ~4 sealed fields (from, name, subject, id), 10 indexes. */
	printf("# per message (4 seals + 10 indexes): %.0f ns, %.0f k msg/s "
	    "on one core\n", 4 * seal_ns + 10 * bi_ns,
	    1e6 / (4 * seal_ns + 10 * bi_ns));
	free(bp);
	free(bs);
	free(bo);
	vault_tkey_free(k);
	vault_master_free(m);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
test_init(void)
{
	struct err	err;

	t_eq_i64(vault_init(&err), 0, "init");
	t_eq_i64(vault_init(&err), 0, "init again is fine");
}

static const struct t_case cases[] = {
	{ "init", test_init },
	{ "seal_roundtrip", test_seal_roundtrip },
	{ "seal_tamper", test_seal_tamper },
	{ "seal_portable", test_seal_portable },
	{ "seal_fork", test_seal_fork },
	{ "seal_wrong_place", test_seal_wrong_place },
	{ "tkey", test_tkey },
	{ "blind", test_blind },
	{ "blind_same_as_libsodium", test_blind_same_as_libsodium },
	{ "pinned", test_pinned },
	{ "master_parse", test_master_parse },
	{ "master_file", test_master_file },
	{ "key_path", test_key_path },
	{ "backup_roundtrip", test_backup_roundtrip },
	{ "backup_pipe", test_backup_pipe },
	{ "backup_damage", test_backup_damage },
	{ "speed", test_speed },
};
T_MAIN(cases)
