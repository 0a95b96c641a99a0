/*
 * demo_priv.h: the parts of the demo-data generator (demo.h), shared
 * between its files and nothing else.
 *
 *	demo_rand.c	PRNG, exp/log, distributions
 *	demo_cast.c	the people: agents, customers, domains, vendors,
 *			subjects; names and addresses
 *	demo_cal.c	time zones, holidays, leave, the agents' duty
 *			intervals and the configuration text
 *	demo_fmt.c	one message's header block and body as mbox text
 *	demo.c		the simulation: queue, arrivals, rate, output
 *	demo_conv.c	the simulation: what happens in a conversation
 */
#ifndef RT_DEMO_PRIV_H
#define RT_DEMO_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "demo.h"

#define DEMO_MIN	60
#define DEMO_HOUR	3600
#define DEMO_DAY	86400

/* ---- demo_rand.c ---- */

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
struct demo_rng {
	uint64_t	 s[4];
};

void		 demo_rng_seed(struct demo_rng *r, uint64_t seed);
uint64_t	 demo_rng_next(struct demo_rng *r);
double		 demo_unif(struct demo_rng *r);		/* [0, 1) */
uint32_t	 demo_below(struct demo_rng *r, uint32_t n);	/* [0, n) */
int		 demo_chance(struct demo_rng *r, double p);
double		 demo_expo(struct demo_rng *r);		/* mean 1 */
double		 demo_normal(struct demo_rng *r);	/* N(0, 1) */
/* exp(N(ln median, sigma^2)) */
double		 demo_lognormal(struct demo_rng *r, double median,
		    double sigma);
/* Portable exp and natural log: basic IEEE operations only. */
double		 demo_exp(double x);
double		 demo_log(double x);
/* A bijection of 64-bit words (the splitmix64 finaliser). */
uint64_t	 demo_mix(uint64_t x);

/* ---- demo_cast.c ---- */

enum demo_team {
	DEMO_SUPPORT,
	DEMO_SALES,
	DEMO_NTEAMS
};

/* Customer regions; each is also a time zone (demo_zones). */
enum demo_region {
	REG_LONDON, REG_BERLIN, REG_NEW_YORK, REG_LOS_ANGELES, REG_SYDNEY,
	REG_KOLKATA, REG_TOKYO,
	DEMO_NREGIONS
};

struct demo_zone {
	const char	*iana;		/* for the configuration */
	const char	*posix;		/* what the generator uses */
	double		 share;		/* of customers */
};

extern const struct demo_zone	demo_zones[DEMO_NREGIONS];

/* Holiday calendars. */
enum demo_cal {
	CAL_UK, CAL_US, CAL_AU, CAL_DE,
	DEMO_NCALS
};

/* An open window, minutes after local midnight; end < start: overnight. */
struct demo_window {
	short		 start;
	short		 end;		/* 0: no window */
};

struct demo_sched {
	const char		*name;	/* NULL: the default [hours] */
	enum demo_region	 zone;
	enum demo_cal		 cal;
	int			 half_days;	/* 24 and 31 December */
	struct demo_window	 week[7][2];	/* Monday first */
};

#define DEMO_NSCHEDS	8
extern const struct demo_sched	demo_scheds[DEMO_NSCHEDS];

struct demo_agent {
	const char	*local;		/* @acme.example */
	const char	*name;		/* UTF-8 display name */
	const char	*alias;		/* local part, or NULL */
	int		 sched;		/* demo_scheds index */
	unsigned	 teams;		/* 1 << enum demo_team */
	int		 hours_line;	/* configuration says "hours =" */
	double		 weight;	/* share of its teams' work */
};

#define DEMO_NAGENTS	12
extern const struct demo_agent	demo_agents[DEMO_NAGENTS];

/* A sender of newsletters or notifications. */
struct demo_vendor {
	const char	*name;		/* display name */
	const char	*local;
	const char	*domain;
	const char	*subject;	/* may hold one %u */
	int		 newsletter;	/* else a notification */
	unsigned	 flags;		/* enum demo_mflag it sends */
	enum demo_region zone;
};

