/*
 * addr.c: address lists (see addr.h, docs/violations/addr.md).
 *
 * Model.  One cursor walks the value once, left to right, reading list
 * elements.  An element starts with a phrase: words (atoms, quoted
 * strings), dots, comments and white space.  The byte that ends the
 * phrase decides what the element is:
 *
 *	'<'	a name-addr: the phrase is the display name, an angle-addr
 *		follows (obs-route and "scheme:" prefixes inside are skipped)
 *	'@'	an addr-spec: the last chain of words joined by dots is the
 *		local part, a domain follows; if a '<' comes next after all,
 *		everything read so far was a display name ("a@b <c@d>")
 *	':'	a group opens: its members are elements, ';' closes it
 *	',' ';' or the end: a mailbox without '@', counted in bad
 *
 * A comma inside a phrase is part of the display name when the segments
 * after it hold words only up to a '<' or ':' ("Smith, John <j@x>", as
 * GMime reads it); this look-ahead caches its verdict as a position, so
 * a value is still read in linear time.  An element ends as soon as its
 * mailbox is complete, so a missing comma between two mailboxes is no
 * error, and a missing '>' ends the angle-addr where the domain ends.
 * Quoted strings and comments are matched once; an unterminated quote is
 * ignored like white space (as GMime does), an unterminated comment runs
 * to the end.  Stray ')', '>', '[', ']' and '\' are skipped by the parser
 * (a display name keeps them).  C0 controls and DEL count as white space
 * (inside a quoted string they are dropped, TAB excepted).
 *
 * While a phrase is read, the chain that could be a local part is only a
 * span of the value; at its '@' it is copied, lower-cased, into a buffer
 * of ADDR_MAX_LEN bytes on the stack (without CFWS and quotes, quoted
 * pairs unescaped, dots kept as they are), then '@' and the domain as it
 * is read (without CFWS; trailing dots dropped at the end).  A mailbox
 * keeps its address only with a non-empty local part and domain.  The
 * display name is taken from the raw phrase afterwards (comments and
 * quotes removed) and decoded with words_decode(); a bare addr-spec with
 * no phrase takes its name from the first comment after it ("a@b (Name)").
 *
 * Memory: the address array grows by doubling in the arena (capacity is
 * implied by n), each address and name is one arena allocation; nothing
 * is allocated for a mailbox that yields no address.
 */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../base/scan.h"
#include "addr.h"

#ifdef __SSE2__
/*
 * Of the 16 bytes a: 0xff where a byte is a letter, a digit or one of
 * . - _ + (addr_cls's classes 2 and 8), and in *upper where it is an
 * upper-case letter.  Signed compares: bytes >= 0x80 are in no range.
 */
static inline __m128i
addr_plain16(__m128i a, __m128i *upper)
{
	const __m128i	al = _mm_or_si128(a, _mm_set1_epi8(0x20));
	const __m128i	letter = _mm_and_si128(
			    _mm_cmpgt_epi8(al, _mm_set1_epi8('a' - 1)),
			    _mm_cmplt_epi8(al, _mm_set1_epi8('z' + 1)));
	const __m128i	digit = _mm_and_si128(
			    _mm_cmpgt_epi8(a, _mm_set1_epi8('0' - 1)),
			    _mm_cmplt_epi8(a, _mm_set1_epi8('9' + 1)));
	const __m128i	punct = _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(a, _mm_set1_epi8('.')),
			    _mm_cmpeq_epi8(a, _mm_set1_epi8('-'))),
			    _mm_or_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('_')),
			    _mm_cmpeq_epi8(a, _mm_set1_epi8('+'))));

	/* Upper case: a letter without the 0x20 bit. */
	*upper = _mm_andnot_si128(_mm_cmpeq_epi8(a, al), letter);
	return _mm_or_si128(_mm_or_si128(letter, digit), punct);
}
#endif

#define NAME_RAW_MAX	1024	/* display-name bytes kept for decoding */
#define ADDR_CAP_MIN	8	/* first capacity of out->v, then doubled */

/* Byte classes. */
#define W	1	/* white space: SP, HTAB, CR, LF, other C0, DEL */
#define A	2	/* atext (RFC 5322 3.2.3) and every 8-bit byte */
#define J	4	/* stray: ) > [ ] \ outside their context */
#define D	8	/* '.' */
#define U	(0x20 | A)	/* A-Z: ORing 0x20 in gives lower case */
#define S	0	/* " ( , : ; < @ with a meaning of their own */
#define A16	A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A

static const unsigned char addr_cls[256] = {
	W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
	W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
	/* SP ! " # $ % & ' ( ) * + , - . / */
	W, A, S, A, A, A, A, A, S, J, A, A, S, A, D, A,
	/* 0-9 : ; < = > ? */
	A, A, A, A, A, A, A, A, A, A, S, S, S, A, J, A,
	/* @ A-O */
	S, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
	/* P-Z [ \ ] ^ _ */
	U, U, U, U, U, U, U, U, U, U, U, J, J, J, A, A,
	/* ` a-o */
	A16,
	/* p-z { | } ~ DEL */
	A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, W,
	A16, A16, A16, A16, A16, A16, A16, A16,
};

#undef W
#undef A
#undef J
#undef D
#undef U
#undef S
#undef A16

#define IS_WS(c)	(addr_cls[(unsigned char)(c)] & 1)
#define IS_ATEXT(c)	(addr_cls[(unsigned char)(c)] & 2)
#define IS_STRAY(c)	(addr_cls[(unsigned char)(c)] & 4)
#define IS_DOTATOM(c)	(addr_cls[(unsigned char)(c)] & (2 | 8))

