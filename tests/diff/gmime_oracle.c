/*
 * gmime_oracle.c: differential test of our header parser against GMime 3.
 *
 * The model.  Every message of the given paths is read once, by OUR
 * reader (source_scan(), so mbox, Maildir, zstd and gzip are handled as
 * replytime handles them), and its header block is parsed twice:
 *  - by OUR parser, meta_parse();
 *  - by GMime, from the very same bytes plus an empty line, through a
 *    GMimeParser over a memory stream, with GMime's default (loose)
 *    options except one: raw 8-bit text falls back to UTF-8 only, so that
 *    GMime does not guess Latin-1 where no charset is declared.
 *
 * Both results are brought to the normal form of metrics spec section 2
 * and compared field by field:
 *
 *   from, to, cc	ordered lists of addr-specs, lower-cased; groups
 *			flattened; a value without '@' is no address;
 *			the quotes of a quoted local part are not part of
 *			it (RFC 5322 3.2.4), so GMime's are removed
 *   msgid		Message-ID, white space inside removed
 *   date		Date as UTC seconds, or undated (also outside the
 *			years 1970-2099, as written)
 *   subject		decoded Subject, white-space runs made one space,
 *			trimmed; a byte no charset defines is '?' on both
 *			sides (U+FFFD in ours); an empty and no Subject are
 *			the same
 *   irt, refs		In-Reply-To and References, ids as for msgid.
 *			GMime's g_mime_references_parse() stops at the
 *			first malformed token, so these agree when GMime's
 *			list is a prefix of ours.
 *
 * A message agrees when all eight fields agree.  Every disagreement gets
 * a class from checks on the raw field and on both answers (classify()),
 * and every class has a verdict, the first word of its name:
 *	ok	we are right, for the reason the class names (GMime departs
 *		from RFC 5322/2047 or the metrics spec, or has a bug, or the
 *		difference is a documented leniency of ours); see
 *		docs/differential.md
 *	bug	we are wrong: a fix is needed on our side
 *	new	not recognised: to be read and classified
 * Every disagreement is written to the report file (path, position,
 * field, class, both answers, the raw field); a per-corpus table and the
 * class counts go to stdout and to the report.
 *
 * The gate.  -g raw: the rate of messages that agree on every field must
 * reach the threshold (-t, default 0.999).  -g explained (the default):
 * the rate of messages that agree, or differ only in "ok" classes, must
 * reach it.  Both rates are always printed.  Exit status: 0 pass, 1 fail,
 * 2 usage or read error.
 *
 * Header values of public test corpora are printed here, escaped and cut
 * to VAL_MAX bytes: this is a test tool, never part of replytime.
 *
 * Usage: gmime_oracle [-r report] [-t rate] [-g raw|explained]
 *	      [-c corpus] path ...
 *	  (-c names the corpus of the paths after it; it may be repeated;
 *	  a path "-" is standard input)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "base/err.h"
#include "base/str.h"
#include "ingest/source.h"
#include "mail/date.h"
#include "mail/hdr.h"
#include "mail/meta.h"

#define VAL_MAX		120	/* bytes of a value printed in the report */
#define MAX_CORPORA	16

enum fld {
	FLD_FROM, FLD_TO, FLD_CC, FLD_MSGID, FLD_DATE, FLD_SUBJECT,
	FLD_IRT, FLD_REFS, FLD_N
};

static const char *const fld_names[FLD_N] = {
	"from", "to", "cc", "msgid", "date", "subject", "irt", "refs",
};

/* The header field each compared value comes from. */
static const char *const fld_headers[FLD_N] = {
	"From", "To", "Cc", "Message-ID", "Date", "Subject", "In-Reply-To",
	"References",
};

#define IS_LIST(f)	((f) == FLD_FROM || (f) == FLD_TO || \
			    (f) == FLD_CC || (f) == FLD_IRT || (f) == FLD_REFS)

/*
 * One field's value in normal form.  Lists (addresses, ids) are kept as
 * items, single values as one string.  present: the field yielded a value
 * (an address, an id, a date, a subject).
 */
struct fv {
	int		 present;
	GPtrArray	*items;		/* owned char *, lists only */
	GString		*s;		/* single values */
	int64_t		 t;		/* date, if present */
};

struct corpus {
	const char	*name;
	uint64_t	 msgs;
	uint64_t	 agree[FLD_N];
	uint64_t	 all;		/* every field agrees */
	uint64_t	 explained;	/* agrees, or differs in "ok" classes */
	uint64_t	 refs_prefix;	/* GMime's refs a proper prefix */
	uint64_t	 irt_prefix;
};

struct oracle {
	struct meta_parser	*mp;
	GMimeParserOptions	*opts;
	FILE			*report;
	struct corpus		 corpora[MAX_CORPORA];
	size_t			 ncorpora;
	struct corpus		*cur;
	GHashTable		*classes;	/* "field\tclass" -> counts */
	GString			*buf;		/* header block + empty line */
};

/* --- Normal forms --------------------------------------------------- */

static void
fv_init(struct fv *v, int list)
{
	v->present = 0;
	v->items = list ? g_ptr_array_new_with_free_func(g_free) : NULL;
	v->s = g_string_new(NULL);
	v->t = 0;
}

static void
fv_free(struct fv *v)
{
	if (v->items != NULL)
		g_ptr_array_free(v->items, TRUE);
	g_string_free(v->s, TRUE);
}

static void
fv_add(struct fv *v, const char *p, size_t len)
{
	g_ptr_array_add(v->items, g_strndup(p, len));
	v->present = 1;
}

static const char *
item(const struct fv *v, guint i)
{
	return g_ptr_array_index(v->items, i);
}

/* Runs of SP, TAB, CR and LF become one space; both ends are trimmed. */
static void
norm_ws(GString *out, const char *p, size_t len)
{
	int	pending = 0;

	g_string_truncate(out, 0);
	for (size_t i = 0; i < len; i++) {
		if (rt_is_ws((unsigned char)p[i])) {
			pending = out->len > 0;
			continue;
		}
		if (pending)
			g_string_append_c(out, ' ');
		pending = 0;
		g_string_append_c(out, p[i]);
	}
}