extern const struct demo_vendor	demo_vendors[];
extern const size_t		demo_nvendors;

/* Subject lists, UTF-8; "%u" is replaced by a number, "%n" by a small
 * one derived from it (5 to 250). */
enum demo_topic {
	TOPIC_SUPPORT, TOPIC_SALES, TOPIC_OUTBOUND, TOPIC_INTERNAL,
	TOPIC_INTL,
	DEMO_NTOPICS
};

/* Number of subjects of a topic, and the subject with %u expanded. */
size_t	demo_topic_size(enum demo_topic topic);
void	demo_subject(enum demo_topic topic, size_t i, uint32_t num,
	    char *out, size_t size);
void	demo_expand(const char *tmpl, uint32_t num, char *out, size_t size);

/* A customer domain: a company's or a free-mail provider's. */
struct demo_domain {
	char		 name[40];
	uint8_t		 region;
	uint8_t		 free;		/* free mail: people of any region */
	uint16_t	 contacts;	/* people who write from it */
};

/* Somebody in a header: display name (UTF-8, may be "") and address. */
struct demo_who {
	char		 name[96];
	char		 addr[96];
	uint8_t		 region;
};

struct demo_people {
	struct demo_domain	*dom;	/* companies, then free mail */
	size_t			 ndom;
	size_t			 ncompany;
	double			*cum;	/* company popularity, cumulative */
};

void	demo_people_init(struct demo_people *p, struct demo_rng *rng);
void	demo_people_free(struct demo_people *p);
/* Picks a customer: a domain and a person number in it. */
void	demo_pick_customer(const struct demo_people *p, struct demo_rng *rng,
	    uint32_t *dom, uint32_t *person);
void	demo_customer(const struct demo_people *p, uint32_t dom,
	    uint32_t person, struct demo_who *out);
void	demo_agent_who(int agent, int use_alias, struct demo_who *out);
void	demo_fixed_who(const char *name, const char *addr,
	    struct demo_who *out);

/* ---- demo_cal.c ---- */

struct demo_span {
	int64_t		 a, b;		/* [a, b), UTC */
};

struct demo_range {
	int32_t		 first, last;	/* day numbers, inclusive */
};

struct demo_days {
	int32_t		*v;		/* sorted */
	size_t		 n;
};

struct demo_cal_data {
	int64_t		 start, end;	/* the period, UTC */
	int32_t		 day0, day1;	/* its first and last day + 1 */
	int64_t		 year0, year1;	/* years of holidays listed */
	struct tz	*tz[DEMO_NREGIONS];
	struct demo_days hol[DEMO_NCALS];
	struct demo_range *leave[DEMO_NAGENTS];
	size_t		 nleave[DEMO_NAGENTS];
	struct demo_span *duty[DEMO_NAGENTS];	/* sorted, disjoint */
	size_t		 nduty[DEMO_NAGENTS];
};

/* Builds zones, holidays, leave and the duty intervals of the period. */
int	demo_cal_init(struct demo_cal_data *c, uint64_t messages,
	    struct err *err);
void	demo_cal_free(struct demo_cal_data *c);
int32_t	demo_offset(const struct demo_cal_data *c, enum demo_region r,
	    int64_t t);
int	demo_on_duty(const struct demo_cal_data *c, int agent, int64_t t);
/* The first instant >= t at which agent is on duty; INT64_MAX: never. */
int64_t	demo_next_duty(const struct demo_cal_data *c, int agent, int64_t t);
int	demo_on_leave(const struct demo_cal_data *c, int agent, int64_t t);
void	demo_config_text(const struct demo_cal_data *c, struct buf *out);

/* ---- demo_fmt.c ---- */

