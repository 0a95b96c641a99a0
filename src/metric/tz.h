/*
 * tz.h: IANA time zones, read from the system's TZif files (RFC 8536).
 *
 * Model.  A zone is a list of transitions (UTC instants, strictly
 * ascending), each switching to a local time type (UT offset, DST flag,
 * abbreviation), plus an optional POSIX TZ string (the "footer" of TZif
 * version 2 and later) that governs every instant on or after the last
 * transition.  Before the first transition time type 0 is in force.  A file
 * without transitions is governed by its footer alone, or by type 0.
 *
 * The library never touches TZ, tzset() or localtime(): it reads the file
 * itself, so zones can be used from any number of threads at once.  A
 * struct tz is immutable after tz_load()/tz_parse() returns it; every
 * function below that takes a const struct tz * is safe to call on one
 * shared zone from many threads without locking.
 *
 * Speed.  tz_offset_at() is a binary search: over the file's transitions,
 * or, after the last one, over footer transitions expanded at load time
 * for the years up to TZ_CACHE_YEAR.  Instants later than that (or earlier
 * than the expansion) evaluate the footer rule directly, which costs a few
 * calendar computations and allocates nothing.
 *
 * Memory per zone: about 9 bytes per file transition (a "fat" 2025 file
 * has up to ~310), 9 bytes per expanded footer transition (two a year to
 * TZ_CACHE_YEAR: 1.2-1.8 KiB for a DST zone; 5.4 KiB for a zone made of
 * a TZ string alone, expanded from 1800; none for a fixed-offset footer),
 * 8 bytes per type, the abbreviations and the name: typically 2-4 KiB.
 *
 * Limits and validation are described in docs/internals/tz.md.
 */
#ifndef RT_TZ_H
#define RT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* Refusals: a larger input is an ERR_LIMIT error. */
#define TZ_NAME_MAX	255		/* bytes in a zone name */
#define TZ_FILE_MAX	(1024 * 1024)	/* bytes in a TZif file */
#define TZ_MAX_TIMES	2000		/* transitions in one data block */
#define TZ_MAX_TYPES	256		/* local time types (RFC 8536) */
#define TZ_MAX_CHARS	256		/* bytes of abbreviations */
#define TZ_MAX_LEAPS	64		/* leap records (skipped v1 block) */
#define TZ_FOOTER_MAX	255		/* bytes in a POSIX TZ string */
#define TZ_ABBR_MAX	31		/* bytes in a TZ string abbreviation */

/* UT offsets must lie in this range (RFC 8536: more than -25 hours and
 * less than 26 hours); transition times in [-2^59, 2^59]. */
#define TZ_OFF_MIN	(-89999)
#define TZ_OFF_MAX	93599

/* Footer transitions are expanded at load time through this year. */
#define TZ_CACHE_YEAR	2100

struct tz;

/* Broken-down local time. */
struct tz_civil {
	int64_t		 year;		/* proleptic Gregorian, 0 = 1 BC */
	int		 month;		/* 1-12 */
	int		 day;		/* 1-31 */
	int		 hour;		/* 0-23 */
	int		 min;		/* 0-59 */
	int		 sec;		/* 0-59 (no leap seconds) */
	int		 wday;		/* 0-6, 0 = Sunday */
	int		 yday;		/* 0-365, 0 = 1 January */
	int32_t		 offset;	/* UT offset, seconds east */
	int		 isdst;		/* 0 or 1, as the data says */
	const char	*abbr;		/* "BST", "+0545": owned by the zone */
};

/*
 * Loads the zone called name ("Europe/London", "UTC") from the directory
 * named by $TZDIR (read with getenv() at each call, so not while another
 * thread changes the environment) or else /usr/share/zoneinfo.  The
 * name must be 1..TZ_NAME_MAX bytes of [A-Za-z0-9/_+-], must not begin
 * with '/' and has no ".." component; anything else is refused before a
 * file is opened.
 *
 * Returns 0 and stores a new zone in *tz_out (the caller owns it and
 * releases it with tz_free()), or returns -1 with *tz_out untouched and
 * err filled, the message naming the zone and the problem:
 * ERR_CONFIG for a bad or unknown name, ERR_IO when the file cannot be
 * read, and tz_parse()'s codes for bad contents.
 */
int	tz_load(const char *name, struct tz **tz_out, struct err *err);

/*
 * Parses TZif data (versions 1, 2, 3 and 4; the 64-bit block and the
 * footer of 2+).  data need not outlive the call; name (non-NULL, copied)
 * is what tz_name() returns and what error messages say.  Returns 0 and a
 * new zone owned by the caller, or -1 with err set: ERR_PARSE (malformed),
 * ERR_LIMIT (a count, size or value beyond the limits above) or
 * ERR_UNSUPPORTED (leap seconds, an unknown version, a footer rule this
 * library does not model).  Any byte string is safe to pass.
 */
