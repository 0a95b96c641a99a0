/*
 * views_glue.c: placeholders for the analytics views (views_glue.h).
 *
 * TODO(lead): replace each body with the call into the views library
 * (src/view/) when it is merged.  Until then every page renders "not yet
 * available", conversations are never found (404), and the JSON
 * documents say the same with "available": false.
 */
#include "views_glue.h"

static int
html_todo(struct buf *out)
{
	buf_puts(out, "<p class=\"note\" role=\"status\">This report is not "
	    "yet available.</p>\n");
	return 0;
}

static int
json_todo(struct buf *out)
{
	buf_puts(out, "{\"available\":false}\n");
	return 0;
}

int
views_html_overview(const struct view_ctx *c, struct buf *out,
    struct buf *title, struct err *err)
{
	return html_todo(out);
}

int
views_html_teams(const struct view_ctx *c, struct buf *out,
    struct buf *title, struct err *err)
{
	return html_todo(out);
}

int
views_html_domains(const struct view_ctx *c, struct buf *out,
    struct buf *title, struct err *err)
{
	return html_todo(out);
}

int
views_html_queue(const struct view_ctx *c, struct buf *out,
    struct buf *title, struct err *err)
{
	return html_todo(out);
}

int
views_html_conversations(const struct view_ctx *c, struct buf *out,
    struct buf *title, struct err *err)
{
	return html_todo(out);
}

int
views_html_conversation(const struct view_ctx *c, int64_t id,
    struct buf *out, struct buf *title, struct err *err)
{
	return 1;
}

int
views_json_overview(const struct view_ctx *c, struct buf *out,
    struct err *err)
{
	return json_todo(out);
}

int
views_json_groups(const struct view_ctx *c, struct buf *out,
    struct err *err)
{
	return json_todo(out);
}

int
views_json_domains(const struct view_ctx *c, struct buf *out,
    struct err *err)
{
	return json_todo(out);
}

int
views_json_queue(const struct view_ctx *c, struct buf *out,
    struct err *err)
{
	return json_todo(out);
}

int
views_json_conversations(const struct view_ctx *c, struct buf *out,
    struct err *err)
{
	return json_todo(out);
}

int
views_json_conversation(const struct view_ctx *c, int64_t id,
    struct buf *out, struct err *err)
{
	return 1;
}
