/*
 * views_route.c: the analytics routes (HTML and /api/v1), which hand
 * the request to the views through views_glue.h (web.h).
 *
 * Each handler names its page; views_render() does the rest, and an HTML
 * fragment is wrapped in the page layout here.  The view library's links
 * (/groups, /conversation?id=N) are routes too, next to /teams and
 * /conversations/:id.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../base/json.h"
#include "views_glue.h"
#include "web.h"

/* Answers an error of views_render(): 400 with its message (which never
 * quotes the value), 404, or 500 with the message on stderr only. */
static void
fail(struct web_req *q, struct web_resp *r, unsigned status,
    const struct err *err)
{
	if (status == 400)
		web_error(q, r, 400, err->msg);
	else if (status == 404)
		web_error(q, r, 404, q->api ? "not found" :
		    "There is no such page.");
	else {
		fprintf(stderr, "replytime: serve: %s\n", err->msg);
		web_error(q, r, 500, q->api ? "the report could not be made" :
		    "The report could not be made.");
	}
}

static int
html(struct web_req *q, struct web_resp *r, const char *page,
    const char *title)
{
	struct buf	main;
	struct err	err;
	unsigned	st;

	buf_init(&main, 0);
	st = views_render(q, page, 0, q->id, &main, &err);
	if (st == 0)
		html_page(q, r, title, &main);
	else
		fail(q, r, st, &err);
	buf_free(&main);
	return 0;
}

static int
json(struct web_req *q, struct web_resp *r, const char *page)
{
	struct err	err;
	unsigned	st;

	st = views_render(q, page, 1, q->id, &r->body, &err);
	if (st == 0)
		r->type = "application/json";
	else {
		r->body.len = 0;
		fail(q, r, st, &err);
	}
	return 0;
}

int view_overview(struct web_req *q, struct web_resp *r)
{ return html(q, r, "overview", "Overview"); }
int view_teams(struct web_req *q, struct web_resp *r)
{ return html(q, r, "groups", "Teams and agents"); }
int view_domains(struct web_req *q, struct web_resp *r)
{ return html(q, r, "domains", "Customer domains"); }
int view_queue(struct web_req *q, struct web_resp *r)
{ return html(q, r, "queue", "Awaiting reply"); }
int view_conversations(struct web_req *q, struct web_resp *r)
{ return html(q, r, "conversations", "Conversations"); }
int view_conversation(struct web_req *q, struct web_resp *r)
{ return html(q, r, "conversation", "Conversation"); }
int api_overview(struct web_req *q, struct web_resp *r)
{ return json(q, r, "overview"); }
int api_groups(struct web_req *q, struct web_resp *r)
{ return json(q, r, "groups"); }
int api_domains(struct web_req *q, struct web_resp *r)
{ return json(q, r, "domains"); }
int api_queue(struct web_req *q, struct web_resp *r)
{ return json(q, r, "queue"); }
int api_conversations(struct web_req *q, struct web_resp *r)
{ return json(q, r, "conversations"); }
int api_conversation(struct web_req *q, struct web_resp *r)
{ return json(q, r, "conversation"); }

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
