/*
 * demo_cast.c: the people of the demo data (demo_priv.h).
 *
 * Acme Ltd (acme.example) has twelve agents in two teams: support (six
 * people in London, New York and Sydney, a night shift and a part-timer,
 * plus the team lead) and sales (five, London, Berlin, New York, Sydney,
 * plus the same lead).  Customers write from 500 fictional company
 * domains, chosen with a Zipf-like popularity (a few big accounts write a
 * lot, most rarely), and from five free-mail domains.  A customer is a
 * (domain, person number) pair: the name, address and region are derived
 * from a hash of the pair, so nothing per customer is stored and the same
 * person always has the same name.  Names follow the region: English,
 * continental European (with diacritics), Indian and Japanese (some
 * shown in kanji), so display names need RFC 2047 encoding now and then.
 * All domains are under .example (RFC 2606): no real address is made up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "demo_priv.h"

#define NCOMPANY		500	/* customer company domains */
#define FREE_PEOPLE		60000	/* people per free-mail domain */
#define FREE_SHARE		0.20	/* customers writing from free mail */
#define ZIPF_OFFSET		8.0	/* popularity of rank r: */
#define ZIPF_EXPONENT		1.1	/* (r + offset)^-exponent */
#define BIG_ACCOUNTS		20	/* top domains with many contacts */

#define W(h1, m1, h2, m2)	{ (h1) * 60 + (m1), (h2) * 60 + (m2) }
#define NONE			{ 0, 0 }

const struct demo_zone demo_zones[DEMO_NREGIONS] = {
	[REG_LONDON] = { "Europe/London", "GMT0BST,M3.5.0/1,M10.5.0", 0.30 },
	[REG_BERLIN] = { "Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3",
	    0.20 },
	[REG_NEW_YORK] = { "America/New_York", "EST5EDT,M3.2.0,M11.1.0",
	    0.22 },
	[REG_LOS_ANGELES] = { "America/Los_Angeles",
	    "PST8PDT,M3.2.0,M11.1.0", 0.10 },
	[REG_SYDNEY] = { "Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3",
	    0.08 },
	[REG_KOLKATA] = { "Asia/Kolkata", "IST-5:30", 0.05 },
	[REG_TOKYO] = { "Asia/Tokyo", "JST-9", 0.05 },
};

#define OFFICE		{ W(9, 0, 17, 30), NONE }
#define NO_DAY		{ NONE, NONE }

const struct demo_sched demo_scheds[DEMO_NSCHEDS] = {
	/* 0: the default [hours]: the London office. */
	{ NULL, REG_LONDON, CAL_UK, 1,
	  { OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, NO_DAY, NO_DAY } },
	/* 1: the same, by name, for agents whose team has other hours. */
	{ "london", REG_LONDON, CAL_UK, 1,
	  { OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, NO_DAY, NO_DAY } },
	/* 2: what the support team promises its customers. */
	{ "support", REG_LONDON, CAL_UK, 0,
	  { { W(8, 0, 20, 0), NONE }, { W(8, 0, 20, 0), NONE },
	    { W(8, 0, 20, 0), NONE }, { W(8, 0, 20, 0), NONE },
	    { W(8, 0, 20, 0), NONE }, { W(10, 0, 14, 0), NONE }, NO_DAY } },
	/* 3 */
	{ "new-york", REG_NEW_YORK, CAL_US, 0,
	  { { W(8, 0, 16, 0), NONE }, { W(8, 0, 16, 0), NONE },
	    { W(8, 0, 16, 0), NONE }, { W(8, 0, 16, 0), NONE },
	    { W(8, 0, 16, 0), NONE }, NO_DAY, NO_DAY } },
	/* 4: with a lunch break. */
	{ "sydney", REG_SYDNEY, CAL_AU, 0,
	  { { W(9, 0, 12, 30), W(13, 30, 17, 30) },
	    { W(9, 0, 12, 30), W(13, 30, 17, 30) },
	    { W(9, 0, 12, 30), W(13, 30, 17, 30) },
	    { W(9, 0, 12, 30), W(13, 30, 17, 30) },
	    { W(9, 0, 12, 30), W(13, 30, 17, 30) }, NO_DAY, NO_DAY } },
	/* 5: short Fridays. */
	{ "berlin", REG_BERLIN, CAL_DE, 0,
	  { { W(8, 0, 16, 30), NONE }, { W(8, 0, 16, 30), NONE },
	    { W(8, 0, 16, 30), NONE }, { W(8, 0, 16, 30), NONE },
	    { W(8, 0, 14, 0), NONE }, NO_DAY, NO_DAY } },
	/* 6: Sunday to Thursday nights, past midnight. */
	{ "night", REG_LONDON, CAL_UK, 0,
	  { { W(22, 0, 6, 0), NONE }, { W(22, 0, 6, 0), NONE },
	    { W(22, 0, 6, 0), NONE }, { W(22, 0, 6, 0), NONE }, NO_DAY,
	    NO_DAY, { W(22, 0, 6, 0), NONE } } },
	/* 7: three mornings a week. */
	{ "part-time", REG_LONDON, CAL_UK, 0,
	  { { W(9, 0, 13, 0), NONE }, NO_DAY, { W(9, 0, 13, 0), NONE },
	    { W(9, 0, 13, 0), NONE }, NO_DAY, NO_DAY, NO_DAY } },
};

