/* resolvconf.c: dnsq_resolvconf (see dnsq.h), the resolv.conf parser. */
#include <string.h>
#include "dnsq.h"

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