/* An id in spec form: every white-space byte removed. */
static char *
strip_ws(const char *s)
{
	GString	*out = g_string_new(NULL);

	for (; *s != '\0'; s++)
		if (!rt_is_ws((unsigned char)*s) && *s != '\v' && *s != '\f')
			g_string_append_c(out, *s);
	return g_string_free(out, FALSE);
}

/* An address without the quotes of its quoted parts (RFC 5322 3.2.4). */
static char *
unquote(const char *s)
{
	GString	*out = g_string_new(NULL);
	int	 inq = 0;

	for (; *s != '\0'; s++) {
		if (*s == '"') {
			inq = !inq;
			continue;
		}
		if (inq && *s == '\\' && s[1] != '\0')
			s++;
		g_string_append_c(out, *s);
	}
	return g_string_free(out, FALSE);
}

/* Normal form of a decoded subject: U+FFFD is '?', white space folded. */
static void
subject_norm(GString *out, const char *p, size_t len)
{
	GString	*t = g_string_new(NULL);

	for (size_t i = 0; i < len; i++) {
		if (i + 2 < len && memcmp(p + i, "\xef\xbf\xbd", 3) == 0) {
			g_string_append_c(t, '?');
			i += 2;
		} else
			g_string_append_c(t, p[i]);
	}
	norm_ws(out, t->str, t->len);
	g_string_free(t, TRUE);
}

static void
set_date(struct fv *v, int dated, int64_t t)
{
	v->present = dated;
	v->t = dated ? t : 0;
	g_string_truncate(v->s, 0);
	if (dated)
		g_string_append_printf(v->s, "%" PRId64, t);
}

/* --- Our side --------------------------------------------------------- */

static void
ours_addrs(const struct mail_addrs *a, struct fv *v)
{
	for (size_t i = 0; i < a->n; i++)
		fv_add(v, a->v[i].addr.p, a->v[i].addr.len);
}

static void
ours_ids(const struct mail_ids *ids, struct fv *v)
{
	for (size_t i = 0; i < ids->n; i++)
		fv_add(v, ids->v[i].p, ids->v[i].len);
}

static void
ours_get(const struct msg_meta *m, struct fv *v)
{
	ours_addrs(&m->from, &v[FLD_FROM]);
	ours_addrs(&m->to, &v[FLD_TO]);
	ours_addrs(&m->cc, &v[FLD_CC]);
	if (m->message_id.p != NULL) {
		v[FLD_MSGID].present = 1;
		g_string_append_len(v[FLD_MSGID].s, m->message_id.p,
		    (gssize)m->message_id.len);
	}
	set_date(&v[FLD_DATE], m->has_date, m->date);
	if (m->subject.p != NULL) {
		v[FLD_SUBJECT].present = 1;
		subject_norm(v[FLD_SUBJECT].s, m->subject.p, m->subject.len);
	}
	ours_ids(&m->in_reply_to, &v[FLD_IRT]);
	ours_ids(&m->references, &v[FLD_REFS]);
}

/* --- GMime's side ----------------------------------------------------- */

/* Appends the addr-specs of list (groups flattened), in spec form. */
static void
gm_addrs(InternetAddressList *list, struct fv *v)
{
	InternetAddress	*ia;
	const char	*addr;
	char		*low, *unq;
	int		 n;

	if (list == NULL)
		return;
	n = internet_address_list_length(list);
	for (int i = 0; i < n; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			gm_addrs(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), v);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		/* Spec section 2: a value without '@' is not an address. */
		if (addr == NULL || strchr(addr, '@') == NULL)
			continue;
		unq = unquote(addr);
		low = g_ascii_strdown(unq, -1);
		g_free(unq);
		g_ptr_array_add(v->items, low);
		v->present = 1;
	}
}

static void
gm_date(GDateTime *dt, struct fv *v)
{
	int	y;

	if (dt == NULL) {
		set_date(v, 0, 0);
		return;
	}
	/* The window applies to the year as written (the field's zone). */
	y = g_date_time_get_year(dt);
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX)
		set_date(v, 0, 0);
	else
		set_date(v, 1, g_date_time_to_unix(dt));
}

static void
gm_msgid(const char *id, struct fv *v)
{
	char	*s;

	if (id == NULL)
		return;
	s = strip_ws(id);
	v->present = 1;
	g_string_append(v->s, s);
	g_free(s);
}

static void
gm_refs(GMimeParserOptions *opts, const char *raw, struct fv *v)
{
	GMimeReferences	*refs;
	const char	*id;

	if ((refs = g_mime_references_parse(opts, raw)) == NULL)
		return;
	for (int i = 0; i < g_mime_references_length(refs); i++)
		if ((id = g_mime_references_get_message_id(refs, i)) != NULL) {
			g_ptr_array_add(v->items, strip_ws(id));
			v->present = 1;
		}
	g_mime_references_free(refs);
}

static void
gm_subject(const char *s, struct fv *v)
{
	if (s == NULL)
		return;
	v->present = 1;
	subject_norm(v->s, s, strlen(s));
}

static void
gm_get(struct oracle *o, GMimeMessage *msg, struct fv *v)
{
	GMimeHeaderList	*hl;
	GMimeHeader	*h;
	const char	*s, *name;
	int		 n;

	gm_addrs(g_mime_message_get_from(msg), &v[FLD_FROM]);
	gm_addrs(g_mime_message_get_to(msg), &v[FLD_TO]);
	gm_addrs(g_mime_message_get_cc(msg), &v[FLD_CC]);
	gm_msgid(g_mime_message_get_message_id(msg), &v[FLD_MSGID]);
	gm_date(g_mime_message_get_date(msg), &v[FLD_DATE]);
	gm_subject(g_mime_message_get_subject(msg), &v[FLD_SUBJECT]);
	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	n = g_mime_header_list_get_count(hl);
	for (int i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		name = g_mime_header_get_name(h);
		if ((s = g_mime_header_get_raw_value(h)) == NULL)
			continue;
		if (g_ascii_strcasecmp(name, "In-Reply-To") == 0)
			gm_refs(o->opts, s, &v[FLD_IRT]);
		else if (g_ascii_strcasecmp(name, "References") == 0)
			gm_refs(o->opts, s, &v[FLD_REFS]);
	}
}

