/*
 * page_users.c: users and roles, for owners and admins (web.h).
 *
 * New users join by invitation: the admin gives an email and a role, the
 * server makes the user without a password and a one-time link (24 h)
 * to choose one, sends it by mail, or without mail shows it once to the
 * admin (never logged).  Rules beyond the matrix: only an owner may
 * make, change, disable or set the password of an owner or admin; no
 * one changes their own role or disables themselves; the last owner
 * stays an owner.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "web.h"

struct list {
	struct web_req	*q;
	struct buf	*b;
	struct buf	 email;
	int64_t		 owners;
};

static void
role_select(struct buf *b, const char *current, int owner)
{
	buf_puts(b, "<select name=\"role\" aria-label=\"Role\">");
	for (int i = 0; i < ROLE_N; i++) {
		const char *n = role_name((enum role)i);

		if (!owner && (i == ROLE_OWNER || i == ROLE_ADMIN) &&
		    strcmp(n, current) != 0)
			continue;
		buf_addf(b, "<option%s>%s</option>", strcmp(n, current) == 0 ?
		    " selected" : "", n);
	}
	buf_puts(b, "</select>");
}

static void
action(struct list *l, int64_t id, const char *what, const char *label,
    const char *extra)
{
	char	path[64];

	snprintf(path, sizeof(path), "/users/%" PRId64 "/%s", id, what);
	html_button_form(l->q, l->b, path, label, extra);
}

static int
on_user(void *arg, const struct store_user *u, struct err *err)
{
	struct list	*l = arg;
	struct buf	*b = l->b;
	int		 owner = l->q->role == ROLE_OWNER;

	if (acct_user_email(&l->q->t->ar, u, &l->email, err) == -1)
		return -1;
	buf_puts(b, "<tr><td>");
	html_esc(b, l->email.data);
	buf_puts(b, "</td><td>");
	html_esc(b, u->role);
	buf_puts(b, "</td><td>");
	buf_puts(b, u->disabled ? "disabled" : u->pwhash[0] == '\0' ?
	    "invited" : u->must_change ? "must change password" : "active");
	buf_puts(b, "</td><td>");
	if (u->id != l->q->user.id && (owner || (strcmp(u->role, "owner") !=
	    0 && strcmp(u->role, "admin") != 0))) {
		buf_addf(b, "<form method=\"post\" action=\"/users/%" PRId64
		    "/role\" class=\"inline\">", u->id);
		html_csrf(l->q, b);
		role_select(b, u->role, owner);
		buf_puts(b, "<button type=\"submit\">Change role</button>"
		    "</form> ");
		action(l, u->id, u->disabled ? "enable" : "disable",
		    u->disabled ? "Enable" : "Disable", NULL);
		action(l, u->id, "reset", "New password link", NULL);
		action(l, u->id, "password", "Set password",
		    "<input type=\"password\" name=\"password\" "
		    "aria-label=\"New password\" autocomplete=\"new-password\" "
		    "required> ");
	}
	buf_puts(b, "</td></tr>\n");
	return 0;
}

static int
count_owners(void *arg, const struct store_user *u, struct err *err)
{
	int64_t	*n = arg;

	if (strcmp(u->role, "owner") == 0 && !u->disabled)
		(*n)++;
	return 0;
}

static int
users_page(struct web_req *q, struct web_resp *r, const char *msg,
    int error, const char *link)
{
	struct buf	b;
	struct list	l;
	struct err	err;
	int		rc;

	buf_init(&b, 0);
	if (msg != NULL)
		html_note(&b, msg, error);
	if (link != NULL) {
		buf_puts(&b, "<p class=\"once\">Give this link to the user "
		    "yourself (it is shown only now, works once and for 24 "
		    "hours):<br><code>");
		html_esc(&b, link);
		buf_puts(&b, "</code></p>\n");
	}
	memset(&l, 0, sizeof(l));
	l.q = q;
	l.b = &b;
	buf_init(&l.email, 0);
	buf_puts(&b, "<table>\n<caption>Users of this organization</caption>\n"
	    "<thead><tr><th scope=\"col\">Email</th><th scope=\"col\">Role"
	    "</th><th scope=\"col\">State</th><th scope=\"col\">Actions</th>"
	    "</tr></thead>\n<tbody>\n");
	rc = store_user_list(q->t->ar.st, q->t->tid, on_user, &l, &err);
	buf_free(&l.email);
	if (rc == -1) {
		buf_free(&b);
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	buf_puts(&b, "</tbody></table>\n<h2>Invite a user</h2>\n"
	    "<form method=\"post\" action=\"/users/invite\">");
	html_csrf(q, &b);
	buf_puts(&b, "<p><label for=\"email\">Email</label><br><input "
	    "id=\"email\" name=\"email\" type=\"email\" required></p>\n<p>"
	    "<label for=\"role\">Role</label><br>");
	role_select(&b, "viewer", q->role == ROLE_OWNER);
	buf_puts(&b, "</p>\n<p><button type=\"submit\">Invite</button></p>"
	    "</form>\n<p>Roles: owner (everything, and deleting the account),"
	    " admin (users, settings, audit log, export), manager (every "
	    "report), agent (own figures and queue, team aggregates), viewer "
	    "(aggregate reports).  See the permission matrix in the security "
	    "documentation.</p>\n");
	html_page(q, r, "Users", &b);
	buf_free(&b);
	return 0;
}

int
page_users(struct web_req *q, struct web_resp *r)
{
	return users_page(q, r, NULL, 0, NULL);
}

/* Sends a one-time link of kind to the user, or returns it in link_out
 * (TOKEN_TEXT + base) to show once when there is no mail. */
