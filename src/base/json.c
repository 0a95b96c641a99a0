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

/* Whether s needs no escaping and no UTF-8 check: all plain ASCII. */
static inline int
json_plain(const unsigned char *p, size_t n)
{
	size_t	i = 0;

	if (n >= 16)
		return scan_json_special((const char *)p, n) == n;
	for (; i < n; i++)
		if (json_special[p[i]])
			return 0;
	return 1;
}

void
json_add_str(struct buf *b, struct str s)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i = 0, run = 0, k;
	char			*d;

	/* The common case: quotes around a plain copy, one reservation. */
	if (json_plain(p, s.len)) {
		if ((d = buf_extend(b, s.len + 2)) != NULL) {
			d[0] = '"';
			if (s.len > 0)
				memcpy(d + 1, p, s.len);
			d[s.len + 1] = '"';
		}
		return;
	}
	buf_addc(b, '"');
	while (i < s.len) {
		i += scan_json_special(s.p + i, s.len - i);
		if (i == s.len)
			break;
		if (p[i] >= 0x80 && (k = utf8_seq_len(p + i, s.len - i)) > 0) {
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
