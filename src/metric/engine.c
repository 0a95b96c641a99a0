/*
 * engine.c: threading, reply samples, first replies, awaiting, volumes
 * and statistics, exactly as metrics spec version 1 defines them.
 *
 * Model.  engine_add() keeps every message that is not a duplicate
 * (section 4) as a struct emsg: its time under the configured
 * time_source, whether it is usable (section 3), its sender and
 * recipients as interned address ids, its own id, its parent id and the
 * ids it links to.  engine_run() then
 *  1. joins messages into conversations with a union-find over the id
 *     space (a message without an id is a node of its own);
 *  2. lists each conversation's usable messages in (time, source order);
 *  3. walks every conversation once for first replies, the
 *     oldest-unanswered clock, awaiting and received counts, and walks
 *     parent/child pairs for the parent clock;
 *  4. sorts each group's samples for the statistics of section 10.
 * Groups are numbered 0 (all), 1..T (teams), T+1..T+A (agents).
 * Section numbers in comments refer to the spec.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "biz.h"
#include "engine.h"
#include "engine_facts.h"
#include "intern.h"

#define NONE		UINT32_MAX
#define CC_BIT		0x80000000u

enum {
	HAS_DATE	= 1 << 0,
	HAS_RECEIVED	= 1 << 1,
};

/* Per run, from the configuration. */
enum {
	EM_DATED	= 1 << 0,
	EM_AUTO		= 1 << 1,
	EM_USABLE	= 1 << 2,
};

struct emsg {
	int64_t		 t;		/* per run: the chosen time */
	int64_t		 date, received;
	uint16_t	 auto_flags;	/* enum meta_auto */
	uint8_t		 has;		/* HAS_* */
	uint32_t	 sender;	/* address id or NONE */
	uint32_t	 id;		/* message id or NONE */
	uint32_t	 parent;	/* message id or NONE */
	uint32_t	 link_off, link_n;	/* ids in links[] */
	uint32_t	 rcpt_off, rcpt_n;	/* address ids | CC_BIT */
	uint32_t	 conv;
	uint8_t		 flags;
};

struct engine {
	struct engine_classifier classifier;
	struct intern		*addrs, *ids;
	int32_t			*addr_agent;	/* per address: agent or -1 */
	uint8_t			*addr_internal;
	size_t			 addr_cap;
	uint32_t		*id_msg;	/* per id: kept message or NONE */
	size_t			 id_cap;
	struct emsg		*msgs;
	uint32_t		 n, cap;
	uint32_t		*links, *rcpts;
	size_t			 nlinks, caplinks, nrcpts, caprcpts;
	int64_t			 duplicates;
};

static int	is_automated(int exclude_lists, unsigned f);

struct sample {
	int64_t		t, cal, biz;
};

struct samples {
	struct sample	*v;
	size_t		 n, cap;
};

/* Everything engine_run() needs while it walks. */
struct run {
	struct engine		*e;
	const struct config	*cfg;
	struct report		*r;
	size_t			 ng, nteams;
	struct samples		*rep, *fr;	/* per group */
	const struct config_schedule **sched;	/* per group */
	const struct config_ranges **leave;	/* per group */
	uint32_t		*conv_off, *conv_msgs;	/* usable, sorted */
	uint32_t		*all_off, *all_msgs;	/* every kept one */
	size_t			*gs;		/* scratch: one agent's groups,
						 * 2 + nteams at most */
	uint8_t			*mark;		/* scratch, per group */
	uint32_t		*when;		/* scratch, per group: the
						 * message a wait started at */
	const struct engine_sink *sink;	/* NULL, or engine_facts.h */
};

struct engine *
engine_new(void)
{
	struct engine	*e = xcalloc(1, sizeof(*e));

	e->addrs = intern_new();
	e->ids = intern_new();
	engine_set_classifier(e, NULL);
	return e;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	intern_free(e->addrs);
	intern_free(e->ids);
	free(e->addr_agent);
	free(e->addr_internal);
	free(e->id_msg);
	free(e->msgs);
	free(e->links);
	free(e->rcpts);
	free(e);
}

uint64_t
engine_count(const struct engine *e)
{
	return e->n;
}

size_t
engine_bytes(const struct engine *e)
{
	return (size_t)e->cap * sizeof(struct emsg) + e->caplinks * 4 +
	    e->caprcpts * 4 + e->addr_cap * 5 + e->id_cap * 4 +
	    intern_bytes(e->addrs) + intern_bytes(e->ids);
}

static uint32_t
addr_id(struct engine *e, struct str a)
{
	uint32_t	id;
	int		added;

	id = intern_put(e->addrs, a, &added);
	if (added && id >= e->addr_cap) {
		e->addr_cap = e->addr_cap ? e->addr_cap * 2 : 1024;
		e->addr_agent = xreallocarray(e->addr_agent, e->addr_cap,
		    sizeof(*e->addr_agent));
		e->addr_internal = xreallocarray(e->addr_internal,
		    e->addr_cap, 1);
	}
	return id;
}

