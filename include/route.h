/* route.h: routes from the configuration, pure.
 *
 *   route example.com relay.isp.example:587   mail for example.com
 *   route * [192.0.2.1]:25                     all other mail
 *
 * A route's target replaces the DNS look-up of the mail domain: a
 * HOST:PORT or [LITERAL]:PORT is used as it is (its A/AAAA records at
 * that port); a bare name is located like a mail domain (its SRV/MX). An
 * exact domain (case ignored) beats "*". Routes are kept as the option
 * values ("DOMAIN TARGET"), at most ROUTES_MAX of them.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stddef.h>

/* Checks "DOMAIN TARGET". Returns 0 or a static reason. */
const char *route_check(const char *val);

/* The route of exactly domain (case ignored), never "*"; NULL when none. */
const char *route_exact(const char *const *routes, size_t n,
			const char *domain, size_t len);

/* The host of a route's target: "smtp.isp.example:587" gives
 * "smtp.isp.example", "[192.0.2.1]:25" gives "[192.0.2.1]". Returns its
 * length (the host starts at target). */
size_t route_target_host(const char *target);

/* Finds the route for domain among routes[0..n). Returns a pointer to its
 * target inside the route's string (it runs to the NUL), or NULL. */
const char *route_find(const char *const *routes, size_t n,
		       const char *domain);

/* 1 when t[0..len) is a next hop: HOST:PORT or [ADDRESS]:PORT with PORT
 * 1 to 65535 (the target of a smarthost route, and the name under which
 * the posting office queues the mail of every domain routed there). */
int route_hop(const char *t, size_t len);

/* 1 when some route's target is target (case ignored). */
int route_to(const char *const *routes, size_t n, const char *target);

#endif
