/*
 * page_conv.c: the lists of conversations behind the numbers (the
 * awaiting queue is one of them) and the view of one conversation, as
 * HTML or JSON; and the table of pages by name.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/xmalloc.h"
#include "../metric/biz.h"
#include "vpage.h"

static const char *const metric_names[] = {
	"replies", "first_reply", "awaiting", "received", "sent",
};

/* One row of a list: a sample, a counted message or a wait. */
struct lrow {
	uint32_t	 conv, msg, from;	/* from: VNONE if none */
	int64_t		 t;			/* sample, message or since */
	int		 has_val;
	int64_t		 cal, biz;		/* reply time, or the wait */
};

struct list {
	enum view_metric metric;
	struct lrow	*rows;			/* the page */
	size_t		 n;
	int64_t		 total;			/* every match */
};

/* The filters that apply to every list. */
static int
keep_msg(const struct vctx *x, uint32_t msg, uint32_t dmsg, uint32_t d)
{
	const struct vmsg	*m = &x->s->m[msg];

	if (x->q->domain[0] != '\0' && (d == VNONE ||
	    vsnap_domain_of(x->s, dmsg) != d))
		return 0;
	if (x->q->wday > 0 && m->how / 24 != x->q->wday - 1)
		return 0;
	if (x->q->hour >= 0 && m->how % 24 != x->q->hour)
		return 0;
	return 1;
}

static int
keep_value(const struct vctx *x, int64_t v)
{
	return (!x->q->has_gt || v > x->q->gt) && (!x->q->has_le ||
	    v <= x->q->le);
}

static uint32_t
domain_param(const struct vctx *x)
{
	uint32_t	d;

	if (x->q->domain[0] == '\0')
		return VNONE;
	d = intern_get(x->s->domains, str_cstr(x->q->domain));
	return d == INTERN_NONE ? VNONE : d;
}

/* Appends r to the page when the match number k falls in it. */
static void
page_add(const struct vctx *x, struct list *l, const struct lrow *r)
{
	if (l->total++ < x->q->offset || l->n >= (size_t)x->q->limit)
		return;
	l->rows[l->n++] = *r;
}

struct byval {
	uint32_t	i;
	int64_t		v;
};

