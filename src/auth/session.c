/*
 * session.c: login sessions (auth.h).
 *
 * A session id is a 256-bit random token given to the browser in a
 * cookie; the store keeps only its hash, with the times of creation and
 * of the last request.  A session ends after SESSION_IDLE seconds without
 * a request or SESSION_ABSOLUTE seconds after login, whichever is first.
 * seen_at is written at most every SESSION_TOUCH seconds, so a busy
 * dashboard does not write on every request.
 */
#include "auth.h"

int
session_start(struct store *st, int64_t tid, int64_t uid, int64_t now,
    char id_out[TOKEN_TEXT], struct err *err)
{
	struct store_session	s = { .tid = tid, .uid = uid,
				    .created_at = now, .seen_at = now };
	unsigned char		h[STORE_HASH_LEN];

	token_new(id_out);
	token_hash(id_out, h);
	return store_session_add(st, h, &s, err);
}

int
session_check(struct store *st, const char *id, int64_t now,
    struct store_session *out, struct err *err)
{
	unsigned char	h[STORE_HASH_LEN];
	int		r;

	if (!token_syntax_ok(id))
		return 1;
	token_hash(id, h);
	if ((r = store_session_get(st, h, out, err)) != 0)
		return r;
	if (now - out->seen_at > SESSION_IDLE ||
	    now - out->created_at > SESSION_ABSOLUTE || now < out->created_at) {
		if (store_session_del(st, h, 0, 0, err) == -1)
			return -1;
		return 1;
	}
	if (now - out->seen_at >= SESSION_TOUCH &&
	    store_session_touch(st, h, now, err) == -1)
		return -1;
	return 0;
}

int
session_end(struct store *st, const char *id, struct err *err)
{
	unsigned char	h[STORE_HASH_LEN];

	if (!token_syntax_ok(id))
		return 0;
	token_hash(id, h);
	return store_session_del(st, h, 0, 0, err);
}
