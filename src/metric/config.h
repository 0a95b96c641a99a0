/*
 * config.h: the configuration of metrics spec section 11, typed.
 *
 * A configuration file is INI: "[section]" or "[section "name"]" headers,
 * "key = value" lines, comments from ';' or '#' to the end of the line,
 * comma-separated lists.  config_parse() turns the bytes into a struct
 * config in which every setting has its final type (enums, seconds,
 * minutes after midnight, day numbers, lower-cased addresses) and every
 * cross-reference is resolved, so the metric code never looks at a string
 * key.  Every key of every section is one row of a single table (in
 * config.c); the parser, config_print() and the reference in
 * docs/configuration.md (config_doc()) all derive from that table.
 *
 * The model:
 *  - [organization] and [rules] always exist; absent keys take defaults.
 *  - A schedule ([hours] is the default one, [hours "x"] a named one) is
 *    a time zone, open windows per weekday, holidays and partial days.
 *    Without any [hours] section business time equals calendar time.
 *  - [team "name"] lists its members; every member address is an agent.
 *    [agent "address"] adds aliases, leave and a schedule to an agent and
 *    must name a member of some team.
 *  - Agents are numbered in group order (metrics spec section 12): in
 *    order of first appearance in the teams' member lists, teams taken in
 *    configuration order.
 *
 * Ownership: config_parse(), config_load() and config_default() return a
 * struct config the caller frees with config_free().  Every pointer inside
 * it is owned by the config (or borrowed from it, where marked) and lives
 * until config_free().  A config is never modified after it is returned,
 * so it may be shared read-only between threads.
 *
 * Errors: nothing is returned on failure.  Every problem is reported as
 * "file:line: problem"; struct err holds the first one (followed by
 * " (and N more errors)" when there were several) and the _diag variants
 * also append every message, one per line, to a caller's buffer.
 */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/str.h"

struct tz;		/* tz.h */

/* Limits on untrusted input; passing one is an ERR_LIMIT error. */
#define CONFIG_MAX_BYTES	(1024 * 1024)	/* whole file */
#define CONFIG_MAX_LINE		4096		/* bytes per line */
#define CONFIG_MAX_SECTIONS	10000
#define CONFIG_MAX_ITEMS	10000		/* items per list */
#define CONFIG_MAX_NAME		128		/* section names, bytes */
#define CONFIG_MAX_ERRORS	50		/* reported before giving up */

enum config_time_source {
	CONFIG_TIME_DATE,		/* the Date field */
	CONFIG_TIME_RECEIVED,		/* the top-most Received, then Date */
};

enum config_clock_start {
	CONFIG_CLOCK_PARENT,
	CONFIG_CLOCK_OLDEST_UNANSWERED,
};

enum config_visibility {
	CONFIG_VIS_ADDRESSED,
	CONFIG_VIS_ALL,
};

/* Weekday indices of struct config_schedule.week: ISO order. */
enum config_weekday {
	CONFIG_MON, CONFIG_TUE, CONFIG_WED, CONFIG_THU, CONFIG_FRI,
	CONFIG_SAT, CONFIG_SUN,
};

struct config_strs {
	char		**v;		/* owned, each owned */
	size_t		  n;
};

struct config_secs {
	int64_t		 *v;		/* owned */
	size_t		  n;
};

/*
 * An open window in local time, in minutes after midnight of the day it
 * starts on.  start is 0-1439, end 1-1440, start != end.  end < start:
 * the window runs past midnight and closes at end on the next day.
 */
struct config_window {
	int		 start;
	int		 end;
};

/* Sorted by start, never overlapping (overnight ends counted). */
struct config_windows {
	struct config_window	*v;	/* owned */
	size_t			 n;
};

/* Dates are day numbers: days since 1970-01-01 (proleptic Gregorian). */
struct config_days {
	int32_t		 *v;		/* owned; sorted, no duplicates */
	size_t		  n;
};

/* A partial day: on this date its own windows replace the weekday's. */
struct config_partial {
	int32_t			 day;
	struct config_windows	 windows;
};

struct config_partials {
	struct config_partial	*v;	/* owned; sorted by day, unique */
	size_t			 n;
};

/* Inclusive day range; a single date has first == last. */
struct config_range {
	int32_t		 first;
	int32_t		 last;
};

struct config_ranges {
	struct config_range	*v;	/* owned; sorted, disjoint */
	size_t			 n;
};

struct config_org {
	char			*name;		/* owned; may be "" */
	struct config_strs	 internal_domains;	/* lower case */
};

