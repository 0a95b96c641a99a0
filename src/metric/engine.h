/*
 * engine.h: the reply-time engine of metrics spec version 1.
 *
 * Pure: messages come in through engine_add(), time through the report
 * options; nothing here reads a file or the clock.  The engine keeps a
 * compact copy of each message (interned addresses and ids, about 64
 * bytes plus its links), so memory grows linearly with the messages.
 *
 * The configuration is applied only by engine_run(), so one engine can
 * be reported on under any configuration (a changed setting applies to
 * all history at once) and a default can be chosen after reading.
 *
 * Ownership: engine_run() borrows cfg; the report it returns borrows
 * names from cfg, so cfg must outlive the report (report_free()).
 * engine_run() updates scratch state in the engine: do not run two
 * reports on one engine at the same time.
 */
#ifndef RT_ENGINE_H
#define RT_ENGINE_H

#include <stdint.h>

#include "../base/err.h"
#include "../mail/meta.h"
#include "config.h"

struct engine;

enum group_kind { GROUP_ALL, GROUP_TEAM, GROUP_AGENT };

/* One statistic block of spec section 10 (calendar or business). */
struct report_stats {
	int64_t		 mean, median, p90, min, max;	/* valid if count */
	int64_t		*within_n;	/* owned: samples <= each SLA target */
};

struct report_kind {
	int64_t			count;		/* samples in the period */
	int64_t			negative;	/* replies only */
	int64_t			outliers;
	struct report_stats	cal, biz;
};

struct report_group {
	enum group_kind		 kind;
	const char		*name;		/* borrowed from cfg, or "all" */
	struct report_kind	 replies;
	struct report_kind	 first_reply;
	int64_t			 awaiting;
	int64_t			 oldest_secs;	/* valid if awaiting > 0 */
	int64_t			 received, sent;
};

struct report {
	const struct config	*cfg;		/* borrowed */
	int64_t			 from, to, now;
	int			 empty;		/* no usable message at all */
	int64_t			 messages, duplicates, undated, automated;
	int64_t			 conversations;
	struct report_group	*groups;	/* owned: all, teams, agents */
	size_t			 ngroups;
};

struct report_opts {
	int		 has_from, has_to, has_now;
	int64_t		 from, to, now;		/* UTC seconds; to exclusive */
};

/*
 * A message as the engine sees it: times, automation markers, and the
 * sender, recipients and ids as opaque keys.  Keys are either the
 * plaintext (lower-cased addr-specs, normalised ids) or blind indexes of
 * it (the store): the engine only compares them for equality, and asks a
 * classifier which address keys are agents or internal.  Everything is
 * borrowed for the call to engine_add_rec().
 */
struct engine_rec {
	int			 has_date, has_received;
	int64_t			 date, received;	/* UTC seconds */
	unsigned		 auto_flags;	/* enum meta_auto */
	struct str		 sender;	/* p NULL: unknown */
	const struct str	*to, *cc;
	size_t			 nto, ncc;
	struct str		 id;		/* p NULL: no id */
	const struct str	*irt, *refs;	/* In-Reply-To, References */
	size_t			 nirt, nrefs;
};

/*
 * Says whether the address with key key is an agent (*agent_out: its
 * index in cfg->agents, or -1) and whether it is internal (section 3).
 * The default, for plaintext keys, asks config_agent_find() and
 * config_domain_internal().
 */
struct engine_classifier {
	void	(*classify)(void *arg, const struct config *cfg, struct str key,
		    int32_t *agent_out, int *internal_out);
	void	*arg;			/* borrowed */
};

struct engine	*engine_new(void);
void		 engine_free(struct engine *e);
/* Copies what the metrics need from m (which may be reused after). */
void		 engine_add(struct engine *e, const struct msg_meta *m);
/* The same from keys (see struct engine_rec). */
void		 engine_add_rec(struct engine *e, const struct engine_rec *r);
/* NULL restores the default.  c is copied; c->arg must outlive runs. */
void		 engine_set_classifier(struct engine *e,
		    const struct engine_classifier *c);
uint64_t	 engine_count(const struct engine *e);
/* Bytes held for the messages, for memory reports. */
size_t		 engine_bytes(const struct engine *e);

/*
 * Computes every metric for every group.  Returns 0 and a new report, or
 * -1 with err set when the options make no sense (from >= to).
 */
int	engine_run(struct engine *e, const struct config *cfg,
	    const struct report_opts *opts, struct report **out,
	    struct err *err);

/*
 * For choosing a default configuration: the n addresses that sent the
 * most dated, non-automated messages (automation judged with lists
 * counted as automated only if lists_automated), most first; ties by
 * first appearance.  Returns how many were stored in out (borrowed from
 * the engine).  *list_share_out: the share of dated messages that carry
 * a mailing-list marker (List-Id, List-Post, List-Unsubscribe,
 * Precedence: list or bulk).
 */
size_t	engine_top_senders(const struct engine *e, int lists_automated,
	    size_t n, struct str *out, double *list_share_out);
void	report_free(struct report *r);

#endif
