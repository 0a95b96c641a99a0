/*
 * fuzz_json.c: json_add_str on arbitrary bytes against json_add_str_slow,
 * the byte-by-byte reference; the first input byte sets how much room
 * the buffer has (and its ceiling), so the fast path's room test and the
 * fallback are both reached.
 *
 * Invariant checked: both append the same bytes, or both hit the ceiling;
 * json_put_str writes the reference's bytes within JSON_STR_ROOM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	f, r;
	struct str	s;
	size_t		room, max, n;
	char		*d;

	if (size == 0)
		return 0;
	room = data[0] & 0x7f;
	max = data[0] & 0x80 ? room + 1 + size / 2 : 0;
	s = str_make((const char *)data + 1, size - 1);
	buf_init(&f, max);
	buf_init(&r, max);
	if (room > 0) {
		buf_extend(&f, room);
		buf_reset(&f);
	}
	buf_addc(&f, 'x');
	buf_addc(&r, 'x');
	json_add_str(&f, s);
	json_add_str_slow(&r, s);
	if (f.failed != r.failed)
		abort();
	if (!f.failed && (f.len != r.len ||
	    memcmp(f.data, r.data, f.len) != 0 || f.data[f.len] != '\0'))
		abort();
	buf_free(&f);
	buf_free(&r);
	buf_init(&r, 0);	/* no ceiling this time */
	buf_addc(&r, 'x');
	json_add_str_slow(&r, s);
	d = xmalloc(JSON_STR_ROOM(s.len));
	n = json_put_str(d, s);
	if (n > JSON_STR_ROOM(s.len) || n + 1 != r.len ||
	    memcmp(d, r.data + 1, n) != 0)
		abort();
	free(d);
	buf_free(&r);
	return 0;
}
