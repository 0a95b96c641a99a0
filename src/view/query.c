/*
 * query.c: the dashboard's query parameters (outside input: every value
 * checked against its limits), and what they resolve to in a snapshot:
 * the period in the tenant's zone, the caller's scope and the group.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../metric/tz.h"
#include "vpage.h"

void
view_query_init(struct view_query *q)
{
	memset(q, 0, sizeof(*q));
	q->wday = q->hour = -1;
	q->limit = VIEW_LIMIT_DEFAULT;
}

/* Digits only, at most max (which is < 10^18). */
static int
parse_uint(const char *v, int64_t max, int64_t *out)
{
	int64_t	n = 0;

	if (*v == '\0')
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9' || *v - '0' > max ||
		    n > (max - (*v - '0')) / 10)
			return -1;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return 0;
}

/* YYYY-MM-DD in 1970..2099 as a day number. */
static int
parse_day(const char *v, int64_t *out)
{
	int64_t	y, m, d;
	char	s[5];

	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
		return -1;
	memcpy(s, v, 4);
	s[4] = '\0';
	if (parse_uint(s, 9999, &y) == -1)
		return -1;
	memcpy(s, v + 5, 2);
	s[2] = '\0';
	if (parse_uint(s, 99, &m) == -1)
		return -1;
	memcpy(s, v + 8, 2);
	if (parse_uint(s, 99, &d) == -1)
		return -1;
	if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1 ||
	    d > tz_days_from_civil(y, (int)m + 1, 1) -
	    tz_days_from_civil(y, (int)m, 1))
		return -1;
	*out = tz_days_from_civil(y, (int)m, d);
	return 0;
}

/* No control bytes (the value is kept and compared, never executed). */
static int
plain_text(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

static int
bad(struct err *err, const char *name, const char *why)
{
	return err_set(err, ERR_USAGE, "query parameter %s: %s", name, why);
}

int
view_query_parse(const char *name, const char *value, struct view_query *q,
    struct err *err)
{
	size_t	len = strlen(value);
	int64_t	n;

	if (strlen(name) > 16)
		return err_set(err, ERR_USAGE, "query parameter: unknown name");
	if (len > VIEW_VALUE_MAX)
		return err_set(err, ERR_LIMIT, "query parameter %s: longer "
		    "than %d bytes", name, VIEW_VALUE_MAX);
	if (len == 0)
		return bad(err, name, "empty value");
	if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0) {
		if (parse_day(value, &n) == -1)
			return bad(err, name, "not a date YYYY-MM-DD between "
			    "1970 and 2099");
		if (name[0] == 'f') {
			q->from_day = n;
			q->has_from = 1;
		} else {
			q->to_day = n;
			q->has_to = 1;
		}
	} else if (strcmp(name, "gran") == 0) {
		if (strcmp(value, "day") == 0)
			q->gran = VIEW_GRAN_DAY;
		else if (strcmp(value, "week") == 0)
			q->gran = VIEW_GRAN_WEEK;
		else if (strcmp(value, "auto") == 0)
			q->gran = VIEW_GRAN_AUTO;
		else
			return bad(err, name, "not day, week or auto");
	} else if (strcmp(name, "group") == 0) {
		if (!plain_text(value))
			return bad(err, name, "control characters");
		memcpy(q->group, value, len + 1);
	} else if (strcmp(name, "domain") == 0) {
		if (!plain_text(value))
			return bad(err, name, "control characters");
		for (size_t i = 0; i <= len; i++)
			q->domain[i] = (char)rt_lower((unsigned char)value[i]);
	} else if (strcmp(name, "metric") == 0) {
		static const char *const m[] = { "replies", "first_reply",
		    "awaiting", "received", "sent" };
		size_t i;

		for (i = 0; i < nitems(m) && strcmp(value, m[i]) != 0; i++)
			;
		if (i == nitems(m))
			return bad(err, name, "not replies, first_reply, "
			    "awaiting, received or sent");
		q->metric = (enum view_metric)i;
	} else if (strcmp(name, "clock") == 0) {
		if (strcmp(value, "calendar") == 0)
			q->clock = VIEW_CLOCK_CALENDAR;
		else if (strcmp(value, "business") == 0)
			q->clock = VIEW_CLOCK_BUSINESS;
		else
			return bad(err, name, "not calendar or business");
	} else if (strcmp(name, "gt") == 0 || strcmp(name, "le") == 0) {
		if (parse_uint(value, INT64_C(100000000000), &n) == -1)
			return bad(err, name, "not a number of seconds "
			    "(0 to 10^11)");
		if (name[0] == 'g') {
			q->gt = n;
			q->has_gt = 1;
		} else {
			q->le = n;
			q->has_le = 1;
		}
	} else if (strcmp(name, "wday") == 0) {
		if (parse_uint(value, 7, &n) == -1 || n < 1)
			return bad(err, name, "not a weekday 1 (Monday) to 7");
		q->wday = (int)n;
	} else if (strcmp(name, "hour") == 0) {
		if (parse_uint(value, 23, &n) == -1)
			return bad(err, name, "not an hour 0 to 23");
		q->hour = (int)n;
	} else if (strcmp(name, "sort") == 0) {
		if (len >= sizeof(q->sort))
			return bad(err, name, "unknown column");
		for (size_t i = 0; i < len; i++)
			if (!((value[i] >= 'a' && value[i] <= 'z') ||
			    (value[i] >= '0' && value[i] <= '9') ||
			    value[i] == '_'))
				return bad(err, name, "unknown column");
		memcpy(q->sort, value, len + 1);
	} else if (strcmp(name, "dir") == 0) {
		if (strcmp(value, "asc") == 0)
			q->desc = 0;
		else if (strcmp(value, "desc") == 0)
			q->desc = 1;
		else
			return bad(err, name, "not asc or desc");
		q->has_dir = 1;
	} else if (strcmp(name, "offset") == 0) {
		if (parse_uint(value, VIEW_OFFSET_MAX, &q->offset) == -1)
			return bad(err, name, "not a number from 0 to 10^7");
	} else if (strcmp(name, "limit") == 0) {
		if (parse_uint(value, VIEW_LIMIT_MAX, &n) == -1 || n < 1)
			return bad(err, name, "not a number from 1 to 1000");
		q->limit = n;
	} else if (strcmp(name, "id") == 0) {
		if (parse_uint(value, INT64_MAX / 10, &n) == -1 || n < 1)
			return bad(err, name, "not a conversation number");
		q->id = n;
	} else
		return err_set(err, ERR_USAGE, "query parameter %s: unknown "
		    "name", name);
	return 0;
}

