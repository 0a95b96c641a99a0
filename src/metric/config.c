/*
 * config.c: the configuration reader (metrics spec section 11).
 *
 * The reader walks the text line by line.  A line is blank, a comment
 * (first non-blank byte ';' or '#'), a section header or "key = value".
 * A header opens a section object (the organization, the rules, a
 * schedule, a team or an [agent] section) filled with its keys' defaults;
 * a key line finds its row in config_keys[] and hands the value to the
 * row's type, which writes it at the row's offset in the open object.
 * Nothing here knows what a key means: adding a setting is adding a row
 * (and a struct field), and config_print() and config_doc() follow.
 *
 * Values: an unquoted value ends at the first ';' or '#' (an inline
 * comment) and is trimmed.  A single value may be written in double
 * quotes to keep ';' or '#' in it.  A list value that ends with ',' goes
 * on in the next non-comment line, so long member lists can be wrapped.
 *
 * Errors do not stop the reader: every bad line is reported (up to
 * CONFIG_MAX_ERRORS) and the result is thrown away at the end.  Hitting a
 * limit stops it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/xmalloc.h"
#include "config_priv.h"

static const char *const time_sources[] = { "date", "received", NULL };
static const char *const clock_starts[] = { "parent", "oldest-unanswered",
    NULL };
static const char *const visibilities[] = { "addressed", "all", NULL };

#define DAY	(24 * 3600)
#define K(s, n, t, st, f)						\
	.sect = (s), .name = (n), .type = &(t),				\
	.off = offsetof(struct st, f)
#define WEEKDAY(n, i, full)						\
	{ K(SECT_HOURS, n, type_windows, config_schedule, week[i]),	\
	  .def = "",							\
	  .help = "Open windows on " full ", `HH:MM-HH:MM`, "		\
	    "comma-separated. Empty: closed all day." }

const struct sect_def config_sects[SECT_COUNT] = {
	[SECT_ORG] = { .name = "organization", .naming = NAME_NONE,
	    .help = "Who the organization is: its name and the domains "
	    "whose addresses are internal." },
	[SECT_RULES] = { .name = "rules", .naming = NAME_NONE,
	    .help = "The rules of the metrics (spec sections 2, 3, 6, 8 "
	    "and 10)." },
	[SECT_HOURS] = { .name = "hours", .naming = NAME_OPTIONAL,
	    .check = config_sched_check,
	    .help = "A business-hours schedule (spec section 9). `[hours]` "
	    "is the default schedule; `[hours \"name\"]` is a named one that "
	    "teams and agents choose with `hours = name`. Weekdays not "
	    "listed are closed; at least one weekday must have a window. "
	    "Without any `[hours]` section business time equals calendar "
	    "time." },
	[SECT_TEAM] = { .name = "team", .naming = NAME_REQUIRED,
	    .check = config_team_check,
	    .help = "A team, `[team \"name\"]`. Its members are the agents. "
	    "Teams are reported in the order of the file." },
	[SECT_AGENT] = { .name = "agent", .naming = NAME_REQUIRED,
	    .help = "Settings of one agent, `[agent \"address\"]`; the "
	    "address must be a member of some team. Optional: an agent "
	    "without a section has no aliases and no leave." },
};

const struct key_def config_keys[] = {
	{ K(SECT_ORG, "name", type_string, config_org, name),
	  .def = "",
	  .help = "Name of the organization, shown in reports." },
	{ K(SECT_ORG, "internal_domains", type_domains, config_org,
	    internal_domains),
	  .def = "",
	  .help = "Domains whose addresses (and their subdomains' "
	  "addresses) are internal, never customers." },

	{ K(SECT_RULES, "time_source", type_enum, config_rules,
	    time_source),
	  .def = "date", .choices = time_sources,
	  .help = "Time of a message: the `Date` field, or the top-most "
	  "`Received` field (then `Date`)." },
	{ K(SECT_RULES, "clock_start", type_enum, config_rules,
	    clock_start),
	  .def = "parent", .choices = clock_starts,
	  .help = "What a reply is timed from: the message it answers, or "
	  "the oldest unanswered message of the conversation." },
	{ K(SECT_RULES, "exclude_internal", type_bool, config_rules,
	    exclude_internal),
	  .def = "yes",
	  .help = "Only messages from external senders start a clock. "
	  "`no`: any message from outside the group does." },
	{ K(SECT_RULES, "exclude_lists", type_bool, config_rules,
	    exclude_lists),
	  .def = "yes",
	  .help = "Treat mailing-list messages (`List-Id`, "
	  "`List-Unsubscribe`, `List-Post`, `Precedence: bulk/list`) as "
	  "automated. `no` for list archives." },
	{ K(SECT_RULES, "visibility", type_enum, config_rules, visibility),
	  .def = "addressed", .choices = visibilities,
	  .help = "Which conversations count for a group: those where a "
	  "member is sender or recipient, or all." },
	{ K(SECT_RULES, "count_cc", type_bool, config_rules, count_cc),
	  .def = "yes",
	  .help = "A member in `Cc` makes a conversation visible to the "
	  "group." },
	{ K(SECT_RULES, "outlier_cap", type_duration, config_rules,
	    outlier_cap),
	  .def = "30d", .min = 0, .max = 3650 * DAY,
	  .help = "Reply times above this are outliers, left out of the "
	  "statistics. `0` disables the cap." },
	{ K(SECT_RULES, "sla_targets", type_durations, config_rules,
	    sla_targets),
	  .def = "1h, 4h, 24h", .min = 1, .max = 3650 * DAY,
	  .max_items = 32,
	  .help = "Targets for the share of replies within each; kept in "
	  "ascending order." },

	{ K(SECT_HOURS, "timezone", type_timezone, config_schedule,
	    timezone),
	  .required = 1,
	  .help = "IANA time zone of the windows, e.g. `Europe/London`." },
	WEEKDAY("mon", CONFIG_MON, "Mondays"),
	WEEKDAY("tue", CONFIG_TUE, "Tuesdays"),
	WEEKDAY("wed", CONFIG_WED, "Wednesdays"),
	WEEKDAY("thu", CONFIG_THU, "Thursdays"),
	WEEKDAY("fri", CONFIG_FRI, "Fridays"),
	WEEKDAY("sat", CONFIG_SAT, "Saturdays"),
	WEEKDAY("sun", CONFIG_SUN, "Sundays"),
	{ K(SECT_HOURS, "holidays", type_dates, config_schedule, holidays),
	  .def = "",
	  .help = "Closed dates, `YYYY-MM-DD`: no window starting on them "
	  "opens." },
	{ K(SECT_HOURS, "partial", type_partial, config_schedule, partial),
	  .def = "",
	  .help = "Partial days: `YYYY-MM-DD HH:MM-HH:MM`; further "
	  "windows of the same date follow as bare `HH:MM-HH:MM` items. "
	  "On that date these windows replace the weekday's." },

	{ K(SECT_TEAM, "members", type_addrs, config_team, members),
	  .required = 1,
	  .help = "Addresses of the team's agents. An address may be in "
	  "several teams." },
	{ K(SECT_TEAM, "hours", type_hoursref, config_team, hours_name),
	  .help = "Name of the team's `[hours \"name\"]` schedule. Not set: "
	  "the default `[hours]`." },

	{ K(SECT_AGENT, "aliases", type_addrs, config_agent, aliases),
	  .def = "",
	  .help = "Other addresses of the same person. An alias may not be "
	  "a team member nor another agent's alias." },
	{ K(SECT_AGENT, "leave", type_ranges, config_agent, leave),
	  .def = "",
	  .help = "Days off: `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` "
	  "(inclusive). No window starting on them opens." },
	{ K(SECT_AGENT, "hours", type_hoursref, config_agent, hours_name),
	  .help = "Name of the agent's `[hours \"name\"]` schedule. Not set: "
	  "the schedule of its first team, else the default." },
};
const size_t config_nkeys = nitems(config_keys);

#undef K
#undef WEEKDAY

/*
 * Errors.
 */

