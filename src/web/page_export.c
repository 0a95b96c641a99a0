/*
 * page_export.c: data export for owners and admins: the organization's
 * messages as one CSV download (the header fields replytime keeps, one
 * row per message), the same columns as messages.csv of replytime
 * export.  Every export is in the audit log.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/json.h"
#include "web.h"

#define EXPORT_MAX	((size_t)1 << 30)	/* bytes held in memory */

static const char *const cols[] = {
	"seq", "source", "position", "date", "received", "from", "from_name",
	"sender", "to", "cc", "subject", "message_id", "in_reply_to",
	"references", "list_id", "thread_index",
};

struct exp {
	struct archive	*a;
	struct buf	*out;
	struct buf	 plain;
	struct buf	 fields[RT_THREAD_INDEX + 1];
};

static int
on_field(void *arg, enum record_tag tag, struct str v)
{
	struct exp	*x = arg;
	struct buf	*f;

	if ((int)tag < 0 || tag > RT_THREAD_INDEX)
		return 0;
	f = &x->fields[tag];
	if (f->len > 0)
		buf_puts(f, tag == RT_IN_REPLY_TO || tag == RT_REFERENCES ?
		    " " : ", ");
	buf_addstr(f, v);
	return 0;
}

static void
time_cell(struct buf *b, int64_t t)
{
	char	iso[40];

	if (t == STORE_NO_TIME)
		return;
	civil_fmt_iso(t, iso, sizeof(iso));
	buf_puts(b, iso);
}

static int
on_msg(void *arg, const struct store_msg *m, struct err *err)
{
	struct exp	*x = arg;

	for (size_t i = 0; i < nitems(x->fields); i++)
		buf_reset(&x->fields[i]);
	buf_reset(&x->plain);
	if (archive_open_sealed(x->a, "messages", m->source_id, m->pos,
	    m->sealed, m->sealed_len, &x->plain, err) == -1 ||
	    record_plain_walk(x->plain.data, x->plain.len, on_field, x,
	    err) == -1)
		return err_prefix(err, "message %" PRId64 ": ", m->seq);
	buf_addf(x->out, "%" PRId64 ",%" PRId64 ",%" PRId64 ",", m->seq,
	    m->source_id, m->pos);
	time_cell(x->out, m->date);
	buf_addc(x->out, ',');
	time_cell(x->out, m->received);
	for (int t = RT_FROM; t <= RT_THREAD_INDEX; t++) {
		buf_addc(x->out, ',');
		csv_add_field(x->out, buf_str(&x->fields[t]));
	}
	buf_lit(x->out, "\r\n");
	return buf_check(x->out, err);
}

int
page_export(struct web_req *q, struct web_resp *r)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_puts(&b, "<p>Download every message replytime keeps for this "
	    "organization (header fields only, decrypted) as one CSV file.  "
	    "The download is recorded in the audit log.  For a complete "
	    "export with addresses, mailboxes and the processing log, an "
	    "operator runs <code>replytime export</code>.</p>\n"
	    "<form method=\"post\" action=\"/export\">");
	html_csrf(q, &b);
	buf_puts(&b, "<p><button type=\"submit\">Download messages.csv"
	    "</button></p></form>\n");
	html_page(q, r, "Export", &b);
	buf_free(&b);
	return 0;
}

int
page_export_post(struct web_req *q, struct web_resp *r)
{
	struct exp	x;
	struct err	err;
	int		rc;

	memset(&x, 0, sizeof(x));
	x.a = &q->t->ar;
	x.out = &r->body;
	buf_free(&r->body);
	buf_init(&r->body, EXPORT_MAX);
	buf_init(&x.plain, 0);
	for (size_t i = 0; i < nitems(x.fields); i++)
		buf_init(&x.fields[i], 0);
	for (size_t c = 0; c < nitems(cols); c++) {
		if (c > 0)
			buf_addc(x.out, ',');
		buf_puts(x.out, cols[c]);
	}
	buf_lit(x.out, "\r\n");
	rc = store_msg_scan(q->t->ar.st, q->t->tid, on_msg, &x, &err);
	buf_free(&x.plain);
	for (size_t i = 0; i < nitems(x.fields); i++)
		buf_free(&x.fields[i]);
	if (rc == -1) {
		fprintf(stderr, "replytime: serve: export: %s\n", err.msg);
		buf_free(&r->body);
		buf_init(&r->body, 0);
		return web_error(q, r, 500, "The export failed.");
	}
	web_audit(q, "export", "messages");
	r->type = "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof(r->disposition),
	    "attachment; filename=\"messages.csv\"");
	return 0;
}
