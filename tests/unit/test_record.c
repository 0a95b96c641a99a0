/*
 * test_record.c: the stored form of messages.  Keys round-trip, plain
 * fields round-trip (version 3 with the address rows), and -- the property the store rests on -- a report
 * computed from blind-indexed records is byte for byte the report
 * computed from plaintext, over every golden report case (and the
 * linux-raid archive when the corpora are present).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/xmalloc.h"
#include "ingest/source.h"
#include "metric/config.h"
#include "report/report.h"
#include "store/keyed.h"
#include "store/record.h"
#include "corpus.h"
#include "t.h"

/* A stand-in for the vault's keyed hash: any injective-enough keyed
 * function shows the property; the real one is BLAKE2b (vault.h). */
static void
test_blind(void *arg, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	uint64_t	h1 = 0xcbf29ce484222325ULL ^ (uint64_t)kind;
	uint64_t	h2 = 0x84222325cbf29ce4ULL + (uintptr_t)arg;

	for (size_t i = 0; i < s.len; i++) {
		h1 = (h1 ^ (unsigned char)s.p[i]) * 0x100000001b3ULL;
		h2 = (h2 + (unsigned char)s.p[i]) * 0x9e3779b97f4a7c15ULL;
		h2 ^= h2 >> 29;
	}
	memcpy(out, &h1, 8);
	memcpy(out + 8, &h2, 8);
}

struct both {
	struct meta_parser	*mp;
	struct engine		*plain, *keyed;
	struct keyed		*kc;
	struct buf		 keys, dom;
	struct record_scratch	 sc;
	int			 bad;
};

static int
feed(void *arg, const struct source_msg *sm, struct err *err)
{
	struct both		*b = arg;
	struct msg_meta		 m;
	struct engine_rec	 r;
	unsigned char		 key[RECORD_KEY_BYTES];

	meta_parse(b->mp, sm->hdr, &m);
	engine_add(b->plain, &m);
	buf_reset(&b->keys);
	record_keys_encode(&m, test_blind, NULL, &b->keys);
	memset(&r, 0, sizeof(r));
	if (record_keys_decode(b->keys.data, b->keys.len, &b->sc, &r,
	    err) == -1) {
		b->bad++;
		return 0;
	}
	r.has_date = m.has_date;
	r.date = m.date;
	r.has_received = m.has_received;
	r.received = m.received;
	r.auto_flags = m.auto_flags;
	engine_add_rec(b->keyed, &r);
	/* What the addresses table would hold. */
	for (size_t i = 0; i < m.from.n + m.to.n + m.cc.n; i++) {
		struct str a = i < m.from.n ? m.from.v[i].addr :
		    i < m.from.n + m.to.n ? m.to.v[i - m.from.n].addr :
		    m.cc.v[i - m.from.n - m.to.n].addr;

		test_blind(NULL, RECORD_ADDRESS, a, key);
		buf_reset(&b->dom);
		record_domain_keys(a, test_blind, NULL, &b->dom);
		keyed_add_address(b->kc, str_make((const char *)key,
		    sizeof(key)), b->dom.data, b->dom.len);
	}
	return 0;
}

/* Reports path under cfg both ways; 0 if the JSON is identical. */
static int
compare(const char *path, const struct config *cfg, size_t *groups_out)
{
	struct both			 b = { 0 };
	struct engine_classifier	 cl;
	struct report_opts		 o = { 0 };
	struct report			*r1 = NULL, *r2 = NULL;
	struct buf			 j1, j2;
	struct err			 err;
	int				 same;

	b.mp = meta_parser_new();
	b.plain = engine_new();
	b.keyed = engine_new();
	b.kc = keyed_new(cfg, test_blind, NULL);
	buf_init(&b.keys, 0);
	buf_init(&b.dom, 0);
	buf_init(&j1, 0);
	buf_init(&j2, 0);
	t_eq_i64(source_scan(path, feed, &b, NULL, &err), 0, "%s: read", path);
	t_eq_i64(b.bad, 0, "%s: every keys blob decodes", path);
	keyed_classifier(b.kc, &cl);
	engine_set_classifier(b.keyed, &cl);
	if (engine_run(b.plain, cfg, &o, &r1, &err) == 0 &&
	    engine_run(b.keyed, cfg, &o, &r2, &err) == 0) {
		report_json(r1, &j1);
		report_json(r2, &j2);
		*groups_out = r1->ngroups;
	}
	same = j1.len > 0 && j1.len == j2.len &&
	    memcmp(j1.data, j2.data, j1.len) == 0;
	report_free(r1);
	report_free(r2);
	buf_free(&j1);
	buf_free(&j2);
	buf_free(&b.keys);
	buf_free(&b.dom);
	record_scratch_free(&b.sc);
	keyed_free(b.kc);
	engine_free(b.plain);
	engine_free(b.keyed);
	meta_parser_free(b.mp);
	return same ? 0 : -1;
}

