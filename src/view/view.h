/*
 * view.h: the analytics of the web dashboard (issue 5), as a library with
 * no HTTP in it: a per-tenant snapshot of every fact the engine found,
 * queries over any period, and pages rendered as HTML fragments or JSON.
 * docs/dashboard.md describes the pages, the URL scheme and every query
 * parameter.
 *
 * Numbers.  A snapshot is built by one engine run over the tenant's whole
 * history under its stored settings (engine_run_sink, engine_facts.h);
 * every figure for a period is then counted or selected from those facts,
 * exactly: view_report() for [from, to) at now equals engine_run() with
 * the same options, field for field (tests/unit/test_view.c checks it).
 *
 * Lifecycle and threads.  A struct view_cache holds the current snapshot
 * of one tenant.  view_acquire() hands out the snapshot for a generation
 * (a number the caller bumps when settings change or mail is imported):
 * if the held snapshot is of another generation, the calling thread
 * builds a new one while other threads keep using the old one; only when
 * there is none yet do they wait for the first build.  Snapshots are
 * immutable and reference counted: any number of threads may render from
 * one at once, and the last view_release() frees it.  The cache's mutex
 * is held only to swap pointers and counts, never during a build or a
 * render.
 *
 * Privacy.  A snapshot holds decrypted display data (sender addresses,
 * subjects, customer domains) in memory for the pages; nothing of it is
 * written anywhere, and error messages never contain it.
 *
 * Returns.  0 on success, VIEW_NOT_FOUND (1) when the thing asked for
 * does not exist for this tenant or is outside the caller's scope (a
 * conversation id of another tenant, a group an agent may not see: the
 * two are not told apart), -1 with err set otherwise (ERR_USAGE: the
 * query cannot be answered, e.g. a period out of range).
 *
 * Ownership.  Strings passed in are borrowed for the call.  Renderers
 * append to the caller's buffer (whose ceiling the caller checks).
 */
#ifndef RT_VIEW_H
#define RT_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../metric/engine.h"

#define VIEW_NOT_FOUND		1

#define VIEW_VALUE_MAX		320	/* bytes of one query value */
#define VIEW_DAYS_MAX		3700	/* days in a period */
#define VIEW_LIMIT_DEFAULT	100	/* rows of a list page */
#define VIEW_LIMIT_MAX		1000
#define VIEW_OFFSET_MAX		10000000

struct view_cache;
struct view_snap;

/* ---- Lifecycle ---------------------------------------------------------- */

/*
 * A cache for tenant of the database db with the master key key_file
 * (NULL: as archive_open() finds it).  Nothing is read until the first
 * view_acquire().  The strings are copied.
 */
struct view_cache *view_cache_new(const char *db, const char *key_file,
		    const char *tenant);
/* No snapshot of it may still be acquired. */
void		 view_cache_free(struct view_cache *c);

/*
 * The snapshot for generation: the held one if it is of that generation,
 * else a new one built now (see Lifecycle above).  Returns 0 and a
 * snapshot the caller must view_release(), or -1 (err) when the tenant
 * cannot be read (its settings missing, a wrong key, ...).
 */
int		 view_acquire(struct view_cache *c, uint64_t generation,
		    const struct view_snap **out, struct err *err);
void		 view_release(const struct view_snap *s);

/* Builds a snapshot directly (tests, the view command); release it with
 * view_release(). */
int		 view_snap_load(const char *db, const char *key_file,
		    const char *tenant, const struct view_snap **out,
		    struct err *err);
/* Bytes held by a snapshot, and its numbers of messages and conversations. */
size_t		 view_snap_bytes(const struct view_snap *s);
uint32_t	 view_snap_messages(const struct view_snap *s);
uint32_t	 view_snap_conversations(const struct view_snap *s);

/* ---- Scope and query ------------------------------------------------------ */

/*
 * Who asks.  all: a manager or above sees every group.  Else agent (an
 * address, compared without regard to case) sees its own group and the
 * teams it belongs to; an address that is no agent sees nothing
 * (VIEW_NOT_FOUND).
 */
struct view_scope {
	int		 all;
	const char	*agent;
};

