/*
 * scan.h: vectorised byte searches for the header and mbox scanners.
 *
 * These are the loops that set the speed of a scan, so they test 16 bytes
 * per step with SSE2 (always present on x86-64) and fall back to plain C
 * elsewhere.  Pure functions; p..end is any memory.
 */
#ifndef RT_SCAN_H
#define RT_SCAN_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/*
 * The three searches that walk every byte of a header block or a body
 * also have AVX2 versions (32 bytes per step), chosen at run time when
 * the processor has AVX2; they end in the SSE2 code for the last bytes,
 * so both give the same answer (tests and fuzzers run whichever the
 * machine has; test_mbox compares them when it can).
 */
#define SCAN_AVX2	1
#include <immintrin.h>
#define SCAN_TARGET_AVX2	__attribute__((target("avx2")))

static inline int
scan_has_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#endif

/*
 * The first '\n' in [p, end) that ends a header field: one not followed
 * by SP or HTAB (a continuation), or the last byte of the range, whose
 * follower is not known yet.  NULL if there is none.
 */
static inline const char *
scan_field_end_sse2(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i	nl = _mm_set1_epi8('\n'), sp = _mm_set1_epi8(' ');
	const __m128i	tab = _mm_set1_epi8('\t');

	while (end - p >= 17) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i	b = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 1));
		__m128i	cont = _mm_or_si128(_mm_cmpeq_epi8(b, sp),
			    _mm_cmpeq_epi8(b, tab));
		int	mask = _mm_movemask_epi8(_mm_andnot_si128(cont,
			    _mm_cmpeq_epi8(a, nl)));

		if (mask != 0)
			return p + __builtin_ctz((unsigned)mask);
		p += 16;
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' && (p + 1 == end || (p[1] != ' ' &&
		    p[1] != '\t')))
			return p;
	return NULL;
}

#ifdef SCAN_AVX2
SCAN_TARGET_AVX2 static inline const char *
scan_field_end_avx2(const char *p, const char *end)
{
	const __m256i	nl = _mm256_set1_epi8('\n'), sp = _mm256_set1_epi8(' ');
	const __m256i	tab = _mm256_set1_epi8('\t');

	while (end - p >= 33) {
		__m256i	a = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i	b = _mm256_loadu_si256((const __m256i *)(const void *)
			    (p + 1));
		__m256i	cont = _mm256_or_si256(_mm256_cmpeq_epi8(b, sp),
			    _mm256_cmpeq_epi8(b, tab));
		unsigned mask = (unsigned)_mm256_movemask_epi8(
			    _mm256_andnot_si256(cont, _mm256_cmpeq_epi8(a, nl)));

		if (mask != 0)
			return p + __builtin_ctz(mask);
		p += 32;
	}
	return scan_field_end_sse2(p, end);
}
#endif

static inline const char *
scan_field_end(const char *p, const char *end)
{
#ifdef SCAN_AVX2
	if (scan_has_avx2())
		return scan_field_end_avx2(p, end);
#endif
	return scan_field_end_sse2(p, end);
}

/*
 * The first '\n' in [p, end) followed by a byte that can end a header
 * block or matter to the mbox splitter: '\n' or '\r' (an empty line),
 * 'C' or 'c' (Content-Length), 'F' (an envelope line); or the last byte
 * of the range, whose follower is not known yet.  NULL if none.
 */
static inline const char *
scan_hdr_stop_sse2(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i	nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	const __m128i	c = _mm_set1_epi8('c'), f = _mm_set1_epi8('F');
	const __m128i	bit = _mm_set1_epi8(0x20);

	while (end - p >= 17) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i	b = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 1));
		__m128i	hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, nl),
			    _mm_cmpeq_epi8(b, cr)), _mm_or_si128(
			    _mm_cmpeq_epi8(_mm_or_si128(b, bit), c),
			    _mm_cmpeq_epi8(b, f)));
		int	mask = _mm_movemask_epi8(_mm_and_si128(hit,
			    _mm_cmpeq_epi8(a, nl)));

		if (mask != 0)
			return p + __builtin_ctz((unsigned)mask);
		p += 16;
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' && (p + 1 == end || p[1] == '\n' ||
		    p[1] == '\r' || p[1] == 'C' || p[1] == 'c' || p[1] == 'F'))
			return p;
	return NULL;
}

#ifdef SCAN_AVX2
SCAN_TARGET_AVX2 static inline const char *
scan_hdr_stop_avx2(const char *p, const char *end)
{
	const __m256i	nl = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
	const __m256i	c = _mm256_set1_epi8('c'), f = _mm256_set1_epi8('F');
	const __m256i	bit = _mm256_set1_epi8(0x20);

	while (end - p >= 33) {
		__m256i	a = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i	b = _mm256_loadu_si256((const __m256i *)(const void *)
			    (p + 1));
		__m256i	hit = _mm256_or_si256(_mm256_or_si256(
			    _mm256_cmpeq_epi8(b, nl), _mm256_cmpeq_epi8(b, cr)),
			    _mm256_or_si256(_mm256_cmpeq_epi8(
			    _mm256_or_si256(b, bit), c), _mm256_cmpeq_epi8(b, f)));
		unsigned mask = (unsigned)_mm256_movemask_epi8(
			    _mm256_and_si256(hit, _mm256_cmpeq_epi8(a, nl)));

		if (mask != 0)
			return p + __builtin_ctz(mask);
		p += 32;
	}
	return scan_hdr_stop_sse2(p, end);
}
#endif

