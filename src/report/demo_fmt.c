/*
 * demo_fmt.c: one demo message as mbox text (demo_priv.h).
 *
 * The envelope line ("From sender asctime", UTC, the delivery time) is
 * followed by the header block a mail server delivers: Return-Path, one
 * Received (with the delivery time), then the author's fields in the
 * order common clients write them, the automation markers the message
 * carries, an empty line and a one-line body.  Display names and
 * subjects that are not ASCII are RFC 2047 encoded words (Q for Latin
 * scripts, B for the rest), names with specials are quoted strings,
 * References is folded one id a line, and the Date field has the
 * sender's own UT offset in one of a few styles clients use.
 *
 * This is the hot path (a million messages in about a second), so
 * numbers are formatted by hand rather than through printf.
 */
#include <stdint.h>
#include <string.h>

#include "../base/civil.h"
#include "demo_priv.h"

#define QW_MAX		63	/* encoded text of one encoded word */
#define BW_MAX		45	/* raw bytes of one B encoded word */

static const char	hexdig[] = "0123456789abcdef";
static const char	HEXDIG[] = "0123456789ABCDEF";
static const char	wdays[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char	months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	"Oct", "Nov", "Dec" };

static char *
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static char *
put_hex(char *p, uint64_t v, int digits, const char *set)
{
	for (int i = digits - 1; i >= 0; i--) {
		p[i] = set[v & 15];
		v >>= 4;
	}
	return p + digits;
}

static void
add_cstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/*
 * "Tue, 04 Mar 2025 09:15:02 +0100" and its variants (style): 0 as shown,
 * 1 day without a leading zero, 2 a "(UTC)" comment on +0000, 3 no
 * weekday.
 */
static void
add_date(struct buf *b, int64_t t, int32_t off, int style)
{
	struct civil	c;
	char		s[48], *p = s;
	int32_t		a = off < 0 ? -off : off;

	civil_from_unix(t + off, &c);
	if (style != 3) {
		memcpy(p, wdays[c.wday], 3);
		p[3] = ',';
		p[4] = ' ';
		p += 5;
	}
	if (c.day >= 10 || (style != 1 && style != 3))
		*p++ = (char)('0' + c.day / 10);
	*p++ = (char)('0' + c.day % 10);
	*p++ = ' ';
	memcpy(p, months[c.mon - 1], 3);
	p[3] = ' ';
	p += 4;
	p = put2(p, (int)(c.year / 100));
	p = put2(p, (int)(c.year % 100));
	*p++ = ' ';
	p = put2(p, c.hour);
	*p++ = ':';
	p = put2(p, c.min);
	*p++ = ':';
	p = put2(p, c.sec);
	*p++ = ' ';
	*p++ = off < 0 ? '-' : '+';
	p = put2(p, a / 3600);
	p = put2(p, a / 60 % 60);
	if (style == 2 && off == 0) {
		memcpy(p, " (UTC)", 6);
		p += 6;
	}
	buf_add(b, s, (size_t)(p - s));
}

/* asctime style, UTC: "Tue Mar  4 09:15:02 2025". */
static void
add_envelope_date(struct buf *b, int64_t t)
{
	struct civil	c;
	char		s[32], *p = s;

	civil_from_unix(t, &c);
	memcpy(p, wdays[c.wday], 3);
	p[3] = ' ';
	memcpy(p + 4, months[c.mon - 1], 3);
	p[7] = ' ';
	p += 8;
	*p++ = c.day >= 10 ? (char)('0' + c.day / 10) : ' ';
	*p++ = (char)('0' + c.day % 10);
	*p++ = ' ';
	p = put2(p, c.hour);
	*p++ = ':';
	p = put2(p, c.min);
	*p++ = ':';
	p = put2(p, c.sec);
	*p++ = ' ';
	p = put2(p, (int)(c.year / 100));
	p = put2(p, (int)(c.year % 100));
	buf_add(b, s, (size_t)(p - s));
}

static const char *
mid_domain(const struct demo_people *pe, const struct demo_mid *m)
{
	if (m->style == MID_VENDOR)
		return demo_vendors[m->dom % demo_nvendors].domain;
	return pe->dom[m->dom % pe->ndom].name;
}

