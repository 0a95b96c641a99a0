/*
 * fuzz_form.c: the urlencoded form decoder of the web server.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "web/web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_form	 f = { NULL, 0 };
	struct err	 err;

	if (form_parse((const char *)data, size, &f, &err) == 0) {
		for (size_t i = 0; i < f.n; i++)
			if (strlen(f.v[i].value) > WEB_FIELD_MAX)
				__builtin_trap();
		(void)form_get(&f, "csrf");
	}
	form_free(&f);
	return 0;
}
