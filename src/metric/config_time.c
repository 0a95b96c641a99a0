/*
 * config_time.c: the value types of the configuration language, part 2:
 * time zones, time windows, dates, partial days and date ranges.
 *
 * Contracts as in config_value.c.  Syntax, all strict:
 *	time		H:MM or HH:MM, 00:00 to 23:59; 24:00 as an end only
 *	window		time-time; end before start runs past midnight, start
 *			equal to end is an error; windows of one list may
 *			not overlap (an overnight window counts to its end)
 *	date		YYYY-MM-DD, a real date in 1970-2099, kept as a day
 *			number (days since 1970-01-01)
 *	range		date..date, both included
 *	partial		"date window" starts a date, a bare window adds one
 *	time zone	an IANA name that tz_load() can load
 * Dates, windows, partial days and ranges are sets: kept sorted, with
 * duplicates and overlaps refused, so the schedule code can binary-search
 * them and need not merge anything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/xmalloc.h"
#include "config_priv.h"
#include "tz.h"

/*
 * Calendar: dates are day numbers (base/civil.h does the arithmetic).
 */

static int
digits(struct str s, size_t off, size_t n, int *out)
{
	int	v = 0;

	if (off + n > s.len)
		return -1;
	for (size_t i = off; i < off + n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	*out = v;
	return 0;
}

static int
parse_date(struct str s, int32_t *day_out)
{
	static const int	mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			y, m, d;

	if (s.len != 10 || s.p[4] != '-' || s.p[7] != '-' ||
	    digits(s, 0, 4, &y) == -1 || digits(s, 5, 2, &m) == -1 ||
	    digits(s, 8, 2, &d) == -1)
		return -1;
	if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	*day_out = (int32_t)civil_to_days(y, m, d);
	return 0;
}

void
config_day_format(int32_t day, char out[static 11])
{
	int64_t	y;
	int	m, d;

	civil_from_days(day, &y, &m, &d);
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/*
 * Time zone: loaded through tz_load(), which also checks the name's
 * syntax, so an unknown zone is an error of the configuration.
 */

static int
parse_timezone(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_zone	*z = field;
	struct tz		*tz = NULL;
	struct err		 e;
	char			*name, sh[SHOW_MAX];

	if (v.len == 0 || v.len > TZ_NAME_MAX || memchr(v.p, '\0', v.len))
		return perr(p, p->line, ERR_CONFIG, "invalid time zone \"%s\" "
		    "for %s", show(v, sh), k->name);
	name = xstrndup(v.p, v.len);
	if (tz_load(name, &tz, &e) == -1) {
		free(name);
		return perr(p, p->line, e.code == ERR_IO ? ERR_IO : ERR_CONFIG,
		    "%s", e.msg);
	}
	free(z->name);
	tz_free(z->tz);
	z->name = name;
	z->tz = tz;
	return 0;
}

static void
print_timezone(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_zone	*z = field;

	if (z->name != NULL)
		vout_item(o, z->name);
}

static void
clear_timezone(void *field)
{
	struct config_zone	*z = field;

	free(z->name);
	tz_free(z->tz);
	z->name = NULL;
	z->tz = NULL;
}

const struct type_def type_timezone = {
	.doc = "time zone", .parse = parse_timezone, .print = print_timezone,
	.clear = clear_timezone,
};

/*
 * Time windows.
 */

/* H:MM or HH:MM as minutes; 24:00 only when end is set. */
static int
time_scan(struct str s, int end, int *min_out)
{
	int	h, m;
	size_t	hl = s.len == 4 ? 1 : 2;

	if ((s.len != 4 && s.len != 5) || s.p[hl] != ':' ||
	    digits(s, 0, hl, &h) == -1 || digits(s, hl + 1, 2, &m) == -1)
		return -1;
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
		return -1;
	*min_out = h * 60 + m;
	return 0;
}

static int
window_scan(struct str s, struct config_window *w)
{
	const char	*dash = memchr(s.p, '-', s.len);
	struct str	 a, b;

	if (dash == NULL)
		return -1;
	a = str_trim(str_make(s.p, (size_t)(dash - s.p)));
	b = str_trim(str_skip(s, (size_t)(dash - s.p) + 1));
	if (time_scan(a, 0, &w->start) == -1 ||
	    time_scan(b, 1, &w->end) == -1)
		return -1;
	return 0;
}

/* "HH:MM" of minutes 0-1440 at out[0..4]. */
static void
time_format(int min, char *out)
{
	out[0] = (char)('0' + min / 600 % 10);
	out[1] = (char)('0' + min / 60 % 10);
	out[2] = ':';
	out[3] = (char)('0' + min % 60 / 10);
	out[4] = (char)('0' + min % 10);
}

static void
window_format(const struct config_window *w, char out[static 12])
{
	time_format(w->start, out);
	out[5] = '-';
	time_format(w->end, out + 6);
	out[11] = '\0';
}

/* Reads a window into a list, reporting errors for key k. */
static int
window_add(struct pctx *p, const struct key_def *k,
    struct config_windows *l, struct str v)
{
	struct config_window	w;
	char			sh[SHOW_MAX];

	if (window_scan(v, &w) == -1)
		return perr(p, p->line, ERR_CONFIG, "malformed time window "
		    "\"%s\" in %s: expected HH:MM-HH:MM", show(v, sh),
		    k->name);
	if (w.start == w.end)
		return perr(p, p->line, ERR_CONFIG, "empty time window \"%s\" "
		    "in %s", show(v, sh), k->name);
	*(struct config_window *)vec_push(&l->v, l->n++, sizeof(w)) = w;
	return 0;
}

static int
cmp_window(const void *a, const void *b)
{
	const struct config_window *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* Sorts and refuses overlaps; an overnight window ends on the next day. */
static int
windows_done(struct pctx *p, const struct key_def *k,
    struct config_windows *l)
{
	char	a[12], b[12];

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_window);
	for (size_t i = 1; i < l->n; i++) {
		const struct config_window *w = &l->v[i - 1];
		int end = w->end > w->start ? w->end : w->end + 1440;

		if (l->v[i].start < end) {
			window_format(w, a);
			window_format(&l->v[i], b);
			return perr(p, p->key_line, ERR_CONFIG, "time windows "
			    "%s and %s overlap in %s", a, b, k->name);
		}
	}
	return 0;
}

static int
parse_windows(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	return window_add(p, k, field, v);
}

static int
done_windows(struct pctx *p, const struct key_def *k, void *field)
{
	return windows_done(p, k, field);
}

static void
print_windows(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_windows	*l = field;
	char				 s[12];

	for (size_t i = 0; i < l->n; i++) {
		window_format(&l->v[i], s);
		vout_item(o, s);
	}
}

static void
clear_windows(void *field)
{
	struct config_windows	*l = field;

	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct type_def type_windows = {
	.doc = "list of time windows", .list = 1, .parse = parse_windows,
	.done = done_windows, .print = print_windows, .clear = clear_windows,
};

/*
 * Dates (holidays).
 */

static int
cmp_day(const void *a, const void *b)
{
	int32_t	x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
parse_dates(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_days	*l = field;
	int32_t			 day;
	char			 sh[SHOW_MAX];

	if (parse_date(v, &day) == -1)
		return perr(p, p->line, ERR_CONFIG, "malformed date \"%s\" in "
		    "%s: expected YYYY-MM-DD in 1970-2099", show(v, sh),
		    k->name);
	*(int32_t *)vec_push(&l->v, l->n++, sizeof(day)) = day;
	return 0;
}

static int
done_dates(struct pctx *p, const struct key_def *k, void *field)
{
	struct config_days	*l = field;
	char			 d[11];

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_day);
	for (size_t i = 1; i < l->n; i++)
		if (l->v[i] == l->v[i - 1]) {
			config_day_format(l->v[i], d);
			return perr(p, p->key_line, ERR_CONFIG,
			    "duplicate date %s in %s", d, k->name);
		}
	return 0;
}

static void
print_dates(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_days	*l = field;
	char				 d[11];

	for (size_t i = 0; i < l->n; i++) {
		config_day_format(l->v[i], d);
		vout_item(o, d);
	}
}

static void
clear_dates(void *field)
{
	struct config_days	*l = field;

	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct type_def type_dates = {
	.doc = "list of dates", .list = 1, .parse = parse_dates,
	.done = done_dates, .print = print_dates, .clear = clear_dates,
};

/*
 * Partial days: "YYYY-MM-DD HH:MM-HH:MM" starts a date, a bare window
 * adds one to the date before it.
 */

static int
parse_partial(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_partials	*l = field;
	struct config_partial	*pd;
	int32_t			 day;
	char			 sh[SHOW_MAX];

	if (memchr(v.p, ':', v.len < 3 ? v.len : 3) != NULL) {
		if (l->n == 0)
			return perr(p, p->line, ERR_CONFIG, "time window \"%s\" "
			    "in %s needs a date before it", show(v, sh),
			    k->name);
		return window_add(p, k, &l->v[l->n - 1].windows, v);
	}
	if (v.len < 12 || (v.p[10] != ' ' && v.p[10] != '\t') ||
	    parse_date(str_make(v.p, 10), &day) == -1)
		return perr(p, p->line, ERR_CONFIG, "malformed partial day "
		    "\"%s\" in %s: expected YYYY-MM-DD HH:MM-HH:MM",
		    show(v, sh), k->name);
	pd = vec_push(&l->v, l->n++, sizeof(*pd));
	pd->day = day;
	return window_add(p, k, &pd->windows, str_trim(str_skip(v, 10)));
}

static int
cmp_partial(const void *a, const void *b)
{
	return cmp_day(&((const struct config_partial *)a)->day,
	    &((const struct config_partial *)b)->day);
}

static int
done_partial(struct pctx *p, const struct key_def *k, void *field)
{
	struct config_partials	*l = field;
	char			 d[11];

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_partial);
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0 && l->v[i].day == l->v[i - 1].day) {
			config_day_format(l->v[i].day, d);
			return perr(p, p->key_line, ERR_CONFIG,
			    "duplicate date %s in %s", d, k->name);
		}
		if (windows_done(p, k, &l->v[i].windows) == -1)
			return -1;
	}
	return 0;
}

static void
print_partial(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_partials	*l = field;
	char				 s[24];

	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < l->v[i].windows.n; j++) {
			if (j == 0) {
				config_day_format(l->v[i].day, s);
				s[10] = ' ';
				window_format(&l->v[i].windows.v[j], s + 11);
			} else
				window_format(&l->v[i].windows.v[j], s);
			vout_item(o, s);
		}
}

