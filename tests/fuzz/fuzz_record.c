/*
 * fuzz_record.c: the readers of stored messages (src/store/record.c) on
 * arbitrary bytes, as a damaged or altered database would give them.
 *
 * The input is a keys blob and a plain blob: a 16-bit big-endian length of
 * the keys, the keys, then the plain blob.  record_keys_decode,
 * record_plain_walk and record_fields_walk (with address rows that name
 * every key "k@x") must return 0 or -1 with a message, never read outside
 * the blobs, and hand over only values inside them (or the address
 * rows'); a walk that fails stops at the failure.  Then a message parsed
 * from the plain blob's bytes as a header must round-trip: encoded in
 * versions 2 and 3, both walks give the same fields of every tag.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "mail/meta.h"
#include "store/record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct meta_parser	*mp;

struct span {
	const char	*lo, *hi;		/* values must lie inside */
	struct buf	 text[RT_THREAD_INDEX + 1];	/* by tag */
};

static const char	addr_text[] = "k@x";

static int
inside(void *arg, enum record_tag tag, struct str v)
{
	struct span	*s = arg;

	if (tag < RT_FROM || tag > RT_THREAD_INDEX)
		abort();
	if (v.len > 0 && v.p != addr_text && (v.p < s->lo ||
	    v.p + v.len > s->hi))
		abort();
	return 0;
}

static int
any_addr(void *arg, struct str key, struct str *out, struct err *err)
{
	(void)arg;
	(void)err;
	if (key.len != RECORD_KEY_BYTES)
		abort();
	*out = str_make(addr_text, sizeof(addr_text) - 1);
	return 0;
}

/* The address rows of a round trip: an address's blind index is its
 * number among the distinct addresses seen (injective). */
static struct str	seen[4096];
static size_t		nseen;

static void
blind(void *arg, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	size_t	i;

	(void)arg;
	memset(out, 0, RECORD_KEY_BYTES);
	out[0] = (unsigned char)kind;
	if (kind != RECORD_ADDRESS) {
		memcpy(out + 1, s.p, s.len < RECORD_KEY_BYTES - 1 ? s.len :
		    RECORD_KEY_BYTES - 1);
		return;
	}
	for (i = 0; i < nseen; i++)
		if (str_eq(seen[i], s))
			break;
	if (i == nseen) {
		if (nseen == sizeof(seen) / sizeof(seen[0]))
			abort();
		seen[nseen++] = s;
	}
	memcpy(out + 1, &i, sizeof(i));
}

static int
addr_of(void *arg, struct str key, struct str *out, struct err *err)
{
	size_t	i;

	(void)arg;
	if (key.len != RECORD_KEY_BYTES || key.p[0] != RECORD_ADDRESS)
		abort();
	memcpy(&i, key.p + 1, sizeof(i));
	if (i >= nseen)
		return err_set(err, ERR_PARSE, "no such address");
	*out = seen[i];
	return 0;
}

static int
collect(void *arg, enum record_tag tag, struct str v)
{
	struct span	*s = arg;

	buf_add(&s->text[tag], v.p, v.len);
	buf_addc(&s->text[tag], '\n');
	return 0;
}

static void
round_trip(const char *p, size_t n)
{
	struct msg_meta		m;
	struct buf		keys, p2, p3;
	struct span		s2, s3;
	struct record_scratch	sc = { NULL, 0 };
	struct err		err;

	meta_parse(mp, str_make(p, n), &m);
	nseen = 0;
	buf_init(&keys, 0);
	buf_init(&p2, 0);
	buf_init(&p3, 0);
	record_keys_encode(&m, blind, NULL, &keys);
	record_plain_encode(&m, &p2);
	record_plain_encode_v3(&m, keys.data, keys.len, &p3);
	for (int t = 0; t <= RT_THREAD_INDEX; t++) {
		buf_init(&s2.text[t], 0);
		buf_init(&s3.text[t], 0);
	}
	if (record_plain_walk(p2.data, p2.len, collect, &s2, &err) == -1 ||
	    record_fields_walk(keys.data, keys.len, p3.data, p3.len, &sc,
	    addr_of, NULL, collect, &s3, &err) == -1)
		abort();
	for (int t = RT_FROM; t <= RT_THREAD_INDEX; t++) {
		if (s2.text[t].len != s3.text[t].len ||
		    (s2.text[t].len > 0 && memcmp(s2.text[t].data,
		    s3.text[t].data, s2.text[t].len) != 0))
			abort();
	}
	for (int t = 0; t <= RT_THREAD_INDEX; t++) {
		buf_free(&s2.text[t]);
		buf_free(&s3.text[t]);
	}
	record_scratch_free(&sc);
	buf_free(&keys);
	buf_free(&p2);
	buf_free(&p3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record_scratch	 sc = { NULL, 0 };
	struct engine_rec	 r;
	struct span		 s;
	struct err		 err;
	size_t			 kn;
	char			*keys, *plain;
	size_t			 pn;

	if (mp == NULL)
		mp = meta_parser_new();
	if (size < 2)
		return 0;
	kn = (size_t)data[0] << 8 | data[1];
	if (kn > size - 2)
		kn = size - 2;
	pn = size - 2 - kn;
	/* Copies of exact size, so that a read past either end is seen. */
	keys = malloc(kn ? kn : 1);
	plain = malloc(pn ? pn : 1);
	if (keys == NULL || plain == NULL)
		abort();
	memcpy(keys, data + 2, kn);
	memcpy(plain, data + 2 + kn, pn);
	memset(&r, 0, sizeof(r));
	if (record_keys_decode(keys, kn, &sc, &r, &err) == -1 &&
	    err.msg[0] == '\0')
		abort();
	memset(&s, 0, sizeof(s));
	s.lo = plain;
	s.hi = plain + pn;
	if (record_plain_walk(plain, pn, inside, &s, &err) == -1 &&
	    err.msg[0] == '\0')
		abort();
	if (record_fields_walk(keys, kn, plain, pn, &sc, any_addr, NULL,
	    inside, &s, &err) == -1 && err.msg[0] == '\0')
		abort();
	round_trip(plain, pn);
	record_scratch_free(&sc);
	free(keys);
	free(plain);
	return 0;
}
