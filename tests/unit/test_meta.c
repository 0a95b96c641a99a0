/*
 * test_meta.c: the header-block iterator and the field assembly of
 * meta_parse: automation markers (metrics spec section 3), which copy of a
 * repeated field wins, the top-most Received, and problem flags.
 */
#include "base/buf.h"
#include "ingest/source.h"
#include "mail/hdr.h"
#include "mail/meta.h"
#include "corpus.h"
#include "t.h"

static void
test_hdr_iter(void)
{
	const char		*blk = "A: 1\r\nB : two\n words\n\tmore\n"
				    "no colon here\n continued junk\nC:\n";
	struct hdr_iter		 it;
	struct hdr_field	 f = { STR_NULL, STR_NULL };
	struct arena		*a = arena_new(1 << 20);

	hdr_iter_init(&it, str_cstr(blk));
	t_ok(hdr_next(&it, &f) == 1, "first field");
	t_eq_str(f.name, "A", "name");
	t_eq_str(f.value, " 1", "value without CRLF");
	t_ok(hdr_next(&it, &f) == 1, "second field");
	t_eq_str(f.name, "B", "obsolete space before colon");
	t_eq_str(f.value, " two\n words\n\tmore", "folded value kept raw");
	t_eq_str(hdr_unfold(a, f.value), "two words\tmore", "unfolded");
	t_ok(hdr_next(&it, &f) == 1, "third field after a bad line");
	t_eq_str(f.name, "C", "name C");
	t_eq_str(f.value, "", "empty value");
	t_ok(hdr_next(&it, &f) == 0, "end");
	t_eq_i64(it.bad_lines, 1, "one bad line (with its continuation)");
	hdr_iter_init(&it, STR(""));
	t_ok(hdr_next(&it, &f) == 0, "empty block");
	arena_free(a);
}

static const struct {
	const char	*hdr;
	unsigned	 auto_flags;
} auto_cases[] = {
	{ "Auto-Submitted: auto-replied\n",		AUTO_SUBMITTED },
	{ "Auto-Submitted: Auto-Generated; x=y\n",	AUTO_SUBMITTED },
	{ "Auto-Submitted: no\n",			0 },
	{ "Auto-Submitted: NO (comment)\n",		0 },
	{ "Auto-Submitted: (comment) no\n",		0 },
	{ "Auto-Submitted:\n",				0 },
	{ "Precedence: junk\n",				AUTO_PREC_JUNK },
	{ "Precedence: Auto_Reply\n",			AUTO_PREC_AUTO_REPLY },
	{ "Precedence: bulk\n",				AUTO_PREC_BULK },
	{ "Precedence: list\n",				AUTO_PREC_LIST },
	{ "Precedence: first-class\n",			0 },
	{ "X-Autoreply: yes\n",				AUTO_X_AUTOREPLY },
	{ "X-Autorespond: anything\n",			AUTO_X_AUTORESPOND },
	{ "Return-Path: <>\n",				AUTO_RETURN_PATH_NULL },
	{ "Return-Path: < >\n",				AUTO_RETURN_PATH_NULL },
	{ "Return-Path: <a@b>\n",			0 },
	{ "List-Id: <x.y>\n",				AUTO_LIST_ID },
	{ "List-Unsubscribe: <mailto:u@x>\n",		AUTO_LIST_UNSUBSCRIBE },
	{ "List-Post: NO\n",				AUTO_LIST_POST },
	/* Names in any case; one byte off at either end is another field
	 * (the names are compared eight bytes at a time). */
	{ "AUTO-SUBMITTED: auto-replied\n",		AUTO_SUBMITTED },
	{ "Xuto-Submitted: auto-replied\n",		0 },
	{ "Auto-Submittee: auto-replied\n",		0 },
	{ "Auto-Sabmitted: auto-replied\n",		0 },
	{ "Auto-Submitteds: auto-replied\n",		0 },
	{ "LIST-UNSUBSCRIBE: <mailto:u@x>\n",		AUTO_LIST_UNSUBSCRIBE },
	{ "List-Unsubscribf: <mailto:u@x>\n",		0 },
	{ "List-Unsubscrib: <mailto:u@x>\n",		0 },
	{ "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n", 0 },
	{ "PRECEDENCE: BULK\n",				AUTO_PREC_BULK },
	{ "Precedencf: bulk\n",				0 },
	{ "Qrecedence: bulk\n",				0 },
	{ "X-AUTORESPOND: x\n",				AUTO_X_AUTORESPOND },
	{ "X-Autorespone: x\n",				0 },
	{ "X_Autorespond: x\n",				0 },
	{ "list-id: <x.y>\n",				AUTO_LIST_ID },
	{ "List_Id: <x.y>\n",				0 },
	{ "From: MAILER-DAEMON@x.org\n",		AUTO_ROBOT_SENDER },
	{ "From: Postmaster <postmaster@x.org>\n",	AUTO_ROBOT_SENDER },
	{ "From: noreply@x.org\n",			AUTO_ROBOT_SENDER },
	{ "From: No-Reply@x.org\n",			AUTO_ROBOT_SENDER },
	{ "From: donotreply@x.org\n",			AUTO_ROBOT_SENDER },
	{ "From: do-not-reply@x.org\n",			AUTO_ROBOT_SENDER },
	{ "From: noreply.team@x.org\n",			0 },
	{ "From: a@x.org\nSender: noreply@x.org\n",	0 },
	{ "From: a@x.org\n",				0 },
};