#define SUP	(1u << DEMO_SUPPORT)
#define SAL	(1u << DEMO_SALES)

const struct demo_agent demo_agents[DEMO_NAGENTS] = {
	{ "alice.morgan", "Alice Morgan", "a.morgan", 1, SUP, 1, 1.0 },
	{ "ben.carter", "Ben Carter", NULL, 1, SUP, 1, 1.0 },
	{ "carla.diaz", "Carla D\xc3\xad" "az", NULL, 3, SUP, 1, 1.0 },
	{ "dev.patel", "Dev Patel", NULL, 4, SUP, 1, 1.0 },
	{ "erik.lindqvist", "Erik Lindqvist", NULL, 6, SUP, 1, 0.8 },
	{ "fatima.hassan", "Fatima Hassan", NULL, 7, SUP, 1, 0.6 },
	{ "george.okafor", "George Okafor", NULL, 0, SAL, 0, 1.0 },
	{ "hannah.schmidt", "Hannah Schmidt", NULL, 5, SAL, 1, 1.0 },
	{ "isabel.ruiz", "Isabel Ruiz", NULL, 3, SAL, 1, 1.0 },
	{ "jack.wilson", "Jack Wilson", NULL, 0, SAL, 0, 1.0 },
	{ "keiko.tanaka", "Keiko Tanaka", NULL, 4, SAL, 1, 0.8 },
	{ "olivia.grant", "Olivia Grant", NULL, 1, SUP | SAL, 1, 0.3 },
};

#define BULK	(MF_PREC_BULK | MF_LIST)

const struct demo_vendor demo_vendors[] = {
	{ "Industry Weekly", "newsletter", "industryweekly.example",
	  "Industry Weekly #%u: what's new in logistics", 1, BULK,
	  REG_LONDON },
	{ "CloudOps Digest", "digest", "cloudops-news.example",
	  "CloudOps Digest %u: incident reviews and tooling", 1, BULK,
	  REG_NEW_YORK },
	{ "The Pricing Letter", "hello", "pricingletter.example",
	  "The Pricing Letter, issue %u", 1, MF_LIST, REG_LOS_ANGELES },
	{ "Customer Success Forum", "news", "csforum.example",
	  "This week in customer success (#%u)", 1, BULK, REG_LONDON },
	{ "\xc3\x89v\xc3\xa9nements Pro", "info", "evenements-pro.example",
	  "Vos invitations de la semaine n\xc2\xb0%u", 1, BULK,
	  REG_BERLIN },
	{ "PayStream", "noreply", "paystream.example",
	  "Payment %u received", 0, MF_ROBOT, REG_LONDON },
	{ "ShipFast Tracking", "no-reply", "shipfast.example",
	  "Your shipment %u is on its way", 0, MF_ROBOT, REG_NEW_YORK },
	{ "CalendarHub", "donotreply", "calendarhub.example",
	  "Reminder: review meeting #%n tomorrow", 0, MF_ROBOT,
	  REG_NEW_YORK },
	{ "Acme Helpdesk", "noreply", "acme.example",
	  "Daily ticket summary: %n open tickets", 0, MF_ROBOT,
	  REG_LONDON },
	{ "Cloud Monitor", "alerts", "monitor.example",
	  "[ALERT] API latency above threshold (incident %u)", 0,
	  MF_AUTO_GENERATED, REG_LOS_ANGELES },
};
const size_t demo_nvendors = nitems(demo_vendors);