static void
test_golden_cases(void)
{
	const char	*src = getenv("RT_SOURCE_DIR");
	char		 dir[1024], mbox[1400], ini[1400];
	DIR		*d;
	struct dirent	*de;
	size_t		 ncases = 0, groups;

	snprintf(dir, sizeof(dir), "%s/tests/report", src ? src : ".");
	if ((d = opendir(dir)) == NULL) {
		t_ok(0, "cannot open %s", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct config	*cfg;
		struct err	 err;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "README.md") == 0)
			continue;
		snprintf(mbox, sizeof(mbox), "%s/%s/mail.mbox", dir, de->d_name);
		snprintf(ini, sizeof(ini), "%s/%s/config.ini", dir, de->d_name);
		if (config_load(ini, &cfg, &err) == -1) {
			t_ok(0, "%s: %s", ini, err.msg);
			continue;
		}
		t_eq_i64(compare(mbox, cfg, &groups), 0,
		    "%s: keyed report equals the plaintext one", de->d_name);
		config_free(cfg);
		ncases++;
	}
	closedir(d);
	t_ok(ncases >= 40, "%zu golden cases compared", ncases);
}

static void
test_corpus(void)
{
	static const char ini[] = "[organization]\ninternal_domains = "
	    "kernel.org\n[rules]\nexclude_lists = no\n[team \"m\"]\n"
	    "members = song@kernel.org, hch@lst.de, xni@redhat.com\n";
	char		 path[4096];
	struct config	*cfg;
	struct err	 err;
	size_t		 groups = 0;

	if (corpus_path("linux-raid.mbox.zst", path, sizeof(path),
	    "linux-raid comparison") == NULL)
		return;
	t_eq_i64(config_parse(ini, sizeof(ini) - 1, "t", &cfg, &err), 0,
	    "config");
	t_eq_i64(compare(path, cfg, &groups), 0,
	    "linux-raid: keyed report equals the plaintext one");
	t_eq_i64(groups, 5, "all, a team, three agents");
	config_free(cfg);
}

struct seen {
	struct buf	text;		/* "tag=value;" for each field */
};

static int
collect(void *arg, enum record_tag tag, struct str v)
{
	struct seen	*s = arg;

	buf_addf(&s->text, "%d=%.*s;", (int)tag, (int)v.len, v.p);
	return 0;
}

static void
test_plain_roundtrip(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;
	struct buf		 b;
	struct seen		 s;
	struct err		 err;

	meta_parse(mp, STR("From: A <a@x.example>\nTo: b@y.example, "
	    "c@y.example\nCc: d@z.example\nSubject: hi\nMessage-ID: <1@x>\n"
	    "In-Reply-To: <0@x>\nReferences: <r@x> <0@x>\n"
	    "List-Id: <l.x>\nThread-Index: AQ==\n"), &m);
	buf_init(&b, 0);
	buf_init(&s.text, 0);
	record_plain_encode(&m, &b);
	t_eq_i64(record_plain_walk(b.data, b.len, collect, &s, &err), 0,
	    "walks");
	/* References before In-Reply-To; this one is the last reference,
	 * stored as such and handed back with its value. */
	t_eq_mem(s.text.data, s.text.len, "1=a@x.example;2=A;4=b@y.example;"
	    "4=c@y.example;5=d@z.example;6=hi;7=1@x;9=r@x;9=0@x;8=0@x;"
	    "10=<l.x>;11=AQ==;", "every field, in order");
	/* Cut inside a field header or value: malformed. */
	buf_reset(&s.text);
	t_eq_i64(record_plain_walk(b.data, 3, collect, &s, &err), -1,
	    "cut in a field header refused");
	t_eq_i64(record_plain_walk(b.data, 8, collect, &s, &err), -1,
	    "cut in a value refused");
	t_eq_i64(record_plain_walk("\4", 1, collect, &s, &err), -1,
	    "unknown version refused");
	buf_free(&s.text);
	buf_free(&b);
	meta_parser_free(mp);
}

