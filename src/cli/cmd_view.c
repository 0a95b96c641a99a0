/*
 * cmd_view.c: replytime view: render a dashboard page (src/view) from a
 * tenant's store to standard output, for tests and debugging; --bench
 * times the snapshot build and many renders of the page.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../report/report.h"
#include "../view/view.h"
#include "cmd.h"

#define BENCH_MAX	100000

static void
view_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime view --db PATH --tenant NAME [--key-file F] "
	    "--page PAGE\n"
	    "                      [--format html|json] [--as AGENT] "
	    "[--now T] [--bench N]\n"
	    "                      [--from DAY] [--to DAY] [NAME=VALUE ...]\n"
	    "       replytime view --db PATH --tenant NAME --page report "
	    "[--from T] [--to T] [--now T]\n"
	    "\n"
	    "Prints one page of the web dashboard for the tenant's stored mail "
	    "under its\nstored settings, as the web server would serve it "
	    "(an HTML fragment, or the\nJSON of /api/v1).  NAME=VALUE are the "
	    "page's query parameters\n(docs/dashboard.md): from=2025-06-01 "
	    "to=2025-06-30 group=team:support ...\n"
	    "\n"
	    "  --page PAGE     overview, groups, domains, queue, "
	    "conversations,\n"
	    "                  conversation (with id=N), or report (the JSON "
	    "report of\n"
	    "                  replytime report, computed by the dashboard)\n"
	    "  --format F      html (default) or json\n"
	    "  --as AGENT      render as that agent sees it (default: a "
	    "manager, every group)\n"
	    "  --now T         the current instant (default: the clock); "
	    "ISO 8601\n"
	    "  --from, --to D  the page's period, as from=D to=D: local days "
	    "in the\n"
	    "                  organization's time zone, to inclusive; for "
	    "--page report\n"
	    "                  instants as replytime report takes them (to "
	    "exclusive)\n"
	    "  --bench N       build the snapshot, then render the page N "
	    "times over\n"
	    "                  periods ending on different days; print "
	    "timings to stderr\n");
}

static double
secs_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Renders n times, each for a period ending on another day: the query's
 * own to= or now's day, stepped back one day per render. */
