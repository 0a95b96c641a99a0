/*
 * test_biz.c: business time (src/metric/biz.c, metrics spec section 9).
 *
 * The table cases give instants as local wall time with the UT offset
 * written out ("2025-11-02 01:30 -0500"), converted by plain arithmetic
 * in at(); the offsets were read off `zdump -v` and the conversions
 * spot-checked against `date -d ... +%s` (test_at).  Every expected value
 * was worked out by hand from the schedule, window by window, and says
 * how in its comment; the one-year total was summed by a separate Python
 * loop over the calendar.  Nothing expected comes from biz_secs() itself.
 *
 * Then invariants over many random spans (fixed-seed PRNG): 0 <= biz <=
 * b - a and additivity, biz(a, c) == biz(a, b) + biz(b, c), for every
 * schedule; a 24/7 schedule in a DST zone gives calendar time; and for
 * random schedules in fixed-offset zones (UTC, Asia/Kolkata), where local
 * time never jumps, a brute-force oracle that walks the span minute by
 * minute and asks whether the wall clock is inside an open window.
 *
 * Last, a timing loop printing ns/call (never asserted).
 * Time zones come from the system's zoneinfo through config_parse().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "metric/biz.h"
#include "metric/config.h"
#include "metric/tz.h"
#include "t.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400
#define H		3600
#define M		60

static const char config_text[] =
	"[hours]\n"
	"timezone = Europe/London\n"
	"mon = 09:00-17:30\n"
	"tue = 09:00-17:30\n"
	"wed = 09:00-17:30\n"
	"thu = 09:00-17:30\n"
	"fri = 09:00-17:00\n"
	"holidays = 2025-12-25, 2025-12-26, 2026-01-01\n"
	"partial = 2025-12-24 09:00-13:00\n"
	"\n"
	"[hours \"multi\"]\n"
	"timezone = Asia/Kolkata\n"
	"mon = 09:00-12:00, 13:00-17:00\n"
	"tue = 09:00-12:00, 13:00-17:00, 20:00-24:00\n"
	"wed = 00:00-24:00\n"
	"sat = 10:00-14:00\n"
	"partial = 2025-06-10 10:00-11:00, 15:00-16:00\n"
	"\n"
	"[hours \"night\"]\n"
	"timezone = America/New_York\n"
	"mon = 22:00-06:00\n"
	"tue = 22:00-06:00\n"
	"wed = 22:00-06:00\n"
	"thu = 22:00-06:00\n"
	"fri = 22:00-06:00\n"
	"holidays = 2025-07-04\n"
	"\n"
	"[hours \"sun06\"]\n"
	"timezone = America/New_York\n"
	"sun = 00:00-06:00\n"
	"\n"
	"[hours \"gap\"]\n"
	"timezone = America/New_York\n"
	"sun = 02:30-04:00\n"
	"\n"
	"[hours \"fb1\"]\n"
	"timezone = America/New_York\n"
	"sun = 01:00-02:00\n"
	"\n"
	"[hours \"fb2\"]\n"
	"timezone = America/New_York\n"
	"sun = 00:30-01:30, 01:30-03:00\n"
	"\n"
	"[hours \"fb3\"]\n"
	"timezone = America/New_York\n"
	"sun = 00:30-01:10, 01:20-01:40\n"
	"\n"
	"[hours \"lh\"]\n"
	"timezone = Australia/Lord_Howe\n"
	"sun = 00:00-06:00\n"
	"mon = 09:00-17:00\n"
	"\n"
	"[hours \"ldnsun\"]\n"
	"timezone = Europe/London\n"
	"sun = 00:00-06:00\n"
	"\n"
	"[hours \"always\"]\n"
	"timezone = America/New_York\n"
	"mon = 00:00-24:00\n"
	"tue = 00:00-24:00\n"
	"wed = 00:00-24:00\n"
	"thu = 00:00-24:00\n"
	"fri = 00:00-24:00\n"
	"sat = 00:00-24:00\n"
	"sun = 00:00-24:00\n"
	"\n"
	"[hours \"overlap\"]\n"
	"timezone = UTC\n"
	"mon = 20:00-08:00\n"
	"tue = 06:00-10:00\n"
	"\n"
	"[team \"t\"]\n"
	"members = alice@example.com\n"
	"\n"
	"[agent \"alice@example.com\"]\n"
	"leave = 2025-08-01..2025-08-14, 2025-10-03\n";

static struct config	*cfg;

static struct config *
cfg_get(void)
{
	struct err	err;

	if (cfg == NULL && config_parse(config_text, sizeof(config_text) - 1,
	    "biz.ini", &cfg, &err) == -1) {
		fprintf(stderr, "# config: %s\n", err.msg);
		exit(1);
	}
	return cfg;
}

/* The schedule called name; "" is the default [hours], "-" none. */
static const struct config_schedule *
sched(const char *name)
{
	struct config	*c = cfg_get();

	if (strcmp(name, "-") == 0)
		return NULL;
	if (name[0] == '\0')
		return c->hours;
	for (size_t i = 0; i < c->nschedules; i++)
		if (strcmp(c->schedules[i].name, name) == 0)
			return &c->schedules[i];
	fprintf(stderr, "# no schedule %s\n", name);
	exit(1);
}

