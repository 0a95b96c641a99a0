/*
 * auth.h: accounts of the web dashboard, without HTTP: roles, the
 * password policy and hashes, random tokens and their hashes, login
 * throttling, sessions, the audit chain and users with sealed emails.
 * The model is in docs/security.md.
 *
 * Secrets (passwords, session ids, tokens) pass through these functions
 * as NUL-terminated strings borrowed for the call; none is ever stored,
 * logged or put in an error message.  The store sees only their hashes.
 *
 * Returns: 0 / -1 with err filled, as everywhere; lookups return 1 for
 * "none" (a missing user, an expired session, a used token).
 */
#ifndef RT_AUTH_H
#define RT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../store/store.h"

struct archive;

/* ---- Roles (role.c) ---- */

enum role {
	ROLE_OWNER,	/* everything, and deleting the account */
	ROLE_ADMIN,	/* users, settings, audit, tokens, export */
	ROLE_MANAGER,	/* every report */
	ROLE_AGENT,	/* own figures and queue, team aggregates */
	ROLE_VIEWER,	/* aggregate reports, read only */
	ROLE_N
};
#define ROLE_BIT(r)	(1u << (r))

const char	*role_name(enum role r);
/* 0 and *out, or -1 if s names no role. */
int		 role_parse(const char *s, enum role *out);

/* ---- Passwords (password.c) ---- */

#define PW_MIN		12	/* characters (bytes of UTF-8 count each) */
#define PW_MAX		128	/* bytes: argon2 of longer input is a DoS */
#define PW_HASH_MAX	128	/* crypto_pwhash_STRBYTES */

/*
 * The policy: PW_MIN..PW_MAX bytes, no control characters, not
 * containing the local part of email (if email is not NULL and the local
 * part has 3 or more characters; compared case-blind), and accepted by
 * cracklib (dictionary words and their variants, common and simplistic
 * passwords).  Fails with ERR_USAGE and a reason fit to show the user.
 */
int	pw_check(const char *pw, const char *email, struct err *err);
/* The argon2id string of pw (libsodium INTERACTIVE limits) into out,
 * which has PW_HASH_MAX bytes.  Fails only when memory is short. */
int	pw_hash(const char *pw, char *out, struct err *err);
/* 0 if pw matches hash; 1 if not (or hash is "" or malformed).  Always
 * costs one argon2 run, so time does not tell "no such user". */
int	pw_verify(const char *hash, const char *pw);

/* ---- Tokens (token.c) ---- */

#define TOKEN_BYTES	32			/* 256 random bits */
#define TOKEN_TEXT	44			/* base64url + NUL */

/* A new random token as base64url text (43 characters). */
void	token_new(char out[TOKEN_TEXT]);
/* 1 if s has the form of a token (43 base64url characters), else 0. */
int	token_syntax_ok(const char *s);
/* The hash stored for a token: BLAKE2b-256 in a domain of its own. */
void	token_hash(const char *text, unsigned char out[STORE_HASH_LEN]);
/* The CSRF token of a session: a keyed hash of the session id, so it
 * needs no storage and dies with the session. */
void	token_csrf(const char *session, char out[TOKEN_TEXT]);
/* Compares two NUL-terminated strings in time independent of where they
 * differ; 1 if equal. */
int	token_equal(const char *a, const char *b);

/* ---- Login throttling (throttle.c), in the server's memory ---- */

#define THROTTLE_FREE_ACCOUNT	5	/* failures before any delay */
#define THROTTLE_FREE_IP	20
#define THROTTLE_MAX_DELAY	900	/* seconds */
#define THROTTLE_FORGET		3600	/* a quiet hour resets the count */

struct throttle;

/* A table of at most cap keys (oldest forgotten first).  Thread-safe. */
struct throttle	*throttle_new(size_t cap);
void		 throttle_free(struct throttle *t);
/* Seconds to wait before key may try again (0: now); free is the
 * number of failures allowed without delay. */
int64_t		 throttle_wait(struct throttle *t, const char *key, int free,
		    int64_t now);
void		 throttle_fail(struct throttle *t, const char *key,
		    int64_t now);
