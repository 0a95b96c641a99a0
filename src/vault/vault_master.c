/*
 * vault_master.c: the master key file: parse, load, create.
 *
 * A key file is text, so that it can be printed and typed back:
 *
 *	replytime-master-key v1
 *	<64 hex digits>
 *
 * The first line names the format and its version; a later format gets a
 * new first line.  Loading checks the file before reading it: it must be a
 * regular file (a symbolic link is followed and its target checked) with
 * no permission bits for group or others.  Creating never replaces
 * anything: O_EXCL | O_NOFOLLOW, so neither an existing key nor a link
 * planted where the key should go is ever written through.
 *
 * The raw key exists only in a stack buffer while the subkeys are
 * derived, and is wiped before returning; the object keeps the subkeys in
 * locked, guarded, read-only memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../base/err.h"
#include "../base/xmalloc.h"
#include "vault_priv.h"

#define MAGIC_LEN	(sizeof(VAULT_KEY_MAGIC) - 1)
#define HEX_LEN		(2 * VAULT_KEY_BYTES)
/* The most we read of a key file; anything longer is not one. */
#define KEY_FILE_MAX	1024

static atomic_int	vault_ready;

int
vault_init(struct err *err)
{
	if (atomic_load_explicit(&vault_ready, memory_order_acquire))
		return 0;
	/* sodium_init() has its own lock and may be called again. */
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, "the crypto library could not "
		    "start: no random source (is /dev/urandom missing?)");
	vault_nonce_init();
	vault_seal_portable(0);
	atomic_store_explicit(&vault_ready, 1, memory_order_release);
	return 0;
}

/* sodium_malloc that aborts on exhaustion, like xmalloc. */
static void *
vault_smalloc(size_t size)
{
	void	*p;

	if ((p = sodium_malloc(size)) == NULL)
		rt_fatal("out of memory allocating %zu bytes of locked memory",
		    size);
	return p;
}

struct vault_master *
vault_master_from_key(const unsigned char key[VAULT_KEY_BYTES])
{
	struct vault_master	*m = vault_smalloc(sizeof(*m));
	unsigned char		 idkey[crypto_kdf_BYTES_MIN];

	if (crypto_kdf_derive_from_key(m->wrap, sizeof(m->wrap),
	    VAULT_KDF_MASTER_WRAP1, VAULT_KDF_MASTER, key) != 0 ||
	    crypto_kdf_derive_from_key(m->backup, sizeof(m->backup),
	    VAULT_KDF_MASTER_BACKUP1, VAULT_KDF_MASTER, key) != 0 ||
	    crypto_kdf_derive_from_key(idkey, sizeof(idkey),
	    VAULT_KDF_MASTER_ID, VAULT_KDF_MASTER, key) != 0)
		rt_fatal("crypto_kdf_derive_from_key failed");
	memcpy(m->id, idkey, sizeof(m->id));
	sodium_bin2hex(m->id_hex, sizeof(m->id_hex), m->id, sizeof(m->id));
	sodium_memzero(idkey, sizeof(idkey));
	sodium_mprotect_readonly(m);
	return m;
}

void
vault_master_free(struct vault_master *m)
{
	/* sodium_free makes the pages writable, wipes and unmaps them. */
	if (m != NULL)
		sodium_free(m);
}

const char *
vault_master_id(const struct vault_master *m)
{
	return m->id_hex;
}

/* 1 for [0-9A-Fa-f], else 0, without a branch on the byte. */
static unsigned
vault_is_hex(unsigned c)
{
	unsigned	num = c ^ 48U;
	unsigned	alpha = (c & ~32U) - 55U;
	unsigned	num_ok = (num - 10U) >> 8;
	unsigned	alpha_ok = ((alpha - 10U) ^ (alpha - 16U)) >> 8;

	return (num_ok | alpha_ok) & 1U;
}

/*
 * Checks the first line.  Another version, a cut after the first line and
 * CR LF line ends get their own messages: they are the likely mistakes.
 */
