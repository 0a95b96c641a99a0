/*
 * tz.c: TZif files (RFC 8536) and the lookups of tz.h.
 *
 * A zone holds three layers, consulted by instant t:
 *
 *  1. t < rule_from: the file's transitions.  A binary search finds the
 *     last transition at or before t; before the first one, type 0.
 *  2. t >= rule_from (the last file transition, or every instant when the
 *     file has none) and a footer TZ string with DST: the footer's
 *     transitions, expanded at load time for the years around rule_from
 *     through TZ_CACHE_YEAR into a second sorted array; another binary
 *     search.
 *  3. Outside that array: tz_rule_at() evaluates the footer directly.
 *
 * A footer without DST is one fixed type from rule_from on; no footer (v1,
 * or an empty one) keeps the last transition's type forever.
 *
 * The footer's two types are appended to the file's types, and their
 * abbreviations to the file's abbreviation bytes, so every lookup ends in
 * one struct tz_type.
 *
 * tz_from_local() walks the periods (maximal intervals of one type) that
 * can contain the answer: with offsets bounded by TZ_OFF_MIN/MAX, every
 * instant whose local time is L lies in [L - TZ_OFF_MAX, L - TZ_OFF_MIN].
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/xmalloc.h"
#include "metric/tz.h"

#define DAY		86400
#define TIME_LIMIT	((int64_t)1 << 59)
#define YEAR_LIMIT	1000000000

struct tz_type {
	int32_t		 off;
	uint8_t		 isdst;
	uint16_t	 abbr;		/* index into chars */
};

struct tz {
	char		*name;
	char		*chars;		/* NUL-terminated abbreviations */
	struct tz_type	*types;
	size_t		 ntypes;
	int64_t		*at;		/* file transitions, ascending */
	uint8_t		*ti;		/* type from at[i] on */
	size_t		 n;
	int		 has_rule;	/* a non-empty footer */
	int64_t		 rule_from;	/* footer governs t >= rule_from */
	int		 rule_dst;	/* footer has DST transitions */
	struct tz_rule	 rule;
	size_t		 rtype[2];	/* footer standard, DST types */
	int64_t		*ev;		/* expanded footer transitions */
	uint8_t		*evdst;
	size_t		 nev;
	int64_t		 ev_hi;		/* ev[] answers ev[0] <= t < ev_hi */
};

/* Reads big-endian integers from a bounded cursor. */
struct rd {
	const unsigned char	*p;
	const unsigned char	*end;
};

static int
rd_has(const struct rd *r, size_t n)
{
	return (size_t)(r->end - r->p) >= n;
}

