/*
 * fuzz_vault.c: libFuzzer target for the parsers of src/vault.
 *
 * The first byte picks what the rest is fed to:
 *  0  vault_master_parse: must accept exactly what an independent check
 *     here accepts (the magic line, 64 hex digits, an optional LF, not all
 *     zeros), and give the same id twice;
 *  1  vault_open with a fixed key and place: must fail, except on the
 *     pinned sealed fields, one per seal version (which must give
 *     "hello"), since nothing but vault_seal can make bytes that
 *     authenticate;
 *  2  vault_seal then vault_open of the rest as plaintext: must round
 *     trip, and must fail once any one byte (chosen by the input) is
 *     changed;
 *  3  vault_tkey_unwrap for tenant 42: must fail, except on the pinned
 *     wrapped key;
 *  4  vault_backup_decrypt through a memfd: must fail, except on a
 *     complete backup of FUZZ_BACKUP_TEXT made with the fixed key, whose
 *     output must be that text.
 * Any other outcome, and any memory error, aborts.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/err.h"
#include "vault/vault.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY_TEXT "replytime-master-key v1\n" \
		"00112233445566778899aabbccddeeff" \
		"0123456789abcdeffedcba9876543210\n"
/* The pinned values of tests/unit/test_vault.c. */
#define PIN_WRAPPED \
		"014107af6231cdb9fc9bbb94ad2f39dbb1a316b6105bd5a50aa2af9e" \
		"f7f0b45965dfca3d1ecc621eb1dae6f5e491893212e62b4570b48be8" \
		"8f3da348f8bf1bd8f220c1b55e51f35fea"
#define PIN_SEALED \
		"0118668347201a2d0a7ed83c8dad3371256c1f2d72307d50e40ea70a" \
		"702c5981c7ee992665e29819e6aad6f6f22a"
#define PIN_SEALED2 \
		"02234776671e6218b9d2ccb38c443a562e684190d7166e66b75c4cc8" \
		"657f30ac572a"
#define FUZZ_BACKUP_TEXT	"replytime fuzz backup\n"
#define FUZZ_MAX		(1 << 20)
#define PLACE_AD_MAX		(8 + 8 + 1 + 64)

static struct vault_master	*master;
static struct vault_tkey	*tkey;
static unsigned char		 pin_wrapped[VAULT_WRAPPED_BYTES];
static unsigned char		 pin_sealed[64];
static size_t			 pin_sealed_len;
static unsigned char		 pin_sealed2[64];
static size_t			 pin_sealed2_len;
static unsigned char		 ad[PLACE_AD_MAX];
static size_t			 ad_len;
static int			 in_fd = -1, out_fd = -1;

/*
 * The associated data of the pinned vectors: tenant (8) || row (8) ||
 * length of field (1) || field, big-endian, as a store might bind a value
 * to its place.
 */
static size_t
place_ad(unsigned char out[PLACE_AD_MAX], uint64_t tenant, uint64_t row,
    const char *field)
{
	size_t	n = strlen(field);

	if (n == 0 || n > 64)
		abort();
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(tenant >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(row >> (56 - 8 * i));
	}
	out[16] = (unsigned char)n;
	memcpy(out + 17, field, n);
	return 17 + n;
}

static size_t
unhex(const char *hex, unsigned char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)((strchr(digits, hex[2 * i]) - digits)
		    << 4 | (strchr(digits, hex[2 * i + 1]) - digits));
	return n;
}

static void
fuzz_setup(void)
{
	struct err	err;

	if (master != NULL)
		return;
	if (vault_master_parse(KEY_TEXT, strlen(KEY_TEXT), &master, &err) ==
	    -1)
		abort();
	unhex(PIN_WRAPPED, pin_wrapped);
	pin_sealed_len = unhex(PIN_SEALED, pin_sealed);
	pin_sealed2_len = unhex(PIN_SEALED2, pin_sealed2);
	if (vault_tkey_unwrap(master, 42, pin_wrapped, sizeof(pin_wrapped),
	    &tkey, &err) == -1)
		abort();
	ad_len = place_ad(ad, 42, 7, "message.subject");
	in_fd = memfd_create("fuzz_vault_in", MFD_CLOEXEC);
	out_fd = memfd_create("fuzz_vault_out", MFD_CLOEXEC);
	if (in_fd == -1 || out_fd == -1)
		abort();
}

