/*
 * fuzz_tz.c: libFuzzer target for the time zone library
 * (src/metric/tz.c and tz_posix.c).
 *
 * Each input is offered twice: as TZif bytes to tz_parse() and as a POSIX
 * TZ string to tz_parse_posix().  Besides memory errors (the input has no
 * terminator, so a read past its end trips AddressSanitizer), and hangs,
 * it aborts when a zone that parsed breaks one of these:
 *  - every offset lies within TZ_OFF_MIN..TZ_OFF_MAX;
 *  - tz_to_local() agrees with tz_offset_at(), and its fields are in
 *    range and add up to t + offset;
 *  - tz_from_local() of the local time of t gives t or an earlier instant
 *    with the same local time (for |t| < 2^54, inside the year clamp);
 *  - tz_from_local() of any local time returns (extreme fields included).
 * The instants probed are fixed edge values plus some derived from the
 * input bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "metric/tz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DAY	86400

static void
check_local(const struct tz *tz, int64_t t, struct tz_civil *c)
{
	int32_t	off = tz_offset_at(tz, t);
	int64_t	days, secs;

	if (off < TZ_OFF_MIN || off > TZ_OFF_MAX)
		abort();
	tz_to_local(tz, t, c);
	if (c->offset != off || c->isdst < 0 || c->isdst > 1 ||
	    c->abbr == NULL || c->month < 1 || c->month > 12 ||
	    c->day < 1 || c->day > 31 || c->hour < 0 || c->hour > 23 ||
	    c->min < 0 || c->min > 59 || c->sec < 0 || c->sec > 59 ||
	    c->wday < 0 || c->wday > 6 || c->yday < 0 || c->yday > 365)
		abort();
	(void)strlen(c->abbr);
	if (t > -((int64_t)1 << 60) && t < ((int64_t)1 << 60)) {
		days = tz_days_from_civil(c->year, c->month, c->day);
		secs = c->hour * 3600 + c->min * 60 + c->sec;
		if (days * DAY + secs != t + off)
			abort();
	}
}

static void
probe(const struct tz *tz, int64_t t)
{
	struct tz_civil	c, b;
	int64_t		back;

	check_local(tz, t, &c);
	if (t <= -((int64_t)1 << 54) || t >= ((int64_t)1 << 54))
		return;
	back = tz_from_local(tz, c.year, c.month, c.day, c.hour, c.min,
	    c.sec);
	if (back > t)
		abort();
	if (back != t) {
		check_local(tz, back, &b);
		if (b.year != c.year || b.month != c.month || b.day != c.day ||
		    b.hour != c.hour || b.min != c.min || b.sec != c.sec)
			abort();
	}
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static void
exercise(const struct tz *tz, const uint8_t *data, size_t size)
{
	static const int64_t	 fixed[] = {
		INT64_MIN, INT64_MIN + 1, -((int64_t)1 << 59) - 1,
		-((int64_t)1 << 59), -2208988800, -1, 0, 1, 2147483647,
		4102444799, 4102444800, 253402300800, (int64_t)1 << 59,
		INT64_MAX - 1, INT64_MAX,
	};
	uint64_t		 h = size;

	if (strcmp(tz_name(tz), "fuzz") != 0)
		abort();
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		probe(tz, fixed[i]);
	for (size_t i = 0; i < size; i++)
		h = h * 131 + data[i];
	for (int i = 0; i < 48; i++) {
		int64_t	t;

		h = mix(h + (uint64_t)i);
		/* Mostly 1800-2500, some anywhere in +-2^40 s. */
		if (i % 4 == 3)
			t = (int64_t)(h % ((uint64_t)1 << 41)) -
			    ((int64_t)1 << 40);
		else
			t = -5364662400 + (int64_t)(h % 22090000000ULL);
		probe(tz, t);
		probe(tz, t - 1);
		(void)tz_from_local(tz, (int64_t)(h >> 40) % 3000,
		    (int)(h >> 8) % 14, (int)(h >> 16) % 33,
		    (int)(h >> 24) % 26, (int)(h >> 32) % 61,
		    (int)(h >> 36) % 61);
	}
	(void)tz_from_local(tz, INT64_MAX, INT32_MAX, INT32_MAX, INT32_MAX,
	    INT32_MAX, INT32_MAX);
	(void)tz_from_local(tz, INT64_MIN, INT32_MIN, INT32_MIN, INT32_MIN,
	    INT32_MIN, INT32_MIN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz	*tz = NULL;
	struct err	 err;

	err_clear(&err);
	if (tz_parse(data, size, "fuzz", &tz, &err) == 0) {
		exercise(tz, data, size);
		tz_free(tz);
	} else if (err.msg[0] == '\0')
		abort();
	tz = NULL;
	err_clear(&err);
	if (tz_parse_posix((const char *)data, size, "fuzz", &tz, &err) ==
	    0) {
		exercise(tz, data, size);
		tz_free(tz);
	} else if (err.msg[0] == '\0')
		abort();
	return 0;
}
