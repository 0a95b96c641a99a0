/*
 * demo_conv.c: what happens in a conversation of the demo data (see
 * demo.c for the model): who answers, when, and with which headers.
 *
 * Agents answer after a delay drawn from agent_delay; the answer comes
 * from whoever of the team is on duty then (the agent already handling
 * the conversation when possible), or, when nobody is, mostly from the
 * first to come on duty.  Customers answer after customer_delay, in their
 * own waking hours and often not at weekends, chase answers slower than
 * CHASE_AFTER, copy colleagues, go out of office.  Every probability is a
 * named constant below.
 */
#include <stdint.h>
#include <string.h>

#include "demo_priv.h"

/* Delays: share, median (seconds) and sigma of each log-normal. */
static const struct demo_mixture agent_delay[] = {
	{ 0.60, 40 * DEMO_MIN, 0.9 },		/* fast */
	{ 0.30, 6 * DEMO_HOUR, 0.7 },		/* slow */
	{ 0.10, 3 * DEMO_DAY, 0.6 },		/* very slow */
};
static const struct demo_mixture customer_delay[] = {
	{ 0.50, 1 * DEMO_HOUR, 1.0 },
	{ 0.40, 8 * DEMO_HOUR, 0.8 },
	{ 0.10, 2 * DEMO_DAY, 0.7 },
};
static const struct demo_mixture prospect_delay[] = {
	{ 0.60, 5 * DEMO_HOUR, 1.0 },
	{ 0.40, 2 * DEMO_DAY, 0.7 },
};
#define P_SHARED_ADDRESS	0.70	/* customers write to support@ */
#define P_TICKET_ACK		0.60	/* support@ mail acknowledged */
#define P_CUSTOMER_CC		0.15	/* a colleague in Cc */
#define P_COLLEAGUE_WRITES	0.25	/* that colleague follows up */
#define P_INTL_SUBJECT		0.30	/* non-English customers */
#define P_UNANSWERED_SUPPORT	0.06	/* never answered */
#define P_UNANSWERED_SALES	0.04
#define CHASE_AFTER		(20 * DEMO_HOUR)
#define P_CHASE			0.35	/* chase a reply slower than that */
#define P_FORWARD		0.07	/* first reply is an internal Fwd */
#define P_FORWARD_LEAD		0.40	/* ... to the team lead */
#define P_FORWARD_REFS		0.50	/* the Fwd keeps References */
#define P_CUSTOMER_OOO		0.03	/* customer auto-reply to an agent */
#define P_AGENT_CC		0.08	/* agent copies a colleague */
#define P_TEAM_CC		0.25	/* agent copies support@ */
#define P_FOLLOWUP_SUPPORT	0.50	/* customer answers the agent, */
#define DECAY_SUPPORT		0.55	/* times this per round */
#define P_FOLLOWUP_SALES	0.60
#define DECAY_SALES		0.70
#define P_ANSWER_FOLLOWUP	0.85	/* agent answers a follow-up */
#define MAX_ROUNDS		8
#define P_PROSPECT_REPLY	0.30
#define P_BOUNCE		0.04
#define P_STICKY		0.85	/* same agent again when on duty */
#define P_NIGHT_DEFER		0.75	/* customers wait for the morning */
#define P_WEEKEND_DEFER		0.60	/* ... and for Monday */
#define P_ALIAS			0.30	/* alice writes from her alias */
#define MIN_HUMAN_DELAY		60	/* seconds before anyone answers */

#define SAMPLE(g, m)		demo_sample((g), (m), nitems(m))
#define OLIVIA			11	/* team lead, in both teams */

/* ---- random choices ---- */

double
demo_sample(struct demo_gen *g, const struct demo_mixture *m, size_t n)
{
	double	u = demo_unif(&g->rng), d;
	size_t	i;

	for (i = 0; i + 1 < n && u >= m[i].share; i++)
		u -= m[i].share;
	d = demo_lognormal(&g->rng, m[i].median, m[i].sigma);
	return d < MIN_HUMAN_DELAY ? MIN_HUMAN_DELAY : d;
}

