/*
 * imap_folders.c: which folders of a mailbox a sync reads, and the
 * connection test of "mailbox test" (see imap_session.h, imap_sync.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "imap_session.h"

/* Sent folders by name, when no folder carries \Sent. */
static const char *const sent_names[] = {
	"Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent",
	"INBOX/Sent", "[Gmail]/Sent Mail",
};

struct list_acc {
	struct imap_folder	*v;
	size_t			 n, cap;
};

static int
is_text7(struct str s)
{
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.p[i] < 0x20 || (unsigned char)s.p[i] >= 0x7f)
			return 0;
	return s.len > 0;
}

static int
on_list(void *arg, const struct imap_resp *r, struct err *err)
{
	struct list_acc		*la = arg;
	const struct imap_item	*it = r->items;
	size_t			 i = r->first, attrs, name;
	struct imap_folder	 f = { 0 };

	if (r->status != IMAP_NONE || !str_eq_ci(r->name, STR("LIST")))
		return 0;
	if (i >= r->nitems || it[i].type != IMAP_LIST)
		return err_set(err, ERR_PARSE, "IMAP LIST: no attribute list");
	attrs = i;
	i = it[i].end;			/* the delimiter */
	if (i >= r->nitems)
		return err_set(err, ERR_PARSE, "IMAP LIST: no delimiter");
	name = it[i].end;
	if (name >= r->nitems || it[name].type == IMAP_LIST)
		return err_set(err, ERR_PARSE, "IMAP LIST: no folder name");
	if (la->n >= 10000)
		return err_set(err, ERR_LIMIT, "IMAP LIST: more than 10000 "
		    "folders");
	if (!is_text7(it[name].s))
		return 0;
	for (size_t j = attrs + 1; j < it[attrs].end; j = it[j].end) {
		if (str_eq_ci(it[j].s, STR("\\Sent")))
			f.sent = 1;
		if (str_eq_ci(it[j].s, STR("\\Noselect")) ||
		    str_eq_ci(it[j].s, STR("\\NonExistent")))
			f.noselect = 1;
	}
	f.name = xstrndup(it[name].s.p, it[name].s.len);
	if (la->n == la->cap) {
		la->cap = la->cap ? la->cap * 2 : 32;
		la->v = xreallocarray(la->v, la->cap, sizeof(*la->v));
	}
	la->v[la->n++] = f;
	return 0;
}

int
imap_folders_list(struct imap_client *cl, struct imap_folder **out,
    size_t *n, struct err *err)
{
	struct list_acc	la = { 0 };
	unsigned	tag;

	tag = cl->caps & IMAP_CAP_LIST_EXTENDED ?
	    imap_send(cl, err, "LIST \"\" \"*\" RETURN (SPECIAL-USE)") :
	    imap_send(cl, err, "LIST \"\" \"*\"");
	if (imap_wait(cl, tag, "LIST", on_list, &la, err) == -1) {
		imap_folders_free(la.v, la.n);
		return -1;
	}
	*out = la.v;
	*n = la.n;
	return 0;
}

void
imap_folders_free(struct imap_folder *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

int
imap_folders_pick(struct imap_session *s, struct err *err)
{
	struct imap_folder	*f;
	size_t			 n, i, k;
	const char		*sent = NULL;

	for (i = 0; i < s->nfolders; i++)
		free(s->folders[i]);
	s->nfolders = 0;
	if (s->acc.nfolders > 0) {
		for (i = 0; i < s->acc.nfolders; i++)
			s->folders[s->nfolders++] = xstrdup(s->acc.folders[i]);
		return 0;
	}
	s->folders[s->nfolders++] = xstrdup("INBOX");
	if (imap_folders_list(s->cl, &f, &n, err) == -1)
		return -1;
	for (i = 0; i < n && sent == NULL; i++)
		if (f[i].sent && !f[i].noselect)
			sent = f[i].name;
	for (k = 0; k < nitems(sent_names) && sent == NULL; k++)
		for (i = 0; i < n && sent == NULL; i++)
			if (!f[i].noselect && strcmp(f[i].name,
			    sent_names[k]) == 0)
				sent = f[i].name;
	if (sent != NULL && strcmp(sent, "INBOX") != 0)
		s->folders[s->nfolders++] = xstrdup(sent);
	imap_folders_free(f, n);
	return 0;
}

int
imap_mailbox_test(const struct imap_account *acc, struct buf *out,
    struct err *err)
{
	struct imap_session	 s;
	struct imap_folder	*f;
	size_t			 n;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	s.acc = *acc;			/* borrowed: never cleared here */
	if (imap_client_login(acc, NULL, &s.cl, err) == -1)
		return -1;
	buf_addf(out, "connected to %s port %d (%s), logged in as the "
	    "configured user with %s\n", acc->host, acc->port,
	    imap_conn_is_tls(s.cl->conn) ? "TLS" :
	    "NO TLS: the password crossed the network in the clear",
	    imap_auth_name(acc->auth));
	buf_addf(out, "capabilities: %s\n", s.cl->capstr ? s.cl->capstr :
	    "(none)");
	buf_addf(out, "QRESYNC: %s; IDLE: %s\n", s.cl->qresync ? "yes "
	    "(expunged and moved messages are noticed)" : "no (expunges "
	    "are not noticed)", s.cl->caps & IMAP_CAP_IDLE ? "yes" :
	    "no (new mail is polled)");
	if (imap_folders_list(s.cl, &f, &n, err) == -1)
		goto out;
	buf_addf(out, "folders: %zu\n", n);
	imap_folders_free(f, n);
	if (imap_folders_pick(&s, err) == -1)
		goto out;
	for (size_t i = 0; i < s.nfolders; i++)
		buf_addf(out, "would sync: %s\n", s.folders[i]);
	rc = 0;
out:
	for (size_t i = 0; i < s.nfolders; i++)
		free(s.folders[i]);
	imap_client_free(s.cl, rc == 0);
	return rc;
}
