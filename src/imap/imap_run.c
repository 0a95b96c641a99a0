/*
 * imap_run.c: the sync loop over many mailboxes, with bounded
 * concurrency, retries with backoff, and IDLE; the same loop serves
 * "replytime sync" (imap_sync_run) and the scheduler of "replytime serve"
 * (imap_sched_*), whose list of mailboxes changes while it runs (see
 * imap_sync.h, "The loop", "Threads" and "The scheduler").
 *
 * The jobs (one per mailbox) sit in a table guarded by one mutex; a free
 * worker takes the job that has been due the longest.  In watch mode,
 * while there are no more mailboxes than workers, a worker holds its
 * mailbox with a session open and IDLE between passes; past that, jobs
 * go round and each is synced at most once per poll interval.  A failed
 * job is due again after a backoff (network) or a long wait (what needs
 * a person), unless someone asks for a sync now.
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
#define RELIST_MS		(60 * 1000)	/* the scheduler rereads */
#define JOBS_MAX		100000

struct job {
	char		*tenant;
	int64_t		 mbid;
	int64_t		 due;		/* watch: not before (monotonic ms) */
	int		 attempt;	/* failures in a row */
	int		 busy;		/* a worker has it */
	int		 done;		/* one pass: synced or given up */
	int		 gone;		/* no longer listed: drop when free */
	int		 seen;		/* relist mark */
	int		 kicked;	/* sync now asked for */
	atomic_int	 wake;		/* leave IDLE: sync now, or yield */
};

struct run {
	struct imap_sync_opts	 o;		/* a copy; strings borrowed */
	const atomic_int	*stop;
	atomic_int		 own_stop;	/* the scheduler's */
	int			 sched;		/* a scheduler: list changes */
	struct job		**jobs;		/* owned */
	size_t			 njobs, cap;
	size_t			 live;		/* jobs not gone */
	int			 nworkers;
	int			 relist;	/* asked for */
	int64_t			 listed_at;
	pthread_mutex_t		 mu;		/* all of the above, tot */
	pthread_cond_t		 cv;		/* a job is due, free or new */
	pthread_mutex_t		 logmu;
	struct imap_sync_total	*tot;
	struct imap_sync_total	 own_tot;
	pthread_t		*th;
	pthread_t		 lister;	/* watch runs */
};

struct imap_sched {
	struct run	run;
};

