/*
 * cmd_demo_data.c: replytime demo-data: the synthetic mailbox of a
 * fictional company (report/demo.h), to standard output or, with --out,
 * as DIR/demo.mbox with its configuration DIR/replytime.ini
 * (docs/demo-data.md).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../base/err.h"
#include "../base/xmalloc.h"
#include "../report/demo.h"
#include "cmd.h"

struct file_sink {
	FILE		*f;
	const char	*path;		/* for messages */
};

static void
demo_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime demo-data [--messages N] [--seed S] [--out DIR]\n"
	    "\n"
	    "Writes the mail of a fictional company, Acme Ltd (acme.example):\n"
	    "its support and sales teams, their customers, newsletters,\n"
	    "notifications, auto-replies and bounces, as an mbox in time\n"
	    "order over a period ending on 2025-06-30 (headers and a one-line\n"
	    "body; every address is under .example).  The same N and S always\n"
	    "give the same bytes.\n"
	    "\n"
	    "  --messages N   number of messages, 1 to %d (default %d)\n"
	    "  --seed S       random seed, 0 to 2^64-1 (default %d)\n"
	    "  --out DIR      write DIR/demo.mbox and the matching\n"
	    "                 configuration DIR/replytime.ini instead of\n"
	    "                 standard output (DIR is created if missing)\n"
	    "\n"
	    "docs/demo-data.md describes the model and its parameters.\n",
	    DEMO_MESSAGES_MAX, DEMO_MESSAGES_DEFAULT, DEMO_SEED_DEFAULT);
}

/* A whole decimal number in [min, max]; -1 otherwise. */
static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
file_write(void *arg, const char *p, size_t len, struct err *err)
{
	struct file_sink	*fs = arg;

	if (fwrite(p, 1, len, fs->f) != len)
		return err_set_errno(err, ERR_IO, "%s", fs->path);
	return 0;
}

static int
close_file(FILE *f, const char *path, struct err *err)
{
	if (fclose(f) != 0)
		return err_set_errno(err, ERR_IO, "%s", path);
	return 0;
}

/* Creates dir if missing; it must then be a directory. */
static int
make_dir(const char *dir, struct err *err)
{
	struct stat	st;

	if (mkdir(dir, 0777) == -1 && errno != EEXIST)
		return err_set_errno(err, ERR_IO, "%s", dir);
	if (stat(dir, &st) == -1)
		return err_set_errno(err, ERR_IO, "%s", dir);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ERR_IO, "%s: not a directory", dir);
	return 0;
}

static int
write_dir(const struct demo_opts *o, const char *dir,
    struct demo_stats *st, struct err *err)
{
	struct file_sink	fs;
	struct buf		cfg;
	char			*mbox_path, *ini_path;
	int			rc = -1;

	if (make_dir(dir, err) == -1)
		return -1;
	mbox_path = xasprintf("%s/demo.mbox", dir);
	ini_path = xasprintf("%s/replytime.ini", dir);
	buf_init(&cfg, 0);
	if (demo_config(o, &cfg, err) == -1)
		goto out;
	fs.path = mbox_path;
	if ((fs.f = fopen(mbox_path, "w")) == NULL) {
		err_set_errno(err, ERR_IO, "%s", mbox_path);
		goto out;
	}
	if (demo_mbox(o, file_write, &fs, st, err) == -1) {
		fclose(fs.f);
		goto out;
	}
	if (close_file(fs.f, mbox_path, err) == -1)
		goto out;
	fs.path = ini_path;
	if ((fs.f = fopen(ini_path, "w")) == NULL) {
		err_set_errno(err, ERR_IO, "%s", ini_path);
		goto out;
	}
	if (file_write(&fs, cfg.data, cfg.len, err) == -1) {
		fclose(fs.f);
		goto out;
	}
	if (close_file(fs.f, ini_path, err) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&cfg);
	free(mbox_path);
	free(ini_path);
	return rc;
}

int
cmd_demo_data(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "messages", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct demo_opts	o = { .messages = DEMO_MESSAGES_DEFAULT,
				    .seed = DEMO_SEED_DEFAULT };
	struct demo_stats	st;
	struct file_sink	fs = { stdout, "standard output" };
	struct err		err;
	const char		*dir = NULL;
	char			first[32], last[32];
	int			c;

	while ((c = getopt_long(argc, argv, "n:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, 1, DEMO_MESSAGES_MAX,
			    &o.messages) == -1)
				return cmd_error("demo-data: --messages wants "
				    "a number from 1 to %d, not \"%s\"",
				    DEMO_MESSAGES_MAX, optarg);
			break;
		case 's':
			if (parse_u64(optarg, 0, UINT64_MAX, &o.seed) == -1)
				return cmd_error("demo-data: --seed wants a "
				    "number from 0 to 2^64-1, not \"%s\"",
				    optarg);
			break;
		case 'o':
			dir = optarg;
			break;
		case 'h':
			demo_usage(stdout);
			return 0;
		default:
			demo_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		demo_usage(stderr);
		return 2;
	}
	if (dir == NULL) {
		if (demo_mbox(&o, file_write, &fs, &st, &err) == -1)
			return cmd_error("%s", err.msg);
		if (fflush(stdout) != 0)
			return cmd_error("standard output: write failed");
		return 0;
	}
	if (write_dir(&o, dir, &st, &err) == -1)
		return cmd_error("demo-data: %s", err.msg);
	civil_fmt_iso(st.first_date, first, sizeof(first));
	civil_fmt_iso(st.last_date, last, sizeof(last));
	fprintf(stderr, "demo-data: %llu messages (%llu conversations, "
	    "%llu replies, %llu automated), %s to %s, %.1f MB: "
	    "%s/demo.mbox, %s/replytime.ini\n",
	    (unsigned long long)st.messages,
	    (unsigned long long)st.conversations,
	    (unsigned long long)st.replies, (unsigned long long)st.automated,
	    first, last, (double)st.bytes / 1e6, dir, dir);
	return 0;
}
