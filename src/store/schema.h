/*
 * schema.h: the tables of the store and the steps that build them.
 *
 * The schema is a list of versioned steps, each a piece of SQL applied in
 * order, inside one transaction, with the reached version recorded in the
 * meta table.  A database is never changed by hand and a step is never
 * edited once shipped: a change is a new step.
 *
 * The SQL is written once, in the SQLite spelling of a portable subset,
 * and schema_sql_render() translates it for another dialect mechanically
 * (see schema.c for the two rules).  Drivers share the export whitelist.
 */
#ifndef RT_SCHEMA_H
#define RT_SCHEMA_H

#include <stddef.h>

#define SCHEMA_VERSION		7	/* the version this program writes */
#define SCHEMA_DATA_GEN		5	/* the version that added data_gen */

struct schema_step {
	int		 version;	/* reached after this step */
	const char	*what;		/* one line, for errors */
	const char	*sql;		/* one or more statements */
};

extern const struct schema_step	schema_steps[];
extern const size_t		schema_nsteps;

/* A table store_export_scan() may read. */
struct schema_table {
	const char	*name;
	const char	*cols;		/* column list, in export order */
	const char	*tenant_col;	/* "tenant_id", or "id" for tenants */
	const char	*order;		/* a stable order */
	int		 since;		/* schema version that added it */
};

extern const struct schema_table	schema_tables[];
extern const size_t			schema_ntables;

/* The table named name, or NULL if it is not on the list. */
const struct schema_table *schema_table_find(const char *name);

enum schema_dialect {
	SCHEMA_SQLITE,
	SCHEMA_POSTGRES,
};

/* sql translated for dialect d; the caller frees the result. */
char	*schema_sql_render(const char *sql, enum schema_dialect d);

#endif