static int
send_link(struct web_req *q, const struct store_user *u,
    enum store_once_kind kind, char *link, size_t size, struct err *err)
{
	char		tok[TOKEN_TEXT];
	struct buf	email, body;
	const char	*path = kind == STORE_ONCE_INVITE ? "invite" : "reset";
	int		rc;

	link[0] = '\0';
	if (acct_once_new(q->t->ar.st, q->t->tid, u->id, kind, q->now, tok,
	    err) == -1)
		return -1;
	if (!smtp_enabled(q->cfg)) {
		snprintf(link, size, "%s/%s?t=%s", q->srv->base, path, tok);
		return 0;
	}
	buf_init(&email, 0);
	buf_init(&body, 0);
	rc = acct_user_email(&q->t->ar, u, &email, err);
	buf_addf(&body, "%s\n\nOpen this link within 24 hours to choose your "
	    "password:\n\n%s/%s?t=%s\n", kind == STORE_ONCE_INVITE ?
	    "You are invited to the replytime dashboard of your organization." :
	    "An administrator sent you a link to choose a new replytime "
	    "password.", q->srv->base, path, tok);
	if (rc == 0)
		rc = smtp_send(q->cfg, email.data, kind == STORE_ONCE_INVITE ?
		    "Your replytime invitation" : "Your replytime password",
		    body.data, err);
	buf_free(&email);
	buf_free(&body);
	return rc;
}

int
page_users_invite(struct web_req *q, struct web_resp *r)
{
	const char		*email = form_get(&q->form, "email");
	const char		*role = form_get(&q->form, "role");
	struct store_user	 u;
	enum role		 ro;
	int64_t			 uid;
	char			 link[512], obj[40];
	struct err		 err;
	int			 rc;

	if (email == NULL || role == NULL || role_parse(role, &ro) == -1)
		return users_page(q, r, "Give an email and a role.", 1, NULL);
	if ((ro == ROLE_OWNER || ro == ROLE_ADMIN) && q->role != ROLE_OWNER)
		return users_page(q, r, "Only an owner can invite owners and "
		    "admins.", 1, NULL);
	if (acct_user_add(&q->t->ar, email, ro, q->now, &uid, &err) == -1)
		return users_page(q, r, err.code == ERR_USAGE ? err.msg :
		    "The user could not be added.", 1, NULL);
	snprintf(obj, sizeof(obj), "user %" PRId64, uid);
	web_audit(q, "user-invite", obj);
	rc = store_user_get(q->t->ar.st, q->t->tid, uid, &u, &err);
	if (rc == 0)
		rc = send_link(q, &u, STORE_ONCE_INVITE, link, sizeof(link),
		    &err);
	store_user_clear(&u);
	if (rc != 0) {
		fprintf(stderr, "replytime: serve: invite: %s\n", err.msg);
		return users_page(q, r, "The user is added but the invitation "
		    "could not be sent: send a new link.", 1, NULL);
	}
	return users_page(q, r, link[0] != '\0' ? "The user is added." :
	    "The user is added and the invitation is sent.", 0,
	    link[0] != '\0' ? link : NULL);
}

/* Loads the target user (404 if not of this tenant) and checks the
 * rules above; 0 to go on, 1 answered. */
static int
target(struct web_req *q, struct web_resp *r, struct store_user *u)
{
	struct err	err;
	int		rc;

	if ((rc = store_user_get(q->t->ar.st, q->t->tid, q->id, u,
	    &err)) != 0) {
		if (rc == -1)
			fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, rc == 1 ? 404 : 500, rc == 1 ?
		    "There is no such user." : "Something went wrong.");
		return 1;
	}
	if (u->id == q->user.id) {
		users_page(q, r, "Use the Password page for your own "
		    "account; your role is changed by another owner.", 1,
		    NULL);
		return 1;
	}
	if (q->role != ROLE_OWNER && (strcmp(u->role, "owner") == 0 ||
	    strcmp(u->role, "admin") == 0)) {
		web_error(q, r, 403, "Only an owner can change owners and "
		    "admins.");
		return 1;
	}
	return 0;
}

