/*
 * demo_cal.c: time in the demo data (demo_priv.h): zones, holidays, leave,
 * when each agent is on duty, and the configuration that says so.
 *
 * Zones are the built-in POSIX rules of demo_zones (the rules in force in
 * those places since 2007), never the system's zoneinfo, so the output
 * does not depend on the tzdata installed; the configuration names the
 * IANA zones, which agree for the years of the period.
 *
 * Holidays: the usual public holidays of England, the United States (New
 * York office policy), New South Wales and Berlin for every year of the
 * period, Easter computed, weekend holidays moved as each country does.
 * The London office also closes early on 24 and 31 December (partial
 * days).  Leave: each agent takes two weeks in summer (starting a week
 * after the previous agent's, so two London colleagues are away at once
 * for a week: holiday cover is part of the story; Sydney's in their
 * summer, at New Year) and two single days a year.
 *
 * The generator never evaluates a schedule message by message: at the
 * start it lists every agent's duty intervals (UTC) over the period, from
 * the very rules written to the configuration, and answers "on duty at
 * t?" and "next on duty after t?" by binary search.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/xmalloc.h"
#include "../metric/tz.h"
#include "demo.h"
#include "demo_priv.h"

#define END_YEAR	2025		/* the period ends on 1 July */
#define END_MONTH	7
#define MSGS_PER_DAY	400		/* period length: messages / this */
#define MIN_DAYS	30
#define MAX_DAYS	3650
#define DUTY_AFTER	16		/* days of duty listed past the end */
#define SUMMER_LEAVE	14		/* days */

/* Half days of schedules with half_days: date and window. */
static const struct {
	int			 mon, day;
	struct demo_window	 w;
} half_days[] = {
	{ 12, 24, { 9 * 60, 13 * 60 } },
	{ 12, 31, { 9 * 60, 15 * 60 } },
};

void
demo_period(uint64_t messages, int64_t *start_out, int64_t *end_out)
{
	uint64_t	days = (messages + MSGS_PER_DAY - 1) / MSGS_PER_DAY;
	int64_t		end = civil_to_days(END_YEAR, END_MONTH, 1) * DEMO_DAY;

	if (days < MIN_DAYS)
		days = MIN_DAYS;
	if (days > MAX_DAYS)
		days = MAX_DAYS;
	*end_out = end;
	*start_out = end - (int64_t)days * DEMO_DAY;
}

/* 0 = Sunday. */
static int
wday(int64_t day)
{
	return (int)(((day % 7) + 11) % 7);
}

static int32_t
nth_weekday(int64_t y, int m, int wd, int n)
{
	int64_t	d = civil_to_days(y, m, 1);

	return (int32_t)(d + (wd - wday(d) + 7) % 7 + 7 * (n - 1));
}

static int32_t
last_weekday(int64_t y, int m, int wd)
{
	int64_t	d = m == 12 ? civil_to_days(y + 1, 1, 1) - 1 :
		    civil_to_days(y, m + 1, 1) - 1;

	return (int32_t)(d - (wday(d) - wd + 7) % 7);
}

/* Easter Sunday (the anonymous Gregorian algorithm). */
static int32_t
easter(int64_t y)
{
	int64_t	a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int64_t	f = (b + 8) / 25, g = (b - f + 1) / 3;
	int64_t	h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int64_t	l = (32 + 2 * e + 2 * i - h - k) % 7;
	int64_t	m = (a + 11 * h + 22 * l) / 451;
	int64_t	n = h + l - 7 * m + 114;

	return (int32_t)civil_to_days(y, (int)(n / 31), (int)(n % 31 + 1));
}

struct dayset {
	int32_t		 v[16];
	size_t		 n;
};

static int
dayset_has(const struct dayset *s, int32_t d)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == d)
			return 1;
	return 0;
}

static void
dayset_add(struct dayset *s, int32_t d)
{
	if (s->n < nitems(s->v) && !dayset_has(s, d))
		s->v[s->n++] = d;
}

/*
 * Adds fixed-date holidays; those on a weekend move (after the others are
 * placed) to the next free weekday (UK, AU) or, US style, Saturday to
 * Friday and Sunday to Monday.
 */
