/*
 * http.c: the HTTP server of replytime serve, on libmicrohttpd (web.h).
 *
 * A pool of threads, each with its own epoll set, accepts and serves
 * connections.  Limits: the memory for a request's headers
 * (WEB_HEADERS_MAX: past it libmicrohttpd answers 431), the URL
 * (WEB_URL_MAX, 414), the body (WEB_BODY_MAX, 413), form fields
 * (WEB_FIELDS_MAX, 400) and an idle timeout.
 *
 * libmicrohttpd calls the access handler several times per request: the
 * first call only sets up the request's context, the middle ones carry
 * the body, and the last one (no more data) answers.  The answer must
 * not be queued on the first call, or every connection is closed after
 * one request (keep-alive lost: 15k instead of 110k requests/s).
 *
 * Under TLS (GnuTLS inside libmicrohttpd) only TLS 1.2 and 1.3 are
 * offered.  Behind a reverse proxy the client's address is taken from
 * X-Forwarded-For only when the connection comes from a configured proxy
 * (--trusted-proxy), walking the list from the right past trusted hops.
 * libmicrohttpd itself is opened by web_run (lazy.h), so that no other
 * command pays for loading it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "../base/xmalloc.h"
#include "lazy.h"
#include "views_glue.h"
#include "web.h"

#define TLS_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define CERT_MAX	(1024 * 1024)
#define STREAM_BLOCK	(64 * 1024)	/* bytes per read of a streamed body */

/* The state of one request across the handler's calls. */
/* libmicrohttpd's functions, loaded by web_run before any is called. */
static const struct lazy_mhd	*mhd;

struct conn {
	struct buf	 body;
	int		 too_big;
};

struct query_walk {
	struct web_form	*f;
	size_t		 bytes;
	int		 over;
};

static enum MHD_Result
on_query(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query_walk	*w = arg;

	w->bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 2;
	if (w->f->n >= WEB_FIELDS_MAX || w->bytes > WEB_URL_MAX) {
		w->over = 1;
		return MHD_NO;
	}
	form_add(w->f, key, value != NULL ? value : "");
	return MHD_YES;
}

/* The numeric text of a socket address. */
static void
addr_text(const struct sockaddr *sa, char *out, size_t size)
{
	socklen_t	len = sa->sa_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in);

	if (getnameinfo(sa, len, out, (socklen_t)size, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(out, size, "unknown");
}

static int
trusted(const struct web_config *c, const char *addr)
{
	for (size_t i = 0; i < c->nproxies; i++)
		if (web_cidr_match_text(&c->proxies[i], addr))
			return 1;
	return 0;
}

/* The client's address: the peer, or from X-Forwarded-For when the peer
 * is a trusted proxy. */
static void
client_ip(const struct web_config *c, struct MHD_Connection *conn,
    char *out, size_t size, int *tls)
{
	const union MHD_ConnectionInfo	*ci;
	const char			*xff, *end, *start;
	char				 hop[64];
	int				 peer_trusted = 0;

	snprintf(out, size, "unknown");
	ci = mhd->get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	addr_text(ci->client_addr, out, size);
	for (size_t i = 0; i < c->nproxies; i++)
		if (web_cidr_match(&c->proxies[i], ci->client_addr))
			peer_trusted = 1;
	if (peer_trusted && (xff = mhd->lookup_connection_value(conn,
	    MHD_HEADER_KIND, "X-Forwarded-Proto")) != NULL &&
	    strcmp(xff, "https") == 0)
		*tls = 1;
	if (!peer_trusted || (xff = mhd->lookup_connection_value(conn,
	    MHD_HEADER_KIND, "X-Forwarded-For")) == NULL)
		return;
	end = xff + strlen(xff);
	while (end > xff) {
		size_t	n;

		start = end;
		while (start > xff && start[-1] != ',')
			start--;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		n = (size_t)(end - start);
		while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(hop))
			return;
		memcpy(hop, start, n);
		hop[n] = '\0';
		{
			struct web_cidr	probe;
			struct err	ignored;

			/* Only an address is believed, never a name. */
			if (web_cidr_parse(hop, &probe, &ignored) == -1)
				return;
		}
		snprintf(out, size, "%s", hop);
		if (!trusted(c, hop))
			return;
		end = start;
		while (end > xff && end[-1] != ',')
			end--;
		if (end > xff)
			end--;
	}
}

