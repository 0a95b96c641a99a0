/*
 * source.c: from a path to header blocks (see source.h).
 *
 * Decides what a path is and hands it to the right reader: mbox.c for
 * mboxes and single messages, the Maildir and tree walkers below for
 * directories.  Directory entries are visited in bytewise-sorted order so
 * that source order, and so every number derived from it, is the same on
 * every machine.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/xmalloc.h"
#include "input.h"
#include "mbox.h"
#include "source.h"

#define TREE_DEPTH_MAX	32

/* What every step of a walk carries. */
struct walk {
	source_cb		 cb;
	void			*arg;
	source_start_fn		 start;		/* NULL: every file from 0 */
	void			*start_arg;
	struct source_stats	*st;
};
#define DIR_ENTRIES_MAX	(10u << 20)

struct names {
	char	**v;		/* owned, each owned */
	size_t	  n, cap;
};

static void
names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted entry names of dir, without "." and "..". */
static int
list_dir(const char *dir, struct names *nm, struct err *err)
{
	DIR		*d;
	struct dirent	*de;

	memset(nm, 0, sizeof(*nm));
	if ((d = opendir(dir)) == NULL)
		return err_set_errno(err, ERR_IO, "%s: cannot open directory",
		    dir);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (nm->n == DIR_ENTRIES_MAX) {
			closedir(d);
			names_free(nm);
			return err_set(err, ERR_LIMIT, "%s: more than %u "
			    "entries", dir, DIR_ENTRIES_MAX);
		}
		if (nm->n == nm->cap) {
			nm->cap = nm->cap ? nm->cap * 2 : 64;
			nm->v = xreallocarray(nm->v, nm->cap, sizeof(*nm->v));
		}
		nm->v[nm->n++] = xstrdup(de->d_name);
	}
	if (errno != 0) {
		err_set_errno(err, ERR_IO, "%s: cannot read directory", dir);
		closedir(d);
		names_free(nm);
		return -1;
	}
	closedir(d);
	if (nm->n > 1)	/* an empty folder has no array at all */
		qsort(nm->v, nm->n, sizeof(*nm->v), cmp_names);
	return 0;
}

