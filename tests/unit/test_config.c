/*
 * test_config.c: the configuration reader (src/metric/config*.c).
 *
 * The expected prints were written by hand from metrics spec section 11,
 * not produced by the code under test.  Error cases list the exact
 * message; each input holds exactly one problem unless it says otherwise.
 * Inputs are copied into heap buffers of their exact length so that
 * AddressSanitizer sees any read past the end.  Time zones come from the
 * system's zoneinfo (tzdata), through tz_load().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "metric/config.h"
#include "metric/tz.h"
#include "t.h"

#define SPEC_EXAMPLE							\
	"[organization]\n"						\
	"name = Example Ltd\n"						\
	"internal_domains = example.com, example.co.uk\n"		\
	"\n"								\
	"[rules]\n"							\
	"time_source = date              ; date | received\n"		\
	"clock_start = parent            ; parent | oldest-unanswered\n"\
	"exclude_internal = yes\n"					\
	"exclude_lists = yes\n"						\
	"visibility = addressed          ; addressed | all\n"		\
	"count_cc = yes\n"						\
	"outlier_cap = 30d\n"						\
	"sla_targets = 1h, 4h, 24h\n"					\
	"\n"								\
	"[hours]                         ; the default schedule\n"	\
	"timezone = Europe/London\n"					\
	"mon = 09:00-17:30\n"						\
	"tue = 09:00-17:30\n"						\
	"wed = 09:00-17:30\n"						\
	"thu = 09:00-17:30\n"						\
	"fri = 09:00-17:00\n"						\
	"holidays = 2025-12-25, 2025-12-26, 2026-01-01\n"		\
	"partial = 2025-12-24 09:00-13:00\n"				\
	"\n"								\
	"[team \"support\"]\n"						\
	"members = alice@example.com, bob@example.com\n"		\
	"hours = support                 ; optional: a named schedule, "\
	"[hours \"support\"]\n"						\
	"\n"								\
	"[hours \"support\"]\n"						\
	"timezone = America/New_York\n"					\
	"mon = 08:00-20:00\n"						\
	"sat = 10:00-14:00\n"						\
	"\n"								\
	"[agent \"alice@example.com\"]\n"				\
	"aliases = a.smith@example.com\n"				\
	"leave = 2025-08-01..2025-08-14, 2025-10-03\n"			\
	"hours = support\n"

static const char spec_print[] =
	"; replytime configuration: every setting in effect, defaults "
	"included\n"
	"\n"
	"[organization]\n"
	"name = Example Ltd\n"
	"internal_domains = example.com, example.co.uk\n"
	"\n"
	"[rules]\n"
	"time_source = date\n"
	"clock_start = parent\n"
	"exclude_internal = yes\n"
	"exclude_lists = yes\n"
	"visibility = addressed\n"
	"count_cc = yes\n"
	"outlier_cap = 30d\n"
	"sla_targets = 1h, 4h, 24h\n"
	"\n"
	"[hours]\n"
	"timezone = Europe/London\n"
	"mon = 09:00-17:30\n"
	"tue = 09:00-17:30\n"
	"wed = 09:00-17:30\n"
	"thu = 09:00-17:30\n"
	"fri = 09:00-17:00\n"
	"sat =\n"
	"sun =\n"
	"holidays = 2025-12-25, 2025-12-26, 2026-01-01\n"
	"partial = 2025-12-24 09:00-13:00\n"
	"\n"
	"[hours \"support\"]\n"
	"timezone = America/New_York\n"
	"mon = 08:00-20:00\n"
	"tue =\n"
	"wed =\n"
	"thu =\n"
	"fri =\n"
	"sat = 10:00-14:00\n"
	"sun =\n"
	"holidays =\n"
	"partial =\n"
	"\n"
	"[team \"support\"]\n"
	"members = alice@example.com, bob@example.com\n"
	"hours = support\n"
	"\n"
	"[agent \"alice@example.com\"]\n"
	"aliases = a.smith@example.com\n"
	"leave = 2025-08-01..2025-08-14, 2025-10-03\n"
	"hours = support\n"
	"\n"
	"[agent \"bob@example.com\"]\n"
	"aliases =\n"
	"leave =\n"
	"hours =\n";

static const char default_print[] =
	"; replytime configuration: every setting in effect, defaults "
	"included\n"
	"\n"
	"[organization]\n"
	"name =\n"
	"internal_domains =\n"
	"\n"
	"[rules]\n"
	"time_source = date\n"
	"clock_start = parent\n"
	"exclude_internal = yes\n"
	"exclude_lists = yes\n"
	"visibility = addressed\n"
	"count_cc = yes\n"
	"outlier_cap = 30d\n"
	"sla_targets = 1h, 4h, 24h\n"
	"\n"
	"; no default [hours]: without a schedule, business time is calendar "
	"time\n";

/* Parses text (a C string) from an exact-length heap copy. */
static int
parse(const char *text, struct config **cfg_out, struct err *err)
{
	size_t	len = strlen(text);
	char	*copy = xmalloc(len + 1);
	int	 rc;

	memcpy(copy, text, len);
	rc = config_parse(copy, len, "t.ini", cfg_out, err);
	free(copy);
	return rc;
}

/* The print of a configuration, as a heap string. */
static char *
print_new(const struct config *cfg)
{
	struct buf	b;

	buf_init(&b, 0);
	config_print(cfg, &b);
	return buf_take(&b, NULL);
}

/* Checks that text parses and prints want (NULL: do not compare). */
static void
check_print(const char *text, const char *want, const char *what)
{
	struct config	*cfg = NULL;
	struct err	 err;
	char		*got;

	if (parse(text, &cfg, &err) == -1) {
		t_ok(0, "%s: %s", what, err.msg);
		return;
	}
	got = print_new(cfg);
	if (want != NULL)
		t_eq_mem(got, strlen(got), want, "%s: print", what);
	else
		t_ok(1, "%s", what);
	free(got);
	config_free(cfg);
}

/* Checks that print -> parse -> print gives the same bytes. */
static void
check_round_trip(const char *text, const char *what)
{
	struct config	*a = NULL, *b = NULL;
	struct err	 err;
	char		*pa, *pb;

	if (parse(text, &a, &err) == -1) {
		t_ok(0, "%s: %s", what, err.msg);
		return;
	}
	pa = print_new(a);
	if (parse(pa, &b, &err) == -1) {
		t_ok(0, "%s: print does not parse: %s", what, err.msg);
		fprintf(stderr, "%s", pa);
		free(pa);
		config_free(a);
		return;
	}
	pb = print_new(b);
	t_eq_mem(pb, strlen(pb), pa, "%s: round trip", what);
	t_eq_i64(b->nagents, a->nagents, "%s: agents", what);
	t_eq_i64(b->nteams, a->nteams, "%s: teams", what);
	free(pa);
	free(pb);
	config_free(a);
	config_free(b);
}

/*
 * The spec's example.
 */

