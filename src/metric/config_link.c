/*
 * config_link.c: what a configuration means once every line is read.
 *
 * Sections may come in any order (an [agent] before its team, a team
 * before the [hours "x"] it names), so the cross-references are resolved
 * here, after the last line:
 *  - named sections are unique: two [team "x"], [hours "x"] or
 *    [agent "x"] are an error;
 *  - the agents are the distinct member addresses, numbered in order of
 *    first appearance in the teams' member lists, teams in file order
 *    (metrics spec section 12), each with its teams in file order;
 *  - each [agent] section is joined to its agent and must name one;
 *  - an alias is an address of exactly one agent: it may be neither a
 *    member of any team nor another agent's alias;
 *  - every "hours = x" names an [hours "x"] section.
 *
 * Addresses are found through an open-addressing hash index (members and
 * aliases to agent numbers) that stays in the config for
 * config_agent_find().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "config_priv.h"

struct ix_slot {
	const char	*addr;		/* borrowed from the config; NULL: free */
	size_t		 len;
	size_t		 agent;
	int		 alias;
};

struct config_index {
	struct ix_slot	*slots;		/* owned */
	size_t		 mask;		/* slots - 1, a power of two less 1 */
};

static uint64_t
hash_ci(struct str s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < s.len; i++) {
		h ^= rt_lower((unsigned char)s.p[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot holding addr, or the free slot where it would go. */
static struct ix_slot *
ix_slot(const struct config_index *ix, struct str addr)
{
	size_t	i = (size_t)hash_ci(addr) & ix->mask;

	for (;;) {
		struct ix_slot *s = &ix->slots[i];

		if (s->addr == NULL || (s->len == addr.len &&
		    str_eq_ci(str_make(s->addr, s->len), addr)))
			return s;
		i = (i + 1) & ix->mask;
	}
}

static struct config_index *
ix_new(size_t n)
{
	struct config_index	*ix = xcalloc(1, sizeof(*ix));
	size_t			 cap = 16;

	/* At most half full, so probes stay short and always end. */
	while (cap < 2 * n)
		cap *= 2;
	ix->slots = xcalloc(cap, sizeof(*ix->slots));
	ix->mask = cap - 1;
	return ix;
}

void
config_index_free(struct config_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->slots);
	free(ix);
}

/*
 * Unique section names.
 */

struct named {
	const char	*name;
	int		 line;
};

static int
cmp_named(const void *a, const void *b)
{
	const struct named	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Reports every repeated name of n sections of kind, after the first. */
static void
unique_names(struct pctx *p, enum sect_kind kind, struct named *v, size_t n)
{
	char	sh[SHOW_MAX];
	size_t	first = 0;

	qsort(v, n, sizeof(*v), cmp_named);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i].name, v[first].name) != 0) {
			first = i;
			continue;
		}
		perr(p, v[i].line, ERR_CONFIG, "duplicate section [%s \"%s\"] "
		    "(first on line %d)", config_sects[kind].name,
		    show(str_cstr(v[i].name), sh), v[first].line);
	}
}

static void
check_unique(struct pctx *p)
{
	struct config	*cfg = p->cfg;
	struct named	*v;
	size_t		 i, n;

	n = cfg->nteams > cfg->nschedules ? cfg->nteams : cfg->nschedules;
	n = n > p->nasect ? n : p->nasect;
	v = xreallocarray(NULL, n, sizeof(*v));
	for (i = 0; i < cfg->nteams; i++)
		v[i] = (struct named){ cfg->teams[i].name, cfg->teams[i].line };
	unique_names(p, SECT_TEAM, v, cfg->nteams);
	for (i = 0; i < cfg->nschedules; i++)
		v[i] = (struct named){ cfg->schedules[i].name,
		    cfg->schedules[i].line };
	unique_names(p, SECT_HOURS, v, cfg->nschedules);
	for (i = 0; i < p->nasect; i++)
		v[i] = (struct named){ p->asect[i].addr, p->asect[i].line };
	unique_names(p, SECT_AGENT, v, p->nasect);
	free(v);
}