/* Writes u, audits op and answers with the list. */
static int
save(struct web_req *q, struct web_resp *r, struct store_user *u,
    const char *op, const char *msg, int end_sessions)
{
	char		obj[40];
	struct err	err;

	if (store_user_set(q->t->ar.st, u, &err) != 0 || (end_sessions &&
	    store_session_del(q->t->ar.st, NULL, u->tid, u->id, &err) == -1)) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	snprintf(obj, sizeof(obj), "user %" PRId64, u->id);
	web_audit(q, op, obj);
	return users_page(q, r, msg, 0, NULL);
}

int
page_users_role(struct web_req *q, struct web_resp *r)
{
	struct store_user	 u;
	const char		*role = form_get(&q->form, "role");
	enum role		 ro;
	int64_t			 owners = 0;
	struct err		 err;
	int			 rc;

	if (target(q, r, &u) != 0) {
		store_user_clear(&u);
		return 0;
	}
	if (role == NULL || role_parse(role, &ro) == -1)
		rc = users_page(q, r, "Choose a role.", 1, NULL);
	else if ((ro == ROLE_OWNER || ro == ROLE_ADMIN) &&
	    q->role != ROLE_OWNER)
		rc = web_error(q, r, 403, "Only an owner can make owners and "
		    "admins.");
	else if (strcmp(u.role, "owner") == 0 && ro != ROLE_OWNER &&
	    (store_user_list(q->t->ar.st, q->t->tid, count_owners, &owners,
	    &err) == -1 || owners <= 1))
		rc = users_page(q, r, "The last owner stays an owner.", 1,
		    NULL);
	else {
		snprintf(u.role, sizeof(u.role), "%s", role_name(ro));
		/* The role's rights change now: end its sessions. */
		rc = save(q, r, &u, "user-role", "The role is changed.", 1);
	}
	store_user_clear(&u);
	return rc;
}

static int
set_disabled(struct web_req *q, struct web_resp *r, int disabled)
{
	struct store_user	u;
	int			rc;

	if (target(q, r, &u) != 0) {
		store_user_clear(&u);
		return 0;
	}
	u.disabled = disabled;
	rc = save(q, r, &u, disabled ? "user-disable" : "user-enable",
	    disabled ? "The user is disabled and logged out." :
	    "The user is enabled.", disabled);
	store_user_clear(&u);
	return rc;
}

int
page_users_disable(struct web_req *q, struct web_resp *r)
{
	return set_disabled(q, r, 1);
}

int
page_users_enable(struct web_req *q, struct web_resp *r)
{
	return set_disabled(q, r, 0);
}

int
page_users_password(struct web_req *q, struct web_resp *r)
{
	struct store_user	 u;
	const char		*pw = form_get(&q->form, "password");
	char			 obj[40];
	struct err		 err;
	int			 rc;

	if (target(q, r, &u) != 0) {
		store_user_clear(&u);
		return 0;
	}
	/* Set by an admin: the user must choose another at first login. */
	if (pw == NULL)
		rc = users_page(q, r, "Give a password.", 1, NULL);
	else if (acct_set_password(&q->t->ar, &u, pw, 1, 1, &err) == -1)
		rc = users_page(q, r, err.code == ERR_USAGE ? err.msg :
		    "Something went wrong.", 1, NULL);
	else {
		snprintf(obj, sizeof(obj), "user %" PRId64, u.id);
		web_audit(q, "user-password-set", obj);
		rc = users_page(q, r, "The password is set; the user must "
		    "change it at the next login.", 0, NULL);
	}
	store_user_clear(&u);
	return rc;
}

int
page_users_reset(struct web_req *q, struct web_resp *r)
{
	struct store_user	u;
	char			link[512], obj[40];
	struct err		err;
	int			rc;

	if (target(q, r, &u) != 0) {
		store_user_clear(&u);
		return 0;
	}
	rc = send_link(q, &u, u.pwhash[0] == '\0' ? STORE_ONCE_INVITE :
	    STORE_ONCE_RESET, link, sizeof(link), &err);
	snprintf(obj, sizeof(obj), "user %" PRId64, u.id);
	store_user_clear(&u);
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return users_page(q, r, "The link could not be sent.", 1,
		    NULL);
	}
	web_audit(q, "user-reset-link", obj);
	return users_page(q, r, link[0] != '\0' ? "A new link is made." :
	    "A new link is sent.", 0, link[0] != '\0' ? link : NULL);
}
