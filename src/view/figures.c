/*
 * figures.c: a group's report figures for any period, from a snapshot
 * (view_priv.h), equal to what engine_run() computes for that period.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "../metric/biz.h"
#include "vpage.h"

/*
 * Binary searches without a branch on the comparison (a conditional
 * move): the domains table makes thousands a request, on arrays whose
 * order the branch predictor cannot guess.
 */
uint32_t
vfig_lower(const int64_t *t, uint32_t n, int64_t x)
{
	const int64_t	*b = t;
	uint32_t	 half;

	if (n == 0)
		return 0;
	while (n > 1) {
		half = n / 2;
		b = b[half - 1] < x ? b + half : b;
		n -= half;
	}
	return (uint32_t)(b - t) + (*b < x);
}

uint32_t
vfig_upper(const int64_t *t, uint32_t n, int64_t x)
{
	return x == INT64_MAX ? n : vfig_lower(t, n, x + 1);
}

uint32_t
vfig_awaiting_in(const struct vgroup *vg, uint32_t d, int64_t t)
{
	uint32_t	a = vg->aw_off[d], n = vg->aw_off[d + 1] - a;

	return vfig_upper(vg->aw_open + a, n, t) -
	    vfig_upper(vg->aw_end + a, n, t);
}

static int64_t
count_in(const int64_t *t, uint32_t n, int64_t from, int64_t to)
{
	return (int64_t)vfig_lower(t, n, to) - vfig_lower(t, n, from);
}

static void
kind_figures(const struct view_snap *s, const struct vsamples *v,
    int64_t from, int64_t to, struct report_kind *k)
{
	uint32_t	l = vfig_lower(v->t, v->n, from);
	uint32_t	r = vfig_lower(v->t, v->n, to);

	memset(k, 0, sizeof(*k));
	k->count = r - l;
	k->negative = count_in(v->tneg, v->nneg, from, to);
	k->outliers = count_in(v->tout, v->nout, from, to);
	if (r == l)
		return;
	rstat_stats(&v->rcal, l, r, s->cfg, &k->cal);
	rstat_stats(&v->rbiz, l, r, s->cfg, &k->biz);
}

/*
 * An in-order walk of the trees from leaf i: a node whose spans all end
 * by t, or all begin after it, is skipped whole; from a node that fails,
 * the walk goes on at the next subtree to its right.  Finding the next
 * open span costs O(log distance) nodes, not a descent from the root.
 */
uint32_t
vspan_next(const struct vgroup *vg, int64_t t, uint32_t i)
{
	const int64_t	*mx = vg->span_maxto, *mn = vg->span_minfrom;
	uint32_t	 leaves = vg->span_leaves, v, j;

	if (i >= vg->nspans)
		return vg->nspans;
	v = leaves + i;
	for (;;) {
		if (mx[v] > t && mn[v] <= t) {
			if (v < leaves) {
				v = 2 * v;	/* the left child first */
				continue;
			}
			/* A leaf open at t.  Spans are by since: one past
			 * t, and every one after it, waits later. */
			j = v - leaves;
			return vg->spans[j].since <= t ? j : vg->nspans;
		}
		while (v & 1)		/* up while a right child */
			v >>= 1;
		if (v == 0)		/* past the root: no more */
			return vg->nspans;
		v++;			/* the right sibling */
	}
}

uint32_t
vspan_open(const struct vgroup *vg, int64_t t, uint32_t **out)
{
	size_t		 nw = ((size_t)vg->nspans + 63) / 64;
	uint64_t	*bits = xcalloc(nw ? nw : 1, sizeof(*bits));
	uint32_t	 k = 0, *o;

	/* Those ending after t, marked by index; the marks read in order
	 * give the spans' order without a sort. */
	for (uint32_t j = t == INT64_MAX ? vg->nspans :
	    vfig_lower(vg->span_tos, vg->nspans, t + 1); j < vg->nspans; j++) {
		uint32_t		 i = vg->span_by_to[j];
		const struct vspan	*sp = &vg->spans[i];

		if (sp->from <= t && sp->since <= t) {
			bits[i / 64] |= UINT64_C(1) << (i % 64);
			k++;
		}
	}
	o = xreallocarray(NULL, k ? k : 1, sizeof(*o));
	k = 0;
	for (size_t w = 0; w < nw; w++)
		for (uint64_t b = bits[w]; b != 0; b &= b - 1)
			o[k++] = (uint32_t)(w * 64) +
			    (uint32_t)__builtin_ctzll(b);
	free(bits);
	*out = o;
	return k;
}

