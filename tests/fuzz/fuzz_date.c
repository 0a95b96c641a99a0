/*
 * fuzz_date.c: libFuzzer target for mail_date_parse (src/mail/date.c).
 *
 * Besides memory errors (the input buffer has no terminator, so any read
 * past its end trips AddressSanitizer), it aborts when a parse breaks one
 * of these:
 *  - a date's instant lies within DATE_YEAR_MIN..DATE_YEAR_MAX widened by
 *    the largest zone offset, 99:59;
 *  - parsing is a pure function: the same bytes give the same answer;
 *  - the fast path agrees with the full parser (mail_date_parse_slow):
 *    same answer, same instant;
 *  - the instant, printed back as "D Mon YYYY HH:MM:SS +0000" by the
 *    independent code in base/civil.c, parses to the same instant;
 *  - appending " junk" to a date changes nothing, since what follows the
 *    time and zone is never read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/str.h"
#include "mail/date.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_OFF	(99 * 3600 + 59 * 60)

static void
fuzz_check_bounds(int64_t t)
{
	int64_t	lo, hi;

	lo = date_days_from_civil(DATE_YEAR_MIN, 1, 1) * 86400 - FUZZ_MAX_OFF;
	hi = date_days_from_civil(DATE_YEAR_MAX + 1, 1, 1) * 86400 - 1 +
	    FUZZ_MAX_OFF;
	if (t < lo || t > hi)
		abort();
}

static void
fuzz_check_roundtrip(int64_t t)
{
	static const char	*mon[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct civil		 c;
	char			 buf[64];
	int64_t			 t2 = 0;
	int			 n;

	civil_from_unix(t, &c);
	if (c.year < DATE_YEAR_MIN || c.year > DATE_YEAR_MAX)
		return;		/* moved out of range by its zone */
	n = snprintf(buf, sizeof(buf), "%d %s %lld %02d:%02d:%02d +0000",
	    c.day, mon[c.mon - 1], (long long)c.year, c.hour, c.min, c.sec);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		abort();
	if (mail_date_parse(str_make(buf, (size_t)n), &t2) != 0 || t2 != t)
		abort();
}

static void
fuzz_check_suffix(const uint8_t *data, size_t size, int64_t t)
{
	static const char	 junk[] = " junk";
	char			*buf;
	int64_t			 t2 = 0;

	buf = malloc(size + sizeof(junk) - 1);
	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	memcpy(buf + size, junk, sizeof(junk) - 1);
	if (mail_date_parse(str_make(buf, size + sizeof(junk) - 1), &t2) !=
	    0 || t2 != t)
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str	s = str_make((const char *)data, size);
	int64_t		t = INT64_MIN, t2 = INT64_MIN;
	int		rc, rc2;

	rc = mail_date_parse(s, &t);
	rc2 = mail_date_parse(s, &t2);
	if (rc != rc2 || t != t2)
		abort();
	t2 = INT64_MIN;
	rc2 = mail_date_parse_slow(s, &t2);
	if (rc != rc2 || t != t2)
		abort();
	if (rc != 0) {
		if (rc != -1 || t != INT64_MIN)
			abort();	/* failure must leave *t_out alone */
		return 0;
	}
	fuzz_check_bounds(t);
	fuzz_check_roundtrip(t);
	fuzz_check_suffix(data, size, t);
	return 0;
}
