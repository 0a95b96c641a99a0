/*
 * page_overview.c: the overview page: a group's figures for a period
 * with the change against the previous period, the trend by day or
 * week, the reply-time histogram and the hour-by-weekday heatmap of
 * received mail (HTML fragment with inline SVG, or JSON).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/xmalloc.h"
#include "../report/report.h"
#include "vpage.h"

enum ftype { F_COUNT, F_DUR, F_SHARE };

/* One row of the figures table. */
struct frow {
	char		 key[48];	/* JSON and class name */
	char		 label[128];
	enum ftype	 type;
	int		 better;	/* -1 lower is better, 1 higher, 0 */
	enum view_metric metric;	/* what the link lists */
	int		 biz;		/* business clock */
	int		 fr;		/* first reply, not replies */
	int		 what;		/* see value() */
	int64_t		 le;		/* share: the SLA target */
	size_t		 target;
};

enum { W_COUNT, W_MEDIAN, W_P90, W_WITHIN, W_AWAITING, W_OLDEST,
	W_RECEIVED, W_SENT };

/* The value of a row in rg: *has 0 when there is none (no samples). */
static void
value(const struct report_group *rg, const struct frow *f, int *has,
    int64_t *num, int64_t *den)
{
	const struct report_kind *k = f->fr ? &rg->first_reply : &rg->replies;
	const struct report_stats *st = f->biz ? &k->biz : &k->cal;

	*has = 1;
	*den = 1;
	switch (f->what) {
	case W_COUNT:
		*num = k->count;
		break;
	case W_MEDIAN:
	case W_P90:
		*has = k->count > 0;
		*num = *has ? (f->what == W_MEDIAN ? st->median : st->p90) : 0;
		break;
	case W_WITHIN:
		*has = k->count > 0;
		*num = *has ? st->within_n[f->target] : 0;
		*den = k->count;
		break;
	case W_AWAITING:
		*num = rg->awaiting;
		break;
	case W_OLDEST:
		*has = rg->awaiting > 0;
		*num = rg->oldest_secs;
		break;
	case W_RECEIVED:
		*num = rg->received;
		break;
	default:
		*num = rg->sent;
		break;
	}
}

static size_t
add_row(struct frow *r, size_t n, const char *key, const char *label,
    enum ftype type, int better, enum view_metric m, int what, int fr,
    int biz)
{
	memset(&r[n], 0, sizeof(r[n]));
	snprintf(r[n].key, sizeof(r[n].key), "%s", key);
	snprintf(r[n].label, sizeof(r[n].label), "%s", label);
	r[n].type = type;
	r[n].better = better;
	r[n].metric = m;
	r[n].what = what;
	r[n].fr = fr;
	r[n].biz = biz;
	return n + 1;
}

