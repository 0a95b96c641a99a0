/*
 * vault_nonce.c: random nonces for sealing, without a system call each.
 *
 * Sealing a field takes a random nonce (24 bytes for XChaCha20, 12 for
 * AES-256-GCM).  Asking the kernel for them costs about as much as the
 * encryption itself, so each thread draws 4 KiB at once from the kernel's
 * generator and hands them out a nonce at a time.  Used bytes are wiped, so no position is handed out twice.
 * The pool is filled by getrandom(2) itself, in one call: libsodium's
 * randombytes_buf reads the same generator 256 bytes a call, sixteen
 * system calls a pool (about 1% of an import).  It falls back to
 * randombytes_buf if the kernel has no getrandom.
 *
 * The one danger is fork(): a child would inherit the parent's unused
 * bytes and both would use them.  A pthread_atfork handler, registered by
 * vault_init before any key exists, bumps a generation counter in the
 * child, and a pool from an older generation is thrown away unused.
 * (A raw clone() that skips the atfork handlers would defeat this; the
 * program does not use one.)  Not async-signal-safe: do not seal from a
 * signal handler.
 *
 * Nonces are public once used and need only be unique, so the pool needs
 * no locking of memory.  vault.h says how many fields each nonce size
 * allows under one key.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>

#include <sodium.h>

#include "../base/err.h"
#include "vault_priv.h"

#define POOL_BYTES	4096

struct nonce_pool {
	unsigned	gen;		/* fork generation it was drawn in */
	size_t		off;		/* next unused byte */
	unsigned char	buf[POOL_BYTES];
};

static _Thread_local struct nonce_pool	pool;		/* gen 0: empty */
static atomic_uint			fork_gen = 1;
static pthread_once_t			atfork_once = PTHREAD_ONCE_INIT;

static void
vault_nonce_child(void)
{
	atomic_fetch_add_explicit(&fork_gen, 1, memory_order_relaxed);
}

static void
vault_nonce_register(void)
{
	if (pthread_atfork(NULL, NULL, vault_nonce_child) != 0)
		rt_fatal("pthread_atfork failed");
}

void
vault_nonce_init(void)
{
	pthread_once(&atfork_once, vault_nonce_register);
}

/* Fills p with n bytes from the kernel's generator (getrandom blocks only
 * until it is first seeded; a signal can cut a large read short). */
static void
fill_random(unsigned char *p, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {		/* no getrandom: libsodium's way */
			randombytes_buf(p, n);
			return;
		}
		p += r;
		n -= (size_t)r;
	}
}

void
vault_nonce(unsigned char *out, size_t n)
{
	unsigned	gen;

	gen = atomic_load_explicit(&fork_gen, memory_order_relaxed);
	if (n > VAULT_NONCE_BYTES)
		rt_fatal("vault_nonce: %zu bytes asked", n);
	if (pool.gen != gen || POOL_BYTES - pool.off < n) {
		fill_random(pool.buf, sizeof(pool.buf));
		pool.gen = gen;
		pool.off = 0;
	}
	memcpy(out, pool.buf + pool.off, n);
	sodium_memzero(pool.buf + pool.off, n);
	pool.off += n;
}
