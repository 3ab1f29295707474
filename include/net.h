/* net.h: TCP connections with deadlines, over ip46.h's addresses. */
#ifndef NET_H
#define NET_H

#include "ip46.h"

/* Starts a non-blocking TCP connection to a:port. Returns the socket (the
 * connect may still be in progress: wait for it to become writable, then
 * call net_connect_result), or E_SYS. */
int net_connect_start(const struct ip46 *a, unsigned port);
/* Returns 0 when the connection on fd completed, else E_SYS (errno set). */
int net_connect_result(int fd);

/* This host's own interface addresses (IPv4 from SIOCGIFCONF, IPv6 from
 * /proc/net/if_inet6; no allocation) into out[0..max). Returns how many;
 * past max the rest are not known (the caller says so). */
size_t net_own_addrs(struct ip46 *out, size_t max);

#endif
