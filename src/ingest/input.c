/*
 * input.c: plain, gzip and zstd byte streams (see input.h).
 *
 * Compressed data is pulled through a fixed input buffer, so memory use is
 * the same for a 1 KB file and a 10 GB one.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "../base/xmalloc.h"
#include "input.h"

#define INPUT_CHUNK	(256 * 1024)

enum input_kind { IN_PLAIN, IN_GZIP, IN_ZSTD };

struct input {
	int		 fd;
	int		 own_fd;
	char		*path;		/* owned, for messages */
	enum input_kind	 kind;
	unsigned char	 head[8];	/* raw bytes read while sniffing */
	size_t		 head_len, head_pos;
	unsigned char	 peek[16];	/* decoded bytes given back */
	size_t		 peek_len, peek_pos;
	unsigned char	*ibuf;		/* owned: compressed bytes */
	size_t		 ipos, ilen;
	int		 ieof;
	z_stream	 zs;
	int		 zs_live;
	ZSTD_DStream	*zd;
	size_t		 zd_hint;	/* 0: the last frame ended cleanly */
	int		 done;
	const unsigned char *mem;	/* borrowed: input_open_mem */
	size_t		 mem_len;
	int		 ahead;		/* input_set_ahead: -1 unset */
	int		 pipe;		/* input_set_pipe: -1 unset */
	int		 late;		/* late_err is the next read's */
	struct err	 late_err;
};

/* read(2), or a copy from the memory of input_open_mem(). */
static ssize_t
raw_read(struct input *in, void *buf, size_t n)
{
	size_t	k;

	if (in->mem == NULL)
		return read(in->fd, buf, n);
	k = in->mem_len < n ? in->mem_len : n;
	memcpy(buf, in->mem, k);
	in->mem += k;
	in->mem_len -= k;
	return (ssize_t)k;
}

static ssize_t
fill(struct input *in, struct err *err)
{
	ssize_t	n;

	if (in->ipos < in->ilen || in->ieof)
		return (ssize_t)(in->ilen - in->ipos);
	do
		n = raw_read(in, in->ibuf, INPUT_CHUNK);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return err_set_errno(err, ERR_IO, "%s: read", in->path);
	in->ipos = 0;
	in->ilen = (size_t)n;
	if (n == 0)
		in->ieof = 1;
	return n;
}

/* Reads the magic bytes and sets up decompression. */
static int
input_sniff(struct input *in, struct err *err)
{
	ssize_t	n;

	/* A short first read is fine for pipes.  Plain files get no input
	 * buffer: they are read straight into the caller's, which keeps
	 * opening a Maildir file cheap. */
	while (in->head_len < 4) {
		n = raw_read(in, in->head + in->head_len, 4 - in->head_len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_set_errno(err, ERR_IO, "%s: read", in->path);
		if (n == 0) {
			in->ieof = 1;
			break;
		}
		in->head_len += (size_t)n;
	}
	if (in->head_len >= 2 && in->head[0] == 0x1f && in->head[1] == 0x8b)
		in->kind = IN_GZIP;
	else if (in->head_len >= 4 && memcmp(in->head, "\x28\xb5\x2f\xfd",
	    4) == 0)
		in->kind = IN_ZSTD;
	if (in->kind != IN_PLAIN) {
		in->ibuf = xmalloc(INPUT_CHUNK);
		memcpy(in->ibuf, in->head, in->head_len);
		in->ilen = in->head_len;
		in->head_len = 0;
	}
	if (in->kind == IN_GZIP) {
		if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK)
			rt_fatal("zlib: cannot initialise");
		in->zs_live = 1;
	} else if (in->kind == IN_ZSTD) {
		if ((in->zd = ZSTD_createDStream()) == NULL)
			rt_fatal("zstd: cannot create a stream");
		ZSTD_initDStream(in->zd);
	}
	return 0;
}

