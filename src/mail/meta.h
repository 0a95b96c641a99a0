/*
 * meta.h: the header metadata of one message, normalised.
 *
 * meta_parse() reads a header block (the bytes before the first empty
 * line, never the body) and fills a struct msg_meta with the fields of
 * metrics spec sections 2-3.  It is pure: no I/O, no clock.
 *
 * Ownership: every string and array in a struct msg_meta lives in the
 * parser's arena and stays valid until the next meta_parse() or
 * meta_parser_free() on the same parser.  Copy what must outlive that.
 */
#ifndef RT_META_H
#define RT_META_H

#include <stdint.h>

#include "../base/str.h"
#include "addr.h"
#include "msgid.h"

/* Limits on one header block (bytes and fields). */
#define META_MAX_FIELDS		4096
#define META_ARENA_LIMIT	(8u << 20)

/* Automation markers seen (metrics spec section 3); bits of auto_flags. */
enum meta_auto {
	AUTO_SUBMITTED		= 1 << 0,	/* Auto-Submitted other than "no" */
	AUTO_PREC_JUNK		= 1 << 1,
	AUTO_PREC_AUTO_REPLY	= 1 << 2,
	AUTO_PREC_BULK		= 1 << 3,
	AUTO_PREC_LIST		= 1 << 4,
	AUTO_X_AUTOREPLY	= 1 << 5,
	AUTO_X_AUTORESPOND	= 1 << 6,
	AUTO_RETURN_PATH_NULL	= 1 << 7,	/* Return-Path: <> */
	AUTO_LIST_ID		= 1 << 8,
	AUTO_LIST_UNSUBSCRIBE	= 1 << 9,
	AUTO_LIST_POST		= 1 << 10,
	AUTO_ROBOT_SENDER	= 1 << 11,	/* mailer-daemon, noreply, ... */
};

/* Problems found while parsing; bits of bad_flags.  None stops a run. */
enum meta_bad {
	BAD_DATE		= 1 << 0,	/* Date present but unparseable */
	BAD_FROM		= 1 << 1,	/* From present, no address in it */
	BAD_MSGID		= 1 << 2,	/* Message-ID present, no id in it */
	BAD_ADDR		= 1 << 3,	/* some mailbox of To/Cc/Sender bad */
	BAD_LIMIT		= 1 << 4,	/* a limit cut something */
	BAD_SYNTAX		= 1 << 5,	/* a line that is not a field */
	BAD_NUL			= 1 << 6,	/* NUL in a value replytime reads */
	BAD_TRUNCATED		= 1 << 7,	/* header block cut at its limit */
	BAD_NO_BODY_SEP		= 1 << 8,	/* no empty line before the end */
};

struct msg_meta {
	struct mail_addrs	 from;
	struct mail_addrs	 sender;
	struct mail_addrs	 to;
	struct mail_addrs	 cc;
	struct str		 subject;	/* UTF-8; p NULL: no Subject */
	int64_t			 date;		/* UTC seconds, if has_date */
	int64_t			 received;	/* top-most Received, if has_received */
	struct str		 message_id;	/* p NULL: no id */
	struct mail_ids		 in_reply_to;
	struct mail_ids		 references;
	struct str		 thread_index;	/* Exchange Thread-Index, raw */
	struct str		 auto_submitted; /* value's first token, lower */
	struct str		 list_id;	/* List-Id value, sanitised */
	unsigned		 auto_flags;	/* enum meta_auto */
	unsigned		 bad_flags;	/* enum meta_bad */
	unsigned		 has_date : 1;
	unsigned		 has_received : 1;
	unsigned		 received_seen : 1;	/* a Received field exists */
	unsigned		 has_date_field : 1;
	unsigned		 has_from_field : 1;
	unsigned		 has_msgid_field : 1;
};

struct meta_parser;

struct meta_parser	*meta_parser_new(void);
void			 meta_parser_free(struct meta_parser *mp);

/*
 * Parses the header block hdr into *out (see ownership above).  Always
 * succeeds: malformed input sets bits in out->bad_flags.
 */
void	meta_parse(struct meta_parser *mp, struct str hdr, struct msg_meta *out);
/*
 * meta_parse() of a block whose line starts are known (n offsets, as
 * hdr_lines() lists them; the mbox splitter hands them over in struct
 * source_msg): the same result without searching the block for them.
 * lines NULL is meta_parse().
 */
void	meta_parse_lines(struct meta_parser *mp, struct str hdr,
	    const uint32_t *lines, size_t n, struct msg_meta *out);
/*
 * The same with every value unfolded before its parser reads it and the
 * slow versions of words_decode and words_sanitize: the reference that
 * tests and fuzz_meta compare meta_parse with.
 */
void	meta_parse_slow(struct meta_parser *mp, struct str hdr,
	    struct msg_meta *out);
/* 1 if a and b hold the same metadata (strings compared by content). */
int	meta_equal(const struct msg_meta *a, const struct msg_meta *b);

/*
 * The names of the header fields meta_parse() reads (lower case), i
 * from 0; NULL past the last.  A reader that can ask for some fields
 * only (IMAP's BODY.PEEK[HEADER.FIELDS (...)]) asks for exactly these.
 */
const char	*meta_field_name(size_t i);

/* A short name for the lowest bad flag set, for reports ("date", ...). */
const char	*meta_bad_name(unsigned bit);

#endif
