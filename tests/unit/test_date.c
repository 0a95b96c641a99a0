/*
 * test_date.c: RFC 5322 dates (src/mail/date.c).
 *
 * Every expected instant was computed outside this program, with GNU
 * date (date -u -d '2003-07-01 10:52:37 +0200' +%s), never by the code
 * under test; offsets beyond what GNU date takes (+9959) were added by
 * hand.  Each input is copied into a heap buffer of its exact length, so
 * AddressSanitizer catches any read past the end of a struct str.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "ingest/source.h"
#include "mail/date.h"
#include "mail/hdr.h"
#include "corpus.h"
#include "t.h"

struct date_case {
	const char	*in;
	size_t		 len;
	int		 ok;
	int64_t		 want;
};

/* A dated case and an undated one; sizeof keeps embedded NUL bytes. */
#define D(lit, t)	{ (lit), sizeof(lit) - 1, 1, (t) }
#define U(lit)		{ (lit), sizeof(lit) - 1, 0, 0 }

static const struct date_case date_cases[] = {
	/* valid modern syntax */
	D("Tue, 1 Jul 2003 10:52:37 +0200", 1057049557),
	D("Tue, 01 Jul 2003 10:52:37 +0200", 1057049557),
	D("1 Jul 2003 10:52:37 -0700", 1057081957),
	D("Fri, 21 Nov 1997 09:55:06 -0600", 880127706),
	D("Thu, 13 Feb 1997 23:32:54 -0330", 855889374),
	D("Mon, 7 Jan 2019 00:00:00 +0000", 1546819200),
	D("Sun, 31 Dec 2023 23:59:59 -0000", 1704067199),
	D("Wed, 15 Jan 2025 08:30 +0100", 1736926200),
	D("Sat, 14 Jun 2025 14:39:41 +0800 (GMT+08:00)", 1749883181),
	D("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)", 1057049557),
	D("Tue, 1 Jul 2003 10:52:37 +0000 (UTC)", 1057056757),
	D("Fri, 2 Jan 2026 12:00:00 +1400", 1767304800),
	D("Fri, 2 Jan 2026 12:00:00 -1200", 1767398400),
	D("Fri, 2 Jan 2026 12:00:00 +0530", 1767335400),
	D("Fri, 2 Jan 2026 12:00:00 +0545", 1767334500),
	D("Fri, 2 Jan 2026 12:00:00 -0330", 1767367800),
	D("Fri, 2 Jan 2026 12:00:00 -1900", 1767423600),
	D("Fri, 2 Jan 2026 12:00:00 +9959", 1766995260),
	D("Fri, 2 Jan 2026 12:00:00 -9959", 1767715140),
	D("Fri, 2 Jan 2026 12:00:00 +0001", 1767355140),
	D("  Tue, 1 Jul 2003 10:52:37 +0200  ", 1057049557),
	D("Tue,\t1 Jul\t2003\t10:52:37\t+0200", 1057049557),
	D("Tue, 1 Jul 2003\r\n 10:52:37 +0200", 1057049557),
	D("Thu,      13        Feb          2003      23:32               -0330 (Newfoundland Time)", 1045191720),
	D("tue, 1 jul 2003 10:52:37 +0200", 1057049557),
	D("TUE, 01 JUL 2003 10:52:37 +0200", 1057049557),
	D("Mon, 1 Jul 2003 10:52:37 +0200", 1057049557),
	D("Tue,1 Jul 2003 10:52:37 +0200", 1057049557),
	D("1 Jul 02003 10:52:37 +0200", 1057049557),
	/* every month */
	D("1 Jan 2010 00:00 +0000", 1262304000),
	D("28 Feb 2010 00:00 +0000", 1267315200),
	D("31 Mar 2010 00:00 +0000", 1269993600),
	D("30 Apr 2010 00:00 +0000", 1272585600),
	D("31 May 2010 00:00 +0000", 1275264000),
	D("30 Jun 2010 00:00 +0000", 1277856000),
	D("31 Jul 2010 00:00 +0000", 1280534400),
	D("31 Aug 2010 00:00 +0000", 1283212800),
	D("30 Sep 2010 00:00 +0000", 1285804800),
	D("31 Oct 2010 00:00 +0000", 1288483200),
	D("30 Nov 2010 00:00 +0000", 1291075200),
	D("31 Dec 2010 00:00 +0000", 1293753600),
	/* every day name */
	D("Sun, 4 Jul 2010 00:00 +0000", 1278201600),
	D("Mon, 5 Jul 2010 00:00 +0000", 1278288000),
	D("Wed, 7 Jul 2010 00:00 +0000", 1278460800),
	D("Thu, 8 Jul 2010 00:00 +0000", 1278547200),
	D("Fri, 9 Jul 2010 00:00 +0000", 1278633600),
	D("Sat, 10 Jul 2010 00:00 +0000", 1278720000),
	/* named zones */
	D("1 Jan 2003 10:00:00 UT", 1041415200),
	D("1 Jan 2003 10:00:00 GMT", 1041415200),
	D("1 Jan 2003 10:00:00 Z", 1041415200),
	D("1 Jan 2003 10:00:00 EST", 1041433200),
	D("1 Jan 2003 10:00:00 EDT", 1041429600),
	D("1 Jan 2003 10:00:00 CST", 1041436800),
	D("1 Jan 2003 10:00:00 CDT", 1041433200),
	D("1 Jan 2003 10:00:00 MST", 1041440400),
	D("1 Jan 2003 10:00:00 MDT", 1041436800),
	D("1 Jan 2003 10:00:00 PST", 1041444000),
	D("1 Jan 2003 10:00:00 PDT", 1041440400),
	D("1 Jan 2003 10:00:00 est", 1041433200),
	D("Tue, 28 May 1996 12:24:23 cst", 833307863),
	D("1 Jan 2003 10:00:00 Gmt", 1041415200),
	D("1 Jan 2003 10:00:00 pDt", 1041440400),
	D("1 Jan 2003 10:00:00 EST (Eastern)", 1041433200),
	D("1 Jan 2003 10:00:00GMT", 1041415200),
	/* military letters and other zones: +0000 */
	D("1 Jan 2003 10:00:00 A", 1041415200),
	D("1 Jan 2003 10:00:00 M", 1041415200),
	D("1 Jan 2003 10:00:00 N", 1041415200),
	D("1 Jan 2003 10:00:00 Y", 1041415200),
	D("1 Jan 2003 10:00:00 J", 1041415200),
	D("1 Jan 2003 10:00:00 z", 1041415200),
	D("1 Jan 2003 10:00:00 CEST", 1041415200),
	D("1 Jan 2003 10:00:00 MET", 1041415200),
	D("1 Jan 2003 10:00:00 UTC", 1041415200),
	D("1 Jan 2003 10:00:00 ESTX", 1041415200),
	D("Thu, 6 Jun 2002 01:38:14 Eastern Daylight Time", 1023327494),
	D("Thu, 18 Jul 02 17:43:01 GMT Daylight Time", 1027014181),
	D("Fri, 07 Jun 2002 16:37:13 GMT+1", 1023467833),
	D("Fri, 07 Jun 2002 16:37:13 GMT+0200", 1023467833),
	D("Sat, 27 Jul 2002 18:53:31 +-0500", 1027796011),
	D("Mon, 21 Aug 95 13:30:57 -600", 809011857),
	D("Fri, 02 Aug 2002 23:37:59 0530", 1028331479),
	D("Sun, 25 Aug 2002 19:21:44 01800", 1030303304),
	D("Tue, 1 Jul 2003 10:52:37 +02:00", 1057056757),
	D("Tue, 1 Jul 2003 10:52:37 +02000", 1057056757),
	D("Tue, 1 Jul 2003 10:52:37 +0200abc", 1057056757),
	D("Thu, 18 Jul 2002 21:16:12    version=2.40", 1027026972),
	D("Tue, 1 Jul 2003 10:52:37", 1057056757),
	D("Tue, 1 Jul 2003 10:52", 1057056720),
	D("Tue, 1 Jul 2003 10:52:37 \xb4\xeb\xc7\xd1", 1057056757),
	/* two, three, four-digit years */
	D("Thu, 13 Jun 102 10:00:00 +0000", 1023962400),
	D("13 Jun 02 10:00 GMT", 1023962400),
	D("1 Jan 00 00:00 +0000", 946684800),
	D("31 Dec 49 23:59:59 +0000", 2524607999),
	U("1 Jan 50 00:00 +0000"),
	U("31 Dec 69 23:59:59 +0000"),
	D("1 Jan 70 00:00:00 +0000", 0),
	D("31 Dec 99 23:59:59 +0000", 946684799),
	D("1 Jan 070 00:00 +0000", 0),
	D("31 Dec 199 23:59:59 +0000", 4102444799),
	U("1 Jan 200 00:00 +0000"),
	U("1 Jan 069 00:00 +0000"),
	U("1 Jan 000 00:00 +0000"),
	U("1 Jan 0099 00:00 +0000"),
	U("Mon, 01 Jan 0001 00:00:00 +0000"),
	U("1 Jan 3 00:00 +0000"),
	/* leap years and month lengths */
	D("29 Feb 2000 12:00 +0000", 951825600),
	D("29 Feb 2004 12:00 +0000", 1078056000),
	D("29 Feb 2096 12:00 +0000", 3981355200),
	D("29 Feb 1972 12:00 +0000", 68212800),
	U("29 Feb 2001 12:00 +0000"),
	U("29 Feb 2100 12:00 +0000"),
	U("30 Feb 2000 12:00 +0000"),
	U("31 Apr 2003 12:00 +0000"),
	U("31 Jun 2003 12:00 +0000"),
	U("31 Sep 2003 12:00 +0000"),
	U("31 Nov 2003 12:00 +0000"),
	U("0 Jul 2003 12:00 +0000"),
	U("32 Jul 2003 12:00 +0000"),
	U("001 Jul 2003 12:00 +0000"),
	/* time ranges */
	D("1 Jul 2003 00:00:00 +0000", 1057017600),
	D("1 Jul 2003 23:59:59 +0000", 1057103999),
	U("1 Jul 2003 24:00:00 +0000"),
	U("1 Jul 2003 23:60:00 +0000"),
	U("1 Jul 2003 23:59:61 +0000"),
	U("1 Jul 2003 123:00 +0000"),
	U("1 Jul 2003 10:52:379 +0000"),
	U("1 Jul 2003 10:000 +0000"),
	U("Wed, 15 Dec 2010    59:10 -0500"),
	/* leap second: read as :59 */
	D("31 Dec 2016 23:59:60 +0000", 1483228799),
	D("30 Jun 2015 23:59:60 +0000", 1435708799),
	D("1 Jan 2017 00:59:60 +0100", 1483228799),
	D("31 Dec 2099 23:59:60 +0000", 4102444799),
	/* zone ranges */
	U("1 Jul 2003 10:00 +0260"),
	U("1 Jul 2003 10:00 -0099"),
	U("1 Jul 2003 10:00 +9960"),
	D("1 Jul 2003 10:00 +0059", 1057050060),
	/* boundaries */
	D("Thu, 1 Jan 1970 00:00:00 +0000", 0),
	D("1 Jan 1970 00:00:00 +0100", -3600),
	D("1 Jan 1970 00:00:00 +9959", -359940),
	U("31 Dec 1969 23:59:59 +0000"),
	U("31 Dec 1969 23:00:00 -0100"),
	U("Thu, 13 Feb 1969 23:32 -0330"),
	D("31 Dec 2099 23:59:59 +0000", 4102444799),
	D("31 Dec 2099 23:59:59 -0100", 4102448399),
	D("31 Dec 2099 23:59:59 -9959", 4102804739),
	U("1 Jan 2100 00:00:00 +0000"),
	U("1 Jan 2100 00:59:59 +0100"),
	U("Mon, 30 Jun 3609 15:33:50 +0600"),
	U("1 Jan 99999999999999999999 00:00 +0000"),
	/* comments (CFWS) wherever white space may go */
	D("(lead) Tue, 1 Jul 2003 10:52:37 +0200", 1057049557),
	D("Tue (day), 1 (d) Jul (m) 2003 (y) 10 (h) : 52 (m) : 37 (s) +0200 (z)", 1057049557),
	D("Tue,(c)1(c)Jul(c)2003(c)10:52:37(c)+0200", 1057049557),
	D("Tue , 1 Jul 2003 10:52:37 +0200", 1057049557),
	D("Tue, 1 Jul 2003 10 : 52 : 37 +0200", 1057049557),
	D("Tue, 1 ((a)b(c\\)d)) Jul 2003 10:52:37 +0200", 1057049557),
	D("Tue, 1 Jul 2003 10:52:37 (a b c) +0200", 1057049557),
	D("Wed, 20 Sep 1995 00:19:00 (EDT) -0400", 811570740),
	D("Mon, 16 Sep 2002 03:27:38 (GMT)", 1032146858),
	D("Mon, 16 Sep 2002 03:27:38 (EST)", 1032146858),
	D("Tue, 24 Sep 2024 04:18:59 +0000 ()", 1727151539),
	D("Tue, 1 Jul 2003 10:52:37 (EST", 1057056757),
	D("Tue, 1 Jul 2003 10:52:37 +0200 (unclosed", 1057049557),
	U("Tue, 1 Jul (2003 10:52:37 +0200"),
	D("Tue, 1 Jul 2003 10:52:37 (a\\) +0200", 1057056757),
	/* leniencies from real mail */
	D("Wed 29 May 2019 18:09:22 -0400", 1559167762),
	D("Tue, 1 Jul 2003 9:5:7 +0200", 1057043107),
	D("Wed, 29 May 2002 16:54:6 +0300", 1022680446),
	D("29 Jul 01 11:30:41 PM", 996449441),
	D("03 Jul 01 12:47:50 AM", 994121270),
	D("02 Aug 01 3:11:43 am", 996721903),
	D("Tue, 06 Aug 2002 06:50:21 PM -0400", 1028674221),
	D("Wed 29 May 2019 06:09:22 PM EDT", 1559167762),
	D("1 Jul 2003 12:00:00 PM -0400", 1057075200),
	U("1 Jul 2003 13:00 PM"),
	U("1 Jul 2003 0:30 AM"),
	D("Tue, 1 Jul 2003 10:52:37 -0700 PDT", 1057081957),
	D("Tue, 1 Jul 2003 10:52:37 -0700 +0200", 1057081957),
	D("Tue, 1 Jul 2003 10:52:37 PDT -0400", 1057081957),
	D("Tue, 1 Jul 2003 10:52:37 +0200 junk", 1057049557),
	/* garbage */
	U(""),
	U("   "),
	U("(only a comment)"),
	U("foo"),
	U("Whenever"),
	U("<HR>"),
	U("Date: Tue, 1 Jul 2003 10:52:37 +0200"),
	U("Xyz, 1 Jul 2003 10:52:37 +0200"),
	U("Tuesday, 1 Jul 2003 10:52:37 +0200"),
	U("Tue, 1 July 2003 10:52:37 +0200"),
	U("Tu, 1 Jul 2003 10:52:37 +0200"),
	U("RANDOM_Wed, 21 Sep 2016 22:42:07 +0300"),
	U("Sat Sep 21 08:18:08 2002"),
	U("2002/09/14 Sat 02:29:32 CDT"),
	U("Fri, Nov 01 02 15:01:05"),
	U("1-Jul-2003 10:52:37 +0200"),
	U("2003-07-01T10:52:37Z"),
	U("1Jul2003 10:52 +0000"),
	U("1 Jul2003 10:52 +0000"),
	U("Tue1 Jul 2003 10:52 +0000"),
	U("Tue,, 1 Jul 2003 10:52 +0000"),
	U("Tue, 1 Jul, 2003 10:52 +0000"),
	U("Tue, 1 Jul 2003"),
	U("Tue, 1 Jul 2003 10"),
	U("Tue, 1 Jul 2003 10:"),
	U("Tue, 1 Jul 2003 10:52:"),
	U("Tue, 1 Jul 2003 10:52 :"),
	U("Tue, 7 Apr 2026 10:00:t <rimap-test@example.test>"),
	U("Tue, 1 Jul 2003 10:52:37+0200"),
	U("Tue, 1 Jul 2003 10:52:37-0700"),
	U("Tue, 1 Jul 2003 10.52.37 +0200"),
	U("Tue, 1 Jul 2003 10:52:37.5 +0200"),
	U("Tue, 1 Jul 2003 10:52:37:00 +0200"),
	U("Tue, 1 Jul 2003 10:52:37, +0200"),
	U("Tue, 1 Jul 2003 +10:52:37 +0200"),
	U("Tue, -1 Jul 2003 10:52:37 +0200"),
	U("Tue, 1 Jul 2003) 10:52:37 +0200"),
	/* NUL bytes */
	U("Tue, 1 Jul 2003\0 10:52:37 +0200"),
	U("\0Tue, 1 Jul 2003 10:52:37 +0200"),
	U("Tue, 1 Jul 2003 10:52:37\0 +0200"),
	D("Tue, 1 Jul 2003 10:52:37 +0200\0junk", 1057056757),
	D("Tue, 1 Jul 2003 10:52:37 +0200 \0junk", 1057049557),
	D("Tue, 1 Jul 2003 10:52:37 GMT\0", 1057056757),
	D("Tue, 1 Jul 2003 10:52:37 EST\0", 1057056757),
	D("Tue, 1 (a\0b) Jul 2003 10:52:37 +0200", 1057049557),
};

