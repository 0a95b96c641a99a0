/*
 * page_login.c: logging in and out, and the one-time links that set a
 * password: the owner's setup link, invitations and password resets
 * (web.h; the model is in docs/security.md).
 *
 * Nothing here tells whether an account exists: a wrong organization,
 * email or password, a disabled user and a user without a password get
 * the same answer after the same work (one argon2 run), and the
 * "forgot password" form always says the same.  Failed logins are
 * throttled per account and per client address (auth/throttle.c).
 * Pre-login forms carry a CSRF token that must equal the rt_pre cookie
 * (double submit), so another site cannot log a browser in.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "web.h"

/* The pre-login CSRF value: the rt_pre cookie, made if missing. */
static const char *
pre_token(struct web_req *q, struct web_resp *r)
{
	if (!token_syntax_ok(q->pre)) {
		token_new(q->pre);
		web_set_cookie(q, r, WEB_PRE_COOKIE, q->pre, 0);
	}
	return q->pre;
}

static void
pre_field(struct web_req *q, struct web_resp *r, struct buf *b)
{
	buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_esc(b, pre_token(q, r));
	buf_puts(b, "\">\n");
}

static void
field(struct buf *b, const char *label, const char *name, const char *type,
    const char *value, const char *autocomplete)
{
	buf_addf(b, "<p><label for=\"%s\">", name);
	html_esc(b, label);
	buf_addf(b, "</label><br><input id=\"%s\" name=\"%s\" type=\"%s\" "
	    "required autocomplete=\"%s\"", name, name, type, autocomplete);
	if (value != NULL) {
		buf_puts(b, " value=\"");
		html_esc(b, value);
		buf_puts(b, "\"");
	}
	buf_puts(b, "></p>\n");
}

static void
login_form(struct web_req *q, struct web_resp *r, const char *msg)
{
	struct buf	b;
	const char	*org = form_get(&q->form, "organization");
	const char	*email = form_get(&q->form, "email");

	buf_init(&b, 0);
	if (msg != NULL)
		html_note(&b, msg, 1);
	buf_puts(&b, "<form method=\"post\" action=\"/login\">\n");
	pre_field(q, r, &b);
	field(&b, "Organization", "organization", "text", org,
	    "organization");
	field(&b, "Email", "email", "email", email, "username");
	field(&b, "Password", "password", "password", NULL,
	    "current-password");
	buf_puts(&b, "<p><button type=\"submit\">Log in</button></p>\n"
	    "</form>\n<p><a href=\"/forgot\">Forgot your password?</a></p>\n");
	html_page_public(r, "Log in", &b);
	buf_free(&b);
}

int
page_login(struct web_req *q, struct web_resp *r)
{
	login_form(q, r, NULL);
	return 0;
}

/* Logs user u of tenant t in: a new session (never the old one). */
static int
start_session(struct web_req *q, struct web_resp *r, struct web_tenant *t,
    const struct store_user *u, const char *op)
{
	char		id[TOKEN_TEXT];
	char		obj[40];
	struct err	err;

	if (q->session[0] != '\0')
		(void)session_end(q->th->st, q->session, &err);
	if (session_start(t->ar.st, t->tid, u->id, q->now, id, &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong; try "
		    "again.");
	}
	web_set_cookie(q, r, WEB_SESSION_COOKIE, id, 0);
	snprintf(obj, sizeof(obj), "user %" PRId64, u->id);
	if (audit_add(t->ar.st, t->tid, q->now, u->id, op, obj, q->ip,
	    &err) == -1)
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
	return web_redirect(r, u->must_change ? "/password" : "/");
}

