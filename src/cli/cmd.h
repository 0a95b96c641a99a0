/*
 * cmd.h: the subcommands of replytime, one file each (cmd_<name>.c).
 */
#ifndef RT_CMD_H
#define RT_CMD_H

struct cmd {
	const char	*name;
	const char	*summary;	/* one line for "replytime help" */
	int		(*exec)(int argc, char **argv);	/* argv[0] = name */
};

int	cmd_scan(int argc, char **argv);

/* Prints "replytime: " and the message to stderr; returns 1 (exit code). */
int	cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
