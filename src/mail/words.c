/*
 * words.c: header text to UTF-8 (see words.h, docs/violations/words.md).
 *
 * Model.  The input is scanned once, left to right, for "=?".  Each
 * candidate is parsed as an encoded word
 *
 *	=? charset [*lang] ? B|Q ? text ?=
 *
 * where text runs to the first "?=" (it may hold spaces; GMime accepts
 * that too).  Anything that does not parse is ordinary text.  Ordinary
 * text is validated as UTF-8: each maximal subpart of an ill-formed
 * sequence (Unicode 3-7, as WHATWG does) becomes one U+FFFD.
 *
 * Adjacent encoded words (separated by nothing or by white space only,
 * which is dropped per RFC 2047 section 6.2) whose charsets resolve to
 * the same decoder form a group: their decoded bytes are concatenated
 * and converted together, so a multibyte character split across two
 * words comes out whole.  A group is converted when it ends.
 *
 * Every converted or raw character then goes through one emitter: C0
 * controls, DEL, TAB, CR, LF and SP all count as white space; a run of
 * white space becomes one space, dropped at the start and the end.  So
 * the output is valid UTF-8 with no C0 control, no DEL, no leading,
 * trailing or doubled space.
 *
 * Charsets: names are lower-cased, the RFC 2231 "*lang" suffix removed,
 * then looked up in an alias table that follows the WHATWG Encoding
 * Standard's choice of supersets (latin1 and us-ascii are decoded as
 * windows-1252, gb2312 as GB18030, ks_c_5601-1987 as CP949, ...).  UTF-8
 * and windows-1252 are decoded here; ISO-2022-JP is transcoded to CP932
 * so the NEC and IBM extensions real Japanese mail uses decode; the rest
 * goes through glibc iconv, with up to WORDS_CACHE descriptors cached per
 * struct words (least recently used one evicted) and failed opens cached
 * too.  A descriptor is reset before each group.  A charset nobody knows
 * (and unknown-8bit, x-unknown) is decoded best effort: as UTF-8 if the
 * bytes are valid UTF-8, else as windows-1252.
 *
 * Memory: the working buffers live in struct words and are reused, so a
 * call allocates nothing on the heap once warm; the result is one arena
 * allocation.  Pure printable-ASCII input without "=?" takes a fast path
 * that copies while collapsing white space.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../base/xmalloc.h"
#include "words.h"

#define WORDS_CACHE		16	/* iconv descriptors kept */
#define WORDS_CHARSET_MAX	40	/* longer: decoded best effort */
#define WORDS_TOKEN_MAX		75	/* longer charset: no word */
#define WORDS_KEEP		(1 << 20)	/* larger buffers: freed */

enum cs_kind {
	CS_UTF8,
	CS_CP1252,
	CS_UNKNOWN,
	CS_JIS,
	CS_ICONV
};

struct wbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

struct cache_ent {
	char		 name[WORDS_CHARSET_MAX + 1];
	iconv_t		 cd;		/* (iconv_t)-1: unknown */
	unsigned long	 stamp;
};

struct words {
	struct cache_ent cache[WORDS_CACHE];
	size_t		 ncache;
	unsigned long	 clock;
	struct wbuf	 out;		/* the result being built */
	struct wbuf	 dec;		/* decoded bytes of the group */
	struct wbuf	 conv;		/* iconv output */
	struct wbuf	 jis;		/* ISO-2022-JP as CP932 */
	uint32_t	 bacc;		/* open base64 quantum */
	int		 bnq;		/* its characters */
	int		 space;		/* a space is owed */
	int		 gopen;		/* a group of words is open */
	enum cs_kind	 gkind;
	char		 gname[WORDS_CHARSET_MAX + 1];
};

struct alias {
	const char	*alias;
	enum cs_kind	 kind;
	const char	*name;		/* for CS_ICONV */
};

