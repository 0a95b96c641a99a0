/*
 * fuzz_viewq.c: view_query_parse (the dashboard's URL query parameters)
 * on arbitrary bytes, read as name=value pairs joined by '&'.
 *
 * Invariants, checked after every call (abort if broken): the query stays
 * within its limits whatever was refused or accepted: limit 1..1000,
 * offset 0..10^7, wday -1 or 1..7, hour -1..23, from/to days in
 * 1970..2099, strings NUL-terminated inside their arrays and free of
 * control bytes; a refusal always fills the error message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_text(const char *s, size_t size)
{
	size_t	n = strnlen(s, size);

	if (n == size)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void
check(const struct view_query *q)
{
	if (q->limit < 1 || q->limit > VIEW_LIMIT_MAX || q->offset < 0 ||
	    q->offset > VIEW_OFFSET_MAX)
		abort();
	if (q->wday != -1 && (q->wday < 1 || q->wday > 7))
		abort();
	if (q->hour < -1 || q->hour > 23 || q->id < 0)
		abort();
	/* 1970-01-01 .. 2099-12-31 */
	if (q->has_from && (q->from_day < 0 || q->from_day > 47481))
		abort();
	if (q->has_to && (q->to_day < 0 || q->to_day > 47481))
		abort();
	check_text(q->group, sizeof(q->group));
	check_text(q->domain, sizeof(q->domain));
	check_text(q->sort, sizeof(q->sort));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct view_query	 q;
	struct err		 err;
	char			*s = malloc(size + 1), *p, *amp, *eq;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	view_query_init(&q);
	for (p = s; p != NULL; p = amp) {
		if ((amp = strchr(p, '&')) != NULL)
			*amp++ = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		err.msg[0] = '\0';
		if (view_query_parse(p, eq + 1, &q, &err) == -1 &&
		    err.msg[0] == '\0')
			abort();
		check(&q);
	}
	free(s);
	return 0;
}