enum view_gran { VIEW_GRAN_AUTO, VIEW_GRAN_DAY, VIEW_GRAN_WEEK };
enum view_metric {
	VIEW_M_REPLIES, VIEW_M_FIRST_REPLY, VIEW_M_AWAITING,
	VIEW_M_RECEIVED, VIEW_M_SENT,
};
enum view_clock { VIEW_CLOCK_CALENDAR, VIEW_CLOCK_BUSINESS };

/* One request's parameters; see docs/dashboard.md.  Days are local dates
 * in the tenant's time zone, as days since 1970-01-01. */
struct view_query {
	int		 has_from, has_to;
	int64_t		 from_day, to_day;	/* inclusive */
	enum view_gran	 gran;
	char		 group[VIEW_VALUE_MAX + 1];	/* "" : the default */
	enum view_metric metric;
	enum view_clock	 clock;
	int		 has_gt, has_le;
	int64_t		 gt, le;		/* value filter, seconds */
	char		 domain[VIEW_VALUE_MAX + 1];	/* "" : any */
	int		 wday, hour;		/* -1: any; wday 1 = Monday */
	char		 sort[32];		/* "" : the page's default */
	int		 desc;			/* dir=desc */
	int		 has_dir;
	int64_t		 offset, limit;
	int64_t		 id;			/* conversation; 0: none */
	int64_t		 now;			/* set by the caller, not a
						 * parameter; 0: the clock */
};

void	view_query_init(struct view_query *q);
/*
 * Sets the parameter name (a URL query parameter) from value.  Returns 0,
 * or -1 with err (ERR_USAGE) naming the parameter and the problem for an
 * unknown name or a bad value; value is never quoted back.
 */
int	view_query_parse(const char *name, const char *value,
	    struct view_query *q, struct err *err);

/* ---- Pages ---------------------------------------------------------------- */

/*
 * Each page as an HTML fragment (no <html>, no script, no style
 * attribute: class names only; every header-derived string escaped) or
 * as a JSON document (the /api/v1 form).  Links in the HTML are absolute
 * paths of docs/dashboard.md.
 */
typedef int	(*view_page_fn)(const struct view_snap *s,
		    const struct view_scope *sc, const struct view_query *q,
		    struct buf *out, struct err *err);

/* The numbers of a period with their change against the previous one,
 * the trend, the reply-time histogram and the received-mail heatmap. */
int	view_overview_html(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
int	view_overview_json(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
/* Teams and agents, sortable (sort=, dir=). */
int	view_groups_html(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
int	view_groups_json(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
/* Customer domains of one group, sortable. */
int	view_domains_html(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
int	view_domains_json(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
/* Conversations awaiting a reply at the end of the period, oldest first,
 * each classed within, near or breached against the SLA targets. */
int	view_queue_html(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
int	view_queue_json(const struct view_snap *, const struct view_scope *,
	    const struct view_query *, struct buf *, struct err *);
/* The conversations behind a number (metric=, and the filters). */
int	view_conversations_html(const struct view_snap *,
	    const struct view_scope *, const struct view_query *, struct buf *,
	    struct err *);
int	view_conversations_json(const struct view_snap *,
	    const struct view_scope *, const struct view_query *, struct buf *,
	    struct err *);
/* One conversation (id=): each message's sender, time, direction and
 * reply time. */
int	view_conversation_html(const struct view_snap *,
	    const struct view_scope *, const struct view_query *, struct buf *,
	    struct err *);
int	view_conversation_json(const struct view_snap *,
	    const struct view_scope *, const struct view_query *, struct buf *,
	    struct err *);

/* A page by name ("overview", "groups", "domains", "queue",
 * "conversations", "conversation") and format (json 1, html 0), or NULL. */
view_page_fn	view_page_find(const char *name, int json);

/*
 * The report of engine_run() for the options (from, to, now as there),
 * computed from the snapshot: for tests and for equality checks.  The
 * report borrows names from the snapshot, which must outlive it.
 */
int	view_report(const struct view_snap *s, const struct report_opts *o,
	    struct report **out, struct err *err);

#endif
