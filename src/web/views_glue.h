/*
 * views_glue.h: where the analytics views plug into the web server.
 *
 * The server (src/web) authenticates the request, checks the permission
 * matrix, opens the tenant and works out what the user may see (the
 * scope); a view function then renders its part: an HTML fragment (the
 * content of <main>, without the page around it) or a JSON document.
 * The server wraps HTML fragments in the page layout and adds every
 * header.
 *
 * views_glue.c holds placeholders that render "not yet available".
 * TODO(lead): replace them with calls into the views library (src/view/)
 * when it is merged; nothing else in src/web needs to change.
 *
 * Ownership: everything in struct view_ctx is borrowed for the call.
 * Returns: 0 rendered; 1 no such object (the server answers 404: also
 * for an id of another tenant or outside the scope); -1 error with err.
 */
#ifndef RT_VIEWS_GLUE_H
#define RT_VIEWS_GLUE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../metric/config.h"
#include "../store/archive.h"

/* What the user may see. */
struct view_scope {
	int		 all;		/* 1: every agent and team (manager,
					 * admin, owner; viewer: aggregates) */
	int		 aggregates;	/* 1: aggregate figures only (viewer):
					 * no conversation, no queue */
	size_t		 agent;		/* else: index in cfg->agents, or
					 * VIEW_NO_AGENT if the user's email
					 * is no configured agent */
	const size_t	*teams;		/* the agent's teams (cfg indices), */
	size_t		 nteams;	/* borrowed from cfg */
};
#define VIEW_NO_AGENT	((size_t)-1)

struct view_ctx {
	struct archive		*ar;	/* the tenant: store, keys, tid */
	const struct config	*cfg;	/* its settings; NULL if none */
	int64_t			 settings_gen;	/* changes with cfg */
	struct view_scope	 scope;
	int64_t			 now;	/* the request's time */
	/* Query parameters (period=, from=, to=, page=...): the value or
	 * NULL.  Untrusted: validate. */
	const char		*(*param)(const struct view_ctx *c,
				    const char *name);
	const void		*param_arg;	/* for param */
};

/* HTML fragments.  title is a buffer for the page title (may be left
 * empty: the server's default is used). */
int	views_html_overview(const struct view_ctx *c, struct buf *out,
	    struct buf *title, struct err *err);
int	views_html_teams(const struct view_ctx *c, struct buf *out,
	    struct buf *title, struct err *err);
int	views_html_domains(const struct view_ctx *c, struct buf *out,
	    struct buf *title, struct err *err);
int	views_html_queue(const struct view_ctx *c, struct buf *out,
	    struct buf *title, struct err *err);
int	views_html_conversations(const struct view_ctx *c, struct buf *out,
	    struct buf *title, struct err *err);
int	views_html_conversation(const struct view_ctx *c, int64_t id,
	    struct buf *out, struct buf *title, struct err *err);

/* JSON documents (application/json) for /api/v1. */
int	views_json_overview(const struct view_ctx *c, struct buf *out,
	    struct err *err);
int	views_json_groups(const struct view_ctx *c, struct buf *out,
	    struct err *err);
int	views_json_domains(const struct view_ctx *c, struct buf *out,
	    struct err *err);
int	views_json_queue(const struct view_ctx *c, struct buf *out,
	    struct err *err);
int	views_json_conversations(const struct view_ctx *c, struct buf *out,
	    struct err *err);
int	views_json_conversation(const struct view_ctx *c, int64_t id,
	    struct buf *out, struct err *err);

#endif
