/*
 * imap_sync.h: keeping a tenant's IMAP mailboxes in its archive.
 *
 * The model.  A mailbox of kind "imap" is one row of the store's
 * mailboxes table: its address (blind index + sealed), its settings
 * (imap_account.h) sealed with the tenant's key in the row's sync_state,
 * and its state ("new", "ok", "error" with the reason, last sync time).
 * Each folder it reads is a source (blind index over the mailbox id and
 * the folder name) whose ident holds the folder's UIDVALIDITY and
 * HIGHESTMODSEQ and whose checkpoint pos is the highest UID committed;
 * each message is stored at pos = its UID.
 *
 * A pass over one mailbox: connect and log in (imap_client.h), pick the
 * folders (the configured list, else INBOX and the folder marked \Sent,
 * else one of the usual Sent names), and for each folder:
 *  - EXAMINE it (read-only), with QRESYNC when the server has it, so the
 *    UIDs expunged since the last pass come back as VANISHED and their
 *    messages are deleted from the store;
 *  - if UIDVALIDITY changed, delete the folder's messages and start it
 *    over from UID 1 (a full resync);
 *  - fetch the header fields meta_parse() reads (BODY.PEEK, never a body,
 *    never a flag change) of every UID past the checkpoint, in batches of
 *    IMAP_BATCH UIDs with IMAP_WINDOW commands in flight, committing each
 *    batch's messages in one transaction with the checkpoint just past
 *    it.  A connection cut anywhere loses the open batch only, and the
 *    next pass fetches it again from the checkpoint: nothing lost,
 *    nothing twice.
 *
 * The loop.  imap_sync_run() runs passes over many mailboxes with at most
 * opts.jobs at once, each in its own thread with its own store
 * connection.  Network failures (timeouts, cuts, refused connections)
 * are retried with exponential backoff and jitter; a failure that needs
 * a person (authentication refused, certificate not trusted, folder
 * missing, protocol broken) puts the mailbox in state "error" with a
 * reason that never holds the secret, and the loop leaves it alone until
 * the next run.  With opts.watch the loop never ends by itself: while
 * there are no more mailboxes than workers, each worker holds one, keeps
 * IDLE on its INBOX and syncs within seconds of new mail (or polls every
 * poll_s seconds when the server lacks IDLE); past that, the mailboxes
 * take turns, each at most once per poll_s, and failures wait a backoff.
 * The list of mailboxes is read again every minute.
 *
 * Threads.  imap_sync_run() may be called from any thread and blocks
 * until done or stopped; it starts and joins its workers itself (the
 * scheduler below runs the same workers).  Two runs may go on at once
 * over different mailboxes; over the same mailbox they are safe
 * (the store's transactions and unique keys keep the data right) but
 * wasteful.  Setting *opts.stop to non-zero makes every worker give up
 * its current wait within IMAP_STOP_SLICE_MS, roll back its open batch
 * and return; the run then returns 0.  The log callback is called from
 * worker threads, serialised by the run (never two at once).
 */
#ifndef RT_IMAP_SYNC_H
#define RT_IMAP_SYNC_H

#include <stdatomic.h>
#include <stdint.h>

#include "../base/err.h"
#include "../store/archive.h"
#include "imap_account.h"

#define IMAP_BATCH		1000	/* UIDs per UID FETCH */
#define IMAP_WINDOW		4	/* UID FETCH commands in flight */
#define IMAP_JOBS_MAX		64

struct imap_sync_stats {
	uint64_t	fetched;	/* header blocks received */
	uint64_t	added;		/* new messages stored */
	uint64_t	deleted;	/* expunged or resynced away */
	unsigned	folders;
	unsigned	resyncs;	/* folders whose UIDVALIDITY changed */
};

/* A line for the operator: counts, states, reasons; no header data and
 * no secret.  mailbox_id 0: about the run. */
typedef void	(*imap_log_fn)(void *arg, const char *tenant,
		    int64_t mailbox_id, const char *line);

