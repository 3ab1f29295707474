/* http_request.c: an https URL split, a form body, and the request
 * (RFC 3986 URIs, RFC 9112 §3 the request line, WHATWG's
 * application/x-www-form-urlencoded). See http.h. */
#include <string.h>
#include "fmt.h"
#include "http.h"

static int fail(const char **why, const char *s)
{
	*why = s;
	return -1;
}

static int url_host(const char *b, const char *e, struct http_url *u,
		    const char **why)
{
	const char *p;
	size_t n;
	int v6 = *b == '[';

	if (v6) {                       /* an IPv6 literal */
		if (!(p = memchr(b, ']', (size_t)(e - b))) || p + 1 != e)
			return fail(why, "an IPv6 host without its closing bracket");
		b++;
		e = p;
	}
	n = (size_t)(e - b);
	if (!n || n >= sizeof u->host)
		return fail(why, "a host that is empty or too long");
	for (p = b; p < e; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		      (*p == ':' && v6)))
			return fail(why, "a host with a byte a host name cannot have");
	memcpy(u->host, b, n);
	u->host[n] = 0;
	return 0;
}

int http_url_parse(const char *url, struct http_url *u, const char **why)
{
	const char *a = url, *e, *hp, *port = 0, *p;
	size_t n;

	memset(u, 0, sizeof *u);
	u->port = 443;
	for (p = url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return fail(why, "a URL with a space, control or 8-bit byte");
	if (strncmp(a, "https://", 8))
		return fail(why, "a URL that is not https://");
	a += 8;
	e = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(e - a)))
		return fail(why, "a URL with user information");
	if (strchr(e, '#'))
		return fail(why, "a URL with a fragment");
	hp = *a == '[' ? memchr(a, ']', (size_t)(e - a)) : a;
	if (hp && (p = memchr(hp, ':', (size_t)(e - hp))))
		port = p;
	if (url_host(a, port ? port : e, u, why) < 0)
		return -1;
	if (port) {
		unsigned v = 0;
		for (p = port + 1; p < e && *p >= '0' && *p <= '9' && v <= 65535; p++)
			v = v * 10 + (unsigned)(*p - '0');
		if (p != e || p == port + 1 || !v || v > 65535)
			return fail(why, "a URL with a bad port");
		u->port = v;
	}
	n = strlen(e);
	if (n + 2 > sizeof u->path)
		return fail(why, "a URL whose path is too long");
	if (*e != '/')
		u->path[0] = '/';
	memcpy(u->path + (*e != '/'), e, n + 1);
	return 0;
}

int http_form_add(char *buf, size_t size, size_t *len, const char *name,
		  const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = *len;
	const char *s;
	int part;

	for (part = 0; part < 2; part++) {
		if (n && n + 1 < size)
			buf[n++] = part ? '=' : '&';
		else if (n)
			return -1;
		for (s = part ? value : name; *s; s++) {
			unsigned char c = (unsigned char)*s;
			int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9') || strchr("-._*", c);
			if (n + (plain || c == ' ' ? 1 : 3) >= size) {
				buf[*len] = 0;
				return -1;
			}
			if (plain || c == ' ') {
				buf[n++] = c == ' ' ? '+' : (char)c;
			} else {
				buf[n++] = '%';
				buf[n++] = hex[c >> 4];
				buf[n++] = hex[c & 15];
			}
		}
		if (!part && !n)
			return buf[*len] = 0, -1;
	}
	buf[n] = 0;
	*len = n;
	return 0;
}

long http_request(char *out, size_t size, const struct http_url *u,
		  const char *accept, const char *form, size_t formlen)
{
	int v6 = strchr(u->host, ':') != 0, n;
	char port[8] = "";

	if (u->port != 443)
		fmt_into(port, sizeof port, ":%u", u->port);
	n = fmt_into(out, size,
		     "%s %s HTTP/1.1\r\nHost: %s%s%s%s\r\n"
		     "User-Agent: smtprc/" SMTPRC_VERSION "\r\nAccept: %s\r\n"
		     "Connection: close\r\n",
		     form ? "POST" : "GET", u->path, v6 ? "[" : "", u->host,
		     v6 ? "]" : "", port, accept);
	if (n < 0 || (size_t)n >= size)
		return -1;
	if (form) {
		int m = fmt_into(out + n, size - (size_t)n,
				 "Content-Type: application/x-www-form-urlencoded"
				 "\r\nContent-Length: %zu\r\n\r\n", formlen);
		if (m < 0 || (size_t)m + formlen >= size - (size_t)n)
			return -1;
		memcpy(out + n + m, form, formlen);
		out[n + m + formlen] = 0;
		return n + m + (long)formlen;
	}
	if ((size_t)n + 2 >= size)
		return -1;
	memcpy(out + n, "\r\n", 3);
	return n + 2;
}
