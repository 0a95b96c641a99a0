/*
 * date.c: RFC 5322 date-time to UTC seconds (see date.h).
 *
 * The model.  A date-time is a fixed sequence of fields,
 *
 *	[day-name [","]] day month year hour ":" minute [":" second]
 *	    [AM | PM] [zone] [anything]
 *
 * with CFWS (white space and nested comments) allowed between any two
 * of them, as RFC 5322 section 4.3 allows.  One cursor walks the bytes
 * once, left to right, and never looks back: there is no tokenizer, no
 * copy, no allocation and no NUL terminator (struct str has none).  Every
 * field is read by exact rules; nothing is guessed from context, so a
 * date either has one reading or none.
 *
 * Numbers are runs of ASCII digits, read with saturation so that a run
 * of any length is safe.  Names (day, month, zone) are compared ASCII
 * case-insensitively, as RFC 5234 says of ABNF literals.
 *
 * The zone slot is read as one token: the bytes up to white space, "(" or
 * the end.  "+hhmm" and "-hhmm" are numeric zones (minutes must be below
 * 60, or the date is refused); UT, GMT, Z and the six North American
 * names are named zones; any other token, or none, is +0000 (metrics spec
 * section 2; RFC 5322 4.3 says the same of military letters).  What
 * follows the zone is not read: it is a comment, a second zone written
 * for humans, or junk, and the first zone wins.
 *
 * Validation is by field: day against the month's length in that year,
 * hour 0-23, minute 0-59, second 0-60, and the year written (after the
 * two- and three-digit rules) within DATE_YEAR_MIN..DATE_YEAR_MAX.  The
 * instant itself may lie up to 99:59 outside those years.  A leap second
 * (second 60) is read as second 59, so 23:59:60 stays in its own day.
 *
 * Every leniency beyond RFC 5322 is listed in docs/violations/date.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* Bounds reading numbers: a run longer than this value saturates. */
#define DATE_NUM_SAT	1000000

struct date_cur {
	const unsigned char	*p;
	const unsigned char	*end;
};

/* Day names and month names, as three lowercase letters packed. */
#define DATE_PACK3(a, b, c)	(((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | \
				    (uint32_t)(c))

static const uint32_t date_days[7] = {
	DATE_PACK3('s', 'u', 'n'), DATE_PACK3('m', 'o', 'n'),
	DATE_PACK3('t', 'u', 'e'), DATE_PACK3('w', 'e', 'd'),
	DATE_PACK3('t', 'h', 'u'), DATE_PACK3('f', 'r', 'i'),
	DATE_PACK3('s', 'a', 't'),
};

static const uint32_t date_months[12] = {
	DATE_PACK3('j', 'a', 'n'), DATE_PACK3('f', 'e', 'b'),
	DATE_PACK3('m', 'a', 'r'), DATE_PACK3('a', 'p', 'r'),
	DATE_PACK3('m', 'a', 'y'), DATE_PACK3('j', 'u', 'n'),
	DATE_PACK3('j', 'u', 'l'), DATE_PACK3('a', 'u', 'g'),
	DATE_PACK3('s', 'e', 'p'), DATE_PACK3('o', 'c', 't'),
	DATE_PACK3('n', 'o', 'v'), DATE_PACK3('d', 'e', 'c'),
};

/* RFC 5322 3.3 and 4.3: the named zones, offsets in minutes east. */
static const struct {
	const char	*name;
	size_t		 len;
	int		 off;
} date_zones[] = {
	{ "ut", 2, 0 },		{ "gmt", 3, 0 },	{ "z", 1, 0 },
	{ "est", 3, -300 },	{ "edt", 3, -240 },
	{ "cst", 3, -360 },	{ "cdt", 3, -300 },
	{ "mst", 3, -420 },	{ "mdt", 3, -360 },
	{ "pst", 3, -480 },	{ "pdt", 3, -420 },
};

static inline int
date_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int
date_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Skips CFWS: white space (SP, HTAB, CR, LF) and comments, which nest and
 * may hold quoted pairs.  An unclosed comment runs to the end.  Returns
 * nonzero when anything was skipped.
 */
