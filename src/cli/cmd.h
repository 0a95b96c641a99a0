/*
 * cmd.h: the subcommands of replytime, one file each (cmd_<name>.c).
 */
#ifndef RT_CMD_H
#define RT_CMD_H

#include <stdint.h>

struct cmd {
	const char	*name;
	const char	*summary;	/* one line for "replytime help" */
	int		(*exec)(int argc, char **argv);	/* argv[0] = name */
};

int	cmd_scan(int argc, char **argv);
int	cmd_report(int argc, char **argv);
int	cmd_config(int argc, char **argv);
int	cmd_demo_data(int argc, char **argv);
int	cmd_import(int argc, char **argv);
int	cmd_tenant(int argc, char **argv);
int	cmd_settings(int argc, char **argv);
int	cmd_key(int argc, char **argv);
int	cmd_export(int argc, char **argv);
int	cmd_backup(int argc, char **argv);
int	cmd_restore(int argc, char **argv);
int	cmd_purge(int argc, char **argv);
int	cmd_view(int argc, char **argv);
int	cmd_serve(int argc, char **argv);
int	cmd_user(int argc, char **argv);
int	cmd_audit(int argc, char **argv);

int	cmd_mailbox(int argc, char **argv);
int	cmd_sync(int argc, char **argv);

/* The id of mailbox arg (an id or an address) of a's tenant, or -1 with
 * err set (cmd_mailbox.c). */
struct archive;
struct err;
int64_t	cmd_mailbox_resolve(struct archive *a, const char *arg,
	    struct err *err);

/* 0 when database db exists, else -1 (err): commands that need a tenant
 * must not create an empty database (cmd_open.c). */
int	cmd_db_exists(const char *db, struct err *err);
/* archive_open(ARCHIVE_EXISTING) of an existing database only. */
int	cmd_archive_open(const char *db, const char *key_file,
	    const char *tenant, struct archive *a, struct err *err);

/* ISO 8601 date or date-time as commands take it; 0 or -1. */
int	cmd_parse_time(const char *s, int64_t *t_out);

/* 1 when an argument of argv (after argv[0], before "--") is --help or
 * -h: the command prints its usage on stdout and exits 0. */
int	cmd_wants_help(int argc, char **argv);

/* Prints "replytime: " and the message to stderr; returns 1 (exit code). */
int	cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
