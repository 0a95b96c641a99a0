/*
 * cookie.c: finding one cookie in a Cookie header (web.h).
 *
 * The header is "name=value; name2=value2" (RFC 6265 section 4.2).  Pure
 * and fuzzed (tests/fuzz/fuzz_cookie.c).  Values are taken as they are,
 * without quotes; ours are base64url and never need any.  When a name
 * appears twice, the first wins, as browsers send the most specific
 * cookie first.
 */
#include <string.h>

#include "web.h"

int
cookie_get(const char *header, const char *name, char *out, size_t size)
{
	const char	*p = header;
	size_t		 nl = strlen(name);

	if (size == 0)
		return 1;
	out[0] = '\0';
	while (*p != '\0') {
		const char	*end, *eq;
		size_t		 vl;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && (size_t)(eq - p) == nl &&
		    memcmp(p, name, nl) == 0) {
			const char *v = eq + 1, *ve = end;

			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
				v++;
				ve--;
			}
			vl = (size_t)(ve - v);
			if (vl >= size)
				return 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		p = end;
	}
	return 1;
}
