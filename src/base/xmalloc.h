/*
 * xmalloc.h: allocators that abort on exhaustion.
 *
 * Running out of memory is not an input error: the process cannot do its
 * job, so it stops with a message, and call sites need no checks.  Every
 * size multiplication is overflow-checked.
 */
#ifndef RT_XMALLOC_H
#define RT_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
/* Never assign the result back without keeping the old pointer in mind:
 * on failure this aborts, so p = xreallocarray(p, ...) is safe here. */
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* Like asprintf, aborting on failure; caller frees. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
