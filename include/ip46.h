/* ip46.h: one address type for IPv4 and IPv6, so that call sites carry no
 * #if. With CONFIG_IPV6=0 IPv6 text is refused and no AF_INET6 code is
 * built. */
#ifndef IP46_H
#define IP46_H

#include <stddef.h>
#include "config.h"

struct ip46 {
	unsigned char ip[16]; /* IPv4 in the first 4 bytes */
	unsigned char is6;
};

/* Text size for ip46_fmt, NUL included. */
#define IP46_FMT_SIZE 46

/* Parses a bare IPv4 address ("192.0.2.1"), or with IPv6 built in, a bare
 * IPv6 address ("2001:db8::1"), from s[0..n). Returns 1 when valid. */
int ip46_parse(const char *s, size_t n, struct ip46 *a);

/* Parses an RFC 5321 §4.1.3 address literal with its brackets:
 * "[192.0.2.1]" or "[IPv6:2001:db8::1]". Returns 1 when valid. */
int ip46_parse_literal(const char *s, size_t n, struct ip46 *a);

/* Writes the address as text, NUL-terminated, into out. Returns length. */
size_t ip46_fmt(const struct ip46 *a, char out[IP46_FMT_SIZE]);

int ip46_equal(const struct ip46 *a, const struct ip46 *b);

/* 1 when a can only mean this host or no host: loopback (127/8, ::1),
 * unspecified (0/8, ::), link-local (169.254/16, fe80::/10), multicast or
 * broadcast, and IPv4-mapped IPv6 forms of those. Mail found through DNS
 * is never sent there (locate.h). */
int ip46_is_local(const struct ip46 *a);

/* Parses a TCP port, 1..65535, from s[0..n) (decimal digits only).
 * Returns 1 when valid. */
int ip46_port_parse(const char *s, size_t n, unsigned *port);

#endif
