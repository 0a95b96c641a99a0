/*
 * html.c: escaping, numbers and links for the dashboard's HTML (vpage.h).
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "../report/report.h"
#include "vpage.h"

/*
 * The digits of snprintf's "%.*f" without its cost (the charts write
 * hundreds of coordinates).  With a long double of 64 or more mantissa
 * bits, v (53 bits) times 10^dec (at most 10 bits) is exact, and so is
 * its fraction: rounding to nearest, ties to even, is then what glibc's
 * printf does with the exact binary value.
 */
void
vh_fixed(struct buf *b, double v, int dec)
{
#if LDBL_MANT_DIG >= 64
	static const uint64_t	 pow10[] = { 1, 10, 100, 1000 };
	long double		 x, f;
	uint64_t		 q, ip;
	char			 frac[4];

	if (dec < 0 || dec > 3 || !isfinite(v) || fabs(v) >= 1e15) {
		buf_addf(b, "%.*f", dec, v);
		return;
	}
	if (signbit(v)) {
		buf_addc(b, '-');
		v = -v;
	}
	x = (long double)v * (long double)pow10[dec];
	q = (uint64_t)x;
	f = x - (long double)q;
	if (f > 0.5L || (f == 0.5L && (q & 1)))
		q++;
	ip = q / pow10[dec];
	q %= pow10[dec];
	buf_add_u64(b, ip);
	if (dec > 0) {
		buf_addc(b, '.');
		for (int i = dec - 1; i >= 0; i--) {
			frac[i] = (char)('0' + q % 10);
			q /= 10;
		}
		buf_add(b, frac, (size_t)dec);
	}
#else
	buf_addf(b, "%.*f", dec, v);
#endif
}

void
vh_esc(struct buf *b, struct str s)
{
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i = 0, n;

	while (i < s.len) {
		switch (p[i]) {
		case '&':
			buf_lit(b, "&amp;");
			break;
		case '<':
			buf_lit(b, "&lt;");
			break;
		case '>':
			buf_lit(b, "&gt;");
			break;
		case '"':
			buf_lit(b, "&quot;");
			break;
		case '\'':
			buf_lit(b, "&#39;");
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				buf_lit(b, "\xef\xbf\xbd");
				break;
			}
			if (p[i] < 0x80) {
				buf_addc(b, (char)p[i]);
				break;
			}
			if ((n = utf8_seq_len(p + i, s.len - i)) == 0) {
				buf_lit(b, "\xef\xbf\xbd");
				break;
			}
			buf_add(b, p + i, n);
			i += n;
			continue;
		}
		i++;
	}
}

void
vh_esc_c(struct buf *b, const char *s)
{
	vh_esc(b, str_cstr(s));
}

void
vh_dur(struct buf *b, int64_t secs)
{
	char	t[64];

	report_duration(secs, t, sizeof(t));
	buf_puts(b, t);
}

void
vh_pct(struct buf *b, int64_t num, int64_t den)
{
	int64_t	tenths;

	if (den <= 0) {
		buf_lit(b, "&#8211;");
		return;
	}
	/* Rounded to the nearest tenth of a percent. */
	tenths = (num * 2000 + den) / (2 * den);
	buf_addf(b, "%" PRId64 ".%" PRId64 "%%", tenths / 10, tenths % 10);
}

void
vh_urlenc(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == ':' || c == '@')
			buf_addc(b, (char)c);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

void
vl_start(struct buf *b, const char *path)
{
	buf_lit(b, "<a href=\"");
	buf_puts(b, path);
	buf_addc(b, '?');
}

void
vl_param(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0 && b->data[b->len - 1] != '?')
		buf_lit(b, "&amp;");
	buf_puts(b, name);
	buf_addc(b, '=');
	vh_urlenc(b, value);
}

void
vl_param_i(struct buf *b, const char *name, int64_t v)
{
	char	t[32];

	snprintf(t, sizeof(t), "%" PRId64, v);
	vl_param(b, name, t);
}

void
vl_common(struct buf *b, const struct vctx *x, size_t g)
{
	struct buf	gn;
	char		d[16];

	buf_init(&gn, 0);
	vq_group_name(x->s, g, &gn);
	vl_param(b, "group", gn.data);
	buf_free(&gn);
	vq_fmt_day(x->p.from_day, d);
	vl_param(b, "from", d);
	vq_fmt_day(x->p.to_day, d);
	vl_param(b, "to", d);
	if (x->q->clock == VIEW_CLOCK_BUSINESS)
		vl_param(b, "clock", "business");
}

void
vh_period_form(struct buf *b, const struct vctx *x, const char *path)
{
	struct buf	gn;
	char		d[16];

	buf_init(&gn, 0);
	vq_group_name(x->s, x->g, &gn);
	buf_lit(b, "<form class=\"rt-period-form\" method=\"get\" action=\"");
	buf_puts(b, path);
	buf_lit(b, "\" aria-label=\"Period\"><input type=\"hidden\" "
	    "name=\"group\" value=\"");
	vh_esc_c(b, gn.data);
	buf_lit(b, "\">");
	buf_free(&gn);
	if (x->q->clock == VIEW_CLOCK_BUSINESS)
		buf_lit(b, "<input type=\"hidden\" name=\"clock\" "
		    "value=\"business\">");
	if (x->q->gran != VIEW_GRAN_AUTO)
		buf_puts(b, x->q->gran == VIEW_GRAN_WEEK ?
		    "<input type=\"hidden\" name=\"gran\" value=\"week\">" :
		    "<input type=\"hidden\" name=\"gran\" value=\"day\">");
	vq_fmt_day(x->p.from_day, d);
	buf_addf(b, "<label for=\"rt-from\">From</label> <input type=\"date\" "
	    "id=\"rt-from\" name=\"from\" value=\"%s\" min=\"1970-01-01\" "
	    "max=\"2099-12-31\" required> ", d);
	vq_fmt_day(x->p.to_day, d);
	buf_addf(b, "<label for=\"rt-to\">To</label> <input type=\"date\" "
	    "id=\"rt-to\" name=\"to\" value=\"%s\" min=\"1970-01-01\" "
	    "max=\"2099-12-31\" required> <button type=\"submit\">Show"
	    "</button></form>", d);
}

void
vl_end(struct buf *b)
{
	buf_lit(b, "\">");
}

void
vj_key(struct buf *b, int *first, const char *name)
{
	if (!*first)
		buf_addc(b, ',');
	*first = 0;
	json_add_str(b, str_cstr(name));
	buf_addc(b, ':');
}

void
vj_i64(struct buf *b, int64_t v)
{
	if (v < 0) {
		buf_addc(b, '-');
		buf_add_u64(b, -(uint64_t)v);
	} else
		buf_add_u64(b, (uint64_t)v);
}

void
vj_int_or_null(struct buf *b, int has, int64_t v)
{
	if (has)
		vj_i64(b, v);
	else
		buf_lit(b, "null");
}