/* ---- Time in the tenant's zone --------------------------------------------- */

int64_t
vq_day_start(const struct view_snap *s, int64_t day)
{
	int64_t	y;
	int	m, d;

	if (s->zone == NULL)
		return day * 86400;
	tz_civil_from_days(day, &y, &m, &d);
	return tz_from_local(s->zone, y, m, d, 0, 0, 0);
}

int64_t
vq_local_day(const struct view_snap *s, int64_t t)
{
	struct tz_civil	c;

	if (s->zone == NULL)
		return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	tz_to_local(s->zone, t, &c);
	return tz_days_from_civil(c.year, c.month, c.day);
}

void
vq_fmt_day(int64_t day, char out[16])
{
	int64_t	y;
	int	m, d;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04" PRId64 "-%02d-%02d", y, m, d);
}

void
vq_fmt_local(const struct view_snap *s, int64_t t, char out[40])
{
	struct tz_civil	c;
	int		off, sign;

	if (s->zone == NULL) {
		memset(&c, 0, sizeof(c));
		{
			int64_t	day = t >= 0 ? t / 86400 :
				    -((-t + 86399) / 86400);
			int64_t	sec = t - day * 86400;

			tz_civil_from_days(day, &c.year, &c.month, &c.day);
			c.hour = (int)(sec / 3600);
			c.min = (int)(sec / 60 % 60);
			c.sec = (int)(sec % 60);
		}
	} else
		tz_to_local(s->zone, t, &c);
	off = c.offset;
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(out, 40, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    c.year, c.month, c.day, c.hour, c.min, c.sec, sign, off / 3600,
	    off / 60 % 60);
}

/* Hour of the week (0: Monday 00h .. 167) of instant t, local. */
int
vq_hour_of_week(const struct view_snap *s, int64_t t)
{
	struct tz_civil	c;
	int64_t		day, sec;

	if (s->zone == NULL) {
		day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
		sec = t - day * 86400;
		/* 1970-01-01 was a Thursday (3 days after a Monday). */
		return (int)(((day % 7 + 7 + 3) % 7) * 24 + sec / 3600);
	}
	tz_to_local(s->zone, t, &c);
	return ((c.wday + 6) % 7) * 24 + c.hour;
}

int
vq_period(const struct view_snap *s, const struct view_query *q,
    struct vperiod *p, struct err *err)
{
	int64_t	now = q->now != 0 ? q->now : (int64_t)time(NULL);