static uint32_t
rd_u32(struct rd *r)
{
	const unsigned char *p = r->p;

	r->p += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
rd_i64(struct rd *r)
{
	uint64_t	hi = rd_u32(r), lo = rd_u32(r);

	return (int64_t)(hi << 32 | lo);
}

struct hdr {
	int		 version;	/* 1, 2, 3, 4 */
	uint32_t	 isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* Reads a header; the counts are only bounded, see check_hdr(). */
static int
read_hdr(struct rd *r, const char *name, struct hdr *h, struct err *err)
{
	unsigned char	v;

	if (!rd_has(r, 44) || memcmp(r->p, "TZif", 4) != 0)
		return err_set(err, ERR_PARSE, "time zone %s: not a TZif file",
		    name);
	v = r->p[4];
	if (v == 0)
		h->version = 1;
	else if (v >= '2' && v <= '4')
		h->version = v - '0';
	else
		return err_set(err, ERR_UNSUPPORTED, "time zone %s: unknown "
		    "TZif version byte 0x%02x", name, v);
	r->p += 20;
	h->isutcnt = rd_u32(r);
	h->isstdcnt = rd_u32(r);
	h->leapcnt = rd_u32(r);
	h->timecnt = rd_u32(r);
	h->typecnt = rd_u32(r);
	h->charcnt = rd_u32(r);
	if (h->timecnt > TZ_MAX_TIMES || h->typecnt > TZ_MAX_TYPES ||
	    h->charcnt > TZ_MAX_CHARS || h->leapcnt > TZ_MAX_LEAPS ||
	    h->isutcnt > TZ_MAX_TYPES || h->isstdcnt > TZ_MAX_TYPES)
		return err_set(err, ERR_LIMIT, "time zone %s: header counts "
		    "beyond limits (times %u, types %u, chars %u, leaps %u)",
		    name, h->timecnt, h->typecnt, h->charcnt, h->leapcnt);
	return 0;
}

/* The header of the block that is used (a skipped v1 block of a v2+
 * file only needs a computable size). */
static int
check_hdr(const struct hdr *h, const char *name, struct err *err)
{
	if (h->typecnt == 0 || h->charcnt == 0)
		return err_set(err, ERR_PARSE, "time zone %s: header has no "
		    "types or no abbreviations", name);
	if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
		return err_set(err, ERR_PARSE, "time zone %s: indicator "
		    "counts differ from the type count", name);
	return 0;
}

static size_t
block_len(const struct hdr *h, size_t tsize)
{
	return h->timecnt * tsize + h->timecnt + h->typecnt * 6 +
	    h->charcnt + h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static void
add_type(struct tz *tz, int32_t off, int isdst, uint16_t abbr)
{
	tz->types[tz->ntypes].off = off;
	tz->types[tz->ntypes].isdst = (uint8_t)isdst;
	tz->types[tz->ntypes].abbr = abbr;
	tz->ntypes++;
}

/* Reads the data block described by h (tsize 4 or 8) into tz. */
static int
parse_block(struct rd *r, const struct hdr *h, size_t tsize, struct tz *tz,
    struct err *err)
{
	const unsigned char	*idx, *chars, *std, *ut;
	const char		*name = tz->name;

	if (!rd_has(r, block_len(h, tsize)))
		return err_set(err, ERR_PARSE, "time zone %s: data block "
		    "truncated", name);
	if (h->leapcnt != 0)
		return err_set(err, ERR_UNSUPPORTED, "time zone %s: leap "
		    "second records (a right/ zone) are not supported", name);
	tz->n = h->timecnt;
	tz->at = xcalloc(h->timecnt, sizeof(*tz->at));
	tz->ti = xcalloc(h->timecnt, sizeof(*tz->ti));
	for (size_t i = 0; i < h->timecnt; i++) {
		int64_t t = tsize == 8 ? rd_i64(r) : (int32_t)rd_u32(r);

		if (t < -TIME_LIMIT || t > TIME_LIMIT)
			return err_set(err, ERR_LIMIT, "time zone %s: "
			    "transition %zu outside +-2^59 s", name, i);
		if (i > 0 && t <= tz->at[i - 1])
			return err_set(err, ERR_PARSE, "time zone %s: "
			    "transition %zu not after the previous one",
			    name, i);
		tz->at[i] = t;
	}
	idx = r->p;
	r->p += h->timecnt;
	for (size_t i = 0; i < h->timecnt; i++) {
		if (idx[i] >= h->typecnt)
			return err_set(err, ERR_PARSE, "time zone %s: "
			    "transition %zu names type %u of %u", name, i,
			    idx[i], h->typecnt);
		tz->ti[i] = idx[i];
	}
	/* Room for the footer's two types and abbreviations too. */
	tz->types = xcalloc(h->typecnt + 2, sizeof(*tz->types));
	tz->chars = xcalloc(h->charcnt + 2 * (TZ_ABBR_MAX + 1), 1);
	chars = r->p + h->typecnt * 6;
	memcpy(tz->chars, chars, h->charcnt);
	for (size_t i = 0; i < h->typecnt; i++) {
		int32_t		off = (int32_t)rd_u32(r);
		unsigned	isdst = r->p[0], ai = r->p[1];

		r->p += 2;
		if (off < TZ_OFF_MIN || off > TZ_OFF_MAX)
			return err_set(err, ERR_LIMIT, "time zone %s: type %zu "
			    "has UT offset %ld s beyond -25h..26h", name, i,
			    (long)off);
		if (isdst > 1)
			return err_set(err, ERR_PARSE, "time zone %s: type %zu "
			    "has DST flag %u", name, i, isdst);
		if (ai >= h->charcnt ||
		    memchr(chars + ai, '\0', h->charcnt - ai) == NULL)
			return err_set(err, ERR_PARSE, "time zone %s: type %zu "
			    "abbreviation index %u is not a string", name, i,
			    ai);
		add_type(tz, off, (int)isdst, (uint16_t)ai);
	}
	r->p += h->charcnt;
	std = r->p;
	ut = std + h->isstdcnt;
	r->p += h->isstdcnt + h->isutcnt;
	for (size_t i = 0; i < h->typecnt; i++) {
		unsigned s = i < h->isstdcnt ? std[i] : 0;
		unsigned u = i < h->isutcnt ? ut[i] : 0;

		if (s > 1 || u > 1 || (u == 1 && s == 0))
			return err_set(err, ERR_PARSE, "time zone %s: type %zu "
			    "has bad standard/UT indicators", name, i);
	}
	return 0;
}

static uint16_t
add_abbr(struct tz *tz, size_t *used, const char *abbr)
{
	size_t	pos = *used, len = strlen(abbr);

	memcpy(tz->chars + pos, abbr, len + 1);
	*used += len + 1;
	return (uint16_t)pos;
}

static int64_t
year_of(int64_t t)
{
	int64_t	d = t / DAY, y;
	int	m, dd;

	if (t % DAY < 0)
		d--;
	tz_civil_from_days(d, &y, &m, &dd);
	return y;
}

/* Installs the footer rule and expands its transitions. */
static void
setup_rule(struct tz *tz, const struct tz_rule *rule, int perpetual,
    size_t *used)
{
	int64_t	y0, at[2];
	int	dst[2];
	size_t	cap;

	tz->rule = *rule;
	tz->has_rule = 1;
	tz->rule_from = tz->n ? tz->at[tz->n - 1] : INT64_MIN;
	tz->rtype[0] = tz->ntypes;
	add_type(tz, rule->std_off, perpetual, add_abbr(tz, used,
	    rule->std_abbr));
	tz->rtype[1] = tz->rtype[0];
	if (!rule->has_dst)
		return;
	tz->rtype[1] = tz->ntypes;
	add_type(tz, rule->dst_off, 1, add_abbr(tz, used, rule->dst_abbr));
	tz->rule_dst = 1;

	y0 = tz->n ? year_of(tz->rule_from) - 1 : 1800;
	if (y0 < 1800)
		y0 = 1800;
	if (y0 > TZ_CACHE_YEAR)
		return;
	cap = (size_t)(TZ_CACHE_YEAR - y0 + 1) * 2;
	tz->ev = xcalloc(cap, sizeof(*tz->ev));
	tz->evdst = xcalloc(cap, sizeof(*tz->evdst));
	for (int64_t y = y0; y <= TZ_CACHE_YEAR; y++) {
		/* Every year has two: tz_rule_parse() checked. */
		if (tz_rule_year(rule, y, at, dst) != 2)
			rt_fatal("tz: rule year without transitions");
		for (int i = 0; i < 2; i++) {
			tz->ev[tz->nev] = at[i];
			tz->evdst[tz->nev] = (uint8_t)dst[i];
			tz->nev++;
		}
	}
	tz_rule_year(rule, TZ_CACHE_YEAR + 1, at, dst);
	tz->ev_hi = at[0];
}

static int
parse_footer(struct rd *r, struct tz *tz, size_t *used, struct err *err)
{
	const unsigned char	*nl;
	struct tz_rule		 rule;
	int			 perpetual;

	if (!rd_has(r, 1) || r->p[0] != '\n')
		return err_set(err, ERR_PARSE, "time zone %s: footer does not "
		    "begin with a newline", tz->name);
	r->p++;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	if (nl == NULL)
		return err_set(err, ERR_PARSE, "time zone %s: footer does not "
		    "end with a newline", tz->name);
	if (nl + 1 != r->end)
		return err_set(err, ERR_PARSE, "time zone %s: %zu bytes after "
		    "the footer", tz->name, (size_t)(r->end - nl - 1));
	if (nl == r->p)
		return 0;	/* empty: the last type stays */
	if (tz_rule_parse((const char *)r->p, (size_t)(nl - r->p), tz->name,
	    &rule, &perpetual, err) == -1)
		return -1;
	setup_rule(tz, &rule, perpetual, used);
	return 0;
}

static struct tz *
tz_new(const char *name)
{
	struct tz	*tz = xcalloc(1, sizeof(*tz));

	tz->name = xstrdup(name);
	return tz;
}

int
tz_parse(const void *data, size_t len, const char *name, struct tz **tz_out,
    struct err *err)
{
	struct rd	 r = { data, (const unsigned char *)data + len };
	struct hdr	 h;
	struct tz	*tz;
	size_t		 used;
	int		 version;

	if (len > TZ_FILE_MAX)
		return err_set(err, ERR_LIMIT, "time zone %s: file larger than "
		    "%d bytes", name, TZ_FILE_MAX);
	if (read_hdr(&r, name, &h, err) == -1)
		return -1;
	version = h.version;
	if (version >= 2) {
		/* Skip the 32-bit block for the 64-bit one. */
		if (!rd_has(&r, block_len(&h, 4)))
			return err_set(err, ERR_PARSE, "time zone %s: version "
			    "1 data block truncated", name);
		r.p += block_len(&h, 4);
		if (read_hdr(&r, name, &h, err) == -1)
			return -1;
	}
	if (check_hdr(&h, name, err) == -1)
		return -1;
	tz = tz_new(name);
	used = h.charcnt;
	if (parse_block(&r, &h, version >= 2 ? 8 : 4, tz, err) == -1)
		goto fail;
	if (version >= 2) {
		if (parse_footer(&r, tz, &used, err) == -1)
			goto fail;
	} else if (r.p != r.end) {
		err_set(err, ERR_PARSE, "time zone %s: %zu bytes after the "
		    "data", name, (size_t)(r.end - r.p));
		goto fail;
	}
	*tz_out = tz;
	return 0;
fail:
	tz_free(tz);
	return -1;
}

int
tz_parse_posix(const char *spec, size_t len, const char *name,
    struct tz **tz_out, struct err *err)
{
	struct tz_rule	 rule;
	struct tz	*tz;
	size_t		 used = 0;
	int		 perpetual;

	if (tz_rule_parse(spec, len, name, &rule, &perpetual, err) == -1)
		return -1;
	tz = tz_new(name);
	tz->types = xcalloc(2, sizeof(*tz->types));
	tz->chars = xcalloc(2 * (TZ_ABBR_MAX + 1), 1);
	setup_rule(tz, &rule, perpetual, &used);
	*tz_out = tz;
	return 0;
}

static int
name_ok(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len > TZ_NAME_MAX || name[0] == '/')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		    c == '+' || c == '-'))
			return 0;
	}
	/* Unreachable with the byte set above; kept as the contract. */
	return strstr(name, "..") == NULL;
}

