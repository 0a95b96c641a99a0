/*
 * test_view.c: the dashboard's numbers (src/view): exact range statistics
 * against a brute force, and reports computed from a snapshot against
 * engine_run() on the same stored tenant, for many periods and instants
 * and under two rule sets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "report/demo.h"
#include "report/report.h"
#include "store/archive.h"
#include "t.h"
#include "view/rstat.h"
#include "view/view.h"
#include "view_fixture.h"

/* rstat against sorting each range. */
static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
rstat_rounds(void)
{
	uint64_t	 st = 12345;
	int64_t		 v[1500], tmp[1500], got[4];
	uint32_t	 ks[4];
	struct rstat	 r;
	/* One value, a word, a word and one, one block of RSTAT_LINE and
	 * more, exactly two blocks (the end at a block's start), many. */
	static const uint32_t sizes[] = { 1, 64, 65, 300, 896, 1500 };

	for (int round = 0; round < (int)nitems(sizes); round++) {
		uint32_t n = sizes[round];

		for (uint32_t i = 0; i < n; i++) {
			st = st * 6364136223846793005ULL + 1442695040888963407ULL;
			/* Few distinct values: many ties. */
			v[i] = (int64_t)((st >> 33) % (round >= 3 ? 1000 : 7));
		}
		rstat_build(&r, v, n);
		for (uint32_t l = 0; l < n; l += 1 + n / 17)
			for (uint32_t h = l + 1; h <= n; h += 1 + n / 13) {
				memcpy(tmp, v + l, (h - l) * sizeof(*v));
				qsort(tmp, h - l, sizeof(*tmp), cmp64);
				for (uint32_t k = 0; k < h - l; k += 1 + (h - l) / 5)
					t_eq_i64(rstat_kth(&r, l, h, k), tmp[k],
					    "kth n=%u [%u,%u) k=%u", n, l, h, k);
				t_eq_i64(rstat_kth(&r, l, h, h - l - 1),
				    tmp[h - l - 1], "max");
				/* Several at once (a copy selected when the
				 * range is short): min, median, p90, max. */
				ks[0] = 0;
				ks[1] = (h - l + 1) / 2 - 1;
				ks[2] = (9 * (h - l) + 9) / 10 - 1;
				ks[3] = h - l - 1;
				rstat_kths(&r, l, h, ks, 4, got);
				for (int j = 0; j < 4; j++)
					t_eq_i64(got[j], tmp[ks[j]],
					    "kths n=%u [%u,%u) k=%u", n, l, h,
					    ks[j]);
				for (int64_t x = -1; x < 8; x += 3) {
					uint32_t c = 0;

					for (uint32_t i = l; i < h; i++)
						c += v[i] <= x;
					t_eq_i64(rstat_count_le(&r, l, h, x), c,
					    "count_le %lld", (long long)x);
				}
			}
		rstat_free(&r);
	}
}

/* Both ways of counting bits: the CPU's instruction (where this build
 * has a path for it) and the portable count. */
static void
test_rstat(void)
{
	rstat_rounds();
	rstat_portable(1);
	rstat_rounds();
	rstat_portable(0);
}

/* The snapshot's report equals the engine's, byte for byte as JSON. */
static void
check_period(const struct view_snap *s, struct engine *e,
    const struct config *cfg, const struct report_opts *o, const char *what)
{
	struct report	*a = NULL, *b = NULL;
	struct buf	 ja, jb;
	struct err	 err;

	buf_init(&ja, 0);
	buf_init(&jb, 0);
	t_eq_i64(engine_run(e, cfg, o, &a, &err), 0, "engine_run %s", what);
	t_eq_i64(view_report(s, o, &b, &err), 0, "view_report %s", what);
	if (a != NULL && b != NULL) {
		report_json(a, &ja);
		report_json(b, &jb);
		t_ok(ja.len == jb.len && memcmp(ja.data, jb.data, ja.len) == 0,
		    "%s: view report differs from engine_run", what);
		if (ja.len != jb.len || memcmp(ja.data, jb.data, ja.len) != 0)
			fprintf(stderr, "# engine %s\n# view   %s\n", ja.data,
			    jb.data);
	}
	report_free(a);
	report_free(b);
	buf_free(&ja);
	buf_free(&jb);
}

static void
equal_reports(const char *tenant)
{
	const struct view_snap	*s = NULL;
	struct archive		 ar;
	struct config		*cfg = NULL;
	struct engine		*e = NULL;
	struct keyed		*kc = NULL;
	struct buf		 ini;
	struct err		 err;
	struct report_opts	 o;
	int64_t			 start, end, len;
	uint64_t		 st = 99;
	char			 what[96];

	vfx_setup();
	t_eq_i64(view_snap_load(vfx_db(), vfx_key(), tenant, &s, &err), 0,
	    "load %s: %s", tenant, err.msg);
	memset(&ar, 0, sizeof(ar));
	t_eq_i64(archive_open(vfx_db(), vfx_key(), tenant, ARCHIVE_EXISTING,
	    &ar, &err), 0, "archive_open");
	buf_init(&ini, 0);
	t_eq_i64(archive_settings_get(&ar, &cfg, &ini, &err), 0, "settings");
	buf_free(&ini);
	t_eq_i64(archive_load(&ar, cfg, &e, &kc, &err), 0, "archive_load");
	if (s == NULL || e == NULL)
		goto out;
	demo_period(VFX_MESSAGES, &start, &end);
	memset(&o, 0, sizeof(o));
	check_period(s, e, cfg, &o, "default period");
	for (int i = 0; i < 40; i++) {
		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		len = 3600 + (int64_t)((st >> 20) % (uint64_t)(end - start));
		memset(&o, 0, sizeof(o));
		o.has_from = o.has_to = 1;
		o.from = start - 86400 + (int64_t)((st >> 33) %
		    (uint64_t)(end - start));
		o.to = o.from + len;
		if (i % 3 == 1) {
			/* "now" inside the period, or after it. */
			o.has_now = 1;
			o.now = o.from + (int64_t)((st >> 7) % (uint64_t)(len +
			    86400 * 10));
		}
		if (i % 5 == 4)
			o.has_from = 0;
		snprintf(what, sizeof(what), "%s period %d", tenant, i);
		check_period(s, e, cfg, &o, what);
	}
out:
	view_release(s);
	engine_free(e);
	keyed_free(kc);
	config_free(cfg);
	archive_close(&ar);
}

static void
test_report_demo(void)
{
	equal_reports("acme");
}

static void
test_report_other_rules(void)
{
	/* oldest-unanswered, internal mail counted, visibility all, no
	 * cap, no Cc. */
	equal_reports("globex");
}

static const struct t_case cases[] = {
	{ "rstat", test_rstat },
	{ "report_demo", test_report_demo },
	{ "report_other_rules", test_report_other_rules },
};

T_MAIN(cases)