/* "YYYY-MM-DD HH:MM +HHMM" to a UTC instant, by arithmetic alone. */
static int64_t
at(const char *s)
{
	int	y, mo, d, h, mi, oh, om;
	char	sign;

	if (sscanf(s, "%d-%d-%d %d:%d %c%2d%2d", &y, &mo, &d, &h, &mi,
	    &sign, &oh, &om) != 8 || (sign != '+' && sign != '-')) {
		fprintf(stderr, "# bad instant %s\n", s);
		exit(1);
	}
	return tz_days_from_civil(y, mo, d) * DAY + h * H + mi * M -
	    (sign == '-' ? -1 : 1) * (oh * H + om * M);
}

/* Leave ranges used by the table: index into this list, 0 = none. */
static struct config_range	lv_aug[] = {
	{ 20301, 20314 },	/* 2025-08-01..2025-08-14 */
	{ 20364, 20364 },	/* 2025-10-03 */
};
static struct config_range	lv_dec24[] = { { 20446, 20446 } };
static struct config_range	lv_jul07[] = { { 20276, 20276 } };
static struct config_range	lv_jul08[] = { { 20277, 20277 } };

static const struct config_ranges leaves[] = {
	{ NULL, 0 },
	{ lv_aug, nitems(lv_aug) },
	{ lv_dec24, nitems(lv_dec24) },
	{ lv_jul07, nitems(lv_jul07) },
	{ lv_jul08, nitems(lv_jul08) },
};

struct bcase {
	const char	*sched;		/* "" default, "-" NULL */
	int		 leave;		/* index into leaves[] */
	const char	*a;
	const char	*b;
	int64_t		 want;
};

/*
 * The default schedule is London, Mon-Thu 09:00-17:30 (8.5 h), Fri
 * 09:00-17:00 (8 h), holidays 25, 26 Dec 2025 and 1 Jan 2026, 24 Dec
 * 2025 09:00-13:00.  2025-03-10 is a Monday.
 */
