/*
 * imap_client.c: greeting, TLS, login and command exchange (see
 * imap_client.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../base/xmalloc.h"
#include "imap_client.h"

static const struct {
	struct str	name;
	unsigned	bit;
} cap_names[] = {
	{ STR("IMAP4rev1"), IMAP_CAP_IMAP4REV1 },
	{ STR("STARTTLS"), IMAP_CAP_STARTTLS },
	{ STR("LOGINDISABLED"), IMAP_CAP_LOGINDISABLED },
	{ STR("AUTH=PLAIN"), IMAP_CAP_AUTH_PLAIN },
	{ STR("AUTH=XOAUTH2"), IMAP_CAP_AUTH_XOAUTH2 },
	{ STR("AUTH=OAUTHBEARER"), IMAP_CAP_AUTH_OAUTHBEARER },
	{ STR("SASL-IR"), IMAP_CAP_SASL_IR },
	{ STR("IDLE"), IMAP_CAP_IDLE },
	{ STR("CONDSTORE"), IMAP_CAP_CONDSTORE },
	{ STR("QRESYNC"), IMAP_CAP_QRESYNC },
	{ STR("ENABLE"), IMAP_CAP_ENABLE },
	{ STR("LITERAL+"), IMAP_CAP_LITERALPLUS },
	{ STR("SPECIAL-USE"), IMAP_CAP_SPECIAL_USE },
	{ STR("LIST-EXTENDED"), IMAP_CAP_LIST_EXTENDED },
};

/* Takes the capabilities from a space-separated list. */
static void
set_caps(struct imap_client *cl, struct str list)
{
	size_t	i = 0, start;

	cl->caps = 0;
	free(cl->capstr);
	cl->capstr = xstrndup(list.p, list.len > 2000 ? 2000 : list.len);
	for (char *p = cl->capstr; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	while (i < list.len) {
		while (i < list.len && list.p[i] == ' ')
			i++;
		start = i;
		while (i < list.len && list.p[i] != ' ')
			i++;
		for (size_t k = 0; k < nitems(cap_names); k++)
			if (str_eq_ci(str_make(list.p + start, i - start),
			    cap_names[k].name))
				cl->caps |= cap_names[k].bit;
	}
}

/* Untagged responses every command may meet. */
static int
common_untagged(struct imap_client *cl, const struct imap_resp *r,
    struct err *err)
{
	char	said[256];

	if (r->status == IMAP_BYE) {
		imap_said(cl, said, sizeof(said));
		return err_set(err, ERR_IO, "IMAP %s: the server closed the "
		    "session (server said: %s)", cl->acc->host, said);
	}
	if (r->code.p != NULL && str_eq_ci(r->code, STR("CAPABILITY")))
		set_caps(cl, r->code_arg);
	if (r->status == IMAP_NONE && str_eq_ci(r->name, STR("CAPABILITY"))) {
		/* The list as items: rebuild the space-separated text. */
		struct buf	b;

		buf_init(&b, 4096);
		for (size_t i = r->first; i < r->nitems; i = r->items[i].end) {
			if (r->items[i].type != IMAP_ATOM)
				continue;
			buf_addstr(&b, r->items[i].s);
			buf_addc(&b, ' ');
		}
		set_caps(cl, buf_str(&b));
		buf_free(&b);
	}
	if (r->status == IMAP_NONE && str_eq_ci(r->name, STR("ENABLED")))
		for (size_t i = r->first; i < r->nitems; i = r->items[i].end)
			if (str_eq_ci(r->items[i].s, STR("QRESYNC")))
				cl->qresync = 1;
	return 0;
}

void
imap_said(const struct imap_client *cl, char *out, size_t size)
{
	struct buf	 b;
	const char	*secret = cl->acc->secret, *user = cl->acc->user;
	size_t		 n = 0;

	buf_init(&b, 0);
	if (cl->r.code.p != NULL) {
		buf_addc(&b, '[');
		buf_addstr(&b, cl->r.code);
		if (cl->r.code_arg.len > 0 && cl->r.code_arg.len < 80) {
			buf_addc(&b, ' ');
			buf_addstr(&b, cl->r.code_arg);
		}
		buf_lit(&b, "] ");
	}
	buf_addstr(&b, cl->r.text);
	/* Replace any copy of the secret or the user name by a mask of
	 * fixed length (which tells nothing of theirs), then anything that
	 * is not printable ASCII. */
	for (int k = 0; k < 2; k++) {
		const char	*w = k == 0 ? secret : user, *p;
		char		*hit;
		size_t		 wl = w ? strlen(w) : 0;
		struct buf	 c;

		if (wl < 3 || b.data == NULL || strstr(b.data, w) == NULL)
			continue;
		buf_init(&c, 0);
		for (p = b.data; (hit = strstr(p, w)) != NULL; p = hit + wl) {
			buf_add(&c, p, (size_t)(hit - p));
			buf_puts(&c, "[redacted]");
		}
		buf_puts(&c, p);
		OPENSSL_cleanse(b.data, b.len);
		buf_free(&b);
		b = c;
	}
	for (size_t i = 0; i < b.len && n + 1 < size; i++) {
		unsigned char c = (unsigned char)b.data[i];

		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	if (size > 0)
		out[n] = '\0';
	OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	if (n == 0)
		snprintf(out, size, "nothing");
}

static int
flush_out(struct imap_client *cl, struct err *err)
{
	int	rc = imap_conn_write(cl->conn, cl->out.data, cl->out.len, err);

	/* The buffer may have held a secret. */
	OPENSSL_cleanse(cl->out.data, cl->out.len);
	buf_reset(&cl->out);
	return rc;
}

unsigned
imap_send(struct imap_client *cl, struct err *err, const char *fmt, ...)
{
	va_list	ap;

	buf_reset(&cl->out);
	buf_addf(&cl->out, "A%u ", ++cl->tag);
	{
		char	*cmd;

		va_start(ap, fmt);
		if (vasprintf(&cmd, fmt, ap) == -1)
			rt_fatal("imap_send: out of memory");
		va_end(ap);
		buf_puts(&cl->out, cmd);
		free(cmd);
	}
	buf_lit(&cl->out, "\r\n");
	if (buf_check(&cl->out, err) == -1 || flush_out(cl, err) == -1)
		return 0;
	return cl->tag;
}

static int
is_tag(const struct imap_resp *r, unsigned tag)
{
	char	t[16];
	int	n = snprintf(t, sizeof(t), "A%u", tag);

	return r->tag.len == (size_t)n && memcmp(r->tag.p, t, (size_t)n) == 0;
}

int
imap_wait(struct imap_client *cl, unsigned tag, const char *what,
    imap_untagged_fn cb, void *arg, struct err *err)
{
	char	said[256];

	if (tag == 0)
		return -1;
	for (;;) {
		if (imap_conn_read(cl->conn, cl->ps, -1, &cl->r, err) != 0)
			return -1;
		if (cl->r.kind == IMAP_UNTAGGED) {
			if (common_untagged(cl, &cl->r, err) == -1 ||
			    (cb != NULL && cb(arg, &cl->r, err) == -1))
				return -1;
			continue;
		}
		if (cl->r.kind == IMAP_CONTINUE)
			return err_set(err, ERR_PARSE, "IMAP %s: unexpected "
			    "continuation during %s", cl->acc->host, what);
		if (!is_tag(&cl->r, tag))
			return err_set(err, ERR_PARSE, "IMAP %s: response to "
			    "an unknown tag during %s", cl->acc->host, what);
		if (common_untagged(cl, &cl->r, err) == -1)
			return -1;
		if (cl->r.status == IMAP_OK)
			return 0;
		imap_said(cl, said, sizeof(said));
		return err_set(err, ERR_CONFIG, "%s failed (server said: %s)",
		    what, said);
	}
}

char *
imap_quote(const char *s)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_addc(&b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	buf_addc(&b, '"');
	return buf_take(&b, NULL);
}

static void
add_b64(struct buf *b, const unsigned char *p, size_t n)
{
	unsigned char	*o;
	int		 w;

	if ((o = buf_extend(b, 4 * ((n + 2) / 3) + 1)) == NULL)
		return;
	w = EVP_EncodeBlock(o, p, (int)n);
	b->len -= 4 * ((n + 2) / 3) + 1 - (size_t)w;
	b->data[b->len] = '\0';
}

/* The SASL initial response of the account's mechanism, base64. */
static void
sasl_response(const struct imap_account *acc, struct buf *out)
{
	struct buf	raw;

	buf_init(&raw, 0);
	switch (acc->auth) {
	case IMAP_AUTH_XOAUTH2:
		buf_addf(&raw, "user=%s\001auth=Bearer %s\001\001", acc->user,
		    acc->secret);
		break;
	case IMAP_AUTH_OAUTHBEARER:
		buf_addf(&raw, "n,a=%s,\001host=%s\001port=%d\001"
		    "auth=Bearer %s\001\001", acc->user, acc->host, acc->port,
		    acc->secret);
		break;
	default:
		buf_addc(&raw, '\0');
		buf_puts(&raw, acc->user);
		buf_addc(&raw, '\0');
		buf_puts(&raw, acc->secret);
		break;
	}
	add_b64(out, (const unsigned char *)raw.data, raw.len);
	OPENSSL_cleanse(raw.data, raw.len);
	buf_free(&raw);
}

/* Appends s as an astring: quoted if it can be, else a literal (then
 * *lit holds its length, and the caller must send in two steps). */
static int
needs_literal(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 1;
	return 0;
}

static void
add_quoted(struct buf *b, const char *s)
{
	char	*q = imap_quote(s);

	buf_puts(b, q);
	OPENSSL_cleanse(q, strlen(q));
	free(q);
}

/* Waits for a continuation request ("+ ..."). */
static int
wait_continue(struct imap_client *cl, unsigned tag, const char *what,
    struct err *err)
{
	char	said[256];

	for (;;) {
		if (imap_conn_read(cl->conn, cl->ps, -1, &cl->r, err) != 0)
			return -1;
		if (cl->r.kind == IMAP_CONTINUE)
			return 0;
		if (cl->r.kind == IMAP_UNTAGGED) {
			if (common_untagged(cl, &cl->r, err) == -1)
				return -1;
			continue;
		}
		if (!is_tag(&cl->r, tag))
			return err_set(err, ERR_PARSE, "IMAP %s: response to "
			    "an unknown tag during %s", cl->acc->host, what);
		imap_said(cl, said, sizeof(said));
		return err_set(err, ERR_CONFIG, "%s failed (server said: %s)",
		    what, said);
	}
}

/* LOGIN user password, with literals where quoting cannot carry them. */
static int
login_cmd(struct imap_client *cl, struct err *err)
{
	const char	*v[2] = { cl->acc->user, cl->acc->secret };
	unsigned	 tag = ++cl->tag;
	int		 sync_lit;

	buf_reset(&cl->out);
	buf_addf(&cl->out, "A%u LOGIN", tag);
	for (int i = 0; i < 2; i++) {
		buf_addc(&cl->out, ' ');
		if (!needs_literal(v[i])) {
			add_quoted(&cl->out, v[i]);
			continue;
		}
		sync_lit = !(cl->caps & IMAP_CAP_LITERALPLUS);
		buf_addf(&cl->out, "{%zu%s}\r\n", strlen(v[i]),
		    sync_lit ? "" : "+");
		if (sync_lit && (flush_out(cl, err) == -1 ||
		    wait_continue(cl, tag, "login", err) == -1))
			return -1;
		buf_puts(&cl->out, v[i]);
	}
	buf_lit(&cl->out, "\r\n");
	if (flush_out(cl, err) == -1)
		return -1;
	return imap_wait(cl, tag, "login", NULL, NULL, err) == -1 ? -1 : 0;
}

static int
authenticate(struct imap_client *cl, const char *mech, struct err *err)
{
	unsigned	tag = ++cl->tag;
	char		said[256];
	int		ir = (cl->caps & IMAP_CAP_SASL_IR) != 0;

	buf_reset(&cl->out);
	buf_addf(&cl->out, "A%u AUTHENTICATE %s", tag, mech);
	if (ir) {
		buf_addc(&cl->out, ' ');
		sasl_response(cl->acc, &cl->out);
	}
	buf_lit(&cl->out, "\r\n");
	if (flush_out(cl, err) == -1)
		return -1;
	if (!ir) {
		if (wait_continue(cl, tag, "authentication", err) == -1)
			return -1;
		sasl_response(cl->acc, &cl->out);
		buf_lit(&cl->out, "\r\n");
		if (flush_out(cl, err) == -1)
			return -1;
	}
	for (;;) {
		if (imap_conn_read(cl->conn, cl->ps, -1, &cl->r, err) != 0)
			return -1;
		if (cl->r.kind == IMAP_CONTINUE) {
			/* An OAuth error challenge: answer empty, then the
			 * tagged NO follows. */
			buf_lit(&cl->out, "\r\n");
			if (flush_out(cl, err) == -1)
				return -1;
			continue;
		}
		if (cl->r.kind == IMAP_UNTAGGED) {
			if (common_untagged(cl, &cl->r, err) == -1)
				return -1;
			continue;
		}
		if (!is_tag(&cl->r, tag))
			return err_set(err, ERR_PARSE, "IMAP %s: response to "
			    "an unknown tag during authentication",
			    cl->acc->host);
		if (common_untagged(cl, &cl->r, err) == -1)
			return -1;
		if (cl->r.status == IMAP_OK)
			return 0;
		imap_said(cl, said, sizeof(said));
		return err_set(err, ERR_CONFIG, "authentication failed "
		    "(server said: %s)", said);
	}
}

/* LOGIN, with its failure worded like AUTHENTICATE's. */
static int
login(struct imap_client *cl, struct err *err)
{
	char	said[256];

	if (cl->caps & IMAP_CAP_LOGINDISABLED)
		return err_set(err, ERR_CONFIG, "authentication failed: the "
		    "server refuses LOGIN on this connection (LOGINDISABLED)");
	if (login_cmd(cl, err) == 0)
		return 0;
	if (err->code == ERR_CONFIG && strncmp(err->msg, "login failed",
	    12) == 0) {
		imap_said(cl, said, sizeof(said));
		err_set(err, ERR_CONFIG, "authentication failed (server said: "
		    "%s)", said);
	}
	return -1;
}

static int
log_in(struct imap_client *cl, struct err *err)
{
	const struct imap_account	*a = cl->acc;

	switch (a->auth) {
	case IMAP_AUTH_XOAUTH2:
	case IMAP_AUTH_OAUTHBEARER:
		if (!(cl->caps & (a->auth == IMAP_AUTH_XOAUTH2 ?
		    IMAP_CAP_AUTH_XOAUTH2 : IMAP_CAP_AUTH_OAUTHBEARER)))
			return err_set(err, ERR_CONFIG, "authentication "
			    "failed: the server does not offer %s",
			    a->auth == IMAP_AUTH_XOAUTH2 ? "XOAUTH2" :
			    "OAUTHBEARER");
		return authenticate(cl, a->auth == IMAP_AUTH_XOAUTH2 ?
		    "XOAUTH2" : "OAUTHBEARER", err);
	case IMAP_AUTH_PLAIN:
		if (cl->caps & IMAP_CAP_AUTH_PLAIN)
			return authenticate(cl, "PLAIN", err);
		return login(cl, err);
	case IMAP_AUTH_LOGIN:
		break;
	}
	return login(cl, err);
}

int
imap_client_login(const struct imap_account *acc, const atomic_int *stop,
    struct imap_client **out, struct err *err)
{
	struct imap_client	*cl = xcalloc(1, sizeof(*cl));
	char			 said[256];
	int			 preauth = 0;

	*out = NULL;
	cl->acc = acc;
	cl->ps = imap_parser_new();
	buf_init(&cl->out, IMAP_SECRET_MAX * 2 + 4096);
	if (imap_conn_open(acc->host, acc->port, acc->security ==
	    IMAP_SEC_TLS, acc->ca_file, acc->timeout_ms, stop, &cl->conn,
	    err) == -1)
		goto fail;
	if (imap_conn_read(cl->conn, cl->ps, -1, &cl->r, err) != 0)
		goto fail;
	if (cl->r.kind != IMAP_UNTAGGED || (cl->r.status != IMAP_OK &&
	    cl->r.status != IMAP_PREAUTH)) {
		imap_said(cl, said, sizeof(said));
		err_set(err, cl->r.status == IMAP_BYE ? ERR_IO : ERR_PARSE,
		    "IMAP %s: no greeting (server said: %s)", acc->host, said);
		goto fail;
	}
	preauth = cl->r.status == IMAP_PREAUTH;
	(void)common_untagged(cl, &cl->r, err);
	if (cl->caps == 0 && imap_wait(cl, imap_send(cl, err, "CAPABILITY"),
	    "CAPABILITY", NULL, NULL, err) == -1)
		goto fail;
	if (acc->security == IMAP_SEC_STARTTLS) {
		if (preauth) {
			err_set(err, ERR_CONFIG, "IMAP %s: the server skipped "
			    "login (PREAUTH) so STARTTLS is impossible",
			    acc->host);
			goto fail;
		}
		if (!(cl->caps & IMAP_CAP_STARTTLS)) {
			err_set(err, ERR_CONFIG, "IMAP %s: the server does not "
			    "offer STARTTLS", acc->host);
			goto fail;
		}
		if (imap_wait(cl, imap_send(cl, err, "STARTTLS"), "STARTTLS",
		    NULL, NULL, err) == -1 ||
		    imap_conn_starttls(cl->conn, err) == -1)
			goto fail;
		/* What was said before TLS cannot be trusted. */
		cl->caps = 0;
		if (imap_wait(cl, imap_send(cl, err, "CAPABILITY"),
		    "CAPABILITY", NULL, NULL, err) == -1)
			goto fail;
	}
	if (!preauth) {
		if (log_in(cl, err) == -1)
			goto fail;
		if (!(cl->caps & IMAP_CAP_IMAP4REV1) && imap_wait(cl,
		    imap_send(cl, err, "CAPABILITY"), "CAPABILITY", NULL,
		    NULL, err) == -1)
			goto fail;
	}
	if ((cl->caps & (IMAP_CAP_QRESYNC | IMAP_CAP_ENABLE)) ==
	    (IMAP_CAP_QRESYNC | IMAP_CAP_ENABLE) && imap_wait(cl,
	    imap_send(cl, err, "ENABLE QRESYNC"), "ENABLE", NULL, NULL,
	    err) == -1)
		goto fail;
	*out = cl;
	return 0;
fail:
	imap_client_free(cl, 0);
	return -1;
}

void
imap_client_free(struct imap_client *cl, int logout)
{
	struct err	err;

	if (cl == NULL)
		return;
	if (logout && cl->conn != NULL)
		(void)imap_wait(cl, imap_send(cl, &err, "LOGOUT"), "LOGOUT",
		    NULL, NULL, &err);
	imap_conn_close(cl->conn);
	imap_parser_free(cl->ps);
	OPENSSL_cleanse(cl->out.data, cl->out.cap);
	buf_free(&cl->out);
	free(cl->capstr);
	free(cl);
}
