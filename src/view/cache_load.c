/*
 * cache_load.c: a tenant's store into a dashboard snapshot (view_priv.h).
 *
 * The messages are loaded into an engine as archive_load() does, and at
 * the same time the display data are decrypted once: every stored
 * address (from the addresses table) and every message's subject.  One
 * engine run over all of history (engine_run_sink) then tells every fact,
 * which are sorted into the orders of view_priv.h; the engine is freed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/xmalloc.h"
#include "../mail/addr.h"
#include "../metric/biz.h"
#include "../metric/engine_facts.h"
#include "../store/archive.h"
#include "vpage.h"

struct csample {
	int64_t		t, cal, biz;
	uint32_t	msg, from;
};

struct cevent {
	int64_t		t;
	uint32_t	msg;
};

/* A growable array. */
struct vec {
	void		*v;
	size_t		 n, cap;
};

static void *
vec_push(struct vec *a, size_t size)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xreallocarray(a->v, a->cap, size);
	}
	return (char *)a->v + size * a->n++;
}

struct gcol {
	struct vec	rep, fr;		/* struct csample */
	struct vec	rep_neg, rep_out, fr_neg, fr_out;	/* int64_t */
	struct vec	recv, sent;		/* struct cevent */
	struct vec	spans;			/* struct vspan */
	struct vec	vis;			/* uint32_t */
};

static void
gcol_free(struct gcol *g)
{
	free(g->rep.v);
	free(g->fr.v);
	free(g->rep_neg.v);
	free(g->rep_out.v);
	free(g->fr_neg.v);
	free(g->fr_out.v);
	free(g->recv.v);
	free(g->sent.v);
	free(g->spans.v);
	free(g->vis.v);
}

struct load {
	struct archive		*ar;
	struct engine		*e;
	struct keyed		*kc;
	struct record_scratch	 sc;
	struct view_snap	*s;
	struct intern		*akeys;		/* address blind indexes */
	struct vec		 adisp;		/* per akeys id: in s->addrs */
	struct vec		 seq, subj;	/* per kept message */
	struct buf		 plain;
	struct str		 subject;
	struct gcol		*gc;
	size_t			 ng;
};

static int
on_addr(void *arg, const struct store_addr *sa, struct err *err)
{
	struct load	*l = arg;
	struct str	 key = str_make((const char *)sa->bi, STORE_BI_LEN);
	uint32_t	 id;
	int64_t		 row;

	keyed_add_address(l->kc, key, sa->domain_keys, sa->domain_keys_len);
	id = intern_put(l->akeys, key, NULL);
	memcpy(&row, sa->bi, sizeof(row));
	buf_reset(&l->plain);
	if (archive_open_sealed(l->ar, "addresses", row, 0, sa->sealed,
	    sa->sealed_len, &l->plain, err) == -1)
		return -1;
	while (l->adisp.n <= id)
		*(uint32_t *)vec_push(&l->adisp, sizeof(uint32_t)) = VNONE;
	((uint32_t *)l->adisp.v)[id] = intern_put(l->s->addrs,
	    buf_str(&l->plain), NULL);
	return 0;
}

static int
on_field(void *arg, enum record_tag tag, struct str value)
{
	struct load	*l = arg;

	if (tag == RT_SUBJECT && l->subject.p == NULL)
		l->subject = value;
	return 0;
}