struct imap_sync_opts {
	const char		*db;		/* the database */
	const char		*key_file;	/* NULL: the default (archive.h) */
	const char		*tenant;	/* NULL: every active tenant */
	int64_t			 mailbox_id;	/* 0: every IMAP mailbox */
	int			 jobs;		/* 1..IMAP_JOBS_MAX at once */
	int			 watch;		/* keep going (IDLE or poll) */
	int			 poll_s;	/* watch without IDLE; 0: 300 */
	int			 idle_s;	/* re-IDLE after; 0: 25 min */
	int			 retries;	/* one pass: network retries */
	const atomic_int	*stop;		/* may be NULL */
	imap_log_fn		 log;		/* may be NULL */
	void			*log_arg;
};

struct imap_sync_total {
	unsigned		mailboxes;	/* tried */
	unsigned		failed;		/* ended in state "error" */
	struct imap_sync_stats	stats;
};

/* See The loop and Threads above.  Returns 0 (failed mailboxes are
 * counted in tot and carry their reason in the store), or -1 when the
 * run itself could not start (database, keys). */
int	imap_sync_run(const struct imap_sync_opts *opts,
	    struct imap_sync_total *tot, struct err *err);

/*
 * The scheduler.  A long-running process (replytime serve) keeps every
 * IMAP mailbox of every active tenant (or of opts.tenant) in sync with
 * imap_sched_start(): the loop above in watch mode, with opts.jobs
 * workers (at most that many connections at once), over a list of
 * mailboxes read again every minute and whenever imap_sched_reload() is
 * called, so mailboxes added or removed elsewhere are picked up or let
 * go without a restart.  A failure is tried again after a backoff with
 * jitter (network) or after four poll intervals (what needs a person);
 * imap_sched_kick() asks for a pass of one mailbox now (and forgets the
 * backoff).  opts.stop is not used: imap_sched_stop() stops every
 * worker (within IMAP_STOP_SLICE_MS of its current wait; an open batch
 * is rolled back, so a checkpoint is never ahead of its messages),
 * joins them and frees the scheduler.  The strings of opts (db,
 * key_file, tenant) are borrowed until then.  The other calls may come
 * from any thread.
 */
struct imap_sched;

int	imap_sched_start(const struct imap_sync_opts *opts,
	    struct imap_sched **out, struct err *err);
/* Reads the list of mailboxes again soon; s may be NULL. */
void	imap_sched_reload(struct imap_sched *s);
/* Syncs mailbox mailbox_id of tenant as soon as a worker is free: 0, or
 * 1 if the scheduler has no such mailbox (or s is NULL). */
int	imap_sched_kick(struct imap_sched *s, const char *tenant,
	    int64_t mailbox_id);
/* Stops, joins and frees; s may be NULL. */
void	imap_sched_stop(struct imap_sched *s);

/*
 * One pass over mailbox mailbox_id of the open archive, on a connection
 * made here.  Sets the mailbox's state.  0, or -1 with err.code as in
 * imap_client.h (ERR_IO: worth retrying).
 */
int	imap_sync_mailbox(struct archive *a, int64_t mailbox_id,
	    const atomic_int *stop, struct imap_sync_stats *st,
	    struct err *err);

/*
 * Reads and unseals mailbox mailbox_id's settings into *acc (cleared
 * with imap_account_clear()).  1 if there is no such IMAP mailbox.
 */
int	imap_mailbox_account(struct archive *a, int64_t mailbox_id,
	    struct imap_account *acc, struct err *err);
/* Seals acc into mailbox mailbox_id's row. */
int	imap_mailbox_set_account(struct archive *a, int64_t mailbox_id,
	    const struct imap_account *acc, struct err *err);

/*
 * "mailbox test": connects and logs in with acc, lists the folders and
 * says which ones a sync would read, and the capabilities found, as
 * lines to out (the caller prints them).  Changes nothing anywhere.
 */
int	imap_mailbox_test(const struct imap_account *acc, struct buf *out,
	    struct err *err);

#endif