/* The default classifier: keys are plaintext addresses. */
static void
classify_plain(void *arg, const struct config *cfg, struct str a,
    int32_t *agent_out, int *internal_out)
{
	size_t	agent;

	if (config_agent_find(cfg, a, &agent) == 0) {
		*agent_out = (int32_t)agent;
		*internal_out = 1;
	} else {
		*agent_out = -1;
		*internal_out = config_domain_internal(cfg, addr_domain(a));
	}
}

void
engine_set_classifier(struct engine *e, const struct engine_classifier *c)
{
	e->classifier.classify = c != NULL ? c->classify : classify_plain;
	e->classifier.arg = c != NULL ? c->arg : NULL;
}

/* Section 3: agents and internal addresses, under cfg. */
static void
classify_addrs(struct engine *e, const struct config *cfg)
{
	uint32_t	n = intern_count(e->addrs);
	int32_t		agent;
	int		internal;

	for (uint32_t id = 0; id < n; id++) {
		e->classifier.classify(e->classifier.arg, cfg,
		    intern_str(e->addrs, id), &agent, &internal);
		if (agent >= (int32_t)cfg->nagents)
			rt_fatal("engine: classifier gave agent %d of %zu",
			    (int)agent, cfg->nagents);
		e->addr_agent[id] = agent;
		e->addr_internal[id] = (uint8_t)(agent >= 0 || internal);
	}
}

/* Sections 2-3: each message's time and usability, under cfg. */
static void
classify_msgs(struct engine *e, const struct config *cfg)
{
	for (uint32_t i = 0; i < e->n; i++) {
		struct emsg *m = &e->msgs[i];

		m->flags = 0;
		if (cfg->rules.time_source == CONFIG_TIME_RECEIVED &&
		    (m->has & HAS_RECEIVED)) {
			m->t = m->received;
			m->flags |= EM_DATED;
		} else if (m->has & HAS_DATE) {
			m->t = m->date;
			m->flags |= EM_DATED;
		}
		if (is_automated(cfg->rules.exclude_lists, m->auto_flags))
			m->flags |= EM_AUTO;
		if ((m->flags & (EM_DATED | EM_AUTO)) == EM_DATED &&
		    m->sender != NONE)
			m->flags |= EM_USABLE;
	}
}

static uint32_t
msg_id(struct engine *e, struct str s)
{
	uint32_t	id;
	int		added;

	id = intern_put(e->ids, s, &added);
	if (added) {
		if (id >= e->id_cap) {
			size_t old = e->id_cap;

			e->id_cap = e->id_cap ? e->id_cap * 2 : 4096;
			e->id_msg = xreallocarray(e->id_msg, e->id_cap,
			    sizeof(*e->id_msg));
			memset(e->id_msg + old, 0xff, (e->id_cap - old) *
			    sizeof(*e->id_msg));
		}
	}
	return id;
}

static void
push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

/* Section 3: the automation markers that count under the rules. */
static int
is_automated(int exclude_lists, unsigned f)
{
	unsigned	always = AUTO_SUBMITTED | AUTO_PREC_JUNK |
			    AUTO_PREC_AUTO_REPLY | AUTO_X_AUTOREPLY |
			    AUTO_X_AUTORESPOND | AUTO_RETURN_PATH_NULL |
			    AUTO_ROBOT_SENDER;
	unsigned	lists = AUTO_PREC_BULK | AUTO_PREC_LIST |
			    AUTO_LIST_ID | AUTO_LIST_UNSUBSCRIBE |
			    AUTO_LIST_POST;

	return (f & always) != 0 || (exclude_lists && (f & lists) != 0);
}

/* A list of keys: elements of stride bytes, each starting with a str
 * (struct str arrays, and struct mail_addr arrays alike). */
struct keys {
	const void	*base;
	size_t		 n, stride;
};

static inline struct str
key_at(struct keys k, size_t i)
{
	return *(const struct str *)(const void *)((const char *)k.base +
	    i * k.stride);
}

static void
add_core(struct engine *e, const struct engine_rec *r, struct keys to,
    struct keys cc, struct keys irt, struct keys refs)
{
	struct emsg	*em;
	uint32_t	 own = NONE, x;
	size_t		 i;