/*
 * Agents.
 */

static void
build_agents(struct pctx *p)
{
	struct config	*cfg = p->cfg;

	for (size_t t = 0; t < cfg->nteams; t++) {
		struct config_team *team = &cfg->teams[t];

		team->member_agent = xcalloc(team->members.n + 1,
		    sizeof(*team->member_agent));
		for (size_t i = 0; i < team->members.n; i++) {
			struct str		 m = str_cstr(team->members.v[i]);
			struct ix_slot		*s = ix_slot(cfg->index, m);
			struct config_agent	*a;

			if (s->addr == NULL) {
				a = vec_push(&cfg->agents, cfg->nagents,
				    sizeof(*a));
				a->addr = xstrdup(team->members.v[i]);
				config_apply_defaults(p, SECT_AGENT, a);
				*s = (struct ix_slot){ a->addr, m.len,
				    cfg->nagents++, 0 };
			}
			a = &cfg->agents[s->agent];
			team->member_agent[i] = s->agent;
			/* A member listed twice was reported already. */
			if (a->nteams == 0 || a->teams[a->nteams - 1] != t)
				*(size_t *)vec_push(&a->teams, a->nteams++,
				    sizeof(size_t)) = t;
		}
	}
}

/* Moves the keys of an [agent] section onto its agent a. */
static void
join_section(struct config_agent *a, struct config_agent *sect)
{
	char	*addr = a->addr;
	size_t	*teams = a->teams, nteams = a->nteams;

	config_clear_keys(SECT_AGENT, a);
	*a = *sect;
	a->addr = addr;
	a->teams = teams;
	a->nteams = nteams;
	free(sect->addr);
	memset(sect, 0, sizeof(*sect));
}

static void
add_aliases(struct pctx *p, size_t idx, const char *label)
{
	struct config		*cfg = p->cfg;
	struct config_agent	*a = &cfg->agents[idx];
	char			 sh[SHOW_MAX], sh2[SHOW_MAX];

	for (size_t i = 0; i < a->aliases.n; i++) {
		struct str	 al = str_cstr(a->aliases.v[i]);
		struct ix_slot	*s = ix_slot(cfg->index, al);

		if (s->addr == NULL)
			*s = (struct ix_slot){ a->aliases.v[i], al.len, idx,
			    1 };
		else if (!s->alias)
			perr(p, a->line, ERR_CONFIG, "%s: alias \"%s\" is a team "
			    "member", label, show(al, sh));
		else if (s->agent != idx)
			perr(p, a->line, ERR_CONFIG, "%s: alias \"%s\" is also "
			    "an alias of \"%s\"", label, show(al, sh),
			    show(str_cstr(cfg->agents[s->agent].addr), sh2));
	}
}

static void
join_agents(struct pctx *p)
{
	struct config	*cfg = p->cfg;
	char		 label[SHOW_MAX + 16], sh[SHOW_MAX];

	for (size_t i = 0; i < p->nasect; i++) {
		struct config_agent	*sect = &p->asect[i];
		struct str		 addr = str_cstr(sect->addr);
		struct ix_slot		*s = ix_slot(cfg->index, addr);

		snprintf(label, sizeof(label), "[agent \"%s\"]",
		    show(addr, sh));
		if (s->addr == NULL || s->alias) {
			perr(p, sect->line, ERR_CONFIG, "%s: no team has "
			    "this address as a member", label);
			continue;
		}
		/* A second section for the agent was reported already. */
		if (cfg->agents[s->agent].line != 0)
			continue;
		join_section(&cfg->agents[s->agent], sect);
		add_aliases(p, s->agent, label);
	}
}

/*
 * Schedules.
 */

static int
cmp_sched(const void *a, const void *b)
{
	return strcmp((*(const struct config_schedule *const *)a)->name,
	    (*(const struct config_schedule *const *)b)->name);
}

