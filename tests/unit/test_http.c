/* test_http.c: http.h, the URL, the form body, the request, and
 * responses as real servers send them (whole, byte by byte, chunked,
 * until the close) and malformed. */
#include "http.h"
#include "unit.h"

static void urls(void)
{
	struct http_url u;
	const char *why = 0;
	static const char *const bad[] = {
		"http://example.com/", "https://", "https:///x",
		"https://user@example.com/", "https://example.com/#frag",
		"https://example.com:0/", "https://example.com:65536/",
		"https://example.com:/", "https://example.com:44x/",
		"https://exa mple.com/", "https://ex\xc3\xa9.com/",
		"https://[::1/", "https://exa_mple.com/", "https://a:b:c/",
		"ftp://example.com/", "HTTPS://example.com/",
	};
	size_t i;

	CHECK(http_url_parse("https://login.microsoftonline.com/common/"
			     "oauth2/v2.0/token", &u, &why) == 0);
	CHECK_STR(u.host, "login.microsoftonline.com");
	CHECK(u.port == 443);
	CHECK_STR(u.path, "/common/oauth2/v2.0/token");
	CHECK(http_url_parse("https://mta-sts.example.com", &u, &why) == 0);
	CHECK_STR(u.path, "/");
	CHECK(http_url_parse("https://127.0.0.1:8443?q=1", &u, &why) == 0);
	CHECK(!strcmp(u.host, "127.0.0.1") && u.port == 8443);
	CHECK_STR(u.path, "/?q=1");
	CHECK(http_url_parse("https://[::1]:9443/t", &u, &why) == 0);
	CHECK(!strcmp(u.host, "::1") && u.port == 9443);
	CHECK(http_url_parse("https://[::1]/t", &u, &why) == 0 && u.port == 443);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		if (http_url_parse(bad[i], &u, &why) != -1) {
			fprintf(stderr, "  accepted: %s\n", bad[i]);
			CHECK(0);
		}
	CHECK(http_url_parse("https://user@example.com/", &u, &why) == -1);
	CHECK_STR(why, "a URL with user information");
}

static void forms_and_requests(void)
{
	char form[96], out[512];
	size_t n = 0;
	struct http_url u;
	const char *why;
	long len;

	CHECK(http_form_add(form, sizeof form, &n, "grant_type",
			    "refresh_token") == 0);
	CHECK(http_form_add(form, sizeof form, &n, "scope",
			    "https://outlook.office.com/SMTP.Send offline_access") == 0);
	CHECK_STR(form, "grant_type=refresh_token&scope=https%3A%2F%2Foutlook"
		  ".office.com%2FSMTP.Send+offline_access");
	CHECK(n == strlen(form));
	/* What does not fit leaves the body as it was. */
	CHECK(http_form_add(form, sizeof form, &n, "client_id",
			    "0123456789abcdef0123456789") == -1);
	CHECK(n == strlen(form) && form[n - 1] == 's');
	CHECK(http_url_parse("https://[::1]:8443/token", &u, &why) == 0);
	len = http_request(out, sizeof out, &u, "application/json", form, n);
	CHECK(len > 0 && (size_t)len == strlen(out));
	CHECK_STR(out, "POST /token HTTP/1.1\r\nHost: [::1]:8443\r\n"
		  "User-Agent: smtprc/" SMTPRC_VERSION "\r\n"
		  "Accept: application/json\r\nConnection: close\r\n"
		  "Content-Type: application/x-www-form-urlencoded\r\n"
		  "Content-Length: 90\r\n\r\n"
		  "grant_type=refresh_token&scope=https%3A%2F%2Foutlook.office"
		  ".com%2FSMTP.Send+offline_access");
	CHECK(http_url_parse("https://mta-sts.example.com/.well-known/"
			     "mta-sts.txt", &u, &why) == 0);
	len = http_request(out, sizeof out, &u, "text/plain", 0, 0);
	CHECK_STR(out, "GET /.well-known/mta-sts.txt HTTP/1.1\r\n"
		  "Host: mta-sts.example.com\r\nUser-Agent: smtprc/"
		  SMTPRC_VERSION "\r\nAccept: text/plain\r\n"
		  "Connection: close\r\n\r\n");
	CHECK(http_request(out, 40, &u, "text/plain", 0, 0) == -1);
}

/* Parses text as it arrives byte by byte (no prefix may be refused:
 * a response is never malformed for coming in pieces), then whole. */
static int parse(const char *text, int closed, char *buf,
		 struct http_response *r, const char **why)
{
	size_t len = strlen(text), i;

