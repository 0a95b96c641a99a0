/*
 * test_mbox.c: the mbox splitter, the single-message reader and the
 * decompressing input, on hand-made byte strings.
 */
#include <zlib.h>
#include <zstd.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "ingest/hdrscan.h"
#include "ingest/input.h"
#include "ingest/mbox.h"
#include "mail/hdr.h"
#include "t.h"

#define MAXMSG	16

struct got {
	size_t		n;
	uint64_t	pos[MAXMSG];
	char		*hdr[MAXMSG];	/* owned copies */
	unsigned	flags[MAXMSG];
};

static int
collect(void *arg, const struct source_msg *m, struct err *err)
{
	struct got	*g = arg;

	if (g->n == MAXMSG)
		return err_set(err, ERR_LIMIT, "too many messages");
	g->pos[g->n] = m->pos;
	g->hdr[g->n] = xstrndup(m->hdr.p, m->hdr.len);
	g->flags[g->n] = m->flags;
	g->n++;
	return 0;
}

static void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->hdr[i]);
	memset(g, 0, sizeof(*g));
}

static int
same_got(const struct got *a, const struct got *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->pos[i] != b->pos[i] || a->flags[i] != b->flags[i] ||
		    strcmp(a->hdr[i], b->hdr[i]) != 0)
			return 0;
	return 1;
}

/*
 * Splits data into g, and again with the window reading ahead on its
 * thread (win_ahead), with the callback on its thread (pipe.h), and with
 * both, which must find the same: so every case below checks every way
 * of reading.
 */
static int
split(const char *data, size_t len, struct got *g)
{
	struct source_stats	 st = { 0 }, st2;
	struct input		*in = input_open_mem(data, len, "test");
	struct err		 err;
	struct got		 g2;
	int			 rc, rc2;

	memset(g, 0, sizeof(*g));
	rc = mbox_scan(in, "test", 0, collect, g, &st, &err);
	input_close(in);
	for (int way = 1; way <= 3; way++) {
		in = input_open_mem(data, len, "test");
		input_set_ahead(in, way & 1);
		input_set_pipe(in, way & 2);
		memset(&g2, 0, sizeof(g2));
		memset(&st2, 0, sizeof(st2));
		rc2 = mbox_scan(in, "test", 0, collect, &g2, &st2, &err);
		input_close(in);
		t_ok(rc2 == rc && same_got(g, &g2) && st2.bytes == st.bytes &&
		    st2.messages == st.messages, "way %d splits the same", way);
		got_free(&g2);
	}
	return rc;
}

