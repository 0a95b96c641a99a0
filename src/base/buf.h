/*
 * buf.h: an owning, growable, always NUL-terminated byte buffer.
 *
 * A buffer has a hard ceiling (max).  An append that would pass it sets
 * the sticky failed flag and every later append is a no-op, so straight
 * line code can append freely and check once with buf_check().
 * Memory exhaustion aborts (xmalloc.h); only the ceiling fails softly.
 */
#ifndef RT_BUF_H
#define RT_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "str.h"

struct buf {
	char	*data;		/* owned; NUL-terminated when cap > 0 */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard ceiling; 0 means SIZE_MAX / 2 */
	int	 failed;	/* sticky */
};

void	 buf_init(struct buf *b, size_t max);
void	 buf_add_slow(struct buf *b, const void *p, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_addstr(struct buf *b, struct str s);
void	 buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends the decimal digits of v. */
void	 buf_add_u64(struct buf *b, uint64_t v);
/* Keeps the allocation, forgets the content and the failed flag. */
void	 buf_reset(struct buf *b);
/* Returns -1 and fills err if an append was refused. */
int	 buf_check(const struct buf *b, struct err *err);
/* Hands the data to the caller (who frees it) and resets b. */
char	*buf_take(struct buf *b, size_t *len_out);
void	 buf_free(struct buf *b);

/* Appends n bytes; the common case (room left) stays inline. */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && b->len + n <= b->max && !b->failed) {
		if (n > 0)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	buf_add_slow(b, p, n);
}

/*
 * Appends n bytes for the caller to fill and returns where they start,
 * or NULL when the ceiling refuses them (failed is then set).
 */
void	*buf_extend(struct buf *b, size_t n);

/* A string literal, without strlen. */
#define buf_lit(b, lit)	buf_add((b), (lit), sizeof(lit) - 1)

/* One byte; the common case (room left) stays inline. */
static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 1 < b->cap && b->len < b->max && !b->failed) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	buf_add(b, &c, 1);
}

static inline struct str
buf_str(const struct buf *b)
{
	return str_make(b->data, b->len);
}

#endif
