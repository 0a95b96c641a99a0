/*
 * page_settings.c: the organization's settings, one form per section,
 * for owners and admins (web.h).
 *
 * The settings are the tenant's stored INI configuration
 * (docs/configuration.md).  A form edits the keys of its section in that
 * text (ini.c), the whole text is checked by the configuration loader,
 * and errors are shown beside the field whose line they name; a valid
 * text is stored (archive_settings_put), the settings generation is
 * bumped so caches of reports drop out, and the change is audited.  A
 * setting applies to all history at once: reports are recomputed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define KEYS_MAX	8

struct sect {
	const char	*id;
	const char	*title;
	const char	*section;	/* NULL: per team or agent */
	const char	*keys[KEYS_MAX];
	const char	*help;
};

static const struct sect sects[] = {
	{ "organization", "Organization", "organization",
	  { "name", "internal_domains" },
	  "Internal domains: comma-separated; their addresses are never "
	  "customers." },
	{ "rules", "Rules", "rules",
	  { "time_source", "clock_start", "exclude_internal", "exclude_lists",
	    "visibility", "count_cc", "outlier_cap" },
	  "time_source: date or received; clock_start: parent or "
	  "oldest-unanswered; yes/no switches; outlier_cap: a duration "
	  "(30d, 0 for none)." },
	{ "sla", "SLA targets", "rules", { "sla_targets" },
	  "Durations, comma-separated, e.g. 1h, 4h, 24h." },
	{ "hours", "Business hours", "hours",
	  { "timezone", "mon", "tue", "wed", "thu", "fri", "sat", "sun" },
	  "An IANA time zone (Europe/London) and open windows per day, "
	  "HH:MM-HH:MM, comma-separated; empty: closed." },
	{ "holidays", "Holidays", "hours", { "holidays", "partial" },
	  "Closed dates YYYY-MM-DD; partial days YYYY-MM-DD HH:MM-HH:MM." },
	{ "team", "Teams and agents", NULL, { "members", "hours" },
	  "A team's members are its agents' addresses, comma-separated; "
	  "hours names an [hours \"name\"] schedule." },
	{ "leave", "Leave", NULL, { "leave" },
	  "Days off per agent: YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, "
	  "comma-separated." },
};

/* What the page shows beside the fields of the form just sent. */
struct state {
	const char		*sent_id;	/* the form sent, or NULL */
	const char		*sent_section;
	const struct web_form	*sent;
	struct buf		 diag;		/* "key\tmessage\n" lines */
};

static int
safe_value(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A team or agent name for a section header: no quotes or controls. */
static int
safe_name(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 200 || !safe_value(s))
		return 0;
	return strchr(s, '"') == NULL && strchr(s, ']') == NULL &&
	    strchr(s, '\\') == NULL;
}

static void
field(struct buf *b, struct state *st, const char *form_id,
    const char *section, const char *key, const struct buf *ini)
{
	struct buf	 v;
	const char	*val = NULL, *errmsg = NULL;
	char		 id[160];
	int		 sent = st->sent_id != NULL &&
			    strcmp(st->sent_id, form_id) == 0 &&
			    strcmp(st->sent_section, section) == 0;

	buf_init(&v, 0);
	if (sent)
		val = form_get(st->sent, key);
	if (val == NULL) {
		if (ini_get(ini->data != NULL ? ini->data : "", ini->len,
		    section, key, &v) == 0)
			val = v.data;
		else
			val = "";
	}
	if (sent && st->diag.len > 0) {
		/* The first diagnostic of this key. */
		size_t kl = strlen(key);
		const char *p = st->diag.data;

		while (p != NULL && *p != '\0') {
			if (strncmp(p, key, kl) == 0 && p[kl] == '\t') {
				errmsg = p + kl + 1;
				break;
			}
			p = strchr(p, '\n');
			if (p != NULL)
				p++;
		}
	}
	snprintf(id, sizeof(id), "%s-%s", form_id, key);
	buf_puts(b, "<p><label for=\"");
	html_esc(b, id);
	buf_puts(b, "\">");
	html_esc(b, key);
	buf_puts(b, "</label><br><input type=\"text\" id=\"");
	html_esc(b, id);
	buf_puts(b, "\" name=\"");
	html_esc(b, key);
	buf_puts(b, "\" value=\"");
	html_esc(b, val);
	buf_puts(b, "\"");
	if (errmsg != NULL) {
		buf_puts(b, " aria-invalid=\"true\" aria-describedby=\"");
		html_esc(b, id);
		buf_puts(b, "-error\"></p>\n<p class=\"error\" id=\"");
		html_esc(b, id);
		buf_puts(b, "-error\">");
		html_esc_n(b, errmsg, strcspn(errmsg, "\n"));
		buf_puts(b, "</p>\n");
	} else
		buf_puts(b, "></p>\n");
	buf_free(&v);
}

