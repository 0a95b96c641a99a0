/*
 * engine_facts.h: the engine's results fact by fact, for the dashboard.
 *
 * engine_run() sums what it finds into a struct report.  The dashboard
 * (src/view) needs the facts behind the sums, to answer any period
 * without running the engine again and to list the conversations behind
 * a number.  engine_run_sink() is engine_run() that also tells a sink
 * each fact as the engine finds it; there is no second implementation of
 * a metric.  With a period covering every message (from INT64_MIN, to
 * INT64_MAX), the facts are the whole history: a report for any period
 * is then a count and an order statistic over the facts whose time falls
 * in it.
 *
 * Messages are named by their index in the engine: 0, 1, ... in the
 * order engine_add() kept them (duplicates are not kept and get none).
 * Groups are numbered as in the report: 0 all, 1..T teams, then agents.
 *
 * Ownership: the structs handed to the sink are borrowed for the call.
 */
#ifndef RT_ENGINE_FACTS_H
#define RT_ENGINE_FACTS_H

#include <stdint.h>

#include "engine.h"

#define ENGINE_NONE	UINT32_MAX

enum engine_sample_kind {
	ENGINE_REPLY,			/* section 6 */
	ENGINE_FIRST_REPLY,		/* section 7 */
};

enum engine_sample_status {
	ENGINE_SAMPLE_OK,		/* in the statistics */
	ENGINE_SAMPLE_NEGATIVE,		/* counted as negative */
	ENGINE_SAMPLE_OUTLIER,		/* counted as an outlier */
};

/* A sample of a group: message msg answering message from. */
struct engine_sample {
	size_t			 group;
	enum engine_sample_kind	 kind;
	enum engine_sample_status status;
	uint32_t		 msg;	/* R, F, or the group's message */
	uint32_t		 from;	/* Q, S, or where the wait began */
	int64_t			 t;	/* the sample's time: t(msg) */
	int64_t			 cal;	/* t(msg) - t(from) */
	int64_t			 biz;	/* business seconds; status OK only */
};

/*
 * Conversation conv awaits group at every instant now in [from, to)
 * (to INT64_MAX: still at the end of history), waiting since message
 * since_msg (time since).  One conversation may have several spans.
 */
struct engine_await {
	size_t		 group;
	uint32_t	 conv;
	uint32_t	 since_msg;
	int64_t		 since, from, to;
};

/* Any callback may be NULL. */
struct engine_sink {
	void	(*sample)(void *arg, const struct engine_sample *s);
	/* An external message counted as received by group g (section 8). */
	void	(*received)(void *arg, size_t g, uint32_t msg, int64_t t);
	/* A message counted as sent by group g (section 8). */
	void	(*sent)(void *arg, size_t g, uint32_t msg, int64_t t);
	/* Conversation conv is visible to group g (section 8); in
	 * ascending conv order for each g. */
	void	(*visible)(void *arg, size_t g, uint32_t conv);
	void	(*await)(void *arg, const struct engine_await *a);
	void	*arg;			/* borrowed */
};

/* engine_run() that also tells sink (NULL: nothing) each fact. */
int	engine_run_sink(struct engine *e, const struct config *cfg,
	    const struct report_opts *opts, const struct engine_sink *sink,
	    struct report **out, struct err *err);

/* One kept message as the last run classified it. */
struct engine_msg {
	uint32_t	 conv;		/* 0 .. report->conversations - 1 */
	int		 dated, automated, usable;
	int64_t		 t;		/* valid if dated */
	struct str	 sender;	/* its key (borrowed); p NULL: unknown */
	int32_t		 agent;		/* sender's agent index, or -1 */
	int		 internal;	/* sender is internal (section 3) */
	uint32_t	 parent;	/* usable parent message, or
					 * ENGINE_NONE */
};

/* Message i (< engine_count()) after a run; borrows from the engine. */
void	engine_msg_get(const struct engine *e, uint32_t i,
	    struct engine_msg *out);

#endif
