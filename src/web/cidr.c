/*
 * cidr.c: address blocks of trusted reverse proxies (web.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

int
web_cidr_parse(const char *s, struct web_cidr *out, struct err *err)
{
	char		 host[64], *end;
	const char	*slash = strchr(s, '/');
	size_t		 hl = slash != NULL ? (size_t)(slash - s) : strlen(s);
	long		 bits;
	int		 max;

	memset(out, 0, sizeof(*out));
	if (hl == 0 || hl >= sizeof(host))
		return err_set(err, ERR_USAGE, "not an address block");
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else
		return err_set(err, ERR_USAGE, "not an address block");
	out->bits = max;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0 || bits > max)
			return err_set(err, ERR_USAGE, "bad prefix length");
		out->bits = (int)bits;
	}
	return 0;
}

static int
match_bytes(const struct web_cidr *c, const unsigned char *a)
{
	int	full = c->bits / 8, rest = c->bits % 8;

	if (memcmp(c->addr, a, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((c->addr[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

int
web_cidr_match(const struct web_cidr *c, const struct sockaddr *sa)
{
	const struct sockaddr_in6	*s6;
	static const unsigned char	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0xff, 0xff };

	if (sa->sa_family == AF_INET && c->family == AF_INET)
		return match_bytes(c, (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6)
		return 0;
	s6 = (const struct sockaddr_in6 *)sa;
	if (c->family == AF_INET6)
		return match_bytes(c, s6->sin6_addr.s6_addr);
	/* An IPv4 peer on an IPv6 socket (::ffff:a.b.c.d). */
	if (memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0)
		return match_bytes(c, s6->sin6_addr.s6_addr + 12);
	return 0;
}

int
web_cidr_match_text(const struct web_cidr *c, const char *addr)
{
	unsigned char	a[16];

	if (c->family == AF_INET && inet_pton(AF_INET, addr, a) == 1)
		return match_bytes(c, a);
	if (c->family == AF_INET6 && inet_pton(AF_INET6, addr, a) == 1)
		return match_bytes(c, a);
	return 0;
}