/* The previous token of a local-part chain. */
enum tok {
	T_NONE,		/* nothing yet */
	T_WORD,		/* an atom or a quoted string */
	T_DOT,
	T_STRAY		/* a stray byte: breaks the chain */
};

struct ap {
	const unsigned char	*p;
	const unsigned char	*end;
	const unsigned char	*qdead;		/* a '"' here or later is no quote */
	const unsigned char	*merge;		/* commas before: in the name */
	const unsigned char	*nomerge;	/* commas before: end a mailbox */
	size_t			 depth;		/* groups open */
	struct arena		*a;
	struct words		*w;
	struct mail_addrs	*out;
};

/* The address being built: local part, '@', domain; lower case. */
struct abuf {
	size_t		n;
	int		over;		/* longer than ADDR_MAX_LEN */
	unsigned char	b[ADDR_MAX_LEN];
};

/*
 * The chain of words and dots that would be the local part: the raw span
 * [start, end), copied into an abuf only when an '@' follows.
 */
struct chain {
	const unsigned char	*start;		/* its first token, or NULL */
	const unsigned char	*end;		/* after its last token */
	enum tok		 prev;
	int			 sp;		/* CFWS since prev */
	int			 simple;	/* one run of atext and dots */
	size_t			 words;		/* words in the whole phrase */
};

static inline void
abuf_put(struct abuf *ab, unsigned char c)
{
	if (ab == NULL)
		return;
	if (ab->n < sizeof(ab->b))
		ab->b[ab->n++] = rt_lower(c);
	else
		ab->over = 1;
}

/* The end of the run of atext and dots at p. */
static inline const unsigned char *
addr_run_end(const unsigned char *p, const unsigned char *end)
{
	while (p < end && IS_DOTATOM(*p))
		p++;
	return p;
}

size_t
addr_run_copy_slow(unsigned char *d, const unsigned char *p,
    const unsigned char *lim)
{
	const unsigned char	*s = p;
	unsigned char		 k;

	/* One table look-up both classifies and lower-cases. */
	while (p < lim && ((k = addr_cls[*p]) & (2 | 8)) != 0)
		*d++ = *p++ | (k & 0x20);
	return (size_t)(p - s);
}

/*
 * Letters, digits and . - _ + (most of an address) are classified and
 * lower-cased 16 bytes at a time while 16 are left; all 16 are stored,
 * the count covers only the run.  The table loop reads the rest.
 */
size_t
addr_run_copy(unsigned char *d, const unsigned char *p,
    const unsigned char *lim)
{
	const unsigned char	*s = p;
	unsigned char		 k;

#ifdef __SSE2__
	while (lim - p >= 16) {
		const __m128i	a = _mm_loadu_si128((const __m128i *)
				    (const void *)p);
		__m128i		upper;
		unsigned	ok = (unsigned)_mm_movemask_epi8(
				    addr_plain16(a, &upper));

		_mm_storeu_si128((__m128i *)(void *)d, _mm_or_si128(a,
		    _mm_and_si128(upper, _mm_set1_epi8(0x20))));
		if (ok != 0xffff) {
			k = (unsigned char)__builtin_ctz(~ok);
			p += k;
			d += k;
			break;
		}
		p += 16;
		d += 16;
	}
#endif
	while (p < lim && ((k = addr_cls[*p]) & (2 | 8)) != 0)
		*d++ = *p++ | (k & 0x20);
	return (size_t)(p - s);
}

/*
 * Appends the run of atext and dots at p to ab (if not NULL), lower-
 * cased, in one pass; returns the run's end.
 */
static inline const unsigned char *
abuf_run(struct abuf *ab, const unsigned char *p, const unsigned char *end)
{
	const unsigned char	*lim;
	unsigned char		*d;
	size_t			 k;

	if (ab == NULL)
		return addr_run_end(p, end);
	d = ab->b + ab->n;
	lim = end;
	if ((size_t)(end - p) > sizeof(ab->b) - ab->n)
		lim = p + (sizeof(ab->b) - ab->n);
	k = addr_run_copy(d, p, lim);
	d += k;
	p += k;
	ab->n = (size_t)(d - ab->b);
	if (p < end && IS_DOTATOM(*p)) {
		ab->over = 1;
		p = addr_run_end(p, end);
	}
	return p;
}

static inline void
abuf_clear(struct abuf *ab)
{
	ab->n = 0;
	ab->over = 0;
}

/*
 * p is at '('.  Returns the byte after the matching ')', or end with
 * *closed 0 when the comment never closes.
 */
static const unsigned char *
addr_comment_end(const unsigned char *p, const unsigned char *end,
    int *closed)
{
	size_t	depth = 0;

	while (p < end) {
		switch (*p++) {
		case '\\':
			if (p < end)
				p++;
			break;
		case '(':
			depth++;
			break;
		case ')':
			if (--depth == 0) {
				*closed = 1;
				return p;
			}
			break;
		default:
			break;
		}
	}
	*closed = 0;
	return end;
}

/*
 * p is at '"'.  Returns the byte after the closing quote, or NULL when
 * there is none before end.  When that search ran to the end of the value
 * no later '"' can close either (each was escaped inside this one), so
 * the position is remembered and later quotes fail at once.
 */
static const unsigned char *
addr_quote_end(struct ap *ap, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char	*q;

	if (ap->qdead != NULL && p >= ap->qdead)
		return NULL;
	for (q = p + 1; q < end; q++) {
		if (*q == '"')
			return q + 1;
		if (*q == '\\' && ++q == end)
			break;
	}
	if (end == ap->end)
		ap->qdead = p;
	return NULL;
}