/* The rows for cfg; r has room for 16 + 2 * targets. */
static size_t
rows(const struct config *cfg, struct frow *r)
{
	size_t	n = 0;
	char	d[32], key[48], label[100];

	n = add_row(r, n, "replies", "Replies", F_COUNT, 0, VIEW_M_REPLIES,
	    W_COUNT, 0, 0);
	n = add_row(r, n, "reply_median", "Median reply time", F_DUR, -1,
	    VIEW_M_REPLIES, W_MEDIAN, 0, 0);
	n = add_row(r, n, "reply_p90", "90th percentile reply time", F_DUR,
	    -1, VIEW_M_REPLIES, W_P90, 0, 0);
	n = add_row(r, n, "reply_median_business",
	    "Median reply time, business hours", F_DUR, -1, VIEW_M_REPLIES,
	    W_MEDIAN, 0, 1);
	n = add_row(r, n, "reply_p90_business",
	    "90th percentile, business hours", F_DUR, -1, VIEW_M_REPLIES,
	    W_P90, 0, 1);
	for (size_t t = 0; t < cfg->rules.sla_targets.n; t++)
		for (int biz = 0; biz < 2; biz++) {
			report_duration(cfg->rules.sla_targets.v[t], d,
			    sizeof(d));
			snprintf(key, sizeof(key), "within_%" PRId64 "%s",
			    cfg->rules.sla_targets.v[t], biz ? "_business" :
			    "");
			snprintf(label, sizeof(label), "Replies within %s%s", d,
			    biz ? ", business hours" : "");
			n = add_row(r, n, key, label, F_SHARE, 1,
			    VIEW_M_REPLIES, W_WITHIN, 0, biz);
			r[n - 1].target = t;
			r[n - 1].le = cfg->rules.sla_targets.v[t];
		}
	n = add_row(r, n, "first_replies", "First replies", F_COUNT, 0,
	    VIEW_M_FIRST_REPLY, W_COUNT, 1, 0);
	n = add_row(r, n, "first_reply_median", "Median first reply time",
	    F_DUR, -1, VIEW_M_FIRST_REPLY, W_MEDIAN, 1, 0);
	n = add_row(r, n, "first_reply_p90", "90th percentile first reply",
	    F_DUR, -1, VIEW_M_FIRST_REPLY, W_P90, 1, 0);
	n = add_row(r, n, "first_reply_median_business",
	    "Median first reply, business hours", F_DUR, -1,
	    VIEW_M_FIRST_REPLY, W_MEDIAN, 1, 1);
	n = add_row(r, n, "awaiting", "Awaiting a reply", F_COUNT, -1,
	    VIEW_M_AWAITING, W_AWAITING, 0, 0);
	n = add_row(r, n, "oldest_wait", "Oldest wait", F_DUR, -1,
	    VIEW_M_AWAITING, W_OLDEST, 0, 0);
	n = add_row(r, n, "received", "Received", F_COUNT, 0, VIEW_M_RECEIVED,
	    W_RECEIVED, 0, 0);
	n = add_row(r, n, "sent", "Sent", F_COUNT, 0, VIEW_M_SENT, W_SENT, 0,
	    0);
	return n;
}

static const char *const metric_names[] = {
	"replies", "first_reply", "awaiting", "received", "sent",
};

/* ---- Trend, histogram, heatmap ------------------------------------------- */

struct bucket {
	int64_t		 day, ndays, from, to;
	int64_t		 replies, median, received, sent;	/* median -1 */
};

static size_t
buckets(const struct vctx *x, struct bucket **out)
{
	const struct view_snap	*s = x->s;
	const struct vgroup	*vg = &s->g[x->g];
	const struct vsamples	*rp = &vg->rep;
	const struct rstat	*rs = x->q->clock == VIEW_CLOCK_BUSINESS ?
				    &rp->rbiz : &rp->rcal;
	struct bucket		*b = xcalloc((size_t)x->p.ndays,
				    sizeof(*b));
	size_t			 n = 0;

	for (int64_t d = x->p.from_day; d <= x->p.to_day; n++) {
		int64_t		len = 1;
		uint32_t	l, r;

		if (x->p.gran == VIEW_GRAN_WEEK)	/* to the next Monday */
			len = 7 - ((d % 7 + 7 + 3) % 7);
		if (d + len > x->p.to_day + 1)
			len = x->p.to_day + 1 - d;
		b[n].day = d;
		b[n].ndays = len;
		b[n].from = vq_day_start(s, d);
		b[n].to = vq_day_start(s, d + len);
		l = vfig_lower(rp->t, rp->n, b[n].from);
		r = vfig_lower(rp->t, rp->n, b[n].to);
		b[n].replies = r - l;
		b[n].median = r > l ? rstat_kth(rs, l, r, (r - l + 1) / 2 - 1) :
		    -1;
		b[n].received = vfig_lower(vg->recv.t, vg->recv.n, b[n].to) -
		    vfig_lower(vg->recv.t, vg->recv.n, b[n].from);
		b[n].sent = vfig_lower(vg->sent.t, vg->sent.n, b[n].to) -
		    vfig_lower(vg->sent.t, vg->sent.n, b[n].from);
		d += len;
	}
	*out = b;
	return n;
}

/* Histogram bins: (edge[i-1], edge[i]]; the last one is open. */
static const int64_t	edges[] = {
	300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800,
};
#define NBINS	(nitems(edges) + 1)

