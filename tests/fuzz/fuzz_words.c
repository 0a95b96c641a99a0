/*
 * fuzz_words.c: words_decode and words_sanitize on arbitrary bytes.
 *
 * Invariants, checked on every input (abort if broken):
 * - words_decode output is valid UTF-8 with no C0 control and no DEL,
 *   no leading, trailing or doubled space;
 * - words_sanitize output is valid UTF-8 with no C0 control and no DEL,
 *   and sanitising it again changes nothing;
 * - decoded output passes through words_sanitize unchanged;
 * - words_decode_slow and words_sanitize_slow (no vector tests for plain
 *   text) give the same strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "mail/words.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct words	*w;
static struct arena	*a;

/* Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static int
valid_utf8(const unsigned char *p, size_t n)
{
	size_t	i = 0, k, j;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			k = 1;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			k = 2;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			k = 3;
		else
			return 0;
		if (n - i <= k)
			return 0;
		cp = p[i] & (0x3f >> k);
		for (j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int
no_controls(const unsigned char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str		 in = str_make((const char *)data, size);
	struct str		 out, s1, s2;
	const unsigned char	*p;
	size_t			 i;

	if (w == NULL) {
		w = words_new();
		a = arena_new((size_t)256 << 20);
	}
	arena_reset(a);

	if (words_decode(w, a, in, &out) != 0)
		abort();
	/* The vector tests for plain text change nothing. */
	if (words_decode_slow(w, a, in, &s1) != 0 || !str_eq(s1, out))
		abort();
	if (words_sanitize(a, in, &s1) != 0 ||
	    words_sanitize_slow(a, in, &s2) != 0 || !str_eq(s1, s2))
		abort();
	p = (const unsigned char *)out.p;
	if (out.len > 0 && p == NULL)
		abort();
	if (!valid_utf8(p, out.len) || !no_controls(p, out.len))
		abort();
	if (out.len > 0 && (p[0] == ' ' || p[out.len - 1] == ' '))
		abort();
	for (i = 1; i < out.len; i++)
		if (p[i] == ' ' && p[i - 1] == ' ')
			abort();
	if (words_sanitize(a, out, &s1) != 0 || !str_eq(s1, out))
		abort();

	if (words_sanitize(a, in, &s1) != 0)
		abort();
	p = (const unsigned char *)s1.p;
	if (!valid_utf8(p, s1.len) || !no_controls(p, s1.len))
		abort();
	if (s1.len < size)
		abort();	/* every byte gives one or more */
	if (words_sanitize(a, s1, &s2) != 0 || !str_eq(s1, s2))
		abort();
	return 0;
}
