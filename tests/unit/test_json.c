/*
 * test_json.c: JSON string escaping; the fast path of json_add_str, and
 * json_put_str, against json_add_str_slow, the byte-by-byte reference.
 *
 * Expected escapes are written by hand from the rules in json.h.
 */
#include "base/buf.h"
#include "base/json.h"
#include "base/xmalloc.h"
#include "t.h"

/* s through both, each appended after prefix to a buffer whose first
 * allocation is cap bytes (0: none) and whose ceiling is max. */
static int
agree(struct str s, size_t cap, size_t max)
{
	struct buf	f, r;
	int		same;
	char		*d = xmalloc(JSON_STR_ROOM(s.len));
	size_t		 n = json_put_str(d, s);

	buf_init(&f, max);
	buf_init(&r, max);
	if (cap > 0) {
		buf_extend(&f, cap - 1);
		buf_reset(&f);
	}
	buf_lit(&f, "x");
	buf_lit(&r, "x");
	json_add_str(&f, s);
	json_add_str_slow(&r, s);
	same = f.failed == r.failed && (f.failed ||
	    (f.len == r.len && memcmp(f.data, r.data, f.len) == 0 &&
	    f.data[f.len] == '\0'));
	/* json_put_str writes what the reference appends after "x". */
	if (!r.failed)
		same = same && n + 1 == r.len && n <= JSON_STR_ROOM(s.len) &&
		    memcmp(d, r.data + 1, n) == 0;
	free(d);
	buf_free(&f);
	buf_free(&r);
	return same;
}

static void
test_table(void)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
#define C(in, out)	{ in, sizeof(in) - 1, out }
		C("",
		    "\"\""),
		C("plain",
		    "\"plain\""),
		C("a\"b\\c",
		    "\"a\\\"b\\\\c\""),
		C("tab\there\n",
		    "\"tab\\u0009here\\u000a\""),
		C("nul\0x",
		    "\"nul\\u0000x\""),
		C("caf\xc3\xa9 au lait, sixteen+ bytes",
		    "\"caf\xc3\xa9 au lait, sixteen+ bytes\""),
		C("bad \xff byte",
		    "\"bad \xef\xbf\xbd byte\""),
		C("cut \xe2\x82",
		    "\"cut \xef\xbf\xbd\xef\xbf\xbd\""),
		C("overlong \xc0\xaf",
		    "\"overlong \xef\xbf\xbd\xef\xbf\xbd\""),
		C("0123456789abcdef0123456789abcde\"",
		    "\"0123456789abcdef0123456789abcde\\\"\""),
		C("del \x7f stays",
		    "\"del \x7f stays\""),
#undef C
	};
	struct buf	b;

	buf_init(&b, 0);
	for (size_t i = 0; i < nitems(cases); i++) {
		struct str	s = str_make(cases[i].in, cases[i].len);

		buf_reset(&b);
		json_add_str(&b, s);
		t_eq_mem(b.data, b.len, cases[i].out, "fast: case %zu", i);
		buf_reset(&b);
		json_add_str_slow(&b, s);
		t_eq_mem(b.data, b.len, cases[i].out, "slow: case %zu", i);
	}
	buf_free(&b);
}

/*
 * Every length from 0 to 70 with each kind of byte that needs a look at
 * each position: the 16-byte steps, their overlapping last step and the
 * eight-byte test for short strings all see it.
 */
static void
test_positions(void)
{
	static const char *const odd[] = {
		"\"", "\\", "\x01", "\x1f", "\x80", "\xc3\xa9",
		"\xf0\x9f\x98\x80", "\xe2\x82", "\xff", "\x7f", " ", "~",
	};
	char	s[80];
	size_t	bad = 0, tried = 0;

	for (size_t n = 0; n <= 70; n++) {
		for (size_t i = 0; i < n; i++)
			s[i] = (char)('a' + i % 26);
		tried++;
		bad += !agree(str_make(s, n), 0, 0);
		for (size_t k = 0; k < nitems(odd); k++) {
			size_t	ol = strlen(odd[k]);

			for (size_t at = 0; at + ol <= n; at++) {
				for (size_t i = 0; i < n; i++)
					s[i] = (char)('A' + i % 26);
				memcpy(s + at, odd[k], ol);
				tried++;
				bad += !agree(str_make(s, n), 0, 0);
			}
		}
	}
	t_ok(tried > 5000, "%zu strings", tried);
	t_eq_i64((int64_t)bad, 0, "fast and slow agree on every position");
}

/* A buffer just full enough, or with a ceiling in the way, at each size. */
static void
test_room(void)
{
	char	s[64];
	size_t	bad = 0;

	for (size_t i = 0; i < sizeof(s); i++)
		s[i] = (char)('a' + i % 26);
	s[40] = '"';
	for (size_t n = 0; n <= sizeof(s); n++)
		for (size_t cap = 0; cap <= 80; cap += 1) {
			bad += !agree(str_make(s, n), cap, 0);
			bad += !agree(str_make(s, n), cap, cap);
		}
	t_eq_i64((int64_t)bad, 0, "fast and slow agree at every room and "
	    "ceiling");
}

/* Random bytes, mostly printable, from a fixed seed. */
static void
test_random(void)
{
	uint64_t	x = 0x9e3779b97f4a7c15u;
	char		s[300];
	size_t		bad = 0;

	for (int round = 0; round < 20000; round++) {
		size_t	n;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = (size_t)(x % sizeof(s));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s[i] = (x & 0xf000) == 0 ? (char)(x >> 24) :
			    (char)(' ' + (x >> 32) % 95);
		}
		bad += !agree(str_make(s, n), 0, 0);
	}
	t_eq_i64((int64_t)bad, 0, "fast and slow agree on random strings");
}

static const struct t_case cases[] = {
	{ "table", test_table },
	{ "positions", test_positions },
	{ "room", test_room },
	{ "random", test_random },
};

T_MAIN(cases)