static int
bench(const struct view_snap *s, view_page_fn fn, const struct view_scope *sc,
    const struct view_query *q0, long n, struct buf *out)
{
	struct view_query	 q = *q0;
	struct err		 err;
	double			*t = calloc((size_t)n, sizeof(*t)), t0;
	int64_t			 to_day = q0->has_to ? q0->to_day :
				    (q0->now != 0 ? q0->now : time(NULL)) /
				    86400;
	int64_t			 len = q0->has_from && q0->has_to ?
				    q0->to_day - q0->from_day : 29;

	if (t == NULL)
		return cmd_error("view: out of memory");
	for (long i = 0; i < n; i++) {
		q.has_from = q.has_to = 1;
		q.to_day = to_day - i % 365;
		q.from_day = q.to_day - len;
		buf_reset(out);
		t0 = secs_now();
		if (fn(s, sc, &q, out, &err) == -1) {
			free(t);
			return cmd_error("view: %s", err.msg);
		}
		t[i] = secs_now() - t0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	fprintf(stderr, "render: %ld times, p50 %.3f ms, p99 %.3f ms, max "
	    "%.3f ms, last page %zu bytes\n", n, t[n / 2] * 1e3,
	    t[(size_t)((double)n * 0.99) < (size_t)n ?
	    (size_t)((double)n * 0.99) : (size_t)n - 1] * 1e3,
	    t[n - 1] * 1e3, out->len);
	free(t);
	return 0;
}

int
cmd_view(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "tenant", required_argument, NULL, 'T' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "page", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'F' },
		{ "as", required_argument, NULL, 'a' },
		{ "now", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "bench", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char		*db = NULL, *tenant = NULL, *key_file = NULL;
	const char		*page = NULL, *from_arg = NULL, *to_arg = NULL;
	const struct view_snap	*s = NULL;
	struct view_scope	 sc = { 1, NULL };
	struct view_query	 q;
	struct report_opts	 ro = { 0 };
	struct report		*r = NULL;
	struct buf		 out;
	struct err		 err;
	struct rusage		 ru;
	view_page_fn		 fn = NULL;
	long			 nbench = 0;
	int			 c, json = 0, failed = 0, rc;
	double			 t0;
	char			*end;

	view_query_init(&q);
	while ((c = getopt_long(argc, argv, "D:T:K:p:F:a:n:f:t:b:h", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'D':
			db = optarg;
			break;
		case 'T':
			tenant = optarg;
			break;
		case 'K':
			key_file = optarg;
			break;
		case 'p':
			page = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "html") != 0)
				return cmd_error("view: unknown format \"%s\" "
				    "(html or json)", optarg);
			break;
		case 'a':
			sc.all = 0;
			sc.agent = optarg;
			break;
		case 'n':
		case 'f':
		case 't':
			if (c != 'n')
				*(c == 'f' ? &from_arg : &to_arg) = optarg;
			if (cmd_parse_time(optarg, c == 'n' ? &ro.now : c ==
			    'f' ? &ro.from : &ro.to) == -1)
				return cmd_error("view: --%s: not an ISO 8601 "
				    "date or time", c == 'n' ? "now" : c == 'f' ?
				    "from" : "to");
			*(c == 'n' ? &ro.has_now : c == 'f' ? &ro.has_from :
			    &ro.has_to) = 1;
			break;
		case 'b':
			nbench = strtol(optarg, &end, 10);
			if (*end != '\0' || nbench < 1 || nbench > BENCH_MAX)
				return cmd_error("view: --bench: a number from "
				    "1 to %d", BENCH_MAX);
			break;
		case 'h':
			view_usage(stdout);
			return 0;
		default:
			view_usage(stderr);
			return 2;
		}
	}
	if (db == NULL || tenant == NULL || page == NULL) {
		view_usage(stderr);
		return 2;
	}
	if (strcmp(page, "report") != 0 && (fn = view_page_find(page,
	    json)) == NULL)
		return cmd_error("view: unknown page \"%s\" (see --help)", page);
	if (ro.has_now)
		q.now = ro.now;
	/* For a page, --from and --to are its from= and to= (local days,
	 * to inclusive); NAME=VALUE after them may override. */
	if (fn != NULL && from_arg != NULL &&
	    view_query_parse("from", from_arg, &q, &err) == -1)
		return cmd_error("view: --from: %s (a page takes a day: "
		    "2025-06-01)", err.msg);
	if (fn != NULL && to_arg != NULL &&
	    view_query_parse("to", to_arg, &q, &err) == -1)
		return cmd_error("view: --to: %s (a page takes a day: "
		    "2025-06-30)", err.msg);
	for (int i = optind; i < argc; i++) {
		char	*eq = strchr(argv[i], '=');

		if (eq == NULL)
			return cmd_error("view: \"%s\": parameters are "
			    "NAME=VALUE", argv[i]);
		*eq = '\0';
		if (view_query_parse(argv[i], eq + 1, &q, &err) == -1)
			return cmd_error("view: %s", err.msg);
	}
	t0 = secs_now();
	if (cmd_db_exists(db, &err) == -1 ||
	    view_snap_load(db, key_file, tenant, &s, &err) == -1)
		return cmd_error("view: %s", err.msg);
	if (nbench > 0) {
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "snapshot: %u messages, %u conversations, "
		    "built in %.3f s, %.1f MB of structures, peak RSS %.1f MB\n",
		    view_snap_messages(s), view_snap_conversations(s),
		    secs_now() - t0, (double)view_snap_bytes(s) / 1e6,
		    (double)ru.ru_maxrss / 1024);
	}
	buf_init(&out, 0);
	if (fn == NULL) {
		if (view_report(s, &ro, &r, &err) == -1)
			failed = cmd_error("view: %s", err.msg);
		else
			report_json(r, &out);
		report_free(r);
	} else if (nbench > 0)
		failed = bench(s, fn, &sc, &q, nbench, &out);
	else if ((rc = fn(s, &sc, &q, &out, &err)) == -1)
		failed = cmd_error("view: %s", err.msg);
	else if (rc == VIEW_NOT_FOUND) {
		fprintf(stderr, "replytime: view: not found\n");
		failed = 3;
	}
	if (!failed && nbench == 0 && (fwrite(out.data, 1, out.len, stdout) !=
	    out.len || fflush(stdout) != 0))
		failed = cmd_error("standard output: write failed");
	buf_free(&out);
	view_release(s);
	return failed;
}
