/*
 * page_settings.c: the organization's settings page, one form per
 * section, for owners and admins (web.h, settings.h).
 *
 * The settings are the tenant's stored INI configuration
 * (docs/configuration.md).  The page shows a form for each fixed section
 * ([organization], [rules], the default [hours]), one per team, named
 * schedule and agent with a form to add one, and the whole text in a
 * textarea.  The edits are in settings_edit.c; when one is refused the
 * page shows the sent values again with each error beside the field whose
 * line it names.  A setting applies to all history at once: reports are
 * recomputed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

const struct settings_sect settings_sects[] = {
	{ "organization", "Organization", SETTINGS_FIXED, "organization", NULL,
	  { "name", "internal_domains" },
	  "Internal domains: comma-separated; their addresses are never "
	  "customers." },
	{ "rules", "Rules", SETTINGS_FIXED, "rules", NULL,
	  { "time_source", "clock_start", "exclude_internal", "exclude_lists",
	    "visibility", "count_cc", "outlier_cap" },
	  "time_source: date or received; clock_start: parent or "
	  "oldest-unanswered; yes/no switches; outlier_cap: a duration "
	  "(30d, 0 for none)." },
	{ "sla", "SLA targets", SETTINGS_FIXED, "rules", NULL,
	  { "sla_targets" },
	  "Durations, comma-separated, e.g. 1h, 4h, 24h." },
	{ "hours", "Business hours", SETTINGS_FIXED, "hours", NULL,
	  { "timezone", "mon", "tue", "wed", "thu", "fri", "sat", "sun" },
	  "The default schedule: an IANA time zone (Europe/London) and open "
	  "windows per day, HH:MM-HH:MM, comma-separated; empty: closed." },
	{ "holidays", "Holidays", SETTINGS_FIXED, "hours", NULL,
	  { "holidays", "partial" },
	  "Closed dates YYYY-MM-DD; partial days YYYY-MM-DD HH:MM-HH:MM." },
	{ "schedule", "Named schedules", SETTINGS_NAMED, "hours", "schedule",
	  { "timezone", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
	    "holidays", "partial" },
	  "Business-hours schedules a team or an agent chooses with its "
	  "hours key; the same keys as the default schedule.  A schedule "
	  "in use can not be removed." },
	{ "team", "Teams", SETTINGS_NAMED, "team", "team",
	  { "members", "hours" },
	  "A team's members are its agents' addresses, comma-separated; "
	  "hours names a schedule (empty: the default).  Removing a team "
	  "removes the settings of agents in no other team." },
	{ "agent", "Agents", SETTINGS_NAMED, "agent", "agent",
	  { "aliases", "leave", "hours" },
	  "An agent is a team member.  Aliases: its other addresses; leave: "
	  "days off, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, comma-separated; "
	  "hours: its own schedule (empty: its first team's)." },
	{ "advanced", "Advanced: the whole configuration", SETTINGS_WHOLE,
	  NULL, NULL, { NULL },
	  "Every setting, as the INI text of docs/configuration.md.  It is "
	  "stored only when the whole text is valid." },
};
const size_t settings_nsects = nitems(settings_sects);

void
settings_state_init(struct settings_state *st, const struct web_form *sent,
    const char *sent_id)
{
	memset(st, 0, sizeof(*st));
	st->sent = sent;
	st->sent_id = sent_id;
	buf_init(&st->diag, 0);
	buf_init(&st->lines, 0);
}

void
settings_state_free(struct settings_state *st)
{
	buf_free(&st->diag);
	buf_free(&st->lines);
}

void
settings_section(const struct settings_sect *s, const char *name, char *out,
    size_t size)
{
	snprintf(out, size, "%s \"%s\"", s->section, name);
}

int
settings_load(struct web_req *q, struct buf *ini, struct err *err)
{
	void	*sealed = NULL;
	size_t	 n = 0;
	int	 r;

	buf_reset(ini);
	if ((r = store_settings_get(q->t->ar.st, q->t->tid, &sealed, &n,
	    err)) == 1)
		return 0;
	if (r == -1)
		return -1;
	r = archive_open_sealed(&q->t->ar, "settings", 0, 0, sealed, n, ini,
	    err);
	free(sealed);
	return r;
}

static int
is_sent(const struct settings_state *st, const char *form_id)
{
	return st->sent_id != NULL && strcmp(st->sent_id, form_id) == 0;
}

/* The first diagnostic of key in the form just sent, or NULL; it ends at
 * a newline. */