static void
test_auto(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;

	for (size_t i = 0; i < nitems(auto_cases); i++) {
		meta_parse(mp, str_cstr(auto_cases[i].hdr), &m);
		t_eq_i64(m.auto_flags, auto_cases[i].auto_flags, "case %zu: %s",
		    i, auto_cases[i].hdr);
	}
	meta_parser_free(mp);
}

static void
test_fields(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;

	meta_parse(mp, STR("From: a@x.org\nFrom: b@x.org\nSubject: one\n"
	    "Subject: two\nTo: c@x.org\nTo: d@x.org\nCc: e@x.org\n"
	    "Message-ID: <1@x>\nMessage-ID: <2@x>\n"
	    "Received: garbage without a date\n"
	    "Received: from x; Tue, 1 Jul 2003 10:52:37 +0000\n"
	    "Date: Tue, 1 Jul 2003 10:00:00 +0000\nDate: junk\n"
	    "In-Reply-To: <p@x>\nReferences: <r@x>\nReferences: <s@x>\n"), &m);
	t_eq_i64(m.from.n, 1, "one From address");
	t_eq_str(m.from.v[0].addr, "a@x.org", "first From wins");
	t_eq_str(m.subject, "one", "first Subject wins");
	t_eq_i64(m.to.n, 2, "To fields joined");
	t_eq_str(m.to.v[1].addr, "d@x.org", "second To kept");
	t_eq_str(m.message_id, "1@x", "first Message-ID wins");
	t_ok(m.received_seen && !m.has_received,
	    "only the top-most Received counts, even unparseable");
	t_ok(m.has_date, "first Date wins");
	t_eq_i64(m.date, 1057053600, "date value");
	t_eq_i64(m.references.n, 2, "References joined");
	t_eq_i64(m.bad_flags, 0, "nothing bad");

	meta_parse(mp, STR("Date: Tue, 1 Jul 2003 25:00:00 +0000\n"
	    "From: nobody\nTo: x@y, broken\nMessage-ID: none\n"
	    "Subject: a\0b\nnot a field\n"), &m);
	t_eq_i64(m.bad_flags, BAD_DATE | BAD_FROM | BAD_ADDR | BAD_MSGID |
	    BAD_NUL | BAD_SYNTAX, "every problem flagged");
	t_ok(!m.has_date && m.message_id.p == NULL, "no date, no id");
	t_eq_i64(m.to.n, 1, "good To address kept");
	meta_parser_free(mp);
}

static void
test_limits(void)
{
	struct meta_parser	*mp = meta_parser_new();
	struct msg_meta		 m;
	struct buf		 b;

	buf_init(&b, 0);
	for (int i = 0; i < META_MAX_FIELDS + 10; i++)
		buf_puts(&b, "X-A: b\n");
	buf_puts(&b, "Subject: late\n");
	meta_parse(mp, buf_str(&b), &m);
	t_ok(m.bad_flags & BAD_LIMIT, "field limit flagged");
	t_ok(m.subject.p == NULL, "fields past the limit are not read");
	buf_free(&b);
	meta_parser_free(mp);
}

/* Folded id fields, NULs and CRs in them, through both. */
static void
test_fast_slow(void)
{
#define B(s)	{ s, sizeof(s) - 1 }
	static const struct {
		const char	*p;
		size_t		 n;
	} blocks[] = {
		B("Message-ID:\r\n <a@b>\r\nReferences: <x@y>\r\n\t<p\r\n q@r>"
		    "\r\nIn-Reply-To: junk <c\n@d> (comment)\n"),
		B("Message-ID: <a\0b@c\n d>\nReferences: <1@2>\n <3\0@4>\n"),
		B("References: <1@2>\n <3@4>\nReferences: <5@6>\n\n <7@8>\n"),
		B("In-Reply-To: \n\n"),
		B("Message-ID: <\n>\nIn-Reply-To: <a@b\r\n>\r\n"),
		B("Received: from a by b; Mon, 2 Jan 2006\n 10:00:00 +0100\n"),
	};
#undef B
	struct meta_parser	*mp = meta_parser_new();
	struct meta_parser	*ms = meta_parser_new();
	struct msg_meta		 m, s;

	for (size_t i = 0; i < nitems(blocks); i++) {
		meta_parse(mp, str_make(blocks[i].p, blocks[i].n), &m);
		meta_parse_slow(ms, str_make(blocks[i].p, blocks[i].n), &s);
		t_ok(meta_equal(&m, &s), "block %zu", i);
	}
	t_ok(m.has_received, "the folded Received date is read");
	meta_parser_free(mp);
	meta_parser_free(ms);
}

