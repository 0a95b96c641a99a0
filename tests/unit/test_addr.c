/*
 * test_addr.c: address lists (From, To, Cc) and their normal form.
 *
 * Expected addresses, bad counts and display names are written by hand
 * from the rules in addr.h and docs/violations/addr.md, never computed by
 * the code under test.  Names go through words_decode(), so the cases
 * with encoded words also check that the phrase handed to it was right.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "mail/addr.h"
#include "mail/words.h"
#include "t.h"

struct acase {
	const char	*in;
	size_t		 inlen;
	const char	*want;		/* addresses joined by '|' */
	size_t		 bad;
	const char	*names;		/* names joined by '|'; NULL: unchecked */
};

/* sizeof keeps embedded NUL bytes. */
#define C(in, want, bad, names)	{ (in), sizeof(in) - 1, (want), (bad), (names) }

static const struct acase acases[] = {
	/* Plain mailboxes. */
	C("a@b", "a@b", 0, ""),
	C("A@B.COM", "a@b.com", 0, NULL),
	C("  a@b \t ", "a@b", 0, NULL),
	C("John Smith <John.Smith@Example.COM>", "john.smith@example.com", 0,
	    "John Smith"),
	C("<a@b>", "a@b", 0, ""),
	C("Name<a@b>,Other<c@d>", "a@b|c@d", 0, "Name|Other"),
	C("\"Joe Q. Public\" <john.q.public@example.com>, Mary Smith "
	    "<mary@x.test>, jdoe@example.org, Who? <one@y.test>",
	    "john.q.public@example.com|mary@x.test|jdoe@example.org|"
	    "one@y.test", 0, "Joe Q. Public|Mary Smith||Who?"),
	C("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" "
	    "<sysservices@example.net>",
	    "boss@nil.test|sysservices@example.net", 0,
	    "|Giant; \"Big\" Box"),

	/* Groups contribute their members; an empty group nothing. */
	C("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	    "c@a.test|joe@where.test|jdoe@one.test", 0, "Ed Jones||John"),
	C("undisclosed-recipients:;", "", 0, NULL),
	C("Undisclosed recipients: ;", "", 0, NULL),
	C("unlisted-recipients:; (no To-header on input)", "", 0, NULL),
	C("(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;",
	    "", 0, NULL),
	C("team: a@x, b@y;, c@z", "a@x|b@y|c@z", 0, NULL),
	C("team: a@x, b@y", "a@x|b@y", 0, NULL),
	C("g1: g2: a@b;;, c@d", "a@b|c@d", 0, NULL),
	C(":a@b;", "a@b", 0, NULL),
	C("A Group(Some people):Chris Jones <c@(Chris's host.)public.example>,"
	    " joe@example.org, John <jdoe@one.test> (my dear friend); "
	    "(the end of the group)",
	    "c@public.example|joe@example.org|jdoe@one.test", 0,
	    "Chris Jones||John"),

	/* Obsolete syntax (RFC 5322 4.4). */
	C("<@a,@b:x@y>", "x@y", 0, NULL),
	C("<@a, @b : x@y>", "x@y", 0, NULL),
	C("<@a,,@b:x@y>", "x@y", 0, NULL),
	C("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
	    "mary@example.net|jdoe@test.example", 0, "Mary Smith|"),
	C("j . s @ x . y", "j.s@x.y", 0, NULL),
	C("j(c) . s (c)@ (c) x .(d) y", "j.s@x.y", 0, NULL),
	C("a@b,,c@d", "a@b|c@d", 0, NULL),
	C(",a@b,", "a@b", 0, NULL),
	C("John . Smith <j@x>", "j@x", 0, "John . Smith"),
	C("Joe Q. Public <john.q.public@example.com>",
	    "john.q.public@example.com", 0, "Joe Q. Public"),

	/* Quoted local parts: content kept, quotes and backslashes gone. */
	C("\"John Smith\"@Example.com", "john smith@example.com", 0, NULL),
	C("\"q\\\"uo\\\\te\"@X.com", "q\"uo\\te@x.com", 0, NULL),
	C("\"a@b\"@c", "a@b@c", 0, NULL),
	C("a.\"B\".c@d", "a.b.c@d", 0, NULL),
	C("\"\"@b", "", 1, NULL),
	C("\"a\0b\"@c", "ab@c", 0, NULL),

	/* Domain literals. */
	C("x@[1.2.3.4]", "x@[1.2.3.4]", 0, NULL),
	C("x@[ 1.2.3.4 ]", "x@[1.2.3.4]", 0, NULL),
	C("x@[IPv6:::1]", "x@[ipv6:::1]", 0, NULL),
	C("x@[1.2.3.4", "", 1, NULL),
	C("x@[a@b]", "", 1, NULL),

	/* Comments anywhere, nested, with quoted pairs. */
	C("(comment (nested \\) ) ) a@b (c)", "a@b", 0, "c"),
	C("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	    "pete@silly.test", 0, "Pete"),
	C("John Doe <jdoe@machine(comment).  example>",
	    "jdoe@machine.example", 0, "John Doe"),
	C("joe@ex.com (Joe) , jane@ex.com (Jane)", "joe@ex.com|jane@ex.com",
	    0, "Joe|Jane"),
	C("a@b (x) (y)", "a@b", 0, "x"),
	C("(x) a@b", "a@b", 0, ""),
	C("a@b (unterminated", "a@b", 0, ""),
	C("Name (unterminated <a@b>", "", 1, NULL),
	C("((((", "", 0, NULL),

	/* Display names: phrases, encoded words, 8-bit. */
	C("=?utf-8?q?J=C3=B6rg?= <j@x>", "j@x", 0, "J\xc3\xb6rg"),
	C("\"=?utf-8?q?J=C3=B6rg?=\" <j@x>", "j@x", 0, "J\xc3\xb6rg"),
	C("=?utf-8?q?Smith=2C_John?= <j@x>", "j@x", 0, "Smith, John"),
	C("=?utf-8?q?a?= =?utf-8?q?b?= <x@y>", "x@y", 0, "ab"),
	C("a@b (=?utf-8?q?J=C3=B6rg?=)", "a@b", 0, "J\xc3\xb6rg"),
	C("J\xc3\xb6rg M\xc3\xbcller <J@X>", "j@x", 0,
	    "J\xc3\xb6rg M\xc3\xbcller"),
	C("J\xf6rg <j@x>", "j@x", 0, "J\xef\xbf\xbdrg"),
	C("\"a@b\" <c@d>", "c@d", 0, "a@b"),
	C("a@b <c@d>", "c@d", 0, "a@b"),
	C("a@b <c@d> e@f", "c@d|e@f", 0, "a@b|"),
	C("\"a\" \"b\" <x@y>", "x@y", 0, "a b"),
	C("\"a\" b <c@d>", "c@d", 0, "a b"),
	C("\"John   Smith\" <j@x>", "j@x", 0, "John Smith"),
	C("John [Sales] <j@x>", "j@x", 0, "John [Sales]"),
	C("Pete(comment)Smith <x@y>", "x@y", 0, "Pete Smith"),

	/* Unquoted commas in names: GMime's reading. */
	C("Smith, John <j@x>", "j@x", 0, "Smith, John"),
	C("Smith, John <j@x>, Doe, Jane <d@y>", "j@x|d@y", 0,
	    "Smith, John|Doe, Jane"),
	C("Smith, John, Jr <j@x>", "j@x", 0, "Smith, John, Jr"),
	C("Smith, <j@x>", "j@x", 0, "Smith,"),
	C("Smith,John<j@x>", "j@x", 0, "Smith,John"),
	C("\"Smith\", John <j@x>", "j@x", 0, "Smith, John"),
	C("Smith, \"j@x\" <j@x>", "j@x", 0, "Smith, j@x"),
	C("Smith, John: a@b;", "a@b", 0, ""),
	C("smith, j@x", "j@x", 1, ""),
	C("john, j@x, k@y", "j@x|k@y", 1, NULL),
	C("Smith, John j@x", "j@x", 1, "John"),
	C("Smith,, John <j@x>", "j@x", 1, "John"),
	C("x, y, z <j@x>, w", "j@x", 1, "x, y, z"),
	C("Smith, John <j@x>, Doe", "j@x", 1, NULL),
	C("'Patton, Tony'; Irish LUG", "", 3, NULL),

	/* Real-world breakage. */
	C("Name <a@b", "a@b", 0, "Name"),
	C("<a@b", "a@b", 0, NULL),
	C("Name <a@b, c@d", "a@b|c@d", 0, "Name|"),
	C("Name <a@b c@d>", "a@b|c@d", 0, NULL),
	C("<a@b>>", "a@b", 0, NULL),
	C("Name <<a@b>>", "a@b", 0, "Name"),
	C("a@b>, c@d", "a@b|c@d", 0, "|"),
	C("a@b c@d", "a@b|c@d", 0, NULL),
	C("<a@b> <c@d>", "a@b|c@d", 0, NULL),
	C("<a@b>c@d", "a@b|c@d", 0, NULL),
	C("Name <a@b> junk", "a@b", 1, NULL),
	C("Name <a@b> Name2 <c@d>", "a@b|c@d", 0, "Name|Name2"),
	C("a@b;c@d", "a@b|c@d", 0, NULL),
	C("<a@b>; \"B\" <c@d>", "a@b|c@d", 0, "|B"),
	C("Smith; John <j@x>", "j@x", 1, NULL),
	C("<mailto:a@b>", "a@b", 0, NULL),
	C("\"unterminated <a@b>", "a@b", 0, "unterminated"),
	C("foo \"bar <a@b>, c@d", "a@b|c@d", 0, "foo bar|"),
	C("\"unterminated a@b", "a@b", 0, NULL),
	C("John j@x", "j@x", 0, "John"),
	/* Words before the local part inside <>: no address (not a made-up
	 * "recipients@x.org" that could be somebody's). */
	C("<Undisclosed Recipients@x.org>", "", 1, NULL),
	C("Jane <Customer Support@x.org>, b@y.org", "b@y.org", 1, NULL),
	/* A domain cut by a quoted string after its final dot: no
	 * address, and the quoted string left over is a second bad one. */
	C("a@example.\"com]\", b@y.org", "b@y.org", 2, NULL),
	C("a@example. \"x\", b@y.org", "b@y.org", 2, NULL),
	C("a@b.", "a@b", 0, NULL),
	C("a@b..", "a@b", 0, NULL),
	C("a@b .", "a@b", 0, NULL),
	C("a.@b", "a.@b", 0, NULL),
	C("a..b@c", "a..b@c", 0, NULL),
	C(".a@b", ".a@b", 0, NULL),
	C("a@b@c", "a@b", 1, NULL),
	C("a@b[c]", "a@b", 1, NULL),

	/* No address. */
	C("<>", "", 1, NULL),
	C("Name <>", "", 1, NULL),
	C("no-at-sign", "", 1, NULL),
	C("Name <no-at>", "", 1, NULL),
	C("@b", "", 1, NULL),
	C("a@", "", 1, NULL),
	C("a@.", "", 1, NULL),
	C("j\\@x", "", 1, NULL),
	C("a.b.c, d@e", "d@e", 1, NULL),

	/* IDN and raw 8-bit: ASCII lower-cased, other bytes kept. */
	C("a@M\xc3\xbcller.DE", "a@m\xc3\xbcller.de", 0, NULL),
	C("x@\xc3\x9c" "BER.de", "x@\xc3\x9c" "ber.de", 0, NULL),
	C("\xe4\xb8\xad\xe6\x96\x87@Example.com",
	    "\xe4\xb8\xad\xe6\x96\x87@example.com", 0, NULL),
	C("\xff\xfe@b", "\xff\xfe@b", 0, NULL),

	/* NUL and other controls count as white space. */
	C("a@b\0c@d", "a@b|c@d", 0, NULL),
	C("Na\0me <a@b>", "a@b", 0, "Na me"),
	C("a@b\x01", "a@b", 0, NULL),
	C("a\x7f@b", "a@b", 0, NULL),

	/* Empty values and garbage. */
	C("", "", 0, NULL),
	C("   ", "", 0, NULL),
	C(",", "", 0, NULL),
	C(";", "", 0, NULL),
	C(",,,;;;", "", 0, NULL),
	C(")>]\\[", "", 0, NULL),
	C("\"", "", 0, NULL),
	C("<", "", 1, NULL),
	C(".", "", 0, NULL),
	C("a@b\\", "a@b", 0, NULL),
	C("<<<>>>", "", 1, NULL),
	C("@@@", "", 3, NULL),
};

/* Joins the addresses (or names) of out with '|'. */
static void
join(const struct mail_addrs *out, int names, char *buf, size_t size)
{
	struct str	s;
	size_t		i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < out->n; i++) {
		s = names ? out->v[i].name : out->v[i].addr;
		if (n + s.len + 2 > size)
			return;
		if (i > 0)
			buf[n++] = '|';
		if (s.len > 0)
			memcpy(buf + n, s.p, s.len);
		n += s.len;
		buf[n] = '\0';
	}
}

/* Every case through both parsers: the fast path and the reference. */
static void
test_cases(void)
{
	struct arena		*a = arena_new(1 << 20);
	struct words		*w = words_new();
	struct mail_addrs	 out;
	char			 buf[1024];
	size_t			 i;
	int			 slow;

	for (slow = 0; slow <= 1; slow++)
	for (i = 0; i < nitems(acases); i++) {
		struct str	in = str_make(acases[i].in, acases[i].inlen);

		arena_reset(a);
		memset(&out, 0, sizeof(out));
		t_eq_i64(slow ? addr_parse_list_slow(a, w, in, &out) :
		    addr_parse_list(a, w, in, &out), 0, "case %zu rc", i);
		join(&out, 0, buf, sizeof(buf));
		t_eq_mem(buf, strlen(buf), acases[i].want, "case %zu%s: %s",
		    i, slow ? " (slow)" : "", acases[i].in);
		t_eq_i64(out.bad, acases[i].bad, "case %zu%s bad: %s", i,
		    slow ? " (slow)" : "", acases[i].in);
		if (acases[i].names != NULL) {
			join(&out, 1, buf, sizeof(buf));
			t_eq_mem(buf, strlen(buf), acases[i].names,
			    "case %zu%s names: %s", i, slow ? " (slow)" : "",
			    acases[i].in);
		}
	}
	words_free(w);
	arena_free(a);
}

/*
 * Shapes at the edges of the fast path (addr_fast): each must read
 * exactly as the reference parser reads it, addresses, names and bad.
 */
static void
test_fast_slow(void)
{
	static const char *const ins[] = {
		"a@b", "A.B@C.D", "a@b,c@d", "a@b ,c@d", "a@b c@d",
		"a@b (Name)", "a@b.", "a@b.\"x\"", "a@ b", "a @b", ".a@b",
		"a..b@c..d", "a@b@c", "a@", "@b", "a@b\r", "a@b;c@d",
		"<a@b>", "<a@b", "<a@b>>, c@d", "< a@b >", "<a@ b>",
		"<a@b.>", "<a@[1.2.3.4]>", "<@r:a@b>", "<mailto:a@b>",
		"Name <a@b>", "Name  <a@b> junk", "J. Smith <a@b>",
		"\"Smith, John\" <J@X.Y>", "\"a\\\"b\" <a@b>", "\"open <a@b>",
		"\"a\" \"b\" <c@d>", "Na\"me\" <a@b>", "=?utf-8?q?J=C3=B6?= <a@b>",
		"Smith, John <a@b>", "Name (c) <a@b>", "N\x01ame <a@b>",
		"N\xc3\xa9 <a@b>", "a\xc3\xa9@b", "\"x\"@b", "Name <a@b>, \"o\" <c@d>",
		"Name <a b@c>", "Customer Support <Customer Support@x>",
		"g: a@b, c@d;", "a@b, g: <c@d>;, e@f", "\"\" <a@b>",
		"Na  me <a@b>", "Na\tme <a@b>", "Name\t<a@b>", "Name <A@B.C.>",
		"Name <a@b.c>>>>, d@e", "a@b\t, c@d", "a@b =x", "a@b=x",
		"a@B.C\0", "Name <a@b\0>", "N.A.M.E <+a@-b>", "A+B <a_b@c-d>",
		"a@b.c.", "a.b+c@D-E.F", "Name  <a@b>", " <a@b>",
		"\"Name\" <a@b>", "\"Na  me\" <a@b>", "\" Name\" <a@b>",
		"\"Name \" <a@b>", "\"Name\"<a@b>", "\"Name\"  <a@b>",
		"\"Na.me-x\" <a@b>, c@d", "\"Name\"\t<a@b>", "\"N\" a <b@c>",
		"\"N\" <b@c>>", "\"N\" <b@c.>", "\"N\"@b", "\"N\" x@b",
	};
	struct arena		*a = arena_new(1 << 20);
	struct words		*w = words_new();
	struct mail_addrs	 f, s;
	size_t			 i, k;
	struct buf		 b;

	buf_init(&b, 0);
	/* Each shape alone, then inside longer values, so that the 16-byte
	 * steps over names and addresses reach it. */
	for (i = 0; i < 3 * nitems(ins); i++) {
		struct str	in;

		buf_reset(&b);
		if (i / nitems(ins) == 2)
			buf_puts(&b, "A Rather Long Display-Name_1+2 ");
		buf_puts(&b, ins[i % nitems(ins)]);
		if (i / nitems(ins) == 1)
			buf_puts(&b, ", another.long-address+x@example.org");
		in = buf_str(&b);
		arena_reset(a);
		memset(&f, 0, sizeof(f));
		memset(&s, 0, sizeof(s));
		t_eq_i64(addr_parse_list(a, w, in, &f), 0, "fast rc %zu", i);
		t_eq_i64(addr_parse_list_slow(a, w, in, &s), 0, "slow rc %zu",
		    i);
		t_eq_i64(f.n, s.n, "n: %s", b.data);
		t_eq_i64(f.bad, s.bad, "bad: %s", b.data);
		for (k = 0; k < f.n && k < s.n; k++) {
			t_ok(str_eq(f.v[k].addr, s.v[k].addr), "addr %zu: %s",
			    k, b.data);
			t_ok(str_eq(f.v[k].name, s.v[k].name), "name %zu: %s",
			    k, b.data);
		}
	}
	buf_free(&b);
	words_free(w);
	arena_free(a);
}

/*
 * The plainest shapes (addr_plain) read from 64-byte masks: elements
 * (their names quoted or not) ending just before, at and after 64
 * bytes, with or without more of the
 * list after them, against the reference parser; the arena must be used
 * the same way too (same allocations in the same order).
 */
static void
test_plain_lengths(void)
{
	/* Between name and local part, and after the domain. */
	static const char *const forms[][2] = {
		{ " <", ">" }, { "  <", ">" }, { "\t<", ">" }, { "<", ">" },
		{ " < ", ">" }, { " <", ".>" }, { " <", ">>" }, { "", "" },
		{ "", " junk" }, { "", "." }, { "", " ," }, { " <", "" },
	};
	static const char	fill[] = "Abcdefghij Klmnopqrst Uvwxyz.0123-45_67+89"
	    " Abcdefghij Klmnopqrst Uvwxyz.0123-45_67+89";
	struct arena		*a = arena_new(1 << 20), *as = arena_new(1 << 20);
	struct words		*w = words_new();
	struct mail_addrs	 f, s;
	char			 in[512];
	size_t			 bad = 0, cases = 0;

	for (size_t fi = 0; fi < nitems(forms); fi++)
	for (int nl = 0; nl < 70; nl += 3)
	for (int ll = 1; ll < 40; ll += 5)
	for (int dl = 1; dl < 40; dl += 6)
	for (int tail = 0; tail < 2; tail++)
	for (int q = 0; q < 2; q++) {
		int	k;

		/* q: the name quoted (the quotes count in its length). */
		k = snprintf(in, sizeof(in), "%s%.*s%s%s%.*s@%.*s%s",
		    q && nl > 1 ? "\"" : "", q && nl > 1 ? nl - 2 : nl, fill,
		    q && nl > 1 ? "\"" : "", forms[fi][0], ll, fill + 22, dl,
		    fill + 44, forms[fi][1]);
		if (tail)
			snprintf(in + k, sizeof(in) - (size_t)k,
			    ", x@y, Some Name <Other@Example.Org>");
		arena_reset(a);
		arena_reset(as);
		memset(&f, 0, sizeof(f));
		memset(&s, 0, sizeof(s));
		addr_parse_list(a, w, str_cstr(in), &f);
		addr_parse_list_slow(as, w, str_cstr(in), &s);
		cases++;
		if (f.n != s.n || f.bad != s.bad ||
		    arena_used(a) != arena_used(as)) {
			bad++;
			continue;
		}
		for (size_t i = 0; i < f.n; i++)
			if (!str_eq(f.v[i].addr, s.v[i].addr) ||
			    !str_eq(f.v[i].name, s.v[i].name)) {
				bad++;
				break;
			}
	}
	t_ok(cases > 10000, "%zu values", cases);
	t_eq_i64((int64_t)bad, 0, "fast and slow agree, arena use too");
	words_free(w);
	arena_free(a);
	arena_free(as);
}

static void
test_local_domain(void)
{
	t_eq_str(addr_local(STR("a@b")), "a", "local");
	t_eq_str(addr_domain(STR("a@b")), "b", "domain");
	t_eq_str(addr_local(STR("a@b@c")), "a@b", "local: last '@'");
	t_eq_str(addr_domain(STR("a@b@c")), "c", "domain: last '@'");
	t_eq_str(addr_local(STR("john.q@x.test")), "john.q", "dotted local");
	t_eq_str(addr_domain(STR("x@[1.2.3.4]")), "[1.2.3.4]", "literal");
	t_eq_str(addr_local(STR("nobody")), "nobody", "no '@': all local");
	t_eq_str(addr_domain(STR("nobody")), "", "no '@': no domain");
	t_eq_str(addr_local(STR("")), "", "empty local");
	t_eq_str(addr_domain(STR("")), "", "empty domain");
}

/* Two fields (To, then another To) appended to one list. */
static void
test_append(void)
{
	struct arena		*a = arena_new(1 << 20);
	struct words		*w = words_new();
	struct mail_addrs	 out;
	char			 buf[256];

	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, STR("a@b, nobody"), &out), 0, "1");
	t_eq_i64(addr_parse_list(a, w, STR("C@D, <e@f>"), &out), 0, "2");
	t_eq_i64(addr_parse_list(a, w, STR(""), &out), 0, "3");
	join(&out, 0, buf, sizeof(buf));
	t_eq_mem(buf, strlen(buf), "a@b|c@d|e@f", "appended in order");
	t_eq_i64(out.bad, 1, "bad accumulates");
	t_eq_i64(addr_parse_list(a, w, STR_NULL, &out), 0, "null value");
	t_eq_i64(out.n, 3, "null value adds nothing");
	words_free(w);
	arena_free(a);
}

