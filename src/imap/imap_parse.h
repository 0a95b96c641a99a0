/*
 * imap_parse.h: IMAP4rev1 server responses, framed and parsed.
 *
 * Two pure steps, both fuzzed (tests/fuzz/fuzz_imap.c):
 *
 *  - imap_frame() finds where one complete response ends in a byte
 *    stream: a line, and, when the line ends with a literal announcement
 *    "{n}" CRLF, the n bytes that follow and the line after them, again
 *    and again.  It checks the limits below before any byte is kept.
 *
 *  - imap_parse() turns one complete response into a struct imap_resp:
 *    the tag, the response name ("OK", "FETCH", "EXISTS" ...), the
 *    optional number before it ("* 12 EXISTS"), for status responses the
 *    response code in brackets and the human text, and for data
 *    responses a flat array of items (atoms, strings, NIL and nested
 *    lists).
 *
 * Lists are stored in preorder: a list item is followed by its
 * children, and item.end is the index just past its last descendant, so
 * a walk over the children of list i is
 *	for (j = i + 1; j < items[i].end; j = items[j].end)
 * and the top level of a response runs from resp.first to resp.nitems.
 *
 * Ownership: imap_parse() unescapes quoted strings in place, so the
 * bytes it is given must be writable; every struct str in the result
 * points into them, and the items live in the parser.  Both stay valid
 * until the next imap_parse() on the same parser, or until the bytes go.
 *
 * Errors name the byte offset and the problem, never the bytes: a
 * response can carry header data.
 */
#ifndef RT_IMAP_PARSE_H
#define RT_IMAP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/str.h"

#define IMAP_LINE_MAX		(64 * 1024)	/* one line, bytes */
#define IMAP_LITERAL_MAX	(1024 * 1024)	/* one literal, bytes */
#define IMAP_RESP_MAX		(4 * 1024 * 1024) /* line(s) + literals */
#define IMAP_DEPTH_MAX		16		/* nested lists */
#define IMAP_ITEMS_MAX		8192		/* items of one response */

enum imap_type {
	IMAP_ATOM,		/* also numbers and BODY[...] section atoms */
	IMAP_STRING,		/* quoted or literal */
	IMAP_NIL,
	IMAP_LIST,
};

struct imap_item {
	enum imap_type	 type;
	struct str	 s;		/* atom or string bytes; lists: empty */
	size_t		 end;		/* index past this item's subtree */
};

enum imap_kind {
	IMAP_UNTAGGED,		/* "* ..." */
	IMAP_TAGGED,		/* "A12 OK ..." */
	IMAP_CONTINUE,		/* "+ ..." */
};

enum imap_status {
	IMAP_NONE,		/* a data response */
	IMAP_OK,
	IMAP_NO,
	IMAP_BAD,
	IMAP_BYE,
	IMAP_PREAUTH,
};

struct imap_resp {
	enum imap_kind		 kind;
	struct str		 tag;		/* tagged only */
	int			 has_num;
	uint64_t		 num;		/* "* 12 EXISTS": 12 */
	struct str		 name;		/* as sent; compare without case */
	enum imap_status	 status;
	struct str		 code;		/* "[UIDNEXT 5]": UIDNEXT; or NULL */
	struct str		 code_arg;	/* "[UIDNEXT 5]": 5; may be empty */
	struct str		 text;		/* status and continuation text */
	const struct imap_item	*items;		/* borrowed from the parser */
	size_t			 first;		/* first data item */
	size_t			 nitems;
};

struct imap_parser;

struct imap_parser	*imap_parser_new(void);
void			 imap_parser_free(struct imap_parser *ps);

/*
 * Looks for the end of one complete response at the start of p[0..len).
 * Returns 1 and sets *resp_len when one is there, 0 when more bytes are
 * needed, -1 (ERR_LIMIT or ERR_PARSE) when a line, a literal or the whole
 * response is over its limit or a literal announcement is malformed.
 * Lines end with LF (the CR before it is allowed, not required).
 */
int	imap_frame(const char *p, size_t len, size_t *resp_len,
	    struct err *err);

/* Parses one complete response (as framed above); 0 or -1 (ERR_PARSE,
 * ERR_LIMIT). */
int	imap_parse(struct imap_parser *ps, char *p, size_t len,
	    struct imap_resp *out, struct err *err);

/* The value of a number atom (digits only, at most 2^63 - 1): 0 or -1. */
int	imap_num(struct str s, uint64_t *out);

#endif