static const char *const subj_support[] = {
	"Cannot log in to the customer portal",
	"Invoice %u: wrong VAT amount",
	"Order %u has not arrived",
	"Password reset link expired",
	"API returns error 500 on /v2/orders",
	"Question about my last invoice",
	"Refund request for order %u",
	"App crashes when exporting reports",
	"Change of billing address",
	"Two-factor authentication not working",
	"Duplicate charge on my card",
	"Data export stuck at 99%",
	"How do I add a new user?",
	"Webhook deliveries failing since this morning",
	"Cancel subscription",
	"Damaged item in delivery %u",
	"Upgrade from Basic to Pro",
	"SSO configuration with Azure AD",
	"Missing items in shipment %u",
	"Dashboard very slow",
	"Urgent: production outage",
	"Can't download my receipts",
	"Error when importing a CSV file",
	"Account locked after the update",
	"Wrong time zone in reports",
	"Need a copy of invoice %u",
};

static const char *const subj_sales[] = {
	"Quote request: %n licences",
	"Pricing for the Enterprise plan",
	"Demo request",
	"Volume discount for %n seats?",
	"Partnership enquiry",
	"Renewal of contract %u",
	"Questions before we sign",
	"Trial extension",
	"Supplier onboarding form",
	"Can you match this offer?",
	"Purchase order %u",
};

static const char *const subj_outbound[] = {
	"Following up on our call",
	"Your Acme trial: next steps",
	"Acme proposal for %n seats",
	"Invitation: Acme product webinar",
	"Checking in",
	"Renewal offer %u",
};

static const char *const subj_internal[] = {
	"Rota for next week",
	"Handover notes",
	"Holiday cover in August",
	"Escalation: customer waiting since Monday",
	"Q3 targets",
	"Team lunch on Friday",
	"Knowledge base article review",
	"Pricing exception for ticket %u",
	"Training session on the new release",
};

/* Non-ASCII subjects: RFC 2047 in the output. */
static const char *const subj_intl[] = {
	"Probl\xc3\xa8me de facturation \xe2\x80\x93 commande %u",
	"Lieferung versp\xc3\xa4tet \xe2\x80\x93 Bestellung %u",
	"Frage zur Rechnung f\xc3\xbcr M\xc3\xa4rz",
	"Zugang gesperrt \xe2\x80\x93 bitte um Hilfe",
	"Consulta sobre la factura %u",
	"N\xc3\xa3o consigo acessar minha conta",
	"\xe6\xb3\xa8\xe6\x96\x87 %u \xe3\x81\xab\xe3\x81\xa4\xe3\x81\x84"
	    "\xe3\x81\xa6",
	"\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8\xe3\x81\xae\xe5\x86\x8d\xe7"
	    "\x99\xba\xe8\xa1\x8c\xe3\x81\xae\xe3\x81\x8a\xe9\xa1\x98\xe3"
	    "\x81\x84",
	"Pytanie o faktur\xc4\x99 %u",
	"\xd0\x9e\xd1\x88\xd0\xb8\xd0\xb1\xd0\xba\xd0\xb0 \xd0\xbf\xd1\x80"
	    "\xd0\xb8 \xd0\xb2\xd1\x85\xd0\xbe\xd0\xb4\xd0\xb5",
};

static const struct {
	const char *const	*v;
	size_t			 n;
} topics[DEMO_NTOPICS] = {
	[TOPIC_SUPPORT] = { subj_support, nitems(subj_support) },
	[TOPIC_SALES] = { subj_sales, nitems(subj_sales) },
	[TOPIC_OUTBOUND] = { subj_outbound, nitems(subj_outbound) },
	[TOPIC_INTERNAL] = { subj_internal, nitems(subj_internal) },
	[TOPIC_INTL] = { subj_intl, nitems(subj_intl) },
};

/* A name with its ASCII form for addresses; ascii NULL: lower-case. */
struct name {
	const char	*disp;
	const char	*ascii;
};

