/*
 * json.c: escaping for JSON and CSV output (see json.h).
 */
#include <string.h>

#include "json.h"
#include "scan.h"

size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char	c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;	/* overlong, or a surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Bytes JSON output must look at (scan_json_special), for strings too
 * short for the vector test.
 */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/*
 * Copies the plain prefix of p[0..n) (no byte json_special marks) to d
 * and returns its length: 16 bytes per step, checked as they are stored,
 * the last step overlapping the one before it, so nothing past p + n is
 * read and nothing past d + n written.  Strings shorter than 16 bytes
 * are tested eight bytes at a time and copied whole, or walked bytewise
 * when a byte needs a look.
 */
static inline size_t
json_copy_plain(char *d, const unsigned char *p, size_t n)
{
	size_t	i = 0;

#ifdef __SSE2__
	if (n >= 16) {
		const __m128i	sp = _mm_set1_epi8(0x20);
		const __m128i	q = _mm_set1_epi8('"');
		const __m128i	bs = _mm_set1_epi8('\\');

		for (;;) {
			__m128i	a;
			int	mask;

			if (i + 16 > n)
				i = n - 16;
			a = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + i));
			_mm_storeu_si128((__m128i *)(void *)(d + i), a);
			/* Signed compare: bytes >= 0x80 are below 0x20. */
			mask = _mm_movemask_epi8(_mm_or_si128(
			    _mm_cmplt_epi8(a, sp), _mm_or_si128(
			    _mm_cmpeq_epi8(a, q), _mm_cmpeq_epi8(a, bs))));
			if (mask != 0)
				return i + (size_t)__builtin_ctz(
				    (unsigned)mask);
			if ((i += 16) >= n)
				return n;
		}
	}
#endif
	if (n >= 8 && n < 16) {
		const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7full;
		const uint64_t	hi = 0x8080808080808080ull;
		uint64_t	w[2], any = 0;

		memcpy(&w[0], p, 8);
		memcpy(&w[1], p + n - 8, 8);
		for (int k = 0; k < 2; k++) {
			uint64_t	x = w[k];
			uint64_t	xq = x ^ 0x2222222222222222ull;
			uint64_t	xb = x ^ 0x5c5c5c5c5c5c5c5cull;

			/* Per byte, exact (no carry leaves a byte): the
			 * high bit, below 0x20, equal to '"' or '\\'. */
			any |= x & hi;
			any |= ~((x & lo7) + 0x6060606060606060ull) & hi;
			any |= ~(((xq & lo7) + lo7) | xq) & hi;
			any |= ~(((xb & lo7) + lo7) | xb) & hi;
		}
		if (any == 0) {
			/* Two overlapping stores of the words just read. */
			memcpy(d, &w[0], 8);
			memcpy(d + n - 8, &w[1], 8);
			return n;
		}
	}
	for (; i < n && !json_special[p[i]]; i++)
		d[i] = (char)p[i];
	return i;
}

/*
 * Appends s[i..) escaped, and the closing quote: the bytes before i are
 * out already and were plain, so splitting there changes nothing.
 */
static void
json_escape_from(struct buf *b, const unsigned char *p, size_t n, size_t i)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			run = i, k;

	while (i < n) {
		i += scan_json_special((const char *)p + i, n - i);
		if (i == n)
			break;
		if (p[i] >= 0x80 && (k = utf8_seq_len(p + i, n - i)) > 0) {
			i += k;
			continue;
		}
		buf_add(b, p + run, i - run);
		if (p[i] == '"' || p[i] == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)p[i]);
		} else if (p[i] < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[p[i] >> 4],
			    hex[p[i] & 15] };
			buf_add(b, esc, sizeof(esc));
		} else
			buf_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
		run = ++i;
	}
	buf_add(b, p + run, i - run);
	buf_addc(b, '"');
}

