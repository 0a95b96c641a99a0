/*
 * err.h: the one error idiom of replytime.
 *
 * Three tiers, as in the house style:
 *  - bugs and broken invariants abort (rt_fatal);
 *  - running out of memory aborts inside the x* allocators (xmalloc.h);
 *  - failures caused by input or the environment are returned: the function
 *    returns -1 and fills a caller-provided struct err with a code and a
 *    message that names the place and the problem.
 *
 * Messages never contain header data, passwords or keys: name the place
 * (path, line, byte offset, field name), not the content.
 */
#ifndef RT_ERR_H
#define RT_ERR_H

enum err_code {
	ERR_NONE = 0,
	ERR_PARSE,		/* malformed input */
	ERR_LIMIT,		/* input exceeds a limit */
	ERR_IO,			/* system call failed */
	ERR_USAGE,		/* bad command line */
	ERR_CONFIG,		/* bad configuration */
	ERR_UNSUPPORTED,	/* valid but not handled */
};

struct err {
	enum err_code	 code;
	char		 msg[512];
};

/* Both always return -1 so they can be used as: return err_set(...); */
int	err_set(struct err *err, enum err_code code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Appends ": strerror(errno)" to the message. */
int	err_set_errno(struct err *err, enum err_code code, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with more context ("path: " + msg). */
int	err_prefix(struct err *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	err_clear(struct err *err);

/* Prints "replytime: msg" to stderr and aborts: for bugs only. */
_Noreturn void rt_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#define RT_ASSERT(x) do {						\
	if (!(x))							\
		rt_fatal("%s:%d: assertion failed: %s", __FILE__,	\
		    __LINE__, #x);					\
} while (0)

#endif
