/*
 * imap_parse.c: framing and parsing of IMAP server responses (see
 * imap_parse.h).
 *
 * The grammar is RFC 3501's, read leniently where servers differ in
 * harmless ways (runs of spaces, a bare LF) and strictly where a mistake
 * would let bytes of one message pass for another: literals are taken by
 * their announced length only, quoted strings cannot hold CR or LF, and
 * every list must close before the line ends.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "imap_parse.h"

struct imap_parser {
	struct imap_item	*items;		/* owned */
	size_t			 cap;
};

struct imap_parser *
imap_parser_new(void)
{
	return xcalloc(1, sizeof(struct imap_parser));
}

void
imap_parser_free(struct imap_parser *ps)
{
	if (ps == NULL)
		return;
	free(ps->items);
	free(ps);
}

int
imap_num(struct str s, uint64_t *out)
{
	uint64_t	v = 0;

	if (s.len == 0 || s.len > 19)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (v > INT64_MAX)
		return -1;
	*out = v;
	return 0;
}

/*
 * The literal announced at the end of line p[0..n) (n excludes the LF and
 * any CR): 1 with *size set, 0 if none, -1 if malformed.  "{12}",
 * "{12+}" (LITERAL+) and "~{12}" (literal8) are all literals.
 */
static int
literal_at_end(const char *p, size_t n, uint64_t *size)
{
	size_t	i, j;

	if (n < 3 || p[n - 1] != '}')
		return 0;
	j = n - 1;
	if (p[j - 1] == '+')
		j--;
	for (i = j; i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9'; i--)
		;
	if (i == 0 || p[i - 1] != '{')
		return 0;
	if (i == j || imap_num(str_make(p + i, j - i), size) == -1)
		return -1;
	return 1;
}

int
imap_frame(const char *p, size_t len, size_t *resp_len, struct err *err)
{
	size_t		 at = 0, n;
	const char	*nl;
	uint64_t	 lit;
	int		 r;

	for (;;) {
		nl = memchr(p + at, '\n', len - at);
		if (nl == NULL) {
			if (len - at > IMAP_LINE_MAX)
				return err_set(err, ERR_LIMIT, "IMAP response: "
				    "line at byte %zu longer than %d bytes", at,
				    IMAP_LINE_MAX);
			return 0;
		}
		n = (size_t)(nl - (p + at));
		if (n > IMAP_LINE_MAX)
			return err_set(err, ERR_LIMIT, "IMAP response: line "
			    "at byte %zu longer than %d bytes", at,
			    IMAP_LINE_MAX);
		if (n > 0 && p[at + n - 1] == '\r')
			n--;
		r = literal_at_end(p + at, n, &lit);
		if (r == -1)
			return err_set(err, ERR_PARSE, "IMAP response: bad "
			    "literal announcement at byte %zu", at + n);
		at = (size_t)(nl - p) + 1;
		if (r == 0) {
			*resp_len = at;
			return 1;
		}
		if (lit > IMAP_LITERAL_MAX)
			return err_set(err, ERR_LIMIT, "IMAP response: literal "
			    "of %llu bytes at byte %zu over the limit of %d",
			    (unsigned long long)lit, at, IMAP_LITERAL_MAX);
		if (at + lit > IMAP_RESP_MAX)
			return err_set(err, ERR_LIMIT, "IMAP response: longer "
			    "than %d bytes", IMAP_RESP_MAX);
		if (len - at < lit)
			return 0;
		at += (size_t)lit;
	}
}

/* The parse state of one response. */
struct ps_state {
	struct imap_parser	*ps;
	char			*p;
	size_t			 len, at, n;
	struct err		*err;
};

static int
bad(struct ps_state *s, const char *what)
{
	return err_set(s->err, ERR_PARSE, "IMAP response: %s at byte %zu",
	    what, s->at);
}

static int
is_eol(const struct ps_state *s)
{
	return s->at >= s->len || s->p[s->at] == '\r' || s->p[s->at] == '\n';
}

static void
skip_sp(struct ps_state *s)
{
	while (s->at < s->len && s->p[s->at] == ' ')
		s->at++;
}

static struct imap_item *
new_item(struct ps_state *s, enum imap_type t, size_t *idx)
{
	struct imap_parser	*ps = s->ps;

	if (s->n >= IMAP_ITEMS_MAX) {
		err_set(s->err, ERR_LIMIT, "IMAP response: more than %d "
		    "items at byte %zu", IMAP_ITEMS_MAX, s->at);
		return NULL;
	}
	if (s->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->items = xreallocarray(ps->items, ps->cap,
		    sizeof(*ps->items));
	}
	*idx = s->n++;
	ps->items[*idx].type = t;
	ps->items[*idx].s = STR_NULL;
	ps->items[*idx].end = s->n;
	return &ps->items[*idx];
}

/* A word of a line (tag, name): up to SP or the end of the line. */
static struct str
word(struct ps_state *s)
{
	size_t	start = s->at;

	while (!is_eol(s) && s->p[s->at] != ' ')
		s->at++;
	return str_make(s->p + start, s->at - start);
}

/* The rest of the line, without CR LF. */
static struct str
rest_of_line(struct ps_state *s)
{
	size_t	start = s->at;

	while (!is_eol(s))
		s->at++;
	return str_make(s->p + start, s->at - start);
}

static int
quoted(struct ps_state *s, struct imap_item *it)
{
	size_t	out = ++s->at, start = out;
	char	c;

	for (;;) {
		if (s->at >= s->len)
			return bad(s, "unterminated quoted string");
		c = s->p[s->at];
		if (c == '"')
			break;
		if (c == '\r' || c == '\n' || c == '\0')
			return bad(s, "control byte in a quoted string");
		if (c == '\\') {
			if (s->at + 1 >= s->len || (s->p[s->at + 1] != '\\' &&
			    s->p[s->at + 1] != '"'))
				return bad(s, "bad escape in a quoted string");
			c = s->p[++s->at];
		}
		s->p[out++] = c;
		s->at++;
	}
	s->at++;
	it->s = str_make(s->p + start, out - start);
	return 0;
}

static int
literal(struct ps_state *s, struct imap_item *it)
{
	uint64_t	n;
	size_t		start;

	if (s->p[s->at] == '~')
		s->at++;
	start = ++s->at;		/* past '{' */
	while (s->at < s->len && s->p[s->at] >= '0' && s->p[s->at] <= '9')
		s->at++;
	if (imap_num(str_make(s->p + start, s->at - start), &n) == -1)
		return bad(s, "bad literal length");
	if (s->at < s->len && s->p[s->at] == '+')
		s->at++;
	if (s->at >= s->len || s->p[s->at] != '}')
		return bad(s, "bad literal announcement");
	s->at++;
	if (s->at < s->len && s->p[s->at] == '\r')
		s->at++;
	if (s->at >= s->len || s->p[s->at] != '\n')
		return bad(s, "literal announcement not at the end of a line");
	s->at++;
	if (n > s->len - s->at)
		return bad(s, "literal longer than the response");
	it->s = str_make(s->p + s->at, (size_t)n);
	s->at += (size_t)n;
	return 0;
}

/*
 * An atom, with any bracketed part ("BODY[HEADER.FIELDS (A B)]<0>")
 * taken whole, spaces and parentheses included.
 */
static int
atom(struct ps_state *s, struct imap_item *it)
{
	size_t	start = s->at, depth = 0;
	char	c;

	while (s->at < s->len) {
		c = s->p[s->at];
		if (c == '\r' || c == '\n')
			break;
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return bad(s, "control byte in an atom");
		if (depth == 0 && (c == ' ' || c == '(' || c == ')'))
			break;
		if (depth == 0 && (c == '"' || c == '{'))
			return bad(s, "bad byte in an atom");
		if (c == '[') {
			if (++depth > IMAP_DEPTH_MAX)
				return bad(s, "brackets nested too deep");
		} else if (c == ']') {
			if (depth == 0)
				return bad(s, "unbalanced ']'");
			depth--;
		}
		s->at++;
	}
	if (depth > 0)
		return bad(s, "unbalanced '['");
	if (s->at == start)
		return bad(s, "empty atom");
	it->s = str_make(s->p + start, s->at - start);
	if (str_eq_ci(it->s, STR("NIL")))
		it->type = IMAP_NIL;
	return 0;
}

/* Items up to the end of the line (and past literals). */
static int
items(struct ps_state *s)
{
	size_t		 stack[IMAP_DEPTH_MAX], depth = 0, idx;
	struct imap_item *it;
	char		 c;

	for (;;) {
		skip_sp(s);
		if (is_eol(s))
			break;
		c = s->p[s->at];
		if (c == ')') {
			if (depth == 0)
				return bad(s, "unbalanced ')'");
			idx = stack[--depth];
			s->ps->items[idx].end = s->n;
			s->at++;
			continue;
		}
		if (c == '(') {
			if (depth == IMAP_DEPTH_MAX)
				return err_set(s->err, ERR_LIMIT, "IMAP "
				    "response: lists nested deeper than %d at "
				    "byte %zu", IMAP_DEPTH_MAX, s->at);
			if (new_item(s, IMAP_LIST, &idx) == NULL)
				return -1;
			stack[depth++] = idx;
			s->at++;
			continue;
		}
		if ((it = new_item(s, c == '"' || c == '{' || c == '~' ?
		    IMAP_STRING : IMAP_ATOM, &idx)) == NULL)
			return -1;
		if (c == '"') {
			if (quoted(s, it) == -1)
				return -1;
		} else if (c == '{' || (c == '~' && s->at + 1 < s->len &&
		    s->p[s->at + 1] == '{')) {
			if (literal(s, it) == -1)
				return -1;
		} else {
			it->type = IMAP_ATOM;
			if (atom(s, it) == -1)
				return -1;
		}
		/* Items are separated: "a(b" and "(a)b" are not IMAP. */
		if (!is_eol(s) && s->p[s->at] != ' ' && s->p[s->at] != ')' &&
		    !(s->p[s->at] == '(' && it->type == IMAP_ATOM &&
		    it->s.len > 0 && it->s.p[it->s.len - 1] == ']'))
			return bad(s, "items not separated");
	}
	if (depth > 0)
		return bad(s, "list not closed at the end of the line");
	if (s->at < s->len && s->p[s->at] == '\r')
		s->at++;
	if (s->at >= s->len || s->p[s->at] != '\n')
		return bad(s, "missing line end");
	if (s->at + 1 != s->len)
		return bad(s, "bytes after the response");
	return 0;
}

static const struct {
	struct str		name;
	enum imap_status	status;
} statuses[] = {
	{ STR("OK"), IMAP_OK }, { STR("NO"), IMAP_NO },
	{ STR("BAD"), IMAP_BAD }, { STR("BYE"), IMAP_BYE },
	{ STR("PREAUTH"), IMAP_PREAUTH },
};

/* resp-text: an optional "[CODE args]" and free text. */
static int
resp_text(struct ps_state *s, struct imap_resp *out)
{
	size_t	start, depth = 0;

	skip_sp(s);
	if (s->at < s->len && s->p[s->at] == '[') {
		start = ++s->at;
		while (!is_eol(s) && s->p[s->at] != ' ' && s->p[s->at] != ']')
			s->at++;
		out->code = str_make(s->p + start, s->at - start);
		if (out->code.len == 0)
			return bad(s, "empty response code");
		skip_sp(s);
		start = s->at;
		/* Arguments end at the first ']' outside a list of them. */
		while (!is_eol(s) && (s->p[s->at] != ']' || depth > 0)) {
			if (s->p[s->at] == '(')
				depth++;
			else if (s->p[s->at] == ')' && depth > 0)
				depth--;
			s->at++;
		}
		if (is_eol(s))
			return bad(s, "response code not closed");
		out->code_arg = str_make(s->p + start, s->at - start);
		s->at++;
		skip_sp(s);
	}
	out->text = rest_of_line(s);
	if (s->at < s->len && s->p[s->at] == '\r')
		s->at++;
	if (s->at + 1 != s->len || s->p[s->at] != '\n')
		return bad(s, "bytes after the response text");
	return 0;
}

int
imap_parse(struct imap_parser *ps, char *p, size_t len,
    struct imap_resp *out, struct err *err)
{
	struct ps_state	s = { .ps = ps, .p = p, .len = len, .err = err };
	struct str	w;

	memset(out, 0, sizeof(*out));
	if (len == 0 || p[len - 1] != '\n')
		return bad(&s, "missing line end");
	if (len > IMAP_RESP_MAX)
		return err_set(err, ERR_LIMIT, "IMAP response: longer than %d "
		    "bytes", IMAP_RESP_MAX);
	w = word(&s);
	if (str_eq(w, STR("+"))) {
		out->kind = IMAP_CONTINUE;
		if (resp_text(&s, out) == -1)
			return -1;
		goto done;
	}
	if (w.len == 0)
		return bad(&s, "empty tag");
	out->kind = str_eq(w, STR("*")) ? IMAP_UNTAGGED : IMAP_TAGGED;
	if (out->kind == IMAP_TAGGED) {
		for (size_t i = 0; i < w.len; i++)
			if ((unsigned char)w.p[i] <= 0x20 ||
			    (unsigned char)w.p[i] >= 0x7f || w.p[i] == '(' ||
			    w.p[i] == ')' || w.p[i] == '{' || w.p[i] == '"' ||
			    w.p[i] == '+' || w.p[i] == '*' || w.p[i] == '%')
				return bad(&s, "bad byte in a tag");
		out->tag = w;
	}
	skip_sp(&s);
	w = word(&s);
	if (out->kind == IMAP_UNTAGGED && imap_num(w, &out->num) == 0) {
		out->has_num = 1;
		skip_sp(&s);
		w = word(&s);
	}
	if (w.len == 0)
		return bad(&s, "missing response name");
	for (size_t i = 0; i < w.len; i++)
		if (!((w.p[i] >= 'A' && w.p[i] <= 'Z') ||
		    (w.p[i] >= 'a' && w.p[i] <= 'z') ||
		    (w.p[i] >= '0' && w.p[i] <= '9') || w.p[i] == '-' ||
		    w.p[i] == '.' || w.p[i] == '_'))
			return bad(&s, "bad byte in a response name");
	out->name = w;
	for (size_t i = 0; i < nitems(statuses); i++)
		if (str_eq_ci(w, statuses[i].name))
			out->status = statuses[i].status;
	if (out->kind == IMAP_TAGGED && out->status != IMAP_OK &&
	    out->status != IMAP_NO && out->status != IMAP_BAD)
		return bad(&s, "tagged response is not OK, NO or BAD");
	if (out->status != IMAP_NONE) {
		if (out->has_num)
			return bad(&s, "number before a status response");
		if (resp_text(&s, out) == -1)
			return -1;
		goto done;
	}
	if (items(&s) == -1)
		return -1;
done:
	out->items = ps->items;
	out->first = 0;
	out->nitems = s.n;
	return 0;
}
