/*
 * imap_conn.c: TCP and TLS for the IMAP client (see imap_conn.h).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "../base/buf.h"
#include "../base/xmalloc.h"
#include "imap_conn.h"

#define READ_CHUNK	(64 * 1024)

struct imap_conn {
	int			 fd;
	SSL_CTX			*ctx;		/* owned */
	SSL			*ssl;		/* owned; NULL: plain */
	char			*host;		/* owned */
	char			*ca_file;	/* owned; NULL: system CAs */
	int			 timeout_ms;
	const atomic_int	*stop;		/* borrowed; may be NULL */
	char			*in;		/* owned: received bytes */
	size_t			 in_len, in_off, in_cap;
	size_t			 consumed;	/* of the last response */
	unsigned long long	 bytes_in;
};

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until fd is ready for events or the deadline passes, in slices
 * so that a stop request is seen: 1 ready, 0 timed out, -1 error.
 */
static int
wait_fd(struct imap_conn *c, short events, int64_t deadline, struct err *err)
{
	struct pollfd	pfd = { .fd = c->fd, .events = events };
	int64_t		left;
	int		r;

	for (;;) {
		if (c->stop != NULL && atomic_load(c->stop))
			return err_set(err, ERR_IO, "IMAP: stopped");
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		if (left > IMAP_STOP_SLICE_MS)
			left = IMAP_STOP_SLICE_MS;
		r = poll(&pfd, 1, (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return err_set_errno(err, ERR_IO, "IMAP: poll");
	}
}

static int
timed_out(struct imap_conn *c, const char *what, struct err *err)
{
	return err_set(err, ERR_IO, "IMAP %s: timed out after %d ms %s",
	    c->host, c->timeout_ms, what);
}

/* The OpenSSL error queue, as one line, emptied. */
static void
ssl_reason(char *out, size_t size)
{
	unsigned long	e = ERR_get_error();

	if (e == 0)
		snprintf(out, size, "no detail");
	else
		ERR_error_string_n(e, out, size);
	ERR_clear_error();
}

static int
tcp_connect(struct imap_conn *c, int port, struct err *err)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 ports[16];
	int		 r, fd = -1, soerr, one = 1;
	socklen_t	 sl;
	int64_t		 deadline = now_ms() + c->timeout_ms;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(ports, sizeof(ports), "%d", port);
	if ((r = getaddrinfo(c->host, ports, &hints, &res)) != 0)
		return err_set(err, ERR_IO, "IMAP %s: cannot resolve the host "
		    "name: %s", c->host, gai_strerror(r));
	err_set(err, ERR_IO, "IMAP %s:%d: no address to connect to", c->host,
	    port);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			err_set_errno(err, ERR_IO, "IMAP %s:%d: socket",
			    c->host, port);
			continue;
		}
		c->fd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			r = wait_fd(c, POLLOUT, deadline, err);
			if (r == 1) {
				sl = sizeof(soerr);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
				    &sl) == 0 && soerr == 0)
					break;
				errno = soerr;
				err_set_errno(err, ERR_IO, "IMAP %s:%d: connect",
				    c->host, port);
			} else if (r == 0)
				err_set(err, ERR_IO, "IMAP %s:%d: connect timed "
				    "out after %d ms", c->host, port,
				    c->timeout_ms);
		} else
			err_set_errno(err, ERR_IO, "IMAP %s:%d: connect",
			    c->host, port);
		close(fd);
		c->fd = fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	err_clear(err);
	return 0;
}

/* Runs one TLS operation to completion, waiting as OpenSSL asks. */
static int
ssl_wait(struct imap_conn *c, int r, int64_t deadline, const char *what,
    struct err *err)
{
	char	reason[256];
	int	w, e = SSL_get_error(c->ssl, r);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		w = wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
		    deadline, err);
		if (w == 0)
			return timed_out(c, what, err);
		return w == 1 ? 0 : -1;
	}
	if (e == SSL_ERROR_ZERO_RETURN)
		return err_set(err, ERR_IO, "IMAP %s: the server closed the "
		    "TLS session %s", c->host, what);
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		return err_set(err, ERR_IO, "IMAP %s: connection lost %s%s%s",
		    c->host, what, errno ? ": " : "",
		    errno ? strerror(errno) : "");
	ssl_reason(reason, sizeof(reason));
	return err_set(err, ERR_IO, "IMAP %s: TLS error %s: %s", c->host, what,
	    reason);
}

