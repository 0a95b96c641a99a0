/*
 * archive_load.c: a tenant's archive into the engine (archive.h).
 *
 * Only blind indexes and times are read; nothing is decrypted: the
 * classifier matches agents and internal domains by keyed hash.
 */
#include <stdlib.h>
#include <string.h>

#include "archive.h"

struct load {
	struct engine		*e;
	struct keyed		*kc;
	struct record_scratch	 sc;
};

static int
on_addr(void *arg, const struct store_addr *sa, struct err *err)
{
	struct load	*l = arg;

	keyed_add_address(l->kc, str_make((const char *)sa->bi,
	    STORE_BI_LEN), sa->domain_keys, sa->domain_keys_len);
	return 0;
}

static int
on_msg(void *arg, const struct store_msg *m, struct err *err)
{
	struct load		*l = arg;
	struct engine_rec	 r;

	memset(&r, 0, sizeof(r));
	if (record_keys_decode(m->keys, m->keys_len, &l->sc, &r, err) == -1)
		return err_prefix(err, "message %lld: ", (long long)m->seq);
	r.has_date = m->date != STORE_NO_TIME;
	r.date = r.has_date ? m->date : 0;
	r.has_received = m->received != STORE_NO_TIME;
	r.received = r.has_received ? m->received : 0;
	r.auto_flags = m->flags & 0xffff;
	engine_add_rec(l->e, &r);
	return 0;
}

int
archive_load(struct archive *a, const struct config *cfg,
    struct engine **e_out, struct keyed **kc_out, struct err *err)
{
	struct load			l = { 0 };
	struct engine_classifier	cl;

	l.e = engine_new();
	l.kc = keyed_new(cfg, archive_blind, a);
	if (store_addr_scan(a->st, a->tid, on_addr, &l, err) == -1 ||
	    store_msg_scan(a->st, a->tid, on_msg, &l, err) == -1) {
		record_scratch_free(&l.sc);
		keyed_free(l.kc);
		engine_free(l.e);
		return -1;
	}
	record_scratch_free(&l.sc);
	keyed_classifier(l.kc, &cl);
	engine_set_classifier(l.e, &cl);
	*e_out = l.e;
	*kc_out = l.kc;
	return 0;
}
