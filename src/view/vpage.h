/*
 * vpage.h: what the page renderers of src/view share: a request resolved
 * against a snapshot (period, scope, group) and the HTML and URL helpers.
 * Not part of the interface.
 */
#ifndef RT_VPAGE_H
#define RT_VPAGE_H

#include "../base/json.h"
#include "view_priv.h"

/* A period in the tenant's zone, its previous period of equal length. */
struct vperiod {
	int64_t		 from_day, to_day, ndays;	/* local days */
	int64_t		 from, to;		/* instants, to exclusive */
	int64_t		 prev_from, prev_to;
	int64_t		 at, prev_at;		/* awaiting is taken at */
	int64_t		 now;
	enum view_gran	 gran;			/* day or week */
};

struct vscope {
	int		 all;
	int32_t		 agent;
};

/* One request. */
struct vctx {
	const struct view_snap	*s;
	const struct view_query	*q;
	struct vscope		 vs;
	size_t			 g;		/* the group asked for */
	struct vperiod		 p;
};

/* query.c */
int	vq_prepare(const struct view_snap *s, const struct view_scope *sc,
	    const struct view_query *q, struct vctx *x, struct err *err);
int	vq_period(const struct view_snap *s, const struct view_query *q,
	    struct vperiod *p, struct err *err);
int	vq_scope(const struct view_snap *s, const struct view_scope *sc,
	    struct vscope *out);
int	vq_allowed(const struct view_snap *s, const struct vscope *vs,
	    size_t g);
int	vq_group(const struct view_snap *s, const struct vscope *vs,
	    const char *name, size_t *g);
/* "all", "team:NAME" or "agent:ADDR" (the group= value) into out. */
void	vq_group_name(const struct view_snap *s, size_t g, struct buf *out);
/* The name alone (borrowed from the configuration). */
const char *vq_group_label(const struct view_snap *s, size_t g);
void	vq_group_schedule(const struct view_snap *s, size_t g,
	    const struct config_schedule **sched,
	    const struct config_ranges **leave);
int64_t	vq_day_start(const struct view_snap *s, int64_t day);
int64_t	vq_local_day(const struct view_snap *s, int64_t t);
int	vq_hour_of_week(const struct view_snap *s, int64_t t);
/* "2025-06-01" */
void	vq_fmt_day(int64_t day, char out[16]);
/* "2025-06-01T09:30:00+01:00" in the tenant's zone */
void	vq_fmt_local(const struct view_snap *s, int64_t t, char out[40]);

/* html.c */
/* Text for HTML content or a quoted attribute: & < > " ' escaped,
 * control bytes and invalid UTF-8 replaced by U+FFFD. */
void	vh_esc(struct buf *b, struct str s);
void	vh_esc_c(struct buf *b, const char *s);
/* "3h 12m" */
void	vh_dur(struct buf *b, int64_t secs);
/* A share as a percentage with one decimal: "62.5%" */
void	vh_pct(struct buf *b, int64_t num, int64_t den);
/* v with dec (0 to 3) decimals, exactly as snprintf's "%.*f". */
void	vh_fixed(struct buf *b, double v, int dec);
/* Percent-encodes s for a URL query value. */
void	vh_urlenc(struct buf *b, const char *s);

/*
 * A link: vl_start() writes '<a href="path?', vl_param() each name=value
 * (percent-encoded, joined by &amp;), vl_end() the closing '">'.  The
 * common parameters of a request (group, from, to, clock) come with
 * vl_common().
 */
void	vl_start(struct buf *b, const char *path);
void	vl_param(struct buf *b, const char *name, const char *value);
void	vl_param_i(struct buf *b, const char *name, int64_t v);
void	vl_common(struct buf *b, const struct vctx *x, size_t g);
void	vl_end(struct buf *b);
/* A GET form to path choosing the period (from, to) of the request's
 * group, keeping its clock and granularity. */
void	vh_period_form(struct buf *b, const struct vctx *x, const char *path);

/* json: "name": at the start of a member, with a comma unless first. */
void	vj_key(struct buf *b, int *first, const char *name);
/* A number as "%" PRId64 writes it, without printf. */
void	vj_i64(struct buf *b, int64_t v);
void	vj_int_or_null(struct buf *b, int has, int64_t v);

/* page_overview.c: JSON shared by the pages */
void	vj_period(struct buf *b, const struct vctx *x);
void	vj_group_figures(struct buf *b, const struct config *cfg,
	    const struct report_group *rg);

/* figures.c */
/* The per-domain figures of a group (domains page). */
struct vdomain_row {
	uint32_t	 d;
	int64_t		 received, replies, first_replies, awaiting;
	int64_t		 median, p90, fr_median;	/* -1: none */
};

/* Which reply-time sample of group g message msg is, or -1. */
int64_t	vfig_find_sample(const struct vsamples *v, const struct view_snap *s,
	    uint32_t msg);

#endif
