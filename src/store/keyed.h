/*
 * keyed.h: classify blind-indexed addresses (metrics spec section 3).
 *
 * Reports from the store see addresses only as blind indexes.  A keyed
 * classifier blinds the configuration's agent addresses and internal
 * domains with the tenant's key, and is told, for each stored address,
 * the keys of its domain and parent domains (record_domain_keys); then it
 * answers the engine's classify calls without any plaintext.
 *
 * Ownership: keyed_new() borrows cfg and arg for the classifier's life.
 */
#ifndef RT_KEYED_H
#define RT_KEYED_H

#include "../metric/engine.h"
#include "record.h"

struct keyed;

struct keyed	*keyed_new(const struct config *cfg, record_blind_fn blind,
		    void *arg);
/* Registers a stored address key and its domain keys (16 bytes each). */
void		 keyed_add_address(struct keyed *k, struct str key,
		    const void *domain_keys, size_t len);
/* The classifier to give engine_set_classifier(); valid while k is. */
void		 keyed_classifier(struct keyed *k, struct engine_classifier *out);
void		 keyed_free(struct keyed *k);

#endif
