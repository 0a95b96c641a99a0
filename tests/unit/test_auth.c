/*
 * test_auth.c: the accounts of the web dashboard: password policy and
 * hashes, tokens and their hashes, sessions and their timeouts, one-time
 * tokens, throttling, the audit chain, and the pure request parsers
 * (forms, cookies, INI edits, address blocks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/xmalloc.h"
#include "store/store.h"
#include "web/web.h"
#include "t.h"

/* A new database with one tenant in a temporary folder. */
static struct store *
open_store(char *dir, int64_t *tid)
{
	struct store	*st;
	struct err	 err;
	char		*path;

	if (mkdtemp(dir) == NULL)
		abort();
	path = xasprintf("%s/rt.db", dir);
	if (store_open(path, &st, &err) == -1 ||
	    store_tenant_create(st, "acme", "k", 1, 1000, tid, &err) == -1) {
		fprintf(stderr, "# %s\n", err.msg);
		abort();
	}
	free(path);
	return st;
}

static void
close_store(struct store *st, const char *dir)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	store_close(st);
	if (system(cmd) != 0)
		fprintf(stderr, "# cannot remove %s\n", dir);
	free(cmd);
}

static void
test_password_policy(void)
{
	struct err	err;
	char		h[PW_HASH_MAX], longpw[PW_MAX + 2];

	t_ok(pw_check("Tangerine-Orbit-42-Quill", "a@b.example", &err) == 0,
	    "a good password");
	t_ok(pw_check("Short-9x!", NULL, &err) == -1, "under 12 characters");
	t_ok(strstr(err.msg, "shorter") != NULL, "says why");
	t_ok(pw_check("administrator", NULL, &err) == -1, "dictionary word");
	t_ok(pw_check("password1234", NULL, &err) == -1, "word and digits");
	t_ok(pw_check("!!Dictionaries2024", NULL, &err) == -1,
	    "symbols, word and digits");
	t_ok(pw_check("aaaaaaaaaaaaaaa", NULL, &err) == -1, "simplistic");
	t_ok(pw_check("xx-Margarethe-77-Plover", "margarethe@acme.example",
	    &err) == -1, "contains the email's name");
	t_ok(strstr(err.msg, "email") != NULL, "says so");
	memset(longpw, 'q', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	t_ok(pw_check(longpw, NULL, &err) == -1, "over the maximum");
	t_ok(pw_check("Tangerine\nOrbit-42-Quill", NULL, &err) == -1,
	    "control character");
	/* 12 characters of UTF-8 count as 12, not as their bytes. */
	t_ok(pw_check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x", NULL,
	    &err) == -1, "6 characters in 11 bytes is short");

	t_ok(pw_hash("Tangerine-Orbit-42-Quill", h, &err) == 0, "hash");
	t_ok(strncmp(h, "$argon2id$", 10) == 0, "argon2id");
	t_ok(strstr(h, "Tangerine") == NULL, "no plaintext");
	t_eq_i64(pw_verify(h, "Tangerine-Orbit-42-Quill"), 0, "verifies");
	t_eq_i64(pw_verify(h, "Tangerine-Orbit-42-Quilt"), 1, "wrong one");
	t_eq_i64(pw_verify("", "anything"), 1, "no hash: never");
}

static void
test_tokens(void)
{
	char		a[TOKEN_TEXT], b[TOKEN_TEXT], c1[TOKEN_TEXT],
			c2[TOKEN_TEXT];
	unsigned char	ha[STORE_HASH_LEN], hb[STORE_HASH_LEN],
			ha2[STORE_HASH_LEN];

	token_new(a);
	token_new(b);
	t_eq_i64(strlen(a), 43, "43 characters");
	t_ok(strcmp(a, b) != 0, "random");
	t_ok(token_syntax_ok(a), "syntax");
	t_ok(!token_syntax_ok("short"), "too short");
	a[5] = '/';
	t_ok(!token_syntax_ok(a), "not base64url");
	token_new(a);
	token_hash(a, ha);
	token_hash(a, ha2);
	token_hash(b, hb);
	t_ok(memcmp(ha, ha2, sizeof(ha)) == 0, "hash stable");
	t_ok(memcmp(ha, hb, sizeof(ha)) != 0, "hashes differ");
	token_csrf(a, c1);
	token_csrf(b, c2);
	t_ok(token_syntax_ok(c1) && strcmp(c1, c2) != 0, "csrf per session");
	t_ok(token_equal(c1, c1) && !token_equal(c1, c2) &&
	    !token_equal(c1, ""), "equal");
}

