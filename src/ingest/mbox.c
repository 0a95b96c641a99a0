/*
 * mbox.c: the mbox splitter and the single-message reader.
 *
 * Model.  An mbox is a sequence of messages, each introduced by an
 * envelope line "From sender date".  The variants differ in how a body
 * line that starts with "From " is protected: mboxo and mboxrd quote it
 * with '>', mboxcl and mboxcl2 give the body length in Content-Length.
 * Real files mix all of these and also carry unquoted "From " lines, so a
 * line starts a new message only when
 *  - the Content-Length of the message before it points exactly at it
 *    (checked, never trusted blindly), or
 *  - it follows an empty line (or the header block) and looks like an
 *    envelope: "From ", a sender token, then nothing or a date with a
 *    time (hh:mm) and a four-digit year.
 * docs/violations/mbox.md lists what real files forced.
 *
 * Bodies are never copied: the body scan looks for "\nFrom " in the
 * window and lets everything behind it go.  The header block is kept in
 * the window only until the callback returns.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/scan.h"
#include "../base/str.h"
#include "../base/xmalloc.h"
#include "hdrscan.h"
#include "mbox.h"
#include "pipe.h"
#include "win.h"

#define WIN_CAP		(256u * 1024)	/* grows to WIN_MAX as needed */
#define WIN_MAX		(16u << 20)
#define WIN_AHEAD	(4u << 20)	/* the window when reading ahead */
#define LINE_MAX_ENV	4096	/* longest envelope line examined */
#define CL_CHECK_MAX	(8u << 20)	/* Content-Length checked up to */
#define CL_PREFIX	15	/* strlen("Content-Length:") */

