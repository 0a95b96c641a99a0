/*
 * err.c: returned errors with context, and aborts for bugs (see err.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int
err_set(struct err *err, enum err_code code, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_set_errno(struct err *err, enum err_code code, const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;
	size_t	len;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
	    strerror(saved));
	errno = saved;
	return -1;
}

int
err_prefix(struct err *err, const char *fmt, ...)
{
	char	pre[256], old[sizeof(err->msg)];
	va_list	ap;
	size_t	plen;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	plen = strnlen(pre, sizeof(pre));
	if (plen >= sizeof(err->msg))
		plen = sizeof(err->msg) - 1;
	memcpy(err->msg, pre, plen);
	memcpy(err->msg + plen, old, sizeof(err->msg) - plen - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}

void
err_clear(struct err *err)
{
	err->code = ERR_NONE;
	err->msg[0] = '\0';
}

void
rt_fatal(const char *fmt, ...)
{
	va_list	ap;

	fputs("replytime: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
