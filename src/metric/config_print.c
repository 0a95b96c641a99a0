/*
 * config_print.c: the effective configuration, and the key reference.
 *
 * Both walk the key table.  config_print() writes every key of every
 * section with its value, defaults included, so what "config check" shows
 * is exactly what the metrics use; it is canonical (config_value.c) and
 * parses back to a configuration that prints the same bytes.  Long lists
 * are wrapped after a ',' (the reader's continuation rule) so that no
 * printed line passes the reader's line limit.  config_doc() writes the
 * Markdown tables of docs/configuration.md from the help texts.
 */
#include <string.h>

#include "config_priv.h"

#define PRINT_WIDTH	76

void
vout_item(struct vout *o, const char *s)
{
	size_t	len = strlen(s);

	if (o->items == 0) {
		buf_addc(o->b, ' ');
		o->col++;
	} else if (o->col + 2 + len > PRINT_WIDTH) {
		buf_puts(o->b, ",\n\t");
		o->col = 8;
	} else {
		buf_puts(o->b, ", ");
		o->col += 2;
	}
	buf_puts(o->b, s);
	o->col += len;
	o->items++;
}

static void
print_section(struct buf *out, enum sect_kind kind, const char *name,
    const void *obj)
{
	struct vout	o;

	if (name != NULL)
		buf_addf(out, "\n[%s \"%s\"]\n", config_sects[kind].name, name);
	else
		buf_addf(out, "\n[%s]\n", config_sects[kind].name);
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct key_def *k = &config_keys[i];

		if (k->sect != kind)
			continue;
		buf_addf(out, "%s =", k->name);
		o = (struct vout){ .b = out, .col = strlen(k->name) + 2 };
		k->type->print(&o, k, (const char *)obj + k->off);
		buf_addc(out, '\n');
	}
}

void
config_print(const struct config *cfg, struct buf *out)
{
	size_t	i;

	buf_puts(out, "; replytime configuration: every setting in effect, "
	    "defaults included\n");
	print_section(out, SECT_ORG, NULL, &cfg->org);
	print_section(out, SECT_RULES, NULL, &cfg->rules);
	if (cfg->hours != NULL)
		print_section(out, SECT_HOURS, NULL, cfg->hours);
	else
		buf_puts(out, "\n; no default [hours]: without a schedule, "
		    "business time is calendar time\n");
	for (i = 0; i < cfg->nschedules; i++)
		print_section(out, SECT_HOURS, cfg->schedules[i].name,
		    &cfg->schedules[i]);
	for (i = 0; i < cfg->nteams; i++)
		print_section(out, SECT_TEAM, cfg->teams[i].name,
		    &cfg->teams[i]);
	for (i = 0; i < cfg->nagents; i++)
		print_section(out, SECT_AGENT, cfg->agents[i].addr,
		    &cfg->agents[i]);
}

static void
doc_type(struct buf *out, const struct key_def *k)
{
	if (k->choices == NULL) {
		buf_puts(out, k->type->doc);
		return;
	}
	for (size_t i = 0; k->choices[i] != NULL; i++)
		buf_addf(out, "%s`%s`", i == 0 ? "" : " or ", k->choices[i]);
}

static void
doc_default(struct buf *out, const struct key_def *k)
{
	if (k->def == NULL)
		buf_puts(out, k->required ? "*(required)*" : "*(not set)*");
	else if (k->def[0] == '\0')
		buf_puts(out, "*(empty)*");
	else
		buf_addf(out, "`%s`", k->def);
}

void
config_doc(struct buf *out)
{
	for (enum sect_kind kind = 0; kind < SECT_COUNT; kind++) {
		const struct sect_def *sd = &config_sects[kind];

		if (sd->naming == NAME_REQUIRED)
			buf_addf(out, "### `[%s \"...\"]`\n\n", sd->name);
		else
			buf_addf(out, "### `[%s]`\n\n", sd->name);
		buf_addf(out, "%s\n\n", sd->help);
		buf_puts(out, "| Key | Type | Default | Meaning |\n"
		    "|---|---|---|---|\n");
		for (size_t i = 0; i < config_nkeys; i++) {
			const struct key_def *k = &config_keys[i];

			if (k->sect != kind)
				continue;
			buf_addf(out, "| `%s` | ", k->name);
			doc_type(out, k);
			buf_puts(out, " | ");
			doc_default(out, k);
			buf_addf(out, " | %s |\n", k->help);
		}
		if (kind + 1 < SECT_COUNT)
			buf_addc(out, '\n');
	}
}