static void
histogram(const struct vctx *x, int64_t *count)
{
	const struct vsamples	*rp = &x->s->g[x->g].rep;
	const struct rstat	*rs = x->q->clock == VIEW_CLOCK_BUSINESS ?
				    &rp->rbiz : &rp->rcal;
	uint32_t		 l = vfig_lower(rp->t, rp->n, x->p.from);
	uint32_t		 r = vfig_lower(rp->t, rp->n, x->p.to);
	int64_t			 below = 0, c;

	for (size_t i = 0; i < nitems(edges); i++) {
		c = rstat_count_le(rs, l, r, edges[i]);
		count[i] = c - below;
		below = c;
	}
	count[nitems(edges)] = (int64_t)(r - l) - below;
}

static void
heatmap(const struct vctx *x, int64_t *cell)
{
	const struct vevents	*ev = &x->s->g[x->g].recv;
	uint32_t		 l = vfig_lower(ev->t, ev->n, x->p.from);
	uint32_t		 r = vfig_lower(ev->t, ev->n, x->p.to);

	memset(cell, 0, 168 * sizeof(*cell));
	for (uint32_t i = l; i < r; i++)
		cell[ev->how[i]]++;
}

static void
bin_label(size_t i, char *out, size_t size)
{
	char	a[32], b[32];

	if (i == 0) {
		report_duration(edges[0], b, sizeof(b));
		snprintf(out, size, "up to %s", b);
	} else if (i == nitems(edges)) {
		report_duration(edges[i - 1], a, sizeof(a));
		snprintf(out, size, "over %s", a);
	} else {
		report_duration(edges[i - 1], a, sizeof(a));
		report_duration(edges[i], b, sizeof(b));
		snprintf(out, size, "%s to %s", a, b);
	}
}

static const char *const wdays[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday",
};

/* ---- HTML ------------------------------------------------------------------ */

static void
change_cell(struct buf *b, const struct frow *f, int hc, int64_t cn,
    int64_t cd, int hp, int64_t pn, int64_t pd)
{
	int64_t		 diff = 0;
	const char	*cls = "rt-same";

	buf_lit(b, "<td class=\"rt-change ");
	if (!hc || !hp) {
		buf_lit(b, "rt-none\">&#8211;</td>");
		return;
	}
	if (f->type == F_SHARE)
		/* In tenths of a percentage point. */
		diff = (cn * 2000 + cd) / (2 * cd) - (pn * 2000 + pd) /
		    (2 * pd);
	else
		diff = cn - pn;
	if (diff != 0 && f->better != 0)
		cls = (diff < 0) == (f->better < 0) ? "rt-better" : "rt-worse";
	else if (diff != 0)
		cls = diff > 0 ? "rt-up" : "rt-down";
	buf_puts(b, cls);
	buf_lit(b, "\">");
	buf_puts(b, diff > 0 ? "+" : diff < 0 ? "&#8722;" : "&#177;");
	if (diff < 0)
		diff = -diff;
	if (f->type == F_DUR)
		vh_dur(b, diff);
	else if (f->type == F_SHARE)
		buf_addf(b, "%" PRId64 ".%" PRId64 " pts", diff / 10,
		    diff % 10);
	else {
		buf_addf(b, "%" PRId64, diff);
		if (pn > 0)
			buf_addf(b, " (%" PRId64 "%%)", (diff * 200 + pn) /
			    (2 * pn));
	}
	buf_lit(b, "</td>");
}

static void
value_text(struct buf *b, const struct frow *f, int has, int64_t num,
    int64_t den)
{
	if (!has)
		buf_lit(b, "&#8211;");
	else if (f->type == F_DUR)
		vh_dur(b, num);
	else if (f->type == F_SHARE)
		vh_pct(b, num, den);
	else
		buf_addf(b, "%" PRId64, num);
}