	/* Section 4: a repeated id is a duplicate, dropped entirely. */
	if (r->id.p != NULL) {
		own = msg_id(e, r->id);
		if (e->id_msg[own] != NONE) {
			e->duplicates++;
			return;
		}
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 4096;
		e->msgs = xreallocarray(e->msgs, e->cap, sizeof(*e->msgs));
	}
	em = &e->msgs[e->n];
	memset(em, 0, sizeof(*em));
	em->id = own;
	if (own != NONE)
		e->id_msg[own] = e->n;
	/* Both times are kept; the run picks one (section 2). */
	if (r->has_date) {
		em->date = r->date;
		em->has |= HAS_DATE;
	}
	if (r->has_received) {
		em->received = r->received;
		em->has |= HAS_RECEIVED;
	}
	em->auto_flags = (uint16_t)r->auto_flags;
	em->sender = r->sender.p != NULL ? addr_id(e, r->sender) : NONE;
	/* Section 4: parent and links; the own id is ignored. */
	em->parent = NONE;
	em->link_off = (uint32_t)e->nlinks;
	for (i = 0; i < irt.n; i++) {
		x = msg_id(e, key_at(irt, i));
		if (x == own)
			continue;
		if (em->parent == NONE)
			em->parent = x;
		push_u32(&e->links, &e->nlinks, &e->caplinks, x);
	}
	for (i = 0; i < refs.n; i++) {
		x = msg_id(e, key_at(refs, i));
		if (x == own)
			continue;
		push_u32(&e->links, &e->nlinks, &e->caplinks, x);
	}
	if (em->parent == NONE) {
		/* The last References id that is not the own one. */
		for (i = refs.n; i > 0; i--) {
			x = intern_get(e->ids, key_at(refs, i - 1));
			if (x != own) {
				em->parent = x;
				break;
			}
		}
	}
	em->link_n = (uint32_t)(e->nlinks - em->link_off);
	em->rcpt_off = (uint32_t)e->nrcpts;
	for (i = 0; i < to.n; i++)
		push_u32(&e->rcpts, &e->nrcpts, &e->caprcpts,
		    addr_id(e, key_at(to, i)));
	for (i = 0; i < cc.n; i++)
		push_u32(&e->rcpts, &e->nrcpts, &e->caprcpts,
		    addr_id(e, key_at(cc, i)) | CC_BIT);
	em->rcpt_n = (uint32_t)(e->nrcpts - em->rcpt_off);
	e->n++;
}

void
engine_add(struct engine *e, const struct msg_meta *m)
{
	struct engine_rec	r = {
		.has_date = m->has_date, .date = m->date,
		.has_received = m->has_received, .received = m->received,
		.auto_flags = m->auto_flags,
		.sender = m->from.n > 0 ? m->from.v[0].addr : STR_NULL,
		.id = m->message_id,
	};
	struct keys		to = { m->to.v, m->to.n, sizeof(*m->to.v) };
	struct keys		cc = { m->cc.v, m->cc.n, sizeof(*m->cc.v) };
	struct keys		irt = { m->in_reply_to.v, m->in_reply_to.n,
				    sizeof(struct str) };
	struct keys		refs = { m->references.v, m->references.n,
				    sizeof(struct str) };

	add_core(e, &r, to, cc, irt, refs);
}

void
engine_add_rec(struct engine *e, const struct engine_rec *r)
{
	struct keys	to = { r->to, r->nto, sizeof(struct str) };
	struct keys	cc = { r->cc, r->ncc, sizeof(struct str) };
	struct keys	irt = { r->irt, r->nirt, sizeof(struct str) };
	struct keys	refs = { r->refs, r->nrefs, sizeof(struct str) };

	add_core(e, r, to, cc, irt, refs);
}

/* Union-find with path halving and union by size. */
static uint32_t
uf_find(uint32_t *up, uint32_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

static void
uf_union(uint32_t *up, uint32_t *size, uint32_t a, uint32_t b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a == b)
		return;
	if (size[a] < size[b]) {
		uint32_t t = a;

		a = b;
		b = t;
	}
	up[b] = a;
	size[a] += size[b];
}

/* Section 4: conversations; returns how many. */
static uint32_t
thread(struct engine *e)
{
	uint32_t	nids = intern_count(e->ids), nodes, *up, *size, *dense;
	uint32_t	extra = 0, nconv = 0, node;

	for (uint32_t i = 0; i < e->n; i++)
		if (e->msgs[i].id == NONE)
			extra++;
	nodes = nids + extra;
	up = xreallocarray(NULL, nodes ? nodes : 1, sizeof(*up));
	size = xreallocarray(NULL, nodes ? nodes : 1, sizeof(*size));
	for (uint32_t i = 0; i < nodes; i++) {
		up[i] = i;
		size[i] = 1;
	}
	extra = 0;
	for (uint32_t i = 0; i < e->n; i++) {
		struct emsg *m = &e->msgs[i];

		node = m->id != NONE ? m->id : nids + extra++;
		m->conv = node;		/* the node, for now */
		for (uint32_t k = 0; k < m->link_n; k++)
			uf_union(up, size, node, e->links[m->link_off + k]);
	}
	dense = size;		/* reused: root -> conversation number */
	memset(dense, 0xff, (size_t)nodes * sizeof(*dense));
	for (uint32_t i = 0; i < e->n; i++) {
		uint32_t root = uf_find(up, e->msgs[i].conv);

		if (dense[root] == NONE)
			dense[root] = nconv++;
		e->msgs[i].conv = dense[root];
	}
	free(up);
	free(size);
	return nconv;
}

/* Whether agent a (or -1) is in group g. */
static int
in_group(const struct run *rn, size_t g, int32_t a)
{
	const struct config_agent	*ag;

	if (a < 0)
		return 0;
	if (g == 0)
		return 1;
	if (g <= rn->nteams) {
		ag = &rn->cfg->agents[a];
		for (size_t k = 0; k < ag->nteams; k++)
			if (ag->teams[k] == g - 1)
				return 1;
		return 0;
	}
	return g - 1 - rn->nteams == (size_t)a;
}

/* The groups agent a belongs to, in order, into out (room for 2 +
 * nteams: rn->gs); returns how many. */
