/*
 * settings_edit.c: the edits of the Settings page (POST /settings, web.h,
 * settings.h): a fixed section's keys, a team, named schedule or agent
 * added, changed or removed, or the whole text replaced.
 *
 * Every edit works on the stored INI text (ini.c) and keeps the rest as
 * the customer wrote it.  The new text is checked by the configuration
 * loader and stored only when valid (archive_settings_put); then the
 * settings generation is bumped, so every report is recomputed with it,
 * and the change is audited as "settings <form>", never with names or
 * addresses.  A refused edit shows the page again with the message beside
 * the field it concerns and stores nothing.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

/* The text being edited: ini, and next for each step's output. */
struct edit {
	struct buf	ini;
	struct buf	next;
};

static const char *
text_of(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

static void
edit_swap(struct edit *e)
{
	struct buf	t = e->ini;

	e->ini = e->next;
	e->next = t;
}

static void
edit_set(struct edit *e, const char *section, const char *key,
    const char *value)
{
	ini_set(text_of(&e->ini), e->ini.len, section, key, value, &e->next);
	edit_swap(e);
}

static void
edit_drop(struct edit *e, const char *section)
{
	ini_drop(text_of(&e->ini), e->ini.len, section, &e->next);
	edit_swap(e);
}

static int
safe_value(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A section name as the loader takes it: 1-128 bytes, no quote, no
 * blank at either end. */
static int
safe_name(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= CONFIG_MAX_NAME && safe_value(s) &&
	    strchr(s, '"') == NULL && s[0] != ' ' && s[n - 1] != ' ';
}

/* Adds "key\tmessage\n" to st's diagnostics. */
static void
diag_add(struct settings_state *st, const char *key, const char *msg)
{
	buf_addf(&st->diag, "%s\t%s\n", key, msg);
}

static int
in_list(const struct config_strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/*
 * Rewrites team t's members without drop and with add (either NULL),
 * wrapped with the loader's continuation so no line nears the limit.
 */
static void
set_members(struct edit *e, const struct settings_sect *team,
    const struct config_team *t, const char *add, const char *drop)
{
	struct buf	v;
	char		section[300];
	size_t		line = 0, n = 0;

	buf_init(&v, 0);
	for (size_t m = 0; m <= t->members.n; m++) {
		const char *a = m < t->members.n ? t->members.v[m] : add;

		if (a == NULL || (drop != NULL && strcmp(a, drop) == 0))
			continue;
		if (n++ > 0) {
			buf_addc(&v, ',');
			if (v.len - line > 60) {
				buf_puts(&v, "\n\t");
				line = v.len;
			} else
				buf_addc(&v, ' ');
		}
		buf_puts(&v, a);
	}
	settings_section(team, t->name, section, sizeof(section));
	edit_set(e, section, "members", text_of(&v));
	buf_free(&v);
}

static const struct settings_sect *
sect_of(const char *id)
{
	for (size_t i = 0; id != NULL && i < settings_nsects; i++)
		if (strcmp(settings_sects[i].id, id) == 0)
			return &settings_sects[i];
	return NULL;
}

/* The index of the object name of kind s in cfg, or -1. */
static long
find(const struct config *cfg, const struct settings_sect *s,
    const char *name)
{
	if (strcmp(s->id, "team") == 0) {
		for (size_t i = 0; i < cfg->nteams; i++)
			if (strcmp(cfg->teams[i].name, name) == 0)
				return (long)i;
	} else if (strcmp(s->id, "schedule") == 0) {
		for (size_t i = 0; i < cfg->nschedules; i++)
			if (strcmp(cfg->schedules[i].name, name) == 0)
				return (long)i;
	} else {
		for (size_t i = 0; i < cfg->nagents; i++)
			if (strcmp(cfg->agents[i].addr, name) == 0)
				return (long)i;
	}
	return -1;
}

/* The form's values of s's keys into section; 0, or -1 with a message. */
static int
set_keys(struct edit *e, const struct settings_sect *s, const char *section,
    const struct web_form *f, struct settings_state *st)
{
	for (size_t k = 0; k < SETTINGS_KEYS_MAX && s->keys[k] != NULL; k++) {
		const char *v = form_get(f, s->keys[k]);

		if (v == NULL)
			continue;
		if (!safe_value(v) || strlen(v) > CONFIG_MAX_LINE - 100) {
			diag_add(st, s->keys[k], "A line break or control "
			    "character, or too long.");
			return -1;
		}
		edit_set(e, section, s->keys[k], v);
	}
	return 0;
}

/*
 * Removes team i, and the [agent] sections of its members in no other
 * team (the loader refuses an agent section without a team).
 */
static void
remove_team(struct edit *e, const struct config *cfg, size_t i)
{
	const struct settings_sect *agent = sect_of("agent");
	char		section[300];

	for (size_t a = 0; a < cfg->nagents; a++)
		if (cfg->agents[a].nteams == 1 &&
		    cfg->agents[a].teams[0] == i) {
			settings_section(agent, cfg->agents[a].addr, section,
			    sizeof(section));
			edit_drop(e, section);
		}
	settings_section(sect_of("team"), cfg->teams[i].name, section,
	    sizeof(section));
	edit_drop(e, section);
}

/* Sets the agent's teams to the ones ticked; 0, or -1 with a message. */
static int
set_teams(struct edit *e, const struct config *cfg, const char *addr,
    const struct web_form *f, struct settings_state *st, int removing)
{
	const struct settings_sect *team = sect_of("team");
	size_t		ticked = 0;

	for (size_t t = 0; t < cfg->nteams; t++) {
		const struct config_team *tm = &cfg->teams[t];
		int want = 0, is = in_list(&tm->members, addr);

		for (size_t i = 0; !removing && i < f->n; i++)
			if (strcmp(f->v[i].name, "team") == 0 &&
			    strcmp(f->v[i].value, tm->name) == 0)
				want = 1;
		ticked += want;
		if (want && !is)
			set_members(e, team, tm, addr, NULL);
		else if (!want && is)
			set_members(e, team, tm, NULL, addr);
	}
	if (!removing && ticked == 0) {
		diag_add(st, "team", "Tick at least one team: an agent is a "
		    "team member.");
		return -1;
	}
	return 0;
}

/*
 * The edit of a named object: checks the name and applies the change to
 * e.  Returns 0, or -1 with st's diagnostics and *msg set.
 */
static int
edit_named(struct edit *e, const struct settings_sect *s,
    const struct config *cfg, const struct web_form *f,
    struct settings_state *st, const char **msg)
{
	const char	*form_id = form_get(f, "form");
	const char	*raw = form_get(f, "name");
	const char	*op = form_get(f, "op");
	char		 name[CONFIG_MAX_NAME + 1], section[300];
	int		 is_new, removing = op != NULL &&
			    strcmp(op, "remove") == 0;
	long		 i;

	is_new = form_id != NULL && strstr(form_id, "-new") != NULL;
	*msg = "The change was not saved; see the marked field.";
	if (raw == NULL || !safe_name(raw)) {
		diag_add(st, "name", "Give a name of 1 to 128 characters, "
		    "without quotes or blanks at either end.");
		return -1;
	}
	snprintf(name, sizeof(name), "%s", raw);
	if (strcmp(s->id, "agent") == 0)
		for (char *p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	settings_section(s, name, section, sizeof(section));
	i = find(cfg, s, name);
	if (is_new && i >= 0) {
		diag_add(st, "name", strcmp(s->id, "agent") == 0 ?
		    "This address is already an agent." :
		    "This name is taken.");
		return -1;
	}
	if (!is_new && i < 0) {
		*msg = "That item is no longer in the settings.";
		return -1;
	}
	if (removing) {
		const char *yes = form_get(f, "confirm");

		if (yes == NULL || strcmp(yes, "yes") != 0) {
			diag_add(st, "confirm", "Tick the box to confirm "
			    "the removal.");
			return -1;
		}
		if (strcmp(s->id, "schedule") == 0) {
			for (size_t t = 0; t < cfg->nteams; t++)
				if (cfg->teams[t].hours == &cfg->schedules[i]) {
					diag_add(st, "confirm", "A team uses "
					    "this schedule; give it other "
					    "hours first.");
					return -1;
				}
			for (size_t a = 0; a < cfg->nagents; a++)
				if (cfg->agents[a].hours ==
				    &cfg->schedules[i]) {
					diag_add(st, "confirm", "An agent "
					    "uses this schedule; give it "
					    "other hours first.");
					return -1;
				}
			edit_drop(e, section);
		} else if (strcmp(s->id, "team") == 0)
			remove_team(e, cfg, (size_t)i);
		else {
			edit_drop(e, section);
			(void)set_teams(e, cfg, name, f, st, 1);
		}
		return 0;
	}
	if (set_keys(e, s, section, f, st) == -1)
		return -1;
	if (strcmp(s->id, "agent") == 0)
		return set_teams(e, cfg, name, f, st, 0);
	return 0;
}

/* The whole text from the form, CRLF made LF; 0, or -1 with *msg. */
static int
edit_whole(struct edit *e, const struct web_form *f, const char **msg)
{
	const char	*v = form_get(f, "config");

	if (v == NULL) {
		*msg = "No configuration text was sent.";
		return -1;
	}
	buf_reset(&e->ini);
	for (; *v != '\0'; v++)
		if (!(v[0] == '\r' && v[1] == '\n'))
			buf_addc(&e->ini, *v);
	return 0;
}

/* The loader's "(settings):N: message" lines as "Line N: message". */
static void
line_diag(const char *diag, struct buf *out)
{
	const char	*p = diag;

	while (*p != '\0') {
		size_t	n = strcspn(p, "\n");

		if (strncmp(p, "(settings):", 11) == 0)
			buf_addf(out, "Line %.*s\n", (int)(n - 11), p + 11);
		else
			buf_addf(out, "%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* Turns "(settings):N: message" lines into "key\tmessage" lines, key
 * being the key on line N of text. */
static void
map_diag(const char *text, size_t len, const char *diag, struct buf *out)
{
	const char	*p = diag;

	while (p != NULL && *p != '\0') {
		const char	*nl = strchr(p, '\n');
		size_t		 n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char		*end = NULL;
		long		 line = 0;

		if (strncmp(p, "(settings):", 11) == 0)
			line = strtol(p + 11, &end, 10);
		if (line > 0 && *end == ':') {
			/* Find line number line of text. */
			size_t off = 0;

			for (long k = 1; k < line && off < len; k++) {
				const char *e = memchr(text + off, '\n',
				    len - off);
				off = e != NULL ? (size_t)(e - text) + 1 : len;
			}
			if (off < len) {
				struct str l = str_make(text + off, strcspn(
				    text + off, "=\n"));

				l = str_trim(l);
				buf_addstr(out, l);
				buf_addc(out, '\t');
				end++;
				while (*end == ' ')
					end++;
				buf_add(out, end, n - (size_t)(end - p));
				buf_addc(out, '\n');
			}
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
}

/* Checks and stores the edited text; the page's answer into r. */
static int
store(struct web_req *q, struct web_resp *r, const struct settings_sect *s,
    struct edit *e, struct settings_state *st)
{
	struct config	*cfg;
	struct buf	 diag;
	struct err	 err;
	char		 obj[64];
	int64_t		 gen;
	int		 rc;

	if (buf_check(&e->ini, &err) == -1 || e->ini.len > CONFIG_MAX_BYTES)
		return settings_render(q, r, st, "The settings are too large.",
		    1);
	buf_init(&diag, 0);
	if (config_parse_diag(text_of(&e->ini), e->ini.len, "(settings)",
	    &cfg, &diag, &err) == -1) {
		map_diag(text_of(&e->ini), e->ini.len, text_of(&diag),
		    &st->diag);
		line_diag(text_of(&diag), &st->lines);
		buf_free(&diag);
		return settings_render(q, r, st, err.msg, 1);
	}
	buf_free(&diag);
	config_free(cfg);
	if (archive_settings_put(&q->t->ar, text_of(&e->ini), e->ini.len,
	    "(settings)", &err) == -1 || store_settings_bump(q->t->ar.st,
	    q->t->tid, &gen, &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		return web_error(q, r, 500, "The settings could not be saved.");
	}
	snprintf(obj, sizeof(obj), "settings %s", s->id);
	web_audit(q, "settings-change", obj);
	st->sent_id = NULL;
	rc = settings_render(q, r, st, "Saved.  The change applies to all "
	    "history; reports are recomputed.", 0);
	return rc;
}

int
page_settings_post(struct web_req *q, struct web_resp *r)
{
	const struct settings_sect *s = sect_of(form_get(&q->form, "sect"));
	const char	*form_id = form_get(&q->form, "form");
	const char	*msg = NULL;
	struct settings_state st;
	struct config	*cfg = NULL;
	struct edit	 e;
	struct err	 err;
	int		 rc;

	if (s == NULL)
		return web_error(q, r, 400, "Unknown settings section.");
	settings_state_init(&st, &q->form, form_id != NULL ? form_id : s->id);
	buf_init(&e.ini, 0);
	buf_init(&e.next, 0);
	if (settings_load(q, &e.ini, &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		rc = web_error(q, r, 500, "The settings could not be read.");
		goto out;
	}
	/* The stored text is valid; if not, edits see no objects. */
	if (config_parse(text_of(&e.ini), e.ini.len, "(settings)", &cfg,
	    &err) == -1)
		cfg = config_default();
	if (s->kind == SETTINGS_FIXED)
		rc = set_keys(&e, s, s->section, &q->form, &st);
	else if (s->kind == SETTINGS_NAMED)
		rc = edit_named(&e, s, cfg, &q->form, &st, &msg);
	else
		rc = edit_whole(&e, &q->form, &msg);
	if (rc == -1)
		rc = settings_render(q, r, &st, msg != NULL ? msg :
		    "The change was not saved; see the marked field.", 1);
	else
		rc = store(q, r, s, &e, &st);
out:
	config_free(cfg);
	buf_free(&e.ini);
	buf_free(&e.next);
	settings_state_free(&st);
	return rc;
}