static void
test_spec_example(void)
{
	struct config		*cfg = NULL;
	struct err		 err;
	const struct config_schedule *sc;

	t_eq_i64(parse(SPEC_EXAMPLE, &cfg, &err), 0, "parses");
	if (cfg == NULL)
		return;
	t_ok(strcmp(cfg->org.name, "Example Ltd") == 0, "name");
	t_eq_i64(cfg->org.internal_domains.n, 2, "domains");
	t_eq_i64(cfg->rules.time_source, CONFIG_TIME_DATE, "time_source");
	t_eq_i64(cfg->rules.clock_start, CONFIG_CLOCK_PARENT, "clock_start");
	t_eq_i64(cfg->rules.outlier_cap, 30 * 86400, "outlier_cap");
	t_eq_i64(cfg->rules.sla_targets.n, 3, "sla n");
	t_eq_i64(cfg->rules.sla_targets.v[2], 86400, "sla 24h");
	sc = cfg->hours;
	t_ok(sc != NULL && sc->name == NULL, "default schedule");
	t_ok(sc->timezone.tz != NULL, "zone loaded");
	t_ok(strcmp(tz_name(sc->timezone.tz), "Europe/London") == 0, "zone");
	t_eq_i64(sc->week[CONFIG_MON].n, 1, "mon");
	t_eq_i64(sc->week[CONFIG_MON].v[0].start, 9 * 60, "mon start");
	t_eq_i64(sc->week[CONFIG_MON].v[0].end, 17 * 60 + 30, "mon end");
	t_eq_i64(sc->week[CONFIG_SAT].n, 0, "sat closed");
	t_eq_i64(sc->holidays.n, 3, "holidays");
	t_eq_i64(sc->holidays.v[0], 20447, "2025-12-25 day number");
	t_eq_i64(sc->partial.n, 1, "partial");
	t_eq_i64(sc->partial.v[0].day, 20446, "2025-12-24");
	t_eq_i64(sc->partial.v[0].windows.v[0].end, 13 * 60, "partial end");
	t_eq_i64(cfg->nschedules, 1, "named schedules");
	t_eq_i64(cfg->nteams, 1, "teams");
	t_ok(cfg->teams[0].hours == &cfg->schedules[0], "team hours");
	t_eq_i64(cfg->nagents, 2, "agents");
	t_ok(cfg->agents[0].hours == &cfg->schedules[0], "agent hours");
	t_eq_i64(cfg->agents[0].leave.n, 2, "leave");
	t_eq_i64(cfg->agents[0].leave.v[0].last - cfg->agents[0].leave.v[0].first,
	    13, "leave range");
	t_eq_i64(cfg->agents[0].line, 34, "agent section line");
	t_eq_i64(cfg->agents[1].line, 0, "no section for bob");
	config_free(cfg);
	check_print(SPEC_EXAMPLE, spec_print, "spec print");
}

static void
test_defaults(void)
{
	struct config	*cfg = config_default();
	char		*p = print_new(cfg);

	t_eq_mem(p, strlen(p), default_print, "default print");
	t_eq_i64(cfg->rules.exclude_internal, 1, "exclude_internal");
	t_eq_i64(cfg->rules.exclude_lists, 1, "exclude_lists");
	t_eq_i64(cfg->rules.count_cc, 1, "count_cc");
	t_eq_i64(cfg->rules.visibility, CONFIG_VIS_ADDRESSED, "visibility");
	t_eq_i64(cfg->rules.outlier_cap, 2592000, "outlier_cap");
	t_eq_i64(cfg->rules.sla_targets.n, 3, "sla");
	t_eq_i64(cfg->rules.sla_targets.v[0], 3600, "1h");
	t_eq_i64(cfg->rules.sla_targets.v[1], 14400, "4h");
	t_ok(cfg->hours == NULL && cfg->nschedules == 0, "no schedules");
	t_ok(cfg->nteams == 0 && cfg->nagents == 0, "no teams");
	t_ok(cfg->org.name != NULL && cfg->org.name[0] == '\0', "no name");
	free(p);
	config_free(cfg);
	config_free(NULL);
	check_print("", default_print, "empty file");
	check_print("; only a comment\n\n# another\n", default_print,
	    "comments only");
	check_print("[organization]\n[rules]\n", default_print,
	    "empty sections");
}

/*
 * Errors: each input has one problem; the message is exact.
 */

#define H	"[hours]\ntimezone = UTC\n"
#define HM	H "mon = 09:00-17:00\n"
#define TEAM	"[team \"t\"]\nmembers = a@x.com, b@x.com\n"

struct err_case {
	const char	*in;
	const char	*msg;
	int		 code;
};