static size_t
groups_of(const struct run *rn, int32_t a, size_t *out)
{
	const struct config_agent	*ag;
	size_t				 n = 0;

	if (a < 0)
		return 0;
	ag = &rn->cfg->agents[a];
	out[n++] = 0;
	for (size_t k = 0; k < ag->nteams; k++)
		out[n++] = 1 + ag->teams[k];
	out[n++] = 1 + rn->nteams + (size_t)a;
	return n;
}

static int32_t
agent_of(const struct run *rn, uint32_t addr)
{
	return addr == NONE ? -1 : rn->e->addr_agent[addr];
}

static int
is_internal(const struct run *rn, uint32_t addr)
{
	return addr != NONE && rn->e->addr_internal[addr];
}

static int
in_period(const struct run *rn, int64_t t)
{
	return t >= rn->r->from && t < rn->r->to;
}

/* Tells the sink, if any, of a sample of message r from message q. */
static void
tell_sample(struct run *rn, size_t g, int is_reply, uint32_t q, uint32_t r,
    enum engine_sample_status st, int64_t biz)
{
	struct engine_sample	s;

	if (rn->sink == NULL || rn->sink->sample == NULL)
		return;
	s.group = g;
	s.kind = is_reply ? ENGINE_REPLY : ENGINE_FIRST_REPLY;
	s.status = st;
	s.msg = r;
	s.from = q;
	s.t = rn->e->msgs[r].t;
	s.cal = rn->e->msgs[r].t - rn->e->msgs[q].t;
	s.biz = biz;
	rn->sink->sample(rn->sink->arg, &s);
}

/* Records a sample of group g (sections 6, 7): message r answering
 * message q, when r's time is in the period; negative values and
 * outliers are counted, not kept. */
static void
add_sample(struct run *rn, size_t g, int is_reply, uint32_t q, uint32_t r)
{
	int64_t			 t0 = rn->e->msgs[q].t, t1 = rn->e->msgs[r].t;
	struct report_kind	*k = is_reply ? &rn->r->groups[g].replies :
				    &rn->r->groups[g].first_reply;
	struct samples		*s = is_reply ? &rn->rep[g] : &rn->fr[g];
	int64_t			 cap = rn->cfg->rules.outlier_cap;
	int64_t			 v = t1 - t0;

	if (!in_period(rn, t1))
		return;
	if (v < 0) {
		k->negative++;
		tell_sample(rn, g, is_reply, q, r, ENGINE_SAMPLE_NEGATIVE, 0);
		return;
	}
	if (cap > 0 && v > cap) {
		k->outliers++;
		tell_sample(rn, g, is_reply, q, r, ENGINE_SAMPLE_OUTLIER, 0);
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].t = t1;
	s->v[s->n].cal = v;
	s->v[s->n].biz = biz_secs(rn->sched[g], rn->leave[g], t0, t1);
	tell_sample(rn, g, is_reply, q, r, ENGINE_SAMPLE_OK, s->v[s->n].biz);
	s->n++;
}

static int
cmp_by_time(const void *pa, const void *pb, void *arg)
{
	const struct emsg	*m = arg;
	uint32_t		 a = *(const uint32_t *)pa;
	uint32_t		 b = *(const uint32_t *)pb;

	if (m[a].t != m[b].t)
		return m[a].t < m[b].t ? -1 : 1;
	return a < b ? -1 : a > b;
}

/*
 * Lists, per conversation, the indices of messages that pass keep() in
 * (time, source order); off[c]..off[c+1] delimit conversation c.
 */
static void
by_conversation(struct engine *e, uint32_t nconv, int usable_only,
    uint32_t **off_out, uint32_t **list_out)
{
	uint32_t	*off = xcalloc((size_t)nconv + 1, sizeof(*off));
	uint32_t	*fill, *list;
	uint32_t	 n = 0;

	for (uint32_t i = 0; i < e->n; i++)
		if (!usable_only || (e->msgs[i].flags & EM_USABLE)) {
			off[e->msgs[i].conv + 1]++;
			n++;
		}
	for (uint32_t c = 0; c < nconv; c++)
		off[c + 1] += off[c];
	list = xreallocarray(NULL, n ? n : 1, sizeof(*list));
	fill = xreallocarray(NULL, nconv ? nconv : 1, sizeof(*fill));
	memcpy(fill, off, (size_t)nconv * sizeof(*fill));
	for (uint32_t i = 0; i < e->n; i++)
		if (!usable_only || (e->msgs[i].flags & EM_USABLE))
			list[fill[e->msgs[i].conv]++] = i;
	free(fill);
	/* Source order already holds within a conversation; sort by time
	 * where the times disagree with it (undated ones are never in the
	 * usable lists, and their order does not matter elsewhere). */
	if (usable_only)
		for (uint32_t c = 0; c < nconv; c++) {
			uint32_t *v = list + off[c], k = off[c + 1] - off[c];

			for (uint32_t j = 1; j < k; j++)
				if (e->msgs[v[j]].t < e->msgs[v[j - 1]].t) {
					qsort_r(v, k, sizeof(*v), cmp_by_time,
					    e->msgs);
					break;
				}
		}
	*off_out = off;
	*list_out = list;
}