static const struct bcase cases[] = {
	/* Plain weekday windows. */
	{ "", 0, "2025-03-10 10:00 +0000", "2025-03-10 11:00 +0000", 1 * H },
	{ "", 0, "2025-03-10 07:00 +0000", "2025-03-10 10:00 +0000", 1 * H },
	{ "", 0, "2025-03-10 17:00 +0000", "2025-03-10 19:00 +0000", 30 * M },
	{ "", 0, "2025-03-10 18:00 +0000", "2025-03-11 08:00 +0000", 0 },
	{ "", 0, "2025-03-10 08:00 +0000", "2025-03-10 18:00 +0000",
	    8 * H + 30 * M },
	{ "", 0, "2025-03-10 09:00 +0000", "2025-03-10 17:30 +0000",
	    8 * H + 30 * M },
	{ "", 0, "2025-03-10 12:34 +0000", "2025-03-10 12:34 +0000", 0 },
	/* Fri 16:00 -> Mon 10:00: 1 h + 1 h. */
	{ "", 0, "2025-03-14 16:00 +0000", "2025-03-17 10:00 +0000", 2 * H },
	{ "", 0, "2025-03-15 10:00 +0000", "2025-03-16 20:00 +0000", 0 },
	/* A whole week: 4 * 8.5 h + 8 h. */
	{ "", 0, "2025-03-10 00:00 +0000", "2025-03-17 00:00 +0000", 42 * H },
	/* Across London's spring-forward weekend: 1 h + 1 h. */
	{ "", 0, "2025-03-28 16:00 +0000", "2025-03-31 10:00 +0100", 2 * H },
	/* Holidays and the partial day: 24th 4 h, 25-28 closed, 29th 3 h. */
	{ "", 0, "2025-12-24 08:00 +0000", "2025-12-29 12:00 +0000", 7 * H },
	{ "", 0, "2025-12-24 12:00 +0000", "2025-12-24 15:00 +0000", 1 * H },
	{ "", 0, "2025-12-25 10:00 +0000", "2025-12-25 11:00 +0000", 0 },
	/* Wed 31st 30 min, 1 Jan holiday, Fri 2nd 1 h. */
	{ "", 0, "2025-12-31 17:00 +0000", "2026-01-02 10:00 +0000",
	    1 * H + 30 * M },
	/* Leave 1-14 Aug and 3 Oct: Thu 31 Jul 30 min, Fri 15 Aug 1 h. */
	{ "", 1, "2025-07-31 17:00 +0100", "2025-08-15 10:00 +0100",
	    1 * H + 30 * M },
	{ "", 1, "2025-10-02 17:00 +0100", "2025-10-06 10:00 +0100",
	    1 * H + 30 * M },
	{ "", 0, "2025-10-02 17:00 +0100", "2025-10-06 10:00 +0100",
	    9 * H + 30 * M },
	/* Leave on the partial day closes it: 30 min + 0 + 1 h ... */
	{ "", 2, "2025-12-23 17:00 +0000", "2025-12-29 10:00 +0000",
	    1 * H + 30 * M },
	/* ... which without leave is 30 min + 4 h + 1 h. */
	{ "", 0, "2025-12-23 17:00 +0000", "2025-12-29 10:00 +0000",
	    5 * H + 30 * M },
	/* The whole of 2025 (summed separately): 2171.5 h. */
	{ "", 0, "2025-01-01 00:00 +0000", "2026-01-01 00:00 +0000",
	    7817400 },

	/* No schedule: calendar time; a > b and a == b: 0. */
	{ "-", 0, "2025-03-10 10:00 +0000", "2025-03-12 11:30 +0000",
	    49 * H + 30 * M },
	{ "-", 0, "2025-03-12 10:00 +0000", "2025-03-10 10:00 +0000", 0 },
	{ "", 0, "2025-03-10 11:00 +0000", "2025-03-10 10:00 +0000", 0 },
	{ "-", 0, "2025-03-10 10:00 +0000", "2025-03-10 10:00 +0000", 0 },

	/*
	 * Kolkata (+0530, no DST): Mon 09-12, 13-17; Tue 09-12, 13-17,
	 * 20-24; Wed 00-24; Sat 10-14; 2025-06-10 (Tue) 10-11, 15-16.
	 * 2025-06-02 is a Monday.
	 */
	{ "multi", 0, "2025-06-02 11:00 +0530", "2025-06-02 14:00 +0530",
	    2 * H },
	{ "multi", 0, "2025-06-02 12:00 +0530", "2025-06-02 13:00 +0530", 0 },
	/* Mon 7 h, Tue 3 + 4 + 2 h. */
	{ "multi", 0, "2025-06-02 08:00 +0530", "2025-06-03 22:00 +0530",
	    16 * H },
	/* Tue 20:00-24:00 meets Wed 00:00-24:00. */
	{ "multi", 0, "2025-06-03 23:00 +0530", "2025-06-04 01:00 +0530",
	    2 * H },
	{ "multi", 0, "2025-06-04 00:00 +0530", "2025-06-05 00:00 +0530",
	    24 * H },
	/* The partial day replaces all three Tuesday windows. */
	{ "multi", 0, "2025-06-10 09:00 +0530", "2025-06-10 23:00 +0530",
	    2 * H },
	/* Sat 4 h, Mon 1 h. */
	{ "multi", 0, "2025-06-07 09:00 +0530", "2025-06-09 10:00 +0530",
	    5 * H },

	/*
	 * New York night shifts Mon-Fri 22:00-06:00, holiday Fri
	 * 2025-07-04 (EDT, -0400).
	 */
	/* Thu's window runs into the holiday's early hours: 8 h. */
	{ "night", 0, "2025-07-03 21:00 -0400", "2025-07-04 12:00 -0400",
	    8 * H },
	/* The window starting on the holiday is closed. */
	{ "night", 0, "2025-07-04 20:00 -0400", "2025-07-05 08:00 -0400", 0 },
	/* Monday: nothing started on Sunday; 22:00-23:00. */
	{ "night", 0, "2025-07-07 05:00 -0400", "2025-07-07 23:00 -0400",
	    1 * H },
	/* Inside Monday's window, after midnight. */
	{ "night", 0, "2025-07-08 03:00 -0400", "2025-07-08 05:00 -0400",
	    2 * H },
	/* Leave on Mon 7 Jul closes the window starting that evening ... */
	{ "night", 3, "2025-07-07 21:00 -0400", "2025-07-08 07:00 -0400", 0 },
	{ "night", 3, "2025-07-08 21:00 -0400", "2025-07-09 07:00 -0400",
	    8 * H },
	/* ... leave on Tue 8 Jul does not close Monday's window. */
	{ "night", 4, "2025-07-07 21:00 -0400", "2025-07-08 12:00 -0400",
	    8 * H },
	/* Over US spring-forward: Fri 7 Mar 22:00-06:00 EST 8 h, no
	 * windows start Sat or Sun, Mon 10 Mar 22:00-23:00 EDT 1 h. */
	{ "night", 0, "2025-03-07 12:00 -0500", "2025-03-10 23:00 -0400",
	    9 * H },

	/* New York Sun 00:00-06:00 on the DST Sundays. */
	{ "sun06", 0, "2025-03-09 00:00 -0500", "2025-03-09 12:00 -0400",
	    5 * H },
	{ "sun06", 0, "2025-03-02 00:00 -0500", "2025-03-02 12:00 -0500",
	    6 * H },
	{ "sun06", 0, "2025-11-02 00:00 -0400", "2025-11-02 12:00 -0500",
	    7 * H },
	/* 01:00 EST to 04:00 EDT is 2 real hours. */
	{ "sun06", 0, "2025-03-09 01:00 -0500", "2025-03-09 04:00 -0400",
	    2 * H },
	/* 01:00 EDT to 02:00 EST, both passes of 01:00-02:00: 2 h. */
	{ "sun06", 0, "2025-11-02 01:00 -0400", "2025-11-02 02:00 -0500",
	    2 * H },

	/* Sun 02:30-04:00: on 9 Mar 02:30 does not exist, the window opens
	 * at 03:00 EDT: 1 h.  A normal Sunday: 1.5 h.  On 2 Nov 02:30 and
	 * 04:00 are EST: 1.5 h. */
	{ "gap", 0, "2025-03-09 00:00 -0500", "2025-03-09 12:00 -0400",
	    1 * H },
	{ "gap", 0, "2025-03-02 00:00 -0500", "2025-03-02 12:00 -0500",
	    1 * H + 30 * M },
	{ "gap", 0, "2025-11-02 00:00 -0400", "2025-11-02 12:00 -0500",
	    1 * H + 30 * M },
	{ "gap", 0, "2025-03-09 03:00 -0400", "2025-03-09 03:30 -0400",
	    30 * M },
	{ "gap", 0, "2025-03-09 01:59 -0500", "2025-03-09 03:01 -0400",
	    1 * M },

	/* Sun 01:00-02:00 on 2 Nov: 01:00 is ambiguous (earlier: EDT),
	 * 02:00 occurs once (EST): 05:00Z-07:00Z, 2 real hours. */
	{ "fb1", 0, "2025-11-02 00:00 -0400", "2025-11-02 12:00 -0500",
	    2 * H },
	{ "fb1", 0, "2025-11-02 01:30 -0500", "2025-11-02 12:00 -0500",
	    30 * M },
	{ "fb1", 0, "2025-11-02 01:30 -0400", "2025-11-02 01:30 -0500",
	    1 * H },
	{ "fb1", 0, "2025-10-26 00:00 -0400", "2025-10-26 12:00 -0400",
	    1 * H },

	/* Sun 00:30-01:30 and 01:30-03:00 on 2 Nov: 00:30 EDT-01:30 EDT
	 * (1 h), 01:30 EDT-03:00 EST (2.5 h). */
	{ "fb2", 0, "2025-11-02 00:00 -0400", "2025-11-02 12:00 -0500",
	    3 * H + 30 * M },
	{ "fb2", 0, "2025-11-02 00:00 -0400", "2025-11-02 01:30 -0500",
	    2 * H },
	{ "fb2", 0, "2025-10-26 00:00 -0400", "2025-10-26 12:00 -0400",
	    2 * H + 30 * M },

	/* Sun 00:30-01:10 and 01:20-01:40 on 2 Nov are 04:30Z-05:10Z and
	 * 05:20Z-05:40Z, both in the first (EDT) pass.  b in the second
	 * pass (01:15 EST = 06:15Z) is after both, though its wall time is
	 * before the second window's. */
	{ "fb3", 0, "2025-11-02 00:00 -0400", "2025-11-02 01:15 -0500",
	    1 * H },
	{ "fb3", 0, "2025-11-02 01:15 -0500", "2025-11-02 02:00 -0500", 0 },
	{ "fb3", 0, "2025-11-02 01:05 -0400", "2025-11-02 01:05 -0500",
	    25 * M },
	{ "fb3", 0, "2025-10-26 00:00 -0400", "2025-10-26 12:00 -0400",
	    1 * H },

	/* Lord Howe's half-hour DST: Sun 00:00-06:00 on 5 Oct is 5.5 h, on
	 * 6 Apr 6.5 h. */
	{ "lh", 0, "2025-10-05 00:00 +1030", "2025-10-05 12:00 +1100",
	    5 * H + 30 * M },
	{ "lh", 0, "2025-04-06 00:00 +1100", "2025-04-06 12:00 +1030",
	    6 * H + 30 * M },
	{ "lh", 0, "2025-10-06 10:00 +1100", "2025-10-06 11:00 +1100",
	    1 * H },
	/* Sun 5 Oct 5.5 h, Mon 6 Oct 8 h. */
	{ "lh", 0, "2025-10-04 12:00 +1030", "2025-10-07 00:00 +1100",
	    13 * H + 30 * M },

	/* London Sun 00:00-06:00: 5 h in spring, 7 h in autumn. */
	{ "ldnsun", 0, "2025-03-30 00:00 +0000", "2025-03-30 12:00 +0100",
	    5 * H },
	{ "ldnsun", 0, "2025-10-26 00:00 +0100", "2025-10-26 12:00 +0000",
	    7 * H },

	/* 24/7 in a DST zone is calendar time: 47 h and 49 h. */
	{ "always", 0, "2025-03-08 12:00 -0500", "2025-03-10 12:00 -0400",
	    47 * H },
	{ "always", 0, "2025-11-01 12:00 -0400", "2025-11-03 12:00 -0500",
	    49 * H },

	/* Mon 20:00-08:00 overlaps Tue 06:00-10:00: the union, 14 h. */
	{ "overlap", 0, "2025-06-02 19:00 +0000", "2025-06-03 12:00 +0000",
	    14 * H },
	{ "overlap", 0, "2025-06-03 07:00 +0000", "2025-06-03 09:00 +0000",
	    2 * H },
};

