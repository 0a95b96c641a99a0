/*
 * cmd_report.c: replytime report: read mail files, run the engine of
 * metrics spec version 1, print the report as text, JSON or CSV.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../ingest/source.h"
#include "../mail/meta.h"
#include "../metric/config.h"
#include "../metric/engine.h"
#include "../report/report.h"
#include "../store/archive.h"
#include "cmd.h"

#define DEFAULT_AGENTS	10	/* most active senders taken as agents */

enum rfmt { RF_TEXT, RF_JSON, RF_CSV };

struct feed {
	struct meta_parser	*mp;
	struct engine		*e;
	uint64_t		 malformed;
};

static int
on_message(void *arg, const struct source_msg *sm, struct err *err)
{
	struct feed	*f = arg;
	struct msg_meta	 m;

	meta_parse(f->mp, sm->hdr, &m);
	if (m.bad_flags || (sm->flags & (SOURCE_TRUNCATED |
	    SOURCE_NO_BODY_SEP)))
		f->malformed++;
	engine_add(f->e, &m);
	return 0;
}

static int
digits(const char *s, int n, int *out)
{
	int	v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * ISO 8601 as the command line takes it: 2025-01-01 (midnight UTC),
 * 2025-01-01T09:00, 2025-01-01T09:00:00, each optionally followed by Z
 * or an offset +01:00.  Returns 0 or -1.
 */
int
cmd_parse_time(const char *s, int64_t *t_out)
{
	int	y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 1;
	size_t	n = strlen(s), i = 10;

	if (n < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > (mo == 12 ? 31 :
	    civil_to_days(y, mo + 1, 1) - civil_to_days(y, mo, 1)))
		return -1;
	if (i < n && (s[i] == 'T' || s[i] == ' ')) {
		if (n < i + 6 || digits(s + i + 1, 2, &h) || s[i + 3] != ':' ||
		    digits(s + i + 4, 2, &mi))
			return -1;
		i += 6;
		if (i < n && s[i] == ':') {
			if (n < i + 3 || digits(s + i + 1, 2, &se))
				return -1;
			i += 3;
		}
		if (h > 23 || mi > 59 || se > 59)
			return -1;
	}
	if (i < n && s[i] == 'Z')
		i++;
	else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '-' ? -1 : 1;
		if (n < i + 6 || digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		i += 6;
	}
	if (i != n)
		return -1;
	*t_out = civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

/*
 * Without --config: the most active senders are agents (one team), every
 * one else external; a mailbox that is mostly list mail is read with
 * exclude_lists = no, or nothing would be left to measure.
 */
static struct config *
default_config(struct engine *e, struct buf *note)
{
	struct str	 top[DEFAULT_AGENTS];
	struct config	*cfg;
	struct buf	 ini;
	struct err	 err;
	double		 lists;
	size_t		 n;
	int		 lists_ok;

	engine_top_senders(e, 1, 0, top, &lists);
	lists_ok = lists > 0.5;
	n = engine_top_senders(e, !lists_ok, DEFAULT_AGENTS, top, &lists);
	buf_init(&ini, 0);
	buf_puts(&ini, "[rules]\n");
	if (lists_ok)
		buf_puts(&ini, "exclude_lists = no\n");
	if (n > 0) {
		buf_puts(&ini, "[team \"most active senders\"]\nmembers = ");
		for (size_t i = 0; i < n; i++) {
			buf_puts(&ini, i ? ", " : "");
			buf_addstr(&ini, top[i]);
		}
		buf_addc(&ini, '\n');
	}
	if (config_parse(ini.data, ini.len, "(default)", &cfg, &err) == -1) {
		/* An address the INI reader cannot take: go without. */
		cfg = config_default();
		n = 0;
	}
	buf_free(&ini);
	buf_addf(note, "No --config given: the %zu most active senders are "
	    "taken as agents (team \"most active senders\") and everyone "
	    "else as external%s.\nWrite a configuration to name your teams, "
	    "internal domains and business hours: see docs/configuration.md, "
	    "and check it with \"replytime config check FILE\".\n", n,
	    lists_ok ? "; most messages carry mailing-list headers, so lists "
	    "are not treated as automated (exclude_lists = no)" : "");
	return cfg;
}

/*
 * A tenant's stored mail into a new engine, under *cfg (from --config),
 * else the tenant's stored settings.
 */
static int
load_archive(const char *db, const char *key_file, const char *tenant,
    struct archive *ar, struct config **cfg, struct engine **e,
    struct keyed **kc, struct err *err)
{
	struct buf	ini;
	int		r;

	if (cmd_archive_open(db, key_file, tenant, ar, err) == -1)
		return -1;
	if (*cfg == NULL) {
		buf_init(&ini, 0);
		r = archive_settings_get(ar, cfg, &ini, err);
		buf_free(&ini);
		if (r == -1)
			return -1;
		if (r == 1)
			return err_set(err, ERR_USAGE, "tenant \"%s\" has no "
			    "settings: store them with replytime settings "
			    "set, or give --config", tenant);
	}
	return archive_load(ar, *cfg, e, kc, err);
}

static void
report_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime report [--config FILE] [--from T] [--to T] "
	    "[--now T]\n"
	    "                        [--format text|json|csv] SOURCE...\n"
	    "       replytime report --db PATH --tenant NAME [--key-file F] "
	    "[options]\n"
	    "\n"
	    "Reads the header blocks of every message in each SOURCE (as scan "
	    "does) and\nprints reply times, first reply times, messages "
	    "awaiting a reply and volumes\nper group (all, each team, each "
	    "agent), as metrics spec version 1 defines them.\n"
	    "\n"
	    "  --config FILE   teams, internal domains, business hours, rules "
	    "(INI);\n"
	    "                  without it the most active senders are taken "
	    "as agents\n"
	    "  --from T        start of the period (default: first message)\n"
	    "  --to T          end of the period, exclusive (default: just "
	    "after the last)\n"
	    "  --now T         instant for \"awaiting\" (default: the end of "
	    "the period)\n"
	    "  --format F      text (default), json (spec section 12) or "
	    "csv\n"
	    "\n"
	    "  --db, --tenant  report from a tenant's stored mail (replytime "
	    "import),\n"
	    "                  under its stored settings unless --config is "
	    "given\n"
	    "\n"
	    "T is ISO 8601: 2025-01-01, 2025-01-01T09:00:00Z or "
	    "2025-01-01T10:00:00+01:00.\n");
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "now", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'F' },
		{ "db", required_argument, NULL, 'D' },
		{ "tenant", required_argument, NULL, 'T' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_opts	 ro = { 0 };
	struct feed		 f = { 0 };
	struct source_stats	 st = { 0 };
	struct config		*cfg = NULL;
	struct report		*r = NULL;
	const char		*cfg_path = NULL, *db = NULL, *tenant = NULL;
	const char		*key_file = NULL;
	struct archive		 ar;
	struct keyed		*kc = NULL;
	struct buf		 out, note, diag;
	struct err		 err;
	enum rfmt		 fmt = RF_TEXT;
	int			 c, failed = 0, nread = 0;

	memset(&ar, 0, sizeof(ar));
	while ((c = getopt_long(argc, argv, "c:f:t:n:F:D:T:K:h", opts,
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
		case 'c':
			cfg_path = optarg;
			break;
		case 'f':
		case 't':
		case 'n':
			if (cmd_parse_time(optarg, c == 'f' ? &ro.from :
			    c == 't' ? &ro.to : &ro.now) == -1)
				return cmd_error("report: --%s: \"%s\" is not "
				    "an ISO 8601 date or time", c == 'f' ?
				    "from" : c == 't' ? "to" : "now", optarg);
			*(c == 'f' ? &ro.has_from : c == 't' ? &ro.has_to :
			    &ro.has_now) = 1;
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				fmt = RF_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = RF_JSON;
			else if (strcmp(optarg, "csv") == 0)
				fmt = RF_CSV;
			else
				return cmd_error("report: unknown format "
				    "\"%s\" (text, json or csv)", optarg);
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			report_usage(stderr);
			return 2;
		}
	}
	if ((db == NULL) != (tenant == NULL) || (db == NULL && optind >= argc) ||
	    (db != NULL && optind < argc)) {
		report_usage(stderr);
		return 2;
	}
	buf_init(&diag, 0);
	if (cfg_path != NULL &&
	    config_load_diag(cfg_path, &cfg, &diag, &err) == -1) {
		if (diag.len > 0)
			fputs(diag.data, stderr);
		else
			cmd_error("report: %s", err.msg);
		buf_free(&diag);
		return cmd_error("report: the configuration did not load; "
		    "nothing was analysed");
	}
	buf_free(&diag);
	f.mp = meta_parser_new();
	buf_init(&note, 0);
	buf_init(&out, 0);
	if (db != NULL) {
		if (load_archive(db, key_file, tenant, &ar, &cfg, &f.e, &kc,
		    &err) == -1) {
			failed = cmd_error("report: %s", err.msg);
			goto done;
		}
	} else {
		f.e = engine_new();
		for (int i = optind; i < argc; i++)
			if (source_scan(argv[i], on_message, &f, &st, &err) ==
			    -1) {
				cmd_error("%s", err.msg);
				failed = 1;
			} else
				nread++;
		/* Not one source read: the error alone, no empty report. */
		if (nread == 0)
			goto done;
	}
	if (cfg == NULL)
		cfg = default_config(f.e, &note);
	if (engine_run(f.e, cfg, &ro, &r, &err) == -1) {
		failed = cmd_error("report: %s", err.msg);
		goto done;
	}
	if (note.len > 0 && fmt != RF_TEXT)
		fputs(note.data, stderr);
	if (f.malformed > 0)
		fprintf(stderr, "replytime: %" PRIu64 " malformed messages "
		    "were read as well as they could be (replytime scan lists "
		    "them)\n", f.malformed);
	if (fmt == RF_JSON)
		report_json(r, &out);
	else if (fmt == RF_CSV)
		report_csv(r, &out);
	else {
		if (note.len > 0) {
			buf_addstr(&out, buf_str(&note));
			buf_addc(&out, '\n');
		}
		report_text(r, &out);
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0)
		failed = cmd_error("standard output: write failed");
done:
	report_free(r);
	buf_free(&out);
	buf_free(&note);
	engine_free(f.e);
	keyed_free(kc);
	if (db != NULL)
		archive_close(&ar);
	meta_parser_free(f.mp);
	config_free(cfg);
	return failed;
}