/* Section 8: the groups that see conversation c, marked in rn->mark. */
static void
mark_visible(struct run *rn, uint32_t c)
{
	const struct engine	*e = rn->e;
	size_t			*gs = rn->gs, n;

	if (rn->cfg->rules.visibility == CONFIG_VIS_ALL) {
		memset(rn->mark, 1, rn->ng);
		return;
	}
	memset(rn->mark, 0, rn->ng);
	for (uint32_t j = rn->all_off[c]; j < rn->all_off[c + 1]; j++) {
		const struct emsg *m = &e->msgs[rn->all_msgs[j]];

		n = groups_of(rn, agent_of(rn, m->sender), gs);
		for (size_t k = 0; k < n; k++)
			rn->mark[gs[k]] = 1;
		for (uint32_t k = 0; k < m->rcpt_n; k++) {
			uint32_t r = e->rcpts[m->rcpt_off + k];

			if ((r & CC_BIT) && !rn->cfg->rules.count_cc)
				continue;
			n = groups_of(rn, agent_of(rn, r & ~CC_BIT), gs);
			for (size_t q = 0; q < n; q++)
				rn->mark[gs[q]] = 1;
		}
	}
}

/* Whether message m starts or keeps a wait for group g (sections 6, 8):
 * external, or with exclude_internal = no, not from g. */
static int
waits_for(const struct run *rn, const struct emsg *m, size_t g)
{
	int32_t	a = agent_of(rn, m->sender);

	if (in_group(rn, g, a))
		return 0;
	return !is_internal(rn, m->sender) || !rn->cfg->rules.exclude_internal;
}

/* Section 7: first reply time of one conversation. */
static void
first_replies(struct run *rn, const uint32_t *v, uint32_t k)
{
	const struct emsg	*s, *m;
	size_t			*gs = rn->gs, n;

	if (k == 0)
		return;
	s = &rn->e->msgs[v[0]];
	if (is_internal(rn, s->sender))
		return;
	memset(rn->mark, 0, rn->ng);
	for (uint32_t j = 1; j < k; j++) {
		m = &rn->e->msgs[v[j]];
		n = groups_of(rn, agent_of(rn, m->sender), gs);
		for (size_t q = 0; q < n; q++) {
			if (rn->mark[gs[q]])
				continue;
			rn->mark[gs[q]] = 1;
			add_sample(rn, gs[q], 0, v[0], v[j]);
		}
	}
}

/* Section 6, clock_start = oldest-unanswered, for one conversation. */
static void
oldest_unanswered(struct run *rn, const uint32_t *v, uint32_t k)
{
	const struct emsg	*m;

	for (size_t g = 0; g < rn->ng; g++)
		rn->when[g] = NONE;
	for (uint32_t j = 0; j < k; j++) {
		m = &rn->e->msgs[v[j]];
		for (size_t g = 0; g < rn->ng; g++) {
			if (in_group(rn, g, agent_of(rn, m->sender))) {
				if (rn->when[g] != NONE)
					add_sample(rn, g, 1, rn->when[g], v[j]);
				rn->when[g] = NONE;
			} else if (rn->when[g] == NONE &&
			    waits_for(rn, m, g))
				rn->when[g] = v[j];
		}
	}
}

/*
 * For the sink: the rule of awaiting_and_received() below evaluated at
 * every instant at once.  The state only changes at message times, once
 * every message of that time is in (section 8: "at or before now"), so
 * conversation c awaits g during spans [from, to), each with its waiting
 * since message; to is INT64_MAX for a wait still open.
 */
static void
await_spans(struct run *rn, uint32_t c, size_t g, const uint32_t *v,
    uint32_t k)
{
	const struct emsg	*m;
	struct engine_await	 a = { .group = g, .conv = c };
	uint32_t		 j = 0, wait = NONE, cur = NONE, w;
	int64_t			 t, from = 0;

	while (j < k) {
		t = rn->e->msgs[v[j]].t;
		for (; j < k && (m = &rn->e->msgs[v[j]])->t == t; j++) {
			if (in_group(rn, g, agent_of(rn, m->sender)))
				wait = NONE;
			else if (wait == NONE && waits_for(rn, m, g))
				wait = v[j];
		}
		w = waits_for(rn, &rn->e->msgs[v[j - 1]], g) ? wait : NONE;
		if (w == cur)
			continue;
		if (cur != NONE) {
			a.since_msg = cur;
			a.since = rn->e->msgs[cur].t;
			a.from = from;
			a.to = t;
			rn->sink->await(rn->sink->arg, &a);
		}
		cur = w;
		from = t;
	}
	if (cur != NONE) {
		a.since_msg = cur;
		a.since = rn->e->msgs[cur].t;
		a.from = from;
		a.to = INT64_MAX;
		rn->sink->await(rn->sink->arg, &a);
	}
}

