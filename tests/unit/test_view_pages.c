/*
 * test_view_pages.c: the dashboard's pages (src/view) on a stored tenant:
 * every HTML page well formed (a small tag checker) with no script, style
 * or event attribute, header data escaped, the conversation view's
 * messages, agent scope, not found, the cache's generations and
 * reference counts under threads, and the snapshot's indexes of waits
 * and business time against walking every span and biz_secs.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric/biz.h"
#include "t.h"
#include "view/view.h"
#include "view/vpage.h"
#include "view_fixture.h"

#define NOW	1751295600	/* 2025-06-30T15:00:00Z */

/* An element with no end tag (HTML's void elements). */
static int
void_tag(const char *name, size_t n)
{
	static const char *const v[] = { "br", "hr", "img", "input", "link",
	    "meta", "wbr" };

	for (size_t i = 0; i < nitems(v); i++)
		if (strlen(v[i]) == n && memcmp(v[i], name, n) == 0)
			return 1;
	return 0;
}

/* Every tag closed in order; no script, style or on* attribute.  Returns
 * NULL or what is wrong. */
static const char *
check_html(const char *p)
{
	static char	 why[128];
	char		 stack[64][16];
	size_t		 depth = 0, n;
	const char	*e;

	if (strstr(p, "<script") != NULL || strstr(p, " style=") != NULL ||
	    strstr(p, " onclick") != NULL || strstr(p, " onload") != NULL)
		return "script, style or a handler";
	while ((p = strchr(p, '<')) != NULL) {
		int close = p[1] == '/';
		const char *name = p + 1 + close;

		for (n = 0; (name[n] >= 'a' && name[n] <= 'z') ||
		    (name[n] >= '0' && name[n] <= '9'); n++)
			;
		if (n == 0 || n >= 16 || (e = strchr(p, '>')) == NULL)
			return "a '<' that starts no tag";
		if (!close) {
			if (e[-1] != '/' && !void_tag(name, n)) {
				if (depth == 64)
					return "too deep";
				memcpy(stack[depth], name, n);
				stack[depth++][n] = '\0';
			}
		} else if (depth == 0 || strlen(stack[depth - 1]) != n ||
		    memcmp(stack[depth - 1], name, n) != 0) {
			snprintf(why, sizeof(why), "</%.*s> closes <%s>",
			    (int)n, name, depth ? stack[depth - 1] : "");
			return why;
		} else
			depth--;
		p = e + 1;
	}
	return depth == 0 ? NULL : "unclosed tags";
}

static const char *const pages[] = {
	"overview", "groups", "domains", "queue", "conversations",
};

static void
test_html_well_formed(void)
{
	static const char *const tenants[] = { "acme", "globex", "empty" };
	struct view_scope	 all = { 1, NULL };
	struct view_scope	 agent = { 0, "Alice.Morgan@acme.example" };
	const struct view_snap	*s;
	struct view_query	 q;
	struct buf		 out;
	struct err		 err;
	const char		*why;

	vfx_setup();
	buf_init(&out, 0);
	for (size_t t = 0; t < nitems(tenants); t++) {
		t_eq_i64(view_snap_load(vfx_db(), vfx_key(), tenants[t], &s,
		    &err), 0, "load %s", tenants[t]);
		for (size_t p = 0; p < nitems(pages); p++)
			for (int a = 0; a < 2; a++)
				for (int json = 0; json < 2; json++) {
					view_query_init(&q);
					q.now = NOW;
					buf_reset(&out);
					t_eq_i64(view_page_find(pages[p], json)(s,
					    a ? &agent : &all, &q, &out, &err), 0,
					    "%s %s", tenants[t], pages[p]);
					if (json) {
						t_ok(out.len > 2 && out.data[0] ==
						    '{', "%s json", pages[p]);
						continue;
					}
					why = check_html(out.data);
					t_ok(why == NULL, "%s %s html: %s",
					    tenants[t], pages[p], why);
				}
		view_release(s);
	}
	buf_free(&out);
}

/* The number after key in p, or -1. */
static long long
number_after(const char *p, const char *key)
{
	const char	*k = strstr(p, key);

	return k == NULL ? -1 : strtoll(k + strlen(key), NULL, 10);
}

