/*
 * imap_account.c: IMAP mailbox settings and their stored form (see
 * imap_account.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../base/xmalloc.h"
#include "imap_account.h"

static const char *const sec_names[] = { "tls", "starttls", "plain" };
static const char *const auth_names[] = { "plain", "login", "xoauth2",
	"oauthbearer" };

const char *
imap_security_name(enum imap_security s)
{
	return (size_t)s < nitems(sec_names) ? sec_names[s] : "?";
}

const char *
imap_auth_name(enum imap_auth a)
{
	return (size_t)a < nitems(auth_names) ? auth_names[a] : "?";
}

int
imap_security_parse(const char *s, enum imap_security *out)
{
	for (size_t i = 0; i < nitems(sec_names); i++)
		if (strcmp(s, sec_names[i]) == 0) {
			*out = (enum imap_security)i;
			return 0;
		}
	return -1;
}

int
imap_auth_parse(const char *s, enum imap_auth *out)
{
	for (size_t i = 0; i < nitems(auth_names); i++)
		if (strcmp(s, auth_names[i]) == 0) {
			*out = (enum imap_auth)i;
			return 0;
		}
	return -1;
}

/* A value: present, short enough, no CR, LF or NUL.  what names it. */
static int
check_value(const char *v, size_t max, const char *what, struct err *err)
{
	size_t	n;

	if (v == NULL || *v == '\0')
		return err_set(err, ERR_USAGE, "IMAP mailbox: no %s", what);
	if ((n = strlen(v)) > max)
		return err_set(err, ERR_LIMIT, "IMAP mailbox: %s longer than "
		    "%zu bytes", what, max);
	if (strpbrk(v, "\r\n") != NULL)
		return err_set(err, ERR_USAGE, "IMAP mailbox: %s holds a line "
		    "break", what);
	return 0;
}

int
imap_account_check(const struct imap_account *acc, struct err *err)
{
	if (check_value(acc->address, IMAP_VALUE_MAX, "address", err) == -1 ||
	    check_value(acc->host, 255, "host", err) == -1 ||
	    check_value(acc->user, IMAP_VALUE_MAX, "user", err) == -1 ||
	    check_value(acc->secret, IMAP_SECRET_MAX, "password or token",
	    err) == -1 || (acc->ca_file != NULL && check_value(acc->ca_file,
	    IMAP_VALUE_MAX, "CA file", err) == -1))
		return -1;
	if (acc->port < 1 || acc->port > 65535)
		return err_set(err, ERR_USAGE, "IMAP mailbox: port %d out of "
		    "range", acc->port);
	if (acc->nfolders > IMAP_FOLDERS_MAX)
		return err_set(err, ERR_LIMIT, "IMAP mailbox: more than %d "
		    "folders", IMAP_FOLDERS_MAX);
	for (size_t i = 0; i < acc->nfolders; i++) {
		if (check_value(acc->folders[i], IMAP_VALUE_MAX, "folder",
		    err) == -1)
			return -1;
		/* Folder names go to the server as quoted strings. */
		for (const char *p = acc->folders[i]; *p; p++)
			if ((unsigned char)*p < 0x20 ||
			    (unsigned char)*p >= 0x7f)
				return err_set(err, ERR_USAGE, "IMAP mailbox: "
				    "folder %zu is not 7-bit text (give its "
				    "modified UTF-7 name, as the server "
				    "lists it)", i + 1);
	}
	return 0;
}

static void
put(struct buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	buf_puts(b, k);
	buf_addc(b, '=');
	buf_puts(b, v);
	buf_addc(b, '\n');
}

void
imap_account_encode(const struct imap_account *acc, struct buf *out)
{
	buf_puts(out, "v=1\n");
	put(out, "address", acc->address);
	put(out, "host", acc->host);
	buf_addf(out, "port=%d\n", acc->port);
	put(out, "security", imap_security_name(acc->security));
	put(out, "auth", imap_auth_name(acc->auth));
	put(out, "user", acc->user);
	put(out, "secret", acc->secret);
	put(out, "ca_file", acc->ca_file);
	for (size_t i = 0; i < acc->nfolders; i++)
		put(out, "folder", acc->folders[i]);
	if (acc->timeout_ms > 0)
		buf_addf(out, "timeout_ms=%d\n", acc->timeout_ms);
}

static int
set_str(char **slot, const char *v, size_t n)
{
	if (*slot != NULL)
		return -1;
	*slot = xstrndup(v, n);
	return 0;
}

static int
set_int(int *slot, const char *v, size_t n, long max)
{
	long	x = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	if (x > max)
		return -1;
	*slot = (int)x;
	return 0;
}

static int
field(struct imap_account *acc, struct str k, const char *v, size_t n)
{
	char	tmp[32];

	if (str_eq(k, STR("v")))
		return n == 1 && v[0] == '1' ? 0 : -1;
	if (str_eq(k, STR("address")))
		return set_str(&acc->address, v, n);
	if (str_eq(k, STR("host")))
		return set_str(&acc->host, v, n);
	if (str_eq(k, STR("user")))
		return set_str(&acc->user, v, n);
	if (str_eq(k, STR("secret")))
		return set_str(&acc->secret, v, n);
	if (str_eq(k, STR("ca_file")))
		return set_str(&acc->ca_file, v, n);
	if (str_eq(k, STR("port")))
		return set_int(&acc->port, v, n, 65535);
	if (str_eq(k, STR("timeout_ms")))
		return set_int(&acc->timeout_ms, v, n, 3600000);
	if (str_eq(k, STR("folder"))) {
		if (acc->nfolders == IMAP_FOLDERS_MAX)
			return -1;
		acc->folders[acc->nfolders++] = xstrndup(v, n);
		return 0;
	}
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	if (str_eq(k, STR("security")))
		return imap_security_parse(tmp, &acc->security);
	if (str_eq(k, STR("auth")))
		return imap_auth_parse(tmp, &acc->auth);
	return -1;
}

int
imap_account_decode(const char *p, size_t n, struct imap_account *acc,
    struct err *err)
{
	const char	*end = p + n, *nl, *eq;
	size_t		 line = 0;

	memset(acc, 0, sizeof(*acc));
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (eq = memchr(p, '=', (size_t)(nl - p))) == NULL ||
		    memchr(p, '\0', (size_t)(nl - p)) != NULL ||
		    field(acc, str_make(p, (size_t)(eq - p)), eq + 1,
		    (size_t)(nl - eq - 1)) == -1) {
			imap_account_clear(acc);
			return err_set(err, ERR_PARSE, "stored IMAP settings: "
			    "bad line %zu", line);
		}
		p = nl + 1;
	}
	if (imap_account_check(acc, err) == -1) {
		imap_account_clear(acc);
		return err_prefix(err, "stored settings: ");
	}
	return 0;
}

void
imap_account_clear(struct imap_account *acc)
{
	if (acc->secret != NULL) {
		OPENSSL_cleanse(acc->secret, strlen(acc->secret));
		free(acc->secret);
	}
	free(acc->address);
	free(acc->host);
	free(acc->user);
	free(acc->ca_file);
	for (size_t i = 0; i < acc->nfolders; i++)
		free(acc->folders[i]);
	memset(acc, 0, sizeof(*acc));
}