/* A link to the conversations behind row f for [from, to]. */
static void
row_link(struct buf *b, const struct vctx *x, const struct frow *f,
    int prev)
{
	struct vctx	y = *x;

	if (prev) {
		y.p.to_day = x->p.from_day - 1;
		y.p.from_day = x->p.from_day - x->p.ndays;
	}
	vl_start(b, f->metric == VIEW_M_AWAITING ? "/queue" :
	    "/conversations");
	vl_common(b, &y, x->g);
	if (f->metric != VIEW_M_AWAITING)
		vl_param(b, "metric", metric_names[f->metric]);
	if (f->biz && x->q->clock != VIEW_CLOCK_BUSINESS)
		vl_param(b, "clock", "business");
	if (f->what == W_WITHIN)
		vl_param_i(b, "le", f->le);
	vl_end(b);
}

static void
figures_html(struct buf *b, const struct vctx *x,
    const struct report_group *cur, const struct report_group *prev)
{
	struct frow	*r = xcalloc(16 + 2 * x->s->cfg->rules.sla_targets.n,
			    sizeof(*r));
	size_t		 n = rows(x->s->cfg, r);
	int		 hc, hp;
	int64_t		 cn, cd, pn, pd;

	buf_lit(b, "<table class=\"rt-figures\"><caption>Figures for the "
	    "period and the previous period of equal length</caption>"
	    "<thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">This "
	    "period</th><th scope=\"col\">Previous period</th>"
	    "<th scope=\"col\">Change</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		value(cur, &r[i], &hc, &cn, &cd);
		value(prev, &r[i], &hp, &pn, &pd);
		buf_lit(b, "<tr class=\"rt-fig-");
		buf_puts(b, r[i].key);
		buf_lit(b, "\"><th scope=\"row\">");
		vh_esc_c(b, r[i].label);
		buf_lit(b, "</th><td>");
		row_link(b, x, &r[i], 0);
		value_text(b, &r[i], hc, cn, cd);
		buf_lit(b, "</a></td><td>");
		row_link(b, x, &r[i], 1);
		value_text(b, &r[i], hp, pn, pd);
		buf_lit(b, "</a></td>");
		change_cell(b, &r[i], hc, cn, cd, hp, pn, pd);
		buf_lit(b, "</tr>");
	}
	buf_lit(b, "</tbody></table>");
	free(r);
}

/* The href of an SVG link, with the request's common parameters. */
static void
svg_href(struct buf *b, const struct vctx *x, const char *metric)
{
	struct buf	l;

	buf_init(&l, 0);
	vl_start(&l, "/conversations");
	vl_common(&l, x, x->g);
	vl_param(&l, "metric", metric);
	buf_lit(b, "<a href=\"");
	buf_add(b, l.data + 9, l.len - 9);	/* after '<a href="' */
	buf_free(&l);
}

/* A bar's rectangle, open for its title: coordinates with a decimal. */
static void
bar_rect(struct buf *b, double x, double y, double w, double h)
{
	buf_lit(b, "<rect class=\"rt-bar\" x=\"");
	vh_fixed(b, x, 1);
	buf_lit(b, "\" y=\"");
	vh_fixed(b, y, 1);
	buf_lit(b, "\" width=\"");
	vh_fixed(b, w, 1);
	buf_lit(b, "\" height=\"");
	vh_fixed(b, h, 1);
	buf_addc(b, '"');
}

/* 0 <= v < 100 as two digits. */
static void
two_digits(struct buf *b, int v)
{
	buf_addc(b, (char)('0' + v / 10));
	buf_addc(b, (char)('0' + v % 10));
}

