/*
 * msgid.c: message ids and id lists (see msgid.h, docs/violations/msgid.md).
 *
 * Model.  A value is scanned for tokens "<...>": a token opens at '<' and
 * closes at the next '>'; a '<' met before that '>' opens the token anew
 * (so "<a<b@c>" gives "b@c": an id never holds '<' or '>').  A '<' with
 * no '>' after it opens nothing.  Everything outside tokens (commas,
 * junk, comments, a bare id without angle brackets) is ignored.  Inside a
 * token every white-space byte (SP, HT, LF, VT, FF, CR) is removed; the
 * rest is kept byte for byte, so ids compare with memcmp.  An id empty
 * after that is no id; one longer than MSGID_MAX_LEN is dropped.
 *
 * A list value is scanned twice: once to count ids and bytes, once to
 * copy them into one arena block, so a call makes at most two arena
 * allocations (the id array and the bytes) whatever the value holds.
 */
#include <stdint.h>
#include <string.h>

#include "../base/scan.h"
#include "msgid.h"

struct span {
	size_t	 start;		/* first byte after '<' */
	size_t	 end;		/* offset of the closing '>' */
	size_t	 len;		/* bytes without white space */
};

static int
msgid_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/* The number of white-space bytes in s[0..n). */
static size_t
ws_count(const unsigned char *s, size_t n)
{
	size_t	i = 0, c = 0;

	/* Ids rarely hold white space: one vector test for a byte <= SP. */
	while ((i += scan_le_space((const char *)s + i, n - i)) < n) {
		if (msgid_is_ws(s[i]))
			c++;
		i++;
	}
	return c;
}

/*
 * Finds the next token at or after *pos.  Returns 1 and fills sp, with
 * *pos moved past the '>', or 0 when there is none.  The token closes at
 * the first '>' after a '<'; the last '<' before that '>' opens it.
 * The reference: three searches for '<' and '>' and one for white space.
 */
static int
token_next_slow(struct str v, size_t *pos, struct span *sp)
{
	const unsigned char	*p = (const unsigned char *)v.p;
	const unsigned char	*lt, *gt, *q;

	if (*pos >= v.len ||
	    (lt = memchr(p + *pos, '<', v.len - *pos)) == NULL ||
	    (gt = memchr(lt + 1, '>', (size_t)(p + v.len - lt - 1))) == NULL) {
		*pos = v.len;
		return 0;
	}
	while ((q = memchr(lt + 1, '<', (size_t)(gt - lt - 1))) != NULL)
		lt = q;
	sp->start = (size_t)(lt - p) + 1;
	sp->end = (size_t)(gt - p);
	sp->len = (sp->end - sp->start) -
	    ws_count(lt + 1, sp->end - sp->start);
	*pos = sp->end + 1;
	return 1;
}

/*
 * The index of the first byte in s[0..n) that token_next stops at: '<',
 * '>' or a byte <= SP (white space is one of them), or n.
 */
static inline size_t
angle_or_space(const unsigned char *s, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	const __m128i	sp = _mm_set1_epi8(0x20), lt = _mm_set1_epi8('<');
	const __m128i	gt = _mm_set1_epi8('>');

	for (; n - i >= 16; i += 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
		/* a <= SP, unsigned: min(a, SP) == a. */
		int	mask = _mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(_mm_min_epu8(a, sp), a),
			    _mm_or_si128(_mm_cmpeq_epi8(a, lt),
			    _mm_cmpeq_epi8(a, gt))));

		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < n; i++)
		if (s[i] <= 0x20 || s[i] == '<' || s[i] == '>')
			return i;
	return n;
}

/* The index of the first '<' in s[0..n), or n. */
static inline size_t
lt_at(const unsigned char *s, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	const __m128i	lt = _mm_set1_epi8('<');

	for (; n - i >= 16; i += 16) {
		int	mask = _mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i)), lt));

		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < n; i++)
		if (s[i] == '<')
			return i;
	return n;
}

/*
 * token_next_slow in one pass: every '<' reopens the token (and restarts
 * its white-space count) until a '>' closes one; a '>' before any '<'
 * closes nothing.
 */