static const struct name en_first[] = {
	{ "James", 0 }, { "Olivia", 0 }, { "Noah", 0 }, { "Emma", 0 },
	{ "Liam", 0 }, { "Amelia", 0 }, { "Oliver", 0 }, { "Sophia", 0 },
	{ "Harry", 0 }, { "Isla", 0 }, { "Jacob", 0 }, { "Grace", 0 },
	{ "Thomas", 0 }, { "Chloe", 0 }, { "Daniel", 0 }, { "Ella", 0 },
	{ "Michael", 0 }, { "Emily", 0 }, { "Samuel", 0 }, { "Lucy", 0 },
	{ "David", 0 }, { "Hannah", 0 }, { "Joseph", 0 }, { "Megan", 0 },
	{ "Ryan", 0 }, { "Laura", 0 }, { "Kevin", 0 }, { "Rachel", 0 },
	{ "Sean", 0 }, { "Nicole", 0 }, { "Aaron", 0 }, { "Jessica", 0 },
};

static const struct name en_last[] = {
	{ "Smith", 0 }, { "Jones", 0 }, { "Taylor", 0 }, { "Brown", 0 },
	{ "Williams", 0 }, { "Wilson", 0 }, { "Johnson", 0 }, { "Davies", 0 },
	{ "Robinson", 0 }, { "Wright", 0 }, { "Thompson", 0 }, { "Evans", 0 },
	{ "Walker", 0 }, { "White", 0 }, { "Roberts", 0 }, { "Green", 0 },
	{ "Hall", 0 }, { "Wood", 0 }, { "Jackson", 0 }, { "Clarke", 0 },
	{ "Miller", 0 }, { "Garcia", 0 }, { "Martinez", 0 }, { "Anderson", 0 },
	{ "Lee", 0 }, { "Harris", 0 }, { "Young", 0 }, { "King", 0 },
	{ "O'Brien", "obrien" }, { "Murphy", 0 }, { "Kelly", 0 },
	{ "Nguyen", 0 },
};

static const struct name eu_first[] = {
	{ "J\xc3\xbcrgen", "juergen" }, { "Zo\xc3\xab", "zoe" },
	{ "Fran\xc3\xa7ois", "francois" }, { "S\xc3\xb8ren", "soeren" },
	{ "Jos\xc3\xa9", "jose" }, { "Ana", 0 },
	{ "\xc5\x81ukasz", "lukasz" }, { "M\xc3\xb3nica", "monica" },
	{ "Bj\xc3\xb6rn", "bjoern" }, { "Chlo\xc3\xa9", "chloe" },
	{ "Lena", 0 }, { "Matteo", 0 }, { "In\xc3\xa8s", "ines" },
	{ "Piotr", 0 }, { "Sof\xc3\xad" "a", "sofia" },
	{ "\xc3\x89mile", "emile" },
};

static const struct name eu_last[] = {
	{ "M\xc3\xbcller", "mueller" }, { "N\xc3\xba\xc3\xb1" "ez", "nunez" },
	{ "\xc3\x98stergaard", "oestergaard" },
	{ "W\xc3\xb3jcik", "wojcik" }, { "Dubois", 0 }, { "Rossi", 0 },
	{ "Garc\xc3\xad" "a", "garcia" }, { "Sch\xc3\xa4" "fer", "schaefer" },
	{ "Lef\xc3\xa8vre", "lefevre" }, { "Kowalski", 0 }, { "Jensen", 0 },
	{ "Nov\xc3\xa1k", "novak" }, { "Bianchi", 0 },
	{ "Fern\xc3\xa1ndez", "fernandez" }, { "Wei\xc3\x9f", "weiss" },
	{ "Andersson", 0 },
};

static const struct name in_first[] = {
	{ "Aarav", 0 }, { "Priya", 0 }, { "Rohan", 0 }, { "Ananya", 0 },
	{ "Vikram", 0 }, { "Sneha", 0 }, { "Arjun", 0 }, { "Kavya", 0 },
	{ "Rahul", 0 }, { "Divya", 0 }, { "Sanjay", 0 }, { "Meera", 0 },
};

static const struct name in_last[] = {
	{ "Sharma", 0 }, { "Iyer", 0 }, { "Reddy", 0 }, { "Nair", 0 },
	{ "Gupta", 0 }, { "Mehta", 0 }, { "Rao", 0 }, { "Kapoor", 0 },
	{ "Singh", 0 }, { "Desai", 0 },
};