static int
date_skip_cfws(struct date_cur *c)
{
	const unsigned char	*start = c->p;
	size_t			 depth;

	while (c->p < c->end) {
		if (rt_is_ws(*c->p)) {
			c->p++;
			continue;
		}
		if (*c->p != '(')
			break;
		depth = 0;
		while (c->p < c->end) {
			if (*c->p == '\\') {
				c->p++;
				if (c->p < c->end)
					c->p++;
				continue;
			}
			if (*c->p == '(')
				depth++;
			else if (*c->p == ')' && --depth == 0) {
				c->p++;
				break;
			}
			c->p++;
		}
	}
	return c->p != start;
}

/*
 * Reads a run of digits.  Returns its length (0 when there is none) and
 * stores its value, saturated at DATE_NUM_SAT, in *val_out.
 */
static size_t
date_read_num(struct date_cur *c, int *val_out)
{
	const unsigned char	*start = c->p;
	int			 v = 0;

	while (c->p < c->end && date_is_digit(*c->p)) {
		if (v < DATE_NUM_SAT)
			v = v * 10 + (*c->p - '0');
		c->p++;
	}
	*val_out = v;
	return (size_t)(c->p - start);
}

/* Reads a run of letters; returns its length and packs its first three. */
static size_t
date_read_word(struct date_cur *c, uint32_t *packed_out)
{
	const unsigned char	*start = c->p;
	uint32_t		 w = 0;

	while (c->p < c->end && date_is_alpha(*c->p)) {
		if (c->p - start < 3)
			w = (w << 8) | rt_lower(*c->p);
		c->p++;
	}
	*packed_out = w;
	return (size_t)(c->p - start);
}

static int
date_find3(const uint32_t *table, size_t n, uint32_t packed)
{
	for (size_t i = 0; i < n; i++)
		if (table[i] == packed)
			return (int)i;
	return -1;
}

