/* http.h: the HTTP/1.1 (RFC 9112) of smtprc's one HTTPS client: an
 * https URL, a GET or form POST request, and the response parsed from
 * one buffer. What uses it: the OAuth 2.0 token and device authorization
 * endpoints (RFC 6749, RFC 8628) and MTA-STS policies (RFC 8461).
 *
 * Pure: no I/O, no allocation. One request a connection ("Connection:
 * close"); redirects are never followed (RFC 8461 §3.3 forbids it for
 * policies; a token endpoint has no reason to redirect a POST), so a 3xx
 * is an answer like any other status.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include "config.h"

/* An https URL, split. */
struct http_url {
	char host[SMTP_DOMAIN_SIZE + 1]; /* a name, an IPv4 literal, or an
					    IPv6 one without its brackets */
	unsigned port;                   /* 443 unless given */
	char path[HTTP_PATH_SIZE];       /* from its "/", query included */
};

/* Splits url ("https://HOST[:PORT][/PATH]"). Returns 0, or -1 with *why
 * when it is not https, has user information or a fragment, a bad port,
 * a host or path too long, or a byte that is not printable ASCII. */
int http_url_parse(const char *url, struct http_url *u, const char **why);

/* Appends name=value to an application/x-www-form-urlencoded body in
 * buf (*len bytes so far, size in all; NUL-terminated), "&" between
 * members. Returns 0, or -1 when it does not fit (buf unchanged). */
int http_form_add(char *buf, size_t size, size_t *len, const char *name,
		  const char *value);

/* The request for path on u's host: a GET when form is 0, else a POST of
 * form (formlen bytes). accept names the media type wanted. Returns its
 * length in out, or -1 when it does not fit size. */
long http_request(char *out, size_t size, const struct http_url *u,
		  const char *accept, const char *form, size_t formlen);

/* A response, parsed. */
struct http_response {
	int status;             /* 100..599 */
	char reason[64];        /* its reason phrase, cut to fit, printable */
	char type[64];          /* Content-Type's media type, lower case,
				   without parameters; "" if none */
	char *body;             /* in the buffer, decoded (chunked: in */
	size_t body_len;        /* place), not NUL-terminated */
};

enum { HTTP_MORE = 0, HTTP_DONE = 1 };

/* Parses the response in buf[0..len), everything received so far;
 * closed: the server has closed the connection. Returns HTTP_MORE when
 * the response is not complete yet (and closed is 0), HTTP_DONE with r
 * filled (a chunked body is decoded in place, so call it once more only
 * on a fresh buffer), or -1 with *why: a malformed status line, header or
 * chunk, a body cut by the close, conflicting lengths, a transfer coding
 * other than chunked. Interim 1xx responses are skipped. A body is never
 * taken from bytes after its declared end. */
int http_response_parse(char *buf, size_t len, int closed,
			struct http_response *r, const char **why);

#endif
