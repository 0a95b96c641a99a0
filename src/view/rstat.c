/*
 * rstat.c: a wavelet matrix over ranks, for exact range statistics
 * (rstat.h).
 *
 * Each value is replaced by its rank (0 .. n-1) in the values sorted by
 * (value, position): a permutation, so every level of the matrix splits
 * on one bit of the rank, and the k-th smallest rank of a range maps
 * back to its value through sorted[].  Counting values <= x is counting
 * ranks below the number of sorted values <= x.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "rstat.h"

void
rstat_sort_idx(const uint64_t *key, uint32_t n, uint32_t *perm)
{
	uint32_t	*tmp, *src, *dst, *t;
	uint64_t	 max = 0;
	size_t		 count[256];

	for (uint32_t i = 0; i < n; i++) {
		perm[i] = i;
		if (key[i] > max)
			max = key[i];
	}
	if (n < 2)
		return;
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	src = perm;
	dst = tmp;
	for (unsigned shift = 0; shift < 64 && (max >> shift) != 0;
	    shift += 8) {
		size_t	sum = 0, c;

		memset(count, 0, sizeof(count));
		for (uint32_t i = 0; i < n; i++)
			count[(key[src[i]] >> shift) & 255]++;
		for (size_t d = 0; d < 256; d++) {
			c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (uint32_t i = 0; i < n; i++)
			dst[count[(key[src[i]] >> shift) & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != perm)
		memcpy(perm, src, (size_t)n * sizeof(*perm));
	free(tmp);
}

/*
 * Population count.  Without -mpopcnt, __builtin_popcountll is a call
 * into the compiler's library (a table walk); the queries below are
 * compiled twice on x86-64, once for CPUs with the POPCNT instruction
 * (chosen at run time) and once with a table-free count for the others.
 */
static inline uint32_t
popcount64(uint64_t x)
{
#if !(defined(__x86_64__) || defined(__i386__)) || defined(__POPCNT__)
	return (uint32_t)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) +
	    ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
#endif
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__POPCNT__)
#define RSTAT_DISPATCH	1
#define HOT		static inline __attribute__((always_inline))
#else
#define HOT		static inline
#endif

HOT uint32_t
rank1(const struct rstat *s, uint32_t level, uint32_t i, int hw)
{
	const uint64_t	*b = s->bits + (size_t)level * s->words;
	const uint32_t	*c = s->cum + (size_t)level * (s->words + 1);
	uint32_t	 w = i >> 6, o = i & 63;
	uint64_t	 m;

	if (o == 0)
		return c[w];
	m = b[w] & ((UINT64_C(1) << o) - 1);
	return c[w] + (hw ? (uint32_t)__builtin_popcountll(m) :
	    popcount64(m));
}

HOT uint32_t
rank0(const struct rstat *s, uint32_t level, uint32_t i, int hw)
{
	return i - rank1(s, level, i, hw);
}

void
rstat_build(struct rstat *s, const int64_t *v, uint32_t n)
{
	uint32_t	*perm, *rk, *next;
	uint64_t	*key;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->psum = xcalloc((size_t)n + 1, sizeof(*s->psum));
	for (uint32_t i = 0; i < n; i++) {
		RT_ASSERT(v[i] >= 0);
		s->psum[i + 1] = s->psum[i] + v[i];
	}
	if (n == 0)
		return;
	key = xreallocarray(NULL, n, sizeof(*key));
	perm = xreallocarray(NULL, n, sizeof(*perm));
	for (uint32_t i = 0; i < n; i++)
		key[i] = (uint64_t)v[i];
	rstat_sort_idx(key, n, perm);
	free(key);
	s->sorted = xreallocarray(NULL, n, sizeof(*s->sorted));
	rk = xreallocarray(NULL, n, sizeof(*rk));
	for (uint32_t i = 0; i < n; i++) {
		s->sorted[i] = v[perm[i]];
		rk[perm[i]] = i;
	}
	free(perm);
	s->levels = 1;
	while (s->levels < 32 && ((uint64_t)(n - 1) >> s->levels) != 0)
		s->levels++;
	s->words = ((size_t)n + 63) / 64;
	s->bits = xcalloc((size_t)s->levels * s->words, sizeof(*s->bits));
	s->cum = xcalloc((size_t)s->levels * (s->words + 1),
	    sizeof(*s->cum));
	s->zeros = xcalloc(s->levels, sizeof(*s->zeros));
	next = xreallocarray(NULL, n, sizeof(*next));
	for (uint32_t lv = 0; lv < s->levels; lv++) {
		unsigned	 bit = s->levels - 1 - lv;
		uint64_t	*b = s->bits + (size_t)lv * s->words;
		uint32_t	*c = s->cum + (size_t)lv * (s->words + 1);
		uint32_t	 z = 0, o;

		for (uint32_t i = 0; i < n; i++)
			if ((rk[i] >> bit) & 1)
				b[i >> 6] |= UINT64_C(1) << (i & 63);
			else
				z++;
		for (size_t w = 0; w < s->words; w++)
			c[w + 1] = c[w] + popcount64(b[w]);
		s->zeros[lv] = z;
		/* Stable partition: zeros first, then ones. */
		o = z;
		z = 0;
		for (uint32_t i = 0; i < n; i++)
			if ((rk[i] >> bit) & 1)
				next[o++] = rk[i];
			else
				next[z++] = rk[i];
		memcpy(rk, next, (size_t)n * sizeof(*rk));
	}
	free(next);
	free(rk);
}

