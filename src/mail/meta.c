/*
 * meta.c: from a header block to normalised metadata (see meta.h).
 *
 * One pass over the fields with hdr_next(); a table maps the few field
 * names replytime reads to a handler, and every other field is skipped
 * without looking at its value.  The first occurrence of a single-valued
 * field wins (From, Sender, Subject, Date, Message-ID, Received: the
 * top-most one); address and id lists are appended across duplicates.
 * Why each choice: docs/violations/hdr.md.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../base/scan.h"
#include "../base/xmalloc.h"
#include "date.h"
#include "hdr.h"
#include "meta.h"
#include "words.h"

#define NAME_MAX_LEN	16	/* the longest name in fields[] */

struct meta_parser {
	struct arena	*arena;		/* owned: reset per message */
	struct words	*words;		/* owned: iconv cache */
	int		 slow;		/* meta_parse_slow: unfold all,
					 * slow words functions */
	/*
	 * 1 + the fields[] entry with name length n whose first byte is
	 * b (any case) in slot[n][b & 31], or 0: no two names share both.
	 */
	unsigned char	 slot[NAME_MAX_LEN + 1][32];
};

enum field_id {
	F_FROM, F_SENDER, F_TO, F_CC, F_SUBJECT, F_DATE, F_MESSAGE_ID,
	F_IN_REPLY_TO, F_REFERENCES, F_RECEIVED, F_AUTO_SUBMITTED,
	F_PRECEDENCE, F_X_AUTOREPLY, F_X_AUTORESPOND, F_RETURN_PATH,
	F_LIST_ID, F_LIST_UNSUBSCRIBE, F_LIST_POST, F_THREAD_INDEX,
	F_OTHER
};

/* Sorted by length; no two of a length start with the same letter. */
static const struct {
	struct str	 name;
	enum field_id	 id;
} fields[] = {
	{ STR("to"),			F_TO },
	{ STR("cc"),			F_CC },
	{ STR("from"),			F_FROM },
	{ STR("date"),			F_DATE },
	{ STR("sender"),		F_SENDER },
	{ STR("subject"),		F_SUBJECT },
	{ STR("list-id"),		F_LIST_ID },
	{ STR("received"),		F_RECEIVED },
	{ STR("list-post"),		F_LIST_POST },
	{ STR("message-id"),		F_MESSAGE_ID },
	{ STR("references"),		F_REFERENCES },
	{ STR("precedence"),		F_PRECEDENCE },
	{ STR("in-reply-to"),		F_IN_REPLY_TO },
	{ STR("x-autoreply"),		F_X_AUTOREPLY },
	{ STR("return-path"),		F_RETURN_PATH },
	{ STR("thread-index"),		F_THREAD_INDEX },
	{ STR("x-autorespond"),		F_X_AUTORESPOND },
	{ STR("auto-submitted"),	F_AUTO_SUBMITTED },
	{ STR("list-unsubscribe"),	F_LIST_UNSUBSCRIBE },
};

/* Local parts that mark a robot sender (metrics spec section 3); the
 * test in meta_parse_lines knows their first letters. */
static const struct str robots[] = {
	STR("mailer-daemon"), STR("postmaster"), STR("noreply"),
	STR("no-reply"), STR("donotreply"), STR("do-not-reply"),
};

/* Whether s starts as a robot name can (meta_parser_new checks the
 * letters against robots[]): most senders are ruled out by it. */
static inline int
robot_initial(struct str s)
{
	int	c = s.len > 0 ? (unsigned char)s.p[0] | 0x20 : 0;

	return c == 'd' || c == 'm' || c == 'n' || c == 'p';
}

struct meta_parser *
meta_parser_new(void)
{
	struct meta_parser	*mp = xcalloc(1, sizeof(*mp));

	mp->arena = arena_new(META_ARENA_LIMIT);
	mp->words = words_new();
	for (size_t i = 0; i < nitems(fields); i++) {
		unsigned char	*sl = &mp->slot[fields[i].name.len]
				    [fields[i].name.p[0] & 31];

		if (fields[i].name.len > NAME_MAX_LEN || *sl != 0)
			rt_fatal("meta: field table has a clash");
		*sl = (unsigned char)(i + 1);
	}
	for (size_t i = 0; i < nitems(robots); i++)
		if (!robot_initial(robots[i]))
			rt_fatal("meta: robot_initial misses a robot name");
	return mp;
}

