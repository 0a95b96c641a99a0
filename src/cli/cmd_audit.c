/*
 * cmd_audit.c: replytime audit verify|list: the audit log of a tenant's
 * dashboard (docs/security.md).  verify checks the hash chain and names
 * the first broken entry; it needs no key file.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../base/civil.h"
#include "cmd.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: replytime audit verify --db PATH --tenant NAME\n"
	    "       replytime audit list --db PATH --tenant NAME\n"
	    "\n"
	    "verify checks the hash chain of the tenant's audit log: exit "
	    "status 0 and\nthe number of entries with the last hash (keep it "
	    "to notice a cut-off\nlog later), or 1 and the first entry that "
	    "was edited or deleted.  list\nprints every entry: seq, time, "
	    "actor (user id, 0: command line),\noperation, object, client "
	    "address.\n");
}

static int
on_entry(void *arg, const struct store_audit *e, struct err *err)
{
	char	iso[40];

	civil_fmt_iso(e->at, iso, sizeof(iso));
	printf("%" PRId64 "\t%s\t%" PRId64 "\t%s\t%s\t%s\n", e->seq, iso,
	    e->actor, e->op, e->object, e->ip);
	return 0;
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char		*db = NULL, *tenant = NULL, *verb;
	struct store_tenant	 t;
	struct audit_report	 r;
	struct store		*st;
	struct err		 err;
	int			 ch, rc;

	if (cmd_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	verb = argv[1];
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 't': tenant = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (db == NULL || tenant == NULL || (strcmp(verb, "verify") != 0 &&
	    strcmp(verb, "list") != 0)) {
		usage(stderr);
		return 2;
	}
	if (store_open(db, &st, &err) == -1)
		return cmd_error("audit: %s", err.msg);
	if ((rc = store_tenant_get(st, tenant, &t, &err)) != 0) {
		store_close(st);
		return rc == 1 ? cmd_error("audit: no tenant \"%s\"", tenant) :
		    cmd_error("audit: %s", err.msg);
	}
	if (strcmp(verb, "list") == 0)
		rc = store_audit_scan(st, t.id, 1, 0, 0, on_entry, NULL, &err);
	else
		rc = audit_verify(st, t.id, &r, &err);
	store_tenant_clear(&t);
	store_close(st);
	if (rc == -1)
		return cmd_error("audit: %s", err.msg);
	if (strcmp(verb, "list") == 0)
		return 0;
	if (r.bad_seq != 0) {
		printf("audit: BROKEN at entry %" PRId64 ": %s\n", r.bad_seq,
		    r.why);
		return 1;
	}
	printf("audit: %" PRId64 " entr%s, chain intact, head ", r.entries,
	    r.entries == 1 ? "y" : "ies");
	for (int i = 0; i < STORE_HASH_LEN; i++)
		printf("%02x", r.head[i]);
	printf("\n");
	return 0;
}
