/*
 * archive.c: opening a tenant's archive, sealing, settings (archive.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../base/xmalloc.h"
#include "archive.h"

#define META_MASTER_ID	"master_key_id"
#define META_DB_ID	"database_id"

static enum vault_bi_kind
bi_kind(enum record_kind k)
{
	switch (k) {
	case RECORD_ADDRESS:
		return VAULT_BI_ADDRESS;
	case RECORD_DOMAIN:
		return VAULT_BI_DOMAIN;
	case RECORD_MSGID:
		break;
	}
	return VAULT_BI_MSGID;
}

void
archive_blind(void *arg, enum record_kind kind, struct str s,
    unsigned char out[RECORD_KEY_BYTES])
{
	const struct archive	*a = arg;

	vault_blind(a->key, bi_kind(kind), s.p, s.len, out);
}

/* tenant (8) | row_a (8) | row_b (8) | table name: binds a sealed value
 * to its place, so a row copied elsewhere does not open. */
static size_t
make_ad(const struct archive *a, const char *table, int64_t row_a,
    int64_t row_b, unsigned char *ad, size_t size)
{
	size_t	n = 0, tl = strlen(table);
	int64_t	v[3] = { a->tid, row_a, row_b };

	for (int i = 0; i < 3; i++)
		for (int b = 7; b >= 0; b--)
			ad[n++] = (unsigned char)((uint64_t)v[i] >> (8 * b));
	if (tl > size - n)
		tl = size - n;
	memcpy(ad + n, table, tl);
	return n + tl;
}

void
archive_seal(const struct archive *a, const char *table, int64_t row_a,
    int64_t row_b, const void *plain, size_t n, struct buf *out)
{
	unsigned char	ad[64], *p;
	size_t		adn = make_ad(a, table, row_a, row_b, ad, sizeof(ad));

	/* Sealed in place; a refused append leaves out failed. */
	if ((p = buf_extend(out, vault_sealed_len(n))) != NULL)
		vault_seal(a->key, ad, adn, plain, n, p);
}

int
archive_open_sealed(const struct archive *a, const char *table,
    int64_t row_a, int64_t row_b, const void *sealed, size_t n,
    struct buf *out, struct err *err)
{
	unsigned char	 ad[64], *p;
	size_t		 adn = make_ad(a, table, row_a, row_b, ad, sizeof(ad));
	size_t		 pn = 0;
	int		 rc;

	if (n < VAULT_SEAL2_OVERHEAD)
		return err_set(err, ERR_PARSE, "stored %s row: sealed value "
		    "too short", table);
	p = xmalloc(n);
	rc = vault_open(a->key, ad, adn, sealed, n, p, &pn, err);
	if (rc == 0)
		buf_add(out, p, pn);
	else
		err_prefix(err, "stored %s row (%lld, %lld): ", table,
		    (long long)row_a, (long long)row_b);
	sodium_memzero(p, n);
	free(p);
	return rc;
}

/* The master key must be the one that wrapped this database's keys. */
static int
check_master(struct archive *a, struct err *err)
{
	char	*stored = NULL;
	int	 r;

	if ((r = store_meta_get(a->st, META_MASTER_ID, &stored, err)) == -1)
		return -1;
	if (r == 1)		/* a new database: adopt this key */
		return store_meta_put(a->st, META_MASTER_ID,
		    vault_master_id(a->master), err);
	if (strcmp(stored, vault_master_id(a->master)) != 0) {
		err_set(err, ERR_CONFIG, "%s is not the key of this database "
		    "(its data keys were wrapped by key %s, the file holds "
		    "key %s): give the right --key-file", a->key_path, stored,
		    vault_master_id(a->master));
		free(stored);
		return -1;
	}
	free(stored);
	return 0;
}

int
archive_keyring_dir(struct store *st, const char *key_path, char **dir_out,
    struct err *err)
{
	unsigned char	 rnd[8];
	char		*id = NULL, hex[2 * sizeof(rnd) + 1];
	int		 r;

	if ((r = store_meta_get(st, META_DB_ID, &id, err)) == -1)
		return -1;
	if (r == 1) {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		if (store_meta_put(st, META_DB_ID, hex, err) == -1)
			return -1;
		id = xstrdup(hex);
	}
	*dir_out = keyring_dir(key_path, id);
	free(id);
	return 0;
}

