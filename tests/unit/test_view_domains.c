/*
 * test_view_domains.c: the customer-domains table (src/view/page_tables.c)
 * against a straightforward computation on the same snapshot: every
 * sample, message and wait walked in time order, the domain of each
 * looked up, the values of each domain sorted for the medians, the rows
 * sorted by insertion.  Many periods, every sort key both ways, both
 * clocks, several groups and pages, under two rule sets.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/xmalloc.h"
#include "t.h"
#include "view/view.h"
#include "view/view_priv.h"
#include "view/vpage.h"
#include "view_fixture.h"

/* One row as the straightforward way finds it; -1: no value. */
struct brow {
	uint32_t	 d;
	int64_t		 v[6];	/* received, replies, median, p90,
				 * first_reply, awaiting */
};

static const char *const keys[] = {
	"domain", "received", "replies", "median", "p90", "first_reply",
	"awaiting",
};

/* A sample's domain and value. */
struct dv {
	uint32_t	 d;
	int64_t		 v;
};

static int
cmp_dv(const void *pa, const void *pb)
{
	const struct dv	*a = pa, *b = pb;

	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return a->v < b->v ? -1 : a->v > b->v;
}

/* Per domain: how many samples in [from, to), the median and the 90th
 * percentile (-1: none), from the time-ordered samples, sorted. */
static void
domain_values(const struct view_snap *s, const struct vsamples *v,
    int64_t from, int64_t to, int biz, int64_t *count, int64_t *median,
    int64_t *p90)
{
	struct dv	*a = xreallocarray(NULL, v->n ? v->n : 1, sizeof(*a));
	uint32_t	 n = 0, nd = intern_count(s->domains), i, j, m;

	for (uint32_t d = 0; d < nd; d++) {
		count[d] = 0;
		median[d] = p90[d] = -1;
	}
	for (i = 0; i < v->n; i++)
		if (v->t[i] >= from && v->t[i] < to &&
		    vsnap_domain_of(s, v->from[i]) != VNONE) {
			a[n].d = vsnap_domain_of(s, v->from[i]);
			a[n++].v = biz ? v->biz[i] : v->cal[i];
		}
	qsort(a, n, sizeof(*a), cmp_dv);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && a[j].d == a[i].d; j++)
			;
		m = j - i;
		count[a[i].d] = m;
		/* Metrics spec: the ceil(n/2)-th and ceil(0.9n)-th
		 * smallest. */
		median[a[i].d] = a[i + (m + 1) / 2 - 1].v;
		p90[a[i].d] = a[i + (9 * m + 9) / 10 - 1].v;
	}
	free(a);
}

static int
label_cmp(const struct view_snap *s, uint32_t a, uint32_t b)
{
	struct str	x = intern_str(s->domains, a);
	struct str	y = intern_str(s->domains, b);
	size_t		n = x.len < y.len ? x.len : y.len;
	int		r = memcmp(x.p, y.p, n);

	if (r == 0)
		r = x.len < y.len ? -1 : x.len > y.len;
	return r;
}

/* Row a before row b: the column (0: the name), no value last either
 * way, then the default order (ia < ib). */
static int
before(const struct view_snap *s, const struct brow *a, const struct brow *b,
    size_t ia, size_t ib, int col, int desc)
{
	int	r;

	if (col == 0)
		r = label_cmp(s, a->d, b->d);
	else {
		int64_t x = a->v[col - 1], y = b->v[col - 1];

		if ((x == -1) != (y == -1))
			return x != -1;
		r = x < y ? -1 : x > y;
	}
	if (desc)
		r = -r;
	return r != 0 ? r < 0 : ia < ib;
}

