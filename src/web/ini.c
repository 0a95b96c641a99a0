/*
 * ini.c: reading and replacing one key of a configuration's INI text
 * (web.h), so the settings forms edit the stored text in place and keep
 * everything else, comments included, as the customer wrote it.
 *
 * A section is found by the text between its brackets ("rules",
 * "team \"support\""), a key by its name before '=' (indented or not); a
 * value ending with ',' goes on over the next lines, as the loader reads
 * it (metric/config.c).  A new key goes right after its section's
 * header; ini_drop removes a whole section.  Pure and bounded by its input; fuzzed with the cookie reader
 * (tests/fuzz/fuzz_cookie.c).
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

/* The text of v before a comment, trimmed. */
static struct str
cut(struct str v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] == ';' || v.p[i] == '#') {
			v.len = i;
			break;
		}
	return str_trim(v);
}

/* 1 if l is a section header; *hit if it is the header of section. */
static int
is_header(const struct line *l, const char *section, int *hit)
{
	struct str	t = trimmed(l);
	const char	*close;

	*hit = 0;
	if (t.len == 0 || t.p[0] != '[')
		return 0;
	if ((close = memchr(t.p, ']', t.len)) != NULL)
		*hit = str_eq(str_trim(str_make(t.p + 1,
		    (size_t)(close - t.p - 1))), str_cstr(section));
	return 1;
}

/* 1 if l is a key line ("name = value"); *name and *val its parts. */
static int
key_line(const struct line *l, struct str *name, struct str *val)
{
	struct str	t = trimmed(l);
	const char	*eq;

	if (t.len == 0 || t.p[0] == ';' || t.p[0] == '#' ||
	    (eq = memchr(t.p, '=', t.len)) == NULL)
		return 0;
	*name = str_trim(str_make(t.p, (size_t)(eq - t.p)));
	*val = str_make(eq + 1, t.len - (size_t)(eq + 1 - t.p));
	return 1;
}

/*
 * As the configuration loader reads it, a value ending with ',' goes on
 * over the next lines (comment lines skipped) until one that does not,
 * a blank line or a section header.  Returns the offset after the
 * value's last line (off is just after the key's line) and appends the
 * value's parts to out when it is not NULL.
 */
static size_t
value_span(const char *text, size_t len, size_t off, struct str v,
    struct buf *out)
{
	struct line	l;
	struct str	c = cut(v), t;

	if (out != NULL)
		buf_addstr(out, c);
	while (c.len > 0 && c.p[c.len - 1] == ',' && off < len) {
		line_at(text, len, off, &l);
		t = trimmed(&l);
		if (t.len == 0 || t.p[0] == '[')
			break;
		off = l.next;
		if (t.p[0] == ';' || t.p[0] == '#')
			continue;
		c = cut(t);
		if (out != NULL) {
			buf_addc(out, ' ');
			buf_addstr(out, c);
		}
	}
	return off;
}

int
ini_get(const char *text, size_t len, const char *section, const char *key,
    struct buf *out)
{
	struct line	l;
	struct str	name, v;
	size_t		off = 0;
	int		in = 0, hit;

	buf_reset(out);
	while (off < len) {
		line_at(text, len, off, &l);
		off = l.next;
		if (is_header(&l, section, &hit)) {
			in = hit;
			continue;
		}
		if (!key_line(&l, &name, &v))
			continue;
		if (in && str_eq(name, str_cstr(key))) {
			value_span(text, len, off, v, out);
			return 0;
		}
		off = value_span(text, len, off, v, NULL);
	}
	return 1;
}

void
ini_set(const char *text, size_t len, const char *section, const char *key,
    const char *value, struct buf *out)
{
	struct line	l;
	struct str	name, v;
	size_t		off = 0, end, after_header = 0;
	int		in = 0, seen = 0, done = 0, hit;

	buf_reset(out);
	while (off < len) {
		line_at(text, len, off, &l);
		if (is_header(&l, section, &hit)) {
			/* Only the first such section is edited. */
			in = hit && !seen;
			buf_add(out, l.p, l.next - off);
			if (in) {
				if (l.next == off || text[l.next - 1] != '\n')
					buf_addc(out, '\n');
				after_header = out->len;
			}
			seen |= hit;
			off = l.next;
			continue;
		}
		if (!key_line(&l, &name, &v)) {
			buf_add(out, l.p, l.next - off);
			off = l.next;
			continue;
		}
		end = value_span(text, len, l.next, v, NULL);
		if (in && !done && str_eq(name, str_cstr(key))) {
			if (value[0] != '\0')
				buf_addf(out, "%s = %s\n", key, value);
			done = 1;
		} else
			buf_add(out, text + off, end - off);
		off = end;
	}
	if (done || value[0] == '\0')
		return;
	if (!seen) {
		if (out->len > 0 && out->data[out->len - 1] != '\n')
			buf_addc(out, '\n');
		buf_addf(out, "\n[%s]\n%s = %s\n", section, key, value);
		return;
	}
	/* Right after the section's header: never inside another list. */
	{
		struct buf	tail;

		buf_init(&tail, 0);
		buf_add(&tail, out->data + after_header,
		    out->len - after_header);
		out->len = after_header;
		buf_addf(out, "%s = %s\n", key, value);
		buf_add(out, tail.data != NULL ? tail.data : "", tail.len);
		buf_free(&tail);
	}
}

void
ini_drop(const char *text, size_t len, const char *section, struct buf *out)
{
	struct line	l;
	size_t		off = 0;
	int		in = 0, hit;

	buf_reset(out);
	while (off < len) {
		line_at(text, len, off, &l);
		if (is_header(&l, section, &hit))
			in = hit;
		if (!in)
			buf_add(out, l.p, l.next - off);
		off = l.next;
	}
}
