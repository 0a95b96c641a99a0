/*
 * hdr.h: walk the fields of an RFC 5322 header block.
 *
 * A pull iterator over a header block already in memory: each call yields
 * one field's name and its raw value (from after the colon to the end of
 * its last continuation line, folding line breaks included).  Nothing is
 * copied; names and values borrow from the block.
 *
 * Lines end in LF or CRLF, mixed freely.  A line that is neither a field
 * ("Name:" with printable ASCII name bytes, optional white space before
 * the colon as RFC 5322 4.5 allows) nor a continuation (leading SP/HTAB)
 * is skipped and counted in bad_lines: real mail has them (docs/violations/
 * hdr.md), and one broken line must not hide the rest of the block.
 */
#ifndef RT_HDR_H
#define RT_HDR_H

#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/scan.h"
#include "../base/str.h"

struct hdr_iter {
	const char	*p;		/* next unread byte */
	const char	*end;
	const char	*base;		/* the block's start */
	const uint32_t	*ls;		/* line starts still ahead, or NULL */
	const uint32_t	*ls_end;
	size_t		 bad_lines;	/* lines that were not fields */
	size_t		 fields;	/* fields returned so far */
};

struct hdr_field {
	struct str	name;	/* borrowed; without the colon or white space */
	struct str	value;	/* borrowed; raw, still folded, no final EOL */
};

void	hdr_iter_init(struct hdr_iter *it, struct str block);
/*
 * The same with the block's line starts given (borrowed): the offsets
 * hdr_lines() lists, found by whoever read the block (the mbox splitter
 * does), so that hdr_next need not search for them.  A list that is not
 * increasing inside the block is not used (the iterator searches), so a
 * wrong list never makes it read outside the block.
 */
void	hdr_iter_init_lines(struct hdr_iter *it, struct str block,
	    const uint32_t *lines, size_t n);
/*
 * Lists in v (room for max) the offsets of the line starts of block that
 * are not continuations: each i in 1..len-1 with block[i - 1] '\n' and
 * block[i] neither SP nor HTAB.  Returns how many there are (more than
 * max: only max are stored).  The plain reference for hdr_iter_init_lines.
 */
size_t	hdr_lines(struct str block, uint32_t *v, size_t max);

/*
 * The iterator is the innermost loop of every scan (inline, so that the
 * field loop of meta_parse has no call per field): it finds each field's
 * end with one vector search (scan_field_end) and touches the bytes of an
 * uninteresting field only through that search.  hdr_next returns 1 and
 * fills *f, or 0 at the end of the block.
 */

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

static inline int
hdr_next(struct hdr_iter *it, struct hdr_field *f)
{
	const char	*p, *line, *name_end, *vstart, *q, *end = it->end;

	for (p = it->p; p < end; ) {
		line = p;
		/* The whole field, continuation lines included: up to the
		 * next line start listed, or found by one vector search. */
		if (it->ls != NULL)
			p = it->ls < it->ls_end ? it->base + *it->ls++ : end;
		else {
			q = scan_field_end(line, end);
			p = q != NULL ? q + 1 : end;
		}
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

/*
 * The value with folding removed (every CR and LF dropped: RFC 5322 2.2.3
 * unfolding) and surrounding white space trimmed.  Returns a slice of the
 * value when it has no line break, else a copy in the arena; on arena
 * exhaustion the value is cut where a line break would be removed.
 */
struct str	hdr_unfold(struct arena *a, struct str value);

#endif