static void
add_fixed(struct dayset *s, const int32_t *d, size_t n, int us)
{
	for (size_t i = 0; i < n; i++)
		if (wday(d[i]) != 0 && wday(d[i]) != 6)
			dayset_add(s, d[i]);
	for (size_t i = 0; i < n; i++) {
		int32_t	x = d[i];

		if (wday(x) != 0 && wday(x) != 6)
			continue;
		if (us) {
			dayset_add(s, wday(x) == 6 ? x - 1 : x + 1);
			continue;
		}
		while (wday(x) == 0 || wday(x) == 6 || dayset_has(s, x))
			x++;
		dayset_add(s, x);
	}
}

static void
year_holidays(enum demo_cal cal, int64_t y, struct dayset *s)
{
	int32_t	e = easter(y);

	s->n = 0;
	switch (cal) {
	case CAL_UK: {
		int32_t	fixed[] = { (int32_t)civil_to_days(y, 1, 1),
		    (int32_t)civil_to_days(y, 12, 25),
		    (int32_t)civil_to_days(y, 12, 26) };

		dayset_add(s, e - 2);
		dayset_add(s, e + 1);
		dayset_add(s, nth_weekday(y, 5, 1, 1));
		dayset_add(s, last_weekday(y, 5, 1));
		dayset_add(s, last_weekday(y, 8, 1));
		add_fixed(s, fixed, nitems(fixed), 0);
		break;
	}
	case CAL_US: {
		int32_t	fixed[] = { (int32_t)civil_to_days(y, 1, 1),
		    (int32_t)civil_to_days(y, 6, 19),
		    (int32_t)civil_to_days(y, 7, 4),
		    (int32_t)civil_to_days(y, 12, 25) };

		dayset_add(s, nth_weekday(y, 1, 1, 3));
		dayset_add(s, last_weekday(y, 5, 1));
		dayset_add(s, nth_weekday(y, 9, 1, 1));
		dayset_add(s, nth_weekday(y, 11, 4, 4));
		dayset_add(s, nth_weekday(y, 11, 4, 4) + 1);
		add_fixed(s, fixed, nitems(fixed), 1);
		break;
	}
	case CAL_AU: {
		int32_t	fixed[] = { (int32_t)civil_to_days(y, 1, 1),
		    (int32_t)civil_to_days(y, 1, 26),
		    (int32_t)civil_to_days(y, 12, 25),
		    (int32_t)civil_to_days(y, 12, 26) };

		dayset_add(s, e - 2);
		dayset_add(s, e + 1);
		dayset_add(s, (int32_t)civil_to_days(y, 4, 25));
		dayset_add(s, nth_weekday(y, 6, 1, 2));
		dayset_add(s, nth_weekday(y, 10, 1, 1));
		add_fixed(s, fixed, nitems(fixed), 0);
		break;
	}
	case CAL_DE:
	default: {
		static const int	md[][2] = { { 1, 1 }, { 3, 8 },
		    { 5, 1 }, { 10, 3 }, { 12, 25 }, { 12, 26 } };

		for (size_t i = 0; i < nitems(md); i++)
			dayset_add(s, (int32_t)civil_to_days(y, md[i][0],
			    md[i][1]));
		dayset_add(s, e - 2);
		dayset_add(s, e + 1);
		dayset_add(s, e + 39);
		dayset_add(s, e + 50);
		break;
	}
	}
}