/*
 * Skips white space and comments.  If cmt is not NULL and still empty,
 * it gets the text of the first closed comment.  Returns 1 if anything
 * was skipped.
 */
static int
addr_cfws_slow(struct ap *ap, struct str *cmt)
{
	const unsigned char	*p = ap->p, *start = p, *q;
	int			 closed;

	for (;;) {
		while (p < ap->end && IS_WS(*p))
			p++;
		if (p == ap->end || *p != '(')
			break;
		q = addr_comment_end(p, ap->end, &closed);
		if (cmt != NULL && cmt->p == NULL && closed)
			*cmt = str_make((const char *)p + 1,
			    (size_t)(q - p) - 2);
		p = q;
	}
	ap->p = p;
	return p != start;
}

/* The common cases, blanks or nothing to skip and the end of the
 * value, without a call. */
static inline int
addr_cfws(struct ap *ap, struct str *cmt)
{
	const unsigned char	*p = ap->p;
	int			 r;

	while (p < ap->end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == ap->end || (!IS_WS(*p) && *p != '(')) {
		r = p != ap->p;
		ap->p = p;
		return r;
	}
	return addr_cfws_slow(ap, cmt);
}

/* Appends the content of the quoted string [p, q), q after its '"'. */
static void
addr_quoted(struct abuf *ab, const unsigned char *p, const unsigned char *q)
{
	for (p++, q--; p < q; p++) {
		if (*p == '\\' && p + 1 < q)
			p++;
		if (IS_WS(*p) && *p != ' ' && *p != '\t')
			continue;
		abuf_put(ab, *p);
	}
}

/*
 * Reads one token of a phrase or local part at ap->p: a run of atext and
 * dots ("john.q" is one), or a quoted string.  A word starts a new chain
 * unless a dot, or a word with no CFWS between, came just before.
 * Returns 1 if it consumed something, 0 at any other byte or at the end.
 */
static int
addr_word(struct ap *ap, struct chain *ch)
{
	const unsigned char	*p = ap->p, *q;
	int			 fresh;

	if (p == ap->end)
		return 0;
	if (*p == '"') {
		if ((q = addr_quote_end(ap, p, ap->end)) == NULL) {
			/* Unterminated: the quote is ignored. */
			ap->p++;
			ch->sp = 1;
			return 1;
		}
	} else if (IS_DOTATOM(*p))
		q = addr_run_end(p, ap->end);
	else
		return 0;
	if (*p == '.')
		fresh = ch->prev == T_NONE || ch->prev == T_STRAY;
	else
		fresh = ch->prev == T_NONE || ch->prev == T_STRAY ||
		    (ch->prev == T_WORD && ch->sp);
	if (fresh) {
		ch->start = p;
		ch->simple = *p != '"';
	} else
		ch->simple = 0;
	ap->p = ch->end = q;
	ch->sp = 0;
	if (*p == '"' || IS_ATEXT(*p) || IS_ATEXT(q[-1]))
		ch->words++;
	else
		for (; p < q; p++)
			if (IS_ATEXT(*p)) {
				ch->words++;
				break;
			}
	ch->prev = q[-1] == '.' ? T_DOT : T_WORD;
	return 1;
}

/*
 * Copies the local part read by addr_word into ab: runs of atext and
 * dots, quoted string contents, without CFWS or ignored quotes.
 */
static void
addr_local_copy(struct ap *ap, struct abuf *ab, const struct chain *ch)
{
	const unsigned char	*p = ch->start, *e = ch->end, *q;
	int			 closed;

	abuf_clear(ab);
	if (p == NULL)
		return;
	if (ch->simple) {
		abuf_run(ab, p, e);
		return;
	}
	while (p < e) {
		if (IS_DOTATOM(*p))
			p = abuf_run(ab, p, e);
		else if (*p == '"') {
			/* The same answer as when addr_word read it. */
			if ((q = addr_quote_end(ap, p, ap->end)) == NULL)
				q = p + 1;
			else
				addr_quoted(ab, p, q);
			p = q;
		} else if (*p == '(')
			p = addr_comment_end(p, e, &closed);
		else
			p++;		/* white space */
	}
}

static void
chain_stray(struct chain *ch)
{
	ch->start = NULL;
	ch->prev = T_STRAY;
	ch->sp = 0;
}

/*
 * Reads a domain at ap->p into ab (NULL: read and forget, for routes):
 * a domain literal, or atoms and dots with CFWS between them.  *cmt, if
 * not NULL, gets the first comment after the domain.  Returns 1 if a
 * domain was read (a domain literal must close and hold no '@').
 */
static int
addr_read_domain(struct ap *ap, struct abuf *ab, struct str *cmt)
{
	const unsigned char	*p;
	enum tok		 prev = T_NONE;
	int			 ok = 0, bad = 0;

	addr_cfws(ap, NULL);
	if (ap->p < ap->end && *ap->p == '[') {
		abuf_put(ab, '[');
		for (p = ap->p + 1; p < ap->end; p++) {
			if (*p == ']') {
				abuf_put(ab, ']');
				ok = 1;
				p++;
				break;
			}
			if (*p == '\\' && p + 1 < ap->end)
				p++;
			if (*p == '@' || *p == '[')
				bad = 1;
			if (!IS_WS(*p))
				abuf_put(ab, *p);
		}
		ap->p = p;
		addr_cfws(ap, cmt);
		return ok && !bad;
	}
	while (ap->p < ap->end && IS_DOTATOM(*ap->p)) {
		/* After CFWS only a dot goes on: "a@b c@d" is two. */
		if (prev == T_WORD && *ap->p != '.')
			break;
		p = abuf_run(ab, ap->p, ap->end);
		prev = p[-1] == '.' ? T_DOT : T_WORD;
		ap->p = p;
		if (cmt != NULL)
			*cmt = STR_NULL;
		addr_cfws(ap, cmt);
	}
	/*
	 * "a@example."com"": a final dot then a quoted string is a domain
	 * cut short, not an absolute one: keeping "a@example" would make up
	 * an address nobody wrote.
	 */
	if (prev == T_DOT && ap->p < ap->end && *ap->p == '"')
		return 0;
	return prev != T_NONE;
}

