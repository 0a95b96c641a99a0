/*
 * mbox.h: split an mbox stream into header blocks; read one message.
 *
 * Internal to ingest/: source.c chooses the reader.  Both report messages
 * through the source_cb of source.h and read the stream only once.
 */
#ifndef RT_MBOX_H
#define RT_MBOX_H

#include "input.h"
#include "source.h"

/* The stream starts with a "From " line, at byte offset from of the
 * file (positions reported count from the file's start).  0 or -1. */
int	mbox_scan(struct input *in, const char *path, uint64_t from,
	    source_cb cb, void *arg, struct source_stats *st,
	    struct err *err);

/* The stream is one message: only its header block is read. */
int	msg_scan_single(struct input *in, const char *path, source_cb cb,
	    void *arg, struct source_stats *st, struct err *err);

/* Whether a line (without its line end) can be an mbox envelope line. */
int	mbox_is_envelope(struct str line);
/* The same answer by a plain byte loop: the tests' reference. */
int	mbox_is_envelope_slow(struct str line);

#endif
