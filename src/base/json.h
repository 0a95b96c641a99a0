/*
 * json.h: append JSON and CSV text to a buf, escaped for its sink.
 *
 * Strings from mail are untrusted: json_add_str() escapes quotes,
 * backslashes and control bytes and replaces invalid UTF-8 with U+FFFD,
 * so the output is always valid JSON whatever the input.
 */
#ifndef RT_JSON_H
#define RT_JSON_H

#include <stdint.h>

#include "buf.h"
#include "str.h"

/*
 * Appends s as a quoted JSON string.  Plain strings (printable ASCII
 * without '"' and '\\') are copied straight into the buffer, checked as
 * they are copied; json_add_str_slow() is the same output through the
 * byte-by-byte escaper, kept as the reference for tests and fuzzing.
 */
void	json_add_str(struct buf *b, struct str s);
void	json_add_str_slow(struct buf *b, struct str s);
/*
 * Writes s as a quoted JSON string (the bytes json_add_str appends) at d,
 * which has room for JSON_STR_ROOM(s.len) bytes, and returns how many it
 * wrote; no NUL.  For writers that reserve a whole record at once.
 */
#define JSON_STR_ROOM(n)	(6 * (size_t)(n) + 2)
size_t	json_put_str(char *d, struct str s);
/* Appends "null" when s.p is NULL, else s as a JSON string. */
void	json_add_str_or_null(struct buf *b, struct str s);

/*
 * Appends s as one CSV field (RFC 4180): quoted when it holds a comma,
 * quote, CR or LF; invalid UTF-8 replaced; a leading = + - @ or TAB is
 * prefixed with ' so spreadsheets do not run it as a formula.
 */
void	csv_add_field(struct buf *b, struct str s);

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid. */
size_t	utf8_seq_len(const unsigned char *p, size_t n);

#endif