/* GMime's answer for one raw occurrence of a single-valued field. */
static void
gm_one(struct oracle *o, enum fld f, struct str raw, struct fv *v)
{
	InternetAddressList	*l;
	GDateTime		*dt;
	char			*s = g_strndup(raw.p, raw.len), *d;

	switch (f) {
	case FLD_FROM:
		if ((l = internet_address_list_parse(o->opts, s)) != NULL) {
			gm_addrs(l, v);
			g_object_unref(l);
		}
		break;
	case FLD_MSGID:
		d = g_mime_utils_decode_message_id(s);
		gm_msgid(d, v);
		g_free(d);
		break;
	case FLD_DATE:
		dt = g_mime_utils_header_decode_date(s);
		gm_date(dt, v);
		if (dt != NULL)
			g_date_time_unref(dt);
		break;
	case FLD_SUBJECT:
		d = g_mime_utils_header_unfold(s);
		g_free(s);
		s = d;
		d = g_mime_utils_header_decode_text(o->opts, s);
		gm_subject(d, v);
		g_free(d);
		break;
	default:
		break;
	}
	g_free(s);
}

/* --- Comparison --------------------------------------------------------- */

static int
items_eq(const struct fv *a, const struct fv *b, guint n)
{
	for (guint i = 0; i < n; i++)
		if (strcmp(item(a, i), item(b, i)) != 0)
			return 0;
	return 1;
}

/* Returns 1 when the field agrees; *prefix is set for a proper prefix. */
static int
fv_agree(enum fld f, const struct fv *ours, const struct fv *gm, int *prefix)
{
	*prefix = 0;
	switch (f) {
	case FLD_FROM:
	case FLD_TO:
	case FLD_CC:
		return ours->items->len == gm->items->len &&
		    items_eq(ours, gm, ours->items->len);
	case FLD_IRT:
	case FLD_REFS:
		if (gm->items->len > ours->items->len ||
		    !items_eq(ours, gm, gm->items->len))
			return 0;
		*prefix = gm->items->len < ours->items->len;
		return 1;
	case FLD_SUBJECT:
		/* An empty Subject and none are the same to the spec. */
		return g_string_equal(ours->s, gm->s);
	case FLD_MSGID:
	case FLD_DATE:
		return ours->present == gm->present &&
		    g_string_equal(ours->s, gm->s);
	case FLD_N:
		break;
	}
	return 0;
}

/* --- Report text ------------------------------------------------------ */

/* Appends p to out, escaped and cut to about VAL_MAX bytes. */
static void
esc_append(GString *out, const char *p, size_t len)
{
	size_t		 start = out->len;
	const char	*end = p + len, *next;
	gunichar	 c;

	while (p < end) {
		if (out->len - start >= VAL_MAX) {
			g_string_append(out, "...");
			return;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x",
			    (unsigned char)*p);
			p++;
			continue;
		}
		next = g_utf8_next_char(p);
		if (c == '\\')
			g_string_append(out, "\\\\");
		else if (c == '\n')
			g_string_append(out, "\\n");
		else if (c == '\r')
			g_string_append(out, "\\r");
		else if (c == '\t')
			g_string_append(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\x%02x", (unsigned)c);
		else
			g_string_append_len(out, p, next - p);
		p = next;
	}
}

/* Index of the first item where two lists differ. */
static guint
first_diff(const struct fv *a, const struct fv *b)
{
	guint	i;

	if (a->items == NULL || b->items == NULL)
		return 0;
	for (i = 0; i < a->items->len && i < b->items->len; i++)
		if (strcmp(item(a, i), item(b, i)) != 0)
			break;
	return i;
}

/*
 * Shows v in the report.  Lists show their length, then their items from
 * index from on (the first difference, so that long References lists
 * show what matters).
 */
static void
fv_show(GString *out, enum fld f, const struct fv *v, guint from)
{
	size_t		 start = out->len;
	GDateTime	*dt;
	char		*s;

	if (v->items != NULL) {
		if (v->items->len == 0) {
			g_string_append(out, "(none)");
			return;
		}
		g_string_append_printf(out, "[%u] ", v->items->len);
		if (from >= v->items->len) {
			g_string_append_printf(out, "(no #%u)", from + 1);
			return;
		}
		if (from > 0)
			g_string_append_printf(out, "from #%u: ", from + 1);
		for (guint i = from; i < v->items->len; i++) {
			if (i > from)
				g_string_append(out, " | ");
			if (out->len - start > 2 * VAL_MAX) {
				g_string_append(out, "...");
				break;
			}
			esc_append(out, item(v, i), strlen(item(v, i)));
		}
		return;
	}
	if (f == FLD_DATE) {
		if (!v->present) {
			g_string_append(out, "(undated)");
			return;
		}
		dt = g_date_time_new_from_unix_utc(v->t);
		s = dt != NULL ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%SZ") :
		    NULL;
		g_string_append_printf(out, "%" PRId64 " %s", v->t,
		    s != NULL ? s : "?");
		g_free(s);
		if (dt != NULL)
			g_date_time_unref(dt);
		return;
	}
	if (!v->present) {
		g_string_append(out, "(none)");
		return;
	}
	esc_append(out, v->s->str, v->s->len);
}

/* --- Classification ----------------------------------------------------- */

/*
 * Class names start with their verdict (see the file comment).  The
 * reasons are argued in docs/differential.md, class by class.
 */
