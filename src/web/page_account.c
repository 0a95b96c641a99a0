/*
 * page_account.c: the logged-in user's own password (web.h).  A change
 * needs the current password; it ends every other session of the user
 * and clears the "must change" mark an administrator's password sets.
 */
#include <stdio.h>
#include <string.h>

#include "web.h"

static void
password_form(struct web_req *q, struct web_resp *r, const char *msg,
    int error)
{
	struct buf	b;

	buf_init(&b, 0);
	if (q->user.must_change)
		html_note(&b, "Your password was set by an administrator: "
		    "choose your own to go on.", 0);
	if (msg != NULL)
		html_note(&b, msg, error);
	buf_addf(&b, "<form method=\"post\" action=\"/password\">\n");
	html_csrf(q, &b);
	buf_addf(&b, "<p><label for=\"current\">Current password</label><br>"
	    "<input id=\"current\" name=\"current\" type=\"password\" required "
	    "autocomplete=\"current-password\"></p>\n"
	    "<p><label for=\"password\">New password (at least %d characters,"
	    " not a word or a common password)</label><br>"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "required minlength=\"%d\" autocomplete=\"new-password\"></p>\n"
	    "<p><label for=\"confirm\">New password again</label><br>"
	    "<input id=\"confirm\" name=\"confirm\" type=\"password\" required "
	    "autocomplete=\"new-password\"></p>\n"
	    "<p><button type=\"submit\">Change password</button></p>\n"
	    "</form>\n<h2>Sessions</h2>\n"
	    "<form method=\"post\" action=\"/logout-all\">", PW_MIN, PW_MIN);
	html_csrf(q, &b);
	buf_puts(&b, "<p><button type=\"submit\">Log out everywhere</button> "
	    "ends every session of your account, this one too.</p></form>\n");
	html_page(q, r, "Password", &b);
	buf_free(&b);
}

int
page_password(struct web_req *q, struct web_resp *r)
{
	password_form(q, r, NULL, 0);
	return 0;
}

int
page_password_post(struct web_req *q, struct web_resp *r)
{
	const char	*cur = form_get(&q->form, "current");
	const char	*pw = form_get(&q->form, "password");
	const char	*again = form_get(&q->form, "confirm");
	char		 id[TOKEN_TEXT];
	struct err	 err;

	if (cur == NULL || pw == NULL || again == NULL) {
		password_form(q, r, "Fill in every field.", 1);
		return 0;
	}
	if (pw_verify(q->user.pwhash, cur) != 0) {
		web_audit(q, "password-change-failed", "own password");
		password_form(q, r, "The current password is wrong.", 1);
		return 0;
	}
	if (strcmp(pw, again) != 0) {
		password_form(q, r, "The two new passwords differ.", 1);
		return 0;
	}
	if (strcmp(pw, cur) == 0) {
		password_form(q, r, "The new password is the current one.", 1);
		return 0;
	}
	if (acct_set_password(&q->t->ar, &q->user, pw, 0, 1, &err) == -1) {
		if (err.code != ERR_USAGE) {
			fprintf(stderr, "replytime: serve: %s\n", err.msg);
			return web_error(q, r, 500, "Something went wrong.");
		}
		password_form(q, r, err.msg, 1);
		return 0;
	}
	web_audit(q, "password-change", "own password");
	/* Every session ended with the change: this one starts afresh. */
	if (session_start(q->t->ar.st, q->t->tid, q->user.id, q->now, id,
	    &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_redirect(r, "/login");
	}
	web_set_cookie(q, r, WEB_SESSION_COOKIE, id, 0);
	snprintf(q->session, sizeof(q->session), "%s", id);
	token_csrf(q->session, q->csrf);
	password_form(q, r, "Your password is changed; your other sessions "
	    "are logged out.", 0);
	return 0;
}
