/*
 * biz.c: business seconds between two instants (metrics spec section 9).
 *
 * The model (biz.h) is a union of open intervals of instants, one per
 * window of every open local date.  biz_secs() measures [a, b) against it
 * by walking local dates in order, from the day before a's local date to
 * b's, and the windows of each date in order of their start.  Because
 * first() (see below) never decreases when the local time increases, the
 * intervals come out sorted by their start instant, so one cursor (the
 * end of what has been counted so far) measures the union: a night
 * window of Monday that overlaps Tuesday's first window is counted once.
 *
 * Local time is handled as "local seconds": the day number times 86400
 * plus the seconds of the day, so comparing two local times is integer
 * comparison.  The local seconds La and Lb of a and b (one offset lookup
 * each) decide most windows without a conversion:
 *  - a window whose local end is at or before La ends at or before a;
 *  - a window whose local start is at or before La opens at or before a;
 *  - when b is the first instant showing Lb (true except in the second
 *    pass of a fall-back overlap), a window ending at or after Lb closes
 *    at or after b, and one starting at or after Lb opens at or after b,
 *    as do all later windows, which ends the walk.
 * Only boundaries strictly inside (La, Lb) cost a conversion, first(),
 * which is tz_from_local() plus one offset lookup to tell whether the
 * time exists.  A span inside one window, the common case, costs two
 * offset lookups and one tz_from_local() in all.
 *
 * Why no whole-week shortcut: a week's business seconds equal the sum of
 * its windows only when no DST transition falls inside one of them, and
 * tz.h offers no way to prove that a stretch of time has no transition
 * (two transitions can hide between any two lookups).  The walk is
 * linear in days instead; BIZ_TIME_MIN/MAX bound it.
 */
#include <stddef.h>
#include <stdint.h>

#include "biz.h"
#include "config.h"
#include "tz.h"

#define DAY	86400

/* Floor division by a positive divisor. */
static int64_t
floor_div(int64_t x, int64_t d)
{
	int64_t	q = x / d;

	return x % d < 0 ? q - 1 : q;
}

/* UT offset at t; NULL zone: UTC. */
static int32_t
offset_at(const struct tz *tz, int64_t t)
{
	return tz == NULL ? 0 : tz_offset_at(tz, t);
}

/*
 * first(): the first instant at which the wall clock reads local seconds
 * day * DAY + min * 60, or later.  A time that occurs gives
 * tz_from_local()'s answer, its earliest occurrence.  A time in a gap
 * gives the end of the gap, found by bisection: the first instant u whose
 * local time u + offset(u) reaches L (about 18 offset lookups, only
 * for a boundary that falls into a gap).
 */
static int64_t
first(const struct tz *tz, int64_t day, int min)
{
	int64_t	L = day * DAY + (int64_t)min * 60;
	int64_t	t, lo, hi, mid;

	if (tz == NULL)
		return L;
	t = tz_from_local(tz, 1970, 1, (int)day + 1, 0, min, 0);
	if (t + tz_offset_at(tz, t) == L)
		return t;
	/* lo shows a local time before L (offsets are at most
	 * TZ_OFF_MAX); tz_from_local() put t past the gap. */
	lo = L - TZ_OFF_MAX - 1;
	hi = t;
	if (hi + tz_offset_at(tz, hi) < L)
		return t;		/* not a gap we understand; keep t */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (mid + tz_offset_at(tz, mid) >= L)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* 1 if t is the earliest instant whose local seconds are L (= t plus its
 * offset): false only in the second pass of a fall-back overlap. */
static int
is_first(const struct tz *tz, int64_t t, int64_t L)
{
	int64_t	day = floor_div(L, DAY);

	return tz_from_local(tz, 1970, 1, (int)day + 1, 0, 0,
	    (int)(L - day * DAY)) == t;
}

/* Index of the first element of v[0..n) that is >= x. */
static size_t
days_lower(const int32_t *v, size_t n, int64_t x)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
partial_lower(const struct config_partial *v, size_t n, int64_t x)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].day < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first range whose last day is >= x. */
static size_t
range_lower(const struct config_range *v, size_t n, int64_t x)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].last < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The calendar of one call: cursors into the sorted holidays, partial
 * days and leave ranges, advanced as the walk moves forward one day at a
 * time, so each date costs a few comparisons.
 */
struct walk {
	const struct config_schedule	*s;
	const struct config_ranges	*leave;
	size_t				 hol;	/* first holiday >= day */
	size_t				 part;	/* first partial >= day */
	size_t				 lv;	/* first range ending >= day */
};

static void
walk_init(struct walk *w, const struct config_schedule *s,
    const struct config_ranges *leave, int64_t day)
{
	w->s = s;
	w->leave = leave != NULL && leave->n > 0 ? leave : NULL;
	w->hol = days_lower(s->holidays.v, s->holidays.n, day);
	w->part = partial_lower(s->partial.v, s->partial.n, day);
	w->lv = w->leave != NULL ? range_lower(w->leave->v, w->leave->n,
	    day) : 0;
}