static const struct {
	const char	*name;
	const char	*mbox;
	size_t		 n;		/* messages */
	const char	*hdr0, *hdr_last;	/* first and last header */
	unsigned	 flags_last;
} cases[] = {
	{ "two plain",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody\n\n"
	  "From b@x Mon Jan  1 00:00:01 2024\nSubject: two\n\nbody\n",
	  2, "Subject: one\n", "Subject: two\n", 0 },
	{ "mboxrd quoted body line",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n"
	  ">From here on\n\nFrom b@x Mon Jan  1 00:00:01 2024\nS: 2\n\nx\n",
	  2, "Subject: one\n", "S: 2\n", 0 },
	{ "unquoted From line without an empty line before it",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nline\n"
	  "From b@x Mon Jan  1 00:00:01 2024\nstill body\n",
	  1, "Subject: one\n", "Subject: one\n", 0 },
	{ "unquoted prose From line after an empty line",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\npara\n\n"
	  "From my point of view this is body text.\n",
	  1, "Subject: one\n", "Subject: one\n", 0 },
	{ "Mozilla 'From - ' envelopes",
	  "From - \nSubject: one\n\nx\n\nFrom - \nSubject: two\n\ny\n",
	  2, "Subject: one\n", "Subject: two\n", 0 },
	{ "CRLF line ends",
	  "From a@x Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nb\r\n"
	  "\r\nFrom b@x Mon Jan  1 00:00:01 2024\r\nSubject: two\r\n\r\n",
	  2, "Subject: one\r\n", "Subject: two\r\n", 0 },
	{ "empty body, envelope right after the header",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n"
	  "From b@x Mon Jan  1 00:00:01 2024\nSubject: two\n\n",
	  2, "Subject: one\n", "Subject: two\n", 0 },
	{ "body of one empty line",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n\n"
	  "From b@x Mon Jan  1 00:00:01 2024\nSubject: two\n",
	  2, "Subject: one\n", "Subject: two\n", SOURCE_NO_BODY_SEP },
	{ "no empty line before the next envelope",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n"
	  "From b@x Mon Jan  1 00:00:01 2024\nSubject: two\n\nx\n",
	  2, "Subject: one\n", "Subject: two\n", 0 },
	{ "end of file inside the header",
	  "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\nTo: b@y",
	  1, "Subject: one\nTo: b@y", "Subject: one\nTo: b@y",
	  SOURCE_NO_BODY_SEP },
	{ "folded fields stay whole",
	  "From a@x Mon Jan  1 00:00:00 2024\nReferences: <a@b>\n <c@d>\n"
	  "\tFrom c@x Mon Jan  1 00:00:01 2024\n\nbody\n",
	  1, "References: <a@b>\n <c@d>\n\tFrom c@x Mon Jan  1 00:00:01 2024\n",
	  "References: <a@b>\n <c@d>\n\tFrom c@x Mon Jan  1 00:00:01 2024\n",
	  0 },
	{ "mboxcl2: Content-Length skips an unquoted envelope in the body",
	  "From a@x Mon Jan  1 00:00:00 2024\nContent-Length: 40\n\n"
	  "x\n\nFrom z@x Mon Jan  1 00:00:09 2024\nyy\n"
	  "\nFrom b@x Mon Jan  1 00:00:01 2024\nS: 2\n\n",
	  2, "Content-Length: 40\n", "S: 2\n", 0 },
	{ "wrong Content-Length is not trusted",
	  "From a@x Mon Jan  1 00:00:00 2024\nContent-Length: 3\n\n"
	  "body text\n\nFrom b@x Mon Jan  1 00:00:01 2024\nS: 2\n\n",
	  2, "Content-Length: 3\n", "S: 2\n", 0 },
	{ "empty mbox", "", 0, NULL, NULL, 0 },
};

static void
test_split(void)
{
	struct got	g;

	for (size_t i = 0; i < nitems(cases); i++) {
		t_eq_i64(split(cases[i].mbox, strlen(cases[i].mbox), &g), 0,
		    "%s: rc", cases[i].name);
		t_eq_i64(g.n, cases[i].n, "%s: messages", cases[i].name);
		if (g.n > 0 && cases[i].n > 0) {
			t_eq_mem(g.hdr[0], strlen(g.hdr[0]), cases[i].hdr0,
			    "%s: first header", cases[i].name);
			t_eq_mem(g.hdr[g.n - 1], strlen(g.hdr[g.n - 1]),
			    cases[i].hdr_last, "%s: last header",
			    cases[i].name);
			t_eq_i64(g.flags[g.n - 1], cases[i].flags_last,
			    "%s: flags", cases[i].name);
			t_eq_i64(g.pos[0], 0, "%s: first position",
			    cases[i].name);
		}
		got_free(&g);
	}
}

static void
test_positions(void)
{
	const char	*m = "From a@x Mon Jan  1 00:00:00 2024\nS: 1\n\nb\n\n"
			    "From b@x Mon Jan  1 00:00:01 2024\nS: 2\n\n";
	struct got	 g;

	split(m, strlen(m), &g);
	t_eq_i64(g.n, 2, "two messages");
	t_eq_i64(g.pos[1], strstr(m, "From b") - m, "offset of the second");
	got_free(&g);
}

static void
test_envelope(void)
{
	t_ok(mbox_is_envelope(STR("From a@b Mon Jan  1 00:00:00 2024")),
	    "asctime");
	t_ok(mbox_is_envelope(STR("From - ")), "mozilla");
	t_ok(mbox_is_envelope(STR("From MAILER-DAEMON Fri Jul  8 12:08:34 "
	    "2011")), "daemon");
	t_ok(mbox_is_envelope(STR("From x at y.com Wed Dec 1 08:26:40 2010")),
	    "pipermail");
	t_ok(!mbox_is_envelope(STR("From my experience it works")), "prose");
	t_ok(!mbox_is_envelope(STR("From ")), "no sender");
	t_ok(!mbox_is_envelope(STR("From: a@b")), "a field");
	t_ok(!mbox_is_envelope(STR("From a 10:30 tomorrow")), "no year");
}