static int
cmp_byval(const void *pa, const void *pb)
{
	const struct byval	*a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void
sample_row(const struct view_snap *s, const struct vsamples *v, uint32_t i,
    struct lrow *r)
{
	r->conv = s->m[v->msg[i]].conv;
	r->msg = v->msg[i];
	r->from = v->from[i];
	r->t = v->t[i];
	r->has_val = 1;
	r->cal = v->cal[i];
	r->biz = v->biz[i];
}

static void
list_samples(const struct vctx *x, const struct vsamples *v, struct list *l)
{
	const struct view_snap	*s = x->s;
	uint32_t		 lo = vfig_lower(v->t, v->n, x->p.from);
	uint32_t		 hi = vfig_lower(v->t, v->n, x->p.to);
	uint32_t		 d = domain_param(x);
	int			 biz = x->q->clock == VIEW_CLOCK_BUSINESS;
	struct lrow		 r;

	if (strcmp(x->q->sort, "value") == 0) {
		struct byval	*bv = xcalloc(hi - lo + 1, sizeof(*bv));
		size_t		 n = 0;

		for (uint32_t i = lo; i < hi; i++)
			if (keep_value(x, biz ? v->biz[i] : v->cal[i]) &&
			    keep_msg(x, v->msg[i], v->from[i], d)) {
				bv[n].i = i;
				bv[n++].v = biz ? v->biz[i] : v->cal[i];
			}
		qsort(bv, n, sizeof(*bv), cmp_byval);
		for (size_t k = 0; k < n; k++) {
			sample_row(s, v, bv[x->q->desc ? n - 1 - k : k].i, &r);
			page_add(x, l, &r);
		}
		free(bv);
		return;
	}
	/* Newest first unless dir=asc. */
	for (uint32_t k = 0; k < hi - lo; k++) {
		uint32_t i = x->q->has_dir && !x->q->desc ? lo + k : hi - 1 - k;

		if (!keep_value(x, biz ? v->biz[i] : v->cal[i]) ||
		    !keep_msg(x, v->msg[i], v->from[i], d))
			continue;
		sample_row(s, v, i, &r);
		page_add(x, l, &r);
	}
}

static void
list_events(const struct vctx *x, const struct vevents *ev, struct list *l)
{
	uint32_t	lo = vfig_lower(ev->t, ev->n, x->p.from);
	uint32_t	hi = vfig_lower(ev->t, ev->n, x->p.to);
	uint32_t	d = domain_param(x);
	struct lrow	r;

	memset(&r, 0, sizeof(r));
	for (uint32_t k = 0; k < hi - lo; k++) {
		uint32_t i = x->q->has_dir && !x->q->desc ? lo + k : hi - 1 - k;

		if (!keep_msg(x, ev->msg[i], ev->msg[i], d))
			continue;
		r.conv = x->s->m[ev->msg[i]].conv;
		r.msg = ev->msg[i];
		r.from = VNONE;
		r.t = ev->t[i];
		page_add(x, l, &r);
	}
}

/* Waits open at the end of the period: oldest first. */
static void
list_awaiting(const struct vctx *x, struct list *l)
{
	const struct view_snap	*s = x->s;
	const struct vgroup	*vg = &s->g[x->g];
	uint32_t		 d = domain_param(x);
	int64_t			 at = x->p.at;
	struct lrow		 r;
	uint32_t		 nopen, *open;
	int			 unfiltered;

	memset(&r, 0, sizeof(r));
	nopen = vspan_open(vg, at, &open);
	/* Without a filter every wait matches: only the page's are read. */
	unfiltered = x->q->domain[0] == '\0' && x->q->wday <= 0 &&
	    x->q->hour < 0;
	for (uint32_t k = unfiltered ? (x->q->offset < nopen ?
	    (uint32_t)x->q->offset : nopen) : 0; k < nopen; k++) {
		const struct vspan *sp = &vg->spans[open[k]];

		if (unfiltered) {
			if (l->n >= (size_t)x->q->limit)
				break;
			l->total = k;
		} else if (!keep_msg(x, sp->since_msg, sp->since_msg, d))
			continue;
		r.conv = sp->conv;
		r.msg = sp->since_msg;
		r.from = VNONE;
		r.t = sp->since;
		r.has_val = 1;
		r.cal = at - sp->since;
		/* Business time only for the rows shown. */
		r.biz = l->total >= x->q->offset && l->n < (size_t)x->q->limit ?
		    vfig_biz(s, x->g, sp->since, at) : 0;
		page_add(x, l, &r);
	}
	if (unfiltered)
		l->total = nopen;
	free(open);
}

static int
list_compute(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, enum view_metric metric, struct vctx *x,
    struct list *l, struct err *err)
{
	const struct vgroup	*vg;
	int			 r;

	memset(l, 0, sizeof(*l));
	if ((r = vq_prepare(s, sc, q, x, err)) != 0)
		return r;
	if (q->sort[0] != '\0' && strcmp(q->sort, "time") != 0 &&
	    strcmp(q->sort, "value") != 0)
		return err_set(err, ERR_USAGE, "query parameter sort: unknown "
		    "column for this page (time or value)");
	vg = &s->g[x->g];
	l->metric = metric;
	l->rows = xcalloc((size_t)q->limit, sizeof(*l->rows));
	switch (metric) {
	case VIEW_M_REPLIES:
		list_samples(x, &vg->rep, l);
		break;
	case VIEW_M_FIRST_REPLY:
		list_samples(x, &vg->fr, l);
		break;
	case VIEW_M_RECEIVED:
		list_events(x, &vg->recv, l);
		break;
	case VIEW_M_SENT:
		list_events(x, &vg->sent, l);
		break;
	case VIEW_M_AWAITING:
		list_awaiting(x, l);
		break;
	}
	return 0;
}

/* ---- HTML and JSON of lists --------------------------------------------- */

static void
addr_html(struct buf *b, const struct view_snap *s, uint32_t msg)
{
	uint32_t	a = msg == VNONE ? VNONE : s->m[msg].sender;

	if (a == VNONE)
		buf_lit(b, "<span class=\"rt-unknown\">unknown</span>");
	else
		vh_esc(b, intern_str(s->addrs, a));
}

static void
subject_html(struct buf *b, const struct view_snap *s, uint32_t msg)
{
	uint32_t	j = s->m[msg].subject;

	if (j == VNONE || intern_str(s->subjects, j).len == 0)
		buf_lit(b, "<span class=\"rt-unknown\">(no subject)</span>");
	else
		vh_esc(b, intern_str(s->subjects, j));
}

static void
time_html(struct buf *b, const struct view_snap *s, int64_t t)
{
	char	iso[40], loc[40];

	civil_fmt_iso(t, iso, sizeof(iso));
	vq_fmt_local(s, t, loc);
	buf_addf(b, "<time datetime=\"%s\">%.10s %.5s</time>", iso, loc,
	    loc + 11);
}

/* The SLA state of a wait: within, near (past 3/4 of the first target)
 * or breached (past it). */
static const char *
sla_state(const struct config *cfg, int64_t wait)
{
	int64_t	t;

	if (cfg->rules.sla_targets.n == 0)
		return "within";
	t = cfg->rules.sla_targets.v[0];
	if (wait > t)
		return "breached";
	if (wait * 4 > t * 3)
		return "near";
	return "within";
}

static void
conv_link(struct buf *b, const struct vctx *x, uint32_t conv)
{
	struct buf	gn;

	vl_start(b, "/conversation");
	vl_param_i(b, "id", x->s->conv_id[conv]);
	if (x->q->group[0] != '\0') {
		buf_init(&gn, 0);
		vq_group_name(x->s, x->g, &gn);
		vl_param(b, "group", gn.data);
		buf_free(&gn);
	}
	vl_end(b);
}

static void
pager_html(struct buf *b, const struct vctx *x, const char *path,
    const struct list *l)
{
	buf_addf(b, "<p class=\"rt-count\">%" PRId64 " in all", l->total);
	if (l->total > 0)
		buf_addf(b, "; %" PRId64 " to %" PRId64 " shown",
		    x->q->offset + (l->n ? 1 : 0), x->q->offset +
		    (int64_t)l->n);
	buf_lit(b, ".</p>");
	for (int next = 0; next < 2; next++) {
		int64_t	off = next ? x->q->offset + x->q->limit :
			    x->q->offset - x->q->limit;

		if ((!next && x->q->offset == 0) || (next && off >= l->total) ||
		    off > VIEW_OFFSET_MAX)
			continue;
		buf_lit(b, "<p class=\"rt-pager\">");
		vl_start(b, path);
		vl_common(b, x, x->g);
		if (strcmp(path, "/conversations") == 0)
			vl_param(b, "metric", metric_names[l->metric]);
		if (x->q->domain[0] != '\0')
			vl_param(b, "domain", x->q->domain);
		if (x->q->has_gt)
			vl_param_i(b, "gt", x->q->gt);
		if (x->q->has_le)
			vl_param_i(b, "le", x->q->le);
		if (x->q->wday > 0)
			vl_param_i(b, "wday", x->q->wday);
		if (x->q->hour >= 0)
			vl_param_i(b, "hour", x->q->hour);
		if (x->q->sort[0] != '\0')
			vl_param(b, "sort", x->q->sort);
		if (x->q->has_dir)
			vl_param(b, "dir", x->q->desc ? "desc" : "asc");
		vl_param_i(b, "offset", off < 0 ? 0 : off);
		vl_param_i(b, "limit", x->q->limit);
		vl_end(b);
		buf_puts(b, next ? "Next" : "Previous");
		buf_lit(b, "</a></p>");
	}
}

static void
list_html(struct buf *b, const struct vctx *x, const struct list *l,
    int queue)
{
	const struct view_snap	*s = x->s;
	static const char	*const titles[] = { "Replies",
	    "First replies", "Awaiting a reply", "Received", "Sent" };
	int			 sample = l->metric == VIEW_M_REPLIES ||
				    l->metric == VIEW_M_FIRST_REPLY;

	buf_puts(b, queue ? "<section class=\"rt-queue\"><h2>Queue: " :
	    "<section class=\"rt-conversations\"><h2>");
	if (!queue) {
		buf_puts(b, titles[l->metric]);
		buf_lit(b, ": ");
	}
	vh_esc_c(b, vq_group_label(s, x->g));
	buf_lit(b, "</h2>");
	if (queue)
		vh_period_form(b, x, "/queue");
	pager_html(b, x, queue ? "/queue" : "/conversations", l);
	buf_lit(b, "<table class=\"rt-table rt-list\"><thead><tr>"
	    "<th scope=\"col\">Conversation</th><th scope=\"col\">Subject</th>");
	if (l->metric == VIEW_M_AWAITING)
		buf_lit(b, "<th scope=\"col\">Waiting since</th>"
		    "<th scope=\"col\">From</th><th scope=\"col\">Wait</th>"
		    "<th scope=\"col\">Business hours</th>");
	else if (sample)
		buf_lit(b, "<th scope=\"col\">Replied</th><th scope=\"col\">"
		    "To</th><th scope=\"col\">Reply time</th>"
		    "<th scope=\"col\">Business hours</th>");
	else
		buf_lit(b, "<th scope=\"col\">Time</th>"
		    "<th scope=\"col\">From</th>");
	buf_lit(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		const struct lrow *r = &l->rows[i];

		if (l->metric == VIEW_M_AWAITING) {
			buf_lit(b, "<tr class=\"rt-sla-");
			buf_puts(b, sla_state(s->cfg, x->q->clock ==
			    VIEW_CLOCK_BUSINESS ? r->biz : r->cal));
			buf_lit(b, "\">");
		} else
			buf_lit(b, "<tr>");
		buf_lit(b, "<td>");
		conv_link(b, x, r->conv);
		buf_addf(b, "%" PRId64 "</a></td><td>", s->conv_id[r->conv]);
		subject_html(b, s, r->msg);
		buf_lit(b, "</td><td>");
		time_html(b, s, r->t);
		buf_lit(b, "</td><td>");
		addr_html(b, s, sample ? r->from : r->msg);
		buf_lit(b, "</td>");
		if (r->has_val) {
			buf_lit(b, "<td>");
			vh_dur(b, r->cal);
			buf_lit(b, "</td><td>");
			vh_dur(b, r->biz);
			buf_lit(b, "</td>");
		}
		buf_lit(b, "</tr>");
	}
	buf_lit(b, "</tbody></table></section>\n");
}

static void
list_json(struct buf *b, const struct vctx *x, const struct list *l)
{
	const struct view_snap	*s = x->s;
	struct buf		 gn;
	char			 iso[40];

	buf_init(&gn, 0);
	vq_group_name(s, x->g, &gn);
	buf_lit(b, "{\"group\":");
	json_add_str(b, buf_str(&gn));
	buf_free(&gn);
	buf_addf(b, ",\"metric\":\"%s\",\"period\":", metric_names[l->metric]);
	vj_period(b, x);
	buf_addf(b, ",\"total\":%" PRId64 ",\"offset\":%" PRId64 ",\"rows\":[",
	    l->total, x->q->offset);
	for (size_t i = 0; i < l->n; i++) {
		const struct lrow *r = &l->rows[i];
		uint32_t who = l->metric == VIEW_M_REPLIES ||
		    l->metric == VIEW_M_FIRST_REPLY ? r->from : r->msg;
		uint32_t a = s->m[who].sender, j = s->m[r->msg].subject;

		civil_fmt_iso(r->t, iso, sizeof(iso));
		buf_addf(b, "%s{\"conversation\":%" PRId64 ",\"message\":%"
		    PRId64 ",\"time\":\"%s\",\"subject\":", i ? "," : "",
		    s->conv_id[r->conv], s->m[r->msg].seq, iso);
		json_add_str_or_null(b, j == VNONE ? STR_NULL :
		    intern_str(s->subjects, j));
		buf_lit(b, ",\"party\":");
		json_add_str_or_null(b, a == VNONE ? STR_NULL :
		    intern_str(s->addrs, a));
		if (r->has_val) {
			buf_addf(b, ",\"%s\":%" PRId64 ",\"%s\":%" PRId64,
			    l->metric == VIEW_M_AWAITING ? "wait" : "calendar",
			    r->cal, l->metric == VIEW_M_AWAITING ?
			    "wait_business" : "business", r->biz);
			if (l->metric == VIEW_M_AWAITING)
				buf_addf(b, ",\"sla\":\"%s\"", sla_state(s->cfg,
				    x->q->clock == VIEW_CLOCK_BUSINESS ?
				    r->biz : r->cal));
		}
		buf_addc(b, '}');
	}
	buf_lit(b, "]}\n");
}

/* How list_page() renders: the conversations page, the queue page (HTML)
 * or either as JSON. */
enum list_fmt {
	LIST_HTML,
	LIST_QUEUE_HTML,
	LIST_JSON,
};

/* The list of metric for q, rendered as fmt into b; see view.h. */
static int
list_page(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, enum view_metric metric, enum list_fmt fmt,
    struct buf *b, struct err *err)
{
	struct vctx	x;
	struct list	l;
	int		r;

	if ((r = list_compute(s, sc, q, metric, &x, &l, err)) != 0)
		return r;
	if (fmt == LIST_JSON)
		list_json(b, &x, &l);
	else
		list_html(b, &x, &l, fmt == LIST_QUEUE_HTML);
	free(l.rows);
	return 0;
}

int
view_conversations_html(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	return list_page(s, sc, q, q->metric, LIST_HTML, b, err);
}

int
view_conversations_json(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	return list_page(s, sc, q, q->metric, LIST_JSON, b, err);
}

int
view_queue_html(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	return list_page(s, sc, q, VIEW_M_AWAITING, LIST_QUEUE_HTML, b, err);
}

int
view_queue_json(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	return list_page(s, sc, q, VIEW_M_AWAITING, LIST_JSON, b, err);
}

/* ---- One conversation -------------------------------------------------- */

static int
visible(const struct view_snap *s, size_t g, uint32_t conv)
{
	const struct vgroup	*vg = &s->g[g];
	uint32_t		 lo = 0, hi = vg->nvis, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vg->vis[mid] < conv)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < vg->nvis && vg->vis[lo] == conv;
}

