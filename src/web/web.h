/*
 * web.h: the web dashboard and JSON API served by replytime itself
 * (replytime serve).  Private to src/web; the model is in
 * docs/security.md.
 *
 * Shape.  http.c runs libmicrohttpd (a thread pool, epoll), enforces the
 * request limits and turns each request into a struct web_req, then
 * routes.c finds its route, authenticates it (session cookie or API
 * token), checks the permission matrix and CSRF, and calls the route's
 * handler, which fills a struct web_resp.  http.c adds the security
 * headers and sends it.
 *
 * Threads.  Each worker thread has its own store connection and its own
 * opened tenants (struct web_tenant: the archive with the tenant's key,
 * its configuration cached by settings generation), made on first use
 * (ctx.c), so handlers never share a store.  What is shared (the
 * configuration, the throttle table) is immutable or locked.
 *
 * Ownership.  A handler borrows the request and everything in it for
 * the call; what it puts in the response is owned by the response and
 * freed by web_resp_free().
 */
#ifndef RT_WEB_H
#define RT_WEB_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../auth/auth.h"
#include "../base/buf.h"
#include "../base/err.h"
#include "../metric/config.h"
#include "../store/archive.h"

/* Request limits; past one the request is refused (414, 413, 431). */
#define WEB_URL_MAX		2048		/* bytes of path and query */
#define WEB_BODY_MAX		(256 * 1024)	/* bytes of a form */
#define WEB_FIELDS_MAX		256		/* form or query fields */
#define WEB_FIELD_MAX		(128 * 1024)	/* bytes of one value */
#define WEB_HEADERS_MAX		(32 * 1024)	/* memory for headers */
#define WEB_TIMEOUT		30		/* idle seconds */
#define WEB_PROXIES_MAX		16

/* An address block of trusted reverse proxies. */
struct web_cidr {
	int		 family;		/* AF_INET, AF_INET6 */
	unsigned char	 addr[16];
	int		 bits;
};

struct web_config {
	const char	*db;
	const char	*key_file;		/* NULL: the default */
	const char	*listen;		/* "ADDR:PORT", "[ADDR6]:PORT" */
	const char	*tls_cert, *tls_key;	/* both or neither */
	const char	*base_url;		/* for links; NULL: derived */
	struct web_cidr	 proxies[WEB_PROXIES_MAX];
	size_t		 nproxies;
	unsigned	 threads;
	const char	*smtp_url;		/* NULL: no mail; links shown */
	const char	*smtp_from;
	const char	*smtp_user;
	char		*smtp_password;		/* owned; never printed */
	int		 sync_workers;		/* IMAP connections; 0: none */
	int		 sync_poll_s;		/* 0: the default */
};

/* Parses "10.0.0.0/8", "::1", "192.0.2.7"; 0 or -1. */
int	web_cidr_parse(const char *s, struct web_cidr *out, struct err *err);
/* 1 if the socket address sa falls in c. */
int	web_cidr_match(const struct web_cidr *c, const struct sockaddr *sa);
/* Same for a textual address. */
int	web_cidr_match_text(const struct web_cidr *c, const char *addr);

/* Runs the server until SIGINT or SIGTERM.  Prints the address it
 * listens on to stderr ("replytime: listening on URL"). */
int	web_run(const struct web_config *c, struct err *err);

/* ---- Forms and cookies (form.c, cookie.c): pure, fuzzed ---- */

struct web_field {
	char	*name;		/* owned, decoded, NUL-terminated */
	char	*value;		/* owned, decoded, NUL-terminated */
};

struct web_form {
	struct web_field	*v;	/* owned */
	size_t			 n;
};

/*
 * Decodes application/x-www-form-urlencoded text (len bytes) into f,
 * adding to what it holds: '+' is a space, %XX a byte.  Refuses (ERR_PARSE
 * or ERR_LIMIT) a bad escape, a NUL byte, more than WEB_FIELDS_MAX fields,
 * a value over WEB_FIELD_MAX bytes.  On failure f keeps what it had
 * before the call.
 */
int	 form_parse(const char *text, size_t len, struct web_form *f,
	    struct err *err);
/* The first value of name, or NULL. */
const char *form_get(const struct web_form *f, const char *name);
void	 form_add(struct web_form *f, const char *name, const char *value);
void	 form_free(struct web_form *f);