/* Lower-case aliases; names iconv knows as they are need no entry. */
static const struct alias aliases[] = {
	{ "utf-8", CS_UTF8, NULL },
	{ "utf8", CS_UTF8, NULL },
	{ "unicode-1-1-utf-8", CS_UTF8, NULL },
	{ "x-unicode20utf8", CS_UTF8, NULL },
	{ "us-ascii", CS_CP1252, NULL },
	{ "ascii", CS_CP1252, NULL },
	{ "ansi_x3.4-1968", CS_CP1252, NULL },
	{ "iso-8859-1", CS_CP1252, NULL },
	{ "iso8859-1", CS_CP1252, NULL },
	{ "iso_8859-1", CS_CP1252, NULL },
	{ "iso_8859-1:1987", CS_CP1252, NULL },
	{ "latin1", CS_CP1252, NULL },
	{ "latin-1", CS_CP1252, NULL },
	{ "l1", CS_CP1252, NULL },
	{ "cp819", CS_CP1252, NULL },
	{ "ibm819", CS_CP1252, NULL },
	{ "iso-ir-100", CS_CP1252, NULL },
	{ "csisolatin1", CS_CP1252, NULL },
	{ "windows-1252", CS_CP1252, NULL },
	{ "cp1252", CS_CP1252, NULL },
	{ "x-cp1252", CS_CP1252, NULL },
	{ "unknown-8bit", CS_UNKNOWN, NULL },
	{ "x-unknown", CS_UNKNOWN, NULL },
	{ "unknown", CS_UNKNOWN, NULL },
	{ "iso-2022-jp", CS_JIS, NULL },
	{ "csiso2022jp", CS_JIS, NULL },
	{ "ks_c_5601-1987", CS_ICONV, "CP949" },
	{ "ks_c_5601-1989", CS_ICONV, "CP949" },
	{ "ks_c_5601", CS_ICONV, "CP949" },
	{ "ksc5601", CS_ICONV, "CP949" },
	{ "ksc_5601", CS_ICONV, "CP949" },
	{ "euc-kr", CS_ICONV, "CP949" },
	{ "euckr", CS_ICONV, "CP949" },
	{ "korean", CS_ICONV, "CP949" },
	{ "csksc56011987", CS_ICONV, "CP949" },
	{ "iso-ir-149", CS_ICONV, "CP949" },
	{ "windows-949", CS_ICONV, "CP949" },
	{ "x-windows-949", CS_ICONV, "CP949" },
	{ "cp949", CS_ICONV, "CP949" },
	{ "uhc", CS_ICONV, "CP949" },
	{ "gb2312", CS_ICONV, "GB18030" },
	{ "gb_2312-80", CS_ICONV, "GB18030" },
	{ "gb_2312", CS_ICONV, "GB18030" },
	{ "csgb2312", CS_ICONV, "GB18030" },
	{ "euc-cn", CS_ICONV, "GB18030" },
	{ "euccn", CS_ICONV, "GB18030" },
	{ "x-euc-cn", CS_ICONV, "GB18030" },
	{ "chinese", CS_ICONV, "GB18030" },
	{ "iso-ir-58", CS_ICONV, "GB18030" },
	{ "gbk", CS_ICONV, "GB18030" },
	{ "x-gbk", CS_ICONV, "GB18030" },
	{ "cp936", CS_ICONV, "GB18030" },
	{ "ms936", CS_ICONV, "GB18030" },
	{ "windows-936", CS_ICONV, "GB18030" },
	{ "gb18030", CS_ICONV, "GB18030" },
	{ "big5", CS_ICONV, "CP950" },
	{ "big-5", CS_ICONV, "CP950" },
	{ "cn-big5", CS_ICONV, "CP950" },
	{ "x-x-big5", CS_ICONV, "CP950" },
	{ "csbig5", CS_ICONV, "CP950" },
	{ "cp950", CS_ICONV, "CP950" },
	{ "big5-hkscs", CS_ICONV, "BIG5-HKSCS" },
	{ "big5hkscs", CS_ICONV, "BIG5-HKSCS" },
	{ "shift_jis", CS_ICONV, "CP932" },
	{ "shift-jis", CS_ICONV, "CP932" },
	{ "sjis", CS_ICONV, "CP932" },
	{ "x-sjis", CS_ICONV, "CP932" },
	{ "ms_kanji", CS_ICONV, "CP932" },
	{ "csshiftjis", CS_ICONV, "CP932" },
	{ "windows-31j", CS_ICONV, "CP932" },
	{ "cp932", CS_ICONV, "CP932" },
	{ "ms932", CS_ICONV, "CP932" },
	{ "x-ms-cp932", CS_ICONV, "CP932" },
	{ "iso-8859-9", CS_ICONV, "WINDOWS-1254" },
	{ "iso8859-9", CS_ICONV, "WINDOWS-1254" },
	{ "iso_8859-9", CS_ICONV, "WINDOWS-1254" },
	{ "latin5", CS_ICONV, "WINDOWS-1254" },
	{ "tis-620", CS_ICONV, "CP874" },
	{ "iso-8859-11", CS_ICONV, "CP874" },
	{ "windows-874", CS_ICONV, "CP874" },
	{ "iso-8859-8-i", CS_ICONV, "ISO-8859-8" },
	{ "iso-8859-8-e", CS_ICONV, "ISO-8859-8" },
	{ "iso_8859-8-i", CS_ICONV, "ISO-8859-8" },
	{ "csiso88598i", CS_ICONV, "ISO-8859-8" },
	{ "logical", CS_ICONV, "ISO-8859-8" },
	{ "iso-8859-6-i", CS_ICONV, "ISO-8859-6" },
	{ "iso-8859-6-e", CS_ICONV, "ISO-8859-6" },
	{ "x-mac-roman", CS_ICONV, "MACINTOSH" },
	{ "mac", CS_ICONV, "MACINTOSH" },
};

