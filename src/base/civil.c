/*
 * civil.c: calendar arithmetic (see civil.h).  The day-count conversions
 * are the well-known era-based algorithms: exact for every int64 day
 * count the program can meet.
 */
#include <stdio.h>

#include "civil.h"

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && ((a < 0) != (b < 0)));
}

int64_t
civil_to_days(int64_t y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
civil_from_days(int64_t z, int64_t *y_out, int *m_out, int *d_out)
{
	int64_t		era, doe, yoe, y, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_out = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m_out = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y_out = y + (*m_out <= 2);
}

void
civil_from_unix(int64_t t, struct civil *c)
{
	int64_t	days = floor_div(t, 86400), secs = t - days * 86400;

	civil_from_days(days, &c->year, &c->mon, &c->day);
	c->hour = (int)(secs / 3600);
	c->min = (int)(secs / 60 % 60);
	c->sec = (int)(secs % 60);
	c->wday = (int)(((days % 7) + 11) % 7);	/* 1970-01-01: Thursday */
}

static char *
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void
civil_fmt_iso(int64_t t, char *out, size_t size)
{
	struct civil	c;
	char		*p = out;

	civil_from_unix(t, &c);
	if (size < 21 || c.year < 0 || c.year > 9999) {
		/* Outside what the fast path writes; never on mail dates. */
		snprintf(out, size, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
		    (long long)c.year, c.mon, c.day, c.hour, c.min, c.sec);
		return;
	}
	p = put2(p, (int)(c.year / 100));
	p = put2(p, (int)(c.year % 100));
	*p++ = '-';
	p = put2(p, c.mon);
	*p++ = '-';
	p = put2(p, c.day);
	*p++ = 'T';
	p = put2(p, c.hour);
	*p++ = ':';
	p = put2(p, c.min);
	*p++ = ':';
	p = put2(p, c.sec);
	*p++ = 'Z';
	*p = '\0';
}