static void
test_limits(void)
{
	struct arena		*a = arena_new(1 << 24);
	struct words		*w = words_new();
	struct mail_addrs	 out;
	char			*in;
	size_t			 i, n;

	/* ADDR_MAX_LEN (320) bytes is an address, 321 is not. */
	in = malloc(400);
	memset(in, 'a', 315);
	memcpy(in + 315, "@b.cd", 5);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, 320), &out), 0, "320");
	t_eq_i64(out.n, 1, "320 bytes kept");
	t_eq_i64(out.n == 1 ? out.v[0].addr.len : 0, 320, "320 long");
	memset(in, 'a', 316);
	memcpy(in + 316, "@b.cd", 5);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, 321), &out), 0, "321");
	t_eq_i64(out.n, 0, "321 bytes dropped");
	t_eq_i64(out.bad, 1, "321 bytes counted");
	/* The limit applies after normalisation: CFWS does not count. */
	memset(in, 'a', 315);
	memcpy(in + 315, " (c) @ b.cd", 11);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, 326), &out), 0, "cfws");
	t_eq_i64(out.n, 1, "cfws not counted");
	free(in);

	/* ADDR_LIST_MAX (1000) kept over two calls, the rest counted. */
	n = 600;
	in = malloc(n * 6);
	for (i = 0; i < n; i++)
		memcpy(in + 6 * i, "a@b,  ", 6);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, 6 * n), &out), 0, "600");
	t_eq_i64(out.n, 600, "600 kept");
	t_eq_i64(addr_parse_list(a, w, str_make(in, 6 * n), &out), 0,
	    "1200");
	t_eq_i64(out.n, 1000, "capped at 1000");
	t_eq_i64(out.bad, 200, "200 over the cap counted");
	t_ok(out.v[999].addr.len == 3 && memcmp(out.v[999].addr.p, "a@b",
	    3) == 0, "last kept");
	free(in);

	/* Arena exhaustion is reported, not hidden. */
	{
		struct arena	*tiny = arena_new(64);

		memset(&out, 0, sizeof(out));
		t_eq_i64(addr_parse_list(tiny, w, STR("a@b"), &out), -1,
		    "arena full");
		arena_free(tiny);
	}
	words_free(w);
	arena_free(a);
}