/*
 * The envelope test against its plain reference: every line of a few
 * envelopes cut short and with each byte replaced by a digit, a colon,
 * a blank or a letter.
 */
static void
test_envelope_slow(void)
{
	static const char *const lines[] = {
		"From a@b Mon Jan  1 00:00:00 2024",
		"From MAILER-DAEMON Fri Jul  8 12:08:34 2011 ",
		"From x at y.com Wed Dec 1 08:26:40 2010\r",
		"From  a 2024 1:2 12345 9:99",
		"From a 10:30 tomorrow 1999x",
	};
	static const char subst[] = "0:9 \tx\r";
	char	l[64];
	size_t	bad = 0, tried = 0;

	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		size_t	n = strlen(lines[k]);

		for (size_t cut = 0; cut <= n; cut++) {
			memcpy(l, lines[k], n);
			tried++;
			if (mbox_is_envelope(str_make(l, cut)) !=
			    mbox_is_envelope_slow(str_make(l, cut)))
				bad++;
			for (size_t i = 0; i < cut; i++) {
				for (size_t s = 0; s < sizeof(subst) - 1;
				    s++) {
					l[i] = subst[s];
					tried++;
					if (mbox_is_envelope(str_make(l,
					    cut)) != mbox_is_envelope_slow(
					    str_make(l, cut)))
						bad++;
				}
				l[i] = lines[k][i];
			}
		}
	}
	t_ok(tried > 1000, "variants tried");
	t_eq_i64((int64_t)bad, 0, "fast and plain envelope tests agree");
}

/* A header block longer than the limit is cut and flagged. */
static void
test_huge_header(void)
{
	struct buf	b;
	struct got	g;

	buf_init(&b, 0);
	buf_puts(&b, "From a@x Mon Jan  1 00:00:00 2024\nSubject: big\n");
	for (int i = 0; i < 40000; i++)
		buf_puts(&b, "X-Filler: 0123456789\n");
	buf_puts(&b, "\nbody\n\nFrom b@x Mon Jan  1 00:00:01 2024\nS: 2\n\n");
	split(b.data, b.len, &g);
	t_eq_i64(g.n, 2, "both messages");
	t_eq_i64(g.flags[0], SOURCE_TRUNCATED, "first truncated");
	t_eq_i64(strlen(g.hdr[0]), SOURCE_HDR_MAX, "cut at the limit");
	t_eq_mem(g.hdr[1], strlen(g.hdr[1]), "S: 2\n", "second intact");
	got_free(&g);
	buf_free(&b);
}

/*
 * One header field longer than the whole window (16 MB): the block's
 * first SOURCE_HDR_MAX bytes are handed on before the window drops them
 * (regression: they were read after being dropped, a crash under ASan),
 * and the next message is found.
 */
static void
test_field_over_window(void)
{
	size_t		 n = 17u << 20;
	char		*m = xmalloc(n + 300);
	size_t		 k;
	struct got	 g;

	k = (size_t)snprintf(m, 300, "From a@x Mon Jan  1 00:00:00 2024\n"
	    "Subject: first\nX-Long: ");
	memset(m + k, 'y', n);
	k += n;
	k += (size_t)snprintf(m + k, 300, "\nS: 1\n\nbody\n\nFrom b@x Mon "
	    "Jan  1 00:00:01 2024\nS: 2\n\n");
	split(m, k, &g);
	t_eq_i64(g.n, 2, "both messages");
	if (g.n == 2) {
		t_eq_i64(g.flags[0], SOURCE_TRUNCATED, "first truncated");
		t_eq_i64(strlen(g.hdr[0]), SOURCE_HDR_MAX, "cut at the limit");
		t_ok(strncmp(g.hdr[0], "Subject: first\nX-Long: yyy", 26) == 0,
		    "the cut block is the message's own start");
		t_eq_mem(g.hdr[1], strlen(g.hdr[1]), "S: 2\n", "second intact");
	}
	got_free(&g);
	free(m);
}

/* A body bigger than the window is skipped with bounded memory. */
static void
test_big_body(void)
{
	size_t		 n = 40u << 20;
	char		*m = xmalloc(n + 200);
	size_t		 k;
	struct got	 g;

	k = (size_t)snprintf(m, 200, "From a@x Mon Jan  1 00:00:00 2024\n"
	    "S: 1\n\n");
	for (; k < n; k++)
		m[k] = (k % 64 == 63) ? '\n' : 'F';
	k += (size_t)snprintf(m + k, 200, "\n\nFrom b@x Mon Jan  1 00:00:01 "
	    "2024\nS: 2\n\n");
	split(m, k, &g);
	t_eq_i64(g.n, 2, "two messages across a 40 MB body");
	if (g.n == 2)
		t_eq_mem(g.hdr[1], strlen(g.hdr[1]), "S: 2\n", "second");
	got_free(&g);
	free(m);
}