int	tz_parse(const void *data, size_t len, const char *name,
	    struct tz **tz_out, struct err *err);

/*
 * Builds a zone from a POSIX TZ string alone ("CET-1CEST,M3.5.0,
 * M10.5.0/3"), with the RFC 8536 extensions (hours -167..167 in rule
 * times, quoted "<+03>" names).  A DST name requires a rule.  spec is
 * len bytes, not necessarily NUL-terminated.  Ownership and errors as for
 * tz_parse().
 */
int	tz_parse_posix(const char *spec, size_t len, const char *name,
	    struct tz **tz_out, struct err *err);

/* Releases a zone; NULL is allowed.  No other thread may still use it. */
void	tz_free(struct tz *tz);

/* The name given to tz_load()/tz_parse(); owned by the zone. */
const char *tz_name(const struct tz *tz);

/* The UT offset (seconds east) in force at UTC instant t (Unix seconds,
 * no leap seconds).  Defined for every int64_t. */
int32_t	tz_offset_at(const struct tz *tz, int64_t t);

/* Local time at UTC instant t.  Defined for every int64_t. */
void	tz_to_local(const struct tz *tz, int64_t t, struct tz_civil *out);

/*
 * Local wall time -> UTC instant.  Fields outside their usual ranges are
 * normalised arithmetically (month 13 is January of the next year, day 0
 * the last day of the previous month, hour 24 the next day's midnight);
 * year is clamped to +-10^9.
 *
 * Exactly one instant is returned:
 *  - a local time that occurs once gives that instant;
 *  - a local time that occurs twice (a fall-back overlap) gives the
 *    EARLIER instant, i.e. the one with the offset in force before the
 *    transition (01:30 on a US fall-back day is 01:30 EDT = 05:30Z);
 *  - a local time that does not occur (a spring-forward gap) is
 *    interpreted with the offset in force before the transition, which
 *    lands after the transition: 02:30 on a US spring-forward day is
 *    02:30 EST = 07:30Z, which the zone shows as 03:30 EDT.
 *    A skipped day (Pacific/Apia, 2011-12-30) works the same way.
 * So tz_to_local(tz_from_local(x)) gives back x exactly when x exists.
 */
int64_t	tz_from_local(const struct tz *tz, int64_t year, int month, int day,
	    int hour, int min, int sec);

/* Days since 1970-01-01 of a proleptic Gregorian date; month 1-12, day
 * may be any value (counted from the 1st).  |year| <= 10^12. */
int64_t	tz_days_from_civil(int64_t year, int month, int64_t day);

/* The inverse: the date of a day number. */
void	tz_civil_from_days(int64_t days, int64_t *year_out, int *month_out,
	    int *day_out);

/*
 * Lower level: a parsed POSIX TZ string, shared by tz.c and tz_posix.c.
 * Callers normally do not need it.
 */
struct tz_rdate {
	char		 kind;		/* 'J' (Jn), 'D' (n) or 'M' (Mm.w.d) */
	int		 mon;		/* M: 1-12 */
	int		 week;		/* M: 1-5, 5 = last */
	int		 wday;		/* M: 0-6 */
	int		 day;		/* J: 1-365; D: 0-365 */
	int32_t		 secs;		/* local time of day, -167h..167h */
};

struct tz_rule {
	int32_t		 std_off;	/* UT offsets, seconds east */
	int32_t		 dst_off;
	int		 has_dst;	/* else std_off all year */
	char		 std_abbr[TZ_ABBR_MAX + 1];
	char		 dst_abbr[TZ_ABBR_MAX + 1];
	struct tz_rdate	 start;		/* standard -> DST, in standard time */
	struct tz_rdate	 end;		/* DST -> standard, in DST */
};

/*
 * Parses len bytes of TZ string into *rule.  A rule whose DST covers
 * whole years is folded into perpetual DST (has_dst = 0, std fields
 * holding the DST type, *perpetual_dst_out = 1).  Rules whose transitions
 * cannot be put in one ascending sequence are ERR_UNSUPPORTED.
 */
int	tz_rule_parse(const char *s, size_t len, const char *name,
	    struct tz_rule *rule, int *perpetual_dst_out, struct err *err);

/*
 * The rule's transitions in a year: returns 2 (out_at ascending, out_dst
 * the state each switches to) or 0 when DST covers the year.
 */
int	tz_rule_year(const struct tz_rule *rule, int64_t year,
	    int64_t out_at[2], int out_dst[2]);

/*
 * The rule's state at t: returns 1 for DST, 0 for standard time, and
 * stores the bounds of the period of that state around t (start <= t <
 * end, saturated at INT64_MIN/INT64_MAX).  For a rule with has_dst.
 */
int	tz_rule_at(const struct tz_rule *rule, int64_t t, int64_t *start_out,
	    int64_t *end_out);

#endif
