/*
 * keyed.c: agents and internal domains matched by blind index (keyed.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../base/xmalloc.h"
#include "../metric/intern.h"
#include "keyed.h"

struct keyed {
	const struct config	*cfg;		/* borrowed */
	struct intern		*agents;	/* agent address keys */
	int32_t			*agent_of;	/* per agents id */
	struct intern		*domains;	/* internal domain keys */
	struct intern		*internal;	/* stored addresses found internal */
};

static void
add_agent(struct keyed *k, record_blind_fn blind, void *arg, const char *a,
    int32_t agent)
{
	unsigned char	key[RECORD_KEY_BYTES];
	uint32_t	id;

	blind(arg, RECORD_ADDRESS, str_cstr(a), key);
	id = intern_put(k->agents, str_make((const char *)key, sizeof(key)),
	    NULL);
	k->agent_of = xreallocarray(k->agent_of, (size_t)id + 1,
	    sizeof(*k->agent_of));
	k->agent_of[id] = agent;
}

struct keyed *
keyed_new(const struct config *cfg, record_blind_fn blind, void *arg)
{
	struct keyed	*k = xcalloc(1, sizeof(*k));
	unsigned char	 key[RECORD_KEY_BYTES];

	k->cfg = cfg;
	k->agents = intern_new();
	k->domains = intern_new();
	k->internal = intern_new();
	for (size_t a = 0; a < cfg->nagents; a++) {
		add_agent(k, blind, arg, cfg->agents[a].addr, (int32_t)a);
		for (size_t i = 0; i < cfg->agents[a].aliases.n; i++)
			add_agent(k, blind, arg, cfg->agents[a].aliases.v[i],
			    (int32_t)a);
	}
	for (size_t i = 0; i < cfg->org.internal_domains.n; i++) {
		blind(arg, RECORD_DOMAIN,
		    str_cstr(cfg->org.internal_domains.v[i]), key);
		intern_put(k->domains, str_make((const char *)key,
		    sizeof(key)), NULL);
	}
	return k;
}

void
keyed_add_address(struct keyed *k, struct str key, const void *dk, size_t len)
{
	const char	*p = dk;

	for (size_t off = 0; off + RECORD_KEY_BYTES <= len;
	    off += RECORD_KEY_BYTES)
		if (intern_get(k->domains, str_make(p + off,
		    RECORD_KEY_BYTES)) != INTERN_NONE) {
			intern_put(k->internal, key, NULL);
			return;
		}
}

static void
classify(void *arg, const struct config *cfg, struct str key,
    int32_t *agent_out, int *internal_out)
{
	struct keyed	*k = arg;
	uint32_t	 id;

	if ((id = intern_get(k->agents, key)) != INTERN_NONE) {
		*agent_out = k->agent_of[id];
		*internal_out = 1;
		return;
	}
	*agent_out = -1;
	*internal_out = intern_get(k->internal, key) != INTERN_NONE;
}

void
keyed_classifier(struct keyed *k, struct engine_classifier *out)
{
	out->classify = classify;
	out->arg = k;
}

void
keyed_free(struct keyed *k)
{
	if (k == NULL)
		return;
	intern_free(k->agents);
	intern_free(k->domains);
	intern_free(k->internal);
	free(k->agent_of);
	free(k);
}
