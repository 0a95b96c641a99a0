/*
 * hdr.c: the header-block field iterator (see hdr.h).
 * The iterator itself is inline in hdr.h.
 */
#include <string.h>

#include "hdr.h"

void
hdr_iter_init(struct hdr_iter *it, struct str block)
{
	it->p = block.p;
	it->end = block.p + block.len;
	it->base = block.p;
	it->ls = NULL;
	it->ls_end = NULL;
	it->bad_lines = 0;
	it->fields = 0;
}

void
hdr_iter_init_lines(struct hdr_iter *it, struct str block,
    const uint32_t *lines, size_t n)
{
	uint32_t	prev = 0;
	size_t		i;

	hdr_iter_init(it, block);
	/* Checked once here, so that hdr_next can trust it: increasing,
	 * so all are inside the block when the last one is. */
	if (lines == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (lines[i] <= prev)
			return;
		prev = lines[i];
	}
	if (prev >= block.len)
		return;
	it->ls = lines;
	it->ls_end = lines + n;
}

size_t
hdr_lines(struct str block, uint32_t *v, size_t max)
{
	size_t	n = 0;

	for (size_t i = 1; i < block.len; i++) {
		if (block.p[i - 1] != '\n' || block.p[i] == ' ' ||
		    block.p[i] == '\t')
			continue;
		if (n < max)
			v[n] = (uint32_t)i;
		n++;
	}
	return n;
}

struct str
hdr_unfold(struct arena *a, struct str value)
{
	char	*out;
	size_t	 n = 0;

	value = str_trim(value);
	/* A bare CR (no LF) is left for the field parsers, which treat it
	 * as white space. */
	if (memchr(value.p, '\n', value.len) == NULL)
		return value;
	if ((out = arena_alloc(a, value.len + 1)) == NULL) {
		while (n < value.len && value.p[n] != '\r' &&
		    value.p[n] != '\n')
			n++;
		return str_make(value.p, n);
	}
	/* Copy the runs between line breaks; drop each CR LF or LF. */
	for (const char *p = value.p, *end = value.p + value.len; p < end; ) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		const char	*stop = nl != NULL ? nl : end;
		size_t		 k = (size_t)(stop - p);

		if (k > 0 && p[k - 1] == '\r')
			k--;
		memcpy(out + n, p, k);
		n += k;
		p = nl != NULL ? nl + 1 : end;
	}
	out[n] = '\0';
	return str_make(out, n);
}