static void
form(struct web_req *q, struct buf *b, struct state *st, const struct sect *s,
    const char *section, const char *name, const struct buf *ini,
    const char *legend)
{
	buf_puts(b, "<form method=\"post\" action=\"/settings\"><fieldset>"
	    "<legend>");
	html_esc(b, legend);
	buf_puts(b, "</legend>\n");
	html_csrf(q, b);
	buf_addf(b, "<input type=\"hidden\" name=\"sect\" value=\"%s\">", s->id);
	if (name != NULL) {
		buf_puts(b, "<input type=\"hidden\" name=\"name\" value=\"");
		html_esc(b, name);
		buf_puts(b, "\">");
	}
	for (size_t k = 0; k < KEYS_MAX && s->keys[k] != NULL; k++)
		field(b, st, name != NULL ? name : s->id, section, s->keys[k],
		    ini);
	buf_puts(b, "<p><button type=\"submit\">Save</button></p>"
	    "</fieldset></form>\n");
}

/* The stored INI text (empty if none) into ini. */
static int
load_ini(struct web_req *q, struct buf *ini, struct err *err)
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
settings_page(struct web_req *q, struct web_resp *r, struct state *st,
    const char *msg, int error)
{
	struct buf	 b, ini;
	struct err	 err;
	char		 section[300];
	const struct config *cfg;

	buf_init(&b, 0);
	buf_init(&ini, 0);
	if (load_ini(q, &ini, &err) == -1 || web_tenant_config(q->t,
	    &err) == -1) {
		fprintf(stderr, "replytime: serve: %s\n", err.msg);
		buf_free(&b);
		buf_free(&ini);
		return web_error(q, r, 500, "The settings could not be read.");
	}
	cfg = q->t->cfg;
	if (msg != NULL)
		html_note(&b, msg, error);
	html_note(&b, "A changed setting applies to all history at once: "
	    "every report is recomputed with it.", 0);
	for (size_t i = 0; i < nitems(sects); i++) {
		const struct sect *s = &sects[i];

		buf_puts(&b, "<section><h2>");
		html_esc(&b, s->title);
		buf_puts(&b, "</h2>\n<p class=\"help\">");
		html_esc(&b, s->help);
		buf_puts(&b, "</p>\n");
		if (s->section != NULL)
			form(q, &b, st, s, s->section, NULL, &ini, s->title);
		else if (strcmp(s->id, "team") == 0) {
			for (size_t t = 0; cfg != NULL && t < cfg->nteams;
			    t++) {
				snprintf(section, sizeof(section),
				    "team \"%s\"", cfg->teams[t].name);
				form(q, &b, st, s, section, cfg->teams[t].name,
				    &ini, cfg->teams[t].name);
			}
			buf_puts(&b, "<form method=\"post\" action=\"/settings\">"
			    "<fieldset><legend>New team</legend>");
			html_csrf(q, &b);
			buf_puts(&b, "<input type=\"hidden\" name=\"sect\" "
			    "value=\"team\"><p><label for=\"new-team\">Name"
			    "</label><br><input id=\"new-team\" name=\"name\" "
			    "required></p><p><label for=\"new-members\">members"
			    "</label><br><input id=\"new-members\" "
			    "name=\"members\" required></p><p><button "
			    "type=\"submit\">Add team</button></p></fieldset>"
			    "</form>\n");
		} else {
			for (size_t a = 0; cfg != NULL && a < cfg->nagents;
			    a++) {
				snprintf(section, sizeof(section),
				    "agent \"%s\"", cfg->agents[a].addr);
				form(q, &b, st, s, section, cfg->agents[a].addr,
				    &ini, cfg->agents[a].addr);
			}
		}
		buf_puts(&b, "</section>\n");
	}
	html_page(q, r, "Settings", &b);
	buf_free(&b);
	buf_free(&ini);
	return 0;
}

