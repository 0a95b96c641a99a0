/*
 * t.c: the runner behind t.h.  Prints TAP; a case name on the command line
 * runs only that case.
 */
#include "t.h"

int	t_failed;
int	t_checks;

void
t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	t_failed++;
	fprintf(stderr, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
t_run(const struct t_case *cases, size_t n, int argc, char **argv)
{
	int	bad = 0;
	size_t	ran = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0) {
			printf("ok %zu - %s # SKIP not selected\n", i + 1,
			    cases[i].name);
			continue;
		}
		t_failed = t_checks = 0;
		cases[i].fn();
		ran++;
		if (t_checks == 0) {
			/* A case that checks nothing cannot fail: refuse it. */
			fprintf(stderr, "# %s: no checks ran\n",
			    cases[i].name);
			t_failed++;
		}
		printf("%s %zu - %s (%d checks)\n", t_failed ? "not ok" : "ok",
		    i + 1, cases[i].name, t_checks);
		fflush(stdout);
		if (t_failed)
			bad++;
	}
	return bad ? 1 : (ran ? 0 : 1);
}
