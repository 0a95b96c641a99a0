/*
 * sync.c: the IMAP sync scheduler of replytime serve (web.h): started
 * with the server when --sync-workers is above 0, stopped after the last
 * request, its lines on standard error (ids, counts and reasons; never a
 * secret or header data: see imap_sync.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../imap/imap_sync.h"
#include "web.h"

static void
log_line(void *arg, const char *tenant, int64_t mbid, const char *line)
{
	(void)arg;
	if (mbid != 0)
		fprintf(stderr, "replytime: sync: %s mailbox %" PRId64 ": %s\n",
		    tenant, mbid, line);
	else
		fprintf(stderr, "replytime: sync: %s: %s\n", tenant, line);
}

int
web_sync_start(struct web_server *s, struct err *err)
{
	struct imap_sync_opts	o;

	s->sched = NULL;
	if (s->c->sync_workers <= 0)
		return 0;
	memset(&o, 0, sizeof(o));
	o.db = s->c->db;
	o.key_file = s->c->key_file;
	o.jobs = s->c->sync_workers;
	o.watch = 1;
	o.poll_s = s->c->sync_poll_s;
	o.log = log_line;
	if (imap_sched_start(&o, &s->sched, err) == -1)
		return err_prefix(err, "serve: IMAP sync");
	fprintf(stderr, "replytime: syncing IMAP mailboxes, at most %d at "
	    "once\n", o.jobs);
	return 0;
}

void
web_sync_stop(struct web_server *s)
{
	imap_sched_stop(s->sched);
	s->sched = NULL;
}