static void
test_sessions(void)
{
	char		 dir[] = "/tmp/rt-auth-XXXXXX", id[TOKEN_TEXT];
	struct store_user u;
	struct store_session s;
	struct store	*st;
	struct err	 err;
	int64_t		 tid, uid, t0 = 100000;

	st = open_store(dir, &tid);
	memset(&u, 0, sizeof(u));
	u.tid = tid;
	memset(u.email_bi, 7, sizeof(u.email_bi));
	u.sealed_email = "sealed";
	u.sealed_len = 6;
	snprintf(u.role, sizeof(u.role), "agent");
	t_ok(store_user_add(st, &u, &uid, &err) == 0, "user");
	{
		int64_t	other;

		t_ok(store_user_add(st, &u, &other, &err) == -1,
		    "same email twice");
		snprintf(u.role, sizeof(u.role), "king");
		memset(u.email_bi, 8, sizeof(u.email_bi));
		t_ok(store_user_add(st, &u, &other, &err) == -1,
		    "unknown role");
	}

	t_ok(session_start(st, tid, uid, t0, id, &err) == 0, "start");
	t_eq_i64(session_check(st, id, t0 + 10, &s, &err), 0, "live");
	t_eq_i64(s.uid, uid, "its user");
	t_eq_i64(session_check(st, id, t0 + SESSION_IDLE + 11, &s, &err), 1,
	    "idle timeout");
	t_eq_i64(session_check(st, id, t0 + 20, &s, &err), 1,
	    "an expired session is deleted");
	/* Absolute timeout even when active all along. */
	t_ok(session_start(st, tid, uid, t0, id, &err) == 0, "start");
	for (int64_t t = t0; t < t0 + SESSION_ABSOLUTE; t += SESSION_IDLE / 2)
		t_eq_i64(session_check(st, id, t, &s, &err), 0, "active");
	t_eq_i64(session_check(st, id, t0 + SESSION_ABSOLUTE + 1, &s, &err),
	    1, "absolute timeout");
	t_eq_i64(session_check(st, "not a token", t0, &s, &err), 1, "junk");
	/* Logout everywhere. */
	{
		char id2[TOKEN_TEXT];

		session_start(st, tid, uid, t0, id, &err);
		session_start(st, tid, uid, t0, id2, &err);
		t_ok(store_session_del(st, NULL, tid, uid, &err) == 0, "all");
		t_eq_i64(session_check(st, id, t0, &s, &err), 1, "first gone");
		t_eq_i64(session_check(st, id2, t0, &s, &err), 1, "second");
	}
	/* One-time tokens: single use, kind-bound, expiring. */
	{
		char		tok[TOKEN_TEXT], tok2[TOKEN_TEXT];
		unsigned char	h[STORE_HASH_LEN];
		int64_t		gt, gu;

		t_ok(acct_once_new(st, tid, uid, STORE_ONCE_RESET, t0, tok,
		    &err) == 0, "reset token");
		token_hash(tok, h);
		t_eq_i64(store_once_peek(st, h, STORE_ONCE_INVITE, t0, &gt, &gu,
		    &err), 1, "other kind");
		t_eq_i64(store_once_take(st, h, STORE_ONCE_RESET, t0 + 10, &gt,
		    &gu, &err), 0, "taken");
		t_eq_i64(gu, uid, "its user");
		t_eq_i64(store_once_take(st, h, STORE_ONCE_RESET, t0 + 10, &gt,
		    &gu, &err), 1, "once only");
		acct_once_new(st, tid, uid, STORE_ONCE_RESET, t0, tok, &err);
		token_hash(tok, h);
		t_eq_i64(store_once_take(st, h, STORE_ONCE_RESET,
		    t0 + ONCE_TTL, &gt, &gu, &err), 1, "expired at 24 h");
		acct_once_new(st, tid, uid, STORE_ONCE_RESET, t0, tok, &err);
		acct_once_new(st, tid, uid, STORE_ONCE_RESET, t0, tok2, &err);
		token_hash(tok, h);
		t_eq_i64(store_once_peek(st, h, STORE_ONCE_RESET, t0, &gt,
		    &gu, &err), 1, "a new link cancels the old");
	}
	/* Another tenant's id finds nothing. */
	t_eq_i64(store_user_get(st, tid + 1, uid, &u, &err), 1,
	    "other tenant");
	close_store(st, dir);
}

