/*
 * page_mailboxes.c: the tenant's mailboxes, for owners and admins
 * (web.h; docs/dashboard.md): the list with each one's sync state,
 * adding an IMAP mailbox, testing a connection, a sync now, removing.
 *
 * A mailbox is stored exactly as "replytime mailbox add --imap" stores
 * it (imap_admin.h): its password or token sealed with the tenant's key
 * and never shown again, not even in the form after a failed add (the
 * person types it again).  The password field's value is wiped from the
 * request once used.  Errors come from the IMAP code, which never quotes
 * the user name or the secret.  The CA file of a private server is not a
 * field: a path on the server's file system is for its operator to give
 * (replytime mailbox add --ca-file); the dashboard trusts the system's
 * CAs.  Every action is audited with the mailbox id only.  At most
 * TESTS_MAX connection tests run at once in the whole server (each may
 * hold a request thread for TEST_TIMEOUT_S); past that the page says so
 * (429).
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../base/xmalloc.h"
#include "../imap/imap_admin.h"
#include "../imap/imap_sync.h"
#include "web.h"

#define TEST_TIMEOUT_S	15		/* a test holds a request thread */
#define TESTS_MAX	2		/* tests at once, whole server */

/* Connection tests running: each holds a request thread up to
 * TEST_TIMEOUT_S, so a few of them must not take every thread. */
static atomic_int	testing;
#define FOLDER_LINE_MAX	IMAP_VALUE_MAX

/* What a page shows besides the list. */
struct view {
	const char	*msg;		/* a note, or NULL */
	int		 error;
	const char	*out;		/* a connection test's lines, or NULL */
	int		 refill;	/* the add form keeps what was typed */
};

static void
field_value(struct web_req *q, struct buf *b, const char *name, int refill)
{
	const char	*v = refill ? form_get(&q->form, name) : NULL;

	if (v != NULL) {
		buf_puts(b, " value=\"");
		html_esc(b, v);
		buf_puts(b, "\"");
	}
}

static void
select_field(struct web_req *q, struct buf *b, const char *name,
    const char *label, const char *const *opts, const char *help,
    int refill)
{
	const char	*v = refill ? form_get(&q->form, name) : NULL;

	buf_addf(b, "<p><label for=\"%s\">%s</label><br><select id=\"%s\" "
	    "name=\"%s\">", name, label, name, name);
	for (size_t i = 0; opts[i] != NULL; i++)
		buf_addf(b, "<option%s>%s</option>", v != NULL &&
		    strcmp(v, opts[i]) == 0 ? " selected" : "", opts[i]);
	buf_addf(b, "</select> <span class=\"help\">%s</span></p>\n", help);
}

static void
add_form(struct web_req *q, struct buf *b, int refill)
{
	static const char *const sec[] = { "tls", "starttls", "plain", NULL };
	static const char *const auth[] = { "plain", "login", "xoauth2",
		"oauthbearer", NULL };
	const char	*folders = refill ? form_get(&q->form, "folders") : NULL;

	buf_puts(b, "<h2>Add an IMAP mailbox</h2>\n"
	    "<form method=\"post\" action=\"/mailboxes\">");
	html_csrf(q, b);
	buf_puts(b, "<p><label for=\"host\">Server</label><br><input "
	    "id=\"host\" name=\"host\" required maxlength=\"255\"");
	field_value(q, b, "host", refill);
	buf_puts(b, "></p>\n<p><label for=\"port\">Port</label><br><input "
	    "id=\"port\" name=\"port\" inputmode=\"numeric\" maxlength=\"5\"");
	field_value(q, b, "port", refill);
	buf_puts(b, "> <span class=\"help\">empty: 993 with tls, 143 "
	    "otherwise</span></p>\n");
	select_field(q, b, "security", "Security", sec, "tls: implicit TLS; "
	    "starttls: required STARTTLS; plain: no TLS, the password crosses "
	    "the network in the clear", refill);
	buf_puts(b, "<p><label for=\"user\">User</label><br><input id=\"user\" "
	    "name=\"user\" required maxlength=\"1024\" autocomplete=\"off\"");
	field_value(q, b, "user", refill);
	buf_puts(b, "></p>\n<p><label for=\"address\">Address</label><br>"
	    "<input id=\"address\" name=\"address\" maxlength=\"1024\"");
	field_value(q, b, "address", refill);
	buf_puts(b, "> <span class=\"help\">empty: the user, if it has an "
	    "@</span></p>\n");
	select_field(q, b, "auth", "Authentication", auth, "xoauth2 and "
	    "oauthbearer take an OAuth 2.0 access token as the password",
	    refill);
	buf_puts(b, "<p><label for=\"password\">Password or token</label><br>"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "required autocomplete=\"new-password\"> <span class=\"help\">"
	    "stored encrypted; never shown again</span></p>\n"
	    "<p><label for=\"folders\">Folders</label><br><textarea "
	    "id=\"folders\" name=\"folders\" rows=\"3\" cols=\"40\">");
	html_esc(b, folders);
	buf_puts(b, "</textarea> <span class=\"help\">one per line; empty: "
	    "INBOX and the Sent folder</span></p>\n"
	    "<p><button type=\"submit\">Add</button> <button type=\"submit\" "
	    "formaction=\"/mailboxes/test\">Test connection</button></p>"
	    "</form>\n<p class=\"help\">The server's certificate must be "
	    "trusted by this system's CAs; for a private CA, add the mailbox "
	    "with <code>replytime mailbox add --ca-file</code>.</p>\n");
}