/* The conversation of q->id when the caller may see it. */
static int
conv_resolve(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct vctx *x, uint32_t *conv,
    struct err *err)
{
	int	r;

	if ((r = vq_prepare(s, sc, q, x, err)) != 0)
		return r;
	if (q->id == 0)
		return err_set(err, ERR_USAGE, "query parameter id: missing");
	if ((*conv = vsnap_conv_find(s, q->id)) == VNONE)
		return VIEW_NOT_FOUND;
	if (x->vs.all)
		return 0;
	for (size_t g = 1; g < s->ng; g++)
		if (vq_allowed(s, &x->vs, g) && visible(s, g, *conv))
			return 0;
	return VIEW_NOT_FOUND;
}

static const char *
direction(const struct vmsg *m)
{
	if (m->agent >= 0)
		return "outbound";
	if (m->flags & VM_INTERNAL)
		return "internal";
	return "inbound";
}

/* The wait open at the end of the period in conversation c, or NULL. */
static const struct vspan *
open_wait(const struct vctx *x, uint32_t c)
{
	const struct vgroup	*vg = &x->s->g[x->g];

	const struct vspan	*found = NULL;
	uint32_t		 nopen, *open;

	nopen = vspan_open(vg, x->p.at, &open);
	for (uint32_t k = 0; k < nopen && found == NULL; k++)
		if (vg->spans[open[k]].conv == c)
			found = &vg->spans[open[k]];
	free(open);
	return found;
}