	for (i = 0; i < len; i++) {
		memcpy(buf, text, i);
		if (http_response_parse(buf, i, 0, r, why) == -1)
			return -1;
	}
	memcpy(buf, text, len + 1);
	return http_response_parse(buf, len, closed, r, why);
}

static void responses(void)
{
	char buf[1024];
	struct http_response r;
	const char *why = 0;

	CHECK(parse("HTTP/1.1 200 OK\r\nContent-Type: application/json; "
		    "charset=utf-8\r\nContent-Length: 11\r\n\r\n{\"a\":\"bc\"}\n"
		    "garbage after the end", 0, buf, &r, &why) == HTTP_DONE);
	CHECK(r.status == 200);
	CHECK_STR(r.reason, "OK");
	CHECK_STR(r.type, "application/json");
	CHECK_MEM(r.body, r.body_len, "{\"a\":\"bc\"}\n");
	/* Chunked, with an extension and a trailer, decoded in place. */
	CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n"
		    "content-type: TEXT/Plain\r\n\r\n7;x=y\r\nversion\r\n"
		    "0d\r\n: STSv1\nmode:\r\n0\r\nX-Trailer: 1\r\n\r\n",
		    0, buf, &r, &why) == HTTP_DONE);
	CHECK_STR(r.type, "text/plain");
	CHECK_MEM(r.body, r.body_len, "version: STSv1\nmode:");
	/* No length: the body ends at the close, and only there. */
	strcpy(buf, "HTTP/1.0 404 Not Found\n\nno");
	CHECK(http_response_parse(buf, 26, 0, &r, &why) == HTTP_MORE);
	CHECK(http_response_parse(buf, 26, 1, &r, &why) == HTTP_DONE);
	CHECK(r.status == 404 && r.body_len == 2);
	/* An interim 100 is skipped; 204 has no body. */
	CHECK(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n"
		    "\r\n", 0, buf, &r, &why) == HTTP_DONE);
	CHECK(r.status == 204 && r.body_len == 0);
	/* A 400 from a token endpoint is an answer like any other. */
	CHECK(parse("HTTP/1.1 400 Bad Request\r\nContent-Length: 27\r\n\r\n"
		    "{\"error\":\"invalid_grant\"}\r\n", 0, buf, &r, &why) == HTTP_DONE);
	CHECK(r.status == 400 && r.body_len == 27);
}

static void malformed_responses(void)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "HTTP/2 200\r\n\r\n", "a status line that is not HTTP/1.x" },
		{ "HTTP/1.1 20 OK\r\n\r\n", "a status line that is not HTTP/1.x" },
		{ "HTTP/1.1 600 X\r\n\r\n", "a status line that is not HTTP/1.x" },
		{ "SMTP 220 hello\r\n\r\n", "a status line that is not HTTP/1.x" },
		{ "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
		  "a folded header line (obsolete, refused)" },
		{ "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		  "a header line without a name and colon" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		  "two different Content-Lengths" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		  "a Content-Length that is not a number" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		  "a Content-Length that is not a number" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		  "a transfer coding other than chunked" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		  "a chunk size that is not hexadecimal" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "123456789\r\n", "a chunk size too large" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "2\r\nabc\r\n0\r\n\r\n", "a chunk longer than its size" },
		{ "HTTP/1.1 200 OK\r\nX: a\001b\r\n\r\n",
		  "a header value with a control byte" },
	};
	static const char *const cut[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
		"HTTP/1.1 200 OK\r\nContent-Le",
		"",
	};
	char buf[256];
	struct http_response r;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = 0;
		strcpy(buf, bad[i].text);
		CHECK(http_response_parse(buf, strlen(buf), 0, &r, &why) == -1);
		if (!why || strcmp(why, bad[i].why)) {
			fprintf(stderr, "  %s: %s\n", bad[i].text, why);
			CHECK(0);
		}
	}
	for (i = 0; i < sizeof cut / sizeof *cut; i++) {
		strcpy(buf, cut[i]);
		CHECK(http_response_parse(buf, strlen(buf), 0, &r, &why) == HTTP_MORE);
		CHECK(http_response_parse(buf, strlen(buf), 1, &r, &why) == -1);
		CHECK_STR(why, "the connection closed before the response's end");
	}
}

UNIT_SUITE(http_tests) = {
	{ "http: https URLs, and what is refused", urls },
	{ "http: form bodies and GET and POST requests", forms_and_requests },
	{ "http: responses whole and byte by byte, chunked, to the close",
	  responses },
	{ "http: malformed and cut responses", malformed_responses },
	UNIT_END
};