/* Decodes n bytes of display name at p into the arena. */
static int
addr_decode(struct ap *ap, const unsigned char *p, size_t n, struct str *out)
{
	if (ap->w == NULL)
		return words_sanitize(ap->a, str_make((const char *)p, n),
		    out);
	return words_decode(ap->w, ap->a, str_make((const char *)p, n), out);
}

/*
 * The display name from the raw phrase [s, e) (comments and quotes
 * removed, white space runs made one space) or, when that is empty, from
 * the comment text cmt; decoded into the arena.  Returns 0 or -1.
 */
static int
addr_name(struct ap *ap, const unsigned char *s, const unsigned char *e,
    struct str cmt, struct str *out)
{
	unsigned char		 buf[NAME_RAW_MAX];
	const unsigned char	*q;
	size_t			 n = 0;
	int			 closed, incmt = 0;

	while (s < e && IS_WS(*s))
		s++;
	while (e > s && IS_WS(e[-1]))
		e--;
	/* Most names hold no comment and no quote: decoded as they are. */
	for (q = s; q < e && *q != '(' && *q != '"'; q++)
		continue;
	if (q == e && s < e) {
		if ((size_t)(e - s) > sizeof(buf))
			e = s + sizeof(buf);
		return addr_decode(ap, s, (size_t)(e - s), out);
	}
	for (;;) {
		while (s < e && n < sizeof(buf)) {
			if (!incmt && *s == '(') {
				s = addr_comment_end(s, e, &closed);
				if (n > 0 && buf[n - 1] != ' ')
					buf[n++] = ' ';
				continue;
			}
			if (!incmt && *s == '"') {
				if ((q = addr_quote_end(ap, s, e)) == NULL) {
					s++;
					continue;
				}
				for (s++; s < q - 1 && n < sizeof(buf); s++) {
					if (*s == '\\' && s + 1 < q - 1)
						s++;
					if (!IS_WS(*s))
						buf[n++] = *s;
					else if (n > 0 && buf[n - 1] != ' ')
						buf[n++] = ' ';
				}
				s = q;
				continue;
			}
			if (incmt && *s == '\\' && s + 1 < e)
				s++;
			if (!IS_WS(*s))
				buf[n++] = *s;
			else if (n > 0 && buf[n - 1] != ' ')
				buf[n++] = ' ';
			s++;
		}
		if (n > 0 && buf[n - 1] == ' ')
			n--;
		if (n > 0 || incmt || cmt.p == NULL)
			break;
		s = (const unsigned char *)cmt.p;
		e = s + cmt.len;
		incmt = 1;
	}
	if (n == 0) {
		*out = str_make("", 0);
		return 0;
	}
	return addr_decode(ap, buf, n, out);
}

/*
 * Grows o's vector: it starts at ADDR_CAP_MIN entries and doubles when
 * full, moving into a new arena block (the old one stays until the arena
 * is reset).  -1 when the arena is spent.
 */
static int
addrs_grow(struct arena *a, struct mail_addrs *o)
{
	struct mail_addr	*v;
	size_t			 cap = o->n == 0 ? ADDR_CAP_MIN : o->n * 2;

	if ((v = arena_alloc(a, cap * sizeof(*v))) == NULL)
		return -1;
	if (o->n > 0)
		memcpy(v, o->v, o->n * sizeof(*v));
	o->v = v;
	return 0;
}

/* Makes room in o for one more address; inline, as most calls find
 * room and return at once. */
static inline int
addrs_room(struct arena *a, struct mail_addrs *o)
{
	if (o->n != 0 && (o->n < ADDR_CAP_MIN || (o->n & (o->n - 1)) != 0))
		return 0;
	return addrs_grow(a, o);
}

/*
 * Ends a mailbox: appends the address in ab (local part of lpos bytes)
 * with its name when valid, else counts it in bad.
 */
static int
addr_push(struct ap *ap, struct abuf *ab, int valid, size_t lpos,
    const unsigned char *ns, const unsigned char *ne, struct str cmt)
{
	struct mail_addrs	*o = ap->out;
	struct str		 name;
	char			*s;
	size_t			 n = ab->n;

	/* A trailing root dot ("a@b.") is not part of the domain. */
	while (n > lpos + 1 && ab->b[n - 1] == '.')
		n--;
	if (!valid || ab->over || lpos == 0 || n <= lpos + 1 ||
	    o->n >= ADDR_LIST_MAX) {
		o->bad++;
		return 0;
	}
	if (addrs_room(ap->a, o) == -1)
		return -1;
	if ((s = arena_strndup(ap->a, str_make((const char *)ab->b, n))) ==
	    NULL)
		return -1;
	if (addr_name(ap, ns, ne, cmt, &name) == -1)
		return -1;
	o->v[o->n].addr = str_make(s, n);
	o->v[o->n].name = name;
	o->n++;
	return 0;
}

/*
 * ap->p is at '<': reads the angle-addr; [ns, ne) is the display name.
 * Inside, "@a,@b:" routes and any "word:" prefix are skipped, and a
 * missing '>' ends the mailbox where its domain ends.
 */
