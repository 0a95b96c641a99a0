/*
 * test_imap_store.c: the store functions of schema version 3 that the
 * IMAP sync uses: mailbox states and deleting messages by position.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "t.h"

static char	tmpdir[] = "/tmp/rt-imap-store-XXXXXX";

static struct store *
fresh(int64_t *tid, int64_t *mb, int64_t *src, int64_t *other_tid)
{
	struct store	*st;
	struct err	 err;
	char		 path[256];
	unsigned char	 bi[STORE_BI_LEN] = { 1 };
	static int	 n;

	if (n == 0 && mkdtemp(tmpdir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/%d.db", tmpdir, n++);
	if (store_open(path, &st, &err) == -1 ||
	    store_tenant_create(st, "a", "k", 1, 1, tid, &err) == -1 ||
	    store_tenant_create(st, "b", "k", 1, 1, other_tid, &err) == -1 ||
	    store_mailbox_put(st, *tid, bi, "s", 1, "imap", 1, mb, &err) == -1 ||
	    store_source_put(st, *tid, bi, *mb, 0, NULL, 0, 1, src, &err) == -1)
		abort();
	return st;
}

static void
test_status(void)
{
	struct store_mailbox_status	ms;
	struct store			*st;
	struct err			err;
	int64_t				tid, mb, src, b;

	st = fresh(&tid, &mb, &src, &b);
	t_eq_i64(store_mailbox_get_status(st, tid, mb, &ms, &err), 0, "get");
	t_ok(strcmp(ms.state, "new") == 0, "new at first: %s", ms.state);
	t_eq_i64(ms.last_sync, STORE_NO_TIME, "never synced");
	t_eq_i64(store_mailbox_set_status(st, tid, mb, "ok", NULL, 1234,
	    &err), 0, "%s", err.msg);
	t_eq_i64(store_mailbox_set_status(st, tid, mb, "error",
	    "network: timed out", STORE_NO_TIME, &err), 0, "%s", err.msg);
	t_eq_i64(store_mailbox_get_status(st, tid, mb, &ms, &err), 0, "get");
	t_ok(strcmp(ms.state, "error") == 0, "error");
	t_ok(strcmp(ms.error, "network: timed out") == 0, "reason kept");
	t_eq_i64(ms.last_sync, 1234, "last sync kept through an error");
	t_eq_i64(store_mailbox_set_status(st, tid, mb, "ok", "", 99, &err), 0,
	    "%s", err.msg);
	t_eq_i64(store_mailbox_get_status(st, tid, mb, &ms, &err), 0, "get");
	t_ok(ms.error[0] == '\0', "reason cleared");
	t_eq_i64(store_mailbox_set_status(st, tid, mb, "bogus", NULL, 1,
	    &err), -1, "unknown state refused");
	t_eq_i64(store_mailbox_set_status(st, b, mb, "ok", NULL, 1, &err), -1,
	    "another tenant's mailbox refused");
	t_eq_i64(store_mailbox_get_status(st, b, mb, &ms, &err), 1,
	    "another tenant's mailbox is not found");
	store_close(st);
}

static void
test_delete_range(void)
{
	struct store		*st;
	struct store_msg	 m;
	struct err		 err;
	int64_t			 tid, mb, src, b, n = 0, cnt;
	int			 ins;

	st = fresh(&tid, &mb, &src, &b);
	memset(&m, 0, sizeof(m));
	m.tid = tid;
	m.mailbox_id = mb;
	m.source_id = src;
	m.date = m.received = STORE_NO_TIME;
	m.keys = "k";
	m.keys_len = 1;
	m.sealed = "s";
	m.sealed_len = 1;
	for (m.pos = 1; m.pos <= 10; m.pos++)
		t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "%s", err.msg);
	t_eq_i64(store_msg_delete_range(st, tid, src, 3, 5, &n, &err), 0,
	    "%s", err.msg);
	t_eq_i64(n, 3, "three deleted");
	t_eq_i64(store_msg_delete_range(st, b, src, 0, INT64_MAX, &n, &err),
	    0, "%s", err.msg);
	t_eq_i64(n, 0, "another tenant deletes nothing");
	t_eq_i64(store_msg_count(st, tid, &cnt, &err), 0, "count");
	t_eq_i64(cnt, 7, "seven left");
	t_eq_i64(store_msg_delete_range(st, tid, src, 5, 4, &n, &err), -1,
	    "empty range refused");
	t_eq_i64(store_msg_delete_range(st, tid, src, 0, INT64_MAX, &n, &err),
	    0, "%s", err.msg);
	t_eq_i64(n, 7, "all the rest");
	m.pos = 4;
	t_eq_i64(store_msg_put(st, &m, &ins, &err), 0, "%s", err.msg);
	t_eq_i64(ins, 1, "a deleted position can be stored again");
	store_close(st);
}

static void
test_cleanup(void)
{
	char	cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	t_eq_i64(system(cmd), 0, "cleanup");
}

static const struct t_case cases[] = {
	{ "status", test_status },
	{ "delete_range", test_delete_range },
	{ "cleanup", test_cleanup },
};

T_MAIN(cases)