/* 100 KB fields of every shape: linear time, sane answers. */
/*
 * The 16-byte run copy against its plain loop: each byte value at each
 * place of runs of every length up to 40, from two starts.
 */
static void
test_run_copy(void)
{
	static const char	base[] = "Ab.c-D_e+F0z9ZAbcdefghijklmnop.QRSTUVWXYZ";
	unsigned char		src[48], d1[48], d2[48];
	size_t			bad = 0, tried = 0, n1, n2;

	for (size_t len = 0; len <= 40; len++) {
		for (size_t pos = 0; pos < len; pos++) {
			for (unsigned c = 0; c < 256; c++) {
				memcpy(src, base, len);
				src[pos] = (unsigned char)c;
				for (size_t from = 0; from < 2 && from <= len;
				    from++) {
					n1 = addr_run_copy(d1, src + from,
					    src + len);
					n2 = addr_run_copy_slow(d2, src + from,
					    src + len);
					tried++;
					if (n1 != n2 || memcmp(d1, d2, n1) != 0)
						bad++;
				}
			}
		}
	}
	memcpy(src, base, 40);
	t_eq_i64((int64_t)addr_run_copy(d1, src, src + 40), 40, "whole run");
	t_eq_mem((const char *)d1, 40,
	    "ab.c-d_e+f0z9zabcdefghijklmnop.qrstuvwxy", "lower-cased");
	t_ok(tried > 100000, "variants tried");
	t_eq_i64((int64_t)bad, 0, "vector and plain run copies agree");
}