int
page_login_post(struct web_req *q, struct web_resp *r)
{
	const char		*org = form_get(&q->form, "organization");
	const char		*email = form_get(&q->form, "email");
	const char		*pw = form_get(&q->form, "password");
	struct web_tenant	*t = NULL;
	struct store_user	 u;
	struct throttle		*thr = q->srv->thr;
	char			 ipkey[80], acctkey[512], msg[160];
	char			 norm[EMAIL_MAX + 1], obj[40];
	struct err		 err;
	int64_t			 wait, w2;
	int			 rc = 1;

	if (org == NULL || email == NULL || pw == NULL) {
		login_form(q, r, "Fill in every field.");
		return 0;
	}
	if (acct_email_norm(email, norm, &err) == -1)
		snprintf(norm, sizeof(norm), "%.200s", email);
	snprintf(ipkey, sizeof(ipkey), "ip %s", q->ip);
	snprintf(acctkey, sizeof(acctkey), "account %.200s\n%s", org, norm);
	wait = throttle_wait(thr, ipkey, THROTTLE_FREE_IP, q->now);
	w2 = throttle_wait(thr, acctkey, THROTTLE_FREE_ACCOUNT, q->now);
	if (w2 > wait)
		wait = w2;
	if (wait > 0) {
		snprintf(msg, sizeof(msg), "Too many failed attempts: try "
		    "again in %" PRId64 " seconds.", wait);
		r->status = 429;
		login_form(q, r, msg);
		return 0;
	}
	memset(&u, 0, sizeof(u));
	if (org[0] != '\0' && strlen(org) <= STORE_NAME_MAX &&
	    strchr(org, '\n') == NULL)
		rc = web_tenant_get(q->srv, q->th, 0, org, &t, &err);
	if (rc == 0)
		rc = acct_user_find(&t->ar, email, &u, &err);
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		store_user_clear(&u);
		return web_error(q, r, 500, "Something went wrong; try "
		    "again.");
	}
	/* One argon2 run whatever happened above. */
	if (pw_verify(rc == 0 ? u.pwhash : "", pw) == 0 && !u.disabled) {
		throttle_clear(thr, acctkey);
		start_session(q, r, t, &u, "login");
		store_user_clear(&u);
		return 0;
	}
	throttle_fail(thr, ipkey, q->now);
	throttle_fail(thr, acctkey, q->now);
	if (t != NULL) {
		if (rc == 0)
			snprintf(obj, sizeof(obj), "user %" PRId64, u.id);
		else
			snprintf(obj, sizeof(obj), "unknown account");
		if (audit_add(t->ar.st, t->tid, q->now, 0, "login-failed", obj,
		    q->ip, &err) == -1)
			fprintf(stderr, "replytime: serve: %s\n", err.msg);
	}
	store_user_clear(&u);
	login_form(q, r, "The organization, email or password is wrong.");
	return 0;
}

int
page_logout(struct web_req *q, struct web_resp *r)
{
	struct err	err;

	if (session_end(q->th->st, q->session, &err) == -1)
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
	web_audit(q, "logout", "session");
	web_set_cookie(q, r, WEB_SESSION_COOKIE, "", 1);
	return web_redirect(r, "/login");
}

int
page_logout_all(struct web_req *q, struct web_resp *r)
{
	struct err	err;

	if (store_session_del(q->t->ar.st, NULL, q->t->tid, q->user.id,
	    &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong; try "
		    "again.");
	}
	web_audit(q, "logout-all", "sessions");
	web_set_cookie(q, r, WEB_SESSION_COOKIE, "", 1);
	return web_redirect(r, "/login");
}

/* ---- One-time links: /setup, /invite, /reset ---- */

static enum store_once_kind
once_kind(const char *path)
{
	if (strcmp(path, "/setup") == 0)
		return STORE_ONCE_SETUP;
	if (strcmp(path, "/invite") == 0)
		return STORE_ONCE_INVITE;
	return STORE_ONCE_RESET;
}

/* Finds the link's tenant and user without using it up; 1 if it is not
 * a live link. */
static int
once_user(struct web_req *q, const char *tok, struct web_tenant **t_out,
    struct store_user *u, struct err *err)
{
	unsigned char	h[STORE_HASH_LEN];
	int64_t		tid, uid;
	int		rc;