const char *
show(struct str s, char out[static SHOW_MAX])
{
	size_t	n = 0, i;

	for (i = 0; i < s.len && n < SHOW_MAX - 8; i++) {
		unsigned char c = (unsigned char)s.p[i];

		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < s.len) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

int
perr(struct pctx *p, int line, enum err_code code, const char *fmt, ...)
{
	char	msg[sizeof(p->first_msg)];
	va_list	ap;
	int	n;

	if (line > 0)
		n = snprintf(msg, sizeof(msg), "%s:%d: ", p->file, line);
	else
		n = snprintf(msg, sizeof(msg), "%s: ", p->file);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (p->nerr == 0) {
		p->first_code = code;
		memcpy(p->first_msg, msg, sizeof(msg));
	}
	if (p->diag != NULL && p->nerr < CONFIG_MAX_ERRORS) {
		buf_puts(p->diag, msg);
		buf_addc(p->diag, '\n');
	}
	p->nerr++;
	if (code == ERR_LIMIT || p->nerr >= CONFIG_MAX_ERRORS)
		p->stop = 1;
	return -1;
}

void *
vec_push(void *vp, size_t n, size_t size)
{
	char	**v = vp;

	/* Capacity is the next power of two: grow when n is one. */
	if (n == 0 || (n & (n - 1)) == 0)
		*v = xreallocarray(*v, n == 0 ? 1 : n * 2, size);
	memset(*v + n * size, 0, size);
	return *v + n * size;
}

/*
 * Lines.
 */

/* Length of the UTF-8 sequence at s, or 0 if it is invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t		len, i;
	uint32_t	cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Refuses control characters and invalid UTF-8 anywhere in a line. */
static int
line_check(struct pctx *p, struct str s)
{
	const unsigned char	*u = (const unsigned char *)s.p;
	size_t			 i = 0, n;

	while (i < s.len) {
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return perr(p, p->line, ERR_CONFIG,
			    "control character (byte %zu)", i + 1);
		if ((n = utf8_len(u + i, s.len - i)) == 0)
			return perr(p, p->line, ERR_CONFIG,
			    "invalid UTF-8 (byte %zu)", i + 1);
		i += n;
	}
	return 0;
}

/* The next line without its terminator (LF or CRLF): 1, or 0 at the end
 * or after a limit. */
static int
next_line(struct pctx *p, struct str *line_out)
{
	const char	*nl;
	struct str	 s;

	while (!p->stop && p->pos < p->len) {
		s.p = p->text + p->pos;
		nl = memchr(s.p, '\n', p->len - p->pos);
		s.len = nl != NULL ? (size_t)(nl - s.p) : p->len - p->pos;
		p->pos += s.len + (nl != NULL);
		p->line++;
		if (s.len > 0 && s.p[s.len - 1] == '\r')
			s.len--;
		if (s.len > CONFIG_MAX_LINE) {
			perr(p, p->line, ERR_LIMIT,
			    "line too long (limit %d bytes)", CONFIG_MAX_LINE);
			return 0;
		}
		if (line_check(p, s) == -1)
			continue;
		*line_out = s;
		return 1;
	}
	return 0;
}

static int
is_comment(struct str s)
{
	return s.len > 0 && (s.p[0] == ';' || s.p[0] == '#');
}

/* The part of an unquoted value before any inline comment, trimmed. */
static struct str
cut_comment(struct str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == ';' || s.p[i] == '#') {
			s.len = i;
			break;
		}
	return str_trim(s);
}