static int
is_dir(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Whether the first bytes can start a message: a field name and colon. */
static int
looks_like_header(const unsigned char *p, size_t n)
{
	size_t	i = 0;

	while (i < n && p[i] >= 33 && p[i] <= 126 && p[i] != ':')
		i++;
	return i > 0 && (i == n || p[i] == ':');
}

/*
 * Reads one file.  mail_only: in a generic tree, a file that does not
 * start like mail is skipped (counted), not reported as malformed.
 */
static int
scan_file(const char *path, int mail_only, const struct walk *w,
    struct err *err)
{
	struct input	*in;
	unsigned char	 head[16];
	int64_t		 from = 0;
	ssize_t		 n;
	int		 rc;

	if (w->start != NULL && (from = w->start(w->start_arg, path)) < 0) {
		w->st->known++;		/* done before: not even opened */
		return 0;
	}
	if (input_open(path, &in, err) == -1)
		return -1;
	if ((n = input_peek(in, head, sizeof(head), err)) == -1) {
		input_close(in);
		return -1;
	}
	if (n >= 5 && memcmp(head, "From ", 5) == 0) {
		/* Resume at a checkpoint only where an envelope still is;
		 * else (compressed, rewritten) read from the start. */
		if (from > 0 && input_seek_plain(in, (uint64_t)from, err) ==
		    -1)
			from = 0;
		if (from > 0 && ((n = input_peek(in, head, 5, err)) != 5 ||
		    memcmp(head, "From ", 5) != 0)) {
			input_close(in);
			if (input_open(path, &in, err) == -1)
				return -1;
			from = 0;
		}
		rc = mbox_scan(in, path, (uint64_t)from, w->cb, w->arg, w->st,
		    err);
	} else if (from > 0) {
		w->st->known++;		/* one message, already read */
		input_close(in);
		return 0;
	} else if (mail_only && !looks_like_header(head, (size_t)n)) {
		w->st->skipped++;
		input_close(in);
		return 0;
	} else
		rc = msg_scan_single(in, path, w->cb, w->arg, w->st, err);
	w->st->files++;
	input_close(in);
	return rc;
}

static int	scan_dir(const char *dir, int depth, const struct walk *w,
		    struct err *err);

/* Every file of one Maildir folder (cur/ or new/), in name order. */
static int
scan_maildir_sub(const char *sub, const struct walk *w, struct err *err)
{
	struct names	 nm;
	char		*p;
	int		 rc = 0;

	if (list_dir(sub, &nm, err) == -1)
		return -1;
	for (size_t i = 0; i < nm.n && rc == 0; i++) {
		if (nm.v[i][0] == '.')
			continue;
		p = xasprintf("%s/%s", sub, nm.v[i]);
		if (!is_dir(p))
			rc = scan_file(p, 0, w, err);
		free(p);
	}
	names_free(&nm);
	return rc;
}

/* A Maildir: cur/ then new/, then its Maildir++ subfolders. */
static int
scan_maildir(const char *dir, int depth, const struct walk *w,
    struct err *err)
{
	static const char *const subs[] = { "cur", "new" };
	struct names	 nm;
	char		*p;
	int		 rc = 0;

	for (size_t i = 0; i < nitems(subs) && rc == 0; i++) {
		p = xasprintf("%s/%s", dir, subs[i]);
		if (is_dir(p))
			rc = scan_maildir_sub(p, w, err);
		free(p);
	}
	if (rc == -1 || list_dir(dir, &nm, err) == -1)
		return -1;
	for (size_t i = 0; i < nm.n && rc == 0; i++) {
		if (nm.v[i][0] != '.')
			continue;	/* cur, new, tmp and files */
		p = xasprintf("%s/%s", dir, nm.v[i]);
		if (is_dir(p))
			rc = scan_dir(p, depth + 1, w, err);
		free(p);
	}
	names_free(&nm);
	return rc;
}

static int
is_maildir(const char *dir)
{
	char	*p;
	int	 yes;

	p = xasprintf("%s/cur", dir);
	yes = is_dir(p);
	free(p);
	if (!yes) {
		p = xasprintf("%s/new", dir);
		yes = is_dir(p);
		free(p);
	}
	return yes;
}

/* A directory: a Maildir, or a tree holding Maildirs, mboxes, messages. */
static int
scan_dir(const char *dir, int depth, const struct walk *w, struct err *err)
{
	struct names	 nm;
	char		*p;
	int		 rc = 0;

	if (depth > TREE_DEPTH_MAX)
		return err_set(err, ERR_LIMIT, "%s: directories nested more "
		    "than %d deep", dir, TREE_DEPTH_MAX);
	if (is_maildir(dir))
		return scan_maildir(dir, depth, w, err);
	if (list_dir(dir, &nm, err) == -1)
		return -1;
	for (size_t i = 0; i < nm.n && rc == 0; i++) {
		if (nm.v[i][0] == '.')
			continue;	/* hidden: .git, editor files */
		p = xasprintf("%s/%s", dir, nm.v[i]);
		if (is_dir(p))
			rc = scan_dir(p, depth + 1, w, err);
		else
			rc = scan_file(p, 1, w, err);
		free(p);
	}
	names_free(&nm);
	return rc;
}

int
source_scan_from(const char *path, source_start_fn start, void *start_arg,
    source_cb cb, void *arg, struct source_stats *stats, struct err *err)
{
	struct source_stats	 dummy = { 0 };
	struct walk		 w = { cb, arg, start, start_arg,
				    stats != NULL ? stats : &dummy };
	struct stat		 sb;

	if (strcmp(path, "-") == 0)
		return scan_file(path, 0, &w, err);
	if (stat(path, &sb) == -1)
		return err_set_errno(err, ERR_IO, "%s: cannot read", path);
	if (S_ISDIR(sb.st_mode))
		return scan_dir(path, 0, &w, err);
	return scan_file(path, 0, &w, err);
}

int
source_scan(const char *path, source_cb cb, void *arg,
    struct source_stats *stats, struct err *err)
{
	return source_scan_from(path, NULL, NULL, cb, arg, stats, err);
}
