/*
 * page_delete.c: deleting the organization's account, for owners only,
 * after typing its name.  The tenant is terminated (its data is erased
 * by replytime purge after the grace period, docs/operations.md), every
 * session of its users ends, and no one can log in any more.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "web.h"

static void
delete_form(struct web_req *q, struct web_resp *r, const char *msg)
{
	struct buf	b;

	buf_init(&b, 0);
	if (msg != NULL)
		html_note(&b, msg, 1);
	buf_puts(&b, "<p>This ends the account of <strong>");
	html_esc(&b, q->t->name);
	buf_puts(&b, "</strong>: every user is logged out and no one can log "
	    "in again.  Its data is erased for good after the grace period.  "
	    "Export what you need first.</p>\n<form method=\"post\" "
	    "action=\"/account/delete\">");
	html_csrf(q, &b);
	buf_puts(&b, "<p><label for=\"confirm\">Type the organization's name "
	    "to confirm</label><br><input id=\"confirm\" name=\"confirm\" "
	    "required autocomplete=\"off\"></p>\n<p><button type=\"submit\" "
	    "class=\"danger\">Delete the account</button></p></form>\n");
	html_page(q, r, "Delete account", &b);
	buf_free(&b);
}

int
page_delete(struct web_req *q, struct web_resp *r)
{
	delete_form(q, r, NULL);
	return 0;
}


static int
collect(void *arg, const struct store_user *u, struct err *err)
{
	struct buf	*ids = arg;

	buf_add(ids, &u->id, sizeof(u->id));
	return 0;
}

int
page_delete_post(struct web_req *q, struct web_resp *r)
{
	const char	*confirm = form_get(&q->form, "confirm");
	struct buf	 ids, b;
	struct err	 err;
	int64_t		 id;
	int		 rc;

	if (confirm == NULL || strcmp(confirm, q->t->name) != 0) {
		delete_form(q, r, "The name does not match: nothing was "
		    "deleted.");
		return 0;
	}
	web_audit(q, "account-delete", "organization");
	buf_init(&ids, 0);
	rc = store_user_list(q->t->ar.st, q->t->tid, collect, &ids, &err);
	for (size_t i = 0; rc == 0 && i + sizeof(id) <= ids.len;
	    i += sizeof(id)) {
		memcpy(&id, ids.data + i, sizeof(id));
		rc = store_session_del(q->t->ar.st, NULL, q->t->tid, id, &err);
	}
	buf_free(&ids);
	if (rc == 0)
		rc = store_tenant_terminate(q->t->ar.st, q->t->tid, q->now,
		    &err);
	if (rc == 0)
		rc = store_log_add(q->t->ar.st, STORE_SYSTEM, q->now,
		    "tenant-terminate", "terminated from the dashboard", &err);
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	web_set_cookie(q, r, WEB_SESSION_COOKIE, "", 1);
	buf_init(&b, 0);
	html_note(&b, "The account is deleted and every user is logged out.",
	    0);
	html_page_public(r, "Account deleted", &b);
	buf_free(&b);
	return 0;
}
