/*
 * test_base.c: str, buf and arena.
 */
#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "t.h"

static void
test_str(void)
{
	t_ok(str_eq_ci(STR("Message-ID"), STR("message-id")), "eq_ci");
	t_ok(!str_eq_ci(STR("Message-ID"), STR("message-i")), "eq_ci len");
	t_eq_str(str_trim(STR(" \t a b \r\n")), "a b", "trim");
	t_eq_str(str_trim(STR("  ")), "", "trim all");
	t_ok(str_has_prefix_ci(STR("From: x"), STR("from:")), "prefix");
	t_eq_str(str_skip(STR("abc"), 5), "", "skip clamps");
}

static void
test_buf(void)
{
	struct buf	b;
	struct err	err;

	buf_init(&b, 8);
	buf_puts(&b, "abcd");
	buf_addf(&b, "%d", 123);
	t_eq_mem(b.data, b.len, "abcd123", "appends");
	t_eq_i64(buf_check(&b, &err), 0, "within limit");
	buf_puts(&b, "xy");
	t_ok(b.failed, "ceiling sets failed");
	buf_addc(&b, 'z');
	t_eq_mem(b.data, b.len, "abcd123", "failed is sticky");
	t_eq_i64(buf_check(&b, &err), -1, "check reports");
	t_eq_i64(err.code, ERR_LIMIT, "limit code");
	buf_free(&b);

	buf_init(&b, 10);
	t_ok(buf_extend(&b, 4) != NULL && b.len == 4, "extend within limit");
	t_ok(buf_extend(&b, 7) == NULL && b.failed, "extend past the ceiling");
	buf_free(&b);
}

static void
test_arena(void)
{
	struct arena	*a = arena_new(100000);
	char		*p, *q;

	p = arena_alloc(a, 10);
	t_ok(p != NULL && ((uintptr_t)p & 15) == 0, "aligned");
	memcpy(p, "0123456789", 10);
	q = arena_grow(a, p, 10, 20);
	t_ok(q == p, "grows in place");
	t_ok(arena_alloc(a, 200000) == NULL, "limit refuses");
	t_ok(arena_alloc(a, 70000) != NULL, "large block below limit");
	t_eq_i64(arena_used(a), 20 + 70000, "used");
	arena_reset(a);
	t_eq_i64(arena_used(a), 0, "reset");
	t_ok(arena_strndup(a, STR("hi")) != NULL, "strndup");
	arena_free(a);
	arena_free(NULL);
}

static const struct t_case cases[] = {
	{ "str", test_str },
	{ "buf", test_buf },
	{ "arena", test_arena },
};
T_MAIN(cases)