static const struct err_case err_cases[] = {
	/* sections */
	{ "[rule]\n", "t.ini:1: unknown section [rule]", ERR_CONFIG },
	{ "[rules \"x\"]\n", "t.ini:1: [rules] takes no name", ERR_CONFIG },
	{ "[team]\n", "t.ini:1: [team] needs a name: [team \"name\"]",
	  ERR_CONFIG },
	{ "[agent]\n", "t.ini:1: [agent] needs a name: [agent \"address\"]",
	  ERR_CONFIG },
	{ "[rules\n", "t.ini:1: malformed section header", ERR_CONFIG },
	{ "[rules] x\n", "t.ini:1: malformed section header", ERR_CONFIG },
	{ "[]\n", "t.ini:1: malformed section header", ERR_CONFIG },
	{ "[team \"a\" b]\n", "t.ini:1: malformed section header",
	  ERR_CONFIG },
	{ "[team \"a]\n", "t.ini:1: unterminated name in section header",
	  ERR_CONFIG },
	{ "[team \" a\"]\n", "t.ini:1: invalid name \" a\" in [team]: 1 to "
	  "128 bytes, no '\"', no blanks at either end", ERR_CONFIG },
	{ "[hours \"\"]\n", "t.ini:1: invalid name \"\" in [hours]: 1 to "
	  "128 bytes, no '\"', no blanks at either end", ERR_CONFIG },
	{ "[rules]\n[rules]\n",
	  "t.ini:2: duplicate section [rules] (first on line 1)", ERR_CONFIG },
	{ HM "[hours]\n",
	  "t.ini:4: duplicate section [hours] (first on line 1)", ERR_CONFIG },
	{ TEAM "[team \"t\"]\nmembers = c@x.com\n",
	  "t.ini:3: duplicate section [team \"t\"] (first on line 1)",
	  ERR_CONFIG },
	{ "[hours \"s\"]\ntimezone = UTC\nmon = 09:00-17:00\n"
	  "[hours \"s\"]\ntimezone = UTC\nmon = 09:00-17:00\n",
	  "t.ini:4: duplicate section [hours \"s\"] (first on line 1)",
	  ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\n[agent \"A@X.com\"]\n",
	  "t.ini:4: duplicate section [agent \"a@x.com\"] (first on line 3)",
	  ERR_CONFIG },
	{ "[agent \"bob\"]\n", "t.ini:1: invalid address \"bob\" in [agent]",
	  ERR_CONFIG },
	{ TEAM "[agent \"c@x.com\"]\n", "t.ini:3: [agent \"c@x.com\"]: no "
	  "team has this address as a member", ERR_CONFIG },
	/* lines and keys */
	{ "name = x\n", "t.ini:1: key outside any section", ERR_CONFIG },
	{ "[rules]\ncount_cc\n", "t.ini:2: expected key = value", ERR_CONFIG },
	{ HM "timezon = UTC\n", "t.ini:4: unknown key \"timezon\" in [hours]",
	  ERR_CONFIG },
	{ "[rules]\ncount_cc = yes\ncount_cc = no\n", "t.ini:3: duplicate key "
	  "\"count_cc\" in [rules] (first on line 2)", ERR_CONFIG },
	{ "[rules]\nCount_CC = yes\ncount_cc = no\n", "t.ini:3: duplicate key "
	  "\"count_cc\" in [rules] (first on line 2)", ERR_CONFIG },
	{ "[rules]\n\x01\n", "t.ini:2: control character (byte 1)",
	  ERR_CONFIG },
	{ "[organization]\nname = a\xff\n", "t.ini:2: invalid UTF-8 (byte 9)",
	  ERR_CONFIG },
	{ "[organization]\nname = a\xed\xa0\x80\n",
	  "t.ini:2: invalid UTF-8 (byte 9)", ERR_CONFIG },
	{ "[organization]\nname = \"Acme; Co\n",
	  "t.ini:2: unterminated quoted value", ERR_CONFIG },
	{ "[organization]\nname = \"Acme\" Co\n",
	  "t.ini:2: text after quoted value", ERR_CONFIG },
	{ "[organization]\nname = Acme \"Co\"\n", "t.ini:2: invalid value "
	  "\"Acme \"Co\"\" for name: at most 256 bytes, no '\"'", ERR_CONFIG },
	/* enums, booleans, durations */
	{ "[rules]\ntime_source = maybe\n", "t.ini:2: invalid value \"maybe\" "
	  "for time_source: expected date or received", ERR_CONFIG },
	{ "[rules]\nclock_start = oldest\n", "t.ini:2: invalid value "
	  "\"oldest\" for clock_start: expected parent or oldest-unanswered",
	  ERR_CONFIG },
	{ "[rules]\nvisibility =\n", "t.ini:2: invalid value \"\" for "
	  "visibility: expected addressed or all", ERR_CONFIG },
	{ "[rules]\ncount_cc = si\n", "t.ini:2: invalid value \"si\" for "
	  "count_cc: expected yes or no", ERR_CONFIG },
	{ "[rules]\noutlier_cap = 30\n", "t.ini:2: malformed duration \"30\" "
	  "for outlier_cap: expected a whole number with unit s, m, h or d",
	  ERR_CONFIG },
	{ "[rules]\noutlier_cap = 30 d\n", "t.ini:2: malformed duration "
	  "\"30 d\" for outlier_cap: expected a whole number with unit s, m, "
	  "h or d", ERR_CONFIG },
	{ "[rules]\noutlier_cap = 1.5h\n", "t.ini:2: malformed duration "
	  "\"1.5h\" for outlier_cap: expected a whole number with unit s, m, "
	  "h or d", ERR_CONFIG },
	{ "[rules]\noutlier_cap = -1d\n", "t.ini:2: malformed duration "
	  "\"-1d\" for outlier_cap: expected a whole number with unit s, m, "
	  "h or d", ERR_CONFIG },
	{ "[rules]\noutlier_cap = 3651d\n", "t.ini:2: duration \"3651d\" for "
	  "outlier_cap out of range: 0 to 3650d", ERR_CONFIG },
	{ "[rules]\noutlier_cap = 9999999999999d\n", "t.ini:2: malformed "
	  "duration \"9999999999999d\" for outlier_cap: expected a whole "
	  "number with unit s, m, h or d", ERR_CONFIG },
	{ "[rules]\nsla_targets = 0\n", "t.ini:2: duration \"0\" for "
	  "sla_targets out of range: 1s to 3650d", ERR_CONFIG },
	{ "[rules]\nsla_targets = 1h, 60m\n",
	  "t.ini:2: duplicate duration 1h in sla_targets", ERR_CONFIG },
	{ "[rules]\nsla_targets = 1h,,4h\n",
	  "t.ini:2: empty item in sla_targets", ERR_CONFIG },
	{ "[rules]\nsla_targets = ,\n",
	  "t.ini:2: empty item in sla_targets", ERR_CONFIG },
	{ "[rules]\nsla_targets = 1h,\n",
	  "t.ini:2: list sla_targets ends with ','", ERR_CONFIG },
	{ "[rules]\nsla_targets = 1h,\n\ncount_cc = no\n",
	  "t.ini:3: list sla_targets ends with ','", ERR_CONFIG },
	{ "[rules]\nsla_targets = 1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s, 9s, 10s, "
	  "11s, 12s, 13s, 14s, 15s, 16s, 17s, 18s, 19s, 20s, 21s, 22s, 23s, "
	  "24s, 25s, 26s, 27s, 28s, 29s, 30s, 31s, 32s, 33s\n",
	  "t.ini:2: too many items in sla_targets (limit 32)", ERR_CONFIG },
	/* schedules */
	{ "[hours]\nmon = 09:00-17:00\n",
	  "t.ini:1: missing key \"timezone\" in [hours]", ERR_CONFIG },
	{ "[hours \"x\"]\ntimezone = UTC\n", "t.ini:1: [hours \"x\"] has no "
	  "open hours: give at least one weekday a window", ERR_CONFIG },
	{ HM "tue = 9-17\n", "t.ini:4: malformed time window \"9-17\" in tue: "
	  "expected HH:MM-HH:MM", ERR_CONFIG },
	{ HM "tue = 09:00-25:00\n", "t.ini:4: malformed time window "
	  "\"09:00-25:00\" in tue: expected HH:MM-HH:MM", ERR_CONFIG },
	{ HM "tue = 24:00-01:00\n", "t.ini:4: malformed time window "
	  "\"24:00-01:00\" in tue: expected HH:MM-HH:MM", ERR_CONFIG },
	{ HM "tue = 09:60-10:00\n", "t.ini:4: malformed time window "
	  "\"09:60-10:00\" in tue: expected HH:MM-HH:MM", ERR_CONFIG },
	{ HM "tue = 0900-1000\n", "t.ini:4: malformed time window "
	  "\"0900-1000\" in tue: expected HH:MM-HH:MM", ERR_CONFIG },
	{ HM "tue = 09:00-09:00\n",
	  "t.ini:4: empty time window \"09:00-09:00\" in tue", ERR_CONFIG },
	{ HM "tue = 09:00-12:00, 11:00-13:00\n", "t.ini:4: time windows "
	  "09:00-12:00 and 11:00-13:00 overlap in tue", ERR_CONFIG },
	{ HM "tue = 23:30-23:45, 22:00-06:00\n", "t.ini:4: time windows "
	  "22:00-06:00 and 23:30-23:45 overlap in tue", ERR_CONFIG },
	{ HM "holidays = 2025-13-01\n", "t.ini:4: malformed date \"2025-13-01\" "
	  "in holidays: expected YYYY-MM-DD in 1970-2099", ERR_CONFIG },
	{ HM "holidays = 2025-02-29\n", "t.ini:4: malformed date \"2025-02-29\" "
	  "in holidays: expected YYYY-MM-DD in 1970-2099", ERR_CONFIG },
	{ HM "holidays = 1969-12-31\n", "t.ini:4: malformed date \"1969-12-31\" "
	  "in holidays: expected YYYY-MM-DD in 1970-2099", ERR_CONFIG },
	{ HM "holidays = 2025-1-1\n", "t.ini:4: malformed date \"2025-1-1\" "
	  "in holidays: expected YYYY-MM-DD in 1970-2099", ERR_CONFIG },
	{ HM "holidays = 2025-12-25, 2025-12-25\n",
	  "t.ini:4: duplicate date 2025-12-25 in holidays", ERR_CONFIG },
	{ HM "partial = 2025-12-24\n", "t.ini:4: malformed partial day "
	  "\"2025-12-24\" in partial: expected YYYY-MM-DD HH:MM-HH:MM",
	  ERR_CONFIG },
	{ HM "partial = 13:00-14:00\n", "t.ini:4: time window \"13:00-14:00\" "
	  "in partial needs a date before it", ERR_CONFIG },
	{ HM "partial = 2025-12-24 09:00-12:00, 2025-12-24 13:00-14:00\n",
	  "t.ini:4: duplicate date 2025-12-24 in partial", ERR_CONFIG },
	{ HM "partial = 2025-12-24 09:00-12:00, 11:00-14:00\n",
	  "t.ini:4: time windows 09:00-12:00 and 11:00-14:00 overlap in "
	  "partial", ERR_CONFIG },
	{ HM "holidays = 2025-12-24\npartial = 2025-12-24 09:00-12:00\n",
	  "t.ini:5: 2025-12-24 is both a holiday and a partial day",
	  ERR_CONFIG },
	{ "[hours]\ntimezone = ../etc/passwd\nmon = 09:00-17:00\n",
	  "t.ini:2: time zone name \"../etc/passwd\": not an IANA name (1-255 "
	  "bytes of A-Z a-z 0-9 / _ + -, no leading '/', no \"..\")",
	  ERR_CONFIG },
	{ "[hours]\ntimezone =\nmon = 09:00-17:00\n",
	  "t.ini:2: invalid time zone \"\" for timezone", ERR_CONFIG },
	/* teams, agents, references */
	{ "[team \"t\"]\n", "t.ini:1: missing key \"members\" in [team \"t\"]",
	  ERR_CONFIG },
	{ "[team \"t\"]\nmembers =\n", "t.ini:1: [team \"t\"] has no members",
	  ERR_CONFIG },
	{ "[team \"t\"]\nmembers = alice\n",
	  "t.ini:2: invalid address \"alice\" in members", ERR_CONFIG },
	{ "[team \"t\"]\nmembers = Alice <a@x.com>\n",
	  "t.ini:2: invalid address \"Alice <a@x.com>\" in members",
	  ERR_CONFIG },
	{ "[team \"t\"]\nmembers = a@x..com\n",
	  "t.ini:2: invalid address \"a@x..com\" in members", ERR_CONFIG },
	{ "[team \"t\"]\nmembers = a@x.com, A@X.COM\n",
	  "t.ini:2: \"a@x.com\" appears twice in members", ERR_CONFIG },
	{ TEAM "hours = nope\n", "t.ini:1: [team \"t\"]: hours = \"nope\" "
	  "names no [hours \"nope\"] section", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\nhours = nope\n", "t.ini:3: [agent "
	  "\"a@x.com\"]: hours = \"nope\" names no [hours \"nope\"] section",
	  ERR_CONFIG },
	{ TEAM "hours = \" x\"\n",
	  "t.ini:3: invalid schedule name \" x\" for hours", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\naliases = b@x.com\n", "t.ini:3: [agent "
	  "\"a@x.com\"]: alias \"b@x.com\" is a team member", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\naliases = A@x.com\n", "t.ini:3: [agent "
	  "\"a@x.com\"]: alias \"a@x.com\" is a team member", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\naliases = z@x.com\n"
	  "[agent \"b@x.com\"]\naliases = z@x.com\n", "t.ini:5: [agent "
	  "\"b@x.com\"]: alias \"z@x.com\" is also an alias of \"a@x.com\"",
	  ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\naliases = z@x.com, Z@x.com\n",
	  "t.ini:4: \"z@x.com\" appears twice in aliases", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\nleave = 2025-08-01..\n", "t.ini:4: "
	  "malformed date range \"2025-08-01..\" in leave: expected YYYY-MM-DD "
	  "or YYYY-MM-DD..YYYY-MM-DD", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\nleave = 2025-08-14..2025-08-01\n",
	  "t.ini:4: range \"2025-08-14..2025-08-01\" in leave ends before it "
	  "starts", ERR_CONFIG },
	{ TEAM "[agent \"a@x.com\"]\nleave = 2025-08-01..2025-08-14, "
	  "2025-08-10\n", "t.ini:4: 2025-08-10 appears twice in leave",
	  ERR_CONFIG },
	{ "[organization]\ninternal_domains = @example.com\n",
	  "t.ini:2: invalid domain \"@example.com\" in internal_domains",
	  ERR_CONFIG },
	{ "[organization]\ninternal_domains = example.com, Example.COM\n",
	  "t.ini:2: \"example.com\" appears twice in internal_domains",
	  ERR_CONFIG },
	{ "[team \"t\"]\nmembers = a@x.com,\n[rules]\n",
	  "t.ini:3: list members ends with ','", ERR_CONFIG },
};

static void
test_errors(void)
{
	for (size_t i = 0; i < nitems(err_cases); i++) {
		const struct err_case	*c = &err_cases[i];
		struct config		*cfg = NULL;
		struct err		 err;
		int			 rc;

		err_clear(&err);
		rc = parse(c->in, &cfg, &err);
		t_eq_i64(rc, -1, "case %zu fails", i);
		t_ok(cfg == NULL, "case %zu: nothing returned", i);
		t_eq_mem(err.msg, strlen(err.msg), c->msg, "case %zu message", i);
		t_eq_i64(err.code, c->code, "case %zu code", i);
		config_free(cfg);
	}
}

static void
test_unknown_zone(void)
{
	struct config	*cfg = NULL;
	struct err	 err;
	const char	*want = "t.ini:2: time zone Mars/Base: unknown";

	t_eq_i64(parse("[hours]\ntimezone = Mars/Base\nmon = 09:00-17:00\n",
	    &cfg, &err), -1, "unknown zone");
	t_ok(strncmp(err.msg, want, strlen(want)) == 0, "message: %s",
	    err.msg);
	t_eq_i64(err.code, ERR_CONFIG, "code");
}

static void
test_many_errors(void)
{
	struct config	*cfg = NULL;
	struct err	 err;
	struct buf	 diag;
	const char	*in = "[rules]\ncount_cc = si\nfoo = 1\n[bogus]\nx = 1\n"
	    "[hours]\nmon = 09:00-17:00\n";
	const char	*want = "t.ini:2: invalid value \"si\" for count_cc: "
	    "expected yes or no\n"
	    "t.ini:3: unknown key \"foo\" in [rules]\n"
	    "t.ini:4: unknown section [bogus]\n"
	    "t.ini:6: missing key \"timezone\" in [hours]\n";

	buf_init(&diag, 0);
	t_eq_i64(config_parse_diag(in, strlen(in), "t.ini", &cfg, &diag, &err),
	    -1, "fails");
	t_eq_mem(err.msg, strlen(err.msg), "t.ini:2: invalid value \"si\" "
	    "for count_cc: expected yes or no (and 3 more errors)", "first");
	t_eq_mem(diag.data, diag.len, want, "every error, keys of a bad "
	    "section skipped");
	buf_free(&diag);

	/* A file of nothing but errors stops at CONFIG_MAX_ERRORS. */
	{
		struct buf	in2;
		size_t		lines = 0;

		buf_init(&in2, 0);
		buf_init(&diag, 0);
		for (int i = 0; i < 200; i++)
			buf_puts(&in2, "junk\n");
		t_eq_i64(config_parse_diag(in2.data, in2.len, "t.ini", &cfg,
		    &diag, &err), -1, "all junk");
		for (size_t i = 0; i < diag.len; i++)
			lines += diag.data[i] == '\n';
		t_eq_i64(lines, CONFIG_MAX_ERRORS, "errors reported");
		t_ok(strstr(err.msg, "(and 49 more errors)") != NULL, "%s",
		    err.msg);
		buf_free(&in2);
		buf_free(&diag);
	}
}

static void
test_limits(void)
{
	struct config	*cfg = NULL;
	struct err	 err;
	struct buf	 b;
	char		*big;

	/* A line one byte over the limit. */
	buf_init(&b, 0);
	buf_puts(&b, "[organization]\nname = ");
	for (int i = 0; i < CONFIG_MAX_LINE - 6; i++)
		buf_addc(&b, 'x');
	buf_addc(&b, '\n');
	t_eq_i64(config_parse(b.data, b.len, "t.ini", &cfg, &err), -1, "long");
	t_eq_mem(err.msg, strlen(err.msg),
	    "t.ini:2: line too long (limit 4096 bytes)", "long message");
	t_eq_i64(err.code, ERR_LIMIT, "long code");
	buf_free(&b);

	/* Too many sections. */
	buf_init(&b, 0);
	for (int i = 0; i <= CONFIG_MAX_SECTIONS; i++)
		buf_addf(&b, "[team \"t%d\"]\nmembers = a@x.com\n", i);
	t_eq_i64(config_parse(b.data, b.len, "t.ini", &cfg, &err), -1,
	    "sections");
	t_eq_i64(err.code, ERR_LIMIT, "sections code");
	t_ok(strstr(err.msg, "t.ini:20001: too many sections (limit 10000)") !=
	    NULL, "sections message: %s", err.msg);
	buf_free(&b);

	/* Too many items in one list, through continuation lines. */
	buf_init(&b, 0);
	buf_puts(&b, "[team \"t\"]\nmembers = a0@x.com");
	for (int i = 1; i <= CONFIG_MAX_ITEMS; i++)
		buf_addf(&b, ",\n a%d@x.com", i);
	buf_addc(&b, '\n');
	t_eq_i64(config_parse(b.data, b.len, "t.ini", &cfg, &err), -1, "items");
	t_eq_mem(err.msg, strlen(err.msg),
	    "t.ini:10002: too many items in members (limit 10000)", "items");
	t_eq_i64(err.code, ERR_LIMIT, "items code");
	buf_free(&b);

	/* The whole input. */
	big = xcalloc(CONFIG_MAX_BYTES + 1, 1);
	memset(big, '\n', CONFIG_MAX_BYTES + 1);
	t_eq_i64(config_parse(big, CONFIG_MAX_BYTES + 1, "t.ini", &cfg, &err),
	    -1, "big");
	t_eq_mem(err.msg, strlen(err.msg),
	    "t.ini: file too large (limit 1048576 bytes)", "big message");
	t_eq_i64(err.code, ERR_LIMIT, "big code");
	t_eq_i64(config_parse(big, CONFIG_MAX_BYTES, "t.ini", &cfg, &err), 0,
	    "at the limit");
	config_free(cfg);
	free(big);
}

/*
 * Syntax that must be accepted.
 */

static void
test_whitespace(void)
{
	const char *in =
	    "  [ organization ]  \n"
	    "\tname\t=\t  Acme   Corp  \t\n"
	    "internal_domains=a.com,b.com ,  c.com\n"
	    "[  team   \"Customer Success\"  ]\n"
	    "   members    =    x@a.com   \n";
	struct config	*cfg = NULL;
	struct err	 err;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	t_ok(strcmp(cfg->org.name, "Acme   Corp") == 0, "inner blanks kept");
	t_eq_i64(cfg->org.internal_domains.n, 3, "domains");
	t_ok(strcmp(cfg->org.internal_domains.v[1], "b.com") == 0, "b.com");
	t_ok(strcmp(cfg->teams[0].name, "Customer Success") == 0, "team name");
	config_free(cfg);
	check_round_trip(in, "whitespace");
}

static void
test_crlf_bom(void)
{
	const char	*crlf = "[organization]\r\nname = Acme\r\n\r\n[team \"t\"]"
	    "\r\nmembers = a@x.com ; comment\r\n";
	const char	*bom = "\xef\xbb\xbf[organization]\nname = Acme\n";
	const char	*bom2 = "[organization]\n\xef\xbb\xbfname = Acme\n";
	struct config	*cfg = NULL;
	struct err	 err;

	t_eq_i64(parse(crlf, &cfg, &err), 0, "CRLF: %s", err.msg);
	if (cfg != NULL) {
		t_ok(strcmp(cfg->org.name, "Acme") == 0, "no CR in value");
		t_ok(strcmp(cfg->agents[0].addr, "a@x.com") == 0, "member");
		config_free(cfg);
	}
	cfg = NULL;
	t_eq_i64(parse(bom, &cfg, &err), 0, "BOM: %s", err.msg);
	if (cfg != NULL)
		t_ok(strcmp(cfg->org.name, "Acme") == 0, "BOM skipped");
	config_free(cfg);
	cfg = NULL;
	/* Only at the very start: elsewhere it is text. */
	t_eq_i64(parse(bom2, &cfg, &err), -1, "BOM inside");
	t_ok(strstr(err.msg, "t.ini:2: expected key = value") == NULL &&
	    strstr(err.msg, "t.ini:2: unknown key") != NULL, "%s", err.msg);
	cfg = NULL;
	t_eq_i64(parse("[rules]\rcount_cc = no\n", &cfg, &err), -1,
	    "lone CR");
	t_eq_mem(err.msg, strlen(err.msg),
	    "t.ini:1: control character (byte 8)", "lone CR message");
}

static void
test_comments(void)
{
	const char *in =
	    "# hash comment\n"
	    "; semicolon comment\n"
	    "[rules] # after a header\n"
	    "count_cc = no# no blank needed\n"
	    "visibility = all;x\n"
	    "sla_targets = 1h ; 2h\n"
	    "   ; indented comment\n"
	    "[organization]\n"
	    "name = \"Acme; Co #1\"   ; quoted keeps ; and #\n";
	struct config	*cfg = NULL;
	struct err	 err;
	char		*p;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	t_eq_i64(cfg->rules.count_cc, 0, "count_cc");
	t_eq_i64(cfg->rules.visibility, CONFIG_VIS_ALL, "visibility");
	t_eq_i64(cfg->rules.sla_targets.n, 1, "comment ends list");
	t_ok(strcmp(cfg->org.name, "Acme; Co #1") == 0, "quoted name");
	p = print_new(cfg);
	t_ok(strstr(p, "name = \"Acme; Co #1\"\n") != NULL, "printed quoted");
	free(p);
	config_free(cfg);
	check_round_trip(in, "comments");
}

static void
test_case(void)
{
	const char *in =
	    "[RULES]\nTime_Source = Received\nClock_Start = OLDEST-UNANSWERED\n"
	    "exclude_internal = No\nexclude_lists = off\ncount_cc = FALSE\n"
	    "[Hours]\nTimeZone = UTC\nMON = 9:00-17:00\n"
	    "[team \"T\"]\nmembers = Alice@Example.COM\n"
	    "[team \"t\"]\nmembers = bob@example.com\n"
	    "[organization]\ninternal_domains = Example.COM\n";
	struct config	*cfg = NULL;
	struct err	 err;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	t_eq_i64(cfg->rules.time_source, CONFIG_TIME_RECEIVED, "received");
	t_eq_i64(cfg->rules.clock_start, CONFIG_CLOCK_OLDEST_UNANSWERED,
	    "oldest");
	t_ok(!cfg->rules.exclude_internal && !cfg->rules.exclude_lists &&
	    !cfg->rules.count_cc, "booleans");
	t_eq_i64(cfg->hours->week[CONFIG_MON].v[0].start, 540, "H:MM");
	t_eq_i64(cfg->nteams, 2, "team names are case-sensitive");
	t_ok(strcmp(cfg->agents[0].addr, "alice@example.com") == 0,
	    "address lower-cased");
	t_ok(strcmp(cfg->org.internal_domains.v[0], "example.com") == 0,
	    "domain lower-cased");
	config_free(cfg);
	check_round_trip(in, "case");
}

static void
test_continuation(void)
{
	const char *in =
	    "[team \"big\"]\n"
	    "members = a@x.com, b@x.com,   ; first line\n"
	    "\tc@x.com,\n"
	    "; d@x.com, (commented out)\n"
	    "\te@x.com\n"
	    "hours =\n";
	struct config	*cfg = NULL;
	struct err	 err;
	struct buf	 b;
	char		*p;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg != NULL) {
		t_eq_i64(cfg->teams[0].members.n, 4, "members");
		t_ok(strcmp(cfg->teams[0].members.v[3], "e@x.com") == 0, "e");
		t_ok(cfg->teams[0].hours_name == NULL, "empty hours: not set");
	}
	config_free(cfg);

	/* Long lists print wrapped, within the line limit, and read back. */
	buf_init(&b, 0);
	buf_puts(&b, "[team \"big\"]\nmembers = ");
	for (int i = 0; i < 300; i++)
		buf_addf(&b, "%sagent.number.%d@support.example.com",
		    i == 0 ? "" : i % 10 == 0 ? ",\n" : ",", i);
	buf_addc(&b, '\n');
	cfg = NULL;
	t_eq_i64(parse(b.data, &cfg, &err), 0, "300 members: %s", err.msg);
	if (cfg != NULL) {
		size_t	col = 0, maxcol = 0;

		p = print_new(cfg);
		for (const char *c = p; *c; c++) {
			col = *c == '\n' ? 0 : col + 1;
			maxcol = col > maxcol ? col : maxcol;
		}
		t_ok(maxcol <= 76, "wrapped at 76 (%zu)", maxcol);
		t_ok(strstr(p, "members = agent.number.0@support.example.com,\n"
		    "\tagent.number.1@support.example.com,\n") != NULL,
		    "wrap format");
		free(p);
	}
	config_free(cfg);
	check_round_trip(b.data, "wrapped list");
	buf_free(&b);
}

static void
test_windows(void)
{
	const char *in =
	    "[hours]\ntimezone = Asia/Kolkata\n"
	    "mon = 22:00-06:00\n"
	    "tue = 13:00-17:30, 09:00-12:00\n"
	    "wed = 00:00-24:00\n"
	    "thu = 9:05 - 17:00\n"
	    "fri = 18:00-24:00, 00:00-02:00\n"
	    "partial = 2025-12-31 09:00-12:00, 13:00-15:00, "
	    "2025-12-24 22:00-02:00\n";
	const char *want_hours =
	    "[hours]\n"
	    "timezone = Asia/Kolkata\n"
	    "mon = 22:00-06:00\n"
	    "tue = 09:00-12:00, 13:00-17:30\n"
	    "wed = 00:00-24:00\n"
	    "thu = 09:05-17:00\n"
	    "fri = 00:00-02:00, 18:00-24:00\n"
	    "sat =\n"
	    "sun =\n"
	    "holidays =\n"
	    "partial = 2025-12-24 22:00-02:00, 2025-12-31 09:00-12:00, "
	    "13:00-15:00\n";
	struct config	*cfg = NULL;
	struct err	 err;
	char		*p;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	t_eq_i64(cfg->hours->week[CONFIG_MON].v[0].end, 360, "overnight end");
	t_eq_i64(cfg->hours->week[CONFIG_TUE].v[0].start, 540, "sorted");
	t_eq_i64(cfg->hours->week[CONFIG_WED].v[0].end, 1440, "24:00");
	t_eq_i64(cfg->hours->partial.v[1].windows.n, 2, "partial windows");
	p = print_new(cfg);
	t_ok(strstr(p, want_hours) != NULL, "canonical print:\n%s", p);
	free(p);
	config_free(cfg);
	check_round_trip(in, "windows");
}

static void
test_durations(void)
{
	static const struct {
		const char	*in;
		int64_t		 secs;
		const char	*print;
	} cases[] = {
		{ "0", 0, "0" },
		{ "0s", 0, "0" },
		{ "45s", 45, "45s" },
		{ "90s", 90, "90s" },
		{ "120s", 120, "2m" },
		{ "90m", 5400, "90m" },
		{ "3600s", 3600, "1h" },
		{ "1d", 86400, "24h" },
		{ "24h", 86400, "24h" },
		{ "48h", 172800, "2d" },
		{ "3650d", 315360000, "3650d" },
		{ "007m", 420, "7m" },
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		struct config	*cfg = NULL;
		struct err	 err;
		char		 in[128], want[128], *p;

		snprintf(in, sizeof(in), "[rules]\noutlier_cap = %s\n",
		    cases[i].in);
		if (parse(in, &cfg, &err) == -1) {
			t_ok(0, "%s: %s", cases[i].in, err.msg);
			continue;
		}
		t_eq_i64(cfg->rules.outlier_cap, cases[i].secs, "%s",
		    cases[i].in);
		snprintf(want, sizeof(want), "outlier_cap = %s\n",
		    cases[i].print);
		p = print_new(cfg);
		t_ok(strstr(p, want) != NULL, "%s prints %s", cases[i].in,
		    cases[i].print);
		free(p);
		config_free(cfg);
	}
	{
		struct config	*cfg = NULL;
		struct err	 err;
		char		*p;

		t_eq_i64(parse("[rules]\nsla_targets = 2d, 30m, 24h\n", &cfg,
		    &err), 0, "sla");
		if (cfg == NULL)
			return;
		p = print_new(cfg);
		t_ok(strstr(p, "sla_targets = 30m, 24h, 2d\n") != NULL,
		    "sla sorted");
		free(p);
		config_free(cfg);
	}
}

static void
test_leave_and_holidays(void)
{
	const char *in =
	    "[team \"t\"]\nmembers = a@x.com\n"
	    "[agent \"a@x.com\"]\n"
	    "leave = 2025-10-03, 2025-08-01 .. 2025-08-14, 2024-02-29\n"
	    "[hours]\ntimezone = UTC\nmon = 09:00-17:00\n"
	    "holidays = 2026-01-01, 2025-12-25\n";
	struct config	*cfg = NULL;
	struct err	 err;
	char		*p;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	p = print_new(cfg);
	t_ok(strstr(p, "leave = 2024-02-29, 2025-08-01..2025-08-14, "
	    "2025-10-03\n") != NULL, "leave sorted:\n%s", p);
	t_ok(strstr(p, "holidays = 2025-12-25, 2026-01-01\n") != NULL,
	    "holidays sorted");
	t_eq_i64(cfg->agents[0].leave.v[0].first, 19782, "2024-02-29");
	free(p);
	config_free(cfg);
	check_round_trip(in, "leave");
}

/*
 * Agents: order, teams, aliases, lookup, schedules.
 */

static const char agents_in[] =
    "[agent \"carol@x.com\"]\n"			/* before its team */
    "aliases = c@x.com, Carol.Private@Home.org\n"
    "hours = late\n"
    "[team \"sales\"]\n"
    "members = dave@x.com, bob@x.com\n"
    "[team \"support\"]\n"
    "members = bob@x.com, carol@x.com, alice@x.com\n"
    "hours = late\n"
    "[team \"night\"]\n"
    "members = alice@x.com, erin@x.com\n"
    "[hours \"late\"]\ntimezone = UTC\nmon = 12:00-20:00\n"
    "[hours]\ntimezone = Europe/Paris\ntue = 09:00-17:00\n";

static void
test_agent_order(void)
{
	static const char *const want[] = { "dave@x.com", "bob@x.com",
	    "carol@x.com", "alice@x.com", "erin@x.com" };
	struct config	*cfg = NULL;
	struct err	 err;

	t_eq_i64(parse(agents_in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	t_eq_i64(cfg->nagents, nitems(want), "agents");
	for (size_t i = 0; i < nitems(want) && i < cfg->nagents; i++)
		t_ok(strcmp(cfg->agents[i].addr, want[i]) == 0, "agent %zu: %s",
		    i, cfg->agents[i].addr);
	/* bob: sales then support; alice: support then night. */
	t_eq_i64(cfg->agents[1].nteams, 2, "bob's teams");
	t_eq_i64(cfg->agents[1].teams[0], 0, "bob in sales");
	t_eq_i64(cfg->agents[1].teams[1], 1, "bob in support");
	t_eq_i64(cfg->agents[3].teams[0], 1, "alice first in support");
	t_eq_i64(cfg->agents[3].teams[1], 2, "alice then night");
	t_eq_i64(cfg->teams[1].member_agent[0], 1, "support[0] is bob");
	t_eq_i64(cfg->teams[1].member_agent[2], 3, "support[2] is alice");
	t_eq_i64(cfg->teams[2].member_agent[1], 4, "night[1] is erin");
	t_eq_i64(cfg->agents[2].line, 1, "carol's section joined");
	t_eq_i64(cfg->agents[2].aliases.n, 2, "carol's aliases");
	config_free(cfg);
	check_round_trip(agents_in, "agents");
}

static void
test_agent_find(void)
{
	static const struct {
		const char	*addr;
		int		 agent;		/* -1: not found */
	} cases[] = {
		{ "dave@x.com", 0 },
		{ "DAVE@X.COM", 0 },
		{ "carol@x.com", 2 },
		{ "c@x.com", 2 },
		{ "carol.private@home.org", 2 },
		{ "Carol.Private@HOME.org", 2 },
		{ "erin@x.com", 4 },
		{ "frank@x.com", -1 },
		{ "", -1 },
		{ "dave@x.co", -1 },
	};
	struct config	*cfg = NULL, *def;
	struct err	 err;
	size_t		 idx;

	t_eq_i64(parse(agents_in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < nitems(cases); i++) {
		int rc = config_agent_find(cfg, str_cstr(cases[i].addr), &idx);

		if (cases[i].agent < 0)
			t_eq_i64(rc, -1, "%s not found", cases[i].addr);
		else {
			t_eq_i64(rc, 0, "%s found", cases[i].addr);
			t_eq_i64(idx, cases[i].agent, "%s", cases[i].addr);
		}
	}
	def = config_default();
	t_eq_i64(config_agent_find(def, STR("a@b.c"), &idx), -1, "no agents");
	config_free(def);
	config_free(cfg);
}

static void
test_schedules(void)
{
	struct config			*cfg = NULL;
	struct err			 err;
	const struct config_schedule	*late, *def;

	t_eq_i64(parse(agents_in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	late = &cfg->schedules[0];
	def = cfg->hours;
	t_ok(config_team_schedule(cfg, 0) == def, "sales: default");
	t_ok(config_team_schedule(cfg, 1) == late, "support: late");
	t_ok(config_agent_schedule(cfg, 0) == def, "dave: sales' default");
	t_ok(config_agent_schedule(cfg, 1) == def, "bob: first team sales");
	t_ok(config_agent_schedule(cfg, 2) == late, "carol: her own");
	t_ok(config_agent_schedule(cfg, 3) == late, "alice: support's");
	t_ok(config_agent_schedule(cfg, 4) == def, "erin: night's default");
	config_free(cfg);

	cfg = NULL;
	t_eq_i64(parse("[team \"t\"]\nmembers = a@x.com\n", &cfg, &err), 0,
	    "no hours");
	if (cfg != NULL)
		t_ok(config_agent_schedule(cfg, 0) == NULL &&
		    config_team_schedule(cfg, 0) == NULL, "24/7");
	config_free(cfg);
}

static void
test_internal_domains(void)
{
	static const struct {
		const char	*domain;
		int		 internal;
	} cases[] = {
		{ "example.com", 1 },
		{ "EXAMPLE.com", 1 },
		{ "mail.example.com", 1 },
		{ "a.b.example.co.uk", 1 },
		{ "badexample.com", 0 },
		{ "example.com.evil.org", 0 },
		{ "com", 0 },
		{ "", 0 },
	};
	struct config	*cfg = NULL;
	struct err	 err;

	t_eq_i64(parse("[organization]\ninternal_domains = example.com, "
	    "example.co.uk\n", &cfg, &err), 0, "parses");
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < nitems(cases); i++)
		t_eq_i64(config_domain_internal(cfg,
		    str_cstr(cases[i].domain)), cases[i].internal, "%s",
		    cases[i].domain);
	config_free(cfg);
}

static void
test_quoted_names(void)
{
	const char *in =
	    "[team \"Tier 2; EMEA\"]\nmembers = a@x.com\n"
	    "hours = \"EU # late\"\n"
	    "[hours \"EU # late\"]\ntimezone = Europe/Berlin\n"
	    "sun = 10:00-11:00\n"
	    "[team \"Übersee-Support\"]\nmembers = b@x.com\n";
	struct config	*cfg = NULL;
	struct err	 err;
	char		*p;

	t_eq_i64(parse(in, &cfg, &err), 0, "parses: %s", err.msg);
	if (cfg == NULL)
		return;
	t_ok(strcmp(cfg->teams[0].name, "Tier 2; EMEA") == 0, "; in name");
	t_ok(cfg->teams[0].hours == &cfg->schedules[0], "quoted reference");
	t_ok(strcmp(cfg->teams[1].name, "Übersee-Support") == 0, "UTF-8");
	p = print_new(cfg);
	t_ok(strstr(p, "[team \"Tier 2; EMEA\"]\nmembers = a@x.com\n"
	    "hours = \"EU # late\"\n") != NULL, "printed:\n%s", p);
	free(p);
	config_free(cfg);
	check_round_trip(in, "quoted names");
}

static void
test_round_trips(void)
{
	check_round_trip(SPEC_EXAMPLE, "spec");
	check_round_trip("", "empty");
	check_round_trip("[rules]\noutlier_cap = 0\nsla_targets =\n"
	    "visibility = all\n", "no cap, no targets");
	check_round_trip("[hours \"only\"]\ntimezone = UTC\nsat = 00:00-24:00\n"
	    "[team \"t\"]\nmembers = a@x.com\nhours = only\n", "named only");
}

static void
test_load(void)
{
	char		 path[] = "/tmp/test_config.XXXXXX";
	struct config	*cfg = NULL;
	struct err	 err;
	FILE		*f;
	int		 fd;

	if ((fd = mkstemp(path)) == -1) {
		t_ok(0, "mkstemp");
		return;
	}
	f = fdopen(fd, "w");
	fputs(SPEC_EXAMPLE, f);
	fclose(f);
	t_eq_i64(config_load(path, &cfg, &err), 0, "loads: %s", err.msg);
	if (cfg != NULL)
		t_eq_i64(cfg->nagents, 2, "agents");
	config_free(cfg);

	f = fopen(path, "w");
	fputs("[rules]\ncount_cc = maybe\n", f);
	fclose(f);
	cfg = NULL;
	t_eq_i64(config_load(path, &cfg, &err), -1, "bad file");
	t_ok(strncmp(err.msg, path, strlen(path)) == 0 &&
	    strcmp(err.msg + strlen(path), ":2: invalid value \"maybe\" for "
	    "count_cc: expected yes or no") == 0, "names the path: %s",
	    err.msg);
	unlink(path);

	t_eq_i64(config_load(path, &cfg, &err), -1, "missing");
	t_eq_i64(err.code, ERR_IO, "missing: ERR_IO");
	t_ok(strstr(err.msg, "No such file") != NULL, "%s", err.msg);
	t_eq_i64(config_load("/tmp", &cfg, &err), -1, "directory");
	t_eq_i64(err.code, ERR_IO, "directory: ERR_IO");
}

/* docs/configuration.md embeds config_doc(); they must not drift. */
static void
test_docs(void)
{
	const char	*dir = getenv("RT_SOURCE_DIR");
	const char	*begin = "<!-- BEGIN config_doc -->\n";
	const char	*end = "<!-- END config_doc -->";
	char		*path, *text = NULL, *s, *e;
	struct buf	 b;
	FILE		*f;
	long		 n;

	path = xasprintf("%s/docs/configuration.md", dir ? dir : ".");
	if ((f = fopen(path, "r")) == NULL) {
		t_ok(0, "cannot open %s", path);
		free(path);
		return;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = xcalloc((size_t)n + 1, 1);
	t_eq_i64(fread(text, 1, (size_t)n, f), n, "read");
	fclose(f);
	buf_init(&b, 0);
	config_doc(&b);
	s = strstr(text, begin);
	e = s ? strstr(s, end) : NULL;
	t_ok(s != NULL && e != NULL, "markers in %s", path);
	if (s != NULL && e != NULL) {
		s += strlen(begin);
		t_eq_mem(s, (size_t)(e - s), b.data, "generated reference is "
		    "current: paste config_doc() output");
	}
	buf_free(&b);
	free(text);
	free(path);
}

static const struct t_case cases[] = {
	{ "spec_example", test_spec_example },
	{ "defaults", test_defaults },
	{ "errors", test_errors },
	{ "unknown_zone", test_unknown_zone },
	{ "many_errors", test_many_errors },
	{ "limits", test_limits },
	{ "whitespace", test_whitespace },
	{ "crlf_bom", test_crlf_bom },
	{ "comments", test_comments },
	{ "case", test_case },
	{ "continuation", test_continuation },
	{ "windows", test_windows },
	{ "durations", test_durations },
	{ "leave_and_holidays", test_leave_and_holidays },
	{ "agent_order", test_agent_order },
	{ "agent_find", test_agent_find },
	{ "schedules", test_schedules },
	{ "internal_domains", test_internal_domains },
	{ "quoted_names", test_quoted_names },
	{ "round_trips", test_round_trips },
	{ "load", test_load },
	{ "docs", test_docs },
};
T_MAIN(cases)
