/*
 * corpus.h: the shared mail corpora in unit tests.  CMake sets
 * RT_CORPORA to their folder; without it (or without the files) a test
 * that needs them notes a skip and checks nothing else.
 */
#ifndef RT_T_CORPUS_H
#define RT_T_CORPUS_H

#include <stdio.h>
#include <stdlib.h>

#include "ingest/source.h"
#include "t.h"

/*
 * The path of corpus part in buf (len bytes), or NULL when the corpora
 * are not there, after a passing check saying what was skipped.
 */
static inline const char *
corpus_path(const char *part, char *buf, size_t len, const char *what)
{
	const char	*corpora = getenv("RT_CORPORA");
	FILE		*f;

	snprintf(buf, len, "%s/%s", corpora != NULL ? corpora : "", part);
	if (corpora == NULL || (f = fopen(buf, "r")) == NULL) {
		t_ok(1, "corpora absent: %s skipped", what);
		return NULL;
	}
	fclose(f);
	return buf;
}

/*
 * source_scan() of each of the n parts with cb and arg, one check per
 * part; 0, or -1 when the corpora are absent (the first part decides).
 */
static inline int
corpus_scan(const char *const *parts, size_t n, source_cb cb, void *arg,
    const char *what)
{
	struct source_stats	st = { 0 };
	struct err		err;
	char			path[4096];

	if (corpus_path(parts[0], path, sizeof(path), what) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", getenv("RT_CORPORA"),
		    parts[i]);
		t_eq_i64(source_scan(path, cb, arg, &st, &err), 0, "%s read",
		    parts[i]);
	}
	return 0;
}

#endif