/* windows-1252 0x80-0x9f; 0 marks the five undefined bytes. */
static const uint16_t cp1252_hi[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

static void	b64_end(struct words *);

static const char	replacement[3] = { '\xef', '\xbf', '\xbd' };

static void
wbuf_reserve(struct wbuf *b, size_t n)
{
	size_t	 cap;
	char	*np;

	if (b->cap - b->len >= n)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			cap = SIZE_MAX;	/* xreallocarray aborts */
		else
			cap *= 2;
	}
	np = xreallocarray(b->p, cap, 1);
	b->p = np;
	b->cap = cap;
}

static void
wbuf_add(struct wbuf *b, const void *p, size_t n)
{
	wbuf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
wbuf_addc(struct wbuf *b, unsigned char c)
{
	wbuf_reserve(b, 1);
	b->p[b->len++] = (char)c;
}

static void
wbuf_trim(struct wbuf *b)
{
	if (b->cap > WORDS_KEEP) {
		free(b->p);
		b->p = NULL;
		b->cap = 0;
	}
	b->len = 0;
}

/*
 * Length of the well-formed UTF-8 sequence at p, or 0 if there is none;
 * then *bad is the length of the maximal subpart to replace (>= 1).
 */
static size_t
utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned char	c = p[0], lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

static int
utf8_valid(const unsigned char *p, size_t n)
{
	size_t	i = 0, k, bad;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i, &bad)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* The emitter: every output character goes through here. */

static void
emit_ws(struct words *w)
{
	if (w->out.len > 0)
		w->space = 1;
}

static void
emit_bytes(struct words *w, const void *p, size_t n)
{
	if (w->space) {
		wbuf_addc(&w->out, ' ');
		w->space = 0;
	}
	wbuf_add(&w->out, p, n);
}

static void
emit_cp(struct words *w, uint32_t cp)
{
	unsigned char	u[3];

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		if (cp < 0x20 || cp == 0x7f || cp == ' ')
			emit_ws(w);
		else
			emit_bytes(w, u, 1);
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		emit_bytes(w, u, 2);
	} else {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		emit_bytes(w, u, 3);
	}
}

/* Bytes that should be UTF-8: raw text, UTF-8 words, iconv output. */
static void
emit_utf8(struct words *w, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, j, k, bad;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] <= 0x20 || p[i] == 0x7f) {
				emit_ws(w);
				i++;
				continue;
			}
			for (j = i + 1; j < n && p[j] > 0x20 && p[j] < 0x7f;
			    j++)
				;
			emit_bytes(w, p + i, j - i);
			i = j;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i, &bad)) > 0) {
			emit_bytes(w, p + i, k);
			i += k;
		} else {
			emit_bytes(w, replacement, sizeof(replacement));
			i += bad;
		}
	}
}

static void
emit_cp1252(struct words *w, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80 && p[i] < 0xa0) {
			if (cp1252_hi[p[i] - 0x80] == 0)
				emit_bytes(w, replacement,
				    sizeof(replacement));
			else
				emit_cp(w, cp1252_hi[p[i] - 0x80]);
		} else
			emit_cp(w, p[i]);
	}
}

/* The iconv cache. */

