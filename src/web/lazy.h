/*
 * lazy.h: the libraries only the web server needs, opened when it first
 * needs them.
 *
 * libmicrohttpd and libcurl, with what they load in turn (GnuTLS,
 * Kerberos, LDAP, libssh2 and more: some thirty libraries), took about
 * 3 ms to load and relocate at the start of every command, though only
 * `serve` uses them (docs/DESIGN.md, "Speed").  They are
 * opened with dlopen(3) by their sonames instead, so the system's
 * updates of them apply as before.  Each table is filled once (thread
 * safe) and stays; a missing library or symbol is an error naming it.
 */
#ifndef RT_LAZY_H
#define RT_LAZY_H

#include <curl/curl.h>
#include <microhttpd.h>

#include "../base/err.h"

#ifndef RT_MHD_SONAME
#define RT_MHD_SONAME	"libmicrohttpd.so.12"
#endif
#ifndef RT_CURL_SONAME
#define RT_CURL_SONAME	"libcurl.so.4"
#endif

/* The functions of libmicrohttpd that http.c calls. */
struct lazy_mhd {
	__typeof__(MHD_start_daemon)		*start_daemon;
	__typeof__(MHD_stop_daemon)		*stop_daemon;
	__typeof__(MHD_get_daemon_info)		*get_daemon_info;
	__typeof__(MHD_get_connection_info)	*get_connection_info;
	__typeof__(MHD_get_connection_values)	*get_connection_values;
	__typeof__(MHD_lookup_connection_value)	*lookup_connection_value;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_create_response_from_callback)
						*create_response_from_callback;
	__typeof__(MHD_add_response_header)	*add_response_header;
	__typeof__(MHD_queue_response)		*queue_response;
	__typeof__(MHD_destroy_response)	*destroy_response;
};

/* The functions of libcurl that smtp.c calls. */
struct lazy_curl {
	__typeof__(curl_easy_init)		*easy_init;
	__typeof__(curl_easy_setopt)		*easy_setopt;
	__typeof__(curl_easy_perform)		*easy_perform;
	__typeof__(curl_easy_cleanup)		*easy_cleanup;
	__typeof__(curl_easy_strerror)		*easy_strerror;
	__typeof__(curl_slist_append)		*slist_append;
	__typeof__(curl_slist_free_all)		*slist_free_all;
};

/* The tables, loaded on the first call; NULL with err naming the
 * library and what went wrong. */
const struct lazy_mhd	*lazy_mhd(struct err *err);
const struct lazy_curl	*lazy_curl(struct err *err);

#endif