int
demo_pick_weighted(struct demo_gen *g, const int *v, size_t n)
{
	double	sum = 0, u;

	for (size_t i = 0; i < n; i++)
		sum += demo_agents[v[i]].weight;
	u = demo_unif(&g->rng) * sum;
	for (size_t i = 0; i < n; i++) {
		u -= demo_agents[v[i]].weight;
		if (u < 0)
			return v[i];
	}
	return v[n - 1];
}

static int
team_of(const struct demo_conv *c)
{
	return c->kind == K_SUPPORT ? DEMO_SUPPORT : DEMO_SALES;
}

static struct demo_mid
customer_mid(struct demo_gen *g, const struct demo_conv *c)
{
	return demo_new_mid(g, g->people.dom[c->dom].free ? MID_FREEMAIL :
	    MID_COMPANY, c->dom);
}

/* Customers answer in their waking hours, and often not at weekends. */
static int64_t
customer_defer(struct demo_gen *g, enum demo_region r, int64_t t)
{
	int	wd, hour;
	int64_t	local, day0;

	demo_local_time(g, r, t, &wd, &hour, &local);
	day0 = local - local % DEMO_DAY;
	if ((hour >= 22 || hour < 7) && demo_chance(&g->rng, P_NIGHT_DEFER)) {
		int64_t	target = day0 + (hour >= 22 ? DEMO_DAY : 0) +
		    7 * DEMO_HOUR + 30 * DEMO_MIN;

		t += target - local + (int64_t)(demo_expo(&g->rng) * 90 *
		    DEMO_MIN);
		demo_local_time(g, r, t, &wd, &hour, &local);
		day0 = local - local % DEMO_DAY;
	}
	if ((wd == 0 || wd == 6) && demo_chance(&g->rng, P_WEEKEND_DEFER)) {
		int64_t	target = day0 + (wd == 6 ? 2 : 1) * DEMO_DAY +
		    8 * DEMO_HOUR;

		t += target - local + (int64_t)(demo_expo(&g->rng) * 2 *
		    DEMO_HOUR);
	}
	return t;
}

/*
 * When agent a answers something due at t while off duty: a short while
 * after coming on duty (reading the queue first).  INT64_MAX: never.
 */
int64_t
demo_defer_to_duty(struct demo_gen *g, int a, int64_t t)
{
	int64_t	next = demo_next_duty(&g->cal, a, t);

	if (next == INT64_MAX)
		return next;
	return next + 2 * DEMO_MIN + (int64_t)(demo_expo(&g->rng) * 20 *
	    DEMO_MIN);
}

/* ---- conversations: the agents' side ---- */

static int
on_duty_list(struct demo_gen *g, int team, int64_t t, int *v)
{
	int	n = 0;

	for (int i = 0; i < g->nteam[team]; i++)
		if (demo_on_duty(&g->cal, g->team[team][i], t))
			v[n++] = g->team[team][i];
	return n;
}

/*
 * Decides who answers c's latest customer message (sent at tq) and when;
 * forced >= 0 names the agent.  Follow the sun: whoever of the team is on
 * duty then, preferably the agent already handling it; nobody on duty:
 * mostly wait for the first one to come on duty.
 */