static void
add_headers(struct web_req *q, struct web_resp *r,
    struct MHD_Response *resp)
{
	mhd->add_response_header(resp, "Content-Type", r->type != NULL ?
	    r->type : "text/plain; charset=utf-8");
	mhd->add_response_header(resp, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; frame-ancestors 'none'; "
	    "form-action 'self'; base-uri 'none'");
	mhd->add_response_header(resp, "X-Content-Type-Options", "nosniff");
	mhd->add_response_header(resp, "Referrer-Policy", "no-referrer");
	mhd->add_response_header(resp, "X-Frame-Options", "DENY");
	mhd->add_response_header(resp, "Cross-Origin-Opener-Policy",
	    "same-origin");
	mhd->add_response_header(resp, "Cross-Origin-Resource-Policy",
	    "same-origin");
	mhd->add_response_header(resp, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
	mhd->add_response_header(resp, "Cache-Control", r->cacheable ?
	    "public, max-age=3600" : "no-store");
	if (q->tls)
		mhd->add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
	if (r->location[0] != '\0')
		mhd->add_response_header(resp, "Location", r->location);
	for (size_t i = 0; i < r->ncookies; i++)
		mhd->add_response_header(resp, "Set-Cookie", r->cookies[i]);
	if (r->disposition[0] != '\0')
		mhd->add_response_header(resp, "Content-Disposition",
		    r->disposition);
}

/* MHD_ContentReaderCallback of a streamed body (stream.c). */
static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	ssize_t	n;
	int	failed;

	(void)pos;
	n = web_stream_read(cls, out, max, &failed);
	if (n > 0)
		return n;
	return failed ? MHD_CONTENT_READER_END_WITH_ERROR :
	    MHD_CONTENT_READER_END_OF_STREAM;
}

static void
stream_free(void *cls)
{
	web_stream_free(cls);
}

static enum MHD_Result
send_resp(struct MHD_Connection *conn, struct web_req *q, struct web_resp *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;
	size_t			 len = 0;
	char			*data;

	if (r->stream != NULL) {
		resp = mhd->create_response_from_callback(MHD_SIZE_UNKNOWN,
		    STREAM_BLOCK, stream_read, r->stream, stream_free);
		if (resp == NULL)
			return MHD_NO;	/* web_resp_free() stops it */
		r->stream = NULL;	/* libmicrohttpd's now */
	} else {
		data = buf_take(&r->body, &len);
		if (data == NULL)
			data = xstrdup("");
		resp = mhd->create_response_from_buffer(len, data,
		    MHD_RESPMEM_MUST_FREE);
		if (resp == NULL) {
			free(data);
			return MHD_NO;
		}
	}
	add_headers(q, r, resp);
	rc = mhd->queue_response(conn, r->status, resp);
	mhd->destroy_response(resp);
	return rc;
}

static void
serve(struct web_server *s, struct MHD_Connection *conn, const char *url,
    const char *method, struct conn *cc, struct web_req *q,
    struct web_resp *r)
{
	struct query_walk	 w = { &q->query, 0, 0 };
	const char		*h, *type;
	struct err		 err;

	if (strlen(url) > WEB_URL_MAX) {
		web_error(q, r, 414, "The address is too long.");
		return;
	}
	mhd->get_connection_values(conn, MHD_GET_ARGUMENT_KIND, on_query, &w);
	if (w.over) {
		web_error(q, r, 414, "The address has too many parameters.");
		return;
	}
	if (cc->too_big) {
		web_error(q, r, 413, "The form is too large.");
		return;
	}
	if ((h = mhd->lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Cookie")) != NULL) {
		(void)cookie_get(h, WEB_SESSION_COOKIE, q->session,
		    sizeof(q->session));
		(void)cookie_get(h, WEB_PRE_COOKIE, q->pre, sizeof(q->pre));
	}
	q->authorization = mhd->lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Authorization");
	if (q->post) {
		type = mhd->lookup_connection_value(conn, MHD_HEADER_KIND,
		    "Content-Type");
		if (cc->body.len > 0 && (type == NULL || strncmp(type,
		    "application/x-www-form-urlencoded", 33) != 0)) {
			web_error(q, r, 415, "Forms must be sent as "
			    "application/x-www-form-urlencoded.");
			return;
		}
		if (form_parse(cc->body.data != NULL ? cc->body.data : "",
		    cc->body.len, &q->form, &err) == -1) {
			web_error(q, r, 400, "The form could not be read.");
			return;
		}
	}
	if ((q->th = web_thread_get(s, &err)) == NULL) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		web_error(q, r, 503, "The service is not available.");
		return;
	}
	web_dispatch(q, r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct web_server	*s = cls;
	struct conn		*cc = *con_cls;
	struct web_req		 q;
	struct web_resp		 r;
	enum MHD_Result		 rc;

	if (cc == NULL) {
		/* First call: set up only (see the top of the file). */
		cc = xcalloc(1, sizeof(*cc));
		buf_init(&cc->body, WEB_BODY_MAX);
		*con_cls = cc;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!cc->too_big) {
			buf_add(&cc->body, upload, *upload_size);
			if (cc->body.failed) {
				cc->too_big = 1;
				buf_free(&cc->body);
				buf_init(&cc->body, 1);
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&q, 0, sizeof(q));
	web_resp_init(&r);
	q.srv = s;
	q.cfg = s->c;
	q.method = method;
	q.path = url;
	q.now = (int64_t)time(NULL);
	q.post = strcmp(method, "POST") == 0;
	buf_init(&q.email, 0);
	q.tls = s->c->tls_cert != NULL;
	client_ip(s->c, conn, q.ip, sizeof(q.ip), &q.tls);
	if (!q.post && strcmp(method, "GET") != 0 &&
	    strcmp(method, "HEAD") != 0)
		web_error(&q, &r, 405, "That method is not allowed.");
	else
		serve(s, conn, url, method, cc, &q, &r);
	rc = send_resp(conn, &q, &r);
	web_resp_free(&r);
	form_free(&q.form);
	form_free(&q.query);
	store_user_clear(&q.user);
	buf_free(&q.email);
	return rc;
}

static void
on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn	*cc = *con_cls;

	if (cc == NULL)
		return;
	buf_free(&cc->body);
	free(cc);
	*con_cls = NULL;
}

static char *
read_file(const char *path, struct err *err)
{
	struct buf	b;
	char		chunk[8192];
	ssize_t		n;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		err_set_errno(err, ERR_IO, "%s", path);
		return NULL;
	}
	buf_init(&b, CERT_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0 || buf_check(&b, err) == -1) {
		if (n < 0)
			err_set_errno(err, ERR_IO, "%s", path);
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b, NULL);
}

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, int *v6_out,
    char *host, size_t hsize, struct err *err)
{
	struct addrinfo	 hints, *res;
	const char	*colon, *port;
	size_t		 hl;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return err_set(err, ERR_USAGE, "--listen: expected "
			    "[ADDRESS]:PORT");
		hl = (size_t)(close - s - 1);
		if (hl >= hsize)
			return err_set(err, ERR_USAGE, "--listen: too long");
		memcpy(host, s + 1, hl);
		port = close + 2;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return err_set(err, ERR_USAGE, "--listen: expected "
			    "ADDRESS:PORT");
		hl = (size_t)(colon - s);
		if (hl >= hsize)
			return err_set(err, ERR_USAGE, "--listen: too long");
		memcpy(host, s, hl);
		port = colon + 1;
	}
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return err_set(err, ERR_USAGE, "--listen: not a numeric "
		    "address and port");
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*v6_out = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