static void
test_at(void)
{
	/* The helper against `date -d ... +%s`. */
	t_eq_i64(at("2025-03-10 10:00 +0000"), 1741600800, "at london");
	t_eq_i64(at("2025-11-02 01:30 -0500"), 1762065000, "at ny");
	t_eq_i64(at("2025-10-05 00:00 +1030"), 1759584600, "at lh");
	t_eq_i64(at("2025-06-03 23:00 +0530"), 1748971800, "at kolkata");
	t_eq_i64(at("2025-01-01 00:00 +0000"), 1735689600, "at 2025");
	/* Leave day numbers in the table. */
	t_eq_i64(lv_aug[0].first, tz_days_from_civil(2025, 8, 1), "aug 1");
	t_eq_i64(lv_aug[0].last, tz_days_from_civil(2025, 8, 14), "aug 14");
	t_eq_i64(lv_aug[1].first, tz_days_from_civil(2025, 10, 3), "oct 3");
	t_eq_i64(lv_dec24[0].first, tz_days_from_civil(2025, 12, 24), "dec");
	t_eq_i64(lv_jul07[0].first, tz_days_from_civil(2025, 7, 7), "jul 7");
	t_eq_i64(lv_jul08[0].first, tz_days_from_civil(2025, 7, 8), "jul 8");
}

