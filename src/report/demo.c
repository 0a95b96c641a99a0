/*
 * demo.c: the demo-data simulation (demo.h).
 *
 * Model.  A discrete-event simulation of one company mailbox archive (the
 * journal of acme.example, every message in and out) over the period of
 * demo_period().  New conversations arrive as a Poisson process thinned
 * by the local time of whoever starts them: customers write mostly on
 * weekdays in their own working hours (hour_profile, WEEKEND_FACTOR),
 * agents start mail only while on duty, systems send around the clock.
 * Each conversation then schedules its next messages as events in a
 * priority queue ordered by delivery time, so the mbox is written in time
 * order while only the open conversations are held in memory.
 *
 * Conversation kinds (kind_share of arrivals):
 *  - support: a customer writes to support@ (or straight to an agent);
 *    the ticket system may acknowledge; an agent replies after a delay
 *    drawn from agent_delay (a mixture of log-normals), moved into the
 *    working hours of whoever is on duty (follow the sun: London, New
 *    York, Sydney, a night shift); customers follow up, chase slow
 *    replies, go out of office; some requests are forwarded internally
 *    first, some never get an answer;
 *  - sales: the same with the sales team and longer negotiations;
 *  - outbound: a sales agent writes to a prospect, who may answer; some
 *    bounce (MAILER-DAEMON, Return-Path: <>);
 *  - internal: agents writing among themselves;
 *  - newsletters (List-Id, List-Unsubscribe, Precedence: bulk) and
 *    notifications (noreply senders, Auto-Submitted: auto-generated).
 *
 * Time.  Each message has a delivery time (envelope, Received, mbox
 * order) and a Date a little earlier (transit), in the sender's own zone;
 * a few senders' clocks are off by minutes, so Date order has some
 * realistic disorder while the mbox stays in delivery order.
 *
 * Exactly opts->messages messages: the arrival rate is steered by how
 * many messages remain against how many the rest of the period should
 * bring (with its weekly shape), so the volume stays level and the last
 * message falls near the end of the period; the generator stops at the
 * count and whatever is still open stays unanswered, as in a real
 * export.
 *
 * This file holds the engine (queue, conversation pool, arrivals, rate,
 * output); demo_conv.c what happens inside conversations.  Every
 * parameter is a named constant in one of the two; docs/demo-data.md
 * describes them.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "demo.h"
#include "demo_priv.h"

#define FLUSH_AT		(1u << 20)	/* bytes before a sink call */
#define SLAB			256	/* conversations per allocation */

/* Shares of arriving conversations by kind. */
static const double	kind_share[NKINDS] = {
	0.50, 0.13, 0.07, 0.06, 0.14, 0.10 };

/* Arrival intensity by local hour on weekdays (customers, vendors). */
static const double	hour_profile[24] = {
	0.02, 0.01, 0.01, 0.01, 0.01, 0.03, 0.08, 0.25, 0.60, 0.95, 1.00,
	1.00, 0.75, 0.85, 0.95, 0.90, 0.80, 0.55, 0.35, 0.25, 0.20, 0.15,
	0.08, 0.04 };
#define WEEKEND_FACTOR		0.15
#define P_AGENT_OFF_DUTY_MAIL	0.03	/* agents mailing off duty */

#define P_SKEW			0.005	/* sender's clock off by minutes */
#define SKEW_MAX		(15 * DEMO_MIN)
#define TRANSIT_MAX		90	/* seconds, Date to delivery */

/*
 * Rate steering: messages a conversation of each kind brings (measured),
 * and the messages still to come per pending event.
 */
static const double	kind_yield[NKINDS] = {
	3.63, 3.62, 1.88, 2.09, 1.0, 1.0 };
#define PENDING_WEIGHT		1.6
#define PENDING_HORIZON		(1.0 * DEMO_DAY)
#define MEAN_YIELD		2.7	/* messages per conversation */
#define K_MIN			0.2