static void
test_escaped_and_conversation(void)
{
	struct view_scope	 all = { 1, NULL };
	const struct view_snap	*s;
	struct view_query	 q;
	struct buf		 out;
	struct err		 err;
	long long		 id;

	vfx_setup();
	t_eq_i64(view_snap_load(vfx_db(), vfx_key(), "acme", &s, &err), 0,
	    "load");
	buf_init(&out, 0);
	view_query_init(&q);
	q.now = NOW;
	t_eq_i64(view_query_parse("metric", "received", &q, &err), 0, "metric");
	t_eq_i64(view_query_parse("domain", "EVIL.example", &q, &err), 0, "d");
	t_eq_i64(view_query_parse("from", "2025-06-28", &q, &err), 0, "from");
	t_eq_i64(view_query_parse("to", "2025-06-28", &q, &err), 0, "to");
	t_eq_i64(view_conversations_json(s, &all, &q, &out, &err), 0, "list");
	t_eq_i64(number_after(out.data, "\"total\":"), 1, "one received");
	id = number_after(out.data, "\"conversation\":");
	t_ok(id > 0, "its conversation");

	view_query_init(&q);
	q.now = NOW;
	q.id = id;
	buf_reset(&out);
	t_eq_i64(view_conversation_html(s, &all, &q, &out, &err), 0, "html");
	t_ok(strstr(out.data, "<script>") == NULL && strstr(out.data,
	    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;") !=
	    NULL, "subject escaped");
	t_ok(strstr(out.data, "eve&amp;co@evil.example") != NULL,
	    "sender escaped");
	t_ok(check_html(out.data) == NULL, "well formed");
	buf_reset(&out);
	t_eq_i64(view_conversation_json(s, &all, &q, &out, &err), 0, "json");
	/* Both messages, inbound then outbound, the reply one hour later. */
	t_ok(strstr(out.data, "\"direction\":\"inbound\"") != NULL &&
	    strstr(out.data, "\"direction\":\"outbound\"") != NULL &&
	    strstr(out.data, "\"direction\":\"inbound\"") <
	    strstr(out.data, "\"direction\":\"outbound\""), "directions");
	t_eq_i64(number_after(out.data, "\"reply\":{\"to\":") > 0, 1,
	    "a reply");
	t_eq_i64(number_after(out.data, "\"calendar\":"), 3600, "after 1h");
	t_ok(strstr(out.data, "\"first_reply\":{\"calendar\":3600") != NULL,
	    "and the first reply");
	t_ok(strstr(out.data, "\"sender\":\"eve&co@evil.example\"") != NULL,
	    "sender in JSON");

	/* Not found: no such conversation; the agent of another team. */
	q.id = 999999999;
	t_eq_i64(view_conversation_html(s, &all, &q, &out, &err),
	    VIEW_NOT_FOUND, "unknown id");
	q.id = id;
	{
		struct view_scope sales = { 0, "george.okafor@acme.example" };
		struct view_scope own = { 0, "alice.morgan@acme.example" };
		struct view_scope none = { 0, "eve@evil.example" };

		t_eq_i64(view_conversation_html(s, &sales, &q, &out, &err),
		    VIEW_NOT_FOUND, "another team's conversation");
		t_eq_i64(view_conversation_html(s, &own, &q, &out, &err), 0,
		    "the agent's own conversation");
		t_eq_i64(view_overview_html(s, &none, &q, &out, &err),
		    VIEW_NOT_FOUND, "not an agent");
	}
	buf_free(&out);
	view_release(s);
}

static void
test_agent_scope(void)
{
	struct view_scope	 agent = { 0, "alice.morgan@acme.example" };
	const struct view_snap	*s;
	struct view_query	 q;
	struct buf		 out;
	struct err		 err;

	vfx_setup();
	t_eq_i64(view_snap_load(vfx_db(), vfx_key(), "acme", &s, &err), 0,
	    "load");
	buf_init(&out, 0);
	view_query_init(&q);
	q.now = NOW;
	t_eq_i64(view_groups_json(s, &agent, &q, &out, &err), 0, "groups");
	t_ok(strstr(out.data, "\"group\":\"team:support\"") != NULL &&
	    strstr(out.data, "\"group\":\"agent:alice.morgan@acme.example\"") !=
	    NULL, "own team and self");
	t_ok(strstr(out.data, "\"group\":\"all\"") == NULL &&
	    strstr(out.data, "team:sales") == NULL &&
	    strstr(out.data, "ben.carter") == NULL, "nothing else");
	t_eq_i64(view_query_parse("group", "team:sales", &q, &err), 0, "p");
	t_eq_i64(view_queue_html(s, &agent, &q, &out, &err), VIEW_NOT_FOUND,
	    "another team's queue");
	t_eq_i64(view_query_parse("group", "team:nonesuch", &q, &err), 0, "p");
	t_eq_i64(view_queue_html(s, &agent, &q, &out, &err), VIEW_NOT_FOUND,
	    "no such team");
	buf_free(&out);
	view_release(s);
}

static void
test_query_limits(void)
{
	struct view_query	q;
	struct err		err;
	char			big[VIEW_VALUE_MAX + 2];

	view_query_init(&q);
	t_eq_i64(view_query_parse("from", "2025-02-29", &q, &err), -1,
	    "no 29 February 2025");
	t_eq_i64(view_query_parse("from", "2024-02-29", &q, &err), 0, "2024");
	t_eq_i64(view_query_parse("to", "1969-12-31", &q, &err), -1, "1969");
	t_eq_i64(view_query_parse("limit", "0", &q, &err), -1, "limit 0");
	t_eq_i64(view_query_parse("limit", "1001", &q, &err), -1, "1001");
	t_eq_i64(view_query_parse("offset", "-1", &q, &err), -1, "offset -1");
	t_eq_i64(view_query_parse("id", "99999999999999999999", &q, &err), -1,
	    "id overflow");
	t_eq_i64(view_query_parse("group", "a\nb", &q, &err), -1, "control");
	t_eq_i64(view_query_parse("nope", "1", &q, &err), -1, "unknown");
	t_eq_i64(view_query_parse("wday", "8", &q, &err), -1, "wday 8");
	t_eq_i64(view_query_parse("wday", "7", &q, &err), 0, "wday 7");
	t_eq_i64(view_query_parse("hour", "24", &q, &err), -1, "hour 24");
	t_eq_i64(view_query_parse("hour", "9", &q, &err), 0, "hour 9");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	t_eq_i64(view_query_parse("group", big, &q, &err), -1, "too long");
	t_eq_i64(err.code, ERR_LIMIT, "a limit error");
	t_ok(strstr(err.msg, "aaaa") == NULL, "the value is not quoted back");
}

/* ---- The cache ---------------------------------------------------------- */

struct worker {
	struct view_cache	*c;
	int			 failed;
};

static void *
work(void *arg)
{
	struct worker		*w = arg;
	struct view_scope	 all = { 1, NULL };
	struct view_query	 q;
	struct buf		 out;
	struct err		 err;

	buf_init(&out, 0);
	view_query_init(&q);
	q.now = NOW;
	for (int i = 0; i < 30; i++) {
		const struct view_snap *s;

		if (view_acquire(w->c, (uint64_t)(i / 10), &s, &err) == -1) {
			w->failed++;
			continue;
		}
		buf_reset(&out);
		if (view_overview_json(s, &all, &q, &out, &err) != 0)
			w->failed++;
		view_release(s);
	}
	buf_free(&out);
	return NULL;
}

static void
test_cache(void)
{
	struct view_cache	*c;
	const struct view_snap	*a, *b, *d;
	struct worker		 w[4];
	pthread_t		 th[4];
	struct err		 err;

	vfx_setup();
	c = view_cache_new(vfx_db(), vfx_key(), "acme");
	t_eq_i64(view_acquire(c, 1, &a, &err), 0, "first build");
	t_eq_i64(view_acquire(c, 1, &b, &err), 0, "same generation");
	t_ok(a == b, "the same snapshot");
	t_eq_i64(view_acquire(c, 2, &d, &err), 0, "new generation");
	t_ok(d != a, "a new snapshot");
	t_eq_i64(view_snap_messages(a), view_snap_messages(d), "same mail");
	view_release(a);
	view_release(b);	/* the old one is freed here */
	view_release(d);
	view_cache_free(c);

	c = view_cache_new(vfx_db(), vfx_key(), "acme");
	for (int i = 0; i < 4; i++) {
		w[i].c = c;
		w[i].failed = 0;
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		t_eq_i64(w[i].failed, 0, "worker %d", i);
	}
	view_cache_free(c);

	c = view_cache_new(vfx_db(), vfx_key(), "no-such-tenant");
	t_eq_i64(view_acquire(c, 1, &a, &err), -1, "unknown tenant");
	view_cache_free(c);
}

/* vspan_open, vspan_next, vfig_awaiting and vfig_biz against the plain
 * walk over every span and biz_secs, at instants across the history. */
static void
test_span_index(void)
{
	struct view_cache		*c;
	const struct view_snap		*s;
	const struct config_schedule	*sched;
	const struct config_ranges	*leave;
	struct err			 err;
	uint64_t			 rnd = 42;
	int				 bad_open = 0, bad_aw = 0, bad_biz = 0;

	c = view_cache_new(vfx_db(), vfx_key(), "acme");
	t_eq_i64(view_acquire(c, 1, &s, &err), 0, "acquire");
	for (size_t g = 0; g < s->ng; g++) {
		const struct vgroup *vg = &s->g[g];
		int64_t span = s->last_t - s->first_t + 20 * 86400;

		vq_group_schedule(s, g, &sched, &leave);
		for (int k = 0; k < 60; k++) {
			int64_t		 t, a, b, n = 0, old = 0, cn, co;
			uint32_t	*open, nopen, m = 0, first = vg->nspans;

			rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
			t = s->first_t - 10 * 86400 + (int64_t)((rnd >> 11) %
			    (uint64_t)span);
			nopen = vspan_open(vg, t, &open);
			for (uint32_t i = 0; i < vg->nspans; i++) {
				const struct vspan *sp = &vg->spans[i];

				if (sp->since > t || sp->from > t || sp->to <= t)
					continue;
				if (n++ == 0) {
					old = t - sp->since;
					first = i;
				}
				if (m >= nopen || open[m++] != i)
					bad_open++;
			}
			if (m != nopen || vspan_next(vg, t, 0) != first)
				bad_open++;
			free(open);
			vfig_awaiting(s, g, t, VNONE, &cn, &co);
			if (cn != n || co != old)
				bad_aw++;
			rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
			a = t - (int64_t)((rnd >> 11) % (uint64_t)span);
			b = t + (int64_t)((rnd >> 40) % (40 * 86400));
			if (vfig_biz(s, g, a, b) != biz_secs(sched, leave, a, b) ||
			    vfig_biz(s, g, t, t + 3600) !=
			    biz_secs(sched, leave, t, t + 3600))
				bad_biz++;
		}
	}
	t_eq_i64(bad_open, 0, "open spans as the walk finds them");
	t_eq_i64(bad_aw, 0, "awaiting count and oldest as the walk");
	t_eq_i64(bad_biz, 0, "business time through the kept sums");
	view_release(s);
	view_cache_free(c);
}

/* vh_fixed against snprintf's "%.*f": ties both ways, values just off a
 * tie, the charts' own coordinates and many pseudo-random values. */
static void
fixed_one(double v, int dec)
{
	struct buf	b;
	char		want[64];

	buf_init(&b, 0);
	vh_fixed(&b, v, dec);
	snprintf(want, sizeof(want), "%.*f", dec, v);
	t_eq_str(buf_str(&b), want, "vh_fixed(%.17g, %d)", v, dec);
	buf_free(&b);
}

static void
test_fixed(void)
{
	static const double	fixed[] = { 0, -0.0, 0.05, 0.15, 0.25, 0.35,
	    0.45, 0.5, 1.5, 2.5, 0.125, 0.375, 0.005, 0.015, 0.025, 0.995,
	    9.95, 9.995, 99.95, 159.95, 1e14, 123456789.5, -0.04, -2.25,
	    0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, 999999999999999.0 };
	uint64_t		st = 99;

	for (int dec = 0; dec <= 3; dec++) {
		for (size_t i = 0; i < nitems(fixed); i++) {
			fixed_one(fixed[i], dec);
			fixed_one(nextafter(fixed[i], 1e300), dec);
			fixed_one(nextafter(fixed[i], -1e300), dec);
		}
		/* Outside the fast path: snprintf itself. */
		fixed_one(1e20, dec);
		fixed_one(HUGE_VAL, dec);
	}
	/* vj_i64 against "%" PRId64. */
	{
		static const int64_t iv[] = { 0, 1, -1, 9, 10, 86400,
		    INT64_MAX, INT64_MIN, -1234567890123 };

		for (size_t i = 0; i < nitems(iv); i++) {
			struct buf	b;
			char		want[32];

			buf_init(&b, 0);
			vj_i64(&b, iv[i]);
			snprintf(want, sizeof(want), "%" PRId64, iv[i]);
			t_eq_str(buf_str(&b), want, "vj_i64");
			buf_free(&b);
		}
	}
	/* The bars of the charts: 720 / n wide, 160 high. */
	for (int n = 1; n <= 400; n++) {
		double	bw = 720.0 / n;

		for (int i = 0; i < n; i += 1 + n / 50) {
			fixed_one(bw * (double)i + 1, 1);
			fixed_one(bw * ((double)i + 0.5), 1);
			fixed_one(160.0 * (double)i / (double)n, 1);
			fixed_one(160.0 - 160.0 * (double)i / (double)n, 1);
			fixed_one(0.1 + 0.9 * (double)i / (double)n, 2);
		}
	}
	for (int i = 0; i < 20000; i++) {
		double	v;

		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		/* Halves and quarters of thousandths often: exact ties. */
		v = (double)(st >> 40) / (i % 3 == 0 ? 8000.0 : i % 3 == 1 ?
		    1000.0 : 1048576.0);
		fixed_one(v, i % 4);
	}
}

static const struct t_case cases[] = {
	{ "fixed", test_fixed },
	{ "html_well_formed", test_html_well_formed },
	{ "escaped_and_conversation", test_escaped_and_conversation },
	{ "agent_scope", test_agent_scope },
	{ "query_limits", test_query_limits },
	{ "cache", test_cache },
	{ "span_index", test_span_index },
};

T_MAIN(cases)