static inline const char *
scan_hdr_stop(const char *p, const char *end)
{
#ifdef SCAN_AVX2
	if (scan_has_avx2())
		return scan_hdr_stop_avx2(p, end);
#endif
	return scan_hdr_stop_sse2(p, end);
}

/*
 * The index of the first byte in s[0..n) that JSON output must look at:
 * a control byte, '"', '\\', or a byte >= 0x80 (to check its UTF-8).
 * Returns n if there is none.
 */
static inline size_t
scan_json_special(const char *s, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	const __m128i	sp = _mm_set1_epi8(0x20), q = _mm_set1_epi8('"');
	const __m128i	bs = _mm_set1_epi8('\\');

	for (; n - i >= 16; i += 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
		/* Signed compare: bytes >= 0x80 are negative, so < 0x20. */
		int	mask = _mm_movemask_epi8(_mm_or_si128(
			    _mm_cmplt_epi8(a, sp), _mm_or_si128(
			    _mm_cmpeq_epi8(a, q), _mm_cmpeq_epi8(a, bs))));

		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
			return i;
	}
	return n;
}

/*
 * The index of the first byte in s[0..n) that is <= 0x20 (a control
 * byte or SP), or n if there is none.
 */
static inline size_t
scan_le_space(const char *s, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	const __m128i	sp = _mm_set1_epi8(0x20);

	for (; n - i >= 16; i += 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
		/* max(a, SP) == SP exactly when a <= SP (unsigned). */
		int	mask = _mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_max_epu8(a, sp), sp));

		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < n; i++)
		if ((unsigned char)s[i] <= 0x20)
			return i;
	return n;
}

/*
 * The index of the first '\n' or NUL in s[0..n), or n if there is none.
 */
static inline size_t
scan_nl_nul(const char *s, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	const __m128i	nl = _mm_set1_epi8('\n'), z = _mm_setzero_si128();

	for (; n - i >= 16; i += 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
		int	mask = _mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(a, nl), _mm_cmpeq_epi8(a, z)));

		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	for (; i < n; i++)
		if (s[i] == '\n' || s[i] == '\0')
			return i;
	return n;
}

/* The first "\nF" in [p, end), or NULL (see mbox.c). */
static inline const char *
scan_nl_f_sse2(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i	nl = _mm_set1_epi8('\n'), f = _mm_set1_epi8('F');

	while (end - p >= 17) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i	b = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 1));
		int	mask = _mm_movemask_epi8(_mm_and_si128(
			    _mm_cmpeq_epi8(a, nl), _mm_cmpeq_epi8(b, f)));

		if (mask != 0)
			return p + __builtin_ctz((unsigned)mask);
		p += 16;
	}
#endif
	for (; end - p >= 2; p++)
		if (p[0] == '\n' && p[1] == 'F')
			return p;
	return NULL;
}

#ifdef SCAN_AVX2
SCAN_TARGET_AVX2 static inline const char *
scan_nl_f_avx2(const char *p, const char *end)
{
	const __m256i	nl = _mm256_set1_epi8('\n'), f = _mm256_set1_epi8('F');

	/* Bodies are long: 64 bytes a step, one test. */
	while (end - p >= 65) {
		__m256i	m0 = _mm256_and_si256(_mm256_cmpeq_epi8(
			    _mm256_loadu_si256((const __m256i *)(const void *)p),
			    nl), _mm256_cmpeq_epi8(_mm256_loadu_si256(
			    (const __m256i *)(const void *)(p + 1)), f));
		__m256i	m1 = _mm256_and_si256(_mm256_cmpeq_epi8(
			    _mm256_loadu_si256((const __m256i *)(const void *)
			    (p + 32)), nl), _mm256_cmpeq_epi8(_mm256_loadu_si256(
			    (const __m256i *)(const void *)(p + 33)), f));
		__m256i	any = _mm256_or_si256(m0, m1);

		if (!_mm256_testz_si256(any, any)) {
			unsigned k = (unsigned)_mm256_movemask_epi8(m0);

			if (k != 0)
				return p + __builtin_ctz(k);
			return p + 32 + __builtin_ctz((unsigned)
			    _mm256_movemask_epi8(m1));
		}
		p += 64;
	}
	while (end - p >= 33) {
		__m256i	a = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i	b = _mm256_loadu_si256((const __m256i *)(const void *)
			    (p + 1));
		unsigned mask = (unsigned)_mm256_movemask_epi8(
			    _mm256_and_si256(_mm256_cmpeq_epi8(a, nl),
			    _mm256_cmpeq_epi8(b, f)));

		if (mask != 0)
			return p + __builtin_ctz(mask);
		p += 32;
	}
	return scan_nl_f_sse2(p, end);
}
#endif

static inline const char *
scan_nl_f(const char *p, const char *end)
{
#ifdef SCAN_AVX2
	if (scan_has_avx2())
		return scan_nl_f_avx2(p, end);
#endif
	return scan_nl_f_sse2(p, end);
}

#endif
