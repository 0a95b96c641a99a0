/*
 * lazy.c: libmicrohttpd and libcurl opened on first use (see lazy.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lazy.h"

/* One library: its table of n pointers, named by names[]. */
struct lazy_lib {
	pthread_once_t	 once;
	const char	*soname;
	const char *const *names;
	size_t		 n;
	void		**table;
	int		 ok;
	char		 why[256];	/* the loader's words when !ok */
};

static const char *const mhd_names[] = {
	"MHD_start_daemon", "MHD_stop_daemon", "MHD_get_daemon_info",
	"MHD_get_connection_info", "MHD_get_connection_values",
	"MHD_lookup_connection_value", "MHD_create_response_from_buffer",
	"MHD_create_response_from_callback", "MHD_add_response_header",
	"MHD_queue_response", "MHD_destroy_response",
};
static const char *const curl_names[] = {
	"curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
	"curl_easy_cleanup", "curl_easy_strerror", "curl_slist_append",
	"curl_slist_free_all",
};

static struct lazy_mhd	mhd;
static struct lazy_curl	curl;

/* The tables are arrays of function pointers, in the order of names. */
_Static_assert(sizeof(mhd) == sizeof(void *) * (sizeof(mhd_names) /
    sizeof(mhd_names[0])), "lazy_mhd and mhd_names differ");
_Static_assert(sizeof(curl) == sizeof(void *) * (sizeof(curl_names) /
    sizeof(curl_names[0])), "lazy_curl and curl_names differ");

static struct lazy_lib	mhd_lib = { PTHREAD_ONCE_INIT, RT_MHD_SONAME,
			    mhd_names, sizeof(mhd_names) /
			    sizeof(mhd_names[0]), (void **)(void *)&mhd, 0,
			    "" };
static struct lazy_lib	curl_lib = { PTHREAD_ONCE_INIT, RT_CURL_SONAME,
			    curl_names, sizeof(curl_names) /
			    sizeof(curl_names[0]), (void **)(void *)&curl, 0,
			    "" };

static void
load(struct lazy_lib *l)
{
	void		*h, *f;
	const char	*e;

	/* Kept open for the life of the process. */
	if ((h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(l->why, sizeof(l->why), "%s", e != NULL ? e :
		    "cannot load");
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if ((f = dlsym(h, l->names[i])) == NULL) {
			snprintf(l->why, sizeof(l->why), "%s has no %s",
			    l->soname, l->names[i]);
			return;
		}
		/* POSIX: a function's address from dlsym is usable as one. */
		memcpy(&l->table[i], &f, sizeof(f));
	}
	l->ok = 1;
}

static void load_mhd(void) { load(&mhd_lib); }
static void load_curl(void) { load(&curl_lib); }

const struct lazy_mhd *
lazy_mhd(struct err *err)
{
	pthread_once(&mhd_lib.once, load_mhd);
	if (!mhd_lib.ok) {
		err_set(err, ERR_IO, "cannot load the web server library: %s "
		    "(install the package libmicrohttpd12)", mhd_lib.why);
		return NULL;
	}
	return &mhd;
}

const struct lazy_curl *
lazy_curl(struct err *err)
{
	pthread_once(&curl_lib.once, load_curl);
	if (!curl_lib.ok) {
		err_set(err, ERR_IO, "cannot load the mail library: %s "
		    "(install the package libcurl4)", curl_lib.why);
		return NULL;
	}
	return &curl;
}
