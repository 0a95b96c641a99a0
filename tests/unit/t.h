/*
 * t.h: a tiny unit-test harness that prints TAP.
 *
 * A test file defines its cases as functions and lists them in a table:
 *
 *	static const struct t_case cases[] = {
 *		{ "date_parse", test_date_parse },
 *	};
 *	T_MAIN(cases)
 *
 * Checks never stop a test: every failure is reported with its file, line
 * and a message, and the process exits 1 if any check failed.
 */
#ifndef RT_T_H
#define RT_T_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_case {
	const char	*name;
	void		(*fn)(void);
};

extern int	t_failed;	/* checks failed in the current case */
extern int	t_checks;	/* checks run in the current case */

void	t_fail(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	t_run(const struct t_case *cases, size_t n, int argc, char **argv);

#define T_MAIN(cases)							\
int									\
main(int argc, char **argv)						\
{									\
	return t_run(cases, sizeof(cases) / sizeof((cases)[0]), argc,	\
	    argv);							\
}

#define t_ok(cond, ...) do {						\
	t_checks++;							\
	if (!(cond))							\
		t_fail(__FILE__, __LINE__, __VA_ARGS__);		\
} while (0)

#define t_eq_i64(got, want, ...) do {					\
	int64_t t_g_ = (int64_t)(got), t_w_ = (int64_t)(want);		\
	t_checks++;							\
	if (t_g_ != t_w_) {						\
		t_fail(__FILE__, __LINE__, __VA_ARGS__);		\
		fprintf(stderr, "#   got %" PRId64 ", want %" PRId64 "\n",	\
		    t_g_, t_w_);					\
	}								\
} while (0)

/* Compares a (pointer, length) pair with a NUL-terminated expectation;
 * want NULL means "no string expected" and passes only for p == NULL. */
#define t_eq_mem(gp, glen, want, ...) do {				\
	const char *t_gp_ = (gp), *t_w_ = (want);			\
	size_t t_gl_ = (glen);						\
	t_checks++;							\
	if ((t_w_ == NULL) != (t_gp_ == NULL) || (t_w_ != NULL &&	\
	    (strlen(t_w_) != t_gl_ || memcmp(t_gp_, t_w_, t_gl_) != 0))) {\
		t_fail(__FILE__, __LINE__, __VA_ARGS__);		\
		fprintf(stderr, "#   got \"%.*s\", want \"%s\"\n",	\
		    t_gp_ ? (int)t_gl_ : 4, t_gp_ ? t_gp_ : "NULL",	\
		    t_w_ ? t_w_ : "NULL");				\
	}								\
} while (0)

#define t_eq_str(got, want, ...) do {					\
	struct str t_s_ = (got);					\
	t_eq_mem(t_s_.p ? t_s_.p : "", t_s_.len, (want), __VA_ARGS__);	\
} while (0)

#endif