/*
 * Sections.
 */

void
config_apply_defaults(struct pctx *p, enum sect_kind kind, void *obj)
{
	int	nerr = p->nerr;

	for (size_t i = 0; i < config_nkeys; i++) {
		const struct key_def	*k = &config_keys[i];
		void			*field = (char *)obj + k->off;
		struct str		 v, item;

		if (k->sect != kind)
			continue;
		k->type->clear(field);
		if (k->def == NULL)
			continue;
		v = str_cstr(k->def);
		if (!k->type->list) {
			k->type->parse(p, k, field, v);
			continue;
		}
		while (v.len > 0) {
			const char *c = memchr(v.p, ',', v.len);

			item = str_make(v.p, c ? (size_t)(c - v.p) : v.len);
			v = str_skip(v, item.len + (c != NULL));
			k->type->parse(p, k, field, str_trim(item));
		}
		if (k->type->done != NULL)
			k->type->done(p, k, field);
	}
	/* The defaults are ours: one that does not parse is a bug. */
	RT_ASSERT(p->nerr == nerr);
}

int
config_seen_line(struct pctx *p, enum sect_kind kind, const char *name)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (config_keys[i].sect == kind &&
		    strcmp(config_keys[i].name, name) == 0)
			return p->seen[i];
	return 0;
}

