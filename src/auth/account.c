/*
 * account.c: users of a tenant, with their email sealed (auth.h).
 *
 * An email is personal data: the store keeps it sealed with the tenant's
 * key and finds it by its blind index (the address kind, so a user's
 * index equals the index of the same address in the tenant's mail).
 * Emails are compared lower-cased.
 */
#include <stdio.h>
#include <string.h>

#include "../store/archive.h"
#include "auth.h"

int
acct_email_norm(const char *email, char *out, struct err *err)
{
	size_t		 len = strnlen(email, EMAIL_MAX + 1), at = 0, nat = 0;

	if (len == 0 || len > EMAIL_MAX)
		return err_set(err, ERR_USAGE, "the email address is empty "
		    "or too long");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)email[i];

		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' ||
		    c == '"' || c == ',' || c == ';' || c == '\\')
			return err_set(err, ERR_USAGE, "the email address "
			    "contains a character it may not have");
		if (c == '@') {
			at = i;
			nat++;
		}
		out[i] = (char)rt_lower(c);
	}
	out[len] = '\0';
	if (nat != 1 || at == 0 || at > 64 || at + 1 == len ||
	    strchr(out + at + 1, '.') == NULL)
		return err_set(err, ERR_USAGE, "that is not an email address");
	return 0;
}

void
acct_email_bi(const struct archive *a, const char *norm,
    unsigned char bi[STORE_BI_LEN])
{
	vault_blind(a->key, VAULT_BI_ADDRESS, norm, strlen(norm), bi);
}

int
acct_user_add(struct archive *a, const char *email, enum role role,
    int64_t now, int64_t *uid_out, struct err *err)
{
	struct store_user	u;
	struct buf		sealed;
	char			norm[EMAIL_MAX + 1];
	int			rc;

	if (acct_email_norm(email, norm, err) == -1)
		return -1;
	memset(&u, 0, sizeof(u));
	u.tid = a->tid;
	acct_email_bi(a, norm, u.email_bi);
	buf_init(&sealed, 0);
	archive_seal(a, "users", 0, 0, norm, strlen(norm), &sealed);
	u.sealed_email = sealed.data;
	u.sealed_len = sealed.len;
	snprintf(u.role, sizeof(u.role), "%s", role_name(role));
	u.created_at = now;
	rc = store_user_add(a->st, &u, uid_out, err);
	buf_free(&sealed);
	return rc;
}

int
acct_user_email(struct archive *a, const struct store_user *u,
    struct buf *out, struct err *err)
{
	buf_reset(out);
	return archive_open_sealed(a, "users", 0, 0, u->sealed_email,
	    u->sealed_len, out, err);
}

int
acct_user_find(struct archive *a, const char *email, struct store_user *out,
    struct err *err)
{
	unsigned char	bi[STORE_BI_LEN];
	char		norm[EMAIL_MAX + 1];
	struct err	ignored;

	memset(out, 0, sizeof(*out));
	/* A malformed address names nobody. */
	if (acct_email_norm(email, norm, &ignored) == -1)
		return 1;
	acct_email_bi(a, norm, bi);
	return store_user_find(a->st, a->tid, bi, out, err);
}

int
acct_set_password(struct archive *a, struct store_user *u, const char *pw,
    int must_change, int end_sessions, struct err *err)
{
	struct buf	email;
	int		rc;

	buf_init(&email, 0);
	rc = acct_user_email(a, u, &email, err);
	if (rc == 0)
		rc = pw_check(pw, email.data, err);
	buf_free(&email);
	if (rc == 0)
		rc = pw_hash(pw, u->pwhash, err);
	if (rc == -1)
		return -1;
	u->must_change = must_change;
	if (store_user_set(a->st, u, err) != 0)
		return -1;
	if (end_sessions && store_session_del(a->st, NULL, u->tid, u->id,
	    err) == -1)
		return -1;
	return 0;
}

int
acct_once_new(struct store *st, int64_t tid, int64_t uid,
    enum store_once_kind kind, int64_t now, char out[TOKEN_TEXT],
    struct err *err)
{
	unsigned char	h[STORE_HASH_LEN];

	token_new(out);
	token_hash(out, h);
	return store_once_add(st, h, tid, uid, kind, now + ONCE_TTL, err);
}
