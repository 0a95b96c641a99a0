/*
 * views_glue.c: the web server's calls into the views library
 * (views_glue.h): one view cache per tenant, the generation, the scope
 * and the query.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/str.h"
#include "../base/xmalloc.h"
#include "../view/view.h"
#include "views_glue.h"

struct web_vcache {
	int64_t			 tid;
	struct view_cache	*c;		/* owned */
};

/* The cache of tenant t, made on first use; NULL with err. */
static struct view_cache *
cache_get(struct web_server *s, const struct web_tenant *t, struct err *err)
{
	struct view_cache	*c = NULL;
	size_t			 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nvcaches; i++)
		if (s->vcaches[i].tid == t->tid) {
			c = s->vcaches[i].c;
			break;
		}
	if (c == NULL) {
		c = view_cache_new(s->c->db, s->c->key_file, t->name);
		if (c != NULL) {
			s->vcaches = xreallocarray(s->vcaches,
			    s->nvcaches + 1, sizeof(*s->vcaches));
			s->vcaches[s->nvcaches].tid = t->tid;
			s->vcaches[s->nvcaches].c = c;
			s->nvcaches++;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (c == NULL)
		err_set(err, ERR_IO, "serve: cannot make a view cache");
	return c;
}

void
views_caches_free(struct web_server *s)
{
	size_t	i;

	for (i = 0; i < s->nvcaches; i++)
		view_cache_free(s->vcaches[i].c);
	free(s->vcaches);
	s->vcaches = NULL;
	s->nvcaches = 0;
}

/*
 * The tenant's generation: its messages' stamp (store_msg_stamp(): it
 * moves with every insert, delete and checkpoint, so mail synced by the
 * server's scheduler or imported next to it makes a new snapshot, even
 * when a sync deletes as many messages as it adds) with its settings
 * generation folded into the high bits, so that a change of settings
 * makes one too.
 */
static int
generation(struct web_tenant *t, uint64_t *out, struct err *err)
{
	int64_t		gen;
	uint64_t	stamp;

	if (store_settings_gen(t->ar.st, t->tid, &gen, err) == -1 ||
	    store_msg_stamp(t->ar.st, t->tid, &stamp, err) == -1)
		return -1;
	*out = stamp ^ ((uint64_t)gen << 40);
	return 0;
}

/* 1 if addr is a configured agent of the request's tenant, 0 if not (no
 * settings either), -1 (err). */
static int
agent_known(struct web_req *q, const char *addr, struct err *err)
{
	size_t	i;

	if (web_tenant_config(q->t, err) == -1)
		return -1;
	return q->t->cfg != NULL && config_agent_find(q->t->cfg,
	    str_cstr(addr), &i) == 0;
}

/* The query from the GET arguments; 0 or -1 (err: ERR_USAGE). */
static int
query(struct web_req *q, int64_t id, struct view_query *vq, struct err *err)
{
	size_t	i;

	view_query_init(vq);
	for (i = 0; i < q->query.n; i++)
		if (view_query_parse(q->query.v[i].name, q->query.v[i].value,
		    vq, err) == -1)
			return -1;
	if (id != 0)
		vq->id = id;
	vq->now = q->now;
	return 0;
}

unsigned
views_render(struct web_req *q, const char *page, int json, int64_t id,
    struct buf *out, struct err *err)
{
	struct view_cache	*c;
	const struct view_snap	*s;
	struct view_query	 vq;
	struct view_scope	 sc;
	view_page_fn		 fn;
	uint64_t		 gen;
	int			 rc;

	if ((fn = view_page_find(page, json)) == NULL)
		return 404;
	if (query(q, id, &vq, err) == -1)
		return 400;
	memset(&sc, 0, sizeof(sc));
	if (q->role == ROLE_AGENT) {
		sc.agent = q->email.data != NULL ? q->email.data : "";
		if (!json && id == 0 && vq.id == 0) {
			if ((rc = agent_known(q, sc.agent, err)) == -1)
				return 500;
			if (rc == 0) {
				buf_puts(out, "<p class=\"note\" role=\"status\">"
				    "Your address is not that of an agent in "
				    "this organization's settings: there are "
				    "no figures to show you.</p>\n");
				return 0;
			}
		}
	} else
		sc.all = 1;
	if ((c = cache_get(q->srv, q->t, err)) == NULL ||
	    generation(q->t, &gen, err) == -1 ||
	    view_acquire(c, gen, &s, err) == -1)
		return 500;
	rc = fn(s, &sc, &vq, out, err);
	view_release(s);
	if (rc == VIEW_NOT_FOUND)
		return 404;
	if (rc == -1)
		return err->code == ERR_USAGE || err->code == ERR_LIMIT ||
		    err->code == ERR_PARSE ? 400 : 500;
	return 0;
}