/* ---- queue and conversations ---- */

static int
ev_less(const struct demo_ev *a, const struct demo_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void
demo_schedule(struct demo_gen *g, int type, int64_t t, struct demo_conv *c,
    int who)
{
	struct demo_ev	e = { t, g->seq++, c, (int8_t)type, (int8_t)who };
	size_t		i;

	if (t >= g->cal.end)
		return;			/* after the period: never happens */
	if (g->nheap == g->capheap) {
		g->capheap = g->capheap ? g->capheap * 2 : 1024;
		g->heap = xreallocarray(g->heap, g->capheap, sizeof(*g->heap));
	}
	i = g->nheap++;
	while (i > 0 && ev_less(&e, &g->heap[(i - 1) / 2])) {
		g->heap[i] = g->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	g->heap[i] = e;
	c->pending++;
}

static struct demo_ev
pop(struct demo_gen *g)
{
	struct demo_ev	top = g->heap[0], last = g->heap[--g->nheap];
	size_t		i = 0, n = g->nheap;

	for (;;) {
		size_t	k = 2 * i + 1;

		if (k >= n)
			break;
		if (k + 1 < n && ev_less(&g->heap[k + 1], &g->heap[k]))
			k++;
		if (!ev_less(&g->heap[k], &last))
			break;
		g->heap[i] = g->heap[k];
		i = k;
	}
	if (n > 0)
		g->heap[i] = last;
	top.c->pending--;
	return top;
}

struct demo_conv *
demo_conv_new(struct demo_gen *g, enum demo_kind kind)
{
	struct demo_conv	*c;

	if (g->free == NULL) {
		struct demo_conv	*slab = xcalloc(SLAB, sizeof(*slab));

		g->slabs = xreallocarray(g->slabs, g->nslabs + 1,
		    sizeof(*g->slabs));
		g->slabs[g->nslabs++] = slab;
		for (size_t i = 0; i < SLAB; i++) {
			slab[i].next_free = g->free;
			g->free = &slab[i];
		}
	}
	c = g->free;
	g->free = c->next_free;
	memset(c, 0, sizeof(*c));
	c->kind = (uint8_t)kind;
	c->agent = -1;
	if (++g->open > g->st.max_open)
		g->st.max_open = g->open;
	return c;
}

/* Returns c to the pool once nothing more can happen to it. */
void
demo_conv_done(struct demo_gen *g, struct demo_conv *c)
{
	if (c->pending > 0)
		return;
	c->next_free = g->free;
	g->free = c;
	g->open--;
}

void
demo_add_ref(struct demo_conv *c, const struct demo_mid *id)
{
	if (c->nrefs == DEMO_MAX_REFS) {
		/* Keep the first and the latest, as mail clients do. */
		memmove(&c->refs[1], &c->refs[2],
		    (DEMO_MAX_REFS - 2) * sizeof(c->refs[0]));
		c->nrefs--;
	}
	c->refs[c->nrefs++] = *id;
	c->last = *id;
}

static uint64_t
next_key(struct demo_gen *g)
{
	return demo_mix(++g->serial ^ g->salt);
}

struct demo_mid
demo_new_mid(struct demo_gen *g, enum demo_mid_style style, uint32_t dom)
{
	struct demo_mid	m = { next_key(g), dom, (uint8_t)style };

	return m;
}

/* Local weekday (0 = Sunday) and hour of t in a region. */
void
demo_local_time(const struct demo_gen *g, enum demo_region r, int64_t t,
    int *wd, int *hour, int64_t *local_out)
{
	int64_t	local = t + demo_offset(&g->cal, r, t);
	int64_t	day = local / DEMO_DAY - (local % DEMO_DAY < 0);

	*wd = (int)(((day % 7) + 11) % 7);
	*hour = (int)((local - day * DEMO_DAY) / DEMO_HOUR);
	if (local_out != NULL)
		*local_out = local;
}

double
demo_profile(const struct demo_gen *g, enum demo_region r, int64_t t)
{
	int	wd, hour;

	demo_local_time(g, r, t, &wd, &hour, NULL);
	return hour_profile[hour] * (wd == 0 || wd == 6 ? WEEKEND_FACTOR :
	    1.0);
}

/* ---- output ---- */

static int
flush(struct demo_gen *g)
{
	if (g->failed || g->out.len == 0)
		return g->failed ? -1 : 0;
	if (g->sink(g->arg, g->out.data, g->out.len, g->err) == -1) {
		g->failed = 1;
		return -1;
	}
	g->st.bytes += g->out.len;
	buf_reset(&g->out);
	return 0;
}

void
demo_emit(struct demo_gen *g, struct demo_msg *m, int64_t t, int internal)
{
	int64_t	date;

	if (g->st.messages >= g->o->messages)
		return;
	m->t = t;
	date = t - (internal ? (int64_t)demo_below(&g->rng, 6) :
	    (int64_t)demo_below(&g->rng, TRANSIT_MAX + 1));
	if (!internal && demo_chance(&g->rng, P_SKEW))
		date += (int64_t)demo_below(&g->rng, 2 * SKEW_MAX) - SKEW_MAX;
	if (date < g->cal.start)
		date = g->cal.start;
	if (date >= g->cal.end)
		date = g->cal.end - 1;
	m->date = date;
	m->off = demo_offset(&g->cal, (enum demo_region)m->from->region,
	    date);
	if (m->body == NULL)
		m->body = "Hello, see the subject line. (Synthetic demo mail.)";
	demo_render(&g->people, &g->out, m);
	if (g->st.messages == 0 || date < g->st.first_date)
		g->st.first_date = date;
	if (g->st.messages == 0 || date > g->st.last_date)
		g->st.last_date = date;
	g->st.messages++;
	g->st.replies += m->irt != NULL;
	g->st.automated += (m->flags & MF_AUTOMATED) != 0;
	g->st.internal += internal;
	if (g->out.len >= FLUSH_AT)
		flush(g);
}

static enum demo_kind
pick_kind(struct demo_gen *g)
{
	double	u = demo_unif(&g->rng);
	int	k;

	for (k = 0; k + 1 < NKINDS && u >= kind_share[k]; k++)
		u -= kind_share[k];
	return (enum demo_kind)k;
}

static int
pick_vendor(struct demo_gen *g, int newsletter)
{
	int	v;

	do
		v = (int)demo_below(&g->rng, (uint32_t)demo_nvendors);
	while (demo_vendors[v].newsletter != newsletter);
	return v;
}

/* One arrival candidate at time t: thinned, then started. */
static void
arrival(struct demo_gen *g, int64_t t)
{
	enum demo_kind	kind = pick_kind(g);
	int		forced = g->forced, a, v;
	uint32_t	dom, person;
	struct demo_who	w;

	switch (kind) {
	case K_SUPPORT:
	case K_SALES:
		demo_pick_customer(&g->people, &g->rng, &dom, &person);
		demo_customer(&g->people, dom, person, &w);
		if (!forced && !demo_chance(&g->rng, demo_profile(g,
		    (enum demo_region)w.region, t)))
			return;
		g->st.conversations++;
		demo_start_customer(g, t, kind, dom, person);
		return;
	case K_OUTBOUND:
	case K_INTERNAL:
		a = kind == K_OUTBOUND ? demo_pick_weighted(g,
		    g->team[DEMO_SALES], (size_t)g->nteam[DEMO_SALES]) :
		    (int)demo_below(&g->rng, DEMO_NAGENTS);
		if (!forced && !demo_on_duty(&g->cal, a, t) &&
		    !demo_chance(&g->rng, P_AGENT_OFF_DUTY_MAIL))
			return;
		g->st.conversations++;
		if (kind == K_OUTBOUND)
			demo_start_outbound(g, t, a);
		else
			demo_start_internal(g, t, a);
		return;
	case K_NEWSLETTER:
	case K_NOTIFY:
	default:
		v = pick_vendor(g, kind == K_NEWSLETTER);
		if (!forced && !demo_chance(&g->rng, kind == K_NOTIFY ?
		    0.3 + 0.7 * demo_profile(g, demo_vendors[v].zone, t) :
		    demo_profile(g, demo_vendors[v].zone, t)))
			return;
		demo_send_bulk(g, t, v);
		return;
	}
}

/*
 * Messages per arrival candidate expected at t, up to the base rate: the
 * thinning of each kind times what it yields.  Customer regions and
 * vendors are averaged, agents counted on duty.
 */
static double
yield_at(struct demo_gen *g, int64_t t)
{
	double	cust = 0, duty = 0, bulk[2] = { 0, 0 };
	int	nbulk[2] = { 0, 0 };

	for (int r = 0; r < DEMO_NREGIONS; r++)
		cust += demo_zones[r].share * demo_profile(g,
		    (enum demo_region)r, t);
	for (int a = 0; a < DEMO_NAGENTS; a++)
		duty += demo_on_duty(&g->cal, a, t);
	duty /= DEMO_NAGENTS;
	duty += (1 - duty) * P_AGENT_OFF_DUTY_MAIL;
	for (size_t v = 0; v < demo_nvendors; v++) {
		int	nl = demo_vendors[v].newsletter;

		bulk[nl] += demo_profile(g, demo_vendors[v].zone, t);
		nbulk[nl]++;
	}
	return (kind_share[K_SUPPORT] * kind_yield[K_SUPPORT] +
	    kind_share[K_SALES] * kind_yield[K_SALES]) * cust +
	    (kind_share[K_OUTBOUND] * kind_yield[K_OUTBOUND] +
	    kind_share[K_INTERNAL] * kind_yield[K_INTERNAL]) * duty +
	    kind_share[K_NEWSLETTER] * kind_yield[K_NEWSLETTER] * bulk[1] /
	    nbulk[1] + kind_share[K_NOTIFY] * kind_yield[K_NOTIFY] *
	    (0.3 + 0.7 * bulk[0] / nbulk[0]);
}

/*
 * The weekly shape of the expected messages, from the last full week of
 * the period, hour by hour, cumulated: steer_at() integrates it.
 */
static void
steer_init(struct demo_gen *g)
{
	int64_t	day = g->cal.end / DEMO_DAY - 8;
	int64_t	ref = (day - (day % 7 + 10) % 7) * DEMO_DAY;	/* Monday */
	int64_t	week = WEEK_HOURS * DEMO_HOUR;

	g->week_cum[0] = 0;
	for (int h = 0; h < WEEK_HOURS; h++)
		g->week_cum[h + 1] = g->week_cum[h] + DEMO_HOUR *
		    yield_at(g, ref + h * DEMO_HOUR + DEMO_HOUR / 2);
	g->anchor = ref - (ref - g->cal.start + week - 1) / week * week;
}

/* The integral of the weekly shape from the anchor to t. */
static double
steer_at(const struct demo_gen *g, double t)
{
	double	x = t - (double)g->anchor, week = WEEK_HOURS * DEMO_HOUR;
	double	weeks = floor(x / week), rem = x - weeks * week, frac;
	int	h = (int)(rem / DEMO_HOUR);

	if (h >= WEEK_HOURS)
		h = WEEK_HOURS - 1;
	frac = rem - h * DEMO_HOUR;
	return weeks * g->week_cum[WEEK_HOURS] + g->week_cum[h] + frac *
	    (g->week_cum[h + 1] - g->week_cum[h]) / DEMO_HOUR;
}

/*
 * The next arrival candidate: a Poisson process whose rate is steered
 * towards ending the messages with the period.  Close to the end it only
 * halves the time left, so the count is always reached inside the period.
 */
static void
next_arrival(struct demo_gen *g)
{
	double	end = (double)g->cal.end - 1, left = end - g->arr_t;
	double	need, k, gap, w, cut;

	/* A pending event is one message; what follows it needs time. */
	w = left < PENDING_HORIZON ? left / PENDING_HORIZON : 1;
	need = (double)g->o->messages - (double)g->st.messages -
	    (1 + (PENDING_WEIGHT - 1) * w) * (double)g->nheap;
	/*
	 * What new arrivals would bring at the base rate: near the end
	 * their replies fall after it, so less than their full yield.
	 */
	if (left >= PENDING_HORIZON)
		cut = 1 - (MEAN_YIELD - 1) / MEAN_YIELD * PENDING_HORIZON /
		    (2 * left);
	else
		cut = (1 + (MEAN_YIELD - 1) * left / (2 * PENDING_HORIZON)) /
		    MEAN_YIELD;
	k = need / ((double)g->o->messages * cut * (g->total - steer_at(g,
	    g->arr_t) + steer_at(g, (double)g->cal.start)) / g->total);
	if (!(k > K_MIN))
		k = K_MIN;
	gap = demo_expo(&g->rng) / (g->base_rate * k);
	g->forced = 0;
	if (gap > left - 60) {
		gap = left / 2;
		g->forced = need > 0;
	}
	g->arr_t += gap;
}

static void
gen_free(struct demo_gen *g)
{
	for (size_t i = 0; i < g->nslabs; i++)
		free(g->slabs[i]);
	free(g->slabs);
	free(g->heap);
	buf_free(&g->out);
	demo_people_free(&g->people);
	demo_cal_free(&g->cal);
}

static int
check_opts(const struct demo_opts *o, struct err *err)
{
	if (o->messages < 1 || o->messages > DEMO_MESSAGES_MAX)
		return err_set(err, ERR_USAGE, "demo-data: the number of "
		    "messages must be 1 to %d", DEMO_MESSAGES_MAX);
	return 0;
}

int
demo_mbox(const struct demo_opts *o, demo_sink sink, void *arg,
    struct demo_stats *stats, struct err *err)
{
	struct demo_gen	g;
	int		rc;

	if (check_opts(o, err) == -1)
		return -1;
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.sink = sink;
	g.arg = arg;
	g.err = err;
	if (demo_cal_init(&g.cal, o->messages, err) == -1)
		return -1;
	demo_rng_seed(&g.rng, o->seed);
	g.salt = demo_rng_next(&g.rng);
	demo_people_init(&g.people, &g.rng);
	buf_init(&g.out, 0);
	for (int a = 0; a < DEMO_NAGENTS; a++)
		for (int t = 0; t < DEMO_NTEAMS; t++)
			if (demo_agents[a].teams & (1u << t))
				g.team[t][g.nteam[t]++] = a;
	steer_init(&g);
	g.total = steer_at(&g, (double)g.cal.end) -
	    steer_at(&g, (double)g.cal.start);
	g.base_rate = (double)o->messages / g.total;
	g.arr_t = (double)g.cal.start;
	next_arrival(&g);
	while (g.st.messages < o->messages && !g.failed) {
		int64_t	ta = (int64_t)g.arr_t;

		if (g.nheap == 0 || ta <= g.heap[0].t) {
			arrival(&g, ta);
			next_arrival(&g);
		} else {
			struct demo_ev	e = pop(&g);

			demo_handle(&g, &e);
		}
	}
	rc = flush(&g);
	if (stats != NULL)
		*stats = g.st;
	gen_free(&g);
	return rc;
}

int
demo_config(const struct demo_opts *o, struct buf *out, struct err *err)
{
	struct demo_cal_data	cal;

	if (check_opts(o, err) == -1)
		return -1;
	if (demo_cal_init(&cal, o->messages, err) == -1)
		return -1;
	demo_config_text(&cal, out);
	demo_cal_free(&cal);
	return 0;
}

