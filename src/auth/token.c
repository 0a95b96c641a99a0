/*
 * token.c: random secrets as text, and their hashes (auth.h).
 *
 * A token is 32 bytes from the system's random source, written as
 * base64url without padding: 43 characters, safe in a URL, a cookie or a
 * header.  The store keeps BLAKE2b-256 of the text, personalised for
 * replytime tokens, so reading the database gives no usable secret.
 */
#include <string.h>

#include <sodium.h>

#include "auth.h"

#define TOKEN_CHARS	43

void
token_new(char out[TOKEN_TEXT])
{
	unsigned char	raw[TOKEN_BYTES];

	if (sodium_init() < 0)
		rt_fatal("token: no random source");
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_TEXT, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

int
token_syntax_ok(const char *s)
{
	size_t	i;

	for (i = 0; i < TOKEN_CHARS; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return s[i] == '\0';
}

void
token_hash(const char *text, unsigned char out[STORE_HASH_LEN])
{
	static const unsigned char	domain[] = "replytime token v1";
	crypto_generichash_state	st;

	crypto_generichash_init(&st, NULL, 0, STORE_HASH_LEN);
	crypto_generichash_update(&st, domain, sizeof(domain));
	crypto_generichash_update(&st, (const unsigned char *)text,
	    strlen(text));
	crypto_generichash_final(&st, out, STORE_HASH_LEN);
}

void
token_csrf(const char *session, char out[TOKEN_TEXT])
{
	static const unsigned char	msg[] = "replytime csrf v1";
	unsigned char			mac[TOKEN_BYTES];
	size_t				klen = strlen(session);

	if (klen > crypto_generichash_KEYBYTES_MAX)
		klen = crypto_generichash_KEYBYTES_MAX;
	crypto_generichash(mac, sizeof(mac), msg, sizeof(msg),
	    (const unsigned char *)session, klen);
	sodium_bin2base64(out, TOKEN_TEXT, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
token_equal(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
