/*
 * record.c: the stored form of a message (see record.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "record.h"

/* The flags byte of a keys blob. */
#define KEYS_SENDER		1
#define KEYS_ID			2
#define KEYS_IRT_LAST_REF	4	/* version 2: see record.h */

/* A field of a version 2 plain blob, never handed to a caller: the last
 * In-Reply-To id is the last reference (see record.h). */
#define TAG_IRT_LAST_REF	12
/* The first field of a version 3 blob, never handed to a caller: what
 * the keys named when it was sealed (record.h). */
#define TAG_KEYS_CHECK		13
#define CHECK_HEAD		9	/* the check's flags byte and counts */

static void
put_u16(struct buf *b, size_t v)
{
	unsigned char	x[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	buf_add(b, x, 2);
}

static void
put_key(struct buf *b, record_blind_fn blind, void *arg,
    enum record_kind kind, struct str s)
{
	unsigned char	k[RECORD_KEY_BYTES];

	blind(arg, kind, s, k);
	buf_add(b, k, sizeof(k));
}

static size_t
clamp(size_t n)
{
	return n > RECORD_KEYS_MAX ? RECORD_KEYS_MAX : n;
}

/* Whether the last In-Reply-To id (of the first n) is the last of the
 * first nrefs references, as in most replies: it is then stored once. */
static int
irt_is_last_ref(const struct msg_meta *m, size_t nirt, size_t nrefs)
{
	return nirt > 0 && nrefs > 0 && str_eq(m->in_reply_to.v[nirt - 1],
	    m->references.v[nrefs - 1]);
}

void
record_keys_encode(const struct msg_meta *m, record_blind_fn blind,
    void *arg, struct buf *out)
{
	size_t	nto = clamp(m->to.n), ncc = clamp(m->cc.n);
	size_t	nirt = clamp(m->in_reply_to.n), nrefs = clamp(m->references.n);
	int	same = irt_is_last_ref(m, nirt, nrefs);

	buf_addc(out, 2);
	buf_addc(out, (char)((m->from.n > 0 ? KEYS_SENDER : 0) |
	    (m->message_id.p != NULL ? KEYS_ID : 0) |
	    (same ? KEYS_IRT_LAST_REF : 0)));
	if (m->from.n > 0)
		put_key(out, blind, arg, RECORD_ADDRESS, m->from.v[0].addr);
	if (m->message_id.p != NULL)
		put_key(out, blind, arg, RECORD_MSGID, m->message_id);
	put_u16(out, nto);
	put_u16(out, ncc);
	put_u16(out, nirt);
	put_u16(out, nrefs);
	for (size_t i = 0; i < nto; i++)
		put_key(out, blind, arg, RECORD_ADDRESS, m->to.v[i].addr);
	for (size_t i = 0; i < ncc; i++)
		put_key(out, blind, arg, RECORD_ADDRESS, m->cc.v[i].addr);
	for (size_t i = 0; i < nirt - (same ? 1 : 0); i++)
		put_key(out, blind, arg, RECORD_MSGID, m->in_reply_to.v[i]);
	for (size_t i = 0; i < nrefs; i++)
		put_key(out, blind, arg, RECORD_MSGID, m->references.v[i]);
}

int
record_keys_decode(const void *blob, size_t len, struct record_scratch *sc,
    struct engine_rec *r, struct err *err)
{
	const unsigned char	*p = blob, *end = p + len;
	size_t			 n[4], total, stored;
	struct str		*v;
	unsigned		 bits, same;

	if (len < 2 || (p[0] != 1 && p[0] != 2))
		return err_set(err, ERR_PARSE, "stored keys: unknown version "
		    "or short record (%zu bytes)", len);
	bits = p[1];
	same = p[0] == 2 && (bits & KEYS_IRT_LAST_REF) != 0;
	p += 2;
	r->sender = r->id = STR_NULL;
	if (bits & KEYS_SENDER) {
		if (end - p < RECORD_KEY_BYTES)
			goto short_blob;
		r->sender = str_make((const char *)p, RECORD_KEY_BYTES);
		p += RECORD_KEY_BYTES;
	}
	if (bits & KEYS_ID) {
		if (end - p < RECORD_KEY_BYTES)
			goto short_blob;
		r->id = str_make((const char *)p, RECORD_KEY_BYTES);
		p += RECORD_KEY_BYTES;
	}
	if (end - p < 8)
		goto short_blob;
	for (int i = 0; i < 4; i++, p += 2)
		n[i] = (size_t)p[0] << 8 | p[1];
	total = n[0] + n[1] + n[2] + n[3];
	if (same && (n[2] == 0 || n[3] == 0))
		return err_set(err, ERR_PARSE, "stored keys: In-Reply-To "
		    "marked as a reference, with no such id");
	stored = total - same;
	if ((size_t)(end - p) != stored * RECORD_KEY_BYTES)
		return err_set(err, ERR_PARSE, "stored keys: %zu bytes where "
		    "%zu keys need %zu", (size_t)(end - p), stored,
		    stored * RECORD_KEY_BYTES);
	if (total > sc->cap || sc->v == NULL) {	/* never NULL + 0 */
		sc->cap = total * 2 + 1;
		sc->v = xreallocarray(sc->v, sc->cap, sizeof(*sc->v));
	}
	v = sc->v;
	for (size_t i = 0; i < total; i++) {
		if (same && i == n[0] + n[1] + n[2] - 1)
			continue;	/* the last reference, below */
		v[i] = str_make((const char *)p, RECORD_KEY_BYTES);
		p += RECORD_KEY_BYTES;
	}
	if (same)
		v[n[0] + n[1] + n[2] - 1] = v[total - 1];
	r->to = v;
	r->nto = n[0];
	r->cc = v + n[0];
	r->ncc = n[1];
	r->irt = v + n[0] + n[1];
	r->nirt = n[2];
	r->refs = v + n[0] + n[1] + n[2];
	r->nrefs = n[3];
	return 0;
short_blob:
	return err_set(err, ERR_PARSE, "stored keys: record cut short (%zu "
	    "bytes)", len);
}

void
record_scratch_free(struct record_scratch *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = 0;
}

/* The head of a field of a version 2 or 3 plain blob: tag, then the
 * length in 7-bit groups, low group first, the high bit meaning "more"
 * (LEB128). */
static void
put_head(struct buf *b, unsigned tag, size_t len)
{
	unsigned char	h[1 + RECORD_LEN_MAX];
	size_t		n = 0;

	h[n++] = (unsigned char)tag;
	while (len >= 0x80 && n < sizeof(h) - 1) {
		h[n++] = (unsigned char)(len | 0x80);
		len >>= 7;
	}
	h[n++] = (unsigned char)len;
	buf_add(b, h, n);
}

static void
put_field(struct buf *b, unsigned tag, struct str v)
{
	put_head(b, tag, v.len);
	buf_add(b, v.p, v.len);
}

/*
 * Where the parts of a keys blob (as record_keys_encode wrote it) are:
 * whether it names a sender, the offset c of its four counts, and the
 * To and Cc counts.  -1 if len is too short for what it says.
 */
static int
keys_layout(const unsigned char *k, size_t len, int *sender, size_t *c,
    size_t *nto, size_t *ncc)
{
	if (len < 2)
		return -1;
	*sender = (k[1] & KEYS_SENDER) != 0;
	*c = 2 + RECORD_KEY_BYTES * (size_t)(*sender +
	    ((k[1] & KEYS_ID) != 0));
	if (len < *c + 8)
		return -1;
	*nto = (size_t)k[*c] << 8 | k[*c + 1];
	*ncc = (size_t)k[*c + 2] << 8 | k[*c + 3];
	return len < *c + 8 + RECORD_KEY_BYTES * (*nto + *ncc) ? -1 : 0;
}

/*
 * The check field of a version 3 blob binds the keys blob's roles and
 * the addresses it names: its flags byte, its four counts, then the
 * first RECORD_CHECK_BYTES of each address key, in the order sender,
 * To, Cc.  So a key moved from To to Cc, a sender turned recipient or
 * another address's key no longer matches.
 */
static void
put_keys_check(struct buf *out, const unsigned char *k, size_t len)
{
	size_t	c, nto, ncc;
	int	sender;

	if (keys_layout(k, len, &sender, &c, &nto, &ncc) == -1)
		rt_fatal("record_plain_encode_v3: keys of %zu bytes", len);
	put_head(out, TAG_KEYS_CHECK, CHECK_HEAD +
	    ((size_t)sender + nto + ncc) * RECORD_CHECK_BYTES);
	buf_addc(out, (char)k[1]);
	buf_add(out, k + c, 8);
	if (sender)
		buf_add(out, k + 2, RECORD_CHECK_BYTES);
	for (size_t i = 0; i < nto + ncc; i++)
		buf_add(out, k + c + 8 + RECORD_KEY_BYTES * i,
		    RECORD_CHECK_BYTES);
}

static void
plain_encode(const struct msg_meta *m, const void *keys, size_t keys_len,
    struct buf *out)
{
	/* Version 3 leaves out what the keys name (record_keys_encode). */
	int	v3 = keys != NULL;
	size_t	from0 = v3 ? 1 : 0;
	size_t	to0 = v3 ? clamp(m->to.n) : 0;
	size_t	cc0 = v3 ? clamp(m->cc.n) : 0;
	int	same;

	buf_addc(out, v3 ? 3 : 2);
	if (v3)
		put_keys_check(out, keys, keys_len);
	for (size_t i = 0; i < m->from.n; i++) {
		if (i >= from0)
			put_field(out, RT_FROM, m->from.v[i].addr);
		put_field(out, RT_FROM_NAME, m->from.v[i].name);
	}
	for (size_t i = 0; i < m->sender.n; i++)
		put_field(out, RT_SENDER, m->sender.v[i].addr);
	for (size_t i = to0; i < m->to.n; i++)
		put_field(out, RT_TO, m->to.v[i].addr);
	for (size_t i = cc0; i < m->cc.n; i++)
		put_field(out, RT_CC, m->cc.v[i].addr);
	if (m->subject.p != NULL)
		put_field(out, RT_SUBJECT, m->subject);
	if (m->message_id.p != NULL)
		put_field(out, RT_MESSAGE_ID, m->message_id);
	/* References first, so that an In-Reply-To equal to the last one
	 * can say so in two bytes. */
	same = irt_is_last_ref(m, m->in_reply_to.n, m->references.n);
	for (size_t i = 0; i < m->references.n; i++)
		put_field(out, RT_REFERENCES, m->references.v[i]);
	for (size_t i = 0; i + (same ? 1 : 0) < m->in_reply_to.n; i++)
		put_field(out, RT_IN_REPLY_TO, m->in_reply_to.v[i]);
	if (same)
		put_field(out, TAG_IRT_LAST_REF, STR(""));
	if (m->list_id.p != NULL)
		put_field(out, RT_LIST_ID, m->list_id);
	if (m->thread_index.p != NULL)
		put_field(out, RT_THREAD_INDEX, m->thread_index);
}

void
record_plain_encode(const struct msg_meta *m, struct buf *out)
{
	plain_encode(m, NULL, 0, out);
}

void
record_plain_encode_v3(const struct msg_meta *m, const void *keys,
    size_t keys_len, struct buf *out)
{
	plain_encode(m, keys, keys_len, out);
}

/* A field length of a version 2 blob at *pp: 0, or -1 if malformed
 * (longer than RECORD_LEN_MAX bytes, cut short, or not minimal). */
static int
get_len(const unsigned char **pp, const unsigned char *end, size_t *n_out)
{
	const unsigned char	*p = *pp;
	size_t			 n = 0;

	for (int i = 0; i < RECORD_LEN_MAX && p < end; i++) {
		n |= (size_t)(*p & 0x7f) << (7 * i);
		if ((*p++ & 0x80) == 0) {
			if (i > 0 && p[-1] == 0)
				return -1;	/* a needless zero group */
			*pp = p;
			*n_out = n;
			return 0;
		}
	}
	return -1;
}

int
record_plain_walk(const void *blob, size_t len, record_field_fn cb,
    void *arg, struct err *err)
{
	const unsigned char	*p = blob, *end = p + len;
	unsigned		 version, tag;
	size_t			 n;
	struct str		 last_ref = STR_NULL;

	if (len < 1 || p[0] < 1 || p[0] > 3)
		return err_set(err, ERR_PARSE, "stored fields: unknown "
		    "version or empty record");
	version = p[0];
	for (p++; p < end; p += n) {
		tag = *p++;
		if (version == 1) {	/* u32 big-endian lengths */
			if (end - p < 4)
				goto cut;
			n = (size_t)p[0] << 24 | (size_t)p[1] << 16 |
			    (size_t)p[2] << 8 | p[3];
			p += 4;
		} else if (get_len(&p, end, &n) == -1)
			goto cut;
		if (version == 3 && tag == TAG_KEYS_CHECK) {
			/* With its head, or without (check_legacy). */
			if ((size_t)(end - p) < n || (n % RECORD_CHECK_BYTES &&
			    (n < CHECK_HEAD ||
			    (n - CHECK_HEAD) % RECORD_CHECK_BYTES)))
				return err_set(err, ERR_PARSE, "stored "
				    "fields: bad keys check");
			continue;	/* record_fields_walk's */
		}
		if (version >= 2 && tag == TAG_IRT_LAST_REF) {
			if (n != 0 || last_ref.p == NULL)
				return err_set(err, ERR_PARSE, "stored "
				    "fields: In-Reply-To marked as a "
				    "reference, with no reference before");
			if (cb(arg, RT_IN_REPLY_TO, last_ref) == -1)
				return -1;
			continue;
		}
		if (tag < RT_FROM || tag > RT_THREAD_INDEX ||
		    (size_t)(end - p) < n)
			return err_set(err, ERR_PARSE, "stored fields: bad "
			    "field header");
		if (tag == RT_REFERENCES)
			last_ref = str_make((const char *)p, n);
		if (cb(arg, (enum record_tag)tag, str_make((const char *)p,
		    n)) == -1)
			return -1;
	}
	return 0;
cut:
	return err_set(err, ERR_PARSE, "stored fields: cut short");
}

/* The addresses of n keys, as fields of tag. */
static int
key_fields(const struct str *keys, size_t n, enum record_tag tag,
    record_addr_fn addr, void *addr_arg, record_field_fn cb, void *arg,
    struct err *err)
{
	struct str	a;

	for (size_t i = 0; i < n; i++) {
		if (addr(addr_arg, keys[i], &a, err) == -1)
			return err_prefix(err, "stored fields: ");
		if (cb(arg, tag, a) == -1)
			return -1;
	}
	return 0;
}

/*
 * Whether check (the check field of a version 3 blob) is the one
 * put_keys_check() makes of the keys blob k.  A check without the head
 * (the flags byte and the counts: its length a multiple of
 * RECORD_CHECK_BYTES, which a check with the head never is) was written
 * by the release before the head was added; its rows are still read,
 * with the addresses checked and their roles not.  The check is sealed,
 * so no one without the tenant's key can write one of either form.
 */
static int
keys_match(struct str check, const unsigned char *k, size_t len)
{
	const char	*p = check.p;
	size_t		 c, nto, ncc, nkeys;
	int		 sender, legacy;

	if (keys_layout(k, len, &sender, &c, &nto, &ncc) == -1)
		return 0;
	nkeys = (size_t)sender + nto + ncc;
	legacy = check.len == nkeys * RECORD_CHECK_BYTES;
	if (!legacy && check.len != CHECK_HEAD + nkeys * RECORD_CHECK_BYTES)
		return 0;
	if (!legacy) {
		if ((unsigned char)p[0] != k[1] ||
		    memcmp(p + 1, k + c, 8) != 0)
			return 0;
		p += CHECK_HEAD;
	}
	if (sender) {
		if (memcmp(p, k + 2, RECORD_CHECK_BYTES) != 0)
			return 0;
		p += RECORD_CHECK_BYTES;
	}
	for (size_t i = 0; i < nto + ncc; i++, p += RECORD_CHECK_BYTES)
		if (memcmp(p, k + c + 8 + RECORD_KEY_BYTES * i,
		    RECORD_CHECK_BYTES) != 0)
			return 0;
	return 1;
}

int
record_keys_check(const void *keys, size_t keys_len, const void *plain,
    size_t plain_len, struct err *err)
{
	const unsigned char	*p = plain, *end = p + plain_len;
	size_t			 n;

	if (plain_len < 1 || p[0] != 3)
		return 0;
	p++;
	if (p == end || *p++ != TAG_KEYS_CHECK ||
	    get_len(&p, end, &n) == -1 || (size_t)(end - p) < n)
		return err_set(err, ERR_PARSE, "stored fields: version 3 "
		    "without its keys check");
	if (!keys_match(str_make((const char *)p, n), keys, keys_len))
		return err_set(err, ERR_PARSE, "stored fields: the message's "
		    "keys are not the ones its fields were sealed with "
		    "(altered?)");
	return 0;
}

int
record_fields_walk(const void *keys, size_t keys_len, const void *plain,
    size_t plain_len, struct record_scratch *sc, record_addr_fn addr,
    void *addr_arg, record_field_fn cb, void *arg, struct err *err)
{
	const unsigned char	*p = plain;
	struct engine_rec	 r;

	if (plain_len >= 1 && p[0] == 3) {
		/* The keys must be the ones the fields were sealed with, or
		 * their addresses are not the message's. */
		memset(&r, 0, sizeof(r));
		if (record_keys_decode(keys, keys_len, sc, &r, err) == -1 ||
		    record_keys_check(keys, keys_len, plain, plain_len,
		    err) == -1)
			return -1;
		if ((r.sender.p != NULL && key_fields(&r.sender, 1, RT_FROM,
		    addr, addr_arg, cb, arg, err) == -1) ||
		    key_fields(r.to, r.nto, RT_TO, addr, addr_arg, cb, arg,
		    err) == -1 ||
		    key_fields(r.cc, r.ncc, RT_CC, addr, addr_arg, cb, arg,
		    err) == -1)
			return -1;
	}
	return record_plain_walk(plain, plain_len, cb, arg, err);
}

void
record_domain_keys(struct str addr, record_blind_fn blind, void *arg,
    struct buf *out)
{
	struct str	d = addr_domain(addr);

	while (d.len > 0) {
		const char	*dot;

		put_key(out, blind, arg, RECORD_DOMAIN, d);
		if ((dot = memchr(d.p, '.', d.len)) == NULL)
			break;
		d = str_make(dot + 1, d.len - (size_t)(dot + 1 - d.p));
	}
}
