/*
 * cmd_sync.c: replytime sync: one pass (or, with --watch, a loop) over
 * the IMAP mailboxes of a tenant or of every tenant.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../imap/imap_sync.h"
#include "cmd.h"

static atomic_int	stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, 1);
}

static void
sync_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime sync --db PATH [--tenant NAME [--mailbox MAILBOX]]\n"
	    "                      [--watch] [--jobs N] [--retries N] [--poll SECONDS]\n"
	    "                      [--idle SECONDS] [--key-file FILE]\n"
	    "\n"
	    "Fetches the headers of new mail from the tenant's IMAP mailboxes (every\n"
	    "tenant's without --tenant; one mailbox, by id or address, with --mailbox)\n"
	    "into the store, and notices messages expunged or moved when the server\n"
	    "has QRESYNC.  Only header fields are read, and nothing on the server\n"
	    "changes: no message becomes \\Seen.\n"
	    "\n"
	    "  --jobs N        mailboxes synced at once (default 4, at most 64)\n"
	    "  --retries N     network failures retried per mailbox (default 2),\n"
	    "                  with exponential backoff\n"
	    "  --watch         keep going until SIGINT or SIGTERM: IDLE on INBOX for\n"
	    "                  new mail within seconds, or poll when the server\n"
	    "                  lacks IDLE or there are more mailboxes than jobs\n"
	    "  --poll SECONDS  interval between polls (default 300)\n"
	    "  --idle SECONDS  renew IDLE after (default 1500)\n"
	    "\n"
	    "Exit status 1 if any mailbox failed; its reason is in the mailbox's\n"
	    "state (replytime mailbox list).\n");
}

static void
log_line(void *arg, const char *tenant, int64_t mbid, const char *line)
{
	(void)arg;
	if (mbid != 0)
		fprintf(stderr, "sync: %s mailbox %" PRId64 ": %s\n", tenant,
		    mbid, line);
	else
		fprintf(stderr, "sync: %s: %s\n", tenant, line);
}

static int
number(const char *s, long lo, long hi, long *out)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "mailbox", required_argument, NULL, 'm' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "retries", required_argument, NULL, 'r' },
		{ "poll", required_argument, NULL, 'p' },
		{ "idle", required_argument, NULL, 'i' },
		{ "watch", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct imap_sync_opts	 o = { .jobs = 4, .retries = 2 };
	struct imap_sync_total	 tot;
	struct sigaction	 sa;
	struct err		 err;
	const char		*mailbox = NULL;
	long			 v;
	int			 c;

	while ((c = getopt_long(argc, argv, "d:t:m:k:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 't': o.tenant = optarg; break;
		case 'm': mailbox = optarg; break;
		case 'k': o.key_file = optarg; break;
		case 'w': o.watch = 1; break;
		case 'j':
			if (number(optarg, 1, IMAP_JOBS_MAX, &v) == -1)
				return cmd_error("sync: --jobs: 1 to %d",
				    IMAP_JOBS_MAX);
			o.jobs = (int)v;
			break;
		case 'r':
			if (number(optarg, 0, 100, &v) == -1)
				return cmd_error("sync: --retries: 0 to 100");
			o.retries = (int)v;
			break;
		case 'p':
			if (number(optarg, 1, 86400, &v) == -1)
				return cmd_error("sync: --poll: 1 to 86400");
			o.poll_s = (int)v;
			break;
		case 'i':
			if (number(optarg, 1, 86400, &v) == -1)
				return cmd_error("sync: --idle: 1 to 86400");
			o.idle_s = (int)v;
			break;
		case 'h': sync_usage(stdout); return 0;
		default: sync_usage(stderr); return 2;
		}
	}
	if (o.db == NULL || optind != argc || (mailbox && !o.tenant)) {
		sync_usage(stderr);
		return 2;
	}
	if (mailbox != NULL) {
		struct archive	a;

		if (cmd_archive_open(o.db, o.key_file, o.tenant,
		    &a, &err) == -1)
			return cmd_error("sync: %s", err.msg);
		o.mailbox_id = cmd_mailbox_resolve(&a, mailbox, &err);
		archive_close(&a);
		if (o.mailbox_id == -1)
			return cmd_error("sync: %s", err.msg);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A server that drops the connection must give an error, not kill
	 * us: TLS writes go through write(2), which raises SIGPIPE. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	o.stop = &stop_flag;
	o.log = log_line;
	err_clear(&err);
	if (imap_sync_run(&o, &tot, &err) == -1)
		return cmd_error("sync: %s", err.msg);
	fprintf(stderr, "sync: %u mailbox%s, %u failed, %u folder%s, %" PRIu64
	    " header%s fetched, %" PRIu64 " new, %" PRIu64 " deleted\n",
	    tot.mailboxes, tot.mailboxes == 1 ? "" : "es", tot.failed,
	    tot.stats.folders, tot.stats.folders == 1 ? "" : "s",
	    tot.stats.fetched, tot.stats.fetched == 1 ? "" : "s",
	    tot.stats.added, tot.stats.deleted);
	return tot.failed > 0 ? 1 : 0;
}
