/*
 * cmd_tenant.c: replytime tenant create|list, and replytime settings
 * set|get: the tenants of a database and their stored configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/archive.h"
#include "cmd.h"

struct args {
	const char	*db, *tenant, *key;
	int		 yes;
};

/* Parses --db, --tenant, --key-file; returns optind or -1. */
static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	int	c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:t:k:y", opts, NULL)) != -1) {
		switch (c) {
		case 'y': a->yes = 1; break;
		case 'd': a->db = optarg; break;
		case 't': a->tenant = optarg; break;
		case 'k': a->key = optarg; break;
		default: return -1;
		}
	}
	return optind;
}

static void
tenant_usage(FILE *f)
{
	fprintf(f, "usage: replytime tenant create --db PATH --tenant NAME "
	    "[--key-file FILE]\n"
	    "       replytime tenant list --db PATH\n"
	    "       replytime tenant terminate --db PATH --tenant NAME\n"
	    "       replytime tenant delete --db PATH --tenant NAME --yes\n"
	    "\n"
	    "terminate marks a tenant for deletion after the grace period "
	    "(replytime purge);\ndelete erases every row of the tenant and "
	    "its data key now, so copies of\nits rows in old backups cannot "
	    "be read any more.\n");
}

static int
print_tenant(void *arg, const struct store_tenant *t, struct err *err)
{
	printf("%s\t%s\n", t->name, t->state == STORE_TENANT_ACTIVE ?
	    "active" : "terminated");
	return 0;
}

/* Destroys tenant tid's data key in the keyring of st's database. */
static int
destroy_key(struct store *st, const struct args *a, int64_t tid,
    struct err *err)
{
	char	*kp = NULL, *dir = NULL;
	int	 rc;

	rc = vault_key_path(a->key, a->db, &kp, err) == -1 ||
	    archive_keyring_dir(st, kp, &dir, err) == -1 ||
	    keyring_destroy(dir, tid, err) == -1 ? -1 : 0;
	free(kp);
	free(dir);
	return rc;
}

/* Deletes (now) or terminates (purged after the grace period) a tenant.
 * Needs no key file, only its place: the tenant's data key is destroyed
 * in the keyring beside it, which makes its rows unreadable everywhere,
 * old backups included, and then its rows are erased. */
static int
tenant_end(const struct args *a, int erase)
{
	struct store_tenant	 t;
	struct store		*st;
	struct err		 err;
	char			 detail[200];
	int			 r;

	if (erase && !a->yes) {
		fprintf(stderr, "replytime: tenant delete erases all of "
		    "\"%s\"'s data and its key; add --yes to confirm\n",
		    a->tenant);
		return 2;
	}
	if (store_open(a->db, &st, &err) == -1)
		return cmd_error("tenant: %s", err.msg);
	memset(&t, 0, sizeof(t));
	if ((r = store_tenant_get(st, a->tenant, &t, &err)) != 0) {
		store_close(st);
		if (r == 1)
			return cmd_error("tenant: no tenant \"%s\"", a->tenant);
		return cmd_error("tenant: %s", err.msg);
	}
	snprintf(detail, sizeof(detail), "tenant %lld %s", (long long)t.id,
	    erase ? "deleted with its data key" : "terminated");
	/* The key goes first: even if erasing the rows failed, they could
	 * no longer be read, here or in any backup. */
	r = erase ? destroy_key(st, a, t.id, &err) : 0;
	if (r == 0)
		r = erase ? store_tenant_erase(st, t.id, &err) :
		    store_tenant_terminate(st, t.id, time(NULL), &err);
	if (r == 0)
		r = store_log_add(st, STORE_SYSTEM, time(NULL), erase ?
		    "tenant-delete" : "tenant-terminate", detail, &err);
	store_tenant_clear(&t);
	store_close(st);
	if (r == -1)
		return cmd_error("tenant: %s", err.msg);
	fprintf(stderr, "tenant \"%s\" %s\n", a->tenant, erase ?
	    "deleted: its rows and data key are gone" :
	    "terminated: replytime purge deletes it after the grace period");
	return 0;
}