	memset(p, 0, sizeof(*p));
	p->now = now;
	p->to_day = q->has_to ? q->to_day : vq_local_day(s, now);
	p->from_day = q->has_from ? q->from_day : p->to_day - 29;
	if (p->from_day > p->to_day)
		return err_set(err, ERR_USAGE, "query: from is after to");
	p->ndays = p->to_day - p->from_day + 1;
	if (p->ndays > VIEW_DAYS_MAX)
		return err_set(err, ERR_LIMIT, "query: a period of more than "
		    "%d days", VIEW_DAYS_MAX);
	p->from = vq_day_start(s, p->from_day);
	p->to = vq_day_start(s, p->to_day + 1);
	p->prev_from = vq_day_start(s, p->from_day - p->ndays);
	p->prev_to = p->from;
	/* Awaiting at the end of the period, or now if that is earlier
	 * (spec section 8: "now" of a report). */
	p->at = p->to < now ? p->to : now;
	p->prev_at = p->prev_to < now ? p->prev_to : now;
	p->gran = q->gran;
	if (p->gran == VIEW_GRAN_AUTO)
		p->gran = p->ndays > 62 ? VIEW_GRAN_WEEK : VIEW_GRAN_DAY;
	return 0;
}

/* ---- Scope and groups --------------------------------------------------- */

int
vq_scope(const struct view_snap *s, const struct view_scope *sc,
    struct vscope *out)
{
	size_t	a;

	out->all = sc->all;
	out->agent = -1;
	if (sc->all)
		return 0;
	if (sc->agent == NULL || config_agent_find(s->cfg,
	    str_cstr(sc->agent), &a) == -1)
		return VIEW_NOT_FOUND;
	out->agent = (int32_t)a;
	return 0;
}

int
vq_allowed(const struct view_snap *s, const struct vscope *vs, size_t g)
{
	const struct config_agent	*ag;

	if (vs->all)
		return 1;
	if (vs->agent < 0)
		return 0;
	if (g == 1 + s->nteams + (size_t)vs->agent)
		return 1;
	ag = &s->cfg->agents[vs->agent];
	for (size_t k = 0; k < ag->nteams; k++)
		if (g == 1 + ag->teams[k])
			return 1;
	return 0;
}

void
vq_group_name(const struct view_snap *s, size_t g, struct buf *out)
{
	if (g == 0)
		buf_lit(out, "all");
	else if (g <= s->nteams) {
		buf_lit(out, "team:");
		buf_puts(out, s->cfg->teams[g - 1].name);
	} else {
		buf_lit(out, "agent:");
		buf_puts(out, s->cfg->agents[g - 1 - s->nteams].addr);
	}
}

const char *
vq_group_label(const struct view_snap *s, size_t g)
{
	if (g == 0)
		return "all";
	if (g <= s->nteams)
		return s->cfg->teams[g - 1].name;
	return s->cfg->agents[g - 1 - s->nteams].addr;
}

int
vq_group(const struct view_snap *s, const struct vscope *vs, const char *name,
    size_t *g)
{
	size_t	i;

	if (name[0] == '\0') {
		*g = vs->all ? 0 : 1 + s->nteams + (size_t)vs->agent;
		return 0;
	}
	if (strcmp(name, "all") == 0)
		*g = 0;
	else if (strncmp(name, "team:", 5) == 0) {
		for (i = 0; i < s->nteams; i++)
			if (strcmp(s->cfg->teams[i].name, name + 5) == 0)
				break;
		if (i == s->nteams)
			return VIEW_NOT_FOUND;
		*g = 1 + i;
	} else if (strncmp(name, "agent:", 6) == 0) {
		if (config_agent_find(s->cfg, str_cstr(name + 6), &i) == -1)
			return VIEW_NOT_FOUND;
		*g = 1 + s->nteams + i;
	} else
		return VIEW_NOT_FOUND;
	return vq_allowed(s, vs, *g) ? 0 : VIEW_NOT_FOUND;
}

/* The schedule and leave of group g's business time (spec section 9). */
void
vq_group_schedule(const struct view_snap *s, size_t g,
    const struct config_schedule **sched, const struct config_ranges **leave)
{
	*leave = NULL;
	if (g == 0)
		*sched = s->cfg->hours;
	else if (g <= s->nteams)
		*sched = config_team_schedule(s->cfg, g - 1);
	else {
		*sched = config_agent_schedule(s->cfg, g - 1 - s->nteams);
		*leave = &s->cfg->agents[g - 1 - s->nteams].leave;
	}
}

int
vq_prepare(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct vctx *x, struct err *err)
{
	int	r;

	memset(x, 0, sizeof(*x));
	x->s = s;
	x->q = q;
	if ((r = vq_scope(s, sc, &x->vs)) != 0)
		return r;
	if ((r = vq_group(s, &x->vs, q->group, &x->g)) != 0)
		return r;
	return vq_period(s, q, &x->p, err);
}
