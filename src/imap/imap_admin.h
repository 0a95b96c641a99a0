/*
 * imap_admin.h: adding, listing and removing a tenant's mailboxes, the
 * same for "replytime mailbox" and the dashboard's Mailboxes page.
 *
 * imap_account_make() turns the settings as a person gives them (text
 * fields, from options or a form) into a checked struct imap_account;
 * imap_mailbox_add() stores it: the address blind-indexed and sealed,
 * the settings (the secret with them) sealed with the tenant's key,
 * never readable again except by the sync; imap_mailbox_infos() reads
 * what a list shows (never the secret); imap_mailbox_remove() deletes a
 * mailbox with everything read from it.  Each change is written to the
 * tenant's processing log, with ids only.
 *
 * Ownership: strings in a struct imap_account_args are borrowed for the
 * call; *acc and the infos are the caller's, cleared with
 * imap_account_clear() and imap_mailbox_infos_free().
 */
#ifndef RT_IMAP_ADMIN_H
#define RT_IMAP_ADMIN_H

#include <stdint.h>

#include "../base/err.h"
#include "../store/archive.h"
#include "imap_account.h"

struct imap_account_args {
	const char	*host;		/* "HOST" or "HOST:PORT" */
	int		 port;		/* 0: from host, else 993 / 143 */
	const char	*security;	/* NULL: tls */
	const char	*auth;		/* NULL: plain */
	const char	*user;
	const char	*address;	/* NULL or "": user, or user@host */
	const char	*secret;
	const char	*ca_file;	/* NULL: the system's CAs */
	const char	*const *folders;
	size_t		 nfolders;
	int		 timeout_s;	/* 0: the default */
};

/* Fills *acc (zeroed first) and checks it; on failure *acc is cleared
 * and err names the field, never its value. */
int	imap_account_make(const struct imap_account_args *args,
	    struct imap_account *acc, struct err *err);

/* Stores acc as a new IMAP mailbox of a's tenant (in one transaction)
 * and returns its id; ERR_USAGE if the tenant has a mailbox with that
 * address already. */
int	imap_mailbox_add(struct archive *a, const struct imap_account *acc,
	    int64_t *id_out, struct err *err);

/* Deletes mailbox id (any kind) with its sources and messages; 1 if the
 * tenant has no such mailbox. */
int	imap_mailbox_remove(struct archive *a, int64_t id, struct err *err);

struct imap_mailbox_info {
	int64_t				 id;
	char				 kind[STORE_KIND_MAX + 1];
	char				*address;	/* control chars: '?' */
	unsigned char			 bi[STORE_BI_LEN];
	struct store_mailbox_status	 status;
	int64_t				 messages;
	/* Kind "imap" only; host NULL otherwise. */
	char				*host;
	int				 port;
	enum imap_security		 security;
	enum imap_auth			 auth;
	char				*user;
	size_t				 nfolders;
};

/* The tenant's mailboxes, by id, into *out (an array of *n). */
int	imap_mailbox_infos(struct archive *a, struct imap_mailbox_info **out,
	    size_t *n, struct err *err);
void	imap_mailbox_infos_free(struct imap_mailbox_info *v, size_t n);

#endif