int
input_open(const char *path, struct input **in_out, struct err *err)
{
	struct input	*in;
	int		 fd;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set_errno(err, ERR_IO, "%s: cannot open", path);
	in = xcalloc(1, sizeof(*in));
	in->fd = fd;
	in->ahead = -1;
	in->pipe = -1;
	in->own_fd = fd != STDIN_FILENO;
	in->path = xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
	if (input_sniff(in, err) == -1) {
		input_close(in);
		return -1;
	}
	*in_out = in;
	return 0;
}

struct input *
input_open_mem(const void *data, size_t len, const char *name)
{
	struct input	*in = xcalloc(1, sizeof(*in));

	in->fd = -1;
	in->ahead = -1;
	in->pipe = -1;
	in->mem = data;
	in->mem_len = len;
	in->path = xstrdup(name);
	/* Reading memory cannot fail. */
	if (input_sniff(in, NULL) == -1)
		rt_fatal("input_open_mem: sniff failed");
	return in;
}

static ssize_t
read_plain(struct input *in, void *buf, size_t n, struct err *err)
{
	size_t	k;
	ssize_t	r;

	if (in->head_pos < in->head_len) {
		k = in->head_len - in->head_pos < n ?
		    in->head_len - in->head_pos : n;
		memcpy(buf, in->head + in->head_pos, k);
		in->head_pos += k;
		return (ssize_t)k;
	}
	if (in->ieof)
		return 0;
	do
		r = raw_read(in, buf, n);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return err_set_errno(err, ERR_IO, "%s: read", in->path);
	if (r == 0)
		in->ieof = 1;
	return r;
}

/*
 * Corrupt data met after got bytes were decoded in this call (the error
 * is in in->late_err): those bytes are returned now and the error by the
 * next read, so that everything before the corrupt spot is read whatever
 * the size of the reads (and the scans with and without a reading thread
 * see the same messages).
 */
static ssize_t
read_fail(struct input *in, size_t got, struct err *err)
{
	if (got > 0) {
		in->late = 1;
		return (ssize_t)got;
	}
	if (err != NULL)
		*err = in->late_err;
	return -1;
}

static ssize_t
read_gzip(struct input *in, void *buf, size_t n, struct err *err)
{
	int	r;

	if (n > UINT32_MAX)
		n = UINT32_MAX;
	in->zs.next_out = buf;
	in->zs.avail_out = (uInt)n;
	while (in->zs.avail_out == n && !in->done) {
		if (fill(in, err) == -1)
			return -1;
		if (in->ipos == in->ilen) {
			if (in->zs_live == 2)
				break;	/* clean end after a member */
			return err_set(err, ERR_PARSE,
			    "%s: gzip data is truncated", in->path);
		}
		in->zs.next_in = in->ibuf + in->ipos;
		in->zs.avail_in = (uInt)(in->ilen - in->ipos);
		if (in->zs_live == 2) {
			/* Another member follows: RFC 1952 allows several. */
			inflateReset(&in->zs);
			in->zs_live = 1;
		}
		r = inflate(&in->zs, Z_NO_FLUSH);
		in->ipos = in->ilen - in->zs.avail_in;
		if (r == Z_STREAM_END)
			in->zs_live = 2;
		else if (r != Z_OK && r != Z_BUF_ERROR) {
			err_set(&in->late_err, ERR_PARSE,
			    "%s: gzip data is corrupt at compressed byte %lu",
			    in->path, (unsigned long)in->zs.total_in);
			return read_fail(in, n - in->zs.avail_out, err);
		}
	}
	return (ssize_t)(n - in->zs.avail_out);
}

static ssize_t
read_zstd(struct input *in, void *buf, size_t n, struct err *err)
{
	ZSTD_outBuffer	out = { buf, n, 0 };
	ZSTD_inBuffer	zin;
	size_t		r;
	int		at_end;

	while (out.pos == 0) {
		if (fill(in, err) == -1)
			return -1;
		/* At the end of input the decoder may still hold output. */
		at_end = in->ipos == in->ilen;
		if (at_end && in->zd_hint == 0)
			break;
		zin.src = in->ibuf;
		zin.size = in->ilen;
		zin.pos = in->ipos;
		r = ZSTD_decompressStream(in->zd, &out, &zin);
		in->ipos = zin.pos;
		if (ZSTD_isError(r)) {
			err_set(&in->late_err, ERR_PARSE, "%s: zstd data is "
			    "corrupt: %s", in->path, ZSTD_getErrorName(r));
			return read_fail(in, out.pos, err);
		}
		in->zd_hint = r;
		if (at_end && out.pos == 0)
			return err_set(err, ERR_PARSE,
			    "%s: zstd data is truncated", in->path);
	}
	return (ssize_t)out.pos;
}

