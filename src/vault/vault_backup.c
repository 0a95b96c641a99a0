/*
 * vault_backup.c: encrypted, streamed backups.
 *
 * A backup is a header and a crypto_secretstream_xchacha20poly1305 stream
 * (vault.h has the layout).  The stream key is derived from the master key
 * for this one job, and the stream header holds a fresh random nonce, so
 * every backup is encrypted differently under the same key.  The fixed
 * part of the header (magic, version, master key id) is the first chunk's
 * associated data: changing it, even the id, breaks the stream.
 *
 * Chunks are 64 KiB of input; a chunk shorter than that, possibly empty,
 * is the last and carries the FINAL tag.  Each chunk is written as a
 * 4-byte big-endian length and the stream's output, so the reader knows
 * where the last chunk ends and can tell bytes appended after it from a
 * damaged chunk.  The length is not authenticated by itself and need not
 * be: a wrong one moves the tag, which then fails.  The stream chains the
 * chunks, so reordering, dropping or duplicating one fails, and a backup
 * cut short at a chunk boundary is caught by the missing FINAL tag.
 *
 * Memory is two chunk buffers whatever the size of the backup.  Plaintext
 * buffers are wiped before they are freed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../base/err.h"
#include "../base/xmalloc.h"
#include "vault_priv.h"

#define MAGIC_LEN	(sizeof(VAULT_BACKUP_MAGIC) - 1)
#define FIXED_LEN	(MAGIC_LEN + 1 + VAULT_ID_BYTES)
#define SS_HDR		crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define HDR_LEN		(FIXED_LEN + SS_HDR)
#define CHUNK		VAULT_BACKUP_CHUNK
#define CCHUNK		(CHUNK + SS_ABYTES)
#define TAG_FINAL	crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define LEN_BYTES	4

_Static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES ==
    VAULT_KEY_BYTES, "backup key size");

static void
vault_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
vault_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
vault_backup_fixed(const struct vault_master *m, unsigned char *hdr)
{
	memcpy(hdr, VAULT_BACKUP_MAGIC, MAGIC_LEN);
	hdr[MAGIC_LEN] = VAULT_BACKUP_VERSION;
	memcpy(hdr + MAGIC_LEN + 1, m->id, VAULT_ID_BYTES);
}

int
vault_backup_encrypt(const struct vault_master *m, int in_fd, int out_fd,
    struct err *err)
{
	crypto_secretstream_xchacha20poly1305_state	 st;
	unsigned char					 hdr[HDR_LEN];
	unsigned char					*pbuf, *cbuf;
	unsigned long long				 clen;
	ssize_t						 n;
	int						 rc = -1;
	int						 first = 1;
	unsigned char					 tag;

	if (vault_init(err) == -1)
		return -1;
	pbuf = xmalloc(CHUNK);
	cbuf = xmalloc(LEN_BYTES + CCHUNK);
	vault_backup_fixed(m, hdr);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr + FIXED_LEN,
	    m->backup);
	if (vault_write_all(out_fd, hdr, sizeof(hdr)) == -1) {
		err_set_errno(err, ERR_IO, "cannot write the backup");
		goto out;
	}
	do {
		if ((n = vault_read_full(in_fd, pbuf, CHUNK)) == -1) {
			err_set_errno(err, ERR_IO, "cannot read the data to "
			    "back up");
			goto out;
		}
		tag = (size_t)n < CHUNK ? TAG_FINAL : 0;
		crypto_secretstream_xchacha20poly1305_push(&st,
		    cbuf + LEN_BYTES, &clen, pbuf, (unsigned long long)n,
		    first ? hdr : NULL, first ? FIXED_LEN : 0, tag);
		first = 0;
		vault_put_be32(cbuf, (uint32_t)clen);
		if (vault_write_all(out_fd, cbuf, LEN_BYTES + (size_t)clen) ==
		    -1) {
			err_set_errno(err, ERR_IO, "cannot write the backup");
			goto out;
		}
	} while (tag != TAG_FINAL);
	rc = 0;
out:
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(pbuf, CHUNK);
	free(pbuf);
	free(cbuf);
	return rc;
}

/* Reads and checks the header; leaves st ready to pull. */
static int
vault_backup_open(const struct vault_master *m, int in_fd,
    crypto_secretstream_xchacha20poly1305_state *st,
    unsigned char hdr[HDR_LEN], struct err *err)
{
	char	id_hex[VAULT_MASTER_ID_LEN + 1];
	ssize_t	n;

	if ((n = vault_read_full(in_fd, hdr, HDR_LEN)) == -1)
		return err_set_errno(err, ERR_IO, "cannot read the backup");
	if ((size_t)n >= MAGIC_LEN &&
	    memcmp(hdr, VAULT_BACKUP_MAGIC, MAGIC_LEN) != 0)
		return err_set(err, ERR_PARSE, "not a replytime backup (it "
		    "does not start with \"%s\")", VAULT_BACKUP_MAGIC);
	if ((size_t)n < HDR_LEN)
		return err_set(err, ERR_PARSE, "the backup is truncated: %zd "
		    "bytes, too short for a backup's header", n);
	if (hdr[MAGIC_LEN] != VAULT_BACKUP_VERSION)
		return err_set(err, ERR_UNSUPPORTED, "the backup has format "
		    "version %u, which this replytime does not read",
		    (unsigned)hdr[MAGIC_LEN]);
	if (sodium_memcmp(hdr + MAGIC_LEN + 1, m->id, VAULT_ID_BYTES) != 0) {
		sodium_bin2hex(id_hex, sizeof(id_hex), hdr + MAGIC_LEN + 1,
		    VAULT_ID_BYTES);
		return err_set(err, ERR_CONFIG, "the backup was made with "
		    "another master key (id %s; this key is %s): give the key "
		    "file it was made with", id_hex, m->id_hex);
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(st,
	    hdr + FIXED_LEN, m->backup) != 0)
		return err_set(err, ERR_PARSE, "the backup's header is "
		    "damaged");
	return 0;
}