/* A bar chart: one bar per bucket, height v[i] of max. */
static void
trend_svg(struct buf *b, const struct vctx *x, const struct bucket *bk,
    size_t n, int counts)
{
	int64_t		max = 1;
	const int	w = 720, h = 160;
	double		bw = (double)w / (double)(n ? n : 1);
	char		d[16];

	for (size_t i = 0; i < n; i++) {
		int64_t v = counts ? bk[i].received : bk[i].median;

		if (v > max)
			max = v;
	}
	buf_addf(b, "<svg class=\"rt-chart rt-trend-%s\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s by %s\">",
	    counts ? "received" : "median", w, h + 20, w, h + 20,
	    counts ? "Received messages" : "Median reply time",
	    x->p.gran == VIEW_GRAN_WEEK ? "week" : "day");
	buf_addf(b, "<title>%s by %s</title>", counts ? "Received messages" :
	    "Median reply time", x->p.gran == VIEW_GRAN_WEEK ? "week" : "day");
	for (size_t i = 0; i < n; i++) {
		int64_t		v = counts ? bk[i].received : bk[i].median;
		double		bh = v > 0 ? (double)h * (double)v /
				    (double)max : 0;
		struct vctx	y = *x;

		y.p.from_day = bk[i].day;
		y.p.to_day = bk[i].day + bk[i].ndays - 1;
		svg_href(b, &y, counts ? "received" : "replies");
		buf_lit(b, "\">");
		bar_rect(b, bw * (double)i + 1, (double)h - bh,
		    bw > 3 ? bw - 2 : bw, bh);
		buf_addc(b, '>');
		vq_fmt_day(bk[i].day, d);
		buf_lit(b, "<title>");
		buf_puts(b, d);
		if (bk[i].ndays > 1)
			buf_addf(b, " (%" PRId64 " days)", bk[i].ndays);
		buf_lit(b, ": ");
		if (counts)
			buf_addf(b, "%" PRId64 " received, %" PRId64 " sent",
			    bk[i].received, bk[i].sent);
		else if (bk[i].median < 0)
			buf_lit(b, "no replies");
		else {
			buf_lit(b, "median ");
			vh_dur(b, bk[i].median);
			buf_addf(b, " over %" PRId64 " replies", bk[i].replies);
		}
		buf_lit(b, "</title></rect></a>");
	}
	vq_fmt_day(x->p.from_day, d);
	buf_addf(b, "<text x=\"0\" y=\"%d\" class=\"rt-axis\">%s</text>",
	    h + 16, d);
	vq_fmt_day(x->p.to_day, d);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "class=\"rt-axis\">%s</text></svg>", w, h + 16, d);
}

static void
histogram_svg(struct buf *b, const struct vctx *x, const int64_t *count)
{
	int64_t		max = 1;
	const int	w = 720, h = 160;
	double		bw = (double)w / NBINS;
	char		label[80];

	for (size_t i = 0; i < NBINS; i++)
		if (count[i] > max)
			max = count[i];
	buf_addf(b, "<svg class=\"rt-chart rt-histogram\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Replies by "
	    "reply time\"><title>Replies by reply time (%s)</title>", w, h + 20,
	    w, h + 20, x->q->clock == VIEW_CLOCK_BUSINESS ? "business hours" :
	    "calendar");
	for (size_t i = 0; i < NBINS; i++) {
		double	bh = (double)h * (double)count[i] / (double)max;

		svg_href(b, x, "replies");
		if (i > 0)
			buf_addf(b, "&amp;gt=%" PRId64, edges[i - 1]);
		if (i < nitems(edges))
			buf_addf(b, "&amp;le=%" PRId64, edges[i]);
		buf_lit(b, "\">");
		bin_label(i, label, sizeof(label));
		bar_rect(b, bw * (double)i + 1, (double)h - bh, bw - 2, bh);
		buf_lit(b, "><title>");
		buf_puts(b, label);
		buf_lit(b, ": ");
		buf_add_u64(b, (uint64_t)count[i]);
		buf_lit(b, " replies</title></rect></a><text x=\"");
		vh_fixed(b, bw * ((double)i + 0.5), 1);
		buf_addf(b, "\" y=\"%d\" text-anchor=\"middle\" "
		    "class=\"rt-axis\">%s</text>", h + 16, label);
	}
	buf_lit(b, "</svg>");
}