/* Addresses by blind index, as the tenant's address rows hold them. */
struct rows {
	struct buf	keys, text;	/* 16-byte keys; NUL-ended texts */
	size_t		n;
	size_t		off[8192];
};

static void
rows_add(struct rows *r, struct str a)
{
	unsigned char	k[RECORD_KEY_BYTES];

	test_blind(NULL, RECORD_ADDRESS, a, k);
	RT_ASSERT(r->n < nitems(r->off));
	buf_add(&r->keys, k, sizeof(k));
	r->off[r->n++] = r->text.len;
	buf_addstr(&r->text, a);
	buf_addc(&r->text, '\0');
}

static int
rows_get(void *arg, struct str key, struct str *out, struct err *err)
{
	struct rows	*r = arg;

	for (size_t i = 0; i < r->n; i++)
		if (key.len == RECORD_KEY_BYTES && memcmp(r->keys.data +
		    i * RECORD_KEY_BYTES, key.p, RECORD_KEY_BYTES) == 0) {
			*out = str_cstr(r->text.data + r->off[i]);
			return 0;
		}
	return err_set(err, ERR_PARSE, "no such address");
}

/* Fields of one tag from a "tag=value;" list, in order. */
static void
of_tag(const struct buf *all, int tag, struct buf *out)
{
	char		want[8];
	const char	*p = all->data, *end = p + all->len, *semi;

	buf_reset(out);
	snprintf(want, sizeof(want), "%d=", tag);
	for (; p < end; p = semi + 1) {
		semi = memchr(p, ';', (size_t)(end - p));
		RT_ASSERT(semi != NULL);
		if (strncmp(p, want, strlen(want)) == 0)
			buf_add(out, p, (size_t)(semi + 1 - p));
	}
}

/*
 * Version 3 leaves out the addresses the keys name; record_fields_walk
 * puts them back from the address rows: every tag's fields as version 2
 * has them, also past RECORD_KEYS_MAX To addresses and with several From.
 */