void
meta_parser_free(struct meta_parser *mp)
{
	if (mp == NULL)
		return;
	arena_free(mp->arena);
	words_free(mp->words);
	free(mp);
}

/*
 * name equals the lower-case literal lit (letters and '-'): ORing 0x20
 * in lower-cases a letter and leaves '-' alone; the only other byte it
 * maps onto '-' is CR, which a field name never holds.
 */
static inline int
name_is(struct str name, const char *lit)
{
	const uint64_t	lower8 = 0x2020202020202020u;
	uint64_t	a, b;
	size_t		i = 0, n = name.len;

	if (n < 8) {
		for (; i < n; i++)
			if (((unsigned char)name.p[i] | 0x20) !=
			    (unsigned char)lit[i])
				return 0;
		return 1;
	}
	/* Eight bytes at a time; the last eight may overlap the others. */
	for (;;) {
		if (i + 8 > n)
			i = n - 8;
		memcpy(&a, name.p + i, 8);
		memcpy(&b, lit + i, 8);
		if ((a | lower8) != b)
			return 0;
		if ((i += 8) >= n)
			return 1;
	}
}

static enum field_id
field_lookup(const struct meta_parser *mp, struct str name)
{
	unsigned	k;

	/* By length and first byte, one table look-up that leaves one
	 * candidate at most, then by the name itself: most fields of a
	 * real block (DKIM-Signature, X-..., ARC-...) end at the table.
	 * (A name is never empty; ORing 0x20 in, as name_is does, does
	 * not change the low five bits.) */
	if (name.len > NAME_MAX_LEN ||
	    (k = mp->slot[name.len][(unsigned char)name.p[0] & 31]) == 0)
		return F_OTHER;
	return name_is(name, fields[k - 1].name.p) ? fields[k - 1].id :
	    F_OTHER;
}

/*
 * The first token of a structured value, lower-cased into the arena:
 * comments, white space and parameters (after ';') are dropped.
 */
static struct str
first_token(struct arena *a, struct str v)
{
	size_t	 i = 0, start, depth;
	char	*out;

	for (;;) {
		while (i < v.len && rt_is_ws((unsigned char)v.p[i]))
			i++;
		if (i < v.len && v.p[i] == '(') {
			for (depth = 0; i < v.len; i++) {
				if (v.p[i] == '\\' && i + 1 < v.len)
					i++;
				else if (v.p[i] == '(')
					depth++;
				else if (v.p[i] == ')' && --depth == 0) {
					i++;
					break;
				}
			}
			continue;
		}
		break;
	}
	start = i;
	while (i < v.len && !rt_is_ws((unsigned char)v.p[i]) &&
	    v.p[i] != ';' && v.p[i] != '(')
		i++;
	if ((out = arena_alloc(a, i - start + 1)) == NULL)
		return STR("");
	for (size_t j = start; j < i; j++)
		out[j - start] = (char)rt_lower((unsigned char)v.p[j]);
	out[i - start] = '\0';
	return str_make(out, i - start);
}

/* Return-Path: <> (with any white space or comments inside). */
static int
is_null_path(struct str v)
{
	size_t	i = 0;

	while (i < v.len && v.p[i] != '<')
		i++;
	if (i == v.len)
		return 0;
	for (i++; i < v.len && rt_is_ws((unsigned char)v.p[i]); i++)
		;
	return i < v.len && v.p[i] == '>';
}

/* The date-time after the last ';' of a Received field (RFC 5321 4.4). */
static int
received_time(struct str v, int64_t *t_out)
{
	const char	*semi = memrchr(v.p, ';', v.len);

	if (semi == NULL)
		return -1;
	semi++;
	return mail_date_parse(str_make(semi,
	    (size_t)(v.p + v.len - semi)), t_out);
}

static void
parse_addrs(struct meta_parser *mp, struct str v, struct mail_addrs *out,
    struct msg_meta *m)
{
	if (addr_parse_list(mp->arena, mp->words, v, out) == -1)
		m->bad_flags |= BAD_LIMIT;
}

