/*
 * test_words.c: RFC 2047 encoded words and header text sanitising.
 *
 * Expected outputs were written by hand; the encoded forms were made
 * with python3 (str.encode(charset), base64) and checked with iconv(1).
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "mail/words.h"
#include "t.h"

struct wcase {
	const char	*in;
	size_t		 inlen;
	const char	*want;
};

/* sizeof keeps embedded NUL bytes in the input. */
#define C(in, want)	{ (in), sizeof(in) - 1, (want) }

static const struct wcase cases[] = {
	/* B and Q basics */
	C("=?utf-8?q?hello_world?=", "hello world"),
	C("=?UTF-8?B?aGVsbG8=?=", "hello"),
	C("=?utf-8?b?aGVsbG8=?=", "hello"),
	C("=?utf-8?Q?caf=C3=A9?=", "caf\xc3\xa9"),
	C("=?utf-8?q?caf=c3=a9?=", "caf\xc3\xa9"),
	C("Re: =?utf-8?q?a?= x", "Re: a x"),
	C("=?utf-8*en?q?hello?=", "hello"),
	C("=?UTF-8*EN-us?Q?hello?=", "hello"),
	/* charsets */
	C("=?iso-8859-1?b?R3L832U=?=", "Gr\xc3\xbc\xc3\x9f" "e"),
	C("=?ISO-8859-1?Q?Gr=FC=DFe?=", "Gr\xc3\xbc\xc3\x9f" "e"),
	C("=?iso-8859-2?b?o/NkvA==?=", "\xc5\x81\xc3\xb3" "d\xc5\xba"),
	C("=?iso-8859-2?b?yGW5dGluYQ==?=", "\xc4\x8c" "e\xc5\xa1tina"),
	C("=?ISO-8859-15?Q?=A4uro?=", "\xe2\x82\xac" "uro"),
	C("=?windows-1251?B?z/Do4uXyIOzo8A==?=",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	    "\xd0\xbc\xd0\xb8\xd1\x80"),
	C("=?windows-1252?B?k3F1b3RlZJQgliCA?=",
	    "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x93 \xe2\x82\xac"),
	C("=?windows-1250?B?pbk=?=", "\xc4\x84\xc4\x85"),
	C("=?koi8-r?B?8NLJ18XU?=",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"),
	C("=?KOI8-U?B?9cvSwafOwQ==?=",
	    "\xd0\xa3\xd0\xba\xd1\x80\xd0\xb0\xd1\x97\xd0\xbd\xd0\xb0"),
	C("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
	C("=?iso-2022-jp?B?GyRCLSEtIhsoQg==?=",		/* NEC row 13 */
	    "\xe2\x91\xa0\xe2\x91\xa1"),
	C("=?iso-2022-jp?B?GyRCJCIbKEk2GyhC?=",		/* JIS X 0201 */
	    "\xe3\x81\x82\xef\xbd\xb6"),
	C("=?iso-2022-jp?B?GyQoRCIvGyhC?=", "\xcb\x98"),	/* JIS X 0212 */
	C("=?gb2312?B?1tDOxLHqzOI=?=",
	    "\xe4\xb8\xad\xe6\x96\x87\xe6\xa0\x87\xe9\xa2\x98"),
	C("=?gb2312?b?lTKCNg==?=", "\xf0\xa0\x80\x80"),	/* GB18030 */
	C("=?big5?B?wWPF6aSkpOU=?=",
	    "\xe7\xb9\x81\xe9\xab\x94\xe4\xb8\xad\xe6\x96\x87"),
	C("=?ks_c_5601-1987?B?x9Gxub7u?=",
	    "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"),
	C("=?euc-kr?B?x9Gxub7u?=",
	    "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"),
	C("=?shift_jis?B?g2WDWINn?=",
	    "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"),
	C("=?iso-8859-7?B?xevr5+3p6tw=?=",
	    "\xce\x95\xce\xbb\xce\xbb\xce\xb7\xce\xbd\xce\xb9\xce\xba"
	    "\xce\xac"),
	C("=?iso-8859-8-i?B?+ezl7Q==?=",
	    "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"),
	C("=?iso-8859-9?B?VPxya+dlIPA=?=",
	    "T\xc3\xbcrk\xc3\xa7" "e \xc4\x9f"),
	C("=?tis-620?B?5LfC?=", "\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2"),
	C("=?utf-8?B?8J+YgA==?=", "\xf0\x9f\x98\x80"),
	C("=?utf8?q?caf=C3=A9?=", "caf\xc3\xa9"),
	C("=?utf-7?q?+AOk-?=", "\xc3\xa9"),
	/* adjacent words: white space between them dropped */
	C("=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),
	C("=?utf-8?q?a?=\r\n\t=?utf-8?q?b?=", "ab"),
	C("=?utf-8?q?a?==?utf-8?q?b?=", "ab"),
	C("=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b"),
	C("=?utf-8?q?a_?= =?utf-8?q?b?=", "a b"),
	C("a =?utf-8?q?b?= c", "a b c"),
	C("=?iso-8859-1?q?caf=E9?= =?utf-8?q?=C3=A9?=",
	    "caf\xc3\xa9\xc3\xa9"),
	/* a character split across adjacent words */
	C("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=", "caf\xc3\xa9"),
	C("=?utf-8?q?=E2=82?= =?UTF-8?B?rA==?=", "\xe2\x82\xac"),
	C("=?utf-8?q?=C3?= =?utf8*fr?q?=A9?=", "\xc3\xa9"),
	C("=?gb2312?b?1g==?= =?gb2312?b?0M7E?=", "\xe4\xb8\xad\xe6\x96\x87"),
	C("=?iso-2022-jp?B?GyRCJCI=?= =?iso-2022-jp?B?JCQbKEI=?=",
	    "\xe3\x81\x82\xe3\x81\x84"),
	C("=?utf-8?B?aGV?= =?utf-8?B?sbG8=?=", "hello"),
	C("=?utf-8?q?=C3?= =?iso-8859-1?q?=A9?=",
	    "\xef\xbf\xbd\xc2\xa9"),
	C("=?utf-8?q?=C3?= x =?utf-8?q?=A9?=",
	    "\xef\xbf\xbd x \xef\xbf\xbd"),
	/* bad encodings */
	C("=?utf-8?b?aGVs*bG8=?=", "hello"),
	C("=?utf-8?b?aGVs\r\n bG8=?=", "hello"),
	C("=?utf-8?b\?\?\?\?\?=", ""),
	C("=?utf-8?b?YWI?=", "ab"),
	C("=?utf-8?b?YQ==YQ==?=", "aa"),
	C("=?utf-8?b?Y?=", ""),
	C("=?utf-8?q?a=FFb?=", "a\xef\xbf\xbd" "b"),
	C("=?utf-8?q?=E2=82?=", "\xef\xbf\xbd"),
	C("=?utf-8?q?a=zz?=", "a=zz"),
	C("=?utf-8?q?a=?=", "a"),
	C("=?utf-8?q?a=4?=", "a"),
	C("=?iso-2022-jp?q?a=FFb?=", "a\xef\xbf\xbd" "b"),
	C("=?shift_jis?q?a=FFb?=", "a\xef\xbf\xbd" "b"),
	/* unknown and mislabelled charsets */
	C("=?x-foo?q?caf=C3=A9?=", "caf\xc3\xa9"),
	C("=?x-foo?q?caf=E9?=", "caf\xc3\xa9"),
	C("=?unknown-8bit?q?caf=E9?=", "caf\xc3\xa9"),
	C("=?x-unknown?q?caf=C3=A9?=", "caf\xc3\xa9"),
	C("=?utf-8//translit?q?a?=", "a"),
	C("=?a[b?q?x=C3?= =?a[bc?q?=A9y?=", "x\xc3\xa9y"),
	C("=?us-ascii?q?=93x=94?=", "\xe2\x80\x9cx\xe2\x80\x9d"),
	C("=?iso-8859-1?q?a=85?=", "a\xe2\x80\xa6"),
	C("=?windows-1252?q?a=81b?=", "a\xef\xbf\xbd" "b"),
	/* not encoded words */
	C("=?utf-8?x?abc?=", "=?utf-8?x?abc?="),
	C("=?utf-8?q?abc", "=?utf-8?q?abc"),
	C("=??q?abc?=", "=??q?abc?="),
	C("=?*en?q?a?=", "=?*en?q?a?="),
	C("=?utf 8?q?a?=", "=?utf 8?q?a?="),
	C("a = b ?", "a = b ?"),
	C("x =?", "x =?"),
	/* leniencies */
	C("foo=?utf-8?q?x?=bar", "fooxbar"),
	C("=?utf-8?q?a b?=", "a b"),
	C("=?utf-8?q?a?b?=", "a?b"),
	C("\"=?utf-8?q?a?=\" x", "\"a\" x"),
	C("=?utf-8?q?a?= ?= b", "a ?= b"),
	/* raw 8-bit text */
	C("caf\xe9", "caf\xef\xbf\xbd"),
	C("caf\xc3\xa9", "caf\xc3\xa9"),
	C("\xe2\x82x", "\xef\xbf\xbdx"),
	C("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"),
	C("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	C("\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd"),
	C("\xf0\x9f\x98", "\xef\xbf\xbd"),
	C("\xe9 =?utf-8?q?x?=", "\xef\xbf\xbd x"),
	/* controls and white space */
	C("a\0b", "a b"),
	C("\0\0a\0", "a"),
	C("a\x01\x02" "b\x7f", "a b"),
	C("=?utf-8?q?a=01=1Fb=00c?=", "a b c"),
	C("=?utf-8?q?a=7Fb?=", "a b"),
	C("  a \t\r\n  b  ", "a b"),
	C("a\tb", "a b"),
	C(" \t\r\n ", ""),
	C("", ""),
	C("=?utf-8?q?_a_?=", "a"),
	C("=?utf-8?q?_?= x", "x"),
	C("Hello, world", "Hello, world"),
	C("x\r\n y", "x y"),
};

static void
test_table(void)
{
	struct words	*w = words_new();
	struct arena	*a = arena_new(1 << 20);
	struct str	 out;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		t_eq_i64(words_decode(w, a, str_make(cases[i].in,
		    cases[i].inlen), &out), 0, "case %zu rc", i);
		t_eq_str(out, cases[i].want, "case %zu: %s", i, cases[i].in);
	}
	words_free(w);
	arena_free(a);
}

static void
test_long(void)
{
	struct words	*w = words_new();
	struct arena	*a = arena_new(1 << 24);
	struct str	 out;
	char		*in, *want;
	size_t		 i, n;
	static const char	word[] = "=?utf-8?q?=C3=A9?= ";
	static const char	trap[] = "=?a?q?x ";

	/* 1000 adjacent words join into one run. */
	n = 1000;
	in = malloc(n * (sizeof(word) - 1));
	want = malloc(2 * n + 1);
	for (i = 0; i < n; i++) {
		memcpy(in + i * (sizeof(word) - 1), word, sizeof(word) - 1);
		memcpy(want + 2 * i, "\xc3\xa9", 2);
	}
	want[2 * n] = '\0';
	t_eq_i64(words_decode(w, a, str_make(in, n * (sizeof(word) - 1)),
	    &out), 0, "long words rc");
	t_eq_str(out, want, "long adjacent words");
	free(in);
	free(want);

	/* Many "=?" with no "?=" anywhere: literal, and linear. */
	n = 20000;
	in = malloc(n * (sizeof(trap) - 1));
	for (i = 0; i < n; i++)
		memcpy(in + i * (sizeof(trap) - 1), trap, sizeof(trap) - 1);
	t_eq_i64(words_decode(w, a, str_make(in, n * (sizeof(trap) - 1)),
	    &out), 0, "trap rc");
	/* The trailing space is trimmed. */
	in[n * (sizeof(trap) - 1) - 1] = '\0';
	t_eq_str(out, in, "unterminated words stay literal");
	free(in);

	/* Long ASCII with runs of white space. */
	n = 50000;
	in = malloc(n * 3);
	want = malloc(n * 2);
	for (i = 0; i < n; i++) {
		memcpy(in + 3 * i, "a\t ", 3);
		memcpy(want + 2 * i, "a ", 2);
	}
	want[2 * n - 1] = '\0';
	t_eq_i64(words_decode(w, a, str_make(in, 3 * n), &out), 0,
	    "long ascii rc");
	t_eq_str(out, want, "long ascii collapsed");
	free(in);
	free(want);

	words_free(w);
	arena_free(a);
}

static void
test_cache(void)
{
	static const char	*cs[] = {
		"iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5",
		"iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-10",
		"iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
		"koi8-r", "koi8-u", "windows-1250", "windows-1251",
		"windows-1253", "windows-1257", "x-nonsense", "cp850",
	};
	struct words	*w = words_new();
	struct arena	*a = arena_new(1 << 20);
	struct str	 out;
	char		 in[128];
	size_t		 i, round, n;

	/* More charsets than cache slots, twice: eviction keeps working. */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < nitems(cs); i++) {
			n = strlen(cs[i]);
			memcpy(in, "=?", 2);
			memcpy(in + 2, cs[i], n);
			memcpy(in + 2 + n, "?q?ab_c?=", 9);
			t_eq_i64(words_decode(w, a, str_make(in, n + 11),
			    &out), 0, "rc %s", cs[i]);
			t_eq_str(out, "ab c", "charset %s round %zu", cs[i],
			    round);
		}
	}
	/* After all that, a stateful charset still starts fresh. */
	t_eq_i64(words_decode(w, a,
	    STR("=?iso-2022-jp?B?GyRCJCI=?= x =?iso-2022-jp?B?JCI=?="),
	    &out), 0, "jis rc");
	t_eq_str(out, "\xe3\x81\x82 x $\"", "state reset between groups");
	words_free(w);
	arena_free(a);
}

static void
test_arena_limit(void)
{
	struct words	*w = words_new();
	struct arena	*a = arena_new(8);
	struct str	 out;

	t_eq_i64(words_decode(w, a, STR("plain ascii text"), &out), -1,
	    "fast path exhaustion");
	t_eq_i64(words_decode(w, a, STR("=?utf-8?q?caf=C3=A9_au_lait?="),
	    &out), -1, "slow path exhaustion");
	t_eq_i64(words_sanitize(a, STR("0123456789"), &out), -1,
	    "sanitize exhaustion");
	arena_reset(a);
	t_eq_i64(words_decode(w, a, STR("=?utf-8?q?a?="), &out), 0,
	    "fits");
	t_eq_str(out, "a", "small result");
	words_free(w);
	words_free(NULL);
	arena_free(a);
}

static void
test_sanitize(void)
{
	struct arena	*a = arena_new(1 << 16);
	struct str	 out;

	t_eq_i64(words_sanitize(a, STR("a\tb\x01\xff"), &out), 0, "rc");
	t_eq_str(out, "a b \xef\xbf\xbd", "controls and bad byte");
	t_eq_i64(words_sanitize(a, STR(" x  y "), &out), 0, "rc");
	t_eq_str(out, " x  y ", "no trimming or collapsing");
	t_eq_i64(words_sanitize(a, STR("caf\xc3\xa9 \xe2\x82"), &out), 0,
	    "rc");
	t_eq_str(out, "caf\xc3\xa9 \xef\xbf\xbd", "maximal subpart");
	t_eq_i64(words_sanitize(a, STR("=?utf-8?q?a?="), &out), 0, "rc");
	t_eq_str(out, "=?utf-8?q?a?=", "no decoding");
	t_eq_i64(words_sanitize(a, str_make("a\0b\x7f", 4), &out), 0, "rc");
	t_eq_str(out, "a b ", "NUL and DEL");
	t_eq_i64(words_sanitize(a, STR(""), &out), 0, "rc");
	t_eq_str(out, "", "empty");
	arena_free(a);
}

/* 1 if the fast and the slow versions give the same for s[0..n). */
static int
agree(struct words *w, struct arena *a, const char *s, size_t n)
{
	struct str	f, r;

	arena_reset(a);
	if (words_decode(w, a, str_make(s, n), &f) !=
	    words_decode_slow(w, a, str_make(s, n), &r) || !str_eq(f, r))
		return 0;
	if (words_sanitize(a, str_make(s, n), &f) !=
	    words_sanitize_slow(a, str_make(s, n), &r) || !str_eq(f, r))
		return 0;
	return 1;
}

/*
 * The vector tests for plain text against the slow versions: every
 * length to 70 with each byte or pair that needs a look at each place
 * (the 16-byte steps, the overlapping last one, the first byte's
 * neighbour), and random text from a fixed seed.
 */
static void
test_fast_slow(void)
{
	static const char *const odd[] = {
		"", " ", "  ", "=?", "?", "=", "\t", "\n", "\x01", "\x7f",
		"\x80", "\xc3\xa9", "=?utf-8?q?a?=", "\r\n ",
	};
	struct words	*w = words_new();
	struct arena	*a = arena_new(1u << 24);
	char		 s[80];
	size_t		 bad = 0, tried = 0, ol;
	uint64_t	 x = 0x853c49e6748fea9bu;

	for (size_t n = 0; n <= 70; n++)
		for (size_t k = 0; k < nitems(odd); k++)
			for (size_t at = 0; at + (ol = strlen(odd[k])) <= n;
			    at++) {
				for (size_t i = 0; i < n; i++)
					s[i] = i % 5 == 4 ? ' ' :
					    (char)('a' + i % 26);
				memcpy(s + at, odd[k], ol);
				tried++;
				bad += !agree(w, a, s, n);
			}
	for (int round = 0; round < 20000; round++) {
		size_t	n;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = (size_t)(x % sizeof(s));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s[i] = (x & 0x7000) == 0 ? (char)(x >> 24) :
			    " =?a"[(x >> 32) % 4];
		}
		tried++;
		bad += !agree(w, a, s, n);
	}
	words_free(w);
	arena_free(a);
	t_ok(tried > 20000, "%zu strings", tried);
	t_eq_i64((int64_t)bad, 0, "fast and slow agree");
}

static const struct t_case tcases[] = {
	{ "words_table", test_table },
	{ "words_long", test_long },
	{ "words_cache", test_cache },
	{ "words_arena_limit", test_arena_limit },
	{ "words_sanitize", test_sanitize },
	{ "words_fast_slow", test_fast_slow },
};

T_MAIN(tcases)