static void
heatmap_svg(struct buf *b, const struct vctx *x, const int64_t *cell)
{
	int64_t		max = 1;
	const int	cw = 26, ch = 20, left = 90;
	struct buf	href;

	for (int i = 0; i < 168; i++)
		if (cell[i] > max)
			max = cell[i];
	/* Every cell's link: the same but for its weekday and hour. */
	buf_init(&href, 0);
	svg_href(&href, x, "received");
	buf_addf(b, "<svg class=\"rt-chart rt-heatmap\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Received "
	    "messages by weekday and hour\"><title>Received messages by "
	    "weekday and hour (local time)</title>", left + 24 * cw,
	    7 * ch + 20, left + 24 * cw, 7 * ch + 20);
	for (int d = 0; d < 7; d++) {
		buf_addf(b, "<text x=\"0\" y=\"%d\" class=\"rt-axis\">%s</text>",
		    d * ch + 14, wdays[d]);
		for (int hr = 0; hr < 24; hr++) {
			int64_t	c = cell[d * 24 + hr];
			int	level = c == 0 ? 0 : (int)(1 + 4 * (c - 1) / max);

			buf_add(b, href.data, href.len);
			buf_lit(b, "&amp;wday=");
			buf_add_u64(b, (uint64_t)d + 1);
			buf_lit(b, "&amp;hour=");
			buf_add_u64(b, (uint64_t)hr);
			buf_lit(b, "\"><rect class=\"rt-heat rt-heat-");
			buf_add_u64(b, (uint64_t)level);
			buf_lit(b, "\" x=\"");
			buf_add_u64(b, (uint64_t)(left + hr * cw));
			buf_lit(b, "\" y=\"");
			buf_add_u64(b, (uint64_t)(d * ch));
			buf_addf(b, "\" width=\"%d\" height=\"%d\" "
			    "fill-opacity=\"", cw - 2, ch - 2);
			vh_fixed(b, 0.1 + 0.9 * (double)c / (double)max, 2);
			buf_lit(b, "\"><title>");
			buf_puts(b, wdays[d]);
			buf_addc(b, ' ');
			two_digits(b, hr);
			buf_lit(b, ":00-");
			two_digits(b, hr);
			buf_lit(b, ":59: ");
			buf_add_u64(b, (uint64_t)c);
			buf_lit(b, " received</title></rect></a>");
		}
	}
	for (int hr = 0; hr < 24; hr += 3)
		buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"rt-axis\">%02d"
		    "</text>", left + hr * cw, 7 * ch + 14, hr);
	buf_lit(b, "</svg>");
	buf_free(&href);
}

/* Computes everything once for both renderers. */
struct overview {
	struct report_group	 cur, prev;
	struct bucket		*bk;
	size_t			 nbk;
	int64_t			 hist[NBINS];
	int64_t			 heat[168];
};

static int
compute(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct vctx *x, struct overview *o,
    struct err *err)
{
	int	r;

	memset(o, 0, sizeof(*o));
	if ((r = vq_prepare(s, sc, q, x, err)) != 0)
		return r;
	vfig_group(s, x->g, x->p.from, x->p.to, x->p.at, &o->cur);
	vfig_group(s, x->g, x->p.prev_from, x->p.prev_to, x->p.prev_at,
	    &o->prev);
	o->nbk = buckets(x, &o->bk);
	histogram(x, o->hist);
	heatmap(x, o->heat);
	return 0;
}

static void
overview_free(struct overview *o)
{
	vfig_group_free(&o->cur);
	vfig_group_free(&o->prev);
	free(o->bk);
}

static void
period_html(struct buf *b, const struct vctx *x)
{
	char	f[16], t[16], pf[16], pt[16];

	vq_fmt_day(x->p.from_day, f);
	vq_fmt_day(x->p.to_day, t);
	vq_fmt_day(x->p.from_day - x->p.ndays, pf);
	vq_fmt_day(x->p.from_day - 1, pt);
	buf_addf(b, "<p class=\"rt-period\">From <time datetime=\"%s\">%s"
	    "</time> to <time datetime=\"%s\">%s</time> (%" PRId64 " days), "
	    "compared with %s to %s; times in ", f, f, t, t, x->p.ndays, pf,
	    pt);
	vh_esc_c(b, x->s->cfg->hours != NULL ?
	    x->s->cfg->hours->timezone.name : "UTC");
	buf_lit(b, ".</p>");
}