static void
parse_ids(struct meta_parser *mp, struct str v, struct mail_ids *out,
    struct msg_meta *m)
{
	if (msgid_parse_list(mp->arena, v, out) == -1)
		m->bad_flags |= BAD_LIMIT;
	if (out->dropped > 0)
		m->bad_flags |= BAD_LIMIT;
}

/*
 * str_trim without the call for the common shape: one space before the
 * value and none after it.
 */
static inline struct str
trim_value(struct str s)
{
	if (s.len >= 2 && s.p[0] == ' ' && !rt_is_ws((unsigned char)s.p[1]) &&
	    !rt_is_ws((unsigned char)s.p[s.len - 1]))
		return str_make(s.p + 1, s.len - 1);
	return str_trim(s);
}

/*
 * The value of an id field (Message-ID, In-Reply-To, References) left
 * folded: the id parser drops every white-space byte inside an id and
 * everything outside ids, so the folded and the unfolded value give the
 * same ids and hdr_unfold's copy can be saved.  The arena still gives up
 * the bytes that copy would take, and when it cannot hdr_unfold itself
 * runs, so the arena, and every later field, is as meta_parse_slow
 * leaves it.  Unfolding drops only CR and LF: the NUL check is the same.
 */
static struct str
value_folded(struct arena *a, struct str raw, struct msg_meta *m)
{
	struct str	v = trim_value(raw);

	if (memchr(v.p, '\n', v.len) != NULL &&
	    arena_alloc(a, v.len + 1) == NULL)
		v = hdr_unfold(a, raw);
	if (memchr(v.p, '\0', v.len) != NULL)
		m->bad_flags |= BAD_NUL;
	return v;
}

/*
 * The date of a folded Received field: only the part after the last ';'
 * is unfolded, into the block hdr_unfold would take for the whole value
 * (and when the arena cannot give it, hdr_unfold itself runs), so the
 * date and the arena are what meta_parse_slow gives.  Returns 1 when a
 * date was read.
 */
static int
received_folded(struct arena *a, struct str raw, int64_t *t_out,
    struct msg_meta *m)
{
	struct str	 v = trim_value(raw);
	const char	*semi, *p, *nl, *end;
	char		*out;
	size_t		 n = 0, k;

	if (memchr(v.p, '\n', v.len) != NULL) {
		if ((out = arena_alloc(a, v.len + 1)) == NULL)
			v = hdr_unfold(a, raw);
	} else
		out = NULL;
	if (memchr(v.p, '\0', v.len) != NULL)
		m->bad_flags |= BAD_NUL;
	if (out == NULL)
		return received_time(v, t_out) == 0;
	if ((semi = memrchr(v.p, ';', v.len)) == NULL)
		return 0;
	/* hdr_unfold's copy, from the byte after the ';'. */
	for (p = semi + 1, end = v.p + v.len; p < end; ) {
		nl = memchr(p, '\n', (size_t)(end - p));
		k = (size_t)((nl != NULL ? nl : end) - p);
		if (k > 0 && p[k - 1] == '\r')
			k--;
		memcpy(out + n, p, k);
		n += k;
		p = nl != NULL ? nl + 1 : end;
	}
	out[n] = '\0';
	return mail_date_parse(str_make(out, n), t_out) == 0;
}

static int
sanitize(struct meta_parser *mp, struct str v, struct str *out)
{
	if (mp->slow)
		return words_sanitize_slow(mp->arena, v, out);
	return words_sanitize(mp->arena, v, out);
}

static void
meta_field(struct meta_parser *mp, enum field_id id, struct str raw,
    struct msg_meta *m)
{
	struct arena	*a = mp->arena;
	struct str	 v, tok;
	int		 r;

