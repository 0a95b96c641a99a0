/*
 * cmd_export.c: replytime export: all of a tenant's data as CSV files
 * with a manifest, decrypted with the tenant's key (the customer's copy
 * of its data, on request).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "../base/civil.h"
#include "../base/json.h"
#include "../base/xmalloc.h"
#include "../store/archive.h"
#include "cmd.h"

struct out_file {
	const char	*name;
	FILE		*f;
	uint64_t	 rows;
	crypto_hash_sha256_state sha;
};

struct exp {
	struct archive		*a;
	struct out_file		 files[5];	/* messages, addresses, ... */
	struct buf		 row, plain, fields[16];
	struct err		*err;
};

enum { F_MESSAGES, F_ADDRESSES, F_MAILBOXES, F_LOG, F_SETTINGS };

static const char *const message_cols[] = {
	"seq", "source", "position", "date", "received", "from", "from_name",
	"sender", "to", "cc", "subject", "message_id", "in_reply_to",
	"references", "list_id", "thread_index",
};

static int
emit(struct exp *x, int which, const struct buf *b)
{
	struct out_file	*o = &x->files[which];

	crypto_hash_sha256_update(&o->sha, (const unsigned char *)b->data,
	    b->len);
	if (fwrite(b->data, 1, b->len, o->f) != b->len)
		return err_set_errno(x->err, ERR_IO, "export: %s", o->name);
	o->rows++;
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
on_field(void *arg, enum record_tag tag, struct str v)
{
	struct exp	*x = arg;
	struct buf	*f = &x->fields[tag];

	if (f->len > 0)
		buf_puts(f, tag == RT_IN_REPLY_TO || tag == RT_REFERENCES ?
		    " " : ", ");
	buf_addstr(f, v);
	return 0;
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
	buf_reset(&x->row);
	buf_addf(&x->row, "%" PRId64 ",%" PRId64 ",%" PRId64 ",", m->seq,
	    m->source_id, m->pos);
	time_cell(&x->row, m->date);
	buf_addc(&x->row, ',');
	time_cell(&x->row, m->received);
	for (int t = RT_FROM; t <= RT_THREAD_INDEX; t++) {
		buf_addc(&x->row, ',');
		csv_add_field(&x->row, buf_str(&x->fields[t]));
	}
	buf_addc(&x->row, '\n');
	return emit(x, F_MESSAGES, &x->row);
}

static int
on_addr(void *arg, const struct store_addr *sa, struct err *err)
{
	struct exp	*x = arg;
	int64_t		 row;

	memcpy(&row, sa->bi, sizeof(row));
	buf_reset(&x->plain);
	if (archive_open_sealed(x->a, "addresses", row, 0, sa->sealed,
	    sa->sealed_len, &x->plain, err) == -1)
		return -1;
	buf_reset(&x->row);
	csv_add_field(&x->row, buf_str(&x->plain));
	buf_addc(&x->row, '\n');
	return emit(x, F_ADDRESSES, &x->row);
}

static int
on_mailbox(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct exp	*x = arg;

	buf_reset(&x->plain);
	if (archive_open_sealed(x->a, "mailboxes", 0, 0, mb->sealed,
	    mb->sealed_len, &x->plain, err) == -1)
		return -1;
	buf_reset(&x->row);
	csv_add_field(&x->row, buf_str(&x->plain));
	buf_addf(&x->row, ",%s,", mb->kind);
	time_cell(&x->row, mb->created_at);
	buf_addc(&x->row, '\n');
	return emit(x, F_MAILBOXES, &x->row);
}

static int
on_log(void *arg, const struct store_log_entry *e, struct err *err)
{
	struct exp	*x = arg;

	buf_reset(&x->row);
	time_cell(&x->row, e->at);
	buf_addc(&x->row, ',');
	csv_add_field(&x->row, str_cstr(e->kind));
	buf_addc(&x->row, ',');
	csv_add_field(&x->row, str_cstr(e->detail));
	buf_addc(&x->row, '\n');
	return emit(x, F_LOG, &x->row);
}

static int
open_files(struct exp *x, const char *dir, struct err *err)
{
	static const char *const names[] = { "messages.csv", "addresses.csv",
	    "mailboxes.csv", "log.csv", "settings.ini" };
	static const char *const heads[] = { NULL, "address\n",
	    "address,kind,created\n", "at,kind,detail\n", "" };
	struct buf	 h;
	char		*p;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return err_set_errno(err, ERR_IO, "export: %s", dir);
	for (size_t i = 0; i < nitems(names); i++) {
		x->files[i].name = names[i];
		crypto_hash_sha256_init(&x->files[i].sha);
		p = xasprintf("%s/%s", dir, names[i]);
		x->files[i].f = fopen(p, "wx");
		free(p);
		if (x->files[i].f == NULL)
			return err_set_errno(err, ERR_IO, "export: %s/%s "
			    "(an export never overwrites)", dir, names[i]);
		buf_init(&h, 0);
		if (i == F_MESSAGES) {
			for (size_t c = 0; c < nitems(message_cols); c++) {
				buf_puts(&h, c ? "," : "");
				buf_puts(&h, message_cols[c]);
			}
			buf_addc(&h, '\n');
		} else
			buf_puts(&h, heads[i]);
		crypto_hash_sha256_update(&x->files[i].sha,
		    (const unsigned char *)h.data, h.len);
		if (h.len > 0)
			fwrite(h.data, 1, h.len, x->files[i].f);
		buf_free(&h);
	}
	return 0;
}

static int
write_manifest(struct exp *x, const char *dir, struct err *err)
{
	unsigned char	 sum[crypto_hash_sha256_BYTES];
	char		*p, hex[2 * sizeof(sum) + 1], iso[40];
	struct buf	 m;
	FILE		*f;
	int		 rc = 0;

	buf_init(&m, 0);
	civil_fmt_iso(time(NULL), iso, sizeof(iso));
	buf_puts(&m, "{\"tenant\":");
	json_add_str(&m, str_cstr(x->a->tenant));
	buf_addf(&m, ",\"exported_at\":\"%s\",\"format\":1,\"files\":[", iso);
	for (size_t i = 0; i < nitems(x->files); i++) {
		crypto_hash_sha256_final(&x->files[i].sha, sum);
		sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
		buf_addf(&m, "%s{\"name\":\"%s\",\"rows\":%" PRIu64
		    ",\"sha256\":\"%s\"}", i ? "," : "", x->files[i].name,
		    x->files[i].rows, hex);
	}
	buf_puts(&m, "]}\n");
	p = xasprintf("%s/manifest.json", dir);
	if ((f = fopen(p, "wx")) == NULL ||
	    fwrite(m.data, 1, m.len, f) != m.len)
		rc = err_set_errno(err, ERR_IO, "export: %s", p);
	if (f != NULL && fclose(f) != 0)
		rc = err_set_errno(err, ERR_IO, "export: %s", p);
	free(p);
	buf_free(&m);
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "key-file", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*db = NULL, *tenant = NULL, *dir = NULL, *key = NULL;
	struct archive	 a;
	struct exp	 x;
	struct buf	 ini;
	struct config	*cfg = NULL;
	struct err	 err;
	int		 c, rc = 0, r;

	while ((c = getopt_long(argc, argv, "d:t:o:k:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': tenant = optarg; break;
		case 'o': dir = optarg; break;
		case 'k': key = optarg; break;
		default: goto usage;
		}
	}
	if (db == NULL || tenant == NULL || dir == NULL || optind != argc)
		goto usage;
	if (archive_open(db, key, tenant, ARCHIVE_EXISTING, &a, &err) == -1)
		return cmd_error("export: %s", err.msg);
	memset(&x, 0, sizeof(x));
	x.a = &a;
	x.err = &err;
	buf_init(&x.row, 0);
	buf_init(&x.plain, 0);
	for (size_t i = 0; i < nitems(x.fields); i++)
		buf_init(&x.fields[i], 0);
	buf_init(&ini, 0);
	if (open_files(&x, dir, &err) == -1 ||
	    store_msg_scan(a.st, a.tid, on_msg, &x, &err) == -1 ||
	    store_addr_scan(a.st, a.tid, on_addr, &x, &err) == -1 ||
	    store_mailbox_list(a.st, a.tid, on_mailbox, &x, &err) == -1 ||
	    store_log_scan(a.st, a.tid, on_log, &x, &err) == -1 ||
	    (r = archive_settings_get(&a, &cfg, &ini, &err)) == -1)
		rc = cmd_error("export: %s", err.msg);
	if (rc == 0 && ini.len > 0 && emit(&x, F_SETTINGS, &ini) == -1)
		rc = cmd_error("%s", err.msg);
	for (size_t i = 0; i < nitems(x.files); i++)
		if (x.files[i].f != NULL && fclose(x.files[i].f) != 0 && rc == 0)
			rc = cmd_error("export: %s/%s: write failed", dir,
			    x.files[i].name);
	if (rc == 0 && write_manifest(&x, dir, &err) == -1)
		rc = cmd_error("%s", err.msg);
	if (rc == 0) {
		(void)store_log_add(a.st, a.tid, time(NULL), "export",
		    "all data exported as CSV", NULL);
		fprintf(stderr, "export: %" PRIu64 " messages, %" PRIu64
		    " addresses, %" PRIu64 " mailboxes written to %s\n",
		    x.files[F_MESSAGES].rows, x.files[F_ADDRESSES].rows,
		    x.files[F_MAILBOXES].rows, dir);
	}
	config_free(cfg);
	buf_free(&ini);
	buf_free(&x.row);
	buf_free(&x.plain);
	for (size_t i = 0; i < nitems(x.fields); i++)
		buf_free(&x.fields[i]);
	archive_close(&a);
	return rc;
usage:
	fprintf(stderr, "usage: replytime export --db PATH --tenant NAME "
	    "--out DIR [--key-file F]\n\nWrites all of the tenant's data, "
	    "decrypted, as CSV files with a manifest\n(manifest.json: rows "
	    "and SHA-256 of each file).  Never overwrites.\n");
	return 2;
}
