/* test_oauth.c: oauth.h: the token file, the requests, the answers of
 * Microsoft's and Google's token endpoints (success and RFC 6749 §5.2
 * errors), and the file written back. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "oauth.h"
#include "smtp_ehlo.h"
#include "unit.h"

static const char m365[] =
	"# Microsoft 365\n"
	"target smtp.office365.com:587\n"
	"user alerts@contoso.example\n"
	"token-endpoint https://login.microsoftonline.com/contoso.example/"
	"oauth2/v2.0/token\n"
	"device-endpoint https://login.microsoftonline.com/contoso.example/"
	"oauth2/v2.0/devicecode\n"
	"client-id 9e5f94bc-e8a4-4e73-b8be-63364c29d753\n"
	"scope https://outlook.office.com/SMTP.Send offline_access\n"
	"refresh-token 0.AXEA-old.refresh\n";

static struct oauth o;

static void token_file(void)
{
	static const struct { const char *text, *why; unsigned line; } bad[] = {
		{ "target a\nuser b\ntoken-endpoint https://x/t\n", "target, user, "
		  "token-endpoint and client-id are needed", 0 },
		{ "target a\ntarget b\n", "a key given twice", 2 },
		{ "targte a\n", "an unknown key", 1 },
		{ "user\n", "a key without its value", 1 },
		{ "mechanism plain\n", "mechanism is xoauth2 or oauthbearer", 1 },
		{ "token-endpoint http://x/t\n", "a URL that is not https://", 1 },
		{ "access-expires soon\n", "access-expires is a Unix time in "
		  "seconds", 1 },
	};
	const char *why = 0;
	unsigned line, i;

	CHECK(oauth_parse(&o, m365, sizeof m365 - 1, &why, &line) == 0);
	CHECK_STR(o.target, "smtp.office365.com:587");
	CHECK_STR(o.user, "alerts@contoso.example");
	CHECK_STR(o.token_at.host, "login.microsoftonline.com");
	CHECK_STR(o.token_at.path, "/contoso.example/oauth2/v2.0/token");
	CHECK_STR(o.device_at.path, "/contoso.example/oauth2/v2.0/devicecode");
	CHECK_STR(o.scope, "https://outlook.office.com/SMTP.Send offline_access");
	CHECK(o.mech == SMTP_AUTH_XOAUTH2 && !o.access && !o.client_secret &&
	      o.expires == 0);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = 0;
		if (oauth_parse(&o, bad[i].text, strlen(bad[i].text), &why,
				&line) != -1 || !why || strcmp(why, bad[i].why) ||
		    line != bad[i].line) {
			fprintf(stderr, "  %s: %s (line %u)\n", bad[i].text, why,
				line);
			CHECK(0);
		}
	}
}

static void requests(void)
{
	char form[1024];
	const char *why;
	unsigned line;
	size_t n;

	CHECK(oauth_parse(&o, m365, sizeof m365 - 1, &why, &line) == 0);
	CHECK(oauth_form_refresh(&o, form, sizeof form, &n) == 0);
	CHECK_STR(form, "grant_type=refresh_token&refresh_token=0.AXEA-old."
		  "refresh&client_id=9e5f94bc-e8a4-4e73-b8be-63364c29d753&scope="
		  "https%3A%2F%2Foutlook.office.com%2FSMTP.Send+offline_access");
	CHECK(oauth_form_device_poll(&o, "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
				     form, sizeof form, &n) == 0);
	CHECK_STR(form, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
		  "device_code&device_code=GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"
		  "&client_id=9e5f94bc-e8a4-4e73-b8be-63364c29d753");
	CHECK(oauth_form_refresh(&o, form, 40, &n) == -1);
}

/* Parses an answer with status and JSON body. */
static int answer(int status, const char *body, struct oauth_answer *a,
		  char *why, size_t whysize)
{
	static char b[2048];
	struct http_response r;

	memset(&r, 0, sizeof r);
	r.status = status;
	strcpy(r.reason, status == 200 ? "OK" : "Bad Request");
	strcpy(b, body);
	r.body = b;
	r.body_len = strlen(b);
	return oauth_answer_parse(&r, a, why, whysize);
}