static int
tls_handshake(struct imap_conn *c, struct err *err)
{
	X509_VERIFY_PARAM	*vp;
	unsigned char		 ip[16];
	int64_t			 deadline = now_ms() + c->timeout_ms;
	long			 vr;
	int			 r, is_ip;

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL)
		return err_set(err, ERR_IO, "IMAP: cannot make a TLS context");
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (c->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(c->ctx, c->ca_file,
		    NULL) != 1) {
			ERR_clear_error();
			return err_set(err, ERR_CONFIG, "IMAP: cannot load the "
			    "CA file %s", c->ca_file);
		}
	} else if (SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
		ERR_clear_error();
		return err_set(err, ERR_CONFIG, "IMAP: cannot load the "
		    "system's CA certificates");
	}
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1)
		return err_set(err, ERR_IO, "IMAP: cannot start TLS");
	is_ip = inet_pton(AF_INET, c->host, ip) == 1 ||
	    inet_pton(AF_INET6, c->host, ip) == 1;
	vp = SSL_get0_param(c->ssl);
	if (is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, c->host) != 1)
			return err_set(err, ERR_CONFIG, "IMAP %s: bad address",
			    c->host);
	} else {
		X509_VERIFY_PARAM_set_hostflags(vp,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (SSL_set1_host(c->ssl, c->host) != 1 ||
		    SSL_set_tlsext_host_name(c->ssl, c->host) != 1)
			return err_set(err, ERR_CONFIG, "IMAP %s: bad host "
			    "name", c->host);
	}
	while ((r = SSL_connect(c->ssl)) != 1) {
		if ((vr = SSL_get_verify_result(c->ssl)) != X509_V_OK) {
			ERR_clear_error();
			return err_set(err, ERR_CONFIG, "IMAP %s: TLS certificate "
			    "not trusted: %s", c->host,
			    X509_verify_cert_error_string(vr));
		}
		if (ssl_wait(c, r, deadline, "during the TLS handshake",
		    err) == -1)
			return -1;
	}
	return 0;
}

int
imap_conn_open(const char *host, int port, int tls, const char *ca_file,
    int timeout_ms, const atomic_int *stop, struct imap_conn **out,
    struct err *err)
{
	struct imap_conn	*c = xcalloc(1, sizeof(*c));

