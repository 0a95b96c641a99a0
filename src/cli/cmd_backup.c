/*
 * cmd_backup.c: replytime backup, restore and purge: the operations a
 * scheduler runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/xmalloc.h"
#include "../store/archive.h"
#include "../store/store.h"
#include "../vault/vault.h"
#include "cmd.h"

#define DAY	86400

struct opts {
	const char	*db, *key, *out, *in;
	int64_t		 grace, retention, now;
	int		 force;
};

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "in", required_argument, NULL, 'i' },
		{ "grace-days", required_argument, NULL, 'g' },
		{ "log-days", required_argument, NULL, 'l' },
		{ "now", required_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	int	 c;
	long	 v;

	memset(o, 0, sizeof(*o));
	o->grace = 120 * (int64_t)DAY;
	o->retention = 180 * (int64_t)DAY;
	o->now = time(NULL);
	while ((c = getopt_long(argc, argv, "d:k:o:i:g:l:n:f", lo, NULL)) !=
	    -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'k': o->key = optarg; break;
		case 'o': o->out = optarg; break;
		case 'i': o->in = optarg; break;
		case 'f': o->force = 1; break;
		case 'g':
		case 'l':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 36500)
				return cmd_error("--%s: \"%s\" is not a number "
				    "of days", c == 'g' ? "grace-days" :
				    "log-days", optarg);
			*(c == 'g' ? &o->grace : &o->retention) = v * DAY;
			break;
		case 'n':
			if (cmd_parse_time(optarg, &o->now) == -1)
				return cmd_error("--now: \"%s\" is not an "
				    "ISO 8601 time", optarg);
			break;
		default:
			return 2;
		}
	}
	return optind == argc && o->db != NULL ? 0 : 2;
}

/* The master key for o's database: --key-file, the environment or the
 * default path; *m_out is the caller's to free. */
static int
load_master(const struct opts *o, struct vault_master **m_out,
    struct err *err)
{
	char	*kp = NULL;
	int	 rc;

	rc = vault_init(err) == -1 || vault_key_path(o->key, o->db, &kp,
	    err) == -1 || vault_master_load(kp, m_out, err) == -1 ? -1 : 0;
	free(kp);
	return rc;
}

static void
backup_usage(FILE *f)
{
	fprintf(f, "usage: replytime backup --db PATH --out FILE "
	    "[--key-file F]\n\nA consistent online copy of the "
	    "database, encrypted with a key derived from\nthe master "
	    "key (restore it with replytime restore).\n");
}

static void
restore_usage(FILE *f)
{
	fprintf(f, "usage: replytime restore --in FILE --db PATH "
	    "[--key-file F] [--force]\n\nBrings a backup back as the "
	    "database PATH; an existing database is\nreplaced only "
	    "with --force.\n");
}

static void
purge_usage(FILE *f)
{
	fprintf(f, "usage: replytime purge --db PATH "
	    "[--grace-days N] [--log-days N] [--now T]\n\nDeletes "
	    "tenants terminated more than N days ago (default 120) "
	    "with\ntheir keys, and processing logs older than N days "
	    "(default 180).\nMeant for a daily scheduler.\n");
}