/* What the corpus walk compares with. */
struct corpus_meta {
	struct meta_parser	*mp, *ms, *ml;
	size_t			 n, bad;
	size_t			 listed;	/* blocks with line starts */
	size_t			 bad_lines;	/* lists unlike hdr_lines */
	size_t			 bad_ml;	/* meta_parse_lines unlike */
	uint32_t		 ref[SOURCE_LINES_MAX];
};

static int
corpus_msg(void *arg, const struct source_msg *sm, struct err *err)
{
	struct corpus_meta	*cm = arg;
	struct msg_meta		 m, s;

	(void)err;
	meta_parse(cm->mp, sm->hdr, &m);
	meta_parse_slow(cm->ms, sm->hdr, &s);
	cm->n++;
	cm->bad += !meta_equal(&m, &s);
	if (sm->lines != NULL) {
		size_t	k = hdr_lines(sm->hdr, cm->ref, SOURCE_LINES_MAX);

		cm->listed++;
		cm->bad_lines += k != sm->nlines || (k > 0 &&
		    memcmp(cm->ref, sm->lines, k * sizeof(*cm->ref)) != 0);
		meta_parse_lines(cm->ml, sm->hdr, sm->lines, sm->nlines, &s);
		cm->bad_ml += !meta_equal(&m, &s);
	}
	return 0;
}

/* Every header block of the real corpora through both. */
static void
test_fast_slow_corpora(void)
{
	static const char *const parts[] = {
		"linux-raid.mbox.zst", "torture", "spamassassin",
	};
	static struct corpus_meta cm;
	int			 rc;

	cm.mp = meta_parser_new();
	cm.ms = meta_parser_new();
	cm.ml = meta_parser_new();
	rc = corpus_scan(parts, nitems(parts), corpus_msg, &cm,
	    "meta comparison");
	meta_parser_free(cm.mp);
	meta_parser_free(cm.ms);
	meta_parser_free(cm.ml);
	if (rc == -1)
		return;
	t_ok(cm.n > 20000, "%zu header blocks compared", cm.n);
	t_eq_i64((int64_t)cm.bad, 0, "meta_parse and meta_parse_slow agree "
	    "on the corpora");
	/* Every block the corpora hold is short enough to be listed. */
	t_eq_i64((int64_t)cm.listed, (int64_t)cm.n, "the readers list the "
	    "line starts of every block");
	t_eq_i64((int64_t)cm.bad_lines, 0, "the lists are hdr_lines'");
	t_eq_i64((int64_t)cm.bad_ml, 0, "meta_parse_lines and meta_parse "
	    "agree on the corpora");
}

/*
 * meta_parse_lines with the right list is meta_parse; with a wrong one
 * (not increasing, past the block, at 0) it stays inside the block
 * (the sanitizer build checks that) and NULL is meta_parse.
 */
static void
test_lines(void)
{
	static const char	blk[] = "From: A <a@x>\r\nTo: b@y,\r\n c@z\r\n"
	    "bad line\r\nSubject: s\r\n\tt\r\nDate: Mon, 1 Jan 2024 "
	    "00:00:00 +0000\r\nMessage-ID: <m@x>\r\n";
	static const uint32_t	wrong[][3] = {
		{ 30, 20, 10 }, { 0, 5, 9 }, { 15, 9999, 16 }, { 600, 1, 2 },
	};
	struct str		 h = str_make(blk, sizeof(blk) - 1);
	struct meta_parser	*mp = meta_parser_new();
	struct meta_parser	*ml = meta_parser_new();
	struct msg_meta		 m, l;
	uint32_t		 v[64];
	size_t			 n = hdr_lines(h, v, nitems(v));

	t_eq_i64(n, 5, "five line starts after the first");
	meta_parse(mp, h, &m);
	meta_parse_lines(ml, h, v, n, &l);
	t_ok(meta_equal(&m, &l), "the right list");
	t_eq_i64(m.to.n, 2, "a folded To");
	meta_parse_lines(ml, h, NULL, 0, &l);
	t_ok(meta_equal(&m, &l), "no list");
	for (size_t i = 0; i < nitems(wrong); i++)
		meta_parse_lines(ml, h, wrong[i], 3, &l);
	t_ok(1, "wrong lists read nothing outside the block");
	meta_parser_free(mp);
	meta_parser_free(ml);
}

static const struct t_case cases[] = {
	{ "hdr_iter", test_hdr_iter },
	{ "auto", test_auto },
	{ "fields", test_fields },
	{ "limits", test_limits },
	{ "fast_slow", test_fast_slow },
	{ "fast_slow_corpora", test_fast_slow_corpora },
	{ "lines", test_lines },
};
T_MAIN(cases)
