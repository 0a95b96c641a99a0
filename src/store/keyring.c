/*
 * keyring.c: wrapped data keys as files of their own (keyring.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/xmalloc.h"
#include "keyring.h"

char *
keyring_dir(const char *key_path, const char *db_id)
{
	char	*copy = xstrdup(key_path), *d;

	d = xasprintf("%s/keyring-%s", dirname(copy), db_id);
	free(copy);
	return d;
}

static char *
key_file(const char *dir, int64_t tid)
{
	return xasprintf("%s/tenant-%lld.key", dir, (long long)tid);
}

/* write(2) all of it. */
static int
write_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
sync_dir(const char *dir)
{
	int	fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
keyring_put(const char *dir, int64_t tid, const void *wrapped, size_t n,
    struct err *err)
{
	char	*path = key_file(dir, tid), *tmp = xasprintf("%s.new", path);
	int	 fd = -1, rc = -1;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		err_set_errno(err, ERR_IO, "keyring %s", dir);
		goto out;
	}
	/* Write aside, sync, then rename over: a crash leaves the old key
	 * or the new one, never half of one. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || write_all(fd, wrapped, n) == -1 ||
	    fsync(fd) == -1) {
		err_set_errno(err, ERR_IO, "keyring %s", tmp);
		goto out;
	}
	if (rename(tmp, path) == -1 || sync_dir(dir) == -1) {
		err_set_errno(err, ERR_IO, "keyring %s", path);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}

int
keyring_get(const char *dir, int64_t tid, unsigned char **out, size_t *n_out,
    struct err *err)
{
	char		*path = key_file(dir, tid);
	unsigned char	 buf[KEYRING_MAX];
	ssize_t		 r;
	size_t		 n = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		int saved = errno;

		free(path);
		if (saved == ENOENT)
			return 1;
		errno = saved;
		return err_set_errno(err, ERR_IO, "keyring of tenant %lld",
		    (long long)tid);
	}
	while ((r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (r == -1 || n == sizeof(buf)) {
		err_set(err, ERR_IO, "keyring %s: unreadable or too large",
		    path);
		free(path);
		return -1;
	}
	free(path);
	*out = xmalloc(n ? n : 1);
	memcpy(*out, buf, n);
	*n_out = n;
	return 0;
}

int
keyring_destroy(const char *dir, int64_t tid, struct err *err)
{
	char		*path = key_file(dir, tid);
	unsigned char	 zero[KEYRING_MAX] = { 0 };
	struct stat	 sb;
	int		 fd, rc = 0;

	if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			rc = err_set_errno(err, ERR_IO, "keyring %s", path);
		free(path);
		return rc;
	}
	/* Overwrite first: an unlinked file's blocks can linger. */
	if (fstat(fd, &sb) == -1 || (size_t)sb.st_size > sizeof(zero) ||
	    write_all(fd, zero, (size_t)sb.st_size) == -1 || fsync(fd) == -1)
		rc = err_set_errno(err, ERR_IO, "keyring %s", path);
	close(fd);
	if (rc == 0 && (unlink(path) == -1 || sync_dir(dir) == -1))
		rc = err_set_errno(err, ERR_IO, "keyring %s", path);
	free(path);
	return rc;
}