static void
test_plain_v3(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;
	struct buf		 hdr, keys, p2, p3, t2, t3;
	struct seen		 s2, s3;
	struct rows		*r = xcalloc(1, sizeof(*r));
	struct record_scratch	 sc = { NULL, 0 };
	struct mail_addr	*to;
	char			*names;
	struct err		 err;
	int			 same = 1;

	buf_init(&hdr, 0);
	buf_puts(&hdr, "From: A <a@x.example>, B <b@x.example>\n"
	    "To: t@y.example\n"
	    "Cc: d@z.example, e@z.example, d@z.example\n"
	    "Sender: s@x.example\nSubject: hi\nMessage-ID: <1@x>\n"
	    "In-Reply-To: <0@x>\nReferences: <r@x> <0@x>\n"
	    "List-Id: <l.x>\n");
	meta_parse(mp, str_make(hdr.data, hdr.len), &m);
	/* More To than the keys hold (the parser stops at fewer). */
	to = xcalloc(RECORD_KEYS_MAX + 3, sizeof(*to));
	names = xcalloc(RECORD_KEYS_MAX + 3, 24);
	for (int i = 0; i < RECORD_KEYS_MAX + 3; i++) {
		snprintf(names + 24 * i, 24, "u%d@y.example", i % 5000);
		to[i].addr = str_cstr(names + 24 * i);
		to[i].name = STR("");
	}
	m.to.v = to;
	m.to.n = RECORD_KEYS_MAX + 3;
	buf_init(&r->keys, 0);
	buf_init(&r->text, 0);
	for (size_t i = 0; i < m.from.n; i++)
		rows_add(r, m.from.v[i].addr);
	for (size_t i = 0; i < m.to.n && i < RECORD_KEYS_MAX; i++)
		rows_add(r, m.to.v[i].addr);
	rows_add(r, STR("d@z.example"));
	rows_add(r, STR("e@z.example"));
	buf_init(&keys, 0);
	buf_init(&p2, 0);
	buf_init(&p3, 0);
	record_keys_encode(&m, test_blind, NULL, &keys);
	record_plain_encode(&m, &p2);
	record_plain_encode_v3(&m, keys.data, keys.len, &p3);
	t_eq_i64((unsigned char)p3.data[0], 3, "version 3");
	t_ok(p3.len + 4000 * (13 - RECORD_CHECK_BYTES) < p2.len,
	    "version 3 is smaller: %zu, %zu", p3.len, p2.len);
	buf_init(&s2.text, 0);
	buf_init(&s3.text, 0);
	t_eq_i64(record_plain_walk(p2.data, p2.len, collect, &s2, &err), 0,
	    "version 2 walks");
	t_eq_i64(record_fields_walk(keys.data, keys.len, p3.data, p3.len, &sc,
	    rows_get, r, collect, &s3, &err), 0, "version 3 walks: %s",
	    err.msg);
	buf_init(&t2, 0);
	buf_init(&t3, 0);
	for (int tag = RT_FROM; tag <= RT_THREAD_INDEX; tag++) {
		of_tag(&s2.text, tag, &t2);
		of_tag(&s3.text, tag, &t3);
		if (t2.len != t3.len || memcmp(t2.data, t3.data, t2.len) != 0) {
			same = 0;
			printf("# tag %d differs\n", tag);
		}
	}
	t_ok(same, "every tag's fields as version 2 has them");
	/* Version 2 blobs need no address rows. */
	buf_reset(&s3.text);
	t_eq_i64(record_fields_walk(keys.data, keys.len, p2.data, p2.len, &sc,
	    rows_get, r, collect, &s3, &err), 0, "version 2 through it");
	t_ok(s3.text.len == s2.text.len && memcmp(s3.text.data, s2.text.data,
	    s2.text.len) == 0, "version 2 unchanged");
	/* A missing address row is an error, not a shorter field. */
	r->n = 1;
	t_eq_i64(record_fields_walk(keys.data, keys.len, p3.data, p3.len, &sc,
	    rows_get, r, collect, &s3, &err), -1, "missing address refused");
	t_ok(strstr(err.msg, "stored fields: no such address") != NULL,
	    "missing address: %s", err.msg);
	t_eq_i64(record_fields_walk("\7", 1, p3.data, p3.len, &sc, rows_get,
	    r, collect, &s3, &err), -1, "bad keys refused");
	/* Keys altered in the database (they are not sealed): another
	 * stored address in a To key, two swapped, or one left out. */
	r->n = 4100;
	{
		size_t	to0 = 2 + 2 * RECORD_KEY_BYTES + 8;	/* sender, id */
		char	save[RECORD_KEY_BYTES];

		memcpy(save, keys.data + to0, RECORD_KEY_BYTES);
		memcpy(keys.data + to0, r->keys.data, RECORD_KEY_BYTES);
		t_eq_i64(record_fields_walk(keys.data, keys.len, p3.data,
		    p3.len, &sc, rows_get, r, collect, &s3, &err), -1,
		    "another address's key refused");
		t_ok(strstr(err.msg, "not the ones its fields were sealed "
		    "with") != NULL, "altered keys: %s", err.msg);
		memcpy(keys.data + to0, keys.data + to0 + RECORD_KEY_BYTES,
		    RECORD_KEY_BYTES);
		memcpy(keys.data + to0 + RECORD_KEY_BYTES, save,
		    RECORD_KEY_BYTES);
		t_eq_i64(record_fields_walk(keys.data, keys.len, p3.data,
		    p3.len, &sc, rows_get, r, collect, &s3, &err), -1,
		    "swapped keys refused");
		memcpy(keys.data + to0 + RECORD_KEY_BYTES, keys.data + to0,
		    RECORD_KEY_BYTES);
		memcpy(keys.data + to0, save, RECORD_KEY_BYTES);
		buf_reset(&s3.text);
		t_eq_i64(record_fields_walk(keys.data, keys.len, p3.data,
		    p3.len, &sc, rows_get, r, collect, &s3, &err), 0,
		    "put back: opens again");
	}
	/* The check field comes first; without it, refused. */
	t_eq_i64(record_fields_walk(keys.data, keys.len, "\3\6\2hi", 5, &sc,
	    rows_get, r, collect, &s3, &err), -1, "no check refused");
	buf_reset(&s3.text);
	t_eq_i64(record_plain_walk(p3.data, p3.len, collect, &s3, &err), 0,
	    "the check is not a field");
	t_ok(memmem(s3.text.data, s3.text.len, "13=", 3) == NULL,
	    "no tag 13 handed over");
	record_scratch_free(&sc);
	buf_free(&s2.text);
	buf_free(&s3.text);
	buf_free(&t2);
	buf_free(&t3);
	buf_free(&keys);
	buf_free(&p2);
	buf_free(&p3);
	buf_free(&hdr);
	buf_free(&r->keys);
	buf_free(&r->text);
	free(r);
	free(to);
	free(names);
	meta_parser_free(mp);
}