static int
cmp_day(const void *a, const void *b)
{
	int32_t	x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
days_has(const struct demo_days *d, int32_t day)
{
	size_t	lo = 0, hi = d->n;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (d->v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->v[lo] == day;
}

/* The half-day window of a date for a schedule, or NULL. */
static const struct demo_window *
half_day(const struct demo_cal_data *c, const struct demo_sched *s,
    int32_t day)
{
	int64_t	y;
	int	m, d;

	if (!s->half_days || wday(day) == 0 || wday(day) == 6 ||
	    days_has(&c->hol[s->cal], day))
		return NULL;
	civil_from_days(day, &y, &m, &d);
	for (size_t i = 0; i < nitems(half_days); i++)
		if (half_days[i].mon == m && half_days[i].day == d)
			return &half_days[i].w;
	return NULL;
}

static void
add_leave(struct demo_cal_data *c, int agent, int32_t first, int32_t last)
{
	size_t	n = c->nleave[agent];

	if (last < c->day0 || first >= c->day1)
		return;
	c->leave[agent] = xreallocarray(c->leave[agent], n + 1,
	    sizeof(*c->leave[agent]));
	c->leave[agent][n].first = first;
	c->leave[agent][n].last = last;
	c->nleave[agent] = n + 1;
}

static void
build_leave(struct demo_cal_data *c, int a)
{
	int	south = demo_scheds[demo_agents[a].sched].zone == REG_SYDNEY;

	for (int64_t y = c->year0 - 1; y <= c->year1; y++) {
		int32_t	d, monday;

		d = (int32_t)civil_to_days(y, 3, 3) + 4 * a;
		add_leave(c, a, d, d);
		if (!south) {
			d = (int32_t)civil_to_days(y, 6, 2) + 7 * a;
			monday = d - (wday(d) + 6) % 7;
			add_leave(c, a, monday, monday + SUMMER_LEAVE - 1);
		}
		d = (int32_t)civil_to_days(y, 10, 6) + 5 * a;
		add_leave(c, a, d, d);
		if (south) {
			d = (int32_t)civil_to_days(y, 12, 27);
			add_leave(c, a, d, d + SUMMER_LEAVE - 1);
		}
	}
}

static int
leave_has(const struct demo_cal_data *c, int agent, int32_t day)
{
	for (size_t i = 0; i < c->nleave[agent]; i++)
		if (day >= c->leave[agent][i].first &&
		    day <= c->leave[agent][i].last)
			return 1;
	return 0;
}

static void
build_duty(struct demo_cal_data *c, int a)
{
	const struct demo_sched	*s = &demo_scheds[demo_agents[a].sched];
	const struct tz		*tz = c->tz[s->zone];
	size_t			 n = 0, cap = 0;
	struct demo_span	*v = NULL;

	for (int32_t day = c->day0 - 2; day < c->day1 + DUTY_AFTER; day++) {
		const struct demo_window *w, *hd;
		size_t			 nw;
		int64_t			 y;
		int			 m, d;

		if (days_has(&c->hol[s->cal], day) || leave_has(c, a, day))
			continue;
		civil_from_days(day, &y, &m, &d);
		if ((hd = half_day(c, s, day)) != NULL) {
			w = hd;
			nw = 1;
		} else {
			w = s->week[(wday(day) + 6) % 7];
			nw = 2;
		}
		for (size_t i = 0; i < nw && w[i].end != 0; i++) {
			int64_t	lo, hi;

			lo = tz_from_local(tz, y, m, d, w[i].start / 60,
			    w[i].start % 60, 0);
			hi = tz_from_local(tz, y, m, d + (w[i].end <
			    w[i].start), w[i].end / 60, w[i].end % 60, 0);
			if (hi <= lo)
				continue;
			if (n > 0 && v[n - 1].b >= lo) {
				if (hi > v[n - 1].b)
					v[n - 1].b = hi;
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 512;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[n].a = lo;
			v[n].b = hi;
			n++;
		}
	}
	c->duty[a] = v;
	c->nduty[a] = n;
}

int
demo_cal_init(struct demo_cal_data *c, uint64_t messages, struct err *err)
{
	struct dayset	 ds;
	int		 mo, d;

	memset(c, 0, sizeof(*c));
	demo_period(messages, &c->start, &c->end);
	c->day0 = (int32_t)(c->start / DEMO_DAY);
	c->day1 = (int32_t)(c->end / DEMO_DAY);
	civil_from_days(c->day0, &c->year0, &mo, &d);
	c->year1 = END_YEAR;
	for (int r = 0; r < DEMO_NREGIONS; r++) {
		const char	*p = demo_zones[r].posix;

		if (tz_parse_posix(p, strlen(p), demo_zones[r].iana, &c->tz[r],
		    err) == -1) {
			demo_cal_free(c);
			return -1;
		}
	}
	for (int cal = 0; cal < DEMO_NCALS; cal++) {
		struct demo_days	*h = &c->hol[cal];

		/* One year earlier too: Sydney leave straddles New Year. */
		for (int64_t y = c->year0 - 1; y <= c->year1; y++) {
			year_holidays((enum demo_cal)cal, y, &ds);
			h->v = xreallocarray(h->v, h->n + ds.n,
			    sizeof(*h->v));
			memcpy(h->v + h->n, ds.v, ds.n * sizeof(*h->v));
			h->n += ds.n;
		}
		qsort(h->v, h->n, sizeof(*h->v), cmp_day);
		for (size_t i = 0, o = 0; i < h->n; i++) {
			if (o == 0 || h->v[o - 1] != h->v[i])
				h->v[o++] = h->v[i];
			if (i + 1 == h->n)
				h->n = o;
		}
	}
	for (int a = 0; a < DEMO_NAGENTS; a++) {
		build_leave(c, a);
		build_duty(c, a);
	}
	return 0;
}

void
demo_cal_free(struct demo_cal_data *c)
{
	for (int r = 0; r < DEMO_NREGIONS; r++)
		tz_free(c->tz[r]);
	for (int i = 0; i < DEMO_NCALS; i++)
		free(c->hol[i].v);
	for (int a = 0; a < DEMO_NAGENTS; a++) {
		free(c->leave[a]);
		free(c->duty[a]);
	}
	memset(c, 0, sizeof(*c));
}

int32_t
demo_offset(const struct demo_cal_data *c, enum demo_region r, int64_t t)
{
	return tz_offset_at(c->tz[r], t);
}

/* Index of the first duty span of agent that ends after t. */
static size_t
duty_after(const struct demo_cal_data *c, int agent, int64_t t)
{
	const struct demo_span	*v = c->duty[agent];
	size_t			 lo = 0, hi = c->nduty[agent];

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (v[mid].b <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
demo_on_duty(const struct demo_cal_data *c, int agent, int64_t t)
{
	size_t	i = duty_after(c, agent, t);

	return i < c->nduty[agent] && c->duty[agent][i].a <= t;
}

int64_t
demo_next_duty(const struct demo_cal_data *c, int agent, int64_t t)
{
	size_t	i = duty_after(c, agent, t);

	if (i == c->nduty[agent])
		return INT64_MAX;
	return c->duty[agent][i].a > t ? c->duty[agent][i].a : t;
}

int
demo_on_leave(const struct demo_cal_data *c, int agent, int64_t t)
{
	enum demo_region r = demo_scheds[demo_agents[agent].sched].zone;
	int64_t		 local = t + tz_offset_at(c->tz[r], t);
	int64_t		 day = local / DEMO_DAY - (local % DEMO_DAY < 0);

	return leave_has(c, agent, (int32_t)day);
}

/* ---- the configuration ---- */

static void
put_day(struct buf *b, int32_t day)
{
	int64_t	y;
	int	m, d;
	char	s[16];

	civil_from_days(day, &y, &m, &d);
	s[0] = (char)('0' + y / 1000 % 10);
	s[1] = (char)('0' + y / 100 % 10);
	s[2] = (char)('0' + y / 10 % 10);
	s[3] = (char)('0' + y % 10);
	s[4] = '-';
	s[5] = (char)('0' + m / 10);
	s[6] = (char)('0' + m % 10);
	s[7] = '-';
	s[8] = (char)('0' + d / 10);
	s[9] = (char)('0' + d % 10);
	buf_add(b, s, 10);
}

static void
put_hhmm(struct buf *b, int min)
{
	char	s[5];

	s[0] = (char)('0' + min / 600);
	s[1] = (char)('0' + min / 60 % 10);
	s[2] = ':';
	s[3] = (char)('0' + min % 60 / 10);
	s[4] = (char)('0' + min % 10);
	buf_add(b, s, 5);
}

static void
put_window(struct buf *b, const struct demo_window *w)
{
	put_hhmm(b, w->start);
	buf_addc(b, '-');
	put_hhmm(b, w->end);
}

static void
config_sched(const struct demo_cal_data *c, struct buf *b,
    const struct demo_sched *s)
{
	static const char *const days[7] = {
		"mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	const struct demo_days	*hol = &c->hol[s->cal];
	int			 first = 1;

	if (s->name == NULL)
		buf_puts(b, "\n[hours]\n");
	else
		buf_addf(b, "\n[hours \"%s\"]\n", s->name);
	buf_addf(b, "timezone = %s\n", demo_zones[s->zone].iana);
	for (int i = 0; i < 7; i++) {
		if (s->week[i][0].end == 0)
			continue;
		buf_addf(b, "%s = ", days[i]);
		for (int j = 0; j < 2 && s->week[i][j].end != 0; j++) {
			if (j > 0)
				buf_puts(b, ", ");
			put_window(b, &s->week[i][j]);
		}
		buf_addc(b, '\n');
	}
	buf_puts(b, "holidays = ");
	for (size_t i = 0; i < hol->n; i++) {
		int64_t	y;
		int	m, d;

		civil_from_days(hol->v[i], &y, &m, &d);
		if (y < c->year0)
			continue;
		if (!first)
			buf_puts(b, ", ");
		put_day(b, hol->v[i]);
		first = 0;
	}
	buf_addc(b, '\n');
	if (!s->half_days)
		return;
	first = 1;
	for (int64_t y = c->year0; y <= c->year1; y++) {
		for (size_t i = 0; i < nitems(half_days); i++) {
			int32_t	day = (int32_t)civil_to_days(y,
			    half_days[i].mon, half_days[i].day);
			const struct demo_window *w = half_day(c, s, day);

			if (w == NULL)
				continue;
			buf_puts(b, first ? "partial = " : ", ");
			put_day(b, day);
			buf_addc(b, ' ');
			put_window(b, w);
			first = 0;
		}
	}
	if (!first)
		buf_addc(b, '\n');
}

static void
config_members(struct buf *b, enum demo_team team)
{
	int	first = 1;

	buf_puts(b, "members = ");
	for (int a = 0; a < DEMO_NAGENTS; a++) {
		if (!(demo_agents[a].teams & (1u << team)))
			continue;
		buf_addf(b, "%s%s@acme.example", first ? "" : ", ",
		    demo_agents[a].local);
		first = 0;
	}
	buf_addc(b, '\n');
}

void
demo_config_text(const struct demo_cal_data *c, struct buf *b)
{
	buf_puts(b,
	    "# replytime.ini: the configuration of the demo data written by\n"
	    "# \"replytime demo-data\" (see docs/demo-data.md).  Acme Ltd is "
	    "fictional;\n# every address is under .example.  Period: ");
	put_day(b, c->day0);
	buf_puts(b, " to ");
	put_day(b, c->day1 - 1);
	buf_puts(b, " (UTC).\n"
	    "\n[organization]\n"
	    "name = Acme Ltd\n"
	    "internal_domains = acme.example\n"
	    "\n[rules]\n"
	    "time_source = date\n"
	    "clock_start = parent\n"
	    "exclude_internal = yes\n"
	    "exclude_lists = yes\n"
	    "visibility = addressed\n"
	    "count_cc = yes\n"
	    "outlier_cap = 30d\n"
	    "sla_targets = 1h, 4h, 24h\n"
	    "\n# The default schedule: the London office, which closes early "
	    "on\n# 24 and 31 December.  Teams and agents without hours of "
	    "their own\n# use it.\n");
	config_sched(c, b, &demo_scheds[0]);
	buf_puts(b, "\n# Named schedules.  \"support\" is the cover the "
	    "support team promises\n# (its team metrics use it); the others "
	    "are the agents' own hours.\n");
	for (int i = 1; i < DEMO_NSCHEDS; i++)
		config_sched(c, b, &demo_scheds[i]);
	buf_puts(b, "\n[team \"support\"]\n");
	config_members(b, DEMO_SUPPORT);
	buf_puts(b, "hours = support\n\n[team \"sales\"]\n");
	config_members(b, DEMO_SALES);
	for (int a = 0; a < DEMO_NAGENTS; a++) {
		const struct demo_agent	*ag = &demo_agents[a];

		if (!ag->hours_line && ag->alias == NULL && c->nleave[a] == 0)
			continue;
		buf_addf(b, "\n[agent \"%s@acme.example\"]\n", ag->local);
		if (ag->alias != NULL)
			buf_addf(b, "aliases = %s@acme.example\n", ag->alias);
		if (ag->hours_line)
			buf_addf(b, "hours = %s\n",
			    demo_scheds[ag->sched].name);
		if (c->nleave[a] == 0)
			continue;
		buf_puts(b, "leave = ");
		for (size_t i = 0; i < c->nleave[a]; i++) {
			if (i > 0)
				buf_puts(b, ", ");
			put_day(b, c->leave[a][i].first);
			if (c->leave[a][i].last != c->leave[a][i].first) {
				buf_puts(b, "..");
				put_day(b, c->leave[a][i].last);
			}
		}
		buf_addc(b, '\n');
	}
}
