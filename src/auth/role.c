/*
 * role.c: the names of the roles (auth.h).  What each role may do is
 * the permission matrix of the web server (web/routes.c).
 */
#include <string.h>

#include "../base/str.h"
#include "auth.h"

static const char *const names[ROLE_N] = {
	[ROLE_OWNER] = "owner",
	[ROLE_ADMIN] = "admin",
	[ROLE_MANAGER] = "manager",
	[ROLE_AGENT] = "agent",
	[ROLE_VIEWER] = "viewer",
};

const char *
role_name(enum role r)
{
	RT_ASSERT((unsigned)r < ROLE_N);
	return names[r];
}

int
role_parse(const char *s, enum role *out)
{
	for (size_t i = 0; i < nitems(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}