int
view_conversation_html(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx		 x;
	uint32_t		 c;
	const struct vspan	*w;
	const struct vgroup	*vg;
	int			 r;

	if ((r = conv_resolve(s, sc, q, &x, &c, err)) != 0)
		return r;
	vg = &s->g[x.g];
	buf_addf(b, "<section class=\"rt-conversation\"><h2>Conversation %"
	    PRId64 "</h2><p class=\"rt-subject\">", s->conv_id[c]);
	subject_html(b, s, s->conv_msgs[s->conv_off[c]]);
	buf_lit(b, "</p><p class=\"rt-group\">Reply times of ");
	vh_esc_c(b, vq_group_label(s, x.g));
	buf_lit(b, ".</p>");
	if ((w = open_wait(&x, c)) != NULL) {
		buf_addf(b, "<p class=\"rt-awaiting rt-sla-%s\">Awaiting a "
		    "reply since ", sla_state(s->cfg, x.p.at - w->since));
		time_html(b, s, w->since);
		buf_lit(b, " (");
		vh_dur(b, x.p.at - w->since);
		buf_lit(b, ").</p>");
	}
	buf_lit(b, "<table class=\"rt-table rt-messages\"><thead><tr>"
	    "<th scope=\"col\">Time</th><th scope=\"col\">Sender</th>"
	    "<th scope=\"col\">Direction</th><th scope=\"col\">Subject</th>"
	    "<th scope=\"col\">Reply time</th><th scope=\"col\">Business "
	    "hours</th></tr></thead><tbody>");
	for (uint32_t j = s->conv_off[c]; j < s->conv_off[c + 1]; j++) {
		uint32_t		 i = s->conv_msgs[j];
		const struct vmsg	*m = &s->m[i];
		int64_t			 k = vfig_find_sample(&vg->rep, s, i);
		int64_t			 f = vfig_find_sample(&vg->fr, s, i);

		buf_addf(b, "<tr id=\"m%" PRId64 "\" class=\"rt-%s%s\"><td>",
		    m->seq, direction(m), m->flags & VM_AUTO ?
		    " rt-automated" : "");
		if (m->flags & VM_DATED)
			time_html(b, s, m->t);
		else
			buf_lit(b, "<span class=\"rt-unknown\">undated</span>");
		buf_lit(b, "</td><td>");
		addr_html(b, s, i);
		buf_addf(b, "</td><td>%s%s</td><td>", direction(m),
		    m->flags & VM_AUTO ? ", automated" : "");
		subject_html(b, s, i);
		buf_lit(b, "</td><td>");
		if (k >= 0) {
			vh_dur(b, vg->rep.cal[k]);
			buf_addf(b, " <a href=\"#m%" PRId64 "\">to this</a>",
			    s->m[vg->rep.from[k]].seq);
		}
		if (f >= 0) {
			buf_lit(b, " <span class=\"rt-first\">first reply: ");
			vh_dur(b, vg->fr.cal[f]);
			buf_lit(b, "</span>");
		}
		buf_lit(b, "</td><td>");
		if (k >= 0)
			vh_dur(b, vg->rep.biz[k]);
		buf_lit(b, "</td></tr>");
	}
	buf_lit(b, "</tbody></table></section>\n");
	return 0;
}

