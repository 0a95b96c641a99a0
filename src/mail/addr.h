/*
 * addr.h: address lists (From, Sender, To, Cc) per RFC 5322 section 3.4.
 *
 * Each mailbox yields its addr-spec, normalised per metrics spec section 2:
 * no display name, comments, angle brackets, route or surrounding white
 * space, lower-cased as a whole; quoted local parts keep their content
 * without the quotes.  Group syntax ("team: a@x, b@y;") contributes its
 * members.  A mailbox without '@' yields no address (counted in bad).
 * Display names are decoded to UTF-8 (words.h).
 * Obsolete syntax and real-world breakage accepted here is listed in
 * docs/violations/addr.md (bare addresses, missing '>', unquoted dots and
 * commas in names, encoded words in quoted strings, ...).
 */
#ifndef RT_ADDR_H
#define RT_ADDR_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/str.h"
#include "words.h"

#define ADDR_LIST_MAX	1000	/* mailboxes kept per field */
#define ADDR_MAX_LEN	320	/* longer addr-specs are dropped as bad */

struct mail_addr {
	struct str	addr;	/* arena-owned, lower case, never empty */
	struct str	name;	/* arena-owned UTF-8 display name; may be empty */
};

struct mail_addrs {
	struct mail_addr	*v;	/* arena-owned */
	size_t			 n;
	size_t			 bad;	/* mailboxes that yielded no address */
};

/*
 * Appends the mailboxes of one field value (unfolded) to *out, which the
 * caller zeroes before the first call.  Returns 0, or -1 on arena
 * exhaustion.  Never fails on malformed input: what cannot be read is
 * skipped and counted in out->bad.
 */
int	addr_parse_list(struct arena *a, struct words *w, struct str value,
	    struct mail_addrs *out);

/*
 * Copies the leading run of atext and dots of [p, lim) to d, lower-cased,
 * and returns its length; d must have room for lim - p bytes, of which
 * those after the run may be overwritten.  The _slow form is the plain
 * loop the tests compare with.
 */
size_t	addr_run_copy(unsigned char *d, const unsigned char *p,
	    const unsigned char *lim);
size_t	addr_run_copy_slow(unsigned char *d, const unsigned char *p,
	    const unsigned char *lim);
/*
 * The same without the fast path for common shapes: the reference the
 * tests and fuzz_addr compare addr_parse_list with.
 */
int	addr_parse_list_slow(struct arena *a, struct words *w,
	    struct str value, struct mail_addrs *out);

/* The local part of an address (before the last '@'). */
struct str	addr_local(struct str addr);
/* The domain of an address (after the last '@'). */
struct str	addr_domain(struct str addr);

#endif
