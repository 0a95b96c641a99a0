/*
 * test_imap_parse.c: IMAP response framing and parsing, and the stored
 * form of IMAP mailbox settings.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "imap/imap_account.h"
#include "imap/imap_parse.h"
#include "t.h"

static struct imap_parser	*ps;
static char			 bytes[8192];

/* Frames and parses s (a C string) as one response: 0 or -1. */
static int
parse(const char *s, struct imap_resp *r, struct err *err)
{
	size_t	n, len = strlen(s);

	if (ps == NULL)
		ps = imap_parser_new();
	memcpy(bytes, s, len);
	if (imap_frame(bytes, len, &n, err) != 1)
		return -1;
	if (n != len) {
		err_set(err, ERR_PARSE, "framed %zu of %zu", n, len);
		return -1;
	}
	return imap_parse(ps, bytes, n, r, err);
}

static void
test_frame(void)
{
	struct err	err;
	size_t		n = 0;
	char		big[IMAP_LINE_MAX + 10];
	const char	*two = "* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n* 2 EXISTS\r\n";

	t_eq_i64(imap_frame("* OK", 4, &n, &err), 0, "no line end yet");
	t_eq_i64(imap_frame("* OK\r\n", 6, &n, &err), 1, "a line");
	t_eq_i64(n, 6, "its length");
	t_eq_i64(imap_frame(two, 20, &n, &err), 0, "literal incomplete");
	t_eq_i64(imap_frame(two, strlen(two), &n, &err), 1, "with literal");
	t_eq_i64(n, strlen("* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\n"),
	    "the literal's CR LF is not a line end");
	memset(big, 'x', sizeof(big));
	t_eq_i64(imap_frame(big, sizeof(big), &n, &err), -1, "long line");
	t_eq_i64(err.code, ERR_LIMIT, "a limit");
	t_eq_i64(imap_frame("* 1 FETCH (X {99999999999}\r\n", 28, &n, &err),
	    -1, "huge literal");
	t_eq_i64(imap_frame("* 1 FETCH (X {2000000}\r\n", 24, &n, &err), -1,
	    "literal over the limit");
	t_ok(strstr(err.msg, "literal") != NULL, "%s", err.msg);
}

static void
test_status(void)
{
	struct imap_resp	r;
	struct err		err;

	t_eq_i64(parse("* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n",
	    &r, &err), 0, "%s", err.msg);
	t_eq_i64(r.kind, IMAP_UNTAGGED, "untagged");
	t_eq_i64(r.status, IMAP_OK, "OK");
	t_eq_str(r.code, "CAPABILITY", "code");
	t_eq_str(r.code_arg, "IMAP4rev1 IDLE", "code argument");
	t_eq_str(r.text, "Dovecot ready.", "text");
	t_eq_i64(parse("A12 NO [AUTHENTICATIONFAILED] Authentication "
	    "failed.\r\n", &r, &err), 0, "%s", err.msg);
	t_eq_i64(r.kind, IMAP_TAGGED, "tagged");
	t_eq_str(r.tag, "A12", "tag");
	t_eq_i64(r.status, IMAP_NO, "NO");
	t_eq_str(r.code, "AUTHENTICATIONFAILED", "code");
	t_eq_i64(parse("* OK [PERMANENTFLAGS (\\Deleted \\*)] Limited\r\n",
	    &r, &err), 0, "%s", err.msg);
	t_eq_str(r.code_arg, "(\\Deleted \\*)", "a list in a code");
	t_eq_i64(parse("+ idling\r\n", &r, &err), 0, "%s", err.msg);
	t_eq_i64(r.kind, IMAP_CONTINUE, "continuation");
	t_eq_str(r.text, "idling", "its text");
	t_eq_i64(parse("+\r\n", &r, &err), 0, "bare continuation: %s",
	    err.msg);
	t_eq_i64(parse("* OK text with \"odd (bytes {3}\r\n", &r, &err), -1,
	    "a literal announced in text is framed as one");
	t_eq_i64(parse("* OK text with \"odd (bytes\r\n", &r, &err), 0,
	    "free text: %s", err.msg);
	t_eq_i64(parse("A1 EXISTS\r\n", &r, &err), -1, "tagged data");
	t_eq_i64(parse("* 3 OK hm\r\n", &r, &err), -1, "number before OK");
}

