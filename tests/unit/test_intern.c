/*
 * test_intern.c: the string interning table behind the engine.
 */
#include <stdio.h>

#include "metric/intern.h"
#include "t.h"

static void
test_intern(void)
{
	struct intern	*in = intern_new();
	char		 key[32];
	int		 added;
	uint32_t	 id;

	t_eq_i64(intern_put(in, STR("a@x"), &added), 0, "first id 0");
	t_ok(added, "added");
	t_eq_i64(intern_put(in, STR("b@x"), &added), 1, "second id 1");
	t_eq_i64(intern_put(in, STR("a@x"), &added), 0, "same id again");
	t_ok(!added, "not added twice");
	t_eq_i64(intern_get(in, STR("c@x")), INTERN_NONE, "absent");
	t_eq_i64(intern_put(in, STR(""), NULL), 2, "empty string is a key");
	/* Grow through several rehashes; every id must still resolve. */
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "k%d@example", i);

		intern_put(in, str_make(key, (size_t)n), NULL);
	}
	t_eq_i64(intern_count(in), 100003, "count");
	for (int i = 0; i < 100000; i += 997) {
		int n = snprintf(key, sizeof(key), "k%d@example", i);

		id = intern_get(in, str_make(key, (size_t)n));
		t_eq_i64(id, 3 + i, "id of %s", key);
		t_eq_str(intern_str(in, id), key, "string of %s", key);
	}
	t_eq_str(intern_str(in, 1), "b@x", "early string kept");
	intern_free(in);
}

static const struct t_case cases[] = {
	{ "intern", test_intern },
};
T_MAIN(cases)