	*out = NULL;
	c->fd = -1;
	c->host = xstrdup(host);
	c->ca_file = ca_file ? xstrdup(ca_file) : NULL;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : IMAP_TIMEOUT_MS;
	c->stop = stop;
	if (tcp_connect(c, port, err) == -1 ||
	    (tls && tls_handshake(c, err) == -1)) {
		imap_conn_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

int
imap_conn_starttls(struct imap_conn *c, struct err *err)
{
	if (c->ssl != NULL)
		return err_set(err, ERR_USAGE, "IMAP: TLS is already on");
	/* Anything sent in the clear after the OK is an injection. */
	if (c->in_len - c->in_off - c->consumed > 0)
		return err_set(err, ERR_PARSE, "IMAP %s: the server sent data "
		    "before the TLS handshake (refused)", c->host);
	c->in_len = c->in_off = c->consumed = 0;
	return tls_handshake(c, err);
}

int
imap_conn_is_tls(const struct imap_conn *c)
{
	return c->ssl != NULL;
}

void
imap_conn_close(struct imap_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	free(c->in);
	free(c->host);
	free(c->ca_file);
	free(c);
}

int
imap_conn_write(struct imap_conn *c, const void *p, size_t n,
    struct err *err)
{
	const char	*q = p;
	int64_t		 deadline = now_ms() + c->timeout_ms;
	ssize_t		 w;
	int		 r;

	while (n > 0) {
		if (c->ssl != NULL) {
			r = SSL_write(c->ssl, q, n > INT32_MAX ? INT32_MAX :
			    (int)n);
			if (r <= 0) {
				if (ssl_wait(c, r, deadline, "while sending",
				    err) == -1)
					return -1;
				continue;
			}
			w = r;
		} else {
			w = send(c->fd, q, n, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					return err_set_errno(err, ERR_IO,
					    "IMAP %s: send", c->host);
				r = wait_fd(c, POLLOUT, deadline, err);
				if (r == 0)
					return timed_out(c, "while sending",
					    err);
				if (r == -1)
					return -1;
				continue;
			}
		}
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Reads what is available into the buffer, waiting until deadline for
 * something: 1 got bytes, 0 timed out, -1 error or end of stream.
 */
static int
fill(struct imap_conn *c, int64_t deadline, struct err *err)
{
	ssize_t	got;
	int	r;

	if (c->in_off > 0 && c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	if (c->in_cap - c->in_len < READ_CHUNK) {
		if (c->in_off > 0) {
			memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
			c->in_len -= c->in_off;
			c->in_off = 0;
		}
		if (c->in_cap - c->in_len < READ_CHUNK) {
			c->in_cap = c->in_cap ? c->in_cap * 2 : 2 * READ_CHUNK;
			c->in = xreallocarray(c->in, c->in_cap, 1);
		}
	}
	for (;;) {
		if (c->ssl != NULL) {
			r = SSL_read(c->ssl, c->in + c->in_len,
			    (int)(c->in_cap - c->in_len));
			if (r > 0) {
				got = r;
				break;
			}
			r = SSL_get_error(c->ssl, r);
			if (r == SSL_ERROR_WANT_READ ||
			    r == SSL_ERROR_WANT_WRITE) {
				r = wait_fd(c, r == SSL_ERROR_WANT_READ ?
				    POLLIN : POLLOUT, deadline, err);
				if (r != 1)
					return r;
				continue;
			}
			return ssl_wait(c, -1, deadline, "while reading", err)
			    == -1 ? -1 : err_set(err, ERR_IO, "IMAP %s: TLS "
			    "read failed", c->host);
		}
		got = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (got > 0)
			break;
		if (got == 0)
			return err_set(err, ERR_IO, "IMAP %s: the server closed "
			    "the connection", c->host);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_set_errno(err, ERR_IO, "IMAP %s: recv",
			    c->host);
		if ((r = wait_fd(c, POLLIN, deadline, err)) != 1)
			return r;
	}
	c->in_len += (size_t)got;
	c->bytes_in += (unsigned long long)got;
	return 1;
}

int
imap_conn_read(struct imap_conn *c, struct imap_parser *ps, int wait_ms,
    struct imap_resp *out, struct err *err)
{
	size_t	n;
	int	r, first = 1;

	c->in_off += c->consumed;
	c->consumed = 0;
	/* A server streaming without a pause never lets a read wait, where
	 * the stop flag is otherwise looked at. */
	if (c->stop != NULL && atomic_load(c->stop))
		return err_set(err, ERR_IO, "IMAP: stopped");
	for (;;) {
		/* Nothing buffered (maybe no buffer yet, or none after
		 * STARTTLS): read first, no pointer arithmetic on NULL. */
		r = c->in_len == c->in_off ? 0 : imap_frame(c->in + c->in_off,
		    c->in_len - c->in_off, &n, err);
		if (r == -1)
			return err_prefix(err, "%s: ", c->host);
		if (r == 1)
			break;
		r = fill(c, now_ms() + (first && wait_ms >= 0 ? wait_ms :
		    c->timeout_ms), err);
		if (r == -1)
			return -1;
		if (r == 0) {
			if (first && wait_ms >= 0 && c->in_len == c->in_off)
				return 1;
			return timed_out(c, "waiting for the server", err);
		}
		first = 0;
	}
	c->consumed = n;
	if (imap_parse(ps, c->in + c->in_off, n, out, err) == -1)
		return err_prefix(err, "%s: ", c->host);
	return 0;
}

unsigned long long
imap_conn_bytes_in(const struct imap_conn *c)
{
	return c->bytes_in;
}
