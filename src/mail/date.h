/*
 * date.h: RFC 5322 date-time to UTC seconds.
 *
 * Accepts the full grammar of RFC 5322 section 3.3 and its obsolete syntax
 * (section 4.3), as metrics spec section 2 requires:
 *  - optional day of week (checked for spelling only, never for agreement);
 *  - two-digit years 00-49 -> 20xx, 50-99 -> 19xx; three-digit years +1900;
 *  - named zones UT, GMT, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT; any other
 *    or missing zone is +0000;
 *  - comments (CFWS) anywhere white space is allowed; seconds optional.
 * Leniencies that real mail forced are listed in docs/violations/date.md.
 *
 * Pure: no allocation, no clock, no locale, no TZ.
 */
#ifndef RT_DATE_H
#define RT_DATE_H

#include <stdint.h>

#include "../base/str.h"

/* Years outside this range make a message undated (spec section 2). */
#define DATE_YEAR_MIN	1970
#define DATE_YEAR_MAX	2099

/*
 * Parses s (an unfolded field value) and stores the instant in *t_out.
 * Returns 0, or -1 when s is not a date, a field is out of range (hour 25,
 * 31 April, ...) or the year falls outside DATE_YEAR_MIN..DATE_YEAR_MAX.
 * *t_out is untouched on failure.
 */
int	mail_date_parse(struct str s, int64_t *t_out);
/* The same without the fast path for the common shape: the reference
 * that tests compare mail_date_parse() with. */
int	mail_date_parse_slow(struct str s, int64_t *t_out);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t	date_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
