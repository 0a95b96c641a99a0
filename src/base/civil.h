/*
 * civil.h: UTC instants to calendar dates and ISO 8601 text.
 *
 * Pure arithmetic on the proleptic Gregorian calendar; no gmtime, no TZ.
 */
#ifndef RT_CIVIL_H
#define RT_CIVIL_H

#include <stdint.h>

struct civil {
	int64_t	year;
	int	mon;		/* 1-12 */
	int	day;		/* 1-31 */
	int	hour, min, sec;
	int	wday;		/* 0 = Sunday */
};

/* Days since 1970-01-01 to a date. */
void	civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Days since 1970-01-01 of a date (month 1-12). */
int64_t	civil_to_days(int64_t y, int m, int d);
void	civil_from_unix(int64_t t, struct civil *out);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" and a NUL into out (at least 32 bytes). */
void	civil_fmt_iso(int64_t t, char *out, size_t size);

#endif