static int
addr_angle(struct ap *ap, const unsigned char *ns, const unsigned char *ne)
{
	struct chain	 ch = { NULL, NULL, T_NONE, 0, 0, 0 };
	const unsigned char *first = NULL;	/* first chain inside <> */
	struct abuf	 ab;
	size_t		 lpos = 0;
	int		 route = 0, ok = 0;
	unsigned char	 c;

	abuf_clear(&ab);
	ap->p++;
	for (;;) {
		if (addr_cfws(ap, NULL))
			ch.sp = 1;
		if (addr_word(ap, &ch)) {
			if (first == NULL)
				first = ch.start;
			continue;
		}
		if (ap->p == ap->end)
			break;
		c = *ap->p;
		if (c == '@' && ch.prev == T_NONE) {
			/* obs-route: "@domain" */
			ap->p++;
			addr_read_domain(ap, NULL, NULL);
			route = 1;
		} else if (c == '@') {
			addr_local_copy(ap, &ab, &ch);
			lpos = ab.n;
			ap->p++;
			abuf_put(&ab, '@');
			ok = addr_read_domain(ap, &ab, NULL);
			/*
			 * Words before the local part inside the brackets
			 * ("<Customer Support@x>") leave no address: taking
			 * the last word would make one up, maybe an agent's.
			 */
			if (ch.start != first)
				ok = 0;
			break;
		} else if (c == '<' && ch.prev == T_NONE)
			ap->p++;		/* "<<a@b>>" */
		else if (c == ',' && route && ch.prev == T_NONE)
			ap->p++;
		else if (c == ':') {
			/* The end of a route, or "mailto:". */
			ap->p++;
			ch.start = NULL;
			ch.prev = T_NONE;
			ch.sp = 0;
			route = 0;
			first = NULL;
		} else if (IS_STRAY(c) && c != '>') {
			chain_stray(&ch);
			ap->p++;
		} else
			break;
	}
	addr_cfws(ap, NULL);
	while (ap->p < ap->end && *ap->p == '>')
		ap->p++;
	return addr_push(ap, &ab, ok, lpos, ns, ne, STR_NULL);
}

/*
 * ap->p is at a ',' inside a phrase.  Returns 1 if the comma belongs to
 * the display name: the segments after it hold something other than CFWS
 * and no '@' or ';' before a '<' or ':'.  Every comma up to where the
 * look-ahead stopped gets the same answer, so it is kept as a position.
 */
static int
addr_merge(struct ap *ap)
{
	const unsigned char	*save = ap->p, *q;
	int			 seen = 0, merge = 0;
	unsigned char		 c;

	if (ap->p < ap->merge)
		return 1;
	if (ap->p < ap->nomerge)
		return 0;
	ap->p++;
	for (;;) {
		addr_cfws(ap, NULL);
		if (ap->p == ap->end)
			break;
		c = *ap->p;
		if (c == '<' || c == ':') {
			merge = 1;
			break;
		}
		if (c == '@' || c == ';')
			break;
		if (c == ',') {
			if (!seen)
				break;
			seen = 0;
			ap->p++;
			continue;
		}
		if (c == '"') {
			if ((q = addr_quote_end(ap, ap->p, ap->end)) != NULL) {
				ap->p = q;
				seen = 1;
			} else
				ap->p++;
			continue;
		}
		ap->p++;
		while (ap->p < ap->end && IS_ATEXT(*ap->p))
			ap->p++;
		seen = 1;
	}
	if (merge)
		ap->merge = ap->p;
	else
		ap->nomerge = ap->p;
	ap->p = save;
	return merge;
}

/* ap->p is at '@' after the phrase [ns, ...) whose chain is ch. */
static int
addr_spec(struct ap *ap, const unsigned char *ns, struct chain *ch)
{
	const unsigned char	*ne = ch->start != NULL ? ch->start : ns;
	struct str		 cmt = STR_NULL;
	struct abuf		 ab;
	size_t			 lpos;
	int			 ok;

	addr_local_copy(ap, &ab, ch);
	lpos = ab.n;
	ap->p++;
	abuf_put(&ab, '@');
	ok = addr_read_domain(ap, &ab, &cmt);
	if (ap->p < ap->end && *ap->p == '<')
		return addr_angle(ap, ns, ap->p);	/* "a@b <c@d>" */
	return addr_push(ap, &ab, ok, lpos, ns, ne, cmt);
}

/* Reads one list element at ap->p, after CFWS and not at ',' or ';'. */
static int
addr_element(struct ap *ap)
{
	struct chain		 ch = { NULL, NULL, T_NONE, 0, 0, 0 };
	const unsigned char	*start;
	unsigned char		 c;

	/* Stray bytes before a mailbox ("a@b>, c@d") are dropped. */
	while (ap->p < ap->end && IS_STRAY(*ap->p)) {
		ap->p++;
		addr_cfws(ap, NULL);
	}
	start = ap->p;
	for (;;) {
		if (addr_cfws(ap, NULL))
			ch.sp = 1;
		if (addr_word(ap, &ch))
			continue;
		if (ap->p == ap->end)
			break;
		c = *ap->p;
		if (IS_STRAY(c) ||
		    (c == ',' && ch.words > 0 && addr_merge(ap))) {
			chain_stray(&ch);
			ap->p++;
			continue;
		}
		break;
	}
	c = ap->p < ap->end ? *ap->p : '\0';
	switch (c) {
	case '<':
		return addr_angle(ap, start, ap->p);
	case '@':
		return addr_spec(ap, start, &ch);
	case ':':
		ap->p++;
		ap->depth++;
		return 0;
	default:
		/* ',', ';' or the end: a mailbox with no '@' at all. */
		if (ch.words > 0)
			ap->out->bad++;
		return 0;
	}
}

