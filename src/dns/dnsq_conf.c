/* dnsq_conf.c: the resolver configuration of dnsq.h, pure: the
 * resolv.conf parser (dnsq_resolvconf) and --resolver's form
 * (dnsq_server_parse), apart from the udns adapter so that the
 * configuration fuzz harness does not need udns. */
#include <string.h>
#include "dnsq.h"
#include "ip46.h"

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Reads a decimal value after "name:" in word w[0..n). */
static int opt_value(const char *w, size_t n, const char *name, unsigned *v)
{
	size_t k = strlen(name), i;
	unsigned x = 0;
	if (n <= k || memcmp(w, name, k))
		return 0;
	for (i = k; i < n; i++) {
		if (w[i] < '0' || w[i] > '9' || x > 1000)
			return 0;
		x = x * 10 + (unsigned)(w[i] - '0');
	}
	*v = x;
	return 1;
}

/* The next word of the line p..e: sets *w and returns its length. */
static size_t word(const char **p, const char *e, const char **w)
{
	while (*p < e && space(**p))
		++*p;
	*w = *p;
	while (*p < e && !space(**p))
		++*p;
	return (size_t)(*p - *w);
}

size_t dnsq_resolvconf(const char *buf, size_t len, struct dnsq_conf *c)
{
	const char *p = buf, *end = buf + len;

	c->nserv = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *w;
		size_t n = word(&p, e, &w);

		if (n == 10 && !memcmp(w, "nameserver", 10)) {
			char tmp[64];
			/* "ADDR"; no port in resolv.conf. */
			n = word(&p, e, &w);
			if (n && n < sizeof tmp && c->nserv < DNS_SERVERS_MAX) {
				memcpy(tmp, w, n);
				tmp[n] = 0;
				if (ip46_parse(tmp, n, &c->serv[c->nserv].ip)) {
					c->serv[c->nserv].port = 53;
					c->nserv++;
				}
			}
		} else if (n == 7 && !memcmp(w, "options", 7)) {
			while ((n = word(&p, e, &w))) {
				opt_value(w, n, "timeout:", &c->timeout);
				opt_value(w, n, "attempts:", &c->tries);
			}
		}
		p = nl ? nl + 1 : end;
	}
	return c->nserv;
}

int dnsq_server_parse(const char *text, struct dnsq_server *s)
{
	const char *colon = strrchr(text, ':');
	const char *close = strchr(text, ']');
	unsigned port = 53;
	size_t n = strlen(text);

	if (text[0] == '[') {
		if (!close)
			return 0;
		if (close[1] == ':')
			colon = close + 1;
		else if (close[1])
			return 0;
		else
			colon = 0;
		text++;
		n = (size_t)(close - text);
	} else if (colon && strchr(text, ':') != colon) {
		colon = 0; /* a bare IPv6 address */
	} else if (colon) {
		n = (size_t)(colon - text);
	}
	if (colon && !ip46_port_parse(colon + 1, strlen(colon + 1), &port))
		return 0;
	if (!ip46_parse(text, n, &s->ip))
		return 0;
	s->port = port;
	return 1;
}