static int
vault_parse_magic(const char *p, size_t len, struct err *err)
{
	static const char	pre[] = "replytime-master-key v";
	const size_t		plen = sizeof(pre) - 1;
	size_t			i;

	if (len >= MAGIC_LEN && memcmp(p, VAULT_KEY_MAGIC, MAGIC_LEN) == 0)
		return 0;
	if (len > plen && memcmp(p, pre, plen) == 0) {
		for (i = plen; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			continue;
		if (i == plen + 1 && p[plen] == '1') {
			if (i == len)
				return err_set(err, ERR_PARSE, "the key file "
				    "ends after its first line: the key is "
				    "missing");
			if (p[i] == '\r')
				return err_set(err, ERR_PARSE, "the key file "
				    "has CR LF line ends: a key file uses LF "
				    "only");
		} else if (i > plen && i - plen <= 8 &&
		    (i == len || p[i] == '\n')) {
			return err_set(err, ERR_UNSUPPORTED, "the key file is "
			    "format version %.*s; this replytime reads v1",
			    (int)(i - plen), p + plen);
		}
	}
	return err_set(err, ERR_PARSE, "not a replytime master key: the first "
	    "line is not \"replytime-master-key v1\"");
}

int
vault_master_parse(const void *data, size_t len, struct vault_master **out,
    struct err *err)
{
	const char	*p = data;
	const char	*rest;
	unsigned char	 key[VAULT_KEY_BYTES];
	size_t		 ndig, nrest, binlen = 0;

	if (vault_init(err) == -1)
		return -1;
	if (vault_parse_magic(p, len, err) == -1)
		return -1;
	p += MAGIC_LEN;
	len -= MAGIC_LEN;
	for (ndig = 0; ndig < len && vault_is_hex((unsigned char)p[ndig]);
	    ndig++)
		continue;
	rest = p + ndig;
	nrest = len - ndig;
	if (ndig > HEX_LEN)
		return err_set(err, ERR_PARSE, "the key is longer than %d hex "
		    "digits", HEX_LEN);
	if (nrest > 1 || (nrest == 1 && rest[0] != '\n')) {
		if (ndig == HEX_LEN)
			return err_set(err, ERR_PARSE, "unexpected bytes after "
			    "the key, at byte %zu", MAGIC_LEN + ndig);
		return err_set(err, ERR_PARSE, "the key has a byte that is "
		    "not a hex digit, at byte %zu", MAGIC_LEN + ndig);
	}
	if (ndig < HEX_LEN)
		return err_set(err, ERR_PARSE, "the key is truncated: %zu of "
		    "%d hex digits", ndig, HEX_LEN);
	if (sodium_hex2bin(key, sizeof(key), p, HEX_LEN, NULL, &binlen,
	    NULL) != 0 || binlen != sizeof(key))
		rt_fatal("sodium_hex2bin refused 64 checked hex digits");
	if (sodium_is_zero(key, sizeof(key))) {
		/* A zeroed file or a placeholder, never a random key. */
		return err_set(err, ERR_PARSE, "the key is all zeros: the "
		    "file is damaged or a placeholder");
	}
	*out = vault_master_from_key(key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

/* Checks what fd is before anything is read from it. */
static int
vault_check_file(int fd, const char *path, struct err *err)
{
	struct stat	st;
	mode_t		mode;

	if (fstat(fd, &st) == -1)
		return err_set_errno(err, ERR_IO, "key file %s", path);
	if (S_ISDIR(st.st_mode))
		return err_set(err, ERR_CONFIG, "key file %s is a folder, not "
		    "a file: give the path of the key file itself", path);
	if (!S_ISREG(st.st_mode))
		return err_set(err, ERR_CONFIG, "key file %s is not a regular "
		    "file", path);
	mode = st.st_mode & 07777;
	if ((mode & 044) != 0)
		return err_set(err, ERR_CONFIG, "key file %s is readable by "
		    "others (mode %04o): chmod 600 %s", path, (unsigned)mode,
		    path);
	if ((mode & 077) != 0)
		return err_set(err, ERR_CONFIG, "key file %s is open to "
		    "others (mode %04o): chmod 600 %s", path, (unsigned)mode,
		    path);
	if (st.st_size > KEY_FILE_MAX)
		return err_set(err, ERR_CONFIG, "key file %s is too large to "
		    "be a replytime master key (%lld bytes)", path,
		    (long long)st.st_size);
	return 0;
}

int
vault_master_load(const char *path, struct vault_master **out,
    struct err *err)
{
	unsigned char	buf[KEY_FILE_MAX + 1];
	ssize_t		n = 0;
	int		fd, rc = -1;

	if (vault_init(err) == -1)
		return -1;
	/* O_NONBLOCK: a FIFO planted at path must not hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return err_set(err, ERR_CONFIG, "key file %s does not "
			    "exist: give --key-file or REPLYTIME_KEY_FILE, or "
			    "create one with 'replytime key init'", path);
		return err_set_errno(err, ERR_IO, "cannot open key file %s",
		    path);
	}
	if (vault_check_file(fd, path, err) == -1)
		goto out;
	if ((n = vault_read_full(fd, buf, sizeof(buf))) == -1) {
		err_set_errno(err, ERR_IO, "cannot read key file %s", path);
		goto out;
	}
	if ((size_t)n > KEY_FILE_MAX) {
		err_set(err, ERR_CONFIG, "key file %s is too large to be a "
		    "replytime master key", path);
		goto out;
	}
	if (vault_master_parse(buf, (size_t)n, out, err) == -1) {
		err_prefix(err, "key file %s: ", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

/* Creates the missing folders above path, each with mode 0700. */
static int
vault_mkdirs(const char *path, struct err *err)
{
	char	*dir = xstrdup(path);
	char	*s;
	int	 rc = -1;

	for (s = strchr(dir + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			err_set_errno(err, ERR_IO, "cannot create folder %s",
			    dir);
			goto out;
		}
		*s = '/';
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

/* Makes the new directory entry durable: fsync of the folder. */
static int
vault_sync_dir(const char *path, struct err *err)
{
	char	*copy = xstrdup(path);
	char	*dir = dirname(copy);
	int	 fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		rc = err_set_errno(err, ERR_IO, "cannot sync folder %s", dir);
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

/* Writes the key file's text for key to the new file fd. */
static int
vault_write_key(int fd, const char *path,
    const unsigned char key[VAULT_KEY_BYTES], struct err *err)
{
	char	text[VAULT_KEY_FILE_LEN + 1];
	int	rc = -1;

	memcpy(text, VAULT_KEY_MAGIC, MAGIC_LEN);
	sodium_bin2hex(text + MAGIC_LEN, HEX_LEN + 1, key, VAULT_KEY_BYTES);
	text[MAGIC_LEN + HEX_LEN] = '\n';
	if (fchmod(fd, 0600) == -1)
		err_set_errno(err, ERR_IO, "cannot chmod key file %s", path);
	else if (vault_write_all(fd, text, VAULT_KEY_FILE_LEN) == -1)
		err_set_errno(err, ERR_IO, "cannot write key file %s", path);
	else if (fsync(fd) == -1)
		err_set_errno(err, ERR_IO, "cannot sync key file %s", path);
	else
		rc = 0;
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
vault_master_create(const char *path, struct vault_master **out,
    struct err *err)
{
	unsigned char	key[VAULT_KEY_BYTES];
	int		fd, rc = -1;

	if (vault_init(err) == -1)
		return -1;
	if (*path == '\0')
		return err_set(err, ERR_USAGE, "the key file path is empty");
	if (vault_mkdirs(path, err) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return err_set(err, ERR_CONFIG, "key file %s already "
			    "exists: refusing to replace a master key (the "
			    "data it wraps would be lost)", path);
		return err_set_errno(err, ERR_IO, "cannot create key file %s",
		    path);
	}
	randombytes_buf(key, sizeof(key));
	if (vault_write_key(fd, path, key, err) == -1) {
		close(fd);
		unlink(path);		/* ours: O_EXCL made it */
		goto out;
	}
	if (close(fd) == -1) {
		err_set_errno(err, ERR_IO, "cannot write key file %s", path);
		unlink(path);
		goto out;
	}
	if (vault_sync_dir(path, err) == -1) {
		/* Failure must mean "no key": nothing may be wrapped by it. */
		unlink(path);
		goto out;
	}
	if (out != NULL)
		*out = vault_master_from_key(key);
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}
