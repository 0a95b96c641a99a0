/*
 * lazy.c: libmicrohttpd and libcurl opened on first use (see lazy.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lazy.h"

/* A function of a library, and where its pointer goes in the table. */
struct lazy_sym {
	const char	*name;
	size_t		 off;
};

/* One library: its table, filled from syms[] by load(). */
struct lazy_lib {
	pthread_once_t	 once;
	const char	*soname;
	const struct lazy_sym *syms;
	size_t		 n;
	char		*table;		/* the struct lazy_mhd or lazy_curl */
	int		 ok;
	char		 why[256];	/* the loader's words when !ok */
};

#define MHD_SYM(f)	{ "MHD_" #f, offsetof(struct lazy_mhd, f) }
#define CURL_SYM(f)	{ "curl_" #f, offsetof(struct lazy_curl, f) }

static const struct lazy_sym mhd_syms[] = {
	MHD_SYM(start_daemon), MHD_SYM(stop_daemon), MHD_SYM(get_daemon_info),
	MHD_SYM(get_connection_info), MHD_SYM(get_connection_values),
	MHD_SYM(lookup_connection_value),
	MHD_SYM(create_response_from_buffer),
	MHD_SYM(create_response_from_callback),
	MHD_SYM(add_response_header), MHD_SYM(queue_response),
	MHD_SYM(destroy_response),
};
static const struct lazy_sym curl_syms[] = {
	CURL_SYM(easy_init), CURL_SYM(easy_setopt), CURL_SYM(easy_perform),
	CURL_SYM(easy_cleanup), CURL_SYM(easy_strerror),
	CURL_SYM(slist_append), CURL_SYM(slist_free_all),
};

static struct lazy_mhd	mhd;
static struct lazy_curl	curl;

/* Every member of a table is a function pointer named in its syms[]. */
_Static_assert(sizeof(mhd) == sizeof(void (*)(void)) * (sizeof(mhd_syms) /
    sizeof(mhd_syms[0])), "lazy_mhd has a member mhd_syms does not name");
_Static_assert(sizeof(curl) == sizeof(void (*)(void)) * (sizeof(curl_syms) /
    sizeof(curl_syms[0])), "lazy_curl has a member curl_syms does not name");

static struct lazy_lib	mhd_lib = { PTHREAD_ONCE_INIT, RT_MHD_SONAME,
			    mhd_syms, sizeof(mhd_syms) / sizeof(mhd_syms[0]),
			    (char *)&mhd, 0, "" };
static struct lazy_lib	curl_lib = { PTHREAD_ONCE_INIT, RT_CURL_SONAME,
			    curl_syms, sizeof(curl_syms) / sizeof(curl_syms[0]),
			    (char *)&curl, 0, "" };

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
		if ((f = dlsym(h, l->syms[i].name)) == NULL) {
			snprintf(l->why, sizeof(l->why), "%s has no %s",
			    l->soname, l->syms[i].name);
			return;
		}
		/* POSIX: a function's address from dlsym is usable as one,
		 * and a pointer to any function has the same size. */
		memcpy(l->table + l->syms[i].off, &f, sizeof(f));
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