static const struct config_schedule *
sched_find(struct config_schedule **by_name, size_t n, const char *name)
{
	struct config_schedule		 key = { .name = (char *)name };
	const struct config_schedule	*kp = &key;
	struct config_schedule		**found;

	found = bsearch(&kp, by_name, n, sizeof(*by_name), cmp_sched);
	return found != NULL ? *found : NULL;
}

static void
resolve_schedules(struct pctx *p)
{
	struct config		 *cfg = p->cfg;
	struct config_schedule	**by_name;
	char			  sh[SHOW_MAX], sh2[SHOW_MAX];

	by_name = xreallocarray(NULL, cfg->nschedules + 1, sizeof(*by_name));
	for (size_t i = 0; i < cfg->nschedules; i++)
		by_name[i] = &cfg->schedules[i];
	qsort(by_name, cfg->nschedules, sizeof(*by_name), cmp_sched);
	for (size_t i = 0; i < cfg->nteams; i++) {
		struct config_team *t = &cfg->teams[i];

		if (t->hours_name == NULL)
			continue;
		t->hours = sched_find(by_name, cfg->nschedules, t->hours_name);
		if (t->hours == NULL)
			perr(p, t->line, ERR_CONFIG, "[team \"%s\"]: hours = "
			    "\"%s\" names no [hours \"%s\"] section",
			    show(str_cstr(t->name), sh),
			    show(str_cstr(t->hours_name), sh2), sh2);
	}
	for (size_t i = 0; i < cfg->nagents; i++) {
		struct config_agent *a = &cfg->agents[i];

		if (a->hours_name == NULL)
			continue;
		a->hours = sched_find(by_name, cfg->nschedules, a->hours_name);
		if (a->hours == NULL)
			perr(p, a->line, ERR_CONFIG, "[agent \"%s\"]: hours = "
			    "\"%s\" names no [hours \"%s\"] section",
			    show(str_cstr(a->addr), sh),
			    show(str_cstr(a->hours_name), sh2), sh2);
	}
	free(by_name);
}

void
config_link(struct pctx *p)
{
	struct config	*cfg = p->cfg;
	size_t		 n = 0;

	check_unique(p);
	for (size_t i = 0; i < cfg->nteams; i++)
		n += cfg->teams[i].members.n;
	for (size_t i = 0; i < p->nasect; i++)
		n += p->asect[i].aliases.n;
	cfg->index = ix_new(n);
	build_agents(p);
	join_agents(p);
	resolve_schedules(p);
}

/*
 * Lookups.
 */

int
config_agent_find(const struct config *cfg, struct str addr,
    size_t *idx_out)
{
	const struct ix_slot	*s;

	if (cfg->index == NULL)
		return -1;
	s = ix_slot(cfg->index, addr);
	if (s->addr == NULL)
		return -1;
	*idx_out = s->agent;
	return 0;
}

int
config_domain_internal(const struct config *cfg, struct str domain)
{
	const struct config_strs	*l = &cfg->org.internal_domains;

	for (size_t i = 0; i < l->n; i++) {
		struct str	d = str_cstr(l->v[i]);

		if (domain.len == d.len && str_eq_ci(domain, d))
			return 1;
		if (domain.len > d.len &&
		    domain.p[domain.len - d.len - 1] == '.' &&
		    str_eq_ci(str_skip(domain, domain.len - d.len), d))
			return 1;
	}
	return 0;
}

const struct config_schedule *
config_team_schedule(const struct config *cfg, size_t team)
{
	RT_ASSERT(team < cfg->nteams);
	return cfg->teams[team].hours != NULL ? cfg->teams[team].hours :
	    cfg->hours;
}

const struct config_schedule *
config_agent_schedule(const struct config *cfg, size_t agent)
{
	const struct config_agent	*a;

	RT_ASSERT(agent < cfg->nagents);
	a = &cfg->agents[agent];
	if (a->hours != NULL)
		return a->hours;
	if (a->nteams > 0)
		return config_team_schedule(cfg, a->teams[0]);
	return cfg->hours;
}