void
config_clear_keys(enum sect_kind kind, void *obj)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (config_keys[i].sect == kind)
			config_keys[i].type->clear((char *)obj +
			    config_keys[i].off);
}

/* Runs the checks of the open section once its last line was read. */
static void
section_close(struct pctx *p)
{
	if (p->sect == NULL)
		return;
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct key_def	*k = &config_keys[i];

		if (k->sect == p->kind && k->required && p->seen[i] == 0)
			perr(p, p->sect_line, ERR_CONFIG,
			    "missing key \"%s\" in %s", k->name, p->label);
	}
	/* Whole-section checks would only echo an error inside it. */
	if (p->sect->check != NULL && p->nerr == p->sect_nerr)
		p->sect->check(p, p->obj);
	p->sect = NULL;
}

/* Finds the object a header opens, or reports why there is none. */
static void *
section_object(struct pctx *p, enum sect_kind kind, struct str name,
    int named)
{
	struct config		*cfg = p->cfg;
	struct config_schedule	*sc;
	struct config_team	*t;
	struct config_agent	*a;
	int			*first = NULL;
	char			 sh[SHOW_MAX];

	switch (kind) {
	case SECT_ORG:
	case SECT_RULES:
		first = kind == SECT_ORG ? &p->org_line : &p->rules_line;
		if (*first != 0)
			goto dup;
		*first = p->line;
		return kind == SECT_ORG ? (void *)&cfg->org :
		    (void *)&cfg->rules;
	case SECT_HOURS:
		if (!named) {
			if (cfg->hours != NULL) {
				first = &cfg->hours->line;
				goto dup;
			}
			cfg->hours = sc = xcalloc(1, sizeof(*sc));
		} else {
			sc = vec_push(&cfg->schedules, cfg->nschedules++,
			    sizeof(*sc));
			sc->name = xstrndup(name.p, name.len);
		}
		sc->line = p->line;
		return sc;
	case SECT_TEAM:
		t = vec_push(&cfg->teams, cfg->nteams++, sizeof(*t));
		t->name = xstrndup(name.p, name.len);
		t->line = p->line;
		return t;
	case SECT_AGENT:
		if (!config_valid_addr(name)) {
			perr(p, p->line, ERR_CONFIG,
			    "invalid address \"%s\" in [agent]",
			    show(name, sh));
			return NULL;
		}
		a = vec_push(&p->asect, p->nasect++, sizeof(*a));
		a->addr = config_lower_dup(name);
		a->line = p->line;
		return a;
	default:
		RT_ASSERT(0);
	}
	return NULL;
dup:
	perr(p, p->line, ERR_CONFIG, "duplicate section [%s] (first on line "
	    "%d)", config_sects[kind].name, *first);
	return NULL;
}

static size_t
skip_blanks(struct str s, size_t i)
{
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	return i;
}

/*
 * Splits a header: '[' kind [ '"' name '"' ] ']', blanks allowed between
 * the parts, then nothing but a comment.  *name_out is STR_NULL when the
 * header has no name.
 */
static int
header_scan(struct pctx *p, struct str s, struct str *kind_out,
    struct str *name_out)
{
	const char	*q;
	struct str	 rest;
	size_t		 i, j;