static void
test_throttle(void)
{
	struct throttle	*t = throttle_new(64);
	int64_t		 now = 5000;

	t_eq_i64(throttle_delay(4, 5), 0, "free failures");
	t_eq_i64(throttle_delay(5, 5), 1, "then 1 s");
	t_eq_i64(throttle_delay(8, 5), 8, "doubling");
	t_eq_i64(throttle_delay(100, 5), THROTTLE_MAX_DELAY, "capped");
	for (int i = 0; i < 5; i++) {
		t_eq_i64(throttle_wait(t, "a", 5, now), 0, "free");
		throttle_fail(t, "a", now);
	}
	t_eq_i64(throttle_wait(t, "a", 5, now), 1, "waits");
	t_eq_i64(throttle_wait(t, "b", 5, now), 0, "other key free");
	throttle_fail(t, "a", now + 1);
	t_eq_i64(throttle_wait(t, "a", 5, now + 1), 2, "doubled");
	t_eq_i64(throttle_wait(t, "a", 5, now + 1 + THROTTLE_FORGET), 0,
	    "forgotten after a quiet hour");
	throttle_fail(t, "c", now);
	for (int i = 0; i < 10; i++)
		throttle_fail(t, "c", now);
	throttle_clear(t, "c");
	t_eq_i64(throttle_wait(t, "c", 5, now), 0, "cleared by a success");
	/* A flood of keys never grows the table. */
	for (int i = 0; i < 10000; i++) {
		char k[32];

		snprintf(k, sizeof(k), "k%d", i);
		throttle_fail(t, k, now);
	}
	throttle_free(t);
}

static void
test_audit(void)
{
	char			 dir[] = "/tmp/rt-auth-XXXXXX";
	struct audit_report	 r;
	struct store_audit	 e;
	struct store		*st;
	struct err		 err;
	struct buf		 a, b;
	int64_t			 tid;

	st = open_store(dir, &tid);
	t_ok(audit_verify(st, tid, &r, &err) == 0 && r.entries == 0 &&
	    r.bad_seq == 0, "empty chain");
	for (int i = 0; i < 5; i++)
		t_ok(audit_add(st, tid, 100 + i, 1, "login", "user 1",
		    "192.0.2.1", &err) == 0, "add");
	t_ok(audit_verify(st, tid, &r, &err) == 0 && r.entries == 5 &&
	    r.bad_seq == 0, "intact");
	/* Two entries that differ only in where a field ends. */
	memset(&e, 0, sizeof(e));
	e.op = "ab";
	e.object = "c";
	e.ip = "";
	buf_init(&a, 0);
	buf_init(&b, 0);
	audit_canon(&e, &a);
	e.op = "a";
	e.object = "bc";
	audit_canon(&e, &b);
	t_ok(a.len != b.len || memcmp(a.data, b.data, a.len) != 0,
	    "unambiguous encoding");
	buf_free(&a);
	buf_free(&b);
	/* A forked chain is refused by the store. */
	memset(&e, 0, sizeof(e));
	e.tid = tid;
	e.seq = 3;
	e.op = "x";
	e.object = "";
	e.ip = "";
	t_ok(store_audit_add(st, &e, &err) == -1, "seq taken");
	close_store(st, dir);
}

