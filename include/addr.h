/* addr.h: the syntax of mail addresses and domains, one module for
 * every program (sendmail, smtppd, smtprc, the lists, the routes). Pure
 * functions over (pointer, length); nothing is copied or allocated. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include "config.h"

/* Checks an address without brackets: printable ASCII, a quoted local part
 * allowed, one '@' outside quotes, non-empty local part and domain, total
 * under SMTP_PATH_SIZE - 2. Returns 1 when valid. */
int addr_valid(const char *a, size_t len);

/* The position of the '@' that separates local part and domain (the one
 * outside quotes), or len when a has none or is malformed (a control
 * byte, a space, <>,; or a backslash outside quotes, two '@', an open
 * quote). */
size_t addr_at(const char *a, size_t len);

/* Checks a domain: a host name of letters, digits, '-' and '.' in labels
 * of at most 63 octets, or an address literal (addr_literal_valid); at
 * most SMTP_DOMAIN_SIZE bytes. */
int addr_domain_valid(const char *d, size_t len);

/* Checks an address literal, brackets included: "[192.0.2.1]" or
 * "[IPv6:2001:db8::1]" (the tag in any case), RFC 5321 §4.1.3; the
 * general form ("[tag:content]") and anything else are refused, so that
 * a domain is always a usable file name and a connectable address. */
int addr_literal_valid(const char *d, size_t len);

/* The length of domain d[0..len) without one trailing dot (the root of a
 * fully qualified name: "example.com." is "example.com"), so that routes,
 * TLS policies and lists see one name. A literal, "." alone, or a name
 * without the dot is returned whole. */
size_t addr_domain_trim(const char *d, size_t len);

/* Compares ASCII strings ignoring case; returns 1 when equal. */
int addr_eq_nocase(const char *a, size_t alen, const char *b, size_t blen);

#endif