static int
is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* The key file grammar, written again without the parser's tricks. */
static int
valid_key_file(const uint8_t *p, size_t n)
{
	const size_t	ml = strlen("replytime-master-key v1\n");
	int		zero = 1;

	if (n != ml + 64 && n != ml + 65)
		return 0;
	if (memcmp(p, "replytime-master-key v1\n", ml) != 0)
		return 0;
	for (size_t i = ml; i < ml + 64; i++) {
		if (!is_hex(p[i]))
			return 0;
		if (p[i] != '0')
			zero = 0;
	}
	return !zero && (n == ml + 64 || p[n - 1] == '\n');
}

static void
fuzz_parse(const uint8_t *p, size_t n)
{
	struct vault_master	*m = NULL, *m2 = NULL;
	struct err		 err;
	int			 rc;

	rc = vault_master_parse(p, n, &m, &err);
	if ((rc == 0) != valid_key_file(p, n))
		abort();
	if (rc == 0) {
		if (vault_master_parse(p, n, &m2, &err) != 0 ||
		    strcmp(vault_master_id(m), vault_master_id(m2)) != 0 ||
		    strlen(vault_master_id(m)) != VAULT_MASTER_ID_LEN)
			abort();
	} else if (m != NULL || err.msg[0] == '\0') {
		abort();
	}
	vault_master_free(m);
	vault_master_free(m2);
}

static void
fuzz_open(const uint8_t *p, size_t n)
{
	unsigned char	*out = malloc(n + 1);
	size_t		 got = SIZE_MAX;
	struct err	 err;

	if (out == NULL)
		abort();
	if (vault_open(tkey, ad, ad_len, p, n, out, &got, &err) == 0) {
		if (!(n == pin_sealed_len && memcmp(p, pin_sealed, n) == 0) &&
		    !(n == pin_sealed2_len && memcmp(p, pin_sealed2, n) == 0))
			abort();
		if (got != 5 || memcmp(out, "hello", 5) != 0)
			abort();
	} else if (got != SIZE_MAX || err.msg[0] == '\0') {
		abort();
	}
	free(out);
}

static void
fuzz_seal(const uint8_t *p, size_t n)
{
	size_t		 slen = vault_sealed_len(n), got = 0, at;
	unsigned char	*s = malloc(slen), *out = malloc(n + 1);
	struct err	 err;

	if (s == NULL || out == NULL)
		abort();
	vault_seal(tkey, ad, ad_len, p, n, s);
	if (vault_open(tkey, ad, ad_len, s, slen, out, &got, &err) != 0 ||
	    got != n || (n > 0 && memcmp(out, p, n) != 0))
		abort();
	at = n > 0 ? (p[0] * 131u + n) % slen : 0;
	s[at] ^= (unsigned char)(n > 1 ? (p[1] | 1) : 1);
	if (vault_open(tkey, ad, ad_len, s, slen, out, &got, &err) != -1)
		abort();
	free(s);
	free(out);
}

static void
fuzz_unwrap(const uint8_t *p, size_t n)
{
	struct vault_tkey	*k = NULL;
	struct err		 err;

	if (vault_tkey_unwrap(master, 42, p, n, &k, &err) == 0) {
		if (n != sizeof(pin_wrapped) ||
		    memcmp(p, pin_wrapped, n) != 0)
			abort();
	} else if (k != NULL) {
		abort();
	}
	vault_tkey_free(k);
}

static void
fuzz_backup(const uint8_t *p, size_t n)
{
	const size_t	tl = strlen(FUZZ_BACKUP_TEXT);
	char		back[64];
	struct err	err;
	ssize_t		got;

	if (ftruncate(in_fd, 0) == -1 || pwrite(in_fd, p, n, 0) !=
	    (ssize_t)n || lseek(in_fd, 0, SEEK_SET) == -1 ||
	    ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) == -1)
		abort();
	if (vault_backup_decrypt(master, in_fd, out_fd, &err) == -1)
		return;
	/* Only a whole backup of the seed's text may open. */
	got = pread(out_fd, back, sizeof(back), 0);
	if (got != (ssize_t)tl || memcmp(back, FUZZ_BACKUP_TEXT, tl) != 0 ||
	    n != 41 + 4 + 17 + tl)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	fuzz_setup();
	switch (data[0] % 5) {
	case 0:
		fuzz_parse(data + 1, size - 1);
		break;
	case 1:
		fuzz_open(data + 1, size - 1);
		break;
	case 2:
		fuzz_seal(data + 1, size - 1);
		break;
	case 3:
		fuzz_unwrap(data + 1, size - 1);
		break;
	default:
		fuzz_backup(data + 1, size - 1);
		break;
	}
	return 0;
}