static void
schedule_agent_reply(struct demo_gen *g, struct demo_conv *c, int64_t tq,
    int forced)
{
	int	team = team_of(c), v[DEMO_NAGENTS], n, a = forced;
	int64_t	tr = tq + (int64_t)SAMPLE(g, agent_delay);

	if (a >= 0) {
		if (!demo_on_duty(&g->cal, a, tr) &&
		    demo_chance(&g->rng, P_DEFER_OFF_DUTY))
			tr = demo_defer_to_duty(g, a, tr);
	} else if (c->agent >= 0 && demo_on_duty(&g->cal, c->agent, tr) &&
	    demo_chance(&g->rng, P_STICKY))
		a = c->agent;
	else if ((n = on_duty_list(g, team, tr, v)) > 0)
		a = demo_pick_weighted(g, v, (size_t)n);
	else if (demo_chance(&g->rng, P_DEFER_OFF_DUTY)) {
		int64_t	best = INT64_MAX;

		for (int i = 0; i < g->nteam[team]; i++) {
			int	x = g->team[team][i];
			int64_t	nx = demo_next_duty(&g->cal, x, tr);

			if (nx < best || (nx == best && x == c->agent)) {
				best = nx;
				a = x;
			}
		}
		if (c->agent >= 0 && best != INT64_MAX &&
		    demo_next_duty(&g->cal, c->agent, tr) <= best +
		    4 * DEMO_HOUR)
			a = c->agent;
		if (best == INT64_MAX)
			return;
		tr = demo_defer_to_duty(g, a, tr);
	} else {
		n = 0;
		for (int i = 0; i < g->nteam[team]; i++)
			if (!demo_on_leave(&g->cal, g->team[team][i], tr))
				v[n++] = g->team[team][i];
		if (n == 0)
			return;
		a = c->agent >= 0 && !demo_on_leave(&g->cal, c->agent, tr) ?
		    c->agent : demo_pick_weighted(g, v, (size_t)n);
	}
	if (tr == INT64_MAX)
		return;
	if (!c->chased && tr - tq > CHASE_AFTER &&
	    demo_chance(&g->rng, P_CHASE)) {
		int64_t	tc = tq + CHASE_AFTER + (int64_t)(demo_unif(&g->rng) *
		    0.8 * (double)(tr - tq - CHASE_AFTER));

		c->chased = 1;
		demo_schedule(g, EV_CHASE, tc, c, -1);
	}
	demo_schedule(g, EV_AGENT_REPLY, tr, c, a);
}

static void
schedule_customer_reply(struct demo_gen *g, struct demo_conv *c, int64_t t,
    const struct demo_mixture *m, size_t nm)
{
	struct demo_who	w;
	int64_t		tc;

	demo_customer(&g->people, c->dom, c->person, &w);
	tc = customer_defer(g, (enum demo_region)w.region,
	    t + (int64_t)demo_sample(g, m, nm));
	demo_schedule(g, EV_CUSTOMER_REPLY, tc, c, -1);
}

const char *
demo_agent_prefix(int agent)
{
	return agent % 2 == 0 ? "RE: " : "Re: ";
}

void
demo_fill_subject(const struct demo_conv *c, char *s, size_t size)
{
	demo_subject((enum demo_topic)c->topic, c->subj, c->num, s, size);
}

/*
 * Whom agent a forwards a request to at t: the team lead (escalation),
 * sales (a sales lead) or another support agent; never someone on leave.
 * -1: nobody.
 */
static int
forward_target(struct demo_gen *g, int a, int64_t t)
{
	int	cand[3], first;

	cand[0] = OLIVIA;
	cand[1] = demo_pick_weighted(g, g->team[DEMO_SALES],
	    (size_t)g->nteam[DEMO_SALES]);
	cand[2] = g->team[DEMO_SUPPORT][demo_below(&g->rng,
	    (uint32_t)g->nteam[DEMO_SUPPORT])];
	first = demo_chance(&g->rng, P_FORWARD_LEAD) ? 0 :
	    demo_chance(&g->rng, 0.5) ? 1 : 2;
	for (int i = 0; i < 3; i++) {
		int	b = cand[(first + i) % 3];

		if (b != a && !demo_on_leave(&g->cal, b, t))
			return b;
	}
	return -1;
}

/* Agent a forwards the customer's mail to colleague b, who answers. */
static void
agent_forward(struct demo_gen *g, struct demo_conv *c, int64_t t, int a,
    int b)
{
	struct demo_who		from, to;
	struct demo_msg		m = { 0 };
	struct demo_mid		id = demo_new_mid(g, MID_ACME, 0);
	char			subj[160];

	demo_agent_who(a, 0, &from);
	demo_agent_who(b, 0, &to);
	demo_fill_subject(c, subj, sizeof(subj));
	m.from = &from;
	m.to[0] = &to;
	m.nto = 1;
	m.prefix = demo_chance(&g->rng, 0.5) ? "Fwd: " : "FW: ";
	m.subject = subj;
	m.id = id;
	m.date_style = 1;
	if (demo_chance(&g->rng, P_FORWARD_REFS)) {
		m.refs = &c->last_customer;
		m.nrefs = 1;
	}
	m.body = "Could you take this one, please? Forwarded below.";
	demo_emit(g, &m, t, 1);
	c->agent = (int8_t)b;
	schedule_agent_reply(g, c, t, b);
}

