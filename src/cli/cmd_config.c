/*
 * cmd_config.c: replytime config check FILE: load a configuration and
 * print it with every default filled in, or every error in it.
 */
#include <stdio.h>
#include <string.h>

#include "../base/buf.h"
#include "../metric/config.h"
#include "cmd.h"

static void
config_usage(FILE *f)
{
	fprintf(f, "usage: replytime config check FILE\n"
	    "\n"
	    "Loads FILE (the INI configuration of docs/configuration.md) and "
	    "prints the\neffective configuration with every default filled "
	    "in.  When it does not\nload, prints every error as "
	    "file:line: problem and exits 1.\n");
}

int
cmd_config(int argc, char **argv)
{
	struct config	*cfg;
	struct buf	 out, diag;
	struct err	 err;

	if (cmd_wants_help(argc, argv)) {
		config_usage(stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "check") != 0) {
		config_usage(stderr);
		return 2;
	}
	buf_init(&diag, 0);
	if (config_load_diag(argv[2], &cfg, &diag, &err) == -1) {
		/* The list of file:line errors, else the one (I/O) error. */
		if (diag.len > 0)
			fputs(diag.data, stderr);
		else
			cmd_error("config check: %s", err.msg);
		buf_free(&diag);
		return 1;
	}
	buf_free(&diag);
	buf_init(&out, 0);
	config_print(cfg, &out);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	config_free(cfg);
	return fflush(stdout) == 0 ? 0 : cmd_error("standard output: write "
	    "failed");
}
