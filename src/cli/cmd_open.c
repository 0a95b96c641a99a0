/*
 * cmd_open.c: how a command opens a tenant that must already exist:
 * never by creating an empty database on the way to "no such tenant".
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "../store/archive.h"
#include "cmd.h"

int
cmd_db_exists(const char *db, struct err *err)
{
	struct stat	sb;

	if (stat(db, &sb) == 0)
		return 0;
	if (errno == ENOENT)
		return err_set(err, ERR_USAGE, "%s: no such database "
		    "(replytime tenant create makes one)", db);
	return err_set_errno(err, ERR_IO, "%s", db);
}

int
cmd_archive_open(const char *db, const char *key_file, const char *tenant,
    struct archive *a, struct err *err)
{
	/* Closing *a is safe whatever happens, as after archive_open(). */
	memset(a, 0, sizeof(*a));
	if (cmd_db_exists(db, err) == -1)
		return -1;
	return archive_open(db, key_file, tenant, ARCHIVE_EXISTING, a, err);
}