/* Japanese: kanji and the romanisation. */
static const struct name jp_first[] = {
	{ "\xe5\xa4\xaa\xe9\x83\x8e", "taro" },
	{ "\xe8\x8a\xb1\xe5\xad\x90", "hanako" },
	{ "\xe5\x81\xa5", "ken" },
	{ "\xe7\x94\xb1\xe7\xbe\x8e", "yumi" },
	{ "\xe7\xbf\x94", "sho" },
	{ "\xe7\xbe\x8e\xe5\x92\xb2", "misaki" },
	{ "\xe5\xa4\xa7\xe8\xbc\x94", "daisuke" },
	{ "\xe9\x99\xbd\xe8\x8f\x9c", "hina" },
};

static const struct name jp_last[] = {
	{ "\xe5\xb1\xb1\xe7\x94\xb0", "yamada" },
	{ "\xe4\xbd\x90\xe8\x97\xa4", "sato" },
	{ "\xe9\x88\xb4\xe6\x9c\xa8", "suzuki" },
	{ "\xe9\xab\x98\xe6\xa9\x8b", "takahashi" },
	{ "\xe7\x94\xb0\xe4\xb8\xad", "tanaka" },
	{ "\xe4\xbc\x8a\xe8\x97\xa4", "ito" },
	{ "\xe6\xb8\xa1\xe8\xbe\xba", "watanabe" },
	{ "\xe4\xb8\xad\xe6\x9d\x91", "nakamura" },
};

static const char *const dom_prefix[] = {
	"north", "blue", "river", "summit", "oak", "silver", "bright",
	"harbor", "stone", "green", "red", "cedar", "iron", "swift",
	"golden", "maple", "clear", "pine", "atlas", "nova", "delta", "apex",
	"crown", "eagle", "falcon", "granite", "horizon", "lake", "meadow",
	"orbit", "pioneer", "quartz", "ridge", "sierra", "terra", "vertex",
	"willow", "zenith", "copper", "coral",
};

static const char *const dom_suffix[] = {
	"tech", "works", "logistics", "foods", "labs", "systems", "partners",
	"retail", "media", "health", "energy", "motors", "design", "capital",
	"software", "supply", "group", "studio", "analytics", "freight",
	"consulting", "bakery", "pharma", "textiles", "robotics",
};

static const char *const free_domains[] = {
	"freemail.example", "postbox.example", "webmail.example",
	"inbox.example", "mailbox.example",
};

size_t
demo_topic_size(enum demo_topic topic)
{
	return topics[topic].n;
}