static int
on_msg(void *arg, const struct store_msg *m, struct err *err)
{
	struct load		*l = arg;
	struct engine_rec	 r;
	uint64_t		 before = engine_count(l->e);

	memset(&r, 0, sizeof(r));
	if (record_keys_decode(m->keys, m->keys_len, &l->sc, &r, err) == -1)
		return err_prefix(err, "message %lld: ", (long long)m->seq);
	r.has_date = m->date != STORE_NO_TIME;
	r.date = r.has_date ? m->date : 0;
	r.has_received = m->received != STORE_NO_TIME;
	r.received = r.has_received ? m->received : 0;
	r.auto_flags = m->flags & 0xffff;
	engine_add_rec(l->e, &r);
	if (engine_count(l->e) == before)
		return 0;		/* a duplicate: not kept */
	if (engine_count(l->e) >= VNONE)
		return err_set(err, ERR_LIMIT, "dashboard: too many messages "
		    "in one tenant");
	buf_reset(&l->plain);
	if (archive_open_sealed(l->ar, "messages", m->source_id, m->pos,
	    m->sealed, m->sealed_len, &l->plain, err) == -1)
		return -1;
	l->subject = STR_NULL;
	/* The sender shown comes from the keys: they must be the ones the
	 * fields were sealed with (record.h). */
	if (record_keys_check(m->keys, m->keys_len, l->plain.data,
	    l->plain.len, err) == -1 ||
	    record_plain_walk(l->plain.data, l->plain.len, on_field, l,
	    err) == -1)
		return err_prefix(err, "message %lld: ", (long long)m->seq);
	*(int64_t *)vec_push(&l->seq, sizeof(int64_t)) = m->seq;
	*(uint32_t *)vec_push(&l->subj, sizeof(uint32_t)) =
	    l->subject.p == NULL ? VNONE : intern_put(l->s->subjects,
	    l->subject, NULL);
	return 0;
}

/* ---- The sink ------------------------------------------------------------ */

static void
sink_sample(void *arg, const struct engine_sample *es)
{
	struct gcol	*g = &((struct load *)arg)->gc[es->group];
	int		 rep = es->kind == ENGINE_REPLY;
	struct csample	*c;

	switch (es->status) {
	case ENGINE_SAMPLE_OK:
		c = vec_push(rep ? &g->rep : &g->fr, sizeof(*c));
		c->t = es->t;
		c->cal = es->cal;
		c->biz = es->biz;
		c->msg = es->msg;
		c->from = es->from;
		break;
	case ENGINE_SAMPLE_NEGATIVE:
		*(int64_t *)vec_push(rep ? &g->rep_neg : &g->fr_neg,
		    sizeof(int64_t)) = es->t;
		break;
	case ENGINE_SAMPLE_OUTLIER:
		*(int64_t *)vec_push(rep ? &g->rep_out : &g->fr_out,
		    sizeof(int64_t)) = es->t;
		break;
	}
}

static void
push_event(struct vec *v, uint32_t msg, int64_t t)
{
	struct cevent	*c = vec_push(v, sizeof(*c));

	c->t = t;
	c->msg = msg;
}

static void
sink_received(void *arg, size_t g, uint32_t msg, int64_t t)
{
	push_event(&((struct load *)arg)->gc[g].recv, msg, t);
}

static void
sink_sent(void *arg, size_t g, uint32_t msg, int64_t t)
{
	push_event(&((struct load *)arg)->gc[g].sent, msg, t);
}

static void
sink_visible(void *arg, size_t g, uint32_t conv)
{
	*(uint32_t *)vec_push(&((struct load *)arg)->gc[g].vis,
	    sizeof(uint32_t)) = conv;
}

static void
sink_await(void *arg, const struct engine_await *a)
{
	struct vspan	*sp = vec_push(&((struct load *)arg)->gc[a->group].spans,
			    sizeof(*sp));

	sp->since = a->since;
	sp->from = a->from;
	sp->to = a->to;
	sp->conv = a->conv;
	sp->since_msg = a->since_msg;
}

/* ---- Sorting into the snapshot's orders ----------------------------------- */

/* The order of n items by (major, minor), both as unsigned keys. */
static uint32_t *
order2(const int64_t *major, const uint32_t *minor, uint32_t n)
{
	uint64_t	*key = xreallocarray(NULL, n ? n : 1, sizeof(*key));
	uint32_t	*p1 = xreallocarray(NULL, n ? n : 1, sizeof(*p1));
	uint32_t	*p2 = xreallocarray(NULL, n ? n : 1, sizeof(*p2));
	int64_t		 lo = INT64_MAX;

	for (uint32_t i = 0; i < n; i++)
		key[i] = minor[i];
	rstat_sort_idx(key, n, p1);
	for (uint32_t i = 0; i < n; i++)
		if (major[i] < lo)
			lo = major[i];
	for (uint32_t i = 0; i < n; i++)
		key[i] = (uint64_t)major[p1[i]] - (uint64_t)lo;
	rstat_sort_idx(key, n, p2);
	for (uint32_t i = 0; i < n; i++)
		p2[i] = p1[p2[i]];
	free(p1);
	free(key);
	return p2;
}

