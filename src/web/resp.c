/*
 * resp.c: building responses, and the request helpers every page uses
 * (web.h): redirects, cookies, error pages, the audit hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/json.h"
#include "../base/xmalloc.h"
#include "web.h"

void
web_resp_init(struct web_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->type = "text/html; charset=utf-8";
	buf_init(&r->body, 0);
}

void
web_resp_free(struct web_resp *r)
{
	buf_free(&r->body);
	web_stream_free(r->stream);
	r->stream = NULL;
	for (size_t i = 0; i < r->ncookies; i++)
		free(r->cookies[i]);
	r->ncookies = 0;
}

int
web_redirect(struct web_resp *r, const char *path)
{
	/* Local paths only: never an open redirect. */
	RT_ASSERT(path[0] == '/' && path[1] != '/');
	r->status = 303;
	snprintf(r->location, sizeof(r->location), "%s", path);
	buf_reset(&r->body);
	return 0;
}

void
web_set_cookie(struct web_req *q, struct web_resp *r, const char *name,
    const char *value, int delete)
{
	RT_ASSERT(r->ncookies < WEB_COOKIES_MAX);
	r->cookies[r->ncookies++] = xasprintf("%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict%s%s", name, delete ? "" : value,
	    q->tls ? "; Secure" : "", delete ? "; Max-Age=0" : "");
}

int
web_error(struct web_req *q, struct web_resp *r, unsigned status,
    const char *msg)
{
	struct buf	b;

	r->status = status;
	r->location[0] = '\0';
	if (q->path != NULL && strncmp(q->path, "/api/", 5) == 0) {
		r->type = "application/json";
		buf_reset(&r->body);
		buf_addf(&r->body, "{\"status\":%u,\"error\":", status);
		json_add_str(&r->body, str_cstr(msg));
		buf_puts(&r->body, "}\n");
		return 0;
	}
	buf_init(&b, 0);
	html_note(&b, msg, 1);
	if (q->t != NULL && !q->api)
		html_page(q, r, status == 404 ? "Not found" : status == 403 ?
		    "Not allowed" : "Error", &b);
	else
		html_page_public(r, status == 404 ? "Not found" : "Error",
		    &b);
	buf_free(&b);
	return 0;
}

const char *
web_ip(const struct web_req *q)
{
	return q->ip;
}

void
web_audit(struct web_req *q, const char *op, const char *object)
{
	struct err	err;

	if (q->t == NULL)
		return;
	if (audit_add(q->t->ar.st, q->t->tid, q->now, q->user.id, op, object,
	    q->ip, &err) == -1)
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
}
