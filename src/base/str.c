/*
 * str.c: helpers for borrowed byte strings (see str.h).
 */
#include "str.h"

struct str
str_cstr(const char *s)
{
	if (s == NULL)
		return STR_NULL;
	return str_make(s, strlen(s));
}

int
str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

int
str_eq_ci(struct str a, struct str b)
{
	if (a.len != b.len)
		return 0;
	for (size_t i = 0; i < a.len; i++)
		if (rt_lower((unsigned char)a.p[i]) !=
		    rt_lower((unsigned char)b.p[i]))
			return 0;
	return 1;
}

int
str_has_prefix_ci(struct str s, struct str prefix)
{
	if (s.len < prefix.len)
		return 0;
	return str_eq_ci(str_make(s.p, prefix.len), prefix);
}

struct str
str_trim(struct str s)
{
	while (s.len > 0 && rt_is_ws((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && rt_is_ws((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

struct str
str_skip(struct str s, size_t n)
{
	if (n > s.len)
		n = s.len;
	return str_make(s.p + n, s.len - n);
}
