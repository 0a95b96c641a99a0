/*
 * fuzz_mbox.c: arbitrary bytes as an mbox stream and as one message,
 * through the decompressing input (gzip and zstd magic are sniffed too).
 *
 * Invariants checked: messages come in increasing positions, header
 * blocks are inside the input's size and within SOURCE_HDR_MAX, the line
 * starts handed over with a block are hdr_lines' (and none come with a
 * cut block); the splitter's line-listing search (ingest/hdrscan.h)
 * gives the same answer and list in its SSE2 and AVX2 forms; the
 * splitter's vector searches (base/scan.h) give the SSE2 answer in their
 * AVX2 versions too, from every start in the input; the envelope test
 * agrees with its plain reference on the input as a line and with "From "
 * before it.  For a quarter of the inputs the stream is split again with
 * the window reading ahead and the callback on its own thread (pipe.h):
 * the same result, and the same messages and counts unless compressed
 * data was corrupt.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/scan.h"
#include "ingest/hdrscan.h"
#include "ingest/input.h"
#include "ingest/mbox.h"
#include "mail/hdr.h"

struct state {
	uint64_t	last;
	size_t		n;
	size_t		size;
	uint64_t	h;		/* digest of what was handed over */
};

static uint32_t	ref[SOURCE_LINES_MAX], va[SOURCE_LINES_MAX],
		vb[SOURCE_LINES_MAX];

static int
check(void *arg, const struct source_msg *m, struct err *err)
{
	struct state	*s = arg;

	if (s->n > 0 && m->pos <= s->last)
		abort();
	if (m->hdr.len > SOURCE_HDR_MAX)
		abort();
	/* Uncompressed input: nothing can be longer than it. */
	if (s->size > 0 && m->hdr.len > s->size)
		abort();
	if (m->lines != NULL) {
		size_t	k = hdr_lines(m->hdr, ref, SOURCE_LINES_MAX);

		if ((m->flags & SOURCE_TRUNCATED) || k != m->nlines ||
		    (k > 0 && memcmp(ref, m->lines, k * sizeof(*ref)) != 0))
			abort();
	}
	s->last = m->pos;
	s->n++;
	s->h = (s->h ^ m->pos ^ (uint64_t)m->flags << 60 ^ m->nlines << 32) *
	    1099511628211u;
	for (size_t i = 0; i < m->hdr.len; i++)
		s->h = (s->h ^ (unsigned char)m->hdr.p[i]) * 1099511628211u;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_envelope(const char *p, size_t size)
{
	char	l[512];
	size_t	n = size < sizeof(l) - 5 ? size : sizeof(l) - 5;

	if (mbox_is_envelope(str_make(p, size)) !=
	    mbox_is_envelope_slow(str_make(p, size)))
		abort();
	memcpy(l, "From ", 5);
	memcpy(l + 5, p, n);
	if (mbox_is_envelope(str_make(l, n + 5)) !=
	    mbox_is_envelope_slow(str_make(l, n + 5)))
		abort();
}

static void
check_scans(const char *p, size_t size)
{
#ifdef SCAN_AVX2
	const char	*end = p + size;

	if (!scan_has_avx2())
		return;
	for (size_t i = 0; i <= size && i < 64; i++) {
		struct line_list a = { va, 0, 0 }, b = { vb, 0, 0 };

		if (hdrscan_stop_avx2(p + i, end, 1, &a) !=
		    hdrscan_stop_sse2(p + i, end, 1, &b) || a.n != b.n ||
		    a.over != b.over ||
		    memcmp(va, vb, a.n * sizeof(*va)) != 0)
			abort();
		if (scan_field_end_avx2(p + i, end) !=
		    scan_field_end_sse2(p + i, end) ||
		    scan_hdr_stop_avx2(p + i, end) !=
		    scan_hdr_stop_sse2(p + i, end) ||
		    scan_nl_f_avx2(p + i, end) != scan_nl_f_sse2(p + i, end))
			abort();
	}
#else
	(void)p;
	(void)size;
#endif
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_stats	 st = { 0 };
	struct state		 s = { 0 };
	struct input		*in;
	struct err		 err;
	int			 plain, rc;

	check_scans((const char *)data, size);
	check_envelope((const char *)data, size);
	in = input_open_mem(data, size, "fuzz");
	plain = strcmp(input_kind(in), "plain") == 0;
	s.size = plain ? size : 0;
	rc = mbox_scan(in, "fuzz", 0, check, &s, &st, &err);
	input_close(in);

	if (size % 4 == 0) {
		struct source_stats	st2 = { 0 };
		struct state		s2 = { 0 };

		s2.size = s.size;
		in = input_open_mem(data, size, "fuzz");
		input_set_ahead(in, 1);
		input_set_pipe(in, 1);
		if (mbox_scan(in, "fuzz", 0, check, &s2, &st2, &err) != rc)
			abort();
		/* Corrupt zstd may yield part of its bad block, or not, by
		 * the size of the reads: only an error is certain then. */
		if ((plain || rc == 0) && (s2.n != s.n || s2.h != s.h ||
		    st2.messages != st.messages || st2.bytes != st.bytes))
			abort();
		input_close(in);
	}

	memset(&s, 0, sizeof(s));
	s.size = plain ? size : 0;
	in = input_open_mem(data, size, "fuzz");
	(void)msg_scan_single(in, "fuzz", check, &s, &st, &err);
	input_close(in);
	if (s.n > 1)
		abort();
	return 0;
}
