/*
 * view_priv.h: the snapshot of one tenant, shared by the files of
 * src/view (not part of the interface).
 *
 * Every array is in an order that turns a period into a range found by
 * binary search: samples and events by (time, message), awaiting spans
 * by (waiting since, conversation).  A second copy of each group's
 * reply and first-reply samples and received messages is ordered by
 * (customer domain, time), so one domain's period is a range too.
 */
#ifndef RT_VIEW_PRIV_H
#define RT_VIEW_PRIV_H

#include <stdint.h>

#include "../metric/config.h"
#include "../metric/engine.h"
#include "../metric/intern.h"
#include "rstat.h"
#include "view.h"

#define VNONE		UINT32_MAX
#define VBIZ_STEP	(7 * 86400)	/* seconds between kept sums */

/* One group's samples of one kind with status OK. */
struct vsamples {
	uint32_t	 n;
	int64_t		*t;		/* ascending */
	uint32_t	*msg, *from;
	int64_t		*cal, *biz;
	struct rstat	 rcal, rbiz;	/* over cal[], biz[] */
	/* The same by (domain of from's sender, time). */
	uint32_t	*d_off;		/* ndomains + 1 */
	int64_t		*d_t;
	struct rstat	 d_rcal, d_rbiz;
	/* Excluded samples: their times, ascending. */
	uint32_t	 nneg, nout;
	int64_t		*tneg, *tout;
};

/* Messages counted for a group (received or sent), by time. */
struct vevents {
	uint32_t	 n;
	int64_t		*t;
	uint32_t	*msg;
	uint8_t		*how;		/* received only: local hour of
					 * the week, 0 = Monday 00h */
	uint32_t	*d_off;		/* received only: by domain, */
	int64_t		*d_t;		/* then time */
	uint32_t	*d_msg;
};

struct vspan {
	int64_t		 since, from, to;
	uint32_t	 conv, since_msg;
	uint32_t	 domain;	/* of since_msg's sender, or VNONE */
};

struct vgroup {
	struct vsamples	 rep, fr;
	struct vevents	 recv, sent;
	uint32_t	 nspans;
	struct vspan	*spans;		/* by (since, conv) */
	/* Trees over the spans (leaves: span_leaves, a power of two;
	 * node 1 the root): the latest to and the earliest from under
	 * each node, to find the spans open at an instant without walking
	 * the others (vspan_next). */
	uint32_t	 span_leaves;
	int64_t		*span_maxto;	/* 2 * span_leaves */
	int64_t		*span_minfrom;	/* 2 * span_leaves */
	/* Every span's from, and every to, ascending (nspans each): the
	 * spans open at t number #(from <= t) - #(to <= t).  span_by_to
	 * is the spans' order by to: span_tos[k] is span_by_to[k]'s. */
	int64_t		*span_froms, *span_tos;
	uint32_t	*span_by_to;
	/* The same count by customer domain, for the domains table: the
	 * spans that can be open at some instant (the later of since and
	 * from before to) and whose waiting message has a domain.  In
	 * domain d's slice [aw_off[d], aw_off[d + 1]), aw_open holds the
	 * instants they open (that later one), ascending, and aw_end
	 * their ends, ascending; those open at t number #(aw_open <= t) -
	 * #(aw_end <= t). */
	uint32_t	*aw_off;	/* ndomains + 2 */
	int64_t		*aw_open, *aw_end;
	/* Business seconds from biz_t0 to biz_t0 + k * VBIZ_STEP, for
	 * k < nbiz (0: none kept), so that a long wait's business time
	 * costs two short calls of biz_secs (vfig_biz). */
	int64_t		 biz_t0;
	uint32_t	 nbiz;
	int64_t		*biz_cum;
	uint32_t	 nvis;
	uint32_t	*vis;		/* visible conversations, ascending */
};

enum {
	VM_DATED	= 1 << 0,
	VM_AUTO		= 1 << 1,
	VM_USABLE	= 1 << 2,
	VM_INTERNAL	= 1 << 3,
};