/*
 * Finds cookie name in a Cookie header and copies its value into out
 * (size bytes, NUL-terminated).  Returns 0 if found, 1 if absent or
 * longer than size - 1 (an oversized cookie is not ours).
 */
int	 cookie_get(const char *header, const char *name, char *out,
	    size_t size);

/*
 * One key of INI text (ini.c): ini_get puts the value of key in section
 * (continuations joined, comments dropped) into out and returns 0, or 1
 * if absent.  ini_set writes text with key set to value into out: the
 * key's line replaced, else added at the end of the section, else a new
 * section appended; an empty value removes the key.  value and section
 * must not hold line breaks (the caller checks).
 */
int	 ini_get(const char *text, size_t len, const char *section,
	    const char *key, struct buf *out);
void	 ini_set(const char *text, size_t len, const char *section,
	    const char *key, const char *value, struct buf *out);
/* Writes text without section (its header and every line up to the next
 * header; every such section) into out. */
void	 ini_drop(const char *text, size_t len, const char *section,
	    struct buf *out);

/* ---- Per-thread context (ctx.c) ---- */

struct web_tenant {
	int64_t			 tid;
	char			*name;		/* owned */
	struct archive		 ar;		/* owned */
	struct config		*cfg;		/* owned; NULL: none stored */
	int64_t			 gen;		/* of cfg */
};

struct web_thread {
	struct store		*st;		/* owned */
	struct web_tenant	*v;		/* owned */
	size_t			 n;
	struct web_thread	*next;		/* all threads, for cleanup */
};

struct web_server;

/* This thread's context, made on first use; NULL with err on failure. */
struct web_thread *web_thread_get(struct web_server *s, struct err *err);
/* Tenant by id or by name (NULL: by id), opened on first use; 1 if no
 * such active tenant. */
int	web_tenant_get(struct web_server *s, struct web_thread *th,
	    int64_t tid, const char *name, struct web_tenant **out,
	    struct err *err);
/* Reloads t->cfg if the settings generation moved; 0 or -1. */
int	web_tenant_config(struct web_tenant *t, struct err *err);
void	web_threads_free(struct web_server *s);

/* ---- Requests and responses ---- */

struct web_req {
	struct web_server	*srv;		/* borrowed */
	const struct web_config	*cfg;		/* borrowed */
	struct web_thread	*th;		/* borrowed */
	const char		*method;	/* borrowed */
	const char		*path;		/* borrowed */
	int			 post;
	struct web_form		 form;		/* owned: the body's fields */
	struct web_form		 query;		/* owned */
	const char		*authorization;	/* borrowed; NULL if none */
	char			 ip[64];	/* the client, after proxies */
	char			 session[TOKEN_TEXT];	/* cookie, or "" */
	char			 pre[TOKEN_TEXT];	/* pre-login cookie */
	int			 tls;
	int64_t			 now;
	int64_t			 id;		/* the route's :id, or 0 */
	/* Set by authentication: */
	struct web_tenant	*t;		/* borrowed from th */
	struct store_user	 user;		/* owned */
	enum role		 role;
	struct buf		 email;		/* owned: the user's */
	char			 csrf[TOKEN_TEXT];
	int			 api;		/* authenticated by token */
	int			 api_write;
};

#define WEB_COOKIES_MAX	4

struct web_resp {
	unsigned		 status;
	const char		*type;		/* static string */
	struct buf		 body;		/* owned */
	char			 location[512];	/* redirect target, or "" */
	char			*cookies[WEB_COOKIES_MAX];	/* owned */
	size_t			 ncookies;
	char			 disposition[128];	/* or "" */
	int			 cacheable;	/* static files only */
	struct web_stream	*stream;	/* owned: the body instead
						   of body, or NULL */
};

void	web_resp_init(struct web_resp *r);
void	web_resp_free(struct web_resp *r);
/* A 303 to path (a local path: "/..."). */
int	web_redirect(struct web_resp *r, const char *path);
/* Adds a Set-Cookie with our attributes (HttpOnly, SameSite=Strict,
 * Path=/, Secure under TLS); an empty value with max_age 0 deletes it. */
void	web_set_cookie(struct web_req *q, struct web_resp *r,
	    const char *name, const char *value, int delete);
/* A complete error page (or JSON error for the API) with status. */
int	web_error(struct web_req *q, struct web_resp *r, unsigned status,
	    const char *msg);
/* The request's client address for the audit log. */
const char *web_ip(const struct web_req *q);
/* Writes an audit entry for the request's tenant and user; failures are
 * reported on stderr (the action stands). */
