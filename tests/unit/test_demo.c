/*
 * test_demo.c: the demo-data generator (src/report/demo*.c).
 *
 * The output is checked through the project's own readers: every message
 * is split by the mbox reader (source_scan) and parsed by meta_parse, and
 * the configuration by config_parse; the duty hours the generator uses
 * are compared with the schedules the configuration says, evaluated here
 * independently.  Bands on shares are wide enough for any seed and tight
 * enough to catch a broken model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/civil.h"
#include "base/xmalloc.h"
#include "ingest/source.h"
#include "mail/meta.h"
#include "metric/config.h"
#include "metric/tz.h"
#include "report/demo.h"
#include "report/demo_priv.h"
#include "t.h"

/* A sink that hashes (FNV-1a), counts and optionally keeps the bytes. */
struct sink {
	uint64_t	 hash;
	uint64_t	 bytes;
	uint64_t	 envelopes;	/* lines starting "From " */
	int		 at_bol;
	struct buf	*keep;
	int		 fail_after;	/* fail on call n (from 1); 0 never */
	int		 calls;
};

static void
sink_init(struct sink *s, struct buf *keep)
{
	memset(s, 0, sizeof(*s));
	s->hash = 0xcbf29ce484222325ULL;
	s->at_bol = 1;
	s->keep = keep;
}

static int
sink_write(void *arg, const char *p, size_t len, struct err *err)
{
	struct sink	*s = arg;

	if (++s->calls == s->fail_after)
		return err_set(err, ERR_IO, "test sink: refused");
	for (size_t i = 0; i < len; i++) {
		s->hash = (s->hash ^ (unsigned char)p[i]) *
		    0x100000001b3ULL;
		if (s->at_bol && len - i >= 5 && memcmp(p + i, "From ", 5) == 0)
			s->envelopes++;
		s->at_bol = p[i] == '\n';
	}
	s->bytes += len;
	if (s->keep != NULL)
		buf_add(s->keep, p, len);
	return 0;
}

static int
run(uint64_t n, uint64_t seed, struct sink *s, struct demo_stats *st)
{
	struct demo_opts	o = { .messages = n, .seed = seed };
	struct err		err;

	return demo_mbox(&o, sink_write, s, st, &err);
}

static void
test_determinism(void)
{
	struct sink		a, b, c;
	struct demo_stats	sa, sb, sc;

	sink_init(&a, NULL);
	sink_init(&b, NULL);
	sink_init(&c, NULL);
	t_eq_i64(run(3000, 1, &a, &sa), 0, "run a");
	t_eq_i64(run(3000, 1, &b, &sb), 0, "run b");
	t_eq_i64(run(3000, 2, &c, &sc), 0, "run c");
	t_ok(a.hash == b.hash && a.bytes == b.bytes, "same seed, same bytes");
	t_ok(memcmp(&sa, &sb, sizeof(sa)) == 0, "same stats");
	t_ok(a.hash != c.hash, "another seed, other bytes");
	t_eq_i64(sa.bytes, a.bytes, "stats count the bytes");
	t_ok(a.bytes > 3000 * 400 && a.bytes < 3000 * 1500,
	    "about 400-1500 bytes a message (%llu)",
	    (unsigned long long)a.bytes);
}

static void
test_count(void)
{
	static const uint64_t	ns[] = { 1, 2, 3, 57, 400, 5000, 12345 };

	for (size_t i = 0; i < nitems(ns); i++) {
		struct sink		s;
		struct demo_stats	st;
		int64_t			start, end;

		sink_init(&s, NULL);
		t_eq_i64(run(ns[i], 42, &s, &st), 0, "run %llu",
		    (unsigned long long)ns[i]);
		t_eq_i64(s.envelopes, ns[i], "envelopes of %llu",
		    (unsigned long long)ns[i]);
		t_eq_i64(st.messages, ns[i], "stats of %llu",
		    (unsigned long long)ns[i]);
		demo_period(ns[i], &start, &end);
		t_ok(st.first_date >= start && st.last_date < end,
		    "dates in the period (%llu)", (unsigned long long)ns[i]);
	}
}

static void
test_period(void)
{
	int64_t	start, end, e = civil_to_days(2025, 7, 1) * 86400;

	demo_period(2000, &start, &end);
	t_eq_i64(end, e, "ends on 1 July 2025");
	t_eq_i64(end - start, 30 * 86400, "at least 30 days");
	demo_period(1000000, &start, &end);
	t_eq_i64(end - start, 2500 * 86400, "N / 400 days");
	demo_period(DEMO_MESSAGES_MAX, &start, &end);
	t_eq_i64(end - start, 3650 * 86400, "at most 10 years");
}