struct vmsg {
	int64_t		 t;
	int64_t		 seq;		/* the store's row */
	uint32_t	 conv;
	uint32_t	 sender;	/* in addrs, or VNONE */
	uint32_t	 subject;	/* in subjects, or VNONE */
	uint32_t	 parent;	/* usable parent, or VNONE */
	int32_t		 agent;
	uint8_t		 flags;
	uint8_t		 how;		/* local hour of the week */
};

struct view_snap {
	/* Set by the cache under its mutex. */
	struct view_cache	*cache;		/* NULL: not from a cache */
	uint64_t		 generation;
	unsigned		 refs;

	struct config		*cfg;		/* owned */
	const struct tz		*zone;		/* borrowed from cfg; NULL: UTC */
	struct report		*totals;	/* owned: whole-history run */
	size_t			 ng, nteams;
	struct vgroup		*g;		/* owned: ng */
	uint32_t		 nmsg, nconv;
	struct vmsg		*m;		/* owned: nmsg */
	uint32_t		*conv_off;	/* nconv + 1 */
	uint32_t		*conv_msgs;	/* each conversation's messages
						 * by (dated, time, index) */
	int64_t			*conv_id;	/* nconv: the public number,
						 * the store row of its first
						 * message; ascending */
	int64_t			 first_t, last_t;	/* usable messages */
	int			 empty;
	struct intern		*addrs;		/* display addresses */
	uint32_t		*addr_domain;	/* per address: in domains */
	struct intern		*subjects;
	struct intern		*domains;	/* customer domains */
	size_t			 bytes;
};

/* cache_load.c */
int	vsnap_build(const char *db, const char *key_file, const char *tenant,
	    struct view_snap **out, struct err *err);
void	vsnap_free(struct view_snap *s);

/* The domain of message i's sender, or VNONE. */
uint32_t vsnap_domain_of(const struct view_snap *s, uint32_t msg);

/* The conversation with public number id, or VNONE. */
uint32_t vsnap_conv_find(const struct view_snap *s, int64_t id);

/* figures.c: one group's report figures over [from, to) at now. */
void	vfig_group(const struct view_snap *s, size_t g, int64_t from,
	    int64_t to, int64_t now, struct report_group *out);
/* Frees the within_n arrays of a group's figures. */
void	vfig_group_free(struct report_group *rg);
/* The first index of a time array with t[i] >= x. */
uint32_t vfig_lower(const int64_t *t, uint32_t n, int64_t x);
/* The first index of a time array with t[i] > x: how many are <= x. */
uint32_t vfig_upper(const int64_t *t, uint32_t n, int64_t x);
/* The spans of group g open at t whose waiting message is from domain d
 * (d < the number of domains), as vspan_open() counts them. */
uint32_t vfig_awaiting_in(const struct vgroup *vg, uint32_t d, int64_t t);
/* The first span of group vg at index i or later that is open at t
 * (since <= t, from <= t < to), in the spans' order; vg->nspans if
 * none.  O(log n) per span found. */
uint32_t vspan_next(const struct vgroup *vg, int64_t t, uint32_t i);
/* The spans of vg open at t, in the spans' order: their indices into
 * *out (allocated; the caller frees it); returns how many.  Walks the
 * spans ending after t only. */
uint32_t vspan_open(const struct vgroup *vg, int64_t t, uint32_t **out);
/* biz_secs(a, b) under group g's schedule and leave, through the kept
 * sums (biz_secs is additive: the same result). */
int64_t	vfig_biz(const struct view_snap *s, size_t g, int64_t a, int64_t b);
/* Awaiting at now: the count and the oldest wait (spans of group g,
 * optionally only those whose waiting message is from domain d). */
void	vfig_awaiting(const struct view_snap *s, size_t g, int64_t now,
	    uint32_t d, int64_t *count, int64_t *oldest);

#endif
