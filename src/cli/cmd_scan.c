/*
 * cmd_scan.c: replytime scan: one record per message, header metadata
 * only, as JSON lines or CSV, and a summary on standard error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../base/json.h"
#include "../base/xmalloc.h"
#include "../ingest/source.h"
#include "../mail/meta.h"
#include "cmd.h"

#define PROBLEMS_SHOWN	20	/* malformed messages listed on stderr */

enum fmt { FMT_JSONL, FMT_CSV };

struct scan {
	enum fmt		 fmt;
	struct meta_parser	*mp;
	struct buf		 out;
	char			*path;		/* owned: last path seen */
	struct buf		 path_json;	/* it as a JSON string */
	int64_t			 day;		/* json_time's last day */
	char			 day_iso[24];	/* "YYYY-MM-DDT..." */
	int			 day_ok;
	unsigned		 auto_last;	/* put_flags' text for */
	int			 auto_ok;	/* these auto flags */
	size_t			 auto_len;
	char			 auto_txt[512];
	uint64_t		 n;
	uint64_t		 malformed, undated, noid, automated;
	int			 quiet;
};

static const char *const auto_names[] = {
	"auto-submitted", "precedence:junk", "precedence:auto_reply",
	"precedence:bulk", "precedence:list", "x-autoreply", "x-autorespond",
	"return-path:<>", "list-id", "list-unsubscribe", "list-post",
	"robot-sender",
};

static const char *const csv_columns =
    "n,source,pos,from,from_name,sender,to,cc,subject,date,received,"
    "message_id,in_reply_to,references,thread_index,auto,problems\n";

/*
 * A JSON record is written straight into room reserved in sc->out for
 * the longest text it can take (JSON_STR_ROOM per string, RECORD_ROOM
 * for the rest), with a cursor d and no test per piece; the unused rest
 * is given back at the end.
 */
#define RECORD_ROOM	1024	/* keys, numbers, times, flag names */
#define ITEM_ROOM	16	/* {"addr":,"name":} and commas */

/* A literal at d, d moved past it. */
#define PUT(d, lit)	(memcpy((d), (lit), sizeof(lit) - 1), \
			    (d) += sizeof(lit) - 1)

/* v in decimal at d, written from its last digit back: no copy of a
 * variable length (a call or a slow string move for a few bytes). */
static char *
put_u64(char *d, uint64_t v)
{
	size_t	n = 1;

	for (uint64_t t = v; t >= 10; t /= 10)
		n++;
	for (size_t i = n; i-- > 0; v /= 10)
		d[i] = (char)('0' + v % 10);
	return d + n;
}

static char *
put_str_or_null(char *d, struct str s)
{
	if (s.p == NULL) {
		PUT(d, "null");
		return d;
	}
	return d + json_put_str(d, s);
}

static size_t
addrs_room(const struct mail_addrs *a)
{
	size_t	n = 0;

	for (size_t i = 0; i < a->n; i++)
		n += JSON_STR_ROOM(a->v[i].addr.len) +
		    JSON_STR_ROOM(a->v[i].name.len) + ITEM_ROOM;
	return n;
}

static size_t
ids_room(const struct mail_ids *ids)
{
	size_t	n = 0;

	for (size_t i = 0; i < ids->n; i++)
		n += JSON_STR_ROOM(ids->v[i].len) + 1;
	return n;
}

/* The elements of an address array, without its brackets. */
static char *
put_addrs(char *d, const struct mail_addrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			*d++ = ',';
		PUT(d, "{\"addr\":");
		d += json_put_str(d, a->v[i].addr);
		if (a->v[i].name.len > 0) {
			PUT(d, ",\"name\":");
			d += json_put_str(d, a->v[i].name);
		}
		*d++ = '}';
	}
	return d;
}

static char *
put_ids(char *d, const struct mail_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		if (i)
			*d++ = ',';
		d += json_put_str(d, ids->v[i]);
	}
	return d;
}

/*
 * A time as "YYYY-MM-DDTHH:MM:SSZ" with its quotes, or null: the date
 * part is kept from the last call on the same day (most dates of a file
 * fall on few days), the time of day is two digits at a time.  Exactly
 * civil_fmt_iso's text, which writes the day's part and every time
 * outside years 0-9999.  At most 44 bytes.
 */