#define C_DUP_FROM	"ok: several From fields: GMime joins them, we " \
			    "take the first"
#define C_DUP		"ok: several fields: GMime takes the last, we " \
			    "the first"
#define C_NOMSG		"ok: block starts with a line that is no field: " \
			    "GMime builds no message, we skip the line"
#define C_NOMSG_NEW	"new: GMime built no message"
#define C_SPLIT		"new: field splitting differs"
#define C_A_8BIT	"ok: local part with 8-bit bytes that are not " \
			    "UTF-8: we keep the bytes, GMime drops the mailbox"
#define C_A_DOTS	"ok: local part with a leading, trailing or " \
			    "double dot: we keep it, GMime drops the mailbox"
#define C_A_SCHEME	"ok: prefix 'x:' inside <...>: we skip it like " \
			    "'SMTP:', GMime drops the mailbox"
#define C_A_CTL		"ok: control byte in a quoted local part: we " \
			    "drop the mailbox, GMime keeps it"
#define C_A_NAME	"ok: bare addr-spec after words: the words are a " \
			    "display name to us, GMime drops the mailbox"
#define C_A_WORDS	"bug: words before the local part inside <...> " \
			    "are dropped: we make up an address"
#define C_A_CUT		"bug: domain ending in '.' then a quoted string: " \
			    "we keep a cut domain"
#define C_A_NEW		"new: addresses differ"
#define C_M_BARE	"ok: no <...> in Message-ID: no id per the spec, " \
			    "GMime takes the bare text"
#define C_M_EMPTY	"ok: empty <>: no id per the spec, GMime gives " \
			    "an empty id"
#define C_M_NEST	"ok: '<' inside <...>: we take the innermost " \
			    "token (documented), GMime the text after the " \
			    "first '<'"
#define C_M_CUT		"ok: GMime cuts the id short (at white space, " \
			    "':', '(', '\\', a second '@', a final '.'), the " \
			    "spec takes all the text between the brackets"
#define C_M_NEW		"new: ids differ"
#define C_D_SYNTAX	"ok: not RFC 5322 date syntax: undated per the " \
			    "spec, GMime's fallback parser guesses"
#define C_D_YY		"ok: two-digit year 50-69: 19xx per RFC 5322 4.3 " \
			    "and the spec, GMime reads 20xx"
#define C_D_YYY		"ok: three-digit year: +1900 per RFC 5322 4.3 and " \
			    "the spec, GMime refuses it"
#define C_D_AMPM	"ok: AM/PM after the time: we read a 12-hour " \
			    "clock (documented), GMime ignores it"
#define C_D_CASE	"ok: zone name in lower case: names are " \
			    "case-insensitive (RFC 5234), GMime ignores it"
#define C_D_Y4		"ok: four-digit year below 1970 (0001): undated, " \
			    "GMime reads it as a two-digit year"
#define C_D_MIL		"ok: one-letter military zone: +0000 per RFC " \
			    "5322 4.3 and the spec, GMime applies an offset"
#define C_D_NEW		"new: dates differ"
#define C_S_B64PAD	"ok: GMime loses the text after a padded base64 " \
			    "word followed by another (GMime bug)"
#define C_S_C1		"ok: byte 0x80-0x9f in a latin1 word: we read " \
			    "windows-1252 (WHATWG), GMime a C1 control"
#define C_S_8BIT	"ok: raw bytes that are not UTF-8: we write " \
			    "U+FFFD per bad sequence, GMime '?' per byte or " \
			    "nothing"
#define C_S_CTL		"ok: control characters: we make them spaces, " \
			    "GMime keeps them"
#define C_S_NEW		"new: subjects differ"

/* Raw values of the occurrences of one field, by our field splitter. */
struct raw {
	struct str	v[8];
	size_t		n;		/* occurrences, may exceed nitems(v) */
};

static void
raw_collect(struct str hdr, const char *name, struct raw *r)
{
	struct hdr_iter		it;
	struct hdr_field	f;

	r->n = 0;
	hdr_iter_init(&it, hdr);
	while (hdr_next(&it, &f))
		if (str_eq_ci(f.name, str_cstr(name))) {
			if (r->n < nitems(r->v))
				r->v[r->n] = f.value;
			r->n++;
		}
}

/* The first raw occurrence, lower-cased and NUL-terminated; caller frees. */
static char *
raw_lower(const struct raw *r)
{
	char	*s;

	if (r->n == 0)
		return g_strdup("");
	s = g_strndup(r->v[0].p, r->v[0].len);
	for (char *p = s; *p != '\0'; p++)
		*p = (char)rt_lower((unsigned char)*p);
	return s;
}

static int
is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || c >= 0x80 ||
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Is the block's first line neither a field nor empty? */
static int
starts_with_junk(struct str hdr)
{
	size_t	i = 0;

	if (hdr.len == 0)
		return 0;
	if (rt_is_ws((unsigned char)hdr.p[0]))
		return 1;
	while (i < hdr.len && hdr.p[i] > 32 && hdr.p[i] < 127 &&
	    hdr.p[i] != ':')
		i++;
	while (i < hdr.len && (hdr.p[i] == ' ' || hdr.p[i] == '\t'))
		i++;
	return i == 0 || i == hdr.len || hdr.p[i] != ':';
}

/* How many items of v are equal to s. */
static guint
count_in(const struct fv *v, const char *s)
{
	guint	n = 0;

	for (guint i = 0; i < v->items->len; i++)
		n += strcmp(item(v, i), s) == 0;
	return n;
}

/* The class of one place in raw where an address only we found is. */
static const char *
addr_hit(const char *a, const char *raw, const char *hit)
{
	const char	*p, *after = hit + strlen(a);

	if (after[0] == '.') {
		for (p = after + 1; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '"')
			return C_A_CUT;
	}
	if (hit > raw && hit[-1] == ':')
		return C_A_SCHEME;
	if (hit > raw + 1 && hit[-1] == ' ' &&
	    is_atext((unsigned char)hit[-2])) {
		/* Words before it: inside <...>, or a bare addr-spec? */
		for (p = hit - 1; p > raw && (is_atext((unsigned char)p[-1]) ||
		    p[-1] == ' ' || p[-1] == '.'); p--)
			;
		return p > raw && p[-1] == '<' ? C_A_WORDS : C_A_NAME;
	}
	return NULL;
}

