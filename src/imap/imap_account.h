/*
 * imap_account.h: the settings of one IMAP mailbox, and their stored
 * form.
 *
 * An account is what "replytime mailbox add --imap" is given: where the
 * server is, how to secure the connection, who to log in as and with
 * what secret (a password, or an OAuth access token), which folders to
 * read.  It is stored sealed with the tenant's data key (the caller
 * seals the encoding; see imap_sync.c), so the secret is never in the
 * database in the clear, and no function here prints it.
 *
 * The encoding is lines of "key=value": values may not hold CR, LF or
 * NUL (imap_account_check() refuses them before anything is stored).
 *
 * Ownership: every string in a struct imap_account is owned by it and
 * freed (the secret wiped first) by imap_account_clear().
 */
#ifndef RT_IMAP_ACCOUNT_H
#define RT_IMAP_ACCOUNT_H

#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"

#define IMAP_FOLDERS_MAX	64
#define IMAP_VALUE_MAX		1024	/* any one setting, bytes */
#define IMAP_SECRET_MAX		8192	/* OAuth tokens can be long */

enum imap_security {
	IMAP_SEC_TLS,		/* implicit TLS, port 993 */
	IMAP_SEC_STARTTLS,	/* port 143, then STARTTLS (required) */
	IMAP_SEC_PLAIN,		/* no TLS at all: only when asked for */
};

enum imap_auth {
	IMAP_AUTH_PLAIN,	/* AUTHENTICATE PLAIN, else LOGIN */
	IMAP_AUTH_LOGIN,	/* the LOGIN command */
	IMAP_AUTH_XOAUTH2,	/* secret is an OAuth access token */
	IMAP_AUTH_OAUTHBEARER,	/* RFC 7628; secret is an access token */
};

struct imap_account {
	char			*address;	/* the tracked mailbox */
	char			*host;
	int			 port;
	enum imap_security	 security;
	enum imap_auth		 auth;
	char			*user;
	char			*secret;	/* never printed or logged */
	char			*ca_file;	/* NULL: the system's CAs */
	char			*folders[IMAP_FOLDERS_MAX];
	size_t			 nfolders;	/* 0: INBOX and Sent */
	int			 timeout_ms;	/* 0: IMAP_TIMEOUT_MS */
};

/* Names of the enums, as the command line and the stored form spell
 * them; parse returns 0 or -1. */
const char	*imap_security_name(enum imap_security s);
const char	*imap_auth_name(enum imap_auth a);
int		 imap_security_parse(const char *s, enum imap_security *out);
int		 imap_auth_parse(const char *s, enum imap_auth *out);

/* Every value present, within its limits, without CR, LF or NUL. */
int	imap_account_check(const struct imap_account *acc, struct err *err);
/* Appends the stored form of acc to out (which the caller wipes). */
void	imap_account_encode(const struct imap_account *acc, struct buf *out);
/* Fills *acc from p[0..n) (zeroed first); -1 if malformed. */
int	imap_account_decode(const char *p, size_t n, struct imap_account *acc,
	    struct err *err);
void	imap_account_clear(struct imap_account *acc);

#endif