static void
say(struct run *run, const char *tenant, int64_t mbid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
say(struct run *run, const char *tenant, int64_t mbid, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	if (run->o.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&run->logmu);
	run->o.log(run->o.log_arg, tenant, mbid, line);
	pthread_mutex_unlock(&run->logmu);
}

static int
stopped(const struct run *run)
{
	return run->stop != NULL && atomic_load(run->stop);
}

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static int64_t
poll_ms(const struct run *run)
{
	return (int64_t)(run->o.poll_s > 0 ? run->o.poll_s : 300) * 1000;
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

/* ---- the list of jobs ---- */

struct lister {
	struct run	*run;
	struct store	*st;
	const char	*tenant;
};

static struct job *
job_find(struct run *run, const char *tenant, int64_t mbid)
{
	for (size_t i = 0; i < run->njobs; i++)
		if (run->jobs[i]->mbid == mbid &&
		    strcmp(run->jobs[i]->tenant, tenant) == 0)
			return run->jobs[i];
	return NULL;
}

static int
on_mailbox(void *arg, const struct store_mailbox *mb, struct err *err)
{
	struct lister	*l = arg;
	struct run	*run = l->run;
	struct job	*j;

	if (strcmp(mb->kind, "imap") != 0 || (run->o.mailbox_id != 0 &&
	    mb->id != run->o.mailbox_id))
		return 0;
	if ((j = job_find(run, l->tenant, mb->id)) != NULL) {
		j->seen = 1;
		return 0;
	}
	if (run->njobs == JOBS_MAX)
		return err_set(err, ERR_LIMIT, "imap sync: more than %d "
		    "mailboxes", JOBS_MAX);
	if (run->njobs == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 16;
		run->jobs = xreallocarray(run->jobs, run->cap,
		    sizeof(*run->jobs));
	}
	j = xcalloc(1, sizeof(*j));
	j->tenant = xstrdup(l->tenant);
	j->mbid = mb->id;
	j->seen = 1;
	atomic_init(&j->wake, 0);
	run->jobs[run->njobs++] = j;
	run->live++;
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

static void
job_free(struct job *j)
{
	free(j->tenant);
	free(j);
}

/*
 * Reads the mailboxes from the store into the table (run->mu held, or
 * no worker yet): new ones are added, due at once; those no longer
 * listed are marked gone and told to let go (freed when no worker has
 * them).  When there are now more mailboxes than workers, the workers
 * holding one with IDLE are told to let go too.
 */
static int
list_jobs(struct run *run, struct err *err)
{
	struct store		*st;
	struct store_tenant	 t;
	struct lister		 l = { .run = run };
	size_t			 i, k;
	int			 r;

	if (store_open(run->o.db, &st, err) == -1)
		return -1;
	for (i = 0; i < run->njobs; i++)
		run->jobs[i]->seen = 0;
	l.st = st;
	if (run->o.tenant != NULL) {
		memset(&t, 0, sizeof(t));
		if ((r = store_tenant_get(st, run->o.tenant, &t, err)) == 0) {
			r = on_tenant(&l, &t, err);
			store_tenant_clear(&t);
		} else if (r == 1)
			r = err_set(err, ERR_USAGE, "no tenant \"%s\"",
			    run->o.tenant);
	} else
		r = store_tenant_list(st, on_tenant, &l, err);
	store_close(st);
	run->listed_at = mono_ms();
	if (r == -1)
		return -1;		/* the table stays as it was */
	for (i = k = 0; i < run->njobs; i++) {
		struct job	*j = run->jobs[i];

		if (!j->seen && !j->gone) {
			j->gone = 1;
			run->live--;
			atomic_store(&j->wake, 1);
		}
		if (j->gone && !j->busy)
			job_free(j);
		else
			run->jobs[k++] = j;
	}
	run->njobs = k;
	if (run->live > (size_t)run->nworkers)
		for (i = 0; i < run->njobs; i++)
			if (run->jobs[i]->busy)
				atomic_store(&run->jobs[i]->wake, 1);
	pthread_cond_broadcast(&run->cv);
	return 0;
}

/* ---- workers ---- */

/* 1 if a worker holding j with IDLE should let it go. */
static int
must_yield(struct run *run, struct job *j)
{
	int	r;

	pthread_mutex_lock(&run->mu);
	r = j->gone || run->live > (size_t)run->nworkers;
	pthread_mutex_unlock(&run->mu);
	return r || stopped(run);
}

/* One pass, retried on network failures (one-pass runs): 0 or -1. */
static int
pass_with_retries(struct run *run, struct archive *a, const struct job *j)
{
	struct imap_sync_stats	st;
	struct err		err;
	int			rc = -1;

	for (int attempt = 0; !stopped(run); attempt++) {
		memset(&st, 0, sizeof(st));
		rc = imap_sync_mailbox(a, j->mbid, run->stop, &st, &err);
		say_pass(run, j, rc, &st, &err);
		if (rc == 0 || err.code != ERR_IO || attempt >= run->o.retries ||
		    stopped(run)) {
			add_stats(run, &st, rc != 0 && !stopped(run));
			break;
		}
		nap(run, backoff_ms(attempt));
	}
	return rc;
}

/*
 * Holds one mailbox: a session kept open, IDLE between passes, until a
 * failure (-1, err) or until the worker must let go (0).
 */
static int
hold(struct run *run, struct archive *a, struct job *j, struct err *err)
{
	struct imap_session	s;
	struct imap_sync_stats	st;
	int			rc, gone;
	int			idle_s = run->o.idle_s > 0 ? run->o.idle_s :
				    25 * 60;

	memset(&st, 0, sizeof(st));
	if (imap_session_open(&s, a, j->mbid, run->stop, err) == -1)
		goto fail;
	s.wake = &j->wake;
	for (;;) {
		pthread_mutex_lock(&run->mu);
		gone = j->gone;
		j->kicked = 0;
		atomic_store(&j->wake, 0);
		pthread_mutex_unlock(&run->mu);
		if (gone) {		/* removed while idling */
			imap_session_close(&s, 1);
			return 0;
		}
		if ((rc = imap_session_pass(&s, &st, err)) == -1)
			break;
		imap_session_status(a, j->mbid, 0, err);
		say_pass(run, j, 0, &st, err);
		add_stats(run, &st, 0);
		memset(&st, 0, sizeof(st));
		pthread_mutex_lock(&run->mu);
		j->attempt = 0;
		pthread_mutex_unlock(&run->mu);
		if (must_yield(run, j)) {
			imap_session_close(&s, 1);
			return 0;
		}
		if ((rc = imap_session_idle(&s, idle_s, run->o.poll_s > 0 ?
		    run->o.poll_s : 300, err)) == -1)
			break;
	}
	imap_session_close(&s, 0);
fail:
	if (!stopped(run)) {
		imap_session_status(a, j->mbid, -1, err);
		say_pass(run, j, -1, &st, err);
		add_stats(run, &st, 1);
	}
	return -1;
}

/* One pass of a watch run, its failure left to the caller's backoff. */
static int
watch_pass(struct run *run, struct archive *a, struct job *j,
    struct err *err)
{
	struct imap_sync_stats	st;
	int			rc;

	memset(&st, 0, sizeof(st));
	rc = imap_sync_mailbox(a, j->mbid, run->stop, &st, err);
	say_pass(run, j, rc, &st, err);
	if (!stopped(run))
		add_stats(run, &st, rc != 0);
	return rc;
}

/* Waits on run->cv (run->mu held) at most ms. */
static void
timed_wait(struct run *run, int64_t ms)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	pthread_cond_timedwait(&run->cv, &run->mu, &ts);
}

/*
 * The next job (run->mu held): in a one-pass run the next not done, or
 * NULL when none is left; in a watch run the one due the longest, waiting
 * for it, or NULL on a stop.
 */
static struct job *
take(struct run *run)
{
	struct job	*best;
	int64_t		 now, wait;

	for (;;) {
		if (stopped(run))
			return NULL;
		now = mono_ms();
		best = NULL;
		for (size_t i = 0; i < run->njobs; i++) {
			struct job	*j = run->jobs[i];

			if (j->busy || j->gone || j->done)
				continue;
			if (best == NULL || j->due < best->due)
				best = j;
		}
		if (!run->o.watch)
			return best;
		if (best != NULL && best->due <= now)
			return best;
		wait = best != NULL && best->due - now < 250 ?
		    best->due - now : 250;
		timed_wait(run, wait);
	}
}

/*
 * The lister of a watch run: reads the list of mailboxes again every
 * RELIST_MS and when asked (imap_sched_reload), even while every worker
 * holds a mailbox with IDLE (those then let go if they must).
 */
static void *
lister_main(void *arg)
{
	struct run	*run = arg;
	struct err	 err;

	pthread_mutex_lock(&run->mu);
	while (!stopped(run)) {
		if (run->relist || mono_ms() - run->listed_at >= RELIST_MS) {
			run->relist = 0;
			if (list_jobs(run, &err) == -1)
				say(run, run->o.tenant ? run->o.tenant : "-",
				    0, "cannot read the mailboxes: %s",
				    err.msg);
		}
		timed_wait(run, 250);
	}
	pthread_mutex_unlock(&run->mu);
	return NULL;
}

/* Gives j back after a watch pass (or hold) that returned rc. */
static void
give_back(struct run *run, struct job *j, int rc, const struct err *err)
{
	pthread_mutex_lock(&run->mu);
	j->busy = 0;
	if (!run->o.watch)
		j->done = 1;
	else if (rc == 0)
		j->due = mono_ms() + poll_ms(run);
	else if (err->code == ERR_IO)
		j->due = mono_ms() + backoff_ms(j->attempt++);
	else	/* needs a person; a sync now asks again at once */
		j->due = mono_ms() + 4 * poll_ms(run);
	if (j->kicked) {
		j->kicked = 0;
		j->due = 0;
		j->attempt = 0;
	}
	if (j->gone) {
		size_t	i;

		for (i = 0; i < run->njobs && run->jobs[i] != j; i++)
			;
		if (i < run->njobs)
			run->jobs[i] = run->jobs[--run->njobs];
		job_free(j);
	}
	pthread_cond_broadcast(&run->cv);
	pthread_mutex_unlock(&run->mu);
}

static void *
worker_main(void *arg)
{
	struct run	*run = arg;
	struct archive	 a;
	struct err	 err;
	struct job	*j;
	char		*open_tenant = NULL, *tenant;
	int		 rc, holding;

	memset(&a, 0, sizeof(a));
	for (;;) {
		pthread_mutex_lock(&run->mu);
		if ((j = take(run)) != NULL) {
			j->busy = 1;
			j->kicked = 0;
			atomic_store(&j->wake, 0);
		}
		holding = run->live <= (size_t)run->nworkers;
		pthread_mutex_unlock(&run->mu);
		if (j == NULL)
			break;
		tenant = j->tenant;
		err_clear(&err);
		rc = 0;
		if (open_tenant == NULL || strcmp(open_tenant, tenant) != 0) {
			archive_close(&a);
			memset(&a, 0, sizeof(a));
			free(open_tenant);
			open_tenant = NULL;
			if (archive_open(run->o.db, run->o.key_file, tenant,
			    ARCHIVE_EXISTING, &a, &err) == -1) {
				say(run, tenant, 0, "cannot open the tenant's "
				    "archive: %s", err.msg);
				memset(&a, 0, sizeof(a));
				rc = -1;
			} else
				open_tenant = xstrdup(tenant);
		}
		if (rc == 0) {
			if (!run->o.watch)
				rc = pass_with_retries(run, &a, j);
			else if (holding)
				rc = hold(run, &a, j, &err);
			else
				rc = watch_pass(run, &a, j, &err);
		}
		give_back(run, j, rc, &err);
	}
	archive_close(&a);
	free(open_tenant);
	return NULL;
}

/* ---- starting and stopping ---- */

static void
run_init(struct run *run, const struct imap_sync_opts *o,
    struct imap_sync_total *tot)
{
	memset(run, 0, sizeof(*run));
	run->o = *o;
	run->stop = o->stop;
	run->tot = tot;
	memset(tot, 0, sizeof(*tot));
	atomic_init(&run->own_stop, 0);
	pthread_mutex_init(&run->mu, NULL);
	pthread_mutex_init(&run->logmu, NULL);
	pthread_cond_init(&run->cv, NULL);
}

static void
run_start(struct run *run, int n)
{
	run->nworkers = n;
	run->th = xcalloc((size_t)n, sizeof(*run->th));
	for (int i = 0; i < n; i++)
		if (pthread_create(&run->th[i], NULL, worker_main, run) != 0)
			rt_fatal("imap sync: cannot start a thread");
	if (run->o.watch && pthread_create(&run->lister, NULL, lister_main,
	    run) != 0)
		rt_fatal("imap sync: cannot start a thread");
}

static void
run_finish(struct run *run)
{
	for (int i = 0; i < run->nworkers; i++)
		pthread_join(run->th[i], NULL);
	if (run->o.watch && run->nworkers > 0)
		pthread_join(run->lister, NULL);
	free(run->th);
	for (size_t i = 0; i < run->njobs; i++)
		job_free(run->jobs[i]);
	free(run->jobs);
	pthread_cond_destroy(&run->cv);
	pthread_mutex_destroy(&run->mu);
	pthread_mutex_destroy(&run->logmu);
}

static int
opts_check(const struct imap_sync_opts *o, struct err *err)
{
	if (o->jobs < 1 || o->jobs > IMAP_JOBS_MAX)
		return err_set(err, ERR_USAGE, "imap sync: jobs must be 1..%d",
		    IMAP_JOBS_MAX);
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, "imap sync: libsodium failed");
	return 0;
}

int
imap_sync_run(const struct imap_sync_opts *o, struct imap_sync_total *tot,
    struct err *err)
{
	struct run	run;
	int		rc = 0;

	memset(tot, 0, sizeof(*tot));
	if (opts_check(o, err) == -1)
		return -1;
	run_init(&run, o, tot);
	run.nworkers = o->jobs;
	if (list_jobs(&run, err) == -1)
		rc = -1;
	else if (run.njobs == 0 && o->mailbox_id != 0)
		rc = err_set(err, ERR_USAGE, "no IMAP mailbox %" PRId64,
		    o->mailbox_id);
	if (rc == 0 && run.njobs > 0)
		run_start(&run, run.njobs < (size_t)o->jobs ?
		    (int)run.njobs : o->jobs);
	else
		run.nworkers = 0;
	run_finish(&run);
	return rc;
}

int
imap_sched_start(const struct imap_sync_opts *o, struct imap_sched **out,
    struct err *err)
{
	struct imap_sched	*s;

	*out = NULL;
	if (opts_check(o, err) == -1)
		return -1;
	s = xcalloc(1, sizeof(*s));
	run_init(&s->run, o, &s->run.own_tot);
	s->run.o.watch = 1;
	s->run.sched = 1;
	s->run.stop = &s->run.own_stop;
	s->run.nworkers = o->jobs;
	if (list_jobs(&s->run, err) == -1) {
		s->run.nworkers = 0;
		run_finish(&s->run);
		free(s);
		return -1;
	}
	run_start(&s->run, o->jobs);
	*out = s;
	return 0;
}

void
imap_sched_reload(struct imap_sched *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->run.mu);
	s->run.relist = 1;
	pthread_cond_broadcast(&s->run.cv);
	pthread_mutex_unlock(&s->run.mu);
}

int
imap_sched_kick(struct imap_sched *s, const char *tenant, int64_t mbid)
{
	struct job	*j;
	struct err	 err;

	if (s == NULL)
		return 1;
	pthread_mutex_lock(&s->run.mu);
	if ((j = job_find(&s->run, tenant, mbid)) == NULL &&
	    list_jobs(&s->run, &err) == 0)
		j = job_find(&s->run, tenant, mbid);
	if (j != NULL && !j->gone) {
		j->due = 0;
		j->attempt = 0;
		j->kicked = j->busy;
		atomic_store(&j->wake, 1);
		pthread_cond_broadcast(&s->run.cv);
	} else
		j = NULL;
	pthread_mutex_unlock(&s->run.mu);
	return j != NULL ? 0 : 1;
}

void
imap_sched_stop(struct imap_sched *s)
{
	if (s == NULL)
		return;
	atomic_store(&s->run.own_stop, 1);
	pthread_mutex_lock(&s->run.mu);
	pthread_cond_broadcast(&s->run.cv);
	pthread_mutex_unlock(&s->run.mu);
	run_finish(&s->run);
	free(s);
}