static void answers(void)
{
	static struct oauth_answer a;
	char why[SMTP_DIAG_SIZE];

	/* Microsoft: a rotated refresh token. */
	CHECK(answer(200, "{\"token_type\":\"Bearer\",\"scope\":\"https://outlook."
		     "office.com/SMTP.Send\",\"expires_in\":4443,\"ext_expires_in\":"
		     "4443,\"access_token\":\"eyJ0eXAiOiJKV1Qi.eyJhdWQiOi.sig-_\","
		     "\"refresh_token\":\"0.AXEA-new.refresh\"}", &a, why,
		     sizeof why) == 0);
	CHECK_STR(a.access, "eyJ0eXAiOiJKV1Qi.eyJhdWQiOi.sig-_");
	CHECK_STR(a.refresh, "0.AXEA-new.refresh");
	CHECK(a.expires_in == 4443 && !a.error[0]);
	/* Google: none rotated, lower-case type. */
	CHECK(answer(200, "{\"access_token\":\"ya29.a0Af\",\"expires_in\":3599,"
		     "\"scope\":\"https://mail.google.com/\",\"token_type\":"
		     "\"bearer\"}", &a, why, sizeof why) == 0);
	CHECK(!a.refresh[0] && a.expires_in == 3599);
	/* RFC 6749 §5.2 errors: refused, with the description. */
	CHECK(answer(400, "{\"error\":\"invalid_grant\",\"error_description\":"
		     "\"AADSTS700082: The refresh token has expired due to "
		     "inactivity.\",\"error_codes\":[700082]}", &a, why,
		     sizeof why) == 1);
	CHECK_STR(a.error, "invalid_grant");
	CHECK_STR(why, "the token endpoint refused (HTTP 400): invalid_grant: "
		  "AADSTS700082: The refresh token has expired due to "
		  "inactivity.");
	CHECK(!a.access[0]);
	/* Not OAuth at all, or unusable. */
	CHECK(answer(502, "<html>Bad Gateway</html>", &a, why, sizeof why) == -1);
	CHECK(strstr(why, "HTTP 502") != 0);
	CHECK(answer(200, "{\"token_type\":\"Bearer\"}", &a, why, sizeof why) == -1);
	CHECK(answer(200, "{\"access_token\":\"a\\nrefresh-token evil\","
		     "\"token_type\":\"Bearer\"}", &a, why, sizeof why) == -1);
	CHECK(!a.access[0]);
	CHECK(answer(200, "{\"access_token\":\"a b\",\"token_type\":\"Bearer\"}",
		     &a, why, sizeof why) == -1);
	CHECK(answer(200, "{\"access_token\":\"abc\",\"token_type\":\"mac\"}",
		     &a, why, sizeof why) == -1);
	CHECK(answer(200, "{\"access_token\":\"abc\",\"token_type\":\"Bearer\","
		     "\"refresh_token\":\"x\\u0000\"}", &a, why, sizeof why) == -1);
	CHECK(answer(200, "{\"access_token\":\"abc\",\"token_type\":\"Bearer\","
		     "\"expires_in\":\"3600\"}", &a, why, sizeof why) == 0 &&
	      a.expires_in == -1);
}

/* Reads the token file at path into t: 1 when it parses. */
static int read_back(const char *path, struct oauth *t)
{
	static char text[OAUTH_FILE_SIZE + 1];
	const char *bad;
	unsigned line;
	int fd = open(path, O_RDONLY);
	long n = fd < 0 ? -1 : (long)read(fd, text, sizeof text);

	if (fd >= 0)
		close(fd);
	return n > 0 && oauth_parse(t, text, (size_t)n, &bad, &line) == 0;
}

static void written_back(void)
{
	static struct oauth_answer a;
	static struct oauth back;
	char dir[] = "/tmp/smtprc-oauth-XXXXXX", path[64], why[SMTP_DIAG_SIZE];
	char text[OAUTH_FILE_SIZE + 1];
	const char *bad;
	unsigned line;

	CHECK(oauth_parse(&o, m365, sizeof m365 - 1, &bad, &line) == 0);
	CHECK(mkdtemp(dir) != 0);
	snprintf(path, sizeof path, "%s/m365", dir);
	strcpy(a.access, "eyJ.new.access");
	a.expires_in = 3600;
	CHECK(oauth_store(&o, path, &a, 1767225600, why, sizeof why) == 0);
	CHECK(read_back(path, &back));
	CHECK_STR(back.access, "eyJ.new.access");
	CHECK_STR(back.refresh, "0.AXEA-old.refresh");  /* not rotated: kept */
	CHECK(back.expires == 1767225600 + 3600);
	CHECK_STR(back.scope, o.scope);
	CHECK_STR(back.device_url, o.device_url);
	/* Rotated; the clock unset: no expiry written. */
	strcpy(a.refresh, "0.AXEA-rotated");
	CHECK(oauth_store(&back, path, &a, 0, why, sizeof why) == 0);
	CHECK(read_back(path, &o));
	CHECK_STR(o.refresh, "0.AXEA-rotated");
	CHECK(o.expires == 0);
	snprintf(text, sizeof text, "%s.tmp", path);
	CHECK(access(text, F_OK) < 0);
	/* A directory it cannot write: the old file stays. */
	snprintf(text, sizeof text, "%s/none/m365", dir);
	CHECK(oauth_store(&o, text, &a, 0, why, sizeof why) == -1);
	CHECK(strstr(why, "the old one is kept") != 0);
	unlink(path);
	rmdir(dir);
}

UNIT_SUITE(oauth_tests) = {
	{ "oauth: the token file and what is refused", token_file },
	{ "oauth: refresh and device-code requests", requests },
	{ "oauth: Microsoft's and Google's answers, errors, bad tokens",
	  answers },
	{ "oauth: the file written back, tokens replaced, settings kept",
	  written_back },
	UNIT_END
};