int
view_conversation_json(const struct view_snap *s, const struct view_scope *sc,
    const struct view_query *q, struct buf *b, struct err *err)
{
	struct vctx		 x;
	uint32_t		 c;
	const struct vspan	*w;
	const struct vgroup	*vg;
	struct buf		 gn;
	char			 iso[40];
	int			 r;

	if ((r = conv_resolve(s, sc, q, &x, &c, err)) != 0)
		return r;
	vg = &s->g[x.g];
	buf_init(&gn, 0);
	vq_group_name(s, x.g, &gn);
	buf_addf(b, "{\"conversation\":%" PRId64 ",\"group\":", s->conv_id[c]);
	json_add_str(b, buf_str(&gn));
	buf_free(&gn);
	buf_lit(b, ",\"awaiting\":");
	if ((w = open_wait(&x, c)) != NULL) {
		civil_fmt_iso(w->since, iso, sizeof(iso));
		buf_addf(b, "{\"since\":\"%s\",\"wait\":%" PRId64 ",\"message\":%"
		    PRId64 "}", iso, x.p.at - w->since,
		    s->m[w->since_msg].seq);
	} else
		buf_lit(b, "null");
	buf_lit(b, ",\"messages\":[");
	for (uint32_t j = s->conv_off[c]; j < s->conv_off[c + 1]; j++) {
		uint32_t		 i = s->conv_msgs[j];
		const struct vmsg	*m = &s->m[i];
		int64_t			 k = vfig_find_sample(&vg->rep, s, i);
		int64_t			 f = vfig_find_sample(&vg->fr, s, i);

		buf_addf(b, "%s{\"message\":%" PRId64 ",\"time\":",
		    j > s->conv_off[c] ? "," : "", m->seq);
		if (m->flags & VM_DATED) {
			civil_fmt_iso(m->t, iso, sizeof(iso));
			buf_addf(b, "\"%s\"", iso);
		} else
			buf_lit(b, "null");
		buf_lit(b, ",\"sender\":");
		json_add_str_or_null(b, m->sender == VNONE ? STR_NULL :
		    intern_str(s->addrs, m->sender));
		buf_addf(b, ",\"direction\":\"%s\",\"automated\":%s,"
		    "\"subject\":", direction(m), m->flags & VM_AUTO ? "true" :
		    "false");
		json_add_str_or_null(b, m->subject == VNONE ? STR_NULL :
		    intern_str(s->subjects, m->subject));
		buf_lit(b, ",\"reply\":");
		if (k >= 0)
			buf_addf(b, "{\"to\":%" PRId64 ",\"calendar\":%" PRId64
			    ",\"business\":%" PRId64 "}",
			    s->m[vg->rep.from[k]].seq, vg->rep.cal[k],
			    vg->rep.biz[k]);
		else
			buf_lit(b, "null");
		buf_lit(b, ",\"first_reply\":");
		if (f >= 0)
			buf_addf(b, "{\"calendar\":%" PRId64 ",\"business\":%"
			    PRId64 "}", vg->fr.cal[f], vg->fr.biz[f]);
		else
			buf_lit(b, "null");
		buf_addc(b, '}');
	}
	buf_lit(b, "]}\n");
	return 0;
}

/* ---- Pages by name ---------------------------------------------------------- */

view_page_fn
view_page_find(const char *name, int json)
{
	static const struct {
		const char	*name;
		view_page_fn	 html, json;
	} pages[] = {
		{ "overview", view_overview_html, view_overview_json },
		{ "groups", view_groups_html, view_groups_json },
		{ "domains", view_domains_html, view_domains_json },
		{ "queue", view_queue_html, view_queue_json },
		{ "conversations", view_conversations_html,
		    view_conversations_json },
		{ "conversation", view_conversation_html,
		    view_conversation_json },
	};

	for (size_t i = 0; i < nitems(pages); i++)
		if (strcmp(pages[i].name, name) == 0)
			return json ? pages[i].json : pages[i].html;
	return NULL;
}