static void
add_mid(struct buf *b, const struct demo_people *pe,
    const struct demo_mid *m)
{
	char	s[64], *p = s;

	*p++ = '<';
	switch (m->style) {
	case MID_HELPDESK:
		memcpy(p, "ticket.", 7);
		p = put_hex(p + 7, m->key, 16, hexdig);
		buf_add(b, s, (size_t)(p - s));
		add_cstr(b, "@helpdesk.acme.example>");
		return;
	case MID_COMPANY:
		p = put_hex(p, m->key >> 32, 8, HEXDIG);
		*p++ = '-';
		p = put_hex(p, m->key >> 16, 4, HEXDIG);
		*p++ = '-';
		p = put_hex(p, m->key, 4, HEXDIG);
		*p++ = '@';
		buf_add(b, s, (size_t)(p - s));
		add_cstr(b, mid_domain(pe, m));
		buf_addc(b, '>');
		return;
	case MID_FREEMAIL:
		memcpy(p, "CA+", 3);
		p = put_hex(p + 3, m->key, 16, hexdig);
		memcpy(p, "@mail.", 6);
		buf_add(b, s, (size_t)(p + 6 - s));
		add_cstr(b, mid_domain(pe, m));
		buf_addc(b, '>');
		return;
	case MID_VENDOR:
		p = put_hex(p, m->key, 16, hexdig);
		memcpy(p, "@mailer.", 8);
		buf_add(b, s, (size_t)(p + 8 - s));
		add_cstr(b, mid_domain(pe, m));
		buf_addc(b, '>');
		return;
	case MID_DAEMON:
		p = put_hex(p, m->key, 16, HEXDIG);
		buf_add(b, s, (size_t)(p - s));
		add_cstr(b, "@mx1.acme.example>");
		return;
	case MID_ACME:
	default:
		p = put_hex(p, m->key, 16, hexdig);
		buf_add(b, s, (size_t)(p - s));
		add_cstr(b, "@acme.example>");
		return;
	}
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Bytes of the UTF-8 sequence starting with c. */
static size_t
u8len(unsigned char c)
{
	if (c < 0xc0)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

static void
add_b64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char	tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			out[4];

	for (size_t i = 0; i < n; i += 3) {
		uint32_t	v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[0] = tab[v >> 18];
		out[1] = tab[(v >> 12) & 63];
		out[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[3] = i + 2 < n ? tab[v & 63] : '=';
		buf_add(b, out, 4);
	}
}

/*
 * s as RFC 2047 encoded words of at most 75 characters, split between
 * characters, folded onto continuation lines.  B encoding when the text
 * has characters of three or more bytes (CJK, symbols), else Q.
 */
static void
add_encoded(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0;
	int			 use_b = 0;

	for (size_t k = 0; k < n; k++)
		if (p[k] >= 0xe0)
			use_b = 1;
	while (i < n) {
		size_t	start = i, w = 0;

		if (start > 0)
			buf_puts(b, "\n ");
		buf_puts(b, use_b ? "=?UTF-8?B?" : "=?UTF-8?Q?");
		if (use_b) {
			while (i < n && i - start + u8len(p[i]) <= BW_MAX)
				i += u8len(p[i]);
			add_b64(b, p + start, i - start);
		} else {
			while (i < n) {
				size_t	cl = u8len(p[i]), cost = 0;
				char	q[12];

				for (size_t k = 0; k < cl && i + k < n; k++) {
					unsigned char c = p[i + k];

					if ((c >= 'a' && c <= 'z') ||
					    (c >= 'A' && c <= 'Z') ||
					    (c >= '0' && c <= '9') ||
					    c == '!' || c == '*' || c == '+' ||
					    c == '-' || c == '/')
						q[cost++] = (char)c;
					else if (c == ' ')
						q[cost++] = '_';
					else {
						q[cost++] = '=';
						q[cost++] = HEXDIG[c >> 4];
						q[cost++] = HEXDIG[c & 15];
					}
				}
				if (w + cost > QW_MAX)
					break;
				buf_add(b, q, cost);
				w += cost;
				i += cl;
			}
		}
		buf_puts(b, "?=");
	}
}

/* A display name followed by " <addr>", or the bare address. */
static void
add_mailbox(struct buf *b, const struct demo_who *w)
{
	const char	*s = w->name;

	if (s[0] == '\0') {
		add_cstr(b, w->addr);
		return;
	}
	if (!is_ascii(s))
		add_encoded(b, s);
	else if (strpbrk(s, ",.;:@\"()<>[]\\") != NULL) {
		buf_addc(b, '"');
		for (; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *s);
		}
		buf_addc(b, '"');
	} else
		add_cstr(b, s);
	buf_add(b, " <", 2);
	add_cstr(b, w->addr);
	buf_addc(b, '>');
}

static void
add_list(struct buf *b, const char *field, const struct demo_who *const *v,
    size_t n)
{
	if (n == 0)
		return;
	add_cstr(b, field);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_add(b, ",\n ", 3);
		add_mailbox(b, v[i]);
	}
	buf_addc(b, '\n');
}