int
page_settings(struct web_req *q, struct web_resp *r)
{
	struct state	st;
	int		rc;

	memset(&st, 0, sizeof(st));
	buf_init(&st.diag, 0);
	rc = settings_page(q, r, &st, NULL, 0);
	buf_free(&st.diag);
	return rc;
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
		char		*end;
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

int
page_settings_post(struct web_req *q, struct web_resp *r)
{
	const char	*id = form_get(&q->form, "sect");
	const char	*name = form_get(&q->form, "name");
	const struct sect *s = NULL;
	struct state	 st;
	struct buf	 ini, next, diag;
	struct config	*cfg;
	struct err	 err;
	char		 section[300], obj[64];
	int64_t		 gen;
	int		 rc;

	for (size_t i = 0; id != NULL && i < nitems(sects); i++)
		if (strcmp(sects[i].id, id) == 0)
			s = &sects[i];
	if (s == NULL)
		return web_error(q, r, 400, "Unknown settings section.");
	memset(&st, 0, sizeof(st));
	buf_init(&st.diag, 0);
	st.sent_id = s->section != NULL ? s->id : name != NULL ? name : "";
	st.sent = &q->form;
	if (s->section != NULL)
		snprintf(section, sizeof(section), "%s", s->section);
	else if (name == NULL || !safe_name(name)) {
		st.sent_id = NULL;
		rc = settings_page(q, r, &st, "Give a name without quotes or "
		    "brackets.", 1);
		buf_free(&st.diag);
		return rc;
	} else
		snprintf(section, sizeof(section), "%s \"%s\"",
		    strcmp(s->id, "team") == 0 ? "team" : "agent", name);
	st.sent_section = section;
	buf_init(&ini, 0);
	buf_init(&next, 0);
	buf_init(&diag, 0);
	if ((rc = load_ini(q, &ini, &err)) == -1)
		goto fail;
	for (size_t k = 0; k < KEYS_MAX && s->keys[k] != NULL; k++) {
		const char *v = form_get(&q->form, s->keys[k]);

		if (v == NULL)
			continue;
		if (!safe_value(v) || strlen(v) > CONFIG_MAX_LINE - 100) {
			rc = settings_page(q, r, &st, "A value holds a line "
			    "break or control character, or is too long.", 1);
			goto out;
		}
		ini_set(ini.data != NULL ? ini.data : "", ini.len, section,
		    s->keys[k], v, &next);
		buf_reset(&ini);
		buf_add(&ini, next.data != NULL ? next.data : "", next.len);
	}
	if (buf_check(&ini, &err) == -1 || ini.len > CONFIG_MAX_BYTES) {
		rc = settings_page(q, r, &st, "The settings are too large.",
		    1);
		goto out;
	}
	if (config_parse_diag(ini.data != NULL ? ini.data : "", ini.len,
	    "(settings)", &cfg, &diag, &err) == -1) {
		map_diag(ini.data != NULL ? ini.data : "", ini.len,
		    diag.data != NULL ? diag.data : "", &st.diag);
		rc = settings_page(q, r, &st, err.msg, 1);
		goto out;
	}
	config_free(cfg);
	if ((rc = archive_settings_put(&q->t->ar, ini.data != NULL ?
	    ini.data : "", ini.len, "(settings)", &err)) == -1 ||
	    (rc = store_settings_bump(q->t->ar.st, q->t->tid, &gen,
	    &err)) == -1)
		goto fail;
	snprintf(obj, sizeof(obj), "settings %s", s->id);
	web_audit(q, "settings-change", obj);
	st.sent_id = NULL;
	rc = settings_page(q, r, &st, "Saved.  The change applies to all "
	    "history; reports are recomputed.", 0);
	goto out;
fail:
	fprintf(stderr, "replytime: serve: %s\n", err.msg);
	rc = web_error(q, r, 500, "The settings could not be saved.");
out:
	buf_free(&ini);
	buf_free(&next);
	buf_free(&diag);
	buf_free(&st.diag);
	return rc;
}
