/*
 * main.c: the replytime command: dispatch to subcommands by table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../base/str.h"
#include "cmd.h"

static int	cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ .name = "report", .exec = cmd_report,
	  .summary = "reply times, first replies, awaiting and volumes" },
	{ .name = "scan", .exec = cmd_scan,
	  .summary = "print the header metadata of every message" },
	{ .name = "config", .exec = cmd_config,
	  .summary = "check a configuration file and print it in full" },
	{ .name = "demo-data", .exec = cmd_demo_data,
	  .summary = "write realistic mail of a fictional company" },
	{ .name = "import", .exec = cmd_import,
	  .summary = "store mail files for a tenant, encrypted" },
	{ .name = "tenant", .exec = cmd_tenant,
	  .summary = "create or list the tenants of a database" },
	{ .name = "settings", .exec = cmd_settings,
	  .summary = "store or print a tenant's configuration" },
	{ .name = "key", .exec = cmd_key,
	  .summary = "create or rotate the master key" },
	{ .name = "export", .exec = cmd_export,
	  .summary = "write all of a tenant's data as CSV" },
	{ .name = "backup", .exec = cmd_backup,
	  .summary = "an encrypted online copy of the database" },
	{ .name = "restore", .exec = cmd_restore,
	  .summary = "bring a backup back" },
	{ .name = "purge", .exec = cmd_purge,
	  .summary = "delete terminated tenants and old logs" },
	{ .name = "view", .exec = cmd_view,
	  .summary = "print a dashboard page of a tenant's stored mail" },
	{ .name = "serve", .exec = cmd_serve,
	  .summary = "the web dashboard and JSON API" },
	{ .name = "user", .exec = cmd_user,
	  .summary = "add a tenant's owner, list its users" },
	{ .name = "audit", .exec = cmd_audit,
	  .summary = "verify or list a tenant's audit log" },
	{ .name = "mailbox", .exec = cmd_mailbox,
	  .summary = "add, list or test the IMAP mailboxes of a tenant" },
	{ .name = "sync", .exec = cmd_sync,
	  .summary = "fetch new mail headers from IMAP mailboxes" },
	{ .name = "help", .exec = cmd_help,
	  .summary = "list the commands" },
};

int
cmd_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("replytime: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: replytime command [options] [args]\n\n"
	    "commands:\n");
	for (size_t i = 0; i < nitems(cmds); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'replytime command --help' describes a command; "
	    "'man replytime'\n(before installing: "
	    "'man ./docs/replytime.1') has the rest.\n");
}

static int
cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("replytime %s\n", RT_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < nitems(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].exec(argc - 1, argv + 1);
	fprintf(stderr, "replytime: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return 2;
}