/*
 * The windows that open on day (weekday wd, ISO order), or NULL when the
 * day is a holiday or a leave date.  Leave wins over a partial day: on a
 * date that is both, nothing opens.  Days must come in ascending order.
 */
static const struct config_windows *
walk_day(struct walk *w, int64_t day, int wd)
{
	const struct config_schedule	*s = w->s;
	int				 closed = 0;

	while (w->hol < s->holidays.n && s->holidays.v[w->hol] < day)
		w->hol++;
	if (w->hol < s->holidays.n && s->holidays.v[w->hol] == day)
		closed = 1;
	if (w->leave != NULL) {
		while (w->lv < w->leave->n && w->leave->v[w->lv].last < day)
			w->lv++;
		if (w->lv < w->leave->n && w->leave->v[w->lv].first <= day)
			closed = 1;
	}
	while (w->part < s->partial.n && s->partial.v[w->part].day < day)
		w->part++;
	if (closed)
		return NULL;
	if (w->part < s->partial.n && s->partial.v[w->part].day == day)
		return &s->partial.v[w->part].windows;
	return &s->week[wd];
}

static int
has_windows(const struct config_schedule *s)
{
	for (int i = 0; i < 7; i++)
		if (s->week[i].n > 0)
			return 1;
	return s->partial.n > 0;
}

/*
 * One call's span: [a, b) clamped, their local seconds, and the cursor of
 * the union, the end of what has been counted so far.
 */
struct span {
	const struct tz	*tz;
	int64_t		 a, b;
	int64_t		 La, Lb;
	int		 b_first;	/* b is the first instant showing Lb */
	int64_t		 cur;
	int64_t		 total;
};

/*
 * Adds the part of [a, b) inside the window win of day that the windows
 * before it have not covered.  Returns 1 when this window, and so every
 * later one, opens at or after b.
 */
static int
span_add(struct span *sp, int64_t day, const struct config_window *win)
{
	int64_t	eday = win->end > win->start ? day : day + 1;
	int64_t	Ls = day * DAY + (int64_t)win->start * 60;
	int64_t	Le = eday * DAY + (int64_t)win->end * 60;
	int64_t	st, en;

	if (Le <= sp->La)
		return 0;
	if (sp->b_first && Ls >= sp->Lb)
		return 1;
	st = Ls <= sp->La ? sp->a : first(sp->tz, day, win->start);
	if (st >= sp->b)
		return 1;
	en = sp->b_first && Le >= sp->Lb ? sp->b :
	    first(sp->tz, eday, win->end);
	if (en > sp->b)
		en = sp->b;
	if (st < sp->cur)
		st = sp->cur;
	if (en > st) {
		sp->total += en - st;
		sp->cur = en;
	}
	return 0;
}

int64_t
biz_secs(const struct config_schedule *s, const struct config_ranges *leave,
    int64_t a, int64_t b)
{
	const struct config_windows	*ws;
	struct walk			 w;
	struct span			 sp;
	int64_t				 day, last;
	int				 wd;

	if (a >= b)
		return 0;
	if (s == NULL)
		return (uint64_t)b - (uint64_t)a > (uint64_t)INT64_MAX ?
		    INT64_MAX : b - a;
	if (a < BIZ_TIME_MIN)
		a = BIZ_TIME_MIN;
	if (b > BIZ_TIME_MAX)
		b = BIZ_TIME_MAX;
	if (a >= b || !has_windows(s))
		return 0;

	sp.tz = s->timezone.tz;
	sp.a = sp.cur = a;
	sp.b = b;
	sp.La = a + offset_at(sp.tz, a);
	sp.Lb = b + offset_at(sp.tz, b);
	sp.b_first = sp.tz == NULL || is_first(sp.tz, b, sp.Lb);
	sp.total = 0;

	/* Windows of earlier days end before a (a window is shorter than a
	 * day).  Windows of days after b's local date open at or after b
	 * when b_first; otherwise at or after their local start minus
	 * TZ_OFF_MAX, which bounds the walk all the same. */
	day = floor_div(sp.La, DAY) - 1;
	last = sp.b_first ? floor_div(sp.Lb, DAY) :
	    floor_div(b + TZ_OFF_MAX - 1, DAY);
	wd = (int)((day % 7 + 10) % 7);		/* day 0 was a Thursday */
	walk_init(&w, s, leave, day);
	for (; day <= last; day++, wd = wd == 6 ? 0 : wd + 1) {
		if ((ws = walk_day(&w, day, wd)) == NULL)
			continue;
		for (size_t i = 0; i < ws->n; i++)
			if (span_add(&sp, day, &ws->v[i]))
				return sp.total;
	}
	return sp.total;
}
