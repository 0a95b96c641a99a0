/*
 * fuzz_meta.c: a header block through the whole field parser
 * (hdr_next, meta_parse and every field parser it calls).
 *
 * Invariants checked: every address is non-empty and has no ASCII upper
 * case, every id is non-empty, the subject is valid UTF-8, and a parsed
 * date lies inside the years the spec allows; meta_parse_slow (every
 * value unfolded first), and meta_parse_lines given hdr_lines' list,
 * give the same metadata.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/json.h"
#include "mail/date.h"
#include "mail/hdr.h"
#include "mail/meta.h"
#include "ingest/source.h"

static struct meta_parser	*mp, *mp_slow, *mp_lines;
static uint32_t			 lines[SOURCE_LINES_MAX];

static void
check_utf8(struct str s)
{
	for (size_t i = 0; i < s.len; ) {
		size_t k = utf8_seq_len((const unsigned char *)s.p + i,
		    s.len - i);

		if (k == 0)
			abort();
		i += k;
	}
}

static void
check_addrs(const struct mail_addrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].addr.len == 0)
			abort();
		for (size_t j = 0; j < a->v[i].addr.len; j++)
			if (a->v[i].addr.p[j] >= 'A' &&
			    a->v[i].addr.p[j] <= 'Z')
				abort();
	}
}

static void
check_ids(const struct mail_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->v[i].len == 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str	h = str_make((const char *)data, size);
	struct msg_meta	m, ms;
	size_t		n;

	if (mp == NULL) {
		mp = meta_parser_new();
		mp_slow = meta_parser_new();
		mp_lines = meta_parser_new();
	}
	meta_parse(mp, h, &m);
	meta_parse_slow(mp_slow, h, &ms);
	if (!meta_equal(&m, &ms))
		abort();
	if ((n = hdr_lines(h, lines, SOURCE_LINES_MAX)) <= SOURCE_LINES_MAX) {
		meta_parse_lines(mp_lines, h, lines, n, &ms);
		if (!meta_equal(&m, &ms))
			abort();
	}
	check_addrs(&m.from);
	check_addrs(&m.sender);
	check_addrs(&m.to);
	check_addrs(&m.cc);
	check_ids(&m.in_reply_to);
	check_ids(&m.references);
	if (m.message_id.p != NULL && m.message_id.len == 0)
		abort();
	if (m.subject.p != NULL)
		check_utf8(m.subject);
	if (m.has_date && (m.date < -86400 ||
	    m.date > date_days_from_civil(DATE_YEAR_MAX + 1, 1, 2) * 86400))
		abort();
	return 0;
}
