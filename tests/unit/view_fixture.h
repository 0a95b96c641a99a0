/*
 * view_fixture.h: a store for the dashboard tests, made once per test
 * program in a temporary folder (removed at exit): a master key and
 * three tenants.
 *  acme:   demo mail (VFX_MESSAGES messages) plus two hand-made messages
 *          whose subject and sender are HTML, under the demo settings;
 *  globex: the same mail under other rules (oldest-unanswered clock,
 *          internal mail counted, Cc not counted, a 2-day cap);
 *  empty:  the demo settings and no mail.
 */
#ifndef RT_VIEW_FIXTURE_H
#define RT_VIEW_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "report/demo.h"
#include "store/archive.h"
#include "vault/vault.h"

#define VFX_MESSAGES	3000

static char	vfx_dir[64];
static char	vfx_dbp[96], vfx_keyp[96];

static inline const char *
vfx_db(void)
{
	return vfx_dbp;
}

static inline const char *
vfx_key(void)
{
	return vfx_keyp;
}

static inline void
vfx_cleanup(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", vfx_dir);
	if (vfx_dir[0] != '\0' && system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", vfx_dir);
}

static inline int
vfx_write(void *arg, const char *p, size_t len, struct err *err)
{
	if (fwrite(p, 1, len, arg) != len)
		return err_set(err, ERR_IO, "fixture: write failed");
	return 0;
}

/* Replaces the first "from" in b by "to". */
static inline void
vfx_subst(struct buf *b, const char *from, const char *to)
{
	char		*p = strstr(b->data, from);
	struct buf	 n;

	if (p == NULL) {
		fprintf(stderr, "fixture: \"%s\" not in the settings\n", from);
		exit(1);
	}
	buf_init(&n, 0);
	buf_add(&n, b->data, (size_t)(p - b->data));
	buf_puts(&n, to);
	buf_puts(&n, p + strlen(from));
	buf_free(b);
	*b = n;
}

static inline void
vfx_tenant(const char *name, const struct buf *ini, const char *mbox)
{
	struct archive		ar;
	struct archive_import	st = { 0 };
	struct err		err;

	memset(&ar, 0, sizeof(ar));
	if (archive_open(vfx_dbp, vfx_keyp, name, ARCHIVE_CREATE, &ar,
	    &err) == -1 ||
	    archive_settings_put(&ar, ini->data, ini->len, "demo.ini",
	    &err) == -1 ||
	    (mbox != NULL && archive_import(&ar, mbox, 0, &st, &err) == -1)) {
		fprintf(stderr, "fixture: tenant %s: %s\n", name, err.msg);
		exit(1);
	}
	archive_close(&ar);
}

static inline void
vfx_setup(void)
{
	struct demo_opts	 o = { VFX_MESSAGES, 7 };
	struct buf		 ini;
	struct err		 err;
	char			 mbox[128];
	FILE			*f;

	if (vfx_dir[0] != '\0')
		return;
	snprintf(vfx_dir, sizeof(vfx_dir), "/tmp/test_view.XXXXXX");
	if (mkdtemp(vfx_dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(vfx_cleanup);
	snprintf(vfx_dbp, sizeof(vfx_dbp), "%s/db", vfx_dir);
	if (mkdir(vfx_dbp, 0700) == -1) {
		perror("fixture: mkdir");
		exit(1);
	}
	snprintf(vfx_dbp, sizeof(vfx_dbp), "%s/db/rt.db", vfx_dir);
	snprintf(vfx_keyp, sizeof(vfx_keyp), "%s/keys/master.key", vfx_dir);
	snprintf(mbox, sizeof(mbox), "%s/demo.mbox", vfx_dir);
	if (vault_master_create(vfx_keyp, NULL, &err) == -1 ||
	    (f = fopen(mbox, "w")) == NULL) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		exit(1);
	}
	if (demo_mbox(&o, vfx_write, f, NULL, &err) == -1) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		exit(1);
	}
	/* Header data that is HTML: it must come out escaped. */
	fputs("From x@y Sat Jun 28 10:00:00 2025\n"
	    "From: \"<b>Eve</b>\" <eve&co@evil.example>\n"
	    "To: alice.morgan@acme.example\n"
	    "Subject: <script>alert(1)</script> & \"quotes\"\n"
	    "Date: Sat, 28 Jun 2025 10:00:00 +0000\n"
	    "Message-ID: <xss-1@evil.example>\n\nbody\n\n"
	    "From x@y Sat Jun 28 11:00:00 2025\n"
	    "From: alice.morgan@acme.example\n"
	    "To: \"<b>Eve</b>\" <eve&co@evil.example>\n"
	    "Subject: Re: <script>alert(1)</script> & \"quotes\"\n"
	    "Date: Sat, 28 Jun 2025 11:00:00 +0000\n"
	    "Message-ID: <xss-2@acme.example>\n"
	    "In-Reply-To: <xss-1@evil.example>\n\nbody\n\n", f);
	if (fclose(f) != 0) {
		perror("fixture");
		exit(1);
	}
	buf_init(&ini, 0);
	if (demo_config(&o, &ini, &err) == -1) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		exit(1);
	}
	vfx_tenant("acme", &ini, mbox);
	vfx_tenant("empty", &ini, NULL);
	vfx_subst(&ini, "clock_start = parent",
	    "clock_start = oldest-unanswered");
	vfx_subst(&ini, "exclude_internal = yes", "exclude_internal = no");
	vfx_subst(&ini, "count_cc = yes", "count_cc = no");
	vfx_subst(&ini, "outlier_cap = 30d", "outlier_cap = 2d");
	vfx_tenant("globex", &ini, mbox);
	buf_free(&ini);
}

#endif
