/* libFuzzer harness: http.h. The first byte picks what is fuzzed. A
 * response: every outcome is one of three; a body found lies in the
 * buffer; the connection's close never leaves "more"; a response done
 * without the close is done, the same, with it. A URL: one accepted
 * never puts a space, CR or LF into the request it makes (no request
 * or header injection), whose head ends once, at its end. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"

static void response(const char *data, size_t size)
{
	char *buf = malloc(size + 1), *copy = malloc(size + 1);
	struct http_response r, c;
	const char *why = 0;
	int rc, rc2;

	memcpy(buf, data, size);
	memcpy(copy, data, size);
	rc = http_response_parse(buf, size, 0, &r, &why);
	assert(rc == -1 || rc == HTTP_MORE || rc == HTTP_DONE);
	assert(rc != -1 || why);
	rc2 = http_response_parse(copy, size, 1, &c, &why);
	assert(rc2 == -1 || rc2 == HTTP_DONE);
	if (rc == HTTP_DONE) {
		assert(rc2 == HTTP_DONE && c.status == r.status);
		assert(c.body_len == r.body_len);
		assert(c.body - copy == r.body - buf &&
		       !memcmp(c.body, r.body, r.body_len));
	}
	if (rc == -1)
		assert(rc2 == -1);
	if (rc2 == HTTP_DONE) {
		assert(c.status >= 200 && c.status <= 599);
		assert(c.body >= copy && c.body + c.body_len <= copy + size);
		assert(strlen(c.reason) < sizeof c.reason);
		assert(strlen(c.type) < sizeof c.type);
	}
	free(buf);
	free(copy);
}

static void url(const char *data, size_t size)
{
	char s[1024], out[2048];
	struct http_url u;
	const char *why = 0, *p;
	long n;
	int spaces;

	if (size >= sizeof s)
		return;
	memcpy(s, data, size);
	s[size] = 0;
	if (http_url_parse(s, &u, &why) < 0) {
		assert(why);
		return;
	}
	assert(u.port >= 1 && u.port <= 65535 && u.path[0] == '/');
	n = http_request(out, sizeof out, &u, "text/plain", 0, 0);
	assert(n > 0 && (size_t)n == strlen(out));
	assert(!strchr(u.host, ' ') && !strchr(u.path, ' '));
	assert(strstr(out, "\r\n\r\n") == out + n - 4);
	for (p = out, spaces = 0; p < strstr(out, "\r\n"); p++)
		spaces += *p == ' ';
	assert(spaces == 2);    /* GET path HTTP/1.1 */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		url((const char *)data + 1, size - 1);
	else
		response((const char *)data + 1, size - 1);
	return 0;
}
