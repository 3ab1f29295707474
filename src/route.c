/* route.c: see route.h. */
#include <string.h>
#include "rcptlist.h"
#include "route.h"

/* Splits "DOMAIN TARGET" at its one space. */
static const char *target_of(const char *val, size_t *dlen)
{
	const char *sp = strchr(val, ' ');
	if (!sp)
		sp = strchr(val, '\t');
	if (!sp)
		return 0;
	*dlen = (size_t)(sp - val);
	while (*sp == ' ' || *sp == '\t')
		sp++;
	return sp;
}

const char *route_check(const char *val)
{
	size_t dlen;
	const char *t = target_of(val, &dlen), *colon;

	if (!t || !*t)
		return "a route is DOMAIN TARGET";
	if (!(dlen == 1 && val[0] == '*') && !addr_domain_valid(val, dlen))
		return "a route's domain is a mail domain or *";
	if (strchr(t, ' ') || strchr(t, '\t'))
		return "a route has one target";
	colon = t[0] == '[' ? strchr(t, ']') : t;
	if (!colon)
		return "a route's target literal lacks its ]";
	colon = strchr(colon, ':');
	if (!addr_domain_valid(t, colon ? (size_t)(colon - t) : strlen(t)) ||
	    (colon && !route_hop(t, strlen(t))))
		return "a route's target is HOST, HOST:PORT or [ADDRESS]:PORT "
		       "(PORT 1 to 65535)";
	return 0;
}

int route_hop(const char *t, size_t len)
{
	size_t h = 0, i;
	unsigned long port = 0;

	while (h < len && t[h] != (t[0] == '[' ? ']' : ':'))
		h++;
	if (t[0] == '[')
		h++;
	if (h >= len || t[h] != ':' || !addr_domain_valid(t, h) ||
	    len - h - 1 < 1 || len - h - 1 > 5)
		return 0;
	for (i = h + 1; i < len; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		port = port * 10 + (unsigned long)(t[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

int route_to(const char *const *routes, size_t n, const char *target)
{
	size_t i, dlen;

	for (i = 0; i < n; i++) {
		const char *t = target_of(routes[i], &dlen);
		if (t && addr_eq_nocase(t, strlen(t), target, strlen(target)))
			return 1;
	}
	return 0;
}

const char *route_exact(const char *const *routes, size_t n,
			const char *domain, size_t len)
{
	size_t i, dlen;

	for (i = 0; i < n; i++) {
		const char *t = target_of(routes[i], &dlen);
		if (t && !(dlen == 1 && routes[i][0] == '*') &&
		    addr_eq_nocase(routes[i], dlen, domain, len))
			return t;
	}
	return 0;
}

size_t route_target_host(const char *target)
{
	const char *end = target[0] == '[' ? strchr(target, ']') : 0;

	if (end)
		return (size_t)(end - target + 1);
	end = strchr(target, ':');
	return end ? (size_t)(end - target) : strlen(target);
}

const char *route_find(const char *const *routes, size_t n,
		       const char *domain)
{
	const char *star = 0;
	size_t i, dlen;

	for (i = 0; i < n; i++) {
		const char *t = target_of(routes[i], &dlen);
		if (!t)
			continue;
		if (dlen == 1 && routes[i][0] == '*')
			star = star ? star : t;
		else if (addr_eq_nocase(routes[i], dlen, domain,
					    strlen(domain)))
			return t;
	}
	return star;
}