static void
row(struct web_req *q, struct buf *b, const struct imap_mailbox_info *m)
{
	char	path[64];

	buf_addf(b, "<tr><td class=\"num\">%" PRId64 "</td><td>", m->id);
	html_esc(b, m->address);
	buf_puts(b, "</td><td>");
	if (m->host != NULL) {
		html_esc(b, m->host);
		buf_addf(b, ":%d %s", m->port, imap_security_name(m->security));
		if (m->security == IMAP_SEC_PLAIN)
			buf_puts(b, " <span class=\"badge\" title=\"the password "
			    "and headers cross the network in the clear\">"
			    "no TLS</span>");
		buf_puts(b, "<br><span class=\"help\">");
		html_esc(b, m->user);
		buf_addf(b, ", %s</span>", imap_auth_name(m->auth));
	} else {
		html_esc(b, m->kind);
		buf_puts(b, " (imported)");
	}
	buf_addf(b, "</td><td%s>", strcmp(m->status.state, "error") == 0 ?
	    " class=\"state-error\"" : "");
	html_esc(b, m->host != NULL ? m->status.state : "-");
	buf_puts(b, "</td><td>");
	if (m->host != NULL)
		html_time(b, m->status.last_sync);
	else
		buf_puts(b, "-");
	buf_addf(b, "</td><td class=\"num\">%" PRId64 "</td><td>",
	    m->messages);
	html_esc(b, m->status.error[0] != '\0' ? m->status.error : "-");
	buf_puts(b, "</td><td>");
	if (m->host != NULL) {
		snprintf(path, sizeof(path), "/mailboxes/%" PRId64 "/test",
		    m->id);
		html_button_form(q, b, path, "Test connection", NULL);
		snprintf(path, sizeof(path), "/mailboxes/%" PRId64 "/sync",
		    m->id);
		html_button_form(q, b, path, "Sync now", NULL);
	}
	snprintf(path, sizeof(path), "/mailboxes/%" PRId64 "/remove", m->id);
	html_button_form(q, b, path, "Remove", "<label><input type=\"checkbox\""
	    " name=\"confirm\" value=\"yes\" required> with its "
	    "messages</label> ");
	buf_puts(b, "</td></tr>\n");
}