/* A message id: rendered from these on demand, unique by key. */
enum demo_mid_style {
	MID_ACME,		/* an agent's mail client */
	MID_HELPDESK,		/* the ticket system, helpdesk.acme.example */
	MID_COMPANY,		/* a customer company's server */
	MID_FREEMAIL,
	MID_VENDOR,
	MID_DAEMON,		/* the mail server's bounces */
};

struct demo_mid {
	uint64_t	 key;		/* unique within a run */
	uint32_t	 dom;		/* demo_domain or demo_vendor index */
	uint8_t		 style;		/* enum demo_mid_style */
};

/* Headers a message carries besides the usual ones. */
enum demo_mflag {
	MF_AUTO_REPLIED		= 1 << 0,	/* Auto-Submitted: */
	MF_AUTO_GENERATED	= 1 << 1,	/* the two values */
	MF_X_AUTOREPLY		= 1 << 2,
	MF_PREC_AUTO_REPLY	= 1 << 3,
	MF_PREC_BULK		= 1 << 4,
	MF_LIST			= 1 << 5,	/* List-Id, List-Unsubscribe */
	MF_NULL_RETURN		= 1 << 6,	/* Return-Path: <> */
	MF_SUPPRESS		= 1 << 7,	/* X-Auto-Response-Suppress */
	MF_ROBOT		= 1 << 8,	/* robot sender local part */
};

#define MF_AUTOMATED	(MF_AUTO_REPLIED | MF_AUTO_GENERATED |		\
	MF_X_AUTOREPLY | MF_PREC_AUTO_REPLY | MF_PREC_BULK | MF_LIST |	\
	MF_NULL_RETURN | MF_ROBOT)

#define DEMO_MAX_RCPT	4
#define DEMO_MAX_REFS	8

struct demo_msg {
	int64_t			 t;	/* delivery: envelope, Received */
	int64_t			 date;	/* the Date field, UTC */
	int32_t			 off;	/* sender's UT offset, seconds */
	int			 date_style;
	const struct demo_who	*from;
	const struct demo_who	*to[DEMO_MAX_RCPT];
	size_t			 nto;
	const struct demo_who	*cc[DEMO_MAX_RCPT];
	size_t			 ncc;
	const char		*prefix;	/* "Re: " or "" */
	const char		*subject;	/* UTF-8 */
	struct demo_mid		 id;
	const struct demo_mid	*irt;		/* NULL: none */
	const struct demo_mid	*refs;
	size_t			 nrefs;
	unsigned		 flags;		/* enum demo_mflag */
	int			 vendor;	/* MF_LIST: demo_vendors[] */
	const char		*body;		/* one line, no newline */
};

void	demo_render(const struct demo_people *p, struct buf *b,
	    const struct demo_msg *m);

/* ---- demo.c and demo_conv.c: the simulation ---- */

#define WEEK_HOURS	168
#define P_DEFER_OFF_DUTY 0.85	/* off duty: wait for duty, else answer */

/* A mixture of log-normal delays: share, median (seconds), sigma. */
struct demo_mixture {
	double	share, median, sigma;
};

/* Kinds of conversation (demo.c: kind_share). */
enum demo_kind {
	K_SUPPORT, K_SALES, K_OUTBOUND, K_INTERNAL, K_NEWSLETTER, K_NOTIFY,
	NKINDS
};

enum demo_ev_type {
	EV_AGENT_REPLY, EV_CUSTOMER_REPLY, EV_CHASE, EV_ACK,
	EV_CUSTOMER_OOO, EV_AGENT_OOO, EV_BOUNCE, EV_INTERNAL_REPLY,
};

