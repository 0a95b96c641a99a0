/*
 * vault_path.c: which key file to use, and keeping it apart from the data.
 *
 * The order is the usual one for command-line tools: the option, then the
 * environment, then a default under the user's configuration folder
 * (XDG_CONFIG_HOME, else ~/.config).  Whatever the source, a key file in
 * the database's folder, or in a folder below it, is refused: whoever
 * copies that folder (a backup, a support tarball) must not get the key
 * with the data.  The folders are compared as absolute paths with symbolic
 * links resolved as far as the folders exist, and the rest cleaned of ".",
 * ".." and repeated slashes, so "./db/../db" and a link to the database's
 * folder are both recognised.
 */
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/xmalloc.h"
#include "vault_priv.h"

/* Cleans an absolute path in place: no "", "." or ".." components. */
static void
vault_clean(char *path)
{
	char	*r = path, *w = path;
	size_t	 n;

	while (*r != '\0') {
		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n == 0 || (n == 1 && r[0] == '.')) {
			r += n;
			continue;
		}
		if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > path && *--w != '/')
				continue;
			r += n;
			continue;
		}
		*w++ = '/';
		memmove(w, r, n);
		w += n;
		r += n;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
}

/*
 * The folder holding path, absolute, with links resolved in the part that
 * exists.  Caller frees.
 */
static char *
vault_real_dir(const char *path)
{
	char	*copy = xstrdup(path);
	char	*dir = dirname(copy);
	char	*abs, *work, *real, *cut, *cwd, *res;

	if (dir[0] == '/') {
		abs = xstrdup(dir);
	} else {
		if ((cwd = getcwd(NULL, 0)) == NULL)
			cwd = xstrdup("/");	/* unreachable cwd: lexical */
		abs = xasprintf("%s/%s", cwd, dir);
		free(cwd);
	}
	free(copy);
	work = xstrdup(abs);
	while ((real = realpath(work, NULL)) == NULL) {
		/* Go up until a folder exists; "/" always does. */
		cut = strrchr(work, '/');
		if (cut == work)
			cut[1] = '\0';
		else
			*cut = '\0';
	}
	res = xasprintf("%s/%s", real, abs + strlen(work));
	vault_clean(res);
	free(real);
	free(work);
	free(abs);
	return res;
}

/* 1 if dir is top or lies below it. */
static int
vault_is_within(const char *dir, const char *top)
{
	size_t	n = strlen(top);

	if (strcmp(dir, top) == 0)
		return 1;
	if (strcmp(top, "/") == 0)
		return 0;	/* a database in "/": only the same folder */
	return strncmp(dir, top, n) == 0 && dir[n] == '/';
}

static int
vault_check_apart(const char *key_path, const char *db_path,
    struct err *err)
{
	char	*kdir = vault_real_dir(key_path);
	char	*ddir = vault_real_dir(db_path);
	int	 rc = 0;

	if (vault_is_within(kdir, ddir))
		rc = err_set(err, ERR_CONFIG, "key file %s is in the "
		    "database's folder %s: keep the master key apart from "
		    "the data it protects (give --key-file or "
		    "REPLYTIME_KEY_FILE with a path in another folder)",
		    key_path, ddir);
	free(kdir);
	free(ddir);
	return rc;
}

int
vault_key_path(const char *opt_path, const char *db_path, char **path_out,
    struct err *err)
{
	const char	*env;
	char		*path;

	if (opt_path != NULL) {
		if (*opt_path == '\0')
			return err_set(err, ERR_USAGE, "--key-file is empty: "
			    "give the path of the master key file");
		path = xstrdup(opt_path);
	} else if ((env = getenv("REPLYTIME_KEY_FILE")) != NULL &&
	    *env != '\0') {
		path = xstrdup(env);
	} else if ((env = getenv("XDG_CONFIG_HOME")) != NULL &&
	    env[0] == '/') {
		/* The XDG spec says to ignore a relative value. */
		path = xasprintf("%s/%s/%s", env, VAULT_KEY_DEFAULT_DIR,
		    VAULT_KEY_DEFAULT_NAME);
	} else if ((env = getenv("HOME")) != NULL && *env != '\0') {
		path = xasprintf("%s/.config/%s/%s", env,
		    VAULT_KEY_DEFAULT_DIR, VAULT_KEY_DEFAULT_NAME);
	} else {
		return err_set(err, ERR_CONFIG, "no master key file: HOME is "
		    "not set, so there is no default path; give --key-file "
		    "or REPLYTIME_KEY_FILE");
	}
	if (db_path != NULL && vault_check_apart(path, db_path, err) == -1) {
		free(path);
		return -1;
	}
	*path_out = path;
	return 0;
}
