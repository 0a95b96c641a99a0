/*
 * test_strtab.c: the shared string table (src/base/strtab.h) behind the
 * engine's interning and an import's memo of blind indexes.
 */
#include <stdio.h>
#include <string.h>

#include "base/strtab.h"
#include "t.h"

static void
test_ids(void)
{
	struct strtab	t;
	int		added;

	strtab_init(&t);
	t_eq_i64(strtab_get(&t, STR("a")), STRTAB_NONE, "empty table");
	t_eq_i64(strtab_put(&t, STR(""), &added), 0, "empty string first");
	t_ok(added, "added");
	t_eq_i64(strtab_str(&t, 0).len, 0, "empty string back");
	t_eq_i64(strtab_put(&t, STR("a@x"), &added), 1, "second id 1");
	t_eq_i64(strtab_put(&t, STR(""), &added), 0, "empty string again");
	t_ok(!added, "not added twice");
	/* Any byte, NUL included; a prefix is another string. */
	t_eq_i64(strtab_put(&t, str_make("a\0b", 3), NULL), 2, "with NUL");
	t_eq_i64(strtab_put(&t, str_make("a\0c", 3), NULL), 3,
	    "differs after NUL");
	t_eq_i64(strtab_get(&t, str_make("a\0b", 3)), 2, "NUL found");
	t_eq_i64(strtab_get(&t, str_make("a@", 2)), STRTAB_NONE,
	    "prefix absent");
	t_ok(strtab_str(&t, 3).len == 3 &&
	    memcmp(strtab_str(&t, 3).p, "a\0c", 3) == 0, "bytes kept");
	t_eq_i64(strtab_count(&t), 4, "count");
	t_ok(strtab_bytes(&t) > 0, "bytes held");
	strtab_fini(&t);
}

/* Keys of every length around the 8-byte words of the hash, through
 * several rehashes: every id resolves to its string and back. */
static void
test_grow(void)
{
	static const char pad[] = "kkkkkkkkkkkkkkkkkkkk";
	struct strtab	t;
	char		key[64];
	uint32_t	id;
	int		n;

	strtab_init(&t);
	for (int i = 0; i < 200000; i++) {
		n = snprintf(key, sizeof(key), "%.*s%d", i % 20, pad, i);
		t_eq_i64(strtab_put(&t, str_make(key, (size_t)n), NULL), i,
		    "dense id %d", i);
	}
	t_eq_i64(strtab_count(&t), 200000, "count");
	for (int i = 0; i < 200000; i += 331) {
		n = snprintf(key, sizeof(key), "%.*s%d", i % 20, pad, i);
		id = strtab_get(&t, str_make(key, (size_t)n));
		t_eq_i64(id, i, "id of %s", key);
		t_eq_mem(strtab_str(&t, id).p, strtab_str(&t, id).len, key,
		    "string of %s", key);
	}
	n = snprintf(key, sizeof(key), "absent");
	t_eq_i64(strtab_get(&t, str_make(key, (size_t)n)), STRTAB_NONE,
	    "absent");
	strtab_fini(&t);
}

/* Clearing forgets every string and starts the ids again. */
static void
test_clear(void)
{
	struct strtab	t;
	char		key[32];
	int		n, added;

	strtab_init(&t);
	for (int i = 0; i < 5000; i++) {
		n = snprintf(key, sizeof(key), "m%d@example", i);
		strtab_put(&t, str_make(key, (size_t)n), NULL);
	}
	strtab_clear(&t);
	t_eq_i64(strtab_count(&t), 0, "cleared");
	t_eq_i64(strtab_get(&t, STR("m1@example")), STRTAB_NONE, "forgotten");
	t_eq_i64(strtab_put(&t, STR("m7@example"), &added), 0, "ids restart");
	t_ok(added, "added again");
	t_eq_i64(strtab_put(&t, STR("z"), NULL), 1, "next id");
	t_eq_i64(strtab_get(&t, STR("m7@example")), 0, "found after clear");
	strtab_fini(&t);
}

static const struct t_case cases[] = {
	{ "ids", test_ids },
	{ "grow", test_grow },
	{ "clear", test_clear },
};
T_MAIN(cases)