/*
 * The keys blob is not sealed: its roles changed in the database (the
 * address keys left as they are) must not read as another message.
 */
static void
test_plain_v3_roles(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;
	struct buf		 keys, p3, alt;
	struct seen		 s;
	struct rows		*r = xcalloc(1, sizeof(*r));
	struct record_scratch	 sc = { NULL, 0 };
	struct err		 err;
	size_t			 c = 2 + RECORD_KEY_BYTES;	/* sender */

	meta_parse(mp, STR("From: a@x.example\nTo: b@y.example\n"
	    "Cc: c@z.example\nSubject: hi\n"), &m);
	buf_init(&r->keys, 0);
	buf_init(&r->text, 0);
	rows_add(r, STR("a@x.example"));
	rows_add(r, STR("b@y.example"));
	rows_add(r, STR("c@z.example"));
	buf_init(&keys, 0);
	buf_init(&p3, 0);
	buf_init(&s.text, 0);
	record_keys_encode(&m, test_blind, NULL, &keys);
	record_plain_encode_v3(&m, keys.data, keys.len, &p3);
	t_eq_i64(record_fields_walk(keys.data, keys.len, p3.data, p3.len, &sc,
	    rows_get, r, collect, &s, &err), 0, "as stored: %s", err.msg);
	t_eq_i64(keys.data[c + 1], 1, "one To");
	/* The To counted as a Cc: the same keys in the same order. */
	buf_init(&alt, 0);
	buf_add(&alt, keys.data, keys.len);
	alt.data[c + 1] = 0;
	alt.data[c + 3] = 2;
	t_eq_i64(record_fields_walk(alt.data, alt.len, p3.data, p3.len, &sc,
	    rows_get, r, collect, &s, &err), -1, "a To moved to Cc refused");
	t_ok(strstr(err.msg, "not the ones its fields were sealed with") !=
	    NULL, "moved: %s", err.msg);
	/* The sender made the first To: no sender flag, its key after the
	 * counts. */
	buf_reset(&alt);
	buf_addc(&alt, keys.data[0]);
	buf_addc(&alt, (char)(keys.data[1] & ~1));
	buf_add(&alt, keys.data + c, 8);
	alt.data[3] = 2;	/* nto: the sender and b */
	buf_add(&alt, keys.data + 2, RECORD_KEY_BYTES);
	buf_add(&alt, keys.data + c + 8, keys.len - c - 8);
	t_eq_i64((int64_t)alt.len, (int64_t)keys.len, "same length");
	t_eq_i64(record_fields_walk(alt.data, alt.len, p3.data, p3.len, &sc,
	    rows_get, r, collect, &s, &err), -1, "the sender as a To refused");
	t_ok(strstr(err.msg, "not the ones its fields were sealed with") !=
	    NULL, "sender: %s", err.msg);
	/* A check without its head (flags byte and counts), as the release
	 * before it wrote them: still read, the addresses still checked. */
	{
		const unsigned char	*q = (const unsigned char *)p3.data;
		size_t			 n = q[2];	/* < 0x80 here */
		struct buf		 old;

		t_eq_i64(q[1], 13, "the check field first");
		buf_init(&old, 0);
		buf_addc(&old, 3);
		buf_addc(&old, 13);
		buf_addc(&old, (char)(n - 9));
		buf_add(&old, p3.data + 3 + 9, p3.len - 3 - 9);
		t_eq_i64(record_fields_walk(keys.data, keys.len, old.data,
		    old.len, &sc, rows_get, r, collect, &s, &err), 0,
		    "a check without its head is read: %s", err.msg);
		t_eq_i64(record_keys_check(keys.data, keys.len, old.data,
		    old.len, &err), 0, "and matches its keys");
		buf_reset(&alt);
		buf_add(&alt, keys.data, keys.len);
		alt.data[c + 8 + RECORD_KEY_BYTES] ^= 1;	/* the Cc's */
		t_eq_i64(record_keys_check(alt.data, alt.len, old.data,
		    old.len, &err), -1, "another Cc key is refused");
		buf_free(&old);
	}
	record_scratch_free(&sc);
	buf_free(&alt);
	buf_free(&keys);
	buf_free(&p3);
	buf_free(&s.text);
	buf_free(&r->keys);
	buf_free(&r->text);
	free(r);
	meta_parser_free(mp);
}

