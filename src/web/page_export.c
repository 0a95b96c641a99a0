/*
 * page_export.c: data export for owners and admins: each table of
 * replytime export (export_csv.h: messages, addresses, mailboxes, the
 * processing log, the settings) as a download, byte for byte the file
 * replytime export writes.  Never secrets: see export_csv.h.  Every
 * export is in the audit log.
 *
 * A table is streamed (stream.c), read with an archive of its own: a
 * tenant's messages.csv is about 280 bytes a message, too much to hold
 * in memory for a large tenant.  EXPORTS_MAX run at once in the server.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "../export/export_csv.h"
#include "web.h"

#define EXPORTS_MAX	2

static atomic_int	running;

struct job {
	char			*db;		/* owned copies */
	char			*key_file;
	char			*tenant;
	enum export_table	 t;
};

static void
job_free(void *p)
{
	struct job	*j = p;

	free(j->db);
	free(j->key_file);
	free(j->tenant);
	free(j);
	atomic_fetch_sub(&running, 1);
}

/* export_line_fn: the line goes to the stream. */
static int
add_line(void *arg, enum export_table t, const char *line, size_t len,
    int header, struct err *err)
{
	(void)t;
	(void)header;
	return web_stream_write(arg, line, len, err);
}

/* web_stream_fn: the table, from an archive opened for this export. */
static int
produce(void *arg, struct web_stream *s, struct err *err)
{
	struct job	*j = arg;
	struct archive	 ar;
	int		 rc;

	if (archive_open(j->db, j->key_file, j->tenant, ARCHIVE_EXISTING,
	    &ar, err) == -1)
		return err_prefix(err, "export");
	rc = export_csv_table(&ar, j->t, add_line, s, err);
	archive_close(&ar);
	return rc == -1 ? err_prefix(err, "export") : 0;
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
	struct job	*j;
	const char	*name;
	struct err	 err;
	int		 t;

	name = form_get(&q->form, "table");
	if (name == NULL)
		name = export_table_file(EXPORT_MESSAGES);
	if ((t = export_table_find(name)) == -1)
		return web_error(q, r, 400, "There is no such table.");
	if (atomic_fetch_add(&running, 1) >= EXPORTS_MAX) {
		atomic_fetch_sub(&running, 1);
		return web_error(q, r, 503, "Other exports are running: try "
		    "again when one has finished.");
	}
	j = xcalloc(1, sizeof(*j));
	j->db = xstrdup(q->cfg->db);
	j->key_file = q->cfg->key_file != NULL ? xstrdup(q->cfg->key_file) :
	    NULL;
	j->tenant = xstrdup(q->t->name);
	j->t = (enum export_table)t;
	if (web_stream_start(r, produce, j, job_free, &err) == -1) {
		fprintf(stderr, "replytime: serve: export: %s\n", err.msg);
		return web_error(q, r, 500, "The export failed.");
	}
	web_audit(q, "export", name);
	r->type = t == EXPORT_SETTINGS ? "text/plain; charset=utf-8" :
	    "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof(r->disposition),
	    "attachment; filename=\"%s\"", name);
	return 0;
}
