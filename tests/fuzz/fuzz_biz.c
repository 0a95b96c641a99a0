/*
 * fuzz_biz.c: libFuzzer target for biz_secs() (src/metric/biz.c).
 *
 * The input is read as a stream of bytes (zeros once it runs out) that
 * builds one call:
 *	zone		1 byte: one of the real zones below (DST gaps and
 *			overlaps, half-hour DST, negative DST, a lost day)
 *	a		8 bytes: an instant in 1970..2100
 *	span mode	1 byte: up to 3 hours, 4 days, two months, 200
 *			days, or (0xff only) four years; b <= 2100 too;
 *			bit 0x10 puts a, b and m on whole minutes; then 8
 *			bytes of span and 8 of the midpoint m in [a, b]
 *	week		per weekday a count 0-3, then 2+2+1 bytes per window
 *	holidays	count 0-5, then day steps from a's date
 *	partial days	count 0-3, day steps, windows as above
 *	leave		count 0-3, ranges
 * Windows are built as config_parse() keeps them: start 0-1439, end
 * 1-1440 or (the last of a list only) before the start, sorted and
 * disjoint; a holiday is never a partial day.
 *
 * Aborts unless, for r = biz_secs(s, leave, a, b):
 *  - 0 <= r <= b - a;
 *  - biz_secs(.., a, m) + biz_secs(.., m, b) == r (additivity);
 *  - biz_secs(.., b, a) == 0 when a < b;
 *  - r == b - a when every weekday is 00:00-24:00 and nothing is closed;
 *  - r == 0 without any window;
 *  - the same call twice gives the same answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "metric/biz.h"
#include "metric/config.h"
#include "metric/tz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DAY		86400
#define T_LO		0LL		/* 1970-01-01 */
#define T_HI		4102444800LL	/* 2100-01-01 */

static const char *const zone_names[] = {
	"UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe",
	"Asia/Kolkata", "Pacific/Apia", "Africa/Casablanca",
	"Europe/Dublin", "Antarctica/Troll", "Pacific/Chatham",
	"America/St_Johns", "Europe/Moscow", "America/Sao_Paulo",
	"Asia/Kathmandu",
};
#define NZONES	(sizeof(zone_names) / sizeof(zone_names[0]))

static struct tz	*zones[NZONES];
static int		 loaded;

struct rd {
	const uint8_t	*p;
	size_t		 n;
};