int
tz_load(const char *name, struct tz **tz_out, struct err *err)
{
	const char	*dir = getenv("TZDIR");
	char		*path;
	unsigned char	*buf = NULL;
	struct stat	 st;
	size_t		 len = 0;
	ssize_t		 got;
	int		 fd, rv;

	if (!name_ok(name))
		return err_set(err, ERR_CONFIG, "time zone name \"%.*s\": not "
		    "an IANA name (1-%d bytes of A-Z a-z 0-9 / _ + -, no "
		    "leading '/', no \"..\")", 64, name, TZ_NAME_MAX);
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	path = xasprintf("%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			err_set(err, ERR_CONFIG, "time zone %s: unknown (no "
			    "file %s)", name, path);
		else
			err_set_errno(err, ERR_IO, "time zone %s: %s", name,
			    path);
		free(path);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		err_set_errno(err, ERR_IO, "time zone %s: %s", name, path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, ERR_CONFIG, "time zone %s: %s is not a file",
		    name, path);
		goto fail;
	}
	if (st.st_size > TZ_FILE_MAX) {
		err_set(err, ERR_LIMIT, "time zone %s: %s is larger than %d "
		    "bytes", name, path, TZ_FILE_MAX);
		goto fail;
	}
	/* One byte spare: growth while reading shows up as too large. */
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size + 1) {
		got = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			err_set_errno(err, ERR_IO, "time zone %s: %s", name,
			    path);
			goto fail;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (len > (size_t)st.st_size) {
		err_set(err, ERR_IO, "time zone %s: %s changed while read",
		    name, path);
		goto fail;
	}
	rv = tz_parse(buf, len, name, tz_out, err);
	free(buf);
	free(path);
	close(fd);
	return rv;
fail:
	free(buf);
	free(path);
	close(fd);
	return -1;
}