/*
 * Without --threads: one thread a CPU online, at least 2 (a slow request,
 * such as the one building a snapshot, does not stop the others) and at
 * most 64.  Pages are computed, not waited for: more threads than CPUs
 * only add switching (bench/api.sh, docs/dashboard.md).
 */
static unsigned
default_threads(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2u : n > 64 ? 64u : (unsigned)n;
}

int
web_run(const struct web_config *c, struct err *err)
{
	struct web_server	 s;
	struct sockaddr_storage	 ss;
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *di;
	sigset_t		 sigs;
	char			 host[128], *cert = NULL, *key = NULL;
	unsigned		 flags;
	int			 v6 = 0, sig, port;

	memset(&s, 0, sizeof(s));
	if (parse_listen(c->listen, &ss, &v6, host, sizeof(host), err) == -1)
		return -1;
	if ((mhd = lazy_mhd(err)) == NULL)
		return -1;
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return err_set(err, ERR_USAGE, "--tls-cert and --tls-key go "
		    "together");
	if (c->tls_cert != NULL && ((cert = read_file(c->tls_cert,
	    err)) == NULL || (key = read_file(c->tls_key, err)) == NULL)) {
		free(cert);
		return -1;
	}
	s.c = c;
	s.thr = throttle_new(65536);
	pthread_mutex_init(&s.lock, NULL);
	/* The signals are taken by sigwait below: block them in every
	 * thread, which inherit this mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ERROR_LOG;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (cert != NULL)
		flags |= MHD_USE_TLS;
	d = mhd->start_daemon(flags, 0, NULL, NULL, on_request, &s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, c->threads > 0 ? c->threads :
	    default_threads(),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_HEADERS_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, 1000u,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
	    MHD_OPTION_END);
	if (d == NULL) {
		err_set(err, ERR_IO, "serve: cannot listen on %s (in use, or "
		    "a bad certificate)", c->listen);
		goto out;
	}
	di = mhd->get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = di != NULL ? di->port : 0;
	if (c->base_url != NULL)
		snprintf(s.base, sizeof(s.base), "%s", c->base_url);
	else
		snprintf(s.base, sizeof(s.base), "%s://%s%s%s:%d",
		    cert != NULL ? "https" : "http", v6 ? "[" : "", host,
		    v6 ? "]" : "", port);
	if (web_sync_start(&s, err) == -1) {
		mhd->stop_daemon(d);
		d = NULL;
		goto out;
	}
	fprintf(stderr, "replytime: listening on %s/\n", s.base);
	fflush(stderr);
	do {
		if (sigwait(&sigs, &sig) != 0)
			break;
	} while (sig != SIGINT && sig != SIGTERM);
	mhd->stop_daemon(d);
	web_sync_stop(&s);
	fprintf(stderr, "replytime: stopped\n");
out:
	views_caches_free(&s);
	web_threads_free(&s);
	throttle_free(s.thr);
	pthread_mutex_destroy(&s.lock);
	free(cert);
	if (key != NULL) {
		memset(key, 0, strlen(key));
		free(key);
	}
	return d == NULL ? -1 : 0;
}
