/*
 * page_tables.c: the teams-and-agents table and the customer-domains
 * table, sorted on the server (sort=, dir=), as HTML or JSON.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "vpage.h"

/* A table cell: a number (has 0: none, shown as a dash). */
struct cell {
	int		 has;
	int64_t		 num, den;	/* den > 1: a share */
};

enum ctype { C_TEXT, C_COUNT, C_DUR, C_SHARE };

struct col {
	const char		*key, *label;
	enum ctype		 type;
	enum view_metric	 metric;	/* what a number links to */
	int			 biz;
};

/* One row: a label and the cells of the columns after the first. */
struct trow {
	const char	*label;		/* not NUL-terminated */
	size_t		 label_len;
	size_t		 g;		/* groups: the group */
	uint32_t	 d;		/* domains: the domain */
	size_t		 order;		/* the default order */
	struct cell	 c[12];
	uint32_t	 rl, rr, fl, fr;	/* domains: sample ranges */
	unsigned	 have;		/* domains: D_* computed */
};

struct sorter {
	size_t		 col;		/* 0: the label */
	int		 desc;
};

static int
cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct trow	*a = pa, *b = pb;
	const struct sorter	*so = arg;
	int			 r = 0;

	if (so->col == 0) {
		size_t	n = a->label_len < b->label_len ? a->label_len :
			    b->label_len;

		if ((r = memcmp(a->label, b->label, n)) == 0)
			r = a->label_len < b->label_len ? -1 :
			    a->label_len > b->label_len;
	}
	else {
		const struct cell *x = &a->c[so->col - 1], *y = &b->c[so->col - 1];

		if (x->has != y->has)	/* rows without a value last */
			return x->has ? -1 : 1;
		if (x->has) {
			/* Shares compare by cross-multiplication. */
			__int128 l = (__int128)x->num * (y->den ? y->den : 1);
			__int128 rr = (__int128)y->num * (x->den ? x->den : 1);

			r = l < rr ? -1 : l > rr;
		}
	}
	if (so->desc)
		r = -r;
	if (r == 0)
		r = a->order < b->order ? -1 : a->order > b->order;
	return r;
}

/* Finds the column of q->sort; ncols on no sort, -1 if unknown. */
static int
sort_col(const struct col *cols, size_t ncols, const struct view_query *q,
    struct err *err)
{
	if (q->sort[0] == '\0')
		return (int)ncols;
	for (size_t i = 0; i < ncols; i++)
		if (strcmp(cols[i].key, q->sort) == 0)
			return (int)i;
	return err_set(err, ERR_USAGE, "query parameter sort: unknown column "
	    "for this page");
}

static void
cell_html(struct buf *b, const struct col *c, const struct cell *v)
{
	if (!v->has)
		buf_lit(b, "&#8211;");
	else if (c->type == C_DUR)
		vh_dur(b, v->num);
	else if (c->type == C_SHARE)
		vh_pct(b, v->num, v->den);
	else
		buf_addf(b, "%" PRId64, v->num);
}

/* The table head, each column a link that sorts by it. */
static void
head_html(struct buf *b, const struct vctx *x, const char *path,
    const struct col *cols, size_t ncols, int sorted)
{
	buf_lit(b, "<thead><tr>");
	for (size_t i = 0; i < ncols; i++) {
		int	cur = (int)i == sorted;
		int	desc = cur ? !x->q->desc : cols[i].type != C_TEXT;

		buf_lit(b, "<th scope=\"col\"");
		if (cur)
			buf_puts(b, x->q->desc ? " aria-sort=\"descending\"" :
			    " aria-sort=\"ascending\"");
		buf_addc(b, '>');
		vl_start(b, path);
		vl_common(b, x, x->g);
		if (x->q->domain[0] != '\0')
			vl_param(b, "domain", x->q->domain);
		vl_param(b, "sort", cols[i].key);
		vl_param(b, "dir", desc ? "desc" : "asc");
		vl_end(b);
		buf_puts(b, cols[i].label);
		buf_lit(b, "</a></th>");
	}
	buf_lit(b, "</tr></thead>");
}

