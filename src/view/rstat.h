/*
 * rstat.h: exact order statistics over any contiguous range of a fixed
 * sequence of values.
 *
 * The dashboard keeps each group's samples in time order; a period is
 * then a range [l, r) of that sequence, found by binary search.  rstat
 * answers, for any range, the k-th smallest value, how many values are
 * at most x and their sum, each in O(log n) and without approximation:
 * a wavelet matrix over the values' ranks (ties broken by position) and
 * prefix sums.  Memory: about 8 + 8 + 1.5 * log2(n) / 8 bytes a value.
 *
 * Values must be >= 0 (reply times in seconds).  Immutable once built:
 * any number of threads may query one rstat at once.
 *
 * Ownership: rstat_build() copies what it needs from v; rstat_free()
 * releases it.
 */
#ifndef RT_VIEW_RSTAT_H
#define RT_VIEW_RSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "../metric/config.h"
#include "../metric/engine.h"

struct rstat {
	uint32_t	 n, levels;
	size_t		 words;		/* 64-bit words a level */
	int64_t		*sorted;	/* owned: the values ascending */
	int64_t		*psum;		/* owned: n + 1 prefix sums */
	uint64_t	*bits;		/* owned: levels * words */
	uint32_t	*cum;		/* owned: levels * (words + 1) */
	uint32_t	*zeros;		/* owned: per level */
};

/* Builds s over v[0..n) (n may be 0). */
void	rstat_build(struct rstat *s, const int64_t *v, uint32_t n);
void	rstat_free(struct rstat *s);
/* The k-th smallest (k from 0) of the values in [l, r); k < r - l. */
int64_t	rstat_kth(const struct rstat *s, uint32_t l, uint32_t r, uint32_t k);
/*
 * The k[0]-th, k[1]-th, ... smallest (nk of them, ascending, each below
 * r - l) of the values in [l, r) into out[0..nk): rstat_kth() of each.
 * A short range is copied and selected in place, which touches a few
 * cache lines where the matrix walks one or two a level.
 */
void	rstat_kths(const struct rstat *s, uint32_t l, uint32_t r,
	    const uint32_t *k, size_t nk, int64_t *out);
/* How many values in [l, r) are <= x. */
uint32_t rstat_count_le(const struct rstat *s, uint32_t l, uint32_t r,
	    int64_t x);
int64_t	rstat_sum(const struct rstat *s, uint32_t l, uint32_t r);
/*
 * The statistics of metrics spec section 10 over [l, r), r > l, exactly
 * as the engine computes them; out->within_n is allocated (one count per
 * SLA target of cfg) and owned by the caller (report_free() frees it as
 * part of a report).
 */
void	rstat_stats(const struct rstat *s, uint32_t l, uint32_t r,
	    const struct config *cfg, struct report_stats *out);

/*
 * For tests, before any query: on != 0 makes the queries use the
 * portable population count even where the CPU has an instruction for
 * it; 0 restores the choice by CPU.  Returns 1 if this build has a
 * separate path for the instruction and the CPU has it (then both
 * paths can be compared), else 0.  Not thread-safe.
 */
int	rstat_portable(int on);

/*
 * A stable sort of n indices by a 64-bit key (LSD radix): perm[i] is
 * the index of the i-th smallest key, ties in index order.
 */
void	rstat_sort_idx(const uint64_t *key, uint32_t n, uint32_t *perm);

#endif