/* Stable order of n items by domain (VNONE last); off gets nd + 2
 * offsets (domain d's items are off[d]..off[d+1]). */
static uint32_t *
order_domain(const uint32_t *dom, uint32_t n, uint32_t nd, uint32_t **off)
{
	uint32_t	*o = xcalloc((size_t)nd + 2, sizeof(*o));
	uint32_t	*fill, *perm = xreallocarray(NULL, n ? n : 1,
			    sizeof(*perm));

	for (uint32_t i = 0; i < n; i++)
		o[(dom[i] == VNONE ? nd : dom[i]) + 1]++;
	for (uint32_t d = 0; d <= nd; d++)
		o[d + 1] += o[d];
	fill = xreallocarray(NULL, (size_t)nd + 1, sizeof(*fill));
	memcpy(fill, o, ((size_t)nd + 1) * sizeof(*fill));
	for (uint32_t i = 0; i < n; i++)
		perm[fill[dom[i] == VNONE ? nd : dom[i]]++] = i;
	free(fill);
	*off = o;
	return perm;
}

static int64_t *
sorted_times(struct vec *v, uint32_t *n_out)
{
	int64_t		*t = v->v;
	uint64_t	*key;
	uint32_t	*p, n = (uint32_t)v->n;
	int64_t		*out, lo = INT64_MAX;

	*n_out = n;
	key = xreallocarray(NULL, n ? n : 1, sizeof(*key));
	p = xreallocarray(NULL, n ? n : 1, sizeof(*p));
	out = xreallocarray(NULL, n ? n : 1, sizeof(*out));
	for (uint32_t i = 0; i < n; i++)
		if (t[i] < lo)
			lo = t[i];
	for (uint32_t i = 0; i < n; i++)
		key[i] = (uint64_t)t[i] - (uint64_t)lo;
	rstat_sort_idx(key, n, p);
	for (uint32_t i = 0; i < n; i++)
		out[i] = t[p[i]];
	free(key);
	free(p);
	free(v->v);
	v->v = NULL;
	return out;
}

static void
build_samples(struct view_snap *s, struct vec *v, struct vsamples *vs)
{
	struct csample	*c = v->v;
	uint32_t	 n = (uint32_t)v->n, *perm, *dom, *pd;
	int64_t		*t = xreallocarray(NULL, n ? n : 1, sizeof(*t));
	uint32_t	*mg = xreallocarray(NULL, n ? n : 1, sizeof(*mg));
	int64_t		*tmp;

	for (uint32_t i = 0; i < n; i++) {
		t[i] = c[i].t;
		mg[i] = c[i].msg;
	}
	perm = order2(t, mg, n);
	vs->n = n;
	vs->t = t;
	vs->msg = mg;
	vs->from = xreallocarray(NULL, n ? n : 1, sizeof(*vs->from));
	vs->cal = xreallocarray(NULL, n ? n : 1, sizeof(*vs->cal));
	vs->biz = xreallocarray(NULL, n ? n : 1, sizeof(*vs->biz));
	for (uint32_t i = 0; i < n; i++) {
		const struct csample *x = &c[perm[i]];

		t[i] = x->t;
		mg[i] = x->msg;
		vs->from[i] = x->from;
		vs->cal[i] = x->cal;
		vs->biz[i] = x->biz;
	}
	free(perm);
	free(v->v);
	v->v = NULL;
	rstat_build(&vs->rcal, vs->cal, n);
	rstat_build(&vs->rbiz, vs->biz, n);
	/* By the domain of the message answered. */
	dom = xreallocarray(NULL, n ? n : 1, sizeof(*dom));
	for (uint32_t i = 0; i < n; i++)
		dom[i] = vsnap_domain_of(s, vs->from[i]);
	pd = order_domain(dom, n, intern_count(s->domains), &vs->d_off);
	vs->d_t = xreallocarray(NULL, n ? n : 1, sizeof(*vs->d_t));
	tmp = xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	for (uint32_t i = 0; i < n; i++) {
		vs->d_t[i] = t[pd[i]];
		tmp[i] = vs->cal[pd[i]];
	}
	rstat_build(&vs->d_rcal, tmp, n);
	for (uint32_t i = 0; i < n; i++)
		tmp[i] = vs->biz[pd[i]];
	rstat_build(&vs->d_rbiz, tmp, n);
	free(tmp);
	free(pd);
	free(dom);
	s->bytes += (size_t)n * 56 + (size_t)n * 4 * 8;
}

