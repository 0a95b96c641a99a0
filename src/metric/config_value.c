/*
 * config_value.c: the value types of the configuration language, part 1:
 * text, words, numbers and addresses (times and dates: config_time.c).
 *
 * Each type_def reads one value (or one list item) into its typed field,
 * checks a complete list, prints the value back in canonical form and
 * frees it.  Canonical means: what print writes parses to the same field,
 * and sets whose order carries no meaning (SLA targets here; dates,
 * windows and leave in config_time.c) are kept sorted, so two files that
 * mean the same print the same.  Lists whose order matters (members,
 * aliases, domains) keep the file's.
 *
 * Syntax, all strict (no guessing of what a malformed value meant):
 *	duration	whole number and unit s, m, h or d ("90m"); "0" alone
 *	address		local@domain, no blanks, lower-cased
 *	domain		dot-separated labels of letters, digits, '-', '_'
 *	name		1-128 bytes (256 for the organization), no '"', no
 *			blanks at either end
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "config_priv.h"

#define DAY_SECS	86400
#define NAME_MAX_ORG	256
#define ADDR_MAX	320
#define DOMAIN_MAX	253

/*
 * Names, addresses, domains.
 */

int
config_valid_name(struct str s, size_t max)
{
	if (s.len == 0 || s.len > max || memchr(s.p, '"', s.len) != NULL)
		return 0;
	return !(s.p[0] == ' ' || s.p[0] == '\t' || s.p[s.len - 1] == ' ' ||
	    s.p[s.len - 1] == '\t');
}

static int
valid_domain(struct str s)
{
	size_t	label = 0;

	if (s.len == 0 || s.len > DOMAIN_MAX)
		return 0;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c >= 0x80) || ++label > 63)
			return 0;
	}
	return label > 0;
}

int
config_valid_addr(struct str s)
{
	const char	*at = NULL;

	if (s.len > ADDR_MAX)
		return 0;
	for (size_t i = 0; i < s.len; i++) {
		if (strchr(" \t\",;#<>()[]\\:", s.p[i]) != NULL)
			return 0;
		if (s.p[i] == '@')
			at = s.p + i;
	}
	if (at == NULL || at == s.p)
		return 0;
	return valid_domain(str_skip(s, (size_t)(at - s.p) + 1));
}

char *
config_lower_dup(struct str s)
{
	char	*p = xstrndup(s.p, s.len);

	for (size_t i = 0; i < s.len; i++)
		p[i] = (char)rt_lower((unsigned char)p[i]);
	return p;
}

/* Names and schedule names are quoted when they hold a comment sign. */
static void
print_name(struct vout *o, const char *s)
{
	char	q[NAME_MAX_ORG + 3];

	if (s == NULL || *s == '\0')
		return;
	if (strpbrk(s, ";#") == NULL) {
		vout_item(o, s);
		return;
	}
	snprintf(q, sizeof(q), "\"%s\"", s);
	vout_item(o, q);
}

static void
clear_ptr(void *field)
{
	char	**p = field;

	free(*p);
	*p = NULL;
}

static void
clear_int(void *field)
{
	*(int *)field = 0;
}

static void
clear_secs(void *field)
{
	int64_t	*v = field;

	*v = 0;
}

/* Finds a duplicate in a list of strings: its index, or -1. */
static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
strs_dup(const struct config_strs *l)
{
	char		**v;
	const char	 *dup = NULL;

	if (l->n < 2)
		return NULL;
	v = xreallocarray(NULL, l->n, sizeof(*v));
	memcpy(v, l->v, l->n * sizeof(*v));
	qsort(v, l->n, sizeof(*v), cmp_strp);
	for (size_t i = 1; i < l->n && dup == NULL; i++)
		if (strcmp(v[i - 1], v[i]) == 0)
			dup = v[i];
	free(v);
	return dup;
}

