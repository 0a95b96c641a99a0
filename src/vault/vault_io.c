/*
 * vault_io.c: whole reads and writes for key files and backups.
 *
 * Both loop over short transfers and EINTR, so that pipes and signals
 * never cut a chunk or a key in two.
 */
#include <errno.h>
#include <unistd.h>

#include "vault_priv.h"

ssize_t
vault_read_full(int fd, void *p, size_t n)
{
	unsigned char	*b = p;
	size_t		 got = 0;
	ssize_t		 r;

	while (got < n) {
		r = read(fd, b + got, n - got);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
vault_write_all(int fd, const void *p, size_t n)
{
	const unsigned char	*b = p;
	ssize_t			 r;

	while (n > 0) {
		r = write(fd, b, n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}