int
cmd_tenant(int argc, char **argv)
{
	struct archive	 ar;
	struct store	*st;
	struct args	 a;
	struct err	 err;

	if (cmd_wants_help(argc, argv)) {
		tenant_usage(stdout);
		return 0;
	}
	if (argc < 2 || parse_args(argc - 1, argv + 1, &a) == -1) {
		tenant_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "create") == 0 && a.db && a.tenant) {
		if (archive_open(a.db, a.key, a.tenant, ARCHIVE_CREATE, &ar,
		    &err) == -1)
			return cmd_error("tenant create: %s", err.msg);
		fprintf(stderr, "tenant \"%s\" created with its own data key\n",
		    a.tenant);
		archive_close(&ar);
		return 0;
	}
	if (strcmp(argv[1], "list") == 0 && a.db) {
		if (store_open(a.db, &st, &err) == -1)
			return cmd_error("tenant list: %s", err.msg);
		if (store_tenant_list(st, print_tenant, NULL, &err) == -1) {
			store_close(st);
			return cmd_error("tenant list: %s", err.msg);
		}
		store_close(st);
		return 0;
	}
	if ((strcmp(argv[1], "delete") == 0 || strcmp(argv[1], "terminate") ==
	    0) && a.db && a.tenant)
		return tenant_end(&a, strcmp(argv[1], "delete") == 0);
	tenant_usage(stderr);
	return 2;
}

static void
settings_usage(FILE *f)
{
	fprintf(f, "usage: replytime settings set --db PATH --tenant NAME "
	    "[--key-file F] FILE\n"
	    "       replytime settings get --db PATH --tenant NAME "
	    "[--key-file F]\n"
	    "\n"
	    "Stores a tenant's configuration (docs/configuration.md), checked "
	    "first, or\nprints the stored one.\n");
}

int
cmd_settings(int argc, char **argv)
{
	struct archive	 ar;
	struct config	*cfg = NULL;
	struct buf	 ini;
	struct args	 a;
	struct err	 err;
	FILE		*f;
	char		 chunk[4096];
	size_t		 n;
	int		 i, r, rc = 0;

	if (cmd_wants_help(argc, argv)) {
		settings_usage(stdout);
		return 0;
	}
	if (argc < 2 || (i = parse_args(argc - 1, argv + 1, &a)) == -1 ||
	    a.db == NULL || a.tenant == NULL) {
		settings_usage(stderr);
		return 2;
	}
	i++;
	buf_init(&ini, CONFIG_MAX_BYTES);
	if (strcmp(argv[1], "set") == 0 && i == argc - 1) {
		if ((f = fopen(argv[i], "r")) == NULL)
			return cmd_error("settings set: %s: cannot open",
			    argv[i]);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&ini, chunk, n);
		fclose(f);
		if (buf_check(&ini, &err) == -1) {
			buf_free(&ini);
			return cmd_error("settings set: %s: %s", argv[i],
			    err.msg);
		}
		if (cmd_archive_open(a.db, a.key, a.tenant, &ar,
		    &err) == -1 || archive_settings_put(&ar, ini.data ?
		    ini.data : "", ini.len, argv[i], &err) == -1)
			rc = cmd_error("settings set: %s", err.msg);
		else
			fprintf(stderr, "settings set: %s stored as the "
			    "settings of tenant \"%s\"\n", argv[i], a.tenant);
	} else if (strcmp(argv[1], "get") == 0 && i == argc) {
		if (cmd_archive_open(a.db, a.key, a.tenant, &ar, &err) == -1)
			rc = cmd_error("settings get: %s", err.msg);
		else if ((r = archive_settings_get(&ar, &cfg, &ini, &err)) ==
		    -1)
			rc = cmd_error("settings get: %s", err.msg);
		else if (r == 1)
			rc = cmd_error("settings get: tenant \"%s\" has no "
			    "settings", a.tenant);
		else
			fwrite(ini.data, 1, ini.len, stdout);
	} else {
		settings_usage(stderr);
		buf_free(&ini);
		return 2;
	}
	config_free(cfg);
	buf_free(&ini);
	archive_close(&ar);
	return rc;
}