int64_t
vfig_biz(const struct view_snap *s, size_t g, int64_t a, int64_t b)
{
	const struct vgroup		*vg = &s->g[g];
	const struct config_schedule	*sched;
	const struct config_ranges	*leave;
	int64_t				 t0 = vg->biz_t0, last, ka, kb;

	vq_group_schedule(s, g, &sched, &leave);
	if (vg->nbiz < 2 || a >= b)
		return biz_secs(sched, leave, a, b);
	last = t0 + (int64_t)(vg->nbiz - 1) * VBIZ_STEP;
	if (b < t0 || a > last)
		return biz_secs(sched, leave, a, b);
	/* The first kept instant at or after a, the last at or before b. */
	ka = a <= t0 ? 0 : (a - t0 + VBIZ_STEP - 1) / VBIZ_STEP;
	kb = b >= last ? (int64_t)vg->nbiz - 1 : (b - t0) / VBIZ_STEP;
	if (ka >= kb)
		return biz_secs(sched, leave, a, b);
	return biz_secs(sched, leave, a, t0 + ka * VBIZ_STEP) +
	    (vg->biz_cum[kb] - vg->biz_cum[ka]) +
	    biz_secs(sched, leave, t0 + kb * VBIZ_STEP, b);
}

void
vfig_awaiting(const struct view_snap *s, size_t g, int64_t now, uint32_t d,
    int64_t *count, int64_t *oldest)
{
	const struct vgroup	*vg = &s->g[g];
	int64_t			 n = 0, old = 0;
	uint32_t		 i, nopen, *open;

	/* Spans are by waiting-since: the first one open at now is the
	 * oldest wait.  Every span has from <= to, so those open at now
	 * are those begun by now less those ended by then. */
	if (d == VNONE) {
		i = vspan_next(vg, now, 0);
		*count = i == vg->nspans ? 0 :
		    (int64_t)vfig_lower(vg->span_froms, vg->nspans, now + 1) -
		    (int64_t)vfig_lower(vg->span_tos, vg->nspans, now + 1);
		*oldest = i == vg->nspans ? 0 : now - vg->spans[i].since;
		return;
	}
	nopen = vspan_open(vg, now, &open);
	for (uint32_t k = 0; k < nopen; k++) {
		const struct vspan *sp = &vg->spans[open[k]];

		if (sp->domain != d)
			continue;
		if (n++ == 0)
			old = now - sp->since;
	}
	free(open);
	*count = n;
	*oldest = old;
}

void
vfig_group(const struct view_snap *s, size_t g, int64_t from, int64_t to,
    int64_t now, struct report_group *rg)
{
	const struct vgroup	*vg = &s->g[g];

	kind_figures(s, &vg->rep, from, to, &rg->replies);
	kind_figures(s, &vg->fr, from, to, &rg->first_reply);
	vfig_awaiting(s, g, now, VNONE, &rg->awaiting, &rg->oldest_secs);
	rg->received = count_in(vg->recv.t, vg->recv.n, from, to);
	rg->sent = count_in(vg->sent.t, vg->sent.n, from, to);
}

void
vfig_group_free(struct report_group *rg)
{
	free(rg->replies.cal.within_n);
	free(rg->replies.biz.within_n);
	free(rg->first_reply.cal.within_n);
	free(rg->first_reply.biz.within_n);
	rg->replies.cal.within_n = rg->replies.biz.within_n = NULL;
	rg->first_reply.cal.within_n = rg->first_reply.biz.within_n = NULL;
}

int
view_report(const struct view_snap *s, const struct report_opts *o,
    struct report **out, struct err *err)
{
	struct report	*r;
	const struct config *cfg = s->cfg;

	r = xcalloc(1, sizeof(*r));
	r->cfg = cfg;
	r->empty = s->empty;
	r->from = o->has_from ? o->from : s->empty ? 0 : s->first_t;
	r->to = o->has_to ? o->to : s->empty ? 1 : s->last_t + 1;
	r->now = o->has_now ? o->now : r->to;
	if (r->from >= r->to) {
		free(r);
		return err_set(err, ERR_USAGE, "the period is empty: --from "
		    "must be before --to");
	}
	r->messages = s->totals->messages;
	r->duplicates = s->totals->duplicates;
	r->undated = s->totals->undated;
	r->automated = s->totals->automated;
	r->conversations = s->totals->conversations;
	r->ngroups = s->ng;
	r->groups = xcalloc(s->ng, sizeof(*r->groups));
	for (size_t g = 0; g < s->ng; g++) {
		r->groups[g].kind = s->totals->groups[g].kind;
		r->groups[g].name = s->totals->groups[g].name;
		vfig_group(s, g, r->from, r->to, r->now, &r->groups[g]);
	}
	*out = r;
	return 0;
}

int64_t
vfig_find_sample(const struct vsamples *v, const struct view_snap *s,
    uint32_t msg)
{
	uint32_t	i;

	if (!(s->m[msg].flags & VM_DATED))
		return -1;
	for (i = vfig_lower(v->t, v->n, s->m[msg].t); i < v->n &&
	    v->t[i] == s->m[msg].t; i++)
		if (v->msg[i] == msg)
			return i;
	return -1;
}