static void
test_errors(void)
{
	struct demo_opts	o = { .messages = 0, .seed = 1 };
	struct sink		s;
	struct buf		b;
	struct err		err;

	sink_init(&s, NULL);
	t_eq_i64(demo_mbox(&o, sink_write, &s, NULL, &err), -1, "0 messages");
	t_eq_i64(err.code, ERR_USAGE, "usage error");
	o.messages = DEMO_MESSAGES_MAX + 1;
	t_eq_i64(demo_mbox(&o, sink_write, &s, NULL, &err), -1, "too many");
	buf_init(&b, 0);
	t_eq_i64(demo_config(&o, &b, &err), -1, "config: too many");
	buf_free(&b);
	t_eq_i64(s.bytes, 0, "nothing written");

	/* A failing sink stops the generator with its error. */
	o.messages = 20000;
	sink_init(&s, NULL);
	s.fail_after = 2;
	t_eq_i64(demo_mbox(&o, sink_write, &s, NULL, &err), -1, "sink fails");
	t_eq_i64(err.code, ERR_IO, "sink's code");
	t_ok(strstr(err.msg, "test sink") != NULL, "sink's message");
	t_eq_i64(s.calls, 2, "no call after the failure");
}

/* ---- the messages, through the project's readers ---- */

struct check {
	struct meta_parser	*mp;
	int64_t			 start, end;
	uint64_t		 n, dated, from, msgid, bad, in_period;
	uint64_t		 automated, replies, refs, cc, internal;
	uint64_t		 nonascii_subject, nonascii_name, lists;
	uint64_t		 null_return, auto_submitted, disorder;
	uint64_t		 unordered_received;
	int64_t			 last_received, last_date;
	char			**ids;
	size_t			 nids;
};