/* Agent a writes in c: the first message of an outbound one, or a reply. */
static void
agent_message(struct demo_gen *g, struct demo_conv *c, int64_t t, int a)
{
	struct demo_who		from, cust, cc, team, coll;
	struct demo_msg		m = { 0 };
	struct demo_mid		id = demo_new_mid(g, MID_ACME, 0);
	char			subj[160];
	int			first = c->nrefs == 0;
	int			sales = team_of(c) == DEMO_SALES;

	demo_agent_who(a, a == 0 && demo_chance(&g->rng, P_ALIAS), &from);
	demo_customer(&g->people, c->dom, c->from_cc ? c->cc_person :
	    c->person, &cust);
	demo_fill_subject(c, subj, sizeof(subj));
	m.from = &from;
	m.to[m.nto++] = &cust;
	if (c->has_cc) {
		demo_customer(&g->people, c->dom, c->from_cc ? c->person :
		    c->cc_person, &cc);
		m.cc[m.ncc++] = &cc;
	}
	if (c->shared && demo_chance(&g->rng, P_TEAM_CC)) {
		demo_fixed_who(sales ? "Acme Sales" : "Acme Support", sales ?
		    "sales@acme.example" : "support@acme.example", &team);
		m.cc[m.ncc++] = &team;
	}
	if (demo_chance(&g->rng, P_AGENT_CC)) {
		int	x = g->team[team_of(c)][demo_below(&g->rng,
			    (uint32_t)g->nteam[team_of(c)])];

		if (x != a) {
			demo_agent_who(x, 0, &coll);
			m.cc[m.ncc++] = &coll;
		}
	}
	m.prefix = first ? "" : demo_agent_prefix(a);
	m.subject = subj;
	m.id = id;
	m.irt = first ? NULL : &c->last_customer;
	m.refs = c->refs;
	m.nrefs = c->nrefs;
	m.date_style = 1;
	m.body = first ? "Following up as promised; details below." :
	    "Thank you for your message; please find our answer below.";
	demo_emit(g, &m, t, 1);
	demo_add_ref(c, &id);
	c->answered = 1;
	c->agent = (int8_t)a;
	c->rounds++;
	c->chased = 0;
}

static void
ev_agent_reply(struct demo_gen *g, struct demo_conv *c, int64_t t, int a)
{
	int	sales = team_of(c) == DEMO_SALES, b;
	double	p;

	if (!c->answered && c->kind == K_SUPPORT &&
	    demo_chance(&g->rng, P_FORWARD) &&
	    (b = forward_target(g, a, t)) >= 0) {
		c->answered = 1;
		agent_forward(g, c, t, a, b);
		return;
	}
	agent_message(g, c, t, a);
	if (demo_chance(&g->rng, P_CUSTOMER_OOO)) {
		demo_schedule(g, EV_CUSTOMER_OOO, t + 10 +
		    demo_below(&g->rng, 80), c, a);
		return;
	}
	p = sales ? P_FOLLOWUP_SALES : P_FOLLOWUP_SUPPORT;
	for (int r = 1; r < c->rounds; r++)
		p *= sales ? DECAY_SALES : DECAY_SUPPORT;
	if (c->rounds < MAX_ROUNDS && demo_chance(&g->rng, p))
		schedule_customer_reply(g, c, t, customer_delay,
		    nitems(customer_delay));
}

/* ---- conversations: the customers' side ---- */

/* The customer's recipients: the agent handling it, else the team. */
static void
customer_rcpts(struct demo_gen *g, struct demo_conv *c, struct demo_msg *m,
    struct demo_who *agent, struct demo_who *team, struct demo_who *cc)
{
	int	sales = team_of(c) == DEMO_SALES;

