/*
 * views_route.c: the analytics routes (HTML and /api/v1), which hand
 * the request to the views through views_glue.h (web.h).
 *
 * The server's part: open the tenant's configuration (cached per thread
 * by settings generation), work out the user's scope, call the view, and
 * wrap an HTML fragment in the page.  Scope: owners, admins and managers
 * see everything; viewers see aggregates only; an agent sees what
 * concerns the configured agent whose address (or alias) is the user's
 * email, and that agent's teams.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../base/json.h"
#include "views_glue.h"
#include "web.h"

static const char *
param(const struct view_ctx *c, const char *name)
{
	return form_get((const struct web_form *)c->param_arg, name);
}

static void
scope(struct web_req *q, const struct config *cfg, struct view_scope *s)
{
	memset(s, 0, sizeof(*s));
	s->agent = VIEW_NO_AGENT;
	if (q->role != ROLE_AGENT) {
		s->all = 1;
		s->aggregates = q->role == ROLE_VIEWER;
		return;
	}
	if (cfg == NULL || q->email.data == NULL)
		return;
	if (config_agent_find(cfg, str_cstr(q->email.data), &s->agent) == 0) {
		s->teams = cfg->agents[s->agent].teams;
		s->nteams = cfg->agents[s->agent].nteams;
	} else
		s->agent = VIEW_NO_AGENT;
}

/* Sets up c; 0, or 1 if answered (an error). */
static int
ctx(struct web_req *q, struct web_resp *r, struct view_ctx *c)
{
	struct err	err;

	memset(c, 0, sizeof(*c));
	if (web_tenant_config(q->t, &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, 500, "The settings could not be read.");
		return 1;
	}
	c->ar = &q->t->ar;
	c->cfg = q->t->cfg;
	c->settings_gen = q->t->gen;
	c->now = q->now;
	c->param = param;
	c->param_arg = &q->query;
	scope(q, c->cfg, &c->scope);
	return 0;
}

typedef int	(*html_fn)(const struct view_ctx *, struct buf *, struct buf *,
		    struct err *);
typedef int	(*json_fn)(const struct view_ctx *, struct buf *,
		    struct err *);

static int
html(struct web_req *q, struct web_resp *r, html_fn fn, const char *title,
    int with_id)
{
	struct view_ctx	c;
	struct buf	main, t;
	struct err	err;
	int		rc;

	if (ctx(q, r, &c) != 0)
		return 0;
	buf_init(&main, 0);
	buf_init(&t, 0);
	rc = with_id ? views_html_conversation(&c, q->id, &main, &t, &err) :
	    fn(&c, &main, &t, &err);
	if (rc == 0)
		html_page(q, r, t.len > 0 ? t.data : title, &main);
	else if (rc == 1)
		web_error(q, r, 404, "There is no such page.");
	else {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, 500, "The report could not be made.");
	}
	buf_free(&main);
	buf_free(&t);
	return 0;
}

static int
json(struct web_req *q, struct web_resp *r, json_fn fn, int with_id)
{
	struct view_ctx	c;
	struct err	err;
	int		rc;

	if (ctx(q, r, &c) != 0)
		return 0;
	rc = with_id ? views_json_conversation(&c, q->id, &r->body, &err) :
	    fn(&c, &r->body, &err);
	if (rc == 0)
		r->type = "application/json";
	else if (rc == 1)
		web_error(q, r, 404, "not found");
	else {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, 500, "the report could not be made");
	}
	return 0;
}

int view_overview(struct web_req *q, struct web_resp *r)
{ return html(q, r, views_html_overview, "Overview", 0); }
int view_teams(struct web_req *q, struct web_resp *r)
{ return html(q, r, views_html_teams, "Teams and agents", 0); }
int view_domains(struct web_req *q, struct web_resp *r)
{ return html(q, r, views_html_domains, "Customer domains", 0); }
int view_queue(struct web_req *q, struct web_resp *r)
{ return html(q, r, views_html_queue, "Awaiting reply", 0); }
int view_conversations(struct web_req *q, struct web_resp *r)
{ return html(q, r, views_html_conversations, "Conversations", 0); }
int view_conversation(struct web_req *q, struct web_resp *r)
{ return html(q, r, NULL, "Conversation", 1); }
int api_overview(struct web_req *q, struct web_resp *r)
{ return json(q, r, views_json_overview, 0); }
int api_groups(struct web_req *q, struct web_resp *r)
{ return json(q, r, views_json_groups, 0); }
int api_domains(struct web_req *q, struct web_resp *r)
{ return json(q, r, views_json_domains, 0); }
int api_queue(struct web_req *q, struct web_resp *r)
{ return json(q, r, views_json_queue, 0); }
int api_conversations(struct web_req *q, struct web_resp *r)
{ return json(q, r, views_json_conversations, 0); }
int api_conversation(struct web_req *q, struct web_resp *r)
{ return json(q, r, NULL, 1); }

int
api_me(struct web_req *q, struct web_resp *r)
{
	r->type = "application/json";
	buf_addf(&r->body, "{\"user\":%" PRId64 ",\"email\":", q->user.id);
	json_add_str(&r->body, str_cstr(q->email.data));
	buf_puts(&r->body, ",\"role\":");
	json_add_str(&r->body, str_cstr(role_name(q->role)));
	buf_puts(&r->body, ",\"organization\":");
	json_add_str(&r->body, str_cstr(q->t->name));
	buf_addf(&r->body, ",\"scope\":\"%s\"}\n", q->api_write ? "write" :
	    "read");
	return 0;
}