	/* Repeats of single-valued fields are skipped before any work. */
	if ((id == F_FROM && m->has_from_field) ||
	    (id == F_SUBJECT && m->subject.p != NULL) ||
	    (id == F_DATE && m->has_date_field) ||
	    (id == F_MESSAGE_ID && m->has_msgid_field) ||
	    (id == F_RECEIVED && m->received_seen) ||
	    (id == F_SENDER && (m->sender.n > 0 || m->sender.bad > 0)) ||
	    id == F_X_AUTOREPLY || id == F_X_AUTORESPOND ||
	    id == F_LIST_UNSUBSCRIBE || id == F_LIST_POST || id == F_OTHER) {
		switch (id) {
		case F_X_AUTOREPLY:
			m->auto_flags |= AUTO_X_AUTOREPLY;
			break;
		case F_X_AUTORESPOND:
			m->auto_flags |= AUTO_X_AUTORESPOND;
			break;
		case F_LIST_UNSUBSCRIBE:
			m->auto_flags |= AUTO_LIST_UNSUBSCRIBE;
			break;
		case F_LIST_POST:
			m->auto_flags |= AUTO_LIST_POST;
			break;
		default:
			break;
		}
		return;
	}
	/* NUL is checked only where it can reach a value we keep.  One
	 * pass tells most values apart: no line break and no NUL. */
	if (scan_nl_nul(raw.p, raw.len) == raw.len)
		v = mp->slow ? str_trim(raw) : trim_value(raw);
	else if (!mp->slow && (id == F_MESSAGE_ID || id == F_IN_REPLY_TO ||
	    id == F_REFERENCES))
		v = value_folded(a, raw, m);
	else if (!mp->slow && id == F_RECEIVED) {
		m->has_received = received_folded(a, raw, &m->received, m);
		m->received_seen = 1;
		return;
	}
	else {
		v = hdr_unfold(a, raw);
		if (memchr(v.p, '\0', v.len) != NULL)
			m->bad_flags |= BAD_NUL;
	}
	switch (id) {
	case F_FROM:
		m->has_from_field = 1;
		parse_addrs(mp, v, &m->from, m);
		if (m->from.n == 0)
			m->bad_flags |= BAD_FROM;
		break;
	case F_SENDER:
		parse_addrs(mp, v, &m->sender, m);
		break;
	case F_TO:
		parse_addrs(mp, v, &m->to, m);
		break;
	case F_CC:
		parse_addrs(mp, v, &m->cc, m);
		break;
	case F_SUBJECT:
		if ((mp->slow ? words_decode_slow : words_decode)(mp->words,
		    a, v, &m->subject) == -1) {
			m->subject = STR("");
			m->bad_flags |= BAD_LIMIT;
		}
		break;
	case F_DATE:
		m->has_date_field = 1;
		if (mail_date_parse(v, &m->date) == 0)
			m->has_date = 1;
		else
			m->bad_flags |= BAD_DATE;
		break;
	case F_MESSAGE_ID:
		m->has_msgid_field = 1;
		r = msgid_parse(a, v, &m->message_id);
		if (r == -1)
			m->bad_flags |= BAD_LIMIT;
		if (r != 1) {
			m->message_id = STR_NULL;
			m->bad_flags |= BAD_MSGID;
		}
		break;
	case F_IN_REPLY_TO:
		parse_ids(mp, v, &m->in_reply_to, m);
		break;
	case F_REFERENCES:
		parse_ids(mp, v, &m->references, m);
		break;
	case F_RECEIVED:
		/* Only the top-most Received counts, parseable or not. */
		m->has_received = received_time(v, &m->received) == 0;
		m->received_seen = 1;
		break;
	case F_AUTO_SUBMITTED:
		tok = first_token(a, v);
		if (tok.len > 0 && !str_eq(tok, STR("no"))) {
			m->auto_flags |= AUTO_SUBMITTED;
			if (m->auto_submitted.p == NULL)
				m->auto_submitted = tok;
		}
		break;
	case F_PRECEDENCE:
		tok = first_token(a, v);
		if (str_eq(tok, STR("junk")))
			m->auto_flags |= AUTO_PREC_JUNK;
		else if (str_eq(tok, STR("auto_reply")))
			m->auto_flags |= AUTO_PREC_AUTO_REPLY;
		else if (str_eq(tok, STR("bulk")))
			m->auto_flags |= AUTO_PREC_BULK;
		else if (str_eq(tok, STR("list")))
			m->auto_flags |= AUTO_PREC_LIST;
		break;
	case F_RETURN_PATH:
		if (is_null_path(v))
			m->auto_flags |= AUTO_RETURN_PATH_NULL;
		break;
	case F_LIST_ID:
		m->auto_flags |= AUTO_LIST_ID;
		if (m->list_id.p == NULL &&
		    sanitize(mp, v, &m->list_id) == -1)
			m->list_id = STR_NULL;
		break;
	case F_THREAD_INDEX:
		if (m->thread_index.p == NULL &&
		    sanitize(mp, v, &m->thread_index) == -1)
			m->thread_index = STR_NULL;
		break;
	default:
		break;
	}
}