/* ---- Teams and agents -------------------------------------------------- */

static const struct col gcols[] = {
	{ "name", "Group", C_TEXT, 0, 0 },
	{ "replies", "Replies", C_COUNT, VIEW_M_REPLIES, 0 },
	{ "median", "Median reply", C_DUR, VIEW_M_REPLIES, 0 },
	{ "p90", "90th percentile", C_DUR, VIEW_M_REPLIES, 0 },
	{ "median_business", "Median, business hours", C_DUR, VIEW_M_REPLIES,
	    1 },
	{ "within", "Within first target", C_SHARE, VIEW_M_REPLIES, 0 },
	{ "first_reply", "Median first reply", C_DUR, VIEW_M_FIRST_REPLY, 0 },
	{ "awaiting", "Awaiting", C_COUNT, VIEW_M_AWAITING, 0 },
	{ "oldest", "Oldest wait", C_DUR, VIEW_M_AWAITING, 0 },
	{ "received", "Received", C_COUNT, VIEW_M_RECEIVED, 0 },
	{ "sent", "Sent", C_COUNT, VIEW_M_SENT, 0 },
};

static const char *const metric_names[] = {
	"replies", "first_reply", "awaiting", "received", "sent",
};

static void
group_cells(const struct view_snap *s, const struct report_group *rg,
    struct cell *c)
{
	const struct report_kind	*k = &rg->replies;
	int				 h = k->count > 0;

	memset(c, 0, 10 * sizeof(*c));
	c[0] = (struct cell){ 1, k->count, 1 };
	c[1] = (struct cell){ h, h ? k->cal.median : 0, 1 };
	c[2] = (struct cell){ h, h ? k->cal.p90 : 0, 1 };
	c[3] = (struct cell){ h, h ? k->biz.median : 0, 1 };
	c[4] = (struct cell){ h && s->cfg->rules.sla_targets.n > 0,
	    h && s->cfg->rules.sla_targets.n > 0 ? k->cal.within_n[0] : 0,
	    k->count };
	c[5] = (struct cell){ rg->first_reply.count > 0,
	    rg->first_reply.count > 0 ? rg->first_reply.cal.median : 0, 1 };
	c[6] = (struct cell){ 1, rg->awaiting, 1 };
	c[7] = (struct cell){ rg->awaiting > 0, rg->oldest_secs, 1 };
	c[8] = (struct cell){ 1, rg->received, 1 };
	c[9] = (struct cell){ 1, rg->sent, 1 };
}

struct gtable {
	struct trow		*rows;
	struct report_group	*rg;
	size_t			 n;
};

static int
groups_compute(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct vctx *x, struct gtable *t,
    struct err *err)
{
	struct sorter	so;
	int		r, col;

	memset(t, 0, sizeof(*t));
	if ((r = vq_prepare(s, sc, q, x, err)) != 0)
		return r;
	if ((col = sort_col(gcols, nitems(gcols), q, err)) == -1)
		return -1;
	t->rows = xcalloc(s->ng, sizeof(*t->rows));
	t->rg = xcalloc(s->ng, sizeof(*t->rg));
	for (size_t g = 0; g < s->ng; g++) {
		if (!vq_allowed(s, &x->vs, g))
			continue;
		vfig_group(s, g, x->p.from, x->p.to, x->p.at, &t->rg[t->n]);
		t->rows[t->n].label = vq_group_label(s, g);
		t->rows[t->n].label_len = strlen(t->rows[t->n].label);
		t->rows[t->n].g = g;
		t->rows[t->n].order = t->n;
		group_cells(s, &t->rg[t->n], t->rows[t->n].c);
		t->n++;
	}
	if (col < (int)nitems(gcols)) {
		so.col = (size_t)col;
		so.desc = q->desc;
		qsort_r(t->rows, t->n, sizeof(*t->rows), cmp_rows, &so);
	}
	return 0;
}

static void
gtable_free(struct gtable *t)
{
	for (size_t i = 0; i < t->n; i++)
		vfig_group_free(&t->rg[i]);
	free(t->rg);
	free(t->rows);
}