/* The class of an address only we found. */
static const char *
addr_ours_only(const char *a, const char *raw)
{
	const char	*at = strrchr(a, '@'), *hit, *cls;
	size_t		 ll = (size_t)(at - a);

	if (!g_utf8_validate(a, -1, NULL))
		return C_A_8BIT;
	if (a[0] == '.' || (ll > 0 && a[ll - 1] == '.') ||
	    g_strstr_len(a, (gssize)ll, "..") != NULL)
		return C_A_DOTS;
	for (hit = raw; (hit = strstr(hit, a)) != NULL; hit++)
		if ((cls = addr_hit(a, raw, hit)) != NULL)
			return cls;
	return C_A_NEW;
}

static const char *
classify_addrs(const struct fv *ours, const struct fv *gm, const char *raw)
{
	const char	*cls = NULL, *c;

	for (guint i = 0; i < ours->items->len; i++) {
		if (count_in(gm, item(ours, i)) >=
		    count_in(ours, item(ours, i)))
			continue;
		c = addr_ours_only(item(ours, i), raw);
		if (cls == NULL || strncmp(c, "ok", 2) != 0)
			cls = c;
	}
	for (guint i = 0; i < gm->items->len; i++) {
		if (count_in(ours, item(gm, i)) >= count_in(gm, item(gm, i)))
			continue;
		for (c = item(gm, i); *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				break;
		c = *c != '\0' ? C_A_CTL : C_A_NEW;
		if (cls == NULL || strncmp(c, "ok", 2) != 0)
			cls = c;
	}
	return cls != NULL ? cls : C_A_NEW;	/* same items, other order */
}

/* Does the first <...> of raw hold another '<'? */
static int
nested_lt(const char *raw)
{
	const char	*lt = strchr(raw, '<'), *gt;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return 0;
	return memchr(lt + 1, '<', (size_t)(gt - lt - 1)) != NULL;
}

static const char *
classify_id(const char *o, const char *g, const char *raw)
{
	if (strchr(g, '<') != NULL || nested_lt(raw))
		return C_M_NEST;
	if (strlen(o) > strlen(g) && strncmp(o, g, strlen(g)) == 0)
		return C_M_CUT;
	return C_M_NEW;
}

/*
 * Date-time tokens with comments removed, split at white space and
 * commas.  Returns how many were stored in tok (at most max).
 */
static size_t
date_tokens(const char *s, char **tok, size_t max)
{
	GString	*clean = g_string_new(NULL);
	size_t	 n = 0;
	int	 depth = 0;
	char	**parts;

	for (; *s != '\0'; s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')' && depth > 0)
			depth--;
		else if (depth == 0)
			g_string_append_c(clean, *s == ',' || *s == '\t' ||
			    *s == '\r' || *s == '\n' ? ' ' : *s);
	}
	parts = g_strsplit(clean->str, " ", -1);
	for (size_t i = 0; parts[i] != NULL && n < max; i++)
		if (parts[i][0] != '\0')
			tok[n++] = g_strdup(parts[i]);
	g_strfreev(parts);
	g_string_free(clean, TRUE);
	return n;
}

static int
all_digits(const char *s, size_t min, size_t max)
{
	size_t	n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (; *s != '\0'; s++)
		if (!g_ascii_isdigit(*s))
			return 0;
	return 1;
}

