/* idna.h: an internationalized domain name in the form DNS and SMTP
 * without SMTPUTF8 use (RFC 5890 A-labels, Punycode RFC 3492), pure.
 *
 * Each label with a non-ASCII character is written "xn--" and its
 * Punycode; ASCII letters are lower-cased. The mapping step of UTS #46 is
 * not done beyond lower-casing the letters of Latin-1 (U+00C0..U+00DE);
 * a name typed in other capitals is encoded as it is (and then names
 * another domain): give such names in lower case.
 */
#ifndef IDNA_H
#define IDNA_H

#include <stddef.h>

/* Writes the A-label form of domain d[0..len) (UTF-8) into out[0..size),
 * NUL-terminated. Returns its length, or -1 when d is not valid UTF-8,
 * has a character that no host name may hold (a control, a space, a
 * symbol of ASCII other than '-' and '.'), an empty label, or a label or
 * name too long (63 and 253 octets encoded). */
int idna_to_ascii(const char *d, size_t len, char *out, size_t size);

#endif