static void
test_parsers(void)
{
	struct web_form	 f = { NULL, 0 };
	struct web_cidr	 c;
	struct buf	 out, v;
	struct err	 err;
	char		 val[64];
	const char	*ini = "[organization]\nname = Acme ; c\n\n"
			    "[rules]\ncount_cc = no\nsla_targets = 1h,\n; c\n  4h\n"
			    "  outlier_cap = 2d\n";

	t_ok(form_parse("a=1&b=x+y%21&&c&a=2", 19, &f, &err) == 0, "form");
	t_eq_i64(f.n, 4, "four fields");
	t_ok(strcmp(form_get(&f, "a"), "1") == 0, "first wins");
	t_ok(strcmp(form_get(&f, "b"), "x y!") == 0, "decoded");
	t_ok(strcmp(form_get(&f, "c"), "") == 0, "no value");
	t_ok(form_parse("x=%2", 4, &f, &err) == -1 && f.n == 4, "bad escape");
	t_ok(form_parse("x=%00", 5, &f, &err) == -1, "NUL refused");
	form_free(&f);

	t_eq_i64(cookie_get("a=1; rt_session=abc; b=2", "rt_session", val,
	    sizeof(val)), 0, "cookie");
	t_ok(strcmp(val, "abc") == 0, "its value");
	t_eq_i64(cookie_get("xrt_session=abc", "rt_session", val,
	    sizeof(val)), 1, "no prefix match");
	t_eq_i64(cookie_get("rt_session=0123456789", "rt_session", val, 5),
	    1, "too long is not ours");

	buf_init(&out, 0);
	buf_init(&v, 0);
	t_eq_i64(ini_get(ini, strlen(ini), "organization", "name", &v), 0,
	    "get");
	t_eq_str(buf_str(&v), "Acme", "comment dropped");
	t_eq_i64(ini_get(ini, strlen(ini), "rules", "sla_targets", &v), 0,
	    "continued");
	t_eq_str(buf_str(&v), "1h, 4h", "joined");
	ini_set(ini, strlen(ini), "rules", "sla_targets", "2h", &out);
	t_ok(strstr(out.data, "sla_targets = 2h\n") != NULL &&
	    strstr(out.data, "4h") == NULL, "replaced with its continuation");
	ini_set(ini, strlen(ini), "organization", "internal_domains",
	    "acme.example", &out);
	t_ok(strstr(out.data, "[organization]\ninternal_domains = "
	    "acme.example\nname = Acme ; c\n") != NULL,
	    "added after its section's header");
	t_eq_i64(ini_get(ini, strlen(ini), "rules", "outlier_cap", &v), 0,
	    "indented key");
	t_eq_str(buf_str(&v), "2d", "its value");
	ini_set(ini, strlen(ini), "hours", "timezone", "UTC", &out);
	t_ok(strstr(out.data, "\n[hours]\ntimezone = UTC\n") != NULL,
	    "new section");
	ini_set(ini, strlen(ini), "rules", "count_cc", "", &out);
	t_ok(strstr(out.data, "count_cc") == NULL, "removed");
	ini_drop(ini, strlen(ini), "rules", &out);
	t_eq_str(buf_str(&out), "[organization]\nname = Acme ; c\n\n",
	    "section dropped to the next header");
	ini_drop(ini, strlen(ini), "organization", &out);
	t_ok(strncmp(out.data, "[rules]\n", 8) == 0 &&
	    strstr(out.data, "outlier_cap") != NULL, "the rest kept");
	buf_free(&out);
	buf_free(&v);

	t_ok(web_cidr_parse("10.0.0.0/8", &c, &err) == 0, "cidr");
	t_ok(web_cidr_match_text(&c, "10.200.1.1"), "inside");
	t_ok(!web_cidr_match_text(&c, "11.0.0.1"), "outside");
	t_ok(web_cidr_parse("2001:db8::/32", &c, &err) == 0 &&
	    web_cidr_match_text(&c, "2001:db8::5"), "IPv6");
	t_ok(web_cidr_parse("10.0.0.0/33", &c, &err) == -1, "bad prefix");
	t_ok(web_cidr_parse("proxy.example", &c, &err) == -1, "no names");
}

static const struct t_case cases[] = {
	{ "password_policy", test_password_policy },
	{ "tokens", test_tokens },
	{ "sessions", test_sessions },
	{ "throttle", test_throttle },
	{ "audit", test_audit },
	{ "parsers", test_parsers },
};
T_MAIN(cases)