static iconv_t
cache_get(struct words *w, const char *name)
{
	struct cache_ent	*e, *old = NULL;
	size_t			 i;

	for (i = 0; i < w->ncache; i++) {
		e = &w->cache[i];
		if (strcmp(e->name, name) == 0) {
			e->stamp = ++w->clock;
			return e->cd;
		}
		if (old == NULL || e->stamp < old->stamp)
			old = e;
	}
	if (w->ncache < WORDS_CACHE)
		e = &w->cache[w->ncache++];
	else {
		e = old;
		if (e->cd != (iconv_t)-1)
			iconv_close(e->cd);
	}
	memcpy(e->name, name, strlen(name) + 1);
	e->cd = iconv_open("UTF-8", name);
	e->stamp = ++w->clock;
	return e->cd;
}

/*
 * Converts s to UTF-8 in w->conv; bytes iconv rejects become U+FFFD one
 * at a time, a truncated sequence at the end one U+FFFD.
 */
static void
convert(struct words *w, iconv_t cd, const char *s, size_t n)
{
	char	*in = (char *)(uintptr_t)s, *op;
	size_t	 inleft = n, outleft, r;
	int	 flush = 0;

	w->conv.len = 0;
	iconv(cd, NULL, NULL, NULL, NULL);
	for (;;) {
		wbuf_reserve(&w->conv, inleft * 4 + 16);
		op = w->conv.p + w->conv.len;
		outleft = w->conv.cap - w->conv.len;
		if (flush)
			r = iconv(cd, NULL, NULL, &op, &outleft);
		else
			r = iconv(cd, &in, &inleft, &op, &outleft);
		w->conv.len = w->conv.cap - outleft;
		if (r != (size_t)-1) {
			if (flush)
				break;
			flush = 1;	/* all in: end the shift state */
			continue;
		}
		if (errno == E2BIG)
			continue;
		wbuf_add(&w->conv, replacement, sizeof(replacement));
		if (errno == EILSEQ && !flush && inleft > 0) {
			in++;
			inleft--;
			continue;
		}
		break;		/* EINVAL: incomplete at the end */
	}
}

/*
 * ISO-2022-JP (RFC 1468) to CP932 bytes, so that the NEC row 13 and IBM
 * extensions (circled digits, Roman numerals) decode as every mail user
 * agent in Japan expects.  Returns -1 for an escape other than the five
 * of RFC 1468 and JIS X 0201 katakana; the caller then uses glibc.
 */
static int
jis_to_sjis(struct words *w, const unsigned char *p, size_t n)
{
	size_t		i = 0;
	int		mode = 0;	/* 0 ASCII, 1 JIS X 0208, 2 kana */
	unsigned char	j1, j2, s[2];

	w->jis.len = 0;
	while (i < n) {
		if (p[i] == 0x1b) {
			if (n - i < 3)
				return -1;
			if (p[i + 1] == '(' && (p[i + 2] == 'B' ||
			    p[i + 2] == 'J'))
				mode = 0;
			else if (p[i + 1] == '$' && (p[i + 2] == '@' ||
			    p[i + 2] == 'B'))
				mode = 1;
			else if (p[i + 1] == '(' && p[i + 2] == 'I')
				mode = 2;
			else
				return -1;
			i += 3;
			continue;
		}
		if (p[i] == 0x0e || p[i] == 0x0f)
			return -1;
		if (p[i] >= 0x80) {
			wbuf_addc(&w->jis, 0xff);	/* invalid in CP932 */
			i++;
			continue;
		}
		if (mode == 1 && p[i] > 0x20 && p[i] < 0x7f) {
			if (i + 1 >= n || p[i + 1] <= 0x20 ||
			    p[i + 1] >= 0x7f) {
				wbuf_addc(&w->jis, 0xff);
				i++;
				continue;
			}
			j1 = p[i];
			j2 = p[i + 1];
			if (j1 & 1)
				s[1] = (unsigned char)(j2 + (j2 >= 0x60 ?
				    0x20 : 0x1f));
			else
				s[1] = (unsigned char)(j2 + 0x7e);
			s[0] = (unsigned char)(((j1 - 0x21) >> 1) + 0x81);
			if (s[0] > 0x9f)
				s[0] = (unsigned char)(s[0] + 0x40);
			wbuf_add(&w->jis, s, 2);
			i += 2;
			continue;
		}
		if (mode == 2 && p[i] > 0x20 && p[i] < 0x7f)
			wbuf_addc(&w->jis, p[i] < 0x60 ?
			    (unsigned char)(p[i] + 0x80) : 0xff);
		else
			wbuf_addc(&w->jis, p[i]);
		i++;
	}
	return 0;
}