static const char *
diag_for(const struct settings_state *st, const char *form_id,
    const char *key)
{
	size_t		 kl = strlen(key);
	const char	*p = st->diag.data;

	if (!is_sent(st, form_id))
		return NULL;
	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '\t')
			return p + kl + 1;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* The attributes tying control id to its error, if any. */
static void
described(struct buf *b, const char *id, const char *errmsg)
{
	if (errmsg == NULL)
		return;
	buf_puts(b, " aria-invalid=\"true\" aria-describedby=\"");
	html_esc(b, id);
	buf_puts(b, "-error\"");
}

static void
error_after(struct buf *b, const char *id, const char *errmsg)
{
	if (errmsg == NULL)
		return;
	buf_puts(b, "<p class=\"error\" id=\"");
	html_esc(b, id);
	buf_puts(b, "-error\">");
	html_esc_n(b, errmsg, strcspn(errmsg, "\n"));
	buf_puts(b, "</p>\n");
}

/* A labelled text field; its value is the one sent, else the stored one
 * of section (NULL: none). */
static void
field(struct buf *b, const struct settings_state *st, const char *form_id,
    const char *section, const char *key, const char *label,
    const struct buf *ini)
{
	struct buf	 v;
	const char	*val = NULL, *errmsg;
	char		 id[160];

	buf_init(&v, 0);
	if (is_sent(st, form_id))
		val = form_get(st->sent, key);
	if (val == NULL && section != NULL && ini_get(ini->data != NULL ?
	    ini->data : "", ini->len, section, key, &v) == 0)
		val = v.data;
	if (val == NULL)
		val = "";
	errmsg = diag_for(st, form_id, key);
	snprintf(id, sizeof(id), "%s-%s", form_id, key);
	buf_puts(b, "<p><label for=\"");
	html_esc(b, id);
	buf_puts(b, "\">");
	html_esc(b, label);
	buf_puts(b, "</label><br><input type=\"text\" id=\"");
	html_esc(b, id);
	buf_puts(b, "\" name=\"");
	html_esc(b, key);
	buf_puts(b, "\" value=\"");
	html_esc(b, val);
	buf_puts(b, "\"");
	described(b, id, errmsg);
	buf_puts(b, "></p>\n");
	error_after(b, id, errmsg);
	buf_free(&v);
}

/* 1 if the form holds the field name=value. */
static int
form_has(const struct web_form *f, const char *name, const char *value)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0 &&
		    strcmp(f->v[i].value, value) == 0)
			return 1;
	return 0;
}

/* 1 if addr is a member of team t. */
static int
is_member(const struct config_team *t, const char *addr)
{
	for (size_t m = 0; m < t->members.n; m++)
		if (strcmp(t->members.v[m], addr) == 0)
			return 1;
	return 0;
}

/* An agent's teams, one checkbox each: the ones sent, else its own. */
static void
team_boxes(struct buf *b, const struct settings_state *st,
    const char *form_id, const struct config *cfg, const char *addr)
{
	const char	*errmsg = diag_for(st, form_id, "team");
	char		 id[160];

	snprintf(id, sizeof(id), "%s-team", form_id);
	buf_puts(b, "<fieldset><legend>Member of</legend>\n");
	for (size_t t = 0; t < cfg->nteams; t++) {
		const char *name = cfg->teams[t].name;
		int on = is_sent(st, form_id) ? form_has(st->sent, "team",
		    name) : addr != NULL && is_member(&cfg->teams[t], addr);

		buf_addf(b, "<p><input type=\"checkbox\" name=\"team\" "
		    "id=\"%s-%zu\" value=\"", id, t);
		html_esc(b, name);
		buf_puts(b, "\"");
		if (on)
			buf_puts(b, " checked");
		described(b, id, errmsg);
		buf_addf(b, "> <label for=\"%s-%zu\">", id, t);
		html_esc(b, name);
		buf_puts(b, "</label></p>\n");
	}
	error_after(b, id, errmsg);
	buf_puts(b, "</fieldset>\n");
}