static void
test_single(void)
{
	const char		*m = "Subject: one\r\nTo: a@b\r\n\r\nFrom x\n";
	struct source_stats	 st = { 0 };
	struct input		*in = input_open_mem(m, strlen(m), "t");
	struct err		 err;
	struct got		 g = { 0 };

	t_eq_i64(msg_scan_single(in, "t", collect, &g, &st, &err), 0, "rc");
	t_eq_i64(g.n, 1, "one message");
	t_eq_mem(g.hdr[0], strlen(g.hdr[0]), "Subject: one\r\nTo: a@b\r\n",
	    "header only");
	input_close(in);
	got_free(&g);
}

static char *
gzip_of(const char *s, size_t *len_out)
{
	z_stream	zs = { 0 };
	size_t		cap = strlen(s) + 128;
	char		*out = xmalloc(cap);

	deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY);
	zs.next_in = (unsigned char *)(uintptr_t)s;
	zs.avail_in = (uInt)strlen(s);
	zs.next_out = (unsigned char *)out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	*len_out = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void
read_all(struct input *in, struct buf *b, int *rc_out)
{
	char		chunk[7];	/* small, to cross internal buffers */
	ssize_t		n;
	struct err	err;

	while ((n = input_read(in, chunk, sizeof(chunk), &err)) > 0)
		buf_add(b, chunk, (size_t)n);
	*rc_out = (int)n;
}

static void
test_compressed(void)
{
	const char	*a = "From a@x Mon Jan  1 00:00:00 2024\nS: 1\n\n";
	const char	*c = "From c@x Mon Jan  1 00:00:02 2024\nS: 3\n\n";
	size_t		 la, lc, zl1, zl2;
	char		*ga = gzip_of(a, &la), *gc = gzip_of(c, &lc);
	char		*two = xmalloc(la + lc), *z = xmalloc(1024);
	struct input	*in;
	struct buf	 b;
	struct err	 err;
	int		 rc;

	/* Two gzip members in a row read as one stream (RFC 1952). */
	memcpy(two, ga, la);
	memcpy(two + la, gc, lc);
	in = input_open_mem(two, la + lc, "t.gz");
	t_ok(strcmp(input_kind(in), "gzip") == 0, "gzip sniffed");
	buf_init(&b, 0);
	read_all(in, &b, &rc);
	t_eq_i64(rc, 0, "gzip reads to the end");
	t_eq_i64(b.len, strlen(a) + strlen(c), "both members");
	input_close(in);

	/* Truncated gzip is an error, not a short read. */
	in = input_open_mem(ga, la - 6, "t.gz");
	buf_reset(&b);
	read_all(in, &b, &rc);
	t_eq_i64(rc, -1, "truncated gzip fails");
	input_close(in);

	/* Two zstd frames. */
	zl1 = ZSTD_compress(z, 512, a, strlen(a), 3);
	zl2 = ZSTD_compress(z + zl1, 512, c, strlen(c), 3);
	in = input_open_mem(z, zl1 + zl2, "t.zst");
	t_ok(strcmp(input_kind(in), "zstd") == 0, "zstd sniffed");
	buf_reset(&b);
	read_all(in, &b, &rc);
	t_eq_i64(rc, 0, "zstd reads to the end");
	t_eq_mem(b.data, b.len, "From a@x Mon Jan  1 00:00:00 2024\nS: 1\n\n"
	    "From c@x Mon Jan  1 00:00:02 2024\nS: 3\n\n", "both frames");
	input_close(in);

	/* Corrupt gzip: every byte decoded before the error is read,
	 * whatever the size of the reads, then the error. */
	{
		struct buf	 big, b2;
		char		*gz;
		size_t		 gl;
		int		 rc2;

		buf_init(&big, 0);
		for (int i = 0; big.len < 200000; i++)
			buf_addf(&big, "Line %d of the message body\n", i);
		gz = gzip_of(big.data, &gl);
		gz[gl * 6 / 10] ^= 0x55;
		in = input_open_mem(gz, gl, "t.gz");
		buf_reset(&b);
		read_all(in, &b, &rc);
		input_close(in);
		in = input_open_mem(gz, gl, "t.gz");
		buf_init(&b2, 0);
		for (;;) {
			char		*at;
			ssize_t		 k;

			at = buf_extend(&b2, 65536);
			k = input_read(in, at, 65536, &err);
			b2.len -= 65536 - (k > 0 ? (size_t)k : 0);
			if (k <= 0) {
				rc2 = (int)k;
				break;
			}
		}
		input_close(in);
		t_eq_i64(rc, -1, "corrupt gzip fails");
		t_eq_i64(rc2, -1, "in big reads too");
		/* (A flipped byte may decode to other text up to the CRC
		 * check at the end: the bytes are compared both ways, and
		 * with the original before the bad spot.) */
		t_ok(b.len > 1000 && b.len == b2.len &&
		    memcmp(b.data, b2.data, b.len) == 0 &&
		    memcmp(b.data, big.data, 1000) == 0,
		    "the same bytes both ways (%zu, %zu)", b.len, b2.len);
		buf_free(&b2);
		buf_free(&big);
		free(gz);
	}

	in = input_open_mem(z, zl1 - 3, "t.zst");
	buf_reset(&b);
	read_all(in, &b, &rc);
	t_eq_i64(rc, -1, "truncated zstd fails");
	input_close(in);

	buf_free(&b);
	free(ga);
	free(gc);
	free(two);
	free(z);
}

