/*
 * routes.c: the router table, which is also the permission matrix, and
 * the dispatcher that enforces it (web.h).
 *
 * Every URL the server answers is one row below: method, pattern, how it
 * is authenticated, and the roles that may use it.  Nothing else grants
 * access: the dispatcher checks the row before calling the handler, the
 * navigation is drawn from it, docs/security.md is generated from it
 * (replytime serve --permissions), and tests/cli/web.sh walks it for
 * every role.  A role outside the row gets 403.
 *
 * The analytics routes (/, /overview, /teams, ... and their /api/v1
 * twins) call the views through views_glue.h.
 *
 * Tenants: the tenant of a request is the one of its session or API
 * token, never a parameter.  Handlers look every id up with that tenant,
 * so another tenant's id answers 404.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define VIEW_AGG	(ROLES_ADMIN | ROLE_BIT(ROLE_MANAGER) | \
	ROLE_BIT(ROLE_VIEWER))

const struct route web_routes[] = {
	/* Public: logging in and one-time links. */
	{ "GET", "/login", AUTH_PUBLIC, 0, 0, "Log in", page_login },
	{ "POST", "/login", AUTH_PUBLIC, 0, 0, "Log in", page_login_post },
	{ "GET", "/setup", AUTH_PUBLIC, 0, 0, "Set up", page_once },
	{ "POST", "/setup", AUTH_PUBLIC, 0, 0, "Set up", page_once_post },
	{ "GET", "/invite", AUTH_PUBLIC, 0, 0, "Invitation", page_once },
	{ "POST", "/invite", AUTH_PUBLIC, 0, 0, "Invitation",
	  page_once_post },
	{ "GET", "/reset", AUTH_PUBLIC, 0, 0, "Reset password", page_once },
	{ "POST", "/reset", AUTH_PUBLIC, 0, 0, "Reset password",
	  page_once_post },
	{ "GET", "/forgot", AUTH_PUBLIC, 0, 0, "Forgot password",
	  page_forgot },
	{ "POST", "/forgot", AUTH_PUBLIC, 0, 0, "Forgot password",
	  page_forgot_post },
	{ "GET", "/static/style.css", AUTH_PUBLIC, 0, 0, "Style sheet",
	  page_style },
	{ "GET", "/api/v1/openapi.json", AUTH_PUBLIC, 0, 0, "OpenAPI",
	  api_openapi },

	/* Analytics (views_glue.h). */
	{ "GET", "/", AUTH_SESSION, ROLES_ALL, 0, "Overview",
	  view_overview },
	{ "GET", "/overview", AUTH_SESSION, ROLES_ALL, 1, "Overview",
	  view_overview },
	{ "GET", "/teams", AUTH_SESSION, ROLES_ALL, 2, "Teams and agents",
	  view_teams },
	{ "GET", "/groups", AUTH_SESSION, ROLES_ALL, 0, "Teams and agents",
	  view_teams },
	{ "GET", "/domains", AUTH_SESSION, VIEW_AGG, 3, "Customer domains",
	  view_domains },
	{ "GET", "/queue", AUTH_SESSION, ROLES_REPORTS, 4, "Awaiting reply",
	  view_queue },
	{ "GET", "/conversations", AUTH_SESSION, ROLES_REPORTS, 5,
	  "Conversations", view_conversations },
	{ "GET", "/conversations/:id", AUTH_SESSION, ROLES_REPORTS, 0,
	  "Conversation", view_conversation },
	{ "GET", "/conversation", AUTH_SESSION, ROLES_REPORTS, 0,
	  "Conversation", view_conversation },

	/* The user's own account. */
	{ "GET", "/password", AUTH_SESSION, ROLES_ALL, 0, "Password",
	  page_password },
	{ "POST", "/password", AUTH_SESSION, ROLES_ALL, 0, "Password",
	  page_password_post },
	{ "POST", "/logout", AUTH_SESSION, ROLES_ALL, 0, "Log out",
	  page_logout },
	{ "POST", "/logout-all", AUTH_SESSION, ROLES_ALL, 0,
	  "Log out everywhere", page_logout_all },
	{ "GET", "/tokens", AUTH_SESSION, ROLES_ALL, 0, "API tokens",
	  page_tokens },
	{ "POST", "/tokens", AUTH_SESSION, ROLES_ALL, 0, "API tokens",
	  page_tokens_post },
	{ "POST", "/tokens/:id/revoke", AUTH_SESSION, ROLES_ALL, 0,
	  "Revoke API token", page_tokens_revoke },

	/* Administration. */
	{ "GET", "/users", AUTH_SESSION, ROLES_ADMIN, 6, "Users",
	  page_users },
	{ "POST", "/users/invite", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Invite user", page_users_invite },
	{ "POST", "/users/:id/role", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Change role", page_users_role },
	{ "POST", "/users/:id/disable", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Disable user", page_users_disable },
	{ "POST", "/users/:id/enable", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Enable user", page_users_enable },
	{ "POST", "/users/:id/password", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Set password", page_users_password },
	{ "POST", "/users/:id/reset", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Send reset link", page_users_reset },
	{ "GET", "/settings", AUTH_SESSION, ROLES_ADMIN, 7, "Settings",
	  page_settings },
	{ "POST", "/settings", AUTH_SESSION, ROLES_ADMIN, 0, "Settings",
	  page_settings_post },
	{ "GET", "/mailboxes", AUTH_SESSION, ROLES_ADMIN, 8, "Mailboxes",
	  page_mailboxes },
	{ "POST", "/mailboxes", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Add mailbox", page_mailboxes_add },
	{ "POST", "/mailboxes/test", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Test new mailbox", page_mailboxes_try },
	{ "POST", "/mailboxes/:id/test", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Test mailbox", page_mailboxes_test },
	{ "POST", "/mailboxes/:id/sync", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Sync mailbox now", page_mailboxes_sync },
	{ "POST", "/mailboxes/:id/remove", AUTH_SESSION, ROLES_ADMIN, 0,
	  "Remove mailbox", page_mailboxes_remove },
	{ "GET", "/audit", AUTH_SESSION, ROLES_ADMIN, 9, "Audit log",
	  page_audit },
	{ "GET", "/export", AUTH_SESSION, ROLES_ADMIN, 10, "Export",
	  page_export },
	{ "POST", "/export", AUTH_SESSION, ROLES_ADMIN, 0, "Export",
	  page_export_post },
	{ "GET", "/account/delete", AUTH_SESSION, ROLES_OWNER, 11,
	  "Delete account", page_delete },
	{ "POST", "/account/delete", AUTH_SESSION, ROLES_OWNER, 0,
	  "Delete account", page_delete_post },

	/* The JSON API (bearer tokens). */
	{ "GET", "/api/v1/me", AUTH_API, ROLES_ALL, 0, "API: me", api_me },
	{ "GET", "/api/v1/overview", AUTH_API, ROLES_ALL, 0,
	  "API: overview", api_overview },
	{ "GET", "/api/v1/groups", AUTH_API, ROLES_ALL, 0, "API: groups",
	  api_groups },
	{ "GET", "/api/v1/domains", AUTH_API, VIEW_AGG, 0, "API: domains",
	  api_domains },
	{ "GET", "/api/v1/queue", AUTH_API, ROLES_REPORTS, 0, "API: queue",
	  api_queue },
	{ "GET", "/api/v1/conversations", AUTH_API, ROLES_REPORTS, 0,
	  "API: conversations", api_conversations },
	{ "GET", "/api/v1/conversations/:id", AUTH_API, ROLES_REPORTS, 0,
	  "API: conversation", api_conversation },
	{ "GET", "/api/v1/conversation", AUTH_API, ROLES_REPORTS, 0,
	  "API: conversation", api_conversation },
};
const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);

/* Matches path against pattern; *id_out gets the :id (1..10^15). */
static int
match(const char *pattern, const char *path, int64_t *id_out)
{
	const char	*p = pattern, *s = path;

	*id_out = 0;
	while (*p != '\0') {
		if (strncmp(p, ":id", 3) == 0) {
			int64_t	v = 0;
			int	n = 0;

			while (*s >= '0' && *s <= '9' && n < 16) {
				v = v * 10 + (*s++ - '0');
				n++;
			}
			if (n == 0 || n >= 16 || v == 0 ||
			    (*s >= '0' && *s <= '9'))
				return 0;
			*id_out = v;
			p += 3;
			continue;
		}
		if (*p++ != *s++)
			return 0;
	}
	return *s == '\0';
}

int
web_allowed(const char *method, const char *pattern, enum role role)
{
	for (size_t i = 0; i < web_nroutes; i++)
		if (strcmp(web_routes[i].method, method) == 0 &&
		    strcmp(web_routes[i].pattern, pattern) == 0)
			return web_routes[i].auth == AUTH_PUBLIC ||
			    (web_routes[i].roles & ROLE_BIT(role)) != 0;
	return 0;
}

void
web_matrix_markdown(struct buf *b)
{
	buf_puts(b, "| Method | Route | Auth |");
	for (int r = 0; r < ROLE_N; r++)
		buf_addf(b, " %s |", role_name((enum role)r));
	buf_puts(b, "\n|---|---|---|");
	for (int r = 0; r < ROLE_N; r++)
		buf_puts(b, "---|");
	buf_puts(b, "\n");
	for (size_t i = 0; i < web_nroutes; i++) {
		const struct route *rt = &web_routes[i];

		buf_addf(b, "| %s | `%s` | %s |", rt->method, rt->pattern,
		    rt->auth == AUTH_PUBLIC ? "none" : rt->auth ==
		    AUTH_SESSION ? "session" : "token");
		for (int r = 0; r < ROLE_N; r++)
			buf_puts(b, rt->auth == AUTH_PUBLIC ? " - |" :
			    (rt->roles & ROLE_BIT(r)) ? " yes |" : " no |");
		buf_puts(b, "\n");
	}
}

/* Fills q's user, role and email for user uid of tenant t; 1 if the
 * user is gone or disabled. */
static int
load_user(struct web_req *q, struct web_tenant *t, int64_t uid,
    struct err *err)
{
	int	r;

	q->t = t;
	if ((r = store_user_get(t->ar.st, t->tid, uid, &q->user, err)) != 0)
		return r;
	if (q->user.disabled || role_parse(q->user.role, &q->role) == -1)
		return 1;
	return acct_user_email(&t->ar, &q->user, &q->email, err);
}

/* 0: authenticated; 1: answered (redirect or error). */
static int
auth_session(struct web_req *q, struct web_resp *r)
{
	struct store_session	 s;
	struct web_tenant	*t;
	struct err		 err;
	int			 rc;

	rc = q->session[0] == '\0' ? 1 : session_check(q->th->st, q->session,
	    q->now, &s, &err);
	if (rc == 0)
		rc = web_tenant_get(q->srv, q->th, s.tid, NULL, &t, &err);
	if (rc == 0)
		rc = load_user(q, t, s.uid, &err);
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		q->t = NULL;
		web_error(q, r, 500, "Something went wrong; try again.");
		return 1;
	}
	if (rc == 1) {
		if (q->session[0] != '\0') {
			(void)session_end(q->th->st, q->session, &err);
			web_set_cookie(q, r, WEB_SESSION_COOKIE, "", 1);
		}
		q->t = NULL;
		web_redirect(r, "/login");
		return 1;
	}
	token_csrf(q->session, q->csrf);
	return 0;
}

static int
auth_api(struct web_req *q, struct web_resp *r)
{
	struct store_apitoken	 tok;
	struct web_tenant	*t;
	unsigned char		 h[STORE_HASH_LEN];
	struct err		 err;
	const char		*a = q->authorization;
	int			 rc = 1;

	q->api = 1;
	memset(&tok, 0, sizeof(tok));
	if (a != NULL && strncmp(a, "Bearer ", 7) == 0 &&
	    token_syntax_ok(a + 7)) {
		token_hash(a + 7, h);
		rc = store_apitoken_get(q->th->st, h, &tok, &err);
		if (rc == 0 && tok.revoked_at != STORE_NO_TIME)
			rc = 1;
	}
	if (rc == 0)
		rc = web_tenant_get(q->srv, q->th, tok.tid, NULL, &t, &err);
	if (rc == 0)
		rc = load_user(q, t, tok.uid, &err);
	if (rc == 0 && (tok.last_used_at == STORE_NO_TIME ||
	    q->now - tok.last_used_at >= 60))
		rc = store_apitoken_touch(q->th->st, tok.id, q->now, &err);
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, 500, "internal error");
		return 1;
	}
	if (rc == 1) {
		q->t = NULL;
		web_error(q, r, 401, "a valid API token is required "
		    "(Authorization: Bearer)");
		return 1;
	}
	q->api_write = tok.write;
	return 0;
}

/* The pre-login forms carry the value of the rt_pre cookie. */
static int
pre_csrf_ok(const struct web_req *q)
{
	const char	*v = form_get(&q->form, "csrf");

	return v != NULL && token_syntax_ok(q->pre) && token_equal(v, q->pre);
}

static int
csrf_ok(const struct web_req *q)
{
	const char	*v = form_get(&q->form, "csrf");

	return v != NULL && q->csrf[0] != '\0' && token_equal(v, q->csrf);
}

void
web_dispatch(struct web_req *q, struct web_resp *r)
{
	const struct route	*rt = NULL;
	const char		*m = strcmp(q->method, "HEAD") == 0 ? "GET" :
				    q->method;
	int			 path_known = 0;
	int64_t			 id;

	for (size_t i = 0; i < web_nroutes; i++) {
		if (!match(web_routes[i].pattern, q->path, &id))
			continue;
		path_known = 1;
		if (strcmp(web_routes[i].method, m) == 0) {
			rt = &web_routes[i];
			q->id = id;
			break;
		}
	}
	if (rt == NULL) {
		web_error(q, r, path_known ? 405 : 404, path_known ?
		    "That method is not allowed here." :
		    "There is no such page.");
		return;
	}
	switch (rt->auth) {
	case AUTH_PUBLIC:
		if (q->post && !pre_csrf_ok(q)) {
			web_error(q, r, 403, "The form has expired: load the "
			    "page again and resend it.");
			return;
		}
		break;
	case AUTH_SESSION:
		if (auth_session(q, r) != 0)
			return;
		if (q->user.must_change && rt->fn != page_password &&
		    rt->fn != page_password_post && rt->fn != page_logout) {
			web_redirect(r, "/password");
			return;
		}
		if ((rt->roles & ROLE_BIT(q->role)) == 0) {
			web_error(q, r, 403, "Your role does not allow this "
			    "page.");
			return;
		}
		if (q->post && !csrf_ok(q)) {
			web_error(q, r, 403, "The form has expired: load the "
			    "page again and resend it.");
			return;
		}
		break;
	case AUTH_API:
		if (auth_api(q, r) != 0)
			return;
		if ((rt->roles & ROLE_BIT(q->role)) == 0) {
			web_error(q, r, 403, "the role of this token's user "
			    "does not allow this");
			return;
		}
		if (strcmp(m, "GET") != 0 && !q->api_write) {
			web_error(q, r, 403, "this token is read-only");
			return;
		}
		break;
	}
	rt->fn(q, r);
}
