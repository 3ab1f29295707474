/* locate.c: see locate.h. */
#include <string.h>
#include "err.h"
#include "locate.h"
#include "rcptlist.h"

static int port_parse(const char *s, size_t n, unsigned *port)
{
	unsigned long v = 0;
	size_t i;
	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return 0;
	*port = (unsigned)v;
	return 1;
}

int locate_parse(const struct locate_req *q, size_t *host_len,
		 unsigned *port, const char **why)
{
	const char *d = q->domain;
	size_t n = strlen(d);
	const char *colon;
	struct ip46 ip;

	*host_len = n;
	*port = q->smtp_port;
	if (d[0] == '[') {
		const char *close = memchr(d, ']', n);
		if (!close) {
			*why = "address literal without ']'";
			return -1;
		}
		*host_len = (size_t)(close - d) + 1;
		if (!ip46_parse_literal(d, *host_len, &ip)) {
			*why = CONFIG_IPV6 ? "bad address literal"
					   : "bad address literal (IPv6 is "
					     "not built in)";
			return -1;
		}
		if (!q->clientip) {
			*why = "address literals are turned off (/CLIENTIP-)";
			return -1;
		}
		if (*host_len == n)
			return LOCATE_LITERAL;
		if (d[*host_len] != ':' ||
		    !port_parse(d + *host_len + 1, n - *host_len - 1, port)) {
			*why = "bad port after the address literal";
			return -1;
		}
		if (!q->clientport) {
			*why = "explicit ports are turned off (/CLIENTPORT-)";
			return -1;
		}
		return LOCATE_HOSTPORT;
	}
	colon = memchr(d, ':', n);
	if (colon) {
		*host_len = (size_t)(colon - d);
		if (!port_parse(colon + 1, n - *host_len - 1, port)) {
			*why = "bad port after the host name";
			return -1;
		}
		if (!q->clientport) {
			*why = "explicit ports are turned off (/CLIENTPORT-)";
			return -1;
		}
		if (!rcptlist_domain_valid(d, *host_len) || d[0] == '[') {
			*why = "bad host name";
			return -1;
		}
		return LOCATE_HOSTPORT;
	}
	if (!rcptlist_domain_valid(d, n)) {
		*why = "bad domain name";
		return -1;
	}
	return LOCATE_DOMAIN;
}

/* The DNS step (SRV, MX, implicit A/AAAA) plugs in here. */
static int locate_dns(const struct locate_req *q, const char *host,
		      size_t len, unsigned port, struct locate_result *r)
{
	(void)q; (void)host; (void)len; (void)port;
	outcome_set(&r->fail, OUTCOME_DEFERRED, "4.4.3",
		    "cannot look up servers: DNS is not built into this "
		    "version; name the server by address");
	return E_NODNS;
}

static int is_self(const struct locate_req *q, const struct ip46 *a)
{
	size_t i;
	for (i = 0; i < q->nself; i++)
		if (ip46_equal(&q->self[i], a))
			return 1;
	return 0;
}

/* Removes every server at or below (numerically >=) the best priority of
 * a /SELF address. */
static int cut_self(const struct locate_req *q, struct locate_result *r)
{
	unsigned cut = (unsigned)-1;
	size_t i, k = 0;
	char msg[SMTP_DIAG_SIZE];

	for (i = 0; i < r->n; i++)
		if (is_self(q, &r->addr[i].ip) && r->addr[i].priority < cut)
			cut = r->addr[i].priority;
	if (cut == (unsigned)-1)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->addr[i].priority < cut)
			r->addr[k++] = r->addr[i];
	r->n = k;
	r->self_cut = 1;
	if (k)
		return 0;
	/* RFC 5321 §5.1: the best server is this system itself. */
	memcpy(msg, "mail for ", 9);
	{
		size_t dl = strlen(q->domain);
		if (dl > sizeof msg - 40)
			dl = sizeof msg - 40;
		memcpy(msg + 9, q->domain, dl);
		memcpy(msg + 9 + dl, " loops back to myself", 22);
	}
	outcome_set(&r->fail, OUTCOME_BOUNCED, "5.4.6", msg);
	return E_CONNECT;
}

int locate(const struct locate_req *q, struct locate_result *r)
{
	size_t hl;
	unsigned port;
	const char *why;
	int form = locate_parse(q, &hl, &port, &why);
	struct locate_addr *a = &r->addr[0];
	int rc;

	r->n = 0;
	r->self_cut = 0;
	if (form < 0) {
		outcome_set(&r->fail, OUTCOME_DEFERRED, "4.3.5", why);
		return E_CONNECT;
	}
	memset(a, 0, sizeof *a);
	if (form == LOCATE_LITERAL ||
	    (form == LOCATE_HOSTPORT && q->domain[0] == '[')) {
		ip46_parse_literal(q->domain, hl, &a->ip);
	} else if (form == LOCATE_HOSTPORT && ip46_parse(q->domain, hl, &a->ip)) {
		/* a numeric host: no look-up */
	} else {
		rc = locate_dns(q, q->domain, hl, port, r);
		if (rc < 0)
			return rc;
		return cut_self(q, r);
	}
	a->port = port;
	memcpy(a->name, q->domain, hl);
	a->name[hl] = 0;
	r->n = 1;
	return cut_self(q, r);
}
