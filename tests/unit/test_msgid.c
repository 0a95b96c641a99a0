/*
 * test_msgid.c: Message-ID, In-Reply-To and References normalisation.
 *
 * Expected ids are written by hand from the rules in msgid.h.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "mail/msgid.h"
#include "t.h"

struct idcase {
	const char	*in;
	size_t		 inlen;
	const char	*want;		/* NULL: no id */
	size_t		 wantlen;
};

/* sizeof keeps embedded NUL bytes. */
#define C(in, want)	{ (in), sizeof(in) - 1, (want), sizeof(want) - 1 }
#define NONE(in)	{ (in), sizeof(in) - 1, NULL, 0 }

static const struct idcase idcases[] = {
	C("<a@b>", "a@b"),
	C("  <a@b>  ", "a@b"),
	C("<1234.5678@mail.example.com>", "1234.5678@mail.example.com"),
	C("<a @ b>", "a@b"),
	C("<a@b\r\n c>", "a@bc"),
	C("<\ta@b\t>", "a@b"),
	C("<a\v@\fb>", "a@b"),
	C("<a>", "a"),				/* no '@': kept */
	C("<\"a b\"@c>", "\"ab\"@c"),
	C("<a@[1.2.3.4]>", "a@[1.2.3.4]"),
	C("<A@B>", "A@B"),			/* case kept */
	C("<a@b> <c@d>", "a@b"),		/* first token */
	C("junk <a@b> junk", "a@b"),
	C("<a@b>>", "a@b"),
	C("<a<b@c>", "b@c"),			/* '<' reopens */
	C("<<a@b>>", "a@b"),
	C("> <a@b>", "a@b"),			/* stray '>' first */
	NONE("<a@b"),			/* '<' without '>' */
	NONE("a@b"),				/* bare id */
	NONE(""),
	NONE("<>"),
	NONE("< \t\r\n >"),
	NONE("<> <a@b>"),			/* first token is empty */
	C("(c <x@y>) <a@b>", "x@y"),		/* no comment parsing */
	C("<a@b.c (comment)>", "a@b.c(comment)"),
	C("<a\0b@c>", "a\0b@c"),		/* bytes kept as they are */
	C("<caf\xc3\xa9@b>", "caf\xc3\xa9@b"),
	C("<\xff\xfe@b>", "\xff\xfe@b"),
};

struct listcase {
	const char	*in;
	const char	*want;		/* ids joined by '|' */
	size_t		 dropped;
};

static const struct listcase listcases[] = {
	{ "<a@b>", "a@b", 0 },
	{ "<a@b> <c@d>", "a@b|c@d", 0 },
	{ "<a@b>,<c@d>", "a@b|c@d", 0 },	/* GMime stops here */
	{ "<a@b>\r\n\t<c@d>", "a@b|c@d", 0 },
	{ "<a@b> junk <c@d> (x) <e@f>", "a@b|c@d|e@f", 0 },
	{ "<a @b> < c@d >", "a@b|c@d", 0 },
	{ "<a@b> <> <c@d>", "a@b|c@d", 0 },
	{ "<a@b> <c@d", "a@b", 0 },
	{ "<a@b <c@d>", "c@d", 0 },
	{ "<a@b> <a@b>", "a@b|a@b", 0 },	/* duplicates kept */
	{ "a@b c@d", "", 0 },
	{ "", "", 0 },
	{ ">>> <a> <<b>>", "a|b", 0 },
	{ "<x@y>\"<q@r>\"", "x@y|q@r", 0 },
};

static void
test_parse(void)
{
	struct arena	*a = arena_new(1 << 16);
	struct str	 id;
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(idcases); i++) {
		rc = msgid_parse(a, str_make(idcases[i].in,
		    idcases[i].inlen), &id);
		if (idcases[i].want == NULL) {
			t_eq_i64(rc, 0, "case %zu: %s", i, idcases[i].in);
			continue;
		}
		t_eq_i64(rc, 1, "case %zu rc: %s", i, idcases[i].in);
		t_ok(rc == 1 && id.len == idcases[i].wantlen &&
		    memcmp(id.p, idcases[i].want, id.len) == 0,
		    "case %zu: %s", i, idcases[i].in);
	}
	arena_free(a);
}

