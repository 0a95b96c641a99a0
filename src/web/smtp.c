/*
 * smtp.c: sending invitations and password links by mail, with libcurl
 * (web.h), loaded on the first message (lazy.h).
 *
 * The server's --smtp URL names the relay: smtp://host:port uses
 * STARTTLS when the server offers it (CURLUSESSL_TRY) and smtps:// is TLS
 * from the start; certificates are verified.  With a user name and
 * password (REPLYTIME_SMTP_PASSWORD) it logs in.  The message is plain
 * text; the link in it is never logged, and an error names only the
 * step that failed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "../base/xmalloc.h"
#include "lazy.h"
#include "web.h"

int
smtp_enabled(const struct web_config *c)
{
	return c->smtp_url != NULL && c->smtp_from != NULL;
}

struct reader {
	const char	*p;
	size_t		 left;
};

static size_t
on_read(char *out, size_t size, size_t n, void *arg)
{
	struct reader	*rd = arg;
	size_t		 k = size * n < rd->left ? size * n : rd->left;

	memcpy(out, rd->p, k);
	rd->p += k;
	rd->left -= k;
	return k;
}

/* 1 if s is safe in a header line (no CR, LF or other controls). */
static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
smtp_send(const struct web_config *c, const char *to, const char *subject,
    const char *body, struct err *err)
{
	struct curl_slist	*rcpt = NULL;
	struct reader		 rd;
	struct buf		 msg;
	char			 date[64], errbuf[CURL_ERROR_SIZE] = "";
	const struct lazy_curl	*lc;
	CURL			*curl;
	CURLcode		 rc;
	time_t			 now = time(NULL);
	struct tm		 tm;

	if (!smtp_enabled(c))
		return err_set(err, ERR_CONFIG, "smtp: no relay configured");
	if (!header_safe(to) || !header_safe(subject) ||
	    !header_safe(c->smtp_from))
		return err_set(err, ERR_USAGE, "smtp: bad header value");
	if ((lc = lazy_curl(err)) == NULL)
		return err_prefix(err, "smtp");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_init(&msg, 0);
	buf_addf(&msg, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Auto-Submitted: auto-generated\r\n\r\n", date, c->smtp_from, to,
	    subject);
	for (const char *p = body; *p != '\0'; p++) {
		if (*p == '\n')
			buf_addc(&msg, '\r');
		buf_addc(&msg, *p);
	}
	rd.p = msg.data;
	rd.left = msg.len;
	if ((curl = lc->easy_init()) == NULL) {
		buf_free(&msg);
		return err_set(err, ERR_IO, "smtp: cannot start libcurl");
	}
	rcpt = lc->slist_append(rcpt, to);
	lc->easy_setopt(curl, CURLOPT_URL, c->smtp_url);
	lc->easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	lc->easy_setopt(curl, CURLOPT_MAIL_FROM, c->smtp_from);
	lc->easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	lc->easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
	lc->easy_setopt(curl, CURLOPT_READDATA, &rd);
	lc->easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	lc->easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	lc->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	lc->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	if (c->smtp_user != NULL) {
		lc->easy_setopt(curl, CURLOPT_USERNAME, c->smtp_user);
		lc->easy_setopt(curl, CURLOPT_PASSWORD, c->smtp_password !=
		    NULL ? c->smtp_password : "");
	}
	rc = lc->easy_perform(curl);
	lc->slist_free_all(rcpt);
	lc->easy_cleanup(curl);
	buf_free(&msg);
	if (rc != CURLE_OK)
		return err_set(err, ERR_IO, "smtp: sending failed: %s",
		    lc->easy_strerror(rc));
	return 0;
}