static void
test_big(void)
{
	struct arena		*a = arena_new(1 << 26);
	struct words		*w = words_new();
	struct mail_addrs	 out;
	const size_t		 big = 100 * 1024;
	char			*in = malloc(big + 64);
	size_t			 i, n;

	/* A 100 KB display name: truncated, the address kept. */
	memset(in, 'x', big);
	memcpy(in + big, " <a@b>", 6);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, big + 6), &out), 0,
	    "long name rc");
	t_eq_i64(out.n, 1, "long name: one address");
	t_ok(out.n == 1 && out.v[0].name.len > 0 &&
	    out.v[0].name.len <= 1024, "long name truncated");

	/* A 100 KB comment before the address. */
	in[0] = '(';
	memset(in + 1, 'c', big - 2);
	in[big - 1] = ')';
	memcpy(in + big, "a@b", 3);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, big + 3), &out), 0,
	    "long comment rc");
	t_eq_i64(out.n, 1, "long comment skipped");

	/* 100 KB of '(' never closes: nothing. */
	memset(in, '(', big);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, big), &out), 0, "((( rc");
	t_eq_i64(out.n + out.bad, 0, "((( nothing");

	/* "Smith, " many times then "<j@x>": one name, one address. */
	n = big / 7;
	for (i = 0; i < n; i++)
		memcpy(in + 7 * i, "Smith, ", 7);
	memcpy(in + 7 * n, "<j@x>", 5);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, 7 * n + 5), &out), 0,
	    "commas rc");
	t_eq_i64(out.n, 1, "commas merged into one name");
	t_eq_i64(out.bad, 0, "commas: nothing bad");

	/* The same without the address: every word a bad mailbox. */
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, 7 * n), &out), 0,
	    "commas only rc");
	t_eq_i64(out.bad, n, "commas only: each one bad");

	/* Escaped quotes that never close. */
	for (i = 0; i + 2 <= big; i += 2)
		memcpy(in + i, "\\\"", 2);
	in[0] = '"';
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, big), &out), 0,
	    "quotes rc");
	t_eq_i64(out.n, 0, "quotes: no address");

	/* 100 KB of "<@a," routes that never end. */
	in[0] = '<';
	for (i = 1; i + 3 <= big; i += 3)
		memcpy(in + i, "@a,", 3);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, i), &out), 0,
	    "routes rc");
	t_eq_i64(out.n, 0, "routes: no address");
	t_eq_i64(out.bad, 1, "routes: one bad mailbox");

	/* 100 KB of NUL bytes. */
	memset(in, 0, big);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, big), &out), 0, "nul rc");
	t_eq_i64(out.n + out.bad, 0, "nul: nothing");

	/* 100 KB of "a@b " mailboxes: capped, the rest counted. */
	for (i = 0; i + 4 <= big; i += 4)
		memcpy(in + i, "a@b ", 4);
	memset(&out, 0, sizeof(out));
	t_eq_i64(addr_parse_list(a, w, str_make(in, big), &out), 0,
	    "many rc");
	t_eq_i64(out.n, ADDR_LIST_MAX, "many: capped");
	t_eq_i64(out.bad, big / 4 - ADDR_LIST_MAX, "many: rest counted");

	free(in);
	words_free(w);
	arena_free(a);
}

static const struct t_case cases[] = {
	{ "cases", test_cases },
	{ "fast_slow", test_fast_slow },
	{ "plain_lengths", test_plain_lengths },
	{ "local_domain", test_local_domain },
	{ "append", test_append },
	{ "limits", test_limits },
	{ "run_copy", test_run_copy },
	{ "big", test_big },
};
T_MAIN(cases)