static int
render(struct web_req *q, struct web_resp *r, const struct view *v)
{
	struct imap_mailbox_info	*m;
	struct buf			 b;
	struct err			 err;
	size_t				 n;

	if (imap_mailbox_infos(&q->t->ar, &m, &n, &err) == -1) {
		fprintf(stderr, "replytime: serve: mailboxes: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	buf_init(&b, 0);
	if (v->msg != NULL)
		html_note(&b, v->msg, v->error);
	if (v->out != NULL) {
		buf_puts(&b, "<pre class=\"out\">");
		html_esc(&b, v->out);
		buf_puts(&b, "</pre>\n");
	}
	if (q->srv->sched == NULL)
		html_note(&b, "This server does not sync mailboxes (it was "
		    "started with --sync-workers 0): run replytime sync.", 0);
	buf_puts(&b, "<table>\n<caption>Mailboxes</caption>\n<thead><tr>"
	    "<th scope=\"col\" class=\"num\">Id</th>"
	    "<th scope=\"col\">Address</th><th scope=\"col\">Server</th>"
	    "<th scope=\"col\">State</th><th scope=\"col\">Last sync</th>"
	    "<th scope=\"col\" class=\"num\">Messages</th>"
	    "<th scope=\"col\">Last error</th><th scope=\"col\">Actions</th>"
	    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		row(q, &b, &m[i]);
	buf_puts(&b, "</tbody></table>\n");
	imap_mailbox_infos_free(m, n);
	add_form(q, &b, v->refill);
	html_page(q, r, "Mailboxes", &b);
	buf_free(&b);
	return 0;
}

int
page_mailboxes(struct web_req *q, struct web_resp *r)
{
	struct view	v = { 0 };

	return render(q, r, &v);
}

/* Wipes the password of the request once it is used. */
static void
wipe_password(struct web_req *q)
{
	for (size_t i = 0; i < q->form.n; i++)
		if (strcmp(q->form.v[i].name, "password") == 0)
			OPENSSL_cleanse(q->form.v[i].value,
			    strlen(q->form.v[i].value));
}

/* The account of the add form; 0, or -1 with a message for the person
 * in err (naming a field, never quoting one). */
static int
form_account(struct web_req *q, struct imap_account *acc, struct err *err)
{
	struct imap_account_args	 g;
	const char			*port = form_get(&q->form, "port");
	const char			*fl = form_get(&q->form, "folders");
	char				*copy = NULL, *p, *line, *end;
	const char			*folders[IMAP_FOLDERS_MAX];
	size_t				 nf = 0;
	long				 v;
	int				 rc;

	memset(&g, 0, sizeof(g));
	g.host = form_get(&q->form, "host");
	g.security = form_get(&q->form, "security");
	g.auth = form_get(&q->form, "auth");
	g.user = form_get(&q->form, "user");
	g.address = form_get(&q->form, "address");
	g.secret = form_get(&q->form, "password");
	if (port != NULL && *port != '\0') {
		v = strtol(port, &end, 10);
		if (*end != '\0' || v < 1 || v > 65535)
			return err_set(err, ERR_USAGE, "The port must be a "
			    "number from 1 to 65535.");
		g.port = (int)v;
	}
	if (fl != NULL) {
		copy = p = xstrdup(fl);
		while ((line = p) != NULL) {
			size_t	n;

			if ((p = strchr(p, '\n')) != NULL)
				*p++ = '\0';
			while (*line == ' ' || *line == '\t')
				line++;
			n = strlen(line);
			while (n > 0 && (line[n - 1] == '\r' ||
			    line[n - 1] == ' ' || line[n - 1] == '\t'))
				line[--n] = '\0';
			if (n == 0)
				continue;
			if (nf == IMAP_FOLDERS_MAX || n > FOLDER_LINE_MAX) {
				free(copy);
				return err_set(err, ERR_LIMIT, "At most %d "
				    "folders of up to %d bytes each.",
				    IMAP_FOLDERS_MAX, FOLDER_LINE_MAX);
			}
			folders[nf++] = line;
		}
	}
	g.folders = folders;
	g.nfolders = nf;
	rc = imap_account_make(&g, acc, err);
	free(copy);
	return rc;
}

int
page_mailboxes_add(struct web_req *q, struct web_resp *r)
{
	struct imap_account	 acc;
	struct view		 v = { .error = 1, .refill = 1 };
	struct err		 err;
	char			 msg[160], obj[40];
	int64_t			 id;
	int			 rc;

	rc = form_account(q, &acc, &err);
	wipe_password(q);
	if (rc == -1) {
		v.msg = err.msg;
		return render(q, r, &v);
	}
	rc = imap_mailbox_add(&q->t->ar, &acc, &id, &err);
	imap_account_clear(&acc);
	if (rc == -1) {
		if (err.code != ERR_USAGE) {
			fprintf(stderr, "replytime: serve: mailboxes: %s\n",
			    err.msg);
			snprintf(err.msg, sizeof(err.msg), "Something went "
			    "wrong.");
		}
		v.msg = err.msg;
		return render(q, r, &v);
	}
	snprintf(obj, sizeof(obj), "mailbox %" PRId64, id);
	web_audit(q, "mailbox-add", obj);
	imap_sched_reload(q->srv->sched);
	snprintf(msg, sizeof(msg), "Mailbox %" PRId64 " is added; its "
	    "password is stored encrypted.%s", id, q->srv->sched != NULL ?
	    " Its first sync starts now." : "");
	v.msg = msg;
	v.error = 0;
	v.refill = 0;
	return render(q, r, &v);
}

/* Runs the test of acc and renders its outcome. */
static int
test_and_render(struct web_req *q, struct web_resp *r,
    struct imap_account *acc, int64_t id)
{
	struct view	v = { .refill = id == 0 };
	struct buf	out;
	struct err	err;
	char		msg[sizeof(err.msg) + 80], who[40] = "";
	int		rc;

	if (atomic_fetch_add(&testing, 1) >= TESTS_MAX) {
		atomic_fetch_sub(&testing, 1);
		v.msg = "Other connection tests are running: try again in a "
		    "moment.";
		v.error = 1;
		r->status = 429;
		return render(q, r, &v);
	}
	if (acc->timeout_ms == 0 || acc->timeout_ms > TEST_TIMEOUT_S * 1000)
		acc->timeout_ms = TEST_TIMEOUT_S * 1000;
	buf_init(&out, 64 * 1024);
	rc = imap_mailbox_test(acc, &out, &err);
	atomic_fetch_sub(&testing, 1);
	if (id != 0)
		snprintf(who, sizeof(who), "Mailbox %" PRId64 ": ", id);
	if (rc == -1) {
		snprintf(msg, sizeof(msg), "%sThe connection failed: %s", who,
		    err.msg);
		v.error = 1;
	} else
		snprintf(msg, sizeof(msg), "%sThe connection works.", who);
	v.msg = msg;
	v.out = out.len > 0 && !out.failed ? out.data : NULL;
	render(q, r, &v);
	buf_free(&out);
	return 0;
}

int
page_mailboxes_try(struct web_req *q, struct web_resp *r)
{
	struct imap_account	 acc;
	struct view		 v = { .error = 1, .refill = 1 };
	struct err		 err;
	int			 rc;

	rc = form_account(q, &acc, &err);
	wipe_password(q);
	if (rc == -1) {
		v.msg = err.msg;
		return render(q, r, &v);
	}
	web_audit(q, "mailbox-test", "new mailbox settings");
	rc = test_and_render(q, r, &acc, 0);
	imap_account_clear(&acc);
	return rc;
}

/* The IMAP settings of the request's mailbox: 0, or answered (404, 500)
 * and 1. */
static int
mailbox_of(struct web_req *q, struct web_resp *r, struct imap_account *acc)
{
	struct err	err;
	int		rc;

	if ((rc = imap_mailbox_account(&q->t->ar, q->id, acc, &err)) == 1) {
		web_error(q, r, 404, "There is no such IMAP mailbox.");
		return 1;
	}
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: mailboxes: %s\n", err.msg);
		web_error(q, r, 500, "Something went wrong.");
		return 1;
	}
	return 0;
}

int
page_mailboxes_test(struct web_req *q, struct web_resp *r)
{
	struct imap_account	acc;
	char			obj[40];

	if (mailbox_of(q, r, &acc) != 0)
		return 0;
	snprintf(obj, sizeof(obj), "mailbox %" PRId64, q->id);
	web_audit(q, "mailbox-test", obj);
	test_and_render(q, r, &acc, q->id);
	imap_account_clear(&acc);
	return 0;
}

int
page_mailboxes_sync(struct web_req *q, struct web_resp *r)
{
	struct imap_account	acc;
	struct view		v = { 0 };
	char			obj[40], msg[120];

	if (mailbox_of(q, r, &acc) != 0)
		return 0;
	imap_account_clear(&acc);
	snprintf(obj, sizeof(obj), "mailbox %" PRId64, q->id);
	web_audit(q, "mailbox-sync", obj);
	if (imap_sched_kick(q->srv->sched, q->t->name, q->id) == 0)
		snprintf(msg, sizeof(msg), "Mailbox %" PRId64 " syncs as soon "
		    "as a worker is free.", q->id);
	else {
		snprintf(msg, sizeof(msg), "This server does not sync "
		    "mailboxes: run replytime sync.");
		v.error = 1;
	}
	v.msg = msg;
	return render(q, r, &v);
}

int
page_mailboxes_remove(struct web_req *q, struct web_resp *r)
{
	struct store_mailbox_status	 ms;
	struct view			 v = { 0 };
	struct err			 err;
	const char			*c = form_get(&q->form, "confirm");
	char				 obj[40], msg[120];
	int				 rc;

	rc = store_mailbox_get_status(q->t->ar.st, q->t->tid, q->id, &ms, &err);
	if (rc == 1)
		return web_error(q, r, 404, "There is no such mailbox.");
	if (rc == 0 && (c == NULL || strcmp(c, "yes") != 0)) {
		v.msg = "Tick the box to remove the mailbox with its messages.";
		v.error = 1;
		r->status = 400;
		return render(q, r, &v);
	}
	if (rc == 0)
		rc = imap_mailbox_remove(&q->t->ar, q->id, &err);
	if (rc == 1)
		return web_error(q, r, 404, "There is no such mailbox.");
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: mailboxes: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	snprintf(obj, sizeof(obj), "mailbox %" PRId64, q->id);
	web_audit(q, "mailbox-remove", obj);
	imap_sched_reload(q->srv->sched);
	snprintf(msg, sizeof(msg), "Mailbox %" PRId64 " is removed with its "
	    "messages.", q->id);
	v.msg = msg;
	return render(q, r, &v);
}
