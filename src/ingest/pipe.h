/*
 * pipe.h: a splitter's messages handed to the callback on a thread of
 * its own, so that splitting a long mailbox (reading, finding each
 * header block) and parsing it (the callback) run side by side.
 *
 * The splitter calls pipe_put() where it would call the callback; the
 * message is copied into a batch, and full batches go to the thread,
 * which calls the callback for each message in order, as the splitter
 * would have: source_stats.messages counted first, then the callback.
 * A callback that stops the scan (returns -1) stops it here too: the
 * thread calls it no more, and the next pipe_put() says so.
 */
#ifndef RT_PIPE_H
#define RT_PIPE_H

#include "../base/err.h"
#include "source.h"

struct source_pipe;

/*
 * Starts the thread that calls cb(arg, ...) for path's messages; st is
 * the scan's (the thread updates messages, the caller nothing else until
 * pipe_finish).  Returns NULL when no thread can be started: call cb
 * directly then.
 */
struct source_pipe *pipe_start(const char *path, source_cb cb, void *arg,
	    struct source_stats *st);
/*
 * Queues a copy of m (its block and lines; path is pipe_start's).
 * Returns 0, or -1 when the callback has stopped the scan: pipe_finish
 * gives its error.
 */
int	pipe_put(struct source_pipe *p, const struct source_msg *m);
/*
 * Hands over what is queued, waits until the callback has seen it, stops
 * the thread and frees p.  Returns 0, or -1 with the callback's error in
 * err when it stopped the scan (that error came first: the messages it
 * was given precede anything the splitter met after them).
 */
int	pipe_finish(struct source_pipe *p, struct err *err);

#endif
