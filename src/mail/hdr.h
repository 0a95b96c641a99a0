/*
 * hdr.h: walk the fields of an RFC 5322 header block.
 *
 * A pull iterator over a header block already in memory: each call yields
 * one field's name and its raw value (from after the colon to the end of
 * its last continuation line, folding line breaks included).  Nothing is
 * copied; names and values borrow from the block.
 *
 * Lines end in LF or CRLF, mixed freely.  A line that is neither a field
 * ("Name:" with printable ASCII name bytes, optional white space before
 * the colon as RFC 5322 4.5 allows) nor a continuation (leading SP/HTAB)
 * is skipped and counted in bad_lines: real mail has them (docs/violations/
 * hdr.md), and one broken line must not hide the rest of the block.
 */
#ifndef RT_HDR_H
#define RT_HDR_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/str.h"

struct hdr_iter {
	const char	*p;		/* next unread byte */
	const char	*end;
	size_t		 bad_lines;	/* lines that were not fields */
	size_t		 fields;	/* fields returned so far */
};

struct hdr_field {
	struct str	name;	/* borrowed; without the colon or white space */
	struct str	value;	/* borrowed; raw, still folded, no final EOL */
};

void	hdr_iter_init(struct hdr_iter *it, struct str block);
/* Returns 1 and fills *f, or 0 at the end of the block. */
int	hdr_next(struct hdr_iter *it, struct hdr_field *f);

/*
 * The value with folding removed (every CR and LF dropped: RFC 5322 2.2.3
 * unfolding) and surrounding white space trimmed.  Returns a slice of the
 * value when it has no line break, else a copy in the arena; on arena
 * exhaustion the value is cut where a line break would be removed.
 */
struct str	hdr_unfold(struct arena *a, struct str value);

#endif
