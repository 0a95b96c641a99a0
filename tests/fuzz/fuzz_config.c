/*
 * fuzz_config.c: config_parse on arbitrary bytes.
 *
 * Invariants, checked on every input (abort if broken):
 *  - a failed parse returns no configuration and an error message that
 *    starts with the file name;
 *  - a configuration that parses prints, the print parses, and the second
 *    print equals the first byte for byte (the canonical round trip);
 *  - no printed line is longer than CONFIG_MAX_LINE;
 *  - every agent's address and every alias finds that agent, and every
 *    team member finds the agent member_agent says;
 *  - the schedule helpers return the default, a named schedule or NULL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "metric/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
print_new(const struct config *cfg, size_t *len_out)
{
	struct buf	b;
	size_t		col = 0;

	buf_init(&b, 0);
	config_print(cfg, &b);
	for (size_t i = 0; i < b.len; i++) {
		col = b.data[i] == '\n' ? 0 : col + 1;
		if (col > CONFIG_MAX_LINE)
			abort();
	}
	return buf_take(&b, len_out);
}

static int
known_schedule(const struct config *cfg, const struct config_schedule *s)
{
	if (s == NULL || s == cfg->hours)
		return 1;
	return s >= cfg->schedules && s < cfg->schedules + cfg->nschedules;
}

static void
check_lookups(const struct config *cfg)
{
	size_t	idx;

	for (size_t i = 0; i < cfg->nagents; i++) {
		const struct config_agent *a = &cfg->agents[i];

		if (config_agent_find(cfg, str_cstr(a->addr), &idx) == -1 ||
		    idx != i || a->nteams == 0)
			abort();
		for (size_t j = 0; j < a->aliases.n; j++)
			if (config_agent_find(cfg, str_cstr(a->aliases.v[j]),
			    &idx) == -1 || idx != i)
				abort();
		if (!known_schedule(cfg, config_agent_schedule(cfg, i)))
			abort();
	}
	for (size_t t = 0; t < cfg->nteams; t++) {
		const struct config_team *team = &cfg->teams[t];

		for (size_t j = 0; j < team->members.n; j++)
			if (config_agent_find(cfg,
			    str_cstr(team->members.v[j]), &idx) == -1 ||
			    idx != team->member_agent[j])
				abort();
		if (!known_schedule(cfg, config_team_schedule(cfg, t)))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg = NULL, *again = NULL;
	struct err	 err;
	char		*p1, *p2;
	size_t		 l1, l2;

	if (config_parse((const char *)data, size, "f.ini", &cfg, &err) == -1) {
		if (cfg != NULL || strncmp(err.msg, "f.ini:", 6) != 0)
			abort();
		return 0;
	}
	check_lookups(cfg);
	p1 = print_new(cfg, &l1);
	if (config_parse(p1, l1, "print", &again, &err) == -1)
		abort();
	p2 = print_new(again, &l2);
	if (l1 != l2 || memcmp(p1, p2, l1) != 0)
		abort();
	if (again->nagents != cfg->nagents || again->nteams != cfg->nteams ||
	    again->nschedules != cfg->nschedules)
		abort();
	free(p1);
	free(p2);
	config_free(again);
	config_free(cfg);
	return 0;
}
