/*
 * cmd_import.c: replytime import: mail files into a tenant's archive.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store/archive.h"
#include "cmd.h"

static void
import_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime import --db PATH --tenant NAME [--mailbox ADDRESS]\n"
	    "                        [--key-file FILE] SOURCE...\n"
	    "\n"
	    "Stores the header metadata of every message of each SOURCE (as scan\n"
	    "reads them) for the tenant, encrypted with the tenant's data key.\n"
	    "Importing again is safe: messages already stored are skipped; a plain\n"
	    "mbox is read on from where the last import committed (a compressed or\n"
	    "rewritten one from its start); a message file already stored is\n"
	    "skipped (docs/operations.md).\n"
	    "\n"
	    "  --db PATH         the database (SQLite; replytime tenant create makes it)\n"
	    "  --tenant NAME     the tenant (see replytime tenant create)\n"
	    "  --mailbox ADDR    the tracked mailbox these files belong to\n"
	    "  --key-file FILE   the master key (default: $REPLYTIME_KEY_FILE,\n"
	    "                    else ~/.config/replytime/master.key)\n");
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "mailbox", required_argument, NULL, 'm' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char		*db = NULL, *tenant = NULL, *mailbox = NULL;
	const char		*key = NULL;
	struct archive		 a;
	struct archive_import	 st = { 0 };
	struct err		 err;
	int64_t			 mbid = 0;
	int			 c, failed = 0;

	while ((c = getopt_long(argc, argv, "d:t:m:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': tenant = optarg; break;
		case 'm': mailbox = optarg; break;
		case 'k': key = optarg; break;
		case 'h': import_usage(stdout); return 0;
		default: import_usage(stderr); return 2;
		}
	}
	if (db == NULL || tenant == NULL || optind >= argc) {
		import_usage(stderr);
		return 2;
	}
	if (cmd_archive_open(db, key, tenant, &a, &err) == -1)
		return cmd_error("import: %s", err.msg);
	if (mailbox != NULL) {
		unsigned char	bi[STORE_BI_LEN];
		struct buf	sealed;

		archive_blind(&a, RECORD_ADDRESS, str_cstr(mailbox), bi);
		buf_init(&sealed, 0);
		archive_seal(&a, "mailboxes", 0, 0, mailbox, strlen(mailbox),
		    &sealed);
		if (store_mailbox_put(a.st, a.tid, bi, sealed.data, sealed.len,
		    "file", time(NULL), &mbid, &err) == -1)
			failed = cmd_error("import: %s", err.msg);
		buf_free(&sealed);
	}
	st.progress = isatty(STDERR_FILENO);
	for (int i = optind; i < argc && !failed; i++)
		if (archive_import(&a, argv[i], mbid, &st, &err) == -1)
			failed = cmd_error("import: %s", err.msg);
	fprintf(stderr, "import: %" PRIu64 " messages read, %" PRIu64 " new, "
	    "%" PRIu64 " already stored, %" PRIu64 " malformed\n", st.read,
	    st.added, st.known, st.malformed);
	{
		/* The processing log: counts only, never header data. */
		char	d[200];

		snprintf(d, sizeof(d), "%s: %" PRIu64 " read, %" PRIu64
		    " new, %" PRIu64 " already stored, %" PRIu64 " malformed",
		    failed ? "failed" : "done", st.read, st.added, st.known,
		    st.malformed);
		if (store_log_add(a.st, a.tid, time(NULL), "import", d,
		    &err) == -1 && !failed)
			failed = cmd_error("import: %s", err.msg);
	}
	archive_close(&a);
	return failed;
}