static ssize_t
read_kind(struct input *in, void *buf, size_t n, struct err *err)
{
	if (in->late)
		return read_fail(in, 0, err);
	switch (in->kind) {
	case IN_GZIP:
		return read_gzip(in, buf, n, err);
	case IN_ZSTD:
		return read_zstd(in, buf, n, err);
	case IN_PLAIN:
		break;
	}
	return read_plain(in, buf, n, err);
}

ssize_t
input_read(struct input *in, void *buf, size_t n, struct err *err)
{
	size_t	k;

	if (in->peek_pos < in->peek_len) {
		k = in->peek_len - in->peek_pos < n ?
		    in->peek_len - in->peek_pos : n;
		memcpy(buf, in->peek + in->peek_pos, k);
		in->peek_pos += k;
		return (ssize_t)k;
	}
	return read_kind(in, buf, n, err);
}

ssize_t
input_peek(struct input *in, void *buf, size_t n, struct err *err)
{
	ssize_t	r;

	if (n > sizeof(in->peek))
		n = sizeof(in->peek);
	/* Compact, then read until n bytes are held or the input ends. */
	memmove(in->peek, in->peek + in->peek_pos, in->peek_len -
	    in->peek_pos);
	in->peek_len -= in->peek_pos;
	in->peek_pos = 0;
	while (in->peek_len < n) {
		r = read_kind(in, in->peek + in->peek_len, n - in->peek_len,
		    err);
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		in->peek_len += (size_t)r;
	}
	memcpy(buf, in->peek, in->peek_len < n ? in->peek_len : n);
	return (ssize_t)(in->peek_len < n ? in->peek_len : n);
}

int
input_seek_plain(struct input *in, uint64_t off, struct err *err)
{
	struct stat	sb;

	if (in->kind != IN_PLAIN || in->mem != NULL || in->fd < 0 ||
	    fstat(in->fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    off > (uint64_t)sb.st_size)
		return err_set(err, ERR_UNSUPPORTED, "%s: cannot seek",
		    in->path);
	if (lseek(in->fd, (off_t)off, SEEK_SET) == -1)
		return err_set_errno(err, ERR_IO, "%s: seek", in->path);
	in->head_len = in->head_pos = 0;
	in->peek_len = in->peek_pos = 0;
	in->ieof = 0;
	return 0;
}

int
input_wants_ahead(const struct input *in)
{
	if (in->ahead != -1)
		return in->ahead;
	return in->mem == NULL && in->kind != IN_PLAIN;
}

int
input_wants_pipe(const struct input *in)
{
	struct stat	sb;

	if (in->pipe != -1)
		return in->pipe;
	if (in->mem != NULL)
		return 0;
	if (in->kind != IN_PLAIN)
		return 1;
	if (fstat(in->fd, &sb) == -1)
		return 0;
	return !S_ISREG(sb.st_mode) || sb.st_size >= (off_t)INPUT_LONG;
}

void
input_set_pipe(struct input *in, int on)
{
	in->pipe = on != 0;
}

void
input_set_ahead(struct input *in, int on)
{
	in->ahead = on != 0;
}

const char *
input_kind(const struct input *in)
{
	return in->kind == IN_GZIP ? "gzip" :
	    in->kind == IN_ZSTD ? "zstd" : "plain";
}

void
input_close(struct input *in)
{
	if (in == NULL)
		return;
	if (in->zs_live)
		inflateEnd(&in->zs);
	ZSTD_freeDStream(in->zd);
	if (in->own_fd)
		close(in->fd);
	free(in->ibuf);
	free(in->path);
	free(in);
}
