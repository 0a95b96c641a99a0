/*
 * form.c: application/x-www-form-urlencoded decoding (web.h).
 *
 * Pure: no I/O, bounded by WEB_FIELDS_MAX and WEB_FIELD_MAX, and fuzzed
 * (tests/fuzz/fuzz_form.c).  A NUL byte, decoded or raw, is refused: the
 * fields become C strings.  Other bytes pass as they are; the handlers
 * check what they accept.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "web.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes n bytes of s into a new string; NULL with err on failure. */
static char *
decode(const char *s, size_t n, struct err *err)
{
	char	*out;
	size_t	 o = 0;
	int	 hi, lo;

	if (n > WEB_FIELD_MAX * 3) {
		err_set(err, ERR_LIMIT, "form: a field is too long");
		return NULL;
	}
	out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0) {
				free(out);
				err_set(err, ERR_PARSE, "form: bad %% escape "
				    "at byte %zu", i);
				return NULL;
			}
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0') {
			free(out);
			err_set(err, ERR_PARSE, "form: NUL byte");
			return NULL;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	if (o > WEB_FIELD_MAX) {
		free(out);
		err_set(err, ERR_LIMIT, "form: a field is longer than %d "
		    "bytes", WEB_FIELD_MAX);
		return NULL;
	}
	return out;
}

int
form_parse(const char *text, size_t len, struct web_form *f, struct err *err)
{
	size_t		 start = 0, n0 = f->n;

	while (start < len) {
		const char	*p = text + start, *amp, *eq;
		size_t		 flen;
		char		*name, *value;

		amp = memchr(p, '&', len - start);
		flen = amp != NULL ? (size_t)(amp - p) : len - start;
		start += flen + 1;
		if (flen == 0)
			continue;
		if (f->n - n0 >= WEB_FIELDS_MAX) {
			err_set(err, ERR_LIMIT, "form: more than %d fields",
			    WEB_FIELDS_MAX);
			goto fail;
		}
		eq = memchr(p, '=', flen);
		name = decode(p, eq != NULL ? (size_t)(eq - p) : flen, err);
		if (name == NULL)
			goto fail;
		value = eq != NULL ? decode(eq + 1, flen - (size_t)(eq - p) -
		    1, err) : xstrdup("");
		if (value == NULL) {
			free(name);
			goto fail;
		}
		f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
		f->v[f->n].name = name;
		f->v[f->n].value = value;
		f->n++;
	}
	return 0;

fail:
	while (f->n > n0) {
		f->n--;
		free(f->v[f->n].name);
		free(f->v[f->n].value);
	}
	return -1;
}

const char *
form_get(const struct web_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return f->v[i].value;
	return NULL;
}

void
form_add(struct web_form *f, const char *name, const char *value)
{
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n].name = xstrdup(name);
	f->v[f->n].value = xstrdup(value);
	f->n++;
}

void
form_free(struct web_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].value);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}