struct demo_conv {
	struct demo_conv *next_free;
	uint32_t	 pending;	/* events queued for it */
	uint8_t		 kind;		/* enum demo_kind */
	uint8_t		 topic;		/* enum demo_topic */
	uint8_t		 rounds;
	uint8_t		 shared;	/* to support@ or sales@ */
	uint8_t		 has_cc;
	uint8_t		 from_cc;	/* the colleague wrote last */
	uint8_t		 answered;
	uint8_t		 chased;
	uint8_t		 nrefs;
	uint8_t		 nparts;
	int8_t		 agent;		/* the agent handling it; -1 none */
	int8_t		 last_sender;	/* internal: participant index */
	int8_t		 parts[4];	/* internal: agents (PRIYA) */
	uint16_t	 subj;
	uint32_t	 num;		/* order, invoice... in the subject */
	uint32_t	 dom, person, cc_person;
	struct demo_mid	 refs[DEMO_MAX_REFS];
	struct demo_mid	 last;		/* latest message of the thread */
	struct demo_mid	 last_customer;
};

struct demo_ev {
	int64_t		 t;
	uint64_t	 seq;
	struct demo_conv *c;
	int8_t		 type;		/* enum demo_ev_type */
	int8_t		 who;		/* an agent, a participant */
};

struct demo_gen {
	const struct demo_opts	*o;
	struct demo_rng		 rng;
	struct demo_cal_data	 cal;
	struct demo_people	 people;
	struct demo_stats	 st;
	demo_sink		 sink;
	void			*arg;
	struct buf		 out;
	int			 failed;
	struct err		*err;

	struct demo_ev		*heap;
	size_t			 nheap, capheap;
	uint64_t		 seq;

	struct demo_conv	*free;		/* pool */
	void			**slabs;
	size_t			 nslabs;
	uint64_t		 open;

	double			 arr_t;		/* next arrival candidate */
	double			 base_rate;	/* candidates per second */
	int64_t			 anchor;	/* a Monday 00:00Z <= start */
	double			 week_cum[WEEK_HOURS + 1];
	double			 total;		/* the shape over the period */
	int			 forced;	/* accept without thinning */
	uint64_t		 serial;	/* message ids */
	uint64_t		 salt;
	uint32_t		 tickets;
	int			 team[DEMO_NTEAMS][DEMO_NAGENTS];
	int			 nteam[DEMO_NTEAMS];
};

/* demo.c */
void	demo_schedule(struct demo_gen *g, int type, int64_t t,
	    struct demo_conv *c, int who);
struct demo_conv *demo_conv_new(struct demo_gen *g, enum demo_kind kind);
void	demo_conv_done(struct demo_gen *g, struct demo_conv *c);
void	demo_add_ref(struct demo_conv *c, const struct demo_mid *id);
struct demo_mid demo_new_mid(struct demo_gen *g, enum demo_mid_style style,
	    uint32_t dom);
void	demo_local_time(const struct demo_gen *g, enum demo_region r,
	    int64_t t, int *wd, int *hour, int64_t *local_out);
double	demo_profile(const struct demo_gen *g, enum demo_region r,
	    int64_t t);
/* Writes m, delivered at t; internal: sent from acme.example. */
void	demo_emit(struct demo_gen *g, struct demo_msg *m, int64_t t,
	    int internal);

/* demo_conv.c */
int	demo_pick_weighted(struct demo_gen *g, const int *v, size_t n);
/* A delay drawn from a mixture, at least a minute. */
double	demo_sample(struct demo_gen *g, const struct demo_mixture *m,
	    size_t n);
/* When agent a, off duty at t, gets to it; INT64_MAX: never. */
int64_t	demo_defer_to_duty(struct demo_gen *g, int a, int64_t t);
void	demo_fill_subject(const struct demo_conv *c, char *s, size_t size);
const char *demo_agent_prefix(int agent);
void	demo_start_customer(struct demo_gen *g, int64_t t,
	    enum demo_kind kind, uint32_t dom, uint32_t person);
void	demo_start_outbound(struct demo_gen *g, int64_t t, int agent);
void	demo_handle(struct demo_gen *g, struct demo_ev *e);

/* demo_internal.c */
void	demo_start_internal(struct demo_gen *g, int64_t t, int agent);
void	demo_internal_reply(struct demo_gen *g, struct demo_conv *c,
	    int64_t t, int who);
void	demo_send_bulk(struct demo_gen *g, int64_t t, int vendor);

#endif