static int
on_msg(void *arg, const struct source_msg *sm, struct err *err)
{
	struct check	*c = arg;
	struct msg_meta	 m;

	meta_parse(c->mp, sm->hdr, &m);
	c->n++;
	c->dated += m.has_date;
	c->from += m.from.n > 0;
	c->msgid += m.message_id.p != NULL;
	c->bad += m.bad_flags != 0 || sm->flags != 0;
	c->in_period += m.has_date && m.date >= c->start && m.date < c->end;
	c->automated += m.auto_flags != 0;
	c->replies += m.in_reply_to.n > 0;
	c->refs += m.references.n > 0;
	c->cc += m.cc.n > 0;
	c->lists += (m.auto_flags & AUTO_LIST_UNSUBSCRIBE) != 0;
	c->null_return += (m.auto_flags & AUTO_RETURN_PATH_NULL) != 0;
	c->auto_submitted += (m.auto_flags & AUTO_SUBMITTED) != 0;
	if (m.from.n > 0) {
		struct str	d = addr_domain(m.from.v[0].addr);

		c->internal += d.len >= 12 &&
		    memcmp(d.p + d.len - 12, "acme.example", 12) == 0;
		for (size_t i = 0; i < m.from.v[0].name.len; i++)
			if ((unsigned char)m.from.v[0].name.p[i] >= 0x80) {
				c->nonascii_name++;
				break;
			}
	}
	for (size_t i = 0; i < m.subject.len; i++)
		if ((unsigned char)m.subject.p[i] >= 0x80) {
			c->nonascii_subject++;
			break;
		}
	if (m.has_received) {
		c->unordered_received += m.received < c->last_received;
		c->last_received = m.received;
	}
	if (m.has_date) {
		c->disorder += m.date < c->last_date;
		c->last_date = m.date;
	}
	if (m.message_id.p != NULL && c->nids < 100000) {
		c->ids = xreallocarray(c->ids, c->nids + 1, sizeof(*c->ids));
		c->ids[c->nids++] = xstrndup(m.message_id.p,
		    m.message_id.len);
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
scan_output(uint64_t n, uint64_t seed, struct check *c)
{
	char		 path[] = "/tmp/test_demo.XXXXXX";
	struct buf	 keep;
	struct sink	 s;
	struct err	 err;
	int		 fd;

	memset(c, 0, sizeof(*c));
	demo_period(n, &c->start, &c->end);
	buf_init(&keep, 0);
	sink_init(&s, &keep);
	t_eq_i64(run(n, seed, &s, NULL), 0, "run");
	if ((fd = mkstemp(path)) == -1) {
		t_ok(0, "mkstemp");
		buf_free(&keep);
		return;
	}
	t_ok(write(fd, keep.data, keep.len) == (ssize_t)keep.len, "write");
	close(fd);
	buf_free(&keep);
	c->mp = meta_parser_new();
	t_eq_i64(source_scan(path, on_msg, c, NULL, &err), 0, "scan");
	meta_parser_free(c->mp);
	unlink(path);
}

static void
free_ids(struct check *c)
{
	for (size_t i = 0; i < c->nids; i++)
		free(c->ids[i]);
	free(c->ids);
}

static void
test_parse(void)
{
	struct check	c;
	uint64_t	n = 4000, dups = 0;

	scan_output(n, 1, &c);
	t_eq_i64(c.n, n, "the mbox reader finds every message");
	t_eq_i64(c.dated, n, "every message dated");
	t_eq_i64(c.from, n, "every message has a From address");
	t_eq_i64(c.msgid, n, "every message has an id");
	t_eq_i64(c.bad, 0, "no parse problem");
	t_eq_i64(c.in_period, n, "every Date in the period");
	t_eq_i64(c.unordered_received, 0, "delivery (Received) in order");
	t_ok(c.disorder > 0 && c.disorder < n / 10,
	    "a little Date disorder (%llu)", (unsigned long long)c.disorder);
	qsort(c.ids, c.nids, sizeof(*c.ids), cmp_str);
	for (size_t i = 1; i < c.nids; i++)
		dups += strcmp(c.ids[i - 1], c.ids[i]) == 0;
	t_eq_i64(dups, 0, "message ids unique");
	free_ids(&c);

	/* Shares: the model's bands (docs/demo-data.md). */
	t_ok(c.automated > n * 12 / 100 && c.automated < n * 32 / 100,
	    "automated 12-32%% (%llu)", (unsigned long long)c.automated);
	t_ok(c.replies > n * 45 / 100 && c.replies < n * 75 / 100,
	    "replies 45-75%% (%llu)", (unsigned long long)c.replies);
	t_ok(c.internal > n * 30 / 100 && c.internal < n * 60 / 100,
	    "from acme.example 30-60%% (%llu)",
	    (unsigned long long)c.internal);
	t_ok(c.cc > n * 5 / 100, "some Cc (%llu)", (unsigned long long)c.cc);
	t_ok(c.lists > 0, "newsletters");
	t_ok(c.null_return > 0, "bounces");
	t_ok(c.auto_submitted > 0, "auto-replies");
	t_ok(c.nonascii_subject > 0, "RFC 2047 subjects decode");
	t_ok(c.nonascii_name > 0, "RFC 2047 names decode");
}

/* The same properties for other seeds and sizes. */
static void
test_parse_seeds(void)
{
	static const struct {
		uint64_t	n, seed;
	} runs[] = { { 1, 1 }, { 250, 7 }, { 3000, 123456789 },
	    { 20000, UINT64_MAX } };

	for (size_t i = 0; i < nitems(runs); i++) {
		struct check	c;

		scan_output(runs[i].n, runs[i].seed, &c);
		t_eq_i64(c.n, runs[i].n, "count, run %zu", i);
		t_eq_i64(c.dated + c.from + c.msgid, 3 * runs[i].n,
		    "date, from, id, run %zu", i);
		t_eq_i64(c.bad, 0, "no problem, run %zu", i);
		t_eq_i64(c.in_period, runs[i].n, "in the period, run %zu", i);
		if (runs[i].n >= 3000) {
			t_ok(c.automated > runs[i].n * 12 / 100 &&
			    c.automated < runs[i].n * 32 / 100,
			    "automated, run %zu", i);
			t_ok(c.replies > runs[i].n * 45 / 100 &&
			    c.replies < runs[i].n * 75 / 100,
			    "replies, run %zu", i);
		}
		free_ids(&c);
	}
}

/* ---- the configuration ---- */

static int
has_day(const struct config_days *d, int64_t day)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i] == day)
			return 1;
	return 0;
}

static int
on_leave(const struct config_agent *a, int64_t day)
{
	for (size_t i = 0; i < a->leave.n; i++)
		if (day >= a->leave.v[i].first && day <= a->leave.v[i].last)
			return 1;
	return 0;
}

/* Whether the configuration has agent ai at work at t (spec 9). */
static int
cfg_open(const struct config *cfg, size_t ai, int64_t t)
{
	const struct config_schedule	*s = config_agent_schedule(cfg, ai);
	const struct config_agent	*a = &cfg->agents[ai];
	struct tz_civil			 lc;
	int64_t				 today;

	tz_to_local(s->timezone.tz, t, &lc);
	today = tz_days_from_civil(lc.year, lc.month, lc.day);
	for (int64_t day = today - 1; day <= today; day++) {
		const struct config_windows	*w = NULL;
		int64_t				 y;
		int				 m, d, wd;

		if (has_day(&s->holidays, day) || on_leave(a, day))
			continue;
		for (size_t i = 0; i < s->partial.n; i++)
			if (s->partial.v[i].day == day)
				w = &s->partial.v[i].windows;
		tz_civil_from_days(day, &y, &m, &d);
		wd = (int)((day % 7 + 10) % 7);		/* Monday = 0 */
		if (w == NULL)
			w = &s->week[wd];
		for (size_t i = 0; i < w->n; i++) {
			const struct config_window	*x = &w->v[i];
			int64_t	lo = tz_from_local(s->timezone.tz, y, m, d,
				    x->start / 60, x->start % 60, 0);
			int64_t	hi = tz_from_local(s->timezone.tz, y, m,
				    d + (x->end < x->start), x->end / 60,
				    x->end % 60, 0);

			if (t >= lo && t < hi)
				return 1;
		}
	}
	return 0;
}

