/*
 * cmd_mailbox.c: replytime mailbox add|list|test|remove: the mailboxes a tenant
 * tracks, and the IMAP settings replytime syncs them with.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "../base/xmalloc.h"
#include "../imap/imap_admin.h"
#include "../imap/imap_sync.h"
#include "../store/archive.h"
#include "cmd.h"

static void
mailbox_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime mailbox add --db PATH --tenant NAME --imap HOST[:PORT]\n"
	    "                 --user USER [--address ADDRESS] [--security tls|starttls|plain]\n"
	    "                 [--auth plain|login|xoauth2|oauthbearer]\n"
	    "                 [--password-file FILE|-] [--folder NAME]... [--ca-file FILE]\n"
	    "                 [--timeout SECONDS] [--key-file FILE]\n"
	    "       replytime mailbox list --db PATH --tenant NAME [--key-file FILE]\n"
	    "       replytime mailbox test --db PATH --tenant NAME [--key-file FILE] MAILBOX\n"
	    "       replytime mailbox remove --db PATH --tenant NAME [--key-file FILE] MAILBOX\n"
	    "\n"
	    "add stores an IMAP mailbox for replytime sync to read; its password (or\n"
	    "OAuth access token, with --auth xoauth2 or oauthbearer) is read from\n"
	    "--password-file (\"-\": the first line of standard input) or from\n"
	    "$REPLYTIME_IMAP_PASSWORD, never from the command line, and is stored\n"
	    "encrypted with the tenant's key; nothing prints it again.  --security tls\n"
	    "(the default, port 993) and starttls (port 143) verify the server's\n"
	    "certificate and name against the system's CAs, or --ca-file; plain sends\n"
	    "the password in the clear and is only for a server on a trusted network.\n"
	    "Without --folder, sync reads INBOX and the Sent folder.\n"
	    "\n"
	    "list prints each mailbox: id, address, kind, state (new, ok, error),\n"
	    "last sync, server, last error.  test (MAILBOX: an id or an address)\n"
	    "connects, logs in, lists the folders and capabilities, and changes\n"
	    "nothing.  remove deletes the mailbox with every message read from it.\n");
}

struct opts {
	const char		*db, *tenant, *key, *imap, *user, *address;
	const char		*pwfile, *ca, *security, *auth;
	const char		*folders[IMAP_FOLDERS_MAX];
	size_t			 nfolders;
	long			 timeout;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "imap", required_argument, NULL, 'i' },
		{ "user", required_argument, NULL, 'u' },
		{ "address", required_argument, NULL, 'a' },
		{ "security", required_argument, NULL, 's' },
		{ "auth", required_argument, NULL, 'A' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "folder", required_argument, NULL, 'f' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	int	 c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:t:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 't': o->tenant = optarg; break;
		case 'k': o->key = optarg; break;
		case 'i': o->imap = optarg; break;
		case 'u': o->user = optarg; break;
		case 'a': o->address = optarg; break;
		case 's': o->security = optarg; break;
		case 'A': o->auth = optarg; break;
		case 'p': o->pwfile = optarg; break;
		case 'c': o->ca = optarg; break;
		case 'f':
			if (o->nfolders == IMAP_FOLDERS_MAX)
				return cmd_error("mailbox: more than %d "
				    "folders", IMAP_FOLDERS_MAX) ? -1 : -1;
			o->folders[o->nfolders++] = optarg;
			break;
		case 'T':
			o->timeout = strtol(optarg, &end, 10);
			if (*end != '\0' || o->timeout < 1 ||
			    o->timeout > 3600)
				return cmd_error("mailbox: --timeout: 1 to "
				    "3600 seconds") ? -1 : -1;
			break;
		case 'h': return -2;
		default: return -1;
		}
	}
	return optind;
}

/* The password: a file's first line ("-": standard input), or the
 * environment.  Caller wipes and frees. */