/* Section 8: awaiting at now, and received, for one conversation. */
static void
awaiting_and_received(struct run *rn, uint32_t c, const uint32_t *v,
    uint32_t k)
{
	const struct emsg	*m, *last;
	struct report_group	*rg;
	uint32_t		 nk = 0, j, start;

	mark_visible(rn, c);
	while (nk < k && rn->e->msgs[v[nk]].t <= rn->r->now)
		nk++;
	for (size_t g = 0; g < rn->ng; g++) {
		if (!rn->mark[g])
			continue;
		rg = &rn->r->groups[g];
		for (j = 0; j < k; j++) {
			m = &rn->e->msgs[v[j]];
			if (!is_internal(rn, m->sender) && in_period(rn, m->t)) {
				rg->received++;
				if (rn->sink != NULL &&
				    rn->sink->received != NULL)
					rn->sink->received(rn->sink->arg, g,
					    v[j], m->t);
			}
		}
		if (rn->sink != NULL) {
			if (rn->sink->visible != NULL)
				rn->sink->visible(rn->sink->arg, g, c);
			if (rn->sink->await != NULL)
				await_spans(rn, c, g, v, k);
		}
		if (nk == 0)
			continue;
		last = &rn->e->msgs[v[nk - 1]];
		if (!waits_for(rn, last, g))
			continue;
		/* Waiting since the first qualifying message after g's
		 * last one (or since the start). */
		for (start = nk; start > 0; start--)
			if (in_group(rn, g, agent_of(rn,
			    rn->e->msgs[v[start - 1]].sender)))
				break;
		for (j = start; j < nk; j++)
			if (waits_for(rn, &rn->e->msgs[v[j]], g))
				break;
		if (j == nk)
			continue;	/* cannot happen: last qualifies */
		if (rg->awaiting == 0 || rn->r->now - rn->e->msgs[v[j]].t >
		    rg->oldest_secs)
			rg->oldest_secs = rn->r->now - rn->e->msgs[v[j]].t;
		rg->awaiting++;
	}
}

/* The usable parent of message i when i is usable too, else NONE. */
static uint32_t
usable_parent(const struct engine *e, uint32_t i)
{
	const struct emsg	*m = &e->msgs[i];
	uint32_t		 q;

	if (!(m->flags & EM_USABLE) || m->parent == NONE ||
	    (q = e->id_msg[m->parent]) == NONE ||
	    !(e->msgs[q].flags & EM_USABLE))
		return NONE;
	return q;
}

/* Section 6, clock_start = parent: each usable message's replies. */
static void
parent_samples(struct run *rn)
{
	struct engine	*e = rn->e;
	uint32_t	*off = xcalloc((size_t)e->n + 1, sizeof(*off));
	uint32_t	*kids, *fill, q, n = 0;
	size_t		*gs = rn->gs, ng;

	for (uint32_t i = 0; i < e->n; i++)
		if ((q = usable_parent(e, i)) != NONE) {
			off[q + 1]++;
			n++;
		}
	for (uint32_t i = 0; i < e->n; i++)
		off[i + 1] += off[i];
	kids = xreallocarray(NULL, n ? n : 1, sizeof(*kids));
	fill = xreallocarray(NULL, e->n ? e->n : 1, sizeof(*fill));
	memcpy(fill, off, (size_t)e->n * sizeof(*fill));
	for (uint32_t i = 0; i < e->n; i++)
		if ((q = usable_parent(e, i)) != NONE)
			kids[fill[q]++] = i;
	free(fill);
	for (q = 0; q < e->n; q++) {
		uint32_t	k = off[q + 1] - off[q], *v = kids + off[q];
		const struct emsg *qm = &e->msgs[q];
		int32_t		qa = agent_of(rn, qm->sender);

		if (k == 0)
			continue;
		if (k > 1)
			qsort_r(v, k, sizeof(*v), cmp_by_time, e->msgs);
		memset(rn->mark, 0, rn->ng);
		for (uint32_t j = 0; j < k; j++) {
			const struct emsg *r = &e->msgs[v[j]];

			ng = groups_of(rn, agent_of(rn, r->sender), gs);
			for (size_t x = 0; x < ng; x++) {
				size_t g = gs[x];

				/* Only g's first reply to q counts. */
				if (rn->mark[g])
					continue;
				rn->mark[g] = 1;
				if (in_group(rn, g, qa))
					continue;
				if (rn->cfg->rules.exclude_internal &&
				    is_internal(rn, qm->sender))
					continue;
				add_sample(rn, g, 1, q, v[j]);
			}
		}
	}
	free(kids);
	free(off);
}

/*
 * Sorts n non-negative values: an LSD radix sort, one pass per byte that
 * the largest value needs (three for a 30-day cap).  Statistics sort
 * every group's samples twice, so this beats qsort's callbacks by far on
 * a million samples.  tmp holds n values.
 */
