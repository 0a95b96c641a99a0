/*
 * imap_client.h: the IMAP4rev1 commands replytime uses, over one
 * connection.
 *
 * imap_client_login() connects, reads the greeting, secures the session
 * as the account says (implicit TLS, or STARTTLS which is then required),
 * logs in (AUTHENTICATE PLAIN, LOGIN, XOAUTH2 or OAUTHBEARER) and enables
 * QRESYNC when the server has it.  Then commands go out with
 * imap_send() (which may be called several times before waiting: that is
 * pipelining) and their results come back, in order, with imap_wait(),
 * which hands every untagged response to a callback.
 *
 * Nothing here writes to a mailbox: folders are opened with EXAMINE
 * (read-only) and messages are fetched with BODY.PEEK, so no flag
 * changes, ever.
 *
 * Errors.  err.code says what kind of failure it was, which decides
 * what the sync does next: ERR_IO for the network (timeouts, a cut
 * connection: retry later), ERR_CONFIG for what needs a person
 * (authentication refused, a certificate not trusted, a folder that does
 * not exist), ERR_PARSE and ERR_LIMIT for a server that broke the
 * protocol.  A message quotes the server's text only after removing
 * anything that is not printable ASCII and any copy of the user name or
 * the secret, and never quotes a command that carried the secret.
 *
 * Ownership: the client owns its connection and parser; the account
 * passed to login is borrowed for the client's life.  One thread.
 */
#ifndef RT_IMAP_CLIENT_H
#define RT_IMAP_CLIENT_H

#include <stdatomic.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "imap_account.h"
#include "imap_conn.h"
#include "imap_parse.h"

enum imap_cap {
	IMAP_CAP_IMAP4REV1	= 1 << 0,
	IMAP_CAP_STARTTLS	= 1 << 1,
	IMAP_CAP_LOGINDISABLED	= 1 << 2,
	IMAP_CAP_AUTH_PLAIN	= 1 << 3,
	IMAP_CAP_AUTH_XOAUTH2	= 1 << 4,
	IMAP_CAP_AUTH_OAUTHBEARER = 1 << 5,
	IMAP_CAP_SASL_IR	= 1 << 6,
	IMAP_CAP_IDLE		= 1 << 7,
	IMAP_CAP_CONDSTORE	= 1 << 8,
	IMAP_CAP_QRESYNC	= 1 << 9,
	IMAP_CAP_ENABLE		= 1 << 10,
	IMAP_CAP_LITERALPLUS	= 1 << 11,
	IMAP_CAP_SPECIAL_USE	= 1 << 12,
	IMAP_CAP_LIST_EXTENDED	= 1 << 13,
};

struct imap_client {
	struct imap_conn		*conn;
	struct imap_parser		*ps;
	const struct imap_account	*acc;	/* borrowed */
	struct imap_resp		 r;	/* the last response read */
	unsigned			 tag;	/* the last tag sent */
	unsigned			 caps;	/* enum imap_cap */
	char				*capstr; /* as the server listed them */
	int				 qresync; /* QRESYNC enabled */
	struct buf			 out;	/* a command being built */
};

/* Called for each untagged response while waiting; 0 or -1 (err). */
typedef int	(*imap_untagged_fn)(void *arg, const struct imap_resp *r,
		    struct err *err);

/* Connects and logs in (see above); *out is the caller's to free with
 * imap_client_free() (which logs out politely when it can). */
int	imap_client_login(const struct imap_account *acc,
	    const atomic_int *stop, struct imap_client **out,
	    struct err *err);
void	imap_client_free(struct imap_client *cl, int logout);

/*
 * Sends the command "TAG " fmt CRLF and returns its tag (> 0), or 0 on
 * error.  fmt must not carry a secret; quote folder names with
 * imap_quote().
 */
unsigned	imap_send(struct imap_client *cl, struct err *err,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Reads responses until the tagged one of tag, passing untagged ones to
 * cb (may be NULL).  Returns 0 if the command ended OK; -1 if it ended
 * NO or BAD (ERR_CONFIG, with "what failed (server said: ...)"), on a
 * BYE, or on any error.
 */
int	imap_wait(struct imap_client *cl, unsigned tag, const char *what,
	    imap_untagged_fn cb, void *arg, struct err *err);

/* A quoted string of s, NUL-terminated, in a static-free buffer: the
 * caller frees it.  s must be 7-bit text without CR or LF. */
char	*imap_quote(const char *s);

/* The server's text of the last status response, made safe to show
 * (see Errors above), into out. */
void	imap_said(const struct imap_client *cl, char *out, size_t size);

#endif
