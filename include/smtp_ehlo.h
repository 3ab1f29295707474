/* smtp_ehlo.h: the service extensions of an EHLO reply (RFC 5321 §4.1.1.1).
 *
 * Pure: fed the text of each EHLO reply line after the first (the part
 * after "250-" or "250 "), it records the extensions this client uses.
 * Unknown keywords are ignored, as RFC 5321 asks.
 */
#ifndef SMTP_EHLO_H
#define SMTP_EHLO_H

#include <stddef.h>

enum {
	SMTP_EXT_PIPELINING = 1 << 0, /* RFC 2920 */
	SMTP_EXT_SIZE = 1 << 1,       /* RFC 1870 */
	SMTP_EXT_8BITMIME = 1 << 2,   /* RFC 6152 */
	SMTP_EXT_STARTTLS = 1 << 3,   /* RFC 3207 */
	SMTP_EXT_AUTH = 1 << 4,       /* RFC 4954 */
	SMTP_EXT_ENHANCED = 1 << 5,   /* RFC 2034 ENHANCEDSTATUSCODES */
	SMTP_EXT_SMTPUTF8 = 1 << 6,   /* RFC 6531 */
	SMTP_EXT_DSN = 1 << 7,        /* RFC 3461 */
};

/* SASL mechanisms of the AUTH line that this client can use. */
enum { SMTP_AUTH_PLAIN = 1 << 0, SMTP_AUTH_LOGIN = 1 << 1,
       SMTP_AUTH_XOAUTH2 = 1 << 2,     /* Google's and Microsoft's */
       SMTP_AUTH_OAUTHBEARER = 1 << 3  /* RFC 7628 */ };

struct smtp_ehlo {
	unsigned ext;           /* SMTP_EXT_* advertised */
	unsigned long size_max; /* SIZE limit in bytes; 0: none declared */
	unsigned auth;          /* SMTP_AUTH_* offered on the AUTH line */
};

void smtp_ehlo_init(struct smtp_ehlo *e);

/* Records the keyword on one extension line (text without the reply code).
 * A SIZE parameter that is not a decimal number, or that overflows, is
 * treated as no declared limit. Never fails. */
void smtp_ehlo_line(struct smtp_ehlo *e, const char *text, size_t len);

#endif
