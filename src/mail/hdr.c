/*
 * hdr.c: the header-block field iterator (see hdr.h).
 *
 * The iterator is the innermost loop of every scan, so it finds each
 * field's end with one vector search (scan_field_end) and touches the
 * bytes of an uninteresting field only through that search.
 */
#include <string.h>

#include "../base/scan.h"
#include "hdr.h"

void
hdr_iter_init(struct hdr_iter *it, struct str block)
{
	it->p = block.p;
	it->end = block.p + block.len;
	it->bad_lines = 0;
	it->fields = 0;
}

/* RFC 5322 3.6.8: ftext is printable US-ASCII except colon. */
static inline int
is_ftext(unsigned char c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/*
 * The end of the run of ftext bytes at q, at most p.  Names are short, so
 * one 16-byte step usually finds it: a byte below 33 (signed: also every
 * byte of 0x80 and above), DEL or a colon.
 */
static inline const char *
name_end_at(const char *q, const char *p)
{
#ifdef __SSE2__
	const __m128i	lo = _mm_set1_epi8(33), del = _mm_set1_epi8(127);
	const __m128i	colon = _mm_set1_epi8(':');

	while (p - q >= 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)q);
		int	mask = _mm_movemask_epi8(_mm_or_si128(
			    _mm_cmplt_epi8(a, lo), _mm_or_si128(
			    _mm_cmpeq_epi8(a, del), _mm_cmpeq_epi8(a, colon))));

		if (mask != 0)
			return q + __builtin_ctz((unsigned)mask);
		q += 16;
	}
#endif
	while (q < p && is_ftext((unsigned char)*q))
		q++;
	return q;
}

int
hdr_next(struct hdr_iter *it, struct hdr_field *f)
{
	const char	*p, *line, *name_end, *vstart, *q, *end = it->end;

	for (p = it->p; p < end; ) {
		line = p;
		/* The whole field, continuation lines included. */
		q = scan_field_end(line, end);
		p = q != NULL ? q + 1 : end;
		q = name_end_at(line, p);
		name_end = q;
		while (q < p && (*q == ' ' || *q == '\t'))
			q++;
		if (name_end == line || q == p || *q != ':') {
			/* A stray continuation or a line that is no field. */
			it->bad_lines++;
			continue;
		}
		vstart = q + 1;
		it->p = p;
		f->name = str_make(line, (size_t)(name_end - line));
		q = p;
		if (q > vstart && q[-1] == '\n')
			q--;
		if (q > vstart && q[-1] == '\r')
			q--;
		f->value = str_make(vstart, (size_t)(q - vstart));
		it->fields++;
		return 1;
	}
	it->p = end;
	return 0;
}

struct str
hdr_unfold(struct arena *a, struct str value)
{
	char	*out;
	size_t	 n = 0;

	value = str_trim(value);
	/* A bare CR (no LF) is left for the field parsers, which treat it
	 * as white space. */
	if (memchr(value.p, '\n', value.len) == NULL)
		return value;
	if ((out = arena_alloc(a, value.len + 1)) == NULL) {
		while (n < value.len && value.p[n] != '\r' &&
		    value.p[n] != '\n')
			n++;
		return str_make(value.p, n);
	}
	/* Copy the runs between line breaks; drop each CR LF or LF. */
	for (const char *p = value.p, *end = value.p + value.len; p < end; ) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		const char	*stop = nl != NULL ? nl : end;
		size_t		 k = (size_t)(stop - p);

		if (k > 0 && p[k - 1] == '\r')
			k--;
		memcpy(out + n, p, k);
		n += k;
		p = nl != NULL ? nl + 1 : end;
	}
	out[n] = '\0';
	return str_make(out, n);
}
