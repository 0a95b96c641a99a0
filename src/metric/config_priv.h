/*
 * config_priv.h: the key table and parser state shared by config*.c.
 *
 * Not for use outside src/metric/config*.c.  The configuration language is
 * data: a table of sections (sect_defs) and one of keys (key_defs), each
 * key naming its section, its value type, where its value lives (an
 * offset into the section's struct), its default (as text in the file's
 * own syntax, parsed by the same code as the file) and its help text.  A
 * type (type_def) knows how to parse a value, check it once complete,
 * print it back and free it.
 *
 * The files:
 *	config.c	the line reader, sections, keys and the tables
 *	config_value.c	value types: text, words, numbers, addresses
 *	config_time.c	value types: zones, windows, dates, ranges
 *	config_link.c	cross-references: agents, aliases, schedules
 *	config_print.c	config_print() and config_doc()
 */
#ifndef RT_CONFIG_PRIV_H
#define RT_CONFIG_PRIV_H

#include "config.h"

enum sect_kind {
	SECT_ORG,
	SECT_RULES,
	SECT_HOURS,
	SECT_TEAM,
	SECT_AGENT,
	SECT_COUNT,
};

enum sect_naming {
	NAME_NONE,		/* [rules] */
	NAME_OPTIONAL,		/* [hours] or [hours "x"] */
	NAME_REQUIRED,		/* [team "x"] */
};

struct pctx;
struct key_def;
struct vout;

struct sect_def {
	const char	*name;
	enum sect_naming naming;
	const char	*help;		/* Markdown, for config_doc() */
	/* Checks a whole section once its last line was read; may be NULL. */
	void		(*check)(struct pctx *p, void *obj);
};

struct type_def {
	const char	*doc;		/* "duration", "list of dates", ... */
	int		 list;		/* comma-separated, may continue */
	/*
	 * Scalars get the whole value (quotes removed), lists one item at a
	 * time (trimmed, never empty).  Errors name p->line.  Return 0 or
	 * -1 after perr().
	 */
	int		(*parse)(struct pctx *p, const struct key_def *k,
			    void *field, struct str v);
	/* Lists: checks the complete list (sorting, duplicates); errors
	 * name p->key_line.  May be NULL. */
	int		(*done)(struct pctx *p, const struct key_def *k,
			    void *field);
	/* Writes the value through vout_item(). */
	void		(*print)(struct vout *o, const struct key_def *k,
			    const void *field);
	/* Frees the value and leaves the field empty (zeroed). */
	void		(*clear)(void *field);
};

struct key_def {
	enum sect_kind		 sect;
	const char		*name;
	const struct type_def	*type;
	size_t			 off;	/* into the section's struct */
	const char		*def;	/* default in file syntax; NULL: none */
	int			 required;
	const char *const	*choices;	/* enums: NULL-terminated */
	int64_t			 min, max;	/* durations, seconds */
	size_t			 max_items;	/* lists; 0: CONFIG_MAX_ITEMS */
	const char		*help;
};

extern const struct sect_def	config_sects[SECT_COUNT];
extern const struct key_def	config_keys[];
extern const size_t		config_nkeys;

extern const struct type_def	type_string, type_enum, type_bool,
    type_duration, type_durations, type_domains, type_addrs, type_timezone,
    type_windows, type_dates, type_partial, type_ranges, type_hoursref;

/* The parser's state (config.c). */
struct pctx {
	const char		*file;
	const char		*text;
	size_t			 len, pos;
	struct config		*cfg;
	int			 line;		/* current line, from 1 */
	int			 key_line;	/* line of the current key */

	struct buf		*diag;		/* borrowed; may be NULL */
	int			 nerr;
	int			 stop;		/* a limit was hit: give up */
	enum err_code		 first_code;
	char			 first_msg[sizeof(((struct err *)0)->msg)];

	/* The open section; sect NULL outside any or after a bad header. */
	const struct sect_def	*sect;
	enum sect_kind		 kind;
	void			*obj;
	int			 sect_line;
	int			 sect_nerr;	/* errors before it opened */
	int			 skipping;	/* ignore keys until next [ */
	char			 label[CONFIG_MAX_NAME + 40];
	int			*seen;		/* line per config_keys[i] */
	size_t			 nsections;
	int			 org_line, rules_line;

	/* [agent] sections, joined to the agents by config_link(). */
	struct config_agent	*asect;
	size_t			 nasect;
};

/* Records "file:line: message" (line 0: "file: message").  Returns -1. */
int	perr(struct pctx *p, int line, enum err_code code, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));

/* Up to 48 printable bytes of s for a message, marked when cut. */
#define SHOW_MAX	56
const char	*show(struct str s, char out[static SHOW_MAX]);

/* Appends one element of size bytes to the array *vp holding n; the
 * capacity is implicit (the next power of two).  Returns the new slot,
 * zeroed. */
void	*vec_push(void *vp, size_t n, size_t size);

/* Applies the defaults of every key of section kind to obj. */
void	 config_apply_defaults(struct pctx *p, enum sect_kind kind,
	    void *obj);
/* Frees every keyed field of obj (a struct of section kind). */
void	 config_clear_keys(enum sect_kind kind, void *obj);

/* The line where key name of the open section (of kind) was set; 0. */
int	 config_seen_line(struct pctx *p, enum sect_kind kind,
	    const char *name);

/* config_value.c */
int	 config_valid_name(struct str s, size_t max);
int	 config_valid_addr(struct str s);
char	*config_lower_dup(struct str s);
void	 config_team_check(struct pctx *p, void *obj);

/* config_time.c */
void	 config_sched_check(struct pctx *p, void *obj);

/* config_link.c: resolves agents, aliases and schedules after the last
 * line; errors name section header lines. */
void	 config_link(struct pctx *p);
void	 config_index_free(struct config_index *ix);

/* config_print.c */
struct vout {
	struct buf	*b;
	size_t		 col;		/* bytes on the current line */
	size_t		 items;
};
void	 vout_item(struct vout *o, const char *s);

#endif