static int
token_next(struct str v, size_t *pos, struct span *sp)
{
	const unsigned char	*p = (const unsigned char *)v.p;
	size_t			 i = *pos, n = v.len, ws = 0;
	int			 open = 0;

	while (i < n) {
		/* Outside a token only a '<' matters. */
		i += open ? angle_or_space(p + i, n - i) : lt_at(p + i, n - i);
		if (i == n)
			break;
		if (p[i] == '<') {
			open = 1;
			sp->start = i + 1;
			ws = 0;
		} else if (p[i] == '>') {
			if (open) {
				sp->end = i;
				sp->len = i - sp->start - ws;
				*pos = i + 1;
				return 1;
			}
		} else if (open && msgid_is_ws(p[i]))
			ws++;
		i++;
	}
	*pos = n;
	return 0;
}

/* Copies the token without white space to d; returns the length. */
static size_t
token_copy(struct str v, const struct span *sp, char *d)
{
	size_t	i, n = 0;

	if (sp->len == sp->end - sp->start) {
		memcpy(d, v.p + sp->start, sp->len);
		d[sp->len] = '\0';
		return sp->len;
	}
	for (i = sp->start; i < sp->end; i++)
		if (!msgid_is_ws((unsigned char)v.p[i]))
			d[n++] = v.p[i];
	d[n] = '\0';
	return n;
}

typedef int (*token_fn)(struct str, size_t *, struct span *);

static int
parse_one(struct arena *a, struct str value, struct str *id_out,
    token_fn next)
{
	struct span	 sp;
	size_t		 pos = 0;
	char		*d;

	*id_out = STR_NULL;
	if (value.p == NULL || !next(value, &pos, &sp))
		return 0;
	if (sp.len == 0 || sp.len > MSGID_MAX_LEN)
		return 0;
	if ((d = arena_alloc(a, sp.len + 1)) == NULL)
		return -1;
	*id_out = str_make(d, token_copy(value, &sp, d));
	return 1;
}

int
msgid_parse(struct arena *a, struct str value, struct str *id_out)
{
	return parse_one(a, value, id_out, token_next);
}

int
msgid_parse_slow(struct arena *a, struct str value, struct str *id_out)
{
	return parse_one(a, value, id_out, token_next_slow);
}

/*
 * keep: how many of the tokens pass 1 finds it keeps for pass 2, which
 * then copies them without scanning again (0: pass 2 scans again).
 */
static int
parse_list(struct arena *a, struct str value, struct mail_ids *out,
    token_fn next, size_t keep)
{
	struct span	 sp, kept[32];
	struct str	*v;
	size_t		 pos, n = 0, bytes = 0, room, k;
	char		*d;

	if (value.p == NULL)
		return 0;
	room = out->n < MSGID_LIST_MAX ? MSGID_LIST_MAX - out->n : 0;
	if (keep > nitems(kept))
		keep = nitems(kept);

	/* Pass 1: how many ids fit, and their bytes. */
	for (pos = 0; next(value, &pos, &sp); ) {
		if (sp.len == 0)
			continue;
		if (sp.len > MSGID_MAX_LEN || n == room) {
			out->dropped++;
			continue;
		}
		if (n < keep)
			kept[n] = sp;
		n++;
		bytes += sp.len + 1;
	}
	if (n == 0)
		return 0;

	if ((v = arena_alloc(a, (out->n + n) * sizeof(*v))) == NULL ||
	    (d = arena_alloc(a, bytes)) == NULL)
		return -1;
	if (out->n > 0)
		memcpy(v, out->v, out->n * sizeof(*v));

	/* Pass 2: the same tokens in the same order. */
	if (n <= keep) {
		for (k = 0; k < n; k++) {
			v[out->n + k] = str_make(d, token_copy(value,
			    &kept[k], d));
			d += kept[k].len + 1;
		}
	} else for (pos = 0, k = 0; k < n && next(value, &pos, &sp); ) {
		if (sp.len == 0 || sp.len > MSGID_MAX_LEN)
			continue;
		v[out->n + k] = str_make(d, token_copy(value, &sp, d));
		d += sp.len + 1;
		k++;
	}
	out->v = v;
	out->n += n;
	return 0;
}

int
msgid_parse_list(struct arena *a, struct str value, struct mail_ids *out)
{
	return parse_list(a, value, out, token_next, SIZE_MAX);
}

int
msgid_parse_list_slow(struct arena *a, struct str value,
    struct mail_ids *out)
{
	return parse_list(a, value, out, token_next_slow, 0);
}
