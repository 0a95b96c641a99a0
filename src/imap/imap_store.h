/*
 * imap_store.h: fetched header blocks into a tenant's archive.
 *
 * The same record path as a file import (archive_import.c): the header
 * block is parsed by meta_parse(), its keys blinded and its fields
 * sealed with the tenant's key (record.h), and the message stored at
 * (source, pos) with its addresses, so a report over mail synced by IMAP
 * equals the report over the same mail imported from a file.  For IMAP
 * the source is one folder and pos is the message's UID.
 *
 * The writer does not begin or commit: the sync commits each batch with
 * its folder checkpoint (imap_sync.c).
 *
 * A writer remembers the addresses it stored: when a transaction it
 * wrote into is rolled back, free it and start a new one.
 *
 * Ownership: the writer borrows the archive for its life.  One thread.
 */
#ifndef RT_IMAP_STORE_H
#define RT_IMAP_STORE_H

#include <stdint.h>

#include "../base/err.h"
#include "../base/str.h"
#include "../store/archive.h"

struct imap_writer;

struct imap_writer	*imap_writer_new(struct archive *a, int64_t mailbox_id);
void			 imap_writer_free(struct imap_writer *w);

/* Stores the message of header block hdr at (source_id, pos); *inserted
 * says whether it was new.  0 or -1 (err). */
int	imap_writer_put(struct imap_writer *w, int64_t source_id, int64_t pos,
	    struct str hdr, int *inserted, struct err *err);

/* The header field list for BODY.PEEK[HEADER.FIELDS (...)], upper case,
 * space-separated: exactly the fields meta_parse() reads. */
const char	*imap_header_fields(void);

#endif