static void
clear_partial(void *field)
{
	struct config_partials	*l = field;

	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].windows.v);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct type_def type_partial = {
	.doc = "list of partial days", .list = 1, .parse = parse_partial,
	.done = done_partial, .print = print_partial, .clear = clear_partial,
};

/*
 * Date ranges (leave).
 */

static int
parse_range(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_ranges	*l = field;
	struct config_range	 r;
	const char		*dots = NULL;
	char			 sh[SHOW_MAX];

	for (size_t i = 0; i + 1 < v.len && dots == NULL; i++)
		if (v.p[i] == '.' && v.p[i + 1] == '.')
			dots = v.p + i;
	if (dots == NULL) {
		if (parse_date(v, &r.first) == -1)
			goto bad;
		r.last = r.first;
	} else if (parse_date(str_trim(str_make(v.p,
	    (size_t)(dots - v.p))), &r.first) == -1 ||
	    parse_date(str_trim(str_skip(v, (size_t)(dots - v.p) + 2)),
	    &r.last) == -1)
		goto bad;
	if (r.last < r.first)
		return perr(p, p->line, ERR_CONFIG, "range \"%s\" in %s ends "
		    "before it starts", show(v, sh), k->name);
	*(struct config_range *)vec_push(&l->v, l->n++, sizeof(r)) = r;
	return 0;
bad:
	return perr(p, p->line, ERR_CONFIG, "malformed date range \"%s\" in %s: "
	    "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", show(v, sh),
	    k->name);
}