/* Compares the token [p, p + len) with a lowercase name, ASCII only. */
static int
date_tok_is(const unsigned char *p, size_t len, const char *name,
    size_t name_len)
{
	if (len != name_len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (rt_lower(p[i]) != (unsigned char)name[i])
			return 0;
	return 1;
}

/* The bytes from the cursor up to white space, "(" or the end. */
static size_t
date_token_len(const struct date_cur *c)
{
	const unsigned char	*q = c->p;

	while (q < c->end && !rt_is_ws(*q) && *q != '(')
		q++;
	return (size_t)(q - c->p);
}

/*
 * Reads the zone token at the cursor into *off_out (minutes east).
 * Returns -1 only for a numeric zone whose minutes are 60 or more.
 */
static int
date_read_zone(const struct date_cur *c, int *off_out)
{
	const unsigned char	*p = c->p;
	size_t			 len = date_token_len(c);
	int			 hh, mm;

	*off_out = 0;
	if (len == 5 && (p[0] == '+' || p[0] == '-') && date_is_digit(p[1]) &&
	    date_is_digit(p[2]) && date_is_digit(p[3]) &&
	    date_is_digit(p[4])) {
		hh = (p[1] - '0') * 10 + (p[2] - '0');
		mm = (p[3] - '0') * 10 + (p[4] - '0');
		if (mm > 59)
			return -1;
		*off_out = (p[0] == '-' ? -1 : 1) * (hh * 60 + mm);
		return 0;
	}
	for (size_t i = 0; i < nitems(date_zones); i++)
		if (date_tok_is(p, len, date_zones[i].name,
		    date_zones[i].len)) {
			*off_out = date_zones[i].off;
			return 0;
		}
	return 0;	/* other zones, military letters included: +0000 */
}

static int
date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_month_len(int y, int m)
{
	static const unsigned char len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && date_is_leap(y) ? 29 : len[m - 1];
}

int64_t
date_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era, yoe, doy, doe, mp;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* [0, 399] */
	mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;	/* March = 0 */
	doy = (153 * mp + 2) / 5 + (int64_t)d - 1;	/* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The fields of a date-time, before validation. */
struct date_fields {
	int	day, mon, year, hour, min, sec, off;
};

/* Validates the fields and stores the instant; 0 or -1. */
static int
date_finish(struct date_fields *f, int64_t *t_out)
{
	if (f->year < DATE_YEAR_MIN || f->year > DATE_YEAR_MAX ||
	    f->day < 1 || f->day > date_month_len(f->year, f->mon) ||
	    f->hour > 23 || f->min > 59 || f->sec > 60)
		return -1;
	if (f->sec == 60)
		f->sec = 59;	/* a leap second stays in its minute */

	*t_out = date_days_from_civil(f->year, (unsigned)f->mon,
	    (unsigned)f->day) * 86400 + (int64_t)f->hour * 3600 +
	    f->min * 60 + f->sec - (int64_t)f->off * 60;
	return 0;
}

static inline int
date_2dig(const unsigned char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/*
 * The fast path: exactly "[Ddd, ]D[D] Mon YYYY HH:MM:SS +hhmm", single
 * spaces, the zone followed by nothing, white space or a comment: the
 * shape of nearly every Date and Received date.  Returns 1 with *f filled
 * as the full parser would fill it, or 0 for anything else, which the
 * full parser then reads (mail_date_parse_slow is the reference; test_date
 * and fuzz_date check that both agree).
 */
static int
date_fast(const unsigned char *p, const unsigned char *end,
    struct date_fields *f)
{
	uint32_t	w;
	int		m;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 5 && date_is_alpha(p[0])) {
		if (!date_is_alpha(p[1]) || !date_is_alpha(p[2]) ||
		    p[3] != ',' || p[4] != ' ')
			return 0;
		w = DATE_PACK3(rt_lower(p[0]), rt_lower(p[1]),
		    rt_lower(p[2]));
		if (date_find3(date_days, nitems(date_days), w) < 0)
			return 0;
		p += 5;
		/* "Wed,  9 Sep": blanks that pad a one-digit day. */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	}
	/* "D Mon YYYY HH:MM:SS +hhmm" is 25 bytes, 26 with a 2-digit day. */
	if (end - p < 25 || !date_is_digit(p[0]))
		return 0;
	if (date_is_digit(p[1])) {
		f->day = date_2dig(p);
		p += 2;
	} else {
		f->day = p[0] - '0';
		p++;
	}
	if (end - p < 24 || p[0] != ' ' || !date_is_alpha(p[1]) ||
	    !date_is_alpha(p[2]) || !date_is_alpha(p[3]) || p[4] != ' ')
		return 0;
	w = DATE_PACK3(rt_lower(p[1]), rt_lower(p[2]), rt_lower(p[3]));
	if ((m = date_find3(date_months, nitems(date_months), w)) < 0)
		return 0;
	f->mon = m + 1;
	p += 5;
	/* "YYYY HH:MM:SS +hhmm" */
	if (!date_is_digit(p[0]) || !date_is_digit(p[1]) ||
	    !date_is_digit(p[2]) || !date_is_digit(p[3]) || p[4] != ' ' ||
	    !date_is_digit(p[5]) || !date_is_digit(p[6]) || p[7] != ':' ||
	    !date_is_digit(p[8]) || !date_is_digit(p[9]) || p[10] != ':' ||
	    !date_is_digit(p[11]) || !date_is_digit(p[12]) || p[13] != ' ' ||
	    (p[14] != '+' && p[14] != '-') || !date_is_digit(p[15]) ||
	    !date_is_digit(p[16]) || !date_is_digit(p[17]) ||
	    !date_is_digit(p[18]))
		return 0;
	if (end - p > 19 && !rt_is_ws(p[19]) && p[19] != '(')
		return 0;
	f->year = date_2dig(p) * 100 + date_2dig(p + 2);
	f->hour = date_2dig(p + 5);
	f->min = date_2dig(p + 8);
	f->sec = date_2dig(p + 11);
	m = date_2dig(p + 17);
	if (m > 59)
		return 0;
	f->off = (p[14] == '-' ? -1 : 1) * (date_2dig(p + 15) * 60 + m);
	return 1;
}

int
mail_date_parse(struct str s, int64_t *t_out)
{
	struct date_fields	f;

	if (s.p != NULL && date_fast((const unsigned char *)s.p,
	    (const unsigned char *)s.p + s.len, &f))
		return date_finish(&f, t_out);
	return mail_date_parse_slow(s, t_out);
}

int
mail_date_parse_slow(struct str s, int64_t *t_out)
{
	struct date_cur		c, save;
	struct date_fields	f;
	uint32_t		w;
	size_t			n;
	int			day, mon, year, hour, min, sec = 0, off, sep;
	int			ampm;

	if (s.p == NULL)
		return -1;
	c.p = (const unsigned char *)s.p;
	c.end = c.p + s.len;

	/* [day-name [CFWS] [","]]: the name is checked, never its truth. */
	date_skip_cfws(&c);
	if (c.p < c.end && date_is_alpha(*c.p)) {
		if (date_read_word(&c, &w) != 3 ||
		    date_find3(date_days, nitems(date_days), w) < 0)
			return -1;
		sep = date_skip_cfws(&c);
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			date_skip_cfws(&c);
		} else if (!sep)
			return -1;
	}

	/* day: one or two digits. */
	n = date_read_num(&c, &day);
	if (n < 1 || n > 2 || !date_skip_cfws(&c))
		return -1;

	/* month: three letters. */
	if (date_read_word(&c, &w) != 3 ||
	    (mon = date_find3(date_months, nitems(date_months), w)) < 0 ||
	    !date_skip_cfws(&c))
		return -1;
	mon++;

	/* year: 2*DIGIT, with the obsolete two- and three-digit rules. */
	n = date_read_num(&c, &year);
	if (n < 2 || !date_skip_cfws(&c))
		return -1;
	if (n == 2)
		year += year < 50 ? 2000 : 1900;
	else if (n == 3)
		year += 1900;

	/* hour ":" minute [":" second], CFWS around the colons. */
	n = date_read_num(&c, &hour);
	if (n < 1 || n > 2)
		return -1;
	date_skip_cfws(&c);
	if (c.p >= c.end || *c.p != ':')
		return -1;
	c.p++;
	date_skip_cfws(&c);
	n = date_read_num(&c, &min);
	if (n < 1 || n > 2)
		return -1;
	save = c;
	date_skip_cfws(&c);
	if (c.p < c.end && *c.p == ':') {
		c.p++;
		date_skip_cfws(&c);
		n = date_read_num(&c, &sec);
		if (n < 1 || n > 2)
			return -1;
	} else
		c = save;
	/*
	 * The time ends at white space, a comment, a zone name (obs-zone
	 * needs no space before it) or the end.  A numeric zone needs the
	 * space RFC 5322 asks for: "10:52:37+0200" is not a date.
	 */
	if (c.p < c.end && !rt_is_ws(*c.p) && *c.p != '(' &&
	    !date_is_alpha(*c.p))
		return -1;

	/* [AM | PM], then the zone. */
	date_skip_cfws(&c);
	ampm = 0;
	n = date_token_len(&c);
	if (date_tok_is(c.p, n, "am", 2))
		ampm = 'a';
	else if (date_tok_is(c.p, n, "pm", 2))
		ampm = 'p';
	if (ampm != 0) {
		if (hour < 1 || hour > 12)
			return -1;
		if (hour == 12)
			hour = 0;
		if (ampm == 'p')
			hour += 12;
		c.p += n;
		date_skip_cfws(&c);
	}
	if (date_read_zone(&c, &off) < 0)
		return -1;

	f.day = day;
	f.mon = mon;
	f.year = year;
	f.hour = hour;
	f.min = min;
	f.sec = sec;
	f.off = off;
	return date_finish(&f, t_out);
}
