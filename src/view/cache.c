/*
 * cache.c: per-tenant snapshots, their generations and reference counts
 * (view.h, "Lifecycle and threads").
 *
 * One mutex per cache guards its fields and the reference counts of the
 * snapshots it handed out; it is never held while a snapshot is built or
 * read.  A thread that finds the held snapshot stale builds the new one
 * itself (only one thread builds at a time: the others keep the stale
 * snapshot meanwhile, or wait on the condition variable when there is no
 * snapshot at all).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "view_priv.h"

struct view_cache {
	pthread_mutex_t		 mu;
	pthread_cond_t		 built;
	char			*db, *key_file, *tenant;
	struct view_snap	*cur;		/* one reference held */
	int			 building;
	uint64_t		 building_gen;
};

struct view_cache *
view_cache_new(const char *db, const char *key_file, const char *tenant)
{
	struct view_cache	*c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->built, NULL);
	c->db = xstrdup(db);
	c->key_file = key_file != NULL ? xstrdup(key_file) : NULL;
	c->tenant = xstrdup(tenant);
	return c;
}

void
view_cache_free(struct view_cache *c)
{
	if (c == NULL)
		return;
	RT_ASSERT(!c->building);
	if (c->cur != NULL) {
		RT_ASSERT(c->cur->refs == 1);
		c->cur->cache = NULL;
		vsnap_free(c->cur);
	}
	pthread_cond_destroy(&c->built);
	pthread_mutex_destroy(&c->mu);
	free(c->db);
	free(c->key_file);
	free(c->tenant);
	free(c);
}

int
view_acquire(struct view_cache *c, uint64_t gen, const struct view_snap **out,
    struct err *err)
{
	struct view_snap	*s, *old = NULL;
	int			 rc;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		if (c->cur != NULL && (c->cur->generation == gen ||
		    c->building)) {
			/* Current, or being replaced: use it meanwhile. */
			c->cur->refs++;
			*out = c->cur;
			pthread_mutex_unlock(&c->mu);
			return 0;
		}
		if (!c->building)
			break;
		pthread_cond_wait(&c->built, &c->mu);
	}
	c->building = 1;
	c->building_gen = gen;
	pthread_mutex_unlock(&c->mu);

	rc = vsnap_build(c->db, c->key_file, c->tenant, &s, err);

	pthread_mutex_lock(&c->mu);
	c->building = 0;
	if (rc == 0) {
		s->cache = c;
		s->generation = gen;
		s->refs = 2;		/* the cache's and the caller's */
		old = c->cur;
		c->cur = s;
		*out = s;
		if (old != NULL && --old->refs > 0)
			old = NULL;	/* readers still hold it */
	}
	pthread_cond_broadcast(&c->built);
	pthread_mutex_unlock(&c->mu);
	if (old != NULL) {
		old->cache = NULL;
		vsnap_free(old);
	}
	return rc;
}

void
view_release(const struct view_snap *cs)
{
	struct view_snap	*s = (struct view_snap *)cs;
	struct view_cache	*c;
	int			 last;

	if (s == NULL)
		return;
	if ((c = s->cache) == NULL) {
		if (--s->refs == 0)
			vsnap_free(s);
		return;
	}
	pthread_mutex_lock(&c->mu);
	last = --s->refs == 0;
	pthread_mutex_unlock(&c->mu);
	/* Only a snapshot the cache let go of reaches 0. */
	if (last)
		vsnap_free(s);
}

int
view_snap_load(const char *db, const char *key_file, const char *tenant,
    const struct view_snap **out, struct err *err)
{
	struct view_snap	*s;

	if (vsnap_build(db, key_file, tenant, &s, err) == -1)
		return -1;
	*out = s;
	return 0;
}

size_t
view_snap_bytes(const struct view_snap *s)
{
	return s->bytes;
}

uint32_t
view_snap_messages(const struct view_snap *s)
{
	return s->nmsg;
}

uint32_t
view_snap_conversations(const struct view_snap *s)
{
	return s->nconv;
}

static void
samples_free(struct vsamples *v)
{
	free(v->t);
	free(v->msg);
	free(v->from);
	free(v->cal);
	free(v->biz);
	rstat_free(&v->rcal);
	rstat_free(&v->rbiz);
	free(v->d_off);
	free(v->d_t);
	rstat_free(&v->d_rcal);
	rstat_free(&v->d_rbiz);
	free(v->tneg);
	free(v->tout);
}

static void
events_free(struct vevents *v)
{
	free(v->t);
	free(v->msg);
	free(v->how);
	free(v->d_off);
	free(v->d_t);
	free(v->d_msg);
}

void
vsnap_free(struct view_snap *s)
{
	if (s == NULL)
		return;
	for (size_t g = 0; s->g != NULL && g < s->ng; g++) {
		samples_free(&s->g[g].rep);
		samples_free(&s->g[g].fr);
		events_free(&s->g[g].recv);
		events_free(&s->g[g].sent);
		free(s->g[g].spans);
		free(s->g[g].span_maxto);
		free(s->g[g].span_minfrom);
		free(s->g[g].span_froms);
		free(s->g[g].span_tos);
		free(s->g[g].span_by_to);
		free(s->g[g].aw_off);
		free(s->g[g].aw_open);
		free(s->g[g].aw_end);
		free(s->g[g].biz_cum);
		free(s->g[g].vis);
	}
	free(s->g);
	free(s->m);
	free(s->conv_off);
	free(s->conv_msgs);
	free(s->conv_id);
	free(s->addr_domain);
	intern_free(s->addrs);
	intern_free(s->subjects);
	intern_free(s->domains);
	report_free(s->totals);
	config_free(s->cfg);
	free(s);
}