static void
add_received(struct buf *b, const struct demo_msg *m)
{
	const char	*dom = strrchr(m->from->addr, '@');
	char		 s[48], *p = s;
	uint64_t	 h = demo_mix(m->id.key);
	int		 internal;

	dom = dom != NULL ? dom + 1 : "acme.example";
	add_cstr(b, "Received: from ");
	internal = strcmp(dom, "acme.example") == 0;
	if (internal)
		add_cstr(b, "ws.acme.example (ws.acme.example [10.1.0.");
	else {
		add_cstr(b, "mail.");
		add_cstr(b, dom);
		add_cstr(b, " (mail.");
		add_cstr(b, dom);
		add_cstr(b, " [203.0.113.");
	}
	{
		unsigned	oct = (unsigned)(h % 250) + 2;
		char		d[4];
		int		nd = 0;

		do {
			d[nd++] = (char)('0' + oct % 10);
			oct /= 10;
		} while (oct != 0);
		while (nd > 0)
			*p++ = d[--nd];
	}
	buf_add(b, s, (size_t)(p - s));
	add_cstr(b, internal ? "])\n\tby smtp.acme.example with ESMTPSA id " :
	    "])\n\tby mx1.acme.example with ESMTPS id ");
	p = put_hex(s, h >> 16, 12, HEXDIG);
	buf_add(b, s, (size_t)(p - s));
	add_cstr(b, "\n\tfor <");
	add_cstr(b, m->nto > 0 ? m->to[0]->addr : "archive@acme.example");
	add_cstr(b, ">; ");
	add_date(b, m->t, 0, 0);
	buf_addc(b, '\n');
}

void
demo_render(const struct demo_people *pe, struct buf *b,
    const struct demo_msg *m)
{
	const char	*subject = m->subject;

	add_cstr(b, "From ");
	add_cstr(b, m->flags & MF_NULL_RETURN ? "MAILER-DAEMON" :
	    m->from->addr);
	buf_addc(b, ' ');
	add_envelope_date(b, m->t);
	if (m->flags & MF_NULL_RETURN)
		add_cstr(b, "\nReturn-Path: <>\n");
	else {
		add_cstr(b, "\nReturn-Path: <");
		add_cstr(b, m->from->addr);
		add_cstr(b, ">\n");
	}
	add_received(b, m);
	add_list(b, "From: ", &m->from, 1);
	add_list(b, "To: ", m->to, m->nto);
	add_list(b, "Cc: ", m->cc, m->ncc);
	add_cstr(b, "Subject: ");
	add_cstr(b, m->prefix);
	if (is_ascii(subject))
		add_cstr(b, subject);
	else
		add_encoded(b, subject);
	add_cstr(b, "\nDate: ");
	add_date(b, m->date, m->off, m->date_style);
	add_cstr(b, "\nMessage-ID: ");
	add_mid(b, pe, &m->id);
	if (m->irt != NULL) {
		add_cstr(b, "\nIn-Reply-To: ");
		add_mid(b, pe, m->irt);
	}
	for (size_t i = 0; i < m->nrefs; i++) {
		add_cstr(b, i == 0 ? "\nReferences: " : "\n ");
		add_mid(b, pe, &m->refs[i]);
	}
	add_cstr(b, "\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n");
	if (m->flags & MF_AUTO_REPLIED)
		add_cstr(b, "Auto-Submitted: auto-replied\n");
	if (m->flags & MF_AUTO_GENERATED)
		add_cstr(b, "Auto-Submitted: auto-generated\n");
	if (m->flags & MF_SUPPRESS)
		add_cstr(b, "X-Auto-Response-Suppress: All\n");
	if (m->flags & MF_X_AUTOREPLY)
		add_cstr(b, "X-Autoreply: yes\n");
	if (m->flags & MF_PREC_AUTO_REPLY)
		add_cstr(b, "Precedence: auto_reply\n");
	if (m->flags & MF_LIST) {
		const struct demo_vendor *v = &demo_vendors[m->vendor];

		add_cstr(b, "List-Id: <");
		add_cstr(b, v->local);
		buf_addc(b, '.');
		add_cstr(b, v->domain);
		add_cstr(b, ">\nList-Unsubscribe: <mailto:unsubscribe@");
		add_cstr(b, v->domain);
		add_cstr(b, ">, <https://");
		add_cstr(b, v->domain);
		add_cstr(b, "/unsubscribe>\n");
	}
	if (m->flags & MF_PREC_BULK)
		add_cstr(b, "Precedence: bulk\n");
	buf_addc(b, '\n');
	add_cstr(b, m->body);
	add_cstr(b, "\n\n");
}