int
view_overview_html(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx	x;
	struct overview	o;
	int		r;

	if ((r = compute(s, sc, q, &x, &o, err)) != 0)
		return r;
	buf_lit(b, "<section class=\"rt-overview\"><h2>Overview: ");
	vh_esc_c(b, vq_group_label(s, x.g));
	buf_lit(b, "</h2>");
	period_html(b, &x);
	vh_period_form(b, &x, "/overview");
	figures_html(b, &x, &o.cur, &o.prev);
	buf_lit(b, "<figure class=\"rt-trend\"><figcaption>Median reply time "
	    "and received messages by ");
	buf_puts(b, x.p.gran == VIEW_GRAN_WEEK ? "week" : "day");
	buf_lit(b, "</figcaption>");
	trend_svg(b, &x, o.bk, o.nbk, 0);
	trend_svg(b, &x, o.bk, o.nbk, 1);
	buf_lit(b, "</figure><figure class=\"rt-histogram\"><figcaption>"
	    "Replies by reply time</figcaption>");
	histogram_svg(b, &x, o.hist);
	buf_lit(b, "</figure><figure class=\"rt-heatmap\"><figcaption>"
	    "Received messages by weekday and hour</figcaption>");
	heatmap_svg(b, &x, o.heat);
	buf_lit(b, "</figure></section>\n");
	overview_free(&o);
	return 0;
}

/* ---- JSON ----------------------------------------------------------------- */

void
vj_period(struct buf *b, const struct vctx *x)
{
	char	f[16], t[16], iso[40];
	int	first = 1;

	buf_addc(b, '{');
	vq_fmt_day(x->p.from_day, f);
	vq_fmt_day(x->p.to_day, t);
	vj_key(b, &first, "from");
	json_add_str(b, str_cstr(f));
	vj_key(b, &first, "to");
	json_add_str(b, str_cstr(t));
	vj_key(b, &first, "days");
	buf_addf(b, "%" PRId64, x->p.ndays);
	vj_key(b, &first, "start");
	civil_fmt_iso(x->p.from, iso, sizeof(iso));
	json_add_str(b, str_cstr(iso));
	vj_key(b, &first, "end");
	civil_fmt_iso(x->p.to, iso, sizeof(iso));
	json_add_str(b, str_cstr(iso));
	vj_key(b, &first, "at");
	civil_fmt_iso(x->p.at, iso, sizeof(iso));
	json_add_str(b, str_cstr(iso));
	vj_key(b, &first, "timezone");
	json_add_str(b, str_cstr(x->s->cfg->hours != NULL ?
	    x->s->cfg->hours->timezone.name : "UTC"));
	buf_addc(b, '}');
}

static void
stats_json(struct buf *b, const struct config *cfg,
    const struct report_kind *k, const struct report_stats *st)
{
	int	first = 1;

	buf_addc(b, '{');
	vj_key(b, &first, "median");
	vj_int_or_null(b, k->count > 0, st->median);
	vj_key(b, &first, "p90");
	vj_int_or_null(b, k->count > 0, st->p90);
	vj_key(b, &first, "mean");
	vj_int_or_null(b, k->count > 0, st->mean);
	vj_key(b, &first, "min");
	vj_int_or_null(b, k->count > 0, st->min);
	vj_key(b, &first, "max");
	vj_int_or_null(b, k->count > 0, st->max);
	vj_key(b, &first, "within");
	buf_addc(b, '{');
	for (size_t t = 0; t < cfg->rules.sla_targets.n; t++) {
		char	share[32];

		buf_puts(b, t ? ",\"" : "\"");
		vj_i64(b, cfg->rules.sla_targets.v[t]);
		buf_lit(b, "\":");
		if (k->count == 0)
			buf_lit(b, "null");
		else {
			report_share(st->within_n[t], k->count, share,
			    sizeof(share));
			buf_puts(b, share);
		}
	}
	buf_lit(b, "}}");
}

/* As spec section 12: negative only for replies. */
static void
kind_json(struct buf *b, const struct config *cfg, const struct report_kind *k,
    int replies)
{
	buf_addf(b, "{\"count\":%" PRId64, k->count);
	if (replies)
		buf_addf(b, ",\"negative\":%" PRId64, k->negative);
	buf_addf(b, ",\"outliers\":%" PRId64 ",\"calendar\":", k->outliers);
	stats_json(b, cfg, k, &k->cal);
	buf_lit(b, ",\"business\":");
	stats_json(b, cfg, k, &k->biz);
	buf_addc(b, '}');
}