#define T_UNTOUCHED	INT64_C(0x5a5a5a5a5a5a)

/* Parses [p, p + len) from a heap copy of exactly len bytes. */
static int
parse_exact(const char *p, size_t len, int64_t *t_out)
{
	char	*copy;
	int	 rc;

	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	if (len > 0)
		memcpy(copy, p, len);
	rc = mail_date_parse(str_make(copy, len), t_out);
	free(copy);
	return rc;
}

static void
test_table(void)
{
	for (size_t i = 0; i < nitems(date_cases); i++) {
		const struct date_case	*c = &date_cases[i];
		int64_t			 t = T_UNTOUCHED;
		int			 rc;

		rc = parse_exact(c->in, c->len, &t);
		if (c->ok) {
			t_eq_i64(rc, 0, "case %zu \"%s\" should parse", i,
			    c->in);
			t_eq_i64(t, c->want, "case %zu \"%s\" instant", i,
			    c->in);
		} else {
			t_eq_i64(rc, -1, "case %zu \"%s\" should be undated",
			    i, c->in);
			t_eq_i64(t, T_UNTOUCHED, "case %zu \"%s\" untouched",
			    i, c->in);
		}
	}
}

static void
test_null(void)
{
	int64_t	t = T_UNTOUCHED;

	t_eq_i64(mail_date_parse(STR_NULL, &t), -1, "NULL string");
	t_eq_i64(t, T_UNTOUCHED, "NULL string leaves t");
	t_eq_i64(mail_date_parse(str_make("x", 0), &t), -1, "empty string");
}