static int
is_name(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (g_ascii_strcasecmp(s, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * The shape of an RFC 5322 date-time (obsolete syntax included), checked
 * independently of both parsers: [day ","] d month y h:m[:s] [zone ...].
 * Sets *iy to the index of the year token and *iz to the index after the
 * time (the zone slot).  Returns 1 if the shape holds.
 */
static int
date_shape(char **tok, size_t n, size_t *iy, size_t *iz)
{
	static const char *const days[] = {
		"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	};
	static const char *const months[] = {
		"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
		"sep", "oct", "nov", "dec",
	};
	size_t	 i = 0;
	char	**hms;
	int	 ok;

	if (i < n && is_name(tok[i], days, nitems(days)))
		i++;
	if (i + 4 > n || !all_digits(tok[i], 1, 2) ||
	    !is_name(tok[i + 1], months, nitems(months)) ||
	    !all_digits(tok[i + 2], 2, 4))
		return 0;
	*iy = i + 2;
	hms = g_strsplit(tok[i + 3], ":", -1);
	ok = g_strv_length(hms) >= 2 && g_strv_length(hms) <= 3;
	for (guint k = 0; ok && hms[k] != NULL; k++)
		ok = all_digits(hms[k], k == 0 ? 1 : 2, 2);
	g_strfreev(hms);
	*iz = i + 4;
	return ok;
}

static const char *
classify_date(const struct fv *ours, const struct fv *gm, const char *raw)
{
	static const char *const zones[] = {
		"ut", "gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst",
		"pdt",
	};
	char		*tok[32];
	size_t		 n, iy = 0, iz = 0;
	int		 shape;
	const char	*cls = C_D_NEW, *z;
	char		*up;
	int64_t		 d;

	n = date_tokens(raw, tok, nitems(tok));
	shape = date_shape(tok, n, &iy, &iz);
	z = shape && iz < n ? tok[iz] : "";
	up = g_ascii_strup(z, -1);
	if (!ours->present && gm->present) {
		if (!shape)
			cls = C_D_SYNTAX;
		else if (strlen(tok[iy]) == 2 && tok[iy][0] >= '5' &&
		    tok[iy][0] <= '6')
			cls = C_D_YY;
		else if (strlen(tok[iy]) == 4 && strcmp(tok[iy], "1970") < 0)
			cls = C_D_Y4;
	} else if (ours->present && !gm->present) {
		if (shape && strlen(tok[iy]) == 3)
			cls = C_D_YYY;
	} else if (shape) {
		d = ours->t - gm->t;
		if ((g_ascii_strcasecmp(z, "am") == 0 ||
		    g_ascii_strcasecmp(z, "pm") == 0) &&
		    (d == 43200 || d == -43200))
			cls = C_D_AMPM;
		else if (strlen(z) == 1 && g_ascii_isalpha(z[0]) &&
		    g_ascii_tolower(z[0]) != 'z')
			cls = C_D_MIL;
		else if (strlen(z) >= 2 && strlen(z) <= 3 && is_name(z, zones,
		    nitems(zones)) && !g_str_equal(z, up))
			cls = C_D_CASE;
	}
	for (size_t i = 0; i < n; i++)
		g_free(tok[i]);
	g_free(up);
	return cls;
}

/* Is there a padded B word followed, after white space, by "=?"? */
static int
padded_b_word(const char *raw)
{
	const char	*p = raw, *end;

	while ((p = strstr(p, "?b?")) != NULL) {
		p += 3;
		if ((end = strstr(p, "?=")) == NULL)
			return 0;
		if (end > p && end[-1] == '=') {
			end += 2;
			while (rt_is_ws((unsigned char)*end))
				end++;
			if (strncmp(end, "=?", 2) == 0)
				return 1;
		}
		p = end;
	}
	return 0;
}

/*
 * s without the code points windows-1252 has at 0x80-0x9f and without C1
 * controls (what ISO-8859-1 has there).
 */
static char *
drop_cp1252(const char *s)
{
	static const gunichar c1[] = {
		0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018,
		0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
		0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
	};
	GString	*out = g_string_new(NULL);
	GString	*norm = g_string_new(NULL);
	int	 drop;

	if (!g_utf8_validate(s, -1, NULL)) {
		g_string_free(norm, TRUE);
		return g_string_free(out, FALSE);
	}
	for (; *s != '\0'; s = g_utf8_next_char(s)) {
		drop = 0;
		for (size_t i = 0; i < nitems(c1); i++)
			drop |= g_utf8_get_char(s) == c1[i];
		drop |= g_utf8_get_char(s) >= 0x80 &&
		    g_utf8_get_char(s) <= 0x9f;
		if (!drop)
			g_string_append_len(out, s,
			    g_utf8_next_char(s) - s);
	}
	norm_ws(norm, out->str, out->len);
	g_string_free(out, TRUE);
	return g_string_free(norm, FALSE);
}

/* a and b equal once every byte of skip is removed from both? */
static int
eq_without(const char *a, const char *b, const char *skip)
{
	for (;;) {
		while (*a != '\0' && strchr(skip, *a) != NULL)
			a++;
		while (*b != '\0' && strchr(skip, *b) != NULL)
			b++;
		if (*a != *b)
			return 0;
		if (*a == '\0')
			return 1;
		a++;
		b++;
	}
}

static const char *
classify_subject(const struct fv *ours, const struct fv *gm,
    const char *raw)
{
	GString		*norm;
	char		*t, *u;
	int		 eq;

	if (padded_b_word(raw) && gm->s->len < ours->s->len)
		return C_S_B64PAD;
	/* GMime's answer with controls made white space: ours? */
	t = g_strdup(gm->s->str);
	for (char *p = t; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	norm = g_string_new(NULL);
	norm_ws(norm, t, strlen(t));
	eq = strcmp(t, gm->s->str) != 0 && g_string_equal(norm, ours->s);
	g_string_free(norm, TRUE);
	g_free(t);
	if (eq)
		return C_S_CTL;
	if (strstr(raw, "8859-1?") != NULL || strstr(raw, "ascii?") != NULL ||
	    strstr(raw, "latin1?") != NULL) {
		t = drop_cp1252(ours->s->str);
		u = drop_cp1252(gm->s->str);
		eq = strcmp(t, u) == 0;
		g_free(t);
		g_free(u);
		if (eq)
			return C_S_C1;
	}
	if (!g_utf8_validate(raw, -1, NULL) &&
	    eq_without(ours->s->str, gm->s->str, "? "))
		return C_S_8BIT;
	return C_S_NEW;
}

static const char *
classify(struct oracle *o, enum fld f, struct str hdr, const struct fv *ours,
    const struct fv *gm)
{
	struct raw	 r;
	struct fv	 one;
	int		 agrees, prefix;
	char		*raw;
	const char	*cls = NULL;
	guint		 k;

	raw_collect(hdr, fld_headers[f], &r);
	if (r.n == 0)
		return C_SPLIT;
	if (r.n > 1 && (!IS_LIST(f) || f == FLD_FROM)) {
		/* GMime on the first occurrence alone: the same as ours? */
		fv_init(&one, f == FLD_FROM);
		gm_one(o, f, r.v[0], &one);
		agrees = fv_agree(f, ours, &one, &prefix);
		fv_free(&one);
		if (agrees)
			return f == FLD_FROM ? C_DUP_FROM : C_DUP;
	}
	raw = raw_lower(&r);
	switch (f) {
	case FLD_FROM:
	case FLD_TO:
	case FLD_CC:
		cls = classify_addrs(ours, gm, raw);
		break;
	case FLD_MSGID:
		if (!ours->present && gm->present)
			cls = strchr(raw, '<') == NULL ? C_M_BARE :
			    gm->s->len == 0 ? C_M_EMPTY : C_M_NEW;
		else if (ours->present && gm->present)
			cls = classify_id(ours->s->str, gm->s->str, raw);
		else
			cls = C_M_NEW;
		break;
	case FLD_DATE:
		/* Not lower-cased: the case of a zone name matters. */
		g_free(raw);
		raw = g_strndup(r.v[0].p, r.v[0].len);
		cls = classify_date(ours, gm, raw);
		break;
	case FLD_SUBJECT:
		cls = classify_subject(ours, gm, raw);
		break;
	case FLD_IRT:
	case FLD_REFS:
		k = first_diff(ours, gm);
		if (k < ours->items->len && k < gm->items->len)
			cls = classify_id(item(ours, k), item(gm, k), raw);
		else
			cls = C_M_NEW;
		break;
	case FLD_N:
		break;
	}
	g_free(raw);
	return cls != NULL ? cls : "new: unclassified";
}

static void
class_count(struct oracle *o, enum fld f, const char *cls)
{
	char		*key;
	uint64_t	*counts;

	key = g_strdup_printf("%-7s %s", fld_names[f], cls);
	if ((counts = g_hash_table_lookup(o->classes, key)) == NULL) {
		counts = g_new0(uint64_t, MAX_CORPORA);
		g_hash_table_insert(o->classes, key, counts);
	} else
		g_free(key);
	counts[o->cur - o->corpora]++;
}

/* --- Per message -------------------------------------------------------- */

static void
report_diff(struct oracle *o, const struct source_msg *sm, enum fld f,
    const char *cls, const struct fv *ours, const struct fv *gm)
{
	GString	*line = g_string_new(NULL);
	struct raw r;
	guint	 from;

	raw_collect(sm->hdr, fld_headers[f], &r);
	g_string_append_printf(line, "%s\t%s\t%" PRIu64 "\t%s\t%s\n",
	    o->cur->name, sm->path, sm->pos, fld_names[f], cls);
	from = first_diff(ours, gm);
	g_string_append(line, "  ours:  ");
	fv_show(line, f, ours, from);
	g_string_append(line, "\n  gmime: ");
	fv_show(line, f, gm, from);
	g_string_append(line, "\n  raw:   ");
	if (r.n == 0)
		g_string_append(line, "(no field)");
	else
		esc_append(line, r.v[0].p, r.v[0].len);
	if (r.n > 1)
		g_string_append_printf(line, "  (+%zu more)", r.n - 1);
	g_string_append_c(line, '\n');
	fputs(line->str, o->report);
	g_string_free(line, TRUE);
}

static int
on_message(void *arg, const struct source_msg *sm, struct err *err)
{
	struct oracle	*o = arg;
	struct msg_meta	 m;
	struct fv	 ours[FLD_N], gm[FLD_N];
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;
	const char	*cls;
	int		 all = 1, explained = 1, prefix;

	for (int f = 0; f < FLD_N; f++) {
		fv_init(&ours[f], IS_LIST(f));
		fv_init(&gm[f], IS_LIST(f));
	}
	meta_parse(o->mp, sm->hdr, &m);
	ours_get(&m, ours);

	g_string_truncate(o->buf, 0);
	g_string_append_len(o->buf, sm->hdr.p, (gssize)sm->hdr.len);
	g_string_append(o->buf, "\n\n");
	stream = g_mime_stream_mem_new_with_buffer(o->buf->str, o->buf->len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, o->opts);
	if (msg != NULL) {
		gm_get(o, msg, gm);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);

	o->cur->msgs++;
	for (int f = 0; f < FLD_N; f++) {
		if (fv_agree(f, &ours[f], &gm[f], &prefix)) {
			o->cur->agree[f]++;
			if (prefix && f == FLD_REFS)
				o->cur->refs_prefix++;
			if (prefix && f == FLD_IRT)
				o->cur->irt_prefix++;
			if (prefix)
				report_diff(o, sm, f, "note: agrees, GMime "
				    "stopped early (its list is a prefix of "
				    "ours)", &ours[f], &gm[f]);
			continue;
		}
		all = 0;
		if (msg == NULL)
			cls = starts_with_junk(sm->hdr) ? C_NOMSG :
			    C_NOMSG_NEW;
		else
			cls = classify(o, f, sm->hdr, &ours[f], &gm[f]);
		if (strncmp(cls, "ok:", 3) != 0)
			explained = 0;
		class_count(o, f, cls);
		report_diff(o, sm, f, cls, &ours[f], &gm[f]);
	}
	o->cur->all += all;
	o->cur->explained += explained;
	for (int f = 0; f < FLD_N; f++) {
		fv_free(&ours[f]);
		fv_free(&gm[f]);
	}
	(void)err;
	return 0;
}

/* --- Summary ------------------------------------------------------------ */

static double
pct(uint64_t n, uint64_t d)
{
	return d == 0 ? 100.0 : 100.0 * (double)n / (double)d;
}

static void
print_row(FILE *fp, const struct corpus *c)
{
	fprintf(fp, "%-13s %8" PRIu64, c->name, c->msgs);
	for (int f = 0; f < FLD_N; f++)
		fprintf(fp, " %7.3f", pct(c->agree[f], c->msgs));
	fprintf(fp, " %7.3f %5" PRIu64 " %7.3f\n", pct(c->all, c->msgs),
	    c->msgs - c->all, pct(c->explained, c->msgs));
}

static gint
cmp_keys(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
passes(uint64_t n, uint64_t d, double threshold)
{
	return (double)n >= threshold * (double)d - 1e-9;
}

static void
print_summary(struct oracle *o, FILE *fp, double threshold, int raw_gate,
    const struct corpus *tot)
{
	GPtrArray	*keys;
	GHashTableIter	 it;
	gpointer	 k, v;
	uint64_t	*counts, sum;
	int		 ok;

	fprintf(fp, "agreement with GMime %u.%u.%u, %% of messages\n",
	    gmime_major_version, gmime_minor_version, gmime_micro_version);
	fprintf(fp, "%-13s %8s", "corpus", "messages");
	for (int f = 0; f < FLD_N; f++)
		fprintf(fp, " %7s", fld_names[f]);
	fprintf(fp, " %7s %5s %7s\n", "all", "diff", "all+ok");
	for (size_t i = 0; i < o->ncorpora; i++)
		print_row(fp, &o->corpora[i]);
	print_row(fp, tot);
	fprintf(fp, "(all: every field agrees; diff: messages that differ; "
	    "all+ok: messages that agree or differ only in \"ok\" classes)\n");
	fprintf(fp, "GMime's id list a proper prefix of ours (it stopped "
	    "early): References %" PRIu64 ", In-Reply-To %" PRIu64 "\n",
	    tot->refs_prefix, tot->irt_prefix);

	keys = g_ptr_array_new();
	g_hash_table_iter_init(&it, o->classes);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(keys, k);
	g_ptr_array_sort(keys, cmp_keys);
	fprintf(fp, "\nfields that differ, by class; counts per corpus (");
	for (size_t i = 0; i < o->ncorpora; i++)
		fprintf(fp, "%s%s", i > 0 ? ", " : "", o->corpora[i].name);
	fprintf(fp, "), then total\n");
	for (guint i = 0; i < keys->len; i++) {
		counts = g_hash_table_lookup(o->classes,
		    g_ptr_array_index(keys, i));
		sum = 0;
		fprintf(fp, " ");
		for (size_t c = 0; c < o->ncorpora; c++) {
			fprintf(fp, " %4" PRIu64, counts[c]);
			sum += counts[c];
		}
		fprintf(fp, " %5" PRIu64 "  %s\n", sum,
		    (const char *)g_ptr_array_index(keys, i));
	}
	if (keys->len == 0)
		fprintf(fp, "  (none)\n");
	g_ptr_array_free(keys, TRUE);

	fprintf(fp, "\nevery field agrees: %.3f%% (%" PRIu64 " of %" PRIu64
	    ")\nagree or differ only in \"ok\" classes: %.3f%% (%" PRIu64
	    ")\n", pct(tot->all, tot->msgs), tot->all, tot->msgs,
	    pct(tot->explained, tot->msgs), tot->explained);
	ok = raw_gate ? passes(tot->all, tot->msgs, threshold) :
	    passes(tot->explained, tot->msgs, threshold);
	fprintf(fp, "gate (%s) at %.3f%%: %s\n",
	    raw_gate ? "every field agrees" : "agree or \"ok\" classes",
	    100.0 * threshold, ok ? "PASS" : "FAIL");
}

static int
usage(void)
{
	fprintf(stderr, "usage: gmime_oracle [-r report] [-t rate] "
	    "[-g raw|explained] [-c corpus] path ...\n");
	return 2;
}

int
main(int argc, char *argv[])
{
	static const char *const fallback[] = { "UTF-8", NULL };
	struct oracle		 o;
	struct corpus		 tot;
	struct err		 err;
	struct source_stats	 st;
	const char		*report = "diff-gmime-report.txt";
	double			 threshold = 0.999;
	int			 npaths = 0, rc = 0, raw_gate = 0;
	char			*end;

	memset(&o, 0, sizeof(o));
	/* First pass: options, so the report can be opened before paths. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			report = argv[++i];
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			threshold = g_ascii_strtod(argv[++i], &end);
			if (*end != '\0' || threshold < 0 || threshold > 1)
				return usage();
		} else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "raw") == 0)
				raw_gate = 1;
			else if (strcmp(argv[i], "explained") != 0)
				return usage();
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			i++;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return usage();
		else
			npaths++;
	}
	if (npaths == 0)
		return usage();
	if ((o.report = fopen(report, "w")) == NULL) {
		perror(report);
		return 2;
	}
	fprintf(o.report, "# GMime differential report: corpus, path, "
	    "byte position, field, class; then ours, GMime's (both in normal "
	    "form) and the raw field (first occurrence)\n");

	g_mime_init();
	o.opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(o.opts,
	    (const char **)fallback);
	o.mp = meta_parser_new();
	o.classes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	o.buf = g_string_new(NULL);
	o.corpora[0].name = "default";
	o.ncorpora = 1;
	o.cur = &o.corpora[0];

	for (int i = 1; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "-r") == 0 || strcmp(argv[i], "-t") == 0 ||
		    strcmp(argv[i], "-g") == 0) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "-c") == 0) {
			i++;
			if (o.cur->msgs == 0 && o.ncorpora == 1)
				o.ncorpora = 0;		/* drop "default" */
			if (o.ncorpora == MAX_CORPORA) {
				fprintf(stderr, "gmime_oracle: too many "
				    "corpora\n");
				rc = 2;
				break;
			}
			o.cur = &o.corpora[o.ncorpora++];
			memset(o.cur, 0, sizeof(*o.cur));
			o.cur->name = argv[i];
			continue;
		}
		memset(&st, 0, sizeof(st));
		err_clear(&err);
		if (source_scan(argv[i], on_message, &o, &st, &err) == -1) {
			fprintf(stderr, "gmime_oracle: %s\n", err.msg);
			rc = 2;
		}
	}

	memset(&tot, 0, sizeof(tot));
	tot.name = "TOTAL";
	for (size_t i = 0; i < o.ncorpora; i++) {
		const struct corpus *c = &o.corpora[i];

		tot.msgs += c->msgs;
		tot.all += c->all;
		tot.explained += c->explained;
		tot.refs_prefix += c->refs_prefix;
		tot.irt_prefix += c->irt_prefix;
		for (int f = 0; f < FLD_N; f++)
			tot.agree[f] += c->agree[f];
	}
	print_summary(&o, stdout, threshold, raw_gate, &tot);
	print_summary(&o, o.report, threshold, raw_gate, &tot);
	if (rc == 0 && !passes(raw_gate ? tot.all : tot.explained, tot.msgs,
	    threshold))
		rc = 1;
	if (fclose(o.report) == EOF) {
		perror(report);
		rc = 2;
	}
	g_string_free(o.buf, TRUE);
	g_hash_table_destroy(o.classes);
	meta_parser_free(o.mp);
	g_mime_parser_options_free(o.opts);
	g_mime_shutdown();
	return rc;
}
