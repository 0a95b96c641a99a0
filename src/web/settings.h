/*
 * settings.h: what the Settings page (page_settings.c) and its edits
 * (settings_edit.c) share: the table of forms and the state of a form
 * just sent.  Private to src/web.
 */
#ifndef RT_WEB_SETTINGS_H
#define RT_WEB_SETTINGS_H

#include "web.h"

#define SETTINGS_KEYS_MAX	12

enum settings_kind {
	SETTINGS_FIXED,		/* one section: [organization], [rules], ... */
	SETTINGS_NAMED,		/* one section per name: [team "x"], ... */
	SETTINGS_WHOLE,		/* the whole INI text */
};

struct settings_sect {
	const char		*id;		/* the form's "sect" */
	const char		*title;
	enum settings_kind	 kind;
	const char		*section;	/* FIXED: the section; NAMED:
						 * its kind ("team") */
	const char		*noun;		/* NAMED: "team", ... */
	const char		*keys[SETTINGS_KEYS_MAX];
	const char		*help;
};

extern const struct settings_sect	settings_sects[];
extern const size_t			settings_nsects;

/* What the page shows in the form just sent (borrowed pointers). */
struct settings_state {
	const char		*sent_id;	/* its form id, or NULL */
	const struct web_form	*sent;
	struct buf		 diag;		/* owned: "key\tmessage\n" */
	struct buf		 lines;		/* owned: "Line N: message\n"
						 * for the whole text */
};

void	settings_state_init(struct settings_state *st,
	    const struct web_form *sent, const char *sent_id);
void	settings_state_free(struct settings_state *st);

/* The stored INI text (empty if none) into ini; 0 or -1. */
int	settings_load(struct web_req *q, struct buf *ini, struct err *err);

/* Renders the page with msg (NULL: none) as a note or an error. */
int	settings_render(struct web_req *q, struct web_resp *r,
	    struct settings_state *st, const char *msg, int error);

/* The section of a named object, kind "name" (team "support"), into
 * out (size bytes). */
void	settings_section(const struct settings_sect *s, const char *name,
	    char *out, size_t size);

#endif