struct config_rules {
	enum config_time_source	 time_source;
	enum config_clock_start	 clock_start;
	int			 exclude_internal;	/* 0 or 1 */
	int			 exclude_lists;		/* 0 or 1 */
	enum config_visibility	 visibility;
	int			 count_cc;		/* 0 or 1 */
	int64_t			 outlier_cap;	/* seconds; 0: no cap */
	struct config_secs	 sla_targets;	/* seconds, ascending */
};

/* A time zone: its IANA name and the zone loaded by tz_load(). */
struct config_zone {
	char			*name;		/* owned */
	struct tz		*tz;		/* owned */
};

struct config_schedule {
	char			*name;		/* owned; NULL: default [hours] */
	struct config_zone	 timezone;
	struct config_windows	 week[7];	/* enum config_weekday */
	struct config_days	 holidays;
	struct config_partials	 partial;	/* no day is also a holiday */
	int			 line;		/* of the section header */
};

struct config_team {
	char			*name;		/* owned */
	struct config_strs	 members;	/* lower case, file order */
	size_t			*member_agent;	/* owned: agent of members.v[i] */
	char			*hours_name;	/* owned; NULL: not set */
	const struct config_schedule *hours;	/* borrowed; NULL: not set */
	int			 line;		/* of the section header */
};

struct config_agent {
	char			*addr;		/* owned, lower case */
	struct config_strs	 aliases;	/* lower case */
	struct config_ranges	 leave;
	char			*hours_name;	/* owned; NULL: not set */
	const struct config_schedule *hours;	/* borrowed; NULL: not set */
	size_t			*teams;		/* owned: team indices, */
	size_t			 nteams;	/* in configuration order */
	int			 line;		/* of [agent]; 0: none given */
};

struct config_index;

struct config {
	struct config_org	 org;
	struct config_rules	 rules;
	struct config_schedule	*hours;		/* owned; NULL: no [hours] */
	struct config_schedule	*schedules;	/* owned: [hours "x"], */
	size_t			 nschedules;	/* configuration order */
	struct config_team	*teams;		/* owned: configuration order */
	size_t			 nteams;
	struct config_agent	*agents;	/* owned: group order */
	size_t			 nagents;
	struct config_index	*index;		/* owned: private */
};

/*
 * Parses len bytes of text (a leading UTF-8 BOM is skipped).  The only
 * I/O is tz_load() reading the time zones the text names, so that an
 * unknown zone is a configuration error.  filename only names the input in
 * messages.  Returns 0 and a new config
 * in *cfg_out, or -1 with err set (ERR_CONFIG, or ERR_LIMIT for a limit)
 * and *cfg_out untouched.  The _diag form also appends every error
 * message, each ending in '\n', to diag when diag is not NULL.
 */
int	config_parse(const char *text, size_t len, const char *filename,
	    struct config **cfg_out, struct err *err);
int	config_parse_diag(const char *text, size_t len, const char *filename,
	    struct config **cfg_out, struct buf *diag, struct err *err);

/* Reads path (at most CONFIG_MAX_BYTES) and parses it; ERR_IO if the
 * file cannot be read. */
int	config_load(const char *path, struct config **cfg_out,
	    struct err *err);
int	config_load_diag(const char *path, struct config **cfg_out,
	    struct buf *diag, struct err *err);

/* Every default: no teams, no internal domains, no schedules.  Never
 * fails. */
struct config	*config_default(void);
void		 config_free(struct config *cfg);

/*
 * Appends the effective configuration to out in the same INI syntax, with
 * every default written out, in a canonical form: parsing the output gives
 * a configuration that prints the same bytes.  Sections come in this
 * order: organization, rules, the default hours, named hours, teams (all
 * in configuration order), agents in group order.
 */
void	config_print(const struct config *cfg, struct buf *out);

/* Appends the Markdown reference of every section and key, generated from
 * the key table (docs/configuration.md embeds it). */
void	config_doc(struct buf *out);

/*
 * Finds the agent whose address or alias is addr (compared without regard
 * to ASCII case).  Returns 0 and the agent's index in *idx_out, or -1.
 */
int	config_agent_find(const struct config *cfg, struct str addr,
	    size_t *idx_out);

/* 1 if domain is an internal domain or a subdomain of one (ASCII case
 * ignored), else 0.  Agents are internal too: see config_agent_find(). */
int	config_domain_internal(const struct config *cfg, struct str domain);

/*
 * The schedule of metrics spec section 9 for an agent's samples (its own,
 * else its first team's, else the default) and for a team's (its own,
 * else the default).  NULL: business time equals calendar time.  Borrowed
 * from cfg.
 */
const struct config_schedule *config_agent_schedule(const struct config *cfg,
	    size_t agent);
const struct config_schedule *config_team_schedule(const struct config *cfg,
	    size_t team);

/* "YYYY-MM-DD" of a day number into out (at least 11 bytes). */
void	config_day_format(int32_t day, char out[static 11]);

#endif
