/*
 * demo_internal.c: the demo data's mail that involves no customer:
 * agents writing among themselves (with Priya from finance now and then),
 * and the newsletters and notifications arriving from outside (see
 * demo.c for the model).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "demo_priv.h"

static const struct demo_mixture internal_delay[] = {
	{ 1.00, 25 * DEMO_MIN, 1.0 },
};
#define P_INTERNAL_REPLY	0.75	/* someone answers, */
#define DECAY_INTERNAL		0.50	/* times this per round */
#define PRIYA			DEMO_NAGENTS	/* finance, not an agent */

static void
internal_who(int part, struct demo_who *w)
{
	if (part == PRIYA)
		demo_fixed_who("Priya Shah", "priya.shah@acme.example", w);
	else
		demo_agent_who(part, 0, w);
}

static void
internal_message(struct demo_gen *g, struct demo_conv *c, int64_t t, int sender)
{
	struct demo_who		who[4];
	struct demo_msg		m = { 0 };
	struct demo_mid		id = demo_new_mid(g, MID_ACME, 0);
	char			subj[160];
	int			sp = c->parts[sender];

	internal_who(sp, &who[0]);
	m.from = &who[0];
	for (int i = 0, k = 1; i < c->nparts; i++) {
		if (i == sender)
			continue;
		internal_who(c->parts[i], &who[k]);
		if (c->rounds == 0 || i == c->last_sender)
			m.to[m.nto++] = &who[k];
		else
			m.cc[m.ncc++] = &who[k];
		k++;
	}
	demo_fill_subject(c, subj, sizeof(subj));
	m.prefix = c->rounds == 0 ? "" : demo_agent_prefix(sp);
	m.subject = subj;
	m.id = id;
	if (c->rounds > 0)
		m.irt = &c->last;
	m.refs = c->refs;
	m.nrefs = c->nrefs;
	m.date_style = 1;
	m.body = "See below; let me know what you think.";
	demo_emit(g, &m, t, 1);
	demo_add_ref(c, &id);
	c->last_sender = (int8_t)sender;
	c->rounds++;
}

static void
schedule_internal_reply(struct demo_gen *g, struct demo_conv *c, int64_t t)
{
	double	p = P_INTERNAL_REPLY;
	int	r;
	int64_t	tr;

	for (int i = 1; i < c->rounds; i++)
		p *= DECAY_INTERNAL;
	if (!demo_chance(&g->rng, p))
		return;
	r = (c->last_sender + 1 + (int)demo_below(&g->rng,
	    (uint32_t)c->nparts - 1)) % c->nparts;
	tr = t + (int64_t)demo_sample(g, internal_delay,
	    nitems(internal_delay));
	if (c->parts[r] != PRIYA && !demo_on_duty(&g->cal, c->parts[r], tr) &&
	    demo_chance(&g->rng, P_DEFER_OFF_DUTY))
		tr = demo_defer_to_duty(g, c->parts[r], tr);
	demo_schedule(g, EV_INTERNAL_REPLY, tr, c, r);
}

/* The next message of an internal thread, and maybe the one after. */
void
demo_internal_reply(struct demo_gen *g, struct demo_conv *c, int64_t t,
    int who)
{
	internal_message(g, c, t, who);
	schedule_internal_reply(g, c, t);
}

void
demo_start_internal(struct demo_gen *g, int64_t t, int a)
{
	struct demo_conv	*c = demo_conv_new(g, K_INTERNAL);
	int		 n = 1 + (int)demo_below(&g->rng, 2);

	c->parts[c->nparts++] = (int8_t)a;
	while (c->nparts < n + 1) {
		int	x = (int)demo_below(&g->rng, DEMO_NAGENTS), dup = 0;

		for (int i = 0; i < c->nparts; i++)
			dup |= c->parts[i] == x;
		if (!dup)
			c->parts[c->nparts++] = (int8_t)x;
	}
	if (demo_chance(&g->rng, 0.15))
		c->parts[c->nparts++] = PRIYA;
	c->topic = TOPIC_INTERNAL;
	c->subj = (uint16_t)demo_below(&g->rng,
	    (uint32_t)demo_topic_size(TOPIC_INTERNAL));
	c->num = 100000 + demo_below(&g->rng, 900000);
	internal_message(g, c, t, 0);
	schedule_internal_reply(g, c, t);
	demo_conv_done(g, c);
}

/* ---- bulk mail ---- */

void
demo_send_bulk(struct demo_gen *g, int64_t t, int vendor)
{
	const struct demo_vendor *v = &demo_vendors[vendor];
	struct demo_who		 from, to;
	struct demo_msg		 m = { 0 };
	char			 subj[160];
	uint32_t		 num;

	/* Newsletters are numbered by week since 4 January 2010. */
	num = v->newsletter ? (uint32_t)((t / DEMO_DAY - 14613) / 7 + 1) :
	    1000 + demo_below(&g->rng, 90000);
	demo_expand(v->subject, num, subj, sizeof(subj));
	demo_fixed_who(v->name, "", &from);
	snprintf(from.addr, sizeof(from.addr), "%s@%s", v->local, v->domain);
	from.region = (uint8_t)v->zone;
	demo_agent_who((int)demo_below(&g->rng, DEMO_NAGENTS), 0, &to);
	m.from = &from;
	m.to[m.nto++] = &to;
	m.prefix = "";
	m.subject = subj;
	m.id = strcmp(v->domain, "acme.example") == 0 ?
	    demo_new_mid(g, MID_HELPDESK, 0) : demo_new_mid(g, MID_VENDOR,
	    (uint32_t)vendor);
	m.flags = v->flags;
	m.vendor = vendor;
	m.date_style = v->newsletter ? 2 : 3;
	m.body = v->newsletter ? "View this newsletter in your browser." :
	    "This is an automated notification; please do not reply.";
	demo_emit(g, &m, t, strcmp(v->domain, "acme.example") == 0);
	g->st.conversations++;
}