static void
test_fetch(void)
{
	struct imap_resp	 r;
	struct err		 err;
	const struct imap_item	*it;
	uint64_t		 v;
	const char		*hdr = "From: a@b.example\r\nX: {3}\r\n\r\n";
	char			 s[512];

	snprintf(s, sizeof(s), "* 12 FETCH (UID 7 INTERNALDATE \"17-Jul-1996 "
	    "02:44:25 -0700\" BODY[HEADER.FIELDS (FROM TO)] {%zu}\r\n%s "
	    "MODSEQ (99) FLAGS (\\Seen))\r\n", strlen(hdr), hdr);
	t_eq_i64(parse(s, &r, &err), 0, "%s", err.msg);
	t_ok(r.has_num && r.num == 12, "sequence number");
	t_eq_str(r.name, "FETCH", "name");
	it = r.items;
	t_eq_i64(r.nitems, 13, "items");
	t_eq_i64(it[0].type, IMAP_LIST, "a list");
	t_eq_i64(it[0].end, 13, "spans all");
	t_eq_str(it[1].s, "UID", "UID");
	t_eq_i64(imap_num(it[2].s, &v), 0, "number");
	t_eq_i64(v, 7, "uid 7");
	t_eq_i64(it[4].type, IMAP_STRING, "quoted");
	t_eq_str(it[4].s, "17-Jul-1996 02:44:25 -0700", "date");
	t_eq_str(it[5].s, "BODY[HEADER.FIELDS (FROM TO)]", "section atom");
	t_eq_i64(it[6].type, IMAP_STRING, "literal");
	t_eq_str(it[6].s, hdr, "literal bytes exactly");
	t_eq_i64(it[8].type, IMAP_LIST, "MODSEQ list");
	t_eq_i64(it[8].end, 10, "one child");
	t_eq_str(it[12].s, "\\Seen", "flag atom");

	t_eq_i64(parse("* LIST (\\HasNoChildren \\Sent) \"/\" \"a \\\"b\\\" "
	    "\\\\c\"\r\n", &r, &err), 0, "%s", err.msg);
	t_eq_str(r.items[4].s, "a \"b\" \\c", "quoted unescaped in place");
	t_eq_i64(parse("* LIST () NIL INBOX\r\n", &r, &err), 0, "%s",
	    err.msg);
	t_eq_i64(r.items[1].type, IMAP_NIL, "NIL");
	t_eq_i64(parse("* VANISHED (EARLIER) 1:5,7\r\n", &r, &err), 0, "%s",
	    err.msg);
	t_eq_str(r.items[1].s, "EARLIER", "EARLIER");
	t_eq_str(r.items[2].s, "1:5,7", "uid set");
}

