/* test_b64.c: b64.h and the AUTH mechanism words. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "b64.h"
#include "bounce.h"
#include "smtp_ehlo.h"
#include "conf.h"
#include "header.h"
#include "maildrop.h"
#include "opt.h"
#include "route.h"
#include "runfile.h"
#include "unit.h"

static void base64_and_auth_words(void)
{
	char out[64];
	struct smtp_ehlo e;
	CHECK(b64_encode("", 0, out) == 0 && !strcmp(out, ""));
	CHECK(b64_encode("f", 1, out) == 4 && !strcmp(out, "Zg=="));
	CHECK(b64_encode("fo", 2, out) == 4 && !strcmp(out, "Zm8="));
	CHECK(b64_encode("foo", 3, out) == 4 && !strcmp(out, "Zm9v"));
	CHECK(b64_encode("foobar", 6, out) == 8 && !strcmp(out, "Zm9vYmFy"));
	CHECK(b64_encode("\0u\0p\xff", 5, out) == 8 && !strcmp(out, "AHUAcP8="));
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "AUTH CRAM-MD5 login", 19);
	CHECK((e.ext & SMTP_EXT_AUTH) && e.auth == SMTP_AUTH_LOGIN);
	smtp_ehlo_line(&e, "auth plain", 10);
	CHECK(e.auth == (SMTP_AUTH_LOGIN | SMTP_AUTH_PLAIN));
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "AUTH=PLAIN", 10);   /* the old form: not AUTH */
	CHECK(e.auth == 0);
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "AUTH LOGIN XOAUTH2 PLAIN-CLIENTTOKEN oauthbearer "
		       "XOAUTH", 55);
	CHECK(e.auth == (SMTP_AUTH_LOGIN | SMTP_AUTH_XOAUTH2 |
			 SMTP_AUTH_OAUTHBEARER));
}

static void base64_decoding(void)
{
	static const char *const bad[] = { "Zg=", "Zg", "Z===", "Zm9v=", "=Zm9",
		"Zm 9", "Zm9v\n", "Zg==Zm9v", "Z=g=", "Zm9-", "Zm9_" };
	char out[16];
	size_t i;

	CHECK(b64_decode("", 0, out, sizeof out) == 0);
	CHECK(b64_decode("Zg==", 4, out, sizeof out) == 1 && out[0] == 'f');
	CHECK(b64_decode("Zm8=", 4, out, sizeof out) == 2 && !memcmp(out, "fo", 2));
	CHECK(b64_decode("Zm9vYmFy", 8, out, sizeof out) == 6 &&
	      !memcmp(out, "foobar", 6));
	CHECK(b64_decode("AHUAcP8=", 8, out, sizeof out) == 5 &&
	      !memcmp(out, "\0u\0p\xff", 5));
	CHECK(b64_decode("Zm9vYmFy", 8, out, 5) == -1);  /* does not fit */
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		if (b64_decode(bad[i], strlen(bad[i]), out, sizeof out) != -1) {
			fprintf(stderr, "  decoded: %s\n", bad[i]);
			CHECK(0);
		}
}

UNIT_SUITE(b64_tests) = {
	{ "b64 and AUTH mechanisms", base64_and_auth_words },
	{ "b64 decoding: padding, alphabet, room", base64_decoding },
	UNIT_END
};