/* A number's link up to its domain parameter (number_link()). */
static void
number_href(struct buf *b, const struct vctx *x, size_t g,
    const struct col *c)
{
	vl_start(b, c->metric == VIEW_M_AWAITING ? "/queue" :
	    "/conversations");
	vl_common(b, x, g);
	if (c->metric != VIEW_M_AWAITING)
		vl_param(b, "metric", metric_names[c->metric]);
	if (c->biz && x->q->clock != VIEW_CLOCK_BUSINESS)
		vl_param(b, "clock", "business");
	if (c->type == C_SHARE && x->s->cfg->rules.sla_targets.n > 0)
		vl_param_i(b, "le", x->s->cfg->rules.sla_targets.v[0]);
}

static void
number_link(struct buf *b, const struct vctx *x, size_t g,
    const struct col *c)
{
	number_href(b, x, g, c);
	vl_end(b);
}

int
view_groups_html(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx	x;
	struct gtable	t;
	int		r, sorted;

	if ((r = groups_compute(s, sc, q, &x, &t, err)) != 0)
		return r;
	sorted = sort_col(gcols, nitems(gcols), q, err);
	buf_lit(b, "<section class=\"rt-groups\"><h2>Teams and agents</h2>");
	vh_period_form(b, &x, "/groups");
	buf_lit(b, "<table class=\"rt-table rt-groups-table\">");
	head_html(b, &x, "/groups", gcols, nitems(gcols), sorted);
	buf_lit(b, "<tbody>");
	for (size_t i = 0; i < t.n; i++) {
		const struct trow *row = &t.rows[i];
		size_t g = row->g;

		buf_puts(b, g == 0 ? "<tr class=\"rt-all\">" : g <= s->nteams ?
		    "<tr class=\"rt-team\">" : "<tr class=\"rt-agent\">");
		buf_lit(b, "<th scope=\"row\">");
		vl_start(b, "/overview");
		vl_common(b, &x, g);
		vl_end(b);
		vh_esc_c(b, row->label);
		buf_lit(b, "</a></th>");
		for (size_t c = 1; c < nitems(gcols); c++) {
			buf_lit(b, "<td>");
			number_link(b, &x, g, &gcols[c]);
			cell_html(b, &gcols[c], &row->c[c - 1]);
			buf_lit(b, "</a></td>");
		}
		buf_lit(b, "</tr>");
	}
	buf_lit(b, "</tbody></table></section>\n");
	gtable_free(&t);
	return 0;
}

int
view_groups_json(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx	 x;
	struct gtable	 t;
	struct buf	 gn;
	int		 r;
	static const char *const kinds[] = { "all", "team", "agent" };

	if ((r = groups_compute(s, sc, q, &x, &t, err)) != 0)
		return r;
	buf_lit(b, "{\"period\":");
	vj_period(b, &x);
	buf_lit(b, ",\"groups\":[");
	buf_init(&gn, 0);
	for (size_t i = 0; i < t.n; i++) {
		size_t	g = t.rows[i].g;
		size_t	k = (size_t)(t.rows[i].order);

		buf_reset(&gn);
		vq_group_name(s, g, &gn);
		buf_puts(b, i ? ",{\"group\":" : "{\"group\":");
		json_add_str(b, buf_str(&gn));
		buf_addf(b, ",\"kind\":\"%s\",\"name\":", kinds[g == 0 ? 0 :
		    g <= s->nteams ? 1 : 2]);
		json_add_str(b, str_cstr(t.rows[i].label));
		buf_lit(b, ",\"figures\":");
		vj_group_figures(b, s->cfg, &t.rg[k]);
		buf_addc(b, '}');
	}
	buf_free(&gn);
	buf_lit(b, "]}\n");
	gtable_free(&t);
	return 0;
}

/* ---- Customer domains ----------------------------------------------------- */

static const struct col dcols[] = {
	{ "domain", "Customer domain", C_TEXT, 0, 0 },
	{ "received", "Received", C_COUNT, VIEW_M_RECEIVED, 0 },
	{ "replies", "Replies", C_COUNT, VIEW_M_REPLIES, 0 },
	{ "median", "Median reply", C_DUR, VIEW_M_REPLIES, 0 },
	{ "p90", "90th percentile", C_DUR, VIEW_M_REPLIES, 0 },
	{ "first_reply", "Median first reply", C_DUR, VIEW_M_FIRST_REPLY, 0 },
	{ "awaiting", "Awaiting", C_COUNT, VIEW_M_AWAITING, 0 },
};

