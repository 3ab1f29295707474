/* addr.h: the syntax of mail addresses and domains, one module for
 * every program (sendmail, smtppd, smtprc, the lists, the routes). Pure
 * functions over (pointer, length); nothing is copied or allocated. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include "config.h"

/* Checks an address without brackets: a Mailbox of RFC 5321 section
 * 4.1.2 (Local-part "@" Domain, the domain as addr_domain_valid), total
 * under SMTP_PATH_SIZE - 2. The local part is a Quoted-string or a
 * Dot-string; a Dot-string whose dots are out of place ("a..b") is
 * accepted and quoted when sent (addr_smtp_form). Returns 1 when valid. */
int addr_valid(const char *a, size_t len);

/* The position of the '@' that ends the local part, or len when a has no
 * valid local part followed by '@': a local part is a Quoted-string
 * (qtextSMTP and quoted-pairs: any printable ASCII, the space included,
 * '"' and '\' escaped) or atext and dots. What follows the '@' is not
 * judged here. */
size_t addr_at(const char *a, size_t len);

/* The end of a path written between angle brackets in a queue file:
 * s[0..n) starts after the '<'. Returns the index of the '>' that closes
 * it, outside any quoted string, or n when there is none or a control
 * byte, a space or a '<' outside quotes comes first. 8-bit bytes are
 * carried (addr_valid judges them). */
size_t addr_path_end(const char *s, size_t n);

/* Writes address a[0..len) as it goes on the wire (RFC 5321 Path
 * content) into out[0..size): unchanged, except a local part whose dots
 * are out of place, which is quoted ("a..b"@example.com), as Postfix's
 * client does. Returns the length, or 0 when it does not fit. */
size_t addr_smtp_form(const char *a, size_t len, char *out, size_t size);

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
