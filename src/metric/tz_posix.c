/*
 * tz_posix.c: POSIX TZ strings (the footer of TZif 2+) and the calendar.
 *
 * Grammar (POSIX.1 section 8.3 with the RFC 8536 section 3.3 extensions):
 *
 *	std offset [dst [offset] ,start[/time],end[/time]]
 *
 * std and dst are three or more letters, or "<...>" around three or more
 * of [A-Za-z0-9+-]; an offset is [+-]hh[:mm[:ss]] WEST of Greenwich with
 * hh 0-24; a missing DST offset is one hour east of standard time; a date
 * is Jn (1-365, 29 February never counted), n (0-365, counted) or Mm.w.d
 * (day d of week w of month m, week 5 = the last); a time is
 * [+-]hh[:mm[:ss]] with hh -167..167 (the version 3 extension, accepted
 * whatever the file version), 02:00 by default.  The start time is in
 * standard time, the end time in DST.  A DST name without a rule is
 * refused: the POSIX default rule is implementation-defined.
 *
 * A year's transitions follow the reference implementation (tzcode's
 * tzparse): start and end of DST; if end comes before start the year is
 * "reversed" (southern hemisphere); if DST lasts a whole year or more
 * (the "J365/25" idiom) the year has no transition and DST is in force.
 * Because the Gregorian calendar repeats exactly every 400 years (146097
 * days, a whole number of weeks) so does every rule: tz_rule_parse()
 * checks one cycle so that the transitions of all years form a single
 * strictly ascending sequence, and tz_rule_at() then evaluates any
 * instant by reducing it into one cycle.
 */
#include <stdint.h>
#include <string.h>

#include "base/err.h"
#include "metric/tz.h"

#define DAY		86400
#define CYCLE_DAYS	146097
#define CYCLE_SECS	((int64_t)CYCLE_DAYS * DAY)