	*name_out = STR_NULL;
	i = skip_blanks(s, 1);
	for (j = i; j < s.len && ((s.p[j] >= 'a' && s.p[j] <= 'z') ||
	    (s.p[j] >= 'A' && s.p[j] <= 'Z') || s.p[j] == '_'); j++)
		;
	*kind_out = str_make(s.p + i, j - i);
	i = skip_blanks(s, j);
	if (i < s.len && s.p[i] == '"') {
		if ((q = memchr(s.p + i + 1, '"', s.len - i - 1)) == NULL)
			return perr(p, p->line, ERR_CONFIG,
			    "unterminated name in section header");
		/* Never NULL, even when empty: the header has a name. */
		*name_out = str_make(s.p + i + 1, (size_t)(q - s.p) - i - 1);
		i = skip_blanks(s, (size_t)(q - s.p) + 1);
	}
	rest = str_trim(str_skip(s, i + 1));
	if (kind_out->len == 0 || i >= s.len || s.p[i] != ']' ||
	    (rest.len > 0 && !is_comment(rest)))
		return perr(p, p->line, ERR_CONFIG,
		    "malformed section header");
	return 0;
}

/* Opens the section of header line s, or skips to the next header. */
static void
section_open(struct pctx *p, struct str s)
{
	const struct sect_def	*sd;
	struct str		 kw, name;
	int			 named, kind;
	char			 sh[SHOW_MAX];

	section_close(p);
	p->skipping = 1;
	if (++p->nsections > CONFIG_MAX_SECTIONS) {
		perr(p, p->line, ERR_LIMIT, "too many sections (limit %d)",
		    CONFIG_MAX_SECTIONS);
		return;
	}
	if (header_scan(p, s, &kw, &name) == -1)
		return;
	named = name.p != NULL;
	for (kind = 0; kind < SECT_COUNT; kind++)
		if (str_eq_ci(kw, str_cstr(config_sects[kind].name)))
			break;
	if (kind == SECT_COUNT) {
		perr(p, p->line, ERR_CONFIG, "unknown section [%s]",
		    show(kw, sh));
		return;
	}
	sd = &config_sects[kind];
	if (named && sd->naming == NAME_NONE) {
		perr(p, p->line, ERR_CONFIG, "[%s] takes no name", sd->name);
		return;
	}
	if (!named && sd->naming == NAME_REQUIRED) {
		perr(p, p->line, ERR_CONFIG, "[%s] needs a name: [%s \"%s\"]",
		    sd->name, sd->name, kind == SECT_AGENT ? "address" :
		    "name");
		return;
	}
	if (named && kind != SECT_AGENT &&
	    !config_valid_name(name, CONFIG_MAX_NAME)) {
		perr(p, p->line, ERR_CONFIG, "invalid name \"%s\" in [%s]: "
		    "1 to %d bytes, no '\"', no blanks at either end",
		    show(name, sh), sd->name, CONFIG_MAX_NAME);
		return;
	}
	if ((p->obj = section_object(p, kind, name, named)) == NULL)
		return;
	p->sect = sd;
	p->kind = kind;
	p->sect_line = p->line;
	p->sect_nerr = p->nerr;
	p->skipping = 0;
	memset(p->seen, 0, config_nkeys * sizeof(*p->seen));
	if (kind == SECT_AGENT)
		name = str_cstr(((struct config_agent *)p->obj)->addr);
	if (named)
		snprintf(p->label, sizeof(p->label), "[%s \"%s\"]", sd->name,
		    show(name, sh));
	else
		snprintf(p->label, sizeof(p->label), "[%s]", sd->name);
	config_apply_defaults(p, kind, p->obj);
}

/*
 * Keys and values.
 */

static const struct key_def *
key_find(struct pctx *p, struct str name, size_t *idx_out)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (config_keys[i].sect == p->kind &&
		    str_eq_ci(name, str_cstr(config_keys[i].name))) {
			*idx_out = i;
			return &config_keys[i];
		}
	return NULL;
}

/* Feeds one line's worth of list items to k; sets *more when the line
 * ends with ',' (the list goes on).  field NULL: check nothing, discard. */
static void
list_segment(struct pctx *p, const struct key_def *k, void *field,
    struct str v, size_t *count, int *more)
{
	size_t	max = k->max_items ? k->max_items : CONFIG_MAX_ITEMS;