static void
emit_best_effort(struct words *w, const char *s, size_t n)
{
	if (utf8_valid((const unsigned char *)s, n))
		emit_utf8(w, s, n);
	else
		emit_cp1252(w, s, n);
}

/* Converts and emits the open group of encoded words. */
static void
group_flush(struct words *w)
{
	iconv_t	cd;

	if (!w->gopen)
		return;
	w->gopen = 0;
	b64_end(w);
	if (w->dec.len == 0)
		return;
	switch (w->gkind) {
	case CS_UTF8:
		emit_utf8(w, w->dec.p, w->dec.len);
		break;
	case CS_CP1252:
		emit_cp1252(w, w->dec.p, w->dec.len);
		break;
	case CS_UNKNOWN:
		emit_best_effort(w, w->dec.p, w->dec.len);
		break;
	case CS_JIS:
		if (jis_to_sjis(w, (const unsigned char *)w->dec.p,
		    w->dec.len) == 0 &&
		    (cd = cache_get(w, "CP932")) != (iconv_t)-1)
			convert(w, cd, w->jis.p, w->jis.len);
		else if ((cd = cache_get(w, "ISO-2022-JP-2")) != (iconv_t)-1)
			convert(w, cd, w->dec.p, w->dec.len);
		else {
			emit_best_effort(w, w->dec.p, w->dec.len);
			break;
		}
		emit_utf8(w, w->conv.p, w->conv.len);
		break;
	case CS_ICONV:
		if ((cd = cache_get(w, w->gname)) == (iconv_t)-1) {
			emit_best_effort(w, w->dec.p, w->dec.len);
			break;
		}
		convert(w, cd, w->dec.p, w->dec.len);
		emit_utf8(w, w->conv.p, w->conv.len);
		break;
	}
	w->dec.len = 0;
}

/*
 * Resolves a charset label (without "*lang") to a decoder.  name gets
 * the iconv name for CS_ICONV, else "".
 */
static enum cs_kind
charset_resolve(const char *p, size_t n, char name[WORDS_CHARSET_MAX + 1])
{
	size_t		i;
	unsigned char	c;

	name[0] = '\0';
	if (n > WORDS_CHARSET_MAX)
		return CS_UNKNOWN;
	for (i = 0; i < n; i++) {
		c = rt_lower((unsigned char)p[i]);
		/* Only what charset names use: no '/' for iconv suffixes. */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == ':' ||
		    c == '+' || c == '(' || c == ')')) {
			name[0] = '\0';
			return CS_UNKNOWN;
		}
		name[i] = (char)c;
	}
	name[n] = '\0';
	for (i = 0; i < nitems(aliases); i++) {
		if (strcmp(aliases[i].alias, name) == 0) {
			if (aliases[i].kind != CS_ICONV)
				name[0] = '\0';
			else
				memcpy(name, aliases[i].name,
				    strlen(aliases[i].name) + 1);
			return aliases[i].kind;
		}
	}
	return CS_ICONV;
}

struct eword {
	const char	*cs;		/* charset, without "*lang" */
	size_t		 cslen;
	int		 b64;
	const char	*text;
	size_t		 tlen;
	size_t		 end;		/* offset just past "?=" */
};

/*
 * Parses an encoded word at offset at of s (which starts with "=?").
 * *qe caches the offset of the first "?=" at or after *qefrom so the
 * scan stays linear however many "=?" there are.
 */
static int
eword_parse(const char *s, size_t n, size_t at, size_t *qefrom, size_t *qe,
    struct eword *ew)
{
	size_t	i = at + 2, star = 0, t, k;