static unsigned
rd_u8(struct rd *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

static unsigned
rd_u16(struct rd *r)
{
	unsigned	hi = rd_u8(r);

	return hi << 8 | rd_u8(r);
}

static uint64_t
rd_u64(struct rd *r)
{
	uint64_t	v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | rd_u8(r);
	return v;
}

/* A window list of at most max entries, valid as config.h requires. */
static size_t
rd_windows(struct rd *r, struct config_window *v, size_t max)
{
	size_t	n = rd_u8(r) % (max + 1), out = 0;
	int	pos = 0;

	for (size_t i = 0; i < n && pos < 1440; i++) {
		unsigned s = rd_u16(r), e = rd_u16(r), f = rd_u8(r);
		int start = pos + (int)(s % (unsigned)(1440 - pos));

		v[out].start = start;
		if (i == n - 1 && start >= 2 && (f & 1))
			v[out].end = 1 + (int)(e % (unsigned)(start - 1));
		else
			v[out].end = start + 1 +
			    (int)(e % (unsigned)(1440 - start));
		pos = v[out].end;
		out++;
	}
	return out;
}

static int64_t
call(const struct config_schedule *s, const struct config_ranges *lv,
    int64_t a, int64_t b)
{
	int64_t	r = biz_secs(s, lv, a, b);

	if (r < 0 || (a <= b && r > b - a) || (a >= b && r != 0))
		abort();
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_schedule	 s;
	struct config_window	 wv[7][3], pw[3][3];
	struct config_partial	 part[3];
	struct config_range	 lvv[3];
	struct config_ranges	 lv;
	int32_t			 hol[5];
	struct rd		 r = { data, size };
	struct err		 err;
	int64_t			 a, b, m, span, day, res;
	unsigned		 mode;
	size_t			 n;
	int			 always = 1, any = 0;

	if (!loaded) {
		for (size_t i = 0; i < NZONES; i++)
			if (tz_load(zone_names[i], &zones[i], &err) == -1)
				abort();
		loaded = 1;
	}
	memset(&s, 0, sizeof(s));
	s.timezone.tz = zones[rd_u8(&r) % NZONES];

	a = T_LO + (int64_t)(rd_u64(&r) % (uint64_t)(T_HI - T_LO));
	mode = rd_u8(&r);
	span = (int64_t)rd_u64(&r);
	span = span < 0 ? -(span + 1) : span;
	/* Each local day costs ~3 us under the fuzzing sanitizers: spans
	 * of decades (test_biz covers 1970-2100) would make runs slow. */
	switch (mode == 0xff ? 16 : mode % 16) {
	case 16:
		span %= 4 * 366 * DAY + 1;
		break;
	case 15:
		span %= 200 * DAY + 1;
		break;
	case 0: case 1: case 2: case 3: case 4:
		span %= 3 * 3600 + 1;
		break;
	case 5: case 6: case 7: case 8: case 9: case 10:
		span %= 4 * DAY + 1;
		break;
	default:
		span %= 62 * DAY + 1;
		break;
	}
	if (span > T_HI - a)
		span = T_HI - a;
	b = a + span;
	m = a + (int64_t)(rd_u64(&r) % (uint64_t)(span + 1));
	if (mode & 0x10) {		/* whole minutes, as windows are */
		a -= a % 60;
		b -= b % 60;
		m = m < a ? a : m > b ? b : m - m % 60;
	}

	for (int i = 0; i < 7; i++) {
		s.week[i].v = wv[i];
		s.week[i].n = rd_windows(&r, wv[i], 3);
		any |= s.week[i].n > 0;
		always &= s.week[i].n == 1 && wv[i][0].start == 0 &&
		    wv[i][0].end == 1440;
	}

	day = a / DAY - 2;
	s.holidays.v = hol;
	n = rd_u8(&r) % 6;
	for (size_t i = 0; i < n; i++) {
		day += 1 + rd_u8(&r) % 8;
		hol[s.holidays.n++] = (int32_t)day;
	}
	day = a / DAY - 2;
	s.partial.v = part;
	n = rd_u8(&r) % 4;
	for (size_t i = 0; i < n; i++) {
		int clash = 0;

		day += 1 + rd_u8(&r) % 8;
		for (size_t j = 0; j < s.holidays.n; j++)
			clash |= hol[j] == day;
		if (clash)
			continue;
		part[s.partial.n].day = (int32_t)day;
		part[s.partial.n].windows.v = pw[s.partial.n];
		part[s.partial.n].windows.n = rd_windows(&r, pw[s.partial.n],
		    3);
		s.partial.n++;
		any = 1;
	}
	day = a / DAY - 2;
	lv.v = lvv;
	lv.n = 0;
	n = rd_u8(&r) % 4;
	for (size_t i = 0; i < n; i++) {
		lvv[lv.n].first = (int32_t)(day + 1 + rd_u8(&r) % 8);
		lvv[lv.n].last = lvv[lv.n].first + rd_u8(&r) % 4;
		day = lvv[lv.n].last;
		lv.n++;
	}
	if (s.holidays.n || s.partial.n || lv.n)
		always = 0;

	res = call(&s, &lv, a, b);
	if (call(&s, &lv, a, m) + call(&s, &lv, m, b) != res)
		abort();
	if (call(&s, &lv, a, b) != res)
		abort();
	if (a < b && call(&s, &lv, b, a) != 0)
		abort();
	if (always && res != b - a)
		abort();
	if (!any && res != 0)
		abort();
	return 0;
}
