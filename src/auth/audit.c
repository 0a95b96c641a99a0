/*
 * audit.c: the audit log as a hash chain (auth.h).
 *
 * Each entry's hash is BLAKE2b-256 over the previous entry's hash and the
 * entry's canonical bytes: a version line, then seq, time and actor in
 * decimal, then op, object and ip each as "length:bytes", one per line.
 * Length prefixes make the encoding unambiguous, so no two entries share
 * canonical bytes.  Editing an entry breaks its own hash; deleting one
 * leaves a gap in seq and breaks the next entry's prev; both are found
 * by audit_verify (replytime audit verify).  Cutting entries off the end
 * leaves a shorter valid chain: keep the head hash that verify prints
 * (docs/security.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"

static void
add_text(struct buf *b, const char *s)
{
	buf_addf(b, "%zu:", strlen(s));
	buf_puts(b, s);
	buf_addc(b, '\n');
}

void
audit_canon(const struct store_audit *e, struct buf *out)
{
	buf_addf(out, "replytime audit v1\n%" PRId64 "\n%" PRId64 "\n%" PRId64
	    "\n", e->seq, e->at, e->actor);
	add_text(out, e->op);
	add_text(out, e->object);
	add_text(out, e->ip);
}

void
audit_hash(const unsigned char prev[STORE_HASH_LEN],
    const struct store_audit *e, unsigned char out[STORE_HASH_LEN])
{
	crypto_generichash_state	st;
	struct buf			b;

	buf_init(&b, 0);
	audit_canon(e, &b);
	crypto_generichash_init(&st, NULL, 0, STORE_HASH_LEN);
	crypto_generichash_update(&st, prev, STORE_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)b.data, b.len);
	crypto_generichash_final(&st, out, STORE_HASH_LEN);
	buf_free(&b);
}

int
audit_add(struct store *st, int64_t tid, int64_t at, int64_t actor,
    const char *op, const char *object, const char *ip, struct err *err)
{
	struct store_audit	e;
	int64_t			seq;
	int			r;

	memset(&e, 0, sizeof(e));
	e.tid = tid;
	e.at = at;
	e.actor = actor;
	e.op = op;
	e.object = object;
	e.ip = ip != NULL ? ip : "";
	if (store_begin(st, err) == -1)
		return -1;
	if ((r = store_audit_head(st, tid, &seq, e.prev, err)) == -1)
		goto fail;
	e.seq = r == 1 ? 1 : seq + 1;
	audit_hash(e.prev, &e, e.hash);
	if (store_audit_add(st, &e, err) == -1 || store_commit(st, err) == -1)
		goto fail;
	return 0;

fail:
	(void)store_rollback(st, NULL);
	return err_prefix(err, "audit: ");
}

struct verify {
	struct audit_report	*r;
	unsigned char		 prev[STORE_HASH_LEN];
	int64_t			 want;
};

static int
verify_one(void *arg, const struct store_audit *e, struct err *err)
{
	struct verify		*v = arg;
	unsigned char		 h[STORE_HASH_LEN];

	v->r->entries++;
	if (e->seq != v->want) {
		v->r->bad_seq = v->want;
		snprintf(v->r->why, sizeof(v->r->why), "entry %" PRId64
		    " is missing (the next one is %" PRId64 ")", v->want,
		    e->seq);
		return 1;
	}
	if (sodium_memcmp(e->prev, v->prev, STORE_HASH_LEN) != 0) {
		v->r->bad_seq = e->seq;
		snprintf(v->r->why, sizeof(v->r->why), "its link to the "
		    "previous entry does not match");
		return 1;
	}
	audit_hash(e->prev, e, h);
	if (sodium_memcmp(h, e->hash, STORE_HASH_LEN) != 0) {
		v->r->bad_seq = e->seq;
		snprintf(v->r->why, sizeof(v->r->why), "its content does not "
		    "match its hash (edited)");
		return 1;
	}
	memcpy(v->prev, e->hash, STORE_HASH_LEN);
	v->want++;
	return 0;
}

int
audit_verify(struct store *st, int64_t tid, struct audit_report *r,
    struct err *err)
{
	struct verify	v;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.r = r;
	v.want = 1;
	if (store_audit_scan(st, tid, 1, 0, 0, verify_one, &v, err) == -1)
		return -1;
	memcpy(r->head, v.prev, STORE_HASH_LEN);
	return 0;
}