void
vj_group_figures(struct buf *b, const struct config *cfg,
    const struct report_group *rg)
{
	buf_lit(b, "{\"replies\":");
	kind_json(b, cfg, &rg->replies, 1);
	buf_lit(b, ",\"first_reply\":");
	kind_json(b, cfg, &rg->first_reply, 0);
	buf_addf(b, ",\"awaiting\":{\"count\":%" PRId64 ",\"oldest_secs\":",
	    rg->awaiting);
	vj_int_or_null(b, rg->awaiting > 0, rg->oldest_secs);
	buf_addf(b, "},\"received\":%" PRId64 ",\"sent\":%" PRId64 "}",
	    rg->received, rg->sent);
}

int
view_overview_json(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx	x, y;
	struct overview	o;
	struct buf	gn;
	char		d[16];
	int		r;

	if ((r = compute(s, sc, q, &x, &o, err)) != 0)
		return r;
	buf_init(&gn, 0);
	vq_group_name(s, x.g, &gn);
	buf_lit(b, "{\"group\":");
	json_add_str(b, buf_str(&gn));
	buf_free(&gn);
	buf_lit(b, ",\"period\":");
	vj_period(b, &x);
	y = x;
	y.p.to_day = x.p.from_day - 1;
	y.p.from_day = x.p.from_day - x.p.ndays;
	y.p.from = x.p.prev_from;
	y.p.to = x.p.prev_to;
	y.p.at = x.p.prev_at;
	buf_lit(b, ",\"previous_period\":");
	vj_period(b, &y);
	buf_lit(b, ",\"figures\":");
	vj_group_figures(b, s->cfg, &o.cur);
	buf_lit(b, ",\"previous\":");
	vj_group_figures(b, s->cfg, &o.prev);
	buf_addf(b, ",\"trend\":{\"granularity\":\"%s\",\"clock\":\"%s\","
	    "\"buckets\":[", x.p.gran == VIEW_GRAN_WEEK ? "week" : "day",
	    q->clock == VIEW_CLOCK_BUSINESS ? "business" : "calendar");
	for (size_t i = 0; i < o.nbk; i++) {
		vq_fmt_day(o.bk[i].day, d);
		buf_addf(b, "%s{\"from\":\"%s\",\"days\":%" PRId64 ",\"replies\":%"
		    PRId64 ",\"median\":", i ? "," : "", d, o.bk[i].ndays,
		    o.bk[i].replies);
		vj_int_or_null(b, o.bk[i].median >= 0, o.bk[i].median);
		buf_addf(b, ",\"received\":%" PRId64 ",\"sent\":%" PRId64 "}",
		    o.bk[i].received, o.bk[i].sent);
	}
	buf_lit(b, "]},\"histogram\":[");
	for (size_t i = 0; i < NBINS; i++) {
		buf_addf(b, "%s{\"gt\":", i ? "," : "");
		vj_int_or_null(b, i > 0, i > 0 ? edges[i - 1] : 0);
		buf_lit(b, ",\"le\":");
		vj_int_or_null(b, i < nitems(edges), i < nitems(edges) ?
		    edges[i] : 0);
		buf_addf(b, ",\"count\":%" PRId64 "}", o.hist[i]);
	}
	buf_lit(b, "],\"heatmap\":{\"rows\":\"Monday..Sunday\",\"columns\":"
	    "\"hours 0..23\",\"received\":[");
	for (int dd = 0; dd < 7; dd++) {
		buf_puts(b, dd ? ",[" : "[");
		for (int h = 0; h < 24; h++)
			buf_addf(b, "%s%" PRId64, h ? "," : "",
			    o.heat[dd * 24 + h]);
		buf_addc(b, ']');
	}
	buf_lit(b, "]}}\n");
	overview_free(&o);
	return 0;
}