static struct config *
parse_config(uint64_t n)
{
	struct demo_opts	 o = { .messages = n, .seed = 99 };
	struct config		*cfg = NULL;
	struct buf		 b;
	struct err		 err;

	buf_init(&b, 0);
	t_eq_i64(demo_config(&o, &b, &err), 0, "demo_config %llu",
	    (unsigned long long)n);
	if (config_parse(b.data, b.len, "replytime.ini", &cfg, &err) == -1) {
		t_fail(__FILE__, __LINE__, "config %llu: %s",
		    (unsigned long long)n, err.msg);
		cfg = NULL;
	}
	buf_free(&b);
	return cfg;
}

static void
test_config(void)
{
	static const uint64_t	 ns[] = { 2000, 1000000, DEMO_MESSAGES_MAX };
	struct config		*cfg;
	size_t			 idx;

	for (size_t i = 0; i < nitems(ns); i++) {
		if ((cfg = parse_config(ns[i])) == NULL)
			continue;
		t_eq_i64(cfg->nteams, 2, "two teams");
		t_eq_i64(cfg->nagents, DEMO_NAGENTS, "agents");
		t_ok(cfg->hours != NULL && cfg->hours->holidays.n > 0,
		    "default hours with holidays");
		t_ok(config_domain_internal(cfg, STR("acme.example")),
		    "internal domain");
		t_ok(config_agent_find(cfg, STR("a.morgan@acme.example"),
		    &idx) == 0 && strcmp(cfg->agents[idx].addr,
		    "alice.morgan@acme.example") == 0, "alias");
		config_free(cfg);
	}
}

/* The generator's duty hours are the configuration's schedules. */
static void
test_schedules_agree(void)
{
	struct demo_cal_data	 cal;
	struct demo_rng		 rng;
	struct config		*cfg;
	struct err		 err;
	uint64_t		 n = 200000, open = 0, differ = 0;

	if ((cfg = parse_config(n)) == NULL)
		return;
	t_eq_i64(demo_cal_init(&cal, n, &err), 0, "calendar");
	demo_rng_seed(&rng, 5);
	for (int a = 0; a < DEMO_NAGENTS; a++) {
		char	addr[64];
		size_t	ai;

		snprintf(addr, sizeof(addr), "%s@acme.example",
		    demo_agents[a].local);
		if (config_agent_find(cfg, str_cstr(addr), &ai) == -1) {
			t_ok(0, "agent %s in the configuration", addr);
			continue;
		}
		for (int i = 0; i < 20000; i++) {
			/* Not the first days: holidays of the year before
			 * the period are the generator's only. */
			int64_t	t = cal.start + 3 * 86400 + (int64_t)
				    (demo_unif(&rng) * (double)(cal.end -
				    cal.start - 3 * 86400));
			int	g = demo_on_duty(&cal, a, t);

			open += g;
			differ += g != cfg_open(cfg, ai, t);
		}
	}
	t_eq_i64(differ, 0, "duty agrees with the configuration");
	t_ok(open > DEMO_NAGENTS * 20000 / 8 && open < DEMO_NAGENTS *
	    20000 / 3, "on duty 12-33%% of the time (%llu)",
	    (unsigned long long)open);
	demo_cal_free(&cal);
	config_free(cfg);
}

/* The PRNG's portable exp and log, against known values. */
static void
test_math(void)
{
	static const struct {
		double	x, log_x;
	} v[] = { { 1, 0 }, { 2, 0.6931471805599453 },
	    { 10, 2.302585092994046 }, { 0.001, -6.907755278982137 },
	    { 12345.678, 9.421061321291832 } };

	for (size_t i = 0; i < nitems(v); i++) {
		double	l = demo_log(v[i].x), e = demo_exp(v[i].log_x);

		t_ok(l - v[i].log_x < 1e-13 && v[i].log_x - l < 1e-13,
		    "log %g", v[i].x);
		t_ok((e - v[i].x) / v[i].x < 1e-13 &&
		    (v[i].x - e) / v[i].x < 1e-13, "exp %g", v[i].log_x);
	}
}

static const struct t_case cases[] = {
	{ "determinism", test_determinism },
	{ "count", test_count },
	{ "period", test_period },
	{ "errors", test_errors },
	{ "parse", test_parse },
	{ "parse_seeds", test_parse_seeds },
	{ "config", test_config },
	{ "schedules_agree", test_schedules_agree },
	{ "math", test_math },
};
T_MAIN(cases)