/* The removal of a named object: a confirmation box and its button. */
static void
remove_part(struct buf *b, const struct settings_state *st,
    const struct settings_sect *s, const char *form_id)
{
	const char	*errmsg = diag_for(st, form_id, "confirm");
	char		 id[160];

	snprintf(id, sizeof(id), "%s-confirm", form_id);
	buf_puts(b, "<p><input type=\"checkbox\" name=\"confirm\" "
	    "value=\"yes\" id=\"");
	html_esc(b, id);
	buf_puts(b, "\"");
	described(b, id, errmsg);
	buf_puts(b, "> <label for=\"");
	html_esc(b, id);
	buf_addf(b, "\">Yes, remove this %s</label></p>\n", s->noun);
	error_after(b, id, errmsg);
	buf_addf(b, "<p><button type=\"submit\" name=\"op\" value=\"remove\">"
	    "Remove %s</button></p>\n", s->noun);
}

/*
 * One form of s: a fixed section's, a named object's (name not NULL) or
 * the one adding a new object (name NULL).  section is the INI section
 * the values are read from, NULL for a new object.
 */
static void
form(struct web_req *q, struct buf *b, const struct settings_state *st,
    const struct settings_sect *s, const char *form_id, const char *section,
    const char *name, const char *legend, const struct buf *ini,
    const struct config *cfg)
{
	buf_puts(b, "<form method=\"post\" action=\"/settings\"><fieldset>"
	    "<legend>");
	html_esc(b, legend);
	buf_puts(b, "</legend>\n");
	html_csrf(q, b);
	buf_addf(b, "<input type=\"hidden\" name=\"sect\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"form\" value=\"%s\">", s->id,
	    form_id);
	if (name != NULL) {
		buf_puts(b, "<input type=\"hidden\" name=\"name\" value=\"");
		html_esc(b, name);
		buf_puts(b, "\">");
	} else if (s->kind == SETTINGS_NAMED)
		field(b, st, form_id, NULL, "name", strcmp(s->id, "agent") ==
		    0 ? "Address" : "Name", ini);
	for (size_t k = 0; k < SETTINGS_KEYS_MAX && s->keys[k] != NULL; k++)
		field(b, st, form_id, section, s->keys[k], s->keys[k], ini);
	if (strcmp(s->id, "agent") == 0)
		team_boxes(b, st, form_id, cfg, name);
	if (s->kind == SETTINGS_NAMED && name == NULL)
		buf_addf(b, "<p><button type=\"submit\" name=\"op\" "
		    "value=\"save\">Add %s</button></p>\n", s->noun);
	else
		buf_puts(b, "<p><button type=\"submit\" name=\"op\" "
		    "value=\"save\">Save</button></p>\n");
	if (s->kind == SETTINGS_NAMED && name != NULL)
		remove_part(b, st, s, form_id);
	buf_puts(b, "</fieldset></form>\n");
}

/* The whole text in a textarea, with the loader's errors under it. */
static void
whole_form(struct web_req *q, struct buf *b, const struct settings_state *st,
    const struct settings_sect *s, const struct buf *ini)
{
	const char	*val = NULL;
	int		 bad = is_sent(st, s->id) && st->lines.len > 0;

	if (is_sent(st, s->id))
		val = form_get(st->sent, "config");
	if (val == NULL)
		val = ini->data != NULL ? ini->data : "";
	buf_puts(b, "<form method=\"post\" action=\"/settings\"><fieldset>"
	    "<legend>The whole configuration</legend>\n");
	html_csrf(q, b);
	buf_addf(b, "<input type=\"hidden\" name=\"sect\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"form\" value=\"%s\">", s->id,
	    s->id);
	buf_puts(b, "<p><label for=\"advanced-config\">INI text</label><br>"
	    "<textarea id=\"advanced-config\" name=\"config\" rows=\"30\" "
	    "cols=\"80\" spellcheck=\"false\"");
	described(b, "advanced-config", bad ? "" : NULL);
	buf_puts(b, ">\n");
	html_esc(b, val);
	buf_puts(b, "</textarea></p>\n");
	if (bad) {
		const char *p = st->lines.data;

		buf_puts(b, "<ul class=\"error\" id=\"advanced-config-error\">");
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");

			buf_puts(b, "<li>");
			html_esc_n(b, p, n);
			buf_puts(b, "</li>");
			p += n + (p[n] == '\n');
		}
		buf_puts(b, "</ul>\n");
	}
	buf_puts(b, "<p><button type=\"submit\">Check and save</button></p>"
	    "</fieldset></form>\n");
}

