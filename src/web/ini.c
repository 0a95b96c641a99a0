/*
 * ini.c: reading and replacing one key of a configuration's INI text
 * (web.h), so the settings forms edit the stored text in place and keep
 * everything else, comments included, as the customer wrote it.
 *
 * A section is found by the text between its brackets ("rules",
 * "team \"support\""), a key by its name before '='; a key's value goes
 * on over the indented continuation lines that follow it.  Pure and
 * bounded by its input.
 */
#include <string.h>

#include "web.h"

struct line {
	const char	*p;
	size_t		 n;		/* without the newline */
	size_t		 next;		/* offset of the next line */
};

static void
line_at(const char *text, size_t len, size_t off, struct line *l)
{
	const char	*nl = memchr(text + off, '\n', len - off);

	l->p = text + off;
	l->n = nl != NULL ? (size_t)(nl - l->p) : len - off;
	l->next = off + l->n + (nl != NULL);
	if (l->n > 0 && l->p[l->n - 1] == '\r')
		l->n--;
}

static struct str
trimmed(const struct line *l)
{
	return str_trim(str_make(l->p, l->n));
}

/* 1 if l is the header of section. */
static int
is_header(const struct line *l, const char *section, int *any)
{
	struct str	t = trimmed(l);
	const char	*close;

	*any = 0;
	if (t.len < 2 || t.p[0] != '[')
		return 0;
	if ((close = memchr(t.p, ']', t.len)) == NULL)
		return 0;
	*any = 1;
	return str_eq(str_trim(str_make(t.p + 1, (size_t)(close - t.p - 1))),
	    str_cstr(section));
}

/* 1 if l sets key; *val gets the text after '='. */
static int
is_key(const struct line *l, const char *key, struct str *val)
{
	struct str	t = trimmed(l);
	const char	*eq;

	if (l->n == 0 || l->p[0] == ' ' || l->p[0] == '\t')
		return 0;
	if ((eq = memchr(t.p, '=', t.len)) == NULL)
		return 0;
	if (!str_eq(str_trim(str_make(t.p, (size_t)(eq - t.p))),
	    str_cstr(key)))
		return 0;
	*val = str_make(eq + 1, t.len - (size_t)(eq + 1 - t.p));
	return 1;
}

static int
is_continuation(const struct line *l)
{
	struct str	t = trimmed(l);

	return l->n > 0 && (l->p[0] == ' ' || l->p[0] == '\t') && t.len > 0 &&
	    t.p[0] != ';' && t.p[0] != '#';
}

/* Appends v without its comment, trimmed. */
static void
add_value(struct buf *out, struct str v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] == ';' || v.p[i] == '#') {
			v.len = i;
			break;
		}
	buf_addstr(out, str_trim(v));
}

int
ini_get(const char *text, size_t len, const char *section, const char *key,
    struct buf *out)
{
	struct line	l;
	struct str	v;
	size_t		off = 0;
	int		in = 0, any;

	buf_reset(out);
	while (off < len) {
		line_at(text, len, off, &l);
		off = l.next;
		{
			int	hit = is_header(&l, section, &any);

			if (any) {
				in = hit;
				continue;
			}
		}
		if (!in || !is_key(&l, key, &v))
			continue;
		add_value(out, v);
		while (off < len) {
			line_at(text, len, off, &l);
			if (!is_continuation(&l))
				break;
			off = l.next;
			if (out->len > 0)
				buf_addc(out, ' ');
			add_value(out, trimmed(&l));
		}
		return 0;
	}
	return 1;
}

void
ini_set(const char *text, size_t len, const char *section, const char *key,
    const char *value, struct buf *out)
{
	struct line	l;
	struct str	v;
	size_t		off = 0, insert = 0;
	int		in = 0, seen = 0, done = 0, any;

	buf_reset(out);
	while (off < len) {
		line_at(text, len, off, &l);
		{
			int	hit = is_header(&l, section, &any);

			if (any) {
				/* Only the first such section is edited. */
				in = hit && !seen;
				seen |= hit;
			}
		}
		if (in && !done && is_key(&l, key, &v)) {
			off = l.next;
			while (off < len) {
				line_at(text, len, off, &l);
				if (!is_continuation(&l))
					break;
				off = l.next;
			}
			if (value[0] != '\0')
				buf_addf(out, "%s = %s\n", key, value);
			done = 1;
			continue;
		}
		if (in && !done && trimmed(&l).len > 0)
			insert = out->len + (l.next - off);
		buf_add(out, l.p, l.next - off);
		off = l.next;
	}
	if (done || value[0] == '\0')
		return;
	if (!seen) {
		if (out->len > 0 && out->data[out->len - 1] != '\n')
			buf_addc(out, '\n');
		buf_addf(out, "\n[%s]\n%s = %s\n", section, key, value);
		return;
	}
	/* Insert after the section's last non-blank line. */
	{
		struct buf	tail;

		buf_init(&tail, 0);
		buf_add(&tail, out->data + insert, out->len - insert);
		out->len = insert;
		if (insert > 0 && out->data[insert - 1] != '\n')
			buf_addc(out, '\n');
		buf_addf(out, "%s = %s\n", key, value);
		buf_add(out, tail.data, tail.len);
		buf_free(&tail);
	}
}