static void
join(const struct mail_ids *ids, char *buf, size_t size)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ids->n; i++) {
		if (n + ids->v[i].len + 2 > size)
			return;
		if (i > 0)
			buf[n++] = '|';
		memcpy(buf + n, ids->v[i].p, ids->v[i].len);
		n += ids->v[i].len;
		buf[n] = '\0';
	}
}

static void
test_list(void)
{
	struct arena	*a = arena_new(1 << 16);
	struct mail_ids	 ids;
	char		 buf[256];
	size_t		 i;

	for (i = 0; i < nitems(listcases); i++) {
		memset(&ids, 0, sizeof(ids));
		t_eq_i64(msgid_parse_list(a, str_cstr(listcases[i].in),
		    &ids), 0, "list %zu rc", i);
		join(&ids, buf, sizeof(buf));
		t_eq_mem(buf, strlen(buf), listcases[i].want, "list %zu: %s",
		    i, listcases[i].in);
		t_eq_i64(ids.dropped, listcases[i].dropped, "list %zu dropped",
		    i);
	}

	/* Two fields appended in turn, as In-Reply-To then References. */
	memset(&ids, 0, sizeof(ids));
	t_eq_i64(msgid_parse_list(a, STR("<p@q>"), &ids), 0, "append 1");
	t_eq_i64(msgid_parse_list(a, STR("<r@s> <p@q>"), &ids), 0,
	    "append 2");
	join(&ids, buf, sizeof(buf));
	t_eq_mem(buf, strlen(buf), "p@q|r@s|p@q", "appended in order");
	t_eq_i64(msgid_parse_list(a, STR("no ids"), &ids), 0, "append 3");
	t_eq_i64(ids.n, 3, "nothing appended");
	arena_free(a);
}

static void
test_limits(void)
{
	struct arena	*a = arena_new(1 << 24);
	struct mail_ids	 ids;
	struct str	 id;
	char		*in;
	size_t		 i, n;

	/* MSGID_MAX_LEN bytes is fine, one more is not. */
	in = malloc(MSGID_MAX_LEN + 10);
	in[0] = '<';
	memset(in + 1, 'x', MSGID_MAX_LEN);
	in[MSGID_MAX_LEN + 1] = '>';
	t_eq_i64(msgid_parse(a, str_make(in, MSGID_MAX_LEN + 2), &id), 1,
	    "max length");
	t_eq_i64(id.len, MSGID_MAX_LEN, "max length kept");
	in[MSGID_MAX_LEN + 1] = 'x';
	in[MSGID_MAX_LEN + 2] = '>';
	t_eq_i64(msgid_parse(a, str_make(in, MSGID_MAX_LEN + 3), &id), 0,
	    "too long");
	/* White space does not count towards the length. */
	in[1] = ' ';
	t_eq_i64(msgid_parse(a, str_make(in, MSGID_MAX_LEN + 3), &id), 1,
	    "max after removal");
	memset(&ids, 0, sizeof(ids));
	in[1] = 'x';
	t_eq_i64(msgid_parse_list(a, str_make(in, MSGID_MAX_LEN + 3), &ids),
	    0, "list too long rc");
	t_eq_i64(ids.n, 0, "too long not listed");
	t_eq_i64(ids.dropped, 1, "too long counted");
	free(in);

	/* MSGID_LIST_MAX ids kept over two calls, the rest counted. */
	n = MSGID_LIST_MAX + 100;
	in = malloc(n * 8);
	for (i = 0; i < n; i++)
		memcpy(in + 8 * i, "<x@y>   ", 8);
	memset(&ids, 0, sizeof(ids));
	t_eq_i64(msgid_parse_list(a, str_make(in, 8 * 10), &ids), 0,
	    "ten");
	t_eq_i64(msgid_parse_list(a, str_make(in, 8 * n), &ids), 0,
	    "many");
	t_eq_i64(ids.n, MSGID_LIST_MAX, "capped");
	t_eq_i64(ids.dropped, n + 10 - MSGID_LIST_MAX, "dropped counted");
	t_ok(ids.v[MSGID_LIST_MAX - 1].len == 3 &&
	    memcmp(ids.v[MSGID_LIST_MAX - 1].p, "x@y", 3) == 0, "last kept");
	free(in);

	/* Many '<' and no '>': nothing, quickly. */
	n = 200000;
	in = malloc(n);
	memset(in, '<', n);
	memset(&ids, 0, sizeof(ids));
	t_eq_i64(msgid_parse_list(a, str_make(in, n), &ids), 0, "all <");
	t_eq_i64(ids.n, 0, "no ids");
	t_eq_i64(msgid_parse(a, str_make(in, n), &id), 0, "no id");
	free(in);
	arena_free(a);
}

