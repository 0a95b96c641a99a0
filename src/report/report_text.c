/*
 * report_text.c: the report as a table a manager can read at a glance,
 * and as CSV (one row per group).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/json.h"
#include "report.h"

static const char *const kinds[] = { "all", "team", "agent" };

void
report_duration(int64_t s, char *out, size_t size)
{
	static const struct {
		int64_t		secs;
		const char	*unit;
	} units[] = {
		{ 86400, "d" }, { 3600, "h" }, { 60, "m" }, { 1, "s" },
	};
	const char	*sign = s < 0 ? "-" : "";
	size_t		 i;

	if (s < 0)
		s = -s;
	for (i = 0; i < nitems(units) - 1 && s < units[i].secs; i++)
		;
	if (i + 1 < nitems(units) && s % units[i].secs != 0 &&
	    (s % units[i].secs) / units[i + 1].secs > 0)
		snprintf(out, size, "%s%" PRId64 "%s %" PRId64 "%s", sign,
		    s / units[i].secs, units[i].unit,
		    (s % units[i].secs) / units[i + 1].secs, units[i + 1].unit);
	else
		snprintf(out, size, "%s%" PRId64 "%s", sign, s / units[i].secs,
		    units[i].unit);
}

/* UTF-8 characters (not bytes) in s[0..n). */
static size_t
width(const char *s, size_t n)
{
	size_t	w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/*
 * name left-aligned in w columns; a longer one is cut, between UTF-8
 * characters, and ends in an ellipsis so that the cut shows.
 */
static void
cell_name(struct buf *b, const char *name, size_t w)
{
	size_t	n = strlen(name), shown;

	if (width(name, n) > w) {
		for (n = 0, shown = 0; shown < w - 1; shown++)
			do
				n++;
			while (((unsigned char)name[n] & 0xc0) == 0x80);
		buf_add(b, name, n);
		buf_puts(b, "\xe2\x80\xa6");	/* U+2026 */
		return;
	}
	buf_add(b, name, n);
	for (shown = width(name, n); shown < w; shown++)
		buf_addc(b, ' ');
}

static void
cell_dur(struct buf *b, int have, int64_t v, int width)
{
	char	d[32];

	if (have)
		report_duration(v, d, sizeof(d));
	else
		snprintf(d, sizeof(d), "-");
	buf_addf(b, "%*s", width, d);
}

static void
cell_pct(struct buf *b, int64_t num, int64_t den, int width)
{
	if (den == 0)
		buf_addf(b, "%*s", width, "-");
	else
		buf_addf(b, "%*" PRId64 "%%", width - 1,
		    (num * 200 + den) / (2 * den));
}

void
report_text(const struct report *r, struct buf *b)
{
	const struct config_secs	*sla = &r->cfg->rules.sla_targets;
	const struct config_rules	*ru = &r->cfg->rules;
	char				 from[40], to[40], now[40], d[32];

	civil_fmt_iso(r->from, from, sizeof(from));
	civil_fmt_iso(r->to, to, sizeof(to));
	civil_fmt_iso(r->now, now, sizeof(now));
	buf_addf(b, "Reply times from %s to %s (awaiting as of %s)\n", from,
	    to, now);
	buf_addf(b, "%" PRId64 " messages in %" PRId64 " conversations; "
	    "%" PRId64 " automated, %" PRId64 " undated, %" PRId64
	    " duplicates left out.\n", r->messages, r->conversations,
	    r->automated, r->undated, r->duplicates);
	buf_addf(b, "Clock starts at the %s; internal mail %s; lists %s.\n\n",
	    ru->clock_start == CONFIG_CLOCK_PARENT ? "message replied to" :
	    "oldest unanswered message",
	    ru->exclude_internal ? "left out" : "counted",
	    ru->exclude_lists ? "left out" : "counted");
	buf_addf(b, "%-36s %7s %9s %9s %9s %9s", "group", "replies",
	    "median", "p90", "biz med", "biz p90");
	for (size_t t = 0; t < sla->n; t++) {
		report_duration(sla->v[t], d, sizeof(d));
		buf_addf(b, " %6s", d);
	}
	buf_addf(b, " %9s %8s %9s %8s %7s\n", "1st reply", "awaiting",
	    "oldest", "received", "sent");
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct report_group	*g = &r->groups[i];
		const struct report_kind	*k = &g->replies;
		char				 name[160];

		snprintf(name, sizeof(name), "%s%s%.*s",
		    g->kind == GROUP_ALL ? "" : kinds[g->kind],
		    g->kind == GROUP_ALL ? "" : " ",
		    g->kind == GROUP_ALL ? 3 : 120, g->name);
		cell_name(b, name, 36);
		buf_addf(b, " %7" PRId64, k->count);
		cell_dur(b, k->count > 0, k->cal.median, 10);
		cell_dur(b, k->count > 0, k->cal.p90, 10);
		cell_dur(b, k->count > 0, k->biz.median, 10);
		cell_dur(b, k->count > 0, k->biz.p90, 10);
		for (size_t t = 0; t < sla->n; t++)
			cell_pct(b, k->count ? k->cal.within_n[t] : 0,
			    k->count, 7);
		cell_dur(b, g->first_reply.count > 0,
		    g->first_reply.cal.median, 10);
		buf_addf(b, " %8" PRId64, g->awaiting);
		cell_dur(b, g->awaiting > 0, g->oldest_secs, 10);
		buf_addf(b, " %8" PRId64 " %7" PRId64 "\n", g->received,
		    g->sent);
	}
	buf_puts(b, "\nmedian and p90 are calendar time; \"biz\" counts "
	    "business hours only; the SLA\ncolumns give the share of replies "
	    "within each target; 1st reply is the median\nfirst reply time "
	    "per conversation.\n");
}