void
json_add_str(struct buf *b, struct str s)
{
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 n = s.len, i;
	char			*d;

	/* The common case: the quotes and a plain copy, straight into the
	 * buffer, when it has room for them (and its NUL) as it is. */
	if (b->failed || n >= b->cap - b->len || b->cap - b->len - n < 3 ||
	    n + 2 > b->max - b->len) {
		buf_addc(b, '"');
		json_escape_from(b, p, n, 0);
		return;
	}
	d = b->data + b->len;
	d[0] = '"';
	i = json_copy_plain(d + 1, p, n);
	if (i == n) {
		d[n + 1] = '"';
		b->len += n + 2;
		b->data[b->len] = '\0';
		return;
	}
	b->len += 1 + i;
	b->data[b->len] = '\0';
	json_escape_from(b, p, n, i);
}

/*
 * json_escape_from's output written at d + o, which has room for six
 * bytes per byte left (a control byte's "\u00XX"); returns the new o.
 * Out of line, so that json_put_str's plain copy saves no registers.
 */
static __attribute__((noinline)) size_t
json_escape_to(char *d, size_t o, const unsigned char *p, size_t n, size_t i)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			k;

	while (i < n) {
		k = scan_json_special((const char *)p + i, n - i);
		memcpy(d + o, p + i, k);
		o += k;
		if ((i += k) == n)
			break;
		if (p[i] >= 0x80 && (k = utf8_seq_len(p + i, n - i)) > 0) {
			memcpy(d + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			d[o++] = '\\';
			d[o++] = (char)p[i];
		} else if (p[i] < 0x20) {
			memcpy(d + o, "\\u00", 4);
			d[o + 4] = hex[p[i] >> 4];
			d[o + 5] = hex[p[i] & 15];
			o += 6;
		} else {
			memcpy(d + o, "\xef\xbf\xbd", 3);	/* U+FFFD */
			o += 3;
		}
		i++;
	}
	return o;
}

size_t
json_put_str(char *d, struct str s)
{
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i, o;

	d[0] = '"';
	i = json_copy_plain(d + 1, p, s.len);
	o = 1 + i;
	if (i < s.len)
		o = json_escape_to(d, o, p, s.len, i);
	d[o++] = '"';
	return o;
}

void
json_add_str_slow(struct buf *b, struct str s)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i = 0, k;

	buf_addc(b, '"');
	while (i < s.len) {
		if (p[i] >= 0x80) {
			if ((k = utf8_seq_len(p + i, s.len - i)) > 0) {
				buf_add(b, p + i, k);
				i += k;
			} else {
				buf_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
				i++;
			}
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)p[i]);
		} else if (p[i] < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[p[i] >> 4],
			    hex[p[i] & 15] };
			buf_add(b, esc, sizeof(esc));
		} else
			buf_addc(b, (char)p[i]);
		i++;
	}
	buf_addc(b, '"');
}

void
json_add_str_or_null(struct buf *b, struct str s)
{
	if (s.p == NULL)
		buf_puts(b, "null");
	else
		json_add_str(b, s);
}

void
csv_add_field(struct buf *b, struct str s)
{
	const unsigned char	*p = (const unsigned char *)s.p;
	int			 quote = 0;
	size_t			 k;

	for (size_t i = 0; i < s.len; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\r' ||
		    p[i] == '\n')
			quote = 1;
	if (quote)
		buf_addc(b, '"');
	if (s.len > 0 && (p[0] == '=' || p[0] == '+' || p[0] == '-' ||
	    p[0] == '@' || p[0] == '\t'))
		buf_addc(b, '\'');
	for (size_t i = 0; i < s.len; ) {
		if (p[i] >= 0x80) {
			if ((k = utf8_seq_len(p + i, s.len - i)) == 0) {
				buf_puts(b, "\xef\xbf\xbd");
				i++;
			} else {
				buf_add(b, p + i, k);
				i += k;
			}
			continue;
		}
		if (p[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, (char)p[i]);
		i++;
	}
	if (quote)
		buf_addc(b, '"');
}