/*
 * Skips letters, digits, . - _ + and blanks at p, 16 bytes at a time
 * while 16 are left: the bytes of most names and addresses, each of
 * which addr_fast's phrase loop would step over one by one.
 */
static inline const unsigned char *
addr_skip_plain(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		const __m128i	a = _mm_loadu_si128((const __m128i *)
				    (const void *)p);
		const __m128i	blank = _mm_or_si128(
				    _mm_cmpeq_epi8(a, _mm_set1_epi8(' ')),
				    _mm_cmpeq_epi8(a, _mm_set1_epi8('\t')));
		__m128i		upper;
		unsigned	ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				    addr_plain16(a, &upper), blank));

		if (ok != 0xffff)
			return p + __builtin_ctz(~ok);
		p += 16;
	}
#else
	(void)end;
#endif
	return p;
}

/*
 * The fast path for the common shapes of an element: "local@domain",
 * "<local@domain>" and "Name <local@domain>" (the name made of words,
 * quoted strings, dots and blanks), each followed by blanks and then a
 * ',' or the end (or, for the angle forms, anything: the list loop reads
 * it as addr_element would).  It builds the very abuf and name span that
 * addr_spec and addr_angle build for these shapes and ends in the same
 * addr_push.  Returns 1 when it read the element, 0 (ap->p untouched)
 * for anything else, which goes to addr_element; -1 on arena exhaustion.
 */
static int
addr_fast(struct ap *ap)
{
	const unsigned char	*start = ap->p, *p = start, *end = ap->end;
	const unsigned char	*lt = NULL, *q;
	struct abuf		 ab;
	size_t			 lpos;

	/* The phrase, if any, up to '<'; or the local part of a bare one. */
	p = addr_skip_plain(p, end);
	while (p < end) {
		if (IS_DOTATOM(*p) || *p == ' ' || *p == '\t')
			p++;
		else if (*p == '"') {
			for (q = p + 1; q < end && *q != '"'; q++)
				if (*q == '\\' && ++q == end)
					break;
			if (q >= end)
				return 0;	/* unterminated: slow path */
			p = q + 1;
		} else
			break;
	}
	/* Each run is classified and copied in one pass (abuf_run returns
	 * its end); a shape that fails afterwards just drops the copy. */
	abuf_clear(&ab);
	if (p < end && *p == '<') {
		lt = p++;
		q = abuf_run(&ab, p, end);
	} else {
		/* Bare: the phrase must be exactly one run of atext/dots. */
		if (p == end || *p != '@' || p == start ||
		    (q = abuf_run(&ab, start, end)) != p)
			return 0;
		p = start;
	}
	if (q == p || q == end || *q != '@')
		return 0;
	lpos = ab.n;
	abuf_put(&ab, '@');
	p = q + 1;
	q = abuf_run(&ab, p, end);
	if (q == p)
		return 0;
	if (lt != NULL) {
		if (q == end || *q != '>')
			return 0;
		while (q < end && *q == '>')
			q++;
		ap->p = q;
		return addr_push(ap, &ab, 1, lpos, start, lt, STR_NULL) == -1 ?
		    -1 : 1;
	}
	/* A bare address: nothing may follow but blanks and a ','. */
	for (p = q; p < end && (*p == ' ' || *p == '\t'); p++)
		continue;
	if (p < end && *p != ',')
		return 0;
	/* "a@b." followed by a quoted string is no case here: p is not '"'. */
	ap->p = p;
	return addr_push(ap, &ab, 1, lpos, start, start, STR_NULL) == -1 ?
	    -1 : 1;
}

#ifndef __SSE2__
#define ADDR_PLAIN(ap)	0
#else
#define ADDR_PLAIN(ap)	addr_plain(ap)
/*
 * For the 16 bytes at p: bit i of *plain set where p[i] is a letter, a
 * digit or one of . - _ + (as addr_skip_plain tests them), of *sp where
 * it is a space.
 */
static inline void
addr_masks16(const unsigned char *p, unsigned *plain, unsigned *sp)
{
	const __m128i	a = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i		upper;

	*plain = (unsigned)_mm_movemask_epi8(addr_plain16(a, &upper));
	*sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a,
	    _mm_set1_epi8(' ')));
}