void
rstat_free(struct rstat *s)
{
	free(s->sorted);
	free(s->psum);
	free(s->bits);
	free(s->cum);
	free(s->zeros);
	memset(s, 0, sizeof(*s));
}

/* The k-th smallest rank in [l, r). */
HOT uint32_t
kth_rank(const struct rstat *s, uint32_t l, uint32_t r, uint32_t k, int hw)
{
	uint32_t	res = 0;

	for (uint32_t lv = 0; lv < s->levels; lv++) {
		uint32_t	z0 = rank0(s, lv, l, hw),
				z1 = rank0(s, lv, r, hw);

		res <<= 1;
		if (k < z1 - z0) {
			l = z0;
			r = z1;
		} else {
			k -= z1 - z0;
			l = s->zeros[lv] + (l - z0);
			r = s->zeros[lv] + (r - z1);
			res |= 1;
		}
	}
	return res;
}

/* How many ranks in [l, r) are below x. */
HOT uint32_t
count_below(const struct rstat *s, uint32_t l, uint32_t r, uint32_t x,
    int hw)
{
	uint32_t	n = 0;

	if (x >= s->n)
		return r - l;
	for (uint32_t lv = 0; lv < s->levels && l < r; lv++) {
		unsigned	bit = s->levels - 1 - lv;
		uint32_t	z0 = rank0(s, lv, l, hw),
				z1 = rank0(s, lv, r, hw);

		if ((x >> bit) & 1) {
			n += z1 - z0;
			l = s->zeros[lv] + (l - z0);
			r = s->zeros[lv] + (r - z1);
		} else {
			l = z0;
			r = z1;
		}
	}
	return n;
}

static uint32_t
kth_plain(const struct rstat *s, uint32_t l, uint32_t r, uint32_t k)
{
	return kth_rank(s, l, r, k, 0);
}

static uint32_t
below_plain(const struct rstat *s, uint32_t l, uint32_t r, uint32_t x)
{
	return count_below(s, l, r, x, 0);
}

#ifdef RSTAT_DISPATCH
__attribute__((target("popcnt"))) static uint32_t
kth_hw(const struct rstat *s, uint32_t l, uint32_t r, uint32_t k)
{
	return kth_rank(s, l, r, k, 1);
}

__attribute__((target("popcnt"))) static uint32_t
below_hw(const struct rstat *s, uint32_t l, uint32_t r, uint32_t x)
{
	return count_below(s, l, r, x, 1);
}

/* __builtin_cpu_supports reads what libgcc found at start-up. */
#define HAVE_POPCNT()	(popcnt_mode != 0 && \
			    __builtin_cpu_supports("popcnt"))
#else
#define kth_hw		kth_plain
#define below_hw	below_plain
#define HAVE_POPCNT()	(popcnt_mode != 0)
#endif

/* 0: the portable count; else POPCNT where built and present. */
static int	popcnt_mode = -1;

int
rstat_portable(int on)
{
	popcnt_mode = on ? 0 : -1;
#ifdef RSTAT_DISPATCH
	return __builtin_cpu_supports("popcnt") ? 1 : 0;
#else
	return 0;
#endif
}

int64_t
rstat_kth(const struct rstat *s, uint32_t l, uint32_t r, uint32_t k)
{
	RT_ASSERT(l < r && r <= s->n && k < r - l);
	return s->sorted[HAVE_POPCNT() ? kth_hw(s, l, r, k) :
	    kth_plain(s, l, r, k)];
}