static int
cmp_range(const void *a, const void *b)
{
	return cmp_day(&((const struct config_range *)a)->first,
	    &((const struct config_range *)b)->first);
}

static int
done_ranges(struct pctx *p, const struct key_def *k, void *field)
{
	struct config_ranges	*l = field;
	char			 d[11];

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_range);
	for (size_t i = 1; i < l->n; i++)
		if (l->v[i].first <= l->v[i - 1].last) {
			config_day_format(l->v[i].first, d);
			return perr(p, p->key_line, ERR_CONFIG, "%s appears "
			    "twice in %s", d, k->name);
		}
	return 0;
}

static void
print_ranges(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_ranges	*l = field;
	char				 s[24];

	for (size_t i = 0; i < l->n; i++) {
		config_day_format(l->v[i].first, s);
		if (l->v[i].last != l->v[i].first) {
			memcpy(s + 10, "..", 2);
			config_day_format(l->v[i].last, s + 12);
		}
		vout_item(o, s);
	}
}

static void
clear_ranges(void *field)
{
	struct config_ranges	*l = field;

	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct type_def type_ranges = {
	.doc = "list of dates and date ranges", .list = 1,
	.parse = parse_range, .done = done_ranges, .print = print_ranges,
	.clear = clear_ranges,
};

/*
 * The check of a whole [hours] section.
 */

void
config_sched_check(struct pctx *p, void *obj)
{
	struct config_schedule	*sc = obj;
	size_t			 i, j, open = 0;
	char			 d[11];

	for (i = 0; i < nitems(sc->week); i++)
		open += sc->week[i].n;
	if (open == 0)
		perr(p, p->sect_line, ERR_CONFIG, "%s has no open hours: give "
		    "at least one weekday a window", p->label);
	for (i = j = 0; i < sc->holidays.n && j < sc->partial.n; ) {
		if (sc->holidays.v[i] < sc->partial.v[j].day)
			i++;
		else if (sc->holidays.v[i] > sc->partial.v[j].day)
			j++;
		else {
			config_day_format(sc->holidays.v[i], d);
			perr(p, config_seen_line(p, SECT_HOURS, "partial"), ERR_CONFIG,
			    "%s is both a holiday and a partial day", d);
			break;
		}
	}
}