void
meta_parse_lines(struct meta_parser *mp, struct str hdr,
    const uint32_t *lines, size_t n, struct msg_meta *m)
{
	struct hdr_iter		it;
	struct hdr_field	f;
	struct str		local;

	arena_reset(mp->arena);
	memset(m, 0, sizeof(*m));
	hdr_iter_init_lines(&it, hdr, lines, n);
	while (hdr_next(&it, &f)) {
		if (it.fields > META_MAX_FIELDS) {
			m->bad_flags |= BAD_LIMIT;
			break;
		}
		meta_field(mp, field_lookup(mp, f.name), f.value, m);
	}
	if (it.bad_lines > 0)
		m->bad_flags |= BAD_SYNTAX;
	if (m->to.bad > 0 || m->cc.bad > 0 || m->sender.bad > 0)
		m->bad_flags |= BAD_ADDR;
	if (m->from.n > 0 && robot_initial(m->from.v[0].addr)) {
		local = addr_local(m->from.v[0].addr);
		for (size_t i = 0; i < nitems(robots); i++)
			if (str_eq_ci(local, robots[i]))
				m->auto_flags |= AUTO_ROBOT_SENDER;
	}
}

void
meta_parse(struct meta_parser *mp, struct str hdr, struct msg_meta *m)
{
	meta_parse_lines(mp, hdr, NULL, 0, m);
}

void
meta_parse_slow(struct meta_parser *mp, struct str hdr, struct msg_meta *m)
{
	mp->slow = 1;
	meta_parse(mp, hdr, m);
	mp->slow = 0;
}

/* Both absent, or both present with the same bytes. */
static int
same_str(struct str a, struct str b)
{
	return (a.p == NULL) == (b.p == NULL) && str_eq(a, b);
}

static int
same_addrs(const struct mail_addrs *a, const struct mail_addrs *b)
{
	if (a->n != b->n || a->bad != b->bad)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!str_eq(a->v[i].addr, b->v[i].addr) ||
		    !str_eq(a->v[i].name, b->v[i].name))
			return 0;
	return 1;
}

static int
same_ids(const struct mail_ids *a, const struct mail_ids *b)
{
	if (a->n != b->n || a->dropped != b->dropped)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!str_eq(a->v[i], b->v[i]))
			return 0;
	return 1;
}

int
meta_equal(const struct msg_meta *a, const struct msg_meta *b)
{
	return same_addrs(&a->from, &b->from) &&
	    same_addrs(&a->sender, &b->sender) && same_addrs(&a->to, &b->to) &&
	    same_addrs(&a->cc, &b->cc) && same_str(a->subject, b->subject) &&
	    a->has_date == b->has_date &&
	    (!a->has_date || a->date == b->date) &&
	    a->has_received == b->has_received &&
	    (!a->has_received || a->received == b->received) &&
	    same_str(a->message_id, b->message_id) &&
	    same_ids(&a->in_reply_to, &b->in_reply_to) &&
	    same_ids(&a->references, &b->references) &&
	    same_str(a->thread_index, b->thread_index) &&
	    same_str(a->auto_submitted, b->auto_submitted) &&
	    same_str(a->list_id, b->list_id) &&
	    a->auto_flags == b->auto_flags && a->bad_flags == b->bad_flags &&
	    a->received_seen == b->received_seen &&
	    a->has_date_field == b->has_date_field &&
	    a->has_from_field == b->has_from_field &&
	    a->has_msgid_field == b->has_msgid_field;
}

const char *
meta_field_name(size_t i)
{
	return i < nitems(fields) ? fields[i].name.p : NULL;
}

const char *
meta_bad_name(unsigned bit)
{
	static const char *const names[] = {
		"date", "from", "message-id", "address", "limit", "syntax",
		"nul", "truncated", "no-body-separator",
	};

	for (size_t i = 0; i < nitems(names); i++)
		if (bit & (1u << i))
			return names[i];
	return "none";
}