	if (c->agent >= 0) {
		demo_agent_who(c->agent, 0, agent);
		m->to[m->nto++] = agent;
	}
	if (c->agent < 0 || (c->shared && demo_chance(&g->rng, 0.3))) {
		demo_fixed_who(sales ? "Acme Sales" : "Acme Support", sales ?
		    "sales@acme.example" : "support@acme.example", team);
		if (c->agent < 0)
			m->to[m->nto++] = team;
		else
			m->cc[m->ncc++] = team;
	}
	if (c->has_cc) {
		demo_customer(&g->people, c->dom, c->from_cc ? c->person :
		    c->cc_person, cc);
		m->cc[m->ncc++] = cc;
	}
}

static const char *
customer_prefix(struct demo_gen *g, const struct demo_who *w)
{
	if (w->region == REG_BERLIN && demo_chance(&g->rng, 0.4))
		return "AW: ";
	return demo_chance(&g->rng, 0.3) ? "RE: " : "Re: ";
}

static int
customer_date_style(const struct demo_conv *c)
{
	return (int)(demo_mix(c->dom) % 3);
}

static void
ev_customer_reply(struct demo_gen *g, struct demo_conv *c, int64_t t, int chase)
{
	struct demo_who		from, agent, team, cc;
	struct demo_msg		m = { 0 };
	struct demo_mid		id = customer_mid(g, c);
	char			subj[160];

	c->from_cc = !chase && c->has_cc &&
	    demo_chance(&g->rng, P_COLLEAGUE_WRITES);
	demo_customer(&g->people, c->dom, c->from_cc ? c->cc_person :
	    c->person, &from);
	demo_fill_subject(c, subj, sizeof(subj));
	m.from = &from;
	customer_rcpts(g, c, &m, &agent, &team, &cc);
	m.prefix = customer_prefix(g, &from);
	m.subject = subj;
	m.id = id;
	m.irt = chase ? &c->last_customer : &c->last;
	m.refs = c->refs;
	m.nrefs = c->nrefs;
	m.date_style = customer_date_style(c);
	m.body = chase ? "Any update on this, please?" :
	    "Thanks, that helps. One more question below.";
	demo_emit(g, &m, t, 0);
	demo_add_ref(c, &id);
	c->last_customer = id;
	if (chase)
		return;			/* the reply is already on its way */
	if (c->agent >= 0 && demo_on_leave(&g->cal, c->agent, t)) {
		demo_schedule(g, EV_AGENT_OOO, t + 5 +
		    demo_below(&g->rng, 60), c, c->agent);
		c->agent = -1;
	}
	if (demo_chance(&g->rng, P_ANSWER_FOLLOWUP))
		schedule_agent_reply(g, c, t, -1);
}

/* Acknowledgement by the ticket system. */
static void
ev_ack(struct demo_gen *g, struct demo_conv *c, int64_t t)
{
	struct demo_who		from, to;
	struct demo_msg		m = { 0 };
	char			subj[160], prefix[48];
	size_t			o;
	uint32_t		tk = ++g->tickets + 100000;
	char			num[12];
	int			nd = 0;

	demo_fixed_who("Acme Support", "support@acme.example", &from);
	demo_customer(&g->people, c->dom, c->person, &to);
	demo_fill_subject(c, subj, sizeof(subj));
	memcpy(prefix, "[Ticket #", 9);
	o = 9;
	do {
		num[nd++] = (char)('0' + tk % 10);
		tk /= 10;
	} while (tk != 0);
	while (nd > 0)
		prefix[o++] = num[--nd];
	memcpy(prefix + o, "] Re: ", 7);
	m.from = &from;
	m.to[m.nto++] = &to;
	m.prefix = prefix;
	m.subject = subj;
	m.id = demo_new_mid(g, MID_HELPDESK, 0);
	m.irt = &c->refs[0];
	m.refs = c->refs;
	m.nrefs = 1;
	m.flags = MF_AUTO_REPLIED;
	m.date_style = 2;
	m.body = "We have received your request and will reply soon.";
	demo_emit(g, &m, t, 1);
}