/* Ranges of at most this many values are selected from a copy. */
#ifndef RSTAT_SMALL
#define RSTAT_SMALL	64
#endif

/*
 * Moves the k-th smallest of a[lo..hi) to a[k], the smaller ones before
 * it and the others after (lo <= k < hi): quickselect, the pivot the
 * median of three, the partition without a branch on the values.
 */
static void
select_k(int64_t *a, uint32_t lo, uint32_t hi, uint32_t k)
{
	int64_t		v, p;
	uint32_t	mid, st;

	while (hi - lo > 8) {
		mid = lo + (hi - lo) / 2;
		if (a[mid] < a[lo]) {
			v = a[mid]; a[mid] = a[lo]; a[lo] = v;
		}
		if (a[hi - 1] < a[mid]) {
			v = a[hi - 1]; a[hi - 1] = a[mid]; a[mid] = v;
			if (a[mid] < a[lo]) {
				v = a[mid]; a[mid] = a[lo]; a[lo] = v;
			}
		}
		/* The median of the three is the pivot, at hi - 1. */
		p = a[mid];
		a[mid] = a[hi - 1];
		a[hi - 1] = p;
		st = lo;
		for (uint32_t i = lo; i < hi - 1; i++) {
			v = a[i];
			a[i] = a[st];
			a[st] = v;
			st += v < p;
		}
		a[hi - 1] = a[st];
		a[st] = p;
		if (k == st)
			return;
		if (k < st)
			hi = st;
		else
			lo = st + 1;
	}
	for (uint32_t i = lo + 1; i < hi; i++) {
		uint32_t	j = i;

		v = a[i];
		for (; j > lo && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

void
rstat_kths(const struct rstat *s, uint32_t l, uint32_t r, const uint32_t *k,
    size_t nk, int64_t *out)
{
	int64_t		a[RSTAT_SMALL];
	uint32_t	n = r - l, lo = 0;

	RT_ASSERT(l < r && r <= s->n);
	if (n > RSTAT_SMALL) {
		for (size_t i = 0; i < nk; i++)
			out[i] = rstat_kth(s, l, r, k[i]);
		return;
	}
	/* The values are the prefix sums' steps. */
	for (uint32_t i = 0; i < n; i++)
		a[i] = s->psum[l + i + 1] - s->psum[l + i];
	for (size_t i = 0; i < nk; i++) {
		RT_ASSERT(k[i] < n && k[i] >= lo);
		/* Those before the last one found are not greater. */
		select_k(a, lo, n, k[i]);
		out[i] = a[k[i]];
		lo = k[i];
	}
}

uint32_t
rstat_count_le(const struct rstat *s, uint32_t l, uint32_t r, int64_t x)
{
	uint32_t	lo = 0, hi = s->n, mid;

	if (l >= r)
		return 0;
	/* The number of sorted values <= x. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->sorted[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return HAVE_POPCNT() ? below_hw(s, l, r, lo) :
	    below_plain(s, l, r, lo);
}

int64_t
rstat_sum(const struct rstat *s, uint32_t l, uint32_t r)
{
	return s->psum[r] - s->psum[l];
}

void
rstat_stats(const struct rstat *s, uint32_t l, uint32_t r,
    const struct config *cfg, struct report_stats *st)
{
	uint32_t	n = r - l;
	size_t		ns = cfg->rules.sla_targets.n;
	int64_t		sum;

	RT_ASSERT(l < r);
	sum = rstat_sum(s, l, r);
	st->min = rstat_kth(s, l, r, 0);
	st->max = rstat_kth(s, l, r, n - 1);
	st->median = rstat_kth(s, l, r, (n + 1) / 2 - 1);	/* ceil(n/2) */
	st->p90 = rstat_kth(s, l, r, (uint32_t)((9 * (uint64_t)n + 9) / 10 -
	    1));
	/* As the engine: nearest whole second, halves away from zero. */
	st->mean = (int64_t)(((uint64_t)sum * 2 + n) / (2 * (uint64_t)n));
	st->within_n = xcalloc(ns ? ns : 1, sizeof(*st->within_n));
	for (size_t t = 0; t < ns; t++)
		st->within_n[t] = rstat_count_le(s, l, r,
		    cfg->rules.sla_targets.v[t]);
}
