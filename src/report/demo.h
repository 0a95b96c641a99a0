/*
 * demo.h: synthetic mail of a fictional company, for demonstrations,
 * benchmarks and tests ("replytime demo-data").
 *
 * demo_mbox() streams an mbox of exactly opts->messages messages (headers
 * and a one-line body each) exchanged by Acme Ltd (acme.example), its
 * support and sales teams and a few hundred fictional customer domains;
 * demo_config() writes the matching configuration (metrics spec section
 * 11).  The model and its parameters are described in demo.c and in
 * docs/demo-data.md.
 *
 * Determinism: the output depends only on the options.  The generator has
 * its own PRNG (xoshiro256**), its own exp/log built from correctly
 * rounded IEEE operations and built-in POSIX time-zone rules, so the same
 * options give the same bytes on every platform, whatever the clock, the
 * locale, TZ or the system's zoneinfo.  The configuration depends only on
 * the number of messages (through the period), not on the seed.
 *
 * Memory is bounded by the conversations open at one time, never by the
 * number of messages: nothing already written is kept.
 */
#ifndef RT_DEMO_H
#define RT_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"

#define DEMO_MESSAGES_DEFAULT	2000
#define DEMO_SEED_DEFAULT	1
#define DEMO_MESSAGES_MAX	100000000	/* 10^8 */

struct demo_opts {
	uint64_t	 messages;	/* 1..DEMO_MESSAGES_MAX */
	uint64_t	 seed;		/* any value */
};

/* What demo_mbox() wrote, as the generator sees it. */
struct demo_stats {
	uint64_t	 messages;
	uint64_t	 bytes;
	uint64_t	 conversations;	/* started (first messages) */
	uint64_t	 replies;	/* messages with In-Reply-To */
	uint64_t	 automated;	/* with a marker of spec section 3 */
	uint64_t	 internal;	/* from an acme.example address */
	uint64_t	 max_open;	/* most conversations open at once */
	int64_t		 first_date;	/* smallest Date, UTC seconds */
	int64_t		 last_date;	/* largest Date */
};

/*
 * Receives the output in chunks of about 1 MiB, in order.  Returns 0, or
 * -1 with err set to stop the generator.
 */
typedef int	(*demo_sink)(void *arg, const char *p, size_t len,
		    struct err *err);

/*
 * The period [*start, *end) (UTC seconds) holding the messages: it ends
 * at 2025-07-01T00:00:00Z and lasts messages / 400 days, at least 30 and
 * at most 3650 (denser mail beyond 1.46 million messages).
 */
void	demo_period(uint64_t messages, int64_t *start_out, int64_t *end_out);

/*
 * Writes the mbox to sink.  Returns 0, or -1 with err set: ERR_USAGE for
 * a message count out of range, or the sink's error.  stats may be NULL.
 */
int	demo_mbox(const struct demo_opts *opts, demo_sink sink, void *arg,
	    struct demo_stats *stats, struct err *err);

/*
 * Appends the configuration matching demo_mbox()'s output (INI, metrics
 * spec section 11) to out.  Returns 0, or -1 with err set (ERR_USAGE) for
 * a message count out of range.
 */
int	demo_config(const struct demo_opts *opts, struct buf *out,
	    struct err *err);

#endif
