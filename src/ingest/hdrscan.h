/*
 * hdrscan.h: the mbox splitter's search through a header block, which
 * also lists where its lines start.
 *
 * hdrscan_stop() answers what scan_hdr_stop (base/scan.h) answers, less
 * the 'C' and 'F' lines that cannot be a Content-Length field or an
 * envelope (hdrscan_real), and on the way appends the line starts it
 * passes to a struct line_list, so that the field parser
 * (meta_parse_lines) need not search the same bytes again.  A line start is listed as its offset
 * from the block's start: the byte after a '\n' that is not SP or HTAB
 * (a continuation).  Pure functions over any memory, inline like
 * scan.h: SSE2 16 bytes per step, AVX2 32 when the processor has it,
 * plain C for the last bytes; all give the same answer and the same
 * list (the tests and fuzz_mbox compare them).
 */
#ifndef RT_HDRSCAN_H
#define RT_HDRSCAN_H

#include <stdint.h>

#include "../base/scan.h"
#include "source.h"

struct line_list {
	uint32_t	*v;	/* SOURCE_LINES_MAX entries, caller's */
	size_t		 n;
	int		 over;	/* more line starts than v holds */
};

/* Appends rel + i for each bit i of mask. */
static inline void
hdrscan_put(struct line_list *ll, uint32_t rel, unsigned mask)
{
	uint32_t	*v = ll->v;
	size_t		 n = ll->n;

	/* Locals: the stores could alias ll otherwise (-fno-strict-
	 * aliasing), and ll would be read again after each one. */
	if (n + 32 <= SOURCE_LINES_MAX) {
		for (; mask != 0; mask &= mask - 1)
			v[n++] = rel + (uint32_t)__builtin_ctz(mask);
		ll->n = n;
		return;
	}
	for (; mask != 0; mask &= mask - 1) {
		if (ll->n == SOURCE_LINES_MAX) {
			ll->over = 1;
			return;
		}
		ll->v[ll->n++] = rel + (uint32_t)__builtin_ctz(mask);
	}
}

/*
 * Appends rel + i for each bit i of mask, 64 bits at a time: four
 * entries are written whatever the count (those past it are overwritten
 * later), so the usual zero to three line starts of 64 bytes cost no
 * branch; a loop takes any more.
 */
static inline void
hdrscan_put64(struct line_list *ll, uint32_t rel, uint64_t mask)
{
	const uint64_t	top = 1ull << 63;	/* ctz of 0 is undefined */
	uint32_t	*v = ll->v;
	size_t		 n = ll->n;
	unsigned	 k = (unsigned)__builtin_popcountll(mask);

	if (n + 64 > SOURCE_LINES_MAX) {
		hdrscan_put(ll, rel, (unsigned)mask);
		hdrscan_put(ll, rel + 32, (unsigned)(mask >> 32));
		return;
	}
	v[n] = rel + (uint32_t)__builtin_ctzll(mask | top);
	mask &= mask - 1;
	v[n + 1] = rel + (uint32_t)__builtin_ctzll(mask | top);
	mask &= mask - 1;
	v[n + 2] = rel + (uint32_t)__builtin_ctzll(mask | top);
	mask &= mask - 1;
	v[n + 3] = rel + (uint32_t)__builtin_ctzll(mask | top);
	mask &= mask - 1;
	for (size_t i = n + 4; mask != 0; mask &= mask - 1)
		v[i++] = rel + (uint32_t)__builtin_ctzll(mask);
	ll->n = n + k;
}

/*
 * Whether the line after the '\n' at q (q + 1 < end) that scan_hdr_stop
 * stops at can matter to the splitter: an empty line, or a 'C' or 'c'
 * line with 'L' or 'l' where "Content-Length:" has it, or an 'F' line
 * with a space where "From " has it.  Near end, where those bytes are
 * not there, it can.  Most 'C' and 'F' lines (Cc:, Content-Type:,
 * From:) are skipped so without a return to the splitter.
 */
static inline int
hdrscan_real(const char *q, const char *end)
{
	switch (q[1]) {
	case 'C':
	case 'c':
		return end - q <= 9 || (q[9] | 0x20) == 'l';
	case 'F':
		return end - q <= 5 || q[5] == ' ';
	default:
		return 1;
	}
}

/*
 * scan_hdr_stop(p, end) less the lines hdrscan_real rules out, appending
 * the start of the line after every '\n' up to the one returned
 * (included) whose follower is in the range and is not SP or HTAB; rel
 * is the offset of p + 1 from the block's start.  The last byte of the range, whose follower is not known yet,
 * is returned (when it is a '\n') without being listed: a search that
 * goes on from it lists it then.
 */
static inline const char *
hdrscan_stop_sse2(const char *p, const char *end, uint32_t rel,
    struct line_list *ll)
{
#ifdef __SSE2__
	const __m128i	nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	const __m128i	c = _mm_set1_epi8('c'), f = _mm_set1_epi8('F');
	const __m128i	bit = _mm_set1_epi8(0x20), sp = _mm_set1_epi8(' ');
	const __m128i	tab = _mm_set1_epi8('\t');