struct dtable {
	struct trow	*rows;		/* in the default order */
	uint32_t	*ord;		/* n: the rows sorted */
	size_t		 n;
};

/* Samples of domain d in [from, to): the range in the domain order. */
static void
drange(const uint32_t *off, const int64_t *dt, uint32_t d, int64_t from,
    int64_t to, uint32_t *l, uint32_t *r)
{
	uint32_t	a = off[d], n = off[d + 1] - off[d];

	*l = a + vfig_lower(dt + a, n, from);
	*r = *l + vfig_lower(dt + *l, a + n - *l, to);
}

/* cmp_rows() on the rows that two indices name. */
static int
cmp_ord(const void *pa, const void *pb, void *arg)
{
	const struct trow	*rows = ((const struct trow *const *)arg)[0];
	const struct sorter	*so = ((const void *const *)arg)[1];

	return cmp_rows(&rows[*(const uint32_t *)pa],
	    &rows[*(const uint32_t *)pb], (void *)(uintptr_t)so);
}

/*
 * ord gets the order of rows[0..n) as qsort_r(cmp_rows) would sort them
 * (every row's order field is its index).  A column of counts or
 * durations (den 1) is sorted by a stable radix sort of one key a row:
 * its distance from the first value in the direction asked, rows without
 * a value after every other; ties stay in the default order.
 */
static void
sort_rows(const struct trow *rows, size_t n, const struct sorter *so,
    uint32_t *ord)
{
	uint64_t	*key;
	int64_t		 lo = INT64_MAX, hi = INT64_MIN;
	const void	*arg[2] = { rows, so };

	if (so->col == 0) {
		for (size_t i = 0; i < n; i++)
			ord[i] = (uint32_t)i;
		qsort_r(ord, n, sizeof(*ord), cmp_ord, arg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &rows[i].c[so->col - 1];

		RT_ASSERT(rows[i].order == i && (c->den == 1 || !c->has));
		if (c->has && c->num < lo)
			lo = c->num;
		if (c->has && c->num > hi)
			hi = c->num;
	}
	key = xreallocarray(NULL, n ? n : 1, sizeof(*key));
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &rows[i].c[so->col - 1];

		if (!c->has)
			key[i] = (uint64_t)hi - (uint64_t)lo + 1;
		else if (so->desc)
			key[i] = (uint64_t)hi - (uint64_t)c->num;
		else
			key[i] = (uint64_t)c->num - (uint64_t)lo;
	}
	rstat_sort_idx(key, (uint32_t)n, ord);
	free(key);
}

/*
 * A domain row's cells are computed when first needed: the sort column
 * for every row, the rest for the rows shown (and, to leave out a row
 * with nothing, only until one is not zero).
 */
enum {
	D_RECV	= 1 << 0,	/* c[0] */
	D_REP	= 1 << 1,	/* c[1], rl, rr */
	D_FR	= 1 << 2,	/* fl, fr, c[4].has */
	D_AW	= 1 << 3,	/* c[5] */
	D_STATS	= 1 << 4,	/* c[2], c[3], c[4] */
	D_ALL	= (1 << 5) - 1,
};

struct dctx {
	const struct vgroup	*vg;
	const struct rstat	*rs, *fs;	/* by the query's clock */
	int64_t			 from, to, at;
};

