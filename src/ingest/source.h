/*
 * source.h: reading mail files, header blocks only.
 *
 * source_scan() walks one path and hands every message's header block to a
 * callback, in source order (metrics spec section 1):
 *  - a file starting with "From " is an mbox (mboxo, mboxrd, mboxcl,
 *    mboxcl2); any other file is one message (.eml);
 *  - gzip and zstd files are recognised by their magic bytes and read
 *    through zlib or libzstd, transparently;
 *  - a directory with cur/ or new/ is a Maildir (cur/ then new/, file
 *    names sorted bytewise); any other directory is walked recursively in
 *    sorted order, reading Maildirs, mboxes and single messages in it;
 *  - "-" is standard input (mbox or one message, compressed or not).
 *
 * Bodies are skipped as they stream past: never copied out, kept or logged.
 * Memory is bounded by SOURCE_HDR_MAX plus fixed read buffers, whatever the
 * size of the mailbox.
 */
#ifndef RT_SOURCE_H
#define RT_SOURCE_H

#include <stdint.h>

#include "../base/err.h"
#include "../base/str.h"

/* A header block longer than this is cut (and flagged) at this size. */
#define SOURCE_HDR_MAX		(256u * 1024)

enum source_flags {
	SOURCE_TRUNCATED	= 1 << 0,	/* header block cut at SOURCE_HDR_MAX */
	SOURCE_NO_BODY_SEP	= 1 << 1,	/* message ended inside its header */
};

struct source_msg {
	struct str	 hdr;	/* header block: its fields with their line
				 * ends, without the empty line after them;
				 * borrowed for the duration of the callback */
	const char	*path;	/* file it came from (a Maildir file, mbox) */
	uint64_t	 pos;	/* byte offset of the message in path's
				 * (decompressed) content; 0 for single files */
	unsigned	 flags;	/* enum source_flags */
	/*
	 * Where the lines of hdr that are not continuations start (byte
	 * offsets, increasing, each above 0 and below hdr.len; the first
	 * line, at 0, is not listed), found while the block was read;
	 * NULL when not known (a cut block, too many lines).  Borrowed
	 * like hdr: meta_parse_lines() uses it to skip its own search.
	 */
	const uint32_t	*lines;
	size_t		 nlines;
};

/* The most line starts a struct source_msg lists. */
#define SOURCE_LINES_MAX	4096

/*
 * Returns 0 to go on, or -1 (with err set) to stop the scan.  For a long
 * mailbox the callback runs on a thread of its own, beside the splitting
 * (pipe.h): never on two threads at once, always in source order, and
 * finished with every message before source_scan returns; it must not
 * count on being on the caller's thread.
 */
typedef int (*source_cb)(void *arg, const struct source_msg *m,
    struct err *err);

struct source_stats {
	uint64_t	 messages;
	uint64_t	 bytes;		/* bytes read after decompression */
	uint64_t	 files;		/* files read */
	uint64_t	 skipped;	/* files in a tree that are not mail */
	uint64_t	 known;		/* files a start callback said were done */
};

/*
 * Scans path and calls cb for each message.  Returns 0, or -1 with err
 * naming the path and the problem when it cannot be read (missing,
 * unreadable, corrupt compression) or when cb stopped the scan.
 * stats, if not NULL, is added to.
 */
int	source_scan(const char *path, source_cb cb, void *arg,
	    struct source_stats *stats, struct err *err);

/*
 * Says where to start reading path: -1 to skip the file (done before), 0
 * for the start, or a byte offset: a plain mbox is read from there when an
 * envelope line is still there (else from the start); any other file with
 * an offset above 0 counts as done.
 */
typedef int64_t	(*source_start_fn)(void *arg, const char *path);

/* source_scan() that asks start (when not NULL) before each file. */
int	source_scan_from(const char *path, source_start_fn start,
	    void *start_arg, source_cb cb, void *arg,
	    struct source_stats *stats, struct err *err);

#endif
