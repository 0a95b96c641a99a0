/*
 * export_csv.h: a tenant's data as CSV, decrypted with its key: the
 * customer's copy of its data (replytime export writes every table to a
 * file; the dashboard offers each one as a download).  Both call the
 * same functions, so the same table comes out byte for byte the same.
 *
 * The tables, by file name (docs/operations.md lists their columns):
 *	messages.csv	the header fields replytime keeps, one row a message
 *	addresses.csv	every distinct address
 *	mailboxes.csv	address, kind, created, sync state, last sync, and
 *			the server (host:port) of an IMAP mailbox
 *	log.csv		the processing log
 *	settings.ini	the configuration as stored (no CSV; may be empty)
 * Never exported: an IMAP mailbox's user name and password or token
 * (sealed in mailboxes.sync_state) and its last error text; the
 * dashboard's accounts (password hashes), sessions, one-time and API
 * tokens (hashes of secrets) and audit log; blind indexes and keys.
 *
 * Lines end in "\n"; fields are quoted as csv_add_field() does.
 *
 * Ownership: the archive is borrowed for the call; a line given to the
 * callback is borrowed for that call only.
 */
#ifndef RT_EXPORT_CSV_H
#define RT_EXPORT_CSV_H

#include <stddef.h>

#include "../base/err.h"
#include "../store/archive.h"

enum export_table {
	EXPORT_MESSAGES,
	EXPORT_ADDRESSES,
	EXPORT_MAILBOXES,
	EXPORT_LOG,
	EXPORT_SETTINGS,
	EXPORT_NTABLES
};

/* The file name of table t ("messages.csv"). */
const char	*export_table_file(enum export_table t);
/* The table whose file name is name; -1 if none. */
int		 export_table_find(const char *name);

/*
 * Called with each line of table t: its header line first (header set;
 * none for settings.ini), then each row (settings.ini: the whole text,
 * once, if any is stored).  Returns 0 to go on, -1 to stop with err.
 */
typedef int	(*export_line_fn)(void *arg, enum export_table t,
		    const char *line, size_t len, int header,
		    struct err *err);

/* Writes table t of a's tenant to fn; 0 or -1 (err). */
int	export_csv_table(struct archive *a, enum export_table t,
	    export_line_fn fn, void *arg, struct err *err);
/* Every table, in the order of enum export_table; 0 or -1 (err). */
int	export_csv_all(struct archive *a, export_line_fn fn, void *arg,
	    struct err *err);

#endif
