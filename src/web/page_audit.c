/*
 * page_audit.c: the audit log for owners and admins, newest first, 50
 * entries a page (?before=SEQ), with the state of the hash chain.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define PAGE	50

struct rows {
	struct web_req	*q;
	struct buf	*b;
	struct buf	 email;
	int64_t		 last;
	int		 n;
};

static int
on_entry(void *arg, const struct store_audit *e, struct err *err)
{
	struct rows		*w = arg;

	buf_addf(w->b, "<tr><td>%" PRId64 "</td><td>", e->seq);
	html_time(w->b, e->at);
	buf_puts(w->b, "</td><td>");
	if (e->actor == 0)
		buf_puts(w->b, "-");
	else
		buf_addf(w->b, "user %" PRId64, e->actor);
	buf_puts(w->b, "</td><td>");
	html_esc(w->b, e->op);
	buf_puts(w->b, "</td><td>");
	html_esc(w->b, e->object);
	buf_puts(w->b, "</td><td>");
	html_esc(w->b, e->ip);
	buf_puts(w->b, "</td></tr>\n");
	w->last = e->seq;
	w->n++;
	return 0;
}

/* The users' emails, as a legend under the table (the log keeps ids). */
static int
on_user(void *arg, const struct store_user *u, struct err *err)
{
	struct rows	*w = arg;

	if (acct_user_email(&w->q->t->ar, u, &w->email, err) == -1)
		return -1;
	buf_addf(w->b, "<li>user %" PRId64 ": ", u->id);
	html_esc(w->b, w->email.data);
	buf_puts(w->b, "</li>\n");
	return 0;
}

int
page_audit(struct web_req *q, struct web_resp *r)
{
	const char		*before = form_get(&q->query, "before");
	struct audit_report	 rep;
	struct rows		 w;
	struct buf		 b;
	struct err		 err;
	int64_t			 from = 0;
	char			*end;
	int			 rc;

	if (before != NULL) {
		from = strtoll(before, &end, 10);
		if (end == before || *end != '\0' || from < 1)
			return web_error(q, r, 400, "Bad page.");
	}
	buf_init(&b, 0);
	memset(&w, 0, sizeof(w));
	w.q = q;
	w.b = &b;
	buf_init(&w.email, 0);
	rc = audit_verify(q->t->ar.st, q->t->tid, &rep, &err);
	if (rc == 0 && rep.bad_seq != 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "The audit chain is broken at "
		    "entry %" PRId64 ": %s.", rep.bad_seq, rep.why);
		html_note(&b, msg, 1);
	} else if (rc == 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "The hash chain of all %" PRId64
		    " entries is intact.", rep.entries);
		html_note(&b, msg, 0);
	}
	buf_puts(&b, "<table>\n<caption>Audit log, newest first</caption>\n"
	    "<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Time</th>"
	    "<th scope=\"col\">Actor</th><th scope=\"col\">Operation</th>"
	    "<th scope=\"col\">Object</th><th scope=\"col\">Address</th>"
	    "</tr></thead>\n<tbody>\n");
	if (rc == 0)
		rc = store_audit_scan(q->t->ar.st, q->t->tid, from, PAGE, 1,
		    on_entry, &w, &err);
	buf_puts(&b, "</tbody></table>\n");
	if (rc == 0 && w.n == PAGE && w.last > 1)
		buf_addf(&b, "<p><a href=\"/audit?before=%" PRId64 "\">Older "
		    "entries</a></p>\n", w.last - 1);
	buf_puts(&b, "<h2>Users</h2>\n<ul>\n");
	if (rc == 0)
		rc = store_user_list(q->t->ar.st, q->t->tid, on_user, &w, &err);
	buf_puts(&b, "</ul>\n");
	buf_free(&w.email);
	if (rc == -1) {
		buf_free(&b);
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	html_page(q, r, "Audit log", &b);
	buf_free(&b);
	return 0;
}