/* The table's "total" and rows as the page writes them, from "total". */
static void
expected(const struct view_snap *s, const struct vctx *x,
    const struct view_query *q, struct buf *b)
{
	const struct vgroup	*vg = &s->g[x->g];
	uint32_t		 nd = intern_count(s->domains), d;
	int64_t			*fig[8];
	struct brow		*rows = xcalloc(nd ? nd : 1, sizeof(*rows));
	size_t			*ord, n = 0;
	int			 col = 1, desc = 1, biz;
	int64_t			 from = x->p.from, to = x->p.to, at = x->p.at;

	biz = q->clock == VIEW_CLOCK_BUSINESS;
	for (size_t c = 0; q->sort[0] != '\0' && c < nitems(keys); c++)
		if (strcmp(q->sort, keys[c]) == 0) {
			col = (int)c;
			desc = q->desc;
		}
	for (int k = 0; k < 8; k++)
		fig[k] = xcalloc(nd ? nd : 1, sizeof(int64_t));
	for (uint32_t i = 0; i < vg->recv.n; i++)
		if (vg->recv.t[i] >= from && vg->recv.t[i] < to &&
		    (d = vsnap_domain_of(s, vg->recv.msg[i])) != VNONE)
			fig[0][d]++;
	domain_values(s, &vg->rep, from, to, biz, fig[1], fig[2], fig[3]);
	domain_values(s, &vg->fr, from, to, biz, fig[6], fig[4], fig[7]);
	/* Waiting at the end of the period: every span walked. */
	for (uint32_t i = 0; i < vg->nspans; i++) {
		const struct vspan *sp = &vg->spans[i];

		if (sp->since <= at && sp->from <= at && at < sp->to &&
		    (d = vsnap_domain_of(s, sp->since_msg)) != VNONE)
			fig[5][d]++;
	}
	for (d = 0; d < nd; d++) {
		struct brow	*r = &rows[n];
		struct str	 name = intern_str(s->domains, d);

		if (config_domain_internal(s->cfg, name) ||
		    (q->domain[0] != '\0' && !str_eq(name,
		    str_cstr(q->domain))))
			continue;
		r->d = d;
		for (int k = 0; k < 6; k++)
			r->v[k] = fig[k][d];
		if (r->v[0] == 0 && r->v[1] == 0 && r->v[5] == 0 &&
		    fig[6][d] == 0)
			continue;
		n++;
	}
	for (int k = 0; k < 8; k++)
		free(fig[k]);
	ord = xcalloc(n ? n : 1, sizeof(*ord));
	for (size_t i = 0; i < n; i++) {
		size_t	j = i;

		for (; j > 0 && before(s, &rows[i], &rows[ord[j - 1]], i,
		    ord[j - 1], col, desc); j--)
			ord[j] = ord[j - 1];
		ord[j] = i;
	}
	buf_addf(b, ",\"total\":%zu,\"domains\":[", n);
	for (size_t i = (size_t)q->offset; i < n &&
	    i < (size_t)(q->offset + q->limit); i++) {
		const struct brow *r = &rows[ord[i]];

		buf_puts(b, i > (size_t)q->offset ? ",{\"domain\":" :
		    "{\"domain\":");
		json_add_str(b, intern_str(s->domains, r->d));
		for (size_t c = 1; c < nitems(keys); c++) {
			buf_addf(b, ",\"%s\":", keys[c]);
			if (r->v[c - 1] == -1)
				buf_puts(b, "null");
			else
				buf_addf(b, "%" PRId64, r->v[c - 1]);
		}
		buf_addc(b, '}');
	}
	buf_puts(b, "]}\n");
	free(ord);
	free(rows);
}

static void
check(const struct view_snap *s, const struct view_query *q,
    const char *what)
{
	struct view_scope	 all = { 1, NULL };
	struct vctx		 x;
	struct buf		 got, want;
	struct err		 err;
	const char		*tail;

	buf_init(&got, 0);
	buf_init(&want, 0);
	t_eq_i64(view_domains_json(s, &all, q, &got, &err), 0, "%s", what);
	t_eq_i64(vq_prepare(s, &all, q, &x, &err), 0, "prepare %s", what);
	expected(s, &x, q, &want);
	tail = got.len ? strstr(got.data, ",\"total\":") : NULL;
	t_ok(tail != NULL && strcmp(tail, want.data) == 0,
	    "%s: the domains table differs", what);
	if (tail == NULL || strcmp(tail, want.data) != 0)
		fprintf(stderr, "# got  %s# want %s", tail ? tail : "(none)\n",
		    want.data);
	buf_free(&got);
	buf_free(&want);
}