static void
test_bad(void)
{
	static const char *const bad[] = {
		"* 1 FETCH (UID 1\r\n",			/* list not closed */
		"* 1 FETCH UID 1)\r\n",			/* stray ')' */
		"* 1 FETCH (\"a\r\n",			/* open quote */
		"* 1 FETCH (\"a\\x\")\r\n",		/* bad escape */
		"* 1 FETCH (BODY[ 1)\r\n",		/* open bracket */
		"* 1 FETCH (a]b)\r\n",			/* stray ']' */
		"* 1 FETCH (\"a\"b)\r\n",		/* not separated */
		"\r\n",					/* empty */
		"A(1 OK x\r\n",				/* bad tag */
		"* 1 FET\001CH\r\n",			/* bad name */
		"* 1 FETCH (a\001)\r\n",		/* control byte */
	};
	struct imap_resp	r;
	struct err		err;
	char			deep[128];
	size_t			n = 0;

	for (size_t i = 0; i < nitems(bad); i++) {
		err_clear(&err);
		t_eq_i64(parse(bad[i], &r, &err), -1, "bad %zu refused", i);
		t_ok(strstr(err.msg, "byte") != NULL || err.msg[0] == '\0' ||
		    strstr(err.msg, "framed") != NULL, "%zu names the place: "
		    "%s", i, err.msg);
	}
	n = (size_t)snprintf(deep, sizeof(deep), "* 1 FETCH ");
	for (int i = 0; i <= IMAP_DEPTH_MAX; i++)
		deep[n++] = '(';
	for (int i = 0; i <= IMAP_DEPTH_MAX; i++)
		deep[n++] = ')';
	memcpy(deep + n, "\r\n", 3);
	t_eq_i64(parse(deep, &r, &err), -1, "too deep");
	t_eq_i64(err.code, ERR_LIMIT, "a limit");
	/* Error messages never quote the data. */
	t_eq_i64(parse("* 1 FETCH (\"secret-subject\x01\")\r\n", &r, &err),
	    0, "control bytes inside a quoted string are data: %s", err.msg);
	t_eq_i64(parse("* 1 FETCH (secret-subject\x01)\r\n", &r, &err), -1,
	    "refused");
	t_ok(strstr(err.msg, "secret") == NULL, "no data quoted: %s", err.msg);
}

static void
test_items_limit(void)
{
	struct buf		b;
	struct imap_resp	r;
	struct err		err;
	size_t			n;

	buf_init(&b, 0);
	buf_puts(&b, "* SEARCH");
	for (int i = 0; i < IMAP_ITEMS_MAX + 1; i++)
		buf_puts(&b, " 1");
	buf_puts(&b, "\r\n");
	if (ps == NULL)
		ps = imap_parser_new();
	t_eq_i64(imap_frame(b.data, b.len, &n, &err), 1, "framed");
	t_eq_i64(imap_parse(ps, b.data, n, &r, &err), -1, "too many items");
	t_eq_i64(err.code, ERR_LIMIT, "a limit");
	buf_free(&b);
}

static void
test_account(void)
{
	struct imap_account	a, b;
	struct buf		enc;
	struct err		err;

	memset(&a, 0, sizeof(a));
	a.address = xstrdup("support@example.com");
	a.host = xstrdup("imap.example.com");
	a.port = 993;
	a.security = IMAP_SEC_STARTTLS;
	a.auth = IMAP_AUTH_XOAUTH2;
	a.user = xstrdup("support");
	a.secret = xstrdup("p=ss word");
	a.folders[a.nfolders++] = xstrdup("INBOX");
	a.folders[a.nfolders++] = xstrdup("Sent Items");
	t_eq_i64(imap_account_check(&a, &err), 0, "%s", err.msg);
	buf_init(&enc, 0);
	imap_account_encode(&a, &enc);
	t_eq_i64(imap_account_decode(enc.data, enc.len, &b, &err), 0, "%s",
	    err.msg);
	t_ok(strcmp(b.secret, "p=ss word") == 0, "secret kept");
	t_ok(strcmp(b.folders[1], "Sent Items") == 0, "folders kept");
	t_eq_i64(b.security, IMAP_SEC_STARTTLS, "security");
	t_eq_i64(b.auth, IMAP_AUTH_XOAUTH2, "auth");
	t_eq_i64(b.port, 993, "port");
	imap_account_clear(&b);
	t_eq_i64(imap_account_decode("v=1\nbogus=1\n", 12, &b, &err), -1,
	    "unknown key");
	t_eq_i64(imap_account_decode(enc.data, enc.len - 1, &b, &err), -1,
	    "cut short");
	free(a.secret);
	a.secret = xstrdup("a\nb");
	t_eq_i64(imap_account_check(&a, &err), -1, "line break refused");
	t_ok(strstr(err.msg, "a\nb") == NULL, "secret not quoted");
	buf_free(&enc);
	imap_account_clear(&a);
}

static const struct t_case cases[] = {
	{ "frame", test_frame },
	{ "status", test_status },
	{ "fetch", test_fetch },
	{ "bad", test_bad },
	{ "items_limit", test_items_limit },
	{ "account", test_account },
};

T_MAIN(cases)