int
archive_open(const char *db, const char *key_file, const char *tenant,
    enum archive_open how, struct archive *a, struct err *err)
{
	struct store_tenant	 t;
	unsigned char		*wrapped = NULL;
	size_t			 wlen = 0;
	int			 r;

	memset(a, 0, sizeof(*a));
	if (vault_init(err) == -1)
		return -1;
	if (vault_key_path(key_file, db, &a->key_path, err) == -1 ||
	    vault_master_load(a->key_path, &a->master, err) == -1 ||
	    store_open(db, &a->st, err) == -1 || check_master(a, err) == -1 ||
	    archive_keyring_dir(a->st, a->key_path, &a->keyring, err) == -1)
		goto fail;
	memset(&t, 0, sizeof(t));
	if ((r = store_tenant_get(a->st, tenant, &t, err)) == -1)
		goto fail;
	if (how == ARCHIVE_CREATE) {
		if (r == 0) {
			store_tenant_clear(&t);
			err_set(err, ERR_USAGE, "tenant \"%s\" exists", tenant);
			goto fail;
		}
		/* The id is only known after the insert, and the key's
		 * wrapping binds the id: insert (the database holds no key:
		 * a marker), wrap, write the key to the keyring, commit. */
		if (store_begin(a->st, err) == -1 ||
		    store_tenant_create(a->st, tenant, "k", 1, time(NULL),
		    &a->tid, err) == -1 ||
		    vault_tkey_new(a->master, (uint64_t)a->tid, &wrapped, &wlen,
		    &a->key, err) == -1 ||
		    keyring_put(a->keyring, a->tid, wrapped, wlen, err) == -1 ||
		    store_commit(a->st, err) == -1) {
			(void)store_rollback(a->st, NULL);
			(void)keyring_destroy(a->keyring, a->tid, NULL);
			free(wrapped);
			goto fail;
		}
		free(wrapped);
	} else {
		if (r == 1) {
			err_set(err, ERR_USAGE, "no tenant \"%s\" in %s (create "
			    "it with: replytime tenant create)", tenant, db);
			goto fail;
		}
		a->tid = t.id;
		store_tenant_clear(&t);
		if ((r = keyring_get(a->keyring, a->tid, &wrapped, &wlen,
		    err)) == 1)
			err_set(err, ERR_CONFIG, "the data key of tenant \"%s\" "
			    "is not in %s: the tenant was deleted, or the "
			    "keyring was not restored with the master key",
			    tenant, a->keyring);
		if (r != 0)
			goto fail;
		r = vault_tkey_unwrap(a->master, (uint64_t)a->tid, wrapped,
		    wlen, &a->key, err);
		free(wrapped);
		if (r == -1)
			goto fail;
	}
	a->tenant = xstrdup(tenant);
	return 0;
fail:
	archive_close(a);
	return -1;
}

void
archive_close(struct archive *a)
{
	if (a->st != NULL)
		store_close(a->st);
	vault_tkey_free(a->key);
	vault_master_free(a->master);
	free(a->tenant);
	free(a->key_path);
	free(a->keyring);
	memset(a, 0, sizeof(*a));
}

int
archive_settings_get(struct archive *a, struct config **cfg_out,
    struct buf *ini, struct err *err)
{
	void	*sealed = NULL;
	size_t	 n = 0;
	int	 r;

	if ((r = store_settings_get(a->st, a->tid, &sealed, &n, err)) != 0)
		return r;
	r = archive_open_sealed(a, "settings", 0, 0, sealed, n, ini, err);
	free(sealed);
	if (r == -1)
		return -1;
	return config_parse(ini->data, ini->len, "(stored settings)", cfg_out,
	    err);
}

int
archive_settings_put(struct archive *a, const char *ini, size_t len,
    const char *filename, struct err *err)
{
	struct config	*cfg;
	struct buf	 sealed;
	int		 rc;

	if (config_parse(ini, len, filename, &cfg, err) == -1)
		return -1;
	config_free(cfg);
	buf_init(&sealed, 0);
	archive_seal(a, "settings", 0, 0, ini, len, &sealed);
	rc = store_settings_put(a->st, a->tid, sealed.data, sealed.len,
	    time(NULL), err);
	buf_free(&sealed);
	return rc;
}