static void
dcells(const struct dctx *c, struct trow *row, unsigned need)
{
	const struct vgroup	*vg = c->vg;
	uint32_t		 l, r, k[2], d = row->d;
	int64_t			 v[2];

	if (need & D_STATS)
		need |= D_REP | D_FR;
	need &= ~row->have;
	row->have |= need;
	if (need & D_RECV) {
		drange(vg->recv.d_off, vg->recv.d_t, d, c->from, c->to, &l,
		    &r);
		row->c[0] = (struct cell){ 1, r - l, 1 };
	}
	if (need & D_REP) {
		drange(vg->rep.d_off, vg->rep.d_t, d, c->from, c->to,
		    &row->rl, &row->rr);
		row->c[1] = (struct cell){ 1, row->rr - row->rl, 1 };
	}
	if (need & D_FR) {
		drange(vg->fr.d_off, vg->fr.d_t, d, c->from, c->to, &row->fl,
		    &row->fr);
		row->c[4].has = row->fr > row->fl;
	}
	if (need & D_AW)	/* awaiting at the end of the period */
		row->c[5] = (struct cell){ 1, vfig_awaiting_in(vg, d, c->at),
		    1 };
	if (!(need & D_STATS))
		return;
	/* The median and 90th percentile reply time, the median first
	 * reply time. */
	if ((r = row->rr) > (l = row->rl)) {
		k[0] = (r - l + 1) / 2 - 1;
		k[1] = (uint32_t)((9 * (uint64_t)(r - l) + 9) / 10 - 1);
		rstat_kths(c->rs, l, r, k, 2, v);
		row->c[2] = (struct cell){ 1, v[0], 1 };
		row->c[3] = (struct cell){ 1, v[1], 1 };
	}
	if ((r = row->fr) > (l = row->fl)) {
		k[0] = (r - l + 1) / 2 - 1;
		rstat_kths(c->fs, l, r, k, 1, v);
		row->c[4] = (struct cell){ 1, v[0], 1 };
	}
}

/*
 * Whether a domain row has nothing in the period (received, replied,
 * awaiting, first replies): such a row is left out.  Each figure is
 * computed only when the ones before it are zero.
 */
static int
drow_empty(const struct dctx *c, struct trow *row)
{
	dcells(c, row, D_RECV);
	if (row->c[0].num != 0)
		return 0;
	dcells(c, row, D_REP);
	if (row->c[1].num != 0)
		return 0;
	dcells(c, row, D_AW);
	if (row->c[5].num != 0)
		return 0;
	dcells(c, row, D_FR);
	return !row->c[4].has;
}

static int
domains_compute(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct vctx *x, struct dtable *t,
    struct err *err)
{
	static const unsigned	 col_need[] = { 0, D_RECV, D_REP, D_STATS,
				    D_STATS, D_STATS, D_AW };
	struct dctx		 c;
	uint32_t		 nd = intern_count(s->domains);
	struct sorter		 so;
	int			 rc, col, biz = q->clock == VIEW_CLOCK_BUSINESS;
	unsigned		 need;

	memset(t, 0, sizeof(*t));
	if ((rc = vq_prepare(s, sc, q, x, err)) != 0)
		return rc;
	if ((col = sort_col(dcols, nitems(dcols), q, err)) == -1)
		return -1;
	c.vg = &s->g[x->g];
	c.rs = biz ? &c.vg->rep.d_rbiz : &c.vg->rep.d_rcal;
	c.fs = biz ? &c.vg->fr.d_rbiz : &c.vg->fr.d_rcal;
	c.from = x->p.from;
	c.to = x->p.to;
	c.at = x->p.at;
	/* Default: most received first. */
	so.col = col < (int)nitems(dcols) ? (size_t)col : 1;
	so.desc = col < (int)nitems(dcols) ? q->desc : 1;
	need = col_need[so.col];
	t->rows = xreallocarray(NULL, nd ? nd : 1, sizeof(*t->rows));
	for (uint32_t d = 0; d < nd; d++) {
		struct trow	*row = &t->rows[t->n];
		struct str	 name = intern_str(s->domains, d);

		if (config_domain_internal(s->cfg, name))
			continue;
		if (q->domain[0] != '\0' && !str_eq(name,
		    str_cstr(q->domain)))
			continue;
		/* The fields a domain row uses: cells 0-5 and those that
		 * dcells() sets. */
		row->have = 0;
		memset(row->c, 0, 6 * sizeof(row->c[0]));
		row->label = name.p;
		row->label_len = name.len;
		row->d = d;
		row->order = t->n;
		if (drow_empty(&c, row))
			continue;
		dcells(&c, row, need);
		t->n++;
	}
	t->ord = xreallocarray(NULL, t->n ? t->n : 1, sizeof(*t->ord));
	sort_rows(t->rows, t->n, &so, t->ord);
	/* The other cells of the rows shown. */
	for (size_t i = (size_t)q->offset; i < t->n &&
	    i < (size_t)q->offset + (size_t)q->limit; i++)
		dcells(&c, &t->rows[t->ord[i]], D_ALL);
	return 0;
}