static void
test_table(void)
{
	for (size_t i = 0; i < nitems(cases); i++) {
		const struct bcase *c = &cases[i];
		const struct config_ranges *lv = c->leave ?
		    &leaves[c->leave] : NULL;
		int64_t a = at(c->a), b = at(c->b);

		t_eq_i64(biz_secs(sched(c->sched), lv, a, b), c->want,
		    "case %zu: [%s] %s .. %s", i, c->sched, c->a, c->b);
	}
}

/* The agent's leave as parsed equals the table's, and gives the same. */
static void
test_config_leave(void)
{
	struct config			*c = cfg_get();
	const struct config_schedule	*s = config_agent_schedule(c, 0);
	const struct config_ranges	*lv = &c->agents[0].leave;

	t_ok(s == c->hours, "alice uses the default schedule");
	t_eq_i64(lv->n, 2, "leave ranges");
	t_eq_i64(lv->v[0].first, lv_aug[0].first, "leave first");
	t_eq_i64(biz_secs(s, lv, at("2025-07-31 17:00 +0100"),
	    at("2025-08-15 10:00 +0100")), 1 * H + 30 * M, "leave");
	/* Empty leave is no leave. */
	t_eq_i64(biz_secs(s, &leaves[0], at("2025-03-10 10:00 +0000"),
	    at("2025-03-10 11:00 +0000")), 1 * H, "empty leave");
}

