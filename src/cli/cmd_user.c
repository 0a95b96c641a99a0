/*
 * cmd_user.c: replytime user create-owner|list: the accounts of the web
 * dashboard from the command line (docs/security.md).
 *
 * create-owner makes a tenant's first owner without a password and
 * prints a one-time setup link (24 hours) on standard output, nowhere
 * else: the operator hands it to the owner, who chooses the password.
 * With --password-file it sets the password read from the file's first
 * line instead (for scripts such as scripts/demo.sh); no link then.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../auth/auth.h"
#include "../store/archive.h"
#include "cmd.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: replytime user create-owner --db PATH --tenant NAME "
	    "--email ADDRESS\n"
	    "                  [--key-file FILE] [--base-url URL | "
	    "--password-file FILE|-]\n"
	    "       replytime user list --db PATH --tenant NAME "
	    "[--key-file FILE]\n"
	    "\n"
	    "create-owner adds the owner of a tenant and prints a one-time "
	    "link to\nchoose the password (valid 24 hours, never logged); "
	    "--base-url is the\ndashboard's address (default "
	    "http://127.0.0.1:8080).  --password-file\nsets the password "
	    "to the first line of FILE (\"-\": standard input)\ninstead: "
	    "no link, no forced change; it must pass the password rules.\n"
	    "list prints each user: id, email, role and state.\n");
}

/* The first line of path ("-": standard input) into pw (PW_MAX + 1
 * bytes), without its line end.  Wipes what it read on failure. */
static int
read_password(const char *path, char *pw, struct err *err)
{
	char	 line[PW_MAX + 3];
	FILE	*f;
	size_t	 n;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		return err_set_errno(err, ERR_IO, "%s", path);
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strcspn(line, "\r\n");
	if (n == 0 || n > PW_MAX) {
		sodium_memzero(line, sizeof(line));
		return err_set(err, ERR_USAGE, "--password-file: no password "
		    "on the first line, or longer than %d bytes", PW_MAX);
	}
	memcpy(pw, line, n);
	pw[n] = '\0';
	sodium_memzero(line, sizeof(line));
	return 0;
}

static int
on_user(void *arg, const struct store_user *u, struct err *err)
{
	struct archive	*a = arg;
	struct buf	 email;
	int		 rc;

	buf_init(&email, 0);
	rc = acct_user_email(a, u, &email, err);
	if (rc == 0)
		printf("%" PRId64 "\t%s\t%s\t%s\n", u->id, email.data, u->role,
		    u->disabled ? "disabled" : u->pwhash[0] == '\0' ?
		    "invited" : u->must_change ? "must-change" : "active");
	buf_free(&email);
	return rc;
}

int
cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "email", required_argument, NULL, 'e' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*db = NULL, *tenant = NULL, *email = NULL, *key = NULL;
	const char	*base = "http://127.0.0.1:8080", *verb, *pwfile = NULL;
	struct archive	 a;
	struct store_user u;
	struct err	 err;
	char		 tok[TOKEN_TEXT], obj[40], pw[PW_MAX + 1];
	int64_t		 uid, now = (int64_t)time(NULL);
	int		 ch, rc;

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
		case 'e': email = optarg; break;
		case 'k': key = optarg; break;
		case 'b': base = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (db == NULL || tenant == NULL || (strcmp(verb, "create-owner") == 0 ?
	    email == NULL : strcmp(verb, "list") != 0 || pwfile != NULL)) {
		usage(stderr);
		return 2;
	}
	if (pwfile != NULL && read_password(pwfile, pw, &err) == -1)
		return cmd_error("user: %s", err.msg);
	if (cmd_archive_open(db, key, tenant, &a, &err) == -1) {
		sodium_memzero(pw, sizeof(pw));
		return cmd_error("user: %s", err.msg);
	}
	if (strcmp(verb, "list") == 0) {
		rc = store_user_list(a.st, a.tid, on_user, &a, &err);
		archive_close(&a);
		return rc == -1 ? cmd_error("user: %s", err.msg) : 0;
	}
	/* The password is checked before the user is added, so a refused
	 * one leaves no owner behind. */
	rc = pwfile != NULL ? pw_check(pw, email, &err) : 0;
	if (rc == 0)
		rc = acct_user_add(&a, email, ROLE_OWNER, now, &uid, &err);
	if (rc == 0 && pwfile != NULL) {
		if ((rc = acct_user_find(&a, email, &u, &err)) == 1)
			rc = err_set(&err, ERR_IO, "the new owner is not "
			    "found");
		if (rc == 0) {
			rc = acct_set_password(&a, &u, pw, 0, 0, &err);
			store_user_clear(&u);
		}
	} else if (rc == 0)
		rc = acct_once_new(a.st, a.tid, uid, STORE_ONCE_SETUP, now, tok,
		    &err);
	sodium_memzero(pw, sizeof(pw));
	if (rc == 0) {
		snprintf(obj, sizeof(obj), "user %" PRId64, uid);
		rc = audit_add(a.st, a.tid, now, 0, "owner-create", obj, "",
		    &err);
	}
	archive_close(&a);
	if (rc == -1)
		return cmd_error("user: %s", err.msg);
	if (pwfile != NULL) {
		fprintf(stderr, "owner added with the given password\n");
		return 0;
	}
	fprintf(stderr, "owner added; give them this link (valid 24 hours, "
	    "usable once):\n");
	printf("%s/setup?t=%s\n", base, tok);
	return 0;
}