static void
hex(const struct buf *b, char *out, size_t size)
{
	size_t	n = 0;

	for (size_t i = 0; i < b->len && n + 3 <= size; i++)
		n += (size_t)snprintf(out + n, size - n, "%02x",
		    (unsigned char)b->data[i]);
	out[n] = '\0';
}

/* The stored bytes of version 2, pinned: tag, LEB128 length, value. */
static void
test_plain_pinned(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;
	struct buf		 b, hdr;
	struct seen		 s;
	struct err		 err;
	char			 h[256], subj[300];

	meta_parse(mp, STR("From: a@x\nSubject: hi\n"), &m);
	buf_init(&b, 0);
	record_plain_encode(&m, &b);
	hex(&b, h, sizeof(h));
	/* 02 | 01 03 "a@x" | 02 00 (no name) | 06 02 "hi" */
	t_eq_mem(h, strlen(h), "02010361407802000602" "6869", "pinned bytes");
	/* Version 3: the From address is the keys' (the address row's),
	 * checked by the first 8 bytes of its key. */
	{
		struct buf	k;
		char		want[96], kh[40];

		buf_init(&k, 0);
		record_keys_encode(&m, test_blind, NULL, &k);
		buf_reset(&b);
		record_plain_encode_v3(&m, k.data, k.len, &b);
		hex(&b, h, sizeof(h));
		/* 03 | 0d 11 flags 01, counts 0 0 0 0, key[0..8] |
		 * 02 00 (no name) | 06 02 "hi" */
		buf_reset(&k);
		{
			unsigned char	key[RECORD_KEY_BYTES];

			test_blind(NULL, RECORD_ADDRESS, STR("a@x"), key);
			buf_add(&k, key, 8);
		}
		hex(&k, kh, sizeof(kh));
		snprintf(want, sizeof(want), "030d11010000000000000000%s"
		    "020006026869", kh);
		t_eq_mem(h, strlen(h), want, "pinned version 3");
		buf_free(&k);
	}

	/* A 300-byte value takes a two-byte length: ac 02. */
	memset(subj, 'x', sizeof(subj));
	buf_init(&hdr, 0);
	buf_puts(&hdr, "Subject: ");
	buf_add(&hdr, subj, sizeof(subj));
	buf_puts(&hdr, "\n");
	meta_parse(mp, str_make(hdr.data, hdr.len), &m);
	buf_reset(&b);
	record_plain_encode(&m, &b);
	t_eq_i64(b.len, 1 + 1 + 2 + 300, "two-byte length");
	t_ok(b.len > 3 && (unsigned char)b.data[2] == 0xac &&
	    (unsigned char)b.data[3] == 0x02, "LEB128, low group first");
	buf_init(&s.text, 0);
	t_eq_i64(record_plain_walk(b.data, b.len, collect, &s, &err), 0,
	    "long value walks");
	t_eq_i64(s.text.len, 2 + 300 + 1, "long value whole");

	/* In-Reply-To equal to the last reference: tag 12, empty. */
	meta_parse(mp, STR("In-Reply-To: <b@x>\nReferences: <a@x> <b@x>\n"),
	    &m);
	buf_reset(&b);
	record_plain_encode(&m, &b);
	hex(&b, h, sizeof(h));
	/* 02 | 09 03 "a@x" | 09 03 "b@x" | 0c 00 */
	t_eq_mem(h, strlen(h), "02" "0903614078" "0903624078" "0c00",
	    "pinned In-Reply-To as the last reference");
	buf_reset(&s.text);
	t_eq_i64(record_plain_walk(b.data, b.len, collect, &s, &err), 0,
	    "walks");
	t_eq_mem(s.text.data, s.text.len, "9=a@x;9=b@x;8=b@x;",
	    "In-Reply-To handed back with its value");
	meta_parse(mp, STR("In-Reply-To: <c@x>\nReferences: <a@x> <b@x>\n"),
	    &m);
	buf_reset(&b);
	record_plain_encode(&m, &b);
	buf_reset(&s.text);
	t_eq_i64(record_plain_walk(b.data, b.len, collect, &s, &err), 0,
	    "walks");
	t_eq_mem(s.text.data, s.text.len, "9=a@x;9=b@x;8=c@x;",
	    "another In-Reply-To stored in full");
	t_eq_i64(record_plain_walk("\2\x0c\x00", 3, collect, &s, &err), -1,
	    "tag 12 with no reference before refused");
	t_eq_i64(record_plain_walk("\2\x09\x01" "a\x0c\x01" "b", 7, collect, &s,
	    &err), -1, "tag 12 with a value refused");
	t_eq_i64(record_plain_walk("\1\x09\0\0\0\1a\x0c\0\0\0\0", 12,
	    collect, &s, &err), -1, "tag 12 in version 1 refused");

	/* Malformed lengths. */
	t_eq_i64(record_plain_walk("\2\6\x82\0hi", 6, collect, &s, &err),
	    -1, "needless zero group refused");
	t_eq_i64(record_plain_walk("\2\6\x80\x80\x80\x80\x80\x01", 8,
	    collect, &s, &err), -1, "six-byte length refused");
	t_eq_i64(record_plain_walk("\2\6\x80", 3, collect, &s, &err), -1,
	    "cut in a length refused");
	t_eq_i64(record_plain_walk("\2\6\x03hi", 5, collect, &s, &err), -1,
	    "length past the end refused");
	t_eq_i64(record_plain_walk("\2\x0d\x00", 3, collect, &s, &err), -1,
	    "unknown tag refused");

	/* Version 1 blobs, written before, still read. */
	buf_reset(&s.text);
	t_eq_i64(record_plain_walk("\1\1\0\0\0\3a@x\6\0\0\0\2hi", 16,
	    collect, &s, &err), 0, "version 1 walks");
	t_eq_mem(s.text.data, s.text.len, "1=a@x;6=hi;", "version 1 fields");
	t_eq_i64(record_plain_walk("\1\1\0\0\0\4a@x", 9, collect, &s,
	    &err), -1, "version 1 cut refused");
	buf_free(&s.text);
	buf_free(&hdr);
	buf_free(&b);
	meta_parser_free(mp);
}

