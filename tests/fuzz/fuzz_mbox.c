/*
 * fuzz_mbox.c: arbitrary bytes as an mbox stream and as one message,
 * through the decompressing input (gzip and zstd magic are sniffed too).
 *
 * Invariants checked: messages come in increasing positions, header
 * blocks are inside the input's size and within SOURCE_HDR_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/input.h"
#include "ingest/mbox.h"

struct state {
	uint64_t	last;
	size_t		n;
	size_t		size;
};

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
	s->last = m->pos;
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_stats	 st = { 0 };
	struct state		 s = { 0 };
	struct input		*in;
	struct err		 err;
	int			 plain;

	in = input_open_mem(data, size, "fuzz");
	plain = strcmp(input_kind(in), "plain") == 0;
	s.size = plain ? size : 0;
	(void)mbox_scan(in, "fuzz", 0, check, &s, &st, &err);
	input_close(in);

	memset(&s, 0, sizeof(s));
	s.size = plain ? size : 0;
	in = input_open_mem(data, size, "fuzz");
	(void)msg_scan_single(in, "fuzz", check, &s, &st, &err);
	input_close(in);
	if (s.n > 1)
		abort();
	return 0;
}