int64_t
tz_days_from_civil(int64_t year, int month, int64_t day)
{
	int64_t	y, era, yoe, doy, doe;
	int	m = month;

	y = year - (m <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * CYCLE_DAYS + doe - 719468 + (day - 1);
}

void
tz_civil_from_days(int64_t days, int64_t *year_out, int *month_out,
    int *day_out)
{
	int64_t	z, era, doe, yoe, doy, mp, y;

	z = days + 719468;
	era = (z >= 0 ? z : z - (CYCLE_DAYS - 1)) / CYCLE_DAYS;
	doe = z - era * CYCLE_DAYS;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day_out = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month_out = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year_out = y + (*month_out <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_len(int64_t y, int m)
{
	static const int len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return len[m - 1] + (m == 2 && is_leap(y));
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int
weekday(int64_t days)
{
	int64_t	w = (days + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/*
 * Parsing.  p walks over [s, end); errors give the byte offset.
 */
struct tzp {
	const char	*s;
	const char	*p;
	const char	*end;
	const char	*name;
	struct err	*err;
};

static int
tzp_fail(struct tzp *z, const char *what)
{
	return err_set(z->err, ERR_PARSE, "time zone %s: TZ string: byte %zu: "
	    "%s", z->name, (size_t)(z->p - z->s), what);
}

static int
tzp_more(const struct tzp *z)
{
	return z->p < z->end;
}

static int
tzp_isdigit(const struct tzp *z)
{
	return z->p < z->end && *z->p >= '0' && *z->p <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
tzp_abbr(struct tzp *z, char *out)
{
	size_t	n = 0;

	if (tzp_more(z) && *z->p == '<') {
		z->p++;
		while (tzp_more(z) && *z->p != '>') {
			char c = *z->p;

			if (!is_alpha(c) && !(c >= '0' && c <= '9') &&
			    c != '+' && c != '-')
				return tzp_fail(z, "bad byte in quoted name");
			if (n == TZ_ABBR_MAX)
				return tzp_fail(z, "name too long");
			out[n++] = c;
			z->p++;
		}
		if (!tzp_more(z))
			return tzp_fail(z, "unterminated quoted name");
		z->p++;
	} else {
		while (tzp_more(z) && is_alpha(*z->p)) {
			if (n == TZ_ABBR_MAX)
				return tzp_fail(z, "name too long");
			out[n++] = *z->p++;
		}
	}
	if (n < 3)
		return tzp_fail(z, "name shorter than 3 bytes");
	out[n] = '\0';
	return 0;
}

/* Up to maxdig digits, at least one, value <= max. */
static int
tzp_num(struct tzp *z, int maxdig, int max, int *out)
{
	int	v = 0, n = 0;

	while (tzp_isdigit(z) && n < maxdig) {
		v = v * 10 + (*z->p++ - '0');
		n++;
	}
	if (n == 0)
		return tzp_fail(z, "expected a number");
	if (tzp_isdigit(z) || v > max)
		return tzp_fail(z, "number out of range");
	*out = v;
	return 0;
}

/* [+-]hh[:mm[:ss]], hours up to maxh; the sign is returned applied. */
static int
tzp_hms(struct tzp *z, int maxh, int32_t *out)
{
	int	neg = 0, h = 0, m = 0, s = 0;

	if (tzp_more(z) && (*z->p == '+' || *z->p == '-'))
		neg = *z->p++ == '-';
	if (tzp_num(z, 3, maxh, &h) == -1)
		return -1;
	if (tzp_more(z) && *z->p == ':') {
		z->p++;
		if (tzp_num(z, 2, 59, &m) == -1)
			return -1;
		if (tzp_more(z) && *z->p == ':') {
			z->p++;
			if (tzp_num(z, 2, 59, &s) == -1)
				return -1;
		}
	}
	*out = (int32_t)(h * 3600 + m * 60 + s);
	if (neg)
		*out = -*out;
	return 0;
}

static int
tzp_date(struct tzp *z, struct tz_rdate *d)
{
	memset(d, 0, sizeof(*d));
	if (tzp_more(z) && *z->p == 'J') {
		z->p++;
		d->kind = 'J';
		if (tzp_num(z, 3, 365, &d->day) == -1)
			return -1;
		if (d->day < 1)
			return tzp_fail(z, "Julian day 0");
	} else if (tzp_more(z) && *z->p == 'M') {
		z->p++;
		d->kind = 'M';
		if (tzp_num(z, 2, 12, &d->mon) == -1)
			return -1;
		if (d->mon < 1)
			return tzp_fail(z, "month 0");
		if (!tzp_more(z) || *z->p != '.')
			return tzp_fail(z, "expected '.'");
		z->p++;
		if (tzp_num(z, 1, 5, &d->week) == -1)
			return -1;
		if (d->week < 1)
			return tzp_fail(z, "week 0");
		if (!tzp_more(z) || *z->p != '.')
			return tzp_fail(z, "expected '.'");
		z->p++;
		if (tzp_num(z, 1, 6, &d->wday) == -1)
			return -1;
	} else {
		d->kind = 'D';
		if (tzp_num(z, 3, 365, &d->day) == -1)
			return -1;
	}
	d->secs = 2 * 3600;
	if (tzp_more(z) && *z->p == '/') {
		z->p++;
		if (tzp_hms(z, 167, &d->secs) == -1)
			return -1;
	}
	return 0;
}

/* Local day number of the rule date in year y. */
static int64_t
rdate_day(const struct tz_rdate *d, int64_t y)
{
	int64_t	first, day;

	switch (d->kind) {
	case 'J':
		return tz_days_from_civil(y, 1, d->day) +
		    (is_leap(y) && d->day >= 60);
	case 'D':
		return tz_days_from_civil(y, 1, 1 + d->day);
	default:
		first = tz_days_from_civil(y, d->mon, 1);
		day = first + (d->wday - weekday(first) + 7) % 7 +
		    (int64_t)(d->week - 1) * 7;
		while (day >= first + month_len(y, d->mon))
			day -= 7;
		return day;
	}
}

int
tz_rule_year(const struct tz_rule *rule, int64_t year, int64_t out_at[2],
    int out_dst[2])
{
	int64_t	s, e, ylen;

	s = rdate_day(&rule->start, year) * DAY + rule->start.secs -
	    rule->std_off;
	e = rdate_day(&rule->end, year) * DAY + rule->end.secs -
	    rule->dst_off;
	ylen = (365 + is_leap(year)) * (int64_t)DAY;
	if (e < s) {
		out_at[0] = e;
		out_dst[0] = 0;
		out_at[1] = s;
		out_dst[1] = 1;
		return 2;
	}
	if (s < e && e - s < ylen) {
		out_at[0] = s;
		out_dst[0] = 1;
		out_at[1] = e;
		out_dst[1] = 0;
		return 2;
	}
	return 0;
}

/*
 * Checks one 400-year cycle (and the step into the next): either every
 * year has two transitions, all strictly ascending, or none has (DST all
 * the time).  Returns 2, 0, or -1 for anything else.
 */
static int
rule_check(const struct tz_rule *rule)
{
	int64_t	at[2], last = 0;
	int	dst[2], n, first = -1;

	for (int64_t y = 2000; y <= 2400; y++) {
		n = tz_rule_year(rule, y, at, dst);
		if (first == -1)
			first = n;
		else if (n != first)
			return -1;
		if (n == 0)
			continue;
		if (y > 2000 && last >= at[0])
			return -1;
		last = at[1];
	}
	return first;
}

int
tz_rule_parse(const char *s, size_t len, const char *name,
    struct tz_rule *rule, int *perpetual_dst_out, struct err *err)
{
	struct tzp	 z = { s, s, s + len, name, err };
	int32_t		 off;
	int		 n;

	memset(rule, 0, sizeof(*rule));
	*perpetual_dst_out = 0;
	if (len > TZ_FOOTER_MAX)
		return err_set(err, ERR_LIMIT, "time zone %s: TZ string longer "
		    "than %d bytes", name, TZ_FOOTER_MAX);
	if (tzp_abbr(&z, rule->std_abbr) == -1 ||
	    tzp_hms(&z, 24, &off) == -1)
		return -1;
	rule->std_off = -off;
	if (!tzp_more(&z))
		return 0;
	if (tzp_abbr(&z, rule->dst_abbr) == -1)
		return -1;
	rule->dst_off = rule->std_off + 3600;
	if (tzp_more(&z) && *z.p != ',') {
		if (tzp_hms(&z, 24, &off) == -1)
			return -1;
		rule->dst_off = -off;
	}
	if (!tzp_more(&z))
		return err_set(err, ERR_UNSUPPORTED, "time zone %s: TZ string "
		    "has a DST name but no rule", name);
	if (*z.p != ',')
		return tzp_fail(&z, "expected ','");
	z.p++;
	if (tzp_date(&z, &rule->start) == -1)
		return -1;
	if (!tzp_more(&z) || *z.p != ',')
		return tzp_fail(&z, "expected ','");
	z.p++;
	if (tzp_date(&z, &rule->end) == -1)
		return -1;
	if (tzp_more(&z))
		return tzp_fail(&z, "trailing bytes");
	rule->has_dst = 1;
	n = rule_check(rule);
	if (n == -1)
		return err_set(err, ERR_UNSUPPORTED, "time zone %s: TZ string "
		    "rule has overlapping or irregular transitions", name);
	if (n == 0) {
		/* DST all year round: one fixed type. */
		rule->has_dst = 0;
		rule->std_off = rule->dst_off;
		memcpy(rule->std_abbr, rule->dst_abbr, sizeof(rule->std_abbr));
		*perpetual_dst_out = 1;
	}
	return 0;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	int64_t	r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int
tz_rule_at(const struct tz_rule *rule, int64_t t, int64_t *start_out,
    int64_t *end_out)
{
	int64_t	tr, y, at[2], prev = INT64_MIN, next = INT64_MAX;
	int	dst[2], state = 0, m, d;

	/* Reduce into [0, CYCLE_SECS): 1970 to 2370. */
	tr = t % CYCLE_SECS;
	if (tr < 0)
		tr += CYCLE_SECS;
	tz_civil_from_days(tr / DAY, &y, &m, &d);
	/*
	 * Transitions of year y lie within a few days of it (rule times are
	 * at most 167 hours, offsets under 26): the last one at or before
	 * tr is in y-2..y and the first one after it in y..y+2.
	 */
	for (int64_t yy = y - 2; yy <= y + 2; yy++) {
		if (tz_rule_year(rule, yy, at, dst) != 2)
			continue;
		for (int i = 0; i < 2; i++) {
			if (at[i] <= tr && (prev == INT64_MIN ||
			    at[i] > prev)) {
				prev = at[i];
				state = dst[i];
			} else if (at[i] > tr && at[i] < next)
				next = at[i];
		}
	}
	*start_out = prev == INT64_MIN ? INT64_MIN : sat_add(t, prev - tr);
	*end_out = next == INT64_MAX ? INT64_MAX : sat_add(t, next - tr);
	return state;
}