static void
test_arena_limit(void)
{
	struct arena	*a = arena_new(4);
	struct mail_ids	 ids;
	struct str	 id;

	t_eq_i64(msgid_parse(a, STR("<abcdef@ghi>"), &id), -1, "parse");
	memset(&ids, 0, sizeof(ids));
	t_eq_i64(msgid_parse_list(a, STR("<abcdef@ghi>"), &ids), -1,
	    "list");
	t_eq_i64(ids.n, 0, "list untouched");
	t_eq_i64(msgid_parse(a, STR("<>"), &id), 0, "empty needs no memory");
	arena_free(a);
}

/* fast and slow agree on v, as an id and as a list appended twice. */
static int
agree(struct arena *a, struct str v)
{
	struct mail_ids	 f, r;
	struct str	 idf, idr;
	int		 rf, rr;

	arena_reset(a);
	rf = msgid_parse(a, v, &idf);
	rr = msgid_parse_slow(a, v, &idr);
	if (rf != rr || (rf == 1 && !str_eq(idf, idr)))
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	for (int k = 0; k < 2; k++)
		if (msgid_parse_list(a, v, &f) != msgid_parse_list_slow(a, v,
		    &r))
			return 0;
	if (f.n != r.n || f.dropped != r.dropped)
		return 0;
	for (size_t i = 0; i < f.n; i++)
		if (!str_eq(f.v[i], r.v[i]))
			return 0;
	return 1;
}

/*
 * The one-pass token search and the kept spans against the reference:
 * every string of up to six bytes over an alphabet of the bytes that
 * matter, long ids and lists longer than the spans kept, and random
 * strings from a fixed seed.
 */
static void
test_fast_slow(void)
{
	static const char	alpha[] = "<>a \n\r\t@\0";
	struct arena		*a = arena_new(1u << 24);
	struct buf		 b;
	char			 s[64];
	size_t			 tried = 0, bad = 0, total;
	size_t			 nal = sizeof(alpha) - 1;
	uint64_t		 x = 0x2545f4914f6cdd1du;

	for (size_t len = 0; len <= 6; len++) {
		total = 1;
		for (size_t i = 0; i < len; i++)
			total *= nal;
		for (size_t code = 0; code < total; code++) {
			size_t	c = code;

			for (size_t i = 0; i < len; i++, c /= nal)
				s[i] = alpha[c % nal];
			tried++;
			bad += !agree(a, str_make(s, len));
		}
	}
	buf_init(&b, 0);
	for (int n = 0; n < 80; n++) {
		buf_addf(&b, "%s<id%d.%s@example.org>", n % 3 ? " " : "\r\n ",
		    n, n % 7 ? "abc" : "a b\tc");
		tried++;
		bad += !agree(a, buf_str(&b));
	}
	for (int n = 0; n < 20000; n++) {
		size_t	len;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		len = (size_t)(x % sizeof(s));
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s[i] = (x >> 40) % 4 == 0 ? (char)(x >> 16) :
			    alpha[(x >> 24) % nal];
		}
		tried++;
		bad += !agree(a, str_make(s, len));
	}
	buf_free(&b);
	arena_free(a);
	t_ok(tried > 100000, "%zu values", tried);
	t_eq_i64((int64_t)bad, 0, "fast and slow agree");
}

static const struct t_case tcases[] = {
	{ "msgid_parse", test_parse },
	{ "msgid_list", test_list },
	{ "msgid_limits", test_limits },
	{ "msgid_arena_limit", test_arena_limit },
	{ "msgid_fast_slow", test_fast_slow },
};

T_MAIN(tcases)