	memset(u, 0, sizeof(*u));
	if (tok == NULL || !token_syntax_ok(tok))
		return 1;
	token_hash(tok, h);
	if ((rc = store_once_peek(q->th->st, h, once_kind(q->path), q->now,
	    &tid, &uid, err)) != 0)
		return rc;
	if ((rc = web_tenant_get(q->srv, q->th, tid, NULL, t_out, err)) != 0)
		return rc;
	if ((rc = store_user_get((*t_out)->ar.st, tid, uid, u, err)) != 0)
		return rc;
	return u->disabled ? 1 : 0;
}

static void
once_form(struct web_req *q, struct web_resp *r, struct web_tenant *t,
    const struct store_user *u, const char *tok, const char *msg)
{
	struct buf	b, email;
	struct err	err;

	buf_init(&b, 0);
	buf_init(&email, 0);
	if (msg != NULL)
		html_note(&b, msg, 1);
	buf_puts(&b, "<p>Choose the password of <strong>");
	if (acct_user_email(&t->ar, u, &email, &err) == 0)
		html_esc(&b, email.data);
	buf_puts(&b, "</strong> for <strong>");
	html_esc(&b, t->name);
	buf_addf(&b, "</strong>: at least %d characters, not a word or a "
	    "common password.</p>\n<form method=\"post\" action=\"", PW_MIN);
	html_esc(&b, q->path);
	buf_puts(&b, "\">\n");
	pre_field(q, r, &b);
	buf_puts(&b, "<input type=\"hidden\" name=\"t\" value=\"");
	html_esc(&b, tok);
	buf_puts(&b, "\">\n");
	field(&b, "New password", "password", "password", NULL,
	    "new-password");
	field(&b, "New password again", "confirm", "password", NULL,
	    "new-password");
	buf_puts(&b, "<p><button type=\"submit\">Set password</button></p>\n"
	    "</form>\n");
	html_page_public(r, q->path[1] == 's' ? "Set up" : q->path[1] == 'i' ?
	    "Accept invitation" : "Reset password", &b);
	buf_free(&email);
	buf_free(&b);
}

static int
bad_link(struct web_req *q, struct web_resp *r)
{
	struct buf	b;

	buf_init(&b, 0);
	html_note(&b, "This link is not valid: it was used already, it "
	    "expired (links last 24 hours) or it was mistyped.  Ask an "
	    "administrator for a new one.", 1);
	r->status = 404;
	html_page_public(r, "Link not valid", &b);
	buf_free(&b);
	return 0;
}

int
page_once(struct web_req *q, struct web_resp *r)
{
	struct web_tenant	*t;
	struct store_user	 u;
	const char		*tok = form_get(&q->query, "t");
	struct err		 err;
	int			 rc;

	rc = once_user(q, tok, &t, &u, &err);
	if (rc == 0)
		once_form(q, r, t, &u, tok, NULL);
	else if (rc == 1)
		bad_link(q, r);
	else {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, 500, "Something went wrong; try again.");
	}
	store_user_clear(&u);
	return 0;
}

int
page_once_post(struct web_req *q, struct web_resp *r)
{
	struct web_tenant	*t;
	struct store_user	 u;
	const char		*tok = form_get(&q->form, "t");
	const char		*pw = form_get(&q->form, "password");
	const char		*again = form_get(&q->form, "confirm");
	enum store_once_kind	 kind = once_kind(q->path);
	unsigned char		 h[STORE_HASH_LEN];
	int64_t			 tid, uid;
	struct buf		 email;
	struct err		 err;
	int			 rc;

	rc = once_user(q, tok, &t, &u, &err);
	if (rc != 0) {
		store_user_clear(&u);
		if (rc == 1)
			return bad_link(q, r);
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong; try "
		    "again.");
	}
	buf_init(&email, 0);
	if (pw == NULL || again == NULL || strcmp(pw, again) != 0)
		rc = err_set(&err, ERR_USAGE, "The two passwords differ.");
	else if ((rc = acct_user_email(&t->ar, &u, &email, &err)) == 0)
		rc = pw_check(pw, email.data, &err);
	buf_free(&email);
	if (rc == -1) {
		once_form(q, r, t, &u, tok, err.msg);
		store_user_clear(&u);
		return 0;
	}
	/* Now use the link up: if another request took it first, stop. */
	token_hash(tok, h);
	rc = store_once_take(q->th->st, h, kind, q->now, &tid, &uid, &err);
	if (rc == 0 && (tid != t->tid || uid != u.id))
		rc = 1;
	if (rc == 0)
		rc = acct_set_password(&t->ar, &u, pw, 0, 1, &err);
	if (rc == 1) {
		store_user_clear(&u);
		return bad_link(q, r);
	}
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		store_user_clear(&u);
		return web_error(q, r, 500, "Something went wrong; try "
		    "again.");
	}
	start_session(q, r, t, &u, kind == STORE_ONCE_SETUP ? "setup" :
	    kind == STORE_ONCE_INVITE ? "invite-accepted" : "password-reset");
	store_user_clear(&u);
	return 0;
}

