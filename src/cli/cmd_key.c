/*
 * cmd_key.c: replytime key init|rotate: the master key file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/archive.h"
#include "cmd.h"

static void
key_usage(FILE *f)
{
	fprintf(f, "usage: replytime key init [--key-file FILE] [--db PATH]\n"
	    "       replytime key rotate --db PATH [--key-file OLD] "
	    "--new-key-file NEW\n"
	    "\n"
	    "init creates a new master key file (mode 0600; never over an "
	    "existing one).\nrotate re-wraps every tenant's data key under the "
	    "key in NEW (create it with\ninit first); keep OLD until the "
	    "database has been backed up again.\n");
}

struct rot {
	struct store		*st;
	char			*keyring;	/* beside the old key */
	char			*newring;	/* beside the new key */
	struct vault_master	*old_m, *new_m;
	int			 n;
};

/* After a rotation into another folder: the old key files go. */
static int
drop_old(void *arg, const struct store_tenant *t, struct err *err)
{
	struct rot	*r = arg;

	return keyring_destroy(r->keyring, t->id, err);
}

static int
rewrap_one(void *arg, const struct store_tenant *t, struct err *err)
{
	struct rot	*r = arg;
	unsigned char	*w = NULL;
	size_t		 wn = 0;
	int		 rc;

	unsigned char	*old = NULL;
	size_t		 on = 0;
	struct vault_tkey *k = NULL;

	/* Already under the new key (a rotation that stopped half way)? */
	if (keyring_get(r->newring, t->id, &old, &on, NULL) == 0) {
		if (vault_tkey_unwrap(r->new_m, (uint64_t)t->id, old, on, &k,
		    NULL) == 0) {
			vault_tkey_free(k);
			free(old);
			return 0;
		}
		free(old);
	}
	if ((rc = keyring_get(r->keyring, t->id, &old, &on, err)) == 1)
		return 0;	/* a deleted tenant's key: nothing to do */
	if (rc == -1)
		return -1;
	rc = vault_tkey_rewrap(r->old_m, r->new_m, (uint64_t)t->id, old, on,
	    &w, &wn, err);
	if (rc == 0)
		rc = keyring_put(r->newring, t->id, w, wn, err);
	free(old);
	free(w);
	if (rc == 0)
		r->n++;
	return rc;
}

int
cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ "new-key-file", required_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char		*key = NULL, *newkey = NULL, *db = NULL;
	char			*path = NULL, *newpath = NULL, *stored = NULL;
	struct vault_master	*m = NULL;
	struct rot		 r = { 0 };
	struct err		 err;
	int			 c, rc = 1;

	if (cmd_wants_help(argc, argv)) {
		key_usage(stdout);
		return 0;
	}
	if (argc < 2) {
		key_usage(stderr);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "k:n:d:", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'n': newkey = optarg; break;
		case 'd': db = optarg; break;
		default: key_usage(stderr); return 2;
		}
	}
	if (vault_init(&err) == -1)
		return cmd_error("key: %s", err.msg);
	if (strcmp(argv[1], "init") == 0) {
		if (vault_key_path(key, db, &path, &err) == -1 ||
		    vault_master_create(path, &m, &err) == -1)
			rc = cmd_error("key init: %s", err.msg);
		else {
			fprintf(stderr, "key init: created %s (key %s): keep "
			    "it apart from the database, and back it up\n",
			    path, vault_master_id(m));
			rc = 0;
		}
		vault_master_free(m);
		free(path);
		return rc;
	}
	if (strcmp(argv[1], "rotate") != 0 || db == NULL || newkey == NULL) {
		key_usage(stderr);
		return 2;
	}
	if (vault_key_path(key, db, &path, &err) == -1 ||
	    vault_master_load(path, &r.old_m, &err) == -1 ||
	    vault_key_path(newkey, db, &newpath, &err) == -1 ||
	    vault_master_load(newpath, &r.new_m, &err) == -1 ||
	    store_open(db, &r.st, &err) == -1)
		goto out;
	if (store_meta_get(r.st, "master_key_id", &stored, &err) == -1)
		goto out;
	if (stored != NULL && strcmp(stored, vault_master_id(r.old_m)) != 0) {
		err_set(&err, ERR_CONFIG, "%s is not this database's key "
		    "(key %s wrapped its data keys)", path, stored);
		goto out;
	}
	/* Each key file is replaced atomically; a rotation that stops half
	 * way can be run again (keys already under the new key are left).
	 * The database records the new key only when all are done. */
	if (archive_keyring_dir(r.st, path, &r.keyring, &err) == -1 ||
	    archive_keyring_dir(r.st, newpath, &r.newring, &err) == -1 ||
	    store_tenant_list(r.st, rewrap_one, &r, &err) == -1 ||
	    store_meta_put(r.st, "master_key_id", vault_master_id(r.new_m),
	    &err) == -1)
		goto out;
	if (strcmp(r.keyring, r.newring) != 0 &&
	    store_tenant_list(r.st, drop_old, &r, &err) == -1)
		goto out;
	fprintf(stderr, "key rotate: %d data keys re-wrapped under key %s\n",
	    r.n, vault_master_id(r.new_m));
	rc = 0;
out:
	if (rc != 0)
		cmd_error("key rotate: %s", err.msg);
	free(stored);
	free(path);
	free(newpath);
	free(r.keyring);
	free(r.newring);
	vault_master_free(r.old_m);
	vault_master_free(r.new_m);
	if (r.st != NULL)
		store_close(r.st);
	return rc;
}