int
cmd_backup(int argc, char **argv)
{
	struct vault_master	*m = NULL;
	struct store		*st = NULL;
	struct opts		 o;
	struct err		 err;
	char			*tmp = NULL;
	int			 in = -1, out = -1, rc = 1;

	if (cmd_wants_help(argc, argv)) {
		backup_usage(stdout);
		return 0;
	}
	if ((rc = parse(argc, argv, &o)) != 0 || o.out == NULL) {
		if (rc != 1)
			backup_usage(stderr);
		return rc == 1 ? 1 : 2;
	}
	rc = 1;
	if (load_master(&o, &m, &err) == -1 ||
	    store_open(o.db, &st, &err) == -1)
		goto out;
	tmp = xasprintf("%s.partial", o.out);
	/* The online copy (already field-encrypted), then the whole file
	 * encrypted; the plain copy is removed whatever happens. */
	if (store_backup_to(st, tmp, &err) == -1)
		goto out;
	if ((in = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = open(o.out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		err_set_errno(&err, ERR_IO, "%s", in == -1 ? tmp : o.out);
		goto out;
	}
	if (vault_backup_encrypt(m, in, out, &err) == -1 || fsync(out) == -1)
		goto out;
	fprintf(stderr, "backup: %s written (master key %s)\n", o.out,
	    vault_master_id(m));
	rc = 0;
out:
	if (rc != 0) {
		cmd_error("backup: %s", err.msg);
		if (out != -1)
			unlink(o.out);
	}
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	vault_master_free(m);
	if (st != NULL)
		store_close(st);
	return rc;
}

int
cmd_restore(int argc, char **argv)
{
	struct vault_master	*m = NULL;
	struct store		*st = NULL;
	struct opts		 o;
	struct err		 err;
	char			*tmp = NULL;
	int			 in = -1, out = -1, rc = 1;

	if (cmd_wants_help(argc, argv)) {
		restore_usage(stdout);
		return 0;
	}
	if ((rc = parse(argc, argv, &o)) != 0 || o.in == NULL) {
		if (rc != 1)
			restore_usage(stderr);
		return rc == 1 ? 1 : 2;
	}
	rc = 1;
	if (!o.force && access(o.db, F_OK) == 0) {
		fprintf(stderr, "replytime: restore: %s exists; add --force "
		    "to replace it\n", o.db);
		return 1;
	}
	if (load_master(&o, &m, &err) == -1)
		goto out;
	tmp = xasprintf("%s.restoring", o.db);
	if ((in = open(o.in, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		err_set_errno(&err, ERR_IO, "%s", in == -1 ? o.in : tmp);
		goto out;
	}
	if (vault_backup_decrypt(m, in, out, &err) == -1 || fsync(out) == -1)
		goto out;
	close(out);
	out = -1;
	/* It must open as a database before it replaces anything. */
	if (store_open(tmp, &st, &err) == -1)
		goto out;
	store_close(st);
	st = NULL;
	if (rename(tmp, o.db) == -1) {
		err_set_errno(&err, ERR_IO, "%s", o.db);
		goto out;
	}
	free(tmp);
	tmp = NULL;
	fprintf(stderr, "restore: %s restored from %s\n", o.db, o.in);
	rc = 0;
out:
	if (rc != 0)
		cmd_error("restore: %s", err.msg);
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	vault_master_free(m);
	return rc;
}

struct purge {
	struct store	*st;
	char		*keyring;
	int64_t		 n;
};

static int
purge_one(void *arg, const struct store_tenant *t, struct err *err)
{
	struct purge	*p = arg;
	char		 d[100];

	snprintf(d, sizeof(d), "tenant %lld purged after its grace period",
	    (long long)t->id);
	if (keyring_destroy(p->keyring, t->id, err) == -1 ||
	    store_tenant_erase(p->st, t->id, err) == -1 ||
	    store_log_add(p->st, STORE_SYSTEM, time(NULL), "purge", d, err)
	    == -1)
		return -1;
	p->n++;
	return 0;
}

int
cmd_purge(int argc, char **argv)
{
	struct purge	p = { 0 };
	struct opts	o;
	struct err	err;
	int64_t		logs = 0;

	int		rc;

	if (cmd_wants_help(argc, argv)) {
		purge_usage(stdout);
		return 0;
	}
	if ((rc = parse(argc, argv, &o)) != 0) {
		if (rc != 1)
			purge_usage(stderr);
		return rc == 1 ? 1 : 2;
	}
	char		*kp = NULL;

	if (store_open(o.db, &p.st, &err) == -1)
		return cmd_error("purge: %s", err.msg);
	if (vault_key_path(o.key, o.db, &kp, &err) == -1 ||
	    archive_keyring_dir(p.st, kp, &p.keyring, &err) == -1 ||
	    store_tenant_terminated_before(p.st, o.now - o.grace, purge_one,
	    &p, &err) == -1 || store_log_purge(p.st, o.now - o.retention,
	    &logs, &err) == -1) {
		store_close(p.st);
		free(kp);
		free(p.keyring);
		return cmd_error("purge: %s", err.msg);
	}
	store_close(p.st);
	free(kp);
	free(p.keyring);
	fprintf(stderr, "purge: %" PRId64 " tenants deleted, %" PRId64
	    " log entries removed\n", p.n, logs);
	return 0;
}
