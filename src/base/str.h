/*
 * str.h: borrowed byte strings.
 *
 * A struct str is a pointer and a length into memory somebody else owns.
 * It is never NUL-terminated by contract and may contain any byte,
 * including NUL.  Functions here never allocate.
 */
#ifndef RT_STR_H
#define RT_STR_H

#include <stddef.h>
#include <string.h>

struct str {
	const char	*p;
	size_t		 len;
};

#define STR(lit)	((struct str){ (lit), sizeof(lit) - 1 })
#define STR_NULL	((struct str){ NULL, 0 })
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static inline struct str
str_make(const char *p, size_t len)
{
	struct str s = { p, len };

	return s;
}

/* s must be NUL-terminated; NULL gives the empty string. */
struct str	str_cstr(const char *s);

int		str_eq(struct str a, struct str b);
int		str_eq_ci(struct str a, struct str b);		/* ASCII only */
int		str_has_prefix_ci(struct str s, struct str prefix);

/* White space here is SP, HTAB, CR and LF. */
struct str	str_trim(struct str s);

/* Returns the part of s after the first n bytes (clamped). */
struct str	str_skip(struct str s, size_t n);

static inline int
rt_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline unsigned char
rt_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

#endif