	*more = v.len > 0 && v.p[v.len - 1] == ',';
	if (*more)
		v.len--;
	if (*more && str_trim(v).len == 0) {
		*more = 0;
		perr(p, p->line, ERR_CONFIG, "empty item in %s", k->name);
		return;
	}
	while (v.len > 0 && field != NULL && !p->stop) {
		const char	*c = memchr(v.p, ',', v.len);
		struct str	 item;

		item = str_make(v.p, c ? (size_t)(c - v.p) : v.len);
		v = str_skip(v, item.len + (c != NULL));
		item = str_trim(item);
		if (item.len == 0 || (c != NULL && str_trim(v).len == 0)) {
			perr(p, p->line, ERR_CONFIG, "empty item in %s",
			    k->name);
			return;
		}
		if (++*count > max) {
			perr(p, p->line, k->max_items ? ERR_CONFIG : ERR_LIMIT,
			    "too many items in %s (limit %zu)", k->name, max);
			return;
		}
		k->type->parse(p, k, field, item);
	}
}

/* Reads a list value from its first line on.  field NULL: discard. */
static void
list_value(struct pctx *p, const struct key_def *k, void *field,
    struct str v)
{
	struct str	line;
	size_t		count = 0;
	int		more, nerr = p->nerr;

	list_segment(p, k, field, v, &count, &more);
	while (more && !p->stop) {
		if (!next_line(p, &line)) {
			perr(p, p->line, ERR_CONFIG, "list %s ends with ','",
			    k->name);
			break;
		}
		line = str_trim(line);
		if (is_comment(line))
			continue;
		if (line.len == 0 || line.p[0] == '[') {
			perr(p, p->line, ERR_CONFIG, "list %s ends with ','",
			    k->name);
			if (line.len > 0)
				section_open(p, line);
			return;
		}
		list_segment(p, k, field, cut_comment(line), &count, &more);
	}
	if (field != NULL && k->type->done != NULL && p->nerr == nerr)
		k->type->done(p, k, field);
}

/* The value after '=': quoted (scalars only) or up to a comment. */
static int
scalar_value(struct pctx *p, struct str v, struct str *out)
{
	const char	*q;
	struct str	 rest;

	v = str_trim(v);
	if (v.len == 0 || v.p[0] != '"') {
		*out = cut_comment(v);
		return 0;
	}
	if ((q = memchr(v.p + 1, '"', v.len - 1)) == NULL)
		return perr(p, p->line, ERR_CONFIG, "unterminated quoted value");
	*out = str_make(v.p + 1, (size_t)(q - v.p) - 1);
	rest = str_trim(str_skip(v, (size_t)(q - v.p) + 1));
	if (rest.len > 0 && !is_comment(rest))
		return perr(p, p->line, ERR_CONFIG,
		    "text after quoted value");
	return 0;
}

static void
key_line(struct pctx *p, struct str s)
{
	const struct key_def	*k;
	const char		*eq;
	struct str		 name, v;
	void			*field;
	size_t			 i = 0;
	char			 sh[SHOW_MAX];

	if ((eq = memchr(s.p, '=', s.len)) == NULL) {
		perr(p, p->line, ERR_CONFIG, "expected key = value");
		return;
	}
	name = str_trim(str_make(s.p, (size_t)(eq - s.p)));
	v = str_trim(str_skip(s, (size_t)(eq - s.p) + 1));
	if (p->skipping)
		return;
	if (p->sect == NULL) {
		perr(p, p->line, ERR_CONFIG, "key outside any section");
		return;
	}
	if ((k = key_find(p, name, &i)) == NULL) {
		perr(p, p->line, ERR_CONFIG, "unknown key \"%s\" in %s",
		    show(name, sh), p->label);
		return;
	}
	p->key_line = p->line;
	field = (char *)p->obj + k->off;
	if (p->seen[i] != 0) {
		perr(p, p->line, ERR_CONFIG, "duplicate key \"%s\" in %s "
		    "(first on line %d)", k->name, p->label, p->seen[i]);
		field = NULL;
	} else
		p->seen[i] = p->line;
	if (k->type->list) {
		if (field != NULL)
			k->type->clear(field);
		list_value(p, k, field, cut_comment(v));
		return;
	}
	if (field != NULL && scalar_value(p, v, &v) == 0)
		k->type->parse(p, k, field, v);
}

