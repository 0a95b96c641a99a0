/*
 * cmd_export.c: replytime export: all of a tenant's data as CSV files
 * with a manifest, decrypted with the tenant's key (the customer's copy
 * of its data, on request).  The tables come from export_csv.h; this
 * file writes them to files and checksums them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "../base/civil.h"
#include "../base/json.h"
#include "../base/xmalloc.h"
#include "../store/archive.h"
#include "../export/export_csv.h"
#include "cmd.h"

struct out_file {
	const char	*name;
	FILE		*f;
	uint64_t	 rows;
	crypto_hash_sha256_state sha;
};

struct exp {
	struct archive		*a;
	struct out_file		 files[EXPORT_NTABLES];
};

/* export_line_fn: a line of table t to its file and its checksum. */
static int
emit(void *arg, enum export_table t, const char *line, size_t len,
    int header, struct err *err)
{
	struct exp	*x = arg;
	struct out_file	*o = &x->files[t];

	crypto_hash_sha256_update(&o->sha, (const unsigned char *)line, len);
	if (fwrite(line, 1, len, o->f) != len)
		return err_set_errno(err, ERR_IO, "export: %s", o->name);
	if (!header)
		o->rows++;
	return 0;
}

static int
open_files(struct exp *x, const char *dir, struct err *err)
{
	const char	*name;
	char		*p;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return err_set_errno(err, ERR_IO, "export: %s", dir);
	for (int i = 0; i < EXPORT_NTABLES; i++) {
		name = export_table_file((enum export_table)i);
		x->files[i].name = name;
		crypto_hash_sha256_init(&x->files[i].sha);
		p = xasprintf("%s/%s", dir, name);
		x->files[i].f = fopen(p, "wx");
		free(p);
		if (x->files[i].f == NULL)
			return err_set_errno(err, ERR_IO, "export: %s/%s "
			    "(an export never overwrites)", dir, name);
	}
	return 0;
}

static int
write_manifest(struct exp *x, const char *dir, struct err *err)
{
	unsigned char	 sum[crypto_hash_sha256_BYTES];
	char		*p, hex[2 * sizeof(sum) + 1], iso[40];
	struct buf	 m;
	FILE		*f;
	int		 rc = 0;

	buf_init(&m, 0);
	civil_fmt_iso(time(NULL), iso, sizeof(iso));
	buf_puts(&m, "{\"tenant\":");
	json_add_str(&m, str_cstr(x->a->tenant));
	buf_addf(&m, ",\"exported_at\":\"%s\",\"format\":1,\"files\":[", iso);
	for (size_t i = 0; i < nitems(x->files); i++) {
		crypto_hash_sha256_final(&x->files[i].sha, sum);
		sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
		buf_addf(&m, "%s{\"name\":\"%s\",\"rows\":%" PRIu64
		    ",\"sha256\":\"%s\"}", i ? "," : "", x->files[i].name,
		    x->files[i].rows, hex);
	}
	buf_puts(&m, "]}\n");
	p = xasprintf("%s/manifest.json", dir);
	if ((f = fopen(p, "wx")) == NULL ||
	    fwrite(m.data, 1, m.len, f) != m.len)
		rc = err_set_errno(err, ERR_IO, "export: %s", p);
	if (f != NULL && fclose(f) != 0)
		rc = err_set_errno(err, ERR_IO, "export: %s", p);
	free(p);
	buf_free(&m);
	return rc;
}

static void
export_usage(FILE *f)
{
	fprintf(f, "usage: replytime export --db PATH --tenant NAME "
	    "--out DIR [--key-file F]\n\nWrites all of the tenant's data, "
	    "decrypted, as CSV files with a manifest\n(manifest.json: rows "
	    "and SHA-256 of each file): messages.csv, addresses.csv,\n"
	    "mailboxes.csv, log.csv, settings.ini.  Never IMAP passwords, "
	    "accounts or tokens.\nNever overwrites.\n");
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "key-file", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*db = NULL, *tenant = NULL, *dir = NULL, *key = NULL;
	struct archive	 a;
	struct exp	 x;
	struct err	 err;
	int		 c, rc = 0;

	if (cmd_wants_help(argc, argv)) {
		export_usage(stdout);
		return 0;
	}
	while ((c = getopt_long(argc, argv, "d:t:o:k:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': tenant = optarg; break;
		case 'o': dir = optarg; break;
		case 'k': key = optarg; break;
		default: goto usage;
		}
	}
	if (db == NULL || tenant == NULL || dir == NULL || optind != argc)
		goto usage;
	if (cmd_archive_open(db, key, tenant, &a, &err) == -1)
		return cmd_error("export: %s", err.msg);
	memset(&x, 0, sizeof(x));
	x.a = &a;
	if (open_files(&x, dir, &err) == -1 ||
	    export_csv_all(&a, emit, &x, &err) == -1)
		rc = cmd_error("export: %s", err.msg);
	for (size_t i = 0; i < nitems(x.files); i++)
		if (x.files[i].f != NULL && fclose(x.files[i].f) != 0 && rc == 0)
			rc = cmd_error("export: %s/%s: write failed", dir,
			    x.files[i].name);
	if (rc == 0 && write_manifest(&x, dir, &err) == -1)
		rc = cmd_error("%s", err.msg);
	if (rc == 0) {
		(void)store_log_add(a.st, a.tid, time(NULL), "export",
		    "all data exported as CSV", NULL);
		fprintf(stderr, "export: %" PRIu64 " messages, %" PRIu64
		    " addresses, %" PRIu64 " mailboxes written to %s\n",
		    x.files[EXPORT_MESSAGES].rows,
		    x.files[EXPORT_ADDRESSES].rows,
		    x.files[EXPORT_MAILBOXES].rows, dir);
	}
	archive_close(&a);
	return rc;
usage:
	export_usage(stderr);
	return 2;
}
