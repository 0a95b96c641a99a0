/*
 * fuzz_msgid.c: msgid_parse and msgid_parse_list on arbitrary bytes.
 *
 * Invariants, checked on every input (abort if broken): every id is
 * non-empty, at most MSGID_MAX_LEN bytes, with no white space and no '<'
 * or '>'; a list never holds more than MSGID_LIST_MAX ids, even when the
 * input is appended twice; when msgid_parse finds an id, the list of the
 * same value starts with it; the one-pass token search and the list's
 * kept spans give what msgid_parse_slow and msgid_parse_list_slow give.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "mail/msgid.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct arena	*a;

static void
check_id(struct str id)
{
	size_t	i;

	if (id.len == 0 || id.len > MSGID_MAX_LEN || id.p == NULL)
		abort();
	for (i = 0; i < id.len; i++) {
		switch (id.p[i]) {
		case ' ':
		case '\t':
		case '\r':
		case '\n':
		case '\v':
		case '\f':
		case '<':
		case '>':
			abort();
		default:
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str	 in = str_make((const char *)data, size), id;
	struct mail_ids	 ids;
	size_t		 i, n1;
	int		 rc;

	if (a == NULL)
		a = arena_new((size_t)256 << 20);
	arena_reset(a);

	if ((rc = msgid_parse(a, in, &id)) < 0)
		abort();
	if (rc == 1)
		check_id(id);

	memset(&ids, 0, sizeof(ids));
	if (msgid_parse_list(a, in, &ids) != 0)
		abort();
	if (ids.n > MSGID_LIST_MAX)
		abort();
	for (i = 0; i < ids.n; i++)
		check_id(ids.v[i]);
	if (rc == 1 && (ids.n == 0 || !str_eq(ids.v[0], id)))
		abort();

	{
		struct str	 id2;
		struct mail_ids	 ids2;

		memset(&ids2, 0, sizeof(ids2));
		if (msgid_parse_slow(a, in, &id2) != rc ||
		    (rc == 1 && !str_eq(id, id2)))
			abort();
		if (msgid_parse_list_slow(a, in, &ids2) != 0 ||
		    ids2.n != ids.n || ids2.dropped != ids.dropped)
			abort();
		for (i = 0; i < ids.n; i++)
			if (!str_eq(ids.v[i], ids2.v[i]))
				abort();
	}

	n1 = ids.n;
	if (msgid_parse_list(a, in, &ids) != 0)
		abort();
	if (ids.n > MSGID_LIST_MAX || ids.n < n1 ||
	    (n1 < MSGID_LIST_MAX / 2 && ids.n != 2 * n1))
		abort();
	for (i = 0; i < ids.n; i++)
		check_id(ids.v[i]);
	return 0;
}