void		 throttle_clear(struct throttle *t, const char *key);
/* The delay after fails failures: pure, for tests and the docs. */
int64_t		 throttle_delay(int64_t fails, int free);

/* ---- Sessions (session.c) ---- */

#define SESSION_IDLE		(30 * 60)	/* seconds without a request */
#define SESSION_ABSOLUTE	(12 * 3600)	/* seconds since login */
#define SESSION_TOUCH		60		/* seen_at written at most */

/* A new session of user uid; its id (to set in the cookie) in id_out. */
int	session_start(struct store *st, int64_t tid, int64_t uid, int64_t now,
	    char id_out[TOKEN_TEXT], struct err *err);
/* 0 and *out if id names a live session; 1 if not (an expired one is
 * deleted). */
int	session_check(struct store *st, const char *id, int64_t now,
	    struct store_session *out, struct err *err);
int	session_end(struct store *st, const char *id, struct err *err);

/* ---- The audit chain (audit.c) ---- */

/*
 * Appends an entry to tenant tid's audit log: hash = BLAKE2b-256(prev
 * hash || canonical entry), prev of the first entry all zeros.  Runs in
 * its own transaction: the caller must not have one open.  op is a short
 * verb ("login", "login-failed", "user-role", ...); object names what it
 * acted on by id ("user 4", "settings"); ip is the client's address or
 * "".  None of them may hold a secret or header data.
 */
int	audit_add(struct store *st, int64_t tid, int64_t at, int64_t actor,
	    const char *op, const char *object, const char *ip,
	    struct err *err);
/* The canonical bytes of e (without prev and hash), appended to out. */
void	audit_canon(const struct store_audit *e, struct buf *out);
void	audit_hash(const unsigned char prev[STORE_HASH_LEN],
	    const struct store_audit *e, unsigned char out[STORE_HASH_LEN]);

struct audit_report {
	int64_t		 entries;	/* entries read */
	int64_t		 bad_seq;	/* first broken entry; 0: none */
	char		 why[128];	/* what is wrong with it */
	unsigned char	 head[STORE_HASH_LEN];	/* the last hash */
};

/* Checks the whole chain of tenant tid: 0 with *r filled (bad_seq 0 if
 * intact), -1 if it could not be read. */
int	audit_verify(struct store *st, int64_t tid, struct audit_report *r,
	    struct err *err);

/* ---- Users (account.c) ---- */

#define EMAIL_MAX	254

/* Checks the form of an email address and writes it lower-cased into
 * out (EMAIL_MAX + 1 bytes).  Fails with ERR_USAGE. */
int	acct_email_norm(const char *email, char *out, struct err *err);
/* The blind index of a normalised email under the tenant's key. */
void	acct_email_bi(const struct archive *a, const char *norm,
	    unsigned char bi[STORE_BI_LEN]);
/* Adds a user of tenant a->tid with no password yet (it is set through
 * a one-time link, or by acct_set_password). */
int	acct_user_add(struct archive *a, const char *email, enum role role,
	    int64_t now, int64_t *uid_out, struct err *err);
/* The user's email, unsealed, into out (reset first). */
int	acct_user_email(struct archive *a, const struct store_user *u,
	    struct buf *out, struct err *err);
/* 0 and *out for the user with that email; 1 if none. */
int	acct_user_find(struct archive *a, const char *email,
	    struct store_user *out, struct err *err);
/* Checks pw against the policy (with the user's email) and stores its
 * hash; must_change as given.  Ends every session of the user when
 * end_sessions is set. */
int	acct_set_password(struct archive *a, struct store_user *u,
	    const char *pw, int must_change, int end_sessions,
	    struct err *err);
/*
 * Makes a one-time link token of kind for user uid, valid for 24 hours;
 * the token text (to put in the link, never to log) in out.
 */
#define ONCE_TTL	(24 * 3600)
int	acct_once_new(struct store *st, int64_t tid, int64_t uid,
	    enum store_once_kind kind, int64_t now, char out[TOKEN_TEXT],
	    struct err *err);

#endif