static void
clear_strs(void *field)
{
	struct config_strs	*l = field;

	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
print_strs(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_strs	*l = field;

	for (size_t i = 0; i < l->n; i++)
		vout_item(o, l->v[i]);
}

/*
 * string: the organization's name.
 */

static int
parse_string(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	char	**s = field, sh[SHOW_MAX];

	if (v.len > 0 && !config_valid_name(v, NAME_MAX_ORG))
		return perr(p, p->line, ERR_CONFIG, "invalid value \"%s\" for "
		    "%s: at most %d bytes, no '\"'", show(v, sh), k->name,
		    NAME_MAX_ORG);
	free(*s);
	*s = xstrndup(v.p, v.len);
	return 0;
}

static void
print_string(struct vout *o, const struct key_def *k, const void *field)
{
	print_name(o, *(char *const *)field);
}

const struct type_def type_string = {
	.doc = "text", .parse = parse_string, .print = print_string,
	.clear = clear_ptr,
};

/*
 * enum and bool: stored in an int-sized field (an enum or an int).
 */

_Static_assert(sizeof(enum config_time_source) == sizeof(int) &&
    sizeof(enum config_clock_start) == sizeof(int) &&
    sizeof(enum config_visibility) == sizeof(int), "enums are ints");

static int
parse_enum(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	char	want[128], sh[SHOW_MAX];
	size_t	n, i;

	for (i = 0; k->choices[i] != NULL; i++)
		if (str_eq_ci(v, str_cstr(k->choices[i]))) {
			*(int *)field = (int)i;
			return 0;
		}
	for (n = i = 0; k->choices[i] != NULL && n < sizeof(want); i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%s",
		    i == 0 ? "" : k->choices[i + 1] == NULL ? " or " : ", ",
		    k->choices[i]);
	return perr(p, p->line, ERR_CONFIG, "invalid value \"%s\" for %s: "
	    "expected %s", show(v, sh), k->name, want);
}

static void
print_enum(struct vout *o, const struct key_def *k, const void *field)
{
	vout_item(o, k->choices[*(const int *)field]);
}

const struct type_def type_enum = {
	.doc = "one of", .parse = parse_enum, .print = print_enum,
	.clear = clear_int,
};

static int
parse_bool(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	char	sh[SHOW_MAX];

	for (size_t i = 0; i < nitems(yes); i++) {
		if (str_eq_ci(v, str_cstr(yes[i]))) {
			*(int *)field = 1;
			return 0;
		}
		if (str_eq_ci(v, str_cstr(no[i]))) {
			*(int *)field = 0;
			return 0;
		}
	}
	return perr(p, p->line, ERR_CONFIG, "invalid value \"%s\" for %s: "
	    "expected yes or no", show(v, sh), k->name);
}

static void
print_bool(struct vout *o, const struct key_def *k, const void *field)
{
	vout_item(o, *(const int *)field ? "yes" : "no");
}

const struct type_def type_bool = {
	.doc = "yes or no", .parse = parse_bool, .print = print_bool,
	.clear = clear_int,
};

/*
 * duration and list of durations.
 */

static int
duration_scan(struct str s, int64_t *secs_out)
{
	int64_t	v = 0, unit;
	size_t	i;

	if (s.len == 1 && s.p[0] == '0') {
		*secs_out = 0;
		return 0;
	}
	for (i = 0; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
		if (i >= 12)
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	if (i == 0 || i + 1 != s.len)
		return -1;
	switch (s.p[i]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = DAY_SECS;
		break;
	default:
		return -1;
	}
	*secs_out = v * unit;
	return 0;
}

/* The largest unit that divides v, except that one day is 24h. */
static void
duration_format(int64_t v, char out[static 32])
{
	if (v == 0)
		snprintf(out, 32, "0");
	else if (v % DAY_SECS == 0 && v != DAY_SECS)
		snprintf(out, 32, "%lldd", (long long)(v / DAY_SECS));
	else if (v % 3600 == 0)
		snprintf(out, 32, "%lldh", (long long)(v / 3600));
	else if (v % 60 == 0)
		snprintf(out, 32, "%lldm", (long long)(v / 60));
	else
		snprintf(out, 32, "%llds", (long long)v);
}

static int
duration_read(struct pctx *p, const struct key_def *k, struct str v,
    int64_t *out)
{
	char	sh[SHOW_MAX], lo[32], hi[32];

	if (duration_scan(v, out) == -1)
		return perr(p, p->line, ERR_CONFIG, "malformed duration \"%s\" "
		    "for %s: expected a whole number with unit s, m, h or d",
		    show(v, sh), k->name);
	if (*out < k->min || *out > k->max) {
		duration_format(k->min, lo);
		duration_format(k->max, hi);
		return perr(p, p->line, ERR_CONFIG, "duration \"%s\" for %s "
		    "out of range: %s to %s", show(v, sh), k->name, lo, hi);
	}
	return 0;
}

static int
parse_duration(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	return duration_read(p, k, v, field);
}

static void
print_duration(struct vout *o, const struct key_def *k, const void *field)
{
	char	s[32];

	duration_format(*(const int64_t *)field, s);
	vout_item(o, s);
}

const struct type_def type_duration = {
	.doc = "duration", .parse = parse_duration, .print = print_duration,
	.clear = clear_secs,
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
parse_durations(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_secs	*l = field;
	int64_t			 secs;

	if (duration_read(p, k, v, &secs) == -1)
		return -1;
	*(int64_t *)vec_push(&l->v, l->n++, sizeof(*l->v)) = secs;
	return 0;
}

static int
done_durations(struct pctx *p, const struct key_def *k, void *field)
{
	struct config_secs	*l = field;
	char			 s[32];

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_i64);
	for (size_t i = 1; i < l->n; i++)
		if (l->v[i] == l->v[i - 1]) {
			duration_format(l->v[i], s);
			return perr(p, p->key_line, ERR_CONFIG,
			    "duplicate duration %s in %s", s, k->name);
		}
	return 0;
}

static void
print_durations(struct vout *o, const struct key_def *k, const void *field)
{
	const struct config_secs	*l = field;
	char				 s[32];

	for (size_t i = 0; i < l->n; i++) {
		duration_format(l->v[i], s);
		vout_item(o, s);
	}
}

static void
clear_durations(void *field)
{
	struct config_secs	*l = field;

	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct type_def type_durations = {
	.doc = "list of durations", .list = 1, .parse = parse_durations,
	.done = done_durations, .print = print_durations,
	.clear = clear_durations,
};

/*
 * Lists of domains and of addresses.
 */

static int
parse_domain(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_strs	*l = field;
	char			 sh[SHOW_MAX];

	if (!valid_domain(v))
		return perr(p, p->line, ERR_CONFIG, "invalid domain \"%s\" in "
		    "%s", show(v, sh), k->name);
	*(char **)vec_push(&l->v, l->n++, sizeof(*l->v)) =
	    config_lower_dup(v);
	return 0;
}

static int
parse_addr(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct config_strs	*l = field;
	char			 sh[SHOW_MAX];

	if (!config_valid_addr(v))
		return perr(p, p->line, ERR_CONFIG, "invalid address \"%s\" in "
		    "%s", show(v, sh), k->name);
	*(char **)vec_push(&l->v, l->n++, sizeof(*l->v)) =
	    config_lower_dup(v);
	return 0;
}

static int
done_strs(struct pctx *p, const struct key_def *k, void *field)
{
	const char	*dup;
	char		 sh[SHOW_MAX];

	if ((dup = strs_dup(field)) != NULL)
		return perr(p, p->key_line, ERR_CONFIG, "\"%s\" appears twice "
		    "in %s", show(str_cstr(dup), sh), k->name);
	return 0;
}

const struct type_def type_domains = {
	.doc = "list of domains", .list = 1, .parse = parse_domain,
	.done = done_strs, .print = print_strs, .clear = clear_strs,
};

const struct type_def type_addrs = {
	.doc = "list of addresses", .list = 1, .parse = parse_addr,
	.done = done_strs, .print = print_strs, .clear = clear_strs,
};

/*
 * A schedule's name (hours = x); config_link() finds the schedule.
 */

static int
parse_hoursref(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	char	**s = field, sh[SHOW_MAX];

	if (v.len > 0 && !config_valid_name(v, CONFIG_MAX_NAME))
		return perr(p, p->line, ERR_CONFIG, "invalid schedule name "
		    "\"%s\" for %s", show(v, sh), k->name);
	free(*s);
	*s = v.len > 0 ? xstrndup(v.p, v.len) : NULL;
	return 0;
}

const struct type_def type_hoursref = {
	.doc = "schedule name", .parse = parse_hoursref, .print = print_string,
	.clear = clear_ptr,
};

/*
 * Section checks.
 */

void
config_team_check(struct pctx *p, void *obj)
{
	struct config_team	*t = obj;

	if (t->members.n == 0 && config_seen_line(p, SECT_TEAM, "members") != 0)
		perr(p, p->sect_line, ERR_CONFIG, "%s has no members",
		    p->label);
}