/* A calendar written the slow way, independent of both implementations. */
static int
naive_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
naive_month_len(int64_t y, int m)
{
	switch (m) {
	case 2:
		return naive_leap(y) ? 29 : 28;
	case 4:
	case 6:
	case 9:
	case 11:
		return 30;
	default:
		return 31;
	}
}

static void
test_days_from_civil(void)
{
	int64_t	days;

	/* Spot values from GNU date: $(( $(date -u -d D +%s) / 86400 )). */
	t_eq_i64(date_days_from_civil(1970, 1, 1), 0, "epoch");
	t_eq_i64(date_days_from_civil(2000, 3, 1), 11017, "2000-03-01");
	t_eq_i64(date_days_from_civil(1969, 12, 31), -1, "1969-12-31");
	t_eq_i64(date_days_from_civil(2099, 12, 31), 47481, "2099-12-31");
	t_eq_i64(date_days_from_civil(2100, 1, 1), 47482, "2100-01-01");
	t_eq_i64(date_days_from_civil(1600, 2, 29), -135081, "1600-02-29");
	t_eq_i64(date_days_from_civil(1900, 3, 1), -25508, "1900-03-01");
	t_eq_i64(date_days_from_civil(1, 1, 1), -719162, "0001-01-01");
	t_eq_i64(date_days_from_civil(2400, 2, 29), 157113, "2400-02-29");

	/* Every day from 1600 to 2500, counted one by one. */
	days = date_days_from_civil(1600, 1, 1);
	for (int64_t y = 1600; y <= 2500; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= naive_month_len(y, m); d++) {
				int64_t	got;

				got = date_days_from_civil(y, (unsigned)m,
				    (unsigned)d);
				if (got != days)
					t_eq_i64(got, days, "%04lld-%02d-%02d",
					    (long long)y, m, d);
				if (got != civil_to_days(y, m, d))
					t_eq_i64(got, civil_to_days(y, m, d),
					    "civil %04lld-%02d-%02d",
					    (long long)y, m, d);
				days++;
			}
	t_eq_i64(days, date_days_from_civil(2501, 1, 1), "counted to 2501");
}

