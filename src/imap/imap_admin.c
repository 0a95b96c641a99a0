/*
 * imap_admin.c: adding, listing and removing mailboxes (imap_admin.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/xmalloc.h"
#include "imap_admin.h"
#include "imap_sync.h"

int
imap_account_make(const struct imap_account_args *g, struct imap_account *acc,
    struct err *err)
{
	char	*colon;

	memset(acc, 0, sizeof(*acc));
	if (g->host == NULL || *g->host == '\0')
		return err_set(err, ERR_USAGE, "IMAP mailbox: no host");
	acc->host = xstrdup(g->host);
	acc->security = IMAP_SEC_TLS;
	acc->auth = IMAP_AUTH_PLAIN;
	if (g->security != NULL && imap_security_parse(g->security,
	    &acc->security) == -1) {
		imap_account_clear(acc);
		return err_set(err, ERR_USAGE, "IMAP mailbox: security: tls, "
		    "starttls or plain");
	}
	if (g->auth != NULL && imap_auth_parse(g->auth, &acc->auth) == -1) {
		imap_account_clear(acc);
		return err_set(err, ERR_USAGE, "IMAP mailbox: auth: plain, "
		    "login, xoauth2 or oauthbearer");
	}
	acc->port = acc->security == IMAP_SEC_TLS ? 993 : 143;
	/* One colon: HOST:PORT (an IPv6 literal has several). */
	if ((colon = strrchr(acc->host, ':')) != NULL &&
	    strchr(acc->host, ':') == colon) {
		char	*end;
		long	 p = strtol(colon + 1, &end, 10);

		if (colon[1] == '\0' || *end != '\0' || p < 1 || p > 65535) {
			imap_account_clear(acc);
			return err_set(err, ERR_USAGE, "IMAP mailbox: bad "
			    "port");
		}
		acc->port = (int)p;
		*colon = '\0';
	}
	if (g->port != 0)
		acc->port = g->port;
	if (g->user != NULL && *g->user != '\0')
		acc->user = xstrdup(g->user);
	if (g->address != NULL && *g->address != '\0')
		acc->address = xstrdup(g->address);
	else if (acc->user != NULL)
		acc->address = strchr(acc->user, '@') ? xstrdup(acc->user) :
		    xasprintf("%s@%s", acc->user, acc->host);
	if (g->secret != NULL && *g->secret != '\0')
		acc->secret = xstrdup(g->secret);
	acc->ca_file = g->ca_file != NULL && *g->ca_file != '\0' ?
	    xstrdup(g->ca_file) : NULL;
	acc->timeout_ms = g->timeout_s * 1000;
	if (g->nfolders > IMAP_FOLDERS_MAX) {
		imap_account_clear(acc);
		return err_set(err, ERR_LIMIT, "IMAP mailbox: more than %d "
		    "folders", IMAP_FOLDERS_MAX);
	}
	for (size_t i = 0; i < g->nfolders; i++)
		acc->folders[acc->nfolders++] = xstrdup(g->folders[i]);
	if (imap_account_check(acc, err) == -1) {
		imap_account_clear(acc);
		return -1;
	}
	return 0;
}

/* ---- the list ---- */

struct rows {
	struct imap_mailbox_info	*v;
	size_t				 n, cap;
	void				**sealed;	/* per row */
	size_t				*sealed_len;
};

static int
collect(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct rows			*r = arg;
	struct imap_mailbox_info	*m;

	(void)err;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xreallocarray(r->v, r->cap, sizeof(*r->v));
		r->sealed = xreallocarray(r->sealed, r->cap,
		    sizeof(*r->sealed));
		r->sealed_len = xreallocarray(r->sealed_len, r->cap,
		    sizeof(*r->sealed_len));
	}
	m = &r->v[r->n];
	memset(m, 0, sizeof(*m));
	m->id = mb->id;
	snprintf(m->kind, sizeof(m->kind), "%s", mb->kind);
	memcpy(m->bi, mb->bi, STORE_BI_LEN);
	r->sealed[r->n] = xmalloc(mb->sealed_len ? mb->sealed_len : 1);
	memcpy(r->sealed[r->n], mb->sealed, mb->sealed_len);
	r->sealed_len[r->n++] = mb->sealed_len;
	return 0;
}

