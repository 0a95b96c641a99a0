/*
 * test_scan.c: the vector searches of base/scan.h against plain loops.
 *
 * Each search has a byte-at-a-time reference written here, and the SSE2
 * and (when the processor has it) AVX2 versions must give the same
 * answer for every start and end in random buffers drawn from the bytes
 * the searches look for.  Buffers are heap copies of their exact length,
 * so AddressSanitizer catches a load past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "base/scan.h"
#include "base/str.h"
#include "t.h"

static const char *
ref_field_end(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == '\n' && (p + 1 == end || (p[1] != ' ' &&
		    p[1] != '\t')))
			return p;
	return NULL;
}

static const char *
ref_hdr_stop(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == '\n' && (p + 1 == end || p[1] == '\n' ||
		    p[1] == '\r' || p[1] == 'C' || p[1] == 'c' || p[1] == 'F'))
			return p;
	return NULL;
}

static const char *
ref_nl_f(const char *p, const char *end)
{
	for (; end - p >= 2; p++)
		if (p[0] == '\n' && p[1] == 'F')
			return p;
	return NULL;
}

typedef const char *(*search_fn)(const char *, const char *);

static const struct {
	const char	*name;
	search_fn	 ref, sse2, any;
#ifdef SCAN_AVX2
	search_fn	 avx2;
#endif
} searches[] = {
#ifdef SCAN_AVX2
	{ "field_end", ref_field_end, scan_field_end_sse2, scan_field_end,
	    scan_field_end_avx2 },
	{ "hdr_stop", ref_hdr_stop, scan_hdr_stop_sse2, scan_hdr_stop,
	    scan_hdr_stop_avx2 },
	{ "nl_f", ref_nl_f, scan_nl_f_sse2, scan_nl_f, scan_nl_f_avx2 },
#else
	{ "field_end", ref_field_end, scan_field_end_sse2, scan_field_end },
	{ "hdr_stop", ref_hdr_stop, scan_hdr_stop_sse2, scan_hdr_stop },
	{ "nl_f", ref_nl_f, scan_nl_f_sse2, scan_nl_f },
#endif
};

static void
test_random(void)
{
	static const char alpha[] = "\n\n\n \tFCcr\rx";
	size_t		 bad = 0, runs = 0;
	unsigned	 seed = 12345;
	int		 avx2 = 0;

#ifdef SCAN_AVX2
	avx2 = scan_has_avx2();
#endif
	for (int round = 0; round < 400; round++) {
		size_t	 len = (size_t)(round % 97) + (size_t)(round / 97) * 40;
		char	*b = malloc(len > 0 ? len : 1);

		if (b == NULL)
			abort();
		/* Sparse newlines in some rounds, so long runs get tested. */
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			b[i] = (round & 1) && (seed >> 16) % 8 != 0 ? 'x' :
			    alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		for (size_t s = 0; s <= len; s++)
			for (size_t e = s; e <= len; e += (e < s + 70 ? 1 : 13))
				for (size_t k = 0; k < nitems(searches); k++) {
					const char *want = searches[k].ref(b + s,
					    b + e);

					bad += searches[k].sse2(b + s, b + e) !=
					    want;
					bad += searches[k].any(b + s, b + e) !=
					    want;
#ifdef SCAN_AVX2
					if (avx2)
						bad += searches[k].avx2(b + s,
						    b + e) != want;
#endif
					runs++;
				}
		free(b);
	}
	t_eq_i64((int64_t)bad, 0, "%zu searches agree with the reference "
	    "(AVX2 %s)", runs, avx2 ? "tested" : "absent");
}

static const struct t_case cases[] = {
	{ "random", test_random },
};
T_MAIN(cases)