void
tz_free(struct tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->chars);
	free(tz->types);
	free(tz->at);
	free(tz->ti);
	free(tz->ev);
	free(tz->evdst);
	free(tz);
}

const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

/* Number of elements of a[0..n) that are <= t. */
static size_t
count_le(const int64_t *a, size_t n, int64_t t)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The type in force at t: the hot path. */
static const struct tz_type *
type_at(const struct tz *tz, int64_t t)
{
	size_t	i;
	int64_t	s, e;

	if (t < tz->rule_from || !tz->has_rule) {
		i = count_le(tz->at, tz->n, t);
		return &tz->types[i ? tz->ti[i - 1] : 0];
	}
	if (!tz->rule_dst)
		return &tz->types[tz->rtype[0]];
	if (tz->nev && t >= tz->ev[0] && t < tz->ev_hi) {
		i = count_le(tz->ev, tz->nev, t);
		return &tz->types[tz->rtype[tz->evdst[i - 1]]];
	}
	return &tz->types[tz->rtype[tz_rule_at(&tz->rule, t, &s, &e)]];
}

/* The type at t and the period [*s, *e) around t during which it holds
 * (periods end at every transition, even one to an equal type). */
static const struct tz_type *
period_at(const struct tz *tz, int64_t t, int64_t *s, int64_t *e)
{
	size_t	i;
	int	dst;

	if (t < tz->rule_from || !tz->has_rule) {
		i = count_le(tz->at, tz->n, t);
		*s = i ? tz->at[i - 1] : INT64_MIN;
		*e = i < tz->n ? tz->at[i] : INT64_MAX;
		return &tz->types[i ? tz->ti[i - 1] : 0];
	}
	if (!tz->rule_dst) {
		*s = tz->rule_from;
		*e = INT64_MAX;
		return &tz->types[tz->rtype[0]];
	}
	if (tz->nev && t >= tz->ev[0] && t < tz->ev_hi) {
		i = count_le(tz->ev, tz->nev, t);
		*s = tz->ev[i - 1];
		*e = i < tz->nev ? tz->ev[i] : tz->ev_hi;
		dst = tz->evdst[i - 1];
	} else
		dst = tz_rule_at(&tz->rule, t, s, e);
	if (*s < tz->rule_from)
		*s = tz->rule_from;
	return &tz->types[tz->rtype[dst]];
}