static int
fill(struct archive *a, struct imap_mailbox_info *m, const void *sealed,
    size_t sealed_len, struct err *err)
{
	struct imap_account	acc;
	struct buf		addr;
	int			r;

	buf_init(&addr, 0);
	if (archive_open_sealed(a, "mailboxes", 0, 0, sealed, sealed_len,
	    &addr, err) == -1 || buf_check(&addr, err) == -1) {
		buf_free(&addr);
		return -1;
	}
	for (size_t k = 0; k < addr.len; k++)
		if ((unsigned char)addr.data[k] < 0x20 || addr.data[k] == 0x7f)
			addr.data[k] = '?';
	m->address = buf_take(&addr, NULL);
	if (store_mailbox_get_status(a->st, a->tid, m->id, &m->status,
	    err) == -1 || store_mailbox_msg_count(a->st, a->tid, m->id,
	    &m->messages, err) == -1)
		return -1;
	if (strcmp(m->kind, "imap") != 0)
		return 0;
	if ((r = imap_mailbox_account(a, m->id, &acc, err)) == -1)
		return -1;
	if (r == 0) {
		m->host = xstrdup(acc.host);
		m->port = acc.port;
		m->security = acc.security;
		m->auth = acc.auth;
		m->user = xstrdup(acc.user);
		m->nfolders = acc.nfolders;
		imap_account_clear(&acc);
	}
	return 0;
}

int
imap_mailbox_infos(struct archive *a, struct imap_mailbox_info **out,
    size_t *n, struct err *err)
{
	struct rows	r = { 0 };
	int		rc;

	*out = NULL;
	*n = 0;
	rc = store_mailbox_list(a->st, a->tid, collect, &r, err);
	for (size_t i = 0; i < r.n; i++) {
		if (rc == 0)
			rc = fill(a, &r.v[i], r.sealed[i], r.sealed_len[i], err);
		free(r.sealed[i]);
	}
	free(r.sealed);
	free(r.sealed_len);
	if (rc == -1) {
		imap_mailbox_infos_free(r.v, r.n);
		return -1;
	}
	*out = r.v;
	*n = r.n;
	return 0;
}

void
imap_mailbox_infos_free(struct imap_mailbox_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].address);
		free(v[i].host);
		free(v[i].user);
	}
	free(v);
}

/* ---- add and remove ---- */

struct find_bi {
	const unsigned char	*bi;
	int64_t			 id;
};

static int
on_bi(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct find_bi	*f = arg;

	(void)err;
	if (memcmp(mb->bi, f->bi, STORE_BI_LEN) != 0)
		return 0;
	f->id = mb->id;
	return 1;
}

int
imap_mailbox_add(struct archive *a, const struct imap_account *acc,
    int64_t *id_out, struct err *err)
{
	unsigned char	bi[STORE_BI_LEN];
	struct buf	sealed;
	struct find_bi	f = { bi, 0 };
	char		d[64];
	int		rc = -1;

	if (imap_account_check(acc, err) == -1)
		return -1;
	archive_blind(a, RECORD_ADDRESS, str_cstr(acc->address), bi);
	buf_init(&sealed, 0);
	archive_seal(a, "mailboxes", 0, 0, acc->address, strlen(acc->address),
	    &sealed);
	if (buf_check(&sealed, err) == -1 || store_begin(a->st, err) == -1)
		goto out;
	/* The store hands back an existing row: refuse to replace another
	 * mailbox's settings, or to turn a file mailbox into IMAP. */
	if (store_mailbox_list(a->st, a->tid, on_bi, &f, err) == -1)
		goto fail;
	if (f.id != 0) {
		err_set(err, ERR_USAGE, "mailbox %" PRId64 " has this address "
		    "already", f.id);
		goto fail;
	}
	if (store_mailbox_put(a->st, a->tid, bi, sealed.data, sealed.len,
	    "imap", time(NULL), id_out, err) == -1 ||
	    imap_mailbox_set_account(a, *id_out, acc, err) == -1 ||
	    store_commit(a->st, err) == -1)
		goto fail;
	snprintf(d, sizeof(d), "imap mailbox %" PRId64 " added", *id_out);
	(void)store_log_add(a->st, a->tid, time(NULL), "mailbox", d, NULL);
	rc = 0;
	goto out;
fail:
	(void)store_rollback(a->st, NULL);
out:
	buf_free(&sealed);
	return rc;
}

int
imap_mailbox_remove(struct archive *a, int64_t id, struct err *err)
{
	char	d[64];
	int	r;

	if ((r = store_mailbox_remove(a->st, a->tid, id, err)) != 0)
		return r;
	snprintf(d, sizeof(d), "mailbox %" PRId64 " removed", id);
	(void)store_log_add(a->st, a->tid, time(NULL), "mailbox", d, NULL);
	return 0;
}
