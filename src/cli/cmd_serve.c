/*
 * cmd_serve.c: replytime serve: the web dashboard and JSON API
 * (src/web; docs/security.md and docs/operations.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "../imap/imap_sync.h"
#include "../web/web.h"
#include "cmd.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: replytime serve --db PATH [--listen ADDR:PORT] "
	    "[--key-file FILE]\n"
	    "           [--tls-cert FILE --tls-key FILE] "
	    "[--trusted-proxy CIDR ...]\n"
	    "           [--base-url URL] [--threads N]\n"
	    "           [--smtp URL --smtp-from ADDR [--smtp-user NAME]]\n"
	    "           [--sync-workers N] [--sync-poll SECONDS]\n"
	    "       replytime serve --permissions\n"
	    "\n"
	    "Serves the dashboard and the JSON API (/api/v1) of every tenant "
	    "of the\ndatabase; --listen defaults to 127.0.0.1:8080 (port 0: "
	    "any free port).\nThe address is printed on standard error.  "
	    "With --tls-cert and --tls-key\nit speaks TLS 1.2 and 1.3 "
	    "only.  Behind a reverse proxy, name the proxy's\naddresses with "
	    "--trusted-proxy so X-Forwarded-For is believed from them\n"
	    "alone.  --smtp (smtp://host:port, STARTTLS when offered, or "
	    "smtps://)\nsends invitations and password links; the SMTP "
	    "password comes from\n$REPLYTIME_SMTP_PASSWORD.  Without --smtp "
	    "an invitation link is shown\nonce to the admin who made it.\n"
	    "It also keeps every tenant's IMAP mailboxes in sync, at most "
	    "--sync-workers\n(default 2, at most 64; 0: no syncing) "
	    "connections at once: IDLE for new\nmail within seconds while "
	    "there are no more mailboxes than workers, else\na poll every "
	    "--sync-poll seconds (default 300).\n"
	    "--threads answers requests on N threads (default: one per "
	    "online CPU, 2 to 64).\n"
	    "--permissions prints the permission matrix (Markdown) and "
	    "exits.\n");
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "trusted-proxy", required_argument, NULL, 'p' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, 'T' },
		{ "smtp", required_argument, NULL, 's' },
		{ "smtp-from", required_argument, NULL, 'f' },
		{ "smtp-user", required_argument, NULL, 'u' },
		{ "sync-workers", required_argument, NULL, 'W' },
		{ "sync-poll", required_argument, NULL, 'Q' },
		{ "permissions", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct web_config	 c;
	struct err		 err;
	struct buf		 b;
	const char		*pw;
	char			*end;
	long			 n;
	int			 ch, perms = 0, rc;

	if (cmd_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.listen = "127.0.0.1:8080";
	c.sync_workers = 2;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': c.db = optarg; break;
		case 'l': c.listen = optarg; break;
		case 'k': c.key_file = optarg; break;
		case 'c': c.tls_cert = optarg; break;
		case 'K': c.tls_key = optarg; break;
		case 'b': c.base_url = optarg; break;
		case 's': c.smtp_url = optarg; break;
		case 'f': c.smtp_from = optarg; break;
		case 'u': c.smtp_user = optarg; break;
		case 'P': perms = 1; break;
		case 'p':
			if (c.nproxies == WEB_PROXIES_MAX)
				return cmd_error("serve: at most %d "
				    "--trusted-proxy", WEB_PROXIES_MAX);
			if (web_cidr_parse(optarg, &c.proxies[c.nproxies++],
			    &err) == -1)
				return cmd_error("serve: --trusted-proxy: %s",
				    err.msg);
			break;
		case 'T':
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 1 || n > 64)
				return cmd_error("serve: --threads: 1 to 64");
			c.threads = (unsigned)n;
			break;
		case 'W':
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 0 ||
			    n > IMAP_JOBS_MAX)
				return cmd_error("serve: --sync-workers: 0 to "
				    "%d", IMAP_JOBS_MAX);
			c.sync_workers = (int)n;
			break;
		case 'Q':
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || n < 1 || n > 86400)
				return cmd_error("serve: --sync-poll: 1 to "
				    "86400 seconds");
			c.sync_poll_s = (int)n;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (perms) {
		buf_init(&b, 0);
		web_matrix_markdown(&b);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
		return 0;
	}
	if (c.db == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((c.smtp_url == NULL) != (c.smtp_from == NULL))
		return cmd_error("serve: --smtp and --smtp-from go together");
	if ((pw = getenv("REPLYTIME_SMTP_PASSWORD")) != NULL)
		c.smtp_password = xstrdup(pw);
	rc = web_run(&c, &err);
	free(c.smtp_password);
	if (rc == -1)
		return cmd_error("%s", err.msg);
	return 0;
}
