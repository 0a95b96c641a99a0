/*
 * page_tokens.c: API tokens of the logged-in user (web.h).
 *
 * A token is 256 random bits shown once at creation; the store keeps its
 * hash.  It acts for its user with the user's role, limited by its scope
 * (read: GET only; write: every method), until revoked.  Owners and
 * admins see and may revoke every token of the organization.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "web.h"

struct list {
	struct web_req	*q;
	struct buf	*b;
};

static int
on_token(void *arg, const struct store_apitoken *t, struct err *err)
{
	struct list	*l = arg;
	struct buf	*b = l->b;
	int		 admin = (ROLES_ADMIN & ROLE_BIT(l->q->role)) != 0;

	if (t->uid != l->q->user.id && !admin)
		return 0;
	buf_puts(b, "<tr><td>");
	html_esc(b, t->name);
	buf_addf(b, "</td><td>user %" PRId64 "</td><td>%s</td><td>", t->uid,
	    t->write ? "read-write" : "read");
	html_time(b, t->created_at);
	buf_puts(b, "</td><td>");
	html_time(b, t->last_used_at);
	buf_puts(b, "</td><td>");
	if (t->revoked_at != STORE_NO_TIME)
		buf_puts(b, "revoked");
	else {
		buf_addf(b, "<form method=\"post\" action=\"/tokens/%" PRId64
		    "/revoke\" class=\"inline\">", t->id);
		html_csrf(l->q, b);
		buf_puts(b, "<button type=\"submit\">Revoke</button></form>");
	}
	buf_puts(b, "</td></tr>\n");
	return 0;
}

static int
tokens_page(struct web_req *q, struct web_resp *r, const char *msg,
    int error, const char *token)
{
	struct buf	b;
	struct list	l = { q, &b };
	struct err	err;

	buf_init(&b, 0);
	if (msg != NULL)
		html_note(&b, msg, error);
	if (token != NULL) {
		buf_puts(&b, "<p class=\"once\">The new token (shown only now; "
		    "send it as <code>Authorization: Bearer TOKEN</code>):<br>"
		    "<code>");
		html_esc(&b, token);
		buf_puts(&b, "</code></p>\n");
	}
	buf_puts(&b, "<table>\n<caption>API tokens</caption>\n<thead><tr>"
	    "<th scope=\"col\">Name</th><th scope=\"col\">User</th>"
	    "<th scope=\"col\">Scope</th><th scope=\"col\">Created</th>"
	    "<th scope=\"col\">Last used</th><th scope=\"col\">State</th>"
	    "</tr></thead>\n<tbody>\n");
	if (store_apitoken_list(q->t->ar.st, q->t->tid, on_token, &l,
	    &err) == -1) {
		buf_free(&b);
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	buf_puts(&b, "</tbody></table>\n<h2>New token</h2>\n"
	    "<form method=\"post\" action=\"/tokens\">");
	html_csrf(q, &b);
	buf_puts(&b, "<p><label for=\"name\">Name</label><br><input id=\"name\""
	    " name=\"name\" required maxlength=\"100\"></p>\n<p><label "
	    "for=\"scope\">Scope</label><br><select id=\"scope\" name=\"scope\">"
	    "<option value=\"read\">read</option><option value=\"write\">"
	    "read-write</option></select></p>\n<p><button type=\"submit\">"
	    "Create</button></p></form>\n<p>The API is described at "
	    "<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>\n");
	html_page(q, r, "API tokens", &b);
	buf_free(&b);
	return 0;
}

int
page_tokens(struct web_req *q, struct web_resp *r)
{
	return tokens_page(q, r, NULL, 0, NULL);
}

int
page_tokens_post(struct web_req *q, struct web_resp *r)
{
	const char		*name = form_get(&q->form, "name");
	const char		*scope = form_get(&q->form, "scope");
	struct store_apitoken	 t;
	unsigned char		 h[STORE_HASH_LEN];
	char			 tok[TOKEN_TEXT], obj[40];
	int64_t			 id;
	struct err		 err;

	if (name == NULL || name[0] == '\0' || strlen(name) > 100 ||
	    scope == NULL || (strcmp(scope, "read") != 0 &&
	    strcmp(scope, "write") != 0))
		return tokens_page(q, r, "Give a name (up to 100 characters) "
		    "and a scope.", 1, NULL);
	memset(&t, 0, sizeof(t));
	t.tid = q->t->tid;
	t.uid = q->user.id;
	t.name = name;
	t.write = strcmp(scope, "write") == 0;
	t.created_at = q->now;
	token_new(tok);
	token_hash(tok, h);
	if (store_apitoken_add(q->t->ar.st, h, &t, &id, &err) == -1)
		return tokens_page(q, r, err.code == ERR_USAGE ?
		    "That name cannot be used." : "Something went wrong.", 1,
		    NULL);
	snprintf(obj, sizeof(obj), "api token %" PRId64, id);
	web_audit(q, "token-create", obj);
	return tokens_page(q, r, "The token is created.", 0, tok);
}

int
page_tokens_revoke(struct web_req *q, struct web_resp *r)
{
	char		obj[40];
	struct err	err;
	int		rc;

	rc = store_apitoken_revoke(q->t->ar.st, q->t->tid, q->id,
	    (ROLES_ADMIN & ROLE_BIT(q->role)) ? 0 : q->user.id, q->now, &err);
	if (rc == 1)
		return web_error(q, r, 404, "There is no such token.");
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "Something went wrong.");
	}
	snprintf(obj, sizeof(obj), "api token %" PRId64, q->id);
	web_audit(q, "token-revoke", obj);
	return tokens_page(q, r, "The token is revoked.", 0, NULL);
}