static void
csv_stats(struct buf *b, int64_t count, const struct report_stats *st,
    size_t nsla)
{
	char	share[32];

	if (count == 0) {
		buf_puts(b, ",,,,,");
		for (size_t t = 0; t < nsla; t++)
			buf_addc(b, ',');
		return;
	}
	buf_addf(b, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%"
	    PRId64, st->mean, st->median, st->p90, st->min, st->max);
	for (size_t t = 0; t < nsla; t++) {
		report_share(st->within_n[t], count, share, sizeof(share));
		buf_addf(b, ",%s", share);
	}
}

void
report_csv(const struct report *r, struct buf *b)
{
	const struct config_secs	*sla = &r->cfg->rules.sla_targets;
	static const char *const	 parts[] = {
		"replies_calendar", "replies_business",
		"first_reply_calendar", "first_reply_business",
	};
	static const char *const	 stats[] = {
		"mean", "median", "p90", "min", "max",
	};

	buf_puts(b, "kind,name,replies,replies_negative,replies_outliers,"
	    "first_reply,first_reply_outliers");
	for (size_t p = 0; p < nitems(parts); p++) {
		for (size_t s = 0; s < nitems(stats); s++)
			buf_addf(b, ",%s_%s", parts[p], stats[s]);
		for (size_t t = 0; t < sla->n; t++)
			buf_addf(b, ",%s_within_%" PRId64, parts[p],
			    sla->v[t]);
	}
	buf_puts(b, ",awaiting,awaiting_oldest_secs,received,sent\n");
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct report_group *g = &r->groups[i];

		buf_addf(b, "%s,", kinds[g->kind]);
		csv_add_field(b, str_cstr(g->name));
		buf_addf(b, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
		    ",%" PRId64, g->replies.count, g->replies.negative,
		    g->replies.outliers, g->first_reply.count,
		    g->first_reply.outliers);
		csv_stats(b, g->replies.count, &g->replies.cal, sla->n);
		csv_stats(b, g->replies.count, &g->replies.biz, sla->n);
		csv_stats(b, g->first_reply.count, &g->first_reply.cal,
		    sla->n);
		csv_stats(b, g->first_reply.count, &g->first_reply.biz,
		    sla->n);
		buf_addf(b, ",%" PRId64 ",", g->awaiting);
		if (g->awaiting > 0)
			buf_addf(b, "%" PRId64, g->oldest_secs);
		buf_addf(b, ",%" PRId64 ",%" PRId64 "\n", g->received,
		    g->sent);
	}
}
