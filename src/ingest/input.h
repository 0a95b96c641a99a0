/*
 * input.h: a byte stream from a file or standard input, decompressed.
 *
 * input_open() sniffs the first bytes: gzip (1f 8b) goes through zlib,
 * including concatenated members; zstd (28 b5 2f fd) through libzstd,
 * including concatenated frames; anything else is read as it is.  The
 * caller sees only decompressed bytes.
 */
#ifndef RT_INPUT_H
#define RT_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/err.h"

struct input;

/* path "-" is standard input.  Returns 0, or -1 with err naming path. */
int	 input_open(const char *path, struct input **in_out, struct err *err);
/* The same over len bytes at data (borrowed: must outlive the input);
 * name is used in error messages.  Used by tests and fuzzers. */
struct input *input_open_mem(const void *data, size_t len, const char *name);
/* Reads up to n bytes.  Returns the count, 0 at the end, -1 on error
 * (err names the path and the problem: I/O, corrupt or truncated data). */
ssize_t	 input_read(struct input *in, void *buf, size_t n, struct err *err);
/* Copies up to n (at most 16) decoded bytes without consuming them.
 * Returns the count (less at the end of input) or -1 (err). */
ssize_t	 input_peek(struct input *in, void *buf, size_t n, struct err *err);
/* Positions a plain regular file at off (dropping what was peeked);
 * -1 (err) for anything that cannot seek. */
int	 input_seek_plain(struct input *in, uint64_t off, struct err *err);
/*
 * Whether the stream is worth reading ahead on a thread of its own
 * (win_ahead): compressed data, whose decoding then runs beside the
 * splitting and parsing.  Plain bytes are
 * not: copying them from the page cache on the caller's core leaves them
 * in that core's cache for the parser, and taking them from another core
 * measured slower than reading them here (docs/DESIGN.md).  Never a
 * memory input, unless input_set_ahead() said so.
 */
int	 input_wants_ahead(const struct input *in);
/* Overrides that choice: 1 always, 0 never (tests compare both). */
void	 input_set_ahead(struct input *in, int on);
/*
 * Whether a mailbox read from in is worth parsing on a thread of its own
 * (pipe.h), beside the splitting: compressed data, a pipe, or a regular
 * file of INPUT_LONG bytes or more; never a memory input, unless
 * input_set_pipe() said so.  A short file is not: starting the thread
 * would cost more than it saves.
 */
#define INPUT_LONG	(4u << 20)
int	 input_wants_pipe(const struct input *in);
/* Overrides that choice: 1 always, 0 never (tests compare both). */
void	 input_set_pipe(struct input *in, int on);
/* "gzip", "zstd" or "plain". */
const char *input_kind(const struct input *in);
void	 input_close(struct input *in);

#endif