static void
ev_customer_ooo(struct demo_gen *g, struct demo_conv *c, int64_t t, int a)
{
	static const char *const prefixes[] = {
		"Automatic reply: Re: ", "Out of Office: Re: ",
		"Out of office: RE: " };
	struct demo_who		from, to;
	struct demo_msg		m = { 0 };
	char			subj[160];
	uint32_t		v = demo_below(&g->rng, 10);

	demo_customer(&g->people, c->dom, c->person, &from);
	demo_agent_who(a, 0, &to);
	demo_fill_subject(c, subj, sizeof(subj));
	m.from = &from;
	m.to[m.nto++] = &to;
	m.prefix = from.region == REG_BERLIN ? "Abwesenheitsnotiz: Re: " :
	    prefixes[demo_below(&g->rng, nitems(prefixes))];
	m.subject = subj;
	m.id = customer_mid(g, c);
	m.irt = &c->last;
	m.refs = c->refs;
	m.nrefs = c->nrefs;
	/* Clients mark them differently; all are automated (spec 3). */
	m.flags = v < 5 ? MF_AUTO_REPLIED : v < 8 ? MF_AUTO_GENERATED |
	    MF_SUPPRESS : MF_X_AUTOREPLY | MF_PREC_AUTO_REPLY;
	m.date_style = customer_date_style(c);
	m.body = "I am out of the office and will reply when I return.";
	demo_emit(g, &m, t, 0);
}

static void
ev_agent_ooo(struct demo_gen *g, struct demo_conv *c, int64_t t, int a)
{
	struct demo_who		from, to;
	struct demo_msg		m = { 0 };
	char			subj[160];

	demo_agent_who(a, 0, &from);
	demo_customer(&g->people, c->dom, c->from_cc ? c->cc_person :
	    c->person, &to);
	demo_fill_subject(c, subj, sizeof(subj));
	m.from = &from;
	m.to[m.nto++] = &to;
	m.prefix = c->rounds > 0 ? "Automatic reply: Re: " :
	    "Automatic reply: ";
	m.subject = subj;
	m.id = demo_new_mid(g, MID_ACME, 0);
	m.irt = &c->last_customer;
	m.refs = c->refs;
	m.nrefs = c->nrefs;
	m.flags = MF_AUTO_REPLIED | MF_SUPPRESS;
	m.date_style = 1;
	m.body = "I am on leave; your message has gone to my colleagues.";
	demo_emit(g, &m, t, 1);
}

static void
ev_bounce(struct demo_gen *g, int64_t t, int a)
{
	struct demo_who		from, to;
	struct demo_msg		m = { 0 };

	demo_fixed_who("Mail Delivery System", "MAILER-DAEMON@mx1.acme.example",
	    &from);
	demo_agent_who(a, 0, &to);
	m.from = &from;
	m.to[m.nto++] = &to;
	m.prefix = "";
	m.subject = demo_chance(&g->rng, 0.6) ?
	    "Undelivered Mail Returned to Sender" :
	    "Delivery Status Notification (Failure)";
	m.id = demo_new_mid(g, MID_DAEMON, 0);
	m.flags = MF_NULL_RETURN | MF_AUTO_REPLIED | MF_ROBOT;
	m.date_style = 2;
	m.body = "Delivery to the following recipient failed permanently.";
	demo_emit(g, &m, t, 1);
}

/* ---- starting conversations ---- */

