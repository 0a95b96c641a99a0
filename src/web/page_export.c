/*
 * page_export.c: data export for owners and admins: each table of
 * replytime export (export_csv.h: messages, addresses, mailboxes, the
 * processing log, the settings) as a download, byte for byte the file
 * replytime export writes.  Never secrets: see export_csv.h.  Every
 * export is in the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "../store/export_csv.h"
#include "web.h"

#define EXPORT_MAX	((size_t)1 << 30)	/* bytes held in memory */

/* export_line_fn: appends the line to the response body. */
static int
add_line(void *arg, enum export_table t, const char *line, size_t len,
    int header, struct err *err)
{
	struct buf	*out = arg;

	(void)t;
	(void)header;
	buf_add(out, line, len);
	return buf_check(out, err);
}

int
page_export(struct web_req *q, struct web_resp *r)
{
	struct buf	b;
	const char	*f;

	buf_init(&b, 0);
	buf_puts(&b, "<p>Download the data replytime keeps for this "
	    "organization, decrypted: the header fields of every message, "
	    "the addresses, the mailboxes (never their passwords), the "
	    "processing log and the settings, each the same file as "
	    "<code>replytime export</code> writes.  Every download is "
	    "recorded in the audit log.</p>\n"
	    "<form method=\"post\" action=\"/export\">");
	html_csrf(q, &b);
	buf_puts(&b, "<p>");
	for (int t = 0; t < EXPORT_NTABLES; t++) {
		f = export_table_file((enum export_table)t);
		buf_addf(&b, "<button type=\"submit\" name=\"table\" "
		    "value=\"%s\">Download %s</button>\n", f, f);
	}
	buf_puts(&b, "</p></form>\n");
	html_page(q, r, "Export", &b);
	buf_free(&b);
	return 0;
}

int
page_export_post(struct web_req *q, struct web_resp *r)
{
	const char	*name;
	struct err	 err;
	int		 t;

	name = form_get(&q->form, "table");
	if (name == NULL)
		name = export_table_file(EXPORT_MESSAGES);
	if ((t = export_table_find(name)) == -1)
		return web_error(q, r, 400, "There is no such table.");
	buf_free(&r->body);
	buf_init(&r->body, EXPORT_MAX);
	if (export_csv_table(&q->t->ar, (enum export_table)t, add_line,
	    &r->body, &err) == -1) {
		fprintf(stderr, "replytime: serve: export: %s\n", err.msg);
		buf_free(&r->body);
		buf_init(&r->body, 0);
		return web_error(q, r, 500, "The export failed.");
	}
	web_audit(q, "export", name);
	r->type = t == EXPORT_SETTINGS ? "text/plain; charset=utf-8" :
	    "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof(r->disposition),
	    "attachment; filename=\"%s\"", name);
	return 0;
}
