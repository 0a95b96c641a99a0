/*
 * words.h: header text to UTF-8 (RFC 2047 encoded words, raw bytes).
 *
 * Encoded words (=?charset?B|Q?text?=, RFC 2047 and the RFC 2231 language
 * suffix charset*lang) are decoded through iconv for every charset iconv
 * knows; white space between two adjacent encoded words is dropped
 * (RFC 2047 section 6.2).  Bytes that are not valid UTF-8 after decoding,
 * and raw 8-bit bytes outside encoded words that are not valid UTF-8,
 * become U+FFFD.  NUL and other C0 controls and DEL become a space so
 * output is always printable UTF-8 text.  An encoded word in a charset
 * iconv does not know is read as UTF-8 when its bytes are valid UTF-8,
 * else as windows-1252 (RFC 2047's "best effort"); one with a bad
 * encoding or no closing "?=" is left as text.  Leniencies (encoded words
 * glued to text, in quoted strings, charset aliases) are listed in
 * docs/violations/words.md.
 *
 * A struct words caches iconv descriptors by charset; it is not
 * thread-safe: use one per thread.
 */
#ifndef RT_WORDS_H
#define RT_WORDS_H

#include "../base/arena.h"
#include "../base/str.h"

struct words;

struct words	*words_new(void);
void		 words_free(struct words *w);

/*
 * Decodes an unstructured value (Subject, or a display name after quoting
 * and comments were removed) into UTF-8, stored in the arena.
 * Leading and trailing white space is removed and runs of folding white
 * space collapse to one space.  Returns 0, or -1 on arena exhaustion.
 */
int	words_decode(struct words *w, struct arena *a, struct str in,
	    struct str *out);

/*
 * Appends s to the arena as valid UTF-8 (invalid sequences -> U+FFFD,
 * controls -> space).  Used for raw text with no encoded words.
 * Returns 0, or -1 on arena exhaustion.
 */
int	words_sanitize(struct arena *a, struct str in, struct str *out);

/*
 * The same without the vector tests for plain text (the references
 * test_words and fuzz_words compare with).
 */
int	words_decode_slow(struct words *w, struct arena *a, struct str in,
	    struct str *out);
int	words_sanitize_slow(struct arena *a, struct str in, struct str *out);

#endif