static char *
read_secret(const char *pwfile, struct err *err)
{
	char	 line[IMAP_SECRET_MAX + 2];
	FILE	*f;
	char	*env;
	size_t	 n;

	if (pwfile == NULL) {
		if ((env = getenv("REPLYTIME_IMAP_PASSWORD")) == NULL ||
		    *env == '\0') {
			err_set(err, ERR_USAGE, "no password: give "
			    "--password-file FILE (or -) or set "
			    "REPLYTIME_IMAP_PASSWORD");
			return NULL;
		}
		return xstrdup(env);
	}
	f = strcmp(pwfile, "-") == 0 ? stdin : fopen(pwfile, "r");
	if (f == NULL) {
		err_set_errno(err, ERR_IO, "%s", pwfile);
		return NULL;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strcspn(line, "\r\n");
	if (n == 0 || n > IMAP_SECRET_MAX) {
		OPENSSL_cleanse(line, sizeof(line));
		err_set(err, ERR_USAGE, "%s: no password on its first line, or "
		    "longer than %d bytes", pwfile, IMAP_SECRET_MAX);
		return NULL;
	}
	line[n] = '\0';
	env = xstrdup(line);
	OPENSSL_cleanse(line, sizeof(line));
	return env;
}

static int
mailbox_add(struct opts *o)
{
	struct imap_account_args g;
	struct imap_account	 acc;
	struct archive		 a;
	struct err		 err;
	char			*secret;
	int64_t			 mbid;
	int			 rc;

	if (o->imap == NULL || o->user == NULL) {
		mailbox_usage(stderr);
		return 2;
	}
	if ((secret = read_secret(o->pwfile, &err)) == NULL)
		return cmd_error("mailbox: %s", err.msg);
	memset(&g, 0, sizeof(g));
	g.host = o->imap;
	g.security = o->security;
	g.auth = o->auth;
	g.user = o->user;
	g.address = o->address;
	g.secret = secret;
	g.ca_file = o->ca;
	g.folders = o->folders;
	g.nfolders = o->nfolders;
	g.timeout_s = (int)o->timeout;
	rc = imap_account_make(&g, &acc, &err);
	OPENSSL_cleanse(secret, strlen(secret));
	free(secret);
	if (rc == -1)
		return cmd_error("mailbox: %s", err.msg);
	if (cmd_archive_open(o->db, o->key, o->tenant, &a, &err) == -1) {
		imap_account_clear(&acc);
		return cmd_error("mailbox: %s", err.msg);
	}
	rc = imap_mailbox_add(&a, &acc, &mbid, &err);
	archive_close(&a);
	if (rc == -1) {
		imap_account_clear(&acc);
		return cmd_error("mailbox: %s", err.msg);
	}
	printf("%" PRId64 "\n", mbid);
	fprintf(stderr, "mailbox %" PRId64 " added: %s port %d, %s, %s "
	    "authentication; the password is stored encrypted\n", mbid,
	    acc.host, acc.port, imap_security_name(acc.security),
	    imap_auth_name(acc.auth));
	if (acc.security == IMAP_SEC_PLAIN)
		fprintf(stderr, "replytime: warning: mailbox %" PRId64 " uses "
		    "no TLS: its password and headers cross the network in "
		    "the clear\n", mbid);
	imap_account_clear(&acc);
	return 0;
}

/* ---- list ---- */

static void
fmt_time(int64_t t, char *out, size_t size)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t == STORE_NO_TIME || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, size, "-");
	else
		strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
mailbox_list(struct opts *o)
{
	struct archive			 a;
	struct err			 err;
	struct imap_mailbox_info	*v;
	size_t				 n;
	char				 when[32], server[300];

	if (cmd_archive_open(o->db, o->key, o->tenant, &a, &err) == -1)
		return cmd_error("mailbox: %s", err.msg);
	if (imap_mailbox_infos(&a, &v, &n, &err) == -1) {
		archive_close(&a);
		return cmd_error("mailbox: %s", err.msg);
	}
	archive_close(&a);
	printf("id\taddress\tkind\tstate\tlast_sync\tserver\tlast_error\n");
	for (size_t i = 0; i < n; i++) {
		snprintf(server, sizeof(server), "-");
		if (v[i].host != NULL)
			snprintf(server, sizeof(server), "%s:%d %s%s",
			    v[i].host, v[i].port,
			    imap_security_name(v[i].security),
			    v[i].security == IMAP_SEC_PLAIN ?
			    " (WARNING: no TLS)" : "");
		fmt_time(v[i].status.last_sync, when, sizeof(when));
		printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\n", v[i].id,
		    v[i].address, v[i].kind, v[i].status.state, when, server,
		    v[i].status.error[0] ? v[i].status.error : "-");
	}
	imap_mailbox_infos_free(v, n);
	return 0;
}