static void
sort_values(int64_t *v, int64_t *tmp, size_t n)
{
	uint64_t	max = 0;
	size_t		count[256];
	int64_t		*src = v, *dst = tmp, *t;

	for (size_t i = 0; i < n; i++)
		if ((uint64_t)v[i] > max)
			max = (uint64_t)v[i];
	for (unsigned shift = 0; shift < 64 && (max >> shift) != 0;
	    shift += 8) {
		size_t	sum = 0, c;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[((uint64_t)src[i] >> shift) & 255]++;
		for (size_t d = 0; d < 256; d++) {
			c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[((uint64_t)src[i] >> shift) & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/* Section 10 over values v[0..n), n > 0, all >= 0; tmp holds n. */
static void
stats(const struct config *cfg, int64_t *v, int64_t *tmp, size_t n,
    struct report_stats *st)
{
	int64_t		sum = 0;
	size_t		ns = cfg->rules.sla_targets.n, j = 0;

	sort_values(v, tmp, n);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	st->min = v[0];
	st->max = v[n - 1];
	st->median = v[(n + 1) / 2 - 1];		/* rank ceil(n/2) */
	st->p90 = v[(9 * n + 9) / 10 - 1];		/* rank ceil(0.9n) */
	/* Nearest whole second, halves away from zero (sum >= 0). */
	st->mean = (int64_t)(((uint64_t)sum * 2 + n) / (2 * n));
	st->within_n = xcalloc(ns ? ns : 1, sizeof(*st->within_n));
	for (size_t t = 0; t < ns; t++) {
		while (j < n && v[j] <= cfg->rules.sla_targets.v[t])
			j++;
		st->within_n[t] = (int64_t)j;
	}
}

static void
finish_kind(const struct config *cfg, struct samples *s,
    struct report_kind *k)
{
	int64_t	*v, *tmp;

	k->count = (int64_t)s->n;
	if (s->n == 0)
		return;
	v = xreallocarray(NULL, s->n, sizeof(*v));
	tmp = xreallocarray(NULL, s->n, sizeof(*tmp));
	for (size_t i = 0; i < s->n; i++)
		v[i] = s->v[i].cal;
	stats(cfg, v, tmp, s->n, &k->cal);
	for (size_t i = 0; i < s->n; i++)
		v[i] = s->v[i].biz;
	stats(cfg, v, tmp, s->n, &k->biz);
	free(tmp);
	free(v);
}

/* Names, schedules and leave of every group (sections 5, 9). */
static void
setup_groups(struct run *rn)
{
	const struct config	*cfg = rn->cfg;
	struct report_group	*g;

	rn->nteams = cfg->nteams;
	rn->ng = 1 + cfg->nteams + cfg->nagents;
	rn->r->ngroups = rn->ng;
	rn->r->groups = xcalloc(rn->ng, sizeof(*rn->r->groups));
	rn->sched = xcalloc(rn->ng, sizeof(*rn->sched));
	rn->leave = xcalloc(rn->ng, sizeof(*rn->leave));
	rn->rep = xcalloc(rn->ng, sizeof(*rn->rep));
	rn->fr = xcalloc(rn->ng, sizeof(*rn->fr));
	rn->mark = xcalloc(rn->ng, 1);
	rn->gs = xcalloc(2 + cfg->nteams, sizeof(*rn->gs));
	rn->when = xcalloc(rn->ng, sizeof(*rn->when));
	g = &rn->r->groups[0];
	g->kind = GROUP_ALL;
	g->name = "all";
	rn->sched[0] = cfg->hours;
	for (size_t t = 0; t < cfg->nteams; t++) {
		g = &rn->r->groups[1 + t];
		g->kind = GROUP_TEAM;
		g->name = cfg->teams[t].name;
		rn->sched[1 + t] = config_team_schedule(cfg, t);
	}
	for (size_t a = 0; a < cfg->nagents; a++) {
		g = &rn->r->groups[1 + cfg->nteams + a];
		g->kind = GROUP_AGENT;
		g->name = cfg->agents[a].addr;
		rn->sched[1 + cfg->nteams + a] = config_agent_schedule(cfg, a);
		rn->leave[1 + cfg->nteams + a] = &cfg->agents[a].leave;
	}
}

/* Section 12: the default period spans the usable messages. */
static int
set_period(struct run *rn, const struct report_opts *o, struct err *err)
{
	struct engine	*e = rn->e;
	int64_t		 lo = INT64_MAX, hi = INT64_MIN;

	for (uint32_t i = 0; i < e->n; i++)
		if (e->msgs[i].flags & EM_USABLE) {
			if (e->msgs[i].t < lo)
				lo = e->msgs[i].t;
			if (e->msgs[i].t > hi)
				hi = e->msgs[i].t;
		}
	rn->r->empty = lo == INT64_MAX;
	if (rn->r->empty)
		lo = hi = 0;
	rn->r->from = o->has_from ? o->from : lo;
	rn->r->to = o->has_to ? o->to : hi + 1;
	rn->r->now = o->has_now ? o->now : rn->r->to;
	if (rn->r->from >= rn->r->to)
		return err_set(err, ERR_USAGE, "the period is empty: --from "
		    "must be before --to");
	return 0;
}

int
engine_run(struct engine *e, const struct config *cfg,
    const struct report_opts *o, struct report **out, struct err *err)
{
	return engine_run_sink(e, cfg, o, NULL, out, err);
}

int
engine_run_sink(struct engine *e, const struct config *cfg,
    const struct report_opts *o, const struct engine_sink *sink,
    struct report **out, struct err *err)
{
	struct run	 rn = { .e = e, .cfg = cfg, .sink = sink };
	uint32_t	 nconv;
	int		 rc = -1;

	classify_addrs(e, cfg);
	classify_msgs(e, cfg);
	rn.r = xcalloc(1, sizeof(*rn.r));
	rn.r->cfg = cfg;
	if (set_period(&rn, o, err) == -1)
		goto out;
	setup_groups(&rn);
	nconv = thread(e);
	rn.r->messages = e->n;
	rn.r->duplicates = e->duplicates;
	rn.r->conversations = nconv;
	for (uint32_t i = 0; i < e->n; i++) {
		rn.r->undated += !(e->msgs[i].flags & EM_DATED);
		rn.r->automated += (e->msgs[i].flags & EM_AUTO) != 0;
	}
	by_conversation(e, nconv, 1, &rn.conv_off, &rn.conv_msgs);
	by_conversation(e, nconv, 0, &rn.all_off, &rn.all_msgs);
	for (uint32_t c = 0; c < nconv; c++) {
		const uint32_t	*v = rn.conv_msgs + rn.conv_off[c];
		uint32_t	 k = rn.conv_off[c + 1] - rn.conv_off[c];

		first_replies(&rn, v, k);
		if (cfg->rules.clock_start == CONFIG_CLOCK_OLDEST_UNANSWERED)
			oldest_unanswered(&rn, v, k);
		awaiting_and_received(&rn, c, v, k);
	}
	if (cfg->rules.clock_start == CONFIG_CLOCK_PARENT)
		parent_samples(&rn);
	/* Section 8: sent. */
	for (uint32_t i = 0; i < e->n; i++) {
		size_t	*gs = rn.gs, n;

		if (!(e->msgs[i].flags & EM_USABLE) ||
		    !in_period(&rn, e->msgs[i].t))
			continue;
		n = groups_of(&rn, agent_of(&rn, e->msgs[i].sender), gs);
		for (size_t q = 0; q < n; q++) {
			rn.r->groups[gs[q]].sent++;
			if (sink != NULL && sink->sent != NULL)
				sink->sent(sink->arg, gs[q], i,
				    e->msgs[i].t);
		}
	}
	for (size_t g = 0; g < rn.ng; g++) {
		finish_kind(cfg, &rn.rep[g], &rn.r->groups[g].replies);
		finish_kind(cfg, &rn.fr[g], &rn.r->groups[g].first_reply);
	}
	*out = rn.r;
	rn.r = NULL;
	rc = 0;
out:
	for (size_t g = 0; g < rn.ng; g++) {
		free(rn.rep[g].v);
		free(rn.fr[g].v);
	}
	free(rn.rep);
	free(rn.fr);
	free(rn.sched);
	free(rn.leave);
	free(rn.mark);
	free(rn.gs);
	free(rn.when);
	free(rn.conv_off);
	free(rn.conv_msgs);
	free(rn.all_off);
	free(rn.all_msgs);
	report_free(rn.r);
	return rc;
}

void
engine_msg_get(const struct engine *e, uint32_t i, struct engine_msg *out)
{
	const struct emsg	*m = &e->msgs[i];

	RT_ASSERT(i < e->n);
	out->conv = m->conv;
	out->t = m->t;
	out->dated = (m->flags & EM_DATED) != 0;
	out->automated = (m->flags & EM_AUTO) != 0;
	out->usable = (m->flags & EM_USABLE) != 0;
	out->sender = m->sender == NONE ? STR_NULL :
	    intern_str(e->addrs, m->sender);
	out->agent = m->sender == NONE ? -1 : e->addr_agent[m->sender];
	out->internal = m->sender != NONE && e->addr_internal[m->sender];
	out->parent = usable_parent(e, i);
	if (out->parent == NONE)
		out->parent = ENGINE_NONE;
}

struct top {
	uint32_t	addr;
	uint32_t	count;
};

static int
cmp_top(const void *pa, const void *pb)
{
	const struct top	*a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

size_t
engine_top_senders(const struct engine *e, int lists_automated, size_t n,
    struct str *out, double *list_share_out)
{
	uint32_t	 na = intern_count(e->addrs), dated = 0, listed = 0;
	unsigned	 list_marks = AUTO_PREC_BULK | AUTO_PREC_LIST |
			    AUTO_LIST_ID | AUTO_LIST_UNSUBSCRIBE |
			    AUTO_LIST_POST;
	struct top	*t = xcalloc(na ? na : 1, sizeof(*t));
	size_t		 k = 0;

	for (uint32_t id = 0; id < na; id++)
		t[id].addr = id;
	for (uint32_t i = 0; i < e->n; i++) {
		const struct emsg *m = &e->msgs[i];

		if (!(m->has & HAS_DATE))
			continue;
		dated++;
		if (m->auto_flags & list_marks)
			listed++;
		if (m->sender != NONE &&
		    !is_automated(lists_automated, m->auto_flags))
			t[m->sender].count++;
	}
	qsort(t, na, sizeof(*t), cmp_top);
	for (; k < n && k < na && t[k].count > 0; k++)
		out[k] = intern_str(e->addrs, t[k].addr);
	free(t);
	*list_share_out = dated ? (double)listed / dated : 0;
	return k;
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	for (size_t g = 0; g < r->ngroups; g++) {
		free(r->groups[g].replies.cal.within_n);
		free(r->groups[g].replies.biz.within_n);
		free(r->groups[g].first_reply.cal.within_n);
		free(r->groups[g].first_reply.biz.within_n);
	}
	free(r->groups);
	free(r);
}
