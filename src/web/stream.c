/*
 * stream.c: response bodies too large to hold in memory (web.h).
 *
 * A thread of its own runs the producer, which writes the body into a
 * pipe; libmicrohttpd reads the other end as the client takes the bytes,
 * so the server holds at most a pipe's worth of the body and a slow
 * client slows the producer instead of filling memory.  The body goes
 * out chunked: a producer that fails ends the connection without the
 * last chunk, so the client sees an incomplete download, never a short
 * file that looks whole.  A client that goes away closes the pipe and
 * the producer's next write fails (SIGPIPE is ignored by the server).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/xmalloc.h"
#include "web.h"

struct web_stream {
	web_stream_fn	 fn;
	void		*arg;		/* owned: freed by arg_free */
	void		(*arg_free)(void *);
	int		 rfd;		/* read by libmicrohttpd's thread */
	int		 wfd;		/* written by the producer */
	struct buf	 out;		/* the producer's, not yet written */
	int		 gone;		/* the producer's: the client left */
	pthread_t	 thread;
	atomic_int	 failed;	/* set before wfd is closed */
};

#define STREAM_CHUNK	(64 * 1024)

static int
flush(struct web_stream *s, struct err *err)
{
	const char	*c = s->out.data;
	size_t		 len = s->out.len;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(s->wfd, c, len)) == -1) {
			if (errno == EINTR)
				continue;
			s->gone = errno == EPIPE;
			return err_set_errno(err, ERR_IO, "stream: write");
		}
		c += n;
		len -= (size_t)n;
	}
	buf_reset(&s->out);
	return 0;
}

static void *
produce(void *p)
{
	struct web_stream	*s = p;
	struct err		 err;

	if (s->fn(s->arg, s, &err) == -1 || flush(s, &err) == -1) {
		atomic_store(&s->failed, 1);
		/* A client that left is not an error worth a line. */
		if (!s->gone)
			fprintf(stderr, "replytime: serve: %s\n", err.msg);
	}
	buf_free(&s->out);
	close(s->wfd);
	s->wfd = -1;
	return NULL;
}

int
web_stream_start(struct web_resp *r, web_stream_fn fn, void *arg,
    void (*arg_free)(void *), struct err *err)
{
	struct web_stream	*s;
	int			 fds[2], e;

	RT_ASSERT(r->stream == NULL);
	if (pipe(fds) == -1) {
		e = errno;
		arg_free(arg);
		return err_set(err, ERR_IO, "stream: pipe: %s", strerror(e));
	}
	s = xcalloc(1, sizeof(*s));
	s->fn = fn;
	s->arg = arg;
	s->arg_free = arg_free;
	s->rfd = fds[0];
	s->wfd = fds[1];
	buf_init(&s->out, 0);
	atomic_init(&s->failed, 0);
	if ((e = pthread_create(&s->thread, NULL, produce, s)) != 0) {
		close(fds[0]);
		close(fds[1]);
		arg_free(arg);
		buf_free(&s->out);
		free(s);
		return err_set(err, ERR_IO, "stream: thread: %s",
		    strerror(e));
	}
	r->stream = s;
	return 0;
}

ssize_t
web_stream_read(struct web_stream *s, char *out, size_t max, int *failed)
{
	ssize_t	n;

	*failed = 0;
	do
		n = read(s->rfd, out, max);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		*failed = n == -1 || atomic_load(&s->failed);
	return n < 0 ? 0 : n;
}

void
web_stream_free(struct web_stream *s)
{
	if (s == NULL)
		return;
	close(s->rfd);		/* a producer still writing stops */
	pthread_join(s->thread, NULL);
	s->arg_free(s->arg);
	free(s);
}

int
web_stream_write(struct web_stream *s, const void *p, size_t len,
    struct err *err)
{
	buf_add(&s->out, p, len);
	return s->out.len >= STREAM_CHUNK ? flush(s, err) : 0;
}