/* What the line-start checks count. */
struct lines_got {
	size_t		n, listed, bad, truncated;
	uint32_t	ref[SOURCE_LINES_MAX];
};

static int
check_lines(void *arg, const struct source_msg *m, struct err *err)
{
	struct lines_got	*lg = arg;
	size_t			 k;

	(void)err;
	lg->n++;
	if (m->flags & SOURCE_TRUNCATED) {
		lg->truncated++;
		lg->bad += m->lines != NULL;
		return 0;
	}
	if (m->lines == NULL)
		return 0;
	lg->listed++;
	k = hdr_lines(m->hdr, lg->ref, SOURCE_LINES_MAX);
	lg->bad += k != m->nlines || (k > 0 &&
	    memcmp(lg->ref, m->lines, k * sizeof(*lg->ref)) != 0);
	return 0;
}

/*
 * The line starts the splitter hands over are hdr_lines' answer, for
 * blocks of every shape and wherever the window's edges fall: LF and
 * CRLF, continuations by SP and HTAB, Cc:, Content-Length: and From
 * lines (where the search stops), lines that are no fields, a block
 * with more lines than a list holds (none given) and a cut one.
 */
static void
test_lines(void)
{
	static struct lines_got	 lg;
	struct source_stats	 st = { 0 };
	struct input		*in;
	struct err		 err;
	struct buf		 b;
	unsigned		 x = 1;

	buf_init(&b, 0);
	for (int i = 0; i < 3000; i++) {
		const char	*eol = i % 3 == 0 ? "\r\n" : "\n";

		buf_addf(&b, "From a@x Mon Jan  1 00:00:00 2024\n");
		for (int j = 0; j < 5 + i % 17; j++) {
			x = x * 1103515245u + 12345u;
			switch ((x >> 16) % 8) {
			case 0:
				buf_addf(&b, "Received: from x%u%s\tby y%s"
				    " with z; Mon, 1 Jan 2024 00:00:%02u +0000"
				    "%s", x % 977, eol, eol, x % 60, eol);
				break;
			case 1:
				buf_addf(&b, "Cc: a%u@b%s", x % 97, eol);
				break;
			case 2:
				buf_addf(&b, "Content-Length: %u%s", x % 9, eol);
				break;
			case 3:
				buf_addf(&b, "From: <f%u@x>%s", x % 31, eol);
				break;
			case 4:
				buf_addf(&b, "no field here%s", eol);
				break;
			case 5:
				buf_addf(&b, "X-Long: %0*u%s", (int)(x % 300),
				    x % 7, eol);
				break;
			default:
				buf_addf(&b, "Subject: s%u%s %s", x % 13, eol,
				    eol);
				break;
			}
		}
		if (i == 1000)
			for (int j = 0; j < SOURCE_LINES_MAX + 10; j++)
				buf_puts(&b, "T: x\n");
		if (i == 2000)
			for (int j = 0; j < 20000; j++)
				buf_puts(&b, "X-Filler: 0123456789\n");
		buf_addf(&b, "%sbody %d%s\n", eol, i, eol);
	}
	in = input_open_mem(b.data, b.len, "test");
	t_eq_i64(mbox_scan(in, "test", 0, check_lines, &lg, &st, &err), 0,
	    "split");
	input_close(in);
	t_eq_i64(lg.n, 3000, "every message");
	t_eq_i64(lg.truncated, 1, "one cut block");
	t_eq_i64(lg.listed, 2998, "every other block but the longest has "
	    "its line starts");
	t_eq_i64(lg.bad, 0, "they are hdr_lines' answer (none for the cut "
	    "block)");
	buf_free(&b);
}

