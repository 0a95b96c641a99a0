/*
 * fuzz_imap.c: imap_frame and imap_parse on arbitrary bytes, as a server
 * stream.
 *
 * The input is framed response by response, as the client reads it, and
 * each framed response is parsed.  Invariants, checked on every input
 * (abort if broken): a frame is never longer than the bytes given and
 * ends with LF; every item's end index lies past the item and within its
 * parent, so a walk always terminates; every string points inside the
 * response; no item count or depth passes its limit.  The input is also
 * fed in two pieces at every split point of its first response: framing
 * must not depend on how the bytes arrive.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap/imap_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct imap_parser	*ps;

static void
check_items(const struct imap_resp *r, const char *p, size_t n)
{
	size_t	depth_end[IMAP_DEPTH_MAX + 2], depth = 0;

	if (r->nitems > IMAP_ITEMS_MAX || r->first > r->nitems)
		abort();
	for (size_t i = 0; i < r->nitems; i++) {
		const struct imap_item *it = &r->items[i];

		while (depth > 0 && i >= depth_end[depth - 1])
			depth--;
		if (it->end <= i || it->end > r->nitems)
			abort();
		if (depth > 0 && it->end > depth_end[depth - 1])
			abort();
		if (it->type == IMAP_LIST) {
			if (depth > IMAP_DEPTH_MAX)
				abort();
			depth_end[depth++] = it->end;
		} else if (it->end != i + 1)
			abort();
		if (it->s.len > 0 && (it->s.p < p || it->s.p + it->s.len >
		    p + n))
			abort();
	}
	if (r->text.len > 0 && (r->text.p < p || r->text.p + r->text.len >
	    p + n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_resp	 r;
	struct err		 err;
	char			*buf;
	size_t			 at = 0, n, n2;
	int			 rc;

	if (ps == NULL)
		ps = imap_parser_new();
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	/* Framing in two pieces agrees with framing in one. */
	rc = imap_frame(buf, size, &n, &err);
	for (size_t cut = 0; cut < size && cut < 256; cut++) {
		int	r1 = imap_frame(buf, cut, &n2, &err);

		if (r1 == 1 && (rc != 1 || n2 != n))
			abort();
	}
	while (at < size) {
		rc = imap_frame(buf + at, size - at, &n, &err);
		if (rc != 1)
			break;
		if (n == 0 || n > size - at || buf[at + n - 1] != '\n')
			abort();
		if (imap_parse(ps, buf + at, n, &r, &err) == 0)
			check_items(&r, buf + at, n);
		at += n;
	}
	free(buf);
	return 0;
}