/* Copies n plain bytes (ASCII) from s to d, A-Z lower-cased. */
static inline void
addr_lower_copy(char *d, const unsigned char *s, size_t n)
{
	size_t	i = 0;

	if (n >= 16) {
		for (;;) {
			__m128i	a, up;

			if (i + 16 > n)
				i = n - 16;
			a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			up = _mm_and_si128(_mm_cmpgt_epi8(a,
			    _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(a,
			    _mm_set1_epi8('Z' + 1)));
			_mm_storeu_si128((__m128i *)(void *)(d + i),
			    _mm_or_si128(a, _mm_and_si128(up,
			    _mm_set1_epi8(0x20))));
			if ((i += 16) >= n)
				return;
		}
	}
	if (n >= 8) {
		/* Two eight-byte words, the second overlapping the first:
		 * per byte, exact (no carry leaves a byte), the high bit
		 * of up marks 'A'..'Z'. */
		const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7full;
		const uint64_t	hi = 0x8080808080808080ull;
		uint64_t	w[2];

		memcpy(&w[0], s, 8);
		memcpy(&w[1], s + n - 8, 8);
		for (int k = 0; k < 2; k++) {
			uint64_t	a = w[k] & lo7;
			uint64_t	up = (a + 0x3f3f3f3f3f3f3f3full) &
					    ~(a + 0x2525252525252525ull) &
					    ~w[k] & hi;

			w[k] |= up >> 2;
		}
		memcpy(d, &w[0], 8);
		memcpy(d + n - 8, &w[1], 8);
		return;
	}
	for (; i < n; i++)
		d[i] = (char)((unsigned)(s[i] - 'A') < 26u ? s[i] | 0x20 :
		    s[i]);
}

/* The lowest set bit at or above bit i of m, or 64. */
static inline unsigned
bit_from(uint64_t m, unsigned i)
{
	m = i < 64 ? m >> i << i : 0;
	return m != 0 ? (unsigned)__builtin_ctzll(m) : 64;
}

#ifdef SCAN_AVX2
/* addr_masks16 for 32 bytes at once. */
SCAN_TARGET_AVX2 static void
addr_masks32_avx2(const unsigned char *p, uint32_t *plain, uint32_t *sp)
{
	const __m256i	a = _mm256_loadu_si256((const __m256i *)(const void *)
			    p);
	const __m256i	al = _mm256_or_si256(a, _mm256_set1_epi8(0x20));
	const __m256i	letter = _mm256_and_si256(
			    _mm256_cmpgt_epi8(al, _mm256_set1_epi8('a' - 1)),
			    _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), al));
	const __m256i	digit = _mm256_and_si256(
			    _mm256_cmpgt_epi8(a, _mm256_set1_epi8('0' - 1)),
			    _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), a));
	const __m256i	punct = _mm256_or_si256(_mm256_or_si256(
			    _mm256_cmpeq_epi8(a, _mm256_set1_epi8('.')),
			    _mm256_cmpeq_epi8(a, _mm256_set1_epi8('-'))),
			    _mm256_or_si256(
			    _mm256_cmpeq_epi8(a, _mm256_set1_epi8('_')),
			    _mm256_cmpeq_epi8(a, _mm256_set1_epi8('+'))));

	*plain = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_or_si256(letter, digit), punct));
	*sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a,
	    _mm256_set1_epi8(' ')));
}
#endif

/* The masks of bytes [from, from + 32) of b, ORed into *plain and *sp. */
static inline void
addr_masks32(const unsigned char *b, unsigned from, uint64_t *plain,
    uint64_t *sp)
{
	unsigned	pl, sm;

#ifdef SCAN_AVX2
	if (scan_has_avx2()) {
		uint32_t	pl32, sm32;

		addr_masks32_avx2(b + from, &pl32, &sm32);
		*plain |= (uint64_t)pl32 << from;
		*sp |= (uint64_t)sm32 << from;
		return;
	}
#endif
	for (unsigned q = from; q < from + 32; q += 16) {
		addr_masks16(b + q, &pl, &sm);
		*plain |= (uint64_t)pl << q;
		*sp |= (uint64_t)sm << q;
	}
}

/* Where addr_plain found the parts of an element (offsets from it). */
struct plain_at {
	unsigned	ns, ne;	/* the name is [ns, ne) */
	unsigned	lo, k;	/* the address is [lo, k) */
	unsigned	next;	/* where the list goes on */
};

/*
 * The shape test of addr_plain on the masks of the first lw bytes of
 * the element at b; more: bytes follow those lw.  Returns 1 (and fills
 * *at) for a plain element, 0 for none, 2 when the answer lies past lw.
 */
static int
addr_plain_shape(const unsigned char *b, uint64_t plain, uint64_t sp,
    unsigned lw, int more, struct plain_at *at)
{
	unsigned	i, j, k, ns = 0, ne, next;

	/* The phrase: plain bytes and spaces, up to '<' or '@'. */
	if ((i = bit_from(~(plain | sp), 0)) >= lw)
		return more ? 2 : 0;
	if (i == 0 && b[0] == '"') {
		/* A quoted phrase of the same bytes, none of them a space
		 * at either end or next to another, then spaces and '<':
		 * the name is what the quotes hold. */
		if ((j = bit_from(~(plain | sp), 1)) >= lw)
			return more ? 2 : 0;
		if (b[j] != '"' || j == 1 || b[1] == ' ' || b[j - 1] == ' ' ||
		    (sp & (sp >> 1) & ((1ull << (j - 1)) - 1)) != 0)
			return 0;
		if ((i = bit_from(~sp, j + 1)) >= lw)
			return more ? 2 : 0;
		if (b[i] != '<')
			return 0;
		ns = 1;
		ne = j;
	} else if (b[i] == '<') {
		for (ne = i; ne > 0 && b[ne - 1] == ' '; ne--)
			continue;
		/* Two spaces in a row (ne - 1 >= 0 spaces checked). */
		if (ne > 1 && (sp & (sp >> 1) & ((1ull << (ne - 1)) - 1)) != 0)
			return 0;
	}
	if (b[i] == '<') {
		if ((j = bit_from(~plain, i + 1)) >= lw)
			return more ? 2 : 0;
		if (j == i + 1 || b[j] != '@')
			return 0;
		if ((k = bit_from(~plain, j + 1)) >= lw)
			return more ? 2 : 0;
		if (k == j + 1 || b[k] != '>')
			return 0;
		for (next = k; next < lw && b[next] == '>'; next++)
			continue;
		if (next == lw && more)
			return 2;	/* more '>' may follow */
		at->lo = i + 1;
	} else if (b[i] == '@') {
		/* Bare: one plain run, '@', a plain run, blanks, ',' or end. */
		if (i == 0 || (sp & ((1ull << i) - 1)) != 0)
			return 0;
		ne = 0;
		k = bit_from(~plain, i + 1);
		if (k >= lw && more)
			return 2;
		if (k == i + 1)
			return 0;
		for (next = k; next < lw && (b[next] == ' ' ||
		    b[next] == '\t'); next++)
			continue;
		if (next == lw && more)
			return 2;
		if (next < lw && b[next] != ',')
			return 0;
		at->lo = 0;
	} else
		return 0;
	if (b[k - 1] == '.')
		return 0;
	at->ns = ns;
	at->ne = ne;
	at->k = k;
	at->next = next;
	return 1;
}