/*
 * Reads the chunk that starts at byte off into cbuf (CCHUNK bytes);
 * returns its length, or 0 with err filled (a chunk is never empty).
 */
static unsigned long long
vault_backup_chunk(int in_fd, unsigned char *cbuf, uint64_t chunk,
    uint64_t off, struct err *err)
{
	unsigned char	lenb[LEN_BYTES];
	uint32_t	clen;
	ssize_t		n;

	if ((n = vault_read_full(in_fd, lenb, LEN_BYTES)) == -1) {
		err_set_errno(err, ERR_IO, "cannot read the backup");
		return 0;
	}
	if (n == 0) {
		err_set(err, ERR_PARSE, "the backup is truncated: it ends at "
		    "byte %" PRIu64 ", before its final chunk", off);
		return 0;
	}
	if (n < LEN_BYTES)
		goto short_read;
	clen = vault_get_be32(lenb);
	if (clen < SS_ABYTES || clen > CCHUNK) {
		err_set(err, ERR_PARSE, "the backup is damaged or altered: "
		    "chunk %" PRIu64 " at byte %" PRIu64 " has an impossible "
		    "length (%" PRIu32 ")", chunk, off, clen);
		return 0;
	}
	if ((n = vault_read_full(in_fd, cbuf, clen)) == -1) {
		err_set_errno(err, ERR_IO, "cannot read the backup");
		return 0;
	}
	if ((size_t)n == clen)
		return clen;
short_read:
	err_set(err, ERR_PARSE, "the backup is truncated: it ends inside "
	    "chunk %" PRIu64 ", which starts at byte %" PRIu64, chunk, off);
	return 0;
}

/* After the FINAL chunk the input must end. */
static int
vault_backup_end(int in_fd, uint64_t off, struct err *err)
{
	unsigned char	c;
	ssize_t		n;

	if ((n = vault_read_full(in_fd, &c, 1)) == -1)
		return err_set_errno(err, ERR_IO, "cannot read the backup");
	if (n != 0)
		return err_set(err, ERR_PARSE, "the backup goes on after its "
		    "final chunk, at byte %" PRIu64 ": it was altered", off);
	return 0;
}

int
vault_backup_decrypt(const struct vault_master *m, int in_fd, int out_fd,
    struct err *err)
{
	crypto_secretstream_xchacha20poly1305_state	 st;
	unsigned char					 hdr[HDR_LEN];
	unsigned char					*pbuf, *cbuf;
	unsigned long long				 plen, clen;
	uint64_t					 off = HDR_LEN;
	uint64_t					 chunk = 0;
	unsigned char					 tag = 0;
	int						 rc = -1;

	if (vault_init(err) == -1)
		return -1;
	pbuf = xmalloc(CHUNK);
	cbuf = xmalloc(CCHUNK);
	if (vault_backup_open(m, in_fd, &st, hdr, err) == -1)
		goto out;
	while (tag != TAG_FINAL) {
		if ((clen = vault_backup_chunk(in_fd, cbuf, chunk, off,
		    err)) == 0)
			goto out;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, pbuf,
		    &plen, &tag, cbuf, clen, chunk == 0 ? hdr : NULL,
		    chunk == 0 ? FIXED_LEN : 0) != 0) {
			err_set(err, ERR_PARSE, "the backup is damaged or "
			    "altered: chunk %" PRIu64 " at byte %" PRIu64
			    " does not authenticate", chunk, off);
			goto out;
		}
		if (vault_write_all(out_fd, pbuf, (size_t)plen) == -1) {
			err_set_errno(err, ERR_IO, "cannot write the restored "
			    "data");
			goto out;
		}
		off += LEN_BYTES + clen;
		chunk++;
	}
	if (vault_backup_end(in_fd, off, err) == -1)
		goto out;
	rc = 0;
out:
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(pbuf, CHUNK);
	free(pbuf);
	free(cbuf);
	return rc;
}