static void
test_keys_roundtrip(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct record_scratch	 sc = { 0 };
	struct engine_rec	 r;
	struct msg_meta		 m;
	struct buf		 b;
	struct err		 err;
	unsigned char		 k[RECORD_KEY_BYTES];

	meta_parse(mp, STR("From: a@x.example\nTo: b@y.example\n"
	    "Cc: c@y.example, d@y.example\nMessage-ID: <1@x>\n"
	    "In-Reply-To: <0@x>\nReferences: <r@x> <0@x>\n"), &m);
	buf_init(&b, 0);
	record_keys_encode(&m, test_blind, NULL, &b);
	/* In-Reply-To is the last reference: its key is stored once. */
	t_eq_i64(b.len, 2 + 16 * 2 + 8 + 16 * (1 + 2 + 0 + 2), "size");
	memset(&r, 0, sizeof(r));
	t_eq_i64(record_keys_decode(b.data, b.len, &sc, &r, &err), 0,
	    "decodes");
	t_ok(r.nto == 1 && r.ncc == 2 && r.nirt == 1 && r.nrefs == 2,
	    "counts");
	test_blind(NULL, RECORD_ADDRESS, STR("a@x.example"), k);
	t_ok(r.sender.len == 16 && memcmp(r.sender.p, k, 16) == 0,
	    "sender key");
	test_blind(NULL, RECORD_MSGID, STR("0@x"), k);
	t_ok(memcmp(r.irt[0].p, k, 16) == 0 && memcmp(r.refs[1].p, k, 16)
	    == 0, "the same id, the same key");
	t_ok(memcmp(r.to[0].p, r.cc[0].p, 16) != 0, "other addresses differ");
	for (size_t cut = 0; cut < b.len; cut++)
		t_eq_i64(record_keys_decode(b.data, cut, &sc, &r, &err), -1,
		    "cut at %zu refused", cut);
	buf_addc(&b, 0);
	t_eq_i64(record_keys_decode(b.data, b.len, &sc, &r, &err), -1,
	    "trailing byte refused");
	record_scratch_free(&sc);
	buf_free(&b);
	meta_parser_free(mp);
}