void
demo_start_customer(struct demo_gen *g, int64_t t, enum demo_kind kind,
    uint32_t dom, uint32_t person)
{
	struct demo_conv	*c = demo_conv_new(g, kind);
	const struct demo_domain *d = &g->people.dom[dom];
	struct demo_who		 from, agent, team, cc;
	struct demo_msg		 m = { 0 };
	struct demo_mid		 id;
	char			 subj[160];
	int			 sales = kind == K_SALES;

	c->dom = dom;
	c->person = person;
	demo_customer(&g->people, dom, person, &from);
	c->topic = sales ? TOPIC_SALES : TOPIC_SUPPORT;
	if ((from.region == REG_BERLIN || from.region == REG_TOKYO) &&
	    demo_chance(&g->rng, P_INTL_SUBJECT))
		c->topic = TOPIC_INTL;
	c->subj = (uint16_t)demo_below(&g->rng,
	    (uint32_t)demo_topic_size((enum demo_topic)c->topic));
	c->num = 1000 + demo_below(&g->rng, 90000);
	c->shared = demo_chance(&g->rng, P_SHARED_ADDRESS);
	if (!c->shared)
		c->agent = (int8_t)demo_pick_weighted(g, g->team[team_of(c)],
		    (size_t)g->nteam[team_of(c)]);
	if (!d->free && d->contacts >= 2 &&
	    demo_chance(&g->rng, P_CUSTOMER_CC)) {
		c->has_cc = 1;
		c->cc_person = (person + 1 + demo_below(&g->rng,
		    d->contacts - 1u)) % d->contacts;
	}
	id = customer_mid(g, c);
	demo_fill_subject(c, subj, sizeof(subj));
	m.from = &from;
	customer_rcpts(g, c, &m, &agent, &team, &cc);
	m.prefix = "";
	m.subject = subj;
	m.id = id;
	m.date_style = customer_date_style(c);
	demo_emit(g, &m, t, 0);
	demo_add_ref(c, &id);
	c->last_customer = id;
	if (c->shared && !sales && demo_chance(&g->rng, P_TICKET_ACK))
		demo_schedule(g, EV_ACK, t + 20 + demo_below(&g->rng, 100), c,
		    -1);
	if (c->agent >= 0 && demo_on_leave(&g->cal, c->agent, t)) {
		demo_schedule(g, EV_AGENT_OOO, t + 5 +
		    demo_below(&g->rng, 60), c, c->agent);
		c->agent = -1;
	}
	if (!demo_chance(&g->rng, sales ? P_UNANSWERED_SALES :
	    P_UNANSWERED_SUPPORT))
		schedule_agent_reply(g, c, t, -1);
	demo_conv_done(g, c);
}

void
demo_start_outbound(struct demo_gen *g, int64_t t, int a)
{
	struct demo_conv	*c = demo_conv_new(g, K_OUTBOUND);
	uint32_t		 dom, person;

	do
		demo_pick_customer(&g->people, &g->rng, &dom, &person);
	while (g->people.dom[dom].free);
	c->dom = dom;
	c->person = person;
	c->topic = TOPIC_OUTBOUND;
	c->subj = (uint16_t)demo_below(&g->rng,
	    (uint32_t)demo_topic_size(TOPIC_OUTBOUND));
	c->num = 5 + demo_below(&g->rng, 200);
	agent_message(g, c, t, a);
	if (demo_chance(&g->rng, P_BOUNCE))
		demo_schedule(g, EV_BOUNCE, t + 5 + demo_below(&g->rng, 300),
		    c, a);
	else if (demo_chance(&g->rng, P_PROSPECT_REPLY))
		schedule_customer_reply(g, c, t, prospect_delay,
		    nitems(prospect_delay));
	else if (demo_chance(&g->rng, P_CUSTOMER_OOO))
		demo_schedule(g, EV_CUSTOMER_OOO, t + 10 +
		    demo_below(&g->rng, 80), c, a);
	demo_conv_done(g, c);
}

void
demo_handle(struct demo_gen *g, struct demo_ev *e)
{
	struct demo_conv	*c = e->c;

	switch (e->type) {
	case EV_AGENT_REPLY:
		ev_agent_reply(g, c, e->t, e->who);
		break;
	case EV_CUSTOMER_REPLY:
		ev_customer_reply(g, c, e->t, 0);
		break;
	case EV_CHASE:
		ev_customer_reply(g, c, e->t, 1);
		break;
	case EV_ACK:
		ev_ack(g, c, e->t);
		break;
	case EV_CUSTOMER_OOO:
		ev_customer_ooo(g, c, e->t, e->who);
		break;
	case EV_AGENT_OOO:
		ev_agent_ooo(g, c, e->t, e->who);
		break;
	case EV_BOUNCE:
		ev_bounce(g, e->t, e->who);
		break;
	case EV_INTERNAL_REPLY:
		demo_internal_reply(g, c, e->t, e->who);
		break;
	default:
		break;
	}
	demo_conv_done(g, c);
}
