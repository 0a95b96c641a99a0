/*
 * intern.c: the engine's string ids, on the shared hash table of
 * src/base/strtab.h (see intern.h).
 */
#include <stdlib.h>

#include "../base/xmalloc.h"
#include "intern.h"

struct intern {
	struct strtab	 t;
};

struct intern *
intern_new(void)
{
	struct intern	*in = xmalloc(sizeof(*in));

	strtab_init(&in->t);
	return in;
}

void
intern_free(struct intern *in)
{
	if (in == NULL)
		return;
	strtab_fini(&in->t);
	free(in);
}

uint32_t
intern_put(struct intern *in, struct str s, int *added_out)
{
	return strtab_put(&in->t, s, added_out);
}

uint32_t
intern_get(const struct intern *in, struct str s)
{
	return strtab_get(&in->t, s);
}

struct str
intern_str(const struct intern *in, uint32_t id)
{
	return strtab_str(&in->t, id);
}

uint32_t
intern_count(const struct intern *in)
{
	return strtab_count(&in->t);
}

size_t
intern_bytes(const struct intern *in)
{
	return strtab_bytes(&in->t);
}