static void
test_extremes(void)
{
	const struct config_schedule	*s = sched("");
	int64_t				 r;

	t_eq_i64(biz_secs(NULL, NULL, INT64_MIN, INT64_MAX), INT64_MAX,
	    "calendar saturates");
	t_eq_i64(biz_secs(NULL, NULL, -5, 5), 10, "calendar");
	t_eq_i64(biz_secs(s, NULL, INT64_MAX, INT64_MIN), 0, "reversed");
	r = biz_secs(s, NULL, INT64_MIN, INT64_MAX);
	t_ok(r > 0 && r < BIZ_TIME_MAX - BIZ_TIME_MIN, "whole range %" PRId64,
	    r);
	/* Nothing is open outside the supported years. */
	t_eq_i64(biz_secs(s, NULL, INT64_MIN, BIZ_TIME_MIN), 0, "before");
	t_eq_i64(biz_secs(s, NULL, BIZ_TIME_MAX, INT64_MAX), 0, "after");
	t_eq_i64(biz_secs(sched("always"), NULL, BIZ_TIME_MIN - 1000,
	    BIZ_TIME_MIN + 1000), 1000, "clamped at the start");
	/* A schedule without windows (config_parse() refuses one, a
	 * hand-built one can have it) and one without a zone (UTC). */
	{
		struct config_schedule		 none, utc;
		struct config_window		 w = { 540, 1020 };

		memset(&none, 0, sizeof(none));
		t_eq_i64(biz_secs(&none, NULL, 0, 30 * DAY), 0, "no windows");
		memset(&utc, 0, sizeof(utc));
		utc.week[CONFIG_THU].v = &w;
		utc.week[CONFIG_THU].n = 1;
		/* 1970-01-01 was a Thursday: 09:00-17:00 UTC. */
		t_eq_i64(biz_secs(&utc, NULL, 10 * H, 7 * DAY), 7 * H,
		    "no zone");
	}
	/* The full range equals the sum of its halves. */
	t_eq_i64(biz_secs(s, NULL, INT64_MIN, 0) +
	    biz_secs(s, NULL, 0, INT64_MAX), r, "halves");
}

/*
 * Invariants.
 */

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