void	web_audit(struct web_req *q, const char *op, const char *object);

/* ---- Streamed bodies (stream.c) ---- */

struct web_stream;
/*
 * Writes the whole body with web_stream_write(), on a thread of its own:
 * it must not touch the request, its thread's store or archives (open
 * its own).  Returns 0, or -1 with err: the download is then cut short.
 */
typedef int	(*web_stream_fn)(void *arg, struct web_stream *s,
		    struct err *err);
/*
 * Makes r's body the output of fn(arg), started now on a new thread;
 * arg is owned by the stream from this call on (freed with arg_free,
 * also when the call fails).  0 or -1 (err).
 */
int	web_stream_start(struct web_resp *r, web_stream_fn fn, void *arg,
	    void (*arg_free)(void *), struct err *err);
/* For the producer: queues len bytes of the body; 0 or -1 (err). */
int	web_stream_write(struct web_stream *s, const void *p, size_t len,
	    struct err *err);
/* For http.c: up to max bytes of the body (0 at its end, with *failed
 * set if the producer failed), blocking until some are ready. */
ssize_t	web_stream_read(struct web_stream *s, char *out, size_t max,
	    int *failed);
/* Stops the producer if it still runs, waits for it and frees s. */
void	web_stream_free(struct web_stream *s);

#define WEB_SESSION_COOKIE	"rt_session"
#define WEB_PRE_COOKIE		"rt_pre"

/* ---- HTML (html.c) ---- */

/* Appends s escaped for HTML text and attribute values. */
void	html_esc(struct buf *b, const char *s);
void	html_esc_n(struct buf *b, const char *s, size_t n);
/* The page around body: head, header with navigation for the user's
 * role, the tenant and user, a logout form, and main. */
void	html_page(struct web_req *q, struct web_resp *r, const char *title,
	    const struct buf *main);
/* A page for people who are not logged in (login, setup, reset). */
void	html_page_public(struct web_resp *r, const char *title,
	    const struct buf *main);
/* The hidden CSRF field of a form of the logged-in user. */
void	html_csrf(struct web_req *q, struct buf *b);
/* An inline form posting to path with the CSRF token, extra (trusted
 * HTML: hidden fields, a select; may be NULL) and one button. */
void	html_button_form(struct web_req *q, struct buf *b, const char *path,
	    const char *label, const char *extra);
/* A notice (role="status") or error (role="alert") paragraph. */
void	html_note(struct buf *b, const char *msg, int error);
/* A time as "YYYY-MM-DD HH:MM UTC". */
void	html_time(struct buf *b, int64_t t);

/* ---- Routes (routes.c) and their handlers ---- */

enum route_auth {
	AUTH_PUBLIC,	/* anyone; POSTs carry the pre-login CSRF token */
	AUTH_SESSION,	/* a logged-in user with a role in roles */
	AUTH_API,	/* a bearer token whose user has a role in roles */
};

#define ROLES_ALL	(ROLE_BIT(ROLE_OWNER) | ROLE_BIT(ROLE_ADMIN) | \
	ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_VIEWER))
#define ROLES_ADMIN	(ROLE_BIT(ROLE_OWNER) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_OWNER	ROLE_BIT(ROLE_OWNER)
#define ROLES_REPORTS	(ROLES_ADMIN | ROLE_BIT(ROLE_MANAGER) | \
	ROLE_BIT(ROLE_AGENT))

typedef int	(*web_handler)(struct web_req *q, struct web_resp *r);

struct route {
	const char	*method;	/* "GET" or "POST" */
	const char	*pattern;	/* "/users/:id/role": :id is a number */
	enum route_auth	 auth;
	unsigned	 roles;		/* ROLE_BIT mask; 0 for AUTH_PUBLIC */
	int		 nav;		/* shown in the navigation if > 0 */
	const char	*title;		/* nav label, docs */
	web_handler	 fn;
};

extern const struct route	web_routes[];
extern const size_t		web_nroutes;

/* Routes and answers one request. */
void	web_dispatch(struct web_req *q, struct web_resp *r);
/* The permission matrix as a Markdown table (docs/security.md). */
void	web_matrix_markdown(struct buf *out);
/* 1 if role may use the route of method and path (a pattern). */
int	web_allowed(const char *method, const char *pattern, enum role role);