int
view_domains_html(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx	x;
	struct dtable	t;
	struct buf	href[nitems(dcols)];
	int		r, sorted;
	size_t		end;

	if ((r = domains_compute(s, sc, q, &x, &t, err)) != 0)
		return r;
	sorted = q->sort[0] ? sort_col(dcols, nitems(dcols), q, err) : 1;
	buf_lit(b, "<section class=\"rt-domains\"><h2>Customer domains: ");
	vh_esc_c(b, vq_group_label(s, x.g));
	buf_lit(b, "</h2>");
	vh_period_form(b, &x, "/domains");
	buf_addf(b, "<p class=\"rt-count\">%zu domains</p>"
	    "<table class=\"rt-table rt-domains-table\">", t.n);
	head_html(b, &x, "/domains", dcols, nitems(dcols), sorted);
	buf_lit(b, "<tbody>");
	/* Each column's links differ by the domain only: the rest once. */
	for (size_t c = 1; c < nitems(dcols); c++) {
		buf_init(&href[c], 0);
		number_href(&href[c], &x, x.g, &dcols[c]);
	}
	end = (size_t)q->offset + (size_t)q->limit;
	for (size_t i = (size_t)q->offset; i < t.n && i < end; i++) {
		const struct trow *row = &t.rows[t.ord[i]];
		struct str name = intern_str(s->domains, row->d);
		struct buf dn;

		buf_init(&dn, 0);
		buf_addstr(&dn, name);
		buf_lit(b, "<tr><th scope=\"row\">");
		vh_esc(b, name);
		buf_lit(b, "</th>");
		for (size_t c = 1; c < nitems(dcols); c++) {
			buf_lit(b, "<td>");
			buf_add(b, href[c].data, href[c].len);
			vl_param(b, "domain", dn.data);
			vl_end(b);
			cell_html(b, &dcols[c], &row->c[c - 1]);
			buf_lit(b, "</a></td>");
		}
		buf_lit(b, "</tr>");
		buf_free(&dn);
	}
	buf_lit(b, "</tbody></table></section>\n");
	for (size_t c = 1; c < nitems(dcols); c++)
		buf_free(&href[c]);
	free(t.ord);
	free(t.rows);
	return 0;
}

int
view_domains_json(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx	x;
	struct dtable	t;
	struct buf	gn;
	size_t		end;
	int		r;

	if ((r = domains_compute(s, sc, q, &x, &t, err)) != 0)
		return r;
	buf_init(&gn, 0);
	vq_group_name(s, x.g, &gn);
	buf_lit(b, "{\"group\":");
	json_add_str(b, buf_str(&gn));
	buf_free(&gn);
	buf_lit(b, ",\"period\":");
	vj_period(b, &x);
	buf_addf(b, ",\"total\":%zu,\"domains\":[", t.n);
	end = (size_t)q->offset + (size_t)q->limit;
	for (size_t i = (size_t)q->offset; i < t.n && i < end; i++) {
		const struct trow *row = &t.rows[t.ord[i]];

		buf_puts(b, i > (size_t)q->offset ? ",{\"domain\":" :
		    "{\"domain\":");
		json_add_str(b, intern_str(s->domains, row->d));
		for (size_t c = 1; c < nitems(dcols); c++) {
			buf_lit(b, ",\"");
			buf_puts(b, dcols[c].key);
			buf_lit(b, "\":");
			vj_int_or_null(b, row->c[c - 1].has,
			    row->c[c - 1].num);
		}
		buf_addc(b, '}');
	}
	buf_lit(b, "]}\n");
	free(t.ord);
	free(t.rows);
	return 0;
}
