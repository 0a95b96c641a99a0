/*
 * store_mailbox_ext.c: the front of the mailbox calls the dashboard
 * needs (store.h, "Mailboxes managed from the dashboard"): the checks,
 * then the driver.
 */
#include <inttypes.h>

#include "store.h"

static int
front(struct store *st, int64_t tid, const struct store_mbx_ops **mbx,
    struct store_drv **drv, struct err *err)
{
	const struct store_ops	*ops;

	if (store_front(st, &ops, drv, err) == -1)
		return -1;
	if (tid <= 0)
		return err_set(err, ERR_USAGE, "store: %" PRId64 " is not a "
		    "tenant id", tid);
	if (ops->mbx == NULL)
		return err_set(err, ERR_UNSUPPORTED, "store: the %s driver "
		    "cannot manage mailboxes", ops->name);
	*mbx = ops->mbx;
	return 0;
}

int
store_mailbox_msg_count(struct store *st, int64_t tid, int64_t id,
    int64_t *n_out, struct err *err)
{
	const struct store_mbx_ops	*mbx = NULL;
	struct store_drv		*drv;

	*n_out = 0;
	if (front(st, tid, &mbx, &drv, err) == -1)
		return -1;
	return mbx->msg_count(drv, tid, id, n_out, err);
}

int
store_mailbox_remove(struct store *st, int64_t tid, int64_t id,
    struct err *err)
{
	const struct store_mbx_ops	*mbx = NULL;
	struct store_drv		*drv;

	if (front(st, tid, &mbx, &drv, err) == -1)
		return -1;
	if (id <= 0)
		return 1;
	return mbx->remove(drv, tid, id, err);
}
