/*
 * imap_session.h: private to src/imap: one logged-in connection of a
 * mailbox and what a pass over it needs.
 *
 * imap_folders.c picks the folders; imap_sync.c runs passes and IDLE
 * over a session; imap_run.c schedules sessions.
 *
 * Ownership: a session owns its client, account copy, folder names and
 * writer; it borrows the archive.  One thread.
 */
#ifndef RT_IMAP_SESSION_H
#define RT_IMAP_SESSION_H

#include "imap_client.h"
#include "imap_store.h"
#include "imap_sync.h"

struct imap_session {
	struct archive		*a;		/* borrowed */
	int64_t			 mbid;
	struct imap_account	 acc;
	struct imap_client	*cl;
	char			*folders[IMAP_FOLDERS_MAX];
	size_t			 nfolders;
	const atomic_int	*stop;
	const atomic_int	*wake;		/* may be NULL: see idle */
	struct imap_writer	*w;
};

/* A folder, as LIST gave it. */
struct imap_folder {
	char		*name;		/* owned */
	int		 sent;		/* \Sent */
	int		 noselect;
};

/*
 * The folders of the account: LIST (with RETURN (SPECIAL-USE) when the
 * server has LIST-EXTENDED).  *out is an array of *n the caller frees
 * with imap_folders_free().  Names that are not 7-bit text are left out.
 */
int	imap_folders_list(struct imap_client *cl, struct imap_folder **out,
	    size_t *n, struct err *err);
void	imap_folders_free(struct imap_folder *f, size_t n);
/* The folders a sync reads (see imap_sync.h), into s->folders. */
int	imap_folders_pick(struct imap_session *s, struct err *err);

/* Opens a session for mailbox mbid (settings, connection, login,
 * folders); on failure the session is closed. */
int	imap_session_open(struct imap_session *s, struct archive *a,
	    int64_t mbid, const atomic_int *stop, struct err *err);
void	imap_session_close(struct imap_session *s, int logout);
/* One pass over every folder (imap_sync.h). */
int	imap_session_pass(struct imap_session *s, struct imap_sync_stats *st,
	    struct err *err);
/* IDLE on the first folder until something changes, idle_s passes, a
 * stop, or *s->wake becomes non-zero (a sync now, or the scheduler
 * wants the worker back); 0 or -1.  Without IDLE, waits poll_s (stop-
 * and wake-aware) instead. */
int	imap_session_idle(struct imap_session *s, int idle_s, int poll_s,
	    struct err *err);

/* Sets the mailbox's state from the outcome of a pass (rc, err). */
void	imap_session_status(struct archive *a, int64_t mbid, int rc,
	    const struct err *err);

#endif
