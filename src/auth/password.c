/*
 * password.c: the password policy and password hashes (auth.h).
 *
 * Hashes are argon2id strings from libsodium's crypto_pwhash_str with the
 * INTERACTIVE limits (2 passes, 64 MiB; about 80 ms here): memory-hard,
 * salted, and self-describing, so stronger limits can come later and old
 * hashes still verify.  The dictionary check is cracklib's FascistCheck
 * against the system's packed dictionary (Debian: cracklib-runtime), a
 * well-kept list rather than one of our own; the letters of a password
 * without its leading and trailing digits and symbols are checked too,
 * as cracklib lets "password1234" pass.  cracklib keeps static
 * state, so calls are serialised.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <crack.h>
#include <sodium.h>

#include "auth.h"

static pthread_mutex_t	crack_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 if needle (n bytes) occurs in hay, ASCII case-blind. */
static int
contains_ci(const char *hay, const char *needle, size_t n)
{
	size_t	hl = strlen(hay);

	for (size_t i = 0; n > 0 && i + n <= hl; i++) {
		size_t	k;

		for (k = 0; k < n; k++)
			if (tolower((unsigned char)hay[i + k]) !=
			    tolower((unsigned char)needle[k]))
				break;
		if (k == n)
			return 1;
	}
	return 0;
}

int
pw_check(const char *pw, const char *email, struct err *err)
{
	const char	*why, *at;
	char		 dict[512], core[PW_MAX + 1];
	size_t		 len, chars = 0;

	len = strnlen(pw, PW_MAX + 1);
	if (len > PW_MAX)
		return err_set(err, ERR_USAGE, "the password is longer than "
		    "%d bytes", PW_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];

		if (c < 0x20 || c == 0x7f)
			return err_set(err, ERR_USAGE, "the password contains "
			    "a control character");
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (chars < PW_MIN)
		return err_set(err, ERR_USAGE, "the password is shorter than "
		    "%d characters", PW_MIN);
	if (email != NULL && (at = strchr(email, '@')) != NULL &&
	    at - email >= 3 && contains_ci(pw, email, (size_t)(at - email)))
		return err_set(err, ERR_USAGE, "the password contains the "
		    "name of the email address");
	/* cracklib exits the process when its dictionary is missing
	 * (Debian #682735): look first, and refuse rather than skip. */
	snprintf(dict, sizeof(dict), "%s.pwd", GetDefaultCracklibDict());
	if (access(dict, R_OK) != 0)
		return err_set(err, ERR_CONFIG, "password: the cracklib "
		    "dictionary is missing (install cracklib-runtime)");
	/* cracklib passes a word with digits added ("password1234"): check
	 * the letters between leading and trailing digits and symbols too. */
	{
		size_t	b = 0, e = len;

		while (b < e && !isalpha((unsigned char)pw[b]))
			b++;
		while (e > b && !isalpha((unsigned char)pw[e - 1]))
			e--;
		if (e - b >= 6 && e - b < len && e - b < sizeof(core)) {
			memcpy(core, pw + b, e - b);
			core[e - b] = '\0';
		} else
			core[0] = '\0';
	}
	pthread_mutex_lock(&crack_lock);
	why = FascistCheckUser(pw, GetDefaultCracklibDict(), "replytime",
	    NULL);
	if (why == NULL && core[0] != '\0')
		why = FascistCheckUser(core, GetDefaultCracklibDict(),
		    "replytime", NULL);
	if (why != NULL)
		err_set(err, ERR_USAGE, "the password is too easy to guess: "
		    "%s", why);
	pthread_mutex_unlock(&crack_lock);
	return why == NULL ? 0 : -1;
}

int
pw_hash(const char *pw, char *out, struct err *err)
{
	_Static_assert(crypto_pwhash_STRBYTES <= PW_HASH_MAX, "hash size");
	if (sodium_init() < 0)
		return err_set(err, ERR_IO, "password: no random source");
	if (crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(err, ERR_IO, "password: not enough memory to "
		    "hash");
	return 0;
}

/* A hash of a random password nobody knows, for unknown users. */
static char		dummy[PW_HASH_MAX];
static pthread_once_t	dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char		pw[TOKEN_TEXT];
	struct err	err;

	token_new(pw);
	if (pw_hash(pw, dummy, &err) == -1)
		dummy[0] = '\0';
}

int
pw_verify(const char *hash, const char *pw)
{
	size_t	len = strnlen(pw, PW_MAX + 1);

	if (len > PW_MAX)
		return 1;
	if (hash[0] == '\0' || strncmp(hash, "$argon2id$", 10) != 0) {
		/* Spend the same time as a real check. */
		pthread_once(&dummy_once, dummy_init);
		if (dummy[0] != '\0' &&
		    crypto_pwhash_str_verify(dummy, pw, len) == 0)
			return 1;	/* nobody knows it */
		return 1;
	}
	return crypto_pwhash_str_verify(hash, pw, len) == 0 ? 0 : 1;
}