struct split {
	struct win	 w;
	struct source_pipe *pipe;	/* owned: the callback's thread, or NULL */
	struct line_list ll;		/* line starts of the block being read */
	const char	*path;
	source_cb	 cb;
	void		*arg;
	struct source_stats *st;
	struct err	*err;
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "dd:dd:dd dddd" at q (13 bytes). */
static int
asctime_tail(const char *q)
{
	return is_digit(q[0]) && is_digit(q[1]) && q[2] == ':' &&
	    is_digit(q[3]) && is_digit(q[4]) && q[5] == ':' &&
	    is_digit(q[6]) && is_digit(q[7]) && q[8] == ' ' &&
	    is_digit(q[9]) && is_digit(q[10]) && is_digit(q[11]) &&
	    is_digit(q[12]);
}

/* The index of the first SP or HTAB in s[i..n), or n. */
static size_t
blank_from(const char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i	sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');

	for (; n - i >= 16; i += 16) {
		__m128i	a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(a, sp), _mm_cmpeq_epi8(a, tab)));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

int
mbox_is_envelope(struct str line)
{
	size_t	i = 5, n = line.len;
	int	has_time = 0, has_year = 0;

	while (n > 0 && (line.p[n - 1] == '\r' || line.p[n - 1] == ' ' ||
	    line.p[n - 1] == '\t'))
		n--;
	if (n < 6 || n > LINE_MAX_ENV || memcmp(line.p, "From ", 5) != 0)
		return 0;
	while (i < n && line.p[i] == ' ')
		i++;
	if (i == n)
		return 0;		/* no sender token */
	if ((i = blank_from(line.p, i, n)) == n)
		return 1;		/* "From sender" or "From -" alone */
	/* The commonest line ends in asctime's "hh:mm:ss yyyy": a time
	 * and a year found without the search below. */
	if (n - i >= 13 && asctime_tail(line.p + n - 13))
		return 1;
	/* Both patterns start with a digit and need three more bytes; i is
	 * past "From ", so line.p[i - 1] exists. */
	for (; i + 3 < n; i++) {
		if (!is_digit(line.p[i]))
			continue;
		if (line.p[i + 1] == ':' && is_digit(line.p[i + 2]) &&
		    is_digit(line.p[i + 3]))
			has_time = 1;
		else if (!is_digit(line.p[i - 1]) && is_digit(line.p[i + 1]) &&
		    is_digit(line.p[i + 2]) && is_digit(line.p[i + 3]) &&
		    (i + 4 == n || !is_digit(line.p[i + 4])))
			has_year = 1;
		if (has_time && has_year)
			return 1;
	}
	return 0;
}

/* The plain form of the digit search above, kept for the tests. */
int
mbox_is_envelope_slow(struct str line)
{
	size_t	i = 5, n = line.len;
	int	has_time = 0, has_year = 0;

	while (n > 0 && (line.p[n - 1] == '\r' || line.p[n - 1] == ' ' ||
	    line.p[n - 1] == '\t'))
		n--;
	if (n < 6 || n > LINE_MAX_ENV || memcmp(line.p, "From ", 5) != 0)
		return 0;
	while (i < n && line.p[i] == ' ')
		i++;
	if (i == n)
		return 0;
	while (i < n && line.p[i] != ' ' && line.p[i] != '\t')
		i++;
	if (i == n)
		return 1;
	for (; i < n; i++) {
		if (i + 3 < n && is_digit(line.p[i]) && line.p[i + 1] == ':' &&
		    is_digit(line.p[i + 2]) && is_digit(line.p[i + 3]))
			has_time = 1;
		else if (i + 3 < n && i > 0 && !is_digit(line.p[i - 1]) &&
		    is_digit(line.p[i]) && is_digit(line.p[i + 1]) &&
		    is_digit(line.p[i + 2]) && is_digit(line.p[i + 3]) &&
		    (i + 4 == n || !is_digit(line.p[i + 4])))
			has_year = 1;
	}
	return has_time && has_year;
}

/*
 * Offset one past the '\n' ending the line at off, or the end of the
 * stream.  Bytes from keep on stay in memory.  -1 on error.
 */
static int64_t
find_eol(struct split *sp, uint64_t keep, uint64_t off)
{
	struct win	*w = &sp->w;
	const char	*nl;
	uint64_t	 from = off;

	for (;;) {
		if (from < win_end(w)) {
			nl = memchr(win_ptr(w, from), '\n',
			    (size_t)(win_end(w) - from));
			if (nl != NULL)
				return (int64_t)(w->base +
				    (uint64_t)(nl - w->buf) + 1);
			from = win_end(w);
		}
		switch (win_more(w, keep, sp->err)) {
		case -1:
			return -1;
		case 0:
			/* The end, or a line longer than the whole window:
			 * break it here rather than drop what keep holds. */
			return (int64_t)win_end(w);
		default:
			break;
		}
	}
}

/* The line [off, eol) as a str; it must be in memory. */
static struct str
line_at(const struct win *w, uint64_t off, uint64_t eol)
{
	size_t	n = (size_t)(eol - off);

	if (n > 0 && win_ptr(w, off)[n - 1] == '\n')
		n--;
	return str_make(win_ptr(w, off), n);
}

/* Parses "Content-Length: 123" into *cl; leaves it alone otherwise. */
static void
content_length(struct str line, int64_t *cl)
{
	size_t	i = 15;
	int64_t	v = 0;

	if (!str_has_prefix_ci(line, STR("content-length:")))
		return;
	while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t'))
		i++;
	if (i == line.len || !is_digit(line.p[i]))
		return;
	for (; i < line.len && is_digit(line.p[i]); i++) {
		if (v > (INT64_MAX - 9) / 10)
			return;
		v = v * 10 + (line.p[i] - '0');
	}
	*cl = v;
}

/*
 * Hands a header block to the callback, with the line starts listed
 * while it was read (those inside the block) unless it was cut.
 */
static int
emit(struct split *sp, uint64_t msg_off, uint64_t hstart, uint64_t hend,
    unsigned flags)
{
	struct source_msg	m;
	size_t			n = sp->ll.n;

	m.hdr = str_make(win_ptr(&sp->w, hstart), (size_t)(hend - hstart));
	m.path = sp->path;
	m.pos = msg_off;
	m.flags = flags;
	m.lines = NULL;
	m.nlines = 0;
	if (!sp->ll.over && !(flags & SOURCE_TRUNCATED)) {
		while (n > 0 && sp->ll.v[n - 1] >= m.hdr.len)
			n--;
		m.lines = sp->ll.v;
		m.nlines = n;
	}
	if (sp->pipe != NULL)
		return pipe_put(sp->pipe, &m);
	sp->st->messages++;
	return sp->cb(sp->arg, &m, sp->err);
}

/*
 * Looks at the line starting at pos, the first line of a field (or of the
 * block).  Returns 1 when the header block ends there (an empty line, or
 * an envelope when mbox), 0 to go on, -1 on error.
 */
static int
field_start(struct split *sp, uint64_t keep, uint64_t hstart, uint64_t pos,
    int mbox, uint64_t *next, int64_t *cl, int *at_env)
{
	struct win	*w = &sp->w;
	const char	*p;
	int64_t		 avail, eol;

	if ((avail = win_need(w, keep, pos, 2, sp->err)) == -1)
		return -1;
	p = win_ptr(w, pos);
	if (avail >= 1 && p[0] == '\n') {
		*next = pos + 1;
		return 1;
	}
	if (avail >= 2 && p[0] == '\r' && p[1] == '\n') {
		*next = pos + 2;
		return 1;
	}
	if (avail < 1 || (p[0] != 'C' && p[0] != 'c' &&
	    (!mbox || pos == hstart || p[0] != 'F')))
		return 0;
	/* Most such lines are Cc:, Content-Type: or From:; only
	 * "Content-Length:" and "From " need their whole line. */
	if ((avail = win_need(w, keep, pos, CL_PREFIX, sp->err)) == -1)
		return -1;
	p = win_ptr(w, pos);
	if (p[0] == 'F' ? avail >= 5 && memcmp(p, "From ", 5) == 0 :
	    avail >= CL_PREFIX && str_has_prefix_ci(str_make(p, CL_PREFIX),
	    STR("content-length:"))) {
		if ((eol = find_eol(sp, keep, pos)) == -1)
			return -1;
		p = win_ptr(w, pos);	/* the window may have moved */
		if (p[0] == 'F') {
			if (mbox_is_envelope(line_at(w, pos, (uint64_t)eol))) {
				*next = pos;
				*at_env = 1;
				return 1;
			}
		} else
			content_length(line_at(w, pos, (uint64_t)eol), cl);
	}
	return 0;
}

/*
 * The stream offset of the next line after pos that can matter to the
 * splitter (hdrscan_stop: an empty line, a 'C' or 'F' line that may be
 * Content-Length: or "From "), or the end of the stream; the line starts
 * passed on the way are added to sp->ll (hdrscan.h), as offsets from
 * hstart.  Bytes from keep on stay in
 * memory; if one field fills the whole window, the block's first
 * SOURCE_HDR_MAX bytes are handed on cut (unless *emitted says they were),
 * *full is set and keep is moved up: only then may they be dropped.
 */
static int64_t
field_end(struct split *sp, uint64_t msg_off, uint64_t hstart,
    uint64_t *keep, uint64_t pos, int *full, int *emitted)
{
	struct win	*w = &sp->w;
	uint64_t	 scan = pos;
	const char	*q;
	int		 r;

	for (;;) {
		if (scan < win_end(w)) {
			if (scan - hstart < SOURCE_HDR_MAX)
				q = hdrscan_stop(win_ptr(w, scan),
				    w->buf + w->len,
				    (uint32_t)(scan - hstart + 1), &sp->ll);
			else {
				/* Past the longest block: it will be cut. */
				sp->ll.over = 1;
				q = scan_hdr_stop(win_ptr(w, scan),
				    w->buf + w->len);
			}
			if (q != NULL && q + 1 < w->buf + w->len)
				return (int64_t)(w->base +
				    (uint64_t)(q - w->buf) + 1);
			/* Unknown follower: look at that '\n' again. */
			scan = q != NULL ? w->base + (uint64_t)(q - w->buf) :
			    win_end(w);
		}
		if ((r = win_more(w, *keep, sp->err)) == -1)
			return -1;
		if (r == 1)
			continue;
		if (w->eof)
			return (int64_t)win_end(w);
		if (!*emitted) {
			/* The window holds the block's start: hand it on
			 * before it is dropped. */
			if (emit(sp, msg_off, hstart, hstart + SOURCE_HDR_MAX,
			    SOURCE_TRUNCATED) == -1)
				return -1;
			*emitted = 1;
		}
		*full = 1;
		*keep = scan;
	}
}

/*
 * Reads the header block starting at hstart and hands it to the callback.
 * It ends at an empty line (*next: after it), at an envelope line when
 * mbox (*next: at it, *at_env set), or at the end of the stream.  The
 * walk stops only at lines that can matter (field_end), so most lines
 * cost nothing but the vector search.  Returns 0 or -1.
 */
static int
read_header(struct split *sp, uint64_t msg_off, uint64_t hstart, int mbox,
    uint64_t *next, int64_t *cl, int *at_env)
{
	struct win	*w = &sp->w;
	uint64_t	 pos = hstart, keep = hstart;
	int64_t		 end;
	unsigned	 flags = 0;
	int		 emitted = 0, full = 0, r;

	*cl = -1;
	*at_env = 0;
	sp->ll.n = 0;
	sp->ll.over = 0;
	for (;;) {
		if (!emitted && (pos - hstart > SOURCE_HDR_MAX || full)) {
			/* Hand over what fits, then skip to the block's end. */
			if (emit(sp, msg_off, hstart, hstart + SOURCE_HDR_MAX,
			    SOURCE_TRUNCATED) == -1)
				return -1;
			emitted = 1;
		}
		if (emitted && keep < pos)
			keep = pos;
		if (win_need(w, keep, pos, 1, sp->err) == -1)
			return -1;
		if (pos >= win_end(w)) {
			/* The stream ended inside the header. */
			*next = pos;
			if (pos > hstart)
				flags |= SOURCE_NO_BODY_SEP;
			break;
		}
		if ((r = field_start(sp, keep, hstart, pos, mbox, next, cl,
		    at_env)) == -1)
			return -1;
		if (r == 1) {
			if (*at_env)
				flags |= SOURCE_NO_BODY_SEP;
			break;
		}
		if ((end = field_end(sp, msg_off, hstart, &keep, pos, &full,
		    &emitted)) == -1)
			return -1;
		pos = (uint64_t)end;
	}
	if (emitted)
		return 0;
	return emit(sp, msg_off, hstart, pos, flags);
}

/*
 * Whether a new message starts at off: an envelope line there, or the
 * end of the stream.  Used to check a Content-Length.
 */
static int
envelope_at(struct split *sp, uint64_t keep, uint64_t off)
{
	struct win	*w = &sp->w;
	int64_t		 avail;
	const char	*p, *nl;

	if ((avail = win_need(w, keep, off, LINE_MAX_ENV, sp->err)) == -1)
		return -1;
	if (avail == 0)
		return w->eof;
	p = win_ptr(w, off);
	nl = memchr(p, '\n', (size_t)avail);
	return mbox_is_envelope(str_make(p, nl ? (size_t)(nl - p) :
	    (size_t)avail));
}

/*
 * Where the body starting at bstart ends, following its Content-Length
 * when that points at a new message.  Returns 1 and sets *next when it
 * does, 0 when it does not, -1 on error.
 */
static int
follow_cl(struct split *sp, uint64_t bstart, int64_t cl, uint64_t *next)
{
	static const char *const seps[] = { "", "\n", "\r\n" };
	uint64_t	 at = bstart + (uint64_t)cl;
	int		 r;

	if (cl < 0 || (uint64_t)cl > CL_CHECK_MAX)
		return 0;
	for (size_t i = 0; i < nitems(seps); i++) {
		size_t	k = strlen(seps[i]);
		int64_t	avail;

		if ((avail = win_need(&sp->w, bstart, at, k + 5,
		    sp->err)) == -1)
			return -1;
		if ((size_t)avail < k || (k > 0 && memcmp(win_ptr(&sp->w, at),
		    seps[i], k) != 0))
			continue;
		if ((r = envelope_at(sp, bstart, at + k)) == -1)
			return -1;
		if (r) {
			*next = at + k;
			return 1;
		}
	}
	return 0;
}

/*
 * Whether the line before the one starting at k (> bstart, after a '\n')
 * is empty; k == bstart counts, since the header's empty line precedes
 * the body.  The line before starts at bstart at the earliest.
 */
static int
prev_line_blank(const struct win *w, uint64_t bstart, uint64_t k)
{
	if (k == bstart || k == bstart + 1)
		return 1;	/* "From" first, or after one empty line */
	if (win_ptr(w, k)[-2] == '\n')
		return 1;
	if (win_ptr(w, k)[-2] != '\r')
		return 0;
	return k == bstart + 2 || win_ptr(w, k)[-3] == '\n';
}

/*
 * The offset of the next envelope line at or after bstart that follows
 * an empty line (bstart itself follows the header's empty line), or the
 * end of the stream.
 */
static int64_t
find_sep(struct split *sp, uint64_t bstart)
{
	struct win	*w = &sp->w;
	uint64_t	 from = bstart, k;
	const char	*p, *end, *nl;
	int64_t		 eol;

	for (;;) {
		/* Candidates are line starts: bstart, or after a '\n'. */
		if (from == bstart) {
			if (win_need(w, from, from, 5, sp->err) == -1)
				return -1;
			if (win_end(w) >= from + 5 && memcmp(win_ptr(w, from),
			    "From ", 5) == 0) {
				k = from;
				goto check;
			}
		}
		p = win_ptr(w, from);
		end = w->buf + w->len;
		while (p < end) {
			if ((nl = scan_nl_f(p, end)) == NULL) {
				/* A '\n' in the last byte may start one. */
				p = end[-1] == '\n' ? end - 1 : end;
				break;
			}
			if (end - nl < 6) {
				p = nl;		/* need more bytes to decide */
				break;
			}
			if (memcmp(nl + 1, "From ", 5) == 0) {
				k = w->base + (uint64_t)(nl + 1 - w->buf);
				goto check;
			}
			p = nl + 1;
		}
		/* Keep 3 bytes of look-behind for the empty-line test. */
		from = w->base + (uint64_t)(p - w->buf);
		switch (win_more(w, from >= 3 ? from - 3 : from, sp->err)) {
		case -1:
			return -1;
		case 0:
			if (w->eof)
				return (int64_t)win_end(w);
			break;
		default:
			break;
		}
		continue;
check:
		/* An empty line before (or the header's own), then a valid
		 * envelope.  Look-behind bytes are still in memory. */
		if (prev_line_blank(w, bstart, k)) {
			if ((eol = find_eol(sp, k >= 3 ? k - 3 : k, k)) == -1)
				return -1;
			if (mbox_is_envelope(line_at(w, k, (uint64_t)eol)))
				return (int64_t)k;
		}
		from = k + 1;
	}
}

int
mbox_scan(struct input *in, const char *path, uint64_t from, source_cb cb,
    void *arg, struct source_stats *st, struct err *err)
{
	struct split	sp = { .path = path, .cb = cb, .arg = arg, .st = st,
			    .err = err };
	uint64_t	off = from, next;
	int64_t		eol, cl, sep;
	int		at_env, r, rc = -1;

	win_init(&sp.w, in, WIN_CAP, WIN_MAX);
	sp.ll.v = xreallocarray(NULL, SOURCE_LINES_MAX, sizeof(*sp.ll.v));
	sp.w.base = from;	/* the input is positioned there */
	/* Compressed input is decoded on a thread of its own; without one
	 * it is decoded here, which is slower but the same. */
	if (input_wants_ahead(in))
		(void)win_ahead(&sp.w, WIN_AHEAD);
	/* A long mailbox is parsed on a thread of its own, beside the
	 * splitting (pipe.h); without one, here. */
	if (input_wants_pipe(in))
		sp.pipe = pipe_start(path, cb, arg, st);
	for (;;) {
		if ((eol = find_eol(&sp, off, off)) == -1)
			goto out;
		if ((uint64_t)eol == off)
			break;			/* end of stream */
		if (read_header(&sp, off, (uint64_t)eol, 1, &next, &cl,
		    &at_env) == -1)
			goto out;
		if (at_env) {
			off = next;
			continue;
		}
		if (win_need(&sp.w, next, next, 1, err) == -1)
			goto out;
		if (win_end(&sp.w) <= next && sp.w.eof)
			break;
		if ((r = follow_cl(&sp, next, cl, &off)) == -1)
			goto out;
		if (r == 1)
			continue;
		if ((sep = find_sep(&sp, next)) == -1)
			goto out;
		off = (uint64_t)sep;
	}
	rc = 0;
out:
	/* The callback's error, if it stopped the scan, came first. */
	if (sp.pipe != NULL && pipe_finish(sp.pipe, err) == -1)
		rc = -1;
	st->bytes += sp.w.read_total;
	win_free(&sp.w);
	free(sp.ll.v);
	return rc;
}

int
msg_scan_single(struct input *in, const char *path, source_cb cb,
    void *arg, struct source_stats *st, struct err *err)
{
	struct split	sp = { .path = path, .cb = cb, .arg = arg, .st = st,
			    .err = err };
	uint64_t	next;
	int64_t		cl;
	int		at_env, rc;

	win_init(&sp.w, in, 64 * 1024, WIN_MAX);
	sp.ll.v = xreallocarray(NULL, SOURCE_LINES_MAX, sizeof(*sp.ll.v));
	rc = read_header(&sp, 0, 0, 0, &next, &cl, &at_env);
	st->bytes += sp.w.read_total;
	win_free(&sp.w);
	free(sp.ll.v);
	return rc;
}