/* The vector forms of hdrscan_stop give the plain answer and list. */
static void
test_hdrscan(void)
{
	static const char	alpha[] = "\n\n\n\r Cc\tFx:Ll";
	static uint32_t		va[SOURCE_LINES_MAX], vb[SOURCE_LINES_MAX];
	char			s[300];
	unsigned		x = 7;

	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i < sizeof(s); i++) {
			x = x * 1103515245u + 12345u;
			s[i] = alpha[(x >> 16) % (sizeof(alpha) - 1)];
		}
		for (size_t off = 0; off < 40; off++) {
			struct line_list a = { va, 0, 0 }, b = { vb, 0, 0 };
			const char	*ra, *rb;
			size_t		 n = sizeof(s) - off - (x >> 8) % 200;

			rb = hdrscan_stop_sse2(s + off, s + off + n, 1, &b);
			/* The plain loop: no vector step at all. */
			ra = NULL;
			for (size_t i = 0; i < n; i++) {
				const char *p = s + off + i;

				if (*p != '\n')
					continue;
				if (i + 1 == n) {
					ra = p;
					break;
				}
				if (p[1] != ' ' && p[1] != '\t')
					va[a.n++] = (uint32_t)i + 1;
				if (strchr("\n\rCcF", p[1]) != NULL &&
				    (p[1] == '\n' || p[1] == '\r' ||
				    (p[1] == 'F' ? n - i <= 5 || p[5] == ' ' :
				    n - i <= 9 || (p[9] | 0x20) == 'l'))) {
					ra = p;
					break;
				}
			}
			t_ok(ra == rb && a.n == b.n && memcmp(va, vb,
			    a.n * sizeof(*va)) == 0, "sse2, round %d", round);

#ifdef SCAN_AVX2
			if (scan_has_avx2()) {
				b.n = 0;
				rb = hdrscan_stop_avx2(s + off, s + off + n, 1,
				    &b);
				t_ok(ra == rb && a.n == b.n && memcmp(va, vb,
				    a.n * sizeof(*va)) == 0, "avx2, round %d",
				    round);
			}
#endif
		}
	}
}

/* A digest of every message: position, flags and header bytes. */
struct sum {
	size_t		n, stop_at;
	uint64_t	h;
	uint64_t	counted;	/* source_stats.messages */
};

static int
summed(void *arg, const struct source_msg *m, struct err *err)
{
	struct sum	*s = arg;

	if (s->stop_at != 0 && s->n == s->stop_at)
		return err_set(err, ERR_LIMIT, "stop here");
	s->h = (s->h ^ m->pos ^ (uint64_t)m->flags << 56) * 1099511628211u;
	for (size_t i = 0; i < m->hdr.len; i++)
		s->h = (s->h ^ (unsigned char)m->hdr.p[i]) * 1099511628211u;
	s->n++;
	return 0;
}

/* ahead, pipe: as input_set_ahead and input_set_pipe, -1 to leave. */
static int
scan_sum(const void *data, size_t len, int ahead, int pipe, struct sum *s,
    struct err *err)
{
	struct source_stats	 st = { 0 };
	struct input		*in = input_open_mem(data, len, "t.mbox");
	int			 rc;

	if (ahead != -1)
		input_set_ahead(in, ahead);
	if (pipe != -1)
		input_set_pipe(in, pipe);
	s->n = 0;
	s->h = 14695981039346656037u;
	rc = mbox_scan(in, "t.mbox", 0, summed, s, &st, err);
	s->counted = st.messages;
	input_close(in);
	return rc;
}