/*
 * Entry points.
 */

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	config_clear_keys(SECT_ORG, &cfg->org);
	config_clear_keys(SECT_RULES, &cfg->rules);
	if (cfg->hours != NULL)
		config_clear_keys(SECT_HOURS, cfg->hours);
	free(cfg->hours);
	for (size_t i = 0; i < cfg->nschedules; i++) {
		config_clear_keys(SECT_HOURS, &cfg->schedules[i]);
		free(cfg->schedules[i].name);
	}
	free(cfg->schedules);
	for (size_t i = 0; i < cfg->nteams; i++) {
		config_clear_keys(SECT_TEAM, &cfg->teams[i]);
		free(cfg->teams[i].name);
		free(cfg->teams[i].member_agent);
	}
	free(cfg->teams);
	for (size_t i = 0; i < cfg->nagents; i++) {
		config_clear_keys(SECT_AGENT, &cfg->agents[i]);
		free(cfg->agents[i].addr);
		free(cfg->agents[i].teams);
	}
	free(cfg->agents);
	config_index_free(cfg->index);
	free(cfg);
}

int
config_parse_diag(const char *text, size_t len, const char *filename,
    struct config **cfg_out, struct buf *diag, struct err *err)
{
	struct pctx	 p;
	struct str	 line;
	int		 rc = -1;

	memset(&p, 0, sizeof(p));
	p.file = filename != NULL ? filename : "config";
	p.text = text;
	p.len = len;
	p.diag = diag;
	if (len > CONFIG_MAX_BYTES) {
		perr(&p, 0, ERR_LIMIT, "file too large (limit %d bytes)",
		    CONFIG_MAX_BYTES);
		goto out;
	}
	/* A UTF-8 byte order mark, as some Windows editors write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p.pos = 3;
	p.cfg = xcalloc(1, sizeof(*p.cfg));
	p.seen = xcalloc(config_nkeys, sizeof(*p.seen));
	config_apply_defaults(&p, SECT_ORG, &p.cfg->org);
	config_apply_defaults(&p, SECT_RULES, &p.cfg->rules);

	while (next_line(&p, &line)) {
		line = str_trim(line);
		if (line.len == 0 || is_comment(line))
			continue;
		if (line.p[0] == '[')
			section_open(&p, line);
		else
			key_line(&p, line);
	}
	if (!p.stop) {
		section_close(&p);
		config_link(&p);
	}
	if (p.nerr == 0) {
		*cfg_out = p.cfg;
		p.cfg = NULL;
		rc = 0;
	}
out:
	if (p.nerr > 1)
		err_set(err, p.first_code, "%s (and %d more error%s)",
		    p.first_msg, p.nerr - 1, p.nerr > 2 ? "s" : "");
	else if (p.nerr == 1)
		err_set(err, p.first_code, "%s", p.first_msg);
	for (size_t i = 0; i < p.nasect; i++) {
		config_clear_keys(SECT_AGENT, &p.asect[i]);
		free(p.asect[i].addr);
	}
	free(p.asect);
	free(p.seen);
	config_free(p.cfg);
	return rc;
}

int
config_parse(const char *text, size_t len, const char *filename,
    struct config **cfg_out, struct err *err)
{
	return config_parse_diag(text, len, filename, cfg_out, NULL, err);
}

int
config_load_diag(const char *path, struct config **cfg_out,
    struct buf *diag, struct err *err)
{
	struct stat	 st;
	char		*text = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set_errno(err, ERR_IO, "%s", path);
	if (fstat(fd, &st) == -1) {
		err_set_errno(err, ERR_IO, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	/* One byte past the limit tells a file that is too large. */
	text = xmalloc(CONFIG_MAX_BYTES + 1);
	while (len <= CONFIG_MAX_BYTES) {
		n = read(fd, text + len, CONFIG_MAX_BYTES + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set_errno(err, ERR_IO, "%s", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = config_parse_diag(text, len, path, cfg_out, diag, err);
out:
	free(text);
	close(fd);
	return rc;
}

int
config_load(const char *path, struct config **cfg_out, struct err *err)
{
	return config_load_diag(path, cfg_out, NULL, err);
}

struct config *
config_default(void)
{
	struct config	*cfg = NULL;
	struct err	 err;

	if (config_parse("", 0, "default", &cfg, &err) == -1)
		rt_fatal("default configuration: %s", err.msg);
	return cfg;
}