int32_t
tz_offset_at(const struct tz *tz, int64_t t)
{
	return type_at(tz, t)->off;
}

void
tz_to_local(const struct tz *tz, int64_t t, struct tz_civil *out)
{
	const struct tz_type	*ty = type_at(tz, t);
	int64_t			 days = t / DAY, secs = t % DAY;

	/* Floor division, then the offset: no overflow for any t. */
	if (secs < 0) {
		secs += DAY;
		days--;
	}
	/* Offsets reach 26 hours: up to two days either way. */
	secs += ty->off;
	while (secs < 0) {
		secs += DAY;
		days--;
	}
	while (secs >= DAY) {
		secs -= DAY;
		days++;
	}
	tz_civil_from_days(days, &out->year, &out->month, &out->day);
	out->yday = (int)(days - tz_days_from_civil(out->year, 1, 1));
	out->wday = (int)((days % 7 + 11) % 7);
	out->hour = (int)(secs / 3600);
	out->min = (int)(secs / 60 % 60);
	out->sec = (int)(secs % 60);
	out->offset = ty->off;
	out->isdst = ty->isdst;
	out->abbr = tz->chars + ty->abbr;
}

int64_t
tz_from_local(const struct tz *tz, int64_t year, int month, int day,
    int hour, int min, int sec)
{
	const struct tz_type	*ty;
	int64_t			 y, m, L, lo, hi, t, s, e, c, gap = 0;
	int32_t			 prev_off = 0;
	int			 have_prev = 0, have_gap = 0;

	y = year < -YEAR_LIMIT ? -YEAR_LIMIT :
	    year > YEAR_LIMIT ? YEAR_LIMIT : year;
	m = (int64_t)month - 1;
	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m -= (m >= 0 ? m / 12 : -((11 - m) / 12)) * 12;
	L = tz_days_from_civil(y, (int)m + 1, day) * DAY +
	    (int64_t)hour * 3600 + (int64_t)min * 60 + sec;

	/*
	 * Every answer t has t + offset(t) = L, so lies in [lo, hi].  Walk
	 * the periods covering that window in time order: the first one
	 * whose offset maps L inside it holds the earliest instant.  If none
	 * does, L is in a gap: some transition T has T + before <= L <
	 * T + after, and L is read with the offset before it.
	 */
	lo = L - TZ_OFF_MAX;
	hi = L - TZ_OFF_MIN;
	for (t = lo;; t = e) {
		ty = period_at(tz, t, &s, &e);
		c = L - ty->off;
		if (c >= s && c < e)
			return c;
		if (have_prev && !have_gap && s + prev_off <= L &&
		    L < s + ty->off) {
			have_gap = 1;
			gap = L - prev_off;
		}
		if (e > hi || e <= t)	/* e <= t: cannot happen */
			break;
		prev_off = ty->off;
		have_prev = 1;
	}
	/* A gap is certain when no period matched (see above). */
	return have_gap ? gap : L - tz_offset_at(tz, L);
}