/* splitmix64: fixed seed, same sequence everywhere. */
static uint64_t
rng(void)
{
	uint64_t	z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t
rng_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

/* A random instant in 2024-2026, on the minute or not. */
static int64_t
rand_instant(void)
{
	int64_t	t = rng_in(1704067200, 1798761600);

	return rng() % 2 ? t - t % 60 : t;
}

/* A random span length: mostly hours to days, sometimes months. */
static int64_t
rand_span(void)
{
	switch (rng() % 4) {
	case 0:
		return rng_in(0, 4 * H);
	case 1:
		return rng_in(0, 3 * DAY);
	case 2:
		return rng_in(0, 40 * DAY);
	default:
		return rng_in(0, 400 * DAY);
	}
}

static void
test_additive(void)
{
	static const char *const names[] = { "", "multi", "night", "sun06",
	    "gap", "fb1", "fb2", "fb3", "lh", "ldnsun", "always", "overlap" };
	int	bad = 0;

	for (size_t k = 0; k < nitems(names); k++) {
		const struct config_schedule *s = sched(names[k]);

		for (int i = 0; i < 3000 && bad < 5; i++) {
			const struct config_ranges *lv = &leaves[rng() % 5];
			int64_t a = rand_instant(), b, c, ab, bc, ac;

			b = a + rand_span();
			c = b + rand_span();
			ab = biz_secs(s, lv, a, b);
			bc = biz_secs(s, lv, b, c);
			ac = biz_secs(s, lv, a, c);
			if (ab < 0 || ab > b - a || bc < 0 || bc > c - b ||
			    ac != ab + bc) {
				bad++;
				t_fail(__FILE__, __LINE__, "[%s] a %" PRId64
				    " b %" PRId64 " c %" PRId64 ": %" PRId64
				    " + %" PRId64 " != %" PRId64, names[k], a, b,
				    c, ab, bc, ac);
			}
			t_checks++;
		}
	}
	/* 24/7 in a DST zone: calendar time everywhere. */
	for (int i = 0; i < 2000; i++) {
		int64_t a = rand_instant(), b = a + rand_span();

		t_eq_i64(biz_secs(sched("always"), NULL, a, b), b - a,
		    "always %" PRId64 " %" PRId64, a, b);
	}
}

/*
 * The oracle for fixed-offset zones: local time is t + off, and an
 * instant is open when its local minute lies in a window of its own date
 * (not closed) or in the overnight tail of the previous date's window.
 */
struct rsched {
	struct config_schedule	 s;
	struct config_window	 wv[7][3];
	int32_t			 hol[4];
	struct config_partial	 part[3];
	struct config_window	 pw[3][2];
	struct config_range	 lvv[3];
	struct config_ranges	 lv;
};

static int
day_closed(const struct rsched *r, int64_t day)
{
	for (size_t i = 0; i < r->s.holidays.n; i++)
		if (r->s.holidays.v[i] == day)
			return 1;
	for (size_t i = 0; i < r->lv.n; i++)
		if (r->lv.v[i].first <= day && day <= r->lv.v[i].last)
			return 1;
	return 0;
}

static const struct config_windows *
day_windows(const struct rsched *r, int64_t day)
{
	if (day_closed(r, day))
		return NULL;
	for (size_t i = 0; i < r->s.partial.n; i++)
		if (r->s.partial.v[i].day == day)
			return &r->s.partial.v[i].windows;
	return &r->s.week[((day % 7) + 10) % 7];
}

static int
open_at(const struct rsched *r, int32_t off, int64_t t)
{
	int64_t				 L = t + off;
	int64_t				 day = L / DAY - (L % DAY < 0);
	int				 m = (int)((L - day * DAY) / 60);
	const struct config_windows	*ws;

	if ((ws = day_windows(r, day)) != NULL)
		for (size_t i = 0; i < ws->n; i++) {
			const struct config_window *w = &ws->v[i];

			if (m >= w->start && (w->end < w->start ||
			    m < w->end))
				return 1;
		}
	if ((ws = day_windows(r, day - 1)) != NULL)
		for (size_t i = 0; i < ws->n; i++) {
			const struct config_window *w = &ws->v[i];

			if (w->end < w->start && m < w->end)
				return 1;
		}
	return 0;
}

/*
 * Up to n random windows into v, as config_parse() would keep them:
 * sorted, not overlapping, an overnight one only last.  Starts often
 * touch the previous end, to exercise adjacent windows.
 */
static size_t
rand_windows(struct config_window *v, size_t n)
{
	size_t	k = rng() % (n + 1), out = 0;
	int	pos = 0;

	for (size_t i = 0; i < k && pos < 1440; i++) {
		int start = rng() % 4 == 0 ? pos : (int)rng_in(pos, 1439);

		v[out].start = start;
		if (i == k - 1 && start >= 2 && rng() % 3 == 0)
			v[out].end = (int)rng_in(1, start - 1);
		else
			v[out].end = (int)rng_in(start + 1, 1440);
		pos = v[out].end;
		out++;
	}
	return out;
}

static void
rand_sched(struct rsched *r, struct tz *tz, int64_t base_day)
{
	int32_t	d;

	memset(r, 0, sizeof(*r));
	r->s.timezone.tz = tz;
	for (int i = 0; i < 7; i++) {
		r->s.week[i].v = r->wv[i];
		r->s.week[i].n = rand_windows(r->wv[i], 3);
	}
	r->s.holidays.v = r->hol;
	for (d = (int32_t)base_day; r->s.holidays.n < 4; ) {
		d += (int32_t)rng_in(1, 5);
		r->hol[r->s.holidays.n++] = d;
	}
	r->s.partial.v = r->part;
	for (d = (int32_t)base_day + 1; r->s.partial.n < 3; ) {
		size_t j = r->s.partial.n;

		d += (int32_t)rng_in(1, 4);
		if (d == r->hol[0] || d == r->hol[1] || d == r->hol[2] ||
		    d == r->hol[3])
			continue;
		r->part[j].day = d;
		r->part[j].windows.v = r->pw[j];
		r->part[j].windows.n = rand_windows(r->pw[j], 2);
		r->s.partial.n++;
	}
	r->lv.v = r->lvv;
	for (d = (int32_t)base_day; r->lv.n < 3; ) {
		int32_t first = d + (int32_t)rng_in(1, 6);

		r->lvv[r->lv.n].first = first;
		r->lvv[r->lv.n].last = first + (int32_t)rng_in(0, 2);
		d = r->lvv[r->lv.n].last + 1;
		r->lv.n++;
	}
}

static void
test_oracle(void)
{
	static const struct {
		const char	*zone;
		int32_t		 off;
	} zones[] = { { "UTC", 0 }, { "Asia/Kolkata", 19800 } };
	struct rsched	r;
	int		bad = 0;

	for (size_t z = 0; z < nitems(zones); z++) {
		struct tz	*tz = NULL;
		struct err	 err;

		if (tz_load(zones[z].zone, &tz, &err) == -1) {
			t_fail(__FILE__, __LINE__, "%s", err.msg);
			continue;
		}
		for (int i = 0; i < 300 && bad < 5; i++) {
			int64_t a = rand_instant(), b, want = 0;
			int64_t base = (a + zones[z].off) / DAY - 3;
			int with_leave = (int)(rng() % 2);

			a -= a % 60;	/* both offsets are whole minutes */
			b = a + 60 * rng_in(0, 10 * 24 * 60);
			rand_sched(&r, tz, base);
			if (!with_leave)
				r.lv.n = 0;
			for (int64_t t = a; t < b; t += 60)
				want += open_at(&r, zones[z].off, t) ? 60 : 0;
			if (biz_secs(&r.s, &r.lv, a, b) != want) {
				bad++;
				t_fail(__FILE__, __LINE__, "%s case %d: a %"
				    PRId64 " b %" PRId64 ": got %" PRId64
				    " want %" PRId64, zones[z].zone, i, a, b,
				    biz_secs(&r.s, &r.lv, a, b), want);
			}
			t_checks++;
		}
		tz_free(tz);
	}
}

/*
 * Timing (printed, not asserted).
 */

static double
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
time_one(const char *label, const struct config_schedule *s,
    int64_t span_lo, int64_t span_hi, int n)
{
	int64_t	*v = calloc((size_t)n * 2, sizeof(*v));
	int64_t	 sum = 0;
	double	 t0, t1;

	if (v == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		v[2 * i] = rand_instant();
		v[2 * i + 1] = v[2 * i] + rng_in(span_lo, span_hi);
	}
	t0 = now_ns();
	for (int i = 0; i < n; i++)
		sum += biz_secs(s, NULL, v[2 * i], v[2 * i + 1]);
	t1 = now_ns();
	printf("# %-34s %8.0f ns/call (checksum %" PRId64 ")\n", label,
	    (t1 - t0) / n, sum);
	free(v);
}

static void
test_timing(void)
{
	int64_t	a = at("1970-01-01 00:00 +0000"), b, r;
	double	t0;

	time_one("london, 1 h - 3 d", sched(""), 1 * H, 3 * DAY, 200000);
	time_one("london, 1 min - 8 h", sched(""), 1 * M, 8 * H, 200000);
	time_one("london, 30 d", sched(""), 30 * DAY, 30 * DAY, 20000);
	time_one("new york nights, 1 h - 3 d", sched("night"), 1 * H,
	    3 * DAY, 200000);
	time_one("kolkata multi, 1 h - 3 d", sched("multi"), 1 * H, 3 * DAY,
	    200000);
	time_one("new york 24/7, 1 h - 3 d", sched("always"), 1 * H,
	    3 * DAY, 200000);
	b = at("2100-01-01 00:00 +0000");
	t0 = now_ns();
	r = biz_secs(sched(""), NULL, a, b);
	printf("# london, 1970-2100 (130 years): %.2f ms\n",
	    (now_ns() - t0) / 1e6);
	t_ok(r > 0 && r <= b - a, "130 years: %" PRId64, r);
}

static void
test_cleanup(void)
{
	config_free(cfg);
	cfg = NULL;
	t_ok(1, "freed");
}

static const struct t_case tcases[] = {
	{ "at", test_at },
	{ "table", test_table },
	{ "config_leave", test_config_leave },
	{ "extremes", test_extremes },
	{ "additive", test_additive },
	{ "oracle", test_oracle },
	{ "timing", test_timing },
	{ "cleanup", test_cleanup },
};
T_MAIN(tcases)