static void
build_events(struct view_snap *s, struct vec *v, struct vevents *ev,
    int by_domain)
{
	struct cevent	*c = v->v;
	uint32_t	 n = (uint32_t)v->n, *perm, *dom, *pd;
	int64_t		*t = xreallocarray(NULL, n ? n : 1, sizeof(*t));
	uint32_t	*mg = xreallocarray(NULL, n ? n : 1, sizeof(*mg));

	for (uint32_t i = 0; i < n; i++) {
		t[i] = c[i].t;
		mg[i] = c[i].msg;
	}
	perm = order2(t, mg, n);
	for (uint32_t i = 0; i < n; i++) {
		t[i] = c[perm[i]].t;
		mg[i] = c[perm[i]].msg;
	}
	free(perm);
	free(v->v);
	v->v = NULL;
	ev->n = n;
	ev->t = t;
	ev->msg = mg;
	s->bytes += (size_t)n * 12;
	if (!by_domain)
		return;
	ev->how = xreallocarray(NULL, n ? n : 1, 1);
	for (uint32_t i = 0; i < n; i++)
		ev->how[i] = s->m[mg[i]].how;
	dom = xreallocarray(NULL, n ? n : 1, sizeof(*dom));
	for (uint32_t i = 0; i < n; i++)
		dom[i] = vsnap_domain_of(s, mg[i]);
	pd = order_domain(dom, n, intern_count(s->domains), &ev->d_off);
	ev->d_t = xreallocarray(NULL, n ? n : 1, sizeof(*ev->d_t));
	ev->d_msg = xreallocarray(NULL, n ? n : 1, sizeof(*ev->d_msg));
	for (uint32_t i = 0; i < n; i++) {
		ev->d_t[i] = t[pd[i]];
		ev->d_msg[i] = mg[pd[i]];
	}
	free(pd);
	free(dom);
	s->bytes += (size_t)n * 12;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The instant span sp opens: the later of since and from. */
static int64_t
span_open_at(const struct vspan *sp)
{
	return sp->since > sp->from ? sp->since : sp->from;
}

/* The awaiting count by domain (aw_off, aw_open, aw_end of view_priv.h):
 * each array sorted by time, then grouped by domain (a stable order). */
static void
build_span_domains(struct view_snap *s, struct vgroup *g)
{
	uint32_t	 nd = intern_count(s->domains), n = 0, *keep, *dom;
	uint32_t	*p1, *p2, *off;
	int64_t		*v, lo, *out;
	uint64_t	*key;

	keep = xreallocarray(NULL, g->nspans ? g->nspans : 1, sizeof(*keep));
	for (uint32_t i = 0; i < g->nspans; i++)
		if (g->spans[i].domain != VNONE &&
		    span_open_at(&g->spans[i]) < g->spans[i].to)
			keep[n++] = i;
	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	key = xreallocarray(NULL, n ? n : 1, sizeof(*key));
	dom = xreallocarray(NULL, n ? n : 1, sizeof(*dom));
	p1 = xreallocarray(NULL, n ? n : 1, sizeof(*p1));
	for (int pass = 0; pass < 2; pass++) {
		out = xreallocarray(NULL, n ? n : 1, sizeof(*out));
		lo = INT64_MAX;
		for (uint32_t k = 0; k < n; k++) {
			const struct vspan *sp = &g->spans[keep[k]];

			v[k] = pass == 0 ? span_open_at(sp) : sp->to;
			if (v[k] < lo)
				lo = v[k];
		}
		for (uint32_t k = 0; k < n; k++)
			key[k] = (uint64_t)v[k] - (uint64_t)lo;
		rstat_sort_idx(key, n, p1);
		for (uint32_t k = 0; k < n; k++)
			dom[k] = g->spans[keep[p1[k]]].domain;
		p2 = order_domain(dom, n, nd, &off);
		for (uint32_t k = 0; k < n; k++)
			out[k] = v[p1[p2[k]]];
		free(p2);
		if (pass == 0) {
			g->aw_off = off;
			g->aw_open = out;
		} else {
			free(off);
			g->aw_end = out;
		}
	}
	free(p1);
	free(dom);
	free(key);
	free(v);
	free(keep);
	s->bytes += (size_t)n * 2 * sizeof(int64_t) +
	    ((size_t)nd + 2) * sizeof(uint32_t);
}

static void
build_spans(struct view_snap *s, struct vec *v, struct vgroup *g)
{
	struct vspan	*sp = v->v;
	uint32_t	 n = (uint32_t)v->n, *perm, *cv;
	int64_t		*since = xreallocarray(NULL, n ? n : 1, sizeof(*since));
	int64_t		*mx, *mn, lo;
	uint64_t	*key;

	cv = xreallocarray(NULL, n ? n : 1, sizeof(*cv));
	for (uint32_t i = 0; i < n; i++) {
		since[i] = sp[i].since;
		cv[i] = sp[i].conv;
	}
	perm = order2(since, cv, n);
	g->nspans = n;
	g->spans = xreallocarray(NULL, n ? n : 1, sizeof(*g->spans));
	for (uint32_t i = 0; i < n; i++) {
		g->spans[i] = sp[perm[i]];
		g->spans[i].domain = vsnap_domain_of(s, g->spans[i].since_msg);
	}
	free(perm);
	free(cv);
	free(since);
	free(v->v);
	v->v = NULL;
	s->bytes += (size_t)n * sizeof(struct vspan);
	/* The trees over to and from (vspan_next). */
	for (g->span_leaves = 1; g->span_leaves < n; g->span_leaves *= 2)
		;
	mx = g->span_maxto = xreallocarray(NULL, 2 * (size_t)g->span_leaves,
	    sizeof(*g->span_maxto));
	mn = g->span_minfrom = xreallocarray(NULL, 2 * (size_t)g->span_leaves,
	    sizeof(*g->span_minfrom));
	for (uint32_t i = 0; i < g->span_leaves; i++) {
		mx[g->span_leaves + i] = i < n ? g->spans[i].to : INT64_MIN;
		mn[g->span_leaves + i] = i < n ? g->spans[i].from : INT64_MAX;
	}
	for (uint32_t k = g->span_leaves - 1; k >= 1; k--) {
		mx[k] = mx[2 * k] > mx[2 * k + 1] ? mx[2 * k] : mx[2 * k + 1];
		mn[k] = mn[2 * k] < mn[2 * k + 1] ? mn[2 * k] : mn[2 * k + 1];
	}
	s->bytes += 4 * (size_t)g->span_leaves * sizeof(*mx);
	g->span_froms = xreallocarray(NULL, n ? n : 1, sizeof(int64_t));
	g->span_tos = xreallocarray(NULL, n ? n : 1, sizeof(int64_t));
	g->span_by_to = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	key = xreallocarray(NULL, n ? n : 1, sizeof(*key));
	lo = INT64_MAX;
	for (uint32_t i = 0; i < n; i++) {
		g->span_froms[i] = g->spans[i].from;
		if (g->spans[i].to < lo)
			lo = g->spans[i].to;
	}
	for (uint32_t i = 0; i < n; i++)
		key[i] = (uint64_t)g->spans[i].to - (uint64_t)lo;
	rstat_sort_idx(key, n, g->span_by_to);
	for (uint32_t k = 0; k < n; k++)
		g->span_tos[k] = g->spans[g->span_by_to[k]].to;
	free(key);
	qsort(g->span_froms, n, sizeof(int64_t), cmp_i64);
	s->bytes += (size_t)n * (2 * sizeof(int64_t) + sizeof(uint32_t));
	build_span_domains(s, g);
}

/* Each conversation's kept messages: dated ones by (time, index), then
 * the undated ones by index. */
static void
build_conversations(struct view_snap *s)
{
	uint32_t	*off = xcalloc((size_t)s->nconv + 1, sizeof(*off));
	uint32_t	*fill, *list;

	for (uint32_t i = 0; i < s->nmsg; i++)
		off[s->m[i].conv + 1]++;
	for (uint32_t c = 0; c < s->nconv; c++)
		off[c + 1] += off[c];
	list = xreallocarray(NULL, s->nmsg ? s->nmsg : 1, sizeof(*list));
	fill = xreallocarray(NULL, s->nconv ? s->nconv : 1, sizeof(*fill));
	memcpy(fill, off, (size_t)s->nconv * sizeof(*fill));
	for (uint32_t i = 0; i < s->nmsg; i++)
		list[fill[s->m[i].conv]++] = i;
	free(fill);
	/* Insertion sort: conversations are short and mostly in order. */
	for (uint32_t c = 0; c < s->nconv; c++) {
		uint32_t *v = list + off[c], k = off[c + 1] - off[c];

		for (uint32_t j = 1; j < k; j++) {
			uint32_t x = v[j], p = j;
			const struct vmsg *mx = &s->m[x];

			while (p > 0) {
				const struct vmsg *mp = &s->m[v[p - 1]];
				int later;

				if ((mp->flags & VM_DATED) !=
				    (mx->flags & VM_DATED))
					later = !(mp->flags & VM_DATED);
				else if (!(mx->flags & VM_DATED))
					later = v[p - 1] > x;
				else
					later = mp->t > mx->t ||
					    (mp->t == mx->t && v[p - 1] > x);
				if (!later)
					break;
				v[p] = v[p - 1];
				p--;
			}
			v[p] = x;
		}
	}
	s->conv_off = off;
	s->conv_msgs = list;
	/* Conversations are numbered in the order of their first kept
	 * message, so these ascend. */
	s->conv_id = xreallocarray(NULL, s->nconv ? s->nconv : 1,
	    sizeof(*s->conv_id));
	for (uint32_t c = 0; c < s->nconv; c++)
		s->conv_id[c] = INT64_MAX;
	for (uint32_t i = 0; i < s->nmsg; i++)
		if (s->conv_id[s->m[i].conv] == INT64_MAX)
			s->conv_id[s->m[i].conv] = s->m[i].seq;
	for (uint32_t c = 1; c < s->nconv; c++)
		RT_ASSERT(s->conv_id[c - 1] < s->conv_id[c]);
	s->bytes += (size_t)s->nconv * 4 + (size_t)s->nmsg * 4;
}

uint32_t
vsnap_conv_find(const struct view_snap *s, int64_t id)
{
	uint32_t	c = vfig_lower(s->conv_id, s->nconv, id);

	return c < s->nconv && s->conv_id[c] == id ? c : VNONE;
}

uint32_t
vsnap_domain_of(const struct view_snap *s, uint32_t msg)
{
	uint32_t	a = s->m[msg].sender;

	return a == VNONE ? VNONE : s->addr_domain[a];
}

/* Per display address: its domain in s->domains. */
static void
build_domains(struct view_snap *s)
{
	uint32_t	n = intern_count(s->addrs);

	s->addr_domain = xreallocarray(NULL, n ? n : 1,
	    sizeof(*s->addr_domain));
	for (uint32_t a = 0; a < n; a++) {
		struct str d = addr_domain(intern_str(s->addrs, a));

		s->addr_domain[a] = d.len ? intern_put(s->domains, d, NULL) :
		    VNONE;
	}
}

/* Per kept message: what the run found and what it shows. */
static void
build_messages(struct load *l)
{
	struct view_snap	*s = l->s;
	struct engine_msg	 em;
	uint32_t		 k;

	s->nmsg = (uint32_t)engine_count(l->e);
	s->m = xcalloc(s->nmsg ? s->nmsg : 1, sizeof(*s->m));
	s->first_t = INT64_MAX;
	s->last_t = INT64_MIN;
	for (uint32_t i = 0; i < s->nmsg; i++) {
		struct vmsg *m = &s->m[i];

		engine_msg_get(l->e, i, &em);
		m->t = em.t;
		m->seq = ((int64_t *)l->seq.v)[i];
		m->conv = em.conv;
		m->subject = ((uint32_t *)l->subj.v)[i];
		m->parent = em.parent == ENGINE_NONE ? VNONE : em.parent;
		m->agent = em.agent;
		m->how = em.dated ? (uint8_t)vq_hour_of_week(s, em.t) : 0;
		m->sender = VNONE;
		if (em.sender.p != NULL &&
		    (k = intern_get(l->akeys, em.sender)) != INTERN_NONE &&
		    k < l->adisp.n)
			m->sender = ((uint32_t *)l->adisp.v)[k];
		m->flags = (em.dated ? VM_DATED : 0) |
		    (em.automated ? VM_AUTO : 0) |
		    (em.usable ? VM_USABLE : 0) |
		    (em.internal ? VM_INTERNAL : 0);
		if (em.usable) {
			if (em.t < s->first_t)
				s->first_t = em.t;
			if (em.t > s->last_t)
				s->last_t = em.t;
		}
	}
	s->empty = s->first_t == INT64_MAX;
	s->bytes += (size_t)s->nmsg * sizeof(*s->m);
}

static int
load_store(struct load *l, const char *db, const char *key_file,
    const char *tenant, struct err *err)
{
	struct buf	ini;
	int		r;

	if (archive_open(db, key_file, tenant, ARCHIVE_EXISTING, l->ar,
	    err) == -1)
		return -1;
	buf_init(&ini, 0);
	r = archive_settings_get(l->ar, &l->s->cfg, &ini, err);
	buf_free(&ini);
	if (r == -1)
		return -1;
	if (r == 1)
		return err_set(err, ERR_USAGE, "tenant \"%s\" has no settings: "
		    "store them with replytime settings set", tenant);
	l->e = engine_new();
	l->kc = keyed_new(l->s->cfg, archive_blind, l->ar);
	if (store_addr_scan(l->ar->st, l->ar->tid, on_addr, l, err) == -1 ||
	    store_msg_scan(l->ar->st, l->ar->tid, on_msg, l, err) == -1)
		return -1;
	return 0;
}

static int
run_engine(struct load *l, struct err *err)
{
	struct view_snap		*s = l->s;
	struct engine_classifier	 cl;
	struct engine_sink		 sink = {
		.sample = sink_sample, .received = sink_received,
		.sent = sink_sent, .visible = sink_visible,
		.await = sink_await, .arg = l,
	};
	/* All of history; "now" past every message (only the spans of
	 * awaiting are used, never the report's count at now). */
	struct report_opts		 o = {
		.has_from = 1, .from = INT64_MIN,
		.has_to = 1, .to = INT64_MAX,
		.has_now = 1, .now = INT64_MAX / 4,
	};

	keyed_classifier(l->kc, &cl);
	engine_set_classifier(l->e, &cl);
	s->nteams = s->cfg->nteams;
	s->ng = 1 + s->cfg->nteams + s->cfg->nagents;
	l->gc = xcalloc(s->ng, sizeof(*l->gc));
	l->ng = s->ng;
	if (engine_run_sink(l->e, s->cfg, &o, &sink, &s->totals, err) == -1)
		return -1;
	s->nconv = (uint32_t)s->totals->conversations;
	s->zone = s->cfg->hours != NULL ? s->cfg->hours->timezone.tz : NULL;
	return 0;
}

/*
 * Group g's business seconds summed every VBIZ_STEP from the week of the
 * first message to a year past the last one or the clock, whichever is
 * later (vfig_biz).  Nothing kept without a schedule (calendar time).
 */
static void
build_biz(struct view_snap *s, size_t g, struct vgroup *vg)
{
	const struct config_schedule	*sched;
	const struct config_ranges	*leave;
	int64_t				 end, now = (int64_t)time(NULL), t;

	vq_group_schedule(s, g, &sched, &leave);
	if (sched == NULL || s->first_t > s->last_t)
		return;
	vg->biz_t0 = s->first_t - (s->first_t % VBIZ_STEP + VBIZ_STEP) %
	    VBIZ_STEP;
	end = (s->last_t > now ? s->last_t : now) + 366 * 86400;
	if (end > BIZ_TIME_MAX)
		end = BIZ_TIME_MAX;
	if (end <= vg->biz_t0)
		return;
	vg->nbiz = (uint32_t)((end - vg->biz_t0) / VBIZ_STEP + 1);
	vg->biz_cum = xreallocarray(NULL, vg->nbiz, sizeof(*vg->biz_cum));
	vg->biz_cum[0] = 0;
	for (uint32_t k = 1; k < vg->nbiz; k++) {
		t = vg->biz_t0 + (int64_t)(k - 1) * VBIZ_STEP;
		vg->biz_cum[k] = vg->biz_cum[k - 1] +
		    biz_secs(sched, leave, t, t + VBIZ_STEP);
	}
	s->bytes += (size_t)vg->nbiz * sizeof(*vg->biz_cum);
}

static void
build_groups(struct load *l)
{
	struct view_snap	*s = l->s;

	s->g = xcalloc(s->ng, sizeof(*s->g));
	for (size_t g = 0; g < s->ng; g++) {
		struct gcol	*c = &l->gc[g];
		struct vgroup	*vg = &s->g[g];

		build_samples(s, &c->rep, &vg->rep);
		build_samples(s, &c->fr, &vg->fr);
		vg->rep.tneg = sorted_times(&c->rep_neg, &vg->rep.nneg);
		vg->rep.tout = sorted_times(&c->rep_out, &vg->rep.nout);
		vg->fr.tneg = sorted_times(&c->fr_neg, &vg->fr.nneg);
		vg->fr.tout = sorted_times(&c->fr_out, &vg->fr.nout);
		build_events(s, &c->recv, &vg->recv, 1);
		build_events(s, &c->sent, &vg->sent, 0);
		build_spans(s, &c->spans, vg);
		build_biz(s, g, vg);
		vg->nvis = (uint32_t)c->vis.n;
		vg->vis = c->vis.v;
		c->vis.v = NULL;
		s->bytes += (size_t)vg->nvis * 4;
	}
}

int
vsnap_build(const char *db, const char *key_file, const char *tenant,
    struct view_snap **out, struct err *err)
{
	struct archive	ar;
	struct load	l;
	int		rc = -1;

	memset(&ar, 0, sizeof(ar));
	memset(&l, 0, sizeof(l));
	l.ar = &ar;
	l.s = xcalloc(1, sizeof(*l.s));
	l.s->refs = 1;
	l.s->addrs = intern_new();
	l.s->subjects = intern_new();
	l.s->domains = intern_new();
	l.akeys = intern_new();
	buf_init(&l.plain, STORE_BLOB_MAX);
	if (load_store(&l, db, key_file, tenant, err) == -1 ||
	    run_engine(&l, err) == -1)
		goto out;
	l.s->zone = l.s->cfg->hours != NULL ?
	    l.s->cfg->hours->timezone.tz : NULL;
	build_messages(&l);
	engine_free(l.e);	/* the facts are all out: free it early */
	l.e = NULL;
	build_domains(l.s);
	build_conversations(l.s);
	build_groups(&l);
	l.s->bytes += intern_bytes(l.s->addrs) + intern_bytes(l.s->subjects) +
	    intern_bytes(l.s->domains);
	*out = l.s;
	l.s = NULL;
	rc = 0;
out:
	for (size_t g = 0; l.gc != NULL && g < l.ng; g++)
		gcol_free(&l.gc[g]);
	free(l.gc);
	free(l.adisp.v);
	free(l.seq.v);
	free(l.subj.v);
	buf_free(&l.plain);
	intern_free(l.akeys);
	record_scratch_free(&l.sc);
	engine_free(l.e);
	keyed_free(l.kc);
	archive_close(&ar);
	vsnap_free(l.s);
	return rc;
}