static void
set(struct view_query *q, const char *name, const char *value)
{
	struct err	err;

	if (view_query_parse(name, value, q, &err) == -1)
		t_ok(0, "%s=%s: %s", name, value, err.msg);
}

static void
domains_tenant(const char *tenant)
{
	static const char *const periods[][2] = {
		{ NULL, NULL },			/* the default */
		{ "2025-06-01", "2025-06-30" },
		{ "2025-05-03", "2025-06-01" },
		{ "2024-07-01", "2025-06-30" },
		{ "2025-06-28", "2025-06-28" },	/* one day */
		{ "2025-03-30", "2025-03-30" },	/* a clock change */
		{ "2025-06-20", "2025-07-15" },	/* past the last mail */
		{ "2000-01-01", "2000-01-31" },	/* before any */
	};
	static const char *const groups[] = {
		"all", "team:support", "team:sales", "agent:alice.morgan@acme.example",
	};
	const struct view_snap	*s = NULL;
	struct view_query	 q;
	struct err		 err;
	char			 what[160];

	vfx_setup();
	t_eq_i64(view_snap_load(vfx_db(), vfx_key(), tenant, &s, &err), 0,
	    "load %s", tenant);
	if (s == NULL)
		return;
	for (size_t p = 0; p < nitems(periods); p++)
		for (size_t g = 0; g < nitems(groups); g++)
			for (size_t k = 0; k <= nitems(keys); k++)
				for (int v = 0; v < 4; v++) {
					view_query_init(&q);
					q.now = 1751295600;	/* 2025-06-30 */
					if (periods[p][0] != NULL) {
						set(&q, "from", periods[p][0]);
						set(&q, "to", periods[p][1]);
					}
					set(&q, "group", groups[g]);
					if (k < nitems(keys)) {
						set(&q, "sort", keys[k]);
						set(&q, "dir", v & 1 ? "asc" :
						    "desc");
					} else if (v & 1)
						continue;
					if (v & 2)
						set(&q, "clock", "business");
					/* Pages: the first 5, the next 7, a
					 * name, all. */
					if (v == 2 || g == 1)
						set(&q, "limit", "5");
					if (v == 3) {
						set(&q, "offset", "5");
						set(&q, "limit", "7");
					}
					if (p == 3 && v == 0 && k == 2)
						set(&q, "domain", "postbox.example");
					snprintf(what, sizeof(what), "%s %s..%s %s "
					    "sort=%s v=%d", tenant,
					    periods[p][0] ? periods[p][0] : "",
					    periods[p][1] ? periods[p][1] : "",
					    groups[g], k < nitems(keys) ? keys[k] :
					    "", v);
					check(s, &q, what);
				}
	/* Awaiting taken at the very instants waits begin and end (the
	 * period ends at now): each of them counts on one side only. */
	for (uint32_t i = 0; i < s->g[0].nspans; i += 1 + s->g[0].nspans / 12)
		for (int e = 0; e < 3; e++) {
			const struct vspan *sp = &s->g[0].spans[i];

			view_query_init(&q);
			q.now = e == 0 ? sp->since : e == 1 ? sp->from : sp->to;
			if (q.now == INT64_MAX)
				continue;
			set(&q, "sort", "awaiting");
			snprintf(what, sizeof(what), "%s span %u end %d",
			    tenant, i, e);
			check(s, &q, what);
		}
	view_release(s);
}

static void
test_domains_demo(void)
{
	domains_tenant("acme");
}

static void
test_domains_other_rules(void)
{
	domains_tenant("globex");
}

static const struct t_case cases[] = {
	{ "domains_demo", test_domains_demo },
	{ "domains_other_rules", test_domains_other_rules },
};

T_MAIN(cases)
