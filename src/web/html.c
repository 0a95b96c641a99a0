/*
 * html.c: escaping and the page layout of the dashboard (web.h).
 *
 * Pages are plain server-rendered HTML5 with one style sheet
 * (/static/style.css) and no script at all, so the Content Security
 * Policy can forbid inline script and style outright.  The navigation is
 * drawn from the route table: a user sees only the pages the permission
 * matrix lets the role open.  Every text from outside (names, emails,
 * messages) goes through html_esc().
 */
#include <string.h>

#include "../base/civil.h"
#include "web.h"

void
html_esc_n(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_lit(b, "&amp;"); break;
		case '<': buf_lit(b, "&lt;"); break;
		case '>': buf_lit(b, "&gt;"); break;
		case '"': buf_lit(b, "&quot;"); break;
		case '\'': buf_lit(b, "&#39;"); break;
		default: buf_addc(b, s[i]); break;
		}
	}
}

void
html_esc(struct buf *b, const char *s)
{
	if (s != NULL)
		html_esc_n(b, s, strlen(s));
}

void
html_csrf(struct web_req *q, struct buf *b)
{
	buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_esc(b, q->csrf);
	buf_puts(b, "\">");
}

void
html_button_form(struct web_req *q, struct buf *b, const char *path,
    const char *label, const char *extra)
{
	buf_puts(b, "<form method=\"post\" action=\"");
	html_esc(b, path);
	buf_puts(b, "\" class=\"inline\">");
	html_csrf(q, b);
	if (extra != NULL)
		buf_puts(b, extra);
	buf_puts(b, "<button type=\"submit\">");
	html_esc(b, label);
	buf_puts(b, "</button></form> ");
}

void
html_note(struct buf *b, const char *msg, int error)
{
	buf_puts(b, error ? "<p class=\"error\" role=\"alert\">" :
	    "<p class=\"note\" role=\"status\">");
	html_esc(b, msg);
	buf_puts(b, "</p>\n");
}

void
html_time(struct buf *b, int64_t t)
{
	char	iso[40];

	if (t == STORE_NO_TIME) {
		buf_puts(b, "never");
		return;
	}
	civil_fmt_iso(t, iso, sizeof(iso));
	/* "2025-06-20T10:11:12Z" -> "2025-06-20 10:11 UTC" */
	if (strlen(iso) >= 16) {
		iso[10] = ' ';
		iso[16] = '\0';
		buf_puts(b, iso);
		buf_puts(b, " UTC");
	} else
		buf_puts(b, iso);
}

static void
head(struct buf *b, const char *title)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	html_esc(b, title);
	buf_puts(b, " - replytime</title>\n"
	    "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
	    /* No icon: else browsers ask for /favicon.ico (a 404). */
	    "<link rel=\"icon\" href=\"data:,\">\n"
	    "</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
}

/* A local date "YYYY-MM-DD" (digits and dashes only). */
static int
is_day(const char *s)
{
	if (s == NULL || strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The analytics pages that take a period. */
static int
takes_period(const struct route *rt)
{
	return rt->fn == view_overview || rt->fn == view_teams ||
	    rt->fn == view_domains || rt->fn == view_queue ||
	    rt->fn == view_conversations;
}

void
html_page(struct web_req *q, struct web_resp *r, const char *title,
    const struct buf *main)
{
	struct buf	*b = &r->body;
	const char	*from, *to;

	r->type = "text/html; charset=utf-8";
	buf_reset(b);
	head(b, title);
	buf_puts(b, "<header>\n<p class=\"brand\">replytime <span>");
	html_esc(b, q->t != NULL ? q->t->name : "");
	buf_puts(b, "</span></p>\n<nav aria-label=\"Main\"><ul>\n");
	/* The period chosen on one analytics page stays on the others. */
	from = form_get(&q->query, "from");
	to = form_get(&q->query, "to");
	if (!is_day(from) || !is_day(to))
		from = to = NULL;
	for (size_t i = 0; i < web_nroutes; i++) {
		const struct route *rt = &web_routes[i];

		if (rt->nav <= 0 || rt->auth != AUTH_SESSION ||
		    (rt->roles & ROLE_BIT(q->role)) == 0)
			continue;
		buf_puts(b, "<li><a href=\"");
		html_esc(b, rt->pattern);
		if (from != NULL && takes_period(rt))
			buf_addf(b, "?from=%s&amp;to=%s", from, to);
		buf_puts(b, "\"");
		if (strcmp(rt->pattern, q->path) == 0)
			buf_puts(b, " aria-current=\"page\"");
		buf_puts(b, ">");
		html_esc(b, rt->title);
		buf_puts(b, "</a></li>\n");
	}
	buf_puts(b, "</ul></nav>\n<div class=\"user\"><span>");
	html_esc(b, q->email.data != NULL ? q->email.data : "");
	buf_puts(b, " (");
	html_esc(b, role_name(q->role));
	buf_puts(b, ")</span> <a href=\"/password\">Password</a> "
	    "<a href=\"/tokens\">API tokens</a>\n"
	    "<form method=\"post\" action=\"/logout\" class=\"inline\">");
	html_csrf(q, b);
	buf_puts(b, "<button type=\"submit\">Log out</button></form>\n"
	    "</div>\n</header>\n<main id=\"main\">\n<h1>");
	html_esc(b, title);
	buf_puts(b, "</h1>\n");
	buf_add(b, main->data != NULL ? main->data : "", main->len);
	buf_puts(b, "</main>\n</body>\n</html>\n");
}

void
html_page_public(struct web_resp *r, const char *title,
    const struct buf *main)
{
	struct buf	*b = &r->body;

	r->type = "text/html; charset=utf-8";
	buf_reset(b);
	head(b, title);
	buf_puts(b, "<header><p class=\"brand\">replytime</p></header>\n"
	    "<main id=\"main\" class=\"narrow\">\n<h1>");
	html_esc(b, title);
	buf_puts(b, "</h1>\n");
	buf_add(b, main->data != NULL ? main->data : "", main->len);
	buf_puts(b, "</main>\n</body>\n</html>\n");
}