	for (; i < n && s[i] != '?'; i++) {
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || i - at > WORDS_TOKEN_MAX)
			return 0;
		if (s[i] == '*' && star == 0)
			star = i;
	}
	if (star == 0)
		star = i;
	if (star == at + 2 || n - i < 4)
		return 0;
	if (s[i + 2] != '?')
		return 0;
	switch (s[i + 1]) {
	case 'B':
	case 'b':
		ew->b64 = 1;
		break;
	case 'Q':
	case 'q':
		ew->b64 = 0;
		break;
	default:
		return 0;
	}
	t = i + 3;
	if (*qe < t || *qefrom > t) {
		for (k = t; k + 1 < n; k++)
			if (s[k] == '?' && s[k + 1] == '=')
				break;
		*qefrom = t;
		*qe = k + 1 < n ? k : n;
	}
	if (*qe >= n)
		return 0;
	ew->cs = s + at + 2;
	ew->cslen = star - (at + 2);
	ew->text = s + t;
	ew->tlen = *qe - t;
	ew->end = *qe + 2;
	return 1;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = rt_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Q: '_' is a space, "=XX" a byte (either case).  '=' before two
 * characters that are not hex stays as it is; a '=' with fewer than two
 * characters after it is dropped (GMime does both).
 */
static void
decode_q(struct wbuf *b, const char *s, size_t n)
{
	size_t	i;
	int	hi, lo;

	wbuf_reserve(b, n);
	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			b->p[b->len++] = ' ';
		else if (s[i] != '=')
			b->p[b->len++] = s[i];
		else if (n - i < 3)
			break;
		else if ((hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			b->p[b->len++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			b->p[b->len++] = '=';
	}
}

/* Base64 alphabet value + 1; 0 for every other byte. */
static const unsigned char b64val[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5,
	['F'] = 6, ['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10,
	['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20,
	['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
	['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
	['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
	['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45,
	['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55,
	['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64
};

/* Ends a base64 quantum: 2 or 3 characters still give 1 or 2 bytes. */
static void
b64_end(struct words *w)
{
	struct wbuf	*b = &w->dec;

	wbuf_reserve(b, 2);
	if (w->bnq >= 2)
		b->p[b->len++] = (char)(w->bacc >> (w->bnq * 6 - 8));
	if (w->bnq == 3)
		b->p[b->len++] = (char)(w->bacc >> 2);
	w->bnq = 0;
	w->bacc = 0;
}

/*
 * B: characters outside the alphabet are skipped; '=' ends a quantum and
 * decoding goes on after it.  A quantum left open at the end of a word
 * carries on into the next adjacent B word of the group (encoders that
 * split the base64 text anywhere; GMime joins such text too) and is
 * ended by b64_end() otherwise.
 */
static void
decode_b(struct words *w, const char *s, size_t n)
{
	struct wbuf	*b = &w->dec;
	size_t		 i;
	int		 v;

	wbuf_reserve(b, n + 2);
	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			b64_end(w);
			continue;
		}
		if ((v = b64val[(unsigned char)s[i]]) == 0)
			continue;
		w->bacc = (w->bacc << 6 | (uint32_t)(v - 1)) & 0xffffff;
		if (++w->bnq == 4) {
			b->p[b->len++] = (char)(w->bacc >> 16);
			b->p[b->len++] = (char)(w->bacc >> 8);
			b->p[b->len++] = (char)w->bacc;
			w->bnq = 0;
			w->bacc = 0;
		}
	}
}

static int
all_lwsp(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!rt_is_ws((unsigned char)p[i]))
			return 0;
	return 1;
}

static int
out_finish(struct arena *a, const char *p, size_t n, struct str *out)
{
	char	*d;

	if ((d = arena_alloc(a, n + 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(d, p, n);
	d[n] = '\0';
	*out = str_make(d, n);
	return 0;
}

/* Per byte of x, the high bit set where the byte equals c (exact). */
static inline uint64_t
bytes_eq(uint64_t x, unsigned char c)
{
	const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7full;

	x ^= 0x0101010101010101ull * c;
	return ~(((x & lo7) + lo7) | x) & ~lo7;
}

/*
 * plain_text for 8 to 15 bytes: two overlapping eight-byte words, which
 * between them hold every pair of neighbouring bytes (the second starts
 * at n - 8 <= 7).
 */
static int
plain_text8(const unsigned char *p, size_t n)
{
	const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7full, hi = ~lo7;
	uint64_t	w[2], x, bad = 0;

	memcpy(&w[0], p, 8);
	memcpy(&w[1], p + n - 8, 8);
	for (int k = 0; k < 2; k++) {
		x = w[k];
		bad |= x & hi;					/* >= 0x80 */
		bad |= ~((x & lo7) + 0x6060606060606060ull) & hi; /* < SP */
		bad |= bytes_eq(x, 0x7f);
		/* Little-endian: << 8 moves a byte's flag onto the next. */
		bad |= bytes_eq(x, ' ') & (bytes_eq(x, ' ') << 8);
		bad |= bytes_eq(x, '?') & (bytes_eq(x, '=') << 8);
	}
	return bad == 0;
}

/*
 * Whether the trimmed value p[0..n) is one decode_fast copies as it is:
 * printable ASCII with no "=?" and no two spaces in a row, tested 16
 * bytes at a time, each byte beside the one before it (the last step
 * overlaps the one before), or as two words of eight.  0 when n is below
 * 8 or a byte needs a look: decode_fast's loop then decides, as it
 * always does in words_decode_slow.
 */
static int
plain_text(const unsigned char *p, size_t n)
{
#ifdef __SSE2__
	const __m128i	lo = _mm_set1_epi8(0x20);
	const __m128i	del = _mm_set1_epi8(0x7f), sp = _mm_set1_epi8(' ');
	const __m128i	q = _mm_set1_epi8('?');
	const __m128i	eq = _mm_set1_epi8('=');
	size_t		i = 0;

	if (n < 16)
		return n >= 8 && plain_text8(p, n);
	for (;;) {
		__m128i	a, b, m;

		if (i + 16 > n)
			i = n - 16;
		a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		b = i > 0 ? _mm_loadu_si128((const __m128i *)(const void *)
		    (p + i - 1)) : _mm_slli_si128(a, 1);
		/* Signed compare: bytes >= 0x80 are below 0x20 too. */
		m = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(a, lo),
		    _mm_cmpeq_epi8(a, del)), _mm_or_si128(
		    _mm_and_si128(_mm_cmpeq_epi8(a, sp),
		    _mm_cmpeq_epi8(b, sp)), _mm_and_si128(_mm_cmpeq_epi8(a, q),
		    _mm_cmpeq_epi8(b, eq))));
		if (_mm_movemask_epi8(m) != 0)
			return 0;
		if ((i += 16) >= n)
			return 1;
	}
#else
	return n >= 8 && n < 16 && plain_text8(p, n);
#endif
}

/*
 * Printable ASCII and folding white space with no "=?": copy, collapsing
 * white space (a plain memcpy when there is none to collapse).  Returns
 * 1 if done, 0 if the slow path is needed.
 */
static int
decode_fast(struct arena *a, struct str in, struct str *out, int *rc,
    int vec)
{
	const unsigned char	*p;
	size_t			 i, n, o = 0;
	char			*d;
	int			 ws = 0, dirty = 0;

	in = str_trim(in);
	p = (const unsigned char *)in.p;
	n = in.len;
	if (vec && plain_text(p, n)) {
		*rc = out_finish(a, in.p, n, out);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (p[i] > 0x20 && p[i] < 0x7f) {
			if (p[i] == '?' && i > 0 && p[i - 1] == '=')
				return 0;
		} else if (p[i] == ' ') {
			if (p[i - 1] == ' ')	/* trimmed: i > 0 */
				dirty = 1;
		} else if (rt_is_ws(p[i]))
			dirty = 1;
		else
			return 0;
	}
	if (!dirty) {
		*rc = out_finish(a, in.p, n, out);
		return 1;
	}
	if ((d = arena_alloc(a, n + 1)) == NULL) {
		*rc = -1;
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (rt_is_ws(p[i])) {
			ws = 1;
			continue;
		}
		if (ws) {
			d[o++] = ' ';
			ws = 0;
		}
		d[o++] = (char)p[i];
	}
	d[o] = '\0';
	*out = str_make(d, o);
	*rc = 0;
	return 1;
}

struct words *
words_new(void)
{
	return xcalloc(1, sizeof(struct words));
}

void
words_free(struct words *w)
{
	size_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->ncache; i++)
		if (w->cache[i].cd != (iconv_t)-1)
			iconv_close(w->cache[i].cd);
	free(w->out.p);
	free(w->dec.p);
	free(w->conv.p);
	free(w->jis.p);
	free(w);
}

static int	decode(struct words *, struct arena *, struct str,
		    struct str *, int);

int
words_decode(struct words *w, struct arena *a, struct str in,
    struct str *out)
{
	return decode(w, a, in, out, 1);
}

int
words_decode_slow(struct words *w, struct arena *a, struct str in,
    struct str *out)
{
	return decode(w, a, in, out, 0);
}

static int
decode(struct words *w, struct arena *a, struct str in, struct str *out,
    int vec)
{
	struct eword	 ew;
	const char	*s = in.p, *q;
	size_t		 n = in.len, pos = 0, scan = 0;
	size_t		 qefrom = 0, qe = 0;
	char		 name[WORDS_CHARSET_MAX + 1];
	enum cs_kind	 kind;
	int		 rc;

	if (n == 0 || s == NULL) {
		*out = str_make("", 0);
		return 0;
	}
	if (decode_fast(a, in, out, &rc, vec))
		return rc;

	w->out.len = 0;
	w->dec.len = 0;
	w->space = 0;
	w->gopen = 0;
	w->bnq = 0;
	w->bacc = 0;
	while (scan + 1 < n &&
	    (q = memchr(s + scan, '=', n - scan - 1)) != NULL) {
		scan = (size_t)(q - s);
		if (s[scan + 1] != '?' ||
		    !eword_parse(s, n, scan, &qefrom, &qe, &ew)) {
			scan++;
			continue;
		}
		kind = charset_resolve(ew.cs, ew.cslen, name);
		if (w->gopen && all_lwsp(s + pos, scan - pos)) {
			if (kind != w->gkind || strcmp(name, w->gname) != 0)
				group_flush(w);
		} else {
			group_flush(w);
			emit_utf8(w, s + pos, scan - pos);
		}
		if (!w->gopen) {
			w->gopen = 1;
			w->gkind = kind;
			memcpy(w->gname, name, sizeof(name));
		}
		if (ew.b64)
			decode_b(w, ew.text, ew.tlen);
		else {
			b64_end(w);
			decode_q(&w->dec, ew.text, ew.tlen);
		}
		pos = scan = ew.end;
	}
	group_flush(w);
	emit_utf8(w, s + pos, n - pos);

	rc = out_finish(a, w->out.p, w->out.len, out);
	wbuf_trim(&w->out);
	wbuf_trim(&w->dec);
	wbuf_trim(&w->conv);
	wbuf_trim(&w->jis);
	return rc;
}

/* Whether p[0..n) is all printable ASCII (0x20 to 0x7e). */
static int
printable(const unsigned char *p, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	const __m128i	lo = _mm_set1_epi8(0x20);
	const __m128i	del = _mm_set1_epi8(0x7f);

	for (; n - i >= 16; i += 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + i));

		/* Signed compare: bytes >= 0x80 are below 0x20 too. */
		if (_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(a, lo),
		    _mm_cmpeq_epi8(a, del))) != 0)
			return 0;
	}
#endif
	for (; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

int
words_sanitize(struct arena *a, struct str in, struct str *out)
{
	/* Printable ASCII comes out as it is: one check, one copy. */
	if (printable((const unsigned char *)in.p, in.len))
		return out_finish(a, in.p, in.len, out);
	return words_sanitize_slow(a, in, out);
}

int
words_sanitize_slow(struct arena *a, struct str in, struct str *out)
{
	const unsigned char	*p = (const unsigned char *)in.p;
	size_t			 i, k, bad, len = 0;
	char			*d;

	/* Two passes: the exact length, then the copy. */
	for (i = 0; i < in.len; ) {
		if (p[i] < 0x80) {
			len++;
			i++;
		} else if ((k = utf8_seq(p + i, in.len - i, &bad)) > 0) {
			len += k;
			i += k;
		} else {
			len += sizeof(replacement);
			i += bad;
		}
	}
	if ((d = arena_alloc(a, len + 1)) == NULL)
		return -1;
	len = 0;
	for (i = 0; i < in.len; ) {
		if (p[i] < 0x80) {
			d[len++] = (p[i] < 0x20 || p[i] == 0x7f) ?
			    ' ' : (char)p[i];
			i++;
		} else if ((k = utf8_seq(p + i, in.len - i, &bad)) > 0) {
			memcpy(d + len, p + i, k);
			len += k;
			i += k;
		} else {
			memcpy(d + len, replacement, sizeof(replacement));
			len += sizeof(replacement);
			i += bad;
		}
	}
	d[len] = '\0';
	*out = str_make(d, len);
	return 0;
}
