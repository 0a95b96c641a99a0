/*
 * imap_run.c: the sync loop over many mailboxes, with bounded
 * concurrency, retries with backoff, and IDLE (see imap_sync.h, "The
 * loop" and "Threads").
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../base/xmalloc.h"
#include "imap_session.h"

#define BACKOFF_BASE_MS		1000
#define BACKOFF_MAX_MS		(5 * 60 * 1000)

struct job {
	char		*tenant;
	int64_t		 mbid;
	int64_t		 due;		/* watch: not before (monotonic ms) */
};

struct run {
	const struct imap_sync_opts	*o;
	struct job			*jobs;
	size_t				 njobs, cap, next;
	int				 nworkers;
	pthread_mutex_t			 mu;		/* next, tot, log */
	struct imap_sync_total		*tot;
};

struct worker {
	struct run	*run;
	int		 index;
};

static void
say(struct run *run, const char *tenant, int64_t mbid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
say(struct run *run, const char *tenant, int64_t mbid, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	if (run->o->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&run->mu);
	run->o->log(run->o->log_arg, tenant, mbid, line);
	pthread_mutex_unlock(&run->mu);
}

static int
stopped(const struct run *run)
{
	return run->o->stop != NULL && atomic_load(run->o->stop);
}

/* Sleeps ms, waking early on a stop. */
static void
nap(const struct run *run, int64_t ms)
{
	while (ms > 0 && !stopped(run)) {
		int64_t	 step = ms > 250 ? 250 : ms;

		nanosleep(&(struct timespec){ (time_t)(step / 1000),
		    (long)(step % 1000) * 1000000 }, NULL);
		ms -= step;
	}
}

/* Exponential backoff with jitter: attempt 0 waits about 1 s. */
static int64_t
backoff_ms(int attempt)
{
	int64_t	ms = BACKOFF_BASE_MS;

	for (int i = 0; i < attempt && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	return ms / 2 + (int64_t)randombytes_uniform((uint32_t)ms);
}

static void
add_stats(struct run *run, const struct imap_sync_stats *st, int failed)
{
	pthread_mutex_lock(&run->mu);
	run->tot->mailboxes++;
	run->tot->failed += failed != 0;
	run->tot->stats.fetched += st->fetched;
	run->tot->stats.added += st->added;
	run->tot->stats.deleted += st->deleted;
	run->tot->stats.folders += st->folders;
	run->tot->stats.resyncs += st->resyncs;
	pthread_mutex_unlock(&run->mu);
}

static void
say_pass(struct run *run, const struct job *j, int rc,
    const struct imap_sync_stats *st, const struct err *err)
{
	if (rc == 0)
		say(run, j->tenant, j->mbid, "synced: %u folders, %" PRIu64
		    " headers fetched, %" PRIu64 " new, %" PRIu64 " deleted%s",
		    st->folders, st->fetched, st->added, st->deleted,
		    st->resyncs ? " (UIDVALIDITY changed: full resync)" : "");
	else if (!stopped(run))
		say(run, j->tenant, j->mbid, "failed: %s", err->msg);
}

/* One pass, retried on network failures: 0 or -1. */
static int
pass_with_retries(struct run *run, struct archive *a, const struct job *j)
{
	struct imap_sync_stats	st;
	struct err		err;
	int			rc = -1;

	for (int attempt = 0; !stopped(run); attempt++) {
		memset(&st, 0, sizeof(st));
		rc = imap_sync_mailbox(a, j->mbid, run->o->stop, &st, &err);
		say_pass(run, j, rc, &st, &err);
		if (rc == 0 || err.code != ERR_IO || attempt >= run->o->retries ||
		    stopped(run)) {
			add_stats(run, &st, rc != 0 && !stopped(run));
			break;
		}
		nap(run, backoff_ms(attempt));
	}
	return rc;
}

/* Watch one mailbox: a session kept open, IDLE between passes. */
static void
watch_one(struct run *run, struct archive *a, const struct job *j)
{
	struct imap_session	s;
	struct imap_sync_stats	st;
	struct err		err;
	int			attempt = 0, rc;
	int			idle_s = run->o->idle_s > 0 ? run->o->idle_s :
				    25 * 60;
	int			poll_s = run->o->poll_s > 0 ? run->o->poll_s :
				    300;

	while (!stopped(run)) {
		memset(&st, 0, sizeof(st));
		rc = imap_session_open(&s, a, j->mbid, run->o->stop, &err);
		if (rc == 0) {
			/* Pass, idle, pass ... until something fails. */
			while ((rc = imap_session_pass(&s, &st, &err)) == 0) {
				imap_session_status(a, j->mbid, 0, &err);
				say_pass(run, j, 0, &st, &err);
				add_stats(run, &st, 0);
				attempt = 0;
				memset(&st, 0, sizeof(st));
				if ((rc = imap_session_idle(&s, idle_s, poll_s,
				    &err)) == -1)
					break;
			}
			imap_session_close(&s, 0);
		}
		if (stopped(run))
			break;
		imap_session_status(a, j->mbid, -1, &err);
		say_pass(run, j, -1, &st, &err);
		if (err.code != ERR_IO) {
			/* Needs a person; look again after a long wait. */
			nap(run, (int64_t)poll_s * 1000 * 4);
			continue;
		}
		nap(run, backoff_ms(attempt++));
	}
}

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A worker takes the next job.  One pass: each job once.  Watch with a
 * worker per mailbox: each keeps its mailbox forever (IDLE).  Watch with
 * more mailboxes than workers: the jobs go round, each one at most once
 * per poll interval.
 */
static void *
worker_main(void *arg)
{
	struct worker			*w = arg;
	struct run			*run = w->run;
	const struct imap_sync_opts	*o = run->o;
	struct archive			 a;
	struct err			 err;
	char				*open_tenant = NULL;
	int64_t				 poll_ms = (int64_t)(o->poll_s > 0 ?
					    o->poll_s : 300) * 1000, due;
	int				 each = run->njobs <=
					    (size_t)run->nworkers;

	memset(&a, 0, sizeof(a));
	while (!stopped(run)) {
		struct job	*j;
		size_t		 i;

		pthread_mutex_lock(&run->mu);
		i = run->next++;
		if (o->watch && !each)
			i %= run->njobs;
		due = i < run->njobs ? run->jobs[i].due : 0;
		pthread_mutex_unlock(&run->mu);
		if (i >= run->njobs)
			break;
		j = &run->jobs[i];
		if (due > mono_ms())
			nap(run, due - mono_ms());
		if (stopped(run))
			break;
		if (open_tenant == NULL || strcmp(open_tenant, j->tenant) != 0) {
			archive_close(&a);
			memset(&a, 0, sizeof(a));
			free(open_tenant);
			open_tenant = NULL;
			if (archive_open(o->db, o->key_file, j->tenant,
			    ARCHIVE_EXISTING, &a, &err) == -1) {
				say(run, j->tenant, 0, "cannot open the "
				    "tenant's archive: %s", err.msg);
				memset(&a, 0, sizeof(a));
				continue;
			}
			open_tenant = xstrdup(j->tenant);
		}
		if (o->watch && each)
			watch_one(run, &a, j);
		else
			(void)pass_with_retries(run, &a, j);
		pthread_mutex_lock(&run->mu);
		j->due = mono_ms() + poll_ms;
		pthread_mutex_unlock(&run->mu);
	}
	archive_close(&a);
	free(open_tenant);
	return NULL;
}

/* ---- the list of jobs ---- */

struct lister {
	struct run	*run;
	struct store	*st;
	const char	*tenant;
	struct err	*err;
};

static int
on_mailbox(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct lister	*l = arg;
	struct run	*run = l->run;

	if (strcmp(mb->kind, "imap") != 0 || (run->o->mailbox_id != 0 &&
	    mb->id != run->o->mailbox_id))
		return 0;
	if (run->njobs == 100000)
		return err_set(err, ERR_LIMIT, "imap sync: more than 100000 "
		    "mailboxes");
	if (run->njobs == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 16;
		run->jobs = xreallocarray(run->jobs, run->cap,
		    sizeof(*run->jobs));
	}
	run->jobs[run->njobs].due = 0;
	run->jobs[run->njobs].tenant = xstrdup(l->tenant);
	run->jobs[run->njobs++].mbid = mb->id;
	return 0;
}

static int
on_tenant(void *arg, const struct store_tenant *t, struct err *err)
{
	struct lister	*l = arg;

	if (t->state != STORE_TENANT_ACTIVE)
		return 0;
	l->tenant = t->name;
	/* Allowed: tenant_list reads every row before the first callback. */
	return store_mailbox_list(l->st, t->id, on_mailbox, l, err);
}

static int
list_jobs(struct run *run, struct err *err)
{
	struct store		*st;
	struct store_tenant	 t;
	struct lister		 l = { .run = run, .err = err };
	int			 r;

	if (store_open(run->o->db, &st, err) == -1)
		return -1;
	l.st = st;
	if (run->o->tenant != NULL) {
		memset(&t, 0, sizeof(t));
		if ((r = store_tenant_get(st, run->o->tenant, &t, err)) == 0) {
			r = on_tenant(&l, &t, err);
			store_tenant_clear(&t);
		} else if (r == 1)
			r = err_set(err, ERR_USAGE, "no tenant \"%s\"",
			    run->o->tenant);
	} else
		r = store_tenant_list(st, on_tenant, &l, err);
	store_close(st);
	return r;
}

int
imap_sync_run(const struct imap_sync_opts *o, struct imap_sync_total *tot,
    struct err *err)
{
	struct run	 run = { .o = o, .tot = tot };
	struct worker	*w;
	pthread_t	*th;
	int		 n, rc = 0;

	memset(tot, 0, sizeof(*tot));
	if (o->jobs < 1 || o->jobs > IMAP_JOBS_MAX)
		return err_set(err, ERR_USAGE, "imap sync: jobs must be 1..%d",
		    IMAP_JOBS_MAX);
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, "imap sync: libsodium failed");
	if (list_jobs(&run, err) == -1) {
		rc = -1;
		goto out;
	}
	if (run.njobs == 0) {
		if (o->mailbox_id != 0)
			rc = err_set(err, ERR_USAGE, "no IMAP mailbox %" PRId64,
			    o->mailbox_id);
		goto out;
	}
	pthread_mutex_init(&run.mu, NULL);
	n = run.njobs < (size_t)o->jobs ? (int)run.njobs : o->jobs;
	run.nworkers = n;
	w = xcalloc((size_t)n, sizeof(*w));
	th = xcalloc((size_t)n, sizeof(*th));
	for (int i = 0; i < n; i++) {
		w[i].run = &run;
		w[i].index = i;
		if (pthread_create(&th[i], NULL, worker_main, &w[i]) != 0)
			rt_fatal("imap sync: cannot start a thread");
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	free(w);
	free(th);
	pthread_mutex_destroy(&run.mu);
out:
	for (size_t i = 0; i < run.njobs; i++)
		free(run.jobs[i].tenant);
	free(run.jobs);
	return rc;
}