/*
 * The commonest shapes of all, read from bit masks of the element's
 * first 32 bytes, or 64 when those do not settle it: "Name <local@domain>",
 * the name made of letters, digits, . - _ + and single spaces, bare or in
 * quotes (then the name is what they hold, and may be followed by any
 * number of spaces, none at all included, before the '<'), and a bare
 * "local@domain" followed by blanks and a ',' or the end; local part and
 * domain made of letters, digits and . - _ +, the domain not ending in a
 * dot.  For these, addr_fast and addr_push give exactly this: the address
 * lower-cased and the name as it is (words_decode copies such a name),
 * one arena allocation each, in that order, and ap->p after the '>'s (or
 * at the ',' or the end).  Returns 1 when it read the element, 0 (ap->p
 * untouched) for any other shape or a longer one, -1 on arena exhaustion.
 */
static int
addr_plain(struct ap *ap)
{
	const unsigned char	*start = ap->p, *b = start;
	unsigned char		 pad[64];
	struct mail_addrs	*o = ap->out;
	struct str		 name = STR("");
	struct plain_at		 at;
	uint64_t		 plain = 0, sp = 0;
	size_t			 len = (size_t)(ap->end - start), n;
	char			*s, *d;
	int			 r;

	if (ap->w == NULL || o->n >= ADDR_LIST_MAX)
		return 0;
	if (len < 64) {
		/* Zeros after the end: no class of their own.  (A fixed
		 * clear is a few stores, a clear of len bytes a call.) */
		memset(pad, 0, sizeof(pad));
		memcpy(pad, start, len);
		b = pad;
	}
	addr_masks32(b, 0, &plain, &sp);
	if ((r = addr_plain_shape(b, plain, sp, len < 32 ? (unsigned)len : 32,
	    len > 32, &at)) == 2) {
		addr_masks32(b, 32, &plain, &sp);
		r = addr_plain_shape(b, plain, sp, len < 64 ? (unsigned)len :
		    64, len > 64, &at);
	}
	if (r != 1)
		return 0;
	/* [lo, k) is "local@domain". */
	n = at.k - at.lo;
	if (addrs_room(ap->a, o) == -1)
		return -1;
	if ((s = arena_alloc(ap->a, n + 1)) == NULL)
		return -1;
	addr_lower_copy(s, start + at.lo, n);
	s[n] = '\0';
	if (at.ne > at.ns) {
		if ((d = arena_alloc(ap->a, at.ne - at.ns + 1)) == NULL)
			return -1;
		memcpy(d, start + at.ns, at.ne - at.ns);
		d[at.ne - at.ns] = '\0';
		name = str_make(d, at.ne - at.ns);
	}
	o->v[o->n].addr = str_make(s, n);
	o->v[o->n].name = name;
	o->n++;
	ap->p = start + at.next;
	return 1;
}
#endif

/* The list loop; fast: try addr_plain, then addr_fast, before
 * addr_element. */
static int
addr_list(struct arena *a, struct words *w, struct str value,
    struct mail_addrs *out, int fast)
{
	struct ap		 ap;
	const unsigned char	*before;
	int			 r;

	if (value.p == NULL || value.len == 0)
		return 0;
	memset(&ap, 0, sizeof(ap));
	ap.p = (const unsigned char *)value.p;
	ap.end = ap.p + value.len;
	ap.a = a;
	ap.w = w;
	ap.out = out;
	for (;;) {
		addr_cfws(&ap, NULL);
		if (ap.p >= ap.end)
			break;
		if (*ap.p == ',') {
			/* The space of ", ", without addr_cfws_slow. */
			if (++ap.p < ap.end && *ap.p == ' ')
				ap.p++;
			continue;
		}
		if (*ap.p == ';') {
			/* Ends a group; outside one, a separator. */
			if (ap.depth > 0)
				ap.depth--;
			ap.p++;
			continue;
		}
		if (fast && ((r = ADDR_PLAIN(&ap)) != 0 ||
		    (r = addr_fast(&ap)) != 0)) {
			if (r == -1)
				return -1;
			continue;
		}
		before = ap.p;
		if (addr_element(&ap) == -1)
			return -1;
		if (ap.p == before)
			ap.p++;		/* never loop without progress */
	}
	return 0;
}

int
addr_parse_list(struct arena *a, struct words *w, struct str value,
    struct mail_addrs *out)
{
	return addr_list(a, w, value, out, 1);
}

int
addr_parse_list_slow(struct arena *a, struct words *w, struct str value,
    struct mail_addrs *out)
{
	return addr_list(a, w, value, out, 0);
}

struct str
addr_local(struct str addr)
{
	size_t	i;

	for (i = addr.len; i > 0; i--)
		if (addr.p[i - 1] == '@')
			return str_make(addr.p, i - 1);
	return addr;
}

struct str
addr_domain(struct str addr)
{
	size_t	i;

	for (i = addr.len; i > 0; i--)
		if (addr.p[i - 1] == '@')
			return str_make(addr.p + i, addr.len - i);
	return str_make(addr.len > 0 ? addr.p + addr.len : "", 0);
}
