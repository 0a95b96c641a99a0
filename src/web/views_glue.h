/*
 * views_glue.h: where the analytics views (src/view/view.h) plug into
 * the web server.
 *
 * The server (src/web) authenticates the request and checks the
 * permission matrix; views_render() then takes the tenant's snapshot
 * from the server's per-tenant view cache, works out the user's scope,
 * parses the GET arguments into a view query and renders one page as an
 * HTML fragment (which the caller wraps in the layout) or a JSON
 * document.
 *
 * Scope (docs/security.md): owners, admins, managers and viewers see
 * every group (viewers are kept to the aggregate pages by the router);
 * an agent sees what its configured agent (the user's email) sees.
 *
 * Ownership: the caches are owned by the server and freed by
 * views_caches_free() once no request runs.  Everything else is
 * borrowed for the call.
 */
#ifndef RT_VIEWS_GLUE_H
#define RT_VIEWS_GLUE_H

#include "../base/buf.h"
#include "../base/err.h"
#include "web.h"

/*
 * Renders page ("overview", "groups", "domains", "queue",
 * "conversations", "conversation") for the request q into out; id, if
 * not 0, is the conversation asked for by path.  Returns 0 rendered,
 * 404 (no such thing for this tenant, or outside the scope), 400 (a bad
 * query; err says which parameter, never quoting it) or 500 (err).
 */
unsigned	views_render(struct web_req *q, const char *page, int json,
		    int64_t id, struct buf *out, struct err *err);
/* Frees the server's view caches. */
void		views_caches_free(struct web_server *s);

#endif
