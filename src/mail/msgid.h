/*
 * msgid.h: message ids and id lists, normalised per metrics spec section 2.
 *
 * Message-ID: the text between the first '<' and the following '>', with
 * every white-space byte inside removed; compared byte for byte.
 * In-Reply-To and References: every "<...>" token in order, normalised the
 * same way; anything between tokens is ignored (GMime stops at the first
 * malformed token; we do not: docs/violations/msgid.md).
 * An id that is empty after normalisation is no id.
 *
 * Results are allocated in the arena; on arena exhaustion -1 is returned.
 */
#ifndef RT_MSGID_H
#define RT_MSGID_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/str.h"

/* Hard caps against hostile fields (References of many kilobytes are real;
 * thousands of ids are not useful for threading). */
#define MSGID_MAX_LEN		998
#define MSGID_LIST_MAX		512

struct mail_ids {
	struct str	*v;	/* arena-owned array of arena-owned ids */
	size_t		 n;
	size_t		 dropped;	/* ids past MSGID_LIST_MAX or too long */
};

/*
 * Stores the normalised id of a Message-ID value in *id_out.
 * Returns 1 if found, 0 if the value holds no id ("<" without ">", empty,
 * longer than MSGID_MAX_LEN), -1 on arena exhaustion.
 */
int	msgid_parse(struct arena *a, struct str value, struct str *id_out);

/*
 * Appends every id of an In-Reply-To or References value to *out (which
 * the caller zeroes before the first call; several fields may be
 * appended in turn).  Returns 0, or -1 on arena exhaustion.
 */
int	msgid_parse_list(struct arena *a, struct str value,
	    struct mail_ids *out);

/*
 * The same results through the reference token search (separate
 * searches for '<', '>' and white space, and a second scan of a list to
 * copy it), for tests and fuzz_msgid to compare with.
 */
int	msgid_parse_slow(struct arena *a, struct str value,
	    struct str *id_out);
int	msgid_parse_list_slow(struct arena *a, struct str value,
	    struct mail_ids *out);

#endif
