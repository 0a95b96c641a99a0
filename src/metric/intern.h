/*
 * intern.h: byte strings to dense integer ids.
 *
 * The engine compares addresses and message ids millions of times; it
 * does so as uint32 ids handed out in first-seen order (0, 1, 2, ...).
 * Strings are copied into the table's own storage.  The table is the
 * shared one of src/base/strtab.h.
 *
 * Ownership: intern_str() returns memory owned by the table, valid until
 * the next intern_put() or intern_free().  Not thread-safe.
 */
#ifndef RT_INTERN_H
#define RT_INTERN_H

#include <stdint.h>

#include "../base/str.h"
#include "../base/strtab.h"

#define INTERN_NONE	STRTAB_NONE

struct intern;

struct intern	*intern_new(void);
void		 intern_free(struct intern *in);
/* The id of s, adding it if new (*added_out, if not NULL, says so). */
uint32_t	 intern_put(struct intern *in, struct str s, int *added_out);
/* The id of s, or INTERN_NONE if it was never added. */
uint32_t	 intern_get(const struct intern *in, struct str s);
struct str	 intern_str(const struct intern *in, uint32_t id);
uint32_t	 intern_count(const struct intern *in);
/* Bytes held (table and strings), for memory reports. */
size_t		 intern_bytes(const struct intern *in);

#endif
