/*
 * imap_conn.h: one connection to an IMAP server: TCP, then TLS.
 *
 * Sockets are non-blocking and every wait is a poll() with a deadline,
 * so no read or write can hang for longer than the connection's
 * timeout, and a stop flag is looked at every STOP_SLICE_MS.
 *
 * TLS is OpenSSL with the peer's certificate verified against the
 * system's CAs (or a given CA file) and its name checked against the
 * host the user configured (a DNS name, or an IP address when the host
 * is a literal address); TLS 1.2 is the oldest version accepted.
 * imap_conn_starttls() throws away any byte the server sent before the
 * handshake: a man in the middle cannot inject responses into the
 * encrypted session that way (CVE-2020-15953, in another client).
 *
 * Ownership: a struct imap_conn owns its socket, TLS state and buffers;
 * imap_conn_close() frees it all.  A connection is used by one thread.
 */
#ifndef RT_IMAP_CONN_H
#define RT_IMAP_CONN_H

#include <stdatomic.h>
#include <stddef.h>

#include "../base/err.h"
#include "imap_parse.h"

#define IMAP_TIMEOUT_MS		30000	/* default: any one wait */
#define IMAP_STOP_SLICE_MS	250

struct imap_conn;

/*
 * Connects to host:port (a name or an address), waiting at most
 * timeout_ms, and, when tls is set, does the TLS handshake right away
 * (implicit TLS, port 993).  ca_file NULL: the system's CAs.  stop may be
 * NULL; when it becomes non-zero every wait gives up (ERR_IO, "stopped").
 */
int	imap_conn_open(const char *host, int port, int tls, const char *ca_file,
	    int timeout_ms, const atomic_int *stop, struct imap_conn **out,
	    struct err *err);
/* TLS on an open plain connection (after the server's OK to STARTTLS). */
int	imap_conn_starttls(struct imap_conn *c, struct err *err);
int	imap_conn_is_tls(const struct imap_conn *c);
void	imap_conn_close(struct imap_conn *c);

/* Sends every byte of p or fails (ERR_IO). */
int	imap_conn_write(struct imap_conn *c, const void *p, size_t n,
	    struct err *err);

/*
 * Reads one complete response and parses it with ps (see imap_parse.h;
 * out borrows from c and ps until the next read).  Waits at most
 * wait_ms (-1: the connection's timeout) for the first byte and the
 * connection's timeout for each later one; returns 0, 1 when nothing
 * came within wait_ms (only when wait_ms >= 0), -1 on error or when the
 * server closed the connection.
 */
int	imap_conn_read(struct imap_conn *c, struct imap_parser *ps,
	    int wait_ms, struct imap_resp *out, struct err *err);

/* Bytes received so far (for speed figures). */
unsigned long long imap_conn_bytes_in(const struct imap_conn *c);

#endif