void
demo_expand(const char *s, uint32_t num, char *out, size_t size)
{
	size_t		 o = 0;
	char		 dig[12];
	int		 nd;
	uint32_t	 v;

	for (; *s != '\0' && o + 1 < size; s++) {
		if (s[0] != '%' || (s[1] != 'u' && s[1] != 'n')) {
			out[o++] = *s;
			continue;
		}
		v = s[1] == 'u' ? num : (num % 50 + 1) * 5;
		nd = 0;
		do {
			dig[nd++] = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		while (nd > 0 && o + 1 < size)
			out[o++] = dig[--nd];
		s++;
	}
	out[o] = '\0';
}

void
demo_subject(enum demo_topic topic, size_t i, uint32_t num, char *out,
    size_t size)
{
	demo_expand(topics[topic].v[i % topics[topic].n], num, out, size);
}

/* Appends s to out[*o], lower-cased, letters and digits only. */
static void
put_ascii(char *out, size_t size, size_t *o, const char *s)
{
	for (; *s != '\0' && *o + 1 < size; s++) {
		char	c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[(*o)++] = c;
	}
	out[*o] = '\0';
}

static void
put_str(char *out, size_t size, size_t *o, const char *s)
{
	size_t	n = strlen(s);

	if (n > size - 1 - *o)
		n = size - 1 - *o;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static const char *
ascii_of(const struct name *n)
{
	return n->ascii != NULL ? n->ascii : n->disp;
}

static enum demo_region
region_of(uint64_t h)
{
	double	u = (double)(h >> 11) * 0x1.0p-53, acc = 0;

	for (int r = 0; r < DEMO_NREGIONS; r++) {
		acc += demo_zones[r].share;
		if (u < acc)
			return (enum demo_region)r;
	}
	return REG_LONDON;
}

void
demo_people_init(struct demo_people *p, struct demo_rng *rng)
{
	size_t	 ncombo = nitems(dom_prefix) * nitems(dom_suffix);
	size_t	*perm = xcalloc(ncombo, sizeof(*perm));
	double	 sum = 0;

	p->ncompany = NCOMPANY;
	p->ndom = NCOMPANY + nitems(free_domains);
	p->dom = xcalloc(p->ndom, sizeof(*p->dom));
	p->cum = xcalloc(NCOMPANY, sizeof(*p->cum));
	for (size_t i = 0; i < ncombo; i++)
		perm[i] = i;
	for (size_t i = 0; i < NCOMPANY; i++) {
		struct demo_domain	*d = &p->dom[i];
		size_t			 j, o = 0, pre, suf;
		uint64_t		 h = demo_rng_next(rng);

		/* Partial Fisher-Yates: distinct name combinations. */
		j = i + demo_below(rng, (uint32_t)(ncombo - i));
		pre = perm[j];
		perm[j] = perm[i];
		perm[i] = pre;
		suf = pre % nitems(dom_suffix);
		pre /= nitems(dom_suffix);
		d->region = (uint8_t)region_of(h);
		put_str(d->name, sizeof(d->name), &o, dom_prefix[pre]);
		if ((h & 3) == 0)
			put_str(d->name, sizeof(d->name), &o, "-");
		put_str(d->name, sizeof(d->name), &o, dom_suffix[suf]);
		if (d->region == REG_BERLIN && (h >> 8) % 3 == 0)
			put_str(d->name, sizeof(d->name), &o, "-gmbh");
		else if (d->region == REG_TOKYO && (h >> 8) % 2 == 0)
			put_str(d->name, sizeof(d->name), &o, "-jp");
		put_str(d->name, sizeof(d->name), &o, ".example");
		d->contacts = (uint16_t)(i < BIG_ACCOUNTS ?
		    6 + (h >> 16) % 20 : 1 + (h >> 16) % 5);
		sum += demo_exp(-ZIPF_EXPONENT *
		    demo_log((double)i + ZIPF_OFFSET));
		p->cum[i] = sum;
	}
	for (size_t i = 0; i < NCOMPANY; i++)
		p->cum[i] /= sum;
	for (size_t i = 0; i < nitems(free_domains); i++) {
		struct demo_domain	*d = &p->dom[NCOMPANY + i];
		size_t			 o = 0;

		put_str(d->name, sizeof(d->name), &o, free_domains[i]);
		d->free = 1;
		d->contacts = 0;
	}
	free(perm);
}

void
demo_people_free(struct demo_people *p)
{
	free(p->dom);
	free(p->cum);
	p->dom = NULL;
	p->cum = NULL;
}

void
demo_pick_customer(const struct demo_people *p, struct demo_rng *rng,
    uint32_t *dom, uint32_t *person)
{
	double	u;
	size_t	lo = 0, hi = p->ncompany - 1;

	if (demo_chance(rng, FREE_SHARE)) {
		*dom = (uint32_t)(p->ncompany + demo_below(rng,
		    (uint32_t)(p->ndom - p->ncompany)));
		*person = demo_below(rng, FREE_PEOPLE);
		return;
	}
	u = demo_unif(rng);
	while (lo < hi) {		/* first i with cum[i] > u */
		size_t	mid = lo + (hi - lo) / 2;

		if (p->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	*dom = (uint32_t)lo;
	*person = demo_below(rng, p->dom[lo].contacts);
}

void
demo_customer(const struct demo_people *p, uint32_t dom, uint32_t person,
    struct demo_who *out)
{
	const struct demo_domain *d = &p->dom[dom];
	const struct name	*first, *last;
	uint64_t		 h = demo_mix(((uint64_t)dom << 32 | person) ^
				    0x5eed5eed5eedULL);
	size_t			 o = 0, style;
	enum demo_region	 reg;

	reg = d->free ? region_of(demo_mix(h)) : (enum demo_region)d->region;
	switch (reg) {
	case REG_BERLIN:
		first = &eu_first[h % nitems(eu_first)];
		last = &eu_last[(h >> 8) % nitems(eu_last)];
		break;
	case REG_KOLKATA:
		first = &in_first[h % nitems(in_first)];
		last = &in_last[(h >> 8) % nitems(in_last)];
		break;
	case REG_TOKYO:
		first = &jp_first[h % nitems(jp_first)];
		last = &jp_last[(h >> 8) % nitems(jp_last)];
		break;
	default:
		first = &en_first[h % nitems(en_first)];
		last = &en_last[(h >> 8) % nitems(en_last)];
		break;
	}
	out->region = (uint8_t)reg;

	/* Address: the domain's convention, or free-mail habits. */
	style = d->free ? 4 + (h >> 20) % 3 : demo_mix(dom) % 4;
	switch (style) {
	case 1:				/* jsmith */
		out->addr[o++] = lower(ascii_of(first)[0]);
		out->addr[o] = '\0';
		put_ascii(out->addr, sizeof(out->addr), &o, ascii_of(last));
		break;
	case 2:				/* james */
		put_ascii(out->addr, sizeof(out->addr), &o, ascii_of(first));
		if (person > 0) {	/* james2 */
			out->addr[o++] = (char)('0' + person % 10);
			out->addr[o] = '\0';
		}
		break;
	case 5:				/* jamessmith1984 */
	case 6:				/* james_smith */
	case 0:				/* james.smith */
	case 3:				/* j.smith */
	default:
		if (style == 3) {
			out->addr[o++] = lower(ascii_of(first)[0]);
			out->addr[o] = '\0';
		} else
			put_ascii(out->addr, sizeof(out->addr), &o,
			    ascii_of(first));
		if (style != 5)
			put_str(out->addr, sizeof(out->addr), &o,
			    style == 6 ? "_" : ".");
		put_ascii(out->addr, sizeof(out->addr), &o, ascii_of(last));
		if (style >= 4) {
			char	num[8];
			size_t	n = 0;
			uint32_t v = (uint32_t)(style == 5 ? 1950 +
			    (h >> 24) % 56 : (h >> 24) % 100);

			if (style == 4 && v % 3 == 0)
				break;		/* some have no digits */
			do {
				num[n++] = (char)('0' + v % 10);
				v /= 10;
			} while (v != 0);
			while (n > 0 && o + 1 < sizeof(out->addr))
				out->addr[o++] = num[--n];
			out->addr[o] = '\0';
		}
		break;
	}
	put_str(out->addr, sizeof(out->addr), &o, "@");
	put_str(out->addr, sizeof(out->addr), &o, d->name);

	/* Display name: mostly "First Last"; some none, some "Last, First". */
	o = 0;
	out->name[0] = '\0';
	style = (h >> 40) % 20;
	if (style == 0)
		return;			/* a bare address */
	if (style == 1 && reg != REG_TOKYO) {
		put_str(out->name, sizeof(out->name), &o, last->disp);
		put_str(out->name, sizeof(out->name), &o, ", ");
		put_str(out->name, sizeof(out->name), &o, first->disp);
	} else if (reg == REG_TOKYO && (h >> 48) % 2 == 0) {
		put_str(out->name, sizeof(out->name), &o, last->disp);
		put_str(out->name, sizeof(out->name), &o,
		    "\xe3\x80\x80");	/* ideographic space */
		put_str(out->name, sizeof(out->name), &o, first->disp);
	} else if (reg == REG_TOKYO) {
		/* Romanised, capitalised: "Taro Yamada". */
		put_ascii(out->name, sizeof(out->name), &o, ascii_of(first));
		out->name[0] = (char)(out->name[0] - 32);
		put_str(out->name, sizeof(out->name), &o, " ");
		put_ascii(out->name, sizeof(out->name), &o, ascii_of(last));
		out->name[o - strlen(ascii_of(last))] -= 32;
	} else {
		put_str(out->name, sizeof(out->name), &o, first->disp);
		put_str(out->name, sizeof(out->name), &o, " ");
		put_str(out->name, sizeof(out->name), &o, last->disp);
	}
}

void
demo_agent_who(int agent, int use_alias, struct demo_who *out)
{
	const struct demo_agent	*a = &demo_agents[agent];
	size_t			 o = 0;

	put_str(out->addr, sizeof(out->addr), &o,
	    use_alias && a->alias != NULL ? a->alias : a->local);
	put_str(out->addr, sizeof(out->addr), &o, "@acme.example");
	o = 0;
	put_str(out->name, sizeof(out->name), &o, a->name);
	out->region = (uint8_t)demo_scheds[a->sched].zone;
}

void
demo_fixed_who(const char *name, const char *addr, struct demo_who *out)
{
	size_t	o = 0;

	put_str(out->addr, sizeof(out->addr), &o, addr);
	o = 0;
	put_str(out->name, sizeof(out->name), &o, name);
	out->region = REG_LONDON;
}
