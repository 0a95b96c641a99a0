/*
 * imap_store.c: fetched header blocks into the archive (see
 * imap_store.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "../metric/intern.h"
#include "imap_store.h"

#define MEMO_MAX	(1u << 18)	/* blind indexes remembered */

struct imap_writer {
	struct archive		*a;
	int64_t			 mailbox_id;
	struct meta_parser	*mp;
	struct intern		*seen;		/* address keys stored */
	struct intern		*memo;		/* kind + text -> memo_keys */
	unsigned char		*memo_keys;
	size_t			 memo_cap;
	struct buf		 memo_text;
	struct buf		 keys, plain, sealed, dom, aseal;
};

/* Keyed hashes cost far more than a lookup, and addresses repeat. */
static void
memo_blind(void *arg, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	struct imap_writer	*w = arg;
	uint32_t		 id;
	int			 added;

	buf_reset(&w->memo_text);
	buf_addc(&w->memo_text, (char)kind);
	buf_addstr(&w->memo_text, s);
	if (intern_count(w->memo) >= MEMO_MAX) {
		intern_free(w->memo);
		w->memo = intern_new();
	}
	id = intern_put(w->memo, buf_str(&w->memo_text), &added);
	if (added) {
		if (id >= w->memo_cap) {
			w->memo_cap = w->memo_cap ? w->memo_cap * 2 : 4096;
			w->memo_keys = xreallocarray(w->memo_keys,
			    w->memo_cap, RECORD_KEY_BYTES);
		}
		archive_blind(w->a, kind, s, w->memo_keys +
		    (size_t)id * RECORD_KEY_BYTES);
	}
	memcpy(out, w->memo_keys + (size_t)id * RECORD_KEY_BYTES,
	    RECORD_KEY_BYTES);
}

struct imap_writer *
imap_writer_new(struct archive *a, int64_t mailbox_id)
{
	struct imap_writer	*w = xcalloc(1, sizeof(*w));

	w->a = a;
	w->mailbox_id = mailbox_id;
	w->mp = meta_parser_new();
	w->memo = intern_new();
	w->seen = intern_new();
	buf_init(&w->memo_text, 0);
	buf_init(&w->keys, STORE_BLOB_MAX);
	buf_init(&w->plain, 0);
	buf_init(&w->sealed, STORE_BLOB_MAX);
	buf_init(&w->dom, 0);
	buf_init(&w->aseal, 0);
	return w;
}

void
imap_writer_free(struct imap_writer *w)
{
	if (w == NULL)
		return;
	meta_parser_free(w->mp);
	intern_free(w->memo);
	intern_free(w->seen);
	free(w->memo_keys);
	buf_free(&w->memo_text);
	buf_free(&w->keys);
	buf_free(&w->plain);
	buf_free(&w->sealed);
	buf_free(&w->dom);
	buf_free(&w->aseal);
	free(w);
}

/* An address row: its key, its domain keys, itself sealed.  The store
 * ignores an address it already has. */
static int
put_address(struct imap_writer *w, struct str addr, struct err *err)
{
	unsigned char	key[RECORD_KEY_BYTES];
	int64_t		row;
	int		added;

	memo_blind(w, RECORD_ADDRESS, addr, key);
	intern_put(w->seen, str_make((const char *)key, sizeof(key)), &added);
	if (!added)
		return 0;
	buf_reset(&w->dom);
	record_domain_keys(addr, memo_blind, w, &w->dom);
	buf_reset(&w->aseal);
	memcpy(&row, key, sizeof(row));
	archive_seal(w->a, "addresses", row, 0, addr.p, addr.len, &w->aseal);
	return store_addr_put(w->a->st, w->a->tid, key, w->dom.data,
	    w->dom.len, w->aseal.data, w->aseal.len, err);
}

int
imap_writer_put(struct imap_writer *w, int64_t source_id, int64_t pos,
    struct str hdr, int *inserted, struct err *err)
{
	struct msg_meta		m;
	struct store_msg	row;

	meta_parse(w->mp, hdr, &m);
	buf_reset(&w->keys);
	record_keys_encode(&m, memo_blind, w, &w->keys);
	buf_reset(&w->plain);
	record_plain_encode(&m, &w->plain);
	buf_reset(&w->sealed);
	archive_seal(w->a, "messages", source_id, pos, w->plain.data,
	    w->plain.len, &w->sealed);
	memset(&row, 0, sizeof(row));
	row.tid = w->a->tid;
	row.mailbox_id = w->mailbox_id;
	row.source_id = source_id;
	row.pos = pos;
	row.date = m.has_date ? m.date : STORE_NO_TIME;
	row.received = m.has_received ? m.received : STORE_NO_TIME;
	row.flags = m.auto_flags & 0xffff;
	row.keys = w->keys.data;
	row.keys_len = w->keys.len;
	row.sealed = w->sealed.data;
	row.sealed_len = w->sealed.len;
	if (buf_check(&w->keys, err) == -1 ||
	    buf_check(&w->sealed, err) == -1 ||
	    store_msg_put(w->a->st, &row, inserted, err) == -1)
		return -1;
	if (!*inserted)
		return 0;
	for (size_t i = 0; i < m.from.n + m.to.n + m.cc.n; i++) {
		struct str a = i < m.from.n ? m.from.v[i].addr :
		    i < m.from.n + m.to.n ? m.to.v[i - m.from.n].addr :
		    m.cc.v[i - m.from.n - m.to.n].addr;

		if (put_address(w, a, err) == -1)
			return -1;
	}
	return 0;
}

static pthread_once_t	fields_once = PTHREAD_ONCE_INIT;
static char		fields_text[1024];

static void
fields_init(void)
{
	size_t		 n = 0;
	const char	*f;

	for (size_t i = 0; (f = meta_field_name(i)) != NULL; i++) {
		for (; *f && n + 2 < sizeof(fields_text); f++)
			fields_text[n++] = (char)(*f >= 'a' && *f <= 'z' ?
			    *f - 32 : *f);
		fields_text[n++] = ' ';
	}
	fields_text[n > 0 ? n - 1 : 0] = '\0';
}

const char *
imap_header_fields(void)
{
	pthread_once(&fields_once, fields_init);
	return fields_text;
}