	while (end - p >= 17) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i	b = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 1));
		__m128i	anl = _mm_cmpeq_epi8(a, nl);
		__m128i	hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, nl),
			    _mm_cmpeq_epi8(b, cr)), _mm_or_si128(
			    _mm_cmpeq_epi8(_mm_or_si128(b, bit), c),
			    _mm_cmpeq_epi8(b, f)));
		__m128i	cont = _mm_or_si128(_mm_cmpeq_epi8(b, sp),
			    _mm_cmpeq_epi8(b, tab));
		unsigned stop = (unsigned)_mm_movemask_epi8(_mm_and_si128(hit,
			    anl));
		unsigned line = (unsigned)_mm_movemask_epi8(
			    _mm_andnot_si128(cont, anl));

		for (; stop != 0; stop &= stop - 1) {
			unsigned k = (unsigned)__builtin_ctz(stop);

			if (hdrscan_real(p + k, end)) {
				hdrscan_put(ll, rel, line & ((2u << k) - 1));
				return p + k;
			}
		}
		if (line != 0)
			hdrscan_put(ll, rel, line);
		p += 16;
		rel += 16;
	}
#endif
	for (; p < end; p++, rel++) {
		if (*p != '\n')
			continue;
		if (p + 1 == end)
			return p;
		if (p[1] != ' ' && p[1] != '\t')
			hdrscan_put(ll, rel, 1);
		if ((p[1] == '\n' || p[1] == '\r' || p[1] == 'C' ||
		    p[1] == 'c' || p[1] == 'F') && hdrscan_real(p, end))
			return p;
	}
	return NULL;
}

#ifdef SCAN_AVX2
/*
 * The stop and line-start masks of the 32 bytes at p (see below).  The
 * bytes after them are classed by two table look-ups, on their low and
 * their high half (a byte of 0x80 or above looks up 0): a bit of the AND
 * of both is set for \n \r (0x01), C F (0x02), c (0x04), HTAB (0x08)
 * and SP (0x10), and for no other byte.
 */
SCAN_TARGET_AVX2 static inline void
hdrscan_masks_avx2(const char *p, unsigned *stop, unsigned *line)
{
	const __m256i	lo_t = _mm256_setr_epi8(
			    0x10, 0, 0, 0x06, 0, 0, 0x02, 0,
			    0, 0x08, 0x01, 0, 0, 0x01, 0, 0,
			    0x10, 0, 0, 0x06, 0, 0, 0x02, 0,
			    0, 0x08, 0x01, 0, 0, 0x01, 0, 0);
	const __m256i	hi_t = _mm256_setr_epi8(
			    0x09, 0, 0x10, 0, 0x02, 0, 0x04, 0,
			    0, 0, 0, 0, 0, 0, 0, 0,
			    0x09, 0, 0x10, 0, 0x02, 0, 0x04, 0,
			    0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i	nib = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	__m256i		a = _mm256_loadu_si256((const __m256i *)(const void *)p);
	__m256i		b = _mm256_loadu_si256((const __m256i *)(const void *)
			    (p + 1));
	__m256i		anl = _mm256_cmpeq_epi8(a, _mm256_set1_epi8('\n'));
	__m256i		cls = _mm256_and_si256(_mm256_shuffle_epi8(lo_t, b),
			    _mm256_shuffle_epi8(hi_t, _mm256_and_si256(
			    _mm256_srli_epi16(b, 4), nib)));
	__m256i		nohit = _mm256_cmpeq_epi8(_mm256_and_si256(cls,
			    _mm256_set1_epi8(0x07)), zero);
	__m256i		nocont = _mm256_cmpeq_epi8(_mm256_and_si256(cls,
			    _mm256_set1_epi8(0x18)), zero);

	*stop = (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(nohit,
	    anl));
	*line = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(nocont, anl));
}

SCAN_TARGET_AVX2 static inline const char *
hdrscan_stop_avx2(const char *p, const char *end, uint32_t rel,
    struct line_list *ll)
{
	/* 64 bytes a step: one test, and the line starts listed without
	 * a branch (hdrscan_put64). */
	while (end - p >= 65) {
		unsigned	s0, s1, l0, l1;
		uint64_t	stop, line;

		hdrscan_masks_avx2(p, &s0, &l0);
		hdrscan_masks_avx2(p + 32, &s1, &l1);
		stop = (uint64_t)s1 << 32 | s0;
		line = (uint64_t)l1 << 32 | l0;
		for (; stop != 0; stop &= stop - 1) {
			unsigned k = (unsigned)__builtin_ctzll(stop);

			if (hdrscan_real(p + k, end)) {
				/* k = 63: 2 << 63 is 0, 0 - 1 keeps all. */
				hdrscan_put64(ll, rel, line & ((2ull << k) - 1));
				return p + k;
			}
		}
		hdrscan_put64(ll, rel, line);
		p += 64;
		rel += 64;
	}
	while (end - p >= 33) {
		unsigned stop, line;

		hdrscan_masks_avx2(p, &stop, &line);
		for (; stop != 0; stop &= stop - 1) {
			unsigned k = (unsigned)__builtin_ctz(stop);

			if (hdrscan_real(p + k, end)) {
				/* k = 31: 2u << 31 is 0, 0 - 1 keeps all. */
				hdrscan_put(ll, rel, line & ((2u << k) - 1));
				return p + k;
			}
		}
		if (line != 0)
			hdrscan_put(ll, rel, line);
		p += 32;
		rel += 32;
	}
	return hdrscan_stop_sse2(p, end, rel, ll);
}
#endif

static inline const char *
hdrscan_stop(const char *p, const char *end, uint32_t rel,
    struct line_list *ll)
{
#ifdef SCAN_AVX2
	if (scan_has_avx2())
		return hdrscan_stop_avx2(p, end, rel, ll);
#endif
	return hdrscan_stop_sse2(p, end, rel, ll);
}

#endif