/* In-Reply-To ids other than the last reference are stored each; a
 * version 1 blob (every key stored) still decodes. */
static void
test_keys_versions(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct record_scratch	 sc = { 0 };
	struct engine_rec	 r;
	struct msg_meta		 m;
	struct buf		 b;
	struct err		 err;
	unsigned char		 k[RECORD_KEY_BYTES];

	meta_parse(mp, STR("From: a@x.example\nMessage-ID: <2@x>\n"
	    "In-Reply-To: <1@x>\nReferences: <0@x>\n"), &m);
	buf_init(&b, 0);
	record_keys_encode(&m, test_blind, NULL, &b);
	t_eq_i64(b.len, 2 + 16 * 2 + 8 + 16 * 2, "other id: two keys");
	t_eq_i64((unsigned char)b.data[0], 2, "version 2");
	t_eq_i64(b.data[1] & 4, 0, "not marked");
	t_eq_i64(record_keys_decode(b.data, b.len, &sc, &r, &err), 0,
	    "decodes");
	test_blind(NULL, RECORD_MSGID, STR("1@x"), k);
	t_ok(r.nirt == 1 && memcmp(r.irt[0].p, k, 16) == 0, "its own key");

	/* The same message as version 1 wrote it; bit 4 meant nothing. */
	b.data[0] = 1;
	b.data[1] |= 4;
	t_eq_i64(record_keys_decode(b.data, b.len, &sc, &r, &err), 0,
	    "version 1 decodes");
	t_ok(r.nirt == 1 && r.nrefs == 1 && memcmp(r.irt[0].p, k, 16) == 0,
	    "version 1 keys");

	/* Marked, with no reference to stand for it. */
	meta_parse(mp, STR("From: a@x.example\nIn-Reply-To: <1@x>\n"), &m);
	buf_reset(&b);
	record_keys_encode(&m, test_blind, NULL, &b);
	t_eq_i64(record_keys_decode(b.data, b.len, &sc, &r, &err), 0,
	    "no references decodes");
	b.data[1] |= 4;
	t_eq_i64(record_keys_decode(b.data, b.len, &sc, &r, &err), -1,
	    "marked without references refused");
	record_scratch_free(&sc);
	buf_free(&b);
	meta_parser_free(mp);
}

static const struct t_case cases[] = {
	{ "golden_cases", test_golden_cases },
	{ "corpus", test_corpus },
	{ "plain_roundtrip", test_plain_roundtrip },
	{ "plain_pinned", test_plain_pinned },
	{ "plain_v3", test_plain_v3 },
	{ "plain_v3_roles", test_plain_v3_roles },
	{ "keys_roundtrip", test_keys_roundtrip },
	{ "keys_versions", test_keys_versions },
};
T_MAIN(cases)