static char *
put_time(struct scan *sc, char *d, int has, int64_t t)
{
	static const char	d2[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "939495969798";
	int64_t		 day, sec;
	char		 q[44];
	size_t		 n;

	if (!has) {
		PUT(d, "null");
		return d;
	}
	day = t / 86400;
	sec = t % 86400;
	if (sec < 0) {
		day--;
		sec += 86400;
	}
	if (!sc->day_ok || day != sc->day) {
		civil_fmt_iso(day * 86400, sc->day_iso, sizeof(sc->day_iso));
		sc->day = day;
		/* Years outside 0-9999 take the full formatter each time. */
		sc->day_ok = sc->day_iso[20] == '\0' &&
		    sc->day_iso[10] == 'T';
	}
	q[0] = '"';
	if (sc->day_ok) {
		memcpy(q + 1, sc->day_iso, 11);
		memcpy(q + 12, d2 + 2 * (sec / 3600), 2);
		q[14] = ':';
		memcpy(q + 15, d2 + 2 * (sec / 60 % 60), 2);
		q[17] = ':';
		memcpy(q + 18, d2 + 2 * (sec % 60), 2);
		q[20] = 'Z';
		n = 21;
	} else {
		civil_fmt_iso(t, q + 1, sizeof(q) - 2);
		n = 1 + strlen(q + 1);
	}
	q[n++] = '"';
	memcpy(d, q, n);
	return d + n;
}

/* The names of the flags set, as JSON strings, without brackets. */
static char *
put_flags(char *d, unsigned flags, int is_auto)
{
	const char	*name;
	size_t		 n;

	for (unsigned i = 0; i < 16 && (flags >> i) != 0; i++) {
		if (!(flags & (1u << i)))
			continue;
		name = is_auto ? (i < nitems(auto_names) ? auto_names[i] :
		    "?") : meta_bad_name(1u << i);
		if ((flags & ((1u << i) - 1)) != 0)
			*d++ = ',';
		*d++ = '"';
		n = strlen(name);
		memcpy(d, name, n);
		d += n;
		*d++ = '"';
	}
	return d;
}

static void
emit_jsonl(struct scan *sc, const struct source_msg *sm,
    const struct msg_meta *m)
{
	struct buf	*b = &sc->out;
	size_t		 room;
	char		*d, *start;

	/* Escaped once per file.  Compared by content, not by pointer:
	 * the next file's path may be allocated where the last one was
	 * freed. */
	if (sc->path == NULL || strcmp(sc->path, sm->path) != 0) {
		free(sc->path);
		sc->path = xstrdup(sm->path);
		buf_reset(&sc->path_json);
		json_add_str(&sc->path_json, str_cstr(sm->path));
	}
	room = RECORD_ROOM + sc->path_json.len + addrs_room(&m->from) +
	    addrs_room(&m->sender) + addrs_room(&m->to) + addrs_room(&m->cc) +
	    JSON_STR_ROOM(m->subject.len) + JSON_STR_ROOM(m->message_id.len) +
	    ids_room(&m->in_reply_to) + ids_room(&m->references) +
	    JSON_STR_ROOM(m->thread_index.len) + JSON_STR_ROOM(m->list_id.len);
	if ((start = buf_extend(b, room)) == NULL)
		return;		/* over the ceiling: sticky, as buf_add */
	d = start;
	PUT(d, "{\"n\":");
	d = put_u64(d, sc->n);
	PUT(d, ",\"source\":");
	memcpy(d, sc->path_json.data, sc->path_json.len);
	d += sc->path_json.len;
	PUT(d, ",\"pos\":");
	d = put_u64(d, sm->pos);
	PUT(d, ",\"from\":[");
	d = put_addrs(d, &m->from);
	PUT(d, "],\"sender\":[");
	d = put_addrs(d, &m->sender);
	PUT(d, "],\"to\":[");
	d = put_addrs(d, &m->to);
	PUT(d, "],\"cc\":[");
	d = put_addrs(d, &m->cc);
	PUT(d, "],\"subject\":");
	d = put_str_or_null(d, m->subject);
	PUT(d, ",\"date\":");
	d = put_time(sc, d, m->has_date, m->date);
	PUT(d, ",\"received\":");
	d = put_time(sc, d, m->has_received, m->received);
	PUT(d, ",\"message_id\":");
	d = put_str_or_null(d, m->message_id);
	PUT(d, ",\"in_reply_to\":[");
	d = put_ids(d, &m->in_reply_to);
	PUT(d, "],\"references\":[");
	d = put_ids(d, &m->references);
	PUT(d, "],\"thread_index\":");
	d = put_str_or_null(d, m->thread_index);
	PUT(d, ",\"list_id\":");
	d = put_str_or_null(d, m->list_id);
	PUT(d, ",\"auto\":[");
	/* Most messages of a file carry the same flags: written once. */
	if (!sc->auto_ok || m->auto_flags != sc->auto_last) {
		sc->auto_len = (size_t)(put_flags(sc->auto_txt,
		    m->auto_flags, 1) - sc->auto_txt);
		sc->auto_last = m->auto_flags;
		sc->auto_ok = 1;
	}
	memcpy(d, sc->auto_txt, sc->auto_len);
	d += sc->auto_len;
	PUT(d, "],\"problems\":[");
	d = put_flags(d, m->bad_flags, 0);
	PUT(d, "]}\n");
	/* Give back what the record did not take. */
	b->len -= room - (size_t)(d - start);
	b->data[b->len] = '\0';
}

/* Joins a list into one CSV field, separated by ", " or " ". */
static void
csv_join_addrs(struct buf *b, const struct mail_addrs *a)
{
	struct buf	f;

	buf_init(&f, 0);
	for (size_t i = 0; i < a->n; i++) {
		if (i)
			buf_lit(&f, ", ");
		buf_addstr(&f, a->v[i].addr);
	}
	csv_add_field(b, buf_str(&f));
	buf_free(&f);
}

static void
csv_join_ids(struct buf *b, const struct mail_ids *ids)
{
	struct buf	f;

	buf_init(&f, 0);
	for (size_t i = 0; i < ids->n; i++) {
		if (i)
			buf_addc(&f, ' ');
		buf_addstr(&f, ids->v[i]);
	}
	csv_add_field(b, buf_str(&f));
	buf_free(&f);
}

static void
csv_flags(struct buf *b, unsigned flags, int is_auto)
{
	int	first = 1;

	for (unsigned i = 0; i < 16; i++) {
		if (!(flags & (1u << i)))
			continue;
		buf_puts(b, first ? "" : " ");
		buf_puts(b, is_auto ? (i < nitems(auto_names) ?
		    auto_names[i] : "?") : meta_bad_name(1u << i));
		first = 0;
	}
}

static void
emit_csv(struct scan *sc, const struct source_msg *sm,
    const struct msg_meta *m)
{
	struct buf	*b = &sc->out;
	char		 iso[40];

	buf_addf(b, "%llu,", (unsigned long long)sc->n);
	csv_add_field(b, str_cstr(sm->path));
	buf_addf(b, ",%llu,", (unsigned long long)sm->pos);
	csv_add_field(b, m->from.n ? m->from.v[0].addr : STR(""));
	buf_addc(b, ',');
	csv_add_field(b, m->from.n ? m->from.v[0].name : STR(""));
	buf_addc(b, ',');
	csv_join_addrs(b, &m->sender);
	buf_addc(b, ',');
	csv_join_addrs(b, &m->to);
	buf_addc(b, ',');
	csv_join_addrs(b, &m->cc);
	buf_addc(b, ',');
	csv_add_field(b, m->subject.p ? m->subject : STR(""));
	buf_addc(b, ',');
	if (m->has_date) {
		civil_fmt_iso(m->date, iso, sizeof(iso));
		buf_puts(b, iso);
	}
	buf_addc(b, ',');
	if (m->has_received) {
		civil_fmt_iso(m->received, iso, sizeof(iso));
		buf_puts(b, iso);
	}
	buf_addc(b, ',');
	csv_add_field(b, m->message_id.p ? m->message_id : STR(""));
	buf_addc(b, ',');
	csv_join_ids(b, &m->in_reply_to);
	buf_addc(b, ',');
	csv_join_ids(b, &m->references);
	buf_addc(b, ',');
	csv_add_field(b, m->thread_index.p ? m->thread_index : STR(""));
	buf_addc(b, ',');
	csv_flags(b, m->auto_flags, 1);
	buf_addc(b, ',');
	csv_flags(b, m->bad_flags, 0);
	buf_addc(b, '\n');
}

static int
on_message(void *arg, const struct source_msg *sm, struct err *err)
{
	struct scan	*sc = arg;
	struct msg_meta	 m;

	meta_parse_lines(sc->mp, sm->hdr, sm->lines, sm->nlines, &m);
	if (sm->flags & SOURCE_TRUNCATED)
		m.bad_flags |= BAD_TRUNCATED;
	if (sm->flags & SOURCE_NO_BODY_SEP)
		m.bad_flags |= BAD_NO_BODY_SEP;
	if (m.bad_flags) {
		if (!sc->quiet && sc->malformed < PROBLEMS_SHOWN) {
			struct buf	pb;

			buf_init(&pb, 0);
			csv_flags(&pb, m.bad_flags, 0);
			fprintf(stderr, "replytime: %s:%llu: malformed "
			    "message (%s)\n", sm->path,
			    (unsigned long long)sm->pos, pb.data);
			buf_free(&pb);
		}
		sc->malformed++;
	}
	if (!m.has_date)
		sc->undated++;
	if (m.message_id.p == NULL)
		sc->noid++;
	if (m.auto_flags)
		sc->automated++;
	if (sc->fmt == FMT_JSONL)
		emit_jsonl(sc, sm, &m);
	else
		emit_csv(sc, sm, &m);
	sc->n++;
	if (sc->out.len >= (1u << 20)) {
		if (fwrite(sc->out.data, 1, sc->out.len, stdout) !=
		    sc->out.len)
			return err_set_errno(err, ERR_IO, "standard output");
		buf_reset(&sc->out);
	}
	return 0;
}

static void
scan_usage(FILE *f)
{
	fprintf(f,
	    "usage: replytime scan [--format jsonl|csv] [--quiet] SOURCE...\n"
	    "\n"
	    "Reads the header block of every message in each SOURCE and prints\n"
	    "one record per message with the normalised metadata (never a body).\n"
	    "SOURCE is an mbox file (any variant), a Maildir, a directory tree of\n"
	    "Maildirs, mboxes and .eml files, a single message, or - for standard\n"
	    "input; .gz and .zst files are read transparently.\n"
	    "\n"
	    "  --format jsonl   one JSON object per line (default)\n"
	    "  --format csv     one CSV row per message, with a header row\n"
	    "  --quiet          do not list malformed messages on stderr\n"
	    "\n"
	    "A summary goes to standard error.  Exit status: 0, or 1 when a\n"
	    "SOURCE could not be read (the others are still scanned).\n");
}

int
cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan		sc = { .fmt = FMT_JSONL };
	struct source_stats	st = { 0 };
	struct err		err;
	struct timespec		t0, t1;
	int			c, failed = 0, nread = 0;
	double			secs;

	while ((c = getopt_long(argc, argv, "f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				sc.fmt = FMT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				sc.fmt = FMT_CSV;
			else
				return cmd_error("scan: unknown format \"%s\" "
				    "(jsonl or csv)", optarg);
			break;
		case 'q':
			sc.quiet = 1;
			break;
		case 'h':
			scan_usage(stdout);
			return 0;
		default:
			scan_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		scan_usage(stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sc.mp = meta_parser_new();
	buf_init(&sc.out, 0);
	buf_init(&sc.path_json, 0);
	if (sc.fmt == FMT_CSV)
		buf_puts(&sc.out, csv_columns);
	for (int i = optind; i < argc; i++) {
		if (source_scan(argv[i], on_message, &sc, &st, &err) == -1) {
			cmd_error("%s", err.msg);
			failed = 1;
		} else
			nread++;
	}
	/* Not one source read: the error alone, no empty output. */
	if (nread == 0)
		goto done;
	if (sc.out.len > 0 && fwrite(sc.out.data, 1, sc.out.len, stdout) !=
	    sc.out.len)
		failed = cmd_error("standard output: write failed");
	if (fflush(stdout) != 0)
		failed = cmd_error("standard output: write failed");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (sc.malformed > PROBLEMS_SHOWN && !sc.quiet)
		fprintf(stderr, "replytime: ... and %llu more malformed "
		    "messages (see \"problems\" in the records)\n",
		    (unsigned long long)(sc.malformed - PROBLEMS_SHOWN));
	fprintf(stderr, "scan: %llu messages, %llu malformed, %llu undated, "
	    "%llu without id, %llu automated; %llu files, %llu skipped, "
	    "%.1f MB in %.2f s\n", (unsigned long long)sc.n,
	    (unsigned long long)sc.malformed, (unsigned long long)sc.undated,
	    (unsigned long long)sc.noid, (unsigned long long)sc.automated,
	    (unsigned long long)st.files, (unsigned long long)st.skipped,
	    (double)st.bytes / 1e6, secs);
done:
	buf_free(&sc.out);
	buf_free(&sc.path_json);
	free(sc.path);
	meta_parser_free(sc.mp);
	return failed;
}
