/*
 * fuzz_addr.c: addr_parse_list on arbitrary bytes.
 *
 * Invariants, checked on every input (abort if broken):
 *  - the call succeeds (the arena is far larger than any input needs);
 *  - at most ADDR_LIST_MAX addresses, even when the input is appended a
 *    second time, and the second call adds exactly what the first did
 *    (n and bad) while below the cap;
 *  - every address is 3 to ADDR_MAX_LEN bytes with a non-empty local part
 *    and domain around its last '@', no upper-case ASCII, no C0 control
 *    but TAB, no DEL, and no white space at all unless the input has a
 *    '"' (quoted local parts keep theirs); the domain never has white
 *    space, and a domain literal is "[...]" holding no '@';
 *  - a domain never ends with '.';
 *  - an address made of atext and dots only reads back as itself;
 *  - every display name is valid UTF-8 with no C0 control or DEL and no
 *    white space at either end;
 *  - the fast path agrees with the reference parser (addr_parse_list_slow):
 *    the same addresses and names in the same order, the same bad count;
 *  - the 16-byte run copy (addr_run_copy) agrees with its plain loop from
 *    every start in the first 64 bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "mail/addr.h"
#include "mail/words.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_run_copy(const unsigned char *p, size_t size)
{
	static unsigned char	d1[1024], d2[1024];
	size_t			n1, n2, lim = size < sizeof(d1) ? size :
				    sizeof(d1);

	for (size_t i = 0; i < lim && i < 64; i++) {
		n1 = addr_run_copy(d1, p + i, p + lim);
		n2 = addr_run_copy_slow(d2, p + i, p + lim);
		if (n1 != n2 || memcmp(d1, d2, n1) != 0)
			abort();
	}
}

static struct arena	*a;
static struct words	*w;

/* atext (RFC 5322 3.2.3) or '.', ASCII only. */
static int
plain(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')
		return 1;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static void
check_utf8(struct str s)
{
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i = 0, k, n;
	uint32_t		 cp;

	if (s.len > 0 && (p[0] == ' ' || p[s.len - 1] == ' '))
		abort();
	while (i < s.len) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			abort();
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			abort();
		if (i + n >= s.len)
			abort();
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			abort();
		i += n + 1;
	}
}

static void
check_addr(const struct mail_addr *m, int quotes)
{
	struct str	s = m->addr, local, dom;
	size_t		i;
	int		simple = 1;
	unsigned char	c;

	if (s.p == NULL || s.len < 3 || s.len > ADDR_MAX_LEN ||
	    memchr(s.p, '@', s.len) == NULL)
		abort();
	local = addr_local(s);
	dom = addr_domain(s);
	if (local.len == 0 || dom.len == 0 || dom.p[dom.len - 1] == '.')
		abort();
	for (i = 0; i < s.len; i++) {
		c = (unsigned char)s.p[i];
		if ((c >= 'A' && c <= 'Z') || c == 0x7f ||
		    (c < 0x20 && c != '\t'))
			abort();
		if ((c == ' ' || c == '\t') && !quotes)
			abort();
		if (c != '@' && !plain(c))
			simple = 0;
	}
	for (i = 0; i < dom.len; i++)
		if (dom.p[i] == ' ' || dom.p[i] == '\t')
			abort();
	if (dom.p[0] == '[' && (dom.len < 2 || dom.p[dom.len - 1] != ']'))
		abort();
	check_utf8(m->name);

	/* Plain addresses are their own normal form. */
	if (simple && memchr(s.p, '@', s.len) == local.p + local.len &&
	    dom.p[0] != '.') {
		struct mail_addrs	again;

		memset(&again, 0, sizeof(again));
		if (addr_parse_list(a, w, s, &again) != 0 || again.n != 1 ||
		    again.bad != 0 || !str_eq(again.v[0].addr, s))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str		 in = str_make((const char *)data, size);
	struct mail_addrs	 out, ref;
	size_t			 i, n1, bad1;
	int			 quotes = memchr(data, '"', size) != NULL;

	check_run_copy(data, size);
	if (a == NULL) {
		a = arena_new((size_t)256 << 20);
		w = words_new();
	}
	arena_reset(a);

	memset(&out, 0, sizeof(out));
	if (addr_parse_list(a, w, in, &out) != 0)
		abort();
	if (out.n > ADDR_LIST_MAX || (out.n > 0 && out.v == NULL))
		abort();
	n1 = out.n;
	bad1 = out.bad;
	memset(&ref, 0, sizeof(ref));
	if (addr_parse_list_slow(a, w, in, &ref) != 0 || ref.n != out.n ||
	    ref.bad != out.bad)
		abort();
	for (i = 0; i < n1; i++)
		if (!str_eq(ref.v[i].addr, out.v[i].addr) ||
		    !str_eq(ref.v[i].name, out.v[i].name))
			abort();
	for (i = 0; i < n1; i++)
		check_addr(&out.v[i], quotes);

	if (addr_parse_list(a, w, in, &out) != 0)
		abort();
	if (out.n > ADDR_LIST_MAX || out.n < n1)
		abort();
	if (2 * n1 <= ADDR_LIST_MAX && (out.n != 2 * n1 ||
	    out.bad != 2 * bad1))
		abort();
	for (i = 0; i < out.n; i++) {
		if (i >= n1 && i - n1 < n1 && !str_eq(out.v[i].addr,
		    out.v[i - n1].addr))
			abort();
		check_addr(&out.v[i], quotes);
	}
	return 0;
}
