/*
 * ctx.c: the per-thread context of the server (web.h).
 *
 * A struct store is used by one thread at a time, and SQLite connections
 * are cheap, so each worker thread opens its own store and its own
 * archives (one per tenant it has served) the first time it needs them,
 * and keeps them until the server stops.  The contexts are chained in
 * the server so they can be freed after the last thread has stopped.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "web.h"

static _Thread_local struct web_thread	*self;

struct web_thread *
web_thread_get(struct web_server *s, struct err *err)
{
	struct web_thread	*th;

	if (self != NULL)
		return self;
	th = xcalloc(1, sizeof(*th));
	if (store_open(s->c->db, &th->st, err) == -1) {
		free(th);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	th->next = s->threads;
	s->threads = th;
	pthread_mutex_unlock(&s->lock);
	self = th;
	return th;
}

struct find {
	int64_t		 tid;
	char		*name;		/* owned by the caller */
	int		 active;
};

static int
find_id(void *arg, const struct store_tenant *t, struct err *err)
{
	struct find	*f = arg;

	if (t->id != f->tid)
		return 0;
	f->name = xstrdup(t->name);
	f->active = t->state == STORE_TENANT_ACTIVE;
	return 1;
}

static void
tenant_close(struct web_tenant *t)
{
	free(t->name);
	archive_close(&t->ar);
	config_free(t->cfg);
	memset(t, 0, sizeof(*t));
}

int
web_tenant_get(struct web_server *s, struct web_thread *th, int64_t tid,
    const char *name, struct web_tenant **out, struct err *err)
{
	struct store_tenant	 st;
	struct web_tenant	 t;
	struct find		 f;
	int			 r;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	/* The state is read each time: a deleted tenant stops at once. */
	if (name != NULL) {
		if ((r = store_tenant_get(th->st, name, &st, err)) != 0)
			return r;
		f.tid = st.id;
		f.name = xstrdup(st.name);
		f.active = st.state == STORE_TENANT_ACTIVE;
		store_tenant_clear(&st);
	} else {
		f.tid = tid;
		if (store_tenant_list(th->st, find_id, &f, err) == -1)
			return -1;
	}
	if (f.name == NULL || !f.active) {
		free(f.name);
		return 1;
	}
	for (size_t i = 0; i < th->n; i++)
		if (th->v[i].tid == f.tid) {
			free(f.name);
			*out = &th->v[i];
			return 0;
		}
	memset(&t, 0, sizeof(t));
	if (archive_open(s->c->db, s->c->key_file, f.name, ARCHIVE_EXISTING,
	    &t.ar, err) == -1) {
		free(f.name);
		return -1;
	}
	t.tid = f.tid;
	t.name = f.name;
	t.gen = -1;
	th->v = xreallocarray(th->v, th->n + 1, sizeof(*th->v));
	th->v[th->n] = t;
	*out = &th->v[th->n++];
	return 0;
}

int
web_tenant_config(struct web_tenant *t, struct err *err)
{
	struct config	*cfg = NULL;
	struct buf	 ini;
	int64_t		 gen;
	int		 r;

	if (store_settings_gen(t->ar.st, t->tid, &gen, err) == -1)
		return -1;
	if (gen == t->gen)
		return 0;
	buf_init(&ini, 0);
	r = archive_settings_get(&t->ar, &cfg, &ini, err);
	buf_free(&ini);
	if (r == -1)
		return -1;
	config_free(t->cfg);
	t->cfg = r == 0 ? cfg : NULL;
	t->gen = gen;
	return 0;
}

void
web_threads_free(struct web_server *s)
{
	struct web_thread	*th, *next;

	pthread_mutex_lock(&s->lock);
	for (th = s->threads; th != NULL; th = next) {
		next = th->next;
		for (size_t i = 0; i < th->n; i++)
			tenant_close(&th->v[i]);
		free(th->v);
		store_close(th->st);
		free(th);
	}
	s->threads = NULL;
	pthread_mutex_unlock(&s->lock);
}
