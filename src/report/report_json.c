/*
 * report_json.c: the JSON report of metrics spec section 12.
 *
 * Key order is fixed (as listed in the spec) so the output is byte for
 * byte the same for the same input and settings; every string goes
 * through json_add_str.
 */
#include <inttypes.h>
#include <stdio.h>

#include "../base/civil.h"
#include "../base/json.h"
#include "report.h"

static const char *const time_sources[] = { "date", "received" };
static const char *const clock_starts[] = { "parent", "oldest-unanswered" };
static const char *const visibilities[] = { "addressed", "all" };
static const char *const kinds[] = { "all", "team", "agent" };

void
report_share(int64_t num, int64_t den, char *out, size_t size)
{
	int64_t	e4, frac;
	int	digits = 4;

	/* Nearest 1/10000, halves away from zero (num, den >= 0). */
	e4 = (num * 20000 + den) / (2 * den);
	frac = e4 % 10000;
	while (digits > 1 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(out, size, "%" PRId64 ".%0*" PRId64, e4 / 10000, digits,
	    frac);
}

static void
add_iso(struct buf *b, int64_t t)
{
	char	iso[40];

	civil_fmt_iso(t, iso, sizeof(iso));
	buf_addc(b, '"');
	buf_puts(b, iso);
	buf_addc(b, '"');
}

static void
add_stats(struct buf *b, const struct config *cfg, int64_t count,
    const struct report_stats *st)
{
	const struct config_secs	*sla = &cfg->rules.sla_targets;
	char				 share[32];

	if (count == 0)
		buf_puts(b, "{\"mean\":null,\"median\":null,\"p90\":null,"
		    "\"min\":null,\"max\":null,\"within\":{");
	else
		buf_addf(b, "{\"mean\":%" PRId64 ",\"median\":%" PRId64
		    ",\"p90\":%" PRId64 ",\"min\":%" PRId64 ",\"max\":%" PRId64
		    ",\"within\":{", st->mean, st->median, st->p90, st->min,
		    st->max);
	for (size_t t = 0; t < sla->n; t++) {
		buf_addf(b, "%s\"%" PRId64 "\":", t ? "," : "", sla->v[t]);
		if (count == 0)
			buf_puts(b, "null");
		else {
			report_share(st->within_n[t], count, share,
			    sizeof(share));
			buf_puts(b, share);
		}
	}
	buf_puts(b, "}}");
}

static void
add_kind(struct buf *b, const struct config *cfg, const char *key,
    const struct report_kind *k, int with_negative)
{
	buf_addf(b, "\"%s\":{\"count\":%" PRId64, key, k->count);
	if (with_negative)
		buf_addf(b, ",\"negative\":%" PRId64, k->negative);
	buf_addf(b, ",\"outliers\":%" PRId64 ",\"calendar\":", k->outliers);
	add_stats(b, cfg, k->count, &k->cal);
	buf_puts(b, ",\"business\":");
	add_stats(b, cfg, k->count, &k->biz);
	buf_addc(b, '}');
}

static void
add_rules(struct buf *b, const struct config_rules *ru)
{
	buf_addf(b, "\"rules\":{\"time_source\":\"%s\",\"clock_start\":\"%s\","
	    "\"exclude_internal\":%s,\"exclude_lists\":%s,\"visibility\":"
	    "\"%s\",\"count_cc\":%s,\"outlier_cap\":%" PRId64
	    ",\"sla_targets\":[", time_sources[ru->time_source],
	    clock_starts[ru->clock_start],
	    ru->exclude_internal ? "true" : "false",
	    ru->exclude_lists ? "true" : "false",
	    visibilities[ru->visibility], ru->count_cc ? "true" : "false",
	    ru->outlier_cap);
	for (size_t t = 0; t < ru->sla_targets.n; t++)
		buf_addf(b, "%s%" PRId64, t ? "," : "", ru->sla_targets.v[t]);
	buf_puts(b, "]}");
}

void
report_json(const struct report *r, struct buf *b)
{
	buf_puts(b, "{\"spec\":1,\"period\":{\"from\":");
	add_iso(b, r->from);
	buf_puts(b, ",\"to\":");
	add_iso(b, r->to);
	buf_puts(b, ",\"now\":");
	add_iso(b, r->now);
	buf_puts(b, "},");
	add_rules(b, &r->cfg->rules);
	buf_addf(b, ",\"totals\":{\"messages\":%" PRId64 ",\"duplicates\":%"
	    PRId64 ",\"undated\":%" PRId64 ",\"automated\":%" PRId64
	    ",\"conversations\":%" PRId64 "},\"groups\":[", r->messages,
	    r->duplicates, r->undated, r->automated, r->conversations);
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct report_group *g = &r->groups[i];

		buf_addf(b, "%s{\"kind\":\"%s\",\"name\":", i ? "," : "",
		    kinds[g->kind]);
		json_add_str(b, str_cstr(g->name));
		buf_addc(b, ',');
		add_kind(b, r->cfg, "replies", &g->replies, 1);
		buf_addc(b, ',');
		add_kind(b, r->cfg, "first_reply", &g->first_reply, 0);
		buf_addf(b, ",\"awaiting\":{\"count\":%" PRId64
		    ",\"oldest_secs\":", g->awaiting);
		if (g->awaiting > 0)
			buf_addf(b, "%" PRId64, g->oldest_secs);
		else
			buf_puts(b, "null");
		buf_addf(b, "},\"volume\":{\"received\":%" PRId64 ",\"sent\":%"
		    PRId64 "}}", g->received, g->sent);
	}
	buf_puts(b, "]}\n");
}
