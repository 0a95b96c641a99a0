/*
 * store_sqlite_gen.c: the generation of each tenant's messages, in the
 * SQLite driver (schema version 6; see store_data_gen() in store.h).
 *
 * One row per tenant in data_gen, made by the first bump; a tenant
 * without a row is at generation 0.  The front bumps it once per
 * transaction that inserted or deleted messages, just before the commit,
 * so the count moves in the same transaction as the messages.
 */
#include "store_sqlite.h"

int
sq_data_gen(struct store_drv *d, int64_t tid, int bump, int64_t *gen_out,
    struct err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	*gen_out = 0;
	if (bump) {
		if ((s = sq_prep(d, SQ_DATA_GEN_BUMP, "INSERT INTO data_gen"
		    " (tenant_id, gen) VALUES (?1, 1) ON CONFLICT (tenant_id)"
		    " DO UPDATE SET gen = gen + 1", err)) == NULL)
			return -1;
		sq_bind_i64(s, 1, tid);
		return sq_done(d, s, "data generation: write", err);
	}
	if ((s = sq_prep(d, SQ_DATA_GEN_GET, "SELECT gen FROM data_gen"
	    " WHERE tenant_id = ?1", err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*gen_out = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		return sq_fail_reset(d, s, "data generation: read", err);
	sqlite3_reset(s);
	return 0;
}