/*
 * Reading ahead (win_ahead) and the callback's thread (pipe.h) over many
 * chunks, batches and window moves: a 24 MB mbox of messages of every
 * size, one header of 6 MB that makes the window grow while the thread
 * owns its free space and fills a batch alone; the same digest every
 * way, and from zstd (which takes both by itself).  A stop in the
 * callback, and corrupt zstd, end the scan as they do without threads:
 * the callback's error, every message before it counted and no other.
 */
static void
test_threads(void)
{
	struct buf	 b;
	struct sum	 plain = { 0 }, s = { 0 };
	struct err	 err;
	unsigned	 x = 11;
	size_t		 zcap, zlen, before = 0;
	char		*z;

	buf_init(&b, 0);
	for (int i = 0; b.len < (24u << 20); i++) {
		x = x * 1103515245u + 12345u;
		buf_addf(&b, "From a%d@x Mon Jan  1 00:00:00 2024\n"
		    "Message-ID: <%d@x>\nSubject: %u\n", i, i, x);
		for (unsigned k = (x >> 8) % 40; k > 0; k--)
			buf_addf(&b, "Received: from h%u by x; Mon, 1 Jan "
			    "2024\n\t00:00:%02u +0000\n", k, k % 60);
		if (i == 300)
			for (int k = 0; k < 200000; k++)
				buf_puts(&b, "X-Filler: 0123456789abcdef0123"
				    "\n");
		buf_puts(&b, "\n");
		for (unsigned k = (x >> 4) % 3000; k > 0; k--)
			buf_puts(&b, k % 50 == 0 ? "From here, not an "
			    "envelope\n" : "body body body body\n");
		buf_puts(&b, "\n");
	}
	t_eq_i64(scan_sum(b.data, b.len, 0, 0, &plain, &err), 0, "plain");
	t_ok(plain.n > 500 && plain.counted == plain.n, "many messages (%zu)",
	    plain.n);
	for (int way = 1; way <= 3; way++) {
		t_eq_i64(scan_sum(b.data, b.len, way & 1, (way & 2) != 0, &s,
		    &err), 0, "way %d", way);
		t_ok(s.n == plain.n && s.h == plain.h && s.counted == s.n,
		    "way %d: the same messages", way);
	}

	zcap = ZSTD_compressBound(b.len);
	z = xmalloc(zcap);
	zlen = ZSTD_compress(z, zcap, b.data, b.len, 1);
	t_ok(!ZSTD_isError(zlen), "compressed");
	t_eq_i64(scan_sum(z, zlen, -1, -1, &s, &err), 0, "zstd scan");
	t_ok(s.n == plain.n && s.h == plain.h, "zstd: the same messages");

	for (int way = 0; way <= 3; way++) {
		s.stop_at = 500;
		t_eq_i64(scan_sum(z, zlen, way & 1, (way & 2) != 0, &s, &err),
		    -1, "a stop ends it, way %d", way);
		t_ok(strstr(err.msg, "stop here") != NULL,
		    "with the callback's error");
		t_eq_i64(s.n, 500, "no message after the stop");
		t_eq_i64(s.counted, 501, "the stopping one counted, as plain");
		s.stop_at = 0;
		err.msg[0] = '\0';
		t_eq_i64(scan_sum(z, zlen / 2, way & 1, (way & 2) != 0, &s,
		    &err), -1, "half the zstd, way %d", way);
		t_ok(strstr(err.msg, "t.mbox") != NULL &&
		    strstr(err.msg, "truncated") != NULL, "truncated, named: %s",
		    err.msg);
		t_ok(s.n > 0 && s.n < plain.n && s.counted == s.n,
		    "what came before is read (%zu)", s.n);
		if (way == 0)
			before = s.n;
		t_eq_i64(s.n, before, "as much every way");
	}
	free(z);
	buf_free(&b);
}

static const struct t_case tcases[] = {
	{ "split", test_split },
	{ "positions", test_positions },
	{ "envelope", test_envelope },
	{ "envelope against its reference", test_envelope_slow },
	{ "huge_header", test_huge_header },
	{ "field_over_window", test_field_over_window },
	{ "big_body", test_big_body },
	{ "single", test_single },
	{ "compressed", test_compressed },
	{ "lines", test_lines },
	{ "hdrscan", test_hdrscan },
	{ "threads", test_threads },
};
T_MAIN(tcases)