/* Handlers, by file. */
int	page_login(struct web_req *q, struct web_resp *r);
int	page_login_post(struct web_req *q, struct web_resp *r);
int	page_logout(struct web_req *q, struct web_resp *r);
int	page_logout_all(struct web_req *q, struct web_resp *r);
int	page_once(struct web_req *q, struct web_resp *r);
int	page_once_post(struct web_req *q, struct web_resp *r);
int	page_forgot(struct web_req *q, struct web_resp *r);
int	page_forgot_post(struct web_req *q, struct web_resp *r);
int	page_password(struct web_req *q, struct web_resp *r);
int	page_password_post(struct web_req *q, struct web_resp *r);
int	page_users(struct web_req *q, struct web_resp *r);
int	page_users_invite(struct web_req *q, struct web_resp *r);
int	page_users_role(struct web_req *q, struct web_resp *r);
int	page_users_disable(struct web_req *q, struct web_resp *r);
int	page_users_enable(struct web_req *q, struct web_resp *r);
int	page_users_password(struct web_req *q, struct web_resp *r);
int	page_users_reset(struct web_req *q, struct web_resp *r);
int	page_audit(struct web_req *q, struct web_resp *r);
int	page_settings(struct web_req *q, struct web_resp *r);
int	page_settings_post(struct web_req *q, struct web_resp *r);
int	page_tokens(struct web_req *q, struct web_resp *r);
int	page_tokens_post(struct web_req *q, struct web_resp *r);
int	page_tokens_revoke(struct web_req *q, struct web_resp *r);
int	page_export(struct web_req *q, struct web_resp *r);
int	page_export_post(struct web_req *q, struct web_resp *r);
int	page_delete(struct web_req *q, struct web_resp *r);
int	page_delete_post(struct web_req *q, struct web_resp *r);
int	page_mailboxes(struct web_req *q, struct web_resp *r);
int	page_mailboxes_add(struct web_req *q, struct web_resp *r);
int	page_mailboxes_try(struct web_req *q, struct web_resp *r);
int	page_mailboxes_test(struct web_req *q, struct web_resp *r);
int	page_mailboxes_sync(struct web_req *q, struct web_resp *r);
int	page_mailboxes_remove(struct web_req *q, struct web_resp *r);
int	page_style(struct web_req *q, struct web_resp *r);
int	api_openapi(struct web_req *q, struct web_resp *r);
int	api_me(struct web_req *q, struct web_resp *r);
/* The analytics routes: views_route.c, calling views_glue.h. */
int	view_overview(struct web_req *q, struct web_resp *r);
int	view_teams(struct web_req *q, struct web_resp *r);
int	view_domains(struct web_req *q, struct web_resp *r);
int	view_queue(struct web_req *q, struct web_resp *r);
int	view_conversations(struct web_req *q, struct web_resp *r);
int	view_conversation(struct web_req *q, struct web_resp *r);
int	api_overview(struct web_req *q, struct web_resp *r);
int	api_groups(struct web_req *q, struct web_resp *r);
int	api_domains(struct web_req *q, struct web_resp *r);
int	api_queue(struct web_req *q, struct web_resp *r);
int	api_conversations(struct web_req *q, struct web_resp *r);
int	api_conversation(struct web_req *q, struct web_resp *r);

/* ---- IMAP sync (sync.c) ---- */

/* Starts s->sched when c->sync_workers > 0 (else leaves it NULL). */
int	web_sync_start(struct web_server *s, struct err *err);
/* Stops and frees it (waits for open batches to roll back). */
void	web_sync_stop(struct web_server *s);

/* ---- Mail (smtp.c) ---- */

/* 1 if the server can send mail. */
int	smtp_enabled(const struct web_config *c);
/* Sends a plain-text message; the body may hold a link, never logged. */
int	smtp_send(const struct web_config *c, const char *to,
	    const char *subject, const char *body, struct err *err);

/* ---- The server (http.c) ---- */

struct imap_sched;

struct web_server {
	const struct web_config	*c;		/* borrowed */
	struct imap_sched	*sched;		/* owned; NULL: no syncing */
	struct throttle		*thr;		/* owned */
	char			 base[300];	/* URL for links, no slash */
	pthread_mutex_t		 lock;		/* guards threads */
	struct web_thread	*threads;	/* owned */
	struct web_vcache	*vcaches;	/* owned (views_glue.c), */
	size_t			 nvcaches;	/* guarded by lock */
};

#endif