/* ---- test ---- */

int64_t
cmd_mailbox_resolve(struct archive *a, const char *arg, struct err *err)
{
	struct imap_mailbox_info	*v;
	size_t				 n;
	unsigned char			 bi[STORE_BI_LEN];
	char				*end;
	long long			 id = strtoll(arg, &end, 10);
	int64_t				 found = -1;

	if (imap_mailbox_infos(a, &v, &n, err) == -1)
		return -1;
	archive_blind(a, RECORD_ADDRESS, str_cstr(arg), bi);
	for (size_t i = 0; i < n; i++)
		if ((*end == '\0' && end != arg && v[i].id == id) ||
		    memcmp(v[i].bi, bi, STORE_BI_LEN) == 0)
			found = v[i].id;
	imap_mailbox_infos_free(v, n);
	if (found == -1)
		err_set(err, ERR_USAGE, "no mailbox %s", arg);
	return found;
}

static int
mailbox_test(struct opts *o, const char *which)
{
	struct archive		 a;
	struct imap_account	 acc;
	struct err		 err;
	struct buf		 out;
	int64_t			 id;
	int			 r, rc = 0;

	if (cmd_archive_open(o->db, o->key, o->tenant, &a, &err) == -1)
		return cmd_error("mailbox: %s", err.msg);
	if ((id = cmd_mailbox_resolve(&a, which, &err)) == -1) {
		archive_close(&a);
		return cmd_error("mailbox: %s", err.msg);
	}
	if ((r = imap_mailbox_account(&a, id, &acc, &err)) != 0) {
		archive_close(&a);
		if (r == 1)
			return cmd_error("mailbox: %s is not an IMAP mailbox",
			    which);
		return cmd_error("mailbox: %s", err.msg);
	}
	archive_close(&a);
	if (acc.security == IMAP_SEC_PLAIN)
		fprintf(stderr, "replytime: warning: mailbox %" PRId64 " uses "
		    "no TLS\n", id);
	buf_init(&out, 0);
	if (imap_mailbox_test(&acc, &out, &err) == -1)
		rc = cmd_error("mailbox test: %s", err.msg);
	fputs(out.data ? out.data : "", stdout);
	if (rc == 0)
		printf("ok: mailbox %" PRId64 " works\n", id);
	buf_free(&out);
	imap_account_clear(&acc);
	return rc;
}

static int
mailbox_remove(struct opts *o, const char *which)
{
	struct archive	a;
	struct err	err;
	int64_t		id;
	int		r;

	if (cmd_archive_open(o->db, o->key, o->tenant, &a, &err) == -1)
		return cmd_error("mailbox: %s", err.msg);
	if ((id = cmd_mailbox_resolve(&a, which, &err)) == -1 ||
	    (r = imap_mailbox_remove(&a, id, &err)) == -1) {
		archive_close(&a);
		return cmd_error("mailbox: %s", err.msg);
	}
	archive_close(&a);
	if (r == 1)
		return cmd_error("mailbox: no mailbox %s", which);
	fprintf(stderr, "mailbox %" PRId64 " removed, with the messages read "
	    "from it\n", id);
	return 0;
}

int
cmd_mailbox(int argc, char **argv)
{
	struct opts	o;
	int		ind;

	/* mailbox test talks to a server: a dropped connection is an error,
	 * not SIGPIPE (TLS writes go through write(2)). */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		mailbox_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	ind = parse_opts(argc - 1, argv + 1, &o);
	if (ind == -2) {
		mailbox_usage(stdout);
		return 0;
	}
	if (ind < 0 || o.db == NULL || o.tenant == NULL) {
		mailbox_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "add") == 0 && ind == argc - 1)
		return mailbox_add(&o);
	if (strcmp(argv[1], "list") == 0 && ind == argc - 1)
		return mailbox_list(&o);
	if (strcmp(argv[1], "test") == 0 && ind == argc - 2)
		return mailbox_test(&o, argv[1 + ind]);
	if (strcmp(argv[1], "remove") == 0 && ind == argc - 2)
		return mailbox_remove(&o, argv[1 + ind]);
	mailbox_usage(stderr);
	return 2;
}