/* ---- Forgotten passwords ---- */

static void
forgot_form(struct web_req *q, struct web_resp *r, const char *msg)
{
	struct buf	b;

	buf_init(&b, 0);
	if (msg != NULL)
		html_note(&b, msg, 0);
	buf_puts(&b, "<p>Give your organization and email: if they name an "
	    "account, a link to choose a new password is sent there.  "
	    "Without mail set up on this server, ask an administrator.</p>\n"
	    "<form method=\"post\" action=\"/forgot\">\n");
	pre_field(q, r, &b);
	field(&b, "Organization", "organization", "text", NULL,
	    "organization");
	field(&b, "Email", "email", "email", NULL, "username");
	buf_puts(&b, "<p><button type=\"submit\">Send link</button></p>\n"
	    "</form>\n");
	html_page_public(r, "Forgot password", &b);
	buf_free(&b);
}

int
page_forgot(struct web_req *q, struct web_resp *r)
{
	forgot_form(q, r, NULL);
	return 0;
}

int
page_forgot_post(struct web_req *q, struct web_resp *r)
{
	const char		*org = form_get(&q->form, "organization");
	const char		*email = form_get(&q->form, "email");
	struct web_tenant	*t;
	struct store_user	 u;
	char			 key[80], tok[TOKEN_TEXT], obj[40];
	struct buf		 body;
	struct err		 err;
	int			 rc = 1;

	/* Every answer is the same; mail goes out at most so often. */
	snprintf(key, sizeof(key), "forgot %s", q->ip);
	memset(&u, 0, sizeof(u));
	if (throttle_wait(q->srv->thr, key, THROTTLE_FREE_ACCOUNT, q->now) == 0
	    && org != NULL && email != NULL && smtp_enabled(q->cfg) &&
	    org[0] != '\0' && strlen(org) <= STORE_NAME_MAX) {
		throttle_fail(q->srv->thr, key, q->now);
		rc = web_tenant_get(q->srv, q->th, 0, org, &t, &err);
		if (rc == 0)
			rc = acct_user_find(&t->ar, email, &u, &err);
		if (rc == 0 && !u.disabled)
			rc = acct_once_new(t->ar.st, t->tid, u.id,
			    STORE_ONCE_RESET, q->now, tok, &err);
		if (rc == 0) {
			buf_init(&body, 0);
			buf_addf(&body, "Someone asked to reset the replytime "
			    "password of this address.\nTo choose a new "
			    "password, open this link within 24 hours:\n\n"
			    "%s/reset?t=%s\n\nIf it was not you, ignore "
			    "this message.\n", q->srv->base, tok);
			rc = smtp_send(q->cfg, email, "Your replytime password",
			    body.data, &err);
			buf_free(&body);
			snprintf(obj, sizeof(obj), "user %" PRId64, u.id);
			if (audit_add(t->ar.st, t->tid, q->now, 0,
			    "reset-requested", obj, q->ip, &err) == -1)
				rc = -1;
		}
		if (rc == -1)
			fprintf(stderr, "replytime: serve: %s\n", err.msg);
	}
	store_user_clear(&u);
	forgot_form(q, r, "If that account exists, a link is on its way.");
	return 0;
}
