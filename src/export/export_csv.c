/*
 * export_csv.c: a tenant's tables as CSV lines (export_csv.h): the one
 * walk over messages, addresses, mailboxes and the log that both
 * replytime export and the dashboard's download use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/json.h"
#include "../base/strtab.h"
#include "../base/xmalloc.h"
#include "../imap/imap_sync.h"
#include "export_csv.h"

static const char *const files[EXPORT_NTABLES] = {
	"messages.csv", "addresses.csv", "mailboxes.csv", "log.csv",
	"settings.ini",
};

static const char *const heads[EXPORT_NTABLES] = {
	"seq,source,position,date,received,from,from_name,sender,to,cc,"
	    "subject,message_id,in_reply_to,references,list_id,"
	    "thread_index\n",
	"address\n",
	"address,kind,created,state,last_sync,server\n",
	"at,kind,detail\n",
	NULL,
};

/* The tenant's addresses by blind index, opened, for the messages of
 * record version 3, which name theirs by key (record.h). */
struct addr_map {
	struct strtab		 keys;		/* id by blind index */
	struct buf		 text;		/* the addresses, end to end */
	size_t			*off;		/* by id, into text */
	size_t			*len;
	size_t			 cap;
};

struct exp {
	struct archive		*a;
	enum export_table	 t;
	export_line_fn		 fn;
	void			*arg;
	struct buf		 row, plain;
	struct buf		 fields[RT_THREAD_INDEX + 1];
	struct addr_map		 am;
	struct record_scratch	 sc;
};

/* A mailbox row, copied out of the scan (see export_mailboxes). */
struct mb_copy {
	int64_t		 id;
	char		 kind[STORE_KIND_MAX + 1];
	void		*sealed;	/* owned */
	size_t		 sealed_len;
	int64_t		 created_at;
};

struct mb_list {
	struct mb_copy	*v;
	size_t		 n;
};

const char *
export_table_file(enum export_table t)
{
	return (int)t >= 0 && t < EXPORT_NTABLES ? files[t] : NULL;
}

int
export_table_find(const char *name)
{
	for (int i = 0; i < EXPORT_NTABLES; i++)
		if (strcmp(name, files[i]) == 0)
			return i;
	return -1;
}

/* Hands x->row, a complete line, to the callback. */
static int
emit(struct exp *x, struct err *err)
{
	if (buf_check(&x->row, err) == -1)
		return err_prefix(err, "export: %s: ", files[x->t]);
	return x->fn(x->arg, x->t, x->row.data, x->row.len, 0, err);
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

static int
load_addr(void *arg, const struct store_addr *sa, struct err *err)
{
	struct exp	*x = arg;
	struct addr_map	*am = &x->am;
	int64_t		 row;
	uint32_t	 id;
	int		 added;

	memcpy(&row, sa->bi, sizeof(row));
	id = strtab_put(&am->keys, str_make((const char *)sa->bi,
	    STORE_BI_LEN), &added);
	if (!added)
		return 0;
	if (id >= am->cap) {
		am->cap = am->cap ? am->cap * 2 : 1024;
		am->off = xreallocarray(am->off, am->cap, sizeof(*am->off));
		am->len = xreallocarray(am->len, am->cap, sizeof(*am->len));
	}
	am->off[id] = am->text.len;
	if (archive_open_sealed(x->a, "addresses", row, 0, sa->sealed,
	    sa->sealed_len, &am->text, err) == -1)
		return -1;
	am->len[id] = am->text.len - am->off[id];
	return buf_check(&am->text, err);
}

static int
addr_of(void *arg, struct str key, struct str *addr_out, struct err *err)
{
	struct addr_map	*am = arg;
	uint32_t	 id = strtab_get(&am->keys, key);

	if (id == STRTAB_NONE)
		return err_set(err, ERR_PARSE, "an address the message's keys "
		    "name is not stored");
	*addr_out = str_make(am->text.data + am->off[id], am->len[id]);
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
	    record_fields_walk(m->keys, m->keys_len, x->plain.data,
	    x->plain.len, &x->sc, addr_of, &x->am, on_field, x, err) == -1)
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
	return emit(x, err);
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
	return emit(x, err);
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
	return emit(x, err);
}

static int
on_mailbox(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct mb_list	*l = arg;
	struct mb_copy	*c;

	(void)err;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	c = &l->v[l->n++];
	c->id = mb->id;
	snprintf(c->kind, sizeof(c->kind), "%s", mb->kind);
	c->sealed = xmalloc(mb->sealed_len ? mb->sealed_len : 1);
	memcpy(c->sealed, mb->sealed, mb->sealed_len);
	c->sealed_len = mb->sealed_len;
	c->created_at = mb->created_at;
	return 0;
}

/*
 * One mailbox: its address, kind and times, its sync state and, for IMAP,
 * the server's host and port.  The sealed sync settings are opened only
 * for those two: the user name and the secret never reach a line.
 */
