/*
 * test_imap_said.c: what a server said, as errors quote it (imap_said):
 * the secret and the user name replaced by a mask that does not tell
 * their length, and nothing unprintable.
 */
#include <string.h>

#include "base/str.h"
#include "imap/imap_account.h"
#include "imap/imap_client.h"
#include "t.h"

/* What imap_said() makes of a response with text and code. */
static void
said(const char *secret, const char *user, const char *code,
    const char *text, char *out, size_t size)
{
	static struct imap_account	acc;
	struct imap_client		cl;

	memset(&acc, 0, sizeof(acc));
	acc.secret = (char *)secret;
	acc.user = (char *)user;
	memset(&cl, 0, sizeof(cl));
	cl.acc = &acc;
	if (code != NULL)
		cl.r.code = str_cstr(code);
	cl.r.text = str_cstr(text);
	imap_said(&cl, out, size);
}

static void
test_mask(void)
{
	char	a[200], b[200];

	said("hunter2-long", "bob@x.example", NULL,
	    "LOGIN hunter2-long failed for bob@x.example", a, sizeof(a));
	t_ok(strcmp(a, "LOGIN [redacted] failed for [redacted]") == 0,
	    "both masked: %s", a);
	/* The mask is the same whatever the secret's length. */
	said("abc", "someone", NULL, "bad abc here", a, sizeof(a));
	said("a-much-longer-secret", "someone", NULL,
	    "bad a-much-longer-secret here", b, sizeof(b));
	t_ok(strcmp(a, b) == 0 && strcmp(a, "bad [redacted] here") == 0,
	    "fixed mask: %s / %s", a, b);
	t_ok(strchr(a, '*') == NULL, "no asterisks");
	said("s3cret", "u", NULL, "s3crets3cret and s3cret", a, sizeof(a));
	t_ok(strcmp(a, "[redacted][redacted] and [redacted]") == 0,
	    "every copy: %s", a);
	said("ab", "u", NULL, "ab stays (too short to mask)", a, sizeof(a));
	t_ok(strcmp(a, "ab stays (too short to mask)") == 0, "short: %s", a);
	said("s3cret", "u", "ALERT", "s3cret\x01", a, sizeof(a));
	t_ok(strcmp(a, "[ALERT] [redacted]?") == 0, "code, unprintable: %s",
	    a);
	said("s3cret", "u", NULL, "", a, sizeof(a));
	t_ok(strcmp(a, "nothing") == 0, "empty: %s", a);
}

static const struct t_case cases[] = {
	{ "mask", test_mask },
};

T_MAIN(cases)
