/*
 * biz.h: business time, metrics spec section 9.
 *
 * A schedule (config.h: struct config_schedule) names a time zone, open
 * windows per weekday, holidays and partial days; an agent may add leave.
 * The schedule opens, on every local date D that is neither a holiday nor
 * a leave date, each window of D (the partial day's windows when D is a
 * partial day, else the windows of D's weekday) as the interval of
 * instants
 *
 *	[ first(D, start), first(D', end) )
 *
 * where D' is D, or D + 1 for a window whose end is before its start (a
 * night shift) or is 24:00, and first(date, time) is the first instant
 * at which the zone's wall clock reads that local time or later: the
 * instant itself for a time that occurs once, the earlier instant for an
 * ambiguous (fall-back) time, and the end of the gap for a time that does
 * not exist (spring-forward).  The business seconds between two instants
 * are the length of [a, b) inside the union of the open intervals.  A
 * window that spans a DST change is thus longer or shorter in real
 * seconds than on the clock: 00:00-06:00 on a spring-forward night is 5
 * hours.  docs/internals/business-time.md explains every decision, with
 * examples.
 *
 * Everything here is pure: no allocation, no I/O, no global state, so
 * any number of threads may call it at once on shared configurations.
 */
#ifndef RT_BIZ_H
#define RT_BIZ_H

#include <stdint.h>

#include "config.h"

/*
 * The instants a schedule is defined for: 1900-01-01T00:00:00Z to
 * 2200-01-01T00:00:00Z.  No window is open outside them (message times
 * are always within 1970-2099, spec section 2), which bounds the work of
 * one call to about 110,000 local days.
 */
#define BIZ_TIME_MIN	(-2208988800LL)
#define BIZ_TIME_MAX	7258118400LL

/*
 * Business seconds in [a, b) under schedule s for an agent whose leave is
 * leave (NULL: none).  s NULL: calendar time, b - a (saturated at
 * INT64_MAX).  a > b or a == b: 0.  The result r always satisfies
 * 0 <= r <= b - a, and for a <= b <= c,
 * biz_secs(s, l, a, c) == biz_secs(s, l, a, b) + biz_secs(s, l, b, c).
 *
 * s and leave are borrowed for the call and only read.  Cost: a few time
 * zone lookups, plus two per window that starts or ends strictly inside
 * (a, b); linear in the number of local days the span covers.
 */
int64_t	biz_secs(const struct config_schedule *s,
	    const struct config_ranges *leave, int64_t a, int64_t b);

#endif
