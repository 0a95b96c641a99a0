/*
 * store_sqlite_gen.c: the per-tenant generation counters of the SQLite
 * driver: settings_gen (schema version 4, store_settings_gen) and
 * data_gen (version 6, store_data_gen), one row per tenant, made by the
 * first bump; a tenant without a row is at generation 0.  The front bumps
 * data_gen once per transaction that inserted or deleted messages, just
 * before the commit, so it moves in the same transaction as they do.
 */
#include <stdio.h>

#include "store_sqlite.h"

static const struct {
	enum sq_stmt	 get, bump;
	const char	*get_sql, *bump_sql, *what;
} gens[] = {
	[SQ_GEN_SETTINGS] = { SQ_GEN_GET, SQ_GEN_BUMP,
	    "SELECT gen FROM settings_gen WHERE tenant_id = ?1",
	    "INSERT INTO settings_gen (tenant_id, gen) VALUES (?1, 1)"
	    " ON CONFLICT (tenant_id) DO UPDATE SET gen = gen + 1",
	    "settings generation" },
	[SQ_GEN_DATA] = { SQ_DATA_GEN_GET, SQ_DATA_GEN_BUMP,
	    "SELECT gen FROM data_gen WHERE tenant_id = ?1",
	    "INSERT INTO data_gen (tenant_id, gen) VALUES (?1, 1)"
	    " ON CONFLICT (tenant_id) DO UPDATE SET gen = gen + 1",
	    "data generation" },
};

int
sq_gen(struct store_drv *d, enum sq_gen which, int64_t tid, int bump,
    int64_t *gen_out, struct err *err)
{
	sqlite3_stmt	*s;
	char		 what[64];
	int		 rc;

	*gen_out = 0;
	if (bump) {
		if ((s = sq_prep(d, gens[which].bump, gens[which].bump_sql,
		    err)) == NULL)
			return -1;
		sq_bind_i64(s, 1, tid);
		snprintf(what, sizeof(what), "%s: write", gens[which].what);
		if (sq_done(d, s, what, err) == -1)
			return -1;
	}
	if ((s = sq_prep(d, gens[which].get, gens[which].get_sql,
	    err)) == NULL)
		return -1;
	sq_bind_i64(s, 1, tid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*gen_out = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		snprintf(what, sizeof(what), "%s: read", gens[which].what);
		return sq_fail_reset(d, s, what, err);
	}
	sqlite3_reset(s);
	return 0;
}

int
sq_data_gen(struct store_drv *d, int64_t tid, int bump, int64_t *gen_out,
    struct err *err)
{
	return sq_gen(d, SQ_GEN_DATA, tid, bump, gen_out, err);
}
