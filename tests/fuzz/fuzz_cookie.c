/*
 * fuzz_cookie.c: the Cookie header reader of the web server, and the INI
 * key reader and editor of the settings page on the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "web/web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s = xmalloc(size + 1), val[TOKEN_TEXT];
	struct buf	 out, v;

	memcpy(s, data, size);
	s[size] = '\0';
	if (cookie_get(s, "rt_session", val, sizeof(val)) == 0 &&
	    strlen(val) >= sizeof(val))
		__builtin_trap();
	buf_init(&out, 0);
	buf_init(&v, 0);
	(void)ini_get((const char *)data, size, "rules", "count_cc", &v);
	ini_set((const char *)data, size, "rules", "count_cc", "no", &out);
	/* After a set, the key reads back. */
	if (ini_get(out.data, out.len, "rules", "count_cc", &v) != 0 ||
	    strcmp(v.data, "no") != 0)
		__builtin_trap();
	/* After a drop, the section's keys are gone. */
	ini_drop((const char *)data, size, "rules", &out);
	if (ini_get(out.data != NULL ? out.data : "", out.len, "rules",
	    "count_cc", &v) != 1)
		__builtin_trap();
	buf_free(&out);
	buf_free(&v);
	free(s);
	return 0;
}
