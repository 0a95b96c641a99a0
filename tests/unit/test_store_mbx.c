/*
 * test_store_mbx.c: the store calls of the dashboard's Mailboxes page:
 * a mailbox's message count, removing a mailbox with what was read from
 * it (and only that, and only the tenant's), and the data generation that
 * tells caches the tenant's messages changed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "t.h"

static char	tmpdir[] = "/tmp/rt-store-mbx-XXXXXX";

struct fx {
	struct store	*st;
	int64_t		 tid, other, mb[2], src[2];
};

static void
put(struct fx *f, int k, int64_t pos)
{
	struct store_msg	m;
	struct err		err;

	memset(&m, 0, sizeof(m));
	m.tid = f->tid;
	m.mailbox_id = f->mb[k];
	m.source_id = f->src[k];
	m.pos = pos;
	m.date = m.received = STORE_NO_TIME;
	m.keys = "k";
	m.keys_len = 1;
	m.sealed = "s";
	m.sealed_len = 1;
	if (store_msg_put(f->st, &m, NULL, &err) == -1)
		abort();
}

/* Two mailboxes of tenant a, one source each, 3 and 2 messages. */
static void
fresh(struct fx *f)
{
	struct err	 err;
	char		 path[256];
	unsigned char	 bi[STORE_BI_LEN] = { 1 };
	static int	 n;

	if (n == 0 && mkdtemp(tmpdir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/%d.db", tmpdir, n++);
	if (store_open(path, &f->st, &err) == -1 ||
	    store_tenant_create(f->st, "a", "k", 1, 1, &f->tid, &err) == -1 ||
	    store_tenant_create(f->st, "b", "k", 1, 1, &f->other, &err) == -1)
		abort();
	for (int k = 0; k < 2; k++) {
		bi[1] = (unsigned char)k;
		if (store_mailbox_put(f->st, f->tid, bi, "s", 1, "imap", 1,
		    &f->mb[k], &err) == -1 || store_source_put(f->st, f->tid,
		    bi, f->mb[k], 0, NULL, 0, 1, &f->src[k], &err) == -1)
			abort();
	}
	for (int64_t p = 1; p <= 3; p++)
		put(f, 0, p);
	for (int64_t p = 1; p <= 2; p++)
		put(f, 1, p);
}

static void
test_count(void)
{
	struct fx	f;
	struct err	err;
	int64_t		n;

	fresh(&f);
	t_eq_i64(store_mailbox_msg_count(f.st, f.tid, f.mb[0], &n, &err), 0,
	    "%s", err.msg);
	t_eq_i64(n, 3, "three in the first");
	t_eq_i64(store_mailbox_msg_count(f.st, f.tid, f.mb[1], &n, &err), 0,
	    "%s", err.msg);
	t_eq_i64(n, 2, "two in the second");
	t_eq_i64(store_mailbox_msg_count(f.st, f.other, f.mb[0], &n, &err), 0,
	    "%s", err.msg);
	t_eq_i64(n, 0, "another tenant counts none");
	t_eq_i64(store_mailbox_msg_count(f.st, 0, f.mb[0], &n, &err), -1,
	    "tenant 0 refused");
	store_close(f.st);
}

static void
test_remove(void)
{
	struct store_mailbox_status	ms;
	struct fx			f;
	struct err			err;
	int64_t				n;

	fresh(&f);
	t_eq_i64(store_mailbox_remove(f.st, f.other, f.mb[0], &err), 1,
	    "another tenant's mailbox is not found");
	t_eq_i64(store_msg_count(f.st, f.tid, &n, &err), 0, "count");
	t_eq_i64(n, 5, "and nothing was deleted");
	t_eq_i64(store_mailbox_remove(f.st, f.tid, f.mb[0], &err), 0, "%s",
	    err.msg);
	t_eq_i64(store_msg_count(f.st, f.tid, &n, &err), 0, "count");
	t_eq_i64(n, 2, "its three messages are gone, the others stay");
	t_eq_i64(store_mailbox_get_status(f.st, f.tid, f.mb[0], &ms, &err), 1,
	    "the mailbox is gone");
	t_eq_i64(store_mailbox_get_status(f.st, f.tid, f.mb[1], &ms, &err), 0,
	    "the other is there");
	t_eq_i64(store_mailbox_remove(f.st, f.tid, f.mb[0], &err), 1,
	    "a second removal finds nothing");
	/* Inside a caller's transaction, undone with it. */
	t_eq_i64(store_begin(f.st, &err), 0, "begin");
	t_eq_i64(store_mailbox_remove(f.st, f.tid, f.mb[1], &err), 0, "%s",
	    err.msg);
	t_eq_i64(store_rollback(f.st, &err), 0, "rollback");
	t_eq_i64(store_mailbox_msg_count(f.st, f.tid, f.mb[1], &n, &err), 0,
	    "%s", err.msg);
	t_eq_i64(n, 2, "rolled back with the transaction");
	store_close(f.st);
}

static void
test_remove_gen(void)
{
	struct fx	f;
	struct err	err;
	int64_t		g0, g1, o0, o1;

	fresh(&f);
	put(&f, 0, 4);
	t_eq_i64(store_data_gen(f.st, f.tid, &g0, &err), 0, "%s", err.msg);
	t_eq_i64(store_data_gen(f.st, f.other, &o0, &err), 0, "%s", err.msg);
	t_eq_i64(store_mailbox_remove(f.st, f.tid, f.mb[0], &err), 0, "%s",
	    err.msg);
	t_eq_i64(store_data_gen(f.st, f.tid, &g1, &err), 0, "%s", err.msg);
	t_ok(g1 > g0, "a removal bumps the data generation");
	t_eq_i64(store_data_gen(f.st, f.other, &o1, &err), 0, "%s", err.msg);
	t_eq_i64(o1, o0, "another tenant's stays");
	/* No such mailbox: nothing removed, nothing bumped. */
	t_eq_i64(store_mailbox_remove(f.st, f.tid, f.mb[0], &err), 1, "gone");
	t_eq_i64(store_data_gen(f.st, f.tid, &g0, &err), 0, "%s", err.msg);
	t_eq_i64(g0, g1, "an empty removal does not");
	store_close(f.st);
}

static void
test_cleanup(void)
{
	char	cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	t_eq_i64(system(cmd), 0, "cleanup");
}

static const struct t_case cases[] = {
	{ "count", test_count },
	{ "remove", test_remove },
	{ "remove_gen", test_remove_gen },
	{ "cleanup", test_cleanup },
};

T_MAIN(cases)
