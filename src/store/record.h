/*
 * record.h: how one message is stored, as two blobs.
 *
 * keys: what the engine needs, with every address and id replaced by a
 * 16-byte blind index (a keyed hash: equal inputs, equal keys; nothing
 * readable).  Threading and grouping run on these alone.
 *	u8 version (2) | u8 bits (1: sender, 2: id, 4: see below)
 *	[16 sender] [16 id] | u16 nto ncc nirt nrefs (big-endian)
 *	16 * (nto + ncc + nirt + nrefs - (bit 4 ? 1 : 0))
 * in the order To, Cc, In-Reply-To, References.  Bit 4: the last
 * In-Reply-To id is the last reference (most replies), whose key is
 * stored once, with the references.  Version 1, written before, had no
 * bit 4; both are read.
 * plain: the readable fields, for export; the caller seals it with the
 * tenant's data key before it reaches the database.
 *	u8 version (2), then fields: u8 tag | length | bytes
 * where the length is LEB128 (7 bits a byte, low first, high bit set on
 * all but the last byte; at most RECORD_LEN_MAX bytes, no needless zero
 * byte).  References come before In-Reply-To, and tag 12 with an empty
 * value stands for an In-Reply-To id equal to the last reference before
 * it (the walker hands it over as RT_IN_REPLY_TO with that value).
 * Version 1, written before, had a u32 big-endian length and no tag 12.
 * Version 3 is version 2 without the addresses that the keys name (the
 * first From, the first RECORD_KEYS_MAX To and Cc): their text is in the
 * tenant's address rows, one per distinct address, which an import writes
 * with its messages; record_fields_walk puts them back.  Its first field,
 * tag 13, binds the keys to the sealed fields: the keys blob's flags
 * byte and its four counts, then the first RECORD_CHECK_BYTES bytes of
 * each of those address keys, in order (sender, To, Cc), so keys altered
 * in the database, which are not sealed, cannot change the addresses a
 * message is read with, nor move one to another role (a To to Cc, the
 * sender to To).  The message-id keys are not bound: they are not read
 * back as text.  All three versions are read.  The walkers give the
 * fields of one tag in stored order; fields of different tags may come
 * in another order.
 *
 * Pure: no I/O, no keys; blinding is the caller's callback.
 */
#ifndef RT_RECORD_H
#define RT_RECORD_H

#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../mail/meta.h"
#include "../metric/engine.h"

#define RECORD_KEY_BYTES	16
#define RECORD_KEYS_MAX		(4 * 1024)	/* keys of one kind */
#define RECORD_LEN_MAX		5	/* bytes of a plain field's length */
#define RECORD_CHECK_BYTES	8	/* of each address key, version 3 */

enum record_kind {
	RECORD_ADDRESS,
	RECORD_DOMAIN,
	RECORD_MSGID,
};

enum record_tag {
	RT_FROM = 1, RT_FROM_NAME, RT_SENDER, RT_TO, RT_CC, RT_SUBJECT,
	RT_MESSAGE_ID, RT_IN_REPLY_TO, RT_REFERENCES, RT_LIST_ID,
	RT_THREAD_INDEX,
};

/* Writes the blind index of s (of the given kind) into out. */
typedef void	(*record_blind_fn)(void *arg, enum record_kind kind,
		    struct str s, unsigned char out[RECORD_KEY_BYTES]);

/* Appends the keys blob of m to out. */
void	record_keys_encode(const struct msg_meta *m, record_blind_fn blind,
	    void *arg, struct buf *out);

/*
 * Decodes a keys blob into *r; every key points into blob (which must
 * outlive r) and the key arrays are taken from scratch, which the caller
 * zeroes once and frees with record_scratch_free().  Times and markers
 * are not in the blob: the caller fills them.  Returns 0, or -1 when the
 * blob is malformed (err says how, never its content).
 */
struct record_scratch {
	struct str	*v;		/* owned */
	size_t		 cap;
};
int	record_keys_decode(const void *blob, size_t len,
	    struct record_scratch *scratch, struct engine_rec *r,
	    struct err *err);
void	record_scratch_free(struct record_scratch *s);

/*
 * Appends the plain blob of m to out: record_plain_encode in version 2,
 * record_plain_encode_v3 in version 3, given the keys blob that
 * record_keys_encode wrote for m (the addresses it names are left out;
 * they need their address rows).
 */
void	record_plain_encode(const struct msg_meta *m, struct buf *out);
void	record_plain_encode_v3(const struct msg_meta *m, const void *keys,
	    size_t keys_len, struct buf *out);

typedef int	(*record_field_fn)(void *arg, enum record_tag tag,
		    struct str value);

/*
 * Walks a plain blob: calls cb for every field it holds, in order; values
 * borrow from blob.  Returns 0, -1 when malformed (err set), or cb's -1.
 * Of a version 3 blob, that is all but the addresses its keys name.
 */
int	record_plain_walk(const void *blob, size_t len, record_field_fn cb,
	    void *arg, struct err *err);

/*
 * The text of the address with blind index key (RECORD_KEY_BYTES bytes):
 * 0 with *addr_out set (borrowed until the next call), or -1 with err
 * set when there is none.
 */
typedef int	(*record_addr_fn)(void *arg, struct str key, struct str *addr_out,
		    struct err *err);

/*
 * Whether a version 3 plain blob's check field is the one its keys blob
 * (already decoded without error by record_keys_decode) gives: 0 if so
 * or for other versions, -1 with err when the keys were altered.
 */
int	record_keys_check(const void *keys, size_t keys_len,
	    const void *plain, size_t plain_len, struct err *err);

/*
 * Walks every field of a message, from its keys and plain blobs: for a
 * version 3 plain blob, the keys must be those of its check field, and
 * the addresses they name come first, as addr gives them (the first
 * From, then To, then Cc), then the blob's fields; other versions hold
 * them all.  The fields of each tag come in the message's order.
 * scratch as for record_keys_decode.  Returns 0, -1 when a blob is
 * malformed or an address is missing (err set), or cb's -1.
 */
int	record_fields_walk(const void *keys, size_t keys_len,
	    const void *plain, size_t plain_len,
	    struct record_scratch *scratch, record_addr_fn addr,
	    void *addr_arg, record_field_fn cb, void *arg, struct err *err);

/*
 * The blind indexes of an address's domain and of each parent domain
 * ("a@x.y.example": x.y.example, y.example, example), appended to out,
 * so internal domains and their subdomains can be matched by key.
 */
void	record_domain_keys(struct str addr, record_blind_fn blind, void *arg,
	    struct buf *out);

#endif