/* Every day 1 to 31 of every month of every year in range, and past it. */
static void
test_all_days(void)
{
	static const char	*mon[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	char			 buf[64];
	int64_t			 days = 0, t;
	int			 n, rc, bad = 0;

	for (int y = 1970; y <= 2099; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++) {
				n = snprintf(buf, sizeof(buf),
				    "%d %s %d 12:34:56 -0130", d, mon[m - 1],
				    y);
				t = T_UNTOUCHED;
				rc = parse_exact(buf, (size_t)n, &t);
				if (d > naive_month_len(y, m)) {
					if (rc != -1) {
						t_fail(__FILE__, __LINE__,
						    "%s should be undated",
						    buf);
						bad++;
					}
					continue;
				}
				if (rc != 0 || t != days * 86400 + 45296 +
				    5400) {
					t_fail(__FILE__, __LINE__, "%s", buf);
					bad++;
				}
				days++;
			}
	t_eq_i64(bad, 0, "all days 1970-2099");
	t_eq_i64(days * 86400, INT64_C(4102444800), "ends at 2100-01-01");
	for (int y = 1900; y <= 2200; y++) {
		if (y >= DATE_YEAR_MIN && y <= DATE_YEAR_MAX)
			continue;
		n = snprintf(buf, sizeof(buf), "1 Jul %d 12:00 +0000", y);
		t_eq_i64(parse_exact(buf, (size_t)n, &t), -1, "%s", buf);
	}
}

/* Every numeric zone +0000..+9999 and -0000..-9999. */
static void
test_all_offsets(void)
{
	/* date -u -d '2010-06-15 12:00:00 +0000' +%s */
	const int64_t	base = 1276603200;
	char		buf[64];
	int64_t		t;
	int		n, rc, bad = 0;

	for (int sign = -1; sign <= 1; sign += 2)
		for (int hh = 0; hh <= 99; hh++)
			for (int mm = 0; mm <= 99; mm++) {
				n = snprintf(buf, sizeof(buf),
				    "Tue, 15 Jun 2010 12:00:00 %c%02d%02d",
				    sign < 0 ? '-' : '+', hh, mm);
				t = T_UNTOUCHED;
				rc = parse_exact(buf, (size_t)n, &t);
				if (mm > 59 ? rc != -1 : (rc != 0 ||
				    t != base - sign * (hh * 3600 + mm * 60))) {
					t_fail(__FILE__, __LINE__, "%s", buf);
					bad++;
				}
			}
	t_eq_i64(bad, 0, "all offsets");
}

/* No prefix of a date that stops before its minutes is a date. */
static void
test_prefixes(void)
{
	static const char	 full[] =
	    "Tue, 1 (c) Jul 2003 10:52:37 +0200 (CEST)";
	const size_t		 need = sizeof("Tue, 1 (c) Jul 2003 10:") - 1;
	int64_t			 t;

	for (size_t n = 0; n <= need; n++)
		t_eq_i64(parse_exact(full, n, &t), -1, "prefix %zu", n);
	t_eq_i64(parse_exact(full, need + 1, &t), 0, "prefix with minute");
	t_eq_i64(t, 1057053900, "10:05 +0000");
	/* A colon with no seconds after it is not a time. */
	for (size_t n = need + 1; n < sizeof(full); n++)
		t_eq_i64(parse_exact(full, n, &t), full[n - 1] == ':' ? -1 : 0,
		    "prefix %zu", n);
	t_eq_i64(t, 1057049557, "whole date");
}

/* Fills buf: a head, count copies of fill, a tail; returns the length. */
static size_t
build(char *buf, const char *head, char fill, size_t count,
    const char *tail)
{
	size_t	n = strlen(head), m = strlen(tail);

	memcpy(buf, head, n);
	memset(buf + n, fill, count);
	memcpy(buf + n + count, tail, m);
	return n + count + m;
}

static void
test_long(void)
{
	const size_t	 big = 1 << 20;
	char		*buf;
	size_t		 n;
	int64_t		 t;

	buf = malloc(big + 256);
	if (buf == NULL)
		abort();

	n = build(buf, "", ' ', big, "Tue, 1 Jul 2003 10:52:37 +0200");
	t = 0;
	t_eq_i64(parse_exact(buf, n, &t), 0, "1 MiB of leading space");
	t_eq_i64(t, 1057049557, "after leading space");

	n = build(buf, "Tue, 1 Jul 2003 10:52:37 +0200 (", 'x', big, ")");
	t = 0;
	t_eq_i64(parse_exact(buf, n, &t), 0, "1 MiB trailing comment");
	t_eq_i64(t, 1057049557, "before trailing comment");

	n = build(buf, "Tue, 1 Jul ", '0', big, "2003 10:52:37 +0200");
	t = 0;
	t_eq_i64(parse_exact(buf, n, &t), 0, "1 MiB of leading zeros");
	t_eq_i64(t, 1057049557, "year 000...2003");

	n = build(buf, "Tue, 1 Jul ", '9', big, " 10:52:37 +0200");
	t_eq_i64(parse_exact(buf, n, &t), -1, "1 MiB year");

	n = build(buf, "Tue, ", '1', big, " Jul 2003 10:52:37 +0200");
	t_eq_i64(parse_exact(buf, n, &t), -1, "1 MiB day");

	n = build(buf, "Tue, 1 Jul 2003 10:52:37 ", '+', big, "");
	t = 0;
	t_eq_i64(parse_exact(buf, n, &t), 0, "1 MiB zone token");
	t_eq_i64(t, 1057056757, "odd zone is +0000");

	n = build(buf, "", '(', big, "Tue, 1 Jul 2003 10:52:37 +0200");
	t_eq_i64(parse_exact(buf, n, &t), -1, "1 MiB unclosed comments");

	memset(buf, '(', big / 2);
	memset(buf + big / 2, ')', big / 2);
	n = big + (size_t)snprintf(buf + big, 256, "%s",
	    "Tue, 1 Jul 2003 10:52:37 +0200");
	t = 0;
	t_eq_i64(parse_exact(buf, n, &t), 0, "deeply nested comment");
	t_eq_i64(t, 1057049557, "after nested comment");

	n = build(buf, "", 'x', big, "");
	t_eq_i64(parse_exact(buf, n, &t), -1, "1 MiB of junk");

	free(buf);
}

/*
 * Both parsers on [p, p + len) (a heap copy of exactly len bytes): the
 * fast path must give the full parser's answer, instant included.
 * Returns 1 when they agree.
 */
static int
agree(const char *p, size_t len)
{
	char	*copy = malloc(len > 0 ? len : 1);
	int64_t	 t1 = T_UNTOUCHED, t2 = T_UNTOUCHED;
	int	 r1, r2;

	if (copy == NULL)
		abort();
	if (len > 0)
		memcpy(copy, p, len);
	r1 = mail_date_parse(str_make(copy, len), &t1);
	r2 = mail_date_parse_slow(str_make(copy, len), &t2);
	free(copy);
	return r1 == r2 && t1 == t2;
}

/*
 * The fast path against the reference: the table, then every one-byte
 * change, deletion and insertion of shapes at the fast path's edges.
 */
static void
test_fast_slow(void)
{
	static const char *const shapes[] = {
		"Mon, 29 Apr 2019 08:47:02 +1000",
		"29 Apr 2019 08:47:02 -0400",
		"Sun, 1 Jan 2023 00:00:00 +0000 (UTC)",
		"Thu, 29 Feb 2024 23:59:60 -0000",
		"Fri, 31 Dec 2099 23:59:59 -9959",
		"Thu, 1 Jan 1970 00:00:00 +0000",
		"  \tWed, 31 Apr 2019 08:47:02 +0260\tx",
		"Tue, 29 Feb 2100 24:00:00 +0100(c)",
		"Wed,  9 Sep 2020 10:11:12 +0200 (CEST)",
		"Thu, \t 1 Jan 1970 00:00:00 +0000",
	};
	static const char bytes[] = "0129:+-, \t\r\n(),aMJz\0\x80\xff";
	char	 buf[128];
	size_t	 bad = 0, tried = 0;

	for (size_t i = 0; i < nitems(date_cases); i++)
		t_ok(agree(date_cases[i].in, date_cases[i].len),
		    "table case %zu \"%s\"", i, date_cases[i].in);
	for (size_t k = 0; k < nitems(shapes); k++) {
		size_t	n = strlen(shapes[k]);

		for (size_t i = 0; i <= n; i++) {
			/* Cut at i, delete byte i, then set or insert each
			 * byte of the set at i. */
			bad += !agree(shapes[k], i);
			memcpy(buf, shapes[k], i);
			if (i < n) {
				memcpy(buf + i, shapes[k] + i + 1, n - i - 1);
				bad += !agree(buf, n - 1);
			}
			for (size_t b = 0; b < sizeof(bytes) - 1; b++) {
				memcpy(buf, shapes[k], n);
				if (i < n) {
					buf[i] = bytes[b];
					bad += !agree(buf, n);
				}
				memcpy(buf, shapes[k], i);
				buf[i] = bytes[b];
				memcpy(buf + i + 1, shapes[k] + i, n - i);
				bad += !agree(buf, n + 1);
				tried += 2;
			}
		}
	}
	t_eq_i64((int64_t)bad, 0, "fast and full parsers agree on %zu "
	    "variants", tried);
}

/* What the corpus walk counts. */
struct corpus_dates {
	struct arena	*a;
	size_t		 n, bad;
};

static int
corpus_msg(void *arg, const struct source_msg *m, struct err *err)
{
	struct corpus_dates	*cd = arg;
	struct hdr_iter		 it;
	struct hdr_field	 f;
	struct str		 v;

	(void)err;
	arena_reset(cd->a);
	hdr_iter_init(&it, m->hdr);
	while (hdr_next(&it, &f)) {
		if (str_eq_ci(f.name, STR("date")))
			v = hdr_unfold(cd->a, f.value);
		else if (str_eq_ci(f.name, STR("received"))) {
			/* The date after the last ';', as meta reads it. */
			v = hdr_unfold(cd->a, f.value);
			for (size_t i = v.len; i > 0; i--)
				if (v.p[i - 1] == ';') {
					v = str_make(v.p + i, v.len - i);
					break;
				}
		} else
			continue;
		cd->n++;
		cd->bad += !agree(v.p, v.len);
	}
	return 0;
}

/* Every Date and Received date of the real corpora through both. */
static void
test_fast_slow_corpora(void)
{
	static const char *const parts[] = {
		"linux-raid.mbox.zst", "torture", "spamassassin/hard_ham",
		"spamassassin/spam_2",
	};
	struct corpus_dates	 cd = { 0 };
	int			 rc;

	cd.a = arena_new(1u << 20);
	rc = corpus_scan(parts, nitems(parts), corpus_msg, &cd,
	    "date comparison");
	arena_free(cd.a);
	if (rc == -1)
		return;
	t_ok(cd.n > 100000, "%zu dates compared", cd.n);
	t_eq_i64((int64_t)cd.bad, 0, "fast and full parsers agree on the "
	    "corpora's dates");
}

static const struct t_case cases[] = {
	{ "table", test_table },
	{ "null", test_null },
	{ "days_from_civil", test_days_from_civil },
	{ "all_days", test_all_days },
	{ "all_offsets", test_all_offsets },
	{ "prefixes", test_prefixes },
	{ "long", test_long },
	{ "fast_slow", test_fast_slow },
	{ "fast_slow_corpora", test_fast_slow_corpora },
};
T_MAIN(cases)