static int
mailbox_row(struct exp *x, const struct mb_copy *c, struct err *err)
{
	struct store_mailbox_status	ms;
	struct imap_account		acc;
	int				rc;

	buf_reset(&x->plain);
	if (archive_open_sealed(x->a, "mailboxes", 0, 0, c->sealed,
	    c->sealed_len, &x->plain, err) == -1 ||
	    store_mailbox_get_status(x->a->st, x->a->tid, c->id, &ms,
	    err) == -1)
		return -1;
	buf_reset(&x->row);
	csv_add_field(&x->row, buf_str(&x->plain));
	buf_addc(&x->row, ',');
	csv_add_field(&x->row, str_cstr(c->kind));
	buf_addc(&x->row, ',');
	time_cell(&x->row, c->created_at);
	buf_addc(&x->row, ',');
	csv_add_field(&x->row, str_cstr(ms.state));
	buf_addc(&x->row, ',');
	time_cell(&x->row, ms.last_sync);
	buf_addc(&x->row, ',');
	if (strcmp(c->kind, "imap") == 0) {
		if ((rc = imap_mailbox_account(x->a, c->id, &acc, err)) == -1)
			return -1;
		if (rc == 0) {
			csv_add_field(&x->row, str_cstr(acc.host));
			buf_addf(&x->row, ":%d", acc.port);
		}
		imap_account_clear(&acc);
	}
	buf_addc(&x->row, '\n');
	return emit(x, err);
}

/* Mailboxes are copied out of the scan first: the status and the
 * account are read with the store, which a scan callback may not call. */
static int
export_mailboxes(struct exp *x, struct err *err)
{
	struct mb_list	l = { NULL, 0 };
	int		rc;
	size_t		i;

	rc = store_mailbox_list(x->a->st, x->a->tid, on_mailbox, &l, err);
	for (i = 0; rc == 0 && i < l.n; i++)
		rc = mailbox_row(x, &l.v[i], err);
	for (i = 0; i < l.n; i++)
		free(l.v[i].sealed);
	free(l.v);
	return rc;
}

static int
export_settings(struct exp *x, struct err *err)
{
	struct config	*cfg = NULL;
	int		 rc;

	buf_reset(&x->row);
	rc = archive_settings_get(x->a, &cfg, &x->row, err);
	config_free(cfg);
	if (rc == -1)
		return -1;
	return rc == 0 && x->row.len > 0 ? emit(x, err) : 0;
}

static int
one_table(struct exp *x, enum export_table t, struct err *err)
{
	struct archive	*a = x->a;

	x->t = t;
	if (heads[t] != NULL && x->fn(x->arg, t, heads[t], strlen(heads[t]),
	    1, err) == -1)
		return -1;
	switch (t) {
	case EXPORT_MESSAGES:
		/* Before the scan: its callback may not use the store. */
		if (store_addr_scan(a->st, a->tid, load_addr, x, err) == -1)
			return -1;
		return store_msg_scan(a->st, a->tid, on_msg, x, err);
	case EXPORT_ADDRESSES:
		return store_addr_scan(a->st, a->tid, on_addr, x, err);
	case EXPORT_MAILBOXES:
		return export_mailboxes(x, err);
	case EXPORT_LOG:
		return store_log_scan(a->st, a->tid, on_log, x, err);
	case EXPORT_SETTINGS:
		return export_settings(x, err);
	default:
		return err_set(err, ERR_USAGE, "export: no such table");
	}
}

static int
run(struct archive *a, int which, export_line_fn fn, void *arg,
    struct err *err)
{
	struct exp	x;
	int		rc = 0;

	memset(&x, 0, sizeof(x));
	x.a = a;
	x.fn = fn;
	x.arg = arg;
	buf_init(&x.row, 0);
	buf_init(&x.plain, 0);
	strtab_init(&x.am.keys);
	buf_init(&x.am.text, 0);
	for (size_t i = 0; i < nitems(x.fields); i++)
		buf_init(&x.fields[i], 0);
	for (int t = 0; rc == 0 && t < EXPORT_NTABLES; t++)
		if (which == -1 || which == t)
			rc = one_table(&x, (enum export_table)t, err);
	buf_free(&x.row);
	buf_free(&x.plain);
	strtab_fini(&x.am.keys);
	buf_free(&x.am.text);
	free(x.am.off);
	free(x.am.len);
	record_scratch_free(&x.sc);
	for (size_t i = 0; i < nitems(x.fields); i++)
		buf_free(&x.fields[i]);
	return rc;
}

int
export_csv_table(struct archive *a, enum export_table t, export_line_fn fn,
    void *arg, struct err *err)
{
	if ((int)t < 0 || t >= EXPORT_NTABLES)
		return err_set(err, ERR_USAGE, "export: no such table");
	return run(a, (int)t, fn, arg, err);
}

int
export_csv_all(struct archive *a, export_line_fn fn, void *arg,
    struct err *err)
{
	return run(a, -1, fn, arg, err);
}