/* The forms of a named kind: one per object and one to add another. */
static void
named_forms(struct web_req *q, struct buf *b, const struct settings_state *st,
    const struct settings_sect *s, const struct buf *ini,
    const struct config *cfg)
{
	char		 section[300], id[64], legend[300];
	const char	*name;
	size_t		 n;

	n = strcmp(s->id, "team") == 0 ? cfg->nteams :
	    strcmp(s->id, "schedule") == 0 ? cfg->nschedules : cfg->nagents;
	for (size_t i = 0; i < n; i++) {
		name = strcmp(s->id, "team") == 0 ? cfg->teams[i].name :
		    strcmp(s->id, "schedule") == 0 ? cfg->schedules[i].name :
		    cfg->agents[i].addr;
		settings_section(s, name, section, sizeof(section));
		snprintf(id, sizeof(id), "%s%zu", s->id, i);
		snprintf(legend, sizeof(legend), "%c%s \"%s\"",
		    s->noun[0] - 'a' + 'A', s->noun + 1, name);
		form(q, b, st, s, id, section, name, legend, ini, cfg);
	}
	if (strcmp(s->id, "agent") == 0 && cfg->nteams == 0) {
		buf_puts(b, "<p class=\"help\">Add a team first: an agent is "
		    "a team member.</p>\n");
		return;
	}
	snprintf(id, sizeof(id), "%s-new", s->id);
	snprintf(legend, sizeof(legend), "New %s", s->noun);
	form(q, b, st, s, id, NULL, NULL, legend, ini, cfg);
}

int
settings_render(struct web_req *q, struct web_resp *r,
    struct settings_state *st, const char *msg, int error)
{
	struct buf	 b, ini;
	struct err	 err;
	struct config	*own = NULL;
	const struct config *cfg;

	buf_init(&b, 0);
	buf_init(&ini, 0);
	if (settings_load(q, &ini, &err) == -1 || web_tenant_config(q->t,
	    &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		buf_free(&b);
		buf_free(&ini);
		return web_error(q, r, 500, "The settings could not be read.");
	}
	if ((cfg = q->t->cfg) == NULL)
		cfg = own = config_default();
	if (msg != NULL)
		html_note(&b, msg, error);
	html_note(&b, "A changed setting applies to all history at once: "
	    "every report is recomputed with it.", 0);
	for (size_t i = 0; i < settings_nsects; i++) {
		const struct settings_sect *s = &settings_sects[i];

		buf_puts(&b, "<section><h2>");
		html_esc(&b, s->title);
		buf_puts(&b, "</h2>\n<p class=\"help\">");
		html_esc(&b, s->help);
		buf_puts(&b, "</p>\n");
		if (s->kind == SETTINGS_FIXED)
			form(q, &b, st, s, s->id, s->section, NULL, s->title,
			    &ini, cfg);
		else if (s->kind == SETTINGS_NAMED)
			named_forms(q, &b, st, s, &ini, cfg);
		else
			whole_form(q, &b, st, s, &ini);
		buf_puts(&b, "</section>\n");
	}
	html_page(q, r, "Settings", &b);
	config_free(own);
	buf_free(&b);
	buf_free(&ini);
	return 0;
}

int
page_settings(struct web_req *q, struct web_resp *r)
{
	struct settings_state	st;
	int			rc;

	settings_state_init(&st, NULL, NULL);
	rc = settings_render(q, r, &st, NULL, 0);
	settings_state_free(&st);
	return rc;
}
